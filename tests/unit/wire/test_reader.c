/*
 * Reader on an in-memory transport: how server bytes become one response
 * (line plus literals), whatever the read sizes; caps on line and literal
 * size; lying literal sizes; the end of the stream in every place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit/wire/wire_test.h"
#include "wire/parser.h"
#include "wire/reader.h"

/* A reader over data[0..len), reads of the given sizes (cycled). */
typedef struct fixture {
    memt m;
    imc_reader rd;
} fixture;

static void open_reader(fixture *f, const char *data, size_t len, const size_t *chunks,
                        size_t nchunks, size_t max_line, uint64_t max_literal)
{
    memt_init(&f->m, data, len);
    f->m.chunks = chunks;
    f->m.nchunks = nchunks;
    assert_int_equal(imc_reader_init(&f->rd, &f->m.base, max_line, max_literal), 0);
}

#define OPEN(f, s, chunks, n)                                                            \
    open_reader(f, s, sizeof(s) - 1, chunks, n, 1 << 16, 1 << 20)

static void expect_resp(fixture *f, const char *want, size_t wlen)
{
    int rc = imc_reader_next(&f->rd, 0);
    if (rc)
        fail_msg("reader returned %d: %s", rc, f->rd.err);
    if (f->rd.resp.len != wlen || memcmp(f->rd.resp.data, want, wlen) != 0)
        fail_msg("got %zu bytes '%.*s', want %zu bytes '%.*s'", f->rd.resp.len,
                 (int)f->rd.resp.len, f->rd.resp.data, wlen, (int)wlen, want);
    assert_int_equal(f->rd.resp.data[wlen], '\0');
}

#define EXPECT(f, s) expect_resp(f, s, sizeof(s) - 1)

static const size_t one[] = {1};
static const size_t odd[] = {3, 1, 7, 2, 11};

static void test_reader__one_line(void **state)
{
    fixture f;
    OPEN(&f, "* OK hi\r\n", NULL, 0);
    EXPECT(&f, "* OK hi");
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EABORT);
    assert_string_equal(f.rd.err, "connection closed by server");
    imc_reader_free(&f.rd);
}

static void test_reader__two_responses_in_one_read(void **state)
{
    fixture f;
    OPEN(&f, "* 1 EXISTS\r\n* 0 RECENT\r\nA1 OK done\r\n", NULL, 0);
    EXPECT(&f, "* 1 EXISTS");
    assert_true(imc_reader_buffered(&f.rd) > 0);
    assert_int_equal(imc_reader_wait(&f.rd, -1), 1); /* buffered: no wait */
    EXPECT(&f, "* 0 RECENT");
    EXPECT(&f, "A1 OK done");
    assert_int_equal(imc_reader_buffered(&f.rd), 0);
    assert_int_equal(f.m.reads, 1);
    imc_reader_free(&f.rd);
}

static void test_reader__byte_by_byte(void **state)
{
    fixture f;
    OPEN(&f, "* 12 FETCH (BODY[] {5}\r\nhello FLAGS (\\Seen))\r\n* OK x\r\n", one, 1);
    EXPECT(&f, "* 12 FETCH (BODY[] {5}\r\nhello FLAGS (\\Seen))");
    EXPECT(&f, "* OK x");
    imc_reader_free(&f.rd);
}

static void test_reader__bare_lf_line_end(void **state)
{
    fixture f;
    OPEN(&f, "* OK one\n* OK two\r\n", NULL, 0);
    EXPECT(&f, "* OK one");
    EXPECT(&f, "* OK two");
    imc_reader_free(&f.rd);
}

static void test_reader__cr_inside_line_kept(void **state)
{
    fixture f;
    OPEN(&f, "* OK a\rb\r\r\n", NULL, 0);
    EXPECT(&f, "* OK a\rb\r"); /* only the CR of the final CRLF goes */
    imc_reader_free(&f.rd);
}

static void test_reader__empty_line(void **state)
{
    fixture f;
    OPEN(&f, "\r\n\n* OK\r\n", NULL, 0);
    EXPECT(&f, "");
    EXPECT(&f, "");
    EXPECT(&f, "* OK");
    imc_reader_free(&f.rd);
}

