/*
 * The protocol core: commands in flight, tags, pipelining rules, untagged
 * dispatch, session state and capabilities. Bytes in, events out, bytes
 * out; no socket and no clock (see core.h).
 *
 * RFC 3501 sections 2.2 (commands and responses), 3 (states), 5.5
 * (multiple commands in progress), 7.1 (status responses), 7.2.1
 * (CAPABILITY); RFC 9051 section 5.5.
 */
#include "core.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PENDING  100000
#define LOG_CUT      4096
#define SRC_BUF_SIZE 16384 /* staging for streamed literals */
/* Lines that are not IMAP responses, or malformed ones, tolerated until a
 * command completes before the peer is taken for something that does not
 * speak IMAP (issue 14, item 15). */
#define MAX_BAD_LINES 100

/* ---- the handle ----------------------------------------------------------- */

#define DEFAULT_MAX_LINE          (8u * 1024 * 1024)
#define DEFAULT_MAX_LITERAL       (1024ull * 1024 * 1024)
#define DEFAULT_MAX_PENDING_BYTES (4u * 1024 * 1024)

void imapclient_options_init(imapclient_options *o)
{
    memset(o, 0, sizeof *o);
    o->version = IMAPCLIENT_OPTIONS_VERSION;
    o->ssl = 1;
    o->verify_peer = 1;
    o->check_hostname = 1;
    o->use_uid = 1;
    o->normalise_times = 1;
    o->folder_encode = 1;
    o->max_line = DEFAULT_MAX_LINE;
    o->max_literal = DEFAULT_MAX_LITERAL;
    o->max_depth = 100;
    o->max_pending_bytes = DEFAULT_MAX_PENDING_BYTES;
    o->tcp_keepalive = 1;
    /* a dead peer's host found within 60 + 4 x 15 s = 2 minutes */
    o->tcp_keepalive_idle_s = 60;
    o->tcp_keepalive_interval_s = 15;
    o->tcp_keepalive_count = 4;
    /* well under RFC 2177's 29 minutes and the 10 minutes after which some
     * servers (Lark) drop IDLE */
    o->idle_renew_ms = 5 * 60 * 1000;
    o->idle_probe_ms = 15 * 1000;
}

/* ---- handle ---------------------------------------------------------- */

static char *copy_opt(imapclient *c, const char *s)
{
    return s ? imc_arena_strdup(c->conn_arena, s) : NULL;
}

imapclient *imc_handle_new(const char *host, const imapclient_options *opts)
{
    imapclient *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (opts)
        c->opts = *opts;
    else
        imapclient_options_init(&c->opts);
    if (!c->opts.max_line)
        c->opts.max_line = DEFAULT_MAX_LINE;
    if (!c->opts.max_literal)
        c->opts.max_literal = DEFAULT_MAX_LITERAL;
    if (!c->opts.max_pending_bytes)
        c->opts.max_pending_bytes = DEFAULT_MAX_PENDING_BYTES;
    c->conn_arena = imc_arena_new();
    c->scratch = imc_arena_new();
    c->call_arena = imc_arena_new();
    c->pend_arena = imc_arena_new();
    c->caps_arena = imc_arena_new();
    if (!c->conn_arena || !c->scratch || !c->call_arena || !c->pend_arena ||
        !c->caps_arena)
        goto nomem;
    c->host = imc_arena_strdup(c->conn_arena, host ? host : "");
    if (!c->host)
        goto nomem;
    /* The caller may free its strings once connected: keep copies. */
    const char **strs[] = {&c->opts.ca_file, &c->opts.ca_path, &c->opts.tls_hostname,
                           &c->opts.cert_file, &c->opts.key_file};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (*strs[i] && !(*strs[i] = copy_opt(c, *strs[i])))
            goto nomem;
    imc_quirks_init(c);
    c->tls = imapclient_tls_config_ref(c->opts.tls_config);
    /* The caller may free its SSL_CTX after connecting; STARTTLS and
     * reconnections still need it. */
    imc_tls_ctx_hold(c->opts.ssl_ctx);
    imc_parser_init(&c->parser, c->opts.max_depth);
    imc_cmdbuf_init(&c->cmd);
    imc_cmdbuf_init(&c->reply);
    c->dead = 1; /* until a transport is attached */
    c->state = IMAPCLIENT_STATE_LOGOUT;
    return c;
nomem:
    imc_handle_destroy(c);
    return NULL;
}

void imc_handle_destroy(imapclient *c)
{
    if (!c)
        return;
    imapclient_tls_config_unref(c->tls);
    imc_tls_ctx_release(c->opts.ssl_ctx);
    imc_reader_free(&c->rd);
    imc_parser_free(&c->parser);
    imc_cmdbuf_free(&c->cmd);
    imc_cmdbuf_free(&c->reply);
    imc_arena_free(c->conn_arena);
    imc_arena_free(c->scratch);
    imc_arena_free(c->call_arena);
    imc_arena_free(c->pend_arena);
    free(c->fail_code);
    imc_arena_free(c->caps_arena);
    free(c->pend);
    free(c->src_buf);
    free(c);
}

/* ---- errors ------------------------------------------------------------- */

static int vfail(imapclient *c, int code, const char *fmt, va_list ap)
{
    c->errcode = code;
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    return code;
}

int imc_fail(imapclient *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, code, fmt, ap);
    va_end(ap);
    return code;
}

static void finish_cmd(imapclient *c, imc_cmd *k, int rc);

int imc_abort(imapclient *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, code, fmt, ap);
    va_end(ap);
    if (c->dead)
        return code;
    c->dead = 1;
    imc_set_state(c, IMAPCLIENT_STATE_LOGOUT);
    if (c->on_dead)
        c->on_dead(c);
    /* Every command queued or in flight ends here, with this error. A
     * clean close (code 0: LOGOUT, shutdown) still fails those: they were
     * never done. */
    char msg[sizeof c->errmsg];
    memcpy(msg, c->errmsg, sizeof msg);
    int fail = code ? code : IMAPCLIENT_EABORT;
    while (c->q_head) {
        if (!code)
            imc_fail(c, fail,
                     "the connection was closed (logout or shutdown) before "
                     "this command completed");
        finish_cmd(c, c->q_head, fail);
        /* a completion handler may have set another message */
        memcpy(c->errmsg, msg, sizeof msg);
        c->errcode = code;
    }
    return code;
}

