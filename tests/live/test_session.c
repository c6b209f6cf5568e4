/* Live: connecting, TLS, STARTTLS, login and the session calls against the
 * private Dovecot; plus hostile listeners made here on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "live/live.h"

#include <openssl/ssl.h>

static const live_env *E;

static void test_session__plain_login(void **state)
{
    imapclient *c = live_login();
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_non_null(strstr(imapclient_welcome(c), "Dovecot"));
    assert_int_equal(imapclient_has_capability(c, "IDLE"), 1);
    assert_int_equal(imapclient_has_capability(c, "idle"), 1);
    assert_int_equal(imapclient_has_capability(c, "X-NOT-THERE"), 0);
    const char *text = NULL;
    assert_int_equal(imapclient_logout(c, &text), 0);
    assert_non_null(text);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__tls_login_with_test_ca(void **state)
{
    imapclient_options o;
    live_tls_opts(&o);
    o.tls_hostname = E->cert_name; /* connect to 127.0.0.1, verify "localhost" */
    imapclient *c = NULL;
    int rc = imapclient_connect(E->host, &o, &c);
    assert_int_equal(rc, 0);
    assert_int_equal(imapclient_is_tls(c), 1);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    imapclient_free(c);
}

static void test_session__tls_by_name_localhost(void **state)
{
    imapclient_options o;
    live_tls_opts(&o);
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect("localhost", &o, &c), 0);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    imapclient_free(c);
}

static void test_session__tls_hostname_mismatch(void **state)
{
    imapclient_options o;
    live_tls_opts(&o); /* the certificate names localhost, not 127.0.0.1 */
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), IMAPCLIENT_ECERTIFICATE);
    assert_non_null(strstr(imapclient_errmsg(c), "certificate"));
    imapclient_free(c);
    o.check_hostname = 0;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    imapclient_free(c);
}

static void test_session__tls_untrusted_ca(void **state)
{
    imapclient_options o;
    live_tls_opts(&o);
    o.ca_file = NULL; /* system store: the self-signed test certificate is unknown */
    o.tls_hostname = E->cert_name;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), IMAPCLIENT_ECERTIFICATE);
    imapclient_free(c);
    o.verify_peer = 0;
    o.check_hostname = 0;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    imapclient_free(c);
}

static void test_session__starttls(void **state)
{
    imapclient_options o;
    live_plain_opts(&o);
    o.ca_file = E->ca;
    o.tls_hostname = E->cert_name;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_has_capability(c, "STARTTLS"), 1);
    assert_int_equal(imapclient_starttls(c), 0);
    assert_int_equal(imapclient_is_tls(c), 1);
    /* capabilities were asked again over TLS: STARTTLS is gone */
    assert_int_equal(imapclient_has_capability(c, "STARTTLS"), 0);
    assert_int_equal(imapclient_starttls(c), IMAPCLIENT_EABORT);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    imapclient_free(c);
}

/* The caller's own SSL_CTX (the reference's ssl_context), freed by the
 * caller right after connecting: the handle holds it for STARTTLS. */
static void test_session__caller_ssl_ctx_outlives_the_caller(void **state)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    assert_non_null(ctx);
    assert_int_equal(SSL_CTX_load_verify_locations(ctx, E->ca, NULL), 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    imapclient_options o;
    live_plain_opts(&o);
    o.ssl_ctx = ctx;
    o.tls_hostname = E->cert_name;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    SSL_CTX_free(ctx);
    assert_int_equal(imapclient_starttls(c), 0);
    assert_int_equal(imapclient_is_tls(c), 1);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    imapclient_free(c);
}

/* options.starttls: connect returns with TLS up (issue 14, item 1); once
 * logged in, STARTTLS is no longer legal. */
