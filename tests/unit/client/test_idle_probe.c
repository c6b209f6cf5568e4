/* Dead-connection detection (issue 12): IDLE's renewal and liveness probe,
 * blocking and non-blocking, on canned bytes and on a local server process
 * that goes silent; TCP keepalive on the socket.
 *
 * - non-blocking IDLE renews itself (DONE, NOOP, IDLE) once
 *   options.idle_renew_ms old, reports nothing for it, keeps what came;
 * - a server that stops answering during a renewal, or after DONE, is
 *   reported as EABORT within options.idle_probe_ms;
 * - imapclient_idle_check() renews while it waits, and a silent server is
 *   found within idle_renew_ms + idle_probe_ms; imapclient_idle_done()
 *   never waits past idle_probe_ms;
 * - TCP keepalive is on by default with 60/15/4 and TCP_USER_TIMEOUT, the
 *   options change it, and tcp_keepalive = 0 leaves it off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static imapclient *play(const char *script, const imapclient_options *o)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, o, &c);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    return c;
}

static void done(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent so far:\n%s",
                 imapclient_script_sent(c));
    imapclient_free(c);
}

/* What the completions said. */
typedef struct seen {
    int n;
    imapclient_op op[16];
    int status[16];
    long count[16];
    char err[16][200];
} seen;

static void record(imapclient *c, imapclient_completion *d)
{
    seen *s = d->user;
    assert_true(s->n < 16);
    int i = s->n++;
    s->op[i] = d->op;
    s->status[i] = d->status;
    s->count[i] = d->result && d->op == IMAPCLIENT_OP_IDLE_DONE
                      ? (long)((imapclient_responses *)d->result)->count
                      : -1;
    snprintf(s->err[i], sizeof s->err[i], "%s", d->errmsg);
}

/* Drive as an event loop would (the scripted server has no fd: sleep for
 * the wanted timeout) until n completions came or max_ms passed. Returns
 * the last drive status. */
static int loop_until(imapclient *c, const seen *s, int n, int max_ms)
{
    long long end = now_ms() + max_ms;
    int rc = 0;
    while (s->n < n && now_ms() < end) {
        imapclient_wants w;
        if ((rc = imapclient_want(c, &w)) < 0)
            break;
        int t = w.timeout_ms < 0 || w.timeout_ms > 10 ? 10 : w.timeout_ms;
        if (t)
            poll(NULL, 0, t);
        if ((rc = imapclient_drive(c)) < 0)
            break;
    }
    return rc;
}

#define PREAUTH "S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\n"

static void probe_opts(imapclient_options *o, int renew_ms, int probe_ms)
{
    imapclient_options_init(o);
    o->idle_renew_ms = renew_ms;
    o->idle_probe_ms = probe_ms;
}

static void test_idle_probe__defaults(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    assert_int_equal(o.tcp_keepalive, 1);
    assert_int_equal(o.tcp_keepalive_idle_s, 60);
    assert_int_equal(o.tcp_keepalive_interval_s, 15);
    assert_int_equal(o.tcp_keepalive_count, 4);
    /* well under the 10 minutes after which some servers drop IDLE */
    assert_int_equal(o.idle_renew_ms, 5 * 60 * 1000);
    assert_int_equal(o.idle_probe_ms, 15000);
}

/* A non-blocking IDLE renews itself: DONE, NOOP, IDLE, with no completion
 * for it; the EXISTS the NOOP brought is in the final IDLE_DONE result. */
