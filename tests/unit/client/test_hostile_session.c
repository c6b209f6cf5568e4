/* Hostile servers against the calls the table of test_hostile.c cannot
 * drive (IDLE, the AUTHENTICATE exchange, COMPRESS), and the protocol log:
 * no password, token or AUTHENTICATE payload may appear in the log or in
 * imapclient_errmsg(), whatever the server does. */
#include "hostile.h"

#include "client/sasl.h"

#define IDLE_GO H_GREET_AUTH "C: A001 IDLE\nS: + idling\n"
#define DONE_OK "C: DONE\nS: A001 OK idle done\n"

static imapclient *play(const char *script)
{
    return h_connect(script, NULL);
}

/* The connection is closed (the transport is gone, so nothing more can be
 * sent) and every later call fails fast with EABORT. */
static void assert_dead(imapclient *c)
{
    assert_null(imapclient_script_sent(c));
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), IMAPCLIENT_EABORT, c);
    assert_null(r);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_EABORT, c);
    h_assert_rc(imapclient_idle(c), IMAPCLIENT_EABORT, c);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "closed");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_LOGOUT);
    imapclient_free(c);
}

static size_t count_named(const imapclient_responses *r, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += !strcmp(r->items[i].name, name);
    return n;
}

/* ---- IDLE: before the continuation request -------------------------------- */

static void test_hostile__idle_eof_before_continuation(void **state)
{
    imapclient *c = play(H_GREET_AUTH "C: A001 IDLE\nS+ * 1 EXI\n!EOF\n");
    h_assert_rc(imapclient_idle(c), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "middle of a response");
    assert_dead(c);
}

static void test_hostile__idle_bye_before_continuation(void **state)
{
    imapclient *c =
        play(H_GREET_AUTH "C: A001 IDLE\nS: * BYE [UNAVAILABLE] going away\n!EOF\n");
    h_assert_rc(imapclient_idle(c), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "going away");
    assert_dead(c);
}

static void test_hostile__idle_literal_then_eof(void **state)
{
    imapclient *c =
        play(H_GREET_AUTH "C: A001 IDLE\nS: * 1 FETCH (BODY[] {99}\nS+ abc\n!EOF\n");
    h_assert_rc(imapclient_idle(c), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "inside a literal");
    assert_dead(c);
}

static void test_hostile__idle_timeout(void **state)
{
    imapclient *c = play(H_GREET_AUTH "C: A001 IDLE\n!TIMEOUT\n");
    h_assert_rc(imapclient_idle(c), IMAPCLIENT_ETIMEOUT, c);
    assert_dead(c);
}

static void test_hostile__idle_refused_with_alert(void **state)
{
    imapclient *c =
        play(H_GREET_AUTH "C: A001 IDLE\n"
                          "S: A001 NO [ALERT] IDLE is off today\n" NOOP("A002"));
    h_assert_rc(imapclient_idle(c), IMAPCLIENT_ERROR, c);
    h_assert_errmsg_has(c, "NO [ALERT] IDLE is off today");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

static void test_hostile__idle_ok_without_continuation(void **state)
{
    imapclient *c =
        play(H_GREET_AUTH "C: A001 IDLE\nS: A001 OK nothing to wait for\n" NOOP("A002"));
    h_assert_rc(imapclient_idle(c), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "without a continuation request");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

static void test_hostile__idle_foreign_tag_and_interleaved(void **state)
{
    imapclient *c = play(H_GREET_AUTH "C: A001 IDLE\n"
                                      "S: B001 OK not yours\n"
                                      "S: A999 NO nor this\n"
                                      "S: * 4 EXISTS\n"
                                      "S: * OK [ALERT] maintenance\n"
                                      "S: + idling\n" DONE_OK);
    h_assert_rc(imapclient_idle(c), 0, c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_done(c, NULL, &r), 0, c);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->items[0].number, 4);
    assert_string_equal(r->items[1].code, "ALERT");
    imapclient_responses_free(r);
    h_done(c);
}

/* A malformed response before "+" is reported (EPROTOCOL) and the state
 * is IDLE all the same: the server's "+" decides, as the other calls
 * report a malformed response that came before their completion. */
static void test_hostile__idle_malformed_before_continuation(void **state)
{
    imapclient *c = play(H_GREET_AUTH "C: A001 IDLE\n"
                                      "S: * 1 FETCH (FLAGS (\\Seen)\n"
                                      "S: + idling\n" DONE_OK);
    h_assert_rc(imapclient_idle(c), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "list not terminated");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_IDLE);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), 0, c);
    h_done(c);
}

/* ---- IDLE: idle_check ------------------------------------------------------- */

