/* The attack matrix shared by test_hostile.c and test_hostile_messages.c.
 *
 * A table (in each test file) describes each call that talks to the
 * server: the state it needs, the exact command it sends, a normal reply
 * and a check of the result built from it. Each attack here is a script
 * tail played after the command. Every (attack, call) pair is its own
 * test, named test_hostile__<attack>__<call>. The claims: nothing a server
 * sends crashes the library or is lost, a broken connection fails fast
 * ever after, a malformed response gives EPROTOCOL and the connection
 * stays usable, and NO/BAD carry the server's words. */
#ifndef TEST_HOSTILE_MATRIX_H
#define TEST_HOSTILE_MATRIX_H

#include "hostile.h"

/* ---- the calls ------------------------------------------------------ */

/* mode: 0 just make the call; 1 also check the result is the canned reply;
 * 2 as 1, the interleaved responses of the attack may be in the result
 * (calls that return every untagged response check them). */
typedef int (*hrun_fn)(imapclient *c, int mode);

enum {
    H_LOGOUT = 1,   /* the call ends the session on success */
    H_NO_OK = 2,    /* a successful completion cannot be scripted (compress) */
    H_AUTH = 4,     /* continuation requests are part of the exchange */
    H_COLLECTS = 8, /* the result holds every untagged response (noop, expunge) */
    H_UNKNOWN = 16, /* the result holds untagged responses it does not know
                       (SELECT data: "* XUNKNOWN ..." goes there, not to noop()) */
};

typedef struct hcall {
    const char *name;
    const char *greeting;          /* script greeting */
    const char *setup;             /* script of the setup commands, or NULL */
    unsigned setup_cmds;           /* tags used by the setup */
    int (*prepare)(imapclient *c); /* the setup calls, or NULL */
    const char *cmd;               /* the command's client lines (@T = its tag) */
    const char *reply;             /* untagged data of a normal reply */
    const char *ok;                /* the tagged completion, after "@T " */
    hrun_fn run;
    int no_rc;       /* what NO and BAD give */
    int state_after; /* state after OK, or -1 */
    unsigned flags;
} hcall;

static int prep_select(imapclient *c)
{
    return imapclient_select_folder(c, "INBOX", 0, NULL);
}

/* The interleaved responses of the "interleaved" attack, in order (without
 * XUNKNOWN, which a H_UNKNOWN call takes). */
static void check_interleaved_but(const imapclient_response *items, size_t count,
                                  int no_unknown)
{
    int seen = 0;
    for (size_t i = 0; i < count; i++) {
        const imapclient_response *r = &items[i];
        if (seen == 0 && r->has_number && r->number == 2 && !strcmp(r->name, "EXPUNGE"))
            seen++;
        else if (seen == 1 && !strcmp(r->name, "OK") && r->code &&
                 !strcmp(r->code, "ALERT") && !strcmp(r->text, "maintenance at 5"))
            seen++;
        else if (seen == 2 && no_unknown)
            seen++, i--;
        else if (seen == 2 && !strcmp(r->name, "XUNKNOWN") && r->args->count == 1 &&
                 r->args->items[0].type == IMAPCLIENT_VALUE_LIST &&
                 r->args->items[0].count == 2 &&
                 imapclient_value_is(&r->args->items[0].items[1], "bar"))
            seen++;
        else if (seen == 3 && r->has_number && r->number == 3 &&
                 !strcmp(r->name, "FETCH"))
            seen++;
    }
    if (seen != 4)
        fail_msg("only %d of the 4 interleaved responses were kept", seen);
}

static inline void check_interleaved(const imapclient_response *items, size_t count)
{
    check_interleaved_but(items, count, 0);
}

