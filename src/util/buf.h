/*
 * Growable byte buffer with a hard cap (curl's dynbuf idea): an append that
 * would pass the cap fails and leaves the buffer as it was.
 */
#ifndef IMC_BUF_H
#define IMC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct imc_buf {
    char *data; /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap; /* allocated bytes */
    size_t max; /* largest len allowed; 0 = SIZE_MAX/2 */
} imc_buf;

void imc_buf_init(imc_buf *b, size_t max);
/* 0, or -1 when out of memory or the cap would be passed. */
int imc_buf_reserve(imc_buf *b, size_t extra);
int imc_buf_add(imc_buf *b, const void *p, size_t n);
int imc_buf_adds(imc_buf *b, const char *s);
int imc_buf_addc(imc_buf *b, char ch);
int imc_buf_printf(imc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Drop the first n bytes, keeping the rest. */
void imc_buf_consume(imc_buf *b, size_t n);
void imc_buf_clear(imc_buf *b);
void imc_buf_free(imc_buf *b);
/* Clears the bytes before freeing (buffers that held secrets). */
void imc_buf_free_wipe(imc_buf *b);

#endif
