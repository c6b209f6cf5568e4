/*
 * APPEND benchmark, libimapclient side (see bench/README.md, "## append").
 *
 *   append_imapclient MODE HOST PORT USER PASSWORD FOLDER DIR [WINDOW [raw]]
 *
 * Appends every DIR/ *.eml file (in name order) to FOLDER, which must
 * exist, over plain IMAP. MODE:
 *
 *   pipelined    the non-blocking API: imapclient_start_append_stream()
 *                from each file's fd, WINDOW commands in flight (default
 *                and 0: all of them), driven with poll(); with "raw" the
 *                sources say crlf 1 (the files' line ends are CRLF already:
 *                sent as they are, in one pass, without the counting pass)
 *   blocking     imapclient_append(), one message at a time, each file read
 *                into memory first (as the libetpan client does)
 *   multiappend  imapclient_multiappend_stream(): one MULTIAPPEND command
 *                for all the files, each read through a callback source
 *                that opens its file when the command reaches it and
 *                closes it at its end (one fd open at a time)
 *
 * Line ends are otherwise normalised by the library (the files already have
 * CRLF, so the bytes sent are the files' bytes either way).
 *
 * Prints one line of key=value pairs: client, msgs, bytes, cpu (getrusage
 * RUSAGE_SELF user+sys, the whole process), wall (connect to logout),
 * append_wall (first APPEND started to last completed) and rss_kb (peak
 * RSS, ru_maxrss).
 */
#include <imapclient.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* user and system CPU seconds of the process so far */
static void cpu_split(double *usr, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *usr = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the files: names in one buffer, sorted -------------------------------- */

typedef struct files {
    char *names; /* "dir/name\0dir/name\0..." */
    size_t *off;
    size_t n;
} files;

static const char *g_names; /* for qsort's comparison */

static int cmp_off(const void *a, const void *b)
{
    return strcmp(g_names + *(const size_t *)a, g_names + *(const size_t *)b);
}

static int list_files(const char *dir, files *f)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t len = 0, cap = 0, ncap = 0;
    struct dirent *e;
    memset(f, 0, sizeof *f);
    while ((e = readdir(d))) {
        size_t k = strlen(e->d_name);
        if (k < 5 || strcmp(e->d_name + k - 4, ".eml"))
            continue;
        size_t need = strlen(dir) + 1 + k + 1;
        if (len + need > cap) {
            cap = (len + need) * 2;
            char *p = realloc(f->names, cap);
            if (!p)
                return -1;
            f->names = p;
        }
        if (f->n == ncap) {
            ncap = ncap ? ncap * 2 : 256;
            size_t *p = realloc(f->off, ncap * sizeof *p);
            if (!p)
                return -1;
            f->off = p;
        }
        f->off[f->n++] = len;
        len += (size_t)sprintf(f->names + len, "%s/%s", dir, e->d_name) + 1;
    }
    closedir(d);
    g_names = f->names;
    qsort(f->off, f->n, sizeof *f->off, cmp_off);
    return 0;
}

static const char *file_name(const files *f, size_t i)
{
    return f->names + f->off[i];
}

/* ---- pipelined --------------------------------------------------------------- */

typedef struct pipe_state {
    size_t done, failed;
    uint64_t bytes;
} pipe_state;

typedef struct slot {
    int fd;
    uint64_t size;
    pipe_state *ps;
    int busy;
} slot;

static void appended(imapclient *c, imapclient_completion *d)
{
    slot *s = d->user;
    if (d->status) {
        fprintf(stderr, "append_imapclient: append: %s\n", d->errmsg);
        s->ps->failed++;
    } else {
        s->ps->bytes += s->size;
    }
    s->ps->done++;
    close(s->fd);
    s->busy = 0;
}

