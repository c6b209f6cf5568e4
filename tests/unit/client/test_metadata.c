/* METADATA (RFC 5464) on canned server bytes: the examples of the RFC's
 * sections 4.2 to 4.4, options, values of every form, capability and
 * argument checks before sending. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

static imapclient *play_opts(const char *script, const imapclient_options *o)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, o, &c);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    return c;
}

static imapclient *play(const char *script)
{
    return play_opts(script, NULL);
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

#define GREET      "S: * PREAUTH [CAPABILITY IMAP4rev1 METADATA] ready\n"
#define GREET_PLUS "S: * PREAUTH [CAPABILITY IMAP4rev1 METADATA LITERAL+] ready\n"

static const char *const one_shared[] = {"/shared/comment", NULL};
static const char *const one_private[] = {"/private/comment", NULL};
static const char *const both[] = {"/shared/comment", "/private/comment", NULL};

/* ---- GETMETADATA ------------------------------------------------------------ */

static void test_metadata__server_entry(void **state)
{
    /* RFC 5464 section 4.2, first example */
    imapclient *c = play(GREET "C: A001 GETMETADATA \"\" /shared/comment\n"
                               "S: * METADATA \"\" (/shared/comment \"Shared comment\")\n"
                               "S: A001 OK GETMETADATA complete\n");
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c, "", one_shared, 0, 0, &m), c);
    assert_string_equal(m->mailbox, "");
    assert_int_equal(m->count, 1);
    assert_string_equal(m->entries[0].name, "/shared/comment");
    assert_string_equal(m->entries[0].value, "Shared comment");
    assert_int_equal(m->entries[0].len, 14);
    assert_false(m->has_longentries);
    imapclient_metadata_free(m);
    imapclient_metadata_free(NULL);
    done(c);
}

static void test_metadata__mailbox_entries(void **state)
{
    /* RFC 5464 section 4.2, second and third examples; NULL mailbox is "" */
    imapclient *c =
        play(GREET "C: A001 GETMETADATA INBOX /private/comment\n"
                   "S: * METADATA \"INBOX\" (/private/comment \"My own comment\")\n"
                   "S: A001 OK GETMETADATA complete\n"
                   "C: A002 GETMETADATA INBOX (/shared/comment /private/comment)\n"
                   "S: * METADATA \"INBOX\" (/shared/comment \"Shared comment\" "
                   "/private/comment \"My own comment\")\n"
                   "S: A002 OK GETMETADATA complete\n"
                   "C: A003 GETMETADATA \"\" /private/comment\n"
                   "S: * METADATA \"\" (/private/comment NIL)\n"
                   "S: A003 OK done\n");
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c, "INBOX", one_private, 0, 0, &m), c);
    assert_string_equal(m->mailbox, "INBOX");
    assert_int_equal(m->count, 1);
    assert_string_equal(m->entries[0].value, "My own comment");
    imapclient_metadata_free(m);

    check(imapclient_get_metadata(c, "INBOX", both, 0, 0, &m), c);
    assert_int_equal(m->count, 2);
    assert_string_equal(m->entries[0].name, "/shared/comment");
    assert_string_equal(m->entries[1].name, "/private/comment");
    /* entry names are case-insensitive */
    const imapclient_metadata_entry *e = imapclient_metadata_get(m, "/PRIVATE/Comment");
    assert_non_null(e);
    assert_string_equal(e->value, "My own comment");
    assert_null(imapclient_metadata_get(m, "/private/other"));
    assert_null(imapclient_metadata_get(NULL, "/x"));
    imapclient_metadata_free(m);

    /* NIL: the entry does not exist */
    check(imapclient_get_metadata(c, NULL, one_private, 0, 0, &m), c);
    assert_int_equal(m->count, 1);
    assert_null(m->entries[0].value);
    assert_int_equal(m->entries[0].len, 0);
    imapclient_metadata_free(m);
    done(c);
}

