/* SEARCH, ESEARCH, X-GM-RAW, SORT and THREAD on canned server bytes: every
 * criteria-encoding rule of the reference (IMAPClient's
 * _normalise_search_criteria / _quoted.maybe / _raw_command) one by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define CAPS "IMAP4rev1 ESEARCH SORT THREAD=REFERENCES THREAD=ORDEREDSUBJECT"

/* A handle with INBOX selected (tag A001); the rest of the script follows. */
static imapclient *selected_caps(const char *caps, const char *rest)
{
    char script[8192];
    snprintf(script, sizeof script,
             "S: * PREAUTH [CAPABILITY %s] ready\n"
             "C: A001 SELECT INBOX\n"
             "S: * 3 EXISTS\n"
             "S: A001 OK [READ-WRITE] selected\n"
             "%s",
             caps, rest);
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    if (rc)
        fail_msg("connect: %s", imapclient_errmsg(c));
    rc = imapclient_select_folder(c, "INBOX", 0, NULL);
    if (rc)
        fail_msg("select: %s", imapclient_errmsg(c));
    return c;
}

static imapclient *selected(const char *rest)
{
    return selected_caps(CAPS, rest);
}

/* Run a search that must succeed and send exactly the script's bytes. */
static imapclient_ids *search_ok(imapclient *c, const char *const *criteria,
                                 const char *charset)
{
    imapclient_ids *ids = NULL;
    int rc = imapclient_search(c, criteria, charset, &ids);
    if (rc)
        fail_msg("search: %d %s", rc, imapclient_errmsg(c));
    assert_true(imapclient_script_done(c));
    return ids;
}

