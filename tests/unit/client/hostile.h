/* Helpers shared by the hostile-server tests (test_hostile*.c): scripts
 * built from templates with command tags filled in, a capturing protocol
 * log, and connection helpers. Header-only (static inline) so each test
 * executable takes what it uses. */
#ifndef TEST_HOSTILE_H
#define TEST_HOSTILE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

/* Capabilities of the default authenticated greeting: every extension a
 * call may require, so no CAPABILITY command is ever issued. */
#define H_CAPS                                                                           \
    "IMAP4rev1 LITERAL+ IDLE MOVE UIDPLUS NAMESPACE ID ENABLE QUOTA ACL SORT "           \
    "THREAD=REFERENCES ESEARCH X-GM-EXT-1 XLIST UNSELECT MULTIAPPEND COMPRESS=DEFLATE"
#define H_GREET_AUTH "S: * PREAUTH [CAPABILITY " H_CAPS "] ready\n"
#define H_GREET_NOAUTH                                                                   \
    "S: * OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN] ready\n"
/* SELECT INBOX as the first command (tag A001). */
#define H_SELECT "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK [READ-WRITE] selected\n"

/* ---- growable text ------------------------------------------------------ */

typedef struct hbuf {
    char *p;
    size_t n, cap;
} hbuf;

static inline void hb_add(hbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            fail_msg("out of memory");
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static inline void hb_adds(hbuf *b, const char *s)
{
    if (s)
        hb_add(b, s, strlen(s));
}

/* Append tmpl with "@T" replaced by the tag of command t ("A005"), "@U" by
 * the tag of command t + 1 and "@V" by that of t + 2. */
static inline void hb_tmpl(hbuf *b, const char *tmpl, unsigned t)
{
    for (const char *p = tmpl; p && *p; p++) {
        if (p[0] == '@' && (p[1] == 'T' || p[1] == 'U' || p[1] == 'V')) {
            char tag[16];
            snprintf(tag, sizeof tag, "A%03u", t + (unsigned)(p[1] - 'T'));
            hb_adds(b, tag);
            p++;
            continue;
        }
        hb_add(b, p, 1);
    }
}

static inline void hb_free(hbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- connections ---------------------------------------------------------- */

static inline imapclient *h_connect(const char *script, const imapclient_options *o)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, o, &c);
    if (rc)
        fail_msg("connect: %d (%s)", rc, imapclient_errmsg(c));
    return c;
}

/* Assert the whole script was played, then free the handle. */
static inline void h_done(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; last error: %s", imapclient_errmsg(c));
    imapclient_free(c);
}

static inline int h_has(const char *hay, const char *needle)
{
    return hay && needle && strstr(hay, needle) != NULL;
}

#define h_assert_errmsg_has(c, s)                                                        \
    do {                                                                                 \
        if (!h_has(imapclient_errmsg(c), (s)))                                           \
            fail_msg("errmsg \"%s\" lacks \"%s\"", imapclient_errmsg(c), (s));           \
    } while (0)

#define h_assert_rc(expr, want, c)                                                       \
    do {                                                                                 \
        int h_rc_ = (expr);                                                              \
        if (h_rc_ != (want))                                                             \
            fail_msg("%s returned %d (%s), expected %d", #expr, h_rc_,                   \
                     imapclient_errmsg(c), (int)(want));                                 \
    } while (0)

/* ---- scripts of the typed-data tests ---------------------------------------- */

/* A NOOP exchange with this tag. */
#define NOOP(tag) "C: " tag " NOOP\nS: " tag " OK noop\n"

static inline imapclient *auth_play(const char *rest)
{
    char *s = malloc(strlen(H_GREET_AUTH) + strlen(rest) + 1);
    strcpy(s, H_GREET_AUTH);
    strcat(s, rest);
    imapclient *c = h_connect(s, NULL);
    free(s);
    return c;
}

/* Authenticated, INBOX selected with A001; the test's command is A002. */
static inline imapclient *sel_play(const char *rest)
{
    hbuf s = {0};
    hb_adds(&s, H_GREET_AUTH H_SELECT);
    hb_adds(&s, rest);
    imapclient *c = h_connect(s.p, NULL);
    hb_free(&s);
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    return c;
}

