/* Streaming APPEND on canned server bytes: line ends normalised while
 * streaming (the literal's size counted first), bytes sent as they are
 * with crlf set, NUL found before anything is sent, sources that cannot be
 * read twice, a source that ends early or fails half-way (the handle is
 * then unusable), MULTIAPPEND of sources, pieces far larger than the
 * staging buffer, random line ends against a byte-by-byte normaliser, and
 * the memory a MULTIAPPEND of 2,000 sources holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <imapclient.h>

static imapclient *play(const char *script)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    return c;
}

static void done(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent so far:\n%s",
                 imapclient_script_sent(c));
    imapclient_free(c);
}

#define GREET "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ MULTIAPPEND UIDPLUS] ready\n"

/* A read callback over a string, optionally failing after some bytes. */
typedef struct cursor {
    const char *s;
    size_t len, pos;
    size_t fail_at; /* 0: never */
    int rewinds;
} cursor;

static long long cur_read(void *payload, char *buf, size_t n)
{
    cursor *k = payload;
    if (k->fail_at && k->pos >= k->fail_at)
        return -1;
    size_t m = k->len - k->pos < n ? k->len - k->pos : n;
    if (m > 3)
        m = 3; /* tiny pieces: the normaliser must carry state across */
    memcpy(buf, k->s + k->pos, m);
    k->pos += m;
    return (long long)m;
}

static int cur_rewind(void *payload)
{
    cursor *k = payload;
    k->pos = 0;
    k->rewinds++;
    return 0;
}

static void test_append_stream__normalises_across_pieces(void **state)
{
    imapclient *c = play(GREET "C: A001 APPEND \"INBOX\" () {17+}\n"
                               "C% a%0D%0Ab%0D%0A%0D%0Ac%0D%0Ad%0D%0Ae%0D%0A%0D%0A\n"
                               "S: A001 OK [APPENDUID 5 77] done\n");
    /* CRLF, bare CR, bare LF and CR+LF split over pieces */
    cursor k = {.s = "a\r\nb\r\rc\nd\re\n", .len = 12};
    imapclient_source src = {
        .fd = -1, .read = cur_read, .rewind = cur_rewind, .payload = &k, .size = k.len};
    imapclient_append_result *r = NULL;
    int rc = imapclient_append_stream(c, "INBOX", &src, NULL, NULL, &r);
    if (rc)
        fail_msg("%d %s", rc, imapclient_errmsg(c));
    assert_int_equal(k.rewinds, 1);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->uids[0], 77);
    imapclient_append_result_free(r);
    done(c);
}

static void test_append_stream__crlf_sent_as_is_in_one_pass(void **state)
{
    imapclient *c = play(GREET "C: A001 APPEND \"INBOX\" (\\Seen) {7+}\n"
                               "C% a%0Db%0Ac%0D%0A%0D%0A\n"
                               "S: A001 OK done\n");
    cursor k = {.s = "a\rb\nc\r\n", .len = 7};
    imapclient_source src = {
        .fd = -1, .read = cur_read, .payload = &k, .size = k.len, .crlf = 1};
    assert_int_equal(imapclient_append_stream(
                         c, "INBOX", &src, (const char *[]){"\\Seen", NULL}, NULL, NULL),
                     0);
    assert_int_equal(k.rewinds, 0);
    done(c);
}

static void test_append_stream__nul_refused_before_sending(void **state)
{
    imapclient *c = play(GREET);
    cursor k = {.s = "ab\0cd", .len = 5};
    imapclient_source src = {
        .fd = -1, .read = cur_read, .rewind = cur_rewind, .payload = &k, .size = k.len};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "NUL byte at offset 2"));
    done(c); /* nothing sent */
}

