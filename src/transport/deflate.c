/* COMPRESS=DEFLATE (RFC 4978): raw deflate in both directions, stacked on
 * any transport. Each write is flushed with Z_SYNC_FLUSH so the server
 * sees whole commands at once. */
#include "transport.h"

#include "../util/buf.h"

#include <imapclient/errors.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ZBUF (16 * 1024)

typedef struct deflate_transport {
    imc_transport base;
    imc_transport *inner;
    z_stream zin, zout;
    int zin_ok, zout_ok;
    unsigned char in[ZBUF];  /* compressed bytes read, not yet inflated */
    unsigned char out[ZBUF]; /* compressed bytes to write */
    imc_buf pend;            /* non-blocking: compressed, not yet written */
    size_t pend_off;
} deflate_transport;

/* Inflate what is buffered into buf: >0 bytes, 0 when more input is
 * needed, DFL_END at the end of the stream, or EPROTOCOL. */
#define DFL_END (-1)
static ssize_t inflate_some(deflate_transport *d, void *buf, size_t len)
{
    if (!d->zin.avail_in)
        return 0;
    d->zin.next_out = buf;
    d->zin.avail_out = (uInt)len;
    int rc = inflate(&d->zin, Z_SYNC_FLUSH);
    size_t got = len - d->zin.avail_out;
    if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
        snprintf(d->base.err, sizeof d->base.err, "inflate: %s",
                 d->zin.msg ? d->zin.msg : "corrupt compressed data");
        return IMAPCLIENT_EPROTOCOL;
    }
    if (got)
        return (ssize_t)got;
    return rc == Z_STREAM_END ? DFL_END : 0;
}

/* Read compressed bytes with rd (the inner transport's blocking or
 * non-blocking read) until something inflates. */
static ssize_t dfl_get(imc_transport *t, void *buf, size_t len,
                       ssize_t (*rd)(deflate_transport *d, int timeout_ms),
                       int timeout_ms)
{
    deflate_transport *d = (deflate_transport *)t;
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    /* timeout_ms bounds the whole call: a stream that inflates to nothing,
     * read after read, cannot stretch it (issue 14, item 4) */
    long long end = timeout_ms > 0 ? imc_now_ms() + timeout_ms : 0;
    for (;;) {
        ssize_t got = inflate_some(d, buf, len);
        if (got)
            return got == DFL_END ? 0 : got;
        int capped, wait = imc_budget_ms(end, timeout_ms, &capped);
        if (capped && !wait) {
            snprintf(t->err, sizeof t->err, "read timed out after %d ms", timeout_ms);
            return IMAPCLIENT_ETIMEOUT;
        }
        ssize_t n = rd(d, wait);
        if (n <= 0) {
            if (n == IMC_AGAIN)
                t->wants = d->inner->wants;
            else if (n < 0)
                snprintf(t->err, sizeof t->err, "%s", d->inner->err);
            return n;
        }
        d->zin.next_in = d->in;
        d->zin.avail_in = (uInt)n;
    }
}

static ssize_t inner_read(deflate_transport *d, int timeout_ms)
{
    return d->inner->ops->read(d->inner, d->in, sizeof d->in, timeout_ms);
}

static ssize_t inner_try_read(deflate_transport *d, int timeout_ms)
{
    return d->inner->ops->try_read(d->inner, d->in, sizeof d->in);
}

static ssize_t dfl_read(imc_transport *t, void *buf, size_t len, int timeout_ms)
{
    return dfl_get(t, buf, len, inner_read, timeout_ms);
}

static int dfl_write(imc_transport *t, const void *buf, size_t len, int timeout_ms)
{
    deflate_transport *d = (deflate_transport *)t;
    const unsigned char *p = buf;
    long long end = timeout_ms > 0 ? imc_now_ms() + timeout_ms : 0;
    do {
        size_t chunk = len > UINT32_MAX ? UINT32_MAX : len;
        d->zout.next_in = (unsigned char *)p;
        d->zout.avail_in = (uInt)chunk;
        do {
            d->zout.next_out = d->out;
            d->zout.avail_out = sizeof d->out;
            if (deflate(&d->zout, Z_SYNC_FLUSH) == Z_STREAM_ERROR) {
                snprintf(t->err, sizeof t->err, "deflate failed");
                return IMAPCLIENT_EIO;
            }
            size_t n = sizeof d->out - d->zout.avail_out;
            if (n) {
                int capped, wait = imc_budget_ms(end, timeout_ms, &capped);
                if (capped && !wait) {
                    snprintf(t->err, sizeof t->err, "write timed out after %d ms",
                             timeout_ms);
                    return IMAPCLIENT_ETIMEOUT;
                }
                int rc = d->inner->ops->write(d->inner, d->out, n, wait);
                if (rc) {
                    snprintf(t->err, sizeof t->err, "%s", d->inner->err);
                    return rc;
                }
            }
        } while (d->zout.avail_out == 0);
        p += chunk;
        len -= chunk;
    } while (len);
    return 0;
}

