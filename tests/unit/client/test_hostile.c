/* Hostile servers against every public call that talks to the server:
 * the session, folder, authentication and extension calls (the message
 * calls are in test_hostile_messages.c). The attacks and the claims they
 * check are in hostile_matrix.h; each (attack, call) pair is a test named
 * test_hostile__<attack>__<call>. */
#include "hostile_matrix.h"

static int r_capabilities(imapclient *c, int mode)
{
    const char *const *caps = NULL;
    size_t n = 0;
    int rc = imapclient_capabilities(c, &caps, &n);
    if (rc == 0 && mode) {
        assert_int_equal(n, 2);
        assert_string_equal(caps[1], "XTEST");
    }
    return rc;
}

static int r_has_capability(imapclient *c, int mode)
{
    int rc = imapclient_has_capability(c, "xtest");
    if (rc < 0)
        return rc;
    if (mode)
        assert_int_equal(rc, 1);
    return 0;
}

static int r_noop(imapclient *c, int mode)
{
    imapclient_responses *r = NULL;
    int rc = imapclient_noop(c, &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode == 1)
        assert_int_equal(r->count, 0);
    if (mode == 2)
        check_interleaved(r->items, r->count);
    if (mode)
        assert_string_equal(r->text, "done");
    imapclient_responses_free(r);
    return 0;
}

static int r_login(imapclient *c, int mode)
{
    const char *text = NULL;
    int rc = imapclient_login(c, "bob", "secret", &text);
    if (rc == 0 && mode)
        assert_string_equal(text, "done");
    return rc;
}

static int r_logout(imapclient *c, int mode)
{
    const char *text = NULL;
    int rc = imapclient_logout(c, &text);
    if (rc == 0 && mode)
        assert_string_equal(text, "see you");
    return rc;
}

static int r_compress(imapclient *c, int mode)
{
    (void)mode;
    return imapclient_compress(c);
}

static int check_list(int rc, imapclient_folder_list **lp, int mode, const char *flag)
{
    imapclient_folder_list *l = *lp;
    if (rc) {
        assert_null(l);
        return rc;
    }
    if (mode) {
        assert_int_equal(l->count, 1);
        assert_string_equal(l->folders[0].name, "INBOX");
        assert_true(imapclient_folder_has_flag(&l->folders[0], flag));
    }
    imapclient_folder_list_free(l);
    return 0;
}

static int r_list_folders(imapclient *c, int mode)
{
    imapclient_folder_list *l = NULL;
    return check_list(imapclient_list_folders(c, NULL, NULL, &l), &l, mode,
                      "\\HasNoChildren");
}

static int r_list_sub_folders(imapclient *c, int mode)
{
    imapclient_folder_list *l = NULL;
    return check_list(imapclient_list_sub_folders(c, NULL, NULL, &l), &l, mode,
                      "\\HasNoChildren");
}

static int r_xlist_folders(imapclient *c, int mode)
{
    imapclient_folder_list *l = NULL;
    return check_list(imapclient_xlist_folders(c, NULL, NULL, &l), &l, mode, "\\Inbox");
}

static int r_find_special_folder(imapclient *c, int mode)
{
    char *name = NULL;
    int rc = imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name);
    if (rc == 0 && mode)
        assert_string_equal(name, "Sent");
    if (rc)
        assert_null(name);
    free(name);
    return rc;
}

static int r_folder_exists(imapclient *c, int mode)
{
    int rc = imapclient_folder_exists(c, "INBOX");
    if (rc < 0)
        return rc;
    if (mode)
        assert_int_equal(rc, 1);
    return 0;
}

static int r_folder_status(imapclient *c, int mode)
{
    imapclient_status_info *st = NULL;
    int rc = imapclient_folder_status(c, "INBOX", NULL, &st);
    if (rc) {
        assert_null(st);
        return rc;
    }
    if (mode) {
        assert_true(st->has_messages);
        assert_int_equal(st->messages, 3);
        assert_int_equal(st->uidnext, 9);
        assert_int_equal(st->count, 2);
    }
    imapclient_status_info_free(st);
    return 0;
}

static int check_text(int rc, const char **tp, int mode)
{
    const char *text = *tp;
    if (rc == 0 && mode)
        assert_string_equal(text, "done");
    return rc;
}

static int r_create_folder(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_create_folder(c, "Archive", &t), &t, mode);
}

static int r_delete_folder(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_delete_folder(c, "Archive", &t), &t, mode);
}

