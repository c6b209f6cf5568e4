/**
 * @file
 * libimapclient: a session that survives the real world (opt-in).
 *
 * A plain handle (imapclient *) is one connection: when it dies, every call
 * fails with IMAPCLIENT_EABORT and what to do next is the caller's problem.
 * A session keeps one folder open across connections: it connects, logs in,
 * enables what was asked, selects the folder and waits in IDLE; when the
 * connection is lost (EOF, a reset, a timeout, a dead peer found by the
 * IDLE probe: see imapclient_options.idle_renew_ms), it connects again with
 * exponential backoff and jitter, does TLS or STARTTLS again (all its
 * connections share one TLS configuration, opts.tls_config or one made
 * from the options' TLS fields, so a reconnect resumes the TLS session of
 * the one lost when the server agrees: imapclient_tls_resumed()), logs in again
 * (asking an OAuth2 token callback for a fresh token when the server
 * refuses the old one), ENABLEs again, selects the folder again and works
 * out what changed while it was away, then goes back to IDLE.
 *
 * How soon a dead connection is noticed (a black hole: nothing arrives,
 * nothing is closed): in IDLE within opts.idle_renew_ms +
 * opts.idle_probe_ms of the last IDLE start (5 min 15 s by default; the
 * renewal comes sooner when the server's quirk profile says it drops IDLE
 * earlier, imapclient_quirks.idle_max_ms); with a command in flight within
 * opts.timeout_ms of silence (60 s); connecting within
 * opts.connect_timeout_ms (30 s); and TCP keepalive finds a peer whose
 * host is gone within 2 minutes in any state. The one wait with nothing
 * in flight, the second look for a lost APPEND to another folder than
 * the session's (below), adds its second.
 *
 * What the caller sees (imapclient_session_event, through on_event):
 *
 * - IMAPCLIENT_SESSION_READY once, when the folder was first read: every
 *   message in it (UID and flags) in added;
 * - IMAPCLIENT_SESSION_CHANGES while connected: messages added, vanished
 *   (expunged) and whose flags changed, by UID;
 * - IMAPCLIENT_SESSION_DISCONNECTED each time a connection is lost or an
 *   attempt fails, with the reason and when the next attempt comes;
 * - IMAPCLIENT_SESSION_RESUMED after each reconnect: what changed while
 *   away, in the same form (possibly nothing), so there is never a silent
 *   gap; or IMAPCLIENT_SESSION_RESYNC when the folder's UIDVALIDITY changed:
 *   every UID known before is void, added holds the whole folder again;
 * - IMAPCLIENT_SESSION_FAILED once, when the session gives up (the server
 *   refused the login, the folder cannot be selected, a certificate that
 *   fails verification, max_attempts used up); nothing happens after it.
 *
 * Applying every event's added, vanished and changed to a map of UID ->
 * flags gives the folder as the server has it: no change is reported
 * twice, none is lost (the session keeps that map itself to compare).
 * With QRESYNC (RFC 7162) offered by the server, it is enabled and the
 * changes come from `UID FETCH 1:* (FLAGS) (CHANGEDSINCE m VANISHED)` and
 * from what the server pushes; without it, from comparing `UID FETCH 1:*
 * (UID FLAGS)` with the map (event.method says which).
 *
 * Commands through the session (imapclient_session_submit(),
 * imapclient_session_append()) are started on the current connection, or
 * once there is one. When a connection is lost with a command in flight
 * (whether the server carried it out is then unknown), the command is
 * started again on the next connection if it was submitted as
 * IMAPCLIENT_SESSION_IDEMPOTENT (fetch, search, setting flags, ...; at most
 * retry_limit times), else its completion reports the loss. An APPEND is
 * never sent again blindly: after the reconnect the folder is searched for
 * the message's Message-ID (among the UIDs above those known before the
 * APPEND when it is the session's folder); found, the completion reports
 * it appended (its UID in the result); not found, and not found either by
 * a second search a second later (the server may still be finishing the
 * lost connection's APPEND; in the session's folder it is made once the
 * session is back in step, so nothing waits for it), it is appended again.
 * A message without a Message-ID is not retried.
 *
 * A session is driven like a handle of the non-blocking API (async.h):
 * poll the fd of imapclient_session_want() and call
 * imapclient_session_drive(), or let imapclient_session_run() do both.
 * Events and completions are delivered from those calls. One thread at a
 * time; the session owns its handles.
 *
 * Memory: the map holds 8 bytes per message plus each distinct set of
 * flags once; a whole read of the folder (the first one, and each one
 * without QRESYNC) holds 16 more per message while it runs.
 *
 *     imapclient_session_config cfg;
 *     imapclient_session_config_init(&cfg);
 *     cfg.host = "imap.example.org";
 *     cfg.auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
 *     cfg.username = "me";
 *     cfg.password = "secret";
 *     cfg.folder = "INBOX";
 *     cfg.on_event = show;
 *     imapclient_session *s;
 *     if (imapclient_session_new(&cfg, &s) == 0)
 *         while (imapclient_session_run(s, 60000) == 0)
 *             ;
 *     imapclient_session_free(s);
 */
