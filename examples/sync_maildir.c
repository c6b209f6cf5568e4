/*
 * Keep a Maildir in step with an IMAP folder, incrementally: the first run
 * downloads every message, later runs only what changed since (new
 * messages downloaded, flags of changed ones renamed into the file name,
 * vanished ones deleted), by QRESYNC, CONDSTORE or a flags comparison,
 * whatever the server offers (imapclient/sync.h). What the folder looked
 * like is kept in MAILDIR/.imapclient-sync, a few lines of text.
 *
 *   sync_maildir HOST USER PASSWORD FOLDER MAILDIR
 *
 * Environment: IMAP_PORT, IMAP_NO_TLS=1 (plain connection), IMAP_CA_FILE,
 * IMAP_TLS_NAME (name to verify in the certificate), IMAP_SYNC_STRATEGY
 * (qresync, condstore or flags: force one).
 *
 * Files are named "<uidvalidity>_<uid>.imapsync:2,<flags>" (the Maildir
 * info flags D F R S T). Bodies stream to tmp/ and are renamed into cur/
 * when complete; the state is saved only once the Maildir holds every
 * change, so an interrupted run is simply done again next time.
 */
#include <imapclient.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_FILE ".imapclient-sync"

/* ---- the Maildir ------------------------------------------------------------ */

typedef struct maildir {
    const char *dir;
    uint32_t uidvalidity;
} maildir;

/* The Maildir info letters of a flag list, in ASCII order. */
static void letters(const char *const *flags, size_t n, char out[8])
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

/* ---- downloading new messages ------------------------------------------------ */

typedef struct download {
    maildir *md;
    FILE *out;
    uint32_t seq;
    char tmp[4096];
    size_t count;
    int failed;
} download;

static int sink(void *payload, uint32_t seq, const char *name, const char *data,
                size_t len)
{
    download *dl = payload;
    (void)name;
    if (!dl->out || dl->seq != seq) {
        if (dl->out)
            fclose(dl->out);
        snprintf(dl->tmp, sizeof dl->tmp, "%s/tmp/%ld.%u.part", dl->md->dir,
                 (long)getpid(), seq);
        if (!(dl->out = fopen(dl->tmp, "wb")))
            return dl->failed = 1;
        dl->seq = seq;
    }
    return fwrite(data, 1, len, dl->out) != len ? (dl->failed = 1) : 0;
}

/* The message is complete: into cur/ under its UID and flags. */
static int on_message(void *payload, const imapclient_message *m)
{
    download *dl = payload;
    if (!m->has_uid)
        return 0; /* a flag update, not one of ours */
    if (!dl->out || dl->seq != m->seq) {
        /* a body small enough to come as a quoted string, not a literal */
        const imapclient_value *v = imapclient_message_item(m, "BODY[]");
        if (!v || !v->str)
            return 0;
        if (sink(dl, m->seq, "BODY[]", v->str, v->len))
            return 1;
    }
    fclose(dl->out);
    dl->out = NULL;
    char fl[8], path[8192];
    letters(m->flags, m->flag_count, fl);
    snprintf(path, sizeof path, "%s/cur/%u_%u.imapsync:2,%s", dl->md->dir,
             dl->md->uidvalidity, m->uid, fl);
    if (rename(dl->tmp, path) != 0)
        return dl->failed = 1;
    dl->count++;
    return 0;
}

/* ---- the state file ----------------------------------------------------------- */

static imapclient_sync_state *load_state(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/" STATE_FILE, dir);
    imapclient_sync_state *st = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        imapclient_sync_state_new(&st); /* first run */
        return st;
    }
    char *blob = NULL;
    size_t len = 0, cap = 0, n;
    char buf[65536];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *p = realloc(blob, cap);
            if (!p)
                break;
            blob = p;
        }
        memcpy(blob + len, buf, n);
        len += n;
    }
    fclose(f);
    if (imapclient_sync_state_parse(blob ? blob : "", len, &st) != 0)
        fprintf(stderr, "%s: not a sync state; move it away to start afresh\n", path);
    free(blob);
    return st;
}

/* Written to a temporary file and renamed over the old one: a crash leaves
 * one or the other, whole. */
static int save_state(const char *dir, const imapclient_sync_state *st)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/" STATE_FILE, dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    char *blob = NULL;
    size_t len = 0;
    if (imapclient_sync_state_format(st, &blob, &len) != 0)
        return -1;
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(blob, 1, len, f) == len;
    if (f) {
        ok = fflush(f) == 0 && ok;
        ok = fsync(fileno(f)) == 0 && ok;
        ok = fclose(f) == 0 && ok; /* always closed */
    }
    free(blob);
    return ok && rename(tmp, path) == 0 ? 0 : -1;
}

