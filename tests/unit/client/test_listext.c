/* LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), SPECIAL-USE and
 * CREATE-SPECIAL-USE (RFC 6154), MAILBOXID (RFC 8474) in CREATE, SELECT
 * and STATUS, the IMAP4rev2 folder rules (RFC 9051: LIST instead of LSUB,
 * \NonExistent, no RECENT, STATUS SIZE and DELETED), and LIST or STATUS
 * responses that are NOTIFY events (RFC 5465) arriving during a LIST or
 * STATUS command; on the RFCs' own examples where they have them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define LISTEXT "S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED] ready\n"

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

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

static const imapclient_folder *by_name(const imapclient_folder_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->folders[i].name, name))
            return &l->folders[i];
    fail_msg("no folder %s in the list", name);
    return NULL;
}

/* ---- LIST-EXTENDED ------------------------------------------------------- */

static void test_listext__subscribed_nonexistent(void **state)
{
    /* RFC 5258 section 5, example 2: a subscribed folder that no longer
     * exists is listed \NonExistent */
    imapclient *c =
        play(LISTEXT "C: A001 LIST (SUBSCRIBED) \"\" \"*\"\n"
                     "S: * LIST (\\Marked \\NoInferiors \\Subscribed) \"/\" inbox\n"
                     "S: * LIST (\\Subscribed) \"/\" \"Fruit/Banana\"\n"
                     "S: * LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\n"
                     "S: * LIST (\\Subscribed) \"/\" \"Vegetable\"\n"
                     "S: * LIST (\\Subscribed) \"/\" \"Vegetable/Broccoli\"\n"
                     "S: A001 OK done\n");
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED};
    imapclient_folder_list *l = NULL;
    check(imapclient_list_extended(c, NULL, NULL, &o, &l), c);
    assert_int_equal(l->count, 5);
    assert_true(by_name(l, "Fruit/Peach")->nonexistent);
    assert_false(by_name(l, "Fruit/Banana")->nonexistent);
    assert_true(imapclient_folder_has_flag(by_name(l, "inbox"), "\\Subscribed"));
    assert_int_equal(by_name(l, "inbox")->childinfo_count, 0);
    assert_null(by_name(l, "inbox")->childinfo[0]);
    assert_null(by_name(l, "inbox")->status);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_listext__recursivematch_childinfo(void **state)
{
    /* RFC 5258 section 5, example 5: RECURSIVEMATCH lists a parent whose
     * child matches, with CHILDINFO */
    imapclient *c =
        play(LISTEXT
             "C: A001 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)\n"
             "S: * LIST (\\Marked \\NoInferiors \\Subscribed) \"/\" \"inbox\"\n"
             "S: * LIST () \"/\" \"Fruit\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\n"
             "S: * LIST (\\Subscribed \\HasChildren) \"/\" \"Vegetable\" (\"CHILDINFO\" "
             "(\"SUBSCRIBED\"))\n"
             "S: A001 OK done\n");
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED |
                                              IMAPCLIENT_LIST_RECURSIVEMATCH,
                                 .returns = IMAPCLIENT_LIST_RETURN_CHILDREN};
    imapclient_folder_list *l = NULL;
    check(imapclient_list_extended(c, "", (const char *[]){"%", NULL}, &o, &l), c);
    assert_int_equal(l->count, 3);
    const imapclient_folder *f = by_name(l, "Fruit");
    assert_int_equal(f->childinfo_count, 1);
    assert_string_equal(f->childinfo[0], "SUBSCRIBED");
    assert_null(f->childinfo[1]);
    assert_int_equal(f->extended->count, 2);
    assert_int_equal(by_name(l, "Vegetable")->childinfo_count, 1);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_listext__multiple_patterns_remote(void **state)
{
    /* RFC 5258 section 5, example 9: several patterns in one LIST */
    imapclient *c = play(LISTEXT "C: A001 LIST (REMOTE) \"\" (INBOX Drafts \"Sent/%\")\n"
                                 "S: * LIST () \"/\" INBOX\n"
                                 "S: * LIST (\\Marked) \"/\" Drafts\n"
                                 "S: * LIST () \"/\" \"Sent/March2004\"\n"
                                 "S: * LIST (\\Marked) \"/\" \"Sent/December2003\"\n"
                                 "S: * LIST (\\Remote) \"/\" \"Sent/August2004\"\n"
                                 "S: A001 OK done\n");
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_REMOTE};
    imapclient_folder_list *l = NULL;
    check(imapclient_list_extended(
              c, NULL, (const char *[]){"INBOX", "Drafts", "Sent/%", NULL}, &o, &l),
          c);
    assert_int_equal(l->count, 5);
    assert_true(imapclient_folder_has_flag(&l->folders[4], "\\Remote"));
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_listext__return_subscribed_and_special_use(void **state)
{
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED SPECIAL-USE] hi\n"
             "C: A001 LIST \"\" \"%\" RETURN (SUBSCRIBED SPECIAL-USE)\n"
             "S: * LIST (\\Subscribed) \"/\" INBOX\n"
             "S: * LIST (\\Sent) \"/\" SentMail\n"
             "S: A001 OK done\n");
    imapclient_list_options o = {.returns = IMAPCLIENT_LIST_RETURN_SUBSCRIBED |
                                            IMAPCLIENT_LIST_RETURN_SPECIAL_USE};
    imapclient_folder_list *l = NULL;
    check(imapclient_list_extended(c, NULL, (const char *[]){"%", NULL}, &o, &l), c);
    assert_int_equal(l->count, 2);
    assert_true(imapclient_folder_has_flag(&l->folders[1], IMAPCLIENT_SENT));
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_listext__capabilities_checked(void **state)
{
    /* nothing is sent for an option the server does not offer */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE] ready\n"
                         "C: A001 LIST \"\" \"*\" RETURN (SPECIAL-USE)\n"
                         "S: A001 OK done\n");
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED};
    assert_int_equal(imapclient_list_extended(c, NULL, NULL, &o, NULL),
                     IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "LIST-EXTENDED"));
    assert_int_equal(
        imapclient_list_extended(c, NULL, (const char *[]){"a", "b", NULL}, NULL, NULL),
        IMAPCLIENT_ECAPABILITY);
    o = (imapclient_list_options){.returns = IMAPCLIENT_LIST_RETURN_CHILDREN};
    assert_int_equal(imapclient_list_extended(c, NULL, NULL, &o, NULL),
                     IMAPCLIENT_ECAPABILITY);
    o = (imapclient_list_options){.selection = IMAPCLIENT_LIST_SPECIAL_USE};
    assert_int_equal(imapclient_list_extended(c, NULL, NULL, &o, NULL),
                     IMAPCLIENT_ECAPABILITY);
    o = (imapclient_list_options){.status_items = (const char *[]){"MESSAGES", NULL}};
    assert_int_equal(imapclient_list_extended(c, NULL, NULL, &o, NULL),
                     IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "LIST-STATUS"));
    /* RECURSIVEMATCH alone, unknown bits, no pattern: refused */
    o = (imapclient_list_options){.selection = IMAPCLIENT_LIST_RECURSIVEMATCH};
    assert_int_equal(imapclient_list_extended(c, NULL, NULL, &o, NULL),
                     IMAPCLIENT_EINVAL);
    o = (imapclient_list_options){.returns = 0x100};
    assert_int_equal(imapclient_list_extended(c, NULL, NULL, &o, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_list_extended(c, NULL, (const char *[]){NULL}, NULL, NULL),
        IMAPCLIENT_EINVAL);
    o = (imapclient_list_options){.status_items = (const char *[]){NULL}};
    assert_int_equal(imapclient_list_extended(c, NULL, NULL, &o, NULL),
                     IMAPCLIENT_EINVAL);
    /* the SPECIAL-USE return option needs SPECIAL-USE only (RFC 6154 5.1) */
    o = (imapclient_list_options){.returns = IMAPCLIENT_LIST_RETURN_SPECIAL_USE};
    check(imapclient_list_extended(c, NULL, NULL, &o, NULL), c);
    finish(c);
}

