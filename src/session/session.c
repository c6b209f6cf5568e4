/*
 * The session layer (include/imapclient/session.h): one folder kept open
 * across connections. It sits above the area files and drives handles of
 * the non-blocking front through the public API only (async.h and the
 * getters), so it knows no core internals; the one exception is the
 * result helpers of msgutil.h, to hand back an APPEND found by Message-ID
 * as the typed result an APPEND has.
 *
 * Per connection it goes through phases, each one command started from
 * the completion of the one before: connect (TLS), STARTTLS, login,
 * ENABLE, checks of APPENDs cut off by the last loss, SELECT, the sync,
 * then READY (IDLE, or NOOP polls, and the caller's commands). A loss at
 * any point closes the handle and schedules the next attempt after an
 * exponential backoff with jitter. Callbacks only record and start
 * commands; handles are freed, and events delivered, by
 * imapclient_session_drive() between the handle's own drives.
 *
 * The session keeps a map of the folder (UID -> flags, flags interned)
 * and reports changes against it, so nothing is reported twice and
 * nothing is missed across reconnects:
 *   - with QRESYNC enabled (RFC 7162), flag changes and VANISHED pushed by
 *     the server are applied as they come (with their UIDs), and a sync is
 *     `UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE m VANISHED)` applied as it
 *     streams; m is the highest mod-sequence of the last such read (a
 *     consistent answer: every change below it is in it), or after a full
 *     read the folder's HIGHESTMODSEQ from before it, never one of a
 *     pushed FETCH (a message whose EXISTS came but not yet its FETCH has a
 *     lower one); an OK [HIGHESTMODSEQ] below m lowers it (RFC 7162 errata
 *     1810);
 *   - without, anything pushed (EXISTS, EXPUNGE, FETCH) only marks the map
 *     stale, and a sync is `UID FETCH 1:* (UID FLAGS)` compared with it.
 * sync_start() is the one function that asks the server what changed.
 * The session parses no protocol itself: what the server pushes is read
 * by condstore.h's change record (imapclient_changes_add(): VANISHED as
 * typed uid-sets, FETCH flags with UID and MODSEQ, EXISTS, EXPUNGE,
 * OK [HIGHESTMODSEQ]), the reads by the typed FETCH, SELECT and SEARCH
 * results.
 */
#include <imapclient.h>
#include <imapclient/session.h>

#include "../client/msgutil.h"

#include <openssl/crypto.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- growable arrays --------------------------------------------------------- */

typedef struct vec {
    void *p;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *v)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 16;
        void *p = realloc(v->p, nc * v->size);
        if (!p)
            return NULL;
        v->p = p;
        v->cap = nc;
    }
    return (char *)v->p + v->n++ * v->size;
}

static void vec_free(vec *v)
{
    free(v->p);
    v->p = NULL;
    v->n = v->cap = 0;
}

/* ---- flag sets, interned ----------------------------------------------------- */

/* A distinct set of flags: sorted, \Recent left out (it belongs to one
 * connection, so it would look like a change after every reconnect). */
typedef struct fset {
    char *key; /* the flags joined by spaces: the set's identity */
    const char **flags;
    size_t n;
} fset;

typedef struct flagtab {
    vec sets;      /* fset */
    uint32_t *ix;  /* open hash of set index + 1 (0: empty) */
    size_t ix_cap; /* a power of two */
} flagtab;

static uint32_t hash_key(const char *k)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int tab_rehash(flagtab *t, size_t cap)
{
    uint32_t *ix = calloc(cap, sizeof *ix);
    if (!ix)
        return -1;
    const fset *v = t->sets.p;
    for (size_t i = 0; i < t->sets.n; i++) {
        size_t j = hash_key(v[i].key) & (cap - 1);
        while (ix[j])
            j = (j + 1) & (cap - 1);
        ix[j] = (uint32_t)i + 1;
    }
    free(t->ix);
    t->ix = ix;
    t->ix_cap = cap;
    return 0;
}

/* The id of the set of flags (count n), interned; -1 when out of memory. */
static long tab_intern(flagtab *t, const char *const *flags, size_t n)
{
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return -1;
    size_t m = 0, len = 1;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(flags[i], "\\Recent") != 0) {
            sorted[m++] = flags[i];
            len += strlen(flags[i]) + 1;
        }
    if (m > 1)
        qsort(sorted, m, sizeof *sorted, cmp_str);
    char *key = malloc(len);
    if (!key) {
        free(sorted);
        return -1;
    }
    char *p = key;
    for (size_t i = 0; i < m; i++) {
        size_t l = strlen(sorted[i]);
        if (i)
            *p++ = ' ';
        memcpy(p, sorted[i], l);
        p += l;
    }
    *p = '\0';
    if (!t->ix_cap && tab_rehash(t, 64) < 0)
        goto nomem;
    size_t j = hash_key(key) & (t->ix_cap - 1);
    const fset *v = t->sets.p;
    while (t->ix[j]) {
        if (!strcmp(v[t->ix[j] - 1].key, key)) {
            free(key);
            free(sorted);
            return (long)t->ix[j] - 1;
        }
        j = (j + 1) & (t->ix_cap - 1);
    }
    /* new: the flags point into a copy laid out after the pointers */
    const char **own = malloc((m + 1) * sizeof *own + len);
    if (!own)
        goto nomem;
    char *s = (char *)(own + m + 1);
    for (size_t i = 0; i < m; i++) {
        size_t l = strlen(sorted[i]) + 1;
        memcpy(s, sorted[i], l);
        own[i] = s;
        s += l;
    }
    own[m] = NULL;
    fset *f = vec_push(&t->sets);
    if (!f) {
        free(own);
        goto nomem;
    }
    *f = (fset){key, own, m};
    t->ix[j] = (uint32_t)t->sets.n;
    if (t->sets.n * 2 > t->ix_cap && tab_rehash(t, t->ix_cap * 2) < 0)
        return -1; /* the set stays; only the index could not grow */
    free(sorted);
    return (long)t->sets.n - 1;
nomem:
    free(key);
    free(sorted);
    return -1;
}

static const fset *tab_get(const flagtab *t, uint32_t id)
{
    return &((const fset *)t->sets.p)[id];
}

static void tab_free(flagtab *t)
{
    fset *v = t->sets.p;
    for (size_t i = 0; i < t->sets.n; i++) {
        free(v[i].key);
        free((void *)v[i].flags);
    }
    vec_free(&t->sets);
    free(t->ix);
    t->ix = NULL;
    t->ix_cap = 0;
}

/* ---- the map of the folder and the changes not yet reported ------------------ */

typedef struct vmsg {
    uint32_t uid;
    uint32_t fs; /* flag set id */
} vmsg;

typedef struct dmsg {
    uint32_t uid;
    uint32_t fs;
    uint64_t modseq;
} dmsg;

/* A message as a whole read saw it, in arrival order (ord): the same UID
 * twice (a server that splits a message, or a change pushed during the
 * read) counts as its later answer. */
typedef struct smsg {
    dmsg m;
    size_t ord;
} smsg;