static void test_idle_probe__async_renewal(void **state)
{
    imapclient_options o;
    probe_opts(&o, 300, 2000);
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: A001 OK Idle completed.\n"
                                 "C: A002 NOOP\n"
                                 "S: * 4 EXISTS\n"
                                 "S: A002 OK NOOP completed.\n"
                                 "C: A003 IDLE\n"
                                 "S: + idling again\n"
                                 "C: DONE\n"
                                 "S: A003 OK Idle completed.\n",
                         &o);
    seen s = {0};
    assert_int_equal(imapclient_start_idle(c, record, &s, NULL), 0);
    assert_int_equal(loop_until(c, &s, 1, 2000), 0);
    assert_int_equal(s.op[0], IMAPCLIENT_OP_IDLE);
    assert_int_equal(s.status[0], 0);
    /* wait past the renewal: DONE, NOOP and IDLE go out, nothing reported */
    long long t0 = now_ms();
    while (!strstr(imapclient_script_sent(c), "A003 IDLE") && now_ms() - t0 < 3000)
        assert_int_equal(loop_until(c, &s, 2, 10), 0);
    assert_true(now_ms() - t0 >= 250);
    assert_int_equal(s.n, 1);
    assert_non_null(strstr(imapclient_script_sent(c), "A003 IDLE"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    /* the caller ends it: one IDLE_DONE with the EXISTS kept meanwhile */
    assert_int_equal(imapclient_start_idle_done(c, record, &s, NULL), 0);
    assert_int_equal(loop_until(c, &s, 2, 2000), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.op[1], IMAPCLIENT_OP_IDLE_DONE);
    assert_int_equal(s.status[1], 0);
    assert_int_equal(s.count[1], 1);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    done(c);
}

/* A server known to drop IDLE sooner (quirks.idle_max_ms) has it renewed
 * that often, the option's 5 minutes notwithstanding. */
static void test_idle_probe__renewal_follows_quirks(void **state)
{
    imapclient_options o;
    probe_opts(&o, 5 * 60 * 1000, 2000);
    imapclient_quirks q;
    assert_int_equal(imapclient_quirks_profile("default", &q), 0);
    q.idle_max_ms = 200;
    o.quirks = &q;
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: A001 OK done\n"
                                 "C: A002 NOOP\n"
                                 "S: A002 OK done\n"
                                 "C: A003 IDLE\n"
                                 "S: + idling again\n",
                         &o);
    seen s = {0};
    assert_int_equal(imapclient_start_idle(c, record, &s, NULL), 0);
    assert_int_equal(loop_until(c, &s, 1, 2000), 0);
    imapclient_wants w;
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_true(w.timeout_ms > 100 && w.timeout_ms <= 200);
    long long t0 = now_ms();
    while (!strstr(imapclient_script_sent(c), "A003 IDLE") && now_ms() - t0 < 3000)
        assert_int_equal(loop_until(c, &s, 2, 10), 0);
    assert_true(now_ms() - t0 < 1000);
    assert_int_equal(s.n, 1);
    done(c);
}

/* The server goes silent during a renewal: EABORT by the probe's
 * deadline, delivered as the IDLE's end. */
static void test_idle_probe__async_renewal_unanswered(void **state)
{
    imapclient_options o;
    probe_opts(&o, 30, 120);
    imapclient *c = play(PREAUTH "C: A001 IDLE\nS: + idling\nC: DONE\n", &o);
    seen s = {0};
    assert_int_equal(imapclient_start_idle(c, record, &s, NULL), 0);
    assert_int_equal(loop_until(c, &s, 1, 2000), 0);
    long long t0 = now_ms();
    int rc = loop_until(c, &s, 2, 3000);
    long long took = now_ms() - t0;
    assert_int_equal(rc, IMAPCLIENT_EABORT);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.op[1], IMAPCLIENT_OP_IDLE_DONE);
    assert_int_equal(s.status[1], IMAPCLIENT_EABORT);
    assert_non_null(strstr(s.err[1], "liveness probe"));
    /* renewal at 30 ms, probe 120 ms: found at 150 ms (scheduling slack) */
    assert_true(took >= 140);
    assert_true(took < 1000);
    assert_true(imapclient_want(c, &(imapclient_wants){0}) < 0);
    imapclient_free(c);
}

