/* Live SEARCH, ESEARCH, SORT and THREAD against the private Dovecot, on a
 * fresh folder of realistic messages (tests/live/mail-samples.h) and on
 * the sample INBOX (read-only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <poll.h>

#include "live/live.h"
#include "live/mail-samples.h"

static int setup(void **state)
{
    return sample_setup(state, "search", 0);
}

static int teardown(void **state)
{
    return sample_teardown(state);
}

/* Search and compare with the expected ids (ascending, 0-terminated). */
static void expect_search(imapclient *c, const char *const *criteria, const char *charset,
                          const uint32_t *want)
{
    imapclient_ids *ids = NULL;
    int rc = imapclient_search(c, criteria, charset, &ids);
    if (rc)
        fail_msg("search: %s", imapclient_errmsg(c));
    size_t n = 0;
    while (want[n])
        n++;
    if (ids->count != n) {
        char got[256] = "";
        for (size_t i = 0; i < ids->count && strlen(got) < 200; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), " %u", ids->ids[i]);
        fail_msg("search %s...: %zu ids (%s), expected %zu",
                 criteria ? criteria[0] : "ALL", ids->count, got, n);
    }
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids->ids[i], want[i]);
    imapclient_ids_free(ids);
}

static void test_search__criteria(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    expect_search(c, NULL, NULL, (uint32_t[]){1, 2, 3, 4, 5, 6, 7, 0});
    expect_search(c, (const char *[]){"FROM", "alice@example.org", NULL}, NULL,
                  (uint32_t[]){1, 4, 7, 0});
    expect_search(c, (const char *[]){"UNSEEN", NULL}, NULL,
                  (uint32_t[]){2, 4, 5, 6, 7, 0});
    expect_search(c, (const char *[]){"KEYWORD", "$Invoice", NULL}, NULL,
                  (uint32_t[]){4, 0});
    /* an item with spaces and '?' is quoted */
    expect_search(c, (const char *[]){"SUBJECT", "Lunch on Friday?", NULL}, NULL,
                  (uint32_t[]){1, 2, 7, 0});
    expect_search(c,
                  (const char *[]){"HEADER", "Message-ID", "<lunch-1@example.org>", NULL},
                  NULL, (uint32_t[]){1, 0});
    expect_search(c, (const char *[]){"UID", "2:4", "LARGER", "400", NULL}, NULL,
                  (uint32_t[]){3, 4, 0});
}

static void test_search__nested_or_not(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    expect_search(c, (const char *[]){"NOT", "(", "FROM", "alice", ")", NULL}, NULL,
                  (uint32_t[]){2, 3, 5, 6, 0});
    expect_search(c, (const char *[]){"OR", "FROM", "bob", "FROM", "carol", NULL}, NULL,
                  (uint32_t[]){2, 3, 5, 0});
    /* not (from bob, or (from alice and seen)) */
    expect_search(c,
                  (const char *[]){"NOT", "(", "OR", "FROM", "bob", "(", "FROM", "alice",
                                   "SEEN", ")", ")", NULL},
                  NULL, (uint32_t[]){3, 4, 6, 7, 0});
    expect_search(c, (const char *[]){"(", "OR", "FLAGGED", "DRAFT", ")", "UNSEEN", NULL},
                  NULL, (uint32_t[]){4, 6, 0});
}