static void test_hostile__idle_check_eof_hands_over_what_came(void **state)
{
    imapclient *c = play(IDLE_GO "S: * 3 EXISTS\nS: * BYE [UNAVAILABLE] bye now\n!EOF\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), 0, c);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->items[0].number, 3);
    assert_string_equal(r->items[1].name, "BYE");
    assert_string_equal(r->items[1].text, "bye now");
    imapclient_responses_free(r);
    /* the end of the stream comes with the next call */
    h_assert_rc(imapclient_idle_check(c, 10, &r), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "closed");
    assert_dead(c);
}

static void test_hostile__idle_check_eof_mid_response(void **state)
{
    imapclient *c = play(IDLE_GO "S+ * 3 EXI\n!EOF\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), IMAPCLIENT_EABORT, c);
    assert_null(r);
    h_assert_errmsg_has(c, "middle of a response");
    assert_dead(c);
}

static void test_hostile__idle_check_literal_then_eof(void **state)
{
    imapclient *c = play(IDLE_GO "S: * 1 FETCH (BODY[] {400}\nS+ short\n!EOF\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "inside a literal");
    assert_dead(c);
}

static void test_hostile__idle_check_literal_over_limit(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_literal = 100;
    imapclient *c = h_connect(IDLE_GO "S: * 1 FETCH (BODY[] {4000}\n", &o);
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), IMAPCLIENT_ETOOBIG, c);
    assert_dead(c);
}

static void test_hostile__idle_check_timeout_mid_response(void **state)
{
    imapclient *c = play(IDLE_GO "S+ * 3 EX\n!TIMEOUT\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), IMAPCLIENT_ETIMEOUT, c);
    assert_dead(c);
}

/* Malformed responses among good ones: EPROTOCOL, the good ones kept for
 * the next call, the connection fine. */
static void check_malformed(const char *bad, const char *why, const imapclient_options *o)
{
    hbuf s = {0};
    hb_adds(&s, IDLE_GO "S: * 3 EXISTS\n");
    hb_adds(&s, bad);
    hb_adds(&s, "S: * 4 EXISTS\n!TIMEOUT\n" DONE_OK);
    imapclient *c = h_connect(s.p, o);
    hb_free(&s);
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), IMAPCLIENT_EPROTOCOL, c);
    assert_null(r);
    h_assert_errmsg_has(c, why);
    h_assert_rc(imapclient_idle_check(c, 10, &r), 0, c);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->items[0].number, 3);
    assert_int_equal(r->items[1].number, 4);
    imapclient_responses_free(r);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), 0, c);
    h_done(c);
}

static void test_hostile__idle_check_malformed(void **state)
{
    check_malformed("S: * 1 FETCH (FLAGS (\\Seen)\n", "list not terminated", NULL);
}

static void test_hostile__idle_check_too_deep(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_depth = 8;
    check_malformed("S: * 1 FETCH ((((((((((((1))))))))))))\n", "nested too deeply", &o);
}

static void test_hostile__idle_check_number_overflow(void **state)
{
    check_malformed("S: * 4294967296 EXISTS\n", "out of range", NULL);
}

/* Lines that are not IMAP responses in IDLE: kept as unparsed responses
 * (tag "", the line as text) among the others (issue 14, item 15). */
static void test_hostile__idle_check_stray_lines(void **state)
{
    imapclient *c = play(IDLE_GO "S: * 3 EXISTS\nS: \nS: [COPYUID 55 31 6]\n"
                                 "S: * 4 EXISTS\n" DONE_OK);
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), 0, c);
    assert_int_equal(r->count, 4);
    assert_int_equal(r->items[0].number, 3);
    assert_string_equal(r->items[1].tag, "");
    assert_string_equal(r->items[1].text, "");
    assert_string_equal(r->items[2].tag, "");
    assert_string_equal(r->items[2].text, "[COPYUID 55 31 6]");
    assert_int_equal(r->items[3].number, 4);
    imapclient_responses_free(r);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), 0, c);
    h_done(c);
}

/* ... and in the exchanges that start and end IDLE. */
static void test_hostile__idle_stray_lines_around(void **state)
{
    imapclient *c = play(H_GREET_AUTH "C: A001 IDLE\nS: [x]\nS: + idling\n"
                                      "C: DONE\nS: (y)\nS: A001 OK done\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_done(c, NULL, &r), 0, c);
    assert_int_equal(r->count, 2);
    assert_string_equal(r->items[0].text, "[x]");
    assert_string_equal(r->items[1].text, "(y)");
    imapclient_responses_free(r);
    h_done(c);
}

/* A peer that sends nothing but garbage while idling: the connection is
 * closed after a bounded number of lines; as after any close, idle_check
 * hands over what came before it, and the next call reports it. */
static void test_hostile__idle_garbage_flood(void **state)
{
    hbuf s = {0};
    hb_adds(&s, IDLE_GO);
    for (int i = 0; i < 150; i++)
        hb_adds(&s, "S: SSH-2.0-OpenSSH_9.2\n");
    imapclient *c = h_connect(s.p, NULL);
    hb_free(&s);
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), 0, c);
    assert_int_equal(r->count, 100);
    assert_string_equal(r->items[99].text, "SSH-2.0-OpenSSH_9.2");
    imapclient_responses_free(r);
    assert_dead(c);
}

static void test_hostile__idle_check_ignores_continuations_and_foreign_tags(void **state)
{
    imapclient *c =
        play(IDLE_GO "S: + still here\nS: B009 OK not yours\nS: * 5 EXISTS\n" DONE_OK);
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), 0, c);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->items[0].number, 5);
    imapclient_responses_free(r);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), 0, c);
    h_done(c);
}

