/*
 * Session commands (client.h): capabilities, has_capability, noop, login,
 * starttls, logout, welcome, the handle's settings; and the shell's own:
 * help, reconnect, quit.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static int cmd_help(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    if (argc == 2) {
        const cli_cmd *cmd = cli_cmd_find(argv[1]);
        if (!cmd)
            return cli_usage_error(ctx, "no command '%s'", argv[1]);
        char *av[] = {argv[1], "--help", NULL};
        unsigned char *saved = ctx->argq;
        ctx->argq = NULL;
        int rc = cli_cmd_run(ctx, 2, av);
        ctx->argq = saved;
        return rc;
    }
    if (ctx->json) {
        json_t *a = json_array();
        const cli_cmd *cmd;
        for (size_t i = 0; (cmd = cli_cmd_at(i)); i++) {
            if (!ctx->interactive && (cmd->flags & CLI_CMD_SHELL))
                continue;
            json_t *o = json_object();
            json_object_set_new(o, "name", json_string(cmd->name));
            json_object_set_new(o, "usage", json_string(cmd->usage));
            json_object_set_new(o, "summary", json_string(cmd->summary));
            json_array_append_new(a, o);
        }
        out_json(a);
        return 0;
    }
    size_t w = 0;
    const cli_cmd *cmd;
    for (size_t i = 0; (cmd = cli_cmd_at(i)); i++)
        if (strlen(cmd->name) > w)
            w = strlen(cmd->name);
    printf("Commands (each mirrors the library call of the same name; "
           "'help COMMAND' or 'COMMAND --help' for details):\n\n");
    for (size_t i = 0; (cmd = cli_cmd_at(i)); i++) {
        if (!ctx->interactive && (cmd->flags & CLI_CMD_SHELL))
            continue;
        printf("  %-*s  %s\n", (int)w, cmd->name, cmd->summary);
    }
    return 0;
}

static int cmd_quit(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    ctx->quit = 1;
    return 0;
}

static int cmd_reconnect(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    char *folder = ctx->selected ? strdup(ctx->selected) : NULL;
    int readonly = ctx->selected_readonly;
    int rc = cli_connect(ctx);
    if (rc == 0) {
        printf("Connected to %s.\n", ctx->cfg.host);
        cli_folders_invalidate(ctx);
        if (folder) {
            /* go back to where the lost connection was */
            char *av[] = {"select_folder", folder, readonly ? "--readonly" : NULL, NULL};
            unsigned char *saved = ctx->argq;
            ctx->argq = NULL;
            int quiet_json = ctx->json;
            rc = cli_cmd_find("select_folder") ? cli_cmd_run(ctx, readonly ? 3 : 2, av)
                                               : 0;
            ctx->json = quiet_json;
            ctx->argq = saved;
        }
    } else if (rc < 0 && ctx->c) {
        ctx->gone = 1;
    }
    free(folder);
    return rc;
}

static int cmd_capabilities(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *const *caps;
    size_t n;
    int rc = imapclient_capabilities(ctx->c, &caps, &n);
    if (rc)
        return rc;
    if (ctx->json) {
        out_json(out_json_strings(caps, n));
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%s%s", i ? " " : "", caps[i]);
        printf("\n");
    }
    return 0;
}

static int cmd_has_capability(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    int rc = imapclient_has_capability(ctx->c, argv[1]);
    if (rc < 0)
        return rc;
    if (ctx->json)
        out_json(json_boolean(rc));
    else
        printf("%s\n", rc ? "yes" : "no");
    return 0;
}

static int print_responses(cli_ctx *ctx, imapclient_responses *r)
{
    if (ctx->json) {
        out_json(out_json_responses(r));
    } else {
        for (size_t i = 0; i < r->count; i++)
            out_text_response(stdout, &r->items[i]);
        if (r->text && r->text[0])
            printf("%s\n", r->text);
    }
    imapclient_responses_free(r);
    return 0;
}

static int cmd_noop(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_responses *r;
    int rc = imapclient_noop(ctx->c, &r);
    if (rc)
        return rc;
    return print_responses(ctx, r);
}

static int cmd_take_responses(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_responses *r;
    int rc = imapclient_take_responses(ctx->c, &r);
    if (rc)
        return rc;
    return print_responses(ctx, r);
}

static int cmd_login(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    char *pw = argc == 3 ? strdup(argv[2]) : cli_prompt_secret("Password: ");
    if (!pw)
        return cli_fail(ctx, "no password given and no terminal to ask on");
    const char *text = NULL;
    int rc = imapclient_login(ctx->c, argv[1], pw, &text);
    cli_free_secret(pw);
    if (rc == IMAPCLIENT_EILLEGAL_STATE &&
        imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_NOT_AUTHENTICATED)
        ctx->hint = "(already logged in: start imapclient with --no-login to log in "
                    "here)";
    if (rc)
        return rc;
    cli_print_text(ctx, "text", text);
    return 0;
}

static int cmd_starttls(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    int rc = imapclient_starttls(ctx->c);
    if (rc)
        return rc;
    cli_print_text(ctx, "text", "TLS is on");
    return 0;
}

static int cmd_logout(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *text = NULL;
    int rc = imapclient_logout(ctx->c, &text);
    ctx->gone = 1; /* closed either way; ctx->selected stays for reconnect */
    if (rc)
        return rc;
    cli_print_text(ctx, "text", text);
    if (ctx->interactive && !ctx->json)
        printf("Logged out. Type 'reconnect' to connect again, or 'quit'.\n");
    return 0;
}

