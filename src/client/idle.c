/*
 * IDLE: idle, idle_check, idle_done and renewal.
 * RFC 2177 (IDLE: "+" then untagged updates until DONE; re-issue at least
 * every 29 minutes), RFC 3501 section 7 (untagged responses).
 *
 * imc_run() cannot drive IDLE (the command only completes after DONE), so
 * the sending and reading are done here with the engine's pieces, and the
 * IDLE command's tag stays in c->tag: no other command can start while the
 * handle is in IDLE (imc_call_begin() refuses).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* imc_call_begin() for the calls made in IDLE. */
static int idle_call_begin(imapclient *c, const char *call)
{
    if (!c)
        return IMAPCLIENT_EINVAL;
    imc_call_reset(c);
    if (c->dead)
        return imc_fail(c, IMAPCLIENT_EABORT, "connection is closed");
    if (c->state != IMAPCLIENT_STATE_IDLE)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE, "%s: not in IDLE", call);
    return 0;
}

/* A malformed response met while IDLE starts or ends: reported once the
 * exchange is over, as imc_run() does for other commands. */
typedef struct deferred {
    int code;
    char msg[sizeof(((imapclient *)0)->errmsg)];
} deferred;

/* Read one response; an unparseable one is remembered in d and skipped (1),
 * so the caller reads on and the stream stays in step. */
static int read_one(imapclient *c, imapclient_response *r, deferred *d)
{
    int rc = imc_read_response(c, NULL, c->opts.timeout_ms, r);
    if (rc == IMAPCLIENT_EPROTOCOL && !c->dead) {
        if (!d->code) {
            d->code = rc;
            memcpy(d->msg, c->errmsg, sizeof d->msg);
        }
        c->errcode = 0;
        c->errmsg[0] = '\0';
        return 1;
    }
    return rc;
}

/* After a successful exchange: report what was deferred, if anything. */
static int report(imapclient *c, const deferred *d)
{
    if (!d->code)
        return 0;
    memcpy(c->errmsg, d->msg, sizeof d->msg);
    c->errcode = d->code;
    return d->code;
}

static int keep(imapclient *c, const imapclient_response *r)
{
    return imc_keep(c, r) ? imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory") : 0;
}

/* Send IDLE and wait for "+"; untagged responses on the way are kept. */
static int start_idle(imapclient *c)
{
    imc_begin(c, "IDLE");
    imc_put_crlf(&c->cmd);
    snprintf(c->what, sizeof c->what, "IDLE");
    int rc = imc_send_raw(c, c->cmd.buf.data, c->cmd.buf.len, 0);
    if (rc)
        return rc;
    deferred d = {0};
    for (;;) {
        imapclient_response r;
        if ((rc = read_one(c, &r, &d)) < 0)
            return rc;
        if (rc == 1)
            continue;
        if (r.tag[0] == '+')
            break;
        if (r.tag[0] == '*') {
            if ((rc = keep(c, &r)))
                return rc;
            continue;
        }
        if (strcmp(r.tag, c->tag) != 0) {
            imc_log_info(c, "ignoring a completion with an unknown tag");
            continue;
        }
        if (!strcmp(r.name, "OK"))
            return imc_fail(c, IMAPCLIENT_EPROTOCOL,
                            "IDLE: completed without a continuation request: OK %s",
                            r.text);
        if (r.code)
            return imc_fail(c, IMAPCLIENT_ERROR, "IDLE: %s [%s%s%s] %s", r.name, r.code,
                            *r.code_raw ? " " : "", r.code_raw, r.text);
        return imc_fail(c, IMAPCLIENT_ERROR, "IDLE: %s %s", r.name, r.text);
    }
    if (c->state != IMAPCLIENT_STATE_IDLE)
        c->idle_prev = c->state;
    imc_set_state(c, IMAPCLIENT_STATE_IDLE);
    c->idle_since_ms = now_ms();
    return report(c, &d);
}

/* Send DONE and read to the IDLE completion; untagged responses are kept.
 * The state goes back to the one before IDLE whatever the outcome. */
