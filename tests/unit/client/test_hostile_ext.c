/* Hostile servers against the calls of the modern extensions (METADATA,
 * NOTIFY, UNAUTHENTICATE, REPLACE, APPENDLIMIT, BINARY APPEND): every
 * attack of hostile_matrix.h against each (test_hostile__<attack>__<call>),
 * then attacks of their own: servers that announce an extension and then
 * do not know it, huge and malformed values, events for folders nobody
 * asked about. */
#include "hostile_matrix.h"

#define EXT_CAPS                                                                         \
    "IMAP4rev1 LITERAL+ UIDPLUS ENABLE METADATA NOTIFY UNAUTHENTICATE REPLACE "          \
    "APPENDLIMIT BINARY"
#define EXT_GREET "S: * PREAUTH [CAPABILITY " EXT_CAPS "] ready\n"

static const char *const comment[] = {"/private/comment", NULL};

static int r_get_metadata(imapclient *c, int mode)
{
    imapclient_metadata *m = NULL;
    int rc = imapclient_get_metadata(c, "INBOX", comment, 500, 0, &m);
    if (rc) {
        assert_null(m);
        return rc;
    }
    if (mode) {
        assert_int_equal(m->count, 1);
        assert_string_equal(m->entries[0].value, "hi");
        assert_true(m->has_longentries);
        assert_int_equal(m->longentries, 900);
    }
    imapclient_metadata_free(m);
    return 0;
}

static int r_set_metadata(imapclient *c, int mode)
{
    imapclient_metadata_entry e = {"/private/comment", "hi", 2};
    const char *text = NULL;
    int rc = imapclient_set_metadata(c, "INBOX", &e, 1, &text);
    if (rc == 0 && mode)
        assert_string_equal(text, "done");
    return rc;
}

static int r_notify_set(imapclient *c, int mode)
{
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MESSAGE_NEW |
                                           IMAPCLIENT_EVENT_MESSAGE_EXPUNGE};
    return imapclient_notify_set(c, &g, 1, 0);
}

static int r_notify_none(imapclient *c, int mode)
{
    return imapclient_notify_none(c);
}

static int r_unauthenticate(imapclient *c, int mode)
{
    const char *text = NULL;
    int rc = imapclient_unauthenticate(c, &text);
    if (rc == 0 && mode)
        assert_string_equal(text, "done");
    return rc;
}

static int r_replace(imapclient *c, int mode)
{
    imapclient_append_result *r = NULL;
    int rc = imapclient_replace(c, 1, "INBOX", "hi", 2, NULL, NULL, &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode) {
        assert_true(r->has_appenduid);
        assert_int_equal(r->uidvalidity, 7);
        assert_int_equal(r->uids[0], 9);
    }
    imapclient_append_result_free(r);
    return 0;
}

static int r_get_appendlimit(imapclient *c, int mode)
{
    uint64_t limit = 0;
    int rc = imapclient_get_appendlimit(c, "INBOX", &limit);
    if (rc == 0 && mode)
        assert_int_equal(limit, 1000);
    return rc;
}

static int r_append_binary(imapclient *c, int mode)
{
    imapclient_append_result *r = NULL;
    int rc = imapclient_append(c, "INBOX", "a\0b", 3, NULL, NULL, &r);
    if (rc) {
        assert_null(r);
        return rc;
    }
    if (mode)
        assert_int_equal(r->uids[0], 12);
    imapclient_append_result_free(r);
    return 0;
}

