/* Live flags against the private Dovecot: get/set/add/remove (and silent),
 * delete_messages, READONLY after EXAMINE, CONDSTORE, on a fresh folder of
 * realistic messages (tests/live/mail-samples.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "live/live.h"
#include "live/mail-samples.h"

static int setup(void **state)
{
    return sample_setup(state, "store", 0);
}

static int teardown(void **state)
{
    return sample_teardown(state);
}

static int has_flag(const imapclient_msg_flags *m, const char *flag)
{
    for (size_t i = 0; i < m->count; i++)
        if (!strcmp(m->flags[i], flag))
            return 1;
    return 0;
}

/* Exactly these flags (any order), \Recent aside. */
static void expect_flags(const imapclient_msg_flags *m, const char *const *want)
{
    assert_non_null(m);
    size_t n = 0, got = 0;
    for (; want[n]; n++)
        if (!has_flag(m, want[n]))
            fail_msg("UID %u lacks %s", m->id, want[n]);
    for (size_t i = 0; i < m->count; i++)
        got += strcmp(m->flags[i], IMAPCLIENT_RECENT) != 0;
    assert_int_equal(got, n);
}

static void test_store__get_flags(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_flags(c, "1:*", &r), 0);
    assert_int_equal(r->count, MAIL_SAMPLE_COUNT);
    for (size_t i = 0; i < MAIL_SAMPLE_COUNT; i++) {
        assert_int_equal(r->msgs[i].id, i + 1);
        assert_int_equal(r->msgs[i].seq, i + 1);
        expect_flags(&r->msgs[i], mail_samples[i].flags);
    }
    imapclient_flags_result_free(r);
}

static void test_store__set_add_remove(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_flags_result *r = NULL;
    assert_int_equal(
        imapclient_add_flags(c, "2,5", (const char *[]){IMAPCLIENT_SEEN, "$Todo", NULL},
                             0, &r),
        0);
    assert_int_equal(r->count, 2);
    expect_flags(imapclient_flags_result_get(r, 2),
                 (const char *[]){"\\Seen", "$Todo", NULL});
    expect_flags(imapclient_flags_result_get(r, 5),
                 (const char *[]){"\\Seen", "$Todo", NULL});
    imapclient_flags_result_free(r);

    assert_int_equal(
        imapclient_remove_flags(c, "1:2", (const char *[]){IMAPCLIENT_SEEN, NULL}, 0, &r),
        0);
    expect_flags(imapclient_flags_result_get(r, 1), (const char *[]){"\\Answered", NULL});
    expect_flags(imapclient_flags_result_get(r, 2), (const char *[]){"$Todo", NULL});
    imapclient_flags_result_free(r);

    assert_int_equal(
        imapclient_set_flags(c, "4", (const char *[]){IMAPCLIENT_ANSWERED, NULL}, 0, &r),
        0);
    assert_int_equal(r->count, 1);
    expect_flags(&r->msgs[0], (const char *[]){"\\Answered", NULL});
    imapclient_flags_result_free(r);

    /* set to nothing */
    assert_int_equal(imapclient_set_flags(c, "4", NULL, 0, &r), 0);
    expect_flags(&r->msgs[0], (const char *[]){NULL});
    imapclient_flags_result_free(r);
}

static void test_store__silent(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_flags_result *r = (imapclient_flags_result *)1;
    assert_int_equal(
        imapclient_add_flags(c, "3:4", (const char *[]){IMAPCLIENT_FLAGGED, NULL}, 1, &r),
        0);
    assert_null(r);
    /* nothing left over for noop */
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 0);
    imapclient_responses_free(p);
    assert_int_equal(imapclient_get_flags(c, "3:4", &r), 0);
    assert_true(has_flag(imapclient_flags_result_get(r, 3), IMAPCLIENT_FLAGGED));
    assert_true(has_flag(imapclient_flags_result_get(r, 4), IMAPCLIENT_FLAGGED));
    imapclient_flags_result_free(r);
}