static void test_session__starttls_option(void **state)
{
    imapclient_options o;
    live_plain_opts(&o);
    o.ca_file = E->ca;
    o.tls_hostname = E->cert_name;
    o.starttls = 1;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_is_tls(c), 1);
    assert_int_equal(imapclient_has_capability(c, "STARTTLS"), 0);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    assert_int_equal(imapclient_starttls(c), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    imapclient_free(c);

    /* a certificate that does not match: no connection at all */
    o.tls_hostname = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), IMAPCLIENT_ECERTIFICATE);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_LOGOUT);
    imapclient_free(c);
}

static void test_session__starttls_bad_certificate(void **state)
{
    imapclient_options o;
    live_plain_opts(&o);
    o.ca_file = E->ca; /* but the name checked is 127.0.0.1 */
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_starttls(c), IMAPCLIENT_ECERTIFICATE);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__starttls_on_tls(void **state)
{
    imapclient_options o;
    live_tls_opts(&o);
    o.tls_hostname = E->cert_name;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_starttls(c), IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "already"));
    imapclient_free(c);
}

static void test_session__wrong_password(void **state)
{
    imapclient_options o;
    live_plain_opts(&o);
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_login(c, E->user, "not-the-password", NULL),
                     IMAPCLIENT_ELOGIN);
    assert_non_null(strstr(imapclient_errmsg(c), "NO"));
    assert_null(strstr(imapclient_errmsg(c), "not-the-password"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    imapclient_free(c);
}

static void test_session__noop_and_capabilities(void **state)
{
    imapclient *c = live_login();
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_noop(c, &r), 0);
    assert_non_null(r->text);
    imapclient_responses_free(r);
    const char *const *caps = NULL;
    size_t n = 0;
    assert_int_equal(imapclient_capabilities(c, &caps, &n), 0);
    assert_true(n > 5);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        found += !strcmp(caps[i], "IMAP4REV1");
    assert_int_equal(found, 1);
    imapclient_free(c);
}

static void test_session__stream_command_plain(void **state)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "exec nc -q 1 %s %d", E->host, E->port);
    imapclient_options o;
    imapclient_options_init(&o);
    o.stream = 1;
    o.timeout_ms = o.connect_timeout_ms = 10000;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(cmd, &o, &c), 0);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_int_equal(imapclient_logout(c, NULL), 0);
    imapclient_free(c);
}

static void test_session__stream_command_openssl(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "exec openssl s_client -quiet -connect %s:%d -CAfile %s "
             "-verify_hostname localhost -verify_return_error 2>/dev/null",
             E->host, E->tls_port, E->ca);
    imapclient_options o;
    imapclient_options_init(&o);
    o.stream = 1;
    o.timeout_ms = o.connect_timeout_ms = 10000;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(cmd, &o, &c), 0);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    assert_int_equal(imapclient_has_capability(c, "IMAP4rev1"), 1);
    imapclient_free(c);
}

