/*
 * Response parser. RFC 3501 section 9, RFC 9051 section 9, RFC 3516.
 *
 * Tolerant where real servers are sloppy: missing spaces between list
 * members, lower-case keywords, bare ']' and '[' sections inside atoms
 * (BODY[HEADER.FIELDS (SUBJECT)]<0>), unknown response codes. Strict where
 * safety needs it: literal sizes must fit in the bytes actually present,
 * nesting is bounded, and every failure is a clean EPROTOCOL.
 */
#include "parser.h"

#include <imapclient/errors.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const imapclient_value imc_empty_list = {.type = IMAPCLIENT_VALUE_LIST};

typedef struct lexer {
    const char *s;
    size_t len, pos;
    imc_arena *a;
    imc_parser *p;
    unsigned depth;
    int in_code; /* inside [...] of a response code: ']' ends atoms and lists */
} lexer;

void imc_parser_init(imc_parser *p, unsigned max_depth)
{
    memset(p, 0, sizeof *p);
    p->max_depth = max_depth ? max_depth : 100;
}

void imc_parser_free(imc_parser *p)
{
    free(p->stack);
    p->stack = NULL;
    p->stack_len = p->stack_cap = 0;
}

static int fail(lexer *lx, const char *why)
{
    lx->p->error = why;
    lx->p->error_pos = lx->pos;
    return IMAPCLIENT_EPROTOCOL;
}

static int push(imc_parser *p, const imapclient_value *v)
{
    if (p->stack_len == p->stack_cap) {
        size_t cap = p->stack_cap ? p->stack_cap * 2 : 64;
        imapclient_value *n = realloc(p->stack, cap * sizeof *n);
        if (!n)
            return IMAPCLIENT_ENOMEM;
        p->stack = n;
        p->stack_cap = cap;
    }
    p->stack[p->stack_len++] = *v;
    return 0;
}

/* Pop the members pushed since base into an arena array. */
static int pop_list(lexer *lx, size_t base, imapclient_value *out)
{
    size_t n = lx->p->stack_len - base;
    memset(out, 0, sizeof *out);
    out->type = IMAPCLIENT_VALUE_LIST;
    out->count = n;
    if (n) {
        imapclient_value *items = imc_arena_array_uninit(lx->a, n, sizeof *items);
        if (!items)
            return IMAPCLIENT_ENOMEM;
        memcpy(items, lx->p->stack + base, n * sizeof *items);
        out->items = items;
    }
    lx->p->stack_len = base;
    return 0;
}

static int at_end(const lexer *lx)
{
    return lx->pos >= lx->len;
}

static void skip_sp(lexer *lx)
{
    while (lx->pos < lx->len && lx->s[lx->pos] == ' ')
        lx->pos++;
}

/* atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials /
 * resp-specials. We are lenient: '%', '*', '\\', ']' and '{' inside an atom
 * are accepted; an atom ends at SP, '(', ')', '"', CR, LF or NUL. */
static int atom_end(const lexer *lx, char ch)
{
    if (ch == ' ' || ch == '(' || ch == ')' || ch == '"' || ch == '\r' || ch == '\n' ||
        ch == '\0')
        return 1;
    if (lx->in_code && ch == ']')
        return 1;
    return 0;
}

static int parse_value(lexer *lx, imapclient_value *out);

static int parse_list(lexer *lx, imapclient_value *out)
{
    if (++lx->depth > lx->p->max_depth)
        return fail(lx, "lists nested too deeply");
    lx->pos++; /* '(' */
    size_t base = lx->p->stack_len;
    for (;;) {
        skip_sp(lx);
        if (at_end(lx)) {
            lx->p->stack_len = base;
            lx->p->incomplete = 1;
            return fail(lx, "list not terminated");
        }
        char ch = lx->s[lx->pos];
        if (ch == ')') {
            lx->pos++;
            break;
        }
        if (lx->in_code && ch == ']') {
            lx->p->stack_len = base;
            return fail(lx, "list not terminated in response code");
        }
        imapclient_value v;
        int rc = parse_value(lx, &v);
        if (rc == 0)
            rc = push(lx->p, &v);
        if (rc) {
            lx->p->stack_len = base;
            return rc;
        }
    }
    lx->depth--;
    return pop_list(lx, base, out);
}

/* quoted-specials = DQUOTE / "\\" ; only these two are escaped. A backslash
 * before anything else is kept as sent (servers put Windows paths and
 * unescaped backslashes in quoted strings). */
