/* CONDSTORE and QRESYNC (RFC 7162) on canned server bytes, most of them
 * the RFC's own examples: SELECT with the CONDSTORE and QRESYNC
 * parameters (VANISHED (EARLIER) and the changed messages typed, the
 * UIDVALIDITY mismatch, [CLOSED], seq-match data), NOMODSEQ, FETCH with
 * CHANGEDSINCE and VANISHED, STORE with UNCHANGEDSINCE and MODIFIED,
 * EXPUNGE answered with VANISHED, the change record over noop, idle and
 * expunge results, the same commands without waiting, the capability and
 * state checks, and UID sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define CAPS    "IMAP4rev1 ENABLE CONDSTORE QRESYNC IDLE UIDPLUS"
#define PREAUTH "S: * PREAUTH [CAPABILITY " CAPS "] ready\n"
#define ENABLE                                                                           \
    "C: A001 ENABLE QRESYNC\n"                                                           \
    "S: * ENABLED QRESYNC\n"                                                             \
    "S: A001 OK Enabled\n"

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

static void enable_qresync(imapclient *c)
{
    OK(imapclient_enable(c, (const char *const[]){"QRESYNC", NULL}, NULL));
}

/* The set as text, in a static buffer. */
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

/* ---- UID sets ---------------------------------------------------------------- */

static void test_uidset__parse_and_format(void **state)
{
    (void)state;
    imapclient_uidset *s = NULL;
    assert_int_equal(imapclient_uidset_parse("9,1:3,2:4,540:214,6", &s), 0);
    assert_string_equal(text_of(s), "1:4,6,9,214:540");
    assert_int_equal(s->count, 4);
    assert_true(imapclient_uidset_size(s) == 4 + 1 + 1 + 327);
    assert_true(imapclient_uidset_contains(s, 300));
    assert_false(imapclient_uidset_contains(s, 5));
    assert_false(imapclient_uidset_contains(s, 0));
    imapclient_uidset_free(s);

    /* the whole UID space is one range: nothing is expanded */
    assert_int_equal(imapclient_uidset_parse("1:4294967295", &s), 0);
    assert_int_equal(s->count, 1);
    assert_true(imapclient_uidset_size(s) == 4294967295ull);
    assert_true(imapclient_uidset_contains(s, 4294967295u));
    imapclient_uidset_free(s);

    assert_int_equal(imapclient_uidset_parse("", &s), 0);
    assert_int_equal(s->count, 0);
    assert_string_equal(text_of(s), "");
    assert_true(imapclient_uidset_size(s) == 0);
    imapclient_uidset_free(s);

    static const char *const bad[] = {"*",  "1:*", "0",          "0:5", "1,,2",  "1:",
                                      ",1", "1 2", "4294967296", "a",   "1:2:3", "-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s = (imapclient_uidset *)1;
        assert_int_equal(imapclient_uidset_parse(bad[i], &s), IMAPCLIENT_EINVAL);
        assert_null(s);
    }
    assert_int_equal(imapclient_uidset_parse(NULL, &s), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_uidset_format(NULL, NULL), IMAPCLIENT_EINVAL);
    assert_true(imapclient_uidset_size(NULL) == 0);
    imapclient_uidset_free(NULL);
}

/* ---- SELECT (CONDSTORE), NOMODSEQ ------------------------------------------------ */

/* RFC 7162 3.1.2.1 and 3.1.8 */
static void test_select__condstore(void **state)
{
    (void)state;
    imapclient *c =
        play(PREAUTH "C: A001 SELECT INBOX (CONDSTORE)\n"
                     "S: * 172 EXISTS\n"
                     "S: * 1 RECENT\n"
                     "S: * OK [UNSEEN 12] Message 12 is first unseen\n"
                     "S: * OK [UIDVALIDITY 3857529045] UIDs valid\n"
                     "S: * OK [UIDNEXT 4392] Predicted next UID\n"
                     "S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\n"
                     "S: * OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\n"
                     "S: * OK [HIGHESTMODSEQ 715194045007]\n"
                     "S: A001 OK [READ-WRITE] SELECT completed, CONDSTORE is now "
                     "enabled\n"
                     "C: A002 EXAMINE Trash (CONDSTORE)\n"
                     "S: * 2 EXISTS\n"
                     "S: * OK [UIDVALIDITY 1] x\n"
                     "S: * OK [NOMODSEQ] Sorry, this mailbox format doesn't support "
                     "modsequences\n"
                     "S: A002 OK [READ-ONLY] EXAMINE completed\n");
    imapclient_select_params p = {.condstore = 1};
    imapclient_select_info *i = NULL;
    OK(imapclient_select_folder_params(c, "INBOX", &p, &i));
    assert_true(i->has_highestmodseq);
    assert_true(i->highestmodseq == 715194045007ull);
    assert_false(i->nomodseq);
    assert_int_equal(i->exists, 172);
    assert_int_equal(i->vanished.count, 0);
    assert_non_null(i->vanished.ranges);
    assert_int_equal(i->changed_count, 0);
    assert_non_null(i->changed);
    imapclient_select_info_free(i);
    p.readonly = 1;
    OK(imapclient_select_folder_params(c, "Trash", &p, &i));
    assert_true(i->nomodseq);
    assert_false(i->has_highestmodseq);
    assert_true(i->read_only);
    imapclient_select_info_free(i);
    finish(c);
}

