/*
 * ID, ENABLE (and what it changes for the session: UTF8=ACCEPT, IMAP4rev2),
 * UNAUTHENTICATE, QUOTA and ACL.
 * RFC 2971 (ID), RFC 5161 (ENABLE), RFC 6855 (UTF8=ACCEPT), RFC 9051
 * (IMAP4rev2), RFC 8437 (UNAUTHENTICATE), RFC 7888 (LITERAL+, LITERAL-),
 * RFC 2087 and RFC 9208 (QUOTA), RFC 4314 (ACL).
 */
#include "folders_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- helpers -------------------------------------------------------------- */

/* ATOM-CHAR: any CHAR except atom-specials = "(" / ")" / "{" / SP / CTL /
 * list-wildcards / quoted-specials / resp-specials (RFC 3501 section 9). */
static int is_atom(const char *s)
{
    if (!s || !*s)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr("(){%*\"\\]", *p))
            return 0;
    return 1;
}

/* A growable array outside any arena, copied into the result's arena at
 * the end. */
typedef struct vec {
    char *items;
    size_t n, cap, size;
} vec;

static int vec_push(vec *v, const void *item)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        char *p = realloc(v->items, cap * v->size);
        if (!p)
            return IMAPCLIENT_ENOMEM;
        v->items = p;
        v->cap = cap;
    }
    memcpy(v->items + v->n * v->size, item, v->size);
    v->n++;
    return 0;
}

/* A copy of the vector in a (one extra zeroed element, so string arrays are
 * NULL-terminated); NULL when out of memory. */
static void *vec_to_arena(const vec *v, imc_arena *a)
{
    void *p = imc_arena_calloc(a, v->n + 1, v->size);
    if (p && v->n)
        memcpy(p, v->items, v->n * v->size);
    return p;
}

/* The text of a scalar value copied into a; NULL for lists (and NIL). */
static const char *text_copy(imc_arena *a, const imapclient_value *v, int *nomem)
{
    if (!v || !IMAPCLIENT_VALUE_IS_TEXT(v) || !v->str)
        return NULL;
    char *s = imc_arena_strndup(a, v->str, v->len);
    if (!s)
        *nomem = 1;
    return s;
}

static int oom(imapclient *c)
{
    return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
}

/* ---- ID ------------------------------------------------------------------- */

typedef struct id_state {
    imc_arena *a;
    vec fields;
    int seen, nil, bad, nomem;
} id_state;

/* The server's name and vendor from an ID response's list, for the quirks
 * detection (src/core/quirks.c). */
static void note_server_id(imapclient *c, const imapclient_value *v)
{
    const char *name = NULL, *vendor = NULL;
    char nbuf[64], vbuf[64];
    for (size_t i = 0; v && v->type == IMAPCLIENT_VALUE_LIST && i + 1 < v->count;
         i += 2) {
        const imapclient_value *k = &v->items[i], *x = &v->items[i + 1];
        if (!IMAPCLIENT_VALUE_IS_TEXT(x) || !x->str)
            continue;
        if (imapclient_value_is(k, "name"))
            name = nbuf, snprintf(nbuf, sizeof nbuf, "%.*s", (int)x->len, x->str);
        else if (imapclient_value_is(k, "vendor"))
            vendor = vbuf, snprintf(vbuf, sizeof vbuf, "%.*s", (int)x->len, x->str);
    }
    if (name || vendor)
        imc_quirks_note_id(c, name, vendor);
}

static int on_id(imapclient *c, const imapclient_response *r, void *ud)
{
    id_state *st = ud;
    if (strcmp(r->name, "ID") != 0 || r->has_number)
        return 0;
    note_server_id(c, r->args->count ? &r->args->items[0] : NULL);
    st->seen = 1;
    st->fields.n = 0;
    const imapclient_value *v = r->args->count ? &r->args->items[0] : NULL;
    if (!v || v->type == IMAPCLIENT_VALUE_NIL) {
        st->nil = 1;
        return 1;
    }
    st->nil = 0;
    if (v->type != IMAPCLIENT_VALUE_LIST || v->count % 2) {
        st->bad = 1;
        return 1;
    }
    for (size_t i = 0; i + 1 < v->count; i += 2) {
        imapclient_id_field f = {.key = text_copy(st->a, &v->items[i], &st->nomem),
                                 .value = text_copy(st->a, &v->items[i + 1], &st->nomem)};
        if (!f.key) {
            st->bad = !st->nomem;
            continue;
        }
        if (vec_push(&st->fields, &f))
            st->nomem = 1;
    }
    return 1;
}

