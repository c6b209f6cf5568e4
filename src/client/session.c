/*
 * Session calls: CAPABILITY, LOGIN, STARTTLS, NOOP, LOGOUT.
 * RFC 3501 sections 6.1 and 6.2; RFC 2595 section 3.1 (STARTTLS).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Close the connection, keeping the error message already set. */
static int abort_keeping_error(imapclient *c, int code)
{
    char msg[sizeof c->errmsg];
    memcpy(msg, c->errmsg, sizeof msg);
    return imc_abort(c, code, "%s", msg);
}

int imc_require_auth(imapclient *c, const char *call)
{
    if (c->state == IMAPCLIENT_STATE_AUTHENTICATED ||
        c->state == IMAPCLIENT_STATE_SELECTED)
        return 0;
    return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE, "%s: not logged in", call);
}

int imc_require_writable(imapclient *c, const char *call)
{
    int rc = imc_require_selected(c, call);
    if (rc)
        return rc;
    if (c->readonly)
        return imc_fail(c, IMAPCLIENT_EREADONLY, "%s: folder is selected read-only",
                        call);
    return 0;
}

int imc_require_selected(imapclient *c, const char *call)
{
    if (c->state == IMAPCLIENT_STATE_SELECTED)
        return 0;
    return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE, "%s: no folder is selected", call);
}

static int on_capability(imapclient *c, const imapclient_response *r, void *ud)
{
    /* generic processing already stored it */
    return !strcmp(r->name, "CAPABILITY");
}

int imc_caps_ensure(imapclient *c)
{
    if (c->caps_valid)
        return 0;
    if (c->in_check) /* a command started without waiting: asked first */
        return IMC_NEED_CAPS;
    imc_request rq = {.on_untagged = on_capability};
    imc_begin(c, "CAPABILITY");
    int rc = imc_run(c, &rq);
    if (rc)
        return rc;
    if (!c->caps_valid)
        return imc_fail(c, IMAPCLIENT_EPROTOCOL,
                        "CAPABILITY: no capability list in reply");
    return 0;
}

int imc_require_cap(imapclient *c, const char *cap, const char *call)
{
    int rc = imc_caps_ensure(c);
    if (rc)
        return rc;
    if (!imc_has_cap(c, cap))
        return imc_fail(c, IMAPCLIENT_ECAPABILITY, "%s: server does not support %s", call,
                        cap);
    return 0;
}

/* RFC 9051 appendix E: the extensions IMAP4rev2 took in. */
static const char *const rev2_included[] = {
    "NAMESPACE", "UNSELECT",    "UIDPLUS",       "ESEARCH",     "SEARCHRES", "ENABLE",
    "IDLE",      "SASL-IR",     "LIST-EXTENDED", "LIST-STATUS", "MOVE",      "LITERAL-",
    "BINARY",    "SPECIAL-USE", "STATUS=SIZE",   "CHILDREN",    NULL};

int imc_has_ext(const imapclient *c, const char *cap)
{
    if (imc_has_cap(c, cap))
        return 1;
    if (!imc_rev2(c))
        return 0;
    for (size_t i = 0; rev2_included[i]; i++)
        if (!strcasecmp(rev2_included[i], cap))
            return 1;
    return 0;
}

int imc_require_ext(imapclient *c, const char *cap, const char *call)
{
    int rc = imc_caps_ensure(c);
    if (rc)
        return rc;
    if (!imc_has_ext(c, cap))
        return imc_fail(c, IMAPCLIENT_ECAPABILITY, "%s: server does not support %s", call,
                        cap);
    return 0;
}

int imc_objectid_valid(const imapclient_value *v)
{
    if (!v ||
        (v->type != IMAPCLIENT_VALUE_ATOM && v->type != IMAPCLIENT_VALUE_STRING &&
         v->type != IMAPCLIENT_VALUE_NUMBER) ||
        !v->str || !v->len || v->len > 255)
        return 0;
    for (size_t i = 0; i < v->len; i++) {
        char ch = v->str[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
            return 0;
    }
    return 1;
}

int imapclient_capabilities(imapclient *c, const char *const **out, size_t *count)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "capabilities: out is NULL");
    if ((rc = imc_caps_ensure(c)))
        return rc;
    *out = (const char *const *)c->caps;
    if (count)
        *count = c->ncaps;
    return 0;
}