/* STATUS HIGHESTMODSEQ (RFC 7162 3.1.6): the example of the RFC, and 0
 * for a folder without mod-sequences (the NOMODSEQ of STATUS, which has no
 * response code of its own) */
static void test_status__highestmodseq(void **state)
{
    (void)state;
    imapclient *c =
        play(PREAUTH "C: A001 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)\n"
                     "S: * STATUS blurdybloop (MESSAGES 231 UIDNEXT 7500 "
                     "HIGHESTMODSEQ 7011231777)\n"
                     "S: A001 OK STATUS completed\n"
                     "C: A002 STATUS Trash (HIGHESTMODSEQ)\n"
                     "S: * STATUS Trash (HIGHESTMODSEQ 0)\n"
                     "S: A002 OK STATUS completed\n");
    imapclient_status_info *st = NULL;
    OK(imapclient_folder_status(
        c, "blurdybloop",
        (const char *const[]){"UIDNEXT", "MESSAGES", "HIGHESTMODSEQ", NULL}, &st));
    assert_true(st->has_highestmodseq);
    assert_true(st->highestmodseq == 7011231777ull);
    assert_true(st->has_messages && st->messages == 231);
    imapclient_status_info_free(st);
    OK(imapclient_folder_status(c, "Trash", (const char *const[]){"HIGHESTMODSEQ", NULL},
                                &st));
    assert_true(st->has_highestmodseq);
    assert_true(st->highestmodseq == 0);
    imapclient_status_info_free(st);
    finish(c);
}

/* ---- STATUS without CONDSTORE ---------------------------------------------------- */

/* HIGHESTMODSEQ needs CONDSTORE: refused before anything is sent */
static void test_status__highestmodseq_needs_condstore(void **state)
{
    (void)state;
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n");
    imapclient_status_info *st = (imapclient_status_info *)1;
    assert_int_equal(imapclient_folder_status(
                         c, "INBOX", (const char *const[]){"HIGHESTMODSEQ", NULL}, &st),
                     IMAPCLIENT_ECAPABILITY);
    assert_null(st);
    finish(c);
}

/* ---- SELECT (QRESYNC ...) ---------------------------------------------------------- */

#define QRESYNC_A03_DATA                                                                 \
    "S: * 100 EXISTS\n"                                                                  \
    "S: * 11 RECENT\n"                                                                   \
    "S: * OK [UIDVALIDITY 67890007] UIDVALIDITY\n"                                       \
    "S: * OK [UIDNEXT 600] Predicted next UID\n"                                         \
    "S: * OK [HIGHESTMODSEQ 90060115205545359] Highest mailbox mod-sequence\n"           \
    "S: * OK [UNSEEN 7] There are some unseen messages in the mailbox\n"                 \
    "S: * FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)\n"                       \
    "S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen \\*)] "      \
    "Permanent flags\n"                                                                  \
    "S: * VANISHED (EARLIER) 41,43:116,118,120:211,214:540\n"                            \
    "S: * 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045001))\n"     \
    "S: * 50 FETCH (UID 119 FLAGS (\\Draft $MDNSent) MODSEQ (90060115194045308))\n"      \
    "S: * 51 FETCH (UID 541 FLAGS (\\Seen $Forwarded) MODSEQ (90060115194045001))\n"

static void check_a03(const imapclient_select_info *i)
{
    assert_int_equal(i->uidvalidity, 67890007u);
    assert_true(i->highestmodseq == 90060115205545359ull);
    assert_int_equal(i->exists, 100);
    assert_string_equal(text_of(&i->vanished), "41,43:116,118,120:211,214:540");
    assert_int_equal(i->changed_count, 3);
    assert_int_equal(i->changed[0].uid, 117);
    assert_int_equal(i->changed[0].seq, 49);
    assert_int_equal(i->changed[0].flag_count, 2);
    assert_string_equal(i->changed[0].flags[0], "\\Seen");
    assert_string_equal(i->changed[0].flags[1], "\\Answered");
    assert_null(i->changed[0].flags[2]);
    assert_true(i->changed[0].has_modseq);
    assert_true(i->changed[0].modseq == 90060115194045001ull);
    assert_int_equal(i->changed[1].uid, 119);
    assert_string_equal(i->changed[1].flags[1], "$MDNSent");
    assert_true(i->changed[1].modseq == 90060115194045308ull);
    assert_int_equal(i->changed[2].uid, 541);
    assert_int_equal(i->changed[2].seq, 51);
}

/* RFC 7162 3.2.5.1: A02 (UIDVALIDITY mismatch: the server ignores the
 * parameters), then A03 (from a selected folder: [CLOSED] first, then the
 * folder, what vanished and what changed). */