void imc_cancel(imapclient *c)
{
    if (c->dead)
        return;
    if (c->in_callback) {
        c->cancel_asked = 1;
        return;
    }
    c->cancel_asked = 0;
    imc_abort(c, IMAPCLIENT_EINTERRUPTED, "cancelled by the caller");
}

/* A cancel asked from inside a callback, once it returned; 1 if done. */
static int cancel_now(imapclient *c)
{
    if (!c->cancel_asked || c->in_callback)
        return 0;
    imc_cancel(c);
    return 1;
}

void imc_set_fail_code(imapclient *c, const char *code, const char *arg)
{
    free(c->fail_code);
    c->fail_code = NULL;
    c->fail_code_arg = NULL;
    if (!code)
        return;
    if (!arg)
        arg = "";
    size_t cl = strlen(code) + 1, al = strlen(arg) + 1;
    char *p = malloc(cl + al);
    if (!p)
        return;
    memcpy(p, code, cl);
    memcpy(p + cl, arg, al);
    c->fail_code = p;
    c->fail_code_arg = p + cl;
}

int imc_recode(imapclient *c, int code)
{
    c->errcode = code;
    return code;
}

/* ---- logging ------------------------------------------------------------ */

void imc_log_info(imapclient *c, const char *text)
{
    if (c->opts.log)
        c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_INFO, text, strlen(text));
}

static void log_received(imapclient *c, const char *p, size_t n)
{
    if (!c->opts.log)
        return;
    if (n <= LOG_CUT) {
        c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_RECEIVED, p, n);
        return;
    }
    char tmp[LOG_CUT + 64];
    memcpy(tmp, p, LOG_CUT);
    int k = snprintf(tmp + LOG_CUT, 64, "... (%zu bytes in all)", n);
    c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_RECEIVED, tmp, LOG_CUT + (size_t)k);
}

/* Log cb's bytes [from, to) line by line, secrets shown as ***. */
static void log_cmdbuf(imapclient *c, const imc_cmdbuf *cb, size_t from, size_t to)
{
    if (!c->opts.log || from >= to)
        return;
    imc_buf line;
    imc_buf_init(&line, 0);
    size_t i = from;
    while (i < to) {
        size_t s;
        for (s = 0; s < cb->nsecrets; s++)
            if (i >= cb->secrets[s].start && i < cb->secrets[s].end)
                break;
        if (s < cb->nsecrets) {
            imc_buf_adds(&line, "***");
            i = cb->secrets[s].end;
            continue;
        }
        char ch = cb->buf.data[i++];
        if (ch == '\n') {
            if (line.len && line.data[line.len - 1] == '\r')
                line.len--;
            c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_SENT,
                        line.data ? line.data : "", line.len);
            imc_buf_clear(&line);
        } else {
            imc_buf_addc(&line, ch);
        }
    }
    if (line.len)
        c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_SENT, line.data, line.len);
    imc_buf_free(&line);
}

void imc_log_sent(imapclient *c, const char *p, size_t n, int secret)
{
    if (!c->opts.log)
        return;
    if (secret) {
        c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_SENT, "***", 3);
        return;
    }
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_SENT, p, n);
}

/* ---- capabilities and state ------------------------------------------------ */

void imc_set_state(imapclient *c, imapclient_state s)
{
    static const char *names[] = {"NOT AUTHENTICATED", "AUTHENTICATED", "SELECTED",
                                  "LOGOUT", "IDLE"};
    if (c->state != s && c->opts.log) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "state %s -> %s", names[c->state], names[s]);
        imc_log_info(c, tmp);
    }
    c->state = s;
    if (s != IMAPCLIENT_STATE_SELECTED && s != IMAPCLIENT_STATE_IDLE)
        c->readonly = 0;
}

void imc_caps_forget(imapclient *c)
{
    imc_arena_reset(c->caps_arena);
    c->caps = NULL;
    c->ncaps = 0;
    c->caps_valid = 0;
    imc_ext_sync(c);
}

