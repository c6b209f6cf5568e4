/* The sync helper on canned server bytes: the saved state (format, parse,
 * and the blobs parse refuses), each strategy (QRESYNC, CONDSTORE with
 * and without ESEARCH, FLAGS) giving the same answer for the same
 * changes, a first sync, a UIDVALIDITY change, the fallbacks (NOMODSEQ, a
 * server that announces QRESYNC and refuses it), forced strategies, the
 * state left alone on failure, and a folder of 20,000 messages kept in a
 * few bytes. */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

static imapclient *play(const char *script)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    if (rc)
        fail_msg("connect returned %d (%s)", rc, imapclient_errmsg(c));
    return c;
}

static void finish(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent: %s", imapclient_script_sent(c));
    imapclient_free(c);
}

#define OK(call)                                                                         \
    do {                                                                                 \
        int rc_ = (call);                                                                \
        if (rc_)                                                                         \
            fail_msg("%s: %d %s", #call, rc_, imapclient_errmsg(c));                     \
    } while (0)

static const char *text_of(const imapclient_uidset *s)
{
    static char buf[4][512];
    static int k;
    char *t = NULL;
    assert_int_equal(imapclient_uidset_format(s, &t), 0);
    char *b = buf[k++ % 4];
    snprintf(b, sizeof buf[0], "%s", t);
    free(t);
    return b;
}

static imapclient_sync_state *state_of(const char *blob)
{
    imapclient_sync_state *st = NULL;
    int rc = imapclient_sync_state_parse(blob, strlen(blob), &st);
    if (rc)
        fail_msg("parse: %d for\n%s", rc, blob);
    return st;
}

static char *blob_of(const imapclient_sync_state *st)
{
    char *b = NULL;
    size_t n = 0;
    assert_int_equal(imapclient_sync_state_format(st, &b, &n), 0);
    assert_int_equal(strlen(b), n);
    return b;
}

/* ---- the state
 * ------------------------------------------------------------------------- */

static void test_state__new_format_parse(void **state)
{
    (void)state;
    imapclient_sync_state *st = NULL;
    assert_int_equal(imapclient_sync_state_new(&st), 0);
    assert_int_equal(imapclient_sync_state_uidvalidity(st), 0);
    assert_int_equal(imapclient_sync_state_uids(st)->count, 0);
    char *b = blob_of(st);
    assert_string_equal(b,
                        "imapclient-sync-state 1\nuidvalidity 0\nhighestmodseq 0\nuids\n"
                        "end\n");
    imapclient_sync_state_free(st);
    st = state_of(b);
    free(b);
    imapclient_sync_state_free(st);

    static const char *const good =
        "imapclient-sync-state 1\nuidvalidity 3857529045\nhighestmodseq "
        "18446744073709551615\nuids 1:4,7,9:300\nflagset 0 \\Seen\nflagset 1\nflagset 2 "
        "$Label%20x \\Flagged \\Seen\nflags 1:4=0,7=1,9=2,10:300=0\nend\n";
    st = state_of(good);
    assert_int_equal(imapclient_sync_state_uidvalidity(st), 3857529045u);
    assert_true(imapclient_sync_state_highestmodseq(st) == UINT64_MAX);
    assert_string_equal(text_of(imapclient_sync_state_uids(st)), "1:4,7,9:300");
    char **fl = NULL;
    size_t n = 0;
    assert_int_equal(imapclient_sync_state_flags(st, 9, &fl, &n), 1);
    assert_int_equal(n, 3);
    assert_string_equal(fl[0], "$Label x");
    assert_string_equal(fl[1], "\\Flagged");
    assert_string_equal(fl[2], "\\Seen");
    assert_null(fl[3]);
    free(fl);
    assert_int_equal(imapclient_sync_state_flags(st, 7, &fl, &n), 1);
    assert_int_equal(n, 0);
    assert_null(fl[0]);
    free(fl);
    assert_int_equal(imapclient_sync_state_flags(st, 8, &fl, &n), 0); /* not known */
    assert_null(fl);
    b = blob_of(st);
    assert_string_equal(b, good); /* what is read is written back the same */
    free(b);
    imapclient_sync_state_free(st);
}

/* Blobs that are not exactly what format writes are refused. */
static void test_state__parse_refuses(void **state)
{
    (void)state;
#define H "imapclient-sync-state 1\n"
    static const char *const bad[] = {
        "",
        "imapclient-sync-state 2\nuidvalidity 1\nhighestmodseq 0\nuids\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1:5\n",         /* cut short */
        H "uidvalidity 1\nhighestmodseq 0\nuids 1:5\nend",      /* no last LF */
        H "uidvalidity 1\nhighestmodseq 0\nuids 1:5\nend\nx\n", /* after the end */
        H "uidvalidity 4294967296\nhighestmodseq 0\nuids\nend\n",
        H "uidvalidity 01\nhighestmodseq 0\nuids\nend\n",
        H "uidvalidity -1\nhighestmodseq 0\nuids\nend\n",
        H "uidvalidity 1\nhighestmodseq 18446744073709551616\nuids\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 5:1\nend\n", /* not as written */
        H "uidvalidity 1\nhighestmodseq 0\nuids 1,2\nend\n", /* not merged */
        H "uidvalidity 1\nhighestmodseq 0\nuids 3,1\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1:*\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids \nend\n",
        H
        "uidvalidity 0\nhighestmodseq 0\nuids 1\nend\n", /* never synced knows nothing */
        H "uidvalidity 0\nhighestmodseq 5\nuids\nend\n",
        H "highestmodseq 0\nuidvalidity 1\nuids\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1:2\nflagset 0 \\Seen\nend\n",
        H
        "uidvalidity 1\nhighestmodseq 0\nuids 1:2\nflagset 1 \\Seen\nflags 1:2=0\nend\n",
        H
        "uidvalidity 1\nhighestmodseq 0\nuids 1:2\nflagset 0 \\Seen\nflags 1:2=1\nend\n",
        H
        "uidvalidity 1\nhighestmodseq 0\nuids 1:3\nflagset 0 \\Seen\nflags 1:2=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1:3\nflagset 0 \\Seen\nflags "
          "2:3=0,1=0\nend\n",
        H
        "uidvalidity 1\nhighestmodseq 0\nuids 1:3\nflagset 0 \\Seen\nflags 1:3=0,\nend\n",
        H
        "uidvalidity 1\nhighestmodseq 0\nuids 1:3\nflagset 0 \\Seen\nflags 3:1=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\nflagset 0 \\Seen \\Seen\nflags "
          "1=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\nflagset 0 \\Seen \\Answered\nflags "
          "1=0\nend\n", /* not sorted */
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\nflagset 0 a b\nflagset 1 a b\nflags "
          "1=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\nflagset 0 a%2\nflags 1=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\nflagset 0 a%41\nflags 1=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\nflagset 0  a\nflags 1=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\nflagset 0 \nflags 1=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\nflagset 0 \xc3\xa9\nflags 1=0\nend\n",
        H "uidvalidity 1\nhighestmodseq 0\nuids 1\r\nend\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        imapclient_sync_state *st = (imapclient_sync_state *)1;
        int rc = imapclient_sync_state_parse(bad[i], strlen(bad[i]), &st);
        if (rc != IMAPCLIENT_EINVAL)
            fail_msg("blob %zu accepted (%d):\n%s", i, rc, bad[i]);
        assert_null(st);
    }
    /* the blob's length is what counts, not a NUL */
    static const char nul[] = H "uidvalidity 1\nhighestmodseq 0\nuids\nend\n\0junk";
    imapclient_sync_state *st = NULL;
    assert_int_equal(imapclient_sync_state_parse(nul, sizeof nul - 1, &st),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_sync_state_parse(nul, sizeof nul - 6, &st), 0);
    imapclient_sync_state_free(st);
    assert_int_equal(imapclient_sync_state_parse(NULL, 0, &st), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_sync_state_format(NULL, NULL, NULL), IMAPCLIENT_EINVAL);
#undef H
}

/* ---- the same changes, three ways ----------------------------------------------------
 */

/* Before: UIDVALIDITY 7, HIGHESTMODSEQ 100, UIDs 1:10 all \Seen. Then, by
 * someone else: 3 flagged, 5 and 6 expunged, 11 and 12 arrived. */
#define BEFORE_MODSEQ                                                                    \
    "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 100\nuids 1:10\nend\n"
#define BEFORE_FLAGS                                                                     \
    "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 0\nuids 1:10\nflagset 0 "     \
    "\\Seen\nflags 1:10=0\nend\n"
#define SELECT_DATA(modseq)                                                              \
    "S: * 10 EXISTS\n"                                                                   \
    "S: * OK [UIDVALIDITY 7] UIDs valid\n"                                               \
    "S: * OK [UIDNEXT 13] next\n" modseq
#define CHANGED_FETCHES                                                                  \
    "S: * 3 FETCH (UID 3 FLAGS (\\Seen \\Flagged) MODSEQ (103))\n"                       \
    "S: * 9 FETCH (UID 11 FLAGS () MODSEQ (104))\n"                                      \
    "S: * 10 FETCH (UID 12 FLAGS (\\Seen) MODSEQ (105))\n"

static void check_same_answer(const imapclient_sync_result *r,
                              imapclient_sync_strategy st)
{
    assert_int_equal(r->strategy, st);
    assert_false(r->start_over);
    assert_int_equal(r->uidvalidity, 7);
    assert_int_equal(r->exists, 10);
    assert_string_equal(text_of(&r->new_uids), "11:12");
    assert_string_equal(text_of(&r->vanished), "5:6");
    assert_int_equal(r->changed_count, 1);
    assert_int_equal(r->changed[0].uid, 3);
    assert_int_equal(r->changed[0].flag_count, 2);
    assert_string_equal(r->changed[0].flags[0], "\\Seen");
    assert_string_equal(r->changed[0].flags[1], "\\Flagged");
    assert_non_null(r->select);
}

static void test_sync__qresync(void **state)
{
    (void)state;
    imapclient *c = play(
        "S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] hi\n"
        "C: A001 ENABLE QRESYNC\n"
        "S: * ENABLED QRESYNC\n"
        "S: A001 OK Enabled\n"
        "C: A002 SELECT INBOX (QRESYNC (7 100 1:10))\n" SELECT_DATA(
            "S: * OK [HIGHESTMODSEQ 105] x\n") "S: * VANISHED (EARLIER) "
                                               "5:6,20:30\n"
                                               "S: * 3 FETCH (UID 3 FLAGS (\\Seen "
                                               "\\Flagged) MODSEQ (103))\n"
                                               "S: A002 OK [READ-WRITE] ok\n"
                                               /* the known UIDs' changes only (as
                                                * Dovecot): the new ones are asked for */
                                               "C: A003 UID FETCH 11:* (UID FLAGS)\n"
                                               "S: * 9 FETCH (UID 11 FLAGS ())\n"
                                               "S: * 10 FETCH (UID 12 FLAGS (\\Seen))\n"
                                               "S: A003 OK done\n"
                                               /* again: the server reports the new ones
                                                * too, and UIDNEXT says nothing came since
                                                */
                                               "C: A004 SELECT INBOX (QRESYNC (7 105 "
                                               "1:4,7:12))\n"
                                               "S: * 8 EXISTS\n"
                                               "S: * OK [UIDVALIDITY 7] UIDs valid\n"
                                               "S: * OK [UIDNEXT 13] next\n"
                                               "S: * OK [HIGHESTMODSEQ 106] x\n"
                                               "S: * 8 FETCH (UID 12 FLAGS () MODSEQ "
                                               "(106))\n"
                                               "S: A004 OK [READ-WRITE] ok\n"
                                               /* the "n:*" trap: 13:* names message 12 */
                                               "C: A005 SELECT INBOX (QRESYNC (7 106 "
                                               "1:4,7:12))\n"
                                               "S: * 8 EXISTS\n"
                                               "S: * OK [UIDVALIDITY 7] UIDs valid\n"
                                               "S: * OK [HIGHESTMODSEQ 106] x\n"
                                               "S: A005 OK [READ-WRITE] ok\n"
                                               "C: A006 UID FETCH 13:* (UID FLAGS)\n"
                                               "S: * 8 FETCH (UID 12 FLAGS ())\n"
                                               "S: A006 OK done\n");
    imapclient_sync_state *st = state_of(BEFORE_MODSEQ);
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    check_same_answer(r, IMAPCLIENT_SYNC_QRESYNC);
    assert_true(r->changed[0].has_modseq && r->changed[0].modseq == 103);
    assert_true(r->highestmodseq == 105);
    /* 20:30 were never known: ignored */
    imapclient_sync_result_free(r);
    char *b = blob_of(st);
    assert_string_equal(b,
                        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 105\nuids "
                        "1:4,7:12\nend\n");
    free(b);
    assert_true(imapclient_is_enabled(c, "QRESYNC"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_int_equal(r->changed_count, 1);
    assert_int_equal(r->changed[0].uid, 12);
    assert_int_equal(r->new_uids.count + r->vanished.count, 0);
    imapclient_sync_result_free(r);
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_int_equal(r->changed_count + r->new_uids.count + r->vanished.count, 0);
    imapclient_sync_result_free(r);
    imapclient_sync_state_free(st);
    finish(c);
}

/* On a handle driven without waiting (async.h): the blocking sync waits
 * behind a command started before it, whose completion comes first; and
 * the QRESYNC SELECT it sends, started with
 * imapclient_start_select_folder_params(), gives the same typed data in
 * its IMAPCLIENT_OP_SELECT completion. */
typedef struct done_log {
    int n;
    imapclient_op op[4];
    int status[4];
    void *result[4];
    int sync_returned_before[4]; /* the sync call had returned when it came */
} done_log;

static int sync_returned;

static void log_done(imapclient *c, imapclient_completion *d)
{
    (void)c;
    done_log *l = d->user;
    l->op[l->n] = d->op;
    l->status[l->n] = d->status;
    l->sync_returned_before[l->n] = sync_returned;
    l->result[l->n++] = d->result;
    d->result = NULL; /* ours now */
}

#define QRESYNC_ANSWER                                                                   \
    SELECT_DATA("S: * OK [HIGHESTMODSEQ 105] x\n")                                       \
    "S: * VANISHED (EARLIER) 5:6\n"                                                      \
    "S: * 3 FETCH (UID 3 FLAGS (\\Seen \\Flagged) MODSEQ (103))\n"                       \
    "S: * 9 FETCH (UID 11 FLAGS () MODSEQ (104))\n"                                      \
    "S: * 10 FETCH (UID 12 FLAGS (\\Seen) MODSEQ (105))\n"

static void test_sync__nonblocking_handle(void **state)
{
    (void)state;
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] hi\n"
             "C: A001 NOOP\n"
             "S: A001 OK done\n"
             "C: A002 ENABLE QRESYNC\n"
             "S: * ENABLED QRESYNC\n"
             "S: A002 OK Enabled\n"
             "C: A003 SELECT INBOX (QRESYNC (7 100 1:10))\n" QRESYNC_ANSWER
             "S: A003 OK [READ-WRITE] ok\n"
             "C: A004 UID FETCH 11:* (UID FLAGS)\n"
             "S: * 9 FETCH (UID 11 FLAGS ())\n"
             "S: * 10 FETCH (UID 12 FLAGS (\\Seen))\n"
             "S: A004 OK done\n"
             "C: A005 SELECT INBOX (QRESYNC (7 100 1:10))\n"
             "S: * OK [CLOSED] x\n" QRESYNC_ANSWER "S: A005 OK [READ-WRITE] ok\n");
    done_log l = {0};
    sync_returned = 0;
    OK(imapclient_start_noop(c, log_done, &l, NULL));
    imapclient_sync_state *st = state_of(BEFORE_MODSEQ);
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    sync_returned = 1;
    assert_int_equal(l.n, 1);
    assert_int_equal(l.op[0], IMAPCLIENT_OP_NOOP);
    assert_int_equal(l.status[0], 0);
    assert_int_equal(l.sync_returned_before[0], 0);
    imapclient_responses_free(l.result[0]);
    assert_int_equal(r->strategy, IMAPCLIENT_SYNC_QRESYNC);
    assert_string_equal(text_of(&r->vanished), "5:6");
    assert_int_equal(r->changed_count, 1);
    assert_int_equal(r->changed[0].uid, 3);
    imapclient_sync_result_free(r);

    /* the same SELECT without waiting: the raw data the sync read */
    imapclient_select_params p = {
        .qresync_uidvalidity = 7, .qresync_modseq = 100, .qresync_known_uids = "1:10"};
    OK(imapclient_start_select_folder_params(c, "INBOX", &p, log_done, &l, NULL));
    for (int i = 0; i < 100 && imapclient_pending_commands(c); i++)
        assert_true(imapclient_drive(c) >= 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.op[1], IMAPCLIENT_OP_SELECT);
    assert_int_equal(l.status[1], 0);
    imapclient_select_info *si = l.result[1];
    assert_string_equal(text_of(&si->vanished), "5:6");
    assert_int_equal(si->changed_count, 3);
    assert_int_equal(si->changed[0].uid, 3);
    assert_true(si->changed[0].modseq == 103);
    assert_true(si->highestmodseq == 105);
    imapclient_select_info_free(si);
    imapclient_sync_state_free(st);
    finish(c);
}

static void test_sync__condstore(void **state)
{
    (void)state;
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] hi\n"
             "C: A001 EXAMINE INBOX (CONDSTORE)\n" SELECT_DATA(
                 "S: * OK [HIGHESTMODSEQ 105] x\n") "S: A001 OK [READ-ONLY] ok\n"
                                                    "C: A002 UID FETCH 1:* (UID FLAGS) "
                                                    "(CHANGEDSINCE 100)\n" CHANGED_FETCHES
                                                    "S: A002 OK done\n"
                                                    "C: A003 UID SEARCH UID 1:10\n"
                                                    "S: * SEARCH 1 2 3 4 7 8 9 10\n"
                                                    "S: A003 OK done\n");
    imapclient_sync_state *st = state_of(BEFORE_MODSEQ);
    imapclient_sync_options o = {.readonly = 1};
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, &o, &r));
    check_same_answer(r, IMAPCLIENT_SYNC_CONDSTORE);
    assert_true(r->changed[0].modseq == 103);
    imapclient_sync_result_free(r);
    char *b = blob_of(st);
    assert_string_equal(b,
                        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 105\nuids "
                        "1:4,7:12\nend\n");
    free(b);
    imapclient_sync_state_free(st);
    finish(c);
}

