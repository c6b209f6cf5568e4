/*
 * Streaming APPEND and MULTIAPPEND (imapclient_source), in bounded memory,
 * and the non-blocking append calls.
 *
 * A message is a literal whose bytes are pulled from the caller's fd or
 * callback while the command goes out (imc_source, see writer.h), with the
 * line ends normalised on the way. The literal's size must be announced
 * first, so normalising needs a counting pass over the source; that pass
 * also finds NUL bytes before anything is sent.
 *
 * RFC 3501 section 6.3.11 (APPEND), RFC 3502 (MULTIAPPEND), RFC 7888
 * (LITERAL+), RFC 4315 (APPENDUID), RFC 4469 (CATENATE: a message made of
 * text literals and IMAP URLs of RFC 5092).
 */
#include "msgutil.h"

#include "../types/types.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Raw bytes read at a time: the size of the core's staging buffer
 * (src_buf), so that a message of up to 16 KB is read with one call per pass
 * and goes out in one piece (8 KB made two of each). The buffer exists only
 * while its source is read. */
#define RAW_CHUNK 16384

/* ---- the source: raw bytes, then normalised ---------------------------------- */

typedef struct norm_source {
    imc_source base; /* first: the core sees this */
    imapclient_source src;
    off_t fd_off;      /* pread from here (fd sources that allow it) */
    int use_pread;     /* 0: read() (a pipe, crlf 1) */
    int normalise;     /* line ends to CRLF */
    int pending_cr;    /* the last raw byte was a CR: an LF after it is dropped */
    uint64_t raw_done; /* raw bytes taken so far */
    uint64_t out_size; /* bytes of the literal (after normalising) */
    uint64_t out_done; /* of which handed out */
    char *raw;         /* RAW_CHUNK bytes while being read, else NULL */
    size_t raw_len, raw_pos;
    char *copy; /* the message, for sources made from memory */
    size_t copy_len, copy_pos;
    int copy_borrowed; /* copy is the caller's memory (a blocking call), not ours */
} norm_source;

/* The read buffer exists only while the source is being read (counted or
 * sent): a MULTIAPPEND of thousands of sources holds one at a time. */
static void drop_raw(norm_source *s)
{
    free(s->raw);
    s->raw = NULL;
    s->raw_len = s->raw_pos = 0;
}

/* Read the next raw bytes into s->raw; 0, or a negative status (err set). */
static int fill_raw(norm_source *s)
{
    uint64_t left = s->src.size - s->raw_done;
    size_t want = left < RAW_CHUNK ? (size_t)left : RAW_CHUNK;
    s->raw_len = s->raw_pos = 0;
    if (!want)
        return 0;
    if (!s->raw && !(s->raw = malloc(RAW_CHUNK))) {
        snprintf(s->base.err, sizeof s->base.err, "out of memory");
        return IMAPCLIENT_ENOMEM;
    }
    long long got;
    if (s->src.fd >= 0 && s->use_pread) {
        do
            got = pread(s->src.fd, s->raw, want, s->fd_off + (off_t)s->raw_done);
        while (got < 0 && errno == EINTR);
    } else if (s->src.fd >= 0) {
        do
            got = read(s->src.fd, s->raw, want);
        while (got < 0 && errno == EINTR);
    } else {
        got = s->src.read(s->src.payload, s->raw, want);
    }
    if (got < 0) {
        snprintf(s->base.err, sizeof s->base.err, "reading the message: %s",
                 s->src.fd >= 0 ? strerror(errno) : "the read callback failed");
        return IMAPCLIENT_EIO;
    }
    if (got == 0 || (size_t)got > want) {
        snprintf(s->base.err, sizeof s->base.err,
                 "the message ended after %llu of %llu bytes",
                 (unsigned long long)s->raw_done, (unsigned long long)s->src.size);
        return IMAPCLIENT_EIO;
    }
    s->raw_len = (size_t)got;
    return 0;
}