int imapclient_id(imapclient *c, const char *const *params, imapclient_id_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "id: out is NULL");
    size_t n = 0;
    while (params && params[n])
        n++;
    if (n % 2)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "id: parameters must come in key/value pairs");
    if ((rc = imc_require_cap(c, "ID", "id")))
        return rc;
    imapclient_id_result *res = imc_result_new(sizeof *res);
    if (!res)
        return oom(c);
    id_state st = {.a = imc_result_arena(res),
                   .fields = {.size = sizeof(imapclient_id_field)}};
    imc_begin(c, "ID");
    imc_put_sp(&c->cmd);
    if (n == 0) {
        imc_put_raw(&c->cmd, "NIL");
    } else {
        /* RFC 2971: "(" string SP nstring ... ")" */
        imc_put_raw(&c->cmd, "(");
        for (size_t i = 0; i < n; i++) {
            if (i)
                imc_put_sp(&c->cmd);
            imc_put_string(&c->cmd, params[i], strlen(params[i]));
        }
        imc_put_raw(&c->cmd, ")");
    }
    imc_request rq = {.on_untagged = on_id, .ud = &st};
    rc = imc_run(c, &rq);
    if (n && imc_done_ok(&rq))
        c->id_sent = 1; /* the client identified itself (quirks.h: id_before_select) */
    if (!rc && st.nomem)
        rc = oom(c);
    if (!rc && st.bad)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL, "ID: malformed ID response");
    if (!rc && st.seen && !st.nil) {
        res->fields = vec_to_arena(&st.fields, st.a);
        res->count = st.fields.n;
        if (!res->fields)
            rc = oom(c);
    }
    free(st.fields.items);
    if (rc || !st.seen || st.nil) {
        imc_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

/* The library's own ID, for servers that want one before SELECT
 * (imapclient_quirks.id_before_select): the library's name and version,
 * nothing about the caller. */
static int on_auto_id(imapclient *c, const imapclient_response *r, void *ud)
{
    if (strcmp(r->name, "ID") != 0 || r->has_number)
        return 0;
    note_server_id(c, r->args->count ? &r->args->items[0] : NULL);
    return 1;
}

static void auto_id_done(imapclient *c, imc_request *rq)
{
    if (imc_done_ok(rq))
        c->id_sent = 1;
}

static void auto_id_free(imapclient *c, imc_request *rq)
{
    free(rq);
}

int imc_auto_id(imapclient *c, int wait)
{
    if (!c->quirks.id_before_select || c->id_sent)
        return 0;
    int rc = wait ? imc_caps_ensure(c) : 0;
    if (rc)
        return rc;
    if (!imc_has_cap(c, "ID"))
        return 0;
    imc_begin(c,
              "ID (\"name\" \"libimapclient\" \"version\" \"" IMAPCLIENT_VERSION "\")");
    if (wait) {
        imc_request rq = {.on_untagged = on_auto_id, .on_done = auto_id_done};
        rc = imc_run(c, &rq);
        if (rc == IMAPCLIENT_ERROR) {
            /* refused: the SELECT that follows says what the server wants */
            c->errcode = 0;
            c->errmsg[0] = '\0';
            rc = 0;
        }
        return rc;
    }
    imc_request *rq = calloc(1, sizeof *rq);
    if (!rq) {
        imc_cmdbuf_reset(&c->cmd);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    rq->on_untagged = on_auto_id;
    rq->on_done = auto_id_done;
    rq->complete = auto_id_free;
    rc = imc_core_submit(c, rq);
    if (rc)
        free(rq);
    return rc;
}

const char *imapclient_id_result_get(const imapclient_id_result *r, const char *key)
{
    if (!r || !key)
        return NULL;
    for (size_t i = 0; i < r->count; i++)
        if (!strcasecmp(r->fields[i].key, key))
            return r->fields[i].value;
    return NULL;
}

void imapclient_id_result_free(imapclient_id_result *r)
{
    imc_result_free(r);
}

/* ---- ENABLE ----------------------------------------------------------------- */

typedef struct enable_state {
    imc_arena *a;
    vec caps;
    unsigned enabled; /* IMC_ENABLED_* bits seen */
    int nomem;
} enable_state;

/* The extensions whose ENABLE changes how the library speaks. */
static const struct {
    const char *name;
    unsigned bits;
} enable_bits[] = {
    {"CONDSTORE", IMC_ENABLED_CONDSTORE},
    /* RFC 7162 section 3.2.3: enabling QRESYNC enables CONDSTORE too */
    {"QRESYNC", IMC_ENABLED_QRESYNC | IMC_ENABLED_CONDSTORE},
    {"UTF8=ACCEPT", IMC_ENABLED_UTF8_ACCEPT},
    {"IMAP4REV2", IMC_ENABLED_IMAP4REV2},
};

static unsigned bits_of(const char *cap)
{
    for (size_t i = 0; i < sizeof enable_bits / sizeof enable_bits[0]; i++)
        if (!strcasecmp(cap, enable_bits[i].name))
            return enable_bits[i].bits;
    return 0;
}

int imapclient_is_enabled(const imapclient *c, const char *capability)
{
    unsigned b = c && capability ? bits_of(capability) : 0;
    /* QRESYNC's bits include CONDSTORE's: ask for the name's own bit */
    if (b & IMC_ENABLED_QRESYNC)
        b = IMC_ENABLED_QRESYNC;
    return b && (c->enabled & b) ? 1 : 0;
}

int imapclient_is_imap4rev2(const imapclient *c)
{
    return c ? imc_rev2(c) : 0;
}

int imapclient_is_utf8(const imapclient *c)
{
    return c ? imc_utf8_names(c) : 0;
}

static int on_enabled(imapclient *c, const imapclient_response *r, void *ud)
{
    enable_state *st = ud;
    if (strcmp(r->name, "ENABLED") != 0 || r->has_number)
        return 0;
    for (size_t i = 0; i < r->args->count; i++) {
        const char *s = text_copy(st->a, &r->args->items[i], &st->nomem);
        if (!s)
            continue;
        for (char *p = (char *)s; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        st->enabled |= bits_of(s);
        if (vec_push(&st->caps, &s))
            st->nomem = 1;
    }
    return 1;
}

/* ENABLE as one command object, for both fronts. */
typedef struct enable_op {
    imc_request rq; /* first */
    enable_state st;
    imapclient_enabled *res;
    unsigned asked; /* IMC_ENABLED_* bits of what was asked for */
} enable_op;

/* What the server enabled is on, whatever else went wrong (RFC 5161 3.1:
 * the ENABLED response names it); only what was asked for counts, an
 * extension is never on unasked. */
static void enable_done(imapclient *c, imc_request *rq)
{
    enable_op *op = (enable_op *)rq;
    if (imc_done_ok(rq)) {
        c->enabled |= op->st.enabled & op->asked;
        imc_ext_sync(c);
    }
    int rc = rq->rc;
    if (!rc && op->st.nomem)
        rc = oom(c);
    if (!rc) {
        op->res->items = vec_to_arena(&op->st.caps, op->st.a);
        op->res->count = op->st.caps.n;
        if (!op->res->items)
            rc = oom(c);
    }
    free(op->st.caps.items);
    op->st.caps.items = NULL;
    if (rc) {
        imc_result_free(op->res);
        op->res = NULL;
    }
    rq->rc = rc;
    rq->out = op->res;
    op->res = NULL;
}

/* RFC 5161 section 3.1: only valid in the authenticated state. */
static int enable_state_check(imapclient *c)
{
    int rc = imc_require_auth(c, "enable");
    if (rc)
        return rc;
    if (c->state != IMAPCLIENT_STATE_AUTHENTICATED)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "enable: not allowed with a folder selected (RFC 5161)");
    return imc_require_ext(c, "ENABLE", "enable");
}

static int enable_check(imapclient *c, imc_request *rq)
{
    return enable_state_check(c);
}

static int enable_args(imapclient *c, const char *const *capabilities)
{
    if (!capabilities || !capabilities[0])
        return imc_fail(c, IMAPCLIENT_EINVAL, "enable: no capability given");
    for (size_t i = 0; capabilities[i]; i++)
        if (!is_atom(capabilities[i]))
            return imc_fail(c, IMAPCLIENT_EINVAL, "enable: capability %zu is not an atom",
                            i + 1);
    return 0;
}

/* Build the command into c->cmd and op; 0 or a status (nothing built). */
static int enable_build(imapclient *c, const char *const *capabilities, enable_op *op)
{
    op->res = imc_result_new(sizeof *op->res);
    if (!op->res)
        return oom(c);
    op->st = (enable_state){.a = imc_result_arena(op->res),
                            .caps = {.size = sizeof(const char *)}};
    for (size_t i = 0; capabilities[i]; i++)
        op->asked |= bits_of(capabilities[i]);
    op->rq.on_untagged = on_enabled;
    op->rq.ud = &op->st;
    op->rq.on_done = enable_done;
    imc_begin(c, "ENABLE");
    for (size_t i = 0; capabilities[i]; i++) {
        imc_put_sp(&c->cmd);
        imc_put_verbatim(&c->cmd, capabilities[i], strlen(capabilities[i]));
    }
    return 0;
}

static void enable_op_release(enable_op *op)
{
    imc_result_free(op->res);
    free(op->st.caps.items);
}

int imapclient_enable(imapclient *c, const char *const *capabilities,
                      imapclient_enabled **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = enable_args(c, capabilities)) || (rc = enable_state_check(c)))
        return rc;
    enable_op op = {0};
    if ((rc = enable_build(c, capabilities, &op)))
        return rc;
    rc = imc_run(c, &op.rq);
    enable_op_release(&op); /* when the command never completed */
    if (rc || !out) {
        imc_result_free(op.rq.out);
        return rc;
    }
    *out = op.rq.out;
    return 0;
}

