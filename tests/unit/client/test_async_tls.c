/* The non-blocking API against a test peer on 127.0.0.1 (a small OpenSSL
 * IMAP server in a thread, loopback only) that forces what a friendly
 * server never does:
 *
 * - TLS 1.2 renegotiation and TLS 1.3 key updates while pipelined APPENDs
 *   stream out and a big FETCH streams in, over sockets with tiny buffers,
 *   so that writes stop part-way, OpenSSL asks to read while writing and
 *   to write while reading, and the renegotiation's ServerHello is held
 *   back (a busy loop would spin through that wait: the loop's wake-ups
 *   are counted);
 * - timeouts: a TLS handshake that never ends (implicit TLS and
 *   STARTTLS), a greeting that never comes, a command never answered
 *   (while an IDLE that is idling is exempt);
 * - imapclient_want()'s deadline, and cancel/free during a handshake.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <imapclient.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* ---- the peer ---------------------------------------------------------------- */

enum peer_mode {
    PEER_IMAP,        /* greeting, then commands */
    PEER_STALL_TLS,   /* accept, never answer the ClientHello */
    PEER_NO_GREETING, /* handshake, then silence */
    PEER_STARTTLS,    /* plain greeting; STARTTLS answered OK, then silence */
    PEER_SILENT_CMD   /* answers LOGIN, CAPABILITY and IDLE, ignores the others */
};

typedef struct peer {
    /* set by the test */
    enum peer_mode mode;
    int tls;             /* implicit TLS */
    int max_version;     /* TLS1_2_VERSION / TLS1_3_VERSION, 0: any */
    size_t rekey_every;  /* renegotiate (1.2) or update keys (1.3) every so many bytes */
    int hello_delay_ms;  /* hold back the answer to a renegotiation's ClientHello */
    int ask_cert;        /* renegotiations ask for the client's certificate */
    int finish_delay_ms; /* hold back the server's Finished */
    int throttle_every;  /* read literal data in pieces of this many bytes ... */
    int throttle_ms;     /* ... with this pause after each */
    size_t fetch_size;   /* the body FETCH answers with */
    int greet_ok;        /* PEER_IMAP greets OK (not authenticated) instead of
                            PREAUTH: STARTTLS is only allowed then */
    /* results */
    int hellos;        /* ClientHellos seen */
    int rekeys;        /* renegotiations or key updates started */
    size_t lit_bytes;  /* APPEND literal bytes received */
    uint32_t lit_hash; /* FNV-1a of them */
    int appends;
    int reneg_pending; /* a renegotiation still unfinished at the end */
    int client_cert;   /* the client sent its certificate */
    char err[256];
    /* internal */
    int lfd, port;
    pthread_t th;
    EVP_PKEY *key;
    X509 *cert;
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
    size_t since_rekey;
    char in[65536];
    size_t in_len, in_pos;
} peer;

