/* CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267) on canned server bytes:
 * results kept up to date with the UPDATE return option (the bytes
 * Dovecot 2.3.19 sends: `ESEARCH (TAG "t") UID REMOVEFROM (0 3) ADDTO (0 9)`,
 * and the positioned form of a sort, RFC 5267 section 4.3.3), typed
 * through imapclient_noop() and the unsolicited callback of the
 * non-blocking API, kept out of other searches' results, CANCELUPDATE,
 * the capability checks, and hostile updates. */
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

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

#define GREET                                                                            \
    "S: * PREAUTH [CAPABILITY IMAP4rev1 ESEARCH ESORT SORT CONTEXT=SEARCH "              \
    "CONTEXT=SORT] ready\n"
#define SELECTED                                                                         \
    GREET "C: A001 SELECT INBOX\nS: * 8 EXISTS\nS: A001 OK [READ-WRITE] done\n"

static imapclient *selected(const char *rest)
{
    size_t n = strlen(SELECTED) + strlen(rest) + 1;
    char *script = malloc(n);
    snprintf(script, n, "%s%s", SELECTED, rest);
    imapclient *c = play(script);
    free(script);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    return c;
}

/* Parse one response line the way the library hands them out. */
static imapclient_context_update *decode(imapclient_responses *rs, size_t i, int *rc)
{
    imapclient_context_update *u = NULL;
    *rc = imapclient_context_update_from_response(&rs->items[i], &u);
    return u;
}

