/*
 * The non-blocking front (include/imapclient/async.h): the same core as
 * the blocking calls, driven from the caller's event loop. It moves bytes
 * only as far as the transport allows without waiting, keeps the clock
 * for the timeouts, runs the connect and STARTTLS handshakes step by
 * step, and delivers each command's completion to its callback or to the
 * completion queue.
 */
#include "front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum phase { PH_NONE, PH_TCP, PH_TLS, PH_GREETING, PH_STARTTLS };

/* A completion waiting in the queue. */
typedef struct qentry {
    imapclient_completion pub; /* first: the caller's pointer is this */
    struct qentry *next;
    void (*free_result)(void *);
} qentry;

typedef struct async_state {
    uint64_t next_id;
    qentry *qhead, *qtail;
    enum phase phase;
    /* the connect's completion */
    imapclient_done_cb connect_cb;
    void *connect_user;
    uint64_t connect_id;
    long long connect_deadline; /* 0: none */
    int connect_by_deadline;    /* connect_deadline is options.deadline_ms's */
    int connect_tls;            /* options.starttls: STARTTLS completes the connect */
    /* the started commands with a deadline (options.deadline_ms; issue 14,
     * item 4), not completed yet, oldest first */
    struct async_op *ops_head, *ops_tail;
    /* STARTTLS: its completion waits for the handshake, until tls_deadline */
    imc_request *tls_rq;
    long long tls_deadline; /* 0: none */
    /* the silence timeout */
    int awaiting;          /* a command expects an answer */
    long long progress_ms; /* last time bytes moved (or the wait began) */
    int read_wants;        /* what the transport wanted after a read would block */
    int write_wants;       /* the same after a write would block (0: it did not) */
    int freeing;           /* imapclient_free() runs */
    /* gathered output the core counts as sent, not yet taken by the
     * transport (IMC_GATHER bytes, allocated while there is some) */
    char *out;
    size_t out_len, out_off;
} async_state;

/* A started command's record (rq->front_ud). */
typedef struct async_op {
    imapclient_op op;
    uint64_t id;
    imapclient_done_cb cb;
    void *user;
    void (*free_result)(void *);
    void (*free_op)(imc_request *rq);
    imc_arena *arena; /* the completion response's home */
    imc_request *rq;
    /* the call's deadline: options.deadline_ms when it was started (0: none) */
    long long deadline;
    int deadline_ms;
    struct async_op *prev, *next; /* async_state.ops_head */
    int linked;
} async_op;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the calls' deadlines (issue 14, item 4) ------------------------------------ */

static void op_link(async_state *a, async_op *o)
{
    o->prev = a->ops_tail;
    o->next = NULL;
    o->linked = 1;
    if (a->ops_tail)
        a->ops_tail->next = o;
    else
        a->ops_head = o;
    a->ops_tail = o;
}

static void op_unlink(async_state *a, async_op *o)
{
    if (!a || !o->linked)
        return;
    o->linked = 0;
    if (o->prev)
        o->prev->next = o->next;
    else if (a->ops_head == o)
        a->ops_head = o->next;
    if (o->next)
        o->next->prev = o->prev;
    else if (a->ops_tail == o)
        a->ops_tail = o->prev;
    o->prev = o->next = NULL;
}

/* The started command whose deadline comes first, or NULL. An IDLE that
 * is idling may last as long as the caller wants: it has none then. */
static const async_op *first_deadline(const async_state *a)
{
    const async_op *best = NULL;
    for (const async_op *o = a->ops_head; o; o = o->next)
        if (o->deadline && !(o->rq && o->rq->quiet) &&
            (!best || o->deadline < best->deadline))
            best = o;
    return best;
}

/* The connect's completion is still to come. */
static int connecting(const async_state *a)
{
    return a->phase == PH_TCP || a->phase == PH_TLS || a->phase == PH_GREETING ||
           a->connect_tls;
}

static void settle_dead(imapclient *c, async_state *a);

/* The core's on_dead hook for handles used without waiting: close the
 * transport, then complete the connect or STARTTLS still waiting for its
 * handshake, before the commands queued after it complete. */
static void async_on_dead(imapclient *c)
{
    imc_front_close(c);
    if (c->front)
        settle_dead(c, c->front);
}

