/* Bad input from the caller: CR, LF (and NUL where a length-carrying API
 * can hold one) in every string argument must never produce a second
 * command on the wire. Each argument either travels safely (a literal, a
 * quoted string, modified UTF-7, base64) or the call fails with EINVAL
 * before anything is sent. Every test checks the exact bytes sent
 * (imapclient_script_sent()) and counts the commands in them the way a
 * server reads them: lines, with literals skipped by their announced
 * size. */
#include "hostile.h"

#include "client/sasl.h"

/* A string that would be a second command if sent bare. */
#define EVIL "x\r\nA099 LOGOUT"
/* EVIL as a LITERAL+ literal, in a C: line of a script. */
#define EVIL_LIT "{14+}\nC: x\nC: A099 LOGOUT"
/* EVIL as a modified UTF-7 folder name (quoted: it has a space). */
#define EVIL_UTF7 "\"x&AA0ACg-A099 LOGOUT\""

/* How many commands a server reads in the client's bytes: lines, where a
 * line ending in {n} or {n+} continues after n bytes of literal. */
static int count_commands(const char *s)
{
    size_t len = strlen(s), i = 0;
    int n = 0;
    while (i < len) {
        n++;
        for (;;) {
            const char *eol = strstr(s + i, "\r\n");
            if (!eol)
                fail_msg("unterminated command in the bytes sent: %s", s + i);
            size_t e = (size_t)(eol - s);
            size_t k = e;
            unsigned long long lit = 0, mul = 1;
            int is_lit = 0;
            if (k > i && s[k - 1] == '}') {
                k--;
                if (k > i && s[k - 1] == '+')
                    k--;
                size_t d = k;
                while (d > i && s[d - 1] >= '0' && s[d - 1] <= '9') {
                    lit += (unsigned long long)(s[d - 1] - '0') * mul;
                    mul *= 10;
                    d--;
                }
                is_lit = d < k && d > i && s[d - 1] == '{';
            }
            i = e + 2;
            if (!is_lit)
                break;
            i += (size_t)lit;
        }
    }
    return n;
}

static imapclient *conn(const char *script)
{
    return h_connect(script, NULL);
}

/* The whole script played, exactly these bytes sent, as n commands. */
static void sent_exactly(imapclient *c, int commands)
{
    const char *sent = imapclient_script_sent(c);
    assert_non_null(sent);
    assert_int_equal(count_commands(sent), commands);
    h_done(c);
}

/* Refused before sending: EINVAL, nothing more on the wire, and the
 * connection still fine (the script's NOOP follows). */
#define refused(c, expr)                                                                 \
    do {                                                                                 \
        size_t before_ = strlen(imapclient_script_sent(c));                              \
        h_assert_rc((expr), IMAPCLIENT_EINVAL, (c));                                     \
        assert_int_equal(strlen(imapclient_script_sent(c)), before_);                    \
        h_assert_rc(imapclient_noop((c), NULL), 0, (c));                                 \
    } while (0)

/* ---- folder names ------------------------------------------------------- */

static void test_hostile__create_crlf_utf7(void **state)
{
    imapclient *c = conn(H_GREET_AUTH "C: A001 CREATE " EVIL_UTF7 "\nS: A001 OK done\n");
    h_assert_rc(imapclient_create_folder(c, EVIL, NULL), 0, c);
    sent_exactly(c, 1);
}

static void test_hostile__create_crlf_literal_plus(void **state)
{
    imapclient *c = conn(H_GREET_AUTH "C: A001 CREATE " EVIL_LIT "\nS: A001 OK done\n");
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_create_folder(c, EVIL, NULL), 0, c);
    sent_exactly(c, 1);
}

static void test_hostile__create_crlf_synchronising_literal(void **state)
{
    imapclient *c = conn("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"
                         "C: A001 CREATE {14}\n"
                         "S: + go ahead\n"
                         "C: x\nC: A099 LOGOUT\n"
                         "S: A001 OK done\n");
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_create_folder(c, EVIL, NULL), 0, c);
    sent_exactly(c, 1);
}

/* Refused before the literal: the literal's bytes are never sent. */
static void test_hostile__create_crlf_literal_refused(void **state)
{
    imapclient *c = conn("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"
                         "C: A001 CREATE {14}\n"
                         "S: A001 NO [CANNOT] no literals today\n" NOOP("A002"));
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_create_folder(c, EVIL, NULL), IMAPCLIENT_ERROR, c);
    h_assert_errmsg_has(c, "no literals today");
    assert_false(h_has(imapclient_script_sent(c), "LOGOUT"));
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    /* (a literal counter would eat the NOOP: the server refused the literal) */
    assert_string_equal(imapclient_script_sent(c), "A001 CREATE {14}\r\nA002 NOOP\r\n");
    h_done(c);
}

