/* Hostile servers against pipelined commands, at the core (no transport:
 * the server's bytes are pushed in, what the client sends is taken).
 *
 * - The whole answer to eleven pipelined commands cut at every byte (the
 *   connection then drops): every command completes exactly once, the ones
 *   answered before the cut with their result, the others with EABORT.
 * - The same answer fed one byte at a time gives the same results as fed
 *   whole.
 * - Out-of-order completions, a completion repeated, foreign tags, stray
 *   continuations, garbage lines and a lying literal among them.
 * Memory and double completions are watched by the suite's valgrind and
 * ASan runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "front/front.h"

#include <imapclient.h>

#define NCMDS 8

typedef struct tally {
    int done[NCMDS + 1];
    int status[NCMDS + 1];
    long count[NCMDS + 1];
    void *src; /* the streamed source's state, for the tests that have one */
} tally;

static void on_done(imapclient *c, imapclient_completion *d)
{
    tally *t = d->user;
    assert_true(d->id >= 1 && d->id <= NCMDS);
    t->done[d->id]++;
    t->status[d->id] = d->status;
    t->count[d->id] = -1;
    if (d->result && d->op == IMAPCLIENT_OP_FETCH)
        t->count[d->id] = (long)((imapclient_fetch_result *)d->result)->count;
    if (d->result && d->op == IMAPCLIENT_OP_SEARCH)
        t->count[d->id] = (long)((imapclient_ids *)d->result)->count;
}

/* A handle as after a greeting and SELECT, with eight commands started:
 * three UID FETCHes, a SEARCH, a STORE, an APPEND (LITERAL+), a NOOP, then
 * a SELECT (A001..A008). */
static imapclient *session(tally *t)
{
    imapclient_options o;
    imapclient_options_init(&o);
    imapclient *c = imc_handle_new("hostile", &o);
    assert_non_null(c);
    assert_int_equal(imc_reader_init(&c->rd, NULL, o.max_line, 1 << 20), 0);
    c->dead = 0;
    c->greeted = 1;
    imc_set_state(c, IMAPCLIENT_STATE_SELECTED);
    static const imapclient_value items[] = {
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "IMAP4rev1", .len = 9},
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "LITERAL+", .len = 8},
    };
    static const imapclient_value caps = {
        .type = IMAPCLIENT_VALUE_LIST, .items = (imapclient_value *)items, .count = 2};
    assert_int_equal(imc_caps_set_from_values(c, &caps, 0), 0);
    static const char *const fl[] = {"FLAGS", NULL};
    static const char *const seen[] = {"\\Seen", NULL};
    assert_int_equal(imapclient_start_fetch(c, "1", fl, NULL, on_done, t, NULL), 0);
    assert_int_equal(imapclient_start_fetch(c, "2", fl, NULL, on_done, t, NULL), 0);
    assert_int_equal(imapclient_start_fetch(c, "3", fl, NULL, on_done, t, NULL), 0);
    assert_int_equal(
        imapclient_start_search(c, (const char *[]){"ALL", NULL}, NULL, on_done, t, NULL),
        0);
    assert_int_equal(imapclient_start_add_flags(c, "1", seen, 1, on_done, t, NULL), 0);
    assert_int_equal(
        imapclient_start_append(c, "INBOX", "a\r\n", 3, NULL, NULL, on_done, t, NULL), 0);
    assert_int_equal(imapclient_start_noop(c, on_done, t, NULL), 0);
    assert_int_equal(imapclient_start_select_folder(c, "X", 0, on_done, t, NULL), 0);
    return c;
}

static void drain(imapclient *c)
{
    const char *p;
    size_t n;
    while (imc_core_output(c, &p, &n) > 0)
        imc_core_written(c, n);
}

/* Feed bytes [0, len) in pieces of step, then (if eof) the end of stream;
 * free the handle; every command must have completed exactly once. A
 * piece never runs past the end of "A007 OK ...\r\n": as a real server,
 * the script answers the SELECT only once it could have been sent. */
static void play(const char *bytes, size_t len, size_t step, int eof, tally *t)
{
    imapclient *c = session(t);
    drain(c);
    const char *a7 = strstr(bytes, "A007 OK");
    size_t split = a7 ? (size_t)(strstr(a7, "\r\n") + 2 - bytes) : len;
    for (size_t off = 0; off < len && !c->dead;) {
        size_t k = len - off < step ? len - off : step;
        if (off < split && off + k > split)
            k = split - off;
        assert_int_equal(imc_reader_push(&c->rd, bytes + off, k), 0);
        off += k;
        imc_core_process(c, NULL);
        drain(c);
    }
    if (eof && !c->dead) {
        imc_core_eof(c);
        imc_core_process(c, NULL);
    }
    if (eof)
        assert_true(c->dead);
    imapclient_free(c);
    for (int i = 1; i <= NCMDS; i++)
        if (t->done[i] != 1)
            fail_msg("command %d completed %d times", i, t->done[i]);
}