static void test_store__use_uid_off(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    /* expunge UID 1 so that sequence numbers and UIDs differ */
    assert_int_equal(imapclient_delete_messages(c, "1", 1, NULL), 0);
    assert_int_equal(imapclient_expunge(c, NULL, NULL), 0);
    imapclient_set_use_uid(c, 0);
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_get_flags(c, "3", &r), 0); /* UID 4 */
    assert_int_equal(r->count, 1);
    assert_int_equal(r->msgs[0].id, 3);
    assert_int_equal(r->msgs[0].seq, 3);
    expect_flags(&r->msgs[0], mail_samples[3].flags);
    imapclient_flags_result_free(r);
    imapclient_set_use_uid(c, 1);
    assert_int_equal(imapclient_get_flags(c, "4", &r), 0);
    assert_int_equal(r->msgs[0].id, 4);
    assert_int_equal(r->msgs[0].seq, 3);
    imapclient_flags_result_free(r);
}

static void test_store__delete_and_expunge(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_flags_result *r = NULL;
    assert_int_equal(imapclient_delete_messages(c, "2,4", 0, &r), 0);
    assert_true(has_flag(imapclient_flags_result_get(r, 2), IMAPCLIENT_DELETED));
    assert_true(has_flag(imapclient_flags_result_get(r, 4), IMAPCLIENT_DELETED));
    imapclient_flags_result_free(r);
    imapclient_responses *x = NULL;
    assert_int_equal(imapclient_expunge(c, NULL, &x), 0);
    /* sequence numbers 2 and 4 went: "* 4 EXPUNGE" then "* 2 EXPUNGE" or in
     * ascending order with shifting numbers; two EXPUNGE responses either way */
    size_t expunges = 0;
    for (size_t i = 0; i < x->count; i++)
        expunges += !strcmp(x->items[i].name, "EXPUNGE");
    assert_int_equal(expunges, 2);
    assert_true(strlen(x->text) > 0);
    imapclient_responses_free(x);
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(c, NULL, NULL, &ids), 0);
    assert_int_equal(ids->count, MAIL_SAMPLE_COUNT - 2);
    assert_int_equal(ids->ids[1], 3);
    imapclient_ids_free(ids);
}

static void test_store__readonly_after_examine(void **state)
{
    sample_ctx *x = *state;
    imapclient *c = x->c;
    assert_int_equal(imapclient_select_folder(c, x->folder, 1, NULL), 0);
    imapclient_flags_result *r = NULL;
    assert_int_equal(
        imapclient_add_flags(c, "1", (const char *[]){IMAPCLIENT_FLAGGED, NULL}, 0, &r),
        IMAPCLIENT_EREADONLY);
    assert_int_equal(imapclient_delete_messages(c, "1", 1, NULL), IMAPCLIENT_EREADONLY);
    assert_int_equal(imapclient_expunge(c, NULL, NULL), IMAPCLIENT_EREADONLY);
    assert_int_equal(imapclient_move(c, "1", "INBOX", NULL), IMAPCLIENT_EREADONLY);
    assert_null(r);
    /* reading still works, and nothing changed */
    assert_int_equal(imapclient_get_flags(c, "1", &r), 0);
    expect_flags(&r->msgs[0], mail_samples[0].flags);
    imapclient_flags_result_free(r);
}