static int run_pipelined(imapclient *c, const char *folder, const files *f, size_t window,
                         int raw, uint64_t *bytes)
{
    if (!window || window > f->n)
        window = f->n;
    slot *slots = calloc(window, sizeof *slots);
    if (!slots)
        return -1;
    pipe_state ps = {0};
    size_t next = 0;
    int rc = 0;
    while (ps.done < f->n) {
        for (size_t k = 0; k < window && next < f->n; k++) {
            slot *s = &slots[k];
            if (s->busy)
                continue;
            const char *name = file_name(f, next++);
            struct stat st;
            s->fd = open(name, O_RDONLY | O_CLOEXEC);
            if (s->fd < 0 || fstat(s->fd, &st) < 0) {
                fprintf(stderr, "append_imapclient: %s: %s\n", name, strerror(errno));
                return -1;
            }
            s->size = (uint64_t)st.st_size;
            s->ps = &ps;
            s->busy = 1;
            imapclient_source src = {.fd = s->fd, .size = s->size, .crlf = raw};
            if (imapclient_start_append_stream(c, folder, &src, NULL, NULL, appended, s,
                                               NULL)) {
                fprintf(stderr, "append_imapclient: start: %s\n", imapclient_errmsg(c));
                return -1;
            }
        }
        imapclient_wants w;
        if (imapclient_want(c, &w) < 0)
            break;
        struct pollfd p = {.fd = w.fd,
                           .events =
                               (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                       (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0))};
        if (poll(&p, 1, w.timeout_ms) < 0 && errno != EINTR)
            break;
        if ((rc = imapclient_drive(c)) < 0) {
            fprintf(stderr, "append_imapclient: %s\n", imapclient_errmsg(c));
            break;
        }
    }
    free(slots);
    *bytes = ps.bytes;
    return ps.done == f->n && !ps.failed && rc >= 0 ? 0 : -1;
}

/* ---- blocking, one by one -------------------------------------------------------- */

/* Read a whole file into *buf (grown as needed); its size, or -1. */
static long long slurp(const char *name, char **buf, size_t *cap)
{
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return -1;
    size_t size = (size_t)st.st_size;
    if (size > *cap) {
        char *p = realloc(*buf, size);
        if (!p)
            return -1;
        *buf = p;
        *cap = size;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, *buf + got, size - got);
        if (r <= 0) {
            close(fd);
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    return (long long)size;
}

static int run_blocking(imapclient *c, const char *folder, const files *f,
                        uint64_t *bytes)
{
    char *buf = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < f->n; i++) {
        long long n = slurp(file_name(f, i), &buf, &cap);
        if (n < 0) {
            fprintf(stderr, "append_imapclient: %s: %s\n", file_name(f, i),
                    strerror(errno));
            free(buf);
            return -1;
        }
        if (imapclient_append(c, folder, buf, (size_t)n, NULL, NULL, NULL)) {
            fprintf(stderr, "append_imapclient: append: %s\n", imapclient_errmsg(c));
            free(buf);
            return -1;
        }
        *bytes += (uint64_t)n;
    }
    free(buf);
    return 0;
}

/* ---- MULTIAPPEND from files ----------------------------------------------------------
 */

/* A callback source over a file that is opened when first read and closed
 * at its end (or when rewound): however many messages the command holds,
 * one file is open at a time. */
typedef struct lazy_file {
    const char *name;
    int fd;
    uint64_t size, off;
} lazy_file;

