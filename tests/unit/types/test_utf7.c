/*
 * Modified UTF-7 folder names (RFC 3501 section 5.1.3). Valid pairs come
 * from IMAPClient's test_imap_utf7.py (with the RFC 2060 example), the
 * RFC 3501 example, and folder names real servers use (Dovecot's German
 * "Entwürfe", Gmail's Russian "[Gmail]/Отправленные", Exchange's French
 * "Éléments supprimés", Japanese Outlook "送信済みアイテム"). Expected
 * strings agree with the reference's algorithm (base64 of UTF-16BE, ','
 * for '/', no padding).
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
#include "util/arena.h"
#include "util/buf.h"

typedef struct pair_case {
    const char *name;
    const char *utf8;
    const char *mutf7;
} pair_case;

#define PAIR(name, u, m)                                                                 \
    {                                                                                    \
        "test_utf7__" name, u, m                                                         \
    }

static const pair_case pairs[] = {
    /* test_imap_utf7.py */
    PAIR("pair_reference_foo", "Foo", "Foo"),
    PAIR("pair_reference_foo_bar", "Foo Bar", "Foo Bar"),
    PAIR("pair_reference_stuff_and_things", "Stuff & Things", "Stuff &- Things"),
    PAIR("pair_reference_hello_world", "Hello world", "Hello world"),
    PAIR("pair_reference_hello_and_world", "Hello & world", "Hello &- world"),
    PAIR("pair_reference_latin1_inside", "Hello\xc3\xbfworld", "Hello&AP8-world"),
    PAIR("pair_reference_four_latin1", "\xc3\xbf\xc3\xbe\xc3\xbd\xc3\xbc",
         "&AP8A,gD9APw-"),
    PAIR("pair_reference_rfc2060_example",
         "~peter/mail/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e/\xe5\x8f\xb0\xe5\x8c\x97",
         "~peter/mail/&ZeVnLIqe-/&U,BTFw-"),
    PAIR("pair_reference_crlf_issue_187", "foo\r\n\nbar\n", "foo&AA0ACgAK-bar&AAo-"),
    /* RFC 3501 section 5.1.3 */
    PAIR("pair_rfc3501_example",
         "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
         "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
    PAIR("pair_hello_japanese", "Hello, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
         "Hello, &ZeVnLIqe-"),
    PAIR("pair_ampersand", "&", "&-"),
    PAIR("pair_two_ampersands", "&&", "&-&-"),
    PAIR("pair_ampersand_between", "a&b\xe6\x97\xa5", "a&-b&ZeU-"),
    PAIR("pair_empty", "", ""),
    /* real folder names */
    PAIR("pair_dovecot_entwuerfe", "Entw\xc3\xbcrfe", "Entw&APw-rfe"),
    PAIR("pair_gmail_russian_sent",
         "[Gmail]/"
         "\xd0\x9e\xd1\x82\xd0\xbf\xd1\x80\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0"
         "\xbd\xd1\x8b\xd0\xb5",
         "[Gmail]/&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"),
    PAIR("pair_exchange_french_deleted_items", "\xc3\x89l\xc3\xa9ments supprim\xc3\xa9s",
         "&AMk-l&AOk-ments supprim&AOk-s"),
    PAIR("pair_exchange_french_inbox",
         "Bo\xc3\xaete de r\xc3\xa9"
         "ception",
         "Bo&AO4-te de r&AOk-ception"),
    PAIR("pair_outlook_japanese_sent",
         "\xe9\x80\x81\xe4\xbf\xa1\xe6\xb8\x88\xe3\x81\xbf\xe3\x82\xa2\xe3\x82\xa4\xe3"
         "\x83\x86"
         "\xe3\x83\xa0",
         "&kAFP4W4IMH8wojCkMMYw4A-"),
    PAIR("pair_two_letters_one_section", "\xc3\xa9\xc3\xa9", "&AOkA6Q-"),
    /* outside the BMP: surrogate pairs */
    PAIR("pair_emoji", "\xf0\x9f\x98\x80", "&2D3eAA-"),
    PAIR("pair_g_clef_then_ascii", "\xf0\x9d\x84\x9e music", "&2DTdHg- music"),
    PAIR("pair_last_code_point", "\xf4\x8f\xbf\xbf", "&2,,f,w-"),
    /* controls are encoded */
    PAIR("pair_delete_char", "\x7f", "&AH8-"),
    PAIR("pair_tab", "\t", "&AAk-"),
};