static void test_session__stream_command_fails(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.stream = 1;
    o.connect_timeout_ms = 5000;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect("exit 3", &o, &c), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

/* A listener on 127.0.0.1 with a free port; returns the fd. */
static int listen_any(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    *port = ntohs(a.sin_port);
    return fd;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_session__timeout_silent_server(void **state)
{
    int port;
    int lfd = listen_any(&port); /* the kernel accepts; nobody ever answers */
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = port;
    o.connect_timeout_ms = 1000;
    imapclient *c = NULL;
    double t0 = now_s();
    assert_int_equal(imapclient_connect("127.0.0.1", &o, &c), IMAPCLIENT_ETIMEOUT);
    double dt = now_s() - t0;
    assert_true(dt >= 0.9 && dt < 2.0);
    imapclient_free(c);
    /* TLS handshake against a silent server times out as well */
    o.ssl = 1;
    t0 = now_s();
    assert_int_equal(imapclient_connect("127.0.0.1", &o, &c), IMAPCLIENT_ETIMEOUT);
    assert_true(now_s() - t0 < 2.0);
    imapclient_free(c);
    close(lfd);
}

struct fake {
    int lfd;
    const char *send; /* bytes to send after accept, then close */
};

static void *fake_server(void *p)
{
    struct fake *f = p;
    int fd = accept(f->lfd, NULL, NULL);
    if (fd >= 0) {
        if (f->send && write(fd, f->send, strlen(f->send)) < 0)
            perror("write");
        shutdown(fd, SHUT_RDWR);
        close(fd);
    }
    return NULL;
}

static int connect_fake(const char *send, imapclient **c)
{
    int port;
    struct fake f = {.lfd = listen_any(&port), .send = send};
    pthread_t th;
    pthread_create(&th, NULL, fake_server, &f);
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = port;
    o.connect_timeout_ms = 5000;
    int rc = imapclient_connect("127.0.0.1", &o, c);
    pthread_join(th, NULL);
    close(f.lfd);
    return rc;
}

static void test_session__server_closes_during_greeting(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(connect_fake("* OK Dove", &c), IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "during the greeting"));
    imapclient_free(c);
    assert_int_equal(connect_fake(NULL, &c), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__greeting_not_imap(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(connect_fake("220 smtp.example.com ESMTP\r\n", &c),
                     IMAPCLIENT_EPROTOCOL);
    assert_non_null(strstr(imapclient_errmsg(c), "not an IMAP greeting"));
    imapclient_free(c);
}

static void test_session__refused_port(void **state)
{
    int port;
    int fd = listen_any(&port);
    close(fd); /* nothing listens there now */
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = port;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect("127.0.0.1", &o, &c), IMAPCLIENT_ECONNECT);
    assert_non_null(strstr(imapclient_errmsg(c), "refused"));
    imapclient_free(c);
}

static void test_session__unresolvable_host(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    imapclient *c = NULL;
    /* An empty name fails in the resolver itself, without a DNS query. */
    assert_int_equal(imapclient_connect("", &o, &c), IMAPCLIENT_ERESOLVE);
    assert_non_null(strstr(imapclient_errmsg(c), "cannot resolve"));
    imapclient_free(c);
}

static void test_session__compress_deflate(void **state)
{
    imapclient *c = live_login();
    assert_int_equal(imapclient_has_capability(c, "COMPRESS=DEFLATE"), 1);
    assert_int_equal(imapclient_compress(c), 0);
    assert_int_equal(imapclient_is_compressed(c), 1);
    assert_int_equal(imapclient_compress(c), IMAPCLIENT_EILLEGAL_STATE);
    /* a real exchange through the compressed stream, literals included */
    assert_int_equal(imapclient_select_folder(c, "INBOX", 1, NULL), 0);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1:*",
                                      (const char *[]){"BODY.PEEK[]", "ENVELOPE", NULL},
                                      NULL, &r),
                     0);
    assert_int_equal(r->count, (size_t)E->inbox_count);
    for (size_t i = 0; i < r->count; i++)
        assert_true(imapclient_message_item(&r->msgs[i], "BODY[]")->len > 100);
    imapclient_fetch_result_free(r);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_int_equal(imapclient_logout(c, NULL), 0);
    imapclient_free(c);
}

static void test_session__compress_over_tls(void **state)
{
    imapclient_options o;
    live_tls_opts(&o);
    o.tls_hostname = E->cert_name;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    assert_int_equal(imapclient_compress(c), 0);
    assert_int_equal(imapclient_is_tls(c), 1);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    imapclient_free(c);
}

/* ---- interrupting a wait: imapclient_options.interrupt -------------------- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = 1;
}

static int stop_if_signalled(void *payload)
{
    int *calls = payload;
    (*calls)++;
    return got_signal;
}

static int never_stop(void *payload)
{
    int *calls = payload;
    (*calls)++;
    return 0;
}

struct silent {
    int lfd;
    int fd;
};

/* Greets, then never says another word. */
static void *silent_server(void *p)
{
    struct silent *s = p;
    s->fd = accept(s->lfd, NULL, NULL);
    if (s->fd >= 0 && write(s->fd, "* PREAUTH hi\r\n", 14) < 0)
        perror("write");
    return NULL;
}