static void make_cert(peer *p)
{
    p->key = EVP_EC_gen("P-256");
    assert_non_null(p->key);
    p->cert = X509_new();
    X509_set_version(p->cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(p->cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(p->cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(p->cert), 3600);
    X509_set_pubkey(p->cert, p->key);
    X509_NAME *n = X509_get_subject_name(p->cert);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                               -1, -1, 0);
    X509_set_issuer_name(p->cert, n);
    assert_true(X509_sign(p->cert, p->key, EVP_sha256()) > 0);
}

static int on_client_hello(SSL *ssl, int *al, void *arg)
{
    peer *p = arg;
    if (p->hellos++ && p->hello_delay_ms)
        sleep_ms(p->hello_delay_ms); /* a renegotiation: the client waits */
    return SSL_CLIENT_HELLO_SUCCESS;
}

static void on_info(const SSL *ssl, int where, int ret)
{
    peer *p = SSL_get_app_data(ssl);
    /* the client's Finished read: make it wait for ours */
    if ((where & SSL_CB_ACCEPT_LOOP) && p->finish_delay_ms &&
        SSL_get_state(ssl) == TLS_ST_SR_FINISHED)
        sleep_ms(p->finish_delay_ms);
}

static void peer_fail(peer *p, const char *what)
{
    if (!p->err[0]) {
        unsigned long e = ERR_get_error();
        snprintf(p->err, sizeof p->err, "%s: %s", what,
                 e ? ERR_error_string(e, NULL) : strerror(errno));
    }
}

static int peer_write(peer *p, const void *buf, size_t n)
{
    const char *s = buf;
    while (n) {
        int k;
        if (p->ssl) {
            k = SSL_write(p->ssl, s, (int)n);
            if (k <= 0) {
                peer_fail(p, "SSL_write");
                return -1;
            }
        } else {
            k = (int)send(p->fd, s, n, MSG_NOSIGNAL);
            if (k <= 0) {
                peer_fail(p, "send");
                return -1;
            }
        }
        s += k;
        n -= (size_t)k;
    }
    return 0;
}

static int peer_say(peer *p, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    return peer_write(p, line, (size_t)n);
}

static int accept_any(int ok, X509_STORE_CTX *x)
{
    return 1;
}

/* Renegotiate or update keys, as the TLS version allows. */
static void rekey(peer *p)
{
    p->since_rekey = 0;
    if (SSL_version(p->ssl) < TLS1_3_VERSION && SSL_renegotiate_pending(p->ssl))
        return; /* the last one is still under way */
    p->rekeys++;
    if (SSL_version(p->ssl) >= TLS1_3_VERSION) {
        SSL_key_update(p->ssl, SSL_KEY_UPDATE_REQUESTED);
    } else {
        if (p->ask_cert)
            SSL_set_verify(p->ssl, SSL_VERIFY_PEER, accept_any);
        SSL_renegotiate(p->ssl);
    }
    if (SSL_do_handshake(p->ssl) != 1)
        peer_fail(p, "rekey");
}

/* Fill the input buffer; 0 at the end of the stream. */
static int peer_fill(peer *p)
{
    if (p->in_pos == p->in_len)
        p->in_pos = p->in_len = 0;
    int k;
    if (p->ssl) {
        k = SSL_read(p->ssl, p->in + p->in_len, (int)(sizeof p->in - p->in_len));
        if (k <= 0) {
            if (SSL_get_error(p->ssl, k) != SSL_ERROR_ZERO_RETURN)
                peer_fail(p, "SSL_read");
            return 0;
        }
    } else {
        k = (int)recv(p->fd, p->in + p->in_len, sizeof p->in - p->in_len, 0);
        if (k <= 0)
            return 0;
    }
    p->in_len += (size_t)k;
    return 1;
}

/* The next line (CRLF removed) into line; 0 at the end of the stream. */
static int peer_line(peer *p, char *line, size_t size)
{
    size_t n = 0;
    for (;;) {
        while (p->in_pos < p->in_len) {
            char ch = p->in[p->in_pos++];
            if (ch == '\n') {
                if (n && line[n - 1] == '\r')
                    n--;
                line[n] = '\0';
                return 1;
            }
            if (n + 1 < size)
                line[n++] = ch;
        }
        if (!peer_fill(p))
            return 0;
    }
}

/* Read a literal of n bytes, slowly if asked, rekeying on the way. */
static int peer_literal(peer *p, size_t n)
{
    size_t piece = 0;
    while (n) {
        if (p->in_pos == p->in_len && !peer_fill(p))
            return 0;
        size_t k = p->in_len - p->in_pos;
        if (k > n)
            k = n;
        if (p->throttle_every && k > (size_t)p->throttle_every - piece)
            k = (size_t)p->throttle_every - piece;
        for (size_t i = 0; i < k; i++) {
            p->lit_hash ^= (unsigned char)p->in[p->in_pos + i];
            p->lit_hash *= 16777619u;
        }
        p->in_pos += k;
        n -= k;
        p->lit_bytes += k;
        p->since_rekey += k;
        piece += k;
        if (p->throttle_every && piece == (size_t)p->throttle_every) {
            piece = 0;
            sleep_ms(p->throttle_ms);
        }
        if (p->rekey_every && p->since_rekey >= p->rekey_every)
            rekey(p);
    }
    return 1;
}

/* A FETCH answered with one body of fetch_size bytes, rekeying on the way. */
static int peer_fetch(peer *p, const char *tag)
{
    if (peer_say(p, "* 1 FETCH (UID 1 BODY[] {%zu}\r\n", p->fetch_size))
        return -1;
    static char chunk[8192];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (i % 80) == 78 ? '\r' : (i % 80) == 79 ? '\n' : (char)('a' + i % 26);
    size_t left = p->fetch_size;
    while (left) {
        size_t k = left < sizeof chunk ? left : sizeof chunk;
        if (peer_write(p, chunk, k))
            return -1;
        left -= k;
        p->since_rekey += k;
        if (p->rekey_every && p->since_rekey >= p->rekey_every)
            rekey(p);
    }
    return peer_say(p, ")\r\n%s OK fetched\r\n", tag);
}

static void peer_imap(peer *p)
{
    char line[1024], tag[64], cmd[64];
    while (peer_line(p, line, sizeof line)) {
        if (sscanf(line, "%63s %63s", tag, cmd) != 2)
            break;
        if (!strcasecmp(cmd, "APPEND")) {
            size_t n = 0;
            const char *brace = strrchr(line, '{');
            if (!brace || sscanf(brace, "{%zu", &n) != 1)
                break;
            if (!strstr(brace, "+}") && peer_say(p, "+ go\r\n"))
                break;
            if (!peer_literal(p, n) || !peer_line(p, line, sizeof line))
                break;
            p->appends++;
            if (peer_say(p, "%s OK [APPENDUID 1 %d] appended\r\n", tag, p->appends))
                break;
        } else if (!strcasecmp(cmd, "UID") && strstr(line, "FETCH")) {
            if (peer_fetch(p, tag))
                break;
        } else if (!strcasecmp(cmd, "IDLE")) {
            if (peer_say(p, "+ idling\r\n") || !peer_line(p, line, sizeof line) ||
                peer_say(p, "%s OK idle done\r\n", tag))
                break;
        } else if (!strcasecmp(cmd, "LOGOUT")) {
            peer_say(p, "* BYE bye\r\n%s OK out\r\n", tag);
            break;
        } else if (!strcasecmp(cmd, "CAPABILITY")) {
            if (peer_say(p,
                         "* CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS\r\n%s OK caps\r\n",
                         tag))
                break;
        } else if (p->mode == PEER_SILENT_CMD && strcasecmp(cmd, "LOGIN")) {
            continue; /* never answered */
        } else if (!strcasecmp(cmd, "STARTTLS") && !p->ssl) {
            peer_say(p, "%s OK begin TLS\r\n", tag);
            if (p->mode == PEER_STARTTLS) {
                while (recv(p->fd, line, sizeof line, 0) > 0) /* no handshake, ever */
                    ;
                break;
            }
            p->ssl = SSL_new(p->ctx);
            SSL_set_app_data(p->ssl, p);
            SSL_set_fd(p->ssl, p->fd);
            if (SSL_accept(p->ssl) != 1) {
                peer_fail(p, "SSL_accept after STARTTLS");
                break;
            }
        } else if (peer_say(p, "%s OK done\r\n", tag)) {
            break;
        }
    }
}

static void *peer_main(void *arg)
{
    peer *p = arg;
    struct pollfd pf = {p->lfd, POLLIN, 0};
    if (poll(&pf, 1, 20000) != 1) {
        snprintf(p->err, sizeof p->err, "no client came");
        return NULL;
    }
    p->fd = accept(p->lfd, NULL, NULL);
    if (p->fd < 0) {
        peer_fail(p, "accept");
        return NULL;
    }
    char junk[4096];
    if (p->mode == PEER_STALL_TLS) {
        while (recv(p->fd, junk, sizeof junk, 0) > 0)
            ;
        close(p->fd);
        return NULL;
    }
    if (p->tls) {
        p->ssl = SSL_new(p->ctx);
        SSL_set_app_data(p->ssl, p);
        SSL_set_fd(p->ssl, p->fd);
        if (SSL_accept(p->ssl) != 1) {
            peer_fail(p, "SSL_accept");
            goto out;
        }
    }
    if (p->mode == PEER_NO_GREETING) {
        while (p->ssl ? SSL_read(p->ssl, junk, sizeof junk) > 0
                      : recv(p->fd, junk, sizeof junk, 0) > 0)
            ;
        goto out;
    }
    if (!peer_say(p, "* %s [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS STARTTLS] hi\r\n",
                  p->mode == PEER_IMAP && !p->greet_ok ? "PREAUTH" : "OK"))
        peer_imap(p);
out:
    if (p->ssl) {
        p->reneg_pending = SSL_renegotiate_pending(p->ssl);
        p->client_cert = SSL_get0_peer_certificate(p->ssl) != NULL;
        SSL_shutdown(p->ssl);
        SSL_free(p->ssl);
        p->ssl = NULL;
    }
    close(p->fd);
    return NULL;
}

/* Start the peer on an ephemeral port; its socket buffers small. */
static void peer_start(peer *p)
{
    p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(p->lfd >= 0);
    int small = 16384;
    setsockopt(p->lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    setsockopt(p->lfd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(p->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(p->lfd, 1), 0);
    socklen_t al = sizeof a;
    getsockname(p->lfd, (struct sockaddr *)&a, &al);
    p->port = ntohs(a.sin_port);
    make_cert(p);
    p->ctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(p->ctx);
    assert_int_equal(SSL_CTX_use_certificate(p->ctx, p->cert), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(p->ctx, p->key), 1);
    if (p->max_version)
        SSL_CTX_set_max_proto_version(p->ctx, p->max_version);
    SSL_CTX_set_session_id_context(p->ctx, (const unsigned char *)"t", 1);
    /* full handshakes, each asking again for the client's certificate */
    SSL_CTX_set_options(p->ctx, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    SSL_CTX_set_client_hello_cb(p->ctx, on_client_hello, p);
    SSL_CTX_set_info_callback(p->ctx, on_info);
    assert_int_equal(pthread_create(&p->th, NULL, peer_main, p), 0);
}

static void peer_join(peer *p)
{
    pthread_join(p->th, NULL);
    close(p->lfd);
    SSL_CTX_free(p->ctx);
    X509_free(p->cert);
    EVP_PKEY_free(p->key);
}

/* ---- the client side ------------------------------------------------------------ */

/* A client certificate of some 60 KB (a long comment extension) and its
 * key, in one PEM file: its handshake flight cannot fit in a tiny socket
 * buffer, so the client's handshake writes stop part-way whichever call
 * drives them (also a read). */
static void big_client_cert(char *path)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 2);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME *n = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"client", -1,
                               -1, 0);
    X509_set_issuer_name(cert, n);
    static char comment[60000];
    memset(comment, 'c', sizeof comment - 1);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_netscape_comment, comment);
    assert_non_null(ext);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
    strcpy(path, "/tmp/imapclient-test-cert-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    PEM_write_X509(f, cert);
    PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    X509_free(cert);
    EVP_PKEY_free(key);
}

typedef struct tally {
    int n;
    imapclient_op op[64];
    int status[64];
    char err[64][160];
    uint32_t uid[64];
    size_t body;   /* bytes of the fetched body */
    uint32_t hash; /* and their FNV-1a */
} tally;

static void record(imapclient *c, imapclient_completion *d)
{
    tally *t = d->user;
    assert_true(t->n < 64);
    t->op[t->n] = d->op;
    t->status[t->n] = d->status;
    snprintf(t->err[t->n], sizeof t->err[t->n], "%s", d->errmsg);
    if (d->op == IMAPCLIENT_OP_APPEND && d->result &&
        ((imapclient_append_result *)d->result)->count)
        t->uid[t->n] = ((imapclient_append_result *)d->result)->uids[0];
    t->n++;
}

static imapclient_options opts_for(const peer *p)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.port = p->port;
    o.ssl = p->tls;
    o.verify_peer = 0;
    o.check_hostname = 0;
    o.timeout_ms = 20000;
    o.connect_timeout_ms = 20000;
    return o;
}