static const char ANSWER[] = "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"
                             "A001 OK a\r\n"
                             "* 2 FETCH (UID 2 BODY[] {5}\r\nhello)\r\n"
                             "* 2 FETCH (UID 2 FLAGS ())\r\n"
                             "A002 OK b\r\n"
                             "* 3 FETCH (UID 3 FLAGS ())\r\n"
                             "A003 OK c\r\n"
                             "* SEARCH 1 2 3\r\n"
                             "A004 OK d\r\n"
                             "A005 OK e\r\n"
                             "A006 OK [APPENDUID 7 9] f\r\n"
                             "* 9 EXISTS\r\n"
                             "A007 OK g\r\n"
                             "* 4 EXISTS\r\n"
                             "A008 OK [READ-WRITE] h\r\n";

static void test_hostile_async__cut_at_every_byte(void **state)
{
    size_t len = sizeof ANSWER - 1;
    for (size_t cut = 0; cut <= len; cut++) {
        tally t = {0};
        play(ANSWER, cut, cut ? cut : 1, 1, &t);
        /* answered before the cut: success; the rest: the drop */
        const char *end = ANSWER + cut;
        for (int i = 1; i <= NCMDS; i++) {
            char tag[16];
            snprintf(tag, sizeof tag, "A%03d OK", i);
            const char *at = strstr(ANSWER, tag);
            const char *eol = at ? strstr(at, "\r\n") : NULL;
            int answered = eol && eol + 2 <= end;
            if (answered)
                assert_int_equal(t.status[i], 0);
            else if (t.status[i] != IMAPCLIENT_EABORT)
                fail_msg("cut %zu: command %d got %d", cut, i, t.status[i]);
        }
    }
}

static void test_hostile_async__one_byte_at_a_time(void **state)
{
    tally whole = {0}, drip = {0};
    play(ANSWER, sizeof ANSWER - 1, sizeof ANSWER, 0, &whole);
    play(ANSWER, sizeof ANSWER - 1, 1, 0, &drip);
    for (int i = 1; i <= NCMDS; i++) {
        assert_int_equal(whole.status[i], 0);
        assert_int_equal(drip.status[i], whole.status[i]);
        assert_int_equal(drip.count[i], whole.count[i]);
    }
    assert_int_equal(whole.count[2], 1); /* two responses, one message */
    assert_int_equal(whole.count[4], 3);
}

/* A completion for a command not sent yet (the SELECT waits behind the
 * pipelined ones) while seven are in flight: the server is not reading
 * our stream as we wrote it; all fail with EPROTOCOL, once. A stray "+"
 * before it is ignored. */
static void test_hostile_async__completion_for_an_unsent_command(void **state)
{
    static const char s[] = "+ stray\r\n"
                            "A008 OK sel\r\n" /* a barrier not even sent yet: foreign */
                            "* 3 FETCH (UID 3 FLAGS ())\r\n";
    tally t = {0};
    play(s, sizeof s - 1, sizeof s, 0, &t);
    for (int i = 1; i <= NCMDS; i++)
        assert_int_equal(t.status[i], IMAPCLIENT_EPROTOCOL);
}

static void test_hostile_async__out_of_order_completions(void **state)
{
    static const char s[] = "* 3 FETCH (UID 3 FLAGS ())\r\n"
                            "A003 OK c\r\n"
                            "A007 OK g\r\n"
                            "* 1 FETCH (UID 1 FLAGS ())\r\n"
                            "A001 OK a\r\n"
                            "A006 NO [TRYCREATE] f\r\n"
                            "A005 OK e\r\n"
                            "* SEARCH 2\r\n"
                            "A004 OK d\r\n"
                            "A002 BAD b\r\n"
                            "A008 OK h\r\n";
    tally t = {0};
    play(s, sizeof s - 1, 7, 0, &t);
    assert_int_equal(t.status[1], 0);
    assert_int_equal(t.count[1], 1);
    assert_int_equal(t.status[2], IMAPCLIENT_ERROR);
    assert_int_equal(t.status[3], 0);
    assert_int_equal(t.count[3], 1);
    assert_int_equal(t.count[4], 1);
    assert_int_equal(t.status[6], IMAPCLIENT_ERROR);
    assert_int_equal(t.status[8], 0);
}

