/* Command stream transport (the reference's stream=True): the host string
 * is a shell command; we talk IMAP over its stdin and stdout. */
#include "fdio.h"
#include "transport.h"

#include <imapclient/errors.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct cmd_transport {
    imc_transport base;
    pid_t pid;
} cmd_transport;

static size_t cmd_pending(imc_transport *t)
{
    return 0;
}

static void cmd_close(imc_transport *t)
{
    cmd_transport *ct = (cmd_transport *)t;
    if (t->rfd >= 0)
        close(t->rfd);
    if (ct->pid > 0) {
        /* Closing stdin ends well-behaved commands; give them a moment. */
        for (int i = 0; i < 50; i++) {
            if (waitpid(ct->pid, NULL, WNOHANG) == ct->pid)
                goto done;
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        kill(ct->pid, SIGTERM);
        for (int i = 0; i < 50; i++) {
            if (waitpid(ct->pid, NULL, WNOHANG) == ct->pid)
                goto done;
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        kill(ct->pid, SIGKILL);
        waitpid(ct->pid, NULL, 0);
    }
done:
    free(ct);
}

static const struct imc_transport_ops cmd_ops = {
    .name = "command",
    .read = imc_fd_read,
    .write = imc_fd_write,
    .try_read = imc_fd_try_read,
    .try_write = imc_fd_try_write,
    .pending = cmd_pending,
    .close = cmd_close,
};

int imc_cmdstream_start(const char *command, imc_transport **out, char *err)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        snprintf(err, 256, "socketpair: %s", strerror(errno));
        return IMAPCLIENT_EIO;
    }
    cmd_transport *ct = calloc(1, sizeof *ct);
    if (!ct) {
        close(sv[0]);
        close(sv[1]);
        snprintf(err, 256, "out of memory");
        return IMAPCLIENT_ENOMEM;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, 256, "fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        free(ct);
        return IMAPCLIENT_EIO;
    }
    if (pid == 0) {
        /* child: the socket becomes stdin and stdout; stderr stays */
        if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0)
            _exit(127);
        signal(SIGPIPE, SIG_DFL);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    imc_set_nonblock(sv[0]);
    ct->pid = pid;
    ct->base.ops = &cmd_ops;
    ct->base.rfd = ct->base.wfd = sv[0];
    *out = &ct->base;
    return 0;
}
