#include "reader.h"

#include "parser.h"

#include <imapclient/errors.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN_SIZE (64 * 1024)
/* Literal rests at least this big are read into the response directly. */
#define DIRECT_MIN (16 * 1024)
/* A response buffer bigger than this is given back by imc_reader_trim(). */
#define RESP_KEEP 1024

int imc_reader_init(imc_reader *r, imc_transport *t, size_t max_line,
                    uint64_t max_literal)
{
    memset(r, 0, sizeof *r);
    r->t = t;
    r->max_line = max_line;
    r->max_literal = max_literal;
    r->direct_min = DIRECT_MIN;
    /* in[] comes with the first bytes (imc_reader_space) */
    imc_buf_init(&r->resp, 0);
    return 0;
}

void imc_reader_trim(imc_reader *r)
{
    if (r->in && r->in_start == r->in_end && !r->direct) {
        free(r->in);
        r->in = NULL;
        r->in_cap = r->in_start = r->in_end = 0;
    }
    if (!imc_reader_partial(r) && !r->direct && r->resp.cap > RESP_KEEP)
        imc_buf_free(&r->resp);
}

void imc_reader_free(imc_reader *r)
{
    free(r->in);
    r->in = NULL;
    imc_buf_free(&r->resp);
}

size_t imc_reader_buffered(const imc_reader *r)
{
    return r->in_end - r->in_start;
}

int imc_reader_partial(const imc_reader *r)
{
    return r->busy && (r->resp.len || r->lit_left);
}

void imc_reader_set_eof(imc_reader *r)
{
    r->eof = 1;
}

/* ---- push side ----------------------------------------------------------- */

void imc_reader_space(imc_reader *r, char **p, size_t *n)
{
    r->direct = 0;
    if (r->in_start == r->in_end)
        r->in_start = r->in_end = 0;
    if (r->busy && r->lit_left >= r->direct_min && !r->lit_sunk &&
        r->in_start == r->in_end) {
        /* Nothing buffered and much of a literal to come: read straight
         * into the response, saving a copy. The room asked for is at most
         * what the response already holds (or 64 KiB), so memory still
         * follows what arrived, not what was announced. */
        size_t want = r->resp.len > IN_SIZE ? r->resp.len : IN_SIZE;
        if (want > r->lit_left)
            want = (size_t)r->lit_left;
        if (imc_buf_reserve(&r->resp, want) == 0) {
            r->direct = 1;
            *p = r->resp.data + r->resp.len;
            *n = want;
            return;
        }
    }
    if (!r->in) {
        if (!(r->in = malloc(IN_SIZE))) {
            *p = NULL;
            *n = 0;
            return;
        }
        r->in_cap = IN_SIZE;
    }
    if (r->in_end == r->in_cap && r->in_start > 0) {
        memmove(r->in, r->in + r->in_start, r->in_end - r->in_start);
        r->in_end -= r->in_start;
        r->in_start = 0;
    }
    *p = r->in + r->in_end;
    *n = r->in_cap - r->in_end;
}

void imc_reader_commit(imc_reader *r, size_t n)
{
    if (r->direct) {
        r->resp.len += n;
        r->resp.data[r->resp.len] = '\0';
        r->lit_left -= n;
        if (!r->lit_left)
            r->line_start = r->resp.len; /* the line after the literal starts here */
        r->direct = 0;
        return;
    }
    r->in_end += n;
}

int imc_reader_push(imc_reader *r, const char *p, size_t n)
{
    while (n) {
        char *dst;
        size_t room;
        imc_reader_space(r, &dst, &room);
        if (!room) {
            /* in[] is full of bytes the reader has not taken yet: take them */
            int rc = imc_reader_step(r);
            if (rc < 0)
                return rc;
            imc_reader_space(r, &dst, &room);
            if (!room)
                return IMAPCLIENT_ENOMEM;
        }
        size_t k = room < n ? room : n;
        memcpy(dst, p, k);
        imc_reader_commit(r, k);
        p += k;
        n -= k;
    }
    return 0;
}

/* ---- assembly ------------------------------------------------------------ */

/* If the line resp[start..len) ends with a literal announcement
 * ("{123}", "{123+}" or "~{123}"), store its size and return 1; 0 if none;
 * EPROTOCOL for a size that does not fit in 63 bits. */
