/* What a quiet handle keeps. Thousands of connections idling (IDLE, or
 * between calls) must each cost little: the 64 KiB read buffer, the
 * response buffer of a big response, the scratch arena it was parsed in,
 * the parser's stack and the staging of streamed literals are given back
 * once nothing is going on, and come back when bytes arrive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

#include <imapclient.h>

#define BIG 200000

/* A script: greeting, SELECT, then rest, where every "@x" or "@y" is
 * replaced by BIG or BIG / 2 of those letters. */
static char *script_with(const char *rest)
{
    static const char head[] = "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ IDLE] ready\n"
                               "C: A001 SELECT INBOX\n"
                               "S: * 1 EXISTS\n"
                               "S: A001 OK [READ-WRITE] done\n";
    char *all = malloc(strlen(head) + strlen(rest) + 2 * BIG + 1);
    assert_non_null(all);
    char *o = stpcpy(all, head);
    for (const char *p = rest; *p; p++) {
        if (p[0] == '@' && (p[1] == 'x' || p[1] == 'y')) {
            size_t n = p[1] == 'x' ? BIG : BIG / 2;
            memset(o, p[1], n);
            o += n;
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return all;
}

/* Nothing but what an idle handle needs. */
static void assert_quiet_footprint(imapclient *c)
{
    assert_true(imc_core_quiet(c));
    assert_null(c->rd.in);
    assert_true(c->rd.resp.cap <= 1024);
    assert_int_equal(imc_arena_footprint(c->scratch), 0);
    assert_null(c->parser.stack);
    assert_null(c->src_buf);
    assert_null(c->pend);
}

static int count;
static int freeing; /* the IDLE then ends with EABORT */

static void completed(imapclient *c, imapclient_completion *d)
{
    if (d->status && !freeing)
        fail_msg("op %d: %s", d->op, d->errmsg);
    count++;
}

static long long src_read(void *payload, char *buf, size_t n)
{
    size_t *left = payload;
    size_t k = n < *left ? n : *left;
    memset(buf, 'y', k);
    *left -= k;
    return (long long)k;
}

/* Without waiting: a big FETCH and a streamed APPEND, then IDLE. */
static void test_async_memory__idle_after_big_work(void **state)
{
    char *script = script_with("C: A002 UID FETCH 1 (BODY.PEEK[])\n"
                               "C: A003 APPEND \"INBOX\" () {100000+}\n"
                               "C+ @y\n"
                               "C: \n"
                               "S: * 1 FETCH (UID 1 BODY[] {200000}\n"
                               "S+ @x\n"
                               "S: )\n"
                               "S: A002 OK f\n"
                               "S: A003 OK a\n"
                               "C: A004 IDLE\n"
                               "S: + idling\n");
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted(script, NULL, &c), 0);
    free(script);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    assert_quiet_footprint(c); /* between blocking calls too */
    count = 0;
    assert_int_equal(imapclient_start_fetch(c, "1", (const char *[]){"BODY.PEEK[]", NULL},
                                            NULL, completed, NULL, NULL),
                     0);
    size_t left = 100000;
    imapclient_source src = {
        .fd = -1, .read = src_read, .payload = &left, .size = 100000, .crlf = 1};
    assert_int_equal(imapclient_start_append_stream(c, "INBOX", &src, NULL, NULL,
                                                    completed, NULL, NULL),
                     0);
    for (int i = 0; i < 50 && count < 2; i++)
        assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(count, 2);
    assert_int_equal(imapclient_start_idle(c, completed, NULL, NULL), 0);
    for (int i = 0; i < 50 && count < 3; i++)
        assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(count, 3);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    assert_quiet_footprint(c);
    assert_int_equal(imc_arena_footprint(c->call_arena), 0);
    freeing = 1;
    imapclient_free(c);
}

/* A blocking FETCH of a big body: once it returned, the buffers are back
 * (the result is the caller's, in its own arena). */
static void test_async_memory__between_blocking_calls(void **state)
{
    char *script = script_with("C: A002 UID FETCH 1 (BODY.PEEK[])\n"
                               "S: * 1 FETCH (UID 1 BODY[] {200000}\n"
                               "S+ @x\n"
                               "S: )\n"
                               "S: A002 OK f\n"
                               "C: A003 NOOP\n"
                               "S: A003 OK n\n");
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted(script, NULL, &c), 0);
    free(script);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "1", (const char *[]){"BODY.PEEK[]", NULL}, NULL, &r), 0);
    assert_int_equal(r->count, 1);
    assert_quiet_footprint(c);
    imapclient_fetch_result_free(r);
    /* and it all comes back for the next call */
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

