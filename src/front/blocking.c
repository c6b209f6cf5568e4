/*
 * The blocking front: every call of the reference's API runs its command
 * to completion here. A small loop: send what the core has, read with the
 * timeouts, feed the core, until the command completed.
 */
#include "front.h"

#include <limits.h>
#include <string.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run the handle's timer (c->on_timer) if it is due; 1 when it ran. */
static int run_timer(imapclient *c)
{
    if (!c->timer_at || !c->on_timer || c->dead)
        return 0;
    long long now = now_ms();
    if (now < c->timer_at)
        return 0;
    c->on_timer(c, now);
    return 1;
}

/* How long a read may wait: timeout_ms (0: for ever), cut to what is left
 * before the handle's timer; *capped is set when the timer decides. */
static int read_wait(const imapclient *c, int timeout_ms, int *capped)
{
    *capped = 0;
    if (!c->timer_at || !c->on_timer)
        return timeout_ms;
    long long left = c->timer_at - now_ms();
    if (left < 1)
        left = 1;
    if (timeout_ms <= 0 || left < timeout_ms) {
        *capped = 1;
        return left > INT_MAX ? INT_MAX : (int)left;
    }
    return timeout_ms;
}

void imc_front_close(imapclient *c)
{
    imc_transport_close(c->t);
    c->t = NULL;
    c->rd.t = NULL;
}

int imc_front_attach(imapclient *c, imc_transport *t)
{
    c->t = t;
    c->on_dead = imc_front_close;
    if (imc_reader_init(&c->rd, t, c->opts.max_line, c->opts.max_literal) < 0)
        return imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory");
    c->dead = 0;
    c->state = IMAPCLIENT_STATE_NOT_AUTHENTICATED;
    return 0;
}

/* ---- the call's deadline (issue 14, item 4) -------------------------------- */

void imc_front_start_deadline(imapclient *c)
{
    c->deadline_at = c->opts.deadline_ms > 0 ? imc_now_ms() + c->opts.deadline_ms : 0;
}

int imc_wait_budget(const imapclient *c, int timeout_ms, int *capped)
{
    return imc_budget_ms(c->deadline_at, timeout_ms, capped);
}

int imc_deadline_passed(imapclient *c, const char *what, int keep)
{
    if (keep)
        return imc_fail(c, IMAPCLIENT_ETIMEOUT, "%s: the call's deadline of %d ms passed",
                        what, c->opts.deadline_ms);
    return imc_abort(c, IMAPCLIENT_ETIMEOUT, "%s: the call's deadline of %d ms passed",
                     what, c->opts.deadline_ms);
}

/* Read once from the transport into the core, waiting up to timeout_ms,
 * never past the call's deadline (a server that sends a byte now and then
 * keeps each wait short, but not the call), and until the handle's timer is
 * due at most: then it runs, and the caller looks again at what it waits
 * for. */
static int fill(imapclient *c, int timeout_ms)
{
    if (run_timer(c))
        return c->dead ? (c->errcode ? c->errcode : IMAPCLIENT_EABORT) : 0;
    char *p;
    size_t n;
    imc_core_space(c, &p, &n);
    if (!n)
        return imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory reading a response");
    int tcapped, dcapped;
    int wait = imc_wait_budget(c, read_wait(c, timeout_ms, &tcapped), &dcapped);
    ssize_t got =
        dcapped && !wait ? IMAPCLIENT_ETIMEOUT : c->t->ops->read(c->t, p, n, wait);
    if (got > 0) {
        imc_core_commit(c, (size_t)got);
        return 0;
    }
    imc_core_commit(c, 0);
    if (got == 0) {
        imc_core_eof(c);
        return 0;
    }
    if (got == IMAPCLIENT_ETIMEOUT && dcapped)
        return imc_deadline_passed(c, "reading", 0);
    /* The wait was cut for the timer: its turn now (a timeout that came
     * before the timer's time is the read timeout's own). */
    if (got == IMAPCLIENT_ETIMEOUT && tcapped && run_timer(c))
        return c->dead ? (c->errcode ? c->errcode : IMAPCLIENT_EABORT) : 0;
    return imc_abort(c, (int)got, "%s", c->t->err);
}

size_t imc_front_gather(imapclient *c, char *buf, size_t cap)
{
    const char *p;
    size_t n, len = 0;
    while (len < cap && imc_core_output(c, &p, &n) > 0) {
        size_t take = n < cap - len ? n : cap - len;
        memcpy(buf + len, p, take);
        imc_core_written(c, take);
        len += take;
    }
    return len;
}