/* The fd's buffers as small as the kernel allows. */
static void shrink(int fd)
{
    int small = 16384;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
}

/* The loop of an application: poll as imapclient_want() says, drive.
 * Counts the wake-ups. */
typedef struct loop {
    long wakeups;
    long quick; /* wake-ups at once, with nothing ready (a timeout of 0) */
} loop;

static int run_until(imapclient *c, const int *n, int want, int ms, loop *l)
{
    long long end = now_ms() + ms;
    while (*n < want) {
        imapclient_wants w;
        int rc = imapclient_want(c, &w);
        if (rc < 0)
            return rc;
        long long left = end - now_ms();
        if (left <= 0)
            return 1; /* the test's own limit */
        int t = w.timeout_ms < 0 || w.timeout_ms > left ? (int)left : w.timeout_ms;
        struct pollfd pf = {w.fd, 0, 0};
        if (w.events & IMAPCLIENT_WANT_READ)
            pf.events |= POLLIN;
        if (w.events & IMAPCLIENT_WANT_WRITE)
            pf.events |= POLLOUT;
        int r = poll(&pf, 1, t);
        l->wakeups++;
        if (r == 0 && t == 0)
            l->quick++;
        if ((rc = imapclient_drive(c)) < 0)
            return rc;
    }
    return 0;
}