static void test_select__qresync_rfc_example(void **state)
{
    (void)state;
    imapclient *c = play(
        PREAUTH ENABLE
        "C: A002 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))\n"
        "S: * 464 EXISTS\n"
        "S: * 3 RECENT\n"
        "S: * OK [UIDVALIDITY 3857529045] UIDVALIDITY\n"
        "S: * OK [UIDNEXT 550] Predicted next UID\n"
        "S: * OK [HIGHESTMODSEQ 90060128194045007] Highest mailbox mod-sequence\n"
        "S: * OK [UNSEEN 12] Message 12 is first unseen\n"
        "S: * FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)\n"
        "S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft)]\n"
        "S: A002 OK [READ-WRITE] Sorry, UIDVALIDITY mismatch\n"
        "C: A003 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))\n"
        "S: * 3 EXPUNGE\n"
        "S: * 2 FETCH (UID 9 FLAGS (\\Seen) MODSEQ (5))\n"
        "S: * OK [CLOSED]\n" QRESYNC_A03_DATA "S: A003 OK [READ-WRITE] mailbox selected\n"
        "C: A004 NOOP\n"
        "S: A004 OK done\n");
    enable_qresync(c);
    imapclient_select_params p = {.qresync_uidvalidity = 67890007,
                                  .qresync_modseq = 90060115194045000ull,
                                  .qresync_known_uids = "41:211,214:541"};
    imapclient_select_info *i = NULL;
    OK(imapclient_select_folder_params(c, "INBOX", &p, &i));
    /* another UIDVALIDITY: nothing vanished or changed is reported; the
     * caller sees the mismatch and starts over */
    assert_int_equal(i->uidvalidity, 3857529045u);
    assert_int_equal(i->vanished.count, 0);
    assert_int_equal(i->changed_count, 0);
    imapclient_select_info_free(i);

    OK(imapclient_select_folder_params(c, "INBOX", &p, &i));
    check_a03(i);
    imapclient_select_info_free(i);
    /* what came about the folder left, before [CLOSED], is for noop() */
    imapclient_responses *r = NULL;
    OK(imapclient_noop(c, &r));
    assert_int_equal(r->count, 2);
    assert_string_equal(r->items[0].name, "EXPUNGE");
    assert_string_equal(r->items[1].name, "FETCH");
    imapclient_responses_free(r);
    finish(c);
}

/* RFC 7162 3.2.5.2: known UIDs with seq-match data, EXAMINE */
static void test_select__qresync_seq_match(void **state)
{
    (void)state;
    imapclient *c = play(
        PREAUTH ENABLE
        "C: A002 EXAMINE INBOX (QRESYNC (67890007 90060115194045000 1:29997 "
        "(5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,"
        "29988,29991,29994,29997)))\n"
        "S: * 10003 EXISTS\n"
        "S: * 4 RECENT\n"
        "S: * OK [UIDVALIDITY 67890007] UIDVALIDITY\n"
        "S: * OK [UIDNEXT 30013] Predicted next UID\n"
        "S: * OK [HIGHESTMODSEQ 90060115205545359] Highest mailbox mod-sequence\n"
        "S: * VANISHED (EARLIER) 1:2,4:5,7:8,10:11,13:14,89\n"
        "S: * 1 FETCH (UID 3 FLAGS (\\Seen \\Answered $Important) MODSEQ "
        "(90060115194045001))\n"
        "S: A002 OK [READ-ONLY] Examine completed\n");
    enable_qresync(c);
    imapclient_select_params p = {
        .readonly = 1,
        .qresync_uidvalidity = 67890007,
        .qresync_modseq = 90060115194045000ull,
        .qresync_known_uids = "1:29997",
        .qresync_seq_match_seqs = "5000,7500,9000,9990:9999",
        .qresync_seq_match_uids = "15000,22500,27000,29970,29973,29976,29979,29982,29985,"
                                  "29988,29991,29994,29997"};
    imapclient_select_info *i = NULL;
    OK(imapclient_select_folder_params(c, "INBOX", &p, &i));
    assert_string_equal(text_of(&i->vanished), "1:2,4:5,7:8,10:11,13:14,89");
    assert_true(imapclient_uidset_size(&i->vanished) == 11);
    assert_int_equal(i->changed_count, 1);
    assert_int_equal(i->changed[0].flag_count, 3);
    assert_true(i->read_only);
    imapclient_select_info_free(i);
    finish(c);
}

