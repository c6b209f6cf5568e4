/*
 * export FOLDER DIR: save a folder to a Maildir; import DIR FOLDER: append
 * a Maildir's messages to a folder. Both are resumable and show progress.
 *
 * export names each file "<internaldate>.V<uidvalidity>U<uid>.imapclient:2,<flags>"
 * and skips UIDs whose file is already there, so running it again fetches
 * only what is new; a changed UIDVALIDITY means the old files no longer name
 * the server's messages, and everything is fetched again. It knows what
 * the folder held through the sync helper (imapclient/sync.h, the state in
 * DIR/.imapclient-sync-<folder>): a run after the first asks only for what
 * changed (one SELECT with QRESYNC), renames the files of messages whose
 * flags changed, and reports what vanished (the files stay). Bodies stream to
 * DIR/tmp (through the fetch sink, never whole in memory) and are renamed
 * into DIR/cur when complete, so an interrupted export leaves no partial
 * message. Line ends are stored as LF, as Maildir readers expect.
 *
 * import remembers each message it appended in DIR/.imapclient-import
 * ("user@host<TAB>folder<TAB>unique-name" lines, written once the server
 * has taken them), so running it again appends only what is left. When
 * the server has MULTIAPPEND (RFC 3502), up to IMPORT_BATCH messages (and
 * IMPORT_BATCH_BYTES) go in one APPEND command, which the server takes
 * whole or not at all; without it, or when a batch is refused, one
 * APPEND per message. Maildir flags (S R F D T) become IMAP flags and the
 * file's time the INTERNALDATE.
 */
#include "cmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define BATCH 100 /* UIDs per FETCH */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Ctrl-C stops after the current message (the work done so far stays). */
static void catch_sigint(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, old);
}

static int mkdir_p(const char *path)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Maildir info flags, in ASCII order (the Maildir specification). */
static void maildir_flags(const char *const *flags, size_t n, char *out)
{
    static const struct {
        const char *flag;
        char letter;
    } map[] = {{"\\Draft", 'D'},
               {"\\Flagged", 'F'},
               {"\\Answered", 'R'},
               {"\\Seen", 'S'},
               {"\\Deleted", 'T'}};
    size_t k = 0;
    for (size_t m = 0; m < sizeof map / sizeof map[0]; m++)
        for (size_t i = 0; flags && i < n; i++)
            if (!strcasecmp(flags[i], map[m].flag)) {
                out[k++] = map[m].letter;
                break;
            }
    out[k] = '\0';
}

/* ---- export ---------------------------------------------------------------- */

typedef struct uidset {
    uint32_t *v;
    size_t n, cap;
} uidset;

static int uid_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void uidset_add(uidset *s, uint32_t uid)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        uint32_t *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = uid;
}

static int uidset_has(const uidset *s, uint32_t uid)
{
    return s->n && bsearch(&uid, s->v, s->n, sizeof *s->v, uid_cmp) != NULL;
}

/* The sync state file of folder in dir: ".imapclient-sync-" and the name
 * with every byte but [A-Za-z0-9._-] as %XX. */