#ifndef IMAPCLIENT_SESSION_H
#define IMAPCLIENT_SESSION_H

#include "async.h"
#include "client.h"
#include "common.h"
#include "messages.h"
#include "options.h"

IMAPCLIENT_BEGIN_DECLS

/** A session (opaque). */
typedef struct imapclient_session imapclient_session;

/** How the session logs in on each connection. */
typedef enum imapclient_session_auth {
    IMAPCLIENT_SESSION_AUTH_NONE = 0,   /**< no login (PREAUTH) */
    IMAPCLIENT_SESSION_AUTH_LOGIN,      /**< LOGIN username password */
    IMAPCLIENT_SESSION_AUTH_PLAIN,      /**< AUTHENTICATE PLAIN */
    IMAPCLIENT_SESSION_AUTH_XOAUTH2,    /**< XOAUTH2, the token from token */
    IMAPCLIENT_SESSION_AUTH_OAUTHBEARER /**< OAUTHBEARER, the token from token */
} imapclient_session_auth;

/**
 * OAuth2 access token source, called before each login with a token
 * mechanism. refresh is 0 for the token in hand (cached by the caller) and
 * 1 when the server refused the last one: get a new one (token endpoint),
 * and the login is tried once more. Write the token, NUL-terminated, into
 * buf (size bytes). Return 0, or non-zero when no token can be had now:
 * the attempt then fails and is retried after the backoff. Called from
 * imapclient_session_drive(); it may block (an HTTP request), which
 * delays the session's other work.
 */
typedef int (*imapclient_token_fn)(void *payload, int refresh, char *buf, size_t size);

/** What happened (imapclient_session_event.type). */
typedef enum imapclient_session_event_type {
    IMAPCLIENT_SESSION_READY = 1,    /**< the folder was first read: added holds it all */
    IMAPCLIENT_SESSION_CHANGES,      /**< changes while connected */
    IMAPCLIENT_SESSION_DISCONNECTED, /**< connection lost or attempt failed; status,
                                          errmsg, attempt, retry_in_ms */
    IMAPCLIENT_SESSION_RESUMED, /**< reconnected: the changes while away (maybe none) */
    IMAPCLIENT_SESSION_RESYNC,  /**< reconnected, UIDVALIDITY changed: forget every UID
                                     known; added holds the whole folder */
    IMAPCLIENT_SESSION_FAILED   /**< given up; status and errmsg say why */
} imapclient_session_event_type;

/** A message in an event: its UID and its flags now. */
typedef struct imapclient_session_msg {
    uint32_t uid;             /**< its UID */
    uint64_t modseq;          /**< its MODSEQ when known (CONDSTORE), else 0 */
    const char *const *flags; /**< NULL-terminated, without \\Recent */
    size_t flag_count;        /**< entries in flags */
} imapclient_session_msg;

