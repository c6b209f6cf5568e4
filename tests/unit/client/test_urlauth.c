/* URLAUTH (RFC 4467) on canned server bytes after the RFC's examples
 * (neither test server offers it: Dovecot needs imap_urlauth settings and
 * a URLAUTH service): RESETKEY, GENURLAUTH, URLFETCH with a literal and
 * NIL, the capability check, arguments refused before sending, malformed
 * answers. */
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

#define GREET "S: * PREAUTH [CAPABILITY IMAP4rev1 URLAUTH] ready\n"
#define RUMP  "imap://joe@example.com/INBOX/;uid=20/;section=1.2;urlauth=submit+fred"
#define FULL  RUMP ":internal:91354a473744909de610943775f92038"

static void test_urlauth__rfc_examples(void **state)
{
    imapclient *c =
        play(GREET "C: A001 RESETKEY\n"
                   "S: A001 OK All keys removed\n"
                   "C: A002 RESETKEY INBOX INTERNAL\n"
                   "S: A002 OK [URLMECH INTERNAL] mechs\n"
                   "C: A003 GENURLAUTH \"" RUMP "\" INTERNAL\n"
                   "S: * GENURLAUTH \"" FULL "\"\n"
                   "S: A003 OK GENURLAUTH completed\n"
                   "C: A004 URLFETCH \"" FULL "\" \"imap://joe@example.com/x\"\n"
                   "S: * URLFETCH \"" FULL "\" {28}\n"
                   "S% Si vis pacem, para bellum.%0D%0A\n"
                   "S:  \"imap://joe@example.com/x\" NIL\n"
                   "S: A004 OK URLFETCH completed\n");
    check(imapclient_resetkey(c, NULL, NULL), c);
    check(imapclient_resetkey(c, "INBOX", (const char *[]){"INTERNAL", NULL}), c);
    imapclient_urlauth_urls *u = NULL;
    check(imapclient_genurlauth(c, (const char *[]){RUMP, NULL}, NULL, &u), c);
    assert_int_equal(u->count, 1);
    assert_string_equal(u->urls[0], FULL);
    assert_null(u->urls[1]);
    imapclient_urlfetch_result *f = NULL;
    check(imapclient_urlfetch(
              c, (const char *[]){u->urls[0], "imap://joe@example.com/x", NULL}, &f),
          c);
    assert_int_equal(f->count, 2);
    const imapclient_urlfetch_item *it = imapclient_urlfetch_result_get(f, FULL);
    assert_non_null(it);
    assert_int_equal(it->len, 28);
    assert_memory_equal(it->data, "Si vis pacem, para bellum.\r\n", 28);
    it = imapclient_urlfetch_result_get(f, "imap://joe@example.com/x");
    assert_null(it->data);
    assert_null(imapclient_urlfetch_result_get(f, "imap://other"));
    imapclient_urlfetch_result_free(f);
    imapclient_urlauth_urls_free(u);
    done(c);
}

static void test_urlauth__refused_before_sending(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n");
    imapclient_urlauth_urls *u = NULL;
    imapclient_urlfetch_result *f = NULL;
    assert_int_equal(imapclient_resetkey(c, NULL, NULL), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_genurlauth(c, (const char *[]){RUMP, NULL}, NULL, &u),
                     IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_urlfetch(c, (const char *[]){FULL, NULL}, &f),
                     IMAPCLIENT_ECAPABILITY);
    assert_string_equal(imapclient_script_sent(c), "");
    imapclient_free(c);

    c = play(GREET);
    assert_int_equal(imapclient_genurlauth(c, NULL, NULL, &u), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_genurlauth(c, (const char *[]){"", NULL}, NULL, &u),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_genurlauth(c, (const char *[]){RUMP "\r\nA9 LOGOUT", NULL}, NULL, &u),
        IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_genurlauth(c, (const char *[]){RUMP, NULL}, "INTER NAL", &u),
        IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_genurlauth(c, (const char *[]){RUMP, NULL}, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_urlfetch(c, (const char *[]){"a\nb", NULL}, &f),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_resetkey(c, NULL, (const char *[]){"INTERNAL", NULL}),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_resetkey(c, "INBOX", (const char *[]){"a b", NULL}),
                     IMAPCLIENT_EINVAL);
    char *big = malloc(9000);
    memset(big, 'a', 8999);
    big[8999] = '\0';
    assert_int_equal(imapclient_urlfetch(c, (const char *[]){big, NULL}, &f),
                     IMAPCLIENT_EINVAL);
    free(big);
    assert_null(u);
    assert_null(f);
    assert_string_equal(imapclient_script_sent(c), "");
    imapclient_free(c);
}

static void test_urlauth__malformed_answers(void **state)
{
    /* an odd URLFETCH (a URL without its data) and a GENURLAUTH with a
     * list: EPROTOCOL, the connection in step */
    imapclient *c =
        play(GREET "C: A001 URLFETCH \"imap://a/b\"\n"
                   "S: * URLFETCH \"imap://a/b\"\n"
                   "S: A001 OK done\n"
                   "C: A002 GENURLAUTH \"imap://a/b;urlauth=anonymous\" INTERNAL\n"
                   "S: * GENURLAUTH (x)\n"
                   "S: A002 OK done\n"
                   "C: A003 GENURLAUTH \"imap://a/b\" INTERNAL\n"
                   "S: A003 NO [BADURL imap://a/b] not a rump\n");
    imapclient_urlfetch_result *f = NULL;
    assert_int_equal(imapclient_urlfetch(c, (const char *[]){"imap://a/b", NULL}, &f),
                     IMAPCLIENT_EPROTOCOL);
    assert_null(f);
    imapclient_urlauth_urls *u = NULL;
    assert_int_equal(
        imapclient_genurlauth(c, (const char *[]){"imap://a/b;urlauth=anonymous", NULL},
                              NULL, &u),
        IMAPCLIENT_EPROTOCOL);
    assert_int_equal(
        imapclient_genurlauth(c, (const char *[]){"imap://a/b", NULL}, NULL, &u),
        IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_error_code(c), "BADURL");
    assert_null(u);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urlauth__rfc_examples),
        cmocka_unit_test(test_urlauth__refused_before_sending),
        cmocka_unit_test(test_urlauth__malformed_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
