/*
 * Printing typed message data: dates, envelopes, body structures and
 * fetched messages, as text and as JSON (docs/cli-json.md).
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- dates ----------------------------------------------------------- */

static void format_date(const imapclient_datetime *dt, char sep, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%04d-%02d-%02d%c%02d:%02d:%02d", dt->year, dt->month,
                     dt->day, sep, dt->hour, dt->minute, dt->second);
    if (dt->has_offset && n > 0 && (size_t)n < size) {
        int off = dt->offset_minutes < 0 ? -dt->offset_minutes : dt->offset_minutes;
        snprintf(buf + n, size - (size_t)n, "%s%c%02d:%02d", sep == ' ' ? " " : "",
                 dt->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
    }
}

json_t *out_json_datetime(const imapclient_datetime *dt)
{
    char buf[64];
    format_date(dt, 'T', buf, sizeof buf);
    return json_string(buf);
}

void out_text_datetime(FILE *f, const imapclient_datetime *dt)
{
    char buf[64];
    format_date(dt, ' ', buf, sizeof buf);
    fputs(buf, f);
}

/* ---- addresses and envelopes ------------------------------------------ */

static json_t *str_or_null(const char *s)
{
    return s ? out_json_bytes(s, strlen(s)) : json_null();
}

/* Header text with its RFC 2047 encoded words decoded (always UTF-8), or
 * null for NIL. */
static json_t *decoded_or_null(const char *s, size_t len)
{
    char *d;
    if (!s || imapclient_decode_header(s, len, &d) < 0)
        return json_null();
    json_t *j = out_json_bytes(d, strlen(d));
    free(d);
    return j;
}

static json_t *json_addresses(const imapclient_address *a, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", str_or_null(a[i].name));
        json_object_set_new(o, "route", str_or_null(a[i].route));
        json_object_set_new(o, "mailbox", str_or_null(a[i].mailbox));
        json_object_set_new(o, "host", str_or_null(a[i].host));
        json_object_set_new(
            o, "name_decoded",
            decoded_or_null(a[i].name, a[i].name ? strlen(a[i].name) : 0));
        json_array_append_new(arr, o);
    }
    return arr;
}

json_t *out_json_envelope(const imapclient_envelope *e)
{
    if (!e)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "date",
                        e->has_date ? out_json_datetime(&e->date) : json_null());
    json_object_set_new(o, "date_raw", str_or_null(e->date_raw));
    json_object_set_new(o, "subject",
                        e->subject ? out_json_bytes(e->subject, e->subject_len)
                                   : json_null());
    json_object_set_new(o, "from", json_addresses(e->from, e->from_count));
    json_object_set_new(o, "sender", json_addresses(e->sender, e->sender_count));
    json_object_set_new(o, "reply_to", json_addresses(e->reply_to, e->reply_to_count));
    json_object_set_new(o, "to", json_addresses(e->to, e->to_count));
    json_object_set_new(o, "cc", json_addresses(e->cc, e->cc_count));
    json_object_set_new(o, "bcc", json_addresses(e->bcc, e->bcc_count));
    json_object_set_new(o, "in_reply_to", str_or_null(e->in_reply_to));
    json_object_set_new(o, "message_id", str_or_null(e->message_id));
    json_object_set_new(o, "subject_decoded",
                        decoded_or_null(e->subject, e->subject_len));
    return o;
}

