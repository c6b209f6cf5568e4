/*
 * RFC 2047 encoded words ("=?charset?B|Q?text?=") in header text such as
 * ENVELOPE subjects and address names, decoded to UTF-8 as Python's
 * email.header.decode_header() followed by str(make_header()) reads them:
 *
 *   - a word is "=?" charset "?" B|Q "?" text "?=", found anywhere (also
 *     glued to other text, "M=?utf-8?Q?=C3=BCller?="), text without '?';
 *   - white space between two decoded words is dropped, and adjacent words
 *     in the same charset are joined before the charset is decoded (a
 *     character split over two words comes out whole);
 *   - white space between a word and other text is kept, as it is;
 *   - leading white space goes when the text holds a decoded word.
 *
 * Where Python raises, this keeps going: a word whose base64 cannot be
 * decoded, whose charset iconv does not know, or that is not closed by
 * "?=" is kept as it was sent; bytes that are not valid in the declared
 * charset become U+FFFD; plain text is kept when it is UTF-8 and read as
 * Latin-1 otherwise. Two more differences: no space is inserted where a
 * word touches other text (make_header() turns that "M=?..?=" into
 * "M üller"; Python's newer email.headerregistry does not either), and a
 * RFC 2231 language ("=?utf-8*en?Q?..?=") is accepted and dropped.
 *
 * Charsets are converted with iconv (glibc): one iconv_open() per run of
 * words in one charset, closed right after. UTF-8 is decoded here, so that
 * invalid bytes are replaced as Python replaces them (one U+FFFD per
 * maximal invalid subpart).
 */
#include "types.h"

#include <imapclient/errors.h>

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

static int is_wsp(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ------------------------------------------------------------------ */
/* UTF-8 and Latin-1                                                    */
/* ------------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at p[0..n) (1..4), or 0 when
 * ill-formed, with *bad the length of its maximal subpart (Unicode 3.9,
 * table 3-7: what Python's "replace" replaces with one U+FFFD). */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
    unsigned c = p[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xbf; /* range of the first continuation byte */
    *bad = 1;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0)
            lo = 0xa0; /* no overlong forms */
        else if (c == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; /* nothing past U+10FFFF */
    } else {
        return 0;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf)) {
            *bad = i;
            return 0;
        }
    }
    return need + 1;
}

static int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t bad;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i, &bad);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Append UTF-8 text, with U+FFFD for each maximal ill-formed subpart and
 * for U+0000 (the result is a C string). */
static int put_utf8(imc_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* p[run..i) is good text not yet appended */
    while (i < n) {
        size_t bad, k = p[i] ? utf8_seq(p + i, n - i, &bad) : 0;
        if (k) {
            i += k;
            continue;
        }
        if (!p[i])
            bad = 1;
        if (imc_buf_add(b, s + run, i - run) < 0 || imc_buf_adds(b, REPLACEMENT) < 0)
            return IMAPCLIENT_ENOMEM;
        i += bad;
        run = i;
    }
    return imc_buf_add(b, s + run, i - run) < 0 ? IMAPCLIENT_ENOMEM : 0;
}

