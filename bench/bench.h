/*
 * What the C benchmark clients (imc_bench.c, etpan_bench.c) share: the
 * workloads' fixed parameters, clocks, memory probes, the APPEND blob and
 * the result line. See bench/README.md.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* W6t: connections per run; W4s: the UIDs sorted. */
#define W6T_CONNECTIONS 50
#define W4S_UIDS        "1:100000"

static inline double bench_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A line of /proc/self/status, in KB. */
static inline long bench_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n))
            kb = strtol(line + n, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

/* Resident memory now, in KB. */
static inline long bench_rss_kb(void)
{
    return bench_status_kb("VmRSS:");
}

/* Peak resident memory of this program, in KB: VmHWM, not ru_maxrss, which
 * counts the memory of the process that forked us (the runner) too. */
static inline long bench_peak_rss_kb(void)
{
    return bench_status_kb("VmHWM:");
}

/* What a workload walked: every client must report the same. */
typedef struct bench_walk {
    uint64_t msgs, envs, addrs, parts, bytes, flags, uids, check;
} bench_walk;

/* Fold a value below 2^32 into an order-sensitive 32-bit check value (the
 * node client computes the same with Math.imul). */
static inline void bench_fold(bench_walk *w, uint64_t v)
{
    w->check = (uint32_t)((uint32_t)w->check * 1000003u + (uint32_t)v);
}

static inline void bench_print(const char *client, const char *workload,
                               const bench_walk *w, double work_cpu, double wall,
                               long extra_kb)
{
    printf("client=%s workload=%s msgs=%llu envs=%llu addrs=%llu parts=%llu bytes=%llu "
           "flags=%llu uids=%llu check=%llu work_cpu=%.4f wall=%.4f peak_rss_kb=%ld "
           "per_conn_kb=%ld\n",
           client, workload, (unsigned long long)w->msgs, (unsigned long long)w->envs,
           (unsigned long long)w->addrs, (unsigned long long)w->parts,
           (unsigned long long)w->bytes, (unsigned long long)w->flags,
           (unsigned long long)w->uids, (unsigned long long)w->check, work_cpu, wall,
           bench_peak_rss_kb(), extra_kb);
    fflush(stdout);
}

/* The APPEND blob (gen-mail.py --blob): "<len>\n<bytes>" per message. */
typedef struct bench_blob {
    char *data;
    size_t n;
    const char **msg;
    size_t *len;
} bench_blob;

static inline int bench_blob_load(const char *path, bench_blob *b)
{
    memset(b, 0, sizeof *b);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    b->data = malloc((size_t)size + 1);
    if (!b->data || fread(b->data, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        return -1;
    }
    fclose(f);
    size_t cap = 0;
    char *p = b->data, *end = b->data + size;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return -1;
        size_t len = (size_t)strtoull(p, NULL, 10);
        p = nl + 1;
        if (len > (size_t)(end - p))
            return -1;
        if (b->n == cap) {
            cap = cap ? cap * 2 : 256;
            b->msg = realloc(b->msg, cap * sizeof *b->msg);
            b->len = realloc(b->len, cap * sizeof *b->len);
            if (!b->msg || !b->len)
                return -1;
        }
        b->msg[b->n] = p;
        b->len[b->n++] = len;
        p += len;
    }
    return 0;
}

#endif