#define AUTH   IMAPCLIENT_STATE_AUTHENTICATED
#define SELD   IMAPCLIENT_STATE_SELECTED
#define E_ERR  IMAPCLIENT_ERROR
#define E_LOG  IMAPCLIENT_ELOGIN
#define E_CRIT IMAPCLIENT_EINVALID_CRITERIA
#define OK     "OK done"
// clang-format off
/* A call in the authenticated state (first command A001). */
#define A(name, cmd, reply, ok, no_rc, st, fl) \
    {#name, H_GREET_AUTH, NULL, 0, NULL, cmd, reply, ok, r_##name, no_rc, st, fl}
/* A call with INBOX selected (first command A002). */
#define S(name, cmd, reply, ok, no_rc, st, fl) \
    {#name, H_GREET_AUTH, H_SELECT, 1, prep_select, cmd, reply, ok, r_##name, no_rc, st, fl}
/* A call before authentication. */
#define N(name, cmd, reply, ok, no_rc, st, fl) \
    {#name, H_GREET_NOAUTH, NULL, 0, NULL, cmd, reply, ok, r_##name, no_rc, st, fl}

// clang-format on

#define FETCH_SEEN "S: * 1 FETCH (UID 2 FLAGS (\\Seen))\n"
#define FETCH_FOO  "S: * 1 FETCH (UID 2 X-GM-LABELS (foo))\n"
#define QUOTA_DATA "S: * QUOTA root (STORAGE 10 100)\n"

/* ---- the attacks ------------------------------------------------------ */

/* Play greeting, setup and the command, then tail (tags: @T the command,
 * @U the next one). */
static imapclient *start(const hcall *k, const char *tail, const imapclient_options *o)
{
    hbuf s = {0};
    hb_adds(&s, k->greeting);
    hb_adds(&s, k->setup);
    unsigned t = k->setup_cmds + 1;
    hb_tmpl(&s, k->cmd, t);
    hb_tmpl(&s, tail, t);
    imapclient *c = h_connect(s.p, o);
    hb_free(&s);
    if (k->prepare) {
        int rc = k->prepare(c);
        if (rc)
            fail_msg("%s: setup failed: %d (%s)", k->name, rc, imapclient_errmsg(c));
    }
    return c;
}

/* After a failure that broke the connection: it is closed (the transport
 * is gone, so nothing more can be sent) and every later call fails fast
 * with EABORT. */
static void assert_dead(const hcall *k, imapclient *c)
{
    assert_null(imapclient_script_sent(c));
    h_assert_rc(k->run(c, 0), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "closed");
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_EABORT, c);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_LOGOUT);
    imapclient_free(c);
}

/* The server is gone before the command: its write fails (EIO here; on a
 * socket EIO for EPIPE, or EABORT when the close is read first) and the
 * connection is closed. */
static void attack_closed_before_command(const hcall *k)
{
    hbuf s = {0};
    hb_adds(&s, k->greeting);
    hb_adds(&s, k->setup);
    hb_adds(&s, "!EOF\n");
    imapclient *c = h_connect(s.p, NULL);
    hb_free(&s);
    if (k->prepare)
        h_assert_rc(k->prepare(c), 0, c);
    int rc = k->run(c, 0);
    if (rc != IMAPCLIENT_EIO && rc != IMAPCLIENT_EABORT)
        fail_msg("%s returned %d (%s)", k->name, rc, imapclient_errmsg(c));
    assert_dead(k, c);
}

static void attack_eof_mid_response(const hcall *k)
{
    imapclient *c = start(k, "S+ * 1 FETCH (FLA\n!EOF\n", NULL);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "middle of a response");
    assert_dead(k, c);
}

static void attack_eof_between_responses(const hcall *k)
{
    hbuf t = {0};
    hb_adds(&t, k->reply);
    hb_adds(&t, "!EOF\n");
    imapclient *c = start(k, t.p, NULL);
    hb_free(&t);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "connection closed by server");
    assert_dead(k, c);
}

static void attack_bye_mid_command(const hcall *k)
{
    imapclient *c =
        start(k, "S: * BYE [UNAVAILABLE] server shutting down now\n!EOF\n", NULL);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "server shutting down now");
    assert_dead(k, c);
}

