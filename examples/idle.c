/*
 * Watch a mailbox with IDLE (the reference's "Watching a Mailbox Using
 * IDLE", in C): select INBOX, enter IDLE and print what the server reports
 * until Ctrl-C, renewing IDLE every 10 minutes so that servers and routers
 * do not drop the quiet connection (RFC 2177 asks for at least every 29).
 *
 *   cc -Iinclude examples/idle.c libimapclient.a -lssl -lcrypto -lz
 *   IMAP_PASSWORD=secret ./a.out imap.example.com me@example.com
 *
 * Environment: IMAP_PASSWORD (when not given as third argument), IMAP_PORT,
 * IMAP_NO_TLS=1 (plain connection), IMAP_CA_FILE (trusted CA bundle),
 * IMAP_FOLDER (default INBOX).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <imapclient.h>

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
    (void)sig;
    stop = 1;
}

/* The library's interrupt hook: a Ctrl-C ends the wait in idle_check() at
 * once (IMAPCLIENT_EINTERRUPTED; the handle stays in IDLE). */
static int interrupted(void *payload)
{
    (void)payload;
    return stop;
}

static int fail(imapclient *c, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, c ? imapclient_errmsg(c) : "out of memory");
    imapclient_free(c);
    return 1;
}

/* Print one response the way the reference shows them: (1, EXISTS),
 * (3, FETCH, (FLAGS (\Seen))), (OK, Still here). */
static void show(const imapclient_response *r)
{
    if (!r->has_number) {
        printf("  (%s, %s)\n", r->name, r->text);
        return;
    }
    /* the arguments as received: what follows "* <n> <NAME> " */
    const char *rest = r->raw ? r->raw : "";
    for (int words = 0; words < 3 && *rest; words++) {
        rest += strcspn(rest, " ");
        rest += strspn(rest, " ");
    }
    printf("  (%u, %s%s%s)\n", r->number, r->name, *rest ? ", " : "", rest);
}

int main(int argc, char **argv)
{
    const char *password = argc > 3 ? argv[3] : getenv("IMAP_PASSWORD");
    const char *folder = getenv("IMAP_FOLDER") ? getenv("IMAP_FOLDER") : "INBOX";
    if (argc < 3 || !password) {
        fprintf(stderr, "usage: %s HOST USER [PASSWORD]\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts);
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS"))
        opts.ssl = 0;
    opts.ca_file = getenv("IMAP_CA_FILE");
    opts.interrupt = interrupted;

    imapclient *c = NULL;
    if (imapclient_connect(argv[1], &opts, &c))
        return fail(c, "connect");
    if (imapclient_login(c, argv[2], password, NULL))
        return fail(c, "login");
    if (imapclient_select_folder(c, folder, 0, NULL))
        return fail(c, "select_folder");

    /* Ctrl-C sets stop, which also ends the wait in idle_check(); then
     * IDLE is ended properly with DONE. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);

    if (imapclient_idle(c))
        return fail(c, "idle");
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("Connection is now in IDLE mode, send yourself an email or quit with ^C\n");
    while (!stop) {
        /* Wait for up to 30 seconds for an IDLE response. */
        imapclient_responses *r = NULL;
        int rc = imapclient_idle_check(c, 30000, &r);
        if (rc == IMAPCLIENT_EINTERRUPTED)
            break;
        if (rc < 0)
            return fail(c, "idle_check");
        if (r->count == 0)
            printf("Server sent: nothing\n");
        else
            printf("Server sent:\n");
        for (size_t i = 0; i < r->count; i++)
            show(&r->items[i]);
        imapclient_responses_free(r);
        /* DONE + IDLE once this IDLE is 10 minutes old. */
        if (imapclient_idle_renew(c, IMAPCLIENT_IDLE_RENEW_MS) < 0)
            return fail(c, "idle_renew");
    }

    const char *text = NULL;
    if (imapclient_idle_done(c, &text, NULL))
        return fail(c, "idle_done");
    printf("\nIDLE mode done (%s)\n", text);
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
