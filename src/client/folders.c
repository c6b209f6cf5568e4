/*
 * Folders: LIST, LSUB, XLIST, special folders, folder_exists, STATUS,
 * CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE. The helpers shared with
 * select.c and namespace.c are in folderutil.c.
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

/* The STATUS helpers (below), shared with LIST-STATUS. */
typedef struct status_state status_state;
static int status_reply(imapclient *c, const imapclient_response *r, const char **name,
                        size_t *len, const imapclient_value **list);
static int build_status(imapclient *c, status_state *st, imapclient_status_info *s);
static status_state *status_state_new(imc_arena *a);
static void status_state_set(status_state *st, const imapclient_value *list,
                             const char *mailbox, size_t len);
static int status_has_reply(const status_state *st);

typedef struct list_state {
    const char *verb; /* the untagged response wanted: LIST, LSUB, XLIST */
    const char *alt;  /* also accepted (XLIST: LIST), or NULL */
    imc_arena *a;
    imapclient_folder *v;
    size_t n, cap;
    int failed;
    /* LIST-STATUS: the STATUS replies of listed folders are ours; an index
     * of the raw names (open addressing: index + 1, 0 empty) finds them */
    int status;
    uint32_t *slots;
    size_t nslots;
    /* NOTIFY is on: only answers are taken (list_answer()); the reference
     * and patterns as sent */
    int strict;
    const char *ref;
    const char *const *pats;
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

/* "INBOX" in any case, alone or before the delimiter (RFC 3501 5.1). */
static int inbox_prefix(const char *s, size_t n, char delim)
{
    return n >= 5 && !strncasecmp(s, "INBOX", 5) && (n == 5 || s[5] == delim);
}

/* Whether the folder name s matches the pattern p (RFC 3501 6.3.8: '*'
 * matches anything, '%' anything but the hierarchy delimiter; INBOX in any
 * case). Row by row over the name, so any pattern costs O(|p| * |s|). */
static int wild_match(const char *p, size_t pn, const char *s, size_t sn, char delim)
{
    unsigned char *prev = calloc(2 * (sn + 1), 1);
    if (!prev)
        return 1; /* out of memory: do not lose an answer */
    unsigned char *cur = prev + sn + 1;
    int ci = inbox_prefix(p, pn, delim) && inbox_prefix(s, sn, delim);
    prev[0] = 1;
    for (size_t i = 0; i < pn; i++) {
        char pc = p[i];
        if (pc == '*') {
            unsigned char any = 0;
            for (size_t j = 0; j <= sn; j++)
                cur[j] = any = any | prev[j];
        } else if (pc == '%') {
            cur[0] = prev[0];
            for (size_t j = 1; j <= sn; j++)
                cur[j] = prev[j] || (cur[j - 1] && (!delim || s[j - 1] != delim));
        } else {
            cur[0] = 0;
            for (size_t j = 1; j <= sn; j++) {
                char sc = s[j - 1];
                int eq = sc == pc ||
                         (ci && i < 5 && j - 1 == i && ((sc | 0x20) == (pc | 0x20)));
                cur[j] = prev[j - 1] && eq;
            }
        }
        unsigned char *t = prev;
        prev = cur;
        cur = t;
    }
    int m = prev[sn];
    free(prev < cur ? prev : cur);
    return m;
}

/* Whether a LIST reply for f answers the command (reference + pattern;
 * servers that join them with the delimiter too). Only asked while NOTIFY
 * is on: RFC 5465 section 5.4 reports created, deleted and renamed
 * folders as LIST responses at any time. A rename (OLDNAME) is always an
 * event. */
static int list_answer(const list_state *st, const imapclient_folder *f)
{
    if (f->old_name)
        return 0;
    char delim = f->delimiter ? f->delimiter[0] : 0;
    size_t rl = strlen(st->ref);
    for (size_t i = 0; st->pats[i]; i++) {
        size_t pl = strlen(st->pats[i]);
        char *full = malloc(rl + pl + 2);
        if (!full)
            return 1;
        memcpy(full, st->ref, rl);
        memcpy(full + rl, st->pats[i], pl);
        int m = wild_match(full, rl + pl, f->raw_name, f->raw_name_len, delim);
        if (!m && rl && delim && st->ref[rl - 1] != delim) {
            full[rl] = delim;
            memcpy(full + rl + 1, st->pats[i], pl);
            m = wild_match(full, rl + pl + 1, f->raw_name, f->raw_name_len, delim);
        }
        free(full);
        if (m)
            return 1;
    }
    return 0;
}

/* mbox-list-extended = "(" [mbox-list-extended-item *(SP ...)] ")";
 * mbox-list-extended-item = tag SP tagged-ext-val (RFC 5258 section 6):
 * CHILDINFO (RFC 5258 3.5) and OLDNAME (RFC 9051, RFC 5465 5.4) typed. */
static int extended_typed(imapclient *c, imc_arena *a, imapclient_folder *f)
{
    static const char *const none[] = {NULL};
    f->childinfo = none;
    const imapclient_value *x = f->extended;
    for (size_t i = 0; i + 1 < x->count; i += 2) {
        const imapclient_value *v = &x->items[i + 1];
        if (imapclient_value_is(&x->items[i], "CHILDINFO") &&
            v->type == IMAPCLIENT_VALUE_LIST) {
            if (!(f->childinfo = imc_flags_copy(a, v, &f->childinfo_count)))
                return IMAPCLIENT_ENOMEM;
        } else if (imapclient_value_is(&x->items[i], "OLDNAME") &&
                   v->type == IMAPCLIENT_VALUE_LIST && v->count == 1) {
            size_t len, dl;
            const char *raw = imc_mailbox_text(&v->items[0], &len);
            int rc;
            if (raw && (rc = imc_folder_decode(c, a, raw, len, &f->old_name, &dl)))
                return rc;
        }
    }
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
    f->nonexistent = imapclient_folder_has_flag(f, "\\NonExistent");
    /* mbox-list-extended is one parenthesised list; anything else after the
     * name is kept too, wrapped in a list. */
    if (args->count == 4 && args->items[3].type == IMAPCLIENT_VALUE_LIST)
        f->extended = imc_value_copy(a, &args->items[3]);
    else
        f->extended = tail_list(a, args, 3);
    if (!f->extended)
        return IMAPCLIENT_ENOMEM;
    return extended_typed(c, a, f);
}

static size_t name_hash(const char *s, size_t n)
{
    size_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot of raw name s in the index: where it is, or the empty slot
 * where it would go. */
static size_t name_slot(const list_state *st, const char *s, size_t n)
{
    size_t i = name_hash(s, n) & (st->nslots - 1);
    for (;;) {
        uint32_t k = st->slots[i];
        if (!k)
            return i;
        const imapclient_folder *f = &st->v[k - 1];
        if (f->raw_name_len == n && !memcmp(f->raw_name, s, n))
            return i;
        i = (i + 1) & (st->nslots - 1);
    }
}

/* Index folder st->v[st->n - 1] by its raw name (INBOX upper-cased, so
 * "inbox" finds it); 0 or ENOMEM. */
static int name_index(list_state *st)
{
    if (st->n * 2 > st->nslots) {
        size_t ns = st->nslots ? st->nslots * 2 : 64;
        uint32_t *slots = calloc(ns, sizeof *slots);
        if (!slots)
            return IMAPCLIENT_ENOMEM;
        free(st->slots);
        st->slots = slots;
        st->nslots = ns;
        for (size_t k = 0; k + 1 < st->n; k++)
            st->slots[name_slot(st, st->v[k].raw_name, st->v[k].raw_name_len)] =
                (uint32_t)(k + 1);
    }
    const imapclient_folder *f = &st->v[st->n - 1];
    size_t s = name_slot(st, f->raw_name, f->raw_name_len);
    if (!st->slots[s])
        st->slots[s] = (uint32_t)st->n;
    return 0;
}

/* A LIST-STATUS reply (RFC 5819): the status of a listed folder. 1 taken,
 * 0 not ours (no such folder listed: an event or another command's). */
static int on_list_status(imapclient *c, list_state *st, const imapclient_response *r)
{
    const char *name;
    size_t len;
    const imapclient_value *list;
    int rc = status_reply(c, r, &name, &len, &list);
    if (rc)
        return rc == IMAPCLIENT_EPROTOCOL ? 0 : rc;
    if (!st->nslots)
        return 0;
    uint32_t k = st->slots[name_slot(st, name, len)];
    if (!k && len == 5 && !strncasecmp(name, "INBOX", 5))
        for (size_t i = 0; i < st->n && !k; i++)
            if (st->v[i].raw_name_len == 5 && !strncasecmp(st->v[i].raw_name, "INBOX", 5))
                k = (uint32_t)(i + 1);
    if (!k)
        return 0;
    imapclient_folder *f = &st->v[k - 1];
    status_state *ss = status_state_new(st->a);
    imapclient_status_info *s = imc_arena_calloc(st->a, 1, sizeof *s);
    const imapclient_value *copy = imc_value_copy(st->a, list);
    if (!ss || !s || !copy)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    status_state_set(ss, copy, f->raw_name, f->raw_name_len);
    if ((rc = build_status(c, ss, s)))
        return imc_fail(c, rc, "out of memory");
    f->status = s;
    return 1;
}

static int on_list(imapclient *c, const imapclient_response *r, void *ud)
{
    list_state *st = ud;
    if (r->has_number)
        return 0;
    if (st->status && !strcmp(r->name, "STATUS")) {
        if (st->failed)
            return 1;
        int rc = on_list_status(c, st, r);
        if (rc < 0)
            st->failed = 1;
        return rc;
    }
    if (strcmp(r->name, st->verb) != 0 && !(st->alt && !strcmp(r->name, st->alt)))
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
        /* while NOTIFY is on, a malformed LIST may be a malformed event */
        if (st->strict)
            return 0;
        st->failed = 1;
        return imc_fail(c, rc, "%s: malformed reply: %.200s", st->verb,
                        r->raw ? r->raw : "");
    }
    if (rc) {
        st->failed = 1;
        return imc_fail(c, rc, "out of memory");
    }
    if (st->strict && !list_answer(st, f))
        return 0; /* a NOTIFY event: for the caller */
    st->n++;
    if (st->status && name_index(st)) {
        st->failed = 1;
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    return 1;
}

/* One LIST-like command: verb [selection] directory patterns [returns]. */
typedef struct list_args {
    const char *verb;          /* LIST, LSUB, XLIST */
    const char *selection;     /* fixed syntax such as "(SPECIAL-USE)", or NULL */
    const char *returns;       /* fixed syntax such as "RETURN (SPECIAL-USE)", or NULL */
    const char *const *status; /* STATUS items of RETURN (STATUS (...)), or NULL */
    const char *directory;     /* caller's UTF-8, NULL for "" */
    const char *const *patterns; /* caller's UTF-8, NULL-terminated */
    int multi;                   /* patterns sent as a list (LIST-EXTENDED) */
} list_args;

/* A LIST-like command, for both fronts; for imapclient_start_list_status()
 * without LIST-STATUS, followed by one STATUS per selectable folder. */
typedef struct list_op {
    imc_request rq; /* first */
    list_state st;
    imapclient_folder_list *res; /* until rq.out takes it */
    /* imapclient_start_list_extended(): the options, checked when the
     * command goes out */
    const char *call;
    imapclient_list_options opts;
    size_t npatterns;
    /* imapclient_start_list_status() without LIST-STATUS: the items, and
     * the folder whose STATUS runs (as a follow-up of the LIST) */
    const char *const *items; /* owned (one block), or NULL */
    int statuses;
    size_t next;
    imapclient_folder *cur;
    status_state *sst;
} list_op;

static void list_op_release(list_op *op)
{
    free(op->st.v);
    op->st.v = NULL;
    free(op->st.slots);
    op->st.slots = NULL;
    imc_result_free(op->res);
    op->res = NULL;
    free((void *)op->items);
    op->items = NULL;
    free((void *)op->opts.status_items);
    op->opts.status_items = NULL;
}

static void list_done(imapclient *c, imc_request *rq);

/* The command into c->cmd and op (the names encoded, kept in the result's
 * arena for the handlers); 0 or a status (nothing built). */
static int list_build(imapclient *c, const list_args *la, const char *call, list_op *op)
{
    const char *dir;
    int rc;
    size_t np = 0;
    while (la->patterns[np])
        np++;
    if (!(op->res = imc_result_new(sizeof *op->res)))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_arena *a = imc_result_arena(op->res);
    const char **pats = imc_arena_calloc(a, np + 1, sizeof *pats);
    if (!pats)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = imc_folder_encode(c, call, la->directory ? la->directory : "", &dir)))
        return rc;
    if (!(dir = imc_arena_strndup(a, dir, strlen(dir))))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    for (size_t i = 0; i < np; i++) {
        if ((rc = imc_folder_encode(c, call, la->patterns[i], &pats[i])))
            return rc;
        if (!(pats[i] = imc_arena_strndup(a, pats[i], strlen(pats[i]))))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    /* Some XLIST servers answer with LIST responses. */
    op->st = (list_state){.verb = la->verb,
                          .alt = strcmp(la->verb, "XLIST") ? NULL : "LIST",
                          .a = a,
                          .status = la->status != NULL,
                          .strict = c->notify_on && strcmp(la->verb, "LSUB") != 0,
                          .ref = dir,
                          .pats = pats};
    op->rq.on_untagged = on_list;
    op->rq.ud = &op->st;
    op->rq.on_done = list_done;
    imc_begin(c, la->verb);
    if (la->selection) {
        imc_put_sp(&c->cmd);
        imc_put_raw(&c->cmd, la->selection);
    }
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, dir, strlen(dir));
    imc_put_raw(&c->cmd, la->multi ? " (" : " ");
    for (size_t i = 0; i < np; i++) {
        if (i)
            imc_put_sp(&c->cmd);
        imc_put_astring(&c->cmd, pats[i], strlen(pats[i]));
    }
    if (la->multi)
        imc_put_raw(&c->cmd, ")");
    if (la->returns || la->status) {
        imc_put_raw(&c->cmd, " RETURN (");
        if (la->returns)
            imc_put_raw(&c->cmd, la->returns);
        if (la->status) {
            imc_put_raw(&c->cmd, la->returns ? " STATUS (" : "STATUS (");
            for (size_t i = 0; la->status[i]; i++) {
                if (i)
                    imc_put_sp(&c->cmd);
                imc_put_raw(&c->cmd, la->status[i]);
            }
            imc_put_raw(&c->cmd, ")");
        }
        imc_put_raw(&c->cmd, ")");
    }
    return 0;
}

