/*
 * Printing results: readable text for people, JSON for scripts (the forms
 * are documented in docs/cli-json.md; keep the two in step).
 *
 * Server text is escaped on a terminal-bound stream: control bytes never
 * reach the terminal raw.
 */
#include "cmd.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

void out_json(json_t *j)
{
    if (!j) {
        fputs("null\n", stdout);
        return;
    }
    json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
    fputc('\n', stdout);
    fflush(stdout);
    json_decref(j);
}

/* Base64 with OpenSSL's encoder (the library links OpenSSL anyway). */
static char *base64(const unsigned char *p, size_t n)
{
    if (n > (size_t)INT_MAX / 4 * 3)
        return NULL; /* EVP_EncodeBlock takes an int */
    char *out = malloc((n + 2) / 3 * 4 + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    return out;
}

int out_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, min = 0x80, c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, min = 0x800, c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if ((size_t)(end - p) < n + 1)
            return 0;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            c = c << 6 | (p[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

json_t *out_json_bytes(const char *s, size_t len)
{
    if (!s)
        return json_null();
    if (out_utf8_valid(s, len))
        return json_stringn(s, len);
    /* not UTF-8 (8-bit text in another charset, binary): keep every byte */
    char *b = base64((const unsigned char *)s, len);
    json_t *o = json_object();
    json_object_set_new(o, "base64", b ? json_string(b) : json_null());
    free(b);
    return o;
}

json_t *out_json_value(const imapclient_value *v)
{
    if (!v)
        return json_null();
    switch (v->type) {
    case IMAPCLIENT_VALUE_NIL:
        return json_null();
    case IMAPCLIENT_VALUE_NUMBER:
        if (v->number <= (uint64_t)LLONG_MAX)
            return json_integer((json_int_t)v->number);
        return json_stringn(v->str, v->len);
    case IMAPCLIENT_VALUE_ATOM:
    case IMAPCLIENT_VALUE_STRING:
    case IMAPCLIENT_VALUE_LITERAL:
        return out_json_bytes(v->str, v->len);
    case IMAPCLIENT_VALUE_LIST: {
        json_t *a = json_array();
        for (size_t i = 0; i < v->count; i++)
            json_array_append_new(a, out_json_value(&v->items[i]));
        return a;
    }
    }
    return json_null();
}

json_t *out_json_strings(const char *const *list, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; list && i < n; i++)
        json_array_append_new(a, out_json_bytes(list[i], strlen(list[i])));
    return a;
}

json_t *out_json_ids(const uint32_t *ids, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer(ids[i]));
    return a;
}

static json_t *str_or_null(const char *s)
{
    return s ? out_json_bytes(s, strlen(s)) : json_null();
}

json_t *out_json_response(const imapclient_response *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "tag", str_or_null(r->tag));
    json_object_set_new(o, "number",
                        r->has_number ? json_integer(r->number) : json_null());
    json_object_set_new(o, "name", str_or_null(r->name));
    json_object_set_new(o, "args", r->args ? out_json_value(r->args) : json_array());
    json_object_set_new(o, "code", str_or_null(r->code));
    json_object_set_new(o, "code_args",
                        r->code_args ? out_json_value(r->code_args) : json_array());
    json_object_set_new(o, "text", str_or_null(r->text ? r->text : ""));
    return o;
}

json_t *out_json_responses(const imapclient_responses *r)
{
    json_t *o = json_object();
    json_t *a = json_array();
    for (size_t i = 0; r && i < r->count; i++)
        json_array_append_new(a, out_json_response(&r->items[i]));
    json_object_set_new(o, "text", str_or_null(r ? r->text : NULL));
    json_object_set_new(o, "responses", a);
    return o;
}

/* Text that can be shown bare: printable, no blanks or IMAP specials
 * (UTF-8 letters are fine). */
static int is_bare(const char *s, size_t len)
{
    if (!len)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f || c == '"' || c == '(' || c == ')' || c == '{' ||
            c == '%')
            return 0;
    }
    return out_utf8_valid(s, len);
}

/* Escaped text: valid UTF-8 is kept, control bytes and invalid bytes
 * become \xNN; inside quotes '"' and '\' are escaped too. */