static void test_search__utf8_literal(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    /* the RFC 2047 subject and the 8-bit body, sent as literals */
    expect_search(c,
                  (const char *[]){"SUBJECT",
                                   "Gr\xc3\xbc\xc3\x9f"
                                   "e",
                                   NULL},
                  "UTF-8", (uint32_t[]){6, 0});
    expect_search(c, (const char *[]){"BODY", "Caf\xc3\xa9", NULL}, "UTF-8",
                  (uint32_t[]){6, 0});
    expect_search(c, (const char *[]){"TEXT", "K\xc3\xb6ln", "DRAFT", NULL}, "utf-8",
                  (uint32_t[]){6, 0});
    /* no charset given: the library chooses (CHARSET UTF-8 here) */
    expect_search(c, (const char *[]){"BODY", "Caf\xc3\xa9", NULL}, NULL,
                  (uint32_t[]){6, 0});
    /* what a BADCHARSET retry sends: the text in a charset the server
     * lists (Dovecot takes ISO-8859-1) finds the same message */
    expect_search(c, (const char *[]){"BODY", "Caf\xe9", NULL}, "ISO-8859-1",
                  (uint32_t[]){6, 0});
    /* 8-bit text that US-ASCII cannot carry fails before sending */
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(c, (const char *[]){"BODY", "Caf\xc3\xa9", NULL},
                                       "US-ASCII", &ids),
                     IMAPCLIENT_EINVAL);
    assert_null(ids);
    /* the same search without waiting */
    uint64_t id = 0;
    assert_int_equal(
        imapclient_start_search(c, (const char *[]){"BODY", "Caf\xc3\xa9", NULL}, NULL,
                                NULL, NULL, &id),
        0);
    for (int i = 0; i < 1000 && imapclient_pending_commands(c); i++) {
        imapclient_wants w;
        assert_int_equal(imapclient_want(c, &w), 0);
        struct pollfd p = {.fd = w.fd,
                           .events =
                               (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                       (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0))};
        poll(&p, 1, 100);
        assert_true(imapclient_drive(c) >= 0);
    }
    imapclient_completion *d = NULL;
    assert_int_equal(imapclient_next_completion(c, &d), 1);
    assert_int_equal(d->status, 0);
    ids = d->result;
    assert_int_equal(ids->count, 1);
    assert_int_equal(ids->ids[0], 6);
    imapclient_completion_free(d);
}

/* The quirk profiles of the private servers, and a search of non-ASCII
 * text on Cyrus, which answers an unknown charset with BAD. */
static void test_search__quirks_and_cyrus(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    assert_string_equal(imapclient_get_quirks(c)->name, "dovecot");
    const live_env *e = live_cyrus_require();
    imapclient *cy = live_login_to(e);
    assert_string_equal(imapclient_get_quirks(cy)->name, "cyrus");
    assert_int_equal(imapclient_select_folder(cy, "INBOX", 1, NULL), 0);
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(cy,
                                       (const char *[]){"TEXT",
                                                        "Gr\xc3\xbc\xc3\x9f"
                                                        "e",
                                                        NULL},
                                       NULL, &ids),
                     0);
    imapclient_ids_free(ids);
    assert_int_equal(
        imapclient_search(cy, (const char *[]){"ALL", NULL}, "X-NO-SUCH", &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_non_null(strstr(imapclient_errmsg(cy), "BAD"));
    imapclient_logout(cy, NULL);
    imapclient_free(cy);
}

static void test_search__internaldate_zone(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    /* UID 1 was appended at 2021-06-07 12:00 +0530; UID 6 on 1 June */
    expect_search(c, (const char *[]){"ON", "7-Jun-2021", NULL}, NULL,
                  (uint32_t[]){1, 0});
    expect_search(c, (const char *[]){"SINCE", "11-Jun-2021", NULL}, NULL,
                  (uint32_t[]){5, 7, 0});
    imapclient_datetime d = {2021, 6, 8, 0, 0, 0, 0, 0};
    char day[16];
    assert_int_equal(imapclient_datetime_format_date(&d, day), 0);
    expect_search(c, (const char *[]){"BEFORE", day, NULL}, NULL, (uint32_t[]){1, 6, 0});
    /* the offset was honoured: the stored instant is 06:30 UTC */
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "1", (const char *[]){"INTERNALDATE", NULL}, NULL, &r), 0);
    const imapclient_message *m = imapclient_fetch_result_get(r, 1);
    assert_non_null(m);
    assert_true(m->has_internaldate);
    int64_t got, want;
    imapclient_datetime sent = sample_date(0);
    assert_int_equal(imapclient_datetime_to_epoch(&m->internaldate, &got), 0);
    assert_int_equal(imapclient_datetime_to_epoch(&sent, &want), 0);
    assert_int_equal(got, want);
    imapclient_fetch_result_free(r);
}

