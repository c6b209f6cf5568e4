/* Scripted server transport: plays canned server bytes and checks the
 * client's bytes against the script (format in imapclient/testing.h). */
#include "transport.h"

#include "../util/buf.h"

#include <imapclient/errors.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum step_kind {
    STEP_SERVER,
    STEP_CLIENT,
    STEP_EOF,
    STEP_TIMEOUT,
    STEP_REPEAT,
    STEP_DELAY, /* repeat: milliseconds still to wait */
    STEP_DRIP   /* repeat: milliseconds before each later server byte */
};

typedef struct step {
    enum step_kind kind;
    char *data;
    size_t len;
    unsigned long long repeat; /* STEP_REPEAT: times data is sent */
} step;

typedef struct scripted {
    imc_transport base;
    step *steps;
    size_t nsteps, cur;
    size_t off;   /* bytes of steps[cur] already delivered or matched */
    imc_buf sent; /* everything the client wrote */
    int failed;
    unsigned long long drip_ms; /* !DRIP: a pause before each server byte */
    long long paused_at;        /* reads without waiting: when the pause began */
} scripted;

static void script_free(scripted *s)
{
    for (size_t i = 0; i < s->nsteps; i++)
        free(s->steps[i].data);
    free(s->steps);
    imc_buf_free(&s->sent);
    free(s);
}

/* Append a step, merging consecutive steps of the same kind. */
static int add_step(scripted *s, enum step_kind k, const char *p, size_t n, int crlf)
{
    /* An empty "S+" or "S%" line adds no bytes; a step of none would read as
     * end of stream. */
    if (n == 0 && !crlf && (k == STEP_SERVER || k == STEP_CLIENT))
        return 0;
    step *last = s->nsteps ? &s->steps[s->nsteps - 1] : NULL;
    if (!last || last->kind != k || k == STEP_EOF || k == STEP_TIMEOUT ||
        k >= STEP_REPEAT) {
        step *ns = realloc(s->steps, (s->nsteps + 1) * sizeof *ns);
        if (!ns)
            return -1;
        s->steps = ns;
        last = &s->steps[s->nsteps++];
        last->kind = k;
        last->data = NULL;
        last->len = 0;
        last->repeat = 0;
    }
    char *d = realloc(last->data, last->len + n + 3);
    if (!d)
        return -1;
    memcpy(d + last->len, p, n);
    last->len += n;
    if (crlf) {
        d[last->len++] = '\r';
        d[last->len++] = '\n';
    }
    d[last->len] = '\0';
    last->data = d;
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* "S% a%00b%0D%0A": bytes with %XX escapes, no line end added. */
static int add_decoded(scripted *s, enum step_kind k, const char *p, size_t n)
{
    char *tmp = malloc(n + 1);
    if (!tmp)
        return -1;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '%') {
            tmp[j++] = p[i];
            continue;
        }
        int hi = i + 1 < n ? hexval(p[i + 1]) : -1;
        int lo = i + 2 < n ? hexval(p[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            free(tmp);
            return -2;
        }
        tmp[j++] = (char)(hi * 16 + lo);
        i += 2;
    }
    int rc = add_step(s, k, tmp, j, 0);
    free(tmp);
    return rc;
}

/* Wait *ms as a read given timeout_ms would (0 for ever, <0 not at all):
 * 1 when the whole pause is over, else 0 (the rest stays in *ms). */
static int pause_for(unsigned long long *ms, int timeout_ms)
{
    if (timeout_ms < 0)
        return 0;
    unsigned long long wait = *ms;
    if (timeout_ms > 0 && (unsigned long long)timeout_ms < wait)
        wait = (unsigned long long)timeout_ms;
    struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
    *ms -= wait;
    return *ms == 0;
}

