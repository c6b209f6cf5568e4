/*
 * Authentication commands (auth.h): plain_login, oauth2_login,
 * oauthbearer_login, scram_login, cram_md5_login. A missing password is
 * asked for without echo. (login itself is in cmd_session.c.)
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

/* The secret argument, or asked for on the terminal. */
static char *secret_arg(int argc, char **argv, int i, const char *prompt)
{
    return argc > i ? strdup(argv[i]) : cli_prompt_secret(prompt);
}

static int done(cli_ctx *ctx, int rc, const char *text)
{
    if (rc == IMAPCLIENT_EILLEGAL_STATE &&
        imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_NOT_AUTHENTICATED)
        ctx->hint = "(already logged in: start imapclient with --no-login to log in "
                    "here, or choose the mechanism with --auth)";
    if (rc)
        return rc;
    cli_print_text(ctx, "text", text);
    return 0;
}

static int cmd_plain_login(cli_ctx *ctx, int argc, char **argv)
{
    const char *authz = NULL;
    cli_opt opts[] = {{"authzid", &authz, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc < 2 || argc > 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    char *pw = secret_arg(argc, argv, 2, "Password: ");
    if (!pw)
        return cli_fail(ctx, "no password given and no terminal to ask on");
    const char *text = NULL;
    rc = imapclient_plain_login(ctx->c, argv[1], pw, authz, &text);
    cli_free_secret(pw);
    return done(ctx, rc, text);
}

static int cmd_oauth2_login(cli_ctx *ctx, int argc, char **argv)
{
    const char *mech = NULL, *vendor = NULL;
    cli_opt opts[] = {
        {"mech", &mech, NULL}, {"vendor", &vendor, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc < 2 || argc > 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    char *token = secret_arg(argc, argv, 2, "Access token: ");
    if (!token)
        return cli_fail(ctx, "no access token given and no terminal to ask on");
    const char *text = NULL;
    rc = imapclient_oauth2_login(ctx->c, argv[1], token, mech, vendor, &text);
    cli_free_secret(token);
    return done(ctx, rc, text);
}

static int cmd_oauthbearer_login(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    char *token = secret_arg(argc, argv, 2, "Access token: ");
    if (!token)
        return cli_fail(ctx, "no access token given and no terminal to ask on");
    const char *text = NULL;
    int rc = imapclient_oauthbearer_login(ctx->c, argv[1], token, &text);
    cli_free_secret(token);
    return done(ctx, rc, text);
}

static int cmd_scram_login(cli_ctx *ctx, int argc, char **argv)
{
    const char *mech = NULL;
    cli_opt opts[] = {{"mech", &mech, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc < 2 || argc > 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    char *pw = secret_arg(argc, argv, 2, "Password: ");
    if (!pw)
        return cli_fail(ctx, "no password given and no terminal to ask on");
    const char *text = NULL;
    rc = imapclient_scram_login(ctx->c, mech, argv[1], pw, &text);
    cli_free_secret(pw);
    return done(ctx, rc, text);
}

static int cmd_cram_md5_login(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    char *pw = secret_arg(argc, argv, 2, "Password: ");
    if (!pw)
        return cli_fail(ctx, "no password given and no terminal to ask on");
    const char *text = NULL;
    int rc = imapclient_cram_md5_login(ctx->c, argv[1], pw, &text);
    cli_free_secret(pw);
    return done(ctx, rc, text);
}

const cli_cmd cli_cmds_auth[] = {
    {"plain_login", cmd_plain_login, "log in with AUTHENTICATE PLAIN",
     "[--authzid USER] USERNAME [PASSWORD]", NULL, CLI_CMD_CONN},
    {"oauth2_login", cmd_oauth2_login, "log in with an OAuth2 access token (XOAUTH2)",
     "[--mech XOAUTH2|OAUTH2] [--vendor V] USER [TOKEN]", NULL, CLI_CMD_CONN},
    {"oauthbearer_login", cmd_oauthbearer_login, "log in with OAUTHBEARER (RFC 7628)",
     "IDENTITY [TOKEN]", NULL, CLI_CMD_CONN},
    {"scram_login", cmd_scram_login, "log in with SCRAM-SHA-256 (or --mech SCRAM-SHA-1)",
     "[--mech MECH] USERNAME [PASSWORD]", NULL, CLI_CMD_CONN},
    {"cram_md5_login", cmd_cram_md5_login, "log in with CRAM-MD5", "USERNAME [PASSWORD]",
     NULL, CLI_CMD_CONN},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
