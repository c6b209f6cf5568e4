/*
 * The libimapclient benchmark client (bench/README.md, bench/run-all.sh).
 *
 *   imc_bench NAME WORKLOAD HOST PORT USER PASSWORD FOLDER [ARG]
 *
 * NAME labels the result line (the run compares builds: "imapclient" and
 * "imapclient@main"). Workloads:
 *
 *   w1-stream, w1-whole  FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE
 *                        ENVELOPE BODYSTRUCTURE): imapclient_fetch_each()
 *                        walking each message in the callback, or
 *                        imapclient_fetch() walking the whole result
 *   w2-whole, w2-stream  FETCH 1:* BODY.PEEK[] (2,000 x 100 KB)
 *   w3-whole             FETCH 1 BODY.PEEK[] (one 100 MB message)
 *   w4                   15 UID SEARCH (criteria below)
 *   w4s                  5 UID SORT of UIDs 1:100000
 *   w5                   APPEND, one by one, of the messages in ARG (a
 *                        gen-mail.py --blob file) to FOLDER
 *   w6t-ctx              50 x (TLS connect, LOGIN, SELECT, LOGOUT) with one
 *                        SSL_CTX the caller made (options.ssl_ctx), the CA
 *                        file ARG loaded once, chain and name verified
 *   w6t-config           the same with one shared imapclient_tls_config (CA
 *                        file ARG, verified; sessions resumed)
 *   w6t-default          the same with the library's defaults and
 *                        verification off (as libetpan, which verifies nothing)
 *   w6t-sysca            the library's defaults with verification on against
 *                        the system store (the runner points SSL_CERT_FILE at
 *                        Debian's CA bundle plus the test CA)
 *   idle-plain, idle-tls, idle-tls-config
 *                        ARG connections, logged in with INBOX selected, held
 *                        open: the resident memory each one adds
 *
 * Prints one line (bench.h): what was walked, the CPU of the work, wall
 * time, peak RSS. The runner takes the process's CPU time from wait4().
 */
#include <imapclient.h>

#if defined(__has_include)
#if __has_include(<imapclient/tls.h>)
#define HAVE_TLS_CONFIG 1
#endif
#endif

#include <openssl/ssl.h>

#include "bench.h"

static const char *name;
static const char *workload;
static const char *host, *user, *password, *folder, *arg;
static int port;

static void die(imapclient *c, const char *what)
{
    fprintf(stderr, "imc_bench %s: %s: %s\n", workload, what,
            c ? imapclient_errmsg(c) : "out of memory");
    exit(1);
}

static void base_opts(imapclient_options *o)
{
    imapclient_options_init(o);
    o->ssl = 0;
    o->port = port;
    o->use_uid = 0; /* FETCH by sequence number, as the other clients */
    o->connect_timeout_ms = 30000;
    o->timeout_ms = 300000;
}

static imapclient *session(const imapclient_options *o, const char *box, int readonly)
{
    imapclient *c = NULL;
    if (imapclient_connect(host, o, &c))
        die(c, "connect");
    if (imapclient_login(c, user, password, NULL))
        die(c, "login");
    if (box && imapclient_select_folder(c, box, readonly, NULL))
        die(c, "select");
    return c;
}

static void finish(imapclient *c)
{
    imapclient_logout(c, NULL);
    imapclient_free(c);
}

/* ---- W1: envelopes and structures ------------------------------------------ */

static uint64_t count_parts(const imapclient_body *b)
{
    uint64_t n = 1;
    for (size_t i = 0; i < b->part_count; i++)
        n += count_parts(&b->parts[i]);
    if (b->body)
        n += count_parts(b->body);
    return n;
}

static int walk_w1(void *payload, const imapclient_message *m)
{
    bench_walk *w = payload;
    w->msgs++;
    if (m->envelope) {
        w->envs++;
        w->addrs +=
            m->envelope->from_count + m->envelope->to_count + m->envelope->cc_count;
    }
    if (m->body)
        w->parts += count_parts(m->body);
    if (m->has_size)
        w->bytes += m->size;
    w->flags += m->flag_count;
    if (m->has_uid) {
        w->uids++;
        bench_fold(w, m->uid);
    }
    return 0;
}

/* ---- W2, W3: bodies ----------------------------------------------------------- */