static void test_listext__special_use_rfc6154(void **state)
{
    /* RFC 6154 section 5.1: the return option, the selection option and
     * both with RECURSIVEMATCH */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED SPECIAL-USE] ready\n"
             "C: A001 LIST \"\" \"%\" RETURN (SPECIAL-USE)\n"
             "S: * LIST (\\Marked) \"/\" Inbox\n"
             "S: * LIST () \"/\" ToDo\n"
             "S: * LIST () \"/\" Projects\n"
             "S: * LIST (\\Sent) \"/\" SentMail\n"
             "S: * LIST (\\Marked \\Drafts) \"/\" MyDrafts\n"
             "S: * LIST (\\Trash) \"/\" Trash\n"
             "S: A001 OK done\n"
             "C: A002 LIST (SPECIAL-USE RECURSIVEMATCH) \"\" \"%\"\n"
             "S: * LIST (\\Sent) \"/\" SentMail\n"
             "S: * LIST (\\Drafts) \"/\" MyDrafts\n"
             "S: * LIST () \"/\" Projects (\"CHILDINFO\" (\"SPECIAL-USE\"))\n"
             "S: * LIST (\\Trash) \"/\" Trash\n"
             "S: A002 OK done\n");
    imapclient_list_options o = {.returns = IMAPCLIENT_LIST_RETURN_SPECIAL_USE};
    imapclient_folder_list *l = NULL;
    check(imapclient_list_extended(c, NULL, (const char *[]){"%", NULL}, &o, &l), c);
    assert_int_equal(l->count, 6);
    assert_true(imapclient_folder_has_flag(by_name(l, "MyDrafts"), IMAPCLIENT_DRAFTS));
    imapclient_folder_list_free(l);
    o = (imapclient_list_options){.selection = IMAPCLIENT_LIST_SPECIAL_USE |
                                               IMAPCLIENT_LIST_RECURSIVEMATCH};
    check(imapclient_list_extended(c, NULL, (const char *[]){"%", NULL}, &o, &l), c);
    assert_int_equal(l->count, 4);
    assert_string_equal(by_name(l, "Projects")->childinfo[0], "SPECIAL-USE");
    imapclient_folder_list_free(l);
    finish(c);
}