static int cmp_smsg(const void *a, const void *b)
{
    const smsg *x = a, *y = b;
    if (x->m.uid != y->m.uid)
        return x->m.uid < y->m.uid ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* What a sync or the server's pushes changed, waiting to be reported. */
typedef struct delta {
    vec added;    /* dmsg */
    vec vanished; /* uint32_t */
    vec changed;  /* dmsg */
} delta;

/* ---- commands through the session ------------------------------------------ */

enum cstate {
    C_WAITING,   /* to be started on the next connection that is ready */
    C_RUNNING,   /* started on s->c */
    C_UNCERTAIN, /* an APPEND cut off by a loss: look for it first */
    C_RECHECK,   /* not found in the session's folder: look once more at
                    recheck_at, once in step (see CHECK_AGAIN_MS) */
    C_CHECKING   /* that second search runs on s->c */
};

typedef struct scmd {
    struct scmd *next;
    imapclient_session *s;
    imapclient_session_start_fn start;
    void *arg;
    unsigned flags;
    imapclient_done_cb cb;
    void *user;
    int tries; /* times started again after a loss */
    enum cstate state;
    /* imapclient_session_append(): its own copies */
    int is_append;
    char *folder;
    char *msg;
    size_t msg_len;
    const char **aflags;  /* NULL-terminated, strings laid out after */
    char *msgid;          /* the Message-ID header's value, or NULL */
    int searched;         /* searches for it that found nothing, this connection */
    long long recheck_at; /* C_RECHECK: when */
    uint32_t above;       /* look only above this UID (the session's folder) */
} scmd;

typedef struct waiter {
    struct waiter *next;
    imapclient_done_cb cb;
    void *user;
} waiter;

/* ---- the session ------------------------------------------------------------- */

enum phase {
    PH_BACKOFF,  /* no connection; the next attempt at timer_at */
    PH_CONNECT,  /* connecting (TCP, TLS, greeting) */
    PH_STARTTLS, /* STARTTLS */
    PH_LOGIN,    /* logging in */
    PH_ENABLE,   /* ENABLE */
    PH_CHECK,    /* an APPEND cut off: EXAMINE its folder, then SEARCH */
    PH_SEARCH,
    PH_RECHECK, /* not found: SEARCH again at timer_at (see CHECK_AGAIN_MS) */
    PH_SELECT,  /* SELECT the folder */
    PH_SYNC,    /* reading what changed */
    PH_READY,   /* in step: commands, IDLE */
    PH_FAILED   /* gave up */
};

enum idle_state { IDLE_NONE, IDLE_STARTING, IDLE_ON, IDLE_STOPPING };

struct imapclient_session {
    imapclient_session_config cfg; /* strings point at our copies */
    char *host, *username, *password, *folder;
    char **enable; /* NULL-terminated copies */
    char *opt_strs[5];
    imapclient_tls_config *tls; /* given to every connection, or NULL */

    /* the connection */
    imapclient *c;
    enum phase phase;
    long long timer_at; /* backoff, or the next NOOP poll */
    unsigned attempt;   /* failed attempts in a row */
    int ever_ready;     /* the folder was read once: later reads are resumes */
    long long lost_at;  /* when the last good connection was lost (0: none) */
    int drop_rc;        /* close the connection (set from callbacks) */
    char drop_msg[1024];
    int fail_rc; /* gave up with this */
    char fail_msg[1024];
    int refreshed; /* the token was refreshed on this connection */
    int qresync;   /* QRESYNC enabled on this connection */
    int no_idle;   /* the server refused IDLE: poll instead */
    enum idle_state idle;
    int noop_running;
    scmd *checking; /* PH_CHECK/PH_SEARCH: the APPEND looked for */
    uint32_t check_validity;

    /* the folder */
    int have_map; /* map is valid for uidvalidity */
    uint32_t uidvalidity;
    uint64_t modseq;        /* m: the mod-sequence the map is complete up to */
    uint64_t select_modseq; /* HIGHESTMODSEQ of this connection's SELECT */
    int nomodseq;
    vec map; /* vmsg, ascending uid */
    flagtab flags;
    delta pending;
    int stale;       /* something changed on the server: sync */
    int resync_next; /* the next read is reported as RESYNC (the map was lost) */
    int after_cmd;   /* a command of the caller completed: sync */
    /* the sync in flight */
    int syncing;
    int sync_full; /* comparing the whole folder (else CHANGEDSINCE) */
    vec seen;      /* a whole read: smsg read so far */
    int sync_failed;
    uint64_t sync_maxmod;
    enum imapclient_session_event_type sync_event; /* what its end reports */
    const char *method;

    /* the caller's commands and refresh waiters */
    scmd *cmds;
    waiter *waiters;      /* refreshes asked for */
    waiter *sync_waiters; /* those the sync in flight answers */

    /* random state for the jitter (xorshift64*) */
    uint64_t rng;
    int in_drive;
};

static int connection_lost_code(int rc)
{
    return rc == IMAPCLIENT_EABORT || rc == IMAPCLIENT_ETIMEOUT || rc == IMAPCLIENT_EIO ||
           rc == IMAPCLIENT_ETLS || rc == IMAPCLIENT_ECONNECT ||
           rc == IMAPCLIENT_ERESOLVE || rc == IMAPCLIENT_EPROTOCOL ||
           rc == IMAPCLIENT_ETOOBIG;
}

/* 1 when c is not the session's live connection any more. */
static int gone(const imapclient_session *s, imapclient *c)
{
    imapclient_wants w;
    return !c || c != s->c || imapclient_want(c, &w) < 0;
}

/* Copy text into a buffer of size bytes, cut to fit. */
static void copy_text(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memmove(dst, src, n);
    dst[n] = '\0';
}

static void drop(imapclient_session *s, int rc, const char *msg)
{
    if (s->drop_rc)
        return;
    s->drop_rc = rc ? rc : IMAPCLIENT_EABORT;
    copy_text(s->drop_msg, sizeof s->drop_msg, msg);
}

/* A command of the connection failed: the server's refusal stops the
 * session (permanent), the loss of the connection brings the next one. */
static void give_up(imapclient_session *s, int rc, const char *msg)
{
    if (s->fail_rc)
        return;
    s->fail_rc = rc ? rc : IMAPCLIENT_ERROR;
    copy_text(s->fail_msg, sizeof s->fail_msg, msg);
}

/* ---- events ------------------------------------------------------------------ */

static void emit(imapclient_session *s, imapclient_session_event *ev)
{
    ev->folder = s->folder;
    ev->uidvalidity = s->uidvalidity;
    ev->highestmodseq = s->modseq;
    ev->exists = s->map.n;
    if (!ev->errmsg)
        ev->errmsg = "";
    if (!ev->method)
        ev->method = s->method ? s->method : "";
    if (s->cfg.on_event)
        s->cfg.on_event(s->cfg.event_payload, s, ev);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_dmsg(const void *a, const void *b)
{
    return cmp_u32(&((const dmsg *)a)->uid, &((const dmsg *)b)->uid);
}

static int map_has(const imapclient_session *s, uint32_t uid, uint32_t *fs);

/* Sort by UID and keep one entry per UID (the highest MODSEQ). */
static size_t sort_unique(dmsg *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_dmsg);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && v[k - 1].uid == v[i].uid) {
            if (v[i].modseq > v[k - 1].modseq)
                v[k - 1].modseq = v[i].modseq;
        } else {
            v[k++] = v[i];
        }
    }
    return k;
}

/* Report the pending changes as one event of type t (CHANGES only when
 * there are any). Each message is reported with its flags now (the map's);
 * a UID both added and vanished meanwhile was never there for the caller;
 * one added and changed is just added; one changed and vanished just
 * vanished. */
static void flush(imapclient_session *s, enum imapclient_session_event_type t,
                  long long away_ms)
{
    delta *d = &s->pending;
    if (t == IMAPCLIENT_SESSION_CHANGES && !d->added.n && !d->vanished.n && !d->changed.n)
        return;
    dmsg *add = d->added.p, *chg = d->changed.p;
    uint32_t *van = d->vanished.p;
    size_t na = d->added.n ? sort_unique(add, d->added.n) : 0;
    size_t nc = d->changed.n ? sort_unique(chg, d->changed.n) : 0;
    size_t nv = 0;
    if (d->vanished.n) {
        qsort(van, d->vanished.n, sizeof *van, cmp_u32);
        for (size_t i = 0; i < d->vanished.n; i++)
            if (!nv || van[nv - 1] != van[i])
                van[nv++] = van[i];
    }
    size_t na2 = 0, nv2 = 0, nc2 = 0, vi = 0, ai = 0;
    for (size_t i = 0; i < na; i++) {
        while (vi < nv && van[vi] < add[i].uid)
            van[nv2++] = van[vi++];
        if (vi < nv && van[vi] == add[i].uid) {
            vi++;
            continue; /* came and went */
        }
        add[na2++] = add[i];
    }
    while (vi < nv)
        van[nv2++] = van[vi++];
    na = na2;
    nv = nv2;
    vi = 0;
    for (size_t i = 0; i < nc; i++) {
        while (ai < na && add[ai].uid < chg[i].uid)
            ai++;
        if (ai < na && add[ai].uid == chg[i].uid)
            continue;
        while (vi < nv && van[vi] < chg[i].uid)
            vi++;
        if (vi < nv && van[vi] == chg[i].uid)
            continue;
        chg[nc2++] = chg[i];
    }
    nc = nc2;
    /* the flags they have now */
    for (size_t i = 0; i < na; i++)
        map_has(s, add[i].uid, &add[i].fs);
    for (size_t i = 0; i < nc; i++)
        map_has(s, chg[i].uid, &chg[i].fs);
    d->added.n = d->vanished.n = d->changed.n = 0;
    if (t == IMAPCLIENT_SESSION_CHANGES && !na && !nv && !nc)
        return;
    imapclient_session_msg *am = calloc(na ? na : 1, sizeof *am);
    imapclient_session_msg *cm = calloc(nc ? nc : 1, sizeof *cm);
    if (!am || !cm) {
        free(am);
        free(cm);
        /* the map is right, the event cannot be built: rather than leave
         * a silent gap, have everything read again and reported as a
         * RESYNC (the caller starts over) */
        s->have_map = 0;
        s->map.n = 0;
        s->stale = 1;
        s->resync_next = 1;
        return;
    }
    for (size_t i = 0; i < na; i++) {
        const fset *f = tab_get(&s->flags, add[i].fs);
        am[i] = (imapclient_session_msg){add[i].uid, add[i].modseq, f->flags, f->n};
    }
    for (size_t i = 0; i < nc; i++) {
        const fset *f = tab_get(&s->flags, chg[i].fs);
        cm[i] = (imapclient_session_msg){chg[i].uid, chg[i].modseq, f->flags, f->n};
    }
    imapclient_session_event ev = {.type = t,
                                   .away_ms = away_ms,
                                   .added = am,
                                   .added_count = na,
                                   .vanished = van,
                                   .vanished_count = nv,
                                   .changed = cm,
                                   .changed_count = nc};
    emit(s, &ev);
    free(am);
    free(cm);
}

/* ---- the map ----------------------------------------------------------------- */

/* Index of uid in the map, or of where it would go (*found 0). */
static size_t map_find(const imapclient_session *s, uint32_t uid, int *found)
{
    const vmsg *m = s->map.p;
    size_t lo = 0, hi = s->map.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < s->map.n && m[lo].uid == uid;
    return lo;
}

static int map_has(const imapclient_session *s, uint32_t uid, uint32_t *fs)
{
    int found;
    size_t i = map_find(s, uid, &found);
    if (found)
        *fs = ((const vmsg *)s->map.p)[i].fs;
    return found;
}

