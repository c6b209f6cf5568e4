/* Plain TCP transport.
 * RFC 1122 4.2.3.6 (keep-alives); Linux tcp(7): TCP_KEEPIDLE,
 * TCP_KEEPINTVL, TCP_KEEPCNT, TCP_USER_TIMEOUT (RFC 5482). */
#include "fdio.h"
#include "transport.h"

#include <imapclient/errors.h>

#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The transport; while a non-blocking connect is under way it also holds
 * the addresses still to try. */
typedef struct tcp_transport {
    imc_transport base;
    struct addrinfo *res, *next; /* getaddrinfo's list and the next to try */
    char host[256];
    int port;
    int err_no; /* the last address's failure */
} tcp_transport;

static size_t tcp_pending(imc_transport *t)
{
    return 0;
}

static void tcp_close(imc_transport *t)
{
    tcp_transport *tt = (tcp_transport *)t;
    if (t->rfd >= 0)
        close(t->rfd);
    if (tt->res)
        freeaddrinfo(tt->res);
    free(tt);
}

static const struct imc_transport_ops tcp_ops = {
    .name = "tcp",
    .read = imc_fd_read,
    .write = imc_fd_write,
    .pending = tcp_pending,
    .close = tcp_close,
    .try_read = imc_fd_try_read,
    .try_write = imc_fd_try_write,
};

/* Connect one address within the remaining time; fd or negative status. */
static int try_connect(const struct addrinfo *ai, int timeout_ms, int *err_no)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        *err_no = errno;
        return IMAPCLIENT_ECONNECT;
    }
    if (imc_set_nonblock(fd) < 0) {
        *err_no = errno;
        close(fd);
        return IMAPCLIENT_ECONNECT;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        *err_no = errno;
        close(fd);
        return IMAPCLIENT_ECONNECT;
    }
    int w = imc_wait_fd(NULL, fd, 1, timeout_ms);
    if (w <= 0) {
        *err_no = w == 0 ? ETIMEDOUT : errno;
        close(fd);
        return w == 0 ? IMAPCLIENT_ETIMEOUT : IMAPCLIENT_ECONNECT;
    }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
        *err_no = soerr ? soerr : errno;
        close(fd);
        return IMAPCLIENT_ECONNECT;
    }
    return fd;
}

/* getaddrinfo() for a stream socket. An address literal (127.0.0.1, ::1)
 * is taken as it is: AI_ADDRCONFIG would ask the kernel which address
 * families are configured (a netlink socket, seven system calls) for an
 * answer that cannot change the result. */
static int resolve(const char *host, const char *portstr, struct addrinfo **res)
{
    unsigned char buf[sizeof(struct in6_addr)];
    int literal =
        inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = literal ? AI_NUMERICHOST : AI_ADDRCONFIG};
    return getaddrinfo(host, portstr, &hints, res);
}

int imc_tcp_connect(const char *host, int port, int timeout_ms, imc_transport **out,
                    char *err)
{
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo *res = NULL;
    int gai = resolve(host, portstr, &res);
    if (gai != 0) {
        snprintf(err, 256, "cannot resolve %s: %s", host, gai_strerror(gai));
        return IMAPCLIENT_ERESOLVE;
    }
    long long deadline = timeout_ms > 0 ? imc_now_ms() + timeout_ms : 0;
    int fd = -1, rc = IMAPCLIENT_ECONNECT, err_no = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int left = 0;
        if (deadline) {
            long long l = deadline - imc_now_ms();
            if (l <= 0) {
                rc = IMAPCLIENT_ETIMEOUT;
                err_no = ETIMEDOUT;
                break;
            }
            left = (int)l;
        }
        fd = try_connect(ai, left, &err_no);
        if (fd >= 0)
            break;
        rc = fd;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, 256, "cannot connect to %s port %d: %s", host, port,
                 rc == IMAPCLIENT_ETIMEOUT ? "timed out" : strerror(err_no));
        return rc;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    tcp_transport *t = calloc(1, sizeof *t);
    if (!t) {
        close(fd);
        snprintf(err, 256, "out of memory");
        return IMAPCLIENT_ENOMEM;
    }
    t->base.ops = &tcp_ops;
    t->base.rfd = t->base.wfd = fd;
    *out = &t->base;
    return 0;
}

