/* ID, ENABLE, QUOTA and ACL on canned server bytes: commands sent,
 * responses parsed, capability and state checks before sending. */
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

#define PREAUTH "S: * PREAUTH [CAPABILITY IMAP4rev1 ID ENABLE QUOTA ACL] ready\n"
#define BARE    "S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n"

/* ---- ID --------------------------------------------------------------------- */

static void test_extensions__id_params(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 ID (\"name\" \"myprog\" \"version\" \"1.0\")\n"
                                 "S: * ID (\"name\" \"Dovecot\" \"version\" NIL)\n"
                                 "S: A001 OK ID completed.\n");
    imapclient_id_result *r = NULL;
    check(
        imapclient_id(c, (const char *[]){"name", "myprog", "version", "1.0", NULL}, &r),
        c);
    assert_non_null(r);
    assert_int_equal(r->count, 2);
    assert_string_equal(r->fields[0].key, "name");
    assert_string_equal(r->fields[0].value, "Dovecot");
    assert_string_equal(r->fields[1].key, "version");
    assert_null(r->fields[1].value);
    assert_string_equal(imapclient_id_result_get(r, "NAME"), "Dovecot");
    assert_null(imapclient_id_result_get(r, "os"));
    imapclient_id_result_free(r);
    imapclient_id_result_free(NULL);
    done(c);
}

static void test_extensions__id_nil_both_ways(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 ID NIL\n"
                                 "S: * ID NIL\n"
                                 "S: A001 OK ID completed.\n"
                                 "C: A002 ID NIL\n"
                                 "S: A002 OK ID completed.\n");
    imapclient_id_result *r = (imapclient_id_result *)1;
    check(imapclient_id(c, NULL, &r), c);
    assert_null(r);
    /* an empty parameter array also sends NIL; no ID response at all */
    r = (imapclient_id_result *)1;
    check(imapclient_id(c, (const char *[]){NULL}, &r), c);
    assert_null(r);
    done(c);
}

static void test_extensions__id_quoting_and_literals(void **state)
{
    /* a quote in a key is escaped; 8-bit text goes as a literal; the
     * server's literal value is read */
    imapclient *c = play(PREAUTH "C: A001 ID (\"k\\\"ey\" {6}\n"
                                 "S: + go\n"
                                 "C: caf\xc3\xa9!)\n"
                                 "S: * ID (\"name\" {7}\n"
                                 "S: Dovecot)\n"
                                 "S: A001 OK ID completed.\n");
    imapclient_id_result *r = NULL;
    check(imapclient_id(c, (const char *[]){"k\"ey", "caf\xc3\xa9!", NULL}, &r), c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->fields[0].value, "Dovecot");
    imapclient_id_result_free(r);
    done(c);
}

static void test_extensions__id_errors(void **state)
{
    imapclient *c = play(BARE);
    imapclient_id_result *r = NULL;
    assert_int_equal(imapclient_id(c, (const char *[]){"name", NULL}, &r),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_id(c, NULL, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_id(c, NULL, &r), IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "ID"));
    assert_null(r);
    done(c); /* nothing sent */
}

static void test_extensions__id_malformed(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 ID NIL\n"
                                 "S: * ID (\"name\")\n"
                                 "S: A001 OK ID completed.\n");
    imapclient_id_result *r = NULL;
    assert_int_equal(imapclient_id(c, NULL, &r), IMAPCLIENT_EPROTOCOL);
    assert_null(r);
    done(c);
}

/* ---- ENABLE ------------------------------------------------------------------- */

static void test_extensions__enable(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 ENABLE CONDSTORE UTF8=ACCEPT\n"
                                 "S: * ENABLED condstore\n"
                                 "S: A001 OK Enabled.\n");
    imapclient_enabled *e = NULL;
    check(imapclient_enable(c, (const char *[]){"CONDSTORE", "UTF8=ACCEPT", NULL}, &e),
          c);
    assert_int_equal(e->count, 1);
    assert_string_equal(e->items[0], "CONDSTORE");
    assert_null(e->items[1]);
    imapclient_enabled_free(e);
    imapclient_enabled_free(NULL);
    done(c);
}

static void test_extensions__enable_nothing_enabled(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 ENABLE X-UNKNOWN\n"
                                 "S: A001 OK Enabled.\n"
                                 "C: A002 ENABLE QRESYNC\n"
                                 "S: * ENABLED QRESYNC CONDSTORE\n"
                                 "S: A002 OK Enabled.\n");
    imapclient_enabled *e = NULL;
    check(imapclient_enable(c, (const char *[]){"X-UNKNOWN", NULL}, &e), c);
    assert_int_equal(e->count, 0);
    assert_null(e->items[0]);
    imapclient_enabled_free(e);
    /* out may be NULL */
    check(imapclient_enable(c, (const char *[]){"QRESYNC", NULL}, NULL), c);
    done(c);
}

