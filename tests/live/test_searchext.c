/* Live: search and fetch extensions against the private Dovecot (its
 * sample mail, tests/live/README.md): WITHIN (RFC 5032), SAVEDATE (RFC
 * 8514), PREVIEW (RFC 8970), BINARY in FETCH (RFC 3516, plain and
 * streaming), SEARCHRES (RFC 5182), ESORT (RFC 5267); and against the
 * private Cyrus: OBJECTID's EMAILID and THREADID (RFC 8474) in FETCH and
 * SEARCH, WITHIN, SAVEDATE, ESORT. What neither offers (PARTIAL,
 * MULTISEARCH) is refused before sending. The sample mail is only read;
 * what the tests write goes to folders they create and remove. */
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

static size_t search_count(imapclient *c, const char *const *criteria)
{
    imapclient_ids *ids = NULL;
    check(imapclient_search(c, criteria, NULL, &ids), c);
    size_t n = ids->count;
    imapclient_ids_free(ids);
    return n;
}

/* ---- Dovecot ------------------------------------------------------------------ */

static void test_searchext__dovecot_within_savedate_preview(void **state)
{
    const live_env *E = live_require();
    imapclient *c = live_login();
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    size_t all = (size_t)E->inbox_count;
    /* the sample mail's INTERNALDATEs are in 2023: all older than a minute */
    assert_int_equal(search_count(c, (const char *[]){"OLDER", "60", NULL}), all);
    assert_int_equal(search_count(c, (const char *[]){"YOUNGER", "60", NULL}), 0);
    /* saved at the server's start */
    assert_int_equal(search_count(c, (const char *[]){"SAVEDATESUPPORTED", NULL}), all);
    assert_int_equal(search_count(c, (const char *[]){"SAVEDSINCE", "1-Jan-2000", NULL}),
                     all);
    assert_int_equal(search_count(c, (const char *[]){"SAVEDBEFORE", "1-Jan-2000", NULL}),
                     0);
    /* a key's argument that reads like a key is not one */
    assert_int_equal(search_count(c, (const char *[]){"SUBJECT", "OLDER", NULL}), 0);

    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "1:*", (const char *[]){"SAVEDATE", "PREVIEW", NULL}, NULL,
                           &r),
          c);
    assert_int_equal(r->count, all);
    for (size_t i = 0; i < r->count; i++) {
        assert_true(r->msgs[i].has_savedate);
        assert_non_null(r->msgs[i].preview);
    }
    const imapclient_message *m = imapclient_fetch_result_get(r, 1);
    assert_int_equal(strncmp(m->preview, "Hi, here are the notes", 22), 0);
    m = imapclient_fetch_result_get(r, 6); /* RFC 2047 and 8-bit: UTF-8 */
    assert_non_null(strstr(m->preview, "M\xc3\xbcnchen"));
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

typedef struct collected {
    char *buf;
    size_t n;
    int msgs;
} collected;

static int sink(void *p, uint32_t seq, const char *name, const char *data, size_t len)
{
    collected *s = p;
    assert_string_equal(name, "BINARY[2]");
    s->buf = realloc(s->buf, s->n + len + 1);
    memcpy(s->buf + s->n, data, len);
    s->n += len;
    return 0;
}

static int on_msg(void *p, const imapclient_message *m)
{
    ((collected *)p)->msgs++;
    return 0;
}

