/*
 * AUTHENTICATE: drives a SASL mechanism of sasl.c over the wire.
 * RFC 3501 section 6.2.2 (AUTHENTICATE, "*" cancels), RFC 4959 (SASL-IR),
 * RFC 4422 section 5 (exchange), RFC 4648 (base64).
 */
#include "internal.h"
#include "sasl.h"

#include <openssl/crypto.h>

#include <stdlib.h>
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

/* AUTHENTICATE as one command object, for both fronts. */
typedef struct auth_op {
    imc_request rq; /* first */
    imc_sasl s;
    auth_run a;
    const char **text; /* blocking: where the completion text goes */
} auth_op;

static void auth_op_clear(auth_op *op)
{
    imc_buf_free_wipe(&op->a.in);
    imc_buf_free_wipe(&op->a.out);
    imc_sasl_cleanup(&op->s);
}

static void auth_done(imapclient *c, imc_request *rq)
{
    auth_op *op = (auth_op *)rq;
    imc_sasl *s = &op->s;
    auth_run *a = &op->a;
    int rc = rq->rc;
    if (rc == IMAPCLIENT_ERROR) {
        const char *said = rq->done ? rq->done->text : "";
        if (a->cancelled && a->cancel_code) {
            rq->rc =
                imc_fail(c,
                         a->cancel_code == IMAPCLIENT_EPROTOCOL ? IMAPCLIENT_EPROTOCOL
                                                                : IMAPCLIENT_ELOGIN,
                         "AUTHENTICATE %s: %s (exchange cancelled; server: %s %s)",
                         s->mech, a->cancel_msg, rq->result ? rq->result : "", said);
            return;
        }
        if (s->server_error[0]) {
            size_t k = strlen(c->errmsg);
            snprintf(c->errmsg + k, sizeof c->errmsg - k, " (server error: %s)",
                     s->server_error);
        }
        rq->rc = imc_recode(c, IMAPCLIENT_ELOGIN);
        return;
    }
    /* An OK after a malformed response still logged us in: follow the
     * server, then report the malformed response (deferred). */
    if (rc && !imc_done_ok(rq))
        return;
    int deferred = rc;
    char deferred_msg[sizeof c->errmsg];
    memcpy(deferred_msg, c->errmsg, sizeof deferred_msg);
    if (a->cancelled) {
        /* The server took a cancelled exchange as a success: do not use a
         * session we did not mean to open. */
        rq->rc = imc_abort(
            c, IMAPCLIENT_ELOGIN,
            "AUTHENTICATE %s: %s; the server accepted anyway, connection closed", s->mech,
            a->cancel_msg);
        return;
    }
    if (s->finish && (rc = s->finish(s))) {
        rq->rc =
            imc_abort(c, rc, "AUTHENTICATE %s: %s; connection closed", s->mech, s->err);
        return;
    }
    imc_after_auth(c, rq);
    if (op->text)
        *op->text = rq->done->text;
    rq->rc = deferred;
    if (deferred)
        memcpy(c->errmsg, deferred_msg, sizeof deferred_msg);
}

static int auth_check(imapclient *c, imc_request *rq)
{
    auth_op *op = (auth_op *)rq;
    if (c->state != IMAPCLIENT_STATE_NOT_AUTHENTICATED)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "AUTHENTICATE %s: already authenticated", op->s.mech);
    return 0;
}

/* Build AUTHENTICATE for op->s into c->cmd: with SASL-IR when the server
 * offers it (known capabilities only: without them, the mechanism answers
 * the first challenge instead). 0 or a status. */
static int auth_build(imapclient *c, auth_op *op)
{
    imc_sasl *s = &op->s;
    op->a.s = s;
    imc_buf_init(&op->a.in, 0);
    imc_buf_init(&op->a.out, 0);
    op->rq.on_continue = on_challenge;
    op->rq.ud = &op->a;
    op->rq.on_done = auth_done;
    imc_begin(c, "AUTHENTICATE");
    imc_put_sp(&c->cmd);
    imc_put_verbatim(&c->cmd, s->mech, strlen(s->mech));
    if (s->client_first && imc_has_ext(c, "SASL-IR")) {
        int rc = s->step(s, (const unsigned char *)"", 0, &op->a.out);
        s->nstep++;
        if (rc) {
            imc_cmdbuf_reset(&c->cmd);
            return imc_fail(c, rc, "AUTHENTICATE %s: %s", s->mech, s->err);
        }
        imc_put_sp(&c->cmd);
        if (put_b64(c, &op->a.out, 1)) {
            imc_cmdbuf_reset(&c->cmd);
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        }
        wipe(&op->a.out);
    }
    return 0;
}

