/* Live APPEND, MULTIAPPEND, COPY, MOVE, EXPUNGE and UID EXPUNGE against the
 * private Dovecot, on fresh folders of realistic messages
 * (tests/live/mail-samples.h). Every folder made here is deleted again. */
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
#include "live/mail-samples.h"

/* A second, empty folder per test, deleted in teardown. */
typedef struct ctx2 {
    sample_ctx s; /* first: sample_teardown() frees the whole struct */
    char other[96];
} ctx2;

static int setup(void **state)
{
    if (sample_setup(state, "mbox", 0))
        return -1;
    /* grow the state into a ctx2 */
    ctx2 *x = realloc(*state, sizeof *x);
    if (!x)
        return -1;
    *state = x;
    sample_folder_name(x->other, sizeof x->other, "dest");
    if (imapclient_create_folder(x->s.c, x->other, NULL)) {
        fprintf(stderr, "create: %s\n", imapclient_errmsg(x->s.c));
        x->other[0] = '\0';
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    ctx2 *x = *state;
    if (x && x->other[0]) {
        if (imapclient_get_state(x->s.c) == IMAPCLIENT_STATE_SELECTED)
            imapclient_unselect_folder(x->s.c, NULL);
        imapclient_delete_folder(x->s.c, x->other, NULL);
    }
    return sample_teardown(state);
}

/* Ids in folder (examined), via SEARCH ALL. */
static imapclient_ids *all_in(imapclient *c, const char *folder)
{
    if (imapclient_select_folder(c, folder, 1, NULL))
        fail_msg("examine %s: %s", folder, imapclient_errmsg(c));
    imapclient_ids *ids = NULL;
    if (imapclient_search(c, NULL, NULL, &ids))
        fail_msg("search: %s", imapclient_errmsg(c));
    return ids;
}

static void test_mailbox__append_flags_date_appenduid(void **state)
{
    ctx2 *x = *state;
    imapclient *c = x->s.c;
    imapclient_datetime d = {2019, 12, 31, 23, 59, 58, 1, -300}; /* -0500 */
    imapclient_append_result *r = NULL;
    const char *msg = mail_samples[2].data;
    assert_int_equal(imapclient_append(c, x->other, msg, strlen(msg),
                                       (const char *[]){IMAPCLIENT_SEEN, "$Report", NULL},
                                       &d, &r),
                     0);
    assert_true(strlen(r->text) > 0);
    assert_true(r->has_appenduid);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->uids[0], 1);
    uint32_t validity = r->uidvalidity;
    imapclient_append_result_free(r);

    imapclient_select_info *info = NULL;
    assert_int_equal(imapclient_select_folder(c, x->other, 1, &info), 0);
    assert_int_equal(info->uidvalidity, validity);
    imapclient_select_info_free(info);
    imapclient_fetch_result *f = NULL;
    assert_int_equal(
        imapclient_fetch(c, "1",
                         (const char *[]){"FLAGS", "INTERNALDATE", "BODY.PEEK[]", NULL},
                         NULL, &f),
        0);
    const imapclient_message *m = imapclient_fetch_result_get(f, 1);
    assert_non_null(m);
    int seen = 0, report = 0;
    for (size_t i = 0; i < m->flag_count; i++) {
        seen |= !strcmp(m->flags[i], "\\Seen");
        report |= !strcmp(m->flags[i], "$Report");
    }
    assert_true(seen && report);
    /* 2020-01-01 04:59:58 UTC: the -0500 offset was honoured */
    int64_t got;
    assert_int_equal(imapclient_datetime_to_epoch(&m->internaldate, &got), 0);
    assert_int_equal(got, 1577854798);
    /* the bytes came back unchanged */
    const imapclient_value *body = imapclient_message_item(m, "BODY[]");
    assert_non_null(body);
    assert_int_equal(body->len, strlen(msg));
    assert_memory_equal(body->str, msg, body->len);
    imapclient_fetch_result_free(f);
}

static void test_mailbox__append_structures(void **state)
{
    /* the samples as Dovecot parsed them: multipart/alternative, an
     * attachment, a nested message/rfc822, an 8-bit UTF-8 body */
    imapclient *c = ((ctx2 *)*state)->s.c;
    imapclient_fetch_result *f = NULL;
    assert_int_equal(imapclient_fetch(c, "1:*",
                                      (const char *[]){"BODYSTRUCTURE", "ENVELOPE",
                                                       "RFC822.SIZE", NULL},
                                      NULL, &f),
                     0);
    assert_int_equal(f->count, MAIL_SAMPLE_COUNT);
    for (size_t i = 0; i < MAIL_SAMPLE_COUNT; i++) {
        const imapclient_message *m = imapclient_fetch_result_get(f, (uint32_t)i + 1);
        assert_non_null(m);
        assert_int_equal(m->size, strlen(mail_samples[i].data));
    }
    const imapclient_body *b3 = imapclient_fetch_result_get(f, 3)->body;
    assert_true(b3->is_multipart);
    assert_true(!strcasecmp(b3->subtype, "ALTERNATIVE"));
    assert_int_equal(b3->part_count, 2);
    const imapclient_body *b4 = imapclient_fetch_result_get(f, 4)->body;
    assert_int_equal(b4->part_count, 2);
    assert_true(!strcasecmp(b4->parts[1].disposition, "attachment"));
    const imapclient_body *b5 = imapclient_fetch_result_get(f, 5)->body;
    assert_true(!strcasecmp(b5->parts[1].type, "MESSAGE"));
    assert_non_null(b5->parts[1].envelope);
    assert_string_equal(b5->parts[1].envelope->subject, "Quarterly report");
    const imapclient_envelope *e6 = imapclient_fetch_result_get(f, 6)->envelope;
    assert_string_equal(e6->subject, "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=");
    imapclient_fetch_result_free(f);
}

