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
#include <strings.h>

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
    free(cfg->token_file);
    free(cfg->token_env);
    free(cfg->token_command);
    free(cfg->cert_file);
    free(cfg->key_file);
    cli_config_init(cfg);
}

void cli_args_clear(cli_args *a)
{
    cli_config_clear(&a->cfg);
    free(a->config_file);
    free(a->folder);
    memset(a, 0, sizeof *a);
}

static const char *const auth_names[] = {
    [CLI_AUTH_LOGIN] = "login",
    [CLI_AUTH_PLAIN] = "plain",
    [CLI_AUTH_SCRAM_SHA_256] = "scram-sha-256",
    [CLI_AUTH_SCRAM_SHA_1] = "scram-sha-1",
    [CLI_AUTH_CRAM_MD5] = "cram-md5",
    [CLI_AUTH_XOAUTH2] = "xoauth2",
    [CLI_AUTH_OAUTHBEARER] = "oauthbearer",
    [CLI_AUTH_EXTERNAL] = "external",
    [CLI_AUTH_NONE] = "none",
};

int cli_auth_parse(const char *s)
{
    for (int i = CLI_AUTH_LOGIN; i <= CLI_AUTH_NONE; i++)
        if (!strcasecmp(s, auth_names[i]))
            return i;
    return -1;
}

const char *cli_auth_name(int auth)
{
    return auth >= CLI_AUTH_LOGIN && auth <= CLI_AUTH_NONE ? auth_names[auth] : "default";
}

int cli_auth_effective(const cli_config *cfg)
{
    if (cfg->auth != CLI_AUTH_DEFAULT)
        return cfg->auth;
    return cfg->oauth2 ? CLI_AUTH_XOAUTH2 : CLI_AUTH_LOGIN;
}

int cli_auth_uses_token(int auth)
{
    return auth == CLI_AUTH_XOAUTH2 || auth == CLI_AUTH_OAUTHBEARER;
}

int cli_config_check(const cli_config *cfg, char *err, size_t errlen)
{
    int sources = !!cfg->token_file + !!cfg->token_env + !!cfg->token_command;
    int auth = cli_auth_effective(cfg);
    if (sources > 1) {
        snprintf(err, errlen,
                 "give the access token one way only (token file, "
                 "variable or command)");
        return CLI_EXIT_USAGE;
    }
    if (sources && !cli_auth_uses_token(auth)) {
        snprintf(err, errlen,
                 "an access token is for --auth xoauth2 or oauthbearer, not %s",
                 cli_auth_name(auth));
        return CLI_EXIT_USAGE;
    }
    if (cfg->oauth2 && !cli_auth_uses_token(auth)) {
        snprintf(err, errlen, "oauth2 logs in with xoauth2 or oauthbearer, not %s",
                 cli_auth_name(auth));
        return CLI_EXIT_USAGE;
    }
    if (cfg->key_file && !cfg->cert_file) {
        snprintf(err, errlen, "a client key needs its certificate (--cert)");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

void cli_print_usage(FILE *f, const char *prog)
{
    fprintf(
        f,
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
        "      --cert FILE        TLS client certificate (PEM), e.g. for EXTERNAL\n"
        "      --key FILE         its private key (default: in the --cert file)\n"
        "  -f, --file CONFIG      read the above from an INI file (alone)\n"
        "\n"
        "logging in (these may go with -f and win over the file):\n"
        "      --auth MECH        login (default), plain, scram-sha-256, scram-sha-1,\n"
        "                         cram-md5, xoauth2, oauthbearer, external, none\n"
        "      --no-login         connect only (--auth none); log in from the shell\n"
        "the OAuth2 access token for xoauth2/oauthbearer (never on the command line):\n"
        "      --token-file FILE  read it from FILE\n"
        "      --token-env VAR    take it from the environment variable VAR\n"
        "      --token-command CMD  run CMD (sh -c) and read it from its output\n"
        "\n"
        "other options:\n"
        "      --json             print results as JSON (" IMAPCLIENT_CLI_JSON_DOC ")\n"
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
    OPT_AUTH,
    OPT_NO_LOGIN,
    OPT_TOKEN_FILE,
    OPT_TOKEN_ENV,
    OPT_TOKEN_COMMAND,
    OPT_CERT,
    OPT_KEY,
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
        {"auth", required_argument, NULL, OPT_AUTH},
        {"no-login", no_argument, NULL, OPT_NO_LOGIN},
        {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
        {"token-env", required_argument, NULL, OPT_TOKEN_ENV},
        {"token-command", required_argument, NULL, OPT_TOKEN_COMMAND},
        {"cert", required_argument, NULL, OPT_CERT},
        {"key", required_argument, NULL, OPT_KEY},
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
        case OPT_AUTH: {
            int auth = cli_auth_parse(optarg);
            if (auth < 0)
                return err_out(
                    err, errlen,
                    "unknown --auth mechanism: %s (login, plain, scram-sha-256, "
                    "scram-sha-1, cram-md5, xoauth2, oauthbearer, external, "
                    "none)",
                    optarg);
            if (out->auth && out->auth != auth)
                return err_out(err, errlen, "--auth and --no-login disagree");
            out->auth = auth;
            break;
        }
        case OPT_NO_LOGIN:
            if (out->auth && out->auth != CLI_AUTH_NONE)
                return err_out(err, errlen, "--auth and --no-login disagree");
            out->auth = CLI_AUTH_NONE;
            break;
        case OPT_TOKEN_FILE:
            set_str(&out->cfg.token_file, optarg);
            conn_opts++;
            break;
        case OPT_TOKEN_ENV:
            set_str(&out->cfg.token_env, optarg);
            conn_opts++;
            break;
        case OPT_TOKEN_COMMAND:
            set_str(&out->cfg.token_command, optarg);
            conn_opts++;
            break;
        case OPT_CERT:
            set_str(&out->cfg.cert_file, optarg);
            conn_opts++;
            break;
        case OPT_KEY:
            set_str(&out->cfg.key_file, optarg);
            conn_opts++;
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
    out->cfg.auth = out->auth;
    if (!out->config_file)
        return cli_config_check(&out->cfg, err, errlen);
    return 0;
}
