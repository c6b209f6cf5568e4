/* The session layer (imapclient/session.h) on canned server bytes: each
 * connection the session makes plays the next script, so a test reads as
 * the conversation across reconnects.
 *
 * - first connection: login, ENABLE QRESYNC, SELECT, the whole folder read
 *   (READY), IDLE; pushed changes applied, reported as CHANGES;
 * - reconnect: RESUMED with what changed while away (QRESYNC CHANGEDSINCE
 *   and VANISHED (EARLIER); or the UID FETCH comparison without QRESYNC),
 *   RESYNC when UIDVALIDITY changed, IDLE again;
 * - commands in flight at the loss: idempotent ones started again, others
 *   reported; an APPEND found by Message-ID, or appended again;
 * - login refused (FAILED), OAuth2 token refreshed once, backoff with
 *   jitter and max_attempts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#include <poll.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- scripts, one per connection --------------------------------------------- */

typedef struct scripts {
    const char *v[8];
    int n, next;
    imapclient *last; /* the last handle made (for script checks) */
    char sent[8][4096];
    int played[8];
} scripts;

static int connect_scripted(void *payload, const char *host,
                            const imapclient_options *opts, imapclient_done_cb cb,
                            void *user, imapclient **out)
{
    scripts *sc = payload;
    if (sc->next >= sc->n)
        return IMAPCLIENT_ECONNECT;
    int rc = imapclient_connect_scripted(sc->v[sc->next++], opts, out);
    sc->last = *out;
    return rc < 0 ? rc : 1;
}

/* ---- what the session reported --------------------------------------------------- */

typedef struct ev {
    imapclient_session_event_type type;
    int status;
    char err[300];
    unsigned attempt;
    int retry_in;
    char added[512], vanished[256], changed[512]; /* "uid:flags uid:flags", "uid uid" */
    size_t exists;
    uint32_t uidvalidity;
    uint64_t modseq;
    char method[40];
} ev;

typedef struct log {
    ev e[32];
    int n;
    /* the caller's view, built from the events: uid -> flags */
    uint32_t uid[64];
    char flags[64][64];
    int nview;
} log;

static void msgs_text(char *dst, size_t size, const imapclient_session_msg *m, size_t n)
{
    dst[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(dst);
        snprintf(dst + l, size - l, "%s%u:", i ? " " : "", (unsigned)m[i].uid);
        for (size_t j = 0; j < m[i].flag_count; j++) {
            l = strlen(dst);
            snprintf(dst + l, size - l, "%s%s", j ? "," : "", m[i].flags[j]);
        }
    }
}

static int view_find(log *lg, uint32_t uid)
{
    for (int i = 0; i < lg->nview; i++)
        if (lg->uid[i] == uid)
            return i;
    return -1;
}

static void on_event(void *payload, imapclient_session *s,
                     const imapclient_session_event *e)
{
    log *lg = payload;
    assert_true(lg->n < 32);
    ev *x = &lg->e[lg->n++];
    x->type = e->type;
    x->status = e->status;
    snprintf(x->err, sizeof x->err, "%s", e->errmsg);
    x->attempt = e->attempt;
    x->retry_in = e->retry_in_ms;
    msgs_text(x->added, sizeof x->added, e->added, e->added_count);
    msgs_text(x->changed, sizeof x->changed, e->changed, e->changed_count);
    x->vanished[0] = '\0';
    for (size_t i = 0; i < e->vanished_count; i++) {
        size_t l = strlen(x->vanished);
        snprintf(x->vanished + l, sizeof x->vanished - l, "%s%u", i ? " " : "",
                 (unsigned)e->vanished[i]);
    }
    x->exists = e->exists;
    x->uidvalidity = e->uidvalidity;
    x->modseq = e->highestmodseq;
    snprintf(x->method, sizeof x->method, "%s", e->method);
    if (getenv("SESSION_TEST_DEBUG"))
        print_message(
            "event %d: added [%s] vanished [%s] changed [%s] exists %zu err %s\n",
            (int)e->type, x->added, x->vanished, x->changed, e->exists, e->errmsg);
    /* apply to the caller's view: nothing twice, nothing missing */
    if (e->type == IMAPCLIENT_SESSION_READY || e->type == IMAPCLIENT_SESSION_RESYNC)
        lg->nview = 0;
    for (size_t i = 0; i < e->vanished_count; i++) {
        int k = view_find(lg, e->vanished[i]);
        assert_true(k >= 0); /* reported vanished, never known */
        lg->uid[k] = lg->uid[--lg->nview];
        memcpy(lg->flags[k], lg->flags[lg->nview], sizeof lg->flags[k]);
    }
    for (size_t i = 0; i < e->added_count; i++) {
        assert_int_equal(view_find(lg, e->added[i].uid), -1); /* added twice */
        assert_true(lg->nview < 64);
        lg->uid[lg->nview] = e->added[i].uid;
        msgs_text(lg->flags[lg->nview], sizeof lg->flags[0], &e->added[i], 1);
        lg->nview++;
    }
    for (size_t i = 0; i < e->changed_count; i++) {
        int k = view_find(lg, e->changed[i].uid);
        assert_true(k >= 0);
        msgs_text(lg->flags[k], sizeof lg->flags[0], &e->changed[i], 1);
    }
    if (lg->nview)
        assert_int_equal((size_t)lg->nview, e->exists);
}

/* Drive until n events came (or the session failed, or max_ms). */
static void run_until(imapclient_session *s, log *lg, int n, int max_ms)
{
    long long end = now_ms() + max_ms;
    while (lg->n < n && now_ms() < end) {
        if (imapclient_session_run(s, 5) < 0)
            break;
    }
}

