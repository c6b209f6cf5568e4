/*
 * The command table and running one command: per-command --help, the
 * --json switch, the connection check, and turning a status into an
 * error message and an exit status.
 */
#include "cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const cli_cmd *const groups[] = {
    cli_cmds_session, cli_cmds_auth, cli_cmds_folders,  cli_cmds_messages, cli_cmds_fetch,
    cli_cmds_idle,    cli_cmds_ext,  cli_cmds_transfer, cli_cmds_sync,
};

const cli_cmd *cli_cmd_at(size_t i)
{
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        for (const cli_cmd *c = groups[g]; c->name; c++) {
            if (i == 0)
                return c;
            i--;
        }
    }
    return NULL;
}

const cli_cmd *cli_cmd_find(const char *name)
{
    const cli_cmd *c;
    for (size_t i = 0; (c = cli_cmd_at(i)); i++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

const cli_cmd *cli_cmd_current(const cli_ctx *ctx)
{
    return ctx->cmd_name ? cli_cmd_find(ctx->cmd_name) : NULL;
}

int cli_exit_status(int rc)
{
    if (rc == 0)
        return CLI_EXIT_OK;
    if (rc > 0)
        return rc;
    int n = CLI_EXIT_LIB_BASE - rc;
    return n > 125 ? 125 : n;
}

int cli_usage(cli_ctx *ctx, const cli_cmd *cmd)
{
    (void)ctx;
    if (cmd)
        fprintf(stderr, "usage: %s%s%s\n", cmd->name, cmd->usage[0] ? " " : "",
                cmd->usage);
    return CLI_EXIT_USAGE;
}

int cli_usage_error(cli_ctx *ctx, const char *fmt, ...)
{
    const cli_cmd *cmd = cli_cmd_current(ctx);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd ? cmd->name : "imapclient");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return cli_usage(ctx, cmd);
}

int cli_fail(cli_ctx *ctx, const char *fmt, ...)
{
    const cli_cmd *cmd = cli_cmd_current(ctx);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd ? cmd->name : "imapclient");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_FAILURE;
}

/* The library's messages name its calls ("call imapclient_idle_done()
 * first"); here each call is a command of the same name: name that. */
static char *command_words(const char *msg)
{
    static const char prefix[] = "imapclient_";
    size_t len = strlen(msg);
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    const char *p = msg;
    while (*p) {
        const char *hit = strstr(p, prefix);
        if (!hit) {
            strcpy(o, p);
            o += strlen(p);
            break;
        }
        const char *name = hit + sizeof prefix - 1, *e = name;
        while ((*e >= 'a' && *e <= 'z') || *e == '_' || (*e >= '0' && *e <= '9'))
            e++;
        char cmd[64];
        size_t n = (size_t)(e - name);
        int is_cmd = n > 0 && n < sizeof cmd && e[0] == '(' && e[1] == ')';
        if (is_cmd) {
            memcpy(cmd, name, n);
            cmd[n] = '\0';
            is_cmd = cli_cmd_find(cmd) != NULL;
        }
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        if (is_cmd) { /* "imapclient_idle_done()" (n + 13 bytes) -> "'idle_done'" */
            *o++ = '\'';
            memcpy(o, cmd, n);
            o += n;
            *o++ = '\'';
            p = e + 2;
        } else {
            memcpy(o, hit, sizeof prefix - 1);
            o += sizeof prefix - 1;
            p = name;
        }
    }
    *o = '\0';
    return out;
}

void cli_report(cli_ctx *ctx, int rc)
{
    if (rc >= 0)
        return;
    const char *msg = ctx->c ? imapclient_errmsg(ctx->c) : "";
    if (ctx->c && imapclient_errcode(ctx->c) != rc)
        msg = ""; /* the message belongs to another call */
    char *words = command_words(msg);
    if (words)
        msg = words;
    fprintf(stderr, "%s (%s)%s%s\n", imapclient_status_name(rc), imapclient_strerror(rc),
            msg[0] ? ": " : "", msg);
    if (ctx->json) {
        json_t *e = json_object();
        json_object_set_new(e, "code", json_string(imapclient_status_name(rc)));
        json_object_set_new(e, "status", json_integer(rc));
        json_object_set_new(e, "category", json_string(imapclient_strerror(rc)));
        json_object_set_new(e, "message", out_json_bytes(msg, strlen(msg)));
        json_t *o = json_object();
        json_object_set_new(o, "error", e);
        out_json(o);
    }
    free(words);
}