// clang-format off
/* A call in the authenticated state (first command A001). */
#define X(name, cmd, reply, ok, no_rc, st, fl) \
    {#name, EXT_GREET, NULL, 0, NULL, cmd, reply, ok, r_##name, no_rc, st, fl}
/* A call with INBOX selected (first command A002). */
#define XS(name, cmd, reply, ok, no_rc, st, fl) \
    {#name, EXT_GREET, H_SELECT, 1, prep_select, cmd, reply, ok, r_##name, no_rc, st, fl}
// clang-format on

static const hcall calls[] = {
    X(get_metadata, "C: @T GETMETADATA (MAXSIZE 500) INBOX /private/comment\n",
      "S: * METADATA INBOX (/private/comment \"hi\")\n",
      "OK [METADATA LONGENTRIES 900] done", E_ERR, -1, 0),
    X(set_metadata, "C: @T SETMETADATA INBOX (/private/comment \"hi\")\n", "", OK, E_ERR,
      -1, 0),
    X(notify_set, "C: @T NOTIFY SET (personal (MessageNew MessageExpunge))\n", "", OK,
      E_ERR, -1, 0),
    X(notify_none, "C: @T NOTIFY NONE\n", "", OK, E_ERR, -1, 0),
    X(unauthenticate, "C: @T UNAUTHENTICATE\n", "", OK, E_ERR,
      IMAPCLIENT_STATE_NOT_AUTHENTICATED, 0),
    XS(replace, "C: @T UID REPLACE 1 \"INBOX\" () {2+}\nC: hi\n",
       "S: * OK [APPENDUID 7 9] ready\nS: * 4 EXISTS\nS: * 1 EXPUNGE\n", OK, E_ERR, -1,
       0),
    X(get_appendlimit, "C: @T STATUS INBOX (APPENDLIMIT)\n",
      "S: * STATUS INBOX (APPENDLIMIT 1000)\n", OK, E_ERR, -1, 0),
    X(append_binary, "C: @T APPEND \"INBOX\" () ~{3+}\nC% a%00b%0D%0A\n", "",
      "OK [APPENDUID 9 12] done", E_ERR, -1, 0),
};

/* ---- attacks of their own -------------------------------------------------------- */

/* A METADATA value announced far over max_literal: refused before it is
 * read (memory stays small), the connection ends (it cannot stay in step
 * without reading the value). */
static void test_hostile__metadata_huge_literal(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_literal = 1000;
    imapclient *c =
        h_connect(EXT_GREET "C: A001 GETMETADATA (MAXSIZE 1000) INBOX /private/comment\n"
                            "S: * METADATA INBOX (/private/comment {5000000000}\n"
                            "S+ xxxxxxxxxxxxxxxxxxxx\n",
                  &o);
    imapclient_metadata *m = NULL;
    h_assert_rc(imapclient_get_metadata(c, "INBOX", comment, 0, 0, &m),
                IMAPCLIENT_ETOOBIG, c);
    assert_null(m);
    h_assert_errmsg_has(c, "exceeds the limit of 1000");
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    imapclient_free(c);
}

/* Many entries in one response, and one entry many times: all kept in
 * order (memory grows with what arrived, nothing else). */
static void test_hostile__metadata_many_entries(void **state)
{
    hbuf s = {0};
    hb_adds(&s, EXT_GREET "C: A001 GETMETADATA INBOX /private\n"
                          "S: * METADATA INBOX (");
    for (int i = 0; i < 5000; i++) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%s/private/e%d \"v%d\"", i ? " " : "", i % 7, i);
        hb_adds(&s, tmp);
    }
    hb_adds(&s, ")\nS: A001 OK done\n");
    imapclient *c = h_connect(s.p, NULL);
    hb_free(&s);
    imapclient_metadata *m = NULL;
    h_assert_rc(
        imapclient_get_metadata(c, "INBOX", (const char *[]){"/private", NULL}, 0, 0, &m),
        0, c);
    assert_int_equal(m->count, 5000);
    assert_string_equal(m->entries[4999].value, "v4999");
    assert_string_equal(imapclient_metadata_get(m, "/private/e3")->value, "v3");
    imapclient_metadata_free(m);
    h_done(c);
}

/* LONGENTRIES that is not a number, a METADATA code without arguments:
 * ignored, the entries still returned. */
static void test_hostile__metadata_odd_codes(void **state)
{
    imapclient *c = h_connect(EXT_GREET "C: A001 GETMETADATA INBOX /private/comment\n"
                                        "S: * METADATA INBOX (/private/comment \"a\")\n"
                                        "S: A001 OK [METADATA LONGENTRIES x] done\n"
                                        "C: A002 GETMETADATA INBOX /private/comment\n"
                                        "S: A002 OK [METADATA] done\n",
                              NULL);
    imapclient_metadata *m = NULL;
    h_assert_rc(imapclient_get_metadata(c, "INBOX", comment, 0, 0, &m), 0, c);
    assert_int_equal(m->count, 1);
    assert_false(m->has_longentries);
    imapclient_metadata_free(m);
    h_assert_rc(imapclient_get_metadata(c, "INBOX", comment, 0, 0, &m), 0, c);
    assert_int_equal(m->count, 0);
    imapclient_metadata_free(m);
    h_done(c);
}

/* An announced extension the server then does not know (BAD) and one it
 * refuses: the server's words, the connection goes on, state unchanged. */
