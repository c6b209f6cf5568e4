/*
 * TLS configurations: one SSL_CTX that any number of connections share,
 * its CAs loaded once, and a cache of TLS sessions to resume.
 *
 * What a handle uses when the caller gives no configuration (and no
 * SSL_CTX of its own) costs more than the handshake it serves if made per
 * connection: loading the system CA store takes about 20 ms of CPU
 * (Debian's bundle is 140 certificates), and OpenSSL 3's SSL_CTX_new()
 * alone about 1.4 million instructions, a fifth of a whole connection
 * (TLS handshake, LOGIN, SELECT, LOGOUT). So:
 *
 * - the system CA store is loaded once per process, on first need, and
 *   shared by reference (X509_STORE is reference-counted and thread-safe
 *   for verification) by every configuration that verifies without CAs of
 *   its own;
 * - the default settings (verification on against the system store, or
 *   off; no CA file, no client certificate) have one configuration each,
 *   made on first need, with no session cache.
 *
 * Each of these three is built completely, then published with one atomic
 * compare-and-swap (a thread that loses the race frees its copy), and
 * never changed or freed afterwards: read-only constants (as Go's
 * SystemCertPool), not state; reference counts do not apply to them. What
 * changes inside them is OpenSSL's own (its locks and counters). Options
 * that name a CA file or a client certificate get a configuration of the
 * handle's own at its first handshake, kept for STARTTLS and later
 * handshakes. A caller that connects many times with such settings, or
 * wants sessions resumed, shares one imapclient_tls_config. Nothing else
 * is global.
 */
#include "tls_config.h"

#include <imapclient/errors.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAX 64 /* servers remembered per configuration */

typedef struct cached {
    char *key;
    SSL_SESSION *sess;
    unsigned long long stamp; /* when put: the oldest goes first */
} cached;

struct imapclient_tls_config {
    atomic_uint refs;
    atomic_int used; /* a connection used it: the setters refuse */
    int constant;    /* a library default: never changed nor freed */
    SSL_CTX *ctx;
    int verify;
    int own_ca; /* set_ca() loaded CAs: no system store */
    int cache_on;
    pthread_mutex_t lock; /* preparing, the cache */
    atomic_int prepared;
    cached cache[CACHE_MAX];
    size_t ncache;
    unsigned long long clock;
    char err[256];
};

static _Atomic(X509_STORE *) system_store;
static _Atomic(imapclient_tls_config *) defaults[2]; /* [verify] */

static void err_text(char *dst, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[200] = "";
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    snprintf(dst, 256, "%s%s%s", what, e ? ": " : "", buf);
    ERR_clear_error();
}

/* The process's system CA store, loaded at the first call. NULL when it
 * cannot be loaded (err says why); a later call tries again. */
static X509_STORE *system_store_get(char *err)
{
    X509_STORE *s = atomic_load(&system_store);
    if (s)
        return s;
    X509_STORE *n = X509_STORE_new();
    if (!n || X509_STORE_set_default_paths(n) != 1) {
        err_text(err, "cannot load the system CA store");
        X509_STORE_free(n);
        return NULL;
    }
    X509_STORE *expected = NULL;
    if (!atomic_compare_exchange_strong(&system_store, &expected, n)) {
        X509_STORE_free(n); /* another thread was first: use its store */
        return expected;
    }
    return n;
}