static void test_extensions__enable_checks(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: * 1 EXISTS\n"
                                 "S: A001 OK [READ-WRITE] Select completed.\n");
    imapclient_enabled *e = NULL;
    assert_int_equal(imapclient_enable(c, NULL, &e), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_enable(c, (const char *[]){NULL}, &e), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_enable(c, (const char *[]){"A B", NULL}, &e),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_enable(c, (const char *[]){"X(", NULL}, &e),
                     IMAPCLIENT_EINVAL);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    /* RFC 5161: not with a folder selected */
    assert_int_equal(imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, &e),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_null(e);
    done(c);
}

static void test_extensions__enable_needs_capability(void **state)
{
    imapclient *c = play(BARE);
    assert_int_equal(imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, NULL),
                     IMAPCLIENT_ECAPABILITY);
    done(c);
    c = play("S: * OK [CAPABILITY IMAP4rev1 ENABLE] hi\n");
    assert_int_equal(imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

/* ---- QUOTA -------------------------------------------------------------------- */

static void test_extensions__get_quota_root(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 GETQUOTAROOT INBOX\n"
                     "S: * QUOTAROOT INBOX \"User quota\"\n"
                     "S: * QUOTA \"User quota\" (STORAGE 10 512 MESSAGE 3 1000)\n"
                     "S: A001 OK Getquotaroot completed.\n");
    imapclient_quota_roots *roots = NULL;
    imapclient_quotas *q = NULL;
    check(imapclient_get_quota_root(c, "INBOX", &roots, &q), c);
    assert_string_equal(roots->mailbox, "INBOX");
    assert_int_equal(roots->count, 1);
    assert_string_equal(roots->roots[0], "User quota");
    assert_null(roots->roots[1]);
    assert_int_equal(q->count, 2);
    assert_string_equal(q->items[0].quota_root, "User quota");
    assert_string_equal(q->items[0].resource, "STORAGE");
    assert_int_equal(q->items[0].usage, 10);
    assert_int_equal(q->items[0].limit, 512);
    assert_string_equal(q->items[1].resource, "MESSAGE");
    assert_int_equal(q->items[1].usage, 3);
    assert_int_equal(q->items[1].limit, 1000);
    imapclient_quota_roots_free(roots);
    imapclient_quotas_free(q);
    imapclient_quotas_free(NULL);
    imapclient_quota_roots_free(NULL);
    done(c);
}

static void test_extensions__get_quota_root_encoded_and_several(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 GETQUOTAROOT Donn&AOk-es\n"
                                 "S: * QUOTAROOT Donn&AOk-es \"\" shared\n"
                                 "S: * QUOTA \"\" (STORAGE 1 2)\n"
                                 "S: * QUOTA shared (MESSAGE 4 5)\n"
                                 "S: A001 OK done\n");
    imapclient_quota_roots *roots = NULL;
    imapclient_quotas *q = NULL;
    check(imapclient_get_quota_root(c,
                                    "Donn\xc3\xa9"
                                    "es",
                                    &roots, &q),
          c);
    assert_string_equal(roots->mailbox, "Donn\xc3\xa9"
                                        "es");
    assert_int_equal(roots->count, 2);
    assert_string_equal(roots->roots[0], "");
    assert_string_equal(roots->roots[1], "shared");
    assert_int_equal(q->count, 2);
    assert_string_equal(q->items[1].quota_root, "shared");
    assert_int_equal(q->items[1].limit, 5);
    imapclient_quota_roots_free(roots);
    imapclient_quotas_free(q);
    done(c);
}

static void test_extensions__get_quota_root_no_quota(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 GETQUOTAROOT Work\n"
                                 "S: * QUOTAROOT Work\n"
                                 "S: A001 OK done\n");
    imapclient_quota_roots *roots = NULL;
    check(imapclient_get_quota_root(c, "Work", &roots, NULL), c);
    assert_int_equal(roots->count, 0);
    assert_null(roots->roots[0]);
    imapclient_quota_roots_free(roots);
    done(c);
}