static void test_reader__nul_in_line_kept(void **state)
{
    fixture f;
    OPEN(&f, "* OK a\0b\r\n", NULL, 0);
    EXPECT(&f, "* OK a\0b");
    imc_reader_free(&f.rd);
}

/* A literal read straight into the response (direct) ends its line: the
 * line after it is measured from there, not from the line before the
 * literal (a 100-byte literal with a 40-byte line cap must pass, in any
 * read sizes). */
static void test_reader__line_cap_counts_from_after_a_direct_literal(void **state)
{
    char in[256], want[256];
    char body[101];
    memset(body, 'x', 100);
    body[100] = '\0';
    int n = snprintf(in, sizeof in, "* 1 FETCH (BODY[] {100}\r\n%s)\r\n", body);
    int w = snprintf(want, sizeof want, "* 1 FETCH (BODY[] {100}\r\n%s)", body);
    static const size_t sizes[][1] = {{1}, {7}, {64}, {256}};
    for (size_t k = 0; k < 4; k++) {
        fixture f;
        open_reader(&f, in, (size_t)n, sizes[k], 1, 40, 1 << 20);
        f.rd.direct_min = 1;
        expect_resp(&f, want, (size_t)w);
        imc_reader_free(&f.rd);
    }
}

static void test_reader__literal_spanning_reads(void **state)
{
    /* every split point of a response with two literals, the literal
     * bytes through the input buffer or (direct_min 1) straight into resp */
    const char in[] =
        "* 3 FETCH (BODY[1] {10}\r\n0123\r\n6789 BODY[2] {5}\r\n{9}\r\n)\r\n";
    const char want[] = "* 3 FETCH (BODY[1] {10}\r\n0123\r\n6789 BODY[2] {5}\r\n{9}\r\n)";
    for (int direct = 0; direct < 2; direct++) {
        for (size_t c = 1; c <= sizeof in; c++) {
            size_t chunk[] = {c};
            fixture f;
            OPEN(&f, in, chunk, 1);
            if (direct)
                f.rd.direct_min = 1;
            EXPECT(&f, want);
            imc_reader_free(&f.rd);
        }
    }
    fixture f;
    OPEN(&f, in, odd, 5);
    EXPECT(&f, want);
    imc_reader_free(&f.rd);
}

static void test_reader__literal_holding_announcement(void **state)
{
    /* a literal whose bytes end like an announcement is data, not one */
    fixture f;
    OPEN(&f, "* 1 FETCH (BODY[] {8}\r\nx {99}\r\n)\r\n", odd, 5);
    EXPECT(&f, "* 1 FETCH (BODY[] {8}\r\nx {99}\r\n)");
    imc_reader_free(&f.rd);
}

static void test_reader__literal_ending_the_response(void **state)
{
    fixture f;
    OPEN(&f, "* LIST () \"/\" {3}\r\nabc\r\n* OK\r\n", NULL, 0);
    EXPECT(&f, "* LIST () \"/\" {3}\r\nabc");
    EXPECT(&f, "* OK");
    imc_reader_free(&f.rd);
}

static void test_reader__literal_ending_in_cr_then_bare_lf(void **state)
{
    /* the literal's own CR stays; the line end after it is a bare LF */
    fixture f;
    OPEN(&f, "* X {2}\r\na\r\n* OK\r\n", NULL, 0);
    EXPECT(&f, "* X {2}\r\na\r");
    EXPECT(&f, "* OK");
    imc_reader_free(&f.rd);
}

static void test_reader__empty_literal(void **state)
{
    fixture f;
    OPEN(&f, "* 4 FETCH (BODY[TEXT] {0}\r\n)\r\n", one, 1);
    EXPECT(&f, "* 4 FETCH (BODY[TEXT] {0}\r\n)");
    imc_reader_free(&f.rd);
}

