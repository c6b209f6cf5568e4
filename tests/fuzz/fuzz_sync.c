/*
 * Fuzz target for the sync helper and its state blob (imapclient/sync.h).
 *
 * Input: the first byte chooses what to do:
 *   bits 0-1  the strategy (AUTO, QRESYNC, CONDSTORE, FLAGS)
 *   bit 2     readonly (EXAMINE)
 *   bit 3     keep_flags
 *   bits 4-5  the state to start from: new; a known one with a
 *             mod-sequence; a known one with flags; or a blob that is the
 *             input up to "\n==\n" (the rest is then the server's side)
 *   bit 6     the whole rest is a blob only (no session)
 * then the server's side of a session, greeting first, read by the client
 * through an in-memory transport that takes whatever the client sends
 * (so any answer goes, in any order: the tags are A001, A002, ...) and,
 * as a server would, answers only once asked: the greeting's line, then
 * for each command line the client sends, up to the next line that starts
 * with "A" (a tagged completion). The client syncs the folder twice, the
 * second time from the state the first one left.
 *
 * Nothing may crash, leak or hang. Every result is walked: the UID sets
 * are sorted, disjoint and not adjacent, changed is ascending by UID and
 * holds no vanished UID, new UIDs were not known before (start over
 * aside); a failed sync leaves the state as it was; every state formats,
 * parses back and formats the same. FUZZ_SYNC_TRACE=1 prints what each
 * sync returned, =2 the protocol too (for writing seeds).
 */
#include "fuzz.h"

#include "core/core.h"
#include "front/front.h"

#include <imapclient.h>

#include <stdio.h>

#define MAX_INPUT (1u << 16)

/* ---- a transport that plays the server's bytes and swallows the client's --- */

typedef struct mem_transport {
    imc_transport base; /* first */
    const uint8_t *p;
    size_t n, off;
    size_t allowed; /* bytes the server has "sent" so far */
} mem_transport;

/* The offset after the line that starts at or after from and begins with
 * "A" (the end of the input when there is none). */
static size_t after_tagged(const mem_transport *m, size_t from)
{
    size_t i = from;
    while (i < m->n) {
        const uint8_t *nl = memchr(m->p + i, '\n', m->n - i);
        size_t end = nl ? (size_t)(nl - m->p) + 1 : m->n;
        if (m->p[i] == 'A')
            return end;
        i = end;
    }
    return m->n;
}

static ssize_t mem_read(imc_transport *t, void *buf, size_t len, int timeout_ms)
{
    (void)timeout_ms;
    mem_transport *m = (mem_transport *)t;
    if (m->off == m->n)
        return 0; /* end of stream */
    size_t left = m->allowed - m->off;
    if (!left) {
        snprintf(t->err, sizeof t->err, "timed out: the server waits for a command");
        return IMAPCLIENT_ETIMEOUT;
    }
    /* a few bytes at a time when the next one is odd: pieces vary */
    size_t k = left < len ? left : len;
    if (k > 7 && (m->p[m->off] & 1))
        k = 7;
    memcpy(buf, m->p + m->off, k);
    m->off += k;
    return (ssize_t)k;
}

static int mem_write(imc_transport *t, const void *buf, size_t len, int timeout_ms)
{
    (void)timeout_ms;
    mem_transport *m = (mem_transport *)t;
    /* a command line: the server answers it, up to its completion */
    if (len && memchr(buf, '\n', len))
        m->allowed = after_tagged(m, m->allowed);
    return 0;
}

static size_t mem_pending(imc_transport *t)
{
    mem_transport *m = (mem_transport *)t;
    return m->allowed - m->off;
}

static void mem_close(imc_transport *t)
{
    free(t);
}

static ssize_t mem_try_read(imc_transport *t, void *buf, size_t len)
{
    return mem_read(t, buf, len, 0);
}

static ssize_t mem_try_write(imc_transport *t, const void *buf, size_t len)
{
    mem_write(t, buf, len, 0);
    return (ssize_t)len;
}

static size_t mem_unsent(imc_transport *t)
{
    (void)t;
    return 0;
}