static void test_extensions__get_quota_default_inbox(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 GETQUOTAROOT INBOX\n"
                                 "S: * QUOTAROOT INBOX \"User quota\"\n"
                                 "S: * QUOTA \"User quota\" (STORAGE 10 512)\n"
                                 "S: A001 OK done\n");
    imapclient_quotas *q = NULL;
    check(imapclient_get_quota(c, NULL, &q), c);
    assert_int_equal(q->count, 1);
    assert_int_equal(q->items[0].limit, 512);
    imapclient_quotas_free(q);
    done(c);
}

static void test_extensions__get_quota_for_root(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 GETQUOTA \"User quota\"\n"
                     "S: * QUOTA \"User quota\" (STORAGE 18446744073709551615 "
                     "18446744073709551615)\n"
                     "S: A001 OK done\n");
    imapclient_quotas *q = NULL;
    check(imapclient_get_quota_for_root(c, "User quota", &q), c);
    assert_int_equal(q->count, 1);
    assert_true(q->items[0].limit == UINT64_MAX);
    imapclient_quotas_free(q);
    done(c);
}

static void test_extensions__set_quota(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 SETQUOTA \"User quota\" (STORAGE 1024 MESSAGE 500)\n"
                     "S: * QUOTA \"User quota\" (STORAGE 10 1024 MESSAGE 3 500)\n"
                     "S: A001 OK Setquota completed.\n"
                     "C: A002 SETQUOTA \"User quota\" (STORAGE 2048)\n"
                     "S: A002 NO [NOPERM] Quota can be changed only by admin\n");
    const imapclient_quota want[] = {
        {.quota_root = "User quota", .resource = "STORAGE", .limit = 1024},
        {.quota_root = "User quota", .resource = "MESSAGE", .limit = 500},
    };
    imapclient_quotas *q = NULL;
    check(imapclient_set_quota(c, want, 2, &q), c);
    assert_int_equal(q->count, 2);
    assert_int_equal(q->items[0].usage, 10);
    assert_int_equal(q->items[1].limit, 500);
    imapclient_quotas_free(q);
    const imapclient_quota one = {
        .quota_root = "User quota", .resource = "STORAGE", .limit = 2048};
    assert_int_equal(imapclient_set_quota(c, &one, 1, &q), IMAPCLIENT_ERROR);
    assert_null(q);
    assert_non_null(strstr(imapclient_errmsg(c), "only by admin"));
    done(c);
}

