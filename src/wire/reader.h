/*
 * Buffered reader: assembles one complete server response (a line, plus
 * any literals it announces and the line text after them), with caps on
 * line and literal size so memory stays bounded.
 *
 * It works in push mode, with no I/O of its own: the caller asks where to
 * put the next bytes (imc_reader_space), reads into that place from
 * wherever it likes, says how many arrived (imc_reader_commit), and calls
 * imc_reader_step until a response is complete. The assembly state
 * survives between calls, so bytes may arrive one at a time. Large
 * literal rests are read straight into the response (no copy).
 *
 * imc_reader_next() is the pull form on top: it reads from r->t with a
 * timeout until one response is complete (tests and simple callers).
 */
#ifndef IMC_READER_H
#define IMC_READER_H

#include <stdint.h>

#include "../transport/transport.h"
#include "../util/buf.h"

typedef struct imc_reader {
    imc_transport *t; /* only for the pull form (imc_reader_next/wait) */
    char *in;         /* raw input buffer */
    size_t in_start, in_end, in_cap;
    imc_buf resp; /* the current response; final CRLF removed */
    size_t max_line;
    uint64_t max_literal;
    size_t direct_min; /* literal rests this big skip in[] (init: 16 KiB) */
    char err[256];

    /* Literal diversion (body sinks). When lit_divert is set it is called
     * for each literal announced, with the response so far (up to the
     * announcement) and the size; returning 1 sends the literal's bytes to
     * lit_data instead of resp, and the literal then reads as {0}. A
     * non-zero return of lit_data is remembered in lit_failed while the
     * rest of the literal is still read (the stream stays in step). */
    int (*lit_divert)(void *ud, const char *resp, size_t len, uint64_t n);
    int (*lit_data)(void *ud, const char *p, size_t n);
    void *lit_ud;
    int lit_failed;

    /* assembly state between steps */
    int busy;          /* a response is partly assembled in resp */
    size_t line_start; /* where the current line starts in resp */
    uint64_t lit_left; /* bytes of the current literal still to come */
    uint64_t lit_size; /* its announced size (for messages) */
    int lit_sunk;      /* the current literal goes to lit_data */
    int direct;        /* the last space handed out was inside resp */
    int eof;           /* the peer closed: no more bytes will come */

    /* where the data of the response's last literal ends in resp (0: no
     * literal), the lit_end a line was last joined at, and whether the
     * next line is being looked at to be joined (imc_reader_continue_list) */
    size_t lit_end, joined_at;
    int joining;
} imc_reader;

int imc_reader_init(imc_reader *r, imc_transport *t, size_t max_line,
                    uint64_t max_literal);
void imc_reader_free(imc_reader *r);
/* Give back the input buffer when nothing is buffered, and a big response
 * buffer when no response is being assembled (a connection gone quiet);
 * both come back as bytes arrive. */
void imc_reader_trim(imc_reader *r);

/* Where the next bytes should go: *p gets room for up to *n bytes (never
 * 0 unless out of memory, when *n is 0). */
void imc_reader_space(imc_reader *r, char **p, size_t *n);
/* n bytes were written where imc_reader_space() said. */
void imc_reader_commit(imc_reader *r, size_t n);
/* Copy n bytes in (space + memcpy + commit, as often as needed); 0 or
 * IMAPCLIENT_ENOMEM. */
int imc_reader_push(imc_reader *r, const char *p, size_t n);
/* The peer closed the stream. */
void imc_reader_set_eof(imc_reader *r);

/* Assemble as far as the bytes go. Returns 1 when a whole response is in
 * r->resp, 0 when more bytes are needed, or a failure: IMAPCLIENT_EABORT
 * after end of stream (r->err says where), IMAPCLIENT_ETOOBIG when a cap is
 * passed, IMAPCLIENT_EPROTOCOL for a bad literal size, IMAPCLIENT_ENOMEM. */
int imc_reader_step(imc_reader *r);

/* Gmail has been seen to end a line inside an open list right after a
 * literal, the list going on on the next line:
 *     * 1 FETCH (UID 5 BODY[HEADER] {515}\r\n<515 bytes> \r\n)\r\n
 * Called when the parser found the list of the response just assembled
 * not terminated (issue 14, item 14): when the response ends right after
 * a literal (spaces at most follow it) and no line was joined after that
 * literal yet, returns 1 and imc_reader_step() goes on with the response:
 * once the start of the next line is in, that line (and its literals,
 * under the same caps) is joined, the line break read as a space, unless
 * it starts a response of its own ("*", "+" or a tag and a space: see
 * imc_parse_is_stray()), in which case the response is given back as it
 * was. Either way the next step that returns 1 has the response to parse
 * again. Returns 0, touching nothing, when it does not apply. */
int imc_reader_continue_list(imc_reader *r);

/* 1 while a response is partly assembled (some of its bytes arrived). */
int imc_reader_partial(const imc_reader *r);

/* Pull form: read the next response into r->resp from r->t. timeout_ms
 * applies to each wait for data. Returns 0 or the failures of
 * imc_reader_step() and of the transport (ETIMEOUT, EIO, ETLS). */
int imc_reader_next(imc_reader *r, int timeout_ms);

/* 1 when a response may be read without blocking for long (bytes are
 * buffered or the fd became readable within timeout_ms), 0 on timeout,
 * negative status on error. timeout_ms 0 waits for ever, <0 polls. */
int imc_reader_wait(imc_reader *r, int timeout_ms);

/* Bytes received but not yet consumed. */
size_t imc_reader_buffered(const imc_reader *r);

#endif
