/* The non-blocking API against the private Dovecot: connect (plain, TLS,
 * STARTTLS) step by step from a poll() loop, a session of pipelined
 * commands, 200 APPENDs in flight at once, IDLE seeing another
 * connection's changes, fetch_each with a sink, the connect timeout
 * against a listener that never greets, and streaming APPEND from files. */
#include "live.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Completions seen by a test. */
typedef struct log {
    int n, failed;
    imapclient_op op[512];
    int status[512];
    char err[256];
    long count; /* messages or ids of the last result */
    uint32_t uids[512];
    int nuids;
} log;

static void record(imapclient *c, imapclient_completion *d)
{
    log *l = d->user;
    if (l->n < 512) {
        l->op[l->n] = d->op;
        l->status[l->n] = d->status;
    }
    l->n++;
    if (d->status) {
        l->failed++;
        snprintf(l->err, sizeof l->err, "%s", d->errmsg);
    }
    if (!d->result)
        return;
    if (d->op == IMAPCLIENT_OP_FETCH)
        l->count = (long)((imapclient_fetch_result *)d->result)->count;
    else if (d->op == IMAPCLIENT_OP_SEARCH)
        l->count = (long)((imapclient_ids *)d->result)->count;
    else if (d->op == IMAPCLIENT_OP_APPEND) {
        imapclient_append_result *a = d->result;
        if (a->count && l->nuids < 512)
            l->uids[l->nuids++] = a->uids[0];
    }
}

/* poll() one handle and drive it until *done reaches want, the handle
 * dies or ms pass; the handle's status. */
static int pump(imapclient *c, const int *done, int want, int ms)
{
    long long end = now_ms() + ms;
    while (*done < want && now_ms() < end) {
        imapclient_wants w;
        int rc = imapclient_want(c, &w);
        if (rc < 0)
            return rc;
        struct pollfd p = {.fd = w.fd, .events = 0};
        if (w.events & IMAPCLIENT_WANT_READ)
            p.events |= POLLIN;
        if (w.events & IMAPCLIENT_WANT_WRITE)
            p.events |= POLLOUT;
        int t = w.timeout_ms < 0 || w.timeout_ms > 200 ? 200 : w.timeout_ms;
        poll(&p, 1, t);
        if ((rc = imapclient_drive(c)) < 0)
            return *done >= want ? 0 : rc; /* (LOGOUT ends the handle) */
    }
    return 0;
}

static void expect_ok(const log *l, int upto)
{
    if (l->failed)
        fail_msg("%d completions failed; last: %s", l->failed, l->err);
    assert_int_equal(l->n, upto);
}

/* Connect on the plain port, log in, select, search, fetch and log out,
 * every command started before the one before it completed. */
static void test_async__whole_session_pipelined(void **state)
{
    const live_env *e = live_require();
    imapclient_options o;
    live_plain_opts(&o);
    log l = {0};
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_start(e->host, &o, record, &l, &c), 0);
    assert_int_equal(imapclient_start_login(c, e->user, e->password, record, &l, NULL),
                     0);
    assert_int_equal(imapclient_start_select_folder(c, "INBOX", 1, record, &l, NULL), 0);
    assert_int_equal(
        imapclient_start_search(c, (const char *[]){"ALL", NULL}, NULL, record, &l, NULL),
        0);
    assert_int_equal(imapclient_start_fetch(c, "1:*", (const char *[]){"ENVELOPE", NULL},
                                            NULL, record, &l, NULL),
                     0);
    assert_int_equal(imapclient_start_logout(c, record, &l, NULL), 0);
    assert_int_equal(pump(c, &l.n, 6, 10000), 0);
    expect_ok(&l, 6);
    assert_int_equal(l.op[0], IMAPCLIENT_OP_CONNECT);
    assert_int_equal(l.op[5], IMAPCLIENT_OP_LOGOUT);
    assert_int_equal(l.count, e->inbox_count); /* the fetch, last result counted */
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_LOGOUT);
    imapclient_free(c);
}

/* Commands without waiting over COMPRESS=DEFLATE (switched on by the
 * blocking call): the compressed transport's non-blocking forms. */
