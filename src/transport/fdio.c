/* Blocking-with-timeout I/O on non-blocking fds, shared by TCP and the
 * command stream. */
#include "fdio.h"

#include <imapclient/errors.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long long imc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int imc_budget_ms(long long deadline, int timeout_ms, int *capped)
{
    *capped = 0;
    if (!deadline || timeout_ms < 0)
        return timeout_ms;
    long long left = deadline - imc_now_ms();
    if (left <= 0) {
        *capped = 1;
        return 0;
    }
    if (timeout_ms == 0 || left < timeout_ms) {
        *capped = 1;
        return left > INT_MAX ? INT_MAX : (int)left;
    }
    return timeout_ms;
}

int imc_wait_fd(const imc_transport *t, int fd, int for_write, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = for_write ? POLLOUT : POLLIN};
    int ms = timeout_ms > 0 ? timeout_ms : (timeout_ms < 0 ? 0 : -1);
    long long deadline = ms > 0 ? imc_now_ms() + ms : 0;
    for (;;) {
        int n = poll(&p, 1, ms);
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return IMAPCLIENT_EIO;
        if (t && t->interrupt && t->interrupt(t->interrupt_payload))
            return IMAPCLIENT_EINTERRUPTED;
        if (deadline) {
            long long left = deadline - imc_now_ms();
            if (left <= 0)
                return 0;
            ms = (int)left;
        }
    }
}

int imc_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return 0;
}

ssize_t imc_fd_read(imc_transport *t, void *buf, size_t len, int timeout_ms)
{
    for (;;) {
        ssize_t n = read(t->rfd, buf, len);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            snprintf(t->err, sizeof t->err, "read: %s", strerror(errno));
            return IMAPCLIENT_EIO;
        }
        if (timeout_ms < 0) {
            snprintf(t->err, sizeof t->err, "no data available");
            return IMAPCLIENT_ETIMEOUT;
        }
        int w = imc_wait_fd(t, t->rfd, 0, timeout_ms);
        if (w == 0) {
            snprintf(t->err, sizeof t->err, "read timed out after %d ms", timeout_ms);
            return IMAPCLIENT_ETIMEOUT;
        }
        if (w < 0) {
            if (w == IMAPCLIENT_EINTERRUPTED)
                snprintf(t->err, sizeof t->err,
                         "interrupted while waiting for the server");
            else
                snprintf(t->err, sizeof t->err, "poll: %s", strerror(errno));
            return w;
        }
    }
}

int imc_fd_write(imc_transport *t, const void *buf, size_t len, int timeout_ms)
{
    const char *p = buf;
    long long end = timeout_ms > 0 ? imc_now_ms() + timeout_ms : 0;
    while (len) {
        ssize_t n =
            t->wfd == t->rfd ? send(t->wfd, p, len, MSG_NOSIGNAL) : write(t->wfd, p, len);
        if (n < 0 && errno == ENOTSOCK)
            n = write(t->wfd, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            snprintf(t->err, sizeof t->err, "write: %s", strerror(errno));
            return IMAPCLIENT_EIO;
        }
        int capped, wait = imc_budget_ms(end, timeout_ms, &capped);
        int w = capped && !wait ? 0 : imc_wait_fd(t, t->wfd, 1, wait);
        if (w == 0) {
            snprintf(t->err, sizeof t->err, "write timed out after %d ms", timeout_ms);
            return IMAPCLIENT_ETIMEOUT;
        }
        if (w < 0) {
            if (w == IMAPCLIENT_EINTERRUPTED)
                snprintf(t->err, sizeof t->err, "interrupted while sending");
            return w;
        }
    }
    return 0;
}

ssize_t imc_fd_try_read(imc_transport *t, void *buf, size_t len)
{
    for (;;) {
        ssize_t n = read(t->rfd, buf, len);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            t->wants = IMC_WANT_READ;
            return IMC_AGAIN;
        }
        snprintf(t->err, sizeof t->err, "read: %s", strerror(errno));
        return IMAPCLIENT_EIO;
    }
}

ssize_t imc_fd_try_write(imc_transport *t, const void *buf, size_t len)
{
    if (!len)
        return 0;
    for (;;) {
        ssize_t n = t->wfd == t->rfd ? send(t->wfd, buf, len, MSG_NOSIGNAL)
                                     : write(t->wfd, buf, len);
        if (n < 0 && errno == ENOTSOCK)
            n = write(t->wfd, buf, len);
        if (n > 0)
            return n;
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            t->wants = IMC_WANT_WRITE;
            return IMC_AGAIN;
        }
        snprintf(t->err, sizeof t->err, "write: %s", strerror(errno));
        return IMAPCLIENT_EIO;
    }
}
