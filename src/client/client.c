/*
 * The handle and connection set-up (transports, then the greeting through
 * the blocking front), getters and settings, and the helpers every call
 * begins with. The command engine itself is the core (src/core/).
 */
#include "internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void imapclient_free(imapclient *c)
{
    if (!c)
        return;
    /* Commands still queued or in flight complete with EABORT, so the
     * non-blocking API's callbacks can release what they hold. */
    imc_async_closing(c);
    if (c->q_head && !c->dead)
        imc_abort(c, IMAPCLIENT_EABORT, "handle freed with commands in flight");
    while (c->q_head)
        imc_abort(c, IMAPCLIENT_EABORT, "handle freed");
    imc_idle_forget(c);
    imc_async_free(c);
    imc_transport_close(c->t);
    c->t = NULL;
    imc_handle_destroy(c);
}

static int attach(imapclient *c, imc_transport *t)
{
    int rc = imc_front_attach(c, t);
    if (rc == 0)
        rc = imc_front_greeting(c);
    if (rc == 0 && c->opts.starttls) /* issue 14, item 1 */
        rc = imc_connect_starttls(c);
    return rc;
}

int imapclient_connect(const char *host, const imapclient_options *opts, imapclient **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!host || (opts && opts->version != IMAPCLIENT_OPTIONS_VERSION))
        return IMAPCLIENT_EINVAL;
    imapclient *c = imc_handle_new(host, opts);
    if (!c)
        return IMAPCLIENT_ENOMEM;
    *out = c;
    if (c->opts.starttls && c->opts.ssl && !c->opts.stream)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "starttls and ssl exclude each other: STARTTLS upgrades a "
                        "plain connection (set ssl to 0)");
    imc_front_start_deadline(c); /* connect is a call too */
    int capped = 0;
    char err[256] = "";
    imc_transport *t = NULL;
    int rc;
    if (c->opts.stream) {
        rc = imc_cmdstream_start(c->host, &t, err);
        if (rc == 0) {
            t->interrupt = c->opts.interrupt;
            t->interrupt_payload = c->opts.interrupt_payload;
        }
    } else {
        int port = c->opts.port ? c->opts.port : (c->opts.ssl ? 993 : 143);
        if (port <= 0 || port > 65535)
            return imc_fail(c, IMAPCLIENT_EINVAL, "port %d out of range", port);
        rc = imc_tcp_connect(c->host, port,
                             imc_wait_budget(c, c->opts.connect_timeout_ms, &capped), &t,
                             err);
        if (rc == 0) {
            /* layers stacked later (TLS, COMPRESS) copy the hook */
            t->interrupt = c->opts.interrupt;
            t->interrupt_payload = c->opts.interrupt_payload;
            char kerr[256];
            if (imc_tcp_keepalive(t, &c->opts, kerr))
                imc_log_info(c, kerr);
        }
        if (rc == 0 && c->opts.ssl) {
            int wait = imc_wait_budget(c, c->opts.connect_timeout_ms, &capped);
            if (capped && !wait) {
                imc_transport_close(t);
                rc = IMAPCLIENT_ETIMEOUT;
            } else {
                rc = imc_tls_wrap(t, c->host, &c->opts, &c->tls, wait, &t, err);
            }
        }
    }
    if (rc == IMAPCLIENT_ETIMEOUT && capped)
        return imc_fail(c, rc, "connect: the call's deadline of %d ms passed (%s)",
                        c->opts.deadline_ms, err);
    if (rc)
        return imc_fail(c, rc, "%s", err);
    if (c->opts.log && t->is_tls)
        imc_log_info(c, "TLS established");
    return attach(c, t);
}

int imapclient_connect_scripted(const char *script, const imapclient_options *opts,
                                imapclient **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!script || (opts && opts->version != IMAPCLIENT_OPTIONS_VERSION))
        return IMAPCLIENT_EINVAL;
    imapclient *c = imc_handle_new("scripted", opts);
    if (!c)
        return IMAPCLIENT_ENOMEM;
    *out = c;
    imc_front_start_deadline(c);
    char err[256] = "";
    imc_transport *t = NULL;
    int rc = imc_scripted_new(script, &t, err);
    if (rc)
        return imc_fail(c, rc, "%s", err);
    return attach(c, t);
}