static void test_sync__condstore_esearch(void **state)
{
    (void)state;
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE QRESYNC ENABLE ESEARCH] "
             "hi\n"
             "C: A001 SELECT INBOX (CONDSTORE)\n" SELECT_DATA(
                 "S: * OK [HIGHESTMODSEQ 105] x\n") "S: A001 OK [READ-WRITE] ok\n"
                                                    "C: A002 UID FETCH 1:* (UID "
                                                    "FLAGS) (CHANGEDSINCE "
                                                    "100)\n" CHANGED_FETCHES
                                                    "S: A002 OK done\n"
                                                    "C: A003 UID SEARCH RETURN (ALL) UID "
                                                    "1:10\n"
                                                    "S: * ESEARCH (TAG \"A003\") UID ALL "
                                                    "1:4,7:10\n"
                                                    "S: A003 OK done\n");
    imapclient_sync_state *st = state_of(BEFORE_MODSEQ);
    imapclient_sync_options o = {.strategy = IMAPCLIENT_SYNC_CONDSTORE};
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, &o, &r));
    check_same_answer(r, IMAPCLIENT_SYNC_CONDSTORE);
    imapclient_sync_result_free(r);
    assert_false(imapclient_is_enabled(c, "QRESYNC")); /* not asked for */
    imapclient_sync_state_free(st);
    finish(c);
}