/* ---- LIST-STATUS ------------------------------------------------------------ */

static void test_listext__list_status_rfc5819(void **state)
{
    /* RFC 5819 section 5: each selectable folder with its STATUS */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS] hi\n"
             "C: A001 LIST \"\" \"%\" RETURN (STATUS (MESSAGES UNSEEN))\n"
             "S: * LIST () \".\"  \"INBOX\"\n"
             "S: * STATUS \"INBOX\" (MESSAGES 17 UNSEEN 16)\n"
             "S: * LIST () \".\" \"foo\"\n"
             "S: * STATUS \"foo\" (MESSAGES 30 UNSEEN 29)\n"
             "S: * LIST (\\NoSelect) \".\" \"bar\"\n"
             "S: A001 OK List completed.\n");
    imapclient_folder_list *l = NULL;
    check(imapclient_list_status(c, NULL, "%",
                                 (const char *[]){"MESSAGES", "UNSEEN", NULL}, &l),
          c);
    assert_int_equal(l->count, 3);
    const imapclient_status_info *s = by_name(l, "INBOX")->status;
    assert_non_null(s);
    assert_true(s->has_messages);
    assert_int_equal(s->messages, 17);
    assert_int_equal(s->unseen, 16);
    assert_string_equal(s->folder, "INBOX");
    s = by_name(l, "foo")->status;
    assert_int_equal(s->messages, 30);
    assert_int_equal(s->count, 2);
    assert_null(by_name(l, "bar")->status);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_listext__list_status_extended_options(void **state)
{
    /* STATUS with other options in one command; a STATUS for a folder not
     * listed is not taken (kept for noop) */
    imapclient *c = play(
        "S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS SPECIAL-USE "
        "STATUS=SIZE] hi\n"
        "C: A001 LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN STATUS (MESSAGES SIZE))\n"
        "S: * LIST (\\Subscribed \\HasNoChildren) \"/\" Sent\n"
        "S: * STATUS Sent (MESSAGES 3 SIZE 4500)\n"
        "S: * STATUS Elsewhere (MESSAGES 9)\n"
        "S: * LIST (\\Subscribed \\NonExistent \\HasNoChildren) \"/\" Gone\n"
        "S: * LIST (\\Subscribed \\HasNoChildren) \"/\" inbox\n"
        "S: * STATUS INBOX (MESSAGES 8 SIZE 5493)\n"
        "S: A001 OK done\n"
        "C: A002 NOOP\n"
        "S: A002 OK done\n");
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED,
                                 .returns = IMAPCLIENT_LIST_RETURN_CHILDREN,
                                 .status_items =
                                     (const char *[]){"MESSAGES", "SIZE", NULL}};
    imapclient_folder_list *l = NULL;
    check(imapclient_list_extended(c, NULL, NULL, &o, &l), c);
    assert_int_equal(l->count, 3);
    assert_int_equal(by_name(l, "Sent")->status->size, 4500);
    assert_true(by_name(l, "Sent")->status->has_size);
    assert_null(by_name(l, "Gone")->status);
    assert_int_equal(by_name(l, "inbox")->status->messages, 8);
    imapclient_folder_list_free(l);
    imapclient_responses *r = NULL;
    check(imapclient_noop(c, &r), c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].name, "STATUS");
    imapclient_responses_free(r);
    finish(c);
}

