/* Issue 14's conformance items through the non-blocking API: the handlers
 * are the blocking calls' (one engine), and these show the started forms
 * get the same results: Domino's wrapped items and UID-less parts of a
 * message merged (items 6, 8), malformed FETCH responses reported (7),
 * [CLOSED] and unknown data in SELECT's result (11, 13), MODSEQ kept by a
 * STORE (12), Gmail's line break after a literal (14), a stray line
 * kept while the command completes (15), the capabilities of an
 * untagged CAPABILITY inside LOGIN (9), and FETCH items and modifiers
 * checked before anything is queued (5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define GREET                                                                            \
    "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE CONDSTORE] ready\n"
#define SELECTED                                                                         \
    GREET "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK [READ-WRITE] done\n"

/* The completion, its result taken over by the test. */
typedef struct got {
    int n, status;
    char err[256];
    void *result;
} got;

static void take(imapclient *c, imapclient_completion *d)
{
    got *g = d->user;
    g->n++;
    g->status = d->status;
    snprintf(g->err, sizeof g->err, "%s", d->errmsg);
    g->result = d->result;
    d->result = NULL; /* ours now */
}

static imapclient *selected(const char *rest)
{
    size_t n = strlen(SELECTED) + strlen(rest) + 1;
    char *script = malloc(n);
    snprintf(script, n, "%s%s", SELECTED, rest);
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    free(script);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    return c;
}

static void run(imapclient *c, const got *g)
{
    for (int i = 0; i < 1000 && !g->n; i++)
        if (imapclient_drive(c) < 0)
            break;
    assert_int_equal(g->n, 1);
}

static void finish(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent so far:\n%s",
                 imapclient_script_sent(c));
    imapclient_free(c);
}

/* Items 6, 8 and 14: a Domino-wrapped ENVELOPE, a part without UID after
 * the one with it, and Gmail's CRLF between a literal and the ")". */
static void test_async_conformance__fetch_quirks(void **state)
{
    imapclient *c =
        selected("C: A002 UID FETCH 7:9 (FLAGS ENVELOPE BODY[HEADER] MODSEQ)\n"
                 "S: * 1 FETCH (UID 7 (ENVELOPE (NIL \"hi\" NIL NIL NIL NIL "
                 "NIL NIL NIL \"<a@b>\")) FLAGS ())\n"
                 "S: * 2 FETCH (UID 8 FLAGS () BODY[HEADER] {5}\n"
                 "S+ a: b\n"
                 "S:  \n"
                 "S: )\n"
                 "S: * 2 FETCH (MODSEQ (12))\n"
                 "S: A002 OK done\n");
    got g = {0};
    assert_int_equal(
        imapclient_start_fetch(
            c, "7:9",
            (const char *[]){"FLAGS", "ENVELOPE", "BODY[HEADER]", "MODSEQ", NULL}, NULL,
            take, &g, NULL),
        0);
    run(c, &g);
    assert_int_equal(g.status, 0);
    imapclient_fetch_result *r = g.result;
    assert_int_equal(r->count, 2);
    const imapclient_message *m = imapclient_fetch_result_get(r, 7);
    assert_non_null(m);
    assert_non_null(m->envelope);
    assert_string_equal(m->envelope->subject, "hi");
    m = imapclient_fetch_result_get(r, 8);
    assert_non_null(m);
    assert_int_equal(imapclient_message_item(m, "BODY[HEADER]")->len, 5);
    assert_true(m->has_modseq);
    assert_int_equal(m->modseq, 12);
    imapclient_fetch_result_free(r);
    finish(c);
}

/* Item 7: a FETCH response that cannot be read fails the started fetch
 * with PROTOCOL once the command is over; the connection goes on. */
static void test_async_conformance__malformed_fetch(void **state)
{
    imapclient *c = selected("C: A002 UID FETCH 2 (FLAGS)\n"
                             "S: * 1 FETCH (UID 2 FLAGS ())\n"
                             "S: * abc FETCH (UID 2 FLAGS ())\n"
                             "S: A002 OK done\n"
                             "C: A003 NOOP\n"
                             "S: A003 OK n\n");
    got g = {0};
    assert_int_equal(imapclient_start_fetch(c, "2", (const char *[]){"FLAGS", NULL}, NULL,
                                            take, &g, NULL),
                     0);
    run(c, &g);
    assert_int_equal(g.status, IMAPCLIENT_EPROTOCOL);
    assert_null(g.result);
    assert_non_null(strstr(g.err, "malformed FETCH response"));
    assert_int_equal(imapclient_noop(c, NULL), 0);
    finish(c);
}

/* Items 11 and 13: SELECT's result holds [CLOSED] and data it does not
 * know. */
static void test_async_conformance__select_keeps_closed_and_unknown(void **state)
{
    imapclient *c = selected("C: A002 SELECT Archive\n"
                             "S: * OK [CLOSED] Previous mailbox closed.\n"
                             "S: * 100 EXISTS\n"
                             "S: * OTHER blah\n"
                             "S: A002 OK [READ-WRITE] Select completed\n");
    got g = {0};
    assert_int_equal(imapclient_start_select_folder(c, "Archive", 0, take, &g, NULL), 0);
    run(c, &g);
    assert_int_equal(g.status, 0);
    imapclient_select_info *i = g.result;
    static const char *const want[] = {"CLOSED", "EXISTS", "OTHER", "READ-WRITE"};
    assert_int_equal(i->count, 4);
    for (size_t k = 0; k < 4; k++)
        assert_string_equal(i->items[k].name, want[k]);
    assert_int_equal(i->exists, 100);
    imapclient_select_info_free(i);
    finish(c);
}