static int is_escape(const char *s, size_t i, size_t len)
{
    return s[i] == '\\' && i + 1 < len && (s[i + 1] == '"' || s[i + 1] == '\\');
}

static int parse_quoted(lexer *lx, imapclient_value *out)
{
    size_t start = ++lx->pos, n = 0, esc = 0;
    /* First pass: find the end and the unescaped length. */
    size_t i = start;
    /* Most quoted strings hold no escape and no line end: skip those bytes
     * in a tight loop before the careful one. */
    while (i < lx->len && lx->s[i] != '"' && lx->s[i] != '\\' && lx->s[i] != '\r' &&
           lx->s[i] != '\n')
        i++;
    n = i - start;
    while (i < lx->len && lx->s[i] != '"') {
        char ch = lx->s[i];
        if (ch == '\r' || ch == '\n')
            return fail(lx, "line end inside quoted string");
        if (is_escape(lx->s, i, lx->len)) {
            i++;
            esc = 1;
        }
        i++;
        n++;
    }
    if (i >= lx->len)
        return fail(lx, "quoted string not terminated");
    char *dst = esc ? imc_arena_alloc_uninit(lx->a, n + 1)
                    : imc_arena_strndup(lx->a, lx->s + start, n);
    if (!dst)
        return IMAPCLIENT_ENOMEM;
    if (esc) {
        /* Same decisions as the first pass; s[i] is the closing quote. */
        size_t k = 0;
        for (size_t j = start; j < i; j++) {
            if (is_escape(lx->s, j, i))
                j++;
            dst[k++] = lx->s[j];
        }
    }
    dst[n] = '\0';
    memset(out, 0, sizeof *out);
    out->type = IMAPCLIENT_VALUE_STRING;
    out->str = dst;
    out->len = n;
    lx->pos = i + 1;
    return 0;
}

/* literal = "{" number64 ["+"] "}" CRLF *CHAR8 ; literal8 = "~{" number64 "}" CRLF */
static int parse_literal(lexer *lx, imapclient_value *out)
{
    unsigned flags = 0;
    if (lx->s[lx->pos] == '~') {
        flags = IMAPCLIENT_VALUE_LITERAL8;
        lx->pos++;
    }
    lx->pos++; /* '{' */
    uint64_t n = 0;
    size_t digits = 0;
    while (lx->pos < lx->len && isdigit((unsigned char)lx->s[lx->pos])) {
        unsigned d = (unsigned)(lx->s[lx->pos] - '0');
        if (n > (UINT64_MAX - d) / 10)
            return fail(lx, "literal size overflows");
        n = n * 10 + d;
        lx->pos++;
        digits++;
    }
    if (!digits)
        return fail(lx, "literal size missing");
    if (lx->pos < lx->len && lx->s[lx->pos] == '+')
        lx->pos++;
    if (lx->pos + 3 > lx->len || lx->s[lx->pos] != '}' || lx->s[lx->pos + 1] != '\r' ||
        lx->s[lx->pos + 2] != '\n')
        return fail(lx, "literal header malformed");
    lx->pos += 3;
    if (n > lx->len - lx->pos)
        return fail(lx, "literal larger than the data present");
    char *dst = imc_arena_strndup(lx->a, lx->s + lx->pos, (size_t)n);
    if (!dst)
        return IMAPCLIENT_ENOMEM;
    memset(out, 0, sizeof *out);
    out->type = IMAPCLIENT_VALUE_LITERAL;
    out->flags = flags;
    out->str = dst;
    out->len = (size_t)n;
    lx->pos += (size_t)n;
    return 0;
}

/* 1 when s[pos..] is a literal header: ["~"] "{" digits ["+"] "}" CRLF. */
static int literal_starts(const lexer *lx, size_t pos)
{
    const char *s = lx->s;
    if (pos < lx->len && s[pos] == '~')
        pos++;
    if (pos >= lx->len || s[pos] != '{')
        return 0;
    size_t i = pos + 1;
    while (i < lx->len && isdigit((unsigned char)s[i]))
        i++;
    if (i == pos + 1)
        return 0;
    if (i < lx->len && s[i] == '+')
        i++;
    return i + 2 < lx->len && s[i] == '}' && s[i + 1] == '\r' && s[i + 2] == '\n';
}