static int r_rename_folder(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_rename_folder(c, "Old", "New", &t), &t, mode);
}

static int r_subscribe_folder(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_subscribe_folder(c, "Archive", &t), &t, mode);
}

static int r_unsubscribe_folder(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_unsubscribe_folder(c, "Archive", &t), &t, mode);
}

static int r_select(imapclient *c, int mode, int readonly)
{
    imapclient_select_info *info = NULL;
    int rc = imapclient_select_folder(c, "INBOX", readonly, &info);
    if (rc) {
        assert_null(info);
        return rc;
    }
    if (mode) {
        assert_true(info->has_exists);
        assert_int_equal(info->exists, 3);
        assert_int_equal(info->flag_count, 2);
        assert_int_equal(info->uidvalidity, 7);
        assert_int_equal(info->read_only, readonly);
        assert_string_equal(info->text, "done");
        /* EXISTS, FLAGS, UIDVALIDITY and the completion's code, and the
         * attacks' unknown responses ("* XNUL", "* XUNKNOWN"), which are
         * SELECT data too: nothing else */
        size_t known = 0;
        for (size_t i = 0; i < info->count; i++) {
            const char *n = info->items[i].name;
            if (!strcmp(n, "EXISTS") || !strcmp(n, "FLAGS") ||
                !strcmp(n, "UIDVALIDITY") ||
                !strcmp(n, readonly ? "READ-ONLY" : "READ-WRITE"))
                known++;
            else if (n[0] != 'X')
                fail_msg("unexpected SELECT data %s", n);
        }
        assert_int_equal(known, 4);
    }
    imapclient_select_info_free(info);
    return 0;
}

static int r_select_folder(imapclient *c, int mode)
{
    return r_select(c, mode, 0);
}

static int r_examine_folder(imapclient *c, int mode)
{
    return r_select(c, mode, 1);
}

static int r_unselect_folder(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_unselect_folder(c, &t), &t, mode);
}

static int r_close_folder(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_close_folder(c, &t), &t, mode);
}

static int r_namespace(imapclient *c, int mode)
{
    imapclient_namespace_info *ns = NULL;
    int rc = imapclient_namespace(c, &ns);
    if (rc) {
        assert_null(ns);
        return rc;
    }
    if (mode) {
        assert_int_equal(ns->personal_count, 1);
        assert_string_equal(ns->personal[0].separator, "/");
        assert_null(ns->other);
        assert_null(ns->shared);
    }
    imapclient_namespace_info_free(ns);
    return 0;
}

static int r_plain_login(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_plain_login(c, "bob", "secret", NULL, &t), &t, mode);
}

static int say_hello(void *payload, const unsigned char *ch, size_t len,
                     imapclient_sasl_reply *reply)
{
    (void)payload;
    (void)ch;
    (void)len;
    return imapclient_sasl_reply_set(reply, "hello", 5);
}

static int r_sasl_login(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_sasl_login(c, "X-TEST", say_hello, NULL, &t), &t, mode);
}

static int r_oauth2_login(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_oauth2_login(c, "bob", "tok123", NULL, NULL, &t), &t,
                      mode);
}

static int r_oauthbearer_login(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_oauthbearer_login(c, NULL, "tok123", &t), &t, mode);
}

static int r_cram_md5_login(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_cram_md5_login(c, "tim", "tanstaaftanstaaf", &t), &t,
                      mode);
}

static int r_id(imapclient *c, int mode)
{
    imapclient_id_result *r = NULL;
    int rc = imapclient_id(c, (const char *[]){"name", "x", NULL}, &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode)
        assert_string_equal(imapclient_id_result_get(r, "NAME"), "Dovecot");
    imapclient_id_result_free(r);
    return 0;
}

static int r_enable(imapclient *c, int mode)
{
    imapclient_enabled *r = NULL;
    int rc = imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_int_equal(r->count, 1);
        assert_string_equal(r->items[0], "CONDSTORE");
    }
    imapclient_enabled_free(r);
    return 0;
}

static void check_quotas(const imapclient_quotas *q)
{
    assert_int_equal(q->count, 1);
    assert_string_equal(q->items[0].quota_root, "root");
    assert_string_equal(q->items[0].resource, "STORAGE");
    assert_int_equal(q->items[0].usage, 10);
    assert_int_equal(q->items[0].limit, 100);
}

