/*
 * watch_poll.c on libuv: the same watcher of many mailboxes, with the
 * handles in a real event loop. Each connection gets a uv_poll_t on the fd
 * imapclient_want() names (read and/or write interest as it says) and a
 * uv_timer_t for its timeout (and for renewing IDLE); both call
 * imapclient_drive(), then the watcher re-arms them from imapclient_want().
 * A uv_signal_t stops the run on Ctrl-C, a uv_timer_t after -t SECONDS.
 * The accounts' protocol steps are in watch_accounts.h.
 *
 *   cc -Iinclude examples/watch_libuv.c libimapclient.a -luv -lssl -lcrypto -lz
 *   ./a.out -t 600 imap.example.org alice:secret1 bob:secret2
 *
 * See watch_accounts.h for the options and the environment. (A handle
 * whose read and write fds differ, the stream option, would need a second
 * uv_poll_t; TCP and TLS connections use one fd.)
 */
#include <uv.h>

#include "watch_accounts.h"

typedef struct conn {
    account *a;
    uv_poll_t poll;
    uv_timer_t timer;
    int polling; /* poll and timer initialised and not closed */
    int fd;      /* the fd poll watches */
} conn;

typedef struct loop_state {
    watch w;
    conn *conns;
    uv_loop_t *loop;
    uv_signal_t sigint, sigterm;
    uv_timer_t clock; /* the -t limit, then the logouts' grace period */
    int was_stopping;
} loop_state;

static void rearm(loop_state *ls, conn *k);

static void on_handle_closed(uv_handle_t *h)
{
    (void)h;
}

/* Stop watching a connection that is closed or failed. */
static void forget(conn *k)
{
    if (!k->polling)
        return;
    k->polling = 0;
    uv_poll_stop(&k->poll); /* before the loop could see the fd number again */
    uv_close((uv_handle_t *)&k->poll, on_handle_closed);
    uv_close((uv_handle_t *)&k->timer, on_handle_closed);
}

static void stop_everything(loop_state *ls)
{
    for (size_t i = 0; i < ls->w.n; i++)
        forget(&ls->conns[i]);
    if (!uv_is_closing((uv_handle_t *)&ls->sigint)) {
        uv_close((uv_handle_t *)&ls->sigint, on_handle_closed);
        uv_close((uv_handle_t *)&ls->sigterm, on_handle_closed);
        uv_close((uv_handle_t *)&ls->clock, on_handle_closed);
    }
}

static void on_clock(uv_timer_t *t);

/* After anything happened: once the run starts stopping, every account
 * is told (account_poke() ends IDLE and logs out), and the clock gives
 * the logouts 5 s. When no connection is left, the loop is emptied. */
static void after(loop_state *ls)
{
    long long now = watch_now_ms();
    watch_check_time(&ls->w, now);
    if (ls->w.stopping && !ls->was_stopping) {
        ls->was_stopping = 1;
        uv_timer_start(&ls->clock, on_clock, 5000, 0);
        for (size_t i = 0; i < ls->w.n; i++) {
            account_poke(ls->conns[i].a, now);
            rearm(ls, &ls->conns[i]);
        }
    }
    int left = 0;
    for (size_t i = 0; i < ls->w.n; i++)
        left |= ls->conns[i].polling;
    if (!left)
        stop_everything(ls);
}

/* Drive a connection (its fd is ready or its time came), then re-arm. */
static void drive(loop_state *ls, conn *k)
{
    account *a = k->a;
    if (account_active(a) && imapclient_drive(a->c) < 0 && !a->closed)
        account_fail(a, "connection", NULL);
    account_poke(a, watch_now_ms());
    rearm(ls, k);
    after(ls);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    (void)status; /* an error on the fd shows in the read imapclient_drive() makes */
    (void)events;
    conn *k = h->data;
    drive(h->loop->data, k);
}

static void on_timer(uv_timer_t *t)
{
    conn *k = t->data;
    drive(t->loop->data, k);
}

/* Watch what the handle waits for now. */
static void rearm(loop_state *ls, conn *k)
{
    account *a = k->a;
    imapclient_wants want;
    if (!account_active(a) || imapclient_want(a->c, &want) < 0) {
        if (account_active(a))
            account_fail(a, "connection", NULL);
        forget(k);
        return;
    }
    if (!k->polling) {
        if (uv_poll_init(ls->loop, &k->poll, want.fd) ||
            uv_timer_init(ls->loop, &k->timer)) {
            account_fail(a, "uv_poll_init", NULL);
            return;
        }
        k->poll.data = k->timer.data = k;
        k->fd = want.fd;
        k->polling = 1;
    }
    int ev = 0;
    if (want.events & IMAPCLIENT_WANT_READ)
        ev |= UV_READABLE;
    if (want.events & IMAPCLIENT_WANT_WRITE)
        ev |= UV_WRITABLE;
    uv_poll_start(&k->poll, ev, on_poll);
    long long t = want.timeout_ms;
    long long renew = account_timer_ms(a, watch_now_ms());
    if (renew >= 0 && (t < 0 || renew < t))
        t = renew;
    if (t >= 0)
        uv_timer_start(&k->timer, on_timer, (uint64_t)t, 0);
    else
        uv_timer_stop(&k->timer);
}

static void on_signal(uv_signal_t *s, int signum)
{
    (void)signum;
    loop_state *ls = s->loop->data;
    ls->w.stopping = 1;
    after(ls);
}

/* The -t limit passed, or the logouts' grace period is over. */
static void on_clock(uv_timer_t *t)
{
    loop_state *ls = t->loop->data;
    if (ls->was_stopping) {
        stop_everything(ls); /* the logouts took too long: leave anyway */
        return;
    }
    ls->w.stopping = 1;
    after(ls);
}

int main(int argc, char **argv)
{
    loop_state ls;
    memset(&ls, 0, sizeof ls);
    int rc = watch_parse(&ls.w, argc, argv);
    if (rc)
        return rc;
    setvbuf(stdout, NULL, _IOLBF, 0);
    ls.conns = calloc(ls.w.n, sizeof *ls.conns);
    uv_loop_t loop;
    if (!ls.conns || uv_loop_init(&loop))
        return 1;
    loop.data = &ls;
    ls.loop = &loop;
    uv_signal_init(&loop, &ls.sigint);
    uv_signal_init(&loop, &ls.sigterm);
    uv_signal_start(&ls.sigint, on_signal, SIGINT);
    uv_signal_start(&ls.sigterm, on_signal, SIGTERM);
    uv_timer_init(&loop, &ls.clock);
    if (ls.w.seconds)
        uv_timer_start(&ls.clock, on_clock, (uint64_t)ls.w.seconds * 1000, 0);

    for (size_t i = 0; i < ls.w.n; i++) {
        conn *k = &ls.conns[i];
        k->a = &ls.w.acct[i];
        account_start(k->a);
        rearm(&ls, k);
    }
    after(&ls);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    free(ls.conns);
    return watch_finish(&ls.w);
}