static void run_pair(void **state)
{
    const pair_case *c = *state;
    char *out = NULL;
    assert_int_equal(imapclient_utf7_encode(c->utf8, &out), 0);
    assert_string_equal(out, c->mutf7);
    free(out);
    out = NULL;
    assert_int_equal(imapclient_utf7_decode(c->mutf7, &out), 0);
    assert_string_equal(out, c->utf8);
    free(out);
}

typedef struct bad_case {
    const char *name;
    const char *in;
} bad_case;

#define BAD(name, in)                                                                    \
    {                                                                                    \
        "test_utf7__" name, in                                                           \
    }

static const bad_case bad_decode[] = {
    BAD("decode_rejects_lone_ampersand", "&"),
    BAD("decode_rejects_unterminated_section", "&ZeVnLIqe"),
    BAD("decode_rejects_unterminated_at_end", "Sent/&U,BTFw"),
    BAD("decode_rejects_partial_unit", "&Ze-"),
    BAD("decode_rejects_nonzero_padding_bits", "&AP9-"),
    BAD("decode_rejects_encoded_printable", "&AGE-"),
    BAD("decode_rejects_encoded_ampersand", "&ACY-"),
    BAD("decode_rejects_encoded_space", "&ACA-"),
    BAD("decode_rejects_adjacent_sections", "&ZeVnLIqe-&U,BTFw-"),
    BAD("decode_rejects_slash_in_base64", "&Ze/n-"),
    BAD("decode_rejects_padding_char", "&AOk=-"),
    BAD("decode_rejects_ampersand_in_base64", "&&-"),
    BAD("decode_rejects_lone_high_surrogate", "&2D0-"),
    BAD("decode_rejects_lone_low_surrogate", "&3gA-"),
    BAD("decode_rejects_high_then_bmp", "&2D0A6Q-"),
    BAD("decode_rejects_raw_8bit", "caf\xc3\xa9"),
    BAD("decode_rejects_raw_control", "a\tb"),
    BAD("decode_rejects_raw_del", "a\x7f"),
};

static const bad_case bad_encode[] = {
    BAD("encode_rejects_invalid_byte", "a\xff"),
    BAD("encode_rejects_overlong_nul", "\xc0\x80"),
    BAD("encode_rejects_overlong_slash", "\xe0\x80\xaf"),
    BAD("encode_rejects_utf16_surrogate", "\xed\xa0\x80"),
    BAD("encode_rejects_beyond_u10ffff", "\xf4\x90\x80\x80"),
    BAD("encode_rejects_truncated_sequence", "\xe6\x97"),
    BAD("encode_rejects_lone_continuation", "\x80"),
    BAD("encode_rejects_latin1_bytes", "Entw\xfc"
                                       "rfe"),
};

static void run_bad_decode(void **state)
{
    const bad_case *c = *state;
    char *out = (char *)1;
    assert_int_equal(imapclient_utf7_decode(c->in, &out), IMAPCLIENT_EINVAL);
    assert_null(out);
}

static void run_bad_encode(void **state)
{
    const bad_case *c = *state;
    char *out = (char *)1;
    assert_int_equal(imapclient_utf7_encode(c->in, &out), IMAPCLIENT_EINVAL);
    assert_null(out);
}

static void test_utf7__printable_singletons(void **state)
{
    (void)state;
    /* test_printable_singletons: every printable but '&' is itself */
    for (int o = 0x20; o < 0x7f; o++) {
        char in[2] = {(char)o, 0};
        char *out;
        assert_int_equal(imapclient_utf7_encode(in, &out), 0);
        assert_string_equal(out, o == '&' ? "&-" : in);
        free(out);
        if (o == '&')
            continue;
        assert_int_equal(imapclient_utf7_decode(in, &out), 0);
        assert_string_equal(out, in);
        free(out);
    }
}

static void test_utf7__every_control_is_encoded(void **state)
{
    (void)state;
    for (int o = 1; o < 0x20; o++) {
        char in[2] = {(char)o, 0};
        char *enc, *dec;
        assert_int_equal(imapclient_utf7_encode(in, &enc), 0);
        assert_int_equal(enc[0], '&');
        assert_int_equal(enc[strlen(enc) - 1], '-');
        assert_int_equal(imapclient_utf7_decode(enc, &dec), 0);
        assert_string_equal(dec, in);
        free(enc);
        free(dec);
    }
}