static void test_metadata__maxsize_longentries(void **state)
{
    /* RFC 5464 section 4.2.1 (the options before the mailbox, as the
     * formal syntax of section 5 has them) */
    imapclient *c =
        play(GREET "C: A001 GETMETADATA (MAXSIZE 1024) INBOX (/shared/comment "
                   "/private/comment)\n"
                   "S: * METADATA \"INBOX\" (/private/comment \"My own comment\")\n"
                   "S: A001 OK [METADATA LONGENTRIES 2199] GETMETADATA complete\n");
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c, "INBOX", both, 1024, 0, &m), c);
    assert_int_equal(m->count, 1);
    assert_true(m->has_longentries);
    assert_int_equal(m->longentries, 2199);
    imapclient_metadata_free(m);
    done(c);
}

static void test_metadata__depth(void **state)
{
    /* RFC 5464 section 4.2.2: DEPTH 1, a value with escaped quotes */
    imapclient *c =
        play(GREET "C: A001 GETMETADATA (DEPTH 1) INBOX /private/filters/values\n"
                   "S: * METADATA \"INBOX\" (/private/filters/values/small \"SMALLER "
                   "THAN 10K\" /private/filters/values/boss \"FROM "
                   "\\\"boss@example.com\\\"\")\n"
                   "S: A001 OK GETMETADATA complete\n"
                   "C: A002 GETMETADATA (MAXSIZE 10 DEPTH infinity) INBOX /private\n"
                   "S: A002 OK done\n");
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(
              c, "INBOX", (const char *[]){"/private/filters/values", NULL}, 0, 1, &m),
          c);
    assert_int_equal(m->count, 2);
    assert_string_equal(m->entries[0].name, "/private/filters/values/small");
    assert_string_equal(m->entries[0].value, "SMALLER THAN 10K");
    assert_string_equal(m->entries[1].value, "FROM \"boss@example.com\"");
    imapclient_metadata_free(m);
    /* both options; nothing found is an empty result */
    check(imapclient_get_metadata(c, "INBOX", (const char *[]){"/private", NULL}, 10,
                                  IMAPCLIENT_METADATA_DEPTH_INFINITY, &m),
          c);
    assert_int_equal(m->count, 0);
    assert_non_null(m->entries);
    imapclient_metadata_free(m);
    done(c);
}

static void test_metadata__values_of_every_form(void **state)
{
    /* a literal across lines, a literal8 with NUL bytes, an empty string,
     * NIL; entries quoted (as Cyrus sends them); the response split in two */
    imapclient *c = play(GREET "C: A001 GETMETADATA INBOX (/private/a /private/b "
                               "/private/c /private/d)\n"
                               "S: * METADATA INBOX (\"/private/a\" {12}\n"
                               "S% line1%0D%0Aline2 /private/b ~{3}%0D%0A\n"
                               "S% a%00b)%0D%0A\n"
                               "S: * METADATA inbox (/private/c \"\" /private/d NIL)\n"
                               "S: A001 OK done\n");
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c, "INBOX",
                                  (const char *[]){"/private/a", "/private/b",
                                                   "/private/c", "/private/d", NULL},
                                  0, 0, &m),
          c);
    assert_int_equal(m->count, 4);
    assert_string_equal(m->entries[0].name, "/private/a");
    assert_int_equal(m->entries[0].len, 12);
    assert_memory_equal(m->entries[0].value, "line1\r\nline2", 12);
    assert_int_equal(m->entries[1].len, 3);
    assert_memory_equal(m->entries[1].value, "a\0b", 3);
    assert_int_equal(m->entries[1].value[3], '\0');
    assert_string_equal(m->entries[2].value, "");
    assert_null(m->entries[3].value);
    imapclient_metadata_free(m);
    done(c);
}

