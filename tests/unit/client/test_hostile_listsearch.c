/* Hostile servers against the calls of issue 11's second part (LIST-EXTENDED,
 * LIST-STATUS, CREATE-SPECIAL-USE, ESORT, PARTIAL, MULTISEARCH, SEARCHRES,
 * BINARY / OBJECTID / PREVIEW / SAVEDATE in FETCH, WITHIN): every attack of
 * hostile_matrix.h against each (test_hostile__<attack>__<call>), then
 * attacks of their own: servers that announce an extension and answer BAD,
 * enormous sets that must not expand into memory, values of the wrong
 * shape, STATUS replies for folders never listed, events among answers. */
#include "hostile_matrix.h"

#define LS_CAPS                                                                          \
    "IMAP4rev1 LITERAL+ UIDPLUS LIST-EXTENDED LIST-STATUS SPECIAL-USE "                  \
    "CREATE-SPECIAL-USE OBJECTID SORT ESORT ESEARCH SEARCHRES PARTIAL MULTISEARCH "      \
    "BINARY PREVIEW SAVEDATE WITHIN STATUS=SIZE NOTIFY"
#define LS_GREET "S: * PREAUTH [CAPABILITY " LS_CAPS "] ready\n"

static int r_list_extended(imapclient *c, int mode)
{
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED,
                                 .returns = IMAPCLIENT_LIST_RETURN_CHILDREN,
                                 .status_items = (const char *[]){"MESSAGES", NULL}};
    imapclient_folder_list *l = NULL;
    int rc = imapclient_list_extended(c, NULL, NULL, &o, &l);
    if (rc) {
        assert_null(l);
        return rc;
    }
    if (mode) {
        assert_int_equal(l->count, 1);
        assert_string_equal(l->folders[0].name, "Work");
        assert_string_equal(l->folders[0].childinfo[0], "SUBSCRIBED");
        assert_int_equal(l->folders[0].status->messages, 4);
    }
    imapclient_folder_list_free(l);
    return 0;
}

static int r_list_status(imapclient *c, int mode)
{
    imapclient_folder_list *l = NULL;
    int rc = imapclient_list_status(c, NULL, "%", (const char *[]){"SIZE", NULL}, &l);
    if (rc) {
        assert_null(l);
        return rc;
    }
    if (mode) {
        assert_int_equal(l->count, 1);
        assert_int_equal(l->folders[0].status->size, 500);
    }
    imapclient_folder_list_free(l);
    return 0;
}

static int r_create_folder_ex(imapclient *c, int mode)
{
    imapclient_create_result *r = NULL;
    int rc = imapclient_create_folder_ex(c, "Out",
                                         (const char *[]){IMAPCLIENT_SENT, NULL}, &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode)
        assert_string_equal(r->mailboxid, "F123");
    imapclient_create_result_free(r);
    return 0;
}

static int r_esort(imapclient *c, int mode)
{
    imapclient_esearch_result *e = NULL;
    int rc = imapclient_esort(c, (const char *[]){"DATE", NULL}, NULL, NULL,
                              (const char *[]){"ALL", NULL}, &e);
    if (rc) {
        assert_null(e);
        return rc;
    }
    if (mode) {
        assert_int_equal(e->id_count, 3);
        assert_int_equal(e->ids[0], 9);
        assert_int_equal(e->ids[2], 7);
    }
    imapclient_esearch_result_free(e);
    return 0;
}

static int r_search_partial(imapclient *c, int mode)
{
    imapclient_esearch_result *e = NULL;
    int rc = imapclient_search_partial(c, NULL, NULL, -1, -2, &e);
    if (rc) {
        assert_null(e);
        return rc;
    }
    if (mode) {
        assert_int_equal(e->count, 10);
        assert_int_equal(e->partial_count, 2);
        assert_int_equal(e->partial_ids[0], 20);
    }
    imapclient_esearch_result_free(e);
    return 0;
}