static void test_reader__bare_lf_after_announcement(void **state)
{
    /* the parser always sees "{n}\r\n", whatever the server sent */
    fixture f;
    OPEN(&f, "* 1 FETCH (BODY[] {3}\nabc)\n", NULL, 0);
    EXPECT(&f, "* 1 FETCH (BODY[] {3}\r\nabc)");
    imc_reader_free(&f.rd);
}

static void test_reader__literal_plus_form(void **state)
{
    fixture f;
    OPEN(&f, "* X {3+}\r\nabc\r\n", NULL, 0);
    EXPECT(&f, "* X {3+}\r\nabc");
    imc_reader_free(&f.rd);
}

static void test_reader__literal8_with_nul(void **state)
{
    fixture f;
    OPEN(&f, "* 3 FETCH (BINARY[1] ~{4}\r\n\0\r\n\0)\r\n", odd, 5);
    EXPECT(&f, "* 3 FETCH (BINARY[1] ~{4}\r\n\0\r\n\0)");
    imc_reader_free(&f.rd);
}

static void test_reader__not_a_literal(void **state)
{
    /* lines ending in '}' that do not announce a literal */
    fixture f;
    OPEN(&f, "* OK {abc}\r\n* OK {}\r\n* OK 12}\r\n* OK {1a}\r\n* OK {+}\r\n* OK a}\r\n",
         NULL, 0);
    EXPECT(&f, "* OK {abc}");
    EXPECT(&f, "* OK {}");
    EXPECT(&f, "* OK 12}");
    EXPECT(&f, "* OK {1a}");
    EXPECT(&f, "* OK {+}");
    EXPECT(&f, "* OK a}");
    imc_reader_free(&f.rd);
}

static void test_reader__announcement_alone_on_line(void **state)
{
    fixture f;
    OPEN(&f, "{2}\r\nab\r\n", NULL, 0);
    EXPECT(&f, "{2}\r\nab");
    imc_reader_free(&f.rd);
}

static void test_reader__line_at_max_accepted(void **state)
{
    char in[64];
    memset(in, 'x', 32);
    memcpy(in + 32, "\r\n", 2);
    fixture f;
    open_reader(&f, in, 34, odd, 5, 32, 1024);
    expect_resp(&f, in, 32);
    imc_reader_free(&f.rd);
}

static void test_reader__line_over_max(void **state)
{
    char in[64];
    memset(in, 'x', 33);
    memcpy(in + 33, "\r\n", 2);
    fixture f;
    open_reader(&f, in, 35, NULL, 0, 32, 1024);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_ETOOBIG);
    assert_string_equal(f.rd.err, "response line longer than 32 bytes");
    imc_reader_free(&f.rd);
}

static void test_reader__line_that_never_ends(void **state)
{
    /* 1 MiB without a newline, cap 4 KiB: refused, memory stays small */
    size_t n = 1 << 20;
    char *in = malloc(n);
    memset(in, 'a', n);
    fixture f;
    open_reader(&f, in, n, NULL, 0, 4096, 1024);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_ETOOBIG);
    assert_true(f.rd.resp.cap <= 2 * 65536 + 4096);
    assert_true(f.m.pos <= 2 * 65536);
    imc_reader_free(&f.rd);
    free(in);
}

static void test_reader__line_cap_is_per_line_not_per_literal(void **state)
{
    /* two 20-byte lines around a 100-byte literal pass a 24-byte line cap */
    char in[256];
    size_t n = 0;
    memcpy(in, "* 1 FETCH (BODY[] {100}\r\n", 25);
    n = 25;
    memset(in + n, 'z', 100);
    n += 100;
    memcpy(in + n, " UID 1234567890123)\r\n", 21);
    n += 21;
    fixture f;
    open_reader(&f, in, n, odd, 5, 23, 1000);
    assert_int_equal(imc_reader_next(&f.rd, 0), 0);
    assert_int_equal(f.rd.resp.len, n - 2);
    imc_reader_free(&f.rd);
}

static void test_reader__literal_over_max(void **state)
{
    fixture f;
    const char in[] = "* 1 FETCH (BODY[] {1025}\r\nabc";
    open_reader(&f, in, sizeof in - 1, NULL, 0, 1024, 1024);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_ETOOBIG);
    assert_string_equal(f.rd.err,
                        "literal of 1025 bytes exceeds the limit of 1024 bytes");
    assert_true(f.rd.resp.cap < 4096); /* refused before any of it is read */
    imc_reader_free(&f.rd);
}