static async_state *state(imapclient *c)
{
    if (!c->front) {
        c->front = calloc(1, sizeof(async_state));
        if (c->front && c->on_dead == imc_front_close)
            c->on_dead = async_on_dead;
    }
    return c->front;
}

int imc_async_handshaking(const imapclient *c)
{
    const async_state *a = c->front;
    return a && (connecting(a) || a->tls_rq || a->phase == PH_STARTTLS);
}

void imc_async_closing(imapclient *c)
{
    if (c->front)
        ((async_state *)c->front)->freeing = 1;
}

uint64_t imc_async_next_id(imapclient *c)
{
    async_state *a = state(c);
    return a ? ++a->next_id : 0;
}

/* ---- completions ---------------------------------------------------------- */

void imc_async_deliver(imapclient *c, imapclient_op op, uint64_t id,
                       imapclient_done_cb cb, void *user, int status, const char *text,
                       void *result, void (*free_result)(void *))
{
    const char *errmsg = status ? c->errmsg : "";
    const char *code = status ? c->fail_code : NULL,
               *arg = code ? c->fail_code_arg : NULL;
    if (!text)
        text = "";
    if (cb) {
        imapclient_completion d = {op, id, status, errmsg, text, result, user, code, arg};
        cb(c, &d);
        if (d.result && free_result)
            free_result(d.result);
        return;
    }
    async_state *a = state(c);
    size_t el = strlen(errmsg) + 1, tl = strlen(text) + 1;
    size_t cl = code ? strlen(code) + 1 : 0, al = arg ? strlen(arg) + 1 : 0;
    qentry *e = a ? malloc(sizeof *e + el + tl + cl + al) : NULL;
    if (!e) {
        /* Nowhere to put it: the result must not leak. */
        if (result && free_result)
            free_result(result);
        imc_log_info(c, "out of memory: a completion was lost");
        return;
    }
    char *strs = (char *)(e + 1);
    memcpy(strs, errmsg, el);
    memcpy(strs + el, text, tl);
    char *cs = code ? memcpy(strs + el + tl, code, cl) : NULL;
    char *as = arg ? memcpy(strs + el + tl + cl, arg, al) : NULL;
    e->pub =
        (imapclient_completion){op, id, status, strs, strs + el, result, user, cs, as};
    e->free_result = free_result;
    e->next = NULL;
    if (a->qtail)
        a->qtail->next = e;
    else
        a->qhead = e;
    a->qtail = e;
}

int imapclient_next_completion(imapclient *c, imapclient_completion **out)
{
    if (!out)
        return 0;
    *out = NULL;
    async_state *a = c ? c->front : NULL;
    if (!a || !a->qhead)
        return 0;
    qentry *e = a->qhead;
    a->qhead = e->next;
    if (!a->qhead)
        a->qtail = NULL;
    *out = &e->pub;
    return 1;
}

void imapclient_completion_free(imapclient_completion *done)
{
    if (!done)
        return;
    qentry *e = (qentry *)done;
    if (done->result && e->free_result)
        e->free_result(done->result);
    free(e);
}

static void op_complete(imapclient *c, imc_request *rq)
{
    async_op *o = rq->front_ud;
    async_state *a = c->front;
    if (o->op == IMAPCLIENT_OP_STARTTLS && rq->rc == 0 && c->upgrade == IMC_UPGRADE_TLS &&
        a) {
        /* TLS is not up yet: the completion comes after the handshake,
         * within the time the blocking call gives it */
        a->tls_rq = rq;
        int ms =
            c->opts.connect_timeout_ms ? c->opts.connect_timeout_ms : c->opts.timeout_ms;
        a->tls_deadline = ms > 0 ? now_ms() + ms : 0;
        return;
    }
    void *result = rq->rc == 0 ? rq->out : NULL;
    if (rq->rc && rq->out && o->free_result)
        o->free_result(rq->out);
    rq->out = NULL;
    op_unlink(a, o);
    imc_async_deliver(c, o->op, o->id, o->cb, o->user, rq->rc,
                      rq->done ? rq->done->text : "", result, o->free_result);
    imc_arena_free(o->arena);
    void (*free_op)(imc_request *) = o->free_op;
    free(o);
    if (free_op)
        free_op(rq);
}

