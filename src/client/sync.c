/*
 * Incremental folder sync: a saved state (UIDVALIDITY, HIGHESTMODSEQ, the
 * known UIDs as ranges, optionally each message's flags as runs of equal
 * flag sets) and the call that tells what changed since, by QRESYNC, by
 * CONDSTORE (CHANGEDSINCE + UID SEARCH) or by comparing UID FETCH (FLAGS).
 *
 * RFC 7162 sections 3.1.4 (CHANGEDSINCE), 3.1.2.2 (NOMODSEQ), 3.2.5
 * (QRESYNC), 4 (long-lived caching strategies); RFC 4549 (synchronisation
 * of disconnected IMAP clients); RFC 4731 (ESEARCH); RFC 3501 section 2.3.1.1
 * (UIDVALIDITY).
 *
 * Memory: responses are handled one at a time in the scratch arena; UID
 * sets are ranges; the flags of a full listing are built as runs while the
 * responses arrive in ascending order; what is kept beyond that grows with
 * the number of changes only.
 */
#include "condstore_priv.h"

#include "msgutil.h"

#include "../util/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* UIDs per UID SEARCH when the server has no ESEARCH (a response of at most
 * this many numbers). */
#define SEARCH_CHUNK 20000
/* The known UIDs go with the QRESYNC parameters up to this length; longer
 * sets are left out and what the server names is intersected with them. */
#define KNOWN_UIDS_MAX 16384

/* ---- flag sets ------------------------------------------------------------------ */

/* A flag set in canonical form: each flag percent-encoded (bytes outside
 * 0x21..0x7e and '%' as %XX), sorted and deduplicated without regard to
 * case, joined by single spaces. Sets are interned: equal sets have the
 * same index. */
typedef struct combos {
    char **s;
    size_t n, cap;
    uint32_t *slots; /* open addressing: index + 1, 0 = empty */
    size_t nslots;
} combos;

static uint32_t hash_ci(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint32_t)tolower((unsigned char)*s)) * 16777619u;
    return h;
}

static size_t slot_for(const combos *t, const char *s)
{
    size_t i = hash_ci(s) & (t->nslots - 1);
    while (t->slots[i] && strcasecmp(t->s[t->slots[i] - 1], s))
        i = (i + 1) & (t->nslots - 1);
    return i;
}

static int combos_grow(combos *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 64;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return IMAPCLIENT_ENOMEM;
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    for (size_t k = 0; k < t->n; k++)
        t->slots[slot_for(t, t->s[k])] = (uint32_t)(k + 1);
    return 0;
}

/* The index of set s (copied when new). 0 or ENOMEM. */
static int combos_intern(combos *t, const char *s, uint32_t *idx)
{
    if ((t->n + 1) * 2 > t->nslots && combos_grow(t))
        return IMAPCLIENT_ENOMEM;
    size_t i = slot_for(t, s);
    if (t->slots[i]) {
        *idx = t->slots[i] - 1;
        return 0;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **p = cap < UINT32_MAX ? realloc(t->s, cap * sizeof *p) : NULL;
        if (!p)
            return IMAPCLIENT_ENOMEM;
        t->s = p;
        t->cap = cap;
    }
    if (!(t->s[t->n] = strdup(s)))
        return IMAPCLIENT_ENOMEM;
    t->slots[i] = (uint32_t)(t->n + 1);
    *idx = (uint32_t)t->n++;
    return 0;
}

static void combos_free(combos *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static int combos_copy(combos *dst, const combos *src)
{
    for (size_t i = 0; i < src->n; i++) {
        uint32_t k;
        if (combos_intern(dst, src->s[i], &k))
            return IMAPCLIENT_ENOMEM;
    }
    return 0;
}

/* \Recent belongs to a session, not to the message (RFC 3501 2.3.2; gone
 * in RFC 9051): a sync neither keeps nor compares it. */
static int is_recent(const char *s, size_t len)
{
    return len == 7 && !strncasecmp(s, "\\Recent", 7);
}

static int must_encode(unsigned char ch)
{
    return ch <= 0x20 || ch >= 0x7f || ch == '%';
}

static int cmp_ci(const void *x, const void *y)
{
    return strcasecmp(*(char *const *)x, *(char *const *)y);
}

/* parts[0..k) (encoded flags) sorted without regard to case and joined
 * by single spaces into b, each once; *dups counts the repeats left out.
 * 0 or ENOMEM. */
static int join_sorted(imc_buf *b, char **parts, size_t k, size_t *dups)
{
    if (k)
        qsort(parts, k, sizeof *parts, cmp_ci);
    imc_buf_clear(b);
    if (imc_buf_reserve(b, 1))
        return IMAPCLIENT_ENOMEM;
    b->data[0] = '\0';
    *dups = 0;
    for (size_t i = 0; i < k; i++) {
        if (i && !strcasecmp(parts[i], parts[i - 1])) {
            (*dups)++;
            continue;
        }
        if ((b->len && imc_buf_addc(b, ' ')) || imc_buf_adds(b, parts[i]))
            return IMAPCLIENT_ENOMEM;
    }
    return 0;
}

/* The canonical form of flags (text values of a list, or C strings when
 * list is NULL) into b. 0 or ENOMEM. */
static int canonical(imc_buf *b, const imapclient_value *list, const char *const *strs,
                     size_t n)
{
    imc_buf tmp;
    imc_buf_init(&tmp, 0);
    char **parts = calloc(n ? n : 1, sizeof *parts);
    size_t *offs = calloc(n ? n : 1, sizeof *offs);
    int rc = parts && offs ? 0 : IMAPCLIENT_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *s;
        size_t len;
        if (list) {
            const imapclient_value *v = &list->items[i];
            if (!v->str)
                continue; /* NIL or a list: not a flag */
            s = v->str;
            len = v->len;
        } else {
            s = strs[i];
            len = strlen(s);
        }
        if (is_recent(s, len))
            continue;
        offs[k++] = tmp.len;
        for (size_t j = 0; j < len && !rc; j++) {
            unsigned char ch = (unsigned char)s[j];
            rc = must_encode(ch) ? imc_buf_printf(&tmp, "%%%02X", ch)
                                 : imc_buf_addc(&tmp, (char)ch);
        }
        if (!rc)
            rc = imc_buf_add(&tmp, "", 1); /* NUL: one string per flag */
        if (rc)
            rc = IMAPCLIENT_ENOMEM;
    }
    if (!rc) {
        for (size_t i = 0; i < k; i++)
            parts[i] = tmp.data + offs[i];
        size_t dups;
        rc = join_sorted(b, parts, k, &dups);
    }
    free(parts);
    free(offs);
    imc_buf_free(&tmp);
    return rc;
}

/* ---- flags per UID: runs of equal flag sets ------------------------------------------
 */

/* UIDs lo..hi have flag set combo. Runs are sorted and disjoint; a run may
 * cover UIDs the state does not know (gaps left by expunges): only known
 * UIDs are read through it. */
typedef struct frun {
    uint32_t lo, hi, combo;
} frun;

