/*
 * IDLE: idle, idle_check, idle_done and renewal.
 * RFC 2177 (IDLE: "+" then untagged updates until DONE; re-issue at least
 * every 29 minutes), RFC 3501 section 7 (untagged responses).
 *
 * IDLE is one command that stays in flight from "IDLE" to the completion
 * that follows "DONE": the core keeps it queued (a barrier, so nothing
 * else goes out meanwhile), its continuation handler notes that the server
 * is idling, and every untagged response is left for the caller. The
 * command's state lives in c->idle_rq while it runs.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct idle_run {
    imc_request rq; /* first: c->idle_rq points here */
    int idling;     /* the server sent "+" */
    /* A malformed response met in the current phase (start, check or
     * done): reported once that phase is over. */
    int malformed;
    char msg[IMC_ERRMSG_SIZE];
} idle_run;

static idle_run *run_of(imapclient *c)
{
    return (idle_run *)c->idle_rq;
}

static int on_continue(imapclient *c, const imapclient_response *r, void *ud)
{
    idle_run *run = ud;
    if (!run->idling) {
        run->idling = 1;
        c->stop = 1; /* imapclient_idle() returns */
    }
    return 1; /* nothing to send: DONE comes from idle_done */
}

static void on_malformed(imapclient *c, imc_request *rq)
{
    idle_run *run = (idle_run *)rq;
    if (!run->malformed) {
        run->malformed = 1;
        memcpy(run->msg, c->errmsg, sizeof run->msg);
    }
    c->errcode = 0;
    c->errmsg[0] = '\0';
}

/* The IDLE command completed (after DONE, on the server's own initiative,
 * or by a dead connection): back to the state before IDLE. */
static void on_done(imapclient *c, imc_request *rq)
{
    if (c->state == IMAPCLIENT_STATE_IDLE)
        imc_set_state(c, c->idle_prev);
}

void imc_idle_forget(imapclient *c)
{
    free(c->idle_rq);
    c->idle_rq = NULL;
}

/* imc_call_begin() for the calls made in IDLE. */
static int idle_call_begin(imapclient *c, const char *call)
{
    if (!c)
        return IMAPCLIENT_EINVAL;
    imc_call_reset(c);
    if (c->dead)
        return imc_fail(c, IMAPCLIENT_EABORT, "connection is closed");
    if (c->state != IMAPCLIENT_STATE_IDLE || !c->idle_rq)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE, "%s: not in IDLE", call);
    return 0;
}

/* What the phase met, if anything (EPROTOCOL with the first message). */
static int report(imapclient *c, idle_run *run, const char *prefix)
{
    if (!run->malformed)
        return 0;
    run->malformed = 0;
    return imc_fail(c, IMAPCLIENT_EPROTOCOL, "%s%s", prefix, run->msg);
}

/* Send IDLE and wait for "+"; untagged responses on the way are kept. */
static int start_idle(imapclient *c)
{
    imc_idle_forget(c);
    idle_run *run = calloc(1, sizeof *run);
    if (!run)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    run->rq.on_continue = on_continue;
    run->rq.on_malformed = on_malformed;
    run->rq.on_done = on_done;
    run->rq.ud = run;
    imc_begin(c, "IDLE");
    int rc = imc_core_submit(c, &run->rq);
    if (rc) {
        free(run);
        return rc;
    }
    c->idle_rq = &run->rq;
    imapclient_state before = c->state;
    rc = imc_front_wait(c, &run->rq);
    if (run->rq.finished) {
        /* completed without "+": refused, or a server that got it wrong */
        if (rc == 0 && imc_done_ok(&run->rq))
            rc = imc_fail(c, IMAPCLIENT_EPROTOCOL,
                          "IDLE: completed without a continuation request: OK %s",
                          run->rq.done->text);
        imc_idle_forget(c);
        return rc;
    }
    if (before != IMAPCLIENT_STATE_IDLE)
        c->idle_prev = before;
    imc_set_state(c, IMAPCLIENT_STATE_IDLE);
    c->idle_since_ms = now_ms();
    return report(c, run, "");
}

/* Send DONE and read to the IDLE completion; untagged responses are kept.
 * The state goes back to the one before IDLE whatever the outcome. */
static int stop_idle(imapclient *c, const char **text)
{
    idle_run *run = run_of(c);
    run->malformed = 0;
    imc_put_raw(&c->reply, "DONE\r\n");
    c->reply_sent = 0;
    imc_log_sent(c, "DONE", 4, 0);
    int rc = imc_front_wait(c, &run->rq);
    if (!run->rq.finished) { /* cannot happen: the front waits for it */
        imc_idle_forget(c);
        return rc ? rc : imc_fail(c, IMAPCLIENT_EPROTOCOL, "IDLE: not completed");
    }
    if (c->state == IMAPCLIENT_STATE_IDLE)
        imc_set_state(c, c->idle_prev);
    if (run->rq.done && text)
        *text = run->rq.done->text;
    if (rc == 0)
        rc = report(c, run, "");
    imc_idle_forget(c);
    return rc;
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

int imapclient_idle_check(imapclient *c, int timeout_ms, imapclient_responses **out)
{
    if (out)
        *out = NULL;
    int rc = idle_call_begin(c, "idle_check");
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "idle_check: out is NULL");
    idle_run *run = run_of(c);
    run->malformed = 0;
    /* imc_front_poll: 0 waits for ever, <0 polls. */
    int w = imc_front_poll(c, timeout_ms > 0 ? timeout_ms : timeout_ms == 0 ? -1 : 0);
    if (w == IMAPCLIENT_EINTERRUPTED && !c->dead)
        /* nothing was read: still in IDLE and in step */
        return imc_fail(c, w, "idle_check: interrupted");
    if (w < 0 && !c->dead)
        return imc_abort(c, w, "idle_check: %s",
                         c->rd.err[0] ? c->rd.err : "wait failed");
    if (w < 0) {
        /* Closed: hand over what came before (a BYE, typically); the next
         * call reports the closed connection. */
        if (!c->npend) {
            imc_idle_forget(c);
            return w;
        }
        c->errcode = 0;
        c->errmsg[0] = '\0';
    }
    if (run->rq.finished) {
        /* The server ended IDLE itself: its completion goes to the caller
         * with the rest. */
        if (run->rq.done && (rc = imc_keep(c, run->rq.done))) {
            imc_idle_forget(c);
            return imc_fail(c, rc, "out of memory");
        }
        rc = report(c, run, "idle_check: ");
        imc_idle_forget(c);
        if (rc)
            return rc;
        return imc_take_pending(c, out, "");
    }
    if ((rc = report(c, run, "idle_check: ")))
        return rc;
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