static void text_addresses(FILE *f, const char *indent, const char *label,
                           const imapclient_address *a, size_t n)
{
    if (!n)
        return;
    fprintf(f, "%s%s: ", indent, label);
    int in_group = 0, first = 1;
    for (size_t i = 0; i < n; i++) {
        char buf[1024];
        int len = imapclient_address_format_decoded(&a[i], buf, sizeof buf);
        if (len < 0) /* out of memory: as sent */
            len = imapclient_address_format(&a[i], buf, sizeof buf);
        if (len < 0)
            continue;
        size_t shown = (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1;
        if (a[i].mailbox && !a[i].host) { /* group start: "name:" */
            fprintf(f, "%s", first ? "" : ", ");
            out_escaped(f, buf, shown);
            fputs(": ", f);
            in_group = 1;
            first = 1;
            continue;
        }
        if (!a[i].mailbox && !a[i].host) { /* group end */
            fputc(';', f);
            in_group = 0;
            first = 0;
            continue;
        }
        fprintf(f, "%s", first ? "" : ", ");
        out_escaped(f, buf, shown);
        first = 0;
    }
    (void)in_group;
    fputc('\n', f);
}

void out_text_envelope(FILE *f, const imapclient_envelope *e, const char *indent)
{
    if (e->has_date) {
        fprintf(f, "%sDate: ", indent);
        out_text_datetime(f, &e->date);
        fputc('\n', f);
    } else if (e->date_raw) {
        fprintf(f, "%sDate: ", indent);
        out_escaped(f, e->date_raw, strlen(e->date_raw));
        fputc('\n', f);
    }
    text_addresses(f, indent, "From", e->from, e->from_count);
    if (e->sender_count &&
        !(e->from_count == e->sender_count && e->from_count == 1 && e->from[0].mailbox &&
          e->sender[0].mailbox && !strcmp(e->from[0].mailbox, e->sender[0].mailbox)))
        text_addresses(f, indent, "Sender", e->sender, e->sender_count);
    if (e->reply_to_count && !(e->from_count == e->reply_to_count && e->from_count == 1 &&
                               e->from[0].mailbox && e->reply_to[0].mailbox &&
                               !strcmp(e->from[0].mailbox, e->reply_to[0].mailbox)))
        text_addresses(f, indent, "Reply-To", e->reply_to, e->reply_to_count);
    text_addresses(f, indent, "To", e->to, e->to_count);
    text_addresses(f, indent, "Cc", e->cc, e->cc_count);
    text_addresses(f, indent, "Bcc", e->bcc, e->bcc_count);
    if (e->subject) {
        /* encoded words decoded; as sent if that fails (out of memory) */
        char *d = NULL;
        fprintf(f, "%sSubject: ", indent);
        if (imapclient_decode_header(e->subject, e->subject_len, &d) == 0)
            out_escaped(f, d, strlen(d));
        else
            out_escaped(f, e->subject, e->subject_len);
        free(d);
        fputc('\n', f);
    }
    if (e->message_id) {
        fprintf(f, "%sMessage-ID: ", indent);
        out_escaped(f, e->message_id, strlen(e->message_id));
        fputc('\n', f);
    }
    if (e->in_reply_to) {
        fprintf(f, "%sIn-Reply-To: ", indent);
        out_escaped(f, e->in_reply_to, strlen(e->in_reply_to));
        fputc('\n', f);
    }
}

/* ---- body structure ----------------------------------------------------- */

static json_t *json_params(const imapclient_param *p, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        /* names are case-insensitive (RFC 2045): lower-case keys */
        char key[256];
        size_t k = 0;
        for (; p[i].name[k] && k + 1 < sizeof key; k++)
            key[k] =
                (char)((p[i].name[k] >= 'A' && p[i].name[k] <= 'Z') ? p[i].name[k] + 32
                                                                    : p[i].name[k]);
        key[k] = '\0';
        if (out_utf8_valid(key, k))
            json_object_set_new(o, key, str_or_null(p[i].value));
    }
    return o;
}

json_t *out_json_body(const imapclient_body *b)
{
    if (!b)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "type", str_or_null(b->type));
    json_object_set_new(o, "subtype", str_or_null(b->subtype));
    json_object_set_new(o, "params", json_params(b->params, b->param_count));
    if (b->is_multipart) {
        json_t *parts = json_array();
        for (size_t i = 0; i < b->part_count; i++)
            json_array_append_new(parts, out_json_body(&b->parts[i]));
        json_object_set_new(o, "parts", parts);
    } else {
        json_object_set_new(o, "id", str_or_null(b->id));
        json_object_set_new(o, "description", str_or_null(b->description));
        json_object_set_new(o, "encoding", str_or_null(b->encoding));
        json_object_set_new(
            o, "size", b->has_size ? json_integer((json_int_t)b->size) : json_null());
        json_object_set_new(
            o, "lines", b->has_lines ? json_integer((json_int_t)b->lines) : json_null());
        json_object_set_new(o, "md5", str_or_null(b->md5));
        if (b->envelope)
            json_object_set_new(o, "envelope", out_json_envelope(b->envelope));
        if (b->body)
            json_object_set_new(o, "body", out_json_body(b->body));
    }
    json_object_set_new(o, "disposition", str_or_null(b->disposition));
    json_object_set_new(o, "disposition_params",
                        json_params(b->disposition_params, b->disposition_param_count));
    json_object_set_new(o, "language", out_json_strings(b->language, b->language_count));
    json_object_set_new(o, "location", str_or_null(b->location));
    return o;
}

static void text_params(FILE *f, const imapclient_param *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputc(' ', f);
        out_escaped(f, p[i].name, strlen(p[i].name));
        fputc('=', f);
        if (p[i].value)
            out_text_bytes(f, p[i].value, strlen(p[i].value));
        else
            fputs("NIL", f);
    }
}

