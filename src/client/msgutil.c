/*
 * Helpers shared by the message calls. RFC 3501 section 9 (sequence-set,
 * flag, date-time), RFC 4315 section 4 (uid-set).
 */
#include "msgutil.h"

#include "../types/types.h"

#include <stdlib.h>
#include <string.h>

/* ---- results that own an arena ----------------------------------------- */

void *imc_msg_result_new(size_t size)
{
    imc_arena *a = imc_arena_new();
    if (!a)
        return NULL;
    /* The arena pointer is stored right before the struct, as
     * imc_responses_new() does; the slot keeps the struct aligned. */
    void **slot = imc_arena_alloc(a, sizeof(void *) * 2 + size);
    if (!slot) {
        imc_arena_free(a);
        return NULL;
    }
    slot[1] = a;
    return slot + 2;
}

imc_arena *imc_msg_result_arena(void *result)
{
    return ((void **)result)[-1];
}

void imc_msg_result_free(void *result)
{
    if (result)
        imc_arena_free(imc_msg_result_arena(result));
}

/* ---- arguments ------------------------------------------------------------ */

int imc_msg_check_set(imapclient *c, const char *call, const char *messages)
{
    if (!messages)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: messages is NULL", call);
    /* "$": the messages a SEARCH RETURN (SAVE) saved (RFC 5182 section 2.1);
     * only after one, when the capabilities are known */
    if (!strcmp(messages, "$"))
        return imc_has_ext(c, "SEARCHRES")
                   ? 0
                   : imc_fail(c, IMAPCLIENT_ECAPABILITY,
                              "%s: \"$\" needs SEARCHRES, which the server does not "
                              "announce",
                              call);
    if (!imapclient_seqset_valid(messages))
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: \"%.100s\" is not a sequence set",
                        call, messages);
    return 0;
}

int imc_msg_folder_name(imapclient *c, const char *call, const char *folder,
                        const char **out)
{
    if (!folder)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: folder is NULL", call);
    const char *name = folder;
    if (c->opts.folder_encode && imc_utf8_names(c)) {
        /* UTF8=ACCEPT / IMAP4rev2: the name goes as UTF-8 (RFC 6855 3) */
        if (!imc_utf8_valid(folder, strlen(folder)))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: folder name is not valid UTF-8",
                            call);
    } else if (c->opts.folder_encode) {
        char *enc;
        int rc = imc_utf7_encode(c->call_arena, folder, strlen(folder), &enc);
        if (rc == IMAPCLIENT_ENOMEM)
            return imc_fail(c, rc, "out of memory");
        if (rc)
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: folder name is not valid UTF-8",
                            call);
        name = enc;
    }
    *out = name;
    return 0;
}

void imc_msg_put_folder(imapclient *c, const char *name)
{
    imc_put_sp(&c->cmd);
    imc_put_string(&c->cmd, name, strlen(name));
}

/* ASTRING-CHAR = ATOM-CHAR / resp-specials; atom-specials = "(" / ")" /
 * "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials */
static int astring_char(unsigned char ch)
{
    return ch > 0x20 && ch < 0x7f && !strchr("(){%*\"\\", ch);
}

int imc_msg_check_flags(imapclient *c, const char *call, const char *const *flags)
{
    for (size_t i = 0; flags && flags[i]; i++) {
        const char *f = flags[i];
        size_t k = f[0] == '\\';
        if (!f[k])
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: empty flag", call);
        for (; f[k]; k++)
            if (!astring_char((unsigned char)f[k]))
                return imc_fail(c, IMAPCLIENT_EINVAL, "%s: \"%.100s\" is not a flag",
                                call, f);
    }
    return 0;
}

void imc_msg_put_flags(imapclient *c, const char *const *flags)
{
    imc_put_raw(&c->cmd, " (");
    for (size_t i = 0; flags && flags[i]; i++) {
        if (i)
            imc_put_sp(&c->cmd);
        imc_put_raw(&c->cmd, flags[i]);
    }
    imc_put_raw(&c->cmd, ")");
}

int imc_msg_put_date(imapclient *c, const char *call, const imapclient_datetime *dt)
{
    char tmp[32];
    if (imapclient_datetime_format_internaldate(dt, tmp))
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: invalid date", call);
    imc_put_raw(&c->cmd, " \"");
    imc_put_raw(&c->cmd, tmp);
    imc_put_raw(&c->cmd, "\"");
    return 0;
}

/* ---- id sets -------------------------------------------------------------- */

static int cmp_range(const void *x, const void *y)
{
    const imapclient_range *a = x, *b = y;
    return (a->lo > b->lo) - (a->lo < b->lo);
}

int imc_idset_init(imc_idset *s, const char *set)
{
    memset(s, 0, sizeof *s);
    if (!strcmp(set, "$")) {
        /* the saved result (RFC 5182): which ids it holds is not known here */
        s->any = 1;
        return 0;
    }
    imapclient_range *r;
    size_t n;
    int rc = imapclient_seqset_parse(set, &r, &n);
    if (rc)
        return rc;
    qsort(r, n, sizeof *r, cmp_range);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].hi == UINT32_MAX)
            s->any = 1; /* "*" or "n:*" */
        if (k && r[i].lo <= r[k - 1].hi + (uint64_t)1) {
            if (r[i].hi > r[k - 1].hi)
                r[k - 1].hi = r[i].hi;
        } else {
            r[k++] = r[i];
        }
    }
    s->r = r;
    s->n = k;
    return 0;
}

