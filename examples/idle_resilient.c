/*
 * A resilient IDLE watcher: keep a folder open with the session layer
 * (imapclient/session.h) and print every change, through dropped, cut and
 * silently dead connections. Where examples/idle.c ends at the first
 * network failure, this one reports it, reconnects (with backoff), logs in
 * again, and says what changed while it was away.
 *
 *   cc -Iinclude examples/idle_resilient.c libimapclient.a -lssl -lcrypto -lz
 *   IMAP_PASSWORD=secret ./a.out imap.example.com me@example.com
 *
 * Environment: IMAP_PASSWORD (when not given as third argument), IMAP_PORT,
 * IMAP_NO_TLS=1 (plain connection), IMAP_STARTTLS=1 (plain, then STARTTLS),
 * IMAP_CA_FILE (trusted CA bundle), IMAP_TLS_NAME (name to verify),
 * IMAP_FOLDER (default INBOX), IMAP_IDLE_RENEW_MS and IMAP_IDLE_PROBE_MS (a
 * dead connection is found within their sum; default 5 min + 15 s),
 * IMAP_WATCH_SECONDS (stop after this long; default: until Ctrl-C).
 *
 * Output, one line per event:
 *   ready: INBOX, 8 messages (UIDVALIDITY 1700000001)
 *   new: UID 9 (\Seen)
 *   gone: UID 3
 *   flags: UID 5 (\Answered \Seen)
 *   disconnected: connection lost: connection closed by server; next try in 412 ms
 *   resumed after 530 ms: 1 new, 0 gone, 2 flag changes (QRESYNC)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <imapclient.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Waits end at once on Ctrl-C. */
static int interrupted(void *payload)
{
    (void)payload;
    return stop;
}

static void print_msg(const char *what, const imapclient_session_msg *m)
{
    printf("%s: UID %u (", what, (unsigned)m->uid);
    for (size_t i = 0; i < m->flag_count; i++)
        printf("%s%s", i ? " " : "", m->flags[i]);
    printf(")\n");
}

static void on_event(void *payload, imapclient_session *s,
                     const imapclient_session_event *e)
{
    (void)payload;
    (void)s;
    switch (e->type) {
    case IMAPCLIENT_SESSION_READY:
        printf("ready: %s, %zu messages (UIDVALIDITY %u)\n", e->folder, e->exists,
               (unsigned)e->uidvalidity);
        break;
    case IMAPCLIENT_SESSION_RESUMED:
        printf("resumed after %lld ms: %zu new, %zu gone, %zu flag changes (%s)\n",
               e->away_ms, e->added_count, e->vanished_count, e->changed_count,
               e->method);
        break;
    case IMAPCLIENT_SESSION_RESYNC:
        printf("resync: UIDVALIDITY is now %u, the folder is read again: %zu messages\n",
               (unsigned)e->uidvalidity, e->exists);
        break;
    case IMAPCLIENT_SESSION_DISCONNECTED:
        printf("disconnected: %s; next try in %d ms\n", e->errmsg, e->retry_in_ms);
        break;
    case IMAPCLIENT_SESSION_FAILED:
        printf("gave up: %s\n", e->errmsg);
        break;
    case IMAPCLIENT_SESSION_CHANGES:
        break;
    }
    /* READY and RESYNC list the whole folder: only say how many */
    if (e->type == IMAPCLIENT_SESSION_READY || e->type == IMAPCLIENT_SESSION_RESYNC) {
        fflush(stdout);
        return;
    }
    for (size_t i = 0; i < e->vanished_count; i++)
        printf("gone: UID %u\n", (unsigned)e->vanished[i]);
    for (size_t i = 0; i < e->added_count; i++)
        print_msg("new", &e->added[i]);
    for (size_t i = 0; i < e->changed_count; i++)
        print_msg("flags", &e->changed[i]);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *password = argc > 3 ? argv[3] : getenv("IMAP_PASSWORD");
    if (argc < 3 || !password) {
        fprintf(stderr, "usage: %s HOST USER [PASSWORD]\n", argv[0]);
        return 2;
    }
    imapclient_session_config cfg;
    imapclient_session_config_init(&cfg);
    cfg.host = argv[1];
    cfg.auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
    cfg.username = argv[2];
    cfg.password = password;
    cfg.folder = getenv("IMAP_FOLDER") ? getenv("IMAP_FOLDER") : "INBOX";
    cfg.readonly = 1; /* watching only */
    cfg.on_event = on_event;
    if (getenv("IMAP_PORT"))
        cfg.opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS") || getenv("IMAP_STARTTLS"))
        cfg.opts.ssl = 0;
    cfg.starttls = getenv("IMAP_STARTTLS") != NULL;
    cfg.opts.ca_file = getenv("IMAP_CA_FILE");
    cfg.opts.tls_hostname = getenv("IMAP_TLS_NAME");
    if (getenv("IMAP_IDLE_RENEW_MS"))
        cfg.opts.idle_renew_ms = atoi(getenv("IMAP_IDLE_RENEW_MS"));
    if (getenv("IMAP_IDLE_PROBE_MS"))
        cfg.opts.idle_probe_ms = atoi(getenv("IMAP_IDLE_PROBE_MS"));
    cfg.opts.interrupt = interrupted;
    int seconds = getenv("IMAP_WATCH_SECONDS") ? atoi(getenv("IMAP_WATCH_SECONDS")) : 0;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    imapclient_session *s = NULL;
    int rc = imapclient_session_new(&cfg, &s);
    if (rc) {
        fprintf(stderr, "session: %s\n", imapclient_strerror(rc));
        return 1;
    }
    /* the session does the rest: connect, log in, select, IDLE, and again
     * after every failure */
    for (int elapsed = 0; !stop && (!seconds || elapsed < seconds); elapsed++) {
        rc = imapclient_session_run(s, 1000);
        if (rc == IMAPCLIENT_EINTERRUPTED)
            break;
        if (rc < 0) {
            imapclient_session_free(s);
            return 1; /* FAILED was printed */
        }
    }
    imapclient_session_free(s);
    printf("stopped\n");
    return 0;
}