static int note_added(imapclient_session *s, uint32_t uid, uint32_t fs, uint64_t modseq)
{
    dmsg *d = vec_push(&s->pending.added);
    if (!d)
        return -1;
    *d = (dmsg){uid, fs, modseq};
    return 0;
}

/* A message as the server has it now: added to the map, or its flags
 * changed; reported when it differs. -1 when out of memory. */
static int map_apply(imapclient_session *s, uint32_t uid, const char *const *flags,
                     size_t n, uint64_t modseq)
{
    long fs = tab_intern(&s->flags, flags, n);
    if (fs < 0)
        return -1;
    int found;
    size_t i = map_find(s, uid, &found);
    vmsg *m = s->map.p;
    if (found) {
        if (m[i].fs == (uint32_t)fs)
            return 0;
        m[i].fs = (uint32_t)fs;
        dmsg *d = vec_push(&s->pending.changed);
        if (!d)
            return -1;
        *d = (dmsg){uid, (uint32_t)fs, modseq};
        return 0;
    }
    if (!vec_push(&s->map))
        return -1;
    m = s->map.p;
    memmove(&m[i + 1], &m[i], (s->map.n - 1 - i) * sizeof *m);
    m[i] = (vmsg){uid, (uint32_t)fs};
    return note_added(s, uid, (uint32_t)fs, modseq);
}

/* UIDs expunged: those in the map leave it and are reported. */
static int map_vanish(imapclient_session *s, uint32_t lo, uint32_t hi)
{
    int found;
    size_t i = map_find(s, lo, &found), j = i;
    vmsg *m = s->map.p;
    while (j < s->map.n && m[j].uid <= hi) {
        uint32_t *v = vec_push(&s->pending.vanished);
        if (!v)
            return -1;
        *v = m[j].uid;
        j++;
    }
    if (j == i)
        return 0;
    memmove(&m[i], &m[j], (s->map.n - j) * sizeof *m);
    s->map.n -= j - i;
    return 0;
}

/* Vanish each range of a typed uid-set (condstore.h's reading of VANISHED). */
static int vanish_ranges(imapclient_session *s, const imapclient_uidset *set)
{
    for (size_t i = 0; i < set->count; i++)
        if (map_vanish(s, set->ranges[i].lo, set->ranges[i].hi) < 0)
            return IMAPCLIENT_ENOMEM;
    return 0;
}

/* ---- what the server pushes -------------------------------------------------- */

/* What the server pushes, read by condstore.h's change record (the typed
 * VANISHED, FETCH FLAGS/MODSEQ, EXISTS, EXPUNGE and OK [HIGHESTMODSEQ]).
 * With QRESYNC, VANISHED and flag changes with their UIDs are applied as
 * they come, except during a full read (its comparison would take a
 * message gone meanwhile for a new one); anything else, or anything that
 * cannot be read or applied, only calls for another read (stale). */
static void on_pushed(void *payload, imapclient *c, const imapclient_response *r)
{
    imapclient_session *s = payload;
    if (c != s->c || !s->folder || s->phase < PH_SELECT)
        return;
    imapclient_changes *ch = NULL;
    if (imapclient_changes_new(&ch) != 0) {
        s->stale = 1;
        return;
    }
    int rc = imapclient_changes_add(ch, r);
    int live = s->qresync && s->have_map && !(s->syncing && s->sync_full);
    if (rc < 0) {
        s->stale = 1; /* malformed or no memory: the next read settles it */
    } else if (rc == 0) {
        /* not a change */
    } else if (ch->vanished.count || ch->vanished_earlier.count) {
        /* VANISHED (EARLIER) answers the sync's fetch: applied as it comes */
        int earlier = ch->vanished_earlier.count > 0;
        if (!live || (earlier && !s->syncing) ||
            vanish_ranges(s, earlier ? &ch->vanished_earlier : &ch->vanished) != 0)
            s->stale = 1;
    } else if (ch->changed_count) {
        /* m does not move here: a message appended before this change (its
         * EXISTS came, its FETCH not yet) has a lower mod-sequence, and the
         * next CHANGEDSINCE m must still find it. Only a whole read moves m. */
        const imapclient_flag_change *f = &ch->changed[0];
        if (!live || !f->uid || !f->flags ||
            map_apply(s, f->uid, f->flags, f->flag_count, f->has_modseq ? f->modseq : 0) <
                0)
            s->stale = 1;
    } else if (ch->expunged_count || ch->has_exists) {
        s->stale = 1;
    } else if (ch->has_highestmodseq && s->qresync && ch->highestmodseq < s->modseq) {
        /* RFC 7162 errata 1810: a HIGHESTMODSEQ lower than what we applied
         * means changes below it are still to come */
        s->modseq = ch->highestmodseq;
    }
    imapclient_changes_free(ch);
}

/* ---- connecting -------------------------------------------------------------- */

static void go(imapclient_session *s, enum phase ph);
static void on_step(imapclient *c, imapclient_completion *d);

/* The delay before attempt n (1, 2, ...): initial * 2^(n-1) up to max,
 * jittered to between half and all of it ("equal jitter"), so that many
 * clients cut off together do not come back together. */
static int backoff_ms(imapclient_session *s, unsigned n)
{
    long long d = s->cfg.backoff_initial_ms;
    for (unsigned i = 1; i < n && d < s->cfg.backoff_max_ms; i++)
        d *= 2;
    if (d > s->cfg.backoff_max_ms)
        d = s->cfg.backoff_max_ms;
    if (d <= 1)
        return (int)d;
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    uint64_t r = s->rng * 2685821657736338717ull;
    return (int)(d / 2 + (long long)(r % (uint64_t)(d / 2 + 1)));
}

/* Forget the connection's state; the caller's commands running on it are
 * settled by their completions (the handle's free completes them). */
static void close_connection(imapclient_session *s)
{
    imapclient *old = s->c;
    s->c = NULL;
    s->idle = IDLE_NONE;
    s->noop_running = 0;
    s->syncing = 0;
    s->sync_full = 0;
    vec_free(&s->seen);
    /* a read cut off answers no refresh: the next one will */
    if (s->sync_waiters) {
        waiter **tail = &s->sync_waiters;
        while (*tail)
            tail = &(*tail)->next;
        *tail = s->waiters;
        s->waiters = s->sync_waiters;
        s->sync_waiters = NULL;
    }
    s->checking = NULL;
    /* a second search not made on the lost connection: the next one
     * looks again from the start */
    for (scmd *k = s->cmds; k; k = k->next)
        if (k->state == C_RECHECK)
            k->state = C_UNCERTAIN;
    s->qresync = 0;
    s->refreshed = 0;
    s->no_idle = 0;
    if (old)
        imapclient_free(old);
}

static void fail(imapclient_session *s, int rc, const char *msg)
{
    close_connection(s);
    s->phase = PH_FAILED;
    s->fail_rc = rc ? rc : IMAPCLIENT_ERROR;
    if (msg != s->fail_msg)
        copy_text(s->fail_msg, sizeof s->fail_msg, msg);
    imapclient_session_event ev = {
        .type = IMAPCLIENT_SESSION_FAILED, .status = s->fail_rc, .errmsg = s->fail_msg};
    emit(s, &ev);
}

/* The connection is gone (or an attempt failed): report, and schedule the
 * next attempt. */
static void lost(imapclient_session *s, int rc, const char *msg)
{
    int was_ready = s->phase == PH_READY || s->phase == PH_SYNC;
    /* what came before the loss is reported before it (during a resume
     * it waits for the RESUMED event of the next connection) */
    if (s->phase == PH_READY)
        flush(s, IMAPCLIENT_SESSION_CHANGES, 0);
    close_connection(s);
    if (was_ready || (s->ever_ready && !s->lost_at))
        s->lost_at = s->lost_at ? s->lost_at : now_ms();
    s->attempt++;
    if (s->cfg.max_attempts > 0 && s->attempt >= (unsigned)s->cfg.max_attempts) {
        char m[600];
        snprintf(m, sizeof m, "%.480s (gave up after %u attempts)", msg, s->attempt);
        fail(s, rc, m);
        return;
    }
    int delay = backoff_ms(s, s->attempt);
    s->phase = PH_BACKOFF;
    s->timer_at = now_ms() + delay;
    imapclient_session_event ev = {.type = IMAPCLIENT_SESSION_DISCONNECTED,
                                   .status = rc,
                                   .errmsg = msg,
                                   .attempt = s->attempt,
                                   .retry_in_ms = delay};
    emit(s, &ev);
}

static int default_connect(void *payload, const char *host,
                           const imapclient_options *opts, imapclient_done_cb cb,
                           void *user, imapclient **out)
{
    return imapclient_connect_start(host, opts, cb, user, out);
}

static void attempt(imapclient_session *s)
{
    s->phase = PH_CONNECT;
    s->timer_at = 0;
    imapclient *c = NULL;
    imapclient_session_connect_fn fn = s->cfg.connect ? s->cfg.connect : default_connect;
    int rc = fn(s->cfg.connect_payload, s->host, &s->cfg.opts, on_step, s, &c);
    if (rc < 0) {
        char m[512];
        snprintf(m, sizeof m, "connecting: %s", c ? imapclient_errmsg(c) : "failed");
        imapclient_free(c);
        if (rc == IMAPCLIENT_EINVAL || rc == IMAPCLIENT_ECERTIFICATE)
            give_up(s, rc, m);
        else
            drop(s, rc, m);
        return;
    }
    s->c = c;
    imapclient_set_unsolicited_cb(c, on_pushed, s);
    if (rc == 1)
        go(s, PH_STARTTLS);
}

