/* Live: shared TLS configurations (include/imapclient/tls.h) against the
 * private Dovecot: CAs, verification, session resumption on reconnection,
 * STARTTLS, sharing between threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>

#include "live/live.h"

static const live_env *E;

static imapclient_tls_config *test_config(void)
{
    imapclient_tls_config *cfg = imapclient_tls_config_new();
    assert_non_null(cfg);
    assert_int_equal(imapclient_tls_config_set_ca(cfg, E->ca, NULL), 0);
    assert_string_equal(imapclient_tls_config_errmsg(cfg), "");
    return cfg;
}

/* Connect on the TLS port with cfg, verifying the name "localhost"; log in,
 * log out; returns whether the session was resumed. */
static int tls_session(imapclient_tls_config *cfg, int check_hostname)
{
    imapclient_options o;
    live_tls_opts(&o);
    o.ca_file = NULL; /* not used: the configuration says */
    o.tls_config = cfg;
    o.tls_hostname = E->cert_name;
    o.check_hostname = check_hostname;
    imapclient *c = NULL;
    int rc = imapclient_connect(E->host, &o, &c);
    if (rc)
        fail_msg("connect: %s", imapclient_errmsg(c));
    assert_int_equal(imapclient_is_tls(c), 1);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    int resumed = imapclient_tls_resumed(c);
    assert_int_equal(imapclient_logout(c, NULL), 0);
    imapclient_free(c);
    return resumed;
}

static void test_tls__shared_config_resumes_sessions(void **state)
{
    imapclient_tls_config *cfg = test_config();
    assert_int_equal(tls_session(cfg, 1), 0); /* full handshake */
    for (int i = 0; i < 3; i++)
        assert_int_equal(tls_session(cfg, 1), 1);
    /* a session made without the name check never serves one with it */
    assert_int_equal(tls_session(cfg, 0), 0);
    assert_int_equal(tls_session(cfg, 0), 1);
    assert_int_equal(tls_session(cfg, 1), 1);
    imapclient_tls_config_unref(cfg);
}

/* A resumed session carries the (failed) verification of its first
 * handshake: with verification off it must not be taken for a failure
 * while the handshake waits for the server's next flight. */
static void test_tls__resumes_without_verification(void **state)
{
    imapclient_tls_config *cfg = imapclient_tls_config_new();
    assert_non_null(cfg);
    assert_int_equal(imapclient_tls_config_set_verify(cfg, 0), 0);
    int resumed = 0;
    for (int i = 0; i < 12; i++) {
        imapclient_options o;
        live_tls_opts(&o);
        o.tls_config = cfg;
        o.check_hostname = 0;
        imapclient *c = NULL;
        int rc = imapclient_connect(E->host, &o, &c);
        if (rc)
            fail_msg("connection %d: %s", i, imapclient_errmsg(c));
        assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
        resumed += imapclient_tls_resumed(c);
        imapclient_free(c);
    }
    assert_int_equal(resumed, 11);
    imapclient_tls_config_unref(cfg);
}

static void test_tls__session_cache_off(void **state)
{
    imapclient_tls_config *cfg = test_config();
    assert_int_equal(imapclient_tls_config_set_session_cache(cfg, 0), 0);
    assert_int_equal(tls_session(cfg, 1), 0);
    assert_int_equal(tls_session(cfg, 1), 0);
    imapclient_tls_config_unref(cfg);
}

/* A fresh configuration (its own cache) does not resume another's sessions. */
static void test_tls__configurations_do_not_share_sessions(void **state)
{
    imapclient_tls_config *a = test_config(), *b = test_config();
    assert_int_equal(tls_session(a, 1), 0);
    assert_int_equal(tls_session(b, 1), 0);
    assert_int_equal(tls_session(a, 1), 1);
    imapclient_tls_config_unref(a);
    imapclient_tls_config_unref(b);
}

