/*
 * Stream every message of a folder to files, in flat memory: the streaming
 * fetch calls back per message, and the body sink writes each literal to a
 * file as it arrives, so a folder of any size never sits in memory.
 *
 *   fetch_stream HOST USER PASSWORD FOLDER DIR
 *
 * Environment: IMAP_PORT, IMAP_NO_TLS=1 (plain connection), IMAP_CA_FILE,
 * IMAP_TLS_NAME (name to verify in the certificate).
 */
#include <imapclient.h>

#include <stdio.h>
#include <stdlib.h>

typedef struct state {
    const char *dir;
    FILE *out;        /* the file of the message being received */
    uint32_t out_seq; /* its sequence number */
    size_t messages, bytes;
} state;

/* Body bytes, piece by piece, as they come off the wire. */
static int sink(void *payload, uint32_t seq, const char *name, const char *data,
                size_t len)
{
    state *st = payload;
    if (!st->out || st->out_seq != seq) {
        if (st->out)
            fclose(st->out);
        char path[4096];
        snprintf(path, sizeof path, "%s/%u.eml", st->dir, seq);
        if (!(st->out = fopen(path, "wb")))
            return 1; /* fails the fetch with IMAPCLIENT_ERROR */
        st->out_seq = seq;
    }
    st->bytes += len;
    return fwrite(data, 1, len, st->out) != len;
}

/* Called once per message, after its body went to the sink. */
static int on_message(void *payload, const imapclient_message *m)
{
    state *st = payload;
    st->messages++;
    printf("%u: %llu bytes, %zu flags\n", m->id, (unsigned long long)m->size,
           m->flag_count);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD FOLDER DIR\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts);
    if (getenv("IMAP_PORT"))
        opts.port = atoi(getenv("IMAP_PORT"));
    if (getenv("IMAP_NO_TLS"))
        opts.ssl = 0;
    opts.ca_file = getenv("IMAP_CA_FILE");
    opts.tls_hostname = getenv("IMAP_TLS_NAME");
    opts.timeout_ms = 60000;

    imapclient *c = NULL;
    state st = {.dir = argv[5]};
    int rc = imapclient_connect(argv[1], &opts, &c);
    if (rc == 0)
        rc = imapclient_login(c, argv[2], argv[3], NULL);
    if (rc == 0)
        rc = imapclient_select_folder(c, argv[4], 1, NULL);
    if (rc == 0)
        rc = imapclient_fetch_each(
            c, "1:*", (const char *[]){"FLAGS", "RFC822.SIZE", "BODY.PEEK[]", NULL}, NULL,
            on_message, sink, 0, &st);
    if (st.out)
        fclose(st.out);
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", imapclient_status_name(rc),
                c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    printf("%zu messages, %zu bytes written to %s\n", st.messages, st.bytes, st.dir);
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
