/*
 * Selection: SELECT / EXAMINE, UNSELECT, CLOSE.
 *
 * RFC 3501 sections 6.3.1, 6.3.2, 6.4.2 and 7.1 (response codes), RFC 3691
 * (UNSELECT), RFC 7162 (the CONDSTORE and QRESYNC parameters, VANISHED
 * (EARLIER) and FETCH in the answer, HIGHESTMODSEQ, NOMODSEQ, CLOSED), RFC
 * 8474 (MAILBOXID).
 */
#include "condstore_priv.h"
#include "folders_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct select_state {
    imc_arena *a;
    imapclient_select_info *info;
    imapclient_select_item *v;
    size_t n, cap;
    int failed;
    /* QRESYNC (RFC 7162 3.2.5): what changed and vanished meanwhile */
    int qresync;         /* the command carried QRESYNC parameters */
    int awaiting_closed; /* a folder was selected: its last responses may
                            come before OK [CLOSED] (RFC 7162 3.2.11) */
    imc_ranges vanished;
    imc_changes_vec changed;
} select_state;

/* Deep equality of two values. */
static int value_equal(const imapclient_value *a, const imapclient_value *b)
{
    if (a->type != b->type || a->len != b->len || a->count != b->count ||
        a->flags != b->flags)
        return 0;
    if (a->type == IMAPCLIENT_VALUE_LIST) {
        for (size_t i = 0; i < a->count; i++)
            if (!value_equal(&a->items[i], &b->items[i]))
                return 0;
        return 1;
    }
    return !a->str || !memcmp(a->str, b->str, a->len);
}

/* 0 added or replaced; 1 when the same data is already there (nothing to
 * copy); 2 when the result has reached the cap on its memory; ENOMEM. With
 * replace, a second piece of data with the name of an earlier one
 * replaces it (the reference's dict: the last wins), so a server
 * repeating "* 1 EXISTS" costs nothing; without (responses the library
 * does not know), each is added. The copies are bounded by
 * options.max_pending_bytes (issue 14, item 3): beyond, the data is left
 * with the unsolicited responses, which are bounded too. */
static int add_item(imapclient *c, select_state *st, const char *name,
                    const imapclient_value *list, int replace)
{
    imapclient_select_item *it = NULL;
    for (size_t i = 0; replace && i < st->n && !it; i++)
        if (!strcmp(st->v[i].name, name))
            it = &st->v[i];
    if (it && value_equal(it->value, list))
        return 1;
    if (imc_arena_footprint(st->a) > c->opts.max_pending_bytes)
        return 2;
    if (it) {
        it->value = imc_value_copy(st->a, list);
        return it->value ? 0 : IMAPCLIENT_ENOMEM;
    }
    if (st->n == st->cap) {
        size_t nc = st->cap ? st->cap * 2 : 16;
        imapclient_select_item *p = realloc(st->v, nc * sizeof *p);
        if (!p)
            return IMAPCLIENT_ENOMEM;
        st->v = p;
        st->cap = nc;
    }
    it = &st->v[st->n];
    it->name = imc_arena_strdup(st->a, name);
    it->value = imc_value_copy(st->a, list);
    if (!it->name || !it->value)
        return IMAPCLIENT_ENOMEM;
    st->n++;
    return 0;
}

/* 1 and *out set when the first member of list is a number up to max. */
static int first_number(const imapclient_value *list, uint64_t max, uint64_t *out)
{
    if (list->count < 1 || list->items[0].type != IMAPCLIENT_VALUE_NUMBER ||
        list->items[0].number > max)
        return 0;
    *out = list->items[0].number;
    return 1;
}

static int set_u32(const imapclient_value *list, uint32_t *field, int *has)
{
    uint64_t v;
    if (first_number(list, UINT32_MAX, &v)) {
        *field = (uint32_t)v;
        *has = 1;
    }
    return 0;
}

