/* IMAP4rev2 (RFC 9051), UTF8=ACCEPT (RFC 6855), LITERAL- (RFC 7888) and
 * UNAUTHENTICATE (RFC 8437) on canned server bytes: what ENABLE turns on,
 * how names and strings go on the wire afterwards, which literals wait for
 * the server, and the state after UNAUTHENTICATE. */
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

#define REPERTOIRE "R\xc3\xa9pertoire" /* "Répertoire" */

/* ---- UTF8=ACCEPT ------------------------------------------------------------- */

static void test_rev2__utf8_accept(void **state)
{
    /* RFC 6855 section 3: after ENABLE UTF8=ACCEPT, mailbox names are
     * UTF-8 both ways and quoted strings may carry UTF-8; "&" is then an
     * ordinary character, not the start of modified UTF-7 */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT ID] hi\n"
                         "C: A001 CREATE R&AOk-pertoire\n"
                         "S: A001 OK done\n"
                         "C: A002 ENABLE UTF8=ACCEPT\n"
                         "S: * ENABLED UTF8=ACCEPT\n"
                         "S: A002 OK Enabled\n"
                         "C: A003 CREATE \"" REPERTOIRE "\"\n"
                         "S: A003 OK done\n"
                         "C: A004 LIST \"\" \"*\"\n"
                         "S: * LIST () \"/\" \"" REPERTOIRE "\"\n"
                         "S: * LIST () \"/\" A&-B\n"
                         "S: A004 OK done\n"
                         "C: A005 ID (\"name\" \"caf\xc3\xa9\")\n"
                         "S: A005 OK done\n"
                         "C: A006 SELECT \"" REPERTOIRE "\"\n"
                         "S: A006 OK [READ-WRITE] done\n"
                         "C: A007 UID COPY 1 \"" REPERTOIRE "\"\n"
                         "S: A007 OK done\n");
    assert_false(imapclient_is_utf8(c));
    check(imapclient_create_folder(c, REPERTOIRE, NULL), c);
    imapclient_enabled *e = NULL;
    check(imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", NULL}, &e), c);
    imapclient_enabled_free(e);
    assert_true(imapclient_is_utf8(c));
    assert_true(imapclient_is_enabled(c, "utf8=accept"));
    assert_false(imapclient_is_enabled(c, "IMAP4rev2"));
    assert_false(imapclient_is_imap4rev2(c));
    check(imapclient_create_folder(c, REPERTOIRE, NULL), c);
    imapclient_folder_list *l = NULL;
    check(imapclient_list_folders(c, NULL, NULL, &l), c);
    assert_int_equal(l->count, 2);
    assert_string_equal(l->folders[0].name, REPERTOIRE);
    assert_string_equal(l->folders[1].name, "A&-B");
    imapclient_folder_list_free(l);
    /* 8-bit text goes quoted, no literal round trip */
    imapclient_id_result *id = NULL;
    check(imapclient_id(c, (const char *[]){"name", "caf\xc3\xa9", NULL}, &id), c);
    check(imapclient_select_folder(c, REPERTOIRE, 0, NULL), c);
    check(imapclient_copy(c, "1", REPERTOIRE, NULL), c);
    /* a name that is not UTF-8 is refused before sending */
    assert_int_equal(imapclient_create_folder(c, "bad\xff", NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_copy(c, "1", "bad\xc3", NULL), IMAPCLIENT_EINVAL);
    done(c);
}

static void test_rev2__enable_not_granted(void **state)
{
    /* Cyrus 3.6 answers ENABLE UTF8=ACCEPT with a bare OK: not on; an
     * ENABLED for something not asked for is not on either */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE] hi\n"
                         "C: A001 ENABLE UTF8=ACCEPT IMAP4rev2\n"
                         "S: A001 OK Completed\n"
                         "C: A002 ENABLE CONDSTORE\n"
                         "S: * ENABLED CONDSTORE UTF8=ACCEPT\n"
                         "S: A002 OK Completed\n"
                         "C: A003 CREATE R&AOk-pertoire\n"
                         "S: A003 OK done\n");
    check(imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", "IMAP4rev2", NULL}, NULL),
          c);
    assert_false(imapclient_is_utf8(c));
    assert_false(imapclient_is_imap4rev2(c));
    check(imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, NULL), c);
    assert_true(imapclient_is_enabled(c, "CONDSTORE"));
    assert_false(imapclient_is_enabled(c, "UTF8=ACCEPT"));
    assert_false(imapclient_is_enabled(c, "X-UNKNOWN"));
    assert_false(imapclient_is_enabled(NULL, "CONDSTORE"));
    assert_false(imapclient_is_enabled(c, NULL));
    check(imapclient_create_folder(c, REPERTOIRE, NULL), c);
    done(c);
}