/* The length of the longest prefix of p (at most n bytes) that is already
 * normal: no NUL, every CR followed by an LF and every LF preceded by a CR
 * inside the prefix. One memchr() for NUL over the whole block, then two
 * per line (the next LF, any CR before it): glibc's memchr() scans 16 or 32
 * bytes a step, several times faster than a byte or word loop, and a line
 * costs two calls. */
static size_t normal_run(const char *p, size_t n)
{
    const char *z = memchr(p, '\0', n);
    if (z)
        n = (size_t)(z - p);
    size_t i = 0;
    while (i < n) {
        const char *lf = memchr(p + i, '\n', n - i);
        size_t end = lf ? (size_t)(lf - p) : n;
        const char *cr = memchr(p + i, '\r', end - i);
        if (lf && cr == lf - 1) { /* the line's only CR ends it: CRLF */
            i = end + 1;
            continue;
        }
        /* a CR not before an LF, or a bare LF, or the end */
        return cr ? (size_t)(cr - p) : end;
    }
    return n;
}

/* Turn raw bytes into at most room output bytes (out NULL: only count).
 * Returns the output count; *nul set at a NUL byte. */
static size_t transform(norm_source *s, char *out, size_t room, int *nul)
{
    size_t k = 0;
    while (s->raw_pos < s->raw_len && k < room) {
        const char *p = s->raw + s->raw_pos;
        size_t avail = s->raw_len - s->raw_pos;
        if (!s->normalise) {
            size_t take = avail < room - k ? avail : room - k;
            if (memchr(p, '\0', take)) {
                *nul = 1;
                return k;
            }
            if (out)
                memcpy(out + k, p, take);
            k += take;
            s->raw_pos += take;
            s->raw_done += take;
            continue;
        }
        /* a run of ordinary bytes and CRLF pairs (already normal), then
         * one CR, LF or NUL */
        size_t lim = avail < room - k ? avail : room - k;
        size_t run = normal_run(p, lim);
        if (run) {
            if (out)
                memcpy(out + k, p, run);
            k += run;
            s->raw_pos += run;
            s->raw_done += run;
            s->pending_cr = 0;
            continue;
        }
        if (k >= room)
            break;
        char ch = p[0];
        if (ch == '\0') {
            *nul = 1;
            return k;
        }
        if (ch == '\n' && s->pending_cr) { /* the LF of a CRLF already sent */
            s->pending_cr = 0;
            s->raw_pos++;
            s->raw_done++;
            continue;
        }
        if (room - k < 2)
            break;
        if (out) {
            out[k] = '\r';
            out[k + 1] = '\n';
        }
        k += 2;
        s->pending_cr = ch == '\r';
        s->raw_pos++;
        s->raw_done++;
    }
    return k;
}

static long long norm_read(imc_source *base, char *p, size_t n)
{
    norm_source *s = (norm_source *)base;
    for (;;) {
        if (s->raw_pos == s->raw_len) {
            if (s->raw_done == s->src.size)
                return 0;
            int rc = fill_raw(s);
            if (rc)
                return rc;
        }
        int nul = 0;
        size_t k = transform(s, p, n, &nul);
        s->out_done += k;
        if (s->out_done >= s->out_size)
            drop_raw(s); /* the whole literal is out (an LF after its last CR may
                            be left unread: it adds nothing) */
        if (nul) {
            snprintf(base->err, sizeof base->err,
                     "the message holds a NUL byte at offset %llu, which a literal "
                     "cannot carry",
                     (unsigned long long)s->raw_done);
            return IMAPCLIENT_EINVAL;
        }
        if (k)
            return (long long)k;
    }
}

static void norm_free(imc_source *base)
{
    norm_source *s = (norm_source *)base;
    free(s->raw);
    if (!s->copy_borrowed)
        free(s->copy);
    free(s);
}

/* Go back to the first byte (after a counting pass). */
static int norm_rewind(norm_source *s)
{
    s->raw_done = s->out_done = 0;
    drop_raw(s); /* until the message is read again, when it goes out */
    s->pending_cr = 0;
    if (s->src.fd >= 0)
        return s->use_pread ? 0 : -1;
    return s->src.rewind ? s->src.rewind(s->src.payload) : -1;
}