static char *sync_state_path(const char *dir, const char *folder)
{
    size_t n = strlen(dir) + 3 * strlen(folder) + 32;
    char *p = malloc(n);
    if (!p)
        return NULL;
    size_t k = (size_t)snprintf(p, n, "%s/.imapclient-sync-", dir);
    for (const unsigned char *f = (const unsigned char *)folder; *f; f++)
        k += (size_t)((*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z') ||
                              (*f >= '0' && *f <= '9') || strchr("._-", *f)
                          ? snprintf(p + k, n - k, "%c", *f)
                          : snprintf(p + k, n - k, "%%%02X", *f));
    return p;
}

static const imapclient_flag_change *changed_of(const imapclient_sync_result *r,
                                                uint32_t uid)
{
    size_t lo = 0, hi = r->changed_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->changed[mid].uid == uid)
            return &r->changed[mid];
        if (r->changed[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Rename the files of messages whose flags changed on the server to their
 * new flags; returns how many were renamed. */
static size_t update_flags(const char *dir, uint32_t uidvalidity,
                           const imapclient_sync_result *r)
{
    static const char *const subs[] = {"cur", "new"};
    size_t renamed = 0;
    for (size_t s = 0; s < 2 && r->changed_count; s++) {
        char *p = path_join(dir, subs[s]);
        DIR *d = p ? opendir(p) : NULL;
        struct dirent *e;
        while (d && (e = readdir(d))) {
            const char *k = strstr(e->d_name, ".V"), *info = strstr(e->d_name, ":2,");
            unsigned v, uid;
            char dot;
            if (!k || !info || !strstr(e->d_name, ".imapclient") ||
                sscanf(k, ".V%uU%u%c", &v, &uid, &dot) != 3 || dot != '.' ||
                v != uidvalidity)
                continue;
            const imapclient_flag_change *ch = changed_of(r, uid);
            if (!ch || !ch->flags)
                continue;
            char flags[8], name[512], *from = path_join(p, e->d_name), *to = NULL;
            maildir_flags(ch->flags, ch->flag_count, flags);
            snprintf(name, sizeof name, "%.*s:2,%s", (int)(info - e->d_name), e->d_name,
                     flags);
            if (from && strcmp(e->d_name, name) && (to = path_join(p, name)) &&
                rename(from, to) == 0)
                renamed++;
            free(from);
            free(to);
        }
        if (d)
            closedir(d);
        free(p);
    }
    return renamed;
}

/* The UIDs already exported under this UIDVALIDITY (files in cur/ and new/);
 * *other counts files of another UIDVALIDITY. */
static void scan_exported(const char *dir, uint32_t uidvalidity, uidset *have,
                          size_t *other)
{
    static const char *const subs[] = {"cur", "new"};
    for (size_t s = 0; s < 2; s++) {
        char *p = path_join(dir, subs[s]);
        DIR *d = p ? opendir(p) : NULL;
        free(p);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            const char *k = strstr(e->d_name, ".V");
            unsigned v, uid;
            char dot;
            if (!k || !strstr(e->d_name, ".imapclient") ||
                sscanf(k, ".V%uU%u%c", &v, &uid, &dot) != 3 || dot != '.')
                continue;
            if (v == uidvalidity)
                uidset_add(have, uid);
            else
                (*other)++;
        }
        closedir(d);
    }
    if (have->n)
        qsort(have->v, have->n, sizeof *have->v, uid_cmp);
}

typedef struct export_state {
    cli_ctx *ctx;
    const char *dir;
    uint32_t uidvalidity;
    /* the body being received */
    int fd;
    uint32_t fd_seq;
    char tmpname[512];
    int pending_cr; /* a CR ended the last piece */
    int failed;     /* errno of a local write failure */
    size_t done;
    cli_progress bar;
} export_state;

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Write a piece of message text with CRLF turned into LF. */
static int write_lf(export_state *st, const char *p, size_t n)
{
    if (st->pending_cr) {
        st->pending_cr = 0;
        if ((n == 0 || p[0] != '\n') && write_all(st->fd, "\r", 1))
            return -1;
    }
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\r')
            continue;
        if (i + 1 == n) { /* decided by the next piece */
            if (write_all(st->fd, p + start, i - start))
                return -1;
            st->pending_cr = 1;
            return 0;
        }
        if (p[i + 1] == '\n') {
            if (write_all(st->fd, p + start, i - start))
                return -1;
            start = i + 1;
        }
    }
    return write_all(st->fd, p + start, n - start);
}

static void close_tmp(export_state *st, int keep)
{
    if (st->fd < 0)
        return;
    if (st->pending_cr)
        write_all(st->fd, "\r", 1);
    st->pending_cr = 0;
    close(st->fd);
    st->fd = -1;
    if (!keep)
        unlink(st->tmpname);
}

static int open_tmp(export_state *st, uint32_t seq)
{
    snprintf(st->tmpname, sizeof st->tmpname, "%s/tmp/imapclient-%ld-%u.tmp", st->dir,
             (long)getpid(), seq);
    st->fd = open(st->tmpname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    st->fd_seq = seq;
    st->pending_cr = 0;
    if (st->fd < 0) {
        st->failed = errno;
        return -1;
    }
    return 0;
}

static int on_body(void *payload, uint32_t seq, const char *name, const char *data,
                   size_t len)
{
    export_state *st = payload;
    (void)name;
    if (st->failed)
        return 1;
    if (st->fd >= 0 && st->fd_seq != seq)
        close_tmp(st, 0); /* a body without its message: dropped */
    if (st->fd < 0 && open_tmp(st, seq))
        return 1;
    if (write_lf(st, data, len)) {
        st->failed = errno;
        return 1;
    }
    return 0;
}

static int on_exported(void *payload, const imapclient_message *m)
{
    export_state *st = payload;
    if (st->failed)
        return 1;
    if (!m->has_uid)
        return 0; /* a flag update, not our message */
    if (st->fd < 0 || st->fd_seq != m->seq) {
        /* a body small enough to come as a quoted string */
        const imapclient_value *v = imapclient_message_item(m, "BODY[]");
        if (!v || !IMAPCLIENT_VALUE_IS_TEXT(v))
            return 0;
        if (st->fd >= 0)
            close_tmp(st, 0);
        if (open_tmp(st, m->seq) || write_lf(st, v->str, v->len)) {
            st->failed = errno;
            close_tmp(st, 0);
            return 1;
        }
    }
    close_tmp(st, 1);

    char flags[8];
    maildir_flags(m->flags, m->flag_count, flags);
    int64_t t = 0;
    if (m->has_internaldate)
        imapclient_datetime_to_epoch(&m->internaldate, &t);
    char name[256];
    snprintf(name, sizeof name, "%lld.V%uU%u.imapclient:2,%s", (long long)t,
             st->uidvalidity, m->uid, flags);
    char *final = path_join(st->dir, "cur");
    char *dst = final ? path_join(final, name) : NULL;
    free(final);
    if (t > 0) {
        struct timeval tv[2] = {{.tv_sec = (time_t)t}, {.tv_sec = (time_t)t}};
        utimes(st->tmpname, tv);
    }
    if (!dst || rename(st->tmpname, dst) != 0) {
        st->failed = dst ? errno : ENOMEM;
        unlink(st->tmpname);
        free(dst);
        return 1;
    }
    free(dst);
    st->done++;
    cli_progress_update(&st->bar, st->done);
    return interrupted ? 2 : 0;
}

/* Select folder read-only for the work; afterwards put back what the
 * shell had selected. */
static void restore_selection(cli_ctx *ctx, char *prev, int prev_ro)
{
    if (ctx->gone || !ctx->c)
        goto out;
    if (prev) {
        if (!ctx->selected || strcmp(prev, ctx->selected) ||
            prev_ro != ctx->selected_readonly)
            cli_select(ctx, prev, prev_ro, 0);
    } else if (imapclient_get_state(ctx->c) == IMAPCLIENT_STATE_SELECTED) {
        if (imapclient_unselect_folder(ctx->c, NULL) != 0)
            imapclient_close_folder(ctx->c, NULL); /* EXAMINEd: expunges nothing */
        free(ctx->selected);
        ctx->selected = NULL;
    }
out:
    free(prev);
}

static int cmd_export(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *folder = argv[1], *dir = argv[2];
    static const char *const subs[] = {"cur", "new", "tmp"};
    if (mkdir_p(dir))
        return cli_fail(ctx, "%s: %s", dir, strerror(errno));
    for (size_t i = 0; i < 3; i++) {
        char *p = path_join(dir, subs[i]);
        int bad = !p || mkdir_p(p);
        free(p);
        if (bad)
            return cli_fail(ctx, "%s/%s: %s", dir, subs[i], strerror(errno));
    }

    char *prev = ctx->selected ? strdup(ctx->selected) : NULL;
    int prev_ro = ctx->selected_readonly;
    int use_uid = imapclient_get_use_uid(ctx->c);
    imapclient_set_use_uid(ctx->c, 1);
    imapclient_sync_state *sst = NULL;
    imapclient_sync_result *sr = NULL;
    uidset have = {0};
    size_t other = 0, want_n = 0, renamed = 0;
    uint32_t *want = NULL;
    export_state st = {.ctx = ctx, .dir = dir, .fd = -1};
    struct sigaction old;
    char *state_path = sync_state_path(dir, folder);
    int rc = state_path ? cli_state_load(ctx, state_path, &sst)
                        : cli_fail(ctx, "out of memory");
    if (rc)
        goto out;
    /* what changed since the last export (or, the first time, what is there) */
    imapclient_sync_options so = {.readonly = 1};
    if ((rc = imapclient_sync_folder(ctx->c, folder, sst, &so, &sr)))
        goto out;
    free(ctx->selected);
    ctx->selected = strdup(folder);
    ctx->selected_readonly = 1;
    st.uidvalidity = sr->uidvalidity;
    scan_exported(dir, st.uidvalidity, &have, &other);
    if (other)
        fprintf(stderr,
                "export: %zu files in %s are from another UIDVALIDITY of the folder "
                "(kept; the folder is exported again)\n",
                other, dir);
    renamed = update_flags(dir, st.uidvalidity, sr);
    /* every message the folder holds now whose file is not there */
    const imapclient_uidset *known = imapclient_sync_state_uids(sst);
    uint64_t total = imapclient_uidset_size(known);
    want = total < (1u << 26) ? malloc((size_t)(total + 1) * sizeof *want) : NULL;
    if (!want) {
        rc = cli_fail(ctx, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < known->count; i++)
        for (uint64_t u = known->ranges[i].lo; u <= known->ranges[i].hi; u++)
            if (!uidset_has(&have, (uint32_t)u))
                want[want_n++] = (uint32_t)u;

    catch_sigint(&old);
    cli_progress_start(ctx, &st.bar, "export", want_n);
    static const char *const items[] = {"UID", "FLAGS", "INTERNALDATE", "BODY.PEEK[]",
                                        NULL};
    for (size_t i = 0; i < want_n && !rc && !interrupted; i += BATCH) {
        char *set;
        size_t n = want_n - i < BATCH ? want_n - i : BATCH;
        if ((rc = imapclient_seqset_from_ids(want + i, n, &set)))
            break;
        rc =
            imapclient_fetch_each(ctx->c, set, items, NULL, on_exported, on_body, 0, &st);
        free(set);
        close_tmp(&st, 0);
        if (rc > 0) /* stopped by us */
            rc = st.failed ? cli_fail(ctx, "%s: %s", dir, strerror(st.failed))
                           : CLI_EXIT_INTERRUPTED;
        else if (rc == IMAPCLIENT_ERROR && st.failed)
            rc = cli_fail(ctx, "%s: %s", dir, strerror(st.failed));
    }
    cli_progress_end(&st.bar);
    sigaction(SIGINT, &old, NULL);
    if (interrupted && !rc)
        rc = CLI_EXIT_INTERRUPTED;
    if (rc == CLI_EXIT_INTERRUPTED)
        fprintf(stderr, "export: interrupted; run it again to continue\n");
    if (rc < 0)
        goto out;
    /* complete: the next run starts from here */
    if (rc == 0 && (rc = cli_state_save(ctx, state_path, sst)))
        goto out;
    size_t skipped = sr->exists > want_n ? sr->exists - want_n : 0;
    uint64_t vanished = imapclient_uidset_size(&sr->vanished);

    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, "folder", json_string(folder));
        json_object_set_new(o, "directory", json_string(dir));
        json_object_set_new(o, "uidvalidity", json_integer(st.uidvalidity));
        json_object_set_new(o, "exported", json_integer((json_int_t)st.done));
        json_object_set_new(o, "skipped", json_integer((json_int_t)skipped));
        json_object_set_new(o, "flags_updated", json_integer((json_int_t)renamed));
        json_object_set_new(o, "vanished", json_integer((json_int_t)vanished));
        json_object_set_new(o, "strategy",
                            json_string(imapclient_sync_strategy_name(sr->strategy)));
        json_object_set_new(o, "complete", json_boolean(rc == 0));
        out_json(o);
    } else {
        printf("exported %zu message%s of %s to %s (%zu already there", st.done,
               st.done == 1 ? "" : "s", folder, dir, skipped);
        if (renamed)
            printf(", %zu with new flags", renamed);
        if (vanished)
            printf(", %llu vanished from the server, files kept",
                   (unsigned long long)vanished);
        printf(")\n");
    }
out:
    close_tmp(&st, 0);
    free(want);
    free(have.v);
    free(state_path);
    imapclient_sync_result_free(sr);
    imapclient_sync_state_free(sst);
    if (ctx->c && !ctx->gone) {
        imapclient_set_use_uid(ctx->c, use_uid);
        if (imapclient_get_state(ctx->c) == IMAPCLIENT_STATE_LOGOUT)
            return rc; /* cli_cmd_run reports the lost connection */
        int keep = rc < 0 ? imapclient_errcode(ctx->c) : 0;
        char msg[2048];
        if (keep)
            snprintf(msg, sizeof msg, "%s", imapclient_errmsg(ctx->c));
        restore_selection(ctx, prev, prev_ro);
        if (keep) { /* the error message belongs to the failed call */
            fprintf(stderr, "%s (%s): %s\n", imapclient_status_name(keep),
                    imapclient_strerror(keep), msg);
            return cli_exit_status(keep);
        }
    } else {
        free(prev);
    }
    return rc;
}

/* ---- import ---------------------------------------------------------------- */

typedef struct state_file {
    char **names; /* unique names already imported, sorted */
    size_t n, cap;
    FILE *f;   /* open for appending */
    char *key; /* "user@host\tfolder\t" */
} state_file;

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int state_open(cli_ctx *ctx, state_file *sf, const char *dir, const char *folder)
{
    const char *user = ctx->cfg.username ? ctx->cfg.username : "";
    size_t n = strlen(user) + strlen(ctx->cfg.host) + strlen(folder) + 4;
    sf->key = malloc(n);
    char *path = path_join(dir, ".imapclient-import");
    if (!sf->key || !path) {
        free(path);
        return -1;
    }
    snprintf(sf->key, n, "%s@%s\t%s\t", user, ctx->cfg.host, folder);
    size_t klen = strlen(sf->key);
    FILE *f = fopen(path, "r");
    if (f) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, f)) > 0) {
            if (line[len - 1] == '\n')
                line[--len] = '\0';
            if ((size_t)len <= klen || strncmp(line, sf->key, klen))
                continue;
            if (sf->n == sf->cap) {
                size_t c = sf->cap ? sf->cap * 2 : 64;
                char **v = realloc(sf->names, c * sizeof *v);
                if (!v)
                    break;
                sf->names = v;
                sf->cap = c;
            }
            if ((sf->names[sf->n] = strdup(line + klen)))
                sf->n++;
        }
        free(line);
        fclose(f);
    }
    if (sf->n)
        qsort(sf->names, sf->n, sizeof *sf->names, str_cmp);
    sf->f = fopen(path, "a");
    free(path);
    return sf->f ? 0 : -1;
}

