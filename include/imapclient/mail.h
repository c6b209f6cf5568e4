/**
 * @file
 * libimapclient: typed message data and helpers.
 *
 * Dates (INTERNALDATE, ENVELOPE dates), addresses and envelopes, body
 * structures, modified UTF-7 folder names and sequence sets. These mirror
 * IMAPClient's datetime_util, response_types (Address, Envelope, BodyData),
 * imap_utf7 and its message-id handling.
 *
 * Every function here is pure: no handle, no global state, safe to call
 * from any thread (local time conversions use localtime_r() and mktime()).
 *
 * RFC 3501 (sections 5.1.3, 7.4.2, 9), RFC 9051, RFC 2822 / RFC 5322
 * (dates, group syntax), RFC 2183 (disposition), RFC 6532 (MESSAGE/GLOBAL).
 */
#ifndef IMAPCLIENT_MAIL_H
#define IMAPCLIENT_MAIL_H

#include "common.h"
#include "types.h"

IMAPCLIENT_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Dates                                                                */
/* ------------------------------------------------------------------ */

/**
 * A calendar date and time as sent by the server (the reference's
 * datetime). With has_offset set the fields are the wall-clock time at
 * offset_minutes east of UTC (an "aware" datetime); without it they are
 * local time of this machine (a "naive" datetime, what normalise_times
 * gives).
 */
typedef struct imapclient_datetime {
    int year;           /**< four-digit year, 1..9999 */
    int month;          /**< 1..12 */
    int day;            /**< 1..31 (checked against the month) */
    int hour;           /**< 0..23 */
    int minute;         /**< 0..59 */
    int second;         /**< 0..59 */
    int has_offset;     /**< non-zero when offset_minutes is known */
    int offset_minutes; /**< east of UTC: +0200 is 120, -0430 is -270 */
} imapclient_datetime;

/**
 * Parse an INTERNALDATE ("17-Jul-1996 02:44:25 -0700"; the day may be
 * space-padded: " 7-Jul-1996 ..."). Text that is not in that exact form
 * is given to imapclient_datetime_parse_rfc2822(), as the reference parses
 * both with one function (so "19-Feb-2007 17:08:08 0400" is +0400).
 * A parsed date always has has_offset set; "-0000" is UTC.
 *
 * @param s         the date text, without the surrounding quotes
 * @param len       bytes in s
 * @param[out] out  the date, as sent (not normalised)
 * @return 0, IMAPCLIENT_EPROTOCOL if the text is not a valid date, or
 *         IMAPCLIENT_EINVAL if s or out is NULL
 */
IMAPCLIENT_EXTERN int imapclient_datetime_parse_internaldate(const char *s, size_t len,
                                                             imapclient_datetime *out);

/**
 * Parse an RFC 2822 date as found in ENVELOPE, as tolerantly as the
 * reference's parse_to_datetime(): optional weekday (with or without the
 * comma), day and month in either order, 2-digit years (69..99 are 19xx,
 * 00..68 are 20xx), missing seconds, '.' as time separator, extra
 * whitespace, trailing comments ("+0000 (UTC)"), named zones UT, UTC, GMT,
 * Z, AST, ADT, EST, EDT, CST, CDT, MST, MDT, PST, PDT, numeric zones with
 * or without sign, and INTERNALDATE-style dates. A parsed date always has
 * has_offset set: a zone that says nothing of the local offset ("-0000",
 * military zones other than Z, unknown names, no zone at all) is UTC,
 * offset 0, as RFC 5322 section 4.3 reads "-0000" and as the reference's
 * parsedate_tz() gives. Impossible dates (31 April, 29 February 2023,
 * 24:00, a leap second) are rejected.
 *
 * @param s         the date text
 * @param len       bytes in s
 * @param[out] out  the date, as sent (not normalised)
 * @return 0, IMAPCLIENT_EPROTOCOL if unparseable, IMAPCLIENT_EINVAL if s or
 *         out is NULL
 */