imapclient_tls_config *imapclient_tls_config_new(void)
{
    imapclient_tls_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return NULL;
    if (pthread_mutex_init(&cfg->lock, NULL) != 0) {
        free(cfg);
        return NULL;
    }
    cfg->ctx = SSL_CTX_new(TLS_client_method());
    if (!cfg->ctx) {
        ERR_clear_error();
        pthread_mutex_destroy(&cfg->lock);
        free(cfg);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(cfg->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(cfg->ctx, SSL_VERIFY_PEER, NULL);
    atomic_init(&cfg->refs, 1);
    atomic_init(&cfg->used, 0);
    atomic_init(&cfg->prepared, 0);
    cfg->verify = 1;
    cfg->cache_on = 1;
    return cfg;
}

imapclient_tls_config *imapclient_tls_config_ref(imapclient_tls_config *cfg)
{
    if (cfg && !cfg->constant)
        atomic_fetch_add(&cfg->refs, 1);
    return cfg;
}

static void config_free(imapclient_tls_config *cfg)
{
    for (size_t i = 0; i < cfg->ncache; i++) {
        free(cfg->cache[i].key);
        SSL_SESSION_free(cfg->cache[i].sess);
    }
    SSL_CTX_free(cfg->ctx);
    pthread_mutex_destroy(&cfg->lock);
    free(cfg);
}

void imapclient_tls_config_unref(imapclient_tls_config *cfg)
{
    if (cfg && !cfg->constant && atomic_fetch_sub(&cfg->refs, 1) == 1)
        config_free(cfg);
}

/* 0 when cfg may still be changed, else the status for a setter. */
static int settable(imapclient_tls_config *cfg)
{
    if (!cfg)
        return IMAPCLIENT_EINVAL;
    cfg->err[0] = '\0';
    if (atomic_load(&cfg->used)) {
        snprintf(cfg->err, sizeof cfg->err,
                 "the configuration is in use by a connection: it cannot change");
        return IMAPCLIENT_EILLEGAL_STATE;
    }
    return 0;
}

int imapclient_tls_config_set_ca(imapclient_tls_config *cfg, const char *ca_file,
                                 const char *ca_path)
{
    int rc = settable(cfg);
    if (rc)
        return rc;
    if (!ca_file && !ca_path) {
        snprintf(cfg->err, sizeof cfg->err, "no CA file or path given");
        return IMAPCLIENT_EINVAL;
    }
    if (SSL_CTX_load_verify_locations(cfg->ctx, ca_file, ca_path) != 1) {
        err_text(cfg->err, "cannot load CA file or path");
        return IMAPCLIENT_ETLS;
    }
    cfg->own_ca = 1;
    return 0;
}

int imapclient_tls_config_set_verify(imapclient_tls_config *cfg, int on)
{
    int rc = settable(cfg);
    if (rc)
        return rc;
    cfg->verify = !!on;
    SSL_CTX_set_verify(cfg->ctx, on ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
    return 0;
}

int imapclient_tls_config_set_client_cert(imapclient_tls_config *cfg,
                                          const char *cert_file, const char *key_file)
{
    int rc = settable(cfg);
    if (rc)
        return rc;
    if (!cert_file) {
        snprintf(cfg->err, sizeof cfg->err, "no certificate file given");
        return IMAPCLIENT_EINVAL;
    }
    const char *key = key_file ? key_file : cert_file;
    if (SSL_CTX_use_certificate_chain_file(cfg->ctx, cert_file) != 1 ||
        SSL_CTX_use_PrivateKey_file(cfg->ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(cfg->ctx) != 1) {
        err_text(cfg->err, "cannot load client certificate or key");
        return IMAPCLIENT_ETLS;
    }
    return 0;
}

int imapclient_tls_config_set_session_cache(imapclient_tls_config *cfg, int on)
{
    int rc = settable(cfg);
    if (rc)
        return rc;
    cfg->cache_on = !!on;
    return 0;
}

void *imapclient_tls_config_ssl_ctx(imapclient_tls_config *cfg)
{
    return cfg ? cfg->ctx : NULL;
}

const char *imapclient_tls_config_errmsg(const imapclient_tls_config *cfg)
{
    return cfg ? cfg->err : "";
}

/* ---- for the TLS transport ------------------------------------------------ */

int imc_tls_config_from_options(const imapclient_options *o, imapclient_tls_config **out,
                                char *err)
{
    *out = NULL;
    if (!o->cert_file && (!o->verify_peer || (!o->ca_file && !o->ca_path))) {
        /* nothing of the handle's own: the library's default */
        *out = imc_tls_config_default(o->verify_peer, err);
        return *out ? 0 : IMAPCLIENT_ETLS;
    }
    imapclient_tls_config *cfg = imapclient_tls_config_new();
    if (!cfg) {
        snprintf(err, 256, "out of memory (TLS context)");
        return IMAPCLIENT_ENOMEM;
    }
    int rc = imapclient_tls_config_set_verify(cfg, o->verify_peer);
    /* CAs matter only to verification: with it off none are loaded. */
    if (!rc && o->verify_peer && (o->ca_file || o->ca_path))
        rc = imapclient_tls_config_set_ca(cfg, o->ca_file, o->ca_path);
    if (!rc && o->cert_file)
        rc = imapclient_tls_config_set_client_cert(cfg, o->cert_file, o->key_file);
    if (rc) {
        snprintf(err, 256, "%s", cfg->err);
        imapclient_tls_config_unref(cfg);
        return rc;
    }
    *out = cfg;
    return 0;
}

int imc_tls_config_prepare(imapclient_tls_config *cfg,
                           int (*new_session)(SSL *, SSL_SESSION *), char *err)
{
    if (atomic_load(&cfg->prepared))
        return 0; /* the common case; also all a library default sees */
    atomic_store(&cfg->used, 1);
    pthread_mutex_lock(&cfg->lock);
    int rc = 0;
    if (!atomic_load(&cfg->prepared)) {
        if (cfg->verify && !cfg->own_ca) {
            X509_STORE *store = system_store_get(err);
            if (store)
                SSL_CTX_set1_cert_store(cfg->ctx, store);
            else
                rc = IMAPCLIENT_ETLS;
        }
        if (rc == 0 && cfg->cache_on && new_session) {
            /* OpenSSL hands each new session to new_session; it keeps none
             * itself (clients look sessions up by server, not by id). */
            SSL_CTX_set_session_cache_mode(
                cfg->ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
            SSL_CTX_sess_set_new_cb(cfg->ctx, new_session);
        }
        atomic_store(&cfg->prepared, rc == 0);
    }
    pthread_mutex_unlock(&cfg->lock);
    return rc;
}

imapclient_tls_config *imc_tls_config_default(int verify, char *err)
{
    verify = !!verify;
    imapclient_tls_config *cfg = atomic_load(&defaults[verify]);
    if (cfg)
        return cfg;
    if (!(cfg = imapclient_tls_config_new())) {
        snprintf(err, 256, "out of memory (TLS context)");
        return NULL;
    }
    imapclient_tls_config_set_verify(cfg, verify);
    cfg->cache_on = 0; /* a cache would be shared state */
    if (imc_tls_config_prepare(cfg, NULL, err)) {
        config_free(cfg);
        return NULL; /* the system store did not load: tried again next time */
    }
    cfg->constant = 1;
    imapclient_tls_config *expected = NULL;
    if (!atomic_compare_exchange_strong(&defaults[verify], &expected, cfg)) {
        config_free(cfg); /* another thread was first: use its configuration */
        return expected;
    }
    return cfg;
}

SSL_CTX *imc_tls_config_ctx(const imapclient_tls_config *cfg)
{
    return cfg->ctx;
}

int imc_tls_config_caching(const imapclient_tls_config *cfg)
{
    return cfg->cache_on;
}

int imc_tls_config_cache_put(imapclient_tls_config *cfg, const char *key,
                             SSL_SESSION *sess)
{
    if (!cfg->cache_on || !SSL_SESSION_is_resumable(sess))
        return 0;
    pthread_mutex_lock(&cfg->lock);
    size_t i;
    for (i = 0; i < cfg->ncache; i++)
        if (!strcmp(cfg->cache[i].key, key))
            break;
    if (i == cfg->ncache) {
        char *k = strdup(key);
        if (!k) {
            pthread_mutex_unlock(&cfg->lock);
            return 0;
        }
        if (cfg->ncache == CACHE_MAX) {
            i = 0; /* full: replace the oldest */
            for (size_t j = 1; j < cfg->ncache; j++)
                if (cfg->cache[j].stamp < cfg->cache[i].stamp)
                    i = j;
            free(cfg->cache[i].key);
            SSL_SESSION_free(cfg->cache[i].sess);
        } else {
            cfg->ncache++;
        }
        cfg->cache[i].key = k;
        cfg->cache[i].sess = NULL;
    }
    SSL_SESSION_free(cfg->cache[i].sess); /* an older ticket: the newest serves */
    cfg->cache[i].sess = sess;
    cfg->cache[i].stamp = ++cfg->clock;
    pthread_mutex_unlock(&cfg->lock);
    return 1;
}

SSL_SESSION *imc_tls_config_cache_take(imapclient_tls_config *cfg, const char *key)
{
    SSL_SESSION *s = NULL;
    pthread_mutex_lock(&cfg->lock);
    for (size_t i = 0; i < cfg->ncache; i++)
        if (!strcmp(cfg->cache[i].key, key)) {
            s = cfg->cache[i].sess;
            cfg->cache[i].sess = NULL; /* the key stays: it is put back soon */
            break;
        }
    pthread_mutex_unlock(&cfg->lock);
    return s;
}
