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
 *
 * Dead connections: a connection that dies silently (a black hole, a NAT
 * box that forgot it) gives an idling client nothing to read, for ever.
 * So every IDLE transition has a deadline (options.idle_probe_ms: the "+",
 * the completion after DONE, the DONE, NOOP, IDLE of a renewal), kept by
 * the handle's timer (c->timer_at, run by either front): when the server
 * has not answered by then, the handle is aborted with EABORT. And an IDLE
 * is renewed once it is options.idle_renew_ms old, by imapclient_idle_check()
 * while it waits and, for an IDLE started without waiting, by the timer:
 * the renewal is the probe, so a dead peer is found within idle_renew_ms +
 * idle_probe_ms of the last IDLE start.
 */
#include "internal.h"

#include <limits.h>
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
    /* started without waiting: the completions to deliver */
    int async;
    imapclient_done_cb cb, done_cb;
    void *user, *done_user;
    uint64_t id, done_id;
    int done_asked; /* imapclient_start_idle_done() was called */
    /* renewal without waiting: this IDLE is being replaced (DONE sent by the
     * timer; its end is not the caller's), or it replaces an earlier one
     * (its "+" is not reported again; its end is the caller's IDLE_DONE) */
    int renewing, renewal;
    /* A malformed response met in the current phase (start, check or
     * done): reported once that phase is over. */
    int malformed;
    char msg[IMC_ERRMSG_SIZE];
} idle_run;

static idle_run *run_of(imapclient *c)
{
    return (idle_run *)c->idle_rq;
}

/* ---- the timer: liveness probe and renewal ------------------------------------ */

static void idle_timer(imapclient *c, long long now);

/* How old an IDLE may get before it is renewed on its own: idle_renew_ms,
 * and never longer than the server is known to let one last (quirks.h);
 * 0 when the caller turned renewal off. */
static long long renew_every(const imapclient *c)
{
    long long every = c->opts.idle_renew_ms;
    if (every > 0 && c->quirks.idle_max_ms > 0 && c->quirks.idle_max_ms < every)
        every = c->quirks.idle_max_ms;
    return every > 0 ? every : 0;
}

/* Point the handle's timer at what comes first: the probe's deadline, or
 * the renewal of an IDLE started without waiting. */
static void timer_update(imapclient *c)
{
    long long at = c->idle_probe_at;
    idle_run *run = run_of(c);
    if (!at && run && run->async && run->idling && !run->done_asked && !run->renewing &&
        renew_every(c))
        at = c->idle_since_ms + renew_every(c);
    c->timer_at = at;
    c->on_timer = at ? idle_timer : NULL;
}

/* An answer is due from the server by `at` (0: none). */
static void probe_set(imapclient *c, long long at)
{
    c->idle_probe_at = at;
    timer_update(c);
}

/* The deadline for an answer asked now (0 with the probe off). */
static long long probe_deadline(const imapclient *c)
{
    return c->opts.idle_probe_ms > 0 ? now_ms() + c->opts.idle_probe_ms : 0;
}

static void renew_async(imapclient *c, idle_run *run, long long now);

static void idle_timer(imapclient *c, long long now)
{
    if (c->idle_probe_at && now >= c->idle_probe_at) {
        c->idle_probe_at = 0;
        c->timer_at = 0;
        c->on_timer = NULL;
        imc_abort(c, IMAPCLIENT_EABORT,
                  "IDLE: no answer from the server within %d ms (liveness probe): "
                  "the connection is taken for dead",
                  c->opts.idle_probe_ms);
        return;
    }
    idle_run *run = run_of(c);
    if (!c->idle_probe_at && run && run->async && run->idling && !run->done_asked &&
        !run->renewing && renew_every(c) && now >= c->idle_since_ms + renew_every(c))
        renew_async(c, run, now);
    if (!c->dead)
        timer_update(c);
}

static void enter_idle(imapclient *c, idle_run *run)
{
    if (c->state != IMAPCLIENT_STATE_IDLE)
        c->idle_prev = c->state;
    imc_set_state(c, IMAPCLIENT_STATE_IDLE);
    c->idle_since_ms = now_ms();
}