/* A source ready to go out: the literal's size is known. */
typedef struct prepared {
    norm_source *s;
    uint64_t size;
} prepared;

static norm_source *source_alloc(const imapclient_source *src)
{
    norm_source *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.read = norm_read;
    s->base.free = norm_free;
    s->src = *src;
    s->normalise = !src->crlf;
    if (src->fd >= 0) {
        off_t off = lseek(src->fd, 0, SEEK_CUR);
        s->use_pread = off >= 0;
        s->fd_off = off >= 0 ? off : 0;
    }
    return s;
}

/* Find the literal's size: a counting pass when normalising (which also
 * finds NUL bytes), then back to the start. 0 or a status with errmsg
 * set; s is freed on failure. */
static int measure(imapclient *c, const char *call, norm_source *s, prepared *out)
{
    if (!s->normalise) {
        out->s = s;
        out->size = s->out_size = s->src.size;
        return 0;
    }
    if ((s->src.fd >= 0 && !s->use_pread) || (s->src.fd < 0 && !s->src.rewind)) {
        norm_free(&s->base);
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "%s: normalising line ends reads the message twice: give a "
                        "file (not a pipe), a rewind callback, or set crlf",
                        call);
    }
    uint64_t total = 0;
    for (;;) {
        if (s->raw_pos == s->raw_len) {
            if (s->raw_done == s->src.size)
                break;
            int rc = fill_raw(s);
            if (rc) {
                rc = imc_fail(c, rc, "%s: %s", call, s->base.err);
                norm_free(&s->base);
                return rc;
            }
        }
        int nul = 0;
        total += transform(s, NULL, SIZE_MAX, &nul);
        if (nul) {
            int rc = imc_fail(c, IMAPCLIENT_EINVAL,
                              "%s: the message holds a NUL byte at offset %llu, which a "
                              "literal cannot carry",
                              call, (unsigned long long)s->raw_done);
            norm_free(&s->base);
            return rc;
        }
    }
    if (norm_rewind(s)) {
        norm_free(&s->base);
        return imc_fail(c, IMAPCLIENT_EIO, "%s: cannot read the message again", call);
    }
    /* Normalising only adds bytes (a CR for each bare LF, an LF for each
     * bare CR): the same size means the message is already normal, and
     * the second pass copies it (still refusing a NUL, should the file
     * have changed) instead of scanning its line ends again. */
    if (total == s->src.size)
        s->normalise = 0;
    out->s = s;
    out->size = s->out_size = total;
    return 0;
}

static int prepare(imapclient *c, const char *call, const imapclient_source *src,
                   prepared *out)
{
    if (!src || (src->fd < 0 && !src->read))
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "%s: a source needs an fd or a read callback", call);
    if (!src->size)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: an empty message", call);
    norm_source *s = source_alloc(src);
    if (!s)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    return measure(c, call, s, out);
}

static long long copy_read(void *payload, char *buf, size_t n)
{
    norm_source *s = payload;
    size_t k = s->copy_len - s->copy_pos < n ? s->copy_len - s->copy_pos : n;
    memcpy(buf, s->copy + s->copy_pos, k);
    s->copy_pos += k;
    return (long long)k;
}

static int copy_rewind(void *payload)
{
    ((norm_source *)payload)->copy_pos = 0;
    return 0;
}

/* A source over msg, line ends normalised as imapclient_append() does:
 * over a copy (appends started without waiting), or, with borrow, over
 * the caller's bytes, which must outlive the command (blocking calls). */