/* Text outside encoded words: kept when it is UTF-8, else Latin-1. */
static int put_plain(imc_buf *b, const char *s, size_t n)
{
    if (utf8_valid(s, n))
        return put_utf8(b, s, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char u[2] = {(char)(0xc0 | c >> 6), (char)(0x80 | (c & 0x3f))};
        int rc = c == 0     ? imc_buf_adds(b, REPLACEMENT)
                 : c < 0x80 ? imc_buf_addc(b, (char)c)
                            : imc_buf_add(b, u, 2);
        if (rc < 0)
            return IMAPCLIENT_ENOMEM;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Unfolding                                                            */
/* ------------------------------------------------------------------ */

/* Unfolding (RFC 5322 section 2.2.3) as decode_header() joins lines: a
 * line break (CRLF, or a lone CR or LF) and the white space after it
 * become one space; at the very end they go. */
static int unfold(imc_buf *u, const char *s, size_t n)
{
    if (imc_buf_reserve(u, n) < 0)
        return IMAPCLIENT_ENOMEM;
    for (size_t i = 0; i < n;) {
        if (s[i] != '\r' && s[i] != '\n') {
            u->data[u->len++] = s[i++];
            continue;
        }
        while (i < n && (s[i] == '\r' || s[i] == '\n' || is_wsp((unsigned char)s[i])))
            i++;
        if (i < n)
            u->data[u->len++] = ' ';
    }
    u->data[u->len] = '\0';
    return 0;
}

/* ------------------------------------------------------------------ */
/* One encoded word                                                     */
/* ------------------------------------------------------------------ */

typedef struct word {
    size_t end;      /* one past the word's last byte ("?=") */
    const char *cs;  /* charset as sent, without the RFC 2231 language */
    size_t cs_len;   /* bytes in cs */
    char enc;        /* 'b' or 'q' */
    const char *txt; /* encoded text */
    size_t txt_len;  /* bytes in txt */
} word;

/* Whether s[i..n) starts with an encoded word (Python's ecre, with the
 * encoded text stopping at its first '?', as RFC 2047 has it). */
static int match_word(const char *s, size_t n, size_t i, word *w)
{
    if (n - i < 2 || s[i] != '=' || s[i + 1] != '?')
        return 0;
    size_t p = i + 2;
    while (p < n && s[p] != '?')
        p++;
    /* p: the '?' after the charset; then B or Q, '?', text, "?=" */
    if (n - p < 3 || !strchr("bBqQ", s[p + 1]) || s[p + 1] == '\0' || s[p + 2] != '?')
        return 0;
    size_t t = p + 3, q = t;
    while (q < n && s[q] != '?')
        q++;
    if (n - q < 2 || s[q + 1] != '=')
        return 0;
    w->end = q + 2;
    w->cs = s + i + 2;
    w->cs_len = p - (i + 2);
    const char *star = memchr(w->cs, '*', w->cs_len);
    if (star)
        w->cs_len = (size_t)(star - w->cs); /* RFC 2231 section 5: charset*lang */
    w->enc = (char)lower(s[p + 1]);
    w->txt = s + t;
    w->txt_len = q - t;
    return 1;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (unsigned char)lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* RFC 2047 section 4.2: '_' is a space, "=XX" a byte (either case); any
 * other '=' stays as it is (Python's quoprimime.header_decode). */
static int decode_q(imc_buf *out, const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == '_') {
            c = ' ';
        } else if (c == '=' && n - i > 2 && hexval((unsigned char)t[i + 1]) >= 0 &&
                   hexval((unsigned char)t[i + 2]) >= 0) {
            c = (char)(hexval((unsigned char)t[i + 1]) << 4 |
                       hexval((unsigned char)t[i + 2]));
            i += 2;
        }
        if (imc_buf_addc(out, c) < 0)
            return IMAPCLIENT_ENOMEM;
    }
    return 0;
}

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* RFC 2047 section 4.1 (RFC 4648 base64), as leniently as Python about
 * padding (missing, partial or extra '=' is fine) and white space
 * (ignored). 1 when decoded, 0 when it is not base64 (a byte outside the
 * alphabet, '=' before the last group's second character, data after the
 * padding, a last group of one character), or ENOMEM. */
static int decode_b(imc_buf *out, const char *t, size_t n)
{
    unsigned acc = 0;
    int bits = 0, pos = 0, padded = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (is_wsp(c))
            continue;
        if (c == '=') {
            if (!padded && pos < 2)
                return 0;
            padded = 1;
            continue;
        }
        int v = b64val(c);
        if (v < 0 || padded)
            return 0;
        acc = (acc << 6 | (unsigned)v) & 0xffffff;
        bits += 6;
        pos = (pos + 1) % 4;
        if (bits >= 8) {
            bits -= 8;
            if (imc_buf_addc(out, (char)(acc >> bits & 0xff)) < 0)
                return IMAPCLIENT_ENOMEM;
        }
    }
    return pos == 1 ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* Charsets                                                             */
/* ------------------------------------------------------------------ */

/* A run of adjacent words in one charset: their bytes, decoded at once. */
typedef struct run {
    int active;                   /* a decoded word came last */
    char cs[IMC_CHARSET_MAX + 1]; /* its charset, as the first word spelt it */
    int utf8;                     /* decoded here rather than by iconv */
    iconv_t cd;                   /* open while active (unless utf8) */
    imc_buf bytes;                /* the words' decoded bytes */
} run;

/* Open a conversion from name to UTF-8 into r; 0 when iconv does not know
 * the charset. */
static int run_open(run *r, const char *name)
{
    if (imc_charset_is_utf8(name)) {
        r->utf8 = 1;
        r->cd = (iconv_t)-1;
        return 1;
    }
    r->utf8 = 0;
    r->cd = iconv_open("UTF-8", imc_charset_iconv(name));
    return r->cd != (iconv_t)-1;
}

static void run_close(run *r)
{
    if (!r->utf8 && r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    r->cd = (iconv_t)-1;
    r->active = 0;
    r->bytes.len = 0;
}

/* Convert the run's bytes to UTF-8 into b, then close it. */
static int run_flush(imc_buf *b, run *r)
{
    if (!r->active)
        return 0;
    int rc = 0;
    if (r->utf8) {
        rc = put_utf8(b, r->bytes.data, r->bytes.len);
        run_close(r);
        return rc;
    }
    char tmp[512];
    char *in = r->bytes.data;
    size_t left = r->bytes.len;
    for (int flushed = 0; rc == 0;) {
        char *o = tmp;
        size_t room = sizeof tmp, got;
        if (left) {
            got = iconv(r->cd, &in, &left, &o, &room);
        } else {
            got = iconv(r->cd, NULL, NULL, &o, &room); /* the shift state */
            flushed = 1;
        }
        int err = got == (size_t)-1 ? errno : 0;
        rc = put_utf8(b, tmp, (size_t)(o - tmp));
        if (rc < 0 || err == E2BIG)
            continue;
        if (err) {
            /* EILSEQ: a byte invalid in the charset, skipped; EINVAL: a
             * sequence cut short by the end. Either way one U+FFFD. */
            if (imc_buf_adds(b, REPLACEMENT) < 0)
                rc = IMAPCLIENT_ENOMEM;
            if (err == EILSEQ && left) {
                in++;
                left--;
            } else {
                left = 0;
            }
        }
        if (flushed)
            break;
    }
    run_close(r);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The header                                                           */
/* ------------------------------------------------------------------ */

static int same_charset(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static int all_wsp(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_wsp((unsigned char)s[i]))
            return 0;
    return 1;
}

int imc_header_decode_buf(imc_buf *b, const char *s, size_t len)
{
    imc_buf u, bytes;
    imc_buf_init(&u, 0);
    imc_buf_init(&bytes, 0);
    run r = {.cd = (iconv_t)-1};
    imc_buf_init(&r.bytes, 0);
    size_t before = b->len;
    int rc = unfold(&u, s, len);
    const char *t = u.data;
    size_t n = u.len;
    size_t plain = 0; /* t[plain..) is text not yet written */
    int any = 0;      /* a word has been decoded */
    word w;
    for (size_t i = 0; rc == 0 && i < n;) {
        if (!match_word(t, n, i, &w)) {
            i++;
            continue;
        }
        size_t start = i;
        i = w.end;

        /* Decode the text; a word that cannot be read is plain text. */
        char name[IMC_CHARSET_MAX + 1];
        bytes.len = 0;
        int ok = imc_charset_name(w.cs, w.cs_len, name);
        if (ok && w.enc == 'q')
            ok = decode_q(&bytes, w.txt, w.txt_len) == 0 ? 1 : IMAPCLIENT_ENOMEM;
        else if (ok)
            ok = decode_b(&bytes, w.txt, w.txt_len);
        if (ok < 0) {
            rc = ok;
            break;
        }
        if (!ok)
            continue;
        int joined = r.active && all_wsp(t + plain, start - plain);
        int same = joined && same_charset(name, r.cs);
        if (!same) {
            run next = {.cd = (iconv_t)-1};
            if (!run_open(&next, name))
                continue; /* unknown charset: kept as sent */
            if ((rc = run_flush(b, &r)) < 0) {
                run_close(&next);
                break;
            }
            r.cd = next.cd;
            r.utf8 = next.utf8;
            memcpy(r.cs, name, sizeof name);
        }
        if (!joined) {
            /* The text before: kept, but for leading white space. */
            size_t p = plain;
            if (!any)
                while (p < start && is_wsp((unsigned char)t[p]))
                    p++;
            rc = put_plain(b, t + p, start - p);
        }
        if (rc == 0 && imc_buf_add(&r.bytes, bytes.data ? bytes.data : "", bytes.len) < 0)
            rc = IMAPCLIENT_ENOMEM;
        r.active = 1;
        any = 1;
        plain = i;
    }
    if (rc == 0)
        rc = run_flush(b, &r);
    if (rc == 0)
        rc = put_plain(b, t ? t + plain : "", n - plain);
    if (rc == 0 && imc_buf_reserve(b, 0) < 0) /* "" when nothing came */
        rc = IMAPCLIENT_ENOMEM;
    run_close(&r);
    imc_buf_free(&r.bytes);
    imc_buf_free(&bytes);
    imc_buf_free(&u);
    if (rc < 0) {
        b->len = before;
        if (b->data)
            b->data[before] = '\0';
    } else {
        b->data[b->len] = '\0';
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Public API                                                           */
/* ------------------------------------------------------------------ */

int imapclient_decode_header(const char *s, size_t len, char **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!s)
        return IMAPCLIENT_EINVAL;
    imc_buf b;
    imc_buf_init(&b, 0);
    int rc = imc_header_decode_buf(&b, s, len);
    if (rc < 0) {
        imc_buf_free(&b);
        return rc;
    }
    *out = b.data;
    return 0;
}

int imapclient_address_format_decoded(const imapclient_address *a, char *buf, size_t size)
{
    if (!a || (!buf && size))
        return IMAPCLIENT_EINVAL;
    imapclient_address d = *a;
    char *name = NULL, *group = NULL;
    int rc = 0;
    if (a->name)
        rc = imapclient_decode_header(a->name, strlen(a->name), &name);
    /* A group start's name (the mailbox, with no host) is a phrase too. */
    if (rc == 0 && a->mailbox && !a->host)
        rc = imapclient_decode_header(a->mailbox, strlen(a->mailbox), &group);
    if (rc == 0) {
        if (name)
            d.name = name;
        if (group)
            d.mailbox = group;
        rc = imapclient_address_format(&d, buf, size);
    }
    free(name);
    free(group);
    return rc;
}
