/* Live: ID, ENABLE, QUOTA and ACL against the private Dovecot (quota
 * "User quota" of 100 MB; ACL with the vfile backend). */
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

static const live_env *E;

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

/* ---- ID ------------------------------------------------------------------- */

static void test_extensions__id(void **state)
{
    imapclient *c = live_login();
    imapclient_id_result *r = NULL;
    check(imapclient_id(c,
                        (const char *[]){"name", "libimapclient", "version",
                                         IMAPCLIENT_VERSION, NULL},
                        &r),
          c);
    assert_non_null(r);
    assert_true(r->count >= 1);
    assert_string_equal(imapclient_id_result_get(r, "name"), "Dovecot");
    imapclient_id_result_free(r);
    /* NIL parameters; the server still answers */
    check(imapclient_id(c, NULL, &r), c);
    assert_non_null(r);
    imapclient_id_result_free(r);
    imapclient_free(c);
}

static void test_extensions__id_before_login(void **state)
{
    imapclient_options o;
    live_plain_opts(&o);
    imapclient *c = NULL;
    if (imapclient_connect(E->host, &o, &c))
        fail_msg("connect: %s", imapclient_errmsg(c));
    imapclient_id_result *r = NULL;
    check(imapclient_id(c, (const char *[]){"name", "libimapclient", NULL}, &r), c);
    assert_string_equal(imapclient_id_result_get(r, "name"), "Dovecot");
    imapclient_id_result_free(r);
    imapclient_free(c);
}

/* ---- ENABLE ---------------------------------------------------------------- */