static void test_searchext__dovecot_binary(void **state)
{
    /* message 4 has a base64 PDF as part 2: BINARY gives it decoded */
    imapclient *c = live_login();
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "4",
                           (const char *[]){"BINARY.SIZE[2]", "BINARY.PEEK[2]", NULL},
                           NULL, &r),
          c);
    uint64_t size = 0;
    const char *data = NULL;
    size_t len = 0;
    assert_int_equal(imapclient_message_binary_size(&r->msgs[0], "2", &size), 1);
    assert_int_equal(imapclient_message_binary(&r->msgs[0], "2", &data, &len), 1);
    assert_int_equal(len, size);
    assert_true(len > 8);
    assert_memory_equal(data, "%PDF-", 5);
    /* the streaming form gives the same bytes through the sink */
    collected s = {0};
    check(imapclient_fetch_each(c, "4", (const char *[]){"BINARY.PEEK[2]", NULL}, NULL,
                                on_msg, sink, 1, &s),
          c);
    assert_int_equal(s.msgs, 1);
    assert_int_equal(s.n, len);
    assert_memory_equal(s.buf, data, len);
    free(s.buf);
    /* a part of it */
    imapclient_fetch_result *p = NULL;
    check(
        imapclient_fetch(c, "4", (const char *[]){"BINARY.PEEK[2]<1.4>", NULL}, NULL, &p),
        c);
    const char *part = NULL;
    assert_int_equal(imapclient_message_binary(&p->msgs[0], "2", &part, &len), 1);
    assert_int_equal(len, 4);
    assert_memory_equal(part, data + 1, 4);
    imapclient_fetch_result_free(p);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_searchext__dovecot_searchres_esort(void **state)
{
    imapclient *c = live_login();
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    /* SAVE, then "$" in FETCH and COPY */
    imapclient_ids *unseen = NULL;
    check(imapclient_search(c, (const char *[]){"UNSEEN", NULL}, NULL, &unseen), c);
    imapclient_esearch_result *e = NULL;
    check(imapclient_esearch(c, (const char *[]){"UNSEEN", NULL}, NULL,
                             (const char *[]){"SAVE", NULL}, &e),
          c);
    imapclient_esearch_result_free(e);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "$", (const char *[]){"FLAGS", NULL}, NULL, &r), c);
    assert_int_equal(r->count, unseen->count);
    for (size_t i = 0; i < unseen->count; i++)
        assert_non_null(imapclient_fetch_result_get(r, unseen->ids[i]));
    imapclient_fetch_result_free(r);
    char folder[64];
    snprintf(folder, sizeof folder, "Saved-%d", (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);
    check(imapclient_copy(c, "$", folder, NULL), c);
    imapclient_status_info *st = NULL;
    check(imapclient_folder_status(c, folder, (const char *[]){"MESSAGES", NULL}, &st),
          c);
    assert_int_equal(st->messages, unseen->count);
    imapclient_status_info_free(st);
    check(imapclient_delete_folder(c, folder, NULL), c);
    /* "$" in the criteria */
    imapclient_ids *again = NULL;
    check(imapclient_search(c, (const char *[]){"UID", "$", NULL}, NULL, &again), c);
    assert_int_equal(again->count, unseen->count);
    imapclient_ids_free(again);
    imapclient_ids_free(unseen);

    /* ESORT: ALL in the order SORT gives, MIN/MAX its ends */
    imapclient_ids *sorted = NULL;
    check(imapclient_sort(c, (const char *[]){"REVERSE", "DATE", NULL}, NULL, NULL,
                          &sorted),
          c);
    check(imapclient_esort(c, (const char *[]){"REVERSE", "DATE", NULL}, NULL, NULL,
                           (const char *[]){"ALL", "COUNT", "MIN", "MAX", NULL}, &e),
          c);
    assert_int_equal(e->id_count, sorted->count);
    assert_int_equal(e->count, sorted->count);
    for (size_t i = 0; i < sorted->count; i++)
        assert_int_equal(e->ids[i], sorted->ids[i]);
    assert_int_equal(e->min, sorted->ids[0]);
    assert_int_equal(e->max, sorted->ids[sorted->count - 1]);
    imapclient_esearch_result_free(e);
    imapclient_ids_free(sorted);

    /* not offered: refused before sending */
    assert_int_equal(imapclient_search_partial(c, NULL, NULL, 1, 10, &e),
                     IMAPCLIENT_ECAPABILITY);
    imapclient_search_source src = {IMAPCLIENT_IN_PERSONAL, NULL};
    imapclient_multisearch_result *m = NULL;
    assert_int_equal(imapclient_multisearch(c, &src, 1, NULL, NULL, NULL, &m),
                     IMAPCLIENT_ECAPABILITY);
    assert_int_equal(
        imapclient_fetch(c, "1", (const char *[]){"EMAILID", NULL}, NULL, &r),
        IMAPCLIENT_ECAPABILITY);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

/* ---- Cyrus ---------------------------------------------------------------------- */

static void test_searchext__cyrus_objectid(void **state)
{
    /* a message and a reply: two EMAILIDs, one THREADID (conversations) */
    const live_env *E = live_cyrus_require();
    imapclient *c = live_login_to(E);
    char folder[64];
    snprintf(folder, sizeof folder, "Objects-%d", (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);
    static const char m1[] = "From: a@example.org\r\nSubject: Lunch\r\n"
                             "Message-ID: <m1@example.org>\r\n\r\nFriday?\r\n";
    static const char m2[] = "From: b@example.org\r\nSubject: Re: Lunch\r\n"
                             "Message-ID: <m2@example.org>\r\n"
                             "In-Reply-To: <m1@example.org>\r\n"
                             "References: <m1@example.org>\r\n\r\nYes.\r\n";
    check(imapclient_append(c, folder, m1, sizeof m1 - 1, NULL, NULL, NULL), c);
    check(imapclient_append(c, folder, m2, sizeof m2 - 1, NULL, NULL, NULL), c);
    check(imapclient_select_folder(c, folder, 0, NULL), c);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(
              c, "1:*",
              (const char *[]){"EMAILID", "THREADID", "SAVEDATE", "PREVIEW", NULL}, NULL,
              &r),
          c);
    assert_int_equal(r->count, 2);
    const imapclient_message *a = imapclient_fetch_result_get(r, 1),
                             *b = imapclient_fetch_result_get(r, 2);
    assert_non_null(a->emailid);
    assert_non_null(b->emailid);
    assert_string_not_equal(a->emailid, b->emailid);
    assert_non_null(a->threadid);
    assert_non_null(b->threadid);
    assert_string_equal(a->threadid, b->threadid);
    assert_true(a->has_savedate);
    char emailid[256], threadid[256];
    snprintf(emailid, sizeof emailid, "%s", b->emailid);
    snprintf(threadid, sizeof threadid, "%s", a->threadid);
    imapclient_fetch_result_free(r);

    imapclient_ids *ids = NULL;
    check(imapclient_search(c, (const char *[]){"EMAILID", emailid, NULL}, NULL, &ids),
          c);
    assert_int_equal(ids->count, 1);
    assert_int_equal(ids->ids[0], 2);
    imapclient_ids_free(ids);
    check(imapclient_search(c, (const char *[]){"THREADID", threadid, NULL}, NULL, &ids),
          c);
    assert_int_equal(ids->count, 2);
    imapclient_ids_free(ids);
    /* just appended: younger than an hour, saved today */
    check(imapclient_search(c, (const char *[]){"YOUNGER", "3600", NULL}, NULL, &ids), c);
    assert_int_equal(ids->count, 2);
    imapclient_ids_free(ids);
    check(imapclient_search(c, (const char *[]){"SAVEDBEFORE", "1-Jan-2000", NULL}, NULL,
                            &ids),
          c);
    assert_int_equal(ids->count, 0);
    imapclient_ids_free(ids);
    /* ESORT agrees with SORT */
    imapclient_esearch_result *e = NULL;
    check(imapclient_esort(c, (const char *[]){"REVERSE", "SUBJECT", NULL}, NULL, NULL,
                           (const char *[]){"ALL", "COUNT", NULL}, &e),
          c);
    check(imapclient_sort(c, (const char *[]){"REVERSE", "SUBJECT", NULL}, NULL, NULL,
                          &ids),
          c);
    assert_int_equal(e->id_count, 2);
    assert_int_equal(e->count, 2);
    assert_int_equal(e->ids[0], ids->ids[0]);
    assert_int_equal(e->ids[1], ids->ids[1]);
    imapclient_ids_free(ids);
    imapclient_esearch_result_free(e);
    check(imapclient_close_folder(c, NULL), c);
    check(imapclient_delete_folder(c, folder, NULL), c);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_searchext__dovecot_within_savedate_preview),
        cmocka_unit_test(test_searchext__dovecot_binary),
        cmocka_unit_test(test_searchext__dovecot_searchres_esort),
        cmocka_unit_test(test_searchext__cyrus_objectid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
