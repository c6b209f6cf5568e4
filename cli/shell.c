/*
 * The interactive shell: a prompt with line editing, history and tab
 * completion (libedit's readline interface), where every library call is
 * a command of the same name. Errors print and the shell goes on; after
 * the connection is lost the shell says so and offers 'reconnect'.
 *
 * Without a terminal on stdin the shell reads commands line by line (no
 * prompt, no history), so it can be scripted too.
 */
#include "cmd.h"

#include <editline/readline.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libedit's completion callbacks carry no user data: the one shell of the
 * process is reached through this pointer (set only while it runs). */
static cli_ctx *completion_ctx;

/* Ctrl-C at the prompt drops the line instead of ending the program
 * (libedit's own handler would re-raise SIGINT to the process group).
 * During a command it counts the presses: a command that can stop cleanly
 * (fetch's output) asks with cli_interrupted() and stops at the next
 * message, so only a second Ctrl-C abandons a wait for the server, which
 * leaves the connection unusable (cli_interrupt_soft()). */
static volatile sig_atomic_t prompt_sigint;
static volatile sig_atomic_t soft_interrupt;

int cli_interrupt_hook(void *payload)
{
    (void)payload;
    return prompt_sigint > (soft_interrupt ? 1 : 0);
}

int cli_interrupted(void)
{
    return prompt_sigint != 0;
}

void cli_interrupt_soft(int on)
{
    soft_interrupt = on ? 1 : 0;
}

static void on_sigint(int sig)
{
    (void)sig;
    if (prompt_sigint < 100)
        prompt_sigint++;
    if (soft_interrupt && prompt_sigint == 1) {
        static const char msg[] = "\n(stopping; Ctrl-C again to abandon the command and "
                                  "the connection)\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
    }
}

int cli_split_words(const char *line, char ***words, unsigned char **quoted)
{
    size_t cap = 8, n = 0, len = strlen(line);
    char **w = malloc(cap * sizeof *w);
    unsigned char *q = malloc(cap);
    char *buf = malloc(len + 1);
    if (!w || !q || !buf)
        goto oom;
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        size_t k = 0;
        int was_quoted = 0;
        char open = 0;
        while (*p) {
            char ch = *p;
            if (open) {
                if (ch == open) {
                    open = 0;
                    p++;
                } else if (ch == '\\' && open == '"' && (p[1] == '"' || p[1] == '\\')) {
                    buf[k++] = p[1];
                    p += 2;
                } else {
                    buf[k++] = ch;
                    p++;
                }
            } else if (ch == '"' || ch == '\'') {
                open = ch;
                was_quoted = 1;
                p++;
            } else if (ch == '\\' && p[1] && strchr(" \t\"'\\()", p[1])) {
                /* \ escapes only what would end or quote the word, so
                 * \Seen and \Flagged reach the server as system flags */
                buf[k++] = p[1];
                was_quoted = 1;
                p += 2;
            } else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
                break;
            } else {
                buf[k++] = ch;
                p++;
            }
        }
        if (open) {
            cli_words_free(w, (int)n, q);
            free(buf);
            *words = NULL;
            *quoted = NULL;
            return -1;
        }
        if (n + 1 >= cap) {
            cap *= 2;
            char **nw = realloc(w, cap * sizeof *w);
            if (!nw)
                goto oom;
            w = nw;
            unsigned char *nq = realloc(q, cap);
            if (!nq)
                goto oom;
            q = nq;
        }
        w[n] = strndup(buf, k);
        if (!w[n])
            goto oom;
        q[n] = (unsigned char)was_quoted;
        n++;
    }
    w[n] = NULL;
    free(buf);
    *words = w;
    *quoted = q;
    return (int)n;
oom:
    if (w)
        cli_words_free(w, (int)n, q);
    else
        free(q);
    free(buf);
    *words = NULL;
    *quoted = NULL;
    return -1;
}

void cli_words_free(char **words, int n, unsigned char *quoted)
{
    for (int i = 0; words && i < n; i++)
        free(words[i]);
    free(words);
    free(quoted);
}

void cli_folders_invalidate(cli_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nfolders; i++)
        free(ctx->folders[i]);
    free(ctx->folders);
    ctx->folders = NULL;
    ctx->nfolders = 0;
    ctx->folders_valid = 0;
}

/* ---- completion ------------------------------------------------------ */

/* Fill the folder completion cache (list_folders), once per change. */
static void folders_load(cli_ctx *ctx)
{
    imapclient_folder_list *list;
    cli_folders_invalidate(ctx);
    if (imapclient_list_folders(ctx->c, NULL, NULL, &list) != 0)
        return;
    ctx->folders = calloc(list->count + 1, sizeof *ctx->folders);
    for (size_t i = 0; ctx->folders && i < list->count; i++)
        if ((ctx->folders[ctx->nfolders] = strdup(list->folders[i].name)))
            ctx->nfolders++;
    ctx->folders_valid = 1;
    imapclient_folder_list_free(list);
}

static char *complete_command(const char *text, int state)
{
    static size_t i;
    if (!state)
        i = 0;
    size_t len = strlen(text);
    const cli_cmd *cmd;
    while ((cmd = cli_cmd_at(i++)))
        if (!strncmp(cmd->name, text, len))
            return strdup(cmd->name);
    return NULL;
}