static int on_body(void *payload, uint32_t seq, const char *name, const char *data,
                   size_t len)
{
    tally *t = payload;
    for (size_t i = 0; i < len; i++) {
        t->hash ^= (unsigned char)data[i];
        t->hash *= 16777619u;
    }
    t->body += len;
    return 0;
}

static int on_msg(void *payload, const imapclient_message *m)
{
    return 0;
}

#define NAPPEND  6
#define MSG_SIZE (192 * 1024)

/* Pipelined APPENDs out and a big FETCH in, rekeyed every rekey_every
 * bytes in both directions over tiny socket buffers. */
static void rekey_session(int version, void **state)
{
    peer p = {.mode = PEER_IMAP,
              .tls = 1,
              .max_version = version,
              .rekey_every = 96 * 1024,
              .hello_delay_ms = 100,
              .throttle_every = 16384,
              .throttle_ms = 2,
              .fetch_size = 512 * 1024};
    p.lit_hash = 2166136261u;
    p.ask_cert = version == TLS1_2_VERSION;
    peer_start(&p);
    imapclient_options o = opts_for(&p);
    char cert[64] = "";
    if (p.ask_cert) {
        big_client_cert(cert);
        o.cert_file = cert;
    }
    tally t = {.hash = 2166136261u};
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_start("127.0.0.1", &o, record, &t, &c), 0);
    imapclient_wants w;
    assert_int_equal(imapclient_want(c, &w), 0);
    shrink(w.fd);
    loop l = {0};
    assert_int_equal(run_until(c, &t.n, 1, 20000, &l), 0);
    assert_int_equal(t.status[0], 0);
    assert_true(imapclient_is_tls(c));

    char *msg = malloc(MSG_SIZE);
    uint32_t want_hash = 2166136261u;
    for (int k = 0; k < NAPPEND; k++) {
        for (size_t i = 0; i < MSG_SIZE; i++) {
            msg[i] = (i % 100) == 98   ? '\r'
                     : (i % 100) == 99 ? '\n'
                                       : (char)('A' + (i + k) % 26);
            want_hash ^= (unsigned char)msg[i];
            want_hash *= 16777619u;
        }
        assert_int_equal(imapclient_start_append(c, "INBOX", msg, MSG_SIZE, NULL, NULL,
                                                 record, &t, NULL),
                         0);
    }
    assert_int_equal(imapclient_start_select_folder(c, "INBOX", 0, record, &t, NULL), 0);
    assert_int_equal(
        imapclient_start_fetch_each(c, "1", (const char *[]){"BODY.PEEK[]", NULL}, NULL,
                                    on_msg, on_body, 0, &t, record, &t, NULL),
        0);
    for (int k = 0; k < NAPPEND; k++) {
        for (size_t i = 0; i < 1000; i++) {
            want_hash ^= (unsigned char)msg[i];
            want_hash *= 16777619u;
        }
        assert_int_equal(
            imapclient_start_append(c, "INBOX", msg, 1000, NULL, NULL, record, &t, NULL),
            0);
    }
    free(msg);
    long long t0 = now_ms();
    int rc = run_until(c, &t.n, 1 + 2 * NAPPEND + 2, 60000, &l);
    long long took = now_ms() - t0;
    if (rc)
        fail_msg("loop: %d %s (peer: %s)", rc, imapclient_errmsg(c), p.err);
    for (int i = 0; i < t.n; i++)
        if (t.status[i])
            fail_msg("completion %d (op %d): %d %s", i, t.op[i], t.status[i], t.err[i]);
    for (int k = 0; k < NAPPEND; k++)
        assert_int_equal(t.uid[1 + k], (uint32_t)(k + 1));
    assert_int_equal(t.body, p.fetch_size);
    assert_int_equal(imapclient_start_logout(c, record, &t, NULL), 0);
    run_until(c, &t.n, 2 + 2 * NAPPEND + 2, 20000, &l);
    imapclient_free(c);
    peer_join(&p);
    if (cert[0])
        unlink(cert);
    if (p.err[0])
        fail_msg("peer: %s", p.err);
    assert_int_equal(p.lit_bytes, (size_t)NAPPEND * (MSG_SIZE + 1000));
    assert_int_equal(p.lit_hash, want_hash);
    print_message("      %d rekeys, %ld wake-ups in %lld ms\n", p.rekeys, l.wakeups,
                  took);
    /* every rekey went through, in both directions */
    assert_true(p.rekeys >= 8);
    if (version == TLS1_2_VERSION) {
        assert_int_equal(p.hellos, 1 + p.rekeys);
        assert_false(p.reneg_pending);
        assert_true(p.client_cert); /* the big flight went through */
    }
    /* No busy loop: a wake-up moves at least a few KB, and the waits for
     * the held-back ServerHellos (150 ms each) are slept through. */
    assert_true(l.wakeups < 2000);
}

