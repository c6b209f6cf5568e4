/* Live: dead-connection detection and the session layer against the
 * private Dovecot, through the fault-injection proxy (fault_proxy.py).
 *
 * - a black-holed IDLE (the proxy stops forwarding without closing) is
 *   reported as EABORT within idle_renew_ms + idle_probe_ms, blocking and
 *   non-blocking; idle_done() never waits past idle_probe_ms;
 * - a session survives a cut connection and reports what changed while it
 *   was away; it finds a black hole within the same bound;
 * - the soak: a session in IDLE, a second client changing the folder
 *   (append, flags, expunge) and the session appending through itself,
 *   while the proxy injects random faults (drops, resets, cuts at random
 *   byte offsets in either direction, black holes, delays, refused and
 *   hanging connections). At the end the session's view, built from its
 *   events alone, must equal the server's folder, with no change reported
 *   twice and every APPEND done exactly once.
 *
 * RESIL_SOAK_FAULTS (default 100) and RESIL_SOAK_SEED set the soak's size
 * and randomness; its figures are printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "live/fault_proxy.h"
#include "live/live.h"

/* RESIL_SOAK_LOG=FILE: the soak's session protocol log, events, faults
 * and the other client's changes, to read when it fails. */
static FILE *trace;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

static fproxy proxy_up(void)
{
    const live_env *e = live_require();
    fproxy p = {0};
    if (fproxy_start(&p, e->host, e->port))
        fail_msg("fault proxy did not start");
    return p;
}

/* A folder of the test's own, with n messages. */
static void make_folder(const char *name, int n)
{
    imapclient *c = live_login();
    imapclient_delete_folder(c, name, NULL);
    check(imapclient_create_folder(c, name, NULL), c);
    for (int i = 0; i < n; i++) {
        char m[200];
        int len =
            snprintf(m, sizeof m,
                     "Message-ID: <seed%d.%d@resilience.test>\r\nSubject: %d\r\n\r\n"
                     "body\r\n",
                     i, (int)getpid(), i);
        check(imapclient_append(c, name, m, (size_t)len, NULL, NULL, NULL), c);
    }
    imapclient_logout(c, NULL);
    imapclient_free(c);
}

static void drop_folder(const char *name)
{
    imapclient *c = live_login();
    imapclient_delete_folder(c, name, NULL);
    imapclient_logout(c, NULL);
    imapclient_free(c);
}

/* Options for a connection through the proxy with a quick probe. */
static void proxied(imapclient_options *o, const fproxy *p, int renew_ms, int probe_ms)
{
    live_plain_opts(o);
    o->port = p->port;
    o->idle_renew_ms = renew_ms;
    o->idle_probe_ms = probe_ms;
}

/* ---- dead-connection detection ----------------------------------------------- */

/* Blocking IDLE: after a black hole, idle_check() (asked to wait for a
 * minute) fails with EABORT by the next renewal's probe. */
static void test_resilience__blackhole_blocking_idle(void **state)
{
    const live_env *e = live_require();
    fproxy p = proxy_up();
    imapclient_options o;
    proxied(&o, &p, 1000, 500);
    imapclient *c = NULL;
    check(imapclient_connect(e->host, &o, &c), c);
    check(imapclient_login(c, e->user, e->password, NULL), c);
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    check(imapclient_idle(c), c);
    long long idle_at = now_ms();
    assert_int_equal(fproxy_count(&p, "blackhole"), 1);
    long long t0 = now_ms();
    imapclient_responses *r = NULL;
    int rc = imapclient_idle_check(c, 60000, &r);
    long long took = now_ms() - t0, bound = idle_at + 1000 + 500 - t0;
    print_message("black-holed blocking IDLE reported after %lld ms (bound %lld ms)\n",
                  took, bound);
    assert_int_equal(rc, IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "liveness probe"));
    assert_true(took <= bound + 300);
    imapclient_free(c);
    fproxy_stop(&p);
}

