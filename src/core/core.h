/*
 * The protocol core: the handle's state and the commands in flight, with
 * no I/O of its own (sans-I/O, as h11 or imap-codec). Bytes come in
 * through the reader (imc_core_space/commit, then imc_core_process);
 * bytes to send come out of imc_core_output/imc_core_written; events go up
 * through each command's handlers and completion hook. It never touches a
 * socket and never reads a clock: the fronts (src/front/) do both.
 *
 * A command is an imc_request built by an area file (src/client/): its
 * bytes (built with the writer into c->cmd, then moved into the command by
 * imc_core_submit), a handler for the untagged responses it cares about,
 * an optional handler for continuation requests, and an optional
 * completion handler that builds the typed result. Commands queue in
 * submission order and go out as the pipelining rules of RFC 3501 5.5
 * allow (see imc_pipe). Untagged responses are offered to the commands in
 * flight, oldest first; what no command takes is kept for the caller in a
 * bounded store (or handed to the unsolicited callback).
 */
#ifndef IMC_CORE_H
#define IMC_CORE_H

#include <imapclient.h>

#include "../util/arena.h"
#include "../wire/parser.h"
#include "../wire/reader.h"
#include "../wire/writer.h"

typedef struct imc_request imc_request;
typedef struct imc_cmd imc_cmd;

/* Untagged handler: r->raw points into the read buffer and is valid only
 * during the call (copy it to keep it); r's values live in rq->arena when
 * the request has one, else in scratch memory. 1 = consumed (not kept),
 * 0 = not mine (offered to later commands, else kept for the caller),
 * negative = consumed, and the command fails with this status once it
 * completes. */
typedef int (*imc_untagged_fn)(imapclient *c, const imapclient_response *r, void *ud);
/* Continuation handler (AUTHENTICATE, IDLE): may build the next line in
 * c->cmd and return 0 to send it, 1 to send nothing, negative to fail. */
typedef int (*imc_continue_fn)(imapclient *c, const imapclient_response *r, void *ud);
/* Completion handler: called once the tagged completion arrived (or the
 * command failed without one), with rq->status, rq->result and rq->done
 * filled. It turns what the handlers gathered into the typed result
 * (rq->out) and applies state changes; it may change rq->rc (the outcome
 * reported). It never waits. */
typedef void (*imc_done_fn)(imapclient *c, imc_request *rq);

/* Pipelining classes (RFC 3501 section 5.5). */
enum imc_pipe {
    /* The default: the command goes out alone, after every command in
     * flight completed, and nothing follows it until it completed (state
     * changes: SELECT, LOGIN, STARTTLS, IDLE, EXPUNGE, LOGOUT, ...). */
    IMC_PIPE_BARRIER = 0,
    /* May share the wire with other commands. */
    IMC_PIPE_FREE = 1,
    /* FETCH, STORE, SEARCH by sequence number (not their UID forms): the
     * server sends no EXPUNGE while one runs. */
    IMC_PIPE_NOEXPUNGE = 2,
    /* Names messages by sequence number: only sent while every command in
     * flight is NOEXPUNGE (an EXPUNGE would shift the numbers). */
    IMC_PIPE_SEQNUM = 4
};

struct imc_request {
    /* set by the area file */
    imc_untagged_fn on_untagged;
    imc_continue_fn on_continue;
    imc_done_fn on_done;
    void *ud;
    imc_arena *arena; /* where responses are parsed; NULL: scratch memory */
    unsigned pipe;    /* enum imc_pipe bits */
    /* Literal diversion for body sinks (see imc_reader): asked, in order
     * of the commands in flight, for each literal announced. */
    int (*lit_divert)(void *ud, const char *resp, size_t len, uint64_t n);
    int (*lit_data)(void *ud, const char *p, size_t n);
    int lit_failed; /* lit_data refused data (set by the core) */
    /* A fast path for this command's own untagged responses called
     * fast_name (SEARCH, SORT, THREAD: long lists of numbers): offered, in
     * order of the commands in flight, the bytes after the name before any
     * value is built (ud as for the handlers). 1: taken into the result,
     * and consumed (no handler sees it); 0: parsed as usual, nothing
     * changed. It takes only what on_untagged would take, with the same
     * result. */
    const char *fast_name;
    int (*fast)(void *ud, const char *s, size_t len);
    /* A malformed response arrived while this command was the oldest in
     * flight: by default the command fails with EPROTOCOL once it
     * completes (the stream stays in step); a hook takes it instead. */
    void (*on_malformed)(imapclient *c, imc_request *rq);
    /* Checks made when the command is about to go out (state and
     * capabilities, for commands started without waiting): 0 to send it,
     * else the command completes with that status, unsent. May return
     * IMC_NEED_CAPS (from imc_caps_ensure) to have CAPABILITY asked first. */
    int (*check)(imapclient *c, imc_request *rq);
    /* In flight but allowed to stay silent for ever (IDLE once idling):
     * the non-blocking front's silence timeout ignores it. */
    int quiet;

