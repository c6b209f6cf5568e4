/* A tiny IMAP server with real STARTTLS for the tests that the scripted
 * server cannot play (it has no TLS): a thread listening on 127.0.0.1 plays
 * a script over one connection, switching to TLS (a self-signed
 * certificate made in memory) where the script says so. Header-only.
 *
 * Script: one directive per line, as the scripted server's:
 *
 *     S: text      send "text\r\n" (through TLS once it is on)
 *     C: text      read one line from the client; it must be "text"
 *     !TLS         TLS handshake as the server (after "OK Begin TLS")
 *     !HANG ms     send nothing and read nothing for ms milliseconds, or
 *                  until the client closes the connection
 *     !DRAIN       read until the client closes, recording what it sends
 *
 * When the script ends the server closes the connection. Everything the
 * client sent is recorded; the first difference from the script is kept
 * as an error, which ts_finish() returns. */
#ifndef TEST_TLS_SERVER_H
#define TEST_TLS_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef POLLRDHUP
#define POLLRDHUP 0x2000 /* Linux: the peer closed (glibc shows it with _GNU_SOURCE) */
#endif

typedef struct ts_server {
    const char *script;
    int lfd, fd, port;
    SSL_CTX *ctx;
    SSL *ssl;
    pthread_t th;
    char received[16384]; /* everything the client sent, NUL-terminated */
    size_t nreceived;
    char error[512]; /* first deviation from the script, or "" */
} ts_server;

static inline void ts_make_ctx(ts_server *s)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME *n = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                               -1, -1, 0);
    X509_set_issuer_name(cert, n);
    X509_sign(cert, key, EVP_sha256());
    s->ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(s->ctx, cert);
    SSL_CTX_use_PrivateKey(s->ctx, key);
    X509_free(cert);
    EVP_PKEY_free(key);
}

static inline void ts_record(ts_server *s, const char *p, size_t n)
{
    if (n > sizeof s->received - 1 - s->nreceived)
        n = sizeof s->received - 1 - s->nreceived;
    memcpy(s->received + s->nreceived, p, n);
    s->nreceived += n;
    s->received[s->nreceived] = '\0';
}

/* One byte from the client: 1, 0 at its end, -1 on error. */
static inline int ts_getc(ts_server *s, char *ch)
{
    if (s->ssl)
        return SSL_read(s->ssl, ch, 1) == 1 ? 1 : 0;
    ssize_t n = read(s->fd, ch, 1);
    return n == 1 ? 1 : n == 0 ? 0 : -1;
}

static inline void ts_send(ts_server *s, const char *p, size_t n)
{
    if (s->ssl)
        SSL_write(s->ssl, p, (int)n);
    else if (send(s->fd, p, n, MSG_NOSIGNAL) < 0)
        snprintf(s->error, sizeof s->error, "send failed");
}

static inline void *ts_serve(void *arg)
{
    ts_server *s = arg;
    s->fd = accept(s->lfd, NULL, NULL);
    if (s->fd < 0) {
        snprintf(s->error, sizeof s->error, "accept failed");
        return NULL;
    }
    struct timeval tv = {10, 0}; /* a client that never sends: no hang */
    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const char *p = s->script;
    while (*p && !s->error[0]) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= 3 && !strncmp(p, "S: ", 3)) {
            char line[4096];
            snprintf(line, sizeof line, "%.*s\r\n", (int)(n - 3), p + 3);
            ts_send(s, line, strlen(line));
        } else if (n >= 3 && !strncmp(p, "C: ", 3)) {
            char got[4096];
            size_t k = 0;
            char ch;
            int r;
            while ((r = ts_getc(s, &ch)) == 1 && ch != '\n' && k + 1 < sizeof got) {
                ts_record(s, &ch, 1);
                got[k++] = ch;
            }
            if (r == 1)
                ts_record(s, &ch, 1);
            if (k && got[k - 1] == '\r')
                k--;
            got[k] = '\0';
            if (r != 1 || k != n - 3 || memcmp(got, p + 3, k) != 0)
                snprintf(s->error, sizeof s->error, "expected \"%.*s\", got \"%s\"%s",
                         (int)(n - 3), p + 3, got, r != 1 ? " and the end" : "");
        } else if (n == 4 && !strncmp(p, "!TLS", 4)) {
            s->ssl = SSL_new(s->ctx);
            SSL_set_fd(s->ssl, s->fd);
            if (SSL_accept(s->ssl) != 1)
                snprintf(s->error, sizeof s->error, "TLS handshake failed");
        } else if (n > 6 && !strncmp(p, "!HANG ", 6)) {
            /* silent, reading nothing, until ms pass or the client hangs up */
            struct pollfd pf = {.fd = s->fd, .events = POLLRDHUP};
            poll(&pf, 1, atoi(p + 6));
        } else if (n == 6 && !strncmp(p, "!DRAIN", 6)) {
            char ch;
            while (ts_getc(s, &ch) == 1)
                ts_record(s, &ch, 1);
        } else if (n) {
            snprintf(s->error, sizeof s->error, "bad script line %.*s", (int)n, p);
        }
        p = nl ? nl + 1 : p + n;
    }
    if (s->ssl) {
        SSL_shutdown(s->ssl);
        SSL_free(s->ssl);
        s->ssl = NULL;
    }
    close(s->fd);
    return NULL;
}

/* Listen on 127.0.0.1 (port in s->port) and serve script in a thread. */
static inline void ts_start(ts_server *s, const char *script)
{
    memset(s, 0, sizeof *s);
    s->script = script;
    ts_make_ctx(s);
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof a) < 0 ||
        listen(s->lfd, 1) < 0 || getsockname(s->lfd, (struct sockaddr *)&a, &len) < 0)
        fail_msg("cannot listen on 127.0.0.1");
    s->port = ntohs(a.sin_port);
    if (pthread_create(&s->th, NULL, ts_serve, s) != 0)
        fail_msg("cannot start the server thread");
}

/* Wait for the server to end; its error ("" when the script was played). */
static inline const char *ts_finish(ts_server *s)
{
    pthread_join(s->th, NULL);
    close(s->lfd);
    SSL_CTX_free(s->ctx);
    return s->error;
}

/* Options for a plain connection to s that accepts its certificate. */
static inline void ts_options(const ts_server *s, imapclient_options *o)
{
    imapclient_options_init(o);
    o->ssl = 0;
    o->port = s->port;
    o->verify_peer = 0;
    o->check_hostname = 0;
    o->connect_timeout_ms = 10000;
    o->timeout_ms = 10000;
}

#endif
