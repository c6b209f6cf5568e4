#include "writer.h"

#include <imapclient/errors.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void imc_cmdbuf_init(imc_cmdbuf *cb)
{
    memset(cb, 0, sizeof *cb);
    imc_buf_init(&cb->buf, 0);
    cb->secret_open = SIZE_MAX;
}

static void free_sources(imc_cmdbuf *cb)
{
    for (size_t i = 0; i < cb->nsources; i++)
        if (cb->sources[i].src && cb->sources[i].src->free)
            cb->sources[i].src->free(cb->sources[i].src);
    cb->nsources = 0;
}

void imc_cmdbuf_reset(imc_cmdbuf *cb)
{
    free_sources(cb);
    /* Commands may have carried passwords: wipe before reuse. */
    if (cb->buf.data && cb->nsecrets)
        memset(cb->buf.data, 0, cb->buf.len);
    imc_buf_clear(&cb->buf);
    cb->nsplits = cb->nsecrets = 0;
    cb->secret_open = SIZE_MAX;
    cb->err = 0;
    cb->errtext = NULL;
}

void imc_cmdbuf_free(imc_cmdbuf *cb)
{
    free_sources(cb);
    imc_buf_free_wipe(&cb->buf);
    free(cb->sources);
    free(cb->splits);
    free(cb->secrets);
    memset(cb, 0, sizeof *cb);
}

static void seterr(imc_cmdbuf *cb, int code, const char *text)
{
    if (!cb->err) {
        cb->err = code;
        cb->errtext = text;
    }
}

static void add(imc_cmdbuf *cb, const char *s, size_t n)
{
    if (!cb->err && imc_buf_add(&cb->buf, s, n) < 0)
        seterr(cb, IMAPCLIENT_ENOMEM, "out of memory building a command");
}

void imc_put_rawn(imc_cmdbuf *cb, const char *s, size_t n)
{
    add(cb, s, n);
}

void imc_put_raw(imc_cmdbuf *cb, const char *s)
{
    add(cb, s, strlen(s));
}

void imc_put_sp(imc_cmdbuf *cb)
{
    add(cb, " ", 1);
}

void imc_put_number(imc_cmdbuf *cb, uint64_t n)
{
    char tmp[24];
    int k = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
    add(cb, tmp, (size_t)k);
}

void imc_put_crlf(imc_cmdbuf *cb)
{
    add(cb, "\r\n", 2);
}

/* ATOM-CHAR = <any CHAR except atom-specials>
 * atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards /
 *                 quoted-specials / resp-specials
 * ASTRING-CHAR = ATOM-CHAR / resp-specials   (so ']' is allowed) */
static int is_astring_char(unsigned char ch)
{
    if (ch <= 0x20 || ch >= 0x7f)
        return 0;
    switch (ch) {
    case '(':
    case ')':
    case '{':
    case '%':
    case '*':
    case '"':
    case '\\':
        return 0;
    default:
        return 1;
    }
}

int imc_astring_form(const char *s, size_t n)
{
    int atom = n > 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        /* QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials
         * TEXT-CHAR excludes CR, LF (and NUL); 8-bit needs a literal. */
        if (ch == '\r' || ch == '\n' || ch == 0 || ch >= 0x80)
            return 2;
        if (!is_astring_char(ch))
            atom = 0;
    }
    /* NIL as an atom would be read back as nil */
    if (atom && n == 3 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'i' &&
        (s[2] | 0x20) == 'l')
        atom = 0;
    return atom ? 0 : 1;
}

