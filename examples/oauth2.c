/*
 * OAuth2 login with XOAUTH2 (IMAPClient.oauth2_login), the access token
 * from a provider callback: it reads the token from a file and, when the
 * server refuses it (expired), asks for a fresh one once and tries again,
 * as a program that caches tokens does. Here "refresh" runs a command that
 * writes a new token into the file (your OAuth2 client's refresh step:
 * `oauth2l fetch`, a curl call to the token endpoint, ...); the imapclient
 * program does the refresh-token exchange itself (oauth2 = true).
 *
 *   oauth2 HOST USER TOKEN_FILE [REFRESH_COMMAND]
 *   oauth2 imap.gmail.com me@gmail.com ~/.cache/imap-token 'my-token-refresh'
 *
 * The token never appears on the command line (other users can read that
 * in ps) nor in the protocol log.
 * Environment: IMAP_PORT, IMAP_NO_TLS=1, IMAP_CA_FILE, IMAP_TLS_NAME,
 * IMAP_MECH (XOAUTH2, the default, or OAUTHBEARER).
 */
#include <imapclient.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where tokens come from: fill buf with a token; with refresh set, get a
 * new one first. Return 0, or -1 when there is none. */
typedef int (*token_fn)(void *payload, int refresh, char *buf, size_t cap);

typedef struct token_file {
    const char *path;
    const char *refresh_command; /* may be NULL */
} token_file;

static int token_from_file(void *payload, int refresh, char *buf, size_t cap)
{
    token_file *tf = payload;
    if (refresh) {
        if (!tf->refresh_command)
            return -1;
        fprintf(stderr, "token refused; refreshing it\n");
        if (system(tf->refresh_command) != 0)
            return -1;
    }
    FILE *f = fopen(tf->path, "r");
    if (!f)
        return -1;
    int ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return ok && buf[0] ? 0 : -1;
}

/* Log in with a token; on ELOGIN (a refused token) get a fresh one and
 * try once more: the connection stays usable after a refused login. */
static int login_with_token(imapclient *c, const char *user, const char *mech,
                            token_fn get_token, void *payload)
{
    char token[8192];
    int rc = IMAPCLIENT_ELOGIN;
    for (int attempt = 0; attempt < 2 && rc == IMAPCLIENT_ELOGIN; attempt++) {
        if (get_token(payload, attempt > 0, token, sizeof token) != 0)
            break;
        if (!strcmp(mech, "OAUTHBEARER"))
            rc = imapclient_oauthbearer_login(c, user, token, NULL);
        else
            rc = imapclient_oauth2_login(c, user, token, "XOAUTH2", NULL, NULL);
    }
    memset(token, 0, sizeof token); /* do not leave the token in memory */
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s HOST USER TOKEN_FILE [REFRESH_COMMAND]\n", argv[0]);
        return 2;
    }
    const char *mech = getenv("IMAP_MECH") ? getenv("IMAP_MECH") : "XOAUTH2";
    imapclient_options opts;
    imapclient_options_init(&opts);
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS"))
        opts.ssl = 0;
    opts.ca_file = getenv("IMAP_CA_FILE");
    opts.tls_hostname = getenv("IMAP_TLS_NAME");
    opts.connect_timeout_ms = opts.timeout_ms = 30000;

    imapclient *c = NULL;
    if (imapclient_connect(argv[1], &opts, &c)) {
        fprintf(stderr, "connect: %s\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    token_file tf = {argv[3], argc > 4 ? argv[4] : NULL};
    if (login_with_token(c, argv[2], mech, token_from_file, &tf)) {
        fprintf(stderr, "login: %s\n", imapclient_errmsg(c));
        imapclient_free(c);
        return 1;
    }
    printf("logged in as %s with %s\n", argv[2], mech);
    imapclient_select_info *info = NULL;
    if (imapclient_select_folder(c, "INBOX", 1, &info) == 0)
        printf("INBOX: %u messages\n", info->exists);
    imapclient_select_info_free(info);
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
