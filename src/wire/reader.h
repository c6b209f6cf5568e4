/*
 * Buffered reader: assembles one complete server response (a line, plus
 * any literals it announces and the line text after them) from a
 * transport, with caps on line and literal size so memory stays bounded.
 */
#ifndef IMC_READER_H
#define IMC_READER_H

#include <stdint.h>

#include "../transport/transport.h"
#include "../util/buf.h"

typedef struct imc_reader {
    imc_transport *t;
    char *in; /* raw input buffer */
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
} imc_reader;

int imc_reader_init(imc_reader *r, imc_transport *t, size_t max_line,
                    uint64_t max_literal);
void imc_reader_free(imc_reader *r);

/* Read the next response into r->resp. timeout_ms applies to each wait
 * for data. Returns 0; IMAPCLIENT_EABORT at end of stream (r->err says
 * where); IMAPCLIENT_ETOOBIG when a cap is passed; IMAPCLIENT_EPROTOCOL for
 * a bad literal size; or the transport's status (ETIMEOUT, EIO, ETLS). */
int imc_reader_next(imc_reader *r, int timeout_ms);

/* 1 when a response may be read without blocking for long (bytes are
 * buffered or the fd became readable within timeout_ms), 0 on timeout,
 * negative status on error. timeout_ms 0 waits for ever, <0 polls. */
int imc_reader_wait(imc_reader *r, int timeout_ms);

/* Bytes received but not yet consumed. */
size_t imc_reader_buffered(const imc_reader *r);

#endif
