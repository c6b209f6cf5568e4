/* APPEND beyond RFC 3501 on canned server bytes: BINARY literal8 (RFC 3516
 * section 4.4), APPENDLIMIT (RFC 7889: from the capability and from
 * STATUS, checked before sending) and REPLACE (RFC 8508, the RFC's own
 * examples). */
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

/* The bytes sent so far (to check nothing more went out). */
static size_t sent_len(imapclient *c)
{
    return strlen(imapclient_script_sent(c));
}

/* ---- BINARY --------------------------------------------------------------------- */

static void test_append_ext__binary_literal8(void **state)
{
    /* NUL bytes: a literal8, the bytes as given (binary data: no line-end
     * change); 8-bit text: a literal8 with line ends made CRLF; 7-bit: a
     * plain literal */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 BINARY] hi\n"
                         "C: A001 APPEND \"INBOX\" () ~{7}\n"
                         "S: + go\n"
                         "C% a%0Ab%00c%0Dd%0D%0A\n"
                         "S: A001 OK [APPENDUID 7 3] done\n"
                         "C: A002 APPEND \"INBOX\" () ~{8}\n"
                         "S: + go\n"
                         "C% caf%C3%A9%0D%0Ax%0D%0A\n"
                         "S: A002 OK done\n"
                         "C: A003 APPEND \"INBOX\" () {4}\n"
                         "S: + go\n"
                         "C% a%0D%0Ab%0D%0A\n"
                         "S: A003 OK done\n");
    imapclient_append_result *r = NULL;
    check(imapclient_append(c, "INBOX", "a\nb\0c\rd", 7, NULL, NULL, &r), c);
    assert_true(r->has_appenduid);
    assert_int_equal(r->uids[0], 3);
    imapclient_append_result_free(r);
    check(imapclient_append(c, "INBOX", "caf\xc3\xa9\nx", 7, NULL, NULL, NULL), c);
    check(imapclient_append(c, "INBOX", "a\nb", 3, NULL, NULL, NULL), c);
    done(c);
}

static void test_append_ext__binary_literal_plus(void **state)
{
    /* LITERAL+ and BINARY: ~{n+} (RFC 7888 section 8); LITERAL- alone
     * never makes a literal8 non-synchronising */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 BINARY LITERAL+ MULTIAPPEND] hi\n"
             "C% A001 APPEND \"INBOX\" ~{3+}%0D%0Aa%00b ~{2+}%0D%0A%FF%FE {2+}%0D%0Aok"
             "%0D%0A\n"
             "S: A001 OK done\n");
    imapclient_append_msg m[3] = {{.data = "a\0b", .len = 3},
                                  {.data = "\xff\xfe", .len = 2},
                                  {.data = "ok", .len = 2}};
    check(imapclient_multiappend(c, "INBOX", m, 3, NULL), c);
    done(c);

    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 BINARY LITERAL-] hi\n"
             "C: A001 APPEND \"INBOX\" () ~{3}\n"
             "S: + go\n"
             "C% a%00b%0D%0A\n"
             "S: A001 OK done\n");
    check(imapclient_append(c, "INBOX", "a\0b", 3, NULL, NULL, NULL), c);
    done(c);
}

static void test_append_ext__nul_without_binary(void **state)
{
    /* without BINARY a NUL byte cannot be sent: refused, nothing sent */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 MULTIAPPEND] hi\n"
                         "C: A001 APPEND \"INBOX\" () {3}\n"
                         "S: + go\n"
                         "C% %FF%0D%0A%0D%0A\n"
                         "S: A001 OK done\n");
    assert_int_equal(imapclient_append(c, "INBOX", "a\0b", 3, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "BINARY"));
    imapclient_append_msg m = {.data = "\0", .len = 1};
    assert_int_equal(imapclient_multiappend(c, "INBOX", &m, 1, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(sent_len(c), 0);
    /* 8-bit without NUL: a plain literal, as before */
    check(imapclient_append(c, "INBOX", "\xff\n", 2, NULL, NULL, NULL), c);
    done(c);
}

static void test_append_ext__binary_caps_asked_first(void **state)
{
    /* capabilities not known yet: asked before the NUL check */
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 CAPABILITY\n"
                         "S: * CAPABILITY IMAP4rev1 BINARY\n"
                         "S: A001 OK done\n"
                         "C: A002 APPEND \"INBOX\" () ~{1}\n"
                         "S: + go\n"
                         "C% %00%0D%0A\n"
                         "S: A002 OK done\n");
    check(imapclient_append(c, "INBOX", "\0", 1, NULL, NULL, NULL), c);
    done(c);
}