static void test_reader__literal_at_max_accepted(void **state)
{
    char in[64];
    memcpy(in, "* X {16}\r\n", 10);
    memset(in + 10, 'q', 16);
    memcpy(in + 26, "\r\n", 2);
    fixture f;
    open_reader(&f, in, 28, one, 1, 1024, 16);
    expect_resp(&f, in, 26);
    imc_reader_free(&f.rd);
}

static void test_reader__literal_size_2pow63(void **state)
{
    /* 2^63 - 1 is a size (over the cap); 2^63 and more are protocol errors */
    fixture f;
    const char ok[] = "* 1 FETCH (BODY[] {9223372036854775807}\r\n";
    open_reader(&f, ok, sizeof ok - 1, NULL, 0, 1024, UINT64_MAX);
    /* with no cap the reader starts reading: the stream ends inside */
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EABORT);
    assert_non_null(strstr(f.rd.err, "(0 of 9223372036854775807 bytes read)"));
    imc_reader_free(&f.rd);

    const char big[] = "* 1 FETCH (BODY[] {9223372036854775808}\r\nabc)\r\n";
    open_reader(&f, big, sizeof big - 1, NULL, 0, 1024, UINT64_MAX);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EPROTOCOL);
    assert_string_equal(f.rd.err, "literal size 9223372036854775808 is beyond 2^63");
    imc_reader_free(&f.rd);

    const char huge[] = "* X {340282366920938463463374607431768211456}\r\n";
    open_reader(&f, huge, sizeof huge - 1, NULL, 0, 1024, UINT64_MAX);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EPROTOCOL);
    imc_reader_free(&f.rd);
}

static void test_reader__lying_literal_size(void **state)
{
    /* announces 1 GB, sends 10 bytes and hangs up: memory follows what
     * arrived, not what was announced */
    fixture f;
    const char in[] = "* 1 FETCH (BODY[] {1000000000}\r\n0123456789";
    open_reader(&f, in, sizeof in - 1, NULL, 0, 1024, 2000000000);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EABORT);
    assert_string_equal(
        f.rd.err, "connection closed inside a literal (10 of 1000000000 bytes read)");
    assert_true(f.rd.resp.cap <= 256 * 1024);
    imc_reader_free(&f.rd);
}

static void test_reader__lying_literal_size_memory_follows_data(void **state)
{
    /* announces 4 GB, sends 3 MB in odd pieces: the buffer stays within a
     * small factor of what arrived */
    size_t sent = 3 << 20;
    const char head[] = "* 1 FETCH (BODY[] {4000000000}\r\n";
    char *in = malloc(sizeof head - 1 + sent);
    memcpy(in, head, sizeof head - 1);
    memset(in + sizeof head - 1, 'x', sent);
    static const size_t sizes[] = {1000, 70000, 5, 300000};
    fixture f;
    open_reader(&f, in, sizeof head - 1 + sent, sizes, 4, 1024, UINT64_MAX);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EABORT);
    assert_non_null(strstr(f.rd.err, "(3145728 of 4000000000 bytes read)"));
    assert_int_equal(f.rd.resp.len, sizeof head - 1 + sent);
    assert_true(f.rd.resp.cap <= 4 * (sizeof head - 1 + sent));
    imc_reader_free(&f.rd);
    free(in);
}

static void test_reader__eof_inside_literal(void **state)
{
    fixture f;
    const char in[] = "* 1 FETCH (BODY[] {5}\r\nab";
    OPEN(&f, in, one, 1);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EABORT);
    assert_string_equal(f.rd.err,
                        "connection closed inside a literal (2 of 5 bytes read)");
    imc_reader_free(&f.rd);
}

static void test_reader__eof_mid_line(void **state)
{
    fixture f;
    OPEN(&f, "* OK complete\r\n* 3 EXI", NULL, 0);
    EXPECT(&f, "* OK complete");
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EABORT);
    assert_string_equal(f.rd.err, "connection closed in the middle of a response");
    imc_reader_free(&f.rd);
}

