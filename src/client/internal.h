/*
 * The session: the handle, its state machine and the one command engine
 * that every API call goes through (as curl's pingpong serves every
 * line-based protocol). Files per API area build a command with the
 * writer, then call imc_run() with a handler for the untagged responses
 * they care about.
 */
#ifndef IMC_CLIENT_INTERNAL_H
#define IMC_CLIENT_INTERNAL_H

#include <imapclient.h>

#include "../transport/transport.h"
#include "../util/arena.h"
#include "../wire/parser.h"
#include "../wire/reader.h"
#include "../wire/writer.h"

struct imapclient {
    /* settings, fixed at connect (strings copied into conn_arena) */
    imapclient_options opts;
    char *host;
    imc_arena *conn_arena;

    /* per connection */
    imc_transport *t;
    imc_reader rd;
    imc_parser parser;
    imc_cmdbuf cmd;
    imc_arena *scratch; /* reset before each response is parsed */
    imapclient_state state;
    int dead; /* after EABORT: every call fails fast */
    unsigned tagnum;
    char tag[16];
    char *welcome;

    /* capabilities; caps is NULL-terminated, lives in caps_arena */
    imc_arena *caps_arena;
    const char **caps;
    size_t ncaps;
    int caps_valid;

    /* selected folder */
    int readonly;

    /* IDLE (idle.c): the state to return to after DONE, and when the
     * current IDLE command began (monotonic ms) for imapclient_idle_renew() */
    imapclient_state idle_prev;
    long long idle_since_ms;

    /* untagged responses nobody asked for, kept for noop()/take_responses() */
    imc_arena *pend_arena;
    imapclient_response *pend;
    size_t npend, pend_cap;

    /* reset at the start of each call */
    imc_arena *call_arena; /* texts returned as "valid until the next call" */
    char *bye_text;        /* text of an untagged BYE, if one came */
    char what[128];        /* the running command, as shown in errors */
    int errcode;
    char errmsg[2048];
};

/* Untagged handler: r->raw points into the read buffer and is valid only
 * during the call (copy it to keep it). 1 = consumed (not kept), 0 = not mine (kept for
 * the caller), negative = stop with this status once the command completes. */
typedef int (*imc_untagged_fn)(imapclient *c, const imapclient_response *r, void *ud);
/* Continuation handler (AUTHENTICATE, IDLE): may build the next line in
 * c->cmd and return 0 to send it, 1 to send nothing, negative to fail. */
typedef int (*imc_continue_fn)(imapclient *c, const imapclient_response *r, void *ud);

typedef struct imc_request {
    imc_untagged_fn on_untagged;
    imc_continue_fn on_continue;
    void *ud;
    imc_arena *arena;   /* where responses are parsed; NULL: the scratch arena */
    int status;         /* filled by imc_run: 0 OK, IMAPCLIENT_ERROR for NO/BAD */
    const char *result; /* "OK", "NO" or "BAD" */
    const imapclient_response *done; /* the tagged completion (in call_arena) */
} imc_request;

/* Forget the last call's error, BYE text and call_arena. */
void imc_call_reset(imapclient *c);
/* Start a new call: clears the error, resets call_arena. Returns 0 or the
 * status for a dead handle (EABORT) or a handle in IDLE (EILLEGAL_STATE). */
int imc_call_begin(imapclient *c);
/* Start a command: next tag, then verb. */
void imc_begin(imapclient *c, const char *verb);
/* Finish the command (CRLF), send it, read until its tagged completion.
 * Returns 0, IMAPCLIENT_ERROR on NO/BAD (errmsg set), or a failure status. */
int imc_run(imapclient *c, imc_request *rq);
/* The command's tagged completion was OK, whatever imc_run returned: a
 * malformed response before an OK gives EPROTOCOL, but the server did
 * carry out the command, so state changes (login, select, compress) must
 * still follow it. */
int imc_done_ok(const imc_request *rq);

/* imc_begin + imc_run with no arguments and no handler. */
int imc_simple(imapclient *c, const char *verb, imc_request *rq);

/* Set the error and return code; formats fixed text only. */
int imc_fail(imapclient *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Mark the connection unusable and return code (with message). */
int imc_abort(imapclient *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same code, message replaced: for remapping ERROR to LOGIN etc. */
int imc_recode(imapclient *c, int code);

/* Read one response into *out (parsed into arena, or scratch when NULL);
 * generic processing (capabilities, BYE) is applied. */
int imc_read_response(imapclient *c, imc_arena *arena, int timeout_ms,
                      imapclient_response *out);
/* Keep an untagged response for the caller (deep copy). */
int imc_keep(imapclient *c, const imapclient_response *r);

/* Capabilities: ensure cached (issues CAPABILITY if needed). */
int imc_caps_ensure(imapclient *c);
int imc_has_cap(const imapclient *c, const char *cap); /* cached only; 0/1 */
/* Require a capability or fail with ECAPABILITY naming the call. */
int imc_require_cap(imapclient *c, const char *cap, const char *call);
void imc_caps_forget(imapclient *c);
int imc_caps_set_from_values(imapclient *c, const imapclient_value *list, size_t first);

/* State changes go through here (one place to log and check). */
void imc_set_state(imapclient *c, imapclient_state s);
/* Require at least authenticated / a selected folder. */
int imc_require_auth(imapclient *c, const char *call);
int imc_require_selected(imapclient *c, const char *call);

/* Require a selected folder opened read-write (READONLY otherwise). */
int imc_require_writable(imapclient *c, const char *call);

/* After LOGIN/AUTHENTICATE succeeded: state AUTHENTICATED, capabilities from
 * the completion's [CAPABILITY] code or forgotten (asked again later). */
void imc_after_auth(imapclient *c, const imc_request *rq);

/* Move the kept untagged responses into a new result with text. */
int imc_take_pending(imapclient *c, imapclient_responses **out, const char *text);

/* The arena that owns a result made by imc_responses_new(). */
imc_arena *imc_responses_arena(imapclient_responses *r);

/* Log a library remark. */
void imc_log_info(imapclient *c, const char *text);

/* Write bytes on the wire (logged, secrets redacted by the caller). */
int imc_send_raw(imapclient *c, const char *p, size_t n, int secret);

/* Shared helpers for result memory. */
imapclient_responses *imc_responses_new(void);

#endif