static void test_context__search_update(void **state)
{
    imapclient *c =
        selected("C: A002 UID SEARCH RETURN (UPDATE COUNT ALL) UNSEEN\n"
                 "S: * ESEARCH (TAG \"A002\") UID ALL 3,5:6,8 COUNT 4\n"
                 "S: A002 OK Search completed\n"
                 "C: A003 NOOP\n"
                 "S: * 3 FETCH (FLAGS (\\Seen))\n"
                 "S: * 9 EXISTS\n"
                 "S: * ESEARCH (TAG \"A002\") UID REMOVEFROM (0 3) ADDTO (0 9)\n"
                 "S: A003 OK done\n"
                 "C: A004 CANCELUPDATE \"A002\"\n"
                 "S: A004 OK Updates cancelled\n");
    imapclient_esearch_result *r = NULL;
    check(imapclient_esearch(c, (const char *[]){"UNSEEN", NULL}, NULL,
                             (const char *[]){"UPDATE", "COUNT", "ALL", NULL}, &r),
          c);
    assert_string_equal(r->tag, "A002");
    assert_int_equal(r->id_count, 4);
    imapclient_responses *rs = NULL;
    check(imapclient_noop(c, &rs), c);
    assert_int_equal(rs->count, 3);
    int rc;
    /* the other responses are no updates */
    assert_null(decode(rs, 0, &rc));
    assert_int_equal(rc, 0);
    assert_null(decode(rs, 1, &rc));
    imapclient_context_update *u = decode(rs, 2, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(u);
    assert_string_equal(u->tag, r->tag);
    assert_true(u->uid);
    assert_int_equal(u->change_count, 2);
    assert_false(u->changes[0].add);
    assert_int_equal(u->changes[0].position, 0);
    assert_string_equal(u->changes[0].set, "3");
    assert_int_equal(u->changes[0].count, 1);
    assert_int_equal(u->changes[0].ids[0], 3);
    assert_true(u->changes[1].add);
    assert_int_equal(u->changes[1].ids[0], 9);
    assert_false(u->has_count);
    imapclient_context_update_free(u);
    imapclient_responses_free(rs);
    check(imapclient_cancel_update(c, (const char *[]){r->tag, NULL}), c);
    imapclient_esearch_result_free(r);
    done(c);
}

static void test_context__sort_update_positions(void **state)
{
    /* a sorted result: each id with its position (RFC 5267 4.3.3); a
     * COUNT that came with the update */
    imapclient *c =
        selected("C: A002 UID SORT RETURN (UPDATE) (DATE) UTF-8 UNSEEN\n"
                 "S: * ESEARCH (TAG \"A002\") UID ALL 2731:2734\n"
                 "S: A002 OK Sort completed\n"
                 "C: A003 NOOP\n"
                 "S: * ESEARCH (TAG \"A002\") UID ADDTO (1 2733 1 2732 1 2731) "
                 "REMOVEFROM (4 2734:2735) COUNT 3\n"
                 "S: A003 OK done\n");
    imapclient_esearch_result *r = NULL;
    check(imapclient_esort(c, (const char *[]){"DATE", NULL},
                           (const char *[]){"UNSEEN", NULL}, NULL,
                           (const char *[]){"UPDATE", NULL}, &r),
          c);
    assert_string_equal(r->tag, "A002");
    imapclient_esearch_result_free(r);
    imapclient_responses *rs = NULL;
    check(imapclient_noop(c, &rs), c);
    int rc;
    imapclient_context_update *u = decode(rs, 0, &rc);
    assert_non_null(u);
    assert_int_equal(u->change_count, 4);
    for (int i = 0; i < 3; i++) {
        assert_true(u->changes[i].add);
        assert_int_equal(u->changes[i].position, 1);
        assert_int_equal(u->changes[i].ids[0], 2733 - i);
    }
    assert_false(u->changes[3].add);
    assert_int_equal(u->changes[3].position, 4);
    assert_int_equal(u->changes[3].count, 2);
    assert_int_equal(u->changes[3].ids[1], 2735);
    assert_true(u->has_count);
    assert_int_equal(u->count, 3);
    imapclient_context_update_free(u);
    imapclient_responses_free(rs);
    done(c);
}

static void test_context__not_mixed_into_another_search(void **state)
{
    /* an update for A002 while A003 runs is not A003's result: it stays
     * for the caller */
    imapclient *c = selected("C: A002 UID SEARCH RETURN (UPDATE) ALL\n"
                             "S: * ESEARCH (TAG \"A002\") UID ALL 1:8\n"
                             "S: A002 OK done\n"
                             "C: A003 UID SEARCH RETURN (ALL) SEEN\n"
                             "S: * ESEARCH (TAG \"A002\") UID ADDTO (0 9)\n"
                             "S: * ESEARCH (TAG \"A003\") UID ALL 1:2\n"
                             "S: A003 OK done\n");
    imapclient_esearch_result *r = NULL, *s = NULL;
    check(imapclient_esearch(c, (const char *[]){"ALL", NULL}, NULL,
                             (const char *[]){"UPDATE", NULL}, &r),
          c);
    check(imapclient_esearch(c, (const char *[]){"SEEN", NULL}, NULL,
                             (const char *[]){"ALL", NULL}, &s),
          c);
    assert_string_equal(s->all, "1:2");
    assert_int_equal(s->id_count, 2);
    imapclient_responses *rs = NULL;
    check(imapclient_take_responses(c, &rs), c);
    assert_int_equal(rs->count, 1);
    int rc;
    imapclient_context_update *u = decode(rs, 0, &rc);
    assert_string_equal(u->tag, "A002");
    imapclient_context_update_free(u);
    imapclient_responses_free(rs);
    imapclient_esearch_result_free(r);
    imapclient_esearch_result_free(s);
    done(c);
}

typedef struct seen_updates {
    int n;
    uint32_t added;
} seen_updates;

static void on_unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    (void)c;
    seen_updates *s = payload;
    imapclient_context_update *u = NULL;
    if (imapclient_context_update_from_response(r, &u) == 0 && u) {
        s->n++;
        s->added = u->changes[0].ids[0];
        imapclient_context_update_free(u);
    }
}

static void test_context__updates_through_the_callback(void **state)
{
    /* the non-blocking API: an update arriving during a NOOP goes to the
     * unsolicited callback */
    imapclient *c = selected("C: A002 NOOP\n"
                             "S: * ESEARCH (TAG \"A001\") UID ADDTO (0 12)\n"
                             "S: A002 OK done\n");
    seen_updates s = {0};
    imapclient_set_unsolicited_cb(c, on_unsolicited, &s);
    check(imapclient_start_noop(c, NULL, NULL, NULL), c);
    for (int i = 0; i < 100 && imapclient_pending_commands(c); i++)
        check(imapclient_drive(c), c);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.added, 12);
    imapclient_completion *d = NULL;
    assert_int_equal(imapclient_next_completion(c, &d), 1);
    assert_int_equal(d->status, 0);
    assert_int_equal(((imapclient_responses *)d->result)->count, 0);
    imapclient_completion_free(d);
    done(c);
}