static void test_reader__eof_after_literal(void **state)
{
    fixture f;
    OPEN(&f, "* X {2}\r\nab", NULL, 0);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EABORT);
    assert_string_equal(f.rd.err, "connection closed in the middle of a response");
    imc_reader_free(&f.rd);
}

static void test_reader__transport_error_passed_on(void **state)
{
    fixture f;
    OPEN(&f, "* OK partial", NULL, 0);
    f.m.end_status = IMAPCLIENT_ETIMEOUT;
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_ETIMEOUT);
    assert_string_equal(f.rd.err, "scripted failure -10");
    imc_reader_free(&f.rd);
}

static void test_reader__timeout_inside_literal(void **state)
{
    fixture f;
    OPEN(&f, "* X {4}\r\nab", NULL, 0);
    f.m.end_status = IMAPCLIENT_ETIMEOUT;
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_ETIMEOUT);
    imc_reader_free(&f.rd);
    /* a large literal, read straight into the response, times out too */
    size_t n = 10 + 40000;
    char *in = malloc(n);
    memcpy(in, "* X {99999}\r\n", 13);
    memset(in + 13, 'y', n - 13);
    open_reader(&f, in, n, NULL, 0, 1024, 1 << 20);
    f.m.end_status = IMAPCLIENT_ETIMEOUT;
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_ETIMEOUT);
    assert_string_equal(f.rd.err, "scripted failure -10");
    assert_int_equal(f.rd.resp.len, n);
    imc_reader_free(&f.rd);
    free(in);
}

static void test_reader__wait_without_fd(void **state)
{
    fixture f;
    OPEN(&f, "* OK\r\n", NULL, 0);
    assert_int_equal(imc_reader_buffered(&f.rd), 0);
    assert_int_equal(imc_reader_wait(&f.rd, -1), 1); /* reads, finds data */
    assert_int_equal(imc_reader_buffered(&f.rd), 6);
    EXPECT(&f, "* OK");
    f.m.end_status = IMAPCLIENT_ETIMEOUT;
    assert_int_equal(imc_reader_wait(&f.rd, 10), 0); /* timeout is "not ready" */
    imc_reader_free(&f.rd);
}

static void test_reader__long_line_over_many_fills(void **state)
{
    /* 300 KB of SEARCH results: longer than the 64 KiB input buffer */
    imc_buf b;
    imc_buf_init(&b, 0);
    imc_buf_adds(&b, "* SEARCH");
    for (int i = 1; i <= 50000; i++)
        imc_buf_printf(&b, " %d", i);
    size_t line = b.len;
    imc_buf_adds(&b, "\r\nA1 OK\r\n");
    fixture f;
    open_reader(&f, b.data, b.len, NULL, 0, 1 << 20, 1024);
    expect_resp(&f, b.data, line);
    EXPECT(&f, "A1 OK");
    imc_reader_free(&f.rd);
    imc_buf_free(&b);
}

static void test_reader__large_literal(void **state)
{
    /* 3 MiB literal with every byte value, delivered in 100000-byte reads */
    size_t n = 3 << 20;
    imc_buf b;
    imc_buf_init(&b, 0);
    imc_buf_printf(&b, "* 1 FETCH (BODY[] {%zu}\r\n", n);
    size_t head = b.len;
    imc_buf_reserve(&b, n + 16);
    for (size_t i = 0; i < n; i++)
        b.data[b.len++] = (char)(i % 251);
    imc_buf_adds(&b, ")\r\n");
    size_t chunk[] = {100000};
    fixture f;
    open_reader(&f, b.data, b.len, chunk, 1, 1024, 4 << 20);
    expect_resp(&f, b.data, b.len - 2);
    assert_int_equal(f.rd.resp.len, head + n + 1);
    imc_reader_free(&f.rd);
    imc_buf_free(&b);
}