static void test_listext__list_status_without_list_status(void **state)
{
    /* no LIST-STATUS: a LIST, then one STATUS per selectable folder, sent
     * together; a refused one leaves that folder without status */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"
                         "C: A001 LIST \"\" \"*\"\n"
                         "S: * LIST () \"/\" INBOX\n"
                         "S: * LIST (\\Noselect) \"/\" Archive\n"
                         "S: * LIST () \"/\" \"Archive/2024\"\n"
                         "S: * LIST () \"/\" Gone\n"
                         "S% * LIST () \"/\" {3}%0D%0Aa%00b%0D%0A\n"
                         "S: A001 OK done\n"
                         "C: A002 STATUS INBOX (MESSAGES)\n"
                         "C: A003 STATUS Archive/2024 (MESSAGES)\n"
                         "C: A004 STATUS Gone (MESSAGES)\n"
                         "S: * STATUS Archive/2024 (MESSAGES 2)\n"
                         "S: * STATUS INBOX (MESSAGES 8)\n"
                         "S: A002 OK done\n"
                         "S: A003 OK done\n"
                         "S: A004 NO [NONEXISTENT] no such folder\n");
    imapclient_folder_list *l = NULL;
    check(imapclient_list_status(c, NULL, NULL, (const char *[]){"MESSAGES", NULL}, &l),
          c);
    assert_int_equal(l->count, 5);
    assert_null(l->folders[4].status); /* a NUL in its name: cannot be asked */
    assert_int_equal(by_name(l, "INBOX")->status->messages, 8);
    assert_int_equal(by_name(l, "Archive/2024")->status->messages, 2);
    assert_null(by_name(l, "Archive")->status);
    assert_null(by_name(l, "Gone")->status);
    assert_string_equal(imapclient_errmsg(c), "");
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_listext__list_status_default_items(void **state)
{
    /* the default items are folder_status()'s; APPENDLIMIT and MAILBOXID
     * typed (RFC 7889, RFC 8474) */
    imapclient *c = play(
        "S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-STATUS OBJECTID APPENDLIMIT] hi\n"
        "C: A001 LIST \"\" \"*\" RETURN (STATUS (MESSAGES RECENT UIDNEXT UIDVALIDITY "
        "UNSEEN))\n"
        "S: * LIST () \"/\" INBOX\n"
        "S: A001 OK done\n"
        "C: A002 LIST \"\" \"*\" RETURN (STATUS (APPENDLIMIT MAILBOXID))\n"
        "S: * LIST () \"/\" INBOX\n"
        "S: * STATUS INBOX (APPENDLIMIT NIL MAILBOXID (F2212ea87-6097-4256-9d51))\n"
        "S: * LIST () \"/\" Small\n"
        "S: * STATUS Small (APPENDLIMIT 1000 MAILBOXID (bad!id))\n"
        "S: A002 OK done\n");
    imapclient_folder_list *l = NULL;
    check(imapclient_list_status(c, NULL, NULL, NULL, &l), c);
    assert_null(l->folders[0].status); /* none sent */
    imapclient_folder_list_free(l);
    check(imapclient_list_status(c, NULL, NULL,
                                 (const char *[]){"APPENDLIMIT", "MAILBOXID", NULL}, &l),
          c);
    const imapclient_status_info *s = by_name(l, "INBOX")->status;
    assert_true(s->has_appendlimit);
    assert_true(s->appendlimit == IMAPCLIENT_APPENDLIMIT_NONE);
    assert_string_equal(s->mailboxid, "F2212ea87-6097-4256-9d51");
    s = by_name(l, "Small")->status;
    assert_int_equal(s->appendlimit, 1000);
    assert_null(s->mailboxid); /* not an objectid: only in items */
    assert_int_equal(s->count, 2);
    imapclient_folder_list_free(l);
    finish(c);
}

/* ---- STATUS items -------------------------------------------------------------- */

