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

#include "tls_server.h"

#include <poll.h>

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

/* ---- STARTTLS downgrades (issue 14, items 1 and 2) ---------------------- */

#define TLS_GREETING "S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\n"

/* A PREAUTH greeting on the plain connection while STARTTLS was required:
 * the connection ends at once, before a single byte is sent, with an error
 * that names the attack. */
static void test_hostile__starttls_required_preauth_refused(void **state)
{
    ts_server s;
    ts_start(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] attacker's mailbox\n"
                 "!DRAIN\n");
    imapclient_options o;
    ts_options(&s, &o);
    o.starttls = 1;
    imapclient *c = NULL;
    h_assert_rc(imapclient_connect("127.0.0.1", &o, &c), IMAPCLIENT_ETLS, c);
    h_assert_errmsg_has(c, "PREAUTH greeting on a plaintext connection");
    h_assert_errmsg_has(c, "STARTTLS downgrade");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_LOGOUT);
    h_assert_rc(imapclient_noop(c, NULL), IMAPCLIENT_EABORT, c);
    h_assert_rc(imapclient_login(c, "bob", "secret", NULL), IMAPCLIENT_EABORT, c);
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
    assert_string_equal(s.received, ""); /* not even STARTTLS */
}

/* The same greeting when the caller upgrades by hand: STARTTLS is refused
 * (only legal before authentication) and nothing is sent. */
static void test_hostile__starttls_after_preauth_refused(void **state)
{
    ts_server s;
    ts_start(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] attacker's mailbox\n"
                 "!DRAIN\n");
    imapclient_options o;
    ts_options(&s, &o);
    o.timeout_ms = 2000;
    imapclient *c = NULL;
    h_assert_rc(imapclient_connect("127.0.0.1", &o, &c), 0, c);
    h_assert_rc(imapclient_starttls(c), IMAPCLIENT_EILLEGAL_STATE, c);
    h_assert_errmsg_has(c, "already authenticated");
    h_assert_errmsg_has(c, "downgrade");
    assert_int_equal(imapclient_is_tls(c), 0);
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
    assert_string_equal(s.received, ""); /* STARTTLS was not sent */
}

/* With the option, connect returns only once TLS is up. */
static void test_hostile__starttls_required_upgrades(void **state)
{
    ts_server s;
    ts_start(&s, TLS_GREETING "C: A001 STARTTLS\n"
                              "S: A001 OK Begin TLS negotiation now\n"
                              "!TLS\n"
                              "C: A002 NOOP\n"
                              "S: A002 OK done\n"
                              "!DRAIN\n");
    imapclient_options o;
    ts_options(&s, &o);
    o.starttls = 1;
    imapclient *c = NULL;
    h_assert_rc(imapclient_connect("127.0.0.1", &o, &c), 0, c);
    assert_int_equal(imapclient_is_tls(c), 1);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    h_assert_rc(imapclient_noop(c, NULL), 0, c);
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
}

/* The non-blocking connect with the option: the same two outcomes. */
typedef struct conn_done {
    int n, status;
    char err[256];
} conn_done;

static void on_connected(imapclient *c, imapclient_completion *d)
{
    conn_done *x = d->user;
    x->n++;
    x->status = d->status;
    snprintf(x->err, sizeof x->err, "%s", d->errmsg);
}

static void drive_until(imapclient *c, conn_done *x)
{
    for (int i = 0; i < 500 && !x->n; i++) {
        imapclient_wants w;
        if (imapclient_want(c, &w) < 0)
            break;
        struct pollfd p = {.fd = w.fd, .events = 0};
        if (w.events & IMAPCLIENT_WANT_READ)
            p.events |= POLLIN;
        if (w.events & IMAPCLIENT_WANT_WRITE)
            p.events |= POLLOUT;
        poll(&p, 1, w.timeout_ms < 0 || w.timeout_ms > 50 ? 50 : w.timeout_ms);
        if (imapclient_drive(c) < 0)
            break;
    }
}