static const struct imc_transport_ops mem_ops = {
    .name = "fuzz",
    .read = mem_read,
    .write = mem_write,
    .pending = mem_pending,
    .close = mem_close,
    .try_read = mem_try_read,
    .try_write = mem_try_write,
    .unsent = mem_unsent,
};

/* ---- checks ------------------------------------------------------------------ */

static void check_set(const imapclient_uidset *s)
{
    FUZZ_CHECK(s->ranges != NULL);
    for (size_t i = 0; i < s->count; i++) {
        FUZZ_CHECK(s->ranges[i].lo >= 1 && s->ranges[i].lo <= s->ranges[i].hi);
        if (i)
            FUZZ_CHECK((uint64_t)s->ranges[i - 1].hi + 1 < s->ranges[i].lo);
    }
    char *t = NULL;
    if (imapclient_uidset_format(s, &t) == 0) {
        imapclient_uidset *back = NULL;
        if (imapclient_uidset_parse(t, &back) == 0) {
            FUZZ_CHECK(back->count == s->count);
            FUZZ_CHECK(!s->count ||
                       !memcmp(back->ranges, s->ranges, s->count * sizeof *s->ranges));
        }
        imapclient_uidset_free(back);
        free(t);
    }
}

/* The state formats, parses back, and formats the same. */
static void check_state(const imapclient_sync_state *st)
{
    char *a = NULL, *b = NULL;
    size_t an = 0, bn = 0;
    if (imapclient_sync_state_format(st, &a, &an))
        return; /* out of memory */
    imapclient_sync_state *back = NULL;
    int rc = imapclient_sync_state_parse(a, an, &back);
    FUZZ_CHECK(rc == 0 || rc == IMAPCLIENT_ENOMEM);
    if (back && imapclient_sync_state_format(back, &b, &bn) == 0)
        FUZZ_CHECK(an == bn && !memcmp(a, b, an));
    const imapclient_uidset *u = imapclient_sync_state_uids(st);
    check_set(u);
    for (size_t i = 0; i < u->count && i < 4; i++) {
        char **fl = NULL;
        size_t n = 0;
        if (imapclient_sync_state_flags(st, u->ranges[i].lo, &fl, &n) == 1) {
            for (size_t k = 0; k < n; k++)
                FUZZ_CHECK(fl[k] != NULL);
            FUZZ_CHECK(fl[n] == NULL);
        }
        free(fl);
    }
    free(a);
    free(b);
    imapclient_sync_state_free(back);
}

static void check_result(const imapclient_sync_result *r, const imapclient_uidset *known)
{
    FUZZ_CHECK(r->strategy != IMAPCLIENT_SYNC_AUTO && r->select != NULL);
    check_set(&r->new_uids);
    check_set(&r->vanished);
    FUZZ_CHECK(r->changed != NULL);
    for (size_t i = 0; i < r->changed_count; i++) {
        const imapclient_flag_change *ch = &r->changed[i];
        if (i)
            FUZZ_CHECK(r->changed[i - 1].uid < ch->uid);
        FUZZ_CHECK(!imapclient_uidset_contains(&r->vanished, ch->uid));
        for (size_t k = 0; ch->flags && k < ch->flag_count; k++)
            FUZZ_CHECK(ch->flags[k] != NULL);
        if (!r->start_over)
            FUZZ_CHECK(imapclient_uidset_contains(known, ch->uid));
    }
    if (r->start_over)
        FUZZ_CHECK(!r->changed_count && !r->vanished.count);
    else
        for (size_t i = 0; i < r->vanished.count; i++)
            FUZZ_CHECK(imapclient_uidset_contains(known, r->vanished.ranges[i].lo) &&
                       imapclient_uidset_contains(known, r->vanished.ranges[i].hi));
    for (size_t i = 0; !r->start_over && i < r->new_uids.count; i++)
        FUZZ_CHECK(!imapclient_uidset_contains(known, r->new_uids.ranges[i].lo));
}

static void trace_log(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    (void)payload;
    fprintf(stderr, "%s %.*s\n",
            dir == IMAPCLIENT_LOG_SENT       ? "C:"
            : dir == IMAPCLIENT_LOG_RECEIVED ? "S:"
                                             : "#",
            (int)len, line);
}

