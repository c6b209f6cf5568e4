/* Folders on canned server bytes: LIST, LSUB, XLIST from Dovecot, Gmail,
 * Exchange and Courier; special folders; folder_exists; STATUS; CREATE,
 * DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE; folder-name quoting and
 * encoding; state and capability rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define PREAUTH "S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n"

static imapclient *play(const char *script)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    if (rc)
        fail_msg("connect returned %d (%s)", rc, imapclient_errmsg(c));
    return c;
}

static imapclient *play_opts(const char *script, int folder_encode)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.folder_encode = folder_encode;
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, &o, &c);
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

static void assert_flags(const char *const *flags, size_t n, const char *const *want)
{
    size_t k = 0;
    while (want[k])
        k++;
    assert_int_equal(n, k);
    for (size_t i = 0; i < k; i++)
        assert_string_equal(flags[i], want[i]);
    assert_null(flags[k]);
}

#define FLAGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- LIST ---------------------------------------------------------------- */

static void test_folders__list_dovecot(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * LIST (\\HasNoChildren) \"/\" INBOX\n"
                                 "S: * LIST (\\HasChildren) \"/\" Work\n"
                                 "S: * LIST (\\HasNoChildren) \"/\" Work/Projects\n"
                                 "S: * LIST (\\HasNoChildren \\Sent) \"/\" Sent\n"
                                 "S: A001 OK List completed (0.001 + 0.000 secs).\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 4);
    assert_string_equal(l->folders[0].name, "INBOX");
    assert_string_equal(l->folders[0].delimiter, "/");
    assert_flags(l->folders[0].flags, l->folders[0].flag_count, FLAGS("\\HasNoChildren"));
    assert_string_equal(l->folders[2].name, "Work/Projects");
    assert_int_equal(l->folders[2].name_len, 13);
    assert_flags(l->folders[3].flags, l->folders[3].flag_count,
                 FLAGS("\\HasNoChildren", "\\Sent"));
    assert_int_equal(imapclient_folder_has_flag(&l->folders[3], "\\sent"), 1);
    assert_int_equal(imapclient_folder_has_flag(&l->folders[3], IMAPCLIENT_TRASH), 0);
    assert_int_equal(l->folders[3].extended->type, IMAPCLIENT_VALUE_LIST);
    assert_int_equal(l->folders[3].extended->count, 0);
    /* LIST data is the result, not left for noop() */
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_directory_and_pattern(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST Work \"%\"\n"
                                 "S: * LIST (\\HasNoChildren) \"/\" Work/Projects\n"
                                 "S: A001 OK done\n"
                                 "C: A002 LIST \"My Stuff\" \"Sent*\"\n"
                                 "S: A002 OK done\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, "Work", "%", &l), 0);
    assert_int_equal(l->count, 1);
    imapclient_folder_list_free(l);
    assert_int_equal(imapclient_list_folders(c, "My Stuff", "Sent*", &l), 0);
    assert_int_equal(l->count, 0);
    assert_non_null(l->folders);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_gmail(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                     "S: * LIST (\\HasNoChildren) \"/\" \"INBOX\"\n"
                     "S: * LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"\n"
                     "S: * LIST (\\All \\HasNoChildren) \"/\" \"[Gmail]/All Mail\"\n"
                     "S: * LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\n"
                     "S: * LIST (\\HasNoChildren \\Junk) \"/\" \"[Gmail]/Spam\"\n"
                     "S: * LIST (\\HasNoChildren \\Trash) \"/\" \"[Gmail]/Corbeille\"\n"
                     "S: A001 OK Success\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, "", "*", &l), 0);
    assert_int_equal(l->count, 6);
    assert_string_equal(l->folders[1].name, "[Gmail]");
    assert_int_equal(imapclient_folder_has_flag(&l->folders[1], "\\Noselect"), 1);
    assert_string_equal(l->folders[3].name, "[Gmail]/Sent Mail");
    assert_int_equal(imapclient_folder_has_flag(&l->folders[3], IMAPCLIENT_SENT), 1);
    assert_int_equal(imapclient_folder_has_flag(&l->folders[2], IMAPCLIENT_ALL), 1);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_exchange(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                     "S: * LIST (\\Marked \\HasNoChildren) \"/\" INBOX\n"
                     "S: * LIST (\\HasNoChildren \\Trash) \"/\" \"Deleted Items\"\n"
                     "S: * LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\n"
                     "S: * LIST (\\HasNoChildren) \"/\" \"Conversation History\"\n"
                     "S: * LIST (\\HasNoChildren \\Junk) \"/\" \"Junk Email\"\n"
                     "S: A001 OK LIST completed.\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 5);
    assert_string_equal(l->folders[1].name, "Deleted Items");
    assert_string_equal(l->folders[4].name, "Junk Email");
    assert_flags(l->folders[0].flags, l->folders[0].flag_count,
                 FLAGS("\\Marked", "\\HasNoChildren"));
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_courier(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * LIST (\\Unmarked \\HasChildren) \".\" \"INBOX\"\n"
                                 "S: * LIST (\\HasNoChildren) \".\" \"INBOX.Sent\"\n"
                                 "S: * LIST (\\HasNoChildren) \".\" \"INBOX.Trash\"\n"
                                 "S: * LIST (\\HasNoChildren) \".\" \"INBOX.Drafts\"\n"
                                 "S: A001 OK LIST completed\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 4);
    assert_string_equal(l->folders[1].name, "INBOX.Sent");
    assert_string_equal(l->folders[1].delimiter, ".");
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_literal_number_nil(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * LIST () \"/\" {9}\n"
                                 "S: a \"b\" c\\d\n"
                                 "S: * LIST () \".\" 2024\n"
                                 "S: * LIST (\\Noselect) NIL \"\"\n"
                                 "S: * LIST () \"/\" NIL\n"
                                 "S: * LIST () \"/\" {3}\n"
                                 "S: 007\n"
                                 "S: A001 OK done\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 5);
    assert_string_equal(l->folders[0].name, "a \"b\" c\\d");
    assert_int_equal(l->folders[0].name_len, 9);
    assert_string_equal(l->folders[1].name, "2024");
    assert_string_equal(l->folders[1].delimiter, ".");
    assert_null(l->folders[2].delimiter);
    assert_string_equal(l->folders[2].name, "");
    assert_string_equal(l->folders[3].name, "NIL");
    assert_string_equal(l->folders[4].name, "007");
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_unicode_decoded(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * LIST () \"/\" Donn&AOk-es\n"
                                 "S: * LIST () \"/\" \"Hello, &ZeVnLIqe-\"\n"
                                 "S: * LIST () \"/\" \"Tom &- Jerry\"\n"
                                 "S: A001 OK done\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 3);
    assert_string_equal(l->folders[0].name, "Donn\303\251es");
    assert_string_equal(l->folders[0].raw_name, "Donn&AOk-es");
    assert_string_equal(l->folders[1].name,
                        "Hello, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
    assert_string_equal(l->folders[2].name, "Tom & Jerry");
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_undecodable_name_kept_raw(void **state)
{
    /* "&Jjo!" is not modified UTF-7 (unterminated base64); 8-bit names come
     * from servers that send UTF-8 */
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * LIST () \"/\" \"&Jjo!\"\n"
                                 "S: * LIST () \"/\" {6}\n"
                                 "S: caf\xc3\xa9!\n"
                                 "S: A001 OK done\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 2);
    assert_string_equal(l->folders[0].name, "&Jjo!");
    assert_string_equal(l->folders[1].name, "caf\xc3\xa9!");
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_folder_encode_off(void **state)
{
    imapclient *c = play_opts(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                      "S: * LIST () \"/\" Donn&AOk-es\n"
                                      "S: A001 OK done\n"
                                      "C: A002 LIST \"\" \"*\"\n"
                                      "S: * LIST () \"/\" Donn&AOk-es\n"
                                      "S: A002 OK done\n",
                              0);
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_string_equal(l->folders[0].name, "Donn&AOk-es");
    imapclient_folder_list_free(l);
    /* folder_encode can change between calls */
    imapclient_set_folder_encode(c, 1);
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_string_equal(l->folders[0].name, "Donn\303\251es");
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_extended_data(void **state)
{
    imapclient *c = play(
        PREAUTH "C: A001 LIST \"\" \"*\"\n"
                "S: * LIST (\\Subscribed) \"/\" foo (\"CHILDINFO\" (\"SUBSCRIBED\"))\n"
                "S: * LIST () \"/\" bar (\"OLDNAME\" (\"baz\"))\n"
                "S: A001 OK done\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 2);
    const imapclient_value *x = l->folders[0].extended;
    assert_int_equal(x->type, IMAPCLIENT_VALUE_LIST);
    assert_int_equal(x->count, 2);
    assert_string_equal(x->items[0].str, "CHILDINFO");
    assert_int_equal(x->items[1].type, IMAPCLIENT_VALUE_LIST);
    assert_string_equal(x->items[1].items[0].str, "SUBSCRIBED");
    assert_string_equal(l->folders[1].extended->items[1].items[0].str, "baz");
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_unrelated_untagged_kept(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * 4 EXISTS\n"
                                 "S: * LIST () \"/\" INBOX\n"
                                 "S: A001 OK done\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 1);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].name, "EXISTS");
    imapclient_responses_free(r);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__list_malformed_reply(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * LIST \\Noselect \"/\" foo\n"
                                 "S: * LIST () \"/\" bar\n"
                                 "S: A001 OK done\n"
                                 "C: A002 NOOP\n"
                                 "S: A002 OK done\n");
    imapclient_folder_list *l = (void *)1;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), IMAPCLIENT_EPROTOCOL);
    assert_null(l);
    assert_non_null(strstr(imapclient_errmsg(c), "malformed"));
    /* the command was read to its end: the connection is still in step */
    assert_int_equal(imapclient_noop(c, NULL), 0);
    finish(c);
}

static void test_folders__list_no(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: A001 NO [SERVERBUG] Internal error\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l), IMAPCLIENT_ERROR);
    assert_null(l);
    assert_string_equal(imapclient_errmsg(c),
                        "LIST \"\" \"*\": NO [SERVERBUG] Internal error");
    finish(c);
}

static void test_folders__list_sub_folders(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LSUB \"\" \"*\"\n"
                                 "S: * LSUB () \"/\" INBOX\n"
                                 "S: * LSUB (\\Noselect) \"/\" Work\n"
                                 "S: * LIST () \"/\" Unrelated\n"
                                 "S: A001 OK Lsub completed\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_list_sub_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 2);
    assert_string_equal(l->folders[1].name, "Work");
    assert_int_equal(imapclient_folder_has_flag(&l->folders[1], "\\NoSelect"), 1);
    imapclient_folder_list_free(l);
    /* the LIST answer does not belong to LSUB: kept for the caller */
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 1);
    imapclient_responses_free(r);
    finish(c);
}

static void test_folders__xlist_gmail(void **state)
{
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 XLIST X-GM-EXT-1] ready\n"
             "C: A001 XLIST \"\" \"*\"\n"
             "S: * XLIST (\\HasNoChildren \\Inbox) \"/\" \"Inbox\"\n"
             "S: * XLIST (\\Noselect \\HasChildren) \"/\" \"[Gmail]\"\n"
             "S: * XLIST (\\HasNoChildren \\AllMail) \"/\" \"[Gmail]/All Mail\"\n"
             "S: * XLIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\n"
             "S: * XLIST (\\HasNoChildren \\Spam) \"/\" \"[Gmail]/Spam\"\n"
             "S: * XLIST (\\HasNoChildren \\Starred) \"/\" \"[Gmail]/Starred\"\n"
             "S: * XLIST (\\HasNoChildren \\Trash) \"/\" \"[Gmail]/Trash\"\n"
             "S: A001 OK Success\n");
    imapclient_folder_list *l = NULL;
    assert_int_equal(imapclient_xlist_folders(c, NULL, NULL, &l), 0);
    assert_int_equal(l->count, 7);
    assert_string_equal(l->folders[0].name, "Inbox");
    assert_flags(l->folders[0].flags, l->folders[0].flag_count,
                 FLAGS("\\HasNoChildren", "\\Inbox"));
    assert_string_equal(l->folders[3].name, "[Gmail]/Sent Mail");
    assert_int_equal(imapclient_folder_has_flag(&l->folders[2], "\\AllMail"), 1);
    imapclient_folder_list_free(l);
    finish(c);
}

static void test_folders__xlist_without_capability(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE] ready\n");
    imapclient_folder_list *l = (void *)1;
    assert_int_equal(imapclient_xlist_folders(c, NULL, NULL, &l), IMAPCLIENT_ECAPABILITY);
    assert_null(l);
    assert_non_null(strstr(imapclient_errmsg(c), "XLIST"));
    assert_string_equal(imapclient_script_sent(c), "");
    finish(c);
}

static void test_folders__not_logged_in(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 XLIST NAMESPACE] ready\n");
    imapclient_folder_list *l = NULL;
    imapclient_status_info *st = NULL;
    char *name = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_non_null(strstr(imapclient_errmsg(c), "list_folders"));
    assert_int_equal(imapclient_list_sub_folders(c, NULL, NULL, &l),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_xlist_folders(c, NULL, NULL, &l),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_folder_exists(c, "INBOX"), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_folder_status(c, "INBOX", NULL, &st),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_create_folder(c, "x", NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_non_null(strstr(imapclient_errmsg(c), "create_folder"));
    assert_int_equal(imapclient_delete_folder(c, "x", NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_rename_folder(c, "x", "y", NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_subscribe_folder(c, "x", NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_unsubscribe_folder(c, "x", NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_null(l);
    assert_null(st);
    assert_null(name);
    assert_string_equal(imapclient_script_sent(c), "");
    finish(c);
}

/* ---- special folders ----------------------------------------------------- */

static void test_folders__special_use_list(void **state)
{
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE LIST-EXTENDED] ready\n"
             "C: A001 LIST (SPECIAL-USE) \"\" \"*\"\n"
             "S: * LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\n"
             "S: * LIST (\\HasNoChildren \\Sent) \"/\" \"Gesendete Objekte\"\n"
             "S: A001 OK List completed\n"
             "C: A002 LIST (SPECIAL-USE) \"\" \"*\"\n"
             "S: * LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\n"
             "S: A002 OK List completed\n"
             "C: A003 LIST \"\" Trash\n"
             "S: A003 OK List completed\n"
             "C: A004 LIST \"\" \"Deleted Items\"\n"
             "S: * LIST (\\HasNoChildren) \"/\" \"Deleted Items\"\n"
             "S: A004 OK List completed\n");
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), 0);
    assert_string_equal(name, "Gesendete Objekte");
    free(name);
    /* not flagged: the common names, in the default personal namespaces */
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_TRASH, &name), 0);
    assert_string_equal(name, "Deleted Items");
    free(name);
    finish(c);
}

/* Gmail announces SPECIAL-USE but not LIST-EXTENDED: the selection option
 * would get BAD; RETURN (SPECIAL-USE) is the form it takes (issue 14, item
 * 10). LIST-EXTENDED alone gives a plain LIST. */
static void test_folders__special_use_without_list_extended(void **state)
{
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST "
             "CHILDREN X-GM-EXT-1 UIDPLUS COMPRESS=DEFLATE ENABLE MOVE CONDSTORE ESEARCH "
             "UTF8=ACCEPT LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584] ready\n"
             "C: A001 LIST \"\" \"*\" RETURN (SPECIAL-USE)\n"
             "S: * LIST (\\HasNoChildren) \"/\" \"INBOX\"\n"
             "S: * LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"\n"
             "S: * LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\n"
             "S: A001 OK Success\n");
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), 0);
    assert_string_equal(name, "[Gmail]/Sent Mail");
    free(name);
    finish(c);

    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED] ready\n"
             "C: A001 LIST \"\" \"*\"\n"
             "S: * LIST (\\Sent) \"/\" Sent\n"
             "S: A001 OK done\n");
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), 0);
    assert_string_equal(name, "Sent");
    free(name);
    finish(c);
}

