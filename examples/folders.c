/*
 * List every folder with its special use and message counts.
 *
 *   cc -Iinclude examples/folders.c libimapclient.a -lssl -lcrypto -lz
 *   IMAP_PASSWORD=secret ./a.out imap.example.com me@example.com
 *
 * Environment: IMAP_PASSWORD (when not given as third argument), IMAP_PORT,
 * IMAP_NO_TLS=1 (plain connection), IMAP_CA_FILE (trusted CA bundle).
 */
#define _XOPEN_SOURCE 700 /* wcswidth() */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <imapclient.h>

static const char *const special_uses[] = {
    IMAPCLIENT_ALL,  IMAPCLIENT_ARCHIVE, IMAPCLIENT_DRAFTS, "\\Flagged",
    IMAPCLIENT_JUNK, IMAPCLIENT_SENT,    IMAPCLIENT_TRASH,  NULL};

/* Print s left-aligned in a column of width characters. Folder names are
 * UTF-8 ("Données"): the column is counted in display width, not bytes. */
static void print_column(const char *s, int width)
{
    int w = -1;
    size_t n = mbstowcs(NULL, s, 0);
    if (n != (size_t)-1) {
        wchar_t *ws = malloc((n + 1) * sizeof *ws);
        if (ws && mbstowcs(ws, s, n + 1) != (size_t)-1)
            w = wcswidth(ws, n);
        free(ws);
    }
    if (w < 0)
        w = (int)strlen(s); /* not text in this locale: count bytes */
    printf("%s%*s", s, w < width ? width - w : 0, "");
}

static int fail(imapclient *c, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, c ? imapclient_errmsg(c) : "out of memory");
    imapclient_free(c);
    return 1;
}

int main(int argc, char **argv)
{
    /* the user's character set for the display widths; UTF-8 when no
     * locale is set at all (folder names come as UTF-8) */
    setlocale(LC_CTYPE, "");
    if (!strcmp(nl_langinfo(CODESET), "ANSI_X3.4-1968"))
        setlocale(LC_CTYPE, "C.UTF-8");
    const char *password = argc > 3 ? argv[3] : getenv("IMAP_PASSWORD");
    if (argc < 3 || !password) {
        fprintf(stderr, "usage: %s HOST USER [PASSWORD]\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts);
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS"))
        opts.ssl = 0;
    opts.ca_file = getenv("IMAP_CA_FILE");

    imapclient *c = NULL;
    if (imapclient_connect(argv[1], &opts, &c))
        return fail(c, "connect");
    if (imapclient_login(c, argv[2], password, NULL))
        return fail(c, "login");

    imapclient_folder_list *list = NULL;
    if (imapclient_list_folders(c, NULL, NULL, &list))
        return fail(c, "list_folders");

    printf("%-32s %-10s %8s %8s\n", "FOLDER", "USE", "MESSAGES", "UNSEEN");
    for (size_t i = 0; i < list->count; i++) {
        const imapclient_folder *f = &list->folders[i];
        const char *use = "";
        for (size_t k = 0; special_uses[k]; k++)
            if (imapclient_folder_has_flag(f, special_uses[k]))
                use = special_uses[k] + 1; /* without the backslash */

        /* \Noselect folders are only names in the hierarchy */
        if (imapclient_folder_has_flag(f, "\\Noselect") ||
            imapclient_folder_has_flag(f, "\\NonExistent")) {
            print_column(f->name, 32);
            printf(" %-10s %8s %8s\n", use, "-", "-");
            continue;
        }
        imapclient_status_info *st = NULL;
        const char *const items[] = {"MESSAGES", "UNSEEN", NULL};
        if (imapclient_folder_status(c, f->name, items, &st)) {
            fprintf(stderr, "status %s: %s\n", f->name, imapclient_errmsg(c));
            continue;
        }
        print_column(f->name, 32);
        printf(" %-10s %8llu %8llu\n", use, (unsigned long long)st->messages,
               (unsigned long long)st->unseen);
        imapclient_status_info_free(st);
    }
    imapclient_folder_list_free(list);

    char *sent = NULL;
    if (imapclient_find_special_folder(c, IMAPCLIENT_SENT, &sent) == 0)
        printf("\nSent messages go to: %s\n", sent ? sent : "(no Sent folder found)");
    free(sent);

    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
