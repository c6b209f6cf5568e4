/*
 * CONDSTORE and QRESYNC (RFC 7162): reading VANISHED and MODSEQ, the
 * SELECT parameters, the conditional STORE, and the change record for
 * responses that come outside a command's result.
 *
 * RFC 7162 sections 3.1.3 (UNCHANGEDSINCE, MODIFIED), 3.1.4 (MODSEQ in
 * FETCH), 3.1.8 (CONDSTORE parameter), 3.2.5 (QRESYNC parameter), 3.2.10
 * (VANISHED), 7 (syntax).
 */
#include "condstore_priv.h"

#include "folders_priv.h"
#include "msgutil.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- reading responses ------------------------------------------------------ */

int imc_vanished_read(const imapclient_response *r, int *earlier, imc_ranges *v)
{
    if (strcmp(r->tag, "*") || r->has_number || strcmp(r->name, "VANISHED"))
        return 0;
    const imapclient_value *a = r->args;
    size_t i = 0;
    *earlier = 0;
    if (a->count == 2 && a->items[0].type == IMAPCLIENT_VALUE_LIST &&
        a->items[0].count == 1 && imapclient_value_is(&a->items[0].items[0], "EARLIER")) {
        *earlier = 1;
        i = 1;
    }
    if (a->count != i + 1)
        return IMAPCLIENT_EPROTOCOL;
    const imapclient_value *set = &a->items[i];
    if ((set->type != IMAPCLIENT_VALUE_ATOM && set->type != IMAPCLIENT_VALUE_NUMBER) ||
        !set->str)
        return IMAPCLIENT_EPROTOCOL;
    int rc = imc_ranges_parse(v, set->str, set->len);
    return rc ? rc : 1;
}

/* "MODSEQ" SP "(" mod-sequence-value ")" (RFC 7162 section 7); a bare
 * number is taken too. */
static int modseq_value(const imapclient_value *v, uint64_t *out)
{
    if (v->type == IMAPCLIENT_VALUE_LIST && v->count == 1)
        v = &v->items[0];
    if (v->type != IMAPCLIENT_VALUE_NUMBER)
        return -1;
    *out = v->number;
    return 0;
}

int imc_flag_change_read(imc_arena *a, const imapclient_response *r,
                         imapclient_flag_change *out)
{
    if (strcmp(r->tag, "*") || !r->has_number || strcmp(r->name, "FETCH"))
        return 0;
    const imapclient_value *l = r->args->count == 1 ? &r->args->items[0] : NULL;
    if (!l || l->type != IMAPCLIENT_VALUE_LIST || l->count % 2)
        return IMAPCLIENT_EPROTOCOL;
    imapclient_flag_change ch = {.seq = r->number};
    const imapclient_value *flags = NULL;
    int any = 0;
    for (size_t i = 0; i + 1 < l->count; i += 2) {
        const imapclient_value *k = &l->items[i], *v = &l->items[i + 1];
        if (imapclient_value_is(k, "UID")) {
            if (imc_msg_value_u32(v, &ch.uid))
                return IMAPCLIENT_EPROTOCOL;
        } else if (imapclient_value_is(k, "FLAGS")) {
            if (v->type != IMAPCLIENT_VALUE_LIST)
                return IMAPCLIENT_EPROTOCOL;
            flags = v;
            any = 1;
        } else if (imapclient_value_is(k, "MODSEQ")) {
            if (modseq_value(v, &ch.modseq))
                return IMAPCLIENT_EPROTOCOL;
            ch.has_modseq = 1;
            any = 1;
        }
    }
    if (!any)
        return 0;
    if (flags && !(ch.flags = imc_flags_copy(a, flags, &ch.flag_count)))
        return IMAPCLIENT_ENOMEM;
    *out = ch;
    return 1;
}

int imc_changes_push(imc_changes_vec *v, const imapclient_flag_change *ch)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        imapclient_flag_change *p =
            cap < SIZE_MAX / sizeof *p ? realloc(v->v, cap * sizeof *p) : NULL;
        if (!p)
            return IMAPCLIENT_ENOMEM;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n++] = *ch;
    return 0;
}

