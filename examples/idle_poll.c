/*
 * Watch several folders at once with IDLE and poll(): one connection per
 * folder, one thread, one poll() over their sockets (the reference's
 * IMAPClient.socket() "for polling purposes only", as with a selector).
 * When a socket is readable, imapclient_idle_check() with a zero timeout
 * takes what arrived without waiting. IDLE is renewed every 10 minutes.
 *
 *   idle_poll HOST USER PASSWORD FOLDER...
 *   IMAP_PASSWORD=secret idle_poll imap.example.org me - INBOX Lists/dev
 *
 * Stops on Ctrl-C, after IMAP_IDLE_SECONDS seconds, or once
 * IMAP_IDLE_EXISTS "EXISTS" responses have come (for scripts).
 * Environment: IMAP_PASSWORD (when PASSWORD is "-"), IMAP_PORT,
 * IMAP_NO_TLS=1 (plain connection), IMAP_CA_FILE, IMAP_TLS_NAME.
 *
 * The socket is only for waiting: never read from or write to it, the
 * library's bookkeeping would break (the reference warns the same).
 */
#include <imapclient.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FOLDERS 16

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
    (void)sig;
    stop = 1;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Print what one folder's server sent; count the EXISTS responses. */
static int show(const char *folder, imapclient_responses *r)
{
    int exists = 0;
    for (size_t i = 0; i < r->count; i++) {
        const imapclient_response *x = &r->items[i];
        if (x->has_number) {
            printf("%s: %u %s\n", folder, x->number, x->name);
            exists += !strcmp(x->name, "EXISTS");
        } else {
            printf("%s: %s %s\n", folder, x->name, x->text ? x->text : "");
        }
    }
    imapclient_responses_free(r);
    return exists;
}

int main(int argc, char **argv)
{
    const char *password =
        argc > 3 && strcmp(argv[3], "-") ? argv[3] : getenv("IMAP_PASSWORD");
    if (argc < 5 || !password || argc - 4 > MAX_FOLDERS) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD FOLDER... (at most %d)\n", argv[0],
                MAX_FOLDERS);
        return 2;
    }
    int nfolders = argc - 4;
    long long deadline = getenv("IMAP_IDLE_SECONDS")
                             ? now_ms() + 1000LL * atoi(getenv("IMAP_IDLE_SECONDS"))
                             : 0;
    int want_exists = getenv("IMAP_IDLE_EXISTS") ? atoi(getenv("IMAP_IDLE_EXISTS")) : 0;

    imapclient_options opts;
    imapclient_options_init(&opts);
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS"))
        opts.ssl = 0;
    opts.ca_file = getenv("IMAP_CA_FILE");
    opts.tls_hostname = getenv("IMAP_TLS_NAME");
    opts.connect_timeout_ms = opts.timeout_ms = 30000;

    imapclient *c[MAX_FOLDERS] = {0};
    struct pollfd pfd[MAX_FOLDERS];
    int rc = 1;
    for (int i = 0; i < nfolders; i++) {
        const char *folder = argv[4 + i];
        if (imapclient_connect(argv[1], &opts, &c[i]) ||
            imapclient_login(c[i], argv[2], password, NULL) ||
            imapclient_select_folder(c[i], folder, 1, NULL) || imapclient_idle(c[i])) {
            fprintf(stderr, "%s: %s\n", folder,
                    c[i] ? imapclient_errmsg(c[i]) : "no memory");
            goto out;
        }
        pfd[i].fd = imapclient_socket(c[i]);
        pfd[i].events = POLLIN;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint; /* no SA_RESTART: poll() returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("watching %d folder%s in IDLE; Ctrl-C to stop\n", nfolders,
           nfolders == 1 ? "" : "s");

    int seen = 0;
    rc = 0;
    while (!stop && !(want_exists && seen >= want_exists)) {
        /* Responses may already sit in the library's buffers (they came
         * with the last read): take them first, then wait. */
        for (int i = 0; i < nfolders; i++) {
            imapclient_responses *r;
            if (imapclient_idle_check(c[i], 0, &r) < 0) {
                fprintf(stderr, "%s: %s\n", argv[4 + i], imapclient_errmsg(c[i]));
                rc = 1;
                goto out;
            }
            seen += show(argv[4 + i], r);
            /* DONE + IDLE once this IDLE is 10 minutes old */
            if (imapclient_idle_renew(c[i], IMAPCLIENT_IDLE_RENEW_MS) < 0) {
                fprintf(stderr, "%s: %s\n", argv[4 + i], imapclient_errmsg(c[i]));
                rc = 1;
                goto out;
            }
        }
        if (want_exists && seen >= want_exists)
            break;
        /* wake up at least once a minute to renew, earlier at the deadline */
        int wait = 60000;
        if (deadline) {
            long long left = deadline - now_ms();
            if (left <= 0)
                break;
            if (left < wait)
                wait = (int)left;
        }
        if (poll(pfd, (nfds_t)nfolders, wait) < 0 && errno != EINTR) {
            perror("poll");
            rc = 1;
            break;
        }
    }

out:
    for (int i = 0; i < nfolders; i++) {
        if (c[i] && imapclient_get_state(c[i]) == IMAPCLIENT_STATE_IDLE)
            imapclient_idle_done(c[i], NULL, NULL);
        if (c[i])
            imapclient_logout(c[i], NULL);
        imapclient_free(c[i]);
    }
    if (!rc)
        printf("IDLE done\n");
    return rc;
}