static void test_mailbox__append_trycreate(void **state)
{
    imapclient *c = ((ctx2 *)*state)->s.c;
    char name[96];
    sample_folder_name(name, sizeof name, "missing");
    imapclient_append_result *r = NULL;
    assert_int_equal(
        imapclient_append(c, name, "Subject: x\r\n\r\nx\r\n", 16, NULL, NULL, &r),
        IMAPCLIENT_ERROR);
    assert_null(r);
    assert_non_null(strstr(imapclient_errmsg(c), "TRYCREATE"));
}

static void test_mailbox__multiappend(void **state)
{
    ctx2 *x = *state;
    imapclient *c = x->s.c;
    imapclient_datetime d1 = sample_date(0), d3 = sample_date(2);
    imapclient_append_msg msgs[3] = {
        {mail_samples[0].data, strlen(mail_samples[0].data), mail_samples[0].flags, &d1},
        {mail_samples[1].data, strlen(mail_samples[1].data), NULL, NULL},
        {mail_samples[2].data, strlen(mail_samples[2].data), (const char *[]){"$A", NULL},
         &d3},
    };
    imapclient_append_result *r = NULL;
    assert_int_equal(imapclient_multiappend(c, x->other, msgs, 3, &r), 0);
    assert_true(r->has_appenduid);
    assert_int_equal(r->count, 3);
    assert_int_equal(r->uids[0], 1);
    assert_int_equal(r->uids[2], 3);
    imapclient_append_result_free(r);
    imapclient_ids *ids = all_in(c, x->other);
    assert_int_equal(ids->count, 3);
    imapclient_ids_free(ids);
    imapclient_flags_result *fl = NULL;
    assert_int_equal(imapclient_get_flags(c, "1:3", &fl), 0);
    assert_int_equal(fl->count, 3);
    /* \Recent aside: none on the second, $A on the third */
    for (size_t i = 0; i < fl->msgs[1].count; i++)
        assert_string_equal(fl->msgs[1].flags[i], IMAPCLIENT_RECENT);
    int a = 0;
    for (size_t i = 0; i < fl->msgs[2].count; i++)
        a |= !strcmp(fl->msgs[2].flags[i], "$A");
    assert_true(a);
    imapclient_flags_result_free(fl);
}

static void test_mailbox__copy_copyuid(void **state)
{
    ctx2 *x = *state;
    imapclient *c = x->s.c;
    imapclient_copy_result *r = NULL;
    assert_int_equal(imapclient_copy(c, "2,4:6", x->other, &r), 0);
    assert_true(r->has_copyuid);
    assert_int_equal(r->count, 4);
    uint32_t want_src[] = {2, 4, 5, 6};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(r->source_uids[i], want_src[i]);
        assert_int_equal(r->dest_uids[i], i + 1);
    }
    imapclient_copy_result_free(r);
    /* the source keeps them */
    imapclient_ids *ids = all_in(c, x->s.folder);
    assert_int_equal(ids->count, MAIL_SAMPLE_COUNT);
    imapclient_ids_free(ids);
    ids = all_in(c, x->other);
    assert_int_equal(ids->count, 4);
    imapclient_ids_free(ids);
}

static void test_mailbox__copy_readonly_source(void **state)
{
    ctx2 *x = *state;
    imapclient *c = x->s.c;
    assert_int_equal(imapclient_select_folder(c, x->s.folder, 1, NULL), 0);
    assert_int_equal(imapclient_copy(c, "1", x->other, NULL), 0);
    imapclient_ids *ids = all_in(c, x->other);
    assert_int_equal(ids->count, 1);
    imapclient_ids_free(ids);
}