int imapclient_script_done(const imapclient *c)
{
    return c && c->t ? imc_scripted_done(c->t) : 0;
}

const char *imapclient_script_sent(const imapclient *c)
{
    return c && c->t ? imc_scripted_sent(c->t) : NULL;
}

/* ---- getters and settings --------------------------------------------- */

const char *imapclient_welcome(const imapclient *c)
{
    return c && c->welcome ? c->welcome : "";
}

imapclient_state imapclient_get_state(const imapclient *c)
{
    return c ? c->state : IMAPCLIENT_STATE_LOGOUT;
}

int imapclient_socket(const imapclient *c)
{
    return c && c->t ? c->t->rfd : -1;
}

int imapclient_is_tls(const imapclient *c)
{
    return c && c->t ? c->t->is_tls : 0;
}

void imapclient_set_use_uid(imapclient *c, int on)
{
    if (c)
        c->opts.use_uid = !!on;
}
void imapclient_set_folder_encode(imapclient *c, int on)
{
    if (c)
        c->opts.folder_encode = !!on;
}
void imapclient_set_normalise_times(imapclient *c, int on)
{
    if (c)
        c->opts.normalise_times = !!on;
}
void imapclient_set_deadline(imapclient *c, int ms)
{
    if (c)
        c->opts.deadline_ms = ms > 0 ? ms : 0;
}
int imapclient_get_deadline(const imapclient *c)
{
    return c ? c->opts.deadline_ms : 0;
}
int imapclient_get_use_uid(const imapclient *c)
{
    return c ? c->opts.use_uid : 0;
}
int imapclient_get_folder_encode(const imapclient *c)
{
    return c ? c->opts.folder_encode : 0;
}
int imapclient_get_normalise_times(const imapclient *c)
{
    return c ? c->opts.normalise_times : 0;
}

/* ---- what every call begins with ---------------------------------------- */

void imc_call_reset(imapclient *c)
{
    c->errcode = 0;
    c->errmsg[0] = '\0';
    c->bye_text = NULL;
    c->nbad = 0;
    imc_front_start_deadline(c);
    imc_set_fail_code(c, NULL, NULL);
    imc_arena_reset(c->call_arena);
}

int imc_call_begin(imapclient *c)
{
    if (!c)
        return IMAPCLIENT_EINVAL;
    if (c->in_callback)
        /* the engine is in the middle of handling a response */
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "a blocking call from inside a completion or unsolicited "
                        "callback: start the command without waiting instead");
    imc_call_reset(c);
    if (c->dead)
        return imc_fail(c, IMAPCLIENT_EABORT, "connection is closed");
    if (imc_async_handshaking(c))
        /* a blocking call cannot wait behind a handshake it does not run */
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "the connect or STARTTLS started without waiting is still under "
                        "way: drive the handle until it completes");
    if (c->state == IMAPCLIENT_STATE_IDLE)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "in IDLE: call imapclient_idle_done() first");
    return 0;
}

int imc_done_ok(const imc_request *rq)
{
    return rq->result && !strcmp(rq->result, "OK");
}

int imc_simple(imapclient *c, const char *verb, imc_request *rq)
{
    imc_begin(c, verb);
    return imc_run(c, rq);
}

const char *imapclient_errmsg(const imapclient *c)
{
    return c ? c->errmsg : "no handle";
}

int imapclient_errcode(const imapclient *c)
{
    return c ? c->errcode : IMAPCLIENT_EINVAL;
}

const char *imapclient_error_code(const imapclient *c)
{
    return c ? c->fail_code : NULL;
}

const char *imapclient_error_code_arg(const imapclient *c)
{
    return c ? c->fail_code_arg : NULL;
}