    /* filled by the core */
    int rc;             /* the outcome: 0, or the failure to report */
    int status;         /* 0, or IMAPCLIENT_ERROR when the server said NO/BAD */
    int finished;       /* completed (the complete hook ran) */
    const char *result; /* "OK", "NO" or "BAD"; NULL without a completion */
    const imapclient_response *done; /* the tagged completion */
    void *out;                       /* the typed result built by on_done */
    unsigned caps_gen;               /* c->caps_gen when the command went out (see
                                        imc_after_auth(): issue 14, item 9) */
    imc_arena *done_arena;           /* where done is copied (front's choice) */
    imc_cmd *cmd;                    /* while queued or in flight */

    /* The front's hook, called after on_done (the command is off the
     * queue; rq may be freed in it). */
    void (*complete)(imapclient *c, imc_request *rq);
    void *front_ud;
};

/* A command on the queue (core-private; area files never see inside). */
struct imc_cmd {
    imc_cmd *next;
    imc_request *rq;
    char tag[16];
    char what[128];    /* the command as shown in errors: no tag, secrets hidden */
    imc_cmdbuf out;    /* its bytes */
    size_t sent;       /* bytes of out handed to the transport */
    size_t logged;     /* bytes of out already logged */
    size_t split;      /* index of the next synchronising literal in out.splits */
    size_t source;     /* index of the next streamed literal in out.sources */
    uint64_t src_left; /* bytes of the streamed literal still to send */
    enum { CMD_QUEUED, CMD_SENDING, CMD_WAIT_LIT, CMD_SENT } phase;
    int deferred;  /* status to report at completion (malformed response...) */
    char *errsave; /* its message (malloc'd) */
    /* The server completed it before all its bytes went out (a refused
     * APPEND whose non-synchronising literal is still on its way): the
     * outcome, reported once the rest went out as the server expects it.
     * It takes no more responses meanwhile. */
    int answered;
    int answer_rc;
};

#define IMC_ERRMSG_SIZE 2048

/* A check hook's answer: the capabilities are not known yet. */
#define IMC_NEED_CAPS (-1001)

/* What the core asks of the fronts once the current response is handled. */
enum imc_upgrade { IMC_UPGRADE_NONE, IMC_UPGRADE_TLS, IMC_UPGRADE_DEFLATE };

struct imapclient {
    /* settings, fixed at connect (strings copied into conn_arena) */
    imapclient_options opts;
    char *host;
    imc_arena *conn_arena;
    /* TLS settings (a reference): opts.tls_config, or what the first TLS
     * handshake chose from the options, reused for the next (tls.c) */
    imapclient_tls_config *tls;

    /* per connection */
    struct imc_transport *t; /* used by the fronts only, never by the core */
    imc_reader rd;
    imc_parser parser;
    imc_cmdbuf cmd;     /* the command being built (imc_begin, imc_put_*) */
    imc_arena *scratch; /* reset before each response is parsed */
    imapclient_state state;
    int dead; /* after EABORT: every call fails fast */
    unsigned tagnum;
    char tag[16]; /* the tag of the command being built or last submitted */
    char *welcome;
    int greeted; /* the greeting was read */

    /* the command queue: every command not yet completed, in order */
    imc_cmd *q_head, *q_tail;
    imc_cmd *out_cmd;       /* the command whose bytes are going out, or NULL */
    imc_cmdbuf reply;       /* a continuation answer waiting to go out */
    size_t reply_sent;      /* bytes of reply handed out */
    imc_cmd *cur;           /* the command whose handler runs now */
    int upgrade;            /* enum imc_upgrade: stop and let the front switch */
    int stop;               /* a handler asked imc_core_process() to return (3) */
    int in_check;           /* a check hook runs: imc_caps_ensure() must not wait */
    int in_callback;        /* a caller's callback runs: no blocking call may start */
    int cancel_asked;       /* imapclient_cancel_all() from inside a callback */
    imc_request *divert_to; /* the request whose body sink takes this literal */
    char *src_buf;          /* staging for streamed literals (while they go out) */
    size_t src_len, src_off;