/**
 * An event. Everything it points to is valid during the callback only.
 * Apply in this order: vanished, then added, then changed.
 */
typedef struct imapclient_session_event {
    imapclient_session_event_type type; /**< what happened */
    int status;                         /**< DISCONNECTED, FAILED: the failure's code */
    const char *errmsg;                 /**< DISCONNECTED, FAILED: its text; else "" */
    unsigned attempt;       /**< DISCONNECTED: failed attempts in a row so far */
    int retry_in_ms;        /**< DISCONNECTED: the next attempt comes in this long */
    long long away_ms;      /**< RESUMED, RESYNC: how long there was no connection */
    const char *folder;     /**< the folder (NULL without one) */
    uint32_t uidvalidity;   /**< the folder's UIDVALIDITY (0: none) */
    uint64_t highestmodseq; /**< the mod-sequence the session is up to (0: none) */
    size_t exists;          /**< messages in the folder after this event */
    const imapclient_session_msg *added;   /**< new messages, ascending UID */
    size_t added_count;                    /**< entries in added */
    const uint32_t *vanished;              /**< expunged UIDs, ascending */
    size_t vanished_count;                 /**< entries in vanished */
    const imapclient_session_msg *changed; /**< flags changed: the new flags */
    size_t changed_count;                  /**< entries in changed */
    const char *method;                    /**< how the changes were found: "QRESYNC" or
                                                "UID FETCH comparison"; "" for no folder */
} imapclient_session_event;

/** Called for each event from imapclient_session_drive() (or _run()). It
 * may submit commands; it must not free the session. */
typedef void (*imapclient_session_event_fn)(void *payload, imapclient_session *s,
                                            const imapclient_session_event *ev);

/**
 * Makes a connection instead of imapclient_connect_start() (tests with
 * imapclient_connect_scripted(), other transports). Return 0 when started
 * (the IMAPCLIENT_OP_CONNECT completion goes to cb with user), 1 when *out
 * is already connected (greeting read), negative on failure (*out, if
 * set, holds the error text; the session frees it).
 */
typedef int (*imapclient_session_connect_fn)(void *payload, const char *host,
                                             const imapclient_options *opts,
                                             imapclient_done_cb cb, void *user,
                                             imapclient **out);

/** The current version of imapclient_session_config. */
#define IMAPCLIENT_SESSION_CONFIG_VERSION 1

/**
 * What a session does. Initialise with imapclient_session_config_init(),
 * then set what you need; fields are only appended. Strings are copied by
 * imapclient_session_new() (secrets into memory wiped when freed).
 */
typedef struct imapclient_session_config {
    unsigned version; /**< IMAPCLIENT_SESSION_CONFIG_VERSION */
    const char *host; /**< the server (as for imapclient_connect()) */
    /** The connection's options. The session keeps use_uid on, and its
     * defaults bound every wait: connect_timeout_ms 30 s, timeout_ms 60 s
     * (0 would let a silent server hold a command for ever). */
    imapclient_options opts;
    int starttls; /**< STARTTLS after the greeting (with opts.ssl 0) */

    imapclient_session_auth auth; /**< default AUTH_NONE */
    const char *username;         /**< LOGIN, PLAIN, XOAUTH2 user */
    const char *password;         /**< LOGIN, PLAIN */
    imapclient_token_fn token;    /**< XOAUTH2, OAUTHBEARER */
    void *token_payload;          /**< token's first argument */

    const char *const *enable; /**< extensions to ENABLE after each login, e.g.
                                    {"UTF8=ACCEPT", NULL}; NULL: none */
    int qresync;               /**< enable QRESYNC when offered (default 1) */

    const char *folder; /**< the folder to keep selected; NULL: none (commands only) */
    int readonly;       /**< EXAMINE instead of SELECT */
    int idle;           /**< wait in IDLE when idle (default 1; without IDLE
                             support the session polls) */
    int poll_ms;        /**< without IDLE: NOOP this often (default 60000) */

    int backoff_initial_ms; /**< first reconnect delay (default 500) */
    int backoff_max_ms;     /**< the delay doubles per failed attempt up to this
                                 (default 60000); each is jittered to a random
                                 value between half and all of it */
    int max_attempts;       /**< failed attempts in a row before FAILED (default 0:
                                 never give up) */
    int retry_limit;        /**< times an IMAPCLIENT_SESSION_IDEMPOTENT command
                                 is started again after losing its connection
                                 (default 3; 0: never) */

    imapclient_session_event_fn on_event;  /**< events (may be NULL) */
    void *event_payload;                   /**< on_event's first argument */
    imapclient_session_connect_fn connect; /**< NULL: imapclient_connect_start() */
    void *connect_payload;                 /**< connect's first argument */
} imapclient_session_config;