/* idle_done() on a black hole returns within idle_probe_ms. */
static void test_resilience__blackhole_idle_done(void **state)
{
    const live_env *e = live_require();
    fproxy p = proxy_up();
    imapclient_options o;
    proxied(&o, &p, 0, 700);
    imapclient *c = NULL;
    check(imapclient_connect(e->host, &o, &c), c);
    check(imapclient_login(c, e->user, e->password, NULL), c);
    check(imapclient_idle(c), c);
    assert_int_equal(fproxy_count(&p, "blackhole"), 1);
    long long t0 = now_ms();
    assert_int_equal(imapclient_idle_done(c, NULL, NULL), IMAPCLIENT_EABORT);
    long long took = now_ms() - t0;
    print_message("idle_done on a black hole returned after %lld ms (probe 700 ms)\n",
                  took);
    assert_true(took >= 690 && took <= 1000);
    imapclient_free(c);
    fproxy_stop(&p);
}

typedef struct seen {
    int idle, done, done_status;
    char err[300];
} seen;

static void async_cb(imapclient *c, imapclient_completion *d)
{
    seen *s = d->user;
    if (d->op == IMAPCLIENT_OP_IDLE)
        s->idle = d->status == 0 ? 1 : -1;
    if (d->op == IMAPCLIENT_OP_IDLE_DONE) {
        s->done = 1;
        s->done_status = d->status;
        snprintf(s->err, sizeof s->err, "%s", d->errmsg);
    }
}

/* Non-blocking IDLE: the event loop learns of the black hole through the
 * IDLE_DONE completion, within the same bound. */
static void test_resilience__blackhole_async_idle(void **state)
{
    const live_env *e = live_require();
    fproxy p = proxy_up();
    imapclient_options o;
    proxied(&o, &p, 1000, 500);
    imapclient *c = NULL;
    check(imapclient_connect(e->host, &o, &c), c);
    check(imapclient_login(c, e->user, e->password, NULL), c);
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    seen s = {0};
    check(imapclient_start_idle(c, async_cb, &s, NULL), c);
    long long idle_at = 0, t0 = 0, end = now_ms() + 10000;
    while (!s.done && now_ms() < end) {
        imapclient_wants w;
        if (imapclient_want(c, &w) < 0)
            break;
        struct pollfd pf = {w.fd, POLLIN, 0};
        poll(&pf, 1, w.timeout_ms < 0 ? 1000 : w.timeout_ms);
        imapclient_drive(c);
        if (s.idle == 1 && !t0) {
            idle_at = now_ms();
            assert_int_equal(fproxy_count(&p, "blackhole"), 1);
            t0 = now_ms();
        }
    }
    long long took = now_ms() - t0, bound = idle_at + 1000 + 500 - t0;
    print_message(
        "black-holed non-blocking IDLE reported after %lld ms (bound %lld ms)\n", took,
        bound);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.done_status, IMAPCLIENT_EABORT);
    assert_non_null(strstr(s.err, "liveness probe"));
    assert_true(took <= bound + 300);
    imapclient_free(c);
    fproxy_stop(&p);
}

/* ---- the session --------------------------------------------------------------- */

/* When the session's connection last sent or received a line: its
 * silence timeout counts from there. */
static long long last_io;

/* The caller's view of the folder, built from the session's events. */
#define MAXV 4096
typedef struct view {
    uint32_t uid[MAXV];
    char flags[MAXV][96];
    int n;
    int errors; /* added twice, vanished or changed unknown */
    char first_error[200];
    int ready, resumed, resync, disconnected, changes, failed;
    long long last_disconnect, last_resume;
    long long io_before_loss;     /* last_io when the last DISCONNECTED came */
    long long max_gap, total_gap; /* disconnect -> resumed */
    long long lost_at;            /* of the pending disconnect */
    char last_err[300];
} view;

static void flags_text(char *dst, size_t size, const imapclient_session_msg *m)
{
    /* the session gives them sorted */
    dst[0] = '\0';
    for (size_t j = 0; j < m->flag_count; j++) {
        size_t l = strlen(dst);
        snprintf(dst + l, size - l, "%s%s", j ? " " : "", m->flags[j]);
    }
}

