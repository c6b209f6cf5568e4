/*
 * Charset names and text in other charsets, with iconv (glibc): the names
 * as mail and IMAP servers spell them (shared by the RFC 2047 decoder,
 * mimeword.c, and the search charset negotiation, which encodes UTF-8
 * criteria in a charset a server offers: RFC 3501 section 6.4.4,
 * RFC 5256 BADCHARSET).
 */
#include "types.h"

#include <imapclient/errors.h>

#include <errno.h>
#include <iconv.h>
#include <string.h>

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Names glibc does not know under the spelling mail uses: Python's
 * email.charset ALIASES (latin-N), Outlook's Korean, the RFC 1556 Hebrew
 * and Arabic variants (same bytes), Python's codec name for Mac Icelandic,
 * and RFC 1428's unknown-8bit (ASCII; other bytes become U+FFFD, as
 * Python's make_header() gives). '_' matches '-'. */
static const struct {
    const char *name, *iconv;
} aliases[] = {
    {"latin-1", "ISO-8859-1"},      {"latin-2", "ISO-8859-2"},
    {"latin-3", "ISO-8859-3"},      {"latin-4", "ISO-8859-4"},
    {"latin-5", "ISO-8859-9"},      {"latin-6", "ISO-8859-10"},
    {"latin-7", "ISO-8859-13"},     {"latin-8", "ISO-8859-14"},
    {"latin-9", "ISO-8859-15"},     {"latin-10", "ISO-8859-16"},
    {"ks-c-5601-1987", "CP949"},    {"iso-8859-8-i", "ISO-8859-8"},
    {"iso-8859-8-e", "ISO-8859-8"}, {"iso-8859-6-i", "ISO-8859-6"},
    {"iso-8859-6-e", "ISO-8859-6"}, {"mac-iceland", "MAC-IS"},
    {"unknown-8bit", "US-ASCII"},
};

int imc_charset_is(const char *cs, const char *want)
{
    for (; *cs && *want; cs++, want++) {
        int a = lower((unsigned char)*cs), b = *want;
        if (a == '_')
            a = '-';
        if (a != b)
            return 0;
    }
    return *cs == *want;
}

int imc_charset_is_utf8(const char *cs)
{
    return cs && (imc_charset_is(cs, "utf-8") || imc_charset_is(cs, "utf8"));
}

int imc_charset_name(const char *cs, size_t n, char name[IMC_CHARSET_MAX + 1])
{
    if (n == 0 || n > IMC_CHARSET_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)cs[i];
        int alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && (i == 0 || !strchr("-_.:+()", c) || c == '\0'))
            return 0;
        name[i] = (char)c;
    }
    name[n] = '\0';
    return 1;
}

const char *imc_charset_iconv(const char *name)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (imc_charset_is(name, aliases[i].name))
            return aliases[i].iconv;
    return name;
}

/* Convert in[0..len) with cd into b (appended); 0, EINVAL (a character the
 * target cannot hold, or input that is not valid) or ENOMEM. */
static int convert(iconv_t cd, imc_buf *b, const char *in, size_t len)
{
    char *p = (char *)in;
    size_t left = len;
    int flushed = 0;
    while (!flushed) {
        if (imc_buf_reserve(b, left * 4 + 16) < 0)
            return IMAPCLIENT_ENOMEM;
        char *o = b->data + b->len;
        size_t room = b->cap - b->len - 1, got;
        if (left)
            got = iconv(cd, &p, &left, &o, &room);
        else {
            got = iconv(cd, NULL, NULL, &o, &room); /* the shift state */
            flushed = got != (size_t)-1;
        }
        b->len = (size_t)(o - b->data);
        if (got == (size_t)-1 && errno != E2BIG)
            return IMAPCLIENT_EINVAL;
    }
    b->data[b->len] = '\0';
    return 0;
}

/* Printable ASCII, which a charset must keep byte for byte to carry IMAP
 * search criteria next to their ASCII keywords. */
static const char printable[] =
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

int imc_charset_encode(imc_arena *a, const char *cs, const char *in, size_t len,
                       char **out, size_t *out_len)
{
    char name[IMC_CHARSET_MAX + 1];
    if (!cs || !imc_charset_name(cs, strlen(cs), name))
        return IMAPCLIENT_EINVAL;
    /* an exact conversion: glibc's //TRANSLIT or //IGNORE are never asked
     * for (the name cannot hold '/') */
    iconv_t cd = iconv_open(imc_charset_iconv(name), "UTF-8");
    if (cd == (iconv_t)-1)
        return IMAPCLIENT_EINVAL;
    imc_buf b;
    imc_buf_init(&b, 0);
    int rc = convert(cd, &b, printable, sizeof printable - 1);
    if (!rc && (b.len != sizeof printable - 1 || memcmp(b.data, printable, b.len) != 0))
        rc = IMAPCLIENT_EINVAL; /* not a superset of ASCII: UTF-16, UTF-7, EBCDIC */
    if (!rc) {
        iconv(cd, NULL, NULL, NULL, NULL);
        b.len = 0;
        rc = convert(cd, &b, in, len);
    }
    iconv_close(cd);
    /* a NUL cannot travel in a literal (RFC 3501 CHAR8) */
    if (!rc && memchr(b.data, '\0', b.len))
        rc = IMAPCLIENT_EINVAL;
    if (!rc && !(*out = imc_arena_strndup(a, b.data, b.len)))
        rc = IMAPCLIENT_ENOMEM;
    if (!rc && out_len)
        *out_len = b.len;
    imc_buf_free(&b);
    return rc;
}