IMAPCLIENT_EXTERN int imapclient_datetime_parse_rfc2822(const char *s, size_t len,
                                                        imapclient_datetime *out);

/**
 * Seconds since 1970-01-01 00:00:00 UTC. With an offset the offset is
 * applied; without one the fields are taken as local time (mktime(), DST
 * decided by the time zone rules for that date).
 *
 * @param dt        a valid date
 * @param[out] out  the time
 * @return 0, or IMAPCLIENT_EINVAL if dt is out of range or NULL
 */
IMAPCLIENT_EXTERN int imapclient_datetime_to_epoch(const imapclient_datetime *dt,
                                                   int64_t *out);

/**
 * Convert an aware date to local time of this machine and drop the offset
 * (the reference's normalise_times / datetime_to_native). A date without
 * an offset is left as it is. Uses localtime_r(), so it is thread-safe;
 * the local time zone is the one set by TZ when tzset() last ran.
 *
 * @param dt  the date to convert in place
 * @return 0, or IMAPCLIENT_EINVAL if dt is NULL or out of range
 */
IMAPCLIENT_EXTERN int imapclient_datetime_normalise(imapclient_datetime *dt);

/**
 * Format a date as an INTERNALDATE for APPEND: "03-Apr-2005 13:30:00 +0200"
 * (the reference's datetime_to_INTERNALDATE). A date without an offset is
 * local time; the local offset in force at that instant is written.
 *
 * @param dt        a valid date
 * @param[out] out  26 characters and a NUL
 * @return 0, or IMAPCLIENT_EINVAL if dt is NULL or out of range
 */
IMAPCLIENT_EXTERN int
imapclient_datetime_format_internaldate(const imapclient_datetime *dt, char out[32]);

/**
 * Format the date part for SEARCH criteria (SINCE, BEFORE, ON...):
 * "03-Apr-2005", zero-padded day as the reference's format_criteria_date().
 * The time and offset are ignored.
 *
 * @param dt        a valid date
 * @param[out] out  11 characters and a NUL
 * @return 0, or IMAPCLIENT_EINVAL if dt is NULL or out of range
 */
IMAPCLIENT_EXTERN int imapclient_datetime_format_date(const imapclient_datetime *dt,
                                                      char out[16]);

/**
 * The calendar date of a time.
 *
 * @param t         seconds since 1970-01-01 00:00:00 UTC
 * @param utc       non-zero: UTC with has_offset 1 and offset 0 (aware);
 *                  zero: local time with has_offset 0 (naive, as
 *                  datetime.fromtimestamp())
 * @param[out] out  the date
 * @return 0, or IMAPCLIENT_EINVAL if t is out of the range 1..9999 years
 *         or out is NULL
 */
IMAPCLIENT_EXTERN int imapclient_datetime_from_epoch(int64_t t, int utc,
                                                     imapclient_datetime *out);

/* ------------------------------------------------------------------ */
/* Addresses and envelopes                                              */
/* ------------------------------------------------------------------ */

/**
 * One address of an ENVELOPE address list (the reference's Address).
 * Fields NIL on the wire are NULL; strings are kept as sent (RFC 2047
 * encoded words are not decoded).
 *
 * Group syntax is kept as RFC 3501 section 7.4.2 sends it, as the
 * reference does: "A group: a@example.com;" is
 * {NULL, NULL, "A group", NULL} (start of group: host NULL, mailbox is
 * the group name), {NULL, NULL, "a", "example.com"},
 * {NULL, NULL, NULL, NULL} (end of group: mailbox and host NULL).
 */
typedef struct imapclient_address {
    const char *name;  /**< personal name ("Mary Smith"), or NULL */
    const char *route; /**< SMTP source route (at-domain-list), or NULL */
    const char
        *mailbox;     /**< local part; group name at a group start; NULL at a group end */
    const char *host; /**< domain; NULL at a group start or end */
} imapclient_address;