static int vfind(const view *v, uint32_t uid)
{
    for (int i = 0; i < v->n; i++)
        if (v->uid[i] == uid)
            return i;
    return -1;
}

static void verror(view *v, const char *what, uint32_t uid)
{
    if (!v->errors++)
        snprintf(v->first_error, sizeof v->first_error, "%s UID %u", what, (unsigned)uid);
}

static void on_event(void *payload, imapclient_session *s,
                     const imapclient_session_event *e)
{
    view *v = payload;
    long long now = now_ms();
    if (trace) {
        fprintf(trace, "%lld EVENT %d err=%s added=", now, (int)e->type, e->errmsg);
        for (size_t i = 0; i < e->added_count; i++)
            fprintf(trace, "%u,", (unsigned)e->added[i].uid);
        fprintf(trace, " vanished=");
        for (size_t i = 0; i < e->vanished_count; i++)
            fprintf(trace, "%u,", (unsigned)e->vanished[i]);
        fprintf(trace, " changed=");
        for (size_t i = 0; i < e->changed_count; i++)
            fprintf(trace, "%u,", (unsigned)e->changed[i].uid);
        fprintf(trace, " modseq=%llu\n", (unsigned long long)e->highestmodseq);
    }
    switch (e->type) {
    case IMAPCLIENT_SESSION_READY:
        v->ready++;
        v->n = 0;
        break;
    case IMAPCLIENT_SESSION_RESYNC:
        v->resync++;
        v->n = 0;
        break;
    case IMAPCLIENT_SESSION_RESUMED:
        v->resumed++;
        if (v->lost_at) {
            long long gap = now - v->lost_at;
            v->total_gap += gap;
            if (gap > v->max_gap)
                v->max_gap = gap;
            v->lost_at = 0;
        }
        v->last_resume = now;
        break;
    case IMAPCLIENT_SESSION_DISCONNECTED:
        v->disconnected++;
        v->last_disconnect = now;
        v->io_before_loss = last_io;
        if (!v->lost_at)
            v->lost_at = now;
        snprintf(v->last_err, sizeof v->last_err, "%s", e->errmsg);
        return;
    case IMAPCLIENT_SESSION_FAILED:
        v->failed++;
        snprintf(v->last_err, sizeof v->last_err, "%s", e->errmsg);
        return;
    case IMAPCLIENT_SESSION_CHANGES:
        v->changes++;
        break;
    }
    for (size_t i = 0; i < e->vanished_count; i++) {
        int k = vfind(v, e->vanished[i]);
        if (k < 0) {
            verror(v, "vanished but never known:", e->vanished[i]);
            continue;
        }
        v->uid[k] = v->uid[--v->n];
        memcpy(v->flags[k], v->flags[v->n], sizeof v->flags[k]);
    }
    for (size_t i = 0; i < e->added_count; i++) {
        if (vfind(v, e->added[i].uid) >= 0) {
            verror(v, "added twice:", e->added[i].uid);
            continue;
        }
        if (v->n == MAXV)
            fail_msg("view full");
        v->uid[v->n] = e->added[i].uid;
        flags_text(v->flags[v->n], sizeof v->flags[0], &e->added[i]);
        v->n++;
    }
    for (size_t i = 0; i < e->changed_count; i++) {
        int k = vfind(v, e->changed[i].uid);
        if (k < 0) {
            verror(v, "changed but not known:", e->changed[i].uid);
            continue;
        }
        flags_text(v->flags[k], sizeof v->flags[0], &e->changed[i]);
    }
}

static void trace_log(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    if (dir != IMAPCLIENT_LOG_INFO)
        last_io = now_ms();
    if (trace)
        fprintf(trace, "%lld %c %.*s\n", now_ms(), (char)dir,
                (int)(len > 300 ? 300 : len), line);
}

