/*
 * The handle, connection set-up and the command engine.
 * RFC 3501 sections 2.2 (commands and responses), 3 (states), 7.1 (status
 * responses), 7.2.1 (CAPABILITY).
 */
#include "internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_MAX_LINE    (8u * 1024 * 1024)
#define DEFAULT_MAX_LITERAL (1024ull * 1024 * 1024)
#define MAX_PENDING         100000
#define LOG_CUT             4096

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
}

/* ---- errors ---------------------------------------------------------- */

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

int imc_abort(imapclient *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, code, fmt, ap);
    va_end(ap);
    if (!c->dead) {
        c->dead = 1;
        imc_set_state(c, IMAPCLIENT_STATE_LOGOUT);
        imc_transport_close(c->t);
        c->t = NULL;
        c->rd.t = NULL;
    }
    return code;
}

int imc_recode(imapclient *c, int code)
{
    c->errcode = code;
    return code;
}

const char *imapclient_errmsg(const imapclient *c)
{
    return c ? c->errmsg : "no handle";
}

int imapclient_errcode(const imapclient *c)
{
    return c ? c->errcode : IMAPCLIENT_EINVAL;
}

/* ---- logging --------------------------------------------------------- */

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

/* Log cmd bytes [from, to) line by line, secrets shown as ***. */
static void log_sent(imapclient *c, size_t from, size_t to)
{
    if (!c->opts.log)
        return;
    imc_buf line;
    imc_buf_init(&line, 0);
    const imc_cmdbuf *cb = &c->cmd;
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

/* ---- handle ---------------------------------------------------------- */

static char *copy_opt(imapclient *c, const char *s)
{
    return s ? imc_arena_strdup(c->conn_arena, s) : NULL;
}

static imapclient *handle_new(const char *host, const imapclient_options *opts)
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
    imc_parser_init(&c->parser, c->opts.max_depth);
    imc_cmdbuf_init(&c->cmd);
    c->dead = 1; /* until a transport is attached */
    c->state = IMAPCLIENT_STATE_LOGOUT;
    return c;
nomem:
    imapclient_free(c);
    return NULL;
}

void imapclient_free(imapclient *c)
{
    if (!c)
        return;
    imc_transport_close(c->t);
    imc_reader_free(&c->rd);
    imc_parser_free(&c->parser);
    imc_cmdbuf_free(&c->cmd);
    imc_arena_free(c->conn_arena);
    imc_arena_free(c->scratch);
    imc_arena_free(c->call_arena);
    imc_arena_free(c->pend_arena);
    imc_arena_free(c->caps_arena);
    free(c->pend);
    free(c);
}

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

/* Read and check the greeting (RFC 3501 7.1: OK, PREAUTH or BYE). */
static int read_greeting(imapclient *c)
{
    imapclient_response r;
    int rc = imc_read_response(c, c->conn_arena, c->opts.connect_timeout_ms, &r);
    if (rc == IMAPCLIENT_EPROTOCOL || (rc == 0 && strcmp(r.tag, "*") != 0))
        return imc_abort(c, IMAPCLIENT_EPROTOCOL, "not an IMAP greeting: %.200s",
                         c->rd.resp.data ? c->rd.resp.data : "");
    if (rc == IMAPCLIENT_EABORT)
        return imc_abort(c, IMAPCLIENT_EABORT, "server closed the connection %s",
                         c->rd.resp.len ? "during the greeting" : "before the greeting");
    if (rc)
        return rc;
    if (!strcmp(r.name, "BYE"))
        return imc_abort(c, IMAPCLIENT_EABORT, "server refused the connection: BYE %s",
                         r.text);
    if (strcmp(r.name, "OK") != 0 && strcmp(r.name, "PREAUTH") != 0)
        return imc_abort(c, IMAPCLIENT_EPROTOCOL, "not an IMAP greeting: %.200s",
                         c->rd.resp.data);
    c->welcome = imc_arena_strndup(c->conn_arena, c->rd.resp.data, c->rd.resp.len);
    if (!c->welcome)
        return imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_set_state(c, !strcmp(r.name, "PREAUTH") ? IMAPCLIENT_STATE_AUTHENTICATED
                                                : IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    return 0;
}

static int attach(imapclient *c, imc_transport *t)
{
    c->t = t;
    if (imc_reader_init(&c->rd, t, c->opts.max_line, c->opts.max_literal) < 0)
        return imc_abort(c, IMAPCLIENT_ENOMEM, "out of memory");
    c->dead = 0;
    c->state = IMAPCLIENT_STATE_NOT_AUTHENTICATED;
    return read_greeting(c);
}

int imapclient_connect(const char *host, const imapclient_options *opts, imapclient **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!host || (opts && opts->version != IMAPCLIENT_OPTIONS_VERSION))
        return IMAPCLIENT_EINVAL;
    imapclient *c = handle_new(host, opts);
    if (!c)
        return IMAPCLIENT_ENOMEM;
    *out = c;
    char err[256] = "";
    imc_transport *t = NULL;
    int rc;
    if (c->opts.stream) {
        rc = imc_cmdstream_start(c->host, &t, err);
        if (rc == 0) {
            t->interrupt = c->opts.interrupt;
            t->interrupt_payload = c->opts.interrupt_payload;
        }
    } else {
        int port = c->opts.port ? c->opts.port : (c->opts.ssl ? 993 : 143);
        if (port <= 0 || port > 65535)
            return imc_fail(c, IMAPCLIENT_EINVAL, "port %d out of range", port);
        rc = imc_tcp_connect(c->host, port, c->opts.connect_timeout_ms, &t, err);
        if (rc == 0) {
            /* layers stacked later (TLS, COMPRESS) copy the hook */
            t->interrupt = c->opts.interrupt;
            t->interrupt_payload = c->opts.interrupt_payload;
        }
        if (rc == 0 && c->opts.ssl)
            rc = imc_tls_wrap(t, c->host, &c->opts, c->opts.connect_timeout_ms, &t, err);
    }
    if (rc)
        return imc_fail(c, rc, "%s", err);
    if (c->opts.log && t->is_tls)
        imc_log_info(c, "TLS established");
    return attach(c, t);
}

