/* The non-blocking API on canned server bytes: pipelining rules, each
 * command's completion (callback and queue), out-of-order completions,
 * drops with many commands in flight, foreign tags, unexpected
 * continuations, deferred state checks, IDLE, cancel and free with
 * commands in flight, and blocking calls mixed in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

static imapclient *play(const char *script)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
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

/* What the callbacks saw, in order. */
#define MAXSEEN 64
typedef struct seen {
    int n;
    imapclient_op op[MAXSEEN];
    uint64_t id[MAXSEEN];
    int status[MAXSEEN];
    char text[MAXSEEN][64];
    char err[MAXSEEN][200];
    long count[MAXSEEN]; /* messages, ids or responses in the result; -1: none */
} seen;

static long result_count(const imapclient_completion *d)
{
    if (!d->result)
        return -1;
    switch (d->op) {
    case IMAPCLIENT_OP_FETCH:
        return (long)((imapclient_fetch_result *)d->result)->count;
    case IMAPCLIENT_OP_SEARCH:
        return (long)((imapclient_ids *)d->result)->count;
    case IMAPCLIENT_OP_NOOP:
    case IMAPCLIENT_OP_EXPUNGE:
    case IMAPCLIENT_OP_IDLE_DONE:
        return (long)((imapclient_responses *)d->result)->count;
    case IMAPCLIENT_OP_SELECT:
        return (long)((imapclient_select_info *)d->result)->exists;
    case IMAPCLIENT_OP_APPEND:
        return (long)((imapclient_append_result *)d->result)->count;
    case IMAPCLIENT_OP_STORE:
        return (long)((imapclient_flags_result *)d->result)->count;
    case IMAPCLIENT_OP_ENABLE:
        return (long)((imapclient_enabled *)d->result)->count;
    default:
        return 0;
    }
}

static void record(imapclient *c, imapclient_completion *d)
{
    seen *s = d->user;
    assert_true(s->n < MAXSEEN);
    int i = s->n++;
    s->op[i] = d->op;
    s->id[i] = d->id;
    s->status[i] = d->status;
    snprintf(s->text[i], sizeof s->text[i], "%s", d->text);
    snprintf(s->err[i], sizeof s->err[i], "%s", d->errmsg);
    s->count[i] = result_count(d);
    /* the result is left set: the library frees it (checked by valgrind) */
}

/* Drive until nothing is pending or the handle died (bounded). */
static int run(imapclient *c)
{
    int rc = 0;
    for (int i = 0; i < 1000 && imapclient_pending_commands(c); i++)
        if ((rc = imapclient_drive(c)) < 0)
            break;
    if (rc < 0)
        print_message("run: %d %s\n", rc, imapclient_errmsg(c));
    return rc;
}

#define GREET "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE] ready\n"
#define SELECTED                                                                         \
    GREET "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK [READ-WRITE] done\n"

static imapclient *selected(const char *rest)
{
    size_t n = strlen(SELECTED) + strlen(rest) + 1;
    char *script = malloc(n);
    snprintf(script, n, "%s%s", SELECTED, rest);
    imapclient *c = play(script);
    free(script);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    return c;
}

static const char *const flags_item[] = {"FLAGS", NULL};

/* Three UID FETCHes go out before any answer (the script serves no
 * response until all three were sent), complete out of order, and each
 * gets its own messages. */
static void test_async__pipelined_fetches_out_of_order(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 1 (FLAGS)\n"
                             "C: A003 UID FETCH 2 (FLAGS)\n"
                             "C: A004 UID FETCH 3 (FLAGS)\n"
                             "S: * 2 FETCH (UID 2 FLAGS (\\Seen))\n"
                             "S: A003 OK second\n"
                             "S: * 1 FETCH (UID 1 FLAGS ())\n"
                             "S: * 3 FETCH (UID 3 FLAGS ())\n"
                             "S: A004 OK third\n"
                             "S: A002 OK first\n");
    seen s = {0};
    uint64_t id[3];
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, &id[0]),
                     0);
    assert_int_equal(imapclient_start_fetch(c, "2", flags_item, NULL, record, &s, &id[1]),
                     0);
    assert_int_equal(imapclient_start_fetch(c, "3", flags_item, NULL, record, &s, &id[2]),
                     0);
    assert_int_equal(imapclient_pending_commands(c), 3);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.id[0], id[1]);
    assert_string_equal(s.text[0], "second");
    assert_int_equal(s.id[1], id[2]);
    assert_int_equal(s.id[2], id[0]);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.status[i], 0);
        assert_int_equal(s.op[i], IMAPCLIENT_OP_FETCH);
        assert_int_equal(s.count[i], 1);
    }
    done(c);
}