static void test_extensions__enable_condstore(void **state)
{
    imapclient *c = live_login();
    imapclient_enabled *e = NULL;
    check(imapclient_enable(c, (const char *[]){"CONDSTORE", "X-NOT-KNOWN", NULL}, &e),
          c);
    assert_int_equal(e->count, 1);
    assert_string_equal(e->items[0], "CONDSTORE");
    imapclient_enabled_free(e);
    /* CONDSTORE is on: SELECT reports HIGHESTMODSEQ */
    imapclient_select_info *info = NULL;
    check(imapclient_select_folder(c, "INBOX", 1, &info), c);
    assert_non_null(imapclient_select_info_get(info, "HIGHESTMODSEQ"));
    imapclient_select_info_free(info);
    /* RFC 5161: not with a folder selected; refused before sending */
    assert_int_equal(imapclient_enable(c, (const char *[]){"QRESYNC", NULL}, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

/* ---- QUOTA ------------------------------------------------------------------- */

static void assert_user_quota(const imapclient_quotas *q)
{
    assert_int_equal(q->count, 1);
    assert_string_equal(q->items[0].quota_root, "User quota");
    assert_string_equal(q->items[0].resource, "STORAGE");
    assert_int_equal(q->items[0].limit, 100 * 1024); /* 100 MB in KiB */
    assert_true(q->items[0].usage > 0);              /* the sample mail */
}

static void test_extensions__quota_root(void **state)
{
    imapclient *c = live_login();
    imapclient_quota_roots *roots = NULL;
    imapclient_quotas *q = NULL;
    check(imapclient_get_quota_root(c, "INBOX", &roots, &q), c);
    assert_string_equal(roots->mailbox, "INBOX");
    assert_int_equal(roots->count, 1);
    assert_string_equal(roots->roots[0], "User quota");
    assert_user_quota(q);
    imapclient_quota_roots_free(roots);
    imapclient_quotas_free(q);

    check(imapclient_get_quota(c, NULL, &q), c);
    assert_user_quota(q);
    imapclient_quotas_free(q);

    check(imapclient_get_quota_for_root(c, "User quota", &q), c);
    assert_user_quota(q);
    imapclient_quotas_free(q);

    /* a folder with a non-ASCII name: sent in modified UTF-7, decoded back */
    check(imapclient_get_quota_root(c,
                                    "Donn\xc3\xa9"
                                    "es",
                                    &roots, NULL),
          c);
    assert_string_equal(roots->mailbox, "Donn\xc3\xa9"
                                        "es");
    assert_int_equal(roots->count, 1);
    imapclient_quota_roots_free(roots);

    assert_int_equal(imapclient_get_quota_for_root(c, "No such root", &q),
                     IMAPCLIENT_ERROR);
    assert_null(q);
    imapclient_free(c);
}

static void test_extensions__set_quota_refused_for_non_admin(void **state)
{
    /* Dovecot lets only admins (master users, doveadm) change quotas: the
     * command goes out and the server's refusal comes back as ERROR. */
    imapclient *c = live_login();
    const imapclient_quota want = {
        .quota_root = "User quota", .resource = "STORAGE", .limit = 2048};
    imapclient_quotas *q = NULL;
    assert_int_equal(imapclient_set_quota(c, &want, 1, &q), IMAPCLIENT_ERROR);
    assert_null(q);
    assert_non_null(strstr(imapclient_errmsg(c), "admin"));
    /* the limit is unchanged */
    check(imapclient_get_quota(c, "INBOX", &q), c);
    assert_user_quota(q);
    imapclient_quotas_free(q);
    imapclient_free(c);
}

/* ---- ACL ------------------------------------------------------------------------ */

static const char *rights_of(const imapclient_acl *acl, const char *who)
{
    for (size_t i = 0; i < acl->count; i++)
        if (!strcmp(acl->items[i].who, who))
            return acl->items[i].rights;
    return NULL;
}

static void acl_round_trip(const char *folder)
{
    imapclient *c = live_login();
    check(imapclient_create_folder(c, folder, NULL), c);

    imapclient_acl *acl = NULL;
    check(imapclient_getacl(c, folder, &acl), c);
    assert_non_null(rights_of(acl, E->user)); /* the owner */
    assert_null(rights_of(acl, E->user2));
    imapclient_acl_free(acl);

    const char *text = NULL;
    check(imapclient_setacl(c, folder, E->user2, "lr", &text), c);
    assert_non_null(text);
    check(imapclient_getacl(c, folder, &acl), c);
    assert_string_equal(rights_of(acl, E->user2), "lr");
    imapclient_acl_free(acl);

    check(imapclient_setacl(c, folder, E->user2, "+s", NULL), c);
    check(imapclient_getacl(c, folder, &acl), c);
    assert_string_equal(rights_of(acl, E->user2), "lrs");
    imapclient_acl_free(acl);

    /* empty rights remove the entry */
    check(imapclient_setacl(c, folder, E->user2, "", NULL), c);
    check(imapclient_getacl(c, folder, &acl), c);
    assert_null(rights_of(acl, E->user2));
    imapclient_acl_free(acl);

    check(imapclient_setacl(c, folder, E->user2, "l", NULL), c);
    check(imapclient_deleteacl(c, folder, E->user2, NULL), c);
    check(imapclient_getacl(c, folder, &acl), c);
    assert_null(rights_of(acl, E->user2));
    imapclient_acl_free(acl);

    /* an unknown right is refused by the server */
    assert_int_equal(imapclient_setacl(c, folder, E->user2, "l%", NULL),
                     IMAPCLIENT_ERROR);

    check(imapclient_delete_folder(c, folder, NULL), c);
    imapclient_free(c);
}

static void test_extensions__acl_round_trip(void **state)
{
    char folder[64];
    snprintf(folder, sizeof folder, "AclTest-%d", (int)getpid());
    acl_round_trip(folder);
}

static void test_extensions__acl_round_trip_utf8(void **state)
{
    char folder[64];
    snprintf(folder, sizeof folder, "Acl\xc3\xa9t\xc3\xa9-%d", (int)getpid());
    acl_round_trip(folder);
}

static void test_extensions__getacl_missing_folder(void **state)
{
    imapclient *c = live_login();
    imapclient_acl *acl = NULL;
    assert_int_equal(imapclient_getacl(c, "No-Such-Folder-Here", &acl), IMAPCLIENT_ERROR);
    assert_null(acl);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

static int setup(void **state)
{
    E = live_require();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extensions__id),
        cmocka_unit_test(test_extensions__id_before_login),
        cmocka_unit_test(test_extensions__enable_condstore),
        cmocka_unit_test(test_extensions__quota_root),
        cmocka_unit_test(test_extensions__set_quota_refused_for_non_admin),
        cmocka_unit_test(test_extensions__acl_round_trip),
        cmocka_unit_test(test_extensions__acl_round_trip_utf8),
        cmocka_unit_test(test_extensions__getacl_missing_folder),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
