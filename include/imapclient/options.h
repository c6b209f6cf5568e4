/**
 * @file
 * libimapclient: connection options (the keyword arguments of IMAPClient()).
 */
#ifndef IMAPCLIENT_OPTIONS_H
#define IMAPCLIENT_OPTIONS_H

#include "common.h"

IMAPCLIENT_BEGIN_DECLS

/** Direction of a protocol log line. */
typedef enum imapclient_log_dir {
    IMAPCLIENT_LOG_SENT = 'C',     /**< a line the client sent */
    IMAPCLIENT_LOG_RECEIVED = 'S', /**< a response the server sent */
    IMAPCLIENT_LOG_INFO = 'I'      /**< a remark of the library (TLS up, ...) */
} imapclient_log_dir;

/**
 * Protocol log callback. Called once per line sent and once per response
 * received (long responses are cut to their first 4096 bytes, with a note of
 * the full size). Passwords of LOGIN and every AUTHENTICATE payload appear
 * as `***`. line is not NUL-terminated; len is its length.
 */
typedef void (*imapclient_log_fn)(void *payload, imapclient_log_dir dir, const char *line,
                                  size_t len);

/**
 * A TLS configuration that connections share (see imapclient/tls.h):
 * trusted CAs loaded once, a TLS session cache for resumption.
 */
typedef struct imapclient_tls_config imapclient_tls_config;

/** The current version of imapclient_options (set by imapclient_options_init()). */
#define IMAPCLIENT_OPTIONS_VERSION 1

/**
 * Connection options. Always initialise with imapclient_options_init(), then
 * change what you need; fields are only ever appended.
 *
 * String fields are copied by imapclient_connect(); the caller may free them
 * afterwards.
 */
