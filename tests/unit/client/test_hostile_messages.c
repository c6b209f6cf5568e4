/* Hostile servers against every public call that talks to the server:
 * the message calls (search, sort, thread, flags, labels, expunge, copy,
 * move, append, fetch). The attacks and the claims they check are in
 * hostile_matrix.h; each (attack, call) pair is a test named
 * test_hostile__<attack>__<call>. */
#include "hostile_matrix.h"

static int check_ids(int rc, imapclient_ids **idp, int mode, uint32_t a, uint32_t b)
{
    imapclient_ids *ids = *idp;
    if (rc) {
        assert_null(ids);
        return rc;
    }
    if (mode) {
        assert_int_equal(ids->count, 2);
        assert_int_equal(ids->ids[0], a);
        assert_int_equal(ids->ids[1], b);
    }
    imapclient_ids_free(ids);
    return 0;
}

static int r_search(imapclient *c, int mode)
{
    imapclient_ids *ids = NULL;
    return check_ids(imapclient_search(c, NULL, NULL, &ids), &ids, mode, 2, 5);
}

static int r_search_raw(imapclient *c, int mode)
{
    imapclient_ids *ids = NULL;
    return check_ids(imapclient_search_raw(c, "FLAGGED", NULL, &ids), &ids, mode, 2, 5);
}

static int r_gmail_search(imapclient *c, int mode)
{
    imapclient_ids *ids = NULL;
    return check_ids(imapclient_gmail_search(c, "in:inbox foo", NULL, &ids), &ids, mode,
                     2, 5);
}

static int r_sort(imapclient *c, int mode)
{
    imapclient_ids *ids = NULL;
    return check_ids(
        imapclient_sort(c, (const char *[]){"ARRIVAL", NULL}, NULL, NULL, &ids), &ids,
        mode, 5, 2);
}

static int r_esearch(imapclient *c, int mode)
{
    imapclient_esearch_result *r = NULL;
    int rc =
        imapclient_esearch(c, NULL, NULL, (const char *[]){"MIN", "COUNT", NULL}, &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_true(r->uid);
        assert_true(r->has_min);
        assert_int_equal(r->min, 2);
        assert_true(r->has_count);
        assert_int_equal(r->count, 5);
        assert_false(r->has_max);
    }
    imapclient_esearch_result_free(r);
    return 0;
}

static int r_thread(imapclient *c, int mode)
{
    imapclient_threads *t = NULL;
    int rc = imapclient_thread(c, NULL, NULL, NULL, &t);
    if (rc) {
        assert_null(t);
        return rc;
    }
    if (mode) {
        assert_int_equal(t->count, 2);
        assert_int_equal(t->threads[1].count, 2);
        assert_int_equal(t->threads[1].items[1].id, 6);
    }
    imapclient_threads_free(t);
    return 0;
}

static int check_flags(int rc, imapclient_flags_result **rp, int mode, const char *flag)
{
    imapclient_flags_result *r = *rp;
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_int_equal(r->count, 1);
        assert_int_equal(r->msgs[0].id, 2);
        assert_int_equal(r->msgs[0].seq, 1);
        assert_int_equal(r->msgs[0].count, 1);
        assert_string_equal(r->msgs[0].flags[0], flag);
    }
    imapclient_flags_result_free(r);
    return 0;
}

static const char *const seen_flag[] = {IMAPCLIENT_SEEN, NULL};
static const char *const foo_label[] = {"foo", NULL};

static int r_get_flags(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_get_flags(c, "2", &r), &r, mode, "\\Seen");
}

static int r_set_flags(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_set_flags(c, "2", seen_flag, 0, &r), &r, mode,
                       "\\Seen");
}

static int r_add_flags(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_add_flags(c, "2", seen_flag, 0, &r), &r, mode,
                       "\\Seen");
}

static int r_remove_flags(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_remove_flags(c, "2", seen_flag, 0, &r), &r, mode,
                       "\\Seen");
}

static int r_delete_messages(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_delete_messages(c, "2", 0, &r), &r, mode, "\\Seen");
}

static int r_get_gmail_labels(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_get_gmail_labels(c, "2", &r), &r, mode, "foo");
}

static int r_set_gmail_labels(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_set_gmail_labels(c, "2", foo_label, 0, &r), &r, mode,
                       "foo");
}

