/* Flags and Gmail labels on canned server bytes: FETCH (FLAGS),
 * STORE [+-]FLAGS[.SILENT], X-GM-LABELS, and which FETCH responses belong
 * to a result (the reference's tests/test_store.py and more). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

/* A handle with INBOX selected (SELECT, or EXAMINE when readonly; tag
 * A001); the rest of the script follows. */
static imapclient *opened(int readonly, const char *rest)
{
    char script[8192];
    snprintf(script, sizeof script,
             "S: * PREAUTH [CAPABILITY IMAP4rev1 X-GM-EXT-1] ready\n"
             "C: A001 %s INBOX\n"
             "S: * 3 EXISTS\n"
             "S: A001 OK [%s] selected\n"
             "%s",
             readonly ? "EXAMINE" : "SELECT", readonly ? "READ-ONLY" : "READ-WRITE",
             rest);
    imapclient *c = NULL;
    if (imapclient_connect_scripted(script, NULL, &c))
        fail_msg("connect: %s", imapclient_errmsg(c));
    if (imapclient_select_folder(c, "INBOX", readonly, NULL))
        fail_msg("select: %s", imapclient_errmsg(c));
    return c;
}

static imapclient *selected(const char *rest)
{
    return opened(0, rest);
}

static void assert_flags(const imapclient_msg_flags *m, uint32_t id, uint32_t seq,
                         const char *const *want)
{
    assert_non_null(m);
    assert_int_equal(m->id, id);
    assert_int_equal(m->seq, seq);
    size_t n = 0;
    while (want[n])
        n++;
    assert_int_equal(m->count, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(m->flags[i], want[i]);
    assert_null(m->flags[n]);
}

/* The reference's store test: responses for other items are ignored. */
static const char store_replies[] = "S: * 11 FETCH (FLAGS (blah foo) UID 1)\n"
                                    "S: * 11 FETCH (UID 1 OTHER (dont))\n"
                                    "S: * 22 FETCH (FLAGS (foo) UID 2)\n"
                                    "S: * 22 FETCH (UID 2 OTHER (care))\n"
                                    "S: A002 OK Store completed\n";

typedef int (*store_fn)(imapclient *, const char *, const char *const *, int,
                        imapclient_flags_result **);

static void check_store(store_fn fn, const char *op)
{
    char rest[2048];
    snprintf(rest, sizeof rest, "C: A002 UID STORE 1,2 %s (foo)\n%s", op, store_replies);
    imapclient *c = selected(rest);
    imapclient_flags_result *r = NULL;
    assert_int_equal(fn(c, "1,2", (const char *[]){"foo", NULL}, 0, &r), 0);
    assert_true(imapclient_script_done(c));
    assert_int_equal(r->count, 2);
    assert_flags(&r->msgs[0], 1, 11, (const char *[]){"blah", "foo", NULL});
    assert_flags(&r->msgs[1], 2, 22, (const char *[]){"foo", NULL});
    imapclient_flags_result_free(r);
    /* the responses without FLAGS are not the result's: kept for noop() */
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 2);
    imapclient_responses_free(p);
    imapclient_free(c);

    /* silent: .SILENT and no result */
    snprintf(rest, sizeof rest,
             "C: A002 UID STORE 1,2 %s.SILENT (foo)\nS: A002 OK done\n", op);
    c = selected(rest);
    r = (imapclient_flags_result *)1;
    assert_int_equal(fn(c, "1,2", (const char *[]){"foo", NULL}, 1, &r), 0);
    assert_null(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_store__set_flags(void **state)
{
    check_store(imapclient_set_flags, "FLAGS");
}

static void test_store__add_flags(void **state)
{
    check_store(imapclient_add_flags, "+FLAGS");
}

static void test_store__remove_flags(void **state)
{
    check_store(imapclient_remove_flags, "-FLAGS");
}

static void test_store__get_flags(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 123,444 (FLAGS)\n"
                             "S: * 2 FETCH (UID 444 FLAGS (foo))\n"
                             "S: * 1 FETCH (UID 123 FLAGS (foo bar))\n"
                             "S: A002 OK Fetch completed\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_flags(c, "123,444", &r), 0);
    assert_true(imapclient_script_done(c));
    assert_int_equal(r->count, 2); /* ascending by id */
    assert_flags(&r->msgs[0], 123, 1, (const char *[]){"foo", "bar", NULL});
    assert_flags(&r->msgs[1], 444, 2, (const char *[]){"foo", NULL});
    assert_ptr_equal(imapclient_flags_result_get(r, 444), &r->msgs[1]);
    assert_null(imapclient_flags_result_get(r, 5));
    assert_null(imapclient_flags_result_get(NULL, 5));
    imapclient_flags_result_free(r);
    imapclient_free(c);
}

static void test_store__system_flags_and_empty_list(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 7 (FLAGS)\n"
                             "S: * 3 FETCH (FLAGS (\\Seen \\Answered $Forwarded) UID 7)\n"
                             "S: A002 OK done\n"
                             "C: A003 UID FETCH 8 (FLAGS)\n"
                             "S: * 4 FETCH (FLAGS () UID 8)\n"
                             "S: A003 OK done\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_flags(c, "7", &r), 0);
    assert_flags(
        &r->msgs[0], 7, 3,
        (const char *[]){IMAPCLIENT_SEEN, IMAPCLIENT_ANSWERED, "$Forwarded", NULL});
    imapclient_flags_result_free(r);
    assert_int_equal(imapclient_get_flags(c, "8", &r), 0);
    assert_int_equal(r->count, 1);
    assert_flags(&r->msgs[0], 8, 4, (const char *[]){NULL});
    imapclient_flags_result_free(r);
    imapclient_free(c);
}

static void test_store__other_messages_not_in_result(void **state)
{
    /* an unsolicited flag change of UID 9, a FETCH without UID: not ours */
    imapclient *c = selected("C: A002 UID FETCH 1:3 (FLAGS)\n"
                             "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n"
                             "S: * 9 FETCH (UID 9 FLAGS (\\Deleted))\n"
                             "S: * 2 FETCH (FLAGS (\\Flagged))\n"
                             "S: * 5 EXISTS\n"
                             "S: A002 OK done\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_flags(c, "1:3", &r), 0);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->msgs[0].id, 1);
    imapclient_flags_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 3);
    assert_int_equal(p->items[0].number, 9);
    assert_int_equal(p->items[1].number, 2);
    assert_string_equal(p->items[2].name, "EXISTS");
    imapclient_responses_free(p);
    imapclient_free(c);
}

static void test_store__star_set_takes_any(void **state)
{
    imapclient *c = selected("C: A002 UID STORE 5:* +FLAGS (\\Seen)\n"
                             "S: * 1 FETCH (UID 3 FLAGS (\\Seen))\n"
                             "S: A002 OK done\n");
    imapclient_flags_result *r = NULL;
    /* with "5:*" a folder whose last UID is 3 matches UID 3 */
    assert_int_equal(
        imapclient_add_flags(c, "5:*", (const char *[]){IMAPCLIENT_SEEN, NULL}, 0, &r),
        0);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->msgs[0].id, 3);
    imapclient_flags_result_free(r);
    imapclient_free(c);
}

static void test_store__last_fetch_wins(void **state)
{
    imapclient *c = selected("C: A002 UID STORE 4 -FLAGS (\\Flagged)\n"
                             "S: * 2 FETCH (UID 4 FLAGS (\\Seen \\Flagged))\n"
                             "S: * 2 FETCH (UID 4 FLAGS (\\Seen))\n"
                             "S: A002 OK done\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_remove_flags(
                         c, "4", (const char *[]){IMAPCLIENT_FLAGGED, NULL}, 0, &r),
                     0);
    assert_int_equal(r->count, 1);
    assert_flags(&r->msgs[0], 4, 2, (const char *[]){"\\Seen", NULL});
    imapclient_flags_result_free(r);
    imapclient_free(c);
}