static void test_async__over_compress(void **state)
{
    const live_env *e = live_require();
    imapclient *c = live_login();
    assert_int_equal(imapclient_compress(c), 0);
    log l = {0};
    assert_int_equal(imapclient_start_select_folder(c, "INBOX", 1, record, &l, NULL), 0);
    assert_int_equal(imapclient_start_fetch(c, "1:*",
                                            (const char *[]){"BODY.PEEK[]", NULL}, NULL,
                                            record, &l, NULL),
                     0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(imapclient_start_noop(c, record, &l, NULL), 0);
    assert_int_equal(pump(c, &l.n, 52, 10000), 0);
    expect_ok(&l, 52);
    assert_int_equal(l.count, e->inbox_count);
    assert_true(imapclient_is_compressed(c));
    imapclient_free(c);
}

/* Implicit TLS, verified against the test CA, handshake step by step; the
 * wrong name fails with ECERTIFICATE in the connect completion. */
static void test_async__tls_connect(void **state)
{
    const live_env *e = live_require();
    imapclient_options o;
    live_tls_opts(&o);
    o.tls_hostname = e->cert_name;
    log l = {0};
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_start(e->host, &o, record, &l, &c), 0);
    assert_int_equal(imapclient_start_login(c, e->user, e->password, record, &l, NULL),
                     0);
    assert_int_equal(pump(c, &l.n, 2, 10000), 0);
    expect_ok(&l, 2);
    assert_true(imapclient_is_tls(c));
    imapclient_free(c);

    o.tls_hostname = NULL; /* 127.0.0.1 is not in the certificate */
    log m = {0};
    assert_int_equal(imapclient_connect_start(e->host, &o, record, &m, &c), 0);
    pump(c, &m.n, 1, 10000);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.status[0], IMAPCLIENT_ECERTIFICATE);
    assert_int_equal(imapclient_drive(c), IMAPCLIENT_ECERTIFICATE);
    imapclient_free(c);
}

/* STARTTLS without waiting: the completion comes once TLS is up, and the
 * login queued behind it goes over TLS. */
static void test_async__starttls(void **state)
{
    const live_env *e = live_require();
    imapclient_options o;
    live_plain_opts(&o);
    o.ca_file = e->ca;
    o.tls_hostname = e->cert_name;
    log l = {0};
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_start(e->host, &o, record, &l, &c), 0);
    assert_int_equal(imapclient_start_starttls(c, record, &l, NULL), 0);
    assert_int_equal(imapclient_start_login(c, e->user, e->password, record, &l, NULL),
                     0);
    assert_int_equal(imapclient_start_noop(c, record, &l, NULL), 0);
    assert_int_equal(pump(c, &l.n, 4, 10000), 0);
    expect_ok(&l, 4);
    assert_int_equal(l.op[1], IMAPCLIENT_OP_STARTTLS);
    assert_true(imapclient_is_tls(c));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    imapclient_free(c);
}

/* 200 APPENDs in flight at once (LITERAL+): each completes with its own
 * APPENDUID, all distinct, and the folder holds 200 messages. */
static void test_async__two_hundred_appends_in_flight(void **state)
{
    imapclient *c = live_login();
    char folder[64];
    snprintf(folder, sizeof folder, "async-append-%d", (int)getpid());
    assert_int_equal(imapclient_create_folder(c, folder, NULL), 0);
    log l = {0};
    char msg[256];
    for (int i = 0; i < 200; i++) {
        int n = snprintf(msg, sizeof msg,
                         "From: a@example.com\nSubject: pipelined %d\n\nbody %d\n", i, i);
        assert_int_equal(imapclient_start_append(c, folder, msg, (size_t)n, NULL, NULL,
                                                 record, &l, NULL),
                         0);
    }
    assert_int_equal(imapclient_pending_commands(c), 200);
    assert_int_equal(pump(c, &l.n, 200, 30000), 0);
    expect_ok(&l, 200);
    assert_int_equal(l.nuids, 200);
    for (int i = 0; i < 200; i++)
        for (int j = i + 1; j < 200; j++)
            assert_true(l.uids[i] != l.uids[j]);
    imapclient_status_info *st;
    assert_int_equal(imapclient_folder_status(c, folder, NULL, &st), 0);
    assert_int_equal(st->messages, 200);
    imapclient_status_info_free(st);
    assert_int_equal(imapclient_delete_folder(c, folder, NULL), 0);
    imapclient_logout(c, NULL);
    imapclient_free(c);
}

/* Dovecot refuses an APPEND to a folder that does not exist as soon as it
 * reads the command line (NO [TRYCREATE]), then reads and drops the
 * LITERAL+ message. The client is then still sending that message: it
 * must send all of it, or Dovecot reads the next command as message
 * data. Here a 4 MB refused APPEND, then a small one that must land in
 * the right folder, then a NOOP, all in flight at once. */