int imc_idset_has(const imc_idset *s, uint32_t id)
{
    if (s->any)
        return 1;
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (id < s->r[mid].lo)
            hi = mid;
        else if (id > s->r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

void imc_idset_free(imc_idset *s)
{
    free(s->r);
    memset(s, 0, sizeof *s);
}

/* ---- values ------------------------------------------------------------------ */

int imc_msg_value_u64(const imapclient_value *v, uint64_t *out)
{
    if (!v)
        return -1;
    if (v->type == IMAPCLIENT_VALUE_NUMBER) {
        *out = v->number;
        return 0;
    }
    if (v->type != IMAPCLIENT_VALUE_ATOM || v->len == 0 || v->len > 20)
        return -1;
    uint64_t n = 0;
    for (size_t i = 0; i < v->len; i++) {
        unsigned d = (unsigned char)v->str[i] - '0';
        if (d > 9 || n > (UINT64_MAX - d) / 10)
            return -1;
        n = n * 10 + d;
    }
    *out = n;
    return 0;
}

int imc_msg_value_u32(const imapclient_value *v, uint32_t *out)
{
    uint64_t n;
    if (imc_msg_value_u64(v, &n) || n == 0 || n > UINT32_MAX)
        return -1;
    *out = (uint32_t)n;
    return 0;
}

int imc_msg_expand_set(imc_arena *a, const char *s, size_t len, uint32_t **out,
                       size_t *count)
{
    *out = NULL;
    *count = 0;
    /* uid-set (RFC 4315): like a sequence set, but no "*"; ranges in
     * either order, which imapclient_seqset_parse() normalises. */
    if (!len || memchr(s, '*', len))
        return IMAPCLIENT_EPROTOCOL;
    char *z = malloc(len + 1);
    if (!z)
        return IMAPCLIENT_ENOMEM;
    memcpy(z, s, len);
    z[len] = '\0';
    imapclient_range *r = NULL;
    size_t nr = 0;
    int rc = imapclient_seqset_parse(z, &r, &nr);
    free(z);
    if (rc)
        return rc == IMAPCLIENT_ENOMEM ? rc : IMAPCLIENT_EPROTOCOL;
    uint64_t total = 0;
    for (size_t i = 0; i < nr; i++)
        total += (uint64_t)r[i].hi - r[i].lo + 1;
    uint32_t *ids = NULL;
    if (total > IMC_MSG_MAX_EXPAND)
        rc = IMAPCLIENT_ETOOBIG;
    else if (!(ids = imc_arena_array_uninit(a, (size_t)total, sizeof *ids)))
        rc = IMAPCLIENT_ENOMEM;
    for (size_t i = 0, k = 0; !rc && i < nr; i++)
        for (uint64_t v = r[i].lo; v <= r[i].hi; v++)
            ids[k++] = (uint32_t)v;
    free(r);
    if (rc)
        return rc;
    *out = ids;
    *count = (size_t)total;
    return 0;
}

/* ---- id vectors --------------------------------------------------------------- */

int imc_u32vec_push(imc_u32vec *v, uint32_t x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        if (cap > SIZE_MAX / sizeof *v->v)
            return IMAPCLIENT_ENOMEM;
        uint32_t *p = realloc(v->v, cap * sizeof *p);
        if (!p)
            return IMAPCLIENT_ENOMEM;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n++] = x;
    return 0;
}

void imc_u32vec_free(imc_u32vec *v)
{
    free(v->v);
    memset(v, 0, sizeof *v);
}

uint32_t *imc_u32vec_copy(const imc_u32vec *v, imc_arena *a)
{
    uint32_t *p = imc_arena_array_uninit(a, v->n ? v->n : 1, sizeof *p); /* n are set */
    if (p && v->n)
        memcpy(p, v->v, v->n * sizeof *p);
    return p;
}

const char *imc_msg_done_text(const imc_request *rq)
{
    return rq->done && rq->done->text ? rq->done->text : "";
}

/* ---- uint32 map ---------------------------------------------------------- */

static size_t map_slot(const imc_u32map *m, uint32_t key)
{
    size_t i = (key * 2654435761u) & (m->n - 1);
    while (m->slots[i] && m->keys[i] != key)
        i = (i + 1) & (m->n - 1);
    return i;
}

uint32_t imc_u32map_get(const imc_u32map *m, uint32_t key)
{
    return m->n ? m->slots[map_slot(m, key)] : 0;
}

int imc_u32map_add(imc_u32map *m, uint32_t key, uint32_t val)
{
    if ((m->used + 1) * 2 > m->n) {
        imc_u32map g = {.n = m->n ? m->n * 2 : 64};
        g.slots = calloc(g.n, sizeof *g.slots);
        g.keys = calloc(g.n, sizeof *g.keys);
        if (!g.slots || !g.keys) {
            free(g.slots);
            free(g.keys);
            return -1;
        }
        for (size_t i = 0; i < m->n; i++)
            if (m->slots[i]) {
                size_t k = map_slot(&g, m->keys[i]);
                g.slots[k] = m->slots[i];
                g.keys[k] = m->keys[i];
            }
        g.used = m->used;
        free(m->slots);
        free(m->keys);
        *m = g;
    }
    size_t k = map_slot(m, key);
    if (!m->slots[k]) {
        m->slots[k] = val;
        m->keys[k] = key;
        m->used++;
    }
    return 0;
}

void imc_u32map_free(imc_u32map *m)
{
    free(m->slots);
    free(m->keys);
}
