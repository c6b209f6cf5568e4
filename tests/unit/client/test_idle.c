/* IDLE on canned server bytes: entering, idle_check parsing and timeout,
 * idle_done, renewal, other calls refused while idling, server-side ends
 * (BYE, tagged completion) and malformed responses. */
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

#define PREAUTH "S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\n"

static void test_idle__needs_capability(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n");
    assert_int_equal(imapclient_idle(c), IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "IDLE"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    done(c); /* nothing sent */
}

static void test_idle__needs_login(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 IDLE] ready\n");
    assert_int_equal(imapclient_idle(c), IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

static void test_idle__not_idling(void **state)
{
    imapclient *c = play(PREAUTH);
    imapclient_responses *r = (imapclient_responses *)1;
    assert_int_equal(imapclient_idle_check(c, 10, &r), IMAPCLIENT_EILLEGAL_STATE);
    assert_null(r);
    assert_int_equal(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_idle_renew(c, 0), IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

static void test_idle__check_parses_responses(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "S: * OK Still here\n"
                                 "S: * 1 EXISTS\n"
                                 "S: * 1 FETCH (FLAGS (\\NotJunk))\n"
                                 "C: DONE\n"
                                 "S: A001 OK Idle completed.\n");
    check(imapclient_idle(c), c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 1000, &r), c);
    assert_int_equal(r->count, 3);
    /* (b'OK', b'Still here') */
    assert_string_equal(r->items[0].name, "OK");
    assert_string_equal(r->items[0].text, "Still here");
    assert_false(r->items[0].has_number);
    /* (1, b'EXISTS') */
    assert_true(r->items[1].has_number);
    assert_int_equal(r->items[1].number, 1);
    assert_string_equal(r->items[1].name, "EXISTS");
    /* (1, b'FETCH', (b'FLAGS', (b'\\NotJunk',))) */
    assert_int_equal(r->items[2].number, 1);
    assert_string_equal(r->items[2].name, "FETCH");
    const imapclient_value *a = r->items[2].args;
    assert_int_equal(a->count, 1);
    assert_int_equal(a->items[0].type, IMAPCLIENT_VALUE_LIST);
    assert_int_equal(a->items[0].count, 2);
    assert_string_equal(a->items[0].items[0].str, "FLAGS");
    assert_string_equal(a->items[0].items[1].items[0].str, "\\NotJunk");
    imapclient_responses_free(r);

    const char *text = NULL;
    imapclient_responses *rest = NULL;
    check(imapclient_idle_done(c, &text, &rest), c);
    assert_string_equal(text, "Idle completed.");
    assert_string_equal(rest->text, "Idle completed.");
    assert_int_equal(rest->count, 0);
    imapclient_responses_free(rest);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    done(c);
}

static void test_idle__check_timeout_empty(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "!TIMEOUT\n"
                                 "C: DONE\n"
                                 "S: A001 OK done\n");
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 50, &r), c);
    assert_non_null(r);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    /* the connection is still good */
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    check(imapclient_idle_done(c, NULL, NULL), c);
    done(c);
}

static void test_idle__other_calls_refused(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: A001 OK done\n"
                                 "C: A002 NOOP\n"
                                 "S: A002 OK NOOP done\n");
    check(imapclient_idle(c), c);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_idle(c), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_login(c, "a", "b", NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_plain_login(c, "a", "b", NULL, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_id(c, NULL, NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    check(imapclient_idle_done(c, NULL, NULL), c);
    check(imapclient_noop(c, NULL), c);
    done(c);
}

static void test_idle__done_returns_responses_since_check(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "S: * 4 EXISTS\n"
                                 "C: DONE\n"
                                 "S: * 2 EXPUNGE\n"
                                 "S: A001 OK Idle completed.\n");
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 1000, &r), c);
    assert_int_equal(r->count, 1);
    imapclient_responses_free(r);
    check(imapclient_idle_done(c, NULL, &r), c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].name, "EXPUNGE");
    assert_int_equal(r->items[0].number, 2);
    imapclient_responses_free(r);
    done(c);
}

static void test_idle__done_without_out_keeps_responses(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: * 5 EXISTS\n"
                                 "S: A001 OK Idle completed.\n");
    check(imapclient_idle(c), c);
    check(imapclient_idle_done(c, NULL, NULL), c);
    imapclient_responses *r = NULL;
    check(imapclient_take_responses(c, &r), c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].name, "EXISTS");
    imapclient_responses_free(r);
    done(c);
}

static void test_idle__responses_before_continuation(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: * 3 RECENT\n"
                                 "S: + idling\n"
                                 "!TIMEOUT\n"
                                 "C: DONE\n"
                                 "S: A001 OK done\n");
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 20, &r), c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].name, "RECENT");
    imapclient_responses_free(r);
    check(imapclient_idle_done(c, NULL, NULL), c);
    done(c);
}

