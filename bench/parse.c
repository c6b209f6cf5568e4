/*
 * bench/parse: response parsing speed, ours against libetpan's, on the
 * same bytes in the same run.
 *
 * Three recorded-style FETCH streams are generated (deterministically, no
 * network): headers-only (BODY[HEADER] literals), ENVELOPE+BODYSTRUCTURE
 * heavy (multipart structures, address lists, 8-bit subjects as literals)
 * and body-literal heavy (100 KB BODY[] literals). Each stream is parsed
 * response by response:
 *
 *   ours      the client's path: imc_reader_next() over an in-memory
 *             transport (64 KiB reads, as from a socket), then
 *             imc_parse_response() into a scratch arena reset for every
 *             response, keep_raw off, as imc_read_response() does (the raw
 *             text is borrowed from the read buffer);
 *   ours+rawcopy  the same with keep_raw on (a copy of the whole response
 *             in the arena, as the client did before);
 *   ours+typed  ours plus the typed ENVELOPE and BODYSTRUCTURE builders on
 *             those items (what libetpan's parser always does);
 *   libetpan  mailimap_read_line() then mailimap_response_data_parse()
 *             over a mailstream on the same memory (8 KiB buffer, as its
 *             socket streams), mailimap_response_data_free() after each.
 *
 * Time is process CPU time (CLOCK_PROCESS_CPUTIME_ID), the best of N runs,
 * the parsers taking turns. Every run checks that every response was
 * parsed and that both saw the same number of literal bytes, FETCH items,
 * envelopes and body structures, so the figures compare equal work.
 *
 * Usage: parse [-n runs] [-s scale] [-w workload]  (scale 1 is ~30 MB a
 * workload; workload is headers, envelope or bodies)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sys/wait.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include <imapclient/errors.h>

#include "transport/transport.h"
#include "types/types.h"
#include "util/arena.h"
#include "util/buf.h"
#include "wire/parser.h"
#include "wire/reader.h"

/* libetpan exports its per-response parser (used by its IDLE code) but
 * does not install mailimap_parser.h; this is its declaration there. */
int mailimap_response_data_parse(mailstream *fd, MMAPString *buffer,
                                 struct mailimap_parser_context *parser_ctx, size_t *indx,
                                 struct mailimap_response_data **result,
                                 size_t progr_rate, progress_function *progr_fun);

/* ------------------------------------------------------------------ */
/* Deterministic data                                                   */
/* ------------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static uint32_t between(uint32_t lo, uint32_t hi)
{
    return lo + rnd() % (hi - lo + 1);
}

static const char *const words[] = {
    "meeting", "report", "quarterly", "update",   "invoice",  "project", "review",
    "draft",   "agenda", "budget",    "schedule", "team",     "release", "notes",
    "urgent",  "weekly", "summary",   "proposal", "contract", "travel",  "lunch",
    "server",  "outage", "patch",     "feedback", "design",   "launch",  "follow-up",
};
#define NWORDS (sizeof words / sizeof words[0])

static const char *const first[] = {
    "Alice", "Bob",     "Carol", "Dave",   "Erin",  "Frank",  "Grace", "Heidi", "Ivan",
    "Judy",  "Mallory", "Niaj",  "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor"};
static const char *const last[] = {"Smith", "Jones",  "Miller", "Garcia", "Martin",
                                   "Lee",   "Walker", "Young",  "Allen",  "Wright"};
static const char *const domains[] = {"example.com", "example.org", "mail.example.net",
                                      "corp.example", "lists.example.org"};
#define PICK(a) (a[rnd() % (sizeof a / sizeof a[0])])

static void add_words(imc_buf *b, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            imc_buf_addc(b, ' ');
        imc_buf_adds(b, words[rnd() % NWORDS]);
    }
}

static void add_literal(imc_buf *b, const char *s, size_t n)
{
    imc_buf_printf(b, "{%zu}\r\n", n);
    imc_buf_add(b, s, n);
}

static const char *const wday[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void add_date(imc_buf *b)
{
    imc_buf_printf(b, "%s, %u %s 20%02u %02u:%02u:%02u %c%02u00", PICK(wday),
                   between(1, 28), PICK(mon), between(10, 24), between(0, 23),
                   between(0, 59), between(0, 59), rnd() & 1 ? '+' : '-', between(0, 9));
}

static void add_address(imc_buf *b)
{
    /* ("Name" NIL "mailbox" "host"), sometimes without a name */
    const char *f = PICK(first), *l = PICK(last);
    if (rnd() % 4)
        imc_buf_printf(b, "(\"%s %s\" NIL ", f, l);
    else
        imc_buf_adds(b, "(NIL NIL ");
    imc_buf_printf(b, "\"%c.%s\" \"%s\")", f[0] | 0x20, l, PICK(domains));
}