static void test_sync__flags(void **state)
{
    (void)state;
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"
                         "C: A001 SELECT INBOX\n" SELECT_DATA(
                             "") "S: A001 OK [READ-WRITE] ok\n"
                                 "C: A002 UID FETCH 1:* (UID FLAGS)\n"
                                 "S: * 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))\n"
                                 "S: * 2 FETCH (UID 2 FLAGS (\\Seen))\n"
                                 "S: * 3 FETCH (FLAGS (\\Flagged \\Seen) UID 3)\n"
                                 "S: * 4 FETCH (UID 4 FLAGS (\\SEEN))\n"
                                 "S: * 5 FETCH (UID 7 FLAGS (\\Seen))\n"
                                 "S: * 6 FETCH (UID 8 FLAGS (\\Seen))\n"
                                 "S: * 7 FETCH (UID 9 FLAGS (\\Seen))\n"
                                 "S: * 8 FETCH (UID 10 FLAGS (\\Seen))\n"
                                 "S: * 9 FETCH (UID 11 FLAGS ())\n"
                                 "S: * 10 FETCH (UID 12 FLAGS (\\Seen))\n"
                                 "S: A002 OK done\n");
    imapclient_sync_state *st = state_of(BEFORE_FLAGS);
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_int_equal(r->strategy, IMAPCLIENT_SYNC_FLAGS);
    assert_int_equal(r->changed_count, 1);
    assert_int_equal(r->changed[0].uid, 3);
    assert_false(r->changed[0].has_modseq);
    assert_string_equal(text_of(&r->new_uids), "11:12");
    assert_string_equal(text_of(&r->vanished), "5:6");
    assert_true(r->highestmodseq == 0);
    imapclient_sync_result_free(r);
    char *b = blob_of(st);
    assert_string_equal(b,
                        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 0\nuids "
                        "1:4,7:12\nflagset 0 \\Seen\nflagset 1 \\Flagged \\Seen\nflagset "
                        "2\nflags 1:2=0,3=1,4:10=0,11=2,12=0\nend\n");
    free(b);
    imapclient_sync_state_free(st);
    finish(c);
}