static void test_hostile__announced_then_bad(void **state)
{
    imapclient *c =
        h_connect(EXT_GREET H_SELECT
                  "C: A002 GETMETADATA \"\" /private/comment\n"
                  "S: A002 BAD Unknown command GETMETADATA\n"
                  "C: A003 NOTIFY NONE\n"
                  "S: A003 BAD Unknown command NOTIFY\n"
                  "C: A004 UNAUTHENTICATE\n"
                  "S: A004 BAD Unknown command UNAUTHENTICATE\n"
                  "C: A005 UID REPLACE 3 \"INBOX\" () {2+}\n"
                  "C: hi\n"
                  "S: A005 BAD Unknown command REPLACE\n"
                  "C: A006 APPEND \"INBOX\" () ~{1+}\n"
                  "C% %00%0D%0A\n"
                  "S: A006 BAD [UNKNOWN-CTE] Literal8 not understood\n" NOOP("A007"),
                  NULL);
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_metadata *m = NULL;
    h_assert_rc(imapclient_get_metadata(c, "", comment, 0, 0, &m), IMAPCLIENT_ERROR, c);
    h_assert_errmsg_has(c, "BAD Unknown command GETMETADATA");
    h_assert_rc(imapclient_notify_none(c), IMAPCLIENT_ERROR, c);
    h_assert_rc(imapclient_unauthenticate(c, NULL), IMAPCLIENT_ERROR, c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    h_assert_rc(imapclient_replace(c, 3, "INBOX", "hi", 2, NULL, NULL, NULL),
                IMAPCLIENT_ERROR, c);
    h_assert_rc(imapclient_append(c, "INBOX", "\0", 1, NULL, NULL, NULL),
                IMAPCLIENT_ERROR, c);
    h_assert_errmsg_has(c, "[UNKNOWN-CTE]");
    usable(c);
}

/* APPENDLIMIT values that are not numbers: a capability with one is
 * ignored (as if not announced); a STATUS with one is malformed. */
static void test_hostile__appendlimit_garbage(void **state)
{
    uint64_t limit = 0;
    static const char *const caps[] = {
        "APPENDLIMIT=abc", "APPENDLIMIT=", "APPENDLIMIT=99999999999999999999999",
        "APPENDLIMIT=-1", "APPENDLIMITX"};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        hbuf s = {0};
        hb_adds(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 ");
        hb_adds(&s, caps[i]);
        hb_adds(&s, "] ready\nC: A001 APPEND \"INBOX\" () {2}\nS: + go\nC: hi\n"
                    "S: A001 OK done\n");
        imapclient *c = h_connect(s.p, NULL);
        hb_free(&s);
        h_assert_rc(imapclient_get_appendlimit(c, "INBOX", &limit),
                    IMAPCLIENT_ECAPABILITY, c);
        h_assert_rc(imapclient_append(c, "INBOX", "hi", 2, NULL, NULL, NULL), 0, c);
        h_done(c);
    }
    imapclient *c = h_connect(EXT_GREET "C: A001 STATUS INBOX (APPENDLIMIT)\n"
                                        "S: * STATUS INBOX (APPENDLIMIT "
                                        "99999999999999999999999)\n"
                                        "S: A001 OK done\n"
                                        "C: A002 STATUS INBOX (APPENDLIMIT)\n"
                                        "S: * STATUS INBOX (APPENDLIMIT (1))\n"
                                        "S: A002 OK done\n"
                                        "C: A003 STATUS INBOX (APPENDLIMIT)\n"
                                        "S: * STATUS INBOX APPENDLIMIT 5\n"
                                        "S: A003 OK done\n" NOOP("A004"),
                              NULL);
    for (int i = 0; i < 3; i++)
        h_assert_rc(imapclient_get_appendlimit(c, "INBOX", &limit), IMAPCLIENT_EPROTOCOL,
                    c);
    usable(c);
}

/* REPLACE with an APPENDUID that cannot be read: no UIDs, no crash; the
 * UID set of the new message is not trusted beyond what it says. */
static void test_hostile__replace_bad_appenduid(void **state)
{
    imapclient *c =
        h_connect(EXT_GREET H_SELECT "C: A002 UID REPLACE 1 \"INBOX\" () {2+}\n"
                                     "C: hi\n"
                                     "S: * OK [APPENDUID x 9] ready\n"
                                     "S: A002 OK done\n"
                                     "C: A003 UID REPLACE 1 \"INBOX\" () {2+}\n"
                                     "C: hi\n"
                                     "S: * OK [APPENDUID 7 1:4294967295] ready\n"
                                     "S: A003 OK done\n",
                  NULL);
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_append_result *r = NULL;
    h_assert_rc(imapclient_replace(c, 1, "INBOX", "hi", 2, NULL, NULL, &r), 0, c);
    assert_false(r->has_appenduid);
    imapclient_append_result_free(r);
    h_assert_rc(imapclient_replace(c, 1, "INBOX", "hi", 2, NULL, NULL, &r), 0, c);
    assert_false(r->has_appenduid); /* too many to expand: not given */
    assert_int_equal(r->count, 0);
    imapclient_append_result_free(r);
    h_done(c);
}

/* Events arriving in the middle of NOTIFY SET and of other commands: kept
 * for the caller (never mixed into results), each typed; an overflow
 * among them; a STATUS for a folder no one asked about. */
static void test_hostile__events_mid_command(void **state)
{
    imapclient *c =
        h_connect(EXT_GREET "C: A001 NOTIFY SET STATUS (personal (MessageNew "
                            "MessageExpunge))\n"
                            "S: * STATUS Never-Listed (MESSAGES 9 UIDNEXT 10)\n"
                            "S: * OK [NOTIFICATIONOVERFLOW] gave up\n"
                            "S: A001 OK done\n"
                            "C: A002 GETMETADATA INBOX /private/comment\n"
                            "S: * STATUS Other (MESSAGES 1)\n"
                            "S: * LIST (\\NonExistent) \"/\" Gone\n"
                            "S: * VANISHED 1:4294967295\n"
                            "S: * METADATA INBOX (/private/comment \"v\")\n"
                            "S: A002 OK done\n",
                  NULL);
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MESSAGE_NEW |
                                           IMAPCLIENT_EVENT_MESSAGE_EXPUNGE};
    h_assert_rc(imapclient_notify_set(c, &g, 1, 1), 0, c);
    imapclient_metadata *m = NULL;
    h_assert_rc(imapclient_get_metadata(c, "INBOX", comment, 0, 0, &m), 0, c);
    assert_int_equal(m->count, 1);
    imapclient_metadata_free(m);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_take_responses(c, &r), 0, c);
    assert_int_equal(r->count, 5);
    static const imapclient_notify_kind want[] = {
        IMAPCLIENT_NOTIFY_STATUS, IMAPCLIENT_NOTIFY_OVERFLOW, IMAPCLIENT_NOTIFY_STATUS,
        IMAPCLIENT_NOTIFY_MAILBOX, IMAPCLIENT_NOTIFY_VANISHED};
    for (size_t i = 0; i < r->count; i++) {
        imapclient_notify_event *e = NULL;
        h_assert_rc(imapclient_notify_event_from_response(c, &r->items[i], &e), 0, c);
        assert_non_null(e);
        assert_int_equal(e->kind, want[i]);
        if (i == 0)
            assert_string_equal(e->mailbox, "Never-Listed");
        imapclient_notify_event_free(e);
    }
    imapclient_responses_free(r);
    h_done(c);
}