static void test_utf7__ampersand_dash_after_section(void **state)
{
    (void)state;
    /* "&-" right after an encoded section is a literal '&', not a section */
    char *out;
    assert_int_equal(imapclient_utf7_decode("&ZeVnLIqe-&-", &out), 0);
    assert_string_equal(out, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e&");
    free(out);
    assert_int_equal(
        imapclient_utf7_encode("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e&", &out), 0);
    assert_string_equal(out, "&ZeVnLIqe-&-");
    free(out);
    /* and a dash after a section is an ordinary dash */
    assert_int_equal(imapclient_utf7_decode("&AOk--x", &out), 0);
    assert_string_equal(out, "\xc3\xa9-x");
    free(out);
}

static void test_utf7__nul_via_internal_buffer(void **state)
{
    (void)state;
    /* test_imap_utf7.py: '\x00foo' <-> '&AAA-foo'; a C string cannot hold
     * it, the length-carrying internal form can. */
    imc_buf b;
    imc_buf_init(&b, 0);
    assert_int_equal(imc_utf7_encode_buf(&b, "\0foo", 4), 0);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "&AAA-foo");
    imc_buf_clear(&b);
    assert_int_equal(imc_utf7_decode_buf(&b, "&AAA-foo", 8), 0);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data, "\0foo", 4);
    imc_buf_free(&b);
    /* the NUL-terminated forms refuse it */
    char *out = (char *)1;
    assert_int_equal(imapclient_utf7_decode("&AAA-foo", &out), IMAPCLIENT_EINVAL);
    assert_null(out);
    imc_arena *a = imc_arena_new();
    assert_int_equal(imc_utf7_decode(a, "&AAA-foo", 8, &out), IMAPCLIENT_EINVAL);
    assert_int_equal(imc_utf7_encode(a, "\0foo", 4, &out), 0);
    assert_string_equal(out, "&AAA-foo");
    imc_arena_free(a);
}