static void attack_literal_then_eof(const hcall *k)
{
    imapclient *c = start(k,
                          "S: * 1 FETCH (UID 2 BODY[] {300}\n"
                          "S+ only forty bytes of the three hundred\n"
                          "!EOF\n",
                          NULL);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "inside a literal");
    assert_dead(k, c);
}

static void attack_literal_over_limit(const hcall *k)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_literal = 1000;
    imapclient *c = start(k, "S: * 1 FETCH (UID 2 BODY[] {5000}\nS+ xxxx\n", &o);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_ETOOBIG, c);
    h_assert_errmsg_has(c, "exceeds the limit");
    assert_dead(k, c);
}

static void attack_literal_size_overflow(const hcall *k)
{
    imapclient *c = start(k, "S: * 1 FETCH (UID 2 BODY[] {18446744073709551617}\n", NULL);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "beyond 2^63");
    assert_dead(k, c);
}

static void attack_line_too_long(const hcall *k)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_line = 512;
    hbuf t = {0};
    hb_adds(&t, "S+ * OK ");
    for (int i = 0; i < 100; i++)
        hb_adds(&t, "xxxxxxxxxx");
    hb_adds(&t, "\n");
    imapclient *c = start(k, t.p, &o);
    hb_free(&t);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_ETOOBIG, c);
    h_assert_errmsg_has(c, "longer than 512");
    assert_dead(k, c);
}

/* A flood of responses nobody asked for in the middle of the command (a
 * million "* 1 EXISTS" from a hostile server): the call still succeeds and
 * the memory the handle holds stays under the cap on kept responses plus
 * a little, however long the flood (issue 14, item 3). */
#define FLOOD_CAP   (64u << 10)
#define FLOOD_SLACK (192u << 10)
static void flood(const hcall *k, const char *line)
{
    imapclient_options o;
    hprobe p;
    h_probe_options(&o, &p, FLOOD_CAP);
    hbuf t = {0};
    char head[64];
    snprintf(head, sizeof head, "S* %zu ", h_flood_bytes() / (strlen(line) + 2));
    hb_adds(&t, head);
    hb_adds(&t, line);
    hb_adds(&t, "\n");
    hb_adds(&t, k->reply);
    hb_adds(&t, "S: @T ");
    hb_adds(&t, k->ok);
    hb_adds(&t, "\n");
    imapclient *c = start(k, t.p, &o);
    hb_free(&t);
    h_probe_start(&p, c);
    int rc = k->run(c, 0);
    if (rc != 0 && !(k->flags & H_NO_OK))
        fail_msg("%s returned %d (%s)", k->name, rc, imapclient_errmsg(c));
    size_t grew = h_probe_growth(&p);
    if (getenv("IMAPCLIENT_FLOOD_MB"))
        print_message("%s: %zu bytes of flood, at most %zu bytes held beyond the start\n",
                      k->name, h_flood_bytes(), grew);
    if (grew > FLOOD_CAP + FLOOD_SLACK)
        fail_msg("%s: %zu bytes held beyond the start under a flood of %zu bytes",
                 k->name, grew, h_flood_bytes());
    if (!(k->flags & (H_COLLECTS | H_LOGOUT))) {
        imapclient_responses *r = NULL;
        h_assert_rc(imapclient_take_responses(c, &r), 0, c);
        /* kept until the store was full, the rest counted, not silently lost
         * (none kept: the call took them, as SELECT takes EXISTS) */
        if (r->count)
            assert_true(r->dropped > 0);
        imapclient_responses_free(r);
    }
    imapclient_free(c);
}

static void attack_flood_exists(const hcall *k)
{
    flood(k, "* 1 EXISTS");
}

static void attack_flood_ok(const hcall *k)
{
    flood(k, "* OK x");
}

static void attack_timeout(const hcall *k)
{
    imapclient *c = start(k, "!TIMEOUT\n", NULL);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_ETIMEOUT, c);
    assert_dead(k, c);
}

/* An attack whose tail ends with the normal reply and the tagged OK: the
 * call must give want, and the connection must go on. */