/** Fill cfg with the defaults (see the field comments). */
IMAPCLIENT_EXTERN void imapclient_session_config_init(imapclient_session_config *cfg);

/**
 * Create a session; its first connection starts at the first drive.
 *
 * Nothing waits here: drive it. The first attempt fails like any other (a
 * DISCONNECTED event, then retries); only bad settings fail here.
 *
 * @param cfg       the configuration (copied)
 * @param[out] out  the session; free with imapclient_session_free()
 * @return 0, IMAPCLIENT_EINVAL (NULL host, wrong version, auth without its
 *         username/password/token, CR/LF in a string) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_session_new(const imapclient_session_config *cfg,
                                             imapclient_session **out);

/**
 * Close the connection (without LOGOUT) and free the session.
 *
 * Commands not yet completed complete with IMAPCLIENT_EABORT first, and
 * refresh callbacks are called with it. NULL is a no-op. Not from inside a
 * callback of the session.
 */
IMAPCLIENT_EXTERN void imapclient_session_free(imapclient_session *s);

/**
 * What the session waits for: fd, events and timeout, as imapclient_want().
 *
 * The fd is the current connection's (or -1 between connections); the
 * timeout says when to drive it at the latest (the next attempt, a poll,
 * an IDLE renewal). Ask again after every imapclient_session_drive().
 *
 * @return 0, or the status the session failed with (IMAPCLIENT_SESSION_FAILED)
 */
IMAPCLIENT_EXTERN int imapclient_session_want(const imapclient_session *s,
                                              imapclient_wants *w);

/**
 * Move the session on without blocking.
 *
 * Drives the connection, reconnects when due, delivers events and
 * completions. Call it when the fd is ready or the timeout of
 * imapclient_session_want() passed; a call at any other time is harmless.
 *
 * @return 0 while the session goes on (connected or not); the FAILED
 *         status once it gave up
 */
IMAPCLIENT_EXTERN int imapclient_session_drive(imapclient_session *s);

/**
 * Run the session (poll and drive) for timeout_ms.
 *
 * For programs that have nothing else to wait for. Returns early when the
 * session fails, or on a signal when opts.interrupt says stop.
 *
 * @return 0 after timeout_ms; the FAILED status; IMAPCLIENT_EINTERRUPTED
 *         when opts.interrupt said stop after a signal
 */
IMAPCLIENT_EXTERN int imapclient_session_run(imapclient_session *s, int timeout_ms);

/** Where a session is (imapclient_session_get_state()). */
typedef enum imapclient_session_state {
    IMAPCLIENT_SESSION_CONNECTING = 1, /**< between connections or setting one up */
    IMAPCLIENT_SESSION_CONNECTED,      /**< folder selected and in step (or no folder) */
    IMAPCLIENT_SESSION_GAVE_UP         /**< after the FAILED event */
} imapclient_session_state;

/** Where the session is. */
IMAPCLIENT_EXTERN imapclient_session_state
imapclient_session_get_state(const imapclient_session *s);