/* SELECT changes the state: it waits for the fetch before it, and the
 * search after it waits for SELECT (the script would stall otherwise). */
static void test_async__barrier_waits_both_ways(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 1 (FLAGS)\n"
                             "S: * 1 FETCH (UID 1 FLAGS ())\n"
                             "S: A002 OK f\n"
                             "C: A003 SELECT Archive\n"
                             "S: * 7 EXISTS\n"
                             "S: A003 OK [READ-WRITE] s\n"
                             "C: A004 UID SEARCH ALL\n"
                             "S: * SEARCH 4 5\n"
                             "S: A004 OK q\n");
    seen s = {0};
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(imapclient_start_select_folder(c, "Archive", 0, record, &s, NULL),
                     0);
    assert_int_equal(
        imapclient_start_search(c, (const char *[]){"ALL", NULL}, NULL, record, &s, NULL),
        0);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.op[1], IMAPCLIENT_OP_SELECT);
    assert_int_equal(s.count[1], 7);
    assert_int_equal(s.op[2], IMAPCLIENT_OP_SEARCH);
    assert_int_equal(s.count[2], 2);
    done(c);
}

/* A FETCH by sequence number waits while a NOOP (which may expunge) is in
 * flight (RFC 3501 5.5), and goes at once after another FETCH. */
static void test_async__sequence_numbers_wait_for_expunge_risk(void **state)
{
    imapclient *c = selected("C: A002 NOOP\n"
                             "S: * 2 EXPUNGE\n"
                             "S: A002 OK n\n"
                             "C: A003 FETCH 1 (FLAGS)\n"
                             "C: A004 FETCH 2 (FLAGS)\n"
                             "S: * 1 FETCH (FLAGS ())\n"
                             "S: * 2 FETCH (FLAGS ())\n"
                             "S: A003 OK a\n"
                             "S: A004 OK b\n");
    imapclient_set_use_uid(c, 0);
    seen s = {0};
    assert_int_equal(imapclient_start_noop(c, record, &s, NULL), 0);
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(imapclient_start_fetch(c, "2", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.op[0], IMAPCLIENT_OP_NOOP);
    assert_int_equal(s.count[0], 1); /* the EXPUNGE */
    assert_int_equal(s.count[1], 1);
    assert_int_equal(s.count[2], 1);
    done(c);
}

/* UID FETCH, UID STORE and UID SEARCH are not FETCH, STORE and SEARCH for
 * RFC 3501 5.5: the server may send EXPUNGE while they run (7.4.1), so a
 * command naming messages by sequence number waits for them. Here the
 * EXPUNGE that comes during the UID FETCH renumbers message 3 to 2; a
 * FETCH 2 sent at once would have named another message. */
static void test_async__sequence_numbers_wait_for_uid_commands(void **state)
{
    static const char *const forms[] = {
        "UID FETCH 1 (FLAGS)", "UID STORE 1 +FLAGS.SILENT (\\Seen)", "UID SEARCH ALL"};
    for (int form = 0; form < 3; form++) {
        char script[512];
        snprintf(script, sizeof script,
                 "C: A002 %s\n"
                 "S: * 2 EXPUNGE\n"
                 "S: A002 OK u\n"
                 "C: A003 FETCH 2 (FLAGS)\n"
                 "S: * 2 FETCH (FLAGS ())\n"
                 "S: A003 OK f\n",
                 forms[form]);
        imapclient *c = selected(script);
        seen s = {0};
        static const char *const seen_flag[] = {"\\Seen", NULL};
        if (form == 0)
            assert_int_equal(
                imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL), 0);
        else if (form == 1)
            assert_int_equal(
                imapclient_start_add_flags(c, "1", seen_flag, 1, record, &s, NULL), 0);
        else
            assert_int_equal(imapclient_start_search(c, (const char *[]){"ALL", NULL},
                                                     NULL, record, &s, NULL),
                             0);
        imapclient_set_use_uid(c, 0);
        assert_int_equal(
            imapclient_start_fetch(c, "2", flags_item, NULL, record, &s, NULL), 0);
        assert_int_equal(run(c), 0);
        assert_int_equal(s.n, 2);
        assert_int_equal(s.status[0], 0);
        assert_int_equal(s.status[1], 0);
        assert_int_equal(s.count[1], 1);
        done(c);
    }
}

