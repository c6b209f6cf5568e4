/*
 * APPEND, MULTIAPPEND, REPLACE, COPY, MOVE, EXPUNGE and UID EXPUNGE, and
 * the append limit.
 * RFC 3501 sections 6.3.11 (APPEND), 6.4.3 (EXPUNGE), 6.4.7 (COPY);
 * RFC 3502 (MULTIAPPEND); RFC 4315 (UIDPLUS: UID EXPUNGE, APPENDUID,
 * COPYUID); RFC 6851 (MOVE); RFC 7888 (LITERAL+); RFC 3516 section 4.4
 * (APPEND of a literal8 with BINARY); RFC 7889 (APPENDLIMIT); RFC 8508
 * (REPLACE).
 */
#include "msgutil.h"

#include "../util/buf.h"

#include <stdlib.h>
#include <string.h>

/* ---- EXPUNGE -------------------------------------------------------------- */

typedef struct collect_state {
    imc_arena *a;
    imapclient_response *items;
    size_t n, cap;
} collect_state;

/* Every untagged response of the command goes into the result, as the
 * reference's _consume_until_tagged_response returns them all: the
 * EXPUNGE (and VANISHED) responses, the answer, always; the others while
 * the result holds less than options.max_pending_bytes, then they are left
 * with the unsolicited responses, bounded too (issue 14, item 3). */
static int on_collect(imapclient *c, const imapclient_response *r, void *ud)
{
    collect_state *st = ud;
    if (strcmp(r->name, "EXPUNGE") && strcmp(r->name, "VANISHED") &&
        imc_arena_footprint(st->a) + st->cap * sizeof *st->items >
            c->opts.max_pending_bytes)
        return 0;
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        imapclient_response *p =
            cap < SIZE_MAX / sizeof *p ? realloc(st->items, cap * sizeof *p) : NULL;
        if (!p)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        st->items = p;
        st->cap = cap;
    }
    if (imc_response_copy(st->a, r, &st->items[st->n]))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    st->n++;
    return 1;
}

/* EXPUNGE / UID EXPUNGE as one command object, for both fronts. */
typedef struct expunge_op {
    imc_request rq; /* first */
    collect_state st;
    imapclient_responses *res; /* NULL when not wanted */
    int uid;                   /* UID EXPUNGE */
} expunge_op;

static void expunge_done(imapclient *c, imc_request *rq)
{
    expunge_op *op = (expunge_op *)rq;
    collect_state *st = &op->st;
    imapclient_responses *res = op->res;
    int rc = rq->rc;
    if (rc == 0 && res) {
        res->text = imc_arena_strdup(st->a, imc_msg_done_text(rq));
        res->items = imc_arena_calloc(st->a, st->n ? st->n : 1, sizeof *res->items);
        if (!res->text || !res->items) {
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        } else {
            if (st->n)
                memcpy(res->items, st->items, st->n * sizeof *res->items);
            res->count = st->n;
        }
    }
    free(st->items);
    st->items = NULL;
    if (rc)
        imapclient_responses_free(res);
    else
        rq->out = res;
    op->res = NULL;
    rq->rc = rc;
}

static int expunge_build(imapclient *c, const char *call, const char *messages, int want,
                         expunge_op *op)
{
    int rc;
    if (messages && (rc = imc_msg_check_set(c, call, messages)))
        return rc;
    if (want) {
        if (!(op->res = imc_responses_new()))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        op->st.a = imc_responses_arena(op->res);
    }
    if (messages) {
        imc_begin(c, "UID EXPUNGE ");
        imc_put_raw(&c->cmd, messages);
    } else {
        imc_begin(c, "EXPUNGE");
    }
    op->rq.on_untagged = want ? on_collect : NULL;
    op->rq.ud = &op->st;
    op->rq.on_done = expunge_done;
    return 0;
}

static void expunge_op_clear(expunge_op *op)
{
    free(op->st.items);
    imapclient_responses_free(op->res);
}

