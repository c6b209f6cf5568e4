/* APPEND, MULTIAPPEND, COPY, MOVE, EXPUNGE and UID EXPUNGE on canned
 * server bytes (the reference's TestAppend, TestExpunge and more). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define CAPS "IMAP4rev1 UIDPLUS MOVE MULTIAPPEND"

/* A handle in the authenticated state with the given capabilities. */
static imapclient *authed(const char *caps, const char *rest)
{
    char script[8192];
    snprintf(script, sizeof script, "S: * PREAUTH [CAPABILITY %s] ready\n%s", caps, rest);
    imapclient *c = NULL;
    if (imapclient_connect_scripted(script, NULL, &c))
        fail_msg("connect: %s", imapclient_errmsg(c));
    return c;
}

/* INBOX selected (EXAMINE when readonly), tag A001. */
static imapclient *opened(const char *caps, int readonly, const char *rest)
{
    char script[8192];
    snprintf(script, sizeof script,
             "C: A001 %s INBOX\n"
             "S: * 3 EXISTS\n"
             "S: A001 OK [%s] selected\n"
             "%s",
             readonly ? "EXAMINE" : "SELECT", readonly ? "READ-ONLY" : "READ-WRITE",
             rest);
    imapclient *c = authed(caps, script);
    if (imapclient_select_folder(c, "INBOX", readonly, NULL))
        fail_msg("select: %s", imapclient_errmsg(c));
    return c;
}

static imapclient *selected(const char *rest)
{
    return opened(CAPS, 0, rest);
}

/* ---- EXPUNGE ------------------------------------------------------------------ */

static void test_mailbox__expunge_returns_responses(void **state)
{
    imapclient *c = selected("C: A002 EXPUNGE\n"
                             "S: * 2 EXPUNGE\n"
                             "S: * 1 EXPUNGE\n"
                             "S: * 0 RECENT\n"
                             "S: A002 OK Expunge completed.\n");
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_expunge(c, NULL, &r), 0);
    assert_true(imapclient_script_done(c));
    assert_string_equal(r->text, "Expunge completed.");
    assert_int_equal(r->count, 3);
    assert_int_equal(r->items[0].number, 2);
    assert_string_equal(r->items[0].name, "EXPUNGE");
    assert_int_equal(r->items[1].number, 1);
    assert_int_equal(r->items[2].number, 0);
    assert_string_equal(r->items[2].name, "RECENT");
    imapclient_responses_free(r);
    /* taken by the result, not kept */
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    imapclient_free(c);
}

static void test_mailbox__expunge_out_null_keeps_responses(void **state)
{
    imapclient *c = selected("C: A002 EXPUNGE\n"
                             "S: * 3 EXPUNGE\n"
                             "S: A002 OK done\n");
    assert_int_equal(imapclient_expunge(c, NULL, NULL), 0);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->items[0].number, 3);
    imapclient_responses_free(r);
    imapclient_free(c);
}

static void test_mailbox__expunge_with_ids(void **state)
{
    imapclient *c = selected("C: A002 UID EXPUNGE 4:6\n"
                             "S: * 2 EXPUNGE\n"
                             "S: A002 OK Expunge completed.\n");
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_expunge(c, "4:6", &r), 0);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->text, "Expunge completed.");
    imapclient_responses_free(r);
    imapclient_free(c);
}