static void test_async__refused_append_keeps_the_stream_in_step(void **state)
{
    imapclient *c = live_login();
    char folder[64];
    snprintf(folder, sizeof folder, "async-refused-%d", (int)getpid());
    assert_int_equal(imapclient_create_folder(c, folder, NULL), 0);
    size_t big = 4u << 20;
    char *msg = malloc(big);
    assert_non_null(msg);
    memcpy(msg, "Subject: refused\r\n\r\n", 20);
    for (size_t i = 20; i < big; i++)
        msg[i] = (i % 72) == 70 ? '\r' : (i % 72) == 71 ? '\n' : 'a' + (char)(i % 26);
    /* a body line that reads as a command if taken out of its literal */
    memcpy(msg + big - 24, "\r\nx DELETE INBOX\r\n\r\n\r\n\r\n", 24);
    /* a small send buffer: the refusal surely comes while the message
     * is on its way */
    imapclient_wants w;
    assert_int_equal(imapclient_want(c, &w), 0);
    int sndbuf = 16384;
    assert_int_equal(setsockopt(w.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
    log l = {0};
    assert_int_equal(imapclient_start_append(c, "no-such-folder-here", msg, big, NULL,
                                             NULL, record, &l, NULL),
                     0);
    static const char small[] = "Subject: small\r\n\r\nhi\r\n";
    assert_int_equal(imapclient_start_append(c, folder, small, sizeof small - 1, NULL,
                                             NULL, record, &l, NULL),
                     0);
    assert_int_equal(imapclient_start_noop(c, record, &l, NULL), 0);
    assert_int_equal(pump(c, &l.n, 3, 20000), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.status[0], IMAPCLIENT_ERROR);
    assert_non_null(strstr(l.err, "TRYCREATE"));
    assert_int_equal(l.status[1], 0);
    assert_int_equal(l.status[2], 0);
    assert_int_equal(l.failed, 1);
    imapclient_status_info *st;
    assert_int_equal(imapclient_folder_status(c, folder, NULL, &st), 0);
    assert_int_equal(st->messages, 1);
    imapclient_status_info_free(st);
    free(msg);
    assert_int_equal(imapclient_delete_folder(c, folder, NULL), 0);
    imapclient_logout(c, NULL);
    imapclient_free(c);
}

static void count_exists(void *payload, imapclient *c, const imapclient_response *r)
{
    if (r->has_number && !strcmp(r->name, "EXISTS"))
        *(int *)payload = (int)r->number;
}

/* IDLE without waiting sees an APPEND made by another connection. */
static void test_async__idle_sees_other_connection(void **state)
{
    const live_env *e = live_require();
    imapclient *other = live_login();
    char folder[64];
    snprintf(folder, sizeof folder, "async-idle-%d", (int)getpid());
    assert_int_equal(imapclient_create_folder(other, folder, NULL), 0);

    imapclient_options o;
    live_plain_opts(&o);
    log l = {0};
    int exists = -1;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_start(e->host, &o, record, &l, &c), 0);
    imapclient_set_unsolicited_cb(c, count_exists, &exists);
    assert_int_equal(imapclient_start_login(c, e->user, e->password, record, &l, NULL),
                     0);
    assert_int_equal(imapclient_start_select_folder(c, folder, 0, record, &l, NULL), 0);
    assert_int_equal(imapclient_start_idle(c, record, &l, NULL), 0);
    assert_int_equal(pump(c, &l.n, 4, 10000), 0);
    expect_ok(&l, 4);
    assert_int_equal(l.op[3], IMAPCLIENT_OP_IDLE);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);

    static const char msg[] = "From: a@example.com\r\nSubject: new\r\n\r\nhi\r\n";
    assert_int_equal(
        imapclient_append(other, folder, msg, sizeof msg - 1, NULL, NULL, NULL), 0);
    long long end = now_ms() + 10000;
    while (exists < 1 && now_ms() < end) {
        int zero = 0;
        assert_int_equal(pump(c, &zero, 1, 200), 0);
    }
    assert_int_equal(exists, 1);
    assert_int_equal(imapclient_start_idle_done(c, record, &l, NULL), 0);
    assert_int_equal(pump(c, &l.n, 5, 10000), 0);
    expect_ok(&l, 5);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    imapclient_free(c);
    assert_int_equal(imapclient_delete_folder(other, folder, NULL), 0);
    imapclient_logout(other, NULL);
    imapclient_free(other);
}

typedef struct sunk {
    size_t bytes;
    int messages;
} sunk;

static int on_msg(void *payload, const imapclient_message *m)
{
    ((sunk *)payload)->messages++;
    return 0;
}

static int on_sink(void *payload, uint32_t seq, const char *name, const char *data,
                   size_t len)
{
    ((sunk *)payload)->bytes += len;
    return 0;
}

/* fetch_each without waiting: every message to the callback, bodies to
 * the sink, as they arrive. */
