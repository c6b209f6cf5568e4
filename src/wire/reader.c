#include "reader.h"

#include <imapclient/errors.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN_SIZE (64 * 1024)
/* Literal rests at least this big are read into the response directly. */
#define DIRECT_MIN (16 * 1024)

int imc_reader_init(imc_reader *r, imc_transport *t, size_t max_line,
                    uint64_t max_literal)
{
    memset(r, 0, sizeof *r);
    r->t = t;
    r->max_line = max_line;
    r->max_literal = max_literal;
    r->direct_min = DIRECT_MIN;
    r->in = malloc(IN_SIZE);
    if (!r->in)
        return IMAPCLIENT_ENOMEM;
    r->in_cap = IN_SIZE;
    imc_buf_init(&r->resp, 0);
    return 0;
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

static int fill(imc_reader *r, int timeout_ms)
{
    if (r->in_start == r->in_end)
        r->in_start = r->in_end = 0;
    ssize_t n =
        r->t->ops->read(r->t, r->in + r->in_end, r->in_cap - r->in_end, timeout_ms);
    if (n > 0) {
        r->in_end += (size_t)n;
        return 0;
    }
    if (n == 0) {
        snprintf(r->err, sizeof r->err, "connection closed by server");
        return IMAPCLIENT_EABORT;
    }
    snprintf(r->err, sizeof r->err, "%s", r->t->err);
    return (int)n;
}

int imc_reader_wait(imc_reader *r, int timeout_ms)
{
    if (r->in_end > r->in_start || r->t->ops->pending(r->t) > 0)
        return 1;
    if (r->t->rfd < 0) {
        /* no fd (scripted): try a read */
        int rc = fill(r, timeout_ms);
        if (rc == IMAPCLIENT_ETIMEOUT)
            return 0;
        return rc < 0 ? rc : 1;
    }
    return imc_wait_fd(r->t, r->t->rfd, 0, timeout_ms);
}

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

static int read_literal(imc_reader *r, uint64_t n, int timeout_ms, int divert)
{
    if (n > r->max_literal && !divert) {
        snprintf(r->err, sizeof r->err,
                 "literal of %llu bytes exceeds the limit of %llu bytes",
                 (unsigned long long)n, (unsigned long long)r->max_literal);
        return IMAPCLIENT_ETOOBIG;
    }
    uint64_t left = n;
    while (left) {
        if (!divert && r->in_start == r->in_end && left >= r->direct_min) {
            /* Nothing buffered and much to come: read straight into the
             * response, saving a copy (a diverted literal goes to its sink). The room
             * asked for is at most what the response already holds (or 64 KiB), so memory
             * still follows what arrived, not what was announced. */
            size_t want = r->resp.len > IN_SIZE ? r->resp.len : IN_SIZE;
            if (want > left)
                want = (size_t)left;
            if (imc_buf_reserve(&r->resp, want) < 0) {
                snprintf(r->err, sizeof r->err, "out of memory reading a literal");
                return IMAPCLIENT_ENOMEM;
            }
            ssize_t got =
                r->t->ops->read(r->t, r->resp.data + r->resp.len, want, timeout_ms);
            if (got <= 0) {
                if (got == 0)
                    snprintf(
                        r->err, sizeof r->err,
                        "connection closed inside a literal (%llu of %llu bytes read)",
                        (unsigned long long)(n - left), (unsigned long long)n);
                else
                    snprintf(r->err, sizeof r->err, "%s", r->t->err);
                r->resp.data[r->resp.len] = '\0';
                return got == 0 ? IMAPCLIENT_EABORT : (int)got;
            }
            r->resp.len += (size_t)got;
            r->resp.data[r->resp.len] = '\0';
            left -= (uint64_t)got;
            continue;
        }
        if (r->in_start == r->in_end) {
            int rc = fill(r, timeout_ms);
            if (rc) {
                if (rc == IMAPCLIENT_EABORT)
                    snprintf(
                        r->err, sizeof r->err,
                        "connection closed inside a literal (%llu of %llu bytes read)",
                        (unsigned long long)(n - left), (unsigned long long)n);
                return rc;
            }
        }
        size_t avail = r->in_end - r->in_start;
        size_t take = avail < left ? avail : (size_t)left;
        if (divert) {
            if (!r->lit_failed && r->lit_data(r->lit_ud, r->in + r->in_start, take))
                r->lit_failed = 1;
            r->in_start += take;
            left -= take;
            continue;
        }
        /* Grow by what arrived, never by what was announced: a lying size
         * costs only the bytes actually sent. */
        if (imc_buf_add(&r->resp, r->in + r->in_start, take) < 0) {
            snprintf(r->err, sizeof r->err, "out of memory reading a literal");
            return IMAPCLIENT_ENOMEM;
        }
        r->in_start += take;
        left -= take;
    }
    return 0;
}

int imc_reader_next(imc_reader *r, int timeout_ms)
{
    imc_buf_clear(&r->resp);
    size_t line_start = 0;
    r->err[0] = '\0';
    for (;;) {
        if (r->in_start == r->in_end) {
            int rc = fill(r, timeout_ms);
            if (rc) {
                if (rc == IMAPCLIENT_EABORT && r->resp.len)
                    snprintf(r->err, sizeof r->err,
                             "connection closed in the middle of a response");
                return rc;
            }
        }
        char *base = r->in + r->in_start;
        size_t avail = r->in_end - r->in_start;
        char *nl = memchr(base, '\n', avail);
        size_t take = nl ? (size_t)(nl - base) + 1 : avail;
        if ((r->resp.len - line_start) + take > r->max_line + 2) {
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
        if (keep > line_start && r->resp.data[keep - 1] == '\r')
            keep--;
        r->resp.len = keep;
        uint64_t n = 0;
        size_t brace = 0;
        int lit = literal_at_end(r, line_start, &n, &brace);
        if (lit < 0)
            return lit;
        if (!lit) {
            r->resp.data[r->resp.len] = '\0';
            return 0;
        }
        int divert = r->lit_divert && r->lit_divert(r->lit_ud, r->resp.data, brace, n);
        if (divert) {
            /* The literal's bytes go to the sink: announce an empty one. */
            r->resp.len = brace;
            if (imc_buf_add(&r->resp, "{0}", 3) < 0)
                return IMAPCLIENT_ENOMEM;
            if (divert && n == 0)
                r->lit_data(r->lit_ud, "", 0);
        }
        /* Keep "\r\n" after the announcement so the parser sees the form
         * of RFC 3501 even when the server sent a bare LF. */
        if (imc_buf_add(&r->resp, "\r\n", 2) < 0)
            return IMAPCLIENT_ENOMEM;
        int rc = read_literal(r, n, timeout_ms, divert);
        if (rc)
            return rc;
        line_start = r->resp.len;
    }
}