static void test_search__raw_and_bad_criteria(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search_raw(c, "OR FROM bob FROM \"carol\"", NULL, &ids),
                     0);
    assert_int_equal(ids->count, 3);
    imapclient_ids_free(ids);
    ids = NULL;
    /* one item "NOT DELETED" is quoted: Dovecot refuses it */
    assert_int_equal(
        imapclient_search(c, (const char *[]){"NOT DELETED", NULL}, NULL, &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_null(ids);
    assert_non_null(strstr(imapclient_errmsg(c), "BAD"));
    assert_int_equal(
        imapclient_search(c, (const char *[]){"ALL", NULL}, "X-NO-SUCH-CHARSET", &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    /* the connection is still fine */
    assert_int_equal(imapclient_search(c, (const char *[]){"DELETED", NULL}, NULL, &ids),
                     0);
    assert_int_equal(ids->count, 0);
    imapclient_ids_free(ids);
}

static void test_search__use_uid_off(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_set_use_uid(c, 0);
    expect_search(c, (const char *[]){"FROM", "bob", NULL}, NULL, (uint32_t[]){2, 5, 0});
    imapclient_set_use_uid(c, 1);
}

static void test_search__condstore_modseq(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    /* a MODSEQ criterion enables CONDSTORE on Dovecot and adds (MODSEQ n) */
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"MODSEQ", "1", NULL}, NULL, &ids), 0);
    assert_int_equal(ids->count, MAIL_SAMPLE_COUNT);
    assert_true(ids->has_modseq);
    uint64_t before = ids->modseq;
    imapclient_ids_free(ids);
    assert_int_equal(
        imapclient_add_flags(c, "5", (const char *[]){"$Later", NULL}, 1, NULL), 0);
    char crit[32];
    snprintf(crit, sizeof crit, "%llu", (unsigned long long)before + 1);
    assert_int_equal(
        imapclient_search(c, (const char *[]){"MODSEQ", crit, NULL}, NULL, &ids), 0);
    assert_int_equal(ids->count, 1);
    assert_int_equal(ids->ids[0], 5);
    assert_true(ids->has_modseq);
    assert_true(ids->modseq > before);
    imapclient_ids_free(ids);
}

static void test_search__esearch(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_esearch_result *r = NULL;
    assert_int_equal(
        imapclient_esearch(c, (const char *[]){"UNSEEN", NULL}, NULL,
                           (const char *[]){"MIN", "MAX", "COUNT", "ALL", NULL}, &r),
        0);
    assert_true(r->uid);
    assert_int_equal(r->min, 2);
    assert_int_equal(r->max, 7);
    assert_int_equal(r->count, 5);
    assert_int_equal(r->id_count, 5);
    uint32_t want[] = {2, 4, 5, 6, 7};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(r->ids[i], want[i]);
    imapclient_esearch_result_free(r);
    /* nothing matches: no data at all */
    assert_int_equal(imapclient_esearch(c, (const char *[]){"DELETED", NULL}, NULL,
                                        (const char *[]){"MIN", "COUNT", NULL}, &r),
                     0);
    assert_false(r->has_min);
    assert_int_equal(r->id_count, 0);
    imapclient_esearch_result_free(r);
}