/* Without LITERAL+ a synchronising literal holds everything after it
 * until the server's "+". */
static void test_async__synchronising_literal_holds_the_pipe(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready\n"
                         "C: A001 APPEND \"INBOX\" () {5}\n"
                         "S: + go\n"
                         "C: hello\n"
                         "C: A002 NOOP\n"
                         "S: A001 OK [APPENDUID 9 44] a\n"
                         "S: A002 OK n\n");
    seen s = {0};
    assert_int_equal(
        imapclient_start_append(c, "INBOX", "hello", 5, NULL, NULL, record, &s, NULL), 0);
    assert_int_equal(imapclient_start_noop(c, record, &s, NULL), 0);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.op[0], IMAPCLIENT_OP_APPEND);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(s.count[0], 1);
    done(c);
}

/* The connection drops with ten commands in flight: each completes once,
 * with EABORT, and the handle reports itself unusable. */
static void test_async__drop_with_ten_in_flight(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 1 (FLAGS)\n"
                             "C: A003 UID FETCH 2 (FLAGS)\n"
                             "C: A004 UID FETCH 3 (FLAGS)\n"
                             "C: A005 UID FETCH 4 (FLAGS)\n"
                             "C: A006 UID FETCH 5 (FLAGS)\n"
                             "C: A007 UID FETCH 6 (FLAGS)\n"
                             "C: A008 UID FETCH 7 (FLAGS)\n"
                             "C: A009 UID FETCH 8 (FLAGS)\n"
                             "C: A010 UID FETCH 9 (FLAGS)\n"
                             "C: A011 UID FETCH 10 (FLAGS)\n"
                             "S: * 1 FETCH (UID 1 FLAGS ())\n"
                             "S: A002 OK one\n"
                             "!EOF\n");
    seen s = {0};
    char set[8];
    for (int i = 1; i <= 10; i++) {
        snprintf(set, sizeof set, "%d", i);
        assert_int_equal(
            imapclient_start_fetch(c, set, flags_item, NULL, record, &s, NULL), 0);
    }
    assert_int_equal(run(c), IMAPCLIENT_EABORT);
    assert_int_equal(s.n, 10);
    assert_int_equal(s.status[0], 0);
    for (int i = 1; i < 10; i++) {
        assert_int_equal(s.status[i], IMAPCLIENT_EABORT);
        assert_non_null(strstr(s.err[i], "closed"));
        assert_int_equal(s.count[i], -1);
    }
    assert_int_equal(imapclient_pending_commands(c), 0);
    imapclient_wants w;
    assert_int_equal(imapclient_want(c, &w), IMAPCLIENT_EABORT);
    assert_int_equal(w.fd, -1);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    assert_int_equal(imapclient_start_noop(c, record, &s, NULL), IMAPCLIENT_EABORT);
    assert_int_equal(s.n, 10);
    imapclient_free(c);
}

/* A completion for a tag nobody sent while two commands are in flight:
 * both fail with EPROTOCOL and the handle dies. With one in flight the
 * stray completion is ignored, as the blocking calls always did. */
