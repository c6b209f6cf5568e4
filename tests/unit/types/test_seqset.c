/*
 * Sequence sets (RFC 3501 section 9). Examples from the reference's
 * documentation ("2,4:7,9,12:*", "2:*") and the RFC grammar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <imapclient/errors.h>
#include <imapclient/mail.h>

#include "types/types.h"
#include "util/buf.h"

#define MAXID UINT32_MAX

/* ------------------------------------------------------------------ */
/* from_ids                                                             */
/* ------------------------------------------------------------------ */

typedef struct ids_case {
    const char *name;
    uint32_t ids[8];
    size_t n;
    const char *want;
} ids_case;

static const ids_case ids_cases[] = {
    {"test_seqset__from_ids_shortest_ranges", {1, 2, 3, 5, 7, 8}, 6, "1:3,5,7:8"},
    {"test_seqset__from_ids_unsorted_with_duplicates",
     {8, 1, 2, 3, 5, 7, 3},
     7,
     "1:3,5,7:8"},
    {"test_seqset__from_ids_single", {42}, 1, "42"},
    {"test_seqset__from_ids_all_duplicates", {4, 4, 4}, 3, "4"},
    {"test_seqset__from_ids_no_runs", {5, 3, 1}, 3, "1,3,5"},
    {"test_seqset__from_ids_pair_is_a_range", {2, 1}, 2, "1:2"},
    {"test_seqset__from_ids_largest_uid",
     {MAXID, MAXID - 1, 1},
     3,
     "1,4294967294:4294967295"},
    {"test_seqset__from_ids_duplicate_inside_run",
     {10, 11, 11, 12, 20, 20},
     6,
     "10:12,20"},
};

static void run_ids_case(void **state)
{
    const ids_case *c = *state;
    char *out = NULL;
    assert_int_equal(imapclient_seqset_from_ids(c->ids, c->n, &out), 0);
    assert_string_equal(out, c->want);
    assert_true(imapclient_seqset_valid(out));
    free(out);
}

static void test_seqset__from_ids_long_run(void **state)
{
    (void)state;
    uint32_t *ids = malloc(10000 * sizeof *ids);
    assert_non_null(ids);
    for (uint32_t i = 0; i < 10000; i++)
        ids[i] = 10000 - i;
    char *out;
    assert_int_equal(imapclient_seqset_from_ids(ids, 10000, &out), 0);
    assert_string_equal(out, "1:10000");
    free(out);
    /* every other id: 5000 singles */
    for (uint32_t i = 0; i < 10000; i++)
        ids[i] = 2 * i + 1;
    assert_int_equal(imapclient_seqset_from_ids(ids, 10000, &out), 0);
    assert_true(strncmp(out, "1,3,5,", 6) == 0);
    assert_true(strlen(out) > 40000);
    imapclient_range *r;
    size_t n;
    assert_int_equal(imapclient_seqset_parse(out, &r, &n), 0);
    assert_int_equal(n, 10000);
    assert_int_equal(r[9999].lo, 19999);
    free(r);
    free(out);
    free(ids);
}

static void test_seqset__from_ids_invalid(void **state)
{
    (void)state;
    uint32_t ids[] = {1, 0, 3};
    char *out = (char *)1;
    assert_int_equal(imapclient_seqset_from_ids(ids, 0, &out), IMAPCLIENT_EINVAL);
    assert_null(out);
    out = (char *)1;
    assert_int_equal(imapclient_seqset_from_ids(ids, 3, &out), IMAPCLIENT_EINVAL);
    assert_null(out);
    assert_int_equal(imapclient_seqset_from_ids(NULL, 3, &out), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_seqset_from_ids(ids, 1, NULL), IMAPCLIENT_EINVAL);
}

static void test_seqset__from_ids_internal_appends(void **state)
{
    (void)state;
    imc_buf b;
    imc_buf_init(&b, 0);
    imc_buf_adds(&b, "UID FETCH ");
    uint32_t ids[] = {9, 7, 8};
    assert_int_equal(imc_seqset_from_ids(&b, ids, 3), 0);
    assert_string_equal(b.data, "UID FETCH 7:9");
    uint32_t bad[] = {0};
    assert_int_equal(imc_seqset_from_ids(&b, bad, 1), IMAPCLIENT_EINVAL);
    assert_string_equal(b.data, "UID FETCH 7:9");
    imc_buf_free(&b);
    /* a capped buffer: the failed append leaves the buffer as it was */
    imc_buf_init(&b, 8);
    uint32_t many[] = {1, 3, 5, 7, 9, 11};
    assert_int_equal(imc_seqset_from_ids(&b, many, 6), IMAPCLIENT_ENOMEM);
    assert_int_equal(b.len, 0);
    imc_buf_free(&b);
}