static int on_status(imapclient *c, const imapclient_response *r, void *ud);

/* The next selectable folder's STATUS as a follow-up of op's command: 1
 * queued, 0 none left, negative a failure. */
static int list_next_status(imapclient *c, list_op *op)
{
    imapclient_folder_list *l = op->res;
    while (op->next < l->count) {
        imapclient_folder *f = &l->folders[op->next++];
        if (f->nonexistent || imapclient_folder_has_flag(f, "\\Noselect"))
            continue;
        status_state *st = status_state_new(imc_result_arena(l));
        if (!st)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        status_state_set(st, NULL, f->raw_name, f->raw_name_len);
        imc_begin(c, "STATUS");
        imc_put_sp(&c->cmd);
        imc_put_astring(&c->cmd, f->raw_name, f->raw_name_len);
        imc_put_raw(&c->cmd, " (");
        for (size_t k = 0; op->items[k]; k++) {
            if (k)
                imc_put_sp(&c->cmd);
            imc_put_raw(&c->cmd, op->items[k]);
        }
        imc_put_raw(&c->cmd, ")");
        op->cur = f;
        op->sst = st;
        op->rq.on_untagged = on_status;
        op->rq.ud = st;
        int rc = imc_core_followup(c, &op->rq);
        if (rc == IMAPCLIENT_EINVAL) {
            /* a name that cannot be sent back (a NUL in it): no status */
            c->errcode = 0;
            c->errmsg[0] = '\0';
            continue;
        }
        return rc ? rc : 1;
    }
    return 0;
}

