/*
 * Helpers shared by the wire tests and the fuzz targets: an in-memory
 * transport that hands out canned bytes in chosen chunk sizes, and a
 * compact text form of a value tree so expected trees read as one line.
 *
 * Dump format: NIL; numbers in decimal; atoms as sent (an atom made of
 * digits only, a number too big for 64 bits, is shown "atom:123...");
 * quoted strings in single quotes; literals as {n}'...' and literal8 as
 * ~{n}'...'; lists in parentheses, members separated by one space.
 * Inside quotes \\ and \' are escaped, CR LF NUL as \r \n \0, other bytes
 * outside 0x20..0x7e as \xNN.
 */
#ifndef WIRE_TEST_H
#define WIRE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <imapclient/errors.h>
#include <imapclient/types.h>

#include "transport/transport.h"
#include "util/buf.h"

typedef struct memt {
    imc_transport base;
    const char *data;
    size_t len, pos;
    const size_t *chunks; /* read sizes, used in turn and cycled; NULL: as asked */
    size_t nchunks, ci;
    int end_status; /* returned once data runs out: 0 (EOF) or a status */
    size_t reads;   /* number of read calls */
} memt;

static inline ssize_t memt_read(imc_transport *t, void *buf, size_t len, int timeout_ms)
{
    memt *m = (memt *)t;
    (void)timeout_ms;
    m->reads++;
    if (m->pos >= m->len) {
        if (m->end_status)
            snprintf(t->err, sizeof t->err, "scripted failure %d", m->end_status);
        return m->end_status;
    }
    size_t n = m->len - m->pos;
    if (n > len)
        n = len;
    if (m->nchunks) {
        size_t c = m->chunks[m->ci++ % m->nchunks];
        if (c && n > c)
            n = c;
    }
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static inline int memt_write(imc_transport *t, const void *buf, size_t len,
                             int timeout_ms)
{
    (void)t;
    (void)buf;
    (void)len;
    (void)timeout_ms;
    return 0;
}

static inline size_t memt_pending(imc_transport *t)
{
    (void)t;
    return 0;
}

static inline void memt_close(imc_transport *t)
{
    (void)t;
}

static inline void memt_init(memt *m, const void *data, size_t len)
{
    static const struct imc_transport_ops memt_ops = {
        .name = "memory",
        .read = memt_read,
        .write = memt_write,
        .pending = memt_pending,
        .close = memt_close,
    };
    memset(m, 0, sizeof *m);
    m->base.ops = &memt_ops;
    m->base.rfd = m->base.wfd = -1;
    m->data = data;
    m->len = len;
}

static inline void dump_text(imc_buf *b, const char *s, size_t n)
{
    imc_buf_addc(b, '\'');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\\' || ch == '\'') {
            imc_buf_addc(b, '\\');
            imc_buf_addc(b, (char)ch);
        } else if (ch == '\r') {
            imc_buf_adds(b, "\\r");
        } else if (ch == '\n') {
            imc_buf_adds(b, "\\n");
        } else if (ch == 0) {
            imc_buf_adds(b, "\\0");
        } else if (ch < 0x20 || ch > 0x7e) {
            imc_buf_printf(b, "\\x%02x", ch);
        } else {
            imc_buf_addc(b, (char)ch);
        }
    }
    imc_buf_addc(b, '\'');
}

static inline void dump_value(imc_buf *b, const imapclient_value *v)
{
    switch (v->type) {
    case IMAPCLIENT_VALUE_NIL:
        imc_buf_adds(b, "NIL");
        break;
    case IMAPCLIENT_VALUE_NUMBER:
        imc_buf_printf(b, "%llu", (unsigned long long)v->number);
        break;
    case IMAPCLIENT_VALUE_ATOM: {
        size_t i = 0;
        while (i < v->len && v->str[i] >= '0' && v->str[i] <= '9')
            i++;
        if (i == v->len)
            imc_buf_adds(b, "atom:");
        imc_buf_add(b, v->str, v->len);
        break;
    }
    case IMAPCLIENT_VALUE_STRING:
        dump_text(b, v->str, v->len);
        break;
    case IMAPCLIENT_VALUE_LITERAL:
        imc_buf_printf(b, "%s{%zu}", (v->flags & IMAPCLIENT_VALUE_LITERAL8) ? "~" : "",
                       v->len);
        dump_text(b, v->str, v->len);
        break;
    case IMAPCLIENT_VALUE_LIST:
        imc_buf_addc(b, '(');
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                imc_buf_addc(b, ' ');
            dump_value(b, &v->items[i]);
        }
        imc_buf_addc(b, ')');
        break;
    }
}

/* The members of a LIST, separated by spaces, without the parentheses;
 * malloc'd. */
static inline char *dump_members(const imapclient_value *list)
{
    imc_buf b;
    imc_buf_init(&b, 0);
    imc_buf_adds(&b, "");
    for (size_t i = 0; i < list->count; i++) {
        if (i)
            imc_buf_addc(&b, ' ');
        dump_value(&b, &list->items[i]);
    }
    return b.data;
}

/* Whole file into malloc'd memory; NULL if it cannot be read. */
static inline char *read_file(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    imc_buf b;
    imc_buf_init(&b, 0);
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        imc_buf_add(&b, tmp, n);
    fclose(f);
    if (!b.data)
        imc_buf_adds(&b, "");
    *len = b.len;
    return b.data;
}

#endif