/* ---- the sync -------------------------------------------------------------------- */

/* The change for uid, or NULL (changed is ascending by UID). */
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

static int apply(imapclient *c, const char *folder, maildir *md,
                 const imapclient_sync_result *r)
{
    char dir[4096], path[8192], to[8192];
    size_t removed = 0, renamed = 0;
    /* one pass over the files: vanished ones (and all of them after a
     * UIDVALIDITY change) deleted, changed ones renamed to their flags */
    snprintf(dir, sizeof dir, "%s/cur", md->dir);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        unsigned uv, uid;
        int end = 0;
        if (sscanf(e->d_name, "%u_%u.imapsync:2,%n", &uv, &uid, &end) != 2 || !end)
            continue; /* not one of ours */
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (r->start_over || uv != md->uidvalidity ||
            imapclient_uidset_contains(&r->vanished, uid)) {
            removed += unlink(path) == 0;
            continue;
        }
        const imapclient_flag_change *ch = changed_of(r, uid);
        if (!ch || !ch->flags)
            continue;
        char fl[8];
        letters(ch->flags, ch->flag_count, fl);
        snprintf(to, sizeof to, "%s/%u_%u.imapsync:2,%s", dir, uv, uid, fl);
        if (strcmp(path, to) && rename(path, to) == 0)
            renamed++;
    }
    if (d)
        closedir(d);
    /* new: one streaming UID FETCH of the whole set (ranges: "1:5000") */
    download dl = {.md = md};
    if (r->new_uids.count) {
        char *set = NULL;
        if (imapclient_uidset_format(&r->new_uids, &set) != 0)
            return IMAPCLIENT_ENOMEM;
        int rc = imapclient_fetch_each(
            c, set, (const char *[]){"UID", "FLAGS", "BODY.PEEK[]", NULL}, NULL,
            on_message, sink, 0, &dl);
        free(set);
        if (dl.out) {
            fclose(dl.out);
            unlink(dl.tmp);
        }
        if (rc != 0 || dl.failed) {
            fprintf(stderr, "downloading: %s\n",
                    dl.failed ? strerror(errno) : imapclient_errmsg(c));
            return rc ? rc : -1;
        }
    }
    printf("%s: %zu new, %zu changed, %zu vanished%s (by %s); %zu downloaded, %zu "
           "renamed, %zu removed\n",
           folder, (size_t)imapclient_uidset_size(&r->new_uids), r->changed_count,
           (size_t)imapclient_uidset_size(&r->vanished),
           r->start_over ? ", start over (new UIDVALIDITY)" : "",
           imapclient_sync_strategy_name(r->strategy), dl.count, renamed, removed);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD FOLDER MAILDIR\n", argv[0]);
        return 2;
    }
    const char *folder = argv[4];
    maildir md = {.dir = argv[5]};
    static const char *const subs[] = {"", "/cur", "/new", "/tmp"};
    for (size_t i = 0; i < 4; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s%s", md.dir, subs[i]);
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            perror(p);
            return 1;
        }
    }
    imapclient_sync_state *st = load_state(md.dir);
    if (!st)
        return 1;

    imapclient_sync_options so = {.readonly = 1};
    const char *force = getenv("IMAP_SYNC_STRATEGY");
    for (int s = IMAPCLIENT_SYNC_QRESYNC; force && s <= IMAPCLIENT_SYNC_FLAGS; s++)
        if (!strcmp(force, imapclient_sync_strategy_name((imapclient_sync_strategy)s)))
            so.strategy = (imapclient_sync_strategy)s;

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
    imapclient_sync_result *r = NULL;
    int rc = imapclient_connect(argv[1], &opts, &c);
    if (rc == 0)
        rc = imapclient_login(c, argv[2], argv[3], NULL);
    if (rc == 0)
        rc = imapclient_sync_folder(c, folder, st, &so, &r);
    if (rc == 0) {
        md.uidvalidity = r->uidvalidity;
        rc = apply(c, folder, &md, r);
    }
    if (rc == 0 && save_state(md.dir, st) != 0) {
        fprintf(stderr, "%s/" STATE_FILE ": %s\n", md.dir, strerror(errno));
        rc = -1;
    }
    if (rc != 0 && rc != -1)
        fprintf(stderr, "%s: %s\n", imapclient_status_name(rc),
                c ? imapclient_errmsg(c) : "out of memory");
    imapclient_sync_result_free(r);
    imapclient_sync_state_free(st);
    if (c && rc == 0)
        imapclient_logout(c, NULL);
    imapclient_free(c);
    return rc == 0 ? 0 : 1;
}