static void test_rev2__qresync_enables_condstore(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE QRESYNC] hi\n"
                         "C: A001 ENABLE QRESYNC\n"
                         "S: * ENABLED QRESYNC\n"
                         "S: A001 OK done\n");
    check(imapclient_enable(c, (const char *[]){"QRESYNC", NULL}, NULL), c);
    assert_true(imapclient_is_enabled(c, "QRESYNC"));
    assert_true(imapclient_is_enabled(c, "CONDSTORE"));
    done(c);
}

/* ---- IMAP4rev2 ------------------------------------------------------------------ */

static void test_rev2__imap4rev2_only_server(void **state)
{
    /* a server offering IMAP4rev2 and not IMAP4rev1 (RFC 9051 section
     * 7.2.2): used as any other, its rules apply from the start: UTF-8
     * names, LITERAL- (no wait up to 4096 bytes) */
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev2 AUTH=PLAIN] IMAP4rev2 ready\n"
                         "C: A001 LOGIN joe secret\n"
                         "S: A001 OK [CAPABILITY IMAP4rev2 IDLE NAMESPACE] done\n"
                         "C: A002 CREATE \"" REPERTOIRE "\"\n"
                         "S: A002 OK done\n"
                         "C: A003 RENAME \"" REPERTOIRE "\" {3+}\n"
                         "C% a%0Db%0D%0A\n"
                         "S: A003 OK done\n");
    check(imapclient_login(c, "joe", "secret", NULL), c);
    assert_true(imapclient_is_imap4rev2(c));
    assert_true(imapclient_is_utf8(c));
    assert_false(imapclient_is_enabled(c, "IMAP4rev2")); /* nothing was ENABLEd */
    check(imapclient_create_folder(c, REPERTOIRE, NULL), c);
    /* a CR needs a literal; IMAP4rev2 includes LITERAL- */
    imapclient_set_folder_encode(c, 0);
    check(imapclient_rename_folder(c, REPERTOIRE, "a\rb", NULL), c);
    done(c);
}

static void test_rev2__enable_imap4rev2(void **state)
{
    /* both offered: IMAP4rev1 rules until ENABLE IMAP4rev2 (RFC 9051
     * section 6.3.1) */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 IMAP4rev2 ENABLE] both\n"
                         "C: A001 CREATE R&AOk-pertoire\n"
                         "S: A001 OK done\n"
                         "C: A002 ENABLE IMAP4rev2\n"
                         "S: * ENABLED IMAP4rev2\n"
                         "S: A002 OK Enabled\n"
                         "C: A003 CREATE \"" REPERTOIRE "\"\n"
                         "S: A003 OK done\n");
    assert_false(imapclient_is_imap4rev2(c));
    check(imapclient_create_folder(c, REPERTOIRE, NULL), c);
    imapclient_enabled *e = NULL;
    check(imapclient_enable(c, (const char *[]){"IMAP4rev2", NULL}, &e), c);
    assert_string_equal(e->items[0], "IMAP4REV2");
    imapclient_enabled_free(e);
    assert_true(imapclient_is_imap4rev2(c));
    assert_true(imapclient_is_enabled(c, "imap4rev2"));
    assert_true(imapclient_is_utf8(c));
    check(imapclient_create_folder(c, REPERTOIRE, NULL), c);
    assert_false(imapclient_is_imap4rev2(NULL));
    assert_false(imapclient_is_utf8(NULL));
    done(c);
}

/* ---- LITERAL- ------------------------------------------------------------------- */

static void test_rev2__literal_minus(void **state)
{
    /* RFC 7888 section 5: no wait up to 4096 bytes, a wait beyond */
    char *big = malloc(4098);
    memset(big, 'x', 4097);
    big[4097] = '\0';
    char *script = malloc(20000);
    snprintf(script, 20000,
             "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL-] hi\n"
             "C: A001 CREATE {3+}\n"
             "C%% a%%0Db%%0D%%0A\n"
             "S: A001 OK done\n"
             "C: A002 APPEND \"INBOX\" () {4097}\n"
             "S: + go\n"
             "C: %s\n"
             "S: A002 OK done\n",
             big);
    imapclient *c = play(script);
    imapclient_set_folder_encode(c, 0);
    check(imapclient_create_folder(c, "a\rb", NULL), c);
    check(imapclient_append(c, "INBOX", big, 4097, NULL, NULL, NULL), c);
    done(c);
    free(script);
    free(big);
}

