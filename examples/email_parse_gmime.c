/*
 * Parse emails with GMime (the reference's "Working With Fetched
 * Messages": fetch RFC822 and hand it to a MIME parser, as Python's
 * email.message_from_bytes()). Prints each message's sender and subject
 * (decoded), its MIME parts, and the start of its first text part, decoded
 * from base64 or quoted-printable and converted to UTF-8 by GMime.
 *
 *   email_parse_gmime HOST USER PASSWORD [FOLDER [CRITERIA...]]
 *   email_parse_gmime imap.example.org me secret INBOX UNSEEN
 *
 *   cc email_parse_gmime.c $(pkg-config --cflags --libs imapclient gmime-3.0)
 *
 * One message is held at a time (imapclient_fetch_each). With a read-only
 * select, BODY.PEEK[] (RFC822 without marking \Seen) is what is fetched.
 * Environment: IMAP_PORT, IMAP_NO_TLS=1, IMAP_CA_FILE, IMAP_TLS_NAME,
 * IMAP_MAX_LINES (lines of text shown per message, default 5).
 */
#include <imapclient.h>

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct walk_state {
    int part;   /* parts seen */
    char *text; /* the first text/plain part, UTF-8 (g_free) */
} walk_state;

static void on_part(GMimeObject *parent, GMimeObject *part, gpointer user_data)
{
    walk_state *ws = user_data;
    (void)parent;
    GMimeContentType *ct = g_mime_object_get_content_type(part);
    char *type = g_mime_content_type_get_mime_type(ct);
    const char *file =
        GMIME_IS_PART(part) ? g_mime_part_get_filename(GMIME_PART(part)) : NULL;
    printf("  part %d: %s%s%s\n", ++ws->part, type, file ? ", file " : "",
           file ? file : "");
    if (!ws->text && GMIME_IS_TEXT_PART(part) &&
        g_mime_content_type_is_type(ct, "text", "plain") &&
        !g_mime_part_is_attachment(GMIME_PART(part)))
        ws->text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
    g_free(type);
}

typedef struct run {
    int max_lines;
} run;

static int on_message(void *payload, const imapclient_message *m)
{
    run *r = payload;
    const imapclient_value *raw = imapclient_message_item(m, "BODY[]");
    if (!raw || !IMAPCLIENT_VALUE_IS_TEXT(raw))
        return 0; /* a flag update, not our data */

    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw->str, raw->len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    g_object_unref(stream);
    if (!msg) {
        printf("%u: not a MIME message\n", m->id);
        return 0;
    }
    InternetAddressList *from = g_mime_message_get_from(msg);
    char *from_s = from ? internet_address_list_to_string(from, NULL, FALSE) : NULL;
    const char *subject = g_mime_message_get_subject(msg); /* decoded */
    printf("%u %s \"%s\"\n", m->id, from_s ? from_s : "", subject ? subject : "");
    g_free(from_s);

    walk_state ws = {0};
    g_mime_message_foreach(msg, on_part, &ws);
    if (ws.text) {
        printf("  text:\n");
        char *p = ws.text;
        for (int line = 0; line < r->max_lines && *p; line++) {
            size_t len = strcspn(p, "\r\n");
            printf("  | %.*s\n", (int)len, p);
            p += len;
            p += *p == '\r' ? 1 : 0;
            p += *p == '\n' ? 1 : 0;
        }
        g_free(ws.text);
    }
    g_object_unref(msg);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD [FOLDER [CRITERIA...]]\n", argv[0]);
        return 2;
    }
    const char *folder = argc > 4 ? argv[4] : "INBOX";
    const char *all[] = {"ALL", NULL};
    const char *const *criteria = argc > 5 ? (const char *const *)argv + 5 : all;
    run r = {getenv("IMAP_MAX_LINES") ? atoi(getenv("IMAP_MAX_LINES")) : 5};

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
    imapclient_ids *ids = NULL;
    char *set = NULL;
    int rc = 1;
    g_mime_init();
    if (imapclient_connect(argv[1], &opts, &c) ||
        imapclient_login(c, argv[2], argv[3], NULL) ||
        imapclient_select_folder(c, folder, 1, NULL) ||
        imapclient_search(c, criteria, NULL, &ids)) {
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        goto out;
    }
    rc = 0;
    if (ids->count &&
        (imapclient_seqset_from_ids(ids->ids, ids->count, &set) ||
         imapclient_fetch_each(c, set, (const char *[]){"BODY.PEEK[]", NULL}, NULL,
                               on_message, NULL, 0, &r))) {
        fprintf(stderr, "fetch: %s\n", imapclient_errmsg(c));
        rc = 1;
    }
    imapclient_logout(c, NULL);
out:
    free(set);
    imapclient_ids_free(ids);
    imapclient_free(c);
    g_mime_shutdown();
    return rc;
}