static void test_metadata__unsolicited_kept(void **state)
{
    /* RFC 5464 section 4.4.2: a change notice (names only) and the data of
     * another mailbox are not the result; they are kept for the caller */
    imapclient *c =
        play(GREET "C: A001 GETMETADATA INBOX /private/comment\n"
                   "S: * METADATA \"\" /shared/comment\n"
                   "S: * METADATA Other (/private/comment \"x\")\n"
                   "S: * METADATA \"INBOX\" (/private/comment \"mine\")\n"
                   "S: * METADATA \"INBOX\" /shared/comment /private/comment\n"
                   "S: A001 OK done\n");
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c, "INBOX", one_private, 0, 0, &m), c);
    assert_int_equal(m->count, 1);
    assert_string_equal(m->entries[0].value, "mine");
    imapclient_metadata_free(m);
    imapclient_responses *r = NULL;
    check(imapclient_take_responses(c, &r), c);
    assert_int_equal(r->count, 3);
    /* the change notices decode as NOTIFY events */
    imapclient_notify_event *e = NULL;
    check(imapclient_notify_event_from_response(c, &r->items[0], &e), c);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_METADATA);
    assert_string_equal(e->mailbox, "");
    assert_int_equal(e->entry_count, 1);
    assert_string_equal(e->entries[0], "/shared/comment");
    imapclient_notify_event_free(e);
    check(imapclient_notify_event_from_response(c, &r->items[2], &e), c);
    assert_string_equal(e->mailbox, "INBOX");
    assert_int_equal(e->entry_count, 2);
    assert_string_equal(e->entries[1], "/private/comment");
    assert_null(e->entries[2]);
    imapclient_notify_event_free(e);
    imapclient_responses_free(r);
    done(c);
}

static void test_metadata__folder_names_encoded(void **state)
{
    /* a non-ASCII mailbox goes as modified UTF-7 and comes back decoded */
    imapclient *c = play(GREET "C: A001 GETMETADATA Donn&AOk-es /private/comment\n"
                               "S: * METADATA Donn&AOk-es (/private/comment \"x\")\n"
                               "S: A001 OK done\n");
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c,
                                  "Donn\xc3\xa9"
                                  "es",
                                  one_private, 0, 0, &m),
          c);
    assert_string_equal(m->mailbox, "Donn\xc3\xa9"
                                    "es");
    assert_int_equal(m->count, 1);
    imapclient_metadata_free(m);
    done(c);
}

static void test_metadata__maxsize_from_max_literal(void **state)
{
    /* max_literal lowered below its default: sent as MAXSIZE (and a larger
     * maxsize lowered to it), so an honest server leaves big values out */
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_literal = 4096;
    imapclient *c = play_opts(GREET "C: A001 GETMETADATA (MAXSIZE 4096) INBOX "
                                    "/private/comment\n"
                                    "S: A001 OK [METADATA LONGENTRIES 70000] done\n"
                                    "C: A002 GETMETADATA (MAXSIZE 4096 DEPTH 1) \"\" "
                                    "/private\n"
                                    "S: A002 OK done\n"
                                    "C: A003 GETMETADATA (MAXSIZE 100) \"\" /private\n"
                                    "S: A003 OK done\n",
                              &o);
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c, "INBOX", one_private, 0, 0, &m), c);
    assert_int_equal(m->longentries, 70000);
    imapclient_metadata_free(m);
    check(
        imapclient_get_metadata(c, "", (const char *[]){"/private", NULL}, 100000, 1, &m),
        c);
    imapclient_metadata_free(m);
    check(imapclient_get_metadata(c, "", (const char *[]){"/private", NULL}, 100, 0, &m),
          c);
    imapclient_metadata_free(m);
    done(c);
}

/* ---- SETMETADATA ------------------------------------------------------------ */

static void test_metadata__set(void **state)
{
    /* RFC 5464 section 4.3: a literal value, NIL to remove, a server entry */
    static const char two_lines[] = "My new comment across\r\ntwo lines.\r\n";
    imapclient *c = play(GREET "C: A001 SETMETADATA INBOX (/private/comment {35}\n"
                               "S: + ready for data\n"
                               "C% My new comment across%0D%0Atwo lines.%0D%0A)%0D%0A\n"
                               "S: A001 OK SETMETADATA complete\n"
                               "C: A002 SETMETADATA INBOX (/private/comment NIL)\n"
                               "S: A002 OK SETMETADATA complete\n"
                               "C: A003 SETMETADATA \"\" (/shared/comment \"Shared "
                               "comment\" /shared/x \"NIL\" /shared/y \"\")\n"
                               "S: A003 OK SETMETADATA complete\n");
    imapclient_metadata_entry e = {"/private/comment", two_lines, sizeof two_lines - 1};
    const char *text = NULL;
    check(imapclient_set_metadata(c, "INBOX", &e, 1, &text), c);
    assert_string_equal(text, "SETMETADATA complete");
    imapclient_metadata_entry del = {"/private/comment", NULL, 0};
    check(imapclient_set_metadata(c, "INBOX", &del, 1, NULL), c);
    /* the text "NIL" is a string, not NIL; an empty value is "" */
    imapclient_metadata_entry three[] = {{"/shared/comment", "Shared comment", 14},
                                         {"/shared/x", "NIL", 3},
                                         {"/shared/y", "", 0}};
    check(imapclient_set_metadata(c, NULL, three, 3, NULL), c);
    done(c);
}