static void session_cfg(imapclient_session_config *cfg, const fproxy *p,
                        const char *folder, view *v, int renew_ms, int probe_ms)
{
    const live_env *e = live_require();
    imapclient_session_config_init(cfg);
    cfg->host = e->host;
    cfg->opts.ssl = 0;
    cfg->opts.port = p->port;
    cfg->opts.connect_timeout_ms = 1500;
    cfg->opts.timeout_ms = 1500;
    cfg->opts.idle_renew_ms = renew_ms;
    cfg->opts.idle_probe_ms = probe_ms;
    cfg->auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
    cfg->username = e->user;
    cfg->password = e->password;
    cfg->folder = folder;
    cfg->backoff_initial_ms = 20;
    cfg->backoff_max_ms = 200;
    cfg->on_event = on_event;
    cfg->event_payload = v;
    cfg->opts.log = trace_log;
}

static void run_until(imapclient_session *s, const int *counter, int target, int max_ms)
{
    long long end = now_ms() + max_ms;
    while (*counter < target && now_ms() < end)
        if (imapclient_session_run(s, 20) < 0)
            break;
}

static void on_refreshed(imapclient *c, imapclient_completion *d)
{
    int *n = d->user;
    (*n)++;
}

/* Wait until the session is in step with the server (a refresh answered). */
static int settle(imapclient_session *s, int max_ms)
{
    int done = 0;
    if (imapclient_session_refresh(s, on_refreshed, &done))
        return 0;
    run_until(s, &done, 1, max_ms);
    return done;
}

/* The server's folder as "uid flags" lines, \Recent left out, against the
 * caller's view. Returns the number of messages compared. */
static int compare_with_server(const char *folder, const view *v)
{
    imapclient *c = live_login();
    check(imapclient_select_folder(c, folder, 1, NULL), c);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "1:*", (const char *[]){"FLAGS", NULL}, NULL, &r), c);
    int mismatches = 0;
    if ((int)r->count != v->n) {
        print_message("server has %zu messages, the view %d\n", r->count, v->n);
        mismatches++;
    }
    for (size_t i = 0; i < r->count; i++) {
        const imapclient_message *m = &r->msgs[i];
        const char *sorted[32];
        size_t n = 0;
        for (size_t j = 0; j < m->flag_count && n < 32; j++)
            if (strcasecmp(m->flags[j], "\\Recent") != 0)
                sorted[n++] = m->flags[j];
        for (size_t a = 1; a < n; a++)
            for (size_t b = a; b > 0 && strcmp(sorted[b - 1], sorted[b]) > 0; b--) {
                const char *t = sorted[b];
                sorted[b] = sorted[b - 1];
                sorted[b - 1] = t;
            }
        char want[96] = "";
        for (size_t j = 0; j < n; j++) {
            size_t l = strlen(want);
            snprintf(want + l, sizeof want - l, "%s%s", j ? " " : "", sorted[j]);
        }
        int k = vfind(v, m->uid);
        if (k < 0 || strcmp(v->flags[k], want) != 0) {
            if (mismatches++ < 5)
                print_message("UID %u: server [%s], view %s%s%s\n", (unsigned)m->uid,
                              want, k < 0 ? "missing" : "[", k < 0 ? "" : v->flags[k],
                              k < 0 ? "" : "]");
        }
    }
    int n = (int)r->count;
    imapclient_fetch_result_free(r);
    imapclient_logout(c, NULL);
    imapclient_free(c);
    assert_int_equal(mismatches, 0);
    return n;
}

/* A session through the proxy: the connection is cut in the middle of a
 * server answer; meanwhile another client appends; RESUMED has it. */