static int on_continue(imapclient *c, const imapclient_response *r, void *ud)
{
    idle_run *run = ud;
    if (run->idling)
        return 1;
    run->idling = 1;
    if (!run->async) {
        c->stop = 1; /* imapclient_idle() returns */
        return 1;
    }
    /* the server is idling: no answer is due until DONE */
    run->rq.quiet = 1;
    enter_idle(c, run);
    probe_set(c, 0); /* answered; the renewal timer runs from now */
    if (run->renewal) {
        /* a renewal: the caller's IDLE goes on, unreported; a DONE asked
         * for meanwhile goes out now */
        if (run->done_asked) {
            run->rq.quiet = 0;
            probe_set(c, probe_deadline(c));
            imc_put_raw(&c->cmd, "DONE\r\n");
            return 0;
        }
        run->malformed = 0;
        return 1;
    }
    int malformed = run->malformed;
    run->malformed = 0;
    imc_async_deliver(c, IMAPCLIENT_OP_IDLE, run->id, run->cb, run->user,
                      malformed ? imc_fail(c, IMAPCLIENT_EPROTOCOL, "%s", run->msg) : 0,
                      r->text, NULL, NULL);
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

/* The NOOP of a renewal started without waiting: nothing to report (its
 * untagged responses are kept, or go to the unsolicited callback). */
static void noop_complete(imapclient *c, imc_request *rq)
{
    free(rq);
}

/* Renew an IDLE started without waiting: DONE now, then NOOP and a new
 * IDLE (queued: they go out in turn), all answered within the probe's
 * deadline. The new IDLE carries on the caller's: its end is the caller's
 * IDLE_DONE completion. */
static void renew_async(imapclient *c, idle_run *run, long long now)
{
    idle_run *next = calloc(1, sizeof *next);
    imc_request *noop = calloc(1, sizeof *noop);
    if (!next || !noop) {
        free(next);
        free(noop);
        imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory renewing IDLE");
        return;
    }
    *next = (idle_run){
        .async = 1, .renewal = 1, .cb = run->cb, .user = run->user, .id = run->id};
    next->rq.on_continue = on_continue;
    next->rq.on_malformed = on_malformed;
    next->rq.on_done = on_done;
    next->rq.check = run->rq.check;
    next->rq.ud = next;
    next->rq.complete = run->rq.complete;
    noop->complete = noop_complete;
    imc_begin(c, "NOOP");
    int rc = imc_core_submit(c, noop);
    if (rc) {
        free(noop);
        free(next);
        imc_abort(c, rc, "renewing IDLE: %s", c->errmsg);
        return;
    }
    imc_begin(c, "IDLE");
    if ((rc = imc_core_submit(c, &next->rq))) {
        free(next);
        imc_abort(c, rc, "renewing IDLE: %s", c->errmsg);
        return;
    }
    run->renewing = 1;
    run->rq.quiet = 0;
    c->idle_rq = &next->rq;
    imc_put_raw(&c->reply, "DONE\r\n");
    c->reply_sent = 0;
    imc_log_sent(c, "DONE", 4, 0);
    probe_set(c, probe_deadline(c));
}

static void responses_free(void *r)
{
    imapclient_responses_free(r);
}

/* Started without waiting: the IDLE command completed. Before "+" that is
 * the IDLE completion (refused); after it, the IDLE_DONE one, with every
 * kept untagged response (also when the server ended IDLE itself). */
static void async_complete(imapclient *c, imc_request *rq)
{
    idle_run *run = (idle_run *)rq;
    if (c->idle_rq == rq) {
        c->idle_rq = NULL;
        probe_set(c, 0);
    }
    int rc = rq->rc;
    if (run->renewing) {
        /* replaced by the next IDLE, whose end the caller will see */
        free(run);
        return;
    }
    if (!run->idling && run->renewal && rc == 0 && imc_done_ok(rq))
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL,
                      "IDLE: completed without a continuation request: OK %s",
                      rq->done->text);
    if (!run->idling && !run->renewal) {
        if (rc == 0 && imc_done_ok(rq))
            rc = imc_fail(c, IMAPCLIENT_EPROTOCOL,
                          "IDLE: completed without a continuation request: OK %s",
                          rq->done->text);
        imc_async_deliver(c, IMAPCLIENT_OP_IDLE, run->id, run->cb, run->user, rc,
                          rq->done ? rq->done->text : "", NULL, NULL);
        free(run);
        return;
    }
    /* the caller's IDLE ended: after its DONE, by the server, by a
     * renewal the server refused, or with the connection */
    const char *text = rq->done ? rq->done->text : "";
    imapclient_responses *res = NULL;
    if (rc == 0 && run->malformed)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL, "%s", run->msg);
    if (rc == 0 && !c->dead)
        rc = imc_take_pending(c, &res, text);
    imc_async_deliver(
        c, IMAPCLIENT_OP_IDLE_DONE, run->done_asked ? run->done_id : run->id,
        run->done_asked ? run->done_cb : run->cb,
        run->done_asked ? run->done_user : run->user, rc, text, res, responses_free);
    free(run);
}