int imc_front_flush(imapclient *c)
{
    char buf[IMC_GATHER];
    const char *p;
    size_t n;
    while (!c->dead) {
        int rc = imc_core_output(c, &p, &n);
        if (rc <= 0)
            return rc;
        if (n < sizeof buf) {
            /* small pieces (a command line, a literal, its CRLF) go out in
             * one write */
            n = imc_front_gather(c, buf, sizeof buf);
            p = buf;
            if (c->dead) /* a streamed literal failed on the way */
                break;
        }
        int capped, wait = imc_wait_budget(c, c->opts.timeout_ms, &capped);
        rc = capped && !wait ? IMAPCLIENT_ETIMEOUT : c->t->ops->write(c->t, p, n, wait);
        if (rc == IMAPCLIENT_ETIMEOUT && capped)
            return imc_deadline_passed(c, "sending", 0);
        if (rc)
            return imc_abort(c, rc, "sending: %s", c->t->err);
        if (p != buf)
            imc_core_written(c, n);
    }
    return c->errcode ? c->errcode : IMAPCLIENT_EABORT;
}

static int has_output(imapclient *c)
{
    const char *p;
    size_t n;
    return imc_core_output(c, &p, &n) > 0;
}

int imc_front_wait(imapclient *c, imc_request *rq)
{
    for (;;) {
        if (rq->finished) {
            imc_core_trim(c); /* between calls: only what an idle handle needs */
            return rq->rc;
        }
        if (c->dead)
            return c->errcode ? c->errcode : IMAPCLIENT_EABORT;
        imc_front_flush(c);
        int rc = imc_core_process(c, rq);
        if (rq->finished)
            continue;
        if (rc == 3)
            return 1;
        if (rc < 0)
            return rc;
        if (rc == 2) /* an upgrade queued by the non-blocking front */
            return imc_abort(c, IMAPCLIENT_EILLEGAL_STATE,
                             "a STARTTLS or COMPRESS started by the non-blocking API is "
                             "still switching the connection");
        if (has_output(c))
            continue;
        fill(c, c->opts.timeout_ms);
    }
}

int imc_run(imapclient *c, imc_request *rq)
{
    int rc = imc_core_submit(c, rq);
    if (rc)
        return rc;
    return imc_front_wait(c, rq);
}

int imc_front_greeting_failed(imapclient *c)
{
    if (c->errcode == IMAPCLIENT_EABORT && !strstr(c->errmsg, "BYE"))
        return imc_abort(c, IMAPCLIENT_EABORT, "server closed the connection %s",
                         c->rd.resp.len ? "during the greeting" : "before the greeting");
    if (c->errcode == IMAPCLIENT_EPROTOCOL &&
        strncmp(c->errmsg, "not an IMAP greeting", 20) != 0)
        return imc_abort(c, IMAPCLIENT_EPROTOCOL, "not an IMAP greeting: %.200s",
                         c->rd.resp.data ? c->rd.resp.data : "");
    return c->errcode ? c->errcode : IMAPCLIENT_EABORT;
}

int imc_front_greeting(imapclient *c)
{
    while (!c->greeted) {
        if (!c->dead) {
            imc_core_process(c, NULL);
            if (c->greeted)
                break;
        }
        if (c->dead)
            return imc_front_greeting_failed(c);
        fill(c, c->opts.connect_timeout_ms);
    }
    return 0;
}

/* 1 when more bytes can be read without waiting. */
static int more_ready(imapclient *c)
{
    if (c->dead)
        return 0;
    if (imc_reader_buffered(&c->rd) || c->t->ops->pending(c->t))
        return 1;
    if (c->t->rfd < 0)
        return 0; /* the scripted server has no fd: what it sent is buffered */
    return imc_wait_fd(c->t, c->t->rfd, 0, -1) == 1;
}

int imc_front_poll(imapclient *c, int timeout_ms)
{
    if (c->dead)
        return c->errcode ? c->errcode : IMAPCLIENT_EABORT;
    imc_front_flush(c);
    int w = imc_reader_wait(&c->rd, timeout_ms);
    if (w == IMAPCLIENT_EINTERRUPTED || w == 0)
        return w;
    if (w < 0)
        return w; /* the caller says what it was waiting for */
    for (;;) {
        int rc = imc_core_process(c, NULL);
        if (rc < 0)
            return rc;
        if (imc_reader_partial(&c->rd) || more_ready(c)) {
            /* a response the server started is read to its end */
            if ((rc = fill(c, c->opts.timeout_ms)) < 0)
                return rc;
            continue;
        }
        return 1;
    }
}