static int state_has(const state_file *sf, const char *name)
{
    return sf->n && bsearch(&name, sf->names, sf->n, sizeof *sf->names, str_cmp) != NULL;
}

static void state_close(state_file *sf)
{
    for (size_t i = 0; i < sf->n; i++)
        free(sf->names[i]);
    free(sf->names);
    if (sf->f)
        fclose(sf->f);
    free(sf->key);
}

typedef struct mfile {
    char *path;
    char *unique; /* the name before ":2," */
    char flags[8];
} mfile;

static int mfile_cmp(const void *a, const void *b)
{
    return strcmp(((const mfile *)a)->unique, ((const mfile *)b)->unique);
}

/* The messages of a Maildir: new/ and cur/, ordered by name (which starts
 * with the delivery time in every common writer). */
static mfile *scan_maildir(const char *dir, size_t *count)
{
    static const char *const subs[] = {"new", "cur"};
    mfile *v = NULL;
    size_t n = 0, cap = 0;
    for (size_t s = 0; s < 2; s++) {
        char *p = path_join(dir, subs[s]);
        DIR *d = p ? opendir(p) : NULL;
        if (!d) {
            free(p);
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                mfile *nv = realloc(v, cap * sizeof *nv);
                if (!nv)
                    break;
                v = nv;
            }
            mfile *m = &v[n];
            memset(m, 0, sizeof *m);
            m->path = path_join(p, e->d_name);
            const char *info = strstr(e->d_name, ":2,");
            m->unique =
                info ? strndup(e->d_name, (size_t)(info - e->d_name)) : strdup(e->d_name);
            if (!m->path || !m->unique) {
                free(m->path);
                free(m->unique);
                continue;
            }
            if (info)
                snprintf(m->flags, sizeof m->flags, "%.7s", info + 3);
            n++;
        }
        closedir(d);
        free(p);
    }
    if (n)
        qsort(v, n, sizeof *v, mfile_cmp);
    *count = n;
    return v;
}