    /* capabilities; caps is NULL-terminated, lives in caps_arena */
    imc_arena *caps_arena;
    const char **caps;
    size_t ncaps;
    int caps_valid;
    unsigned caps_gen; /* counts the lists stored (imc_caps_set_from_values) */

    /* selected folder */
    int readonly;

    /* ENABLE results that change the protocol (extensions.c): IMC_ENABLED_*
     * bits, cleared by UNAUTHENTICATE */
    unsigned enabled;
    /* NOTIFY SET is in effect (notify.c): LIST and STATUS responses may be
     * events, so LIST and STATUS commands only take their own answers */
    int notify_on;

    /* server quirks (quirks.c): the switches in effect; whether the caller
     * set them (detection then leaves them alone); the strength of the
     * evidence they were detected from (enum in quirks.c); the server's
     * ID name and vendor once known; whether the client identified itself
     * with ID on this connection */
    imapclient_quirks quirks;
    int quirks_pinned;
    int quirks_evidence;
    char server_id_name[64], server_id_vendor[64];
    int id_sent;

    /* IDLE (idle.c): the state to return to after DONE, when the current
     * IDLE command began (monotonic ms, from the front) for
     * imapclient_idle_renew(), and the IDLE command while it runs */
    imapclient_state idle_prev;
    long long idle_since_ms;
    imc_request *idle_rq;
    /* IDLE's liveness probe: the server must have answered by then
     * (monotonic ms; 0: no answer due) or the connection is taken for dead */
    long long idle_probe_at;

    /* A timer the fronts keep for the layers above (the core has no
     * clock): once timer_at (monotonic ms; 0: none) has come, the front
     * calls on_timer(c, now), which may send, abort or set a new time.
     * IDLE's renewal and liveness probe use it (idle.c). */
    long long timer_at;
    void (*on_timer)(imapclient *c, long long now);

    /* untagged responses nobody asked for, kept for noop()/take_responses()
     * or handed to the unsolicited callback */
    imc_arena *pend_arena;
    imapclient_response *pend;
    size_t npend, pend_cap;
    size_t pend_dropped; /* dropped since the last take, the store being full */
    void (*unsolicited)(void *payload, imapclient *c, const imapclient_response *r);
    void *unsolicited_payload;

    /* the fronts' hooks: the connection died (close the transport) */
    void (*on_dead)(imapclient *c);
    void *front; /* the non-blocking front's state, if used */

    /* reset at the start of each call */
    long long deadline_at; /* monotonic ms the blocking call must end by, 0: none
                              (set and read by the blocking front: issue 14,
                              item 4) */
    imc_arena *call_arena; /* texts returned as "valid until the next call" */
    char *bye_text;        /* text of an untagged BYE, if one came (conn_arena) */
    unsigned nbad;         /* stray or malformed lines since a command last completed */
    char what[128];        /* the running command, as shown in errors */
    int errcode;
    char errmsg[IMC_ERRMSG_SIZE];
    /* the response code of the last command that failed (NO/BAD), and its
     * text after the name (one malloc'd block: "CODE\0arg"), or NULL
     * (imapclient_error_code()) */
    char *fail_code;
    const char *fail_code_arg;
};

/* The class of FETCH, STORE and SEARCH in the form the handle sends them:
 * by sequence number NOEXPUNGE and SEQNUM; the UID forms neither, for the
 * server may send EXPUNGE while UID FETCH, UID STORE or UID SEARCH runs
 * (RFC 3501 sections 5.5 and 7.4.1; RFC 9051 the same). */
static inline unsigned imc_pipe_fetch_like(const imapclient *c)
{
    return IMC_PIPE_FREE | (c->opts.use_uid ? 0 : IMC_PIPE_NOEXPUNGE | IMC_PIPE_SEQNUM);
}

/* ---- the handle ---------------------------------------------------------------- */

/* A new handle with options (NULL: defaults) and strings copied; dead
 * until a front attaches a transport. NULL when out of memory. */