void imc_changes_vec_free(imc_changes_vec *v)
{
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

const imapclient_flag_change *imc_changes_freeze(imc_arena *a, const imc_changes_vec *v)
{
    imapclient_flag_change *p = imc_arena_calloc(a, v->n ? v->n : 1, sizeof *p);
    if (p && v->n)
        memcpy(p, v->v, v->n * sizeof *p);
    return p;
}

typedef struct keyed_idx {
    uint32_t key;
    size_t idx;
} keyed_idx;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed_idx *a = x, *b = y;
    if (a->key != b->key)
        return (a->key > b->key) - (a->key < b->key);
    return (a->idx > b->idx) - (a->idx < b->idx);
}

int imc_changes_sort(imc_changes_vec *v, int by_uid)
{
    if (v->n < 2)
        return 0;
    keyed_idx *k = malloc(v->n * sizeof *k);
    imapclient_flag_change *out = malloc(v->n * sizeof *out);
    if (!k || !out) {
        free(k);
        free(out);
        return IMAPCLIENT_ENOMEM;
    }
    for (size_t i = 0; i < v->n; i++)
        k[i] = (keyed_idx){by_uid ? v->v[i].uid : v->v[i].seq, i};
    qsort(k, v->n, sizeof *k, cmp_keyed);
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (i + 1 < v->n && k[i + 1].key == k[i].key)
            continue; /* a later report of the same message follows */
        out[n++] = v->v[k[i].idx];
    }
    free(k);
    free(v->v);
    v->v = out;
    v->n = n;
    v->cap = v->n ? v->n : 1;
    return 0;
}

int imc_modifiers_vanished(const char *const *modifiers)
{
    for (size_t i = 0; modifiers && modifiers[i]; i++) {
        const char *s = modifiers[i];
        while (*s) {
            while (*s == ' ')
                s++;
            size_t n = strcspn(s, " ");
            if (n == 8 && !strncasecmp(s, "VANISHED", 8))
                return 1;
            s += n;
        }
    }
    return 0;
}

/* ---- SELECT parameters -------------------------------------------------------- */

/* known-uids / known-sequence-set (RFC 7162 section 7): a sequence set
 * without "*". */
static int uid_set_ok(const char *s)
{
    return s && *s && !strchr(s, '*') && imapclient_seqset_valid(s);
}

int imc_select_params_check(imapclient *c, const char *call,
                            const imapclient_select_params *p)
{
    if (!p || !p->qresync_uidvalidity) {
        if (p && (p->qresync_known_uids || p->qresync_seq_match_seqs ||
                  p->qresync_seq_match_uids || p->qresync_modseq))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "%s: QRESYNC parameters without a UIDVALIDITY", call);
        return 0;
    }
    if (!p->qresync_modseq)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: QRESYNC needs a mod-sequence above 0",
                        call);
    if (p->qresync_known_uids && !uid_set_ok(p->qresync_known_uids))
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "%s: known UIDs \"%.60s\" are not a uid-set", call,
                        p->qresync_known_uids);
    if (!p->qresync_seq_match_seqs != !p->qresync_seq_match_uids)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "%s: seq-match data needs both the numbers and the UIDs", call);
    if (p->qresync_seq_match_seqs) {
        if (!p->qresync_known_uids)
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "%s: seq-match data needs the known UIDs too", call);
        if (!uid_set_ok(p->qresync_seq_match_seqs) ||
            !uid_set_ok(p->qresync_seq_match_uids))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: seq-match data is not two sets",
                            call);
    }
    return 0;
}

int imc_select_params_ready(imapclient *c, const char *call,
                            const imapclient_select_params *p)
{
    int rc;
    if (!p)
        return 0;
    if (p->qresync_uidvalidity) {
        if ((rc = imc_require_cap(c, "QRESYNC", call)))
            return rc;
        if (!(c->enabled & IMC_ENABLED_QRESYNC))
            return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                            "%s: QRESYNC is not enabled (imapclient_enable() it first; "
                            "RFC 7162 3.2.3)",
                            call);
    } else if (p->condstore && (rc = imc_require_cap(c, "CONDSTORE", call))) {
        return rc;
    }
    return 0;
}

