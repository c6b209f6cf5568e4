/*
 * Bulk import: every message of a Maildir (cur/ and new/) or of a
 * directory of .eml files into a folder, with pipelined APPENDs.
 *
 * Each file becomes one APPEND streamed from its fd
 * (imapclient_start_append_stream()), so no message is ever held whole in
 * memory; up to WINDOW of them are in flight at once (with LITERAL+ they go
 * out back to back without waiting for the server), and the directory is
 * read as the import goes, so memory stays bounded whatever the count.
 * Line ends are made CRLF on the way. Maildir flags (the ":2,FRS" suffix)
 * become IMAP flags, and the file's mtime the INTERNALDATE.
 *
 * The connection and the login use the blocking calls; the APPENDs the
 * non-blocking API (<imapclient/async.h>) on the same handle, driven by
 * poll().
 *
 *   import_pipelined [-w WINDOW] HOST USER PASSWORD FOLDER PATH
 *
 * WINDOW defaults to 64. The folder is created when it does not exist.
 * Prints one line per message that failed (its file and the reason) and a
 * summary with the rate; the exit status is 0 when every message was
 * imported, 1 otherwise.
 *
 * Environment: IMAP_PORT, IMAP_NO_TLS=1 (plain connection), IMAP_CA_FILE,
 * IMAP_TLS_NAME (name to verify in the certificate).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <imapclient.h>

/* ---- the files, one at a time ---------------------------------------------- */

typedef struct walker {
    char root[PATH_MAX];
    int maildir; /* root/cur and root/new, every file; else root/ *.eml */
    int stage;   /* maildir: 0 cur, 1 new; 2 done */
    DIR *dir;
} walker;

