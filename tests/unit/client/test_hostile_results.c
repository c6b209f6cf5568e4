/* Hostile servers, typed data (SEARCH, SORT, THREAD, ESEARCH, flags and
 * labels, COPYUID, APPENDUID, EXPUNGE, ID, ENABLE, QUOTA, ACL; see also
 * test_hostile_types.c): values of the wrong type where typed data is
 * expected and numbers that overflow. Each call must either build the
 * typed value it can or fail with a clear EPROTOCOL and leave the
 * connection usable; nothing may crash, read out of bounds or leak. */
#include "hostile.h"

/* ---- SEARCH, SORT, THREAD, ESEARCH ------------------------------------------ */

static void search_fails(const char *reply)
{
    hbuf s = {0};
    hb_adds(&s, "C: A002 UID SEARCH ALL\n");
    hb_adds(&s, reply);
    hb_adds(&s, "S: A002 OK done\n" NOOP("A003"));
    imapclient *c = sel_play(s.p);
    hb_free(&s);
    imapclient_ids *ids = NULL;
    h_assert_rc(imapclient_search(c, NULL, NULL, &ids), IMAPCLIENT_EPROTOCOL, c);
    assert_null(ids);
    h_assert_errmsg_has(c, "bad message id");
    usable(c);
}

static void test_hostile__search_id_a_string(void **state)
{
    search_fails("S: * SEARCH 1 \"two\" 3\n");
}

static void test_hostile__search_id_past_2_32(void **state)
{
    search_fails("S: * SEARCH 4294967296\n");
}

static void test_hostile__search_id_past_2_64(void **state)
{
    search_fails("S: * SEARCH 2 99999999999999999999999\n");
}

static void test_hostile__search_id_zero(void **state)
{
    search_fails("S: * SEARCH 0\n");
}

static void test_hostile__search_id_a_list(void **state)
{
    search_fails("S: * SEARCH (1 2)\n");
}

static void test_hostile__search_id_nil(void **state)
{
    search_fails("S: * SEARCH NIL\n");
}

static void test_hostile__search_modseq_a_string(void **state)
{
    search_fails("S: * SEARCH 2 (MODSEQ \"x\")\n");
}

static void test_hostile__search_modseq_at_2_64(void **state)
{
    imapclient *c = sel_play("C: A002 UID SEARCH ALL\n"
                             "S: * SEARCH 2 4294967295 (MODSEQ 18446744073709551615)\n"
                             "S: A002 OK done\n" NOOP("A003"));
    imapclient_ids *ids = NULL;
    h_assert_rc(imapclient_search(c, NULL, NULL, &ids), 0, c);
    assert_int_equal(ids->count, 2);
    assert_int_equal(ids->ids[1], UINT32_MAX);
    assert_true(ids->has_modseq);
    assert_true(ids->modseq == UINT64_MAX);
    imapclient_ids_free(ids);
    usable(c);
}

static void test_hostile__sort_id_nil(void **state)
{
    imapclient *c = sel_play("C: A002 UID SORT (ARRIVAL) UTF-8 ALL\n"
                             "S: * SORT 1 NIL\n"
                             "S: A002 OK done\n" NOOP("A003"));
    imapclient_ids *ids = NULL;
    h_assert_rc(imapclient_sort(c, (const char *[]){"ARRIVAL", NULL}, NULL, NULL, &ids),
                IMAPCLIENT_EPROTOCOL, c);
    assert_null(ids);
    usable(c);
}

static void thread_fails(const char *reply)
{
    hbuf s = {0};
    hb_adds(&s, "C: A002 UID THREAD REFERENCES UTF-8 ALL\n");
    hb_adds(&s, reply);
    hb_adds(&s, "S: A002 OK done\n" NOOP("A003"));
    imapclient *c = sel_play(s.p);
    hb_free(&s);
    imapclient_threads *t = NULL;
    h_assert_rc(imapclient_thread(c, NULL, NULL, NULL, &t), IMAPCLIENT_EPROTOCOL, c);
    assert_null(t);
    h_assert_errmsg_has(c, "THREAD: malformed");
    usable(c);
}

static void test_hostile__thread_members_not_lists(void **state)
{
    thread_fails("S: * THREAD 1 2\n");
}

static void test_hostile__thread_id_a_string(void **state)
{
    thread_fails("S: * THREAD (1 \"x\")\n");
}