void imc_select_params_put(imapclient *c, const imapclient_select_params *p)
{
    if (!p)
        return;
    if (p->qresync_uidvalidity) {
        imc_put_raw(&c->cmd, " (QRESYNC (");
        imc_put_number(&c->cmd, p->qresync_uidvalidity);
        imc_put_sp(&c->cmd);
        imc_put_number(&c->cmd, p->qresync_modseq);
        if (p->qresync_known_uids) {
            imc_put_sp(&c->cmd);
            imc_put_raw(&c->cmd, p->qresync_known_uids);
            if (p->qresync_seq_match_seqs) {
                imc_put_raw(&c->cmd, " (");
                imc_put_raw(&c->cmd, p->qresync_seq_match_seqs);
                imc_put_sp(&c->cmd);
                imc_put_raw(&c->cmd, p->qresync_seq_match_uids);
                imc_put_raw(&c->cmd, ")");
            }
        }
        imc_put_raw(&c->cmd, "))");
    } else if (p->condstore) {
        imc_put_raw(&c->cmd, " (CONDSTORE)");
    }
}

/* ---- STORE (UNCHANGEDSINCE n) ----------------------------------------------------- */

typedef struct cstore_op {
    imc_request rq; /* first */
    imc_idset set;
    int use_uid;
    imapclient_store_result *res;
    imc_changes_vec ch;
} cstore_op;

/* A FETCH naming a message of the request (by UID with use_uid) and
 * carrying only UID, FLAGS and MODSEQ is the server's report of a store;
 * anything else stays for imapclient_noop(). */
static int on_cstore(imapclient *c, const imapclient_response *r, void *ud)
{
    cstore_op *op = ud;
    if (!r->has_number || strcmp(r->name, "FETCH") || r->args->count != 1 ||
        r->args->items[0].type != IMAPCLIENT_VALUE_LIST)
        return 0;
    const imapclient_value *l = &r->args->items[0];
    for (size_t i = 0; i + 1 < l->count; i += 2)
        if (!imapclient_value_is(&l->items[i], "UID") &&
            !imapclient_value_is(&l->items[i], "FLAGS") &&
            !imapclient_value_is(&l->items[i], "MODSEQ"))
            return 0;
    imc_arena *a = imc_msg_result_arena(op->res);
    imc_arena_mark m;
    imc_arena_get_mark(a, &m);
    imapclient_flag_change ch;
    int rc = imc_flag_change_read(a, r, &ch);
    if (rc == IMAPCLIENT_ENOMEM)
        return imc_fail(c, rc, "out of memory");
    if (rc != 1)
        return 0;
    uint32_t id = op->use_uid ? ch.uid : ch.seq;
    if (!id || !imc_idset_has(&op->set, id)) {
        imc_arena_release(a, &m);
        return 0;
    }
    if (imc_changes_push(&op->ch, &ch))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    return 1;
}

