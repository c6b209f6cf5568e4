/* Slow servers against the call's deadline (issue 14, item 4): a server
 * that sends a byte now and then never lets a read timeout expire, so
 * without a deadline one call lasts for ever (a 5,000-byte literal at a
 * byte a second: 83 minutes). With one, every wait counts: reads, literal
 * reads, writes, TLS handshakes, IDLE. The scripted server drips and
 * pauses (!DRIP, !DELAY); for sockets and TLS a server thread on
 * 127.0.0.1 (tls_server.h). Each test checks the call fails with ETIMEOUT
 * naming the deadline, long before the server would have finished, and
 * what becomes of the handle. */
#include "hostile.h"

#include <time.h>

#include "tls_server.h"

static long long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static imapclient *with_deadline(const char *script, int deadline_ms)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.deadline_ms = deadline_ms;
    return h_connect(script, &o);
}

/* Out of step after a deadline: closed, every later call EABORT. */
static void assert_closed(imapclient *c)
{
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_LOGOUT);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    imapclient_free(c);
}

#define SEL H_GREET_AUTH H_SELECT

/* A 5,000-byte literal at a byte every 20 ms would take 100 s. */
static void test_hostile__deadline_dripped_literal(void **state)
{
    hbuf s = {0};
    hb_adds(&s, SEL "C: A002 UID FETCH 1 (BODY[])\n"
                    "S: * 1 FETCH (UID 1 BODY[] {5000}\n"
                    "!DRIP 20\n"
                    "S* 50 "
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                    "xxxxxxxxxxxxxxxxxxxxxx\n"
                    "S: )\nS: A002 OK done\n");
    imapclient *c = with_deadline(s.p, 300);
    hb_free(&s);
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_fetch_result *r = NULL;
    long long t0 = ms_now();
    h_assert_rc(imapclient_fetch(c, "1", (const char *[]){"BODY[]", NULL}, NULL, &r),
                IMAPCLIENT_ETIMEOUT, c);
    long long took = ms_now() - t0;
    assert_null(r);
    h_assert_errmsg_has(c, "deadline of 300 ms passed");
    assert_true(took >= 250 && took < 5000);
    assert_closed(c);
}

/* A response line, dripped, with no read timeout at all. */
static void test_hostile__deadline_dripped_line(void **state)
{
    imapclient *c = with_deadline(H_GREET_AUTH "C: A001 NOOP\n"
                                               "!DRIP 10\n"
                                               "S* 1000 * 1 EXISTS\n"
                                               "S: A001 OK done\n",
                                  200);
    long long t0 = ms_now();
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_ETIMEOUT, c);
    assert_true(ms_now() - t0 < 5000);
    h_assert_errmsg_has(c, "deadline of 200 ms passed");
    assert_closed(c);
}

/* A server that says nothing: the deadline comes before the (endless)
 * read timeout. */
static void test_hostile__deadline_silent_server(void **state)
{
    imapclient *c = with_deadline(
        H_GREET_AUTH "C: A001 LIST \"\" \"*\"\n!DELAY 10000\nS: A001 OK done\n", 200);
    long long t0 = ms_now();
    h_assert_rc(imapclient_list_folders(c, "", "*", NULL), IMAPCLIENT_ETIMEOUT, c);
    assert_true(ms_now() - t0 < 5000);
    assert_closed(c);
}

/* The setting: per handle, changed between calls; each call gets the whole
 * deadline anew, and 0 is none. */
static void test_hostile__deadline_setter(void **state)
{
    imapclient *c = with_deadline(H_GREET_AUTH "C: A001 NOOP\n"
                                               "!DELAY 150\n"
                                               "S: A001 OK done\n"
                                               "C: A002 NOOP\n"
                                               "!DELAY 150\n"
                                               "S: A002 OK done\n"
                                               "C: A003 NOOP\n"
                                               "!DRIP 2\n"
                                               "S* 20 * 1 EXISTS\n"
                                               "S: A003 OK done\n"
                                               "C: A004 NOOP\n"
                                               "!DELAY 1000\n"
                                               "S: A004 OK done\n",
                                  1000);
    assert_int_equal(imapclient_get_deadline(c), 1000);
    h_assert_rc(imapclient_noop(c, NULL), 0, c); /* 150 ms of 1000 */
    h_assert_rc(imapclient_noop(c, NULL), 0, c); /* again 150 ms: a new deadline */
    imapclient_set_deadline(c, 0);
    assert_int_equal(imapclient_get_deadline(c), 0);
    h_assert_rc(imapclient_noop(c, NULL), 0, c); /* slow but no deadline */
    imapclient_set_deadline(c, 100);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_ETIMEOUT, c);
    imapclient_set_deadline(c, -5);
    assert_int_equal(imapclient_get_deadline(c), 0);
    assert_closed(c);
}

/* idle_check keeps its own timeout but never passes the deadline; with
 * nothing read the handle is still in IDLE and in step. idle_done is bound
 * by it too. */