static int prepare_mem(imapclient *c, const char *call, const char *msg, size_t len,
                       int borrow, prepared *out)
{
    if (!len)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: an empty message", call);
    imapclient_source src = {
        .fd = -1, .read = copy_read, .rewind = copy_rewind, .size = len};
    norm_source *s = source_alloc(&src);
    char *copy = borrow ? (char *)msg : malloc(len);
    if (!s || !copy) {
        if (s)
            norm_free(&s->base);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    if (!borrow)
        memcpy(copy, msg, len);
    s->copy_borrowed = borrow;
    s->copy = copy;
    s->copy_len = len;
    s->src.payload = s;
    return measure(c, call, s, out);
}

static void free_prepared(prepared *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        if (p[i].s)
            norm_free(&p[i].s->base);
    free(p);
}

/* Prepare the sources of msgs (nothing sent yet). */
static int prepare_all(imapclient *c, const char *call,
                       const imapclient_append_source *msgs, size_t n, prepared **out)
{
    prepared *p = calloc(n, sizeof *p);
    if (!p)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int rc = prepare(c, call, &msgs[i].src, &p[i]);
        if (rc) {
            free_prepared(p, n);
            return rc;
        }
    }
    *out = p;
    return 0;
}

/* ---- building the command -------------------------------------------------------- */

typedef struct append_op {
    imc_request rq; /* first */
    const char *call;
    int multi;
    int cat; /* CATENATE (RFC 4469) */
} append_op;

static int append_check(imapclient *c, imc_request *rq)
{
    append_op *op = (append_op *)rq;
    int rc = imc_require_auth(c, op->call);
    if (!rc && op->multi)
        rc = imc_require_cap(c, "MULTIAPPEND", op->call);
    if (!rc && op->cat)
        rc = imc_require_cap(c, "CATENATE", op->call);
    return rc;
}

static void append_done(imapclient *c, imc_request *rq)
{
    if (rq->rc)
        return;
    imapclient_append_result *res = NULL;
    rq->rc = imc_msg_append_result(c, rq, &res);
    rq->out = res;
}

static void append_result_free(void *r)
{
    imapclient_append_result_free(r);
}

/* APPEND "<folder>" [(<flags>)] ["<date>"] {n} ..., each literal one of
 * the prepared sources (all of which build takes, also on failure). */
static int build(imapclient *c, const char *call, const char *folder,
                 const imapclient_append_source *msgs, prepared *p, size_t n, int multi,
                 int may_wait)
{
    const char *name;
    int rc = imc_msg_folder_name(c, call, folder, &name);
    for (size_t i = 0; !rc && i < n; i++)
        rc = imc_msg_check_flags_date(c, call, msgs[i].flags, msgs[i].date);
    /* APPENDLIMIT (RFC 7889), with the sizes as they will be sent */
    for (size_t i = 0; !rc && i < n; i++)
        rc = imc_msg_check_limit(c, call, name, p[i].size, may_wait);
    if (rc) {
        free_prepared(p, n);
        return rc;
    }
    imc_begin(c, "APPEND");
    imc_msg_put_folder(c, name);
    for (size_t i = 0; i < n; i++) {
        /* the reference's chunks(): with MULTIAPPEND, flags only when given */
        if (msgs[i].flags || !multi)
            imc_msg_put_flags(c, msgs[i].flags);
        if (msgs[i].date)
            imc_msg_put_date(c, call, msgs[i].date);
        imc_put_sp(&c->cmd);
        imc_put_literal_source(&c->cmd, p[i].size, 0, &p[i].s->base);
        p[i].s = NULL;
    }
    free(p);
    return 0;
}

static int run_blocking(imapclient *c, append_op *op, imapclient_append_result **out)
{
    op->rq.on_done = append_done;
    int rc = imc_run(c, &op->rq);
    if (rc == 0 && out)
        *out = op->rq.out;
    else
        imapclient_append_result_free(op->rq.out);
    return rc;
}

int imapclient_append_stream(imapclient *c, const char *folder,
                             const imapclient_source *src, const char *const *flags,
                             const imapclient_datetime *internal_date,
                             imapclient_append_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!src)
        return imc_fail(c, IMAPCLIENT_EINVAL, "append_stream: source is NULL");
    /* LITERAL+ must be known before the literal is written. */
    if ((rc = imc_require_auth(c, "append_stream")) || (rc = imc_caps_ensure(c)))
        return rc;
    imapclient_append_source m = {*src, flags, internal_date};
    prepared *p = NULL;
    if ((rc = prepare_all(c, "append_stream", &m, 1, &p)) ||
        (rc = build(c, "append_stream", folder, &m, p, 1, 0, 1)))
        return rc;
    append_op op = {.call = "append_stream"};
    return run_blocking(c, &op, out);
}