static void test_listext__status_items_need_capabilities(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 APPENDLIMIT=1000] hi\n");
    const char *const size[] = {"MESSAGES", "SIZE", NULL};
    assert_int_equal(imapclient_folder_status(c, "INBOX", size, NULL),
                     IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "STATUS=SIZE"));
    assert_int_equal(
        imapclient_folder_status(c, "INBOX", (const char *[]){"DELETED", NULL}, NULL),
        IMAPCLIENT_ECAPABILITY);
    assert_int_equal(
        imapclient_folder_status(c, "INBOX", (const char *[]){"mailboxid", NULL}, NULL),
        IMAPCLIENT_ECAPABILITY);
    /* one limit for all folders (RFC 7889 section 2): no STATUS item */
    assert_int_equal(
        imapclient_folder_status(c, "INBOX", (const char *[]){"APPENDLIMIT", NULL}, NULL),
        IMAPCLIENT_ECAPABILITY);
    uint64_t limit = 0;
    check(imapclient_get_appendlimit(c, "INBOX", &limit), c);
    assert_int_equal(limit, 1000);
    finish(c);
}

static void test_listext__status_mailboxid(void **state)
{
    /* RFC 8474 section 4.3 */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 OBJECTID] hi\n"
             "C: A001 STATUS foo (MAILBOXID)\n"
             "S: * STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))\n"
             "S: A001 OK Completed\n");
    imapclient_status_info *st = NULL;
    check(imapclient_folder_status(c, "foo", (const char *[]){"MAILBOXID", NULL}, &st),
          c);
    assert_string_equal(st->mailboxid, "F2212ea87-6097-4256-9d51-71338625");
    imapclient_status_info_free(st);
    finish(c);
}

/* ---- CREATE-SPECIAL-USE, MAILBOXID ------------------------------------------- */

static void test_listext__create_special_use(void **state)
{
    /* RFC 6154 section 5.2 and RFC 8474 section 4.1 */
    imapclient *c = play(
        "S: * PREAUTH [CAPABILITY IMAP4rev1 CREATE-SPECIAL-USE OBJECTID] hi\n"
        "C: A001 CREATE MySpecial (USE (\\Drafts \\Sent))\n"
        "S: A001 NO [USEATTR] \\Drafts and \\Sent can't both be used\n"
        "C: A002 CREATE MySpecial (USE (\\Drafts))\n"
        "S: A002 OK [MAILBOXID (F6352ae03-b7f5-463c-896f-d8b48ee3)] MySpecial created\n"
        "C: A003 CREATE foo\n"
        "S: A003 OK Completed\n");
    imapclient_create_result *r = NULL;
    assert_int_equal(imapclient_create_folder_ex(
                         c, "MySpecial",
                         (const char *[]){IMAPCLIENT_DRAFTS, IMAPCLIENT_SENT, NULL}, &r),
                     IMAPCLIENT_ERROR);
    assert_null(r);
    assert_non_null(strstr(imapclient_errmsg(c), "USEATTR"));
    check(imapclient_create_folder_ex(c, "MySpecial",
                                      (const char *[]){IMAPCLIENT_DRAFTS, NULL}, &r),
          c);
    assert_string_equal(r->mailboxid, "F6352ae03-b7f5-463c-896f-d8b48ee3");
    assert_string_equal(r->text, "MySpecial created");
    imapclient_create_result_free(r);
    check(imapclient_create_folder_ex(c, "foo", NULL, &r), c);
    assert_null(r->mailboxid);
    imapclient_create_result_free(r);
    /* malformed attributes: refused before sending */
    assert_int_equal(
        imapclient_create_folder_ex(c, "x", (const char *[]){"Sent", NULL}, NULL),
        IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_create_folder_ex(c, "x", (const char *[]){"\\Se nt", NULL}, NULL),
        IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_create_folder_ex(c, "x", (const char *[]){"\\a)b", NULL}, NULL),
        IMAPCLIENT_EINVAL);
    finish(c);
}

static void test_listext__create_special_use_needs_capability(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE] hi\n");
    assert_int_equal(imapclient_create_folder_ex(
                         c, "Sent2", (const char *[]){IMAPCLIENT_SENT, NULL}, NULL),
                     IMAPCLIENT_ECAPABILITY);
    finish(c);
}

