/* Hostile servers after COMPRESS=DEFLATE (RFC 4978): corrupt deflate
 * data, a decompression bomb, a stream that ends, a compressed response
 * cut short. The scripted server speaks raw deflate: the test compresses
 * the server's bytes itself, and predicts the client's bytes with a
 * deflate stream set up as the library sets up its own. */
#include "hostile.h"

#include <zlib.h>

typedef struct zside {
    z_stream z;
} zside;

static void z_init(zside *s)
{
    memset(s, 0, sizeof *s);
    /* as deflate.c: raw deflate, default level, window 15, memLevel 8 */
    assert_int_equal(deflateInit2(&s->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                                  Z_DEFAULT_STRATEGY),
                     Z_OK);
}

/* Append to script a directive ("S%" or "C%") carrying the compressed form
 * of data[0..len), flushed with flush. */
static void z_put(hbuf *script, zside *s, const char *dir, const void *data, size_t len,
                  int flush)
{
    unsigned char out[16384];
    hb_adds(script, dir);
    hb_adds(script, " ");
    s->z.next_in = (unsigned char *)data;
    s->z.avail_in = (uInt)len;
    do {
        s->z.next_out = out;
        s->z.avail_out = sizeof out;
        assert_int_not_equal(deflate(&s->z, flush), Z_STREAM_ERROR);
        for (size_t i = 0; i < sizeof out - s->z.avail_out; i++) {
            char x[4];
            snprintf(x, sizeof x, "%%%02X", out[i]);
            hb_adds(script, x);
        }
    } while (s->z.avail_out == 0);
    hb_adds(script, "\n");
}

static void z_end(zside *s)
{
    deflateEnd(&s->z);
}

/* The greeting and COMPRESS; client and server streams ready. */
static void start(hbuf *script, zside *client, zside *server)
{
    hb_adds(script, H_GREET_AUTH "C: A001 COMPRESS DEFLATE\nS: A001 OK DEFLATE active\n");
    z_init(client);
    z_init(server);
}

static imapclient *go(hbuf *script, zside *client, zside *server,
                      const imapclient_options *o)
{
    z_end(client);
    z_end(server);
    imapclient *c = h_connect(script->p, o);
    hb_free(script);
    h_assert_rc(imapclient_compress(c), 0, c);
    assert_true(imapclient_is_compressed(c));
    return c;
}

#define NOOP2 "A002 NOOP\r\n"

static void test_hostile__compress_works(void **state)
{
    hbuf s = {0};
    zside cl, sv;
    start(&s, &cl, &sv);
    z_put(&s, &cl, "C%", NOOP2, strlen(NOOP2), Z_SYNC_FLUSH);
    static const char reply[] = "* 3 EXISTS\r\nA002 OK done\r\n";
    z_put(&s, &sv, "S%", reply, strlen(reply), Z_SYNC_FLUSH);
    imapclient *c = go(&s, &cl, &sv, NULL);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_noop(c, &r), 0, c);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->items[0].number, 3);
    imapclient_responses_free(r);
    imapclient_free(c);
}

/* (imapclient_script_done() and _sent() cannot see through the deflate
 * layer: the calls' results show the script was followed) */
static void assert_dead(imapclient *c)
{
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "closed");
    imapclient_free(c);
}

static void test_hostile__compress_corrupt_data(void **state)
{
    hbuf s = {0};
    zside cl, sv;
    start(&s, &cl, &sv);
    z_put(&s, &cl, "C%", NOOP2, strlen(NOOP2), Z_SYNC_FLUSH);
    hb_adds(&s, "S% %FF%FF%FF%FF%00%12%34%56\n");
    imapclient *c = go(&s, &cl, &sv, NULL);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "inflate");
    assert_dead(c);
}

/* 16 MiB of 'x' in one line, a few KiB compressed: the line cap stops it,
 * memory stays bounded. */
static void test_hostile__compress_bomb(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_line = 1 << 20;
    hbuf s = {0};
    zside cl, sv;
    start(&s, &cl, &sv);
    z_put(&s, &cl, "C%", NOOP2, strlen(NOOP2), Z_SYNC_FLUSH);
    size_t chunk = 1 << 20;
    char *x = malloc(chunk);
    memset(x, 'x', chunk);
    memcpy(x, "* OK ", 5);
    /* consecutive S% directives are one stream of server bytes */
    for (int i = 0; i < 16; i++)
        z_put(&s, &sv, "S%", x, chunk, i == 15 ? Z_SYNC_FLUSH : Z_NO_FLUSH);
    free(x);
    imapclient *c = go(&s, &cl, &sv, &o);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_ETOOBIG, c);
    h_assert_errmsg_has(c, "longer than");
    assert_dead(c);
}

static void test_hostile__compress_stream_ends(void **state)
{
    hbuf s = {0};
    zside cl, sv;
    start(&s, &cl, &sv);
    z_put(&s, &cl, "C%", NOOP2, strlen(NOOP2), Z_SYNC_FLUSH);
    static const char reply[] = "* 3 EXISTS\r\n";
    z_put(&s, &sv, "S%", reply, strlen(reply), Z_FINISH);
    hb_adds(&s, "S: garbage after the end of the stream\n");
    imapclient *c = go(&s, &cl, &sv, NULL);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    /* what came before the end is kept, not lost */
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_take_responses(c, &r), 0, c);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->items[0].number, 3);
    imapclient_responses_free(r);
    assert_dead(c);
}

static void test_hostile__compress_cut_mid_response(void **state)
{
    hbuf s = {0};
    zside cl, sv;
    start(&s, &cl, &sv);
    z_put(&s, &cl, "C%", NOOP2, strlen(NOOP2), Z_SYNC_FLUSH);
    static const char reply[] = "* 1 FETCH (BODY[] {500}\r\nonly this much";
    z_put(&s, &sv, "S%", reply, strlen(reply), Z_SYNC_FLUSH);
    hb_adds(&s, "!EOF\n");
    imapclient *c = go(&s, &cl, &sv, NULL);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "inside a literal");
    assert_dead(c);
}

static void test_hostile__compress_malformed_keeps_connection(void **state)
{
    hbuf s = {0};
    zside cl, sv;
    start(&s, &cl, &sv);
    z_put(&s, &cl, "C%", NOOP2, strlen(NOOP2), Z_SYNC_FLUSH);
    static const char reply[] = "* 1 FETCH (FLAGS (\\Seen)\r\nA002 OK done\r\n";
    z_put(&s, &sv, "S%", reply, strlen(reply), Z_SYNC_FLUSH);
    static const char noop3[] = "A003 NOOP\r\n";
    z_put(&s, &cl, "C%", noop3, strlen(noop3), Z_SYNC_FLUSH);
    static const char reply3[] = "A003 OK done\r\n";
    z_put(&s, &sv, "S%", reply3, strlen(reply3), Z_SYNC_FLUSH);
    imapclient *c = go(&s, &cl, &sv, NULL);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EPROTOCOL, c);
    h_assert_errmsg_has(c, "list not terminated");
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__compress_works),
        cmocka_unit_test(test_hostile__compress_corrupt_data),
        cmocka_unit_test(test_hostile__compress_bomb),
        cmocka_unit_test(test_hostile__compress_stream_ends),
        cmocka_unit_test(test_hostile__compress_cut_mid_response),
        cmocka_unit_test(test_hostile__compress_malformed_keeps_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