static int walk_body(void *payload, const imapclient_message *m)
{
    bench_walk *w = payload;
    const imapclient_value *v = imapclient_message_item(m, "BODY[]");
    w->msgs++;
    if (v && v->str) {
        w->bytes += v->len;
        if (v->len)
            bench_fold(w, (unsigned char)v->str[v->len / 2]);
    }
    return 0;
}

static void fetch_run(imapclient *c, const char *set, const char *const *items,
                      int stream, imapclient_message_cb walk, bench_walk *w)
{
    if (stream) {
        if (imapclient_fetch_each(c, set, items, NULL, walk, NULL, 0, w))
            die(c, "fetch_each");
        return;
    }
    imapclient_fetch_result *r = NULL;
    if (imapclient_fetch(c, set, items, NULL, &r))
        die(c, "fetch");
    for (size_t i = 0; i < r->count; i++)
        walk(w, &r->msgs[i]);
    imapclient_fetch_result_free(r);
}

/* ---- W4: SEARCH and SORT --------------------------------------------------------- */

static const char *const *const searches[] = {
    (const char *const[]){"ALL", NULL},
    (const char *const[]){"SEEN", NULL},
    (const char *const[]){"UNSEEN", NULL},
    (const char *const[]){"FLAGGED", NULL},
    (const char *const[]){"UNFLAGGED", NULL},
    (const char *const[]){"ANSWERED", NULL},
    (const char *const[]){"UNANSWERED", NULL},
    (const char *const[]){"LARGER", "1000", NULL},
    (const char *const[]){"SMALLER", "1000", NULL},
    (const char *const[]){"UID", "1:60000", NULL},
    (const char *const[]){"UID", "40000:*", NULL},
    (const char *const[]){"OR", "FLAGGED", "ANSWERED", NULL},
    (const char *const[]){"NOT", "LARGER", "1500", NULL},
    (const char *const[]){"SEEN", "LARGER", "800", NULL},
    (const char *const[]){"UNSEEN", "SMALLER", "1200", NULL},
};

static const char *const *const sorts[] = {
    (const char *const[]){"ARRIVAL", NULL},
    (const char *const[]){"REVERSE ARRIVAL", NULL},
    (const char *const[]){"SIZE", NULL},
    (const char *const[]){"REVERSE SIZE", NULL},
    (const char *const[]){"DATE", NULL},
};

static void walk_ids(bench_walk *w, const imapclient_ids *ids)
{
    w->msgs++;
    for (size_t i = 0; i < ids->count; i++) {
        w->uids++;
        bench_fold(w, ids->ids[i]);
    }
}

/* ---- W6t: TLS connections ----------------------------------------------------- */

static void tls_round(const imapclient_options *o)
{
    imapclient *c = session(o, "INBOX", 0);
    finish(c);
}

static void tls_opts(imapclient_options *o)
{
    base_opts(o);
    o->ssl = 1;
    o->tls_hostname = "localhost"; /* the test certificate's name */
}

/* ---- idle connections ------------------------------------------------------------- */

static long idle_conns(const imapclient_options *o, int n)
{
    imapclient **cs = calloc((size_t)n, sizeof *cs);
    if (!cs || n < 2)
        die(NULL, "idle: ARG must be 2 or more");
    cs[0] = session(o, "INBOX", 0);
    long before = bench_rss_kb();
    for (int i = 1; i < n; i++)
        cs[i] = session(o, "INBOX", 0);
    long after = bench_rss_kb();
    for (int i = 0; i < n; i++)
        finish(cs[i]);
    free(cs);
    return (after - before) / (n - 1);
}

