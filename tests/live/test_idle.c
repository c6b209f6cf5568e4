/* Live: IDLE against the private Dovecot. One connection idles in a folder
 * of its own while a second one appends, flags and expunges there; the
 * first sees EXISTS, FETCH and EXPUNGE. Also: idle_check timing out empty,
 * polling imapclient_socket(), renewal, and calls refused while idling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "live/live.h"

/* Dovecot reports changes at once (inotify) or, without inotify, within
 * mailbox_idle_check_interval (30 s): wait up to 40 s for each. */
#define EVENT_WAIT_MS 40000

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int has_flag(const imapclient_response *r, const char *flag)
{
    /* (FLAGS (...)) possibly with UID / MODSEQ items around it */
    const imapclient_value *a = r->args;
    if (a->count != 1 || a->items[0].type != IMAPCLIENT_VALUE_LIST)
        return 0;
    const imapclient_value *l = &a->items[0];
    for (size_t i = 0; i + 1 < l->count; i += 2)
        if (imapclient_value_is(&l->items[i], "FLAGS"))
            for (size_t k = 0; k < l->items[i + 1].count; k++)
                if (imapclient_value_is(&l->items[i + 1].items[k], flag))
                    return 1;
    return 0;
}

/* Run idle_check until a response name (with number) arrives; returns 1
 * when seen. With flag, a FETCH must also carry that flag. */
static int wait_for(imapclient *c, const char *name, uint32_t number, const char *flag)
{
    long long end = now_ms() + EVENT_WAIT_MS;
    while (now_ms() < end) {
        imapclient_responses *r = NULL;
        check(imapclient_idle_check(c, (int)(end - now_ms()) + 1, &r), c);
        int seen = 0;
        for (size_t i = 0; i < r->count; i++)
            if (r->items[i].has_number && r->items[i].number == number &&
                !strcmp(r->items[i].name, name) &&
                (!flag || has_flag(&r->items[i], flag)))
                seen = 1;
        imapclient_responses_free(r);
        if (seen)
            return 1;
    }
    return 0;
}

static const char MSG[] = "From: a@example.com\r\n"
                          "To: b@example.com\r\n"
                          "Subject: idle test\r\n"
                          "\r\n"
                          "hello\r\n";

static void test_idle__second_connection_changes(void **state)
{
    char folder[64];
    snprintf(folder, sizeof folder, "IdleTest-%d", (int)getpid());
    imapclient *a = live_login(), *b = live_login();
    check(imapclient_create_folder(b, folder, NULL), b);
    check(imapclient_select_folder(a, folder, 0, NULL), a);

    check(imapclient_idle(a), a);
    assert_int_equal(imapclient_get_state(a), IMAPCLIENT_STATE_IDLE);
    /* any other call is refused without touching the connection */
    assert_int_equal(imapclient_noop(a, NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_select_folder(a, "INBOX", 0, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);

    /* append: EXISTS, noticed by polling the socket */
    check(imapclient_append(b, folder, MSG, sizeof MSG - 1, NULL, NULL, NULL), b);
    int fd = imapclient_socket(a);
    assert_true(fd >= 0);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&p, 1, EVENT_WAIT_MS), 1);
    imapclient_responses *r = NULL;
    int exists = 0;
    long long end = now_ms() + EVENT_WAIT_MS;
    while (!exists && now_ms() < end) {
        check(imapclient_idle_check(a, 1000, &r), a);
        for (size_t i = 0; i < r->count; i++)
            if (r->items[i].has_number && r->items[i].number == 1 &&
                !strcmp(r->items[i].name, "EXISTS"))
                exists = 1;
        imapclient_responses_free(r);
    }
    assert_true(exists);

    /* flag change: FETCH (FLAGS (\Flagged)) */
    check(imapclient_select_folder(b, folder, 0, NULL), b);
    check(imapclient_add_flags(b, "1", (const char *[]){"\\Flagged", NULL}, 1, NULL), b);
    assert_true(wait_for(a, "FETCH", 1, "\\Flagged"));

    /* expunge: EXPUNGE */
    check(imapclient_delete_messages(b, "1", 1, NULL), b);
    check(imapclient_expunge(b, NULL, NULL), b);
    assert_true(wait_for(a, "EXPUNGE", 1, NULL));

    const char *text = NULL;
    imapclient_responses *rest = NULL;
    check(imapclient_idle_done(a, &text, &rest), a);
    assert_non_null(strstr(text, "Idle completed"));
    assert_non_null(rest);
    imapclient_responses_free(rest);
    assert_int_equal(imapclient_get_state(a), IMAPCLIENT_STATE_SELECTED);
    check(imapclient_noop(a, NULL), a);

    check(imapclient_close_folder(a, NULL), a);
    check(imapclient_close_folder(b, NULL), b);
    check(imapclient_delete_folder(b, folder, NULL), b);
    imapclient_free(a);
    imapclient_free(b);
}

