/*
 * FETCH benchmark, libimapclient side (see bench/README.md, "## fetch").
 *
 *   fetch_imapclient plain|stream HOST PORT USER PASSWORD FOLDER
 *
 * Logs in over plain IMAP, selects FOLDER read-only, fetches
 * ENVELOPE BODYSTRUCTURE FLAGS INTERNALDATE RFC822.SIZE of 1:* and walks
 * every message (envelopes, From/To/Cc addresses, body parts counted
 * recursively, nested message/rfc822 included). "plain" uses
 * imapclient_fetch() (whole result in memory, walked afterwards), "stream"
 * imapclient_fetch_each() (walked in the callback). Both get the typed
 * ENVELOPE and BODYSTRUCTURE built by the library.
 *
 * Prints one line of key=value pairs: the walk's counts, the process's CPU
 * time (getrusage RUSAGE_SELF, user+sys; fetch_cpu: the part spent from
 * sending FETCH to the end of the walk and free), the wall time of connect
 * to logout, and the peak RSS (ru_maxrss).
 */
#include <imapclient.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct walk {
    uint64_t msgs, envs, addrs, parts, bytes, flags;
} walk;

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t count_parts(const imapclient_body *b)
{
    uint64_t n = 1;
    for (size_t i = 0; i < b->part_count; i++)
        n += count_parts(&b->parts[i]);
    if (b->body)
        n += count_parts(b->body);
    return n;
}

static int walk_message(void *payload, const imapclient_message *m)
{
    walk *w = payload;
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
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 7 || (strcmp(argv[1], "plain") && strcmp(argv[1], "stream"))) {
        fprintf(stderr, "usage: %s plain|stream HOST PORT USER PASSWORD FOLDER\n",
                argv[0]);
        return 2;
    }
    int stream = !strcmp(argv[1], "stream");
    double t0 = now();

    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = atoi(argv[3]);
    o.use_uid = 0; /* FETCH by sequence number, as the other clients */
    o.connect_timeout_ms = 10000;
    o.timeout_ms = 120000;
    imapclient *c = NULL;
    int rc = imapclient_connect(argv[2], &o, &c);
    if (!rc)
        rc = imapclient_login(c, argv[4], argv[5], NULL);
    imapclient_select_info *si = NULL;
    if (!rc)
        rc = imapclient_select_folder(c, argv[6], 1, &si);
    imapclient_select_info_free(si);
    if (rc) {
        fprintf(stderr, "fetch_imapclient: %s\n",
                c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }

    static const char *const items[] = {"ENVELOPE",     "BODYSTRUCTURE", "FLAGS",
                                        "INTERNALDATE", "RFC822.SIZE",   NULL};
    walk w = {0};
    double c0 = cpu_now();
    if (stream) {
        rc = imapclient_fetch_each(c, "1:*", items, NULL, walk_message, NULL, 0, &w);
    } else {
        imapclient_fetch_result *r = NULL;
        rc = imapclient_fetch(c, "1:*", items, NULL, &r);
        for (size_t i = 0; !rc && i < r->count; i++)
            walk_message(&w, &r->msgs[i]);
        imapclient_fetch_result_free(r);
    }
    double fetch_cpu = cpu_now() - c0;
    if (rc) {
        fprintf(stderr, "fetch_imapclient: fetch: %s\n", imapclient_errmsg(c));
        imapclient_free(c);
        return 1;
    }
    imapclient_logout(c, NULL);
    imapclient_free(c);
    double wall = now() - t0;

    double cpu = cpu_now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("client=libimapclient-%s msgs=%llu envs=%llu addrs=%llu parts=%llu "
           "bytes=%llu flags=%llu cpu=%.3f fetch_cpu=%.3f wall=%.3f rss_kb=%ld\n",
           stream ? "stream" : "plain", (unsigned long long)w.msgs,
           (unsigned long long)w.envs, (unsigned long long)w.addrs,
           (unsigned long long)w.parts, (unsigned long long)w.bytes,
           (unsigned long long)w.flags, cpu, fetch_cpu, wall, ru.ru_maxrss);
    return 0;
}