static void list_done(imapclient *c, imc_request *rq)
{
    list_op *op = (list_op *)rq;
    int rc = rq->rc;
    if (op->cur) {
        /* a STATUS of the fallback: a refusal (deleted in between) or no
         * reply leaves the folder without status */
        imapclient_status_info *s = NULL;
        if (!rc && status_has_reply(op->sst) &&
            (s = imc_arena_calloc(imc_result_arena(op->res), 1, sizeof *s)) &&
            build_status(c, op->sst, s) == 0)
            op->cur->status = s;
        if (rc == IMAPCLIENT_ERROR) {
            rc = 0;
            c->errcode = 0;
            c->errmsg[0] = '\0';
        }
        op->cur = NULL;
    } else if (!rc) {
        imapclient_folder_list *l = op->res;
        l->folders =
            imc_arena_calloc(op->st.a, op->st.n ? op->st.n : 1, sizeof *l->folders);
        if (!l->folders)
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        else if (op->st.n)
            memcpy(l->folders, op->st.v, op->st.n * sizeof *op->st.v);
        l->count = op->st.n;
        free(op->st.v);
        op->st.v = NULL;
    }
    if (!rc && op->statuses) {
        int more = list_next_status(c, op);
        if (more > 0)
            return; /* on_done runs again with its completion */
        rc = more;
    }
    rq->rc = rc;
    if (!rc) {
        rq->out = op->res;
        op->res = NULL;
    }
}