/* ---- non-blocking forms --------------------------------------------------- */

static ssize_t dfl_try_read(imc_transport *t, void *buf, size_t len)
{
    return dfl_get(t, buf, len, inner_try_read, 0);
}

/* Write what is compressed already; 0 when all is out. */
static ssize_t dfl_flush(deflate_transport *d)
{
    while (d->pend_off < d->pend.len) {
        ssize_t n = d->inner->ops->try_write(d->inner, d->pend.data + d->pend_off,
                                             d->pend.len - d->pend_off);
        if (n == IMC_AGAIN) {
            d->base.wants = d->inner->wants;
            return n;
        }
        if (n < 0) {
            snprintf(d->base.err, sizeof d->base.err, "%s", d->inner->err);
            return n;
        }
        d->pend_off += (size_t)n;
    }
    imc_buf_clear(&d->pend);
    d->pend_off = 0;
    return 0;
}

static ssize_t dfl_try_write(imc_transport *t, const void *buf, size_t len)
{
    deflate_transport *d = (deflate_transport *)t;
    ssize_t rc = dfl_flush(d);
    if (rc || !len)
        return rc;
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    d->zout.next_in = (unsigned char *)buf;
    d->zout.avail_in = (uInt)len;
    do {
        d->zout.next_out = d->out;
        d->zout.avail_out = sizeof d->out;
        if (deflate(&d->zout, Z_SYNC_FLUSH) == Z_STREAM_ERROR) {
            snprintf(t->err, sizeof t->err, "deflate failed");
            return IMAPCLIENT_EIO;
        }
        size_t n = sizeof d->out - d->zout.avail_out;
        if (n && imc_buf_add(&d->pend, d->out, n) < 0) {
            snprintf(t->err, sizeof t->err, "out of memory compressing");
            return IMAPCLIENT_ENOMEM;
        }
    } while (d->zout.avail_out == 0);
    rc = dfl_flush(d);
    if (rc < 0 && rc != IMC_AGAIN)
        return rc;
    return (ssize_t)len; /* taken; what is left goes out with the next call */
}

static size_t dfl_unsent(imc_transport *t)
{
    deflate_transport *d = (deflate_transport *)t;
    return d->pend.len - d->pend_off;
}

static size_t dfl_pending(imc_transport *t)
{
    deflate_transport *d = (deflate_transport *)t;
    return d->zin.avail_in + d->inner->ops->pending(d->inner);
}

static void dfl_close(imc_transport *t)
{
    deflate_transport *d = (deflate_transport *)t;
    if (d->zin_ok)
        inflateEnd(&d->zin);
    if (d->zout_ok)
        deflateEnd(&d->zout);
    imc_transport_close(d->inner);
    imc_buf_free(&d->pend);
    free(d);
}

static const struct imc_transport_ops dfl_ops = {
    .name = "deflate",
    .read = dfl_read,
    .write = dfl_write,
    .pending = dfl_pending,
    .close = dfl_close,
    .try_read = dfl_try_read,
    .try_write = dfl_try_write,
    .unsent = dfl_unsent,
};

int imc_deflate_wrap(imc_transport *inner, imc_transport **out, char *err)
{
    deflate_transport *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, 256, "out of memory");
        return IMAPCLIENT_ENOMEM;
    }
    /* RFC 4978 section 4: raw deflate, no zlib header (negative window bits). */
    d->zin_ok = inflateInit2(&d->zin, -15) == Z_OK;
    d->zout_ok = d->zin_ok && deflateInit2(&d->zout, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
                                           -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    if (!d->zout_ok) {
        snprintf(err, 256, "cannot set up zlib");
        if (d->zin_ok)
            inflateEnd(&d->zin);
        free(d);
        return IMAPCLIENT_ENOMEM;
    }
    d->inner = inner;
    imc_buf_init(&d->pend, 0);
    d->base.ops = &dfl_ops;
    d->base.rfd = inner->rfd;
    d->base.wfd = inner->wfd;
    d->base.is_tls = inner->is_tls;
    d->base.tls_resumed = inner->tls_resumed;
    d->base.is_compressed = 1;
    d->base.interrupt = inner->interrupt;
    d->base.interrupt_payload = inner->interrupt_payload;
    *out = &d->base;
    return 0;
}