static void test_resilience__session_resumes_after_cut(void **state)
{
    char folder[64];
    snprintf(folder, sizeof folder, "Resume%d", (int)getpid());
    make_folder(folder, 3);
    fproxy p = proxy_up();
    view v = {0};
    imapclient_session_config cfg;
    session_cfg(&cfg, &p, folder, &v, 60000, 1000);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &v.ready, 1, 5000);
    assert_int_equal(v.ready, 1);
    assert_int_equal(v.n, 3);
    assert_true(settle(s, 5000));
    /* away: the connection is cut after 10 more bytes from the server,
     * and another client appends meanwhile */
    assert_int_equal(fproxy_count(&p, "refuse 2"), 0);
    assert_int_equal(fproxy_count(&p, "cut s2c 10"), 1);
    imapclient *other = live_login();
    check(imapclient_append(other, folder, "Subject: while away\r\n\r\nx\r\n", 27, NULL,
                            NULL, NULL),
          other);
    run_until(s, &v.resumed, 1, 10000);
    assert_int_equal(v.resumed, 1);
    assert_true(v.disconnected >= 1);
    assert_int_equal(v.errors, 0);
    assert_true(settle(s, 5000));
    assert_int_equal(compare_with_server(folder, &v), 4);
    imapclient_session_free(s);
    imapclient_logout(other, NULL);
    imapclient_free(other);
    fproxy_stop(&p);
    drop_folder(folder);
}

/* TLS again on each reconnect, implicit (starttls 0) or by STARTTLS: the
 * session gives all its connections one TLS configuration, so the
 * connection after the cut resumes the TLS session of the one before. */
static void session_tls_resumes(int starttls)
{
    const live_env *e = live_require();
    char folder[64];
    snprintf(folder, sizeof folder, "Tls%c%d", starttls ? 'S' : 'I', (int)getpid());
    make_folder(folder, 2);
    fproxy p = {0};
    if (fproxy_start(&p, e->host, starttls ? e->port : e->tls_port))
        fail_msg("fault proxy did not start");
    view v = {0};
    imapclient_session_config cfg;
    session_cfg(&cfg, &p, folder, &v, 60000, 1000);
    cfg.opts.ssl = !starttls;
    cfg.starttls = starttls;
    cfg.opts.ca_file = e->ca; /* the session makes its configuration of it */
    cfg.opts.tls_hostname = e->cert_name;
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &v.ready, 1, 5000);
    assert_int_equal(v.ready, 1);
    imapclient *c = imapclient_session_handle(s);
    assert_non_null(c);
    assert_int_equal(imapclient_is_tls(c), 1);
    assert_int_equal(imapclient_tls_resumed(c), 0); /* the first: a full handshake */
    assert_true(settle(s, 5000));
    assert_int_equal(fproxy_count(&p, "reset"), 1);
    run_until(s, &v.resumed, 1, 10000);
    assert_int_equal(v.resumed, 1);
    c = imapclient_session_handle(s);
    assert_non_null(c);
    assert_int_equal(imapclient_is_tls(c), 1);
    assert_int_equal(imapclient_tls_resumed(c), 1);
    assert_int_equal(v.errors, 0);
    assert_true(settle(s, 5000));
    assert_int_equal(compare_with_server(folder, &v), 2);
    imapclient_session_free(s);
    fproxy_stop(&p);
    drop_folder(folder);
}

static void test_resilience__session_tls_resumed(void **state)
{
    session_tls_resumes(0);
}

static void test_resilience__session_starttls_resumed(void **state)
{
    session_tls_resumes(1);
}

/* A session in IDLE behind a black hole notices within renew + probe and
 * comes back. */
static void test_resilience__session_blackhole(void **state)
{
    char folder[64];
    snprintf(folder, sizeof folder, "Hole%d", (int)getpid());
    make_folder(folder, 2);
    fproxy p = proxy_up();
    view v = {0};
    imapclient_session_config cfg;
    session_cfg(&cfg, &p, folder, &v, 800, 400);
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &v.ready, 1, 5000);
    assert_int_equal(v.ready, 1);
    /* let it settle into IDLE */
    imapclient_session_run(s, 100);
    long long t0 = now_ms();
    assert_int_equal(fproxy_count(&p, "blackhole"), 1);
    run_until(s, &v.disconnected, 1, 5000);
    long long took = now_ms() - t0;
    print_message("session: black hole found after %lld ms (bound 800 + 400 ms)\n", took);
    assert_int_equal(v.disconnected, 1);
    assert_true(took <= 1200 + 300);
    run_until(s, &v.resumed, 1, 5000);
    assert_int_equal(v.resumed, 1);
    imapclient_session_free(s);
    fproxy_stop(&p);
    drop_folder(folder);
}