/**
 * Format an address as the reference's str(Address) does:
 * "Mary Smith <mary@foo.com>", "mary@foo.com", the group name for a group
 * start, "" for a group end. A name with any of ()<>[]:;@\,." is quoted
 * ("\"Smith, John\" <john@example.com>"), with '\' and '"' escaped.
 * 8-bit names are copied as they are (the reference drops the 8-bit bytes).
 *
 * @param a     the address
 * @param buf   where to write; may be NULL when size is 0
 * @param size  bytes available in buf; the result is truncated to size-1
 *              bytes and always NUL-terminated when size > 0
 * @return the length of the whole text (excluding the NUL), as snprintf()
 *         does, or IMAPCLIENT_EINVAL if a is NULL or buf NULL with size > 0
 */
IMAPCLIENT_EXTERN int imapclient_address_format(const imapclient_address *a, char *buf,
                                                size_t size);

/**
 * A message's ENVELOPE (the reference's Envelope). NIL or missing fields
 * are NULL; NIL, empty or missing address lists have count 0 (the
 * reference's None). NIL members of an address list are skipped, as the
 * reference does.
 */
typedef struct imapclient_envelope {
    imapclient_datetime date;         /**< the Date header, parsed; valid when has_date */
    int has_date;                     /**< 0 when Date is NIL or could not be parsed */
    const char *date_raw;             /**< the Date header as sent, or NULL */
    const char *subject;              /**< as sent (encoded words kept), or NULL */
    size_t subject_len;               /**< bytes in subject (a literal may hold NULs) */
    const imapclient_address *from;   /**< From addresses */
    size_t from_count;                /**< entries in from */
    const imapclient_address *sender; /**< Sender addresses */
    size_t sender_count;              /**< entries in sender */
    const imapclient_address *reply_to; /**< Reply-To addresses */
    size_t reply_to_count;              /**< entries in reply_to */
    const imapclient_address *to;       /**< To addresses */
    size_t to_count;                    /**< entries in to */
    const imapclient_address *cc;       /**< Cc addresses */
    size_t cc_count;                    /**< entries in cc */
    const imapclient_address *bcc;      /**< Bcc addresses */
    size_t bcc_count;                   /**< entries in bcc */
    const char *in_reply_to;            /**< In-Reply-To, or NULL */
    const char *message_id;             /**< Message-ID, or NULL */
    const imapclient_value *raw;        /**< the ENVELOPE value as received (a LIST) */
} imapclient_envelope;

/* ------------------------------------------------------------------ */
/* Body structure                                                       */
/* ------------------------------------------------------------------ */

/** One attribute/value pair of a body or disposition parameter list. */
typedef struct imapclient_param {
    const char *name;  /**< attribute as sent ("CHARSET", "charset"), never NULL */
    const char *value; /**< value as sent, or NULL when NIL or missing */
} imapclient_param;

/**
 * A typed BODY or BODYSTRUCTURE (the reference's BodyData), one node per
 * MIME part. Strings are kept as sent: media types are case-insensitive
 * (RFC 2045), compare them with strcasecmp(). NIL or missing fields are
 * NULL or 0; nothing the server sent is lost: raw is the whole value and
 * extensions the extension data past the known fields.
 *
 * Servers that break the grammar are read as far as it makes sense: a
 * NIL type, a missing size, a text part without a line count, a line
 * count on a non-text part, a disposition sent as a bare string, a
 * parameter list with an odd member, a multipart without parts (sent in
 * multipart form, `("ALTERNATIVE" ("BOUNDARY" "x") NIL NIL)`, or as a
 * single part of type MULTIPART).
 */
