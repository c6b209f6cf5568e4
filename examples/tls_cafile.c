/*
 * TLS with a CA file (the reference's "Establish a secure connection to a
 * server that does not have a certificate signed by a trusted certificate
 * authority"): the server's self-signed certificate, or the private CA
 * that signed it, is trusted from a PEM file; the chain and the host name
 * are still checked.
 *
 *   tls_cafile HOST USER PASSWORD CA_FILE
 *   tls_cafile imap.example.org me secret /path/to/cacert.pem
 *
 * Environment: IMAP_PORT (default 993), IMAP_TLS_NAME (the name to check
 * in the certificate when it differs from HOST, e.g. "localhost" for a
 * server reached as 127.0.0.1).
 */
#include <imapclient.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD CA_FILE\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts); /* implicit TLS, chain and name checked */
    opts.ca_file = argv[4];         /* trust these CAs instead of the system's */
    opts.tls_hostname = getenv("IMAP_TLS_NAME");
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    opts.connect_timeout_ms = opts.timeout_ms = 30000;

    imapclient *c = NULL;
    int rc = imapclient_connect(argv[1], &opts, &c);
    if (rc == IMAPCLIENT_ECERTIFICATE) {
        /* the certificate is not signed by CA_FILE or names another host */
        fprintf(stderr, "certificate refused: %s\n", imapclient_errmsg(c));
        imapclient_free(c);
        return 1;
    }
    if (rc || imapclient_login(c, argv[2], argv[3], NULL)) {
        fprintf(stderr, "%s: %s\n", rc ? "connect" : "login",
                c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    printf("connected over TLS (%s), certificate verified with %s\n",
           imapclient_is_tls(c) ? "yes" : "no", argv[4]);

    imapclient_status_info *st = NULL;
    if (imapclient_folder_status(c, "INBOX", NULL, &st) == 0)
        printf("INBOX: %llu messages\n", (unsigned long long)st->messages);
    imapclient_status_info_free(st);
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