static int literal_at_end(imc_reader *r, size_t start, uint64_t *n, size_t *brace)
{
    const char *s = r->resp.data + start;
    size_t len = r->resp.len - start;
    if (len < 3 || s[len - 1] != '}')
        return 0;
    size_t i = len - 1;
    if (s[i - 1] == '+')
        i--;
    size_t end = i;
    while (i > 0 && isdigit((unsigned char)s[i - 1]))
        i--;
    if (i == end || i == 0 || s[i - 1] != '{')
        return 0;
    uint64_t v = 0;
    for (size_t k = i; k < end; k++) {
        unsigned d = (unsigned)(s[k] - '0');
        if (v > (UINT64_MAX / 2 - d) / 10) {
            snprintf(r->err, sizeof r->err, "literal size %.*s is beyond 2^63",
                     (int)(end - i > 40 ? 40 : end - i), s + i);
            return IMAPCLIENT_EPROTOCOL;
        }
        v = v * 10 + d;
    }
    *n = v;
    *brace = start + i - 1;
    return 1;
}

/* The line in resp[line_start..] is complete (CRLF dropped): end the
 * response, or start the literal it announces. 1 = response complete. */
static int end_of_line(imc_reader *r)
{
    uint64_t n = 0;
    size_t brace = 0;
    int lit = literal_at_end(r, r->line_start, &n, &brace);
    if (lit < 0)
        return lit;
    if (!lit) {
        r->resp.data[r->resp.len] = '\0';
        r->busy = 0;
        return 1;
    }
    int sunk = r->lit_divert && r->lit_divert(r->lit_ud, r->resp.data, brace, n);
    if (!sunk && n > r->max_literal) {
        snprintf(r->err, sizeof r->err,
                 "literal of %llu bytes exceeds the limit of %llu bytes",
                 (unsigned long long)n, (unsigned long long)r->max_literal);
        return IMAPCLIENT_ETOOBIG;
    }
    if (sunk) {
        /* The literal's bytes go to the sink: announce an empty one. */
        r->resp.len = brace;
        if (imc_buf_add(&r->resp, "{0}", 3) < 0)
            return IMAPCLIENT_ENOMEM;
        if (n == 0)
            r->lit_data(r->lit_ud, "", 0);
    }
    /* Keep "\r\n" after the announcement so the parser sees the form of
     * RFC 3501 even when the server sent a bare LF. */
    if (imc_buf_add(&r->resp, "\r\n", 2) < 0)
        return IMAPCLIENT_ENOMEM;
    r->lit_sunk = sunk;
    r->lit_left = r->lit_size = n;
    return 0;
}

static int at_eof(imc_reader *r)
{
    if (r->lit_left)
        snprintf(r->err, sizeof r->err,
                 "connection closed inside a literal (%llu of %llu bytes read)",
                 (unsigned long long)(r->lit_size - r->lit_left),
                 (unsigned long long)r->lit_size);
    else if (r->busy && r->resp.len)
        snprintf(r->err, sizeof r->err, "connection closed in the middle of a response");
    else
        snprintf(r->err, sizeof r->err, "connection closed by server");
    return IMAPCLIENT_EABORT;
}

int imc_reader_continue_list(imc_reader *r)
{
    if (r->busy || !r->lit_end || r->joined_at == r->lit_end)
        return 0;
    for (size_t i = r->lit_end; i < r->resp.len; i++)
        if (r->resp.data[i] != ' ')
            return 0;
    r->joining = 1;
    r->busy = 1;
    return 1;
}

/* Joining (imc_reader_continue_list): once the start of the next line is
 * in (up to its first space, its end, or 64 bytes), join it or give the
 * response back as it was. 1 when the response stands as it was, 0 when
 * the line is joined (assembly goes on) or more bytes are needed (joining
 * still set), or a failure. */
static int join_next_line(imc_reader *r)
{
    const char *b = r->in + r->in_start;
    size_t avail = r->in_end - r->in_start;
    const char *nl = memchr(b, '\n', avail);
    if (avail < 64 && !nl && !memchr(b, ' ', avail))
        return r->eof ? at_eof(r) : 0;
    r->joining = 0;
    r->joined_at = r->lit_end;
    if (!imc_parse_is_stray(b, nl ? (size_t)(nl - b) : avail)) {
        /* the next response: leave it alone */
        r->resp.data[r->resp.len] = '\0';
        r->busy = 0;
        return 1;
    }
    /* the line break reads as a space: the list goes on */
    if (imc_buf_add(&r->resp, " ", 1) < 0) {
        snprintf(r->err, sizeof r->err, "out of memory reading a response");
        return IMAPCLIENT_ENOMEM;
    }
    r->line_start = r->resp.len;
    return 0;
}

