/* Issue 14's limits for the non-blocking API (include/imapclient/async.h):
 *
 * - item 4, the per-call deadline: a command started with
 *   imapclient_start_*() ends with ETIMEOUT once options.deadline_ms (the
 *   setting when it was started) passed, however the server trickles its
 *   bytes (the silence timeout never fires then); imapclient_want()
 *   announces it; an IDLE that is idling has none; the non-blocking
 *   connect counts as a call too.
 * - item 3, bounded memory: a flood of responses nobody asked for in the
 *   middle of each command started without waiting leaves the memory the
 *   handle holds under the cap on kept responses plus a little. */
#include "hostile.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define GREET "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE] ready\n"
#define SELECTED                                                                         \
    GREET "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK [READ-WRITE] done\n"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

typedef struct outcome {
    int n, status;
    imapclient_op op;
    char err[256];
} outcome;

static void on_done(imapclient *c, imapclient_completion *d)
{
    outcome *o = d->user;
    o->n++;
    o->status = d->status;
    o->op = d->op;
    snprintf(o->err, sizeof o->err, "%s", d->errmsg);
}

/* A handle on script (after SELECTED) with options o, INBOX selected. */
static imapclient *selected(const char *rest, const imapclient_options *o)
{
    size_t n = strlen(SELECTED) + strlen(rest) + 1;
    char *script = malloc(n);
    snprintf(script, n, "%s%s", SELECTED, rest);
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, o, &c);
    free(script);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    return c;
}

/* Drive as an event loop would (sleeping what imapclient_want() says, at
 * most step ms) until x completed, the handle died or limit_ms passed. */
static int loop(imapclient *c, const outcome *x, int step, int limit_ms)
{
    long long end = now_ms() + limit_ms;
    int rc = 0;
    while (!x->n && now_ms() < end) {
        imapclient_wants w;
        if ((rc = imapclient_want(c, &w)) != 0)
            break;
        sleep_ms(w.timeout_ms < 0 || w.timeout_ms > step ? step : w.timeout_ms);
        if ((rc = imapclient_drive(c)) != 0)
            break;
    }
    return rc;
}

/* ---- item 4: the deadline ------------------------------------------------- */

/* 400 bytes a byte every 10 ms: 4 s, while no silence lasts 100 ms. The
 * deadline of 300 ms ends the command (and the connection) in time. */
static void test_async_limits__deadline_beats_a_dripping_server(void **state)
{
    char rest[1024];
    char text[401];
    memset(text, 'x', 400);
    text[400] = '\0';
    snprintf(rest, sizeof rest, "C: A002 NOOP\n!DRIP 10\nS: * OK %s\nS: A002 OK n\n",
             text);
    imapclient_options o;
    imapclient_options_init(&o);
    o.timeout_ms = 100;
    imapclient *c = selected(rest, &o);
    imapclient_set_deadline(c, 300);
    outcome x = {0};
    long long t0 = now_ms();
    h_assert_rc(imapclient_start_noop(c, on_done, &x, NULL), 0, c);
    int rc = loop(c, &x, 5, 5000);
    long long took = now_ms() - t0;
    assert_int_equal(rc, IMAPCLIENT_ETIMEOUT);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.status, IMAPCLIENT_ETIMEOUT);
    assert_non_null(strstr(x.err, "deadline of 300 ms"));
    assert_true(took >= 290);
    if (took > 2000)
        fail_msg("the deadline of 300 ms took %lld ms", took);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    imapclient_free(c);
}

/* imapclient_want() announces the deadline of the command started under
 * it, also once the setting changed (each command keeps its own), and a
 * silent server without a silence timeout ends there. */
static void test_async_limits__want_announces_the_deadline(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.timeout_ms = 0; /* no silence timeout */
    imapclient *c = selected("C: A002 NOOP\n!TIMEOUT\n", &o);
    imapclient_wants w;
    h_assert_rc(imapclient_want(c, &w), 0, c);
    assert_int_equal(w.timeout_ms, -1);
    imapclient_set_deadline(c, 200);
    outcome x = {0};
    h_assert_rc(imapclient_start_noop(c, on_done, &x, NULL), 0, c);
    imapclient_set_deadline(c, 0);
    assert_int_equal(imapclient_get_deadline(c), 0);
    h_assert_rc(imapclient_drive(c), 0, c); /* NOOP goes out */
    h_assert_rc(imapclient_want(c, &w), 0, c);
    assert_true(w.timeout_ms > 0 && w.timeout_ms <= 200);
    assert_int_equal(loop(c, &x, 50, 3000), IMAPCLIENT_ETIMEOUT);
    assert_int_equal(x.status, IMAPCLIENT_ETIMEOUT);
    assert_non_null(strstr(x.err, "NOOP: the call's deadline of 200 ms passed"));
    imapclient_free(c);
}

/* Without a deadline nothing changes: the dripped answer arrives. */
static void test_async_limits__no_deadline_waits(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.timeout_ms = 1000;
    imapclient *c = selected("C: A002 NOOP\n!DRIP 2\nS: * OK slow\nS: A002 OK n\n", &o);
    outcome x = {0};
    h_assert_rc(imapclient_start_noop(c, on_done, &x, NULL), 0, c);
    assert_int_equal(loop(c, &x, 1, 5000), 0);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.status, 0);
    imapclient_free(c);
}