/* Copy what was read from the handle into the drop reason. */
static void drop_from(imapclient_session *s, imapclient *c, int rc, const char *what)
{
    char m[512];
    snprintf(m, sizeof m, "%s: %s", what, c ? imapclient_errmsg(c) : "");
    drop(s, rc, m);
}

/* start_login(): the token callback had none (a try later may). */
#define NO_TOKEN (-2000)

static int start_login(imapclient_session *s)
{
    imapclient *c = s->c;
    switch (s->cfg.auth) {
    case IMAPCLIENT_SESSION_AUTH_LOGIN:
        return imapclient_start_login(c, s->username, s->password, on_step, s, NULL);
    case IMAPCLIENT_SESSION_AUTH_PLAIN:
        return imapclient_start_plain_login(c, s->username, s->password, NULL, on_step, s,
                                            NULL);
    case IMAPCLIENT_SESSION_AUTH_XOAUTH2:
    case IMAPCLIENT_SESSION_AUTH_OAUTHBEARER: {
        size_t size = 16384;
        char *tok = malloc(size);
        if (!tok)
            return IMAPCLIENT_ENOMEM;
        tok[0] = '\0';
        int rc;
        if (s->cfg.token(s->cfg.token_payload, s->refreshed, tok, size) != 0) {
            rc = NO_TOKEN;
        } else {
            tok[size - 1] = '\0';
            rc = s->cfg.auth == IMAPCLIENT_SESSION_AUTH_XOAUTH2
                     ? imapclient_start_oauth2_login(c, s->username, tok, "XOAUTH2", NULL,
                                                     on_step, s, NULL)
                     : imapclient_start_oauthbearer_login(c, s->username, tok, on_step, s,
                                                          NULL);
        }
        OPENSSL_cleanse(tok, size);
        free(tok);
        return rc;
    }
    default:
        return 0;
    }
}

/* ENABLE's list: the caller's, and QRESYNC when wanted. */
static size_t enable_list(const imapclient_session *s, const char **v, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; s->enable && s->enable[i] && n + 2 < max; i++)
        v[n++] = s->enable[i];
    int have = 0;
    for (size_t i = 0; i < n; i++)
        have |= !strcasecmp(v[i], "QRESYNC");
    if (s->cfg.qresync && s->folder && !have)
        v[n++] = "QRESYNC";
    v[n] = NULL;
    return n;
}

/* An APPEND whose fate is to be found out on this connection. */
static scmd *next_uncertain(imapclient_session *s)
{
    for (scmd *k = s->cmds; k; k = k->next)
        if (k->state == C_UNCERTAIN)
            return k;
    return NULL;
}

/* The APPEND goes to the folder the session keeps selected. */
static int to_session_folder(const imapclient_session *s, const scmd *k)
{
    return s->folder && k->folder && !strcmp(s->folder, k->folder);
}

static int sync_start(imapclient_session *s);
static void ready(imapclient_session *s);

/* Enter phase ph and start its command, skipping phases with nothing to do. */
static void go(imapclient_session *s, enum phase ph)
{
    int rc = 0;
    for (;;) {
        s->phase = ph;
        switch (ph) {
        case PH_STARTTLS:
            if (!s->cfg.starttls) {
                ph = PH_LOGIN;
                continue;
            }
            rc = imapclient_start_starttls(s->c, on_step, s, NULL);
            break;
        case PH_LOGIN:
            if (s->cfg.auth == IMAPCLIENT_SESSION_AUTH_NONE) {
                ph = PH_ENABLE;
                continue;
            }
            rc = start_login(s);
            break;
        case PH_ENABLE: {
            const char *list[64];
            if (!enable_list(s, list, 64)) {
                ph = PH_CHECK;
                continue;
            }
            rc = imapclient_start_enable(s->c, list, on_step, s, NULL);
            break;
        }
        case PH_CHECK:
            s->checking = next_uncertain(s);
            if (!s->checking) {
                ph = PH_SELECT;
                continue;
            }
            s->checking->searched = 0;
            rc = imapclient_start_select_folder(s->c, s->checking->folder, 1, on_step, s,
                                                NULL);
            break;
        case PH_SEARCH: {
            scmd *k = s->checking;
            char range[32];
            uint32_t above = s->check_validity == s->uidvalidity ? k->above : 0;
            snprintf(range, sizeof range, "%lu:*", (unsigned long)above + 1);
            const char *crit[] = {"UID", range, "HEADER", "Message-ID", k->msgid, NULL};
            rc = imapclient_start_search(s->c, crit, NULL, on_step, s, NULL);
            break;
        }
        case PH_SELECT:
            if (!s->folder) {
                ready(s);
                return;
            }
            rc = imapclient_start_select_folder(s->c, s->folder, s->cfg.readonly, on_step,
                                                s, NULL);
            break;
        case PH_SYNC:
            rc = sync_start(s);
            break;
        default:
            return;
        }
        if (rc < 0) {
            if (rc == NO_TOKEN)
                drop(s, IMAPCLIENT_ELOGIN, "login: the token callback gave no token");
            else if (connection_lost_code(rc) || rc == IMAPCLIENT_ENOMEM)
                drop_from(s, s->c, rc, "starting a command");
            else
                give_up(s, rc, imapclient_errmsg(s->c));
        }
        return;
    }
}

/* A refusal that a new connection will not change. */
static int permanent(int rc)
{
    return rc == IMAPCLIENT_ELOGIN || rc == IMAPCLIENT_ECERTIFICATE ||
           rc == IMAPCLIENT_ECAPABILITY || rc == IMAPCLIENT_EILLEGAL_STATE ||
           rc == IMAPCLIENT_EINVAL || rc == IMAPCLIENT_ERROR ||
           rc == IMAPCLIENT_EREADONLY;
}

/* A server may still be saving the APPEND of the connection just lost
 * (its process finishes the command after the client went away) when the
 * next connection searches for it: the search is made again this much
 * later before the message is sent again. */
#define CHECK_AGAIN_MS 1000

/* 1 when the APPEND looked for was found (and completed), 0 when not. */
static int check_found(imapclient_session *s, scmd *k, const imapclient_ids *ids);

/* The completion of the phase's command. */
static void on_step(imapclient *c, imapclient_completion *d)
{
    imapclient_session *s = d->user;
    if (d->op == IMAPCLIENT_OP_CONNECT) {
        if (s->phase != PH_CONNECT || c != s->c)
            return;
        if (d->status == IMAPCLIENT_ECERTIFICATE || d->status == IMAPCLIENT_EINVAL) {
            char what[600];
            snprintf(what, sizeof what, "connecting: %s", d->errmsg);
            give_up(s, d->status, what);
            return;
        }
        if (d->status) {
            drop_from(s, c, d->status, "connecting");
            return;
        }
        go(s, PH_STARTTLS);
        return;
    }
    if (c != s->c || s->phase == PH_BACKOFF || s->phase == PH_FAILED)
        return;
    int rc = d->status;
    if (rc && gone(s, c)) {
        drop_from(s, c, rc, "connection lost");
        return;
    }
    char what[700];
    switch (s->phase) {
    case PH_STARTTLS:
        if (rc) {
            snprintf(what, sizeof what, "STARTTLS: %s", d->errmsg);
            if (rc == IMAPCLIENT_ETLS)
                drop(s, rc, what);
            else
                give_up(s, rc, what);
            return;
        }
        go(s, PH_LOGIN);
        return;
    case PH_LOGIN:
        if (rc == IMAPCLIENT_ELOGIN && s->cfg.auth >= IMAPCLIENT_SESSION_AUTH_XOAUTH2 &&
            !s->refreshed) {
            /* the token may have expired: one more try with a fresh one */
            s->refreshed = 1;
            go(s, PH_LOGIN);
            return;
        }
        if (rc) {
            snprintf(what, sizeof what, "login: %s", d->errmsg);
            /* RFC 5530: UNAVAILABLE is temporary */
            if (strstr(d->errmsg, "[UNAVAILABLE]") || !permanent(rc))
                drop(s, rc, what);
            else
                give_up(s, rc, what);
            return;
        }
        go(s, PH_ENABLE);
        return;
    case PH_ENABLE:
        /* without ENABLE (or refused) the session goes on without QRESYNC */
        s->qresync = imapclient_is_enabled(c, "QRESYNC");
        go(s, PH_CHECK);
        return;
    case PH_CHECK:
        if (rc) {
            /* the folder cannot be examined: the APPEND cannot have
             * happened there either; send it again (it will fail again
             * with the server's reason) */
            s->checking->state = C_WAITING;
            go(s, PH_CHECK);
            return;
        }
        s->check_validity =
            d->result ? ((imapclient_select_info *)d->result)->uidvalidity : 0;
        go(s, PH_SEARCH);
        return;
    case PH_SEARCH: {
        if (rc) {
            s->checking->state = C_WAITING;
            go(s, PH_CHECK);
            return;
        }
        scmd *k = s->checking;
        if (!check_found(s, k, d->result)) {
            /* not there yet: look once more a little later; in the
             * session's folder once in step (nothing waits meanwhile),
             * elsewhere here, after a pause */
            if (to_session_folder(s, k)) {
                k->state = C_RECHECK;
                k->recheck_at = now_ms() + CHECK_AGAIN_MS;
            } else if (!k->searched++) {
                k->state = C_UNCERTAIN;
                s->phase = PH_RECHECK;
                s->timer_at = now_ms() + CHECK_AGAIN_MS;
                return;
            }
        }
        go(s, PH_CHECK);
        return;
    }
    case PH_SELECT: {
        if (rc) {
            snprintf(what, sizeof what, "selecting %s: %s", s->folder, d->errmsg);
            give_up(s, rc, what);
            return;
        }
        const imapclient_select_info *info = d->result;
        s->select_modseq = info->has_highestmodseq ? info->highestmodseq : 0;
        s->nomodseq = info->nomodseq || !info->has_highestmodseq;
        if (s->have_map && info->uidvalidity != s->uidvalidity) {
            /* RFC 3501 2.3.1.1: every UID known is void */
            s->have_map = 0;
            s->map.n = 0;
            s->pending.added.n = s->pending.vanished.n = s->pending.changed.n = 0;
            s->sync_event = IMAPCLIENT_SESSION_RESYNC;
        } else {
            s->sync_event =
                s->ever_ready ? IMAPCLIENT_SESSION_RESUMED : IMAPCLIENT_SESSION_READY;
        }
        s->uidvalidity = info->uidvalidity;
        go(s, PH_SYNC);
        return;
    }
    default:
        return;
    }
}