/* DONE asked by the caller and never answered: EABORT within the probe. */
static void test_idle_probe__async_done_unanswered(void **state)
{
    imapclient_options o;
    probe_opts(&o, 0, 100);
    imapclient *c = play(PREAUTH "C: A001 IDLE\nS: + idling\nC: DONE\n", &o);
    seen s = {0};
    assert_int_equal(imapclient_start_idle(c, record, &s, NULL), 0);
    assert_int_equal(loop_until(c, &s, 1, 2000), 0);
    /* renewal off: nothing is due however long it idles */
    imapclient_wants w;
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_int_equal(w.timeout_ms, -1);
    long long t0 = now_ms();
    assert_int_equal(imapclient_start_idle_done(c, record, &s, NULL), 0);
    assert_int_equal(loop_until(c, &s, 2, 3000), IMAPCLIENT_EABORT);
    long long took = now_ms() - t0;
    assert_int_equal(s.op[1], IMAPCLIENT_OP_IDLE_DONE);
    assert_int_equal(s.status[1], IMAPCLIENT_EABORT);
    assert_true(took >= 90 && took < 1000);
    imapclient_free(c);
}

/* The renewal's new IDLE is refused: the caller's IDLE ends with the
 * refusal (one IDLE_DONE completion), the handle usable. */
static void test_idle_probe__async_renewal_refused(void **state)
{
    imapclient_options o;
    probe_opts(&o, 30, 2000);
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: A001 OK done\n"
                                 "C: A002 NOOP\n"
                                 "S: A002 OK done\n"
                                 "C: A003 IDLE\n"
                                 "S: A003 NO [LIMIT] enough idling\n"
                                 "C: A004 NOOP\n"
                                 "S: A004 OK done\n",
                         &o);
    seen s = {0};
    assert_int_equal(imapclient_start_idle(c, record, &s, NULL), 0);
    assert_int_equal(loop_until(c, &s, 2, 2000), 0);
    assert_int_equal(s.op[1], IMAPCLIENT_OP_IDLE_DONE);
    assert_int_equal(s.status[1], IMAPCLIENT_ERROR);
    assert_non_null(strstr(s.err[1], "enough idling"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    done(c);
}

/* ---- blocking, against a local server process that goes silent ----------- */

/* A handle on a shell "server" (stream mode): greeting, then each line
 * read gets the next answer; after the answers it stays silent. */
static imapclient *shell_server(const char *answers, const imapclient_options *o)
{
    char cmd[2048];
    snprintf(
        cmd, sizeof cmd,
        "printf '* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\\r\\n'; %s exec sleep 20",
        answers);
    imapclient_options so = *o;
    so.stream = 1;
    so.ssl = 0;
    imapclient *c = NULL;
    int rc = imapclient_connect(cmd, &so, &c);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    return c;
}

#define ANSWER(s) "read l; printf '" s "'; "

/* The same server for the non-blocking API (the connect completes first). */
static imapclient *async_shell(const char *answers, const imapclient_options *o, seen *s)
{
    char cmd[2048];
    snprintf(
        cmd, sizeof cmd,
        "printf '* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\\r\\n'; %s exec sleep 20",
        answers);
    imapclient_options so = *o;
    so.stream = 1;
    so.ssl = 0;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_start(cmd, &so, record, s, &c), 0);
    return c;
}

/* Drive over the fd until n completions came or max_ms passed. */
static int fd_loop_until(imapclient *c, const seen *s, int n, int max_ms)
{
    long long end = now_ms() + max_ms;
    int rc = 0;
    while (s->n < n && now_ms() < end) {
        imapclient_wants w;
        if ((rc = imapclient_want(c, &w)) < 0)
            break;
        struct pollfd p = {w.fd,
                           (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                   (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0)),
                           0};
        poll(&p, 1, w.timeout_ms < 0 || w.timeout_ms > 10 ? 10 : w.timeout_ms);
        if ((rc = imapclient_drive(c)) < 0)
            break;
    }
    return rc;
}

/* The caller asks for DONE while a renewal waits for the new "+" (the
 * server takes its time): DONE follows that "+", and the caller sees one
 * IDLE and one IDLE_DONE completion. */
