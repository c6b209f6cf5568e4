/* Server quirks as data (imapclient/quirks.h): each profile detected from
 * dialogues captured from its server (tests/data/quirks/, one file a server, each file
 * says where it comes from), the strength of the evidence (ID, then the
 * greeting, then the capabilities), the switches at work (no CHARSET in
 * SEARCH for Yahoo, ID before SELECT for NetEase, special-use flags in a
 * plain LIST for Exchange, a server's IDLE limit), and overriding them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <imapclient.h>

/* tests/data/quirks/<name>.imap followed by rest (a script). */
static char *script_of(const char *name, const char *rest)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/quirks/%s.imap", TEST_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t extra = strlen(rest), cap = 65536;
    char *s = malloc(cap + extra + 1);
    size_t n = fread(s, 1, cap, f);
    fclose(f);
    memcpy(s + n, rest, extra + 1);
    return s;
}

static imapclient *play_opts(const char *name, const char *rest,
                             const imapclient_options *opts)
{
    char *script = script_of(name, rest);
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, opts, &c);
    free(script);
    if (rc)
        fail_msg("connect %s: %d %s", name, rc, imapclient_errmsg(c));
    return c;
}

static imapclient *play(const char *name, const char *rest)
{
    return play_opts(name, rest, NULL);
}

static void done(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent:\n%s", imapclient_script_sent(c));
    imapclient_free(c);
}

static void profile_is(const imapclient *c, const char *want)
{
    const imapclient_quirks *q = imapclient_get_quirks(c);
    assert_non_null(q);
    if (strcmp(q->name, want) != 0)
        fail_msg("profile %s, expected %s", q->name, want);
}

/* ---- detection on captured dialogues -------------------------------------------- */

/* What the profile is after the greeting, after the capabilities were
 * read (NULL: the dialogue has none to ask for) and after ID NIL (NULL:
 * not captured). */
static const struct detect_case {
    const char *file, *greeting, *caps, *id;
} detect_cases[] = {
    {"gmail", "gmail", "gmail", "gmail"},
    {"exchange", "exchange", "exchange", NULL},
    {"yahoo", "default", "yahoo", NULL},
    {"icloud", "icloud", "icloud", NULL},
    {"domino", "domino", "domino", NULL},
    {"courier", "courier", "courier", NULL},
    {"cyrus", "cyrus", "cyrus", "cyrus"},
    {"dovecot", "dovecot", "dovecot", "dovecot"},
    {"dovecot_banner", "default", "default", "dovecot"},
    {"mailru", "default", "default", NULL},
    {"netease", "netease", NULL, NULL},
};

static void detect(const struct detect_case *k)
{
    imapclient *c = play(k->file, "");
    profile_is(c, k->greeting);
    if (k->caps) {
        const char *const *caps;
        assert_int_equal(imapclient_capabilities(c, &caps, NULL), 0);
        profile_is(c, k->caps);
    }
    if (k->id) {
        imapclient_id_result *r = NULL;
        assert_int_equal(imapclient_id(c, NULL, &r), 0);
        imapclient_id_result_free(r);
        profile_is(c, k->id);
    }
    done(c);
}

static void test_quirks__detected_on_captured_dialogues(void **state)
{
    for (size_t i = 0; i < sizeof detect_cases / sizeof detect_cases[0]; i++) {
        print_message("%s\n", detect_cases[i].file);
        detect(&detect_cases[i]);
    }
}

static void test_quirks__mailru_named_by_id(void **state)
{
    /* Mail.Ru's greeting and capabilities name nothing (above); its ID
     * response does (not captured: the name is what the rule looks for) */
    imapclient *c = play("mailru", "C: A002 ID NIL\n"
                                   "S: * ID (\"name\" \"Mail.Ru IMAP\")\n"
                                   "S: A002 OK done\n");
    const char *const *caps;
    assert_int_equal(imapclient_capabilities(c, &caps, NULL), 0);
    profile_is(c, "default");
    imapclient_id_result *r = NULL;
    assert_int_equal(imapclient_id(c, NULL, &r), 0);
    imapclient_id_result_free(r);
    profile_is(c, "mailru");
    done(c);
}