static void text_body(FILE *f, const imapclient_body *b, const char *indent,
                      const char *part, int depth)
{
    fprintf(f, "%s%*s%s%s", indent, depth * 2, "", part, part[0] ? " " : "");
    out_escaped(f, b->type ? b->type : "NIL", b->type ? strlen(b->type) : 3);
    fputc('/', f);
    out_escaped(f, b->subtype ? b->subtype : "NIL", b->subtype ? strlen(b->subtype) : 3);
    text_params(f, b->params, b->param_count);
    if (!b->is_multipart) {
        if (b->encoding) {
            fputs(", ", f);
            out_escaped(f, b->encoding, strlen(b->encoding));
        }
        if (b->has_size)
            fprintf(f, ", %llu bytes", (unsigned long long)b->size);
        if (b->has_lines)
            fprintf(f, ", %llu lines", (unsigned long long)b->lines);
    }
    if (b->disposition) {
        fputs(", ", f);
        out_escaped(f, b->disposition, strlen(b->disposition));
        text_params(f, b->disposition_params, b->disposition_param_count);
    }
    fputc('\n', f);
    char sub[256];
    if (b->is_multipart) {
        for (size_t i = 0; i < b->part_count; i++) {
            snprintf(sub, sizeof sub, "%s%s%zu", part, part[0] ? "." : "", i + 1);
            text_body(f, &b->parts[i], indent, sub, depth + 1);
        }
    } else if (b->body) {
        if (b->envelope) {
            char ind[256];
            snprintf(ind, sizeof ind, "%s%*s", indent, depth * 2 + 4, "");
            out_text_envelope(f, b->envelope, ind);
        }
        /* the parts of an attached message are numbered under its part */
        snprintf(sub, sizeof sub, "%s", part[0] ? part : "1");
        if (b->body->is_multipart) {
            for (size_t i = 0; i < b->body->part_count; i++) {
                char s2[300];
                snprintf(s2, sizeof s2, "%s.%zu", sub, i + 1);
                text_body(f, &b->body->parts[i], indent, s2, depth + 1);
            }
        } else {
            char s2[300];
            snprintf(s2, sizeof s2, "%s.1", sub);
            text_body(f, b->body, indent, s2, depth + 1);
        }
    }
}

void out_text_body(FILE *f, const imapclient_body *b, const char *indent)
{
    text_body(f, b, indent, b->is_multipart ? "" : "1", 0);
}

/* ---- messages ----------------------------------------------------------- */

static int name_is(const char *name, const char *want)
{
    return !strcasecmp(name, want);
}

/* A body section or whole-message item whose value is message text. */
static int is_content_item(const char *name)
{
    return !strncasecmp(name, "BODY[", 5) || !strncasecmp(name, "BINARY[", 7) ||
           name_is(name, "RFC822") || name_is(name, "RFC822.HEADER") ||
           name_is(name, "RFC822.TEXT");
}

json_t *out_json_message(const imapclient_message *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(m->id));
    json_object_set_new(o, "seq", json_integer(m->seq));
    for (size_t i = 0; i < m->item_count; i++) {
        const char *name = m->items[i].name;
        const imapclient_value *v = m->items[i].value;
        json_t *j;
        if (name_is(name, "FLAGS") && m->flags)
            j = out_json_strings(m->flags, m->flag_count);
        else if (name_is(name, "UID") && m->has_uid)
            j = json_integer(m->uid);
        else if (name_is(name, "INTERNALDATE") && m->has_internaldate)
            j = out_json_datetime(&m->internaldate);
        else if (name_is(name, "RFC822.SIZE") && m->has_size)
            j = json_integer((json_int_t)m->size);
        else if (name_is(name, "MODSEQ") && m->has_modseq)
            j = json_integer((json_int_t)m->modseq);
        else if (name_is(name, "ENVELOPE") && m->envelope)
            j = out_json_envelope(m->envelope);
        else if ((name_is(name, "BODYSTRUCTURE") || name_is(name, "BODY")) && m->body)
            j = out_json_body(m->body);
        else if (name_is(name, "X-GM-MSGID") && m->has_gm_msgid)
            j = json_integer((json_int_t)m->gm_msgid);
        else if (name_is(name, "X-GM-THRID") && m->has_gm_thrid)
            j = json_integer((json_int_t)m->gm_thrid);
        else if (name_is(name, "X-GM-LABELS") && m->gm_labels)
            j = out_json_strings(m->gm_labels, m->gm_label_count);
        else
            j = out_json_value(v);
        json_object_set_new(o, name, j);
    }
    return o;
}

