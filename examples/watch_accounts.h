/*
 * The account logic shared by watch_poll.c and watch_libuv.c: many IMAP
 * connections watched with IDLE from one thread, through the non-blocking
 * API (<imapclient/async.h>). Nothing here knows the event loop: the loop
 * asks each handle what it waits for (imapclient_want()), calls
 * imapclient_drive() when its fd is ready or its timeout passed, and calls
 * account_poke() after each drive; everything else happens in the
 * completion callback below.
 *
 * Each account goes through
 *
 *     connect -> LOGIN -> EXAMINE folder -> IDLE
 *        ^ all four started at once: the library sends each when the one
 *          before it completed (they change the state, so they are barriers)
 *
 *     IDLE ... "* n EXISTS" ... DONE -> UID FETCH <uidnext>:* (ENVELOPE) -> IDLE
 *
 * and prints every new message's sender and subject. IDLE is renewed every
 * IMAPCLIENT_IDLE_RENEW_MS (RFC 2177 asks for less than 29 minutes).
 *
 * Command line (both programs):
 *
 *   watch_poll [-n COUNT] [-t SECONDS] HOST USER:PASSWORD [USER:PASSWORD ...]
 *
 * One connection per USER:PASSWORD (the same account may be given several
 * times). -n: stop once COUNT new messages were printed (over all
 * connections); -t: stop after SECONDS. Without either it runs until
 * Ctrl-C. The exit status is 0 when it stopped as asked, 1 when a
 * connection failed or COUNT was not reached in time.
 *
 * Environment: IMAP_PORT, IMAP_NO_TLS=1 (plain connection), IMAP_CA_FILE,
 * IMAP_TLS_NAME (name to check in the certificate), IMAP_FOLDER (default
 * INBOX).
 */
#ifndef WATCH_ACCOUNTS_H
#define WATCH_ACCOUNTS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <imapclient.h>

typedef struct watch watch;

typedef struct account {
    watch *w;
    char label[80]; /* "user#2": user and connection number */
    char *user, *password;
    imapclient *c;
    int failed;       /* gave up (said why on stderr) */
    int closed;       /* logged out */
    int idling;       /* the server accepted IDLE and no DONE was sent */
    int was_ready;    /* idled at least once */
    int want_fetch;   /* EXISTS since the last fetch */
    int logout_sent;  /* LOGOUT started */
    uint32_t uidnext; /* every message below this UID was there or printed */
    long long idle_since_ms;
} account;

struct watch {
    account *acct;
    size_t n;
    const char *host, *folder;
    imapclient_options opts;
    long target;  /* stop after this many messages (0: no limit) */
    long seconds; /* stop after this long (0: no limit) */
    long seen;    /* new messages printed */
    size_t ready; /* connections idling at least once */
    int stopping; /* log out everywhere, then leave */
    long long started_ms;
};

static long long watch_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int watch_usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-n COUNT] [-t SECONDS] HOST USER:PASSWORD [USER:PASSWORD ...]\n",
            prog);
    return 2;
}

/* Options and accounts from the command line and the environment; 0, or
 * the exit status for a bad command line. */
static int watch_parse(watch *w, int argc, char **argv)
{
    memset(w, 0, sizeof *w);
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "-n"))
            w->target = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "-t"))
            w->seconds = atol(argv[i + 1]);
        else
            return watch_usage(argv[0]);
    }
    if (argc - i < 2 || w->target < 0 || w->seconds < 0)
        return watch_usage(argv[0]);
    w->host = argv[i++];
    w->folder = getenv("IMAP_FOLDER") ? getenv("IMAP_FOLDER") : "INBOX";
    imapclient_options_init(&w->opts);
    if (getenv("IMAP_PORT"))
        w->opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS"))
        w->opts.ssl = 0;
    w->opts.ca_file = getenv("IMAP_CA_FILE");
    w->opts.tls_hostname = getenv("IMAP_TLS_NAME");
    w->opts.connect_timeout_ms = 15000;
    w->opts.timeout_ms = 30000; /* silence allowed while a command waits (not in IDLE) */
    w->n = (size_t)(argc - i);
    w->acct = calloc(w->n, sizeof *w->acct);
    if (!w->acct)
        return 1;
    for (size_t k = 0; k < w->n; k++, i++) {
        account *a = &w->acct[k];
        const char *colon = strchr(argv[i], ':');
        if (!colon) {
            fprintf(stderr, "%s: expected USER:PASSWORD\n", argv[i]);
            return 2;
        }
        a->w = w;
        a->user = strndup(argv[i], (size_t)(colon - argv[i]));
        a->password = strdup(colon + 1);
        if (!a->user || !a->password)
            return 1;
        snprintf(a->label, sizeof a->label, "%s#%zu", a->user, k + 1);
    }
    w->started_ms = watch_now_ms();
    return 0;
}

