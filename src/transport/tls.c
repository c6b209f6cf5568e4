/* TLS transport (OpenSSL) stacked on any fd-based transport: implicit TLS,
 * STARTTLS and TLS over a command stream all come through here.
 * Certificate chain and host name are verified unless turned off.
 *
 * The settings come from a TLS configuration (tls_config.c): the caller's
 * shared one, or one the handle makes from its options at its first
 * handshake; or, the older way, from the caller's own SSL_CTX. */
#include "tls_config.h"
#include "transport.h"

#include <imapclient/errors.h>

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

typedef struct tls_transport {
    imc_transport base;
    imc_transport *inner;
    SSL_CTX *ctx;
    SSL *ssl;
    char name[256];             /* the name verified, for messages */
    imapclient_tls_config *cfg; /* a reference, or NULL with a caller's SSL_CTX */
    char *key;                  /* the session cache key (cfg only) */
    BIO_METHOD *meth;           /* the socket BIO's (see socket_bio()) */
    int nosig;                  /* the socket BIO writes: no SIGPIPE to guard against */
    int write_retry; /* the last SSL_write must be retried (a record half-sent) */
} tls_transport;

/* OpenSSL's own socket BIO writes with write(), which raises SIGPIPE once
 * the server is gone, and the default action kills the process. On a
 * socket, OpenSSL gets a BIO of ours that writes with send(MSG_NOSIGNAL)
 * instead: no signal, only EPIPE, at no extra cost. On other fds (the pipes
 * of a command stream), around each OpenSSL call that may write, SIGPIPE is
 * blocked in this thread and a SIGPIPE the call raised is taken off again,
 * as libpq does (four system calls per OpenSSL call); the process-wide
 * disposition is never touched (no global state). A dropped connection
 * then shows as EPIPE: an error. */
typedef struct sigpipe_guard {
    sigset_t old;
    int blocked;
    int was_pending; /* a SIGPIPE of the application's own: left alone */
} sigpipe_guard;

static void sigpipe_block(const tls_transport *t, sigpipe_guard *g)
{
    g->blocked = 0;
    if (t->nosig)
        return;
    sigset_t pipe, pend;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    g->blocked = pthread_sigmask(SIG_BLOCK, &pipe, &g->old) == 0;
    g->was_pending = sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE);
}