static int read_file(const char *path, char **out, size_t *len, struct stat *stt)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, stt) != 0 || !S_ISREG(stt->st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    size_t size = (size_t)stt->st_size;
    char *buf = malloc(size + 1);
    size_t got = 0;
    while (buf && got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf) {
        errno = ENOMEM;
        return -1;
    }
    *out = buf;
    *len = got;
    return 0;
}

/* Maildir info letters as IMAP flags (NULL-terminated into out[7]). */
static void imap_flags(const char *letters, const char **out)
{
    size_t nf = 0;
    for (const char *p = letters; *p; p++) {
        const char *f = *p == 'S'   ? "\\Seen"
                        : *p == 'R' ? "\\Answered"
                        : *p == 'F' ? "\\Flagged"
                        : *p == 'D' ? "\\Draft"
                        : *p == 'T' ? "\\Deleted"
                                    : NULL;
        if (f && nf < 6)
            out[nf++] = f;
    }
    out[nf] = NULL;
}

/* Every CR, LF or CRLF as CRLF (what imapclient_append() does itself;
 * MULTIAPPEND sends the bytes as given). Returns a new buffer, or NULL. */
static char *crlf_copy(const char *p, size_t n, size_t *out_len)
{
    size_t extra = 0;
    for (size_t i = 0; i < n; i++)
        if ((p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) ||
            (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n')))
            extra++;
    char *out = malloc(n + extra + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r') {
            *o++ = '\r';
            *o++ = '\n';
            if (i + 1 < n && p[i + 1] == '\n')
                i++;
        } else if (p[i] == '\n') {
            *o++ = '\r';
            *o++ = '\n';
        } else {
            *o++ = p[i];
        }
    }
    *out_len = (size_t)(o - out);
    return out;
}

/* Messages per APPEND command and bytes held at once: MULTIAPPEND saves a
 * round trip (and a state-file sync) per message; the caps keep memory
 * bounded (a message larger than the byte cap goes alone). */
#define IMPORT_BATCH       100
#define IMPORT_BATCH_BYTES (8u << 20)

/* One batch of messages read from the Maildir, ready to append. */
typedef struct import_batch {
    imapclient_append_msg msgs[IMPORT_BATCH];
    const char *flags[IMPORT_BATCH][7];
    imapclient_datetime dates[IMPORT_BATCH];
    mfile *files[IMPORT_BATCH];
    size_t n, bytes;
} import_batch;

static void batch_clear(import_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free((char *)b->msgs[i].data);
    b->n = 0;
    b->bytes = 0;
}

/* Record the appended messages in the state file: one line each, synced
 * once per batch. */
static int batch_done(state_file *sf, import_batch *b, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (fprintf(sf->f, "%s%s\n", sf->key, b->files[i]->unique) < 0)
            return -1;
    if (fflush(sf->f) != 0)
        return -1;
    fsync(fileno(sf->f));
    return 0;
}

typedef struct import_run {
    cli_ctx *ctx;
    const char *dir, *folder;
    state_file *sf;
    int multi; /* the server has MULTIAPPEND */
    size_t done, failed;
    cli_progress bar;
} import_run;

/* Append a batch: one MULTIAPPEND, or (without it, or when the server
 * refuses the batch) one APPEND per message, so a message the server
 * will not take is named and the others still go in. */
static int batch_append(import_run *ir, import_batch *b)
{
    cli_ctx *ctx = ir->ctx;
    int rc = IMAPCLIENT_ERROR;
    if (ir->multi && b->n > 1) {
        rc = imapclient_multiappend(ctx->c, ir->folder, b->msgs, b->n, NULL);
        if (rc == 0) {
            if (batch_done(ir->sf, b, 0, b->n))
                return cli_fail(ctx, "%s/.imapclient-import: %s", ir->dir,
                                strerror(errno));
            ir->done += b->n;
            cli_progress_update(&ir->bar, ir->done + ir->failed);
            return 0;
        }
        if (rc != IMAPCLIENT_ERROR)
            return rc; /* the connection, not a message: stop */
    }
    for (size_t i = 0; i < b->n && !interrupted; i++) {
        rc = imapclient_append(ctx->c, ir->folder, b->msgs[i].data, b->msgs[i].len,
                               b->msgs[i].flags, b->msgs[i].date, NULL);
        if (rc)
            break;
        if (batch_done(ir->sf, b, i, i + 1))
            return cli_fail(ctx, "%s/.imapclient-import: %s", ir->dir, strerror(errno));
        ir->done++;
        cli_progress_update(&ir->bar, ir->done + ir->failed);
    }
    return rc;
}

static int cmd_import(cli_ctx *ctx, int argc, char **argv)
{
    int one_by_one = 0;
    cli_opt opts[] = {{"no-multiappend", NULL, &one_by_one}, {NULL, NULL, NULL}};
    int orc = cli_take_opts(ctx, &argc, argv, opts);
    if (orc)
        return orc;
    if (argc != 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *dir = argv[1], *folder = argv[2];
    size_t n = 0;
    mfile *files = scan_maildir(dir, &n);
    struct stat dst;
    if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode))
        return cli_fail(ctx, "%s: not a directory", dir);
    state_file sf = {0};
    import_batch *b = NULL;
    int rc = 0;
    size_t skipped = 0, want = 0;
    import_run ir = {.ctx = ctx, .dir = dir, .folder = folder, .sf = &sf};
    if (state_open(ctx, &sf, dir, folder)) {
        rc = cli_fail(ctx, "%s/.imapclient-import: %s", dir, strerror(errno));
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (!state_has(&sf, files[i].unique))
            want++;
    skipped = n - want;

    /* the reference's way to append to a folder that may not exist yet */
    int exists = imapclient_folder_exists(ctx->c, folder);
    if (exists < 0) {
        rc = exists;
        goto out;
    }
    if (!exists && want) {
        if ((rc = imapclient_create_folder(ctx->c, folder, NULL)))
            goto out;
        cli_folders_invalidate(ctx);
    }
    ir.multi = !one_by_one && imapclient_has_capability(ctx->c, "MULTIAPPEND") == 1;
    b = calloc(1, sizeof *b);
    if (!b) {
        rc = cli_fail(ctx, "out of memory");
        goto out;
    }

    struct sigaction old;
    catch_sigint(&old);
    cli_progress_start(ctx, &ir.bar, "import", want);
    for (size_t i = 0; i <= n && !interrupted && !rc; i++) {
        mfile *m = i < n ? &files[i] : NULL;
        if (m && state_has(&sf, m->unique))
            continue;
        char *data = NULL, *msg = NULL;
        size_t len = 0, msg_len = 0;
        struct stat stt;
        if (m && read_file(m->path, &data, &len, &stt)) {
            fprintf(stderr, "import: %s: %s (skipped)\n", m->path, strerror(errno));
            ir.failed++;
            continue;
        }
        if (m && memchr(data, '\0', len)) {
            /* IMAP cannot carry a NUL byte in a plain literal */
            fprintf(stderr, "import: %s: holds a NUL byte (skipped)\n", m->path);
            free(data);
            ir.failed++;
            continue;
        }
        if (m) {
            msg = crlf_copy(data, len, &msg_len);
            free(data);
            if (!msg) {
                rc = cli_fail(ctx, "out of memory");
                break;
            }
        }
        /* send what is held when this message would overflow the batch, or
         * at the end */
        if (b->n &&
            (!m || b->n == IMPORT_BATCH || b->bytes + msg_len > IMPORT_BATCH_BYTES)) {
            rc = batch_append(&ir, b);
            batch_clear(b);
            if (rc || interrupted) {
                free(msg);
                break;
            }
        }
        if (!m)
            break;
        size_t k = b->n++;
        imap_flags(m->flags, b->flags[k]);
        int have_date =
            imapclient_datetime_from_epoch((int64_t)stt.st_mtime, 1, &b->dates[k]) == 0;
        b->msgs[k] = (imapclient_append_msg){.data = msg,
                                             .len = msg_len,
                                             .flags = b->flags[k],
                                             .date = have_date ? &b->dates[k] : NULL};
        b->files[k] = m;
        b->bytes += msg_len;
    }
    batch_clear(b);
    cli_progress_end(&ir.bar);
    sigaction(SIGINT, &old, NULL);
    if (!rc && interrupted) {
        fprintf(stderr, "import: interrupted; run it again to continue\n");
        rc = CLI_EXIT_INTERRUPTED;
    }
    if (rc < 0)
        goto out;
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, "directory", json_string(dir));
        json_object_set_new(o, "folder", json_string(folder));
        json_object_set_new(o, "imported", json_integer((json_int_t)ir.done));
        json_object_set_new(o, "skipped", json_integer((json_int_t)skipped));
        json_object_set_new(o, "failed", json_integer((json_int_t)ir.failed));
        json_object_set_new(o, "complete", json_boolean(rc == 0 && !ir.failed));
        out_json(o);
    } else {
        printf("imported %zu message%s from %s to %s (%zu done before", ir.done,
               ir.done == 1 ? "" : "s", dir, folder, skipped);
        if (ir.failed)
            printf(", %zu could not be read", ir.failed);
        printf(")\n");
    }
    if (!rc && ir.failed)
        rc = CLI_EXIT_FAILURE;