static void test_idle_probe__async_done_during_renewal(void **state)
{
    imapclient_options o;
    probe_opts(&o, 30, 3000);
    seen s = {0};
    imapclient *c = async_shell(
        ANSWER("+ idling\\r\\n") ANSWER("A001 OK done\\r\\n") ANSWER(
            "A002 OK done\\r\\n") "read l; sleep 0.4; "
                                  "printf '+ again\\r\\n'; " ANSWER("A003 OK done\\r\\n"),
        &o, &s);
    assert_int_equal(fd_loop_until(c, &s, 1, 3000), 0);
    assert_int_equal(s.op[0], IMAPCLIENT_OP_CONNECT);
    assert_int_equal(imapclient_start_idle(c, record, &s, NULL), 0);
    assert_int_equal(fd_loop_until(c, &s, 2, 3000), 0);
    assert_int_equal(s.op[1], IMAPCLIENT_OP_IDLE);
    /* past the renewal, while the server sits on the new "+" */
    long long t0 = now_ms();
    while (now_ms() - t0 < 150)
        assert_int_equal(fd_loop_until(c, &s, 3, 10), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(imapclient_start_idle_done(c, record, &s, NULL), 0);
    assert_int_equal(fd_loop_until(c, &s, 3, 3000), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.op[2], IMAPCLIENT_OP_IDLE_DONE);
    assert_int_equal(s.status[2], 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    imapclient_free(c);
}

static void test_idle_probe__done_bounded(void **state)
{
    imapclient_options o;
    probe_opts(&o, 0, 200);
    imapclient *c = shell_server(ANSWER("+ idling\\r\\n"), &o);
    assert_int_equal(imapclient_idle(c), 0);
    long long t0 = now_ms();
    int rc = imapclient_idle_done(c, NULL, NULL);
    long long took = now_ms() - t0;
    assert_int_equal(rc, IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "liveness probe"));
    assert_true(took >= 190 && took < 2000);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

/* idle_check renews while it waits (DONE, NOOP, IDLE) and returns what
 * the renewal brought; the next renewal meets silence: EABORT within
 * renew + probe, though the caller asked to wait for a minute. */
static void test_idle_probe__check_renews_then_finds_dead_peer(void **state)
{
    imapclient_options o;
    probe_opts(&o, 150, 200);
    imapclient *c = shell_server(ANSWER("+ idling\\r\\n") ANSWER("A001 OK done\\r\\n")
                                     ANSWER("* 5 EXISTS\\r\\nA002 OK done\\r\\n")
                                         ANSWER("+ again\\r\\n"),
                                 &o);
    assert_int_equal(imapclient_idle(c), 0);
    imapclient_responses *r = NULL;
    long long t0 = now_ms();
    assert_int_equal(imapclient_idle_check(c, 60000, &r), 0);
    assert_true(now_ms() - t0 >= 140 && now_ms() - t0 < 2000);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->items[0].number, 5);
    imapclient_responses_free(r);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    t0 = now_ms();
    assert_int_equal(imapclient_idle_check(c, 60000, &r), IMAPCLIENT_EABORT);
    long long took = now_ms() - t0;
    assert_null(r);
    assert_non_null(strstr(imapclient_errmsg(c), "liveness probe"));
    assert_true(took >= 340 && took < 2500);
    imapclient_free(c);
}

/* Waiting for ever (timeout < 0) still renews. */
static void test_idle_probe__check_forever_renews(void **state)
{
    imapclient_options o;
    probe_opts(&o, 100, 300);
    imapclient *c = shell_server(ANSWER("+ idling\\r\\n"), &o);
    assert_int_equal(imapclient_idle(c), 0);
    imapclient_responses *r = NULL;
    long long t0 = now_ms();
    assert_int_equal(imapclient_idle_check(c, -1, &r), IMAPCLIENT_EABORT);
    assert_true(now_ms() - t0 < 3000);
    imapclient_free(c);
}

/* ---- TCP keepalive ------------------------------------------------------- */

/* A listener on 127.0.0.1 whose child greets once and waits. */
static int greeter(pid_t *pid)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, 4), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &al), 0);
    *pid = fork();
    assert_true(*pid >= 0);
    if (*pid == 0) {
        int s = accept(l, NULL, NULL);
        const char g[] = "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n";
        if (s >= 0 && write(s, g, sizeof g - 1) > 0) {
            char b[256];
            while (read(s, b, sizeof b) > 0)
                ;
        }
        _exit(0);
    }
    close(l);
    return ntohs(a.sin_port);
}

