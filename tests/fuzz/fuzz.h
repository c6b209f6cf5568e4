/*
 * Shared by the fuzz targets: the libFuzzer entry point (also driven by
 * replay.c when libFuzzer is not available) and helpers that walk typed
 * results so every pointer in them is read once (ASan sees a bad one).
 */
#ifndef IMC_FUZZ_H
#define IMC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <imapclient/errors.h>
#include <imapclient/mail.h>
#include <imapclient/types.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a crash libFuzzer reports when an invariant breaks. */
#define FUZZ_CHECK(cond)                                                                 \
    do {                                                                                 \
        if (!(cond))                                                                     \
            abort();                                                                     \
    } while (0)

static inline size_t fuzz_touch(const char *s)
{
    return s ? strlen(s) : 0;
}

/* Every scalar is NUL-terminated at len; every list has its members. */
static inline void fuzz_check_value(const imapclient_value *v)
{
    switch (v->type) {
    case IMAPCLIENT_VALUE_NIL:
        FUZZ_CHECK(v->str == NULL);
        break;
    case IMAPCLIENT_VALUE_NUMBER:
    case IMAPCLIENT_VALUE_ATOM:
    case IMAPCLIENT_VALUE_STRING:
    case IMAPCLIENT_VALUE_LITERAL:
        FUZZ_CHECK(v->str != NULL);
        FUZZ_CHECK(v->str[v->len] == '\0');
        if (v->type == IMAPCLIENT_VALUE_ATOM)
            FUZZ_CHECK(v->len > 0);
        break;
    case IMAPCLIENT_VALUE_LIST:
        FUZZ_CHECK(v->count == 0 || v->items != NULL);
        for (size_t i = 0; i < v->count; i++)
            fuzz_check_value(&v->items[i]);
        break;
    default:
        FUZZ_CHECK(0);
    }
}

static inline size_t fuzz_walk_addresses(const imapclient_address *a, size_t n)
{
    size_t t = 0;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        t += fuzz_touch(a[i].name) + fuzz_touch(a[i].route) + fuzz_touch(a[i].mailbox) +
             fuzz_touch(a[i].host);
        int len = imapclient_address_format(&a[i], buf, sizeof buf);
        FUZZ_CHECK(len >= 0);
        FUZZ_CHECK(strlen(buf) ==
                   ((size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1));
    }
    return t;
}

static inline size_t fuzz_walk_envelope(const imapclient_envelope *e)
{
    if (!e)
        return 0;
    size_t t = fuzz_touch(e->date_raw) + fuzz_touch(e->in_reply_to) +
               fuzz_touch(e->message_id) + e->subject_len;
    if (e->subject)
        FUZZ_CHECK(e->subject[e->subject_len] == '\0');
    t += fuzz_walk_addresses(e->from, e->from_count);
    t += fuzz_walk_addresses(e->sender, e->sender_count);
    t += fuzz_walk_addresses(e->reply_to, e->reply_to_count);
    t += fuzz_walk_addresses(e->to, e->to_count);
    t += fuzz_walk_addresses(e->cc, e->cc_count);
    t += fuzz_walk_addresses(e->bcc, e->bcc_count);
    FUZZ_CHECK(e->raw != NULL);
    return t;
}

static inline size_t fuzz_walk_params(const imapclient_param *p, size_t n)
{
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(p[i].name != NULL);
        t += fuzz_touch(p[i].name) + fuzz_touch(p[i].value);
    }
    return t;
}

static inline size_t fuzz_walk_body(const imapclient_body *b, int depth)
{
    if (!b)
        return 0;
    FUZZ_CHECK(depth < 200);
    size_t t = fuzz_touch(b->type) + fuzz_touch(b->subtype) + fuzz_touch(b->id) +
               fuzz_touch(b->description) + fuzz_touch(b->encoding) + fuzz_touch(b->md5) +
               fuzz_touch(b->disposition) + fuzz_touch(b->location);
    t += fuzz_walk_params(b->params, b->param_count);
    t += fuzz_walk_params(b->disposition_params, b->disposition_param_count);
    for (size_t i = 0; i < b->language_count; i++)
        t += fuzz_touch(b->language[i]);
    FUZZ_CHECK(b->extensions != NULL && b->extensions->type == IMAPCLIENT_VALUE_LIST);
    FUZZ_CHECK(b->raw != NULL);
    t += fuzz_walk_envelope(b->envelope);
    t += fuzz_walk_body(b->body, depth + 1);
    FUZZ_CHECK(b->part_count == 0 || b->parts != NULL);
    for (size_t i = 0; i < b->part_count; i++)
        t += fuzz_walk_body(&b->parts[i], depth + 1);
    return t;
}

#endif
