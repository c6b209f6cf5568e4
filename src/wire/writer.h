/*
 * Command writer: builds one command, choosing for each argument the form
 * IMAP needs (atom, quoted string or literal), and remembers where the
 * sender must wait for a continuation and which bytes the log must hide.
 * RFC 3501 section 4 and 9; RFC 7888 (LITERAL+ / LITERAL-).
 */
#ifndef IMC_WRITER_H
#define IMC_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"

typedef struct imc_range {
    size_t start, end;
} imc_range;

/* The bytes of a streamed literal (APPEND from a file or a callback),
 * pulled while the command goes out, so a message is never held whole. */
typedef struct imc_source imc_source;
struct imc_source {
    /* Up to n bytes into p: how many (>0), 0 at the end, or a negative
     * status with err set. */
    long long (*read)(imc_source *s, char *p, size_t n);
    void (*free)(imc_source *s);
    char err[160];
};

typedef struct imc_source_at {
    size_t at;     /* offset in buf where its bytes belong */
    uint64_t size; /* exactly this many */
    imc_source *src;
} imc_source_at;

typedef struct imc_cmdbuf {
    imc_buf buf;
    size_t *splits; /* offsets where synchronising literal data begins */
    size_t nsplits, splits_cap;
    imc_range *secrets; /* byte ranges shown as *** in the log */
    size_t nsecrets, secrets_cap;
    size_t secret_open;     /* start of an open secret range, or SIZE_MAX */
    imc_source_at *sources; /* streamed literals, in order (owned) */
    size_t nsources, sources_cap;
    int literal_plus;  /* LITERAL+ : never wait */
    int literal_minus; /* LITERAL- : no wait up to 4096 bytes (not literal8) */
    int utf8;          /* UTF-8 may go in quoted strings (RFC 6855, RFC 9051) */
    int err;           /* sticky: first failure (EINVAL / ENOMEM) */
    const char *errtext;
} imc_cmdbuf;

void imc_cmdbuf_init(imc_cmdbuf *cb);
void imc_cmdbuf_reset(imc_cmdbuf *cb);
void imc_cmdbuf_free(imc_cmdbuf *cb);

/* Fixed protocol syntax (never caller text). */
void imc_put_raw(imc_cmdbuf *cb, const char *s);
void imc_put_rawn(imc_cmdbuf *cb, const char *s, size_t n);
void imc_put_sp(imc_cmdbuf *cb);
void imc_put_number(imc_cmdbuf *cb, uint64_t n);
/* astring = 1*ASTRING-CHAR / string */
void imc_put_astring(imc_cmdbuf *cb, const char *s, size_t n);
/* string = quoted / literal */
void imc_put_string(imc_cmdbuf *cb, const char *s, size_t n);
/* Always a literal; literal8 uses ~{n} (may contain NUL). */
void imc_put_literal(imc_cmdbuf *cb, const char *s, size_t n, int literal8);
/* A literal of size bytes that src will produce while the command is
 * sent (the cmdbuf owns src from here on, also on failure). */
void imc_put_literal_source(imc_cmdbuf *cb, uint64_t size, int literal8, imc_source *src);
/* Caller text that must be sent as is but may not break the command: an
 * error (EINVAL) if it holds CR, LF or NUL. */
void imc_put_verbatim(imc_cmdbuf *cb, const char *s, size_t n);
/* Everything put between these two is hidden in logs. */
void imc_put_secret_begin(imc_cmdbuf *cb);
void imc_put_secret_end(imc_cmdbuf *cb);
/* Terminate the command with CRLF. */
void imc_put_crlf(imc_cmdbuf *cb);

/* Which form imc_put_astring() would choose without UTF-8 in quoted
 * strings: 0 atom, 1 quoted, 2 literal. */
int imc_astring_form(const char *s, size_t n);
/* 1 when s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
int imc_utf8_valid(const char *s, size_t n);

/* Caller text that is sent as protocol syntax, not as a string, must be
 * well-formed so that it cannot change the command's structure (a ")"
 * closing a list early, a stray "(" swallowing the rest). One checker for
 * every such argument (issue 14, item 5). */
typedef enum imc_syntax {
    IMC_SYNTAX_ATOM,      /* 1*ATOM-CHAR: a STATUS item ("MESSAGES", "X-GUID") */
    IMC_SYNTAX_ATOMS,     /* ATOM-CHARs and spaces: a SORT criterion ("REVERSE DATE") */
    IMC_SYNTAX_FETCH_ATT, /* a FETCH data item (RFC 3501 fetch-att and extensions):
                             name ["[" section "]"] ["<" number ["." number] ">"]
                             [SP "(" list ")"], e.g. BODY.PEEK[HEADER.FIELDS (TO)]<0.512>,
                             BINARY[1], PREVIEW (LAZY) */
    IMC_SYNTAX_TAGGED_EXT /* RFC 4466 tagged-ext: label [SP value], value a sequence
                             set or number, or a parenthesised list of astrings and
                             lists: a FETCH modifier ("CHANGEDSINCE 12", "VANISHED") */
} imc_syntax;

/* 1 when s is well-formed as kind, else 0. */
int imc_syntax_valid(const char *s, imc_syntax kind);

#endif