static void cstore_done(imapclient *c, imc_request *rq)
{
    cstore_op *op = (cstore_op *)rq;
    imapclient_store_result *res = op->res;
    imc_arena *a = imc_msg_result_arena(res);
    int rc = rq->rc;
    imc_ranges mod = {0};
    const imapclient_response *d = rq->done;
    if (!rc && d && d->code && !strcmp(d->code, "MODIFIED")) {
        const imapclient_value *v =
            d->code_args->count == 1 ? &d->code_args->items[0] : NULL;
        int prc =
            v && v->str ? imc_ranges_parse(&mod, v->str, v->len) : IMAPCLIENT_EPROTOCOL;
        if (prc == IMAPCLIENT_ENOMEM)
            rc = imc_fail(c, prc, "out of memory");
        else if (prc)
            rc = imc_fail(c, IMAPCLIENT_EPROTOCOL, "%s: MODIFIED is not a set: %.100s",
                          c->what, d->code_raw ? d->code_raw : "");
    }
    if (!rc) {
        /* ascending by id, the last report of a message kept */
        if (imc_changes_sort(&op->ch, op->use_uid))
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    if (!rc) {
        res->changes = imc_changes_freeze(a, &op->ch);
        res->count = op->ch.n;
        res->text = imc_arena_strdup(a, d ? d->text : "");
        if (!res->changes || !res->text || imc_ranges_freeze(a, &mod, &res->modified))
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    imc_ranges_free(&mod);
    imc_changes_vec_free(&op->ch);
    imc_idset_free(&op->set);
    if (rc)
        imc_msg_result_free(res);
    else
        rq->out = res;
    op->res = NULL;
    rq->rc = rc;
}

static int cstore_build(imapclient *c, const char *messages, imapclient_store_mode mode,
                        const char *const *flags, uint64_t unchangedsince, int silent,
                        cstore_op *op)
{
    static const char *const call = "store_unchangedsince";
    int rc;
    if ((rc = imc_msg_check_set(c, call, messages)) ||
        (rc = imc_msg_check_flags(c, call, flags)))
        return rc;
    if (mode != IMAPCLIENT_STORE_SET && mode != IMAPCLIENT_STORE_ADD &&
        mode != IMAPCLIENT_STORE_REMOVE)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: unknown mode %d", call, (int)mode);
    if ((rc = imc_idset_init(&op->set, messages)))
        return imc_fail(c, rc, "%s: cannot read the message set", call);
    if (!(op->res = imc_msg_result_new(sizeof *op->res))) {
        imc_idset_free(&op->set);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    op->use_uid = c->opts.use_uid;
    imc_begin(c, c->opts.use_uid ? "UID STORE " : "STORE ");
    imc_put_raw(&c->cmd, messages);
    imc_put_raw(&c->cmd, " (UNCHANGEDSINCE ");
    imc_put_number(&c->cmd, unchangedsince);
    imc_put_raw(&c->cmd, mode == IMAPCLIENT_STORE_ADD      ? ") +FLAGS"
                         : mode == IMAPCLIENT_STORE_REMOVE ? ") -FLAGS"
                                                           : ") FLAGS");
    if (silent)
        imc_put_raw(&c->cmd, ".SILENT");
    imc_msg_put_flags(c, flags);
    op->rq.on_untagged = on_cstore;
    op->rq.ud = op;
    op->rq.on_done = cstore_done;
    return 0;
}

static void cstore_clear(cstore_op *op)
{
    imc_msg_result_free(op->res);
    op->res = NULL;
    imc_changes_vec_free(&op->ch);
    imc_idset_free(&op->set);
}

static int cstore_ready(imapclient *c, const char *call)
{
    int rc = imc_require_writable(c, call);
    return rc ? rc : imc_require_cap(c, "CONDSTORE", call);
}

int imapclient_store_unchangedsince(imapclient *c, const char *messages,
                                    imapclient_store_mode mode, const char *const *flags,
                                    uint64_t unchangedsince, int silent,
                                    imapclient_store_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = cstore_ready(c, "store_unchangedsince")))
        return rc;
    cstore_op op = {0};
    if ((rc = cstore_build(c, messages, mode, flags, unchangedsince, silent, &op)))
        return rc;
    if ((rc = imc_run(c, &op.rq))) {
        cstore_clear(&op); /* when it never completed */
        return rc;
    }
    if (out)
        *out = op.rq.out;
    else
        imapclient_store_result_free(op.rq.out);
    return 0;
}

static int cstore_check(imapclient *c, imc_request *rq)
{
    (void)rq;
    return cstore_ready(c, "store_unchangedsince");
}

static void cstore_op_free(imc_request *rq)
{
    cstore_clear((cstore_op *)rq);
    free(rq);
}

static void store_result_free(void *p)
{
    imapclient_store_result_free(p);
}

int imapclient_start_store_unchangedsince(imapclient *c, const char *messages,
                                          imapclient_store_mode mode,
                                          const char *const *flags,
                                          uint64_t unchangedsince, int silent,
                                          imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    cstore_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = cstore_build(c, messages, mode, flags, unchangedsince, silent, op))) {
        free(op);
        return rc;
    }
    op->rq.check = cstore_check;
    op->rq.pipe = imc_pipe_fetch_like(c);
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_STORE_UNCHANGEDSINCE,
                            store_result_free, cstore_op_free, cb, user, id);
}

void imapclient_store_result_free(imapclient_store_result *r)
{
    imc_msg_result_free(r);
}

/* ---- the change record ----------------------------------------------------------- */

typedef struct changes_impl {
    imapclient_changes pub; /* first */
    imc_arena *a;
    uint32_t *exp;
    size_t nexp, capexp;
    imc_ranges van, van_earlier;
    imc_changes_vec ch;
} changes_impl;

static const imapclient_range no_ranges[1];
static const imapclient_flag_change no_changes[1];
static const uint32_t no_ids[1];