static void test_reader__many_literals_in_one_response(void **state)
{
    imc_buf b, want;
    imc_buf_init(&b, 0);
    imc_buf_init(&want, 0);
    imc_buf_adds(&b, "* 1 FETCH (");
    for (int i = 0; i < 200; i++)
        imc_buf_printf(&b, "BODY[%d] {%d}\r\n%0*d ", i, i % 7 + 3, i % 7 + 3, i);
    imc_buf_adds(&b, "UID 1)");
    imc_buf_add(&want, b.data, b.len);
    imc_buf_adds(&b, "\r\n");
    fixture f;
    open_reader(&f, b.data, b.len, odd, 5, 64, 64);
    expect_resp(&f, want.data, want.len);
    /* and the parser agrees: 200 literals, each with its digits */
    imc_parser p;
    imc_parser_init(&p, 0);
    imc_arena *a = imc_arena_new();
    imapclient_response r;
    assert_int_equal(imc_parse_response(&p, f.rd.resp.data, f.rd.resp.len, a, 0, &r), 0);
    const imapclient_value *l = &r.args->items[0];
    assert_int_equal(l->count, 402);
    assert_int_equal(l->items[2 * 13 + 1].type, IMAPCLIENT_VALUE_LITERAL);
    assert_string_equal(l->items[2 * 13 + 1].str, "000000013");
    imc_arena_free(a);
    imc_parser_free(&p);
    imc_reader_free(&f.rd);
    imc_buf_free(&b);
    imc_buf_free(&want);
}

static void test_reader__responses_after_literal_response(void **state)
{
    fixture f;
    OPEN(&f,
         "* 1 FETCH (RFC822 {4}\r\nbody)\r\n* 2 FETCH (RFC822 {2}\r\nhi)\r\nA3 OK FETCH "
         "done\r\n",
         odd, 5);
    EXPECT(&f, "* 1 FETCH (RFC822 {4}\r\nbody)");
    EXPECT(&f, "* 2 FETCH (RFC822 {2}\r\nhi)");
    EXPECT(&f, "A3 OK FETCH done");
    imc_reader_free(&f.rd);
}

/* Body sinks: a diverted literal's bytes go to lit_data, never into the
 * response, whatever its size (also on the path that reads large
 * literals straight into the response). */
typedef struct sink {
    imc_buf got;
    int calls;
    size_t announced;
} sink;

static int sink_divert(void *ud, const char *resp, size_t len, uint64_t n)
{
    sink *s = ud;
    s->announced = (size_t)n;
    /* divert BODY[] literals only */
    return len >= 7 && memcmp(resp + len - 7, "BODY[] ", 7) == 0;
}

static int sink_data(void *ud, const char *p, size_t n)
{
    sink *s = ud;
    s->calls++;
    return imc_buf_add(&s->got, p, n);
}

static void test_reader__diverted_literal_goes_to_sink(void **state)
{
    size_t sizes[] = {5, 40000, 200000};
    for (int direct = 0; direct < 2; direct++) {
        for (size_t k = 0; k < 3; k++) {
            size_t n = sizes[k];
            imc_buf in;
            imc_buf_init(&in, 0);
            imc_buf_printf(&in, "* 1 FETCH (UID 7 BODY[] {%zu}\r\n", n);
            size_t head = in.len;
            for (size_t i = 0; i < n; i++)
                imc_buf_addc(&in, (char)('a' + i % 26));
            imc_buf_adds(&in, " BODY[1] {3}\r\nxyz)\r\n");
            sink s = {.calls = 0};
            imc_buf_init(&s.got, 0);
            fixture f;
            open_reader(&f, in.data, in.len, odd, 5, 1024, 16); /* cap: not for sinks */
            if (direct)
                f.rd.direct_min = 1;
            f.rd.lit_divert = sink_divert;
            f.rd.lit_data = sink_data;
            f.rd.lit_ud = &s;
            EXPECT(&f, "* 1 FETCH (UID 7 BODY[] {0}\r\n BODY[1] {3}\r\nxyz)");
            assert_int_equal(s.got.len, n);
            assert_memory_equal(s.got.data, in.data + head, n);
            assert_int_equal(f.rd.lit_failed, 0);
            imc_reader_free(&f.rd);
            imc_buf_free(&s.got);
            imc_buf_free(&in);
        }
    }
}