static void test_append_stream__needs_a_second_pass(void **state)
{
    imapclient *c = play(GREET);
    cursor k = {.s = "abc\n", .len = 4};
    imapclient_source src = {.fd = -1, .read = cur_read, .payload = &k, .size = k.len};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "rewind"));
    /* a pipe cannot be read twice either */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    imapclient_source p = {.fd = fds[0], .size = 4};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &p, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    close(fds[0]);
    close(fds[1]);
    imapclient_source empty = {.fd = -1, .read = cur_read, .payload = &k, .size = 0};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &empty, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    imapclient_source none = {.fd = -1, .size = 3};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &none, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    done(c);
}

/* The source ends before its size (crlf set, so no counting pass): half a
 * literal is out, the connection cannot go on in step. */
static void test_append_stream__source_ends_early(void **state)
{
    imapclient *c = play(GREET "C: A001 APPEND \"INBOX\" () {10+}\n"
                               "C+ abcd\n");
    cursor k = {.s = "abcd", .len = 4};
    imapclient_source src = {
        .fd = -1, .read = cur_read, .payload = &k, .size = 10, .crlf = 1};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL),
                     IMAPCLIENT_EIO);
    assert_non_null(strstr(imapclient_errmsg(c), "ended after 4 of 10 bytes"));
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_append_stream__source_fails_half_way(void **state)
{
    imapclient *c = play(GREET "C: A001 APPEND \"INBOX\" () {8+}\n"
                               "C+ abc\n");
    cursor k = {.s = "abcdefgh", .len = 8, .fail_at = 3};
    imapclient_source src = {
        .fd = -1, .read = cur_read, .payload = &k, .size = 8, .crlf = 1};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL),
                     IMAPCLIENT_EIO);
    assert_non_null(strstr(imapclient_errmsg(c), "read callback failed"));
    imapclient_free(c);
}

/* A NUL met while streaming (crlf set: no counting pass) ends the
 * connection: the literal cannot be completed honestly. */
static void test_append_stream__nul_on_the_way(void **state)
{
    imapclient *c = play(GREET "C: A001 APPEND \"INBOX\" () {5+}\n");
    cursor k = {.s = "ab\0cd", .len = 5};
    imapclient_source src = {
        .fd = -1, .read = cur_read, .payload = &k, .size = 5, .crlf = 1};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

/* An already-normal message is counted once and then copied; should the
 * source change between the passes (a NUL where the count saw none), the
 * NUL is still refused on the way and the connection ends. */
static int swap_rewind(void *payload)
{
    cursor *k = payload;
    k->pos = 0;
    k->rewinds++;
    k->s = "a\r\n\0\r\n"; /* same size, a NUL now */
    return 0;
}

static void test_append_stream__source_changes_between_passes(void **state)
{
    imapclient *c = play(GREET "C: A001 APPEND \"INBOX\" () {6+}\n");
    cursor k = {.s = "a\r\nb\r\n", .len = 6};
    imapclient_source src = {
        .fd = -1, .read = cur_read, .rewind = swap_rewind, .payload = &k, .size = 6};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(k.rewinds, 1);
    assert_non_null(strstr(imapclient_errmsg(c), "NUL"));
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_append_stream__multiappend(void **state)
{
    imapclient *c = play(GREET "C% A001 APPEND \"INBOX\" {3+}%0D%0Aa%0D%0A (\\Seen) "
                               "{3+}%0D%0Ab%0D%0A%0D%0A\n"
                               "S: A001 OK [APPENDUID 5 7:8] done\n");
    cursor k1 = {.s = "a\n", .len = 2}, k2 = {.s = "b\r", .len = 2};
    imapclient_append_source m[2] = {
        {.src = {.fd = -1,
                 .read = cur_read,
                 .rewind = cur_rewind,
                 .payload = &k1,
                 .size = 2}},
        {.src = {.fd = -1,
                 .read = cur_read,
                 .rewind = cur_rewind,
                 .payload = &k2,
                 .size = 2},
         .flags = (const char *[]){"\\Seen", NULL}},
    };
    imapclient_append_result *r = NULL;
    assert_int_equal(imapclient_multiappend_stream(c, "INBOX", m, 2, &r), 0);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->uids[1], 8);
    imapclient_append_result_free(r);
    done(c);
}

/* 1 MB from a file through the 16 KiB staging buffer, every LF sent as
 * CRLF, checked byte for byte by the script. */
static void test_append_stream__big_file(void **state)
{
    char path[] = "/tmp/test_append_stream_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    size_t n = 1u << 20;
    char *body = malloc(n);
    for (size_t i = 0; i < n; i++)
        body[i] = (i % 64) == 63 ? '\n' : (char)('a' + i % 26);
    assert_int_equal(write(fd, body, n), (ssize_t)n);
    assert_int_equal(lseek(fd, 100, SEEK_SET), 100); /* from the fd's offset on */
    size_t raw = n - 100, sent = 0;
    for (size_t i = 100; i < n; i++)
        sent += body[i] == '\n' ? 2 : 1;
    char *script = malloc(sent * 3 + 512);
    size_t k =
        (size_t)sprintf(script, GREET "C: A001 APPEND \"INBOX\" () {%zu+}\nC%% ", sent);
    for (size_t i = 100; i < n; i++) {
        if (body[i] == '\n') {
            memcpy(script + k, "%0D%0A", 6);
            k += 6;
        } else {
            script[k++] = body[i];
        }
    }
    k += (size_t)sprintf(script + k, "%%0D%%0A\nS: A001 OK done\n");
    imapclient *c = play(script);
    imapclient_source src = {.fd = fd, .size = raw};
    assert_int_equal(imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL), 0);
    /* the fd's offset is left where it was */
    assert_int_equal(lseek(fd, 0, SEEK_CUR), 100);
    done(c);
    free(script);
    free(body);
    close(fd);
}