int imapclient_multiappend_stream(imapclient *c, const char *folder,
                                  const imapclient_append_source *msgs, size_t n,
                                  imapclient_append_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, "multiappend_stream")) ||
        (rc = imc_require_cap(c, "MULTIAPPEND", "multiappend_stream")))
        return rc;
    if (!msgs || !n)
        return imc_fail(c, IMAPCLIENT_EINVAL, "multiappend_stream: no messages");
    prepared *p = NULL;
    if ((rc = prepare_all(c, "multiappend_stream", msgs, n, &p)) ||
        (rc = build(c, "multiappend_stream", folder, msgs, p, n, 1, 1)))
        return rc;
    append_op op = {.call = "multiappend_stream"};
    return run_blocking(c, &op, out);
}

/* ---- without waiting --------------------------------------------------------------- */

static void free_append_op(imc_request *rq)
{
    free(rq);
}

static int submit(imapclient *c, const char *call, int multi, int cat,
                  imapclient_done_cb cb, void *user, uint64_t *id)
{
    append_op *op = calloc(1, sizeof *op);
    if (!op) {
        imc_cmdbuf_reset(&c->cmd);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    op->call = call;
    op->multi = multi;
    op->cat = cat;
    op->rq.check = append_check;
    op->rq.on_done = append_done;
    op->rq.pipe = IMC_PIPE_FREE;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_APPEND, append_result_free,
                            free_append_op, cb, user, id);
}

int imapclient_start_append(imapclient *c, const char *folder, const char *msg,
                            size_t msg_len, const char *const *flags,
                            const imapclient_datetime *internal_date,
                            imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if (!msg)
        return imc_fail(c, IMAPCLIENT_EINVAL, "append: message is NULL");
    prepared *p = calloc(1, sizeof *p);
    if (!p)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = prepare_mem(c, "append", msg, msg_len, 0, p))) {
        free(p);
        return rc;
    }
    imapclient_append_source m = {.flags = flags, .date = internal_date};
    if ((rc = build(c, "append", folder, &m, p, 1, 0, 0)))
        return rc;
    return submit(c, "append", 0, 0, cb, user, id);
}

int imapclient_start_append_stream(imapclient *c, const char *folder,
                                   const imapclient_source *src, const char *const *flags,
                                   const imapclient_datetime *internal_date,
                                   imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if (!src)
        return imc_fail(c, IMAPCLIENT_EINVAL, "append_stream: source is NULL");
    imapclient_append_source m = {*src, flags, internal_date};
    prepared *p = NULL;
    if ((rc = prepare_all(c, "append_stream", &m, 1, &p)) ||
        (rc = build(c, "append_stream", folder, &m, p, 1, 0, 0)))
        return rc;
    return submit(c, "append_stream", 0, 0, cb, user, id);
}

int imapclient_start_multiappend_stream(imapclient *c, const char *folder,
                                        const imapclient_append_source *msgs, size_t n,
                                        imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if (!msgs || !n)
        return imc_fail(c, IMAPCLIENT_EINVAL, "multiappend_stream: no messages");
    prepared *p = NULL;
    if ((rc = prepare_all(c, "multiappend_stream", msgs, n, &p)) ||
        (rc = build(c, "multiappend_stream", folder, msgs, p, n, 1, 0)))
        return rc;
    return submit(c, "multiappend_stream", 1, 0, cb, user, id);
}

/* ---- CATENATE (RFC 4469) -------------------------------------------------------- */

/* bchar of RFC 5092 (unreserved, sub-delims-sh, ":", "@", "&", "=", "~",
 * "/"): the bytes that go into an IMAP URL's mailbox or section as they
 * are; every other byte is %-encoded. */
static int url_plain(unsigned char ch)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
        return 1;
    return ch && strchr("-._~!$'()*+,:@&=/", ch) != NULL;
}