static void test_folders__special_gmail_flags_of_plain_list(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                     "S: * LIST (\\HasNoChildren) \"/\" \"INBOX\"\n"
                     "S: * LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"\n"
                     "S: * LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\n"
                     "S: * LIST (\\HasNoChildren \\Trash) \"/\" \"[Gmail]/Trash\"\n"
                     "S: A001 OK Success\n");
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), 0);
    assert_string_equal(name, "[Gmail]/Sent Mail");
    free(name);
    finish(c);
}

static void test_folders__special_courier_heuristics(void **state)
{
    /* no SPECIAL-USE, no NAMESPACE: every common name in "" then "INBOX." */
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * LIST (\\HasChildren) \".\" \"INBOX\"\n"
                                 "S: * LIST (\\HasNoChildren) \".\" \"INBOX.Sent\"\n"
                                 "S: A001 OK LIST completed\n"
                                 "C: A002 LIST \"\" Sent\n"
                                 "S: A002 OK LIST completed\n"
                                 "C: A003 LIST \"\" \"Sent Items\"\n"
                                 "S: A003 OK LIST completed\n"
                                 "C: A004 LIST \"\" \"Sent items\"\n"
                                 "S: A004 OK LIST completed\n"
                                 "C: A005 LIST \"\" \"Sent Messages\"\n"
                                 "S: A005 OK LIST completed\n"
                                 "C: A006 LIST \"\" INBOX.Sent\n"
                                 "S: * LIST (\\HasNoChildren) \".\" \"INBOX.Sent\"\n"
                                 "S: A006 OK LIST completed\n");
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), 0);
    assert_string_equal(name, "INBOX.Sent");
    free(name);
    finish(c);
}

