/*
 * Watch many mailboxes from one thread with poll(): one IMAP connection
 * per account, each in IDLE, every new message printed as it arrives
 * (its ENVELOPE fetched when the server reports EXISTS). The accounts'
 * protocol steps are in watch_accounts.h; this file is the event loop.
 *
 *   cc -Iinclude examples/watch_poll.c libimapclient.a -lssl -lcrypto -lz
 *   ./a.out -t 600 imap.example.org alice:secret1 bob:secret2
 *
 * See watch_accounts.h for the options and the environment.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>

#include "watch_accounts.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

int main(int argc, char **argv)
{
    watch w;
    int rc = watch_parse(&w, argc, argv);
    if (rc)
        return rc;
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    for (size_t k = 0; k < w.n; k++)
        account_start(&w.acct[k]);

    /* one pollfd per connection (two in the rare case of a handle with
     * separate read and write fds: a command's stdin/stdout) */
    struct pollfd *pfd = calloc(2 * w.n, sizeof *pfd);
    size_t *owner = calloc(2 * w.n, sizeof *owner);
    long long *due = calloc(w.n, sizeof *due); /* drive by then even if silent */
    if (!pfd || !owner || !due)
        return 1;
    long long stop_by = 0; /* once stopping: give the logouts 5 s */
    for (;;) {
        long long now = watch_now_ms();
        if (interrupted)
            w.stopping = 1;
        watch_check_time(&w, now);
        if (w.stopping && !stop_by)
            stop_by = now + 5000;
        if (stop_by && now >= stop_by)
            break;
        nfds_t n = 0;
        long long timeout = stop_by ? stop_by - now : -1;
        if (w.seconds && !w.stopping) {
            long long left = w.started_ms + w.seconds * 1000 - now;
            timeout = left < 0 ? 0 : left;
        }
        for (size_t k = 0; k < w.n; k++) {
            account *a = &w.acct[k];
            due[k] = -1;
            account_poke(a, now);
            if (!account_active(a))
                continue;
            imapclient_wants want;
            if (imapclient_want(a->c, &want) < 0) {
                account_fail(a, "connection", NULL);
                continue;
            }
            short ev = (want.events & IMAPCLIENT_WANT_READ) ? POLLIN : 0;
            if (want.events & IMAPCLIENT_WANT_WRITE) {
                if (want.write_fd == want.fd) {
                    ev |= POLLOUT;
                } else {
                    pfd[n] = (struct pollfd){.fd = want.write_fd, .events = POLLOUT};
                    owner[n++] = k;
                }
            }
            pfd[n] = (struct pollfd){.fd = want.fd, .events = ev};
            owner[n++] = k;
            long long t = want.timeout_ms;
            long long renew = account_timer_ms(a, now);
            if (renew >= 0 && (t < 0 || renew < t))
                t = renew;
            if (t >= 0) {
                due[k] = now + t;
                if (timeout < 0 || t < timeout)
                    timeout = t;
            }
        }
        if (n == 0)
            break; /* every connection is closed or failed */
        int ready = poll(pfd, n, timeout > 1000000 ? 1000000 : (int)timeout);
        if (ready < 0 && errno != EINTR) {
            perror("poll");
            break;
        }
        now = watch_now_ms();
        /* drive each handle once if one of its fds is ready or its time
         * came (owner[] lists a handle's pollfds next to each other) */
        for (nfds_t i = 0; i < n; i++) {
            size_t k = owner[i];
            int go = (ready > 0 && pfd[i].revents) || (due[k] >= 0 && now >= due[k]);
            if (i + 1 < n && owner[i + 1] == k) {
                go |= ready > 0 && pfd[i + 1].revents;
                i++;
            }
            account *a = &w.acct[k];
            if (go && account_active(a) && imapclient_drive(a->c) < 0 && !a->closed)
                account_fail(a, "connection", NULL); /* (if no completion said so) */
            account_poke(a, now);
        }
    }
    free(pfd);
    free(owner);
    free(due);
    return watch_finish(&w);
}