int imc_async_begin(imapclient *c)
{
    if (!c)
        return IMAPCLIENT_EINVAL;
    c->errcode = 0;
    c->errmsg[0] = '\0';
    if (c->dead)
        return imc_fail(c, IMAPCLIENT_EABORT, "connection is closed");
    if (!state(c))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    return 0;
}

int imc_async_submit(imapclient *c, imc_request *rq, imapclient_op op,
                     void (*free_result)(void *), void (*free_op)(imc_request *rq),
                     imapclient_done_cb cb, void *user, uint64_t *id)
{
    async_op *o = calloc(1, sizeof *o);
    imc_arena *arena = imc_arena_new();
    if (!o || !arena || !state(c)) {
        free(o);
        imc_arena_free(arena);
        imc_cmdbuf_reset(&c->cmd);
        if (free_op)
            free_op(rq);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    o->op = op;
    o->id = imc_async_next_id(c);
    o->cb = cb;
    o->user = user;
    o->free_result = free_result;
    o->free_op = free_op;
    o->arena = arena;
    o->rq = rq;
    if (c->opts.deadline_ms > 0) {
        o->deadline_ms = c->opts.deadline_ms;
        o->deadline = now_ms() + c->opts.deadline_ms;
    }
    rq->front_ud = o;
    rq->complete = op_complete;
    rq->done_arena = arena;
    async_state *a = c->front;
    if (o->deadline)
        op_link(a, o);
    int rc = imc_core_submit(c, rq);
    if (rc) {
        op_unlink(a, o);
        imc_arena_free(arena);
        free(o);
        if (free_op)
            free_op(rq);
        return rc;
    }
    if (id)
        *id = o->id;
    return 0;
}

void imc_async_free(imapclient *c)
{
    async_state *a = c->front;
    if (!a)
        return;
    /* a connect or STARTTLS handshake still under way completes too */
    if (connecting(a) || a->tls_rq) {
        imc_abort(c, IMAPCLIENT_EABORT, "handle freed");
        settle_dead(c, a);
    }
    while (a->qhead) {
        qentry *e = a->qhead;
        a->qhead = e->next;
        imapclient_completion_free(&e->pub);
    }
    free(a->out);
    free(a);
    c->front = NULL;
}

size_t imapclient_pending_commands(const imapclient *c)
{
    return c ? imc_core_inflight(c) : 0;
}

void imapclient_cancel_all(imapclient *c)
{
    if (!c)
        return;
    imc_cancel(c);
    if (c->dead && c->front)
        settle_dead(c, c->front);
}

void imapclient_set_unsolicited_cb(imapclient *c,
                                   void (*fn)(void *payload, imapclient *c,
                                              const imapclient_response *r),
                                   void *payload)
{
    if (!c)
        return;
    c->unsolicited = fn;
    c->unsolicited_payload = payload;
}

/* ---- connecting ------------------------------------------------------------ */

/* The connect's completion (once: a death on the way may have sent it). */
static void connect_done(imapclient *c, async_state *a, int status)
{
    if (!connecting(a))
        return;
    if (!a->connect_tls || !a->tls_rq)
        a->phase = PH_NONE;
    a->connect_tls = 0;
    a->connect_deadline = 0;
    imc_async_deliver(c, IMAPCLIENT_OP_CONNECT, a->connect_id, a->connect_cb,
                      a->connect_user, status, "", NULL, NULL);
}

/* options.starttls (issue 14, item 1): the connect completes once STARTTLS
 * did; a failure closes the connection. */
static void connect_tls_done(imapclient *c, imapclient_completion *d)
{
    async_state *a = c->front;
    if (d->status && !c->dead) {
        char msg[sizeof c->errmsg];
        snprintf(msg, sizeof msg, "%s", c->errmsg);
        imc_abort(c, d->status, "%s", msg);
    }
    connect_done(c, a, d->status);
}

/* The greeting came: the connect is done, or STARTTLS goes first. */
static void greeted(imapclient *c, async_state *a)
{
    if (!c->opts.starttls || c->t->is_tls) {
        connect_done(c, a, 0);
        return;
    }
    int rc = imc_starttls_required(c);
    if (rc == 0)
        rc = imapclient_start_starttls(c, connect_tls_done, NULL, NULL);
    if (rc) {
        if (!c->dead) {
            char msg[sizeof c->errmsg];
            snprintf(msg, sizeof msg, "%s", c->errmsg);
            imc_abort(c, rc, "%s", msg);
        }
        connect_done(c, a, rc);
        return;
    }
    /* the STARTTLS command completes the connect (connect_tls_done) */
    a->phase = PH_NONE;
    a->connect_tls = 1;
}

static void connect_failed(imapclient *c, async_state *a, int rc, const char *err)
{
    imc_abort(c, rc, "%s", err);
    connect_done(c, a, rc);
}

int imapclient_connect_start(const char *host, const imapclient_options *opts,
                             imapclient_done_cb cb, void *user, imapclient **out)
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
    async_state *a = state(c);
    if (!a)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    a->connect_cb = cb;
    a->connect_user = user;
    a->connect_id = imc_async_next_id(c);
    char err[256] = "";
    imc_transport *t = NULL;
    int rc;
    if (c->opts.stream) {
        rc = imc_cmdstream_start(c->host, &t, err);
        a->phase = PH_GREETING;
    } else {
        int port = c->opts.port ? c->opts.port : (c->opts.ssl ? 993 : 143);
        if (port <= 0 || port > 65535)
            return imc_fail(c, IMAPCLIENT_EINVAL, "port %d out of range", port);
        rc = imc_tcp_connect_start(c->host, port, &t, err);
        a->phase = PH_TCP;
    }
    if (rc) {
        a->phase = PH_NONE;
        return imc_fail(c, rc, "%s", err);
    }
    t->interrupt = c->opts.interrupt;
    t->interrupt_payload = c->opts.interrupt_payload;
    if ((rc = imc_front_attach(c, t)))
        return rc;
    c->on_dead = async_on_dead;
    if (c->opts.connect_timeout_ms > 0)
        a->connect_deadline = now_ms() + c->opts.connect_timeout_ms;
    if (c->opts.deadline_ms > 0 &&
        (!a->connect_deadline || c->opts.deadline_ms < c->opts.connect_timeout_ms)) {
        /* the connect is a call too (issue 14, item 4) */
        a->connect_deadline = now_ms() + c->opts.deadline_ms;
        a->connect_by_deadline = 1;
    }
    return 0;
}