/* The checks made before anything is sent. */
static void test_select__qresync_checks(void **state)
{
    (void)state;
    /* QRESYNC parameters before ENABLE QRESYNC: refused, nothing sent */
    imapclient *c = play(PREAUTH);
    imapclient_select_params p = {.qresync_uidvalidity = 1, .qresync_modseq = 5};
    assert_int_equal(imapclient_select_folder_params(c, "INBOX", &p, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_non_null(strstr(imapclient_errmsg(c), "QRESYNC is not enabled"));
    /* malformed parameters */
    imapclient_select_params bad[] = {
        {.qresync_uidvalidity = 1}, /* no modseq */
        {.qresync_modseq = 5},      /* no uidvalidity */
        {.qresync_uidvalidity = 1, .qresync_modseq = 5, .qresync_known_uids = "1:*"},
        {.qresync_uidvalidity = 1, .qresync_modseq = 5, .qresync_known_uids = "1 2"},
        {.qresync_uidvalidity = 1, .qresync_modseq = 5, .qresync_known_uids = "1\r\nA"},
        {.qresync_uidvalidity = 1,
         .qresync_modseq = 5,
         .qresync_seq_match_seqs = "1",
         .qresync_seq_match_uids = "1"}, /* seq-match without known UIDs */
        {.qresync_uidvalidity = 1,
         .qresync_modseq = 5,
         .qresync_known_uids = "1:9",
         .qresync_seq_match_seqs = "1"}, /* one set of the pair */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        assert_int_equal(imapclient_select_folder_params(c, "INBOX", &bad[k], NULL),
                         IMAPCLIENT_EINVAL);
    finish(c);

    /* no QRESYNC / CONDSTORE capability */
    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE] ready\n");
    p = (imapclient_select_params){.qresync_uidvalidity = 1, .qresync_modseq = 5};
    assert_int_equal(imapclient_select_folder_params(c, "INBOX", &p, NULL),
                     IMAPCLIENT_ECAPABILITY);
    p = (imapclient_select_params){.condstore = 1};
    assert_int_equal(imapclient_select_folder_params(c, "INBOX", &p, NULL),
                     IMAPCLIENT_ECAPABILITY);
    finish(c);
}

/* A server that announces QRESYNC and then answers BAD: a clear error,
 * the handle usable, the earlier selection kept (BAD: not run). */
static void test_select__qresync_bad(void **state)
{
    (void)state;
    imapclient *c =
        play(PREAUTH "C: A001 ENABLE QRESYNC\n"
                     "S: A001 BAD Unknown extension\n"
                     "C: A002 ENABLE QRESYNC\n"
                     "S: * ENABLED QRESYNC\n"
                     "S: A002 OK Enabled\n"
                     "C: A003 SELECT INBOX\n"
                     "S: * 1 EXISTS\n"
                     "S: A003 OK [READ-WRITE] ok\n"
                     "C: A004 SELECT INBOX (QRESYNC (5 6))\n"
                     "S: A004 BAD [CLIENTBUG] QRESYNC parameter not understood\n"
                     "C: A005 NOOP\n"
                     "S: A005 OK done\n");
    assert_int_equal(imapclient_enable(c, (const char *const[]){"QRESYNC", NULL}, NULL),
                     IMAPCLIENT_ERROR);
    assert_false(imapclient_is_enabled(c, "QRESYNC"));
    enable_qresync(c);
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    imapclient_select_params p = {.qresync_uidvalidity = 5, .qresync_modseq = 6};
    assert_int_equal(imapclient_select_folder_params(c, "INBOX", &p, NULL),
                     IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "BAD [CLIENTBUG]"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    OK(imapclient_noop(c, NULL));
    finish(c);
}

/* ---- FETCH CHANGEDSINCE / VANISHED ------------------------------------------------- */

/* RFC 7162 3.1.4.1 (s100) and 3.2.6 (A153) */
static void test_fetch__changedsince_vanished(void **state)
{
    (void)state;
    imapclient *c =
        play(PREAUTH ENABLE
             "C: A002 SELECT INBOX\n"
             "S: * 9 EXISTS\n"
             "S: A002 OK [READ-WRITE] ok\n"
             "C: A003 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\n"
             "S: * 1 FETCH (UID 4 MODSEQ (65402) FLAGS (\\Seen))\n"
             "S: * 2 FETCH (UID 6 MODSEQ (75403) FLAGS (\\Deleted))\n"
             "S: * 4 FETCH (UID 8 MODSEQ (29738) FLAGS ($NoJunk $AutoJunk $MDNSent))\n"
             "S: A003 OK FETCH completed\n"
             "C: A004 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\n"
             "S: * VANISHED (EARLIER) 300:310,405,411\n"
             "S: * 1 FETCH (UID 404 MODSEQ (65402) FLAGS (\\Seen))\n"
             "S: * 2 FETCH (UID 406 MODSEQ (75403) FLAGS (\\Deleted))\n"
             "S: * 4 FETCH (UID 408 MODSEQ (29738) FLAGS ($NoJunk $AutoJunk "
             "$MDNSent))\n"
             "S: * VANISHED 9\n"
             "S: A004 OK [HIGHESTMODSEQ 89] FETCH completed\n"
             "C: A005 NOOP\n"
             "S: A005 OK done\n");
    enable_qresync(c);
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    const char *const data[] = {"FLAGS", NULL};
    imapclient_fetch_result *f = NULL;
    OK(imapclient_fetch_changedsince(c, "1:*", data, 12345, 0, &f));
    assert_int_equal(f->count, 3);
    assert_true(imapclient_fetch_result_get(f, 6)->modseq == 75403);
    assert_int_equal(f->vanished.count, 0);
    imapclient_fetch_result_free(f);
    OK(imapclient_fetch_changedsince(c, "300:500", data, 12345, 1, &f));
    assert_int_equal(f->count, 3);
    assert_string_equal(text_of(&f->vanished), "300:310,405,411");
    assert_true(imapclient_fetch_result_get(f, 408)->has_modseq);
    imapclient_fetch_result_free(f);
    /* the VANISHED without EARLIER is an expunge now: the caller's */
    imapclient_responses *r = NULL;
    OK(imapclient_noop(c, &r));
    assert_int_equal(r->count, 1);
    imapclient_changes *ch = NULL;
    OK(imapclient_changes_from_responses(r, &ch));
    assert_string_equal(text_of(&ch->vanished), "9");
    imapclient_changes_free(ch);
    imapclient_responses_free(r);
    finish(c);
}

static void test_fetch__changedsince_checks(void **state)
{
    (void)state;
    const char *const data[] = {"FLAGS", NULL};
    imapclient_fetch_result *f = NULL;
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE QRESYNC] hi\n"
                         "C: A001 SELECT INBOX\n"
                         "S: A001 OK [READ-WRITE] ok\n");
    assert_int_equal(imapclient_fetch_changedsince(c, "1:*", data, 5, 0, &f),
                     IMAPCLIENT_EILLEGAL_STATE); /* nothing selected */
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    assert_int_equal(imapclient_fetch_changedsince(c, "1:*", data, 5, 1, &f),
                     IMAPCLIENT_EILLEGAL_STATE); /* QRESYNC not enabled */
    assert_int_equal(imapclient_fetch_changedsince(c, "1:*", data, 0, 0, &f),
                     IMAPCLIENT_EINVAL);
    imapclient_set_use_uid(c, 0);
    assert_int_equal(imapclient_fetch_changedsince(c, "1:*", data, 5, 1, &f),
                     IMAPCLIENT_EINVAL);
    assert_null(f);
    finish(c);

    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"
             "C: A001 SELECT INBOX\n"
             "S: A001 OK [READ-WRITE] ok\n");
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    assert_int_equal(imapclient_fetch_changedsince(c, "1:*", data, 5, 0, &f),
                     IMAPCLIENT_ECAPABILITY);
    finish(c);
}

