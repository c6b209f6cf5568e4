/* Live FETCH against the private Dovecot's sample INBOX (read-only: the
 * folder is EXAMINEd, so nothing here changes the mail). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "live/live.h"

static const live_env *E;

static imapclient *examine_inbox(void)
{
    imapclient *c = live_login();
    imapclient_set_normalise_times(c, 0);
    if (imapclient_select_folder(c, "INBOX", 1, NULL))
        fail_msg("examine: %s", imapclient_errmsg(c));
    return c;
}

static void test_fetch__all_items_typed(void **state)
{
    imapclient *c = examine_inbox();
    imapclient_fetch_result *r = NULL;
    int rc =
        imapclient_fetch(c, "1:*",
                         (const char *[]){"UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE",
                                          "ENVELOPE", "BODYSTRUCTURE", "MODSEQ", NULL},
                         NULL, &r);
    assert_int_equal(rc, 0);
    assert_int_equal(r->count, (size_t)E->inbox_count);
    for (size_t i = 0; i < r->count; i++) {
        const imapclient_message *m = &r->msgs[i];
        assert_true(m->has_uid);
        assert_int_equal(m->id, m->uid);
        assert_non_null(m->flags);
        assert_true(m->has_internaldate);
        assert_true(m->internaldate.has_offset);
        assert_true(m->has_size && m->size > 100);
        assert_non_null(m->envelope);
        assert_non_null(m->envelope->subject);
        assert_true(m->envelope->from_count >= 1);
        assert_non_null(m->body);
        assert_true(m->has_modseq);
        assert_int_equal(m->item_count, 7);
    }
    /* UID 1 is the plain text message flagged \Answered \Seen */
    const imapclient_message *m1 = imapclient_fetch_result_get(r, 1);
    assert_non_null(m1);
    assert_false(m1->body->is_multipart);
    assert_true(!strcasecmp(m1->body->subtype ? m1->body->subtype : "", "PLAIN"));
    int seen = 0;
    for (size_t i = 0; i < m1->flag_count; i++)
        seen += !strcmp(m1->flags[i], "\\Seen");
    assert_int_equal(seen, 1);
    /* UID 2 is multipart/alternative */
    const imapclient_message *m2 = imapclient_fetch_result_get(r, 2);
    assert_true(m2->body->is_multipart);
    assert_true(!strcasecmp(m2->body->subtype, "ALTERNATIVE"));
    assert_int_equal(m2->body->part_count, 2);
    /* UID 5 carries a nested message/rfc822 with its own envelope */
    const imapclient_message *m5 = imapclient_fetch_result_get(r, 5);
    int nested = 0;
    for (size_t i = 0; i < m5->body->part_count; i++)
        if (m5->body->parts[i].envelope && m5->body->parts[i].body)
            nested++;
    assert_int_equal(nested, 1);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__sequence_numbers_and_sections(void **state)
{
    imapclient *c = examine_inbox();
    imapclient_set_use_uid(c, 0);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(
            c, "2:3",
            (const char *[]){"BODY.PEEK[HEADER.FIELDS (SUBJECT)]", "BODY.PEEK[]", NULL},
            NULL, &r),
        0);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->msgs[0].id, r->msgs[0].seq);
    const imapclient_value *h =
        imapclient_message_item(&r->msgs[0], "BODY.PEEK[HEADER.FIELDS (SUBJECT)]");
    assert_non_null(h);
    assert_true(!strncasecmp(h->str, "Subject:", 8));
    const imapclient_value *body = imapclient_message_item(&r->msgs[0], "BODY[]");
    assert_non_null(body);
    assert_true(body->len > h->len);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

typedef struct counter {
    size_t msgs, bytes, sunk_calls;
} counter;

static int count_msg(void *p, const imapclient_message *m)
{
    counter *k = p;
    k->msgs++;
    return 0;
}

static int count_sink(void *p, uint32_t seq, const char *name, const char *d, size_t n)
{
    counter *k = p;
    k->bytes += n;
    k->sunk_calls++;
    return strncasecmp(name, "BODY[", 5) != 0;
}

static void test_fetch__each_with_sink(void **state)
{
    imapclient *c = examine_inbox();
    counter k = {0};
    assert_int_equal(imapclient_fetch_each(c, "1:*",
                                           (const char *[]){"BODY.PEEK[]", NULL}, NULL,
                                           count_msg, count_sink, 0, &k),
                     0);
    assert_int_equal(k.msgs, (size_t)E->inbox_count);
    assert_true(k.bytes > 1000);
    /* the same sizes as RFC822.SIZE says */
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "1:*", (const char *[]){"RFC822.SIZE", NULL}, NULL, &r), 0);
    size_t total = 0;
    for (size_t i = 0; i < r->count; i++)
        total += r->msgs[i].size;
    assert_int_equal(total, k.bytes);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__changedsince(void **state)
{
    imapclient *c = examine_inbox();
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1:*", (const char *[]){"FLAGS", NULL},
                                      (const char *[]){"CHANGEDSINCE 1", NULL}, &r),
                     0);
    assert_int_equal(r->count, (size_t)E->inbox_count);
    assert_true(r->msgs[0].has_modseq);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__bad_item_is_error(void **state)
{
    imapclient *c = examine_inbox();
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "1", (const char *[]){"NOSUCHITEM", NULL}, NULL, &r),
        IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "BAD"));
    assert_int_equal(imapclient_noop(c, NULL), 0);
    imapclient_free(c);
}

int main(void)
{
    E = live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch__all_items_typed),
        cmocka_unit_test(test_fetch__sequence_numbers_and_sections),
        cmocka_unit_test(test_fetch__each_with_sink),
        cmocka_unit_test(test_fetch__changedsince),
        cmocka_unit_test(test_fetch__bad_item_is_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