static void test_store__use_uid_off_keys_by_seq(void **state)
{
    imapclient *c = selected("C: A002 STORE 3 +FLAGS (\\Seen)\n"
                             "S: * 3 FETCH (FLAGS (\\Seen))\n"
                             "S: A002 OK done\n");
    imapclient_set_use_uid(c, 0);
    imapclient_flags_result *r = NULL;
    assert_int_equal(
        imapclient_add_flags(c, "3", (const char *[]){IMAPCLIENT_SEEN, NULL}, 0, &r), 0);
    assert_flags(&r->msgs[0], 3, 3, (const char *[]){"\\Seen", NULL});
    imapclient_flags_result_free(r);
    imapclient_free(c);
}

/* RFC 7162 3.1.3: MODSEQ is sent even for .SILENT. The flags the caller
 * did not ask for may go, the MODSEQ may not: kept for noop() (issue 14,
 * item 12). */
static void test_store__condstore_silent_modseq_kept(void **state)
{
    imapclient *c = selected("C: A002 UID STORE 1:2 FLAGS.SILENT (\\Seen)\n"
                             "S: * 1 FETCH (UID 1 MODSEQ (12121))\n"
                             "S: * 2 FETCH (UID 2 FLAGS (\\Seen))\n"
                             "S: A002 OK done\n");
    assert_int_equal(
        imapclient_set_flags(c, "1:2", (const char *[]){IMAPCLIENT_SEEN, NULL}, 1, NULL),
        0);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 1);
    assert_int_equal(p->items[0].number, 1);
    assert_true(strstr(p->items[0].raw, "MODSEQ (12121)") != NULL);
    imapclient_responses_free(p);
    imapclient_free(c);
}

