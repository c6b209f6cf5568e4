/* Callbacks that call back into the handle while the engine is in the
 * middle of a response or of sending a command: a message callback or a
 * body sink of fetch_each, a streamed APPEND's read callback, a SASL step,
 * an unsolicited-response callback and a completion callback. Each may
 * start commands or cancel everything; a blocking call from inside any of
 * them is refused with IMAPCLIENT_EILLEGAL_STATE (it would run the engine
 * inside itself); imapclient_drive() from inside does nothing. Freed
 * memory touched after a cancel is caught by the suite's valgrind and ASan
 * runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define GREET "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS] ready\n"
#define SELECTED                                                                         \
    GREET "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK [READ-WRITE] done\n"

static imapclient *selected(const char *rest)
{
    size_t n = strlen(SELECTED) + strlen(rest) + 1;
    char *script = malloc(n);
    snprintf(script, n, "%s%s", SELECTED, rest);
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    free(script);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    return c;
}

static void done(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent so far:\n%s",
                 imapclient_script_sent(c));
    imapclient_free(c);
}

/* What a test's callbacks saw. */
typedef struct probe {
    imapclient *c;
    int what;        /* what the callback does: one of the ACT_ values */
    int calls;       /* callback calls */
    int inner;       /* the status of the call made inside */
    int completions; /* completions delivered */
    int status[8];   /* their statuses */
    imapclient_op op[8];
    size_t src_left; /* for the streamed source */
} probe;

enum { ACT_NOTHING, ACT_BLOCKING, ACT_CANCEL, ACT_DRIVE, ACT_START };

static void act(probe *p)
{
    p->calls++;
    if (p->calls > 1)
        return;
    switch (p->what) {
    case ACT_BLOCKING:
        p->inner = imapclient_noop(p->c, NULL);
        break;
    case ACT_CANCEL:
        imapclient_cancel_all(p->c);
        break;
    case ACT_DRIVE:
        p->inner = imapclient_drive(p->c);
        break;
    case ACT_START:
        p->inner = imapclient_start_noop(p->c, NULL, NULL, NULL);
        break;
    }
}

static void completed(imapclient *c, imapclient_completion *d)
{
    probe *p = d->user;
    assert_true(p->completions < 8);
    p->op[p->completions] = d->op;
    p->status[p->completions++] = d->status;
}

static int run(imapclient *c)
{
    int rc = 0;
    for (int i = 0; i < 100 && imapclient_pending_commands(c); i++)
        if ((rc = imapclient_drive(c)) < 0)
            break;
    return rc;
}

static const char *const body_item[] = {"BODY.PEEK[]", NULL};

static int on_message(void *payload, const imapclient_message *m)
{
    probe *p = payload;
    act(p);
    return p->what == ACT_CANCEL; /* and stop, touching nothing after */
}