static int r_get_quota(imapclient *c, int mode)
{
    imapclient_quotas *q = NULL;
    int rc = imapclient_get_quota(c, NULL, &q);
    if (rc) {
        assert_null(q);
        return rc;
    }
    if (mode)
        check_quotas(q);
    imapclient_quotas_free(q);
    return 0;
}

static int r_get_quota_root(imapclient *c, int mode)
{
    imapclient_quotas *q = NULL;
    imapclient_quota_roots *roots = NULL;
    int rc = imapclient_get_quota_root(c, "INBOX", &roots, &q);
    if (rc) {
        assert_null(q);
        assert_null(roots);
        return rc;
    }
    if (mode) {
        check_quotas(q);
        assert_int_equal(roots->count, 1);
        assert_string_equal(roots->roots[0], "root");
        assert_string_equal(roots->mailbox, "INBOX");
    }
    imapclient_quotas_free(q);
    imapclient_quota_roots_free(roots);
    return 0;
}

static int r_get_quota_for_root(imapclient *c, int mode)
{
    imapclient_quotas *q = NULL;
    int rc = imapclient_get_quota_for_root(c, "root", &q);
    if (rc) {
        assert_null(q);
        return rc;
    }
    if (mode)
        check_quotas(q);
    imapclient_quotas_free(q);
    return 0;
}

static int r_set_quota(imapclient *c, int mode)
{
    imapclient_quotas *q = NULL;
    imapclient_quota in = {.quota_root = "root", .resource = "STORAGE", .limit = 100};
    int rc = imapclient_set_quota(c, &in, 1, &q);
    if (rc) {
        assert_null(q);
        return rc;
    }
    if (mode)
        check_quotas(q);
    imapclient_quotas_free(q);
    return 0;
}

static int r_getacl(imapclient *c, int mode)
{
    imapclient_acl *a = NULL;
    int rc = imapclient_getacl(c, "INBOX", &a);
    if (rc) {
        assert_null(a);
        return rc;
    }
    if (mode) {
        assert_int_equal(a->count, 1);
        assert_string_equal(a->items[0].who, "bob");
        assert_string_equal(a->items[0].rights, "lrs");
    }
    imapclient_acl_free(a);
    return 0;
}

static int r_setacl(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_setacl(c, "INBOX", "bob", "lrs", &t), &t, mode);
}

static int r_deleteacl(imapclient *c, int mode)
{
    const char *t = NULL;
    return check_text(imapclient_deleteacl(c, "INBOX", "bob", &t), &t, mode);
}