/* ---- first sync, UIDVALIDITY change, fallbacks
 * ------------------------------------------ */

static void test_sync__first_then_start_over(void **state)
{
    (void)state;
    imapclient *c = play(
        "S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] hi\n"
        "C: A001 SELECT INBOX (CONDSTORE)\n" SELECT_DATA(
            "S: * OK [HIGHESTMODSEQ 105] x\n") "S: A001 OK [READ-WRITE] ok\n"
                                               "C: A002 UID FETCH 1:* (UID "
                                               "FLAGS)\n"
                                               "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n"
                                               "S: * 2 FETCH (UID 4 FLAGS ())\n"
                                               "S: A002 OK done\n"
                                               "C: A003 SELECT INBOX (CONDSTORE)\n"
                                               "S: * 1 EXISTS\n"
                                               "S: * OK [UIDVALIDITY 8] new\n"
                                               "S: * OK [HIGHESTMODSEQ 3] x\n"
                                               "S: A003 OK [READ-WRITE] ok\n"
                                               "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                                               "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                               "S: A004 OK done\n");
    imapclient_sync_state *st = NULL;
    OK(imapclient_sync_state_new(&st));
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_int_equal(r->strategy, IMAPCLIENT_SYNC_CONDSTORE);
    assert_false(r->start_over);
    assert_string_equal(text_of(&r->new_uids), "1,4");
    assert_int_equal(r->changed_count, 0);
    assert_int_equal(r->vanished.count, 0);
    imapclient_sync_result_free(r);
    assert_int_equal(imapclient_sync_state_uidvalidity(st), 7);
    assert_true(imapclient_sync_state_highestmodseq(st) == 105);
    /* the folder was deleted and made again: start over */
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_true(r->start_over);
    assert_int_equal(r->uidvalidity, 8);
    assert_string_equal(text_of(&r->new_uids), "1");
    assert_int_equal(r->changed_count, 0);
    assert_int_equal(r->vanished.count, 0);
    imapclient_sync_result_free(r);
    char *b = blob_of(st);
    assert_string_equal(b,
                        "imapclient-sync-state 1\nuidvalidity 8\nhighestmodseq 3\nuids "
                        "1\nend\n");
    free(b);
    imapclient_sync_state_free(st);
    finish(c);
}

