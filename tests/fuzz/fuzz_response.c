/*
 * Fuzz target for the response path: the input is a byte stream from a
 * server. It goes through the reader (in-memory transport, read sizes
 * taken from the first byte, small caps) and each response through the
 * parser (max_depth 20); every LIST in each tree is also given to the
 * typed builders (envelope, body structure) and every scalar to the date
 * parser, as the client may do with any of them. The whole input is also
 * parsed directly as one response. Nothing may crash, leak or break the
 * tree's invariants (fuzz.h).
 */
#include "fuzz.h"

#include "types/types.h"
#include "unit/wire/wire_test.h"
#include "util/arena.h"
#include "wire/parser.h"
#include "wire/reader.h"

static size_t typed(imc_arena *a, const imapclient_value *v, int depth)
{
    size_t t = 0;
    if (v->type == IMAPCLIENT_VALUE_LIST) {
        imapclient_envelope *env = NULL;
        imapclient_body *body = NULL;
        int rc = imc_envelope_from_value(a, v, depth & 1, &env);
        FUZZ_CHECK(rc == 0 || rc == IMAPCLIENT_EPROTOCOL || rc == IMAPCLIENT_ENOMEM);
        if (rc == 0)
            t += fuzz_walk_envelope(env);
        rc = imc_body_from_value(a, v, depth & 1, &body);
        FUZZ_CHECK(rc == 0 || rc == IMAPCLIENT_EPROTOCOL || rc == IMAPCLIENT_ENOMEM);
        if (rc == 0)
            t += fuzz_walk_body(body, 0);
        for (size_t i = 0; i < v->count; i++)
            t += typed(a, &v->items[i], depth + 1);
    } else if (v->type != IMAPCLIENT_VALUE_NIL) {
        imapclient_datetime dt;
        if (imc_datetime_from_value(v, depth & 1, &dt) == 0)
            FUZZ_CHECK(imc_datetime_valid(&dt));
    }
    return t;
}

static void check_response(const imapclient_response *r, imc_arena *a)
{
    FUZZ_CHECK(r->tag && r->name && r->text && r->args && r->code_args);
    FUZZ_CHECK(r->args->type == IMAPCLIENT_VALUE_LIST);
    FUZZ_CHECK(r->code_args->type == IMAPCLIENT_VALUE_LIST);
    fuzz_check_value(r->args);
    fuzz_check_value(r->code_args);
    (void)fuzz_touch(r->code);
    (void)fuzz_touch(r->code_raw);
    typed(a, r->args, 0);
    typed(a, r->code_args, 0);
    /* a copy is the same tree, in another arena */
    imc_arena *b = imc_arena_new();
    FUZZ_CHECK(b != NULL);
    imapclient_response c;
    if (imc_response_copy(b, r, &c) == 0) {
        FUZZ_CHECK(c.args->count == r->args->count);
        FUZZ_CHECK(strcmp(c.name, r->name) == 0);
        fuzz_check_value(c.args);
    }
    imc_arena_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    imc_parser p;
    imc_parser_init(&p, 20);
    imc_arena *a = imc_arena_new();
    if (!a)
        return 0;

    /* 1. As a stream through the reader, in pieces. */
    size_t chunks[2] = {1 + (size ? data[0] % 32 : 0), 4096};
    memt m;
    memt_init(&m, data, size);
    m.chunks = chunks;
    m.nchunks = 2;
    imc_reader rd;
    if (imc_reader_init(&rd, &m.base, 4096, 1 << 16) == 0) {
        /* small inputs reach the direct literal read too */
        rd.direct_min = 1 + (size > 1 ? data[1] % 64 : 0);
        for (int i = 0; i < 10000; i++) {
            int rc = imc_reader_next(&rd, 0);
            if (rc) {
                FUZZ_CHECK(rc == IMAPCLIENT_EABORT || rc == IMAPCLIENT_ETOOBIG ||
                           rc == IMAPCLIENT_EPROTOCOL);
                FUZZ_CHECK(rd.err[0] != '\0');
                break;
            }
            /* one response, bounded by the input (a bare LF after a
             * literal announcement becomes CRLF; a joined line adds a
             * space) */
            FUZZ_CHECK(rd.resp.len <= 3 * size);
            imc_arena_reset(a);
            imapclient_response r;
            rc = imc_parse_response(&p, rd.resp.data, rd.resp.len, a, 1, &r);
            /* a list left open right after a literal: the client has the
             * next line joined (Gmail's line break) and parses again */
            if (rc == IMAPCLIENT_EPROTOCOL && p.incomplete &&
                imc_reader_continue_list(&rd))
                continue;
            if (rc == 0)
                check_response(&r, a);
            else
                FUZZ_CHECK(rc == IMAPCLIENT_EPROTOCOL && p.error != NULL &&
                           p.error_pos <= rd.resp.len);
            FUZZ_CHECK(p.stack_len == 0);
        }
        imc_reader_free(&rd);
    }

    /* 2. The whole input as one response, and as bare values. */
    imc_arena_reset(a);
    imapclient_response r;
    int rc = imc_parse_response(&p, (const char *)data, size, a, 0, &r);
    if (rc == 0)
        check_response(&r, a);
    else
        FUZZ_CHECK(rc == IMAPCLIENT_EPROTOCOL);
    imc_arena_reset(a);
    imapclient_value v;
    if (imc_parse_values(&p, (const char *)data, size, a, &v) == 0)
        fuzz_check_value(&v);

    imc_arena_free(a);
    imc_parser_free(&p);
    return 0;
}