static void test_async__foreign_tag_with_pipelined_commands(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 1 (FLAGS)\n"
                             "C: A003 UID FETCH 2 (FLAGS)\n"
                             "S: A777 OK whose?\n"
                             "S: A002 OK late\n");
    seen s = {0};
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(imapclient_start_fetch(c, "2", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(run(c), IMAPCLIENT_EPROTOCOL);
    assert_int_equal(s.n, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(s.status[i], IMAPCLIENT_EPROTOCOL);
        assert_non_null(strstr(s.err[i], "A777"));
    }
    assert_int_equal(imapclient_pending_commands(c), 0);
    imapclient_free(c);

    c = selected("C: A002 UID FETCH 1 (FLAGS)\n"
                 "S: A777 OK whose?\n"
                 "S: * 1 FETCH (UID 1 FLAGS ())\n"
                 "S: A002 OK mine\n");
    seen t = {0};
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &t, NULL),
                     0);
    assert_int_equal(run(c), 0);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.status[0], 0);
    assert_int_equal(t.count[0], 1);
    done(c);
}

/* "+" when nobody waits for one is ignored; every command completes. */
static void test_async__unexpected_continuation(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 1 (FLAGS)\n"
                             "C: A003 NOOP\n"
                             "S: + what now?\n"
                             "S: A002 OK f\n"
                             "S: + again\n"
                             "S: A003 OK n\n");
    seen s = {0};
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(imapclient_start_noop(c, record, &s, NULL), 0);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(s.status[1], 0);
    done(c);
}

/* The state checks happen when a command is about to go out: "login,
 * select, fetch" started in one go work; a fetch before any select fails
 * unsent, after the commands before it. */
static void test_async__checks_when_the_command_goes_out(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 LITERAL+] ready\n"
                         "C: A002 LOGIN me secret\n"
                         "S: A002 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] in\n"
                         "C: A003 SELECT INBOX\n"
                         "S: * 2 EXISTS\n"
                         "S: A003 OK [READ-WRITE] s\n"
                         "C: A004 UID FETCH 1:2 (FLAGS)\n"
                         "S: * 1 FETCH (UID 1 FLAGS ())\n"
                         "S: * 2 FETCH (UID 2 FLAGS ())\n"
                         "S: A004 OK f\n");
    seen s = {0};
    /* a fetch queued first fails when its turn comes: nothing selected
     * (its tag, A001, is never sent) */
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(imapclient_start_login(c, "me", "secret", record, &s, NULL), 0);
    assert_int_equal(imapclient_start_select_folder(c, "INBOX", 0, record, &s, NULL), 0);
    assert_int_equal(imapclient_start_fetch(c, "1:2", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.op[0], IMAPCLIENT_OP_FETCH);
    assert_int_equal(s.status[0], IMAPCLIENT_EILLEGAL_STATE);
    assert_non_null(strstr(s.err[0], "no folder is selected"));
    assert_int_equal(s.op[1], IMAPCLIENT_OP_LOGIN);
    assert_int_equal(s.status[1], 0);
    assert_int_equal(s.op[2], IMAPCLIENT_OP_SELECT);
    assert_int_equal(s.status[2], 0);
    assert_int_equal(s.op[3], IMAPCLIENT_OP_FETCH);
    assert_int_equal(s.status[3], 0);
    assert_int_equal(s.count[3], 2);
    done(c);
}

/* A check that needs the capabilities when none are known asks for them
 * first, without waiting. */
static void test_async__check_asks_capabilities_first(void **state)
{
    imapclient *c = play("S: * PREAUTH ready\n"
                         "C: A002 CAPABILITY\n"
                         "S: * CAPABILITY IMAP4rev1 IDLE\n"
                         "S: A002 OK c\n"
                         "C: A001 IDLE\n"
                         "S: + idling\n"
                         "C: DONE\n"
                         "S: A001 OK done\n");
    seen s = {0};
    assert_int_equal(imapclient_start_idle(c, record, &s, NULL), 0);
    for (int i = 0; i < 20 && s.n < 1; i++)
        assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(imapclient_start_idle_done(c, record, &s, NULL), 0);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.status[1], 0);
    done(c);
}

/* Completions without a callback wait in the queue, in order; a result
 * taken from the completion is the caller's. */