static void base_cfg(imapclient_session_config *cfg, scripts *sc, log *lg)
{
    imapclient_session_config_init(cfg);
    cfg->host = "scripted";
    cfg->opts.ssl = 0;
    cfg->auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
    cfg->username = "me";
    cfg->password = "pw";
    cfg->folder = "INBOX";
    cfg->backoff_initial_ms = 2;
    cfg->backoff_max_ms = 8;
    cfg->on_event = on_event;
    cfg->event_payload = lg;
    cfg->connect = connect_scripted;
    cfg->connect_payload = sc;
}

#define CAPS "IMAP4rev1 LITERAL+ IDLE ENABLE CONDSTORE QRESYNC UIDPLUS"
#define GREET_LOGIN(caps)                                                                \
    "S: * OK [CAPABILITY " caps "] ready\n"                                              \
    "C: A001 LOGIN me pw\n"                                                              \
    "S: A001 OK [CAPABILITY " caps "] in\n"
#define ENABLE_QRESYNC                                                                   \
    "C: A002 ENABLE QRESYNC\n"                                                           \
    "S: * ENABLED QRESYNC\n"                                                             \
    "S: A002 OK enabled\n"

static void expect(const log *lg, int i, imapclient_session_event_type t)
{
    if (lg->n <= i)
        fail_msg("event %d missing (have %d)", i, lg->n);
    if (lg->e[i].type != t)
        fail_msg("event %d: type %d, expected %d (%s)", i, lg->e[i].type, t,
                 lg->e[i].err);
}

/* QRESYNC: READY with the folder, changes pushed during IDLE applied as
 * they come, EOF, then RESUMED with what changed while away. */
static void test_session_layer__qresync_resume(void **state)
{
    scripts sc = {.v = {GREET_LOGIN(CAPS) ENABLE_QRESYNC
                        "C: A003 SELECT INBOX\n"
                        "S: * 2 EXISTS\n"
                        "S: * OK [UIDVALIDITY 7] v\n"
                        "S: * OK [HIGHESTMODSEQ 100] m\n"
                        "S: A003 OK [READ-WRITE] selected\n"
                        "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                        "S: * 1 FETCH (UID 5 FLAGS (\\Seen \\Recent) MODSEQ (90))\n"
                        "S: * 2 FETCH (UID 6 FLAGS () MODSEQ (95))\n"
                        "S: A004 OK fetched\n"
                        "C: A005 IDLE\n"
                        "S: + idling\n"
                        "S: * 2 FETCH (UID 6 FLAGS (\\Answered) MODSEQ (101))\n"
                        "S: * VANISHED 5\n"
                        "!EOF\n",
                        GREET_LOGIN(CAPS) ENABLE_QRESYNC
                        "C: A003 SELECT INBOX\n"
                        "S: * 2 EXISTS\n"
                        "S: * OK [UIDVALIDITY 7] v\n"
                        "S: * OK [HIGHESTMODSEQ 130] m\n"
                        "S: A003 OK [READ-WRITE] selected\n"
                        "C: A004 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 100 VANISHED)\n"
                        "S: * VANISHED (EARLIER) 3:4,6\n"
                        "S: * 1 FETCH (UID 8 FLAGS (\\Flagged) MODSEQ (120))\n"
                        "S: * 2 FETCH (UID 9 FLAGS () MODSEQ (125))\n"
                        "S: A004 OK fetched\n"
                        "C: A005 IDLE\n"
                        "S: + idling\n"},
                  .n = 2};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 4, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    assert_string_equal(lg.e[0].added, "5:\\Seen 6:");
    assert_string_equal(lg.e[0].method, "QRESYNC");
    assert_int_equal(lg.e[0].uidvalidity, 7);
    assert_int_equal(lg.e[0].modseq, 100);
    expect(&lg, 1, IMAPCLIENT_SESSION_CHANGES);
    assert_string_equal(lg.e[1].changed, "6:\\Answered");
    assert_string_equal(lg.e[1].vanished, "5");
    assert_int_equal(lg.e[1].exists, 1);
    expect(&lg, 2, IMAPCLIENT_SESSION_DISCONNECTED);
    assert_int_equal(lg.e[2].status, IMAPCLIENT_EABORT);
    assert_int_equal(lg.e[2].attempt, 1);
    assert_true(lg.e[2].retry_in >= 1 && lg.e[2].retry_in <= 2);
    expect(&lg, 3, IMAPCLIENT_SESSION_RESUMED);
    assert_string_equal(lg.e[3].vanished, "6");
    assert_string_equal(lg.e[3].added, "8:\\Flagged 9:");
    assert_string_equal(lg.e[3].changed, "");
    assert_int_equal(lg.e[3].modseq, 130);
    run_until(s, &lg, 5, 100);
    assert_int_equal(lg.n, 4);
    assert_int_equal(imapclient_session_get_state(s), IMAPCLIENT_SESSION_CONNECTED);
    assert_non_null(imapclient_session_handle(s));
    assert_int_equal(imapclient_script_done(sc.last), 1);
    assert_int_equal(lg.nview, 2);
    imapclient_session_free(s);
}

/* What the caller asked to ENABLE is enabled again on every connection,
 * with QRESYNC, before the folder is selected again. */
#define UTF8_CAPS CAPS " UTF8=ACCEPT"
#define ENABLE_BOTH                                                                      \
    "C: A002 ENABLE UTF8=ACCEPT QRESYNC\n"                                               \
    "S: * ENABLED UTF8=ACCEPT QRESYNC\n"                                                 \
    "S: A002 OK enabled\n"