int imc_caps_set_from_values(imapclient *c, const imapclient_value *list, size_t first)
{
    imc_caps_forget(c);
    size_t n = list->count > first ? list->count - first : 0;
    const char **caps = imc_arena_calloc(c->caps_arena, n + 1, sizeof *caps);
    if (!caps)
        return IMAPCLIENT_ENOMEM;
    size_t k = 0;
    for (size_t i = first; i < list->count; i++) {
        const imapclient_value *v = &list->items[i];
        if (!v->str)
            continue;
        char *s = imc_arena_strndup(c->caps_arena, v->str, v->len);
        if (!s)
            return IMAPCLIENT_ENOMEM;
        for (char *p = s; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        caps[k++] = s;
    }
    caps[k] = NULL;
    c->caps = caps;
    c->ncaps = k;
    c->caps_valid = 1;
    c->caps_gen++;
    /* what the writer may use (non-synchronising literals, ...) */
    imc_ext_sync(c);
    imc_quirks_detect(c);
    return 0;
}

int imc_rev2(const imapclient *c)
{
    return (c->enabled & IMC_ENABLED_IMAP4REV2) ||
           (imc_has_cap(c, "IMAP4rev2") && !imc_has_cap(c, "IMAP4rev1"));
}

int imc_utf8_names(const imapclient *c)
{
    return (c->enabled & IMC_ENABLED_UTF8_ACCEPT) || imc_rev2(c);
}

void imc_ext_sync(imapclient *c)
{
    /* Non-synchronising literals when offered; IMAP4rev2 includes LITERAL-
     * (RFC 9051 section 4.3). UTF-8 in quoted strings once UTF8=ACCEPT or
     * IMAP4rev2 is on (RFC 6855 section 3, RFC 9051 section 9). */
    c->cmd.literal_plus = imc_has_cap(c, "LITERAL+");
    c->cmd.literal_minus = imc_has_cap(c, "LITERAL-") || imc_has_cap(c, "IMAP4rev2");
    c->cmd.utf8 = imc_utf8_names(c);
}

int imc_has_cap(const imapclient *c, const char *cap)
{
    for (size_t i = 0; i < c->ncaps; i++)
        if (strcasecmp(c->caps[i], cap) == 0)
            return 1;
    return 0;
}

/* State every response may change, whoever asked: capabilities and BYE. */
static int generic_untagged(imapclient *c, const imapclient_response *r)
{
    if (r->tag[0] == '*' && !strcmp(r->name, "CAPABILITY"))
        return imc_caps_set_from_values(c, r->args, 0);
    if (r->code && !strcmp(r->code, "CAPABILITY")) {
        /* A list that could not be parsed (only code_raw is left) does not
         * mean "no capabilities": forget them, so they are asked for. */
        if (!r->code_args->count && r->code_raw && *r->code_raw) {
            imc_caps_forget(c);
            return 0;
        }
        return imc_caps_set_from_values(c, r->code_args, 0);
    }
    if (r->tag[0] == '*' && !strcmp(r->name, "BYE")) {
        /* (for the end of stream that follows, maybe after the call:
         * kept with the connection) */
        c->bye_text = imc_arena_strdup(c->conn_arena, r->text);
        if (!c->bye_text)
            return IMAPCLIENT_ENOMEM;
    }
    return 0;
}

/* ---- unsolicited responses -------------------------------------------------- */

/* Bytes the kept responses use. */
static size_t pending_bytes(const imapclient *c)
{
    return imc_arena_footprint(c->pend_arena) + c->pend_cap * sizeof *c->pend;
}

/* The store is full: the response is dropped, counted (returned with the
 * next responses taken) and noted in the log once until then. */
static int drop_pending(imapclient *c)
{
    if (!c->pend_dropped++ && c->opts.log) {
        char tmp[200];
        snprintf(tmp, sizeof tmp,
                 "kept responses: store full (%zu responses, %zu bytes): dropping "
                 "unsolicited responses until they are taken",
                 c->npend, pending_bytes(c));
        imc_log_info(c, tmp);
    }
    return 0;
}

/* Bounded in number (MAX_PENDING) and in bytes (max_pending_bytes): the
 * oldest are kept, later ones dropped and counted (issue 14, item 3). */
int imc_keep(imapclient *c, const imapclient_response *r)
{
    if (c->unsolicited) {
        c->in_callback++;
        c->unsolicited(c->unsolicited_payload, c, r);
        c->in_callback--;
        return 0;
    }
    size_t max = c->opts.max_pending_bytes;
    if (c->npend >= MAX_PENDING)
        return drop_pending(c);
    if (c->npend == c->pend_cap) {
        size_t cap = c->pend_cap ? c->pend_cap * 2 : 16;
        if (imc_arena_footprint(c->pend_arena) + cap * sizeof *c->pend > max)
            return drop_pending(c);
        imapclient_response *p = realloc(c->pend, cap * sizeof *p);
        if (!p)
            return IMAPCLIENT_ENOMEM;
        c->pend = p;
        c->pend_cap = cap;
    }
    imc_arena_mark m;
    imc_arena_get_mark(c->pend_arena, &m);
    int rc = imc_response_copy(c->pend_arena, r, &c->pend[c->npend]);
    if (rc || pending_bytes(c) > max) {
        imc_arena_release(c->pend_arena, &m);
        return rc ? rc : drop_pending(c);
    }
    c->npend++;
    return 0;
}

void imc_drop_pending(imapclient *c)
{
    c->npend = 0;
    c->pend_dropped = 0;
    imc_arena_reset(c->pend_arena);
}

size_t imc_memory_in_use(const imapclient *c)
{
    size_t n = imc_arena_footprint(c->conn_arena) + imc_arena_footprint(c->scratch) +
               imc_arena_footprint(c->call_arena) + imc_arena_footprint(c->caps_arena) +
               pending_bytes(c) + c->rd.in_cap + c->rd.resp.cap + c->cmd.buf.cap +
               c->parser.stack_cap * sizeof *c->parser.stack;
    for (const imc_cmd *k = c->q_head; k; k = k->next)
        n += imc_arena_footprint(k->rq->arena) + k->out.buf.cap;
    return n;
}

void imc_forget_before_tls(imapclient *c)
{
    imc_caps_forget(c);
    imc_drop_pending(c);
    c->bye_text = NULL;
}

imapclient_responses *imc_responses_new(void)
{
    imc_arena *a = imc_arena_new();
    if (!a)
        return NULL;
    /* The arena pointer is stored right before the struct. */
    void **slot = imc_arena_alloc(a, sizeof(void *) + sizeof(imapclient_responses));
    if (!slot) {
        imc_arena_free(a);
        return NULL;
    }
    slot[0] = a;
    imapclient_responses *r = (imapclient_responses *)(slot + 1);
    r->text = "";
    return r;
}

imc_arena *imc_responses_arena(imapclient_responses *r)
{
    return ((void **)r)[-1];
}

void imapclient_responses_free(imapclient_responses *r)
{
    if (!r)
        return;
    void **slot = (void **)r - 1;
    imc_arena_free(slot[0]);
}

int imc_take_pending(imapclient *c, imapclient_responses **out, const char *text)
{
    *out = NULL;
    imapclient_responses *res = imc_responses_new();
    if (!res)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_arena *a = imc_responses_arena(res);
    res->text = imc_arena_strdup(a, text ? text : "");
    res->items = imc_arena_calloc(a, c->npend ? c->npend : 1, sizeof *res->items);
    if (!res->text || !res->items) {
        imapclient_responses_free(res);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < c->npend; i++)
        if (imc_response_copy(a, &c->pend[i], &res->items[i])) {
            imapclient_responses_free(res);
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        }
    res->count = c->npend;
    res->dropped = c->pend_dropped;
    imc_drop_pending(c);
    *out = res;
    return 0;
}

/* ---- commands -------------------------------------------------------------- */

/* Commands in flight are a prefix of the queue: they start in order. */
static int in_flight(const imc_cmd *k)
{
    return k->phase != CMD_QUEUED;
}

/* In flight and still waiting for the server's responses (not answered
 * while its last bytes go out). */
static int listening(const imc_cmd *k)
{
    return in_flight(k) && !k->answered;
}

void imc_begin(imapclient *c, const char *verb)
{
    imc_cmdbuf_reset(&c->cmd);
    snprintf(c->tag, sizeof c->tag, "A%03u", ++c->tagnum);
    imc_put_raw(&c->cmd, c->tag);
    imc_put_sp(&c->cmd);
    imc_put_raw(&c->cmd, verb);
}

/* The command as shown in errors: its first line without the tag, secrets
 * hidden, cut at 100 bytes. */
static void describe(const imc_cmd *k, char *dst, size_t size)
{
    const imc_cmdbuf *cb = &k->out;
    size_t i = strlen(k->tag) + 1, n = 0;
    while (i < cb->buf.len && n + 4 < size && n < 100) {
        size_t s;
        for (s = 0; s < cb->nsecrets; s++)
            if (i >= cb->secrets[s].start && i < cb->secrets[s].end)
                break;
        if (s < cb->nsecrets) {
            memcpy(dst + n, "***", 3);
            n += 3;
            i = cb->secrets[s].end;
            continue;
        }
        char ch = cb->buf.data[i++];
        if (ch == '\r' || ch == '\n')
            break;
        dst[n++] = ch;
    }
    dst[n] = '\0';
}

int imc_core_submit(imapclient *c, imc_request *rq)
{
    imc_put_crlf(&c->cmd);
    if (c->cmd.err) {
        int rc = imc_fail(c, c->cmd.err, "%s", c->cmd.errtext);
        imc_cmdbuf_reset(&c->cmd);
        return rc;
    }
    if (c->dead) {
        imc_cmdbuf_reset(&c->cmd);
        return imc_fail(c, IMAPCLIENT_EABORT, "connection is closed");
    }
    imc_cmd *k = calloc(1, sizeof *k);
    if (!k) {
        imc_cmdbuf_reset(&c->cmd);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    k->rq = rq;
    snprintf(k->tag, sizeof k->tag, "%s", c->tag);
    /* The command takes the built bytes; c->cmd starts afresh. */
    k->out = c->cmd;
    imc_cmdbuf_init(&c->cmd);
    c->cmd.literal_plus = k->out.literal_plus;
    c->cmd.literal_minus = k->out.literal_minus;
    c->cmd.utf8 = k->out.utf8;
    describe(k, k->what, sizeof k->what);
    snprintf(c->what, sizeof c->what, "%s", k->what);
    rq->cmd = k;
    rq->rc = rq->status = 0;
    rq->finished = 0;
    rq->result = NULL;
    rq->done = NULL;
    rq->lit_failed = 0;
    if (c->q_tail)
        c->q_tail->next = k;
    else
        c->q_head = k;
    c->q_tail = k;
    return 0;
}

int imc_core_followup(imapclient *c, imc_request *rq)
{
    if (rq->cmd || rq->finished)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "a follow-up command outside its completion handler");
    return imc_core_submit(c, rq);
}

int imc_core_done(const imc_request *rq)
{
    return rq->finished;
}

size_t imc_core_inflight(const imapclient *c)
{
    size_t n = 0;
    for (const imc_cmd *k = c->q_head; k; k = k->next)
        n++;
    return n;
}

const char *imc_core_cur_tag(const imapclient *c)
{
    return c->cur ? c->cur->tag : "";
}

/* Take k off the queue, run its completion handler, then the front's hook.
 * rc is the outcome (rq->status/result/done are already filled when the
 * server completed it). */
static void finish_cmd(imapclient *c, imc_cmd *k, int rc)
{
    imc_request *rq = k->rq;
    imc_cmd **pp = &c->q_head, *prev = NULL;
    while (*pp && *pp != k) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (*pp)
        *pp = k->next;
    if (c->q_tail == k)
        c->q_tail = prev;
    if (c->out_cmd == k)
        c->out_cmd = NULL;
    if (c->divert_to == rq)
        c->divert_to = NULL;
    rq->rc = rc;
    rq->cmd = NULL;
    c->nbad = 0; /* the stream made sense up to here */
    /* the code of this command's refusal (none for a success) */
    imc_set_fail_code(
        c, rc && rq->status == IMAPCLIENT_ERROR && rq->done ? rq->done->code : NULL,
        rq->done ? rq->done->code_raw : NULL);
    imc_cmd *was = c->cur;
    c->cur = k;
    if (rq->on_done)
        rq->on_done(c, rq);
    c->cur = was;
    free(k->errsave);
    imc_cmdbuf_free(&k->out);
    free(k);
    if (rq->cmd)
        return; /* on_done queued a follow-up (imc_core_followup) */
    rq->finished = 1;
    if (rq->complete) {
        c->in_callback++;
        rq->complete(c, rq);
        c->in_callback--;
    }
}

/* Where the current response is parsed, and how far to roll back. */
typedef struct parse_state {
    imc_arena *arena;
    imc_arena_mark mark;
    int parsed;
} parse_state;

static void release(parse_state *ps)
{
    if (ps->parsed && ps->arena)
        imc_arena_release(ps->arena, &ps->mark);
    ps->parsed = 0;
}

/* Every byte of k went out (streamed literals included). */
static int all_sent(const imc_cmd *k)
{
    return k->sent >= k->out.buf.len && !k->src_left && k->source >= k->out.nsources;
}

/* A failure found while k runs, reported when it completes: the first one
 * wins, with the message it had. */
static void defer(imapclient *c, imc_cmd *k, int code)
{
    if (k->deferred)
        return;
    k->deferred = code;
    free(k->errsave);
    k->errsave = strdup(c->errmsg);
}

/* The tagged completion r of k: copied where the front wants it, then
 * what was parsed into a result arena is rolled back before the
 * completion handler builds the result. */
static void complete_tagged(imapclient *c, imc_cmd *k, const imapclient_response *r,
                            parse_state *ps)
{
    imc_request *rq = k->rq;
    imc_arena *a = rq->done_arena ? rq->done_arena : c->call_arena;
    imapclient_response *done = imc_arena_alloc(a, sizeof *done);
    int bad = !done || imc_response_copy(a, r, done);
    release(ps);
    int rc;
    if (bad) {
        /* (still an answer: what follows holds for it too) */
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    } else if (!strcmp(done->name, "OK")) {
        rq->done = done;
        rq->result = done->name;
        rq->status = 0;
        rc = k->deferred;
        if (rc) {
            c->errcode = rc;
            if (k->errsave)
                snprintf(c->errmsg, sizeof c->errmsg, "%s", k->errsave);
        }
    } else {
        rq->done = done;
        rq->result = done->name;
        rq->status = IMAPCLIENT_ERROR;
        if (done->code)
            rc = imc_fail(c, IMAPCLIENT_ERROR, "%s: %s [%s%s%s] %s", k->what, done->name,
                          done->code, *done->code_raw ? " " : "", done->code_raw,
                          done->text);
        else
            rc = imc_fail(c, IMAPCLIENT_ERROR, "%s: %s %s", k->what, done->name,
                          done->text);
    }
    if (c->out_cmd == k && k->phase == CMD_SENDING && !all_sent(k)) {
        /* Completed half-way out (a literal refused at once, RFC 3501 7.5
         * allows it only instead of "+"). A non-synchronising literal is
         * read by the server whatever its answer, and the rest of the line
         * with it: the rest goes out as built, or the server would take
         * what follows for message data, and message data for commands. */
        k->answered = 1;
        k->answer_rc = rc;
        free(k->errsave);
        k->errsave = rc ? strdup(c->errmsg) : NULL;
        return;
    }
    finish_cmd(c, k, rc);
}

/* An answered command's bytes are out (or stop at a synchronising literal,
 * whose "+" will not come): report the answer. */
static void finish_answered(imapclient *c, imc_cmd *k)
{
    c->out_cmd = NULL;
    k->phase = CMD_SENT;
    c->errcode = k->answer_rc;
    if (k->errsave)
        snprintf(c->errmsg, sizeof c->errmsg, "%s", k->errsave);
    finish_cmd(c, k, k->answer_rc);
}

/* ---- bytes out --------------------------------------------------------------- */

/* May k (the first queued command) start now? RFC 3501 5.5. */
static int may_start(const imapclient *c, const imc_cmd *k)
{
    size_t n = 0;
    int all_noexpunge = 1;
    for (const imc_cmd *x = c->q_head; x != k; x = x->next) {
        n++;
        if (x->rq->pipe == IMC_PIPE_BARRIER)
            return 0;
        if (!(x->rq->pipe & IMC_PIPE_NOEXPUNGE))
            all_noexpunge = 0;
    }
    if (!n)
        return 1;
    if (k->rq->pipe == IMC_PIPE_BARRIER)
        return 0;
    if ((k->rq->pipe & IMC_PIPE_SEQNUM) && !all_noexpunge)
        return 0;
    return 1;
}

static imc_cmd *next_queued(const imapclient *c)
{
    imc_cmd *k = c->q_head;
    while (k && in_flight(k))
        k = k->next;
    return k;
}

static int capability_untagged(imapclient *c, const imapclient_response *r, void *ud)
{
    return !strcmp(r->name, "CAPABILITY"); /* stored by generic_untagged */
}

static void capability_done(imapclient *c, imc_request *rq)
{
    if (rq->rc == 0 && !c->caps_valid)
        imc_fail(c, IMAPCLIENT_EPROTOCOL, "CAPABILITY: no capability list in reply");
}

static void free_request(imapclient *c, imc_request *rq)
{
    free(rq);
}

/* Queue CAPABILITY right before k (a check hook needs the list). */
static int ask_capabilities(imapclient *c, imc_cmd *k)
{
    imc_request *rq = calloc(1, sizeof *rq);
    imc_cmd *q = calloc(1, sizeof *q);
    if (!rq || !q) {
        free(rq);
        free(q);
        return IMAPCLIENT_ENOMEM;
    }
    rq->on_untagged = capability_untagged;
    rq->on_done = capability_done;
    rq->complete = free_request;
    imc_cmdbuf_init(&q->out);
    snprintf(q->tag, sizeof q->tag, "A%03u", ++c->tagnum);
    imc_put_raw(&q->out, q->tag);
    imc_put_raw(&q->out, " CAPABILITY\r\n");
    if (q->out.err) {
        imc_cmdbuf_free(&q->out);
        free(q);
        free(rq);
        return IMAPCLIENT_ENOMEM;
    }
    snprintf(q->what, sizeof q->what, "CAPABILITY");
    q->rq = rq;
    rq->cmd = q;
    imc_cmd **pp = &c->q_head;
    while (*pp != k)
        pp = &(*pp)->next;
    q->next = k;
    *pp = q;
    return 0;
}

/* Run k's check hook: 0 to send it, 1 when something else goes first
 * (CAPABILITY), or -1 when k completed unsent. */
static int run_check(imapclient *c, imc_cmd *k)
{
    imc_request *rq = k->rq;
    if (!rq->check)
        return 0;
    imc_cmd *was = c->cur;
    c->cur = k;
    c->in_check = 1;
    int rc = rq->check(c, rq);
    c->in_check = 0;
    c->cur = was;
    if (rc == 0) {
        rq->check = NULL; /* checked once */
        return 0;
    }
    if (rc == IMC_NEED_CAPS) {
        if ((rc = ask_capabilities(c, k)) == 0)
            return 1;
        imc_fail(c, rc, "out of memory");
    }
    finish_cmd(c, k, rc);
    return -1;
}

int imc_core_output(imapclient *c, const char **p, size_t *n)
{
    if (c->dead || !c->greeted || c->upgrade)
        return 0;
    if (c->reply_sent < c->reply.buf.len) {
        *p = c->reply.buf.data + c->reply_sent;
        *n = c->reply.buf.len - c->reply_sent;
        return 1;
    }
    for (;;) {
        if (cancel_now(c))
            return c->errcode;
        imc_cmd *k = c->out_cmd;
        if (!k) {
            k = next_queued(c);
            if (!k || !may_start(c, k))
                return 0;
            if (run_check(c, k))
                continue; /* completed unsent, or CAPABILITY goes first */
            k->phase = CMD_SENDING;
            k->rq->caps_gen = c->caps_gen; /* issue 14, item 9 */
            c->out_cmd = k;
        }
        if (k->phase == CMD_WAIT_LIT)
            return 0;
        if (k->src_left) {
            if (c->src_off == c->src_len) {
                imc_source *src = k->out.sources[k->source - 1].src;
                if (!c->src_buf && !(c->src_buf = malloc(SRC_BUF_SIZE)))
                    return imc_abort(c, IMAPCLIENT_ENOMEM, "%s: out of memory", k->what);
                size_t want = SRC_BUF_SIZE;
                if (want > k->src_left)
                    want = (size_t)k->src_left;
                c->in_callback++; /* the caller's read callback */
                long long got = src->read(src, c->src_buf, want);
                c->in_callback--;
                if (cancel_now(c))
                    return c->errcode;
                if (got <= 0) {
                    int rc = got < 0 ? (int)got : IMAPCLIENT_EIO;
                    /* Half a literal went out: nothing can follow in step. */
                    return imc_abort(c, rc, "%s: literal data: %s", k->what,
                                     got < 0 && src->err[0] ? src->err
                                                            : "the source ended early");
                }
                c->src_len = (size_t)got;
                c->src_off = 0;
            }
            *p = c->src_buf + c->src_off;
            *n = c->src_len - c->src_off;
            return 1;
        }
        const imc_cmdbuf *cb = &k->out;
        size_t lim = cb->buf.len;
        int at_split = k->split < cb->nsplits && cb->splits[k->split] <= lim;
        if (at_split)
            lim = cb->splits[k->split];
        int at_source = k->source < cb->nsources && cb->sources[k->source].at <= lim;
        if (at_source && cb->sources[k->source].at < lim) {
            lim = cb->sources[k->source].at;
            at_split = 0;
        }
        if (k->sent < lim) {
            if (k->logged < lim) {
                log_cmdbuf(c, cb, k->logged > k->sent ? k->logged : k->sent, lim);
                k->logged = lim;
            }
            *p = cb->buf.data + k->sent;
            *n = lim - k->sent;
            return 1;
        }
        if (at_split) {
            if (k->answered) {
                /* the line is out; the server will not ask for the literal */
                finish_answered(c, k);
                continue;
            }
            /* a synchronising literal: wait for "+" (RFC 3501 7.5) */
            k->split++;
            k->phase = CMD_WAIT_LIT;
            return 0;
        }
        if (at_source) {
            const imc_source_at *s = &cb->sources[k->source++];
            if (c->opts.log) {
                char note[96];
                snprintf(note, sizeof note, "(%llu bytes of literal data)",
                         (unsigned long long)s->size);
                c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_SENT, note, strlen(note));
            }
            k->src_left = s->size;
            c->src_len = c->src_off = 0;
            continue;
        }
        /* all of it is out */
        if (k->answered) {
            finish_answered(c, k);
            continue;
        }
        k->phase = CMD_SENT;
        c->out_cmd = NULL;
    }
}