static void test_hostile__thread_id_past_2_32(void **state)
{
    thread_fails("S: * THREAD (1 (4294967296))\n");
}

static void test_hostile__thread_id_nil(void **state)
{
    thread_fails("S: * THREAD (1 NIL)\n");
}

static void test_hostile__thread_deep_and_empty(void **state)
{
    hbuf s = {0};
    hb_adds(&s, "C: A002 UID THREAD REFERENCES UTF-8 ALL\nS: * THREAD ()");
    for (int i = 0; i < 95; i++)
        hb_adds(&s, "(1 ");
    for (int i = 0; i < 95; i++)
        hb_adds(&s, ")");
    hb_adds(&s, "\nS: A002 OK done\n" NOOP("A003"));
    imapclient *c = sel_play(s.p);
    hb_free(&s);
    imapclient_threads *t = NULL;
    h_assert_rc(imapclient_thread(c, NULL, NULL, NULL, &t), 0, c);
    assert_int_equal(t->count, 2);
    assert_int_equal(t->threads[0].count, 0);
    const imapclient_thread_node *n = &t->threads[1];
    int depth = 0;
    while (n->count == 2) {
        assert_int_equal(n->items[0].id, 1);
        n = &n->items[1];
        depth++;
    }
    assert_int_equal(depth, 94);
    imapclient_threads_free(t);
    usable(c);
}

static void esearch_gives(const char *reply, int want, const char *why)
{
    hbuf s = {0};
    hb_adds(&s, "C: A002 UID SEARCH RETURN (MIN COUNT ALL) ALL\n");
    hb_adds(&s, reply);
    hb_adds(&s, "S: A002 OK done\n" NOOP("A003"));
    imapclient *c = sel_play(s.p);
    hb_free(&s);
    imapclient_esearch_result *r = NULL;
    h_assert_rc(imapclient_esearch(c, NULL, NULL,
                                   (const char *[]){"MIN", "COUNT", "ALL", NULL}, &r),
                want, c);
    assert_null(r);
    h_assert_errmsg_has(c, why);
    usable(c);
}

static void test_hostile__esearch_min_a_string(void **state)
{
    esearch_gives("S: * ESEARCH (TAG \"A002\") UID MIN \"x\"\n", IMAPCLIENT_EPROTOCOL,
                  "ESEARCH: malformed");
}

static void test_hostile__esearch_count_past_2_32(void **state)
{
    esearch_gives("S: * ESEARCH (TAG \"A002\") COUNT 4294967296\n", IMAPCLIENT_EPROTOCOL,
                  "ESEARCH: malformed");
}

static void test_hostile__esearch_all_a_list(void **state)
{
    esearch_gives("S: * ESEARCH (TAG \"A002\") ALL (1 2)\n", IMAPCLIENT_EPROTOCOL,
                  "ESEARCH: malformed");
}

static void test_hostile__esearch_all_past_2_32(void **state)
{
    esearch_gives("S: * ESEARCH (TAG \"A002\") ALL 1:4294967296\n", IMAPCLIENT_EPROTOCOL,
                  "ESEARCH: malformed");
}

static void test_hostile__esearch_all_too_many(void **state)
{
    esearch_gives("S: * ESEARCH (TAG \"A002\") ALL 1:4294967295\n", IMAPCLIENT_ETOOBIG,
                  "more than");
}

static void test_hostile__esearch_other_tag_and_nil_tag(void **state)
{
    imapclient *c =
        sel_play("C: A002 UID SEARCH RETURN () ALL\n"
                 "S: * ESEARCH (TAG \"B001\") UID MIN 9\n"
                 "S: * ESEARCH (TAG NIL) UID MAX 7 MODSEQ 18446744073709551615\n"
                 "S: A002 OK done\n" NOOP("A003"));
    imapclient_esearch_result *r = NULL;
    h_assert_rc(imapclient_esearch(c, NULL, NULL, NULL, &r), 0, c);
    assert_false(r->has_min);
    assert_true(r->has_max);
    assert_int_equal(r->max, 7);
    assert_true(r->modseq == UINT64_MAX);
    assert_int_equal(r->id_count, 0);
    imapclient_esearch_result_free(r);
    assert_int_equal(kept(c, "ESEARCH"), 1); /* the other command's, kept */
    usable(c);
}

