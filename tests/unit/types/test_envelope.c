/*
 * ENVELOPE and addresses, from real server bytes: RFC 3501 section 8,
 * IMAPClient's test_response_parser.py, Twisted's imap4 tests (atoms for
 * strings), and FETCH responses quoted in public bug reports: Gmail
 * (himalaya #617, undisclosed-recipients group), QQ (MailKit #279, missing
 * Message-ID), hydroxide (rust-imap #166, empty lists), Sohu (himalaya
 * #684, multi-line literal subject), Salesforce via deno-imap #10 (literal
 * subject), zhipin.com (jakarta mail-api #669, quotes inside Message-ID).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <imapclient/errors.h>
#include <imapclient/mail.h>

#include "types/types.h"
#include "util/arena.h"
#include "wire/parser.h"

static imc_arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = imc_arena_new();
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    imc_arena_free(arena);
    arena = NULL;
    return 0;
}

/* The first value of IMAP text, parsed into the test arena. */
static const imapclient_value *valn(const char *text, size_t len)
{
    imc_parser p;
    imc_parser_init(&p, 0);
    imapclient_value *list = imc_arena_alloc(arena, sizeof *list);
    assert_non_null(list);
    int rc = imc_parse_values(&p, text, len, arena, list);
    imc_parser_free(&p);
    assert_int_equal(rc, 0);
    assert_true(list->count >= 1);
    return &list->items[0];
}

static const imapclient_value *val(const char *text)
{
    return valn(text, strlen(text));
}

static imapclient_envelope *envn(const char *text, size_t len, int normalise)
{
    imapclient_envelope *e = NULL;
    assert_int_equal(imc_envelope_from_value(arena, valn(text, len), normalise, &e), 0);
    assert_non_null(e);
    assert_non_null(e->raw);
    return e;
}

static imapclient_envelope *env(const char *text)
{
    return envn(text, strlen(text), 0);
}

static void assert_str(const char *got, const char *want)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
}

static void assert_addr(const imapclient_address *a, const char *name, const char *route,
                        const char *mailbox, const char *host)
{
    assert_str(a->name, name);
    assert_str(a->route, route);
    assert_str(a->mailbox, mailbox);
    assert_str(a->host, host);
}

static void assert_format(const imapclient_address *a, const char *want)
{
    char buf[256];
    int n = imapclient_address_format(a, buf, sizeof buf);
    assert_int_equal(n, (int)strlen(want));
    assert_string_equal(buf, want);
}

