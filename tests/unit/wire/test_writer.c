/*
 * Command writer: the form each argument takes (RFC 3501 section 9:
 * atom, quoted, literal), LITERAL+ and LITERAL- (RFC 7888), where the
 * sender must wait for "+", which bytes the log hides, and refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient/errors.h>

#include "wire/writer.h"

typedef struct form_case {
    const char *in;
    size_t len;      /* 0: strlen */
    int form;        /* 0 atom, 1 quoted, 2 literal */
    const char *out; /* what imc_put_astring writes */
} form_case;

#define L(s) s, sizeof(s) - 1

static const form_case forms[] = {
    {"INBOX", 0, 0, "INBOX"},
    {"Sent", 0, 0, "Sent"},
    {"~/Mail/foo", 0, 0, "~/Mail/foo"},
    {"#news.comp.mail", 0, 0, "#news.comp.mail"},
    {"$Label1", 0, 0, "$Label1"},
    {"a+b:c,d;e=f", 0, 0, "a+b:c,d;e=f"},
    {"&AOQ-nderung", 0, 0, "&AOQ-nderung"},
    /* ASTRING-CHAR includes resp-specials: ']' needs no quotes */
    {"[Gmail]/Sent", 0, 0, "[Gmail]/Sent"},
    {"a]b", 0, 0, "a]b"},
    {"NILS", 0, 0, "NILS"},
    {"NIL", 0, 1, "\"NIL\""}, /* an atom NIL would read back as nil */
    {"nil", 0, 1, "\"nil\""},
    {"Nil", 0, 1, "\"Nil\""},
    {"", 0, 1, "\"\""},
    {"Sent Items", 0, 1, "\"Sent Items\""},
    {"a(b", 0, 1, "\"a(b\""},
    {"a)", 0, 1, "\"a)\""},
    {"a{b", 0, 1, "\"a{b\""},
    {"{5}", 0, 1, "\"{5}\""},
    {"50%", 0, 1, "\"50%\""},
    {"*", 0, 1, "\"*\""},
    {"\\Seen", 0, 1, "\"\\\\Seen\""},
    {"say \"hi\"", 0, 1, "\"say \\\"hi\\\"\""},
    {"back\\slash", 0, 1, "\"back\\\\slash\""},
    {"\"", 0, 1, "\"\\\"\""},
    {"tab\there", 0, 1, "\"tab\there\""}, /* CTL other than CR/LF/NUL may be quoted */
    {"del\x7f", 0, 1, "\"del\x7f\""},
    {"caf\xc3\xa9", 0, 2, "{5}\r\ncaf\xc3\xa9"}, /* 8-bit: literal */
    {"line\r\nbreak", 0, 2, "{11}\r\nline\r\nbreak"},
    {"lf\n", 0, 2, "{3}\r\nlf\n"},
    {"cr\r", 0, 2, "{3}\r\ncr\r"},
};

static void test_writer__astring_forms(void **state)
{
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        const form_case *c = &forms[i];
        size_t n = c->len ? c->len : strlen(c->in);
        if (imc_astring_form(c->in, n) != c->form)
            fail_msg("form of '%s': %d, want %d", c->in, imc_astring_form(c->in, n),
                     c->form);
        imc_cmdbuf cb;
        imc_cmdbuf_init(&cb);
        imc_put_astring(&cb, c->in, n);
        assert_int_equal(cb.err, 0);
        if (strcmp(cb.buf.data, c->out) != 0)
            fail_msg("astring '%s' written as '%s', want '%s'", c->in, cb.buf.data,
                     c->out);
        /* a synchronising literal: the sender waits before its data */
        if (c->form == 2) {
            assert_int_equal(cb.nsplits, 1);
            assert_int_equal(cb.splits[0], strchr(c->out, '\n') - c->out + 1);
        } else {
            assert_int_equal(cb.nsplits, 0);
        }
        imc_cmdbuf_free(&cb);
    }
}