static void test_metadata__set_binary_literal8(void **state)
{
    /* NUL bytes need a literal8: synchronising without LITERAL+, ~{n+}
     * with it; 8-bit text goes as a plain literal */
    imapclient *c = play(GREET "C: A001 SETMETADATA INBOX (/private/bin ~{3}\n"
                               "S: + go\n"
                               "C% a%00b)%0D%0A\n"
                               "S: A001 OK done\n"
                               "C: A002 SETMETADATA INBOX (/private/t {6}\n"
                               "S: + go\n"
                               "C: caf\xc3\xa9!)\n"
                               "S: A002 OK done\n");
    imapclient_metadata_entry e = {"/private/bin", "a\0b", 3};
    check(imapclient_set_metadata(c, "INBOX", &e, 1, NULL), c);
    imapclient_metadata_entry t = {"/private/t", "caf\xc3\xa9!", 6};
    check(imapclient_set_metadata(c, "INBOX", &t, 1, NULL), c);
    done(c);

    c = play(GREET_PLUS
             "C% A001 SETMETADATA INBOX (/private/bin ~{3+}%0D%0Aa%00b)%0D%0A\n"
             "S: A001 OK done\n");
    check(imapclient_set_metadata(c, "INBOX", &e, 1, NULL), c);
    done(c);
}

static void test_metadata__set_refused(void **state)
{
    /* RFC 5464 section 4.3: the response codes reach the caller */
    imapclient *c =
        play(GREET "C: A001 SETMETADATA INBOX (/private/comment \"My new comment\")\n"
                   "S: A001 NO [METADATA TOOMANY] Too many annotations\n"
                   "C: A002 SETMETADATA INBOX (/private/comment \"My new comment\")\n"
                   "S: A002 NO [METADATA MAXSIZE 1024] Annotation too large\n"
                   "C: A003 SETMETADATA INBOX (/private/comment \"x\")\n"
                   "S: A003 NO [METADATA NOPRIVATE] No private annotations\n");
    imapclient_metadata_entry e = {"/private/comment", "My new comment", 14};
    assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 1, NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "[METADATA TOOMANY]"));
    assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 1, NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "[METADATA MAXSIZE 1024]"));
    e.value = "x";
    e.len = 1;
    assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 1, NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "NOPRIVATE"));
    done(c);
}

/* ---- checks before sending ---------------------------------------------------- */