int imapclient_has_capability(imapclient *c, const char *capability)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!capability)
        return imc_fail(c, IMAPCLIENT_EINVAL, "has_capability: NULL capability");
    if ((rc = imc_caps_ensure(c)))
        return rc;
    return imc_has_cap(c, capability);
}

/* After authentication: use the capabilities of the completion when the
 * server sent them, else those of an untagged CAPABILITY response sent
 * during the exchange (stored by generic processing as it came: issue 14,
 * item 9), else forget the old ones so they are asked again (RFC 3501
 * 6.2: capabilities may change after login). */
void imc_after_auth(imapclient *c, const imc_request *rq)
{
    imc_set_state(c, IMAPCLIENT_STATE_AUTHENTICATED);
    const imapclient_response *d = rq->done;
    if (d && d->code && !strcmp(d->code, "CAPABILITY")) {
        /* (an unparseable list leaves only code_raw: ask again) */
        if (!d->code_args->count && d->code_raw && *d->code_raw)
            imc_caps_forget(c);
        else
            imc_caps_set_from_values(c, d->code_args, 0);
        return;
    }
    if (!(c->caps_valid && c->caps_gen != rq->caps_gen))
        imc_caps_forget(c);
}

static int login_check(imapclient *c, imc_request *rq)
{
    if (c->state != IMAPCLIENT_STATE_NOT_AUTHENTICATED)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE, "login: already authenticated");
    return 0;
}

/* The server's OK decides the state, even when rc reports a malformed
 * response that came before it. */
static void login_done(imapclient *c, imc_request *rq)
{
    if (rq->rc == IMAPCLIENT_ERROR) {
        rq->rc = imc_recode(c, IMAPCLIENT_ELOGIN);
        return;
    }
    if (imc_done_ok(rq))
        imc_after_auth(c, rq);
}

static int login_build(imapclient *c, const char *username, const char *password,
                       imc_request *rq)
{
    if (!username || !password)
        return imc_fail(c, IMAPCLIENT_EINVAL, "login: NULL username or password");
    rq->on_done = login_done;
    imc_begin(c, "LOGIN");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, username, strlen(username));
    imc_put_sp(&c->cmd);
    imc_put_secret_begin(&c->cmd);
    imc_put_astring(&c->cmd, password, strlen(password));
    imc_put_secret_end(&c->cmd);
    return 0;
}

int imapclient_login(imapclient *c, const char *username, const char *password,
                     const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    imc_request rq = {0};
    if (!username || !password)
        return imc_fail(c, IMAPCLIENT_EINVAL, "login: NULL username or password");
    if ((rc = login_check(c, &rq)) || (rc = login_build(c, username, password, &rq)))
        return rc;
    if ((rc = imc_run(c, &rq)))
        return rc;
    if (text)
        *text = rq.done->text;
    return 0;
}

static void free_request(imc_request *rq)
{
    free(rq);
}

/* A command without arguments started without waiting, with the handlers
 * of tmpl. */
static int start_simple(imapclient *c, const char *verb, const imc_request *tmpl,
                        imapclient_op op, void (*free_result)(void *),
                        imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    imc_request *rq = malloc(sizeof *rq);
    if (!rq)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    *rq = *tmpl;
    imc_begin(c, verb);
    return imc_async_submit(c, rq, op, free_result, free_request, cb, user, id);
}

int imapclient_start_login(imapclient *c, const char *username, const char *password,
                           imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    imc_request *rq = calloc(1, sizeof *rq);
    if (!rq)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = login_build(c, username, password, rq))) {
        free(rq);
        return rc;
    }
    rq->check = login_check;
    return imc_async_submit(c, rq, IMAPCLIENT_OP_LOGIN, NULL, free_request, cb, user, id);
}

/* What must hold before STARTTLS goes out. RFC 3501 6.2.1: STARTTLS is
 * only valid in the not-authenticated state. After a PREAUTH greeting on
 * a plain connection, going on would run the session as whoever the
 * unprotected greeting chose (issue 14, item 1). */
static int starttls_check(imapclient *c, imc_request *rq)
{
    int rc;
    if (c->state != IMAPCLIENT_STATE_NOT_AUTHENTICATED)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "starttls: only possible before authentication (RFC 3501 "
                        "6.2.1); the session is already authenticated%s",
                        c->t->is_tls ? ""
                                     : " without TLS (after a PREAUTH greeting on a "
                                       "plain connection this may be a STARTTLS "
                                       "downgrade attack)");
    if (c->t->is_tls)
        return imc_fail(c, IMAPCLIENT_EABORT, "starttls: TLS is already active");
    if (imc_is_scripted(c->t))
        return imc_fail(c, IMAPCLIENT_EABORT,
                        "starttls: not possible on a scripted server");
    if ((rc = imc_caps_ensure(c)))
        return rc;
    if (!imc_has_cap(c, "STARTTLS"))
        return imc_fail(c, IMAPCLIENT_EABORT,
                        "starttls: server does not offer STARTTLS (refusing to go on "
                        "without TLS)");
    return 0;
}

