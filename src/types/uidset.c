/*
 * UID sets kept as ranges (RFC 7162 known-uids, VANISHED, MODIFIED; RFC
 * 4315 uid-set): sorted, disjoint, never expanded, so "1:4294967295"
 * costs one range whatever it names. Parsing is linear in the text and
 * the ranges it makes are at most half its length; union, difference and
 * intersection are linear merges of two sorted lists.
 */
#include "types.h"

#include <imapclient/errors.h>

#include <stdlib.h>
#include <string.h>

void imc_ranges_free(imc_ranges *v)
{
    free(v->r);
    v->r = NULL;
    v->n = v->cap = 0;
    v->unsorted = 0;
}

static int reserve(imc_ranges *v, size_t extra)
{
    if (v->n + extra <= v->cap)
        return 0;
    size_t cap = v->cap ? v->cap : 8;
    while (cap < v->n + extra) {
        if (cap > SIZE_MAX / 2 / sizeof *v->r)
            return IMAPCLIENT_ENOMEM;
        cap *= 2;
    }
    imapclient_range *r = realloc(v->r, cap * sizeof *r);
    if (!r)
        return IMAPCLIENT_ENOMEM;
    v->r = r;
    v->cap = cap;
    return 0;
}

static int cmp_range(const void *x, const void *y)
{
    const imapclient_range *a = x, *b = y;
    if (a->lo != b->lo)
        return (a->lo > b->lo) - (a->lo < b->lo);
    return (a->hi > b->hi) - (a->hi < b->hi);
}

/* Sort and merge overlapping or adjacent ranges. */
static void normalise(imc_ranges *v)
{
    v->unsorted = 0;
    if (v->n < 2)
        return;
    int sorted = 1;
    for (size_t i = 1; i < v->n && sorted; i++)
        sorted = v->r[i - 1].lo <= v->r[i].lo;
    if (!sorted)
        qsort(v->r, v->n, sizeof *v->r, cmp_range);
    size_t k = 0;
    for (size_t i = 1; i < v->n; i++) {
        if ((uint64_t)v->r[i].lo <= (uint64_t)v->r[k].hi + 1) {
            if (v->r[i].hi > v->r[k].hi)
                v->r[k].hi = v->r[i].hi;
        } else {
            v->r[++k] = v->r[i];
        }
    }
    v->n = k + 1;
}

int imc_ranges_add(imc_ranges *v, uint32_t lo, uint32_t hi)
{
    if (lo > hi) {
        uint32_t t = lo;
        lo = hi;
        hi = t;
    }
    /* the common case: ids in ascending order */
    if (v->n && lo >= v->r[v->n - 1].lo) {
        imapclient_range *last = &v->r[v->n - 1];
        if ((uint64_t)lo <= (uint64_t)last->hi + 1) {
            if (hi > last->hi)
                last->hi = hi;
            return 0;
        }
    }
    if (reserve(v, 1))
        return IMAPCLIENT_ENOMEM;
    /* out of order: sorted once, when the set is next used */
    if (v->n && lo <= v->r[v->n - 1].hi)
        v->unsorted = 1;
    v->r[v->n].lo = lo;
    v->r[v->n].hi = hi;
    v->n++;
    return 0;
}

void imc_ranges_normalise(imc_ranges *v)
{
    if (v->unsorted)
        normalise(v);
}

/* A number 1..UINT32_MAX at s[*p] (no "*"); -1 if none. */
static int number(const char *s, size_t len, size_t *p, uint32_t *out)
{
    if (*p >= len || s[*p] < '1' || s[*p] > '9')
        return -1;
    uint64_t v = 0;
    while (*p < len && s[*p] >= '0' && s[*p] <= '9') {
        v = v * 10 + (uint64_t)(s[*p] - '0');
        if (v > UINT32_MAX)
            return -1;
        (*p)++;
    }
    *out = (uint32_t)v;
    return 0;
}