static void test_hostile__delete_subscribe_unsubscribe_lf(void **state)
{
    imapclient *c = conn(H_GREET_AUTH "C: A001 DELETE {11+}\nC% y%0AA099 NOOP%0D%0A\n"
                                      "S: A001 OK done\n"
                                      "C: A002 SUBSCRIBE \"y&AAo-A099 NOOP\"\n"
                                      "S: A002 OK done\n"
                                      "C: A003 UNSUBSCRIBE {11+}\n"
                                      "C% y%0AA099 NOOP%0D%0A\n"
                                      "S: A003 OK done\n");
    /* "y\nA099 NOOP": a bare LF is a line end too */
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_delete_folder(c, "y\nA099 NOOP", NULL), 0, c);
    imapclient_set_folder_encode(c, 1);
    h_assert_rc(imapclient_subscribe_folder(c, "y\nA099 NOOP", NULL), 0, c);
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_unsubscribe_folder(c, "y\nA099 NOOP", NULL), 0, c);
    sent_exactly(c, 3);
}

static void test_hostile__rename_both_names(void **state)
{
    imapclient *c = conn(H_GREET_AUTH "C: A001 RENAME " EVIL_LIT " " EVIL_LIT "\n"
                                      "S: A001 OK done\n"
                                      "C: A002 RENAME " EVIL_UTF7 " " EVIL_UTF7 "\n"
                                      "S: A002 OK done\n");
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_rename_folder(c, EVIL, EVIL, NULL), 0, c);
    imapclient_set_folder_encode(c, 1);
    h_assert_rc(imapclient_rename_folder(c, EVIL, EVIL, NULL), 0, c);
    sent_exactly(c, 2);
}

static void test_hostile__select_and_examine(void **state)
{
    imapclient *c = conn(H_GREET_AUTH "C: A001 SELECT " EVIL_LIT "\nS: A001 OK done\n"
                                      "C: A002 EXAMINE " EVIL_UTF7 "\nS: A002 OK done\n");
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_select_folder(c, EVIL, 0, NULL), 0, c);
    imapclient_set_folder_encode(c, 1);
    h_assert_rc(imapclient_select_folder(c, EVIL, 1, NULL), 0, c);
    sent_exactly(c, 2);
}

static void test_hostile__list_directory_and_pattern(void **state)
{
    imapclient *c =
        conn(H_GREET_AUTH "C: A001 LIST " EVIL_LIT " " EVIL_LIT "\n"
                          "S: A001 OK done\n"
                          "C: A002 LSUB " EVIL_UTF7 " " EVIL_UTF7 "\n"
                          "S: A002 OK done\n"
                          "C: A003 XLIST \"\" " EVIL_LIT "\nS: A003 OK done\n"
                          "C: A004 LIST \"\" " EVIL_LIT "\nS: A004 OK done\n");
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_list_folders(c, EVIL, EVIL, NULL), 0, c);
    imapclient_set_folder_encode(c, 1);
    h_assert_rc(imapclient_list_sub_folders(c, EVIL, EVIL, NULL), 0, c);
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_xlist_folders(c, NULL, EVIL, NULL), 0, c);
    h_assert_rc(imapclient_folder_exists(c, EVIL), 0, c);
    sent_exactly(c, 4);
}

static void test_hostile__status_folder_and_items(void **state)
{
    imapclient *c =
        conn(H_GREET_AUTH "C: A001 STATUS " EVIL_LIT " (MESSAGES)\n"
                          "S: * STATUS " EVIL_UTF7 " (MESSAGES 1)\n"
                          "S: A001 OK done\n" NOOP("A002") NOOP("A003") NOOP("A004"));
    imapclient_set_folder_encode(c, 0);
    imapclient_status_info *st = NULL;
    h_assert_rc(
        imapclient_folder_status(c, EVIL, (const char *[]){"MESSAGES", NULL}, &st), 0, c);
    assert_int_equal(st->messages, 1);
    imapclient_status_info_free(st);
    refused(c, imapclient_folder_status(
                   c, "INBOX", (const char *[]){"MESSAGES\r\nA099 LOGOUT", NULL}, NULL));
    refused(c, imapclient_folder_status(
                   c, "INBOX", (const char *[]){"MESSAGES) (UIDNEXT", NULL}, NULL));
    refused(c, imapclient_folder_status(c, "INBOX", (const char *[]){"", NULL}, NULL));
    sent_exactly(c, 4);
}