/* A read callback over a string in pieces of at most step bytes. */
typedef struct stepper {
    const char *s;
    size_t len, pos, step;
} stepper;

static long long step_read(void *payload, char *buf, size_t n)
{
    stepper *k = payload;
    size_t m = k->len - k->pos < n ? k->len - k->pos : n;
    if (m > k->step)
        m = k->step;
    memcpy(buf, k->s + k->pos, m);
    k->pos += m;
    return (long long)m;
}

static int step_rewind(void *payload)
{
    ((stepper *)payload)->pos = 0;
    return 0;
}

/* Random text of a, b, CR and LF (runs long enough for the eight-byte
 * scan, CRLF pairs, lone CRs and LFs, CR LF split across reads), read in
 * random steps: the literal is what a byte-by-byte normaliser gives. */
static void test_append_stream__random_line_ends(void **state)
{
    unsigned seed = 12345;
    for (int iter = 0; iter < 300; iter++) {
        char msg[400], want[800], script[4096];
        size_t len = 1 + (seed = seed * 1103515245u + 12345u) % 399, w = 0;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 16;
            msg[i] = r < 10 ? 'a' : r < 12 ? 'b' : r < 14 ? '\r' : '\n';
        }
        for (size_t i = 0; i < len; i++) {
            if (msg[i] == '\r' || msg[i] == '\n') {
                want[w++] = '\r';
                want[w++] = '\n';
                if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n')
                    i++;
            } else {
                want[w++] = msg[i];
            }
        }
        size_t n = (size_t)snprintf(script, sizeof script,
                                    GREET "C: A001 APPEND \"INBOX\" () {%zu+}\nC%% ", w);
        for (size_t i = 0; i < w; i++)
            n += (size_t)snprintf(script + n, sizeof script - n, "%%%02X",
                                  (unsigned char)want[i]);
        snprintf(script + n, sizeof script - n, "%%0D%%0A\nS: A001 OK done\n");
        imapclient *c = play(script);
        stepper k = {msg, len, 0, 1 + (seed >> 8) % 23};
        imapclient_source src = {.fd = -1,
                                 .read = step_read,
                                 .rewind = step_rewind,
                                 .payload = &k,
                                 .size = len};
        if (imapclient_append_stream(c, "INBOX", &src, NULL, NULL, NULL))
            fail_msg("iteration %d (%zu bytes, reads of %zu): %s", iter, len, k.step,
                     imapclient_errmsg(c));
        done(c);
    }
}