void imc_idle_forget(imapclient *c)
{
    /* an IDLE started without waiting frees itself when it completes */
    if (c->idle_rq && !((idle_run *)c->idle_rq)->async)
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
    if (((idle_run *)c->idle_rq)->async)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "%s: IDLE was started without waiting: end it with "
                        "imapclient_start_idle_done()",
                        call);
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

/* Send IDLE and wait for "+" (answered by `deadline`, 0: no probe);
 * untagged responses on the way are kept. */
static int start_idle(imapclient *c, long long deadline)
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
    /* the probe times the server, not commands started without waiting
     * that go before */
    probe_set(c, imc_core_inflight(c) == 1 ? deadline : 0);
    rc = imc_front_wait(c, &run->rq);
    probe_set(c, 0);
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

static int idle_check_async(imapclient *c, imc_request *rq)
{
    int rc = imc_require_auth(c, "idle");
    return rc ? rc : imc_require_ext(c, "IDLE", "idle");
}

int imapclient_start_idle(imapclient *c, imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if (c->idle_rq)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE, "idle: IDLE already started");
    idle_run *run = calloc(1, sizeof *run);
    if (!run)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    run->async = 1;
    run->cb = cb;
    run->user = user;
    run->id = imc_async_next_id(c);
    run->rq.on_continue = on_continue;
    run->rq.on_malformed = on_malformed;
    run->rq.on_done = on_done;
    run->rq.check = idle_check_async;
    run->rq.ud = run;
    run->rq.complete = async_complete;
    imc_begin(c, "IDLE");
    if ((rc = imc_core_submit(c, &run->rq))) {
        free(run);
        return rc;
    }
    c->idle_rq = &run->rq;
    if (id)
        *id = run->id;
    return 0;
}

int imapclient_start_idle_done(imapclient *c, imapclient_done_cb cb, void *user,
                               uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    idle_run *run = run_of(c);
    if (!run || !run->async || !(run->idling || run->renewal) || run->done_asked)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "idle_done: no IDLE started with imapclient_start_idle() is "
                        "running");
    run->done_asked = 1;
    run->done_cb = cb;
    run->done_user = user;
    run->done_id = imc_async_next_id(c);
    run->malformed = 0;
    if (run->idling) {
        run->rq.quiet = 0; /* the completion is due now */
        imc_put_raw(&c->reply, "DONE\r\n");
        c->reply_sent = 0;
        imc_log_sent(c, "DONE", 4, 0);
        probe_set(c, probe_deadline(c));
    } /* else a renewal is under way: DONE follows the new IDLE's "+" */
    if (id)
        *id = run->done_id;
    return 0;
}

/* Send DONE and read to the IDLE completion (answered by `deadline`, 0:
 * no probe); untagged responses are kept. The state goes back to the one
 * before IDLE whatever the outcome. */