static void enabled_free(void *p)
{
    imapclient_enabled_free(p);
}

static void enable_op_free(imc_request *rq)
{
    enable_op *op = (enable_op *)rq;
    enable_op_release(op);
    free(op);
}

int imapclient_start_enable(imapclient *c, const char *const *capabilities,
                            imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if ((rc = enable_args(c, capabilities)))
        return rc;
    enable_op *op = calloc(1, sizeof *op);
    if (!op)
        return oom(c);
    if ((rc = enable_build(c, capabilities, op))) {
        free(op);
        return rc;
    }
    op->rq.check = enable_check;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_ENABLE, enabled_free,
                            enable_op_free, cb, user, id);
}

void imapclient_enabled_free(imapclient_enabled *r)
{
    imc_result_free(r);
}

/* ---- UNAUTHENTICATE --------------------------------------------------------- */

int imapclient_unauthenticate(imapclient *c, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, "unauthenticate")) ||
        (rc = imc_require_cap(c, "UNAUTHENTICATE", "unauthenticate")))
        return rc;
    imc_request rq = {0};
    rc = imc_simple(c, "UNAUTHENTICATE", &rq);
    /* RFC 8437 section 3: after the OK the session is as freshly connected
     * (TLS and COMPRESS stay): not authenticated, nothing selected, every
     * ENABLEd extension off, capabilities to be learnt again (those of the
     * completion's [CAPABILITY] code are kept; generic processing stored
     * them). A malformed response on the way does not undo the OK. */
    if (imc_done_ok(&rq)) {
        imc_set_state(c, IMAPCLIENT_STATE_NOT_AUTHENTICATED);
        c->enabled = 0;
        c->notify_on = 0;
        const imapclient_response *d = rq.done;
        if (!(d && d->code && !strcmp(d->code, "CAPABILITY") && d->code_args->count))
            imc_caps_forget(c);
        imc_ext_sync(c);
    }
    if (rc)
        return rc;
    if (text)
        *text = rq.done->text;
    return 0;
}