static void test_quirks__weaker_evidence_does_not_replace(void **state)
{
    /* a Dovecot named by its ID, then a capability list that looks like
     * Gmail's: the ID is the stronger evidence */
    imapclient *c = play("dovecot", "C: A002 NOOP\n"
                                    "S: * CAPABILITY IMAP4rev1 X-GM-EXT-1\n"
                                    "S: A002 OK done\n");
    imapclient_id_result *r = NULL;
    assert_int_equal(imapclient_id(c, NULL, &r), 0);
    imapclient_id_result_free(r);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_int_equal(imapclient_has_capability(c, "X-GM-EXT-1"), 1);
    profile_is(c, "dovecot");
    done(c);
}

static void log_line(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    char *seen = payload;
    if (dir == IMAPCLIENT_LOG_INFO && strstr(line, "server quirks"))
        snprintf(seen, 128, "%.*s", (int)len, line);
}

static void test_quirks__detection_logged(void **state)
{
    char seen[128] = "";
    imapclient_options o;
    imapclient_options_init(&o);
    o.log = log_line;
    o.log_payload = seen;
    imapclient *c = play_opts("domino", "", &o);
    assert_string_equal(seen, "server quirks: profile domino (from the greeting)");
    imapclient_free(c);
}

/* ---- the switches at work -------------------------------------------------------- */

#define CAFE "caf\xc3\xa9"

static void test_quirks__yahoo_search_without_charset(void **state)
{
    /* after the captured part: LOGIN, SELECT and a search of 8-bit text,
     * which goes without CHARSET (Yahoo answers BAD to one) */
    imapclient *c = play("yahoo", "C: A002 LOGIN me secret\n"
                                  "S: A002 OK [CAPABILITY IMAP4rev1 LITERAL+ MOVE] done\n"
                                  "C: A003 SELECT INBOX\n"
                                  "S: A003 OK [READ-WRITE] done\n"
                                  "C: A004 UID SEARCH TEXT {5+}\n"
                                  "C: " CAFE "\n"
                                  "S: * SEARCH 3\n"
                                  "S: A004 OK done\n");
    const char *const *caps;
    assert_int_equal(imapclient_capabilities(c, &caps, NULL), 0);
    profile_is(c, "yahoo");
    assert_true(imapclient_get_quirks(c)->search_no_charset);
    assert_int_equal(imapclient_login(c, "me", "secret", NULL), 0);
    profile_is(c, "yahoo"); /* the new list names no server: the profile stays */
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, &ids), 0);
    assert_int_equal(ids->count, 1);
    imapclient_ids_free(ids);
    done(c);
}

/* After the captured NetEase greeting: LOGIN, then what SELECT needs. */
#define NETEASE_LOGIN                                                                    \
    "C: A001 LOGIN me secret\n"                                                          \
    "S: A001 OK LOGIN completed\n"                                                       \
    "C: A002 CAPABILITY\n"                                                               \
    "S: * CAPABILITY IMAP4rev1 ID IDLE UIDPLUS LITERAL+\n"                               \
    "S: A002 OK CAPABILITY completed\n"

static void test_quirks__netease_id_before_select(void **state)
{
    /* "NO SELECT Unsafe Login" unless the client identified itself:
     * ID once, before the first SELECT, naming only the library */
    imapclient *c = play(
        "netease", NETEASE_LOGIN
        "C: A003 ID (\"name\" \"libimapclient\" \"version\" \"" IMAPCLIENT_VERSION "\")\n"
        "S: * ID (\"name\" \"Coremail Imap\" \"vendor\" \"Mailtech\")\n"
        "S: A003 OK ID completed\n"
        "C: A004 SELECT INBOX\n"
        "S: * 2 EXISTS\n"
        "S: A004 OK [READ-WRITE] SELECT completed\n"
        "C: A005 EXAMINE Sent\n"
        "S: A005 OK [READ-ONLY] EXAMINE completed\n");
    assert_true(imapclient_get_quirks(c)->id_before_select);
    assert_int_equal(imapclient_login(c, "me", "secret", NULL), 0);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    profile_is(c, "netease"); /* confirmed by the ID response */
    assert_int_equal(imapclient_select_folder(c, "Sent", 1, NULL), 0);
    done(c);
}

