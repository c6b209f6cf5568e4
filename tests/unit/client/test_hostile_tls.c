/* A TLS server that drops the connection must give an error, never a
 * process killed by SIGPIPE. OpenSSL writes to its socket with write(),
 * which raises SIGPIPE once the peer is gone (send(MSG_NOSIGNAL) is not
 * available to it), so the TLS transport must keep the signal from the
 * application, without touching process-wide signal dispositions (the
 * library has no global state).
 *
 * The server runs in a thread on one end of a socketpair, with a
 * self-signed certificate made in memory; the client is the library's TLS
 * transport (as used for implicit TLS, STARTTLS and TLS over a command
 * stream) on the other end. */
#include "hostile.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport/fdio.h"
#include "transport/transport.h"

typedef struct server {
    int fd;
    int wfd;          /* over pipes: the fd the server writes to (else 0: fd) */
    int pipes;        /* connect over two pipes (a command stream), not a socket */
    int close_notify; /* send close_notify before closing */
    EVP_PKEY *key;
    X509 *cert;
} server;

static void make_cert(server *s)
{
    s->key = EVP_EC_gen("P-256");
    assert_non_null(s->key);
    s->cert = X509_new();
    assert_non_null(s->cert);
    X509_set_version(s->cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(s->cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(s->cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(s->cert), 3600);
    X509_set_pubkey(s->cert, s->key);
    X509_NAME *n = X509_get_subject_name(s->cert);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                               -1, -1, 0);
    X509_set_issuer_name(s->cert, n);
    assert_true(X509_sign(s->cert, s->key, EVP_sha256()) > 0);
}

/* Handshake, greeting, then drop the connection. */
static void *serve(void *arg)
{
    server *s = arg;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx, s->cert);
    SSL_CTX_use_PrivateKey(ctx, s->key);
    SSL *ssl = SSL_new(ctx);
    if (s->pipes) {
        SSL_set_rfd(ssl, s->fd);
        SSL_set_wfd(ssl, s->wfd);
    } else {
        SSL_set_fd(ssl, s->fd);
    }
    if (SSL_accept(ssl) == 1) {
        SSL_write(ssl, "* OK hi\r\n", 9);
        if (s->close_notify)
            SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(s->fd);
    if (s->pipes)
        close(s->wfd);
    return NULL;
}

static size_t fd_pending(imc_transport *t)
{
    return 0;
}

static void fd_close(imc_transport *t)
{
    close(t->rfd);
    if (t->wfd != t->rfd)
        close(t->wfd);
    free(t);
}

static const struct imc_transport_ops fd_ops = {
    .name = "fd",
    .read = imc_fd_read,
    .write = imc_fd_write,
    .pending = fd_pending,
    .close = fd_close,
};

/* A TLS transport to a server that has sent its greeting and gone. */
static imc_transport *connect_to_dropping_server(server *s)
{
    int sv[2], down[2];
    if (s->pipes) {
        /* sv: client -> server; down: server -> client */
        assert_int_equal(pipe(sv), 0);
        assert_int_equal(pipe(down), 0);
        s->fd = sv[0];
        s->wfd = down[1];
    } else {
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        s->fd = sv[1];
    }
    make_cert(s);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, serve, s), 0);
    imc_transport *inner = calloc(1, sizeof *inner);
    assert_non_null(inner);
    inner->ops = &fd_ops;
    if (s->pipes) {
        inner->rfd = down[0];
        inner->wfd = sv[1];
        assert_int_equal(imc_set_nonblock(down[0]), 0);
        assert_int_equal(imc_set_nonblock(sv[1]), 0);
    } else {
        inner->rfd = inner->wfd = sv[0];
        assert_int_equal(imc_set_nonblock(sv[0]), 0);
    }
    imapclient_options o;
    imapclient_options_init(&o);
    o.verify_peer = 0;
    o.check_hostname = 0;
    imc_transport *t = NULL;
    char err[256] = "";
    int rc = imc_tls_wrap(inner, "localhost", &o, NULL, 5000, &t, err);
    if (rc)
        fail_msg("TLS handshake: %d %s", rc, err);
    pthread_join(th, NULL);
    X509_free(s->cert);
    EVP_PKEY_free(s->key);
    char buf[64];
    ssize_t n = t->ops->read(t, buf, sizeof buf, 5000);
    assert_int_equal(n, 9);
    assert_memory_equal(buf, "* OK hi\r\n", 9);
    return t;
}

