/**
 * @file
 * libimapclient: the connection handle and the session calls.
 *
 * One imapclient handle is one IMAP connection (one IMAPClient object). A
 * handle must be used by one thread at a time; separate handles are fully
 * independent (the library has no global mutable state: the system CA
 * store and the default TLS configurations, made once on first need, are
 * shared read-only; see imapclient/tls.h).
 */
#ifndef IMAPCLIENT_CLIENT_H
#define IMAPCLIENT_CLIENT_H

#include "common.h"
#include "options.h"
#include "types.h"

IMAPCLIENT_BEGIN_DECLS

/** An IMAP connection (opaque). */
typedef struct imapclient imapclient;

/** Session state (RFC 3501 section 3). */
typedef enum imapclient_state {
    IMAPCLIENT_STATE_NOT_AUTHENTICATED = 0,
    IMAPCLIENT_STATE_AUTHENTICATED,
    IMAPCLIENT_STATE_SELECTED,
    IMAPCLIENT_STATE_LOGOUT,
    IMAPCLIENT_STATE_IDLE
} imapclient_state;

/**
 * Connect to a server and read its greeting (IMAPClient(host, ...)).
 *
 * @param host      host name or address; with opts->stream, a shell command
 * @param opts      options, or NULL for the defaults of imapclient_options_init()
 * @param[out] out  the new handle; on failure it may still be set to a
 *                  handle that only holds the error (read imapclient_errmsg(),
 *                  then imapclient_free()), or to NULL when out of memory
 * With opts->starttls the connection is upgraded with STARTTLS before
 * this returns (see imapclient_starttls()); when that is not possible the
 * connection is closed and its error returned, and a PREAUTH greeting on
 * the plain connection gives IMAPCLIENT_ETLS (a STARTTLS downgrade).
 *
 * @return 0, IMAPCLIENT_ERESOLVE, IMAPCLIENT_ECONNECT, IMAPCLIENT_ETIMEOUT,
 *         IMAPCLIENT_ETLS, IMAPCLIENT_ECERTIFICATE, IMAPCLIENT_EABORT (the
 *         server said BYE or closed), IMAPCLIENT_EPROTOCOL (not an IMAP
 *         greeting), IMAPCLIENT_EIO, IMAPCLIENT_ENOMEM or IMAPCLIENT_EINVAL
 *         (also: ssl and starttls both set)
 */
IMAPCLIENT_EXTERN int imapclient_connect(const char *host, const imapclient_options *opts,
                                         imapclient **out);

/**
 * Close the connection without LOGOUT and release the handle and everything
 * it owns (results already returned stay valid). NULL is a no-op.
 */
IMAPCLIENT_EXTERN void imapclient_free(imapclient *c);

/**
 * The last error's full text, with the command and the server's own words:
 * `SELECT "Archive": NO [NONEXISTENT] Mailbox doesn't exist`. Empty when the
 * last call succeeded. Valid until the next call on the handle. Never NULL.
 */
IMAPCLIENT_EXTERN const char *imapclient_errmsg(const imapclient *c);

/** The status code of the last call on the handle (0 after a success). */
IMAPCLIENT_EXTERN int imapclient_errcode(const imapclient *c);

/**
 * The response code of the server's NO or BAD that made the last call
 * fail, upper-cased: "TRYCREATE", "OVERQUOTA", "BADURL" and "TOOBIG"
 * (CATENATE, RFC 4469), "BADEVENT" (NOTIFY) ... NULL when the last call
 * succeeded, failed without the server's refusal (IMAPCLIENT_EINVAL,
 * IMAPCLIENT_EABORT ...) or the refusal had no code. Valid until the next
 * call on the handle. A command started without waiting carries its own
 * in its completion (imapclient_completion.code).
 */
IMAPCLIENT_EXTERN const char *imapclient_error_code(const imapclient *c);

/**
 * The text of imapclient_error_code()'s code after its name, as the server
 * sent it: the URL of `[BADURL url]`, the UIDs of `[COPYUID ...]`, "" when
 * the code has none; NULL without a code. Valid until the next call.
 */
IMAPCLIENT_EXTERN const char *imapclient_error_code_arg(const imapclient *c);

/** The server's greeting text (IMAPClient.welcome), e.g. "* OK Dovecot ready.". */
IMAPCLIENT_EXTERN const char *imapclient_welcome(const imapclient *c);

/** The session state. */
IMAPCLIENT_EXTERN imapclient_state imapclient_get_state(const imapclient *c);

/**
 * The file descriptor to poll for readability (IMAPClient.socket()), or -1.
 * Never read or write it yourself. Data may already be buffered inside the
 * library: call imapclient_idle_check() with a zero timeout to drain it.
 */
IMAPCLIENT_EXTERN int imapclient_socket(const imapclient *c);

/** 1 when the connection is encrypted with TLS. */
IMAPCLIENT_EXTERN int imapclient_is_tls(const imapclient *c);

/** Change the use_uid setting for later calls (IMAPClient.use_uid). */
IMAPCLIENT_EXTERN void imapclient_set_use_uid(imapclient *c, int on);
/** Change the folder_encode setting for later calls. */
IMAPCLIENT_EXTERN void imapclient_set_folder_encode(imapclient *c, int on);
/** Change the normalise_times setting for later calls. */
IMAPCLIENT_EXTERN void imapclient_set_normalise_times(imapclient *c, int on);
/**
 * Set the deadline of every later call, in milliseconds (0: none), as
 * imapclient_options.deadline_ms does at connect: the setting stays until
 * changed again, so to give one call its own deadline, set it before the
 * call and back after. A command started without waiting
 * (imapclient/async.h) takes the setting of the moment it is started. A
 * negative ms counts as 0.
 */