static void test_quirks__netease_id_refused_select_says_why(void **state)
{
    imapclient *c = play(
        "netease", NETEASE_LOGIN
        "C: A003 ID (\"name\" \"libimapclient\" \"version\" \"" IMAPCLIENT_VERSION "\")\n"
        "S: A003 BAD ID not now\n"
        "C: A004 SELECT INBOX\n"
        "S: A004 NO SELECT Unsafe Login. Please contact kefu@188.com for help\n");
    assert_int_equal(imapclient_login(c, "me", "secret", NULL), 0);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "Unsafe Login"));
    done(c);
}

static void test_quirks__netease_caller_id_counts(void **state)
{
    /* the caller identified the client: no second ID */
    imapclient *c = play("netease", NETEASE_LOGIN "C: A003 ID (\"name\" \"myprog\")\n"
                                                  "S: * ID NIL\n"
                                                  "S: A003 OK ID completed\n"
                                                  "C: A004 SELECT INBOX\n"
                                                  "S: A004 OK [READ-WRITE] done\n");
    assert_int_equal(imapclient_login(c, "me", "secret", NULL), 0);
    assert_int_equal(imapclient_has_capability(c, "ID"), 1);
    imapclient_id_result *r = NULL;
    assert_int_equal(imapclient_id(c, (const char *[]){"name", "myprog", NULL}, &r), 0);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    done(c);
}

static void test_quirks__netease_start_select(void **state)
{
    /* the non-blocking select queues the ID ahead of itself */
    imapclient *c = play(
        "netease", NETEASE_LOGIN
        "C: A003 ID (\"name\" \"libimapclient\" \"version\" \"" IMAPCLIENT_VERSION "\")\n"
        "S: A003 OK ID completed\n"
        "C: A004 SELECT INBOX\n"
        "S: A004 OK [READ-WRITE] done\n");
    assert_int_equal(imapclient_login(c, "me", "secret", NULL), 0);
    assert_int_equal(imapclient_has_capability(c, "ID"), 1);
    assert_int_equal(imapclient_start_select_folder(c, "INBOX", 0, NULL, NULL, NULL), 0);
    for (int i = 0; i < 100 && imapclient_pending_commands(c); i++)
        assert_true(imapclient_drive(c) >= 0);
    imapclient_completion *d = NULL;
    assert_int_equal(imapclient_next_completion(c, &d), 1);
    assert_int_equal(d->status, 0);
    imapclient_completion_free(d);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    done(c);
}

static void test_quirks__default_sends_no_id(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(
        imapclient_connect_scripted("S: * PREAUTH [CAPABILITY IMAP4rev1 ID] hi\n"
                                    "C: A001 SELECT INBOX\n"
                                    "S: A001 OK [READ-WRITE] done\n",
                                    NULL, &c),
        0);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    done(c);
}

/* After the captured Exchange part: LOGIN, then find_special_folder. */
#define EXCHANGE_LOGIN                                                                   \
    "C: A002 LOGIN me secret\n"                                                          \
    "S: A002 OK LOGIN completed.\n"                                                      \
    "C: A003 CAPABILITY\n"                                                               \
    "S: * CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN UIDPLUS MOVE ID UNSELECT CHILDREN IDLE " \
    "NAMESPACE LITERAL+\n"                                                               \
    "S: A003 OK CAPABILITY completed.\n"