/* No SIGPIPE left pending or blocked for the caller. */
static void assert_no_sigpipe_left(void)
{
    sigset_t pend, mask;
    sigpending(&pend);
    assert_false(sigismember(&pend, SIGPIPE));
    pthread_sigmask(SIG_BLOCK, NULL, &mask);
    assert_false(sigismember(&mask, SIGPIPE));
}

static void test_hostile__tls_write_after_server_dropped(void **state)
{
    server s = {0};
    imc_transport *t = connect_to_dropping_server(&s);
    int rc = 0;
    /* the peer is gone: the first write that reaches the socket fails */
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = t->ops->write(t, "A001 NOOP\r\n", 11, 5000);
    assert_true(rc < 0);
    assert_no_sigpipe_left();
    imc_transport_close(t); /* close_notify to a dead peer: no signal either */
    assert_no_sigpipe_left();
}

/* The same over the two pipes of a command stream (stream=1), where the
 * library cannot write with MSG_NOSIGNAL and blocks SIGPIPE instead. */
static void test_hostile__tls_pipes_write_after_server_dropped(void **state)
{
    server s = {.pipes = 1};
    imc_transport *t = connect_to_dropping_server(&s);
    int rc = 0;
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = t->ops->write(t, "A001 NOOP\r\n", 11, 5000);
    assert_true(rc < 0);
    assert_no_sigpipe_left();
    imc_transport_close(t);
    assert_no_sigpipe_left();
}

static void test_hostile__tls_close_after_server_dropped(void **state)
{
    server s = {0};
    imc_transport *t = connect_to_dropping_server(&s);
    imc_transport_close(t);
    assert_no_sigpipe_left();
}

static void test_hostile__tls_close_after_close_notify(void **state)
{
    server s = {.close_notify = 1};
    imc_transport *t = connect_to_dropping_server(&s);
    char buf[16];
    assert_int_equal(t->ops->read(t, buf, sizeof buf, 5000), 0); /* clean end */
    assert_true(t->ops->write(t, "A001 NOOP\r\n", 11, 5000) < 0);
    imc_transport_close(t);
    assert_no_sigpipe_left();
}

/* A SIGPIPE the application itself has pending (blocked) stays pending. */
static void test_hostile__tls_keeps_callers_pending_sigpipe(void **state)
{
    sigset_t pipe, old;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &old);
    raise(SIGPIPE);
    server s = {0};
    imc_transport *t = connect_to_dropping_server(&s);
    assert_true(t->ops->write(t, "A001 NOOP\r\n", 11, 5000) < 0 ||
                t->ops->write(t, "A001 NOOP\r\n", 11, 5000) < 0);
    imc_transport_close(t);
    sigset_t pend, mask;
    sigpending(&pend);
    assert_true(sigismember(&pend, SIGPIPE));
    pthread_sigmask(SIG_BLOCK, NULL, &mask);
    assert_true(sigismember(&mask, SIGPIPE)); /* still blocked, as the caller set */
    int sig = 0;
    sigwait(&pipe, &sig);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__tls_write_after_server_dropped),
        cmocka_unit_test(test_hostile__tls_pipes_write_after_server_dropped),
        cmocka_unit_test(test_hostile__tls_close_after_server_dropped),
        cmocka_unit_test(test_hostile__tls_close_after_close_notify),
        cmocka_unit_test(test_hostile__tls_keeps_callers_pending_sigpipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
