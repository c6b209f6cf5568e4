/* Live: METADATA (RFC 5464) against both private servers: Dovecot 2.3
 * (imap_metadata with a file dict) and Cyrus 3.6. Server entries and
 * mailbox entries, values of every form, NIL, DEPTH, MAXSIZE with
 * LONGENTRIES, and what each server refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

#include "live/live.h"

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

static const live_env *server(int cyrus)
{
    return cyrus ? live_cyrus_require() : live_require();
}

/* Set, read back, change, remove: on a mailbox and on the server. */
static void round_trip(int cyrus, const char *mailbox)
{
    imapclient *c = live_login_to(server(cyrus));
    assert_int_equal(imapclient_has_capability(c, "METADATA"), 1);
    static const char two_lines[] = "first line\r\nsecond line, caf\xc3\xa9";
    imapclient_metadata_entry set[] = {
        {"/private/comment", two_lines, sizeof two_lines - 1},
        {"/shared/comment", "Shared \"quoted\" comment", 23},
    };
    /* Dovecot lets a user set only /private entries of the server */
    size_t nset = *mailbox ? 2 : 1;
    check(imapclient_set_metadata(c, mailbox, set, nset, NULL), c);

    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c, mailbox,
                                  (const char *[]){"/private/comment", "/shared/comment",
                                                   "/private/no-such-entry", NULL},
                                  0, 0, &m),
          c);
    assert_string_equal(m->mailbox, mailbox);
    const imapclient_metadata_entry *e = imapclient_metadata_get(m, "/private/comment");
    assert_non_null(e);
    assert_int_equal(e->len, sizeof two_lines - 1);
    assert_memory_equal(e->value, two_lines, e->len);
    if (nset == 2) {
        e = imapclient_metadata_get(m, "/shared/comment");
        assert_non_null(e);
        assert_string_equal(e->value, "Shared \"quoted\" comment");
    }
    /* an entry that does not exist: NIL or left out */
    e = imapclient_metadata_get(m, "/private/no-such-entry");
    assert_true(e == NULL || e->value == NULL);
    assert_false(m->has_longentries);
    imapclient_metadata_free(m);

    /* MAXSIZE: the long value is left out, LONGENTRIES tells its size */
    check(imapclient_get_metadata(c, mailbox, (const char *[]){"/private/comment", NULL},
                                  5, 0, &m),
          c);
    e = imapclient_metadata_get(m, "/private/comment");
    assert_true(e == NULL || e->value == NULL);
    assert_true(m->has_longentries);
    assert_int_equal(m->longentries, sizeof two_lines - 1);
    imapclient_metadata_free(m);

    /* NIL removes */
    imapclient_metadata_entry del = {"/private/comment", NULL, 0};
    check(imapclient_set_metadata(c, mailbox, &del, 1, NULL), c);
    check(imapclient_get_metadata(c, mailbox, (const char *[]){"/private/comment", NULL},
                                  0, 0, &m),
          c);
    e = imapclient_metadata_get(m, "/private/comment");
    assert_true(e == NULL || e->value == NULL);
    imapclient_metadata_free(m);
    if (nset == 2) {
        imapclient_metadata_entry del2 = {"/shared/comment", NULL, 0};
        check(imapclient_set_metadata(c, mailbox, &del2, 1, NULL), c);
    }
    imapclient_free(c);
}

static void test_metadata__dovecot_mailbox(void **state)
{
    round_trip(0, "INBOX");
}

static void test_metadata__dovecot_server(void **state)
{
    round_trip(0, "");
}

static void test_metadata__cyrus_mailbox(void **state)
{
    round_trip(1, "INBOX");
}

static void test_metadata__cyrus_server(void **state)
{
    round_trip(1, "");
}

/* DEPTH: the children of an entry; on a folder with a non-ASCII name
 * (sent in modified UTF-7, given back decoded). */