/* ------------------------------------------------------------------ */
/* valid                                                                */
/* ------------------------------------------------------------------ */

typedef struct valid_case {
    const char *name;
    const char *in;
    int valid;
} valid_case;

static const valid_case valid_cases[] = {
    {"test_seqset__valid_reference_example", "2,4:7,9,12:*", 1},
    {"test_seqset__valid_reference_open_range", "2:*", 1},
    {"test_seqset__valid_single", "1", 1},
    {"test_seqset__valid_star", "*", 1},
    {"test_seqset__valid_star_first", "*:1", 1},
    {"test_seqset__valid_star_star", "*:*", 1},
    {"test_seqset__valid_reversed_range", "7:2", 1},
    {"test_seqset__valid_largest_number", "4294967295", 1},
    {"test_seqset__valid_full_range", "1:4294967295", 1},
    {"test_seqset__valid_list", "1,2,3,1:3", 1},
    {"test_seqset__invalid_empty", "", 0},
    {"test_seqset__invalid_zero", "0", 0},
    {"test_seqset__invalid_leading_zero", "01", 0},
    {"test_seqset__invalid_zero_in_range", "1:0", 0},
    {"test_seqset__invalid_open_end", "1:", 0},
    {"test_seqset__invalid_open_start", ":1", 0},
    {"test_seqset__invalid_trailing_comma", "1,", 0},
    {"test_seqset__invalid_leading_comma", ",1", 0},
    {"test_seqset__invalid_double_comma", "1,,2", 0},
    {"test_seqset__invalid_space", "1 2", 0},
    {"test_seqset__invalid_space_after_comma", "1, 2", 0},
    {"test_seqset__invalid_leading_space", " 1", 0},
    {"test_seqset__invalid_three_part_range", "1:2:3", 0},
    {"test_seqset__invalid_too_large", "4294967296", 0},
    {"test_seqset__invalid_huge", "99999999999999999999", 0},
    {"test_seqset__invalid_letters", "a", 0},
    {"test_seqset__invalid_dash_range", "50-65", 0},
    {"test_seqset__invalid_negative", "-1", 0},
    {"test_seqset__invalid_searchres_dollar", "$", 0},
    {"test_seqset__invalid_star_glued", "1*", 0},
};

static void run_valid_case(void **state)
{
    const valid_case *c = *state;
    assert_int_equal(imapclient_seqset_valid(c->in), c->valid);
    imapclient_range *r = (imapclient_range *)1;
    size_t n = 99;
    int rc = imapclient_seqset_parse(c->in, &r, &n);
    if (c->valid) {
        assert_int_equal(rc, 0);
        assert_true(n >= 1);
        for (size_t i = 0; i < n; i++)
            assert_true(r[i].lo <= r[i].hi && r[i].lo >= 1);
        free(r);
    } else {
        assert_int_equal(rc, IMAPCLIENT_EINVAL);
        assert_null(r);
        assert_int_equal(n, 0);
    }
}

static void test_seqset__valid_null_and_length(void **state)
{
    (void)state;
    assert_int_equal(imapclient_seqset_valid(NULL), 0);
    assert_int_equal(imc_seqset_valid_n("1:5,extra", 3), 1);
    assert_int_equal(imc_seqset_valid_n("1:5,extra", 4), 0);
    assert_int_equal(imc_seqset_valid_n(NULL, 0), 0);
}

/* ------------------------------------------------------------------ */
/* parse                                                                */
/* ------------------------------------------------------------------ */