static void test_writer__nul_needs_literal(void **state)
{
    assert_int_equal(imc_astring_form("a\0b", 3), 2);
    /* ... and a plain literal cannot carry it */
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_astring(&cb, "a\0b", 3);
    assert_int_equal(cb.err, IMAPCLIENT_EINVAL);
    assert_string_equal(cb.errtext, "NUL byte in an argument");
    imc_cmdbuf_free(&cb);
}

static void test_writer__string_never_atom(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_string(&cb, "INBOX", 5);
    imc_put_sp(&cb);
    imc_put_string(&cb, "", 0);
    imc_put_sp(&cb);
    imc_put_string(&cb, "a\"b", 3);
    imc_put_sp(&cb);
    imc_put_string(&cb, "\xe2\x82\xac", 3);
    assert_int_equal(cb.err, 0);
    assert_string_equal(cb.buf.data, "\"INBOX\" \"\" \"a\\\"b\" {3}\r\n\xe2\x82\xac");
    assert_int_equal(cb.nsplits, 1);
    imc_cmdbuf_free(&cb);
}

static void test_writer__synchronising_literal_split(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_raw(&cb, "A001 LOGIN ");
    imc_put_astring(&cb, "j\xc3\xb6rg", 5);
    imc_put_sp(&cb);
    imc_put_astring(&cb, "p\xc3\xa4ss", 5);
    imc_put_crlf(&cb);
    assert_int_equal(cb.err, 0);
    const char want[] = "A001 LOGIN {5}\r\nj\xc3\xb6rg {5}\r\np\xc3\xa4ss\r\n";
    assert_int_equal(cb.buf.len, sizeof want - 1);
    assert_memory_equal(cb.buf.data, want, sizeof want - 1);
    /* two waits, each right after its announcement's CRLF */
    assert_int_equal(cb.nsplits, 2);
    assert_int_equal(cb.splits[0], 16);
    assert_memory_equal(cb.buf.data + cb.splits[0], "j\xc3\xb6rg", 5);
    assert_int_equal(cb.splits[1], 27);
    assert_memory_equal(cb.buf.data + cb.splits[1], "p\xc3\xa4ss", 5);
    imc_cmdbuf_free(&cb);
}

static void test_writer__many_literals_grow_splits(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    for (int i = 0; i < 50; i++) {
        imc_put_sp(&cb);
        imc_put_literal(&cb, "x\ny", 3, 0);
    }
    assert_int_equal(cb.err, 0);
    assert_int_equal(cb.nsplits, 50);
    for (size_t i = 0; i < 50; i++)
        assert_memory_equal(cb.buf.data + cb.splits[i], "x\ny", 3);
    imc_cmdbuf_free(&cb);
}

static void test_writer__literal_plus_never_waits(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    cb.literal_plus = 1;
    imc_put_astring(&cb, "caf\xc3\xa9", 5);
    assert_string_equal(cb.buf.data, "{5+}\r\ncaf\xc3\xa9");
    size_t big = 100000;
    char *s = malloc(big);
    memset(s, '\n', big);
    imc_put_sp(&cb);
    imc_put_literal(&cb, s, big, 0);
    assert_non_null(strstr(cb.buf.data, " {100000+}\r\n"));
    assert_int_equal(cb.nsplits, 0);
    free(s);
    imc_cmdbuf_free(&cb);
}

