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

typedef struct imc_parser {
    imapclient_value *stack; /* members of the lists being built */
    size_t stack_len, stack_cap;
    unsigned max_depth;
    const char *error; /* static text of the last failure */
    size_t error_pos;
} imc_parser;

void imc_parser_init(imc_parser *p, unsigned max_depth);
void imc_parser_free(imc_parser *p);

/* Parse buf[0..len) into *out, all memory from a. keep_raw copies the
 * whole response into out->raw (else raw is NULL and raw_len 0).
 * Returns 0, IMAPCLIENT_EPROTOCOL (p->error says why) or IMAPCLIENT_ENOMEM. */
int imc_parse_response(imc_parser *p, const char *buf, size_t len, imc_arena *a,
                       int keep_raw, imapclient_response *out);

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
