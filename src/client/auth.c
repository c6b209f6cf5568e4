/*
 * AUTHENTICATE: drives a SASL mechanism of sasl.c over the wire.
 * RFC 3501 section 6.2.2 (AUTHENTICATE, "*" cancels), RFC 4959 (SASL-IR),
 * RFC 4422 section 5 (exchange), RFC 4648 (base64).
 */
#include "internal.h"
#include "sasl.h"

#include <openssl/crypto.h>

#include <stdio.h>
#include <string.h>

typedef struct auth_run {
    imc_sasl *s;
    int cancelled;   /* "*" was sent */
    int cancel_code; /* why: ELOGIN, EPROTOCOL, ENOMEM */
    char cancel_msg[256];
    imc_buf in, out; /* decoded challenge, raw response (wiped) */
} auth_run;

static void wipe(imc_buf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->cap);
    imc_buf_clear(b);
}

/* Put the base64 of raw into c->cmd, hidden in the log; "=" stands for an
 * empty initial response (RFC 4959 section 3). */
static int put_b64(imapclient *c, const imc_buf *raw, int initial)
{
    imc_buf b64;
    imc_buf_init(&b64, 0);
    if (imc_b64_encode(&b64, raw->data ? raw->data : "", raw->len) < 0) {
        imc_buf_free_wipe(&b64);
        return IMAPCLIENT_ENOMEM;
    }
    imc_put_secret_begin(&c->cmd);
    if (b64.len)
        imc_put_rawn(&c->cmd, b64.data, b64.len);
    else if (initial)
        imc_put_raw(&c->cmd, "=");
    imc_put_secret_end(&c->cmd);
    imc_buf_free_wipe(&b64);
    return 0;
}

static void cancel(imapclient *c, auth_run *a, int code, const char *msg)
{
    a->cancelled = 1;
    if (!a->cancel_code) {
        a->cancel_code = code;
        snprintf(a->cancel_msg, sizeof a->cancel_msg, "%s", msg);
    }
    imc_put_raw(&c->cmd, "*");
    imc_put_crlf(&c->cmd);
}

/* One server challenge ("+ <base64>"): decode, run the step, answer. */
static int on_challenge(imapclient *c, const imapclient_response *r, void *ud)
{
    auth_run *a = ud;
    if (a->cancelled) {
        /* The server should have answered "*" with BAD; say it again. */
        cancel(c, a, 0, "");
        return 0;
    }
    size_t n = strlen(r->text);
    while (n && (r->text[n - 1] == ' ' || r->text[n - 1] == '\t'))
        n--;
    wipe(&a->in);
    wipe(&a->out);
    if (imc_b64_decode(&a->in, r->text, n) < 0) {
        cancel(c, a, IMAPCLIENT_EPROTOCOL, "server challenge is not base64");
        return 0;
    }
    int rc = a->s->step(a->s, (const unsigned char *)(a->in.data ? a->in.data : ""),
                        a->in.len, &a->out);
    a->s->nstep++;
    if (rc) {
        cancel(c, a, rc, a->s->err);
        return 0;
    }
    if (put_b64(c, &a->out, 0)) {
        cancel(c, a, IMAPCLIENT_ENOMEM, "out of memory");
        return 0;
    }
    wipe(&a->out);
    imc_put_crlf(&c->cmd);
    return 0;
}

