/* The SEARCH, SORT and THREAD fast paths (src/client/search.c) against the
 * generic parse: random responses, well-formed and not, each run through a
 * handle with the fast paths and one without (imc_parser.generic_only);
 * status, error text and result must be the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#include "client/internal.h"

#define CAPS    "IMAP4rev1 SORT THREAD=REFERENCES"
#define ROUNDS  700
#define MAX_OUT 4096

/* ---- random responses ----------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

typedef struct out {
    char s[MAX_OUT];
    size_t n;
} out;

static void put(out *o, const char *s)
{
    size_t k = strlen(s);
    if (o->n >= MAX_OUT - 1 || k >= MAX_OUT - 1 - o->n)
        return;
    for (size_t i = 0; i < k; i++)
        o->s[o->n++] = s[i];
    o->s[o->n] = '\0';
}

static const char *const numbers[] = {"1",
                                      "2",
                                      "7",
                                      "42",
                                      "999",
                                      "4294967295",
                                      "4294967296",
                                      "0",
                                      "00012",
                                      "00000000000000000042",
                                      "000000000000000000042",
                                      "18446744073709551615",
                                      "18446744073709551616",
                                      "123456789",
                                      "65536"};

static void put_number(out *o)
{
    char tmp[24];
    if (rnd(3) == 0) {
        snprintf(tmp, sizeof tmp, "%u", (unsigned)(rnd(4000000) + 1));
        put(o, tmp);
    } else {
        put(o, numbers[rnd(sizeof numbers / sizeof numbers[0])]);
    }
}

static const char *const junk[] = {
    "abc", "NIL",    "\"5\"", "{1}\r\n5",    "~{1}\r\n5", "5abc", "[x]", ")",
    "(",   "~",      "\t",    "5(MODSEQ 1)", "\"\"",      "*",    "5]",  "-1",
    "+5",  "5\r\n6", "1{2}",  "(1 2)",       "((3))",     "%",    "5 (", "x5"};

static const char *const modseqs[] = {"(MODSEQ 5)",
                                      "(modseq 77)",
                                      "(MODSEQ  5)",
                                      "( MODSEQ 5)",
                                      "(MODSEQ 5 )",
                                      "(MODSEQ 5 6)",
                                      "(MODSEQ)",
                                      "(MODSEQ \"5\")",
                                      "(MODSEQ 0)",
                                      "(MODSEQ 18446744073709551615)",
                                      "(MODSEQ 18446744073709551616)",
                                      "(\"MODSEQ\" 5)",
                                      "(X 5)",
                                      "()",
                                      "(MODSEQ 000000000000000000001)",
                                      "(MODSEQ {1}\r\n5)",
                                      "(MoDsEq 12345678901234)",
                                      "(MODSEQ 5]",
                                      "(MODSEQ 5x)",
                                      "(MODSEQ 5("};

static void put_sep(out *o)
{
    unsigned k = rnd(20);
    put(o, k < 16 ? " " : k < 19 ? "  " : "");
}

/* The arguments of a SEARCH or SORT response. */
static void gen_ids(out *o)
{
    unsigned n = rnd(14), bad = rnd(3) == 0;
    if (rnd(4) == 0)
        put(o, rnd(2) ? "  " : "");
    for (unsigned i = 0; i < n; i++) {
        put_sep(o);
        unsigned k = rnd(20);
        if (bad && k < 3)
            put(o, junk[rnd(sizeof junk / sizeof junk[0])]);
        else if (k < 5)
            put(o, modseqs[rnd(bad ? sizeof modseqs / sizeof modseqs[0] : 2)]);
        else
            put_number(o);
    }
    if (rnd(5) == 0)
        put(o, " ");
}

static void gen_thread_list(out *o, unsigned depth, int bad)
{
    put(o, "(");
    unsigned n = rnd(5);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            put(o, rnd(6) ? " " : rnd(2) ? "" : "  ");
        unsigned k = rnd(10);
        if (bad && k == 0)
            put(o, junk[rnd(sizeof junk / sizeof junk[0])]);
        else if (k < 3 && depth < 8)
            gen_thread_list(o, depth + 1, bad);
        else
            put_number(o);
    }
    put(o, ")");
}

