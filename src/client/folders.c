/*
 * Folders: LIST, LSUB, XLIST, special folders, folder_exists, STATUS,
 * CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE; and the folder-name
 * helpers the other folder files share.
 *
 * RFC 3501 sections 5.1 (names), 5.1.3 (modified UTF-7), 6.3.3-6.3.10,
 * 7.2.2-7.2.4; RFC 5258 (LIST-EXTENDED data), RFC 6154 (SPECIAL-USE and
 * the LIST (SPECIAL-USE) selection option), RFC 8438 (STATUS=SIZE).
 */
#include "folders_priv.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* A LIST holding copies of list->items[from..count). */
static const imapclient_value *tail_list(imc_arena *a, const imapclient_value *list,
                                         size_t from)
{
    imapclient_value *t = imc_arena_alloc(a, sizeof *t);
    if (!t)
        return NULL;
    t->type = IMAPCLIENT_VALUE_LIST;
    if (from >= list->count)
        return t;
    imapclient_value tmp = {.type = IMAPCLIENT_VALUE_LIST,
                            .items = list->items + from,
                            .count = list->count - from};
    return imc_value_copy(a, &tmp);
}

/* ---- LIST, LSUB, XLIST -------------------------------------------------- */

typedef struct list_state {
    const char *verb; /* the untagged response wanted: LIST, LSUB, XLIST */
    const char *alt;  /* also accepted (XLIST: LIST), or NULL */
    imc_arena *a;
    imapclient_folder *v;
    size_t n, cap;
    int failed;
} list_state;

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, nc * size);
    if (!q)
        return IMAPCLIENT_ENOMEM;
    *p = q;
    *cap = nc;
    return 0;
}

/* mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
 *                SP mailbox [SP mbox-list-extended] */
static int folder_from_args(imapclient *c, imc_arena *a, const imapclient_value *args,
                            imapclient_folder *f)
{
    if (args->count < 3 || args->items[0].type != IMAPCLIENT_VALUE_LIST)
        return IMAPCLIENT_EPROTOCOL;
    const imapclient_value *d = &args->items[1];
    size_t len;
    const char *raw = imc_mailbox_text(&args->items[2], &len);
    if (!raw ||
        (d->type != IMAPCLIENT_VALUE_NIL && (!IMAPCLIENT_VALUE_IS_TEXT(d) || !d->str)))
        return IMAPCLIENT_EPROTOCOL;
    if (!(f->flags = imc_flags_copy(a, &args->items[0], &f->flag_count)))
        return IMAPCLIENT_ENOMEM;
    if (d->type != IMAPCLIENT_VALUE_NIL &&
        !(f->delimiter = imc_arena_strndup(a, d->str, d->len)))
        return IMAPCLIENT_ENOMEM;
    if (!(f->raw_name = imc_arena_strndup(a, raw, len)))
        return IMAPCLIENT_ENOMEM;
    f->raw_name_len = len;
    int rc = imc_folder_decode(c, a, raw, len, &f->name, &f->name_len);
    if (rc)
        return rc;
    /* mbox-list-extended is one parenthesised list; anything else after the
     * name is kept too, wrapped in a list. */
    if (args->count == 4 && args->items[3].type == IMAPCLIENT_VALUE_LIST)
        f->extended = imc_value_copy(a, &args->items[3]);
    else
        f->extended = tail_list(a, args, 3);
    return f->extended ? 0 : IMAPCLIENT_ENOMEM;
}