static void test_async__completion_queue(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH ALL\n"
                             "C: A003 NOOP\n"
                             "S: * SEARCH 1 2 3\n"
                             "S: A002 OK s\n"
                             "S: * 4 EXISTS\n"
                             "S: A003 OK n\n");
    uint64_t id1, id2;
    assert_int_equal(
        imapclient_start_search(c, (const char *[]){"ALL", NULL}, NULL, NULL, NULL, &id1),
        0);
    assert_int_equal(imapclient_start_noop(c, NULL, NULL, &id2), 0);
    assert_int_equal(run(c), 0);
    imapclient_completion *d;
    assert_int_equal(imapclient_next_completion(c, &d), 1);
    assert_int_equal(d->id, id1);
    assert_int_equal(d->op, IMAPCLIENT_OP_SEARCH);
    imapclient_ids *ids = d->result;
    d->result = NULL; /* taken */
    imapclient_completion_free(d);
    assert_int_equal(ids->count, 3);
    imapclient_ids_free(ids);
    assert_int_equal(imapclient_next_completion(c, &d), 1);
    assert_int_equal(d->id, id2);
    assert_int_equal(((imapclient_responses *)d->result)->count, 1);
    imapclient_completion_free(d); /* frees the result too */
    assert_int_equal(imapclient_next_completion(c, &d), 0);
    done(c);
}

/* Freeing the handle with commands queued and in flight completes each
 * with EABORT ("handle freed"); queued completions are freed. */
static void test_async__free_with_commands_in_flight(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 1 (FLAGS)\n"
                             "C: A003 UID FETCH 2 (FLAGS)\n");
    seen s = {0};
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(imapclient_start_fetch(c, "2", flags_item, NULL, record, &s, NULL),
                     0);
    /* a SELECT waits for the fetches; its completion goes to the queue */
    assert_int_equal(imapclient_start_select_folder(c, "X", 0, NULL, NULL, NULL), 0);
    assert_int_equal(imapclient_start_noop(c, record, &s, NULL), 0);
    assert_int_equal(imapclient_drive(c), 0); /* the fetches go out */
    assert_int_equal(imapclient_pending_commands(c), 4);
    imapclient_free(c);
    assert_int_equal(s.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.status[i], IMAPCLIENT_EABORT);
        assert_non_null(strstr(s.err[i], "freed"));
    }
}

/* A command started after LOGOUT is never sent (LOGOUT is a barrier and
 * the connection closes after it): it must complete with EABORT, not
 * with success (it crashed: NOOP's result built from no completion),
 * while LOGOUT itself succeeds. Likewise after imapclient_shutdown(). */
static void test_async__command_after_logout_fails(void **state)
{
    imapclient *c = selected("C: A002 LOGOUT\n"
                             "S: * BYE bye\n"
                             "S: A002 OK done\n");
    seen s = {0};
    assert_int_equal(imapclient_start_logout(c, record, &s, NULL), 0);
    assert_int_equal(imapclient_start_noop(c, record, &s, NULL), 0);
    run(c);
    assert_int_equal(s.n, 2);
    /* (the NOOP fails while LOGOUT completes: its completion may come first) */
    int lo = s.op[0] == IMAPCLIENT_OP_LOGOUT ? 0 : 1, no = 1 - lo;
    assert_int_equal(s.op[lo], IMAPCLIENT_OP_LOGOUT);
    assert_int_equal(s.status[lo], 0);
    assert_int_equal(s.op[no], IMAPCLIENT_OP_NOOP);
    assert_int_equal(s.status[no], IMAPCLIENT_EABORT);
    assert_non_null(strstr(s.err[no], "closed (logout or shutdown)"));
    assert_int_equal(s.count[no], -1);
    assert_int_equal(imapclient_pending_commands(c), 0);
    imapclient_free(c); /* (logged out: the script is closed with the connection) */

    /* the same for imapclient_shutdown() with a command queued */
    c = selected("");
    seen t = {0};
    assert_int_equal(imapclient_start_noop(c, record, &t, NULL), 0);
    assert_int_equal(imapclient_shutdown(c), 0);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.status[0], IMAPCLIENT_EABORT);
    imapclient_free(c);
}