/* The arguments of a THREAD response. */
static void gen_threads(out *o)
{
    unsigned n = rnd(5);
    int bad = rnd(4) == 0;
    for (unsigned i = 0; i < n; i++) {
        if (i || rnd(2))
            put(o, rnd(3) ? " " : "");
        if (bad && rnd(6) == 0)
            put(o, rnd(2) ? junk[rnd(sizeof junk / sizeof junk[0])] : "5");
        else
            gen_thread_list(o, 1, bad);
    }
    if (bad && rnd(4) == 0)
        put(o, rnd(2) ? "(" : ")");
}

/* ---- running a response both ways ----------------------------------------- */

/* The script: INBOX selected (A001), then the command and the responses
 * (given as raw bytes, each sent with CRLF), then the completion. */
static char *script_for(const char *command, const char *name, out *const *resp,
                        size_t nresp)
{
    size_t cap = 65536;
    char *s = malloc(cap);
    assert_non_null(s);
    int k = snprintf(s, cap,
                     "S: * PREAUTH [CAPABILITY " CAPS "] ready\n"
                     "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK selected\n"
                     "C: A002 %s\n",
                     command);
    for (size_t r = 0; r < nresp; r++) {
        k += snprintf(s + k, cap - (size_t)k, "S%% * %s", name);
        for (size_t i = 0; i < resp[r]->n; i++)
            k += snprintf(s + k, cap - (size_t)k, "%%%02X", (unsigned char)resp[r]->s[i]);
        k += snprintf(s + k, cap - (size_t)k, "%%0D%%0A\n");
    }
    snprintf(s + k, cap - (size_t)k, "S: A002 OK done\n");
    return s;
}

static imapclient *session(const char *script, int generic_only, unsigned max_depth)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_depth = max_depth;
    imapclient *c = NULL;
    if (imapclient_connect_scripted(script, &o, &c))
        fail_msg("connect: %s", imapclient_errmsg(c));
    c->parser.generic_only = generic_only;
    if (imapclient_select_folder(c, "INBOX", 0, NULL))
        fail_msg("select: %s", imapclient_errmsg(c));
    return c;
}

static void same_status(imapclient *fast, imapclient *slow, int rc_fast, int rc_slow,
                        const char *script)
{
    if (rc_fast != rc_slow || strcmp(imapclient_errmsg(fast), imapclient_errmsg(slow)))
        fail_msg("fast path: %d \"%s\", generic: %d \"%s\"\nscript:\n%s", rc_fast,
                 imapclient_errmsg(fast), rc_slow, imapclient_errmsg(slow), script);
    assert_int_equal(imapclient_script_done(fast), imapclient_script_done(slow));
}

static size_t taken_fast;

/* Count the responses of ids and spaces only, the common case the fast path
 * takes, so the test shows that both paths were exercised. */
static void count_fast(const out *resp)
{
    taken_fast += strspn(resp->s, " 0123456789") == resp->n;
}

static void compare_ids(const char *command, const char *name, int sort)
{
    out resp[3];
    out *rp[3] = {&resp[0], &resp[1], &resp[2]};
    size_t nresp = 1 + rnd(3);
    for (size_t r = 0; r < nresp; r++) {
        resp[r].n = 0;
        resp[r].s[0] = '\0';
        gen_ids(&resp[r]);
        count_fast(&resp[r]);
    }
    char *script = script_for(command, name, rp, nresp);
    imapclient *fast = session(script, 0, 0), *slow = session(script, 1, 0);
    imapclient_ids *a = NULL, *b = NULL;
    const char *keys[] = {"ARRIVAL", NULL};
    int ra = sort ? imapclient_sort(fast, keys, NULL, NULL, &a)
                  : imapclient_search(fast, NULL, NULL, &a);
    int rb = sort ? imapclient_sort(slow, keys, NULL, NULL, &b)
                  : imapclient_search(slow, NULL, NULL, &b);
    same_status(fast, slow, ra, rb, script);
    if (ra == 0) {
        assert_int_equal(a->count, b->count);
        if (a->count)
            assert_memory_equal(a->ids, b->ids, a->count * sizeof *a->ids);
        assert_int_equal(a->has_modseq, b->has_modseq);
        assert_int_equal(a->modseq, b->modseq);
    }
    imapclient_ids_free(a);
    imapclient_ids_free(b);
    imapclient_free(fast);
    imapclient_free(slow);
    free(script);
}

