/*
 * imapclient: the interactive shell and scriptable tool of libimapclient
 * (the reference's `python -m imapclient.interact`).
 *
 *   imapclient [connection options] [--json] [COMMAND [ARGS...] [';' COMMAND ...]]
 *
 * Without a command the shell starts; with one, it runs (several separated
 * by a ';' word run in turn, stopping at the first failure) and the exit
 * status tells the error category (docs/man/imapclient.1).
 */
#include "cmd.h"

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One-shot: the words from argv[first], split at ";" words. */
static int run_commands(cli_ctx *ctx, int argc, char **argv, int first)
{
    int rc = 0;
    int i = first;
    while (i < argc && rc == 0) {
        int j = i;
        while (j < argc && strcmp(argv[j], ";") != 0)
            j++;
        if (j > i) {
            char *saved = argv[j < argc ? j : argc];
            argv[j < argc ? j : argc] = NULL;
            rc = cli_cmd_run(ctx, j - i, argv + i);
            argv[j < argc ? j : argc] = saved;
        }
        i = j + 1;
    }
    return rc;
}

/* Check the commands before connecting: a typo should not cost a login. */
static int check_commands(int argc, char **argv, int first, int *need_conn)
{
    *need_conn = 0;
    int start = 1;
    for (int i = first; i < argc; i++) {
        if (!strcmp(argv[i], ";")) {
            start = 1;
            continue;
        }
        if (!start)
            continue;
        start = 0;
        const cli_cmd *cmd = cli_cmd_find(argv[i]);
        if (!cmd) {
            fprintf(stderr, "imapclient: unknown command '%s' (try 'imapclient help')\n",
                    argv[i]);
            return CLI_EXIT_USAGE;
        }
        if (cmd->flags & CLI_CMD_SHELL) {
            fprintf(stderr, "imapclient: '%s' only works in the shell\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
        int help = 0;
        for (int k = i + 1; k < argc && strcmp(argv[k], ";"); k++)
            if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h"))
                help = 1;
        if ((cmd->flags & CLI_CMD_CONN) && !help)
            *need_conn = 1;
    }
    return 0;
}

/* Multibyte input and output need the user's locale (libedit reads UTF-8
 * only under a UTF-8 LC_CTYPE). Without any locale set (C/POSIX), IMAP's
 * own text is UTF-8, so take C.UTF-8 for character handling. */
static void set_locale(void)
{
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C"); /* "2.5" seconds whatever the language */
    const char *cs = nl_langinfo(CODESET);
    if (cs && (!strcmp(cs, "ANSI_X3.4-1968") || !strcmp(cs, "ASCII")))
        setlocale(LC_CTYPE, "C.UTF-8");
}

int main(int argc, char **argv)
{
    set_locale();
    cli_args a;
    char err[1024];
    int rc = cli_args_parse(argc, argv, &a, err, sizeof err);
    if (rc) {
        fprintf(stderr, "imapclient: %s\nTry 'imapclient --help'.\n", err);
        cli_args_clear(&a);
        return rc;
    }
    if (a.help || a.version) {
        if (a.help)
            cli_print_usage(stdout, "imapclient");
        else
            printf("imapclient %s (libimapclient %s)\n", IMAPCLIENT_VERSION,
                   imapclient_version());
        cli_args_clear(&a);
        return 0;
    }
    /* a stream command that exits must not kill us with SIGPIPE */
    signal(SIGPIPE, SIG_IGN);

    cli_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = a.cfg;
    cli_config_init(&a.cfg); /* moved into ctx */
    ctx.json = a.json;
    ctx.debug = a.debug;
    ctx.progress = a.progress < 0 ? isatty(STDERR_FILENO) : a.progress;

    int oneshot = a.cmd_index < argc;
    int need_conn = 1;
    if (oneshot && (rc = check_commands(argc, argv, a.cmd_index, &need_conn)))
        goto out;
    if (a.config_file) {
        if ((rc = cli_config_load(a.config_file, &ctx.cfg, err, sizeof err))) {
            fprintf(stderr, "imapclient: %s\n", err);
            goto out;
        }
        if (a.auth) /* --auth / --no-login win over the file */
            ctx.cfg.auth = a.auth;
        if ((rc = cli_config_check(&ctx.cfg, err, sizeof err))) {
            fprintf(stderr, "imapclient: %s\nTry 'imapclient --help'.\n", err);
            goto out;
        }
    }
    if (need_conn) {
        rc = cli_connect(&ctx);
        if (rc) {
            cli_report(&ctx, rc);
            goto out;
        }
        if (a.folder && (rc = cli_select(&ctx, a.folder, a.readonly, 0))) {
            cli_report(&ctx, rc);
            goto out;
        }
    }
    if (oneshot)
        rc = run_commands(&ctx, argc, argv, a.cmd_index);
    else
        rc = cli_shell(&ctx);
out:
    cli_disconnect(&ctx);
    cli_folders_invalidate(&ctx);
    cli_config_clear(&ctx.cfg);
    cli_args_clear(&a);
    fflush(stdout);
    return cli_exit_status(rc);
}
