/**
 * @file
 * libimapclient: authentication with AUTHENTICATE (SASL).
 *
 * imapclient_login() (LOGIN) is in imapclient/client.h. The calls here
 * mirror IMAPClient's plain_login(), sasl_login(), oauth2_login() and
 * oauthbearer_login(), and add built-in SCRAM-SHA-256, SCRAM-SHA-1 and
 * CRAM-MD5.
 *
 * Common rules:
 * - The handle must not be authenticated yet (IMAPCLIENT_EILLEGAL_STATE).
 * - The mechanism is not checked against the AUTH= capabilities (as the
 *   reference does not): a server that does not support it says NO, which
 *   gives IMAPCLIENT_ELOGIN.
 * - When the server announces SASL-IR (RFC 4959), client-first mechanisms
 *   send their first response on the AUTHENTICATE line; otherwise after the
 *   server's empty "+" challenge.
 * - Every response sent is hidden in the protocol log (shown as `***`) and
 *   in error messages; passwords and derived keys are wiped from memory
 *   after use.
 * - A failure gives IMAPCLIENT_ELOGIN with the server's own words in
 *   imapclient_errmsg(); the connection stays usable for another try.
 * - After success the state is AUTHENTICATED and the capabilities are
 *   refreshed: those of the completion's [CAPABILITY] code, else asked
 *   again on next use (as IMAPClient does).
 */
#ifndef IMAPCLIENT_AUTH_H
#define IMAPCLIENT_AUTH_H

#include "client.h"

IMAPCLIENT_BEGIN_DECLS

/** Where a sasl_login() callback puts its response (opaque). */
typedef struct imapclient_sasl_reply imapclient_sasl_reply;

/**
 * A SASL mechanism step for imapclient_sasl_login() (IMAPClient's
 * mech_callable).
 *
 * Called once per server challenge, with the challenge base64-decoded. For
 * a client-first mechanism (PLAIN, SCRAM, ...) the first challenge is empty,
 * as the reference documents. Set the response with
 * imapclient_sasl_reply_set() (no call sends an empty response). A
 * blocking call on the same handle fails inside with
 * IMAPCLIENT_EILLEGAL_STATE.
 *
 * @param payload        the payload given to imapclient_sasl_login()
 * @param challenge      the decoded challenge (not NUL-terminated; may hold
 *                       NULs); valid during the call only
 * @param challenge_len  its length, 0 for an empty challenge
 * @param reply          where to put the response
 * @return 0 to send the response; any other value cancels the exchange
 *         (the client sends "*", RFC 3501 section 6.2.2) and
 *         imapclient_sasl_login() returns IMAPCLIENT_ELOGIN
 */
typedef int (*imapclient_sasl_fn)(void *payload, const unsigned char *challenge,
                                  size_t challenge_len, imapclient_sasl_reply *reply);

/**
 * Set the response of a sasl_login() callback step: len bytes of data (any
 * bytes; the library base64-encodes them). The bytes are copied into memory
 * that is wiped after sending. A second call replaces the first.
 *
 * @return 0, IMAPCLIENT_EINVAL (reply NULL, or data NULL with len > 0) or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_sasl_reply_set(imapclient_sasl_reply *reply,
                                                const void *data, size_t len);

/**
 * Log in with AUTHENTICATE PLAIN (IMAPClient.plain_login(), RFC 4616).
 *
 * @param c         a connected, not yet authenticated handle
 * @param identity  the user name (authentication identity), UTF-8
 * @param password  the password, UTF-8
 * @param authorization_identity  the user to act as, or NULL (empty)
 * @param[out] text if not NULL, the server's completion text (owned by the
 *                  handle, valid until the next call)
 * @return 0, IMAPCLIENT_ELOGIN (refused; errmsg has the server's text),
 *         IMAPCLIENT_EILLEGAL_STATE (already authenticated), IMAPCLIENT_EINVAL
 *         (NULL identity or password), IMAPCLIENT_EABORT, IMAPCLIENT_ETIMEOUT
 *         or another transport code
 */
IMAPCLIENT_EXTERN int imapclient_plain_login(imapclient *c, const char *identity,
                                             const char *password,
                                             const char *authorization_identity,
                                             const char **text);