static int on_list(imapclient *c, const imapclient_response *r, void *ud)
{
    list_state *st = ud;
    if (r->has_number ||
        (strcmp(r->name, st->verb) != 0 && !(st->alt && !strcmp(r->name, st->alt))))
        return 0;
    if (st->failed)
        return 1;
    if (grow((void **)&st->v, &st->cap, st->n, sizeof *st->v)) {
        st->failed = 1;
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    imapclient_folder *f = &st->v[st->n];
    memset(f, 0, sizeof *f);
    int rc = folder_from_args(c, st->a, r->args, f);
    if (rc == IMAPCLIENT_EPROTOCOL) {
        st->failed = 1;
        return imc_fail(c, rc, "%s: malformed reply: %.200s", st->verb,
                        r->raw ? r->raw : "");
    }
    if (rc) {
        st->failed = 1;
        return imc_fail(c, rc, "out of memory");
    }
    st->n++;
    return 1;
}

/* LIST/LSUB/XLIST [selection] directory pattern [return], without
 * imc_call_begin(). select_opts and return_opts are fixed syntax such as
 * "(SPECIAL-USE)" and "RETURN (SPECIAL-USE)", or NULL. */
static int do_list(imapclient *c, const char *verb, const char *select_opts,
                   const char *return_opts, const char *call, const char *directory,
                   const char *pattern, imapclient_folder_list **out)
{
    *out = NULL;
    const char *dir, *pat;
    int rc;
    if ((rc = imc_folder_encode(c, call, directory ? directory : "", &dir)) ||
        (rc = imc_folder_encode(c, call, pattern ? pattern : "*", &pat)))
        return rc;
    imapclient_folder_list *l = imc_result_new(sizeof *l);
    if (!l)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    /* Some XLIST servers answer with LIST responses. */
    list_state st = {.verb = verb,
                     .alt = strcmp(verb, "XLIST") ? NULL : "LIST",
                     .a = imc_result_arena(l)};
    imc_begin(c, verb);
    if (select_opts) {
        imc_put_sp(&c->cmd);
        imc_put_raw(&c->cmd, select_opts);
    }
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, dir, strlen(dir));
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, pat, strlen(pat));
    if (return_opts) {
        imc_put_sp(&c->cmd);
        imc_put_raw(&c->cmd, return_opts);
    }
    imc_request rq = {.on_untagged = on_list, .ud = &st};
    rc = imc_run(c, &rq);
    if (!rc) {
        l->folders = imc_arena_calloc(st.a, st.n ? st.n : 1, sizeof *l->folders);
        if (!l->folders)
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        else if (st.n)
            memcpy(l->folders, st.v, st.n * sizeof *st.v);
        l->count = st.n;
    }
    free(st.v);
    if (rc) {
        imc_result_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

static int list_call(imapclient *c, const char *verb, const char *call,
                     const char *directory, const char *pattern,
                     imapclient_folder_list **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, call)))
        return rc;
    if (!strcmp(verb, "XLIST") && (rc = imc_require_cap(c, "XLIST", call)))
        return rc;
    imapclient_folder_list *l = NULL;
    if ((rc = do_list(c, verb, NULL, NULL, call, directory, pattern, &l)))
        return rc;
    if (out)
        *out = l;
    else
        imc_result_free(l);
    return 0;
}

int imapclient_list_folders(imapclient *c, const char *directory, const char *pattern,
                            imapclient_folder_list **out)
{
    return list_call(c, "LIST", "list_folders", directory, pattern, out);
}

int imapclient_list_sub_folders(imapclient *c, const char *directory, const char *pattern,
                                imapclient_folder_list **out)
{
    return list_call(c, "LSUB", "list_sub_folders", directory, pattern, out);
}

int imapclient_xlist_folders(imapclient *c, const char *directory, const char *pattern,
                             imapclient_folder_list **out)
{
    return list_call(c, "XLIST", "xlist_folders", directory, pattern, out);
}

void imapclient_folder_list_free(imapclient_folder_list *list)
{
    imc_result_free(list);
}

int imapclient_folder_has_flag(const imapclient_folder *f, const char *flag)
{
    if (!f || !flag || !f->flags)
        return 0;
    for (size_t i = 0; f->flags[i]; i++)
        if (strcasecmp(f->flags[i], flag) == 0)
            return 1;
    return 0;
}