/* Point the public view at the current arrays. */
static void publish(changes_impl *x)
{
    imapclient_changes *p = &x->pub;
    p->expunged = x->nexp ? x->exp : no_ids;
    p->expunged_count = x->nexp;
    p->vanished.ranges = x->van.n ? x->van.r : no_ranges;
    p->vanished.count = x->van.n;
    p->vanished_earlier.ranges = x->van_earlier.n ? x->van_earlier.r : no_ranges;
    p->vanished_earlier.count = x->van_earlier.n;
    p->changed = x->ch.n ? x->ch.v : no_changes;
    p->changed_count = x->ch.n;
}

int imapclient_changes_new(imapclient_changes **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    changes_impl *x = calloc(1, sizeof *x);
    if (!x || !(x->a = imc_arena_new())) {
        free(x);
        return IMAPCLIENT_ENOMEM;
    }
    publish(x);
    *out = &x->pub;
    return 0;
}

int imapclient_changes_add(imapclient_changes *ch, const imapclient_response *r)
{
    if (!ch || !r || !r->tag || !r->name || !r->args)
        return IMAPCLIENT_EINVAL;
    changes_impl *x = (changes_impl *)ch;
    if (strcmp(r->tag, "*"))
        return 0;
    int rc = 0;
    if (r->has_number && !strcmp(r->name, "EXPUNGE")) {
        if (x->nexp == x->capexp) {
            size_t cap = x->capexp ? x->capexp * 2 : 16;
            uint32_t *p =
                cap < SIZE_MAX / sizeof *p ? realloc(x->exp, cap * sizeof *p) : NULL;
            if (!p)
                return IMAPCLIENT_ENOMEM;
            x->exp = p;
            x->capexp = cap;
        }
        x->exp[x->nexp++] = r->number;
        rc = 1;
    } else if (r->has_number && !strcmp(r->name, "EXISTS")) {
        ch->exists = r->number;
        ch->has_exists = 1;
        rc = 1;
    } else if (!r->has_number && !strcmp(r->name, "VANISHED")) {
        imc_ranges tmp = {0};
        int earlier = 0;
        rc = imc_vanished_read(r, &earlier, &tmp);
        if (rc == 1 &&
            imc_ranges_union(earlier ? &x->van_earlier : &x->van, tmp.r, tmp.n))
            rc = IMAPCLIENT_ENOMEM;
        imc_ranges_free(&tmp);
    } else if (r->has_number && !strcmp(r->name, "FETCH")) {
        imc_arena_mark m;
        imc_arena_get_mark(x->a, &m);
        imapclient_flag_change fc;
        rc = imc_flag_change_read(x->a, r, &fc);
        if (rc == 1 && imc_changes_push(&x->ch, &fc))
            rc = IMAPCLIENT_ENOMEM;
        if (rc != 1)
            imc_arena_release(x->a, &m);
    } else if (!strcmp(r->name, "OK") && r->code && !strcmp(r->code, "HIGHESTMODSEQ")) {
        const imapclient_value *v =
            r->code_args->count == 1 ? &r->code_args->items[0] : NULL;
        if (!v || v->type != IMAPCLIENT_VALUE_NUMBER)
            return IMAPCLIENT_EPROTOCOL;
        ch->highestmodseq = v->number;
        ch->has_highestmodseq = 1;
        rc = 1;
    }
    if (rc == 1)
        ch->taken++;
    publish(x);
    return rc;
}

int imapclient_changes_from_responses(const imapclient_responses *rs,
                                      imapclient_changes **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!rs)
        return IMAPCLIENT_EINVAL;
    imapclient_changes *ch;
    int rc = imapclient_changes_new(&ch);
    if (rc)
        return rc;
    for (size_t i = 0; i < rs->count; i++) {
        rc = imapclient_changes_add(ch, &rs->items[i]);
        if (rc == IMAPCLIENT_ENOMEM) {
            imapclient_changes_free(ch);
            return rc;
        }
    }
    *out = ch;
    return 0;
}

void imapclient_changes_free(imapclient_changes *ch)
{
    if (!ch)
        return;
    changes_impl *x = (changes_impl *)ch;
    free(x->exp);
    imc_ranges_free(&x->van);
    imc_ranges_free(&x->van_earlier);
    imc_changes_vec_free(&x->ch);
    imc_arena_free(x->a);
    free(x);
}