/* Typed fields for a known piece of SELECT data; 0 or ENOMEM. */
static int apply(select_state *st, const char *name, const imapclient_value *list)
{
    imapclient_select_info *i = st->info;
    if (!strcmp(name, "EXISTS"))
        return set_u32(list, &i->exists, &i->has_exists);
    if (!strcmp(name, "RECENT"))
        return set_u32(list, &i->recent, &i->has_recent);
    if (!strcmp(name, "UIDNEXT"))
        return set_u32(list, &i->uidnext, &i->has_uidnext);
    if (!strcmp(name, "UIDVALIDITY"))
        return set_u32(list, &i->uidvalidity, &i->has_uidvalidity);
    if (!strcmp(name, "UNSEEN"))
        return set_u32(list, &i->unseen, &i->has_unseen);
    if (!strcmp(name, "HIGHESTMODSEQ")) {
        i->has_highestmodseq = first_number(list, UINT64_MAX, &i->highestmodseq);
        return 0;
    }
    if (!strcmp(name, "NOMODSEQ")) {
        i->nomodseq = 1;
        return 0;
    }
    if (!strcmp(name, "MAILBOXID")) {
        /* RFC 8474 section 4.2: "OK [MAILBOXID (id)]" */
        const imapclient_value *l = list->count == 1 ? &list->items[0] : NULL;
        if (l && l->type == IMAPCLIENT_VALUE_LIST && l->count == 1 &&
            imc_objectid_valid(&l->items[0]) &&
            !(i->mailboxid = imc_arena_strndup(st->a, l->items[0].str, l->items[0].len)))
            return IMAPCLIENT_ENOMEM;
        return 0;
    }
    if (!strcmp(name, "READ-WRITE")) {
        i->read_write = 1;
        return 0;
    }
    if (!strcmp(name, "READ-ONLY")) {
        i->read_only = 1;
        return 0;
    }
    if (!strcmp(name, "FLAGS") || !strcmp(name, "PERMANENTFLAGS")) {
        const imapclient_value *fl =
            list->count >= 1 && list->items[0].type == IMAPCLIENT_VALUE_LIST
                ? &list->items[0]
                : NULL;
        size_t n = 0;
        const char *const *v = imc_flags_copy(st->a, fl, &n);
        if (!v)
            return IMAPCLIENT_ENOMEM;
        if (name[0] == 'F') {
            i->flags = v;
            i->flag_count = n;
            i->has_flags = 1;
        } else {
            i->permanentflags = v;
            i->permanentflag_count = n;
            i->has_permanentflags = 1;
        }
    }
    return 0;
}

/* 1 taken, 0 left for the caller (the result is full), or ENOMEM. Known
 * data replaces data of the same name; other data is added. */