static void add_address_list(imc_buf *b, uint32_t n)
{
    if (n == 0) {
        imc_buf_adds(b, "NIL");
        return;
    }
    imc_buf_addc(b, '(');
    for (uint32_t i = 0; i < n; i++)
        add_address(b);
    imc_buf_addc(b, ')');
}

static void add_envelope(imc_buf *b)
{
    imc_buf_adds(b, "(\"");
    add_date(b);
    imc_buf_adds(b, "\" ");
    /* subject: quoted, with escaped quotes now and then, or an 8-bit
     * literal as Dovecot sends it */
    imc_buf sub;
    imc_buf_init(&sub, 0);
    if (rnd() % 8 == 0)
        imc_buf_adds(&sub, "Re: ");
    add_words(&sub, (int)between(2, 9));
    uint32_t kind = rnd() % 10;
    if (kind == 0) {
        imc_buf_adds(&sub, " \xc3\xbc\xc3\xa4 \xe2\x82\xac");
        add_literal(b, sub.data, sub.len);
    } else if (kind == 1) {
        imc_buf_adds(b, "\"");
        imc_buf_add(b, sub.data, sub.len);
        imc_buf_adds(b, " \\\"quoted\\\"\"");
    } else {
        imc_buf_printf(b, "\"%s\"", sub.data);
    }
    imc_buf_free(&sub);
    imc_buf_addc(b, ' ');
    add_address_list(b, 1); /* from */
    imc_buf_addc(b, ' ');
    add_address_list(b, 1); /* sender */
    imc_buf_addc(b, ' ');
    add_address_list(b, 1); /* reply-to */
    imc_buf_addc(b, ' ');
    add_address_list(b, between(1, 5)); /* to */
    imc_buf_addc(b, ' ');
    add_address_list(b, rnd() % 3 ? 0 : between(1, 3)); /* cc */
    imc_buf_adds(b, " NIL ");                           /* bcc */
    if (rnd() % 3 == 0)
        imc_buf_printf(b, "\"<%08x.%04x@%s>\" ", rnd(), rnd() & 0xffff, PICK(domains));
    else
        imc_buf_adds(b, "NIL ");
    imc_buf_printf(b, "\"<%08x%08x@%s>\")", rnd(), rnd(), PICK(domains));
}

static void add_text_part(imc_buf *b, const char *subtype)
{
    uint32_t size = between(200, 40000);
    imc_buf_printf(
        b,
        "(\"text\" \"%s\" (\"charset\" \"%s\") NIL NIL \"%s\" %u %u NIL NIL NIL "
        "NIL)",
        subtype, rnd() & 1 ? "utf-8" : "us-ascii",
        rnd() & 1 ? "quoted-printable" : "7bit", size, size / 60 + 1);
}

