/* Selection on canned server bytes: SELECT and EXAMINE replies from
 * Dovecot, Gmail, Exchange and RFC 9051 servers, failed selects, UNSELECT,
 * CLOSE, and the state rules (ILLEGAL_STATE, READONLY, ECAPABILITY). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#include "client/internal.h"

#define PREAUTH "S: * PREAUTH [CAPABILITY IMAP4rev1 UNSELECT] ready\n"

#define DOVECOT_SELECT_DATA                                                              \
    "S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\n"                       \
    "S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] "      \
    "Flags permitted.\n"                                                                 \
    "S: * 8 EXISTS\n"                                                                    \
    "S: * 0 RECENT\n"                                                                    \
    "S: * OK [UNSEEN 3] First unseen.\n"                                                 \
    "S: * OK [UIDVALIDITY 1700000001] UIDs valid\n"                                      \
    "S: * OK [UIDNEXT 9] Predicted next UID\n"                                           \
    "S: * OK [HIGHESTMODSEQ 18446744073709551615] Highest\n"

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

static void test_select__dovecot(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 SELECT INBOX\n" DOVECOT_SELECT_DATA
                     "S: A001 OK [READ-WRITE] Select completed (0.001 secs).\n");
    imapclient_select_info *i = NULL;
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, &i), 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    assert_int_equal(c->readonly, 0);
    assert_true(i->has_exists && i->has_recent && i->has_unseen && i->has_uidvalidity &&
                i->has_uidnext && i->has_highestmodseq && i->has_flags &&
                i->has_permanentflags);
    assert_int_equal(i->exists, 8);
    assert_int_equal(i->recent, 0);
    assert_int_equal(i->unseen, 3);
    assert_int_equal(i->uidvalidity, 1700000001u);
    assert_int_equal(i->uidnext, 9);
    assert_true(i->highestmodseq == UINT64_MAX);
    assert_int_equal(i->nomodseq, 0);
    assert_int_equal(i->flag_count, 5);
    assert_string_equal(i->flags[0], "\\Answered");
    assert_null(i->flags[5]);
    assert_int_equal(i->permanentflag_count, 6);
    assert_string_equal(i->permanentflags[5], "\\*");
    assert_int_equal(i->read_write, 1);
    assert_int_equal(i->read_only, 0);
    assert_string_equal(i->text, "Select completed (0.001 secs).");
    /* every piece, in order, the completion's code last */
    assert_int_equal(i->count, 9);
    assert_string_equal(i->items[0].name, "FLAGS");
    assert_string_equal(i->items[2].name, "EXISTS");
    assert_int_equal(i->items[2].value->items[0].number, 8);
    assert_string_equal(i->items[8].name, "READ-WRITE");
    assert_int_equal(i->items[8].value->count, 0);
    const imapclient_value *v = imapclient_select_info_get(i, "uidvalidity");
    assert_non_null(v);
    assert_int_equal(v->items[0].number, 1700000001u);
    assert_null(imapclient_select_info_get(i, "MAILBOXID"));
    /* SELECT data is consumed, not left for noop() */
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    imapclient_select_info_free(i);
    finish(c);
}

static void test_select__examine_readonly(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 EXAMINE \"Sent Items\"\n"
                     "S: * 3 EXISTS\n"
                     "S: * 0 RECENT\n"
                     "S: * FLAGS (\\Seen)\n"
                     "S: * OK [PERMANENTFLAGS ()] No permanent flags permitted\n"
                     "S: * OK [UIDVALIDITY 1239278212] ok\n"
                     "S: A001 OK [READ-ONLY] EXAMINE completed\n");
    imapclient_select_info *i = NULL;
    assert_int_equal(imapclient_select_folder(c, "Sent Items", 1, &i), 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    assert_int_equal(c->readonly, 1);
    assert_int_equal(i->read_only, 1);
    assert_int_equal(i->read_write, 0);
    assert_int_equal(i->exists, 3);
    assert_int_equal(i->has_permanentflags, 1);
    assert_int_equal(i->permanentflag_count, 0);
    assert_null(i->permanentflags[0]);
    assert_false(i->has_uidnext);
    /* a modifying message call now fails before anything is sent */
    size_t sent = strlen(imapclient_script_sent(c));
    assert_int_equal(imc_require_writable(c, "add_flags"), IMAPCLIENT_EREADONLY);
    assert_non_null(strstr(imapclient_errmsg(c), "read-only"));
    assert_int_equal(
        imapclient_add_flags(c, "1", (const char *const[]){"\\Seen", NULL}, 1, NULL),
        IMAPCLIENT_EREADONLY);
    assert_int_equal(strlen(imapclient_script_sent(c)), sent);
    imapclient_select_info_free(i);
    finish(c);
}