/* ---- APPENDLIMIT ------------------------------------------------------------------ */

static void test_append_ext__limit_from_capability(void **state)
{
    /* RFC 7889 section 2: APPENDLIMIT=n applies to every mailbox; a bigger
     * message is refused before anything is sent. The size counted is the
     * one on the wire (line ends made CRLF). */
    char msg[101], x100[101], x97[98], script[1024];
    memset(msg, 'x', sizeof msg);
    memset(x100, 'x', 100);
    x100[100] = '\0';
    memset(x97, 'x', 97);
    x97[97] = '\0';
    snprintf(script, sizeof script,
             "S: * PREAUTH [CAPABILITY IMAP4rev1 APPENDLIMIT=100 LITERAL+ MULTIAPPEND] "
             "hi\n"
             "C: A001 APPEND \"INBOX\" () {100+}\n"
             "C: %s\n"
             "S: A001 OK done\n"
             "C: A002 APPEND \"INBOX\" () {100+}\n"
             "C%% %s%%0D%%0Ax%%0D%%0A\n"
             "S: A002 NO [TOOBIG] Message too large\n",
             x100, x97);
    imapclient *c = play(script);
    uint64_t limit = 0;
    check(imapclient_get_appendlimit(c, NULL, &limit), c);
    assert_int_equal(limit, 100);
    check(imapclient_append(c, "INBOX", msg, 100, NULL, NULL, NULL), c);
    assert_int_equal(imapclient_append(c, "INBOX", msg, 101, NULL, NULL, NULL),
                     IMAPCLIENT_ETOOBIG);
    assert_non_null(strstr(imapclient_errmsg(c), "APPENDLIMIT of 100"));
    /* 100 bytes with a bare LF: 101 on the wire */
    msg[97] = '\n';
    size_t before = sent_len(c);
    assert_int_equal(imapclient_append(c, "INBOX", msg, 100, NULL, NULL, NULL),
                     IMAPCLIENT_ETOOBIG);
    imapclient_append_msg m[2] = {{.data = "ok", .len = 2}, {.data = msg, .len = 101}};
    assert_int_equal(imapclient_multiappend(c, "INBOX", m, 2, NULL), IMAPCLIENT_ETOOBIG);
    assert_int_equal(sent_len(c), before);
    /* 99 bytes with a bare LF: 100 on the wire, sent; the server's own
     * refusal comes through */
    assert_int_equal(imapclient_append(c, "INBOX", msg, 99, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "[TOOBIG]"));
    done(c);
}