static int cmd_shutdown(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    int rc = imapclient_shutdown(ctx->c);
    ctx->gone = 1; /* ctx->selected stays: reconnect selects it again */
    return rc;
}

static int cmd_welcome(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    cli_print_text(ctx, "welcome", imapclient_welcome(ctx->c));
    return 0;
}

static const char *state_name(imapclient_state s)
{
    switch (s) {
    case IMAPCLIENT_STATE_NOT_AUTHENTICATED:
        return "NOT_AUTHENTICATED";
    case IMAPCLIENT_STATE_AUTHENTICATED:
        return "AUTHENTICATED";
    case IMAPCLIENT_STATE_SELECTED:
        return "SELECTED";
    case IMAPCLIENT_STATE_LOGOUT:
        return "LOGOUT";
    case IMAPCLIENT_STATE_IDLE:
        return "IDLE";
    }
    return "UNKNOWN";
}

static int cmd_state(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_state s = imapclient_get_state(ctx->c);
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, "state", json_string(state_name(s)));
        json_object_set_new(o, "tls", json_boolean(imapclient_is_tls(ctx->c)));
        json_object_set_new(o, "selected",
                            ctx->selected ? json_string(ctx->selected) : json_null());
        out_json(o);
    } else {
        printf("%s%s%s%s\n", state_name(s), imapclient_is_tls(ctx->c) ? ", TLS" : "",
               ctx->selected ? ", folder " : "", ctx->selected ? ctx->selected : "");
    }
    return 0;
}

/* use_uid, folder_encode, normalise_times: show or set */
static int setting(cli_ctx *ctx, int argc, char **argv, int (*get)(const imapclient *),
                   void (*set)(imapclient *, int))
{
    if (argc > 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    if (argc == 2) {
        int b = cli_parse_bool(argv[1]);
        if (b < 0)
            return cli_usage_error(ctx, "not a boolean: '%s' (on/off)", argv[1]);
        set(ctx->c, b);
    }
    int v = get(ctx->c);
    if (ctx->json)
        out_json(json_boolean(v));
    else
        printf("%s\n", v ? "on" : "off");
    return 0;
}

static int cmd_use_uid(cli_ctx *ctx, int argc, char **argv)
{
    return setting(ctx, argc, argv, imapclient_get_use_uid, imapclient_set_use_uid);
}

static int cmd_folder_encode(cli_ctx *ctx, int argc, char **argv)
{
    return setting(ctx, argc, argv, imapclient_get_folder_encode,
                   imapclient_set_folder_encode);
}

static int cmd_normalise_times(cli_ctx *ctx, int argc, char **argv)
{
    return setting(ctx, argc, argv, imapclient_get_normalise_times,
                   imapclient_set_normalise_times);
}

const cli_cmd cli_cmds_session[] = {
    {"help", cmd_help, "list the commands, or show one command's usage", "[COMMAND]",
     NULL, 0},
    {"quit", cmd_quit, "log out and leave the shell", "", NULL, CLI_CMD_SHELL},
    {"exit", cmd_quit, "log out and leave the shell (same as quit)", "", NULL,
     CLI_CMD_SHELL},
    {"reconnect", cmd_reconnect,
     "connect and log in again (after the connection is lost)", "",
     "Uses the same settings as at start-up and selects the folder that was\n"
     "selected before.\n",
     CLI_CMD_SHELL},
    {"capabilities", cmd_capabilities, "the server's capabilities", "", NULL,
     CLI_CMD_CONN},
    {"has_capability", cmd_has_capability, "whether the server has a capability",
     "CAPABILITY", NULL, CLI_CMD_CONN},
    {"noop", cmd_noop, "NOOP, with the untagged responses that came unasked", "", NULL,
     CLI_CMD_CONN},
    {"take_responses", cmd_take_responses,
     "the untagged responses received but not yet shown (no command is sent)", "", NULL,
     CLI_CMD_CONN},
    {"login", cmd_login, "log in with LOGIN (the password is asked for when missing)",
     "USERNAME [PASSWORD]", NULL, CLI_CMD_CONN},
    {"starttls", cmd_starttls, "upgrade a plain connection to TLS", "", NULL,
     CLI_CMD_CONN},
    {"logout", cmd_logout, "LOGOUT and close the connection", "", NULL, CLI_CMD_CONN},
    {"shutdown", cmd_shutdown, "close the connection without LOGOUT", "", NULL,
     CLI_CMD_CONN},
    {"welcome", cmd_welcome, "the server's greeting", "", NULL, CLI_CMD_CONN},
    {"state", cmd_state, "the session state (and TLS, selected folder)", "", NULL,
     CLI_CMD_CONN},
    {"use_uid", cmd_use_uid, "show or set use_uid (UIDs instead of sequence numbers)",
     "[on|off]", NULL, CLI_CMD_CONN},
    {"folder_encode", cmd_folder_encode,
     "show or set folder_encode (modified UTF-7 folder names)", "[on|off]", NULL,
     CLI_CMD_CONN},
    {"normalise_times", cmd_normalise_times,
     "show or set normalise_times (dates in local time)", "[on|off]", NULL, CLI_CMD_CONN},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