static void test_store__condstore(void **state)
{
    sample_ctx *x = *state;
    imapclient *c = x->c;
    /* ENABLE must come before SELECT (RFC 5161) */
    assert_int_equal(imapclient_unselect_folder(c, NULL), 0);
    imapclient_enabled *en = NULL;
    assert_int_equal(imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, &en), 0);
    assert_int_equal(en->count, 1);
    imapclient_enabled_free(en);
    imapclient_select_info *info = NULL;
    assert_int_equal(imapclient_select_folder(c, x->folder, 0, &info), 0);
    assert_true(info->has_highestmodseq);
    uint64_t hms = info->highestmodseq;
    imapclient_select_info_free(info);
    /* a silent store still gets "FETCH (UID n MODSEQ (m))" back (RFC 7162
     * 3.1.3): the MODSEQ is kept for noop(), never dropped (issue 14, item
     * 12). The new keyword's FLAGS and PERMANENTFLAGS are unsolicited and
     * stay for noop() too. */
    assert_int_equal(
        imapclient_add_flags(c, "6", (const char *[]){"$Seen2", NULL}, 1, NULL), 0);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    int modseqs = 0;
    for (size_t i = 0; i < p->count; i++)
        modseqs +=
            !strcmp(p->items[i].name, "FETCH") && strstr(p->items[i].raw, "MODSEQ");
    assert_int_equal(modseqs, 1);
    imapclient_responses_free(p);
    char crit[32];
    snprintf(crit, sizeof crit, "%llu", (unsigned long long)hms + 1);
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"MODSEQ", crit, NULL}, NULL, &ids), 0);
    assert_int_equal(ids->count, 1);
    assert_int_equal(ids->ids[0], 6);
    assert_true(ids->has_modseq && ids->modseq > hms);
    imapclient_ids_free(ids);
    /* the non-silent form returns the flags with their MODSEQ */
    imapclient_flags_result *r = NULL;
    assert_int_equal(
        imapclient_remove_flags(c, "6", (const char *[]){"$Seen2", NULL}, 0, &r), 0);
    expect_flags(&r->msgs[0], mail_samples[5].flags);
    assert_true(r->msgs[0].has_modseq && r->msgs[0].modseq > hms);
    imapclient_flags_result_free(r);
}

/* Dovecot, under CONDSTORE, answers a BODY[] fetch that sets \Seen with a
 * second response without UID, "* n FETCH (MODSEQ (m))": it belongs to the
 * message fetched (issue 14, item 8), so the result has the new MODSEQ. */
static void test_store__condstore_fetch_marks_seen(void **state)
{
    sample_ctx *x = *state;
    imapclient *c = x->c;
    assert_int_equal(imapclient_unselect_folder(c, NULL), 0);
    assert_int_equal(imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, NULL), 0);
    imapclient_select_info *info = NULL;
    assert_int_equal(imapclient_select_folder(c, x->folder, 0, &info), 0);
    uint64_t hms = info->highestmodseq;
    imapclient_select_info_free(info);
    size_t unseen = 0; /* a message without \Seen */
    while (unseen < MAIL_SAMPLE_COUNT && mail_samples[unseen].flags[0] &&
           !strcmp(mail_samples[unseen].flags[0], IMAPCLIENT_SEEN))
        unseen++;
    assert_true(unseen < MAIL_SAMPLE_COUNT);
    char uid[16];
    snprintf(uid, sizeof uid, "%zu", unseen + 1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, uid, (const char *[]){"BODY[]", "MODSEQ", NULL}, NULL, &r),
        0);
    assert_int_equal(r->count, 1);
    assert_true(r->msgs[0].has_modseq);
    assert_true(r->msgs[0].modseq > hms); /* the MODSEQ of the \Seen change */
    imapclient_fetch_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    for (size_t i = 0; i < p->count; i++)
        assert_string_not_equal(p->items[i].name, "FETCH");
    imapclient_responses_free(p);
}

static void test_store__bad_flag_refused_by_server(void **state)
{
    imapclient *c = ((sample_ctx *)*state)->c;
    imapclient_flags_result *r = NULL;
    /* a system flag that does not exist: Dovecot answers BAD */
    assert_int_equal(
        imapclient_add_flags(c, "1", (const char *[]){"\\Bogus", NULL}, 0, &r),
        IMAPCLIENT_ERROR);
    assert_null(r);
    assert_int_equal(imapclient_get_flags(c, "1", &r), 0);
    imapclient_flags_result_free(r);
}

int main(void)
{
    live_require();
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_store__get_flags),
        T(test_store__set_add_remove),
        T(test_store__silent),
        T(test_store__use_uid_off),
        T(test_store__delete_and_expunge),
        T(test_store__readonly_after_examine),
        T(test_store__condstore),
        T(test_store__condstore_fetch_marks_seen),
        T(test_store__bad_flag_refused_by_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