/* ---- QUOTA ------------------------------------------------------------------ */

typedef struct quota_state {
    imc_arena *qa; /* quotas result arena (NULL: not wanted) */
    vec quotas;
    imc_arena *ra; /* roots result arena (NULL: not wanted) */
    const char *mailbox;
    vec roots;
    int bad, nomem;
} quota_state;

/* `* QUOTA root (resource usage limit ...)` */
static void parse_quota(quota_state *st, const imapclient_response *r)
{
    const imapclient_value *args = r->args;
    if (args->count < 2 || args->items[1].type != IMAPCLIENT_VALUE_LIST) {
        st->bad = 1;
        return;
    }
    const imapclient_value *list = &args->items[1];
    if (list->count % 3) {
        st->bad = 1;
        return;
    }
    size_t rlen = 0;
    const char *root = imc_mailbox_text(&args->items[0], &rlen);
    if (!root) {
        st->bad = 1;
        return;
    }
    if (!st->qa)
        return;
    const char *rootc = imc_arena_strndup(st->qa, root, rlen);
    if (!rootc) {
        st->nomem = 1;
        return;
    }
    for (size_t i = 0; i < list->count; i += 3) {
        const imapclient_value *res = &list->items[i], *use = &list->items[i + 1],
                               *lim = &list->items[i + 2];
        if (use->type != IMAPCLIENT_VALUE_NUMBER ||
            lim->type != IMAPCLIENT_VALUE_NUMBER) {
            st->bad = 1;
            return;
        }
        imapclient_quota q = {.quota_root = rootc,
                              .resource = text_copy(st->qa, res, &st->nomem),
                              .usage = use->number,
                              .limit = lim->number};
        if (!q.resource) {
            st->bad = !st->nomem;
            return;
        }
        if (vec_push(&st->quotas, &q))
            st->nomem = 1;
    }
}

