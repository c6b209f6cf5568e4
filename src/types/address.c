/*
 * ENVELOPE and its address lists (RFC 3501 section 7.4.2 and section 9:
 * envelope, address; group syntax of RFC 2822 section 3.4 as RFC 3501
 * encodes it), and str(Address) of the reference.
 *
 * Servers send NIL where strings belong, atoms and numbers where strings
 * belong, literals anywhere, fields missing or extra (a Message-ID with
 * unescaped quotes splits into three values). Whatever can be understood is
 * kept; raw keeps the rest. Only a value that is not a list is refused.
 */
#include "types.h"

#include <imapclient/errors.h>

#include <limits.h>
#include <string.h>

static void address_from(const imapclient_value *v, imapclient_address *out)
{
    /* address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")" */
    out->name = imc_value_text(imc_value_item(v, 0), NULL);
    out->route = imc_value_text(imc_value_item(v, 1), NULL);
    out->mailbox = imc_value_text(imc_value_item(v, 2), NULL);
    out->host = imc_value_text(imc_value_item(v, 3), NULL);
}

int imc_address_list_from_value(imc_arena *a, const imapclient_value *v,
                                const imapclient_address **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!imc_value_is_list(v) || !v->items || v->count == 0)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < v->count; i++)
        if (imc_value_is_list(&v->items[i]))
            n++;
    if (n == 0) {
        /* A bare address where a list of them belongs: ("n" NIL "m" "h"). */
        int text = 0;
        for (size_t i = 0; i < v->count; i++)
            if (imc_value_text(&v->items[i], NULL))
                text = 1;
        if (v->count != 4 || !text)
            return 0;
        imapclient_address *one = imc_arena_alloc_uninit(a, sizeof *one);
        if (!one)
            return IMAPCLIENT_ENOMEM;
        address_from(v, one);
        *out = one;
        *count = 1;
        return 0;
    }
    imapclient_address *arr = imc_arena_array_uninit(a, n, sizeof *arr); /* all set */
    if (!arr)
        return IMAPCLIENT_ENOMEM;
    size_t k = 0;
    /* NIL members are skipped, as the reference does ("if addr_tuple:"). */
    for (size_t i = 0; i < v->count; i++)
        if (imc_value_is_list(&v->items[i]))
            address_from(&v->items[i], &arr[k++]);
    *out = arr;
    *count = n;
    return 0;
}

int imc_envelope_from_value(imc_arena *a, const imapclient_value *v, int normalise,
                            imapclient_envelope **out)
{
    *out = NULL;
    if (!imc_value_is_list(v))
        return IMAPCLIENT_EPROTOCOL;
    imapclient_envelope *e = imc_arena_calloc(a, 1, sizeof *e);
    if (!e)
        return IMAPCLIENT_ENOMEM;
    e->raw = v;

    /* envelope = "(" env-date SP env-subject SP env-from SP env-sender SP
     *            env-reply-to SP env-to SP env-cc SP env-bcc SP
     *            env-in-reply-to SP env-message-id ")" */
    size_t dlen;
    e->date_raw = imc_value_text(imc_value_item(v, 0), &dlen);
    /* An unparseable date is no date, as the reference's _convert_ENVELOPE. */
    if (e->date_raw && dlen &&
        imc_datetime_from_value(imc_value_item(v, 0), normalise, &e->date) == 0)
        e->has_date = 1;
    else
        memset(&e->date, 0, sizeof e->date);
    e->subject = imc_value_text(imc_value_item(v, 1), &e->subject_len);

    struct {
        const imapclient_address **list;
        size_t *count;
    } lists[6] = {{&e->from, &e->from_count},
                  {&e->sender, &e->sender_count},
                  {&e->reply_to, &e->reply_to_count},
                  {&e->to, &e->to_count},
                  {&e->cc, &e->cc_count},
                  {&e->bcc, &e->bcc_count}};
    for (size_t i = 0; i < 6; i++) {
        int rc = imc_address_list_from_value(a, imc_value_item(v, 2 + i), lists[i].list,
                                             lists[i].count);
        if (rc < 0)
            return rc;
    }
    e->in_reply_to = imc_value_text(imc_value_item(v, 8), NULL);
    e->message_id = imc_value_text(imc_value_item(v, 9), NULL);
    *out = e;
    return 0;
}

/* ------------------------------------------------------------------ */
/* str(Address)                                                         */
/* ------------------------------------------------------------------ */

typedef struct writer {
    char *buf;
    size_t size, len;
} writer;

static void put(writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, w->len++)
        if (w->size && w->len < w->size - 1)
            w->buf[w->len] = s[i];
}

static void puts_(writer *w, const char *s)
{
    put(w, s, strlen(s));
}

/* email.utils specialsre: [][\\()<>@,:;".] */
static int is_special(char c)
{
    return c && strchr("[]\\()<>@,:;\".", c) != NULL;
}

int imapclient_address_format(const imapclient_address *a, char *buf, size_t size)
{
    if (!a || (!buf && size))
        return IMAPCLIENT_EINVAL;
    writer w = {buf, size, 0};
    /* mailbox@host, or whichever of the two there is (group start: the
     * group name; group end: nothing). */
    const char *mb = a->mailbox, *host = a->host;
    int have_name = a->name && *a->name;
    int quote = 0;
    if (have_name) {
        for (const char *p = a->name; *p; p++)
            if (is_special(*p))
                quote = 1;
        if (quote)
            put(&w, "\"", 1);
        for (const char *p = a->name; *p; p++) {
            if (*p == '\\' || *p == '"')
                put(&w, "\\", 1);
            put(&w, p, 1);
        }
        if (quote)
            put(&w, "\"", 1);
        puts_(&w, " <");
    }
    if (mb && *mb && host && *host) {
        puts_(&w, mb);
        put(&w, "@", 1);
        puts_(&w, host);
    } else if (mb && *mb) {
        puts_(&w, mb);
    } else if (host) {
        puts_(&w, host);
    }
    if (have_name)
        put(&w, ">", 1);
    if (size)
        buf[w.len < size ? w.len : size - 1] = '\0';
    return w.len > INT_MAX ? INT_MAX : (int)w.len;
}
