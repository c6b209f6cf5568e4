/*
 * BODY and BODYSTRUCTURE (RFC 3501 section 7.4.2 and section 9: body,
 * body-type-1part, body-type-mpart, body-ext-*; RFC 9051; RFC 2183
 * dispositions; RFC 6532 MESSAGE/GLOBAL).
 *
 * Real servers break the grammar in many ways (Exchange above all): NIL
 * types, missing sizes, line counts on non-text parts or none on text
 * parts, dispositions sent as a bare string, odd parameter lists,
 * multiparts with no parts. Each node is read as far as it makes sense;
 * raw keeps the node as sent and extensions what follows the known
 * fields. Only a value that is not a list is refused.
 */
#include "types.h"

#include <imapclient/errors.h>

#include <string.h>
#include <strings.h>

static int is_nil(const imapclient_value *v)
{
    return v && v->type == IMAPCLIENT_VALUE_NIL;
}

static const char *text(const imapclient_value *v)
{
    return imc_value_text(v, NULL);
}

static int text_is(const char *s, const char *w)
{
    return s && strcasecmp(s, w) == 0;
}

/* A NUMBER, or text that is all digits (a number sent quoted). */
static int number(const imapclient_value *v, uint64_t *out)
{
    if (!v)
        return 0;
    if (v->type == IMAPCLIENT_VALUE_NUMBER) {
        *out = v->number;
        return 1;
    }
    size_t n;
    const char *s = imc_value_text(v, &n);
    if (!s || n == 0 || n > 20)
        return 0;
    uint64_t r = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (r > (UINT64_MAX - d) / 10)
            return 0;
        r = r * 10 + d;
    }
    *out = r;
    return 1;
}

/* body-fld-param = "(" string SP string *(SP string SP string) ")" / nil.
 * An odd last name gets a NULL value; pairs whose name is not text are
 * dropped. */
static int params_from(imc_arena *a, const imapclient_value *v,
                       const imapclient_param **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!imc_value_is_list(v) || !v->items || v->count == 0)
        return 0;
    /* the first k entries are set, the others never read */
    imapclient_param *p = imc_arena_array_uninit(a, (v->count + 1) / 2, sizeof *p);
    if (!p)
        return IMAPCLIENT_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < v->count; i += 2) {
        const char *name = text(&v->items[i]);
        if (!name)
            continue;
        p[k].name = name;
        p[k].value = i + 1 < v->count ? text(&v->items[i + 1]) : NULL;
        k++;
    }
    if (k) {
        *out = p;
        *count = k;
    }
    return 0;
}

/* The extension fields shared by both forms, from index k on:
 * [md5 (single part only)] dsp lang loc *body-extension. */
static int ext_from(imc_arena *a, const imapclient_value *v, size_t k, int single,
                    imapclient_body *b)
{
    if (single) {
        b->md5 = text(imc_value_item(v, k));
        k++;
    }
    /* body-fld-dsp = "(" string SP body-fld-param ")" / nil; Exchange sends
     * a bare string ("inline") and other text where it belongs. */
    const imapclient_value *dsp = imc_value_item(v, k);
    if (imc_value_is_list(dsp)) {
        b->disposition = text(imc_value_item(dsp, 0));
        int rc = params_from(a, imc_value_item(dsp, 1), &b->disposition_params,
                             &b->disposition_param_count);
        if (rc < 0)
            return rc;
    } else {
        b->disposition = text(dsp);
    }
    /* body-fld-lang = nstring / "(" string *(SP string) ")" */
    const imapclient_value *lang = imc_value_item(v, k + 1);
    if (imc_value_is_list(lang) && lang->items && lang->count) {
        const char **l = imc_arena_array_uninit(a, lang->count, sizeof *l);
        if (!l)
            return IMAPCLIENT_ENOMEM;
        size_t n = 0;
        for (size_t i = 0; i < lang->count; i++)
            if (text(&lang->items[i]))
                l[n++] = text(&lang->items[i]);
        b->language = n ? l : NULL;
        b->language_count = n;
    } else if (text(lang)) {
        const char **l = imc_arena_alloc_uninit(a, sizeof *l);
        if (!l)
            return IMAPCLIENT_ENOMEM;
        l[0] = text(lang);
        b->language = l;
        b->language_count = 1;
    }
    b->location = text(imc_value_item(v, k + 2));
    /* body-extension: whatever follows, kept as a list */
    imapclient_value *ext = imc_arena_calloc(a, 1, sizeof *ext);
    if (!ext)
        return IMAPCLIENT_ENOMEM;
    ext->type = IMAPCLIENT_VALUE_LIST;
    size_t first = k + 3;
    if (v->items && first < v->count) {
        ext->items = v->items + first;
        ext->count = v->count - first;
    }
    b->extensions = ext;
    return 0;
}

static int fill(imc_arena *a, const imapclient_value *v, int normalise, unsigned depth,
                imapclient_body *b);

/* A multipart (a list first) or a single part with its seven body fields;
 * a disposition ("attachment" (...)) is neither. */
static int looks_like_body(const imapclient_value *v)
{
    return imc_value_is_list(imc_value_item(v, 0)) ||
           (imc_value_is_list(v) && v->items && v->count >= 7);
}

/* body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
 * body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang
 *                  [SP body-fld-loc *(SP body-extension)]]]
 * Parts are the lists before the first text member (NIL members are
 * skipped, as the reference's BodyData.create does). */