typedef struct fruns {
    frun *r;
    size_t n, cap;
} fruns;

static int fruns_push(fruns *v, uint32_t lo, uint32_t hi, uint32_t combo)
{
    if (v->n && v->r[v->n - 1].combo == combo) {
        v->r[v->n - 1].hi = hi; /* one run over the gap between them */
        return 0;
    }
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        frun *p = cap < SIZE_MAX / sizeof *p ? realloc(v->r, cap * sizeof *p) : NULL;
        if (!p)
            return IMAPCLIENT_ENOMEM;
        v->r = p;
        v->cap = cap;
    }
    v->r[v->n++] = (frun){lo, hi, combo};
    return 0;
}

static void fruns_free(fruns *v)
{
    free(v->r);
    memset(v, 0, sizeof *v);
}

/* The flag set of uid, or UINT32_MAX. */
static uint32_t fruns_find(const fruns *v, uint32_t uid)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (uid < v->r[mid].lo)
            hi = mid;
        else if (uid > v->r[mid].hi)
            lo = mid + 1;
        else
            return v->r[mid].combo;
    }
    return UINT32_MAX;
}

/* A flag set for one UID. */
typedef struct fupd {
    uint32_t uid, combo;
    size_t order;
} fupd;

typedef struct fupds {
    fupd *u;
    size_t n, cap;
} fupds;

static int fupds_push(fupds *v, uint32_t uid, uint32_t combo)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        fupd *p = cap < SIZE_MAX / sizeof *p ? realloc(v->u, cap * sizeof *p) : NULL;
        if (!p)
            return IMAPCLIENT_ENOMEM;
        v->u = p;
        v->cap = cap;
    }
    v->u[v->n] = (fupd){uid, combo, v->n};
    v->n++;
    return 0;
}

static int cmp_fupd(const void *x, const void *y)
{
    const fupd *a = x, *b = y;
    if (a->uid != b->uid)
        return (a->uid > b->uid) - (a->uid < b->uid);
    return (a->order > b->order) - (a->order < b->order);
}

/* runs = runs with the flag sets of u applied (the last one for a UID
 * wins): one merge of two sorted lists. 0 or ENOMEM (runs unchanged). */
static int fruns_apply(fruns *runs, fupds *u)
{
    if (!u->n)
        return 0;
    qsort(u->u, u->n, sizeof *u->u, cmp_fupd);
    size_t k = 0;
    for (size_t i = 0; i < u->n; i++) {
        if (k && u->u[k - 1].uid == u->u[i].uid)
            k--;
        u->u[k++] = u->u[i];
    }
    u->n = k;
    fruns out = {0};
    size_t j = 0;
    int rc = 0;
    for (size_t i = 0; i < runs->n && !rc; i++) {
        frun r = runs->r[i];
        uint64_t cur = r.lo;
        while (!rc && j < u->n && u->u[j].uid <= r.hi) {
            fupd p = u->u[j++];
            if (p.uid < cur) { /* before this run: in a gap */
                rc = fruns_push(&out, p.uid, p.uid, p.combo);
                continue;
            }
            if (p.uid > cur)
                rc = fruns_push(&out, (uint32_t)cur, p.uid - 1, r.combo);
            if (!rc)
                rc = fruns_push(&out, p.uid, p.uid, p.combo);
            cur = (uint64_t)p.uid + 1;
        }
        if (!rc && cur <= r.hi)
            rc = fruns_push(&out, (uint32_t)cur, r.hi, r.combo);
    }
    for (; j < u->n && !rc; j++)
        rc = fruns_push(&out, u->u[j].uid, u->u[j].uid, u->u[j].combo);
    if (rc) {
        fruns_free(&out);
        return IMAPCLIENT_ENOMEM;
    }
    fruns_free(runs);
    *runs = out;
    return 0;
}

/* ---- the state -----------------------------------------------------------------------
 */

struct imapclient_sync_state {
    uint32_t uidvalidity; /* 0: never synced */
    uint64_t highestmodseq;
    imc_ranges uids;
    int has_flags; /* runs cover every known UID */
    fruns runs;
    combos combos;
    imapclient_uidset view; /* imapclient_sync_state_uids() */
};

static const imapclient_range no_ranges[1];

static void state_clear(imapclient_sync_state *st)
{
    imc_ranges_free(&st->uids);
    fruns_free(&st->runs);
    combos_free(&st->combos);
    st->uidvalidity = 0;
    st->highestmodseq = 0;
    st->has_flags = 0;
}

int imapclient_sync_state_new(imapclient_sync_state **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : IMAPCLIENT_ENOMEM;
}

void imapclient_sync_state_free(imapclient_sync_state *st)
{
    if (!st)
        return;
    state_clear(st);
    free(st);
}

uint32_t imapclient_sync_state_uidvalidity(const imapclient_sync_state *st)
{
    return st ? st->uidvalidity : 0;
}

uint64_t imapclient_sync_state_highestmodseq(const imapclient_sync_state *st)
{
    return st ? st->highestmodseq : 0;
}

const imapclient_uidset *imapclient_sync_state_uids(const imapclient_sync_state *st)
{
    if (!st)
        return NULL;
    imapclient_sync_state *w = (imapclient_sync_state *)st;
    imc_ranges_normalise(&w->uids);
    w->view.ranges = st->uids.n ? st->uids.r : no_ranges;
    w->view.count = st->uids.n;
    return &w->view;
}

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* Decode one canonical flag (%XX escapes) into out (room for len + 1);
 * returns its length. */
static size_t decode_flag(const char *s, size_t len, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return k;
}

int imapclient_sync_state_flags(const imapclient_sync_state *st, uint32_t uid,
                                char ***out, size_t *count)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (count)
        *count = 0;
    if (!st)
        return IMAPCLIENT_EINVAL;
    if (!st->has_flags || !imc_ranges_has(st->uids.r, st->uids.n, uid))
        return 0;
    uint32_t k = fruns_find(&st->runs, uid);
    if (k == UINT32_MAX || k >= st->combos.n)
        return 0;
    const char *s = st->combos.s[k];
    size_t n = 0;
    for (const char *p = s; *p;) {
        n++;
        p += strcspn(p, " ");
        p += *p == ' ';
    }
    /* one block: the pointers, then the strings */
    char **v = malloc((n + 1) * sizeof *v + strlen(s) + 1);
    if (!v)
        return IMAPCLIENT_ENOMEM;
    char *text = (char *)(v + n + 1);
    size_t i = 0;
    for (const char *p = s; *p;) {
        size_t len = strcspn(p, " ");
        v[i++] = text;
        text += decode_flag(p, len, text) + 1;
        p += len;
        p += *p == ' ';
    }
    v[i] = NULL;
    *out = v;
    if (count)
        *count = n;
    return 1;
}

