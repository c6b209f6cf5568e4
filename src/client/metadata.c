/*
 * METADATA: GETMETADATA and SETMETADATA on server and mailbox entries.
 * RFC 5464 (sections 3.2 entry names, 4.2 GETMETADATA with MAXSIZE and
 * DEPTH, 4.3 SETMETADATA, 4.4 METADATA responses, 5 formal syntax).
 */
#include "folders_priv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* RFC 5464 section 3.2: entries are slash-separated paths such as
 * "/private/comment"; no "*" or "%", no control characters, no "//", not
 * ending with "/". */
static int entry_ok(const char *e)
{
    size_t n = e ? strlen(e) : 0;
    if (n < 2 || e[0] != '/' || e[n - 1] == '/' || strstr(e, "//"))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)e[i];
        if (ch < 0x20 || ch == 0x7f || ch == '*' || ch == '%')
            return 0;
    }
    return imc_utf8_valid(e, n);
}

static int oom(imapclient *c)
{
    return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
}

/* Capability of a call on mailbox ("" = the server's entries): METADATA
 * covers both, METADATA-SERVER only the server's (RFC 5464 section 1). */
static int require_metadata(imapclient *c, const char *call, const char *mailbox)
{
    int rc = imc_caps_ensure(c);
    if (rc)
        return rc;
    if (imc_has_cap(c, "METADATA") || (!*mailbox && imc_has_cap(c, "METADATA-SERVER")))
        return 0;
    if (imc_has_cap(c, "METADATA-SERVER"))
        return imc_fail(c, IMAPCLIENT_ECAPABILITY,
                        "%s: server offers METADATA-SERVER only (server entries, "
                        "mailbox \"\"), not METADATA",
                        call);
    return imc_fail(c, IMAPCLIENT_ECAPABILITY, "%s: server does not support METADATA",
                    call);
}

/* The mailbox of a METADATA response is the one asked for: the same
 * bytes, or INBOX in any case (RFC 3501 5.1). */
static int same_mailbox(const imapclient_value *v, const char *sent)
{
    size_t n = 0;
    const char *s = imc_mailbox_text(v, &n);
    if (!s)
        return 0;
    if (n == strlen(sent) && !memcmp(s, sent, n))
        return 1;
    return n == 5 && !strncasecmp(s, "INBOX", 5) && !strcasecmp(sent, "INBOX");
}

/* ---- GETMETADATA ---------------------------------------------------------- */

typedef struct get_state {
    imc_arena *a;
    const char *sent; /* the mailbox as sent */
    imapclient_metadata_entry *items;
    size_t n, cap;
    int bad, nomem;
} get_state;

static int push_entry(get_state *st, const imapclient_metadata_entry *e)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 8;
        imapclient_metadata_entry *p = realloc(st->items, cap * sizeof *p);
        if (!p)
            return -1;
        st->items = p;
        st->cap = cap;
    }
    st->items[st->n++] = *e;
    return 0;
}

/* metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list);
 * entry-values = "(" entry-value *(SP entry-value) ")" with entry-value =
 * entry SP value and value = nstring / literal8. An entry-list (names
 * only) is an unsolicited change notice: not ours, kept for the caller. */
static int on_metadata(imapclient *c, const imapclient_response *r, void *ud)
{
    get_state *st = ud;
    if (r->has_number || strcmp(r->name, "METADATA") != 0)
        return 0;
    const imapclient_value *args = r->args;
    if (args->count != 2 || args->items[1].type != IMAPCLIENT_VALUE_LIST ||
        !same_mailbox(&args->items[0], st->sent))
        return 0;
    const imapclient_value *list = &args->items[1];
    if (list->count % 2) {
        st->bad = 1;
        return 1;
    }
    for (size_t i = 0; i < list->count; i += 2) {
        const imapclient_value *k = &list->items[i], *v = &list->items[i + 1];
        if (!IMAPCLIENT_VALUE_IS_TEXT(k) || !k->str || v->type == IMAPCLIENT_VALUE_LIST) {
            st->bad = 1;
            continue;
        }
        imapclient_metadata_entry e = {.name = imc_arena_strndup(st->a, k->str, k->len)};
        if (v->type != IMAPCLIENT_VALUE_NIL) {
            e.value = imc_arena_strndup(st->a, v->str ? v->str : "", v->len);
            e.len = v->len;
            if (!e.value)
                st->nomem = 1;
        }
        if (!e.name || st->nomem || push_entry(st, &e)) {
            st->nomem = 1;
            break;
        }
    }
    return 1;
}