/* Run one LIST-like command without imc_call_begin(); 0 or a status. */
static int run_list(imapclient *c, const list_args *la, const char *call,
                    imapclient_folder_list **out)
{
    *out = NULL;
    list_op op = {0};
    int rc = list_build(c, la, call, &op);
    if (!rc)
        rc = imc_run(c, &op.rq);
    list_op_release(&op);
    if (!rc)
        *out = op.rq.out;
    return rc;
}

/* LIST/LSUB/XLIST [selection] directory pattern [return], without
 * imc_call_begin(). select_opts is fixed syntax such as "(SPECIAL-USE)",
 * return_opts such as "RETURN (SPECIAL-USE)", or NULL. */
static int do_list(imapclient *c, const char *verb, const char *select_opts,
                   const char *return_opts, const char *call, const char *directory,
                   const char *pattern, imapclient_folder_list **out)
{
    /* (the RETURN keyword and parentheses are run_list()'s) */
    char ret[64] = "";
    if (return_opts) {
        const char *p = strchr(return_opts, '(');
        size_t n = p ? strlen(p + 1) : 0;
        if (!p || n < 1 || n >= sizeof ret)
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: bad return options", call);
        memcpy(ret, p + 1, n - 1);
    }
    const char *pats[] = {pattern ? pattern : "*", NULL};
    list_args la = {.verb = verb,
                    .selection = select_opts,
                    .returns = return_opts ? ret : NULL,
                    .directory = directory,
                    .patterns = pats};
    return run_list(c, &la, call, out);
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
    /* IMAP4rev2 has no LSUB: LIST (SUBSCRIBED) lists the subscriptions
     * (RFC 9051 section 6.3.9, appendix E) */
    if (!strcmp(verb, "LSUB") && imc_rev2(c))
        rc = do_list(c, "LIST", "(SUBSCRIBED)", NULL, call, directory, pattern, &l);
    else
        rc = do_list(c, verb, NULL, NULL, call, directory, pattern, &l);
    if (rc)
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

/* ---- LIST-EXTENDED, LIST-STATUS ------------------------------------------ */

static int check_status_items(imapclient *c, const char *call, const char *const *items);
static int status_items_ok(imapclient *c, const char *const *items);

#define SELECTION_ALL                                                                    \
    (IMAPCLIENT_LIST_SUBSCRIBED | IMAPCLIENT_LIST_REMOTE |                               \
     IMAPCLIENT_LIST_RECURSIVEMATCH | IMAPCLIENT_LIST_SPECIAL_USE)
#define RETURNS_ALL                                                                      \
    (IMAPCLIENT_LIST_RETURN_CHILDREN | IMAPCLIENT_LIST_RETURN_SUBSCRIBED |               \
     IMAPCLIENT_LIST_RETURN_SPECIAL_USE)

/* Check the options and the capabilities they need (RFC 5258 sections 3
 * and 6, RFC 6154 sections 4 and 5.1, RFC 5819), and write them as
 * syntax into sel and ret. 0 or a status (nothing sent). */
static int list_options(imapclient *c, const char *call, const imapclient_list_options *o,
                        size_t npatterns, char sel[96], char ret[96], int caps)
{
    static const char *const ext = "LIST-EXTENDED";
    sel[0] = ret[0] = '\0';
    unsigned s = o ? o->selection : 0, r = o ? o->returns : 0;
    int rc;
    if ((s & ~SELECTION_ALL) || (r & ~RETURNS_ALL))
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: unknown LIST option bits", call);
    if ((s & IMAPCLIENT_LIST_RECURSIVEMATCH) &&
        !(s & (IMAPCLIENT_LIST_SUBSCRIBED | IMAPCLIENT_LIST_SPECIAL_USE)))
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "%s: RECURSIVEMATCH needs another selection option "
                        "(RFC 5258 section 3.1)",
                        call);
    if (caps &&
        (s || npatterns > 1 ||
         (r & (IMAPCLIENT_LIST_RETURN_CHILDREN | IMAPCLIENT_LIST_RETURN_SUBSCRIBED))) &&
        (rc = imc_require_ext(c, ext, call)))
        return rc;
    if (caps &&
        (s & IMAPCLIENT_LIST_SPECIAL_USE || r & IMAPCLIENT_LIST_RETURN_SPECIAL_USE) &&
        (rc = imc_require_ext(c, "SPECIAL-USE", call)))
        return rc;
    if (o && o->status_items) {
        /* "STATUS" SP "(" status-att *(SP status-att) ")" (RFC 5819) */
        if (!o->status_items[0])
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: no status items", call);
        for (size_t i = 0; o->status_items[i]; i++)
            if (!imc_syntax_valid(o->status_items[i], IMC_SYNTAX_ATOM))
                return imc_fail(c, IMAPCLIENT_EINVAL, "%s: invalid status item", call);
        if (caps && ((rc = imc_require_ext(c, "LIST-STATUS", call)) ||
                     (rc = check_status_items(c, call, o->status_items))))
            return rc;
    }
    static const struct {
        unsigned bit;
        const char *name;
    } sels[] = {{IMAPCLIENT_LIST_SUBSCRIBED, "SUBSCRIBED"},
                {IMAPCLIENT_LIST_REMOTE, "REMOTE"},
                {IMAPCLIENT_LIST_SPECIAL_USE, "SPECIAL-USE"},
                {IMAPCLIENT_LIST_RECURSIVEMATCH, "RECURSIVEMATCH"}},
      rets[] = {{IMAPCLIENT_LIST_RETURN_CHILDREN, "CHILDREN"},
                {IMAPCLIENT_LIST_RETURN_SUBSCRIBED, "SUBSCRIBED"},
                {IMAPCLIENT_LIST_RETURN_SPECIAL_USE, "SPECIAL-USE"}};
    for (size_t i = 0; i < sizeof sels / sizeof sels[0]; i++)
        if (s & sels[i].bit) {
            strcat(sel, *sel ? " " : "(");
            strcat(sel, sels[i].name);
        }
    if (*sel)
        strcat(sel, ")");
    for (size_t i = 0; i < sizeof rets / sizeof rets[0]; i++)
        if (r & rets[i].bit) {
            if (*ret)
                strcat(ret, " ");
            strcat(ret, rets[i].name);
        }
    return 0;
}