static void test_select__readonly_by_server(void **state)
{
    /* SELECT answered [READ-ONLY]: the folder is read-only all the same */
    imapclient *c = play(PREAUTH "C: A001 SELECT Shared\n"
                                 "S: * 0 EXISTS\n"
                                 "S: A001 OK [READ-ONLY] Select completed\n"
                                 "C: A002 SELECT INBOX\n"
                                 "S: * 8 EXISTS\n"
                                 "S: A002 OK [READ-WRITE] Select completed\n");
    imapclient_select_info *i = NULL;
    assert_int_equal(imapclient_select_folder(c, "Shared", 0, &i), 0);
    assert_int_equal(i->read_only, 1);
    assert_int_equal(c->readonly, 1);
    imapclient_select_info_free(i);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    assert_int_equal(c->readonly, 0);
    assert_int_equal(imc_require_writable(c, "add_flags"), 0);
    finish(c);
}

static void test_select__failed_select_leaves_authenticated(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: * 8 EXISTS\n"
                                 "S: A001 OK [READ-WRITE] Select completed\n"
                                 "C: A002 SELECT Nope\n"
                                 "S: * OK [CLOSED] Previous mailbox closed.\n"
                                 "S: A002 NO [NONEXISTENT] Mailbox doesn't exist\n");
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    imapclient_select_info *i = (void *)1;
    assert_int_equal(imapclient_select_folder(c, "Nope", 0, &i), IMAPCLIENT_ERROR);
    assert_null(i);
    assert_string_equal(imapclient_errmsg(c),
                        "SELECT Nope: NO [NONEXISTENT] Mailbox doesn't exist");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(imapclient_close_folder(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
    finish(c);
}

static void test_select__bad_keeps_selection(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: A001 OK [READ-WRITE] Select completed\n"
                                 "C: A002 SELECT \"\"\n"
                                 "S: A002 BAD Invalid mailbox name\n");
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    assert_int_equal(imapclient_select_folder(c, "", 0, NULL), IMAPCLIENT_ERROR);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    finish(c);
}

static void test_select__gmail(void **state)
{
    imapclient *c = play(
        PREAUTH "C: A001 SELECT \"[Gmail]/Sent Mail\"\n"
                "S: * FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing "
                "$Phishing)\n"
                "S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen "
                "$NotPhishing $Phishing \\*)] Flags permitted.\n"
                "S: * OK [UIDVALIDITY 2] UIDs valid.\n"
                "S: * 1203 EXISTS\n"
                "S: * 0 RECENT\n"
                "S: * OK [UIDNEXT 5873] Predicted next UID.\n"
                "S: * OK [HIGHESTMODSEQ 2358913] \n"
                "S: A001 OK [READ-WRITE] [Gmail]/Sent Mail selected. (Success)\n");
    imapclient_select_info *i = NULL;
    assert_int_equal(imapclient_select_folder(c, "[Gmail]/Sent Mail", 0, &i), 0);
    assert_int_equal(i->exists, 1203);
    assert_int_equal(i->flag_count, 7);
    assert_string_equal(i->flags[6], "$Phishing");
    assert_int_equal(i->uidnext, 5873);
    assert_true(i->highestmodseq == 2358913);
    assert_string_equal(i->text, "[Gmail]/Sent Mail selected. (Success)");
    imapclient_select_info_free(i);
    finish(c);
}