static void test_tls__config_verifies(void **state)
{
    /* system store: the self-signed test certificate is unknown */
    imapclient_tls_config *cfg = imapclient_tls_config_new();
    assert_non_null(cfg);
    imapclient_options o;
    live_tls_opts(&o);
    o.tls_config = cfg;
    o.tls_hostname = E->cert_name;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), IMAPCLIENT_ECERTIFICATE);
    assert_non_null(strstr(imapclient_errmsg(c), "certificate"));
    imapclient_free(c);
    /* the name check still applies per connection: 127.0.0.1 is not named */
    imapclient_tls_config *ok = test_config();
    o.tls_config = ok;
    o.tls_hostname = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), IMAPCLIENT_ECERTIFICATE);
    imapclient_free(c);
    imapclient_tls_config_unref(ok);
    /* verification off: anything goes, and no CA store is needed */
    imapclient_tls_config *off = imapclient_tls_config_new();
    assert_non_null(off);
    assert_int_equal(imapclient_tls_config_set_verify(off, 0), 0);
    o.tls_config = off;
    o.check_hostname = 0;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
    imapclient_free(c);
    imapclient_tls_config_unref(off);
    /* a configuration a connection used cannot change any more */
    assert_int_equal(imapclient_tls_config_set_verify(cfg, 0), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_tls_config_set_ca(cfg, E->ca, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_non_null(strstr(imapclient_tls_config_errmsg(cfg), "in use"));
    imapclient_tls_config_unref(cfg);
}

/* STARTTLS uses the configuration the handle holds: the caller's reference
 * may be dropped right after connecting. */
static void test_tls__starttls_with_config(void **state)
{
    imapclient_tls_config *cfg = test_config();
    imapclient_options o;
    live_plain_opts(&o);
    o.tls_config = cfg;
    o.tls_hostname = E->cert_name;
    for (int i = 0; i < 2; i++) {
        imapclient *c = NULL;
        assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
        if (i == 1)
            imapclient_tls_config_unref(cfg); /* the handle keeps its own */
        assert_int_equal(imapclient_is_tls(c), 0);
        assert_int_equal(imapclient_starttls(c), 0);
        assert_int_equal(imapclient_is_tls(c), 1);
        assert_int_equal(imapclient_tls_resumed(c), i == 1);
        assert_int_equal(imapclient_login(c, E->user, E->password, NULL), 0);
        imapclient_free(c);
    }
}

/* The handle's own configuration (no tls_config given) still works for
 * STARTTLS with the options' CA, and a bad CA file is reported. */
static void test_tls__own_config_from_options(void **state)
{
    imapclient_options o;
    live_plain_opts(&o);
    o.ca_file = E->ca;
    o.tls_hostname = E->cert_name;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    assert_int_equal(imapclient_starttls(c), 0);
    assert_int_equal(imapclient_tls_resumed(c), 0);
    imapclient_free(c);
    live_tls_opts(&o);
    o.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(imapclient_connect(E->host, &o, &c), IMAPCLIENT_ETLS);
    assert_non_null(strstr(imapclient_errmsg(c), "CA file"));
    imapclient_free(c);
    /* verification off: the CA file is not even read */
    o.verify_peer = 0;
    o.check_hostname = 0;
    assert_int_equal(imapclient_connect(E->host, &o, &c), 0);
    imapclient_free(c);
}

typedef struct worker {
    imapclient_tls_config *cfg;
    int resumed, done;
} worker;

static void *work(void *p)
{
    worker *w = p;
    imapclient_options o;
    live_tls_opts(&o);
    o.tls_config = w->cfg;
    o.tls_hostname = E->cert_name;
    for (int i = 0; i < 5; i++) {
        imapclient *c = NULL;
        if (imapclient_connect(E->host, &o, &c) == 0 &&
            imapclient_login(c, E->user, E->password, NULL) == 0) {
            w->resumed += imapclient_tls_resumed(c);
            w->done++;
        }
        imapclient_free(c);
    }
    return NULL;
}

/* One configuration, four threads connecting at once. */
static void test_tls__config_shared_by_threads(void **state)
{
    imapclient_tls_config *cfg = test_config();
    worker w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){.cfg = cfg};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    int done = 0, resumed = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        done += w[i].done;
        resumed += w[i].resumed;
    }
    imapclient_tls_config_unref(cfg);
    assert_int_equal(done, 20);
    assert_true(resumed > 0);
}

int main(void)
{
    E = live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls__shared_config_resumes_sessions),
        cmocka_unit_test(test_tls__resumes_without_verification),
        cmocka_unit_test(test_tls__session_cache_off),
        cmocka_unit_test(test_tls__configurations_do_not_share_sessions),
        cmocka_unit_test(test_tls__config_verifies),
        cmocka_unit_test(test_tls__starttls_with_config),
        cmocka_unit_test(test_tls__own_config_from_options),
        cmocka_unit_test(test_tls__config_shared_by_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
