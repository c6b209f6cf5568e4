/*
 * IDLE at scale (see bench/README.md, "## idle"): one thread holds N
 * authenticated connections in IDLE on one folder.
 *
 *   idle_imapclient HOST PORT USER PASSWORD FOLDER N K
 *
 * 1. Connect and log in N connections over plain IMAP with the
 *    non-blocking API, at most K of them connecting or logging in at any
 *    time; each, once logged in, EXAMINEs FOLDER and starts IDLE. One
 *    thread, epoll.
 * 2. Once all N idle: the process's RSS (from /proc/self/statm) against
 *    the RSS before the first connection, per connection; the heap in use
 *    (mallinfo2) likewise.
 * 3. Another connection (a blocking handle) APPENDs one message to FOLDER;
 *    every one of the N must see the EXISTS it causes.
 * 4. DONE and LOGOUT on all N.
 *
 * Prints one line of key=value pairs: n, k, login_s (first connect started
 * to last LOGIN completed), idle_s (to the last IDLE accepted), exists_s
 * (APPEND completed to the last EXISTS seen), seen (connections that saw
 * it), rss0_kb and rss_kb (before and when all idle), per_conn_kb
 * ((rss - rss0) / n), heap_per_conn_kb, cpu (getrusage user+sys of the
 * whole run) and peak rss (ru_maxrss).
 */
