/* CATENATE (RFC 4469) on canned server bytes: the RFC's own example
 * (appendix A: a draft made of URLs and TEXT literals, synchronising and
 * with LITERAL+), URLs built from folder/UIDVALIDITY/UID/section (RFC
 * 5092), MULTIAPPEND with CATENATE, the BADURL and TOOBIG refusals typed
 * (imapclient_error_code()), and the non-blocking form. */
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

/* The boundary lines of RFC 4469 appendix A: CRLF, the boundary, CRLF
 * (42 bytes); the last one with "--" (44 bytes). */
#define BOUNDARY "--------------030308070208000400050907"
static const char sep[] = "\r\n" BOUNDARY "\r\n";
static const char last[] = "\r\n" BOUNDARY "--\r\n";

#define URL_HDR  "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER"
#define URL_MIME "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME"
#define URL_1    "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1"
#define URL_30   "/Drafts;UIDVALIDITY=385759045/;UID=30"

static const imapclient_cat_part rfc_parts[] = {
    {.type = IMAPCLIENT_CAT_URL, .url = URL_HDR},
    {.type = IMAPCLIENT_CAT_TEXT, .text = sep, .len = sizeof sep - 1},
    {.type = IMAPCLIENT_CAT_URL, .url = URL_MIME},
    {.type = IMAPCLIENT_CAT_URL, .url = URL_1},
    {.type = IMAPCLIENT_CAT_TEXT, .text = sep, .len = sizeof sep - 1},
    {.type = IMAPCLIENT_CAT_URL, .url = URL_30},
    {.type = IMAPCLIENT_CAT_TEXT, .text = last, .len = sizeof last - 1},
};
static const char *const rfc_flags[] = {"\\Seen", "\\Draft", "$MDNSent", NULL};

static void test_catenate__rfc_example(void **state)
{
    /* RFC 4469 appendix A, byte for byte (the folder quoted, as every
     * APPEND of the library): each TEXT literal waits for "+" */
    imapclient *c = play(
        "S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE] hi\n"
        "C: A001 APPEND \"Drafts\" (\\Seen \\Draft $MDNSent) CATENATE (URL \"" URL_HDR
        "\" TEXT {42}\n"
        "S: + Ready for literal data\n"
        "C% %0D%0A" BOUNDARY "%0D%0A URL \"" URL_MIME "\" URL \"" URL_1
        "\" TEXT {42}%0D%0A\n"
        "S: + Ready for literal data\n"
        "C% %0D%0A" BOUNDARY "%0D%0A URL \"" URL_30 "\" TEXT {44}%0D%0A\n"
        "S: + Ready for literal data\n"
        "C% %0D%0A" BOUNDARY "--%0D%0A)%0D%0A\n"
        "S: A001 OK [APPENDUID 385759045 45] CATENATE append completed\n");
    imapclient_append_result *r = NULL;
    check(imapclient_catenate(c, "Drafts", rfc_parts, 7, rfc_flags, NULL, &r), c);
    assert_string_equal(r->text, "CATENATE append completed");
    assert_true(r->has_appenduid);
    assert_int_equal(r->uidvalidity, 385759045);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->uids[0], 45);
    assert_null(imapclient_error_code(c));
    imapclient_append_result_free(r);
    done(c);
}

static void test_catenate__literal_plus_and_built_urls(void **state)
{
    /* LITERAL+: the whole command in one go; MESSAGE parts give the
     * URLs of RFC 5092 (folder %-encoded UTF-8, SECTION) */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE LITERAL+] hi\n"
                         "C% A001 APPEND \"Drafts\" CATENATE (URL "
                         "\"/Drafts;UIDVALIDITY=385759045/;UID=20/;SECTION=HEADER\" TEXT "
                         "{42+}%0D%0A%0D%0A" BOUNDARY "%0D%0A URL "
                         "\"/Entw%25C3%25BCrfe/2024/;UID=7/;SECTION=1.MIME\" URL "
                         "\"/Entw%25C3%25BCrfe/2024/;UID=7/;SECTION=1\" TEXT "
                         "{44+}%0D%0A%0D%0A" BOUNDARY "--%0D%0A)%0D%0A\n"
                         "S: A001 OK done\n");
    imapclient_cat_part parts[] = {
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "Drafts",
         .uidvalidity = 385759045,
         .uid = 20,
         .section = "HEADER"},
        {.type = IMAPCLIENT_CAT_TEXT, .text = sep, .len = sizeof sep - 1},
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "Entw\xc3\xbc"
                   "rfe/2024",
         .uid = 7,
         .section = "1.MIME"},
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "Entw\xc3\xbc"
                   "rfe/2024",
         .uid = 7,
         .section = "1"},
        {.type = IMAPCLIENT_CAT_TEXT, .text = last, .len = sizeof last - 1},
    };
    check(imapclient_catenate(c, "Drafts", parts, 5, NULL, NULL, NULL), c);
    done(c);
}