/* dst = a deep copy of src. 0 or ENOMEM. */
static int state_copy(imapclient_sync_state *dst, const imapclient_sync_state *src)
{
    memset(dst, 0, sizeof *dst);
    dst->uidvalidity = src->uidvalidity;
    dst->highestmodseq = src->highestmodseq;
    dst->has_flags = src->has_flags;
    if (imc_ranges_copy(&dst->uids, src->uids.r, src->uids.n) ||
        combos_copy(&dst->combos, &src->combos))
        goto nomem;
    if (src->runs.n) {
        dst->runs.r = malloc(src->runs.n * sizeof *dst->runs.r);
        if (!dst->runs.r)
            goto nomem;
        memcpy(dst->runs.r, src->runs.r, src->runs.n * sizeof *dst->runs.r);
        dst->runs.n = dst->runs.cap = src->runs.n;
    }
    return 0;
nomem:
    state_clear(dst);
    return IMAPCLIENT_ENOMEM;
}

/* 1 with *uid set to a known UID no run covers, 0 when every one has its
 * flags, or ENOMEM. */
static int uncovered(const imapclient_sync_state *st, uint32_t *uid)
{
    imc_ranges cover = {0}, left = {0};
    int rc = 0;
    for (size_t r = 0; r < st->runs.n && !rc; r++)
        rc = imc_ranges_add(&cover, st->runs.r[r].lo, st->runs.r[r].hi);
    if (!rc)
        rc = imc_ranges_copy(&left, st->uids.r, st->uids.n);
    if (!rc)
        rc = imc_ranges_subtract(&left, cover.r, cover.n);
    if (!rc && left.n) {
        *uid = left.r[0].lo;
        rc = 1;
    }
    imc_ranges_free(&cover);
    imc_ranges_free(&left);
    return rc;
}

/* Keep only the runs over known UIDs and the flag sets they use, so a
 * state synced again and again in one process does not collect sets
 * and runs of messages long gone. 0 or ENOMEM (st unchanged). */
static int state_compact(imapclient_sync_state *st)
{
    imc_ranges_normalise(&st->uids);
    combos nc = {0};
    uint32_t *map = malloc((st->combos.n ? st->combos.n : 1) * sizeof *map);
    if (!map)
        return IMAPCLIENT_ENOMEM;
    for (size_t i = 0; i < st->combos.n; i++)
        map[i] = UINT32_MAX;
    size_t u = 0, k = 0;
    for (size_t i = 0; i < st->runs.n; i++) {
        frun r = st->runs.r[i];
        while (u < st->uids.n && st->uids.r[u].hi < r.lo)
            u++;
        if (u == st->uids.n || st->uids.r[u].lo > r.hi || r.combo >= st->combos.n)
            continue;
        if (map[r.combo] == UINT32_MAX &&
            combos_intern(&nc, st->combos.s[r.combo], &map[r.combo])) {
            free(map);
            combos_free(&nc);
            return IMAPCLIENT_ENOMEM;
        }
        r.combo = map[r.combo];
        st->runs.r[k++] = r;
    }
    st->runs.n = k;
    free(map);
    combos_free(&st->combos);
    st->combos = nc;
    return 0;
}

/* ---- the blob ------------------------------------------------------------------------
 */

#define BLOB_HEADER "imapclient-sync-state 1"

int imapclient_sync_state_format(const imapclient_sync_state *st, char **out, size_t *len)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (len)
        *len = 0;
    if (!st)
        return IMAPCLIENT_EINVAL;
    imapclient_sync_state *w = (imapclient_sync_state *)st;
    imc_ranges_normalise(&w->uids);
    imc_buf b;
    imc_buf_init(&b, 0);
    uint32_t *map = NULL;
    int rc = imc_buf_printf(&b, BLOB_HEADER "\nuidvalidity %lu\nhighestmodseq %llu\nuids",
                            (unsigned long)st->uidvalidity,
                            (unsigned long long)st->highestmodseq) < 0;
    if (!rc && st->uids.n)
        rc = imc_buf_addc(&b, ' ') || imc_ranges_format(&b, st->uids.r, st->uids.n);
    if (!rc)
        rc = imc_buf_addc(&b, '\n');
    if (!rc && st->has_flags) {
        /* only the runs over known UIDs, and the sets they use, renumbered
         * in order of first use */
        map = malloc((st->combos.n ? st->combos.n : 1) * sizeof *map);
        rc = !map;
        for (size_t i = 0; !rc && i < st->combos.n; i++)
            map[i] = UINT32_MAX;
        uint32_t used = 0;
        size_t u = 0;
        imc_buf runs;
        imc_buf_init(&runs, 0);
        for (size_t i = 0; !rc && i < st->runs.n; i++) {
            const frun *r = &st->runs.r[i];
            while (u < st->uids.n && st->uids.r[u].hi < r->lo)
                u++;
            if (u == st->uids.n || st->uids.r[u].lo > r->hi)
                continue; /* no known UID in it */
            if (r->combo >= st->combos.n) {
                rc = 1;
                break;
            }
            if (map[r->combo] == UINT32_MAX) {
                map[r->combo] = used++;
                rc = imc_buf_printf(&b, "flagset %lu%s%s\n", (unsigned long)map[r->combo],
                                    st->combos.s[r->combo][0] ? " " : "",
                                    st->combos.s[r->combo]) < 0;
            }
            if (!rc)
                rc = r->lo == r->hi
                         ? imc_buf_printf(&runs, "%s%lu=%lu", runs.len ? "," : "",
                                          (unsigned long)r->lo,
                                          (unsigned long)map[r->combo]) < 0
                         : imc_buf_printf(&runs, "%s%lu:%lu=%lu", runs.len ? "," : "",
                                          (unsigned long)r->lo, (unsigned long)r->hi,
                                          (unsigned long)map[r->combo]) < 0;
        }
        if (!rc)
            rc = imc_buf_adds(&b, "flags") ||
                 (runs.len &&
                  (imc_buf_addc(&b, ' ') || imc_buf_add(&b, runs.data, runs.len))) ||
                 imc_buf_addc(&b, '\n');
        imc_buf_free(&runs);
    }
    if (!rc)
        rc = imc_buf_adds(&b, "end\n");
    free(map);
    if (rc) {
        imc_buf_free(&b);
        return IMAPCLIENT_ENOMEM;
    }
    if (len)
        *len = b.len;
    *out = b.data;
    return 0;
}

/* A decimal number without sign or leading zeros, at most max. */
static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (!n || (n > 1 && s[0] == '0'))
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* The line at *p (without its LF) as s/n; -1 at the end or without LF. */
static int next_line(const char *blob, size_t len, size_t *p, const char **s, size_t *n)
{
    if (*p >= len)
        return -1;
    const char *nl = memchr(blob + *p, '\n', len - *p);
    if (!nl)
        return -1;
    *s = blob + *p;
    *n = (size_t)(nl - *s);
    *p = (size_t)(nl - blob) + 1;
    return 0;
}

/* "key" or "key value": the value (or "" when absent); -1 if another key. */
static int keyed(const char *s, size_t n, const char *key, const char **v, size_t *vn)
{
    size_t k = strlen(key);
    if (n < k || memcmp(s, key, k))
        return -1;
    if (n == k) {
        *v = s + n;
        *vn = 0;
        return 0;
    }
    if (s[k] != ' ' || n == k + 1)
        return -1;
    *v = s + k + 1;
    *vn = n - k - 1;
    return 0;
}