static int on_quota(imapclient *c, const imapclient_response *r, void *ud)
{
    quota_state *st = ud;
    if (r->has_number)
        return 0;
    if (!strcmp(r->name, "QUOTA")) {
        parse_quota(st, r);
        return 1;
    }
    if (strcmp(r->name, "QUOTAROOT") != 0)
        return 0;
    /* `* QUOTAROOT mailbox root ...` */
    size_t mlen = 0;
    const char *mbox =
        r->args->count ? imc_mailbox_text(&r->args->items[0], &mlen) : NULL;
    if (!mbox) {
        st->bad = 1;
        return 1;
    }
    if (!st->ra)
        return 1;
    size_t ignored;
    if (imc_folder_decode(c, st->ra, mbox, mlen, &st->mailbox, &ignored)) {
        st->nomem = 1;
        return 1;
    }
    st->roots.n = 0;
    for (size_t i = 1; i < r->args->count; i++) {
        size_t n = 0;
        const char *root = imc_mailbox_text(&r->args->items[i], &n);
        char *copy = root ? imc_arena_strndup(st->ra, root, n) : NULL;
        if (!root)
            st->bad = 1;
        else if (!copy || vec_push(&st->roots, &copy))
            st->nomem = 1;
    }
    return 1;
}

/* Finish a quota command: results built from st, or everything freed. */
static int quota_finish(imapclient *c, int rc, quota_state *st, const char *what,
                        imapclient_quota_roots *roots, imapclient_quota_roots **roots_out,
                        imapclient_quotas *quotas, imapclient_quotas **quotas_out)
{
    if (!rc && st->nomem)
        rc = oom(c);
    if (!rc && st->bad)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL,
                      "%s: malformed QUOTA or QUOTAROOT response", what);
    if (!rc && quotas) {
        quotas->items = vec_to_arena(&st->quotas, st->qa);
        quotas->count = st->quotas.n;
        if (!quotas->items)
            rc = oom(c);
    }
    if (!rc && roots) {
        roots->roots = vec_to_arena(&st->roots, st->ra);
        roots->count = st->roots.n;
        roots->mailbox = st->mailbox ? st->mailbox : "";
        if (!roots->roots)
            rc = oom(c);
    }
    free(st->quotas.items);
    free(st->roots.items);
    if (rc) {
        imc_result_free(quotas);
        imc_result_free(roots);
        return rc;
    }
    if (quotas_out)
        *quotas_out = quotas;
    if (roots_out)
        *roots_out = roots;
    return 0;
}

static int quota_results(imapclient *c, quota_state *st, imapclient_quota_roots **roots,
                         int want_roots, imapclient_quotas **quotas, int want_quotas)
{
    *roots = NULL;
    *quotas = NULL;
    if (want_roots && !(*roots = imc_result_new(sizeof **roots)))
        return oom(c);
    if (want_quotas && !(*quotas = imc_result_new(sizeof **quotas))) {
        imc_result_free(*roots);
        *roots = NULL;
        return oom(c);
    }
    st->ra = *roots ? imc_result_arena(*roots) : NULL;
    st->qa = *quotas ? imc_result_arena(*quotas) : NULL;
    st->quotas.size = sizeof(imapclient_quota);
    st->roots.size = sizeof(const char *);
    return 0;
}