static int parse_atom(lexer *lx, imapclient_value *out)
{
    size_t start = lx->pos;
    int all_digits = 1;
    while (lx->pos < lx->len) {
        char ch = lx->s[lx->pos];
        /* A literal straight after an atom, space missing: BODY[]{5} */
        if ((ch == '{' || ch == '~') && lx->pos > start && literal_starts(lx, lx->pos))
            break;
        if (ch == '[') {
            /* section spec: keep "[...]" with its spaces and parens in the atom */
            int depth = 0;
            while (lx->pos < lx->len) {
                char c2 = lx->s[lx->pos];
                if (c2 == '\r' || c2 == '\n')
                    break;
                if (c2 == '[')
                    depth++;
                else if (c2 == ']' && --depth == 0)
                    break;
                lx->pos++;
            }
            if (lx->pos >= lx->len || lx->s[lx->pos] != ']')
                return fail(lx, "section '[' not closed");
            lx->pos++;
            all_digits = 0;
            continue;
        }
        if (atom_end(lx, ch))
            break;
        if (!isdigit((unsigned char)ch))
            all_digits = 0;
        lx->pos++;
    }
    size_t n = lx->pos - start;
    if (n == 0)
        return fail(lx, "unexpected character");
    memset(out, 0, sizeof *out);
    const char *w = lx->s + start;
    if (n == 3 && (w[0] | 0x20) == 'n' && (w[1] | 0x20) == 'i' && (w[2] | 0x20) == 'l') {
        out->type = IMAPCLIENT_VALUE_NIL;
        return 0;
    }
    char *dst = imc_arena_strndup(lx->a, lx->s + start, n);
    if (!dst)
        return IMAPCLIENT_ENOMEM;
    out->str = dst;
    out->len = n;
    out->type = IMAPCLIENT_VALUE_ATOM;
    if (all_digits && n <= 20) {
        uint64_t v = 0;
        size_t i;
        for (i = 0; i < n; i++) {
            unsigned d = (unsigned)(dst[i] - '0');
            if (v > (UINT64_MAX - d) / 10)
                break;
            v = v * 10 + d;
        }
        if (i == n) {
            out->type = IMAPCLIENT_VALUE_NUMBER;
            out->number = v;
        }
    }
    return 0;
}

static int parse_value(lexer *lx, imapclient_value *out)
{
    char ch = lx->s[lx->pos];
    switch (ch) {
    case '(':
        return parse_list(lx, out);
    case '"':
        return parse_quoted(lx, out);
    case ')':
        return fail(lx, "unbalanced ')'");
    case '{':
        return parse_literal(lx, out);
    case '~':
        /* literal8, or an atom such as ~/Mail/foo or a stray ~{ */
        if (literal_starts(lx, lx->pos))
            return parse_literal(lx, out);
        return parse_atom(lx, out);
    case '\r':
    case '\n':
        return fail(lx, "bare line end inside response");
    default:
        return parse_atom(lx, out);
    }
}

/* Values until the end of input (or ']' in a response code) as one list. */
static int parse_rest(lexer *lx, imapclient_value *out)
{
    size_t base = lx->p->stack_len;
    for (;;) {
        skip_sp(lx);
        if (at_end(lx) || (lx->in_code && lx->s[lx->pos] == ']'))
            break;
        imapclient_value v;
        int rc = parse_value(lx, &v);
        if (rc == 0)
            rc = push(lx->p, &v);
        if (rc) {
            lx->p->stack_len = base;
            return rc;
        }
    }
    return pop_list(lx, base, out);
}

int imc_parse_values(imc_parser *p, const char *buf, size_t len, imc_arena *a,
                     imapclient_value *out)
{
    lexer lx = {.s = buf, .len = len, .a = a, .p = p};
    p->error = NULL;
    p->incomplete = 0;
    return parse_rest(&lx, out);
}

static char *upper_dup(imc_arena *a, const char *s, size_t n)
{
    char *d = imc_arena_strndup(a, s, n);
    if (d)
        for (size_t i = 0; i < n; i++)
            d[i] = (char)toupper((unsigned char)d[i]);
    return d;
}

/* A word up to SP (tags, keywords). */
static size_t word_len(const lexer *lx)
{
    size_t i = lx->pos;
    while (i < lx->len && lx->s[i] != ' ' && lx->s[i] != '[' && lx->s[i] != '(')
        i++;
    return i - lx->pos;
}