static void add_attachment(imc_buf *b)
{
    static const char *const kinds[][3] = {{"application", "pdf", "pdf"},
                                           {"image", "jpeg", "jpg"},
                                           {"image", "png", "png"},
                                           {"application", "zip", "zip"},
                                           {"application",
                                            "vnd.openxmlformats-officedocument."
                                            "wordprocessingml.document",
                                            "docx"}};
    const char *const *k = kinds[rnd() % 5];
    char name[64];
    snprintf(name, sizeof name, "%s-%u.%s", words[rnd() % NWORDS], between(1, 99), k[2]);
    imc_buf_printf(b,
                   "(\"%s\" \"%s\" (\"name\" \"%s\") NIL NIL \"base64\" %u NIL "
                   "(\"attachment\" (\"filename\" \"%s\" \"size\" \"%u\")) NIL NIL)",
                   k[0], k[1], name, between(5000, 900000), name, between(3000, 600000));
}

static void add_body(imc_buf *b, int depth);

static void add_alternative(imc_buf *b)
{
    imc_buf_addc(b, '(');
    add_text_part(b, "plain");
    add_text_part(b, "html");
    imc_buf_printf(b, " \"alternative\" (\"boundary\" \"b1_%08x%08x\") NIL NIL NIL)",
                   rnd(), rnd());
}

static void add_rfc822(imc_buf *b, int depth)
{
    imc_buf_adds(b, "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" ");
    imc_buf_printf(b, "%u ", between(2000, 90000));
    add_envelope(b);
    imc_buf_addc(b, ' ');
    add_body(b, depth + 1);
    imc_buf_printf(b, " %u NIL NIL NIL NIL)", between(40, 900));
}

static void add_body(imc_buf *b, int depth)
{
    uint32_t shape = rnd() % 10;
    if (depth > 1 || shape < 2) {
        add_text_part(b, "plain");
        return;
    }
    if (shape < 5) {
        add_alternative(b);
        return;
    }
    /* multipart/mixed: the text as alternative, then attachments */
    imc_buf_addc(b, '(');
    add_alternative(b);
    uint32_t n = between(1, 3);
    for (uint32_t i = 0; i < n; i++) {
        if (shape == 9 && i == 0)
            add_rfc822(b, depth);
        else
            add_attachment(b);
    }
    imc_buf_printf(b, " \"mixed\" (\"boundary\" \"b0_%08x%08x\") NIL NIL NIL)", rnd(),
                   rnd());
}

static void add_header_block(imc_buf *b)
{
    /* a realistic header: Received chain, DKIM, the usual fields */
    uint32_t hops = between(2, 6);
    for (uint32_t i = 0; i < hops; i++) {
        imc_buf_printf(b,
                       "Received: from mx%u.%s (mx%u.%s [192.0.2.%u])\r\n\tby mail.%s "
                       "(Postfix) with ESMTPS id %08X%04X\r\n\tfor <%c.%s@%s>; ",
                       i, PICK(domains), i, PICK(domains), between(1, 254), PICK(domains),
                       rnd(), rnd() & 0xffff, 'a' + (int)(rnd() % 26), PICK(last),
                       PICK(domains));
        add_date(b);
        imc_buf_adds(b, "\r\n");
    }
    if (rnd() & 1) {
        imc_buf_adds(b, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=");
        imc_buf_adds(b, PICK(domains));
        imc_buf_adds(b, "; s=sel1;\r\n\th=from:to:subject:date:message-id; bh=");
        for (int i = 0; i < 44; i++)
            imc_buf_addc(
                b,
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rnd() %
                                                                                   64]);
        imc_buf_adds(b, ";\r\n\tb=");
        for (int i = 0; i < 344; i++) {
            if (i && i % 68 == 0)
                imc_buf_adds(b, "\r\n\t ");
            imc_buf_addc(
                b,
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rnd() %
                                                                                   64]);
        }
        imc_buf_adds(b, "\r\n");
    }
    imc_buf_printf(b, "From: %s %s <%c.%s@%s>\r\nTo: ", PICK(first), PICK(last),
                   'a' + (int)(rnd() % 26), PICK(last), PICK(domains));
    uint32_t to = between(1, 4);
    for (uint32_t i = 0; i < to; i++)
        imc_buf_printf(b, "%s%s <%c.%s@%s>", i ? ",\r\n " : "", PICK(first),
                       'a' + (int)(rnd() % 26), PICK(last), PICK(domains));
    imc_buf_adds(b, "\r\nSubject: ");
    add_words(b, (int)between(2, 9));
    imc_buf_adds(b, "\r\nDate: ");
    add_date(b);
    imc_buf_printf(b, "\r\nMessage-ID: <%08x%08x@%s>\r\n", rnd(), rnd(), PICK(domains));
    imc_buf_adds(b, "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
                    "boundary=\"b1_");
    imc_buf_printf(b, "%08x\"\r\nX-Mailer: bench 1.0\r\n\r\n", rnd());
}