/* A folder without mod-sequences: the flags are compared, and kept for the
 * next time. */
static void test_sync__nomodseq(void **state)
{
    (void)state;
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] hi\n"
                         "C: A001 SELECT INBOX (CONDSTORE)\n"
                         "S: * 2 EXISTS\n"
                         "S: * OK [UIDVALIDITY 7] x\n"
                         "S: * OK [NOMODSEQ] no modseqs here\n"
                         "S: A001 OK [READ-WRITE] ok\n"
                         "C: A002 UID FETCH 1:* (UID FLAGS)\n"
                         "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n"
                         "S: * 2 FETCH (UID 2 FLAGS ())\n"
                         "S: A002 OK done\n");
    imapclient_sync_state *st = state_of(BEFORE_MODSEQ);
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_int_equal(r->strategy, IMAPCLIENT_SYNC_FLAGS);
    /* the state had no flags: every known message may have changed */
    assert_int_equal(r->changed_count, 2);
    assert_string_equal(text_of(&r->vanished), "3:10");
    imapclient_sync_result_free(r);
    char *b = blob_of(st);
    assert_string_equal(b,
                        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 0\nuids "
                        "1:2\nflagset 0 \\Seen\nflagset 1\nflags 1=0,2=1\nend\n");
    free(b);
    imapclient_sync_state_free(st);
    finish(c);
}