static void test_async_tls__renegotiation_both_ways(void **state)
{
    rekey_session(TLS1_2_VERSION, state);
}

static void test_async_tls__key_update_both_ways(void **state)
{
    rekey_session(TLS1_3_VERSION, state);
}

/* TLS 1.2 with an untrusted certificate and verify_peer off: the client
 * checks the certificate, then waits for the server's Finished; the
 * verification's (ignored) result must not fail the handshake there.
 * With verify_peer on it fails with ECERTIFICATE. Blocking and not. */
static void test_async_tls__untrusted_certificate_unverified(void **state)
{
    for (int verify = 0; verify < 2; verify++) {
        for (int async = 0; async < 2; async++) {
            peer p = {.mode = PEER_IMAP,
                      .tls = 1,
                      .max_version = TLS1_2_VERSION,
                      .finish_delay_ms = 100};
            peer_start(&p);
            imapclient_options o = opts_for(&p);
            o.verify_peer = verify;
            imapclient *c = NULL;
            int rc;
            if (async) {
                tally t = {0};
                assert_int_equal(
                    imapclient_connect_start("127.0.0.1", &o, record, &t, &c), 0);
                loop l = {0};
                run_until(c, &t.n, 1, 10000, &l);
                assert_int_equal(t.n, 1);
                rc = t.status[0];
            } else {
                rc = imapclient_connect("127.0.0.1", &o, &c);
            }
            if (verify) {
                assert_int_equal(rc, IMAPCLIENT_ECERTIFICATE);
            } else {
                if (rc)
                    fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
                assert_int_equal(imapclient_logout(c, NULL), 0);
            }
            imapclient_free(c);
            peer_join(&p);
        }
    }
}