int imc_ranges_parse(imc_ranges *v, const char *s, size_t len)
{
    size_t start = v->n, p = 0;
    if (!s || !len)
        return IMAPCLIENT_EPROTOCOL;
    for (;;) {
        uint32_t lo, hi;
        if (number(s, len, &p, &lo) < 0)
            goto bad;
        hi = lo;
        if (p < len && s[p] == ':') {
            p++;
            if (number(s, len, &p, &hi) < 0)
                goto bad;
        }
        /* appended as given; normalised once at the end */
        if (reserve(v, 1)) {
            v->n = start;
            return IMAPCLIENT_ENOMEM;
        }
        v->r[v->n].lo = lo < hi ? lo : hi;
        v->r[v->n].hi = lo < hi ? hi : lo;
        v->n++;
        if (p == len)
            break;
        if (s[p] != ',')
            goto bad;
        p++;
    }
    normalise(v);
    return 0;
bad:
    v->n = start;
    normalise(v);
    return IMAPCLIENT_EPROTOCOL;
}

/* dst = a op b, written into a fresh vector; op: 'u' union, '-' a minus
 * b, '&' intersection. a and b are normalised. */
static int merge(imc_ranges *dst, const imapclient_range *a, size_t na,
                 const imapclient_range *b, size_t nb, char op)
{
    imc_ranges out = {0};
    if (reserve(&out, na + nb + 1))
        return IMAPCLIENT_ENOMEM;
    size_t i = 0, j = 0;
    if (op == 'u') {
        while (i < na || j < nb) {
            const imapclient_range *x =
                (j >= nb || (i < na && a[i].lo <= b[j].lo)) ? &a[i++] : &b[j++];
            if (out.n && (uint64_t)x->lo <= (uint64_t)out.r[out.n - 1].hi + 1) {
                if (x->hi > out.r[out.n - 1].hi)
                    out.r[out.n - 1].hi = x->hi;
            } else {
                out.r[out.n++] = *x;
            }
        }
    } else if (op == '-') {
        for (; i < na; i++) {
            uint64_t lo = a[i].lo, hi = a[i].hi;
            while (j < nb && b[j].hi < lo)
                j++;
            size_t k = j;
            while (lo <= hi && k < nb && b[k].lo <= hi) {
                if (b[k].lo > lo) {
                    if (reserve(&out, 1)) {
                        imc_ranges_free(&out);
                        return IMAPCLIENT_ENOMEM;
                    }
                    out.r[out.n].lo = (uint32_t)lo;
                    out.r[out.n].hi = b[k].lo - 1;
                    out.n++;
                }
                lo = (uint64_t)b[k].hi + 1;
                k++;
            }
            if (lo <= hi) {
                if (reserve(&out, 1)) {
                    imc_ranges_free(&out);
                    return IMAPCLIENT_ENOMEM;
                }
                out.r[out.n].lo = (uint32_t)lo;
                out.r[out.n].hi = (uint32_t)hi;
                out.n++;
            }
        }
    } else {
        while (i < na && j < nb) {
            uint32_t lo = a[i].lo > b[j].lo ? a[i].lo : b[j].lo;
            uint32_t hi = a[i].hi < b[j].hi ? a[i].hi : b[j].hi;
            if (lo <= hi)
                out.r[out.n++] = (imapclient_range){lo, hi};
            if (a[i].hi < b[j].hi)
                i++;
            else
                j++;
        }
    }
    imc_ranges_free(dst);
    *dst = out;
    return 0;
}

int imc_ranges_union(imc_ranges *v, const imapclient_range *r, size_t n)
{
    imc_ranges_normalise(v);
    return n ? merge(v, v->r, v->n, r, n, 'u') : 0;
}

int imc_ranges_subtract(imc_ranges *v, const imapclient_range *r, size_t n)
{
    imc_ranges_normalise(v);
    return n && v->n ? merge(v, v->r, v->n, r, n, '-') : 0;
}

int imc_ranges_intersect(imc_ranges *v, const imapclient_range *r, size_t n)
{
    imc_ranges_normalise(v);
    if (!v->n)
        return 0;
    if (!n) {
        v->n = 0;
        return 0;
    }
    return merge(v, v->r, v->n, r, n, '&');
}