static void test_rev2__literal_flags_follow_capabilities(void **state)
{
    /* LITERAL+ before login, none after (a login without [CAPABILITY]):
     * the next literal waits, the old capability is not trusted */
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] hi\n"
                         "C: A001 LOGIN joe secret\n"
                         "S: A001 OK done\n"
                         "C: A002 CREATE {3}\n"
                         "S: + go\n"
                         "C% a%0Db%0D%0A\n"
                         "S: A002 OK done\n");
    check(imapclient_login(c, "joe", "secret", NULL), c);
    imapclient_set_folder_encode(c, 0);
    check(imapclient_create_folder(c, "a\rb", NULL), c);
    done(c);
}

/* ---- UNAUTHENTICATE --------------------------------------------------------- */

static void test_rev2__unauthenticate(void **state)
{
    /* RFC 8437 section 3: back to the not authenticated state, ENABLEd
     * extensions off, capabilities asked again; then a new login */
    imapclient *c =
        play("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\n"
             "C: A001 LOGIN joe secret\n"
             "S: A001 OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE ENABLE UTF8=ACCEPT] in\n"
             "C: A002 ENABLE UTF8=ACCEPT\n"
             "S: * ENABLED UTF8=ACCEPT\n"
             "S: A002 OK done\n"
             "C: A003 SELECT INBOX\n"
             "S: A003 OK [READ-WRITE] done\n"
             "C: A004 UNAUTHENTICATE\n"
             "S: A004 OK Unauthenticated\n"
             "C: A005 CAPABILITY\n"
             "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN\n"
             "S: A005 OK done\n"
             "C: A006 LOGIN ann secret2\n"
             "S: A006 OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE] in\n"
             "C: A007 UNAUTHENTICATE\n"
             "S: A007 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-256] out\n");
    check(imapclient_login(c, "joe", "secret", NULL), c);
    check(imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", NULL}, NULL), c);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    assert_true(imapclient_is_utf8(c));
    const char *text = NULL;
    check(imapclient_unauthenticate(c, &text), c);
    assert_string_equal(text, "Unauthenticated");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    assert_false(imapclient_is_utf8(c));
    assert_false(imapclient_is_enabled(c, "UTF8=ACCEPT"));
    /* capabilities were forgotten: asked again */
    assert_int_equal(imapclient_has_capability(c, "UNAUTHENTICATE"), 0);
    check(imapclient_login(c, "ann", "secret2", NULL), c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    /* capabilities in the completion are kept: nothing asked */
    check(imapclient_unauthenticate(c, NULL), c);
    assert_int_equal(imapclient_has_capability(c, "AUTH=SCRAM-SHA-256"), 1);
    done(c);
}

static void test_rev2__unauthenticate_refused(void **state)
{
    /* announced, then refused: still logged in, the connection goes on */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE] hi\n"
                         "C: A001 UNAUTHENTICATE\n"
                         "S: A001 BAD Unrecognized command\n"
                         "C: A002 NOOP\n"
                         "S: A002 OK done\n");
    assert_int_equal(imapclient_unauthenticate(c, NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "UNAUTHENTICATE: BAD Unrecognized"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    check(imapclient_noop(c, NULL), c);
    done(c);

    /* not offered, or not logged in: nothing sent */
    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n");
    assert_int_equal(imapclient_unauthenticate(c, NULL), IMAPCLIENT_ECAPABILITY);
    done(c);
    c = play("S: * OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE] hi\n");
    assert_int_equal(imapclient_unauthenticate(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rev2__utf8_accept),
        cmocka_unit_test(test_rev2__enable_not_granted),
        cmocka_unit_test(test_rev2__qresync_enables_condstore),
        cmocka_unit_test(test_rev2__imap4rev2_only_server),
        cmocka_unit_test(test_rev2__enable_imap4rev2),
        cmocka_unit_test(test_rev2__literal_minus),
        cmocka_unit_test(test_rev2__literal_flags_follow_capabilities),
        cmocka_unit_test(test_rev2__unauthenticate),
        cmocka_unit_test(test_rev2__unauthenticate_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