/* One flag set line's value: encoded flags, canonical. 0 or -1. */
static int check_set(const char *v, size_t n, imc_buf *canon)
{
    char *copy = malloc(n + 1);
    if (!copy)
        return IMAPCLIENT_ENOMEM;
    memcpy(copy, v, n);
    copy[n] = '\0';
    size_t count = 0;
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        unsigned char ch = (unsigned char)copy[i];
        if (ch == ' ') {
            bad = i == 0 || i + 1 == n || copy[i + 1] == ' ';
        } else if (ch == '%') {
            int hi = i + 2 < n ? hexval(copy[i + 1]) : -1;
            int lo = hi >= 0 ? hexval(copy[i + 2]) : -1;
            bad = lo < 0 || !must_encode((unsigned char)(hi * 16 + lo));
            i += 2;
        } else {
            bad = must_encode(ch);
        }
    }
    char **parts = NULL;
    if (!bad && n) {
        for (size_t i = 0; i < n; i++)
            count += copy[i] == ' ';
        count++;
        parts = calloc(count, sizeof *parts);
        if (!parts) {
            free(copy);
            return IMAPCLIENT_ENOMEM;
        }
        size_t k = 0;
        char *save = NULL;
        for (char *tok = strtok_r(copy, " ", &save); tok;
             tok = strtok_r(NULL, " ", &save))
            parts[k++] = tok;
        count = k;
    }
    int rc = 0;
    if (!bad) {
        /* already encoded: canonical when sorted, once each, as given */
        size_t dups;
        rc = join_sorted(canon, parts, count, &dups);
        if (!rc && (dups || canon->len != n || memcmp(canon->data, v, n)))
            bad = 1;
    }
    free(parts);
    free(copy);
    return rc ? rc : bad ? -1 : 0;
}

int imapclient_sync_state_parse(const char *blob, size_t len, imapclient_sync_state **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!blob)
        return IMAPCLIENT_EINVAL;
    imapclient_sync_state *st = calloc(1, sizeof *st);
    if (!st)
        return IMAPCLIENT_ENOMEM;
    imc_buf tmp;
    imc_buf_init(&tmp, 0);
    int rc = IMAPCLIENT_EINVAL;
    size_t p = 0, n, vn;
    const char *s, *v;
    uint64_t x;
    if (next_line(blob, len, &p, &s, &n) || n != strlen(BLOB_HEADER) ||
        memcmp(s, BLOB_HEADER, n))
        goto out;
    if (next_line(blob, len, &p, &s, &n) || keyed(s, n, "uidvalidity", &v, &vn) ||
        parse_u64(v, vn, UINT32_MAX, &x))
        goto out;
    st->uidvalidity = (uint32_t)x;
    if (next_line(blob, len, &p, &s, &n) || keyed(s, n, "highestmodseq", &v, &vn) ||
        parse_u64(v, vn, UINT64_MAX, &st->highestmodseq))
        goto out;
    if (next_line(blob, len, &p, &s, &n) || keyed(s, n, "uids", &v, &vn))
        goto out;
    if (vn) {
        int prc = imc_ranges_parse(&st->uids, v, vn);
        if (prc) {
            rc = prc == IMAPCLIENT_ENOMEM ? prc : IMAPCLIENT_EINVAL;
            goto out;
        }
        /* as format writes it: ascending, merged */
        imc_buf_clear(&tmp);
        if (imc_buf_reserve(&tmp, 1) || imc_ranges_format(&tmp, st->uids.r, st->uids.n)) {
            rc = IMAPCLIENT_ENOMEM;
            goto out;
        }
        if (tmp.len != vn || memcmp(tmp.data, v, vn))
            goto out;
    }
    if (!st->uidvalidity && (st->uids.n || st->highestmodseq))
        goto out; /* a folder never synced knows nothing */
    if (next_line(blob, len, &p, &s, &n))
        goto out;
    /* flag sets, numbered from 0 */
    while (!keyed(s, n, "flagset", &v, &vn)) {
        size_t sp = 0;
        while (sp < vn && v[sp] != ' ')
            sp++;
        if (parse_u64(v, sp, UINT32_MAX, &x) || x != st->combos.n)
            goto out;
        const char *set = sp < vn ? v + sp + 1 : v + vn;
        size_t setn = sp < vn ? vn - sp - 1 : 0;
        if (sp < vn && !setn)
            goto out;
        int crc = check_set(set, setn, &tmp);
        if (crc) {
            rc = crc == IMAPCLIENT_ENOMEM ? crc : IMAPCLIENT_EINVAL;
            goto out;
        }
        uint32_t idx;
        size_t before = st->combos.n;
        if (combos_intern(&st->combos, tmp.data ? tmp.data : "", &idx)) {
            rc = IMAPCLIENT_ENOMEM;
            goto out;
        }
        if (st->combos.n == before)
            goto out; /* the same set twice */
        if (next_line(blob, len, &p, &s, &n))
            goto out;
    }
    if (!keyed(s, n, "flags", &v, &vn)) {
        st->has_flags = 1;
        size_t i = 0;
        while (i < vn) {
            size_t e = i;
            while (e < vn && v[e] != ',')
                e++;
            const char *eq = memchr(v + i, '=', e - i);
            if (!eq)
                goto out;
            size_t rn = (size_t)(eq - (v + i));
            const char *colon = memchr(v + i, ':', rn);
            uint64_t lo, hi, k;
            if (colon) {
                if (parse_u64(v + i, (size_t)(colon - (v + i)), UINT32_MAX, &lo) ||
                    parse_u64(colon + 1, (size_t)(eq - colon - 1), UINT32_MAX, &hi) ||
                    hi <= lo)
                    goto out;
            } else if (parse_u64(v + i, rn, UINT32_MAX, &lo)) {
                goto out;
            } else {
                hi = lo;
            }
            if (!lo || parse_u64(eq + 1, (size_t)(v + e - eq - 1), UINT32_MAX, &k) ||
                k >= st->combos.n)
                goto out;
            if (st->runs.n && lo <= st->runs.r[st->runs.n - 1].hi)
                goto out; /* ascending and disjoint */
            if (st->runs.n == st->runs.cap) {
                size_t cap = st->runs.cap ? st->runs.cap * 2 : 16;
                frun *r = realloc(st->runs.r, cap * sizeof *r);
                if (!r) {
                    rc = IMAPCLIENT_ENOMEM;
                    goto out;
                }
                st->runs.r = r;
                st->runs.cap = cap;
            }
            st->runs.r[st->runs.n++] = (frun){(uint32_t)lo, (uint32_t)hi, (uint32_t)k};
            if (e == vn)
                break;
            i = e + 1;
            if (i == vn)
                goto out; /* a trailing comma */
        }
        /* every known UID has its flags */
        uint32_t missing;
        int urc = uncovered(st, &missing);
        if (urc < 0) {
            rc = urc;
            goto out;
        }
        if (urc)
            goto out;
        if (next_line(blob, len, &p, &s, &n))
            goto out;
    } else if (st->combos.n) {
        goto out; /* flag sets without flags */
    }
    if (n != 3 || memcmp(s, "end", 3) || p != len)
        goto out;
    rc = 0;