/* Append s %-encoded to buf (at most size bytes, NUL kept); the full length. */
static size_t url_put(char *buf, size_t size, size_t at, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char enc[3] = {(char)*p, 0, 0};
        size_t k = 1;
        if (!url_plain(*p)) {
            enc[0] = '%';
            enc[1] = hex[*p >> 4];
            enc[2] = hex[*p & 15];
            k = 3;
        }
        for (size_t i = 0; i < k; i++, at++)
            if (at + 1 < size)
                buf[at] = enc[i];
    }
    if (size)
        buf[at < size ? at : size - 1] = '\0';
    return at;
}

static size_t url_raw(char *buf, size_t size, size_t at, const char *s)
{
    for (; *s; s++, at++)
        if (at + 1 < size)
            buf[at] = *s;
    if (size)
        buf[at < size ? at : size - 1] = '\0';
    return at;
}

/* Control bytes have no place in a folder name or section of a URL. */
static int has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

long long imapclient_message_url(const char *folder, uint32_t uidvalidity, uint32_t uid,
                                 const char *section, char *buf, size_t size)
{
    if (!folder || !*folder || !uid || (section && !*section) || (size && !buf))
        return IMAPCLIENT_EINVAL;
    if (!imc_utf8_valid(folder, strlen(folder)) || has_ctl(folder) ||
        (section && (!imc_utf8_valid(section, strlen(section)) || has_ctl(section))))
        return IMAPCLIENT_EINVAL;
    char num[16];
    size_t at = url_raw(buf, size, 0, "/");
    at = url_put(buf, size, at, folder);
    if (uidvalidity) {
        snprintf(num, sizeof num, "%" PRIu32, uidvalidity);
        at = url_raw(buf, size, at, ";UIDVALIDITY=");
        at = url_raw(buf, size, at, num);
    }
    snprintf(num, sizeof num, "%" PRIu32, uid);
    at = url_raw(buf, size, at, "/;UID=");
    at = url_raw(buf, size, at, num);
    if (section) {
        at = url_raw(buf, size, at, "/;SECTION=");
        at = url_put(buf, size, at, section);
    }
    return (long long)at;
}

/* The longest URL sent: far above any real one, and a bound on what one
 * part adds to the command. */
#define CAT_URL_MAX 8192

/* The URL of a MESSAGE part, in call_arena: the folder as UTF-8 (RFC 5092
 * section 3.2), decoded from modified UTF-7 when the caller gives wire
 * names (folder_encode off). 0 or EINVAL/ENOMEM via imc_fail. */
static int part_url(imapclient *c, const char *call, const imapclient_cat_part *p,
                    const char **out)
{
    const char *folder = p->folder;
    if (folder && !c->opts.folder_encode && !imc_utf8_names(c)) {
        char *dec;
        if (imc_utf7_decode(c->call_arena, folder, strlen(folder), &dec) == 0)
            folder = dec;
    }
    long long n =
        imapclient_message_url(folder, p->uidvalidity, p->uid, p->section, NULL, 0);
    if (n < 0)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "%s: a message part needs a folder (UTF-8, no control bytes), a "
                        "UID other than 0 and a section that is NULL or UTF-8 text",
                        call);
    if (n > CAT_URL_MAX)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: a message part's URL is too long",
                        call);
    char *buf = imc_arena_alloc(c->call_arena, (size_t)n + 1);
    if (!buf)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    imapclient_message_url(folder, p->uidvalidity, p->uid, p->section, buf,
                           (size_t)n + 1);
    *out = buf;
    return 0;
}

/* Check a URL part's URL (sent as a string: no CR, LF or NUL). */
static int check_url(imapclient *c, const char *call, const char *url)
{
    if (!url || !*url)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: a URL part without its URL", call);
    size_t n = strlen(url);
    if (n > CAT_URL_MAX)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: a URL part's URL is too long", call);
    if (has_ctl(url) || !imc_utf8_valid(url, n))
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "%s: a URL holds control bytes or is not UTF-8 (CR, LF and NUL "
                        "cannot be sent)",
                        call);
    return 0;
}