static void test_folders__special_namespace_prefix(void **state)
{
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 NAMESPACE] ready\n"
             "C: A001 LIST \"\" \"*\"\n"
             "S: * LIST () \".\" \"INBOX\"\n"
             "S: A001 OK LIST completed\n"
             "C: A002 NAMESPACE\n"
             "S: * NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\"))\n"
             "S: A002 OK NAMESPACE completed\n"
             "C: A003 LIST \"\" INBOX.Junk\n"
             "S: A003 OK LIST completed\n"
             "C: A004 LIST \"\" INBOX.Spam\n"
             "S: * LIST () \".\" INBOX.Spam\n"
             "S: A004 OK LIST completed\n");
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_JUNK, &name), 0);
    assert_string_equal(name, "INBOX.Spam");
    free(name);
    finish(c);
}

static void test_folders__special_not_found(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"*\"\n"
                                 "S: * LIST () \"/\" INBOX\n"
                                 "S: A001 OK done\n"
                                 "C: A002 LIST \"\" \"*\"\n"
                                 "S: * LIST () \"/\" INBOX\n"
                                 "S: A002 OK done\n"
                                 "C: A003 LIST \"\" Archive\n"
                                 "S: A003 OK done\n"
                                 "C: A004 LIST \"\" INBOX.Archive\n"
                                 "S: A004 OK done\n");
    char *name = (char *)"x";
    /* \All has no common names: one LIST, then None */
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_ALL, &name), 0);
    assert_null(name);
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_ARCHIVE, &name), 0);
    assert_null(name);
    finish(c);
}