static const char *const states[3] = {
    NULL,
    "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 100\nuids "
    "1:10,20,30:40\nend\n",
    "imapclient-sync-state 1\nuidvalidity 7\nhighestmodseq 0\nuids 1:10\nflagset 0 "
    "\\Seen\nflagset 1\nflags 1:5=0,6:10=1\nend\n",
};

static void one_sync(imapclient *c, imapclient_sync_state *st,
                     const imapclient_sync_options *o)
{
    char *before = NULL;
    size_t before_n = 0;
    if (imapclient_sync_state_format(st, &before, &before_n))
        return;
    /* the known set before, to check the answer against */
    imapclient_sync_state *copy = NULL;
    if (imapclient_sync_state_parse(before, before_n, &copy)) {
        free(before);
        return;
    }
    imapclient_sync_result *r = NULL;
    int rc = imapclient_sync_folder(c, "INBOX", st, o, &r);
    FUZZ_CHECK(imapclient_errmsg(c) != NULL);
    const char *trace = getenv("FUZZ_SYNC_TRACE"); /* for writing seeds */
    if (trace && *trace)
        fprintf(stderr, "sync: %d %s%s%s\n", rc, imapclient_errmsg(c), r ? " by " : "",
                r ? imapclient_sync_strategy_name(r->strategy) : "");
    if (rc == 0) {
        FUZZ_CHECK(r != NULL);
        check_result(r, imapclient_sync_state_uids(copy));
        FUZZ_CHECK(imapclient_sync_state_uidvalidity(st) == r->uidvalidity);
    } else {
        FUZZ_CHECK(r == NULL);
        /* a failed sync changes nothing */
        char *after = NULL;
        size_t after_n = 0;
        if (imapclient_sync_state_format(st, &after, &after_n) == 0)
            FUZZ_CHECK(after_n == before_n && !memcmp(after, before, before_n));
        free(after);
    }
    check_state(st);
    imapclient_sync_result_free(r);
    imapclient_sync_state_free(copy);
    free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;

    imapclient_sync_state *st = NULL;
    if (mode & 0x40) {
        /* a blob alone */
        if (imapclient_sync_state_parse((const char *)data, size, &st) == 0)
            check_state(st);
        imapclient_sync_state_free(st);
        return 0;
    }
    int which = (mode >> 4) & 3;
    if (which == 3) {
        const uint8_t *sep = NULL;
        for (size_t i = 0; i + 4 <= size; i++)
            if (!memcmp(data + i, "\n==\n", 4)) {
                sep = data + i;
                break;
            }
        if (!sep)
            return 0;
        size_t bn = (size_t)(sep - data) + 1;
        if (imapclient_sync_state_parse((const char *)data, bn, &st))
            return 0;
        data = sep + 4;
        size -= bn + 3;
    } else if (states[which]) {
        if (imapclient_sync_state_parse(states[which], strlen(states[which]), &st))
            return 0;
    } else if (imapclient_sync_state_new(&st)) {
        return 0;
    }

    imapclient_options o;
    imapclient_options_init(&o);
    o.max_line = 1 << 16;
    o.max_literal = 1 << 16;
    o.max_depth = 40;
    o.timeout_ms = 1000;
    const char *trace = getenv("FUZZ_SYNC_TRACE");
    if (trace && *trace == '2')
        o.log = trace_log;
    imapclient *c = imc_handle_new("fuzz", &o);
    mem_transport *t = calloc(1, sizeof *t);
    if (!c || !t) {
        free(t);
        imapclient_free(c);
        imapclient_sync_state_free(st);
        return 0;
    }
    t->base.ops = &mem_ops;
    t->base.rfd = t->base.wfd = -1;
    t->p = data;
    t->n = size;
    const uint8_t *nl = memchr(data, '\n', size);
    t->allowed = nl ? (size_t)(nl - data) + 1 : size; /* the greeting */
    if (imc_front_attach(c, &t->base) == 0 && imc_front_greeting(c) == 0) {
        imapclient_sync_options so = {.strategy = (imapclient_sync_strategy)(mode & 3),
                                      .readonly = (mode >> 2) & 1,
                                      .keep_flags = (mode >> 3) & 1};
        one_sync(c, st, &so);
        one_sync(c, st, &so);
    }
    imapclient_free(c);
    imapclient_sync_state_free(st);
    return 0;
}