/* Run AUTHENTICATE with the mechanism in op->s (which it cleans up). */
static int authenticate(imapclient *c, auth_op *op, const char **text)
{
    int rc = auth_check(c, &op->rq);
    if (!rc)
        rc = imc_caps_ensure(c);
    if (!rc && !(rc = auth_build(c, op))) {
        op->text = text;
        rc = imc_run(c, &op->rq);
    }
    auth_op_clear(op);
    return rc;
}

static void auth_op_free(imc_request *rq)
{
    auth_op_clear((auth_op *)rq);
    free(rq);
}

/* The same without waiting: op is heap memory the completion frees. */
static int authenticate_async(imapclient *c, auth_op *op, imapclient_done_cb cb,
                              void *user, uint64_t *id)
{
    int rc = auth_build(c, op);
    if (rc) {
        auth_op_free(&op->rq);
        return rc;
    }
    op->rq.check = auth_check;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_LOGIN, NULL, auth_op_free, cb, user,
                            id);
}

/* A failed setup of the mechanism. */
static int setup_failed(imapclient *c, const char *call, imc_sasl *s, int rc)
{
    imc_sasl_cleanup(s);
    return imc_fail(c, rc, "%s: %s", call, s->err);
}

/* Each login form: the argument checks and the mechanism's setup, shared
 * by the blocking call and the one that does not wait. */
static int plain_setup(imapclient *c, imc_sasl *s, const char *identity,
                       const char *password, const char *authorization_identity)
{
    if (!identity || !password)
        return imc_fail(c, IMAPCLIENT_EINVAL, "plain_login: NULL identity or password");
    int rc = imc_sasl_plain(s, authorization_identity, identity, password);
    return rc ? setup_failed(c, "plain_login", s, rc) : 0;
}

static int sasl_setup(imapclient *c, imc_sasl *s, const char *mech_name,
                      imapclient_sasl_fn fn, void *payload)
{
    int rc = imc_sasl_callback(s, mech_name, fn, payload);
    return rc ? setup_failed(c, "sasl_login", s, rc) : 0;
}

static int oauth2_setup(imapclient *c, imc_sasl *s, const char *user,
                        const char *access_token, const char *mech, const char *vendor)
{
    if (!user || !access_token)
        return imc_fail(c, IMAPCLIENT_EINVAL, "oauth2_login: NULL user or access token");
    int rc = imc_sasl_xoauth2(s, mech, user, access_token, vendor);
    return rc ? setup_failed(c, "oauth2_login", s, rc) : 0;
}

static int oauthbearer_setup(imapclient *c, imc_sasl *s, const char *identity,
                             const char *access_token)
{
    if (!access_token)
        return imc_fail(c, IMAPCLIENT_EINVAL, "oauthbearer_login: NULL access token");
    int rc = imc_sasl_oauthbearer(s, identity, access_token);
    return rc ? setup_failed(c, "oauthbearer_login", s, rc) : 0;
}

static int scram_setup(imapclient *c, imc_sasl *s, const char *mech, const char *username,
                       const char *password, const char *nonce)
{
    if (!username || !password)
        return imc_fail(c, IMAPCLIENT_EINVAL, "scram_login: NULL username or password");
    int rc = imc_sasl_scram(s, mech, username, password, nonce);
    return rc ? setup_failed(c, "scram_login", s, rc) : 0;
}

static int cram_md5_setup(imapclient *c, imc_sasl *s, const char *username,
                          const char *password)
{
    if (!username || !password)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "cram_md5_login: NULL username or password");
    int rc = imc_sasl_cram_md5(s, username, password);
    return rc ? setup_failed(c, "cram_md5_login", s, rc) : 0;
}

