/*
 * Flags and Gmail labels: FETCH (FLAGS) / (X-GM-LABELS) and STORE.
 * RFC 3501 sections 6.4.5 (FETCH), 6.4.6 (STORE), 7.4.2 (FETCH response);
 * Gmail IMAP extensions (X-GM-LABELS).
 */
#include "msgutil.h"

#include "../types/types.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    imapclient_msg_flags m;
    unsigned responses; /* FETCH responses taken for this message */
} entry;

/* Responses taken for one message at the most (a server repeating one
 * must not grow the result for ever; issue 14, item 3); the rest are
 * kept with the unsolicited ones, which are bounded. */
#define MAX_RESPONSES_PER_MESSAGE 64

typedef struct flags_state {
    const char *key; /* "FLAGS" or "X-GM-LABELS" */
    int labels;      /* decode modified UTF-7 (labels are UTF-8 once
                        UTF8=ACCEPT or IMAP4rev2 is on: not decoded then) */
    int use_uid;
    imc_idset set;
    imc_arena *a; /* result arena; NULL: silent (no result) */
    entry *e;
    size_t n, cap;
    imc_u32map ids; /* id -> entry index + 1 */
} flags_state;

/* The entry of id, or NULL. */
static entry *entry_of(flags_state *st, uint32_t id)
{
    uint32_t k = imc_u32map_get(&st->ids, id);
    return k ? &st->e[k - 1] : NULL;
}

/* Record the flags (and MODSEQ, if any) of message id: a later response
 * for the same message replaces the earlier one (the last wins). 1
 * taken, 0 not (the message has had its share), or a status. */
static int record(imapclient *c, flags_state *st, uint32_t id, uint32_t seq,
                  const imapclient_value *list, const uint64_t *modseq)
{
    entry *e = entry_of(st, id);
    if (e && e->responses >= MAX_RESPONSES_PER_MESSAGE)
        return 0;
    if (!e) {
        if (st->n == st->cap) {
            size_t cap = st->cap ? st->cap * 2 : 32;
            entry *p =
                cap < SIZE_MAX / sizeof *p ? realloc(st->e, cap * sizeof *p) : NULL;
            if (!p)
                return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            st->e = p;
            st->cap = cap;
        }
        if (imc_u32map_add(&st->ids, id, (uint32_t)(st->n + 1)))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        e = &st->e[st->n++];
        memset(e, 0, sizeof *e);
    }
    const char **flags = imc_arena_calloc(st->a, list->count + 1, sizeof *flags);
    if (!flags)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < list->count; i++) {
        const imapclient_value *v = &list->items[i];
        if (!v->str)
            continue; /* NIL or a nested list: not a flag */
        char *s = NULL;
        if (st->labels && imc_utf7_decode(st->a, v->str, v->len, &s) == IMAPCLIENT_ENOMEM)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        if (!s) /* not a label, or not valid modified UTF-7: as sent */
            s = imc_arena_strndup(st->a, v->str, v->len);
        if (!s)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        flags[k++] = s;
    }
    e->m.id = id;
    e->m.seq = seq;
    e->m.flags = flags;
    e->m.count = k;
    if (modseq) {
        e->m.modseq = *modseq;
        e->m.has_modseq = 1;
    }
    e->responses++;
    return 1;
}

/* MODSEQ (n) as sent in a FETCH response. */
static int modseq_of(const imapclient_value *v, uint64_t *out)
{
    if (v->type == IMAPCLIENT_VALUE_LIST && v->count == 1)
        v = &v->items[0];
    return imc_msg_value_u64(v, out);
}

/* A FETCH response belongs to the result when it names a message of the
 * request (by UID with use_uid) and carries the item asked for; its
 * MODSEQ, if any, goes with it. One with nothing but UID and MODSEQ (the
 * MODSEQ of the change, RFC 7162 3.1.3) updates the entry of its message
 * when this command made one; otherwise it is kept for the caller, as in
 * the .SILENT form: a MODSEQ is never dropped (issue 14, item 12). The
 * .SILENT form drops only the flags it did not ask for. Anything else
 * stays for noop(). */
