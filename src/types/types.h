/*
 * Typed data built from value trees (envelopes, addresses, body
 * structures, dates) and the folder-name and sequence-set codecs.
 *
 * The builders take the arena of the result being built. They do not copy
 * strings: the typed result points into the value tree (raw, strings), so
 * the tree must live at least as long as the arena (parse it into the
 * same arena, or imc_value_copy() it there first).
 */
#ifndef IMC_TYPES_H
#define IMC_TYPES_H

#include <imapclient/mail.h>

#include "../util/arena.h"
#include "../util/buf.h"

/* Deepest body nesting followed; deeper parts are left in raw only. */
#define IMC_BODY_MAX_DEPTH 64

/* Member i of a list, or NULL (not a list, too short, or malformed). */
static inline const imapclient_value *imc_value_item(const imapclient_value *v, size_t i)
{
    if (!v || v->type != IMAPCLIENT_VALUE_LIST || !v->items || i >= v->count)
        return NULL;
    return &v->items[i];
}

static inline int imc_value_is_list(const imapclient_value *v)
{
    return v && v->type == IMAPCLIENT_VALUE_LIST;
}

/* The text of a scalar value (NUMBER, ATOM, STRING, LITERAL), else NULL;
 * *len (if len is not NULL) its length. (Here with the other value
 * accessors, used by address.c and datetime.c alike.) */
static inline const char *imc_value_text(const imapclient_value *v, size_t *len)
{
    if (v && IMAPCLIENT_VALUE_IS_TEXT(v) && v->str) {
        if (len)
            *len = v->len;
        return v->str;
    }
    if (len)
        *len = 0;
    return NULL;
}

/* datetime.c */

/* 1 if every field of dt is in range (day checked against the month). */
int imc_datetime_valid(const imapclient_datetime *dt);
/* Parse a date of ENVELOPE or INTERNALDATE from a value (text or NUMBER);
 * normalise converts an aware date to local time. 0 or EPROTOCOL. */
int imc_datetime_from_value(const imapclient_value *v, int normalise,
                            imapclient_datetime *out);

/* address.c */

/* Addresses of an ENVELOPE address list; NIL or non-list members are
 * skipped. A non-list v gives *count 0 and returns 0. 0 or ENOMEM. */
int imc_address_list_from_value(imc_arena *a, const imapclient_value *v,
                                const imapclient_address **out, size_t *count);
/* EPROTOCOL when v is not a list; ENOMEM; else 0 with whatever fields could
 * be understood. */
int imc_envelope_from_value(imc_arena *a, const imapclient_value *v, int normalise,
                            imapclient_envelope **out);

/* bodystructure.c */

/* Fill *out from a BODY/BODYSTRUCTURE value. EPROTOCOL when v is not a
 * list; ENOMEM; else 0. */
int imc_body_fill(imc_arena *a, const imapclient_value *v, int normalise,
                  imapclient_body *out);
int imc_body_from_value(imc_arena *a, const imapclient_value *v, int normalise,
                        imapclient_body **out);

/* utf7.c: modified UTF-7 (RFC 3501 section 5.1.3). in[0..len) may hold
 * NULs (encoded as &AAA-); *out is NUL-terminated, in the arena. The buf
 * forms append to b. All return 0, EINVAL or ENOMEM. */
int imc_utf7_encode_buf(imc_buf *b, const char *in, size_t len);
int imc_utf7_decode_buf(imc_buf *b, const char *in, size_t len);
int imc_utf7_encode(imc_arena *a, const char *in, size_t len, char **out);
int imc_utf7_decode(imc_arena *a, const char *in, size_t len, char **out);

/* seqset.c: append the shortest sequence set for ids to out.
 * 0, EINVAL (n == 0, an id 0) or ENOMEM. */
int imc_seqset_from_ids(imc_buf *out, const uint32_t *ids, size_t n);
/* 1 if s[0..len) is a sequence set. */
int imc_seqset_valid_n(const char *s, size_t len);