/* A server that announces QRESYNC: ENABLE answered BAD, then (another
 * session) the QRESYNC parameter answered BAD: both fall back to CONDSTORE
 * under AUTO; a forced QRESYNC fails with the server's words and leaves
 * the state as it was. */
static void test_sync__qresync_refused(void **state)
{
    (void)state;
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] hi\n"
             "C: A001 ENABLE QRESYNC\n"
             "S: A001 BAD no\n"
             "C: A002 SELECT INBOX (CONDSTORE)\n" SELECT_DATA(
                 "S: * OK [HIGHESTMODSEQ 100] x\n") "S: A002 OK [READ-WRITE] ok\n"
                                                    "C: A003 UID FETCH 1:* (UID FLAGS) "
                                                    "(CHANGEDSINCE 100)\n"
                                                    "S: A003 OK done\n"
                                                    "C: A004 UID SEARCH UID 1:10\n"
                                                    "S: * SEARCH 1 2 3 4 5 6 7 8 9 10\n"
                                                    "S: A004 OK done\n");
    imapclient_sync_state *st = state_of(BEFORE_MODSEQ);
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_int_equal(r->strategy, IMAPCLIENT_SYNC_CONDSTORE);
    assert_int_equal(r->changed_count + r->new_uids.count + r->vanished.count, 0);
    assert_string_equal(imapclient_errmsg(c), ""); /* the fallback is no error */
    imapclient_sync_result_free(r);
    /* forced, with a folder selected and no UNSELECT to leave it for ENABLE:
     * refused, nothing lost */
    imapclient_sync_options o = {.strategy = IMAPCLIENT_SYNC_QRESYNC};
    assert_int_equal(imapclient_sync_folder(c, "INBOX", st, &o, &r),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_null(r);
    char *b = blob_of(st);
    assert_string_equal(b, BEFORE_MODSEQ);
    free(b);
    imapclient_sync_state_free(st);
    imapclient_free(c);

    c = play(
        "S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC UNSELECT] hi\n"
        "C: A001 ENABLE QRESYNC\n"
        "S: * ENABLED QRESYNC\n"
        "S: A001 OK Enabled\n"
        "C: A002 SELECT INBOX (QRESYNC (7 100 1:10))\n"
        "S: A002 BAD [CLIENTBUG] no such parameter\n"
        "C: A003 SELECT INBOX (CONDSTORE)\n" SELECT_DATA(
            "S: * OK [HIGHESTMODSEQ 100] x\n") "S: A003 OK [READ-WRITE] ok\n"
                                               "C: A004 UID FETCH 1:* (UID FLAGS) "
                                               "(CHANGEDSINCE 100)\n"
                                               "S: A004 OK done\n"
                                               "C: A005 UID SEARCH UID 1:10\n"
                                               "S: * SEARCH 1 2 3 4 5 6 7 8 9 10\n"
                                               "S: A005 OK done\n"
                                               "C: A006 SELECT INBOX (QRESYNC (7 100 "
                                               "1:10))\n"
                                               "S: A006 BAD [CLIENTBUG] still no\n");
    st = state_of(BEFORE_MODSEQ);
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_int_equal(r->strategy, IMAPCLIENT_SYNC_CONDSTORE);
    imapclient_sync_result_free(r);
    assert_int_equal(imapclient_sync_folder(c, "INBOX", st, &o, &r), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "BAD [CLIENTBUG] still no"));
    b = blob_of(st);
    assert_string_equal(b,
                        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 100\nuids "
                        "1:10\nend\n");
    free(b);
    imapclient_sync_state_free(st);
    finish(c);
}

/* Forced ways the server lacks, bad arguments, a server without
 * UIDVALIDITY, a connection lost midway: errors, and the state unchanged. */
