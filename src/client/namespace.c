/*
 * NAMESPACE (RFC 2342; RFC 9051 section 6.3.10).
 *
 * Namespace_Response = "*" SP "NAMESPACE" SP Namespace SP Namespace SP Namespace
 * Namespace = nil / "(" 1*( "(" string SP (DQUOTE QUOTED_CHAR DQUOTE / nil)
 *             *(Namespace_Response_Extension) ")" ) ")"
 */
#include "folders_priv.h"

#include <string.h>

typedef struct ns_state {
    imc_arena *a;
    const imapclient_value *args; /* copied into a */
} ns_state;

static int on_namespace(imapclient *c, const imapclient_response *r, void *ud)
{
    ns_state *st = ud;
    /* the first reply is the answer; a second is kept for the caller */
    if (r->has_number || strcmp(r->name, "NAMESPACE") != 0 || st->args)
        return 0;
    if (!(st->args = imc_value_copy(st->a, r->args)))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    return 1;
}

/* One of the three kinds: NIL, or a list of (prefix separator ext...). */
static int parse_kind(imapclient *c, imc_arena *a, const imapclient_value *v,
                      const imapclient_namespace_entry **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (v->type == IMAPCLIENT_VALUE_NIL)
        return 0;
    if (v->type != IMAPCLIENT_VALUE_LIST)
        return IMAPCLIENT_EPROTOCOL;
    imapclient_namespace_entry *e =
        imc_arena_calloc(a, v->count ? v->count : 1, sizeof *e);
    if (!e)
        return IMAPCLIENT_ENOMEM;
    for (size_t i = 0; i < v->count; i++) {
        const imapclient_value *d = &v->items[i];
        if (d->type != IMAPCLIENT_VALUE_LIST || d->count < 2)
            return IMAPCLIENT_EPROTOCOL;
        const imapclient_value *p = &d->items[0], *s = &d->items[1];
        size_t plen = 0, ignored;
        const char *prefix = imc_mailbox_text(p, &plen);
        if (!prefix || (s->type != IMAPCLIENT_VALUE_NIL &&
                        (!IMAPCLIENT_VALUE_IS_TEXT(s) || !s->str)))
            return IMAPCLIENT_EPROTOCOL;
        int rc = imc_folder_decode(c, a, prefix, plen, &e[i].prefix, &ignored);
        if (rc)
            return rc;
        if (s->type != IMAPCLIENT_VALUE_NIL &&
            !(e[i].separator = imc_arena_strndup(a, s->str, s->len)))
            return IMAPCLIENT_ENOMEM;
        /* the rest is Namespace_Response_Extension data; the parsed values
         * already live in a */
        imapclient_value *ext = imc_arena_alloc(a, sizeof *ext);
        if (!ext)
            return IMAPCLIENT_ENOMEM;
        ext->type = IMAPCLIENT_VALUE_LIST;
        ext->items = d->count > 2 ? d->items + 2 : NULL;
        ext->count = d->count - 2;
        e[i].extensions = ext;
    }
    *out = e;
    *count = v->count;
    return 0;
}

int imc_namespace_get(imapclient *c, imapclient_namespace_info **out)
{
    *out = NULL;
    int rc = imc_require_ext(c, "NAMESPACE", "namespace");
    if (rc)
        return rc;
    imapclient_namespace_info *ns = imc_result_new(sizeof *ns);
    if (!ns)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    ns_state st = {.a = imc_result_arena(ns)};
    imc_request rq = {.on_untagged = on_namespace, .ud = &st};
    rc = imc_simple(c, "NAMESPACE", &rq);
    if (!rc && !st.args)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL,
                      "NAMESPACE: the server sent no NAMESPACE reply");
    if (!rc && st.args->count < 3)
        rc = IMAPCLIENT_EPROTOCOL;
    if (!rc &&
        !(rc = parse_kind(c, st.a, &st.args->items[0], &ns->personal,
                          &ns->personal_count)) &&
        !(rc = parse_kind(c, st.a, &st.args->items[1], &ns->other, &ns->other_count)))
        rc = parse_kind(c, st.a, &st.args->items[2], &ns->shared, &ns->shared_count);
    if (rc == IMAPCLIENT_EPROTOCOL && !c->errcode)
        rc = imc_fail(c, rc, "NAMESPACE: malformed reply");
    else if (rc == IMAPCLIENT_ENOMEM && !c->errcode)
        rc = imc_fail(c, rc, "out of memory");
    if (rc) {
        imc_result_free(ns);
        return rc;
    }
    *out = ns;
    return 0;
}

int imapclient_namespace(imapclient *c, imapclient_namespace_info **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, "namespace")))
        return rc;
    if ((rc = imc_require_ext(c, "NAMESPACE", "namespace")))
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "namespace: out is NULL");
    return imc_namespace_get(c, out);
}

void imapclient_namespace_info_free(imapclient_namespace_info *ns)
{
    imc_result_free(ns);
}
