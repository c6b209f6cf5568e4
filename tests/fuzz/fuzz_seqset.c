/*
 * Fuzz target for sequence sets: validation and parsing agree on any
 * text, and the shortest set built from any ids (4 input bytes each) is
 * valid and names exactly those ids.
 */
#include "fuzz.h"

#include <stdio.h>

#include "types/types.h"
#include "util/buf.h"

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    /* 1. The input as text. */
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int valid = imapclient_seqset_valid(s);
    FUZZ_CHECK(valid == 0 || valid == 1);
    FUZZ_CHECK(imc_seqset_valid_n(s, strlen(s)) == valid);
    imapclient_range *ranges = NULL;
    size_t count = 0;
    int rc = imapclient_seqset_parse(s, &ranges, &count);
    FUZZ_CHECK((rc == 0) == (valid == 1));
    if (rc == 0) {
        FUZZ_CHECK(count > 0 && ranges != NULL);
        for (size_t i = 0; i < count; i++)
            FUZZ_CHECK(ranges[i].lo >= 1 && ranges[i].lo <= ranges[i].hi);
    }
    free(ranges);
    free(s);

    /* 2. The input as ids. */
    size_t n = size / 4;
    if (n == 0)
        return 0;
    uint32_t *ids = malloc(n * sizeof *ids);
    if (!ids)
        return 0;
    int has_zero = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(&ids[i], data + 4 * i, 4);
        /* keep most ids small so that runs occur */
        if (data[4 * i] & 1)
            ids[i] %= 64;
        has_zero |= ids[i] == 0;
    }
    char *set = NULL;
    rc = imapclient_seqset_from_ids(ids, n, &set);
    if (has_zero) {
        FUZZ_CHECK(rc == IMAPCLIENT_EINVAL);
    } else {
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(imapclient_seqset_valid(set));
        FUZZ_CHECK(imapclient_seqset_parse(set, &ranges, &count) == 0);
        /* the ranges, in order, cover exactly the sorted distinct ids */
        qsort(ids, n, sizeof *ids, cmp_u32);
        size_t k = 0;
        for (size_t i = 0; i < count; i++) {
            FUZZ_CHECK(i == 0 || ranges[i].lo > ranges[i - 1].hi + 1ULL);
            uint64_t id = ranges[i].lo;
            for (; id <= ranges[i].hi; id++) {
                FUZZ_CHECK(k < n && ids[k] == id);
                while (k < n && ids[k] == id)
                    k++;
            }
        }
        FUZZ_CHECK(k == n);
        free(ranges);
        free(set);
    }
    free(ids);
    return 0;
}