/* ---- flags and labels ---------------------------------------------------------- */

static void test_hostile__get_flags_wrong_types_kept(void **state)
{
    imapclient *c = sel_play("C: A002 UID FETCH 2:3 (FLAGS)\n"
                             "S: * 1 FETCH (UID 4294967298 FLAGS (\\Seen))\n"
                             "S: * 1 FETCH (UID 2 FLAGS \"x\")\n"
                             "S: * 1 FETCH (UID NIL FLAGS ())\n"
                             "S: * 2 FETCH (UID 3 FLAGS (\\Seen NIL (x) 5))\n"
                             "S: A002 OK done\n" NOOP("A003"));
    imapclient_flags_result *r = NULL;
    h_assert_rc(imapclient_get_flags(c, "2:3", &r), 0, c);
    assert_int_equal(r->count, 1);
    const imapclient_msg_flags *m = imapclient_flags_result_get(r, 3);
    assert_non_null(m);
    assert_int_equal(m->count, 2); /* \Seen and 5 */
    assert_null(imapclient_flags_result_get(r, 2));
    imapclient_flags_result_free(r);
    assert_int_equal(kept(c, "FETCH"), 3);
    usable(c);
}

static void test_hostile__gmail_labels_bad_utf7_kept_as_sent(void **state)
{
    imapclient *c = sel_play("C: A002 UID FETCH 2 (X-GM-LABELS)\n"
                             "S: * 1 FETCH (UID 2 X-GM-LABELS (\"&Jjo\" \\Important "
                             "\"&ZeVnLIqe-\" 42))\n"
                             "S: A002 OK done\n" NOOP("A003"));
    imapclient_flags_result *r = NULL;
    h_assert_rc(imapclient_get_gmail_labels(c, "2", &r), 0, c);
    assert_int_equal(r->msgs[0].count, 4);
    assert_string_equal(r->msgs[0].flags[0], "&Jjo");
    assert_string_equal(r->msgs[0].flags[1], "\\Important");
    assert_string_equal(r->msgs[0].flags[2], "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
    assert_string_equal(r->msgs[0].flags[3], "42");
    imapclient_flags_result_free(r);
    usable(c);
}

/* ---- COPYUID, APPENDUID ----------------------------------------------------------- */

static imapclient_copy_result *copy_with(const char *completion, imapclient **cp)
{
    hbuf s = {0};
    hb_adds(&s, "C: A002 UID COPY 2 \"Archive\"\nS: A002 ");
    hb_adds(&s, completion);
    hb_adds(&s, "\n" NOOP("A003"));
    imapclient *c = sel_play(s.p);
    hb_free(&s);
    imapclient_copy_result *r = NULL;
    h_assert_rc(imapclient_copy(c, "2", "Archive", &r), 0, c);
    *cp = c;
    return r;
}

static void test_hostile__copyuid_of_wrong_types(void **state)
{
    static const char *const bad[] = {
        "OK [COPYUID (1) 1 2] done", "OK [COPYUID 4294967296 2 7] done",
        "OK [COPYUID 9 NIL 7] done", "OK [COPYUID 9 2] done",
        "OK [COPYUID 0 2 7] done",   "OK [COPYUID 9 2 (7)] done",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        imapclient *c;
        imapclient_copy_result *r = copy_with(bad[i], &c);
        if (r->has_copyuid)
            fail_msg("%s: COPYUID taken", bad[i]);
        assert_null(r->source_uids);
        assert_string_equal(r->text, "done");
        imapclient_copy_result_free(r);
        usable(c);
    }
}

static void test_hostile__copyuid_sets_past_2_32_or_unpaired(void **state)
{
    static const char *const odd[] = {
        "OK [COPYUID 9 1:4294967296 7] done",
        "OK [COPYUID 9 1:3 5:6] done",
        "OK [COPYUID 9 1:4294967295 1:4294967295] done", /* 2^32 ids: not expanded */
        "OK [COPYUID 9 x y] done",
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        imapclient *c;
        imapclient_copy_result *r = copy_with(odd[i], &c);
        assert_true(r->has_copyuid); /* the sets as sent are kept */
        assert_non_null(r->source_set);
        assert_null(r->source_uids);
        assert_null(r->dest_uids);
        assert_int_equal(r->count, 0);
        imapclient_copy_result_free(r);
        usable(c);
    }
}

static void test_hostile__appenduid_of_wrong_types(void **state)
{
    static const char *const bad[] = {
        "OK [APPENDUID x 1] done",
        "OK [APPENDUID 9 NIL] done",
        "OK [APPENDUID 9 4294967296] done",
        "OK [APPENDUID 9 1:4294967295] done",
        "OK [APPENDUID 9] done",
        "OK [APPENDUID (9) 1] done",
        "OK [APPENDUID 9 1 2] done",
        "OK [APPENDUID 9 1,] done",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hbuf s = {0};
        hb_adds(&s, "C: A001 APPEND \"INBOX\" () {1+}\nC: x\nS: A001 ");
        hb_adds(&s, bad[i]);
        hb_adds(&s, "\n" NOOP("A002"));
        imapclient *c = auth_play(s.p);
        hb_free(&s);
        imapclient_append_result *r = NULL;
        h_assert_rc(imapclient_append(c, "INBOX", "x", 1, NULL, NULL, &r), 0, c);
        if (r->has_appenduid)
            fail_msg("%s: APPENDUID taken", bad[i]);
        assert_int_equal(r->count, 0);
        assert_non_null(r->uids);
        imapclient_append_result_free(r);
        usable(c);
    }
}

static void test_hostile__expunge_number_past_2_32(void **state)
{
    imapclient *c = sel_play("C: A002 EXPUNGE\n"
                             "S: * 1 EXPUNGE\n"
                             "S: * 4294967296 EXPUNGE\n"
                             "S: A002 OK done\n" NOOP("A003"));
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_expunge(c, NULL, &r), IMAPCLIENT_EPROTOCOL, c);
    assert_null(r);
    usable(c);
}