/* ---- special folders ---------------------------------------------------- */

/* Names of special folders common among providers, tried in order in each
 * personal namespace (the reference's _POPULAR_SPECIAL_FOLDERS). */
static const struct {
    const char *flag;
    const char *names[5];
} popular_special[] = {
    {IMAPCLIENT_SENT, {"Sent", "Sent Items", "Sent items", "Sent Messages", NULL}},
    {IMAPCLIENT_DRAFTS, {"Drafts", NULL}},
    {IMAPCLIENT_ARCHIVE, {"Archive", NULL}},
    {IMAPCLIENT_TRASH, {"Trash", "Deleted Items", "Deleted Messages", "Deleted", NULL}},
    {IMAPCLIENT_JUNK, {"Junk", "Spam", NULL}},
};

/* Personal namespace prefixes to try without NAMESPACE (the reference's
 * _POPULAR_PERSONAL_NAMESPACES). */
static const char *const popular_prefixes[] = {"", "INBOX.", NULL};

static int found(imapclient *c, const imapclient_folder *f, char **out)
{
    *out = malloc(f->name_len + 1);
    if (!*out)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    memcpy(*out, f->name, f->name_len);
    (*out)[f->name_len] = '\0';
    return 0;
}

/* Look for a folder flagged folder_flag: 1 found (*out set), 0 not, <0. */
static int special_by_flag(imapclient *c, const char *folder_flag, char **out)
{
    static const char call[] = "find_special_folder";
    imapclient_folder_list *l = NULL;
    int rc = imc_caps_ensure(c);
    if (rc)
        return rc;
    /* RFC 6154: the SPECIAL-USE selection option is LIST-EXTENDED syntax
     * (RFC 5258); a server with SPECIAL-USE alone (Gmail) is asked with the
     * RETURN option, which it must support, instead of a command it
     * answers BAD (issue 14, item 10). */
    rc = IMAPCLIENT_ERROR;
    if (imc_has_cap(c, "SPECIAL-USE") && imc_has_cap(c, "LIST-EXTENDED"))
        rc = do_list(c, "LIST", "(SPECIAL-USE)", NULL, call, "", "*", &l);
    else if (imc_has_cap(c, "SPECIAL-USE"))
        rc = do_list(c, "LIST", NULL, "RETURN (SPECIAL-USE)", call, "", "*", &l);
    else if (!c->quirks.list_flags_special_use)
        return 0; /* the server does not flag them: save listing every folder */
    /* Without SPECIAL-USE, or when the server refuses the option it
     * announced, the flags of a plain LIST may still say it (Exchange
     * flags them without announcing SPECIAL-USE). */
    if (rc == IMAPCLIENT_ERROR) {
        c->errcode = 0;
        c->errmsg[0] = '\0';
        rc = do_list(c, "LIST", NULL, NULL, call, "", "*", &l);
    }
    if (rc)
        return rc;
    for (size_t i = 0; i < l->count; i++)
        if (imapclient_folder_has_flag(&l->folders[i], folder_flag)) {
            rc = found(c, &l->folders[i], out);
            imc_result_free(l);
            return rc ? rc : 1;
        }
    imc_result_free(l);
    return 0;
}

static int special_by_name(imapclient *c, const char *const *names, const char *prefix,
                           char **out)
{
    for (size_t k = 0; names[k]; k++) {
        size_t pl = strlen(prefix), nl = strlen(names[k]);
        char *pattern = imc_arena_alloc(c->call_arena, pl + nl + 1);
        if (!pattern)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        memcpy(pattern, prefix, pl);
        memcpy(pattern + pl, names[k], nl + 1);
        imapclient_folder_list *l = NULL;
        int rc = do_list(c, "LIST", NULL, NULL, "find_special_folder", "", pattern, &l);
        if (rc)
            return rc;
        if (l->count) {
            rc = found(c, &l->folders[0], out);
            imc_result_free(l);
            return rc ? rc : 1;
        }
        imc_result_free(l);
    }
    return 0;
}