static void test_sync__failures(void **state)
{
    (void)state;
    imapclient *c = play(
        "S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"
        "C: A001 SELECT INBOX\n"
        "S: * 3 EXISTS\n"
        "S: A001 OK [READ-WRITE] ok\n"
        "C: A002 SELECT INBOX\n" SELECT_DATA("") "S: A002 OK [READ-WRITE] ok\n"
                                                 "C: A003 UID FETCH 1:* (UID FLAGS)\n"
                                                 "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n"
                                                 "!EOF\n");
    imapclient_sync_state *st = state_of(BEFORE_FLAGS);
    imapclient_sync_result *r = NULL;
    imapclient_sync_options o = {.strategy = IMAPCLIENT_SYNC_CONDSTORE};
    assert_int_equal(imapclient_sync_folder(c, "INBOX", st, &o, &r),
                     IMAPCLIENT_ECAPABILITY);
    o.strategy = IMAPCLIENT_SYNC_QRESYNC;
    assert_int_equal(imapclient_sync_folder(c, "INBOX", st, &o, &r),
                     IMAPCLIENT_ECAPABILITY);
    o.strategy = (imapclient_sync_strategy)9;
    assert_int_equal(imapclient_sync_folder(c, "INBOX", st, &o, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_sync_folder(c, NULL, st, NULL, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_sync_folder(c, "INBOX", NULL, NULL, &r),
                     IMAPCLIENT_EINVAL);
    assert_null(imapclient_sync_strategy_name((imapclient_sync_strategy)9));
    assert_string_equal(imapclient_sync_strategy_name(IMAPCLIENT_SYNC_FLAGS), "flags");
    /* no UIDVALIDITY: nothing can be trusted */
    assert_int_equal(imapclient_sync_folder(c, "INBOX", st, NULL, &r),
                     IMAPCLIENT_EPROTOCOL);
    /* the connection drops in the middle */
    assert_int_equal(imapclient_sync_folder(c, "INBOX", st, NULL, &r), IMAPCLIENT_EABORT);
    assert_null(r);
    char *b = blob_of(st);
    assert_string_equal(b, BEFORE_FLAGS);
    free(b);
    imapclient_sync_state_free(st);
    imapclient_free(c);
}

/* Known UIDs in chunks of 20,000 for servers without ESEARCH. */
static void test_sync__search_chunks(void **state)
{
    (void)state;
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] hi\n"
                         "C: A001 SELECT INBOX (CONDSTORE)\n"
                         "S: * 30000 EXISTS\n"
                         "S: * OK [UIDVALIDITY 7] x\n"
                         "S: * OK [HIGHESTMODSEQ 100] x\n"
                         "S: A001 OK [READ-WRITE] ok\n"
                         "C: A002 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 100)\n"
                         "S: A002 OK done\n"
                         "C: A003 UID SEARCH UID 1:20000\n"
                         "S: * SEARCH 1 20000\n"
                         "S: A003 OK done\n"
                         "C: A004 UID SEARCH UID 20001:30005\n"
                         "S: * SEARCH 30005\n"
                         "S: A004 OK done\n");
    imapclient_sync_state *st =
        state_of("imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 100\nuids "
                 "1:25000,30001:30005\n"
                 "end\n");
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_string_equal(text_of(&r->vanished), "2:19999,20001:25000,30001:30004");
    imapclient_sync_result_free(r);
    imapclient_sync_state_free(st);
    finish(c);
}

/* keep_flags under a mod-sequence way: the flags are listed once, then
 * kept up to date from what changed. */
static void test_sync__keep_flags(void **state)
{
    (void)state;
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] hi\n"
             "C: A001 SELECT INBOX (CONDSTORE)\n" SELECT_DATA(
                 "S: * OK [HIGHESTMODSEQ 105] x\n") "S: A001 OK [READ-WRITE] ok\n"
                                                    "C: A002 UID FETCH 1:* (UID "
                                                    "FLAGS) (CHANGEDSINCE 100)\n"
                                                    "S: * 3 FETCH (UID 3 MODSEQ "
                                                    "(103))\n"
                                                    "S: A002 OK done\n"
                                                    "C: A003 UID SEARCH UID 1:3\n"
                                                    "S: * SEARCH 1 2 3\n"
                                                    "S: A003 OK done\n"
                                                    "C: A004 UID FETCH 1:* (UID "
                                                    "FLAGS)\n"
                                                    "S: * 1 FETCH (UID 1 FLAGS "
                                                    "(\\Seen))\n"
                                                    "S: * 2 FETCH (UID 2 FLAGS "
                                                    "(\\Seen))\n"
                                                    "S: * 3 FETCH (UID 3 FLAGS "
                                                    "(\\Answered))\n"
                                                    "S: A004 OK done\n"
                                                    "C: A005 SELECT INBOX "
                                                    "(CONDSTORE)\n" SELECT_DATA(
                                                        "S: * OK [HIGHESTMODSEQ 107] "
                                                        "x\n") "S: A005 OK "
                                                               "[READ-WRITE] ok\n"
                                                               "C: A006 UID FETCH "
                                                               "1:* (UID "
                                                               "FLAGS) (CHANGEDSINCE "
                                                               "105)\n"
                                                               "S: * 2 FETCH (UID 2 "
                                                               "MODSEQ (106))\n"
                                                               "S: * 4 FETCH (UID 4 "
                                                               "MODSEQ (107))\n"
                                                               "S: A006 OK done\n"
                                                               "C: A007 UID SEARCH "
                                                               "UID 1:3\n"
                                                               "S: * SEARCH 1 2 3\n"
                                                               "S: A007 OK done\n"
                                                               "C: A008 UID FETCH "
                                                               "2,4 (UID FLAGS)\n"
                                                               "S: * 2 FETCH (UID 2 "
                                                               "FLAGS ())\n"
                                                               "S: * 4 FETCH (UID 4 "
                                                               "FLAGS (\\Draft))\n"
                                                               "S: A008 OK done\n");
    imapclient_sync_state *st = state_of(
        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 100\nuids 1:3\nend\n");
    imapclient_sync_options o = {.keep_flags = 1};
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, &o, &r));
    assert_int_equal(r->changed_count, 1);
    assert_null(r->changed[0].flags); /* the server sent only its MODSEQ */
    imapclient_sync_result_free(r);
    char *b = blob_of(st);
    assert_string_equal(b,
                        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 105\nuids "
                        "1:3\nflagset 0 \\Seen\nflagset 1 \\Answered\nflags 1:2=0,3=1\n"
                        "end\n");
    free(b);
    /* a state with flags keeps them without being asked */
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_string_equal(text_of(&r->new_uids), "4");
    imapclient_sync_result_free(r);
    b = blob_of(st);
    assert_string_equal(
        b, "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 107\nuids "
           "1:4\nflagset 0 \\Seen\nflagset 1\nflagset 2 \\Answered\nflagset 3 "
           "\\Draft\nflags 1=0,2=1,3=2,4=3\nend\n");
    free(b);
    imapclient_sync_state_free(st);
    finish(c);
}