int imc_ranges_copy(imc_ranges *dst, const imapclient_range *r, size_t n)
{
    dst->n = 0;
    dst->unsorted = 0;
    if (reserve(dst, n))
        return IMAPCLIENT_ENOMEM;
    if (n)
        memcpy(dst->r, r, n * sizeof *r);
    dst->n = n;
    return 0;
}

uint64_t imc_ranges_size(const imapclient_range *r, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (uint64_t)r[i].hi - r[i].lo + 1;
    return total;
}

int imc_ranges_has(const imapclient_range *r, size_t n, uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (id < r[mid].lo)
            hi = mid;
        else if (id > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

int imc_ranges_format(imc_buf *b, const imapclient_range *r, size_t n)
{
    size_t start = b->len;
    if (imc_buf_reserve(b, 0))
        return IMAPCLIENT_ENOMEM;
    b->data[b->len] = '\0'; /* terminated even when nothing is added */
    for (size_t i = 0; i < n; i++) {
        int rc = r[i].lo == r[i].hi
                     ? imc_buf_printf(b, "%s%lu", i ? "," : "", (unsigned long)r[i].lo)
                     : imc_buf_printf(b, "%s%lu:%lu", i ? "," : "",
                                      (unsigned long)r[i].lo, (unsigned long)r[i].hi);
        if (rc < 0) {
            b->len = start;
            if (b->data)
                b->data[start] = '\0';
            return IMAPCLIENT_ENOMEM;
        }
    }
    return 0;
}

int imc_ranges_freeze(imc_arena *a, imc_ranges *v, imapclient_uidset *out)
{
    static const imapclient_range none[1];
    imc_ranges_normalise(v);
    out->count = v->n;
    out->ranges = none;
    if (!v->n)
        return 0;
    imapclient_range *r = imc_arena_calloc(a, v->n, sizeof *r);
    if (!r)
        return IMAPCLIENT_ENOMEM;
    memcpy(r, v->r, v->n * sizeof *r);
    out->ranges = r;
    return 0;
}

/* ---- the public face --------------------------------------------------- */

uint64_t imapclient_uidset_size(const imapclient_uidset *s)
{
    return s ? imc_ranges_size(s->ranges, s->count) : 0;
}

int imapclient_uidset_contains(const imapclient_uidset *s, uint32_t id)
{
    return s && id && imc_ranges_has(s->ranges, s->count, id);
}

int imapclient_uidset_format(const imapclient_uidset *s, char **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!s)
        return IMAPCLIENT_EINVAL;
    imc_buf b;
    imc_buf_init(&b, 0);
    if (imc_buf_reserve(&b, 1) || imc_ranges_format(&b, s->ranges, s->count)) {
        imc_buf_free(&b);
        return IMAPCLIENT_ENOMEM;
    }
    b.data[b.len] = '\0';
    *out = b.data;
    return 0;
}

/* A parsed set: the struct and its ranges in one block. */
int imapclient_uidset_parse(const char *s, imapclient_uidset **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!s)
        return IMAPCLIENT_EINVAL;
    imc_ranges v = {0};
    size_t len = strlen(s);
    if (len) {
        int rc = imc_ranges_parse(&v, s, len);
        if (rc) {
            imc_ranges_free(&v);
            return rc == IMAPCLIENT_ENOMEM ? rc : IMAPCLIENT_EINVAL;
        }
    }
    imapclient_uidset *set = malloc(sizeof *set + v.n * sizeof *v.r);
    if (!set) {
        imc_ranges_free(&v);
        return IMAPCLIENT_ENOMEM;
    }
    imapclient_range *r = (imapclient_range *)(set + 1);
    if (v.n)
        memcpy(r, v.r, v.n * sizeof *r);
    set->ranges = r;
    set->count = v.n;
    imc_ranges_free(&v);
    *out = set;
    return 0;
}

void imapclient_uidset_free(imapclient_uidset *s)
{
    free(s);
}