static void test_mailbox__expunge_ids_need_uids_and_uidplus(void **state)
{
    imapclient *c = opened("IMAP4rev1", 0, "");
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_expunge(c, "4", &r), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_uid_expunge(c, "4", &r), IMAPCLIENT_ECAPABILITY);
    imapclient_set_use_uid(c, 0);
    assert_int_equal(imapclient_expunge(c, "4", &r), IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "use_uid"));
    assert_null(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__uid_expunge(void **state)
{
    imapclient *c = selected("C: A002 UID EXPUNGE 3000:3002\n"
                             "S: * 3 EXPUNGE\n"
                             "S: * 3 EXPUNGE\n"
                             "S: A002 OK done\n");
    imapclient_set_use_uid(c, 0); /* UIDs whatever use_uid says */
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_uid_expunge(c, "3000:3002", &r), 0);
    assert_int_equal(r->count, 2);
    imapclient_responses_free(r);
    assert_int_equal(imapclient_uid_expunge(c, NULL, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_uid_expunge(c, "3000-3002", &r), IMAPCLIENT_EINVAL);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__expunge_readonly_and_unselected(void **state)
{
    imapclient *c = opened(CAPS, 1, "");
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_expunge(c, NULL, &r), IMAPCLIENT_EREADONLY);
    assert_int_equal(imapclient_uid_expunge(c, "1", &r), IMAPCLIENT_EREADONLY);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
    c = authed(CAPS, "");
    assert_int_equal(imapclient_expunge(c, NULL, &r), IMAPCLIENT_EILLEGAL_STATE);
    imapclient_free(c);
}

/* ---- COPY, MOVE ------------------------------------------------------------------ */

static void test_mailbox__copy_with_copyuid(void **state)
{
    imapclient *c =
        selected("C: A002 UID COPY 2,4:5 \"Archive\"\n"
                 "S: A002 OK [COPYUID 38505 2,4:5 3956:3958] Copy completed.\n");
    imapclient_copy_result *r = NULL;
    assert_int_equal(imapclient_copy(c, "2,4:5", "Archive", &r), 0);
    assert_true(imapclient_script_done(c));
    assert_string_equal(r->text, "Copy completed.");
    assert_true(r->has_copyuid);
    assert_int_equal(r->uidvalidity, 38505);
    assert_string_equal(r->source_set, "2,4:5");
    assert_string_equal(r->dest_set, "3956:3958");
    assert_int_equal(r->count, 3);
    assert_int_equal(r->source_uids[1], 4);
    assert_int_equal(r->dest_uids[1], 3957);
    assert_int_equal(r->source_uids[2], 5);
    assert_int_equal(r->dest_uids[2], 3958);
    imapclient_copy_result_free(r);
    imapclient_free(c);
}

static void test_mailbox__copy_without_copyuid(void **state)
{
    imapclient *c = selected("C: A002 COPY 1 \"Sent Items\"\n"
                             "S: A002 OK done\n");
    imapclient_set_use_uid(c, 0);
    imapclient_copy_result *r = NULL;
    assert_int_equal(imapclient_copy(c, "1", "Sent Items", &r), 0);
    assert_false(r->has_copyuid);
    assert_null(r->source_set);
    assert_int_equal(r->count, 0);
    assert_string_equal(r->text, "done");
    imapclient_copy_result_free(r);
    imapclient_free(c);
}

static void test_mailbox__copy_unpaired_copyuid(void **state)
{
    imapclient *c = selected("C: A002 UID COPY 1:2 \"A\"\n"
                             "S: A002 OK [COPYUID 7 1:2 10] odd server\n");
    imapclient_copy_result *r = NULL;
    assert_int_equal(imapclient_copy(c, "1:2", "A", &r), 0);
    assert_true(r->has_copyuid);
    assert_string_equal(r->dest_set, "10");
    assert_int_equal(r->count, 0);
    assert_null(r->source_uids);
    imapclient_copy_result_free(r);
    imapclient_free(c);
}

static void test_mailbox__copy_folder_utf7_and_quoting(void **state)
{
    imapclient *c = selected("C: A002 UID COPY 1 \"Donn&AOk-es\"\n"
                             "S: A002 OK done\n"
                             "C: A003 UID COPY 1 \"a \\\"b\\\\c\"\n"
                             "S: A003 OK done\n");
    assert_int_equal(imapclient_copy(c, "1",
                                     "Donn\xc3\xa9"
                                     "es",
                                     NULL),
                     0);
    assert_int_equal(imapclient_copy(c, "1", "a \"b\\c", NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__copy_folder_encode_off(void **state)
{
    imapclient *c = opened(CAPS " LITERAL+", 0,
                           "C: A002 UID COPY 1 {8+}\n"
                           "C: Donn\xc3\xa9"
                           "es\n"
                           "S: A002 OK done\n");
    imapclient_set_folder_encode(c, 0);
    assert_int_equal(imapclient_copy(c, "1",
                                     "Donn\xc3\xa9"
                                     "es",
                                     NULL),
                     0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__copy_trycreate(void **state)
{
    imapclient *c = selected("C: A002 UID COPY 1 \"Nope\"\n"
                             "S: A002 NO [TRYCREATE] Mailbox doesn't exist: Nope\n");
    imapclient_copy_result *r = NULL;
    assert_int_equal(imapclient_copy(c, "1", "Nope", &r), IMAPCLIENT_ERROR);
    assert_null(r);
    assert_non_null(strstr(imapclient_errmsg(c), "TRYCREATE"));
    imapclient_free(c);
}

static void test_mailbox__copy_allowed_readonly(void **state)
{
    imapclient *c = opened(CAPS, 1, "C: A002 UID COPY 1 \"Archive\"\nS: A002 OK done\n");
    assert_int_equal(imapclient_copy(c, "1", "Archive", NULL), 0);
    imapclient_free(c);
}

static void test_mailbox__copy_bad_arguments(void **state)
{
    imapclient *c = selected("");
    assert_int_equal(imapclient_copy(c, "", "A", NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_copy(c, "1:", "A", NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_copy(c, "1", NULL, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_copy(c, "1", "\xff", NULL), IMAPCLIENT_EINVAL);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__move_untagged_copyuid(void **state)
{
    /* RFC 6851 4.3: COPYUID in an untagged OK before the EXPUNGEs */
    imapclient *c = selected("C: A002 UID MOVE 42:43 \"Trash\"\n"
                             "S: * OK [COPYUID 432432 42:43 1202:1203] Moved UIDs.\n"
                             "S: * 1 EXPUNGE\n"
                             "S: * 1 EXPUNGE\n"
                             "S: A002 OK Move completed.\n");
    imapclient_copy_result *r = NULL;
    assert_int_equal(imapclient_move(c, "42:43", "Trash", &r), 0);
    assert_true(r->has_copyuid);
    assert_int_equal(r->uidvalidity, 432432);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->source_uids[0], 42);
    assert_int_equal(r->dest_uids[1], 1203);
    assert_string_equal(r->text, "Move completed.");
    imapclient_copy_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 2); /* the EXPUNGEs, for noop() */
    assert_string_equal(p->items[0].name, "EXPUNGE");
    imapclient_responses_free(p);
    imapclient_free(c);
}

/* Exchange (captured): "[COPYUID 55 31 6]" alone on a line, neither
 * untagged nor tagged, then the EXPUNGE and the tagged OK. The server did
 * the MOVE: the call succeeds and the line is kept for the caller as an
 * unparsed response (issue 14, item 15). */
static void test_mailbox__move_exchange_stray_line(void **state)
{
    imapclient *c = selected("C: A002 UID MOVE 31 \"Archive\"\n"
                             "S: [COPYUID 55 31 6]\n"
                             "S: * 1 EXPUNGE\n"
                             "S: A002 OK MOVE completed.\n");
    imapclient_copy_result *r = NULL;
    assert_int_equal(imapclient_move(c, "31", "Archive", &r), 0);
    assert_string_equal(r->text, "MOVE completed.");
    imapclient_copy_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 2);
    assert_string_equal(p->items[0].tag, "");
    assert_string_equal(p->items[0].name, "");
    assert_string_equal(p->items[0].text, "[COPYUID 55 31 6]");
    assert_string_equal(p->items[0].raw, "[COPYUID 55 31 6]");
    assert_string_equal(p->items[1].name, "EXPUNGE");
    imapclient_responses_free(p);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__move_needs_capability_and_writable(void **state)
{
    imapclient *c = opened("IMAP4rev1", 0, "");
    assert_int_equal(imapclient_move(c, "1", "Trash", NULL), IMAPCLIENT_ECAPABILITY);
    imapclient_free(c);
    c = opened(CAPS, 1, "");
    assert_int_equal(imapclient_move(c, "1", "Trash", NULL), IMAPCLIENT_EREADONLY);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

/* ---- APPEND ----------------------------------------------------------------------- */

static void test_mailbox__append_waits_for_continuation(void **state)
{
    imapclient *c = authed("IMAP4rev1 UIDPLUS",
                           "C: A001 APPEND \"foobar\" (FLAG WAVE) \"05-Apr-2009 11:00:05 "
                           "+0200\" {3}\n"
                           "S: + Ready for literal data\n"
                           "C: bye\n"
                           "S: A001 OK [APPENDUID 38505 3955] Append completed.\n");
    imapclient_datetime d = {2009, 4, 5, 11, 0, 5, 1, 120};
    imapclient_append_result *r = NULL;
    assert_int_equal(imapclient_append(c, "foobar", "bye", 3,
                                       (const char *[]){"FLAG", "WAVE", NULL}, &d, &r),
                     0);
    assert_true(imapclient_script_done(c));
    assert_string_equal(r->text, "Append completed.");
    assert_true(r->has_appenduid);
    assert_int_equal(r->uidvalidity, 38505);
    assert_string_equal(r->uid_set, "3955");
    assert_int_equal(r->count, 1);
    assert_int_equal(r->uids[0], 3955);
    imapclient_append_result_free(r);
    imapclient_free(c);
}

static void test_mailbox__append_literal_plus_no_flags(void **state)
{
    imapclient *c = authed("IMAP4rev1 LITERAL+", "C: A001 APPEND \"foobar\" () {2+}\n"
                                                 "C: hi\n"
                                                 "S: A001 OK Good\n");
    imapclient_append_result *r = NULL;
    assert_int_equal(imapclient_append(c, "foobar", "hi", 2, NULL, NULL, &r), 0);
    assert_string_equal(r->text, "Good");
    assert_false(r->has_appenduid);
    assert_int_equal(r->count, 0);
    imapclient_append_result_free(r);
    imapclient_free(c);
}

static void test_mailbox__append_normalises_line_ends(void **state)
{
    imapclient *c =
        authed("IMAP4rev1 LITERAL+", "C: A001 APPEND \"INBOX\" (\\Seen) {12+}\n"
                                     "C% a%0D%0Ab%0D%0Ac%0D%0A%0D%0Ad%0D%0A\n"
                                     "S: A001 OK done\n");
    const char msg[] = "a\nb\rc\r\n\nd";
    assert_int_equal(imapclient_append(c, "INBOX", msg, sizeof msg - 1,
                                       (const char *[]){IMAPCLIENT_SEEN, NULL}, NULL,
                                       NULL),
                     0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__append_fetches_capabilities_first(void **state)
{
    /* LITERAL+ must be known before the literal is written */
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted("S: * PREAUTH hi\n"
                                                 "C: A001 CAPABILITY\n"
                                                 "S: * CAPABILITY IMAP4rev1 LITERAL+\n"
                                                 "S: A001 OK done\n"
                                                 "C: A002 APPEND \"INBOX\" () {1+}\n"
                                                 "C: x\n"
                                                 "S: A002 OK done\n",
                                                 NULL, &c),
                     0);
    assert_int_equal(imapclient_append(c, "INBOX", "x", 1, NULL, NULL, NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__append_refused_before_literal(void **state)
{
    imapclient *c = authed("IMAP4rev1", "C: A001 APPEND \"Nope\" () {5}\n"
                                        "S: A001 NO [TRYCREATE] No such mailbox\n"
                                        "C: A002 NOOP\n"
                                        "S: A002 OK ok\n");
    imapclient_append_result *r = NULL;
    assert_int_equal(imapclient_append(c, "Nope", "hello", 5, NULL, NULL, &r),
                     IMAPCLIENT_ERROR);
    assert_null(r);
    assert_non_null(strstr(imapclient_errmsg(c), "TRYCREATE"));
    /* the literal was not sent; the connection is in step */
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__append_bad_arguments(void **state)
{
    imapclient *c = authed("IMAP4rev1", "");
    imapclient_datetime bad = {2009, 2, 30, 0, 0, 0, 0, 0};
    assert_int_equal(imapclient_append(c, "INBOX", "a\0b", 3, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_append(c, "INBOX", NULL, 0, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_append(c, NULL, "x", 1, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_append(c, "INBOX", "x", 1, NULL, &bad, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_append(c, "INBOX", "x", 1, (const char *[]){"(x", NULL}, NULL, NULL),
        IMAPCLIENT_EINVAL);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__append_not_authenticated(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted("S: * OK hi\n", NULL, &c), 0);
    assert_int_equal(imapclient_append(c, "INBOX", "x", 1, NULL, NULL, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__multiappend(void **state)
{
    /* the reference's test_multiappend_with_flags_and_internaldate */
    imapclient *c =
        authed(CAPS " LITERAL+",
               "C: A001 APPEND \"foobar\" (FLAG WAVE) \"05-Apr-2009 11:00:05 +0200\" "
               "{4+}\n"
               "C: msg1 (FLAG WAVE) {4+}\n"
               "C: msg2 \"05-Apr-2009 11:00:05 +0200\" {4+}\n"
               "C: msg3 {4+}\n"
               "C: msg4\n"
               "S: A001 OK [APPENDUID 38505 3955:3958] Append completed.\n");
    imapclient_datetime d = {2009, 4, 5, 11, 0, 5, 1, 120};
    const char *const fl[] = {"FLAG", "WAVE", NULL};
    imapclient_append_msg msgs[] = {{"msg1", 4, fl, &d},
                                    {"msg2", 4, fl, NULL},
                                    {"msg3", 4, NULL, &d},
                                    {"msg4", 4, NULL, NULL}};
    imapclient_append_result *r = NULL;
    assert_int_equal(imapclient_multiappend(c, "foobar", msgs, 4, &r), 0);
    assert_true(imapclient_script_done(c));
    assert_true(r->has_appenduid);
    assert_int_equal(r->count, 4);
    assert_int_equal(r->uids[0], 3955);
    assert_int_equal(r->uids[3], 3958);
    assert_string_equal(r->uid_set, "3955:3958");
    imapclient_append_result_free(r);
    imapclient_free(c);
}

static void test_mailbox__multiappend_synchronising(void **state)
{
    imapclient *c = authed(CAPS, "C: A001 APPEND \"INBOX\" {4}\n"
                                 "S: + go\n"
                                 "C: msg1 {4}\n"
                                 "S: + go\n"
                                 "C: msg2\n"
                                 "S: A001 OK done\n");
    imapclient_append_msg msgs[] = {{"msg1", 4, NULL, NULL}, {"msg2", 4, NULL, NULL}};
    assert_int_equal(imapclient_multiappend(c, "INBOX", msgs, 2, NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_mailbox__multiappend_needs_capability(void **state)
{
    imapclient *c = authed("IMAP4rev1", "");
    imapclient_append_msg m = {"x", 1, NULL, NULL};
    assert_int_equal(imapclient_multiappend(c, "INBOX", &m, 1, NULL),
                     IMAPCLIENT_ECAPABILITY);
    imapclient_free(c);
    c = authed(CAPS, "");
    assert_int_equal(imapclient_multiappend(c, "INBOX", &m, 0, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_multiappend(c, "INBOX", NULL, 1, NULL),
                     IMAPCLIENT_EINVAL);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mailbox__expunge_returns_responses),
        cmocka_unit_test(test_mailbox__expunge_out_null_keeps_responses),
        cmocka_unit_test(test_mailbox__expunge_with_ids),
        cmocka_unit_test(test_mailbox__expunge_ids_need_uids_and_uidplus),
        cmocka_unit_test(test_mailbox__uid_expunge),
        cmocka_unit_test(test_mailbox__expunge_readonly_and_unselected),
        cmocka_unit_test(test_mailbox__copy_with_copyuid),
        cmocka_unit_test(test_mailbox__copy_without_copyuid),
        cmocka_unit_test(test_mailbox__copy_unpaired_copyuid),
        cmocka_unit_test(test_mailbox__copy_folder_utf7_and_quoting),
        cmocka_unit_test(test_mailbox__copy_folder_encode_off),
        cmocka_unit_test(test_mailbox__copy_trycreate),
        cmocka_unit_test(test_mailbox__copy_allowed_readonly),
        cmocka_unit_test(test_mailbox__copy_bad_arguments),
        cmocka_unit_test(test_mailbox__move_untagged_copyuid),
        cmocka_unit_test(test_mailbox__move_exchange_stray_line),
        cmocka_unit_test(test_mailbox__move_needs_capability_and_writable),
        cmocka_unit_test(test_mailbox__append_waits_for_continuation),
        cmocka_unit_test(test_mailbox__append_literal_plus_no_flags),
        cmocka_unit_test(test_mailbox__append_normalises_line_ends),
        cmocka_unit_test(test_mailbox__append_fetches_capabilities_first),
        cmocka_unit_test(test_mailbox__append_refused_before_literal),
        cmocka_unit_test(test_mailbox__append_bad_arguments),
        cmocka_unit_test(test_mailbox__append_not_authenticated),
        cmocka_unit_test(test_mailbox__multiappend),
        cmocka_unit_test(test_mailbox__multiappend_synchronising),
        cmocka_unit_test(test_mailbox__multiappend_needs_capability),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