#include <imapclient.h>

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long rss_kb(void)
{
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

enum phase { P_NONE, P_LOGIN, P_READY, P_IDLE, P_DONE, P_FAILED };

typedef struct conn {
    imapclient *c;
    int fd, events; /* as registered with epoll */
    enum phase phase;
    int saw_exists;
    struct bench *b;
} conn;

typedef struct bench {
    conn *conns;
    size_t n, k;
    size_t started, logging_in, logged_in, idling, seen, closed, failed;
    int trigger_sent;
    int ep;
    const char *host, *user, *password, *folder;
    imapclient_options opts;
} bench;

static void fail_conn(conn *k, const char *what, const imapclient_completion *d)
{
    if (k->phase == P_FAILED || k->phase == P_DONE)
        return;
    if (k->b->failed++ < 5)
        fprintf(stderr, "idle_imapclient: %s: %s\n", what,
                d ? d->errmsg : imapclient_errmsg(k->c));
    if (k->phase == P_LOGIN)
        k->b->logging_in--;
    k->phase = P_FAILED;
}

static void on_done(imapclient *c, imapclient_completion *d)
{
    conn *k = d->user;
    bench *b = k->b;
    if (k->phase == P_FAILED)
        return;
    if (d->status && d->op != IMAPCLIENT_OP_LOGOUT) {
        fail_conn(k, d->op == IMAPCLIENT_OP_CONNECT ? "connect" : "command", d);
        return;
    }
    switch (d->op) {
    case IMAPCLIENT_OP_LOGIN:
        b->logging_in--;
        b->logged_in++;
        k->phase = P_READY;
        /* EXAMINE and IDLE, queued together */
        if (imapclient_start_select_folder(c, b->folder, 1, on_done, k, NULL) ||
            imapclient_start_idle(c, on_done, k, NULL))
            fail_conn(k, "start", NULL);
        break;
    case IMAPCLIENT_OP_IDLE:
        k->phase = P_IDLE;
        b->idling++;
        break;
    case IMAPCLIENT_OP_IDLE_DONE:
        if (imapclient_start_logout(c, on_done, k, NULL))
            fail_conn(k, "logout", NULL);
        break;
    case IMAPCLIENT_OP_LOGOUT:
        k->phase = P_DONE;
        b->closed++;
        break;
    default:
        break;
    }
}

static void on_untagged(void *payload, imapclient *c, const imapclient_response *r)
{
    conn *k = payload;
    if (k->b->trigger_sent && !k->saw_exists && r->has_number &&
        !strcmp(r->name, "EXISTS")) {
        k->saw_exists = 1;
        k->b->seen++;
    }
}

/* Register what the handle waits for with epoll (after a start or a
 * drive); returns 1 when it should be driven again at once. */
static int rearm(bench *b, conn *k)
{
    imapclient_wants w;
    if (k->phase == P_FAILED || k->phase == P_DONE || imapclient_want(k->c, &w) < 0) {
        if (k->fd >= 0) {
            epoll_ctl(b->ep, EPOLL_CTL_DEL, k->fd, NULL);
            k->fd = -1;
        }
        if (k->phase != P_DONE && k->phase != P_FAILED)
            fail_conn(k, "connection", NULL);
        return 0;
    }
    int ev = (w.events & IMAPCLIENT_WANT_READ ? EPOLLIN : 0) |
             (w.events & IMAPCLIENT_WANT_WRITE ? EPOLLOUT : 0);
    struct epoll_event e = {.events = (uint32_t)ev, .data.ptr = k};
    if (k->fd < 0) {
        k->fd = w.fd;
        k->events = ev;
        epoll_ctl(b->ep, EPOLL_CTL_ADD, k->fd, &e);
    } else if (ev != k->events) {
        k->events = ev;
        epoll_ctl(b->ep, EPOLL_CTL_MOD, k->fd, &e);
    }
    return w.timeout_ms == 0;
}

static void drive(bench *b, conn *k)
{
    for (int i = 0; i < 8; i++) {
        if (k->phase == P_FAILED || k->phase == P_DONE)
            break;
        if (imapclient_drive(k->c) < 0 && k->phase != P_DONE)
            fail_conn(k, "connection", NULL);
        if (!rearm(b, k))
            break;
    }
    rearm(b, k);
}

static void start_more(bench *b)
{
    while (b->started < b->n && b->logging_in < b->k) {
        conn *k = &b->conns[b->started++];
        k->b = b;
        k->fd = -1;
        k->phase = P_LOGIN;
        b->logging_in++;
        if (imapclient_connect_start(b->host, &b->opts, on_done, k, &k->c) ||
            imapclient_start_login(k->c, b->user, b->password, on_done, k, NULL)) {
            fail_conn(k, "connect", NULL);
            continue;
        }
        imapclient_set_unsolicited_cb(k->c, on_untagged, k);
        rearm(b, k);
    }
}

/* Run the loop until done() says so or limit seconds passed; 0 or -1. */
static int loop(bench *b, int (*done)(const bench *), double limit)
{
    struct epoll_event ev[256];
    double end = now() + limit;
    while (!done(b)) {
        if (now() > end)
            return -1;
        start_more(b);
        int n = epoll_wait(b->ep, ev, 256, 200);
        if (n < 0 && errno != EINTR)
            return -1;
        for (int i = 0; i < n; i++)
            drive(b, ev[i].data.ptr);
        if (n == 0) /* quiet: let each handle check its timeouts */
            for (size_t i = 0; i < b->started; i++)
                if (b->conns[i].phase != P_FAILED && b->conns[i].phase != P_DONE)
                    drive(b, &b->conns[i]);
    }
    return 0;
}

static int all_logged_in(const bench *b)
{
    return b->logged_in + b->failed >= b->n;
}

static int all_idle(const bench *b)
{
    return b->idling + b->failed >= b->n;
}

static int all_seen(const bench *b)
{
    return b->seen + b->failed >= b->n;
}

static int all_closed(const bench *b)
{
    return b->closed + b->failed >= b->n;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: %s HOST PORT USER PASSWORD FOLDER N K\n", argv[0]);
        return 2;
    }
    bench b;
    memset(&b, 0, sizeof b);
    b.host = argv[1];
    b.user = argv[3];
    b.password = argv[4];
    b.folder = argv[5];
    b.n = strtoul(argv[6], NULL, 10);
    b.k = strtoul(argv[7], NULL, 10);
    if (!b.n || !b.k)
        return 2;
    imapclient_options_init(&b.opts);
    b.opts.ssl = 0;
    b.opts.port = atoi(argv[2]);
    b.opts.connect_timeout_ms = 60000;
    b.opts.timeout_ms = 60000;
    b.conns = calloc(b.n, sizeof *b.conns);
    b.ep = epoll_create1(EPOLL_CLOEXEC);
    if (!b.conns || b.ep < 0)
        return 1;

    long rss0 = rss_kb();
    size_t heap0 = mallinfo2().uordblks;
    double c0 = cpu_now(), t0 = now();
    if (loop(&b, all_logged_in, 300)) {
        fprintf(stderr, "idle_imapclient: %zu of %zu logged in after 300 s\n",
                b.logged_in, b.n);
        return 1;
    }
    double login_s = now() - t0;
    if (loop(&b, all_idle, 300)) {
        fprintf(stderr, "idle_imapclient: %zu of %zu idling after 300 s\n", b.idling,
                b.n);
        return 1;
    }
    double idle_s = now() - t0;
    long rss1 = rss_kb();
    size_t heap1 = mallinfo2().uordblks;
    if (b.failed) {
        fprintf(stderr, "idle_imapclient: %zu connections failed\n", b.failed);
        return 1;
    }

    /* another connection causes an EXISTS in the folder they all watch */
    imapclient_options o = b.opts;
    imapclient *t = NULL;
    static const char msg[] =
        "From: idle@bench.example\r\nSubject: wake up\r\n\r\nhello\r\n";
    b.trigger_sent = 1;
    if (imapclient_connect(b.host, &o, &t) ||
        imapclient_login(t, b.user, b.password, NULL) ||
        imapclient_append(t, b.folder, msg, sizeof msg - 1, NULL, NULL, NULL)) {
        fprintf(stderr, "idle_imapclient: trigger: %s\n",
                t ? imapclient_errmsg(t) : "out of memory");
        return 1;
    }
    double t1 = now();
    imapclient_logout(t, NULL);
    imapclient_free(t);
    int seen_ok = loop(&b, all_seen, 120) == 0;
    double exists_s = now() - t1;
    size_t seen = b.seen;

    /* DONE and LOGOUT everywhere */
    for (size_t i = 0; i < b.n; i++) {
        conn *k = &b.conns[i];
        if (k->phase == P_IDLE && imapclient_start_idle_done(k->c, on_done, k, NULL) == 0)
            rearm(&b, k);
    }
    loop(&b, all_closed, 120);
    for (size_t i = 0; i < b.n; i++)
        imapclient_free(b.conns[i].c);
    free(b.conns);
    close(b.ep);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf(
        "client=libimapclient-idle n=%zu k=%zu login_s=%.3f idle_s=%.3f exists_s=%.3f "
        "seen=%zu rss0_kb=%ld rss_kb=%ld per_conn_kb=%.1f heap_per_conn_kb=%.1f cpu=%.3f "
        "maxrss_kb=%ld\n",
        b.n, b.k, login_s, idle_s, exists_s, seen, rss0, rss1,
        (double)(rss1 - rss0) / (double)b.n,
        (double)(heap1 > heap0 ? heap1 - heap0 : 0) / 1024.0 / (double)b.n,
        cpu_now() - c0, ru.ru_maxrss);
    return seen_ok && seen == b.n ? 0 : 1;
}