static void test_hostile__find_special_folder_flag(void **state)
{
    /* the flag is only compared here, never sent */
    imapclient *c = conn(H_GREET_AUTH "C: A001 LIST \"\" \"*\"\n"
                                      "S: * LIST (\\Sent) \"/\" Sent\n"
                                      "S: A001 OK done\n");
    char *name = (char *)1;
    h_assert_rc(imapclient_find_special_folder(c, "\\Sent\r\nA099 LOGOUT", &name), 0, c);
    assert_null(name);
    sent_exactly(c, 1);
}

static void test_hostile__has_capability_name(void **state)
{
    imapclient *c = conn("S: * PREAUTH hi\n"
                         "C: A001 CAPABILITY\n"
                         "S: * CAPABILITY IMAP4rev1\n"
                         "S: A001 OK done\n");
    h_assert_rc(imapclient_has_capability(c, "IMAP4rev1\r\nA099 LOGOUT"), 0, c);
    sent_exactly(c, 1);
}

static void test_hostile__login_username_and_password(void **state)
{
    imapclient *c = conn("S: * OK [CAPABILITY IMAP4rev1 LITERAL+] hi\n"
                         "C: A001 LOGIN " EVIL_LIT " " EVIL_LIT "\n"
                         "S: A001 NO nope\n");
    h_assert_rc(imapclient_login(c, EVIL, EVIL, NULL), IMAPCLIENT_ELOGIN, c);
    sent_exactly(c, 1);
}

/* ---- messages ------------------------------------------------------------- */

static void test_hostile__message_sets(void **state)
{
    imapclient *c =
        conn(H_GREET_AUTH H_SELECT NOOP("A002") NOOP("A003") NOOP("A004") NOOP("A005")
                 NOOP("A006") NOOP("A007") NOOP("A008") NOOP("A009") NOOP("A010"));
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    static const char *const seen[] = {IMAPCLIENT_SEEN, NULL};
    static const char *const flags[] = {"FLAGS", NULL};
    imapclient_fetch_result *fr = NULL;
    imapclient_flags_result *r = NULL;
    refused(c, imapclient_fetch(c, "1\r\nA099 LOGOUT", flags, NULL, &fr));
    assert_null(fr);
    refused(c, imapclient_get_flags(c, "1\nA099 LOGOUT", &r));
    refused(c, imapclient_set_flags(c, "1\r\n", seen, 0, &r));
    refused(c, imapclient_add_gmail_labels(c, "1 2", seen, 0, &r));
    assert_null(r);
    refused(c, imapclient_copy(c, "1\r\nA099 LOGOUT", "Archive", NULL));
    refused(c, imapclient_move(c, "1\r\nA099 LOGOUT", "Archive", NULL));
    refused(c, imapclient_expunge(c, "1\r\nA099 LOGOUT", NULL));
    refused(c, imapclient_uid_expunge(c, "1\r\nA099 LOGOUT", NULL));
    refused(c, imapclient_delete_messages(c, "*\r\n", 0, NULL));
    sent_exactly(c, 10);
}

static void test_hostile__flags(void **state)
{
    imapclient *c = conn(H_GREET_AUTH H_SELECT NOOP("A002") NOOP("A003") NOOP("A004")
                             NOOP("A005") NOOP("A006") NOOP("A007") NOOP("A008"));
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    refused(c, imapclient_set_flags(
                   c, "1", (const char *[]){"\\Seen\r\nA099 LOGOUT", NULL}, 0, NULL));
    refused(c, imapclient_add_flags(c, "1", (const char *[]){"\\Seen", "a\nb", NULL}, 1,
                                    NULL));
    refused(c, imapclient_remove_flags(c, "1", (const char *[]){"a) (b", NULL}, 1, NULL));
    refused(c, imapclient_add_flags(c, "1", (const char *[]){"{5}", NULL}, 1, NULL));
    refused(c, imapclient_add_flags(c, "1", (const char *[]){"\\", NULL}, 1, NULL));
    refused(c, imapclient_append(c, "INBOX", "m", 1,
                                 (const char *[]){"\\Seen\r\nA099 LOGOUT", NULL}, NULL,
                                 NULL));
    imapclient_append_msg m = {
        .data = "m", .len = 1, .flags = (const char *[]){"ok", "b\r\n", NULL}};
    refused(c, imapclient_multiappend(c, "INBOX", &m, 1, NULL));
    sent_exactly(c, 8);
}