static int do_expunge(imapclient *c, const char *call, const char *messages,
                      imapclient_responses **out)
{
    if (out)
        *out = NULL;
    int rc = imc_require_writable(c, call);
    if (rc)
        return rc;
    if (messages) {
        if ((rc = imc_msg_check_set(c, call, messages)) ||
            (rc = imc_require_ext(c, "UIDPLUS", call)))
            return rc;
    }
    expunge_op op = {0};
    if ((rc = expunge_build(c, call, messages, out != NULL, &op)))
        return rc;
    if ((rc = imc_run(c, &op.rq))) {
        expunge_op_clear(&op); /* when it never completed */
        return rc;
    }
    if (out)
        *out = op.rq.out;
    return 0;
}

static int expunge_check(imapclient *c, imc_request *rq)
{
    expunge_op *op = (expunge_op *)rq;
    int rc = imc_require_writable(c, "expunge");
    if (!rc && op->uid)
        rc = imc_require_ext(c, "UIDPLUS", "expunge");
    return rc;
}

static void expunge_op_free(imc_request *rq)
{
    expunge_op_clear((expunge_op *)rq);
    free(rq);
}

static void responses_free(void *p)
{
    imapclient_responses_free(p);
}

int imapclient_start_expunge(imapclient *c, const char *messages, imapclient_done_cb cb,
                             void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if (messages && !c->opts.use_uid)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "expunge: cannot EXPUNGE by id when not using "
                        "UIDs (use_uid is off)");
    expunge_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    op->uid = messages != NULL;
    if ((rc = expunge_build(c, "expunge", messages, 1, op))) {
        expunge_op_clear(op);
        free(op);
        return rc;
    }
    op->rq.check = expunge_check;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_EXPUNGE, responses_free,
                            expunge_op_free, cb, user, id);
}

int imapclient_expunge(imapclient *c, const char *messages, imapclient_responses **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (messages && !c->opts.use_uid) {
        if (out)
            *out = NULL;
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "expunge: cannot EXPUNGE by id when not using "
                        "UIDs (use_uid is off)");
    }
    return do_expunge(c, "expunge", messages, out);
}

int imapclient_uid_expunge(imapclient *c, const char *messages,
                           imapclient_responses **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!messages) {
        if (out)
            *out = NULL;
        return imc_fail(c, IMAPCLIENT_EINVAL, "uid_expunge: messages is NULL");
    }
    return do_expunge(c, "uid_expunge", messages, out);
}

/* ---- COPY, MOVE ------------------------------------------------------------ */

typedef struct copy_state {
    imapclient_copy_result *res;
    int bad; /* a COPYUID that could not be read */
} copy_state;

/* resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set */
static int read_copyuid(imapclient *c, copy_state *st, const imapclient_response *r)
{
    imapclient_copy_result *res = st->res;
    imc_arena *a = imc_msg_result_arena(res);
    const imapclient_value *v = r->code_args;
    uint32_t validity;
    if (v->count != 3 || imc_msg_value_u32(&v->items[0], &validity) || !v->items[1].str ||
        !v->items[2].str) {
        st->bad = 1;
        return 0;
    }
    res->uidvalidity = validity;
    res->source_set = imc_arena_strndup(a, v->items[1].str, v->items[1].len);
    res->dest_set = imc_arena_strndup(a, v->items[2].str, v->items[2].len);
    if (!res->source_set || !res->dest_set)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    res->has_copyuid = 1;
    uint32_t *src, *dst;
    size_t ns, nd;
    int rc = imc_msg_expand_set(a, v->items[1].str, v->items[1].len, &src, &ns);
    if (rc == 0)
        rc = imc_msg_expand_set(a, v->items[2].str, v->items[2].len, &dst, &nd);
    if (rc == IMAPCLIENT_ENOMEM)
        return imc_fail(c, rc, "out of memory");
    /* Unpaired or too large: the sets as sent are all we give. */
    if (rc == 0 && ns == nd) {
        res->source_uids = src;
        res->dest_uids = dst;
        res->count = ns;
    } else {
        res->source_uids = res->dest_uids = NULL;
        res->count = 0;
    }
    return 0;
}

static int on_copy(imapclient *c, const imapclient_response *r, void *ud)
{
    copy_state *st = ud;
    /* RFC 6851 4.3: MOVE sends COPYUID in an untagged OK */
    if (strcmp(r->name, "OK") != 0 || !r->code || strcmp(r->code, "COPYUID") != 0)
        return 0;
    if (!st->res)
        return 1;
    int rc = read_copyuid(c, st, r);
    return rc ? rc : 1;
}

void imapclient_copy_result_free(imapclient_copy_result *r)
{
    imc_msg_result_free(r);
}

