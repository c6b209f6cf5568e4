/* Many handles in one poll() loop against the private Dovecot: 50
 * connections started at once (connect, login, select, IDLE queued in one
 * go each), an APPEND made by another connection seen by every one of
 * them, then DONE and LOGOUT. The heap the handles hold while idling is
 * measured: the issue asks for at most 64 KB per connection. */
#include "live.h"

#include <malloc.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define N 50

/* AddressSanitizer has its own heap, which mallinfo2() does not see. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct conn {
    imapclient *c;
    int done;   /* completions */
    int failed; /* of which failed */
    int exists; /* the last EXISTS seen while idling */
    char err[160];
} conn;

static void completed(imapclient *c, imapclient_completion *d)
{
    conn *k = d->user;
    k->done++;
    if (d->status && !(d->op == IMAPCLIENT_OP_LOGOUT && d->status == IMAPCLIENT_EABORT)) {
        k->failed++;
        snprintf(k->err, sizeof k->err, "op %d: %s", d->op, d->errmsg);
    }
}

static void unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    conn *k = payload;
    if (r->has_number && !strcmp(r->name, "EXISTS"))
        k->exists = (int)r->number;
}

/* One poll() over every handle, then drive those ready (or due), until
 * done(k) holds for all or ms pass. */
static int loop(conn *k, int (*done)(const conn *), int ms)
{
    static struct pollfd p[N];
    long long end = now_ms() + ms;
    for (;;) {
        int all = 1, timeout = 200;
        for (int i = 0; i < N; i++) {
            all &= done(&k[i]);
            imapclient_wants w;
            p[i] = (struct pollfd){-1, 0, 0};
            if (imapclient_want(k[i].c, &w) < 0)
                continue;
            p[i].fd = w.fd;
            p[i].events = (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                  (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0));
            if (w.timeout_ms >= 0 && w.timeout_ms < timeout)
                timeout = w.timeout_ms;
        }
        if (all)
            return 0;
        if (now_ms() > end)
            return -1;
        poll(p, N, timeout);
        for (int i = 0; i < N; i++)
            imapclient_drive(k[i].c);
    }
}

static int through_idle(const conn *k)
{
    return k->done >= 4 || k->failed;
}

static int saw_exists(const conn *k)
{
    return k->exists >= 1 || k->failed;
}

static int through_done(const conn *k)
{
    return k->done >= 5 || k->failed;
}

static int through_logout(const conn *k)
{
    return k->done >= 6;
}

static void test_async_many__fifty_connections_in_one_loop(void **state)
{
    const live_env *e = live_require();
    imapclient *other = live_login();
    char folder[64];
    snprintf(folder, sizeof folder, "async-many-%d", (int)getpid());
    assert_int_equal(imapclient_create_folder(other, folder, NULL), 0);

    static conn k[N];
    memset(k, 0, sizeof k);
    imapclient_options o;
    live_plain_opts(&o);
    struct mallinfo2 before = mallinfo2();
    long long t0 = now_ms();
    for (int i = 0; i < N; i++) {
        assert_int_equal(imapclient_connect_start(e->host, &o, completed, &k[i], &k[i].c),
                         0);
        imapclient_set_unsolicited_cb(k[i].c, unsolicited, &k[i]);
        assert_int_equal(
            imapclient_start_login(k[i].c, e->user, e->password, completed, &k[i], NULL),
            0);
        assert_int_equal(
            imapclient_start_select_folder(k[i].c, folder, 0, completed, &k[i], NULL), 0);
        assert_int_equal(imapclient_start_idle(k[i].c, completed, &k[i], NULL), 0);
    }
    assert_int_equal(loop(k, through_idle, 30000), 0);
    long long ready = now_ms() - t0;
    for (int i = 0; i < N; i++) {
        if (k[i].failed)
            fail_msg("connection %d: %s", i, k[i].err);
        assert_int_equal(imapclient_get_state(k[i].c), IMAPCLIENT_STATE_IDLE);
    }
    /* what the handles hold while idling */
    struct mallinfo2 idle = mallinfo2();
    if (!SANITIZED && idle.uordblks > before.uordblks) {
        size_t per = (idle.uordblks - before.uordblks) / N;
        print_message("      %d connections in IDLE after %lld ms; heap %zu bytes each\n",
                      N, ready, per);
        assert_true(per <= 32 * 1024);
    }

    static const char msg[] = "From: a@example.com\r\nSubject: to all\r\n\r\nhello\r\n";
    assert_int_equal(
        imapclient_append(other, folder, msg, sizeof msg - 1, NULL, NULL, NULL), 0);
    assert_int_equal(loop(k, saw_exists, 30000), 0);
    for (int i = 0; i < N; i++) {
        if (k[i].failed)
            fail_msg("connection %d: %s", i, k[i].err);
        assert_int_equal(k[i].exists, 1);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(imapclient_start_idle_done(k[i].c, completed, &k[i], NULL), 0);
    assert_int_equal(loop(k, through_done, 30000), 0);
    for (int i = 0; i < N; i++) {
        if (k[i].failed)
            fail_msg("connection %d: %s", i, k[i].err);
        assert_int_equal(imapclient_get_state(k[i].c), IMAPCLIENT_STATE_SELECTED);
        assert_int_equal(imapclient_start_logout(k[i].c, completed, &k[i], NULL), 0);
    }
    assert_int_equal(loop(k, through_logout, 30000), 0);
    for (int i = 0; i < N; i++) {
        if (k[i].failed)
            fail_msg("connection %d: %s", i, k[i].err);
        imapclient_free(k[i].c);
    }
    assert_int_equal(imapclient_delete_folder(other, folder, NULL), 0);
    imapclient_logout(other, NULL);
    imapclient_free(other);
}

int main(void)
{
    live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_many__fifty_connections_in_one_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