static void test_folders__special_use_refused_falls_back(void **state)
{
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE LIST-EXTENDED] ready\n"
             "C: A001 LIST (SPECIAL-USE) \"\" \"*\"\n"
             "S: A001 BAD Error in IMAP command LIST\n"
             "C: A002 LIST \"\" \"*\"\n"
             "S: * LIST (\\Archive) \"/\" Archiv\n"
             "S: A002 OK done\n");
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_ARCHIVE, &name), 0);
    assert_string_equal(name, "Archiv");
    free(name);
    assert_string_equal(imapclient_errmsg(c), "");
    finish(c);
}

static void test_folders__special_unicode_name(void **state)
{
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE LIST-EXTENDED] ready\n"
             "C: A001 LIST (SPECIAL-USE) \"\" \"*\"\n"
             "S: * LIST (\\Sent) \"/\" \"&AMk-l&AOk-ments envoy&AOk-s\"\n"
             "S: A001 OK done\n");
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), 0);
    assert_string_equal(name, "\xc3\x89l\xc3\xa9ments envoy\xc3\xa9s");
    free(name);
    finish(c);
}

/* ---- folder_exists -------------------------------------------------------- */

static void test_folders__exists(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" Work\n"
                                 "S: * LIST (\\HasChildren) \"/\" Work\n"
                                 "S: A001 OK done\n"
                                 "C: A002 LIST \"\" \"No Such\"\n"
                                 "S: A002 OK done\n"
                                 "C: A003 LIST \"\" Donn&AOk-es\n"
                                 "S: * LIST () \"/\" Donn&AOk-es\n"
                                 "S: A003 OK done\n");
    assert_int_equal(imapclient_folder_exists(c, "Work"), 1);
    assert_int_equal(imapclient_folder_exists(c, "No Such"), 0);
    assert_int_equal(imapclient_folder_exists(c, "Donn\303\251es"), 1);
    finish(c);
}