/* Move the connect on; 1 while it still waits on the fd. */
static int step_connect(imapclient *c, async_state *a)
{
    char err[256] = "";
    int rc;
    if (a->phase == PH_TCP) {
        rc = imc_tcp_connect_step(c->t, err);
        if (rc == IMC_AGAIN)
            return 1;
        if (rc) {
            connect_failed(c, a, rc, err);
            return 0;
        }
        if (imc_tcp_keepalive(c->t, &c->opts, err))
            imc_log_info(c, err);
        if (!c->opts.ssl) {
            a->phase = PH_GREETING;
            return 0;
        }
        imc_transport *t = c->t;
        c->t = c->rd.t = NULL; /* imc_tls_start owns it now, also on failure */
        if ((rc = imc_tls_start(t, c->host, &c->opts, &c->tls, &t, err))) {
            connect_failed(c, a, rc, err);
            return 0;
        }
        c->t = c->rd.t = t;
        a->phase = PH_TLS;
    }
    if (a->phase == PH_TLS) {
        rc = imc_tls_handshake(c->t, err);
        if (rc == IMC_AGAIN)
            return 1;
        if (rc) {
            connect_failed(c, a, rc, err);
            return 0;
        }
        imc_log_info(c, "TLS established");
        a->phase = PH_GREETING;
    }
    return 0;
}

/* ---- STARTTLS ----------------------------------------------------------------- */

static void starttls_done(imapclient *c, async_state *a, int status)
{
    imc_request *rq = a->tls_rq;
    a->tls_rq = NULL;
    a->phase = PH_NONE;
    if (!rq)
        return;
    async_op *o = rq->front_ud;
    op_unlink(a, o);
    imc_async_deliver(c, o->op, o->id, o->cb, o->user, status,
                      rq->done ? rq->done->text : "", NULL, NULL);
    imc_arena_free(o->arena);
    void (*free_op)(imc_request *) = o->free_op;
    free(o);
    if (free_op)
        free_op(rq);
}

/* The handle died (cancel, free, a failure): the connect's or STARTTLS's
 * completion, if one is still to come, comes now, with the failure. */