int imapclient_list_extended(imapclient *c, const char *directory,
                             const char *const *patterns,
                             const imapclient_list_options *opts,
                             imapclient_folder_list **out)
{
    static const char call[] = "list_extended";
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, call)))
        return rc;
    static const char *const all[] = {"*", NULL};
    if (!patterns)
        patterns = all;
    size_t np = 0;
    while (patterns[np])
        np++;
    if (!np)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: no pattern", call);
    char sel[96], ret[96];
    if ((rc = list_options(c, call, opts, np, sel, ret, 1)))
        return rc;
    list_args la = {.verb = "LIST",
                    .selection = *sel ? sel : NULL,
                    .returns = *ret ? ret : NULL,
                    .status = opts ? opts->status_items : NULL,
                    .directory = directory,
                    .patterns = patterns,
                    .multi = np > 1};
    imapclient_folder_list *l = NULL;
    if ((rc = run_list(c, &la, call, &l)))
        return rc;
    if (out)
        *out = l;
    else
        imc_result_free(l);
    return 0;
}

/* The reference's default STATUS items; IMAP4rev2 has no RECENT (RFC 9051
 * section 6.3.11). */
static const char *const default_status_items[] = {"MESSAGES",    "RECENT", "UIDNEXT",
                                                   "UIDVALIDITY", "UNSEEN", NULL};
static const char *const default_status_items_rev2[] = {"MESSAGES", "UIDNEXT",
                                                        "UIDVALIDITY", "UNSEEN", NULL};

/* The STATUS items of a call: the caller's, or the defaults (IMAP4rev2
 * has no RECENT) when it gave none; 0 when they may be sent. */
static int status_items_or_default(imapclient *c, const char *const **items)
{
    if (!*items)
        *items = imc_rev2(c) ? default_status_items_rev2 : default_status_items;
    return status_items_ok(c, *items);
}

/* The STATUS commands of imapclient_list_status() without LIST-STATUS:
 * one per folder that can be selected, all sent before the first answer
 * is awaited (RFC 3501 5.5 lets STATUS commands share the wire). */
typedef struct status_one {
    imc_request rq;
    status_state *st;
    imapclient_folder *f;
    int submitted;
} status_one;

static int on_status(imapclient *c, const imapclient_response *r, void *ud);

static int statuses_pipelined(imapclient *c, imapclient_folder_list *l,
                              const char *const *items)
{
    imc_arena *a = imc_result_arena(l);
    status_one *ops = calloc(l->count ? l->count : 1, sizeof *ops);
    if (!ops)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < l->count && !rc; i++) {
        imapclient_folder *f = &l->folders[i];
        if (f->nonexistent || imapclient_folder_has_flag(f, "\\Noselect"))
            continue;
        status_one *o = &ops[i];
        o->f = f;
        if (!(o->st = status_state_new(a))) {
            rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            break;
        }
        status_state_set(o->st, NULL, f->raw_name, f->raw_name_len);
        imc_begin(c, "STATUS");
        imc_put_sp(&c->cmd);
        imc_put_astring(&c->cmd, f->raw_name, f->raw_name_len);
        imc_put_raw(&c->cmd, " (");
        for (size_t k = 0; items[k]; k++) {
            if (k)
                imc_put_sp(&c->cmd);
            imc_put_raw(&c->cmd, items[k]);
        }
        imc_put_raw(&c->cmd, ")");
        o->rq.on_untagged = on_status;
        o->rq.ud = o->st;
        o->rq.pipe = IMC_PIPE_FREE;
        if ((rc = imc_core_submit(c, &o->rq)) == IMAPCLIENT_EINVAL) {
            /* a name that cannot be sent back (a NUL in it): no status */
            c->errcode = 0;
            c->errmsg[0] = '\0';
            rc = 0;
            continue;
        }
        if (rc)
            break;
        o->submitted = 1;
    }
    /* every command sent is waited for, whatever happened to the others */
    int failed = rc;
    for (size_t i = 0; i < l->count; i++) {
        status_one *o = &ops[i];
        if (!o->submitted)
            continue;
        int r1 = imc_front_wait(c, &o->rq);
        if (r1 == IMAPCLIENT_ERROR || failed)
            continue; /* refused (deleted in between): no status */
        if (r1) {
            failed = r1;
            continue;
        }
        imapclient_status_info *s = imc_arena_calloc(a, 1, sizeof *s);
        if (!s) {
            failed = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            continue;
        }
        if (status_has_reply(o->st) && build_status(c, o->st, s) == 0)
            o->f->status = s;
    }
    free(ops);
    if (!failed) {
        c->errcode = 0;
        c->errmsg[0] = '\0';
    }
    return failed;
}

int imapclient_list_status(imapclient *c, const char *directory, const char *pattern,
                           const char *const *items, imapclient_folder_list **out)
{
    static const char call[] = "list_status";
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, call)) || (rc = imc_caps_ensure(c)))
        return rc;
    if (!items)
        items = imc_rev2(c) ? default_status_items_rev2 : default_status_items;
    if (!items[0])
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: no status items", call);
    if ((rc = check_status_items(c, call, items)))
        return rc;
    const char *pats[] = {pattern ? pattern : "*", NULL};
    list_args la = {.verb = "LIST", .directory = directory, .patterns = pats};
    int one_trip = imc_has_ext(c, "LIST-STATUS");
    if (one_trip)
        la.status = items;
    imapclient_folder_list *l = NULL;
    if ((rc = run_list(c, &la, call, &l)))
        return rc;
    if (!one_trip && (rc = statuses_pipelined(c, l, items))) {
        imc_result_free(l);
        return rc;
    }
    if (out)
        *out = l;
    else
        imc_result_free(l);
    return 0;
}

