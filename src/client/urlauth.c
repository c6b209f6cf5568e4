/*
 * URLAUTH (RFC 4467): RESETKEY, GENURLAUTH and URLFETCH, for URLs that let
 * a trusted third party (a submission server, RFC 4468 BURL) fetch a part
 * of a message without the user's password. Sections 6.1-6.3 (commands),
 * 7 (responses), 9 (formal syntax).
 */
#include "folders_priv.h"

#include <stdlib.h>
#include <string.h>

/* The longest URL sent: a bound on what one argument adds to a command. */
#define URL_MAX 8192

static int oom(imapclient *c)
{
    return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
}

/* URLs go as strings: none empty, none with control bytes, not too long. */
static int urls_ok(imapclient *c, const char *call, const char *const *urls)
{
    if (!urls || !urls[0])
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: no URL given", call);
    for (size_t i = 0; urls[i]; i++) {
        size_t n = strlen(urls[i]);
        int bad = !n || n > URL_MAX || !imc_utf8_valid(urls[i], n);
        for (size_t k = 0; !bad && k < n; k++)
            bad = (unsigned char)urls[i][k] < 0x20 || urls[i][k] == 0x7f;
        if (bad)
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "%s: URL %zu is empty, too long, not UTF-8 or holds control "
                            "bytes",
                            call, i + 1);
    }
    return 0;
}

/* mechanism = "INTERNAL" / 1*(ALPHA / DIGIT / "-" / ".") (RFC 4467 9) */
static int mech_ok(const char *m)
{
    if (!m || !*m || strlen(m) > 64)
        return 0;
    for (; *m; m++)
        if (!((*m >= 'a' && *m <= 'z') || (*m >= 'A' && *m <= 'Z') ||
              (*m >= '0' && *m <= '9') || *m == '-' || *m == '.'))
            return 0;
    return 1;
}

static int begin(imapclient *c, const char *call)
{
    int rc = imc_call_begin(c);
    if (rc || (rc = imc_require_auth(c, call)))
        return rc;
    return imc_require_cap(c, "URLAUTH", call);
}

int imapclient_resetkey(imapclient *c, const char *mailbox, const char *const *mechanisms)
{
    static const char call[] = "resetkey";
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (mechanisms && !mailbox)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: mechanisms need a mailbox", call);
    for (size_t i = 0; mechanisms && mechanisms[i]; i++)
        if (!mech_ok(mechanisms[i]))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: \"%.60s\" is not a mechanism",
                            call, mechanisms[i]);
    const char *name = NULL;
    if ((rc = begin(c, call)) ||
        (mailbox && (rc = imc_folder_encode(c, call, mailbox, &name))))
        return rc;
    /* resetkey = "RESETKEY" [SP mailbox *(SP mechanism)] */
    imc_begin(c, "RESETKEY");
    if (name) {
        imc_put_sp(&c->cmd);
        imc_put_astring(&c->cmd, name, strlen(name));
        for (size_t i = 0; mechanisms && mechanisms[i]; i++) {
            imc_put_sp(&c->cmd);
            imc_put_raw(&c->cmd, mechanisms[i]);
        }
    }
    imc_request rq = {0};
    return imc_run(c, &rq);
}

/* ---- GENURLAUTH ---------------------------------------------------------------- */

typedef struct gen_state {
    imc_arena *a;
    const char **v;
    size_t n, cap;
    int bad, nomem;
} gen_state;

static int push(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    void *p = realloc(*v, nc * size);
    if (!p)
        return -1;
    *v = p;
    *cap = nc;
    return 0;
}

/* genurlauth-data = "*" SP "GENURLAUTH" 1*(SP url-full) */
static int on_genurlauth(imapclient *c, const imapclient_response *r, void *ud)
{
    (void)c;
    gen_state *st = ud;
    if (r->has_number || strcmp(r->name, "GENURLAUTH") != 0)
        return 0;
    for (size_t i = 0; i < r->args->count; i++) {
        const imapclient_value *v = &r->args->items[i];
        if (!IMAPCLIENT_VALUE_IS_TEXT(v) || !v->str) {
            st->bad = 1;
            continue;
        }
        const char *s = imc_arena_strndup(st->a, v->str, v->len);
        if (!s || push((void **)&st->v, &st->cap, st->n, sizeof *st->v)) {
            st->nomem = 1;
            break;
        }
        st->v[st->n++] = s;
    }
    return 1;
}