static int r_multisearch(imapclient *c, int mode)
{
    imapclient_search_source s = {IMAPCLIENT_IN_PERSONAL, NULL};
    imapclient_multisearch_result *m = NULL;
    int rc = imapclient_multisearch(c, &s, 1, (const char *[]){"UNSEEN", NULL}, NULL,
                                    NULL, &m);
    if (rc) {
        assert_null(m);
        return rc;
    }
    if (mode) {
        assert_int_equal(m->count, 1);
        assert_string_equal(m->mailboxes[0].mailbox, "Work");
        assert_int_equal(m->mailboxes[0].result.id_count, 2);
    }
    imapclient_multisearch_result_free(m);
    return 0;
}

static int r_esearch_save(imapclient *c, int mode)
{
    imapclient_esearch_result *e = NULL;
    int rc = imapclient_esearch(c, (const char *[]){"YOUNGER", "60", NULL}, NULL,
                                (const char *[]){"MIN", "SAVE", NULL}, &e);
    if (rc) {
        assert_null(e);
        return rc;
    }
    if (mode)
        assert_int_equal(e->min, 5);
    imapclient_esearch_result_free(e);
    return 0;
}

static int r_fetch_ext(imapclient *c, int mode)
{
    imapclient_fetch_result *r = NULL;
    int rc = imapclient_fetch(
        c, "2",
        (const char *[]){"EMAILID", "PREVIEW", "SAVEDATE", "BINARY.SIZE[1]", NULL}, NULL,
        &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_int_equal(r->count, 1);
        assert_string_equal(r->msgs[0].emailid, "M1");
        assert_string_equal(r->msgs[0].preview, "hi");
        assert_true(r->msgs[0].has_savedate);
        uint64_t n = 0;
        assert_int_equal(imapclient_message_binary_size(&r->msgs[0], "1", &n), 1);
        assert_int_equal(n, 3);
    }
    imapclient_fetch_result_free(r);
    return 0;
}