static void test_hostile__starttls_required_async(void **state)
{
    ts_server s;
    ts_start(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] attacker's mailbox\n"
                 "!DRAIN\n");
    imapclient_options o;
    ts_options(&s, &o);
    o.starttls = 1;
    imapclient *c = NULL;
    conn_done x = {0};
    h_assert_rc(imapclient_connect_start("127.0.0.1", &o, on_connected, &x, &c), 0, c);
    drive_until(c, &x);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.status, IMAPCLIENT_ETLS);
    assert_non_null(strstr(x.err, "STARTTLS downgrade"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_LOGOUT);
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
    assert_string_equal(s.received, "");

    ts_start(&s, TLS_GREETING "C: A001 STARTTLS\n"
                              "S: * 9 EXISTS\n"
                              "S: A001 OK Begin TLS negotiation now\n"
                              "!TLS\n"
                              "C: A002 NOOP\n"
                              "S: A002 OK done\n"
                              "!DRAIN\n");
    ts_options(&s, &o);
    o.starttls = 1;
    x = (conn_done){0};
    h_assert_rc(imapclient_connect_start("127.0.0.1", &o, on_connected, &x, &c), 0, c);
    drive_until(c, &x);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.status, 0);
    assert_int_equal(imapclient_is_tls(c), 1);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_noop(c, &r), 0, c);
    assert_int_equal(r->count, 0); /* the plaintext EXISTS is gone */
    imapclient_responses_free(r);
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
}

/* What the server says in plaintext before "OK Begin TLS" may come from an
 * attacker: none of it reaches the caller once TLS is up, neither the
 * kept untagged responses nor the capabilities (RFC 3501 6.2.1, RFC 2595
 * 3.1). */
static void test_hostile__starttls_drops_plaintext_responses(void **state)
{
    ts_server s;
    ts_start(&s, TLS_GREETING
             "C: A001 NOOP\n"
             "S: * 7 RECENT\n"
             "S: A001 OK noop\n"
             "C: A002 STARTTLS\n"
             "S: * 666 EXISTS\n"
             "S: * OK [ALERT] Your account is suspended: log in at evil.example\n"
             "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=EVIL\n"
             "S: * BYE not really\n"
             "S: A002 OK [CAPABILITY IMAP4rev1 AUTH=EVIL] Begin TLS\n"
             "!TLS\n"
             "C: A003 CAPABILITY\n"
             "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN\n"
             "S: A003 OK done\n"
             "C: A004 NOOP\n"
             "S: * 1 EXISTS\n"
             "S: A004 OK done\n"
             "!DRAIN\n");
    imapclient_options o;
    ts_options(&s, &o);
    imapclient *c = NULL;
    h_assert_rc(imapclient_connect("127.0.0.1", &o, &c), 0, c);
    h_assert_rc(imapclient_noop(c, NULL), 0, c); /* keeps "* 7 RECENT" */
    h_assert_rc(imapclient_starttls(c), 0, c);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_take_responses(c, &r), 0, c);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    h_assert_rc(imapclient_has_capability(c, "AUTH=EVIL"), 0, c);
    h_assert_rc(imapclient_noop(c, &r), 0, c);
    assert_int_equal(r->count, 1); /* only what came over TLS */
    assert_string_equal(r->items[0].name, "EXISTS");
    assert_int_equal(r->items[0].number, 1);
    imapclient_responses_free(r);
    assert_string_equal(imapclient_welcome(c), "* OK [CAPABILITY IMAP4rev1 STARTTLS "
                                               "LOGINDISABLED] ready");
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
}

/* The non-blocking STARTTLS after a PREAUTH greeting: refused when it
 * would go out (EILLEGAL_STATE naming the downgrade), nothing sent, the
 * connection stays plain. */
static void test_hostile__start_starttls_after_preauth_refused(void **state)
{
    ts_server s;
    ts_start(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] attacker's mailbox\n"
                 "!DRAIN\n");
    imapclient_options o;
    ts_options(&s, &o);
    imapclient *c = NULL;
    conn_done x = {0}, y = {0};
    h_assert_rc(imapclient_connect_start("127.0.0.1", &o, on_connected, &x, &c), 0, c);
    drive_until(c, &x);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.status, 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    h_assert_rc(imapclient_start_starttls(c, on_connected, &y, NULL), 0, c);
    drive_until(c, &y);
    assert_int_equal(y.n, 1);
    assert_int_equal(y.status, IMAPCLIENT_EILLEGAL_STATE);
    assert_non_null(strstr(y.err, "already authenticated"));
    assert_non_null(strstr(y.err, "downgrade"));
    assert_int_equal(imapclient_is_tls(c), 0);
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
    assert_string_equal(s.received, ""); /* STARTTLS was not sent */
}

/* The same with a LOGIN started before STARTTLS: the check is made when
 * STARTTLS would go out, by then the session is authenticated. */