static void test_folders__exists_wildcard_name(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 LIST \"\" \"100%\"\n"
                                 "S: * LIST () \"/\" 100\n"
                                 "S: * LIST () \"/\" 1000\n"
                                 "S: A001 OK done\n"
                                 "C: A002 LIST \"\" \"a*\"\n"
                                 "S: * LIST () \"/\" abc\n"
                                 "S: * LIST () \"/\" \"a*\"\n"
                                 "S: A002 OK done\n");
    assert_int_equal(imapclient_folder_exists(c, "100%"), 0);
    assert_int_equal(imapclient_folder_exists(c, "a*"), 1);
    finish(c);
}

/* ---- STATUS --------------------------------------------------------------- */

static void test_folders__status_default_items(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)\n"
                     "S: * STATUS INBOX (MESSAGES 8 RECENT 0 UIDNEXT 9 UIDVALIDITY "
                     "1700000001 UNSEEN 4)\n"
                     "S: A001 OK Status completed.\n");
    imapclient_status_info *st = NULL;
    assert_int_equal(imapclient_folder_status(c, "INBOX", NULL, &st), 0);
    assert_int_equal(st->count, 5);
    assert_string_equal(st->folder, "INBOX");
    assert_true(st->has_messages && st->has_recent && st->has_uidnext &&
                st->has_uidvalidity && st->has_unseen);
    assert_false(st->has_highestmodseq || st->has_size || st->has_deleted);
    assert_int_equal(st->messages, 8);
    assert_int_equal(st->recent, 0);
    assert_int_equal(st->uidnext, 9);
    assert_int_equal(st->uidvalidity, 1700000001u);
    assert_int_equal(st->unseen, 4);
    assert_string_equal(st->items[3].name, "UIDVALIDITY");
    uint64_t v = 0;
    assert_int_equal(imapclient_status_info_get(st, "unseen", &v), 1);
    assert_int_equal(v, 4);
    assert_int_equal(imapclient_status_info_get(st, "SIZE", &v), 0);
    imapclient_status_info_free(st);
    finish(c);
}