int imapclient_find_special_folder(imapclient *c, const char *folder_flag, char **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, "find_special_folder")))
        return rc;
    if (!folder_flag || !out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "find_special_folder: NULL argument");
    if ((rc = special_by_flag(c, folder_flag, out)))
        return rc < 0 ? rc : 0;

    const char *const *names = NULL;
    for (size_t i = 0; i < sizeof popular_special / sizeof popular_special[0]; i++)
        if (strcasecmp(popular_special[i].flag, folder_flag) == 0)
            names = popular_special[i].names;
    if (!names)
        return 0;

    /* Common names are only looked for in the personal namespaces. */
    imapclient_namespace_info *ns = NULL;
    if ((rc = imc_caps_ensure(c)))
        return rc;
    if (imc_has_cap(c, "NAMESPACE") && (rc = imc_namespace_get(c, &ns)))
        return rc;
    if (ns && ns->personal_count) {
        for (size_t i = 0; i < ns->personal_count && !rc; i++)
            rc = special_by_name(c, names, ns->personal[i].prefix, out);
    } else {
        for (size_t i = 0; popular_prefixes[i] && !rc; i++)
            rc = special_by_name(c, names, popular_prefixes[i], out);
    }
    imapclient_namespace_info_free(ns);
    return rc < 0 ? rc : 0;
}

/* ---- folder_exists ------------------------------------------------------ */

static int same_name(const imapclient_folder *f, const char *name)
{
    size_t n = strlen(name);
    if (f->name_len != n)
        return 0;
    /* INBOX is case-insensitive (RFC 3501 section 5.1) */
    if (strcasecmp(name, "INBOX") == 0)
        return strcasecmp(f->name, "INBOX") == 0;
    return memcmp(f->name, name, n) == 0;
}

int imapclient_folder_exists(imapclient *c, const char *folder)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, "folder_exists")))
        return rc;
    if (!folder)
        return imc_fail(c, IMAPCLIENT_EINVAL, "folder_exists: folder name is NULL");
    imapclient_folder_list *l = NULL;
    if ((rc = do_list(c, "LIST", NULL, NULL, "folder_exists", "", folder, &l)))
        return rc;
    int exists = 0;
    if (!strpbrk(folder, "*%")) {
        exists = l->count > 0;
    } else {
        /* a wildcard in the name would match other folders too */
        for (size_t i = 0; i < l->count && !exists; i++)
            exists = same_name(&l->folders[i], folder);
    }
    imc_result_free(l);
    return exists;
}

/* ---- STATUS ------------------------------------------------------------- */

static const char *const default_status_items[] = {"MESSAGES",    "RECENT", "UIDNEXT",
                                                   "UIDVALIDITY", "UNSEEN", NULL};

typedef struct status_state {
    imc_arena *a;
    const char *sent;             /* the mailbox name as sent */
    const imapclient_value *list; /* the chosen reply's item list (copied) */
    const char *mailbox;
    size_t mailbox_len;
    int matched; /* the chosen reply names the mailbox sent */
    int failed;
} status_state;

/* Whether the values before the item list name the mailbox sent: one
 * mailbox value, or (unquoted names with spaces) words that join to it;
 * INBOX in any case (RFC 3501 section 5.1). */
static int names_sent(const imapclient_value *args, const char *sent)
{
    size_t n = strlen(sent), k = 0;
    for (size_t i = 0; i + 1 < args->count; i++) {
        size_t len;
        const char *w = imc_mailbox_text(&args->items[i], &len);
        if (!w || (i && (k >= n || sent[k++] != ' ')) || len > n - k)
            return 0;
        if (memcmp(w, sent + k, len) != 0 &&
            !(args->count == 2 && !strcasecmp(sent, "INBOX") && len == 5 &&
              !strncasecmp(w, "INBOX", 5)))
            return 0;
        k += len;
    }
    return args->count >= 2 && k == n;
}