/* Non-silent under CONDSTORE: the MODSEQ comes with the flags, or in a
 * response of its own (Dovecot: "* 1 FETCH (UID 1 MODSEQ (3))"), which
 * updates the entry of its message; with no entry for it the response is
 * kept for the caller, never swallowed (issue 14, item 12). */
static void test_store__condstore_modseq_in_result(void **state)
{
    imapclient *c = selected("C: A002 UID STORE 1:3 +FLAGS (\\Seen)\n"
                             "S: * 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (7))\n"
                             "S: * 2 FETCH (UID 2 FLAGS (\\Seen))\n"
                             "S: * 2 FETCH (UID 2 MODSEQ (8))\n"
                             "S: * 3 FETCH (UID 3 MODSEQ (9))\n"
                             "S: A002 OK done\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(
        imapclient_add_flags(c, "1:3", (const char *[]){IMAPCLIENT_SEEN, NULL}, 0, &r),
        0);
    assert_int_equal(r->count, 2);
    assert_true(r->msgs[0].has_modseq);
    assert_int_equal(r->msgs[0].modseq, 7);
    assert_true(r->msgs[1].has_modseq);
    assert_int_equal(r->msgs[1].modseq, 8);
    assert_int_equal(r->msgs[1].count, 1);
    imapclient_flags_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 1); /* UID 3's MODSEQ */
    assert_int_equal(p->items[0].number, 3);
    imapclient_responses_free(p);
    imapclient_free(c);
}

static void test_store__out_null_takes_responses(void **state)
{
    imapclient *c = selected("C: A002 UID STORE 1 +FLAGS ()\n"
                             "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n"
                             "S: A002 OK done\n");
    assert_int_equal(imapclient_add_flags(c, "1", NULL, 0, NULL), 0);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 0);
    imapclient_responses_free(p);
    imapclient_free(c);
}