static void put_text(FILE *f, const char *s, size_t len, int quoted)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        if (quoted && (c == '"' || c == '\\')) {
            fputc('\\', f);
            fputc(c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\r') {
            fputs("\\r", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\x%02x", c);
        } else if (c < 0x80) {
            fputc(c, f);
        } else {
            /* one UTF-8 sequence if valid, else the byte escaped */
            size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
            if (n > 1 && i + n <= len && out_utf8_valid(s + i, n)) {
                fwrite(s + i, 1, n, f);
                i += n - 1;
            } else {
                fprintf(f, "\\x%02x", c);
            }
        }
    }
}

void out_escaped(FILE *f, const char *s, size_t len)
{
    put_text(f, s, len, 0);
}

void out_text_bytes(FILE *f, const char *s, size_t len)
{
    if (!s) {
        fputs("NIL", f);
        return;
    }
    if (is_bare(s, len)) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    put_text(f, s, len, 1);
    fputc('"', f);
}

void out_text_value(FILE *f, const imapclient_value *v)
{
    if (!v) {
        fputs("NIL", f);
        return;
    }
    switch (v->type) {
    case IMAPCLIENT_VALUE_NIL:
        fputs("NIL", f);
        break;
    case IMAPCLIENT_VALUE_NUMBER:
        fprintf(f, "%llu", (unsigned long long)v->number);
        break;
    case IMAPCLIENT_VALUE_ATOM:
        /* atoms like BODY[HEADER.FIELDS (SUBJECT)] are shown as sent */
        if (out_utf8_valid(v->str, v->len) && !memchr(v->str, '\n', v->len))
            out_escaped(f, v->str, v->len);
        else
            out_text_bytes(f, v->str, v->len);
        break;
    case IMAPCLIENT_VALUE_STRING:
    case IMAPCLIENT_VALUE_LITERAL:
        out_text_bytes(f, v->str, v->len);
        break;
    case IMAPCLIENT_VALUE_LIST:
        fputc('(', f);
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                fputc(' ', f);
            out_text_value(f, &v->items[i]);
        }
        fputc(')', f);
        break;
    }
}

void out_text_response(FILE *f, const imapclient_response *r)
{
    if (r->tag && !r->tag[0]) { /* a line that was not an IMAP response */
        out_escaped(f, r->text, strlen(r->text));
        return;
    }
    fputs(r->tag ? r->tag : "*", f);
    if (r->has_number)
        fprintf(f, " %u", r->number);
    if (r->name && r->name[0]) {
        fputc(' ', f);
        out_escaped(f, r->name, strlen(r->name));
    }
    if (r->code) {
        fputs(" [", f);
        out_escaped(f, r->code, strlen(r->code));
        if (r->code_raw && r->code_raw[0]) {
            fputc(' ', f);
            out_escaped(f, r->code_raw, strlen(r->code_raw));
        }
        fputc(']', f);
    }
    for (size_t i = 0; r->args && i < r->args->count; i++) {
        fputc(' ', f);
        out_text_value(f, &r->args->items[i]);
    }
    if (r->text && r->text[0]) {
        fputc(' ', f);
        out_escaped(f, r->text, strlen(r->text));
    }
    fputc('\n', f);
}

void out_text_strings(FILE *f, const char *const *list, size_t n)
{
    fputc('(', f);
    for (size_t i = 0; list && i < n; i++) {
        if (i)
            fputc(' ', f);
        out_escaped(f, list[i], strlen(list[i]));
    }
    fputc(')', f);
}

void out_text_ids(FILE *f, const uint32_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, i ? " %u" : "%u", ids[i]);
    fputc('\n', f);
}

const char **out_value_texts(const imapclient_value *list, size_t *n)
{
    size_t cnt = list && list->type == IMAPCLIENT_VALUE_LIST ? list->count : 0;
    const char **a = calloc(cnt + 1, sizeof *a);
    size_t k = 0;
    for (size_t i = 0; a && i < cnt; i++)
        if (IMAPCLIENT_VALUE_IS_TEXT(&list->items[i]))
            a[k++] = list->items[i].str;
    if (n)
        *n = k;
    return a;
}

void cli_print_text(cli_ctx *ctx, const char *key, const char *text)
{
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, key,
                            out_json_bytes(text ? text : "", text ? strlen(text) : 0));
        out_json(o);
    } else if (text && text[0]) {
        out_escaped(stdout, text, strlen(text));
        fputc('\n', stdout);
    }
}