static void test_select__rfc9051_other_codes(void **state)
{
    /* no RECENT (IMAP4rev2), NOMODSEQ, MAILBOXID and an unknown code; an
     * ALERT is left for the caller */
    imapclient *c =
        play(PREAUTH "C: A001 SELECT Archive\n"
                     "S: * 2 EXISTS\n"
                     "S: * FLAGS (\\Seen $Forwarded)\n"
                     "S: * OK [NOMODSEQ] Sorry, modsequences are not supported\n"
                     "S: * OK [MAILBOXID (F2212ea87-6097-4256-9d51)] Ok\n"
                     "S: * OK [X-SOMETHING 1 2 three] hmm\n"
                     "S: * OK [ALERT] Maintenance tonight\n"
                     "S: * OK no code at all\n"
                     "S: * LIST () \"/\" Archive\n"
                     "S: A001 OK [READ-WRITE] done\n");
    imapclient_select_info *i = NULL;
    assert_int_equal(imapclient_select_folder(c, "Archive", 0, &i), 0);
    assert_int_equal(i->has_recent, 0);
    assert_int_equal(i->has_exists, 1);
    assert_int_equal(i->nomodseq, 1);
    assert_int_equal(i->has_highestmodseq, 0);
    assert_int_equal(i->has_permanentflags, 0);
    assert_non_null(i->permanentflags);
    assert_null(i->permanentflags[0]);
    const imapclient_value *m = imapclient_select_info_get(i, "MAILBOXID");
    assert_non_null(m);
    assert_int_equal(m->items[0].type, IMAPCLIENT_VALUE_LIST);
    assert_string_equal(m->items[0].items[0].str, "F2212ea87-6097-4256-9d51");
    const imapclient_value *x = imapclient_select_info_get(i, "X-SOMETHING");
    assert_non_null(x);
    assert_int_equal(x->count, 3);
    assert_string_equal(x->items[2].str, "three");
    assert_non_null(imapclient_select_info_get(i, "NOMODSEQ"));
    assert_null(imapclient_select_info_get(i, "ALERT"));
    /* an untagged response of another kind is SELECT data too */
    assert_non_null(imapclient_select_info_get(i, "LIST"));
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 2); /* for the caller to show */
    assert_string_equal(r->items[0].code, "ALERT");
    assert_string_equal(r->items[1].text, "no code at all");
    imapclient_responses_free(r);
    imapclient_select_info_free(i);
    finish(c);
}

/* RFC 7162 3.2.11 (with QRESYNC): "* OK [CLOSED]" marks where the
 * responses about the folder left end and those of the new one begin; it
 * is SELECT data, in its place among the items (issue 14, item 13).
 * Untagged responses the library does not know are SELECT data too, as the
 * header says, not only for take_responses() (issue 14, item 11). */
static void test_select__closed_and_unknown_kept_in_items(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: * 8 EXISTS\n"
                                 "S: A001 OK [READ-WRITE] Select completed\n"
                                 "C: A002 SELECT Archive\n"
                                 "S: * 3 EXPUNGE\n"
                                 "S: * OK [CLOSED] Previous mailbox closed.\n"
                                 "S: * 100 EXISTS\n"
                                 "S: * OTHER blah\n"
                                 "S: * OTHER (more \"data\")\n"
                                 "S: * VANISHED (EARLIER) 41,43:116\n"
                                 "S: * OK [UIDVALIDITY 3857529045] UIDVALIDITY\n"
                                 "S: A002 OK [READ-WRITE] Select completed\n");
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    imapclient_select_info *i = NULL;
    assert_int_equal(imapclient_select_folder(c, "Archive", 0, &i), 0);
    static const char *const want[] = {"CLOSED",   "EXISTS",      "OTHER",     "OTHER",
                                       "VANISHED", "UIDVALIDITY", "READ-WRITE"};
    assert_int_equal(i->count, 7);
    for (size_t k = 0; k < 7; k++)
        assert_string_equal(i->items[k].name, want[k]);
    assert_int_equal(i->items[0].value->count, 0);
    assert_string_equal(i->items[2].value->items[0].str, "blah");
    assert_int_equal(i->items[3].value->items[0].type, IMAPCLIENT_VALUE_LIST);
    assert_int_equal(i->exists, 100);
    imapclient_select_info_free(i);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 1); /* the old folder's EXPUNGE, for noop() */
    assert_string_equal(r->items[0].name, "EXPUNGE");
    imapclient_responses_free(r);
    finish(c);
}

static void test_select__unicode_and_quoting(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT Donn&AOk-es\n"
                                 "S: * 0 EXISTS\n"
                                 "S: A001 OK [READ-WRITE] ok\n"
                                 "C: A002 EXAMINE \"a \\\"b\\\"\"\n"
                                 "S: * 0 EXISTS\n"
                                 "S: A002 OK [READ-ONLY] ok\n"
                                 "C: A003 SELECT 2024\n"
                                 "S: * 0 EXISTS\n"
                                 "S: A003 OK [READ-WRITE] ok\n");
    assert_int_equal(imapclient_select_folder(c, "Donn\303\251es", 0, NULL), 0);
    assert_int_equal(imapclient_select_folder(c, "a \"b\"", 1, NULL), 0);
    assert_int_equal(c->readonly, 1);
    assert_int_equal(imapclient_select_folder(c, "2024", 0, NULL), 0);
    assert_int_equal(c->readonly, 0);
    finish(c);
}