static void test_async__fetch_each_with_sink(void **state)
{
    const live_env *e = live_require();
    imapclient *c = live_login();
    assert_int_equal(imapclient_select_folder(c, "INBOX", 1, NULL), 0);
    sunk s = {0};
    log l = {0};
    assert_int_equal(
        imapclient_start_fetch_each(c, "1:*", (const char *[]){"BODY.PEEK[]", NULL}, NULL,
                                    on_msg, on_sink, 0, &s, record, &l, NULL),
        0);
    assert_int_equal(pump(c, &l.n, 1, 10000), 0);
    expect_ok(&l, 1);
    assert_int_equal(s.messages, e->inbox_count);
    assert_true(s.bytes > 1000);
    imapclient_free(c);
}

/* A listener that accepts and never greets: the connect completes with
 * ETIMEOUT once connect_timeout_ms passed, measured by the loop. */
static void test_async__connect_timeout(void **state)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(ls, 4), 0);
    socklen_t al = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &al);
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = ntohs(a.sin_port);
    o.connect_timeout_ms = 400;
    log l = {0};
    imapclient *c = NULL;
    long long t0 = now_ms();
    assert_int_equal(imapclient_connect_start("127.0.0.1", &o, record, &l, &c), 0);
    assert_int_equal(pump(c, &l.n, 1, 5000), 0);
    long long took = now_ms() - t0;
    assert_int_equal(imapclient_drive(c), IMAPCLIENT_ETIMEOUT);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.status[0], IMAPCLIENT_ETIMEOUT);
    assert_true(took >= 350 && took < 3000);
    imapclient_free(c);
    close(ls);
}

/* Streaming APPEND from a file with bare LF line ends: sent normalised,
 * read back with CRLF; MULTIAPPEND of 20 files in one command. */
static void test_async__append_stream_from_files(void **state)
{
    imapclient *c = live_login();
    char folder[64], path[64];
    snprintf(folder, sizeof folder, "stream-append-%d", (int)getpid());
    assert_int_equal(imapclient_create_folder(c, folder, NULL), 0);
    snprintf(path, sizeof path, "/tmp/stream-append-%d.eml", (int)getpid());
    FILE *f = fopen(path, "w+");
    assert_non_null(f);
    fputs("From: a@example.com\nSubject: streamed\n\n", f);
    for (int i = 0; i < 2000; i++)
        fprintf(f, "line %d of a body read from a file\n", i);
    fflush(f);
    long raw = ftell(f);
    int fd = fileno(f);
    lseek(fd, 0, SEEK_SET);
    imapclient_source src = {.fd = fd, .size = (uint64_t)raw};
    imapclient_append_result *res = NULL;
    assert_int_equal(imapclient_append_stream(c, folder, &src, NULL, NULL, &res), 0);
    assert_int_equal(res->count, 1);
    uint32_t uid = res->uids[0];
    imapclient_append_result_free(res);
    assert_int_equal(imapclient_select_folder(c, folder, 0, NULL), 0);
    char set[16];
    snprintf(set, sizeof set, "%u", uid);
    imapclient_fetch_result *fr;
    assert_int_equal(
        imapclient_fetch(c, set, (const char *[]){"RFC822.SIZE", NULL}, NULL, &fr), 0);
    assert_int_equal(fr->count, 1);
    /* every one of the 2003 LFs became CRLF */
    assert_int_equal(fr->msgs[0].size, (uint64_t)raw + 2003);
    imapclient_fetch_result_free(fr);

    imapclient_append_source msgs[20];
    for (int i = 0; i < 20; i++)
        msgs[i] = (imapclient_append_source){.src = src};
    assert_int_equal(imapclient_multiappend_stream(c, folder, msgs, 20, &res), 0);
    assert_int_equal(res->count, 20);
    imapclient_append_result_free(res);
    imapclient_status_info *st;
    assert_int_equal(imapclient_unselect_folder(c, NULL), 0);
    assert_int_equal(imapclient_folder_status(c, folder, NULL, &st), 0);
    assert_int_equal(st->messages, 21);
    imapclient_status_info_free(st);
    fclose(f);
    unlink(path);
    assert_int_equal(imapclient_delete_folder(c, folder, NULL), 0);
    imapclient_logout(c, NULL);
    imapclient_free(c);
}

int main(void)
{
    live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async__whole_session_pipelined),
        cmocka_unit_test(test_async__over_compress),
        cmocka_unit_test(test_async__tls_connect),
        cmocka_unit_test(test_async__starttls),
        cmocka_unit_test(test_async__two_hundred_appends_in_flight),
        cmocka_unit_test(test_async__refused_append_keeps_the_stream_in_step),
        cmocka_unit_test(test_async__idle_sees_other_connection),
        cmocka_unit_test(test_async__fetch_each_with_sink),
        cmocka_unit_test(test_async__connect_timeout),
        cmocka_unit_test(test_async__append_stream_from_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
