/*
 * Modified UTF-7 for mailbox names (RFC 3501 section 5.1.3; RFC 2152 for
 * the base64 of UTF-16), as IMAPClient's imap_utf7 writes it: printable
 * US-ASCII (0x20..0x7e) stands for itself except '&', which is "&-";
 * anything else is '&', the modified base64 (',' for '/', no '=') of its
 * UTF-16BE form, and '-'.
 *
 * Decoding is strict, as Dovecot's imap_utf7_to_utf8(): what a correct
 * encoder cannot produce is refused, so that a name has one spelling.
 */
#include "types.h"

#include <imapclient/errors.h>

#include <stdlib.h>
#include <string.h>

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == ',')
        return 63;
    return -1;
}

static int printable(uint32_t c)
{
    return c >= 0x20 && c <= 0x7e;
}

/* One code point from UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF). Returns its length, or 0 if invalid. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

static int put_utf8(imc_buf *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xc0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xe0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        t[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        t[0] = (char)(0xf0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        t[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return imc_buf_add(b, t, n);
}

typedef struct b64w {
    uint32_t bits;
    unsigned nbits;
} b64w;

static int b64_unit(imc_buf *b, b64w *w, uint32_t unit)
{
    w->bits = (w->bits << 16) | unit;
    w->nbits += 16;
    while (w->nbits >= 6) {
        w->nbits -= 6;
        if (imc_buf_addc(b, b64chars[(w->bits >> w->nbits) & 0x3f]) < 0)
            return -1;
    }
    w->bits &= (1u << w->nbits) - 1;
    return 0;
}

static int b64_end(imc_buf *b, b64w *w)
{
    if (w->nbits && imc_buf_addc(b, b64chars[(w->bits << (6 - w->nbits)) & 0x3f]) < 0)
        return -1;
    w->bits = 0;
    w->nbits = 0;
    return imc_buf_addc(b, '-');
}

int imc_utf7_encode_buf(imc_buf *b, const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t start = b->len;
    int in_b64 = 0;
    b64w w = {0, 0};
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_next(s + i, len - i, &cp);
        if (n == 0)
            goto inval;
        i += n;
        int rc = 0;
        if (printable(cp)) {
            if (in_b64) {
                rc = b64_end(b, &w);
                in_b64 = 0;
            }
            if (rc == 0)
                rc = cp == '&' ? imc_buf_add(b, "&-", 2) : imc_buf_addc(b, (char)cp);
        } else {
            if (!in_b64) {
                rc = imc_buf_addc(b, '&');
                in_b64 = 1;
            }
            if (rc == 0 && cp >= 0x10000) {
                uint32_t c = cp - 0x10000;
                rc = b64_unit(b, &w, 0xd800 | (c >> 10));
                if (rc == 0)
                    rc = b64_unit(b, &w, 0xdc00 | (c & 0x3ff));
            } else if (rc == 0) {
                rc = b64_unit(b, &w, cp);
            }
        }
        if (rc < 0)
            goto nomem;
    }
    if (in_b64 && b64_end(b, &w) < 0)
        goto nomem;
    return 0;
inval:
    b->len = start;
    if (b->data)
        b->data[start] = '\0';
    return IMAPCLIENT_EINVAL;
nomem:
    b->len = start;
    if (b->data)
        b->data[start] = '\0';
    return IMAPCLIENT_ENOMEM;
}

int imc_utf7_decode_buf(imc_buf *b, const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t start = b->len;
    int after_b64 = 0, rc = IMAPCLIENT_EINVAL;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c != '&') {
            if (!printable(c))
                goto fail; /* 8-bit and controls must be encoded */
            if (imc_buf_addc(b, (char)c) < 0)
                goto nomem;
            after_b64 = 0;
            i++;
            continue;
        }
        if (i + 1 < len && s[i + 1] == '-') {
            if (imc_buf_addc(b, '&') < 0)
                goto nomem;
            after_b64 = 0;
            i += 2;
            continue;
        }
        /* Two encoded sections in a row should have been one. */
        if (after_b64)
            goto fail;
        uint32_t bits = 0, high = 0;
        unsigned nbits = 0;
        size_t j = i + 1;
        for (; j < len && s[j] != '-'; j++) {
            int v = b64val(s[j]);
            if (v < 0)
                goto fail;
            bits = (bits << 6) | (uint32_t)v;
            nbits += 6;
            if (nbits < 16)
                continue;
            nbits -= 16;
            uint32_t u = (bits >> nbits) & 0xffff;
            bits &= (1u << nbits) - 1;
            if (u >= 0xd800 && u <= 0xdbff) {
                if (high)
                    goto fail;
                high = u;
                continue;
            }
            uint32_t cp = u;
            if (u >= 0xdc00 && u <= 0xdfff) {
                if (!high)
                    goto fail;
                cp = 0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00);
                high = 0;
            } else if (high) {
                goto fail;
            }
            if (printable(cp))
                goto fail; /* printable ASCII must stand for itself */
            if (put_utf8(b, cp) < 0)
                goto nomem;
        }
        /* Unterminated, a dangling high surrogate, a whole unused base64
         * character, or non-zero padding bits. */
        if (j >= len || high || nbits >= 6 || bits != 0)
            goto fail;
        after_b64 = 1;
        i = j + 1;
    }
    return 0;