out:
    imc_buf_free(&tmp);
    if (rc) {
        imapclient_sync_state_free(st);
        return rc;
    }
    *out = st;
    return 0;
}

/* ---- one sync ------------------------------------------------------------------------
 */

const char *imapclient_sync_strategy_name(imapclient_sync_strategy s)
{
    switch (s) {
    case IMAPCLIENT_SYNC_AUTO:
        return "auto";
    case IMAPCLIENT_SYNC_QRESYNC:
        return "qresync";
    case IMAPCLIENT_SYNC_CONDSTORE:
        return "condstore";
    case IMAPCLIENT_SYNC_FLAGS:
        return "flags";
    }
    return NULL;
}

typedef struct sync_run {
    imapclient *c;
    const imapclient_sync_state *old; /* what the caller knew (empty after a
                                         UIDVALIDITY change) */
    imapclient_sync_state *work;      /* the new state being built */
    int want_flags;                   /* the new state keeps flags */
    imc_arena *a;                     /* the result's arena */
    imc_ranges new_uids, vanished, present;
    imc_changes_vec changed;
    fupds upd;       /* flag sets to apply to work->runs */
    int building;    /* every message's flags come: build runs afresh */
    int built_any;   /* built holds them */
    fruns built;     /* those runs, built while UIDs ascend */
    imc_ranges need; /* UIDs whose flags must still be fetched */
    imc_buf canon;   /* scratch for canonical flag sets */
    enum { FETCH_LIST, FETCH_CHANGED, FETCH_NEW, FETCH_FILL } mode;
    uint32_t max_known; /* the highest UID known before */
    int failed;         /* a status met in a handler */
} sync_run;

/* The UID, FLAGS (list or NULL) and MODSEQ of a FETCH response; 0 when
 * it is not one with a UID, 1 when it is, EPROTOCOL. */
static int fetch_parts(const imapclient_response *r, uint32_t *uid,
                       const imapclient_value **flags, uint64_t *modseq, int *has_modseq)
{
    if (strcmp(r->tag, "*") || !r->has_number || strcmp(r->name, "FETCH"))
        return 0;
    const imapclient_value *l = r->args->count == 1 ? &r->args->items[0] : NULL;
    if (!l || l->type != IMAPCLIENT_VALUE_LIST || l->count % 2)
        return IMAPCLIENT_EPROTOCOL;
    *uid = 0;
    *flags = NULL;
    *has_modseq = 0;
    for (size_t i = 0; i + 1 < l->count; i += 2) {
        const imapclient_value *k = &l->items[i], *v = &l->items[i + 1];
        if (imapclient_value_is(k, "UID")) {
            if (imc_msg_value_u32(v, uid))
                return IMAPCLIENT_EPROTOCOL;
        } else if (imapclient_value_is(k, "FLAGS")) {
            if (v->type != IMAPCLIENT_VALUE_LIST)
                return IMAPCLIENT_EPROTOCOL;
            *flags = v;
        } else if (imapclient_value_is(k, "MODSEQ")) {
            const imapclient_value *m =
                v->type == IMAPCLIENT_VALUE_LIST && v->count == 1 ? &v->items[0] : v;
            if (m->type != IMAPCLIENT_VALUE_NUMBER)
                return IMAPCLIENT_EPROTOCOL;
            *modseq = m->number;
            *has_modseq = 1;
        }
    }
    return *uid ? 1 : 0;
}

static int known(const sync_run *s, uint32_t uid)
{
    return imc_ranges_has(s->old->uids.r, s->old->uids.n, uid);
}

/* Report uid as changed, with the flags as sent. */
static int report_changed(sync_run *s, uint32_t uid, uint32_t seq,
                          const imapclient_value *flags, uint64_t modseq, int has_modseq)
{
    imapclient_flag_change ch = {
        .uid = uid, .seq = seq, .modseq = modseq, .has_modseq = has_modseq};
    if (flags) {
        const char **v = imc_arena_calloc(s->a, flags->count + 1, sizeof *v);
        if (!v)
            return IMAPCLIENT_ENOMEM;
        size_t k = 0;
        for (size_t i = 0; i < flags->count; i++) {
            const imapclient_value *f = &flags->items[i];
            if (f->str && !is_recent(f->str, f->len) &&
                !(v[k++] = imc_arena_strndup(s->a, f->str, f->len)))
                return IMAPCLIENT_ENOMEM;
        }
        ch.flags = v;
        ch.flag_count = k;
    }
    return imc_changes_push(&s->changed, &ch);
}

/* The flag set index of flags in the new state. */
static int intern_flags(sync_run *s, const imapclient_value *flags, uint32_t *idx)
{
    if (canonical(&s->canon, flags, NULL, flags->count))
        return IMAPCLIENT_ENOMEM;
    return combos_intern(&s->work->combos, s->canon.data ? s->canon.data : "", idx);
}

/* Record the flags of uid in the new state: appended to the runs of a
 * listing while UIDs ascend, else kept to apply at the end. */
static int keep_flags(sync_run *s, uint32_t uid, const imapclient_value *flags)
{
    uint32_t idx;
    if (intern_flags(s, flags, &idx))
        return IMAPCLIENT_ENOMEM;
    if (s->building && (!s->built.n || uid > s->built.r[s->built.n - 1].hi))
        return fruns_push(&s->built, uid, uid, idx);
    return fupds_push(&s->upd, uid, idx);
}

/* One message of a FETCH the sync sent. */
static int on_message(sync_run *s, const imapclient_response *r, uint32_t uid,
                      const imapclient_value *flags, uint64_t modseq, int has_modseq)
{
    int rc = 0;
    if (s->mode == FETCH_FILL) {
        if (flags)
            rc = keep_flags(s, uid, flags);
        return rc;
    }
    if (s->mode == FETCH_NEW && uid <= s->max_known)
        return 0; /* "n:*" names the last message even when its UID is below n */
    if (s->mode == FETCH_LIST && imc_ranges_add(&s->present, uid, uid))
        return IMAPCLIENT_ENOMEM;
    if (known(s, uid)) {
        int changed = 1;
        if (s->mode == FETCH_LIST && s->old->has_flags && flags) {
            uint32_t was = fruns_find(&s->old->runs, uid);
            if (canonical(&s->canon, flags, NULL, flags->count))
                return IMAPCLIENT_ENOMEM;
            changed =
                was >= s->old->combos.n ||
                strcasecmp(s->old->combos.s[was], s->canon.data ? s->canon.data : "");
        }
        if (changed)
            rc = report_changed(s, uid, r->number, flags, modseq, has_modseq);
    } else {
        rc = imc_ranges_add(&s->new_uids, uid, uid);
    }
    if (!rc && s->want_flags) {
        if (flags)
            rc = keep_flags(s, uid, flags);
        else
            rc = imc_ranges_add(&s->need, uid, uid);
    }
    return rc;
}