/* COPY / MOVE as one command object, for both fronts. */
typedef struct copy_op {
    imc_request rq; /* first */
    copy_state st;
    int is_move;
} copy_op;

static void copy_done(imapclient *c, imc_request *rq)
{
    copy_op *op = (copy_op *)rq;
    copy_state *st = &op->st;
    int rc = rq->rc;
    if (rc == 0 && st->res) {
        imc_arena *a = imc_msg_result_arena(st->res);
        st->res->text = imc_arena_strdup(a, imc_msg_done_text(rq));
        if (!st->res->text)
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        else if (rq->done->code && !strcmp(rq->done->code, "COPYUID"))
            rc = read_copyuid(c, st, rq->done);
    }
    if (rc)
        imc_msg_result_free(st->res);
    else
        rq->out = st->res;
    st->res = NULL;
    rq->rc = rc;
}

static int copy_build(imapclient *c, const char *call, const char *verb,
                      const char *messages, const char *folder, int want, copy_op *op)
{
    int rc;
    if ((rc = imc_msg_check_set(c, call, messages)))
        return rc;
    const char *name;
    if ((rc = imc_msg_folder_name(c, call, folder, &name)))
        return rc;
    if (want && !(op->st.res = imc_msg_result_new(sizeof *op->st.res)))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    op->is_move = !strcmp(verb, "MOVE");
    if (c->opts.use_uid) {
        imc_begin(c, "UID ");
        imc_put_raw(&c->cmd, verb);
    } else {
        imc_begin(c, verb);
    }
    imc_put_sp(&c->cmd);
    imc_put_raw(&c->cmd, messages);
    imc_msg_put_folder(c, name);
    op->rq.on_untagged = on_copy;
    op->rq.ud = &op->st;
    op->rq.on_done = copy_done;
    return 0;
}

static int copy_or_move(imapclient *c, const char *call, const char *verb,
                        const char *messages, const char *folder,
                        imapclient_copy_result **out)
{
    if (out)
        *out = NULL;
    int is_move = !strcmp(verb, "MOVE");
    int rc = is_move ? imc_require_writable(c, call) : imc_require_selected(c, call);
    if (rc)
        return rc;
    if (is_move && (rc = imc_require_ext(c, "MOVE", call)))
        return rc;
    copy_op op = {0};
    if ((rc = copy_build(c, call, verb, messages, folder, out != NULL, &op)))
        return rc;
    if ((rc = imc_run(c, &op.rq))) {
        imc_msg_result_free(op.st.res); /* when it never completed */
        return rc;
    }
    if (out)
        *out = op.rq.out;
    return 0;
}

static int copy_check(imapclient *c, imc_request *rq)
{
    copy_op *op = (copy_op *)rq;
    if (!op->is_move)
        return imc_require_selected(c, "copy");
    int rc = imc_require_writable(c, "move");
    return rc ? rc : imc_require_ext(c, "MOVE", "move");
}

static void copy_op_free(imc_request *rq)
{
    imc_msg_result_free(((copy_op *)rq)->st.res);
    free(rq);
}

static void copy_result_free(void *p)
{
    imapclient_copy_result_free(p);
}

static int start_copy(imapclient *c, const char *call, const char *verb,
                      const char *messages, const char *folder, imapclient_done_cb cb,
                      void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    copy_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = copy_build(c, call, verb, messages, folder, 1, op))) {
        copy_op_free(&op->rq);
        return rc;
    }
    op->rq.check = copy_check;
    /* COPY may share the wire (by UID, or by number while nothing in
     * flight expunges); MOVE expunges, so it goes alone. */
    if (!op->is_move)
        op->rq.pipe = IMC_PIPE_FREE | (c->opts.use_uid ? 0 : IMC_PIPE_SEQNUM);
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_COPY, copy_result_free,
                            copy_op_free, cb, user, id);
}

int imapclient_start_copy(imapclient *c, const char *messages, const char *folder,
                          imapclient_done_cb cb, void *user, uint64_t *id)
{
    return start_copy(c, "copy", "COPY", messages, folder, cb, user, id);
}

int imapclient_start_move(imapclient *c, const char *messages, const char *folder,
                          imapclient_done_cb cb, void *user, uint64_t *id)
{
    return start_copy(c, "move", "MOVE", messages, folder, cb, user, id);
}

