/* Live: incremental sync and the RFC 7162 calls against the private
 * Dovecot (CONDSTORE, QRESYNC, ESEARCH) and the private Cyrus (QRESYNC).
 *
 * The three sync strategies, forced one per connection, are given the
 * same changes made by a second connection (a message flagged, two
 * expunged, two appended), and must say the same thing; then the folder
 * is deleted and made again, and each must say "start over". A folder of
 * 1,500 messages with every third one expunged checks the known-UID set
 * that goes with QRESYNC against the CONDSTORE answer. The typed calls
 * are checked on the way: SELECT with QRESYNC after changes, FETCH with
 * CHANGEDSINCE and VANISHED, STORE with UNCHANGEDSINCE losing a race,
 * VANISHED through noop(), idle_check() and expunge(). Each test works in
 * folders of its own, removed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <unistd.h>

#include "live/live.h"

#define OK(call)                                                                         \
    do {                                                                                 \
        int rc_ = (call);                                                                \
        if (rc_ < 0)                                                                     \
            fail_msg("%s: %d %s", #call, rc_, imapclient_errmsg(c));                     \
    } while (0)

static const live_env *server(int cyrus)
{
    return cyrus ? live_cyrus_require() : live_require();
}

/* Cyrus keeps folders under INBOX. */
static void folder_name(int cyrus, const char *what, char *out, size_t size)
{
    static int k;
    snprintf(out, size, "%s%s%ld_%d", cyrus ? "INBOX." : "", what, (long)getpid(), ++k);
}

static const char *text_of(const imapclient_uidset *s)
{
    static char buf[8][4096];
    static int k;
    char *t = NULL;
    assert_int_equal(imapclient_uidset_format(s, &t), 0);
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s", t);
    free(t);
    return b;
}

static void append_one(imapclient *c, const char *folder, int n, const char *const *flags,
                       uint32_t *uid)
{
    char msg[256];
    int len =
        snprintf(msg, sizeof msg,
                 "From: sync@example.org\r\nTo: you@example.org\r\nSubject: message "
                 "%d\r\n\r\nbody %d\r\n",
                 n, n);
    imapclient_append_result *r = NULL;
    OK(imapclient_append(c, folder, msg, (size_t)len, flags, NULL, &r));
    if (uid) {
        assert_true(r->has_appenduid && r->count == 1);
        *uid = r->uids[0];
    }
    imapclient_append_result_free(r);
}

/* n messages in batches of 100 (MULTIAPPEND). */
static void append_many(imapclient *c, const char *folder, int n)
{
    static char body[100][128];
    imapclient_append_msg m[100];
    for (int done = 0; done < n;) {
        int k = n - done < 100 ? n - done : 100;
        for (int i = 0; i < k; i++) {
            int len = snprintf(body[i], sizeof body[i],
                               "From: a@example.org\r\nSubject: bulk %d\r\n\r\nx\r\n",
                               done + i);
            m[i] = (imapclient_append_msg){.data = body[i], .len = (size_t)len};
        }
        OK(imapclient_multiappend(c, folder, m, (size_t)k, NULL));
        done += k;
    }
}

static void remove_folder(imapclient *c, const char *folder)
{
    if (imapclient_get_state(c) == IMAPCLIENT_STATE_SELECTED)
        imapclient_unselect_folder(c, NULL);
    imapclient_delete_folder(c, folder, NULL);
}

static int has_flag(const imapclient_flag_change *ch, const char *flag)
{
    for (size_t i = 0; ch->flags && i < ch->flag_count; i++)
        if (!strcasecmp(ch->flags[i], flag))
            return 1;
    return 0;
}

/* ---- the same changes, three ways -----------------------------------------------------
 */

static const imapclient_sync_strategy ways[3] = {
    IMAPCLIENT_SYNC_QRESYNC, IMAPCLIENT_SYNC_CONDSTORE, IMAPCLIENT_SYNC_FLAGS};