/* [METADATA LONGENTRIES n] in the completion (RFC 5464 section 4.2.1). */
static void read_longentries(const imc_request *rq, imapclient_metadata *res)
{
    const imapclient_response *d = rq->done;
    if (!d || !d->code || strcmp(d->code, "METADATA") != 0)
        return;
    const imapclient_value *a = d->code_args;
    for (size_t i = 0; i + 1 < a->count; i++)
        if (imapclient_value_is(&a->items[i], "LONGENTRIES") &&
            a->items[i + 1].type == IMAPCLIENT_VALUE_NUMBER) {
            res->has_longentries = 1;
            res->longentries = a->items[i + 1].number;
        }
}

/* The MAXSIZE to send: the caller's, lowered to max_literal when the caller
 * lowered that below the default, so that an honest server leaves a value
 * too big to be read out (and reports LONGENTRIES) instead of sending a
 * literal that would end the connection. 0: none. */
static uint64_t effective_maxsize(const imapclient *c, uint32_t maxsize)
{
    imapclient_options d;
    imapclient_options_init(&d);
    uint64_t m = maxsize;
    if (c->opts.max_literal < d.max_literal && (m == 0 || m > c->opts.max_literal))
        m = c->opts.max_literal;
    return m;
}

/* A GETMETADATA or SETMETADATA command, for both fronts. */
typedef struct meta_op {
    imc_request rq; /* first */
    const char *call;
    int server; /* mailbox "": server entries (METADATA-SERVER will do) */
    get_state st;
    imapclient_metadata *res; /* GETMETADATA, until rq.out takes it */
    char *sent;               /* the mailbox as sent (owned) */
} meta_op;

static int meta_check(imapclient *c, imc_request *rq)
{
    meta_op *op = (meta_op *)rq;
    int rc = imc_require_auth(c, op->call);
    return rc ? rc : require_metadata(c, op->call, op->server ? "" : "x");
}

static void get_done(imapclient *c, imc_request *rq)
{
    meta_op *op = (meta_op *)rq;
    get_state *st = &op->st;
    int rc = rq->rc;
    if (!rc && st->nomem)
        rc = oom(c);
    if (!rc && st->bad)
        rc =
            imc_fail(c, IMAPCLIENT_EPROTOCOL, "GETMETADATA: malformed METADATA response");
    if (!rc) {
        imapclient_metadata_entry *items =
            imc_arena_calloc(st->a, st->n ? st->n : 1, sizeof *items);
        size_t ignored;
        if (!items || imc_folder_decode(c, st->a, op->sent, strlen(op->sent),
                                        &op->res->mailbox, &ignored)) {
            rc = oom(c);
        } else {
            if (st->n)
                memcpy(items, st->items, st->n * sizeof *items);
            op->res->entries = items;
            op->res->count = st->n;
            read_longentries(rq, op->res);
        }
    }
    free(st->items);
    st->items = NULL;
    rq->rc = rc;
    if (!rc) {
        rq->out = op->res;
        op->res = NULL;
    }
}

static void meta_op_release(meta_op *op)
{
    imc_result_free(op->res);
    free(op->st.items);
    free(op->sent);
}