int imc_core_wants_write(const imapclient *c)
{
    if (c->dead || !c->greeted || c->upgrade)
        return 0;
    if (c->reply_sent < c->reply.buf.len)
        return 1;
    const imc_cmd *k = c->out_cmd;
    if (k)
        return k->phase != CMD_WAIT_LIT;
    k = next_queued(c);
    return k && may_start(c, k);
}

int imc_core_quiet(const imapclient *c)
{
    if (c->out_cmd || c->reply_sent < c->reply.buf.len || imc_core_awaiting(c) ||
        imc_reader_buffered(&c->rd) || imc_reader_partial(&c->rd))
        return 0;
    for (const imc_cmd *k = c->q_head; k; k = k->next)
        if (!in_flight(k))
            return 0; /* something still to send */
    return 1;
}

void imc_core_trim(imapclient *c)
{
    if (!imc_core_quiet(c))
        return;
    imc_reader_trim(&c->rd);
    imc_parser_free(&c->parser); /* its stack; it grows again when needed */
    imc_arena_trim(c->scratch);
    free(c->src_buf);
    c->src_buf = NULL;
    c->src_len = c->src_off = 0;
    if (!c->npend) {
        free(c->pend);
        c->pend = NULL;
        c->pend_cap = 0;
        imc_arena_trim(c->pend_arena);
    }
}