static void test_search__sort(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_ids *ids = NULL;
    /* ARRIVAL is the internal date: UID 6 was dated 1 June */
    assert_int_equal(
        imapclient_sort(c, (const char *[]){"ARRIVAL", NULL}, NULL, NULL, &ids), 0);
    uint32_t arrival[] = {6, 1, 2, 3, 4, 5, 7};
    assert_int_equal(ids->count, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(ids->ids[i], arrival[i]);
    imapclient_ids_free(ids);
    assert_int_equal(imapclient_sort(c, (const char *[]){"reverse date", NULL}, NULL,
                                     "US-ASCII", &ids),
                     0);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(ids->ids[i], 7 - i);
    imapclient_ids_free(ids);
    /* with search criteria, 8-bit as a literal */
    assert_int_equal(
        imapclient_sort(c, (const char *[]){"FROM", "SUBJECT", NULL},
                        (const char *[]){"OR", "SEEN", "TEXT", "Caf\xc3\xa9", NULL}, NULL,
                        &ids),
        0);
    assert_int_equal(ids->count, 3);
    imapclient_ids_free(ids);
}

static void test_search__thread_references(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_threads *t = NULL;
    assert_int_equal(imapclient_thread(c, NULL, NULL, NULL, &t), 0);
    /* (1 2 7)(3 5)(4)(6) */
    assert_int_equal(t->count, 4);
    assert_int_equal(t->threads[0].count, 3);
    assert_int_equal(t->threads[0].items[0].id, 1);
    assert_int_equal(t->threads[0].items[1].id, 2);
    assert_int_equal(t->threads[0].items[2].id, 7);
    assert_int_equal(t->threads[1].count, 2);
    assert_int_equal(t->threads[1].items[0].id, 3);
    assert_int_equal(t->threads[1].items[1].id, 5);
    assert_int_equal(t->threads[2].items[0].id, 4);
    assert_int_equal(t->threads[3].items[0].id, 6);
    imapclient_threads_free(t);
}

static size_t count_ids(const imapclient_thread_node *n)
{
    size_t k = n->id ? 1 : 0;
    for (size_t i = 0; i < n->count; i++)
        k += count_ids(&n->items[i]);
    return k;
}

static void test_search__thread_algorithms(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    const char *algs[] = {"ORDEREDSUBJECT", "REFS"};
    for (size_t a = 0; a < 2; a++) {
        imapclient_threads *t = NULL;
        int rc = imapclient_thread(c, algs[a], (const char *[]){"NOT", "DRAFT", NULL},
                                   NULL, &t);
        if (rc)
            fail_msg("thread %s: %s", algs[a], imapclient_errmsg(c));
        size_t total = 0;
        for (size_t i = 0; i < t->count; i++)
            total += count_ids(&t->threads[i]);
        assert_int_equal(total, 6); /* every message but the draft */
        imapclient_threads_free(t);
    }
    imapclient_threads *t = NULL;
    assert_int_equal(imapclient_thread(c, "NO-SUCH-ALGORITHM", NULL, NULL, &t),
                     IMAPCLIENT_ECAPABILITY);
}

/* The sample INBOX, read-only: the documented SORT and THREAD results. */
static void test_search__inbox_sort_thread(void **state)
{
    imapclient *c = live_login();
    assert_int_equal(imapclient_select_folder(c, "INBOX", 1, NULL), 0);
    imapclient_ids *arr = NULL, *date = NULL;
    assert_int_equal(
        imapclient_sort(c, (const char *[]){"ARRIVAL", NULL}, NULL, NULL, &arr), 0);
    assert_int_equal(
        imapclient_sort(c, (const char *[]){"DATE", NULL}, NULL, NULL, &date), 0);
    assert_int_equal(arr->count, 8);
    assert_int_equal(date->count, 8);
    assert_memory_not_equal(arr->ids, date->ids, 8 * sizeof *arr->ids);
    imapclient_ids_free(arr);
    imapclient_ids_free(date);
    imapclient_threads *t = NULL;
    assert_int_equal(imapclient_thread(c, "REFERENCES", NULL, NULL, &t), 0);
    /* (1 3 8)(2 5)(4)(6)(7) */
    assert_int_equal(t->count, 5);
    assert_int_equal(t->threads[0].count, 3);
    assert_int_equal(t->threads[0].items[2].id, 8);
    assert_int_equal(t->threads[1].items[1].id, 5);
    assert_int_equal(t->threads[4].items[0].id, 7);
    imapclient_threads_free(t);
    imapclient_logout(c, NULL);
    imapclient_free(c);
}

int main(void)
{
    live_require();
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_search__criteria),
        T(test_search__nested_or_not),
        T(test_search__utf8_literal),
        T(test_search__quirks_and_cyrus),
        T(test_search__internaldate_zone),
        T(test_search__raw_and_bad_criteria),
        T(test_search__use_uid_off),
        T(test_search__condstore_modseq),
        T(test_search__esearch),
        T(test_search__sort),
        T(test_search__thread_references),
        T(test_search__thread_algorithms),
        cmocka_unit_test(test_search__inbox_sort_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