/* The message callback of fetch_each, started without waiting. */
static void test_async_reentry__message_callback(void **state)
{
    /* a blocking call inside: refused, the fetch goes on */
    imapclient *c = selected("C: A002 UID FETCH 1:2 (BODY.PEEK[])\n"
                             "S: * 1 FETCH (UID 1 BODY[] {3}\n"
                             "S: abc)\n"
                             "S: * 2 FETCH (UID 2 BODY[] {3}\n"
                             "S: def)\n"
                             "S: A002 OK f\n");
    probe p = {.c = c, .what = ACT_BLOCKING};
    assert_int_equal(imapclient_start_fetch_each(c, "1:2", body_item, NULL, on_message,
                                                 NULL, 0, &p, completed, &p, NULL),
                     0);
    assert_int_equal(run(c), 0);
    assert_int_equal(p.inner, IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(p.calls, 2);
    assert_int_equal(p.completions, 1);
    assert_int_equal(p.status[0], 0);
    done(c);

    /* the same with the blocking fetch_each */
    c = selected("C: A002 UID FETCH 1:2 (BODY.PEEK[])\n"
                 "S: * 1 FETCH (UID 1 BODY[] {3}\n"
                 "S: abc)\n"
                 "S: * 2 FETCH (UID 2 BODY[] {3}\n"
                 "S: def)\n"
                 "S: A002 OK f\n");
    p = (probe){.c = c, .what = ACT_BLOCKING};
    assert_int_equal(
        imapclient_fetch_each(c, "1:2", body_item, NULL, on_message, NULL, 0, &p), 0);
    assert_int_equal(p.inner, IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(p.calls, 2);
    done(c);

    /* driving the handle inside: nothing happens there; the drive under
     * way reads the rest */
    c = selected("C: A002 UID FETCH 1:2 (BODY.PEEK[])\n"
                 "S: * 1 FETCH (UID 1 BODY[] {3}\n"
                 "S: abc)\n"
                 "S: * 2 FETCH (UID 2 BODY[] {3}\n"
                 "S: def)\n"
                 "S: A002 OK f\n");
    p = (probe){.c = c, .what = ACT_DRIVE};
    assert_int_equal(imapclient_start_fetch_each(c, "1:2", body_item, NULL, on_message,
                                                 NULL, 0, &p, completed, &p, NULL),
                     0);
    assert_int_equal(run(c), 0);
    assert_int_equal(p.inner, 0);
    assert_int_equal(p.calls, 2);
    assert_int_equal(p.completions, 1);
    assert_int_equal(p.status[0], 0);
    done(c);

    /* cancel inside, and stop: the fetch completes once, interrupted */
    c = selected("C: A002 UID FETCH 1:2 (BODY.PEEK[])\n"
                 "C: A003 NOOP\n"
                 "S: * 1 FETCH (UID 1 BODY[] {3}\n"
                 "S: abc)\n"
                 "S: * 2 FETCH (UID 2 BODY[] {3}\n"
                 "S: def)\n"
                 "S: A002 OK f\n");
    p = (probe){.c = c, .what = ACT_CANCEL};
    assert_int_equal(imapclient_start_fetch_each(c, "1:2", body_item, NULL, on_message,
                                                 NULL, 0, &p, completed, &p, NULL),
                     0);
    assert_int_equal(imapclient_start_noop(c, completed, &p, NULL), 0);
    assert_int_equal(run(c), IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.completions, 2);
    assert_int_equal(p.status[0], IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(p.status[1], IMAPCLIENT_EINTERRUPTED);
    imapclient_free(c);
}

static int on_sink(void *payload, uint32_t seq, const char *name, const char *data,
                   size_t len)
{
    probe *p = payload;
    act(p);
    return p->what == ACT_CANCEL;
}

static int on_message_quiet(void *payload, const imapclient_message *m)
{
    return 0;
}

/* The body sink of fetch_each, called from inside the reader. */
static void test_async_reentry__body_sink(void **state)
{
    static const char script[] = "C: A002 UID FETCH 1:2 (BODY.PEEK[])\n"
                                 "S: * 1 FETCH (UID 1 BODY[] {8}\n"
                                 "S: abcdefgh)\n"
                                 "S: * 2 FETCH (UID 2 BODY[] {3}\n"
                                 "S: def)\n"
                                 "S: A002 OK f\n";
    imapclient *c = selected(script);
    probe p = {.c = c, .what = ACT_BLOCKING};
    assert_int_equal(imapclient_start_fetch_each(c, "1:2", body_item, NULL,
                                                 on_message_quiet, on_sink, 0, &p,
                                                 completed, &p, NULL),
                     0);
    assert_int_equal(run(c), 0);
    assert_int_equal(p.inner, IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(p.completions, 1);
    assert_int_equal(p.status[0], 0);
    done(c);

    c = selected(script);
    p = (probe){.c = c, .what = ACT_CANCEL};
    assert_int_equal(imapclient_start_fetch_each(c, "1:2", body_item, NULL,
                                                 on_message_quiet, on_sink, 0, &p,
                                                 completed, &p, NULL),
                     0);
    assert_int_equal(run(c), IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(p.completions, 1);
    assert_int_equal(p.status[0], IMAPCLIENT_EINTERRUPTED);
    imapclient_free(c);
}

static long long src_read(void *payload, char *buf, size_t n)
{
    probe *p = payload;
    act(p);
    size_t k = n < p->src_left ? n : p->src_left;
    memset(buf, 'x', k);
    p->src_left -= k;
    return (long long)k;
}

/* A streamed APPEND's read callback, called while the command goes out. */
static void test_async_reentry__source_read_callback(void **state)
{
    static const char script[] = "C: A002 APPEND \"INBOX\" () {5+}\n"
                                 "C: xxxxx\n"
                                 "S: A002 OK [APPENDUID 7 9] a\n";
    imapclient *c = selected(script);
    probe p = {.c = c, .what = ACT_BLOCKING, .src_left = 5};
    imapclient_source src = {
        .fd = -1, .read = src_read, .payload = &p, .size = 5, .crlf = 1};
    assert_int_equal(
        imapclient_start_append_stream(c, "INBOX", &src, NULL, NULL, completed, &p, NULL),
        0);
    assert_int_equal(run(c), 0);
    assert_int_equal(p.inner, IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(p.completions, 1);
    assert_int_equal(p.status[0], 0);
    done(c);

    /* cancelled from inside: the half-sent command and the one behind it
     * complete once, interrupted; nothing is written to the closed
     * connection */
    c = selected(script);
    p = (probe){.c = c, .what = ACT_CANCEL, .src_left = 5};
    src.payload = &p;
    assert_int_equal(
        imapclient_start_append_stream(c, "INBOX", &src, NULL, NULL, completed, &p, NULL),
        0);
    assert_int_equal(imapclient_start_noop(c, completed, &p, NULL), 0);
    assert_int_equal(run(c), IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(p.completions, 2);
    assert_int_equal(p.status[0], IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(p.status[1], IMAPCLIENT_EINTERRUPTED);
    imapclient_free(c);
}

static int sasl_step(void *payload, const unsigned char *ch, size_t len,
                     imapclient_sasl_reply *reply)
{
    probe *p = payload;
    act(p);
    return imapclient_sasl_reply_set(reply, "me", 2);
}

/* A SASL step, called from the continuation handler. */
static void test_async_reentry__sasl_step(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted("S: * OK [CAPABILITY IMAP4rev1 "
                                                 "AUTH=X-TEST] ready\n"
                                                 "C: A001 AUTHENTICATE X-TEST\n"
                                                 "S: +\n"
                                                 "C: bWU=\n"
                                                 "S: A001 OK in\n",
                                                 NULL, &c),
                     0);
    probe p = {.c = c, .what = ACT_BLOCKING};
    assert_int_equal(
        imapclient_start_sasl_login(c, "X-TEST", sasl_step, &p, completed, &p, NULL), 0);
    assert_int_equal(run(c), 0);
    assert_int_equal(p.inner, IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(p.completions, 1);
    assert_int_equal(p.status[0], 0);
    done(c);
}

static void drive_inside(imapclient *c, imapclient_completion *d)
{
    probe *p = d->user;
    completed(c, d);
    act(p);
}

/* A completion callback that drives the handle: the drive under way goes
 * on once it returns; nothing runs twice and the order stays. */
static void test_async_reentry__drive_inside_a_callback(void **state)
{
    imapclient *c = selected("C: A002 NOOP\n"
                             "C: A003 NOOP\n"
                             "S: A002 OK a\n"
                             "S: A003 OK b\n");
    probe p = {.c = c, .what = ACT_DRIVE};
    assert_int_equal(imapclient_start_noop(c, drive_inside, &p, NULL), 0);
    assert_int_equal(imapclient_start_noop(c, drive_inside, &p, NULL), 0);
    assert_int_equal(run(c), 0);
    assert_int_equal(p.inner, 0);
    assert_int_equal(p.completions, 2);
    assert_int_equal(p.status[0], 0);
    assert_int_equal(p.status[1], 0);
    done(c);
}

static void unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    act(payload);
}

/* The unsolicited callback starts a command, or cancels everything. */
static void test_async_reentry__unsolicited_callback(void **state)
{
    imapclient *c = selected("C: A002 NOOP\n"
                             "S: * 4 EXISTS\n"
                             "S: A002 OK a\n"
                             "C: A003 NOOP\n"
                             "S: A003 OK b\n");
    probe p = {.c = c, .what = ACT_START};
    imapclient_set_unsolicited_cb(c, unsolicited, &p);
    assert_int_equal(imapclient_start_noop(c, completed, &p, NULL), 0);
    assert_int_equal(run(c), 0);
    assert_int_equal(p.inner, 0);
    assert_int_equal(p.completions, 1);
    assert_int_equal(imapclient_pending_commands(c), 0);
    done(c);

    c = selected("C: A002 NOOP\n"
                 "C: A003 NOOP\n"
                 "S: * 4 EXISTS\n"
                 "S: A002 OK a\n");
    p = (probe){.c = c, .what = ACT_CANCEL};
    imapclient_set_unsolicited_cb(c, unsolicited, &p);
    assert_int_equal(imapclient_start_noop(c, completed, &p, NULL), 0);
    assert_int_equal(imapclient_start_noop(c, completed, &p, NULL), 0);
    assert_int_equal(run(c), IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(p.completions, 2);
    assert_int_equal(p.status[0], IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(p.status[1], IMAPCLIENT_EINTERRUPTED);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_reentry__message_callback),
        cmocka_unit_test(test_async_reentry__body_sink),
        cmocka_unit_test(test_async_reentry__source_read_callback),
        cmocka_unit_test(test_async_reentry__sasl_step),
        cmocka_unit_test(test_async_reentry__drive_inside_a_callback),
        cmocka_unit_test(test_async_reentry__unsolicited_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