static void list_op_free(imc_request *rq)
{
    list_op_release((list_op *)rq);
    free(rq);
}

static void folder_list_free(void *p)
{
    imapclient_folder_list_free(p);
}

static const char *const *strv_dup(const char *const *v);

/* imapclient_start_list_extended(): the options' capabilities when it goes
 * out */
static int list_ext_check(imapclient *c, imc_request *rq)
{
    list_op *op = (list_op *)rq;
    char sel[96], ret[96];
    int rc = imc_require_auth(c, op->call);
    return rc ? rc : list_options(c, op->call, &op->opts, op->npatterns, sel, ret, 1);
}

int imapclient_start_list_extended(imapclient *c, const char *directory,
                                   const char *const *patterns,
                                   const imapclient_list_options *opts,
                                   imapclient_done_cb cb, void *user, uint64_t *id)
{
    static const char call[] = "list_extended";
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    static const char *const all[] = {"*", NULL};
    if (!patterns)
        patterns = all;
    size_t np = 0;
    while (patterns[np])
        np++;
    if (!np)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: no pattern", call);
    /* the syntax now (capabilities as known, checked again when it goes
     * out) */
    char sel[96], ret[96];
    imapclient_list_options none = {0};
    imapclient_list_options o = opts ? *opts : none;
    if ((rc = list_options(c, call, &o, np, sel, ret, c->caps_valid)))
        return rc;
    list_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    op->call = call;
    op->opts = o;
    op->opts.status_items = NULL;
    op->npatterns = np;
    if (o.status_items) {
        if (!o.status_items[0]) {
            free(op);
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: no status items", call);
        }
        if (!(op->opts.status_items = strv_dup(o.status_items))) {
            free(op);
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        }
    }
    list_args la = {.verb = "LIST",
                    .selection = *sel ? sel : NULL,
                    .returns = *ret ? ret : NULL,
                    .status = op->opts.status_items,
                    .directory = directory,
                    .patterns = patterns,
                    .multi = np > 1};
    if ((rc = list_build(c, &la, call, op))) {
        list_op_free(&op->rq);
        return rc;
    }
    op->rq.check = list_ext_check;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_LIST, folder_list_free,
                            list_op_free, cb, user, id);
}

static int list_status_check(imapclient *c, imc_request *rq)
{
    list_op *op = (list_op *)rq;
    int rc = imc_require_auth(c, op->call);
    return rc ? rc : check_status_items(c, op->call, op->items);
}

int imapclient_start_list_status(imapclient *c, const char *directory,
                                 const char *pattern, const char *const *items,
                                 imapclient_done_cb cb, void *user, uint64_t *id)
{
    static const char call[] = "list_status";
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if ((rc = status_items_or_default(c, &items)))
        return rc;
    list_op *op = calloc(1, sizeof *op);
    if (!op || !(op->items = strv_dup(items))) {
        free(op);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    op->call = call;
    const char *pats[] = {pattern ? pattern : "*", NULL};
    list_args la = {.verb = "LIST", .directory = directory, .patterns = pats};
    /* one round trip when the server is known to offer LIST-STATUS; else
     * (also while the capabilities are not known) a LIST, then a STATUS
     * per selectable folder */
    if (c->caps_valid && imc_has_ext(c, "LIST-STATUS"))
        la.status = op->items;
    else
        op->statuses = 1;
    if ((rc = list_build(c, &la, call, op))) {
        list_op_free(&op->rq);
        return rc;
    }
    op->rq.check = list_status_check;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_LIST, folder_list_free,
                            list_op_free, cb, user, id);
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
    if (imc_has_ext(c, "SPECIAL-USE") && imc_has_ext(c, "LIST-EXTENDED"))
        rc = do_list(c, "LIST", "(SPECIAL-USE)", NULL, call, "", "*", &l);
    else if (imc_has_ext(c, "SPECIAL-USE"))
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
        if (!l->folders[i].nonexistent &&
            imapclient_folder_has_flag(&l->folders[i], folder_flag)) {
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
        if (l->count && !l->folders[0].nonexistent) {
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
    if (imc_has_ext(c, "NAMESPACE") && (rc = imc_namespace_get(c, &ns)))
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
    /* a wildcard in the name would match other folders too; a folder
     * listed \NonExistent (RFC 5258, RFC 9051) does not exist */
    int wild = strpbrk(folder, "*%") != NULL;
    for (size_t i = 0; i < l->count && !exists; i++)
        exists =
            !l->folders[i].nonexistent && (!wild || same_name(&l->folders[i], folder));
    imc_result_free(l);
    return exists;
}

/* ---- STATUS ------------------------------------------------------------- */

struct status_state {
    imc_arena *a;
    const char *sent;             /* the mailbox name as sent */
    const imapclient_value *list; /* the chosen reply's item list (copied) */
    const char *mailbox;
    size_t mailbox_len;
    int matched; /* the chosen reply names the mailbox sent */
    int failed;
    /* only a reply naming the mailbox sent is taken: NOTIFY is on (a
     * STATUS for another folder is an event), or other STATUS commands
     * are in flight */
    int strict;
};

static status_state *status_state_new(imc_arena *a)
{
    status_state *st = imc_arena_calloc(a, 1, sizeof *st);
    if (st)
        st->a = a;
    return st;
}

/* The state of a reply already chosen (list set), or of a command about
 * to be sent for mailbox (list NULL; mailbox NUL-terminated). */
static void status_state_set(status_state *st, const imapclient_value *list,
                             const char *mailbox, size_t len)
{
    st->list = list;
    st->sent = mailbox;
    st->mailbox = mailbox;
    st->mailbox_len = len;
    st->matched = list != NULL;
    st->failed = list == NULL && mailbox == NULL;
    st->strict = list == NULL;
}

static int status_has_reply(const status_state *st)
{
    return st->list != NULL && !st->failed;
}

/* `STATUS mailbox (list)`: the mailbox (words before the list joined by
 * spaces, for servers that send unquoted names with spaces; in
 * call_arena) and the list. 0, EPROTOCOL (malformed) or ENOMEM. */
static int status_reply(imapclient *c, const imapclient_response *r, const char **name,
                        size_t *len, const imapclient_value **list)
{
    const imapclient_value *args = r->args;
    if (args->count < 2 || args->items[args->count - 1].type != IMAPCLIENT_VALUE_LIST)
        return IMAPCLIENT_EPROTOCOL;
    size_t n = 0;
    for (size_t i = 0; i + 1 < args->count; i++) {
        size_t wl;
        if (!imc_mailbox_text(&args->items[i], &wl))
            return IMAPCLIENT_EPROTOCOL;
        n += wl + (i > 0);
    }
    char *s = imc_arena_alloc(c->call_arena, n + 1);
    if (!s)
        return IMAPCLIENT_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i + 1 < args->count; i++) {
        size_t wl;
        const char *w = imc_mailbox_text(&args->items[i], &wl);
        if (i)
            s[k++] = ' ';
        memcpy(s + k, w, wl);
        k += wl;
    }
    s[k] = '\0';
    *name = s;
    *len = k;
    *list = &args->items[args->count - 1];
    return 0;
}

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
        if (st->strict)
            return 0; /* perhaps a malformed event: for the caller */
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
    if (st->matched || (st->list && !match) || (st->strict && !match))
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
        K("MESSAGES", messages),
        K("RECENT", recent),
        K("UIDNEXT", uidnext),
        K("UIDVALIDITY", uidvalidity),
        K("UNSEEN", unseen),
        K("HIGHESTMODSEQ", highestmodseq),
        K("SIZE", size),
        K("DELETED", deleted),
        K("DELETED-STORAGE", deleted_storage),
        K("APPENDLIMIT", appendlimit),
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
        if (!strcmp(name, "APPENDLIMIT") && val->type == IMAPCLIENT_VALUE_NIL) {
            s->appendlimit = UINT64_MAX; /* RFC 7889 section 4: no limit */
            s->has_appendlimit = 1;
        } else if (!strcmp(name, "MAILBOXID") && val->type == IMAPCLIENT_VALUE_LIST &&
                   val->count == 1 && imc_objectid_valid(&val->items[0])) {
            /* RFC 8474: "MAILBOXID" SP "(" objectid ")" */
            if (!(s->mailboxid =
                      imc_arena_strndup(a, val->items[0].str, val->items[0].len)))
                return IMAPCLIENT_ENOMEM;
        }
        k++;
    }
    s->items = items;
    s->count = k;
    if (st->mailbox)
        return imc_folder_decode(c, a, st->mailbox, st->mailbox_len, &s->folder,
                                 &(size_t){0});
    return 0;
}