/**
 * Log in with any SASL mechanism driven by a callback
 * (IMAPClient.sasl_login()).
 *
 * Sends `AUTHENTICATE <mech_name>` (never with SASL-IR, so a client-first
 * mechanism gets the empty first challenge the reference describes), then
 * calls fn once per server challenge and sends what it sets.
 *
 * @param c          a connected, not yet authenticated handle
 * @param mech_name  the mechanism, e.g. "PLAIN": 1 to 20 of A-Z, 0-9, "-",
 *                   "_" (RFC 4422 section 3.1)
 * @param fn         the step callback, called only once the command is sent
 * @param payload    passed to fn
 * @param[out] text  if not NULL, the completion text (valid until the next call)
 * @return 0; IMAPCLIENT_ELOGIN when the server says NO/BAD or fn cancels;
 *         IMAPCLIENT_EPROTOCOL when a challenge is not valid base64 (the
 *         exchange is cancelled); IMAPCLIENT_EILLEGAL_STATE; IMAPCLIENT_EINVAL
 *         (bad mech_name, NULL fn); IMAPCLIENT_EABORT and transport codes
 */
IMAPCLIENT_EXTERN int imapclient_sasl_login(imapclient *c, const char *mech_name,
                                            imapclient_sasl_fn fn, void *payload,
                                            const char **text);

/**
 * Log in with an OAuth 2.0 access token, mechanism XOAUTH2 or OAUTH2
 * (IMAPClient.oauth2_login()).
 *
 * Sends `user=<user>^Aauth=Bearer <token>^A[vendor=<vendor>^A]^A`. When the
 * server answers with an error challenge (a base64 JSON status), the client
 * sends an empty response as Google documents; the server's NO then gives
 * IMAPCLIENT_ELOGIN, and errmsg carries both the NO text and the decoded
 * JSON status.
 *
 * @param user          the account (e-mail address)
 * @param access_token  the bearer token
 * @param mech          "XOAUTH2" (NULL means this) or "OAUTH2"
 * @param vendor        the vendor field Yahoo wants, or NULL
 * @param[out] text     if not NULL, the completion text
 * @return as imapclient_plain_login(); IMAPCLIENT_EINVAL also for a user or
 *         token holding the ^A separator
 */
IMAPCLIENT_EXTERN int imapclient_oauth2_login(imapclient *c, const char *user,
                                              const char *access_token, const char *mech,
                                              const char *vendor, const char **text);

/**
 * Log in with OAUTHBEARER (IMAPClient.oauthbearer_login(), RFC 7628).
 *
 * Sends `n,a=<identity>,^Aauth=Bearer <token>^A^A` (`n,,` without identity;
 * "," and "=" in identity escaped as =2C and =3D). On an error challenge
 * the client sends the ^A the RFC asks for (section 3.2.3); the server's NO
 * then gives IMAPCLIENT_ELOGIN with the decoded JSON status in errmsg.
 *
 * @param identity      the user to authorise as, or NULL / "" for none
 * @param access_token  the bearer token
 * @param[out] text     if not NULL, the completion text
 * @return as imapclient_oauth2_login()
 */
IMAPCLIENT_EXTERN int imapclient_oauthbearer_login(imapclient *c, const char *identity,
                                                   const char *access_token,
                                                   const char **text);

/**
 * Log in with SCRAM-SHA-256 or SCRAM-SHA-1 (RFC 7677, RFC 5802), without
 * channel binding. Not in the reference (which needs a sasl_login()
 * callback for it).
 *
 * The client nonce comes from OpenSSL's RAND_bytes(). The server must prove
 * that it knows the password: a wrong or missing server signature gives
 * IMAPCLIENT_ELOGIN (the exchange is cancelled; if the server had already
 * accepted, the connection is closed rather than used unverified).
 * The password is used as UTF-8 bytes as given (no SASLprep
 * normalisation; ASCII passwords are unaffected). Iteration counts above
 * 1,000,000 are refused.
 *
 * @param mech      "SCRAM-SHA-256" (NULL means this) or "SCRAM-SHA-1"
 * @param username  the user name ("," and "=" are escaped as the RFC says)
 * @param password  the password
 * @param[out] text if not NULL, the completion text
 * @return as imapclient_plain_login(); IMAPCLIENT_EPROTOCOL when a server
 *         message is malformed (the exchange is cancelled); IMAPCLIENT_EINVAL
 *         for another mech
 */
IMAPCLIENT_EXTERN int imapclient_scram_login(imapclient *c, const char *mech,
                                             const char *username, const char *password,
                                             const char **text);

/**
 * Log in with CRAM-MD5 (RFC 2195). Not in the reference. The password
 * never crosses the wire, but the server must store it in clear; prefer
 * SCRAM where offered.
 *
 * @param[out] text if not NULL, the completion text
 * @return as imapclient_plain_login()
 */
IMAPCLIENT_EXTERN int imapclient_cram_md5_login(imapclient *c, const char *username,
                                                const char *password, const char **text);

IMAPCLIENT_END_DECLS

#endif