static void test_idle__refused(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: A001 BAD [CLIENTBUG] IDLE not allowed now\n"
                                 "C: A002 NOOP\n"
                                 "S: A002 OK done\n");
    assert_int_equal(imapclient_idle(c), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "IDLE not allowed now"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    check(imapclient_noop(c, NULL), c);
    done(c);
}

static void test_idle__done_refused_restores_state(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: A001 NO something broke\n");
    check(imapclient_idle(c), c);
    const char *text = NULL;
    assert_int_equal(imapclient_idle_done(c, &text, NULL), IMAPCLIENT_ERROR);
    assert_string_equal(text, "something broke");
    assert_non_null(strstr(imapclient_errmsg(c), "something broke"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    done(c);
}

static void test_idle__selected_state_restored(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: * 3 EXISTS\n"
                                 "S: * FLAGS (\\Seen)\n"
                                 "S: A001 OK [READ-WRITE] Select completed.\n"
                                 "C: A002 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: A002 OK Idle completed.\n");
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    check(imapclient_idle(c), c);
    check(imapclient_idle_done(c, NULL, NULL), c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    done(c);
}

static void test_idle__renew(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: * 7 EXISTS\n"
                                 "S: A001 OK Idle completed.\n"
                                 "C: A002 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: A002 OK Idle completed.\n");
    check(imapclient_idle(c), c);
    /* not due: nothing sent */
    assert_int_equal(imapclient_idle_renew(c, IMAPCLIENT_IDLE_RENEW_MS), 0);
    assert_int_equal(imapclient_idle_renew(c, -1), IMAPCLIENT_EINVAL);
    /* due (age 0): DONE + IDLE with the next tag */
    assert_int_equal(imapclient_idle_renew(c, 0), 1);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    /* the EXISTS that came during the renewal is not lost */
    imapclient_responses *r = NULL;
    check(imapclient_idle_done(c, NULL, &r), c);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->items[0].number, 7);
    imapclient_responses_free(r);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    done(c);
}

static void test_idle__bye_then_close(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "S: * BYE Disconnected for inactivity.\n"
                                 "!EOF\n");
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 1000, &r), c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].name, "BYE");
    assert_string_equal(r->items[0].text, "Disconnected for inactivity.");
    imapclient_responses_free(r);
    assert_int_equal(imapclient_idle_check(c, 1000, &r), IMAPCLIENT_EABORT);
    assert_null(r);
    imapclient_free(c);
}

static void test_idle__server_ends_idle(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "S: * 2 EXISTS\n"
                                 "S: A001 OK IDLE terminated\n"
                                 "C: A002 NOOP\n"
                                 "S: A002 OK done\n");
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 1000, &r), c);
    assert_int_equal(r->count, 2);
    assert_string_equal(r->items[1].tag, "A001");
    assert_string_equal(r->items[1].text, "IDLE terminated");
    imapclient_responses_free(r);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_EILLEGAL_STATE);
    check(imapclient_noop(c, NULL), c);
    done(c);
}

static void test_idle__malformed_response(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "S: * 3 EXISTS\n"
                                 "S: * 4 FETCH (FLAGS (\\Seen\n"
                                 "S: * 5 EXISTS\n"
                                 "C: DONE\n"
                                 "S: A001 OK done\n");
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_idle_check(c, 1000, &r), IMAPCLIENT_EPROTOCOL);
    assert_null(r);
    assert_non_null(strstr(imapclient_errmsg(c), "FETCH"));
    /* the good ones were kept */
    check(imapclient_idle_done(c, NULL, &r), c);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->items[0].number, 3);
    assert_int_equal(r->items[1].number, 5);
    imapclient_responses_free(r);
    done(c);
}

static void test_idle__socket_and_null_out(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 IDLE\n"
                                 "S: + idling\n"
                                 "C: DONE\n"
                                 "S: A001 OK done\n");
    assert_int_equal(imapclient_socket(c), -1); /* scripted: no fd */
    check(imapclient_idle(c), c);
    assert_int_equal(imapclient_idle_check(c, 10, NULL), IMAPCLIENT_EINVAL);
    check(imapclient_idle_done(c, NULL, NULL), c);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle__needs_capability),
        cmocka_unit_test(test_idle__needs_login),
        cmocka_unit_test(test_idle__not_idling),
        cmocka_unit_test(test_idle__check_parses_responses),
        cmocka_unit_test(test_idle__check_timeout_empty),
        cmocka_unit_test(test_idle__other_calls_refused),
        cmocka_unit_test(test_idle__done_returns_responses_since_check),
        cmocka_unit_test(test_idle__done_without_out_keeps_responses),
        cmocka_unit_test(test_idle__responses_before_continuation),
        cmocka_unit_test(test_idle__refused),
        cmocka_unit_test(test_idle__done_refused_restores_state),
        cmocka_unit_test(test_idle__selected_state_restored),
        cmocka_unit_test(test_idle__renew),
        cmocka_unit_test(test_idle__bye_then_close),
        cmocka_unit_test(test_idle__server_ends_idle),
        cmocka_unit_test(test_idle__malformed_response),
        cmocka_unit_test(test_idle__socket_and_null_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