static long long lazy_read(void *payload, char *buf, size_t n)
{
    lazy_file *lf = payload;
    if (lf->fd < 0 && (lf->fd = open(lf->name, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    ssize_t r;
    do
        r = read(lf->fd, buf, n);
    while (r < 0 && errno == EINTR);
    if (r > 0)
        lf->off += (uint64_t)r;
    if (r <= 0 || lf->off >= lf->size) { /* its last bytes: the library reads no more */
        close(lf->fd);
        lf->fd = -1;
    }
    return r;
}

static int lazy_rewind(void *payload)
{
    lazy_file *lf = payload;
    if (lf->fd >= 0)
        close(lf->fd);
    lf->fd = -1;
    lf->off = 0;
    return 0;
}

static int run_multiappend(imapclient *c, const char *folder, const files *f,
                           uint64_t *bytes)
{
    imapclient_append_source *m = calloc(f->n, sizeof *m);
    lazy_file *lf = calloc(f->n, sizeof *lf);
    if (!m || !lf)
        return -1;
    for (size_t i = 0; i < f->n; i++) {
        struct stat st;
        if (stat(file_name(f, i), &st) < 0)
            return -1;
        lf[i] = (lazy_file){file_name(f, i), -1, (uint64_t)st.st_size, 0};
        m[i].src = (imapclient_source){.fd = -1,
                                       .read = lazy_read,
                                       .rewind = lazy_rewind,
                                       .payload = &lf[i],
                                       .size = (uint64_t)st.st_size};
        *bytes += (uint64_t)st.st_size;
    }
    imapclient_append_result *r = NULL;
    int rc = imapclient_multiappend_stream(c, folder, m, f->n, &r);
    if (rc)
        fprintf(stderr, "append_imapclient: multiappend: %s\n", imapclient_errmsg(c));
    else if (!r->has_appenduid || r->count != f->n)
        rc = -1,
        fprintf(stderr, "append_imapclient: APPENDUID for %zu, not %zu messages\n",
                r->count, f->n);
    imapclient_append_result_free(r);
    for (size_t i = 0; i < f->n; i++)
        if (lf[i].fd >= 0)
            close(lf[i].fd);
    free(m);
    free(lf);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 8 || argc > 10 ||
        (strcmp(argv[1], "pipelined") && strcmp(argv[1], "blocking") &&
         strcmp(argv[1], "multiappend"))) {
        fprintf(stderr,
                "usage: %s pipelined|blocking|multiappend HOST PORT USER PASSWORD FOLDER "
                "DIR [WINDOW [raw]]\n",
                argv[0]);
        return 2;
    }
    const char *mode = argv[1], *folder = argv[6];
    size_t window = argc > 8 ? (size_t)strtoul(argv[8], NULL, 10) : 0;
    int raw = argc > 9 && !strcmp(argv[9], "raw");
    files f;
    if (list_files(argv[7], &f) || !f.n) {
        fprintf(stderr, "append_imapclient: no .eml files in %s\n", argv[7]);
        return 1;
    }

    double t0 = now();
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = atoi(argv[3]);
    o.connect_timeout_ms = 10000;
    o.timeout_ms = 120000;
    imapclient *c = NULL;
    int rc = imapclient_connect(argv[2], &o, &c);
    if (!rc)
        rc = imapclient_login(c, argv[4], argv[5], NULL);
    if (!rc) /* the capabilities (LITERAL+) before the first APPEND is built */
        rc = imapclient_has_capability(c, "LITERAL+") < 0;
    if (rc) {
        fprintf(stderr, "append_imapclient: %s\n",
                c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    uint64_t bytes = 0;
    double a0 = now();
    if (!strcmp(mode, "pipelined"))
        rc = run_pipelined(c, folder, &f, window, raw, &bytes);
    else if (!strcmp(mode, "blocking"))
        rc = run_blocking(c, folder, &f, &bytes);
    else
        rc = run_multiappend(c, folder, &f, &bytes);
    double append_wall = now() - a0;
    if (rc) {
        imapclient_free(c);
        return 1;
    }
    imapclient_logout(c, NULL);
    imapclient_free(c);
    double wall = now() - t0;
    free(f.names);
    free(f.off);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double usr, sys;
    cpu_split(&usr, &sys);
    char name[64];
    if (!strcmp(mode, "pipelined") && window && window < f.n)
        snprintf(name, sizeof name, "pipelined-w%zu", window);
    else if (!strcmp(mode, "pipelined"))
        snprintf(name, sizeof name, "pipelined-all");
    else
        snprintf(name, sizeof name, "%s", mode);
    if (raw)
        strcat(name, "-raw");
    printf(
        "client=libimapclient-%s msgs=%zu bytes=%llu cpu=%.3f wall=%.3f append_wall=%.3f "
        "rss_kb=%ld usr=%.3f sys=%.3f\n",
        name, f.n, (unsigned long long)bytes, cpu_now(), wall, append_wall, ru.ru_maxrss,
        usr, sys);
    return 0;
}