static int on_sync_fetch(imapclient *c, const imapclient_response *r, void *ud)
{
    sync_run *s = ud;
    uint32_t uid;
    const imapclient_value *flags;
    uint64_t modseq = 0;
    int has_modseq;
    int rc = fetch_parts(r, &uid, &flags, &modseq, &has_modseq);
    if (rc == 0)
        return 0; /* not a FETCH, or one without UID: the caller's */
    if (rc < 0)
        return imc_fail(c, rc, "%s: a FETCH that cannot be read: %.200s", c->what,
                        r->raw ? r->raw : "");
    if (s->failed)
        return 1;
    if ((rc = on_message(s, r, uid, flags, modseq, has_modseq))) {
        s->failed = rc;
        return imc_fail(c, rc, "out of memory");
    }
    return 1;
}

/* UID FETCH set (UID FLAGS) [(CHANGEDSINCE m)] in the given mode; with
 * set "1:*" and no CHANGEDSINCE every message's flags come, and the runs
 * are built afresh. */
static int run_fetch(sync_run *s, const char *set, uint64_t changedsince, int mode)
{
    imapclient *c = s->c;
    s->mode = mode;
    s->building = s->want_flags && !changedsince && !strcmp(set, "1:*");
    if (s->building) {
        fruns_free(&s->built);
        s->upd.n = 0;
        s->built_any = 1;
    }
    imc_begin(c, "UID FETCH ");
    imc_put_raw(&c->cmd, set);
    imc_put_raw(&c->cmd, " (UID FLAGS)");
    if (changedsince) {
        imc_put_raw(&c->cmd, " (CHANGEDSINCE ");
        imc_put_number(&c->cmd, changedsince);
        imc_put_raw(&c->cmd, ")");
    }
    imc_request rq = {.on_untagged = on_sync_fetch, .ud = s};
    return imc_run(c, &rq);
}

/* ---- what is still there: UID SEARCH ------------------------------------------------
 */

static int on_sync_search(imapclient *c, const imapclient_response *r, void *ud)
{
    sync_run *s = ud;
    if (strcmp(r->tag, "*") || r->has_number)
        return 0;
    const imapclient_value *a = r->args;
    int rc = 0;
    if (!strcmp(r->name, "SEARCH")) {
        for (size_t i = 0; i < a->count && !rc; i++) {
            uint32_t id;
            if (a->items[i].type == IMAPCLIENT_VALUE_LIST)
                continue; /* (MODSEQ n) */
            if (imc_msg_value_u32(&a->items[i], &id))
                return imc_fail(c, IMAPCLIENT_EPROTOCOL, "%s: malformed SEARCH: %.200s",
                                c->what, r->raw ? r->raw : "");
            rc = imc_ranges_add(&s->present, id, id);
        }
    } else if (!strcmp(r->name, "ESEARCH")) {
        /* (TAG "x") UID ALL set ... (RFC 4731) */
        size_t i = 0;
        if (i < a->count && a->items[i].type == IMAPCLIENT_VALUE_LIST)
            i++;
        if (i < a->count && imapclient_value_is(&a->items[i], "UID"))
            i++;
        for (; i + 1 < a->count && !rc; i += 2) {
            if (!imapclient_value_is(&a->items[i], "ALL"))
                continue;
            const imapclient_value *v = &a->items[i + 1];
            rc = v->str ? imc_ranges_parse(&s->present, v->str, v->len)
                        : IMAPCLIENT_EPROTOCOL;
            if (rc == IMAPCLIENT_EPROTOCOL)
                return imc_fail(c, rc, "%s: malformed ESEARCH: %.200s", c->what,
                                r->raw ? r->raw : "");
        }
    } else {
        return 0;
    }
    if (rc) {
        s->failed = rc;
        return imc_fail(c, rc, "out of memory");
    }
    return 1;
}

static int run_search(sync_run *s, uint32_t lo, uint32_t hi, int esearch)
{
    imapclient *c = s->c;
    imc_begin(c, esearch ? "UID SEARCH RETURN (ALL) UID " : "UID SEARCH UID ");
    char set[32];
    if (lo == hi)
        snprintf(set, sizeof set, "%lu", (unsigned long)lo);
    else
        snprintf(set, sizeof set, "%lu:%lu", (unsigned long)lo, (unsigned long)hi);
    imc_put_raw(&c->cmd, set);
    imc_request rq = {.on_untagged = on_sync_search, .ud = s};
    return imc_run(c, &rq);
}

/* s->vanished = the known UIDs the server no longer has. */
static int find_vanished(sync_run *s, uint32_t exists)
{
    const imc_ranges *k = &s->old->uids;
    int rc = 0;
    if (!k->n)
        return 0;
    s->present.n = 0;
    s->present.unsorted = 0;
    if (exists && imc_has_cap(s->c, "ESEARCH")) {
        rc = run_search(s, k->r[0].lo, k->r[k->n - 1].hi, 1);
    } else if (exists) {
        /* chunks of SEARCH_CHUNK known UIDs, so that no answer holds more
         * numbers than that */
        uint32_t clo = 0, chi = 0;
        uint64_t cnt = 0;
        for (size_t i = 0; i < k->n && !rc; i++) {
            uint64_t lo = k->r[i].lo, hi = k->r[i].hi;
            while (lo <= hi && !rc) {
                uint64_t take = hi - lo + 1;
                if (take > SEARCH_CHUNK - cnt)
                    take = SEARCH_CHUNK - cnt;
                if (!cnt)
                    clo = (uint32_t)lo;
                chi = (uint32_t)(lo + take - 1);
                cnt += take;
                lo += take;
                if (cnt == SEARCH_CHUNK) {
                    rc = run_search(s, clo, chi, 0);
                    cnt = 0;
                }
            }
        }
        if (!rc && cnt)
            rc = run_search(s, clo, chi, 0);
    }
    if (rc)
        return rc;
    imc_ranges_normalise(&s->present);
    if (imc_ranges_copy(&s->vanished, k->r, k->n) ||
        imc_ranges_subtract(&s->vanished, s->present.r, s->present.n))
        return imc_fail(s->c, IMAPCLIENT_ENOMEM, "out of memory");
    return 0;
}

/* ---- choosing the way, selecting
 * -------------------------------------------------------- */

static int strategy_cap(imapclient *c, imapclient_sync_strategy st)
{
    if (st == IMAPCLIENT_SYNC_QRESYNC)
        return imc_has_cap(c, "QRESYNC") && imc_has_cap(c, "ENABLE");
    if (st == IMAPCLIENT_SYNC_CONDSTORE)
        return imc_has_cap(c, "CONDSTORE") || imc_has_cap(c, "QRESYNC");
    return 1;
}

/* Turn QRESYNC on for the connection. 0 when on; 1 when not possible and
 * AUTO may fall back; a status for a forced QRESYNC. */