static void test_append_ext__limit_per_mailbox(void **state)
{
    /* RFC 7889 section 3: a bare APPENDLIMIT, each mailbox's limit from
     * STATUS (a number, or NIL for none) */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 APPENDLIMIT] hi\n"
                         "C: A001 STATUS INBOX (APPENDLIMIT)\n"
                         "S: * STATUS INBOX (APPENDLIMIT 257890)\n"
                         "S: A001 OK STATUS completed\n"
                         "C: A002 STATUS Archive (APPENDLIMIT)\n"
                         "S: * STATUS Archive (APPENDLIMIT NIL)\n"
                         "S: A002 OK STATUS completed\n"
                         "C: A003 STATUS Other (APPENDLIMIT)\n"
                         "S: * STATUS Other (MESSAGES 3)\n"
                         "S: A003 OK STATUS completed\n"
                         "C: A004 STATUS Gone (APPENDLIMIT)\n"
                         "S: A004 NO [NONEXISTENT] No such mailbox\n");
    uint64_t limit = 0;
    check(imapclient_get_appendlimit(c, "INBOX", &limit), c);
    assert_int_equal(limit, 257890);
    check(imapclient_get_appendlimit(c, "Archive", &limit), c);
    assert_true(limit == IMAPCLIENT_APPENDLIMIT_NONE);
    assert_int_equal(imapclient_get_appendlimit(c, "Other", &limit),
                     IMAPCLIENT_EPROTOCOL);
    assert_int_equal(imapclient_get_appendlimit(c, "Gone", &limit), IMAPCLIENT_ERROR);
    assert_int_equal(imapclient_get_appendlimit(c, NULL, &limit), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_get_appendlimit(c, "INBOX", NULL), IMAPCLIENT_EINVAL);
    done(c);

    /* no APPENDLIMIT: nothing to ask */
    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n");
    assert_int_equal(imapclient_get_appendlimit(c, "INBOX", &limit),
                     IMAPCLIENT_ECAPABILITY);
    done(c);
}

/* A script for a big append under a per-mailbox limit. */
static char *big_script(const char *status_reply, int then_append, size_t size)
{
    size_t cap = size + 1024;
    char *s = malloc(cap);
    int k = snprintf(s, cap,
                     "S: * PREAUTH [CAPABILITY IMAP4rev1 APPENDLIMIT LITERAL+] hi\n"
                     "C: A001 STATUS INBOX (APPENDLIMIT)\n"
                     "%s",
                     status_reply);
    if (then_append) {
        k += snprintf(s + k, cap - (size_t)k,
                      "C: A002 APPEND \"INBOX\" () {%zu+}\nC: ", size);
        memset(s + k, 'x', size);
        k += (int)size;
        k += snprintf(s + k, cap - (size_t)k, "\nS: A002 OK done\n");
    }
    return s;
}

static void test_append_ext__limit_per_mailbox_before_append(void **state)
{
    /* from 64 KiB on, the mailbox's limit is asked before appending */
    size_t size = 64 * 1024;
    char *msg = malloc(size + 1);
    memset(msg, 'x', size + 1);

    char *s =
        big_script("S: * STATUS INBOX (APPENDLIMIT 65535)\nS: A001 OK done\n", 0, size);
    imapclient *c = play(s);
    free(s);
    assert_int_equal(imapclient_append(c, "INBOX", msg, size, NULL, NULL, NULL),
                     IMAPCLIENT_ETOOBIG);
    assert_non_null(strstr(imapclient_errmsg(c), "65535"));
    done(c);

    /* no limit (NIL), or STATUS refused: APPEND goes ahead, no error left */
    s = big_script("S: * STATUS INBOX (APPENDLIMIT NIL)\nS: A001 OK done\n", 1, size);
    c = play(s);
    free(s);
    check(imapclient_append(c, "INBOX", msg, size, NULL, NULL, NULL), c);
    done(c);
    s = big_script("S: A001 BAD Invalid Status attributes appendlimit\n", 1, size);
    c = play(s);
    free(s);
    check(imapclient_append(c, "INBOX", msg, size, NULL, NULL, NULL), c);
    assert_int_equal(imapclient_errcode(c), 0);
    assert_string_equal(imapclient_errmsg(c), "");
    done(c);
    free(msg);
}

/* ---- REPLACE ---------------------------------------------------------------------- */

#define RFC8508_MSG                                                                      \
    "Date: Thu, 1 Jan 2015 00:05:00 -0500\r\n"                                           \
    "From: Fritz Schmidt <fritz.ze@example.org>\r\n"                                     \
    "Subject: happy new year !!\r\n"                                                     \
    "To: miss.mitzy@example.org\r\n"                                                     \
    "Message-Id: <B238822388-0100000@example.org>\r\n"                                   \
    "MIME-Version: 1.0\r\n"                                                              \
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"                                     \
    "\r\n"                                                                               \
    "Just saying hi!\r\n"

