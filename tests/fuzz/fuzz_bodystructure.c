/*
 * Fuzz target for the BODY / BODYSTRUCTURE builder: the input is parsed
 * as values (the text after "BODYSTRUCTURE") and the first one given to
 * the builder; every node of the result is walked.
 */
#include "fuzz.h"

#include "types/types.h"
#include "util/arena.h"
#include "wire/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    imc_parser p;
    imc_parser_init(&p, 100);
    imc_arena *a = imc_arena_new();
    imapclient_value v;
    if (a && imc_parse_values(&p, (const char *)data, size, a, &v) == 0 && v.count) {
        imapclient_body *body = NULL;
        int rc = imc_body_from_value(a, &v.items[0], 0, &body);
        FUZZ_CHECK(rc == 0 || rc == IMAPCLIENT_EPROTOCOL || rc == IMAPCLIENT_ENOMEM);
        FUZZ_CHECK(rc != IMAPCLIENT_EPROTOCOL ||
                   v.items[0].type != IMAPCLIENT_VALUE_LIST);
        if (rc == 0)
            fuzz_walk_body(body, 0);
    }
    imc_arena_free(a);
    imc_parser_free(&p);
    return 0;
}