/* ---- timeouts, cancel and free around the handshakes ------------------------------ */

/* Connect (implicit TLS or not) to a peer in mode, drive until the connect
 * completes; the connect's status and how long it took. */
static int connect_to(peer *p, imapclient_options *o, tally *t, imapclient **c,
                      long long *took, loop *l)
{
    long long t0 = now_ms();
    assert_int_equal(imapclient_connect_start("127.0.0.1", o, record, t, c), 0);
    int rc = run_until(*c, &t->n, 1, 10000, l);
    *took = now_ms() - t0;
    assert_int_equal(rc == 1, 0); /* not the test's own limit */
    assert_int_equal(t->n, 1);
    assert_int_equal(t->op[0], IMAPCLIENT_OP_CONNECT);
    return t->status[0];
}

/* The TLS handshake never ends, or the greeting never comes after it: the
 * connect completes with ETIMEOUT after connect_timeout_ms, the loop
 * sleeping in between (imapclient_want() gives the deadline). */
static void test_async_tls__connect_timeouts(void **state)
{
    /* a handshake that never ends; no greeting after TLS; none on plain TCP */
    static const peer cases[] = {{.mode = PEER_STALL_TLS, .tls = 1},
                                 {.mode = PEER_NO_GREETING, .tls = 1},
                                 {.mode = PEER_NO_GREETING, .tls = 0}};
    for (int i = 0; i < 3; i++) {
        peer p = cases[i];
        peer_start(&p);
        imapclient_options o = opts_for(&p);
        o.connect_timeout_ms = 300;
        tally t = {0};
        imapclient *c = NULL;
        loop l = {0};
        long long took;
        assert_int_equal(connect_to(&p, &o, &t, &c, &took, &l), IMAPCLIENT_ETIMEOUT);
        assert_true(took >= 290 && took < 5000);
        assert_true(l.wakeups < 20); /* slept, not spun */
        assert_int_equal(imapclient_drive(c), IMAPCLIENT_ETIMEOUT);
        imapclient_wants w;
        assert_int_equal(imapclient_want(c, &w), IMAPCLIENT_ETIMEOUT);
        imapclient_free(c);
        peer_join(&p);
    }
}

/* STARTTLS answered OK, then no handshake: the STARTTLS completion comes
 * with ETIMEOUT (timeout_ms, as the blocking call without a connect
 * timeout), and the login queued behind it with it. */