/* ---- APPENDs cut off by a loss ----------------------------------------------- */

static void scmd_unlink(imapclient_session *s, scmd *k)
{
    for (scmd **pp = &s->cmds; *pp; pp = &(*pp)->next)
        if (*pp == k) {
            *pp = k->next;
            return;
        }
}

static void scmd_free(scmd *k)
{
    if (!k)
        return;
    free(k->folder);
    free(k->msg);
    free((void *)k->aflags);
    free(k->msgid);
    free(k);
}

/* Deliver a completion the session makes itself. */
static void deliver(imapclient *c, scmd *k, imapclient_op op, int status,
                    const char *errmsg, const char *text, void *result,
                    void (*free_result)(void *))
{
    imapclient_completion d = {
        op,      0,    status, errmsg ? errmsg : "", text ? text : "", result,
        k->user, NULL, NULL};
    k->cb(c, &d);
    if (d.result && free_result)
        free_result(d.result);
}

static void append_result_free(void *r)
{
    imapclient_append_result_free(r);
}

/* The search for an APPEND's Message-ID answered. */
static int check_found(imapclient_session *s, scmd *k, const imapclient_ids *ids)
{
    /* only a copy above the UIDs known before the APPEND is it (the range
     * "n:*" also names the highest message when there is none above) */
    uint32_t above = s->check_validity == s->uidvalidity ? k->above : 0, uid = 0;
    for (size_t i = 0; ids && i < ids->count; i++)
        if (ids->ids[i] > above && ids->ids[i] > uid)
            uid = ids->ids[i];
    if (!uid) {
        k->state = C_WAITING; /* not there: append it again */
        return 0;
    }
    imapclient_append_result *res = imc_msg_result_new(sizeof *res);
    char text[200];
    snprintf(text, sizeof text,
             "APPEND done before the connection was lost: found by Message-ID as UID %lu",
             (unsigned long)uid);
    if (res) {
        imc_arena *a = imc_msg_result_arena(res);
        uint32_t *u = imc_arena_alloc(a, sizeof *u);
        char set[16];
        snprintf(set, sizeof set, "%lu", (unsigned long)uid);
        res->text = imc_arena_strdup(a, text);
        res->uid_set = imc_arena_strdup(a, set);
        if (u && res->text && res->uid_set) {
            *u = uid;
            res->uids = u;
            res->count = 1;
            res->uidvalidity = s->check_validity;
        } else {
            imc_msg_result_free(res);
            res = NULL;
        }
    }
    scmd_unlink(s, k);
    deliver(s->c, k, IMAPCLIENT_OP_APPEND, res ? 0 : IMAPCLIENT_ENOMEM,
            res ? "" : "out of memory", text, res, append_result_free);
    scmd_free(k);
    return 1;
}

/* ---- the sync ---------------------------------------------------------------- */

static int sync_msg(void *payload, const imapclient_message *m)
{
    imapclient_session *s = payload;
    if (!m->has_uid || !m->flags) {
        s->sync_failed = 1; /* a server that left them out: read it all again */
        return 0;
    }
    if (m->has_modseq && m->modseq > s->sync_maxmod)
        s->sync_maxmod = m->modseq;
    if (s->sync_full) {
        long fs = tab_intern(&s->flags, m->flags, m->flag_count);
        smsg *d = fs < 0 ? NULL : vec_push(&s->seen);
        if (!d)
            return IMAPCLIENT_ENOMEM;
        *d = (smsg){{m->uid, (uint32_t)fs, m->has_modseq ? m->modseq : 0}, s->seen.n};
        return 0;
    }
    /* CHANGEDSINCE: applied in the order the server sends, among what it
     * pushes */
    return map_apply(s, m->uid, m->flags, m->flag_count, m->has_modseq ? m->modseq : 0) <
                   0
               ? IMAPCLIENT_ENOMEM
               : 0;
}

/* The whole folder as read, against the map: what is new, gone, changed. */
static int compare_full(imapclient_session *s)
{
    smsg *sv = s->seen.p;
    if (s->seen.n > 1)
        qsort(sv, s->seen.n, sizeof *sv, cmp_smsg);
    vmsg *m = s->map.p;
    size_t i = 0, j = 0;
    vec next = {.size = sizeof(vmsg)};
    while (i < s->map.n || j < s->seen.n) {
        if (j + 1 < s->seen.n && sv[j].m.uid == sv[j + 1].m.uid) {
            j++; /* the same message twice: the later answer counts */
            continue;
        }
        const dmsg *seen = j < s->seen.n ? &sv[j].m : NULL;
        if (!seen || (i < s->map.n && m[i].uid < seen->uid)) {
            uint32_t *v = vec_push(&s->pending.vanished);
            if (!v)
                goto nomem;
            *v = m[i++].uid;
            continue;
        }
        vmsg *n = vec_push(&next);
        if (!n)
            goto nomem;
        *n = (vmsg){seen->uid, seen->fs};
        if (i < s->map.n && m[i].uid == seen->uid) {
            if (m[i].fs != seen->fs) {
                dmsg *d = vec_push(&s->pending.changed);
                if (!d)
                    goto nomem;
                *d = *seen;
            }
            i++;
        } else if (note_added(s, seen->uid, seen->fs, seen->modseq) < 0) {
            goto nomem;
        }
        j++;
    }
    vec_free(&s->map);
    s->map = next;
    return 0;
nomem:
    vec_free(&next);
    return IMAPCLIENT_ENOMEM;
}

static void on_sync(imapclient *c, imapclient_completion *d);

/* Ask the server what changed since the map: the one place to switch to
 * condstore.h's QRESYNC SELECT / sync.h once they are on main. */
static int sync_start(imapclient_session *s)
{
    static const char *const items[] = {"UID", "FLAGS", NULL};
    char since[48];
    const char *mods[] = {since, "VANISHED", NULL};
    s->syncing = 1;
    s->sync_failed = 0;
    /* the refreshes asked for so far are answered by this read */
    waiter **tail = &s->sync_waiters;
    while (*tail)
        tail = &(*tail)->next;
    *tail = s->waiters;
    s->waiters = NULL;
    s->sync_maxmod = 0;
    s->stale = 0;
    s->after_cmd = 0;
    vec_free(&s->seen);
    s->seen.size = sizeof(smsg);
    int changedsince = s->have_map && s->qresync && !s->nomodseq && s->modseq > 0;
    s->sync_full = !changedsince;
    s->method = s->qresync ? "QRESYNC" : "UID FETCH comparison";
    if (changedsince)
        snprintf(since, sizeof since, "CHANGEDSINCE %llu", (unsigned long long)s->modseq);
    return imapclient_start_fetch_each(s->c, "1:*", items, changedsince ? mods : NULL,
                                       sync_msg, NULL, 0, s, on_sync, s, NULL);
}

static void wake_waiters(imapclient_session *s, waiter **list, int status);