static int stop_idle(imapclient *c, const char **text, long long deadline)
{
    idle_run *run = run_of(c);
    run->malformed = 0;
    imc_put_raw(&c->reply, "DONE\r\n");
    c->reply_sent = 0;
    imc_log_sent(c, "DONE", 4, 0);
    probe_set(c, deadline);
    int rc = imc_front_wait(c, &run->rq);
    probe_set(c, 0);
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
    if ((rc = imc_require_auth(c, "idle")) || (rc = imc_require_ext(c, "IDLE", "idle")))
        return rc;
    return start_idle(c, probe_deadline(c));
}

/* When the running IDLE is due for renewal (monotonic ms), or 0. */
static long long renew_due(const imapclient *c)
{
    return renew_every(c) ? c->idle_since_ms + renew_every(c) : 0;
}

/* imapclient_idle_check()'s renewal: DONE, NOOP (servers that report
 * expunges only at command ends flush them), IDLE, all answered within
 * one probe deadline. */
static int renew_blocking(imapclient *c)
{
    long long deadline = probe_deadline(c);
    int rc = stop_idle(c, NULL, deadline);
    if (rc == 0) {
        imc_request rq = {0};
        probe_set(c, deadline);
        rc = imc_simple(c, "NOOP", &rq);
        probe_set(c, 0);
    }
    return rc ? rc : start_idle(c, deadline);
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
    long long end = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    for (;;) {
        long long now = now_ms(), due = renew_due(c);
        if (due && now >= due) {
            /* renewal, and with it the liveness probe */
            if ((rc = renew_blocking(c)) < 0)
                return rc;
            run = run_of(c);
            if (c->npend)
                break; /* what came meanwhile goes to the caller now */
            continue;
        }
        /* imc_front_poll: 0 waits for ever, <0 polls; the wait ends at the
         * caller's timeout or the renewal, whichever comes first */
        long long until = end;
        if (due && (!until || due < until))
            until = due;
        int wait = timeout_ms == 0         ? -1
                   : !until                ? 0
                   : until <= now          ? -1
                   : until - now > INT_MAX ? INT_MAX
                                           : (int)(until - now);
        /* The call's deadline cuts the wait short (issue 14, item 4);
         * reaching it with nothing read leaves the handle in IDLE and in
         * step. */
        int capped;
        wait = imc_wait_budget(c, wait, &capped);
        if (capped && !wait)
            return imc_deadline_passed(c, "idle_check", 1);
        int w = imc_front_poll(c, wait);
        if (w == 0 && capped)
            return imc_deadline_passed(c, "idle_check", 1);
        if (w == IMAPCLIENT_EINTERRUPTED && !c->dead)
            /* nothing was read: still in IDLE and in step */
            return imc_fail(c, w, "idle_check: interrupted");
        if (w < 0 && !c->dead)
            return imc_abort(c, w, "idle_check: %s",
                             c->rd.err[0] ? c->rd.err : "wait failed");
        if (w < 0) {
            /* Closed: hand over what came before (a BYE, typically); the
             * next call reports the closed connection. */
            if (!c->npend) {
                imc_idle_forget(c);
                return w;
            }
            c->errcode = 0;
            c->errmsg[0] = '\0';
            break;
        }
        /* done when something came, or the wait was the caller's */
        if (w > 0 || run->rq.finished || timeout_ms == 0 || (end && until == end))
            break;
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
    rc = stop_idle(c, &t, probe_deadline(c));
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
    /* never later than the server is known to end an IDLE (quirks.h) */
    int server_max =
        c->quirks.idle_max_ms > 0 ? c->quirks.idle_max_ms : IMAPCLIENT_IDLE_MAX_MS;
    if (max_age_ms > server_max)
        max_age_ms = server_max;
    if (now_ms() - c->idle_since_ms < max_age_ms)
        return 0;
    long long deadline = probe_deadline(c);
    if ((rc = stop_idle(c, NULL, deadline)) || (rc = start_idle(c, deadline)))
        return rc;
    return 1;
}