static void settle_dead(imapclient *c, async_state *a)
{
    int rc = c->errcode ? c->errcode : IMAPCLIENT_EABORT;
    if (connecting(a)) {
        if (a->phase == PH_GREETING && !a->freeing)
            rc = imc_front_greeting_failed(c);
        connect_done(c, a, rc);
    }
    if (a->tls_rq)
        starttls_done(c, a, rc);
}

/* After STARTTLS's OK: the handshake, step by step. 1 while waiting. */
static int step_starttls(imapclient *c, async_state *a)
{
    char err[256] = "";
    int rc;
    if (a->phase != PH_STARTTLS) {
        /* Bytes after the OK would have been injected before TLS
         * (CVE-2011-0411 class): refuse them. */
        if (imc_reader_buffered(&c->rd)) {
            imc_abort(c, IMAPCLIENT_EPROTOCOL,
                      "starttls: server sent data before the TLS handshake");
            starttls_done(c, a, IMAPCLIENT_EPROTOCOL);
            return 0;
        }
        imc_transport *t = c->t;
        c->t = c->rd.t = NULL;
        if ((rc = imc_tls_start(t, c->host, &c->opts, &c->tls, &t, err))) {
            imc_abort(c, rc, "starttls: %s", err);
            starttls_done(c, a, rc);
            return 0;
        }
        c->t = c->rd.t = t;
        a->phase = PH_STARTTLS;
    }
    rc = imc_tls_handshake(c->t, err);
    if (rc == IMC_AGAIN)
        return 1;
    if (rc) {
        imc_abort(c, rc, "starttls: %s", err);
        starttls_done(c, a, rc);
        return 0;
    }
    /* RFC 2595 3.1 / RFC 3501 6.2.1: nothing learnt before TLS is kept */
    imc_forget_before_tls(c);
    c->upgrade = IMC_UPGRADE_NONE;
    imc_log_info(c, "TLS established");
    starttls_done(c, a, 0);
    return 0;
}

/* ---- driving ----------------------------------------------------------------- */

/* Write the gathered output; 0 when all of it is out, IMC_AGAIN, or a
 * failure (the handle is then dead). */
static int flush_gathered(imapclient *c, async_state *a, int *moved)
{
    while (a->out_off < a->out_len) {
        ssize_t w =
            c->t->ops->try_write(c->t, a->out + a->out_off, a->out_len - a->out_off);
        if (w == IMC_AGAIN) {
            a->write_wants = c->t->wants;
            return IMC_AGAIN;
        }
        if (w < 0)
            return imc_abort(c, (int)w, "sending: %s", c->t->err);
        a->out_off += (size_t)w;
        *moved = 1;
    }
    a->out_len = a->out_off = 0;
    return 0;
}

/* Send what may go out; 1 when bytes moved. Small pieces are gathered
 * into one write; big ones go from the core's buffers as they are. */
static int pump_out(imapclient *c, async_state *a)
{
    int moved = 0;
    a->write_wants = 0;
    while (!c->dead) {
        if (flush_gathered(c, a, &moved))
            break;
        const char *p;
        size_t n;
        int have = imc_core_output(c, &p, &n);
        if (have <= 0) {
            if (have == 0 && c->t->ops->unsent && c->t->ops->unsent(c->t)) {
                ssize_t w = c->t->ops->try_write(c->t, NULL, 0);
                if (w == IMC_AGAIN)
                    a->write_wants = c->t->wants;
                else if (w < 0)
                    imc_abort(c, (int)w, "sending: %s", c->t->err);
            }
            break;
        }
        if (n < IMC_GATHER && (a->out || (a->out = malloc(IMC_GATHER)))) {
            a->out_len = imc_front_gather(c, a->out, IMC_GATHER);
            continue;
        }
        ssize_t w = c->t->ops->try_write(c->t, p, n);
        if (w == IMC_AGAIN) {
            /* (TLS may wait to read: a renegotiation or key update) */
            a->write_wants = c->t->wants;
            break;
        }
        if (w < 0) {
            imc_abort(c, (int)w, "sending: %s", c->t->err);
            break;
        }
        imc_core_written(c, (size_t)w);
        moved = 1;
        if ((size_t)w < n)
            break; /* the socket is full */
    }
    if (a->out && a->out_off == a->out_len) {
        free(a->out); /* idle handles keep no buffer */
        a->out = NULL;
        a->out_len = a->out_off = 0;
    }
    return moved;
}

