/**
 * @file
 * libimapclient: IDLE (RFC 2177), as IMAPClient's idle(), idle_check() and
 * idle_done().
 *
 * A typical loop, keeping IDLE alive past server and NAT timeouts:
 *
 *     imapclient_select_folder(c, "INBOX", 0, NULL);
 *     imapclient_idle(c);
 *     for (;;) {
 *         imapclient_responses *r;
 *         if (imapclient_idle_check(c, 30000, &r) < 0)
 *             break;
 *         for (size_t i = 0; i < r->count; i++)
 *             if (r->items[i].has_number && !strcmp(r->items[i].name, "EXISTS"))
 *                 printf("%u messages\n", r->items[i].number);
 *         imapclient_responses_free(r);
 *         if (imapclient_idle_renew(c, IMAPCLIENT_IDLE_RENEW_MS) < 0)
 *             break;
 *     }
 *     imapclient_idle_done(c, NULL, NULL);
 *
 * Between imapclient_idle() and imapclient_idle_done() the handle is in
 * IMAPCLIENT_STATE_IDLE: only imapclient_idle_check(), imapclient_idle_renew(),
 * imapclient_idle_done(), imapclient_socket() and the getters may be used;
 * every other call fails with IMAPCLIENT_EILLEGAL_STATE without touching the
 * connection. To wait on several connections, poll imapclient_socket() for
 * readability and then call imapclient_idle_check(c, 0, &r).
 */
#ifndef IMAPCLIENT_IDLE_H
#define IMAPCLIENT_IDLE_H

#include "client.h"
#include "types.h"

IMAPCLIENT_BEGIN_DECLS

/**
 * Renewal age for imapclient_idle_renew(): 10 minutes, the interval the
 * reference advises so that routers do not drop a quiet connection. RFC 2177
 * requires renewing at least every 29 minutes (IMAPCLIENT_IDLE_MAX_MS).
 */
#define IMAPCLIENT_IDLE_RENEW_MS (10 * 60 * 1000)
/** RFC 2177: servers may log out a client idle for 30 minutes; renew before 29. */
#define IMAPCLIENT_IDLE_MAX_MS (29 * 60 * 1000)

/**
 * Enter IDLE (IMAPClient.idle()): sends IDLE and waits for the server's "+"
 * (at most the options' timeout_ms, and idle_probe_ms: a server silent for
 * that long is taken for dead, IMAPCLIENT_EABORT), then returns. Works in the
 * authenticated and selected states; with a selected folder the server
 * reports its changes (EXISTS, EXPUNGE, FETCH).
 *
 * Untagged responses that arrive before the "+" are kept and returned by
 * the next imapclient_idle_check() or imapclient_idle_done().
 *
 * @param c  an authenticated handle
 * @return 0 (state IMAPCLIENT_STATE_IDLE); IMAPCLIENT_ECAPABILITY when the
 *         server lacks IDLE (nothing sent); IMAPCLIENT_EILLEGAL_STATE (not
 *         logged in, or already idling); IMAPCLIENT_ERROR when the server
 *         refuses IDLE (NO/BAD, state unchanged); IMAPCLIENT_EABORT,
 *         IMAPCLIENT_ETIMEOUT or another transport code
 */
IMAPCLIENT_EXTERN int imapclient_idle(imapclient *c);

