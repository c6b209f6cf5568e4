/*
 * Transports: a small vtable (read, write, poll fd, close) with one
 * implementation per way of reaching a server. Timeouts are enforced here,
 * so nothing above ever blocks longer than asked.
 */
#ifndef IMC_TRANSPORT_H
#define IMC_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

#include <imapclient/options.h>

typedef struct imc_transport imc_transport;

/* Non-blocking forms: "would block" (not a public status), and what to
 * wait for then (t->wants). */
#define IMC_AGAIN (-1000)
enum { IMC_WANT_READ = 1, IMC_WANT_WRITE = 2 };

struct imc_transport_ops {
    const char *name;
    /* >0 bytes read, 0 at end of stream, or a negative status (ETIMEOUT,
     * EIO, ETLS); timeout_ms 0 waits for ever, <0 does not wait at all.
     * timeout_ms bounds the whole call, however many waits it takes. */
    ssize_t (*read)(imc_transport *t, void *buf, size_t len, int timeout_ms);
    /* 0 when all len bytes are written, else a negative status; timeout_ms
     * bounds the whole call. */
    int (*write)(imc_transport *t, const void *buf, size_t len, int timeout_ms);
    /* Bytes already decoded and waiting inside the transport (TLS records). */
    size_t (*pending)(imc_transport *t);
    /* Release everything; closes fds it owns. */
    void (*close)(imc_transport *t);
    /* Non-blocking forms, for the non-blocking front: move what can move
     * now. try_read: >0 bytes, 0 at end of stream, IMC_AGAIN (t->wants
     * says what to wait for), or a negative status. try_write: bytes taken
     * (>0), IMC_AGAIN, or a negative status; len 0 only pushes out what
     * the transport still holds (see unsent). */
    ssize_t (*try_read)(imc_transport *t, void *buf, size_t len);
    ssize_t (*try_write)(imc_transport *t, const void *buf, size_t len);
    /* Bytes taken by try_write but still held inside (compression);
     * NULL: never any. */
    size_t (*unsent)(imc_transport *t);
};

struct imc_transport {
    const struct imc_transport_ops *ops;
    int rfd, wfd; /* fds to poll (-1 for none) */
    int is_tls;
    int tls_resumed; /* the TLS session was resumed (abbreviated handshake) */
    int is_compressed;
    int wants; /* IMC_WANT_* after IMC_AGAIN */
    /* the caller's interrupt hook (imapclient_options.interrupt) */
    int (*interrupt)(void *payload);
    void *interrupt_payload;
    char err[256]; /* detail of the last failure */
};

/* Plain TCP to host:port; tries every address getaddrinfo returns.
 * Returns 0, IMAPCLIENT_ERESOLVE, IMAPCLIENT_ECONNECT, IMAPCLIENT_ETIMEOUT,
 * IMAPCLIENT_ENOMEM; on failure err (if not NULL, 256 bytes) says why. */
int imc_tcp_connect(const char *host, int port, int timeout_ms, imc_transport **out,
                    char *err);

/* A shell command whose stdin/stdout carry the protocol (stream=True). */
int imc_cmdstream_start(const char *command, imc_transport **out, char *err);

/* TLS over an fd-based transport; takes ownership of inner (closed with
 * the TLS transport, also on failure). host is checked against the
 * certificate unless opts->check_hostname is 0. The settings: *config (the
 * handle's slot, holding a reference), else opts->tls_config, else
 * opts->ssl_ctx, else a configuration made from opts, kept in *config for
 * the next handshake (config may be NULL: then used for this connection
 * only). Returns 0, ETLS, ECERTIFICATE, ETIMEOUT, ENOMEM. */
int imc_tls_wrap(imc_transport *inner, const char *host, const imapclient_options *opts,
                 imapclient_tls_config **config, int timeout_ms, imc_transport **out,
                 char *err);
/* The same in steps, for the non-blocking front: imc_tls_start sets up
 * the TLS transport (no I/O; same ownership, settings and errors), then
 * imc_tls_handshake moves the handshake on: 0 when done, IMC_AGAIN (wait
 * as t->wants says), or a failure status with err set. */
int imc_tls_start(imc_transport *inner, const char *host, const imapclient_options *opts,
                  imapclient_tls_config **config, imc_transport **out, char *err);
int imc_tls_handshake(imc_transport *t, char *err);

/* Hold or release a caller's OpenSSL SSL_CTX (options.ssl_ctx) for as long
 * as a handle may use it; NULL is a no-op. */
void imc_tls_ctx_hold(void *ssl_ctx);
void imc_tls_ctx_release(void *ssl_ctx);

/* Plain TCP, non-blocking: resolves host (getaddrinfo, which may block
 * unless host is a numeric address) and starts connecting to the first
 * address; imc_tcp_connect_step moves on when the fd is writable (0
 * connected, IMC_AGAIN, or a failure after every address was tried). */
int imc_tcp_connect_start(const char *host, int port, imc_transport **out, char *err);
int imc_tcp_connect_step(imc_transport *t, char *err);

/* TCP keepalive (and TCP_USER_TIMEOUT) as o asks (tcp_keepalive*), on a
 * connected TCP transport; other transports are left alone. 0, or EIO with
 * err (256 bytes) set when the system refused a setting (the connection
 * is still usable). */
int imc_tcp_keepalive(imc_transport *t, const imapclient_options *o, char *err);

/* COMPRESS=DEFLATE (RFC 4978) over inner; on success the new transport
 * owns inner, on failure inner is untouched. */
int imc_deflate_wrap(imc_transport *inner, imc_transport **out, char *err);

/* Scripted server (see include/imapclient/testing.h). */
int imc_scripted_new(const char *script, imc_transport **out, char *err);
int imc_scripted_done(const imc_transport *t);
const char *imc_scripted_sent(const imc_transport *t);
int imc_is_scripted(const imc_transport *t);

/* Milliseconds of a monotonic clock. */
long long imc_now_ms(void);

/* The wait left before deadline (monotonic ms, 0 = none) for a wait of
 * timeout_ms (0 for ever, <0 not at all): timeout_ms, or less when the
 * deadline comes first, in which case *capped is set. 0 when the deadline
 * has passed (check *capped). */
int imc_budget_ms(long long deadline, int timeout_ms, int *capped);

/* Wait until fd is readable (events POLLIN) or writable (POLLOUT).
 * Returns 1 ready, 0 timed out, IMAPCLIENT_EINTERRUPTED when a signal came
 * and t's interrupt hook said stop (t may be NULL), IMAPCLIENT_EIO.
 * Signals do not extend the timeout. */
int imc_wait_fd(const imc_transport *t, int fd, int for_write, int timeout_ms);

static inline void imc_transport_close(imc_transport *t)
{
    if (t)
        t->ops->close(t);
}

#endif