static void test_hostile__deadline_idle(void **state)
{
    imapclient *c = with_deadline(H_GREET_AUTH "C: A001 IDLE\nS: + idling\n"
                                               "!DELAY 600\n"
                                               "S: * 4 EXISTS\n"
                                               "C: DONE\n"
                                               "!DELAY 2000\n"
                                               "S: A001 OK done\n",
                                  200);
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    long long t0 = ms_now();
    h_assert_rc(imapclient_idle_check(c, 10000, &r), IMAPCLIENT_ETIMEOUT, c);
    assert_true(ms_now() - t0 < 2000);
    assert_null(r);
    h_assert_errmsg_has(c, "idle_check: the call's deadline of 200 ms passed");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    imapclient_set_deadline(c, 0);
    h_assert_rc(imapclient_idle_check(c, 10000, &r), 0, c); /* the rest of the 600 */
    assert_int_equal(r->count, 1);
    imapclient_responses_free(r);
    imapclient_set_deadline(c, 200);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_ETIMEOUT, c);
    assert_closed(c);
}

/* connect is a call: a greeting that never ends. */
static void test_hostile__deadline_greeting(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.deadline_ms = 200;
    imapclient *c = NULL;
    h_assert_rc(
        imapclient_connect_scripted("!DRIP 50\nS: * OK a slow, slow greeting\n", &o, &c),
        IMAPCLIENT_ETIMEOUT, c);
    h_assert_errmsg_has(c, "deadline");
    imapclient_free(c);
}

/* Writes: a server that stops reading while a large literal is sent (a
 * streamed APPEND: its bytes are made as they go out, so all the time is
 * spent waiting on the socket). */
static long long xs(void *payload, char *buf, size_t n)
{
    memset(buf, 'x', n);
    return (long long)n;
}

static void test_hostile__deadline_write(void **state)
{
    ts_server s;
    /* (the client's close cannot reach a server that does not read: it
     * hangs its whole time) */
    ts_start(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi\n!HANG 3000\n");
    imapclient_options o;
    ts_options(&s, &o);
    o.deadline_ms = 300;
    imapclient *c = NULL;
    h_assert_rc(imapclient_connect("127.0.0.1", &o, &c), 0, c);
    /* far more than the socket buffers hold */
    imapclient_source src = {.fd = -1, .read = xs, .size = 1ull << 30, .crlf = 1};
    long long t0 = ms_now();
    h_assert_rc(imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL),
                IMAPCLIENT_ETIMEOUT, c);
    assert_true(ms_now() - t0 < 2500);
    h_assert_errmsg_has(c, "sending: the call's deadline of 300 ms passed");
    assert_closed(c);
    ts_finish(&s);
}

/* TLS handshakes: STARTTLS to a server that never answers the handshake,
 * and implicit TLS at connect. */
static void test_hostile__deadline_tls_handshake(void **state)
{
    ts_server s;
    ts_start(&s, "S: * OK [CAPABILITY IMAP4rev1 STARTTLS] hi\n"
                 "C: A001 STARTTLS\n"
                 "S: A001 OK Begin TLS\n"
                 "!HANG 20000\n");
    imapclient_options o;
    ts_options(&s, &o);
    o.deadline_ms = 300;
    imapclient *c = NULL;
    h_assert_rc(imapclient_connect("127.0.0.1", &o, &c), 0, c);
    long long t0 = ms_now();
    h_assert_rc(imapclient_starttls(c), IMAPCLIENT_ETIMEOUT, c);
    assert_true(ms_now() - t0 < 5000);
    h_assert_errmsg_has(c, "deadline of 300 ms passed");
    assert_closed(c);
    ts_finish(&s);

    ts_start(&s, "!HANG 20000\n");
    ts_options(&s, &o);
    o.ssl = 1;
    o.deadline_ms = 300;
    t0 = ms_now();
    h_assert_rc(imapclient_connect("127.0.0.1", &o, &c), IMAPCLIENT_ETIMEOUT, c);
    assert_true(ms_now() - t0 < 5000);
    h_assert_errmsg_has(c, "deadline of 300 ms passed");
    imapclient_free(c);
    ts_finish(&s);
}

/* Without a deadline nothing changes: a slow server is waited for. */
static void test_hostile__no_deadline_waits(void **state)
{
    imapclient *c = with_deadline(H_GREET_AUTH "C: A001 NOOP\n"
                                               "!DRIP 1\n"
                                               "S* 20 * 1 EXISTS\n"
                                               "S: A001 OK done\n" NOOP("A002"),
                                  0);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_noop(c, &r), 0, c);
    assert_int_equal(r->count, 20);
    imapclient_responses_free(r);
    usable(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__deadline_dripped_literal),
        cmocka_unit_test(test_hostile__deadline_dripped_line),
        cmocka_unit_test(test_hostile__deadline_silent_server),
        cmocka_unit_test(test_hostile__deadline_setter),
        cmocka_unit_test(test_hostile__deadline_idle),
        cmocka_unit_test(test_hostile__deadline_greeting),
        cmocka_unit_test(test_hostile__deadline_write),
        cmocka_unit_test(test_hostile__deadline_tls_handshake),
        cmocka_unit_test(test_hostile__no_deadline_waits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
