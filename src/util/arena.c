#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_FIRST    1024 /* a handle has five arenas: idle, they hold little */
#define ARENA_BLOCK    4096
#define ARENA_ALIGN    16
#define ARENA_MAX_GROW (1024 * 1024)

struct block {
    struct block *next;
    size_t size; /* usable bytes in data[] */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct imc_arena {
    struct block *head; /* current block; older blocks follow */
    size_t footprint;
};

imc_arena *imc_arena_new(void)
{
    return calloc(1, sizeof(imc_arena));
}

static struct block *block_new(imc_arena *a, size_t need)
{
    size_t size = need > ARENA_FIRST ? need : ARENA_FIRST;
    if (a->head) {
        /* Geometric growth keeps the block count small; the cap keeps a big
         * result from reserving far more than it uses. */
        size_t grow =
            a->head->size < ARENA_MAX_GROW / 2 ? a->head->size * 2 : ARENA_MAX_GROW;
        if (size < grow)
            size = grow;
    }
    if (size > SIZE_MAX - sizeof(struct block))
        return NULL;
    struct block *b = malloc(sizeof(struct block) + size);
    if (!b)
        return NULL;
    b->size = size;
    b->used = 0;
    a->footprint += size;
    return b;
}

/* zero: clear the memory (imc_arena_alloc, imc_arena_calloc). */
static void *arena_alloc(imc_arena *a, size_t n, int zero)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct block *b = a->head;
    if (!b || b->size - b->used < need) {
        struct block *nb = block_new(a, need);
        if (!nb)
            return NULL;
        if (b && need > ARENA_BLOCK && b->size - b->used >= ARENA_BLOCK / 4) {
            /* A big one-off allocation goes behind the current block so the
             * free space there is not wasted. */
            nb->next = b->next;
            b->next = nb;
            nb->used = need;
            if (zero)
                memset(nb->data, 0, n);
            return nb->data;
        }
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    if (zero)
        memset(p, 0, n);
    return p;
}

void *imc_arena_alloc(imc_arena *a, size_t n)
{
    return arena_alloc(a, n, 1);
}

void *imc_arena_calloc(imc_arena *a, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz)
        return NULL;
    return imc_arena_alloc(a, n * sz);
}

void *imc_arena_alloc_uninit(imc_arena *a, size_t n)
{
    return arena_alloc(a, n, 0);
}

void *imc_arena_array_uninit(imc_arena *a, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz)
        return NULL;
    return arena_alloc(a, n * sz, 0);
}

char *imc_arena_strndup(imc_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(a, n + 1, 0);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *imc_arena_strdup(imc_arena *a, const char *s)
{
    return s ? imc_arena_strndup(a, s, strlen(s)) : NULL;
}

void imc_arena_reset(imc_arena *a)
{
    if (!a || !a->head)
        return;
    /* Keep the largest block: it is the one that will fit next time. */
    struct block *keep = a->head, *b;
    for (b = a->head->next; b; b = b->next)
        if (b->size > keep->size)
            keep = b;
    b = a->head;
    while (b) {
        struct block *next = b->next;
        if (b != keep) {
            a->footprint -= b->size;
            free(b);
        }
        b = next;
    }
    keep->next = NULL;
    keep->used = 0;
    a->head = keep;
}

void imc_arena_trim(imc_arena *a)
{
    if (!a)
        return;
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->footprint = 0;
}

void imc_arena_get_mark(const imc_arena *a, imc_arena_mark *m)
{
    m->head = a->head;
    m->next = a->head ? a->head->next : NULL;
    m->used = a->head ? a->head->used : 0;
}

void imc_arena_release(imc_arena *a, const imc_arena_mark *m)
{
    /* Blocks made since the mark are either in front of the marked block
     * (new current blocks) or right behind it (big one-off blocks); the
     * chain that existed at the mark is untouched. */
    struct block *b = a->head, *marked = m->head;
    while (b && b != marked) {
        struct block *next = b->next;
        a->footprint -= b->size;
        free(b);
        b = next;
    }
    a->head = marked;
    if (!marked)
        return;
    b = marked->next;
    while (b && b != (struct block *)m->next) {
        struct block *next = b->next;
        a->footprint -= b->size;
        free(b);
        b = next;
    }
    marked->next = m->next;
    marked->used = m->used;
}

size_t imc_arena_footprint(const imc_arena *a)
{
    return a ? a->footprint : 0;
}

static void arena_release(imc_arena *a, int wipe)
{
    if (!a)
        return;
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        if (wipe) {
            volatile unsigned char *p = b->data;
            for (size_t i = 0; i < b->size; i++)
                p[i] = 0;
        }
        free(b);
        b = next;
    }
    free(a);
}

void imc_arena_free(imc_arena *a)
{
    arena_release(a, 0);
}

void imc_arena_free_wipe(imc_arena *a)
{
    arena_release(a, 1);
}