static int on_fetch(imapclient *c, const imapclient_response *r, void *ud)
{
    flags_state *st = ud;
    if (!r->has_number || strcmp(r->name, "FETCH") != 0 || r->args->count != 1 ||
        r->args->items[0].type != IMAPCLIENT_VALUE_LIST)
        return 0;
    const imapclient_value *l = &r->args->items[0];
    const imapclient_value *val = NULL;
    uint32_t uid = 0;
    uint64_t modseq = 0;
    int has_modseq = 0, others = 0;
    for (size_t i = 0; i + 1 < l->count; i += 2) {
        const imapclient_value *k = &l->items[i], *v = &l->items[i + 1];
        if (imapclient_value_is(k, "UID")) {
            if (imc_msg_value_u32(v, &uid))
                return 0;
        } else if (imapclient_value_is(k, st->key) && v->type == IMAPCLIENT_VALUE_LIST) {
            val = v;
        } else if (imapclient_value_is(k, "MODSEQ") && !modseq_of(v, &modseq)) {
            has_modseq = 1;
        } else {
            others = 1;
        }
    }
    uint32_t id = st->use_uid ? uid : r->number;
    if (!id || !imc_idset_has(&st->set, id) || others)
        return 0;
    if (!st->a) /* .SILENT: the flags go, a MODSEQ stays */
        return val && !has_modseq;
    if (val)
        return record(c, st, id, r->number, val, has_modseq ? &modseq : NULL);
    entry *e = has_modseq ? entry_of(st, id) : NULL;
    if (!e)
        return 0;
    e->m.modseq = modseq;
    e->m.has_modseq = 1;
    return 1;
}

static int cmp_entry(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    return (a->m.id > b->m.id) - (a->m.id < b->m.id);
}

/* Sort by id (one entry per id), copy into the result. */
static int flags_finish(imapclient *c, flags_state *st, imapclient_flags_result *res)
{
    if (st->n)
        qsort(st->e, st->n, sizeof *st->e, cmp_entry);
    imapclient_msg_flags *msgs = imc_arena_calloc(st->a, st->n ? st->n : 1, sizeof *msgs);
    if (!msgs)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    for (size_t i = 0; i < st->n; i++)
        msgs[i] = st->e[i].m;
    res->msgs = msgs;
    res->count = st->n;
    return 0;
}

void imapclient_flags_result_free(imapclient_flags_result *r)
{
    imc_msg_result_free(r);
}