typedef struct imapclient_options {
    unsigned version; /**< IMAPCLIENT_OPTIONS_VERSION */

    /* Where and how to connect (IMAPClient(host, port, ssl, stream)). */
    int port;   /**< 0: 993 with ssl, 143 without */
    int ssl;    /**< implicit TLS (default 1) */
    int stream; /**< host is a shell command whose stdin/stdout carry IMAP (default 0) */

    /* SocketTimeout(connect, read), in milliseconds; 0 waits for ever. */
    int connect_timeout_ms; /**< resolving, connecting, TLS handshake, greeting */
    int timeout_ms;         /**< each later read or write */

    /* TLS (ssl_context). Certificate and hostname are verified by default. */
    const char *ca_file;      /**< PEM bundle of trusted CAs; NULL: system default */
    const char *ca_path;      /**< directory of hashed CA certificates; NULL: none */
    int verify_peer;          /**< verify the certificate chain (default 1) */
    int check_hostname;       /**< verify the name in the certificate (default 1) */
    const char *tls_hostname; /**< name to verify and send as SNI; NULL: host */
    const char *cert_file;    /**< client certificate (PEM), or NULL */
    const char *key_file;     /**< its private key (PEM); NULL: cert_file */
    void *ssl_ctx; /**< an OpenSSL SSL_CTX * to use instead of the settings above;
                        the library takes a reference and never changes it */

    /* Behaviour (IMAPClient attributes; may also be changed later). */
    int use_uid;         /**< UID commands and UIDs in results (default 1) */
    int normalise_times; /**< convert dates to local time, drop the offset (default 1) */
    int folder_encode;   /**< modified UTF-7 folder names (default 1) */

    /* Protocol log (never shows passwords or tokens). */
    imapclient_log_fn log; /**< called per line sent and received; NULL: no log */
    void *log_payload;     /**< passed to log */

    /* Limits that keep memory bounded against hostile servers. */
    size_t max_line;      /**< longest line outside literals (default 8 MiB) */
    uint64_t max_literal; /**< largest literal accepted (default 1 GiB) */
    unsigned max_depth;   /**< deepest list nesting (default 100) */

    /**
     * Called when a wait for the server is interrupted by a signal (poll()
     * gives EINTR, whatever SA_RESTART says). Return non-zero to abandon the
     * call with IMAPCLIENT_EINTERRUPTED, 0 to go on waiting (the timeouts
     * still count from the start). A typical use: a SIGINT handler sets a
     * flag that this callback returns. An interrupted command leaves the
     * connection out of step, so the handle is then unusable, except for an
     * interrupted imapclient_idle_check(), after which the handle is still
     * in IDLE and imapclient_idle_done() works. NULL (the default): waits
     * are resumed after signals.
     */
    int (*interrupt)(void *payload);
    void *interrupt_payload; /**< passed to interrupt */

    /**
     * Server quirks to use instead of detecting them (imapclient/quirks.h):
     * copied by imapclient_connect(), and detection then leaves them
     * alone, as after imapclient_set_quirks(). NULL (the default): detected
     * from the greeting, the capabilities and the ID response.
     */
    const struct imapclient_quirks *quirks;

    /**
     * A shared TLS configuration (imapclient_tls_config_new()) for implicit
     * TLS and STARTTLS, or NULL (the default). When set, it replaces
     * ca_file, ca_path, verify_peer, cert_file, key_file and ssl_ctx;
     * check_hostname and tls_hostname still apply. The handle takes its own
     * reference at imapclient_connect(), so the caller may drop its own
     * afterwards. Give the same configuration to every connection you make
     * (to one or many servers, from any thread): the CAs are loaded once and
     * a reconnection to the same server resumes its TLS session. NULL: the
     * fields above apply, through a configuration the library makes once
     * per process for the plain settings (verify_peer on or off, no CA
     * file, no client certificate), or one the handle makes at its first
     * TLS handshake otherwise; no CA store is loaded when verify_peer is
     * off.
     */
    imapclient_tls_config *tls_config;

    /**
     * Require STARTTLS (default 0): imapclient_connect() upgrades the plain
     * connection with STARTTLS right after the greeting, as
     * imapclient_starttls() does, before it returns; if that is not
     * possible the connection is closed and connect fails with the error
     * of imapclient_starttls(). A PREAUTH greeting on a plaintext
     * connection then ends the connection with IMAPCLIENT_ETLS: the
     * session would be authenticated without TLS, which is how a
     * man in the middle strips STARTTLS (the "PREAUTH downgrade"). Use
     * with ssl = 0 (ssl and starttls together give IMAPCLIENT_EINVAL).
     */
    int starttls;

    /**
     * Bytes that the untagged responses kept for imapclient_noop() and
     * imapclient_take_responses() may use (default 4 MiB; 0 gives the
     * default). With at most 100,000 responses, this bounds the memory a
     * server can make the library hold with responses nobody asked for:
     * beyond it they are dropped (and counted in
     * imapclient_responses.dropped, noted in the protocol log). What a call
     * asked for is never dropped; it is bounded by the call's own
     * arguments.
     */
    size_t max_pending_bytes;

    /**
     * Deadline of every call, in milliseconds (default 0: none). The
     * timeouts above bound each wait; a server that sends a byte now and
     * then never lets one expire, so a call could last for ever (a 5,000
     * byte literal at a byte a second takes 83 minutes). With a deadline a
     * call that is not over within deadline_ms fails with
     * IMAPCLIENT_ETIMEOUT ("the call's deadline of N ms passed"): every
     * wait counts, for reads, writes, literals, TLS handshakes (STARTTLS,
     * and in imapclient_connect(), which is a call too) and IDLE. A
     * command cut short leaves the connection out of step, so the handle
     * is then unusable (IMAPCLIENT_EABORT afterwards), as after a read
     * timeout; only an imapclient_idle_check() whose wait reached the
     * deadline with nothing read leaves the handle in IDLE. Change it
     * between calls with imapclient_set_deadline(). Commands started
     * without waiting (imapclient/async.h) have it too, each from its
     * imapclient_start_*() call (the setting then) to its completion, and
     * imapclient_connect_start() up to its completion: imapclient_want()'s
     * timeout_ms announces the nearest one and imapclient_drive() ends the
     * connection with IMAPCLIENT_ETIMEOUT once it passed (an IDLE that is
     * idling has none, as for the silence timeout).
     */
    int deadline_ms;

    /*
     * Dead-connection detection (see also the README, "Connections that
     * die"). TCP keepalive makes the kernel probe a quiet connection and
     * report it dead when the peer's host is gone (default: after 60 s of
     * silence, 4 probes 15 s apart, so within 2 minutes); with it on, sent
     * data that stays unacknowledged for as long also kills the connection
     * (TCP_USER_TIMEOUT, Linux). Keepalive cannot see a path that still
     * acknowledges TCP but no longer carries IMAP (a stuck middlebox, a
     * server process that hangs): IDLE's renewal and liveness probe below
     * do. A timing of 0 or less keeps the system's own setting for it; set
     * tcp_keepalive to 0 to leave the socket as the system made it.
     * Ignored for stream and scripted connections.
     */
    int tcp_keepalive;            /**< SO_KEEPALIVE on (default 1) */
    int tcp_keepalive_idle_s;     /**< silence before the first probe (default 60) */
    int tcp_keepalive_interval_s; /**< between probes (default 15) */
    int tcp_keepalive_count;      /**< unanswered probes that kill it (default 4) */

    /**
     * IDLE renewal (default 300000: 5 minutes; 0 never renews on its own).
     * While imapclient_idle_check() waits, and in the non-blocking IDLE of
     * imapclient_start_idle(), an IDLE this old (or as old as the server's
     * quirks.idle_max_ms, when shorter) is ended and started again (DONE,
     * NOOP, IDLE). RFC 2177 asks for it within 29 minutes; some
     * servers drop IDLE sooner (Lark after 10 minutes), NAT routers forget
     * quiet connections, and the renewal is also the liveness probe: a
     * connection that went silently dead is found at the next renewal.
     */
    int idle_renew_ms;
    /**
     * Liveness probe (default 15000; 0: none, only timeout_ms applies). The
     * server must answer each IDLE transition within this many ms: the "+"
     * of IDLE, the completion after DONE (imapclient_idle_done(),
     * imapclient_start_idle_done()) and the whole DONE, NOOP, IDLE of a
     * renewal. When it does not, the connection is taken for dead: the call
     * (or the non-blocking IDLE) fails with IMAPCLIENT_EABORT and the handle
     * is closed. So a silent dead peer in IDLE is reported within
     * idle_renew_ms + idle_probe_ms of the last IDLE start (5 min 15 s by
     * default), and imapclient_idle_done() never waits longer than
     * idle_probe_ms.
     */
    int idle_probe_ms;
} imapclient_options;

/** Fill o with the reference's defaults (see the field comments). */
IMAPCLIENT_EXTERN void imapclient_options_init(imapclient_options *o);

IMAPCLIENT_END_DECLS

#endif