int imapclient_plain_login(imapclient *c, const char *identity, const char *password,
                           const char *authorization_identity, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    auth_op op = {0};
    if ((rc = plain_setup(c, &op.s, identity, password, authorization_identity)))
        return rc;
    return authenticate(c, &op, text);
}

int imapclient_sasl_login(imapclient *c, const char *mech_name, imapclient_sasl_fn fn,
                          void *payload, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    auth_op op = {0};
    if ((rc = sasl_setup(c, &op.s, mech_name, fn, payload)))
        return rc;
    return authenticate(c, &op, text);
}

int imapclient_oauth2_login(imapclient *c, const char *user, const char *access_token,
                            const char *mech, const char *vendor, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    auth_op op = {0};
    if ((rc = oauth2_setup(c, &op.s, user, access_token, mech, vendor)))
        return rc;
    return authenticate(c, &op, text);
}

int imapclient_oauthbearer_login(imapclient *c, const char *identity,
                                 const char *access_token, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    auth_op op = {0};
    if ((rc = oauthbearer_setup(c, &op.s, identity, access_token)))
        return rc;
    return authenticate(c, &op, text);
}

int imc_scram_login_with_nonce(imapclient *c, const char *mech, const char *username,
                               const char *password, const char *nonce, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    auth_op op = {0};
    if ((rc = scram_setup(c, &op.s, mech, username, password, nonce)))
        return rc;
    return authenticate(c, &op, text);
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
    auth_op op = {0};
    if ((rc = cram_md5_setup(c, &op.s, username, password)))
        return rc;
    return authenticate(c, &op, text);
}

/* ---- without waiting ---------------------------------------------------------- */

/* A heap op for a start call, or NULL with ENOMEM set. */
static auth_op *op_new(imapclient *c)
{
    auth_op *op = calloc(1, sizeof *op);
    if (!op)
        imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    return op;
}

#define START_LOGIN(setup_call)                                                          \
    int rc = imc_async_begin(c);                                                         \
    if (rc)                                                                              \
        return rc;                                                                       \
    auth_op *op = op_new(c);                                                             \
    if (!op)                                                                             \
        return IMAPCLIENT_ENOMEM;                                                        \
    if ((rc = setup_call)) {                                                             \
        free(op);                                                                        \
        return rc;                                                                       \
    }                                                                                    \
    return authenticate_async(c, op, cb, user, id)

int imapclient_start_plain_login(imapclient *c, const char *identity,
                                 const char *password, const char *authorization_identity,
                                 imapclient_done_cb cb, void *user, uint64_t *id)
{
    START_LOGIN(plain_setup(c, &op->s, identity, password, authorization_identity));
}

int imapclient_start_sasl_login(imapclient *c, const char *mech_name,
                                imapclient_sasl_fn fn, void *payload,
                                imapclient_done_cb cb, void *user, uint64_t *id)
{
    START_LOGIN(sasl_setup(c, &op->s, mech_name, fn, payload));
}

int imapclient_start_oauth2_login(imapclient *c, const char *user_name,
                                  const char *access_token, const char *mech,
                                  const char *vendor, imapclient_done_cb cb, void *user,
                                  uint64_t *id)
{
    START_LOGIN(oauth2_setup(c, &op->s, user_name, access_token, mech, vendor));
}

int imapclient_start_oauthbearer_login(imapclient *c, const char *identity,
                                       const char *access_token, imapclient_done_cb cb,
                                       void *user, uint64_t *id)
{
    START_LOGIN(oauthbearer_setup(c, &op->s, identity, access_token));
}

int imapclient_start_scram_login(imapclient *c, const char *mech, const char *username,
                                 const char *password, imapclient_done_cb cb, void *user,
                                 uint64_t *id)
{
    START_LOGIN(scram_setup(c, &op->s, mech, username, password, NULL));
}

int imapclient_start_cram_md5_login(imapclient *c, const char *username,
                                    const char *password, imapclient_done_cb cb,
                                    void *user, uint64_t *id)
{
    START_LOGIN(cram_md5_setup(c, &op->s, username, password));
}