/* ---- STORE (UNCHANGEDSINCE)
 * ------------------------------------------------------------ */

/* RFC 7162 3.1.3: a103 (all stored), d105 (MODIFIED 7,9), UNCHANGEDSINCE 0 */
static void test_store__unchangedsince(void **state)
{
    (void)state;
    imapclient *c =
        play(PREAUTH "C: A001 SELECT INBOX\n"
                     "S: A001 OK [READ-WRITE] ok\n"
                     "C: A002 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) "
                     "+FLAGS.SILENT (\\Deleted)\n"
                     "S: * 1 FETCH (UID 4 MODSEQ (12121231000))\n"
                     "S: * 2 FETCH (UID 6 MODSEQ (12121230852))\n"
                     "S: * 4 FETCH (UID 8 MODSEQ (12121230956))\n"
                     "S: A002 OK Conditional Store completed\n"
                     "C: A003 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS "
                     "(\\Deleted)\n"
                     "S: * 5 FETCH (MODSEQ (320162350) FLAGS (\\Deleted))\n"
                     "S: * 3 FETCH (FLAGS (\\Seen))\n"
                     "S: A003 OK [MODIFIED 7,9] Conditional STORE failed\n"
                     "C: A004 STORE 7,5,9 (UNCHANGEDSINCE 0) FLAGS.SILENT (\\Seen)\n"
                     "S: A004 OK [MODIFIED 5,7,9] Conditional STORE failed\n"
                     "C: A005 STORE 1:7 (UNCHANGEDSINCE 320172338) FLAGS "
                     "(\\Seen)\n"
                     "S: A005 NO [MODIFIED 1:7] Some of the messages no longer "
                     "exist\n"
                     "C: A006 NOOP\n"
                     "S: A006 OK done\n");
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    const char *const del[] = {"\\Deleted", NULL};
    imapclient_store_result *r = NULL;
    OK(imapclient_store_unchangedsince(c, "6,4,8", IMAPCLIENT_STORE_ADD, del,
                                       12121230045ull, 1, &r));
    assert_int_equal(r->count, 3);
    assert_int_equal(r->changes[0].uid, 4);
    assert_true(r->changes[0].modseq == 12121231000ull);
    assert_null(r->changes[0].flags);
    assert_int_equal(r->changes[2].uid, 8);
    assert_int_equal(r->modified.count, 0);
    assert_string_equal(r->text, "Conditional Store completed");
    imapclient_store_result_free(r);

    imapclient_set_use_uid(c, 0);
    OK(imapclient_store_unchangedsince(c, "7,5,9", IMAPCLIENT_STORE_ADD, del, 320162338,
                                       0, &r));
    assert_int_equal(r->count, 1);
    assert_int_equal(r->changes[0].seq, 5);
    assert_int_equal(r->changes[0].flag_count, 1);
    assert_string_equal(text_of(&r->modified), "7,9");
    imapclient_store_result_free(r);

    const char *const seen[] = {"\\Seen", NULL};
    OK(imapclient_store_unchangedsince(c, "7,5,9", IMAPCLIENT_STORE_SET, seen, 0, 1, &r));
    assert_int_equal(r->count, 0);
    assert_true(imapclient_uidset_size(&r->modified) == 3);
    imapclient_store_result_free(r);

    assert_int_equal(imapclient_store_unchangedsince(c, "1:7", IMAPCLIENT_STORE_SET, seen,
                                                     320172338, 0, &r),
                     IMAPCLIENT_ERROR);
    assert_null(r);
    assert_non_null(strstr(imapclient_errmsg(c), "NO [MODIFIED 1:7]"));
    /* the FETCH for message 3, not of the request, is the caller's */
    imapclient_responses *rs = NULL;
    OK(imapclient_noop(c, &rs));
    assert_int_equal(rs->count, 1);
    imapclient_responses_free(rs);
    finish(c);
}