/**
 * Wait for IDLE responses (IMAPClient.idle_check()).
 *
 * Blocks at most timeout_ms for the first response, then takes every
 * response already received without blocking again. While it waits it
 * renews an IDLE that is options.idle_renew_ms old (DONE, NOOP, IDLE; what
 * they bring is returned at once), and a server that does not answer the
 * renewal within options.idle_probe_ms is taken for dead (EABORT): so a
 * silently dead connection is reported within idle_renew_ms +
 * idle_probe_ms of the last IDLE start, however long timeout_ms is. A
 * loop that polls imapclient_socket() itself should call it at least
 * every idle_renew_ms. Responses are parsed
 * as the reference shows them: `* 1 EXISTS` is has_number=1, number=1,
 * name "EXISTS"; `* 1 FETCH (FLAGS (\Seen))` has args `(FLAGS (\Seen))`;
 * `* OK Still here` is name "OK", text "Still here". A BYE is returned like
 * any other response (the next call then fails with IMAPCLIENT_EABORT).
 *
 * If the server ends IDLE itself with a tagged completion, that completion
 * is returned as the last response (its tag is the IDLE command's, not
 * "*") and the state goes back to what it was before imapclient_idle().
 *
 * @param c          a handle in IDLE
 * @param timeout_ms >0 waits at most that long; 0 does not wait (drains what
 *                   has arrived, for poll() loops); <0 waits for ever (the
 *                   reference's timeout=None)
 * @param[out] out   the responses, possibly none (count 0) on timeout; free
 *                   with imapclient_responses_free(); NULL on failure
 * @return 0 (also on timeout); IMAPCLIENT_EILLEGAL_STATE when not in IDLE;
 *         IMAPCLIENT_EPROTOCOL for a response that cannot be parsed (it is
 *         skipped; the others stay for the next call); IMAPCLIENT_EABORT
 *         when the connection closed (with the BYE text, if any) or did not
 *         answer a renewal in time; IMAPCLIENT_ERROR when the server
 *         refused the renewal's IDLE (the handle is then out of IDLE);
 *         IMAPCLIENT_ETIMEOUT when the call's deadline (see
 *         imapclient_set_deadline()) came before timeout_ms: with nothing
 *         read the handle is still in IDLE, with a response cut short it
 *         is unusable; IMAPCLIENT_EINVAL (out NULL) or a transport code
 */
IMAPCLIENT_EXTERN int imapclient_idle_check(imapclient *c, int timeout_ms,
                                            imapclient_responses **out);

/**
 * Leave IDLE (IMAPClient.idle_done()): sends DONE and reads up to the IDLE
 * command's completion. The state goes back to what it was before
 * imapclient_idle() (SELECTED or AUTHENTICATED). It never waits longer
 * than options.idle_probe_ms (15 s by default) for that completion: a
 * server silent for as long is taken for dead (IMAPCLIENT_EABORT, the
 * handle closed), so a severed connection cannot hang it.
 *
 * @param c          a handle in IDLE
 * @param[out] text  if not NULL, the completion text, e.g. "Idle completed."
 *                   (owned by the handle, valid until the next call)
 * @param[out] out   if not NULL, every response received since the last
 *                   imapclient_idle_check(), parsed as there; out->text is
 *                   the completion text too. Free with
 *                   imapclient_responses_free(). When NULL, the responses are
 *                   kept for imapclient_noop() / imapclient_take_responses().
 * @return 0; IMAPCLIENT_EILLEGAL_STATE when not in IDLE; IMAPCLIENT_ERROR when
 *         the completion is NO/BAD (the state is restored all the same);
 *         IMAPCLIENT_EABORT (also: no answer within idle_probe_ms),
 *         IMAPCLIENT_ETIMEOUT or another transport code
 */
IMAPCLIENT_EXTERN int imapclient_idle_done(imapclient *c, const char **text,
                                           imapclient_responses **out);

/**
 * Keep IDLE alive: when the current IDLE command has been running for at
 * least max_age_ms, end it and start a new one (DONE, then IDLE), as RFC
 * 2177 asks clients to do at least every 29 minutes. (imapclient_idle_check()
 * already does this every options.idle_renew_ms.) Both answers are due
 * within options.idle_probe_ms, else IMAPCLIENT_EABORT. Call it in the
 * imapclient_idle_check() loop; it costs nothing when renewal is not due.
 * Responses that arrive during the renewal are kept for the next
 * imapclient_idle_check() or imapclient_idle_done().
 *
 * @param c           a handle in IDLE
 * @param max_age_ms  renew when IDLE is at least this old (ms); 0 renews
 *                    now; IMAPCLIENT_IDLE_RENEW_MS is a good value. Ages
 *                    above the server's limit (imapclient_quirks.idle_max_ms,
 *                    by default IMAPCLIENT_IDLE_MAX_MS) are cut to it
 * @return 1 renewed, 0 not due yet; IMAPCLIENT_EILLEGAL_STATE when not in
 *         IDLE; IMAPCLIENT_ERROR when the server refuses the new IDLE (the
 *         handle is then out of IDLE, in its previous state);
 *         IMAPCLIENT_EINVAL (negative age); IMAPCLIENT_EABORT or another
 *         transport code
 */
IMAPCLIENT_EXTERN int imapclient_idle_renew(imapclient *c, int max_age_ms);

IMAPCLIENT_END_DECLS

#endif
