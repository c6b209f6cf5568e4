/* Live: APPENDLIMIT (RFC 7889) against Cyrus 3.6 (maxmessagesize 1 MiB,
 * announced as APPENDLIMIT=1048576), BINARY APPEND (RFC 3516) against
 * both servers, and what neither server offers (UTF8=ACCEPT and IMAP4rev2
 * not granted by ENABLE; REPLACE, UNAUTHENTICATE refused before sending).
 * Everything happens in folders the test creates and removes. */
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

static uint64_t count_of(imapclient *c, const char *folder)
{
    imapclient_status_info *st = NULL;
    check(imapclient_folder_status(c, folder, (const char *[]){"MESSAGES", NULL}, &st),
          c);
    uint64_t n = 0;
    assert_int_equal(imapclient_status_info_get(st, "MESSAGES", &n), 1);
    imapclient_status_info_free(st);
    return n;
}

/* ---- APPENDLIMIT ------------------------------------------------------------- */

static void test_append_ext__cyrus_appendlimit(void **state)
{
    const live_env *E = live_cyrus_require();
    imapclient *c = live_login_to(E);
    char folder[64];
    snprintf(folder, sizeof folder, "Limit-%d", (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);

    uint64_t limit = 0;
    check(imapclient_get_appendlimit(c, folder, &limit), c);
    assert_true(E->appendlimit > 0);
    assert_int_equal(limit, E->appendlimit);

    /* one byte over: refused before sending, the folder unchanged */
    size_t n = (size_t)limit + 1;
    char *msg = malloc(n);
    static const char head[] = "Subject: big\r\n\r\n";
    memcpy(msg, head, sizeof head - 1);
    memset(msg + sizeof head - 1, 'x', n - (sizeof head - 1));
    assert_int_equal(imapclient_append(c, folder, msg, n, NULL, NULL, NULL),
                     IMAPCLIENT_ETOOBIG);
    assert_non_null(strstr(imapclient_errmsg(c), "APPENDLIMIT"));
    check(imapclient_noop(c, NULL), c);
    assert_int_equal(count_of(c, folder), 0);
    /* well under it: appended */
    check(imapclient_append(c, folder, msg, 10000, NULL, NULL, NULL), c);
    assert_int_equal(count_of(c, folder), 1);
    free(msg);
    check(imapclient_delete_folder(c, folder, NULL), c);
    imapclient_free(c);
}

static void test_append_ext__dovecot_no_appendlimit(void **state)
{
    imapclient *c = live_login();
    uint64_t limit = 0;
    assert_int_equal(imapclient_get_appendlimit(c, "INBOX", &limit),
                     IMAPCLIENT_ECAPABILITY);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

/* ---- BINARY APPEND ---------------------------------------------------------- */

/* A message with a binary part (NUL bytes, bare CR and LF in it) goes as a
 * literal8 and comes back byte for byte through FETCH BINARY[1]. */
static void binary_append(const live_env *E)
{
    static const char msg[] = "From: a@example.org\r\n"
                              "Subject: binary\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: application/octet-stream\r\n"
                              "Content-Transfer-Encoding: binary\r\n"
                              "\r\n"
                              "\x00\x01\x02\r\xff\n\x00 end";
    imapclient *c = live_login_to(E);
    assert_int_equal(imapclient_has_capability(c, "BINARY"), 1);
    char folder[64];
    snprintf(folder, sizeof folder, "Binary-%d", (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);
    imapclient_append_result *ar = NULL;
    check(imapclient_append(c, folder, msg, sizeof msg - 1, NULL, NULL, &ar), c);
    assert_true(ar->has_appenduid);
    char uid[16];
    snprintf(uid, sizeof uid, "%u", ar->uids[0]);
    imapclient_append_result_free(ar);

    check(imapclient_select_folder(c, folder, 1, NULL), c);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, uid, (const char *[]){"BINARY.PEEK[1]", NULL}, NULL, &r),
          c);
    assert_int_equal(r->count, 1);
    const imapclient_value *v = imapclient_message_item(&r->msgs[0], "BINARY[1]");
    assert_non_null(v);
    static const char part[] = "\x00\x01\x02\r\xff\n\x00 end";
    assert_int_equal(v->len, sizeof part - 1);
    assert_memory_equal(v->str, part, sizeof part - 1);
    imapclient_fetch_result_free(r);

    /* 8-bit text without NUL: a literal8 too, line ends made CRLF */
    static const char text[] = "Subject: caf\xc3\xa9\n\ncaf\xc3\xa9\n";
    check(imapclient_append(c, folder, text, sizeof text - 1, NULL, NULL, &ar), c);
    snprintf(uid, sizeof uid, "%u", ar->uids[0]);
    imapclient_append_result_free(ar);
    check(imapclient_noop(c, NULL), c);
    check(imapclient_fetch(c, uid, (const char *[]){"BODY.PEEK[]", NULL}, NULL, &r), c);
    v = imapclient_message_item(&r->msgs[0], "BODY[]");
    assert_non_null(v);
    static const char crlf[] = "Subject: caf\xc3\xa9\r\n\r\ncaf\xc3\xa9\r\n";
    assert_int_equal(v->len, sizeof crlf - 1);
    assert_memory_equal(v->str, crlf, sizeof crlf - 1);
    imapclient_fetch_result_free(r);

    check(imapclient_close_folder(c, NULL), c);
    check(imapclient_delete_folder(c, folder, NULL), c);
    imapclient_free(c);
}

static void test_append_ext__dovecot_binary(void **state)
{
    binary_append(live_require());
}

static void test_append_ext__cyrus_binary(void **state)
{
    binary_append(live_cyrus_require());
}

/* ---- what the servers do not offer ------------------------------------------- */

static void not_offered(const live_env *E)
{
    imapclient *c = live_login_to(E);
    /* ENABLE of what is not announced: OK without ENABLED, so off; names
     * stay modified UTF-7 (a non-ASCII folder round-trips) */
    check(imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", "IMAP4rev2", NULL}, NULL),
          c);
    assert_false(imapclient_is_utf8(c));
    assert_false(imapclient_is_imap4rev2(c));
    char folder[64];
    snprintf(folder, sizeof folder,
             "Donn\xc3\xa9"
             "es-%d",
             (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);
    int exists = imapclient_folder_exists(c, folder);
    assert_int_equal(exists, 1);
    check(imapclient_delete_folder(c, folder, NULL), c);
    /* not announced: refused before anything is sent */
    assert_int_equal(imapclient_unauthenticate(c, NULL), IMAPCLIENT_ECAPABILITY);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    assert_int_equal(imapclient_replace(c, 1, "INBOX", "x", 1, NULL, NULL, NULL),
                     IMAPCLIENT_ECAPABILITY);
    check(imapclient_noop(c, NULL), c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    imapclient_free(c);
}

static void test_append_ext__dovecot_not_offered(void **state)
{
    not_offered(live_require());
}

static void test_append_ext__cyrus_not_offered(void **state)
{
    not_offered(live_cyrus_require());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_ext__cyrus_appendlimit),
        cmocka_unit_test(test_append_ext__dovecot_no_appendlimit),
        cmocka_unit_test(test_append_ext__dovecot_binary),
        cmocka_unit_test(test_append_ext__cyrus_binary),
        cmocka_unit_test(test_append_ext__dovecot_not_offered),
        cmocka_unit_test(test_append_ext__cyrus_not_offered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