static void test_writer__literal_minus_4096_rule(void **state)
{
    /* RFC 7888 section 5: LITERAL- allows non-synchronising literals of at
     * most 4096 bytes; bigger ones wait for "+" as usual */
    char *s = malloc(4097);
    memset(s, '\n', 4097);
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    cb.literal_minus = 1;
    imc_put_literal(&cb, s, 4096, 0);
    assert_memory_equal(cb.buf.data, "{4096+}\r\n", 9);
    assert_int_equal(cb.nsplits, 0);
    imc_cmdbuf_reset(&cb);
    imc_put_literal(&cb, s, 4097, 0);
    assert_memory_equal(cb.buf.data, "{4097}\r\n", 8);
    assert_int_equal(cb.nsplits, 1);
    assert_int_equal(cb.splits[0], 8);
    imc_cmdbuf_reset(&cb);
    imc_put_literal(&cb, s, 0, 0);
    assert_string_equal(cb.buf.data, "{0+}\r\n");
    /* LITERAL+ wins over LITERAL- when both are on */
    imc_cmdbuf_reset(&cb);
    cb.literal_plus = 1;
    imc_put_literal(&cb, s, 4097, 0);
    assert_memory_equal(cb.buf.data, "{4097+}\r\n", 9);
    assert_int_equal(cb.nsplits, 0);
    imc_cmdbuf_free(&cb);
    free(s);
}

static void test_writer__literal8_not_under_literal_minus(void **state)
{
    /* RFC 7888 section 8: "+" in a literal8 needs LITERAL+; LITERAL- only
     * covers plain literals */
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    cb.literal_minus = 1;
    imc_put_literal(&cb, "a\0b", 3, 1);
    assert_memory_equal(cb.buf.data, "~{3}\r\na\0b", 9);
    assert_int_equal(cb.nsplits, 1);
    imc_cmdbuf_reset(&cb);
    imc_put_literal(&cb, "abc", 3, 0);
    assert_string_equal(cb.buf.data, "{3+}\r\nabc");
    imc_cmdbuf_free(&cb);
}

static void test_writer__utf8_quoted(void **state)
{
    /* with UTF8=ACCEPT / IMAP4rev2 on, UTF-8 text goes quoted; what is not
     * UTF-8, or holds CR, LF or NUL, still needs a literal */
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    cb.utf8 = 1;
    imc_put_astring(&cb, "caf\xc3\xa9", 5);
    assert_string_equal(cb.buf.data, "\"caf\xc3\xa9\"");
    imc_cmdbuf_reset(&cb);
    imc_put_string(&cb, "\xe2\x98\xba \"q\"", 7);
    assert_string_equal(cb.buf.data, "\"\xe2\x98\xba \\\"q\\\"\"");
    imc_cmdbuf_reset(&cb);
    imc_put_astring(&cb, "a\xff", 2);
    assert_string_equal(cb.buf.data, "{2}\r\na\xff");
    imc_cmdbuf_reset(&cb);
    imc_put_astring(&cb, "\xc3\xa9\r\n", 4);
    assert_string_equal(cb.buf.data, "{4}\r\n\xc3\xa9\r\n");
    imc_cmdbuf_reset(&cb);
    imc_put_astring(&cb, "plain", 5);
    assert_string_equal(cb.buf.data, "plain");
    imc_cmdbuf_free(&cb);
}