static const hcall calls[] = {
    /* session */
    {"capabilities", "S: * PREAUTH ready\n", NULL, 0, NULL, "C: @T CAPABILITY\n",
     "S: * CAPABILITY IMAP4rev1 XTEST\n", OK, r_capabilities, E_ERR, -1, 0},
    {"has_capability", "S: * PREAUTH ready\n", NULL, 0, NULL, "C: @T CAPABILITY\n",
     "S: * CAPABILITY IMAP4rev1 XTEST\n", OK, r_has_capability, E_ERR, -1, 0},
    A(noop, "C: @T NOOP\n", "", OK, E_ERR, -1, H_COLLECTS),
    N(login, "C: @T LOGIN bob secret\n", "", OK, E_LOG, AUTH, 0),
    A(logout, "C: @T LOGOUT\n", "S: * BYE see you\n", OK, E_ERR, IMAPCLIENT_STATE_LOGOUT,
      H_LOGOUT),
    A(compress, "C: @T COMPRESS DEFLATE\n", "", OK, E_ERR, -1, H_NO_OK),
    /* folders */
    A(list_folders, "C: @T LIST \"\" \"*\"\n",
      "S: * LIST (\\HasNoChildren) \"/\" INBOX\n", OK, E_ERR, -1, 0),
    A(list_sub_folders, "C: @T LSUB \"\" \"*\"\n",
      "S: * LSUB (\\HasNoChildren) \"/\" INBOX\n", OK, E_ERR, -1, 0),
    A(xlist_folders, "C: @T XLIST \"\" \"*\"\n", "S: * XLIST (\\Inbox) \"/\" INBOX\n", OK,
      E_ERR, -1, 0),
    A(find_special_folder, "C: @T LIST \"\" \"*\"\n", "S: * LIST (\\Sent) \"/\" Sent\n",
      OK, E_ERR, -1, 0),
    A(folder_exists, "C: @T LIST \"\" INBOX\n", "S: * LIST () \"/\" INBOX\n", OK, E_ERR,
      -1, 0),
    A(folder_status, "C: @T STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)\n",
      "S: * STATUS INBOX (MESSAGES 3 UIDNEXT 9)\n", OK, E_ERR, -1, 0),
    A(create_folder, "C: @T CREATE Archive\n", "", OK, E_ERR, -1, 0),
    A(delete_folder, "C: @T DELETE Archive\n", "", OK, E_ERR, -1, 0),
    A(rename_folder, "C: @T RENAME Old New\n", "", OK, E_ERR, -1, 0),
    A(subscribe_folder, "C: @T SUBSCRIBE Archive\n", "", OK, E_ERR, -1, 0),
    A(unsubscribe_folder, "C: @T UNSUBSCRIBE Archive\n", "", OK, E_ERR, -1, 0),
    A(select_folder, "C: @T SELECT INBOX\n",
      "S: * 3 EXISTS\nS: * FLAGS (\\Seen \\Deleted)\nS: * OK [UIDVALIDITY 7] v\n",
      "OK [READ-WRITE] done", E_ERR, SELD, H_UNKNOWN),
    A(examine_folder, "C: @T EXAMINE INBOX\n",
      "S: * 3 EXISTS\nS: * FLAGS (\\Seen \\Deleted)\nS: * OK [UIDVALIDITY 7] v\n",
      "OK [READ-ONLY] done", E_ERR, SELD, H_UNKNOWN),
    S(unselect_folder, "C: @T UNSELECT\n", "", OK, E_ERR, AUTH, 0),
    S(close_folder, "C: @T CLOSE\n", "", OK, E_ERR, AUTH, 0),
    A(namespace, "C: @T NAMESPACE\n", "S: * NAMESPACE ((\"\" \"/\")) NIL NIL\n", OK,
      E_ERR, -1, 0),
    /* authentication */
    N(plain_login, "C: @T AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\n", "", OK, E_LOG, AUTH,
      H_AUTH),
    N(sasl_login, "C: @T AUTHENTICATE X-TEST\nS: + \nC: aGVsbG8=\n", "", OK, E_LOG, AUTH,
      H_AUTH),
    N(oauth2_login,
      "C: @T AUTHENTICATE XOAUTH2 dXNlcj1ib2IBYXV0aD1CZWFyZXIgdG9rMTIzAQE=\n", "", OK,
      E_LOG, AUTH, H_AUTH),
    N(oauthbearer_login,
      "C: @T AUTHENTICATE OAUTHBEARER biwsAWF1dGg9QmVhcmVyIHRvazEyMwEB\n", "", OK, E_LOG,
      AUTH, H_AUTH),
    N(cram_md5_login,
      "C: @T AUTHENTICATE CRAM-MD5\n"
      "S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n"
      "C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\n",
      "", OK, E_LOG, AUTH, H_AUTH),
    /* extensions */
    A(id, "C: @T ID (\"name\" \"x\")\n", "S: * ID (\"name\" \"Dovecot\")\n", OK, E_ERR,
      -1, 0),
    A(enable, "C: @T ENABLE CONDSTORE\n", "S: * ENABLED CONDSTORE\n", OK, E_ERR, -1, 0),
    A(get_quota, "C: @T GETQUOTAROOT INBOX\n", "S: * QUOTAROOT INBOX root\n" QUOTA_DATA,
      OK, E_ERR, -1, 0),
    A(get_quota_root, "C: @T GETQUOTAROOT INBOX\n",
      "S: * QUOTAROOT INBOX root\n" QUOTA_DATA, OK, E_ERR, -1, 0),
    A(get_quota_for_root, "C: @T GETQUOTA root\n", QUOTA_DATA, OK, E_ERR, -1, 0),
    A(set_quota, "C: @T SETQUOTA root (STORAGE 100)\n", QUOTA_DATA, OK, E_ERR, -1, 0),
    A(getacl, "C: @T GETACL INBOX\n", "S: * ACL INBOX bob lrs\n", OK, E_ERR, -1, 0),
    A(setacl, "C: @T SETACL INBOX bob lrs\n", "", OK, E_ERR, -1, 0),
    A(deleteacl, "C: @T DELETEACL INBOX bob\n", "", OK, E_ERR, -1, 0),
};

int main(void)
{
    return hostile_run_matrix("hostile", calls, sizeof calls / sizeof calls[0]);
}