static void test_session_layer__enabled_again(void **state)
{
    scripts sc = {.v = {GREET_LOGIN(UTF8_CAPS) ENABLE_BOTH
                        "C: A003 SELECT INBOX\n"
                        "S: * 1 EXISTS\n"
                        "S: * OK [UIDVALIDITY 7] v\n"
                        "S: * OK [HIGHESTMODSEQ 100] m\n"
                        "S: A003 OK [READ-WRITE] selected\n"
                        "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                        "S: * 1 FETCH (UID 5 FLAGS () MODSEQ (90))\n"
                        "S: A004 OK fetched\n"
                        "C: A005 IDLE\n"
                        "S: + idling\n"
                        "!EOF\n",
                        GREET_LOGIN(UTF8_CAPS) ENABLE_BOTH
                        "C: A003 SELECT INBOX\n"
                        "S: * 1 EXISTS\n"
                        "S: * OK [UIDVALIDITY 7] v\n"
                        "S: * OK [HIGHESTMODSEQ 100] m\n"
                        "S: A003 OK [READ-WRITE] selected\n"
                        "C: A004 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 100 VANISHED)\n"
                        "S: A004 OK fetched\n"
                        "C: A005 IDLE\n"
                        "S: + idling\n"},
                  .n = 2};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    const char *const enable[] = {"UTF8=ACCEPT", NULL};
    cfg.enable = enable;
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 3, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    expect(&lg, 1, IMAPCLIENT_SESSION_DISCONNECTED);
    expect(&lg, 2, IMAPCLIENT_SESSION_RESUMED);
    assert_string_equal(lg.e[2].added, "");
    assert_string_equal(lg.e[2].vanished, "");
    imapclient *c = imapclient_session_handle(s);
    assert_non_null(c);
    assert_int_equal(imapclient_is_enabled(c, "UTF8=ACCEPT"), 1);
    assert_int_equal(imapclient_is_enabled(c, "QRESYNC"), 1);
    run_until(s, &lg, 4, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

#define PLAIN_CAPS "IMAP4rev1 LITERAL+ IDLE UIDPLUS"
#define SELECT_INBOX(tag, validity)                                                      \
    "C: " tag " SELECT INBOX\n"                                                          \
    "S: * OK [UIDVALIDITY " validity "] v\n"                                             \
    "S: " tag " OK [READ-WRITE] selected\n"

/* Without QRESYNC: pushed changes only call for a read, which is compared
 * with the map; the same after the reconnect. */
static void test_session_layer__compare_resume(void **state)
{
    scripts sc = {
        .v = {GREET_LOGIN(PLAIN_CAPS)
                  SELECT_INBOX("A003", "7") "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                                            "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n"
                                            "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                            "S: * 3 FETCH (UID 3 FLAGS ())\n"
                                            "S: A004 OK fetched\n"
                                            "C: A005 IDLE\n"
                                            "S: + idling\n"
                                            "S: * 4 EXISTS\n"
                                            "C: DONE\n"
                                            "S: A005 OK done\n"
                                            "C: A006 UID FETCH 1:* (UID FLAGS)\n"
                                            "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\n"
                                            "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                            "S: * 3 FETCH (UID 3 FLAGS ())\n"
                                            "S: * 4 FETCH (UID 4 FLAGS (\\Draft))\n"
                                            "S: A006 OK fetched\n"
                                            "C: A007 IDLE\n"
                                            "S: + idling\n"
                                            "!EOF\n",
              GREET_LOGIN(PLAIN_CAPS)
                  SELECT_INBOX("A003", "7") "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                                            "S: * 1 FETCH (UID 2 FLAGS ())\n"
                                            "S: * 2 FETCH (UID 3 FLAGS (\\Flagged))\n"
                                            "S: * 3 FETCH (UID 4 FLAGS (\\Draft))\n"
                                            "S: * 4 FETCH (UID 5 FLAGS ())\n"
                                            "S: A004 OK fetched\n"
                                            "C: A005 IDLE\n"
                                            "S: + idling\n"},
        .n = 2};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 4, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    assert_string_equal(lg.e[0].added, "1:\\Seen 2: 3:");
    assert_string_equal(lg.e[0].method, "UID FETCH comparison");
    expect(&lg, 1, IMAPCLIENT_SESSION_CHANGES);
    assert_string_equal(lg.e[1].added, "4:\\Draft");
    assert_string_equal(lg.e[1].vanished, "");
    expect(&lg, 2, IMAPCLIENT_SESSION_DISCONNECTED);
    expect(&lg, 3, IMAPCLIENT_SESSION_RESUMED);
    assert_string_equal(lg.e[3].vanished, "1");
    assert_string_equal(lg.e[3].changed, "3:\\Flagged");
    assert_string_equal(lg.e[3].added, "5:");
    assert_int_equal(lg.e[3].exists, 4);
    run_until(s, &lg, 5, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* UIDVALIDITY changed while away: RESYNC with the whole folder. */
static void test_session_layer__uidvalidity_changed(void **state)
{
    scripts sc = {
        .v = {GREET_LOGIN(PLAIN_CAPS)
                  SELECT_INBOX("A003", "7") "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                                            "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                            "S: A004 OK fetched\n"
                                            "C: A005 IDLE\n"
                                            "S: + idling\n"
                                            "!EOF\n",
              GREET_LOGIN(PLAIN_CAPS)
                  SELECT_INBOX("A003", "8") "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                                            "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                            "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                            "S: A004 OK fetched\n"
                                            "C: A005 IDLE\n"
                                            "S: + idling\n"},
        .n = 2};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 3, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    expect(&lg, 1, IMAPCLIENT_SESSION_DISCONNECTED);
    expect(&lg, 2, IMAPCLIENT_SESSION_RESYNC);
    assert_string_equal(lg.e[2].added, "1: 2:");
    assert_int_equal(lg.e[2].uidvalidity, 8);
    run_until(s, &lg, 4, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* ---- commands through the session --------------------------------------------- */

typedef struct done_log {
    int n;
    imapclient_op op[8];
    int status[8];
    char err[8][400];
    char text[8][200];
    long count[8];
    uint32_t uid[8];
} done_log;

static void on_done(imapclient *c, imapclient_completion *d)
{
    done_log *l = d->user;
    assert_true(l->n < 8);
    int i = l->n++;
    l->op[i] = d->op;
    l->status[i] = d->status;
    snprintf(l->err[i], sizeof l->err[i], "%s", d->errmsg);
    snprintf(l->text[i], sizeof l->text[i], "%s", d->text);
    l->count[i] = -1;
    if (d->result && d->op == IMAPCLIENT_OP_FETCH)
        l->count[i] = (long)((imapclient_fetch_result *)d->result)->count;
    if (d->result && d->op == IMAPCLIENT_OP_APPEND) {
        const imapclient_append_result *a = d->result;
        l->count[i] = (long)a->count;
        l->uid[i] = a->count ? a->uids[0] : 0;
    }
}

static const char *const flags_item[] = {"FLAGS", NULL};

static int start_fetch(imapclient *c, void *arg, imapclient_done_cb cb, void *user,
                       uint64_t *id)
{
    return imapclient_start_fetch(c, arg, flags_item, NULL, cb, user, id);
}

#define READY_3(tag)                                                                     \
    "C: " tag " UID FETCH 1:* (UID FLAGS)\n"                                             \
    "S: * 1 FETCH (UID 1 FLAGS ())\n"                                                    \
    "S: * 2 FETCH (UID 2 FLAGS ())\n"                                                    \
    "S: * 3 FETCH (UID 3 FLAGS ())\n"                                                    \
    "S: " tag " OK fetched\n"

/* Two fetches in flight when the connection drops: the idempotent one is
 * started again on the next connection, the other reports the loss. */
static void test_session_layer__commands_in_flight(void **state)
{
    scripts sc = {.v = {GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX("A003", "7")
                            READY_3("A004") "C: A005 IDLE\n"
                                            "S: + idling\n"
                                            "C: DONE\n"
                                            "S: A005 OK done\n"
                                            "C: A006 UID FETCH 2 (FLAGS)\n"
                                            "C: A007 UID FETCH 3 (FLAGS)\n"
                                            "!EOF\n",
                        GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX("A003", "7")
                            READY_3("A004") "C: A005 UID FETCH 2 (FLAGS)\n"
                                            "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                            "S: A005 OK fetched\n"
                                            "C: A006 UID FETCH 1:* (UID FLAGS)\n"
                                            "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                            "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                            "S: * 3 FETCH (UID 3 FLAGS ())\n"
                                            "S: A006 OK fetched\n"
                                            "C: A007 IDLE\n"
                                            "S: + idling\n"},
                  .n = 2};
    log lg = {0};
    done_log dl = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 1, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    /* in IDLE: both wait for DONE */
    assert_int_equal(imapclient_session_submit(s, start_fetch, "2",
                                               IMAPCLIENT_SESSION_IDEMPOTENT, on_done,
                                               &dl),
                     0);
    assert_int_equal(imapclient_session_submit(s, start_fetch, "3", 0, on_done, &dl), 0);
    long long end = now_ms() + 3000;
    while (dl.n < 2 && now_ms() < end)
        assert_int_equal(imapclient_session_run(s, 5), 0);
    assert_int_equal(dl.n, 2);
    /* the one not retried reports the loss first (the other waited) */
    assert_int_equal(dl.status[0], IMAPCLIENT_EABORT);
    assert_non_null(strstr(dl.err[0], "not retried"));
    assert_int_equal(dl.status[1], 0);
    assert_int_equal(dl.count[1], 1);
    run_until(s, &lg, 9, 50);
    expect(&lg, 1, IMAPCLIENT_SESSION_DISCONNECTED);
    expect(&lg, 2, IMAPCLIENT_SESSION_RESUMED);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

#define MSG_ID "Message-ID: <m1@example.org>\r\nSubject: t\r\n\r\nbody\r\n"
#define MSG_ID_SCRIPT                                                                    \
    "C+ Message-ID: <m1@example.org>\nC% %0D%0A\nC+ Subject: t\nC% %0D%0A%0D%0A\nC+ "    \
    "body\nC% %0D%0A\n"

/* An APPEND cut off: after the reconnect its Message-ID is looked for,
 * above the UIDs known before it, and found: a success with its UID. */
static void test_session_layer__append_found_by_message_id(void **state)
{
    scripts sc = {
        .v = {GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX("A003", "7") READY_3(
                  "A004") "C: A005 IDLE\n"
                          "S: + idling\n"
                          "C: DONE\n"
                          "S: A005 OK done\n"
                          "C: A006 APPEND \"INBOX\" () {50+}\n" MSG_ID_SCRIPT "C: \n"
                          "!EOF\n",
              GREET_LOGIN(PLAIN_CAPS) "C: A003 EXAMINE INBOX\n"
                                      "S: * OK [UIDVALIDITY 7] v\n"
                                      "S: A003 OK [READ-ONLY] examined\n"
                                      "C: A004 UID SEARCH UID 4:* HEADER Message-ID "
                                      "<m1@example.org>\n"
                                      "S: * SEARCH 4\n"
                                      "S: A004 OK searched\n" SELECT_INBOX(
                                          "A005",
                                          "7") "C: A006 UID FETCH 1:* (UID FLAGS)\n"
                                               "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                               "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                               "S: * 3 FETCH (UID 3 FLAGS ())\n"
                                               "S: * 4 FETCH (UID 4 FLAGS ())\n"
                                               "S: A006 OK fetched\n"
                                               "C: A007 IDLE\n"
                                               "S: + idling\n"},
        .n = 2};
    log lg = {0};
    done_log dl = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 1, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    const char m[] = MSG_ID;
    assert_int_equal(
        imapclient_session_append(s, "INBOX", m, sizeof m - 1, NULL, on_done, &dl), 0);
    long long end = now_ms() + 3000;
    while (dl.n < 1 && now_ms() < end)
        assert_int_equal(imapclient_session_run(s, 5), 0);
    assert_int_equal(dl.n, 1);
    assert_int_equal(dl.op[0], IMAPCLIENT_OP_APPEND);
    assert_int_equal(dl.status[0], 0);
    assert_int_equal(dl.count[0], 1);
    assert_int_equal(dl.uid[0], 4);
    assert_non_null(strstr(dl.text[0], "found by Message-ID"));
    run_until(s, &lg, 3, 3000);
    expect(&lg, 2, IMAPCLIENT_SESSION_RESUMED);
    assert_string_equal(lg.e[2].added, "4:");
    run_until(s, &lg, 4, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* Not found: appended again, once; an APPEND without Message-ID that is
 * cut off reports the loss. */
static void test_session_layer__append_not_found_sent_again(void **state)
{
    scripts sc = {
        .v = {GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX("A003", "7") READY_3(
                  "A004") "C: A005 IDLE\n"
                          "S: + idling\n"
                          "C: DONE\n"
                          "S: A005 OK done\n"
                          "C: A006 APPEND \"INBOX\" () {50+}\n" MSG_ID_SCRIPT "C: \n"
                          "C: A007 APPEND \"INBOX\" () {24+}\n"
                          "C+ Subject: no id\nC% %0D%0A%0D%0A\nC+ body\nC% %0D%0A\nC: \n"
                          "!EOF\n",
              GREET_LOGIN(
                  PLAIN_CAPS) "C: A003 EXAMINE INBOX\n"
                              "S: * OK [UIDVALIDITY 7] v\n"
                              "S: A003 OK [READ-ONLY] examined\n"
                              "C: A004 UID SEARCH UID 4:* HEADER Message-ID "
                              "<m1@example.org>\n"
                              "S: * SEARCH 3\n" /* "4:*" names the highest: an old one */
                              "S: A004 OK searched\n" SELECT_INBOX("A005", "7")
                                  READY_3("A006")
              /* a second later, once in step, once more */
              "C: A007 IDLE\n"
              "S: + idling\n"
              "C: DONE\n"
              "S: A007 OK done\n"
              "C: A008 UID SEARCH UID 4:* HEADER Message-ID <m1@example.org>\n"
              "S: * SEARCH\n"
              "S: A008 OK searched\n"
              "C: A009 APPEND \"INBOX\" () {50+}\n" MSG_ID_SCRIPT "C: \n"
              "S: A009 OK [APPENDUID 7 4] appended\n"
              "C: A010 UID FETCH 1:* (UID FLAGS)\n"
              "S: * 1 FETCH (UID 1 FLAGS ())\n"
              "S: * 2 FETCH (UID 2 FLAGS ())\n"
              "S: * 3 FETCH (UID 3 FLAGS ())\n"
              "S: * 4 FETCH (UID 4 FLAGS ())\n"
              "S: A010 OK fetched\n"
              "C: A011 IDLE\n"
              "S: + idling\n"},
        .n = 2};
    log lg = {0};
    done_log dl = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 1, 3000);
    const char m[] = MSG_ID, m2[] = "Subject: no id\r\n\r\nbody\r\n";
    assert_int_equal(
        imapclient_session_append(s, "INBOX", m, sizeof m - 1, NULL, on_done, &dl), 0);
    assert_int_equal(
        imapclient_session_append(s, "INBOX", m2, sizeof m2 - 1, NULL, on_done, &dl), 0);
    long long end = now_ms() + 3000;
    while (dl.n < 2 && now_ms() < end)
        assert_int_equal(imapclient_session_run(s, 5), 0);
    assert_int_equal(dl.n, 2);
    assert_int_equal(dl.status[0], IMAPCLIENT_EABORT);
    assert_non_null(strstr(dl.err[0], "without Message-ID"));
    assert_int_equal(dl.status[1], 0);
    assert_int_equal(dl.uid[1], 4);
    run_until(s, &lg, 4, 3000);
    expect(&lg, 2, IMAPCLIENT_SESSION_RESUMED);
    expect(&lg, 3, IMAPCLIENT_SESSION_CHANGES);
    assert_string_equal(lg.e[3].added, "4:");
    run_until(s, &lg, 5, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* The lost connection's APPEND shows up only for the second search (the
 * server was still saving it): found, not sent again. */
static void test_session_layer__append_found_on_second_search(void **state)
{
    scripts sc = {
        .v = {GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX("A003", "7") READY_3(
                  "A004") "C: A005 IDLE\n"
                          "S: + idling\n"
                          "C: DONE\n"
                          "S: A005 OK done\n"
                          "C: A006 APPEND \"INBOX\" () {50+}\n" MSG_ID_SCRIPT "C: \n"
                          "!EOF\n",
              GREET_LOGIN(PLAIN_CAPS) "C: A003 EXAMINE INBOX\n"
                                      "S: * OK [UIDVALIDITY 7] v\n"
                                      "S: A003 OK [READ-ONLY] examined\n"
                                      "C: A004 UID SEARCH UID 4:* HEADER Message-ID "
                                      "<m1@example.org>\n"
                                      "S: * SEARCH\n"
                                      "S: A004 OK searched\n" SELECT_INBOX(
                                          "A005",
                                          "7") "C: A006 UID FETCH 1:* (UID FLAGS)\n"
                                               "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                               "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                               "S: * 3 FETCH (UID 3 FLAGS ())\n"
                                               "S: * 4 FETCH (UID 4 FLAGS ())\n"
                                               "S: A006 OK fetched\n"
                                               "C: A007 IDLE\n"
                                               "S: + idling\n"
                                               "C: DONE\n"
                                               "S: A007 OK done\n"
                                               "C: A008 UID SEARCH UID 4:* HEADER "
                                               "Message-ID <m1@example.org>\n"
                                               "S: * SEARCH 4\n"
                                               "S: A008 OK searched\n"
                                               "C: A009 IDLE\n"
                                               "S: + idling\n"},
        .n = 2};
    log lg = {0};
    done_log dl = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 1, 3000);
    const char m[] = MSG_ID;
    assert_int_equal(
        imapclient_session_append(s, "INBOX", m, sizeof m - 1, NULL, on_done, &dl), 0);
    long long t0 = now_ms(), end = t0 + 5000;
    while (dl.n < 1 && now_ms() < end)
        assert_int_equal(imapclient_session_run(s, 5), 0);
    assert_int_equal(dl.n, 1);
    assert_int_equal(dl.status[0], 0);
    assert_int_equal(dl.uid[0], 4);
    assert_true(now_ms() - t0 >= 1000); /* the second search waited */
    run_until(s, &lg, 3, 3000);
    expect(&lg, 2, IMAPCLIENT_SESSION_RESUMED);
    assert_string_equal(lg.e[2].added, "4:");
    run_until(s, &lg, 4, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* ---- giving up, tokens, backoff ------------------------------------------------ */

static void test_session_layer__login_refused_fails(void **state)
{
    scripts sc = {.v = {"S: * OK [CAPABILITY " PLAIN_CAPS "] ready\n"
                        "C: A001 LOGIN me pw\n"
                        "S: A001 NO [AUTHENTICATIONFAILED] wrong password\n"},
                  .n = 1};
    log lg = {0};
    done_log dl = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    assert_int_equal(imapclient_session_submit(s, start_fetch, "1", 0, on_done, &dl), 0);
    run_until(s, &lg, 1, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_FAILED);
    assert_int_equal(lg.e[0].status, IMAPCLIENT_ELOGIN);
    assert_non_null(strstr(lg.e[0].err, "wrong password"));
    assert_int_equal(imapclient_session_drive(s), IMAPCLIENT_ELOGIN);
    assert_int_equal(imapclient_session_get_state(s), IMAPCLIENT_SESSION_GAVE_UP);
    assert_null(imapclient_session_handle(s));
    assert_int_equal(imapclient_session_submit(s, start_fetch, "1", 0, on_done, &dl),
                     IMAPCLIENT_ELOGIN);
    assert_int_equal(dl.n, 0);
    imapclient_session_free(s);
    /* the command never ran: its completion comes at free */
    assert_int_equal(dl.n, 1);
    assert_int_equal(dl.status[0], IMAPCLIENT_EABORT);
}

typedef struct tokens {
    int calls, refreshes;
} tokens;

static int token_cb(void *payload, int refresh, char *buf, size_t size)
{
    tokens *t = payload;
    t->calls++;
    t->refreshes += refresh;
    snprintf(buf, size, "tok-%d", t->refreshes);
    return 0;
}

/* XOAUTH2: the server refuses the token; a fresh one is asked for and
 * accepted. */
static void test_session_layer__oauth2_token_refreshed(void **state)
{
    scripts sc = {
        .v = {"S: * OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 IDLE] ready\n"
              "C: A001 AUTHENTICATE XOAUTH2 dXNlcj1tZQFhdXRoPUJlYXJlciB0b2stMAEB\n"
              "S: A001 NO [AUTHENTICATIONFAILED] token expired\n"
              "C: A002 AUTHENTICATE XOAUTH2 dXNlcj1tZQFhdXRoPUJlYXJlciB0b2stMQEB\n"
              "S: A002 OK [CAPABILITY IMAP4rev1 IDLE] in\n"
              "C: A003 IDLE\n"
              "S: + idling\n"},
        .n = 1};
    log lg = {0};
    tokens tk = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    cfg.auth = IMAPCLIENT_SESSION_AUTH_XOAUTH2;
    cfg.password = NULL;
    cfg.token = token_cb;
    cfg.token_payload = &tk;
    cfg.folder = NULL;
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 1, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    assert_int_equal(tk.calls, 2);
    assert_int_equal(tk.refreshes, 1);
    run_until(s, &lg, 2, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* No server: attempts back off exponentially with jitter, and the session
 * gives up after max_attempts. */
static void test_session_layer__backoff_and_max_attempts(void **state)
{
    scripts sc = {.n = 0};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    cfg.backoff_initial_ms = 40;
    cfg.backoff_max_ms = 70;
    cfg.max_attempts = 4;
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    long long t0 = now_ms();
    run_until(s, &lg, 4, 3000);
    long long took = now_ms() - t0;
    expect(&lg, 0, IMAPCLIENT_SESSION_DISCONNECTED);
    expect(&lg, 1, IMAPCLIENT_SESSION_DISCONNECTED);
    expect(&lg, 2, IMAPCLIENT_SESSION_DISCONNECTED);
    expect(&lg, 3, IMAPCLIENT_SESSION_FAILED);
    assert_int_equal(lg.e[0].status, IMAPCLIENT_ECONNECT);
    assert_int_equal(lg.e[0].attempt, 1);
    assert_true(lg.e[0].retry_in >= 20 && lg.e[0].retry_in <= 40);
    assert_int_equal(lg.e[1].attempt, 2);
    assert_true(lg.e[1].retry_in >= 35 && lg.e[1].retry_in <= 70); /* 80 capped at 70 */
    assert_true(lg.e[2].retry_in >= 35 && lg.e[2].retry_in <= 70);
    assert_non_null(strstr(lg.e[3].err, "gave up after 4 attempts"));
    assert_true(took >= lg.e[0].retry_in + lg.e[1].retry_in + lg.e[2].retry_in);
    imapclient_session_free(s);
}

static void on_refreshed(imapclient *c, imapclient_completion *d)
{
    int *n = d->user;
    assert_int_equal(d->status, 0);
    (*n)++;
}

/* refresh: a read now (out of IDLE), answered once applied. */
static void test_session_layer__refresh(void **state)
{
    scripts sc = {.v = {GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX("A003", "7")
                            READY_3("A004") "C: A005 IDLE\n"
                                            "S: + idling\n"
                                            "C: DONE\n"
                                            "S: A005 OK done\n"
                                            "C: A006 UID FETCH 1:* (UID FLAGS)\n"
                                            "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                            "S: * 2 FETCH (UID 3 FLAGS (\\Seen))\n"
                                            "S: A006 OK fetched\n"
                                            "C: A007 IDLE\n"
                                            "S: + idling\n"},
                  .n = 1};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 1, 3000);
    int refreshed = 0;
    assert_int_equal(imapclient_session_refresh(s, on_refreshed, &refreshed), 0);
    long long end = now_ms() + 3000;
    while (!refreshed && now_ms() < end)
        assert_int_equal(imapclient_session_run(s, 5), 0);
    assert_int_equal(refreshed, 1);
    expect(&lg, 1, IMAPCLIENT_SESSION_CHANGES);
    assert_string_equal(lg.e[1].vanished, "2");
    assert_string_equal(lg.e[1].changed, "3:\\Seen");
    run_until(s, &lg, 3, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* A server whose answer to the folder read leaves out FLAGS: the read is
 * not trusted, the connection is dropped (EPROTOCOL) and the next one
 * reads again; nothing is reported from the bad answer. */
static void test_session_layer__fetch_without_flags(void **state)
{
    scripts sc = {.v = {GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX(
                            "A003", "7") "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                                         "S: * 1 FETCH (UID 1)\n"
                                         "S: A004 OK fetched\n",
                        GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX("A003", "7")
                            READY_3("A004") "C: A005 IDLE\n"
                                            "S: + idling\n"},
                  .n = 2};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 2, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_DISCONNECTED);
    assert_int_equal(lg.e[0].status, IMAPCLIENT_EPROTOCOL);
    assert_non_null(strstr(lg.e[0].err, "without UID or FLAGS"));
    expect(&lg, 1, IMAPCLIENT_SESSION_READY);
    assert_string_equal(lg.e[1].added, "1: 2: 3:");
    run_until(s, &lg, 3, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* A FETCH without UID is not an answer to UID FETCH: unexplained, it
 * calls for another read once in step. */
static void test_session_layer__fetch_without_uid(void **state)
{
    scripts sc = {.v = {GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX(
                      "A003", "7") "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                                   "S: * 1 FETCH (FLAGS ())\n"
                                   "S: A004 OK fetched\n"
                                   "C: A005 UID FETCH 1:* (UID FLAGS)\n"
                                   "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                   "S: A005 OK fetched\n"
                                   "C: A006 IDLE\n"
                                   "S: + idling\n"},
                  .n = 1};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 2, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    assert_int_equal(lg.e[0].exists, 0);
    expect(&lg, 1, IMAPCLIENT_SESSION_CHANGES);
    assert_string_equal(lg.e[1].added, "1:");
    run_until(s, &lg, 3, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* The same message twice in a whole read (a server that splits it, or a
 * change pushed during the read): its later answer counts. */
static void test_session_layer__same_message_twice(void **state)
{
    scripts sc = {.v = {GREET_LOGIN(PLAIN_CAPS) SELECT_INBOX(
                      "A003", "7") "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                                   "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                   "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                   "S: * 3 FETCH (UID 3 FLAGS (\\Draft))\n"
                                   "S: * 2 FETCH (UID 2 FLAGS (\\Seen))\n"
                                   "S: * 1 FETCH (UID 1 FLAGS (\\Flagged))\n"
                                   "S: A004 OK fetched\n"
                                   "C: A005 IDLE\n"
                                   "S: + idling\n"},
                  .n = 1};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 1, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    assert_string_equal(lg.e[0].added, "1:\\Flagged 2:\\Seen 3:\\Draft");
    run_until(s, &lg, 2, 50);
    assert_int_equal(lg.n, 1);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* Hostile pushes under QRESYNC: a VANISHED that is not a uid-set and a
 * FETCH without UID are not applied; they call for a read, which sets the
 * map right; a VANISHED (EARLIER) of every UID there can be only removes
 * what the map has. */
static void test_session_layer__hostile_pushes(void **state)
{
    scripts sc = {.v = {GREET_LOGIN(CAPS) ENABLE_QRESYNC
                        "C: A003 SELECT INBOX\n"
                        "S: * OK [UIDVALIDITY 7] v\n"
                        "S: * OK [HIGHESTMODSEQ 100] m\n"
                        "S: A003 OK [READ-WRITE] selected\n"
                        "C: A004 UID FETCH 1:* (UID FLAGS)\n"
                        "S: * 1 FETCH (UID 5 FLAGS () MODSEQ (90))\n"
                        "S: * 2 FETCH (UID 6 FLAGS () MODSEQ (95))\n"
                        "S: A004 OK fetched\n"
                        "C: A005 IDLE\n"
                        "S: + idling\n"
                        "S: * VANISHED 5:x\n"
                        "S: * 1 FETCH (FLAGS (\\Seen))\n"
                        "C: DONE\n"
                        "S: A005 OK done\n"
                        "C: A006 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 100 VANISHED)\n"
                        "S: * VANISHED (EARLIER) 1:4294967295\n"
                        "S: A006 OK fetched\n"
                        "C: A007 IDLE\n"
                        "S: + idling\n"},
                  .n = 1};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 2, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    expect(&lg, 1, IMAPCLIENT_SESSION_CHANGES);
    /* "5:x" is refused; EARLIER then takes both, each reported once */
    assert_string_equal(lg.e[1].vanished, "5 6");
    assert_int_equal(lg.e[1].exists, 0);
    run_until(s, &lg, 3, 50);
    assert_int_equal(imapclient_script_done(sc.last), 1);
    imapclient_session_free(s);
}

/* No IDLE on the server: the session polls with NOOP, and what the NOOP
 * brings is read and reported. */
static void test_session_layer__polls_without_idle(void **state)
{
    scripts sc = {.v = {"S: * OK [CAPABILITY IMAP4rev1] ready\n"
                        "C: A001 LOGIN me pw\n"
                        "S: A001 OK [CAPABILITY IMAP4rev1] in\n" SELECT_INBOX("A003", "7")
                            READY_3("A004") "C: A006 NOOP\n"
                                            "S: * 4 EXISTS\n"
                                            "S: A006 OK noop\n"
                                            "C: A007 UID FETCH 1:* (UID FLAGS)\n"
                                            "S: * 1 FETCH (UID 1 FLAGS ())\n"
                                            "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                            "S: * 3 FETCH (UID 3 FLAGS ())\n"
                                            "S: * 4 FETCH (UID 4 FLAGS ())\n"
                                            "S: A007 OK fetched\n"},
                  .n = 1};
    log lg = {0};
    imapclient_session_config cfg;
    base_cfg(&cfg, &sc, &lg);
    cfg.poll_ms = 30;
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &lg, 2, 3000);
    expect(&lg, 0, IMAPCLIENT_SESSION_READY);
    expect(&lg, 1, IMAPCLIENT_SESSION_CHANGES);
    assert_string_equal(lg.e[1].added, "4:");
    imapclient_session_free(s);
}

static void test_session_layer__bad_config(void **state)
{
    imapclient_session_config cfg;
    imapclient_session *s = (imapclient_session *)1;
    imapclient_session_config_init(&cfg);
    assert_int_equal(imapclient_session_new(&cfg, &s), IMAPCLIENT_EINVAL); /* no host */
    assert_null(s);
    cfg.host = "h";
    cfg.auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
    assert_int_equal(imapclient_session_new(&cfg, &s),
                     IMAPCLIENT_EINVAL); /* no password */
    cfg.username = "u";
    cfg.password = "p\r\nA1 LOGOUT";
    assert_int_equal(imapclient_session_new(&cfg, &s), IMAPCLIENT_EINVAL);
    cfg.password = "p";
    cfg.auth = IMAPCLIENT_SESSION_AUTH_XOAUTH2;
    assert_int_equal(imapclient_session_new(&cfg, &s), IMAPCLIENT_EINVAL); /* no token */
    cfg.auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
    cfg.starttls = 1; /* with implicit TLS */
    assert_int_equal(imapclient_session_new(&cfg, &s), IMAPCLIENT_EINVAL);
    cfg.starttls = 0;
    cfg.version = 99;
    assert_int_equal(imapclient_session_new(&cfg, &s), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_session_new(NULL, &s), IMAPCLIENT_EINVAL);
    imapclient_wants w;
    assert_int_equal(imapclient_session_want(NULL, &w), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_session_drive(NULL), IMAPCLIENT_EINVAL);
    imapclient_session_free(NULL);
    /* defaults */
    imapclient_session_config_init(&cfg);
    assert_int_equal(cfg.opts.timeout_ms, 60000);
    assert_int_equal(cfg.opts.connect_timeout_ms, 30000);
    assert_int_equal(cfg.backoff_initial_ms, 500);
    assert_int_equal(cfg.backoff_max_ms, 60000);
    assert_int_equal(cfg.retry_limit, 3);
    assert_int_equal(cfg.idle, 1);
    assert_int_equal(cfg.qresync, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_layer__qresync_resume),
        cmocka_unit_test(test_session_layer__enabled_again),
        cmocka_unit_test(test_session_layer__compare_resume),
        cmocka_unit_test(test_session_layer__uidvalidity_changed),
        cmocka_unit_test(test_session_layer__commands_in_flight),
        cmocka_unit_test(test_session_layer__append_found_by_message_id),
        cmocka_unit_test(test_session_layer__append_not_found_sent_again),
        cmocka_unit_test(test_session_layer__append_found_on_second_search),
        cmocka_unit_test(test_session_layer__login_refused_fails),
        cmocka_unit_test(test_session_layer__oauth2_token_refreshed),
        cmocka_unit_test(test_session_layer__backoff_and_max_attempts),
        cmocka_unit_test(test_session_layer__refresh),
        cmocka_unit_test(test_session_layer__fetch_without_flags),
        cmocka_unit_test(test_session_layer__fetch_without_uid),
        cmocka_unit_test(test_session_layer__same_message_twice),
        cmocka_unit_test(test_session_layer__hostile_pushes),
        cmocka_unit_test(test_session_layer__polls_without_idle),
        cmocka_unit_test(test_session_layer__bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