int cli_take_opts(cli_ctx *ctx, int *argc, char **argv, const cli_opt *opts)
{
    int out = 1, done = 0;
    for (int i = 1; i < *argc; i++) {
        int quoted = ctx->argq ? ctx->argq[i] : 0;
        const char *a = argv[i];
        if (done || quoted || strncmp(a, "--", 2) != 0) {
            argv[out] = argv[i];
            if (ctx->argq)
                ctx->argq[out] = ctx->argq[i];
            out++;
            continue;
        }
        if (!a[2]) {
            done = 1;
            continue;
        }
        const cli_opt *o = opts;
        while (o && o->name && strcmp(o->name, a + 2))
            o++;
        if (!o || !o->name)
            return cli_usage_error(ctx, "unknown option %s", a);
        if (o->flag) {
            *o->flag = 1;
        } else {
            if (i + 1 >= *argc)
                return cli_usage_error(ctx, "option %s needs a value", a);
            *o->value = argv[++i];
        }
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

static void print_help(const cli_cmd *cmd)
{
    printf("usage: %s%s%s\n\n%s\n", cmd->name, cmd->usage[0] ? " " : "", cmd->usage,
           cmd->summary);
    if (cmd->help)
        printf("\n%s", cmd->help);
    printf("\nAdd --json for JSON output (see " IMAPCLIENT_CLI_JSON_DOC ").\n");
}

int cli_cmd_run(cli_ctx *ctx, int argc, char **argv)
{
    const cli_cmd *cmd = cli_cmd_find(argv[0]);
    if (!cmd) {
        fprintf(stderr, "unknown command '%s' (type 'help' for the list)\n", argv[0]);
        return CLI_EXIT_USAGE;
    }

    /* --help anywhere; --json anywhere; both before a "--" only */
    char **av = malloc(((size_t)argc + 1) * sizeof *av);
    unsigned char *aq = malloc((size_t)argc + 1);
    if (!av || !aq) {
        free(av);
        free(aq);
        fprintf(stderr, "out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    int ac = 0, json = ctx->json, help = 0, dashdash = 0;
    for (int i = 0; i < argc; i++) {
        int quoted = ctx->argq ? ctx->argq[i] : 1;
        if (i > 0 && !dashdash && !(ctx->argq && quoted)) {
            if (!strcmp(argv[i], "--json")) {
                json = 1;
                continue;
            }
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                help = 1;
                continue;
            }
            if (!strcmp(argv[i], "--"))
                dashdash = 1;
        }
        av[ac] = argv[i];
        aq[ac] = (unsigned char)quoted;
        ac++;
    }
    av[ac] = NULL;

    int rc;
    unsigned char *saved_q = ctx->argq;
    int saved_json = ctx->json;
    ctx->cmd_name = cmd->name;
    if (help) {
        print_help(cmd);
        rc = 0;
    } else if ((cmd->flags & CLI_CMD_CONN) && (!ctx->c || ctx->gone)) {
        fprintf(stderr, "%s: not connected%s\n", cmd->name,
                ctx->interactive ? " (type 'reconnect')" : "");
        rc = CLI_EXIT_LIB_BASE - IMAPCLIENT_EABORT;
    } else {
        ctx->json = json;
        ctx->argq = ctx->argq ? aq : NULL;
        ctx->hint = NULL;
        rc = cmd->fn(ctx, ac, av);
        cli_report(ctx, rc);
        if (rc && ctx->hint)
            fprintf(stderr, "%s\n", ctx->hint);
        ctx->hint = NULL;
        if (rc < 0 && ctx->c && imapclient_get_state(ctx->c) == IMAPCLIENT_STATE_LOGOUT &&
            strcmp(cmd->name, "logout") != 0) {
            ctx->gone = 1;
            if (ctx->interactive)
                fprintf(stderr, "The connection is gone. Type 'reconnect' to open a new "
                                "one, or 'quit'.\n");
        }
    }
    ctx->json = saved_json;
    ctx->argq = saved_q;
    ctx->cmd_name = NULL;
    free(av);
    free(aq);
    return rc;
}