int imapclient_copy(imapclient *c, const char *messages, const char *folder,
                    imapclient_copy_result **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    return copy_or_move(c, "copy", "COPY", messages, folder, out);
}

int imapclient_move(imapclient *c, const char *messages, const char *folder,
                    imapclient_copy_result **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    return copy_or_move(c, "move", "MOVE", messages, folder, out);
}

/* ---- APPEND, MULTIAPPEND -------------------------------------------------- */

void imapclient_append_result_free(imapclient_append_result *r)
{
    imc_msg_result_free(r);
}

/* resp-code-apnd = "APPENDUID" SP nz-number SP append-uid, where
 * append-uid is a uid-set for MULTIAPPEND (RFC 4315 section 3). coded is
 * the response whose code may be APPENDUID (the completion, or for REPLACE
 * an untagged OK before it). */
static int append_result(imapclient *c, const imc_request *rq,
                         const imapclient_response *coded, imapclient_append_result **out)
{
    imapclient_append_result *res = imc_msg_result_new(sizeof *res);
    if (!res)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_arena *a = imc_msg_result_arena(res);
    static const uint32_t none[1];
    res->uids = none;
    res->text = imc_arena_strdup(a, imc_msg_done_text(rq));
    if (!res->text)
        goto nomem;
    const imapclient_response *d = coded ? coded : rq->done;
    const imapclient_value *v = d->code_args;
    uint32_t validity;
    if (d->code && !strcmp(d->code, "APPENDUID") && v->count == 2 &&
        !imc_msg_value_u32(&v->items[0], &validity) && v->items[1].str) {
        uint32_t *uids;
        size_t n;
        int rc = imc_msg_expand_set(a, v->items[1].str, v->items[1].len, &uids, &n);
        if (rc == IMAPCLIENT_ENOMEM)
            goto nomem;
        if (rc == 0) {
            res->uid_set = imc_arena_strndup(a, v->items[1].str, v->items[1].len);
            if (!res->uid_set)
                goto nomem;
            res->has_appenduid = 1;
            res->uidvalidity = validity;
            res->uids = uids;
            res->count = n;
        }
    }
    *out = res;
    return 0;
nomem:
    imc_msg_result_free(res);
    return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
}

/* ---- APPENDLIMIT ------------------------------------------------------------ */

/* Per-mailbox limits are looked up before appending messages at least this
 * big: below it, a wasted upload costs less than the STATUS round trip. */
#define LIMIT_LOOKUP_MIN (64 * 1024)

/* The capability: 1 with *limit for "APPENDLIMIT=n" (one limit for every
 * mailbox), 2 for a bare "APPENDLIMIT" (limits per mailbox, from STATUS),
 * 0 without (RFC 7889 section 2). Cached capabilities only. */
static int appendlimit_cap(const imapclient *c, uint64_t *limit)
{
    for (size_t i = 0; i < c->ncaps; i++) {
        const char *s = c->caps[i];
        if (strncmp(s, "APPENDLIMIT", 11) != 0)
            continue;
        if (!s[11])
            return 2;
        if (s[11] != '=' || !s[12])
            continue;
        uint64_t n = 0;
        const char *p = s + 12;
        for (; *p >= '0' && *p <= '9'; p++) {
            unsigned d = (unsigned)(*p - '0');
            if (n > (UINT64_MAX - d) / 10)
                break;
            n = n * 10 + d;
        }
        if (*p)
            continue; /* not a number: ignored */
        *limit = n;
        return 1;
    }
    return 0;
}

typedef struct limit_state {
    const char *name; /* the mailbox as sent */
    int seen, bad;
    uint64_t limit;
} limit_state;

