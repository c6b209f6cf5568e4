/* The fault-injection proxy (fault_proxy.py beside this file) from a C
 * test: started between the client and the private Dovecot on loopback,
 * told what to do over its stdin, stopped (and gone with the test if the
 * test dies, its stdin closing). Header-only: include it in one test. */
#ifndef LIVE_FAULT_PROXY_H
#define LIVE_FAULT_PROXY_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fproxy {
    pid_t pid;
    FILE *in, *out; /* its stdin (commands) and stdout (answers) */
    int port;       /* where it listens on 127.0.0.1 */
} fproxy;

/* Start it in front of host:port; 0, or -1 with a message on stderr. */
static int fproxy_start(fproxy *p, const char *host, int port)
{
    char script[1024], upstream[300];
    const char *here = __FILE__, *slash = strrchr(here, '/');
    snprintf(script, sizeof script, "%.*s/fault_proxy.py",
             slash ? (int)(slash - here) : 1, slash ? here : ".");
    snprintf(upstream, sizeof upstream, "%s:%d", host, port);
    int to[2], from[2];
    if (pipe(to) < 0 || pipe(from) < 0)
        return -1;
    p->pid = fork();
    if (p->pid < 0)
        return -1;
    if (p->pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[0]);
        close(to[1]);
        close(from[0]);
        close(from[1]);
        execlp("python3", "python3", script, "--upstream", upstream, (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    p->in = fdopen(to[1], "w");
    p->out = fdopen(from[0], "r");
    char line[256];
    if (!p->in || !p->out || !fgets(line, sizeof line, p->out) ||
        sscanf(line, "LISTEN %d", &p->port) != 1) {
        fprintf(stderr, "fault proxy did not start (%s)\n", script);
        return -1;
    }
    return 0;
}

/* Send a command; its answer goes to reply (if not NULL). 0 for "OK...". */
static int fproxy_cmd(fproxy *p, char *reply, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fproxy_cmd(fproxy *p, char *reply, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->in, fmt, ap);
    va_end(ap);
    fputc('\n', p->in);
    fflush(p->in);
    char line[512];
    if (!fgets(line, sizeof line, p->out))
        return -1;
    line[strcspn(line, "\r\n")] = '\0';
    if (reply && size) {
        size_t n = strlen(line) < size ? strlen(line) : size - 1;
        memcpy(reply, line, n);
        reply[n] = '\0';
    }
    return strncmp(line, "OK", 2) == 0 ? 0 : -1;
}

/* The number after "OK" ("OK 2": connections hit), or -1. */
static int fproxy_count(fproxy *p, const char *cmd)
{
    char r[128];
    int n = -1;
    if (fproxy_cmd(p, r, sizeof r, "%s", cmd) == 0 && sscanf(r, "OK %d", &n) != 1)
        n = 0;
    return n;
}

static void fproxy_stop(fproxy *p)
{
    if (p->in)
        fclose(p->in); /* it exits when its stdin closes */
    if (p->out)
        fclose(p->out);
    p->in = p->out = NULL;
    if (p->pid > 0) {
        for (int i = 0; i < 100 && waitpid(p->pid, NULL, WNOHANG) == 0; i++)
            usleep(20000);
        if (waitpid(p->pid, NULL, WNOHANG) == 0) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
        }
    }
    p->pid = 0;
}

#endif
