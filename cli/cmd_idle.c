/*
 * IDLE (idle.h): idle, then idle_check to wait for what the server reports,
 * then idle_done. The shell's prompt shows (IDLE) in between, where only
 * these commands work.
 */
#include "cmd.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int print_responses(cli_ctx *ctx, imapclient_responses *r)
{
    if (ctx->json) {
        out_json(out_json_responses(r));
    } else {
        for (size_t i = 0; i < r->count; i++)
            out_text_response(stdout, &r->items[i]);
        if (!r->count && ctx->interactive)
            printf("(nothing)\n");
    }
    imapclient_responses_free(r);
    return 0;
}

/* Seconds (decimals allowed) as milliseconds; -1 on a bad value. */
static int parse_ms(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 86400)
        return -1;
    return (int)(v * 1000.0);
}

static int cmd_idle(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    int rc = imapclient_idle(ctx->c);
    if (rc)
        return rc;
    ctx->idling = 1;
    if (ctx->interactive && !ctx->json)
        printf(
            "In IDLE: 'idle_check [SECONDS]' to wait for changes, 'idle_done' to end.\n");
    return 0;
}

static int cmd_idle_check(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    int ms = 30000; /* a shell should not hang for ever by default */
    if (argc == 2 && (ms = parse_ms(argv[1])) < 0)
        return cli_usage_error(ctx, "not a number of seconds: '%s'", argv[1]);
    imapclient_responses *r;
    int rc = imapclient_idle_check(ctx->c, ms, &r);
    if (imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_IDLE)
        ctx->idling = 0; /* the server ended it, or the connection */
    if (rc)
        return rc;
    return print_responses(ctx, r);
}

static int cmd_idle_done(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_responses *r;
    int rc = imapclient_idle_done(ctx->c, NULL, &r);
    if (imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_IDLE)
        ctx->idling = 0;
    if (rc)
        return rc;
    if (ctx->json) {
        out_json(out_json_responses(r));
        imapclient_responses_free(r);
        return 0;
    }
    for (size_t i = 0; i < r->count; i++)
        out_text_response(stdout, &r->items[i]);
    if (r->text && r->text[0])
        printf("%s\n", r->text);
    imapclient_responses_free(r);
    return 0;
}

static int cmd_idle_renew(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    int ms = IMAPCLIENT_IDLE_RENEW_MS;
    if (argc == 2 && (ms = parse_ms(argv[1])) < 0)
        return cli_usage_error(ctx, "not a number of seconds: '%s'", argv[1]);
    int rc = imapclient_idle_renew(ctx->c, ms);
    if (imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_IDLE)
        ctx->idling = 0;
    if (rc < 0)
        return rc;
    if (ctx->json)
        out_json(json_boolean(rc == 1));
    else
        printf("%s\n", rc == 1 ? "renewed" : "not due");
    return 0;
}

const cli_cmd cli_cmds_idle[] = {
    {"idle", cmd_idle, "enter IDLE: the server reports changes as they happen", "", NULL,
     CLI_CMD_CONN},
    {"idle_check", cmd_idle_check, "wait for IDLE responses (default 30 s)", "[SECONDS]",
     "Waits at most SECONDS for the first response, then returns all that\n"
     "have arrived: * 3 EXISTS, * 1 FETCH (FLAGS (\\Seen)), * OK Still here.\n"
     "0 does not wait.\n",
     CLI_CMD_CONN},
    {"idle_done", cmd_idle_done, "leave IDLE", "", NULL, CLI_CMD_CONN},
    {"idle_renew", cmd_idle_renew,
     "restart IDLE when it is older than SECONDS (default 600; 0: now)", "[SECONDS]",
     NULL, CLI_CMD_CONN},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