static void test_folders__status_custom_items_64bit(void **state)
{
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 STATUS=SIZE CONDSTORE] ready\n"
             "C: A001 STATUS \"Sent Items\" (HIGHESTMODSEQ SIZE "
             "MESSAGES X-GUID)\n"
             "S: * STATUS \"Sent Items\" (HIGHESTMODSEQ 1099511627776 "
             "SIZE 5000000000 MESSAGES 2 X-GUID \"a1b2\")\n"
             "S: A001 OK done\n");
    imapclient_status_info *st = NULL;
    const char *const items[] = {"HIGHESTMODSEQ", "SIZE", "MESSAGES", "X-GUID", NULL};
    assert_int_equal(imapclient_folder_status(c, "Sent Items", items, &st), 0);
    assert_int_equal(st->count, 4);
    assert_true(st->has_highestmodseq && st->has_size && st->has_messages);
    assert_false(st->has_uidnext);
    assert_true(st->highestmodseq == 1099511627776ull);
    assert_true(st->size == 5000000000ull);
    assert_int_equal(st->items[3].is_number, 0);
    assert_string_equal(st->items[3].raw->str, "a1b2");
    assert_string_equal(st->folder, "Sent Items");
    imapclient_status_info_free(st);
    finish(c);
}

static void test_folders__status_unquoted_name_with_space(void **state)
{
    /* some servers send the name unquoted; the item list is the last value */
    imapclient *c = play(PREAUTH "C: A001 STATUS \"Sent Items\" (MESSAGES)\n"
                                 "S: * STATUS Sent Items (MESSAGES 3)\n"
                                 "S: A001 OK done\n");
    imapclient_status_info *st = NULL;
    assert_int_equal(imapclient_folder_status(c, "Sent Items", FLAGS("MESSAGES"), &st),
                     0);
    assert_int_equal(st->messages, 3);
    assert_null(st->folder);
    imapclient_status_info_free(st);
    finish(c);
}

static void test_folders__status_unicode_and_other_folder(void **state)
{
    /* a STATUS for another folder (unsolicited) does not win over ours */
    imapclient *c = play(PREAUTH "C: A001 STATUS Donn&AOk-es (UNSEEN)\n"
                                 "S: * STATUS Donn&AOk-es (UNSEEN 1)\n"
                                 "S: * STATUS Other (UNSEEN 7)\n"
                                 "S: A001 OK done\n");
    imapclient_status_info *st = NULL;
    assert_int_equal(imapclient_folder_status(c, "Donn\303\251es", FLAGS("UNSEEN"), &st),
                     0);
    assert_int_equal(st->unseen, 1);
    assert_string_equal(st->folder, "Donn\303\251es");
    imapclient_status_info_free(st);
    finish(c);
}

static void test_folders__status_invalid_items(void **state)
{
    imapclient *c = play(PREAUTH);
    imapclient_status_info *st = NULL;
    const char *const none[] = {NULL};
    assert_int_equal(imapclient_folder_status(c, "INBOX", none, &st), IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_folder_status(c, "INBOX", FLAGS("MESSAGES) (UNSEEN"), &st),
        IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_folder_status(c, "INBOX", FLAGS("MESSAGES\r\nA LOGOUT"), &st),
        IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_folder_status(c, "INBOX", FLAGS(""), &st),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_folder_status(c, NULL, NULL, &st), IMAPCLIENT_EINVAL);
    assert_null(st);
    assert_string_equal(imapclient_script_sent(c), "");
    finish(c);
}

static void test_folders__status_no_reply_and_no(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 STATUS INBOX (MESSAGES)\n"
                     "S: A001 OK done\n"
                     "C: A002 STATUS Nope (MESSAGES)\n"
                     "S: A002 NO [NONEXISTENT] Mailbox doesn't exist: Nope\n");
    imapclient_status_info *st = NULL;
    assert_int_equal(imapclient_folder_status(c, "INBOX", FLAGS("MESSAGES"), &st),
                     IMAPCLIENT_EPROTOCOL);
    assert_null(st);
    assert_int_equal(imapclient_folder_status(c, "Nope", FLAGS("MESSAGES"), &st),
                     IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_errmsg(c), "STATUS Nope (MESSAGES): NO [NONEXISTENT] "
                                              "Mailbox doesn't exist: Nope");
    finish(c);
}