/* Run AUTHENTICATE with mechanism s; call names the public function. */
static int authenticate(imapclient *c, imc_sasl *s, const char **text)
{
    if (c->state != IMAPCLIENT_STATE_NOT_AUTHENTICATED)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "AUTHENTICATE %s: already authenticated", s->mech);
    int rc = imc_caps_ensure(c);
    if (rc)
        return rc;
    auth_run a = {.s = s};
    imc_buf_init(&a.in, 0);
    imc_buf_init(&a.out, 0);

    imc_begin(c, "AUTHENTICATE");
    imc_put_sp(&c->cmd);
    imc_put_verbatim(&c->cmd, s->mech, strlen(s->mech));
    if (s->client_first && imc_has_cap(c, "SASL-IR")) {
        rc = s->step(s, (const unsigned char *)"", 0, &a.out);
        s->nstep++;
        if (rc) {
            rc = imc_fail(c, rc, "AUTHENTICATE %s: %s", s->mech, s->err);
            goto out;
        }
        imc_put_sp(&c->cmd);
        if (put_b64(c, &a.out, 1)) {
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            goto out;
        }
        wipe(&a.out);
    }
    imc_request rq = {.on_continue = on_challenge, .ud = &a};
    rc = imc_run(c, &rq);
    imc_cmdbuf_reset(&c->cmd); /* wipes the last response sent */
    if (rc == IMAPCLIENT_ERROR) {
        const char *said = rq.done ? rq.done->text : "";
        if (a.cancelled && a.cancel_code) {
            rc = imc_fail(c,
                          a.cancel_code == IMAPCLIENT_EPROTOCOL ? IMAPCLIENT_EPROTOCOL
                                                                : IMAPCLIENT_ELOGIN,
                          "AUTHENTICATE %s: %s (exchange cancelled; server: %s %s)",
                          s->mech, a.cancel_msg, rq.result ? rq.result : "", said);
            goto out;
        }
        if (s->server_error[0]) {
            size_t k = strlen(c->errmsg);
            snprintf(c->errmsg + k, sizeof c->errmsg - k, " (server error: %s)",
                     s->server_error);
        }
        rc = imc_recode(c, IMAPCLIENT_ELOGIN);
        goto out;
    }
    /* An OK after a malformed response still logged us in: follow the
     * server, then report the malformed response (deferred). */
    if (rc && !imc_done_ok(&rq))
        goto out;
    int deferred = rc;
    char deferred_msg[sizeof c->errmsg];
    memcpy(deferred_msg, c->errmsg, sizeof deferred_msg);
    if (a.cancelled) {
        /* The server took a cancelled exchange as a success: do not use a
         * session we did not mean to open. */
        rc = imc_abort(
            c, IMAPCLIENT_ELOGIN,
            "AUTHENTICATE %s: %s; the server accepted anyway, connection closed", s->mech,
            a.cancel_msg);
        goto out;
    }
    if (s->finish && (rc = s->finish(s))) {
        rc = imc_abort(c, rc, "AUTHENTICATE %s: %s; connection closed", s->mech, s->err);
        goto out;
    }
    imc_after_auth(c, &rq);
    if (text)
        *text = rq.done->text;
    rc = deferred;
    if (rc)
        memcpy(c->errmsg, deferred_msg, sizeof deferred_msg);
out:
    imc_cmdbuf_reset(&c->cmd);
    imc_buf_free_wipe(&a.in);
    imc_buf_free_wipe(&a.out);
    imc_sasl_cleanup(s);
    return rc;
}

/* Common prologue: call_begin, then a failed setup of the mechanism. */
static int setup_failed(imapclient *c, const char *call, imc_sasl *s, int rc)
{
    imc_sasl_cleanup(s);
    return imc_fail(c, rc, "%s: %s", call, s->err);
}

int imapclient_plain_login(imapclient *c, const char *identity, const char *password,
                           const char *authorization_identity, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!identity || !password)
        return imc_fail(c, IMAPCLIENT_EINVAL, "plain_login: NULL identity or password");
    imc_sasl s;
    if ((rc = imc_sasl_plain(&s, authorization_identity, identity, password)))
        return setup_failed(c, "plain_login", &s, rc);
    return authenticate(c, &s, text);
}

int imapclient_sasl_login(imapclient *c, const char *mech_name, imapclient_sasl_fn fn,
                          void *payload, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    imc_sasl s;
    if ((rc = imc_sasl_callback(&s, mech_name, fn, payload)))
        return setup_failed(c, "sasl_login", &s, rc);
    return authenticate(c, &s, text);
}

int imapclient_oauth2_login(imapclient *c, const char *user, const char *access_token,
                            const char *mech, const char *vendor, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!user || !access_token)
        return imc_fail(c, IMAPCLIENT_EINVAL, "oauth2_login: NULL user or access token");
    imc_sasl s;
    if ((rc = imc_sasl_xoauth2(&s, mech, user, access_token, vendor)))
        return setup_failed(c, "oauth2_login", &s, rc);
    return authenticate(c, &s, text);
}

int imapclient_oauthbearer_login(imapclient *c, const char *identity,
                                 const char *access_token, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!access_token)
        return imc_fail(c, IMAPCLIENT_EINVAL, "oauthbearer_login: NULL access token");
    imc_sasl s;
    if ((rc = imc_sasl_oauthbearer(&s, identity, access_token)))
        return setup_failed(c, "oauthbearer_login", &s, rc);
    return authenticate(c, &s, text);
}

int imc_scram_login_with_nonce(imapclient *c, const char *mech, const char *username,
                               const char *password, const char *nonce, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!username || !password)
        return imc_fail(c, IMAPCLIENT_EINVAL, "scram_login: NULL username or password");
    imc_sasl s;
    if ((rc = imc_sasl_scram(&s, mech, username, password, nonce)))
        return setup_failed(c, "scram_login", &s, rc);
    return authenticate(c, &s, text);
}

int imapclient_scram_login(imapclient *c, const char *mech, const char *username,
                           const char *password, const char **text)
{
    return imc_scram_login_with_nonce(c, mech, username, password, NULL, text);
}

int imapclient_cram_md5_login(imapclient *c, const char *username, const char *password,
                              const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!username || !password)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "cram_md5_login: NULL username or password");
    imc_sasl s;
    if ((rc = imc_sasl_cram_md5(&s, username, password)))
        return setup_failed(c, "cram_md5_login", &s, rc);
    return authenticate(c, &s, text);
}