static void test_select__not_logged_in(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 UNSELECT] ready\n");
    imapclient_select_info *i = (void *)1;
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, &i),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_null(i);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 1, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_unselect_folder(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_close_folder(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_string_equal(imapclient_script_sent(c), "");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    finish(c);
}

static void test_select__close(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: * 1 EXISTS\n"
                                 "S: A001 OK [READ-WRITE] ok\n"
                                 "C: A002 CLOSE\n"
                                 "S: A002 OK Close completed.\n");
    const char *text = NULL;
    /* nothing selected: refused before anything is sent */
    assert_int_equal(imapclient_close_folder(c, &text), IMAPCLIENT_EILLEGAL_STATE);
    assert_non_null(strstr(imapclient_errmsg(c), "close_folder"));
    assert_string_equal(imapclient_script_sent(c), "");
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    assert_int_equal(imapclient_close_folder(c, &text), 0);
    assert_string_equal(text, "Close completed.");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(imapclient_close_folder(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
    finish(c);
}

static void test_select__unselect(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 EXAMINE INBOX\n"
                                 "S: * 1 EXISTS\n"
                                 "S: A001 OK [READ-ONLY] ok\n"
                                 "C: A002 UNSELECT\n"
                                 "S: A002 OK Unselect completed.\n");
    const char *text = NULL;
    assert_int_equal(imapclient_unselect_folder(c, &text), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 1, NULL), 0);
    assert_int_equal(c->readonly, 1);
    assert_int_equal(imapclient_unselect_folder(c, &text), 0);
    assert_string_equal(text, "Unselect completed.");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(c->readonly, 0);
    finish(c);
}

static void test_select__unselect_without_capability(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n"
                         "C: A001 SELECT INBOX\n"
                         "S: * 1 EXISTS\n"
                         "S: A001 OK [READ-WRITE] ok\n");
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    size_t sent = strlen(imapclient_script_sent(c));
    assert_int_equal(imapclient_unselect_folder(c, NULL), IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "UNSELECT"));
    assert_int_equal(strlen(imapclient_script_sent(c)), sent);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    finish(c);
}

static void test_select__close_refused(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: A001 OK [READ-WRITE] ok\n"
                                 "C: A002 CLOSE\n"
                                 "S: A002 NO [SERVERBUG] Internal error\n");
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    assert_int_equal(imapclient_close_folder(c, NULL), IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_errmsg(c), "CLOSE: NO [SERVERBUG] Internal error");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    finish(c);
}

static void test_select__connection_lost(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SELECT INBOX\n"
                                 "S: * 3 EXISTS\n"
                                 "!EOF\n");
    imapclient_select_info *i = (void *)1;
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, &i), IMAPCLIENT_EABORT);
    assert_null(i);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, &i), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_select__free_null(void **state)
{
    imapclient_select_info_free(NULL);
    assert_null(imapclient_select_info_get(NULL, "EXISTS"));
    assert_int_equal(imapclient_select_folder(NULL, "INBOX", 0, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_close_folder(NULL, NULL), IMAPCLIENT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select__dovecot),
        cmocka_unit_test(test_select__examine_readonly),
        cmocka_unit_test(test_select__readonly_by_server),
        cmocka_unit_test(test_select__failed_select_leaves_authenticated),
        cmocka_unit_test(test_select__bad_keeps_selection),
        cmocka_unit_test(test_select__gmail),
        cmocka_unit_test(test_select__rfc9051_other_codes),
        cmocka_unit_test(test_select__closed_and_unknown_kept_in_items),
        cmocka_unit_test(test_select__unicode_and_quoting),
        cmocka_unit_test(test_select__not_logged_in),
        cmocka_unit_test(test_select__close),
        cmocka_unit_test(test_select__unselect),
        cmocka_unit_test(test_select__unselect_without_capability),
        cmocka_unit_test(test_select__close_refused),
        cmocka_unit_test(test_select__connection_lost),
        cmocka_unit_test(test_select__free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