static void test_store__unchangedsince_checks(void **state)
{
    (void)state;
    const char *const seen[] = {"\\Seen", NULL};
    imapclient_store_result *r = NULL;
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"
                         "C: A001 EXAMINE INBOX\n"
                         "S: A001 OK [READ-ONLY] ok\n"
                         "C: A002 SELECT INBOX\n"
                         "S: A002 OK [READ-WRITE] ok\n");
    OK(imapclient_select_folder(c, "INBOX", 1, NULL));
    assert_int_equal(
        imapclient_store_unchangedsince(c, "1", IMAPCLIENT_STORE_ADD, seen, 5, 0, &r),
        IMAPCLIENT_EREADONLY);
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    assert_int_equal(
        imapclient_store_unchangedsince(c, "1", IMAPCLIENT_STORE_ADD, seen, 5, 0, &r),
        IMAPCLIENT_ECAPABILITY);
    finish(c);
    c = play(PREAUTH "C: A001 SELECT INBOX\n"
                     "S: A001 OK [READ-WRITE] ok\n"
                     "C: A002 UID STORE 1 (UNCHANGEDSINCE 5) FLAGS ()\n"
                     "S: A002 OK [MODIFIED x] what\n");
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    assert_int_equal(
        imapclient_store_unchangedsince(c, "1", (imapclient_store_mode)7, seen, 5, 0, &r),
        IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_store_unchangedsince(c, "1:x", IMAPCLIENT_STORE_ADD, seen, 5, 0, &r),
        IMAPCLIENT_EINVAL);
    const char *const bad[] = {"a b", NULL};
    assert_int_equal(
        imapclient_store_unchangedsince(c, "1", IMAPCLIENT_STORE_ADD, bad, 5, 0, &r),
        IMAPCLIENT_EINVAL);
    /* a MODIFIED that is not a set */
    assert_int_equal(
        imapclient_store_unchangedsince(c, "1", IMAPCLIENT_STORE_SET, NULL, 5, 0, &r),
        IMAPCLIENT_EPROTOCOL);
    assert_null(r);
    finish(c);
}

/* ---- EXPUNGE as VANISHED, the change record ---------------------------------------- */

/* RFC 7162 3.2.10: once QRESYNC is on, EXPUNGE is answered with VANISHED;
 * the change record reads either form. */
static void test_expunge__vanished(void **state)
{
    (void)state;
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: A001 OK [READ-WRITE] ok\n"
                                 "C: A002 EXPUNGE\n"
                                 "S: * 3 EXPUNGE\n"
                                 "S: * 3 EXPUNGE\n"
                                 "S: * 5 EXPUNGE\n"
                                 "S: A002 OK Expunged\n");
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    imapclient_responses *r = NULL;
    imapclient_changes *ch = NULL;
    OK(imapclient_expunge(c, NULL, &r));
    OK(imapclient_changes_from_responses(r, &ch));
    assert_int_equal(ch->expunged_count, 3);
    assert_int_equal(ch->expunged[0], 3);
    assert_int_equal(ch->expunged[2], 5);
    assert_int_equal(ch->vanished.count, 0);
    imapclient_changes_free(ch);
    imapclient_responses_free(r);
    finish(c);

    c = play(PREAUTH ENABLE "C: A002 SELECT INBOX\n"
                            "S: A002 OK [READ-WRITE] ok\n"
                            "C: A003 EXPUNGE\n"
                            "S: * VANISHED 405,407,410,425\n"
                            "S: A003 OK Expunged\n");
    enable_qresync(c);
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    OK(imapclient_expunge(c, NULL, &r));
    OK(imapclient_changes_from_responses(r, &ch));
    assert_int_equal(ch->expunged_count, 0);
    assert_string_equal(text_of(&ch->vanished), "405,407,410,425");
    assert_int_equal(ch->taken, 1);
    imapclient_changes_free(ch);
    imapclient_responses_free(r);
    finish(c);
}

/* noop and IDLE results read as changes: flag updates with MODSEQ, new
 * messages, vanished ones, HIGHESTMODSEQ. */