static void three_ways(int cyrus)
{
    const live_env *e = server(cyrus);
    char folder[96];
    folder_name(cyrus, "SyncThree", folder, sizeof folder);
    imapclient *b = live_login_to(e); /* the other client, making changes */
    imapclient *c = b;
    OK(imapclient_create_folder(b, folder, NULL));
    static const char *const seen[] = {"\\Seen", NULL};
    uint32_t uid[9];
    for (int i = 1; i <= 6; i++)
        append_one(b, folder, i, i % 2 ? seen : NULL, &uid[i]);

    /* a first sync each way, on a connection each */
    imapclient *a[3];
    imapclient_sync_state *st[3];
    for (int w = 0; w < 3; w++) {
        a[w] = c = live_login_to(e);
        OK(imapclient_sync_state_new(&st[w]));
        imapclient_sync_options o = {.strategy = ways[w], .readonly = 1};
        imapclient_sync_result *r = NULL;
        OK(imapclient_sync_folder(a[w], folder, st[w], &o, &r));
        assert_int_equal(r->strategy, ways[w]);
        assert_false(r->start_over);
        assert_true(imapclient_uidset_size(&r->new_uids) == 6);
        assert_int_equal(r->changed_count, 0);
        assert_int_equal(r->vanished.count, 0);
        imapclient_sync_result_free(r);
    }

    /* the changes: 2 flagged, 3 and 4 expunged, two new messages */
    c = b;
    OK(imapclient_select_folder(b, folder, 0, NULL));
    char set[64];
    snprintf(set, sizeof set, "%u", uid[2]);
    static const char *const flagged[] = {"\\Flagged", NULL};
    OK(imapclient_add_flags(b, set, flagged, 1, NULL));
    snprintf(set, sizeof set, "%u,%u", uid[3], uid[4]);
    OK(imapclient_delete_messages(b, set, 1, NULL));
    OK(imapclient_uid_expunge(b, set, NULL));
    append_one(b, folder, 7, NULL, &uid[7]);
    append_one(b, folder, 8, seen, &uid[8]);
    char want_new[64], want_vanished[64];
    snprintf(want_new, sizeof want_new, "%u:%u", uid[7], uid[8]);
    snprintf(want_vanished, sizeof want_vanished, "%u:%u", uid[3], uid[4]);

    /* each way says the same: the first on its own connection (the folder
     * still selected there), the others as after a reconnect */
    char *blob[3];
    for (int w = 0; w < 3; w++) {
        if (w > 0) {
            imapclient_logout(a[w], NULL);
            imapclient_free(a[w]);
            a[w] = live_login_to(e);
        }
        c = a[w];
        imapclient_sync_options o = {.strategy = ways[w], .readonly = 1};
        imapclient_sync_result *r = NULL;
        OK(imapclient_sync_folder(a[w], folder, st[w], &o, &r));
        assert_int_equal(r->strategy, ways[w]);
        assert_false(r->start_over);
        assert_string_equal(text_of(&r->new_uids), want_new);
        assert_string_equal(text_of(&r->vanished), want_vanished);
        if (r->changed_count != 1)
            fail_msg("%s: %zu messages changed, 1 expected",
                     imapclient_sync_strategy_name(ways[w]), r->changed_count);
        assert_int_equal(r->changed[0].uid, uid[2]);
        assert_true(has_flag(&r->changed[0], "\\Flagged"));
        assert_int_equal(r->changed[0].has_modseq, ways[w] != IMAPCLIENT_SYNC_FLAGS);
        assert_int_equal(r->exists, 6);
        imapclient_sync_result_free(r);
        OK(imapclient_sync_state_format(st[w], &blob[w], NULL));
        /* the blob is read back the same */
        imapclient_sync_state *again = NULL;
        OK(imapclient_sync_state_parse(blob[w], strlen(blob[w]), &again));
        char *b2 = NULL;
        OK(imapclient_sync_state_format(again, &b2, NULL));
        assert_string_equal(b2, blob[w]);
        free(b2);
        imapclient_sync_state_free(again);
    }
    /* the same UIDs known every way */
    const char *u0 = strstr(blob[0], "\nuids "), *u2 = strstr(blob[2], "\nuids ");
    assert_non_null(u0);
    assert_non_null(u2);
    assert_memory_equal(u0, u2, strcspn(u0 + 1, "\n") + 1);
    for (int w = 0; w < 3; w++)
        free(blob[w]);

    /* nothing more changed: nothing to report, whatever the way */
    for (int w = 0; w < 3; w++) {
        c = a[w];
        imapclient_sync_options o = {.strategy = ways[w], .readonly = 1};
        imapclient_sync_result *r = NULL;
        OK(imapclient_sync_folder(a[w], folder, st[w], &o, &r));
        assert_int_equal(r->new_uids.count + r->vanished.count + r->changed_count, 0);
        imapclient_sync_result_free(r);
    }

    /* the folder deleted and made again: a new UIDVALIDITY, start over */
    c = b;
    OK(imapclient_unselect_folder(b, NULL));
    OK(imapclient_delete_folder(b, folder, NULL));
    OK(imapclient_create_folder(b, folder, NULL));
    uint32_t first;
    append_one(b, folder, 9, NULL, &first);
    for (int w = 0; w < 3; w++) {
        c = a[w];
        uint32_t before = imapclient_sync_state_uidvalidity(st[w]);
        imapclient_sync_options o = {.strategy = ways[w], .readonly = 1};
        imapclient_sync_result *r = NULL;
        OK(imapclient_sync_folder(a[w], folder, st[w], &o, &r));
        if (r->uidvalidity == before)
            fail_msg("the server kept UIDVALIDITY %u for the new folder", before);
        assert_true(r->start_over);
        assert_true(imapclient_uidset_size(&r->new_uids) == 1);
        assert_true(imapclient_uidset_contains(&r->new_uids, first));
        assert_int_equal(r->changed_count + r->vanished.count, 0);
        assert_int_equal(imapclient_sync_state_uidvalidity(st[w]), r->uidvalidity);
        imapclient_sync_result_free(r);
        imapclient_sync_state_free(st[w]);
        imapclient_logout(a[w], NULL);
        imapclient_free(a[w]);
    }
    c = b;
    remove_folder(b, folder);
    imapclient_logout(b, NULL);
    imapclient_free(b);
}

