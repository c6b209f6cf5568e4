/*
 * The sync helper's three ways on one folder (bench/run-sync.sh): a folder
 * of N messages (every third one \Seen), a first sync each way, then K
 * messages flagged, K expunged and K appended by another connection, and
 * the incremental sync each way. For each: the time, the commands sent,
 * the bytes received, the state blob's size and the answer's counts.
 *
 *   sync_imapclient HOST PORT USER PASSWORD N K
 */
#include <imapclient.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct traffic {
    size_t commands, bytes;
} traffic;

static void count(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    traffic *t = payload;
    if (dir == IMAPCLIENT_LOG_RECEIVED)
        t->bytes += len + 2;
    else if (dir == IMAPCLIENT_LOG_SENT && len > 1 && line[0] == 'A' && line[1] >= '0' &&
             line[1] <= '9')
        t->commands++;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static imapclient *login(const char *host, int port, const char *user, const char *pass,
                         traffic *t)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = port;
    o.timeout_ms = 120000;
    if (t) {
        o.log = count;
        o.log_payload = t;
    }
    imapclient *c = NULL;
    if (imapclient_connect(host, &o, &c) || imapclient_login(c, user, pass, NULL)) {
        fprintf(stderr, "login: %s\n", c ? imapclient_errmsg(c) : "out of memory");
        exit(1);
    }
    return c;
}

static void check(imapclient *c, int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "%s: %s\n", what, imapclient_errmsg(c));
        exit(1);
    }
}

static const imapclient_sync_strategy ways[3] = {
    IMAPCLIENT_SYNC_QRESYNC, IMAPCLIENT_SYNC_CONDSTORE, IMAPCLIENT_SYNC_FLAGS};

/* One sync on a fresh connection, measured; prints a table row. */
static void run(const char *host, int port, const char *user, const char *pass,
                const char *folder, imapclient_sync_state *st, int way, const char *phase)
{
    traffic t = {0};
    imapclient *c = login(host, port, user, pass, &t);
    t = (traffic){0}; /* the sync only, not the login */
    imapclient_sync_options o = {.strategy = ways[way], .readonly = 1};
    imapclient_sync_result *r = NULL;
    double t0 = now();
    check(c, imapclient_sync_folder(c, folder, st, &o, &r), "sync");
    double ms = (now() - t0) * 1000;
    char *blob = NULL;
    size_t blen = 0;
    check(c, imapclient_sync_state_format(st, &blob, &blen), "format");
    printf(
        "| %s | %s | %.0f | %zu | %zu | %zu | %llu new, %zu changed, %llu vanished |\n",
        imapclient_sync_strategy_name(ways[way]), phase, ms, t.commands, t.bytes, blen,
        (unsigned long long)imapclient_uidset_size(&r->new_uids), r->changed_count,
        (unsigned long long)imapclient_uidset_size(&r->vanished));
    free(blob);
    imapclient_sync_result_free(r);
    imapclient_logout(c, NULL);
    imapclient_free(c);
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: %s HOST PORT USER PASSWORD N K\n", argv[0]);
        return 2;
    }
    const char *host = argv[1], *user = argv[3], *pass = argv[4];
    int port = atoi(argv[2]), n = atoi(argv[5]), k = atoi(argv[6]);
    char folder[64];
    snprintf(folder, sizeof folder, "SyncBench%ld", (long)getpid());

    imapclient *b = login(host, port, user, pass, NULL);
    check(b, imapclient_create_folder(b, folder, NULL), "create");
    static char bodies[100][160];
    static const char *const seen[] = {"\\Seen", NULL};
    imapclient_append_msg m[100];
    for (int done = 0; done < n;) {
        int batch = n - done < 100 ? n - done : 100;
        for (int i = 0; i < batch; i++) {
            int len = snprintf(bodies[i], sizeof bodies[i],
                               "From: bench@example.org\r\nSubject: message %d\r\n\r\n"
                               "body %d\r\n",
                               done + i, done + i);
            m[i] = (imapclient_append_msg){.data = bodies[i],
                                           .len = (size_t)len,
                                           .flags = (done + i) % 3 ? NULL : seen};
        }
        check(b, imapclient_multiappend(b, folder, m, (size_t)batch, NULL), "append");
        done += batch;
    }

    imapclient_sync_state *st[3];
    printf("| way | sync | ms | commands | bytes received | state bytes | answer |\n"
           "| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
    for (int w = 0; w < 3; w++) {
        check(b, imapclient_sync_state_new(&st[w]), "state");
        run(host, port, user, pass, folder, st[w], w, "first");
    }

    /* K flagged, K expunged (spread over the folder), K appended */
    check(b, imapclient_select_folder(b, folder, 0, NULL), "select");
    static const char *const flagged[] = {"\\Flagged", NULL};
    char set[32];
    for (int i = 0; i < k; i++) {
        snprintf(set, sizeof set, "%d", 1 + (int)((long long)i * n / k));
        check(b, imapclient_add_flags(b, set, flagged, 1, NULL), "flag");
        snprintf(set, sizeof set, "%d", 2 + (int)((long long)i * n / k));
        check(b, imapclient_delete_messages(b, set, 1, NULL), "delete");
    }
    check(b, imapclient_expunge(b, NULL, NULL), "expunge");
    for (int done = 0; done < k;) {
        int batch = k - done < 100 ? k - done : 100;
        for (int i = 0; i < batch; i++) {
            int len = snprintf(bodies[i], sizeof bodies[i],
                               "From: bench@example.org\r\nSubject: new %d\r\n\r\nx\r\n",
                               done + i);
            m[i] = (imapclient_append_msg){.data = bodies[i], .len = (size_t)len};
        }
        check(b, imapclient_multiappend(b, folder, m, (size_t)batch, NULL), "append");
        done += batch;
    }

    for (int w = 0; w < 3; w++) {
        run(host, port, user, pass, folder, st[w], w, "after changes");
        imapclient_sync_state_free(st[w]);
    }
    imapclient_unselect_folder(b, NULL);
    imapclient_delete_folder(b, folder, NULL);
    imapclient_logout(b, NULL);
    imapclient_free(b);
    return 0;
}