static void test_context__capabilities(void **state)
{
    /* UPDATE needs CONTEXT=SEARCH (SORT: CONTEXT=SORT); CANCELUPDATE one
     * of them; nothing is sent without */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 ESEARCH ESORT SORT] ready\n"
                         "C: A001 SELECT INBOX\nS: A001 OK [READ-WRITE] done\n");
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    size_t sent = strlen(imapclient_script_sent(c));
    imapclient_esearch_result *r = NULL;
    assert_int_equal(
        imapclient_esearch(c, NULL, NULL, (const char *[]){"UPDATE", NULL}, &r),
        IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "CONTEXT=SEARCH"));
    assert_int_equal(imapclient_esort(c, (const char *[]){"DATE", NULL}, NULL, NULL,
                                      (const char *[]){"CONTEXT", NULL}, &r),
                     IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "CONTEXT=SORT"));
    assert_int_equal(imapclient_cancel_update(c, (const char *[]){"A001", NULL}),
                     IMAPCLIENT_ECAPABILITY);
    assert_int_equal(strlen(imapclient_script_sent(c)), sent);
    done(c);

    /* bad tags never go out */
    c = selected("");
    assert_int_equal(imapclient_cancel_update(c, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_cancel_update(c, (const char *[]){"A1\r\nA2 LOGOUT", NULL}),
        IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_cancel_update(c, (const char *[]){"", NULL}),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_cancel_update(c, (const char *[]){"A+1", NULL}),
                     IMAPCLIENT_EINVAL);
    done(c);
}

static void test_context__hostile_updates(void **state)
{
    /* malformed and enormous updates: EPROTOCOL or ETOOBIG, never a huge
     * allocation; NOOP itself still succeeds */
    imapclient *c =
        selected("C: A002 NOOP\n"
                 "S: * ESEARCH UID ADDTO (0 5)\n"
                 "S: * ESEARCH (TAG \"A1\") UID ADDTO (x 5)\n"
                 "S: * ESEARCH (TAG \"A1\") UID ADDTO (0 5 1)\n"
                 "S: * ESEARCH (TAG \"A1\") UID ADDTO (0 1:4294967295)\n"
                 "S: * ESEARCH (TAG \"A1\") UID REMOVEFROM (0 (5))\n"
                 "S: * ESEARCH (TAG \"A1\") UID REMOVEFROM (4294967296 5)\n"
                 "S: * ESEARCH (TAG \"A1\") UID ADDTO 5\n"
                 "S: * ESEARCH (TAG \"A1\") UID ADDTO (0 0:*)\n"
                 "S: * ESEARCH (TAG \"A1\" MAILBOX \"x\" UIDVALIDITY 1) ADDTO "
                 "(0 5)\n"
                 "S: * ESEARCH (TAG \"A1\") UID ALL 1:3\n"
                 "S: A002 OK done\n");
    imapclient_responses *rs = NULL;
    check(imapclient_noop(c, &rs), c);
    assert_int_equal(rs->count, 10);
    static const int want[] = {IMAPCLIENT_EPROTOCOL, IMAPCLIENT_EPROTOCOL,
                               IMAPCLIENT_EPROTOCOL, IMAPCLIENT_ETOOBIG,
                               IMAPCLIENT_EPROTOCOL, IMAPCLIENT_EPROTOCOL,
                               IMAPCLIENT_EPROTOCOL, IMAPCLIENT_EPROTOCOL,
                               IMAPCLIENT_EPROTOCOL, 0};
    for (size_t i = 0; i < rs->count; i++) {
        int rc;
        imapclient_context_update *u = decode(rs, i, &rc);
        if (rc != want[i])
            fail_msg("response %zu (%s): %d, wanted %d", i, rs->items[i].raw, rc,
                     want[i]);
        assert_null(u);
    }
    imapclient_context_update *u = NULL;
    assert_int_equal(imapclient_context_update_from_response(NULL, &u),
                     IMAPCLIENT_EINVAL);
    imapclient_responses_free(rs);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_context__search_update),
        cmocka_unit_test(test_context__sort_update_positions),
        cmocka_unit_test(test_context__not_mixed_into_another_search),
        cmocka_unit_test(test_context__updates_through_the_callback),
        cmocka_unit_test(test_context__capabilities),
        cmocka_unit_test(test_context__hostile_updates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