static void test_quirks__exchange_special_use_from_list_flags(void **state)
{
    /* no SPECIAL-USE, yet the flags say it (the LIST lines as Exchange
     * sends them, tests/fuzz/corpus of issue 14) */
    imapclient *c =
        play("exchange", EXCHANGE_LOGIN "C: A004 LIST \"\" \"*\"\n"
                                        "S: * LIST (\\HasNoChildren) \"/\" INBOX\n"
                                        "S: * LIST (\\HasNoChildren \\Sent) \"/\" "
                                        "\"Sent Items\"\n"
                                        "S: * LIST (\\HasChildren) \"/\" "
                                        "\"Calendar\"\n"
                                        "S: A004 OK LIST completed.\n");
    const char *const *caps;
    assert_int_equal(imapclient_capabilities(c, &caps, NULL), 0);
    assert_int_equal(imapclient_login(c, "me", "secret", NULL), 0);
    assert_true(imapclient_get_quirks(c)->list_flags_special_use);
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), 0);
    assert_string_equal(name, "Sent Items");
    free(name);
    done(c);
}

static void test_quirks__list_flags_off_goes_to_names(void **state)
{
    /* switched off by the caller: no listing of every folder */
    imapclient *c =
        play("exchange", EXCHANGE_LOGIN "C: A004 NAMESPACE\n"
                                        "S: * NAMESPACE ((\"\" \"/\")) NIL NIL\n"
                                        "S: A004 OK NAMESPACE completed.\n"
                                        "C: A005 LIST \"\" Sent\n"
                                        "S: A005 OK LIST completed.\n"
                                        "C: A006 LIST \"\" \"Sent Items\"\n"
                                        "S: * LIST (\\HasNoChildren \\Sent) \"/\" "
                                        "\"Sent Items\"\n"
                                        "S: A006 OK LIST completed.\n");
    const char *const *caps;
    assert_int_equal(imapclient_capabilities(c, &caps, NULL), 0);
    imapclient_quirks q = *imapclient_get_quirks(c);
    q.list_flags_special_use = 0;
    assert_int_equal(imapclient_set_quirks(c, &q), 0);
    assert_int_equal(imapclient_login(c, "me", "secret", NULL), 0);
    char *name = NULL;
    assert_int_equal(imapclient_find_special_folder(c, IMAPCLIENT_SENT, &name), 0);
    assert_string_equal(name, "Sent Items");
    free(name);
    profile_is(c, "exchange"); /* the caller's copy keeps the name */
    done(c);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_quirks__idle_limit_shortens_renewal(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(
        imapclient_connect_scripted("S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\n"
                                    "C: A001 IDLE\n"
                                    "S: + idling\n"
                                    "C: DONE\n"
                                    "S: A001 OK done\n"
                                    "C: A002 IDLE\n"
                                    "S: + idling\n"
                                    "C: DONE\n"
                                    "S: A002 OK done\n",
                                    NULL, &c),
        0);
    assert_int_equal(imapclient_idle(c), 0);
    /* the RFC's limit: a 10-minute renewal is not due */
    assert_int_equal(imapclient_idle_renew(c, IMAPCLIENT_IDLE_RENEW_MS), 0);
    /* a server that ends IDLE after 2 ms: due after 5 */
    imapclient_quirks q;
    assert_int_equal(imapclient_quirks_profile("default", &q), 0);
    q.idle_max_ms = 2;
    assert_int_equal(imapclient_set_quirks(c, &q), 0);
    sleep_ms(5);
    assert_int_equal(imapclient_idle_renew(c, IMAPCLIENT_IDLE_RENEW_MS), 1);
    assert_int_equal(imapclient_idle_done(c, NULL, NULL), 0);
    done(c);
}

/* ---- inspecting and overriding ------------------------------------------------------
 */

static void test_quirks__profiles_by_name(void **state)
{
    const char *const *names = imapclient_quirks_profile_names();
    size_t n = 0;
    for (; names[n]; n++) {
        imapclient_quirks q;
        assert_int_equal(imapclient_quirks_profile(names[n], &q), 0);
        assert_string_equal(q.name, names[n]);
        assert_int_equal(q.version, IMAPCLIENT_QUIRKS_VERSION);
        assert_true(q.idle_max_ms > 0);
    }
    assert_int_equal(n, 11);
    assert_string_equal(names[0], "default");
    imapclient_quirks q;
    assert_int_equal(imapclient_quirks_profile("YAHOO", &q), 0);
    assert_true(q.search_no_charset);
    assert_int_equal(imapclient_quirks_profile("nosuch", &q), IMAPCLIENT_EINVAL);
    assert_string_equal(q.name, "default");
    assert_int_equal(imapclient_quirks_profile(NULL, &q), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_quirks_profile("gmail", NULL), IMAPCLIENT_EINVAL);
    /* no handle: the default */
    assert_string_equal(imapclient_get_quirks(NULL)->name, "default");
}

static void test_quirks__set_validates(void **state)
{
    imapclient *c = play("gmail", "");
    imapclient_quirks q;
    assert_int_equal(imapclient_quirks_profile("yahoo", &q), 0);
    q.version = 99;
    assert_int_equal(imapclient_set_quirks(c, &q), IMAPCLIENT_EINVAL);
    q.version = IMAPCLIENT_QUIRKS_VERSION;
    memset(q.name, 'x', sizeof q.name); /* not terminated */
    assert_int_equal(imapclient_set_quirks(c, &q), IMAPCLIENT_EINVAL);
    profile_is(c, "gmail");
    assert_int_equal(imapclient_set_quirks(NULL, NULL), IMAPCLIENT_EINVAL);
    imapclient_free(c);
}

static void test_quirks__override_sticks_then_detects_again(void **state)
{
    /* set by the caller: detection leaves it; NULL detects again from
     * what the server said so far */
    imapclient *c = play("gmail", "");
    imapclient_quirks q;
    assert_int_equal(imapclient_quirks_profile("default", &q), 0);
    snprintf(q.name, sizeof q.name, "mine");
    q.search_no_charset = 1;
    assert_int_equal(imapclient_set_quirks(c, &q), 0);
    const char *const *caps;
    assert_int_equal(imapclient_capabilities(c, &caps, NULL), 0); /* X-GM-EXT-1 */
    profile_is(c, "mine");
    assert_true(imapclient_get_quirks(c)->search_no_charset);
    assert_int_equal(imapclient_set_quirks(c, NULL), 0);
    profile_is(c, "gmail");
    assert_false(imapclient_get_quirks(c)->search_no_charset);
    imapclient_id_result *r = NULL;
    assert_int_equal(imapclient_id(c, NULL, &r), 0);
    imapclient_id_result_free(r);
    done(c);
}

static void test_quirks__options_pin_the_profile(void **state)
{
    imapclient_quirks q;
    assert_int_equal(imapclient_quirks_profile("netease", &q), 0);
    imapclient_options o;
    imapclient_options_init(&o);
    o.quirks = &q;
    imapclient *c = play_opts("gmail", "", &o);
    q.id_before_select = 0; /* copied at connect */
    profile_is(c, "netease");
    assert_true(imapclient_get_quirks(c)->id_before_select);
    const char *const *caps;
    assert_int_equal(imapclient_capabilities(c, &caps, NULL), 0);
    profile_is(c, "netease");
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quirks__detected_on_captured_dialogues),
        cmocka_unit_test(test_quirks__mailru_named_by_id),
        cmocka_unit_test(test_quirks__weaker_evidence_does_not_replace),
        cmocka_unit_test(test_quirks__detection_logged),
        cmocka_unit_test(test_quirks__yahoo_search_without_charset),
        cmocka_unit_test(test_quirks__netease_id_before_select),
        cmocka_unit_test(test_quirks__netease_id_refused_select_says_why),
        cmocka_unit_test(test_quirks__netease_caller_id_counts),
        cmocka_unit_test(test_quirks__netease_start_select),
        cmocka_unit_test(test_quirks__default_sends_no_id),
        cmocka_unit_test(test_quirks__exchange_special_use_from_list_flags),
        cmocka_unit_test(test_quirks__list_flags_off_goes_to_names),
        cmocka_unit_test(test_quirks__idle_limit_shortens_renewal),
        cmocka_unit_test(test_quirks__profiles_by_name),
        cmocka_unit_test(test_quirks__set_validates),
        cmocka_unit_test(test_quirks__override_sticks_then_detects_again),
        cmocka_unit_test(test_quirks__options_pin_the_profile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