/* Started without waiting: after the OK the front runs the handshake
 * before anything else is read or sent, and only then completes. */
static void starttls_done_async(imapclient *c, imc_request *rq)
{
    if (rq->rc == 0)
        c->upgrade = IMC_UPGRADE_TLS;
    else if (imc_done_ok(rq))
        /* the server waits for a handshake that cannot follow in step */
        rq->rc = abort_keeping_error(c, rq->rc);
}

int imapclient_start_starttls(imapclient *c, imapclient_done_cb cb, void *user,
                              uint64_t *id)
{
    static const imc_request tmpl = {.check = starttls_check,
                                     .on_done = starttls_done_async};
    return start_simple(c, "STARTTLS", &tmpl, IMAPCLIENT_OP_STARTTLS, NULL, cb, user, id);
}

int imapclient_tls_resumed(const imapclient *c)
{
    return c && c->t ? c->t->tls_resumed : 0;
}

/* STARTTLS once starttls_check() passed: the command, the handshake, then
 * what was learnt before TLS is dropped. Shared by imapclient_starttls()
 * and connect with options.starttls (issue 14, item 1). */
static int starttls_upgrade(imapclient *c)
{
    int rc;
    imc_request rq = {0};
    if ((rc = imc_simple(c, "STARTTLS", &rq))) {
        /* After its OK the server waits for a handshake: without one the
         * connection cannot go on in step. */
        if (imc_done_ok(&rq))
            return abort_keeping_error(c, rc);
        return rc;
    }
    /* Bytes after the OK would have been injected before TLS (CVE-2011-0411
     * class); refuse them. */
    if (imc_reader_buffered(&c->rd))
        return imc_abort(c, IMAPCLIENT_EPROTOCOL,
                         "starttls: server sent data before the TLS handshake");
    char err[256] = "";
    imc_transport *t = c->t;
    c->t = NULL;
    c->rd.t = NULL;
    /* the handshake within the timeout and the call's deadline (item 4) */
    int capped,
        wait = imc_wait_budget(c,
                               c->opts.connect_timeout_ms ? c->opts.connect_timeout_ms
                                                          : c->opts.timeout_ms,
                               &capped);
    if (capped && !wait) {
        imc_transport_close(t);
        return imc_deadline_passed(c, "starttls", 0);
    }
    rc = imc_tls_wrap(t, c->host, &c->opts, &c->tls, wait, &t, err);
    if (rc == IMAPCLIENT_ETIMEOUT && capped)
        return imc_deadline_passed(c, "starttls: TLS handshake", 0);
    if (rc)
        return imc_abort(c, rc, "starttls: %s", err);
    c->t = t;
    c->rd.t = t;
    imc_forget_before_tls(c);
    imc_log_info(c, "TLS established");
    return 0;
}

int imapclient_starttls(imapclient *c)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = starttls_check(c, NULL)))
        return rc;
    return starttls_upgrade(c);
}

int imc_starttls_required(imapclient *c)
{
    if (c->state != IMAPCLIENT_STATE_NOT_AUTHENTICATED)
        return imc_abort(c, IMAPCLIENT_ETLS,
                         "PREAUTH greeting on a plaintext connection while STARTTLS was "
                         "required: refusing (STARTTLS downgrade)");
    return 0;
}

/* options.starttls (issue 14, item 1): right after the greeting, STARTTLS
 * or no connection at all. Any failure closes the connection. */
int imc_connect_starttls(imapclient *c)
{
    int rc = imc_starttls_required(c);
    if (rc)
        return rc;
    rc = starttls_check(c, NULL);
    if (rc == 0)
        rc = starttls_upgrade(c);
    if (rc && !c->dead)
        return abort_keeping_error(c, rc);
    return rc;
}

