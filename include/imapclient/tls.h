/**
 * @file
 * libimapclient: TLS configurations that many connections share.
 *
 * A configuration holds one OpenSSL SSL_CTX with its trusted CAs, its
 * verification mode and its client certificate, plus a cache of TLS
 * sessions: a connection made with the configuration to a server it
 * reached before resumes the earlier session (a short handshake, no
 * certificate chain to check again). Give one configuration to every
 * connection through imapclient_options.tls_config: the CA store is then
 * loaded once, however many connections are made, in as many threads.
 *
 * Without one, a handle uses the library's default configuration for its
 * verify_peer setting when its options name no CA file and no client
 * certificate: with verification off no CA store is loaded at all; with it
 * on, the system CA store is. Each default is made once per process, on
 * first need, and never changes afterwards (so a CA added to the system
 * store, or an OpenSSL setting changed later, is seen after a restart);
 * defaults keep no sessions. Options with a CA file or a client
 * certificate give the handle a configuration of its own at its first TLS
 * handshake, kept for STARTTLS.
 *
 * A configuration is set up by one thread, then shared: the setters fail
 * with IMAPCLIENT_EILLEGAL_STATE once a connection has used it. The other
 * functions are safe from any thread.
 */
#ifndef IMAPCLIENT_TLS_H
#define IMAPCLIENT_TLS_H

#include "client.h"
#include "common.h"
#include "options.h"

IMAPCLIENT_BEGIN_DECLS

/**
 * A new TLS configuration with the defaults of imapclient_options_init():
 * TLS 1.2 or later, the peer's certificate chain verified against the
 * system CA store (loaded when first needed), no client certificate, the
 * session cache on. The caller holds one reference.
 *
 * @return the configuration, or NULL when out of memory or when OpenSSL
 *         cannot make a context
 */
IMAPCLIENT_EXTERN imapclient_tls_config *imapclient_tls_config_new(void);

/**
 * Take one more reference to cfg (each connection that uses cfg takes its
 * own). Thread-safe.
 *
 * @return cfg (NULL stays NULL)
 */
IMAPCLIENT_EXTERN imapclient_tls_config *
imapclient_tls_config_ref(imapclient_tls_config *cfg);

/**
 * Drop one reference; the last one frees the configuration, its SSL_CTX and
 * its cached sessions. Connections still open hold their own references, so
 * the caller may drop its own right after imapclient_connect(). NULL is a
 * no-op. Thread-safe.
 */
IMAPCLIENT_EXTERN void imapclient_tls_config_unref(imapclient_tls_config *cfg);

/**
 * Trust the CAs in ca_file (a PEM bundle) and/or ca_path (a directory of
 * hashed certificates) instead of the system CA store. The file is read
 * now, once, whatever number of connections follow.
 *
 * @param cfg      a configuration not used by a connection yet
 * @param ca_file  PEM file, or NULL
 * @param ca_path  directory, or NULL (not both NULL)
 * @return 0, IMAPCLIENT_EINVAL (both NULL, or cfg NULL), IMAPCLIENT_ETLS
 *         (cannot be loaded; imapclient_tls_config_errmsg() says why),
 *         IMAPCLIENT_EILLEGAL_STATE (already used)
 */
IMAPCLIENT_EXTERN int imapclient_tls_config_set_ca(imapclient_tls_config *cfg,
                                                   const char *ca_file,
                                                   const char *ca_path);

/**
 * Verify the server's certificate chain (on, the default) or not. With
 * verification off no CA store is loaded. Host names are checked per
 * connection (imapclient_options.check_hostname), and only when the chain
 * is verified.
 *
 * @return 0, IMAPCLIENT_EINVAL, IMAPCLIENT_EILLEGAL_STATE (already used)
 */
IMAPCLIENT_EXTERN int imapclient_tls_config_set_verify(imapclient_tls_config *cfg,
                                                       int on);

/**
 * Present a client certificate: cert_file is a PEM chain, key_file its
 * private key (NULL: the key is in cert_file). Both are read now.
 *
 * @return 0, IMAPCLIENT_EINVAL, IMAPCLIENT_ETLS (cannot be loaded, or the
 *         key does not match; see imapclient_tls_config_errmsg()),
 *         IMAPCLIENT_EILLEGAL_STATE (already used)
 */
IMAPCLIENT_EXTERN int imapclient_tls_config_set_client_cert(imapclient_tls_config *cfg,
                                                            const char *cert_file,
                                                            const char *key_file);

/**
 * Turn the session cache on (the default) or off. With it on, a
 * connection to the same server (host name, port, name checked) resumes a
 * session the configuration kept from an earlier connection, when the
 * server agrees; imapclient_tls_resumed() tells whether it did. TLS 1.3
 * tickets are used once each (RFC 8446 appendix C.4); at most 64 servers
 * are remembered.
 *
 * @return 0, IMAPCLIENT_EINVAL, IMAPCLIENT_EILLEGAL_STATE (already used)
 */
IMAPCLIENT_EXTERN int imapclient_tls_config_set_session_cache(imapclient_tls_config *cfg,
                                                              int on);

/**
 * The OpenSSL SSL_CTX * of the configuration, to change what the setters do
 * not cover (cipher lists, protocol versions, ...) before the first
 * connection uses it; it stays owned by cfg. Trust CAs with
 * imapclient_tls_config_set_ca(), not through the context's store: while
 * verification is on and set_ca() was not called, the first connection
 * gives the context the shared system CA store.
 *
 * @return the SSL_CTX *, or NULL when cfg is NULL
 */
IMAPCLIENT_EXTERN void *imapclient_tls_config_ssl_ctx(imapclient_tls_config *cfg);

/**
 * Why the last setter failed, e.g. "cannot load CA file or path: ...".
 * Empty after a success. Never NULL.
 */
IMAPCLIENT_EXTERN const char *
imapclient_tls_config_errmsg(const imapclient_tls_config *cfg);

/**
 * 1 when the handle's TLS session was resumed from an earlier connection
 * made with the same configuration (an abbreviated handshake), 0 when it
 * was a full handshake or the connection is not encrypted.
 */
IMAPCLIENT_EXTERN int imapclient_tls_resumed(const imapclient *c);

IMAPCLIENT_END_DECLS

#endif