/* Status items that belong to an extension, and the capability that
 * offers each (IMAP4rev2 has SIZE, DELETED and DELETED-STORAGE). */
static const struct {
    const char *item, *cap;
} status_ext[] = {
    {"SIZE", "STATUS=SIZE"},          {"DELETED", "IMAP4rev2"},
    {"DELETED-STORAGE", "IMAP4rev2"}, {"MAILBOXID", "OBJECTID"},
    {"APPENDLIMIT", "APPENDLIMIT"},   {"HIGHESTMODSEQ", "CONDSTORE"},
};

/* Each item well-formed, and the server offers what it needs; 0 or a
 * status (nothing sent). */
static int check_status_items(imapclient *c, const char *call, const char *const *items)
{
    int rc;
    for (size_t i = 0; items[i]; i++) {
        /* status-att = 1*ATOM-CHAR in practice ("MESSAGES", "X-GUID"):
         * anything else would break the command */
        if (!imc_syntax_valid(items[i], IMC_SYNTAX_ATOM))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: invalid status item \"%.60s\"",
                            call, items[i]);
        for (size_t k = 0; k < sizeof status_ext / sizeof status_ext[0]; k++) {
            if (strcasecmp(items[i], status_ext[k].item))
                continue;
            if ((rc = imc_caps_ensure(c)))
                return rc;
            const char *cap = status_ext[k].cap;
            /* (APPENDLIMIT=n is one limit for every folder, RFC 7889
             * section 2: Cyrus 3.6 answers STATUS APPENDLIMIT with BAD then;
             * imapclient_get_appendlimit() gives it) */
            /* (QRESYNC implies CONDSTORE, RFC 7162 section 3.2) */
            int ok = !strcmp(cap, "IMAP4rev2") ? imc_rev2(c)
                     : !strcmp(cap, "CONDSTORE")
                         ? imc_has_ext(c, cap) || imc_has_ext(c, "QRESYNC")
                         : imc_has_ext(c, cap);
            if (!ok)
                return imc_fail(c, IMAPCLIENT_ECAPABILITY,
                                "%s: server does not support %s (status item %s)", call,
                                cap, status_ext[k].item);
        }
    }
    return 0;
}

/* A STATUS command, for both fronts. */
typedef struct status_op {
    imc_request rq; /* first */
    status_state st;
    imapclient_status_info *res; /* until rq.out takes it */
    const char *const *items;    /* (async: checked when it goes out) */
} status_op;

static void status_done(imapclient *c, imc_request *rq)
{
    status_op *op = (status_op *)rq;
    int rc = rq->rc;
    if (!rc && !op->st.list)
        rc = imc_fail(c, IMAPCLIENT_EPROTOCOL, "STATUS: the server sent no STATUS reply");
    if (!rc && build_status(c, &op->st, op->res))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    rq->rc = rc;
    if (!rc) {
        rq->out = op->res;
        op->res = NULL;
    }
}