static void test_hostile__gmail_labels(void **state)
{
    imapclient *c =
        conn(H_GREET_AUTH H_SELECT
             "C: A002 UID STORE 1 +X-GM-LABELS.SILENT (\"x&AA0ACg-A099 LOGOUT\" "
             "\"\\\\Important\")\n"
             "S: A002 OK done\n");
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    h_assert_rc(imapclient_add_gmail_labels(
                    c, "1", (const char *[]){EVIL, "\\Important", NULL}, 1, NULL),
                0, c);
    sent_exactly(c, 2);
}

static void test_hostile__copy_and_move_folder(void **state)
{
    imapclient *c = conn(H_GREET_AUTH H_SELECT "C: A002 UID COPY 1 " EVIL_LIT "\n"
                                               "S: A002 OK done\n"
                                               "C: A003 UID MOVE 1 " EVIL_UTF7 "\n"
                                               "S: A003 OK done\n");
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(imapclient_copy(c, "1", EVIL, NULL), 0, c);
    imapclient_set_folder_encode(c, 1);
    h_assert_rc(imapclient_move(c, "1", EVIL, NULL), 0, c);
    sent_exactly(c, 3);
}

/* ---- append: a length-carrying argument ---------------------------------------- */

static void test_hostile__append_nul_refused(void **state)
{
    imapclient *c = conn(H_GREET_AUTH NOOP("A001") NOOP("A002") NOOP("A003"));
    static const char msg[] = "Subject: a\r\n\r\nb\0\r\nA099 LOGOUT\r\n";
    refused(c, imapclient_append(c, "INBOX", msg, sizeof msg - 1, NULL, NULL, NULL));
    imapclient_append_msg m[2] = {{.data = "ok", .len = 2}, {.data = "a\0b", .len = 3}};
    refused(c, imapclient_multiappend(c, "INBOX", m, 2, NULL));
    imapclient_datetime bad = {.year = 2024, .month = 2, .day = 30};
    refused(c, imapclient_append(c, "INBOX", "m", 1, NULL, &bad, NULL));
    sent_exactly(c, 3);
}

static void test_hostile__append_line_ends_in_literal(void **state)
{
    /* bare CR and LF become CRLF; the literal's size counts them */
    imapclient *c = conn(H_GREET_AUTH "C: A001 APPEND {14+}\n"
                                      "C: x\nC: A099 LOGOUT () {20+}\n"
                                      "C: a\nC: b\nC: A099 LOGOUT\nC: c\n"
                                      "S: A001 OK done\n");
    imapclient_set_folder_encode(c, 0);
    h_assert_rc(
        imapclient_append(c, EVIL, "a\rb\nA099 LOGOUT\r\nc", 18, NULL, NULL, NULL), 0, c);
    sent_exactly(c, 1);
}

static void test_hostile__multiappend_bytes_as_given(void **state)
{
    imapclient *c = conn(H_GREET_AUTH "C: A001 APPEND \"INBOX\" {14+}\n"
                                      "C: x\nC: A099 LOGOUT {1+}\n"
                                      "C% %0D%0D%0A"
                                      "\nS: A001 OK done\n");
    imapclient_append_msg m[2] = {{.data = EVIL, .len = 14}, {.data = "\r", .len = 1}};
    h_assert_rc(imapclient_multiappend(c, "INBOX", m, 2, NULL), 0, c);
    sent_exactly(c, 1);
}

/* ---- search criteria ----------------------------------------------------------- */

static void test_hostile__search_criteria_items(void **state)
{
    imapclient *c =
        conn(H_GREET_AUTH H_SELECT
             "C: A002 UID SEARCH SUBJECT " EVIL_LIT " (FROM \"a) (b\" NOT {1+}\n"
             "C% %0A)%0D%0A\n"
             "S: * SEARCH\nS: A002 OK done\n"
             "C: A003 UID SEARCH CHARSET {14+}\nC: x\nC: A099 LOGOUT ALL\n"
             "S: * SEARCH\nS: A003 OK done\n"
             "C: A004 UID SEARCH CHARSET UTF-8 X-GM-RAW " EVIL_LIT "\n"
             "S: * SEARCH\nS: A004 OK done\n" NOOP("A005") NOOP("A006"));
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_ids *ids = NULL;
    h_assert_rc(imapclient_search(c,
                                  (const char *[]){"SUBJECT", EVIL, "(", "FROM", "a) (b",
                                                   "NOT", "\n", ")", NULL},
                                  NULL, &ids),
                0, c);
    imapclient_ids_free(ids);
    h_assert_rc(imapclient_search(c, NULL, EVIL, &ids), 0, c);
    imapclient_ids_free(ids);
    h_assert_rc(imapclient_gmail_search(c, EVIL, NULL, &ids), 0, c);
    imapclient_ids_free(ids);
    refused(c, imapclient_search_raw(c, "ALL\r\nA099 LOGOUT", NULL, &ids));
    refused(c, imapclient_search_raw(c, "ALL\nA099 LOGOUT", NULL, &ids));
    assert_null(ids);
    sent_exactly(c, 6);
}