/* status-response = "STATUS" SP mailbox SP "(" [status-att-list] ")" */
static int on_status(imapclient *c, const imapclient_response *r, void *ud)
{
    status_state *st = ud;
    if (r->has_number || strcmp(r->name, "STATUS") != 0)
        return 0;
    if (st->failed)
        return 1;
    const imapclient_value *args = r->args;
    if (args->count < 2 || args->items[args->count - 1].type != IMAPCLIENT_VALUE_LIST) {
        st->failed = 1;
        return imc_fail(c, IMAPCLIENT_EPROTOCOL, "STATUS: malformed reply: %.200s",
                        r->raw ? r->raw : "");
    }
    /* Some servers send unquoted names with spaces: the list is the last
     * value (as the reference takes it), the name everything before. */
    size_t len = 0;
    const char *name = args->count == 2 ? imc_mailbox_text(&args->items[0], &len) : NULL;
    int match = names_sent(args, st->sent);
    /* A reply naming another folder may be unsolicited (RFC 5465 NOTIFY):
     * it stays for the caller, and is only taken while ours has not come. */
    if (st->matched || (st->list && !match))
        return 0;
    st->list = imc_value_copy(st->a, &args->items[args->count - 1]);
    st->mailbox = name ? imc_arena_strndup(st->a, name, len) : NULL;
    st->mailbox_len = len;
    st->matched = match;
    if (!st->list || (name && !st->mailbox)) {
        st->failed = 1;
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    return match;
}

static int status_typed(imapclient_status_info *s, const imapclient_status_item *it)
{
    static const struct {
        const char *name;
        size_t value, has;
    } known[] = {
#define K(n, f)                                                                          \
    {n, offsetof(imapclient_status_info, f), offsetof(imapclient_status_info, has_##f)}
        K("MESSAGES", messages), K("RECENT", recent),
        K("UIDNEXT", uidnext),   K("UIDVALIDITY", uidvalidity),
        K("UNSEEN", unseen),     K("HIGHESTMODSEQ", highestmodseq),
        K("SIZE", size),         K("DELETED", deleted),
#undef K
    };
    if (!it->is_number)
        return 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(known[i].name, it->name)) {
            memcpy((char *)s + known[i].value, &it->value, sizeof it->value);
            *(int *)((char *)s + known[i].has) = 1;
            return 1;
        }
    return 0;
}

static int build_status(imapclient *c, status_state *st, imapclient_status_info *s)
{
    imc_arena *a = st->a;
    const imapclient_value *l = st->list;
    size_t n = l->count / 2;
    imapclient_status_item *items = imc_arena_calloc(a, n ? n : 1, sizeof *items);
    if (!items)
        return IMAPCLIENT_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i + 1 < l->count; i += 2) {
        const imapclient_value *key = &l->items[i], *val = &l->items[i + 1];
        if (!IMAPCLIENT_VALUE_IS_TEXT(key) || !key->str)
            continue;
        char *name = imc_arena_strndup(a, key->str, key->len);
        if (!name)
            return IMAPCLIENT_ENOMEM;
        for (char *p = name; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        items[k].name = name;
        items[k].raw = val;
        items[k].is_number = val->type == IMAPCLIENT_VALUE_NUMBER;
        items[k].value = items[k].is_number ? val->number : 0;
        status_typed(s, &items[k]);
        k++;
    }
    s->items = items;
    s->count = k;
    if (st->mailbox)
        return imc_folder_decode(c, a, st->mailbox, st->mailbox_len, &s->folder,
                                 &(size_t){0});
    return 0;
}

/* status-att = 1*ATOM-CHAR in practice ("MESSAGES", "X-GUID"): anything
 * else would break the command. */
static int status_item_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!n || imc_astring_form(s, n) != 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ']')
            return 0;
    return 1;
}