static void test_extensions__set_quota_invalid(void **state)
{
    imapclient *c = play(PREAUTH);
    const imapclient_quota two_roots[] = {
        {.quota_root = "a", .resource = "STORAGE", .limit = 1},
        {.quota_root = "b", .resource = "STORAGE", .limit = 1},
    };
    const imapclient_quota bad_res = {
        .quota_root = "a", .resource = "STOR AGE", .limit = 1};
    assert_int_equal(imapclient_set_quota(c, two_roots, 2, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_set_quota(c, &bad_res, 1, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_set_quota(c, two_roots, 0, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_set_quota(c, NULL, 1, NULL), IMAPCLIENT_EINVAL);
    done(c);
}

static void test_extensions__quota_malformed(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 GETQUOTAROOT INBOX\n"
                                 "S: * QUOTAROOT INBOX \"User quota\"\n"
                                 "S: * QUOTA \"User quota\" (STORAGE 10)\n"
                                 "S: A001 OK done\n"
                                 "C: A002 GETQUOTA x\n"
                                 "S: * QUOTA x (STORAGE ten 512)\n"
                                 "S: A002 OK done\n");
    imapclient_quota_roots *roots = NULL;
    imapclient_quotas *q = NULL;
    assert_int_equal(imapclient_get_quota_root(c, "INBOX", &roots, &q),
                     IMAPCLIENT_EPROTOCOL);
    assert_null(roots);
    assert_null(q);
    assert_int_equal(imapclient_get_quota_for_root(c, "x", &q), IMAPCLIENT_EPROTOCOL);
    assert_null(q);
    done(c);
}

static void test_extensions__quota_needs_capability(void **state)
{
    imapclient *c = play(BARE);
    imapclient_quotas *q = NULL;
    imapclient_quota_roots *r = NULL;
    const imapclient_quota one = {.quota_root = "a", .resource = "STORAGE", .limit = 1};
    assert_int_equal(imapclient_get_quota(c, NULL, &q), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_get_quota_root(c, "INBOX", &r, &q),
                     IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_get_quota_for_root(c, "", &q), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_set_quota(c, &one, 1, &q), IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "QUOTA"));
    done(c);
    c = play("S: * OK [CAPABILITY IMAP4rev1 QUOTA] hi\n");
    assert_int_equal(imapclient_get_quota(c, NULL, &q), IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

/* ---- ACL ---------------------------------------------------------------------- */

static void test_extensions__getacl(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 GETACL INBOX\n"
                                 "S: * ACL INBOX owner lrwstipekxacd \"other user\" lr\n"
                                 "S: A001 OK Getacl completed.\n");
    imapclient_acl *acl = NULL;
    check(imapclient_getacl(c, "INBOX", &acl), c);
    assert_int_equal(acl->count, 2);
    assert_string_equal(acl->items[0].who, "owner");
    assert_string_equal(acl->items[0].rights, "lrwstipekxacd");
    assert_string_equal(acl->items[1].who, "other user");
    assert_string_equal(acl->items[1].rights, "lr");
    imapclient_acl_free(acl);
    imapclient_acl_free(NULL);
    done(c);
}

static void test_extensions__getacl_encoded_and_malformed(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 GETACL Donn&AOk-es\n"
                                 "S: * ACL Donn&AOk-es owner\n"
                                 "S: A001 OK done\n");
    imapclient_acl *acl = NULL;
    assert_int_equal(imapclient_getacl(c,
                                       "Donn\xc3\xa9"
                                       "es",
                                       &acl),
                     IMAPCLIENT_EPROTOCOL);
    assert_null(acl);
    done(c);
}

static void test_extensions__setacl_and_remove(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SETACL INBOX otheruser lr\n"
                                 "S: A001 OK Setacl complete.\n"
                                 "C: A002 DELETEACL INBOX otheruser\n"
                                 "S: A002 OK Deleteacl complete.\n"
                                 "C: A003 DELETEACL INBOX otheruser\n"
                                 "S: A003 OK Deleteacl complete.\n"
                                 "C: A004 SETACL INBOX \"bad who\" +x\n"
                                 "S: A004 BAD Invalid rights\n");
    const char *text = NULL;
    check(imapclient_setacl(c, "INBOX", "otheruser", "lr", &text), c);
    assert_string_equal(text, "Setacl complete.");
    /* empty rights remove, as in the reference: DELETEACL */
    check(imapclient_setacl(c, "INBOX", "otheruser", "", NULL), c);
    check(imapclient_deleteacl(c, "INBOX", "otheruser", &text), c);
    assert_string_equal(text, "Deleteacl complete.");
    assert_int_equal(imapclient_setacl(c, "INBOX", "bad who", "+x", NULL),
                     IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "Invalid rights"));
    done(c);
}

static void test_extensions__acl_checks(void **state)
{
    imapclient *c = play(BARE);
    imapclient_acl *acl = NULL;
    assert_int_equal(imapclient_getacl(c, "INBOX", &acl), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_setacl(c, "INBOX", "u", "lr", NULL),
                     IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_deleteacl(c, "INBOX", "u", NULL), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_setacl(c, "INBOX", NULL, "lr", NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_setacl(c, "INBOX", "u", NULL, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_getacl(c, "INBOX", NULL), IMAPCLIENT_EINVAL);
    done(c);
    c = play(PREAUTH);
    assert_int_equal(imapclient_getacl(c, NULL, &acl), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_getacl(c, "bad\xff", &acl), IMAPCLIENT_EINVAL);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extensions__id_params),
        cmocka_unit_test(test_extensions__id_nil_both_ways),
        cmocka_unit_test(test_extensions__id_quoting_and_literals),
        cmocka_unit_test(test_extensions__id_errors),
        cmocka_unit_test(test_extensions__id_malformed),
        cmocka_unit_test(test_extensions__enable),
        cmocka_unit_test(test_extensions__enable_nothing_enabled),
        cmocka_unit_test(test_extensions__enable_checks),
        cmocka_unit_test(test_extensions__enable_needs_capability),
        cmocka_unit_test(test_extensions__get_quota_root),
        cmocka_unit_test(test_extensions__get_quota_root_encoded_and_several),
        cmocka_unit_test(test_extensions__get_quota_root_no_quota),
        cmocka_unit_test(test_extensions__get_quota_default_inbox),
        cmocka_unit_test(test_extensions__get_quota_for_root),
        cmocka_unit_test(test_extensions__set_quota),
        cmocka_unit_test(test_extensions__set_quota_invalid),
        cmocka_unit_test(test_extensions__quota_malformed),
        cmocka_unit_test(test_extensions__quota_needs_capability),
        cmocka_unit_test(test_extensions__getacl),
        cmocka_unit_test(test_extensions__getacl_encoded_and_malformed),
        cmocka_unit_test(test_extensions__setacl_and_remove),
        cmocka_unit_test(test_extensions__acl_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
