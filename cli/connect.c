/*
 * Opening the connection as the reference's create_client_from_config()
 * does: connect (TLS, plain or a stream command), STARTTLS when asked,
 * then log in with the mechanism chosen (--auth / auth =): LOGIN by
 * default, XOAUTH2 with oauth2 = true (the refresh token exchanged for an
 * access token), or none at all (--no-login). What is missing is asked
 * for on the terminal, passwords and tokens without echo.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

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
    int auth = cli_auth_effective(cfg);
    if (!need_login || auth == CLI_AUTH_NONE || auth == CLI_AUTH_EXTERNAL)
        return 0; /* EXTERNAL: the user name, if any, is the identity to act as */
    if (!cfg->username || !cfg->username[0]) {
        free(cfg->username);
        cfg->username = cli_prompt_line("Username: ");
        if (!cfg->username || !cfg->username[0]) {
            fprintf(stderr, "imapclient: no user name given (-u USER or -f CONFIG)\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (!cli_auth_uses_token(auth) && !cfg->password) {
        cfg->password = cli_prompt_secret("Password: ");
        if (!cfg->password) {
            fprintf(stderr, "imapclient: no password given and no terminal to ask on "
                            "(-p PASSWORD or a config file)\n");
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

/* The access token for XOAUTH2/OAUTHBEARER: from the file, variable or
 * command configured, else by the refresh-token exchange, else asked for
 * on the terminal. Returns 0 with *out set, or an exit status. */
static int access_token(cli_ctx *ctx, char **out)
{
    cli_config *cfg = &ctx->cfg;
    char err[512];
    *out = NULL;
    if (cfg->token_file)
        *out = cli_secret_from_file(cfg->token_file, err, sizeof err);
    else if (cfg->token_env)
        *out = cli_secret_from_env(cfg->token_env, err, sizeof err);
    else if (cfg->token_command)
        *out = cli_secret_from_command(cfg->token_command, err, sizeof err);
    else if (cfg->oauth2_refresh_token) {
        int rc = cli_oauth2_refresh(cfg, ctx->debug, out, err, sizeof err);
        if (rc) {
            fprintf(stderr, "imapclient: %s\n", err);
            return rc;
        }
        return 0;
    } else {
        *out = cli_prompt_secret("Access token: ");
        if (!*out)
            snprintf(err, sizeof err,
                     "no access token (--token-file, --token-env, --token-command, "
                     "oauth2_refresh_token, or a terminal to ask on)");
    }
    if (!*out) {
        fprintf(stderr, "imapclient: %s\n", err);
        /* nothing configured and no terminal: a usage error, as a missing
         * password; a source that gave no token: the OAuth2 status */
        return cfg->token_file || cfg->token_env || cfg->token_command ? CLI_EXIT_OAUTH2
                                                                       : CLI_EXIT_USAGE;
    }
    return 0;
}

/* SASL EXTERNAL (RFC 4422 appendix A): the identity comes from outside
 * (the TLS client certificate); the response is the authorization
 * identity, or empty. */
static int external_step(void *payload, const unsigned char *challenge,
                         size_t challenge_len, imapclient_sasl_reply *reply)
{
    const char *authzid = payload;
    (void)challenge;
    (void)challenge_len;
    if (authzid && *authzid)
        return imapclient_sasl_reply_set(reply, authzid, strlen(authzid));
    return 0; /* no reply set: the empty response */
}

static int authenticate(cli_ctx *ctx)
{
    cli_config *cfg = &ctx->cfg;
    imapclient *c = ctx->c;
    int auth = cli_auth_effective(cfg);
    switch (auth) {
    case CLI_AUTH_NONE:
        return 0;
    case CLI_AUTH_PLAIN:
        return imapclient_plain_login(c, cfg->username, cfg->password, NULL, NULL);
    case CLI_AUTH_SCRAM_SHA_256:
        return imapclient_scram_login(c, "SCRAM-SHA-256", cfg->username, cfg->password,
                                      NULL);
    case CLI_AUTH_SCRAM_SHA_1:
        return imapclient_scram_login(c, "SCRAM-SHA-1", cfg->username, cfg->password,
                                      NULL);
    case CLI_AUTH_CRAM_MD5:
        return imapclient_cram_md5_login(c, cfg->username, cfg->password, NULL);
    case CLI_AUTH_EXTERNAL:
        return imapclient_sasl_login(c, "EXTERNAL", external_step, cfg->username, NULL);
    case CLI_AUTH_XOAUTH2:
    case CLI_AUTH_OAUTHBEARER: {
        char *token;
        int rc = access_token(ctx, &token);
        if (rc)
            return rc;
        if (auth == CLI_AUTH_XOAUTH2)
            rc = imapclient_oauth2_login(c, cfg->username, token, NULL, NULL, NULL);
        else
            rc = imapclient_oauthbearer_login(c, cfg->username, token, NULL);
        cli_free_secret(token);
        return rc;
    }
    default:
        return imapclient_login(c, cfg->username, cfg->password, NULL);
    }
}

int cli_connect(cli_ctx *ctx)
{
    cli_config *cfg = &ctx->cfg;
    /* as the reference: no login on a stream unless a user is named (a
     * stream is usually a pre-authenticated imapd) or a mechanism chosen */
    int need_login = cli_auth_effective(cfg) != CLI_AUTH_NONE &&
                     (!cfg->stream || (cfg->username && cfg->username[0]) ||
                      cfg->auth != CLI_AUTH_DEFAULT);
    int rc = complete_config(ctx, need_login);
    if (rc)
        return rc;

    imapclient_options o;
    imapclient_options_init(&o);
    o.port = cfg->port;
    o.ssl = cfg->ssl;
    o.stream = cfg->stream;
    /* STARTTLS inside connect: a PREAUTH greeting on the plain connection
     * then ends it instead of running unprotected (STARTTLS downgrade) */
    o.starttls = cfg->starttls;
    if (cfg->timeout > 0) {
        double ms = cfg->timeout * 1000.0;
        o.connect_timeout_ms = ms > 2e9 ? 2000000000 : (int)ms;
        if (o.connect_timeout_ms < 1)
            o.connect_timeout_ms = 1;
        o.timeout_ms = o.connect_timeout_ms;
    }
    o.ca_file = cfg->ca_file;
    o.cert_file = cfg->cert_file;
    o.key_file = cfg->key_file;
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