static int is_status(const char *name)
{
    return !strcmp(name, "OK") || !strcmp(name, "NO") || !strcmp(name, "BAD") ||
           !strcmp(name, "BYE") || !strcmp(name, "PREAUTH");
}

/* resp-text = ["[" resp-text-code "]" SP] text */
static int parse_resp_text(lexer *lx, imapclient_response *r)
{
    skip_sp(lx);
    r->code_args = &imc_empty_list;
    if (lx->pos < lx->len && lx->s[lx->pos] == '[') {
        size_t open = lx->pos;
        lx->pos++;
        size_t n = 0;
        /* the code's name ends at SP, ']' or, space missing, '(' */
        while (lx->pos + n < lx->len && lx->s[lx->pos + n] != ' ' &&
               lx->s[lx->pos + n] != ']' && lx->s[lx->pos + n] != '(')
            n++;
        /* Find the closing bracket, counting nested ones, for the raw text. */
        size_t close = lx->pos + n;
        int depth = 1;
        for (size_t i = lx->pos; i < lx->len; i++) {
            if (lx->s[i] == '[')
                depth++;
            else if (lx->s[i] == ']' && --depth == 0) {
                close = i;
                break;
            }
        }
        if (depth != 0) {
            /* No closing bracket: the whole thing is text (lenient). */
            lx->pos = open;
        } else {
            char *code = upper_dup(lx->a, lx->s + lx->pos, n);
            if (!code)
                return IMAPCLIENT_ENOMEM;
            r->code = code;
            size_t args_start = lx->pos + n;
            while (args_start < close && lx->s[args_start] == ' ')
                args_start++;
            r->code_raw =
                imc_arena_strndup(lx->a, lx->s + args_start, close - args_start);
            if (!r->code_raw)
                return IMAPCLIENT_ENOMEM;
            /* Arguments as values; a code we cannot parse keeps only code_raw. */
            lexer sub = *lx;
            sub.s = lx->s + args_start;
            sub.len = close - args_start;
            sub.pos = 0;
            sub.in_code = 0;
            imapclient_value *args = imc_arena_alloc_uninit(lx->a, sizeof *args);
            if (!args)
                return IMAPCLIENT_ENOMEM;
            size_t saved = lx->p->stack_len;
            int rc = parse_rest(&sub, args);
            if (rc == IMAPCLIENT_ENOMEM)
                return rc;
            if (rc == 0)
                r->code_args = args;
            lx->p->stack_len = saved;
            lx->p->error = NULL;
            lx->p->incomplete = 0;
            lx->pos = close + 1;
            if (lx->pos < lx->len && lx->s[lx->pos] == ' ')
                lx->pos++;
        }
    }
    r->text = imc_arena_strndup(lx->a, lx->s + lx->pos, lx->len - lx->pos);
    if (!r->text)
        return IMAPCLIENT_ENOMEM;
    lx->pos = lx->len;
    return 0;
}

/* tag = 1*<any ASTRING-CHAR except "+"> (RFC 3501 section 9); '[' is an
 * ATOM-CHAR, but no server's tag has one and word_len() ends a tag there,
 * so a line like "[COPYUID 55 31 6]" does not start with a tag. */
static int is_tag_char(unsigned char ch)
{
    return ch > 0x20 && ch < 0x7f && !strchr("(){%*\"\\+[", ch);
}

int imc_parse_is_stray(const char *buf, size_t len)
{
    if (len && (buf[0] == '*' || buf[0] == '+'))
        return 0;
    size_t i = 0;
    while (i < len && is_tag_char((unsigned char)buf[i]))
        i++;
    return !(i > 0 && i < len && buf[i] == ' ');
}