/* Message text: shown as lines, indented, CRLF as a line end, control
 * bytes escaped. */
static void text_content(FILE *f, const char *s, size_t len, const char *indent)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '\n')
            j++;
        size_t end = j;
        if (end > i && s[end - 1] == '\r')
            end--;
        fputs(indent, f);
        out_escaped(f, s + i, end - i);
        fputc('\n', f);
        i = j + 1;
    }
}

/* ---- message text streamed piece by piece (fetch's body sink) ----------- */

void out_stream_start(out_stream *os, FILE *f, const char *indent)
{
    os->f = f;
    os->indent = indent;
    os->len = 0;
    os->started_line = 0;
    os->open = 1;
}

/* Print the held bytes up to cut as (part of) a line. */
static void stream_emit(out_stream *os, size_t cut, int end_line)
{
    if (!os->started_line) {
        fputs(os->indent, os->f);
        os->started_line = 1;
    }
    size_t n = cut;
    if (end_line && n && os->buf[n - 1] == '\r')
        n--; /* CRLF is the line end */
    out_escaped(os->f, os->buf, n);
    memmove(os->buf, os->buf + cut, os->len - cut);
    os->len -= cut;
    if (end_line) {
        fputc('\n', os->f);
        os->started_line = 0;
    }
}

void out_stream_piece(out_stream *os, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        os->buf[os->len++] = p[i];
        if (p[i] == '\n') {
            os->len--; /* the LF itself is not shown */
            stream_emit(os, os->len, 1);
        } else if (os->len == sizeof os->buf) {
            /* a long line: show what is held, cut where no UTF-8 sequence
             * (and no CR that may start a CRLF) is split */
            size_t cut = os->len;
            while (cut > os->len - 4 && ((unsigned char)os->buf[cut - 1] & 0xc0) == 0x80)
                cut--;
            if (cut > 0 && (unsigned char)os->buf[cut - 1] >= 0xc0)
                cut--;
            else if (cut > 0 && os->buf[cut - 1] == '\r')
                cut--;
            if (cut == 0)
                cut = os->len;
            stream_emit(os, cut, 0);
        }
    }
}

void out_stream_end(out_stream *os)
{
    if (!os->open)
        return;
    if (os->len || os->started_line)
        stream_emit(os, os->len, 1);
    os->open = 0;
}

void out_text_message(FILE *f, const imapclient_message *m, int use_uid)
{
    out_text_message_items(f, m, use_uid, 1, NULL, 0);
}

void out_text_message_items(FILE *f, const imapclient_message *m, int use_uid,
                            int heading, char *const *skip, size_t nskip)
{
    if (heading && use_uid && m->has_uid)
        fprintf(f, "UID %u (message %u)\n", m->uid, m->seq);
    else if (heading)
        fprintf(f, "Message %u\n", m->seq);
    for (size_t i = 0; i < m->item_count; i++) {
        const char *name = m->items[i].name;
        const imapclient_value *v = m->items[i].value;
        if (name_is(name, "UID") && use_uid && heading)
            continue; /* in the heading */
        size_t k = 0;
        while (k < nskip && strcasecmp(skip[k], name))
            k++;
        if (k < nskip)
            continue; /* shown as it arrived */
        fprintf(f, "  ");
        out_escaped(f, name, strlen(name));
        fputs(":", f);
        if (name_is(name, "FLAGS") && m->flags) {
            fputc(' ', f);
            out_text_strings(f, m->flags, m->flag_count);
            fputc('\n', f);
        } else if (name_is(name, "INTERNALDATE") && m->has_internaldate) {
            fputc(' ', f);
            out_text_datetime(f, &m->internaldate);
            fputc('\n', f);
        } else if (name_is(name, "ENVELOPE") && m->envelope) {
            fputc('\n', f);
            out_text_envelope(f, m->envelope, "    ");
        } else if ((name_is(name, "BODYSTRUCTURE") || name_is(name, "BODY")) && m->body) {
            fputc('\n', f);
            out_text_body(f, m->body, "    ");
        } else if (name_is(name, "X-GM-LABELS") && m->gm_labels) {
            fputc(' ', f);
            out_text_strings(f, m->gm_labels, m->gm_label_count);
            fputc('\n', f);
        } else if (is_content_item(name) && v && IMAPCLIENT_VALUE_IS_TEXT(v)) {
            /* bytes that are not UTF-8 text show as \xNN */
            fprintf(f, " %zu bytes\n", v->len);
            text_content(f, v->str, v->len, "    ");
        } else {
            fputc(' ', f);
            out_text_value(f, v);
            fputc('\n', f);
        }
    }
}