nomem:
    rc = IMAPCLIENT_ENOMEM;
fail:
    b->len = start;
    if (b->data)
        b->data[start] = '\0';
    return rc;
}

/* The buffer as an arena string; NUL inside the result is refused since
 * the caller gets no length. */
static int to_arena(imc_arena *a, imc_buf *b, char **out)
{
    const char *d = b->data ? b->data : "";
    if (memchr(d, '\0', b->len)) {
        imc_buf_free(b);
        return IMAPCLIENT_EINVAL;
    }
    *out = imc_arena_strndup(a, d, b->len);
    imc_buf_free(b);
    return *out ? 0 : IMAPCLIENT_ENOMEM;
}

int imc_utf7_encode(imc_arena *a, const char *in, size_t len, char **out)
{
    *out = NULL;
    imc_buf b;
    imc_buf_init(&b, 0);
    int rc = imc_utf7_encode_buf(&b, in, len);
    if (rc < 0) {
        imc_buf_free(&b);
        return rc;
    }
    /* an encoded NUL is "&AAA-", never a NUL byte */
    return to_arena(a, &b, out);
}

int imc_utf7_decode(imc_arena *a, const char *in, size_t len, char **out)
{
    *out = NULL;
    imc_buf b;
    imc_buf_init(&b, 0);
    int rc = imc_utf7_decode_buf(&b, in, len);
    if (rc < 0) {
        imc_buf_free(&b);
        return rc;
    }
    return to_arena(a, &b, out);
}

/* The buffer's bytes as a malloc'd string (the buffer's own memory). */
static int to_malloc(imc_buf *b, char **out)
{
    if (b->data && memchr(b->data, '\0', b->len)) {
        imc_buf_free(b);
        return IMAPCLIENT_EINVAL;
    }
    if (!b->data) {
        *out = calloc(1, 1);
        return *out ? 0 : IMAPCLIENT_ENOMEM;
    }
    *out = b->data;
    return 0;
}

int imapclient_utf7_encode(const char *utf8, char **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!utf8)
        return IMAPCLIENT_EINVAL;
    imc_buf b;
    imc_buf_init(&b, 0);
    int rc = imc_utf7_encode_buf(&b, utf8, strlen(utf8));
    if (rc < 0) {
        imc_buf_free(&b);
        return rc;
    }
    return to_malloc(&b, out);
}

int imapclient_utf7_decode(const char *mutf7, char **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!mutf7)
        return IMAPCLIENT_EINVAL;
    imc_buf b;
    imc_buf_init(&b, 0);
    int rc = imc_utf7_decode_buf(&b, mutf7, strlen(mutf7));
    if (rc < 0) {
        imc_buf_free(&b);
        return rc;
    }
    return to_malloc(&b, out);
}