/* A folder name as it must be typed: quoted when it has blanks or quotes. */
static char *typed_folder(const char *name)
{
    if (!strpbrk(name, " \t\"'\\"))
        return strdup(name);
    size_t n = strlen(name);
    char *s = malloc(2 * n + 3), *o = s;
    if (!s)
        return NULL;
    *o++ = '"';
    for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\')
            *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '"';
    *o = '\0';
    return s;
}

static char *complete_folder(const char *text, int state)
{
    static size_t i;
    cli_ctx *ctx = completion_ctx;
    if (!state)
        i = 0;
    if (!ctx || !ctx->folders)
        return NULL;
    /* the word may start with the quote we added */
    if (*text == '"')
        text++;
    size_t len = strlen(text);
    while (i < ctx->nfolders) {
        const char *f = ctx->folders[i++];
        if (!strncmp(f, text, len))
            return typed_folder(f);
    }
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1; /* never file names */
    cli_ctx *ctx = completion_ctx;
    /* the first word is a command; after it, folder names for the commands
     * that take them */
    int first = 1;
    for (int i = 0; i < start; i++)
        if (rl_line_buffer[i] != ' ' && rl_line_buffer[i] != '\t')
            first = 0;
    if (first)
        return rl_completion_matches(text, complete_command);

    char name[64];
    size_t k = 0;
    const char *p = rl_line_buffer;
    while (*p == ' ' || *p == '\t')
        p++;
    while (*p && *p != ' ' && *p != '\t' && k + 1 < sizeof name)
        name[k++] = *p++;
    name[k] = '\0';
    const cli_cmd *cmd = cli_cmd_find(name);
    if (!cmd || !(cmd->flags & CLI_CMD_FOLDER_ARG) || !ctx || !ctx->c || ctx->gone)
        return NULL;
    if (!ctx->folders_valid && !ctx->idling)
        folders_load(ctx);
    return rl_completion_matches(text, complete_folder);
}

/* ---- the loop -------------------------------------------------------- */

static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + sizeof "/.imapclient_history";
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/.imapclient_history", home);
    return p;
}

/* Lines that carry a password or token stay out of the history file:
 * login, plain_login, oauth2_login, ... with the secret typed in. */
static int is_secret_line(char **w, int n)
{
    size_t len = strlen(w[0]);
    return n >= 3 && len >= 5 && !strcmp(w[0] + len - 5, "login");
}

static void make_prompt(cli_ctx *ctx, char *buf, size_t size)
{
    if (!ctx->c || ctx->gone)
        snprintf(buf, size, "imapclient (not connected)> ");
    else if (ctx->idling && ctx->selected)
        snprintf(buf, size, "imapclient %s (IDLE)> ", ctx->selected);
    else if (ctx->idling)
        snprintf(buf, size, "imapclient (IDLE)> ");
    else if (ctx->selected)
        snprintf(buf, size, "imapclient %s> ", ctx->selected);
    else
        snprintf(buf, size, "imapclient> ");
}

int cli_shell(cli_ctx *ctx)
{
    int tty = isatty(STDIN_FILENO);
    int status = 0;
    char *hist = NULL;
    ctx->interactive = 1;

    struct sigaction old_int;
    if (tty) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint; /* no SA_RESTART: readline() returns */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        rl_catch_signals = 0;
        completion_ctx = ctx;
        rl_readline_name = "imapclient";
        rl_attempted_completion_function = complete;
        static char breaks[] = " \t\n";
        rl_completer_word_break_characters = breaks;
        using_history();
        stifle_history(1000);
        hist = history_path();
        if (hist)
            read_history(hist);
        printf("Connected to %s%s. Type 'help' for the commands, 'quit' to leave.\n",
               ctx->cfg.host, ctx->c && imapclient_is_tls(ctx->c) ? " (TLS)" : "");
        fflush(stdout);
    }

    char *line = NULL;
    size_t cap = 0;
    while (!ctx->quit) {
        char *input;
        if (tty) {
            char prompt[512];
            make_prompt(ctx, prompt, sizeof prompt);
            prompt_sigint = 0;
            input = readline(prompt);
            if (!input && prompt_sigint) {
                printf("\n");
                continue;
            }
            if (!input) {
                printf("\n");
                break;
            }
        } else {
            errno = 0;
            ssize_t n = getline(&line, &cap, stdin);
            if (n < 0)
                break;
            input = line;
        }
        char **w;
        unsigned char *q;
        int n = cli_split_words(input, &w, &q);
        if (n < 0) {
            fprintf(stderr, "unterminated quote\n");
            status = CLI_EXIT_USAGE;
        } else if (n > 0) {
            if (tty && !is_secret_line(w, n))
                add_history(input);
            ctx->argq = q;
            prompt_sigint = 0; /* a Ctrl-C from now on stops this command */
            int rc = cli_cmd_run(ctx, n, w);
            ctx->argq = NULL;
            status = cli_exit_status(rc);
        }
        cli_words_free(w, n < 0 ? 0 : n, q);
        if (tty)
            free(input);
        fflush(stdout);
    }
    free(line);
    if (tty) {
        if (hist)
            write_history(hist);
        free(hist);
        clear_history();
        completion_ctx = NULL;
        sigaction(SIGINT, &old_int, NULL);
    }
    return ctx->quit ? 0 : status;
}