const imapclient_msg_flags *imapclient_flags_result_get(const imapclient_flags_result *r,
                                                        uint32_t id)
{
    if (!r)
        return NULL;
    size_t lo = 0, hi = r->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->msgs[mid].id == id)
            return &r->msgs[mid];
        if (r->msgs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char *const no_flags[1];

static imapclient_flags_result *empty_result(imapclient *c)
{
    imapclient_flags_result *res = imc_msg_result_new(sizeof *res);
    if (!res) {
        imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        return NULL;
    }
    static const imapclient_msg_flags none[1] = {{.flags = no_flags}};
    res->msgs = none;
    return res;
}

/* FETCH or STORE of one item as one command object, for both fronts. */
typedef struct flags_op {
    imc_request rq; /* first */
    flags_state st;
    imapclient_flags_result *res; /* NULL when not wanted (silent) */
} flags_op;

static void flags_done(imapclient *c, imc_request *rq)
{
    flags_op *fo = (flags_op *)rq;
    int rc = rq->rc;
    if (rc == 0 && fo->res)
        rc = flags_finish(c, &fo->st, fo->res);
    free(fo->st.e);
    fo->st.e = NULL;
    imc_u32map_free(&fo->st.ids);
    fo->st.ids = (imc_u32map){0};
    imc_idset_free(&fo->st.set);
    if (rc)
        imc_msg_result_free(fo->res);
    else
        rq->out = fo->res;
    fo->res = NULL;
    rq->rc = rc;
}

/* Check the arguments and build the command into c->cmd and fo.
 * op is NULL for FETCH, else "FLAGS", "+FLAGS", "-FLAGS" with labels
 * selecting X-GM-LABELS. */
static int flags_build(imapclient *c, const char *call, const char *messages,
                       const char *op, int labels, const char *const *values, int silent,
                       int want, flags_op *fo)
{
    int rc;
    if ((rc = imc_msg_check_set(c, call, messages)))
        return rc;
    if (op && !labels && (rc = imc_msg_check_flags(c, call, values)))
        return rc;
    /* Labels are sent as folder names are, quoted; encode them first. */
    const char **enc = NULL;
    size_t nvalues = 0;
    while (values && values[nvalues])
        nvalues++;
    if (op && labels) {
        enc = imc_arena_calloc(c->call_arena, nvalues + 1, sizeof *enc);
        if (!enc)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        for (size_t i = 0; i < nvalues; i++) {
            char *s;
            /* labels are folder names: UTF-8 as is once names are UTF-8
             * (RFC 6855 section 3) */
            if (imc_utf8_names(c)) {
                if (!imc_utf8_valid(values[i], strlen(values[i])))
                    return imc_fail(c, IMAPCLIENT_EINVAL, "%s: label is not valid UTF-8",
                                    call);
                enc[i] = values[i];
                continue;
            }
            rc = imc_utf7_encode(c->call_arena, values[i], strlen(values[i]), &s);
            if (rc == IMAPCLIENT_ENOMEM)
                return imc_fail(c, rc, "out of memory");
            if (rc)
                return imc_fail(c, IMAPCLIENT_EINVAL, "%s: label is not valid UTF-8",
                                call);
            enc[i] = s;
        }
    }
    fo->st = (flags_state){.key = labels ? "X-GM-LABELS" : "FLAGS",
                           .labels = labels && !imc_utf8_names(c),
                           .use_uid = c->opts.use_uid};
    if ((rc = imc_idset_init(&fo->st.set, messages)))
        return imc_fail(c, rc, "%s: cannot read the message set", call);
    if (want && !silent) {
        if (!(fo->res = empty_result(c))) {
            imc_idset_free(&fo->st.set);
            return IMAPCLIENT_ENOMEM;
        }
        fo->st.a = imc_msg_result_arena(fo->res);
    }
    if (op)
        imc_begin(c, c->opts.use_uid ? "UID STORE " : "STORE ");
    else
        imc_begin(c, c->opts.use_uid ? "UID FETCH " : "FETCH ");
    imc_put_raw(&c->cmd, messages);
    if (!op) {
        imc_put_raw(&c->cmd, labels ? " (X-GM-LABELS)" : " (FLAGS)");
    } else {
        imc_put_sp(&c->cmd);
        imc_put_raw(&c->cmd, op);
        if (silent)
            imc_put_raw(&c->cmd, ".SILENT");
        if (!labels) {
            imc_msg_put_flags(c, values);
        } else {
            imc_put_raw(&c->cmd, " (");
            for (size_t i = 0; i < nvalues; i++) {
                if (i)
                    imc_put_sp(&c->cmd);
                imc_put_string(&c->cmd, enc[i], strlen(enc[i]));
            }
            imc_put_raw(&c->cmd, ")");
        }
    }
    fo->rq.on_untagged = on_fetch;
    fo->rq.ud = &fo->st;
    fo->rq.on_done = flags_done;
    return 0;
}

static void flags_op_clear(flags_op *fo)
{
    free(fo->st.e);
    imc_u32map_free(&fo->st.ids);
    imc_idset_free(&fo->st.set);
    imc_msg_result_free(fo->res);
}

/* FETCH or STORE of one item, collecting the FETCH responses. */
static int flags_call(imapclient *c, const char *call, const char *messages,
                      const char *op, int labels, const char *const *values, int silent,
                      imapclient_flags_result **out)
{
    if (out)
        *out = NULL;
    int rc = op ? imc_require_writable(c, call) : imc_require_selected(c, call);
    if (rc)
        return rc;
    if (!op && !out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: out is NULL", call);
    if (messages && !*messages) { /* the reference's "if not messages: return {}" */
        if (!out || silent)
            return 0;
        *out = empty_result(c);
        return *out ? 0 : IMAPCLIENT_ENOMEM;
    }
    flags_op fo = {0};
    if ((rc = flags_build(c, call, messages, op, labels, values, silent, out != NULL,
                          &fo)))
        return rc;
    if ((rc = imc_run(c, &fo.rq))) {
        flags_op_clear(&fo); /* when it never completed */
        return rc;
    }
    if (out)
        *out = fo.rq.out;
    else
        imc_msg_result_free(fo.rq.out);
    return 0;
}

static int store_check(imapclient *c, imc_request *rq)
{
    return imc_require_writable(c, "store");
}

static void flags_op_free(imc_request *rq)
{
    flags_op_clear((flags_op *)rq);
    free(rq);
}

static void flags_result_free(void *p)
{
    imapclient_flags_result_free(p);
}

static int start_store(imapclient *c, const char *call, const char *messages,
                       const char *op, const char *const *flags, int silent,
                       imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if (messages && !*messages) {
        /* nothing to change: complete at once, as the blocking call returns */
        imapclient_flags_result *res = silent ? NULL : empty_result(c);
        if (!silent && !res)
            return IMAPCLIENT_ENOMEM;
        uint64_t n = imc_async_next_id(c);
        if (id)
            *id = n;
        imc_async_deliver(c, IMAPCLIENT_OP_STORE, n, cb, user, 0, "", res,
                          flags_result_free);
        return 0;
    }
    flags_op *fo = calloc(1, sizeof *fo);
    if (!fo)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = flags_build(c, call, messages, op, 0, flags, silent, 1, fo))) {
        free(fo);
        return rc;
    }
    fo->rq.check = store_check;
    fo->rq.pipe = imc_pipe_fetch_like(c);
    return imc_async_submit(c, &fo->rq, IMAPCLIENT_OP_STORE, flags_result_free,
                            flags_op_free, cb, user, id);
}