static void test_hostile__idle_check_server_ends_idle(void **state)
{
    imapclient *c =
        play(H_GREET_AUTH H_SELECT "C: A002 IDLE\nS: + idling\n"
                                   "S: A002 NO [ALERT] enough idling\n" NOOP("A003"));
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_idle_check(c, 10, &r), 0, c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].tag, "A002");
    assert_string_equal(r->items[0].code, "ALERT");
    imapclient_responses_free(r);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

/* ---- IDLE: idle_done, idle_renew --------------------------------------------- */

static void test_hostile__idle_done_eof(void **state)
{
    imapclient *c = play(IDLE_GO "C: DONE\nS+ A001 O\n!EOF\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_EABORT, c);
    assert_dead(c);
}

static void test_hostile__idle_done_bye(void **state)
{
    imapclient *c = play(IDLE_GO "C: DONE\nS: * BYE shutting down for the night\n!EOF\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "shutting down for the night");
    assert_dead(c);
}

static void test_hostile__idle_done_refused_with_alert(void **state)
{
    imapclient *c =
        play(IDLE_GO "C: DONE\nS: A001 NO [ALERT] quota exceeded\n" NOOP("A002"));
    h_assert_rc(imapclient_idle(c), 0, c);
    const char *text = NULL;
    h_assert_rc(imapclient_idle_done(c, &text, NULL), IMAPCLIENT_ERROR, c);
    h_assert_errmsg_has(c, "NO [ALERT] quota exceeded");
    assert_string_equal(text, "quota exceeded");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

static void test_hostile__idle_done_foreign_and_interleaved(void **state)
{
    imapclient *c = play(IDLE_GO "C: DONE\n"
                                 "S: B001 OK not yours\n"
                                 "S: + late continuation\n"
                                 "S: * 7 EXISTS\n"
                                 "S: A001 OK idle done\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    imapclient_responses *r = NULL;
    const char *text = NULL;
    h_assert_rc(imapclient_idle_done(c, &text, &r), 0, c);
    assert_string_equal(text, "idle done");
    assert_int_equal(count_named(r, "EXISTS"), 1);
    assert_int_equal(r->count, 1);
    imapclient_responses_free(r);
    h_done(c);
}

/* As before "+", a malformed response after DONE is reported, and the
 * state is back to what it was before IDLE. */
static void test_hostile__idle_done_malformed(void **state)
{
    imapclient *c = play(IDLE_GO "C: DONE\n"
                                 "S: * 1 FETCH (FLAGS (\\Seen)\n"
                                 "S: A001 OK idle done\n" NOOP("A002"));
    h_assert_rc(imapclient_idle(c), 0, c);
    h_assert_rc(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_EPROTOCOL, c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

/* ---- floods in IDLE (issue 14, item 3) ----------------------------------- */

#define FLOOD_CAP   (64u << 10)
#define FLOOD_SLACK (192u << 10)

/* script with "@F" replaced by a flood of line */
static imapclient *flooded(const char *script, const char *line, hprobe *p)
{
    imapclient_options o;
    h_probe_options(&o, p, FLOOD_CAP);
    hbuf s = {0};
    const char *at = strstr(script, "@F");
    hb_add(&s, script, (size_t)(at - script));
    char head[64];
    snprintf(head, sizeof head, "S* %zu ", h_flood_bytes() / (strlen(line) + 2));
    hb_adds(&s, head);
    hb_adds(&s, line);
    hb_adds(&s, "\n");
    hb_adds(&s, at + 2);
    imapclient *c = h_connect(s.p, &o);
    hb_free(&s);
    h_probe_start(p, c);
    return c;
}

static void assert_bounded(hprobe *p, const char *what)
{
    size_t grew = h_probe_growth(p);
    if (grew > FLOOD_CAP + FLOOD_SLACK)
        fail_msg("%s: %zu bytes held beyond the start under a flood of %zu bytes", what,
                 grew, h_flood_bytes());
}

/* What comes while idling is kept until taken, bounded; the rest is
 * counted as dropped. */
static void test_hostile__idle_flood_bounded(void **state)
{
    const char *lines[] = {"* 1 EXISTS", "* OK x"};
    for (size_t i = 0; i < 2; i++) {
        hprobe p;
        imapclient *c =
            flooded(H_GREET_AUTH "C: A001 IDLE\n@FS: + idling\nS: * 2 EXISTS\n" DONE_OK,
                    lines[i], &p);
        h_assert_rc(imapclient_idle(c), 0, c);
        assert_bounded(&p, "idle");
        imapclient_responses *r = NULL;
        h_assert_rc(imapclient_idle_check(c, 10, &r), 0, c);
        assert_bounded(&p, "idle_check");
        assert_true(r->count > 0 && r->dropped > 0);
        imapclient_responses_free(r);
        h_assert_rc(imapclient_idle_done(c, NULL, &r), 0, c);
        imapclient_responses_free(r);
        h_done(c);

        /* the scripted server hands out 64 KiB a read: idle_check until
         * the flood is over ("* 2 EXISTS" after it) */
        c = flooded(IDLE_GO "@FS: * 2 EXISTS\n" DONE_OK, lines[i], &p);
        h_assert_rc(imapclient_idle(c), 0, c);
        int over = 0;
        size_t dropped = 0;
        while (!over) {
            h_assert_rc(imapclient_idle_check(c, 10, &r), 0, c);
            for (size_t k = 0; k < r->count; k++)
                over |= r->items[k].number == 2;
            dropped += r->dropped;
            imapclient_responses_free(r);
        }
        assert_bounded(&p, "idle_check");
        assert_true(dropped > 0);
        h_assert_rc(imapclient_idle_done(c, NULL, &r), 0, c);
        imapclient_responses_free(r);
        h_done(c);

        c = flooded(IDLE_GO "C: DONE\n@FS: A001 OK done\n", lines[i], &p);
        h_assert_rc(imapclient_idle(c), 0, c);
        h_assert_rc(imapclient_idle_done(c, NULL, &r), 0, c);
        assert_bounded(&p, "idle_done");
        assert_true(r->dropped > 0);
        imapclient_responses_free(r);
        h_done(c);
    }
}

static void test_hostile__idle_renew_eof(void **state)
{
    imapclient *c = play(IDLE_GO "C: DONE\nS: A001 OK done\nC: A002 IDLE\n!EOF\n");
    h_assert_rc(imapclient_idle(c), 0, c);
    h_assert_rc(imapclient_idle_renew(c, 0), IMAPCLIENT_EABORT, c);
    assert_dead(c);
}

static void test_hostile__idle_renew_refused(void **state)
{
    imapclient *c =
        play(IDLE_GO "C: DONE\nS: A001 OK done\n"
                     "C: A002 IDLE\nS: A002 NO [ALERT] no more\n" NOOP("A003"));
    h_assert_rc(imapclient_idle(c), 0, c);
    h_assert_rc(imapclient_idle_renew(c, 0), IMAPCLIENT_ERROR, c);
    h_assert_errmsg_has(c, "[ALERT] no more");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

/* ---- AUTHENTICATE ------------------------------------------------------------- */

#define GREET_IR  "S: * OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi\n"
#define GREET_NIR "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\n"

static void test_hostile__auth_extra_challenge_cancels(void **state)
{
    imapclient *c = play(GREET_IR "C: A001 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\n"
                                  "S: + \n"
                                  "C: *\n"
                                  "S: A001 BAD [CLIENTBUG] cancelled\n" NOOP("A002"));
    h_assert_rc(imapclient_plain_login(c, "bob", "secret", NULL, NULL), IMAPCLIENT_ELOGIN,
                c);
    h_assert_errmsg_has(c, "unexpected second challenge");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

static void test_hostile__auth_challenge_not_base64(void **state)
{
    imapclient *c = play(GREET_IR "C: A001 AUTHENTICATE CRAM-MD5\n"
                                  "S: + !!not base64!!\n"
                                  "C: *\n"
                                  "S: A001 BAD cancelled\n" NOOP("A002"));
    h_assert_rc(imapclient_cram_md5_login(c, "tim", "pw", NULL), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "not base64");
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

static void test_hostile__auth_challenge_as_literal(void **state)
{
    imapclient *c = play(GREET_IR "C: A001 AUTHENTICATE CRAM-MD5\n"
                                  "S: + {5}\n"
                                  "S+ hello\n"
                                  "S: \n"
                                  "C: *\n"
                                  "S: A001 BAD cancelled\n");
    h_assert_rc(imapclient_cram_md5_login(c, "tim", "pw", NULL), IMAPCLIENT_EPROTOCOL, c);
    h_done(c);
}

static void test_hostile__auth_cancelled_but_accepted_closes(void **state)
{
    imapclient *c = play(GREET_IR "C: A001 AUTHENTICATE CRAM-MD5\n"
                                  "S: + !!!!\n"
                                  "C: *\n"
                                  "S: A001 OK welcome anyway\n");
    h_assert_rc(imapclient_cram_md5_login(c, "tim", "pw", NULL), IMAPCLIENT_ELOGIN, c);
    h_assert_errmsg_has(c, "accepted anyway");
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    imapclient_free(c);
}

static void test_hostile__auth_eof_inside_exchange(void **state)
{
    imapclient *c = play(GREET_NIR "C: A001 AUTHENTICATE PLAIN\nS: + \n"
                                   "C: AGJvYgBzZWNyZXQ=\n"
                                   "S+ A001 O\n!EOF\n");
    h_assert_rc(imapclient_plain_login(c, "bob", "secret", NULL, NULL), IMAPCLIENT_EABORT,
                c);
    h_assert_rc(imapclient_plain_login(c, "bob", "secret", NULL, NULL), IMAPCLIENT_EABORT,
                c);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    imapclient_free(c);
}

static void test_hostile__auth_bye_before_challenge(void **state)
{
    imapclient *c = play(GREET_IR "C: A001 AUTHENTICATE CRAM-MD5\n"
                                  "S: * BYE [UNAVAILABLE] auth backend down\n!EOF\n");
    h_assert_rc(imapclient_cram_md5_login(c, "tim", "pw", NULL), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "auth backend down");
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    imapclient_free(c);
}

static int reply_hello(void *payload, const unsigned char *ch, size_t len,
                       imapclient_sasl_reply *reply)
{
    size_t *seen = payload;
    *seen = len;
    return imapclient_sasl_reply_set(reply, "hello", 5);
}

static void test_hostile__auth_huge_challenge(void **state)
{
    /* 60000 bytes of challenge, decoded and handed over whole */
    hbuf s = {0};
    hb_adds(&s, GREET_NIR "C: A001 AUTHENTICATE X-BIG\nS: + ");
    for (int i = 0; i < 20000; i++)
        hb_adds(&s, "QUJD");
    hb_adds(&s, "\nC: aGVsbG8=\nS: A001 NO no\n");
    imapclient *c = play(s.p);
    hb_free(&s);
    size_t seen = 0;
    h_assert_rc(imapclient_sasl_login(c, "X-BIG", reply_hello, &seen, NULL),
                IMAPCLIENT_ELOGIN, c);
    assert_int_equal(seen, 60000);
    h_done(c);
}

/* The server's OK after a malformed untagged response logged the user in:
 * the call reports EPROTOCOL and the handle is AUTHENTICATED. (Also
 * covered, for every mechanism, by the attack matrix of test_hostile.) */
static void test_hostile__auth_malformed_then_ok_authenticates(void **state)
{
    imapclient *c =
        play(GREET_IR "C: A001 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\n"
                      "S: * 1 FETCH (FLAGS (\\Seen)\n"
                      "S: A001 OK [CAPABILITY IMAP4rev1 IDLE] in\n" NOOP("A002"));
    h_assert_rc(imapclient_plain_login(c, "bob", "secret", NULL, NULL),
                IMAPCLIENT_EPROTOCOL, c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

/* ---- COMPRESS --------------------------------------------------------------- */

/* After its OK the server compresses: a malformed response before the OK
 * is reported, and compression is on all the same (else every later byte
 * would be read wrong). */
static void test_hostile__compress_malformed_then_ok(void **state)
{
    imapclient *c = play(H_GREET_AUTH "C: A001 COMPRESS DEFLATE\n"
                                      "S: * 1 FETCH (FLAGS (\\Seen)\n"
                                      "S: A001 OK DEFLATE active\n");
    h_assert_rc(imapclient_compress(c), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "list not terminated");
    assert_int_equal(imapclient_is_compressed(c), 1);
    imapclient_free(c);
}

static void test_hostile__compress_data_after_ok(void **state)
{
    imapclient *c = play(H_GREET_AUTH "C: A001 COMPRESS DEFLATE\n"
                                      "S: A001 OK DEFLATE active\nS: * 3 EXISTS\n");
    h_assert_rc(imapclient_compress(c), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "before compressing");
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    imapclient_free(c);
}

/* ---- the protocol log and errmsg keep secrets --------------------------------- */

/* None of the secrets anywhere in the log or errmsg. */
static void no_secret(const char *where, const char *text, const char *const *secrets)
{
    for (size_t i = 0; secrets[i]; i++)
        if (h_has(text, secrets[i]))
            fail_msg("%s holds the secret \"%s\":\n%s", where, secrets[i], text);
}

typedef struct logged {
    hlog log;
    imapclient_options o;
} logged;

static imapclient *play_logged(logged *l, const char *script)
{
    memset(l, 0, sizeof *l);
    h_log_options(&l->o, &l->log);
    return h_connect(script, &l->o);
}

static void check_secrets(logged *l, imapclient *c, const char *const *secrets)
{
    no_secret("errmsg", imapclient_errmsg(c), secrets);
    no_secret("log", l->log.text.p, secrets);
}

static void finish_logged(logged *l, imapclient *c, const char *const *secrets)
{
    check_secrets(l, c, secrets);
    if (imapclient_script_sent(c))
        h_done(c);
    else /* closed after a failure */
        imapclient_free(c);
    assert_true(h_has(l->log.text.p, "***"));
    hb_free(&l->log.text);
}

static const char *const login_secrets[] = {"s3cr3t-pw", "czNjcjN0LXB3", NULL};

static void test_hostile__log_login(void **state)
{
    logged l;
    imapclient *c =
        play_logged(&l, "S: * OK [CAPABILITY IMAP4rev1] hi\n"
                        "C: A001 LOGIN bob s3cr3t-pw\n"
                        "S: A001 NO [AUTHENTICATIONFAILED] Invalid credentials\n"
                        "C: A002 LOGIN bob {11}\n"
                        "S: + go\n"
                        "C: s3cr3t-pw\n"
                        "C: \n"
                        "S: A002 NO [AUTHENTICATIONFAILED] Invalid credentials\n"
                        "C: A003 LOGIN bob \"s3cr3t-pw\\\\\"\n"
                        "!TIMEOUT\n");
    h_assert_rc(imapclient_login(c, "bob", "s3cr3t-pw", NULL), IMAPCLIENT_ELOGIN, c);
    check_secrets(&l, c, login_secrets);
    h_assert_errmsg_has(c, "LOGIN bob ***: NO [AUTHENTICATIONFAILED]");
    h_assert_rc(imapclient_login(c, "bob", "s3cr3t-pw\r\n", NULL), IMAPCLIENT_ELOGIN, c);
    check_secrets(&l, c, login_secrets);
    h_assert_rc(imapclient_login(c, "bob", "s3cr3t-pw\\", NULL), IMAPCLIENT_ETIMEOUT, c);
    finish_logged(&l, c, login_secrets);
}

static const char *const plain_secrets[] = {"s3cr3t-pw",
                                            "AGJvYgBzM2NyM3QtcHc=", "czNjcjN0LXB3", NULL};

static void test_hostile__log_plain_login(void **state)
{
    logged l;
    imapclient *c =
        play_logged(&l, GREET_IR "C: A001 AUTHENTICATE PLAIN AGJvYgBzM2NyM3QtcHc=\n"
                                 "S: A001 NO [AUTHENTICATIONFAILED] no\n");
    h_assert_rc(imapclient_plain_login(c, "bob", "s3cr3t-pw", NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    h_assert_errmsg_has(c, "AUTHENTICATE PLAIN ***: NO [AUTHENTICATIONFAILED] no");
    finish_logged(&l, c, plain_secrets);

    c = play_logged(&l, GREET_NIR "C: A001 AUTHENTICATE PLAIN\n"
                                  "S: + \n"
                                  "C: AGJvYgBzM2NyM3QtcHc=\n"
                                  "S: A001 OK in\n");
    h_assert_rc(imapclient_plain_login(c, "bob", "s3cr3t-pw", NULL, NULL), 0, c);
    finish_logged(&l, c, plain_secrets);

    /* the exchange broken off after the secret went out */
    c = play_logged(&l, GREET_NIR "C: A001 AUTHENTICATE PLAIN\n"
                                  "S: + \n"
                                  "C: AGJvYgBzM2NyM3QtcHc=\n"
                                  "!TIMEOUT\n");
    h_assert_rc(imapclient_plain_login(c, "bob", "s3cr3t-pw", NULL, NULL),
                IMAPCLIENT_ETIMEOUT, c);
    finish_logged(&l, c, plain_secrets);
}

static const char *const oauth_secrets[] = {
    "ya29.SECRET-TOKEN", "dXNlcj1ib2IBYXV0aD1CZWFyZXIgeWEyOS5TRUNSRVQtVE9LRU4BAQ==",
    "biwsAWF1dGg9QmVhcmVyIHlhMjkuU0VDUkVULVRPS0VOAQE=", "U0VDUkVU", NULL};

static void test_hostile__log_oauth2_login(void **state)
{
    logged l;
    imapclient *c = play_logged(
        &l, GREET_IR "C: A001 AUTHENTICATE XOAUTH2 "
                     "dXNlcj1ib2IBYXV0aD1CZWFyZXIgeWEyOS5TRUNSRVQtVE9LRU4BAQ==\n"
                     "S: + eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\n"
                     "C:\n"
                     "S: A001 NO [AUTHENTICATIONFAILED] Invalid credentials\n");
    h_assert_rc(imapclient_oauth2_login(c, "bob", "ya29.SECRET-TOKEN", NULL, NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    h_assert_errmsg_has(c, "\"status\":\"401\"");
    finish_logged(&l, c, oauth_secrets);

    c = play_logged(&l, GREET_NIR
                    "C: A001 AUTHENTICATE XOAUTH2\n"
                    "S: + \n"
                    "C: dXNlcj1ib2IBYXV0aD1CZWFyZXIgeWEyOS5TRUNSRVQtVE9LRU4BAQ==\n"
                    "S: A001 OK in\n");
    h_assert_rc(imapclient_oauth2_login(c, "bob", "ya29.SECRET-TOKEN", NULL, NULL, NULL),
                0, c);
    finish_logged(&l, c, oauth_secrets);
}

static void test_hostile__log_oauthbearer_login(void **state)
{
    logged l;
    imapclient *c = play_logged(
        &l, GREET_IR "C: A001 AUTHENTICATE OAUTHBEARER "
                     "biwsAWF1dGg9QmVhcmVyIHlhMjkuU0VDUkVULVRPS0VOAQE=\n"
                     "S: + eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\n"
                     "C: AQ==\n"
                     "S: A001 NO [AUTHENTICATIONFAILED] Invalid credentials\n");
    h_assert_rc(imapclient_oauthbearer_login(c, NULL, "ya29.SECRET-TOKEN", NULL),
                IMAPCLIENT_ELOGIN, c);
    h_assert_errmsg_has(c, "Invalid credentials");
    finish_logged(&l, c, oauth_secrets);
}

/* RFC 7677 section 3 (user "user", password "pencil"). */
#define SCRAM256_CLIENT_FIRST "biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8="
#define SCRAM256_SERVER_FIRST                                                            \
    "cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSj" \
    "BTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY="
#define SCRAM256_CLIENT_FINAL                                                            \
    "Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD" \
    "1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ=="
#define SCRAM256_SERVER_FINAL                                                            \
    "dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ=="

static const char *const scram_secrets[] = {
    "pencil", SCRAM256_CLIENT_FIRST, SCRAM256_CLIENT_FINAL,
    "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", /* the ClientProof */
    NULL};

static void test_hostile__log_scram_login(void **state)
{
    logged l;
    imapclient *c = play_logged(
        &l, GREET_IR "C: A001 AUTHENTICATE SCRAM-SHA-256 " SCRAM256_CLIENT_FIRST "\n"
                     "S: + " SCRAM256_SERVER_FIRST "\n"
                     "C: " SCRAM256_CLIENT_FINAL "\n"
                     "S: + " SCRAM256_SERVER_FINAL "\n"
                     "C:\n"
                     "S: A001 OK in\n");
    h_assert_rc(imc_scram_login_with_nonce(c, NULL, "user", "pencil",
                                           "rOprNGfwEbeRWgbNEkqO", NULL),
                0, c);
    finish_logged(&l, c, scram_secrets);

    /* refused at the last step */
    c = play_logged(&l, GREET_IR
                    "C: A001 AUTHENTICATE SCRAM-SHA-256 " SCRAM256_CLIENT_FIRST "\n"
                    "S: + " SCRAM256_SERVER_FIRST "\n"
                    "C: " SCRAM256_CLIENT_FINAL "\n"
                    "S: A001 NO [AUTHENTICATIONFAILED] no\n");
    h_assert_rc(imc_scram_login_with_nonce(c, NULL, "user", "pencil",
                                           "rOprNGfwEbeRWgbNEkqO", NULL),
                IMAPCLIENT_ELOGIN, c);
    finish_logged(&l, c, scram_secrets);
}

static int reply_hunter2(void *payload, const unsigned char *ch, size_t len,
                         imapclient_sasl_reply *reply)
{
    return imapclient_sasl_reply_set(reply, "hunter2", 7);
}

static const char *const callback_secrets[] = {"hunter2", "aHVudGVyMg==", NULL};

static void test_hostile__log_sasl_login(void **state)
{
    logged l;
    imapclient *c = play_logged(&l, GREET_IR "C: A001 AUTHENTICATE X-PW\n"
                                             "S: + \n"
                                             "C: aHVudGVyMg==\n"
                                             "S: + \n"
                                             "C: aHVudGVyMg==\n"
                                             "S: A001 NO [AUTHENTICATIONFAILED] no\n");
    h_assert_rc(imapclient_sasl_login(c, "X-PW", reply_hunter2, NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    finish_logged(&l, c, callback_secrets);
}

static const char *const cram_secrets[] = {
    "s3cr3t-pw", "dGltIGZmNDkwNGE1NjczM2ZlOTg0ZDc3ZGMyYWExNTRjYjRh",
    "ff4904a56733fe984d77dc2aa154cb4a", NULL};

static void test_hostile__log_cram_md5_login(void **state)
{
    logged l;
    imapclient *c = play_logged(
        &l, GREET_IR "C: A001 AUTHENTICATE CRAM-MD5\n"
                     "S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n"
                     "C: dGltIGZmNDkwNGE1NjczM2ZlOTg0ZDc3ZGMyYWExNTRjYjRh\n"
                     "S: A001 NO [AUTHENTICATIONFAILED] no\n");
    h_assert_rc(imapclient_cram_md5_login(c, "tim", "s3cr3t-pw", NULL), IMAPCLIENT_ELOGIN,
                c);
    finish_logged(&l, c, cram_secrets);
}

/* One session through every way of logging in, each refused, then LOGIN
 * accepted: no secret of any of them in the log or in any errmsg. */
static void test_hostile__log_one_session_every_mechanism(void **state)
{
    static const char *const all[] = {
        "s3cr3t-pw",
        "czNjcjN0LXB3",
        "AGJvYgBzM2NyM3QtcHc=",
        "ya29.SECRET-TOKEN",
        "dXNlcj1ib2IBYXV0aD1CZWFyZXIgeWEyOS5TRUNSRVQtVE9LRU4BAQ==",
        "biwsAWF1dGg9QmVhcmVyIHlhMjkuU0VDUkVULVRPS0VOAQE=",
        "pencil",
        SCRAM256_CLIENT_FIRST,
        SCRAM256_CLIENT_FINAL,
        "hunter2",
        "aHVudGVyMg==",
        NULL};
    logged l;
    imapclient *c = play_logged(
        &l, GREET_IR "C: A001 LOGIN bob s3cr3t-pw\n"
                     "S: A001 NO [AUTHENTICATIONFAILED] no\n"
                     "C: A002 AUTHENTICATE PLAIN AGJvYgBzM2NyM3QtcHc=\n"
                     "S: A002 NO [AUTHENTICATIONFAILED] no\n"
                     "C: A003 AUTHENTICATE XOAUTH2 "
                     "dXNlcj1ib2IBYXV0aD1CZWFyZXIgeWEyOS5TRUNSRVQtVE9LRU4BAQ==\n"
                     "S: + eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\n"
                     "C:\n"
                     "S: A003 NO [AUTHENTICATIONFAILED] no\n"
                     "C: A004 AUTHENTICATE OAUTHBEARER "
                     "biwsAWF1dGg9QmVhcmVyIHlhMjkuU0VDUkVULVRPS0VOAQE=\n"
                     "S: A004 NO [AUTHENTICATIONFAILED] no\n"
                     "C: A005 AUTHENTICATE SCRAM-SHA-256 " SCRAM256_CLIENT_FIRST "\n"
                     "S: + " SCRAM256_SERVER_FIRST "\n"
                     "C: " SCRAM256_CLIENT_FINAL "\n"
                     "S: A005 NO [AUTHENTICATIONFAILED] no\n"
                     "C: A006 AUTHENTICATE X-PW\n"
                     "S: + \n"
                     "C: aHVudGVyMg==\n"
                     "S: A006 NO [AUTHENTICATIONFAILED] no\n"
                     "C: A007 LOGIN bob s3cr3t-pw\n"
                     "S: A007 OK [CAPABILITY IMAP4rev1] in\n");
    h_assert_rc(imapclient_login(c, "bob", "s3cr3t-pw", NULL), IMAPCLIENT_ELOGIN, c);
    check_secrets(&l, c, all);
    h_assert_rc(imapclient_plain_login(c, "bob", "s3cr3t-pw", NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    check_secrets(&l, c, all);
    h_assert_rc(imapclient_oauth2_login(c, "bob", "ya29.SECRET-TOKEN", NULL, NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    check_secrets(&l, c, all);
    h_assert_rc(imapclient_oauthbearer_login(c, NULL, "ya29.SECRET-TOKEN", NULL),
                IMAPCLIENT_ELOGIN, c);
    check_secrets(&l, c, all);
    h_assert_rc(imc_scram_login_with_nonce(c, NULL, "user", "pencil",
                                           "rOprNGfwEbeRWgbNEkqO", NULL),
                IMAPCLIENT_ELOGIN, c);
    check_secrets(&l, c, all);
    h_assert_rc(imapclient_sasl_login(c, "X-PW", reply_hunter2, NULL, NULL),
                IMAPCLIENT_ELOGIN, c);
    check_secrets(&l, c, all);
    h_assert_rc(imapclient_login(c, "bob", "s3cr3t-pw", NULL), 0, c);
    /* every client payload was logged as ***: two LOGIN passwords, the
     * initial responses of PLAIN, XOAUTH2, OAUTHBEARER and SCRAM, SCRAM's
     * final message, the callback's response (XOAUTH2's answer to the
     * error challenge is empty: nothing to hide) */
    size_t stars = 0;
    for (const char *p = l.log.text.p; (p = strstr(p, "***")); p += 3)
        stars++;
    assert_int_equal(stars, 8);
    finish_logged(&l, c, all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__idle_eof_before_continuation),
        cmocka_unit_test(test_hostile__idle_bye_before_continuation),
        cmocka_unit_test(test_hostile__idle_literal_then_eof),
        cmocka_unit_test(test_hostile__idle_timeout),
        cmocka_unit_test(test_hostile__idle_refused_with_alert),
        cmocka_unit_test(test_hostile__idle_ok_without_continuation),
        cmocka_unit_test(test_hostile__idle_foreign_tag_and_interleaved),
        cmocka_unit_test(test_hostile__idle_malformed_before_continuation),
        cmocka_unit_test(test_hostile__idle_check_eof_hands_over_what_came),
        cmocka_unit_test(test_hostile__idle_check_eof_mid_response),
        cmocka_unit_test(test_hostile__idle_check_literal_then_eof),
        cmocka_unit_test(test_hostile__idle_check_literal_over_limit),
        cmocka_unit_test(test_hostile__idle_check_timeout_mid_response),
        cmocka_unit_test(test_hostile__idle_check_malformed),
        cmocka_unit_test(test_hostile__idle_check_too_deep),
        cmocka_unit_test(test_hostile__idle_check_number_overflow),
        cmocka_unit_test(test_hostile__idle_flood_bounded),
        cmocka_unit_test(test_hostile__idle_check_stray_lines),
        cmocka_unit_test(test_hostile__idle_stray_lines_around),
        cmocka_unit_test(test_hostile__idle_garbage_flood),
        cmocka_unit_test(test_hostile__idle_check_ignores_continuations_and_foreign_tags),
        cmocka_unit_test(test_hostile__idle_check_server_ends_idle),
        cmocka_unit_test(test_hostile__idle_done_eof),
        cmocka_unit_test(test_hostile__idle_done_bye),
        cmocka_unit_test(test_hostile__idle_done_refused_with_alert),
        cmocka_unit_test(test_hostile__idle_done_foreign_and_interleaved),
        cmocka_unit_test(test_hostile__idle_done_malformed),
        cmocka_unit_test(test_hostile__idle_renew_eof),
        cmocka_unit_test(test_hostile__idle_renew_refused),
        cmocka_unit_test(test_hostile__auth_extra_challenge_cancels),
        cmocka_unit_test(test_hostile__auth_challenge_not_base64),
        cmocka_unit_test(test_hostile__auth_challenge_as_literal),
        cmocka_unit_test(test_hostile__auth_cancelled_but_accepted_closes),
        cmocka_unit_test(test_hostile__auth_eof_inside_exchange),
        cmocka_unit_test(test_hostile__auth_bye_before_challenge),
        cmocka_unit_test(test_hostile__auth_huge_challenge),
        cmocka_unit_test(test_hostile__auth_malformed_then_ok_authenticates),
        cmocka_unit_test(test_hostile__compress_malformed_then_ok),
        cmocka_unit_test(test_hostile__compress_data_after_ok),
        cmocka_unit_test(test_hostile__log_login),
        cmocka_unit_test(test_hostile__log_plain_login),
        cmocka_unit_test(test_hostile__log_oauth2_login),
        cmocka_unit_test(test_hostile__log_oauthbearer_login),
        cmocka_unit_test(test_hostile__log_scram_login),
        cmocka_unit_test(test_hostile__log_sasl_login),
        cmocka_unit_test(test_hostile__log_cram_md5_login),
        cmocka_unit_test(test_hostile__log_one_session_every_mechanism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