static int record_as(imapclient *c, select_state *st, const char *name,
                     const imapclient_value *list, int known)
{
    if (st->failed)
        return 1;
    int rc = add_item(c, st, name, list, known);
    if (rc == 2 && (!strcmp(name, "READ-ONLY") || !strcmp(name, "READ-WRITE")))
        apply(st, name, list); /* the state must follow the server */
    if (rc == 1 || rc == 2)
        return rc == 1;
    if (rc || apply(st, name, list)) {
        st->failed = 1;
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    return 1;
}

/* The answer to a QRESYNC select: VANISHED (EARLIER) and FETCH responses
 * about the folder being selected. Those that come while the previous
 * folder's responses may still arrive (before [CLOSED] or the first data
 * of the new folder) are left for the caller. 1 taken, 0 not, or a
 * failure status. */
static int on_qresync(imapclient *c, select_state *st, const imapclient_response *r)
{
    if (r->has_number && !strcmp(r->name, "FETCH")) {
        if (st->awaiting_closed)
            return 0;
        imapclient_flag_change ch;
        int rc = imc_flag_change_read(st->a, r, &ch);
        if (rc == IMAPCLIENT_ENOMEM)
            return imc_fail(c, rc, "out of memory");
        if (rc < 0)
            return imc_fail(c, rc, "%s: a FETCH that cannot be read: %.200s", c->what,
                            r->raw ? r->raw : "");
        if (rc == 0)
            return 0;
        return imc_changes_push(&st->changed, &ch)
                   ? imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory")
                   : 1;
    }
    if (!r->has_number && !strcmp(r->name, "VANISHED")) {
        imc_ranges tmp = {0};
        int earlier = 0;
        int rc = imc_vanished_read(r, &earlier, &tmp);
        if (rc == 1 && (!earlier || st->awaiting_closed)) {
            imc_ranges_free(&tmp);
            return 0; /* an expunge now: an update, not SELECT data */
        }
        if (rc == 1 && imc_ranges_union(&st->vanished, tmp.r, tmp.n))
            rc = IMAPCLIENT_ENOMEM;
        imc_ranges_free(&tmp);
        if (rc == IMAPCLIENT_ENOMEM)
            return imc_fail(c, rc, "out of memory");
        if (rc < 0)
            return imc_fail(c, rc, "%s: a VANISHED that is not a uid-set: %.200s",
                            c->what, r->raw ? r->raw : "");
        return 1;
    }
    return 0;
}

static int record(imapclient *c, select_state *st, const char *name,
                  const imapclient_value *list)
{
    return record_as(c, st, name, list, 1);
}

static int is_status(const char *name)
{
    return !strcmp(name, "OK") || !strcmp(name, "NO") || !strcmp(name, "BAD") ||
           !strcmp(name, "BYE") || !strcmp(name, "PREAUTH");
}

/* SELECT data (RFC 3501 6.3.1): FLAGS, n EXISTS, n RECENT, OK responses
 * with a code, and every other untagged response known or not (VANISHED,
 * "* OTHER blah"; issue 14, item 11), as the reference's select_folder()
 * returns them all. ALERTs, untagged NO/BAD and OK without a code are left
 * for the caller to show; CAPABILITY is handled generically; numbered
 * responses other than EXISTS and RECENT (EXPUNGE, FETCH) are updates,
 * kept for noop(). [CLOSED] (RFC 7162 3.2.11, RFC 9051 7.1) says the
 * folder selected before is closed: what came before it was about that
 * folder, so it is dropped, and CLOSED is kept in the items (issue 14,
 * item 13). */
static int on_select(imapclient *c, const imapclient_response *r, void *ud)
{
    select_state *st = ud;
    if (st->awaiting_closed &&
        ((r->code && !strcmp(r->code, "CLOSED")) ||
         (r->has_number && !strcmp(r->name, "EXISTS")) || !strcmp(r->name, "FLAGS") ||
         (r->code && !strcmp(r->code, "UIDVALIDITY"))))
        st->awaiting_closed = 0;
    if (st->qresync) {
        int h = on_qresync(c, st, r);
        if (h)
            return h;
    }
    if (r->has_number) {
        if (strcmp(r->name, "EXISTS") && strcmp(r->name, "RECENT"))
            return 0;
        char digits[16];
        int n = snprintf(digits, sizeof digits, "%u", (unsigned)r->number);
        imapclient_value num = {.type = IMAPCLIENT_VALUE_NUMBER,
                                .str = digits,
                                .len = (size_t)n,
                                .number = r->number};
        imapclient_value list = {
            .type = IMAPCLIENT_VALUE_LIST, .items = &num, .count = 1};
        return record(c, st, r->name, &list);
    }
    if (!strcmp(r->name, "FLAGS"))
        return record(c, st, r->name, r->args);
    if (!strcmp(r->name, "OK") && r->code) {
        if (!strcmp(r->code, "ALERT"))
            return 0;
        if (!strcmp(r->code, "CAPABILITY"))
            return 1;
        if (!strcmp(r->code, "CLOSED") && !st->failed) {
            st->n = 0;
            memset(st->info, 0, sizeof *st->info);
            /* nor were what vanished or changed before it */
            st->vanished.n = 0;
            st->changed.n = 0;
        }
        return record(c, st, r->code, r->code_args);
    }
    if (is_status(r->name) || !strcmp(r->name, "CAPABILITY"))
        return 0;
    return record_as(c, st, r->name, r->args, 0);
}

/* SELECT / EXAMINE as one command object, for both fronts. */
typedef struct select_op {
    imc_request rq; /* first */
    select_state st;
    int readonly;
    imapclient_select_params params; /* the flags only: the sets went out */
} select_op;

static void select_state_clear(select_state *st)
{
    free(st->v);
    st->v = NULL;
    imc_ranges_free(&st->vanished);
    imc_changes_vec_free(&st->changed);
}

/* The server's answer decides the state, whatever happened here: after OK
 * a folder is selected; a refused SELECT leaves none selected (RFC 3501
 * 6.3.1). BAD means the command was not run at all. */
static void select_done(imapclient *c, imc_request *rq)
{
    select_op *op = (select_op *)rq;
    select_state *st = &op->st;
    imapclient_select_info *info = st->info;
    int rc = rq->rc;
    if (rq->result && !strcmp(rq->result, "OK")) {
        imc_set_state(c, IMAPCLIENT_STATE_SELECTED);
        const imapclient_response *d = rq->done;
        if (!rc && d->code && strcmp(d->code, "CAPABILITY") && strcmp(d->code, "ALERT") &&
            record(c, st, d->code, d->code_args) < 0)
            rc = IMAPCLIENT_ENOMEM;
        if (op->readonly)
            info->read_only = 1;
        c->readonly = info->read_only;
    } else if (rq->result && !strcmp(rq->result, "NO")) {
        imc_set_state(c, IMAPCLIENT_STATE_AUTHENTICATED);
    }
    if (!rc) {
        info->items = imc_arena_calloc(st->a, st->n ? st->n : 1, sizeof *info->items);
        info->text = imc_arena_strdup(st->a, rq->done->text);
        static const char *const none[] = {NULL};
        if (!info->flags)
            info->flags = none;
        if (!info->permanentflags)
            info->permanentflags = none;
        info->changed = imc_changes_freeze(st->a, &st->changed);
        info->changed_count = st->changed.n;
        if (!info->items || !info->text || !info->changed ||
            imc_ranges_freeze(st->a, &st->vanished, &info->vanished)) {
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        } else {
            if (st->n)
                memcpy((void *)info->items, st->v, st->n * sizeof *st->v);
            info->count = st->n;
        }
    }
    select_state_clear(st);
    if (rc) {
        imc_result_free(info);
        info = NULL;
    }
    st->info = NULL;
    rq->rc = rc;
    rq->out = info;
}

/* The state and capability checks, made when the command goes out. */
static int select_ready(imapclient *c, select_op *op)
{
    int rc = imc_require_auth(c, "select_folder");
    if (rc || (rc = imc_select_params_ready(c, "select_folder", &op->params)))
        return rc;
    /* the previous folder's responses end with [CLOSED] (RFC 7162 3.2.11) */
    op->st.awaiting_closed = op->st.qresync && c->state == IMAPCLIENT_STATE_SELECTED;
    return 0;
}

static int select_check(imapclient *c, imc_request *rq)
{
    return select_ready(c, (select_op *)rq);
}

/* Build the command into c->cmd and op; 0 or a status (nothing built). */
static int select_build(imapclient *c, const char *folder,
                        const imapclient_select_params *params, select_op *op)
{
    const char *name;
    int rc = imc_select_params_check(c, "select_folder", params);
    if (rc || (rc = imc_folder_encode(c, "select_folder", folder, &name)))
        return rc;
    int readonly = params && params->readonly;
    imapclient_select_info *info = imc_result_new(sizeof *info);
    if (!info)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    op->st = (select_state){.a = imc_result_arena(info),
                            .info = info,
                            .qresync = params && params->qresync_uidvalidity};
    op->readonly = readonly;
    if (params) {
        op->params.readonly = params->readonly;
        op->params.condstore = params->condstore;
        op->params.qresync_uidvalidity = params->qresync_uidvalidity;
        op->params.qresync_modseq = params->qresync_modseq;
    }
    op->rq.on_untagged = on_select;
    op->rq.ud = &op->st;
    op->rq.on_done = select_done;
    imc_begin(c, readonly ? "EXAMINE" : "SELECT");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    imc_select_params_put(c, params);
    return 0;
}

int imc_select(imapclient *c, const char *folder, const imapclient_select_params *params,
               imapclient_select_info **out, int *bad)
{
    int rc;
    if (bad)
        *bad = 0;
    if ((rc = imc_require_auth(c, "select_folder")) ||
        (rc = imc_select_params_check(c, "select_folder", params)) ||
        (rc = imc_auto_id(c, 1)) ||
        (rc = imc_select_params_ready(c, "select_folder", params)))
        return rc;
    select_op op = {0};
    if ((rc = select_build(c, folder, params, &op)))
        return rc;
    op.st.awaiting_closed = op.st.qresync && c->state == IMAPCLIENT_STATE_SELECTED;
    if ((rc = imc_run(c, &op.rq))) {
        if (bad && op.rq.result && !strcmp(op.rq.result, "BAD"))
            *bad = 1;
        imc_result_free(op.st.info); /* when the command never completed */
        select_state_clear(&op.st);
        return rc;
    }
    if (out)
        *out = op.rq.out;
    else
        imc_result_free(op.rq.out);
    return 0;
}

int imapclient_select_folder_params(imapclient *c, const char *folder,
                                    const imapclient_select_params *params,
                                    imapclient_select_info **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    return rc ? rc : imc_select(c, folder, params, out, NULL);
}

int imapclient_select_folder(imapclient *c, const char *folder, int readonly,
                             imapclient_select_info **out)
{
    imapclient_select_params p = {.readonly = readonly};
    return imapclient_select_folder_params(c, folder, &p, out);
}

static void select_info_free(void *p)
{
    imapclient_select_info_free(p);
}

static void select_op_free(imc_request *rq)
{
    select_op *op = (select_op *)rq;
    imc_result_free(op->st.info);
    select_state_clear(&op->st);
    free(op);
}

int imapclient_start_select_folder(imapclient *c, const char *folder, int readonly,
                                   imapclient_done_cb cb, void *user, uint64_t *id)
{
    imapclient_select_params p = {.readonly = readonly};
    return imapclient_start_select_folder_params(c, folder, &p, cb, user, id);
}

int imapclient_start_select_folder_params(imapclient *c, const char *folder,
                                          const imapclient_select_params *params,
                                          imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    select_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = imc_auto_id(c, 0)) || (rc = select_build(c, folder, params, op))) {
        free(op);
        return rc;
    }
    op->rq.check = select_check;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_SELECT, select_info_free,
                            select_op_free, cb, user, id);
}