int imc_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned ch = p[i];
        if (ch < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned cp, min;
        if (ch >= 0xc2 && ch <= 0xdf)
            len = 2, cp = ch & 0x1f, min = 0x80;
        else if (ch >= 0xe0 && ch <= 0xef)
            len = 3, cp = ch & 0x0f, min = 0x800;
        else if (ch >= 0xf0 && ch <= 0xf4)
            len = 4, cp = ch & 0x07, min = 0x10000;
        else
            return 0;
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

/* The form to use in this command: as imc_astring_form(), but UTF-8 text
 * (no CR, LF or NUL) goes quoted once UTF-8 is allowed there. */
static int form(const imc_cmdbuf *cb, const char *s, size_t n)
{
    int f = imc_astring_form(s, n);
    if (f != 2 || !cb->utf8 || memchr(s, '\r', n) || memchr(s, '\n', n) ||
        memchr(s, '\0', n) || !imc_utf8_valid(s, n))
        return f;
    return 1;
}

/* ---- syntax checks (imc_syntax_valid) ---------------------------------- */

static int is_atom_char(unsigned char ch)
{
    return is_astring_char(ch) && ch != ']';
}

/* quoted = DQUOTE *QUOTED-CHAR DQUOTE, at s[*i] == '"'; 1 and *i past it. */
static int scan_quoted(const char *s, size_t *i)
{
    size_t k = *i + 1;
    for (; s[k] && s[k] != '"'; k++) {
        unsigned char ch = (unsigned char)s[k];
        if (ch == '\r' || ch == '\n' || ch >= 0x80)
            return 0;
        if (ch == '\\' && (s[k + 1] == '"' || s[k + 1] == '\\'))
            k++;
        else if (ch == '\\')
            return 0;
    }
    if (s[k] != '"')
        return 0;
    *i = k + 1;
    return 1;
}

/* "(" [member *(SP member)] ")" at s[*i] == '(', members atoms (with
 * brackets allowed inside when in_section), quoted strings or lists. */
static int scan_list(const char *s, size_t *i, unsigned depth)
{
    if (depth > 32)
        return 0;
    size_t k = *i + 1;
    int first = 1;
    for (;;) {
        if (s[k] == ')') {
            *i = k + 1;
            return 1;
        }
        if (!first) {
            if (s[k] != ' ')
                return 0;
            k++;
        }
        first = 0;
        if (s[k] == '(') {
            if (!scan_list(s, &k, depth + 1))
                return 0;
        } else if (s[k] == '"') {
            if (!scan_quoted(s, &k))
                return 0;
        } else {
            size_t st = k;
            while (is_astring_char((unsigned char)s[k]))
                k++;
            if (k == st)
                return 0;
        }
    }
}

/* section = "[" [section-spec] "]": atoms with dots, a header list in
 * parentheses; at s[*i] == '['. */
static int scan_section(const char *s, size_t *i)
{
    size_t k = *i + 1;
    while (s[k] != ']') {
        if (s[k] == '(') {
            if (!scan_list(s, &k, 0))
                return 0;
        } else if (s[k] == ' ' || (is_atom_char((unsigned char)s[k]) && s[k] != '[')) {
            k++;
        } else {
            return 0;
        }
    }
    *i = k + 1;
    return 1;
}

static size_t scan_digits(const char *s, size_t i)
{
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* tagged-label-fchar = ALPHA / "-" / "_" / "."; then also DIGIT / ":" */
static int is_label_char(char ch, int first)
{
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '_' ||
        ch == '.')
        return 1;
    return !first && ((ch >= '0' && ch <= '9') || ch == ':');
}

int imc_syntax_valid(const char *s, imc_syntax kind)
{
    if (!s || !*s)
        return 0;
    size_t i = 0;
    switch (kind) {
    case IMC_SYNTAX_ATOM:
        for (; s[i]; i++)
            if (!is_atom_char((unsigned char)s[i]))
                return 0;
        return 1;
    case IMC_SYNTAX_ATOMS:
        for (; s[i]; i++)
            if (s[i] != ' ' && !is_atom_char((unsigned char)s[i]))
                return 0;
        return 1;
    case IMC_SYNTAX_FETCH_ATT:
        while (is_atom_char((unsigned char)s[i]) && s[i] != '[' && s[i] != '<')
            i++;
        if (i == 0)
            return 0;
        if (s[i] == '[' && !scan_section(s, &i))
            return 0;
        if (s[i] == '<') {
            size_t k = scan_digits(s, i + 1);
            if (k == i + 1)
                return 0;
            if (s[k] == '.') {
                size_t d = scan_digits(s, k + 1);
                if (d == k + 1)
                    return 0;
                k = d;
            }
            if (s[k] != '>')
                return 0;
            i = k + 1;
        }
        if (s[i] == ' ' && s[i + 1] == '(') {
            i++;
            if (!scan_list(s, &i, 0))
                return 0;
        }
        return s[i] == '\0';
    case IMC_SYNTAX_TAGGED_EXT:
        while (is_label_char(s[i], i == 0))
            i++;
        if (i == 0)
            return 0;
        if (!s[i])
            return 1;
        if (s[i] != ' ')
            return 0;
        i++;
        if (s[i] == '(') {
            if (!scan_list(s, &i, 0))
                return 0;
            return s[i] == '\0';
        }
        /* tagged-ext-simple: sequence-set / number / number64 */
        size_t st = i;
        while (s[i] && strchr("0123456789:,*$-", s[i]))
            i++;
        return i > st && s[i] == '\0';
    }
    return 0;
}

static void put_quoted(imc_cmdbuf *cb, const char *s, size_t n)
{
    add(cb, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            add(cb, s + run, i - run);
            add(cb, "\\", 1);
            run = i;
        }
    }
    add(cb, s + run, n - run);
    add(cb, "\"", 1);
}