#define RFC8508_WIRE                                                                     \
    "Date: Thu, 1 Jan 2015 00:05:00 -0500%0D%0A"                                         \
    "From: Fritz Schmidt <fritz.ze@example.org>%0D%0A"                                   \
    "Subject: happy new year !!%0D%0A"                                                   \
    "To: miss.mitzy@example.org%0D%0A"                                                   \
    "Message-Id: <B238822388-0100000@example.org>%0D%0A"                                 \
    "MIME-Version: 1.0%0D%0A"                                                            \
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII%0D%0A"                                   \
    "%0D%0A"                                                                             \
    "Just saying hi!%0D%0A"

#define SEL_DRAFTS                                                                       \
    "S: * PREAUTH [CAPABILITY IMAP4rev1 REPLACE UIDPLUS] hi\n"                           \
    "C: A001 SELECT Drafts\n"                                                            \
    "S: * 5 EXISTS\n"                                                                    \
    "S: A001 OK [READ-WRITE] done\n"

static void test_append_ext__replace_rfc_example(void **state)
{
    /* RFC 8508 section 3.3: the APPENDUID in an untagged OK, then the new
     * message's EXISTS and the old one's EXPUNGE (kept for noop) */
    char script[2048];
    snprintf(script, sizeof script,
             SEL_DRAFTS "C: A002 REPLACE 4 \"Drafts\" (\\Seen \\Draft) {%zu}\n"
                        "S: + Ready for literal data\n"
                        "C%% %s%%0D%%0A\n"
                        "S: * OK [APPENDUID 1 2000] Replacement Message ready\n"
                        "S: * 6 EXISTS\n"
                        "S: * 4 EXPUNGE\n"
                        "S: A002 OK Replace completed\n",
             sizeof RFC8508_MSG - 1, RFC8508_WIRE);
    imapclient *c = play(script);
    check(imapclient_select_folder(c, "Drafts", 0, NULL), c);
    imapclient_set_use_uid(c, 0);
    imapclient_append_result *r = NULL;
    check(imapclient_replace(c, 4, "Drafts", RFC8508_MSG, sizeof RFC8508_MSG - 1,
                             (const char *[]){"\\Seen", "\\Draft", NULL}, NULL, &r),
          c);
    assert_string_equal(r->text, "Replace completed");
    assert_true(r->has_appenduid);
    assert_int_equal(r->uidvalidity, 1);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->uids[0], 2000);
    imapclient_append_result_free(r);
    imapclient_responses *kept = NULL;
    check(imapclient_take_responses(c, &kept), c);
    assert_int_equal(kept->count, 2);
    assert_string_equal(kept->items[0].name, "EXISTS");
    assert_string_equal(kept->items[1].name, "EXPUNGE");
    imapclient_responses_free(kept);
    done(c);
}

static void test_append_ext__uid_replace(void **state)
{
    /* RFC 8508 section 3.3, UID REPLACE into another mailbox; APPENDUID in
     * the completion, VANISHED for the old one (QRESYNC) */
    char script[2048];
    snprintf(script, sizeof script,
             SEL_DRAFTS
             "C: A002 UID REPLACE 2000 \"Drafts\" (\\Seen \\Draft) {%zu}\n"
             "S: + Ready for literal data\n"
             "C%% %s%%0D%%0A\n"
             "S: * 5 EXISTS\n"
             "S: * VANISHED 2000\n"
             "S: A002 OK [APPENDUID 1 2001] Replace completed\n"
             "C: A003 UID REPLACE 7 \"Other\" () \"01-Jan-2015 00:05:00 -0500\" "
             "{2}\n"
             "S: + go\n"
             "C: hi\n"
             "S: A003 OK done\n",
             sizeof RFC8508_MSG - 1, RFC8508_WIRE);
    imapclient *c = play(script);
    check(imapclient_select_folder(c, "Drafts", 0, NULL), c);
    imapclient_append_result *r = NULL;
    check(imapclient_replace(c, 2000, "Drafts", RFC8508_MSG, sizeof RFC8508_MSG - 1,
                             (const char *[]){"\\Seen", "\\Draft", NULL}, NULL, &r),
          c);
    assert_int_equal(r->uids[0], 2001);
    imapclient_append_result_free(r);
    imapclient_datetime d = {2015, 1, 1, 0, 5, 0, 1, -300};
    check(imapclient_replace(c, 7, "Other", "hi", 2, NULL, &d, &r), c);
    assert_false(r->has_appenduid);
    imapclient_append_result_free(r);
    done(c);
}