static void test_store__delete_messages(void **state)
{
    imapclient *c = selected("C: A002 UID STORE 2:4 +FLAGS (\\Deleted)\n"
                             "S: * 1 FETCH (UID 2 FLAGS (\\Seen \\Deleted))\n"
                             "S: A002 OK done\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_delete_messages(c, "2:4", 0, &r), 0);
    assert_flags(&r->msgs[0], 2, 1, (const char *[]){"\\Seen", IMAPCLIENT_DELETED, NULL});
    imapclient_flags_result_free(r);
    imapclient_free(c);
}

static void test_store__readonly_refused(void **state)
{
    imapclient *c = opened(1, "");
    imapclient_flags_result *r = NULL;
    const char *const seen[] = {IMAPCLIENT_SEEN, NULL};
    assert_int_equal(imapclient_add_flags(c, "1", seen, 0, &r), IMAPCLIENT_EREADONLY);
    assert_int_equal(imapclient_set_flags(c, "1", seen, 1, NULL), IMAPCLIENT_EREADONLY);
    assert_int_equal(imapclient_delete_messages(c, "1", 0, &r), IMAPCLIENT_EREADONLY);
    assert_int_equal(imapclient_add_gmail_labels(c, "1", seen, 0, &r),
                     IMAPCLIENT_EREADONLY);
    assert_null(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_store__readonly_get_flags_allowed(void **state)
{
    imapclient *c = opened(1, "C: A002 UID FETCH 1 (FLAGS)\n"
                              "S: * 1 FETCH (UID 1 FLAGS ())\n"
                              "S: A002 OK done\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_flags(c, "1", &r), 0);
    imapclient_flags_result_free(r);
    imapclient_free(c);
}

static void test_store__not_selected(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted("S: * PREAUTH hi\n", NULL, &c), 0);
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_flags(c, "1", &r), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_add_flags(c, "1", NULL, 0, &r),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_store__bad_arguments(void **state)
{
    imapclient *c = selected("");
    imapclient_flags_result *r = NULL;
    const char *const seen[] = {IMAPCLIENT_SEEN, NULL};
    assert_int_equal(imapclient_add_flags(c, "1,,2", seen, 0, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_add_flags(c, "0", seen, 0, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_add_flags(c, NULL, seen, 0, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_add_flags(c, "1 2", seen, 0, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_add_flags(c, "1", (const char *[]){"a b", NULL}, 0, &r),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_add_flags(c, "1", (const char *[]){"x)", NULL}, 0, &r),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_add_flags(c, "1", (const char *[]){"", NULL}, 0, &r),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_add_flags(c, "1", (const char *[]){"\\", NULL}, 0, &r),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_add_flags(c, "1", (const char *[]){"caf\xc3\xa9", NULL}, 0, &r),
        IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_get_flags(c, "1", NULL), IMAPCLIENT_EINVAL);
    assert_null(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_store__empty_set_sends_nothing(void **state)
{
    imapclient *c = selected("");
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_flags(c, "", &r), 0);
    assert_int_equal(r->count, 0);
    imapclient_flags_result_free(r);
    assert_int_equal(imapclient_add_flags(c, "", NULL, 0, &r), 0);
    assert_int_equal(r->count, 0);
    imapclient_flags_result_free(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_store__server_refuses(void **state)
{
    imapclient *c = selected("C: A002 UID STORE 1 +FLAGS (\\Recent)\n"
                             "S: A002 BAD Cannot store \\Recent\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(
        imapclient_add_flags(c, "1", (const char *[]){IMAPCLIENT_RECENT, NULL}, 0, &r),
        IMAPCLIENT_ERROR);
    assert_null(r);
    assert_non_null(strstr(imapclient_errmsg(c), "Cannot store"));
    imapclient_free(c);
}

/* ---- Gmail labels -------------------------------------------------------------- */

static void test_store__get_gmail_labels(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 123,444 (X-GM-LABELS)\n"
                             "S: * 1 FETCH (X-GM-LABELS (foo &AUE-abel) UID 123)\n"
                             "S: * 2 FETCH (X-GM-LABELS (foo) UID 444)\n"
                             "S: A002 OK done\n");
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_gmail_labels(c, "123,444", &r), 0);
    assert_int_equal(r->count, 2);
    assert_flags(&r->msgs[0], 123, 1,
                 (const char *[]){"foo",
                                  "\xc5\x81"
                                  "abel",
                                  NULL});
    assert_flags(&r->msgs[1], 444, 2, (const char *[]){"foo", NULL});
    imapclient_flags_result_free(r);
    imapclient_free(c);
}

typedef int (*label_fn)(imapclient *, const char *, const char *const *, int,
                        imapclient_flags_result **);

static void check_labels(label_fn fn, const char *op)
{
    char rest[2048];
    snprintf(rest, sizeof rest,
             "C: A002 UID STORE 1,2 %s (\"f\\\"o\\\"o\")\n"
             "S: * 11 FETCH (X-GM-LABELS (&AUE-abel \"f\\\"o\\\"o\") UID 1)\n"
             "S: * 22 FETCH (X-GM-LABELS (\"f\\\"o\\\"o\") UID 2)\n"
             "S: * 11 FETCH (UID 1 FLAGS (dont))\n"
             "S: * 22 FETCH (UID 2 FLAGS (care))\n"
             "S: A002 OK done\n",
             op);
    imapclient *c = selected(rest);
    imapclient_flags_result *r = NULL;
    assert_int_equal(fn(c, "1,2", (const char *[]){"f\"o\"o", NULL}, 0, &r), 0);
    assert_true(imapclient_script_done(c));
    assert_int_equal(r->count, 2);
    assert_flags(&r->msgs[0], 1, 11,
                 (const char *[]){"\xc5\x81"
                                  "abel",
                                  "f\"o\"o", NULL});
    assert_flags(&r->msgs[1], 2, 22, (const char *[]){"f\"o\"o", NULL});
    imapclient_flags_result_free(r);
    imapclient_free(c);

    snprintf(rest, sizeof rest,
             "C: A002 UID STORE 1,2 %s.SILENT (\"f\\\"o\\\"o\")\n"
             "S: A002 OK done\n",
             op);
    c = selected(rest);
    assert_int_equal(fn(c, "1,2", (const char *[]){"f\"o\"o", NULL}, 1, &r), 0);
    assert_null(r);
    imapclient_free(c);
}

static void test_store__set_gmail_labels(void **state)
{
    check_labels(imapclient_set_gmail_labels, "X-GM-LABELS");
}

static void test_store__add_gmail_labels(void **state)
{
    check_labels(imapclient_add_gmail_labels, "+X-GM-LABELS");
}

static void test_store__remove_gmail_labels(void **state)
{
    check_labels(imapclient_remove_gmail_labels, "-X-GM-LABELS");
}

static void test_store__labels_encoded_and_quoted(void **state)
{
    imapclient *c = selected(
        "C: A002 UID STORE 9 +X-GM-LABELS.SILENT (\"&AUE-abel\" \"\\\\Important\" "
        "\"a b\" \"plain\")\n"
        "S: A002 OK done\n");
    assert_int_equal(
        imapclient_add_gmail_labels(c, "9",
                                    (const char *[]){"\xc5\x81"
                                                     "abel",
                                                     "\\Important", "a b", "plain", NULL},
                                    1, NULL),
        0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_store__label_invalid_utf8(void **state)
{
    imapclient *c = selected("");
    assert_int_equal(
        imapclient_set_gmail_labels(c, "9", (const char *[]){"\xff", NULL}, 1, NULL),
        IMAPCLIENT_EINVAL);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store__set_flags),
        cmocka_unit_test(test_store__add_flags),
        cmocka_unit_test(test_store__remove_flags),
        cmocka_unit_test(test_store__get_flags),
        cmocka_unit_test(test_store__system_flags_and_empty_list),
        cmocka_unit_test(test_store__other_messages_not_in_result),
        cmocka_unit_test(test_store__star_set_takes_any),
        cmocka_unit_test(test_store__last_fetch_wins),
        cmocka_unit_test(test_store__use_uid_off_keys_by_seq),
        cmocka_unit_test(test_store__condstore_silent_modseq_kept),
        cmocka_unit_test(test_store__condstore_modseq_in_result),
        cmocka_unit_test(test_store__out_null_takes_responses),
        cmocka_unit_test(test_store__delete_messages),
        cmocka_unit_test(test_store__readonly_refused),
        cmocka_unit_test(test_store__readonly_get_flags_allowed),
        cmocka_unit_test(test_store__not_selected),
        cmocka_unit_test(test_store__bad_arguments),
        cmocka_unit_test(test_store__empty_set_sends_nothing),
        cmocka_unit_test(test_store__server_refuses),
        cmocka_unit_test(test_store__get_gmail_labels),
        cmocka_unit_test(test_store__set_gmail_labels),
        cmocka_unit_test(test_store__add_gmail_labels),
        cmocka_unit_test(test_store__remove_gmail_labels),
        cmocka_unit_test(test_store__labels_encoded_and_quoted),
        cmocka_unit_test(test_store__label_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
