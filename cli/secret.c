/*
 * Secrets: asking for them on the terminal (without echo), reading an
 * access token from a file, an environment variable or a command's output,
 * and wiping them when done. Secrets never come from the command line
 * (other users can read it in ps), except -p/--password, which the
 * reference has.
 */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* An access token is a few KiB at most (a JWT with claims); more is not one. */
#define MAX_SECRET (64 * 1024)

void cli_free_secret(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static volatile sig_atomic_t prompt_interrupted;

static void on_prompt_sigint(int sig)
{
    (void)sig;
    prompt_interrupted = 1;
}

/* Read one line from stdin; the trailing newline is removed. With noecho
 * the terminal does not show what is typed. NULL on EOF or Ctrl-C. */
static char *read_tty_line(const char *prompt, int noecho)
{
    if (!isatty(STDIN_FILENO))
        return NULL;
    struct termios old, quiet;
    int restore = 0;
    struct sigaction sa, oldsa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_prompt_sigint; /* no SA_RESTART: read() returns EINTR */
    sigemptyset(&sa.sa_mask);
    prompt_interrupted = 0;
    sigaction(SIGINT, &sa, &oldsa);
    if (noecho && tcgetattr(STDIN_FILENO, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
            restore = 1;
    }
    fputs(prompt, stderr);
    fflush(stderr);

    /* byte by byte from the fd, so nothing stays in a stdio buffer that the
     * line editor would not see */
    size_t cap = 128, len = 0;
    char *buf = malloc(cap);
    int ok = buf != NULL;
    while (ok) {
        char ch;
        ssize_t n = read(STDIN_FILENO, &ch, 1);
        if (n < 0 && errno == EINTR && !prompt_interrupted)
            continue;
        if (n <= 0) {
            ok = 0;
            break;
        }
        if (ch == '\n')
            break;
        if (len + 2 > cap) {
            char *nb = malloc(cap * 2);
            if (!nb) {
                ok = 0;
                break;
            }
            memcpy(nb, buf, len);
            explicit_bzero(buf, cap);
            free(buf);
            buf = nb;
            cap *= 2;
        }
        buf[len++] = ch;
    }
    if (restore)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    sigaction(SIGINT, &oldsa, NULL);
    if (prompt_interrupted)
        fputc('\n', stderr);
    if (!ok) {
        if (buf)
            explicit_bzero(buf, cap);
        free(buf);
        return NULL;
    }
    if (len && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    return buf;
}

char *cli_prompt_secret(const char *prompt)
{
    return read_tty_line(prompt, 1);
}

char *cli_prompt_line(const char *prompt)
{
    return read_tty_line(prompt, 0);
}

static int secret_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int secret_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Read all of fd (at most MAX_SECRET bytes) into a wiped-on-free string
 * with trailing blanks and line ends removed. On failure *empty says
 * whether there was simply nothing to read. */
static char *read_secret_fd(int fd, const char *what, char *err, size_t errlen,
                            int *empty)
{
    *empty = 0;
    char *buf = malloc(MAX_SECRET + 1);
    size_t len = 0;
    if (!buf) {
        secret_fail(err, errlen, "%s: out of memory", what);
        return NULL;
    }
    for (;;) {
        ssize_t n = read(fd, buf + len, MAX_SECRET + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            secret_fail(err, errlen, "%s: %s", what, strerror(errno));
            goto bad;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > MAX_SECRET) {
            secret_fail(err, errlen, "%s: more than %d bytes: not a token", what,
                        MAX_SECRET);
            goto bad;
        }
    }
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' ||
                   buf[len - 1] == '\t'))
        len--;
    buf[len] = '\0';
    if (len == 0) {
        secret_fail(err, errlen, "%s: empty", what);
        *empty = 1;
        goto bad;
    }
    /* one line: a token with a line end or NUL inside is a wrong file */
    if (strlen(buf) != len || strpbrk(buf, "\r\n")) {
        secret_fail(err, errlen, "%s: more than one line", what);
        goto bad;
    }
    return buf;
bad:
    explicit_bzero(buf, MAX_SECRET + 1);
    free(buf);
    return NULL;
}

char *cli_secret_from_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        secret_fail(err, errlen, "token file %s: %s", path, strerror(errno));
        return NULL;
    }
    char what[512];
    int empty;
    snprintf(what, sizeof what, "token file %s", path);
    char *s = read_secret_fd(fd, what, err, errlen, &empty);
    close(fd);
    return s;
}

char *cli_secret_from_env(const char *name, char *err, size_t errlen)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        secret_fail(err, errlen, "token variable %s is not set", name);
        return NULL;
    }
    if (strpbrk(v, "\r\n")) {
        secret_fail(err, errlen, "token variable %s: more than one line", name);
        return NULL;
    }
    char *s = strdup(v);
    if (!s)
        secret_fail(err, errlen, "out of memory");
    return s;
}

char *cli_secret_from_command(const char *command, char *err, size_t errlen)
{
    int fds[2];
    if (pipe(fds) != 0) {
        secret_fail(err, errlen, "token command: %s", strerror(errno));
        return NULL;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        secret_fail(err, errlen, "token command: %s", strerror(errno));
        return NULL;
    }
    if (pid == 0) {
        /* the command's stdout is the token; stdin and stderr stay ours,
         * so it can ask on the terminal and report errors */
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    int empty;
    char *s = read_secret_fd(fds[0], "token command", err, errlen, &empty);
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    /* a failed command's status says more than its empty output; but when
     * we stopped reading (too much), that error stands, whatever the
     * command's status after its pipe closed */
    if (failed && (s || empty)) {
        cli_free_secret(s);
        if (WIFEXITED(status))
            secret_fail(err, errlen, "token command failed (exit status %d)",
                        WEXITSTATUS(status));
        else
            secret_fail(err, errlen, "token command failed (killed by signal %d)",
                        WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        return NULL;
    }
    return s;
}
