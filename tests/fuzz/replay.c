/*
 * Driver for builds without libFuzzer (gcc, normal builds): runs the
 * target over every file of the directories (or files) given, and over a
 * few deterministic variants of each (prefixes, flipped and dropped
 * bytes), so `ctest -L fuzz` always exercises every target.
 */
#include "fuzz.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t runs;
static const uint8_t *current; /* the input being run, shown on a crash */
static size_t current_len;
static const char *current_file;

/* On a crash, say which input (as C escapes) before dying. */
static void on_crash(int sig)
{
    static const char hex[] = "0123456789abcdef";
    char out[8];
    (void)!write(2, "replay: crash in ", 17);
    if (current_file)
        (void)!write(2, current_file, strlen(current_file));
    (void)!write(2, " on input \"", 11);
    for (size_t i = 0; current && i < current_len && i < 4096; i++) {
        uint8_t c = current[i];
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
            (void)!write(2, &c, 1);
        } else {
            out[0] = '\\';
            out[1] = 'x';
            out[2] = hex[c >> 4];
            out[3] = hex[c & 15];
            (void)!write(2, out, 4);
        }
    }
    (void)!write(2, "\"\n", 2);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void run(const uint8_t *d, size_t n)
{
    /* a fresh copy each time, exactly n bytes long, as libFuzzer gives */
    uint8_t *c = malloc(n ? n : 1);
    if (!c)
        exit(1);
    memcpy(c, d, n);
    current = c;
    current_len = n;
    LLVMFuzzerTestOneInput(c, n);
    current = NULL;
    free(c);
    runs++;
}

static void variants(const uint8_t *d, size_t n)
{
    run(d, n);
    if (n == 0 || n > 65536)
        return;
    uint8_t *v = malloc(n);
    if (!v)
        exit(1);
    static const uint8_t flips[] = {'(', ')',  '"', '{', '}', '\r', '\n',
                                    ' ', '\\', '[', ']', 0,   '~',  '9'};
    for (size_t k = 1; k <= 8; k++) {
        size_t at = (n * k) / 9;
        run(d, at); /* prefix */
        memcpy(v, d, n);
        v[at] = flips[(at + k) % sizeof flips];
        run(v, n); /* one byte changed */
        memcpy(v, d, at);
        memcpy(v + at, d + at + 1, n - at - 1);
        run(v, n - 1); /* one byte dropped */
    }
    free(v);
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *nb = realloc(buf, cap);
            if (!nb)
                exit(1);
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0)
            break;
        len += got;
    }
    fclose(f);
    current_file = path;
    variants(buf, len);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    size_t files = 0;
    int bad = 0;
    signal(SIGABRT, on_crash);
    signal(SIGSEGV, on_crash);
    signal(SIGBUS, on_crash);
    signal(SIGFPE, on_crash);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "cannot stat %s\n", argv[i]);
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= run_file(argv[i]) != 0;
            files++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) {
            bad = 1;
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            bad |= run_file(path) != 0;
            files++;
        }
        closedir(d);
    }
    printf("replayed %zu inputs from %zu files\n", runs, files);
    return bad || files == 0;
}
