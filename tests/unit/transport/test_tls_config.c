/* TLS configurations (include/imapclient/tls.h, src/transport/tls_config.c):
 * the setters, and session resumption through the TLS transport against an
 * in-process server (TLS 1.2 and 1.3) on a socketpair, with a certificate
 * made in memory. The live tests do the same against Dovecot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport/fdio.h"
#include "transport/tls_config.h"
#include "transport/transport.h"

/* ---- the server ---------------------------------------------------------- */

typedef struct server {
    SSL_CTX *ctx; /* one context for every connection: its sessions persist */
    EVP_PKEY *key;
    X509 *cert;
    char cert_path[64];
} server;

static void server_init(server *s, int max_version)
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
    s->ctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(s->ctx);
    SSL_CTX_use_certificate(s->ctx, s->cert);
    SSL_CTX_use_PrivateKey(s->ctx, s->key);
    SSL_CTX_set_max_proto_version(s->ctx, max_version);
    SSL_CTX_set_session_id_context(s->ctx, (const unsigned char *)"t", 1);
    /* the certificate as a CA file for the client */
    strcpy(s->cert_path, "/tmp/imc-tlscfg-XXXXXX");
    int fd = mkstemp(s->cert_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    PEM_write_X509(f, s->cert);
    fclose(f);
}

static void server_free(server *s)
{
    SSL_CTX_free(s->ctx);
    X509_free(s->cert);
    EVP_PKEY_free(s->key);
    unlink(s->cert_path);
}

typedef struct conn {
    server *s;
    int fd;
} conn;

/* Handshake, greeting, then wait for the client to close. */
static void *serve(void *arg)
{
    conn *k = arg;
    SSL *ssl = SSL_new(k->s->ctx);
    SSL_set_fd(ssl, k->fd);
    if (SSL_accept(ssl) == 1) {
        SSL_write(ssl, "* OK hi\r\n", 9);
        char buf[64];
        while (SSL_read(ssl, buf, sizeof buf) > 0)
            ;
    }
    SSL_free(ssl);
    close(k->fd);
    return NULL;
}

static size_t fd_pending(imc_transport *t)
{
    return 0;
}

static void fd_close(imc_transport *t)
{
    close(t->rfd);
    free(t);
}

static const struct imc_transport_ops fd_ops = {
    .name = "fd",
    .read = imc_fd_read,
    .write = imc_fd_write,
    .pending = fd_pending,
    .close = fd_close,
};

/* One connection with o: the handshake status; *resumed says whether the
 * session was resumed. The greeting is read (TLS 1.3 tickets come first). */
static int connect_once(server *s, const imapclient_options *o, int *resumed)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    conn k = {s, sv[1]};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, serve, &k), 0);
    imc_transport *inner = calloc(1, sizeof *inner);
    assert_non_null(inner);
    inner->ops = &fd_ops;
    inner->rfd = inner->wfd = sv[0];
    assert_int_equal(imc_set_nonblock(sv[0]), 0);
    imc_transport *t = NULL;
    char err[256] = "";
    int rc = imc_tls_wrap(inner, "localhost", o, NULL, 5000, &t, err);
    if (rc == 0) {
        char buf[64];
        assert_int_equal(t->ops->read(t, buf, sizeof buf, 5000), 9);
        *resumed = t->tls_resumed;
        imc_transport_close(t);
    }
    pthread_join(th, NULL);
    return rc;
}

static void opts_with(imapclient_options *o, imapclient_tls_config *cfg)
{
    imapclient_options_init(o);
    o->tls_config = cfg;
    o->check_hostname = 0;
}

static imapclient_tls_config *config_trusting(server *s)
{
    imapclient_tls_config *cfg = imapclient_tls_config_new();
    assert_non_null(cfg);
    assert_int_equal(imapclient_tls_config_set_ca(cfg, s->cert_path, NULL), 0);
    return cfg;
}

/* ---- resumption ------------------------------------------------------------- */

static void resumes_with(int version)
{
    server s = {0};
    server_init(&s, version);
    imapclient_tls_config *cfg = config_trusting(&s);
    imapclient_options o;
    opts_with(&o, cfg);
    o.check_hostname = 1;
    int resumed = -1;
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    assert_int_equal(resumed, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(connect_once(&s, &o, &resumed), 0);
        assert_int_equal(resumed, 1);
    }
    /* another name, another port, no name check: other sessions */
    o.tls_hostname = "localhost.";
    o.check_hostname = 0;
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    assert_int_equal(resumed, 0);
    o.tls_hostname = NULL;
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    assert_int_equal(resumed, 0);
    o.check_hostname = 1;
    o.port = 994;
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    assert_int_equal(resumed, 0);
    o.port = 0;
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    assert_int_equal(resumed, 1);
    imapclient_tls_config_unref(cfg);
    server_free(&s);
}