typedef struct workload {
    const char *name;
    imc_buf bytes;
    size_t responses;
} workload;

static void gen_headers(workload *w, size_t target)
{
    imc_buf h;
    imc_buf_init(&h, 0);
    for (uint32_t i = 1; w->bytes.len < target; i++) {
        imc_buf_clear(&h);
        add_header_block(&h);
        imc_buf_printf(&w->bytes, "* %u FETCH (UID %u BODY[HEADER] ", i, 1000 + i);
        add_literal(&w->bytes, h.data, h.len);
        imc_buf_adds(&w->bytes, ")\r\n");
        w->responses++;
    }
    imc_buf_free(&h);
}

static void gen_envelope(workload *w, size_t target)
{
    for (uint32_t i = 1; w->bytes.len < target; i++) {
        imc_buf_printf(&w->bytes,
                       "* %u FETCH (UID %u FLAGS (\\Seen%s) INTERNALDATE \"%02u-%s-2024 "
                       "%02u:%02u:%02u +0000\" RFC822.SIZE %u ENVELOPE ",
                       i, 5000 + i, rnd() % 4 ? "" : " \\Answered $Forwarded",
                       between(1, 28), PICK(mon), between(0, 23), between(0, 59),
                       between(0, 59), between(2000, 2000000));
        add_envelope(&w->bytes);
        imc_buf_adds(&w->bytes, " BODYSTRUCTURE ");
        add_body(&w->bytes, 0);
        imc_buf_adds(&w->bytes, ")\r\n");
        w->responses++;
    }
}

static void gen_bodies(workload *w, size_t target)
{
    size_t n = 100 * 1024;
    char *body = malloc(n);
    for (uint32_t i = 1; w->bytes.len < target; i++) {
        /* base64-looking lines of 76 characters and CRLF */
        for (size_t k = 0; k < n; k++)
            body[k] = (k % 78 == 76) ? '\r'
                      : (k % 78 == 77)
                          ? '\n'
                          : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                            "0123456789+/"[rnd() % 64];
        imc_buf_printf(&w->bytes, "* %u FETCH (UID %u FLAGS (\\Seen) BODY[] ", i,
                       9000 + i);
        add_literal(&w->bytes, body, n);
        imc_buf_adds(&w->bytes, ")\r\n");
        w->responses++;
    }
    free(body);
}

/* ------------------------------------------------------------------ */
/* What each parser saw, to check they did the same work                */
/* ------------------------------------------------------------------ */

typedef struct tally {
    size_t responses, items, envelopes, bodies, literal_bytes;
} tally;

static int tally_equal(const tally *a, const tally *b)
{
    return a->responses == b->responses && a->items == b->items &&
           a->envelopes == b->envelopes && a->bodies == b->bodies &&
           a->literal_bytes == b->literal_bytes;
}

/* ------------------------------------------------------------------ */
/* Ours                                                                 */
/* ------------------------------------------------------------------ */

typedef struct memt {
    imc_transport base;
    const char *data;
    size_t len, pos;
} memt;