static int walker_open(walker *wk, const char *path)
{
    struct stat st;
    char cur[PATH_MAX + 8];
    memset(wk, 0, sizeof *wk);
    snprintf(wk->root, sizeof wk->root, "%s", path);
    snprintf(cur, sizeof cur, "%s/cur", path);
    wk->maildir = stat(cur, &st) == 0 && S_ISDIR(st.st_mode);
    if (!wk->maildir) {
        wk->dir = opendir(path);
        return wk->dir ? 0 : -1;
    }
    return 0;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

/* The next file's path (and its name, for the Maildir flags): 1, or 0 at
 * the end. */
static int walker_next(walker *wk, char *path, size_t size, const char **name)
{
    for (;;) {
        if (!wk->dir) {
            if (!wk->maildir || wk->stage >= 2)
                return 0;
            char sub[PATH_MAX + 8];
            snprintf(sub, sizeof sub, "%s/%s", wk->root, wk->stage == 0 ? "cur" : "new");
            wk->dir = opendir(sub);
            if (!wk->dir) {
                wk->stage++;
                continue;
            }
        }
        struct dirent *e = readdir(wk->dir);
        if (!e) {
            closedir(wk->dir);
            wk->dir = NULL;
            wk->stage = wk->maildir ? wk->stage + 1 : 2;
            if (!wk->maildir)
                return 0;
            continue;
        }
        if (e->d_name[0] == '.')
            continue;
        if (!wk->maildir && !has_suffix(e->d_name, ".eml"))
            continue;
        int n;
        if (wk->maildir)
            n = snprintf(path, size, "%s/%s/%s", wk->root, wk->stage == 0 ? "cur" : "new",
                         e->d_name);
        else
            n = snprintf(path, size, "%s/%s", wk->root, e->d_name);
        if (n < 0 || (size_t)n >= size)
            continue;
        *name = strrchr(path, '/') + 1;
        return 1;
    }
}

/* ---- one APPEND in flight -------------------------------------------------- */

typedef struct slot {
    int busy;
    int fd;
    uint64_t size;
    char path[PATH_MAX];
    const char *flags[6];
    imapclient_datetime date;
    struct importer *im;
} slot;

typedef struct importer {
    imapclient *c;
    const char *folder;
    slot *slots;
    size_t window, in_flight, most_in_flight;
    size_t imported, failed, skipped;
    uint64_t bytes;
} importer;

/* Maildir info "...:2,FRS" to flags (RFC-less but universal: D draft,
 * F flagged, R replied, S seen, T trashed). */
static void maildir_flags(const char *name, const char **flags)
{
    size_t n = 0;
    const char *info = strstr(name, ":2,");
    if (info)
        for (const char *p = info + 3; *p && n < 5; p++)
            switch (*p) {
            case 'D':
                flags[n++] = "\\Draft";
                break;
            case 'F':
                flags[n++] = "\\Flagged";
                break;
            case 'R':
                flags[n++] = "\\Answered";
                break;
            case 'S':
                flags[n++] = "\\Seen";
                break;
            case 'T':
                flags[n++] = "\\Deleted";
                break;
            default:
                break;
            }
    flags[n] = NULL;
}

static void slot_release(slot *s)
{
    close(s->fd);
    s->busy = 0;
    s->im->in_flight--;
}

static void appended(imapclient *c, imapclient_completion *d)
{
    slot *s = d->user;
    importer *im = s->im;
    if (d->status == 0) {
        im->imported++;
        im->bytes += s->size;
    } else {
        im->failed++;
        fprintf(stderr, "%s: not imported: %s\n", s->path, d->errmsg);
    }
    slot_release(s);
}

/* Start the APPEND of one file in slot s: 1 when started, 0 when the file
 * was skipped or refused (said why). */
static int start_one(importer *im, slot *s, const char *name)
{
    s->fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (s->fd < 0 || fstat(s->fd, &st) < 0) {
        fprintf(stderr, "%s: %s\n", s->path, strerror(errno));
        if (s->fd >= 0)
            close(s->fd);
        im->skipped++;
        return 0;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        close(s->fd); /* a directory, a fifo...: not a message; empty: nothing to send */
        im->skipped += S_ISREG(st.st_mode);
        return 0;
    }
    s->size = (uint64_t)st.st_size;
    maildir_flags(name, s->flags);
    imapclient_datetime_from_epoch((int64_t)st.st_mtime, 1, &s->date);
    /* crlf 0: line ends are normalised, which reads the file once to count
     * (pread: the fd stays at offset 0) and again while it goes out */
    imapclient_source src = {.fd = s->fd, .size = s->size, .crlf = 0};
    s->busy = 1;
    im->in_flight++;
    if (imapclient_start_append_stream(im->c, im->folder, &src, s->flags, &s->date,
                                       appended, s, NULL)) {
        /* refused before anything was queued (a NUL byte, a bad flag...) */
        fprintf(stderr, "%s: not imported: %s\n", s->path, imapclient_errmsg(im->c));
        im->failed++;
        slot_release(s);
        return 0;
    }
    if (im->in_flight > im->most_in_flight)
        im->most_in_flight = im->in_flight;
    return 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(imapclient *c, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, c ? imapclient_errmsg(c) : "out of memory");
    imapclient_free(c);
    return 1;
}

int main(int argc, char **argv)
{
    size_t window = 64;
    int i = 1;
    if (argc > 2 && !strcmp(argv[1], "-w")) {
        window = (size_t)strtoul(argv[2], NULL, 10);
        i = 3;
    }
    if (argc - i != 5 || window == 0) {
        fprintf(stderr, "usage: %s [-w WINDOW] HOST USER PASSWORD FOLDER PATH\n",
                argv[0]);
        return 2;
    }
    const char *host = argv[i], *user = argv[i + 1], *password = argv[i + 2];
    const char *folder = argv[i + 3], *path = argv[i + 4];
    walker wk;
    if (walker_open(&wk, path)) {
        perror(path);
        return 1;
    }

    imapclient_options opts;
    imapclient_options_init(&opts);
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS"))
        opts.ssl = 0;
    opts.ca_file = getenv("IMAP_CA_FILE");
    opts.tls_hostname = getenv("IMAP_TLS_NAME");
    opts.timeout_ms = 60000;

    imapclient *c = NULL;
    if (imapclient_connect(host, &opts, &c))
        return fail(c, "connect");
    if (imapclient_login(c, user, password, NULL))
        return fail(c, "login");
    int exists = imapclient_folder_exists(c, folder);
    if (exists < 0)
        return fail(c, "folder_exists");
    if (!exists && imapclient_create_folder(c, folder, NULL))
        return fail(c, "create_folder");
    /* Known capabilities before the first APPEND is built: with LITERAL+
     * each message goes out at once, without waiting for "+". */
    int literal_plus = imapclient_has_capability(c, "LITERAL+");
    if (literal_plus < 0)
        return fail(c, "capabilities");
    printf("importing %s into %s, %zu in flight at most%s\n", path, folder, window,
           literal_plus ? ""
                        : " (no LITERAL+: each message waits for the server's \"+\")");

    importer im = {.c = c, .folder = folder, .window = window};
    im.slots = calloc(window, sizeof *im.slots);
    if (!im.slots)
        return fail(c, "import");
    for (size_t k = 0; k < window; k++)
        im.slots[k].im = &im;

    double t0 = now_s();
    int more = 1, dead = 0;
    for (;;) {
        /* top up the window */
        for (size_t k = 0; more && !dead && k < window; k++) {
            slot *s = &im.slots[k];
            const char *name;
            while (!s->busy && (more = walker_next(&wk, s->path, sizeof s->path, &name)))
                if (start_one(&im, s, name))
                    break;
        }
        if (im.in_flight == 0)
            break;
        imapclient_wants w;
        if (imapclient_want(c, &w) < 0)
            break;
        struct pollfd p = {.fd = w.fd,
                           .events =
                               (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                       (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0))};
        if (poll(&p, 1, w.timeout_ms) < 0 && errno != EINTR) {
            perror("poll");
            break;
        }
        if (imapclient_drive(c) < 0) {
            /* the connection ended: every APPEND in flight completed with
             * the reason, so each file is accounted for */
            fprintf(stderr, "connection: %s\n", imapclient_errmsg(c));
            dead = 1;
        }
    }
    double secs = now_s() - t0;
    if (wk.dir)
        closedir(wk.dir);
    if (!dead)
        imapclient_logout(c, NULL);
    imapclient_free(c);
    free(im.slots);

    printf(
        "imported %zu message%s (%.1f MB) in %.2f s: %.0f messages/s, %zu in flight at "
        "most\n",
        im.imported, im.imported == 1 ? "" : "s", (double)im.bytes / 1e6, secs,
        secs > 0 ? (double)im.imported / secs : 0.0, im.most_in_flight);
    if (im.failed || im.skipped)
        printf("%zu failed, %zu skipped (empty or unreadable)\n", im.failed, im.skipped);
    if (dead && more)
        printf("stopped early: the files not listed above were not tried\n");
    return im.failed || dead ? 1 : 0;
}