/* The arguments of GETMETADATA; 0 or EINVAL. */
static int get_args(imapclient *c, const char *const *entries, int depth)
{
    if (!entries || !entries[0])
        return imc_fail(c, IMAPCLIENT_EINVAL, "get_metadata: no entry given");
    for (size_t i = 0; entries[i]; i++)
        if (!entry_ok(entries[i]))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "get_metadata: entry %zu is not a valid entry name (RFC 5464 "
                            "3.2: \"/\"-separated, no \"*\", \"%%\" or \"//\")",
                            i + 1);
    if (depth != 0 && depth != 1 && depth != IMAPCLIENT_METADATA_DEPTH_INFINITY)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "get_metadata: depth must be 0, 1 or "
                        "IMAPCLIENT_METADATA_DEPTH_INFINITY");
    return 0;
}

/* The mailbox name as sent, owned by op. */
static int meta_name(imapclient *c, const char *call, const char *mailbox, meta_op *op,
                     const char **name)
{
    int rc = imc_folder_encode(c, call, mailbox, name);
    if (rc)
        return rc;
    if (!(op->sent = strdup(*name)))
        return oom(c);
    op->call = call;
    op->server = !*mailbox;
    return 0;
}

/* GETMETADATA into c->cmd and op; 0 or a status (nothing built). */
static int get_build(imapclient *c, const char *mailbox, const char *const *entries,
                     uint32_t maxsize, int depth, meta_op *op)
{
    const char *name;
    int rc = meta_name(c, "get_metadata", mailbox, op, &name);
    if (rc)
        return rc;
    if (!(op->res = imc_result_new(sizeof *op->res)))
        return oom(c);
    op->st = (get_state){.a = imc_result_arena(op->res), .sent = op->sent};
    op->rq.on_untagged = on_metadata;
    op->rq.ud = &op->st;
    op->rq.on_done = get_done;
    /* getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP
     * entries (RFC 5464 section 5; the options come first) */
    imc_begin(c, "GETMETADATA");
    uint64_t ms = effective_maxsize(c, maxsize);
    if (ms || depth) {
        imc_put_raw(&c->cmd, " (");
        if (ms) {
            imc_put_raw(&c->cmd, "MAXSIZE ");
            imc_put_number(&c->cmd, ms);
        }
        if (depth) {
            imc_put_raw(&c->cmd, ms ? " DEPTH " : "DEPTH ");
            imc_put_raw(&c->cmd, depth == 1 ? "1" : "infinity");
        }
        imc_put_raw(&c->cmd, ")");
    }
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    imc_put_sp(&c->cmd);
    int many = entries[1] != NULL;
    if (many)
        imc_put_raw(&c->cmd, "(");
    for (size_t i = 0; entries[i]; i++) {
        if (i)
            imc_put_sp(&c->cmd);
        imc_put_astring(&c->cmd, entries[i], strlen(entries[i]));
    }
    if (many)
        imc_put_raw(&c->cmd, ")");
    return 0;
}

int imapclient_get_metadata(imapclient *c, const char *mailbox,
                            const char *const *entries, uint32_t maxsize, int depth,
                            imapclient_metadata **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "get_metadata: out is NULL");
    if ((rc = get_args(c, entries, depth)))
        return rc;
    if (!mailbox)
        mailbox = "";
    meta_op op = {.call = "get_metadata", .server = !*mailbox};
    if ((rc = meta_check(c, &op.rq)) ||
        (rc = get_build(c, mailbox, entries, maxsize, depth, &op))) {
        meta_op_release(&op);
        return rc;
    }
    rc = imc_run(c, &op.rq);
    meta_op_release(&op);
    if (rc)
        return rc;
    *out = op.rq.out;
    return 0;
}

static void meta_op_free(imc_request *rq)
{
    meta_op_release((meta_op *)rq);
    free(rq);
}

static void metadata_free(void *p)
{
    imapclient_metadata_free(p);
}

int imapclient_start_get_metadata(imapclient *c, const char *mailbox,
                                  const char *const *entries, uint32_t maxsize, int depth,
                                  imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc || (rc = get_args(c, entries, depth)))
        return rc;
    meta_op *op = calloc(1, sizeof *op);
    if (!op)
        return oom(c);
    if ((rc = get_build(c, mailbox ? mailbox : "", entries, maxsize, depth, op))) {
        meta_op_free(&op->rq);
        return rc;
    }
    op->rq.check = meta_check;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_METADATA, metadata_free,
                            meta_op_free, cb, user, id);
}

