/*
 * A search that works on any server: the criteria may hold any text
 * (UTF-8), and the library finds a way to send it. It says nothing of a
 * charset, so the library chooses: no CHARSET once UTF-8 is switched on,
 * CHARSET UTF-8 otherwise; a server that answers NO [BADCHARSET (...)]
 * gets the search again in a charset it lists that can hold the text, and
 * one that refuses the CHARSET argument gets it without. The protocol log
 * shows what went out, and the quirk profile says which server this is.
 *
 * Usage: search_any HOST USER PASSWORD FOLDER CRITERIA...
 *   search_any imap.example.org me secret INBOX TEXT "Grüße"
 *   search_any imap.example.org me secret INBOX FROM "Jürgen" SUBJECT "☕"
 * Environment: IMAP_PORT (default 993), IMAP_NO_TLS=1 (plain connection),
 * IMAP_CA_FILE (CA bundle to trust), IMAP_TLS_NAME (name to verify in the
 * certificate, default HOST).
 */
#include <imapclient.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(imapclient *c, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, c ? imapclient_errmsg(c) : "out of memory");
    imapclient_free(c);
    return 1;
}

/* Whether line[0..len) holds word. */
static int has(const char *line, size_t len, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(line + i, word, n) == 0)
            return 1;
    return 0;
}

/* Show the SEARCH commands and what the server answered, and the
 * library's remarks about the charset; the rest of the dialogue stays
 * quiet. */
static void show(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    int *searching = payload;
    if (dir == IMAPCLIENT_LOG_SENT && has(line, len, " SEARCH "))
        *searching = 1;
    if (*searching || (dir == IMAPCLIENT_LOG_INFO && has(line, len, "again")))
        printf("  %c: %.*s\n", (char)dir, (int)(len > 120 ? 120 : len), line);
    /* a tagged completion ends the command */
    if (dir == IMAPCLIENT_LOG_RECEIVED && len && line[0] != '*' && line[0] != '+')
        *searching = 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD FOLDER CRITERIA...\n", argv[0]);
        return 2;
    }
    int searching = 0;
    imapclient_options opts;
    imapclient_options_init(&opts);
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS"))
        opts.ssl = 0;
    opts.ca_file = getenv("IMAP_CA_FILE");
    opts.tls_hostname = getenv("IMAP_TLS_NAME");
    opts.timeout_ms = 30000;
    opts.log = show;
    opts.log_payload = &searching;

    imapclient *c = NULL;
    if (imapclient_connect(argv[1], &opts, &c) != 0)
        return fail(c, "connect");
    if (imapclient_login(c, argv[2], argv[3], NULL) != 0)
        return fail(c, "login");
    printf("server profile: %s\n", imapclient_get_quirks(c)->name);
    if (imapclient_select_folder(c, argv[4], 1, NULL) != 0)
        return fail(c, "select_folder");

    /* argv[5..] is a NULL-terminated list of criteria items; no charset:
     * the library negotiates one */
    const char *const *criteria = (const char *const *)&argv[5];
    imapclient_ids *ids = NULL;
    int rc = imapclient_search(c, criteria, NULL, &ids);
    if (rc == IMAPCLIENT_EINVALID_CRITERIA)
        fprintf(stderr, "the server cannot run this search: %s\n", imapclient_errmsg(c));
    if (rc != 0)
        return fail(c, "search");
    printf("matching (%zu):", ids->count);
    for (size_t i = 0; i < ids->count; i++)
        printf(" %u", ids->ids[i]);
    printf("\n");
    imapclient_ids_free(ids);

    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