static void test_metadata__capability(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n");
    imapclient_metadata *m = (imapclient_metadata *)1;
    imapclient_metadata_entry e = {"/private/comment", "x", 1};
    assert_int_equal(imapclient_get_metadata(c, "", one_private, 0, 0, &m),
                     IMAPCLIENT_ECAPABILITY);
    assert_null(m);
    assert_non_null(strstr(imapclient_errmsg(c), "METADATA"));
    assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 1, NULL),
                     IMAPCLIENT_ECAPABILITY);
    done(c); /* nothing sent */

    /* METADATA-SERVER: server entries only */
    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 METADATA-SERVER] ready\n"
             "C: A001 GETMETADATA \"\" /private/comment\n"
             "S: A001 OK done\n"
             "C: A002 SETMETADATA \"\" (/private/comment \"x\")\n"
             "S: A002 OK done\n");
    check(imapclient_get_metadata(c, "", one_private, 0, 0, &m), c);
    imapclient_metadata_free(m);
    assert_int_equal(imapclient_get_metadata(c, "INBOX", one_private, 0, 0, &m),
                     IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "METADATA-SERVER"));
    assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 1, NULL),
                     IMAPCLIENT_ECAPABILITY);
    check(imapclient_set_metadata(c, "", &e, 1, NULL), c);
    done(c);

    /* not logged in */
    c = play("S: * OK [CAPABILITY IMAP4rev1 METADATA] ready\n");
    assert_int_equal(imapclient_get_metadata(c, "", one_private, 0, 0, &m),
                     IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

static void test_metadata__bad_arguments(void **state)
{
    imapclient *c = play(GREET);
    imapclient_metadata *m = NULL;
    static const char *const bad[] = {"private/x", "/x/", "/a//b", "/a*",    "/a%b",
                                      "/a\nb",     "/",   "",      "/a\x01", "/\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *const list[] = {bad[i], NULL};
        assert_int_equal(imapclient_get_metadata(c, "INBOX", list, 0, 0, &m),
                         IMAPCLIENT_EINVAL);
        imapclient_metadata_entry e = {bad[i], "v", 1};
        assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 1, NULL),
                         IMAPCLIENT_EINVAL);
    }
    assert_int_equal(imapclient_get_metadata(c, "INBOX", one_private, 0, 2, &m),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_get_metadata(c, "INBOX", one_private, 0, 0, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_get_metadata(c, "INBOX", (const char *[]){NULL}, 0, 0, &m),
        IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_get_metadata(c, "INBOX", NULL, 0, 0, &m),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_set_metadata(c, "INBOX", NULL, 1, NULL),
                     IMAPCLIENT_EINVAL);
    imapclient_metadata_entry e = {"/private/x", NULL, 3}; /* length without value */
    assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 1, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 0, NULL), IMAPCLIENT_EINVAL);
    /* a folder name that is not UTF-8 */
    assert_int_equal(imapclient_get_metadata(c, "a\xff", one_private, 0, 0, &m),
                     IMAPCLIENT_EINVAL);
    done(c); /* nothing sent */
}

static void test_metadata__malformed(void **state)
{
    /* an odd entry-value list, a list as a value, an entry that is a list:
     * EPROTOCOL, the connection goes on */
    imapclient *c = play(GREET "C: A001 GETMETADATA INBOX /private/comment\n"
                               "S: * METADATA INBOX (/private/comment)\n"
                               "S: A001 OK done\n"
                               "C: A002 GETMETADATA INBOX /private/comment\n"
                               "S: * METADATA INBOX (/private/comment (a b))\n"
                               "S: A002 OK done\n"
                               "C: A003 GETMETADATA INBOX /private/comment\n"
                               "S: * METADATA INBOX ((x) \"v\")\n"
                               "S: A003 OK done\n"
                               "C: A004 NOOP\n"
                               "S: A004 OK done\n");
    imapclient_metadata *m = (imapclient_metadata *)1;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(imapclient_get_metadata(c, "INBOX", one_private, 0, 0, &m),
                         IMAPCLIENT_EPROTOCOL);
        assert_null(m);
    }
    check(imapclient_noop(c, NULL), c);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata__server_entry),
        cmocka_unit_test(test_metadata__mailbox_entries),
        cmocka_unit_test(test_metadata__maxsize_longentries),
        cmocka_unit_test(test_metadata__depth),
        cmocka_unit_test(test_metadata__values_of_every_form),
        cmocka_unit_test(test_metadata__unsolicited_kept),
        cmocka_unit_test(test_metadata__folder_names_encoded),
        cmocka_unit_test(test_metadata__maxsize_from_max_literal),
        cmocka_unit_test(test_metadata__set),
        cmocka_unit_test(test_metadata__set_binary_literal8),
        cmocka_unit_test(test_metadata__set_refused),
        cmocka_unit_test(test_metadata__capability),
        cmocka_unit_test(test_metadata__bad_arguments),
        cmocka_unit_test(test_metadata__malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