/* ---- CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE ---------------------- */

static void test_folders__create_quoting(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 CREATE \"with space\"\n"
                                 "S: A001 OK Create completed.\n"
                                 "C: A002 CREATE \"a \\\"b\\\" c\\\\d\"\n"
                                 "S: A002 OK Create completed.\n"
                                 "C: A003 CREATE 12345\n"
                                 "S: A003 OK Create completed.\n"
                                 "C: A004 CREATE \"Tom &- Jerry\"\n"
                                 "S: A004 OK Create completed.\n"
                                 "C: A005 CREATE \"100% * done\"\n"
                                 "S: A005 OK Create completed.\n"
                                 "C: A006 CREATE \"Hello, &ZeVnLIqe-\"\n"
                                 "S: A006 OK Create completed.\n"
                                 "C: A007 CREATE \"\\\"NIL\\\"\"\n"
                                 "S: A007 OK Create completed.\n"
                                 "C: A008 CREATE \"NIL\"\n"
                                 "S: A008 OK Create completed.\n");
    const char *text = NULL;
    assert_int_equal(imapclient_create_folder(c, "with space", &text), 0);
    assert_string_equal(text, "Create completed.");
    assert_int_equal(imapclient_create_folder(c, "a \"b\" c\\d", NULL), 0);
    assert_int_equal(imapclient_create_folder(c, "12345", NULL), 0);
    assert_int_equal(imapclient_create_folder(c, "Tom & Jerry", NULL), 0);
    assert_int_equal(imapclient_create_folder(c, "100% * done", NULL), 0);
    assert_int_equal(
        imapclient_create_folder(c, "Hello, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", NULL),
        0);
    assert_int_equal(imapclient_create_folder(c, "\"NIL\"", NULL), 0);
    assert_int_equal(imapclient_create_folder(c, "NIL", NULL), 0);
    finish(c);
}

static void test_folders__create_folder_encode_off_literal(void **state)
{
    imapclient *c = play_opts(PREAUTH "C: A001 CREATE {5}\n"
                                      "S: + OK\n"
                                      "C: caf\xc3\xa9\n"
                                      "S: A001 OK done\n"
                                      "C: A002 CREATE \"Tom & Jerry\"\n"
                                      "S: A002 OK done\n",
                              0);
    assert_int_equal(imapclient_create_folder(c, "caf\xc3\xa9", NULL), 0);
    assert_int_equal(imapclient_create_folder(c, "Tom & Jerry", NULL), 0);
    finish(c);
}

static void test_folders__create_literal_plus(void **state)
{
    imapclient *c = play_opts("S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] ready\n"
                              "C: A001 CREATE {6+}\n"
                              "C: a\xe2\x82\xac b\n"
                              "S: A001 OK done\n",
                              0);
    assert_int_equal(imapclient_create_folder(c, "a\xe2\x82\xac b", NULL), 0);
    finish(c);
}

static void test_folders__invalid_utf8_name(void **state)
{
    /* refused before anything is sent, and no tag is spent */
    imapclient *c = play(PREAUTH "C: A001 CREATE ok\n"
                                 "S: A001 OK done\n");
    assert_int_equal(imapclient_create_folder(c, "bad\xff", NULL), IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "UTF-8"));
    assert_int_equal(imapclient_rename_folder(c, "ok", "\xc0\x80", NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_create_folder(c, NULL, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_rename_folder(c, "ok", NULL, NULL), IMAPCLIENT_EINVAL);
    assert_string_equal(imapclient_script_sent(c), "");
    assert_int_equal(imapclient_create_folder(c, "ok", NULL), 0);
    finish(c);
}

static void test_folders__create_exists_no(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 CREATE Work\n"
                                 "S: A001 NO [ALREADYEXISTS] Mailbox already exists\n");
    const char *text = (const char *)1;
    assert_int_equal(imapclient_create_folder(c, "Work", &text), IMAPCLIENT_ERROR);
    assert_null(text);
    assert_string_equal(imapclient_errmsg(c),
                        "CREATE Work: NO [ALREADYEXISTS] Mailbox already exists");
    finish(c);
}