static void test_changes__noop_and_idle(void **state)
{
    (void)state;
    imapclient *c =
        play(PREAUTH ENABLE "C: A002 SELECT INBOX (QRESYNC (1 2))\n"
                            "S: * 4 EXISTS\n"
                            "S: * OK [UIDVALIDITY 1] x\n"
                            "S: A002 OK [READ-WRITE] ok\n"
                            "C: A003 NOOP\n"
                            "S: * 2 FETCH (UID 7 FLAGS (\\Seen \\Flagged) MODSEQ (12))\n"
                            "S: * VANISHED 3:4\n"
                            "S: * 3 EXISTS\n"
                            "S: * OK [HIGHESTMODSEQ 12] x\n"
                            "S: * OK Still here\n"
                            "S: A003 OK done\n"
                            "C: A004 IDLE\n"
                            "S: + idling\n"
                            "S: * VANISHED 9\n"
                            "S: * 1 FETCH (MODSEQ (13) UID 5)\n"
                            "S: * 4 EXISTS\n"
                            "C: DONE\n"
                            "S: * VANISHED 1:2\n"
                            "S: A004 OK Idle completed\n");
    enable_qresync(c);
    imapclient_select_params p = {.qresync_uidvalidity = 1, .qresync_modseq = 2};
    OK(imapclient_select_folder_params(c, "INBOX", &p, NULL));
    imapclient_responses *r = NULL;
    imapclient_changes *ch = NULL;
    OK(imapclient_noop(c, &r));
    OK(imapclient_changes_from_responses(r, &ch));
    assert_int_equal(ch->taken, 4);
    assert_int_equal(ch->changed_count, 1);
    assert_int_equal(ch->changed[0].uid, 7);
    assert_int_equal(ch->changed[0].seq, 2);
    assert_int_equal(ch->changed[0].flag_count, 2);
    assert_true(ch->changed[0].modseq == 12);
    assert_string_equal(text_of(&ch->vanished), "3:4");
    assert_true(ch->has_exists && ch->exists == 3);
    assert_true(ch->has_highestmodseq && ch->highestmodseq == 12);
    imapclient_responses_free(r);

    /* one record can gather responses of several calls */
    OK(imapclient_idle(c));
    OK(imapclient_idle_check(c, 1000, &r));
    for (size_t i = 0; i < r->count; i++)
        assert_true(imapclient_changes_add(ch, &r->items[i]) >= 0);
    imapclient_responses_free(r);
    OK(imapclient_idle_done(c, NULL, &r));
    for (size_t i = 0; i < r->count; i++)
        assert_int_equal(imapclient_changes_add(ch, &r->items[i]), 1);
    imapclient_responses_free(r);
    assert_string_equal(text_of(&ch->vanished), "1:4,9");
    assert_int_equal(ch->changed_count, 2);
    assert_int_equal(ch->changed[1].uid, 5);
    assert_null(ch->changed[1].flags);
    assert_true(ch->changed[1].modseq == 13);
    assert_int_equal(ch->exists, 4);
    imapclient_changes_free(ch);
    finish(c);
}

/* Responses that are not changes, and malformed ones. */
static void test_changes__add_rules(void **state)
{
    (void)state;
    imapclient_changes *ch = NULL;
    assert_int_equal(imapclient_changes_new(&ch), 0);
    imapclient_value none = {.type = IMAPCLIENT_VALUE_LIST};
    imapclient_value atom = {.type = IMAPCLIENT_VALUE_ATOM, .str = "1:*", .len = 3};
    imapclient_value list = {.type = IMAPCLIENT_VALUE_LIST, .items = &atom, .count = 1};
    imapclient_response r = {
        .tag = "*", .name = "VANISHED", .args = &list, .code_args = &none, .text = ""};
    assert_int_equal(imapclient_changes_add(ch, &r), IMAPCLIENT_EPROTOCOL);
    r.name = "SEARCH";
    assert_int_equal(imapclient_changes_add(ch, &r), 0);
    r.tag = "A001";
    r.name = "OK";
    assert_int_equal(imapclient_changes_add(ch, &r), 0);
    assert_int_equal(imapclient_changes_add(NULL, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_changes_add(ch, NULL), IMAPCLIENT_EINVAL);
    /* a FETCH with neither FLAGS nor MODSEQ is no flag change */
    imapclient_value items[2] = {
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "UID", .len = 3},
        {.type = IMAPCLIENT_VALUE_NUMBER, .str = "4", .len = 1, .number = 4}};
    imapclient_value fl = {.type = IMAPCLIENT_VALUE_LIST, .items = items, .count = 2};
    imapclient_value args = {.type = IMAPCLIENT_VALUE_LIST, .items = &fl, .count = 1};
    imapclient_response f = {.tag = "*",
                             .has_number = 1,
                             .number = 2,
                             .name = "FETCH",
                             .args = &args,
                             .code_args = &none,
                             .text = ""};
    assert_int_equal(imapclient_changes_add(ch, &f), 0);
    assert_int_equal(ch->taken, 0);
    assert_int_equal(ch->changed_count, 0);
    imapclient_changes_free(ch);
    imapclient_changes_free(NULL);
    assert_int_equal(imapclient_changes_new(NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_changes_from_responses(NULL, &ch), IMAPCLIENT_EINVAL);
}

/* ---- without waiting
 * ------------------------------------------------------------------- */

typedef struct seen {
    int n;
    imapclient_op op[8];
    int status[8];
    void *result[8];
} seen;

static void keep(imapclient *c, imapclient_completion *d)
{
    (void)c;
    seen *s = d->user;
    s->op[s->n] = d->op;
    s->status[s->n] = d->status;
    s->result[s->n] = d->result;
    d->result = NULL; /* taken */
    s->n++;
}

typedef struct unsolicited {
    imapclient_changes *ch;
    int bad;
} unsolicited;

static void on_unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    (void)c;
    unsolicited *u = payload;
    if (imapclient_changes_add(u->ch, r) < 0)
        u->bad++;
}