/* An IDLE that is idling may last as long as the caller wants: the
 * deadline covers IDLE until the server's "+", then DONE's answer. */
static void test_async_limits__idle_idling_has_no_deadline(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.deadline_ms = 100;
    o.idle_renew_ms = 0; /* no renewal timer: nothing at all is due */
    imapclient *c = selected("C: A002 IDLE\n"
                             "S: + idling\n"
                             "C: DONE\n"
                             "S: A002 OK idle over\n",
                             &o);
    outcome x = {0}, y = {0};
    h_assert_rc(imapclient_start_idle(c, on_done, &x, NULL), 0, c);
    assert_int_equal(loop(c, &x, 10, 2000), 0);
    assert_int_equal(x.status, 0);
    long long end = now_ms() + 300; /* three deadlines */
    while (now_ms() < end) {
        imapclient_wants w;
        h_assert_rc(imapclient_want(c, &w), 0, c);
        assert_int_equal(w.timeout_ms, -1);
        sleep_ms(20);
        h_assert_rc(imapclient_drive(c), 0, c);
    }
    h_assert_rc(imapclient_start_idle_done(c, on_done, &y, NULL), 0, c);
    assert_int_equal(loop(c, &y, 10, 2000), 0);
    assert_int_equal(y.status, 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

/* The non-blocking connect is a call too: a server that accepts and never
 * greets (a listening socket nobody accepts on) ends it at the deadline,
 * with no connect_timeout_ms set. */
static void test_async_limits__connect_deadline(void **state)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 4), 0);
    socklen_t al = sizeof a;
    getsockname(lfd, (struct sockaddr *)&a, &al);
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = ntohs(a.sin_port);
    o.connect_timeout_ms = 0;
    o.timeout_ms = 0;
    o.deadline_ms = 200;
    imapclient *c = NULL;
    outcome x = {0};
    long long t0 = now_ms();
    h_assert_rc(imapclient_connect_start("127.0.0.1", &o, on_done, &x, &c), 0, c);
    imapclient_wants w;
    h_assert_rc(imapclient_want(c, &w), 0, c);
    assert_true(w.timeout_ms >= 0 && w.timeout_ms <= 200);
    int rc = loop(c, &x, 20, 3000);
    long long took = now_ms() - t0;
    assert_int_equal(rc, IMAPCLIENT_ETIMEOUT);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.op, IMAPCLIENT_OP_CONNECT);
    assert_int_equal(x.status, IMAPCLIENT_ETIMEOUT);
    assert_non_null(strstr(x.err, "deadline of 200 ms"));
    assert_true(took >= 190 && took < 2000);
    imapclient_free(c);
    close(lfd);
}

/* ---- item 3: floods --------------------------------------------------------- */

#define FLOOD_CAP   (64u << 10)
#define FLOOD_SLACK (192u << 10)

typedef int (*starter)(imapclient *c, outcome *x);

static int st_fetch(imapclient *c, outcome *x)
{
    return imapclient_start_fetch(c, "1:*", (const char *[]){"UID", "FLAGS", NULL}, NULL,
                                  on_done, x, NULL);
}
static int count_msg(void *payload, const imapclient_message *m)
{
    return 0;
}
static int st_fetch_each(imapclient *c, outcome *x)
{
    return imapclient_start_fetch_each(c, "1:*", (const char *[]){"UID", "FLAGS", NULL},
                                       NULL, count_msg, NULL, 0, NULL, on_done, x, NULL);
}
static int st_search(imapclient *c, outcome *x)
{
    return imapclient_start_search(c, (const char *[]){"ALL", NULL}, NULL, on_done, x,
                                   NULL);
}
static int st_noop(imapclient *c, outcome *x)
{
    return imapclient_start_noop(c, on_done, x, NULL);
}
static int st_store(imapclient *c, outcome *x)
{
    return imapclient_start_add_flags(c, "1", (const char *[]){"\\Seen", NULL}, 0,
                                      on_done, x, NULL);
}
static int st_copy(imapclient *c, outcome *x)
{
    return imapclient_start_copy(c, "1", "Archive", on_done, x, NULL);
}
static int st_expunge(imapclient *c, outcome *x)
{
    return imapclient_start_expunge(c, NULL, on_done, x, NULL);
}
static int st_select(imapclient *c, outcome *x)
{
    return imapclient_start_select_folder(c, "Archive", 0, on_done, x, NULL);
}

typedef struct fcall {
    const char *name;
    starter start;
    const char *cmd;   /* the command line */
    const char *reply; /* its answer before the completion */
    const char *ok;    /* the completion */
} fcall;