static void test_seqset__parse_reference_example(void **state)
{
    (void)state;
    imapclient_range *r;
    size_t n;
    assert_int_equal(imapclient_seqset_parse("2,4:7,9,12:*", &r, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(r[0].lo, 2);
    assert_int_equal(r[0].hi, 2);
    assert_int_equal(r[1].lo, 4);
    assert_int_equal(r[1].hi, 7);
    assert_int_equal(r[2].lo, 9);
    assert_int_equal(r[2].hi, 9);
    assert_int_equal(r[3].lo, 12);
    assert_true(r[3].hi == MAXID);
    free(r);
}

static void test_seqset__parse_normalises_order(void **state)
{
    (void)state;
    imapclient_range *r;
    size_t n;
    assert_int_equal(imapclient_seqset_parse("7:2,*:5,*,3:3", &r, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(r[0].lo, 2);
    assert_int_equal(r[0].hi, 7);
    assert_int_equal(r[1].lo, 5);
    assert_true(r[1].hi == MAXID);
    assert_true(r[2].lo == MAXID && r[2].hi == MAXID);
    assert_int_equal(r[3].lo, 3);
    assert_int_equal(r[3].hi, 3);
    free(r);
}

static void test_seqset__parse_keeps_duplicates_and_order(void **state)
{
    (void)state;
    imapclient_range *r;
    size_t n;
    assert_int_equal(imapclient_seqset_parse("5,1,5", &r, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].lo, 5);
    assert_int_equal(r[1].lo, 1);
    assert_int_equal(r[2].lo, 5);
    free(r);
}

static void test_seqset__parse_null_arguments(void **state)
{
    (void)state;
    imapclient_range *r;
    size_t n;
    assert_int_equal(imapclient_seqset_parse(NULL, &r, &n), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_seqset_parse("1", NULL, &n), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_seqset_parse("1", &r, NULL), IMAPCLIENT_EINVAL);
    assert_null(r);
}

static void test_seqset__round_trip_from_ids_and_parse(void **state)
{
    (void)state;
    uint32_t r = 99;
    for (int t = 0; t < 500; t++) {
        uint32_t ids[64];
        size_t k = 1 + (size_t)((r = r * 1103515245u + 12345u) >> 16) % 64;
        for (size_t i = 0; i < k; i++) {
            r = r * 1103515245u + 12345u;
            ids[i] = 1 + (r >> 16) % 100;
        }
        char *s;
        assert_int_equal(imapclient_seqset_from_ids(ids, k, &s), 0);
        imapclient_range *rg;
        size_t n;
        assert_int_equal(imapclient_seqset_parse(s, &rg, &n), 0);
        /* the ranges name exactly the ids, sorted, disjoint, not adjacent */
        for (size_t i = 0; i < k; i++) {
            int found = 0;
            for (size_t j = 0; j < n; j++)
                if (ids[i] >= rg[j].lo && ids[i] <= rg[j].hi)
                    found = 1;
            assert_true(found);
        }
        for (size_t j = 0; j + 1 < n; j++)
            assert_true(rg[j].hi + 1 < rg[j + 1].lo);
        for (size_t j = 0; j < n; j++)
            for (uint32_t v = rg[j].lo; v <= rg[j].hi; v++) {
                int found = 0;
                for (size_t i = 0; i < k; i++)
                    if (ids[i] == v)
                        found = 1;
                assert_true(found);
            }
        free(rg);
        free(s);
    }
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_seqset__from_ids_long_run),
        cmocka_unit_test(test_seqset__from_ids_invalid),
        cmocka_unit_test(test_seqset__from_ids_internal_appends),
        cmocka_unit_test(test_seqset__valid_null_and_length),
        cmocka_unit_test(test_seqset__parse_reference_example),
        cmocka_unit_test(test_seqset__parse_normalises_order),
        cmocka_unit_test(test_seqset__parse_keeps_duplicates_and_order),
        cmocka_unit_test(test_seqset__parse_null_arguments),
        cmocka_unit_test(test_seqset__round_trip_from_ids_and_parse),
    };
    enum {
        NF = sizeof fixed / sizeof fixed[0],
        NI = sizeof ids_cases / sizeof ids_cases[0],
        NV = sizeof valid_cases / sizeof valid_cases[0]
    };
    static struct CMUnitTest all[NF + NI + NV];
    size_t n = 0;
    for (size_t i = 0; i < NI; i++)
        all[n++] = (struct CMUnitTest){ids_cases[i].name, run_ids_case, NULL, NULL,
                                       (void *)&ids_cases[i]};
    for (size_t i = 0; i < NV; i++)
        all[n++] = (struct CMUnitTest){valid_cases[i].name, run_valid_case, NULL, NULL,
                                       (void *)&valid_cases[i]};
    for (size_t i = 0; i < NF; i++)
        all[n++] = fixed[i];
    return _cmocka_run_group_tests("test_seqset", all, n, NULL, NULL);
}