/* ---- a line break between a literal and the rest of its list ---------- */

/* Gmail: "BODY[HEADER] {515}\r\n<515 bytes> \r\n)\r\n". The next line is
 * joined (the line break read as a space), once per literal, whatever the
 * read sizes. */
static void test_reader__continue_list_after_literal(void **state)
{
    static const char in[] = "* 1 FETCH (UID 5 BODY[HEADER] {5}\r\nhello \r\n)\r\n"
                             "A1 OK done\r\n";
    const size_t *chunks[] = {NULL, one, odd};
    for (size_t k = 0; k < 3; k++) {
        fixture f;
        OPEN(&f, in, chunks[k], chunks[k] == odd ? 5 : chunks[k] ? 1 : 0);
        EXPECT(&f, "* 1 FETCH (UID 5 BODY[HEADER] {5}\r\nhello ");
        assert_int_equal(imc_reader_continue_list(&f.rd), 1);
        EXPECT(&f, "* 1 FETCH (UID 5 BODY[HEADER] {5}\r\nhello  )");
        assert_int_equal(imc_reader_continue_list(&f.rd), 0); /* once a literal */
        EXPECT(&f, "A1 OK done");
        imc_reader_free(&f.rd);
    }
}

/* A joined line may announce a literal of its own; after it, one more line
 * may be joined. */
static void test_reader__continue_list_literal_in_joined_line(void **state)
{
    fixture f;
    OPEN(&f,
         "* 1 FETCH (BODY[1] {3}\r\nabc\r\n BODY[2] {2}\r\nxy\r\n)\r\n"
         "A1 OK done\r\n",
         odd, 5);
    EXPECT(&f, "* 1 FETCH (BODY[1] {3}\r\nabc");
    assert_int_equal(imc_reader_continue_list(&f.rd), 1);
    EXPECT(&f, "* 1 FETCH (BODY[1] {3}\r\nabc  BODY[2] {2}\r\nxy");
    assert_int_equal(imc_reader_continue_list(&f.rd), 1);
    EXPECT(&f, "* 1 FETCH (BODY[1] {3}\r\nabc  BODY[2] {2}\r\nxy )");
    EXPECT(&f, "A1 OK done");
    imc_reader_free(&f.rd);
}

/* Strict elsewhere: no literal or text after the literal (nothing to do),
 * or a next line that starts a response of its own ("*", "+", a tag: the
 * response is given back as it was, and that line is the next response). */