/* The literals of the messages' TEXT and SOURCE parts, in order (borrow:
 * TEXT parts read from the caller's memory while the command goes out). */
static int cat_prepare(imapclient *c, const char *call,
                       const imapclient_catenate_msg *msgs, size_t n, int borrow,
                       prepared **out, size_t *nlit)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!msgs[i].parts || !msgs[i].nparts)
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: a message without parts", call);
        for (size_t j = 0; j < msgs[i].nparts; j++) {
            const imapclient_cat_part *p = &msgs[i].parts[j];
            int rc = 0;
            switch (p->type) {
            case IMAPCLIENT_CAT_TEXT:
                if (!p->text)
                    rc = imc_fail(c, IMAPCLIENT_EINVAL, "%s: a TEXT part's text is NULL",
                                  call);
                k++;
                break;
            case IMAPCLIENT_CAT_SOURCE:
                k++;
                break;
            case IMAPCLIENT_CAT_URL:
                rc = check_url(c, call, p->url);
                break;
            case IMAPCLIENT_CAT_MESSAGE:
                break;
            default:
                rc = imc_fail(c, IMAPCLIENT_EINVAL, "%s: a part of unknown type %d", call,
                              (int)p->type);
            }
            if (rc)
                return rc;
        }
    }
    prepared *lits = calloc(k ? k : 1, sizeof *lits);
    if (!lits)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < msgs[i].nparts; j++) {
            const imapclient_cat_part *p = &msgs[i].parts[j];
            int rc = 0;
            if (p->type == IMAPCLIENT_CAT_TEXT)
                rc = prepare_mem(c, call, p->text, p->len, borrow, &lits[at++]);
            else if (p->type == IMAPCLIENT_CAT_SOURCE)
                rc = prepare(c, call, &p->src, &lits[at++]);
            if (rc) {
                free_prepared(lits, k);
                return rc;
            }
        }
    *out = lits;
    *nlit = k;
    return 0;
}

/* APPEND "<folder>" [(<flags>)] ["<date>"] CATENATE (<part> ...) ...: a
 * TEXT part is a literal (from lits, all of which this takes), a URL part
 * a quoted string. */
static int cat_build(imapclient *c, const char *call, const char *folder,
                     const imapclient_catenate_msg *msgs, size_t n, prepared *lits,
                     size_t nlit, int may_wait)
{
    const char *name;
    int rc = imc_msg_folder_name(c, call, folder, &name);
    for (size_t i = 0; !rc && i < n; i++)
        rc = imc_msg_check_flags_date(c, call, msgs[i].flags, msgs[i].date);
    /* the URLs of MESSAGE parts, built before anything goes into c->cmd */
    size_t nurl = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < msgs[i].nparts; j++)
            nurl += msgs[i].parts[j].type == IMAPCLIENT_CAT_MESSAGE;
    const char **urls = NULL;
    if (!rc && nurl && !(urls = imc_arena_alloc(c->call_arena, nurl * sizeof *urls)))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    size_t u = 0;
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t j = 0; !rc && j < msgs[i].nparts; j++)
            if (msgs[i].parts[j].type == IMAPCLIENT_CAT_MESSAGE)
                rc = part_url(c, call, &msgs[i].parts[j], &urls[u++]);
    /* APPENDLIMIT (RFC 7889): the text parts alone already count */
    for (size_t i = 0, at = 0; !rc && i < n; i++) {
        uint64_t size = 0;
        for (size_t j = 0; j < msgs[i].nparts; j++) {
            int t = msgs[i].parts[j].type;
            if (t == IMAPCLIENT_CAT_TEXT || t == IMAPCLIENT_CAT_SOURCE)
                size += lits[at++].size;
        }
        if (size)
            rc = imc_msg_check_limit(c, call, name, size, may_wait);
    }
    if (rc) {
        free_prepared(lits, nlit);
        return rc;
    }
    imc_begin(c, "APPEND");
    imc_msg_put_folder(c, name);
    size_t at = 0;
    u = 0;
    for (size_t i = 0; i < n; i++) {
        if (msgs[i].flags)
            imc_msg_put_flags(c, msgs[i].flags);
        if (msgs[i].date)
            imc_msg_put_date(c, call, msgs[i].date);
        imc_put_raw(&c->cmd, " CATENATE (");
        for (size_t j = 0; j < msgs[i].nparts; j++) {
            const imapclient_cat_part *p = &msgs[i].parts[j];
            if (j)
                imc_put_sp(&c->cmd);
            if (p->type == IMAPCLIENT_CAT_URL || p->type == IMAPCLIENT_CAT_MESSAGE) {
                const char *url = p->type == IMAPCLIENT_CAT_URL ? p->url : urls[u++];
                imc_put_raw(&c->cmd, "URL ");
                imc_put_string(&c->cmd, url, strlen(url));
            } else {
                imc_put_raw(&c->cmd, "TEXT ");
                imc_put_literal_source(&c->cmd, lits[at].size, 0, &lits[at].s->base);
                lits[at++].s = NULL;
            }
        }
        imc_put_raw(&c->cmd, ")");
    }
    free(lits);
    return 0;
}