typedef struct imapclient_body {
    int is_multipart; /**< non-zero for a MULTIPART node */
    const char *type; /**< "TEXT", "IMAGE"...; "MULTIPART" for a multipart; NULL if NIL */
    const char *subtype;            /**< "PLAIN", "MIXED"...; NULL if NIL or missing */
    const imapclient_param *params; /**< body parameters (charset, name, boundary) */
    size_t param_count;             /**< entries in params */

    /* single part only */
    const char *id;          /**< Content-ID, or NULL */
    const char *description; /**< Content-Description, or NULL */
    const char *encoding;    /**< Content-Transfer-Encoding ("7BIT", "BASE64"), or NULL */
    uint64_t size;           /**< body size in octets (encoded); valid when has_size */
    int has_size;            /**< 0 when the server sent no usable size */
    uint64_t lines;          /**< size in text lines (TEXT and MESSAGE/RFC822) */
    int has_lines;           /**< non-zero when lines was sent */
    const struct imapclient_envelope *envelope; /**< MESSAGE/RFC822 or GLOBAL: the
                                                     message's envelope, or NULL */
    const struct imapclient_body
        *body; /**< MESSAGE/RFC822 or GLOBAL: its body, or NULL */

    /* multipart only */
    const struct imapclient_body *parts; /**< the parts, in order: parts[0..part_count) */
    size_t part_count;                   /**< entries in parts */

    /* extension data (BODYSTRUCTURE only; absent in BODY) */
    const char *md5;         /**< Content-MD5 (single part only), or NULL */
    const char *disposition; /**< "attachment", "inline"..., or NULL */
    const imapclient_param *disposition_params; /**< disposition parameters (filename) */
    size_t disposition_param_count;             /**< entries in disposition_params */
    const char *const *language;                /**< Content-Language values */
    size_t language_count;                      /**< entries in language */
    const char *location;                       /**< Content-Location, or NULL */

    const imapclient_value *extensions; /**< LIST of the values after location
                                             (body-extension), never NULL */
    const imapclient_value *raw;        /**< this node's value as received (a LIST) */
} imapclient_body;

/* ------------------------------------------------------------------ */
/* Modified UTF-7 folder names (RFC 3501 section 5.1.3)                 */
/* ------------------------------------------------------------------ */

/**
 * Encode a UTF-8 folder name in modified UTF-7 (the reference's
 * imap_utf7.encode): printable ASCII 0x20..0x7e stands for itself, '&'
 * becomes "&-", anything else is "&" + base64 of UTF-16BE with ',' for
 * '/' and no padding + "-". "Hello, 日本語" gives "Hello, &ZeVnLIqe-".
 *
 * @param utf8      NUL-terminated UTF-8
 * @param[out] out  the encoded name, malloc'd, free with free(); NULL on
 *                  failure
 * @return 0, IMAPCLIENT_EINVAL (NULL argument or invalid UTF-8: bad
 *         sequences, overlong forms, surrogates, beyond U+10FFFF) or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_utf7_encode(const char *utf8, char **out);

/**
 * Decode a modified UTF-7 folder name to UTF-8 (the reference's
 * imap_utf7.decode), strictly: "&-" is '&'; a base64 section must end with
 * '-', use only A-Z a-z 0-9 + ',', have zero padding bits, not encode
 * printable ASCII, not follow another base64 section directly, and hold
 * whole UTF-16 surrogate pairs; bytes outside 0x20..0x7e must be encoded.
 * An encoded U+0000 ("&AAA-") is refused too: a C string cannot hold it.
 * What decodes re-encodes to the same bytes.
 *
 * @param mutf7     NUL-terminated modified UTF-7
 * @param[out] out  UTF-8, malloc'd, free with free(); NULL on failure
 * @return 0, IMAPCLIENT_EINVAL (NULL argument or invalid input) or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_utf7_decode(const char *mutf7, char **out);

/* ------------------------------------------------------------------ */
/* Sequence sets (RFC 3501 section 9: sequence-set)                     */
/* ------------------------------------------------------------------ */