/* `* STATUS mailbox (... APPENDLIMIT (number / NIL) ...)` (RFC 7889 3) */
static int on_limit_status(imapclient *c, const imapclient_response *r, void *ud)
{
    limit_state *st = ud;
    if (r->has_number || strcmp(r->name, "STATUS") != 0 || r->args->count != 2)
        return 0;
    const imapclient_value *mb = &r->args->items[0], *l = &r->args->items[1];
    if (!mb->str || mb->len != strlen(st->name) || memcmp(mb->str, st->name, mb->len))
        return 0;
    if (l->type != IMAPCLIENT_VALUE_LIST || l->count % 2) {
        st->bad = 1;
        return 1;
    }
    for (size_t i = 0; i < l->count; i += 2) {
        if (!imapclient_value_is(&l->items[i], "APPENDLIMIT"))
            continue;
        const imapclient_value *v = &l->items[i + 1];
        if (v->type == IMAPCLIENT_VALUE_NIL) {
            st->limit = IMAPCLIENT_APPENDLIMIT_NONE;
            st->seen = 1;
        } else if (!imc_msg_value_u64(v, &st->limit)) {
            st->seen = 1;
        } else {
            st->bad = 1;
        }
    }
    return 1;
}

/* STATUS name (APPENDLIMIT): 0 with *limit, or a failure (NO = ERROR). */
static int status_limit(imapclient *c, const char *name, uint64_t *limit)
{
    limit_state st = {.name = name};
    imc_begin(c, "STATUS");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    imc_put_raw(&c->cmd, " (APPENDLIMIT)");
    imc_request rq = {.on_untagged = on_limit_status, .ud = &st};
    int rc = imc_run(c, &rq);
    if (rc)
        return rc;
    if (st.bad || !st.seen)
        return imc_fail(c, IMAPCLIENT_EPROTOCOL,
                        "STATUS: no APPENDLIMIT in the reply, or a malformed one");
    *limit = st.limit;
    return 0;
}

int imapclient_get_appendlimit(imapclient *c, const char *folder, uint64_t *out)
{
    if (out)
        *out = 0;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "get_appendlimit: out is NULL");
    if ((rc = imc_require_auth(c, "get_appendlimit")) || (rc = imc_caps_ensure(c)))
        return rc;
    uint64_t limit = 0;
    int kind = appendlimit_cap(c, &limit);
    if (!kind)
        return imc_fail(c, IMAPCLIENT_ECAPABILITY,
                        "get_appendlimit: server does not support APPENDLIMIT");
    if (kind == 1) {
        *out = limit;
        return 0;
    }
    const char *name;
    if ((rc = imc_msg_folder_name(c, "get_appendlimit", folder, &name)) ||
        (rc = status_limit(c, name, &limit)))
        return rc;
    *out = limit;
    return 0;
}

/* Refuse, before anything is sent, a message over the server's limit
 * (RFC 7889): the one of the capability, or for messages big enough to
 * be worth a round trip, the target mailbox's (STATUS APPENDLIMIT; a
 * refused STATUS is ignored: APPEND itself will tell what is wrong). A
 * call that does not wait (may_wait 0) checks the capability's only. */
int imc_msg_check_limit(imapclient *c, const char *call, const char *name, uint64_t size,
                        int may_wait)
{
    uint64_t limit = 0;
    int kind = appendlimit_cap(c, &limit);
    if (kind == 2 && size >= LIMIT_LOOKUP_MIN && may_wait) {
        int rc = status_limit(c, name, &limit);
        if (rc == IMAPCLIENT_ERROR) {
            c->errcode = 0; /* (call_arena keeps the name: no imc_call_reset) */
            c->errmsg[0] = '\0';
            return 0;
        }
        if (rc)
            return rc;
        kind = limit != IMAPCLIENT_APPENDLIMIT_NONE;
    }
    if (kind == 1 && size > limit)
        return imc_fail(
            c, IMAPCLIENT_ETOOBIG,
            "%s: the message has %llu bytes, over the server's APPENDLIMIT of "
            "%llu bytes (RFC 7889); nothing was sent",
            call, (unsigned long long)size, (unsigned long long)limit);
    return 0;
}

/* ---- BINARY ------------------------------------------------------------------- */

/* A message goes as a literal8 (RFC 3516 section 4.4) when it has NUL
 * bytes (a plain literal cannot carry them) or 8-bit bytes, and the
 * server offers BINARY. */
static int wants_literal8(const imapclient *c, const char *data, size_t len)
{
    if (!imc_has_ext(c, "BINARY"))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\0' || (unsigned char)data[i] >= 0x80)
            return 1;
    return 0;
}

int imc_msg_append_result(imapclient *c, const imc_request *rq,
                          imapclient_append_result **out)
{
    return append_result(c, rq, NULL, out);
}