static void sigpipe_restore(sigpipe_guard *g)
{
    if (!g->blocked)
        return;
    sigset_t pipe, pend;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    if (!g->was_pending && sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE)) {
        static const struct timespec now = {0, 0};
        sigtimedwait(&pipe, NULL, &now);
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

static int bio_write(BIO *b, const char *buf, int len)
{
    const tls_transport *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t n = send(t->base.wfd, buf, (size_t)len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_write(b);
    return n < 0 ? -1 : (int)n;
}

static int bio_read(BIO *b, char *buf, int len)
{
    const tls_transport *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t n = recv(t->base.rfd, buf, (size_t)len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_read(b);
    return n < 0 ? -1 : (int)n; /* 0: end of stream */
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    const tls_transport *t = BIO_get_data(b);
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_C_GET_FD:
        if (ptr)
            *(int *)ptr = t->base.rfd;
        return t->base.rfd;
    default:
        return 0; /* no kTLS, nothing pending: OpenSSL's socket BIO says the same */
    }
}

/* A BIO on the transport's socket that writes with MSG_NOSIGNAL, or NULL
 * when the fd is not a socket (or out of memory): then OpenSSL's socket
 * BIO and the SIGPIPE guard. The method is the transport's own (a method
 * per process would be global state; it costs one small allocation). */
static BIO *socket_bio(tls_transport *t)
{
    int type;
    socklen_t len = sizeof type;
    if (t->base.rfd != t->base.wfd ||
        getsockopt(t->base.rfd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
        type != SOCK_STREAM)
        return NULL;
    t->meth = BIO_meth_new(BIO_TYPE_START | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                           "imapclient socket");
    if (!t->meth || !BIO_meth_set_write(t->meth, bio_write) ||
        !BIO_meth_set_read(t->meth, bio_read) || !BIO_meth_set_ctrl(t->meth, bio_ctrl))
        return NULL;
    BIO *b = BIO_new(t->meth);
    if (b) {
        BIO_set_data(b, t);
        BIO_set_init(b, 1);
    }
    return b;
}

static void ssl_err_text(char *dst, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[200] = "";
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    snprintf(dst, 256, "%s%s%s", what, e ? ": " : "", buf);
    ERR_clear_error();
}

/* Wait as OpenSSL asks; 0 to retry, or a negative status. end is when the
 * whole call must be over (0: no end): a peer sending a record a byte at a
 * time cannot stretch one call beyond timeout_ms (issue 14, item 4). */
static int tls_wait(tls_transport *t, int sslrc, int timeout_ms, long long end,
                    const char *what)
{
    int e = SSL_get_error(t->ssl, sslrc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (timeout_ms < 0) {
            snprintf(t->base.err, sizeof t->base.err, "no data available");
            return IMAPCLIENT_ETIMEOUT;
        }
        int capped, wait = imc_budget_ms(end, timeout_ms, &capped);
        int w = capped && !wait
                    ? 0
                    : imc_wait_fd(&t->base,
                                  e == SSL_ERROR_WANT_READ ? t->base.rfd : t->base.wfd,
                                  e == SSL_ERROR_WANT_WRITE, wait);
        if (w == IMAPCLIENT_EINTERRUPTED)
            snprintf(t->base.err, sizeof t->base.err, "%s interrupted", what);
        if (w == 0) {
            snprintf(t->base.err, sizeof t->base.err, "%s timed out after %d ms", what,
                     timeout_ms);
            return IMAPCLIENT_ETIMEOUT;
        }
        return w < 0 ? w : 0;
    }
    if (e == SSL_ERROR_ZERO_RETURN)
        return 1; /* clean close */
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
        snprintf(t->base.err, sizeof t->base.err, "%s: connection closed by peer", what);
        return IMAPCLIENT_EIO;
    }
    ssl_err_text(t->base.err, what);
    return IMAPCLIENT_ETLS;
}

/* When a call given timeout_ms must be over (0: never). */
static long long call_end(int timeout_ms)
{
    return timeout_ms > 0 ? imc_now_ms() + timeout_ms : 0;
}

static ssize_t tls_read(imc_transport *bt, void *buf, size_t len, int timeout_ms)
{
    tls_transport *t = (tls_transport *)bt;
    long long end = call_end(timeout_ms);
    for (;;) {
        size_t got = 0;
        sigpipe_guard g; /* reading may write (alerts, key updates) */
        sigpipe_block(t, &g);
        int rc = SSL_read_ex(t->ssl, buf, len, &got);
        sigpipe_restore(&g);
        if (rc == 1)
            return (ssize_t)got;
        int w = tls_wait(t, rc, timeout_ms, end, "TLS read");
        if (w == 1)
            return 0;
        if (w == IMAPCLIENT_EIO && strstr(t->base.err, "closed by peer"))
            return 0; /* EOF without close_notify: still an end of stream */
        if (w < 0)
            return w;
    }
}

static int tls_write(imc_transport *bt, const void *buf, size_t len, int timeout_ms)
{
    tls_transport *t = (tls_transport *)bt;
    long long end = call_end(timeout_ms);
    const char *p = buf;
    while (len) {
        size_t put = 0;
        sigpipe_guard g;
        sigpipe_block(t, &g);
        int rc = SSL_write_ex(t->ssl, p, len, &put);
        sigpipe_restore(&g);
        if (rc == 1) {
            p += put;
            len -= put;
            continue;
        }
        int w = tls_wait(t, rc, timeout_ms, end, "TLS write");
        if (w == 1) {
            snprintf(t->base.err, sizeof t->base.err, "TLS write: connection closed");
            return IMAPCLIENT_EIO;
        }
        if (w < 0)
            return w;
    }
    return 0;
}

static size_t tls_pending(imc_transport *bt)
{
    tls_transport *t = (tls_transport *)bt;
    return (size_t)SSL_pending(t->ssl);
}

static void tls_close(imc_transport *bt)
{
    tls_transport *t = (tls_transport *)bt;
    if (t->ssl) {
        sigpipe_guard g;
        sigpipe_block(t, &g);
        SSL_shutdown(t->ssl); /* best effort close_notify; never waits */
        sigpipe_restore(&g);
        SSL_free(t->ssl);
    }
    BIO_meth_free(t->meth); /* after SSL_free(): its BIO used it */
    SSL_CTX_free(t->ctx);
    imapclient_tls_config_unref(t->cfg);
    free(t->key);
    imc_transport_close(t->inner);
    ERR_clear_error();
    free(t);
}

/* What OpenSSL waits for after a call that could not finish; 1 when it
 * waits for the socket, 0 for anything else. */
static int tls_wants(tls_transport *t, int sslrc)
{
    int e = SSL_get_error(t->ssl, sslrc);
    if (e == SSL_ERROR_WANT_READ) {
        t->base.wants = IMC_WANT_READ;
        return 1;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        t->base.wants = IMC_WANT_WRITE;
        return 1;
    }
    return 0;
}

static ssize_t tls_try_read(imc_transport *bt, void *buf, size_t len)
{
    tls_transport *t = (tls_transport *)bt;
    size_t got = 0;
    sigpipe_guard g;
    sigpipe_block(t, &g);
    int rc = SSL_read_ex(t->ssl, buf, len, &got);
    sigpipe_restore(&g);
    if (rc == 1)
        return (ssize_t)got;
    if (tls_wants(t, rc))
        return IMC_AGAIN; /* a write wanted here is a renegotiation or key update */
    int w = tls_wait(t, rc, -1, 0, "TLS read");
    if (w == 1 || (w == IMAPCLIENT_EIO && strstr(t->base.err, "closed by peer")))
        return 0;
    return w < 0 ? w : IMAPCLIENT_ETLS;
}

static ssize_t tls_try_write(imc_transport *bt, const void *buf, size_t len)
{
    tls_transport *t = (tls_transport *)bt;
    if (!len)
        return 0;
    if (SSL_in_init(t->ssl) || (SSL_renegotiate_pending(t->ssl) && !t->write_retry)) {
        /* A renegotiation (or key update) the server asked for is under
         * way or about to start: try_read drives it, SSL_read writing the
         * client's flights too. Driven by SSL_write, OpenSSL fails it with
         * "unexpected record" when the server's application data comes
         * before its ServerHello (SSL_read may take it), or with "bad
         * length" when a handshake flight bigger than len is half-sent. A
         * record half-sent before it started is finished first (OpenSSL
         * starts the renegotiation only after that). */
        t->base.wants = IMC_WANT_READ;
        return IMC_AGAIN;
    }
    size_t put = 0;
    sigpipe_guard g;
    sigpipe_block(t, &g);
    int rc = SSL_write_ex(t->ssl, buf, len, &put);
    sigpipe_restore(&g);
    t->write_retry = rc != 1;
    if (rc == 1)
        return (ssize_t)put;
    if (tls_wants(t, rc))
        return IMC_AGAIN;
    int w = tls_wait(t, rc, -1, 0, "TLS write");
    if (w == 1) {
        snprintf(t->base.err, sizeof t->base.err, "TLS write: connection closed");
        return IMAPCLIENT_EIO;
    }
    return w < 0 ? w : IMAPCLIENT_ETLS;
}

static const struct imc_transport_ops tls_ops = {
    .name = "tls",
    .read = tls_read,
    .write = tls_write,
    .pending = tls_pending,
    .close = tls_close,
    .try_read = tls_try_read,
    .try_write = tls_try_write,
};

static int is_ip_literal(const char *host)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* A session the server issued for this connection (OpenSSL calls this at
 * the end of a TLS 1.2 handshake and for each TLS 1.3 ticket, which comes
 * after the handshake): kept in the configuration's cache. 1 = the cache
 * took the reference. */
static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    tls_transport *t = SSL_get_app_data(ssl);
    if (!t || !t->cfg || !t->key)
        return 0;
    return imc_tls_config_cache_put(t->cfg, t->key, sess);
}

/* The configuration for this handshake: the handle's (the caller's shared
 * one, or the one made from the options at the first handshake and kept in
 * *slot), or a new one from the options when there is no slot. NULL with
 * the caller's SSL_CTX (options.ssl_ctx, no cache). */
static int choose_config(const imapclient_options *o, imapclient_tls_config **slot,
                         imapclient_tls_config **out, char *err)
{
    imapclient_tls_config *cfg = slot && *slot ? *slot : o->tls_config;
    *out = NULL;
    if (!cfg && o->ssl_ctx)
        return 0;
    if (!cfg) {
        int rc = imc_tls_config_from_options(o, &cfg, err);
        if (rc)
            return rc;
        if (slot)
            *slot = imapclient_tls_config_ref(cfg); /* reused for the next handshake */
        *out = cfg;
        return 0;
    }
    *out = imapclient_tls_config_ref(cfg);
    return 0;
}

int imc_tls_start(imc_transport *inner, const char *host, const imapclient_options *o,
                  imapclient_tls_config **slot, imc_transport **out, char *err)
{
    tls_transport *t = calloc(1, sizeof *t);
    if (!t) {
        imc_transport_close(inner);
        snprintf(err, 256, "out of memory");
        return IMAPCLIENT_ENOMEM;
    }
    t->inner = inner;
    t->base.ops = &tls_ops;
    t->base.rfd = inner->rfd;
    t->base.wfd = inner->wfd;
    t->base.is_tls = 1;
    t->base.interrupt = inner->interrupt;
    t->base.interrupt_payload = inner->interrupt_payload;
    int rc = choose_config(o, slot, &t->cfg, err);
    if (rc)
        goto fail;
    rc = IMAPCLIENT_ETLS;
    if (t->cfg) {
        if ((rc = imc_tls_config_prepare(t->cfg, on_new_session, err)))
            goto fail;
        rc = IMAPCLIENT_ETLS;
        t->ctx = imc_tls_config_ctx(t->cfg);
    } else {
        t->ctx = o->ssl_ctx;
    }
    SSL_CTX_up_ref(t->ctx);
    if (!(t->ssl = SSL_new(t->ctx))) {
        ssl_err_text(err, "SSL_new");
        goto fail;
    }
    SSL_set_app_data(t->ssl, t);
    /* The non-blocking front may hand a write back with more bytes, or in
     * another buffer, after OpenSSL asked to wait. */
    SSL_set_mode(t->ssl,
                 SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* An idle connection keeps no record buffers (about 34 KB each, most
     * of the memory a connection holds); they come back when data does. */
    SSL_set_mode(t->ssl, SSL_MODE_RELEASE_BUFFERS);
    BIO *bio = socket_bio(t);
    if (bio) {
        SSL_set_bio(t->ssl, bio, bio); /* one BIO both ways: one reference */
        t->nosig = 1;
    } else {
        ERR_clear_error();
        SSL_set_rfd(t->ssl, inner->rfd);
        SSL_set_wfd(t->ssl, inner->wfd);
    }
    const char *name = o->tls_hostname ? o->tls_hostname : host;
    snprintf(t->name, sizeof t->name, "%s", name);
    if (!is_ip_literal(name))
        SSL_set_tlsext_host_name(t->ssl, name);
    if (o->check_hostname) {
        X509_VERIFY_PARAM *param = SSL_get0_param(t->ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        int ok = is_ip_literal(name) ? X509_VERIFY_PARAM_set1_ip_asc(param, name)
                                     : X509_VERIFY_PARAM_set1_host(param, name, 0);
        if (ok != 1) {
            ssl_err_text(err, "cannot set the host name to verify");
            goto fail;
        }
    }
    if (t->cfg && imc_tls_config_caching(t->cfg)) {
        /* Sessions are resumed only towards the name they were made for,
         * on the same port, with the same host name check: a session whose
         * name was not checked never serves a connection that checks it. */
        int port = o->port ? o->port : (o->ssl ? 993 : 143);
        size_t n = strlen(name) + 32;
        if (!(t->key = malloc(n))) {
            snprintf(err, 256, "out of memory");
            rc = IMAPCLIENT_ENOMEM;
            goto fail;
        }
        snprintf(t->key, n, "%s|%d|%c", name, port, o->check_hostname ? 'h' : '-');
        SSL_SESSION *sess = imc_tls_config_cache_take(t->cfg, t->key);
        if (sess) {
            SSL_set_session(t->ssl, sess); /* on failure: a full handshake */
            SSL_SESSION_free(sess);
        }
    }
    *out = &t->base;
    return 0;
fail:
    tls_close(&t->base);
    return rc;
}

/* After the handshake: whether it resumed a session. A TLS 1.2 session
 * serves again (its new-session call came with the full handshake only);
 * TLS 1.3 tickets are used once, new ones arrive after the handshake. */
static void handshake_done(tls_transport *t)
{
    t->base.tls_resumed = SSL_session_reused(t->ssl) == 1;
    if (t->key && t->base.tls_resumed && SSL_version(t->ssl) < TLS1_3_VERSION) {
        SSL_SESSION *sess = SSL_get1_session(t->ssl);
        if (sess && !imc_tls_config_cache_put(t->cfg, t->key, sess))
            SSL_SESSION_free(sess);
    }
}

/* One step of the handshake: 0 done, 1 wait (t->base.wants), or a
 * failure status with err set. */
static int handshake_step(tls_transport *t, char *err)
{
    sigpipe_guard g;
    sigpipe_block(t, &g);
    int r = SSL_connect(t->ssl);
    sigpipe_restore(&g);
    if (r == 1) {
        handshake_done(t);
        return 0;
    }
    /* A chain that fails verification aborts the handshake when the peer
     * is verified. The verify result alone says nothing while the
     * handshake waits for data, nor with verification off (a resumed
     * session carries the result of its first handshake). */
    int e = SSL_get_error(t->ssl, r);
    long vr = SSL_get_verify_result(t->ssl);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE &&
        (SSL_get_verify_mode(t->ssl) & SSL_VERIFY_PEER) && vr != X509_V_OK) {
        snprintf(err, 256, "certificate verification failed for %.120s: %s", t->name,
                 X509_verify_cert_error_string(vr));
        ERR_clear_error();
        return IMAPCLIENT_ECERTIFICATE;
    }
    if (tls_wants(t, r))
        return 1;
    int w = tls_wait(t, r, -1, 0, "TLS handshake");
    snprintf(err, 256, "%s", w == 1 ? "TLS handshake: connection closed" : t->base.err);
    return w == 1 || w == IMAPCLIENT_EIO || w >= 0 ? IMAPCLIENT_ETLS : w;
}

int imc_tls_handshake(imc_transport *bt, char *err)
{
    int rc = handshake_step((tls_transport *)bt, err);
    return rc == 1 ? IMC_AGAIN : rc;
}

int imc_tls_wrap(imc_transport *inner, const char *host, const imapclient_options *o,
                 imapclient_tls_config **slot, int timeout_ms, imc_transport **out,
                 char *err)
{
    imc_transport *bt = NULL;
    int rc = imc_tls_start(inner, host, o, slot, &bt, err);
    if (rc)
        return rc;
    tls_transport *t = (tls_transport *)bt;
    long long end = call_end(timeout_ms); /* the whole handshake */
    while ((rc = handshake_step(t, err)) == 1) {
        int capped, wait = imc_budget_ms(end, timeout_ms, &capped);
        int w = capped && !wait
                    ? 0
                    : imc_wait_fd(bt, bt->wants == IMC_WANT_READ ? bt->rfd : bt->wfd,
                                  bt->wants == IMC_WANT_WRITE, wait);
        if (w == 1)
            continue;
        if (w == 0) {
            snprintf(err, 256, "TLS handshake timed out after %d ms", timeout_ms);
            rc = IMAPCLIENT_ETIMEOUT;
        } else {
            snprintf(err, 256, "%s",
                     w == IMAPCLIENT_EINTERRUPTED ? "TLS handshake interrupted"
                                                  : "TLS handshake: poll failed");
            rc = w;
        }
        break;
    }
    if (rc) {
        tls_close(bt);
        return rc;
    }
    *out = bt;
    return 0;
}

void imc_tls_ctx_hold(void *ssl_ctx)
{
    if (ssl_ctx)
        SSL_CTX_up_ref(ssl_ctx);
}

void imc_tls_ctx_release(void *ssl_ctx)
{
    SSL_CTX_free(ssl_ctx); /* NULL is a no-op */
}