static void on_sync(imapclient *c, imapclient_completion *d)
{
    imapclient_session *s = d->user;
    if (c != s->c)
        return;
    s->syncing = 0;
    int rc = d->status;
    if (rc && gone(s, c)) {
        drop_from(s, c, rc, "connection lost");
        return;
    }
    if (rc == 0 && s->sync_failed) {
        if (s->sync_full) {
            drop(s, IMAPCLIENT_EPROTOCOL,
                 "reading the folder: FETCH answers without UID or FLAGS");
            return;
        }
        /* changes without UID or FLAGS: compare the whole folder */
        s->modseq = 0;
        s->stale = 1;
        if (s->phase == PH_READY)
            return;
        if (sync_start(s) < 0)
            drop_from(s, c, IMAPCLIENT_EABORT, "reading the folder");
        return;
    }
    if (rc) {
        drop_from(s, c, rc, "reading the folder");
        return;
    }
    if (s->sync_full && compare_full(s) < 0) {
        drop(s, IMAPCLIENT_ENOMEM, "out of memory reading the folder");
        return;
    }
    vec_free(&s->seen);
    /* what we are up to: after a full read the HIGHESTMODSEQ from before
     * it (changes during it have higher ones); after CHANGEDSINCE the
     * highest applied, unless something the read cannot have held came
     * meanwhile (an EXISTS: a message appended before a flag change whose
     * FETCH came with the answer, MODSEQ and all, has the lower
     * mod-sequence and must still be found by the next read); never below
     * this connection's SELECT (every change up to it is in the read that
     * followed it) */
    if (s->qresync && !s->nomodseq) {
        uint64_t m = s->sync_full ? s->select_modseq : s->modseq;
        if (!s->sync_full && !s->stale && s->sync_maxmod > m)
            m = s->sync_maxmod;
        if (s->phase == PH_SYNC && s->select_modseq > m)
            m = s->select_modseq;
        s->modseq = m;
    } else {
        s->modseq = s->select_modseq;
    }
    s->sync_full = 0;
    s->have_map = 1;
    if (s->phase == PH_SYNC) {
        long long away = s->lost_at ? now_ms() - s->lost_at : 0;
        flush(s, s->sync_event, away);
        s->ever_ready = 1;
        s->lost_at = 0;
        wake_waiters(s, &s->sync_waiters, 0);
        ready(s);
        return;
    }
    flush(s, s->resync_next ? IMAPCLIENT_SESSION_RESYNC : IMAPCLIENT_SESSION_CHANGES, 0);
    s->resync_next = 0;
    wake_waiters(s, &s->sync_waiters, 0);
}

/* ---- READY: the caller's commands, IDLE, polls ------------------------------- */

static void scmd_done(imapclient *c, imapclient_completion *d);

static void wake_waiters(imapclient_session *s, waiter **list, int status)
{
    waiter *w = *list;
    *list = NULL;
    while (w) {
        waiter *next = w->next;
        imapclient_completion d = {IMAPCLIENT_OP_NOOP,
                                   0,
                                   status,
                                   status ? "the session was freed" : "",
                                   status ? "" : "in step with the server",
                                   NULL,
                                   w->user,
                                   NULL,
                                   NULL};
        w->cb(s->c, &d);
        free(w);
        w = next;
    }
}

static void ready(imapclient_session *s)
{
    s->phase = PH_READY;
    s->attempt = 0;
    s->timer_at = 0;
    if (!s->folder) {
        if (!s->ever_ready) {
            imapclient_session_event ev = {.type = IMAPCLIENT_SESSION_READY};
            emit(s, &ev);
        } else {
            imapclient_session_event ev = {.type = IMAPCLIENT_SESSION_RESUMED,
                                           .away_ms =
                                               s->lost_at ? now_ms() - s->lost_at : 0};
            emit(s, &ev);
        }
        s->ever_ready = 1;
        s->lost_at = 0;
        wake_waiters(s, &s->waiters, 0);
    }
}

static void start_cmd(imapclient_session *s, scmd *k)
{
    k->state = C_RUNNING;
    int rc = k->is_append ? imapclient_start_append(s->c, k->folder, k->msg, k->msg_len,
                                                    k->aflags, NULL, scmd_done, k, NULL)
                          : k->start(s->c, k->arg, scmd_done, k, NULL);
    if (rc == 0)
        return;
    if (gone(s, s->c)) {
        k->state = C_WAITING;
        drop_from(s, s->c, rc, "starting a command");
        return;
    }
    /* refused at once (bad arguments): that is its completion */
    scmd_unlink(s, k);
    deliver(s->c, k, k->is_append ? IMAPCLIENT_OP_APPEND : IMAPCLIENT_OP_NOOP, rc,
            imapclient_errmsg(s->c), "", NULL, NULL);
    scmd_free(k);
}

static void on_idle(imapclient *c, imapclient_completion *d)
{
    imapclient_session *s = d->user;
    if (c != s->c)
        return;
    if (d->op == IMAPCLIENT_OP_IDLE) {
        if (d->status == 0) {
            s->idle = IDLE_ON;
            return;
        }
        s->idle = IDLE_NONE;
        if (d->status == IMAPCLIENT_ECAPABILITY || d->status == IMAPCLIENT_ERROR)
            s->no_idle = 1; /* poll instead */
        else if (gone(s, c))
            drop_from(s, c, d->status, "connection lost");
        return;
    }
    /* IDLE_DONE: ours, the server's own end, or the connection's */
    s->idle = IDLE_NONE;
    if (d->status && gone(s, c))
        drop_from(s, c, d->status, "connection lost");
}

static void on_noop(imapclient *c, imapclient_completion *d)
{
    imapclient_session *s = d->user;
    if (c != s->c)
        return;
    s->noop_running = 0;
    if (d->status && gone(s, c))
        drop_from(s, c, d->status, "connection lost");
}

static int running_cmds(const imapclient_session *s)
{
    for (const scmd *k = s->cmds; k; k = k->next)
        if (k->state == C_RUNNING || k->state == C_CHECKING)
            return 1;
    return 0;
}

/* The second search for an APPEND, in the session's folder, answered. */
static void on_recheck(imapclient *c, imapclient_completion *d)
{
    scmd *k = d->user;
    imapclient_session *s = k->s;
    if (k->state != C_CHECKING)
        return;
    if (d->status && (c != s->c || gone(s, c))) {
        k->state = C_UNCERTAIN; /* the next connection looks again */
        return;
    }
    if (d->status) {
        k->state = C_WAITING; /* the search was refused: append it again */
        return;
    }
    s->check_validity = s->uidvalidity;
    check_found(s, k, d->result); /* found: completed; else C_WAITING */
}

static void start_recheck(imapclient_session *s, scmd *k)
{
    char range[32];
    snprintf(range, sizeof range, "%lu:*", (unsigned long)k->above + 1);
    const char *crit[] = {"UID", range, "HEADER", "Message-ID", k->msgid, NULL};
    k->state = C_CHECKING;
    if (imapclient_start_search(s->c, crit, NULL, on_recheck, k, NULL) < 0) {
        k->state = C_WAITING;
        if (gone(s, s->c))
            drop_from(s, s->c, IMAPCLIENT_EABORT, "searching for an APPEND");
    }
}

/* In READY: start what waits, leave IDLE for it, or go (back) to IDLE. */
static void advance(imapclient_session *s)
{
    if (s->phase != PH_READY || !s->c || s->drop_rc || s->fail_rc)
        return;
    int want_sync = s->folder && (s->stale || s->after_cmd || s->waiters) && !s->syncing;
    int waiting = 0;
    long long now = now_ms();
    for (scmd *k = s->cmds; k; k = k->next)
        waiting |=
            k->state == C_WAITING || (k->state == C_RECHECK && now >= k->recheck_at);
    int busy = want_sync || waiting || running_cmds(s) || s->syncing || s->noop_running;
    if (s->idle == IDLE_ON && busy) {
        if (imapclient_start_idle_done(s->c, on_idle, s, NULL) == 0)
            s->idle = IDLE_STOPPING;
        else if (gone(s, s->c))
            drop_from(s, s->c, IMAPCLIENT_EABORT, "leaving IDLE");
        return;
    }
    if (s->idle != IDLE_NONE)
        return; /* wait for "+" or for the end of IDLE */
    for (scmd *k = s->cmds, *next; k && !s->drop_rc; k = next) {
        next = k->next;
        if (k->state == C_UNCERTAIN) {
            /* cut off on this very connection: looked for on the next; or
             * if it must wait, without Message-ID it was already settled */
            continue;
        }
        if (k->state == C_WAITING)
            start_cmd(s, k);
        else if (k->state == C_RECHECK && now >= k->recheck_at)
            start_recheck(s, k);
    }
    if (s->drop_rc)
        return;
    if (want_sync && !running_cmds(s)) {
        if (sync_start(s) < 0)
            drop_from(s, s->c, IMAPCLIENT_EABORT, "reading the folder");
        return;
    }
    if (busy || running_cmds(s))
        return;
    if (!s->no_idle && s->cfg.idle) {
        if (imapclient_start_idle(s->c, on_idle, s, NULL) == 0)
            s->idle = IDLE_STARTING;
        return;
    }
    /* polling: a NOOP every poll_ms */
    if (!s->timer_at)
        s->timer_at = now + s->cfg.poll_ms;
    if (now >= s->timer_at) {
        s->timer_at = now + s->cfg.poll_ms;
        if (imapclient_start_noop(s->c, on_noop, s, NULL) == 0)
            s->noop_running = 1;
    }
}

/* ---- the caller's commands --------------------------------------------------- */

static void scmd_done(imapclient *c, imapclient_completion *d)
{
    scmd *k = d->user;
    imapclient_session *s = k->s;
    if (d->status && connection_lost_code(d->status) && gone(s, c)) {
        /* lost with the command in flight: the server may or may not have
         * carried it out */
        if (k->is_append && k->msgid) {
            k->state = C_UNCERTAIN;
            return;
        }
        if (!k->is_append && (k->flags & IMAPCLIENT_SESSION_IDEMPOTENT) &&
            k->tries < s->cfg.retry_limit) {
            k->tries++;
            k->state = C_WAITING;
            return;
        }
        char msg[2048];
        snprintf(msg, sizeof msg,
                 "%.1200s; the connection was lost with the command in "
                 "flight, and it was not retried (%s)",
                 d->errmsg,
                 k->is_append ? "an APPEND without Message-ID"
                 : !(k->flags & IMAPCLIENT_SESSION_IDEMPOTENT) ? "not idempotent"
                                                               : "retry limit reached");
        scmd_unlink(s, k);
        imapclient_completion e = *d;
        e.status = IMAPCLIENT_EABORT;
        e.errmsg = msg;
        e.user = k->user;
        k->cb(c, &e);
        d->result = e.result;
        scmd_free(k);
        return;
    }
    scmd_unlink(s, k);
    d->user = k->user;
    k->cb(c, d);
    scmd_free(k);
    s->after_cmd = 1;
}