/* ---- a big folder
 * ------------------------------------------------------------------------- */

#define BIG 20000

/* 20,000 messages, all \Seen, flags kept: the state is one range of UIDs
 * and one run of flags, and what the sync holds once done is far below a
 * per-message record (a size valgrind runs in seconds; the memory does not
 * grow with it). */
static void test_sync__big_folder(void **state)
{
    (void)state;
    size_t cap = (size_t)BIG * 48 + 4096, n = 0;
    char *script = malloc(cap);
    assert_non_null(script);
    n += (size_t)snprintf(script + n, cap - n,
                          "S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] hi\n"
                          "C: A001 EXAMINE INBOX (CONDSTORE)\n"
                          "S: * %d EXISTS\n"
                          "S: * OK [UIDVALIDITY 9] x\n"
                          "S: * OK [HIGHESTMODSEQ 777] x\n"
                          "S: A001 OK [READ-ONLY] ok\n"
                          "C: A002 UID FETCH 1:* (UID FLAGS)\n",
                          BIG);
    for (int i = 1; i <= BIG; i++)
        n += (size_t)snprintf(script + n, cap - n,
                              "S: * %d FETCH (UID %d FLAGS (\\Seen))\n", i, i);
    n += (size_t)snprintf(script + n, cap - n, "S: A002 OK done\n");
    imapclient *c = play(script);
    free(script);
    imapclient_sync_state *st = NULL;
    OK(imapclient_sync_state_new(&st));
    imapclient_sync_options o = {.readonly = 1, .keep_flags = 1};
    imapclient_sync_result *r = NULL;
    struct mallinfo2 before = mallinfo2();
    OK(imapclient_sync_folder(c, "INBOX", st, &o, &r));
    struct mallinfo2 after = mallinfo2();
    assert_int_equal(r->new_uids.count, 1);
    assert_true(imapclient_uidset_size(&r->new_uids) == BIG);
    imapclient_sync_result_free(r);
    char *b = blob_of(st), want[256];
    snprintf(
        want, sizeof want,
        "imapclient-sync-state 1\nuidvalidity 9\nhighestmodseq 777\nuids 1:%d\nflagset "
        "0 \\Seen\nflags 1:%d=0\nend\n",
        BIG, BIG);
    assert_string_equal(b, want);
    free(b);
    /* what the sync kept (state and result) is far below 4 bytes per
     * message */
    size_t grew = after.uordblks > before.uordblks ? after.uordblks - before.uordblks : 0;
    print_message("the sync kept %zu bytes for %d messages\n", grew, BIG);
    /* the same 17 KB for 200,000 messages (the SELECT answer, the state);
     * the UIDs alone would take 4 bytes each, 80,000 here */
    if (grew > 65536)
        fail_msg("the sync kept %zu bytes for %d messages", grew, BIG);
    imapclient_sync_state_free(st);
    finish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state__new_format_parse),
        cmocka_unit_test(test_state__parse_refuses),
        cmocka_unit_test(test_sync__qresync),
        cmocka_unit_test(test_sync__nonblocking_handle),
        cmocka_unit_test(test_sync__condstore),
        cmocka_unit_test(test_sync__condstore_esearch),
        cmocka_unit_test(test_sync__flags),
        cmocka_unit_test(test_sync__first_then_start_over),
        cmocka_unit_test(test_sync__nomodseq),
        cmocka_unit_test(test_sync__qresync_refused),
        cmocka_unit_test(test_sync__failures),
        cmocka_unit_test(test_sync__search_chunks),
        cmocka_unit_test(test_sync__keep_flags),
        cmocka_unit_test(test_sync__big_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