static void test_tls_config__resumes_tls13(void **state)
{
    resumes_with(TLS1_3_VERSION);
}

/* TLS 1.2 hands over a session once, at the full handshake: it must serve
 * every later connection, not only the next. */
static void test_tls_config__resumes_tls12(void **state)
{
    resumes_with(TLS1_2_VERSION);
}

static void test_tls_config__cache_off(void **state)
{
    server s = {0};
    server_init(&s, TLS1_3_VERSION);
    imapclient_tls_config *cfg = config_trusting(&s);
    assert_int_equal(imapclient_tls_config_set_session_cache(cfg, 0), 0);
    imapclient_options o;
    opts_with(&o, cfg);
    int resumed = -1;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(connect_once(&s, &o, &resumed), 0);
        assert_int_equal(resumed, 0);
    }
    imapclient_tls_config_unref(cfg);
    server_free(&s);
}

/* At most 64 servers: the one put longest ago goes first. */
static void test_tls_config__cache_bounded(void **state)
{
    server s = {0};
    server_init(&s, TLS1_3_VERSION);
    imapclient_tls_config *cfg = config_trusting(&s);
    imapclient_options o;
    opts_with(&o, cfg);
    int resumed = -1;
    char name[32];
    for (int i = 0; i <= 64; i++) {
        snprintf(name, sizeof name, "host%d.test", i);
        o.tls_hostname = name;
        assert_int_equal(connect_once(&s, &o, &resumed), 0);
        assert_int_equal(resumed, 0);
    }
    o.tls_hostname = "host64.test";
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    assert_int_equal(resumed, 1);
    o.tls_hostname = "host0.test"; /* evicted by host64 */
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    assert_int_equal(resumed, 0);
    imapclient_tls_config_unref(cfg);
    server_free(&s);
}

static void test_tls_config__verification(void **state)
{
    server s = {0};
    server_init(&s, TLS1_3_VERSION);
    imapclient_tls_config *cfg = config_trusting(&s);
    imapclient_options o;
    opts_with(&o, cfg);
    o.check_hostname = 1;
    int resumed;
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    o.tls_hostname = "other.test"; /* not the certificate's name */
    assert_int_equal(connect_once(&s, &o, &resumed), IMAPCLIENT_ECERTIFICATE);
    imapclient_tls_config_unref(cfg);
    /* the system store does not know the certificate */
    cfg = imapclient_tls_config_new();
    assert_non_null(cfg);
    opts_with(&o, cfg);
    assert_int_equal(connect_once(&s, &o, &resumed), IMAPCLIENT_ECERTIFICATE);
    imapclient_tls_config_unref(cfg);
    /* verification off */
    cfg = imapclient_tls_config_new();
    assert_int_equal(imapclient_tls_config_set_verify(cfg, 0), 0);
    opts_with(&o, cfg);
    assert_int_equal(connect_once(&s, &o, &resumed), 0);
    imapclient_tls_config_unref(cfg);
    server_free(&s);
}

/* Options without a CA file or client certificate share the library's
 * default for their verify_peer (made once, no sessions kept); others get
 * a configuration of their own. */
static void test_tls_config__defaults(void **state)
{
    char err[256] = "";
    imapclient_tls_config *off = imc_tls_config_default(0, err);
    assert_non_null(off);
    assert_ptr_equal(imc_tls_config_default(0, err), off);
    imapclient_options o;
    imapclient_options_init(&o);
    o.verify_peer = 0;
    o.ca_file = "/nonexistent/ca.pem"; /* not read: verification is off */
    imapclient_tls_config *cfg = NULL;
    assert_int_equal(imc_tls_config_from_options(&o, &cfg, err), 0);
    assert_ptr_equal(cfg, off);
    imapclient_tls_config_unref(cfg); /* a constant: nothing happens */
    imapclient_tls_config_unref(cfg);
    assert_ptr_equal(imapclient_tls_config_ref(off), off);
    assert_non_null(imapclient_tls_config_ssl_ctx(off));
    o.verify_peer = 1;
    assert_int_equal(imc_tls_config_from_options(&o, &cfg, err), IMAPCLIENT_ETLS);
    assert_non_null(strstr(err, "cannot load CA file"));

    server s = {0};
    server_init(&s, TLS1_3_VERSION);
    o.ca_file = s.cert_path; /* a configuration of the handle's own */
    assert_int_equal(imc_tls_config_from_options(&o, &cfg, err), 0);
    assert_ptr_not_equal(cfg, off);
    assert_ptr_not_equal(cfg, imc_tls_config_default(1, err));
    imapclient_tls_config_unref(cfg);
    /* connections with the default: no session is kept */
    imapclient_options_init(&o);
    o.verify_peer = 0;
    o.check_hostname = 0;
    int resumed = -1;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(connect_once(&s, &o, &resumed), 0);
        assert_int_equal(resumed, 0);
    }
    /* verification on, against the system store, which does not know the
     * certificate */
    o.verify_peer = 1;
    assert_int_equal(connect_once(&s, &o, &resumed), IMAPCLIENT_ECERTIFICATE);
    server_free(&s);
}

