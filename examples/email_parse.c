/*
 * Parse emails without downloading them whole (the reference's "Working
 * With Fetched Messages", done the IMAP way): fetch each message's
 * ENVELOPE and BODYSTRUCTURE, walk its MIME parts, then fetch only the
 * first text/plain part. With the BINARY extension (RFC 3516) the server
 * undoes the transfer encoding (base64, quoted-printable); otherwise the
 * part comes as stored and the encoding is named. examples/email_parse_gmime.c
 * instead downloads whole messages and parses them with GMime.
 *
 *   email_parse HOST USER PASSWORD [FOLDER [CRITERIA...]]
 *   email_parse imap.example.org me secret INBOX UNSEEN
 *
 * Environment: IMAP_PORT, IMAP_NO_TLS=1, IMAP_CA_FILE, IMAP_TLS_NAME,
 * IMAP_MAX_LINES (lines of text shown per message, default 5).
 */
#include <imapclient.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(imapclient *c, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, c ? imapclient_errmsg(c) : "out of memory");
    imapclient_free(c);
    return 1;
}

static const char *param(const imapclient_param *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(p[i].name, name))
            return p[i].value;
    return NULL;
}

/* Print the part tree with IMAP part numbers (RFC 3501 section 6.4.5);
 * remember the number of the first text/plain part that is no attachment. */
static void walk(const imapclient_body *b, const char *num, int depth, char *text_part,
                 size_t cap)
{
    if (b->is_multipart) {
        printf("  %*s%s multipart/%s\n", depth * 2, "", num[0] ? num : "-",
               b->subtype ? b->subtype : "?");
        for (size_t i = 0; i < b->part_count; i++) {
            char sub[64];
            snprintf(sub, sizeof sub, "%s%s%zu", num, num[0] ? "." : "", i + 1);
            walk(&b->parts[i], sub, depth + 1, text_part, cap);
        }
        return;
    }
    const char *part = num[0] ? num : "1"; /* a single-part message is part 1 */
    const char *file =
        param(b->disposition_params, b->disposition_param_count, "filename");
    if (!file)
        file = param(b->params, b->param_count, "name");
    printf("  %*s%s %s/%s, %s, %llu bytes%s%s\n", depth * 2, "", part,
           b->type ? b->type : "?", b->subtype ? b->subtype : "?",
           b->encoding ? b->encoding : "7BIT", (unsigned long long)b->size,
           file ? ", file " : "", file ? file : "");
    int attachment = b->disposition && !strcasecmp(b->disposition, "attachment");
    if (!text_part[0] && !attachment && b->type && !strcasecmp(b->type, "TEXT") &&
        b->subtype && !strcasecmp(b->subtype, "PLAIN"))
        snprintf(text_part, cap, "%s", part);
    if (b->body) { /* an attached message: its parts are numbered under it */
        char sub[64];
        snprintf(sub, sizeof sub, "%s", part);
        if (b->body->is_multipart)
            walk(b->body, sub, depth + 1, text_part, cap);
        else {
            snprintf(sub, sizeof sub, "%s.1", part);
            walk(b->body, sub, depth + 1, text_part, cap);
        }
    }
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
    int max_lines = getenv("IMAP_MAX_LINES") ? atoi(getenv("IMAP_MAX_LINES")) : 5;

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
    if (imapclient_connect(argv[1], &opts, &c))
        return fail(c, "connect");
    if (imapclient_login(c, argv[2], argv[3], NULL))
        return fail(c, "login");
    if (imapclient_select_folder(c, folder, 1,
                                 NULL)) /* read-only: nothing marked \Seen */
        return fail(c, "select_folder");
    int binary = imapclient_has_capability(c, "BINARY") == 1;

    imapclient_ids *ids = NULL;
    if (imapclient_search(c, criteria, NULL, &ids))
        return fail(c, "search");
    for (size_t i = 0; i < ids->count; i++) {
        char set[16];
        snprintf(set, sizeof set, "%u", ids->ids[i]);
        imapclient_fetch_result *res = NULL;
        if (imapclient_fetch(c, set, (const char *[]){"ENVELOPE", "BODYSTRUCTURE", NULL},
                             NULL, &res))
            return fail(c, "fetch");
        for (size_t k = 0; k < res->count; k++) {
            const imapclient_message *m = &res->msgs[k];
            char from[512] = "", *subject = NULL;
            if (m->envelope && m->envelope->from_count)
                imapclient_address_format_decoded(&m->envelope->from[0], from,
                                                  sizeof from);
            if (m->envelope && m->envelope->subject)
                imapclient_decode_header(m->envelope->subject, m->envelope->subject_len,
                                         &subject);
            printf("%u %s \"%s\"\n", m->id, from, subject ? subject : "");
            free(subject);
            if (!m->body)
                continue;

            char text_part[64] = "";
            walk(m->body, "", 0, text_part, sizeof text_part);
            if (!text_part[0])
                continue;
            /* only that part's bytes come over the wire */
            char item[96];
            snprintf(item, sizeof item, "%s[%s]", binary ? "BINARY.PEEK" : "BODY.PEEK",
                     text_part);
            imapclient_fetch_result *part = NULL;
            if (imapclient_fetch(c, set, (const char *[]){item, NULL}, NULL, &part))
                return fail(c, "fetch part");
            char name[96];
            snprintf(name, sizeof name, "%s[%s]", binary ? "BINARY" : "BODY", text_part);
            const imapclient_value *v =
                part->count ? imapclient_message_item(&part->msgs[0], name) : NULL;
            if (v && IMAPCLIENT_VALUE_IS_TEXT(v)) {
                printf("  text of part %s%s:\n", text_part,
                       binary ? " (decoded by the server)" : " (as stored)");
                const char *p = v->str, *end = v->str + v->len;
                for (int line = 0; line < max_lines && p < end; line++) {
                    const char *nl = memchr(p, '\n', (size_t)(end - p));
                    size_t len = (size_t)((nl ? nl : end) - p);
                    if (len && p[len - 1] == '\r')
                        len--;
                    printf("  | %.*s\n", (int)len, p);
                    p = nl ? nl + 1 : end;
                }
            }
            imapclient_fetch_result_free(part);
        }
        imapclient_fetch_result_free(res);
    }
    imapclient_ids_free(ids);
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
