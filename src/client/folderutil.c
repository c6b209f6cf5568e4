/*
 * Helpers shared by the folder files (folders.c, select.c, namespace.c;
 * declared in folders_priv.h): results that own one arena, folder names
 * both ways (modified UTF-7, RFC 3501 section 5.1.3), flag lists. They
 * live here, not in folders.c, so the calls between the folder files go
 * one way: folders.c -> namespace.c (find_special_folder) -> this file.
 */
#include "folders_priv.h"

#include <string.h>

#include "../types/types.h"

/* ---- results that own one arena ----------------------------------------- */

/* The arena pointer sits in the first slot, the result right after it
 * (offset 16 keeps the result aligned for any member). */
#define RESULT_OFFSET 16

void *imc_result_new(size_t size)
{
    imc_arena *a = imc_arena_new();
    if (!a)
        return NULL;
    char *p = imc_arena_alloc(a, RESULT_OFFSET + size);
    if (!p) {
        imc_arena_free(a);
        return NULL;
    }
    memcpy(p, &a, sizeof a);
    return p + RESULT_OFFSET;
}

imc_arena *imc_result_arena(void *result)
{
    imc_arena *a;
    memcpy(&a, (char *)result - RESULT_OFFSET, sizeof a);
    return a;
}

void imc_result_free(void *result)
{
    if (result)
        imc_arena_free(imc_result_arena(result));
}

/* ---- folder names ------------------------------------------------------- */

int imc_folder_encode(imapclient *c, const char *call, const char *name, const char **out)
{
    *out = NULL;
    if (!name)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: folder name is NULL", call);
    if (!c->opts.folder_encode) {
        *out = name;
        return 0;
    }
    if (imc_utf8_names(c)) {
        /* UTF8=ACCEPT / IMAP4rev2: names go as UTF-8 (RFC 6855 section 3) */
        if (!imc_utf8_valid(name, strlen(name)))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: folder name is not valid UTF-8",
                            call);
        *out = name;
        return 0;
    }
    char *enc = NULL;
    int rc = imc_utf7_encode(c->call_arena, name, strlen(name), &enc);
    if (rc == IMAPCLIENT_EINVAL)
        return imc_fail(c, rc, "%s: folder name is not valid UTF-8", call);
    if (rc)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    *out = enc;
    return 0;
}

const char *imc_mailbox_text(const imapclient_value *v, size_t *len)
{
    if (v && v->type == IMAPCLIENT_VALUE_NIL) {
        *len = 3;
        return "NIL";
    }
    if (v && IMAPCLIENT_VALUE_IS_TEXT(v) && v->str) {
        *len = v->len;
        return v->str;
    }
    *len = 0;
    return NULL;
}

int imc_folder_decode(imapclient *c, imc_arena *a, const char *raw, size_t len,
                      const char **out, size_t *out_len)
{
    /* (with UTF8=ACCEPT / IMAP4rev2 the server sends UTF-8: kept as is) */
    if (c->opts.folder_encode && !imc_utf8_names(c)) {
        imc_buf b;
        imc_buf_init(&b, 0);
        int rc = imc_utf7_decode_buf(&b, raw, len);
        if (rc == IMAPCLIENT_ENOMEM) {
            imc_buf_free(&b);
            return rc;
        }
        /* Undecodable names (and names that decode to a NUL) stay as sent,
         * so the caller can still reach them with folder_encode off. */
        if (rc == 0 && !(b.len && memchr(b.data, '\0', b.len))) {
            char *d = imc_arena_strndup(a, b.data ? b.data : "", b.len);
            size_t n = b.len;
            imc_buf_free(&b);
            if (!d)
                return IMAPCLIENT_ENOMEM;
            *out = d;
            *out_len = n;
            return 0;
        }
        imc_buf_free(&b);
    }
    char *d = imc_arena_strndup(a, raw, len);
    if (!d)
        return IMAPCLIENT_ENOMEM;
    *out = d;
    *out_len = len;
    return 0;
}

const char *const *imc_flags_copy(imc_arena *a, const imapclient_value *list,
                                  size_t *count)
{
    size_t n = list && list->type == IMAPCLIENT_VALUE_LIST ? list->count : 0;
    const char **v = imc_arena_calloc(a, n + 1, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const imapclient_value *f = &list->items[i];
        if (!IMAPCLIENT_VALUE_IS_TEXT(f) || !f->str)
            continue;
        if (!(v[k++] = imc_arena_strndup(a, f->str, f->len)))
            return NULL;
    }
    v[k] = NULL;
    if (count)
        *count = k;
    return v;
}