static ssize_t scripted_read(imc_transport *t, void *buf, size_t len, int timeout_ms)
{
    scripted *s = (scripted *)t;
    /* pauses: !DELAY before the next bytes, !DRIP before each byte */
    while (s->cur < s->nsteps &&
           (s->steps[s->cur].kind == STEP_DELAY || s->steps[s->cur].kind == STEP_DRIP)) {
        step *st = &s->steps[s->cur];
        if (st->kind == STEP_DRIP) {
            s->drip_ms = st->repeat;
            s->cur++;
            continue;
        }
        if (!pause_for(&st->repeat, timeout_ms)) {
            snprintf(t->err, sizeof t->err, "read timed out (scripted)");
            return IMAPCLIENT_ETIMEOUT;
        }
        s->cur++;
    }
    if (s->drip_ms && s->cur < s->nsteps && s->steps[s->cur].kind != STEP_CLIENT) {
        unsigned long long ms = s->drip_ms;
        if (!pause_for(&ms, timeout_ms)) {
            snprintf(t->err, sizeof t->err, "read timed out (scripted)");
            return IMAPCLIENT_ETIMEOUT;
        }
        len = 1;
    }
    if (s->cur < s->nsteps && s->steps[s->cur].kind == STEP_CLIENT) {
        step *st = &s->steps[s->cur];
        snprintf(t->err, sizeof t->err,
                 "script: client read before sending the expected bytes: %.*s",
                 (int)(st->len - s->off > 120 ? 120 : st->len - s->off),
                 st->data + s->off);
        s->failed = 1;
        return IMAPCLIENT_EIO;
    }
    if (s->cur >= s->nsteps)
        return 0; /* script over: the server hangs up */
    step *st = &s->steps[s->cur];
    if (st->kind == STEP_EOF) {
        s->cur++;
        return 0;
    }
    if (st->kind == STEP_REPEAT) {
        /* made as it is read: a flood costs no memory (off counts the
         * bytes of the copy being sent, repeat the copies left) */
        size_t n = 0;
        char *out = buf;
        while (n < len && st->repeat) {
            size_t k = st->len - s->off;
            if (k > len - n)
                k = len - n;
            memcpy(out + n, st->data + s->off, k);
            n += k;
            s->off += k;
            if (s->off == st->len) {
                s->off = 0;
                st->repeat--;
            }
        }
        if (!st->repeat)
            s->cur++;
        return (ssize_t)n;
    }
    if (st->kind == STEP_TIMEOUT) {
        if (timeout_ms >= 0)
            s->cur++;
        snprintf(t->err, sizeof t->err, "read timed out (scripted)");
        return IMAPCLIENT_ETIMEOUT;
    }
    size_t n = st->len - s->off;
    if (n > len)
        n = len;
    memcpy(buf, st->data + s->off, n);
    s->off += n;
    if (s->off == st->len) {
        s->cur++;
        s->off = 0;
    }
    return (ssize_t)n;
}

/* Non-blocking: a script waiting for the client's bytes, at a !TIMEOUT,
 * or played to its end (only !EOF hangs up here) has nothing to read yet.
 * Pauses (!DELAY, and !DRIP before each byte) pass on the clock: nothing
 * to read until they are over, then the bytes after them. */
static ssize_t scripted_try_read(imc_transport *t, void *buf, size_t len)
{
    scripted *s = (scripted *)t;
    for (;;) {
        if (s->cur >= s->nsteps || (s->steps[s->cur].kind == STEP_CLIENT ||
                                    s->steps[s->cur].kind == STEP_TIMEOUT)) {
            t->wants = IMC_WANT_READ;
            return IMC_AGAIN;
        }
        step *st = &s->steps[s->cur];
        if (st->kind == STEP_DRIP) {
            s->drip_ms = st->repeat;
            s->cur++;
            continue;
        }
        unsigned long long pause = st->kind == STEP_DELAY ? st->repeat : s->drip_ms;
        if (!pause)
            break;
        long long now = imc_now_ms();
        if (!s->paused_at)
            s->paused_at = now;
        if ((unsigned long long)(now - s->paused_at) < pause) {
            t->wants = IMC_WANT_READ;
            return IMC_AGAIN;
        }
        s->paused_at = 0;
        if (st->kind == STEP_DELAY) {
            s->cur++;
            continue;
        }
        /* one byte after its pause (scripted_read would wait again) */
        unsigned long long drip = s->drip_ms;
        s->drip_ms = 0;
        ssize_t n = scripted_read(t, buf, 1, -1);
        s->drip_ms = drip;
        return n;
    }
    return scripted_read(t, buf, len, -1);
}

static int scripted_write(imc_transport *t, const void *buf, size_t len, int timeout_ms);

static ssize_t scripted_try_write(imc_transport *t, const void *buf, size_t len)
{
    int rc = scripted_write(t, buf, len, 0);
    return rc ? rc : (ssize_t)len;
}

static int scripted_write(imc_transport *t, const void *buf, size_t len, int timeout_ms)
{
    scripted *s = (scripted *)t;
    const char *p = buf;
    if (imc_buf_add(&s->sent, buf, len) < 0)
        return IMAPCLIENT_ENOMEM;
    while (len) {
        if (s->cur >= s->nsteps || s->steps[s->cur].kind != STEP_CLIENT) {
            snprintf(t->err, sizeof t->err, "script: unexpected client bytes: %.*s",
                     (int)(len > 120 ? 120 : len), p);
            s->failed = 1;
            return IMAPCLIENT_EIO;
        }
        step *st = &s->steps[s->cur];
        size_t n = st->len - s->off;
        if (n > len)
            n = len;
        if (memcmp(st->data + s->off, p, n) != 0) {
            size_t i = 0;
            while (i < n && st->data[s->off + i] == p[i])
                i++;
            size_t want = st->len - s->off - i;
            size_t got = len - i;
            snprintf(t->err, sizeof t->err,
                     "script: client sent \"%.*s\", expected \"%.*s\"",
                     (int)(got > 100 ? 100 : got), p + i, (int)(want > 100 ? 100 : want),
                     st->data + s->off + i);
            s->failed = 1;
            return IMAPCLIENT_EIO;
        }
        s->off += n;
        p += n;
        len -= n;
        if (s->off == st->len) {
            s->cur++;
            s->off = 0;
        }
    }
    return 0;
}