static int ensure_qresync(imapclient *c, int forced)
{
    if (c->enabled & IMC_ENABLED_QRESYNC)
        return 0;
    int rc;
    if (c->state == IMAPCLIENT_STATE_SELECTED) {
        /* ENABLE is only valid with no folder selected (RFC 5161 3.1) */
        if (!imc_has_cap(c, "UNSELECT")) {
            if (!forced)
                return 1;
            return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                            "sync_folder: QRESYNC must be enabled before a folder is "
                            "selected, and the server has no UNSELECT");
        }
        if ((rc = imapclient_unselect_folder(c, NULL)))
            return rc == IMAPCLIENT_ERROR && !forced ? 1 : rc;
    }
    rc = imapclient_enable(c, (const char *const[]){"QRESYNC", NULL}, NULL);
    if (rc == 0 && !(c->enabled & IMC_ENABLED_QRESYNC))
        rc = imc_fail(c, IMAPCLIENT_ERROR,
                      "sync_folder: ENABLE QRESYNC: the server did not enable it");
    if (rc == IMAPCLIENT_ERROR && !forced)
        return 1;
    return rc;
}

static int known_text(const sync_run *s, imc_buf *b)
{
    imc_buf_clear(b);
    if (imc_buf_reserve(b, 1) || imc_ranges_format(b, s->old->uids.r, s->old->uids.n))
        return IMAPCLIENT_ENOMEM;
    return 0;
}

void imapclient_sync_result_free(imapclient_sync_result *r)
{
    if (!r)
        return;
    imapclient_select_info_free((imapclient_select_info *)r->select);
    imc_msg_result_free(r);
}

static void run_free(sync_run *s)
{
    imc_ranges_free(&s->new_uids);
    imc_ranges_free(&s->vanished);
    imc_ranges_free(&s->present);
    imc_ranges_free(&s->need);
    imc_changes_vec_free(&s->changed);
    free(s->upd.u);
    fruns_free(&s->built);
    imc_buf_free(&s->canon);
}

/* The part after choosing and selecting: what changed, into s and the new
 * state s->work. */
static int find_changes(sync_run *s, imapclient_sync_strategy used,
                        const imapclient_select_info *info, int listing)
{
    imapclient *c = s->c;
    imapclient_sync_state *w = s->work;
    int rc = 0;
    if (listing) {
        /* every message: new ones, changed ones (by flags), vanished ones */
        if (info->exists && (rc = run_fetch(s, "1:*", 0, FETCH_LIST)))
            return rc;
        imc_ranges_normalise(&s->present);
        if (imc_ranges_copy(&s->vanished, s->old->uids.r, s->old->uids.n) ||
            imc_ranges_subtract(&s->vanished, s->present.r, s->present.n))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        imc_ranges_free(&w->uids);
        w->uids = s->present;
        memset(&s->present, 0, sizeof s->present);
        s->built_any = 1; /* an empty folder has no runs */
    } else {
        if (used == IMAPCLIENT_SYNC_QRESYNC) {
            /* the SELECT said it all (RFC 7162 3.2.5.1); UIDs the client
             * never knew are ignored */
            if (imc_ranges_copy(&s->vanished, info->vanished.ranges,
                                info->vanished.count) ||
                imc_ranges_intersect(&s->vanished, s->old->uids.r, s->old->uids.n))
                return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            s->mode = FETCH_CHANGED;
            for (size_t i = 0; i < info->changed_count; i++) {
                const imapclient_flag_change *ch = &info->changed[i];
                if (!ch->uid || imc_ranges_has(s->vanished.r, s->vanished.n, ch->uid))
                    continue;
                /* rebuild a value list for the shared path */
                imapclient_value *items = imc_arena_calloc(
                    s->a, ch->flag_count ? ch->flag_count : 1, sizeof *items);
                if (!items)
                    return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
                for (size_t k = 0; k < ch->flag_count; k++)
                    items[k] = (imapclient_value){.type = IMAPCLIENT_VALUE_ATOM,
                                                  .str = ch->flags[k],
                                                  .len = strlen(ch->flags[k])};
                imapclient_value list = {.type = IMAPCLIENT_VALUE_LIST,
                                         .items = items,
                                         .count = ch->flag_count};
                imapclient_response r = {.number = ch->seq};
                if ((rc = on_message(s, &r, ch->uid, ch->flags ? &list : NULL, ch->modseq,
                                     ch->has_modseq)))
                    return imc_fail(c, rc, "out of memory");
            }
            /* New messages: servers report changes of the known UIDs only
             * (RFC 7162 3.2.5.1; Dovecot), so what came after the highest
             * known UID is asked for, unless UIDNEXT says nothing did. */
            const imc_ranges *k = &s->old->uids;
            s->max_known = k->n ? k->r[k->n - 1].hi : 0;
            if (info->exists && s->max_known < UINT32_MAX &&
                (!info->has_uidnext || info->uidnext > s->max_known + 1)) {
                char set[24];
                snprintf(set, sizeof set, "%lu:*", (unsigned long)s->max_known + 1);
                if ((rc = run_fetch(s, set, 0, FETCH_NEW)))
                    return rc;
            }
        } else {
            /* CONDSTORE: what changed since, then what is left */
            if (info->exists &&
                (rc = run_fetch(s, "1:*", s->old->highestmodseq, FETCH_CHANGED)))
                return rc;
            if ((rc = find_vanished(s, info->exists)))
                return rc;
            /* a UID reported changed but not found by the search came and
             * went in between: it vanished */
        }
        imc_ranges_normalise(&s->new_uids);
        imc_ranges_normalise(&s->vanished);
        if (imc_ranges_subtract(&w->uids, s->vanished.r, s->vanished.n) ||
            imc_ranges_union(&w->uids, s->new_uids.r, s->new_uids.n))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        if (s->want_flags && !s->old->has_flags) {
            /* a state without flags that is to keep them: list them all */
            s->need.n = 0;
            s->upd.n = 0;
            s->built_any = 1;
            if (info->exists && (rc = run_fetch(s, "1:*", 0, FETCH_FILL)))
                return rc;
        }
    }
    if (s->want_flags) {
        imc_ranges_normalise(&s->need);
        s->building = 0;
        if (s->need.n) {
            imc_buf set;
            imc_buf_init(&set, 0);
            rc = imc_buf_reserve(&set, 1) || imc_ranges_format(&set, s->need.r, s->need.n)
                     ? imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory")
                     : run_fetch(s, set.data, 0, FETCH_FILL);
            imc_buf_free(&set);
            if (rc)
                return rc;
        }
        if (s->built_any) {
            fruns_free(&w->runs);
            w->runs = s->built;
            memset(&s->built, 0, sizeof s->built);
        }
        if (fruns_apply(&w->runs, &s->upd) || state_compact(w))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        uint32_t missing;
        if ((rc = uncovered(w, &missing)) < 0)
            return imc_fail(c, rc, "out of memory");
        if (rc)
            /* asked for and not sent (gone in between, or a server that
             * leaves FLAGS out): try again later rather than keep a state
             * that does not know what it claims to */
            return imc_fail(c, IMAPCLIENT_EPROTOCOL,
                            "sync_folder: the server sent no flags for UID %lu",
                            (unsigned long)missing);
        w->has_flags = 1;
    } else {
        fruns_free(&w->runs);
        combos_free(&w->combos);
        w->has_flags = 0;
    }
    return 0;
}

