/*
 * What the area files (one per part of the API) share: the handle and the
 * command core (src/core/core.h), the blocking front that runs a command to
 * completion (src/front/front.h), and the checks every call makes before
 * sending. An area file builds its command with the writer (imc_begin,
 * imc_put_*), describes what to do with the responses in an imc_request,
 * and runs it with imc_run() (blocking) or hands it to the non-blocking
 * front; the same handlers build the result either way.
 */
#ifndef IMC_CLIENT_INTERNAL_H
#define IMC_CLIENT_INTERNAL_H

#include <imapclient.h>

#include "../core/core.h"
#include "../front/front.h"

/* Forget the last call's error, BYE text and call_arena. */
void imc_call_reset(imapclient *c);
/* Start a new call: clears the error, resets call_arena. Returns 0 or the
 * status for a dead handle (EABORT) or a handle in IDLE (EILLEGAL_STATE). */
int imc_call_begin(imapclient *c);
/* The command's tagged completion was OK, whatever imc_run returned: a
 * malformed response before an OK gives EPROTOCOL, but the server did
 * carry out the command, so state changes (login, select, compress) must
 * still follow it. */
int imc_done_ok(const imc_request *rq);

/* imc_begin + imc_run with no arguments and no handler. */
int imc_simple(imapclient *c, const char *verb, imc_request *rq);

/* Capabilities: ensure cached (issues CAPABILITY if needed). */
int imc_caps_ensure(imapclient *c);
/* Require a capability or fail with ECAPABILITY naming the call. */
int imc_require_cap(imapclient *c, const char *cap, const char *call);
/* Whether an extension may be used: the server announced it, or it is
 * part of IMAP4rev2 (RFC 9051 appendix E: NAMESPACE, UNSELECT, UIDPLUS,
 * ESEARCH, SEARCHRES, ENABLE, IDLE, SASL-IR, LIST-EXTENDED, LIST-STATUS,
 * MOVE, LITERAL-, BINARY, SPECIAL-USE, STATUS=SIZE, CHILDREN) and
 * IMAP4rev2 rules apply (imc_rev2()). Cached capabilities only. */
int imc_has_ext(const imapclient *c, const char *cap);
/* imc_require_cap() with imc_has_ext(): ECAPABILITY naming call. */
int imc_require_ext(imapclient *c, const char *cap, const char *call);

/* objectid = 1*255(ALPHA / DIGIT / "_" / "-") (RFC 8474 section 4): 1 when
 * v is one (an atom, or a string Cyrus might quote), else 0. */
int imc_objectid_valid(const imapclient_value *v);

/* Require at least authenticated / a selected folder. */
int imc_require_auth(imapclient *c, const char *call);
int imc_require_selected(imapclient *c, const char *call);

/* Require a selected folder opened read-write (READONLY otherwise). */
int imc_require_writable(imapclient *c, const char *call);

/* After LOGIN/AUTHENTICATE succeeded: state AUTHENTICATED, capabilities from
 * the completion's [CAPABILITY] code, else from an untagged CAPABILITY sent
 * during the exchange, else forgotten (asked again later). */
void imc_after_auth(imapclient *c, const imc_request *rq);

/* Identify the library with ID before the first SELECT/EXAMINE when the
 * server wants it (imapclient_quirks.id_before_select; extensions.c):
 * waits for the answer when wait is set (a refusal is ignored), else
 * queues the command ahead of what follows. 0 or a failure status. */
int imc_auto_id(imapclient *c, int wait);

/* Free the IDLE command's state (idle.c; imapclient_free). */
void imc_idle_forget(imapclient *c);

/* Connect with options.starttls: STARTTLS right after the greeting, or the
 * connection is closed (a PREAUTH greeting on a plain connection gives
 * ETLS; issue 14, item 1). */
int imc_connect_starttls(imapclient *c);

#endif