out:
    free(b);
    for (size_t i = 0; i < n; i++) {
        free(files[i].path);
        free(files[i].unique);
    }
    free(files);
    state_close(&sf);
    return rc;
}

const cli_cmd cli_cmds_transfer[] = {
    {"export", cmd_export, "save a folder to a Maildir (resumable, incremental)",
     "FOLDER DIR",
     "Files are named <time>.V<uidvalidity>U<uid>.imapclient:2,<flags>; messages\n"
     "already in DIR are skipped, so running it again fetches only what is new.\n"
     "What the folder held is kept in DIR/.imapclient-sync-<folder> (see 'sync'):\n"
     "later runs ask the server only what changed, rename the files of messages\n"
     "whose flags changed and count those that vanished (their files stay).\n"
     "The folder is opened read-only; nothing on the server changes.\n",
     CLI_CMD_CONN | CLI_CMD_FOLDER_ARG},
    {"import", cmd_import, "append a Maildir's messages to a folder (resumable)",
     "[--no-multiappend] DIR FOLDER",
     "What was imported is remembered in DIR/.imapclient-import, so running it\n"
     "again appends only what is left. The folder is created when missing.\n"
     "With MULTIAPPEND, 100 messages (at most 8 MiB) go in each command;\n"
     "--no-multiappend sends one APPEND per message.\n",
     CLI_CMD_CONN | CLI_CMD_FOLDER_ARG},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
