/*
 * The command line: the reference's options (python -m imapclient.interact
 * -H host -u user -p password -P port -s|--insecure -f config) plus ours.
 * Options end at the first word that is not an option: that word is the
 * command (one-shot mode); without one the shell starts.
 */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_config_init(cli_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    /* the reference's get_config_defaults() */
    cfg->ssl = 1;
    cfg->check_hostname = 1;
    cfg->verify_cert = 1;
}

void cli_config_clear(cli_config *cfg)
{
    free(cfg->host);
    free(cfg->username);
    cli_free_secret(cfg->password);
    free(cfg->ca_file);
    free(cfg->oauth2_client_id);
    cli_free_secret(cfg->oauth2_client_secret);
    cli_free_secret(cfg->oauth2_refresh_token);
    free(cfg->oauth2_token_url);
    cli_config_init(cfg);
}

void cli_args_clear(cli_args *a)
{
    cli_config_clear(&a->cfg);
    free(a->config_file);
    free(a->folder);
    memset(a, 0, sizeof *a);
}

void cli_print_usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [connection options] [--json] [COMMAND [ARGS...]]\n"
            "       %s -f CONFIG [--json] [COMMAND [ARGS...]]\n"
            "\n"
            "Without COMMAND, an interactive shell starts. Type 'help' there, or\n"
            "run '%s help' for the list of commands.\n"
            "\n"
            "connection options:\n"
            "  -H, --host HOST        IMAP server to connect to\n"
            "  -u, --username USER    user name to log in as\n"
            "  -p, --password PASS    password (prompted for when missing)\n"
            "  -P, --port PORT        port (default 993 with TLS, 143 without)\n"
            "  -s, --ssl              implicit TLS (the default)\n"
            "      --insecure         plain TCP, no TLS\n"
            "      --starttls         plain TCP upgraded with STARTTLS\n"
            "      --ca-file FILE     trust the CA certificates in FILE (PEM)\n"
            "      --no-verify        do not verify the certificate or its name\n"
            "      --timeout SECONDS  give up on connecting or reading after this\n"
            "      --stream COMMAND   talk IMAP over COMMAND's stdin/stdout\n"
            "  -f, --file CONFIG      read the above from an INI file (alone)\n"
            "\n"
            "other options:\n"
            "      --json             print results as JSON (docs/cli-json.md)\n"
            "      --debug            log the protocol on stderr (secrets as ***)\n"
            "      --folder FOLDER    select FOLDER before running COMMAND\n"
            "      --readonly         select it read-only (EXAMINE)\n"
            "      --progress         always show progress bars\n"
            "      --no-progress      never show progress bars\n"
            "  -h, --help             this help\n"
            "  -V, --version          print the version\n",
            prog, prog, prog);
}

static int err_out(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int err_out(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = strdup(v);
}

static int parse_port(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 65535)
        return -1;
    *out = (int)v;
    return 0;
}

/* Seconds as a decimal number, > 0. */
static int parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 86400.0 * 365)
        return -1;
    *out = v;
    return 0;
}

enum {
    OPT_INSECURE = 256,
    OPT_STARTTLS,
    OPT_CA_FILE,
    OPT_NO_VERIFY,
    OPT_TIMEOUT,
    OPT_STREAM,
    OPT_JSON,
    OPT_DEBUG,
    OPT_FOLDER,
    OPT_READONLY,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
};

