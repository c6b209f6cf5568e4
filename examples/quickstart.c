/*
 * The getting-started example of the reference, in C: log in, select INBOX,
 * search for messages from a friend and print their subjects and dates.
 *
 * Usage: quickstart HOST USER PASSWORD [FROM]
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

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD [FROM]\n", argv[0]);
        return 2;
    }
    const char *from = argc > 4 ? argv[4] : "alice@example.org";
    imapclient_options opts;
    imapclient_options_init(&opts); /* TLS on 993, certificate verified */
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    opts.ca_file = getenv("IMAP_CA_FILE");
    opts.tls_hostname = getenv("IMAP_TLS_NAME");
    opts.timeout_ms = 30000;

    imapclient *c = NULL;
    imapclient_select_info *info = NULL;
    imapclient_ids *ids = NULL;
    imapclient_fetch_result *res = NULL;
    char *set = NULL;

    if (imapclient_connect(argv[1], &opts, &c) != 0)
        return fail(c, "connect");
    if (imapclient_login(c, argv[2], argv[3], NULL) != 0)
        return fail(c, "login");
    if (imapclient_select_folder(c, "INBOX", 0, &info) != 0)
        return fail(c, "select_folder");
    printf("%u messages in INBOX\n", info->exists);
    imapclient_select_info_free(info);

    if (imapclient_search(c, (const char *[]){"FROM", from, NULL}, NULL, &ids) != 0)
        return fail(c, "search");
    printf("%zu messages from our best friend\n", ids->count);
    if (ids->count) {
        if (imapclient_seqset_from_ids(ids->ids, ids->count, &set) != 0 ||
            imapclient_fetch(c, set, (const char *[]){"ENVELOPE", NULL}, NULL, &res) != 0)
            return fail(c, "fetch");
        for (size_t i = 0; i < res->count; i++) {
            const imapclient_envelope *env = res->msgs[i].envelope;
            const imapclient_datetime *d = &env->date;
            printf("ID #%u: \"%s\" received %04d-%02d-%02d %02d:%02d:%02d\n",
                   res->msgs[i].id, env->subject ? env->subject : "", d->year, d->month,
                   d->day, d->hour, d->minute, d->second);
        }
    }
    imapclient_fetch_result_free(res);
    free(set);
    imapclient_ids_free(ids);

    const char *bye = NULL;
    if (imapclient_logout(c, &bye) == 0)
        printf("%s\n", bye);
    imapclient_free(c);
    return 0;
}