int imapclient_connect_scripted(const char *script, const imapclient_options *opts,
                                imapclient **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!script || (opts && opts->version != IMAPCLIENT_OPTIONS_VERSION))
        return IMAPCLIENT_EINVAL;
    imapclient *c = handle_new("scripted", opts);
    if (!c)
        return IMAPCLIENT_ENOMEM;
    *out = c;
    char err[256] = "";
    imc_transport *t = NULL;
    int rc = imc_scripted_new(script, &t, err);
    if (rc)
        return imc_fail(c, rc, "%s", err);
    return attach(c, t);
}

int imapclient_script_done(const imapclient *c)
{
    return c && c->t ? imc_scripted_done(c->t) : 0;
}

const char *imapclient_script_sent(const imapclient *c)
{
    return c && c->t ? imc_scripted_sent(c->t) : NULL;
}

/* ---- getters and settings --------------------------------------------- */

const char *imapclient_welcome(const imapclient *c)
{
    return c && c->welcome ? c->welcome : "";
}

imapclient_state imapclient_get_state(const imapclient *c)
{
    return c ? c->state : IMAPCLIENT_STATE_LOGOUT;
}

int imapclient_socket(const imapclient *c)
{
    return c && c->t ? c->t->rfd : -1;
}

int imapclient_is_tls(const imapclient *c)
{
    return c && c->t ? c->t->is_tls : 0;
}

void imapclient_set_use_uid(imapclient *c, int on)
{
    if (c)
        c->opts.use_uid = !!on;
}
void imapclient_set_folder_encode(imapclient *c, int on)
{
    if (c)
        c->opts.folder_encode = !!on;
}
void imapclient_set_normalise_times(imapclient *c, int on)
{
    if (c)
        c->opts.normalise_times = !!on;
}
int imapclient_get_use_uid(const imapclient *c)
{
    return c ? c->opts.use_uid : 0;
}
int imapclient_get_folder_encode(const imapclient *c)
{
    return c ? c->opts.folder_encode : 0;
}
int imapclient_get_normalise_times(const imapclient *c)
{
    return c ? c->opts.normalise_times : 0;
}

/* ---- capabilities ------------------------------------------------------ */

void imc_caps_forget(imapclient *c)
{
    imc_arena_reset(c->caps_arena);
    c->caps = NULL;
    c->ncaps = 0;
    c->caps_valid = 0;
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
    /* The writer may use non-synchronising literals when offered. */
    c->cmd.literal_plus = imc_has_cap(c, "LITERAL+");
    c->cmd.literal_minus = imc_has_cap(c, "LITERAL-");
    return 0;
}

int imc_has_cap(const imapclient *c, const char *cap)
{
    for (size_t i = 0; i < c->ncaps; i++)
        if (strcasecmp(c->caps[i], cap) == 0)
            return 1;
    return 0;
}

/* ---- reading responses -------------------------------------------------- */

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
        c->bye_text = imc_arena_strdup(c->call_arena, r->text);
        if (!c->bye_text)
            return IMAPCLIENT_ENOMEM;
    }
    return 0;
}