int imapclient_sync_folder(imapclient *c, const char *folder,
                           imapclient_sync_state *state,
                           const imapclient_sync_options *opts,
                           imapclient_sync_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!folder || !state)
        return imc_fail(c, IMAPCLIENT_EINVAL, "sync_folder: NULL argument");
    imapclient_sync_options o = {0};
    if (opts)
        o = *opts;
    if (!imapclient_sync_strategy_name(o.strategy))
        return imc_fail(c, IMAPCLIENT_EINVAL, "sync_folder: unknown strategy %d",
                        (int)o.strategy);
    if ((rc = imc_require_auth(c, "sync_folder")) || (rc = imc_caps_ensure(c)))
        return rc;

    /* the way: forced, or the best the server offers */
    imapclient_sync_strategy st = o.strategy;
    int forced = st != IMAPCLIENT_SYNC_AUTO;
    if (forced && !strategy_cap(c, st))
        return imc_fail(c, IMAPCLIENT_ECAPABILITY,
                        "sync_folder: server does not support %s",
                        st == IMAPCLIENT_SYNC_QRESYNC ? "QRESYNC" : "CONDSTORE");
    if (!forced)
        st = strategy_cap(c, IMAPCLIENT_SYNC_QRESYNC)     ? IMAPCLIENT_SYNC_QRESYNC
             : strategy_cap(c, IMAPCLIENT_SYNC_CONDSTORE) ? IMAPCLIENT_SYNC_CONDSTORE
                                                          : IMAPCLIENT_SYNC_FLAGS;
    if (st == IMAPCLIENT_SYNC_QRESYNC) {
        rc = ensure_qresync(c, forced);
        if (rc < 0)
            return rc;
        if (rc == 1)
            st = strategy_cap(c, IMAPCLIENT_SYNC_CONDSTORE) ? IMAPCLIENT_SYNC_CONDSTORE
                                                            : IMAPCLIENT_SYNC_FLAGS;
    }

    sync_run s = {.c = c, .old = state};
    imc_buf_init(&s.canon, 0);
    imapclient_sync_state work;
    if (state_copy(&work, state))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    s.work = &work;
    imapclient_sync_result *res = imc_msg_result_new(sizeof *res);
    if (!res) {
        state_clear(&work);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    s.a = imc_msg_result_arena(res);
    imapclient_select_info *info = NULL;
    imc_buf known_buf;
    imc_buf_init(&known_buf, 0);
    static const imapclient_sync_state empty;

    /* SELECT, with what the way needs */
    int resync = state->uidvalidity && state->highestmodseq;
    imapclient_select_params p = {.readonly = o.readonly};
    if (st == IMAPCLIENT_SYNC_QRESYNC && resync) {
        p.qresync_uidvalidity = state->uidvalidity;
        p.qresync_modseq = state->highestmodseq;
        if (state->uids.n) {
            if ((rc = known_text(&s, &known_buf)))
                goto fail_nomem;
            if (known_buf.len <= KNOWN_UIDS_MAX)
                p.qresync_known_uids = known_buf.data;
        }
    } else if (st != IMAPCLIENT_SYNC_FLAGS) {
        p.condstore = 1;
    }
    int bad = 0;
    rc = imc_select(c, folder, &p, &info, &bad);
    if (rc == IMAPCLIENT_ERROR && bad && !forced && st == IMAPCLIENT_SYNC_QRESYNC) {
        /* a server that announces QRESYNC and refuses its parameter */
        imc_log_info(c, "sync_folder: the server refused SELECT with QRESYNC; trying "
                        "CONDSTORE");
        st = IMAPCLIENT_SYNC_CONDSTORE;
        p = (imapclient_select_params){.readonly = o.readonly, .condstore = 1};
        rc = imc_select(c, folder, &p, &info, &bad);
    }
    if (rc)
        goto fail;
    if (!info->has_uidvalidity || !info->uidvalidity) { /* nz-number (RFC 3501 9) */
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL,
                      "sync_folder: the server sent no valid UIDVALIDITY for %.100s",
                      folder);
        goto fail;
    }

    int start_over = state->uidvalidity && state->uidvalidity != info->uidvalidity;
    if (start_over || !state->uidvalidity) {
        s.old = &empty; /* nothing known any more (RFC 3501 2.3.1.1) */
        state_clear(&work);
    }
    int modseqs = info->has_highestmodseq && !info->nomodseq && info->highestmodseq;
    imapclient_sync_strategy used = st;
    int listing = start_over || !state->uidvalidity || st == IMAPCLIENT_SYNC_FLAGS ||
                  !modseqs || !state->highestmodseq;
    if (listing && !start_over && state->uidvalidity)
        used = IMAPCLIENT_SYNC_FLAGS;
    /* per-message flags: when comparing them is the way (now or next time,
     * without mod-sequences), when asked, or when the state has them */
    s.want_flags =
        used == IMAPCLIENT_SYNC_FLAGS || !modseqs || o.keep_flags || s.old->has_flags;
    if ((rc = find_changes(&s, used, info, listing)))
        goto fail;

    /* the result */
    imc_ranges_normalise(&s.new_uids);
    imc_ranges_normalise(&s.vanished);
    if (imc_changes_sort(&s.changed, 1))
        goto fail_nomem;
    size_t k = 0;
    for (size_t i = 0; i < s.changed.n; i++)
        if (!imc_ranges_has(s.vanished.r, s.vanished.n, s.changed.v[i].uid))
            s.changed.v[k++] = s.changed.v[i];
    s.changed.n = k;
    res->strategy = used;
    res->start_over = start_over;
    res->uidvalidity = info->uidvalidity;
    res->highestmodseq = modseqs ? info->highestmodseq : 0;
    res->exists = info->exists;
    if (imc_ranges_freeze(s.a, &s.new_uids, &res->new_uids) ||
        imc_ranges_freeze(s.a, &s.vanished, &res->vanished) ||
        !(res->changed = imc_changes_freeze(s.a, &s.changed)))
        goto fail_nomem;
    res->changed_count = s.changed.n;
    res->select = info;
    info = NULL;

    /* the new state: the folder as selected */
    work.uidvalidity = res->uidvalidity;
    work.highestmodseq = res->highestmodseq;
    state_clear(state);
    *state = work;
    run_free(&s);
    imc_buf_free(&known_buf);
    /* what a fallback met is not this call's error */
    c->errcode = 0;
    c->errmsg[0] = '\0';
    if (out)
        *out = res;
    else
        imapclient_sync_result_free(res);
    return 0;

fail_nomem:
    rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
fail:
    run_free(&s);
    imc_buf_free(&known_buf);
    state_clear(&work);
    imapclient_select_info_free(info);
    imapclient_sync_result_free(res);
    return rc;
}