int imapclient_start_add_flags(imapclient *c, const char *messages,
                               const char *const *flags, int silent,
                               imapclient_done_cb cb, void *user, uint64_t *id)
{
    return start_store(c, "add_flags", messages, "+FLAGS", flags, silent, cb, user, id);
}

int imapclient_start_remove_flags(imapclient *c, const char *messages,
                                  const char *const *flags, int silent,
                                  imapclient_done_cb cb, void *user, uint64_t *id)
{
    return start_store(c, "remove_flags", messages, "-FLAGS", flags, silent, cb, user,
                       id);
}

int imapclient_start_set_flags(imapclient *c, const char *messages,
                               const char *const *flags, int silent,
                               imapclient_done_cb cb, void *user, uint64_t *id)
{
    return start_store(c, "set_flags", messages, "FLAGS", flags, silent, cb, user, id);
}

#define CALL_BEGIN                                                                       \
    int rc = imc_call_begin(c);                                                          \
    if (rc)                                                                              \
        return rc;

int imapclient_get_flags(imapclient *c, const char *messages,
                         imapclient_flags_result **out)
{
    CALL_BEGIN
    return flags_call(c, "get_flags", messages, NULL, 0, NULL, 0, out);
}

int imapclient_set_flags(imapclient *c, const char *messages, const char *const *flags,
                         int silent, imapclient_flags_result **out)
{
    CALL_BEGIN
    return flags_call(c, "set_flags", messages, "FLAGS", 0, flags, silent, out);
}

int imapclient_add_flags(imapclient *c, const char *messages, const char *const *flags,
                         int silent, imapclient_flags_result **out)
{
    CALL_BEGIN
    return flags_call(c, "add_flags", messages, "+FLAGS", 0, flags, silent, out);
}

int imapclient_remove_flags(imapclient *c, const char *messages, const char *const *flags,
                            int silent, imapclient_flags_result **out)
{
    CALL_BEGIN
    return flags_call(c, "remove_flags", messages, "-FLAGS", 0, flags, silent, out);
}

int imapclient_delete_messages(imapclient *c, const char *messages, int silent,
                               imapclient_flags_result **out)
{
    CALL_BEGIN
    static const char *const deleted[] = {IMAPCLIENT_DELETED, NULL};
    return flags_call(c, "delete_messages", messages, "+FLAGS", 0, deleted, silent, out);
}

int imapclient_get_gmail_labels(imapclient *c, const char *messages,
                                imapclient_flags_result **out)
{
    CALL_BEGIN
    return flags_call(c, "get_gmail_labels", messages, NULL, 1, NULL, 0, out);
}

int imapclient_set_gmail_labels(imapclient *c, const char *messages,
                                const char *const *labels, int silent,
                                imapclient_flags_result **out)
{
    CALL_BEGIN
    return flags_call(c, "set_gmail_labels", messages, "X-GM-LABELS", 1, labels, silent,
                      out);
}

int imapclient_add_gmail_labels(imapclient *c, const char *messages,
                                const char *const *labels, int silent,
                                imapclient_flags_result **out)
{
    CALL_BEGIN
    return flags_call(c, "add_gmail_labels", messages, "+X-GM-LABELS", 1, labels, silent,
                      out);
}

int imapclient_remove_gmail_labels(imapclient *c, const char *messages,
                                   const char *const *labels, int silent,
                                   imapclient_flags_result **out)
{
    CALL_BEGIN
    return flags_call(c, "remove_gmail_labels", messages, "-X-GM-LABELS", 1, labels,
                      silent, out);
}
