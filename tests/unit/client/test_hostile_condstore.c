/* Hostile servers against CONDSTORE, QRESYNC and the sync helper: UID sets
 * that name the whole UID space or a hundred thousand single UIDs (one
 * range, or memory linear in the line, never in what the set names),
 * sets that are not sets, MODSEQ values that are not numbers, a MODIFIED
 * naming everything, a server that announces QRESYNC and answers BAD,
 * answers that make the sync fail (the state is then untouched and the
 * connection in step). */
#include "hostile.h"

#include <malloc.h>

#define QR_GREET                                                                         \
    "S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC UIDPLUS] hi\n"
#define QR_ENABLE                                                                        \
    "C: A001 ENABLE QRESYNC\n"                                                           \
    "S: * ENABLED QRESYNC\n"                                                             \
    "S: A001 OK Enabled\n"

static imapclient *connect_to(const char *script)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    return c;
}

static void done(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent:\n%s", imapclient_script_sent(c));
    imapclient_free(c);
}

#define OK(call)                                                                         \
    do {                                                                                 \
        int rc_ = (call);                                                                \
        if (rc_)                                                                         \
            fail_msg("%s: %d %s", #call, rc_, imapclient_errmsg(c));                     \
    } while (0)

static size_t in_use(void)
{
    return mallinfo2().uordblks;
}

/* VANISHED (EARLIER) 1:4294967295 in a QRESYNC select: one range; and in
 * the sync, all of the known UIDs vanished, nothing else. */
static void test_hostile__vanished_everything(void **state)
{
    (void)state;
    imapclient *c =
        connect_to(QR_GREET QR_ENABLE "C: A002 SELECT INBOX (QRESYNC (7 100))\n"
                                      "S: * 1 EXISTS\n"
                                      "S: * OK [UIDVALIDITY 7] x\n"
                                      "S: * OK [HIGHESTMODSEQ 101] x\n"
                                      "S: * VANISHED (EARLIER) 1:4294967295\n"
                                      "S: * VANISHED (EARLIER) 4294967295:1,5\n"
                                      "S: A002 OK [READ-WRITE] ok\n"
                                      "C: A003 SELECT INBOX (QRESYNC (7 100 1:10))\n"
                                      "S: * 1 EXISTS\n"
                                      "S: * OK [UIDVALIDITY 7] x\n"
                                      "S: * OK [UIDNEXT 11] x\n"
                                      "S: * OK [HIGHESTMODSEQ 101] x\n"
                                      "S: * VANISHED (EARLIER) 1:4294967295\n"
                                      "S: A003 OK [READ-WRITE] ok\n");
    OK(imapclient_enable(c, (const char *const[]){"QRESYNC", NULL}, NULL));
    imapclient_select_params p = {.qresync_uidvalidity = 7, .qresync_modseq = 100};
    imapclient_select_info *i = NULL;
    size_t before = in_use();
    OK(imapclient_select_folder_params(c, "INBOX", &p, &i));
    assert_true(in_use() - before < 65536);
    assert_int_equal(i->vanished.count, 1);
    assert_true(imapclient_uidset_size(&i->vanished) == 4294967295ull);
    imapclient_select_info_free(i);

    imapclient_sync_state *st = NULL;
    const char *blob =
        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 100\nuids 1:10\nend\n";
    OK(imapclient_sync_state_parse(blob, strlen(blob), &st));
    imapclient_sync_result *r = NULL;
    OK(imapclient_sync_folder(c, "INBOX", st, NULL, &r));
    assert_int_equal(r->vanished.count, 1);
    assert_true(imapclient_uidset_size(&r->vanished) == 10); /* only what was known */
    assert_int_equal(imapclient_sync_state_uids(st)->count, 0);
    imapclient_sync_result_free(r);
    imapclient_sync_state_free(st);
    done(c);
}

/* 100,000 single UIDs in one VANISHED: memory follows the line (a few
 * bytes per UID in it), and the set is kept as the ranges it names. */
static void test_hostile__vanished_many(void **state)
{
    (void)state;
    hbuf s = {0};
    hb_adds(&s, QR_GREET QR_ENABLE "C: A002 SELECT INBOX (QRESYNC (7 100))\n"
                                   "S: * OK [UIDVALIDITY 7] x\n"
                                   "S: * VANISHED (EARLIER) ");
    char num[16];
    for (int u = 1; u <= 200000; u += 2) {
        int n = snprintf(num, sizeof num, "%s%d", u > 1 ? "," : "", u);
        hb_add(&s, num, (size_t)n);
    }
    hb_adds(&s, "\nS: A002 OK [READ-WRITE] ok\n"
                "C: A003 NOOP\n"
                "S: * VANISHED 2,4,6\n"
                "S: A003 OK done\n");
    imapclient *c = connect_to(s.p);
    hb_free(&s);
    OK(imapclient_enable(c, (const char *const[]){"QRESYNC", NULL}, NULL));
    imapclient_select_params p = {.qresync_uidvalidity = 7, .qresync_modseq = 100};
    imapclient_select_info *i = NULL;
    OK(imapclient_select_folder_params(c, "INBOX", &p, &i));
    assert_int_equal(i->vanished.count, 100000);
    assert_true(imapclient_uidset_contains(&i->vanished, 199999));
    assert_false(imapclient_uidset_contains(&i->vanished, 200000));
    imapclient_select_info_free(i);
    imapclient_responses *r = NULL;
    OK(imapclient_noop(c, &r));
    imapclient_changes *ch = NULL;
    OK(imapclient_changes_from_responses(r, &ch));
    assert_int_equal(ch->vanished.count, 3);
    imapclient_changes_free(ch);
    imapclient_responses_free(r);
    done(c);
}

/* Sets that are not sets, MODSEQ that is not a number: the command fails
 * with EPROTOCOL and the connection stays usable; the change record
 * refuses them and keeps the rest. */
static void test_hostile__malformed(void **state)
{
    (void)state;
    static const char *const bad_vanished[] = {
        "* VANISHED (EARLIER) 0",       "* VANISHED (EARLIER) 1:*",
        "* VANISHED (EARLIER) abc",     "* VANISHED (EARLIER) 4294967296",
        "* VANISHED (EARLIER) 1,,2",    "* VANISHED (EARLIER) (1 2)",
        "* VANISHED (EARLIER)",         "* VANISHED (EARLIER) 1 2",
        "* VANISHED (EARLIER) \"1:5\"", "* 3 FETCH (UID 3 MODSEQ (x))",
        "* 3 FETCH (UID 3 MODSEQ ())",  "* 3 FETCH (UID 3 FLAGS \\Seen)",
        "* 3 FETCH (UID 0 FLAGS ())",   "* 3 FETCH (UID 3 FLAGS)",
    };
    for (size_t k = 0; k < sizeof bad_vanished / sizeof bad_vanished[0]; k++) {
        hbuf s = {0};
        hb_adds(&s, QR_GREET QR_ENABLE "C: A002 SELECT INBOX (QRESYNC (7 100))\n"
                                       "S: * OK [UIDVALIDITY 7] x\nS: ");
        hb_adds(&s, bad_vanished[k]);
        hb_adds(&s, "\nS: * 1 EXISTS\n"
                    "S: A002 OK [READ-WRITE] ok\n"
                    "C: A003 NOOP\n"
                    "S: A003 OK done\n");
        imapclient *c = connect_to(s.p);
        hb_free(&s);
        OK(imapclient_enable(c, (const char *const[]){"QRESYNC", NULL}, NULL));
        imapclient_select_params p = {.qresync_uidvalidity = 7, .qresync_modseq = 100};
        imapclient_select_info *i = (imapclient_select_info *)1;
        int rc = imapclient_select_folder_params(c, "INBOX", &p, &i);
        if (rc != IMAPCLIENT_EPROTOCOL)
            fail_msg("%s: %d, not EPROTOCOL", bad_vanished[k], rc);
        assert_null(i);
        assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
        OK(imapclient_noop(c, NULL));
        done(c);
    }
    /* the change record: the bad ones refused, the good ones kept */
    imapclient *c = connect_to(QR_GREET "C: A001 SELECT INBOX\n"
                                        "S: A001 OK [READ-WRITE] ok\n"
                                        "C: A002 NOOP\n"
                                        "S: * VANISHED 0\n"
                                        "S: * VANISHED 5\n"
                                        "S: * 2 FETCH (UID 3 MODSEQ (y))\n"
                                        "S: * 2 FETCH (UID 3 MODSEQ (9))\n"
                                        "S: * OK [HIGHESTMODSEQ x] no\n"
                                        "S: A002 OK done\n");
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    imapclient_responses *r = NULL;
    OK(imapclient_noop(c, &r));
    imapclient_changes *ch = NULL;
    OK(imapclient_changes_new(&ch));
    static const int want[] = {IMAPCLIENT_EPROTOCOL, 1, IMAPCLIENT_EPROTOCOL, 1,
                               IMAPCLIENT_EPROTOCOL};
    assert_int_equal(r->count, 5);
    for (size_t k = 0; k < r->count; k++)
        assert_int_equal(imapclient_changes_add(ch, &r->items[k]), want[k]);
    assert_int_equal(ch->taken, 2);
    assert_int_equal(ch->vanished.count, 1);
    assert_int_equal(ch->changed_count, 1);
    assert_false(ch->has_highestmodseq);
    imapclient_changes_free(ch);
    imapclient_responses_free(r);
    done(c);
}

/* A MODIFIED naming the whole UID space; a FETCH in answer to the VANISHED
 * modifier whose VANISHED is not a set. */
static void test_hostile__modified_and_fetch(void **state)
{
    (void)state;
    imapclient *c =
        connect_to(QR_GREET QR_ENABLE "C: A002 SELECT INBOX\n"
                                      "S: A002 OK [READ-WRITE] ok\n"
                                      "C: A003 UID STORE 1:* (UNCHANGEDSINCE 5) "
                                      "+FLAGS.SILENT (x)\n"
                                      "S: A003 OK [MODIFIED 1:4294967295] no\n"
                                      "C: A004 UID FETCH 1:* (FLAGS) "
                                      "(CHANGEDSINCE 5 VANISHED)\n"
                                      "S: * VANISHED (EARLIER) 3:2:1\n"
                                      "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                      "S: A004 OK done\n"
                                      "C: A005 NOOP\n"
                                      "S: A005 OK done\n");
    OK(imapclient_enable(c, (const char *const[]){"QRESYNC", NULL}, NULL));
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    imapclient_store_result *sr = NULL;
    const char *const x[] = {"x", NULL};
    OK(imapclient_store_unchangedsince(c, "1:*", IMAPCLIENT_STORE_ADD, x, 5, 1, &sr));
    assert_int_equal(sr->modified.count, 1);
    assert_true(imapclient_uidset_size(&sr->modified) == 4294967295ull);
    imapclient_store_result_free(sr);
    imapclient_fetch_result *f = (imapclient_fetch_result *)1;
    assert_int_equal(imapclient_fetch_changedsince(
                         c, "1:*", (const char *const[]){"FLAGS", NULL}, 5, 1, &f),
                     IMAPCLIENT_EPROTOCOL);
    assert_null(f);
    assert_non_null(strstr(imapclient_errmsg(c), "not a uid-set"));
    OK(imapclient_noop(c, NULL));
    done(c);
}

/* Sync against answers that cannot be trusted: the call fails, the state
 * is as it was, the connection in step for the next call. */
static void test_hostile__sync_fails_cleanly(void **state)
{
    (void)state;
    static const char blob[] =
        "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 100\nuids 1:10\nend\n";
    static const char *const answers[] = {
        /* CHANGEDSINCE answered with a FETCH whose UID is not a number */
        "C: A001 SELECT INBOX (CONDSTORE)\n"
        "S: * 3 EXISTS\nS: * OK [UIDVALIDITY 7] x\nS: * OK [HIGHESTMODSEQ 101] x\n"
        "S: A001 OK ok\n"
        "C: A002 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 100)\n"
        "S: * 1 FETCH (UID abc FLAGS ())\n"
        "S: A002 OK done\n",
        /* a SEARCH that is not numbers */
        "C: A001 SELECT INBOX (CONDSTORE)\n"
        "S: * 3 EXISTS\nS: * OK [UIDVALIDITY 7] x\nS: * OK [HIGHESTMODSEQ 101] x\n"
        "S: A001 OK ok\n"
        "C: A002 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 100)\n"
        "S: A002 OK done\n"
        "C: A003 UID SEARCH UID 1:10\n"
        "S: * SEARCH 1 x 3\n"
        "S: A003 OK done\n",
        /* the CHANGEDSINCE refused */
        "C: A001 SELECT INBOX (CONDSTORE)\n"
        "S: * 3 EXISTS\nS: * OK [UIDVALIDITY 7] x\nS: * OK [HIGHESTMODSEQ 101] x\n"
        "S: A001 OK ok\n"
        "C: A002 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 100)\n"
        "S: A002 BAD no such modifier\n",
        /* the flags of a message asked for twice and never sent */
        "C: A001 SELECT INBOX (CONDSTORE)\n"
        "S: * 3 EXISTS\nS: * OK [UIDVALIDITY 7] x\nS: * OK [NOMODSEQ] none\n"
        "S: A001 OK ok\n"
        "C: A002 UID FETCH 1:* (UID FLAGS)\n"
        "S: * 1 FETCH (UID 1 FLAGS ())\n"
        "S: * 2 FETCH (UID 2)\n"
        "S: A002 OK done\n"
        "C: A003 UID FETCH 2 (UID FLAGS)\n"
        "S: A003 OK done\n",
        /* a UIDVALIDITY of 0 or over 32 bits is none */
        "C: A001 SELECT INBOX (CONDSTORE)\n"
        "S: * OK [UIDVALIDITY 4294967296] x\n"
        "S: A001 OK ok\n",
        "C: A001 SELECT INBOX (CONDSTORE)\n"
        "S: * OK [UIDVALIDITY 0] x\n"
        "S: A001 OK ok\n",
    };
    for (size_t k = 0; k < sizeof answers / sizeof answers[0]; k++) {
        hbuf s = {0};
        hb_adds(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] hi\n");
        hb_adds(&s, answers[k]);
        hb_adds(&s, "C: @T NOOP\nS: @T OK done\n");
        /* the NOOP's tag: one after the answer's commands */
        hbuf t = {0};
        unsigned n = 1;
        for (const char *q = answers[k]; (q = strstr(q, "C: A")); q++)
            n++;
        hb_tmpl(&t, s.p, n);
        imapclient *c = connect_to(t.p);
        hb_free(&s);
        hb_free(&t);
        imapclient_sync_state *st = NULL;
        OK(imapclient_sync_state_parse(blob, strlen(blob), &st));
        imapclient_sync_result *r = (imapclient_sync_result *)1;
        int rc = imapclient_sync_folder(c, "INBOX", st, NULL, &r);
        if (rc >= 0)
            fail_msg("answer %zu: the sync succeeded", k);
        assert_null(r);
        char *after = NULL;
        OK(imapclient_sync_state_format(st, &after, NULL));
        assert_string_equal(after, blob);
        free(after);
        imapclient_sync_state_free(st);
        OK(imapclient_noop(c, NULL));
        done(c);
    }
}

/* A state blob of 20,000 ranges and flag runs parses, formats back the
 * same, and a blob cut short is refused wherever it is cut. */
static void test_hostile__blob_sizes_and_cuts(void **state)
{
    (void)state;
    hbuf b = {0}, runs = {0};
    hb_adds(&b, "imapclient-sync-state 1\nuidvalidity 1\nhighestmodseq 2\nuids ");
    char tmp[48];
    for (int u = 1; u <= 40000; u += 2) {
        int n = snprintf(tmp, sizeof tmp, "%s%d", u > 1 ? "," : "", u);
        hb_add(&b, tmp, (size_t)n);
        n = snprintf(tmp, sizeof tmp, "%s%d=%d", u > 1 ? "," : "", u, (u / 2) % 2);
        hb_add(&runs, tmp, (size_t)n);
    }
    hb_adds(&b, "\nflagset 0 \\Seen\nflagset 1\nflags ");
    hb_adds(&b, runs.p);
    hb_adds(&b, "\nend\n");
    imapclient_sync_state *st = NULL;
    assert_int_equal(imapclient_sync_state_parse(b.p, b.n, &st), 0);
    assert_int_equal(imapclient_sync_state_uids(st)->count, 20000);
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(imapclient_sync_state_format(st, &out, &n), 0);
    assert_int_equal(n, b.n);
    assert_memory_equal(out, b.p, n);
    free(out);
    imapclient_sync_state_free(st);
    /* cut in the header byte by byte, at 40 places in the sets, and in the
     * last lines byte by byte: never accepted */
    for (size_t cut = 0; cut < b.n; cut += cut < 120 || cut > b.n - 24 ? 1 : b.n / 40) {
        imapclient_sync_state *x = (imapclient_sync_state *)1;
        assert_int_equal(imapclient_sync_state_parse(b.p, cut, &x), IMAPCLIENT_EINVAL);
        assert_null(x);
    }
    hb_free(&b);
    hb_free(&runs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__vanished_everything),
        cmocka_unit_test(test_hostile__vanished_many),
        cmocka_unit_test(test_hostile__malformed),
        cmocka_unit_test(test_hostile__modified_and_fetch),
        cmocka_unit_test(test_hostile__sync_fails_cleanly),
        cmocka_unit_test(test_hostile__blob_sizes_and_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