static void test_catenate__message_url(void **state)
{
    char buf[128];
    long long n =
        imapclient_message_url("Entw\xc3\xbc"
                               "rfe/a b;c%?#\"",
                               1, 2, "HEADER.FIELDS (SUBJECT)", buf, sizeof buf);
    assert_string_equal(buf, "/Entw%C3%BCrfe/a%20b%3Bc%25%3F%23%22;UIDVALIDITY=1/;UID=2/"
                             ";SECTION=HEADER.FIELDS%20(SUBJECT)");
    assert_int_equal(n, strlen(buf));
    /* too small: truncated, the full length returned, as snprintf */
    char small[8];
    assert_int_equal(
        imapclient_message_url("INBOX", 0, 4294967295u, NULL, small, sizeof small),
        strlen("/INBOX/;UID=4294967295"));
    assert_string_equal(small, "/INBOX/");
    assert_int_equal(imapclient_message_url("INBOX", 0, 9, NULL, NULL, 0),
                     strlen("/INBOX/;UID=9"));
    /* what cannot make a URL */
    assert_int_equal(imapclient_message_url(NULL, 0, 1, NULL, buf, sizeof buf),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_message_url("", 0, 1, NULL, buf, sizeof buf),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_message_url("INBOX", 0, 0, NULL, buf, sizeof buf),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_message_url("INBOX", 0, 1, "", buf, sizeof buf),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_message_url("IN\r\nBOX", 0, 1, NULL, buf, sizeof buf),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_message_url("IN\xffX", 0, 1, NULL, buf, sizeof buf),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_message_url("INBOX", 0, 1, "1\n", buf, sizeof buf),
                     IMAPCLIENT_EINVAL);
}

static void test_catenate__badurl(void **state)
{
    /* RFC 4469 appendix A's second example (with erratum 4046: the URL
     * bare): refused instead of "+": the literal is not sent, the code and
     * its URL are typed, and the connection goes on */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE] hi\n"
             "C: A001 APPEND \"Drafts\" CATENATE (URL "
             "\"/INBOX;UIDVALIDITY=785799047/;UID=113330/;section=1.5.9\" TEXT {42}\n"
             "S: A001 NO [BADURL /INBOX;UIDVALIDITY=785799047/;UID=113330;section=1.5.9] "
             "CATENATE append has failed, one message expunged\n"
             "C: A002 NOOP\n"
             "S: A002 OK done\n");
    imapclient_cat_part parts[] = {
        {.type = IMAPCLIENT_CAT_URL,
         .url = "/INBOX;UIDVALIDITY=785799047/;UID=113330/;section=1.5.9"},
        {.type = IMAPCLIENT_CAT_TEXT, .text = sep, .len = sizeof sep - 1},
    };
    imapclient_append_result *r = (imapclient_append_result *)1;
    assert_int_equal(imapclient_catenate(c, "Drafts", parts, 2, NULL, NULL, &r),
                     IMAPCLIENT_ERROR);
    assert_null(r);
    assert_string_equal(imapclient_error_code(c), "BADURL");
    assert_string_equal(imapclient_error_code_arg(c),
                        "/INBOX;UIDVALIDITY=785799047/;UID=113330;section=1.5.9");
    assert_non_null(strstr(imapclient_errmsg(c), "one message expunged"));
    imapclient_responses *rs = NULL;
    check(imapclient_noop(c, &rs), c);
    imapclient_responses_free(rs);
    assert_null(imapclient_error_code(c));
    assert_null(imapclient_error_code_arg(c));
    done(c);
}