/* The connection holds its own reference: the caller may drop its own
 * while connections made with the configuration are open. */
static void test_tls_config__references(void **state)
{
    imapclient_tls_config *cfg = imapclient_tls_config_new();
    assert_non_null(cfg);
    assert_ptr_equal(imapclient_tls_config_ref(cfg), cfg);
    imapclient_tls_config_unref(cfg);
    assert_non_null(imapclient_tls_config_ssl_ctx(cfg));
    imapclient_tls_config_unref(cfg);
    assert_null(imapclient_tls_config_ref(NULL));
    imapclient_tls_config_unref(NULL);
    assert_null(imapclient_tls_config_ssl_ctx(NULL));
    assert_string_equal(imapclient_tls_config_errmsg(NULL), "");
}

static void test_tls_config__setters(void **state)
{
    assert_int_equal(imapclient_tls_config_set_verify(NULL, 1), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_tls_config_set_ca(NULL, "x", NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_tls_config_set_client_cert(NULL, "x", NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_tls_config_set_session_cache(NULL, 1), IMAPCLIENT_EINVAL);
    imapclient_tls_config *cfg = imapclient_tls_config_new();
    assert_non_null(cfg);
    assert_int_equal(imapclient_tls_config_set_ca(cfg, NULL, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_tls_config_set_ca(cfg, "/nonexistent/ca.pem", NULL),
                     IMAPCLIENT_ETLS);
    assert_non_null(strstr(imapclient_tls_config_errmsg(cfg), "cannot load CA file"));
    assert_int_equal(imapclient_tls_config_set_client_cert(cfg, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_tls_config_set_client_cert(cfg, "/nonexistent/c.pem", NULL),
        IMAPCLIENT_ETLS);
    assert_non_null(strstr(imapclient_tls_config_errmsg(cfg), "client certificate"));
    assert_int_equal(imapclient_tls_config_set_verify(cfg, 0), 0);
    assert_string_equal(imapclient_tls_config_errmsg(cfg), "");
    imapclient_tls_config_unref(cfg);
}

/* A client certificate and its key: loaded from one file or two. */
static void test_tls_config__client_cert(void **state)
{
    server s = {0};
    server_init(&s, TLS1_3_VERSION);
    char key_path[] = "/tmp/imc-tlscfg-key-XXXXXX";
    int fd = mkstemp(key_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    PEM_write_PrivateKey(f, s.key, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    imapclient_tls_config *cfg = imapclient_tls_config_new();
    assert_int_equal(imapclient_tls_config_set_client_cert(cfg, s.cert_path, key_path),
                     0);
    /* a key that does not belong to the certificate */
    imapclient_tls_config *other = imapclient_tls_config_new();
    server t = {0};
    server_init(&t, TLS1_3_VERSION);
    assert_int_equal(imapclient_tls_config_set_client_cert(other, t.cert_path, key_path),
                     IMAPCLIENT_ETLS);
    imapclient_tls_config_unref(other);
    imapclient_tls_config_unref(cfg);
    unlink(key_path);
    server_free(&t);
    server_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls_config__resumes_tls13),
        cmocka_unit_test(test_tls_config__resumes_tls12),
        cmocka_unit_test(test_tls_config__cache_off),
        cmocka_unit_test(test_tls_config__cache_bounded),
        cmocka_unit_test(test_tls_config__verification),
        cmocka_unit_test(test_tls_config__defaults),
        cmocka_unit_test(test_tls_config__references),
        cmocka_unit_test(test_tls_config__setters),
        cmocka_unit_test(test_tls_config__client_cert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