static void test_folders__delete_rename(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 RENAME \"Old Name\" Donn&AOk-es\n"
                                 "S: A001 OK Rename completed.\n"
                                 "C: A002 DELETE Donn&AOk-es\n"
                                 "S: A002 OK Delete completed.\n"
                                 "C: A003 DELETE Donn&AOk-es\n"
                                 "S: A003 NO [NONEXISTENT] Mailbox doesn't exist: "
                                 "Donn&AOk-es\n");
    const char *text = NULL;
    assert_int_equal(imapclient_rename_folder(c, "Old Name", "Donn\303\251es", &text), 0);
    assert_string_equal(text, "Rename completed.");
    assert_int_equal(imapclient_delete_folder(c, "Donn\303\251es", &text), 0);
    assert_string_equal(text, "Delete completed.");
    assert_int_equal(imapclient_delete_folder(c, "Donn\303\251es", NULL),
                     IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "NO [NONEXISTENT]"));
    finish(c);
}

static void test_folders__subscribe_unsubscribe(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 SUBSCRIBE \"Work/Old Stuff\"\n"
                                 "S: A001 OK Subscribe completed.\n"
                                 "C: A002 UNSUBSCRIBE \"Work/Old Stuff\"\n"
                                 "S: A002 OK Unsubscribe completed.\n");
    const char *text = NULL;
    assert_int_equal(imapclient_subscribe_folder(c, "Work/Old Stuff", &text), 0);
    assert_string_equal(text, "Subscribe completed.");
    assert_int_equal(imapclient_unsubscribe_folder(c, "Work/Old Stuff", &text), 0);
    assert_string_equal(text, "Unsubscribe completed.");
    finish(c);
}

static void test_folders__free_null(void **state)
{
    imapclient_folder_list_free(NULL);
    imapclient_status_info_free(NULL);
    assert_int_equal(imapclient_folder_has_flag(NULL, "\\Sent"), 0);
    assert_int_equal(imapclient_status_info_get(NULL, "MESSAGES", NULL), 0);
    assert_int_equal(imapclient_list_folders(NULL, NULL, NULL, NULL), IMAPCLIENT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folders__list_dovecot),
        cmocka_unit_test(test_folders__list_directory_and_pattern),
        cmocka_unit_test(test_folders__list_gmail),
        cmocka_unit_test(test_folders__list_exchange),
        cmocka_unit_test(test_folders__list_courier),
        cmocka_unit_test(test_folders__list_literal_number_nil),
        cmocka_unit_test(test_folders__list_unicode_decoded),
        cmocka_unit_test(test_folders__list_undecodable_name_kept_raw),
        cmocka_unit_test(test_folders__list_folder_encode_off),
        cmocka_unit_test(test_folders__list_extended_data),
        cmocka_unit_test(test_folders__list_unrelated_untagged_kept),
        cmocka_unit_test(test_folders__list_malformed_reply),
        cmocka_unit_test(test_folders__list_no),
        cmocka_unit_test(test_folders__list_sub_folders),
        cmocka_unit_test(test_folders__xlist_gmail),
        cmocka_unit_test(test_folders__xlist_without_capability),
        cmocka_unit_test(test_folders__not_logged_in),
        cmocka_unit_test(test_folders__special_use_list),
        cmocka_unit_test(test_folders__special_use_without_list_extended),
        cmocka_unit_test(test_folders__special_gmail_flags_of_plain_list),
        cmocka_unit_test(test_folders__special_courier_heuristics),
        cmocka_unit_test(test_folders__special_namespace_prefix),
        cmocka_unit_test(test_folders__special_not_found),
        cmocka_unit_test(test_folders__special_use_refused_falls_back),
        cmocka_unit_test(test_folders__special_unicode_name),
        cmocka_unit_test(test_folders__exists),
        cmocka_unit_test(test_folders__exists_wildcard_name),
        cmocka_unit_test(test_folders__status_default_items),
        cmocka_unit_test(test_folders__status_custom_items_64bit),
        cmocka_unit_test(test_folders__status_unquoted_name_with_space),
        cmocka_unit_test(test_folders__status_unicode_and_other_folder),
        cmocka_unit_test(test_folders__status_invalid_items),
        cmocka_unit_test(test_folders__status_no_reply_and_no),
        cmocka_unit_test(test_folders__create_quoting),
        cmocka_unit_test(test_folders__create_folder_encode_off_literal),
        cmocka_unit_test(test_folders__create_literal_plus),
        cmocka_unit_test(test_folders__invalid_utf8_name),
        cmocka_unit_test(test_folders__create_exists_no),
        cmocka_unit_test(test_folders__delete_rename),
        cmocka_unit_test(test_folders__subscribe_unsubscribe),
        cmocka_unit_test(test_folders__free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