static int r_add_gmail_labels(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_add_gmail_labels(c, "2", foo_label, 0, &r), &r, mode,
                       "foo");
}

static int r_remove_gmail_labels(imapclient *c, int mode)
{
    imapclient_flags_result *r = NULL;
    return check_flags(imapclient_remove_gmail_labels(c, "2", foo_label, 0, &r), &r, mode,
                       "foo");
}

static int check_expunge(int rc, imapclient_responses **rp, int mode)
{
    imapclient_responses *r = *rp;
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_string_equal(r->text, "done");
        assert_true(r->count >= 1);
        if (mode == 1)
            assert_int_equal(r->count, 1);
        else
            check_interleaved(r->items, r->count);
        int found = 0;
        for (size_t i = 0; i < r->count; i++)
            found |= r->items[i].number == 1 && !strcmp(r->items[i].name, "EXPUNGE");
        assert_true(found);
    }
    imapclient_responses_free(r);
    return 0;
}

static int r_expunge(imapclient *c, int mode)
{
    imapclient_responses *r = NULL;
    return check_expunge(imapclient_expunge(c, NULL, &r), &r, mode);
}

static int r_uid_expunge(imapclient *c, int mode)
{
    imapclient_responses *r = NULL;
    return check_expunge(imapclient_uid_expunge(c, "2", &r), &r, mode);
}

static int check_copy(int rc, imapclient_copy_result **rp, int mode)
{
    imapclient_copy_result *r = *rp;
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_true(r->has_copyuid);
        assert_int_equal(r->uidvalidity, 9);
        assert_int_equal(r->count, 1);
        assert_int_equal(r->source_uids[0], 2);
        assert_int_equal(r->dest_uids[0], 7);
        assert_string_equal(r->text, "done");
    }
    imapclient_copy_result_free(r);
    return 0;
}

static int r_copy(imapclient *c, int mode)
{
    imapclient_copy_result *r = NULL;
    return check_copy(imapclient_copy(c, "2", "Archive", &r), &r, mode);
}

static int r_move(imapclient *c, int mode)
{
    imapclient_copy_result *r = NULL;
    return check_copy(imapclient_move(c, "2", "Archive", &r), &r, mode);
}

static int check_append(int rc, imapclient_append_result **rp, int mode, size_t n)
{
    imapclient_append_result *r = *rp;
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_true(r->has_appenduid);
        assert_int_equal(r->uidvalidity, 9);
        assert_int_equal(r->count, n);
        assert_int_equal(r->uids[n - 1], 11 + n);
        assert_string_equal(r->text, "done");
    }
    imapclient_append_result_free(r);
    return 0;
}

static int r_append(imapclient *c, int mode)
{
    imapclient_append_result *r = NULL;
    return check_append(imapclient_append(c, "INBOX", "hello", 5, NULL, NULL, &r), &r,
                        mode, 1);
}

static int r_multiappend(imapclient *c, int mode)
{
    imapclient_append_result *r = NULL;
    imapclient_append_msg m[2] = {{.data = "hello", .len = 5},
                                  {.data = "world", .len = 5}};
    return check_append(imapclient_multiappend(c, "INBOX", m, 2, &r), &r, mode, 2);
}

static int r_fetch(imapclient *c, int mode)
{
    imapclient_fetch_result *r = NULL;
    int rc = imapclient_fetch(c, "2", (const char *[]){"FLAGS", NULL}, NULL, &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_int_equal(r->count, 1);
        const imapclient_message *m = imapclient_fetch_result_get(r, 2);
        assert_non_null(m);
        assert_int_equal(m->seq, 1);
        assert_int_equal(m->flag_count, 1);
        assert_string_equal(m->flags[0], "\\Seen");
    }
    imapclient_fetch_result_free(r);
    return 0;
}

static int count_msg(void *payload, const imapclient_message *m)
{
    int *n = payload;
    if (m->has_uid && m->uid == 2 && m->flag_count == 1)
        (*n)++;
    return 0;
}

static int r_fetch_each(imapclient *c, int mode)
{
    int n = 0;
    int rc = imapclient_fetch_each(c, "2", (const char *[]){"FLAGS", NULL}, NULL,
                                   count_msg, NULL, 0, &n);
    if (rc == 0 && mode)
        assert_int_equal(n, 1);
    return rc;
}

