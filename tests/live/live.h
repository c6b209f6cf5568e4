/* Live tests: where the private Dovecot is (tests/live/dovecot.sh writes the
 * env file that IMAPTEST_ENV names) and the private Cyrus (tests/live/cyrus.sh,
 * CYRUSTEST_ENV; the same keys). */
#ifndef LIVE_H
#define LIVE_H

#include <imapclient.h>

typedef struct live_env {
    const char *host;
    int port, tls_port;
    const char *user, *password, *user2, *password2;
    const char *ca, *cert_name, *dir;
    int inbox_count;
    unsigned long long appendlimit; /* Cyrus: its APPENDLIMIT */
} live_env;

/* The server's coordinates, or NULL when no server was started (the test
 * then exits with 77 = skipped). */
const live_env *live_get(void);
/* live_get() or exit(77). */
const live_env *live_require(void);
/* Options for the plain listener (no TLS), timeouts 10 s. */
void live_plain_opts(imapclient_options *o);
/* Options for the implicit-TLS listener with the test CA. */
void live_tls_opts(imapclient_options *o);
/* Connect on the plain port and log in as the first user; fails the test
 * (cmocka) on error. */
imapclient *live_login(void);

/* The private Cyrus, or NULL when it was not started. */
const live_env *live_cyrus_get(void);
/* live_cyrus_get() or exit(77). */
const live_env *live_cyrus_require(void);
/* Connect on e's plain port and log in as its first user; fails the test
 * (cmocka) on error. */
imapclient *live_login_to(const live_env *e);

#endif