/* ---- non-blocking connect ------------------------------------------------ */

/* Start connecting to the next address; 0 (in progress or connected),
 * or ECONNECT when none is left. */
static int start_next(tcp_transport *t)
{
    while (t->next) {
        struct addrinfo *ai = t->next;
        t->next = ai->ai_next;
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            t->err_no = errno;
            continue;
        }
        if (imc_set_nonblock(fd) < 0) {
            t->err_no = errno;
            close(fd);
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            t->base.rfd = t->base.wfd = fd;
            t->base.wants = IMC_WANT_WRITE;
            return 0;
        }
        t->err_no = errno;
        close(fd);
    }
    return IMAPCLIENT_ECONNECT;
}

int imc_tcp_connect_start(const char *host, int port, imc_transport **out, char *err)
{
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo *res = NULL;
    int gai = resolve(host, portstr, &res);
    if (gai != 0) {
        snprintf(err, 256, "cannot resolve %s: %s", host, gai_strerror(gai));
        return IMAPCLIENT_ERESOLVE;
    }
    tcp_transport *t = calloc(1, sizeof *t);
    if (!t) {
        freeaddrinfo(res);
        snprintf(err, 256, "out of memory");
        return IMAPCLIENT_ENOMEM;
    }
    t->base.ops = &tcp_ops;
    t->base.rfd = t->base.wfd = -1;
    t->res = t->next = res;
    snprintf(t->host, sizeof t->host, "%s", host);
    t->port = port;
    if (start_next(t)) {
        snprintf(err, 256, "cannot connect to %s port %d: %s", host, port,
                 strerror(t->err_no));
        tcp_close(&t->base);
        return IMAPCLIENT_ECONNECT;
    }
    *out = &t->base;
    return 0;
}

int imc_tcp_connect_step(imc_transport *bt, char *err)
{
    tcp_transport *t = (tcp_transport *)bt;
    for (;;) {
        if (imc_wait_fd(NULL, bt->wfd, 1, -1) != 1) {
            bt->wants = IMC_WANT_WRITE;
            return IMC_AGAIN;
        }
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(bt->wfd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && !soerr) {
            freeaddrinfo(t->res);
            t->res = t->next = NULL;
            return 0;
        }
        t->err_no = soerr ? soerr : errno;
        close(bt->rfd);
        bt->rfd = bt->wfd = -1;
        if (start_next(t)) {
            snprintf(err, 256, "cannot connect to %.160s port %d: %s", t->host, t->port,
                     strerror(t->err_no));
            return IMAPCLIENT_ECONNECT;
        }
    }
}

/* ---- dead-connection detection ------------------------------------------------ */

int imc_tcp_keepalive(imc_transport *t, const imapclient_options *o, char *err)
{
    if (!t || t->ops != &tcp_ops || t->rfd < 0 || !o->tcp_keepalive)
        return 0;
    int fd = t->rfd, one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0)
        goto fail;
    int idle = o->tcp_keepalive_idle_s, intvl = o->tcp_keepalive_interval_s,
        cnt = o->tcp_keepalive_count;
#ifdef TCP_KEEPIDLE
    if (idle > 0 && setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) < 0)
        goto fail;
#endif
#ifdef TCP_KEEPINTVL
    if (intvl > 0 && setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) < 0)
        goto fail;
#endif
#ifdef TCP_KEEPCNT
    if (cnt > 0 && setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) < 0)
        goto fail;
#endif
#ifdef TCP_USER_TIMEOUT
    /* Data sent into a dead path is retransmitted for up to ~15 minutes by
     * default; give up after as long as keepalive takes instead (RFC 5482;
     * with both set, Linux also ends keepalive by this time). */
    if (idle > 0 && intvl > 0 && cnt > 0 && idle <= 86400 && intvl <= 86400 &&
        cnt <= 1000) {
        long long ms = ((long long)idle + (long long)intvl * cnt) * 1000;
        unsigned ut = ms > 0x7fffffff ? 0x7fffffff : (unsigned)ms;
        if (setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof ut) < 0)
            goto fail;
    }
#endif
    return 0;
fail:
    snprintf(err, 256, "TCP keepalive not set: %s", strerror(errno));
    return IMAPCLIENT_EIO;
}