static void test_listext__select_mailboxid_and_closed(void **state)
{
    /* RFC 8474 section 4.2: MAILBOXID in SELECT; RFC 7162 3.2.11: what
     * came before [CLOSED] was about the folder left */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 OBJECTID] hi\n"
                         "C: A001 SELECT foo\n"
                         "S: * 2 EXISTS\n"
                         "S: * OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok\n"
                         "S: A001 OK [READ-WRITE] done\n"
                         "C: A002 SELECT bar\n"
                         "S: * 9 EXISTS\n"
                         "S: * OK [CLOSED] Previous mailbox closed.\n"
                         "S: * 4 EXISTS\n"
                         "S: * OK [MAILBOXID (bad id)] Ok\n"
                         "S: A002 OK [READ-WRITE] done\n");
    imapclient_select_info *i = NULL;
    check(imapclient_select_folder(c, "foo", 0, &i), c);
    assert_string_equal(i->mailboxid, "F2212ea87-6097-4256-9d51-71338625");
    assert_null(imapclient_select_info_get(i, "CLOSED"));
    imapclient_select_info_free(i);
    check(imapclient_select_folder(c, "bar", 0, &i), c);
    assert_int_equal(i->exists, 4);
    assert_null(i->mailboxid);
    assert_non_null(imapclient_select_info_get(i, "CLOSED"));
    assert_string_equal(i->items[0].name, "CLOSED");
    assert_true(i->read_write);
    imapclient_select_info_free(i);
    finish(c);
}

/* ---- IMAP4rev2 ------------------------------------------------------------------ */

static void test_listext__rev2_folders(void **state)
{
    /* RFC 9051: no LSUB (LIST (SUBSCRIBED)), no RECENT in the default
     * STATUS, SIZE and DELETED allowed, LIST-EXTENDED and LIST-STATUS
     * included, \NonExistent is not a folder */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev2] hi\n"
             "C: A001 LIST (SUBSCRIBED) \"\" \"*\"\n"
             "S: * LIST (\\Subscribed) \"/\" INBOX\n"
             "S: * LIST (\\Subscribed \\NonExistent) \"/\" Old\n"
             "S: A001 OK done\n"
             "C: A002 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)\n"
             "S: * STATUS INBOX (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 4 UNSEEN 1)\n"
             "S: A002 OK done\n"
             "C: A003 STATUS INBOX (SIZE DELETED DELETED-STORAGE)\n"
             "S: * STATUS INBOX (SIZE 100 DELETED 1 DELETED-STORAGE 20)\n"
             "S: A003 OK done\n"
             "C: A004 LIST \"\" Old\n"
             "S: * LIST (\\NonExistent) \"/\" Old\n"
             "S: A004 OK done\n"
             "C: A005 LIST \"\" \"*\" RETURN (STATUS (MESSAGES UIDNEXT UIDVALIDITY "
             "UNSEEN))\n"
             "S: A005 OK done\n");
    imapclient_folder_list *l = NULL;
    check(imapclient_list_sub_folders(c, NULL, NULL, &l), c);
    assert_int_equal(l->count, 2);
    assert_true(l->folders[1].nonexistent);
    imapclient_folder_list_free(l);
    imapclient_status_info *st = NULL;
    check(imapclient_folder_status(c, "INBOX", NULL, &st), c);
    assert_false(st->has_recent);
    imapclient_status_info_free(st);
    check(imapclient_folder_status(
              c, "INBOX", (const char *[]){"SIZE", "DELETED", "DELETED-STORAGE", NULL},
              &st),
          c);
    assert_int_equal(st->size, 100);
    assert_int_equal(st->deleted, 1);
    assert_true(st->has_deleted_storage);
    assert_int_equal(st->deleted_storage, 20);
    imapclient_status_info_free(st);
    assert_int_equal(imapclient_folder_exists(c, "Old"), 0);
    check(imapclient_list_status(c, NULL, NULL, NULL, NULL), c);
    finish(c);
}

