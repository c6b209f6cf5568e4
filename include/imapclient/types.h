/**
 * @file
 * libimapclient: the generic value tree and parsed server responses.
 *
 * Everything a server sends can be represented as a tree of values, so
 * nothing is lost even when a typed form (envelope, body structure, ...)
 * cannot be built. All strings are NUL-terminated and also carry their
 * length, because literals may contain NUL bytes.
 */
#ifndef IMAPCLIENT_TYPES_H
#define IMAPCLIENT_TYPES_H

#include "common.h"

IMAPCLIENT_BEGIN_DECLS

/** The kind of one value in a server response. */
typedef enum imapclient_value_type {
    IMAPCLIENT_VALUE_NIL = 0, /**< NIL */
    IMAPCLIENT_VALUE_NUMBER,  /**< digits that fit in 64 bits; str holds them too */
    IMAPCLIENT_VALUE_ATOM,    /**< a bare word: `OK`, `\Seen`, `BODY[TEXT]<0>` */
    IMAPCLIENT_VALUE_STRING,  /**< a quoted string, unescaped */
    IMAPCLIENT_VALUE_LITERAL, /**< a {n} or ~{n} literal */
    IMAPCLIENT_VALUE_LIST     /**< a parenthesised list */
} imapclient_value_type;

/** Set in imapclient_value.flags for a literal8 (~{n}, RFC 3516 BINARY). */
#define IMAPCLIENT_VALUE_LITERAL8 0x1u

/** One value; a list holds its members in items[0..count). */
typedef struct imapclient_value {
    imapclient_value_type type; /**< which kind of value */
    unsigned flags;             /**< IMAPCLIENT_VALUE_LITERAL8 */
    const char *str; /**< text of a scalar, NUL-terminated; NULL for NIL/LIST */
    size_t len;      /**< bytes in str (may contain NULs for literals) */
    uint64_t number; /**< value of a NUMBER */
    const struct imapclient_value *items; /**< members of a LIST */
    size_t count;                         /**< number of members of a LIST */
} imapclient_value;

/** True when v is an atom, string or literal (anything with text). */
#define IMAPCLIENT_VALUE_IS_TEXT(v)                                                      \
    ((v)->type == IMAPCLIENT_VALUE_ATOM || (v)->type == IMAPCLIENT_VALUE_STRING ||       \
     (v)->type == IMAPCLIENT_VALUE_LITERAL || (v)->type == IMAPCLIENT_VALUE_NUMBER)

/**
 * One response from the server, parsed.
 *
 * Untagged data (`* 3 EXISTS`, `* CAPABILITY ...`, `* 2 FETCH (...)`) has
 * tag "*", name the upper-cased keyword and args the values after it.
 * Status responses (OK, NO, BAD, BYE, PREAUTH, tagged or not) have the
 * bracketed response code split out: `* OK [UIDVALIDITY 3857529045] UIDs`
 * gives name "OK", code "UIDVALIDITY", code_args (3857529045), text "UIDs".
 * This mirrors the tuples the reference returns from noop() and idle_check():
 * (1, EXISTS) is has_number=1, number=1, name="EXISTS".
 *
 * A line that is not an IMAP response at all (it starts neither with "*",
 * "+" nor a tag; Exchange has sent `[COPYUID 55 31 6]` alone on a line in
 * the middle of a MOVE) is kept rather than lost: tag and name are "", text
 * and raw hold the whole line, args and code_args are empty. Such lines do
 * not fail the command; more than a hundred stray or malformed lines in
 * one call end the connection with IMAPCLIENT_EPROTOCOL.
 */
typedef struct imapclient_response {
    const char *tag;  /**< "*", "+" (continuation), the command tag, or "" for a line
                           that is not a response (see above) */
    int has_number;   /**< a message number came before the name */
    uint32_t number;  /**< that number (EXISTS, EXPUNGE, FETCH, RECENT) */
    const char *name; /**< upper-cased keyword; "" for a continuation */
    const imapclient_value *args; /**< LIST of the values after name (never NULL) */
    const char *code; /**< response code of a status response, upper-cased, or NULL */
    const imapclient_value *code_args; /**< LIST of the code's arguments (never NULL) */
    const char
        *code_raw; /**< the text between the brackets after the code name, or NULL */
    const char
        *text; /**< human-readable text of a status response or continuation, or "" */
    const char *raw; /**< the whole response as received, CRLF removed */
    size_t raw_len;  /**< bytes in raw */
} imapclient_response;

/** A list of responses that owns its memory. */
typedef struct imapclient_responses {
    size_t count;               /**< number of responses */
    imapclient_response *items; /**< the responses, in arrival order */
    const char *text; /**< the text of the tagged completion, when there was one */
    size_t dropped;   /**< responses that came unasked since the last call that
                           returned them but were dropped, the store for them being
                           full (see imapclient_options.max_pending_bytes) */
} imapclient_responses;

/** Release a response list and everything in it; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_responses_free(imapclient_responses *r);

/**
 * Case-insensitive test whether v is an atom, string or number with text s.
 * Returns 1 or 0; v may be NULL.
 */
IMAPCLIENT_EXTERN int imapclient_value_is(const imapclient_value *v, const char *s);

IMAPCLIENT_END_DECLS

#endif