static void test_async__qresync(void **state)
{
    (void)state;
    imapclient *c = play(
        PREAUTH ENABLE
        "C: A002 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))\n"
        "S: * OK [CLOSED]\n" QRESYNC_A03_DATA "S: A002 OK [READ-WRITE] mailbox selected\n"
        "C: A003 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\n"
        "C: A004 UID STORE 404 (UNCHANGEDSINCE 65402) -FLAGS (\\Seen)\n"
        "S: * VANISHED (EARLIER) 300:310,405,411\n"
        "S: * 1 FETCH (UID 404 MODSEQ (65402) FLAGS (\\Seen))\n"
        "S: A003 OK done\n"
        "S: * 1 FETCH (UID 404 MODSEQ (65410) FLAGS ())\n"
        "S: * VANISHED 450\n"
        "S: * 2 FETCH (UID 406 MODSEQ (65411) FLAGS (\\Seen))\n"
        "S: A004 OK done\n");
    enable_qresync(c);
    unsolicited u = {0};
    OK(imapclient_changes_new(&u.ch));
    imapclient_set_unsolicited_cb(c, on_unsolicited, &u);
    seen s = {0};
    imapclient_select_params p = {.qresync_uidvalidity = 67890007,
                                  .qresync_modseq = 90060115194045000ull,
                                  .qresync_known_uids = "41:211,214:541"};
    OK(imapclient_start_select_folder_params(c, "INBOX", &p, keep, &s, NULL));
    const char *const data[] = {"FLAGS", NULL};
    OK(imapclient_start_fetch_changedsince(c, "300:500", data, 12345, 1, keep, &s, NULL));
    const char *const seenflag[] = {"\\Seen", NULL};
    OK(imapclient_start_store_unchangedsince(c, "404", IMAPCLIENT_STORE_REMOVE, seenflag,
                                             65402, 0, keep, &s, NULL));
    for (int i = 0; i < 100 && imapclient_pending_commands(c); i++)
        assert_true(imapclient_drive(c) >= 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.op[0], IMAPCLIENT_OP_SELECT);
    assert_int_equal(s.status[0], 0);
    check_a03(s.result[0]);
    imapclient_select_info_free(s.result[0]);
    assert_int_equal(s.op[1], IMAPCLIENT_OP_FETCH);
    imapclient_fetch_result *f = s.result[1];
    assert_string_equal(text_of(&f->vanished), "300:310,405,411");
    assert_int_equal(f->count, 1);
    imapclient_fetch_result_free(f);
    assert_int_equal(s.op[2], IMAPCLIENT_OP_STORE_UNCHANGEDSINCE);
    imapclient_store_result *st = s.result[2];
    assert_int_equal(st->count, 1);
    assert_true(st->changes[0].modseq == 65410);
    assert_int_equal(st->changes[0].flag_count, 0);
    imapclient_store_result_free(st);
    /* what came unasked went to the callback, read as changes */
    assert_int_equal(u.bad, 0);
    assert_string_equal(text_of(&u.ch->vanished), "450");
    assert_int_equal(u.ch->changed_count, 1);
    assert_int_equal(u.ch->changed[0].uid, 406);
    imapclient_changes_free(u.ch);
    finish(c);
}

/* Checks of a started select are made when it goes out: QRESYNC enabled
 * by an ENABLE started before it counts. */
static void test_async__select_checks_when_sent(void **state)
{
    (void)state;
    imapclient *c = play("S: * PREAUTH [CAPABILITY " CAPS "] ready\n"
                         "C: A002 ENABLE QRESYNC\n"
                         "S: * ENABLED QRESYNC\n"
                         "S: A002 OK Enabled\n"
                         "C: A003 SELECT INBOX (QRESYNC (1 2))\n"
                         "S: A003 OK [READ-WRITE] ok\n");
    seen s = {0};
    imapclient_select_params p = {.qresync_uidvalidity = 1, .qresync_modseq = 2};
    OK(imapclient_start_select_folder_params(c, "INBOX", &p, keep, &s, NULL));
    /* not enabled: refused when it is about to go out */
    for (int i = 0; i < 10 && imapclient_pending_commands(c); i++)
        assert_true(imapclient_drive(c) >= 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.status[0], IMAPCLIENT_EILLEGAL_STATE);
    assert_null(s.result[0]);
    /* malformed parameters are refused at once */
    p.qresync_known_uids = "5:*";
    assert_int_equal(
        imapclient_start_select_folder_params(c, "INBOX", &p, keep, &s, NULL),
        IMAPCLIENT_EINVAL);
    enable_qresync(c);
    p.qresync_known_uids = NULL;
    OK(imapclient_start_select_folder_params(c, "INBOX", &p, keep, &s, NULL));
    for (int i = 0; i < 10 && imapclient_pending_commands(c); i++)
        assert_true(imapclient_drive(c) >= 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.status[1], 0);
    imapclient_select_info_free(s.result[1]);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uidset__parse_and_format),
        cmocka_unit_test(test_select__condstore),
        cmocka_unit_test(test_status__highestmodseq),
        cmocka_unit_test(test_status__highestmodseq_needs_condstore),
        cmocka_unit_test(test_select__qresync_rfc_example),
        cmocka_unit_test(test_select__qresync_seq_match),
        cmocka_unit_test(test_select__qresync_checks),
        cmocka_unit_test(test_select__qresync_bad),
        cmocka_unit_test(test_fetch__changedsince_vanished),
        cmocka_unit_test(test_fetch__changedsince_checks),
        cmocka_unit_test(test_store__unchangedsince),
        cmocka_unit_test(test_store__unchangedsince_checks),
        cmocka_unit_test(test_expunge__vanished),
        cmocka_unit_test(test_changes__noop_and_idle),
        cmocka_unit_test(test_changes__add_rules),
        cmocka_unit_test(test_async__qresync),
        cmocka_unit_test(test_async__select_checks_when_sent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