struct kicker {
    pthread_t target;
    int ms;
};

static void *kick(void *p)
{
    struct kicker *k = p;
    struct timespec ts = {k->ms / 1000, (k->ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    pthread_kill(k->target, SIGUSR1);
    return NULL;
}

static imapclient *connect_silent(struct silent *s, int (*hook)(void *), int *calls,
                                  int timeout_ms)
{
    int port;
    s->lfd = listen_any(&port);
    s->fd = -1;
    pthread_t th;
    pthread_create(&th, NULL, silent_server, s);
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = port;
    o.timeout_ms = timeout_ms;
    o.interrupt = hook;
    o.interrupt_payload = calls;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect("127.0.0.1", &o, &c), 0);
    pthread_join(th, NULL);
    return c;
}

static void test_session__interrupt_hook_abandons_wait(void **state)
{
    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    got_signal = 0;
    int calls = 0;
    struct silent s;
    imapclient *c = connect_silent(&s, stop_if_signalled, &calls, 0 /* for ever */);
    pthread_t th;
    struct kicker k = {pthread_self(), 200};
    pthread_create(&th, NULL, kick, &k);
    double t0 = now_s();
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EINTERRUPTED);
    assert_true(now_s() - t0 < 5.0);
    assert_int_equal(calls, 1);
    pthread_join(th, NULL);
    /* the command was cut off mid-way: the connection is out of step */
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
    close(s.fd);
    close(s.lfd);
}

static void test_session__interrupt_hook_declines_timeout_still_counts(void **state)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGUSR1, &sa, NULL);
    int calls = 0;
    struct silent s;
    imapclient *c = connect_silent(&s, never_stop, &calls, 1000);
    pthread_t th;
    struct kicker k = {pthread_self(), 600};
    pthread_create(&th, NULL, kick, &k);
    double t0 = now_s();
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_ETIMEOUT);
    double dt = now_s() - t0;
    assert_true(dt >= 0.9 && dt < 1.6); /* the signal did not restart the 1 s */
    assert_int_equal(calls, 1);
    pthread_join(th, NULL);
    imapclient_free(c);
    close(s.fd);
    close(s.lfd);
}

int main(void)
{
    E = live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session__plain_login),
        cmocka_unit_test(test_session__tls_login_with_test_ca),
        cmocka_unit_test(test_session__tls_by_name_localhost),
        cmocka_unit_test(test_session__tls_hostname_mismatch),
        cmocka_unit_test(test_session__tls_untrusted_ca),
        cmocka_unit_test(test_session__starttls),
        cmocka_unit_test(test_session__caller_ssl_ctx_outlives_the_caller),
        cmocka_unit_test(test_session__starttls_option),
        cmocka_unit_test(test_session__starttls_bad_certificate),
        cmocka_unit_test(test_session__starttls_on_tls),
        cmocka_unit_test(test_session__wrong_password),
        cmocka_unit_test(test_session__noop_and_capabilities),
        cmocka_unit_test(test_session__stream_command_plain),
        cmocka_unit_test(test_session__stream_command_openssl),
        cmocka_unit_test(test_session__stream_command_fails),
        cmocka_unit_test(test_session__timeout_silent_server),
        cmocka_unit_test(test_session__server_closes_during_greeting),
        cmocka_unit_test(test_session__greeting_not_imap),
        cmocka_unit_test(test_session__refused_port),
        cmocka_unit_test(test_session__unresolvable_host),
        cmocka_unit_test(test_session__compress_deflate),
        cmocka_unit_test(test_session__compress_over_tls),
        cmocka_unit_test(test_session__interrupt_hook_abandons_wait),
        cmocka_unit_test(test_session__interrupt_hook_declines_timeout_still_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