/* A program that only drives (no blocking call) runs for days: what the
 * engine keeps for "the last call" (call_arena: encoded folder names, the
 * completions of commands without a result of their own such as IDLE)
 * must not pile up. 300 IDLE cycles and SELECTs of a non-ASCII folder. */
static void test_async_memory__long_running_loop_stays_bounded(void **state)
{
    size_t cap = 300 * 200 + 1024;
    char *script = malloc(cap);
    char *o = script + sprintf(script, "S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\n");
    for (int i = 0; i < 300; i++)
        o += sprintf(o,
                     "C: A%03d SELECT &AMQ-rger\nS: A%03d OK [READ-WRITE] s\n"
                     "C: A%03d IDLE\nS: + idling\nC: DONE\nS: A%03d OK idle over, "
                     "number %d\n",
                     2 * i + 1, 2 * i + 1, 2 * i + 2, 2 * i + 2, i);
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted(script, NULL, &c), 0);
    free(script);
    size_t most = 0;
    for (int i = 0; i < 300; i++) {
        count = 0;
        assert_int_equal(
            imapclient_start_select_folder(c, "\xc3\x84rger", 0, completed, NULL, NULL),
            0);
        assert_int_equal(imapclient_start_idle(c, completed, NULL, NULL), 0);
        for (int k = 0; k < 20 && count < 2; k++)
            if (imapclient_drive(c))
                fail_msg("cycle %d: %s", i, imapclient_errmsg(c));
        assert_int_equal(imapclient_start_idle_done(c, completed, NULL, NULL), 0);
        for (int k = 0; k < 20 && count < 3; k++)
            assert_int_equal(imapclient_drive(c), 0);
        assert_int_equal(count, 3);
        size_t now =
            imc_arena_footprint(c->call_arena) + imc_arena_footprint(c->conn_arena);
        if (now > most)
            most = now;
    }
    assert_true(imapclient_script_done(c));
    assert_true(most <= 3 * 4096);
    imapclient_free(c);
}

/* The same while never quiet (a NOOP stays unanswered): 300 APPENDs to
 * a long non-ASCII folder name, each encoded for its start call. */
static void test_async_memory__busy_loop_stays_bounded(void **state)
{
    char name[301], enc[512];
    /* 150 x U+00E9 ("\xc3\xa9"): "&AOkA6QDp...-" */
    for (int i = 0; i < 150; i++)
        memcpy(name + 2 * i, "\xc3\xa9", 2);
    name[300] = '\0';
    char *e = enc;
    *e++ = '&';
    for (int i = 0; i < 50; i++)
        e = stpcpy(e, "AOkA6QDp");
    strcpy(e, "-");
    size_t cap = 300 * 700 + 1024;
    char *script = malloc(cap);
    char *o = script + sprintf(script, "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi\n"
                                       "C: A001 NOOP\n");
    for (int i = 0; i < 300; i++)
        o += sprintf(o, "C: A%03d APPEND \"%s\" () {1+}\nC+ x\nC: \nS: A%03d OK a\n",
                     i + 2, enc, i + 2);
    strcpy(o, "S: A001 OK n\n");
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted(script, NULL, &c), 0);
    free(script);
    count = 0;
    assert_int_equal(imapclient_start_noop(c, completed, NULL, NULL), 0);
    size_t most = 0;
    for (int i = 0; i < 300; i++) {
        assert_int_equal(
            imapclient_start_append(c, name, "x", 1, NULL, NULL, completed, NULL, NULL),
            0);
        for (int k = 0; k < 20 && count < i + 1; k++)
            if (imapclient_drive(c))
                fail_msg("append %d: %s", i, imapclient_errmsg(c));
        if (i == 299)
            break; /* (the NOOP's answer came with the last one) */
        assert_int_equal(count, i + 1);
        assert_false(imc_core_quiet(c));
        size_t now = imc_arena_footprint(c->call_arena);
        if (now > most)
            most = now;
    }
    for (int k = 0; k < 20 && count < 301; k++)
        assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(count, 301);
    assert_true(imapclient_script_done(c));
    assert_true(most <= 2 * 4096);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_memory__idle_after_big_work),
        cmocka_unit_test(test_async_memory__between_blocking_calls),
        cmocka_unit_test(test_async_memory__long_running_loop_stays_bounded),
        cmocka_unit_test(test_async_memory__busy_loop_stays_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