static void test_reader__continue_list_refused(void **state)
{
    static const struct {
        const char *in, *first, *next;
        int tries;
    } cases[] = {
        {"* 1 FETCH (FLAGS\r\n)\r\n", "* 1 FETCH (FLAGS", ")", 0},
        {"* 1 FETCH (BODY[] {3}\r\nabc X\r\n)\r\n", "* 1 FETCH (BODY[] {3}\r\nabc X", ")",
         0},
        {"* 1 FETCH (BODY[] {3}\r\nabc\r\nA1 OK done\r\n", "* 1 FETCH (BODY[] {3}\r\nabc",
         "A1 OK done", 1},
        {"* 1 FETCH (BODY[] {3}\r\nabc\r\n* 2 EXISTS\r\n", "* 1 FETCH (BODY[] {3}\r\nabc",
         "* 2 EXISTS", 1},
        {"* 1 FETCH (BODY[] {3}\r\nabc\r\n+ go\r\n", "* 1 FETCH (BODY[] {3}\r\nabc",
         "+ go", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture f;
        open_reader(&f, cases[i].in, strlen(cases[i].in), one, 1, 1 << 16, 1 << 20);
        expect_resp(&f, cases[i].first, strlen(cases[i].first));
        assert_int_equal(imc_reader_continue_list(&f.rd), cases[i].tries);
        if (cases[i].tries) { /* given back as it was, and only once */
            expect_resp(&f, cases[i].first, strlen(cases[i].first));
            assert_int_equal(imc_reader_continue_list(&f.rd), 0);
        }
        expect_resp(&f, cases[i].next, strlen(cases[i].next));
        imc_reader_free(&f.rd);
    }
}

/* The joined line is under the same line cap; the end of the stream there
 * is an error as anywhere in a response. */
static void test_reader__continue_list_caps_and_eof(void **state)
{
    char in[256];
    snprintf(in, sizeof in, "* 1 FETCH (BODY[] {3}\r\nabc\r\n%s)\r\n",
             " XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
    fixture f;
    open_reader(&f, in, strlen(in), NULL, 0, 40, 1 << 20);
    EXPECT(&f, "* 1 FETCH (BODY[] {3}\r\nabc");
    assert_int_equal(imc_reader_continue_list(&f.rd), 1);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_ETOOBIG);
    imc_reader_free(&f.rd);

    OPEN(&f, "* 1 FETCH (BODY[] {3}\r\nabc\r\n", NULL, 0);
    EXPECT(&f, "* 1 FETCH (BODY[] {3}\r\nabc");
    assert_int_equal(imc_reader_continue_list(&f.rd), 1);
    assert_int_equal(imc_reader_next(&f.rd, 0), IMAPCLIENT_EABORT);
    imc_reader_free(&f.rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader__one_line),
        cmocka_unit_test(test_reader__two_responses_in_one_read),
        cmocka_unit_test(test_reader__byte_by_byte),
        cmocka_unit_test(test_reader__bare_lf_line_end),
        cmocka_unit_test(test_reader__cr_inside_line_kept),
        cmocka_unit_test(test_reader__empty_line),
        cmocka_unit_test(test_reader__nul_in_line_kept),
        cmocka_unit_test(test_reader__literal_spanning_reads),
        cmocka_unit_test(test_reader__line_cap_counts_from_after_a_direct_literal),
        cmocka_unit_test(test_reader__literal_holding_announcement),
        cmocka_unit_test(test_reader__literal_ending_the_response),
        cmocka_unit_test(test_reader__literal_ending_in_cr_then_bare_lf),
        cmocka_unit_test(test_reader__empty_literal),
        cmocka_unit_test(test_reader__bare_lf_after_announcement),
        cmocka_unit_test(test_reader__literal_plus_form),
        cmocka_unit_test(test_reader__literal8_with_nul),
        cmocka_unit_test(test_reader__not_a_literal),
        cmocka_unit_test(test_reader__announcement_alone_on_line),
        cmocka_unit_test(test_reader__line_at_max_accepted),
        cmocka_unit_test(test_reader__line_over_max),
        cmocka_unit_test(test_reader__line_that_never_ends),
        cmocka_unit_test(test_reader__line_cap_is_per_line_not_per_literal),
        cmocka_unit_test(test_reader__literal_over_max),
        cmocka_unit_test(test_reader__literal_at_max_accepted),
        cmocka_unit_test(test_reader__literal_size_2pow63),
        cmocka_unit_test(test_reader__lying_literal_size),
        cmocka_unit_test(test_reader__lying_literal_size_memory_follows_data),
        cmocka_unit_test(test_reader__eof_inside_literal),
        cmocka_unit_test(test_reader__eof_mid_line),
        cmocka_unit_test(test_reader__eof_after_literal),
        cmocka_unit_test(test_reader__transport_error_passed_on),
        cmocka_unit_test(test_reader__timeout_inside_literal),
        cmocka_unit_test(test_reader__wait_without_fd),
        cmocka_unit_test(test_reader__long_line_over_many_fills),
        cmocka_unit_test(test_reader__large_literal),
        cmocka_unit_test(test_reader__many_literals_in_one_response),
        cmocka_unit_test(test_reader__responses_after_literal_response),
        cmocka_unit_test(test_reader__diverted_literal_goes_to_sink),
        cmocka_unit_test(test_reader__continue_list_after_literal),
        cmocka_unit_test(test_reader__continue_list_literal_in_joined_line),
        cmocka_unit_test(test_reader__continue_list_refused),
        cmocka_unit_test(test_reader__continue_list_caps_and_eof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