/* cancel_all: everything completes with EINTERRUPTED, the handle dies. */
static void test_async__cancel_all(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 1 (FLAGS)\n");
    seen s = {0};
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL),
                     0);
    assert_int_equal(imapclient_start_select_folder(c, "X", 0, record, &s, NULL), 0);
    assert_int_equal(imapclient_drive(c), 0);
    imapclient_cancel_all(c);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.status[0], IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(s.status[1], IMAPCLIENT_EINTERRUPTED);
    assert_int_equal(imapclient_drive(c), IMAPCLIENT_EINTERRUPTED);
    imapclient_free(c);
}

static void unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    int *n = payload;
    if (r->has_number && !strcmp(r->name, "EXISTS"))
        *n += (int)r->number;
}

/* IDLE without waiting: "+" completes IDLE, untagged updates reach the
 * unsolicited callback, DONE completes IDLE_DONE. */
static void test_async__idle(void **state)
{
    imapclient *c = selected("C: A002 IDLE\n"
                             "S: + idling\n"
                             "S: * 4 EXISTS\n"
                             "S: * 5 EXISTS\n"
                             "C: DONE\n"
                             "S: A002 OK idle over\n");
    seen s = {0};
    int exists = 0;
    imapclient_set_unsolicited_cb(c, unsolicited, &exists);
    assert_int_equal(imapclient_start_idle(c, record, &s, NULL), 0);
    for (int i = 0; i < 20 && s.n < 1; i++)
        assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.op[0], IMAPCLIENT_OP_IDLE);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(exists, 9);
    /* the blocking calls refuse to interfere */
    assert_int_equal(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_start_idle_done(c, record, &s, NULL), 0);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.op[1], IMAPCLIENT_OP_IDLE_DONE);
    assert_int_equal(s.status[1], 0);
    assert_string_equal(s.text[1], "idle over");
    assert_int_equal(s.count[1], 0); /* all went to the callback */
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    done(c);
}

/* ENABLE without waiting, started together with the LOGIN it needs: the
 * state check waits until it goes out; what the server enabled is the
 * result and is on for the session; a second one with a folder selected
 * is refused when its turn comes, unsent. */
static void test_async__enable(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] hi\n"
                         "C: A001 LOGIN me pw\n"
                         "S: A001 OK [CAPABILITY IMAP4rev1 ENABLE QRESYNC] in\n"
                         "C: A002 ENABLE QRESYNC UNKNOWN\n"
                         "S: * ENABLED QRESYNC\n"
                         "S: A002 OK enabled\n"
                         "C: A003 SELECT INBOX\n"
                         "S: A003 OK [READ-WRITE] done\n");
    seen s = {0};
    assert_int_equal(imapclient_start_login(c, "me", "pw", record, &s, NULL), 0);
    assert_int_equal(imapclient_start_enable(c,
                                             (const char *[]){"QRESYNC", "UNKNOWN", NULL},
                                             record, &s, NULL),
                     0);
    assert_int_equal(imapclient_start_select_folder(c, "INBOX", 0, record, &s, NULL), 0);
    assert_int_equal(
        imapclient_start_enable(c, (const char *[]){"CONDSTORE", NULL}, record, &s, NULL),
        0);
    assert_int_equal(
        imapclient_start_enable(c, (const char *[]){"BAD ATOM", NULL}, record, &s, NULL),
        IMAPCLIENT_EINVAL);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.op[1], IMAPCLIENT_OP_ENABLE);
    assert_int_equal(s.status[1], 0);
    assert_int_equal(s.count[1], 1);
    assert_int_equal(imapclient_is_enabled(c, "QRESYNC"), 1);
    assert_int_equal(imapclient_is_enabled(c, "CONDSTORE"), 1);
    assert_int_equal(s.op[3], IMAPCLIENT_OP_ENABLE);
    assert_int_equal(s.status[3], IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

/* A blocking call made with commands in flight waits behind them and
 * delivers their completions on the way. */
static void test_async__blocking_call_behind_queued_commands(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 1 (FLAGS)\n"
                             "S: * 1 FETCH (UID 1 FLAGS ())\n"
                             "S: A002 OK f\n"
                             "C: A003 NOOP\n"
                             "S: A003 OK n\n");
    seen s = {0};
    assert_int_equal(imapclient_start_fetch(c, "1", flags_item, NULL, record, &s, NULL),
                     0);
    /* (a blocking call goes out alone, after what is in flight) */
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.status[0], 0);
    done(c);
}