// clang-format off
#define X(name, cmd, reply, ok, no_rc, st, fl) \
    {#name, LS_GREET, NULL, 0, NULL, cmd, reply, ok, r_##name, no_rc, st, fl}
#define XS(name, cmd, reply, ok, no_rc, st, fl) \
    {#name, LS_GREET, H_SELECT, 1, prep_select, cmd, reply, ok, r_##name, no_rc, st, fl}
// clang-format on

static const hcall calls[] = {
    X(list_extended,
      "C: @T LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN STATUS (MESSAGES))\n",
      "S: * LIST (\\Subscribed) \"/\" Work (CHILDINFO (SUBSCRIBED))\n"
      "S: * STATUS Work (MESSAGES 4)\n",
      OK, E_ERR, -1, 0),
    X(list_status, "C: @T LIST \"\" \"%\" RETURN (STATUS (SIZE))\n",
      "S: * LIST () \"/\" INBOX\nS: * STATUS INBOX (SIZE 500)\n", OK, E_ERR, -1, 0),
    X(create_folder_ex, "C: @T CREATE Out (USE (\\Sent))\n", "",
      "OK [MAILBOXID (F123)] done", E_ERR, -1, 0),
    XS(esort, "C: @T UID SORT RETURN (ALL) (DATE) UTF-8 ALL\n",
       "S: * ESEARCH (TAG \"@T\") UID ALL 9:7\n", OK, E_CRIT, -1, 0),
    XS(search_partial, "C: @T UID SEARCH RETURN (COUNT PARTIAL -1:-2) ALL\n",
       "S: * ESEARCH (TAG \"@T\") UID COUNT 10 PARTIAL (-1:-2 20:19)\n", OK, E_CRIT, -1,
       0),
    X(multisearch, "C: @T ESEARCH IN (personal) UNSEEN\n",
      "S: * ESEARCH (TAG \"@T\" MAILBOX Work UIDVALIDITY 3) UID ALL 4,6\n", OK, E_CRIT,
      -1, 0),
    XS(esearch_save, "C: @T UID SEARCH RETURN (MIN SAVE) YOUNGER 60\n",
       "S: * ESEARCH (TAG \"@T\") UID MIN 5\n", OK, E_CRIT, -1, 0),
    XS(fetch_ext, "C: @T UID FETCH 2 (EMAILID PREVIEW SAVEDATE BINARY.SIZE[1])\n",
       "S: * 1 FETCH (UID 2 EMAILID (M1) PREVIEW \"hi\" SAVEDATE \"01-Jan-2024 00:00:00 "
       "+0000\" BINARY.SIZE[1] 3)\n",
       OK, E_ERR, -1, 0),
};

/* ---- attacks of their own -------------------------------------------------------- */

/* Announced, then not known (BAD) or refused: the server's words, the
 * connection goes on. */
static void test_hostile__announced_then_bad(void **state)
{
    imapclient *c =
        h_connect(LS_GREET H_SELECT
                  "C: A002 LIST (SUBSCRIBED) \"\" \"*\"\n"
                  "S: A002 BAD Error in IMAP command LIST: Unknown selection option\n"
                  "C: A003 LIST \"\" \"*\" RETURN (STATUS (MESSAGES))\n"
                  "S: A003 BAD Unknown return option\n"
                  "C: A004 CREATE Out (USE (\\Sent))\n"
                  "S: A004 BAD Unknown CREATE parameter\n"
                  "C: A005 UID SORT RETURN (ALL) (DATE) UTF-8 ALL\n"
                  "S: A005 BAD Unknown SORT option\n"
                  "C: A006 ESEARCH IN (personal) ALL\n"
                  "S: A006 BAD Unknown command ESEARCH\n"
                  "C: A007 UID FETCH 1 (BINARY.PEEK[1])\n"
                  "S: A007 NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding\n"
                  "C: A008 UID FETCH 1 (PREVIEW)\n"
                  "S: A008 BAD Unknown FETCH item PREVIEW\n"
                  "C: A009 UID SEARCH YOUNGER 5\n"
                  "S: A009 BAD Unknown search key YOUNGER\n"
                  "C: A010 UID SEARCH RETURN (COUNT PARTIAL 1:10) ALL\n"
                  "S: A010 BAD Unknown return option PARTIAL\n"
                  "C: A011 UID FETCH $ (FLAGS)\n"
                  "S: A011 BAD [NOTSAVED] no saved result\n" NOOP("A012"),
                  NULL);
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED};
    h_assert_rc(imapclient_list_extended(c, NULL, NULL, &o, NULL), IMAPCLIENT_ERROR, c);
    h_assert_errmsg_has(c, "Unknown selection option");
    imapclient_folder_list *l = NULL;
    h_assert_rc(
        imapclient_list_status(c, NULL, NULL, (const char *[]){"MESSAGES", NULL}, &l),
        IMAPCLIENT_ERROR, c);
    assert_null(l);
    h_assert_rc(imapclient_create_folder_ex(
                    c, "Out", (const char *[]){IMAPCLIENT_SENT, NULL}, NULL),
                IMAPCLIENT_ERROR, c);
    imapclient_esearch_result *e = NULL;
    h_assert_rc(imapclient_esort(c, (const char *[]){"DATE", NULL}, NULL, NULL,
                                 (const char *[]){"ALL", NULL}, &e),
                IMAPCLIENT_EINVALID_CRITERIA, c);
    imapclient_search_source s = {IMAPCLIENT_IN_PERSONAL, NULL};
    imapclient_multisearch_result *m = NULL;
    h_assert_rc(imapclient_multisearch(c, &s, 1, NULL, NULL, NULL, &m),
                IMAPCLIENT_EINVALID_CRITERIA, c);
    imapclient_fetch_result *r = NULL;
    h_assert_rc(
        imapclient_fetch(c, "1", (const char *[]){"BINARY.PEEK[1]", NULL}, NULL, &r),
        IMAPCLIENT_ERROR, c);
    h_assert_errmsg_has(c, "UNKNOWN-CTE");
    h_assert_rc(imapclient_fetch(c, "1", (const char *[]){"PREVIEW", NULL}, NULL, &r),
                IMAPCLIENT_ERROR, c);
    imapclient_ids *ids = NULL;
    h_assert_rc(imapclient_search(c, (const char *[]){"YOUNGER", "5", NULL}, NULL, &ids),
                IMAPCLIENT_EINVALID_CRITERIA, c);
    h_assert_rc(imapclient_search_partial(c, NULL, NULL, 1, 10, &e),
                IMAPCLIENT_EINVALID_CRITERIA, c);
    h_assert_rc(imapclient_fetch(c, "$", (const char *[]){"FLAGS", NULL}, NULL, &r),
                IMAPCLIENT_ERROR, c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    usable(c);
}

/* Sets that name every possible id: never expanded (bounded memory), a
 * clear error; the connection goes on. */
static void test_hostile__enormous_sets(void **state)
{
    imapclient *c = h_connect(
        LS_GREET H_SELECT
        "C: A002 UID SEARCH ALL\n"
        "S: * ESEARCH (TAG \"A002\") UID ALL 1:4294967295\n"
        "S: A002 OK done\n"
        "C: A003 UID SEARCH RETURN (COUNT PARTIAL 1:10) ALL\n"
        "S: * ESEARCH (TAG \"A003\") UID PARTIAL (1:10 1:4294967295)\n"
        "S: A003 OK done\n"
        "C: A004 UID SORT RETURN (ALL) (DATE) UTF-8 ALL\n"
        "S: * ESEARCH (TAG \"A004\") UID ALL 4294967295:1\n"
        "S: A004 OK done\n"
        "C: A005 ESEARCH IN (personal) ALL\n"
        "S: * ESEARCH (TAG \"A005\" MAILBOX a UIDVALIDITY 1) UID ALL 1:10000000\n"
        "S: * ESEARCH (TAG \"A005\" MAILBOX b UIDVALIDITY 1) UID ALL 1:10000000\n"
        "S: A005 OK done\n" NOOP("A006"),
        NULL);
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_ids *ids = NULL;
    h_assert_rc(imapclient_search(c, NULL, NULL, &ids), IMAPCLIENT_ETOOBIG, c);
    assert_null(ids);
    imapclient_esearch_result *e = NULL;
    h_assert_rc(imapclient_search_partial(c, NULL, NULL, 1, 10, &e), IMAPCLIENT_ETOOBIG,
                c);
    h_assert_rc(imapclient_esort(c, (const char *[]){"DATE", NULL}, NULL, NULL,
                                 (const char *[]){"ALL", NULL}, &e),
                IMAPCLIENT_ETOOBIG, c);
    /* each mailbox under the cap, together over it */
    imapclient_search_source s = {IMAPCLIENT_IN_PERSONAL, NULL};
    imapclient_multisearch_result *m = NULL;
    h_assert_rc(imapclient_multisearch(c, &s, 1, NULL, NULL, NULL, &m),
                IMAPCLIENT_ETOOBIG, c);
    assert_null(m);
    usable(c);
}

/* ESEARCH data of the wrong shape: a clear EPROTOCOL, nothing half-built
 * returned, the connection goes on. */
static void test_hostile__malformed_esearch(void **state)
{
    static const char *const bad[] = {
        "UID ALL 1:*",
        "UID ALL 0",
        "UID ALL 3,,4",
        "UID ALL 3:",
        "UID ALL (1 2)",
        "UID ALL 4294967296",
        "UID PARTIAL 1:10",
        "UID PARTIAL (1:10)",
        "UID PARTIAL (0:10 1)",
        "UID PARTIAL (1:-10 1)",
        "UID PARTIAL (x 1)",
        "UID PARTIAL (1:10 (1))",
        "UID PARTIAL (1:10 1:*)",
        "UID MIN x",
        "UID COUNT 4294967296",
        "UID MIN 0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hbuf s = {0};
        hb_adds(&s,
                LS_GREET H_SELECT "C: A002 UID SEARCH RETURN (COUNT PARTIAL 1:10) ALL\n"
                                  "S: * ESEARCH (TAG \"A002\") ");
        hb_adds(&s, bad[i]);
        hb_adds(&s, "\nS: A002 OK done\n" NOOP("A003"));
        imapclient *c = h_connect(s.p, NULL);
        hb_free(&s);
        h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
        imapclient_esearch_result *e = NULL;
        int rc = imapclient_search_partial(c, NULL, NULL, 1, 10, &e);
        if (rc != IMAPCLIENT_EPROTOCOL)
            fail_msg("\"%s\": %d (%s)", bad[i], rc, imapclient_errmsg(c));
        assert_null(e);
        usable(c);
    }
    /* MULTISEARCH answers without the mailbox, or with a bad UIDVALIDITY */
    static const char *const corr[] = {
        "(TAG \"A001\") UID ALL 1", "(TAG \"A001\" MAILBOX a) UID ALL 1",
        "(TAG \"A001\" MAILBOX a UIDVALIDITY 0) UID ALL 1",
        "(TAG \"A001\" MAILBOX (a) UIDVALIDITY 2) UID ALL 1",
        "(TAG \"A001\" MAILBOX a UIDVALIDITY 9999999999) UID"};
    for (size_t i = 0; i < sizeof corr / sizeof corr[0]; i++) {
        hbuf s = {0};
        hb_adds(&s, LS_GREET "C: A001 ESEARCH IN (personal) ALL\nS: * ESEARCH ");
        hb_adds(&s, corr[i]);
        hb_adds(&s, "\nS: A001 OK done\n" NOOP("A002"));
        imapclient *c = h_connect(s.p, NULL);
        hb_free(&s);
        imapclient_search_source src = {IMAPCLIENT_IN_PERSONAL, NULL};
        imapclient_multisearch_result *m = NULL;
        int rc = imapclient_multisearch(c, &src, 1, NULL, NULL, NULL, &m);
        if (rc != IMAPCLIENT_EPROTOCOL)
            fail_msg("\"%s\": %d (%s)", corr[i], rc, imapclient_errmsg(c));
        usable(c);
    }
}

/* LIST-EXTENDED data and LIST-STATUS replies of the wrong shape, STATUS
 * for folders never listed (many), duplicate names: typed fields left
 * empty where the data cannot be read, the rest kept; nothing crashes;
 * the unasked STATUS replies stay for the caller. */
static void test_hostile__list_extended_odd_data(void **state)
{
    hbuf s = {0};
    hb_adds(&s, LS_GREET "C: A001 LIST \"\" \"*\" RETURN (STATUS (MESSAGES MAILBOXID))\n"
                         "S: * LIST () \"/\" A (CHILDINFO SUBSCRIBED)\n"
                         "S: * LIST () \"/\" B (\"CHILDINFO\" (\"SUBSCRIBED\") OLDNAME)\n"
                         "S: * LIST () \"/\" C (OLDNAME (x y) CHILDINFO ((1)))\n"
                         "S: * LIST () \"/\" D extra tokens (here)\n"
                         "S: * LIST () \"/\" B\n"
                         "S: * STATUS B (MESSAGES 1)\n"
                         "S: * STATUS C MESSAGES 2\n"
                         "S: * STATUS D (MESSAGES x MAILBOXID (\x01\x02))\n"
                         "S: * STATUS A (MAILBOXID (");
    for (int i = 0; i < 300; i++)
        hb_adds(&s, "a");
    hb_adds(&s, "))\n");
    for (int i = 0; i < 2000; i++) {
        char line[64];
        snprintf(line, sizeof line, "S: * STATUS Never%d (MESSAGES %d)\n", i, i);
        hb_adds(&s, line);
    }
    hb_adds(&s, "S: A001 OK done\n");
    imapclient *c = h_connect(s.p, NULL);
    hb_free(&s);
    imapclient_folder_list *l = NULL;
    h_assert_rc(imapclient_list_status(
                    c, NULL, NULL, (const char *[]){"MESSAGES", "MAILBOXID", NULL}, &l),
                0, c);
    assert_int_equal(l->count, 5);
    assert_int_equal(l->folders[0].childinfo_count, 0);  /* not a list */
    assert_int_equal(l->folders[1].childinfo_count, 1);  /* read; OLDNAME without value */
    assert_null(l->folders[2].old_name);                 /* two names: not one */
    assert_int_equal(l->folders[2].childinfo_count, 0);  /* a list in it: skipped */
    assert_int_equal(l->folders[3].extended->count, 3);  /* kept as sent */
    assert_int_equal(l->folders[1].status->messages, 1); /* the first B */
    assert_null(l->folders[2].status);                   /* malformed: not taken */
    assert_false(l->folders[3].status->has_messages);    /* not a number */
    assert_null(l->folders[3].status->mailboxid);        /* control bytes */
    assert_null(l->folders[0].status->mailboxid);        /* longer than 255 */
    imapclient_folder_list_free(l);
    /* the STATUS replies for folders not listed, and the malformed one,
     * are kept for the caller */
    assert_int_equal(kept(c, "STATUS"), 2001);
    h_done(c);
}

/* FETCH items of extensions with values of the wrong shape: typed fields
 * empty, the values kept in items, the fetch succeeds. */
static void test_hostile__fetch_items_of_wrong_shape(void **state)
{
    imapclient *c = h_connect(
        LS_GREET H_SELECT "C: A002 UID FETCH 2 (EMAILID THREADID SAVEDATE PREVIEW "
                          "BINARY.SIZE[1])\n"
                          "S: * 1 FETCH (UID 2 EMAILID (a b) THREADID \"T1\" SAVEDATE "
                          "\"not a date\" PREVIEW (x) BINARY.SIZE[1] -3)\n"
                          "S: A002 OK done\n"
                          "C: A003 UID FETCH 2 (EMAILID THREADID SAVEDATE PREVIEW "
                          "BINARY.SIZE[1])\n"
                          "S: * 1 FETCH (UID 2 EMAILID M1 THREADID (NIL) SAVEDATE 5 "
                          "PREVIEW NIL BINARY.SIZE[1] 99999999999999999999999)\n"
                          "S: A003 OK done\n" NOOP("A004"),
        NULL);
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    const char *const items[] = {"EMAILID", "THREADID",       "SAVEDATE",
                                 "PREVIEW", "BINARY.SIZE[1]", NULL};
    imapclient_fetch_result *r = NULL;
    h_assert_rc(imapclient_fetch(c, "2", items, NULL, &r), 0, c);
    const imapclient_message *m = &r->msgs[0];
    assert_null(m->emailid);
    assert_null(m->threadid);
    assert_false(m->has_savedate);
    assert_null(m->preview);
    uint64_t n;
    assert_int_equal(imapclient_message_binary_size(m, "1", &n), 0);
    assert_non_null(imapclient_message_item(m, "EMAILID"));
    imapclient_fetch_result_free(r);
    /* an id without its parentheses, a NIL in them, a number for a date,
     * a size past 64 bits (an atom then) */
    h_assert_rc(imapclient_fetch(c, "2", items, NULL, &r), 0, c);
    m = &r->msgs[0];
    assert_null(m->emailid);
    assert_null(m->threadid);
    assert_false(m->has_savedate);
    assert_null(m->preview);
    assert_int_equal(imapclient_message_binary_size(m, "1", &n), 0);
    imapclient_fetch_result_free(r);
    usable(c);
}

/* While NOTIFY is on: LIST events that match no pattern and STATUS
 * events among LIST-STATUS answers stay for the caller; a malformed LIST
 * event does not fail the command. */
static void test_hostile__events_among_answers(void **state)
{
    imapclient *c =
        h_connect(LS_GREET "C: A001 NOTIFY SET (personal (MailboxName))\n"
                           "S: A001 OK done\n"
                           "C: A002 LIST \"\" Work RETURN (STATUS (MESSAGES))\n"
                           "S: * LIST () \"/\" Other\n"
                           "S: * LIST (\\NonExistent) \"/\" Work (OLDNAME (Old))\n"
                           "S: * LIST garbage\n"
                           "S: * STATUS Other (MESSAGES 1)\n"
                           "S: * LIST () \"/\" Work\n"
                           "S: * STATUS Work (MESSAGES 3)\n"
                           "S: A002 OK done\n",
                  NULL);
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MAILBOX_NAME};
    h_assert_rc(imapclient_notify_set(c, &g, 1, 0), 0, c);
    imapclient_folder_list *l = NULL;
    h_assert_rc(
        imapclient_list_status(c, NULL, "Work", (const char *[]){"MESSAGES", NULL}, &l),
        0, c);
    assert_int_equal(l->count, 1);
    assert_int_equal(l->folders[0].status->messages, 3);
    imapclient_folder_list_free(l);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_take_responses(c, &r), 0, c);
    assert_int_equal(r->count, 4);
    imapclient_responses_free(r);
    h_done(c);
}