/* ---- the soak ---------------------------------------------------------------------- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (uint32_t)(rng_state % n) : 0;
}

typedef struct appends {
    int started, done, failed, found;
    char err[300];
} appends;

static void on_appended(imapclient *c, imapclient_completion *d)
{
    appends *a = d->user;
    if (d->status == 0) {
        a->done++;
        if (strstr(d->text, "found by Message-ID"))
            a->found++;
    } else {
        a->failed++;
        snprintf(a->err, sizeof a->err, "%s", d->errmsg);
    }
}

/* A random change by the other client (its folder selected): append,
 * flag or expunge. */
static void mutate(imapclient *o, const char *folder, int *appended)
{
    static const char *const flags[] = {"\\Seen", "\\Flagged", "\\Answered", "$Work"};
    imapclient_ids *ids = NULL;
    check(imapclient_search(o, (const char *[]){"ALL", NULL}, NULL, &ids), o);
    uint32_t n = (uint32_t)ids->count;
    uint32_t pick = n ? ids->ids[rnd(n)] : 0;
    imapclient_ids_free(ids);
    uint32_t op = rnd(10);
    if (trace)
        fprintf(trace, "%lld OTHER op %u on %u (of %u)\n", now_ms(), (unsigned)op,
                (unsigned)pick, (unsigned)n);
    char set[16];
    snprintf(set, sizeof set, "%u", (unsigned)pick);
    if (n < 5 || (op < 4 && n < 60)) {
        char m[200];
        int len = snprintf(
            m, sizeof m,
            "Message-ID: <other%d.%d@resilience.test>\r\nSubject: o\r\n\r\nx\r\n",
            (*appended)++, (int)getpid());
        check(imapclient_append(o, folder, m, (size_t)len, NULL, NULL, NULL), o);
    } else if (op < 8) {
        const char *const f[] = {flags[rnd(4)], NULL};
        if (rnd(2))
            check(imapclient_add_flags(o, set, f, 1, NULL), o);
        else
            check(imapclient_remove_flags(o, set, f, 1, NULL), o);
    } else {
        check(imapclient_add_flags(o, set, (const char *[]){"\\Deleted", NULL}, 1, NULL),
              o);
        check(imapclient_uid_expunge(o, set, NULL), o);
    }
}

