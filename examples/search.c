/*
 * Search a folder: the criteria come from the command line, one item per
 * argument, quoted and nested as IMAPClient.search() does it ("(" and ")"
 * arguments open and close a group). Prints the matching ids, the same
 * ids sorted newest first when the server has SORT, and the threads.
 *
 * Usage: search HOST USER PASSWORD FOLDER [CRITERIA...]
 *   search imap.example.org me secret INBOX FROM alice SINCE 03-Apr-2005
 *   search imap.example.org me secret INBOX NOT "(" SEEN ")" TEXT "caf\303\251"
 * Environment: IMAP_PORT (default 993), IMAP_CA_FILE (CA bundle to trust),
 * IMAP_TLS_NAME (name to verify in the certificate, default HOST).
 */
#include <imapclient.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(imapclient *c, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, c ? imapclient_errmsg(c) : "out of memory");
    imapclient_free(c);
    return 1;
}

static void print_ids(const char *title, const imapclient_ids *ids)
{
    printf("%s (%zu):", title, ids->count);
    for (size_t i = 0; i < ids->count; i++)
        printf(" %u", ids->ids[i]);
    if (ids->has_modseq)
        printf(" (MODSEQ %llu)", (unsigned long long)ids->modseq);
    printf("\n");
}

/* A thread as nested parentheses, as RFC 5256 writes it. */
static void print_thread(const imapclient_thread_node *n)
{
    printf("(");
    for (size_t i = 0; i < n->count; i++) {
        if (i && (n->items[i].id || n->items[i - 1].id))
            printf(" ");
        if (n->items[i].id)
            printf("%u", n->items[i].id);
        else
            print_thread(&n->items[i]);
    }
    printf(")");
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD FOLDER [CRITERIA...]\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts);
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    opts.ca_file = getenv("IMAP_CA_FILE");
    opts.tls_hostname = getenv("IMAP_TLS_NAME");
    opts.timeout_ms = 30000;

    /* argv[5..] is already a NULL-terminated list; none means ALL */
    const char *const *criteria = argc > 5 ? (const char *const *)&argv[5] : NULL;

    imapclient *c = NULL;
    if (imapclient_connect(argv[1], &opts, &c) != 0)
        return fail(c, "connect");
    if (imapclient_login(c, argv[2], argv[3], NULL) != 0)
        return fail(c, "login");
    if (imapclient_select_folder(c, argv[4], 1, NULL) != 0)
        return fail(c, "select_folder");

    /* UTF-8 lets 8-bit text through (sent as literals); plain ASCII
     * criteria work with any server */
    imapclient_ids *ids = NULL;
    int rc = imapclient_search(c, criteria, "UTF-8", &ids);
    if (rc == IMAPCLIENT_EINVALID_CRITERIA)
        fprintf(stderr, "the server refused the criteria: %s\n", imapclient_errmsg(c));
    if (rc != 0)
        return fail(c, "search");
    print_ids("matching", ids);
    imapclient_ids_free(ids);

    if (imapclient_has_capability(c, "SORT") == 1) {
        if (imapclient_sort(c, (const char *[]){"REVERSE", "DATE", NULL}, criteria, NULL,
                            &ids) != 0)
            return fail(c, "sort");
        print_ids("newest first", ids);
        imapclient_ids_free(ids);
    }

    if (imapclient_has_capability(c, "THREAD=REFERENCES") == 1) {
        imapclient_threads *t = NULL;
        if (imapclient_thread(c, "REFERENCES", criteria, NULL, &t) != 0)
            return fail(c, "thread");
        printf("threads (%zu): ", t->count);
        for (size_t i = 0; i < t->count; i++)
            print_thread(&t->threads[i]);
        printf("\n");
        imapclient_threads_free(t);
    }

    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
