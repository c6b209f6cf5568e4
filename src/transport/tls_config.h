/*
 * TLS configurations (include/imapclient/tls.h): one SSL_CTX, CAs loaded
 * once, a session cache. Internal side, for the TLS transport.
 */
#ifndef IMC_TLS_CONFIG_H
#define IMC_TLS_CONFIG_H

#include <imapclient/options.h>
#include <imapclient/tls.h>

#include <openssl/ssl.h>

/* A configuration with the settings of the options (ca_file, ca_path,
 * verify_peer, cert_file, key_file): what a handle uses when the caller
 * gave neither tls_config nor ssl_ctx. Without a CA file (or with
 * verification off) and without a client certificate, that is the
 * library's default for verify_peer (imc_tls_config_default()); else a new
 * one. 0, ETLS or ENOMEM (err says why). */
int imc_tls_config_from_options(const imapclient_options *o, imapclient_tls_config **out,
                                char *err);

/* Before a connection uses cfg: freeze the setters and, the first time,
 * give the context the system CA store when it verifies without CAs of its
 * own; new_session is installed when the session cache is on. 0 or ETLS
 * (err says why). Thread-safe. */
int imc_tls_config_prepare(imapclient_tls_config *cfg,
                           int (*new_session)(SSL *, SSL_SESSION *), char *err);

SSL_CTX *imc_tls_config_ctx(const imapclient_tls_config *cfg);

/* The library's default configuration, verification on (against the
 * system CA store) or off: made at the first call, then the same constant
 * for the life of the process (no session cache; references do not
 * count). NULL when it cannot be made (err says why). Thread-safe. */
imapclient_tls_config *imc_tls_config_default(int verify, char *err);

/* 1 when the session cache is on. */
int imc_tls_config_caching(const imapclient_tls_config *cfg);

/* Keep sess (the caller's reference moves to the cache) as the session to
 * resume for key, replacing an older one. 1 when kept, 0 when not (the
 * caller still owns sess). Thread-safe. */
int imc_tls_config_cache_put(imapclient_tls_config *cfg, const char *key,
                             SSL_SESSION *sess);

/* The session kept for key, taken out of the cache (the caller owns the
 * reference), or NULL. Thread-safe. */
SSL_SESSION *imc_tls_config_cache_take(imapclient_tls_config *cfg, const char *key);

#endif