/* ---- ID, ENABLE ------------------------------------------------------------------- */

static void id_fails(const char *reply)
{
    hbuf s = {0};
    hb_adds(&s, "C: A001 ID NIL\n");
    hb_adds(&s, reply);
    hb_adds(&s, "S: A001 OK done\n" NOOP("A002"));
    imapclient *c = auth_play(s.p);
    hb_free(&s);
    imapclient_id_result *r = NULL;
    h_assert_rc(imapclient_id(c, NULL, &r), IMAPCLIENT_EPROTOCOL, c);
    assert_null(r);
    h_assert_errmsg_has(c, "malformed ID");
    usable(c);
}

static void test_hostile__id_a_string(void **state)
{
    id_fails("S: * ID \"x\"\n");
}

static void test_hostile__id_odd_list(void **state)
{
    id_fails("S: * ID (\"name\")\n");
}

static void test_hostile__id_key_nil(void **state)
{
    id_fails("S: * ID (NIL \"x\")\n");
}

static void test_hostile__id_key_a_list(void **state)
{
    id_fails("S: * ID ((\"k\") \"x\")\n");
}

static void test_hostile__id_values_of_wrong_types(void **state)
{
    imapclient *c = auth_play("C: A001 ID NIL\n"
                              "S: * ID (\"name\" NIL \"v\" (\"x\") \"n\" 5 k {2}\n"
                              "S% a%00)%0D%0A"
                              "\nS: A001 OK done\n" NOOP("A002"));
    imapclient_id_result *r = NULL;
    h_assert_rc(imapclient_id(c, NULL, &r), 0, c);
    assert_int_equal(r->count, 4);
    assert_null(imapclient_id_result_get(r, "name"));
    assert_null(imapclient_id_result_get(r, "v"));
    assert_string_equal(imapclient_id_result_get(r, "n"), "5");
    assert_string_equal(imapclient_id_result_get(r, "k"), "a");
    imapclient_id_result_free(r);
    usable(c);
}

