/* The arena: allocations, reset, and marks (imc_arena_get_mark/release, which
 * the command engine uses to give back a response parsed into a result's
 * arena that the result did not take). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/arena.h"

static void test_arena__release_to_mark(void **state)
{
    imc_arena *a = imc_arena_new();
    char *keep = imc_arena_strdup(a, "kept");
    size_t base = imc_arena_footprint(a);
    imc_arena_mark m;
    imc_arena_get_mark(a, &m);
    for (int i = 0; i < 10000; i++) /* many blocks */
        assert_non_null(imc_arena_alloc(a, 100));
    assert_true(imc_arena_footprint(a) > base + 500000);
    imc_arena_release(a, &m);
    assert_int_equal(imc_arena_footprint(a), base);
    assert_string_equal(keep, "kept");
    /* the space after the mark is reused */
    char *again = imc_arena_strdup(a, "again");
    assert_true(again > keep && again < keep + 4096);
    imc_arena_free(a);
}

/* A big one-off allocation goes behind the current block: released too,
 * the blocks before the mark untouched. */
static void test_arena__release_one_off_blocks(void **state)
{
    imc_arena *a = imc_arena_new();
    char *first = imc_arena_strdup(a, "first");
    imc_arena_mark m;
    imc_arena_get_mark(a, &m);
    size_t base = imc_arena_footprint(a);
    char *big = imc_arena_alloc(a, 100000);
    assert_non_null(big);
    char *small = imc_arena_strdup(a, "small");
    assert_non_null(small);
    assert_true(imc_arena_footprint(a) >= base + 100000);
    imc_arena_release(a, &m);
    assert_int_equal(imc_arena_footprint(a), base);
    assert_string_equal(first, "first");
    /* nested marks: release the inner, then the outer */
    imc_arena_mark outer;
    imc_arena_get_mark(a, &outer);
    imc_arena_alloc(a, 5000);
    imc_arena_mark inner;
    imc_arena_get_mark(a, &inner);
    imc_arena_alloc(a, 50000);
    imc_arena_release(a, &inner);
    assert_true(imc_arena_footprint(a) < base + 50000);
    imc_arena_release(a, &outer);
    assert_int_equal(imc_arena_footprint(a), base);
    imc_arena_free(a);
}

/* A mark of an empty arena gives everything back. */
static void test_arena__release_empty_mark(void **state)
{
    imc_arena *a = imc_arena_new();
    imc_arena_mark m;
    imc_arena_get_mark(a, &m);
    imc_arena_alloc(a, 10);
    imc_arena_alloc(a, 1 << 20);
    imc_arena_release(a, &m);
    assert_int_equal(imc_arena_footprint(a), 0);
    assert_non_null(imc_arena_strdup(a, "usable"));
    imc_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena__release_to_mark),
        cmocka_unit_test(test_arena__release_one_off_blocks),
        cmocka_unit_test(test_arena__release_empty_mark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
