/*
 * Sequence sets (RFC 3501 section 9):
 *   sequence-set = (seq-number / seq-range) *("," sequence-set)
 *   seq-range    = seq-number ":" seq-number
 *   seq-number   = nz-number / "*"
 *   nz-number    = digit-nz *DIGIT   ; < 4,294,967,296
 */
#include "types.h"

#include <imapclient/errors.h>

#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

int imc_seqset_from_ids(imc_buf *out, const uint32_t *ids, size_t n)
{
    if (!ids || n == 0 || n > SIZE_MAX / sizeof *ids)
        return IMAPCLIENT_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (ids[i] == 0)
            return IMAPCLIENT_EINVAL;
    uint32_t *s = malloc(n * sizeof *s);
    if (!s)
        return IMAPCLIENT_ENOMEM;
    memcpy(s, ids, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_u32);
    size_t start = out->len;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t j = i;
        /* extend the run over duplicates and consecutive ids */
        while (j + 1 < n && (s[j + 1] == s[j] || s[j + 1] == s[j] + 1))
            j++;
        if (i && imc_buf_addc(out, ',') < 0)
            rc = -1;
        else if (s[i] == s[j])
            rc = imc_buf_printf(out, "%lu", (unsigned long)s[i]);
        else
            rc = imc_buf_printf(out, "%lu:%lu", (unsigned long)s[i], (unsigned long)s[j]);
        i = j + 1;
    }
    free(s);
    if (rc < 0) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        return IMAPCLIENT_ENOMEM;
    }
    return 0;
}

/* seq-number at s[*p]; '*' gives UINT32_MAX. -1 if none. */
static int seq_number(const char *s, size_t len, size_t *p, uint32_t *out)
{
    if (*p < len && s[*p] == '*') {
        (*p)++;
        *out = UINT32_MAX;
        return 0;
    }
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

/* Walk the set; with ranges non-NULL, store them (room for count). */
static int walk(const char *s, size_t len, imapclient_range *ranges, size_t *count)
{
    size_t p = 0, n = 0;
    for (;;) {
        uint32_t lo, hi;
        if (seq_number(s, len, &p, &lo) < 0)
            return -1;
        hi = lo;
        if (p < len && s[p] == ':') {
            p++;
            if (seq_number(s, len, &p, &hi) < 0)
                return -1;
        }
        if (ranges) {
            ranges[n].lo = lo < hi ? lo : hi;
            ranges[n].hi = lo < hi ? hi : lo;
        }
        n++;
        if (p == len)
            break;
        if (s[p] != ',')
            return -1;
        p++;
    }
    *count = n;
    return 0;
}

int imc_seqset_valid_n(const char *s, size_t len)
{
    size_t n;
    return s && walk(s, len, NULL, &n) == 0;
}

int imapclient_seqset_valid(const char *s)
{
    return s && imc_seqset_valid_n(s, strlen(s));
}

int imapclient_seqset_parse(const char *s, imapclient_range **out, size_t *count)
{
    if (out)
        *out = NULL;
    if (count)
        *count = 0;
    if (!s || !out || !count)
        return IMAPCLIENT_EINVAL;
    size_t len = strlen(s), n;
    if (walk(s, len, NULL, &n) < 0)
        return IMAPCLIENT_EINVAL;
    imapclient_range *r = calloc(n, sizeof *r);
    if (!r)
        return IMAPCLIENT_ENOMEM;
    walk(s, len, r, &n);
    *out = r;
    *count = n;
    return 0;
}

int imapclient_seqset_from_ids(const uint32_t *ids, size_t n, char **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    imc_buf b;
    imc_buf_init(&b, 0);
    int rc = imc_seqset_from_ids(&b, ids, n);
    if (rc < 0) {
        imc_buf_free(&b);
        return rc;
    }
    *out = b.data; /* malloc'd by the buffer; n > 0 so never NULL */
    return 0;
}