int imc_core_awaiting(const imapclient *c)
{
    for (const imc_cmd *k = c->q_head; k && in_flight(k); k = k->next)
        if (!k->rq->quiet)
            return 1;
    return 0;
}

void imc_core_written(imapclient *c, size_t n)
{
    if (c->reply_sent < c->reply.buf.len) {
        c->reply_sent += n;
        if (c->reply_sent >= c->reply.buf.len) {
            imc_cmdbuf_reset(&c->reply); /* wipes what it held */
            c->reply_sent = 0;
        }
        return;
    }
    imc_cmd *k = c->out_cmd;
    if (!k)
        return;
    if (k->src_left) {
        c->src_off += n;
        k->src_left -= n;
        return;
    }
    k->sent += n;
}

/* ---- bytes in ----------------------------------------------------------------- */

void imc_core_space(imapclient *c, char **p, size_t *n)
{
    imc_reader_space(&c->rd, p, n);
}

void imc_core_commit(imapclient *c, size_t n)
{
    imc_reader_commit(&c->rd, n);
}

void imc_core_eof(imapclient *c)
{
    imc_reader_set_eof(&c->rd);
}

/* Body sinks: the reader asks the core, the core asks the commands in
 * flight, oldest first. */
static int core_divert(void *ud, const char *resp, size_t len, uint64_t n)
{
    imapclient *c = ud;
    c->divert_to = NULL;
    for (imc_cmd *k = c->q_head; k && in_flight(k); k = k->next)
        if (!k->answered && k->rq->lit_divert &&
            k->rq->lit_divert(k->rq->ud, resp, len, n)) {
            c->divert_to = k->rq;
            return 1;
        }
    return 0;
}