static void test_hostile__sort_thread_esearch(void **state)
{
    imapclient *c = conn(H_GREET_AUTH H_SELECT
                         "C: A002 UID SORT (DATE) UTF-8 TEXT " EVIL_LIT "\n"
                         "S: A002 OK done\n"
                         "C: A003 UID THREAD REFERENCES UTF-8 TEXT " EVIL_LIT "\n"
                         "S: A003 OK done\n"
                         "C: A004 UID SEARCH RETURN (MIN) TEXT " EVIL_LIT "\n"
                         "S: A004 OK done\n" NOOP("A005") NOOP("A006") NOOP("A007")
                             NOOP("A008") NOOP("A009"));
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    const char *const crit[] = {"TEXT", EVIL, NULL};
    imapclient_ids *ids = NULL;
    imapclient_threads *t = NULL;
    imapclient_esearch_result *e = NULL;
    h_assert_rc(imapclient_sort(c, (const char *[]){"DATE", NULL}, crit, NULL, &ids), 0,
                c);
    imapclient_ids_free(ids);
    h_assert_rc(imapclient_thread(c, NULL, crit, NULL, &t), 0, c);
    imapclient_threads_free(t);
    h_assert_rc(imapclient_esearch(c, crit, NULL, (const char *[]){"MIN", NULL}, &e), 0,
                c);
    imapclient_esearch_result_free(e);
    refused(c, imapclient_sort(c, (const char *[]){"DATE\r\nA099 LOGOUT", NULL}, NULL,
                               NULL, &ids));
    refused(c,
            imapclient_sort(c, (const char *[]){"DATE) ALL (", NULL}, NULL, NULL, &ids));
    refused(c, imapclient_thread(c, "REFERENCES\r\nA099 LOGOUT", NULL, NULL, &t));
    refused(c, imapclient_esearch(c, NULL, NULL, (const char *[]){"MIN\r\nX", NULL}, &e));
    refused(c, imapclient_esearch(c, NULL, NULL, (const char *[]){"MIN) (X", NULL}, &e));
    sent_exactly(c, 9);
}

/* ---- fetch items and modifiers ------------------------------------------------------
 */

static int never(void *payload, const imapclient_message *m)
{
    fail_msg("callback called for a refused fetch");
    return 1;
}

static void test_hostile__fetch_items_and_modifiers(void **state)
{
    /* items and modifiers are checked before the command is built: no tag
     * is used */
    imapclient *c =
        conn(H_GREET_AUTH H_SELECT NOOP("A002") NOOP("A003") NOOP("A004") NOOP("A005"));
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_fetch_result *r = NULL;
    refused(c, imapclient_fetch(c, "1", (const char *[]){"FLAGS\r\nA099 LOGOUT", NULL},
                                NULL, &r));
    assert_null(r);
    refused(c,
            imapclient_fetch(c, "1", (const char *[]){"FLAGS", NULL},
                             (const char *[]){"CHANGEDSINCE 1\nA099 LOGOUT", NULL}, &r));
    refused(c, imapclient_fetch_each(c, "1", (const char *[]){"BODY[]\r\n", NULL}, NULL,
                                     never, NULL, 0, NULL));
    refused(c, imapclient_fetch(c, "1", (const char *[]){"FLAGS", "", NULL}, NULL, &r));
    sent_exactly(c, 5);
}

/* Items and modifiers that would rewrite the command's structure (close the
 * list early, open one that swallows the rest, add arguments): EINVAL
 * naming the item, nothing sent (issue 14, item 5). Well-formed ones of
 * every shape go out as given. */