int imapclient_genurlauth(imapclient *c, const char *const *urls, const char *mechanism,
                          imapclient_urlauth_urls **out)
{
    static const char call[] = "genurlauth";
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: out is NULL", call);
    if (!mechanism)
        mechanism = "INTERNAL";
    if ((rc = urls_ok(c, call, urls)))
        return rc;
    if (!mech_ok(mechanism))
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: \"%.60s\" is not a mechanism", call,
                        mechanism);
    if ((rc = begin(c, call)))
        return rc;
    imapclient_urlauth_urls *res = imc_result_new(sizeof *res);
    if (!res)
        return oom(c);
    gen_state st = {.a = imc_result_arena(res)};
    /* genurlauth = "GENURLAUTH" 1*(SP url-rump SP mechanism) */
    imc_begin(c, "GENURLAUTH");
    for (size_t i = 0; urls[i]; i++) {
        imc_put_sp(&c->cmd);
        imc_put_string(&c->cmd, urls[i], strlen(urls[i]));
        imc_put_sp(&c->cmd);
        imc_put_raw(&c->cmd, mechanism);
    }
    imc_request rq = {.on_untagged = on_genurlauth, .ud = &st};
    rc = imc_run(c, &rq);
    if (!rc && st.nomem)
        rc = oom(c);
    if (!rc && st.bad)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL,
                      "GENURLAUTH: malformed GENURLAUTH response");
    const char **v = NULL;
    if (!rc && !(v = imc_arena_calloc(st.a, st.n + 1, sizeof *v)))
        rc = oom(c);
    if (!rc) {
        if (st.n)
            memcpy(v, st.v, st.n * sizeof *v);
        res->urls = v;
        res->count = st.n;
    }
    free(st.v);
    if (rc) {
        imc_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

void imapclient_urlauth_urls_free(imapclient_urlauth_urls *r)
{
    imc_result_free(r);
}

/* ---- URLFETCH ------------------------------------------------------------------ */

typedef struct fetch_state {
    imc_arena *a;
    imapclient_urlfetch_item *v;
    size_t n, cap;
    int bad, nomem;
} fetch_state;

/* urlfetch-data = "*" SP "URLFETCH" 1*(SP url-full SP nstring) */
static int on_urlfetch(imapclient *c, const imapclient_response *r, void *ud)
{
    (void)c;
    fetch_state *st = ud;
    if (r->has_number || strcmp(r->name, "URLFETCH") != 0)
        return 0;
    const imapclient_value *a = r->args;
    if (!a->count || a->count % 2)
        st->bad = 1;
    for (size_t i = 0; i + 1 < a->count; i += 2) {
        const imapclient_value *u = &a->items[i], *d = &a->items[i + 1];
        if (!IMAPCLIENT_VALUE_IS_TEXT(u) || !u->str ||
            (d->type != IMAPCLIENT_VALUE_NIL &&
             (!IMAPCLIENT_VALUE_IS_TEXT(d) || !d->str))) {
            st->bad = 1;
            continue;
        }
        imapclient_urlfetch_item it = {.url = imc_arena_strndup(st->a, u->str, u->len)};
        if (d->type != IMAPCLIENT_VALUE_NIL) {
            it.data = imc_arena_strndup(st->a, d->str, d->len);
            it.len = d->len;
            if (!it.data)
                st->nomem = 1;
        }
        if (!it.url || st->nomem ||
            push((void **)&st->v, &st->cap, st->n, sizeof *st->v)) {
            st->nomem = 1;
            break;
        }
        st->v[st->n++] = it;
    }
    return 1;
}

int imapclient_urlfetch(imapclient *c, const char *const *urls,
                        imapclient_urlfetch_result **out)
{
    static const char call[] = "urlfetch";
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: out is NULL", call);
    if ((rc = urls_ok(c, call, urls)) || (rc = begin(c, call)))
        return rc;
    imapclient_urlfetch_result *res = imc_result_new(sizeof *res);
    if (!res)
        return oom(c);
    fetch_state st = {.a = imc_result_arena(res)};
    /* urlfetch = "URLFETCH" 1*(SP url-full) */
    imc_begin(c, "URLFETCH");
    for (size_t i = 0; urls[i]; i++) {
        imc_put_sp(&c->cmd);
        imc_put_string(&c->cmd, urls[i], strlen(urls[i]));
    }
    imc_request rq = {.on_untagged = on_urlfetch, .ud = &st};
    rc = imc_run(c, &rq);
    if (!rc && st.nomem)
        rc = oom(c);
    if (!rc && st.bad)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL, "URLFETCH: malformed URLFETCH response");
    imapclient_urlfetch_item *v = NULL;
    if (!rc && !(v = imc_arena_calloc(st.a, st.n ? st.n : 1, sizeof *v)))
        rc = oom(c);
    if (!rc) {
        if (st.n)
            memcpy(v, st.v, st.n * sizeof *v);
        res->items = v;
        res->count = st.n;
    }
    free(st.v);
    if (rc) {
        imc_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

const imapclient_urlfetch_item *
imapclient_urlfetch_result_get(const imapclient_urlfetch_result *r, const char *url)
{
    for (size_t i = 0; r && url && i < r->count; i++)
        if (!strcmp(r->items[i].url, url))
            return &r->items[i];
    return NULL;
}

void imapclient_urlfetch_result_free(imapclient_urlfetch_result *r)
{
    imc_result_free(r);
}