/* A literal that lies about its size swallows what follows; the drop
 * then ends everything once. */
static void test_hostile_async__lying_literal(void **state)
{
    static const char s[] = "* 1 FETCH (UID 1 FLAGS ())\r\n"
                            "A001 OK a\r\n"
                            "* 2 FETCH (UID 2 BODY[] {999999}\r\nshort)\r\n"
                            "A002 OK b\r\n";
    tally t = {0};
    play(s, sizeof s - 1, 64, 1, &t);
    assert_int_equal(t.status[1], 0);
    for (int i = 2; i <= NCMDS; i++)
        assert_int_equal(t.status[i], IMAPCLIENT_EABORT);
}

/* ---- a command answered before all its bytes went out ---------------------- */

/* A handle as after the greeting, selected, with the given capabilities. */
static imapclient *bare(const char *cap2)
{
    imapclient_options o;
    imapclient_options_init(&o);
    imapclient *c = imc_handle_new("hostile", &o);
    assert_non_null(c);
    assert_int_equal(imc_reader_init(&c->rd, NULL, o.max_line, 1 << 20), 0);
    c->dead = 0;
    c->greeted = 1;
    imc_set_state(c, IMAPCLIENT_STATE_SELECTED);
    imapclient_value items[] = {
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "IMAP4rev1", .len = 9},
        {.type = IMAPCLIENT_VALUE_ATOM, .str = cap2, .len = strlen(cap2)},
    };
    imapclient_value caps = {.type = IMAPCLIENT_VALUE_LIST, .items = items, .count = 2};
    assert_int_equal(imc_caps_set_from_values(c, &caps, 0), 0);
    return c;
}

/* Take at most max bytes of what the core sends (all: SIZE_MAX). */
static size_t take(imapclient *c, char *dst, size_t room, size_t max)
{
    size_t got = 0;
    const char *p;
    size_t n;
    while (got < max && imc_core_output(c, &p, &n) > 0) {
        if (n > max - got)
            n = max - got;
        assert_true(got + n <= room);
        memcpy(dst + got, p, n);
        got += n;
        imc_core_written(c, n);
    }
    return got;
}

static void feed(imapclient *c, const char *s)
{
    assert_int_equal(imc_reader_push(&c->rd, s, strlen(s)), 0);
    imc_core_process(c, NULL);
}

typedef struct src_state {
    size_t size, pos;
    int reads_after_done; /* reads made once the completion came */
    int completed;
} src_state;

static long long src_read(void *payload, char *buf, size_t n)
{
    src_state *s = payload;
    if (s->completed)
        s->reads_after_done++;
    size_t k = s->size - s->pos < n ? s->size - s->pos : n;
    for (size_t i = 0; i < k; i++, s->pos++)
        buf[i] = (s->pos % 64) == 62 ? '\r' : (s->pos % 64) == 63 ? '\n' : 'x';
    return (long long)k;
}

static void src_done(imapclient *c, imapclient_completion *d)
{
    tally *t = d->user;
    t->done[d->id]++;
    t->status[d->id] = d->status;
    if (d->op == IMAPCLIENT_OP_APPEND)
        ((src_state *)t->src)->completed = 1;
}

/* The server refuses an APPEND with LITERAL+ before its literal arrived
 * (Dovecot does so for a folder that does not exist: NO [TRYCREATE] at
 * once, then it reads and drops the literal). The literal was announced
 * as non-synchronising, so the server reads all of it: the client must
 * send the rest, and the NOOP after it, in step. Dropping the rest would
 * have the server read the NOOP, and whatever follows, as message data,
 * and later message data as commands. The completion comes once the bytes
 * are out (the source stays the caller's until then). */