int imapclient_session_submit(imapclient_session *s, imapclient_session_start_fn start,
                              void *arg, unsigned flags, imapclient_done_cb cb,
                              void *user)
{
    if (!s || !start || !cb)
        return IMAPCLIENT_EINVAL;
    if (s->phase == PH_FAILED)
        return s->fail_rc;
    scmd *k = calloc(1, sizeof *k);
    if (!k)
        return IMAPCLIENT_ENOMEM;
    *k = (scmd){
        .s = s, .start = start, .arg = arg, .flags = flags, .cb = cb, .user = user};
    scmd **pp = &s->cmds;
    while (*pp)
        pp = &(*pp)->next;
    *pp = k;
    /* started now when nothing is in the way, so that bad arguments are
     * the caller's return value */
    if (s->phase == PH_READY && s->idle == IDLE_NONE && !s->in_drive) {
        k->state = C_RUNNING;
        int rc = start(s->c, arg, scmd_done, k, NULL);
        if (rc < 0 && !gone(s, s->c)) {
            scmd_unlink(s, k);
            free(k);
            return rc;
        }
        if (rc < 0)
            k->state = C_WAITING;
    }
    return 0;
}

/* The value of the Message-ID header (unfolded, trimmed), or NULL. */
static char *find_msgid(const char *msg, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && msg[eol] != '\n')
            eol++;
        size_t l = eol - i;
        if (l && msg[i + l - 1] == '\r')
            l--;
        if (l == 0)
            return NULL; /* end of the header */
        if (l > 11 && !strncasecmp(msg + i, "Message-ID:", 11)) {
            size_t a = i + 11, b = i + l;
            /* folded onto the next line */
            if (a == b || strspn(msg + a, " \t") == l - 11) {
                size_t n = eol + 1;
                if (n < len && (msg[n] == ' ' || msg[n] == '\t')) {
                    a = n;
                    b = n;
                    while (b < len && msg[b] != '\n' && msg[b] != '\r')
                        b++;
                }
            }
            while (a < b && (msg[a] == ' ' || msg[a] == '\t'))
                a++;
            while (b > a && (msg[b - 1] == ' ' || msg[b - 1] == '\t'))
                b--;
            if (b == a || b - a > 998)
                return NULL;
            for (size_t j = a; j < b; j++)
                if ((unsigned char)msg[j] < 0x20 || msg[j] == 0x7f)
                    return NULL;
            char *id = malloc(b - a + 1);
            if (id) {
                memcpy(id, msg + a, b - a);
                id[b - a] = '\0';
            }
            return id;
        }
        i = eol + 1;
    }
    return NULL;
}

int imapclient_session_append(imapclient_session *s, const char *folder, const char *msg,
                              size_t msg_len, const char *const *flags,
                              imapclient_done_cb cb, void *user)
{
    if (!s || !folder || !msg || !cb)
        return IMAPCLIENT_EINVAL;
    if (s->phase == PH_FAILED)
        return s->fail_rc;
    scmd *k = calloc(1, sizeof *k);
    if (!k)
        return IMAPCLIENT_ENOMEM;
    *k = (scmd){.s = s, .cb = cb, .user = user, .is_append = 1};
    size_t nf = 0, fl = 0;
    for (; flags && flags[nf]; nf++)
        fl += strlen(flags[nf]) + 1;
    k->folder = strdup(folder);
    k->msg = malloc(msg_len ? msg_len : 1);
    k->aflags = malloc((nf + 1) * sizeof *k->aflags + fl);
    if (!k->folder || !k->msg || !k->aflags) {
        scmd_free(k);
        return IMAPCLIENT_ENOMEM;
    }
    memcpy(k->msg, msg, msg_len);
    k->msg_len = msg_len;
    char *p = (char *)(k->aflags + nf + 1);
    for (size_t i = 0; i < nf; i++) {
        size_t l = strlen(flags[i]) + 1;
        memcpy(p, flags[i], l);
        k->aflags[i] = p;
        p += l;
    }
    k->aflags[nf] = NULL;
    k->msgid = find_msgid(msg, msg_len);
    /* in the session's folder, a copy from before this APPEND is not it */
    if (s->folder && !strcmp(folder, s->folder) && s->have_map && s->map.n)
        k->above = ((vmsg *)s->map.p)[s->map.n - 1].uid;
    scmd **pp = &s->cmds;
    while (*pp)
        pp = &(*pp)->next;
    *pp = k;
    if (s->phase == PH_READY && s->idle == IDLE_NONE && !s->in_drive) {
        k->state = C_RUNNING;
        int rc = imapclient_start_append(s->c, k->folder, k->msg, k->msg_len, k->aflags,
                                         NULL, scmd_done, k, NULL);
        if (rc < 0 && !gone(s, s->c)) {
            scmd_unlink(s, k);
            scmd_free(k);
            return rc;
        }
        if (rc < 0)
            k->state = C_WAITING;
    }
    return 0;
}

int imapclient_session_refresh(imapclient_session *s, imapclient_done_cb cb, void *user)
{
    if (!s || !cb)
        return IMAPCLIENT_EINVAL;
    if (s->phase == PH_FAILED)
        return s->fail_rc;
    waiter *w = calloc(1, sizeof *w);
    if (!w)
        return IMAPCLIENT_ENOMEM;
    w->cb = cb;
    w->user = user;
    waiter **pp = &s->waiters;
    while (*pp)
        pp = &(*pp)->next;
    *pp = w;
    return 0;
}

/* ---- create, drive, free ----------------------------------------------------- */

void imapclient_session_config_init(imapclient_session_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->version = IMAPCLIENT_SESSION_CONFIG_VERSION;
    imapclient_options_init(&cfg->opts);
    cfg->opts.connect_timeout_ms = 30000;
    cfg->opts.timeout_ms = 60000;
    cfg->qresync = 1;
    cfg->idle = 1;
    cfg->poll_ms = 60000;
    cfg->backoff_initial_ms = 500;
    cfg->backoff_max_ms = 60000;
    cfg->retry_limit = 3;
}

static int bad_text(const char *t)
{
    return t && strpbrk(t, "\r\n") != NULL;
}

static char *dup_or_null(const char *t, int *nomem)
{
    if (!t)
        return NULL;
    char *d = strdup(t);
    if (!d)
        *nomem = 1;
    return d;
}

static void wipe_free(char *p)
{
    if (p) {
        OPENSSL_cleanse(p, strlen(p));
        free(p);
    }
}

/* A TLS configuration made of the options' TLS fields, with the session
 * cache on; NULL when they cannot be loaded now (each handle then loads
 * them itself and reports why at its handshake) or out of memory. */
static imapclient_tls_config *session_tls(const imapclient_options *o)
{
    imapclient_tls_config *t = imapclient_tls_config_new();
    if (!t)
        return NULL;
    if (imapclient_tls_config_set_verify(t, o->verify_peer) != 0 ||
        (o->verify_peer && (o->ca_file || o->ca_path) &&
         imapclient_tls_config_set_ca(t, o->ca_file, o->ca_path) != 0) ||
        (o->cert_file &&
         imapclient_tls_config_set_client_cert(t, o->cert_file, o->key_file) != 0)) {
        imapclient_tls_config_unref(t);
        return NULL;
    }
    return t;
}