static void test_async_tls__starttls_handshake_timeout(void **state)
{
    peer p = {.mode = PEER_STARTTLS};
    peer_start(&p);
    imapclient_options o = opts_for(&p);
    o.connect_timeout_ms = 0;
    o.timeout_ms = 300;
    tally t = {0};
    imapclient *c = NULL;
    loop l = {0};
    long long took;
    assert_int_equal(connect_to(&p, &o, &t, &c, &took, &l), 0);
    assert_int_equal(imapclient_start_starttls(c, record, &t, NULL), 0);
    assert_int_equal(imapclient_start_login(c, "me", "pw", record, &t, NULL), 0);
    long long t0 = now_ms();
    int rc = run_until(c, &t.n, 3, 5000, &l);
    took = now_ms() - t0;
    assert_int_equal(rc, IMAPCLIENT_ETIMEOUT);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.op[1], IMAPCLIENT_OP_STARTTLS);
    assert_int_equal(t.status[1], IMAPCLIENT_ETIMEOUT);
    assert_int_equal(t.status[2], IMAPCLIENT_ETIMEOUT);
    assert_true(took >= 290 && took < 4000);
    assert_true(l.wakeups < 30);
    imapclient_free(c);
    peer_join(&p);
}

/* Cancelled or freed while the TLS handshake (of the connect, or after
 * STARTTLS) waits: the connect or STARTTLS completion comes once, with
 * EINTERRUPTED or EABORT, and nothing leaks (valgrind). */
static void test_async_tls__cancel_and_free_during_handshakes(void **state)
{
    for (int how = 0; how < 4; how++) {
        int starttls = how >= 2, do_free = how % 2;
        peer p = {.mode = starttls ? PEER_STARTTLS : PEER_STALL_TLS, .tls = !starttls};
        peer_start(&p);
        imapclient_options o = opts_for(&p);
        tally t = {0};
        imapclient *c = NULL;
        loop l = {0};
        assert_int_equal(imapclient_connect_start("127.0.0.1", &o, record, &t, &c), 0);
        int want = 0;
        if (starttls) {
            assert_int_equal(run_until(c, &t.n, 1, 5000, &l), 0);
            assert_int_equal(t.status[0], 0);
            assert_int_equal(imapclient_start_starttls(c, record, &t, NULL), 0);
            want = 1;
        }
        /* until the handshake waits for the silent peer */
        for (int i = 0; i < 20; i++) {
            imapclient_wants w;
            assert_int_equal(imapclient_want(c, &w), 0);
            struct pollfd pf = {w.fd, POLLIN, 0};
            poll(&pf, 1, 20);
            assert_int_equal(imapclient_drive(c), 0);
        }
        assert_int_equal(t.n, want);
        if (do_free) {
            imapclient_free(c);
        } else {
            imapclient_cancel_all(c);
            assert_int_equal(imapclient_drive(c), IMAPCLIENT_EINTERRUPTED);
        }
        assert_int_equal(t.n, want + 1);
        assert_int_equal(t.op[want],
                         starttls ? IMAPCLIENT_OP_STARTTLS : IMAPCLIENT_OP_CONNECT);
        assert_int_equal(t.status[want],
                         do_free ? IMAPCLIENT_EABORT : IMAPCLIENT_EINTERRUPTED);
        if (!do_free) {
            assert_int_equal(imapclient_drive(c), IMAPCLIENT_EINTERRUPTED);
            assert_int_equal(t.n, want + 1); /* once */
            imapclient_free(c);
        }
        assert_int_equal(t.n, want + 1);
        peer_join(&p);
    }
}

/* A blocking call while the non-blocking connect or STARTTLS handshake
 * is under way: it cannot queue behind a handshake, so it is refused
 * (EILLEGAL_STATE) and the handle goes on; the handshake then completes
 * and the same call works. */
static void test_async_tls__blocking_call_during_a_handshake(void **state)
{
    for (int starttls = 0; starttls < 2; starttls++) {
        peer p = {.mode = PEER_IMAP,
                  .tls = !starttls,
                  .greet_ok = starttls,
                  .finish_delay_ms = 200,
                  .max_version = TLS1_2_VERSION};
        peer_start(&p);
        imapclient_options o = opts_for(&p);
        tally t = {0};
        imapclient *c = NULL;
        loop l = {0};
        assert_int_equal(imapclient_connect_start("127.0.0.1", &o, record, &t, &c), 0);
        int want = 1;
        if (starttls) {
            assert_int_equal(run_until(c, &t.n, 1, 5000, &l), 0);
            assert_int_equal(imapclient_start_starttls(c, record, &t, NULL), 0);
            want = 2;
        } else {
            /* not even connected yet */
            assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
        }
        /* until the handshake waits for the held-back Finished */
        for (int i = 0; i < 5; i++) {
            imapclient_wants w;
            assert_int_equal(imapclient_want(c, &w), 0);
            struct pollfd pf = {w.fd, POLLIN, 0};
            poll(&pf, 1, 20);
            assert_int_equal(imapclient_drive(c), 0);
        }
        assert_int_equal(t.n, want - 1);
        assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
        assert_int_equal(run_until(c, &t.n, want, 5000, &l), 0);
        assert_int_equal(t.status[want - 1], 0);
        assert_true(imapclient_is_tls(c));
        assert_int_equal(imapclient_noop(c, NULL), 0);
        assert_int_equal(imapclient_logout(c, NULL), 0);
        imapclient_free(c);
        peer_join(&p);
    }
}