IMAPCLIENT_EXTERN void imapclient_set_deadline(imapclient *c, int ms);
/** The current deadline setting in milliseconds (0: none). */
IMAPCLIENT_EXTERN int imapclient_get_deadline(const imapclient *c);
/** The current use_uid setting (1 or 0). */
IMAPCLIENT_EXTERN int imapclient_get_use_uid(const imapclient *c);
/** The current folder_encode setting (1 or 0). */
IMAPCLIENT_EXTERN int imapclient_get_folder_encode(const imapclient *c);
/** The current normalise_times setting (1 or 0). */
IMAPCLIENT_EXTERN int imapclient_get_normalise_times(const imapclient *c);

/**
 * Upgrade a plain connection to TLS (IMAPClient.starttls()).
 *
 * Uses the TLS settings of the options given to imapclient_connect(). The
 * capabilities learnt before TLS are discarded (RFC 2595 section 3.1).
 * Only possible in the not-authenticated state (RFC 3501 section 6.2.1):
 * after a PREAUTH greeting the session is already authenticated, and on
 * a plain connection that greeting may come from a man in the middle. To
 * require TLS, prefer the starttls option of imapclient_connect(), which
 * refuses such a greeting.
 *
 * @return 0; IMAPCLIENT_EILLEGAL_STATE when the session is already
 *         authenticated (PREAUTH greeting, after login; nothing is sent);
 *         IMAPCLIENT_EABORT when the server does not offer STARTTLS or
 *         TLS is already on (nothing is sent: never a silent downgrade);
 *         IMAPCLIENT_ERROR when the server refuses; IMAPCLIENT_ETLS or
 *         IMAPCLIENT_ECERTIFICATE when the handshake fails (the handle is
 *         then unusable)
 */
IMAPCLIENT_EXTERN int imapclient_starttls(imapclient *c);

/**
 * Turn on COMPRESS=DEFLATE (RFC 4978; beyond the reference): everything sent
 * and received afterwards is compressed, which saves most of the bandwidth
 * of header and envelope fetches. Usually called right after login.
 *
 * @return 0; IMAPCLIENT_ECAPABILITY when the server does not offer
 *         COMPRESS=DEFLATE (nothing sent); IMAPCLIENT_EILLEGAL_STATE when
 *         compression is already on; IMAPCLIENT_ERROR when the server
 *         refuses; IMAPCLIENT_EABORT, IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_compress(imapclient *c);

/** 1 when COMPRESS=DEFLATE is on. */
IMAPCLIENT_EXTERN int imapclient_is_compressed(const imapclient *c);

/**
 * Log in with LOGIN (IMAPClient.login()). The password never appears in the
 * protocol log. Capabilities are refreshed afterwards.
 *
 * @param[out] text  if not NULL, the server's completion text (owned by the
 *                   handle, valid until the next call)
 * @return 0, IMAPCLIENT_ELOGIN (the server said NO; the connection is still
 *         usable for another try), IMAPCLIENT_EILLEGAL_STATE, IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_login(imapclient *c, const char *username,
                                       const char *password, const char **text);

/**
 * Log out and close the connection (IMAPClient.logout()). The handle then
 * only answers with IMAPCLIENT_EABORT; free it with imapclient_free().
 *
 * @param[out] text  if not NULL, the BYE text or the completion text
 */
IMAPCLIENT_EXTERN int imapclient_logout(imapclient *c, const char **text);

/**
 * Close the connection without LOGOUT (IMAPClient.shutdown()); later calls
 * fail with IMAPCLIENT_EABORT. The handle still needs imapclient_free().
 */
IMAPCLIENT_EXTERN int imapclient_shutdown(imapclient *c);

/**
 * The server's capabilities (IMAPClient.capabilities()), upper-cased.
 *
 * Cached as the reference does: those of the greeting or of the login
 * response are used when the server sent them, else CAPABILITY is issued once
 * and its answer kept until login or STARTTLS.
 *
 * @param[out] out  NULL-terminated array owned by the handle, valid until
 *                  the next call that changes the state (login, starttls)
 * @param[out] count  if not NULL, the number of entries
 */
IMAPCLIENT_EXTERN int imapclient_capabilities(imapclient *c, const char *const **out,
                                              size_t *count);

/**
 * Whether the server announced a capability (IMAPClient.has_capability()).
 * Case-insensitive. Fetches the capabilities first if none are cached.
 *
 * @return 1 yes, 0 no, or a negative code when they could not be fetched
 */
IMAPCLIENT_EXTERN int imapclient_has_capability(imapclient *c, const char *capability);

/**
 * NOOP (IMAPClient.noop()): returns the completion text and every untagged
 * response received since the last call that returned them (EXISTS, EXPUNGE,
 * FETCH of flag changes, ...), in arrival order.
 *
 * @param[out] out  if not NULL, the responses (free with
 *                  imapclient_responses_free()); out->text is the completion
 *                  text. When NULL, the responses are kept for a later call.
 */
IMAPCLIENT_EXTERN int imapclient_noop(imapclient *c, imapclient_responses **out);

/**
 * Take the untagged responses that arrived unasked and that no call has
 * returned yet, without talking to the server.
 *
 * @param[out] out  the responses (possibly none); free with
 *                  imapclient_responses_free()
 */
IMAPCLIENT_EXTERN int imapclient_take_responses(imapclient *c,
                                                imapclient_responses **out);

IMAPCLIENT_END_DECLS

#endif