static void test_append_ext__replace_refused(void **state)
{
    /* announced, then BAD (the server does not know it): ERROR, the
     * connection goes on; [TRYCREATE] comes through */
    imapclient *c = play(SEL_DRAFTS "C: A002 UID REPLACE 1 \"Drafts\" () {2}\n"
                                    "S: A002 BAD Unrecognized command\n"
                                    "C: A003 UID REPLACE 1 \"Nope\" () {2}\n"
                                    "S: A003 NO [TRYCREATE] No such mailbox\n"
                                    "C: A004 NOOP\n"
                                    "S: A004 OK done\n");
    check(imapclient_select_folder(c, "Drafts", 0, NULL), c);
    assert_int_equal(imapclient_replace(c, 1, "Drafts", "hi", 2, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "BAD Unrecognized command"));
    assert_int_equal(imapclient_replace(c, 1, "Nope", "hi", 2, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "[TRYCREATE]"));
    check(imapclient_noop(c, NULL), c);
    done(c);
}

static void test_append_ext__replace_checks(void **state)
{
    /* not offered, nothing selected, read-only, id 0, bad message: nothing
     * sent */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"
                         "C: A001 SELECT INBOX\n"
                         "S: A001 OK [READ-WRITE] done\n");
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    assert_int_equal(imapclient_replace(c, 1, "INBOX", "x", 1, NULL, NULL, NULL),
                     IMAPCLIENT_ECAPABILITY);
    done(c);
    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 REPLACE APPENDLIMIT=1] hi\n"
             "C: A001 EXAMINE INBOX\n"
             "S: A001 OK [READ-ONLY] done\n"
             "C: A002 SELECT INBOX\n"
             "S: A002 OK [READ-WRITE] done\n");
    assert_int_equal(imapclient_replace(c, 1, "INBOX", "x", 1, NULL, NULL, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    assert_int_equal(imapclient_replace(c, 1, "INBOX", "x", 1, NULL, NULL, NULL),
                     IMAPCLIENT_EREADONLY);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    assert_int_equal(imapclient_replace(c, 0, "INBOX", "x", 1, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_replace(c, 1, "INBOX", NULL, 1, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_replace(c, 1, "INBOX", "x\0", 2, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_replace(c, 1, "INBOX", "x", 1,
                                        (const char *[]){"(", NULL}, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_replace(c, 1, "INBOX", "xy", 2, NULL, NULL, NULL),
                     IMAPCLIENT_ETOOBIG);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_ext__binary_literal8),
        cmocka_unit_test(test_append_ext__binary_literal_plus),
        cmocka_unit_test(test_append_ext__nul_without_binary),
        cmocka_unit_test(test_append_ext__binary_caps_asked_first),
        cmocka_unit_test(test_append_ext__limit_from_capability),
        cmocka_unit_test(test_append_ext__limit_per_mailbox),
        cmocka_unit_test(test_append_ext__limit_per_mailbox_before_append),
        cmocka_unit_test(test_append_ext__replace_rfc_example),
        cmocka_unit_test(test_append_ext__uid_replace),
        cmocka_unit_test(test_append_ext__replace_refused),
        cmocka_unit_test(test_append_ext__replace_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