static const fcall fcalls[] = {
    {"fetch", st_fetch, "C: A002 UID FETCH 1:* (UID FLAGS)\n",
     "S: * 1 FETCH (UID 1 FLAGS ())\n", "S: A002 OK f\n"},
    {"fetch_each", st_fetch_each, "C: A002 UID FETCH 1:* (UID FLAGS)\n",
     "S: * 1 FETCH (UID 1 FLAGS ())\n", "S: A002 OK f\n"},
    {"search", st_search, "C: A002 UID SEARCH ALL\n", "S: * SEARCH 1 2\n",
     "S: A002 OK s\n"},
    {"noop", st_noop, "C: A002 NOOP\n", "", "S: A002 OK n\n"},
    {"add_flags", st_store, "C: A002 UID STORE 1 +FLAGS (\\Seen)\n",
     "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n", "S: A002 OK s\n"},
    {"copy", st_copy, "C: A002 UID COPY 1 \"Archive\"\n", "", "S: A002 OK c\n"},
    {"expunge", st_expunge, "C: A002 EXPUNGE\n", "S: * 1 EXPUNGE\n", "S: A002 OK e\n"},
    {"select", st_select, "C: A002 SELECT Archive\n", "S: * 2 EXISTS\n",
     "S: A002 OK [READ-WRITE] s\n"},
};

static void flood_one(const fcall *k, const char *line)
{
    imapclient_options o;
    hprobe p;
    h_probe_options(&o, &p, FLOOD_CAP);
    hbuf t = {0};
    char head[64];
    hb_adds(&t, k->cmd);
    snprintf(head, sizeof head, "S* %zu ", h_flood_bytes() / (strlen(line) + 2));
    hb_adds(&t, head);
    hb_adds(&t, line);
    hb_adds(&t, "\n");
    hb_adds(&t, k->reply);
    hb_adds(&t, k->ok);
    imapclient *c = selected(t.p, &o);
    hb_free(&t);
    h_probe_start(&p, c);
    outcome x = {0};
    h_assert_rc(k->start(c, &x), 0, c);
    for (int i = 0; i < 10000000 && !x.n; i++)
        if (imapclient_drive(c) != 0)
            break;
    if (x.n != 1 || x.status != 0)
        fail_msg("%s: %d completions, status %d (%s)", k->name, x.n, x.status, x.err);
    size_t grew = h_probe_growth(&p);
    if (getenv("IMAPCLIENT_FLOOD_MB"))
        print_message("start_%s: %zu bytes of flood, at most %zu bytes held beyond the "
                      "start\n",
                      k->name, h_flood_bytes(), grew);
    if (grew > FLOOD_CAP + FLOOD_SLACK)
        fail_msg("start_%s: %zu bytes held beyond the start under a flood of %zu bytes",
                 k->name, grew, h_flood_bytes());
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_async_limits__floods_stay_bounded(void **state)
{
    for (size_t i = 0; i < sizeof fcalls / sizeof *fcalls; i++) {
        flood_one(&fcalls[i], "* 1 EXISTS");
        flood_one(&fcalls[i], "* OK x");
    }
}

/* IDLE without waiting, flooded while idling: what it keeps is bounded;
 * IDLE_DONE's result holds at most the cap. */
static void test_async_limits__idle_flood_bounded(void **state)
{
    imapclient_options o;
    hprobe p;
    h_probe_options(&o, &p, FLOOD_CAP);
    char script[256];
    snprintf(script, sizeof script,
             "C: A002 IDLE\nS: + idling\nS* %zu * 1 EXISTS\nC: DONE\nS: A002 OK over\n",
             h_flood_bytes() / 12);
    imapclient *c = selected(script, &o);
    h_probe_start(&p, c);
    outcome x = {0}, y = {0};
    h_assert_rc(imapclient_start_idle(c, on_done, &x, NULL), 0, c);
    for (int i = 0; i < 100 && !x.n; i++)
        h_assert_rc(imapclient_drive(c), 0, c);
    assert_int_equal(x.status, 0);
    for (int i = 0; i < 1000000; i++) {
        imapclient_wants w;
        h_assert_rc(imapclient_want(c, &w), 0, c);
        h_assert_rc(imapclient_drive(c), 0, c);
        if (w.timeout_ms != 0 && i > 10)
            break; /* the flood is read: nothing due */
    }
    h_assert_rc(imapclient_start_idle_done(c, on_done, &y, NULL), 0, c);
    for (int i = 0; i < 100 && !y.n; i++)
        h_assert_rc(imapclient_drive(c), 0, c);
    assert_int_equal(y.status, 0);
    size_t grew = h_probe_growth(&p);
    if (grew > FLOOD_CAP + FLOOD_SLACK)
        fail_msg("start_idle: %zu bytes held beyond the start under a flood of %zu bytes",
                 grew, h_flood_bytes());
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_limits__deadline_beats_a_dripping_server),
        cmocka_unit_test(test_async_limits__want_announces_the_deadline),
        cmocka_unit_test(test_async_limits__no_deadline_waits),
        cmocka_unit_test(test_async_limits__idle_idling_has_no_deadline),
        cmocka_unit_test(test_async_limits__connect_deadline),
        cmocka_unit_test(test_async_limits__floods_stay_bounded),
        cmocka_unit_test(test_async_limits__idle_flood_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
