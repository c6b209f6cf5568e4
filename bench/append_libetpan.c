/*
 * APPEND benchmark, libetpan side (see bench/README.md, "## append").
 *
 *   append_libetpan HOST PORT USER PASSWORD FOLDER DIR
 *
 * The same work as `append_imapclient blocking`: every DIR/ *.eml file, in
 * name order, read into memory and appended to FOLDER with
 * mailimap_append(), one at a time (libetpan has no pipelining; it sends
 * the message as a synchronising literal, waiting for the server's "+").
 * Prints the same key=value line.
 */
#include <libetpan/libetpan.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .eml files of dir, sorted; NULL on failure. */
static char **list_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *e;
    *n = 0;
    while ((e = readdir(d))) {
        size_t k = strlen(e->d_name);
        if (k < 5 || strcmp(e->d_name + k - 4, ".eml"))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            char **p = realloc(v, cap * sizeof *p);
            if (!p)
                return NULL;
            v = p;
        }
        size_t len = strlen(dir) + 1 + k + 1;
        if (!(v[*n] = malloc(len)))
            return NULL;
        snprintf(v[(*n)++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(v, *n, sizeof *v, cmp_name);
    return v;
}

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

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT USER PASSWORD FOLDER DIR\n", argv[0]);
        return 2;
    }
    size_t n = 0;
    char **names = list_files(argv[6], &n);
    if (!names || !n) {
        fprintf(stderr, "append_libetpan: no .eml files in %s\n", argv[6]);
        return 1;
    }
    double t0 = now();
    mailimap *s = mailimap_new(0, NULL);
    if (!s)
        return 1;
    mailimap_set_timeout(s, 120);
    int r = mailimap_socket_connect(s, argv[1], (uint16_t)atoi(argv[2]));
    if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR) {
        fprintf(stderr, "append_libetpan: connect: error %d\n", r);
        return 1;
    }
    if ((r = mailimap_login(s, argv[3], argv[4])) != MAILIMAP_NO_ERROR) {
        fprintf(stderr, "append_libetpan: login: error %d\n", r);
        return 1;
    }
    char *buf = NULL;
    size_t cap = 0;
    uint64_t bytes = 0;
    double a0 = now();
    for (size_t i = 0; i < n; i++) {
        long long len = slurp(names[i], &buf, &cap);
        if (len < 0) {
            fprintf(stderr, "append_libetpan: %s: %s\n", names[i], strerror(errno));
            return 1;
        }
        r = mailimap_append(s, argv[5], NULL, NULL, buf, (size_t)len);
        if (r != MAILIMAP_NO_ERROR) {
            fprintf(stderr, "append_libetpan: append %s: error %d\n", names[i], r);
            return 1;
        }
        bytes += (uint64_t)len;
    }
    double append_wall = now() - a0;
    mailimap_logout(s);
    mailimap_free(s);
    double wall = now() - t0;
    free(buf);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double usr, sys;
    cpu_split(&usr, &sys);
    printf("client=libetpan msgs=%zu bytes=%llu cpu=%.3f wall=%.3f append_wall=%.3f "
           "rss_kb=%ld usr=%.3f sys=%.3f\n",
           n, (unsigned long long)bytes, cpu_now(), wall, append_wall, ru.ru_maxrss, usr,
           sys);
    return 0;
}