/** One range of a sequence set; a single number has lo == hi. */
typedef struct imapclient_range {
    uint32_t lo; /**< first id; "*" is UINT32_MAX */
    uint32_t hi; /**< last id, >= lo; "*" is UINT32_MAX */
} imapclient_range;

/**
 * The shortest sequence set naming the given ids: sorted, duplicates
 * dropped, runs joined: {8, 1, 2, 3, 5, 7, 3} gives "1:3,5,7:8".
 *
 * @param ids       message ids or UIDs, any order, each >= 1
 * @param n         number of ids
 * @param[out] out  the set, malloc'd, free with free(); NULL on failure
 * @return 0, IMAPCLIENT_EINVAL (n is 0, an id is 0, or a NULL argument) or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_seqset_from_ids(const uint32_t *ids, size_t n,
                                                 char **out);

/**
 * Whether s is a sequence set: numbers 1..4294967295 or "*", single or as
 * "a:b" ranges, separated by ',', no spaces ("2,4:7,9,12:*").
 *
 * @param s  the text; NULL is not valid
 * @return 1 if valid, 0 if not
 */
IMAPCLIENT_EXTERN int imapclient_seqset_valid(const char *s);

/**
 * Split a sequence set into ranges, in the order given, with "*" as
 * UINT32_MAX and each range ordered (lo <= hi: "7:2" is 2..7).
 *
 * @param s           a sequence set
 * @param[out] out    the ranges, malloc'd, free with free(); NULL on failure
 * @param[out] count  number of ranges
 * @return 0, IMAPCLIENT_EINVAL (not a sequence set, NULL argument) or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_seqset_parse(const char *s, imapclient_range **out,
                                              size_t *count);

/* ------------------------------------------------------------------ */
/* UID sets (RFC 7162 VANISHED, MODIFIED, known UIDs)                    */
/* ------------------------------------------------------------------ */

/**
 * A set of UIDs (or message numbers) as ranges, never expanded: the
 * `VANISHED 1:4294967295` of a hostile server is one range. Results of the
 * library hold sets of this kind (the VANISHED UIDs of a QRESYNC select or
 * of a FETCH with the VANISHED modifier, the MODIFIED set of a conditional
 * STORE, the changes of imapclient_sync_folder()); they live as long as
 * their result.
 */
typedef struct imapclient_uidset {
    const imapclient_range *ranges; /**< ascending, disjoint and never adjacent
                                         (1:3,5, never 1:2,3); never NULL */
    size_t count;                   /**< number of ranges (0: the empty set) */
} imapclient_uidset;

/**
 * The number of ids in a UID set (4294967295 for 1:4294967295).
 *
 * @return the count; 0 for an empty set or NULL
 */
IMAPCLIENT_EXTERN uint64_t imapclient_uidset_size(const imapclient_uidset *s);

/**
 * Whether a UID set holds an id (a binary search over its ranges).
 *
 * @return 1 or 0 (0 for NULL or id 0)
 */
IMAPCLIENT_EXTERN int imapclient_uidset_contains(const imapclient_uidset *s, uint32_t id);

/**
 * A UID set as IMAP text: "1:4,7", "" for the empty set.
 *
 * @param s         the set
 * @param[out] out  the text, malloc'd, free with free(); NULL on failure
 * @return 0, IMAPCLIENT_EINVAL (NULL argument) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_uidset_format(const imapclient_uidset *s, char **out);

/**
 * Read a UID set from text (RFC 4315 uid-set: numbers 1..4294967295 and
 * ranges "a:b" in either order, separated by ','; no "*", no spaces); ""
 * is the empty set. The ranges are sorted and merged: "9,1:3,2:4" gives
 * 1:4,9. Memory is linear in the text, whatever the ranges name.
 *
 * @param s         the text
 * @param[out] out  the set, free with imapclient_uidset_free(); NULL on
 *                  failure
 * @return 0, IMAPCLIENT_EINVAL (NULL argument, not a uid-set) or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_uidset_parse(const char *s, imapclient_uidset **out);

/** Release a set made by imapclient_uidset_parse(); NULL is a no-op. Sets
 *  inside results are freed with their result. */