static int quota_root(imapclient *c, const char *call, const char *mailbox,
                      imapclient_quota_roots **roots_out, imapclient_quotas **quotas_out)
{
    int rc;
    const char *name;
    if ((rc = imc_require_auth(c, call)) || (rc = imc_require_cap(c, "QUOTA", call)) ||
        (rc = imc_folder_encode(c, call, mailbox, &name)))
        return rc;
    quota_state st = {0};
    imapclient_quota_roots *roots;
    imapclient_quotas *quotas;
    if ((rc = quota_results(c, &st, &roots, roots_out != NULL, &quotas,
                            quotas_out != NULL)))
        return rc;
    imc_begin(c, "GETQUOTAROOT");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    imc_request rq = {.on_untagged = on_quota, .ud = &st};
    rc = imc_run(c, &rq);
    return quota_finish(c, rc, &st, "GETQUOTAROOT", roots, roots_out, quotas, quotas_out);
}

int imapclient_get_quota_root(imapclient *c, const char *mailbox,
                              imapclient_quota_roots **roots_out,
                              imapclient_quotas **quotas_out)
{
    if (roots_out)
        *roots_out = NULL;
    if (quotas_out)
        *quotas_out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    return quota_root(c, "get_quota_root", mailbox, roots_out, quotas_out);
}

int imapclient_get_quota(imapclient *c, const char *mailbox, imapclient_quotas **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "get_quota: out is NULL");
    return quota_root(c, "get_quota", mailbox ? mailbox : "INBOX", NULL, out);
}

int imapclient_get_quota_for_root(imapclient *c, const char *root,
                                  imapclient_quotas **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out || !root)
        return imc_fail(c, IMAPCLIENT_EINVAL, "get_quota_for_root: NULL root or out");
    if ((rc = imc_require_auth(c, "get_quota_for_root")) ||
        (rc = imc_require_cap(c, "QUOTA", "get_quota_for_root")))
        return rc;
    quota_state st = {0};
    imapclient_quota_roots *roots;
    imapclient_quotas *quotas;
    if ((rc = quota_results(c, &st, &roots, 0, &quotas, 1)))
        return rc;
    imc_begin(c, "GETQUOTA");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, root, strlen(root));
    imc_request rq = {.on_untagged = on_quota, .ud = &st};
    rc = imc_run(c, &rq);
    return quota_finish(c, rc, &st, "GETQUOTA", NULL, NULL, quotas, out);
}

int imapclient_set_quota(imapclient *c, const imapclient_quota *quotas, size_t n,
                         imapclient_quotas **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!quotas || n == 0 || !quotas[0].quota_root)
        return imc_fail(c, IMAPCLIENT_EINVAL, "set_quota: no quota given");
    for (size_t i = 0; i < n; i++) {
        if (!quotas[i].quota_root || strcmp(quotas[i].quota_root, quotas[0].quota_root))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "set_quota: all quotas must have the same quota root");
        if (!is_atom(quotas[i].resource))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "set_quota: resource %zu is not an atom", i + 1);
    }
    if ((rc = imc_require_auth(c, "set_quota")) ||
        (rc = imc_require_cap(c, "QUOTA", "set_quota")))
        return rc;
    quota_state st = {0};
    imapclient_quota_roots *roots;
    imapclient_quotas *res;
    if ((rc = quota_results(c, &st, &roots, 0, &res, 1)))
        return rc;
    /* SETQUOTA root (resource limit ...) */
    imc_begin(c, "SETQUOTA");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, quotas[0].quota_root, strlen(quotas[0].quota_root));
    imc_put_raw(&c->cmd, " (");
    for (size_t i = 0; i < n; i++) {
        if (i)
            imc_put_sp(&c->cmd);
        imc_put_verbatim(&c->cmd, quotas[i].resource, strlen(quotas[i].resource));
        imc_put_sp(&c->cmd);
        imc_put_number(&c->cmd, quotas[i].limit);
    }
    imc_put_raw(&c->cmd, ")");
    imc_request rq = {.on_untagged = on_quota, .ud = &st};
    rc = imc_run(c, &rq);
    imapclient_quotas *tmp = NULL;
    rc = quota_finish(c, rc, &st, "SETQUOTA", NULL, NULL, res, &tmp);
    if (rc)
        return rc;
    if (out)
        *out = tmp;
    else
        imapclient_quotas_free(tmp);
    return 0;
}

void imapclient_quotas_free(imapclient_quotas *q)
{
    imc_result_free(q);
}

void imapclient_quota_roots_free(imapclient_quota_roots *r)
{
    imc_result_free(r);
}