/* Take in what arrived and handle it; 1 when bytes moved. */
static int pump_in(imapclient *c, async_state *a)
{
    int moved = 0;
    a->read_wants = 0;
    while (!c->dead) {
        int rc = imc_core_process(c, NULL);
        if (rc < 0 || rc == 2)
            break;
        if (rc == 3)
            continue;
        char *p;
        size_t n;
        imc_core_space(c, &p, &n);
        if (!n) {
            imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory reading a response");
            break;
        }
        ssize_t got = c->t->ops->try_read(c->t, p, n);
        if (got > 0) {
            imc_core_commit(c, (size_t)got);
            moved = 1;
            continue;
        }
        imc_core_commit(c, 0);
        if (got == 0) {
            imc_core_eof(c);
            continue; /* the core reports the end of stream */
        }
        if (got == IMC_AGAIN) {
            a->read_wants = c->t->wants;
            break;
        }
        imc_abort(c, (int)got, "%s", c->t->err);
    }
    return moved;
}

int imapclient_drive(imapclient *c)
{
    if (!c)
        return IMAPCLIENT_EINVAL;
    if (c->in_callback)
        /* from inside a callback of this handle: the drive under way goes
         * on once it returns */
        return c->dead ? c->errcode : 0;
    async_state *a = state(c);
    if (!a)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    /* A call: what the last one left in call_arena (a blocking call's
     * texts, the folder names encoded by start calls) is done with. */
    imc_arena_reset(c->call_arena);
    long long now = now_ms();
    if (!c->dead && (a->phase == PH_TCP || a->phase == PH_TLS) && step_connect(c, a)) {
        if (a->connect_deadline && now >= a->connect_deadline) {
            char msg[96];
            if (a->connect_by_deadline)
                snprintf(msg, sizeof msg, "connect: the call's deadline of %d ms passed",
                         c->opts.deadline_ms);
            else
                snprintf(msg, sizeof msg, "connect timed out");
            connect_failed(c, a, IMAPCLIENT_ETIMEOUT, msg);
        }
        return c->dead ? c->errcode : 0;
    }
    for (int round = 0; round < 64 && !c->dead; round++) {
        if (c->upgrade == IMC_UPGRADE_TLS && a->tls_rq && step_starttls(c, a))
            break;
        /* the layers' timer (IDLE renewal, liveness probe): may queue bytes */
        if (c->timer_at && c->on_timer && now >= c->timer_at && a->phase == PH_NONE) {
            c->on_timer(c, now);
            if (c->dead)
                break;
        }
        int moved = pump_out(c, a);
        moved |= pump_in(c, a);
        if (a->write_wants == IMC_WANT_READ && !c->dead)
            /* what the write waited for may have come with the read */
            moved |= pump_out(c, a);
        if (a->phase == PH_GREETING && (c->greeted || c->dead)) {
            if (c->dead) {
                imc_front_greeting_failed(c);
                connect_done(c, a, c->errcode);
            } else {
                greeted(c, a);
            }
        }
        if (moved)
            a->progress_ms = now;
        if (!moved && !(c->upgrade == IMC_UPGRADE_TLS && a->tls_rq))
            break;
    }
    if (c->dead) {
        settle_dead(c, a);
        return c->errcode ? c->errcode : IMAPCLIENT_EABORT;
    }
    /* timeouts */
    if (a->tls_rq && a->tls_deadline && now >= a->tls_deadline) {
        int ms =
            c->opts.connect_timeout_ms ? c->opts.connect_timeout_ms : c->opts.timeout_ms;
        imc_abort(c, IMAPCLIENT_ETIMEOUT, "starttls: TLS handshake timed out after %d ms",
                  ms);
        settle_dead(c, a);
        return IMAPCLIENT_ETIMEOUT;
    }
    if (connecting(a) && a->connect_deadline && now >= a->connect_deadline) {
        if (a->connect_by_deadline)
            imc_abort(c, IMAPCLIENT_ETIMEOUT,
                      "connect: the call's deadline of %d ms passed",
                      c->opts.deadline_ms);
        else
            imc_abort(c, IMAPCLIENT_ETIMEOUT, "connect timed out after %d ms",
                      c->opts.connect_timeout_ms);
        connect_done(c, a, IMAPCLIENT_ETIMEOUT);
        return IMAPCLIENT_ETIMEOUT;
    }
    /* A command past its deadline: a server sending a byte now and then
     * keeps the silence timeout away, not this. The command cannot be
     * abandoned in step, so the connection ends, as in a blocking call. */
    const async_op *late = first_deadline(a);
    if (late && now >= late->deadline) {
        imc_abort(c, IMAPCLIENT_ETIMEOUT, "%s: the call's deadline of %d ms passed",
                  late->rq && late->rq->cmd ? late->rq->cmd->what : "command",
                  late->deadline_ms);
        settle_dead(c, a);
        return IMAPCLIENT_ETIMEOUT;
    }
    int awaiting = imc_core_awaiting(c);
    if (awaiting && !a->awaiting)
        a->progress_ms = now;
    a->awaiting = awaiting;
    if (awaiting && c->opts.timeout_ms > 0 && now - a->progress_ms >= c->opts.timeout_ms)
        return imc_abort(c, IMAPCLIENT_ETIMEOUT, "no answer from the server for %d ms",
                         c->opts.timeout_ms);
    if (a->phase == PH_NONE && imc_core_quiet(c)) {
        /* gone quiet (idle, or IDLE idling): keep only what it needs */
        imc_core_trim(c);
        imc_arena_trim(c->call_arena);
    }
    return 0;
}

