/*
 * Region allocator: many small allocations, one free. Every result the
 * library hands out owns one arena; parsers take the arena as a parameter,
 * so a failed parse just returns.
 */
#ifndef IMC_ARENA_H
#define IMC_ARENA_H

#include <stddef.h>

typedef struct imc_arena imc_arena;

/* A new empty arena; NULL when out of memory. */
imc_arena *imc_arena_new(void);

/* Zeroed memory aligned for any type, valid until the arena is freed or
 * reset; NULL when out of memory or n overflows. */
void *imc_arena_alloc(imc_arena *a, size_t n);

/* n elements of size sz (overflow checked), zeroed. */
void *imc_arena_calloc(imc_arena *a, size_t n, size_t sz);

/* As imc_arena_alloc() and imc_arena_calloc() but not zeroed: for memory
 * the caller writes whole before anything reads it (copies, arrays filled
 * element by element). A whole result's arena holds several times the
 * response, so zeroing what is written next costs real time. */
void *imc_arena_alloc_uninit(imc_arena *a, size_t n);
void *imc_arena_array_uninit(imc_arena *a, size_t n, size_t sz);

/* A NUL-terminated copy of n bytes of s (s may hold NULs). */
char *imc_arena_strndup(imc_arena *a, const char *s, size_t n);

/* A copy of the NUL-terminated string s; NULL stays NULL. */
char *imc_arena_strdup(imc_arena *a, const char *s);

/* Forget every allocation but keep the first block for reuse. */
void imc_arena_reset(imc_arena *a);
/* Forget every allocation and give all the memory back (the arena stays
 * usable). */
void imc_arena_trim(imc_arena *a);

/* A point to roll an arena back to: everything allocated after it can be
 * released at once (a response parsed into a result's arena that turned
 * out not to belong to the result). */
typedef struct imc_arena_mark {
    void *head;  /* the current block then (NULL: none) */
    void *next;  /* the block after it then */
    size_t used; /* bytes used in it then */
} imc_arena_mark;

void imc_arena_get_mark(const imc_arena *a, imc_arena_mark *m);
/* Free what was allocated after m (m must be the latest mark still in use;
 * allocations made before it stay valid). */
void imc_arena_release(imc_arena *a, const imc_arena_mark *m);

/* Bytes currently reserved from the system (for limits and tests). */
size_t imc_arena_footprint(const imc_arena *a);

/* Release everything; NULL is a no-op. With wipe set the memory is cleared
 * first (for arenas that held secrets). */
void imc_arena_free(imc_arena *a);
void imc_arena_free_wipe(imc_arena *a);

#endif
