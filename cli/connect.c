/*
 * Opening the connection as the reference's create_client_from_config()
 * does: connect (TLS, plain or a stream command), STARTTLS when asked,
 * then OAuth2 (refresh token exchanged for an access token, XOAUTH2) or
 * LOGIN. What is missing is asked for on the terminal, the password
 * without echo.
 */
#include "cmd.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

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

/* Protocol log on stderr; the library already shows secrets as ***. Control
 * bytes are escaped so the terminal is safe from what a server sends. */
static void log_line(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    (void)payload;
    fprintf(stderr, "%c: ", (char)dir);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)line[i];
        if (ch < 0x20 || ch == 0x7f)
            fprintf(stderr, "\\x%02x", ch);
        else
            fputc(ch, stderr);
    }
    fputc('\n', stderr);
}

/* Ask for what is missing; error when there is no terminal to ask on. */
static int complete_config(cli_ctx *ctx, int need_login)
{
    cli_config *cfg = &ctx->cfg;
    if (!cfg->host || !cfg->host[0]) {
        free(cfg->host);
        cfg->host = cli_prompt_line("IMAP host: ");
        if (!cfg->host || !cfg->host[0]) {
            fprintf(stderr, "imapclient: no host given (-H HOST or -f CONFIG)\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (!need_login)
        return 0;
    if (!cfg->username || !cfg->username[0]) {
        free(cfg->username);
        cfg->username = cli_prompt_line("Username: ");
        if (!cfg->username || !cfg->username[0]) {
            fprintf(stderr, "imapclient: no user name given (-u USER or -f CONFIG)\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (!cfg->oauth2 && !cfg->password) {
        cfg->password = cli_prompt_secret("Password: ");
        if (!cfg->password) {
            fprintf(stderr, "imapclient: no password given and no terminal to ask on "
                            "(-p PASSWORD or a config file)\n");
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

static int authenticate(cli_ctx *ctx)
{
    cli_config *cfg = &ctx->cfg;
    if (!cfg->oauth2)
        return imapclient_login(ctx->c, cfg->username, cfg->password, NULL);

    char err[512], *token = NULL;
    int rc = cli_oauth2_refresh(cfg, ctx->debug, &token, err, sizeof err);
    if (rc) {
        fprintf(stderr, "imapclient: %s\n", err);
        return rc;
    }
    rc = imapclient_oauth2_login(ctx->c, cfg->username, token, NULL, NULL, NULL);
    cli_free_secret(token);
    return rc;
}

int cli_connect(cli_ctx *ctx)
{
    cli_config *cfg = &ctx->cfg;
    /* as the reference: no login on a stream unless a user is named (a
     * stream is usually a pre-authenticated imapd) */
    int need_login = !cfg->stream || (cfg->username && cfg->username[0]);
    int rc = complete_config(ctx, need_login);
    if (rc)
        return rc;

    imapclient_options o;
    imapclient_options_init(&o);
    o.port = cfg->port;
    o.ssl = cfg->ssl;
    o.stream = cfg->stream;
    if (cfg->timeout > 0) {
        double ms = cfg->timeout * 1000.0;
        o.connect_timeout_ms = ms > 2e9 ? 2000000000 : (int)ms;
        if (o.connect_timeout_ms < 1)
            o.connect_timeout_ms = 1;
        o.timeout_ms = o.connect_timeout_ms;
    }
    o.ca_file = cfg->ca_file;
    o.verify_peer = cfg->verify_cert;
    o.check_hostname = cfg->verify_cert ? cfg->check_hostname : 0;
    if (ctx->debug)
        o.log = log_line;
    o.interrupt = cli_interrupt_hook;

    cli_disconnect(ctx);
    ctx->gone = 0;
    rc = imapclient_connect(cfg->host, &o, &ctx->c);
    if (rc)
        return rc;
    if (cfg->starttls && (rc = imapclient_starttls(ctx->c)))
        return rc;
    if (need_login &&
        imapclient_get_state(ctx->c) == IMAPCLIENT_STATE_NOT_AUTHENTICATED &&
        (rc = authenticate(ctx)))
        return rc;
    return 0;
}

void cli_disconnect(cli_ctx *ctx)
{
    if (!ctx->c)
        return;
    if (!ctx->gone && imapclient_get_state(ctx->c) == IMAPCLIENT_STATE_IDLE)
        imapclient_idle_done(ctx->c, NULL, NULL);
    if (!ctx->gone && imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_LOGOUT)
        imapclient_logout(ctx->c, NULL);
    imapclient_free(ctx->c);
    ctx->c = NULL;
    free(ctx->selected);
    ctx->selected = NULL;
    ctx->idling = 0;
}
