/*
 * Response parser: one complete server response (line plus inline
 * literals, final CRLF removed) -> imapclient_response with a value tree,
 * allocated in an arena. No I/O; the reader assembles the bytes.
 *
 * RFC 3501 section 9 / RFC 9051 section 9 (response grammar), RFC 3516
 * (literal8), RFC 7888 (LITERAL+ form accepted in responses too).
 */
#ifndef IMC_PARSER_H
#define IMC_PARSER_H

#include <imapclient/types.h>

#include "../util/arena.h"

/* A fast path for untagged responses (SEARCH, SORT, THREAD): offered the
 * response's name (upper case) and the bytes after it, before any value is
 * built. Returns 1 when it took the response (its arguments are then not
 * parsed: args is the empty list, and fast_taken is set), 0 to leave it to
 * the generic parse (having changed nothing), or a negative status that
 * fails the parse. */
typedef int (*imc_fast_fn)(void *ud, const char *name, const char *s, size_t len);

typedef struct imc_parser {
    imapclient_value *stack; /* members of the lists being built */
    size_t stack_len, stack_cap;
    unsigned max_depth;
    const char *error; /* static text of the last failure */
    size_t error_pos;
    /* the fast path, when set: untagged responses without a message
     * number go to fast_fn first; fast_taken says it took the last one */
    imc_fast_fn fast_fn;
    void *fast_ud;
    int fast_taken;
    int generic_only; /* fast paths off (tests compare both paths) */
    int incomplete;   /* the last failure: a list still open at the end of input */
} imc_parser;

void imc_parser_init(imc_parser *p, unsigned max_depth);
void imc_parser_free(imc_parser *p);

/* Parse buf[0..len) into *out, all memory from a. keep_raw copies the
 * whole response into out->raw (else raw is NULL and raw_len 0).
 * Returns 0, IMAPCLIENT_EPROTOCOL (p->error says why) or IMAPCLIENT_ENOMEM. */
int imc_parse_response(imc_parser *p, const char *buf, size_t len, imc_arena *a,
                       int keep_raw, imapclient_response *out);

/* 1 when buf[0..len) is not an IMAP response at all: it starts neither
 * with "*" nor "+" nor a tag followed by a space (tag = 1*<ASTRING-CHAR
 * except "+" and "[">). A server line such as Exchange's stray
 * "[COPYUID 55 31 6]" or an empty line; a malformed response that does
 * start like one ("A001 XYZZY") is not stray. */
int imc_parse_is_stray(const char *buf, size_t len);

/* Parse a sequence of values (no tag, no keyword) into a LIST value. Used
 * by tests and the fuzzer, and for response-code arguments. */
int imc_parse_values(imc_parser *p, const char *buf, size_t len, imc_arena *a,
                     imapclient_value *out);

/* Deep copy of v (and everything under it) into a. NULL on ENOMEM. */
imapclient_value *imc_value_copy(imc_arena *a, const imapclient_value *v);
/* Deep copy of a response into a; 0 or IMAPCLIENT_ENOMEM. */
int imc_response_copy(imc_arena *a, const imapclient_response *src,
                      imapclient_response *dst);

/* The empty list every response without arguments points at. */
extern const imapclient_value imc_empty_list;

#endif