int imc_read_response(imapclient *c, imc_arena *arena, int timeout_ms,
                      imapclient_response *out)
{
    if (c->dead)
        return imc_fail(c, IMAPCLIENT_EABORT, "connection is closed");
    int rc = imc_reader_next(&c->rd, timeout_ms);
    if (rc) {
        if (rc == IMAPCLIENT_EABORT && c->bye_text)
            return imc_abort(c, rc, "server said BYE: %s", c->bye_text);
        return imc_abort(c, rc, "%s", c->rd.err);
    }
    log_received(c, c->rd.resp.data, c->rd.resp.len);
    if (!arena) {
        imc_arena_reset(c->scratch);
        arena = c->scratch;
    }
    /* raw is borrowed from the read buffer (valid while the response is
     * handled); imc_keep() and the completion copy it. Copying it for every
     * response would duplicate each body literal. */
    rc = imc_parse_response(&c->parser, c->rd.resp.data, c->rd.resp.len, arena, 0, out);
    if (rc == 0) {
        out->raw = c->rd.resp.data;
        out->raw_len = c->rd.resp.len;
    }
    if (rc == IMAPCLIENT_ENOMEM)
        return imc_fail(c, rc, "out of memory parsing a response");
    if (rc)
        return imc_fail(c, rc, "malformed response (%s at byte %zu): %.200s",
                        c->parser.error ? c->parser.error : "?", c->parser.error_pos,
                        c->rd.resp.data);
    rc = generic_untagged(c, out);
    return rc ? imc_fail(c, rc, "out of memory") : 0;
}

int imc_keep(imapclient *c, const imapclient_response *r)
{
    if (c->npend >= MAX_PENDING)
        return 0; /* bounded: the oldest are kept, later ones dropped */
    if (c->npend == c->pend_cap) {
        size_t cap = c->pend_cap ? c->pend_cap * 2 : 16;
        imapclient_response *p = realloc(c->pend, cap * sizeof *p);
        if (!p)
            return IMAPCLIENT_ENOMEM;
        c->pend = p;
        c->pend_cap = cap;
    }
    int rc = imc_response_copy(c->pend_arena, r, &c->pend[c->npend]);
    if (rc)
        return rc;
    c->npend++;
    return 0;
}

/* ---- the command engine ------------------------------------------------- */

void imc_call_reset(imapclient *c)
{
    c->errcode = 0;
    c->errmsg[0] = '\0';
    c->bye_text = NULL;
    imc_arena_reset(c->call_arena);
}

int imc_call_begin(imapclient *c)
{
    if (!c)
        return IMAPCLIENT_EINVAL;
    imc_call_reset(c);
    if (c->dead)
        return imc_fail(c, IMAPCLIENT_EABORT, "connection is closed");
    if (c->state == IMAPCLIENT_STATE_IDLE)
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "in IDLE: call imapclient_idle_done() first");
    return 0;
}

void imc_begin(imapclient *c, const char *verb)
{
    imc_cmdbuf_reset(&c->cmd);
    snprintf(c->tag, sizeof c->tag, "A%03u", ++c->tagnum);
    imc_put_raw(&c->cmd, c->tag);
    imc_put_sp(&c->cmd);
    imc_put_raw(&c->cmd, verb);
}

int imc_send_raw(imapclient *c, const char *p, size_t n, int secret)
{
    if (c->dead)
        return imc_fail(c, IMAPCLIENT_EABORT, "connection is closed");
    if (c->opts.log) {
        if (secret) {
            c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_SENT, "***", 3);
        } else {
            size_t k = n;
            while (k && (p[k - 1] == '\n' || p[k - 1] == '\r'))
                k--;
            c->opts.log(c->opts.log_payload, IMAPCLIENT_LOG_SENT, p, k);
        }
    }
    int rc = c->t->ops->write(c->t, p, n, c->opts.timeout_ms);
    if (rc)
        return imc_abort(c, rc, "sending: %s", c->t->err);
    return 0;
}

static int send_part(imapclient *c, size_t from, size_t to)
{
    log_sent(c, from, to);
    int rc =
        c->t->ops->write(c->t, c->cmd.buf.data + from, to - from, c->opts.timeout_ms);
    if (rc)
        return imc_abort(c, rc, "sending: %s", c->t->err);
    return 0;
}

/* The command as shown in errors: its first line without the tag, secrets
 * hidden, cut at 100 bytes. */
static void describe(imapclient *c, char *dst, size_t size)
{
    const imc_cmdbuf *cb = &c->cmd;
    size_t i = strlen(c->tag) + 1, k = 0;
    while (i < cb->buf.len && k + 4 < size && k < 100) {
        size_t s;
        for (s = 0; s < cb->nsecrets; s++)
            if (i >= cb->secrets[s].start && i < cb->secrets[s].end)
                break;
        if (s < cb->nsecrets) {
            memcpy(dst + k, "***", 3);
            k += 3;
            i = cb->secrets[s].end;
            continue;
        }
        char ch = cb->buf.data[i++];
        if (ch == '\r' || ch == '\n')
            break;
        dst[k++] = ch;
    }
    dst[k] = '\0';
}