const imapclient_value *imapclient_select_info_get(const imapclient_select_info *info,
                                                   const char *name)
{
    if (!info || !name)
        return NULL;
    for (size_t i = 0; i < info->count; i++)
        if (strcasecmp(info->items[i].name, name) == 0)
            return info->items[i].value;
    return NULL;
}

void imapclient_select_info_free(imapclient_select_info *info)
{
    imc_result_free(info);
}

/* UNSELECT / CLOSE: leave the selected folder; AUTHENTICATED after OK. */
typedef struct leave_op {
    imc_request rq; /* first */
    const char *call, *cap;
} leave_op;

/* The server's OK closes the folder even when rc reports a malformed
 * response that came before it. */
static void leave_done(imapclient *c, imc_request *rq)
{
    if (imc_done_ok(rq))
        imc_set_state(c, IMAPCLIENT_STATE_AUTHENTICATED);
}

static int leave_check(imapclient *c, imc_request *rq)
{
    leave_op *op = (leave_op *)rq;
    int rc = imc_require_selected(c, op->call);
    if (!rc && op->cap)
        rc = imc_require_ext(c, op->cap, op->call);
    return rc;
}

static int leave(imapclient *c, const char *verb, const char *call, const char *cap,
                 const char **text)
{
    if (text)
        *text = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    leave_op op = {.rq.on_done = leave_done, .call = call, .cap = cap};
    if ((rc = leave_check(c, &op.rq)))
        return rc;
    if ((rc = imc_simple(c, verb, &op.rq)))
        return rc;
    if (text)
        *text = op.rq.done->text;
    return 0;
}

int imapclient_unselect_folder(imapclient *c, const char **text)
{
    return leave(c, "UNSELECT", "unselect_folder", "UNSELECT", text);
}

int imapclient_close_folder(imapclient *c, const char **text)
{
    return leave(c, "CLOSE", "close_folder", NULL, text);
}

static void leave_op_free(imc_request *rq)
{
    free(rq);
}

static int start_leave(imapclient *c, const char *verb, const char *call, const char *cap,
                       imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    leave_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    *op = (leave_op){
        .rq = {.on_done = leave_done, .check = leave_check}, .call = call, .cap = cap};
    imc_begin(c, verb);
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_UNSELECT, NULL, leave_op_free, cb,
                            user, id);
}

int imapclient_start_unselect_folder(imapclient *c, imapclient_done_cb cb, void *user,
                                     uint64_t *id)
{
    return start_leave(c, "UNSELECT", "unselect_folder", "UNSELECT", cb, user, id);
}

int imapclient_start_close_folder(imapclient *c, imapclient_done_cb cb, void *user,
                                  uint64_t *id)
{
    return start_leave(c, "CLOSE", "close_folder", NULL, cb, user, id);
}