/* ---- ACL -------------------------------------------------------------------- */

typedef struct acl_state {
    imc_arena *a;
    const char *mailbox; /* the name as sent */
    vec entries;
    int bad, nomem;
} acl_state;

/* `* ACL mailbox (identifier rights)*` */
static int on_acl(imapclient *c, const imapclient_response *r, void *ud)
{
    acl_state *st = ud;
    if (strcmp(r->name, "ACL") != 0 || r->has_number)
        return 0;
    const imapclient_value *args = r->args;
    /* Only the ACL of the folder asked for; others (unsolicited) are kept
     * for the caller. INBOX is case-insensitive (RFC 3501 5.1). */
    const imapclient_value *mb = args->count ? &args->items[0] : NULL;
    if (mb && mb->str &&
        !(mb->len == strlen(st->mailbox) && !memcmp(mb->str, st->mailbox, mb->len)) &&
        !(!strcasecmp(mb->str, "INBOX") && !strcasecmp(st->mailbox, "INBOX")))
        return 0;
    if (args->count < 1 || (args->count - 1) % 2) {
        st->bad = 1;
        return 1;
    }
    st->entries.n = 0;
    for (size_t i = 1; i + 1 < args->count; i += 2) {
        imapclient_acl_entry e = {.who = text_copy(st->a, &args->items[i], &st->nomem),
                                  .rights =
                                      text_copy(st->a, &args->items[i + 1], &st->nomem)};
        if (!e.who || !e.rights) {
            st->bad |= !st->nomem;
            continue;
        }
        if (vec_push(&st->entries, &e))
            st->nomem = 1;
    }
    return 1;
}

int imapclient_getacl(imapclient *c, const char *folder, imapclient_acl **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "getacl: out is NULL");
    const char *name;
    if ((rc = imc_require_auth(c, "getacl")) ||
        (rc = imc_require_cap(c, "ACL", "getacl")) ||
        (rc = imc_folder_encode(c, "getacl", folder, &name)))
        return rc;
    imapclient_acl *res = imc_result_new(sizeof *res);
    if (!res)
        return oom(c);
    acl_state st = {.a = imc_result_arena(res),
                    .mailbox = name,
                    .entries = {.size = sizeof(imapclient_acl_entry)}};
    imc_begin(c, "GETACL");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    imc_request rq = {.on_untagged = on_acl, .ud = &st};
    rc = imc_run(c, &rq);
    if (!rc && st.nomem)
        rc = oom(c);
    if (!rc && st.bad)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL, "GETACL: malformed ACL response");
    if (!rc) {
        res->items = vec_to_arena(&st.entries, st.a);
        res->count = st.entries.n;
        if (!res->items)
            rc = oom(c);
    }
    free(st.entries.items);
    if (rc) {
        imc_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

static int acl_change(imapclient *c, const char *call, const char *verb,
                      const char *folder, const char *who, const char *what,
                      const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!who || (!what && !strcmp(verb, "SETACL")))
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: NULL identifier or rights", call);
    const char *name;
    if ((rc = imc_require_auth(c, call)) || (rc = imc_require_cap(c, "ACL", call)) ||
        (rc = imc_folder_encode(c, call, folder, &name)))
        return rc;
    imc_begin(c, verb);
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, who, strlen(who));
    if (what) {
        imc_put_sp(&c->cmd);
        imc_put_astring(&c->cmd, what, strlen(what));
    }
    imc_request rq = {0};
    if ((rc = imc_run(c, &rq)))
        return rc;
    if (text)
        *text = rq.done->text;
    return 0;
}

int imapclient_setacl(imapclient *c, const char *folder, const char *who,
                      const char *what, const char **text)
{
    /* Empty rights mean "remove" (the reference's documented behaviour).
     * SETACL "" would leave an entry with no rights behind on some servers
     * (Dovecot lists it as `who ""`), so DELETEACL is sent instead. */
    if (what && !*what)
        return acl_change(c, "setacl", "DELETEACL", folder, who, NULL, text);
    return acl_change(c, "setacl", "SETACL", folder, who, what, text);
}

int imapclient_deleteacl(imapclient *c, const char *folder, const char *who,
                         const char **text)
{
    return acl_change(c, "deleteacl", "DELETEACL", folder, who, NULL, text);
}

void imapclient_acl_free(imapclient_acl *a)
{
    imc_result_free(a);
}