/* ENABLED with odd members (a list, a number) and a CAPABILITY code that
 * cannot be read after UNAUTHENTICATE: nothing turned on, capabilities
 * asked again. */
static void test_hostile__enable_and_unauth_odd(void **state)
{
    imapclient *c = h_connect(EXT_GREET "C: A001 ENABLE UTF8=ACCEPT\n"
                                        "S: * ENABLED (UTF8=ACCEPT) 42\n"
                                        "S: A001 OK done\n"
                                        "C: A002 UNAUTHENTICATE\n"
                                        "S: A002 OK [CAPABILITY (((] done\n"
                                        "C: A003 CAPABILITY\n"
                                        "S: * CAPABILITY IMAP4rev1\n"
                                        "S: A003 OK done\n",
                              NULL);
    h_assert_rc(imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", NULL}, NULL), 0, c);
    assert_false(imapclient_is_utf8(c));
    h_assert_rc(imapclient_unauthenticate(c, NULL), 0, c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    assert_int_equal(imapclient_has_capability(c, "METADATA"), 0);
    h_done(c);
}

static int run_own(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__metadata_huge_literal),
        cmocka_unit_test(test_hostile__metadata_many_entries),
        cmocka_unit_test(test_hostile__metadata_odd_codes),
        cmocka_unit_test(test_hostile__announced_then_bad),
        cmocka_unit_test(test_hostile__appendlimit_garbage),
        cmocka_unit_test(test_hostile__replace_bad_appenduid),
        cmocka_unit_test(test_hostile__events_mid_command),
        cmocka_unit_test(test_hostile__enable_and_unauth_odd),
    };
    return cmocka_run_group_tests_name("hostile_ext_own", tests, NULL, NULL);
}

int main(void)
{
    int rc = hostile_run_matrix("hostile_ext", calls, sizeof calls / sizeof calls[0]);
    return rc | run_own();
}