/* [CLOSED] and MAILBOXID of the wrong shape in SELECT; CREATE with a
 * MAILBOXID that is not an object id. */
static void test_hostile__select_and_create_odd(void **state)
{
    imapclient *c = h_connect(LS_GREET "C: A001 SELECT INBOX\n"
                                       "S: * OK [CLOSED] x\n"
                                       "S: * OK [CLOSED] again\n"
                                       "S: * OK [MAILBOXID] none\n"
                                       "S: * OK [MAILBOXID (a b)] two\n"
                                       "S: A001 OK [READ-WRITE] done\n"
                                       "C: A002 CREATE X\n"
                                       "S: A002 OK [MAILBOXID ((x))] done\n"
                                       "C: A003 CREATE Y\n"
                                       "S: A003 OK [MAILBOXID x] done\n" NOOP("A004"),
                              NULL);
    imapclient_select_info *i = NULL;
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, &i), 0, c);
    assert_null(i->mailboxid);
    assert_non_null(imapclient_select_info_get(i, "CLOSED"));
    imapclient_select_info_free(i);
    imapclient_create_result *cr = NULL;
    h_assert_rc(imapclient_create_folder_ex(c, "X", NULL, &cr), 0, c);
    assert_null(cr->mailboxid);
    imapclient_create_result_free(cr);
    h_assert_rc(imapclient_create_folder_ex(c, "Y", NULL, &cr), 0, c);
    assert_null(cr->mailboxid);
    imapclient_create_result_free(cr);
    usable(c);
}

static int run_own(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__announced_then_bad),
        cmocka_unit_test(test_hostile__enormous_sets),
        cmocka_unit_test(test_hostile__malformed_esearch),
        cmocka_unit_test(test_hostile__list_extended_odd_data),
        cmocka_unit_test(test_hostile__fetch_items_of_wrong_shape),
        cmocka_unit_test(test_hostile__events_among_answers),
        cmocka_unit_test(test_hostile__select_and_create_odd),
    };
    return cmocka_run_group_tests_name("hostile_listsearch_own", tests, NULL, NULL);
}

int main(void)
{
    int rc =
        hostile_run_matrix("hostile_listsearch", calls, sizeof calls / sizeof calls[0]);
    return rc | run_own();
}