static void test_idle__check_times_out_empty(void **state)
{
    /* IDLE without a folder selected (authenticated state is enough) */
    imapclient *c = live_login();
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    long long t0 = now_ms();
    check(imapclient_idle_check(c, 1500, &r), c);
    long long took = now_ms() - t0;
    /* Nothing happens without a folder; only a keep-alive "* OK ..." may
     * come (Dovecot sends one when IDLE starts close to its notify
     * interval). Anything else is a failure, shown with its bytes. */
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->items[i].name, "OK") != 0)
            fail_msg("unexpected response in IDLE: %.*s", (int)r->items[i].raw_len,
                     r->items[i].raw);
    int keepalive_only = r->count > 0;
    imapclient_responses_free(r);
    if (keepalive_only)
        took = 1500; /* the wait ended early on the keep-alive */
    if (took < 1400 || took > 2500)
        fail_msg("idle_check(1500 ms) took %lld ms", took);
    /* zero: no wait at all */
    t0 = now_ms();
    check(imapclient_idle_check(c, 0, &r), c);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    assert_true(now_ms() - t0 < 500);
    check(imapclient_idle_done(c, NULL, NULL), c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

/* The call's deadline (issue 14, item 4) against a real server: idle_check
 * with a long timeout ends at the deadline, still in IDLE and in step; a
 * whole session with a deadline set goes on normally. */
static void test_idle__deadline(void **state)
{
    imapclient *c = live_login();
    imapclient_set_deadline(c, 10000);
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    check(imapclient_idle(c), c);
    imapclient_set_deadline(c, 400);
    imapclient_responses *r = NULL;
    long long t0 = now_ms();
    int rc = imapclient_idle_check(c, 20000, &r);
    long long took = now_ms() - t0;
    if (rc == 0) { /* a keep-alive "* OK" came first: wait once more */
        imapclient_responses_free(r);
        t0 = now_ms();
        rc = imapclient_idle_check(c, 20000, &r);
        took = now_ms() - t0;
    }
    assert_int_equal(rc, IMAPCLIENT_ETIMEOUT);
    assert_non_null(strstr(imapclient_errmsg(c), "deadline of 400 ms passed"));
    if (took < 350 || took > 3000)
        fail_msg("idle_check with a 400 ms deadline took %lld ms", took);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    imapclient_set_deadline(c, 10000);
    check(imapclient_idle_done(c, NULL, NULL), c);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

static void test_idle__renew(void **state)
{
    imapclient *c = live_login();
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    check(imapclient_idle(c), c);
    assert_int_equal(imapclient_idle_renew(c, IMAPCLIENT_IDLE_RENEW_MS), 0);
    assert_int_equal(imapclient_idle_renew(c, 0), 1);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 200, &r), c);
    imapclient_responses_free(r);
    check(imapclient_idle_done(c, NULL, NULL), c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

static void test_idle__over_tls(void **state)
{
    const live_env *e = live_require();
    imapclient_options o;
    live_tls_opts(&o);
    imapclient *c = NULL;
    if (imapclient_connect(e->cert_name, &o, &c))
        fail_msg("connect: %s", imapclient_errmsg(c));
    check(imapclient_login(c, e->user, e->password, NULL), c);
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 300, &r), c);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    const char *text = NULL;
    check(imapclient_idle_done(c, &text, NULL), c);
    assert_non_null(strstr(text, "Idle completed"));
    imapclient_free(c);
}

int main(void)
{
    live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle__second_connection_changes),
        cmocka_unit_test(test_idle__check_times_out_empty),
        cmocka_unit_test(test_idle__deadline),
        cmocka_unit_test(test_idle__renew),
        cmocka_unit_test(test_idle__over_tls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