int imapclient_compress(imapclient *c)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (c->t->is_compressed)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE, "compress: already on");
    if ((rc = imc_require_cap(c, "COMPRESS=DEFLATE", "compress")))
        return rc;
    imc_request rq = {0};
    imc_begin(c, "COMPRESS DEFLATE");
    /* After its OK the server compresses: turn it on here too, then report
     * a malformed response that came before the OK (rc). */
    if ((rc = imc_run(c, &rq)) && !imc_done_ok(&rq))
        return rc;
    /* RFC 4978 section 3: compression starts right after the OK's CRLF;
     * anything already buffered would have been sent uncompressed. */
    if (imc_reader_buffered(&c->rd))
        return imc_abort(c, IMAPCLIENT_EPROTOCOL,
                         "compress: server sent data after OK before compressing");
    char err[256] = "";
    imc_transport *t = NULL;
    int wrc = imc_deflate_wrap(c->t, &t, err);
    if (wrc) /* the server compresses already: nothing can follow */
        return imc_abort(c, wrc, "compress: %s", err);
    c->t = t;
    c->rd.t = t;
    imc_log_info(c, "COMPRESS=DEFLATE on");
    return rc; /* errmsg still tells of the malformed response, if any */
}

int imapclient_is_compressed(const imapclient *c)
{
    return c && c->t ? c->t->is_compressed : 0;
}

/* NOOP's result: every untagged response kept so far, with the text. */
static void noop_done(imapclient *c, imc_request *rq)
{
    imapclient_responses *res = NULL;
    if (rq->rc == 0 && rq->ud &&
        (rq->rc = imc_take_pending(c, &res, rq->done->text)) == 0)
        rq->out = res;
}

int imapclient_noop(imapclient *c, imapclient_responses **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    imc_request rq = {.on_done = noop_done, .ud = out}; /* ud: is a result wanted */
    if ((rc = imc_simple(c, "NOOP", &rq)))
        return rc;
    if (out)
        *out = rq.out;
    return 0;
}

static void responses_free(void *r)
{
    imapclient_responses_free(r);
}

int imapclient_start_noop(imapclient *c, imapclient_done_cb cb, void *user, uint64_t *id)
{
    static const int wanted = 1;
    static const imc_request tmpl = {
        .on_done = noop_done, .ud = (void *)&wanted, .pipe = IMC_PIPE_FREE};
    return start_simple(c, "NOOP", &tmpl, IMAPCLIENT_OP_NOOP, responses_free, cb, user,
                        id);
}

int imapclient_take_responses(imapclient *c, imapclient_responses **out)
{
    if (!c || !out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    c->errcode = 0;
    c->errmsg[0] = '\0';
    return imc_take_pending(c, out, "");
}

static int on_logout(imapclient *c, const imapclient_response *r, void *ud)
{
    return !strcmp(r->name, "BYE");
}

/* LOGOUT: the server says BYE, completes, and closes; some servers close
 * right after BYE, which is a logout all the same. The handle is closed
 * afterwards either way. */
static void logout_done(imapclient *c, imc_request *rq)
{
    int rc = rq->rc;
    if (rc == IMAPCLIENT_EABORT && c->bye_text)
        rc = 0; /* some servers close right after BYE */
    if (rc && !imc_done_ok(rq)) {
        rq->rc = rc;
        return;
    }
    rq->out = (void *)(c->bye_text ? c->bye_text : (rq->done ? rq->done->text : ""));
    if (rc) { /* logged out, but a response on the way was malformed */
        rq->rc = abort_keeping_error(c, rc);
        return;
    }
    rq->rc = 0;
    imc_abort(c, 0, "%s", "");
    c->errmsg[0] = '\0';
}

int imapclient_logout(imapclient *c, const char **text)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    imc_request rq = {.on_untagged = on_logout, .on_done = logout_done};
    rc = imc_simple(c, "LOGOUT", &rq);
    if (text && rq.out)
        *text = rq.out;
    return rc;
}

static void logout_done_async(imapclient *c, imc_request *rq)
{
    logout_done(c, rq);
    rq->out = NULL; /* the text is the completion's */
}

int imapclient_start_logout(imapclient *c, imapclient_done_cb cb, void *user,
                            uint64_t *id)
{
    static const imc_request tmpl = {.on_untagged = on_logout,
                                     .on_done = logout_done_async};
    return start_simple(c, "LOGOUT", &tmpl, IMAPCLIENT_OP_LOGOUT, NULL, cb, user, id);
}

int imapclient_shutdown(imapclient *c)
{
    if (!c)
        return IMAPCLIENT_EINVAL;
    imc_abort(c, 0, "%s", "");
    c->errmsg[0] = '\0';
    return 0;
}
