/*
 * TLS without certificate checks (the reference's "Establish an encrypted
 * connection to a server without checking its certificate").
 *
 *   WARNING: this setup is insecure. DO NOT USE it to connect to servers
 *   over the Internet: anyone between you and the server can read and
 *   change everything, the password included. It is for a test server on
 *   your own machine or network; for a self-signed certificate, trust it
 *   with a CA file instead (examples/tls_cafile.c).
 *
 *   tls_insecure HOST USER PASSWORD
 *
 * Environment: IMAP_PORT (default 993).
 */
#include <imapclient.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts);
    opts.check_hostname = 0; /* don't check that the certificate names HOST */
    opts.verify_peer = 0;    /* don't check that a trusted CA signed it */
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    opts.connect_timeout_ms = opts.timeout_ms = 30000;

    fprintf(stderr, "warning: the server's certificate is not checked; "
                    "never do this over the Internet\n");
    imapclient *c = NULL;
    if (imapclient_connect(argv[1], &opts, &c) ||
        imapclient_login(c, argv[2], argv[3], NULL)) {
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    printf("connected over TLS (%s), certificate NOT verified\n",
           imapclient_is_tls(c) ? "yes" : "no");
    imapclient_status_info *st = NULL;
    if (imapclient_folder_status(c, "INBOX", NULL, &st) == 0)
        printf("INBOX: %llu messages\n", (unsigned long long)st->messages);
    imapclient_status_info_free(st);
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