static void survive(const hcall *k, const char *before, const char *after, int want,
                    const char *errtext, const imapclient_options *o)
{
    hbuf t = {0};
    hb_adds(&t, before);
    hb_adds(&t, k->reply);
    hb_adds(&t, after);
    hb_adds(&t, "S: @T ");
    hb_adds(&t, k->ok);
    hb_adds(&t, "\n");
    int ends = (k->flags & H_LOGOUT) != 0;
    if (!ends)
        hb_adds(&t, "C: @U NOOP\nS: @U OK noop\n");
    imapclient *c = start(k, t.p, o);
    hb_free(&t);
    /* the calls that return every untagged response also return the
     * attack's own */
    int extra = (k->flags & H_COLLECTS) && (h_has(before, "* ") || h_has(after, "* "));
    int rc = k->run(c, want == 0 && !extra ? 1 : 0);
    if (rc != want)
        fail_msg("%s returned %d (%s), expected %d", k->name, rc, imapclient_errmsg(c),
                 want);
    if (errtext)
        h_assert_errmsg_has(c, errtext);
    if (k->state_after >= 0)
        assert_int_equal(imapclient_get_state(c), k->state_after);
    if (ends) {
        h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
        imapclient_free(c);
        return;
    }
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

static void attack_too_deep(const hcall *k)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_depth = 8;
    survive(k, "S: * XDEEP ((((((((((((1))))))))))))\n", "", IMAPCLIENT_EPROTOCOL,
            "nested too deeply", &o);
}

static void attack_malformed_untagged(const hcall *k)
{
    survive(k, "S: * 1 FETCH (UID 2 FLAGS (\\Seen)\n", "", IMAPCLIENT_EPROTOCOL,
            "list not terminated", NULL);
}

/* A list left open right after a literal, then the call's own responses:
 * malformed (PROTOCOL); the line joining that reads Gmail's line break
 * after a literal must not swallow the next response (issue 14, item
 * 14). */
static void attack_open_list_after_literal(const hcall *k)
{
    survive(k, "S: * 1 FETCH (UID 2 BODY[] {3}\nS+ abc\nS: \n", "", IMAPCLIENT_EPROTOCOL,
            "list not terminated", NULL);
}

static void attack_unbalanced_paren(const hcall *k)
{
    survive(k, "", "S: * XJUNK a) b\n", IMAPCLIENT_EPROTOCOL, "unbalanced", NULL);
}

/* Lines that are not IMAP responses at all (neither "*", "+" nor a tag):
 * an empty line, Exchange's "[COPYUID 55 31 6]" alone on a line, a lone
 * ")". The command still ends on its tagged status and the lines are kept
 * as unparsed responses, tag "" and the line as text (issue 14, item 15). */
static void attack_stray_lines(const hcall *k)
{
    hbuf t = {0};
    hb_adds(&t, "S: \nS: [COPYUID 55 31 6]\n");
    hb_adds(&t, k->reply);
    hb_adds(&t, "S: )\nS: @T ");
    hb_adds(&t, k->ok);
    hb_adds(&t, "\n");
    int ends = (k->flags & H_LOGOUT) != 0;
    if (!ends)
        hb_adds(&t, "C: @U NOOP\nS: @U OK noop\n");
    imapclient *c = start(k, t.p, NULL);
    hb_free(&t);
    h_assert_rc(k->run(c, (k->flags & H_COLLECTS) ? 0 : 1), 0, c);
    if (k->state_after >= 0)
        assert_int_equal(imapclient_get_state(c), k->state_after);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_take_responses(c, &r), 0, c);
    /* kept for take_responses(), unless the call returns them all */
    const char *want[] = {"", "[COPYUID 55 31 6]", ")"};
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (r->items[i].tag[0])
            continue;
        assert_true(n < 3);
        assert_string_equal(r->items[i].name, "");
        assert_string_equal(r->items[i].text, want[n]);
        n++;
    }
    if (!(k->flags & H_COLLECTS) || n)
        assert_int_equal(n, 3);
    imapclient_responses_free(r);
    if (ends) {
        imapclient_free(c);
        return;
    }
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