static void test_listext__rev2_included_extensions(void **state)
{
    /* RFC 9051 appendix E: what IMAP4rev2 took in needs no capability of
     * its own (NAMESPACE, UNSELECT, UIDPLUS, MOVE, IDLE, ESEARCH,
     * LIST-EXTENDED, SPECIAL-USE, BINARY ...) */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev2] hi\n"
                         "C: A001 LIST (SPECIAL-USE) \"\" \"*\"\n"
                         "S: * LIST (\\Sent) \"/\" Sent\n"
                         "S: A001 OK done\n"
                         "C: A002 SELECT INBOX\n"
                         "S: A002 OK [READ-WRITE] done\n"
                         "C: A003 UID MOVE 1 \"Sent\"\n"
                         "S: A003 OK done\n"
                         "C: A004 UID EXPUNGE 2\n"
                         "S: A004 OK done\n"
                         "C: A005 UID SEARCH RETURN (COUNT) ALL\n"
                         "S: * ESEARCH (TAG \"A005\") UID COUNT 0\n"
                         "S: A005 OK done\n"
                         "C: A006 UID FETCH 1 (BINARY.PEEK[1])\n"
                         "S: A006 OK done\n"
                         "C: A007 UNSELECT\n"
                         "S: A007 OK done\n"
                         "C: A008 NAMESPACE\n"
                         "S: * NAMESPACE ((\"\" \"/\")) NIL NIL\n"
                         "S: A008 OK done\n");
    char *name = NULL;
    check(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), c);
    assert_string_equal(name, "Sent");
    free(name);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    check(imapclient_move(c, "1", "Sent", NULL), c);
    check(imapclient_uid_expunge(c, "2", NULL), c);
    imapclient_esearch_result *e = NULL;
    check(imapclient_esearch(c, NULL, NULL, (const char *[]){"COUNT", NULL}, &e), c);
    imapclient_esearch_result_free(e);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "1", (const char *[]){"BINARY.PEEK[1]", NULL}, NULL, &r),
          c);
    imapclient_fetch_result_free(r);
    check(imapclient_unselect_folder(c, NULL), c);
    imapclient_namespace_info *ns = NULL;
    check(imapclient_namespace(c, &ns), c);
    imapclient_namespace_info_free(ns);
    finish(c);
}

/* ---- NOTIFY events during LIST and STATUS ---------------------------------- */

#define NOTIFY_ON                                                                        \
    "S: * PREAUTH [CAPABILITY IMAP4rev1 NOTIFY LIST-EXTENDED LIST-STATUS] hi\n"          \
    "C: A001 NOTIFY SET (personal (MessageNew MailboxName SubscriptionChange))\n"        \
    "S: A001 OK done\n"

static void notify_on(imapclient *c)
{
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MAILBOX_NAME |
                                           IMAPCLIENT_EVENT_SUBSCRIPTION_CHANGE |
                                           IMAPCLIENT_EVENT_MESSAGE_NEW};
    check(imapclient_notify_set(c, &g, 1, 0), c);
}

static void test_listext__notify_events_during_list(void **state)
{
    /* RFC 5465 section 5.4: LIST responses for folders created, deleted or
     * renamed may arrive at any time; those that do not match the command
     * (or carry OLDNAME) are events, not answers */
    imapclient *c = play(NOTIFY_ON "C: A002 LIST Work/ \"%\"\n"
                                   "S: * LIST () \"/\" Work/A\n"
                                   "S: * LIST () \"/\" Private\n"
                                   "S: * LIST (\\NonExistent) \"/\" Work/New "
                                   "(\"OLDNAME\" (\"Work/Old\"))\n"
                                   "S: * LIST () \"/\" Work/B/C\n"
                                   "S: * LIST () \"/\" work/lower\n"
                                   "S: * LIST () \"/\" Work/B\n"
                                   "S: A002 OK done\n"
                                   "C: A003 NOOP\n"
                                   "S: A003 OK done\n");
    notify_on(c);
    imapclient_folder_list *l = NULL;
    check(imapclient_list_folders(c, "Work/", "%", &l), c);
    assert_int_equal(l->count, 2);
    assert_string_equal(l->folders[0].name, "Work/A");
    assert_string_equal(l->folders[1].name, "Work/B");
    imapclient_folder_list_free(l);
    imapclient_responses *r = NULL;
    check(imapclient_noop(c, &r), c);
    assert_int_equal(r->count, 4);
    /* the rename event decodes with its old name */
    imapclient_notify_event *e = NULL;
    check(imapclient_notify_event_from_response(c, &r->items[1], &e), c);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_MAILBOX);
    assert_string_equal(e->old_mailbox, "Work/Old");
    imapclient_notify_event_free(e);
    imapclient_responses_free(r);
    finish(c);
}