/* The soak; qresync 0 makes the session compare whole folders instead. */
static void soak(int qresync, const char *faults_var, int faults_default)
{
    const char *env = getenv(faults_var);
    int faults_wanted = env ? atoi(env) : faults_default;
    env = getenv("RESIL_SOAK_LOG");
    char trace_name[512];
    snprintf(trace_name, sizeof trace_name, "%s.%s", env ? env : "",
             qresync ? "qresync" : "compare");
    trace = env ? fopen(trace_name, "w") : NULL;
    env = getenv("RESIL_SOAK_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 10) : 20261202;
    rng_state = seed ? seed : 1;
    char folder[64];
    snprintf(folder, sizeof folder, "Soak%s%d", qresync ? "Q" : "C", (int)getpid());
    make_folder(folder, 10);
    fproxy p = proxy_up();
    view v = {0};
    appends ap = {0};
    imapclient_session_config cfg;
    /* a black hole is found within 600 + 300 ms in IDLE, 1000 ms (the
     * silence timeout) with a command in flight or while connecting */
    session_cfg(&cfg, &p, folder, &v, 600, 300);
    cfg.opts.timeout_ms = cfg.opts.connect_timeout_ms = 1000;
    cfg.qresync = qresync;
    imapclient_session *s = NULL;
    assert_int_equal(imapclient_session_new(&cfg, &s), 0);
    run_until(s, &v.ready, 1, 5000);
    assert_int_equal(v.ready, 1);
    imapclient *o = live_login();
    check(imapclient_select_folder(o, folder, 0, NULL), o);
    long long t0 = now_ms();
    int faults = 0, other_appends = 0, rounds = 0;
    long long max_hole = 0, max_hole_raw = 0, max_stall = 0;
    int tried = 0;
    const char *kinds[] = {"drop",      "reset", "cut s2c", "cut c2s",
                           "blackhole", "delay", "refuse",  "hang"};
    int kind_count[8] = {0};
    while (faults < faults_wanted) {
        rounds++;
        /* changes on the server, and through the session */
        for (int k = 1 + (int)rnd(3); k > 0; k--)
            mutate(o, folder, &other_appends);
        if (rnd(3) == 0) {
            char m[200];
            int len =
                snprintf(m, sizeof m,
                         "Message-ID: <session%d.%d@resilience.test>\r\nSubject: s\r\n"
                         "\r\ny\r\n",
                         ap.started++, (int)getpid());
            assert_int_equal(imapclient_session_append(s, folder, m, (size_t)len, NULL,
                                                       on_appended, &ap),
                             0);
        }
        imapclient_session_run(s, (int)rnd(60));
        /* a fault */
        int kind = (int)rnd(8);
        if (trace)
            fprintf(trace, "%lld FAULT %s\n", now_ms(), kinds[kind]);
        int hit = 0;
        char reply[128];
        switch (kind) {
        case 0:
            hit = fproxy_count(&p, "drop");
            break;
        case 1:
            hit = fproxy_count(&p, "reset");
            break;
        case 2:
            snprintf(reply, sizeof reply, "cut s2c %u", (unsigned)rnd(3000));
            hit = fproxy_count(&p, reply);
            break;
        case 3:
            snprintf(reply, sizeof reply, "cut c2s %u", (unsigned)rnd(400));
            hit = fproxy_count(&p, reply);
            break;
        case 4: {
            /* at any moment: found by the IDLE probe (600 + 300 ms) or by
             * the silence timeout of a command or a connect (1000 ms) */
            hit = fproxy_count(&p, "blackhole");
            if (hit > 0) {
                /* the time this process was not running (a loaded machine,
                 * sanitizers) is no time the session could act in: each
                 * run of 20 ms that took longer counts the excess as
                 * stalled, and the bound is checked without it */
                long long h0 = now_ms(), stalled = 0;
                int d0 = v.disconnected;
                while (v.disconnected == d0 && now_ms() - h0 < 10000) {
                    long long a = now_ms();
                    if (imapclient_session_run(s, 20) < 0)
                        break;
                    long long over = now_ms() - a - 20;
                    if (over > 0)
                        stalled += over;
                }
                long long took = now_ms() - h0;
                /* bytes the proxy had in hand when told (delivered a
                 * little later on a loaded machine), or the session's own
                 * next command, start the silence later than h0 */
                long long from = v.io_before_loss > h0 ? v.io_before_loss : h0;
                if (took > max_hole_raw)
                    max_hole_raw = took;
                if (stalled > max_stall)
                    max_stall = stalled;
                long long quiet = v.last_disconnect - from - stalled;
                if (quiet > max_hole)
                    max_hole = quiet;
                if (trace)
                    fprintf(trace,
                            "%lld HOLE found in %lld ms, %lld after the last line, "
                            "%lld stalled\n",
                            now_ms(), took, v.last_disconnect - from, stalled);
            }
            break;
        }
        case 5:
            fproxy_count(&p, "delay 80");
            imapclient_session_run(s, 150);
            fproxy_count(&p, "pass");
            hit = 1;
            break;
        case 6:
            fproxy_count(&p, "refuse 1");
            hit = fproxy_count(&p, "drop");
            break;
        case 7:
            fproxy_count(&p, "hang 1");
            hit = fproxy_count(&p, "drop");
            break;
        }
        tried++;
        if (hit > 0) {
            faults++;
            kind_count[kind]++;
        }
        /* let it come back (or fail again) before the next round */
        imapclient_session_run(s, 20 + (int)rnd(200));
        if (v.failed)
            fail_msg("the session gave up: %s", v.last_err);
        if (now_ms() - t0 > 600000)
            fail_msg("soak too slow: %d faults in 10 minutes", faults);
    }
    fproxy_count(&p, "pass");
    /* the end: every APPEND completed, the view equals the server */
    long long end = now_ms() + 20000;
    while (ap.done + ap.failed < ap.started && now_ms() < end)
        imapclient_session_run(s, 20);
    assert_true(settle(s, 20000));
    long long took = now_ms() - t0;
    int msgs = compare_with_server(folder, &v);
    /* each APPEND through the session is in the folder exactly once */
    int dups = 0;
    for (int i = 0; i < ap.started; i++) {
        char id[80];
        snprintf(id, sizeof id, "<session%d.%d@resilience.test>", i, (int)getpid());
        imapclient_ids *ids = NULL;
        check(imapclient_search(o, (const char *[]){"HEADER", "Message-ID", id, NULL},
                                NULL, &ids),
              o);
        /* the other client may have expunged it since: at most once */
        if (ids->count > 1)
            dups++;
        imapclient_ids_free(ids);
    }
    print_message(
        "soak (%s): %d faults injected in %d rounds (%d tried) in %lld ms, seed "
        "%llu\n",
        qresync ? "QRESYNC" : "UID FETCH comparison", faults, rounds, tried, took,
        (unsigned long long)seed);
    char by_kind[256] = "";
    for (int k = 0; k < 8; k++) {
        size_t l = strlen(by_kind);
        snprintf(by_kind + l, sizeof by_kind - l, "%s%s %d", k ? ", " : "", kinds[k],
                 kind_count[k]);
    }
    print_message("soak: faults by kind: %s\n", by_kind);
    print_message("soak: %d disconnections seen, %d resumes (%d UIDVALIDITY resyncs), "
                  "%d change events; reconnect gap max %lld ms, mean %lld ms\n",
                  v.disconnected, v.resumed, v.resync, v.changes, v.max_gap,
                  v.resumed ? v.total_gap / v.resumed : 0);
    print_message(
        "soak: black holes found in at most %lld ms of silence (from the hole or the "
        "last line after it, stalls of the test process left out; bound: 600 + 300 ms "
        "in IDLE, 1000 ms otherwise); %lld ms by the clock from the hole, the test "
        "process stalled up to %lld ms\n",
        max_hole, max_hole_raw, max_stall);
    print_message(
        "soak: %d messages compared with the server, %d errors; %d APPENDs "
        "through the session (%d done, %d of them found by Message-ID after a loss, "
        "%d failed: %s), %d duplicated; %d by the other client\n",
        msgs, v.errors, ap.started, ap.done, ap.found, ap.failed,
        ap.failed ? ap.err : "-", dups, other_appends);
    if (v.errors)
        fail_msg("view error: %s", v.first_error);
    assert_int_equal(v.errors, 0);
    assert_int_equal(dups, 0);
    assert_int_equal(ap.failed, 0);
    assert_int_equal(ap.done, ap.started);
    assert_true(max_hole <= 1000 + 300);
    /* and a session that kept writing into a hole would not pass either */
    assert_true(max_hole_raw <= 5000);
    assert_true(faults >= faults_wanted);
    imapclient_session_free(s);
    imapclient_logout(o, NULL);
    imapclient_free(o);
    fproxy_stop(&p);
    drop_folder(folder);
    if (trace)
        fclose(trace);
    trace = NULL;
}

static void test_resilience__soak(void **state)
{
    soak(1, "RESIL_SOAK_FAULTS", 100);
}

static void test_resilience__soak_compare(void **state)
{
    soak(0, "RESIL_SOAK_COMPARE_FAULTS", 40);
}

int main(void)
{
    live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resilience__blackhole_blocking_idle),
        cmocka_unit_test(test_resilience__blackhole_idle_done),
        cmocka_unit_test(test_resilience__blackhole_async_idle),
        cmocka_unit_test(test_resilience__session_resumes_after_cut),
        cmocka_unit_test(test_resilience__session_tls_resumed),
        cmocka_unit_test(test_resilience__session_starttls_resumed),
        cmocka_unit_test(test_resilience__session_blackhole),
        cmocka_unit_test(test_resilience__soak),
        cmocka_unit_test(test_resilience__soak_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