static void test_hostile__fetch_items_structure(void **state)
{
    static const char *const bad_items[] = {"a) X999 (b",
                                            "FLAGS)",
                                            "(FLAGS",
                                            "FLAGS ENVELOPE",
                                            "BODY[HEADER",
                                            "BODY[]]",
                                            "BODY[(TO]",
                                            "BODY[]<0",
                                            "BODY[]<a>",
                                            "BODY[]<0.>",
                                            "BODY[]x",
                                            "BODY[] (",
                                            "PREVIEW (LAZY",
                                            "PREVIEW (LAZY))",
                                            "\"FLAGS\"",
                                            "FL%AGS",
                                            "FLAGS{5}",
                                            " FLAGS",
                                            "BODY[HEADER.FIELDS (\"A)]",
                                            NULL};
    static const char *const bad_mods[] = {
        "CHANGEDSINCE 1) (X", "CHANGEDSINCE (1", "1CHANGEDSINCE 5", "CHANGEDSINCE  5",
        "CHANGEDSINCE abc",   "VANISHED)",       "X (a \"b)",       NULL};
    /* (BINARY and PREVIEW items need their capabilities) */
    imapclient *c =
        conn("S: * PREAUTH [CAPABILITY " H_CAPS " BINARY PREVIEW] ready\n" H_SELECT
             "C: A002 UID FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT "
             "\"X-A]\")]<0.512> BINARY[1.2] PREVIEW (LAZY) X-GM-LABELS "
             "RFC822.SIZE) (CHANGEDSINCE 12 VANISHED X-EXT (a (\"b c\") d) X-SET "
             "1:*,5)\n"
             "S: A002 OK done\n" NOOP("A003"));
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_fetch_result *r = NULL;
    for (size_t i = 0; bad_items[i]; i++) {
        size_t before = strlen(imapclient_script_sent(c));
        h_assert_rc(imapclient_fetch(
                        c, "1", (const char *[]){"FLAGS", bad_items[i], NULL}, NULL, &r),
                    IMAPCLIENT_EINVAL, c);
        h_assert_errmsg_has(c, "invalid data item");
        assert_null(r);
        assert_int_equal(strlen(imapclient_script_sent(c)), before);
    }
    for (size_t i = 0; bad_mods[i]; i++) {
        h_assert_rc(imapclient_fetch(c, "1", (const char *[]){"FLAGS", NULL},
                                     (const char *[]){bad_mods[i], NULL}, &r),
                    IMAPCLIENT_EINVAL, c);
        h_assert_errmsg_has(c, "invalid modifier");
        h_assert_errmsg_has(c, bad_mods[i]);
    }
    h_assert_rc(
        imapclient_fetch(c, "1",
                         (const char *[]){"FLAGS",
                                          "BODY.PEEK[HEADER.FIELDS (SUBJECT "
                                          "\"X-A]\")]<0.512>",
                                          "BINARY[1.2]", "PREVIEW (LAZY)", "X-GM-LABELS",
                                          "RFC822.SIZE", NULL},
                         (const char *[]){"CHANGEDSINCE 12", "VANISHED",
                                          "X-EXT (a (\"b c\") d)", "X-SET 1:*,5", NULL},
                         &r),
        0, c);
    imapclient_fetch_result_free(r);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    sent_exactly(c, 3);
}

/* ---- ID, ENABLE, QUOTA, ACL
 * ------------------------------------------------------------ */

static void test_hostile__id_params(void **state)
{
    imapclient *c =
        conn(H_GREET_AUTH "C: A001 ID (" EVIL_LIT " " EVIL_LIT " \"name\" \"\")\n"
                          "S: * ID NIL\nS: A001 OK done\n");
    imapclient_id_result *r = NULL;
    h_assert_rc(imapclient_id(c, (const char *[]){EVIL, EVIL, "name", "", NULL}, &r), 0,
                c);
    assert_null(r);
    sent_exactly(c, 1);
}

static void test_hostile__enable_names(void **state)
{
    imapclient *c = conn(H_GREET_AUTH NOOP("A001") NOOP("A002"));
    refused(c, imapclient_enable(c, (const char *[]){"CONDSTORE\r\nA099 LOGOUT", NULL},
                                 NULL));
    refused(c, imapclient_enable(c, (const char *[]){"CONDSTORE", "a b", NULL}, NULL));
    sent_exactly(c, 2);
}

static void test_hostile__quota_roots_and_resources(void **state)
{
    imapclient *c = conn(H_GREET_AUTH "C: A001 GETQUOTAROOT " EVIL_UTF7 "\n"
                                      "S: A001 OK done\n"
                                      "C: A002 GETQUOTA " EVIL_LIT "\nS: A002 OK done\n"
                                      "C: A003 SETQUOTA " EVIL_LIT " (STORAGE 5)\n"
                                      "S: A003 OK done\n" NOOP("A004") NOOP("A005"));
    imapclient_quotas *q = NULL;
    h_assert_rc(imapclient_get_quota(c, EVIL, &q), 0, c);
    assert_int_equal(q->count, 0);
    imapclient_quotas_free(q);
    h_assert_rc(imapclient_get_quota_for_root(c, EVIL, &q), 0, c);
    imapclient_quotas_free(q);
    imapclient_quota in = {.quota_root = EVIL, .resource = "STORAGE", .limit = 5};
    h_assert_rc(imapclient_set_quota(c, &in, 1, NULL), 0, c);
    in.quota_root = "root";
    in.resource = "STORAGE\r\nA099 LOGOUT";
    refused(c, imapclient_set_quota(c, &in, 1, NULL));
    imapclient_quota two[2] = {{.quota_root = "root", .resource = "STORAGE"},
                               {.quota_root = "root\r\n", .resource = "MESSAGE"}};
    refused(c, imapclient_set_quota(c, two, 2, NULL));
    sent_exactly(c, 5);
}