static const char rfc3501_envelope[] =
    "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
    "\"IMAP4rev1 WG mtg summary and minutes\" "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((NIL NIL \"imap\" \"cac.washington.edu\")) "
    "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")"
    "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
    "\"<B27397-0100000@cac.washington.edu>\")";

static void test_envelope__rfc3501_example(void **state)
{
    (void)state;
    imapclient_envelope *e = env(rfc3501_envelope);
    assert_true(e->has_date);
    assert_string_equal(e->date_raw, "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)");
    assert_int_equal(e->date.year, 1996);
    assert_int_equal(e->date.month, 7);
    assert_int_equal(e->date.day, 17);
    assert_int_equal(e->date.hour, 2);
    assert_int_equal(e->date.minute, 23);
    assert_int_equal(e->date.second, 25);
    assert_int_equal(e->date.offset_minutes, -420);
    assert_string_equal(e->subject, "IMAP4rev1 WG mtg summary and minutes");
    assert_int_equal(e->subject_len, 36);
    assert_int_equal(e->from_count, 1);
    assert_addr(&e->from[0], "Terry Gray", NULL, "gray", "cac.washington.edu");
    assert_int_equal(e->sender_count, 1);
    assert_int_equal(e->reply_to_count, 1);
    assert_int_equal(e->to_count, 1);
    assert_addr(&e->to[0], NULL, NULL, "imap", "cac.washington.edu");
    assert_int_equal(e->cc_count, 2);
    assert_addr(&e->cc[0], NULL, NULL, "minutes", "CNRI.Reston.VA.US");
    assert_addr(&e->cc[1], "John Klensin", NULL, "KLENSIN", "MIT.EDU");
    assert_int_equal(e->bcc_count, 0);
    assert_null(e->bcc);
    assert_null(e->in_reply_to);
    assert_string_equal(e->message_id, "<B27397-0100000@cac.washington.edu>");
    assert_int_equal(e->raw->count, 10);
    assert_format(&e->from[0], "Terry Gray <gray@cac.washington.edu>");
}

static void test_envelope__rfc3501_fetch_line(void **state)
{
    (void)state;
    /* The whole FETCH data of RFC 3501 section 8; pick items by name. */
    char text[2048];
    snprintf(text, sizeof text,
             "(FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
             "RFC822.SIZE 4286 ENVELOPE %s BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" "
             "\"US-ASCII\") NIL NIL \"7BIT\" 3028 92))",
             rfc3501_envelope);
    const imapclient_value *msg = val(text);
    assert_int_equal(msg->count, 10);
    imapclient_datetime dt;
    assert_true(imapclient_value_is(&msg->items[2], "INTERNALDATE"));
    assert_int_equal(imc_datetime_from_value(&msg->items[3], 0, &dt), 0);
    assert_int_equal(dt.offset_minutes, -420);
    assert_int_equal(dt.hour, 2);
    assert_int_equal(dt.minute, 44);
    assert_true(imapclient_value_is(&msg->items[6], "ENVELOPE"));
    imapclient_envelope *e;
    assert_int_equal(imc_envelope_from_value(arena, &msg->items[7], 0, &e), 0);
    assert_int_equal(e->cc_count, 2);
    assert_ptr_equal(e->raw, &msg->items[7]);
}

static void test_envelope__reference_fetch_envelope(void **state)
{
    (void)state;
    /* test_response_parser.py: test_ENVELOPE (a NIL inside reply-to) */
    imapclient_envelope *e = env("( \"Sun, 24 Mar 2013 22:06:10 +0200\" \"subject\" "
                                 "((\"name\" NIL \"address1\" \"domain1.com\")) "
                                 "((NIL NIL \"address2\" \"domain2.com\")) "
                                 "((\"name\" NIL \"address3\" \"domain3.com\") NIL) "
                                 "NIL"
                                 "((NIL NIL \"address4\" \"domain4.com\") "
                                 "(\"person\" NIL \"address4b\" \"domain4b.com\")) "
                                 "NIL \"<reply-to-id>\" \"<msg_id>\")");
    assert_true(e->has_date);
    assert_int_equal(e->date.has_offset, 1);
    assert_int_equal(e->date.offset_minutes, 120);
    assert_int_equal(e->date.hour, 22);
    assert_string_equal(e->subject, "subject");
    assert_int_equal(e->from_count, 1);
    assert_addr(&e->from[0], "name", NULL, "address1", "domain1.com");
    assert_addr(&e->sender[0], NULL, NULL, "address2", "domain2.com");
    assert_int_equal(e->reply_to_count, 1);
    assert_addr(&e->reply_to[0], "name", NULL, "address3", "domain3.com");
    assert_int_equal(e->to_count, 0);
    assert_int_equal(e->cc_count, 2);
    assert_addr(&e->cc[1], "person", NULL, "address4b", "domain4b.com");
    assert_int_equal(e->bcc_count, 0);
    assert_string_equal(e->in_reply_to, "<reply-to-id>");
    assert_string_equal(e->message_id, "<msg_id>");
}

static void test_envelope__reference_no_date(void **state)
{
    (void)state;
    imapclient_envelope *e = env("( NIL \"subject\" NIL NIL NIL NIL NIL NIL "
                                 "\"<reply-to-id>\" \"<msg_id>\")");
    assert_false(e->has_date);
    assert_null(e->date_raw);
    assert_string_equal(e->subject, "subject");
    assert_int_equal(e->from_count + e->sender_count + e->reply_to_count + e->to_count +
                         e->cc_count + e->bcc_count,
                     0);
    assert_string_equal(e->message_id, "<msg_id>");
}

static void test_envelope__reference_invalid_date(void **state)
{
    (void)state;
    imapclient_envelope *e = env(
        "( \"wtf\" \"subject\" NIL NIL NIL NIL NIL NIL \"<reply-to-id>\" \"<msg_id>\")");
    assert_false(e->has_date);
    assert_string_equal(e->date_raw, "wtf");
    assert_string_equal(e->subject, "subject");
}

static void test_envelope__reference_empty_addresses(void **state)
{
    (void)state;
    /* test_ENVELOPE_with_empty_addresses: NIL members are skipped */
    imapclient_envelope *e = env(
        "( NIL \"subject\" ((\"name\" NIL \"address1\" \"domain1.com\") NIL) "
        "(NIL (NIL NIL \"address2\" \"domain2.com\")) "
        "((\"name\" NIL \"address3\" \"domain3.com\") NIL (\"name\" NIL \"address3b\" "
        "\"domain3b.com\")) NIL((NIL NIL \"address4\" \"domain4.com\") "
        "(\"person\" NIL \"address4b\" \"domain4b.com\")) NIL \"<reply-to-id>\" "
        "\"<msg_id>\")");
    assert_int_equal(e->from_count, 1);
    assert_int_equal(e->sender_count, 1);
    assert_addr(&e->sender[0], NULL, NULL, "address2", "domain2.com");
    assert_int_equal(e->reply_to_count, 2);
    assert_addr(&e->reply_to[1], "name", NULL, "address3b", "domain3b.com");
    assert_int_equal(e->to_count, 0);
    assert_int_equal(e->cc_count, 2);
}

static void test_envelope__reference_quoted_subject(void **state)
{
    (void)state;
    imapclient_envelope *e = env("(\"internal_date\" \"subject with \\\"quotes\\\"\" "
                                 "((\"name\" NIL \"address1\" \"domain1.com\")) "
                                 "((NIL NIL \"address2\" \"domain2.com\")) "
                                 "((\"name\" NIL \"address3\" \"domain3.com\")) "
                                 "((NIL NIL \"address4\" \"domain4.com\")) "
                                 "NIL NIL \"<reply-to-id>\" \"<msg_id>\")");
    assert_string_equal(e->subject, "subject with \"quotes\"");
    assert_false(e->has_date);
    assert_string_equal(e->date_raw, "internal_date");
    assert_int_equal(e->to_count, 1);
}

static void test_envelope__gmail_undisclosed_recipients_group(void **state)
{
    (void)state;
    /* himalaya #617: Gmail, message sent with BCC only */
    imapclient_envelope *e =
        env("(\"Wed, 28 Jan 2026 11:59:12 -0800\" \"Investor Update\" "
            "((\"Sender Name\" NIL \"sender\" \"example.com\")) "
            "((\"Sender Name\" NIL \"sender\" \"example.com\")) "
            "((\"Sender Name\" NIL \"sender\" \"example.com\")) "
            "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL "
            "\"<redacted@mail.gmail.com>\")");
    assert_int_equal(e->to_count, 2);
    assert_addr(&e->to[0], NULL, NULL, "undisclosed-recipients", NULL); /* group start */
    assert_addr(&e->to[1], NULL, NULL, NULL, NULL);                     /* group end */
    assert_format(&e->to[0], "undisclosed-recipients");
    assert_format(&e->to[1], "");
    assert_null(e->in_reply_to);
    assert_int_equal(e->date.offset_minutes, -480);
}

static void test_envelope__group_with_members(void **state)
{
    (void)state;
    /* The reference's docs: "A group: a@example.com, B <b@example.org>;" */
    imapclient_envelope *e =
        env("(NIL NIL NIL NIL NIL "
            "((NIL NIL \"A group\" NIL)(NIL NIL \"a\" \"example.com\")"
            "(\"B\" NIL \"b\" \"example.org\")(NIL NIL NIL NIL)) "
            "NIL NIL NIL NIL)");
    assert_int_equal(e->to_count, 4);
    assert_addr(&e->to[0], NULL, NULL, "A group", NULL);
    assert_addr(&e->to[1], NULL, NULL, "a", "example.com");
    assert_addr(&e->to[2], "B", NULL, "b", "example.org");
    assert_addr(&e->to[3], NULL, NULL, NULL, NULL);
    assert_format(&e->to[0], "A group");
    assert_format(&e->to[2], "B <b@example.org>");
}

static void test_envelope__qq_encoded_words_and_missing_message_id(void **state)
{
    (void)state;
    /* MailKit #279: nine fields, the Message-ID is missing; RFC 2047
     * encoded words stay as sent. */
    imapclient_envelope *e = env(
        "(\"Wed, 7 Aug 2013 16:44:13 +0800\" \"=?GBK?B?UmU6ILnY09pRVFMgSUm1xNT2x78=?=\" "
        "((\"=?GBK?B?1uzLs72h?=\" NIL \"xxx\" \"xxx.com\")) "
        "((\"=?GBK?B?1uzLs72h?=\" NIL \"xxx\" \"xxx.com\")) "
        "((\"=?GBK?B?1uzLs72h?=\" NIL \"xxx\" \"xxx.com\")) "
        "((\"=?GBK?B?emhhbmcuYm8=?=\" NIL \"xxx\" \"xxx.com\")) NIL NIL "
        "\"<xxx@qq.com>\")");
    assert_int_equal(e->raw->count, 9);
    assert_string_equal(e->subject, "=?GBK?B?UmU6ILnY09pRVFMgSUm1xNT2x78=?=");
    assert_string_equal(e->from[0].name, "=?GBK?B?1uzLs72h?=");
    assert_string_equal(e->in_reply_to, "<xxx@qq.com>");
    assert_null(e->message_id);
    assert_int_equal(e->date.offset_minutes, 480);
    assert_format(&e->to[0], "=?GBK?B?emhhbmcuYm8=?= <xxx@xxx.com>");
}

static void test_envelope__hydroxide_empty_lists(void **state)
{
    (void)state;
    /* rust-imap #166: hydroxide sends () for absent lists and "" for an
     * absent In-Reply-To. */
    imapclient_envelope *e =
        env("(\"Mon, 20 May 2019 14:03:14 +0200\" "
            "\"=?utf-8?q?Activation_de_votre_compte_sur_ALUMNI_42_|_Votre_communaut?= "
            "=?utf-8?q?=C3=A9_de__en_ligne?=\" ((\"42 Alumni\" NIL \"alumni\" "
            "\"42.fr\")) () () "
            "((\"Kiyan Yazdani\" NIL \"yazdani.kiyan\" \"protonmail.com\")) () () \"\" "
            "\"c20696ea@42.fr\")");
    assert_int_equal(e->from_count, 1);
    assert_int_equal(e->sender_count, 0);
    assert_null(e->sender);
    assert_int_equal(e->reply_to_count, 0);
    assert_int_equal(e->to_count, 1);
    assert_string_equal(e->in_reply_to, "");
    assert_string_equal(e->message_id, "c20696ea@42.fr");
    assert_non_null(strstr(e->subject, "?= =?utf-8?q?"));
}

static void test_envelope__literal_subject(void **state)
{
    (void)state;
    /* deno-imap #10 (Salesforce): the subject comes as a literal */
    imapclient_envelope *e = env(
        "(\"Wed, 2 Jul 2025 08:28:31 +0000 (GMT)\" {32}\r\n"
        "Work Order need to be cancelled. ((\"Swan. Z\" NIL \"mbox\" \"example.com\")) "
        "((\"N\" NIL \"mbox\" \"example.com\")) ((\"N\" NIL \"mbox\" \"example.com\")) "
        "((\"N\" NIL \"a\" \"example.com\")(\"N\" NIL \"b\" \"example.com\")(\"N\" NIL "
        "\"c\" \"example.com\")) NIL NIL NIL "
        "\"<vhzOp0SYRJJJ006yd9o6q2TJ2F9FKnoJxaMg@sfdc.net>\")");
    assert_string_equal(e->subject, "Work Order need to be cancelled.");
    assert_int_equal(e->subject_len, 32);
    assert_int_equal(e->to_count, 3);
    assert_true(e->has_date);
    assert_int_equal(e->date.offset_minutes, 0);
    /* '.' in the name: quoted, as formataddr() does */
    assert_format(&e->from[0], "\"Swan. Z\" <mbox@example.com>");
}

static void test_envelope__sohu_multiline_literal_subject(void **state)
{
    (void)state;
    /* himalaya #684: Sohu folds a long subject inside the literal */
    const char subject[] =
        "=?utf-8?b?TmF0dXJlIENvbW11bmljYXRpb25zIOiuuuaWh+WFqOaWhyBQREYg"
        "KDIx5aG15a6M5pW054mIKQ==?=\r\n =?utf-8?b?5a6M5pW054mIKQ==?=";
    char text[1024];
    int n = snprintf(
        text, sizeof text,
        "(NIL {%zu}\r\n%s ((NIL NIL \"hfwan668\" \"sohu.com\")) ((NIL NIL "
        "\"hfwan668\" \"sohu.com\")) ((NIL NIL \"hfwan668\" \"sohu.com\")) ((NIL "
        "NIL \"hfwan668\" \"sohu.com\")) NIL NIL NIL NIL)",
        sizeof subject - 1, subject);
    imapclient_envelope *e = envn(text, (size_t)n, 0);
    assert_int_equal(e->subject_len, sizeof subject - 1);
    assert_memory_equal(e->subject, subject, sizeof subject - 1);
    assert_false(e->has_date);
    assert_int_equal(e->to_count, 1);
    assert_null(e->message_id);
}

static void test_envelope__literal_with_nul(void **state)
{
    (void)state;
    const char text[] = "(NIL {5}\r\na\0b c NIL NIL NIL NIL NIL NIL NIL {4}\r\n<id>)";
    imapclient_envelope *e = envn(text, sizeof text - 1, 0);
    assert_int_equal(e->subject_len, 5);
    assert_memory_equal(e->subject, "a\0b c", 5);
    assert_string_equal(e->message_id, "<id>");
}

static void test_envelope__empty_literal_subject(void **state)
{
    (void)state;
    imapclient_envelope *e = env("(NIL {0}\r\n NIL NIL NIL NIL NIL NIL NIL NIL)");
    assert_non_null(e->subject);
    assert_int_equal(e->subject_len, 0);
    assert_string_equal(e->subject, "");
}

static void test_envelope__numbers_where_strings_belong(void **state)
{
    (void)state;
    imapclient_envelope *e =
        env("(NIL 12345 ((NIL NIL 42 \"example.com\")) NIL NIL NIL NIL NIL 99 7)");
    assert_string_equal(e->subject, "12345");
    assert_int_equal(e->subject_len, 5);
    assert_addr(&e->from[0], NULL, NULL, "42", "example.com");
    assert_string_equal(e->in_reply_to, "99");
    assert_string_equal(e->message_id, "7");
}

static void test_envelope__atoms_where_strings_belong(void **state)
{
    (void)state;
    /* Twisted's imap4 test: bare atoms for mailbox, host and Message-ID */
    imapclient_envelope *e =
        env("(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and "
            "minutes\" "
            "((\"Terry Gray\" NIL gray cac.washington.edu)) "
            "((\"Terry Gray\" NIL gray cac.washington.edu)) "
            "((\"Terry Gray\" NIL gray cac.washington.edu)) "
            "((NIL NIL imap cac.washington.edu)) "
            "((NIL NIL minutes CNRI.Reston.VA.US) "
            "(\"John Klensin\" NIL KLENSIN INFOODS.MIT.EDU)) NIL NIL "
            "<B27397-0100000@cac.washington.edu>)");
    assert_addr(&e->from[0], "Terry Gray", NULL, "gray", "cac.washington.edu");
    assert_addr(&e->cc[1], "John Klensin", NULL, "KLENSIN", "INFOODS.MIT.EDU");
    assert_string_equal(e->message_id, "<B27397-0100000@cac.washington.edu>");
}

static void test_envelope__missing_fields(void **state)
{
    (void)state;
    imapclient_envelope *e = env("(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"subj\")");
    assert_true(e->has_date);
    assert_int_equal(e->date.offset_minutes, -480);
    assert_string_equal(e->subject, "subj");
    assert_int_equal(e->from_count, 0);
    assert_null(e->from);
    assert_null(e->in_reply_to);
    assert_null(e->message_id);
}

static void test_envelope__empty_list(void **state)
{
    (void)state;
    imapclient_envelope *e = env("()");
    assert_false(e->has_date);
    assert_null(e->date_raw);
    assert_null(e->subject);
    assert_int_equal(e->subject_len, 0);
    assert_int_equal(e->bcc_count, 0);
    assert_null(e->message_id);
}

static void test_envelope__extra_fields_from_broken_quoting(void **state)
{
    (void)state;
    /* jakarta mail-api #669: unescaped quotes split the Message-ID */
    imapclient_envelope *e =
        env("(\"Wed, 6 Apr 2022 17:10:18 +0800 (CST)\" "
            "\"=?utf-8?B?44CQQk9TU+ebtOiBmOOAkeW0lOS9s+aXreeahOeugOWOhg==?=\" "
            "((\"=?utf-8?B?Qk9TU+ebtOiBmA==?=\" NIL \"cv\" \"notice.zhipin.com\")) "
            "((\"=?utf-8?B?Qk9TU+ebtOiBmA==?=\" NIL \"cv\" \"notice.zhipin.com\")) "
            "((\"=?utf-8?B?Qk9TU+ebtOiBmA==?=\" NIL \"cv\" \"notice.zhipin.com\")) "
            "((\"=?utf-8?B?NTcxODYzNTU5?=\" NIL \"571863559\" \"qq.com\")) NIL NIL NIL "
            "\"<1763943481.139839.1649236218178.JavaMail.\"cv@notice.zhipin.com\"@v-"
            "bosszpmail-"
            "01>\")");
    assert_int_equal(e->raw->count, 12);
    assert_string_equal(e->message_id, "<1763943481.139839.1649236218178.JavaMail.");
    assert_true(e->has_date);
    assert_int_equal(e->date.offset_minutes, 480);
    /* the rest is still there */
    assert_string_equal(e->raw->items[10].str, "cv@notice.zhipin.com");
    assert_string_equal(e->raw->items[11].str, "@v-bosszpmail-01>");
}

static void test_envelope__not_a_list(void **state)
{
    (void)state;
    static const char *const bad[] = {"NIL", "\"a string\"", "42", "ATOM", "{3}\r\nabc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        imapclient_envelope *e = (imapclient_envelope *)1;
        assert_int_equal(imc_envelope_from_value(arena, val(bad[i]), 1, &e),
                         IMAPCLIENT_EPROTOCOL);
        assert_null(e);
    }
    imapclient_envelope *e;
    assert_int_equal(imc_envelope_from_value(arena, NULL, 1, &e), IMAPCLIENT_EPROTOCOL);
}

static void test_envelope__malformed_addresses(void **state)
{
    (void)state;
    /* a string for a list, short address, list inside a field, a NUMBER list */
    imapclient_envelope *e =
        env("(NIL NIL \"garbage\" ((\"name\" NIL)) "
            "((\"n\" NIL (\"x\") \"h\" \"extra\")) 42 (()) NIL NIL NIL)");
    assert_int_equal(e->from_count, 0);
    assert_int_equal(e->sender_count, 1);
    assert_addr(&e->sender[0], "name", NULL, NULL, NULL);
    assert_int_equal(e->reply_to_count, 1);
    assert_addr(&e->reply_to[0], "n", NULL, NULL, "h");
    assert_int_equal(e->to_count, 0);
    assert_int_equal(e->cc_count, 1);
    assert_addr(&e->cc[0], NULL, NULL, NULL, NULL);
}

static void test_envelope__bare_address_without_outer_list(void **state)
{
    (void)state;
    imapclient_envelope *e = env("(NIL NIL (\"Mary Smith\" NIL \"mary\" \"foo.com\") "
                                 "(NIL NIL NIL NIL) NIL NIL NIL "
                                 "NIL NIL NIL)");
    assert_int_equal(e->from_count, 1);
    assert_addr(&e->from[0], "Mary Smith", NULL, "mary", "foo.com");
    /* four NILs are no address at all */
    assert_int_equal(e->sender_count, 0);
}

static void test_envelope__source_route_kept(void **state)
{
    (void)state;
    imapclient_envelope *e =
        env("(NIL NIL ((\"Joe Q. Public\" \"@relay1.example.net,@relay2.example.net\" "
            "\"john.q.public\" "
            "\"example.com\")) NIL NIL NIL NIL NIL NIL NIL)");
    assert_addr(&e->from[0], "Joe Q. Public", "@relay1.example.net,@relay2.example.net",
                "john.q.public", "example.com");
    assert_format(&e->from[0], "\"Joe Q. Public\" <john.q.public@example.com>");
}

static void test_envelope__date_normalised(void **state)
{
    (void)state;
    setenv("TZ", "UTC0", 1);
    tzset();
    imapclient_envelope *e = envn(rfc3501_envelope, strlen(rfc3501_envelope), 1);
    assert_true(e->has_date);
    assert_int_equal(e->date.has_offset, 0);
    assert_int_equal(e->date.hour, 9);
    assert_int_equal(e->date.minute, 23);
    setenv("TZ", "JST-9", 1);
    tzset();
    e = envn(rfc3501_envelope, strlen(rfc3501_envelope), 1);
    assert_int_equal(e->date.day, 17);
    assert_int_equal(e->date.hour, 18);
}

static void test_envelope__date_shapes(void **state)
{
    (void)state;
    /* reference issue #154 (dots), a NUMBER, an empty string */
    imapclient_envelope *e = env("(\"Sat, 8 May 2010 16.03.09 +0200\" NIL)");
    assert_true(e->has_date);
    assert_int_equal(e->date.second, 9);
    e = env("(12345 NIL)");
    assert_false(e->has_date);
    assert_string_equal(e->date_raw, "12345");
    e = env("(\"\" NIL)");
    assert_false(e->has_date);
    assert_string_equal(e->date_raw, "");
}

static void test_envelope__address_list_helper(void **state)
{
    (void)state;
    const imapclient_address *a = (const imapclient_address *)1;
    size_t n = 99;
    assert_int_equal(imc_address_list_from_value(arena, val("NIL"), &a, &n), 0);
    assert_null(a);
    assert_int_equal(n, 0);
    assert_int_equal(imc_address_list_from_value(arena, NULL, &a, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(
        imc_address_list_from_value(
            arena, val("((NIL NIL \"a\" \"b\") NIL (NIL NIL \"c\" \"d\"))"), &a, &n),
        0);
    assert_int_equal(n, 2);
    assert_string_equal(a[1].mailbox, "c");
}

static void test_envelope__hand_built_trees(void **state)
{
    (void)state;
    /* Trees not made by the parser: a LIST claiming members it lacks. */
    imapclient_value lying = {.type = IMAPCLIENT_VALUE_LIST, .count = 5, .items = NULL};
    imapclient_envelope *e;
    assert_int_equal(imc_envelope_from_value(arena, &lying, 0, &e), 0);
    assert_null(e->subject);
    imapclient_value items[3] = {
        {.type = IMAPCLIENT_VALUE_STRING, .str = NULL},
        {.type = IMAPCLIENT_VALUE_NUMBER, .str = NULL, .number = 5},
        lying};
    imapclient_value v = {.type = IMAPCLIENT_VALUE_LIST, .count = 3, .items = items};
    assert_int_equal(imc_envelope_from_value(arena, &v, 1, &e), 0);
    assert_null(e->date_raw);
    assert_null(e->subject);
    assert_int_equal(e->from_count, 0);
}

static void test_envelope__address_format(void **state)
{
    (void)state;
    static const struct {
        imapclient_address a;
        const char *want;
    } t[] = {
        /* test_response_parser.py: test_Address_str */
        {{"Mary Jane", NULL, "mary", "jane.org"}, "Mary Jane <mary@jane.org>"},
        {{"Anonymous", NULL, "undisclosed-recipients", NULL},
         "Anonymous <undisclosed-recipients>"},
        {{NULL, NULL, NULL, "undisclosed-recipients"}, "undisclosed-recipients"},
        /* formataddr() quoting and escaping */
        {{"Smith, John", NULL, "john", "example.com"},
         "\"Smith, John\" <john@example.com>"},
        {{"Mary \"MJ\" Jane", NULL, "mary", "jane.org"},
         "\"Mary \\\"MJ\\\" Jane\" <mary@jane.org>"},
        {{"back\\slash", NULL, "b", "example.com"}, "\"back\\\\slash\" <b@example.com>"},
        {{"a@b", NULL, "c", "d"}, "\"a@b\" <c@d>"},
        {{"=?utf-8?Q?Justyna?=", NULL, "salesde", "some-company.eu"},
         "=?utf-8?Q?Justyna?= <salesde@some-company.eu>"},
        /* plain and group forms */
        {{NULL, NULL, "gray", "cac.washington.edu"}, "gray@cac.washington.edu"},
        {{"", NULL, "gray", "cac.washington.edu"}, "gray@cac.washington.edu"},
        {{NULL, NULL, "A group", NULL}, "A group"},
        {{NULL, NULL, NULL, NULL}, ""},
        {{NULL, NULL, "", "example.com"}, "example.com"},
        {{"J\xc3\xb6rg", NULL, "joerg", "example.de"}, "J\xc3\xb6rg <joerg@example.de>"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        assert_format(&t[i].a, t[i].want);
}

static void test_envelope__address_format_truncates(void **state)
{
    (void)state;
    imapclient_address a = {"Mary Jane", NULL, "mary", "jane.org"};
    char buf[8];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(imapclient_address_format(&a, buf, sizeof buf), 25);
    assert_string_equal(buf, "Mary Ja");
    assert_int_equal(imapclient_address_format(&a, NULL, 0), 25);
    char one[1] = {'x'};
    assert_int_equal(imapclient_address_format(&a, one, 1), 25);
    assert_int_equal(one[0], '\0');
    assert_int_equal(imapclient_address_format(NULL, buf, sizeof buf), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_address_format(&a, NULL, 4), IMAPCLIENT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_envelope__rfc3501_example),
        T(test_envelope__rfc3501_fetch_line),
        T(test_envelope__reference_fetch_envelope),
        T(test_envelope__reference_no_date),
        T(test_envelope__reference_invalid_date),
        T(test_envelope__reference_empty_addresses),
        T(test_envelope__reference_quoted_subject),
        T(test_envelope__gmail_undisclosed_recipients_group),
        T(test_envelope__group_with_members),
        T(test_envelope__qq_encoded_words_and_missing_message_id),
        T(test_envelope__hydroxide_empty_lists),
        T(test_envelope__literal_subject),
        T(test_envelope__sohu_multiline_literal_subject),
        T(test_envelope__literal_with_nul),
        T(test_envelope__empty_literal_subject),
        T(test_envelope__numbers_where_strings_belong),
        T(test_envelope__atoms_where_strings_belong),
        T(test_envelope__missing_fields),
        T(test_envelope__empty_list),
        T(test_envelope__extra_fields_from_broken_quoting),
        T(test_envelope__not_a_list),
        T(test_envelope__malformed_addresses),
        T(test_envelope__bare_address_without_outer_list),
        T(test_envelope__source_route_kept),
        T(test_envelope__date_normalised),
        T(test_envelope__date_shapes),
        T(test_envelope__address_list_helper),
        T(test_envelope__hand_built_trees),
        T(test_envelope__address_format),
        T(test_envelope__address_format_truncates),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