/* A criteria list that must be sent as line (after "A002 UID SEARCH"). */
static void check_sent(const char *const *criteria, const char *charset, const char *line)
{
    char rest[1024];
    snprintf(rest, sizeof rest,
             "C: A002 UID SEARCH %s\nS: * SEARCH 1 2 44\nS: A002 OK done\n", line);
    imapclient *c = selected(rest);
    imapclient_ids *ids = search_ok(c, criteria, charset);
    assert_int_equal(ids->count, 3);
    assert_int_equal(ids->ids[2], 44);
    assert_false(ids->has_modseq);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

/* A criteria list refused before anything is sent. */
static void check_refused(const char *const *criteria, const char *charset, int code)
{
    imapclient *c = selected("");
    imapclient_ids *ids = (imapclient_ids *)1;
    assert_int_equal(imapclient_search(c, criteria, charset, &ids), code);
    assert_null(ids);
    assert_true(imapclient_script_done(c));
    assert_int_equal(imapclient_errcode(c), code);
    imapclient_free(c);
}

/* ---- encoding rules -------------------------------------------------------- */

static void test_search__default_is_all(void **state)
{
    check_sent(NULL, NULL, "ALL");
}

static void test_search__plain_items(void **state)
{
    check_sent((const char *[]){"FOO", "BAR", NULL}, NULL, "FOO BAR");
}

static void test_search__charset_sent_as_given(void **state)
{
    check_sent((const char *[]){"FOO", "BAR", NULL}, "utf-92", "CHARSET utf-92 FOO BAR");
}

static void test_search__numbers_and_sets_bare(void **state)
{
    check_sent((const char *[]){"SMALLER", "500", "UID", "1:*", "2,4:7", NULL}, NULL,
               "SMALLER 500 UID 1:* 2,4:7");
}

static void test_search__space_quoted(void **state)
{
    check_sent((const char *[]){"TEXT", "foo bar", NULL}, NULL, "TEXT \"foo bar\"");
}

static void test_search__zero_length_quoted(void **state)
{
    check_sent((const char *[]){"HEADER", "List-Id", "", NULL}, NULL,
               "HEADER List-Id \"\"");
}

static void test_search__quote_and_backslash_escaped(void **state)
{
    check_sent((const char *[]){"SUBJECT", "say\"hi\"", "BODY", "a\\b", NULL}, NULL,
               "SUBJECT \"say\\\"hi\\\"\" BODY \"a\\\\b\"");
}

static void test_search__whole_item_with_space_quoted(void **state)
{
    /* the reference quotes "NOT DELETED" as one item (the server refuses it) */
    check_sent((const char *[]){"NOT DELETED", NULL}, NULL, "\"NOT DELETED\"");
}

static void test_search__command_breaking_chars_quoted(void **state)
{
    /* "{5}" bare would announce a literal; "(" inside an item would open a group */
    check_sent((const char *[]){"TEXT", "{5}", "TEXT", "a(b", "TEXT", "50%", NULL}, NULL,
               "TEXT \"{5}\" TEXT \"a(b\" TEXT \"50%\"");
}

static void test_search__tab_quoted(void **state)
{
    check_sent((const char *[]){"TEXT", "a\tb", NULL}, NULL, "TEXT \"a\tb\"");
}

static void test_search__date_helper(void **state)
{
    imapclient_datetime d = {2005, 4, 3, 2, 1, 0, 0, 0};
    char buf[16];
    assert_int_equal(imapclient_datetime_format_date(&d, buf), 0);
    check_sent((const char *[]){"SINCE", buf, NULL}, NULL, "SINCE 03-Apr-2005");
}

static void test_search__group(void **state)
{
    check_sent((const char *[]){"NOT", "(", "SUBJECT", "topic", "TO", "some@email.com",
                                ")", NULL},
               NULL, "NOT (SUBJECT topic TO some@email.com)");
}

static void test_search__single_group(void **state)
{
    check_sent((const char *[]){"(", "FOO", ")", NULL}, NULL, "(FOO)");
}

static void test_search__nested_groups(void **state)
{
    check_sent((const char *[]){"NOT", "(", "OR", "(", "A", "x", "B", "y", ")", "(", "C",
                                "z", ")", ")", NULL},
               NULL, "NOT (OR (A x B y) (C z))");
}

static void test_search__group_with_quoted_last(void **state)
{
    check_sent((const char *[]){"OR", "(", "SUBJECT", "a b", ")", "SEEN", NULL}, NULL,
               "OR (SUBJECT \"a b\") SEEN");
}

static void test_search__empty_group_refused(void **state)
{
    check_refused((const char *[]){"(", ")", NULL}, NULL, IMAPCLIENT_EINVALID_CRITERIA);
}

static void test_search__unbalanced_open_refused(void **state)
{
    check_refused((const char *[]){"NOT", "(", "SEEN", NULL}, NULL,
                  IMAPCLIENT_EINVALID_CRITERIA);
}

static void test_search__unbalanced_close_refused(void **state)
{
    check_refused((const char *[]){"SEEN", ")", NULL}, NULL,
                  IMAPCLIENT_EINVALID_CRITERIA);
}

static void test_search__empty_list_refused(void **state)
{
    check_refused((const char *[]){NULL}, NULL, IMAPCLIENT_EINVALID_CRITERIA);
}

static void test_search__8bit_in_ascii_refused(void **state)
{
    /* the reference cannot encode unicode criteria in US-ASCII (without a
     * charset the library chooses one: test_search_charset.c) */
    check_refused((const char *[]){"TEXT", "caf\xc3\xa9", NULL}, "us-ascii",
                  IMAPCLIENT_EINVAL);
    check_refused((const char *[]){"TEXT", "caf\xc3\xa9", NULL}, "ASCII",
                  IMAPCLIENT_EINVAL);
}

static void test_search__invalid_utf8_refused(void **state)
{
    check_refused((const char *[]){"TEXT", "\xff\xfe", NULL}, "UTF-8", IMAPCLIENT_EINVAL);
    /* overlong "/" and a UTF-16 surrogate */
    check_refused((const char *[]){"TEXT", "\xc0\xaf", NULL}, "utf-8", IMAPCLIENT_EINVAL);
    check_refused((const char *[]){"TEXT", "\xed\xa0\x80", NULL}, "utf-8",
                  IMAPCLIENT_EINVAL);
}

static void test_search__utf8_literal_waits_for_continuation(void **state)
{
    imapclient *c =
        selected_caps("IMAP4rev1", "C: A002 UID SEARCH CHARSET utf-8 FOO {3}\n"
                                   "S: + go ahead\n"
                                   "C: \xe2\x98\xb9\n"
                                   "S: * SEARCH 7\n"
                                   "S: A002 OK done\n");
    imapclient_ids *ids =
        search_ok(c, (const char *[]){"FOO", "\xe2\x98\xb9", NULL}, "utf-8");
    assert_int_equal(ids->count, 1);
    assert_int_equal(ids->ids[0], 7);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_search__literal_plus(void **state)
{
    imapclient *c =
        selected_caps("IMAP4rev1 LITERAL+", "C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\n"
                                            "C: caf\xc3\xa9\n"
                                            "S: * SEARCH\n"
                                            "S: A002 OK done\n");
    imapclient_ids *ids =
        search_ok(c, (const char *[]){"TEXT", "caf\xc3\xa9", NULL}, "UTF-8");
    assert_int_equal(ids->count, 0);
    assert_non_null(ids->ids);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_search__embedded_and_multiple_literals(void **state)
{
    /* other charsets are not checked: the bytes go as given (the reference's
     * bytes items), each 8-bit item as its own literal */
    imapclient *c =
        selected_caps("IMAP4rev1", "C: A002 UID SEARCH CHARSET ISO-8859-1 FLAGGED "
                                   "TEXT {2}\n"
                                   "S: + \n"
                                   "C: \xfe\xff TEXT {1}\n"
                                   "S: + \n"
                                   "C: \xcc TEXT foo\n"
                                   "S: * SEARCH 3\n"
                                   "S: A002 OK done\n");
    imapclient_ids *ids = search_ok(c,
                                    (const char *[]){"FLAGGED", "TEXT", "\xfe\xff",
                                                     "TEXT", "\xcc", "TEXT", "foo", NULL},
                                    "ISO-8859-1");
    assert_int_equal(ids->count, 1);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_search__crlf_item_is_literal(void **state)
{
    imapclient *c = selected_caps("IMAP4rev1 LITERAL+", "C: A002 UID SEARCH BODY {4+}\n"
                                                        "C% a%0D%0Ab%0D%0A\n"
                                                        "S: * SEARCH\n"
                                                        "S: A002 OK done\n");
    imapclient_ids *ids = search_ok(c, (const char *[]){"BODY", "a\r\nb", NULL}, NULL);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

/* ---- results and errors ------------------------------------------------------ */

static void test_search__modseq(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH MODSEQ 40000\n"
                             "S: * SEARCH 1 2 (MODSEQ 51101)\n"
                             "S: A002 OK done\n");
    imapclient_ids *ids = search_ok(c, (const char *[]){"MODSEQ", "40000", NULL}, NULL);
    assert_int_equal(ids->count, 2);
    assert_int_equal(ids->ids[0], 1);
    assert_int_equal(ids->ids[1], 2);
    assert_true(ids->has_modseq);
    assert_int_equal(ids->modseq, 51101);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_search__several_search_responses(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH ALL\n"
                             "S: * SEARCH 4 5\n"
                             "S: * SEARCH 4294967295\n"
                             "S: A002 OK done\n");
    imapclient_ids *ids = search_ok(c, NULL, NULL);
    assert_int_equal(ids->count, 3);
    assert_int_equal(ids->ids[2], 4294967295u);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_search__unsolicited_kept_for_noop(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH ALL\n"
                             "S: * 4 EXISTS\n"
                             "S: * SEARCH 1\n"
                             "S: * 2 FETCH (FLAGS (\\Seen))\n"
                             "S: A002 OK done\n");
    imapclient_ids *ids = search_ok(c, NULL, NULL);
    assert_int_equal(ids->count, 1);
    imapclient_ids_free(ids);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 2);
    assert_string_equal(r->items[0].name, "EXISTS");
    assert_string_equal(r->items[1].name, "FETCH");
    imapclient_responses_free(r);
    imapclient_free(c);
}

static void test_search__bad_is_invalid_criteria(void **state)
{
    imapclient *c =
        selected("C: A002 UID SEARCH \"NOT DELETED\"\n"
                 "S: A002 BAD Error in IMAP command SEARCH: Unknown argument\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"NOT DELETED", NULL}, NULL, &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_null(ids);
    assert_non_null(strstr(imapclient_errmsg(c), "Unknown argument"));
    assert_non_null(strstr(imapclient_errmsg(c), "BAD"));
    /* the connection is fine afterwards */
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    imapclient_free(c);
}

static void test_search__no_badcharset_is_invalid_criteria(void **state)
{
    imapclient *c =
        selected("C: A002 UID SEARCH CHARSET KOI9 ALL\n"
                 "S: A002 NO [BADCHARSET (US-ASCII UTF-8)] Unknown charset\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(c, (const char *[]){"ALL", NULL}, "KOI9", &ids),
                     IMAPCLIENT_EINVALID_CRITERIA);
    assert_non_null(strstr(imapclient_errmsg(c), "BADCHARSET"));
    imapclient_free(c);
}

static void test_search__malformed_response(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH ALL\n"
                             "S: * SEARCH 1 x 0\n"
                             "S: A002 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(c, NULL, NULL, &ids), IMAPCLIENT_EPROTOCOL);
    assert_null(ids);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_search__not_selected(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted("S: * PREAUTH hi\n", NULL, &c), 0);
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(c, NULL, NULL, &ids), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_sort(c, (const char *[]){"DATE", NULL}, NULL, NULL, &ids),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_search__use_uid_off(void **state)
{
    imapclient *c = selected("C: A002 SEARCH UNSEEN\n"
                             "S: * SEARCH 2\n"
                             "S: A002 OK done\n");
    imapclient_set_use_uid(c, 0);
    imapclient_ids *ids = search_ok(c, (const char *[]){"UNSEEN", NULL}, NULL);
    assert_int_equal(ids->ids[0], 2);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_search__raw_sent_unquoted(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 TEXT \"foo bar\" FLAGGED\n"
                             "S: * SEARCH 9\n"
                             "S: A002 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search_raw(c, "TEXT \"foo bar\" FLAGGED", "UTF-8", &ids),
                     0);
    assert_int_equal(ids->ids[0], 9);
    assert_true(imapclient_script_done(c));
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_search__raw_refuses_crlf_and_empty(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH ALL\n"
                             "S: * SEARCH\n"
                             "S: A002 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search_raw(c, "ALL\r\nA9 DELETE INBOX", NULL, &ids),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_search_raw(c, "", NULL, &ids),
                     IMAPCLIENT_EINVALID_CRITERIA);
    /* no tag was spent on the refused calls */
    assert_int_equal(imapclient_search_raw(c, NULL, NULL, &ids), 0);
    assert_true(imapclient_script_done(c));
    imapclient_ids_free(ids);
    imapclient_free(c);
}

/* ---- gmail_search ------------------------------------------------------------ */

static void test_gmail_search__query_quoted(void **state)
{
    imapclient *c = selected_caps(
        "IMAP4rev1 X-GM-EXT-1", "C: A002 UID SEARCH CHARSET UTF-8 X-GM-RAW \"foo bar\"\n"
                                "S: * SEARCH 1 2 44\n"
                                "S: A002 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_gmail_search(c, "foo bar", NULL, &ids), 0);
    assert_int_equal(ids->count, 3);
    assert_true(imapclient_script_done(c));
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_gmail_search__charset(void **state)
{
    imapclient *c = selected_caps(
        "IMAP4rev1 X-GM-EXT-1", "C: A002 UID SEARCH CHARSET utf-42 X-GM-RAW \"foo bar\"\n"
                                "S: * SEARCH\n"
                                "S: A002 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_gmail_search(c, "foo bar", "utf-42", &ids), 0);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_gmail_search__utf8_literal(void **state)
{
    imapclient *c = selected_caps("IMAP4rev1 X-GM-EXT-1 LITERAL+",
                                  "C: A002 UID SEARCH CHARSET UTF-8 X-GM-RAW {7+}\n"
                                  "C: foo \xe2\x98\xb9\n"
                                  "S: * SEARCH 5\n"
                                  "S: A002 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_gmail_search(c, "foo \xe2\x98\xb9", NULL, &ids), 0);
    assert_int_equal(ids->ids[0], 5);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_gmail_search__no_capability(void **state)
{
    imapclient *c = selected("");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_gmail_search(c, "in:inbox", NULL, &ids),
                     IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "X-GM-EXT-1"));
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

/* ---- ESEARCH ------------------------------------------------------------------ */

static void test_esearch__all_parts(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN\n"
                             "S: * ESEARCH (TAG \"A002\") UID MIN 2 MAX 47 COUNT 5 ALL "
                             "2,10:12,47\n"
                             "S: A002 OK done\n");
    imapclient_esearch_result *r = NULL;
    assert_int_equal(
        imapclient_esearch(c, (const char *[]){"UNSEEN", NULL}, NULL,
                           (const char *[]){"MIN", "MAX", "COUNT", "ALL", NULL}, &r),
        0);
    assert_true(r->uid);
    assert_true(r->has_min && r->has_max && r->has_count);
    assert_int_equal(r->min, 2);
    assert_int_equal(r->max, 47);
    assert_int_equal(r->count, 5);
    assert_string_equal(r->all, "2,10:12,47");
    assert_int_equal(r->id_count, 5);
    uint32_t want[] = {2, 10, 11, 12, 47};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(r->ids[i], want[i]);
    assert_false(r->has_modseq);
    assert_true(imapclient_script_done(c));
    imapclient_esearch_result_free(r);
    imapclient_free(c);
}

static void test_esearch__nothing_matched_and_modseq(void **state)
{
    imapclient *c = selected("C: A002 SEARCH RETURN () CHARSET UTF-8 MODSEQ 5\n"
                             "S: * ESEARCH (TAG \"A001\") UID COUNT 9\n"
                             "S: * ESEARCH (TAG \"A002\") MODSEQ 77\n"
                             "S: A002 OK done\n");
    imapclient_set_use_uid(c, 0);
    imapclient_esearch_result *r = NULL;
    assert_int_equal(
        imapclient_esearch(c, (const char *[]){"MODSEQ", "5", NULL}, "UTF-8", NULL, &r),
        0);
    assert_false(r->uid);
    assert_false(r->has_count); /* the other tag's result is not ours */
    assert_int_equal(r->id_count, 0);
    assert_null(r->all);
    assert_true(r->has_modseq);
    assert_int_equal(r->modseq, 77);
    imapclient_esearch_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 1);
    assert_string_equal(p->items[0].name, "ESEARCH");
    imapclient_responses_free(p);
    imapclient_free(c);
}

static void test_esearch__hostile_all_refused(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH RETURN (ALL) ALL\n"
                             "S: * ESEARCH (TAG \"A002\") UID ALL 1:4294967295\n"
                             "S: A002 OK done\n");
    imapclient_esearch_result *r = NULL;
    assert_int_equal(imapclient_esearch(c, NULL, NULL, (const char *[]){"ALL", NULL}, &r),
                     IMAPCLIENT_ETOOBIG);
    assert_null(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_esearch__no_capability(void **state)
{
    imapclient *c = selected_caps("IMAP4rev1", "");
    imapclient_esearch_result *r = NULL;
    assert_int_equal(imapclient_esearch(c, NULL, NULL, NULL, &r), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(
        imapclient_esearch(c, NULL, NULL, (const char *[]){"MIN)", NULL}, &r),
        IMAPCLIENT_ECAPABILITY);
    imapclient_free(c);
}

static void test_esearch__bad_return_option(void **state)
{
    imapclient *c = selected("");
    imapclient_esearch_result *r = NULL;
    assert_int_equal(
        imapclient_esearch(c, NULL, NULL, (const char *[]){"MIN) X", NULL}, &r),
        IMAPCLIENT_EINVAL);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

/* ---- SORT ------------------------------------------------------------------------ */

static void test_sort__single_criterion_defaults(void **state)
{
    imapclient *c = selected("C: A002 UID SORT (ARRIVAL) UTF-8 ALL\n"
                             "S: * SORT 9 8 7\n"
                             "S: A002 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_sort(c, (const char *[]){"arrival", NULL}, NULL, NULL, &ids), 0);
    assert_int_equal(ids->count, 3);
    assert_int_equal(ids->ids[0], 9);
    assert_int_equal(ids->ids[2], 7);
    assert_true(imapclient_script_done(c));
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_sort__multiple_criteria_and_args(void **state)
{
    imapclient *c =
        selected("C: A002 UID SORT (REVERSE SIZE SUBJECT) US-ASCII NOT (SEEN)\n"
                 "S: * SORT\n"
                 "S: A002 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_sort(c, (const char *[]){"reverse size", "SUBJECT", NULL},
                                     (const char *[]){"NOT", "(", "SEEN", ")", NULL},
                                     "US-ASCII", &ids),
                     0);
    assert_int_equal(ids->count, 0);
    imapclient_ids_free(ids);
    imapclient_free(c);
}

static void test_sort__no_capability(void **state)
{
    imapclient *c = selected_caps("IMAP4rev1", "");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_sort(c, (const char *[]){"ARRIVAL", NULL}, NULL, NULL, &ids),
        IMAPCLIENT_ECAPABILITY);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_sort__bad_sort_criteria(void **state)
{
    imapclient *c = selected("");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_sort(c, (const char *[]){NULL}, NULL, NULL, &ids),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_sort(c, NULL, NULL, NULL, &ids), IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_sort(c, (const char *[]){"DATE)", NULL}, NULL, NULL, &ids),
        IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_sort(c, (const char *[]){"DATE\r\n", NULL}, NULL, NULL, &ids),
        IMAPCLIENT_EINVAL);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_sort__bad_is_invalid_criteria(void **state)
{
    imapclient *c = selected("C: A002 UID SORT (FOO) UTF-8 ALL\n"
                             "S: A002 BAD Unknown sort argument\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_sort(c, (const char *[]){"FOO", NULL}, NULL, NULL, &ids),
                     IMAPCLIENT_EINVALID_CRITERIA);
    imapclient_free(c);
}

/* ---- THREAD ---------------------------------------------------------------------- */

static void test_thread__defaults(void **state)
{
    imapclient *c = selected("C: A002 UID THREAD REFERENCES UTF-8 ALL\n"
                             "S: * THREAD (1 2)(3)(4 5 6)\n"
                             "S: A002 OK done\n");
    imapclient_threads *t = NULL;
    assert_int_equal(imapclient_thread(c, NULL, NULL, NULL, &t), 0);
    assert_int_equal(t->count, 3);
    assert_int_equal(t->threads[0].id, 0);
    assert_int_equal(t->threads[0].count, 2);
    assert_int_equal(t->threads[0].items[0].id, 1);
    assert_int_equal(t->threads[0].items[1].id, 2);
    assert_int_equal(t->threads[1].count, 1);
    assert_int_equal(t->threads[1].items[0].id, 3);
    assert_int_equal(t->threads[2].count, 3);
    assert_int_equal(t->threads[2].items[2].id, 6);
    assert_true(imapclient_script_done(c));
    imapclient_threads_free(t);
    imapclient_free(c);
}

static void test_thread__nested_tree(void **state)
{
    /* RFC 5256's example: (2)(3 6 (4 23)(44 7 96)) */
    imapclient *c = selected("C: A002 UID THREAD ORDEREDSUBJECT UTF-8 SINCE 1-Feb-1994\n"
                             "S: * THREAD (2)(3 6 (4 23)(44 7 96))\n"
                             "S: A002 OK done\n");
    imapclient_threads *t = NULL;
    assert_int_equal(imapclient_thread(c, "ORDEREDSUBJECT",
                                       (const char *[]){"SINCE", "1-Feb-1994", NULL},
                                       NULL, &t),
                     0);
    assert_int_equal(t->count, 2);
    const imapclient_thread_node *b = &t->threads[1];
    assert_int_equal(b->count, 4);
    assert_int_equal(b->items[0].id, 3);
    assert_int_equal(b->items[1].id, 6);
    assert_int_equal(b->items[2].id, 0);
    assert_int_equal(b->items[2].count, 2);
    assert_int_equal(b->items[2].items[1].id, 23);
    assert_int_equal(b->items[3].count, 3);
    assert_int_equal(b->items[3].items[0].id, 44);
    assert_int_equal(b->items[3].items[2].id, 96);
    imapclient_threads_free(t);
    imapclient_free(c);
}

static void test_thread__empty(void **state)
{
    imapclient *c = selected("C: A002 UID THREAD REFERENCES UTF-8 DELETED\n"
                             "S: * THREAD\n"
                             "S: A002 OK done\n");
    imapclient_threads *t = NULL;
    assert_int_equal(
        imapclient_thread(c, NULL, (const char *[]){"DELETED", NULL}, NULL, &t), 0);
    assert_int_equal(t->count, 0);
    assert_non_null(t->threads);
    imapclient_threads_free(t);
    imapclient_free(c);
}

static void test_thread__unsupported_algorithm(void **state)
{
    imapclient *c = selected("");
    imapclient_threads *t = NULL;
    assert_int_equal(imapclient_thread(c, "COTTON", NULL, NULL, &t),
                     IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "THREAD=COTTON"));
    assert_int_equal(imapclient_thread(c, "REFS (X", NULL, NULL, &t), IMAPCLIENT_EINVAL);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_thread__all_args(void **state)
{
    imapclient *c = selected_caps("IMAP4rev1 THREAD=COTTON LITERAL+",
                                  "C: A002 UID THREAD COTTON UTF-7 TEXT +Jh4-\n"
                                  "S: * THREAD (1)\n"
                                  "S: A002 OK done\n");
    imapclient_threads *t = NULL;
    assert_int_equal(imapclient_thread(c, "COTTON",
                                       (const char *[]){"TEXT", "+Jh4-", NULL}, "UTF-7",
                                       &t),
                     0);
    assert_int_equal(t->count, 1);
    imapclient_threads_free(t);
    imapclient_free(c);
}

static void test_thread__malformed(void **state)
{
    imapclient *c = selected("C: A002 UID THREAD REFERENCES UTF-8 ALL\n"
                             "S: * THREAD (1 \"x\")\n"
                             "S: A002 OK done\n");
    imapclient_threads *t = NULL;
    assert_int_equal(imapclient_thread(c, NULL, NULL, NULL, &t), IMAPCLIENT_EPROTOCOL);
    assert_null(t);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search__default_is_all),
        cmocka_unit_test(test_search__plain_items),
        cmocka_unit_test(test_search__charset_sent_as_given),
        cmocka_unit_test(test_search__numbers_and_sets_bare),
        cmocka_unit_test(test_search__space_quoted),
        cmocka_unit_test(test_search__zero_length_quoted),
        cmocka_unit_test(test_search__quote_and_backslash_escaped),
        cmocka_unit_test(test_search__whole_item_with_space_quoted),
        cmocka_unit_test(test_search__command_breaking_chars_quoted),
        cmocka_unit_test(test_search__tab_quoted),
        cmocka_unit_test(test_search__date_helper),
        cmocka_unit_test(test_search__group),
        cmocka_unit_test(test_search__single_group),
        cmocka_unit_test(test_search__nested_groups),
        cmocka_unit_test(test_search__group_with_quoted_last),
        cmocka_unit_test(test_search__empty_group_refused),
        cmocka_unit_test(test_search__unbalanced_open_refused),
        cmocka_unit_test(test_search__unbalanced_close_refused),
        cmocka_unit_test(test_search__empty_list_refused),
        cmocka_unit_test(test_search__8bit_in_ascii_refused),
        cmocka_unit_test(test_search__invalid_utf8_refused),
        cmocka_unit_test(test_search__utf8_literal_waits_for_continuation),
        cmocka_unit_test(test_search__literal_plus),
        cmocka_unit_test(test_search__embedded_and_multiple_literals),
        cmocka_unit_test(test_search__crlf_item_is_literal),
        cmocka_unit_test(test_search__modseq),
        cmocka_unit_test(test_search__several_search_responses),
        cmocka_unit_test(test_search__unsolicited_kept_for_noop),
        cmocka_unit_test(test_search__bad_is_invalid_criteria),
        cmocka_unit_test(test_search__no_badcharset_is_invalid_criteria),
        cmocka_unit_test(test_search__malformed_response),
        cmocka_unit_test(test_search__not_selected),
        cmocka_unit_test(test_search__use_uid_off),
        cmocka_unit_test(test_search__raw_sent_unquoted),
        cmocka_unit_test(test_search__raw_refuses_crlf_and_empty),
        cmocka_unit_test(test_gmail_search__query_quoted),
        cmocka_unit_test(test_gmail_search__charset),
        cmocka_unit_test(test_gmail_search__utf8_literal),
        cmocka_unit_test(test_gmail_search__no_capability),
        cmocka_unit_test(test_esearch__all_parts),
        cmocka_unit_test(test_esearch__nothing_matched_and_modseq),
        cmocka_unit_test(test_esearch__hostile_all_refused),
        cmocka_unit_test(test_esearch__no_capability),
        cmocka_unit_test(test_esearch__bad_return_option),
        cmocka_unit_test(test_sort__single_criterion_defaults),
        cmocka_unit_test(test_sort__multiple_criteria_and_args),
        cmocka_unit_test(test_sort__no_capability),
        cmocka_unit_test(test_sort__bad_sort_criteria),
        cmocka_unit_test(test_sort__bad_is_invalid_criteria),
        cmocka_unit_test(test_thread__defaults),
        cmocka_unit_test(test_thread__nested_tree),
        cmocka_unit_test(test_thread__empty),
        cmocka_unit_test(test_thread__unsupported_algorithm),
        cmocka_unit_test(test_thread__all_args),
        cmocka_unit_test(test_thread__malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