static void test_utf7__arena_forms(void **state)
{
    (void)state;
    imc_arena *a = imc_arena_new();
    char *out;
    const char *name = "INBOX/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e & more";
    assert_int_equal(imc_utf7_encode(a, name, strlen(name), &out), 0);
    assert_string_equal(out, "INBOX/&ZeVnLIqe- &- more");
    char *back;
    assert_int_equal(imc_utf7_decode(a, out, strlen(out), &back), 0);
    assert_string_equal(back, name);
    /* length, not NUL, bounds the input */
    assert_int_equal(imc_utf7_decode(a, "&ZeVnLIqe-XYZ", 10, &back), 0);
    assert_string_equal(back, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
    assert_int_equal(imc_utf7_decode(a, "&ZeVnLIqe-", 9, &back), IMAPCLIENT_EINVAL);
    assert_null(back);
    assert_int_equal(imc_utf7_encode(a, "", 0, &out), 0);
    assert_string_equal(out, "");
    imc_arena_free(a);
}

static void test_utf7__buffer_appends_and_restores(void **state)
{
    (void)state;
    imc_buf b;
    imc_buf_init(&b, 0);
    imc_buf_adds(&b, "LIST \"\" ");
    assert_int_equal(imc_utf7_encode_buf(&b, "\xc3\xa9", 2), 0);
    assert_string_equal(b.data, "LIST \"\" &AOk-");
    size_t len = b.len;
    /* a failure leaves what was there */
    assert_int_equal(imc_utf7_encode_buf(&b, "ok\xff", 3), IMAPCLIENT_EINVAL);
    assert_int_equal(b.len, len);
    assert_string_equal(b.data, "LIST \"\" &AOk-");
    assert_int_equal(imc_utf7_decode_buf(&b, "ok&", 3), IMAPCLIENT_EINVAL);
    assert_int_equal(b.len, len);
    assert_string_equal(b.data, "LIST \"\" &AOk-");
    imc_buf_free(&b);
}

static void test_utf7__null_arguments(void **state)
{
    (void)state;
    char *out = (char *)1;
    assert_int_equal(imapclient_utf7_encode(NULL, &out), IMAPCLIENT_EINVAL);
    assert_null(out);
    out = (char *)1;
    assert_int_equal(imapclient_utf7_decode(NULL, &out), IMAPCLIENT_EINVAL);
    assert_null(out);
    assert_int_equal(imapclient_utf7_encode("x", NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_utf7_decode("x", NULL), IMAPCLIENT_EINVAL);
}

static size_t put_utf8(char *p, uint32_t cp)
{
    if (cp < 0x80) {
        p[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (char)(0xc0 | (cp >> 6));
        p[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = (char)(0xe0 | (cp >> 12));
        p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        p[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    p[0] = (char)(0xf0 | (cp >> 18));
    p[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    p[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    p[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static void test_utf7__random_round_trips(void **state)
{
    (void)state;
    uint32_t r = 2024;
    for (int i = 0; i < 5000; i++) {
        char in[256];
        size_t n = 0;
        int k = (int)((r = r * 1103515245u + 12345u) >> 16) % 20;
        for (int j = 0; j < k; j++) {
            r = r * 1103515245u + 12345u;
            uint32_t pick = (r >> 8) % 4, cp;
            r = r * 1103515245u + 12345u;
            uint32_t x = r >> 4;
            if (pick == 0)
                cp = 0x20 + x % 0x5f;
            else if (pick == 1)
                cp = 1 + x % 0x7ff;
            else if (pick == 2)
                cp = 0x800 + x % (0x10000 - 0x800);
            else
                cp = 0x10000 + x % 0x100000;
            if (cp >= 0xd800 && cp <= 0xdfff)
                cp = '&';
            n += put_utf8(in + n, cp);
        }
        in[n] = '\0';
        char *enc, *dec;
        assert_int_equal(imapclient_utf7_encode(in, &enc), 0);
        for (const char *p = enc; *p; p++)
            assert_true(*p >= 0x20 && *p <= 0x7e);
        assert_int_equal(imapclient_utf7_decode(enc, &dec), 0);
        assert_string_equal(dec, in);
        /* a correct encoding decodes and re-encodes to itself */
        char *again;
        assert_int_equal(imapclient_utf7_encode(dec, &again), 0);
        assert_string_equal(again, enc);
        free(enc);
        free(dec);
        free(again);
    }
}

static void test_utf7__random_garbage_never_crashes(void **state)
{
    (void)state;
    static const char alphabet[] = "&-AZaz09+,/=\xc3\xa9 \x01~";
    uint32_t r = 77;
    for (int i = 0; i < 20000; i++) {
        char in[32];
        int k = (int)((r = r * 1103515245u + 12345u) >> 16) % 31;
        for (int j = 0; j < k; j++) {
            r = r * 1103515245u + 12345u;
            in[j] = alphabet[(r >> 16) % (sizeof alphabet - 1)];
        }
        in[k] = '\0';
        char *out = NULL;
        int rc = imapclient_utf7_decode(in, &out);
        assert_true(rc == 0 || rc == IMAPCLIENT_EINVAL);
        if (rc == 0) {
            /* whatever decodes must encode back to the same bytes */
            char *enc;
            assert_int_equal(imapclient_utf7_encode(out, &enc), 0);
            assert_string_equal(enc, in);
            free(enc);
            free(out);
        }
        rc = imapclient_utf7_encode(in, &out);
        assert_true(rc == 0 || rc == IMAPCLIENT_EINVAL);
        if (rc == 0)
            free(out);
    }
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_utf7__printable_singletons),
        cmocka_unit_test(test_utf7__every_control_is_encoded),
        cmocka_unit_test(test_utf7__ampersand_dash_after_section),
        cmocka_unit_test(test_utf7__nul_via_internal_buffer),
        cmocka_unit_test(test_utf7__arena_forms),
        cmocka_unit_test(test_utf7__buffer_appends_and_restores),
        cmocka_unit_test(test_utf7__null_arguments),
        cmocka_unit_test(test_utf7__random_round_trips),
        cmocka_unit_test(test_utf7__random_garbage_never_crashes),
    };
    enum {
        NF = sizeof fixed / sizeof fixed[0],
        NP = sizeof pairs / sizeof pairs[0],
        ND = sizeof bad_decode / sizeof bad_decode[0],
        NE = sizeof bad_encode / sizeof bad_encode[0]
    };
    static struct CMUnitTest all[NF + NP + ND + NE];
    size_t n = 0;
    for (size_t i = 0; i < NP; i++)
        all[n++] =
            (struct CMUnitTest){pairs[i].name, run_pair, NULL, NULL, (void *)&pairs[i]};
    for (size_t i = 0; i < ND; i++)
        all[n++] = (struct CMUnitTest){bad_decode[i].name, run_bad_decode, NULL, NULL,
                                       (void *)&bad_decode[i]};
    for (size_t i = 0; i < NE; i++)
        all[n++] = (struct CMUnitTest){bad_encode[i].name, run_bad_encode, NULL, NULL,
                                       (void *)&bad_encode[i]};
    for (size_t i = 0; i < NF; i++)
        all[n++] = fixed[i];
    return _cmocka_run_group_tests("test_utf7", all, n, NULL, NULL);
}