static ssize_t memt_read(imc_transport *t, void *buf, size_t len, int timeout_ms)
{
    memt *m = (memt *)t;
    (void)timeout_ms;
    size_t n = m->len - m->pos;
    if (n > len)
        n = len;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static int memt_write(imc_transport *t, const void *buf, size_t len, int timeout_ms)
{
    (void)t, (void)buf, (void)len, (void)timeout_ms;
    return 0;
}

static size_t memt_pending(imc_transport *t)
{
    (void)t;
    return 0;
}

static void memt_close(imc_transport *t)
{
    (void)t;
}

/* Blocking reads only: the parser benchmark never drives the non-blocking
 * front, so try_read/try_write stay NULL. */
static const struct imc_transport_ops memt_ops = {.name = "memory",
                                                  .read = memt_read,
                                                  .write = memt_write,
                                                  .pending = memt_pending,
                                                  .close = memt_close};

static int run_ours(const workload *w, int typed, int keep_raw, tally *t)
{
    memset(t, 0, sizeof *t);
    memt m = {.base = {.ops = &memt_ops, .rfd = -1, .wfd = -1},
              .data = w->bytes.data,
              .len = w->bytes.len};
    imc_reader rd;
    if (imc_reader_init(&rd, &m.base, 8 << 20, 1u << 30) < 0)
        return -1;
    imc_parser p;
    imc_parser_init(&p, 100);
    imc_arena *scratch = imc_arena_new();
    int rc = 0;
    while (m.pos < m.len || imc_reader_buffered(&rd)) {
        rc = imc_reader_next(&rd, 0);
        if (rc)
            break;
        imc_arena_reset(scratch);
        imapclient_response r;
        rc = imc_parse_response(&p, rd.resp.data, rd.resp.len, scratch, keep_raw, &r);
        if (rc || strcmp(r.name, "FETCH") != 0 || r.args->count != 1)
            break;
        t->responses++;
        const imapclient_value *l = &r.args->items[0];
        for (size_t i = 0; i + 1 < l->count; i += 2) {
            const imapclient_value *k = &l->items[i], *v = &l->items[i + 1];
            t->items++;
            if (v->type == IMAPCLIENT_VALUE_LITERAL && k->len >= 4 &&
                strncasecmp(k->str, "BODY", 4) == 0)
                t->literal_bytes += v->len;
            if (imapclient_value_is(k, "ENVELOPE")) {
                t->envelopes++;
                if (typed) {
                    imapclient_envelope *env;
                    if (imc_envelope_from_value(scratch, v, 0, &env) != 0)
                        return -1;
                }
            } else if (imapclient_value_is(k, "BODYSTRUCTURE")) {
                t->bodies++;
                if (typed) {
                    imapclient_body *body;
                    if (imc_body_from_value(scratch, v, 0, &body) != 0)
                        return -1;
                }
            }
        }
    }
    if (rc)
        fprintf(stderr, "ours: stopped with %d (%s / %s) after %zu responses\n", rc,
                rd.err, p.error ? p.error : "", t->responses);
    imc_arena_free(scratch);
    imc_parser_free(&p);
    imc_reader_free(&rd);
    return rc ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* libetpan                                                             */
/* ------------------------------------------------------------------ */

typedef struct memsrc {
    const char *data;
    size_t len, pos;
} memsrc;

static ssize_t low_read(mailstream_low *s, void *buf, size_t count)
{
    memsrc *m = s->data;
    size_t n = m->len - m->pos;
    if (n > count)
        n = count;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static ssize_t low_write(mailstream_low *s, const void *buf, size_t count)
{
    (void)s, (void)buf;
    return (ssize_t)count;
}

static int low_close(mailstream_low *s)
{
    (void)s;
    return 0;
}

static int low_get_fd(mailstream_low *s)
{
    (void)s;
    return -1;
}

static void low_free(mailstream_low *s)
{
    free(s); /* the driver frees the low stream, as libetpan's own do */
}

static void low_cancel(mailstream_low *s)
{
    (void)s;
}

static struct mailstream_cancel *low_get_cancel(mailstream_low *s)
{
    (void)s;
    return NULL;
}

static carray *low_get_certificate_chain(mailstream_low *s)
{
    (void)s;
    return NULL;
}

static int low_idle(mailstream_low *s)
{
    (void)s;
    return -1;
}

static mailstream_low_driver low_driver = {
    .mailstream_read = low_read,
    .mailstream_write = low_write,
    .mailstream_close = low_close,
    .mailstream_get_fd = low_get_fd,
    .mailstream_free = low_free,
    .mailstream_cancel = low_cancel,
    .mailstream_get_cancel = low_get_cancel,
    .mailstream_get_certificate_chain = low_get_certificate_chain,
    .mailstream_setup_idle = low_idle,
    .mailstream_unsetup_idle = low_idle,
    .mailstream_interrupt_idle = low_idle,
};

static void etpan_count(const struct mailimap_msg_att *att, tally *t)
{
    for (clistiter *it = clist_begin(att->att_list); it; it = clist_next(it)) {
        const struct mailimap_msg_att_item *item = clist_content(it);
        t->items++;
        if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
            continue;
        const struct mailimap_msg_att_static *st = item->att_data.att_static;
        if (st->att_type == MAILIMAP_MSG_ATT_ENVELOPE)
            t->envelopes++;
        else if (st->att_type == MAILIMAP_MSG_ATT_BODYSTRUCTURE)
            t->bodies++;
        else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION)
            t->literal_bytes += st->att_data.att_body_section->sec_length;
    }
}

static int run_etpan(const workload *w, tally *t)
{
    memset(t, 0, sizeof *t);
    memsrc src = {w->bytes.data, w->bytes.len, 0};
    mailstream_low *low = mailstream_low_new(&src, &low_driver);
    mailstream *stream = mailstream_new(low, 8192);
    mailimap *session = mailimap_new(0, NULL);
    session->imap_stream = stream;
    struct mailimap_parser_context *ctx = mailimap_parser_context_new(session);
    int rc = MAILIMAP_NO_ERROR;
    while (src.pos < src.len || stream->read_buffer_len > 0) {
        if (mailimap_read_line(session) == NULL) {
            rc = MAILIMAP_ERROR_STREAM;
            break;
        }
        size_t indx = 0;
        struct mailimap_response_data *resp = NULL;
        rc = mailimap_response_data_parse(stream, session->imap_stream_buffer, ctx, &indx,
                                          &resp, 0, NULL);
        if (rc != MAILIMAP_NO_ERROR)
            break;
        if (resp->rsp_type == MAILIMAP_RESP_DATA_TYPE_MESSAGE_DATA &&
            resp->rsp_data.rsp_message_data->mdt_type == MAILIMAP_MESSAGE_DATA_FETCH) {
            t->responses++;
            etpan_count(resp->rsp_data.rsp_message_data->mdt_msg_att, t);
        }
        mailimap_response_data_free(resp);
    }
    if (rc != MAILIMAP_NO_ERROR)
        fprintf(stderr, "libetpan: stopped with %d after %zu responses\n", rc,
                t->responses);
    mailimap_parser_context_free(ctx);
    session->imap_stream = NULL; /* else mailimap_free() sends LOGOUT */
    mailimap_free(session);
    mailstream_close(stream);
    return rc == MAILIMAP_NO_ERROR ? 0 : -1;
}

/* ------------------------------------------------------------------ */

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { OURS, OURS_RAWCOPY, OURS_TYPED, ETPAN, NPARSERS };
static const char *const parser_names[] = {"ours", "ours+rawcopy", "ours+typed",
                                           "libetpan"};

static int run_one(int which, const workload *w, tally *t, double *secs)
{
    double t0 = cpu_now();
    int rc = which == ETPAN ? run_etpan(w, t)
                            : run_ours(w, which == OURS_TYPED, which == OURS_RAWCOPY, t);
    *secs = cpu_now() - t0;
    return rc;
}

/* Generate one workload, time every parser on it, print its rows.
 * Returns 0, or 1 if a parser failed or the parsers disagree. */
static int measure(const char *name, void (*gen)(workload *, size_t), size_t target,
                   int runs, int typed_row)
{
    /* the same data whatever -w selects */
    rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)name[0];
    workload wl = {.name = name};
    workload *w = &wl;
    imc_buf_init(&w->bytes, 0);
    gen(w, target);
    double best[NPARSERS];
    tally tl[NPARSERS];
    for (int k = 0; k < NPARSERS; k++)
        best[k] = 1e30;
    for (int r = 0; r < runs; r++) {
        for (int k = 0; k < NPARSERS; k++) {
            double sec;
            if (run_one(k, w, &tl[k], &sec) != 0) {
                fprintf(stderr, "%s: %s failed\n", w->name, parser_names[k]);
                return 1;
            }
            if (sec < best[k])
                best[k] = sec;
        }
    }
    /* equal work: every response parsed by both, the same items seen */
    int bad = 0;
    for (int k = 0; k < NPARSERS; k++) {
        if (tl[k].responses != w->responses || !tally_equal(&tl[k], &tl[ETPAN])) {
            fprintf(stderr,
                    "%s: %s saw responses %zu items %zu envelopes %zu bodies %zu literal "
                    "bytes %zu; generated %zu responses\n",
                    w->name, parser_names[k], tl[k].responses, tl[k].items,
                    tl[k].envelopes, tl[k].bodies, tl[k].literal_bytes, w->responses);
            bad = 1;
        }
    }
    double mb = (double)w->bytes.len / 1e6;
    for (int k = 0; k < NPARSERS; k++) {
        if (k == OURS_TYPED && !typed_row)
            continue; /* no envelopes or structures to build */
        char ratio[32] = "";
        if (k != ETPAN)
            snprintf(ratio, sizeof ratio, "%.2fx", best[ETPAN] / best[k]);
        printf("%-9s %9.1f %9zu  %-11s %9.1f %11.0f %9s\n", k == 0 ? w->name : "", mb,
               w->responses, parser_names[k], mb / best[k],
               (double)w->responses / best[k], ratio);
    }
    fflush(stdout);
    imc_buf_free(&w->bytes);
    return bad;
}

int main(int argc, char **argv)
{
    int runs = 5;
    double scale = 1.0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc)
            scale = atof(argv[++i]);
        else if (!strcmp(argv[i], "-w") && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr,
                    "usage: %s [-n runs] [-s scale] [-w headers|envelope|bodies]\n",
                    argv[0]);
            return 2;
        }
    }
    if (runs < 1 || scale <= 0)
        return 2;
    size_t target = (size_t)(30e6 * scale);

    static const char *const names[] = {"headers", "envelope", "bodies"};
    void (*gen[3])(workload *, size_t) = {gen_headers, gen_envelope, gen_bodies};

    printf("libimapclient response parser vs libetpan %d.%d: best of %d runs, CPU time\n",
           libetpan_get_version_major(), libetpan_get_version_minor(), runs);
    printf("%-9s %9s %9s  %-11s %9s %11s %9s\n", "workload", "MB", "responses", "parser",
           "MB/s", "resp/s", "vs etpan");
    int failed = 0;
    for (int i = 0; i < 3; i++) {
        if (only && strcmp(only, names[i]) != 0)
            continue;
        /* Each workload in a child of its own, so that one's heap history
         * (allocator thresholds, fragmentation) does not slow the next. */
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid > 0) {
            int st;
            if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                failed = 1;
            continue;
        }
        _exit(measure(names[i], gen[i], target, runs, i == 1));
    }
    printf(
        "(MB = 10^6 bytes of server stream; \"vs etpan\" = libetpan CPU time / ours)\n");
    return failed;
}