static int stop_idle(imapclient *c, const char **text)
{
    int rc = imc_send_raw(c, "DONE\r\n", 6, 0);
    if (rc)
        return rc;
    imapclient_response r;
    deferred d = {0};
    for (;;) {
        if ((rc = read_one(c, &r, &d)) < 0)
            return rc;
        if (rc == 1 || r.tag[0] == '+')
            continue;
        if (r.tag[0] == '*') {
            if ((rc = keep(c, &r)))
                return rc;
            continue;
        }
        if (!strcmp(r.tag, c->tag))
            break;
        imc_log_info(c, "ignoring a completion with an unknown tag");
    }
    imc_set_state(c, c->idle_prev);
    const char *t = imc_arena_strdup(c->call_arena, r.text);
    if (!t)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (text)
        *text = t;
    if (strcmp(r.name, "OK") != 0) {
        if (r.code)
            return imc_fail(c, IMAPCLIENT_ERROR, "IDLE: %s [%s%s%s] %s", r.name, r.code,
                            *r.code_raw ? " " : "", r.code_raw, r.text);
        return imc_fail(c, IMAPCLIENT_ERROR, "IDLE: %s %s", r.name, r.text);
    }
    return report(c, &d);
}

int imapclient_idle(imapclient *c)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, "idle")) || (rc = imc_require_cap(c, "IDLE", "idle")))
        return rc;
    return start_idle(c);
}

/* 1 when another response can be read without waiting. */
static int more_ready(imapclient *c)
{
    if (c->dead)
        return 0;
    if (imc_reader_buffered(&c->rd) || c->t->ops->pending(c->t))
        return 1;
    if (c->t->rfd < 0)
        return 0; /* the scripted server has no fd: what it sent is buffered */
    return imc_reader_wait(&c->rd, -1) == 1;
}

int imapclient_idle_check(imapclient *c, int timeout_ms, imapclient_responses **out)
{
    if (out)
        *out = NULL;
    int rc = idle_call_begin(c, "idle_check");
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "idle_check: out is NULL");
    /* imc_reader_wait: 0 waits for ever, <0 polls. */
    int w = imc_reader_wait(&c->rd, timeout_ms > 0    ? timeout_ms
                                    : timeout_ms == 0 ? -1
                                                      : 0);
    if (w == IMAPCLIENT_EINTERRUPTED)
        /* nothing was read: still in IDLE and in step */
        return imc_fail(c, w, "idle_check: interrupted");
    if (w < 0)
        return imc_abort(c, w, "idle_check: %s",
                         c->rd.err[0] ? c->rd.err : "wait failed");
    int malformed = 0;
    char errsave[sizeof c->errmsg] = "";
    while (w == 1) {
        imapclient_response r;
        rc = imc_read_response(c, NULL, c->opts.timeout_ms, &r);
        if (rc == IMAPCLIENT_EPROTOCOL && !c->dead) {
            if (!malformed)
                memcpy(errsave, c->errmsg, sizeof errsave);
            malformed = 1;
        } else if (rc) {
            /* Closed: hand over what came before (a BYE, typically); the
             * next call reports the closed connection. */
            if (c->dead && c->npend) {
                c->errcode = 0;
                c->errmsg[0] = '\0';
                break;
            }
            return rc;
        } else if (r.tag[0] == '*') {
            if ((rc = keep(c, &r)))
                return rc;
        } else if (r.tag[0] != '+' && !strcmp(r.tag, c->tag)) {
            /* The server ended IDLE itself. */
            if ((rc = keep(c, &r)))
                return rc;
            imc_set_state(c, c->idle_prev);
            break;
        }
        w = more_ready(c);
    }
    if (malformed)
        return imc_fail(c, IMAPCLIENT_EPROTOCOL, "idle_check: %s", errsave);
    return imc_take_pending(c, out, "");
}

int imapclient_idle_done(imapclient *c, const char **text, imapclient_responses **out)
{
    if (out)
        *out = NULL;
    int rc = idle_call_begin(c, "idle_done");
    if (rc)
        return rc;
    const char *t = "";
    rc = stop_idle(c, &t);
    if (text)
        *text = t;
    if (rc)
        return rc;
    return out ? imc_take_pending(c, out, t) : 0;
}

int imapclient_idle_renew(imapclient *c, int max_age_ms)
{
    int rc = idle_call_begin(c, "idle_renew");
    if (rc)
        return rc;
    if (max_age_ms < 0)
        return imc_fail(c, IMAPCLIENT_EINVAL, "idle_renew: negative age");
    if (now_ms() - c->idle_since_ms < max_age_ms)
        return 0;
    if ((rc = stop_idle(c, NULL)) || (rc = start_idle(c)))
        return rc;
    return 1;
}