int imc_msg_check_flags_date(imapclient *c, const char *call, const char *const *flags,
                             const imapclient_datetime *date)
{
    int rc = imc_msg_check_flags(c, call, flags);
    if (rc)
        return rc;
    char tmp[32];
    if (date && imapclient_datetime_format_internaldate(date, tmp))
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: invalid internal date", call);
    return 0;
}

/* Check the parts of one message before anything is sent. */
static int check_msg(imapclient *c, const char *call, const char *data, size_t len,
                     const char *const *flags, const imapclient_datetime *date)
{
    if (!data)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: message is NULL", call);
    return imc_msg_check_flags_date(c, call, flags, date);
}

/* imaplib's append sends MapCRLF.sub(CRLF, message): CR, LF and CRLF all
 * become CRLF. */
static int crlf_normalise(const char *s, size_t n, imc_buf *out)
{
    if (imc_buf_reserve(out, n + n / 16 + 16) < 0)
        return -1;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\r' && s[i] != '\n')
            continue;
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
            i++;
            continue; /* already CRLF */
        }
        if (imc_buf_add(out, s + run, i - run) < 0 || imc_buf_add(out, "\r\n", 2) < 0)
            return -1;
        run = i + 1;
    }
    return imc_buf_add(out, s + run, n - run);
}

/* With the capabilities known: a NUL byte needs a literal8, so BINARY. */
static int check_nul(imapclient *c, const char *call, const char *data, size_t len)
{
    if (len && memchr(data, '\0', len) && !imc_has_ext(c, "BINARY"))
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "%s: the message holds a NUL byte, which only a literal8 can "
                        "carry, and the server lacks BINARY (RFC 3516)",
                        call);
    return 0;
}

/* One message as APPEND and REPLACE send it (append-message of RFC 3502
 * and 8508): " [(flags)] ["date"] literal"; the caller checked it.
 * Text is sent with its line ends made CRLF (as the reference does);
 * a message with NUL bytes is binary data and goes as given. */
static int put_message(imapclient *c, const char *call, const char *msg, size_t len,
                       const char *const *flags, int always_flags,
                       const imapclient_datetime *date, int normalise)
{
    imc_buf body;
    imc_buf_init(&body, 0);
    if (normalise && !memchr(msg, '\0', len)) {
        if (crlf_normalise(msg, len, &body) < 0) {
            imc_buf_free(&body);
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        }
        msg = body.data ? body.data : "";
        len = body.len;
    }
    int rc = 0;
    if (always_flags || flags)
        imc_msg_put_flags(c, flags);
    if (date)
        rc = imc_msg_put_date(c, call, date);
    imc_put_sp(&c->cmd);
    imc_put_literal(&c->cmd, msg, len, wants_literal8(c, msg, len));
    imc_buf_free(&body);
    return rc;
}

/* The size a message will have on the wire (line ends made CRLF). */
static size_t wire_size(const char *msg, size_t len, int normalise)
{
    if (!normalise || memchr(msg, '\0', len))
        return len;
    size_t n = len;
    for (size_t i = 0; i < len; i++) {
        if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n')
            i++;
        else if (msg[i] == '\r' || msg[i] == '\n')
            n++;
    }
    return n;
}

int imapclient_append(imapclient *c, const char *folder, const char *msg, size_t msg_len,
                      const char *const *flags, const imapclient_datetime *internal_date,
                      imapclient_append_result **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (out)
        *out = NULL;
    if ((rc = imc_require_auth(c, "append")))
        return rc;
    const char *name;
    if ((rc = imc_msg_folder_name(c, "append", folder, &name)) ||
        (rc = check_msg(c, "append", msg, msg_len, flags, internal_date)))
        return rc;
    /* LITERAL+ and BINARY must be known before the literal is written. */
    if ((rc = imc_caps_ensure(c)) || (rc = check_nul(c, "append", msg, msg_len)) ||
        (rc = imc_msg_check_limit(c, "append", name, wire_size(msg, msg_len, 1), 1)))
        return rc;
    imc_begin(c, "APPEND");
    imc_msg_put_folder(c, name);
    if ((rc = put_message(c, "append", msg, msg_len, flags, 1, internal_date, 1)))
        return rc;
    imc_request rq = {0};
    if ((rc = imc_run(c, &rq)))
        return rc;
    return out ? append_result(c, &rq, NULL, out) : 0;
}