static void test_listext__notify_inbox_and_wildcards(void **state)
{
    /* INBOX matches in any case; "*" crosses the delimiter, "%" does not;
     * a reference without its delimiter is joined with it too */
    imapclient *c = play(NOTIFY_ON "C: A002 LIST \"\" (inbox \"A*\" \"B%\")\n"
                                   "S: * LIST () \".\" INBOX\n"
                                   "S: * LIST () \".\" A.x.y\n"
                                   "S: * LIST () \".\" Bz\n"
                                   "S: * LIST () \".\" Bz.q\n"
                                   "S: A002 OK done\n"
                                   "C: A003 LIST Lists \"%\"\n"
                                   "S: * LIST () \".\" Lists.x\n"
                                   "S: * LIST () \".\" Listsy\n"
                                   "S: A003 OK done\n");
    notify_on(c);
    imapclient_folder_list *l = NULL;
    check(imapclient_list_extended(c, NULL, (const char *[]){"inbox", "A*", "B%", NULL},
                                   NULL, &l),
          c);
    assert_int_equal(l->count, 3);
    assert_string_equal(l->folders[2].name, "Bz");
    imapclient_folder_list_free(l);
    check(imapclient_list_folders(c, "Lists", "%", &l), c);
    assert_int_equal(l->count, 2);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_listext__notify_events_during_status(void **state)
{
    /* a STATUS for another folder is an event while NOTIFY is on, even
     * before the answer; NOTIFY NONE ends that */
    imapclient *c = play(NOTIFY_ON "C: A002 STATUS Work (MESSAGES)\n"
                                   "S: * STATUS Other (MESSAGES 5)\n"
                                   "S: * STATUS Work (MESSAGES 2)\n"
                                   "S: A002 OK done\n"
                                   "C: A003 STATUS Work (MESSAGES)\n"
                                   "S: * STATUS Other (MESSAGES 6)\n"
                                   "S: A003 OK done\n"
                                   "C: A004 NOTIFY NONE\n"
                                   "S: A004 OK done\n"
                                   "C: A005 STATUS Work (MESSAGES)\n"
                                   "S: * STATUS \"Work\" (MESSAGES 3)\n"
                                   "S: A005 OK done\n"
                                   "C: A006 NOOP\n"
                                   "S: A006 OK done\n");
    notify_on(c);
    imapclient_status_info *st = NULL;
    check(imapclient_folder_status(c, "Work", (const char *[]){"MESSAGES", NULL}, &st),
          c);
    assert_int_equal(st->messages, 2);
    imapclient_status_info_free(st);
    /* no answer at all: not mistaken for one */
    assert_int_equal(
        imapclient_folder_status(c, "Work", (const char *[]){"MESSAGES", NULL}, &st),
        IMAPCLIENT_EPROTOCOL);
    check(imapclient_notify_none(c), c);
    check(imapclient_folder_status(c, "Work", (const char *[]){"MESSAGES", NULL}, &st),
          c);
    assert_int_equal(st->messages, 3);
    imapclient_status_info_free(st);
    imapclient_responses *r = NULL;
    check(imapclient_noop(c, &r), c);
    assert_int_equal(r->count, 2);
    imapclient_responses_free(r);
    finish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listext__subscribed_nonexistent),
        cmocka_unit_test(test_listext__recursivematch_childinfo),
        cmocka_unit_test(test_listext__multiple_patterns_remote),
        cmocka_unit_test(test_listext__return_subscribed_and_special_use),
        cmocka_unit_test(test_listext__capabilities_checked),
        cmocka_unit_test(test_listext__special_use_rfc6154),
        cmocka_unit_test(test_listext__list_status_rfc5819),
        cmocka_unit_test(test_listext__list_status_extended_options),
        cmocka_unit_test(test_listext__list_status_without_list_status),
        cmocka_unit_test(test_listext__list_status_default_items),
        cmocka_unit_test(test_listext__status_items_need_capabilities),
        cmocka_unit_test(test_listext__status_mailboxid),
        cmocka_unit_test(test_listext__create_special_use),
        cmocka_unit_test(test_listext__create_special_use_needs_capability),
        cmocka_unit_test(test_listext__select_mailboxid_and_closed),
        cmocka_unit_test(test_listext__rev2_folders),
        cmocka_unit_test(test_listext__rev2_included_extensions),
        cmocka_unit_test(test_listext__notify_events_during_list),
        cmocka_unit_test(test_listext__notify_inbox_and_wildcards),
        cmocka_unit_test(test_listext__notify_events_during_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