/* Item 12: a STORE answered with MODSEQ apart from the flags keeps it in
 * its result, and a message with MODSEQ alone is kept for the caller. */
static void test_async_conformance__store_keeps_modseq(void **state)
{
    imapclient *c = selected("C: A002 UID STORE 1:2 +FLAGS (\\Seen)\n"
                             "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n"
                             "S: * 1 FETCH (UID 1 MODSEQ (8))\n"
                             "S: * 2 FETCH (UID 2 MODSEQ (9))\n"
                             "S: A002 OK done\n");
    got g = {0};
    assert_int_equal(imapclient_start_add_flags(
                         c, "1:2", (const char *[]){"\\Seen", NULL}, 0, take, &g, NULL),
                     0);
    run(c, &g);
    assert_int_equal(g.status, 0);
    imapclient_flags_result *r = g.result;
    assert_int_equal(r->count, 1);
    assert_int_equal(r->msgs[0].id, 1);
    assert_int_equal(r->msgs[0].count, 1);
    assert_true(r->msgs[0].has_modseq);
    assert_int_equal(r->msgs[0].modseq, 8);
    imapclient_flags_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 1); /* UID 2's MODSEQ */
    assert_int_equal(p->items[0].number, 2);
    imapclient_responses_free(p);
    finish(c);
}

/* Item 15: Exchange's stray "[COPYUID ...]" line in a MOVE's answer is
 * kept for the caller and the command completes on its tagged OK. */
static void test_async_conformance__stray_line_kept(void **state)
{
    imapclient *c = selected("C: A002 UID MOVE 6 \"Archive\"\n"
                             "S: [COPYUID 55 31 6]\n"
                             "S: * 1 EXPUNGE\n"
                             "S: A002 OK MOVE completed\n");
    got g = {0};
    assert_int_equal(imapclient_start_move(c, "6", "Archive", take, &g, NULL), 0);
    run(c, &g);
    assert_int_equal(g.status, 0);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 2);
    assert_string_equal(p->items[0].tag, "");
    assert_string_equal(p->items[0].text, "[COPYUID 55 31 6]");
    assert_string_equal(p->items[1].name, "EXPUNGE");
    imapclient_responses_free(p);
    imapclient_copy_result_free(g.result);
    finish(c);
}

/* Item 9: an untagged CAPABILITY inside a started LOGIN replaces the
 * greeting's list (no CAPABILITY asked again, SORT known). */
static void test_async_conformance__capability_during_login(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(
        imapclient_connect_scripted("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] "
                                    "ready\n"
                                    "C: A001 LOGIN bob secret\n"
                                    "S: * CAPABILITY IMAP4rev1 SORT IDLE\n"
                                    "S: A001 OK Logged in\n",
                                    NULL, &c),
        0);
    got g = {0};
    assert_int_equal(imapclient_start_login(c, "bob", "secret", take, &g, NULL), 0);
    run(c, &g);
    assert_int_equal(g.status, 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(imapclient_has_capability(c, "SORT"), 1);
    assert_int_equal(imapclient_has_capability(c, "AUTH=PLAIN"), 0);
    finish(c);
}

/* Item 5: FETCH items and modifiers are checked by the started fetches
 * too: one that would rewrite the command's structure is refused at once,
 * nothing is queued or sent. */
static int no_msg(void *payload, const imapclient_message *m)
{
    return 0;
}

static void test_async_conformance__fetch_items_checked(void **state)
{
    imapclient *c = selected("");
    got g = {0};
    assert_int_equal(imapclient_start_fetch(c, "1",
                                            (const char *[]){"FLAGS", "a) X999 (b", NULL},
                                            NULL, take, &g, NULL),
                     IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "invalid data item"));
    assert_int_equal(imapclient_start_fetch(c, "1", (const char *[]){"FLAGS", NULL},
                                            (const char *[]){"CHANGEDSINCE 1) (X", NULL},
                                            take, &g, NULL),
                     IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "invalid modifier"));
    assert_int_equal(imapclient_start_fetch_each(
                         c, "1", (const char *[]){"BODY[HEADER.FIELDS (A]", NULL}, NULL,
                         no_msg, NULL, 0, NULL, take, &g, NULL),
                     IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "invalid data item"));
    assert_int_equal(g.n, 0);
    assert_int_equal(imapclient_pending_commands(c), 0);
    finish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_conformance__fetch_quirks),
        cmocka_unit_test(test_async_conformance__malformed_fetch),
        cmocka_unit_test(test_async_conformance__select_keeps_closed_and_unknown),
        cmocka_unit_test(test_async_conformance__store_keeps_modseq),
        cmocka_unit_test(test_async_conformance__stray_line_kept),
        cmocka_unit_test(test_async_conformance__capability_during_login),
        cmocka_unit_test(test_async_conformance__fetch_items_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