/* A peer that sends nothing but lines that are not IMAP (the wrong port,
 * a proxy's error page): the call ends in EPROTOCOL and the connection is
 * closed after a bounded number of them, however many follow. */
static void attack_garbage_flood(const hcall *k)
{
    hbuf t = {0};
    for (int i = 0; i < 75; i++)
        hb_adds(&t, "S: HTTP/1.1 502 Bad Gateway\nS: [garbage]\n");
    imapclient *c = start(k, t.p, NULL);
    hb_free(&t);
    h_assert_rc(k->run(c, 0), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "not IMAP responses");
    assert_dead(k, c);
}

static void attack_number_overflow(const hcall *k)
{
    survive(k, "S: * 99999999999999999999999 EXISTS\n", "", IMAPCLIENT_EPROTOCOL,
            "out of range", NULL);
}

static void attack_garbage_completion(const hcall *k)
{
    survive(k, "", "S: @T XYZZY plugh\n", IMAPCLIENT_EPROTOCOL, "not OK, NO or BAD",
            NULL);
}

static void attack_unexpected_continuation(const hcall *k)
{
    survive(k, "S: + what now?\n", "S: + and again\n", 0, NULL, NULL);
}

static void attack_foreign_tag(const hcall *k)
{
    survive(k, "S: B123 OK [ALERT] not yours\nS: A999 NO not yours either\n", "", 0, NULL,
            NULL);
}

/* A NUL in a quoted string is kept (the value carries its length); one
 * in an atom is malformed. */
static void attack_nul_in_quoted(const hcall *k)
{
    survive(k, "S% * XNUL \"a%00b\"%0D%0A\n", "", 0, NULL, NULL);
}

static void attack_nul_in_atom(const hcall *k)
{
    survive(k, "S% * XNUL c%00d%0D%0A\n", "", IMAPCLIENT_EPROTOCOL,
            "unexpected character", NULL);
}

/* Responses of other kinds while the command runs: kept for
 * take_responses() (or returned by the calls that return them all), never
 * mixed into the typed result. */
static void attack_interleaved(const hcall *k)
{
    hbuf t = {0};
    hb_adds(&t, "S: * 2 EXPUNGE\nS: * OK [ALERT] maintenance at 5\n");
    hb_adds(&t, k->reply);
    hb_adds(&t, "S: * XUNKNOWN (foo \"bar\")\nS: * 3 FETCH (FLAGS (\\Seen))\n");
    hb_adds(&t, "S: @T ");
    hb_adds(&t, k->ok);
    hb_adds(&t, "\n");
    imapclient *c = start(k, t.p, NULL);
    hb_free(&t);
    h_assert_rc(k->run(c, 2), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_take_responses(c, &r), 0, c);
    if (k->flags & H_COLLECTS)
        assert_int_equal(r->count, 0);
    else
        check_interleaved_but(r->items, r->count, (k->flags & H_UNKNOWN) != 0);
    imapclient_responses_free(r);
    if (k->flags & H_LOGOUT)
        imapclient_free(c);
    else
        h_done(c);
}

/* NO or BAD: the call's error code, the server's words in errmsg, the
 * connection fine. */