static void test_catenate__toobig_after_literal_plus(void **state)
{
    /* with LITERAL+ the whole command is out before the answer; TOOBIG
     * (no arguments) typed */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE LITERAL+] hi\n"
                         "C% A001 APPEND \"Sent\" CATENATE (URL \"/INBOX/;UID=1\" URL "
                         "\"/INBOX/;UID=2\")%0D%0A\n"
                         "S: A001 NO [TOOBIG] Resulting message too big\n");
    imapclient_cat_part parts[] = {
        {.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 1},
        {.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 2},
    };
    assert_int_equal(imapclient_catenate(c, "Sent", parts, 2, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_error_code(c), "TOOBIG");
    assert_string_equal(imapclient_error_code_arg(c), "");
    done(c);
}

static long long mem_read(void *payload, char *buf, size_t n)
{
    const char **p = payload;
    size_t k = strlen(*p) < n ? strlen(*p) : n;
    memcpy(buf, *p, k);
    *p += k;
    return (long long)k;
}

static void test_catenate__multi_and_source(void **state)
{
    /* MULTIAPPEND + CATENATE: two messages, flags and date per message,
     * a part streamed from a callback (crlf: sent as it is) */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE MULTIAPPEND LITERAL+] hi\n"
             "C% A001 APPEND \"Drafts\" (\\Draft) CATENATE (TEXT {3+}%0D%0Aa%0D%0A URL "
             "\"/INBOX/;UID=5\") \"01-Feb-2024 10:00:00 +0000\" CATENATE (TEXT "
             "{4+}%0D%0Abc%0D%0A)%0D%0A\n"
             "S: A001 OK [APPENDUID 9 11:12] done\n");
    const char *src_text = "bc\r\n";
    imapclient_cat_part p1[] = {
        {.type = IMAPCLIENT_CAT_TEXT, .text = "a\n", .len = 2},
        {.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 5},
    };
    imapclient_cat_part p2[] = {
        {.type = IMAPCLIENT_CAT_SOURCE,
         .src = {
             .fd = -1, .read = mem_read, .payload = &src_text, .size = 4, .crlf = 1}}};
    imapclient_datetime d = {
        .year = 2024, .month = 2, .day = 1, .hour = 10, .has_offset = 1};
    imapclient_catenate_msg m[] = {
        {p1, 2, (const char *const[]){"\\Draft", NULL}, NULL},
        {p2, 1, NULL, &d},
    };
    imapclient_append_result *r = NULL;
    check(imapclient_multicatenate(c, "Drafts", m, 2, &r), c);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->uids[1], 12);
    imapclient_append_result_free(r);
    done(c);
}

static void test_catenate__capabilities(void **state)
{
    /* nothing is sent without CATENATE, nor several messages without
     * MULTIAPPEND */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 MULTIAPPEND] hi\n");
    imapclient_cat_part p = {.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 1};
    assert_int_equal(imapclient_catenate(c, "Drafts", &p, 1, NULL, NULL, NULL),
                     IMAPCLIENT_ECAPABILITY);
    assert_string_equal(imapclient_script_sent(c), "");
    imapclient_free(c);

    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE] hi\n");
    imapclient_catenate_msg m[] = {{&p, 1, NULL, NULL}, {&p, 1, NULL, NULL}};
    assert_int_equal(imapclient_multicatenate(c, "Drafts", m, 2, NULL),
                     IMAPCLIENT_ECAPABILITY);
    assert_string_equal(imapclient_script_sent(c), "");
    imapclient_free(c);
}

/* ---- without waiting ----------------------------------------------------------------
 */

typedef struct seen {
    int n, status;
    char code[32], arg[128];
    uint32_t uid;
} seen;

static void on_done(imapclient *c, imapclient_completion *d)
{
    seen *s = d->user;
    s->n++;
    s->status = d->status;
    assert_int_equal(d->op, IMAPCLIENT_OP_APPEND);
    snprintf(s->code, sizeof s->code, "%s", d->code ? d->code : "");
    snprintf(s->arg, sizeof s->arg, "%s", d->code_arg ? d->code_arg : "");
    imapclient_append_result *r = d->result;
    s->uid = r && r->count ? r->uids[0] : 0;
}