static int core_lit_data(void *ud, const char *p, size_t n)
{
    imapclient *c = ud;
    imc_request *rq = c->divert_to;
    if (rq && !rq->lit_failed && rq->lit_data(rq->ud, p, n))
        rq->lit_failed = 1;
    return 0; /* the reader keeps feeding; refusals are per command */
}

static void set_divert(imapclient *c)
{
    int any = 0;
    for (imc_cmd *k = c->q_head; k && in_flight(k) && !any; k = k->next)
        any = listening(k) && k->rq->lit_divert != NULL;
    if (any) {
        c->rd.lit_divert = core_divert;
        c->rd.lit_data = core_lit_data;
        c->rd.lit_ud = c;
        c->rd.lit_failed = 0;
    } else if (!c->rd.busy || c->rd.lit_ud == c) {
        /* (a literal being sunk keeps its hooks until it ends) */
        if (!c->rd.lit_left) {
            c->rd.lit_divert = NULL;
            c->rd.lit_data = NULL;
            c->rd.lit_ud = NULL;
        }
    }
}

/* Fast paths: the parser offers untagged responses to the core, the core
 * to the commands in flight, oldest first, that have one for that name. */
static int core_fast(void *ud, const char *name, const char *s, size_t len)
{
    imapclient *c = ud;
    for (imc_cmd *k = c->q_head; k && in_flight(k); k = k->next)
        if (k->rq->fast && !strcmp(name, k->rq->fast_name)) {
            int rc = k->rq->fast(k->rq->ud, s, len);
            if (rc)
                return rc;
        }
    return 0;
}