int imapclient_want(const imapclient *cc, imapclient_wants *w)
{
    if (!w)
        return IMAPCLIENT_EINVAL;
    w->fd = w->write_fd = -1;
    w->events = 0;
    w->timeout_ms = -1;
    if (!cc)
        return IMAPCLIENT_EINVAL;
    if (cc->dead || !cc->t)
        return cc->errcode ? cc->errcode : IMAPCLIENT_EABORT;
    const async_state *a = cc->front;
    const imc_transport *t = cc->t;
    w->fd = t->rfd;
    w->write_fd = t->wfd;
    long long now = now_ms(), due = -1;
    enum phase ph = a ? a->phase : PH_NONE;
    if (ph == PH_TCP) {
        w->events = IMAPCLIENT_WANT_WRITE;
    } else if (ph == PH_TLS || ph == PH_STARTTLS) {
        w->events =
            t->wants == IMC_WANT_WRITE ? IMAPCLIENT_WANT_WRITE : IMAPCLIENT_WANT_READ;
    } else {
        w->events = IMAPCLIENT_WANT_READ;
        /* Bytes to send ask for writability, unless the last write waited
         * for the server (TLS: a renegotiation or key update under way,
         * moved on by reading): the socket is writable, so asking would
         * wake the loop at once, again and again. A read that waits to
         * write (the same, with the socket full) asks for it. */
        int out = imc_core_wants_write(cc) || (t->ops->unsent && t->ops->unsent(cc->t)) ||
                  (a && a->out_off < a->out_len);
        if ((out && !(a && a->write_wants == IMC_WANT_READ)) ||
            (a && a->read_wants == IMC_WANT_WRITE))
            w->events |= IMAPCLIENT_WANT_WRITE;
        /* bytes already in: handle them now */
        if (imc_reader_buffered(&cc->rd) || t->ops->pending(cc->t) ||
            (cc->upgrade == IMC_UPGRADE_TLS && a && a->tls_rq))
            due = now;
    }
    if (a && connecting(a) && a->connect_deadline &&
        (due < 0 || a->connect_deadline < due))
        due = a->connect_deadline;
    if (a && a->tls_rq && a->tls_deadline && (due < 0 || a->tls_deadline < due))
        due = a->tls_deadline;
    const async_op *late = a ? first_deadline(a) : NULL;
    if (late && (due < 0 || late->deadline < due))
        due = late->deadline;
    if (cc->timer_at && cc->on_timer && ph == PH_NONE && (due < 0 || cc->timer_at < due))
        due = cc->timer_at;
    if (cc->opts.timeout_ms > 0 && imc_core_awaiting(cc)) {
        long long d = (a && a->awaiting ? a->progress_ms : now) + cc->opts.timeout_ms;
        if (due < 0 || d < due)
            due = d;
    }
    if (due >= 0)
        w->timeout_ms =
            due <= now ? 0 : (int)(due - now > 2000000000 ? 2000000000 : due - now);
    return 0;
}