int imc_parse_response(imc_parser *p, const char *buf, size_t len, imc_arena *a,
                       int keep_raw, imapclient_response *r)
{
    lexer lx = {.s = buf, .len = len, .a = a, .p = p};
    memset(r, 0, sizeof *r);
    p->error = NULL;
    p->fast_taken = 0;
    p->incomplete = 0;
    r->args = &imc_empty_list;
    r->code_args = &imc_empty_list;
    r->text = "";
    if (keep_raw) {
        r->raw = imc_arena_strndup(a, buf, len);
        if (!r->raw)
            return IMAPCLIENT_ENOMEM;
        r->raw_len = len;
    }
    if (len == 0)
        return fail(&lx, "empty response line");
    if (buf[0] == '+') {
        /* continue-req = "+" SP (resp-text / base64) */
        r->tag = "+";
        r->name = "";
        lx.pos = 1;
        if (lx.pos < len && buf[lx.pos] == ' ')
            lx.pos++;
        r->text = imc_arena_strndup(a, buf + lx.pos, len - lx.pos);
        return r->text ? 0 : IMAPCLIENT_ENOMEM;
    }
    size_t n = word_len(&lx);
    if (n == 0)
        return fail(&lx, "response does not start with a tag");
    r->tag = (n == 1 && buf[0] == '*') ? "*" : imc_arena_strndup(a, buf, n);
    if (!r->tag)
        return IMAPCLIENT_ENOMEM;
    lx.pos += n;
    if (lx.pos >= len || buf[lx.pos] != ' ')
        return fail(&lx, "nothing after the tag");
    skip_sp(&lx);
    n = word_len(&lx);
    if (n == 0)
        return fail(&lx, "response keyword missing");
    if (r->tag[0] == '*' && isdigit((unsigned char)buf[lx.pos])) {
        /* message-data = nz-number SP ("EXPUNGE" / "FETCH" ...) */
        uint64_t num = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isdigit((unsigned char)buf[lx.pos + i]))
                return fail(&lx, "bad message number");
            num = num * 10 + (unsigned)(buf[lx.pos + i] - '0');
            if (num > UINT32_MAX)
                return fail(&lx, "message number out of range");
        }
        r->has_number = 1;
        r->number = (uint32_t)num;
        lx.pos += n;
        skip_sp(&lx);
        n = word_len(&lx);
        if (n == 0)
            return fail(&lx, "keyword missing after message number");
    }
    char *name = upper_dup(a, buf + lx.pos, n);
    if (!name)
        return IMAPCLIENT_ENOMEM;
    r->name = name;
    lx.pos += n;
    if (is_status(name))
        return parse_resp_text(&lx, r);
    if (r->tag[0] != '*')
        return fail(&lx, "tagged response is not OK, NO or BAD");
    if (p->fast_fn && !p->generic_only && !r->has_number) {
        int taken = p->fast_fn(p->fast_ud, name, buf + lx.pos, len - lx.pos);
        if (taken < 0)
            return taken;
        if (taken) {
            p->fast_taken = 1;
            return 0; /* args stays the empty list */
        }
    }
    imapclient_value *args =
        imc_arena_alloc_uninit(a, sizeof *args); /* parse_rest sets it */
    if (!args)
        return IMAPCLIENT_ENOMEM;
    int rc = parse_rest(&lx, args);
    if (rc)
        return rc;
    r->args = args;
    return 0;
}

static int copy_into(imc_arena *a, const imapclient_value *v, imapclient_value *d)
{
    *d = *v;
    if (v->type == IMAPCLIENT_VALUE_LIST) {
        if (v->count) {
            imapclient_value *items = imc_arena_array_uninit(a, v->count, sizeof *items);
            if (!items)
                return -1;
            for (size_t i = 0; i < v->count; i++)
                if (copy_into(a, &v->items[i], &items[i]))
                    return -1;
            d->items = items;
        }
    } else if (v->str) {
        d->str = imc_arena_strndup(a, v->str, v->len);
        if (!d->str)
            return -1;
    }
    return 0;
}

imapclient_value *imc_value_copy(imc_arena *a, const imapclient_value *v)
{
    imapclient_value *d = imc_arena_alloc_uninit(a, sizeof *d); /* copy_into sets it */
    if (!d || copy_into(a, v, d))
        return NULL;
    return d;
}

int imc_response_copy(imc_arena *a, const imapclient_response *s, imapclient_response *d)
{
    *d = *s;
    const char **dst[] = {&d->tag, &d->name, &d->code, &d->code_raw, &d->text};
    const char *const src[] = {s->tag, s->name, s->code, s->code_raw, s->text};
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
        if (src[i] && !(*dst[i] = imc_arena_strdup(a, src[i])))
            return IMAPCLIENT_ENOMEM;
    if (s->raw && !(d->raw = imc_arena_strndup(a, s->raw, s->raw_len)))
        return IMAPCLIENT_ENOMEM;
    d->args = s->args->count ? imc_value_copy(a, s->args) : &imc_empty_list;
    d->code_args =
        s->code_args->count ? imc_value_copy(a, s->code_args) : &imc_empty_list;
    if (!d->args || !d->code_args)
        return IMAPCLIENT_ENOMEM;
    return 0;
}