static size_t scripted_pending(imc_transport *t)
{
    return 0;
}

static void scripted_close(imc_transport *t)
{
    script_free((scripted *)t);
}

static const struct imc_transport_ops scripted_ops = {
    .name = "scripted",
    .read = scripted_read,
    .write = scripted_write,
    .pending = scripted_pending,
    .close = scripted_close,
    .try_read = scripted_try_read,
    .try_write = scripted_try_write,
};

int imc_scripted_new(const char *script, imc_transport **out, char *err)
{
    scripted *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, 256, "out of memory");
        return IMAPCLIENT_ENOMEM;
    }
    s->base.ops = &scripted_ops;
    s->base.rfd = s->base.wfd = -1;
    imc_buf_init(&s->sent, 0);
    const char *p = script;
    unsigned lineno = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *next = nl ? nl + 1 : p + n;
        if (n && p[n - 1] == '\r')
            n--;
        lineno++;
        int rc = 0;
        if (n == 0 || p[0] == '#') {
            rc = 0;
        } else if (n >= 2 && (p[0] == 'S' || p[0] == 'C') && p[1] == '%') {
            size_t skip = (n >= 3 && p[2] == ' ') ? 3 : 2;
            rc = add_decoded(s, p[0] == 'S' ? STEP_SERVER : STEP_CLIENT, p + skip,
                             n - skip);
            if (rc == -2) {
                snprintf(err, 256, "script line %u: bad %%XX escape", lineno);
                script_free(s);
                return IMAPCLIENT_EINVAL;
            }
        } else if (n >= 2 && (p[0] == 'S' || p[0] == 'C') &&
                   (p[1] == ':' || p[1] == '+')) {
            size_t skip = (n >= 3 && p[2] == ' ') ? 3 : 2;
            rc = add_step(s, p[0] == 'S' ? STEP_SERVER : STEP_CLIENT, p + skip, n - skip,
                          p[1] == ':');
        } else if (n >= 3 && p[0] == 'S' && p[1] == '*') {
            /* "S* N text": the line "text" N times */
            char *end = NULL;
            unsigned long long times = strtoull(p + 2, &end, 10);
            if (end == p + 2 || end > p + n || (end < p + n && *end != ' ')) {
                snprintf(err, 256, "script line %u: S* needs a count", lineno);
                script_free(s);
                return IMAPCLIENT_EINVAL;
            }
            size_t skip = (size_t)(end - p) + (end < p + n);
            rc = 0;
            if (times) {
                rc = add_step(s, STEP_REPEAT, p + skip, n - skip, 1);
                if (rc == 0)
                    s->steps[s->nsteps - 1].repeat = times;
            }
        } else if ((n > 7 && !memcmp(p, "!DELAY ", 7)) ||
                   (n > 6 && !memcmp(p, "!DRIP ", 6))) {
            /* "!DELAY ms": a pause before the next server bytes; "!DRIP ms":
             * from here on each server byte comes alone after ms */
            int drip = p[1] == 'D' && p[2] == 'R';
            char *end = NULL;
            unsigned long long ms = strtoull(p + (drip ? 6 : 7), &end, 10);
            if (end != p + n) {
                snprintf(err, 256, "script line %u: bad milliseconds", lineno);
                script_free(s);
                return IMAPCLIENT_EINVAL;
            }
            rc = add_step(s, drip ? STEP_DRIP : STEP_DELAY, "", 0, 0);
            if (rc == 0)
                s->steps[s->nsteps - 1].repeat = ms;
        } else if (n == 4 && !memcmp(p, "!EOF", 4)) {
            rc = add_step(s, STEP_EOF, "", 0, 0);
        } else if (n == 8 && !memcmp(p, "!TIMEOUT", 8)) {
            rc = add_step(s, STEP_TIMEOUT, "", 0, 0);
        } else {
            snprintf(err, 256, "script line %u: unknown directive", lineno);
            script_free(s);
            return IMAPCLIENT_EINVAL;
        }
        if (rc < 0) {
            snprintf(err, 256, "out of memory");
            script_free(s);
            return IMAPCLIENT_ENOMEM;
        }
        p = next;
    }
    *out = &s->base;
    return 0;
}

int imc_is_scripted(const imc_transport *t)
{
    return t && t->ops == &scripted_ops;
}

int imc_scripted_done(const imc_transport *t)
{
    const scripted *s = (const scripted *)t;
    if (!imc_is_scripted(t) || s->failed)
        return 0;
    /* A final EOF the client never read still counts as played. */
    size_t cur = s->cur;
    while (cur < s->nsteps && s->off == 0 && s->steps[cur].kind == STEP_EOF)
        cur++;
    return cur >= s->nsteps;
}

const char *imc_scripted_sent(const imc_transport *t)
{
    const scripted *s = (const scripted *)t;
    if (!imc_is_scripted(t))
        return NULL;
    return s->sent.data ? s->sent.data : "";
}