static void account_fail(account *a, const char *what, const imapclient_completion *d)
{
    if (a->failed || a->closed)
        return;
    a->failed = 1;
    a->idling = 0;
    fprintf(stderr, "%s: %s failed: %s\n", a->label, what,
            d ? d->errmsg : imapclient_errmsg(a->c));
}

/* One new message: "user#1: UID 12 from Alice <a@example.org>: Subject". */
static void account_print(account *a, const imapclient_message *m)
{
    const imapclient_envelope *e = m->envelope;
    char from[256] = "?";
    char *subject = NULL;
    if (e && e->from_count)
        imapclient_address_format_decoded(&e->from[0], from, sizeof from);
    if (e && e->subject)
        imapclient_decode_header(e->subject, e->subject_len, &subject);
    printf("%s: UID %u from %s: %s\n", a->label, m->uid, from, subject ? subject : "");
    free(subject);
    a->w->seen++;
}

static void account_done(imapclient *c, imapclient_completion *d);

static void account_fetch(account *a)
{
    static const char *const items[] = {"ENVELOPE", NULL};
    char range[32];
    /* UID n:* is n..max, and also the last message when n is past every
     * UID (RFC 3501 6.4.8): the UID check below skips it then. */
    snprintf(range, sizeof range, "%u:*", a->uidnext ? a->uidnext : 1);
    a->want_fetch = 0;
    if (imapclient_start_fetch(a->c, range, items, NULL, account_done, a, NULL))
        account_fail(a, "fetch", NULL);
}

static void account_logout(account *a)
{
    a->logout_sent = 1;
    if (imapclient_start_logout(a->c, account_done, a, NULL))
        a->closed = 1; /* already unusable: nothing to log out of */
}

/* The next step once IDLE is over (DONE answered) or a fetch completed. */
static void account_next(account *a)
{
    if (a->w->stopping)
        account_logout(a);
    else if (a->want_fetch)
        account_fetch(a);
    else if (imapclient_start_idle(a->c, account_done, a, NULL))
        account_fail(a, "idle", NULL);
}

/* Every command's completion (the user pointer is the account). */
static void account_done(imapclient *c, imapclient_completion *d)
{
    account *a = d->user;
    watch *w = a->w;
    if (a->failed)
        return;
    switch (d->op) {
    case IMAPCLIENT_OP_CONNECT:
        if (d->status)
            account_fail(a, "connect", d);
        break;
    case IMAPCLIENT_OP_LOGIN:
        if (d->status)
            account_fail(a, "login", d);
        break;
    case IMAPCLIENT_OP_SELECT:
        if (d->status) {
            account_fail(a, "examine", d);
        } else {
            const imapclient_select_info *info = d->result;
            a->uidnext = info->has_uidnext ? info->uidnext : 1;
            printf("%s: %s has %u message%s, next UID %u\n", a->label, w->folder,
                   info->exists, info->exists == 1 ? "" : "s", a->uidnext);
        }
        break;
    case IMAPCLIENT_OP_IDLE:
        if (d->status) {
            account_fail(a, "idle", d);
            break;
        }
        a->idling = 1;
        a->idle_since_ms = watch_now_ms();
        if (!a->was_ready) {
            a->was_ready = 1;
            if (++w->ready == w->n) {
                printf("ready: %zu connection%s idling on %s\n", w->n,
                       w->n == 1 ? "" : "s", w->folder);
                fflush(stdout);
            }
        }
        break;
    case IMAPCLIENT_OP_IDLE_DONE:
        a->idling = 0;
        if (d->status)
            account_fail(a, "idle done", d);
        else
            account_next(a);
        break;
    case IMAPCLIENT_OP_FETCH: {
        if (d->status) {
            account_fail(a, "fetch", d);
            break;
        }
        const imapclient_fetch_result *r = d->result;
        uint32_t next = a->uidnext;
        for (size_t i = 0; i < r->count; i++) {
            const imapclient_message *m = &r->msgs[i];
            if (!m->has_uid || m->uid < a->uidnext)
                continue; /* was there before (see account_fetch) */
            account_print(a, m);
            if (m->uid >= next)
                next = m->uid + 1;
        }
        a->uidnext = next;
        fflush(stdout);
        if (w->target && w->seen >= w->target)
            w->stopping = 1;
        account_next(a);
        break;
    }
    case IMAPCLIENT_OP_LOGOUT:
        a->closed = 1;
        break;
    default:
        break;
    }
}