static void test_hostile__acl_identifiers_and_rights(void **state)
{
    imapclient *c = conn(H_GREET_AUTH "C: A001 SETACL " EVIL_UTF7 " " EVIL_LIT
                                      " " EVIL_LIT "\nS: A001 OK done\n"
                                      "C: A002 DELETEACL INBOX " EVIL_LIT "\n"
                                      "S: A002 OK done\n"
                                      "C: A003 GETACL " EVIL_LIT "\nS: A003 OK done\n");
    h_assert_rc(imapclient_setacl(c, EVIL, EVIL, EVIL, NULL), 0, c);
    h_assert_rc(imapclient_deleteacl(c, "INBOX", EVIL, NULL), 0, c);
    imapclient_set_folder_encode(c, 0);
    imapclient_acl *a = NULL;
    h_assert_rc(imapclient_getacl(c, EVIL, &a), 0, c);
    assert_int_equal(a->count, 0);
    imapclient_acl_free(a);
    sent_exactly(c, 3);
}

/* ---- SASL: every payload is base64, one line ------------------------------------------
 */

#define GREET_IR "S: * OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi\n"

static void test_hostile__plain_login_fields(void **state)
{
    imapclient *c =
        conn(GREET_IR "C: A001 AUTHENTICATE PLAIN AGJvYg0KQTAwMiBMT0dPVVQAcHc=\n"
                      "S: A001 NO no\n"
                      "C: A002 AUTHENTICATE PLAIN AGJvYgBwdw0KQTAwMiBMT0dPVVQ=\n"
                      "S: A002 NO no\n"
                      "C: A003 AUTHENTICATE PLAIN "
                      "YWRtDQpBMDAyIExPR09VVABib2IAcHc=\n"
                      "S: A003 NO no\n");
    h_assert_rc(imapclient_plain_login(c, "bob\r\nA002 LOGOUT", "pw", NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    h_assert_rc(imapclient_plain_login(c, "bob", "pw\r\nA002 LOGOUT", NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    h_assert_rc(imapclient_plain_login(c, "bob", "pw", "adm\r\nA002 LOGOUT", NULL),
                IMAPCLIENT_ELOGIN, c);
    sent_exactly(c, 3);
}

static void test_hostile__oauth_fields(void **state)
{
    imapclient *c =
        conn(GREET_IR "C: A001 AUTHENTICATE XOAUTH2 "
                      "dXNlcj1ib2INCkEwMDIgTE9HT1VUAWF1dGg9QmVhcmVyIHRvawEB\n"
                      "S: A001 NO no\n"
                      "C: A002 AUTHENTICATE XOAUTH2 "
                      "dXNlcj1ib2IBYXV0aD1CZWFyZXIgdG9rAXZlbmRvcj12DQpBMDAyIExPR09VVAEB\n"
                      "S: A002 NO no\n"
                      "C: A003 AUTHENTICATE OAUTHBEARER "
                      "bixhPWJvYg0KQTAwMiBMT0dPVVQsAWF1dGg9QmVhcmVyIHRvawEB\n"
                      "S: A003 NO no\n" NOOP("A004") NOOP("A005"));
    h_assert_rc(imapclient_oauth2_login(c, "bob\r\nA002 LOGOUT", "tok", NULL, NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    h_assert_rc(imapclient_oauth2_login(c, "bob", "tok", NULL, "v\r\nA002 LOGOUT", NULL),
                IMAPCLIENT_ELOGIN, c);
    h_assert_rc(imapclient_oauthbearer_login(c, "bob\r\nA002 LOGOUT", "tok", NULL),
                IMAPCLIENT_ELOGIN, c);
    refused(c, imapclient_oauth2_login(c, "bob", "tok", "XOAUTH2\r\nA002 LOGOUT", NULL,
                                       NULL));
    refused(c, imapclient_oauth2_login(c, "bob", "tok", "X OAUTH2", NULL, NULL));
    sent_exactly(c, 5);
}

static void test_hostile__scram_and_cram_usernames(void **state)
{
    imapclient *c =
        conn(GREET_IR "C: A001 AUTHENTICATE SCRAM-SHA-256 "
                      "biwsbj1ib2INCkEwMDIgTE9HT1VULHI9YWJj\n"
                      "S: A001 NO no\n"
                      "C: A002 AUTHENTICATE CRAM-MD5\n"
                      "S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n"
                      "C: dGltDQpBMDAyIExPR09VVCBiMDM3YTBhOGZkOGNkMjYxZGU2YTkzODdhMWU4"
                      "MjY0OA==\n"
                      "S: A002 NO no\n" NOOP("A003"));
    h_assert_rc(
        imc_scram_login_with_nonce(c, NULL, "bob\r\nA002 LOGOUT", "pw", "abc", NULL),
        IMAPCLIENT_ELOGIN, c);
    h_assert_rc(imapclient_cram_md5_login(c, "tim\r\nA002 LOGOUT", "pw", NULL),
                IMAPCLIENT_ELOGIN, c);
    refused(c, imapclient_scram_login(c, "SCRAM-SHA-256\r\nA002 LOGOUT", "u", "p", NULL));
    /* "+ <challenge>" and the response are not commands: 2 commands, 1 response */
    assert_int_equal(count_commands(imapclient_script_sent(c)), 4);
    h_done(c);
}

static int evil_reply(void *payload, const unsigned char *ch, size_t len,
                      imapclient_sasl_reply *reply)
{
    return imapclient_sasl_reply_set(reply, "a\0b\r\nA002 LOGOUT", 16);
}

static void test_hostile__sasl_login_mechanism_and_reply(void **state)
{
    imapclient *c =
        conn(GREET_IR "C: A001 AUTHENTICATE X-EVIL\n"
                      "S: + \n"
                      "C: YQBiDQpBMDAyIExPR09VVA==\n"
                      "S: A001 NO no\n" NOOP("A002") NOOP("A003") NOOP("A004"));
    h_assert_rc(imapclient_sasl_login(c, "X-EVIL", evil_reply, NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    refused(c, imapclient_sasl_login(c, "PLAIN\r\nA002 LOGOUT", evil_reply, NULL, NULL));
    refused(c, imapclient_sasl_login(c, "PLAIN X", evil_reply, NULL, NULL));
    refused(c, imapclient_sasl_login(c, "", evil_reply, NULL, NULL));
    assert_int_equal(count_commands(imapclient_script_sent(c)), 5);
    h_done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__create_crlf_utf7),
        cmocka_unit_test(test_hostile__create_crlf_literal_plus),
        cmocka_unit_test(test_hostile__create_crlf_synchronising_literal),
        cmocka_unit_test(test_hostile__create_crlf_literal_refused),
        cmocka_unit_test(test_hostile__delete_subscribe_unsubscribe_lf),
        cmocka_unit_test(test_hostile__rename_both_names),
        cmocka_unit_test(test_hostile__select_and_examine),
        cmocka_unit_test(test_hostile__list_directory_and_pattern),
        cmocka_unit_test(test_hostile__status_folder_and_items),
        cmocka_unit_test(test_hostile__find_special_folder_flag),
        cmocka_unit_test(test_hostile__has_capability_name),
        cmocka_unit_test(test_hostile__login_username_and_password),
        cmocka_unit_test(test_hostile__message_sets),
        cmocka_unit_test(test_hostile__flags),
        cmocka_unit_test(test_hostile__gmail_labels),
        cmocka_unit_test(test_hostile__copy_and_move_folder),
        cmocka_unit_test(test_hostile__append_nul_refused),
        cmocka_unit_test(test_hostile__append_line_ends_in_literal),
        cmocka_unit_test(test_hostile__multiappend_bytes_as_given),
        cmocka_unit_test(test_hostile__search_criteria_items),
        cmocka_unit_test(test_hostile__sort_thread_esearch),
        cmocka_unit_test(test_hostile__fetch_items_and_modifiers),
        cmocka_unit_test(test_hostile__fetch_items_structure),
        cmocka_unit_test(test_hostile__id_params),
        cmocka_unit_test(test_hostile__enable_names),
        cmocka_unit_test(test_hostile__quota_roots_and_resources),
        cmocka_unit_test(test_hostile__acl_identifiers_and_rights),
        cmocka_unit_test(test_hostile__plain_login_fields),
        cmocka_unit_test(test_hostile__oauth_fields),
        cmocka_unit_test(test_hostile__scram_and_cram_usernames),
        cmocka_unit_test(test_hostile__sasl_login_mechanism_and_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