static void test_hostile__id_nil_gives_no_result(void **state)
{
    imapclient *c = auth_play("C: A001 ID NIL\n"
                              "S: * ID NIL\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_id_result *r = (imapclient_id_result *)1;
    h_assert_rc(imapclient_id(c, NULL, &r), 0, c);
    assert_null(r);
    usable(c);
}

static void test_hostile__enabled_members_of_wrong_types(void **state)
{
    imapclient *c = auth_play("C: A001 ENABLE CONDSTORE\n"
                              "S: * ENABLED (CONDSTORE) NIL \"qresync\" 5\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_enabled *r = NULL;
    h_assert_rc(imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, &r), 0, c);
    assert_int_equal(r->count, 2);
    assert_string_equal(r->items[0], "QRESYNC");
    assert_string_equal(r->items[1], "5");
    assert_null(r->items[2]);
    imapclient_enabled_free(r);
    usable(c);
}

/* ---- QUOTA, ACL ------------------------------------------------------------------- */

static void quota_fails(const char *reply)
{
    hbuf s = {0};
    hb_adds(&s, "C: A001 GETQUOTAROOT INBOX\n");
    hb_adds(&s, reply);
    hb_adds(&s, "S: A001 OK done\n" NOOP("A002"));
    imapclient *c = auth_play(s.p);
    hb_free(&s);
    imapclient_quotas *q = NULL;
    imapclient_quota_roots *roots = NULL;
    h_assert_rc(imapclient_get_quota_root(c, "INBOX", &roots, &q), IMAPCLIENT_EPROTOCOL,
                c);
    assert_null(q);
    assert_null(roots);
    h_assert_errmsg_has(c, "malformed QUOTA");
    usable(c);
}

static void test_hostile__quota_usage_a_string(void **state)
{
    quota_fails("S: * QUOTA root (STORAGE \"10\" 100)\n");
}

static void test_hostile__quota_usage_past_2_64(void **state)
{
    quota_fails("S: * QUOTA root (STORAGE 18446744073709551616 100)\n");
}

static void test_hostile__quota_resources_nil(void **state)
{
    quota_fails("S: * QUOTA root NIL\n");
}

static void test_hostile__quota_not_triplets(void **state)
{
    quota_fails("S: * QUOTA root (STORAGE 10)\n");
}

static void test_hostile__quota_root_a_list(void **state)
{
    quota_fails("S: * QUOTA (root) (STORAGE 1 2)\n");
}

static void test_hostile__quota_resource_a_list(void **state)
{
    quota_fails("S: * QUOTA root ((STORAGE) 1 2)\n");
}

static void test_hostile__quotaroot_mailbox_a_list(void **state)
{
    quota_fails("S: * QUOTAROOT (INBOX) root\n");
}

static void test_hostile__quotaroot_root_a_list(void **state)
{
    quota_fails("S: * QUOTAROOT INBOX (root)\n");
}

static void test_hostile__quota_at_2_64(void **state)
{
    imapclient *c = auth_play("C: A001 GETQUOTA \"\"\n"
                              "S: * QUOTA \"\" (STORAGE 18446744073709551615 "
                              "18446744073709551615 X-ODD 0 0)\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_quotas *q = NULL;
    h_assert_rc(imapclient_get_quota_for_root(c, "", &q), 0, c);
    assert_int_equal(q->count, 2);
    assert_true(q->items[0].usage == UINT64_MAX);
    assert_true(q->items[0].limit == UINT64_MAX);
    assert_string_equal(q->items[0].quota_root, "");
    imapclient_quotas_free(q);
    usable(c);
}

static void acl_fails(const char *reply)
{
    hbuf s = {0};
    hb_adds(&s, "C: A001 GETACL INBOX\n");
    hb_adds(&s, reply);
    hb_adds(&s, "S: A001 OK done\n" NOOP("A002"));
    imapclient *c = auth_play(s.p);
    hb_free(&s);
    imapclient_acl *a = NULL;
    h_assert_rc(imapclient_getacl(c, "INBOX", &a), IMAPCLIENT_EPROTOCOL, c);
    assert_null(a);
    h_assert_errmsg_has(c, "malformed ACL");
    usable(c);
}

static void test_hostile__acl_odd(void **state)
{
    acl_fails("S: * ACL INBOX bob\n");
}

static void test_hostile__acl_identifier_a_list(void **state)
{
    acl_fails("S: * ACL INBOX (bob) lrs\n");
}

static void test_hostile__acl_rights_nil(void **state)
{
    acl_fails("S: * ACL INBOX bob NIL\n");
}

static void test_hostile__acl_empty_and_numbers(void **state)
{
    imapclient *c = auth_play("C: A001 GETACL INBOX\n"
                              "S: * ACL INBOX 42 7\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_acl *a = NULL;
    h_assert_rc(imapclient_getacl(c, "INBOX", &a), 0, c);
    assert_int_equal(a->count, 1);
    assert_string_equal(a->items[0].who, "42");
    assert_string_equal(a->items[0].rights, "7");
    imapclient_acl_free(a);
    usable(c);
}

/* An ACL response for another folder (unsolicited, or a proxy's) is kept
 * for the caller and does not replace ours in the result. */
static void test_hostile__acl_of_another_folder_not_mixed_in(void **state)
{
    imapclient *c = auth_play("C: A001 GETACL INBOX\n"
                              "S: * ACL INBOX bob lrs\n"
                              "S: * ACL Other eve lrswipkxtecda\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_acl *a = NULL;
    h_assert_rc(imapclient_getacl(c, "INBOX", &a), 0, c);
    assert_int_equal(a->count, 1);
    assert_string_equal(a->items[0].who, "bob");
    imapclient_acl_free(a);
    assert_int_equal(kept(c, "ACL"), 1);
    usable(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__search_id_a_string),
        cmocka_unit_test(test_hostile__search_id_past_2_32),
        cmocka_unit_test(test_hostile__search_id_past_2_64),
        cmocka_unit_test(test_hostile__search_id_zero),
        cmocka_unit_test(test_hostile__search_id_a_list),
        cmocka_unit_test(test_hostile__search_id_nil),
        cmocka_unit_test(test_hostile__search_modseq_a_string),
        cmocka_unit_test(test_hostile__search_modseq_at_2_64),
        cmocka_unit_test(test_hostile__sort_id_nil),
        cmocka_unit_test(test_hostile__thread_members_not_lists),
        cmocka_unit_test(test_hostile__thread_id_a_string),
        cmocka_unit_test(test_hostile__thread_id_past_2_32),
        cmocka_unit_test(test_hostile__thread_id_nil),
        cmocka_unit_test(test_hostile__thread_deep_and_empty),
        cmocka_unit_test(test_hostile__esearch_min_a_string),
        cmocka_unit_test(test_hostile__esearch_count_past_2_32),
        cmocka_unit_test(test_hostile__esearch_all_a_list),
        cmocka_unit_test(test_hostile__esearch_all_past_2_32),
        cmocka_unit_test(test_hostile__esearch_all_too_many),
        cmocka_unit_test(test_hostile__esearch_other_tag_and_nil_tag),
        cmocka_unit_test(test_hostile__get_flags_wrong_types_kept),
        cmocka_unit_test(test_hostile__gmail_labels_bad_utf7_kept_as_sent),
        cmocka_unit_test(test_hostile__copyuid_of_wrong_types),
        cmocka_unit_test(test_hostile__copyuid_sets_past_2_32_or_unpaired),
        cmocka_unit_test(test_hostile__appenduid_of_wrong_types),
        cmocka_unit_test(test_hostile__expunge_number_past_2_32),
        cmocka_unit_test(test_hostile__id_a_string),
        cmocka_unit_test(test_hostile__id_odd_list),
        cmocka_unit_test(test_hostile__id_key_nil),
        cmocka_unit_test(test_hostile__id_key_a_list),
        cmocka_unit_test(test_hostile__id_values_of_wrong_types),
        cmocka_unit_test(test_hostile__id_nil_gives_no_result),
        cmocka_unit_test(test_hostile__enabled_members_of_wrong_types),
        cmocka_unit_test(test_hostile__quota_usage_a_string),
        cmocka_unit_test(test_hostile__quota_usage_past_2_64),
        cmocka_unit_test(test_hostile__quota_resources_nil),
        cmocka_unit_test(test_hostile__quota_not_triplets),
        cmocka_unit_test(test_hostile__quota_root_a_list),
        cmocka_unit_test(test_hostile__quota_resource_a_list),
        cmocka_unit_test(test_hostile__quotaroot_mailbox_a_list),
        cmocka_unit_test(test_hostile__quotaroot_root_a_list),
        cmocka_unit_test(test_hostile__quota_at_2_64),
        cmocka_unit_test(test_hostile__acl_odd),
        cmocka_unit_test(test_hostile__acl_identifier_a_list),
        cmocka_unit_test(test_hostile__acl_rights_nil),
        cmocka_unit_test(test_hostile__acl_empty_and_numbers),
        cmocka_unit_test(test_hostile__acl_of_another_folder_not_mixed_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