int imapclient_folder_status(imapclient *c, const char *folder, const char *const *items,
                             imapclient_status_info **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, "folder_status")))
        return rc;
    if (!items)
        items = default_status_items;
    if (!items[0])
        return imc_fail(c, IMAPCLIENT_EINVAL, "folder_status: no status items");
    for (size_t i = 0; items[i]; i++)
        if (!status_item_ok(items[i]))
            return imc_fail(c, IMAPCLIENT_EINVAL, "folder_status: invalid status item");
    const char *name;
    if ((rc = imc_folder_encode(c, "folder_status", folder, &name)))
        return rc;
    imapclient_status_info *s = imc_result_new(sizeof *s);
    if (!s)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    status_state st = {.a = imc_result_arena(s), .sent = name};
    imc_begin(c, "STATUS");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    imc_put_raw(&c->cmd, " (");
    for (size_t i = 0; items[i]; i++) {
        if (i)
            imc_put_sp(&c->cmd);
        imc_put_raw(&c->cmd, items[i]);
    }
    imc_put_raw(&c->cmd, ")");
    imc_request rq = {.on_untagged = on_status, .ud = &st};
    rc = imc_run(c, &rq);
    if (!rc && !st.list)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL, "STATUS: the server sent no STATUS reply");
    if (!rc && build_status(c, &st, s))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (rc) {
        imc_result_free(s);
        return rc;
    }
    if (out)
        *out = s;
    else
        imc_result_free(s);
    return 0;
}

int imapclient_status_info_get(const imapclient_status_info *st, const char *name,
                               uint64_t *value)
{
    if (!st || !name)
        return 0;
    for (size_t i = 0; i < st->count; i++)
        if (strcasecmp(st->items[i].name, name) == 0 && st->items[i].is_number) {
            if (value)
                *value = st->items[i].value;
            return 1;
        }
    return 0;
}

void imapclient_status_info_free(imapclient_status_info *st)
{
    imc_result_free(st);
}

/* ---- CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE --------------------- */

/* VERB name [name2]: the commands whose only result is the completion text. */
static int folder_cmd(imapclient *c, const char *verb, const char *call, const char *name,
                      const char *name2, int two, const char **text)
{
    if (text)
        *text = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, call)))
        return rc;
    const char *a1, *a2 = NULL;
    if ((rc = imc_folder_encode(c, call, name, &a1)) ||
        (two && (rc = imc_folder_encode(c, call, name2, &a2))))
        return rc;
    imc_begin(c, verb);
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, a1, strlen(a1));
    if (two) {
        imc_put_sp(&c->cmd);
        imc_put_astring(&c->cmd, a2, strlen(a2));
    }
    imc_request rq = {0};
    if ((rc = imc_run(c, &rq)))
        return rc;
    if (text)
        *text = rq.done->text;
    return 0;
}

int imapclient_create_folder(imapclient *c, const char *folder, const char **text)
{
    return folder_cmd(c, "CREATE", "create_folder", folder, NULL, 0, text);
}

int imapclient_delete_folder(imapclient *c, const char *folder, const char **text)
{
    return folder_cmd(c, "DELETE", "delete_folder", folder, NULL, 0, text);
}

int imapclient_rename_folder(imapclient *c, const char *old_name, const char *new_name,
                             const char **text)
{
    return folder_cmd(c, "RENAME", "rename_folder", old_name, new_name, 1, text);
}

int imapclient_subscribe_folder(imapclient *c, const char *folder, const char **text)
{
    return folder_cmd(c, "SUBSCRIBE", "subscribe_folder", folder, NULL, 0, text);
}

int imapclient_unsubscribe_folder(imapclient *c, const char *folder, const char **text)
{
    return folder_cmd(c, "UNSUBSCRIBE", "unsubscribe_folder", folder, NULL, 0, text);
}