static void set_fast(imapclient *c)
{
    c->parser.fast_fn = NULL;
    for (imc_cmd *k = c->q_head; k && in_flight(k); k = k->next)
        if (k->rq->fast) {
            c->parser.fast_fn = core_fast;
            c->parser.fast_ud = c;
            break;
        }
}

/* Parse the response into a (NULL: scratch). 0, EPROTOCOL or ENOMEM. */
static int parse_into(imapclient *c, parse_state *ps, imc_arena *a,
                      imapclient_response *r)
{
    if (ps->parsed && ps->arena == a)
        return 0;
    release(ps);
    if (!a) {
        imc_arena_reset(c->scratch);
        ps->arena = NULL;
        a = c->scratch;
    } else {
        ps->arena = a;
        imc_arena_get_mark(a, &ps->mark);
    }
    int rc = imc_parse_response(&c->parser, c->rd.resp.data, c->rd.resp.len, a, 0, r);
    if (rc) {
        if (ps->arena)
            imc_arena_release(ps->arena, &ps->mark);
        return rc;
    }
    ps->parsed = 1;
    r->raw = c->rd.resp.data;
    r->raw_len = c->rd.resp.len;
    return 0;
}

/* The oldest command in flight that still takes responses. */
static imc_cmd *first_in_flight(const imapclient *c)
{
    for (imc_cmd *k = c->q_head; k && in_flight(k); k = k->next)
        if (listening(k))
            return k;
    return NULL;
}

/* Count a line that is not a well-formed response; past the limit the
 * peer is not taken for an IMAP server any more (the connection is
 * closed, EPROTOCOL). 1 when that happened. */
static int bad_line(imapclient *c)
{
    if (++c->nbad <= MAX_BAD_LINES)
        return 0;
    imc_abort(c, IMAPCLIENT_EPROTOCOL,
              "more than %d lines that are not IMAP responses, the last: %.200s",
              MAX_BAD_LINES, c->rd.resp.data ? c->rd.resp.data : "");
    return 1;
}

/* Issue 14, item 15: a line that is not an IMAP response at all (Exchange
 * has sent "[COPYUID 55 31 6]" alone on a line between the untagged
 * responses of a MOVE) is kept for the caller as an unparsed response, tag
 * and name "", its text the whole line, instead of failing the command
 * the server may well complete. */
static void stray(imapclient *c)
{
    imapclient_response r = {
        .tag = "", .name = "", .args = &imc_empty_list, .code_args = &imc_empty_list};
    imc_arena_reset(c->scratch);
    char *text = imc_arena_strndup(c->scratch, c->rd.resp.data, c->rd.resp.len);
    if (!text) {
        imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory");
        return;
    }
    r.text = text;
    r.raw = c->rd.resp.data;
    r.raw_len = c->rd.resp.len;
    imc_log_info(c, "a line that is not an IMAP response: kept for the caller");
    int rc = imc_keep(c, &r);
    if (rc && !c->dead)
        imc_abort(c, rc, "out of memory keeping a response");
}

/* A response that cannot be parsed: remembered by the oldest command in
 * flight, which fails with it once it completes, so the stream stays in
 * step. With nothing in flight it is only the handle's last error. */
static void malformed(imapclient *c, int rc)
{
    imc_fail(c, rc, "malformed response (%s at byte %zu): %.200s",
             c->parser.error ? c->parser.error : "?", c->parser.error_pos,
             c->rd.resp.data);
    imc_cmd *k = first_in_flight(c);
    if (!k)
        return;
    if (k->rq->on_malformed) {
        imc_cmd *was = c->cur;
        c->cur = k;
        k->rq->on_malformed(c, k->rq);
        c->cur = was;
        return;
    }
    defer(c, k, rc);
}

static void continuation(imapclient *c, const imapclient_response *r)
{
    imc_cmd *k = c->out_cmd;
    if (k && k->phase == CMD_WAIT_LIT) {
        k->phase = CMD_SENDING;
        return;
    }
    /* The command that may be answered: the only one in flight with a
     * continuation handler (those are barriers), once all of it went out
     * (before that the server cannot have read it, and an answer would go
     * out in the middle of its line). */
    for (k = c->q_head; k && in_flight(k); k = k->next)
        if (listening(k) && k->rq->on_continue)
            break;
    if (!k || !in_flight(k) || c->reply.buf.len || k->phase != CMD_SENT) {
        imc_log_info(c, "ignoring an unexpected continuation request");
        return;
    }
    imc_cmdbuf_reset(&c->cmd);
    imc_cmd *was = c->cur;
    c->cur = k;
    c->in_callback++; /* SASL steps and IDLE's completion are the caller's */
    int h = k->rq->on_continue(c, r, k->rq->ud);
    c->in_callback--;
    c->cur = was;
    if (h < 0) {
        imc_cmdbuf_reset(&c->cmd);
        /* The server waits for an answer we cannot give: out of step. */
        char msg[sizeof c->errmsg];
        memcpy(msg, c->errmsg, sizeof msg);
        imc_abort(c, h, "%s", msg);
        return;
    }
    if (h == 0 && c->cmd.buf.len) {
        if (c->cmd.err) {
            int code = c->cmd.err;
            const char *text = c->cmd.errtext;
            imc_cmdbuf_reset(&c->cmd);
            imc_abort(c, code, "%s", text);
            return;
        }
        log_cmdbuf(c, &c->cmd, 0, c->cmd.buf.len);
        /* the answer goes out next, before anything else */
        imc_cmdbuf reply = c->reply;
        c->reply = c->cmd;
        c->cmd = reply;
        c->reply_sent = 0;
        imc_cmdbuf_reset(&c->cmd);
        c->cmd.literal_plus = c->reply.literal_plus;
        c->cmd.literal_minus = c->reply.literal_minus;
        c->cmd.utf8 = c->reply.utf8;
    } else {
        imc_cmdbuf_reset(&c->cmd);
    }
}