/* uidset.c: sets of UIDs (or message numbers) as sorted, disjoint,
 * non-adjacent ranges, never expanded. */
typedef struct imc_ranges {
    imapclient_range *r; /* malloc'd */
    size_t n, cap;
    int unsorted; /* ranges were added out of order: normalise before reading r */
} imc_ranges;
void imc_ranges_free(imc_ranges *v);
/* Add lo:hi (either order): merged at once when ranges come in ascending
 * order, else appended and sorted once before the set is next used (the
 * functions taking an imc_ranges do it; call imc_ranges_normalise() before
 * reading r directly). 0 or ENOMEM. */
int imc_ranges_add(imc_ranges *v, uint32_t lo, uint32_t hi);
void imc_ranges_normalise(imc_ranges *v);
/* Add the uid-set s[0..len) (RFC 4315: numbers 1..2^32-1, ranges in
 * either order, no "*"). 0, EPROTOCOL (nothing added) or ENOMEM. */
int imc_ranges_parse(imc_ranges *v, const char *s, size_t len);
/* v = v | r, v - r, v & r (r sorted, disjoint). 0 or ENOMEM (v unchanged). */
int imc_ranges_union(imc_ranges *v, const imapclient_range *r, size_t n);
int imc_ranges_subtract(imc_ranges *v, const imapclient_range *r, size_t n);
int imc_ranges_intersect(imc_ranges *v, const imapclient_range *r, size_t n);
/* dst = a copy of r. 0 or ENOMEM. */
int imc_ranges_copy(imc_ranges *dst, const imapclient_range *r, size_t n);
/* How many ids; whether id is in (r sorted, disjoint). */
uint64_t imc_ranges_size(const imapclient_range *r, size_t n);
int imc_ranges_has(const imapclient_range *r, size_t n, uint32_t id);
/* Append "1:4,7" to b (nothing for an empty set). 0 or ENOMEM. */
int imc_ranges_format(imc_buf *b, const imapclient_range *r, size_t n);
/* A read-only copy in a (an empty set points at a static range). */
int imc_ranges_freeze(imc_arena *a, imc_ranges *v, imapclient_uidset *out);

/* mimeword.c: RFC 2047 encoded words in header text s[0..len) (which may
 * hold NULs) decoded to UTF-8 and appended to b, NUL-terminated (see
 * imapclient_decode_header()). 0 or ENOMEM; on failure b is as it was. */
int imc_header_decode_buf(imc_buf *b, const char *s, size_t len);

/* charset.c: charset names as mail and servers spell them, and UTF-8 text
 * encoded in another charset (iconv). */
#define IMC_CHARSET_MAX 64
/* Copy cs[0..n) to name[], or 0 when it cannot be a charset name: empty,
 * longer than IMC_CHARSET_MAX, or with bytes no charset name has (iconv
 * would read "//" as options and "" as the locale's charset). */
int imc_charset_name(const char *cs, size_t n, char name[IMC_CHARSET_MAX + 1]);
/* The name to give iconv for a valid name (aliases glibc lacks), or name. */
const char *imc_charset_iconv(const char *name);
/* 1 when cs spells want (lower case, '-'), ignoring case, '_' for '-'. */
int imc_charset_is(const char *cs, const char *want);
/* 1 for "UTF-8" and "UTF8" in any case. */
int imc_charset_is_utf8(const char *cs);
/* in[0..len), UTF-8, encoded exactly in charset cs into *out (in a,
 * NUL-terminated; *out_len its length when out_len is not NULL). 0;
 * EINVAL when cs is not a valid name, iconv does not know it, it does
 * not keep ASCII as it is (UTF-16, UTF-7, EBCDIC: criteria keywords next
 * to the text would change), it cannot hold a character of the text, or
 * the result holds a NUL; ENOMEM. */
int imc_charset_encode(imc_arena *a, const char *cs, const char *in, size_t len,
                       char **out, size_t *out_len);

#endif