int cli_args_parse(int argc, char **argv, cli_args *out, char *err, size_t errlen)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},
        {"username", required_argument, NULL, 'u'},
        {"password", required_argument, NULL, 'p'},
        {"port", required_argument, NULL, 'P'},
        {"ssl", no_argument, NULL, 's'},
        {"insecure", no_argument, NULL, OPT_INSECURE},
        {"file", required_argument, NULL, 'f'},
        {"starttls", no_argument, NULL, OPT_STARTTLS},
        {"ca-file", required_argument, NULL, OPT_CA_FILE},
        {"no-verify", no_argument, NULL, OPT_NO_VERIFY},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"stream", required_argument, NULL, OPT_STREAM},
        {"json", no_argument, NULL, OPT_JSON},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"folder", required_argument, NULL, OPT_FOLDER},
        {"readonly", no_argument, NULL, OPT_READONLY},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    memset(out, 0, sizeof *out);
    cli_config_init(&out->cfg);
    out->progress = -1;
    err[0] = '\0';

    int conn_opts = 0; /* connection options seen (excluded by -f) */
    int ssl_opt = 0, insecure = 0;
    int c;
    /* getopt keeps state in globals: start afresh (the unit test calls this
     * more than once). "+": stop at the command, never permute. ":": report
     * a missing argument as ':'. */
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:H:u:p:P:sf:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'H':
            set_str(&out->cfg.host, optarg);
            conn_opts++;
            break;
        case 'u':
            set_str(&out->cfg.username, optarg);
            conn_opts++;
            break;
        case 'p':
            cli_free_secret(out->cfg.password);
            out->cfg.password = strdup(optarg);
            conn_opts++;
            break;
        case 'P':
            if (parse_port(optarg, &out->cfg.port))
                return err_out(err, errlen, "invalid port: %s", optarg);
            conn_opts++;
            break;
        case 's':
            ssl_opt = 1;
            conn_opts++;
            break;
        case OPT_INSECURE:
            insecure = 1;
            conn_opts++;
            break;
        case 'f':
            set_str(&out->config_file, optarg);
            break;
        case OPT_STARTTLS:
            out->cfg.starttls = 1;
            conn_opts++;
            break;
        case OPT_CA_FILE:
            set_str(&out->cfg.ca_file, optarg);
            conn_opts++;
            break;
        case OPT_NO_VERIFY:
            out->cfg.verify_cert = 0;
            out->cfg.check_hostname = 0;
            conn_opts++;
            break;
        case OPT_TIMEOUT:
            if (parse_seconds(optarg, &out->cfg.timeout))
                return err_out(err, errlen, "invalid timeout (seconds > 0): %s", optarg);
            conn_opts++;
            break;
        case OPT_STREAM:
            set_str(&out->cfg.host, optarg);
            out->cfg.stream = 1;
            conn_opts++;
            break;
        case OPT_JSON:
            out->json = 1;
            break;
        case OPT_DEBUG:
            out->debug = 1;
            break;
        case OPT_FOLDER:
            set_str(&out->folder, optarg);
            break;
        case OPT_READONLY:
            out->readonly = 1;
            break;
        case OPT_PROGRESS:
            out->progress = 1;
            break;
        case OPT_NO_PROGRESS:
            out->progress = 0;
            break;
        case 'h':
            out->help = 1;
            break;
        case 'V':
            out->version = 1;
            break;
        case ':':
            return err_out(err, errlen, "option %s needs an argument", argv[optind - 1]);
        default:
            if (optopt && optopt < 256)
                return err_out(err, errlen, "unknown option -%c", optopt);
            return err_out(err, errlen, "unknown option %s", argv[optind - 1]);
        }
    }
    out->cmd_index = optind;

    /* the reference: "If -f/--file is given no other options can be used" */
    if (out->config_file && conn_opts)
        return err_out(err, errlen,
                       "-f/--file cannot be combined with other connection options");
    /* the reference's mutually exclusive group */
    if (ssl_opt && insecure)
        return err_out(err, errlen, "-s/--ssl and --insecure exclude each other");
    if (out->cfg.starttls && ssl_opt)
        return err_out(err, errlen, "--starttls and -s/--ssl exclude each other");
    if (out->cfg.stream && (ssl_opt || out->cfg.starttls || out->cfg.port))
        return err_out(err, errlen,
                       "--stream excludes -s/--ssl, --starttls and -P/--port");
    if (insecure || out->cfg.starttls || out->cfg.stream)
        out->cfg.ssl = 0;
    if (out->readonly && !out->folder)
        return err_out(err, errlen, "--readonly needs --folder");
    return 0;
}