int imc_reader_step(imc_reader *r)
{
    if (!r->busy) {
        imc_buf_clear(&r->resp);
        r->err[0] = '\0';
        r->line_start = 0;
        r->lit_left = r->lit_size = 0;
        r->lit_sunk = 0;
        r->lit_end = r->joined_at = 0;
        r->busy = 1;
    }
    if (r->joining) {
        int rc = join_next_line(r);
        if (rc || r->joining)
            return rc;
    }
    for (;;) {
        size_t avail = r->in_end - r->in_start;
        if (r->lit_left) {
            if (!avail)
                return r->eof ? at_eof(r) : 0;
            size_t take = avail < r->lit_left ? avail : (size_t)r->lit_left;
            if (r->lit_sunk) {
                if (!r->lit_failed && r->lit_data(r->lit_ud, r->in + r->in_start, take))
                    r->lit_failed = 1;
            } else if (imc_buf_add(&r->resp, r->in + r->in_start, take) < 0) {
                /* Grown by what arrived, never by what was announced: a
                 * lying size costs only the bytes actually sent. */
                snprintf(r->err, sizeof r->err, "out of memory reading a literal");
                return IMAPCLIENT_ENOMEM;
            }
            r->in_start += take;
            r->lit_left -= take;
            if (!r->lit_left)
                r->line_start = r->lit_end = r->resp.len;
            continue;
        }
        if (!avail)
            return r->eof ? at_eof(r) : 0;
        char *base = r->in + r->in_start;
        char *nl = memchr(base, '\n', avail);
        size_t take = nl ? (size_t)(nl - base) + 1 : avail;
        if ((r->resp.len - r->line_start) + take > r->max_line + 2) {
            snprintf(r->err, sizeof r->err, "response line longer than %zu bytes",
                     r->max_line);
            return IMAPCLIENT_ETOOBIG;
        }
        if (imc_buf_add(&r->resp, base, take) < 0) {
            snprintf(r->err, sizeof r->err, "out of memory reading a response");
            return IMAPCLIENT_ENOMEM;
        }
        r->in_start += take;
        if (!nl)
            continue;
        /* A whole line is in resp[line_start..]: drop its CRLF (or bare LF). */
        size_t keep = r->resp.len - 1;
        if (keep > r->line_start && r->resp.data[keep - 1] == '\r')
            keep--;
        r->resp.len = keep;
        int rc = end_of_line(r);
        if (rc)
            return rc;
        if (!r->lit_left) /* an empty literal: the line goes on */
            r->line_start = r->lit_end = r->resp.len;
    }
}

/* ---- pull form ------------------------------------------------------------ */

int imc_reader_next(imc_reader *r, int timeout_ms)
{
    if (!r->joining)
        r->busy = 0; /* a response left half-read by a failure is abandoned */
    for (;;) {
        int rc = imc_reader_step(r);
        if (rc)
            return rc == 1 ? 0 : rc;
        char *p;
        size_t room;
        imc_reader_space(r, &p, &room);
        if (!room) {
            snprintf(r->err, sizeof r->err, "out of memory reading a response");
            return IMAPCLIENT_ENOMEM;
        }
        ssize_t n = r->t->ops->read(r->t, p, room, timeout_ms);
        if (n > 0) {
            imc_reader_commit(r, (size_t)n);
        } else if (n == 0) {
            r->direct = 0;
            imc_reader_set_eof(r);
        } else {
            r->direct = 0;
            snprintf(r->err, sizeof r->err, "%s", r->t->err);
            return (int)n;
        }
    }
}

int imc_reader_wait(imc_reader *r, int timeout_ms)
{
    if (r->in_end > r->in_start || r->t->ops->pending(r->t) > 0)
        return 1;
    if (r->t->rfd < 0) {
        /* no fd (scripted): try a read */
        char *p;
        size_t room;
        imc_reader_space(r, &p, &room);
        ssize_t n = room ? r->t->ops->read(r->t, p, room, timeout_ms) : 0;
        if (n > 0) {
            imc_reader_commit(r, (size_t)n);
            return 1;
        }
        r->direct = 0;
        if (n == 0) {
            imc_reader_set_eof(r);
            snprintf(r->err, sizeof r->err, "connection closed by server");
            return IMAPCLIENT_EABORT;
        }
        if (n == IMAPCLIENT_ETIMEOUT)
            return 0;
        snprintf(r->err, sizeof r->err, "%s", r->t->err);
        return (int)n;
    }
    return imc_wait_fd(r->t, r->t->rfd, 0, timeout_ms);
}