/* Handle one response read while a command runs. Returns 1 when the
 * command's tagged completion arrived, 2 for a continuation request, 0 to
 * go on, negative to stop. */
static int dispatch(imapclient *c, imc_request *rq, const imapclient_response *r,
                    int *deferred)
{
    if (r->tag[0] == '+')
        return 2;
    if (r->tag[0] == '*') {
        int h = rq->on_untagged ? rq->on_untagged(c, r, rq->ud) : 0;
        if (h < 0) {
            if (!*deferred)
                *deferred = h;
            return 0;
        }
        if (h == 0) {
            int rc = imc_keep(c, r);
            if (rc)
                return imc_fail(c, rc, "out of memory");
        }
        return 0;
    }
    if (strcmp(r->tag, c->tag) != 0) {
        imc_log_info(c, "ignoring a completion with an unknown tag");
        return 0;
    }
    return 1;
}

static int complete(imapclient *c, imc_request *rq, const imapclient_response *r,
                    int deferred)
{
    imapclient_response *done = imc_arena_alloc(c->call_arena, sizeof *done);
    if (!done || imc_response_copy(c->call_arena, r, done))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    rq->done = done;
    rq->result = done->name;
    if (!strcmp(done->name, "OK")) {
        rq->status = 0;
        return deferred;
    }
    const char *what = c->what;
    rq->status = IMAPCLIENT_ERROR;
    if (done->code)
        return imc_fail(c, IMAPCLIENT_ERROR, "%s: %s [%s%s%s] %s", what, done->name,
                        done->code, *done->code_raw ? " " : "", done->code_raw,
                        done->text);
    return imc_fail(c, IMAPCLIENT_ERROR, "%s: %s %s", what, done->name, done->text);
}

int imc_run(imapclient *c, imc_request *rq)
{
    imc_put_crlf(&c->cmd);
    if (c->cmd.err)
        return imc_fail(c, c->cmd.err, "%s", c->cmd.errtext);
    rq->done = NULL;
    rq->status = 0;
    describe(c, c->what, sizeof c->what);
    int deferred = 0, rc;
    size_t sent = 0;
    /* Send up to each synchronising literal, then wait for "+". */
    for (size_t k = 0; k <= c->cmd.nsplits; k++) {
        size_t to = k < c->cmd.nsplits ? c->cmd.splits[k] : c->cmd.buf.len;
        if ((rc = send_part(c, sent, to)))
            return rc;
        sent = to;
        if (k == c->cmd.nsplits)
            break;
        for (;;) {
            imapclient_response r;
            if ((rc = imc_read_response(c, rq->arena, c->opts.timeout_ms, &r))) {
                if (rc != IMAPCLIENT_EPROTOCOL || c->dead)
                    return rc;
                if (!deferred)
                    deferred = rc;
                continue;
            }
            int d = dispatch(c, rq, &r, &deferred);
            if (d < 0)
                return d;
            if (d == 1) /* refused before the literal was sent */
                return complete(c, rq, &r, deferred);
            if (d == 2)
                break;
        }
    }
    char errsave[sizeof c->errmsg] = "";
    for (;;) {
        imapclient_response r;
        if ((rc = imc_read_response(c, rq->arena, c->opts.timeout_ms, &r))) {
            if (rc != IMAPCLIENT_EPROTOCOL || c->dead)
                return rc;
            /* A response we cannot parse: remember, read on to the end of
             * the command so the connection stays in step. */
            if (!deferred) {
                deferred = rc;
                memcpy(errsave, c->errmsg, sizeof errsave);
            }
            continue;
        }
        int d = dispatch(c, rq, &r, &deferred);
        if (d < 0)
            return d;
        if (d == 1) {
            rc = complete(c, rq, &r, deferred);
            if (rc == deferred && deferred == IMAPCLIENT_EPROTOCOL && errsave[0])
                memcpy(c->errmsg, errsave, sizeof errsave), c->errcode = rc;
            return rc;
        }
        if (d == 2) {
            if (!rq->on_continue) {
                imc_log_info(c, "ignoring an unexpected continuation request");
                continue;
            }
            imc_cmdbuf_reset(&c->cmd);
            int h = rq->on_continue(c, &r, rq->ud);
            if (h < 0)
                return h;
            if (h == 0 && c->cmd.buf.len) {
                if (c->cmd.err)
                    return imc_fail(c, c->cmd.err, "%s", c->cmd.errtext);
                if ((rc = send_part(c, 0, c->cmd.buf.len)))
                    return rc;
            }
        }
    }
}

int imc_done_ok(const imc_request *rq)
{
    return rq->result && !strcmp(rq->result, "OK");
}

int imc_simple(imapclient *c, const char *verb, imc_request *rq)
{
    imc_begin(c, verb);
    return imc_run(c, rq);
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