static void test_hostile__start_starttls_after_pipelined_login_refused(void **state)
{
    ts_server s;
    ts_start(&s, "S: * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\n"
                 "C: A001 LOGIN bob secret\n"
                 "S: A001 OK logged in\n"
                 "!DRAIN\n");
    imapclient_options o;
    ts_options(&s, &o);
    imapclient *c = NULL;
    conn_done x = {0}, l = {0}, y = {0};
    h_assert_rc(imapclient_connect_start("127.0.0.1", &o, on_connected, &x, &c), 0, c);
    drive_until(c, &x);
    assert_int_equal(x.status, 0);
    h_assert_rc(imapclient_start_login(c, "bob", "secret", on_connected, &l, NULL), 0, c);
    h_assert_rc(imapclient_start_starttls(c, on_connected, &y, NULL), 0, c);
    drive_until(c, &y);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.status, 0);
    assert_int_equal(y.n, 1);
    assert_int_equal(y.status, IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_is_tls(c), 0);
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
    assert_null(strstr(s.received, "STARTTLS"));
}

/* Item 2 through the non-blocking STARTTLS: nothing said in plaintext
 * reaches the caller once TLS is up. */
static void test_hostile__start_starttls_drops_plaintext_responses(void **state)
{
    ts_server s;
    ts_start(&s, TLS_GREETING
             "C: A001 STARTTLS\n"
             "S: * 666 EXISTS\n"
             "S: * OK [ALERT] Your account is suspended: log in at evil.example\n"
             "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=EVIL\n"
             "S: A001 OK [CAPABILITY IMAP4rev1 AUTH=EVIL] Begin TLS\n"
             "!TLS\n"
             "C: A002 CAPABILITY\n"
             "S: * CAPABILITY IMAP4rev1 AUTH=PLAIN\n"
             "S: A002 OK done\n"
             "C: A003 NOOP\n"
             "S: * 1 EXISTS\n"
             "S: A003 OK done\n"
             "!DRAIN\n");
    imapclient_options o;
    ts_options(&s, &o);
    imapclient *c = NULL;
    conn_done x = {0}, y = {0};
    h_assert_rc(imapclient_connect_start("127.0.0.1", &o, on_connected, &x, &c), 0, c);
    drive_until(c, &x);
    assert_int_equal(x.status, 0);
    h_assert_rc(imapclient_start_starttls(c, on_connected, &y, NULL), 0, c);
    drive_until(c, &y);
    assert_int_equal(y.n, 1);
    assert_int_equal(y.status, 0);
    assert_int_equal(imapclient_is_tls(c), 1);
    imapclient_responses *r = NULL;
    h_assert_rc(imapclient_take_responses(c, &r), 0, c);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    h_assert_rc(imapclient_has_capability(c, "AUTH=EVIL"), 0, c);
    h_assert_rc(imapclient_noop(c, &r), 0, c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].name, "EXISTS");
    assert_int_equal(r->items[0].number, 1);
    imapclient_responses_free(r);
    imapclient_free(c);
    assert_string_equal(ts_finish(&s), "");
}

/* ssl and starttls together make no sense: refused before connecting. */
static void test_hostile__starttls_and_ssl_exclusive(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.starttls = 1; /* ssl is on by default */
    o.port = 1;
    imapclient *c = NULL;
    h_assert_rc(imapclient_connect("127.0.0.1", &o, &c), IMAPCLIENT_EINVAL, c);
    h_assert_errmsg_has(c, "exclude");
    imapclient_free(c);
    c = NULL;
    h_assert_rc(imapclient_connect_start("127.0.0.1", &o, NULL, NULL, &c),
                IMAPCLIENT_EINVAL, c);
    h_assert_errmsg_has(c, "exclude");
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__tls_write_after_server_dropped),
        cmocka_unit_test(test_hostile__tls_pipes_write_after_server_dropped),
        cmocka_unit_test(test_hostile__tls_close_after_server_dropped),
        cmocka_unit_test(test_hostile__tls_close_after_close_notify),
        cmocka_unit_test(test_hostile__tls_keeps_callers_pending_sigpipe),
        cmocka_unit_test(test_hostile__starttls_required_preauth_refused),
        cmocka_unit_test(test_hostile__starttls_after_preauth_refused),
        cmocka_unit_test(test_hostile__starttls_required_upgrades),
        cmocka_unit_test(test_hostile__starttls_and_ssl_exclusive),
        cmocka_unit_test(test_hostile__starttls_required_async),
        cmocka_unit_test(test_hostile__starttls_drops_plaintext_responses),
        cmocka_unit_test(test_hostile__start_starttls_after_preauth_refused),
        cmocka_unit_test(test_hostile__start_starttls_after_pipelined_login_refused),
        cmocka_unit_test(test_hostile__start_starttls_drops_plaintext_responses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
