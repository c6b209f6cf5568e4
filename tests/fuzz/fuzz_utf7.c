/*
 * Fuzz target for modified UTF-7 (RFC 3501 section 5.1.3): decode any
 * bytes (strict: either an error or UTF-8 that encodes back to the same
 * bytes), and encode any bytes taken as UTF-8 (either an error or a name
 * of printable ASCII that decodes back to them). The buffer forms are
 * used since a decoded name may hold NUL (sent as &AAA-); the arena
 * forms must agree with them.
 */
#include "fuzz.h"

#include "types/types.h"
#include "util/arena.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const char *in = (const char *)data;
    imc_arena *a = imc_arena_new();
    if (!a)
        return 0;
    imc_buf dec, enc, back;
    imc_buf_init(&dec, 0);
    imc_buf_init(&enc, 0);
    imc_buf_init(&back, 0);
    char *s = NULL;

    int rc = imc_utf7_decode_buf(&dec, in, size);
    FUZZ_CHECK(rc == 0 || rc == IMAPCLIENT_EINVAL || rc == IMAPCLIENT_ENOMEM);
    int arc = imc_utf7_decode(a, in, size, &s);
    if (rc == 0) {
        /* a strict decoder accepts only the canonical form */
        FUZZ_CHECK(imc_utf7_encode_buf(&back, dec.data ? dec.data : "", dec.len) == 0);
        FUZZ_CHECK(back.len == size && (size == 0 || memcmp(back.data, in, size) == 0));
        int has_nul = dec.len && memchr(dec.data, '\0', dec.len) != NULL;
        FUZZ_CHECK(arc == (has_nul ? IMAPCLIENT_EINVAL : 0));
        if (arc == 0)
            FUZZ_CHECK(strlen(s) == dec.len &&
                       (!dec.len || memcmp(s, dec.data, dec.len) == 0));
    } else {
        FUZZ_CHECK(arc == rc);
    }

    imc_buf_clear(&back);
    rc = imc_utf7_encode_buf(&enc, in, size);
    FUZZ_CHECK(rc == 0 || rc == IMAPCLIENT_EINVAL || rc == IMAPCLIENT_ENOMEM);
    arc = imc_utf7_encode(a, in, size, &s);
    FUZZ_CHECK(arc == rc);
    if (rc == 0) {
        for (size_t i = 0; i < enc.len; i++)
            FUZZ_CHECK(enc.data[i] >= 0x20 && enc.data[i] <= 0x7e);
        FUZZ_CHECK(strlen(s) == enc.len &&
                   (!enc.len || memcmp(s, enc.data, enc.len) == 0));
        FUZZ_CHECK(imc_utf7_decode_buf(&back, enc.data ? enc.data : "", enc.len) == 0);
        FUZZ_CHECK(back.len == size && (size == 0 || memcmp(back.data, in, size) == 0));
    }
    imc_buf_free(&dec);
    imc_buf_free(&enc);
    imc_buf_free(&back);
    imc_arena_free(a);
    return 0;
}