int imapclient_multiappend(imapclient *c, const char *folder,
                           const imapclient_append_msg *msgs, size_t n,
                           imapclient_append_result **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (out)
        *out = NULL;
    if ((rc = imc_require_auth(c, "multiappend")) ||
        (rc = imc_require_cap(c, "MULTIAPPEND", "multiappend")))
        return rc;
    const char *name;
    if ((rc = imc_msg_folder_name(c, "multiappend", folder, &name)))
        return rc;
    if (!msgs || n == 0)
        return imc_fail(c, IMAPCLIENT_EINVAL, "multiappend: no messages");
    for (size_t i = 0; i < n; i++)
        if ((rc = check_msg(c, "multiappend", msgs[i].data, msgs[i].len, msgs[i].flags,
                            msgs[i].date)) ||
            (rc = check_nul(c, "multiappend", msgs[i].data, msgs[i].len)))
            return rc;
    /* the limit is per message (RFC 7889 section 1): the biggest decides */
    size_t biggest = 0;
    for (size_t i = 0; i < n; i++)
        if (msgs[i].len > biggest)
            biggest = msgs[i].len;
    if ((rc = imc_msg_check_limit(c, "multiappend", name, biggest, 1)))
        return rc;
    imc_begin(c, "APPEND");
    imc_msg_put_folder(c, name);
    for (size_t i = 0; i < n; i++)
        /* the reference's chunks(): flags and date only when given, the
         * bytes as given */
        if ((rc = put_message(c, "multiappend", msgs[i].data, msgs[i].len, msgs[i].flags,
                              0, msgs[i].date, 0)))
            return rc;
    imc_request rq = {0};
    if ((rc = imc_run(c, &rq)))
        return rc;
    return out ? append_result(c, &rq, NULL, out) : 0;
}

/* ---- REPLACE -------------------------------------------------------------------- */

typedef struct replace_state {
    imc_arena *a;
    imapclient_response *appenduid; /* the untagged OK [APPENDUID ...], copied */
    int nomem;
} replace_state;

/* RFC 8508 section 3.3: the APPENDUID comes in an untagged OK before the
 * EXPUNGE of the old message (or in the completion). */
static int on_replace(imapclient *c, const imapclient_response *r, void *ud)
{
    replace_state *st = ud;
    if (strcmp(r->name, "OK") != 0 || !r->code || strcmp(r->code, "APPENDUID") != 0)
        return 0;
    imapclient_response *copy = imc_arena_alloc(st->a, sizeof *copy);
    if (!copy || imc_response_copy(st->a, r, copy)) {
        st->nomem = 1;
        return 1;
    }
    st->appenduid = copy;
    return 1;
}

int imapclient_replace(imapclient *c, uint32_t id, const char *folder, const char *msg,
                       size_t msg_len, const char *const *flags,
                       const imapclient_datetime *internal_date,
                       imapclient_append_result **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (out)
        *out = NULL;
    if (id == 0)
        return imc_fail(c, IMAPCLIENT_EINVAL, "replace: message id 0");
    if ((rc = imc_require_writable(c, "replace")) ||
        (rc = imc_require_cap(c, "REPLACE", "replace")))
        return rc;
    const char *name;
    if ((rc = imc_msg_folder_name(c, "replace", folder, &name)) ||
        (rc = check_msg(c, "replace", msg, msg_len, flags, internal_date)) ||
        (rc = check_nul(c, "replace", msg, msg_len)) ||
        (rc = imc_msg_check_limit(c, "replace", name, wire_size(msg, msg_len, 1), 1)))
        return rc;
    /* replace = "REPLACE" SP seq-number SP mailbox SP append-message;
     * "UID REPLACE" with a UID (RFC 8508 section 6) */
    imc_begin(c, c->opts.use_uid ? "UID REPLACE " : "REPLACE ");
    imc_put_number(&c->cmd, id);
    imc_msg_put_folder(c, name);
    if ((rc = put_message(c, "replace", msg, msg_len, flags, 1, internal_date, 1)))
        return rc;
    replace_state st = {.a = c->call_arena};
    imc_request rq = {.on_untagged = on_replace, .ud = &st};
    if ((rc = imc_run(c, &rq)))
        return rc;
    if (st.nomem)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    return out ? append_result(c, &rq, st.appenduid, out) : 0;
}