/* The default items, checked; then STATUS "<folder>" (<items>) into
 * c->cmd and op. 0 or a status (nothing built). */
static int status_build(imapclient *c, const char *folder, const char *const *items,
                        int strict, status_op *op)
{
    const char *name;
    int rc = imc_folder_encode(c, "folder_status", folder, &name);
    if (rc)
        return rc;
    if (!(op->res = imc_result_new(sizeof *op->res)))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    op->st =
        (status_state){.a = imc_result_arena(op->res), .sent = name, .strict = strict};
    op->rq.on_untagged = on_status;
    op->rq.ud = &op->st;
    op->rq.on_done = status_done;
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
    return 0;
}

static int status_items_ok(imapclient *c, const char *const *items)
{
    for (size_t i = 0; items[i]; i++)
        if (!imc_syntax_valid(items[i], IMC_SYNTAX_ATOM))
            return imc_fail(c, IMAPCLIENT_EINVAL, "folder_status: invalid status item");
    return items[0] ? 0
                    : imc_fail(c, IMAPCLIENT_EINVAL, "folder_status: no status items");
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
    if ((rc = status_items_or_default(c, &items)) ||
        (rc = check_status_items(c, "folder_status", items)))
        return rc;
    status_op op = {0};
    if ((rc = status_build(c, folder, items, c->notify_on, &op)))
        return rc;
    rc = imc_run(c, &op.rq);
    imc_result_free(op.res);
    if (rc)
        return rc;
    if (out)
        *out = op.rq.out;
    else
        imc_result_free(op.rq.out);
    return 0;
}

/* Started without waiting: the state and the items' capabilities are
 * checked when the command goes out. */
static int status_check(imapclient *c, imc_request *rq)
{
    int rc = imc_require_auth(c, "folder_status");
    return rc ? rc : check_status_items(c, "folder_status", ((status_op *)rq)->items);
}

static void status_op_free(imc_request *rq)
{
    status_op *op = (status_op *)rq;
    imc_result_free(op->res);
    free((void *)op->items);
    free(op);
}

static void status_info_free(void *p)
{
    imapclient_status_info_free(p);
}

/* A copy of a NULL-terminated list in one block. */
static const char *const *strv_dup(const char *const *v)
{
    size_t n = 0, bytes = 0;
    for (; v[n]; n++)
        bytes += strlen(v[n]) + 1;
    char **out = malloc((n + 1) * sizeof *out + bytes);
    if (!out)
        return NULL;
    char *p = (char *)(out + n + 1);
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(v[i]) + 1;
        out[i] = memcpy(p, v[i], k);
        p += k;
    }
    out[n] = NULL;
    return (const char *const *)out;
}

int imapclient_start_folder_status(imapclient *c, const char *folder,
                                   const char *const *items, imapclient_done_cb cb,
                                   void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if ((rc = status_items_or_default(c, &items)))
        return rc;
    status_op *op = calloc(1, sizeof *op);
    if (!op || !(op->items = strv_dup(items))) {
        free(op);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    /* other STATUS commands may be in flight: only the reply naming this
     * folder is this command's */
    if ((rc = status_build(c, folder, items, 1, op))) {
        status_op_free(&op->rq);
        return rc;
    }
    op->rq.check = status_check;
    op->rq.pipe = IMC_PIPE_FREE;
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_STATUS, status_info_free,
                            status_op_free, cb, user, id);
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

/* A special-use attribute: "\\" atom (RFC 6154 use-attr). */
static int use_attr_ok(const char *s)
{
    return s && s[0] == '\\' && imc_syntax_valid(s + 1, IMC_SYNTAX_ATOM);
}

int imapclient_create_folder_ex(imapclient *c, const char *folder,
                                const char *const *special_use,
                                imapclient_create_result **out)
{
    static const char call[] = "create_folder_ex";
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if ((rc = imc_require_auth(c, call)))
        return rc;
    size_t nu = 0;
    for (; special_use && special_use[nu]; nu++)
        if (!use_attr_ok(special_use[nu]))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "%s: \"%.60s\" is not a special-use attribute", call,
                            special_use[nu]);
    /* RFC 6154 section 3: CREATE's USE parameter */
    if (nu && (rc = imc_require_cap(c, "CREATE-SPECIAL-USE", call)))
        return rc;
    const char *name;
    if ((rc = imc_folder_encode(c, call, folder, &name)))
        return rc;
    imapclient_create_result *res = imc_result_new(sizeof *res);
    if (!res)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_begin(c, "CREATE");
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, name, strlen(name));
    if (nu) {
        /* create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")" */
        imc_put_raw(&c->cmd, " (USE (");
        for (size_t i = 0; i < nu; i++) {
            if (i)
                imc_put_sp(&c->cmd);
            imc_put_raw(&c->cmd, special_use[i]);
        }
        imc_put_raw(&c->cmd, "))");
    }
    imc_request rq = {0};
    if ((rc = imc_run(c, &rq))) {
        imc_result_free(res);
        return rc;
    }
    imc_arena *a = imc_result_arena(res);
    const imapclient_response *d = rq.done;
    res->text = imc_arena_strdup(a, d->text ? d->text : "");
    /* RFC 8474 section 4.1: "OK [MAILBOXID (id)]" */
    if (d->code && !strcmp(d->code, "MAILBOXID") && d->code_args->count == 1 &&
        d->code_args->items[0].type == IMAPCLIENT_VALUE_LIST &&
        d->code_args->items[0].count == 1 &&
        imc_objectid_valid(&d->code_args->items[0].items[0])) {
        const imapclient_value *id = &d->code_args->items[0].items[0];
        res->mailboxid = imc_arena_strndup(a, id->str, id->len);
        if (!res->mailboxid)
            res->text = NULL;
    }
    if (!res->text) {
        imc_result_free(res);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    if (out)
        *out = res;
    else
        imc_result_free(res);
    return 0;
}

void imapclient_create_result_free(imapclient_create_result *r)
{
    imc_result_free(r);
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