static void test_writer__utf8_valid(void **state)
{
    assert_true(imc_utf8_valid("", 0));
    assert_true(imc_utf8_valid("abc", 3));
    assert_true(imc_utf8_valid("\xc3\xa9", 2));
    assert_true(imc_utf8_valid("\xe2\x98\xba", 3));
    assert_true(imc_utf8_valid("\xf0\x9f\x98\x80", 4));
    assert_true(imc_utf8_valid("\xf4\x8f\xbf\xbf", 4));  /* U+10FFFF */
    assert_false(imc_utf8_valid("\xc3", 1));             /* cut */
    assert_false(imc_utf8_valid("\xc0\xaf", 2));         /* overlong "/" */
    assert_false(imc_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    assert_false(imc_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(imc_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(imc_utf8_valid("\xff", 1));
    assert_false(imc_utf8_valid("\xc3\x28", 2));
    assert_false(imc_utf8_valid("\x80", 1));
}

static void test_writer__literal8(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_literal(&cb, "\0a\0", 3, 1);
    assert_int_equal(cb.err, 0);
    assert_int_equal(cb.buf.len, 9);
    assert_memory_equal(cb.buf.data, "~{3}\r\n\0a\0", 9);
    assert_int_equal(cb.nsplits, 1);
    assert_int_equal(cb.splits[0], 6);
    imc_cmdbuf_reset(&cb);
    cb.literal_plus = 1;
    imc_put_literal(&cb, "\0", 1, 1);
    assert_memory_equal(cb.buf.data, "~{1+}\r\n\0", 8);
    imc_cmdbuf_free(&cb);
}

static void test_writer__empty_literal_waits(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_literal(&cb, "", 0, 0);
    assert_string_equal(cb.buf.data, "{0}\r\n");
    assert_int_equal(cb.nsplits, 1);
    assert_int_equal(cb.splits[0], 5);
    imc_cmdbuf_free(&cb);
}

static void test_writer__verbatim_accepts_syntax(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    const char crit[] = "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.100>) \"x\" {3}";
    imc_put_verbatim(&cb, crit, sizeof crit - 1);
    assert_int_equal(cb.err, 0);
    assert_string_equal(cb.buf.data, crit);
    assert_int_equal(cb.nsplits, 0);
    imc_cmdbuf_free(&cb);
}

static void test_writer__verbatim_refuses_cr_lf_nul(void **state)
{
    static const struct {
        const char *s;
        size_t n;
    } bad[] = {{L("ALL\r\nA2 LOGOUT")}, {L("x\r")}, {L("\n")}, {L("a\0b")}, {L("\0")}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        imc_cmdbuf cb;
        imc_cmdbuf_init(&cb);
        imc_put_raw(&cb, "A1 SEARCH ");
        imc_put_verbatim(&cb, bad[i].s, bad[i].n);
        assert_int_equal(cb.err, IMAPCLIENT_EINVAL);
        assert_string_equal(cb.errtext, "CR, LF or NUL in a raw argument");
        /* nothing of it was written */
        assert_string_equal(cb.buf.data, "A1 SEARCH ");
        imc_cmdbuf_free(&cb);
    }
}

static void test_writer__error_is_sticky(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_raw(&cb, "A1 X ");
    imc_put_verbatim(&cb, "a\nb", 3);
    imc_put_raw(&cb, "more");
    imc_put_astring(&cb, "x\0", 2); /* a second failure keeps the first text */
    imc_put_crlf(&cb);
    assert_int_equal(cb.err, IMAPCLIENT_EINVAL);
    assert_string_equal(cb.errtext, "CR, LF or NUL in a raw argument");
    assert_string_equal(cb.buf.data, "A1 X ");
    imc_cmdbuf_reset(&cb);
    assert_int_equal(cb.err, 0);
    assert_null(cb.errtext);
    imc_put_raw(&cb, "A2 NOOP");
    assert_string_equal(cb.buf.data, "A2 NOOP");
    imc_cmdbuf_free(&cb);
}

static void test_writer__secret_ranges(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_raw(&cb, "A001 LOGIN ");
    imc_put_astring(&cb, "user", 4);
    imc_put_sp(&cb);
    imc_put_secret_begin(&cb);
    imc_put_astring(&cb, "pass word", 9);
    imc_put_secret_end(&cb);
    imc_put_crlf(&cb);
    assert_string_equal(cb.buf.data, "A001 LOGIN user \"pass word\"\r\n");
    assert_int_equal(cb.nsecrets, 1);
    assert_int_equal(cb.secrets[0].start, 16);
    assert_int_equal(cb.secrets[0].end, 27);
    assert_memory_equal(cb.buf.data + 16, "\"pass word\"", 11);
    /* a second range, and an end without a begin adds none */
    imc_put_secret_end(&cb);
    imc_put_secret_begin(&cb);
    imc_put_literal(&cb, "t\nk", 3, 0);
    imc_put_secret_end(&cb);
    assert_int_equal(cb.nsecrets, 2);
    assert_int_equal(cb.secrets[1].start, 29);
    assert_int_equal(cb.secrets[1].end, cb.buf.len);
    /* reset wipes the bytes that held secrets before reuse */
    char *data = cb.buf.data;
    size_t len = cb.buf.len;
    imc_cmdbuf_reset(&cb);
    assert_ptr_equal(cb.buf.data, data);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(data[i], 0);
    assert_int_equal(cb.nsecrets, 0);
    assert_int_equal(cb.nsplits, 0);
    assert_int_equal(cb.secret_open, SIZE_MAX);
    imc_cmdbuf_free(&cb);
}

static void test_writer__many_secret_ranges(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    for (int i = 0; i < 20; i++) {
        imc_put_sp(&cb);
        imc_put_secret_begin(&cb);
        imc_put_raw(&cb, "s");
        imc_put_secret_end(&cb);
    }
    assert_int_equal(cb.nsecrets, 20);
    for (size_t i = 0; i < 20; i++) {
        assert_int_equal(cb.secrets[i].start, 2 * i + 1);
        assert_int_equal(cb.secrets[i].end, 2 * i + 2);
    }
    imc_cmdbuf_free(&cb);
}

static void test_writer__numbers(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_number(&cb, 0);
    imc_put_sp(&cb);
    imc_put_number(&cb, 4294967295u);
    imc_put_sp(&cb);
    imc_put_number(&cb, UINT64_MAX);
    assert_string_equal(cb.buf.data, "0 4294967295 18446744073709551615");
    imc_cmdbuf_free(&cb);
}

static void test_writer__raw_pieces(void **state)
{
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_raw(&cb, "A3 UID FETCH");
    imc_put_sp(&cb);
    imc_put_rawn(&cb, "1:*xyz", 3);
    imc_put_sp(&cb);
    imc_put_raw(&cb, "(FLAGS)");
    imc_put_crlf(&cb);
    assert_string_equal(cb.buf.data, "A3 UID FETCH 1:* (FLAGS)\r\n");
    imc_cmdbuf_free(&cb);
}

static void test_writer__long_quoted_with_escapes(void **state)
{
    /* 10000 alternating quotes and backslashes: each escaped once */
    size_t n = 10000;
    char *s = malloc(n);
    for (size_t i = 0; i < n; i++)
        s[i] = (i & 1) ? '\\' : '"';
    imc_cmdbuf cb;
    imc_cmdbuf_init(&cb);
    imc_put_astring(&cb, s, n);
    assert_int_equal(cb.buf.len, 2 * n + 2);
    assert_int_equal(cb.buf.data[0], '"');
    assert_int_equal(cb.buf.data[2 * n + 1], '"');
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(cb.buf.data[1 + 2 * i], '\\');
        assert_int_equal(cb.buf.data[2 + 2 * i], s[i]);
    }
    imc_cmdbuf_free(&cb);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer__astring_forms),
        cmocka_unit_test(test_writer__nul_needs_literal),
        cmocka_unit_test(test_writer__string_never_atom),
        cmocka_unit_test(test_writer__synchronising_literal_split),
        cmocka_unit_test(test_writer__many_literals_grow_splits),
        cmocka_unit_test(test_writer__literal_plus_never_waits),
        cmocka_unit_test(test_writer__literal_minus_4096_rule),
        cmocka_unit_test(test_writer__literal8),
        cmocka_unit_test(test_writer__empty_literal_waits),
        cmocka_unit_test(test_writer__verbatim_accepts_syntax),
        cmocka_unit_test(test_writer__verbatim_refuses_cr_lf_nul),
        cmocka_unit_test(test_writer__error_is_sticky),
        cmocka_unit_test(test_writer__secret_ranges),
        cmocka_unit_test(test_writer__many_secret_ranges),
        cmocka_unit_test(test_writer__literal8_not_under_literal_minus),
        cmocka_unit_test(test_writer__utf8_quoted),
        cmocka_unit_test(test_writer__utf8_valid),
        cmocka_unit_test(test_writer__numbers),
        cmocka_unit_test(test_writer__raw_pieces),
        cmocka_unit_test(test_writer__long_quoted_with_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