static void test_search_fast__search_same_as_generic(void **state)
{
    taken_fast = 0;
    for (int i = 0; i < ROUNDS; i++)
        compare_ids("UID SEARCH ALL", "SEARCH", 0);
    assert_true(taken_fast > ROUNDS / 4); /* both paths were exercised */
}

static void test_search_fast__sort_same_as_generic(void **state)
{
    for (int i = 0; i < ROUNDS; i++)
        compare_ids("UID SORT (ARRIVAL) UTF-8 ALL", "SORT", 1);
}

static void same_node(const imapclient_thread_node *a, const imapclient_thread_node *b)
{
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->count, b->count);
    assert_int_equal(a->items == NULL, b->items == NULL);
    if (a->items && !a->count) /* an empty list: one zeroed node */
        assert_int_equal(a->items[0].id, b->items[0].id);
    for (size_t i = 0; i < a->count; i++)
        same_node(&a->items[i], &b->items[i]);
}

static void compare_threads(unsigned max_depth)
{
    out resp[2];
    out *rp[2] = {&resp[0], &resp[1]};
    size_t nresp = 1 + rnd(2);
    for (size_t r = 0; r < nresp; r++) {
        resp[r].n = 0;
        resp[r].s[0] = '\0';
        gen_threads(&resp[r]);
    }
    char *script = script_for("UID THREAD REFERENCES UTF-8 ALL", "THREAD", rp, nresp);
    imapclient *fast = session(script, 0, max_depth),
               *slow = session(script, 1, max_depth);
    imapclient_threads *a = NULL, *b = NULL;
    int ra = imapclient_thread(fast, NULL, NULL, NULL, &a);
    int rb = imapclient_thread(slow, NULL, NULL, NULL, &b);
    same_status(fast, slow, ra, rb, script);
    if (ra == 0) {
        assert_int_equal(a->count, b->count);
        for (size_t i = 0; i < a->count; i++)
            same_node(&a->threads[i], &b->threads[i]);
    }
    imapclient_threads_free(a);
    imapclient_threads_free(b);
    imapclient_free(fast);
    imapclient_free(slow);
    free(script);
}

static void test_search_fast__thread_same_as_generic(void **state)
{
    for (int i = 0; i < ROUNDS; i++)
        compare_threads(0);
}

/* Nesting deeper than max_depth fails the same way on both paths. */
static void test_search_fast__thread_depth_limit(void **state)
{
    for (int i = 0; i < ROUNDS / 2; i++)
        compare_threads(3);
}

/* A long id list: what the fast path exists for. */
static void test_search_fast__long_list(void **state)
{
    out *big = malloc(sizeof *big);
    assert_non_null(big);
    big->n = 0;
    big->s[0] = '\0';
    for (unsigned i = 1; big->n < MAX_OUT - 48; i += 3) {
        char tmp[16];
        snprintf(tmp, sizeof tmp, " %u", i);
        put(big, tmp);
    }
    put(big, " (MODSEQ 917162500)");
    out *rp[1] = {big};
    char *script = script_for("UID SEARCH ALL", "SEARCH", rp, 1);
    imapclient *c = session(script, 0, 0);
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_search(c, NULL, NULL, &ids), 0);
    assert_true(ids->count > 500);
    for (size_t i = 0; i < ids->count; i++)
        assert_int_equal(ids->ids[i], 1 + 3 * i);
    assert_int_equal(ids->has_modseq, 1);
    assert_int_equal(ids->modseq, 917162500);
    imapclient_ids_free(ids);
    imapclient_free(c);
    free(script);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_fast__search_same_as_generic),
        cmocka_unit_test(test_search_fast__sort_same_as_generic),
        cmocka_unit_test(test_search_fast__thread_same_as_generic),
        cmocka_unit_test(test_search_fast__thread_depth_limit),
        cmocka_unit_test(test_search_fast__long_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