IMAPCLIENT_EXTERN void imapclient_uidset_free(imapclient_uidset *s);

/**
 * A message whose flags changed, or may have: the FLAGS and MODSEQ of a
 * FETCH response (RFC 7162: what a QRESYNC select, a FETCH with
 * CHANGEDSINCE, a conditional STORE or an unsolicited update reports).
 */
typedef struct imapclient_flag_change {
    uint32_t uid;             /**< its UID; 0 when the response carried none */
    uint32_t seq;             /**< its message sequence number; 0 when unknown */
    const char *const *flags; /**< the flags now set, NULL-terminated; NULL when
                                   the response carried no FLAGS */
    size_t flag_count;        /**< entries in flags */
    uint64_t modseq;          /**< its mod-sequence; valid when has_modseq */
    int has_modseq;           /**< the response carried MODSEQ */
} imapclient_flag_change;

/* ------------------------------------------------------------------ */
/* Encoded words in headers (RFC 2047)                                  */
/* ------------------------------------------------------------------ */

/**
 * Decode the RFC 2047 encoded words of a header text to UTF-8.
 *
 * For an envelope subject or an address name, as users of the reference
 * do with Python's
 * str(email.header.make_header(email.header.decode_header(s))):
 * "=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4g4piV?=" gives
 * "Grüße aus München ☕". B and Q encodings, any charset glibc's iconv
 * knows (plus a few names mail uses that it does not: latin-1..latin-10,
 * ks_c_5601-1987, iso-8859-8-i, unknown-8bit); a RFC 2231 language
 * ("=?utf-8*en?Q?...?=") is dropped.
 *
 * White space: a line break and the white space after it become one
 * space (header unfolding, as decode_header() joins lines). White space
 * between two encoded words is dropped, and adjacent words in one charset
 * are decoded together (a character split over two words comes out
 * whole). White space between an encoded word and other text is kept;
 * leading white space goes when the text holds an encoded word. A word
 * glued to other text ("M=?utf-8?Q?=C3=BCller?=") is decoded in place,
 * with no space added (make_header() would add one).
 *
 * Nothing fails on bad input: a word that is not closed by "?=", whose
 * base64 cannot be decoded or whose charset is unknown is kept as it was
 * sent; bytes that are invalid in the declared charset become U+FFFD;
 * text outside encoded words is kept when it is UTF-8 and read as Latin-1
 * otherwise; U+0000 becomes U+FFFD, so the result is a C string.
 *
 * Pure: no handle, no global state (one iconv_open() per run of words in
 * one charset, closed before returning).
 *
 * @param s         the text as sent (may hold NULs)
 * @param len       bytes in s
 * @param[out] out  UTF-8, NUL-terminated, malloc'd, free with free(); NULL
 *                  on failure
 * @return 0, IMAPCLIENT_EINVAL (s or out NULL) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_decode_header(const char *s, size_t len, char **out);

/**
 * Format an address as imapclient_address_format() does, name decoded.
 *
 * The name is decoded by imapclient_decode_header() (and a group start's
 * name too): an address
 * {"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=", NULL, "juergen", "example.de"}
 * gives "Jürgen Müller <juergen@example.de>". A decoded name with any of
 * ()<>[]:;@\,." is quoted, as the reference's str(Address) quotes.
 *
 * @param a     the address, as sent
 * @param buf   where to write; may be NULL when size is 0
 * @param size  bytes available in buf; the result is truncated to size-1
 *              bytes and always NUL-terminated when size > 0
 * @return the length of the whole text (excluding the NUL), as snprintf()
 *         does, IMAPCLIENT_EINVAL if a is NULL or buf NULL with size > 0, or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_address_format_decoded(const imapclient_address *a,
                                                        char *buf, size_t size);

IMAPCLIENT_END_DECLS

#endif