/* The connection still works: NOOP (scripted by the test) succeeds and
 * the script was played to the end. */
static inline void usable(imapclient *c)
{
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    h_done(c);
}

/* How many kept responses are named name (the kept ones are dropped). */
static inline size_t kept(imapclient *c, const char *name)
{
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_take_responses(c, &r), 0, c);
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += !strcmp(r->items[i].name, name);
    imapclient_responses_free(r);
    return n;
}

/* ---- floods (issue 14, item 3) ----------------------------------------------- */

#include <malloc.h>
#include <valgrind/valgrind.h>

#include "client/internal.h"

/* Bytes of a flood: IMAPCLIENT_FLOOD_MB (e.g. 200 for the figure),
 * else 2 MiB (256 KiB under valgrind): already 20,000 responses or more,
 * enough to tell bounded memory from memory that grows with the flood. */
static inline size_t h_flood_bytes(void)
{
    const char *e = getenv("IMAPCLIENT_FLOOD_MB");
    if (e && atoi(e) > 0)
        return (size_t)atoi(e) << 20;
    return RUNNING_ON_VALGRIND ? 256u << 10 : 2u << 20;
}

/* A memory probe: the protocol log samples, at every response received,
 * what the handle holds (imc_memory_in_use(): its arenas, the running
 * command's result arena, buffers, kept responses) and the whole heap in
 * use (mallinfo2(), which sees every allocation, results built by the
 * calls included; it reads 0 under ASan and valgrind, where only the first
 * measure counts). */
typedef struct hprobe {
    imapclient *c;
    size_t base, peak;           /* imc_memory_in_use() */
    size_t heap_base, heap_peak; /* mallinfo2() */
} hprobe;

static inline size_t h_heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static inline void h_probe_sample(hprobe *p)
{
    size_t n = imc_memory_in_use(p->c), h = h_heap_in_use();
    if (n > p->peak)
        p->peak = n;
    if (h > p->heap_peak)
        p->heap_peak = h;
}

static inline void h_probe_log(void *payload, imapclient_log_dir dir, const char *line,
                               size_t len)
{
    hprobe *p = payload;
    if (p->c)
        h_probe_sample(p);
}

/* Options with the probe; the kept responses capped at max_pending. */
static inline void h_probe_options(imapclient_options *o, hprobe *p, size_t max_pending)
{
    imapclient_options_init(o);
    memset(p, 0, sizeof *p);
    o->log = h_probe_log;
    o->log_payload = p;
    o->max_pending_bytes = max_pending;
}

/* Start measuring c: what is held now is the base. */
static inline void h_probe_start(hprobe *p, imapclient *c)
{
    p->c = c;
    p->base = p->peak = imc_memory_in_use(c);
    p->heap_base = p->heap_peak = h_heap_in_use();
}

/* The most held beyond the base, by either measure. */
static inline size_t h_probe_growth(hprobe *p)
{
    h_probe_sample(p);
    size_t a = p->peak - p->base;
    size_t b = p->heap_peak > p->heap_base ? p->heap_peak - p->heap_base : 0;
    return a > b ? a : b;
}

/* ---- protocol log ---------------------------------------------------------- */

typedef struct hlog {
    hbuf text;
} hlog;

static inline void h_logger(void *payload, imapclient_log_dir dir, const char *line,
                            size_t len)
{
    hlog *l = payload;
    char head[4] = {(char)dir, ':', ' ', '\0'};
    hb_adds(&l->text, head);
    /* lines may hold NUL bytes; keep them visible as "\0" */
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '\0')
            hb_adds(&l->text, "\\0");
        else
            hb_add(&l->text, line + i, 1);
    }
    hb_adds(&l->text, "\n");
}

static inline void h_log_options(imapclient_options *o, hlog *l)
{
    imapclient_options_init(o);
    o->log = h_logger;
    o->log_payload = l;
}

#endif