imapclient *imc_handle_new(const char *host, const imapclient_options *opts);
/* Free what imc_handle_new made (the transport and the fronts' state are
 * theirs to free first). */
void imc_handle_destroy(imapclient *c);

/* ---- errors ---------------------------------------------------------------- */

/* Set the error and return code. */
int imc_fail(imapclient *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Mark the connection unusable and return code (with message): every
 * command queued or in flight completes with code. */
int imc_abort(imapclient *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Remember the response code of a failed command's completion (code NULL:
 * none) for imapclient_error_code(); out of memory forgets it. */
void imc_set_fail_code(imapclient *c, const char *code, const char *arg);
/* Same code, message replaced: for remapping ERROR to LOGIN etc. */
int imc_recode(imapclient *c, int code);
/* imapclient_cancel_all(): abort with EINTERRUPTED now, or, from inside a
 * caller's callback (the engine is in the middle of a response or of a
 * command's bytes), as soon as the callback returned. */
void imc_cancel(imapclient *c);

/* ---- commands ---------------------------------------------------------------- */

/* Start a command in c->cmd: next tag, then verb. */
void imc_begin(imapclient *c, const char *verb);
/* Finish the command in c->cmd (CRLF) and queue it; c->cmd is left empty
 * for the next. Returns 0, or the writer's failure (EINVAL for caller text
 * that may not be sent, ENOMEM) with nothing queued. */
int imc_core_submit(imapclient *c, imc_request *rq);
/* From rq's completion handler (on_done): queue the command built in
 * c->cmd (imc_begin, imc_put_*) as a follow-up of rq, e.g. the same search
 * with another charset. rq is then not finished: its handlers stay, and
 * the follow-up's completion runs on_done again (so a handler must bound
 * how often it follows up). The fronts wait for it as for rq. 0, or the
 * failure of imc_core_submit() (nothing queued: rq finishes as it is, so
 * on_done must then report the failure in rq->rc). */
int imc_core_followup(imapclient *c, imc_request *rq);
/* 1 once rq completed (its complete hook ran). */
int imc_core_done(const imc_request *rq);
/* Commands queued or in flight. */
size_t imc_core_inflight(const imapclient *c);
/* The tag of the command whose handler runs now ("" outside handlers). */
const char *imc_core_cur_tag(const imapclient *c);

/* ---- bytes out ---------------------------------------------------------------- */

/* The next bytes to send: 1 with *p and *n set, 0 when nothing may go out now
 * (nothing queued, a synchronising literal waits for "+", pipelining rules),
 * negative when a streamed literal failed (the handle is then dead). */
int imc_core_output(imapclient *c, const char **p, size_t *n);
/* n bytes of what imc_core_output() gave were sent. */
void imc_core_written(imapclient *c, size_t n);
/* Whether imc_core_output() would have bytes (no side effects; a command
 * whose check hook will refuse it still counts). */
int imc_core_wants_write(const imapclient *c);
/* Whether a command in flight expects an answer (not a quiet one). */
int imc_core_awaiting(const imapclient *c);
/* 1 when nothing is going on: nothing to send, no answer due (an IDLE
 * that is idling may be in flight), no bytes read and not yet handled. */
int imc_core_quiet(const imapclient *c);
/* When quiet, give back the memory only busy connections need: the read
 * buffer, the parser's stack, the scratch arena, the staging of streamed
 * literals, an empty store of kept responses. It all comes back on use. */
void imc_core_trim(imapclient *c);

/* ---- bytes in ------------------------------------------------------------------ */

/* Where to put received bytes, and how many arrived (imc_reader_space/
 * imc_reader_commit); end of stream. */
void imc_core_space(imapclient *c, char **p, size_t *n);
void imc_core_commit(imapclient *c, size_t n);
void imc_core_eof(imapclient *c);

/* Handle the complete responses received so far, one by one, until more
 * bytes are needed (0), until `until` completed (1; NULL: never stop
 * early), until an upgrade (STARTTLS/COMPRESS) waits for the front (2), or
 * until a handler set c->stop (3; cleared on return).
 * Before the greeting, the first response is taken as the greeting.
 * Negative: the connection died (every command completed with the
 * failure; the status is returned). */
int imc_core_process(imapclient *c, const imc_request *until);

/* ---- the greeting --------------------------------------------------------------- */

/* Handle a greeting in r (RFC 3501 7.1); 0 or an abort status. */
int imc_core_greeting(imapclient *c, const imapclient_response *r);

/* With options.starttls, after the greeting (session.c; issue 14, item 1):
 * 0 when STARTTLS may follow, else the connection is closed with ETLS (a
 * PREAUTH greeting on a plain connection: the STARTTLS downgrade). */
int imc_starttls_required(imapclient *c);

/* ---- unsolicited responses --------------------------------------------------------- */

/* Keep an untagged response for the caller (deep copy), or hand it to the
 * unsolicited callback. When the store is full (100,000 responses or
 * options.max_pending_bytes) the response is dropped, counted and logged;
 * 0 then too. */
int imc_keep(imapclient *c, const imapclient_response *r);
/* Move the kept untagged responses into a new result with text. */
int imc_take_pending(imapclient *c, imapclient_responses **out, const char *text);
/* Forget them (after STARTTLS). */
void imc_drop_pending(imapclient *c);
/* Once TLS is up after STARTTLS, nothing the server said in plaintext may
 * be trusted (RFC 3501 6.2.1, RFC 2595 3.1): an attacker could have
 * written it. The capabilities are forgotten (asked again over TLS), the
 * kept untagged responses and the BYE text dropped, so none reaches
 * noop() or take_responses() (issue 14, item 2). The greeting stays as
 * the welcome text. Both fronts call it after the handshake. */
void imc_forget_before_tls(imapclient *c);

/* ---- capabilities and state ------------------------------------------------------- */

int imc_has_cap(const imapclient *c, const char *cap); /* cached only; 0/1 */
void imc_caps_forget(imapclient *c);
int imc_caps_set_from_values(imapclient *c, const imapclient_value *list, size_t first);
/* State changes go through here (one place to log and check). */
void imc_set_state(imapclient *c, imapclient_state s);

/* Extensions that change the protocol for the rest of the session, once
 * enabled (extensions.c sets them in c->enabled). */
#define IMC_ENABLED_CONDSTORE   0x1u
#define IMC_ENABLED_QRESYNC     0x2u
#define IMC_ENABLED_UTF8_ACCEPT 0x4u
#define IMC_ENABLED_IMAP4REV2   0x8u
/* Recompute what the writer may use from the cached capabilities and the
 * enabled extensions (LITERAL+, LITERAL-, UTF-8 in quoted strings); called
 * whenever either changes. */
void imc_ext_sync(imapclient *c);
/* 1 when IMAP4rev2 rules apply: ENABLE IMAP4rev2 succeeded, or the server
 * offers IMAP4rev2 and not IMAP4rev1 (cached capabilities). */
int imc_rev2(const imapclient *c);
/* 1 when mailbox names travel as UTF-8 instead of modified UTF-7
 * (UTF8=ACCEPT enabled, or IMAP4rev2 in effect; RFC 6855 section 3,
 * RFC 9051 section 5.1). */
int imc_utf8_names(const imapclient *c);

/* ---- server quirks (quirks.c) ----------------------------------------------------- */

/* The switches at handle creation: options.quirks pinned, else the default
 * profile, to be detected. */
void imc_quirks_init(imapclient *c);
/* Detect the profile again from what the server said so far (greeting,
 * capabilities, ID); called when any of them changes. Leaves switches
 * the caller set alone. */
void imc_quirks_detect(imapclient *c);
/* The server's ID response named it so (name and vendor, either NULL). */
void imc_quirks_note_id(imapclient *c, const char *name, const char *vendor);

/* ---- logging --------------------------------------------------------------------- */

/* Log a library remark. */
void imc_log_info(imapclient *c, const char *text);
/* Log bytes the client sends outside commands (secret: shown as ***). */
void imc_log_sent(imapclient *c, const char *p, size_t n, int secret);

/* Bytes the handle holds now: its arenas, the result arenas of the
 * commands queued or in flight, buffers and the kept responses. For the
 * tests that check memory stays bounded (issue 14, item 3). */
size_t imc_memory_in_use(const imapclient *c);

/* ---- results ------------------------------------------------------------------------
 */

imapclient_responses *imc_responses_new(void);
/* The arena that owns a result made by imc_responses_new(). */
imc_arena *imc_responses_arena(imapclient_responses *r);

#endif