static void test_sync__three_ways_dovecot(void **state)
{
    (void)state;
    three_ways(0);
}

static void test_sync__three_ways_cyrus(void **state)
{
    (void)state;
    three_ways(1);
}

/* 1,500 messages, every third expunged: a fragmented known set (500
 * ranges) goes with QRESYNC; its answer after more changes matches
 * CONDSTORE's (UID SEARCH with ESEARCH) and the state stays small. */
static void test_sync__fragmented_folder(void **state)
{
    (void)state;
    const live_env *e = live_require();
    char folder[96];
    folder_name(0, "SyncBig", folder, sizeof folder);
    imapclient *b = live_login_to(e), *c = b;
    OK(imapclient_create_folder(b, folder, NULL));
    append_many(b, folder, 1500);
    OK(imapclient_select_folder(b, folder, 0, NULL));
    /* UIDs 1..1500: expunge 3, 6, 9, ... */
    char *set = malloc(8 * 500 + 1);
    size_t n = 0;
    for (int u = 3; u <= 1500; u += 3)
        n += (size_t)sprintf(set + n, "%s%d", n ? "," : "", u);
    OK(imapclient_delete_messages(b, set, 1, NULL));
    OK(imapclient_uid_expunge(b, set, NULL));
    free(set);

    imapclient *a[2];
    imapclient_sync_state *st[2];
    for (int w = 0; w < 2; w++) {
        a[w] = c = live_login_to(e);
        OK(imapclient_sync_state_new(&st[w]));
        imapclient_sync_options o = {.strategy = ways[w]};
        OK(imapclient_sync_folder(a[w], folder, st[w], &o, NULL));
        assert_int_equal(imapclient_sync_state_uids(st[w])->count, 500);
    }
    /* more changes */
    c = b;
    OK(imapclient_delete_messages(b, "100:200", 1, NULL));
    OK(imapclient_uid_expunge(b, "100:200", NULL));
    static const char *const flagged[] = {"\\Flagged", NULL};
    OK(imapclient_add_flags(b, "1000:1010", flagged, 1, NULL));
    append_one(b, folder, 1, NULL, NULL);
    char *answer[2];
    for (int w = 0; w < 2; w++) {
        c = a[w];
        imapclient_sync_options o = {.strategy = ways[w]};
        imapclient_sync_result *r = NULL;
        OK(imapclient_sync_folder(a[w], folder, st[w], &o, &r));
        assert_int_equal(r->strategy, ways[w]);
        assert_string_equal(text_of(&r->new_uids), "1501");
        /* 100:200 less the multiples of 3 already gone */
        assert_true(imapclient_uidset_size(&r->vanished) == 101 - 33);
        assert_int_equal(r->changed_count, 11 - 3); /* 1002, 1005, 1008 were gone */
        size_t len = 0;
        answer[w] = malloc(65536);
        len += (size_t)snprintf(answer[w], 65536, "%s|%s|", text_of(&r->new_uids),
                                text_of(&r->vanished));
        for (size_t i = 0; i < r->changed_count; i++)
            len +=
                (size_t)snprintf(answer[w] + len, 65536 - len, "%u,", r->changed[i].uid);
        imapclient_sync_result_free(r);
        char *blob = NULL;
        size_t blen = 0;
        OK(imapclient_sync_state_format(st[w], &blob, &blen));
        /* ranges, not messages: 1,400 UIDs in some 500 ranges, a few KB */
        assert_true(blen < 6000);
        free(blob);
    }
    assert_string_equal(answer[0], answer[1]);
    for (int w = 0; w < 2; w++) {
        free(answer[w]);
        imapclient_sync_state_free(st[w]);
        imapclient_logout(a[w], NULL);
        imapclient_free(a[w]);
    }
    c = b;
    remove_folder(b, folder);
    imapclient_logout(b, NULL);
    imapclient_free(b);
}