/* The arguments every CATENATE call checks first. */
static int cat_args(imapclient *c, const char *call, const imapclient_catenate_msg *msgs,
                    size_t n)
{
    if (!msgs || !n)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: no messages", call);
    return 0;
}

static int cat_blocking(imapclient *c, const char *call, const char *folder,
                        const imapclient_catenate_msg *msgs, size_t n,
                        imapclient_append_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, call)) || (rc = imc_require_cap(c, "CATENATE", call)) ||
        (n > 1 && (rc = imc_require_cap(c, "MULTIAPPEND", call))) ||
        (rc = cat_args(c, call, msgs, n)))
        return rc;
    prepared *lits = NULL;
    size_t nlit = 0;
    if ((rc = cat_prepare(c, call, msgs, n, 1, &lits, &nlit)) ||
        (rc = cat_build(c, call, folder, msgs, n, lits, nlit, 1)))
        return rc;
    append_op op = {.call = call};
    return run_blocking(c, &op, out);
}

int imapclient_catenate(imapclient *c, const char *folder,
                        const imapclient_cat_part *parts, size_t nparts,
                        const char *const *flags,
                        const imapclient_datetime *internal_date,
                        imapclient_append_result **out)
{
    imapclient_catenate_msg m = {parts, nparts, flags, internal_date};
    return cat_blocking(c, "catenate", folder, &m, 1, out);
}

int imapclient_multicatenate(imapclient *c, const char *folder,
                             const imapclient_catenate_msg *msgs, size_t n,
                             imapclient_append_result **out)
{
    return cat_blocking(c, "multicatenate", folder, msgs, n, out);
}

static int cat_start(imapclient *c, const char *call, const char *folder,
                     const imapclient_catenate_msg *msgs, size_t n, imapclient_done_cb cb,
                     void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc || (rc = cat_args(c, call, msgs, n)))
        return rc;
    prepared *lits = NULL;
    size_t nlit = 0;
    if ((rc = cat_prepare(c, call, msgs, n, 0, &lits, &nlit)) ||
        (rc = cat_build(c, call, folder, msgs, n, lits, nlit, 0)))
        return rc;
    return submit(c, call, n > 1, 1, cb, user, id);
}

int imapclient_start_catenate(imapclient *c, const char *folder,
                              const imapclient_cat_part *parts, size_t nparts,
                              const char *const *flags,
                              const imapclient_datetime *internal_date,
                              imapclient_done_cb cb, void *user, uint64_t *id)
{
    imapclient_catenate_msg m = {parts, nparts, flags, internal_date};
    return cat_start(c, "catenate", folder, &m, 1, cb, user, id);
}

int imapclient_start_multicatenate(imapclient *c, const char *folder,
                                   const imapclient_catenate_msg *msgs, size_t n,
                                   imapclient_done_cb cb, void *user, uint64_t *id)
{
    return cat_start(c, "multicatenate", folder, msgs, n, cb, user, id);
}