/* Untagged responses no command takes: in IDLE, the server's news. */
static void account_unsolicited(void *payload, imapclient *c,
                                const imapclient_response *r)
{
    account *a = payload;
    if (r->has_number && !strcmp(r->name, "EXISTS"))
        a->want_fetch = 1;
}

/* Start connecting, and queue LOGIN, EXAMINE and IDLE behind it. */
static void account_start(account *a)
{
    watch *w = a->w;
    if (imapclient_connect_start(w->host, &w->opts, account_done, a, &a->c)) {
        account_fail(a, "connect", NULL);
        return;
    }
    imapclient_set_unsolicited_cb(a->c, account_unsolicited, a);
    if (imapclient_start_login(a->c, a->user, a->password, account_done, a, NULL) ||
        imapclient_start_select_folder(a->c, w->folder, 1, account_done, a, NULL) ||
        imapclient_start_idle(a->c, account_done, a, NULL))
        account_fail(a, "start", NULL);
}

/* Whether the loop should still watch this account's fd. */
static int account_active(const account *a)
{
    return a->c && !a->failed && !a->closed;
}

/* After each drive (and once per loop turn): end IDLE when there is news
 * to fetch, when it is time to renew it, or when stopping. */
static void account_poke(account *a, long long now)
{
    if (!account_active(a))
        return;
    if (a->w->stopping && !a->idling && !a->logout_sent && a->was_ready &&
        imapclient_pending_commands(a->c) == 0) {
        account_logout(a);
        return;
    }
    if (a->w->stopping && !a->was_ready && !a->logout_sent) {
        /* still connecting: nothing to end properly */
        a->closed = 1;
        return;
    }
    if (!a->idling)
        return;
    if (a->want_fetch || a->w->stopping ||
        now - a->idle_since_ms >= IMAPCLIENT_IDLE_RENEW_MS) {
        a->idling = 0;
        if (imapclient_start_idle_done(a->c, account_done, a, NULL))
            account_fail(a, "done", NULL);
    }
}

/* Milliseconds until account_poke() has something to do without any I/O
 * (renewing IDLE), or -1. */
static long long account_timer_ms(const account *a, long long now)
{
    if (!account_active(a) || !a->idling)
        return -1;
    long long due = a->idle_since_ms + IMAPCLIENT_IDLE_RENEW_MS - now;
    return due < 0 ? 0 : due;
}

/* Whether the run should stop now (time bound); sets w->stopping. */
static void watch_check_time(watch *w, long long now)
{
    if (w->seconds && !w->stopping && now - w->started_ms >= w->seconds * 1000) {
        w->stopping = 1;
        if (w->target)
            fprintf(stderr, "time is up after %ld s: %ld of %ld messages seen\n",
                    w->seconds, w->seen, w->target);
    }
}

/* Free everything; the exit status. */
static int watch_finish(watch *w)
{
    int failed = 0;
    for (size_t k = 0; k < w->n; k++) {
        account *a = &w->acct[k];
        failed |= a->failed;
        imapclient_free(a->c);
        free(a->user);
        free(a->password);
    }
    free(w->acct);
    printf("%ld new message%s seen\n", w->seen, w->seen == 1 ? "" : "s");
    if (failed || (w->target && w->seen < w->target))
        return 1;
    return 0;
}

#endif