static int fill_multipart(imc_arena *a, const imapclient_value *v, int normalise,
                          unsigned depth, imapclient_body *b)
{
    b->is_multipart = 1;
    b->type = "MULTIPART";
    size_t i = 0, nparts = 0;
    for (; i < v->count; i++) {
        if (text(&v->items[i]))
            break;
        if (imc_value_is_list(&v->items[i]))
            nparts++;
    }
    if (nparts && depth < IMC_BODY_MAX_DEPTH) {
        imapclient_body *parts =
            imc_arena_array_uninit(a, nparts, sizeof *parts); /* fill() */
        if (!parts)
            return IMAPCLIENT_ENOMEM;
        size_t k = 0;
        for (size_t j = 0; j < i; j++) {
            if (!imc_value_is_list(&v->items[j]))
                continue;
            int rc = fill(a, &v->items[j], normalise, depth + 1, &parts[k++]);
            if (rc < 0)
                return rc;
        }
        b->parts = parts;
        b->part_count = nparts;
    }
    b->subtype = text(imc_value_item(v, i));
    int rc = params_from(a, imc_value_item(v, i + 1), &b->params, &b->param_count);
    if (rc < 0)
        return rc;
    return ext_from(a, v, i + 2, 0, b);
}

static int fill(imc_arena *a, const imapclient_value *v, int normalise, unsigned depth,
                imapclient_body *b)
{
    memset(b, 0, sizeof *b);
    if (!imc_value_is_list(v))
        return IMAPCLIENT_EPROTOCOL;
    b->raw = v;
    if (!v->items || v->count == 0) {
        /* "()": nothing to read; an empty single part */
        return ext_from(a, v, 0, 1, b);
    }
    if (imc_value_is_list(&v->items[0]))
        return fill_multipart(a, v, normalise, depth, b);
    /* A multipart sent with no parts at all: ("ALTERNATIVE" ("BOUNDARY" "x")
     * NIL NIL). A subtype cannot be a list, so this is no single part. */
    if (text(&v->items[0]) && imc_value_is_list(imc_value_item(v, 1)))
        return fill_multipart(a, v, normalise, depth, b);

    /* body-type-1part: media-type SP body-fields [...]
     * body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP
     *               body-fld-enc SP body-fld-octets */
    b->type = text(imc_value_item(v, 0));
    b->subtype = text(imc_value_item(v, 1));
    int rc = params_from(a, imc_value_item(v, 2), &b->params, &b->param_count);
    if (rc < 0)
        return rc;
    b->id = text(imc_value_item(v, 3));
    b->description = text(imc_value_item(v, 4));
    b->encoding = text(imc_value_item(v, 5));
    b->has_size = number(imc_value_item(v, 6), &b->size);
    /* A MULTIPART sent in single-part form (Exchange: "multipart" "signed"
     * ... -1): no parts, but it is a multipart. */
    if (text_is(b->type, "MULTIPART"))
        b->is_multipart = 1;

    size_t k = 7;
    const imapclient_value *f7 = imc_value_item(v, 7), *f8 = imc_value_item(v, 8),
                           *f9 = imc_value_item(v, 9);
    int msg = text_is(b->type, "MESSAGE") &&
              (text_is(b->subtype, "RFC822") || text_is(b->subtype, "GLOBAL"));
    uint64_t n;
    /* body-type-msg = media-message SP body-fields SP envelope SP body SP
     * body-fld-lines. NIL envelope and body are tolerated, but a MESSAGE/RFC822
     * sent in basic form (md5 NIL, then a disposition list) must not be read
     * as one: with a NIL envelope the body has to look like a body. */
    if (msg &&
        (imc_value_is_list(f7) ||
         (is_nil(f7) && (looks_like_body(f8) || (is_nil(f8) && number(f9, &n)))))) {
        if (imc_value_is_list(f7)) {
            imapclient_envelope *env;
            rc = imc_envelope_from_value(a, f7, normalise, &env);
            if (rc == IMAPCLIENT_ENOMEM)
                return rc;
            if (rc == 0)
                b->envelope = env;
        }
        if (imc_value_is_list(f8) && depth < IMC_BODY_MAX_DEPTH) {
            imapclient_body *inner =
                imc_arena_alloc_uninit(a, sizeof *inner); /* fill() */
            if (!inner)
                return IMAPCLIENT_ENOMEM;
            rc = fill(a, f8, normalise, depth + 1, inner);
            if (rc < 0)
                return rc;
            b->body = inner;
        }
        k = 9;
        if (number(f9, &b->lines)) {
            b->has_lines = 1;
            k = 10;
        } else if (!f9 || is_nil(f9)) {
            k = 10;
        }
    } else if (text_is(b->type, "TEXT")) {
        /* body-type-text = media-text SP body-fields SP body-fld-lines */
        if (number(f7, &b->lines)) {
            b->has_lines = 1;
            k = 8;
        } else if (!f7 || is_nil(f7)) {
            k = 8;
        }
    } else if (number(f7, &b->lines)) {
        /* A line count on a non-text part: an md5 is never a bare number. */
        b->has_lines = 1;
        k = 8;
    }
    /* body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
     *                  [SP body-fld-loc *(SP body-extension)]]] */
    return ext_from(a, v, k, 1, b);
}

int imc_body_fill(imc_arena *a, const imapclient_value *v, int normalise,
                  imapclient_body *out)
{
    return fill(a, v, normalise, 0, out);
}

int imc_body_from_value(imc_arena *a, const imapclient_value *v, int normalise,
                        imapclient_body **out)
{
    *out = NULL;
    if (!imc_value_is_list(v))
        return IMAPCLIENT_EPROTOCOL;
    imapclient_body *b = imc_arena_alloc_uninit(a, sizeof *b); /* fill() clears it */
    if (!b)
        return IMAPCLIENT_ENOMEM;
    int rc = fill(a, v, normalise, 0, b);
    if (rc < 0)
        return rc;
    *out = b;
    return 0;
}