static void test_hostile_async__answered_before_its_literal_was_sent(void **state)
{
    for (int streamed = 0; streamed < 2; streamed++) {
        imapclient *c = bare("LITERAL+");
        tally t = {0};
        src_state ss = {.size = 100000};
        t.src = &ss;
        static char msg[100000];
        for (size_t i = 0; i < sizeof msg; i++)
            msg[i] = (i % 64) == 62 ? '\r' : (i % 64) == 63 ? '\n' : 'x';
        if (streamed) {
            imapclient_source src = {
                .fd = -1, .read = src_read, .payload = &ss, .size = ss.size, .crlf = 1};
            assert_int_equal(imapclient_start_append_stream(c, "Nowhere", &src, NULL,
                                                            NULL, src_done, &t, NULL),
                             0);
        } else {
            assert_int_equal(imapclient_start_append(c, "Nowhere", msg, sizeof msg, NULL,
                                                     NULL, src_done, &t, NULL),
                             0);
        }
        assert_int_equal(imapclient_start_noop(c, src_done, &t, NULL), 0);
        static char out[300000];
        size_t n = take(c, out, sizeof out, 5000);
        assert_int_equal(n, 5000);
        feed(c, "A001 NO [TRYCREATE] no such folder\r\n");
        assert_false(c->dead);
        n += take(c, out + n, sizeof out - n, SIZE_MAX);
        static const char head[] = "A001 APPEND \"Nowhere\" () {100000+}\r\n";
        size_t hl = sizeof head - 1;
        assert_true(n > hl);
        assert_memory_equal(out, head, hl);
        assert_int_equal(n, hl + sizeof msg + 2 + strlen("A002 NOOP\r\n"));
        assert_memory_equal(out + hl, msg, sizeof msg);
        assert_memory_equal(out + hl + sizeof msg, "\r\nA002 NOOP\r\n", 13);
        assert_int_equal(t.done[1], 1);
        assert_int_equal(t.status[1], IMAPCLIENT_ERROR);
        assert_int_equal(ss.reads_after_done, 0);
        assert_non_null(strstr(c->errmsg, "TRYCREATE"));
        feed(c, "A002 OK n\r\n");
        assert_int_equal(t.done[2], 1);
        assert_int_equal(t.status[2], 0);
        assert_int_equal(imc_core_inflight(c), 0);
        imapclient_free(c);
        assert_int_equal(t.done[1], 1);
    }
}

/* Without LITERAL+ the server may refuse the literal instead of sending
 * "+": then it must not be sent, and the next command follows at once. */
static void test_hostile_async__synchronising_literal_refused(void **state)
{
    imapclient *c = bare("UIDPLUS");
    tally t = {0};
    assert_int_equal(imapclient_start_append(c, "Nowhere", "hello\r\n", 7, NULL, NULL,
                                             on_done, &t, NULL),
                     0);
    assert_int_equal(imapclient_start_noop(c, on_done, &t, NULL), 0);
    char out[256];
    size_t n = take(c, out, sizeof out, SIZE_MAX);
    static const char head[] = "A001 APPEND \"Nowhere\" () {7}\r\n";
    assert_int_equal(n, sizeof head - 1);
    feed(c, "A001 NO [TRYCREATE] no such folder\r\n");
    assert_int_equal(t.done[1], 1);
    assert_int_equal(t.status[1], IMAPCLIENT_ERROR);
    n = take(c, out, sizeof out, SIZE_MAX);
    assert_int_equal(n, 11);
    assert_memory_equal(out, "A002 NOOP\r\n", 11);
    feed(c, "A002 OK n\r\n");
    assert_int_equal(t.done[2], 1);
    imapclient_free(c);
}

/* A "+" before the command line it would answer was all sent (a server
 * cannot have read the line yet): the answer must not go out in the
 * middle of the line. It is ignored; the answer goes after a "+" that
 * comes once the line is out. */
static void test_hostile_async__continuation_before_the_line_was_sent(void **state)
{
    imapclient *c = bare("AUTH=PLAIN");
    c->state = IMAPCLIENT_STATE_NOT_AUTHENTICATED;
    tally t = {0};
    assert_int_equal(imapclient_start_plain_login(c, "me", "pw", NULL, on_done, &t, NULL),
                     0);
    char out[256];
    size_t n = take(c, out, sizeof out, 7);
    assert_int_equal(n, 7);
    feed(c, "+ \r\n");
    n += take(c, out + n, sizeof out - n, SIZE_MAX);
    out[n] = '\0';
    assert_string_equal(out, "A001 AUTHENTICATE PLAIN\r\n");
    feed(c, "+ \r\n");
    n = take(c, out, sizeof out, SIZE_MAX);
    out[n] = '\0';
    assert_string_equal(out, "AG1lAHB3\r\n");
    feed(c, "A001 OK in\r\n");
    assert_int_equal(t.done[1], 1);
    assert_int_equal(t.status[1], 0);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_async__cut_at_every_byte),
        cmocka_unit_test(test_hostile_async__one_byte_at_a_time),
        cmocka_unit_test(test_hostile_async__completion_for_an_unsent_command),
        cmocka_unit_test(test_hostile_async__out_of_order_completions),
        cmocka_unit_test(test_hostile_async__lying_literal),
        cmocka_unit_test(test_hostile_async__answered_before_its_literal_was_sent),
        cmocka_unit_test(test_hostile_async__synchronising_literal_refused),
        cmocka_unit_test(test_hostile_async__continuation_before_the_line_was_sent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