const imapclient_metadata_entry *imapclient_metadata_get(const imapclient_metadata *m,
                                                         const char *name)
{
    if (!m || !name)
        return NULL;
    /* entry names are case-insensitive (RFC 5464 section 3.2) */
    for (size_t i = 0; i < m->count; i++)
        if (!strcasecmp(m->entries[i].name, name))
            return &m->entries[i];
    return NULL;
}

void imapclient_metadata_free(imapclient_metadata *m)
{
    imc_result_free(m);
}

/* ---- SETMETADATA ---------------------------------------------------------- */

static int set_args(imapclient *c, const imapclient_metadata_entry *entries, size_t n)
{
    if (!entries || n == 0)
        return imc_fail(c, IMAPCLIENT_EINVAL, "set_metadata: no entry given");
    for (size_t i = 0; i < n; i++) {
        if (!entry_ok(entries[i].name))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "set_metadata: entry %zu is not a valid entry name (RFC 5464 "
                            "3.2: \"/\"-separated, no \"*\", \"%%\" or \"//\")",
                            i + 1);
        if (!entries[i].value && entries[i].len)
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "set_metadata: entry %zu has a length but no value", i + 1);
    }
    return 0;
}

/* SETMETADATA into c->cmd and op; 0 or a status (nothing built). */
static int set_build(imapclient *c, const char *mailbox,
                     const imapclient_metadata_entry *entries, size_t n, meta_op *op)
{
    const char *name;
    int rc = meta_name(c, "set_metadata", mailbox, op, &name);
    if (rc)
        return rc;
    /* setmetadata = "SETMETADATA" SP mailbox SP "(" entry-value *(SP
     * entry-value) ")"; value = nstring / literal8: NIL removes the entry,
     * a value with NUL bytes needs a literal8 */
    imc_begin(c, "SETMETADATA");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    imc_put_raw(&c->cmd, " (");
    for (size_t i = 0; i < n; i++) {
        const imapclient_metadata_entry *e = &entries[i];
        if (i)
            imc_put_sp(&c->cmd);
        imc_put_astring(&c->cmd, e->name, strlen(e->name));
        imc_put_sp(&c->cmd);
        if (!e->value)
            imc_put_raw(&c->cmd, "NIL");
        else if (e->len && memchr(e->value, '\0', e->len))
            imc_put_literal(&c->cmd, e->value, e->len, 1);
        else
            imc_put_string(&c->cmd, e->value, e->len);
    }
    imc_put_raw(&c->cmd, ")");
    return 0;
}

int imapclient_set_metadata(imapclient *c, const char *mailbox,
                            const imapclient_metadata_entry *entries, size_t n,
                            const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = set_args(c, entries, n)))
        return rc;
    if (!mailbox)
        mailbox = "";
    meta_op op = {.call = "set_metadata", .server = !*mailbox};
    if ((rc = meta_check(c, &op.rq)) || (rc = set_build(c, mailbox, entries, n, &op))) {
        meta_op_release(&op);
        return rc;
    }
    rc = imc_run(c, &op.rq);
    meta_op_release(&op);
    if (rc)
        return rc;
    if (text)
        *text = op.rq.done->text;
    return 0;
}

int imapclient_start_set_metadata(imapclient *c, const char *mailbox,
                                  const imapclient_metadata_entry *entries, size_t n,
                                  imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc || (rc = set_args(c, entries, n)))
        return rc;
    meta_op *op = calloc(1, sizeof *op);
    if (!op)
        return oom(c);
    if ((rc = set_build(c, mailbox ? mailbox : "", entries, n, op))) {
        meta_op_free(&op->rq);
        return rc;
    }
    op->rq.check = meta_check;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_METADATA, NULL, meta_op_free, cb,
                            user, id);
}