static void depth(int cyrus)
{
    imapclient *c = live_login_to(server(cyrus));
    char folder[64];
    snprintf(folder, sizeof folder, "M\xc3\xa9ta-%d", (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);
    imapclient_metadata_entry set[] = {
        {"/private/filters/values/small", "SMALLER THAN 10K", 16},
        {"/private/filters/values/boss", "FROM \"boss@example.com\"", 23},
        {"/private/filters/values/deep/x", "x", 1},
    };
    check(imapclient_set_metadata(c, folder, set, 3, NULL), c);
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(
              c, folder, (const char *[]){"/private/filters/values", NULL}, 0, 1, &m),
          c);
    assert_string_equal(m->mailbox, folder);
    assert_non_null(imapclient_metadata_get(m, "/private/filters/values/small"));
    assert_string_equal(imapclient_metadata_get(m, "/private/filters/values/boss")->value,
                        "FROM \"boss@example.com\"");
    assert_null(imapclient_metadata_get(m, "/private/filters/values/deep/x"));
    imapclient_metadata_free(m);
    check(imapclient_get_metadata(c, folder,
                                  (const char *[]){"/private/filters/values", NULL}, 0,
                                  IMAPCLIENT_METADATA_DEPTH_INFINITY, &m),
          c);
    assert_string_equal(
        imapclient_metadata_get(m, "/private/filters/values/deep/x")->value, "x");
    imapclient_metadata_free(m);
    check(imapclient_delete_folder(c, folder, NULL), c);
    imapclient_free(c);
}

static void test_metadata__dovecot_depth(void **state)
{
    depth(0);
}

static void test_metadata__cyrus_depth(void **state)
{
    depth(1);
}

/* A value with NUL bytes goes as a literal8: Dovecot refuses the value
 * (NO [CANNOT]), Cyrus the syntax (BAD); a clear error either way and the
 * connection goes on. A literal8 without NUL bytes is not sent. */
static void binary_value(int cyrus)
{
    imapclient *c = live_login_to(server(cyrus));
    imapclient_metadata_entry e = {"/private/bin", "a\0b", 3};
    assert_int_equal(imapclient_set_metadata(c, "INBOX", &e, 1, NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), cyrus ? "BAD" : "NO [CANNOT]"));
    check(imapclient_noop(c, NULL), c);
    /* 8-bit without NUL is fine for both */
    imapclient_metadata_entry t = {"/private/bin", "\xff\xfe\x01", 3};
    check(imapclient_set_metadata(c, "INBOX", &t, 1, NULL), c);
    imapclient_metadata *m = NULL;
    check(imapclient_get_metadata(c, "INBOX", (const char *[]){"/private/bin", NULL}, 0,
                                  0, &m),
          c);
    assert_int_equal(m->entries[0].len, 3);
    assert_memory_equal(m->entries[0].value, "\xff\xfe\x01", 3);
    imapclient_metadata_free(m);
    t.value = NULL;
    t.len = 0;
    check(imapclient_set_metadata(c, "INBOX", &t, 1, NULL), c);
    imapclient_free(c);
}

static void test_metadata__dovecot_binary_value(void **state)
{
    binary_value(0);
}

static void test_metadata__cyrus_binary_value(void **state)
{
    binary_value(1);
}

/* A mailbox that does not exist: NO, nothing kept. */
static void test_metadata__missing_mailbox(void **state)
{
    for (int cyrus = 0; cyrus < 2; cyrus++) {
        imapclient *c = live_login_to(server(cyrus));
        imapclient_metadata *m = NULL;
        assert_int_equal(
            imapclient_get_metadata(c, "No-Such-Mailbox",
                                    (const char *[]){"/private/comment", NULL}, 0, 0, &m),
            IMAPCLIENT_ERROR);
        assert_null(m);
        check(imapclient_noop(c, NULL), c);
        imapclient_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata__dovecot_mailbox),
        cmocka_unit_test(test_metadata__dovecot_server),
        cmocka_unit_test(test_metadata__cyrus_mailbox),
        cmocka_unit_test(test_metadata__cyrus_server),
        cmocka_unit_test(test_metadata__dovecot_depth),
        cmocka_unit_test(test_metadata__cyrus_depth),
        cmocka_unit_test(test_metadata__dovecot_binary_value),
        cmocka_unit_test(test_metadata__cyrus_binary_value),
        cmocka_unit_test(test_metadata__missing_mailbox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