/* A command the server never answers: ETIMEOUT after timeout_ms of
 * silence, as imapclient_want() announced. An IDLE that is idling may be
 * silent until its renewal: never timed out, and the loop sleeps until
 * then (idle_renew_ms, 5 minutes by default). */
static void test_async_tls__silence_timeout_and_idle(void **state)
{
    peer p = {.mode = PEER_SILENT_CMD};
    peer_start(&p);
    imapclient_options o = opts_for(&p);
    o.timeout_ms = 300;
    tally t = {0};
    imapclient *c = NULL;
    loop l = {0};
    long long took;
    assert_int_equal(connect_to(&p, &o, &t, &c, &took, &l), 0);
    imapclient_wants w;
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_int_equal(w.timeout_ms, -1); /* nothing in flight: nothing due */
    assert_int_equal(imapclient_start_login(c, "me", "pw", record, &t, NULL), 0);
    assert_int_equal(run_until(c, &t.n, 2, 5000, &l), 0);
    assert_int_equal(t.status[1], 0);

    /* IDLE, idling: three timeouts' worth of silence */
    assert_int_equal(imapclient_start_idle(c, record, &t, NULL), 0);
    assert_int_equal(run_until(c, &t.n, 3, 5000, &l), 0);
    assert_int_equal(t.op[2], IMAPCLIENT_OP_IDLE);
    assert_int_equal(t.status[2], 0);
    assert_int_equal(imapclient_want(c, &w), 0);
    /* no timeout_ms while idling: the only deadline is the renewal */
    assert_true(w.timeout_ms > o.timeout_ms && w.timeout_ms <= o.idle_renew_ms);
    l = (loop){0};
    assert_int_equal(run_until(c, &t.n, 4, 1000, &l), 1); /* our limit, not theirs */
    assert_true(l.wakeups <= 3);
    assert_int_equal(imapclient_start_idle_done(c, record, &t, NULL), 0);
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_true(w.timeout_ms > 0 && w.timeout_ms <= 300); /* DONE is due an answer */
    assert_int_equal(run_until(c, &t.n, 4, 5000, &l), 0);
    assert_int_equal(t.op[3], IMAPCLIENT_OP_IDLE_DONE);
    assert_int_equal(t.status[3], 0);

    /* a NOOP never answered; once sent, its answer is due */
    assert_int_equal(imapclient_start_noop(c, record, &t, NULL), 0);
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_true(w.events & IMAPCLIENT_WANT_WRITE);
    assert_int_equal(imapclient_drive(c), 0);
    assert_int_equal(imapclient_want(c, &w), 0);
    assert_int_equal(w.events, IMAPCLIENT_WANT_READ);
    assert_true(w.timeout_ms > 250 && w.timeout_ms <= 300);
    long long t0 = now_ms();
    l = (loop){0};
    int rc = run_until(c, &t.n, 5, 5000, &l);
    took = now_ms() - t0;
    assert_int_equal(rc, IMAPCLIENT_ETIMEOUT);
    assert_int_equal(t.status[4], IMAPCLIENT_ETIMEOUT);
    assert_true(took >= 290 && took < 3000);
    assert_true(l.wakeups < 10);
    imapclient_free(c);
    peer_join(&p);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* the peer writes to clients that gave up */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_tls__untrusted_certificate_unverified),
        cmocka_unit_test(test_async_tls__renegotiation_both_ways),
        cmocka_unit_test(test_async_tls__key_update_both_ways),
        cmocka_unit_test(test_async_tls__connect_timeouts),
        cmocka_unit_test(test_async_tls__starttls_handshake_timeout),
        cmocka_unit_test(test_async_tls__cancel_and_free_during_handshakes),
        cmocka_unit_test(test_async_tls__blocking_call_during_a_handshake),
        cmocka_unit_test(test_async_tls__silence_timeout_and_idle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