int main(int argc, char **argv)
{
    if (argc < 8 || argc > 9) {
        fprintf(stderr, "usage: %s NAME WORKLOAD HOST PORT USER PASSWORD FOLDER [ARG]\n",
                argv[0]);
        return 2;
    }
    name = argv[1];
    workload = argv[2];
    host = argv[3];
    port = atoi(argv[4]);
    user = argv[5];
    password = argv[6];
    folder = argv[7];
    arg = argc == 9 ? argv[8] : NULL;
    const char *w1_items[] = {
        "UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", NULL};
    const char *body_items[] = {"BODY.PEEK[]", NULL};
    bench_walk w = {0};
    imapclient_options o;
    base_opts(&o);
    long extra = 0;
    double t0 = bench_now(), c0 = 0;

    if (!strncmp(workload, "w1-", 3) || !strncmp(workload, "w2-", 3) ||
        !strcmp(workload, "w3-whole")) {
        imapclient *c = session(&o, folder, 1);
        c0 = bench_cpu();
        int stream = strstr(workload, "stream") != NULL;
        if (workload[1] == '1')
            fetch_run(c, "1:*", w1_items, stream, walk_w1, &w);
        else
            fetch_run(c, workload[1] == '2' ? "1:*" : "1", body_items, stream, walk_body,
                      &w);
        finish(c);
    } else if (!strcmp(workload, "w4") || !strcmp(workload, "w4s")) {
        o.use_uid = 1;
        imapclient *c = session(&o, folder, 1);
        c0 = bench_cpu();
        int sort = workload[2] == 's';
        size_t n =
            sort ? sizeof sorts / sizeof sorts[0] : sizeof searches / sizeof searches[0];
        for (size_t i = 0; i < n; i++) {
            imapclient_ids *ids = NULL;
            const char *range[] = {"UID", W4S_UIDS, NULL};
            int rc = sort ? imapclient_sort(c, sorts[i], range, NULL, &ids)
                          : imapclient_search(c, searches[i], NULL, &ids);
            if (rc)
                die(c, sort ? "sort" : "search");
            walk_ids(&w, ids);
            imapclient_ids_free(ids);
        }
        finish(c);
    } else if (!strcmp(workload, "w5")) {
        bench_blob b;
        if (!arg || bench_blob_load(arg, &b))
            die(NULL, "w5: cannot read the blob");
        imapclient *c = session(&o, NULL, 0);
        c0 = bench_cpu();
        for (size_t i = 0; i < b.n; i++) {
            if (imapclient_append(c, folder, b.msg[i], b.len[i], NULL, NULL, NULL))
                die(c, "append");
            w.msgs++;
            w.bytes += b.len[i];
        }
        finish(c);
    } else if (!strncmp(workload, "w6t-", 4)) {
        tls_opts(&o);
        SSL_CTX *ctx = NULL;
        c0 = bench_cpu();
        if (!strcmp(workload, "w6t-ctx")) {
            ctx = SSL_CTX_new(TLS_client_method());
            if (!ctx || !arg || SSL_CTX_load_verify_locations(ctx, arg, NULL) != 1)
                die(NULL, "w6t-ctx: cannot make the SSL_CTX");
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
            o.ssl_ctx = ctx;
        } else if (!strcmp(workload, "w6t-config")) {
#ifdef HAVE_TLS_CONFIG
            o.tls_config = imapclient_tls_config_new();
            if (!o.tls_config || !arg ||
                imapclient_tls_config_set_ca(o.tls_config, arg, NULL))
                die(NULL, "w6t-config: cannot make the configuration");
#else
            fprintf(stderr, "imc_bench: no imapclient_tls_config in this build\n");
            return 3;
#endif
        } else if (!strcmp(workload, "w6t-default")) {
            o.verify_peer = 0;
            o.check_hostname = 0;
        } else if (strcmp(workload, "w6t-sysca") != 0) {
            die(NULL, "unknown workload");
        }
        for (int i = 0; i < W6T_CONNECTIONS; i++) {
            tls_round(&o);
            w.msgs++;
        }
#ifdef HAVE_TLS_CONFIG
        imapclient_tls_config_unref(o.tls_config);
#endif
        SSL_CTX_free(ctx);
    } else if (!strncmp(workload, "idle-", 5)) {
        int n = arg ? atoi(arg) : 0;
        if (strcmp(workload, "idle-plain") != 0) {
            tls_opts(&o);
            o.verify_peer = 0;
            o.check_hostname = 0;
            if (!strcmp(workload, "idle-tls-config")) {
#ifdef HAVE_TLS_CONFIG
                o.tls_config = imapclient_tls_config_new();
                if (!o.tls_config || imapclient_tls_config_set_verify(o.tls_config, 0))
                    die(NULL, "idle-tls-config: cannot make the configuration");
#else
                fprintf(stderr, "imc_bench: no imapclient_tls_config in this build\n");
                return 3;
#endif
            }
        }
        c0 = bench_cpu();
        extra = idle_conns(&o, n);
        w.msgs = (uint64_t)n;
#ifdef HAVE_TLS_CONFIG
        imapclient_tls_config_unref(o.tls_config);
#endif
    } else {
        die(NULL, "unknown workload");
    }
    double work = bench_cpu() - c0;
    bench_print(name, workload, &w, work, bench_now() - t0, extra);
    return 0;
}