static int sockopt(int fd, int level, int name)
{
    int v = -1;
    socklen_t l = sizeof v;
    assert_int_equal(getsockopt(fd, level, name, &v, &l), 0);
    return v;
}

static imapclient *tcp_connect(imapclient_options *o, pid_t *pid)
{
    o->port = greeter(pid);
    o->ssl = 0;
    imapclient *c = NULL;
    int rc = imapclient_connect("127.0.0.1", o, &c);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    return c;
}

static void reap(imapclient *c, pid_t pid)
{
    imapclient_free(c);
    waitpid(pid, NULL, 0);
}

static void test_idle_probe__keepalive_default(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    pid_t pid;
    imapclient *c = tcp_connect(&o, &pid);
    int fd = imapclient_socket(c);
    assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 60);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL), 15);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT), 4);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT), 120000);
    reap(c, pid);
}

static void test_idle_probe__keepalive_tuned(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.tcp_keepalive_idle_s = 10;
    o.tcp_keepalive_interval_s = 5;
    o.tcp_keepalive_count = 3;
    pid_t pid;
    imapclient *c = tcp_connect(&o, &pid);
    int fd = imapclient_socket(c);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 10);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL), 5);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT), 3);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT), 25000);
    reap(c, pid);
}

static void test_idle_probe__keepalive_off(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.tcp_keepalive = 0;
    pid_t pid;
    imapclient *c = tcp_connect(&o, &pid);
    int fd = imapclient_socket(c);
    assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT), 0);
    reap(c, pid);
}

/* The non-blocking connect sets it too, once connected. */
static void test_idle_probe__keepalive_async_connect(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.tcp_keepalive_idle_s = 30;
    pid_t pid;
    o.port = greeter(&pid);
    o.ssl = 0;
    seen s = {0};
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_start("127.0.0.1", &o, record, &s, &c), 0);
    long long end = now_ms() + 5000;
    while (s.n < 1 && now_ms() < end) {
        imapclient_wants w;
        assert_int_equal(imapclient_want(c, &w), 0);
        struct pollfd p = {w.fd,
                           (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                   (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0)),
                           0};
        poll(&p, 1, w.timeout_ms < 0 || w.timeout_ms > 100 ? 100 : w.timeout_ms);
        assert_int_equal(imapclient_drive(c), 0);
    }
    assert_int_equal(s.n, 1);
    assert_int_equal(s.status[0], 0);
    int fd = imapclient_socket(c);
    assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 30);
    reap(c, pid);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_probe__defaults),
        cmocka_unit_test(test_idle_probe__async_renewal),
        cmocka_unit_test(test_idle_probe__async_done_during_renewal),
        cmocka_unit_test(test_idle_probe__renewal_follows_quirks),
        cmocka_unit_test(test_idle_probe__async_renewal_unanswered),
        cmocka_unit_test(test_idle_probe__async_done_unanswered),
        cmocka_unit_test(test_idle_probe__async_renewal_refused),
        cmocka_unit_test(test_idle_probe__done_bounded),
        cmocka_unit_test(test_idle_probe__check_renews_then_finds_dead_peer),
        cmocka_unit_test(test_idle_probe__check_forever_renews),
        cmocka_unit_test(test_idle_probe__keepalive_default),
        cmocka_unit_test(test_idle_probe__keepalive_tuned),
        cmocka_unit_test(test_idle_probe__keepalive_off),
        cmocka_unit_test(test_idle_probe__keepalive_async_connect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