int imapclient_session_new(const imapclient_session_config *cfg, imapclient_session **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!cfg || cfg->version != IMAPCLIENT_SESSION_CONFIG_VERSION || !cfg->host ||
        cfg->opts.version != IMAPCLIENT_OPTIONS_VERSION)
        return IMAPCLIENT_EINVAL;
    if ((cfg->auth == IMAPCLIENT_SESSION_AUTH_LOGIN ||
         cfg->auth == IMAPCLIENT_SESSION_AUTH_PLAIN) &&
        (!cfg->username || !cfg->password))
        return IMAPCLIENT_EINVAL;
    if ((cfg->auth == IMAPCLIENT_SESSION_AUTH_XOAUTH2 ||
         cfg->auth == IMAPCLIENT_SESSION_AUTH_OAUTHBEARER) &&
        (!cfg->token || (cfg->auth == IMAPCLIENT_SESSION_AUTH_XOAUTH2 && !cfg->username)))
        return IMAPCLIENT_EINVAL;
    if (cfg->auth > IMAPCLIENT_SESSION_AUTH_OAUTHBEARER || cfg->auth < 0)
        return IMAPCLIENT_EINVAL;
    if (bad_text(cfg->host) || bad_text(cfg->username) || bad_text(cfg->password) ||
        bad_text(cfg->folder))
        return IMAPCLIENT_EINVAL;
    for (size_t i = 0; cfg->enable && cfg->enable[i]; i++)
        if (bad_text(cfg->enable[i]) || i >= 60)
            return IMAPCLIENT_EINVAL;
    if (cfg->starttls && cfg->opts.ssl)
        return IMAPCLIENT_EINVAL;
    imapclient_session *s = calloc(1, sizeof *s);
    if (!s)
        return IMAPCLIENT_ENOMEM;
    s->cfg = *cfg;
    int nomem = 0;
    s->host = dup_or_null(cfg->host, &nomem);
    s->username = dup_or_null(cfg->username, &nomem);
    s->password = dup_or_null(cfg->password, &nomem);
    s->folder = dup_or_null(cfg->folder, &nomem);
    size_t ne = 0;
    while (cfg->enable && cfg->enable[ne])
        ne++;
    if (ne) {
        s->enable = calloc(ne + 1, sizeof *s->enable);
        if (!s->enable)
            nomem = 1;
        for (size_t i = 0; s->enable && i < ne; i++)
            s->enable[i] = dup_or_null(cfg->enable[i], &nomem);
    }
    const char **strs[] = {&s->cfg.opts.ca_file, &s->cfg.opts.ca_path,
                           &s->cfg.opts.tls_hostname, &s->cfg.opts.cert_file,
                           &s->cfg.opts.key_file};
    for (size_t i = 0; i < 5; i++) {
        s->opt_strs[i] = dup_or_null(*strs[i], &nomem);
        *strs[i] = s->opt_strs[i];
    }
    /* one TLS configuration for every connection: the CAs are loaded once
     * and a reconnect resumes the TLS session of the connection lost */
    if (cfg->opts.tls_config)
        s->tls = imapclient_tls_config_ref(cfg->opts.tls_config);
    else if ((cfg->opts.ssl || cfg->starttls) && !cfg->opts.ssl_ctx && !nomem)
        s->tls = session_tls(&s->cfg.opts);
    s->cfg.opts.tls_config = s->tls;
    s->cfg.host = s->host;
    s->cfg.username = s->username;
    s->cfg.password = s->password;
    s->cfg.folder = s->folder;
    s->cfg.enable = (const char *const *)s->enable;
    s->cfg.opts.use_uid = 1;
    if (s->cfg.poll_ms <= 0)
        s->cfg.poll_ms = 60000;
    if (s->cfg.backoff_initial_ms < 0)
        s->cfg.backoff_initial_ms = 0;
    if (s->cfg.backoff_max_ms < s->cfg.backoff_initial_ms)
        s->cfg.backoff_max_ms = s->cfg.backoff_initial_ms;
    if (s->cfg.retry_limit < 0)
        s->cfg.retry_limit = 0;
    s->map.size = sizeof(vmsg);
    s->seen.size = sizeof(smsg);
    s->flags.sets.size = sizeof(fset);
    s->pending.added.size = s->pending.changed.size = sizeof(dmsg);
    s->pending.vanished.size = sizeof(uint32_t);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
             ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)s;
    if (!s->rng)
        s->rng = 88172645463325252ull;
    if (nomem) {
        imapclient_session_free(s);
        return IMAPCLIENT_ENOMEM;
    }
    *out = s;
    s->phase = PH_BACKOFF;
    s->timer_at = now_ms(); /* the first attempt, at the first drive */
    return 0;
}

void imapclient_session_free(imapclient_session *s)
{
    if (!s)
        return;
    s->phase = PH_FAILED;
    s->fail_rc = IMAPCLIENT_EABORT;
    snprintf(s->fail_msg, sizeof s->fail_msg, "the session was freed");
    imapclient *c = s->c;
    s->c = NULL;
    imapclient_free(c); /* running commands complete (with EABORT) */
    while (s->cmds) {
        scmd *k = s->cmds;
        s->cmds = k->next;
        deliver(NULL, k, k->is_append ? IMAPCLIENT_OP_APPEND : IMAPCLIENT_OP_NOOP,
                IMAPCLIENT_EABORT,
                k->state != C_WAITING || k->tries
                    ? "the session was freed after losing the connection with the "
                      "command in flight: it may or may not have been carried out"
                    : "the session was freed before the command ran",
                "", NULL, NULL);
        scmd_free(k);
    }
    wake_waiters(s, &s->sync_waiters, IMAPCLIENT_EABORT);
    wake_waiters(s, &s->waiters, IMAPCLIENT_EABORT);
    free(s->host);
    free(s->username);
    wipe_free(s->password);
    free(s->folder);
    for (size_t i = 0; s->enable && s->enable[i]; i++)
        free(s->enable[i]);
    free(s->enable);
    for (size_t i = 0; i < 5; i++)
        free(s->opt_strs[i]);
    imapclient_tls_config_unref(s->tls);
    vec_free(&s->map);
    vec_free(&s->seen);
    vec_free(&s->pending.added);
    vec_free(&s->pending.vanished);
    vec_free(&s->pending.changed);
    tab_free(&s->flags);
    free(s);
}

int imapclient_session_drive(imapclient_session *s)
{
    if (!s)
        return IMAPCLIENT_EINVAL;
    if (s->phase == PH_FAILED)
        return s->fail_rc;
    s->in_drive = 1;
    for (int round = 0; round < 8; round++) {
        if (s->c) {
            int rc = imapclient_drive(s->c);
            if (rc < 0 && !s->drop_rc)
                drop_from(s, s->c, rc, "connection lost");
        }
        if (s->fail_rc) {
            int rc = s->fail_rc;
            s->fail_rc = 0;
            char m[sizeof s->fail_msg];
            memcpy(m, s->fail_msg, sizeof m);
            fail(s, rc, m);
            break;
        }
        if (s->drop_rc) {
            int rc = s->drop_rc;
            s->drop_rc = 0;
            char m[sizeof s->drop_msg];
            memcpy(m, s->drop_msg, sizeof m);
            s->drop_msg[0] = '\0';
            lost(s, rc, m);
            if (s->phase == PH_FAILED)
                break;
        }
        if (s->phase == PH_BACKOFF && now_ms() >= s->timer_at)
            attempt(s);
        if (s->phase == PH_RECHECK && now_ms() >= s->timer_at && s->c) {
            s->timer_at = 0;
            go(s, PH_SEARCH);
        }
        advance(s);
        if (s->phase == PH_READY)
            flush(s, IMAPCLIENT_SESSION_CHANGES, 0);
        if (!s->drop_rc && !s->fail_rc) {
            /* what advance() started goes out now */
            imapclient_wants w;
            if (!s->c || imapclient_want(s->c, &w) < 0 || w.timeout_ms != 0)
                break;
        }
    }
    s->in_drive = 0;
    return s->phase == PH_FAILED ? s->fail_rc : 0;
}

int imapclient_session_want(const imapclient_session *s, imapclient_wants *w)
{
    if (!w)
        return IMAPCLIENT_EINVAL;
    w->fd = w->write_fd = -1;
    w->events = 0;
    w->timeout_ms = -1;
    if (!s)
        return IMAPCLIENT_EINVAL;
    if (s->phase == PH_FAILED)
        return s->fail_rc;
    if (s->drop_rc || s->fail_rc) {
        w->timeout_ms = 0;
        return 0;
    }
    if (s->c && imapclient_want(s->c, w) < 0) {
        w->fd = w->write_fd = -1;
        w->events = 0;
        w->timeout_ms = 0; /* lost: drive now to reconnect */
        return 0;
    }
    long long due = 0;
    if (s->timer_at &&
        (s->phase == PH_BACKOFF || s->phase == PH_READY || s->phase == PH_RECHECK))
        due = s->timer_at;
    for (const scmd *k = s->cmds; k && s->phase == PH_READY; k = k->next)
        if (k->state == C_RECHECK && (!due || k->recheck_at < due))
            due = k->recheck_at;
    if (due) {
        long long left = due - now_ms();
        int t = left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
        if (w->timeout_ms < 0 || t < w->timeout_ms)
            w->timeout_ms = t;
    }
    return 0;
}

int imapclient_session_run(imapclient_session *s, int timeout_ms)
{
    if (!s)
        return IMAPCLIENT_EINVAL;
    long long end = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        int rc = imapclient_session_drive(s);
        if (rc < 0)
            return rc;
        long long left = end - now_ms();
        if (left <= 0)
            return 0;
        imapclient_wants w;
        if ((rc = imapclient_session_want(s, &w)) < 0)
            return rc;
        int t = w.timeout_ms < 0 || w.timeout_ms > left ? (int)left : w.timeout_ms;
        struct pollfd p[2];
        nfds_t n = 0;
        if (w.fd >= 0) {
            p[n++] = (struct pollfd){
                w.fd, (short)(w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0), 0};
            if (w.events & IMAPCLIENT_WANT_WRITE) {
                if (w.write_fd == w.fd)
                    p[0].events |= POLLOUT;
                else
                    p[n++] = (struct pollfd){w.write_fd, POLLOUT, 0};
            }
        } else if (s->c && w.timeout_ms < 0) {
            t = t > 10 ? 10 : t; /* no fd to wait on (scripted): look often */
        }
        if (t > 0 && poll(p, n, t) < 0 && errno == EINTR && s->cfg.opts.interrupt &&
            s->cfg.opts.interrupt(s->cfg.opts.interrupt_payload))
            return IMAPCLIENT_EINTERRUPTED;
    }
}

imapclient_session_state imapclient_session_get_state(const imapclient_session *s)
{
    if (!s || s->phase == PH_FAILED)
        return IMAPCLIENT_SESSION_GAVE_UP;
    return s->phase == PH_READY ? IMAPCLIENT_SESSION_CONNECTED
                                : IMAPCLIENT_SESSION_CONNECTING;
}

imapclient *imapclient_session_handle(const imapclient_session *s)
{
    return s && s->phase == PH_READY ? s->c : NULL;
}