static const hcall calls[] = {
    /* search */
    S(search, "C: @T UID SEARCH ALL\n", "S: * SEARCH 2 5\n", OK, E_CRIT, -1, 0),
    S(search_raw, "C: @T UID SEARCH FLAGGED\n", "S: * SEARCH 2 5\n", OK, E_CRIT, -1, 0),
    S(gmail_search, "C: @T UID SEARCH CHARSET UTF-8 X-GM-RAW \"in:inbox foo\"\n",
      "S: * SEARCH 2 5\n", OK, E_CRIT, -1, 0),
    S(esearch, "C: @T UID SEARCH RETURN (MIN COUNT) ALL\n",
      "S: * ESEARCH (TAG \"@T\") UID MIN 2 COUNT 5\n", OK, E_CRIT, -1, 0),
    S(sort, "C: @T UID SORT (ARRIVAL) UTF-8 ALL\n", "S: * SORT 5 2\n", OK, E_CRIT, -1, 0),
    S(thread, "C: @T UID THREAD REFERENCES UTF-8 ALL\n", "S: * THREAD (2)(3 6)\n", OK,
      E_CRIT, -1, 0),
    /* flags and labels */
    S(get_flags, "C: @T UID FETCH 2 (FLAGS)\n", FETCH_SEEN, OK, E_ERR, -1, 0),
    S(set_flags, "C: @T UID STORE 2 FLAGS (\\Seen)\n", FETCH_SEEN, OK, E_ERR, -1, 0),
    S(add_flags, "C: @T UID STORE 2 +FLAGS (\\Seen)\n", FETCH_SEEN, OK, E_ERR, -1, 0),
    S(remove_flags, "C: @T UID STORE 2 -FLAGS (\\Seen)\n", FETCH_SEEN, OK, E_ERR, -1, 0),
    S(delete_messages, "C: @T UID STORE 2 +FLAGS (\\Deleted)\n", FETCH_SEEN, OK, E_ERR,
      -1, 0),
    S(get_gmail_labels, "C: @T UID FETCH 2 (X-GM-LABELS)\n", FETCH_FOO, OK, E_ERR, -1, 0),
    S(set_gmail_labels, "C: @T UID STORE 2 X-GM-LABELS (\"foo\")\n", FETCH_FOO, OK, E_ERR,
      -1, 0),
    S(add_gmail_labels, "C: @T UID STORE 2 +X-GM-LABELS (\"foo\")\n", FETCH_FOO, OK,
      E_ERR, -1, 0),
    S(remove_gmail_labels, "C: @T UID STORE 2 -X-GM-LABELS (\"foo\")\n", FETCH_FOO, OK,
      E_ERR, -1, 0),
    /* expunge, copy, move, append */
    S(expunge, "C: @T EXPUNGE\n", "S: * 1 EXPUNGE\n", OK, E_ERR, -1, H_COLLECTS),
    S(uid_expunge, "C: @T UID EXPUNGE 2\n", "S: * 1 EXPUNGE\n", OK, E_ERR, -1,
      H_COLLECTS),
    S(copy, "C: @T UID COPY 2 \"Archive\"\n", "", "OK [COPYUID 9 2 7] done", E_ERR, -1,
      0),
    S(move, "C: @T UID MOVE 2 \"Archive\"\n",
      "S: * OK [COPYUID 9 2 7] moving\nS: * 1 EXPUNGE\n", OK, E_ERR, -1, 0),
    A(append, "C: @T APPEND \"INBOX\" () {5+}\nC: hello\n", "",
      "OK [APPENDUID 9 12] done", E_ERR, -1, 0),
    A(multiappend, "C: @T APPEND \"INBOX\" {5+}\nC: hello {5+}\nC: world\n", "",
      "OK [APPENDUID 9 12:13] done", E_ERR, -1, 0),
    /* fetch */
    S(fetch, "C: @T UID FETCH 2 (FLAGS)\n", FETCH_SEEN, OK, E_ERR, -1, 0),
    S(fetch_each, "C: @T UID FETCH 2 (FLAGS)\n", FETCH_SEEN, OK, E_ERR, -1, 0),
};

int main(void)
{
    return hostile_run_matrix("hostile_messages", calls, sizeof calls / sizeof calls[0]);
}