static void blocking_inside(imapclient *c, imapclient_completion *d)
{
    seen *s = d->user;
    s->status[s->n++] = imapclient_noop(c, NULL);
}

/* A blocking call from inside a callback of the same handle is refused
 * (the engine is in the middle of a response); the handle goes on. */
static void test_async__no_blocking_call_inside_a_callback(void **state)
{
    imapclient *c = selected("C: A002 NOOP\n"
                             "S: A002 OK n\n"
                             "C: A003 NOOP\n"
                             "S: A003 OK again\n");
    seen s = {0};
    assert_int_equal(imapclient_start_noop(c, blocking_inside, &s, NULL), 0);
    assert_int_equal(run(c), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.status[0], IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    done(c);
}

/* imapclient_want()'s deadline: none while nothing is due (no busy
 * loop), 0 when bytes already read wait to be handled (a blocking call
 * left them: poll would not wake for them), and the silence timeout of a
 * command in flight. */
static void test_async__want_deadlines(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.timeout_ms = 5000;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted(SELECTED "C: A002 NOOP\n"
                                                          "S: A002 OK n\n"
                                                          "S: * 4 EXISTS\n"
                                                          "C: A003 NOOP\n"
                                                          "S: A003 OK n\n",
                                                 &o, &c),
                     0);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    imapclient_wants w;
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_int_equal(w.timeout_ms, -1);
    assert_int_equal(w.events, IMAPCLIENT_WANT_READ);
    /* the EXISTS came in the same read as the NOOP's completion */
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_int_equal(w.timeout_ms, 0);
    assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_int_equal(w.timeout_ms, -1);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 1);
    imapclient_responses_free(r);
    /* a command in flight: its answer is due within timeout_ms */
    seen s = {0};
    assert_int_equal(imapclient_start_noop(c, record, &s, NULL), 0);
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_true(w.events & IMAPCLIENT_WANT_WRITE);
    assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(s.n, 1);
    done(c);
}

/* Argument errors are reported at once and queue nothing. */
static void test_async__bad_arguments_queue_nothing(void **state)
{
    imapclient *c = selected("");
    seen s = {0};
    assert_int_equal(imapclient_start_fetch(c, "1:x", flags_item, NULL, record, &s, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_start_copy(c, "1", NULL, record, &s, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_start_append_stream(c, "INBOX", NULL, NULL, NULL, record, &s, NULL),
        IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_start_login(c, NULL, "x", record, &s, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_pending_commands(c), 0);
    assert_int_equal(s.n, 0);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async__pipelined_fetches_out_of_order),
        cmocka_unit_test(test_async__barrier_waits_both_ways),
        cmocka_unit_test(test_async__sequence_numbers_wait_for_expunge_risk),
        cmocka_unit_test(test_async__sequence_numbers_wait_for_uid_commands),
        cmocka_unit_test(test_async__synchronising_literal_holds_the_pipe),
        cmocka_unit_test(test_async__drop_with_ten_in_flight),
        cmocka_unit_test(test_async__foreign_tag_with_pipelined_commands),
        cmocka_unit_test(test_async__unexpected_continuation),
        cmocka_unit_test(test_async__checks_when_the_command_goes_out),
        cmocka_unit_test(test_async__check_asks_capabilities_first),
        cmocka_unit_test(test_async__completion_queue),
        cmocka_unit_test(test_async__free_with_commands_in_flight),
        cmocka_unit_test(test_async__cancel_all),
        cmocka_unit_test(test_async__idle),
        cmocka_unit_test(test_async__command_after_logout_fails),
        cmocka_unit_test(test_async__enable),
        cmocka_unit_test(test_async__blocking_call_behind_queued_commands),
        cmocka_unit_test(test_async__no_blocking_call_inside_a_callback),
        cmocka_unit_test(test_async__want_deadlines),
        cmocka_unit_test(test_async__bad_arguments_queue_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