/* ---- the typed calls ------------------------------------------------------------------
 */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void qresync_calls(int cyrus)
{
    const live_env *e = server(cyrus);
    char folder[96];
    folder_name(cyrus, "Qresync", folder, sizeof folder);
    imapclient *b = live_login_to(e), *a = live_login_to(e), *c = b;
    OK(imapclient_create_folder(b, folder, NULL));
    uint32_t uid[7];
    for (int i = 1; i <= 6; i++)
        append_one(b, folder, i, NULL, &uid[i]);

    /* remember the folder as it is */
    c = a;
    OK(imapclient_enable(a, (const char *const[]){"QRESYNC", NULL}, NULL));
    assert_true(imapclient_is_enabled(a, "QRESYNC"));
    imapclient_select_params p = {.condstore = 1};
    imapclient_select_info *i = NULL;
    OK(imapclient_select_folder_params(a, folder, &p, &i));
    assert_true(i->has_highestmodseq && i->has_uidvalidity);
    uint32_t uv = i->uidvalidity;
    uint64_t ms = i->highestmodseq;
    imapclient_select_info_free(i);
    OK(imapclient_unselect_folder(a, NULL));

    /* changes by the other client */
    c = b;
    OK(imapclient_select_folder(b, folder, 0, NULL));
    char set[64];
    snprintf(set, sizeof set, "%u", uid[1]);
    static const char *const answered[] = {"\\Answered", NULL};
    OK(imapclient_add_flags(b, set, answered, 1, NULL));
    snprintf(set, sizeof set, "%u", uid[2]);
    OK(imapclient_delete_messages(b, set, 1, NULL));
    OK(imapclient_uid_expunge(b, set, NULL));

    /* STATUS HIGHESTMODSEQ went up with those changes */
    c = a;
    imapclient_status_info *si = NULL;
    OK(imapclient_folder_status(a, folder, (const char *const[]){"HIGHESTMODSEQ", NULL},
                                &si));
    assert_true(si->has_highestmodseq && si->highestmodseq > ms);
    uint64_t status_ms = si->highestmodseq;
    imapclient_status_info_free(si);

    /* EXAMINE with QRESYNC, known UIDs and seq-match data (message numbers
     * 1 and 2 were uid[1] and uid[2]): read-only, the same answer */
    char known[64], seq_uids[32];
    snprintf(known, sizeof known, "%u:%u", uid[1], uid[6]);
    snprintf(seq_uids, sizeof seq_uids, "%u,%u", uid[1], uid[2]);
    p = (imapclient_select_params){.readonly = 1,
                                   .qresync_uidvalidity = uv,
                                   .qresync_modseq = ms,
                                   .qresync_known_uids = known,
                                   .qresync_seq_match_seqs = "1:2",
                                   .qresync_seq_match_uids = seq_uids};
    OK(imapclient_select_folder_params(a, folder, &p, &i));
    assert_true(i->read_only);
    assert_true(i->highestmodseq == status_ms);
    assert_true(imapclient_uidset_contains(&i->vanished, uid[2]));
    assert_true(imapclient_uidset_size(&i->vanished) == 1);
    imapclient_select_info_free(i);

    /* SELECT with QRESYNC (the EXAMINE closed by [CLOSED]): what vanished
     * and changed, typed */
    p = (imapclient_select_params){
        .qresync_uidvalidity = uv, .qresync_modseq = ms, .qresync_known_uids = known};
    OK(imapclient_select_folder_params(a, folder, &p, &i));
    assert_true(imapclient_uidset_contains(&i->vanished, uid[2]));
    assert_true(imapclient_uidset_size(&i->vanished) == 1);
    int seen1 = 0;
    for (size_t k = 0; k < i->changed_count; k++)
        if (i->changed[k].uid == uid[1]) {
            seen1 = 1;
            assert_true(has_flag(&i->changed[k], "\\Answered"));
            assert_true(i->changed[k].has_modseq && i->changed[k].modseq > ms);
        }
    assert_true(seen1);
    imapclient_select_info_free(i);

    /* FETCH (CHANGEDSINCE ms VANISHED) says the same */
    imapclient_fetch_result *f = NULL;
    OK(imapclient_fetch_changedsince(a, "1:*", (const char *const[]){"FLAGS", NULL}, ms,
                                     1, &f));
    assert_non_null(imapclient_fetch_result_get(f, uid[1]));
    assert_true(imapclient_uidset_contains(&f->vanished, uid[2]));
    imapclient_fetch_result_free(f);

    /* STORE (UNCHANGEDSINCE) loses the race to the other client: 3 and 4
     * are unchanged since the higher of their mod-sequences, then the
     * other client changes 3 */
    f = NULL;
    char both[64];
    snprintf(both, sizeof both, "%u,%u", uid[3], uid[4]);
    OK(imapclient_fetch(a, both, (const char *const[]){"MODSEQ", NULL}, NULL, &f));
    uint64_t ms3 = imapclient_fetch_result_get(f, uid[3])->modseq;
    if (imapclient_fetch_result_get(f, uid[4])->modseq > ms3)
        ms3 = imapclient_fetch_result_get(f, uid[4])->modseq;
    imapclient_fetch_result_free(f);
    snprintf(set, sizeof set, "%u", uid[3]);
    c = b;
    static const char *const flagged[] = {"\\Flagged", NULL};
    OK(imapclient_add_flags(b, set, flagged, 1, NULL));
    c = a;
    imapclient_store_result *sr = NULL;
    static const char *const seen[] = {"\\Seen", NULL};
    OK(imapclient_store_unchangedsince(a, both, IMAPCLIENT_STORE_ADD, seen, ms3, 0, &sr));
    assert_true(imapclient_uidset_contains(&sr->modified, uid[3]));
    assert_false(imapclient_uidset_contains(&sr->modified, uid[4]));
    int stored4 = 0;
    for (size_t k = 0; k < sr->count; k++)
        if (sr->changes[k].uid == uid[4])
            stored4 = sr->changes[k].has_modseq;
    assert_true(stored4);
    imapclient_store_result_free(sr);

    /* an expunge by the other client comes as VANISHED in NOOP */
    c = b;
    snprintf(set, sizeof set, "%u", uid[5]);
    OK(imapclient_delete_messages(b, set, 1, NULL));
    OK(imapclient_uid_expunge(b, set, NULL));
    c = a;
    imapclient_changes *ch = NULL;
    OK(imapclient_changes_new(&ch));
    long long until = now_ms() + 10000;
    while (!imapclient_uidset_contains(&ch->vanished, uid[5]) && now_ms() < until) {
        imapclient_responses *r = NULL;
        OK(imapclient_noop(a, &r));
        for (size_t k = 0; k < r->count; k++)
            assert_true(imapclient_changes_add(ch, &r->items[k]) >= 0);
        imapclient_responses_free(r);
        if (!imapclient_uidset_contains(&ch->vanished, uid[5]))
            usleep(100 * 1000);
    }
    assert_true(imapclient_uidset_contains(&ch->vanished, uid[5]));
    assert_int_equal(ch->expunged_count, 0);
    imapclient_changes_free(ch);

    /* ... and in IDLE */
    OK(imapclient_idle(a));
    c = b;
    snprintf(set, sizeof set, "%u", uid[6]);
    OK(imapclient_delete_messages(b, set, 1, NULL));
    OK(imapclient_uid_expunge(b, set, NULL));
    c = a;
    OK(imapclient_changes_new(&ch));
    until = now_ms() + 10000;
    while (!imapclient_uidset_contains(&ch->vanished, uid[6]) && now_ms() < until) {
        imapclient_responses *r = NULL;
        OK(imapclient_idle_check(a, 1000, &r));
        for (size_t k = 0; k < r->count; k++)
            assert_true(imapclient_changes_add(ch, &r->items[k]) >= 0);
        imapclient_responses_free(r);
    }
    imapclient_responses *r = NULL;
    OK(imapclient_idle_done(a, NULL, &r));
    for (size_t k = 0; k < r->count; k++)
        assert_true(imapclient_changes_add(ch, &r->items[k]) >= 0);
    imapclient_responses_free(r);
    assert_true(imapclient_uidset_contains(&ch->vanished, uid[6]));
    imapclient_changes_free(ch);

    /* our own EXPUNGE is answered with VANISHED too */
    snprintf(set, sizeof set, "%u", uid[4]);
    OK(imapclient_delete_messages(a, set, 1, NULL));
    OK(imapclient_expunge(a, NULL, &r));
    OK(imapclient_changes_from_responses(r, &ch));
    assert_true(imapclient_uidset_contains(&ch->vanished, uid[4]));
    assert_int_equal(ch->expunged_count, 0);
    imapclient_changes_free(ch);
    imapclient_responses_free(r);

    remove_folder(a, folder);
    imapclient_logout(a, NULL);
    imapclient_free(a);
    c = b;
    imapclient_logout(b, NULL);
    imapclient_free(b);
}