static void test_mailbox__move_copyuid(void **state)
{
    ctx2 *x = *state;
    imapclient *c = x->s.c;
    imapclient_copy_result *r = NULL;
    assert_int_equal(imapclient_move(c, "1:3", x->other, &r), 0);
    assert_true(r->has_copyuid);
    assert_string_equal(r->source_set, "1:3");
    assert_int_equal(r->count, 3);
    assert_int_equal(r->dest_uids[2], 3);
    imapclient_copy_result_free(r);
    /* the EXPUNGEs are kept for noop() */
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_noop(c, &p), 0);
    size_t expunges = 0;
    for (size_t i = 0; i < p->count; i++)
        expunges += !strcmp(p->items[i].name, "EXPUNGE");
    assert_int_equal(expunges, 3);
    imapclient_responses_free(p);
    imapclient_ids *ids = all_in(c, x->s.folder);
    assert_int_equal(ids->count, MAIL_SAMPLE_COUNT - 3);
    assert_int_equal(ids->ids[0], 4);
    imapclient_ids_free(ids);
    ids = all_in(c, x->other);
    assert_int_equal(ids->count, 3);
    imapclient_ids_free(ids);
}

static void test_mailbox__utf7_folder(void **state)
{
    ctx2 *x = *state;
    imapclient *c = x->s.c;
    char name[96];
    sample_folder_name(name, sizeof name,
                       "Donn\xc3\xa9"
                       "es-\xe6\x97\xa5\xe6\x9c\xac");
    assert_int_equal(imapclient_create_folder(c, name, NULL), 0);
    imapclient_copy_result *r = NULL;
    int rc = imapclient_copy(c, "6", name, &r);
    if (rc == 0) {
        assert_true(r->has_copyuid);
        imapclient_copy_result_free(r);
        rc = imapclient_append(c, name, mail_samples[5].data,
                               strlen(mail_samples[5].data), NULL, NULL, NULL);
    }
    if (rc == 0) {
        imapclient_ids *ids = all_in(c, name);
        assert_int_equal(ids->count, 2);
        imapclient_ids_free(ids);
        /* the subject search finds both */
        assert_int_equal(
            imapclient_search(c, (const char *[]){"SUBJECT", "K\xc3\xb6ln", NULL},
                              "UTF-8", &ids),
            0);
        assert_int_equal(ids->count, 2);
        imapclient_ids_free(ids);
        imapclient_unselect_folder(c, NULL);
    }
    imapclient_delete_folder(c, name, NULL);
    assert_int_equal(rc, 0);
}

static void test_mailbox__expunge_all(void **state)
{
    imapclient *c = ((ctx2 *)*state)->s.c;
    assert_int_equal(imapclient_delete_messages(c, "1,7", 1, NULL), 0);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_expunge(c, NULL, &r), 0);
    size_t expunges = 0;
    for (size_t i = 0; i < r->count; i++)
        if (!strcmp(r->items[i].name, "EXPUNGE")) {
            assert_true(r->items[i].has_number);
            expunges++;
        }
    assert_int_equal(expunges, 2);
    imapclient_responses_free(r);
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(c, NULL, NULL, &ids), 0);
    assert_int_equal(ids->count, MAIL_SAMPLE_COUNT - 2);
    assert_int_equal(ids->ids[0], 2);
    imapclient_ids_free(ids);
}

static void test_mailbox__expunge_with_ids(void **state)
{
    imapclient *c = ((ctx2 *)*state)->s.c;
    /* 2, 3, 4 deleted; only 3 and 4 are named: 2 stays */
    assert_int_equal(imapclient_delete_messages(c, "2:4", 1, NULL), 0);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_expunge(c, "3:5", &r), 0);
    size_t expunges = 0;
    for (size_t i = 0; i < r->count; i++)
        expunges +=
            !strcmp(r->items[i].name, "EXPUNGE") || !strcmp(r->items[i].name, "VANISHED");
    assert_int_equal(expunges, 2);
    imapclient_responses_free(r);
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(c, (const char *[]){"DELETED", NULL}, NULL, &ids),
                     0);
    assert_int_equal(ids->count, 1);
    assert_int_equal(ids->ids[0], 2);
    imapclient_ids_free(ids);
    /* uid_expunge takes the last one */
    assert_int_equal(imapclient_uid_expunge(c, "2", NULL), 0);
    assert_int_equal(imapclient_search(c, NULL, NULL, &ids), 0);
    assert_int_equal(ids->count, MAIL_SAMPLE_COUNT - 3);
    imapclient_ids_free(ids);
    imapclient_set_use_uid(c, 0);
    assert_int_equal(imapclient_expunge(c, "1", NULL), IMAPCLIENT_EINVAL);
    imapclient_set_use_uid(c, 1);
}

int main(void)
{
    live_require();
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_mailbox__append_flags_date_appenduid),
        T(test_mailbox__append_structures),
        T(test_mailbox__append_trycreate),
        T(test_mailbox__multiappend),
        T(test_mailbox__copy_copyuid),
        T(test_mailbox__copy_readonly_source),
        T(test_mailbox__move_copyuid),
        T(test_mailbox__utf7_folder),
        T(test_mailbox__expunge_all),
        T(test_mailbox__expunge_with_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