#ifdef __GLIBC__
/* What MULTIAPPEND of 2,000 streamed messages holds while it goes out:
 * measured from the read callbacks, the heap in use must stay far below
 * the sources' read buffers taken together (2,000 x 8 KB): a source needs
 * its buffer only while it is read. */
typedef struct heapsrc {
    const char *s;
    size_t len, pos;
    size_t base;  /* heap in use before the call */
    size_t *peak; /* the most seen above base */
} heapsrc;

static long long heap_read(void *payload, char *buf, size_t n)
{
    heapsrc *h = payload;
    struct mallinfo2 mi = mallinfo2();
    size_t used = mi.uordblks > h->base ? mi.uordblks - h->base : 0;
    if (used > *h->peak)
        *h->peak = used;
    size_t m = h->len - h->pos < n ? h->len - h->pos : n;
    memcpy(buf, h->s + h->pos, m);
    h->pos += m;
    return (long long)m;
}

static int heap_rewind(void *payload)
{
    ((heapsrc *)payload)->pos = 0;
    return 0;
}

static void test_append_stream__multiappend_memory_bounded(void **state)
{
    enum { N = 2000 };
    static const char body[] = "Subject: s\r\n\r\nbody\r\n";
    size_t len = sizeof body - 1;
    size_t cap = (size_t)N * 64 + 256;
    char *script = malloc(cap);
    size_t s = (size_t)snprintf(script, cap, "%s", GREET "C% A001 APPEND \"INBOX\"");
    for (int i = 0; i < N; i++)
        s += (size_t)snprintf(script + s, cap - s, " {%zu+}%%0D%%0A%s", len,
                              "Subject: s%0D%0A%0D%0Abody%0D%0A");
    snprintf(script + s, cap - s, "%%0D%%0A\nS: A001 OK [APPENDUID 7 1:%d] done\n", N);
    imapclient *c = play(script);
    free(script);

    heapsrc *h = calloc(N, sizeof *h);
    imapclient_append_source *msgs = calloc(N, sizeof *msgs);
    size_t peak = 0;
    size_t base = mallinfo2().uordblks;
    for (int i = 0; i < N; i++) {
        h[i] = (heapsrc){body, len, 0, base, &peak};
        msgs[i].src = (imapclient_source){.fd = -1,
                                          .read = heap_read,
                                          .rewind = heap_rewind,
                                          .payload = &h[i],
                                          .size = len};
    }
    assert_int_equal(imapclient_multiappend_stream(c, "INBOX", msgs, N, NULL), 0);
    done(c);
    free(h);
    free(msgs);
    /* 2,000 read buffers of 8 KB would be 16 MB; the command and a few
     * hundred bytes per message are what may stay */
    if (peak > 2 * 1024 * 1024)
        fail_msg("%zu bytes of heap in use while streaming %d messages", peak, N);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_stream__normalises_across_pieces),
        cmocka_unit_test(test_append_stream__crlf_sent_as_is_in_one_pass),
        cmocka_unit_test(test_append_stream__nul_refused_before_sending),
        cmocka_unit_test(test_append_stream__needs_a_second_pass),
        cmocka_unit_test(test_append_stream__source_ends_early),
        cmocka_unit_test(test_append_stream__source_fails_half_way),
        cmocka_unit_test(test_append_stream__nul_on_the_way),
        cmocka_unit_test(test_append_stream__source_changes_between_passes),
        cmocka_unit_test(test_append_stream__multiappend),
        cmocka_unit_test(test_append_stream__big_file),
        cmocka_unit_test(test_append_stream__random_line_ends),
#ifdef __GLIBC__
        cmocka_unit_test(test_append_stream__multiappend_memory_bounded),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