static void untagged(imapclient *c, parse_state *ps, imapclient_response *r)
{
    for (imc_cmd *k = c->q_head; k && in_flight(k); k = k->next) {
        imc_request *rq = k->rq;
        if (!rq->on_untagged || k->answered)
            continue;
        if (rq->arena && parse_into(c, ps, rq->arena, r)) {
            /* cannot happen once parsed (same bytes), but for memory */
            imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory parsing a response");
            return;
        }
        imc_cmd *was = c->cur;
        c->cur = k;
        int h = rq->on_untagged(c, r, rq->ud);
        c->cur = was;
        if (c->dead)
            return;
        if (h == 0)
            continue;
        if (h < 0)
            defer(c, k, h);
        /* consumed: memory stays only where the handler keeps it */
        if (ps->arena != rq->arena)
            release(ps);
        return;
    }
    int rc = imc_keep(c, r);
    if (c->dead)
        return; /* the unsolicited callback gave up: the arena may be gone */
    release(ps);
    if (rc)
        imc_abort(c, rc, "out of memory keeping a response");
}

/* A completion whose tag is not in flight. With one command in flight it
 * cannot be mistaken for it: logged and ignored, as servers that echo
 * stray tags need. With pipelined commands in flight the server and the
 * client no longer agree on the command stream (it may be reading a
 * literal's bytes as commands): every command fails, the handle dies. */
static void foreign(imapclient *c, const char *tag)
{
    size_t n = 0;
    for (imc_cmd *k = c->q_head; k && in_flight(k); k = k->next)
        n += listening(k);
    if (n <= 1) {
        imc_log_info(c, "ignoring a completion with an unknown tag");
        return;
    }
    imc_abort(c, IMAPCLIENT_EPROTOCOL,
              "server completed tag %.40s, which no command in flight has (%zu "
              "pipelined): the server and the client disagree on the command stream",
              tag, n);
}

/* One complete response is in c->rd.resp. */
static void handle_response(imapclient *c)
{
    imapclient_response r;
    parse_state ps = {0};
    if (!c->greeted) {
        log_received(c, c->rd.resp.data, c->rd.resp.len);
        int rc = imc_parse_response(&c->parser, c->rd.resp.data, c->rd.resp.len,
                                    c->conn_arena, 0, &r);
        if (rc == IMAPCLIENT_ENOMEM) {
            imc_abort(c, rc, "out of memory");
            return;
        }
        if (rc) {
            imc_abort(c, IMAPCLIENT_EPROTOCOL, "not an IMAP greeting: %.200s",
                      c->rd.resp.data);
            return;
        }
        r.raw = c->rd.resp.data;
        r.raw_len = c->rd.resp.len;
        if (generic_untagged(c, &r)) {
            imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory");
            return;
        }
        imc_core_greeting(c, &r);
        return;
    }
    imc_cmd *first = first_in_flight(c);
    int rc = parse_into(c, &ps, first ? first->rq->arena : NULL, &r);
    /* Issue 14, item 14: Gmail has sent a line break between a literal and
     * the rest of its list (BODY[HEADER] {515}\r\n<515 bytes> \r\n)\r\n).
     * A list left open right after a literal: the reader joins the next
     * line unless it starts a response of its own, and the response comes
     * back to be parsed again. Elsewhere the grammar stays strict. */
    if (rc == IMAPCLIENT_EPROTOCOL && c->parser.incomplete &&
        imc_reader_continue_list(&c->rd))
        return;
    log_received(c, c->rd.resp.data, c->rd.resp.len);
    if (rc == IMAPCLIENT_ENOMEM) {
        imc_abort(c, rc, "out of memory parsing a response");
        return;
    }
    if (rc) {
        if (bad_line(c))
            return;
        if (imc_parse_is_stray(c->rd.resp.data, c->rd.resp.len))
            stray(c);
        else
            malformed(c, rc);
        return;
    }
    if ((rc = generic_untagged(c, &r))) {
        imc_abort(c, rc, "out of memory");
        return;
    }
    if (r.tag[0] == '+') {
        release(&ps);
        continuation(c, &r);
        return;
    }
    if (r.tag[0] == '*') {
        if (c->parser.fast_taken) {
            release(&ps); /* a command's fast path consumed it */
            return;
        }
        untagged(c, &ps, &r);
        return;
    }
    imc_cmd *k = c->q_head;
    while (k && in_flight(k) && (k->answered || strcmp(k->tag, r.tag) != 0))
        k = k->next;
    if (!k || !in_flight(k)) {
        /* (the tag is copied: the abort may free the arena it is in) */
        char tag[64];
        snprintf(tag, sizeof tag, "%s", r.tag);
        release(&ps);
        foreign(c, tag);
        return;
    }
    complete_tagged(c, k, &r, &ps);
}

int imc_core_process(imapclient *c, const imc_request *until)
{
    for (;;) {
        cancel_now(c);
        if (until && until->finished)
            return 1;
        if (c->stop) {
            c->stop = 0;
            return 3;
        }
        if (c->dead)
            return c->errcode ? c->errcode : IMAPCLIENT_EABORT;
        if (c->upgrade)
            return 2;
        set_divert(c);
        set_fast(c);
        int rc = imc_reader_step(&c->rd);
        if (rc == 0)
            return 0;
        if (rc < 0) {
            if (rc == IMAPCLIENT_EABORT && c->bye_text)
                imc_abort(c, rc, "server said BYE: %s", c->bye_text);
            else
                imc_abort(c, rc, "%s", c->rd.err);
            continue;
        }
        handle_response(c);
    }
}

/* ---- the greeting ------------------------------------------------------------ */

int imc_core_greeting(imapclient *c, const imapclient_response *r)
{
    if (strcmp(r->tag, "*") != 0)
        return imc_abort(c, IMAPCLIENT_EPROTOCOL, "not an IMAP greeting: %.200s",
                         c->rd.resp.data ? c->rd.resp.data : "");
    if (!strcmp(r->name, "BYE"))
        return imc_abort(c, IMAPCLIENT_EABORT, "server refused the connection: BYE %s",
                         r->text);
    if (strcmp(r->name, "OK") != 0 && strcmp(r->name, "PREAUTH") != 0)
        return imc_abort(c, IMAPCLIENT_EPROTOCOL, "not an IMAP greeting: %.200s",
                         c->rd.resp.data);
    c->welcome = imc_arena_strndup(c->conn_arena, c->rd.resp.data, c->rd.resp.len);
    if (!c->welcome)
        return imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_set_state(c, !strcmp(r->name, "PREAUTH") ? IMAPCLIENT_STATE_AUTHENTICATED
                                                 : IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    c->greeted = 1;
    imc_quirks_detect(c);
    return 0;
}