static void run(imapclient *c)
{
    for (int i = 0; i < 1000 && imapclient_pending_commands(c); i++)
        assert_int_equal(imapclient_drive(c), 0);
}

static void test_catenate__start(void **state)
{
    /* the same request under the non-blocking front: the TEXT is copied
     * (the caller's buffer is gone before the command goes out), and a
     * refusal carries its code in the completion */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE LITERAL+] hi\n"
                         "C% A001 APPEND \"Drafts\" CATENATE (URL \"/INBOX;UIDVALIDITY=3/"
                         ";UID=5/;SECTION=TEXT\" TEXT {2+}%0D%0Aok)%0D%0A\n"
                         "C% A002 APPEND \"Drafts\" CATENATE (URL \"/x\")%0D%0A\n"
                         "S: A001 OK [APPENDUID 3 8] done\n"
                         "S: A002 NO [BADURL /x] no such message\n");
    char *text = strdup("ok");
    imapclient_cat_part p[] = {
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = 3,
         .uid = 5,
         .section = "TEXT"},
        {.type = IMAPCLIENT_CAT_TEXT, .text = text, .len = 2},
    };
    seen s1 = {0}, s2 = {0};
    uint64_t id = 0;
    check(imapclient_start_catenate(c, "Drafts", p, 2, NULL, NULL, on_done, &s1, &id), c);
    assert_true(id > 0);
    memset(text, 'X', 2);
    free(text);
    imapclient_cat_part bad = {.type = IMAPCLIENT_CAT_URL, .url = "/x"};
    imapclient_catenate_msg m = {&bad, 1, NULL, NULL};
    check(imapclient_start_multicatenate(c, "Drafts", &m, 1, on_done, &s2, NULL), c);
    run(c);
    assert_int_equal(s1.n, 1);
    assert_int_equal(s1.status, 0);
    assert_int_equal(s1.uid, 8);
    assert_string_equal(s1.code, "");
    assert_int_equal(s2.n, 1);
    assert_int_equal(s2.status, IMAPCLIENT_ERROR);
    assert_string_equal(s2.code, "BADURL");
    assert_string_equal(s2.arg, "/x");
    done(c);
}

static void test_catenate__start_queue_and_check(void **state)
{
    /* the completion queue carries the code too; the capability is
     * checked when the command is about to go out */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE] hi\n"
                         "C: A001 APPEND \"Sent\" CATENATE (URL \"/INBOX/;UID=1\")\n"
                         "S: A001 NO [TOOBIG] too big\n");
    imapclient_cat_part p = {.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 1};
    check(imapclient_start_catenate(c, "Sent", &p, 1, NULL, NULL, NULL, NULL, NULL), c);
    run(c);
    imapclient_completion *d = NULL;
    assert_int_equal(imapclient_next_completion(c, &d), 1);
    assert_int_equal(d->status, IMAPCLIENT_ERROR);
    assert_string_equal(d->code, "TOOBIG");
    assert_string_equal(d->code_arg, "");
    imapclient_completion_free(d);
    done(c);

    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n");
    check(imapclient_start_catenate(c, "Sent", &p, 1, NULL, NULL, NULL, NULL, NULL), c);
    run(c);
    assert_int_equal(imapclient_next_completion(c, &d), 1);
    assert_int_equal(d->status, IMAPCLIENT_ECAPABILITY);
    assert_null(d->code);
    imapclient_completion_free(d);
    assert_string_equal(imapclient_script_sent(c), "");
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catenate__rfc_example),
        cmocka_unit_test(test_catenate__literal_plus_and_built_urls),
        cmocka_unit_test(test_catenate__message_url),
        cmocka_unit_test(test_catenate__badurl),
        cmocka_unit_test(test_catenate__toobig_after_literal_plus),
        cmocka_unit_test(test_catenate__multi_and_source),
        cmocka_unit_test(test_catenate__capabilities),
        cmocka_unit_test(test_catenate__start),
        cmocka_unit_test(test_catenate__start_queue_and_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