/* "{n}\r\n" (or "~{n}", "{n+}"), and a split for a synchronising one. */
static void announce(imc_cmdbuf *cb, uint64_t n, int literal8)
{
    /* RFC 7888 section 8: a literal8 may be non-synchronising only with
     * LITERAL+ (and BINARY); LITERAL- covers plain literals of at most 4096
     * bytes. */
    int nowait = cb->literal_plus || (!literal8 && cb->literal_minus && n <= 4096);
    char tmp[48];
    int k = snprintf(tmp, sizeof tmp, "%s{%llu%s}\r\n", literal8 ? "~" : "",
                     (unsigned long long)n, nowait ? "+" : "");
    add(cb, tmp, (size_t)k);
    if (!nowait && !cb->err) {
        if (cb->nsplits == cb->splits_cap) {
            size_t cap = cb->splits_cap ? cb->splits_cap * 2 : 4;
            size_t *p = realloc(cb->splits, cap * sizeof *p);
            if (!p) {
                seterr(cb, IMAPCLIENT_ENOMEM, "out of memory building a command");
                return;
            }
            cb->splits = p;
            cb->splits_cap = cap;
        }
        cb->splits[cb->nsplits++] = cb->buf.len;
    }
}

void imc_put_literal(imc_cmdbuf *cb, const char *s, size_t n, int literal8)
{
    if (!literal8 && n && memchr(s, '\0', n)) {
        seterr(cb, IMAPCLIENT_EINVAL, "NUL byte in an argument");
        return;
    }
    announce(cb, n, literal8);
    add(cb, s, n);
}

void imc_put_literal_source(imc_cmdbuf *cb, uint64_t size, int literal8, imc_source *src)
{
    if (!cb->err && cb->nsources == cb->sources_cap) {
        size_t cap = cb->sources_cap ? cb->sources_cap * 2 : 4;
        imc_source_at *p = realloc(cb->sources, cap * sizeof *p);
        if (p) {
            cb->sources = p;
            cb->sources_cap = cap;
        } else {
            seterr(cb, IMAPCLIENT_ENOMEM, "out of memory building a command");
        }
    }
    if (cb->err) {
        if (src && src->free)
            src->free(src);
        return;
    }
    announce(cb, size, literal8);
    cb->sources[cb->nsources].at = cb->buf.len;
    cb->sources[cb->nsources].size = size;
    cb->sources[cb->nsources].src = src;
    cb->nsources++;
}

void imc_put_string(imc_cmdbuf *cb, const char *s, size_t n)
{
    if (form(cb, s, n) == 2)
        imc_put_literal(cb, s, n, 0);
    else
        put_quoted(cb, s, n);
}

void imc_put_astring(imc_cmdbuf *cb, const char *s, size_t n)
{
    switch (form(cb, s, n)) {
    case 0:
        add(cb, s, n);
        break;
    case 1:
        put_quoted(cb, s, n);
        break;
    default:
        imc_put_literal(cb, s, n, 0);
    }
}

void imc_put_verbatim(imc_cmdbuf *cb, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') {
            seterr(cb, IMAPCLIENT_EINVAL, "CR, LF or NUL in a raw argument");
            return;
        }
    add(cb, s, n);
}

void imc_put_secret_begin(imc_cmdbuf *cb)
{
    cb->secret_open = cb->buf.len;
}

void imc_put_secret_end(imc_cmdbuf *cb)
{
    if (cb->secret_open == SIZE_MAX)
        return;
    if (cb->nsecrets == cb->secrets_cap) {
        size_t cap = cb->secrets_cap ? cb->secrets_cap * 2 : 4;
        imc_range *p = realloc(cb->secrets, cap * sizeof *p);
        if (!p) {
            seterr(cb, IMAPCLIENT_ENOMEM, "out of memory building a command");
            return;
        }
        cb->secrets = p;
        cb->secrets_cap = cap;
    }
    cb->secrets[cb->nsecrets].start = cb->secret_open;
    cb->secrets[cb->nsecrets].end = cb->buf.len;
    cb->nsecrets++;
    cb->secret_open = SIZE_MAX;
}