static void test_condstore__calls_dovecot(void **state)
{
    (void)state;
    qresync_calls(0);
}

static void test_condstore__calls_cyrus(void **state)
{
    (void)state;
    qresync_calls(1);
}

/* The non-blocking API: a QRESYNC select and a CHANGEDSINCE fetch started
 * together, unsolicited VANISHED read through the callback. */
typedef struct got {
    int n;
    int status[4];
    void *result[4];
    imapclient_op op[4];
} got;

static void take(imapclient *c, imapclient_completion *d)
{
    (void)c;
    got *g = d->user;
    g->op[g->n] = d->op;
    g->status[g->n] = d->status;
    g->result[g->n++] = d->result;
    d->result = NULL;
}

static void on_unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    (void)c;
    imapclient_changes_add(payload, r);
}

static void test_condstore__async_dovecot(void **state)
{
    (void)state;
    const live_env *e = live_require();
    char folder[96];
    folder_name(0, "QresyncAsync", folder, sizeof folder);
    imapclient *b = live_login_to(e), *a = live_login_to(e), *c = b;
    OK(imapclient_create_folder(b, folder, NULL));
    uint32_t uid[4];
    for (int i = 1; i <= 3; i++)
        append_one(b, folder, i, NULL, &uid[i]);
    c = a;
    OK(imapclient_enable(a, (const char *const[]){"QRESYNC", NULL}, NULL));
    imapclient_select_info *i = NULL;
    imapclient_select_params p = {.condstore = 1};
    OK(imapclient_select_folder_params(a, folder, &p, &i));
    uint32_t uv = i->uidvalidity;
    uint64_t ms = i->highestmodseq;
    imapclient_select_info_free(i);
    c = b;
    OK(imapclient_select_folder(b, folder, 0, NULL));
    char set[32];
    snprintf(set, sizeof set, "%u", uid[2]);
    OK(imapclient_delete_messages(b, set, 1, NULL));
    OK(imapclient_uid_expunge(b, set, NULL));

    c = a;
    imapclient_changes *ch = NULL;
    OK(imapclient_changes_new(&ch));
    imapclient_set_unsolicited_cb(a, on_unsolicited, ch);
    got g = {0};
    p = (imapclient_select_params){.qresync_uidvalidity = uv, .qresync_modseq = ms};
    OK(imapclient_start_select_folder_params(a, folder, &p, take, &g, NULL));
    OK(imapclient_start_fetch_changedsince(a, "1:*", (const char *const[]){"FLAGS", NULL},
                                           ms, 1, take, &g, NULL));
    long long until = now_ms() + 10000;
    while (imapclient_pending_commands(a) && now_ms() < until) {
        imapclient_wants w;
        OK(imapclient_want(a, &w));
        usleep(1000);
        OK(imapclient_drive(a));
    }
    assert_int_equal(g.n, 2);
    assert_int_equal(g.status[0], 0);
    assert_int_equal(g.op[0], IMAPCLIENT_OP_SELECT);
    i = g.result[0];
    assert_true(imapclient_uidset_contains(&i->vanished, uid[2]));
    imapclient_select_info_free(i);
    assert_int_equal(g.status[1], 0);
    imapclient_fetch_result *f = g.result[1];
    assert_true(imapclient_uidset_contains(&f->vanished, uid[2]));
    imapclient_fetch_result_free(f);
    /* the other client's VANISHED while nothing runs: the callback */
    c = b;
    snprintf(set, sizeof set, "%u", uid[3]);
    OK(imapclient_delete_messages(b, set, 1, NULL));
    OK(imapclient_uid_expunge(b, set, NULL));
    c = a;
    until = now_ms() + 10000;
    while (!imapclient_uidset_contains(&ch->vanished, uid[3]) && now_ms() < until) {
        OK(imapclient_start_noop(a, NULL, NULL, NULL));
        while (imapclient_pending_commands(a) && now_ms() < until)
            OK(imapclient_drive(a));
        imapclient_completion *d = NULL;
        while (imapclient_next_completion(a, &d) == 1)
            imapclient_completion_free(d);
        if (!imapclient_uidset_contains(&ch->vanished, uid[3]))
            usleep(100 * 1000);
    }
    assert_true(imapclient_uidset_contains(&ch->vanished, uid[3]));
    imapclient_set_unsolicited_cb(a, NULL, NULL);
    imapclient_changes_free(ch);
    remove_folder(a, folder);
    imapclient_logout(a, NULL);
    imapclient_free(a);
    c = b;
    imapclient_logout(b, NULL);
    imapclient_free(b);
}

int main(void)
{
    live_require();
    live_cyrus_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync__three_ways_dovecot),
        cmocka_unit_test(test_sync__three_ways_cyrus),
        cmocka_unit_test(test_sync__fragmented_folder),
        cmocka_unit_test(test_condstore__calls_dovecot),
        cmocka_unit_test(test_condstore__calls_cyrus),
        cmocka_unit_test(test_condstore__async_dovecot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