/**
 * The current connection when CONNECTED, else NULL.
 *
 * For getters (capabilities, quirks, TLS, the socket). Valid until the
 * next drive. Do not free it; run commands through
 * imapclient_session_submit(), which leaves the session's IDLE for them
 * (a command started on the handle directly would wait behind that IDLE,
 * and a blocking call fails with IMAPCLIENT_EILLEGAL_STATE while it runs).
 */
IMAPCLIENT_EXTERN imapclient *imapclient_session_handle(const imapclient_session *s);

/** imapclient_session_submit() flags: the command may safely run twice. */
#define IMAPCLIENT_SESSION_IDEMPOTENT 1u

/**
 * Starts a command of the non-blocking API on c (e.g. a wrapper around
 * imapclient_start_fetch() with arguments in arg), as its start call does:
 * 0 when started (completion to cb with user), else a negative code.
 */
typedef int (*imapclient_session_start_fn)(imapclient *c, void *arg,
                                           imapclient_done_cb cb, void *user,
                                           uint64_t *id);

/**
 * Run a command through the session, again after a loss if idempotent.
 *
 * start(c, arg, ...) is called on the current connection now, or once
 * connected (then leaving IDLE first). Its
 * completion goes to cb; when the connection is lost before it, the
 * command is started again on the next one if flags has
 * IMAPCLIENT_SESSION_IDEMPOTENT (at most retry_limit times), else cb gets
 * the loss (IMAPCLIENT_EABORT, "... not retried"). arg must stay valid
 * until cb was called; with use_uid on, message sets are UIDs, which keep
 * their meaning across connections (sequence numbers would not).
 *
 * cb is called from imapclient_session_drive() (or free) with the handle
 * the command ran on, which may be dead, or NULL when it never ran.
 *
 * @return 0 (queued or started); IMAPCLIENT_EINVAL (NULL start or cb);
 *         a failure start returned at once (nothing queued, cb not
 *         called); the FAILED status
 */
IMAPCLIENT_EXTERN int imapclient_session_submit(imapclient_session *s,
                                                imapclient_session_start_fn start,
                                                void *arg, unsigned flags,
                                                imapclient_done_cb cb, void *user);

/**
 * Append a message through the session, never twice after a loss.
 *
 * As imapclient_start_append() (the message and flags are copied). When
 * the connection is lost with the APPEND in flight, the folder is
 * searched for the message's Message-ID after the reconnect: found, the
 * completion is a success whose result (imapclient_append_result) holds
 * the UID found (has_appenduid 0, text saying so); not found by that
 * search nor by a second one a second later, it is appended again (and its
 * completion is that APPEND's, with APPENDUID when the server sends it).
 * The server's APPENDUID tells the UID of an APPEND that completed; it
 * cannot tell whether one cut off was carried out, the search does. A
 * message without a Message-ID
 * header it is not retried (the completion reports the loss). A message
 * with the same Message-ID that was already in another folder than the
 * session's counts as the APPEND done.
 *
 * @return as imapclient_session_submit(); IMAPCLIENT_EINVAL also for a NULL
 *         folder or msg
 */
IMAPCLIENT_EXTERN int imapclient_session_append(imapclient_session *s, const char *folder,
                                                const char *msg, size_t msg_len,
                                                const char *const *flags,
                                                imapclient_done_cb cb, void *user);

/**
 * Ask the server what changed now and call cb once it is reported.
 *
 * Leaves IDLE for it; cb comes once the answer was applied and reported
 * (op IMAPCLIENT_OP_NOOP, status 0;
 * IMAPCLIENT_EABORT when the session is freed first). Across a reconnect
 * it waits for the RESUMED event. For tests and "check mail now" buttons.
 *
 * @return 0; IMAPCLIENT_EINVAL (NULL cb), IMAPCLIENT_ENOMEM, or the FAILED status
 */
IMAPCLIENT_EXTERN int imapclient_session_refresh(imapclient_session *s,
                                                 imapclient_done_cb cb, void *user);

IMAPCLIENT_END_DECLS

#endif