static void refused(const hcall *k, const char *completion, const char *words)
{
    hbuf t = {0};
    hb_adds(&t, k->reply);
    hb_adds(&t, completion);
    hb_adds(&t, "C: @U NOOP\nS: @U OK noop\n");
    imapclient *c = start(k, t.p, NULL);
    hb_free(&t);
    h_assert_rc(k->run(c, 0), k->no_rc, c);
    h_assert_errmsg_has(c, words);
    assert_int_equal(imapclient_errcode(c), k->no_rc);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

static void attack_no_trycreate(const hcall *k)
{
    refused(k, "S: @T NO [TRYCREATE] Mailbox doesn't exist: Archive\n",
            "NO [TRYCREATE] Mailbox doesn't exist: Archive");
}

static void attack_no_alert(const hcall *k)
{
    refused(k, "S: @T NO [ALERT] Your account is locked\n",
            "NO [ALERT] Your account is locked");
}

static void attack_bad(const hcall *k)
{
    refused(k, "S: @T BAD [CLIENTBUG] Syntax error\n", "BAD [CLIENTBUG] Syntax error");
}

static void attack_no_bare(const hcall *k)
{
    refused(k, "S: @T NO\n", "NO");
}

typedef struct attack {
    const char *name;
    void (*fn)(const hcall *k);
    unsigned skip; /* flags of calls it does not apply to */
} attack;

#define ENDS_OK (H_NO_OK)
static const attack attacks[] = {
    {"closed_before_command", attack_closed_before_command, 0},
    {"eof_mid_response", attack_eof_mid_response, 0},
    {"eof_between_responses", attack_eof_between_responses, H_LOGOUT},
    {"bye_mid_command", attack_bye_mid_command, H_LOGOUT},
    {"literal_then_eof", attack_literal_then_eof, 0},
    {"literal_over_limit", attack_literal_over_limit, 0},
    {"literal_size_overflow", attack_literal_size_overflow, 0},
    {"line_too_long", attack_line_too_long, 0},
    {"timeout", attack_timeout, 0},
    {"flood_exists", attack_flood_exists, ENDS_OK},
    {"flood_ok", attack_flood_ok, ENDS_OK},
    {"too_deep", attack_too_deep, ENDS_OK},
    {"malformed_untagged", attack_malformed_untagged, ENDS_OK},
    {"unbalanced_paren", attack_unbalanced_paren, ENDS_OK},
    {"open_list_after_literal", attack_open_list_after_literal, ENDS_OK},
    {"stray_lines", attack_stray_lines, ENDS_OK},
    {"garbage_flood", attack_garbage_flood, 0},
    {"number_overflow", attack_number_overflow, ENDS_OK},
    {"garbage_completion", attack_garbage_completion, ENDS_OK},
    {"unexpected_continuation", attack_unexpected_continuation, ENDS_OK | H_AUTH},
    {"foreign_tag", attack_foreign_tag, ENDS_OK},
    {"nul_in_quoted", attack_nul_in_quoted, ENDS_OK},
    {"nul_in_atom", attack_nul_in_atom, ENDS_OK},
    {"interleaved", attack_interleaved, ENDS_OK},
    {"no_trycreate", attack_no_trycreate, 0},
    {"no_alert", attack_no_alert, 0},
    {"bad", attack_bad, 0},
    {"no_bare", attack_no_bare, 0},
};

#define NATTACKS (sizeof attacks / sizeof attacks[0])

typedef struct hcase {
    const attack *a;
    const hcall *k;
    char name[128];
} hcase;

static void run_case(void **state)
{
    const hcase *hc = *state;
    hc->a->fn(hc->k);
}

/* Every (attack, call) pair as its own test, test_hostile__<attack>__<call>. */
static int hostile_run_matrix(const char *group, const hcall *calls, size_t ncalls)
{
    hcase *cases = calloc(NATTACKS * ncalls, sizeof *cases);
    struct CMUnitTest *tests = calloc(NATTACKS * ncalls, sizeof *tests);
    if (!cases || !tests)
        return 1;
    size_t n = 0;
    for (size_t a = 0; a < NATTACKS; a++)
        for (size_t k = 0; k < ncalls; k++) {
            if (attacks[a].skip & calls[k].flags)
                continue;
            hcase *hc = &cases[n];
            hc->a = &attacks[a];
            hc->k = &calls[k];
            snprintf(hc->name, sizeof hc->name, "test_hostile__%s__%s", attacks[a].name,
                     calls[k].name);
            tests[n] = (struct CMUnitTest){
                .name = hc->name, .test_func = run_case, .initial_state = hc};
            n++;
        }
    /* HOSTILE_FILTER=pattern runs some cases only (cmocka's wildcards) */
    if (getenv("HOSTILE_FILTER"))
        cmocka_set_test_filter(getenv("HOSTILE_FILTER"));
    int rc = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
    free(tests);
    free(cases);
    return rc;
}

#endif
