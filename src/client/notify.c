/*
 * NOTIFY: NOTIFY SET / NOTIFY NONE, and typed events decoded from the
 * untagged responses that carry them.
 * RFC 5465 (sections 3.1 the command, 5 event types, 5.1-5.7 how each is
 * reported, 6 mailbox specifiers, 8 formal syntax); RFC 5464 section
 * 4.4.2 (unsolicited METADATA); RFC 5258 (LIST extended data: OLDNAME);
 * RFC 7162 (VANISHED, MODSEQ).
 */
#include "condstore_priv.h"
#include "folders_priv.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- NOTIFY SET / NONE ------------------------------------------------------ */

static const char *const filter_names[] = {
    [IMAPCLIENT_NOTIFY_SELECTED] = "selected",
    [IMAPCLIENT_NOTIFY_SELECTED_DELAYED] = "selected-delayed",
    [IMAPCLIENT_NOTIFY_INBOXES] = "inboxes",
    [IMAPCLIENT_NOTIFY_PERSONAL] = "personal",
    [IMAPCLIENT_NOTIFY_SUBSCRIBED] = "subscribed",
    [IMAPCLIENT_NOTIFY_SUBTREE] = "subtree",
    [IMAPCLIENT_NOTIFY_MAILBOXES] = "mailboxes",
};

/* In the order RFC 5465 section 8 lists them. */
static const struct {
    unsigned bit;
    const char *name;
} event_names[] = {
    {IMAPCLIENT_EVENT_MESSAGE_NEW, "MessageNew"},
    {IMAPCLIENT_EVENT_MESSAGE_EXPUNGE, "MessageExpunge"},
    {IMAPCLIENT_EVENT_FLAG_CHANGE, "FlagChange"},
    {IMAPCLIENT_EVENT_ANNOTATION_CHANGE, "AnnotationChange"},
    {IMAPCLIENT_EVENT_MAILBOX_NAME, "MailboxName"},
    {IMAPCLIENT_EVENT_SUBSCRIPTION_CHANGE, "SubscriptionChange"},
    {IMAPCLIENT_EVENT_MAILBOX_METADATA_CHANGE, "MailboxMetadataChange"},
    {IMAPCLIENT_EVENT_SERVER_METADATA_CHANGE, "ServerMetadataChange"},
};

#define ALL_EVENTS 0xffu
#define NEW_EXP    (IMAPCLIENT_EVENT_MESSAGE_NEW | IMAPCLIENT_EVENT_MESSAGE_EXPUNGE)

/* One group's rules (RFC 5465 sections 5 and 6); 0 or EINVAL. */
static int check_group(imapclient *c, const imapclient_notify_group *g, size_t i)
{
    if ((unsigned)g->filter > IMAPCLIENT_NOTIFY_MAILBOXES)
        return imc_fail(c, IMAPCLIENT_EINVAL, "notify_set: group %zu: unknown filter",
                        i + 1);
    if (g->events & ~ALL_EVENTS)
        return imc_fail(c, IMAPCLIENT_EINVAL, "notify_set: group %zu: unknown event bits",
                        i + 1);
    int named = g->filter == IMAPCLIENT_NOTIFY_SUBTREE ||
                g->filter == IMAPCLIENT_NOTIFY_MAILBOXES;
    if (named && (!g->mailboxes || !g->mailboxes[0]))
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "notify_set: group %zu: %s needs at least one mailbox", i + 1,
                        filter_names[g->filter]);
    if (!named && g->mailboxes)
        return imc_fail(
            c, IMAPCLIENT_EINVAL,
            "notify_set: group %zu: only subtree and mailboxes take mailboxes", i + 1);
    int selected = g->filter == IMAPCLIENT_NOTIFY_SELECTED ||
                   g->filter == IMAPCLIENT_NOTIFY_SELECTED_DELAYED;
    unsigned ev = g->events;
    if (selected && (ev & NEW_EXP) && (ev & NEW_EXP) != NEW_EXP)
        return imc_fail(
            c, IMAPCLIENT_EINVAL,
            "notify_set: group %zu: MessageNew and MessageExpunge go together "
            "for the selected mailbox (RFC 5465 section 5)",
            i + 1);
    if (selected &&
        (ev & (IMAPCLIENT_EVENT_FLAG_CHANGE | IMAPCLIENT_EVENT_ANNOTATION_CHANGE)) &&
        (ev & NEW_EXP) != NEW_EXP)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "notify_set: group %zu: FlagChange and AnnotationChange need "
                        "MessageNew and MessageExpunge (RFC 5465 section 5)",
                        i + 1);
    if (g->fetch_attrs && g->fetch_attrs[0]) {
        if (!selected || !(ev & IMAPCLIENT_EVENT_MESSAGE_NEW))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "notify_set: group %zu: fetch attributes need MessageNew for "
                            "the selected mailbox (RFC 5465 section 5.2)",
                            i + 1);
        /* sent as syntax: each must be a well-formed fetch-att, as FETCH's
         * data items (issue 14, item 5) */
        for (size_t k = 0; g->fetch_attrs[k]; k++)
            if (!imc_syntax_valid(g->fetch_attrs[k], IMC_SYNTAX_FETCH_ATT))
                return imc_fail(
                    c, IMAPCLIENT_EINVAL,
                    "notify_set: group %zu: invalid fetch attribute \"%.60s\"", i + 1,
                    g->fetch_attrs[k]);
    }
    return 0;
}

static void put_group(imapclient *c, const imapclient_notify_group *g,
                      const char *const *names)
{
    imc_put_raw(&c->cmd, " (");
    imc_put_raw(&c->cmd, filter_names[g->filter]);
    if (names) {
        int many = names[1] != NULL;
        imc_put_raw(&c->cmd, many ? " (" : " ");
        for (size_t k = 0; names[k]; k++) {
            if (k)
                imc_put_sp(&c->cmd);
            imc_put_astring(&c->cmd, names[k], strlen(names[k]));
        }
        if (many)
            imc_put_raw(&c->cmd, ")");
    }
    if (!g->events) {
        imc_put_raw(&c->cmd, " NONE)");
        return;
    }
    imc_put_raw(&c->cmd, " (");
    int first = 1;
    for (size_t k = 0; k < sizeof event_names / sizeof event_names[0]; k++) {
        if (!(g->events & event_names[k].bit))
            continue;
        if (!first)
            imc_put_sp(&c->cmd);
        first = 0;
        imc_put_raw(&c->cmd, event_names[k].name);
        if (event_names[k].bit == IMAPCLIENT_EVENT_MESSAGE_NEW && g->fetch_attrs &&
            g->fetch_attrs[0]) {
            /* "MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"] */
            imc_put_raw(&c->cmd, " (");
            for (size_t a = 0; g->fetch_attrs[a]; a++) {
                if (a)
                    imc_put_sp(&c->cmd);
                imc_put_verbatim(&c->cmd, g->fetch_attrs[a], strlen(g->fetch_attrs[a]));
            }
            imc_put_raw(&c->cmd, ")");
        }
    }
    imc_put_raw(&c->cmd, "))");
}

/* NOTIFY SET / NONE, for both fronts: on its OK, LIST and STATUS
 * responses may be events from now on (SET), or no longer (NONE). */
typedef struct notify_op {
    imc_request rq; /* first */
    const char *call;
    int on; /* what an OK leaves c->notify_on at */
} notify_op;

static void notify_done(imapclient *c, imc_request *rq)
{
    /* after a refused SET the one before stays */
    if (imc_done_ok(rq))
        c->notify_on = ((notify_op *)rq)->on;
}

static int notify_check(imapclient *c, imc_request *rq)
{
    notify_op *op = (notify_op *)rq;
    int rc = imc_require_auth(c, op->call);
    return rc ? rc : imc_require_cap(c, "NOTIFY", op->call);
}

static int notify_args(imapclient *c, const imapclient_notify_group *groups, size_t n)
{
    int rc;
    if (!groups || n == 0)
        return imc_fail(c, IMAPCLIENT_EINVAL, "notify_set: no event group given");
    for (size_t i = 0; i < n; i++)
        if ((rc = check_group(c, &groups[i], i)))
            return rc;
    return 0;
}

/* NOTIFY SET into c->cmd; 0 or a status (nothing built). */
static int notify_build(imapclient *c, const imapclient_notify_group *groups, size_t n,
                        int status)
{
    int rc;
    /* Every name encoded before the command starts (they live in
     * call_arena); one array of names per group. */
    const char *const **names = imc_arena_calloc(c->call_arena, n, sizeof *names);
    if (!names)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *const *in = groups[i].mailboxes;
        if (!in)
            continue;
        size_t k = 0;
        while (in[k])
            k++;
        const char **enc = imc_arena_calloc(c->call_arena, k + 1, sizeof *enc);
        if (!enc)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        for (size_t j = 0; j < k; j++)
            if ((rc = imc_folder_encode(c, "notify_set", in[j], &enc[j])))
                return rc;
        names[i] = enc;
    }
    /* notify-set = "SET" [SP status-indicator] SP event-groups */
    imc_begin(c, status ? "NOTIFY SET STATUS" : "NOTIFY SET");
    for (size_t i = 0; i < n; i++)
        put_group(c, &groups[i], names[i]);
    return 0;
}

int imapclient_notify_set(imapclient *c, const imapclient_notify_group *groups, size_t n,
                          int status)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    notify_op op = {.rq.on_done = notify_done, .call = "notify_set", .on = 1};
    if ((rc = notify_args(c, groups, n)) || (rc = notify_check(c, &op.rq)) ||
        (rc = notify_build(c, groups, n, status)))
        return rc;
    return imc_run(c, &op.rq);
}

int imapclient_notify_none(imapclient *c)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    notify_op op = {.rq.on_done = notify_done, .call = "notify_none", .on = 0};
    if ((rc = notify_check(c, &op.rq)))
        return rc;
    return imc_simple(c, "NOTIFY NONE", &op.rq);
}

static void notify_op_free(imc_request *rq)
{
    free(rq);
}

static int notify_submit(imapclient *c, const char *call, int on, imapclient_done_cb cb,
                         void *user, uint64_t *id)
{
    notify_op *op = calloc(1, sizeof *op);
    if (!op) {
        imc_cmdbuf_reset(&c->cmd);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    *op = (notify_op){
        .rq = {.on_done = notify_done, .check = notify_check}, .call = call, .on = on};
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_NOTIFY, NULL, notify_op_free, cb,
                            user, id);
}

int imapclient_start_notify_set(imapclient *c, const imapclient_notify_group *groups,
                                size_t n, int status, imapclient_done_cb cb, void *user,
                                uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc || (rc = notify_args(c, groups, n)))
        return rc;
    if ((rc = notify_build(c, groups, n, status)))
        return rc;
    return notify_submit(c, "notify_set", 1, cb, user, id);
}

int imapclient_start_notify_none(imapclient *c, imapclient_done_cb cb, void *user,
                                 uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    imc_begin(c, "NOTIFY NONE");
    return notify_submit(c, "notify_none", 0, cb, user, id);
}

/* ---- events ------------------------------------------------------------------- */

/* A value that is a number (NUMBER, or digits in an atom or string). */
static int number_of(const imapclient_value *v, uint64_t *out)
{
    if (!v)
        return -1;
    if (v->type == IMAPCLIENT_VALUE_NUMBER) {
        *out = v->number;
        return 0;
    }
    if (!IMAPCLIENT_VALUE_IS_TEXT(v) || !v->str || !v->len || v->len > 20)
        return -1;
    uint64_t n = 0;
    for (size_t i = 0; i < v->len; i++) {
        unsigned d = (unsigned)(unsigned char)v->str[i] - '0';
        if (d > 9 || n > (UINT64_MAX - d) / 10)
            return -1;
        n = n * 10 + d;
    }
    *out = n;
    return 0;
}

/* sequence-set of UIDs as the server sends them ("1:3,7"; no "*"), every
 * number 1..2^32-1. Checked, never expanded: "1:4294967295" costs nothing. */
static int uid_set_ok(const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        for (int side = 0; side < 2; side++) {
            uint64_t v = 0;
            size_t digits = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                v = v * 10 + (uint64_t)(s[i] - '0');
                if (v > UINT32_MAX)
                    return 0;
                i++;
                digits++;
            }
            if (!digits || v == 0)
                return 0;
            if (side == 0 && i < n && s[i] == ':')
                i++;
            else
                break;
        }
        if (i == n)
            return 1;
        if (s[i] != ',')
            return 0;
        i++;
    }
}

typedef struct ev_ctx {
    imapclient *c; /* settings only */
    imc_arena *a;
    imapclient_notify_event *e;
} ev_ctx;

static int decode_name(ev_ctx *x, const imapclient_value *v, const char **out)
{
    size_t n = 0;
    const char *raw = imc_mailbox_text(v, &n);
    if (!raw)
        return IMAPCLIENT_EPROTOCOL;
    size_t ignored;
    return imc_folder_decode(x->c, x->a, raw, n, out, &ignored);
}

static const imapclient_value *copy_value(ev_ctx *x, const imapclient_value *v)
{
    return v->type == IMAPCLIENT_VALUE_LIST && !v->count ? &imc_empty_list
                                                         : imc_value_copy(x->a, v);
}

/* `* n FETCH (att value ...)`: UID, FLAGS and MODSEQ typed, all kept. */
static int ev_fetch(ev_ctx *x, const imapclient_response *r)
{
    imapclient_notify_event *e = x->e;
    const imapclient_value *l = r->args->count == 1 ? &r->args->items[0] : NULL;
    if (!l || l->type != IMAPCLIENT_VALUE_LIST || l->count % 2)
        return IMAPCLIENT_EPROTOCOL;
    e->kind = IMAPCLIENT_NOTIFY_FETCH;
    e->number = r->number;
    for (size_t i = 0; i < l->count; i += 2) {
        const imapclient_value *k = &l->items[i], *v = &l->items[i + 1];
        uint64_t n;
        if (imapclient_value_is(k, "UID")) {
            if (number_of(v, &n) || n == 0 || n > UINT32_MAX)
                return IMAPCLIENT_EPROTOCOL;
            e->has_uid = 1;
            e->uid = (uint32_t)n;
        } else if (imapclient_value_is(k, "FLAGS")) {
            if (v->type != IMAPCLIENT_VALUE_LIST)
                return IMAPCLIENT_EPROTOCOL;
            if (!(e->flags = imc_flags_copy(x->a, v, &e->flag_count)))
                return IMAPCLIENT_ENOMEM;
            e->has_flags = 1;
        } else if (imapclient_value_is(k, "MODSEQ")) {
            /* "MODSEQ" SP "(" mod-sequence-value ")" (RFC 7162 section 7) */
            if (v->type != IMAPCLIENT_VALUE_LIST || v->count != 1 ||
                number_of(&v->items[0], &n))
                return IMAPCLIENT_EPROTOCOL;
            e->has_modseq = 1;
            e->modseq = n;
        }
    }
    return (e->items = copy_value(x, l)) ? 0 : IMAPCLIENT_ENOMEM;
}

/* `* VANISHED [(EARLIER)] known-uids` (RFC 7162 section 3.2.10) */
static int ev_vanished(ev_ctx *x, const imapclient_response *r)
{
    imapclient_notify_event *e = x->e;
    const imapclient_value *a = r->args;
    size_t i = 0;
    if (a->count == 2 && a->items[0].type == IMAPCLIENT_VALUE_LIST &&
        a->items[0].count == 1 && imapclient_value_is(&a->items[0].items[0], "EARLIER")) {
        e->earlier = 1;
        i = 1;
    }
    if (a->count != i + 1)
        return IMAPCLIENT_EPROTOCOL;
    const imapclient_value *set = &a->items[i];
    if (!IMAPCLIENT_VALUE_IS_TEXT(set) || !set->str || !uid_set_ok(set->str, set->len))
        return IMAPCLIENT_EPROTOCOL;
    e->kind = IMAPCLIENT_NOTIFY_VANISHED;
    if (!(e->uid_set = imc_arena_strndup(x->a, set->str, set->len)))
        return IMAPCLIENT_ENOMEM;
    /* and typed, as the change record reads it */
    imc_ranges v = {0};
    int earlier = 0;
    int rc = imc_vanished_read(r, &earlier, &v);
    if (rc == 1)
        rc = imc_ranges_freeze(x->a, &v, &e->vanished);
    else if (rc == 0)
        rc = IMAPCLIENT_EPROTOCOL;
    imc_ranges_free(&v);
    return rc;
}

/* `* STATUS mailbox (item value ...)` */
static int ev_status(ev_ctx *x, const imapclient_response *r)
{
    static const struct {
        const char *name;
        unsigned bit;
        size_t off;
    } known[] = {
        {"MESSAGES", IMAPCLIENT_NOTIFY_HAS_MESSAGES,
         offsetof(imapclient_notify_event, messages)},
        {"UIDNEXT", IMAPCLIENT_NOTIFY_HAS_UIDNEXT,
         offsetof(imapclient_notify_event, uidnext)},
        {"UIDVALIDITY", IMAPCLIENT_NOTIFY_HAS_UIDVALIDITY,
         offsetof(imapclient_notify_event, uidvalidity)},
        {"UNSEEN", IMAPCLIENT_NOTIFY_HAS_UNSEEN,
         offsetof(imapclient_notify_event, unseen)},
        {"HIGHESTMODSEQ", IMAPCLIENT_NOTIFY_HAS_HIGHESTMODSEQ,
         offsetof(imapclient_notify_event, highestmodseq)},
        {"RECENT", IMAPCLIENT_NOTIFY_HAS_RECENT,
         offsetof(imapclient_notify_event, recent)},
    };
    imapclient_notify_event *e = x->e;
    const imapclient_value *a = r->args;
    if (a->count != 2 || a->items[1].type != IMAPCLIENT_VALUE_LIST ||
        a->items[1].count % 2)
        return IMAPCLIENT_EPROTOCOL;
    int rc = decode_name(x, &a->items[0], &e->mailbox);
    if (rc)
        return rc;
    const imapclient_value *l = &a->items[1];
    for (size_t i = 0; i < l->count; i += 2)
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
            uint64_t n;
            if (!imapclient_value_is(&l->items[i], known[k].name))
                continue;
            if (number_of(&l->items[i + 1], &n))
                return IMAPCLIENT_EPROTOCOL;
            memcpy((char *)e + known[k].off, &n, sizeof n);
            e->status_items |= known[k].bit;
        }
    e->kind = IMAPCLIENT_NOTIFY_STATUS;
    return (e->items = copy_value(x, l)) ? 0 : IMAPCLIENT_ENOMEM;
}

/* `* LIST (attributes) delimiter mailbox [("OLDNAME" (old))]` (RFC 5465
 * 5.4 and 5.5, RFC 5258 section 9 mbox-list-extended). */
static int ev_list(ev_ctx *x, const imapclient_response *r)
{
    imapclient_notify_event *e = x->e;
    const imapclient_value *a = r->args;
    if (a->count < 3 || a->count > 4 || a->items[0].type != IMAPCLIENT_VALUE_LIST)
        return IMAPCLIENT_EPROTOCOL;
    const imapclient_value *attrs = &a->items[0], *delim = &a->items[1];
    if (delim->type != IMAPCLIENT_VALUE_NIL) {
        if (!IMAPCLIENT_VALUE_IS_TEXT(delim) || !delim->str)
            return IMAPCLIENT_EPROTOCOL;
        if (!(e->delimiter = imc_arena_strndup(x->a, delim->str, delim->len)))
            return IMAPCLIENT_ENOMEM;
    }
    int rc = decode_name(x, &a->items[2], &e->mailbox);
    if (rc)
        return rc;
    if (!(e->attributes = imc_flags_copy(x->a, attrs, &e->attribute_count)))
        return IMAPCLIENT_ENOMEM;
    for (size_t i = 0; i < e->attribute_count; i++) {
        if (!strcasecmp(e->attributes[i], "\\NonExistent"))
            e->nonexistent = 1;
        else if (!strcasecmp(e->attributes[i], "\\Subscribed"))
            e->subscribed = 1;
    }
    if (a->count == 4) {
        const imapclient_value *ext = &a->items[3];
        if (ext->type != IMAPCLIENT_VALUE_LIST || ext->count % 2)
            return IMAPCLIENT_EPROTOCOL;
        for (size_t i = 0; i < ext->count; i += 2) {
            const imapclient_value *v = &ext->items[i + 1];
            if (!imapclient_value_is(&ext->items[i], "OLDNAME"))
                continue;
            /* "OLDNAME" SP "(" mailbox ")" */
            if (v->type != IMAPCLIENT_VALUE_LIST || v->count != 1)
                return IMAPCLIENT_EPROTOCOL;
            if ((rc = decode_name(x, &v->items[0], &e->old_mailbox)))
                return rc;
        }
    }
    e->kind = IMAPCLIENT_NOTIFY_MAILBOX;
    return 0;
}

/* `* METADATA mailbox entry *(SP entry)` (RFC 5464 4.4.2); a list of
 * entries and values (as GETMETADATA gives) counts by its names. */
static int ev_metadata(ev_ctx *x, const imapclient_response *r)
{
    imapclient_notify_event *e = x->e;
    const imapclient_value *a = r->args;
    if (a->count < 2)
        return IMAPCLIENT_EPROTOCOL;
    int rc = decode_name(x, &a->items[0], &e->mailbox);
    if (rc)
        return rc;
    const imapclient_value *src = a->items + 1;
    size_t n = a->count - 1, step = 1;
    if (n == 1 && src->type == IMAPCLIENT_VALUE_LIST) {
        if (src->count % 2)
            return IMAPCLIENT_EPROTOCOL;
        n = src->count;
        src = src->items;
        step = 2;
    }
    const char **names = imc_arena_calloc(x->a, n / step + 1, sizeof *names);
    if (!names)
        return IMAPCLIENT_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i += step) {
        if (!IMAPCLIENT_VALUE_IS_TEXT(&src[i]) || !src[i].str)
            return IMAPCLIENT_EPROTOCOL;
        if (!(names[k++] = imc_arena_strndup(x->a, src[i].str, src[i].len)))
            return IMAPCLIENT_ENOMEM;
    }
    e->entries = names;
    e->entry_count = k;
    e->kind = IMAPCLIENT_NOTIFY_METADATA;
    return 0;
}

static int decode(ev_ctx *x, const imapclient_response *r)
{
    const char *name = r->name;
    if (r->has_number) {
        if (!strcmp(name, "EXISTS") || !strcmp(name, "EXPUNGE")) {
            if (r->args->count)
                return IMAPCLIENT_EPROTOCOL;
            x->e->kind = !strcmp(name, "EXISTS") ? IMAPCLIENT_NOTIFY_EXISTS
                                                 : IMAPCLIENT_NOTIFY_EXPUNGE;
            x->e->number = r->number;
            return 0;
        }
        if (!strcmp(name, "FETCH"))
            return ev_fetch(x, r);
        return 1;
    }
    if (!strcmp(name, "VANISHED"))
        return ev_vanished(x, r);
    if (!strcmp(name, "STATUS"))
        return ev_status(x, r);
    if (!strcmp(name, "LIST"))
        return ev_list(x, r);
    if (!strcmp(name, "METADATA"))
        return ev_metadata(x, r);
    if (!strcmp(name, "OK") && r->code && !strcmp(r->code, "NOTIFICATIONOVERFLOW")) {
        x->e->kind = IMAPCLIENT_NOTIFY_OVERFLOW;
        return 0;
    }
    return 1;
}

int imapclient_notify_event_from_response(const imapclient *c,
                                          const imapclient_response *r,
                                          imapclient_notify_event **out)
{
    if (!out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!c || !r || !r->tag || !r->name || !r->args)
        return IMAPCLIENT_EINVAL;
    if (strcmp(r->tag, "*") != 0)
        return 0;
    imapclient_notify_event *e = imc_result_new(sizeof *e);
    if (!e)
        return IMAPCLIENT_ENOMEM;
    e->items = &imc_empty_list;
    imc_ranges none = {0};
    imc_ranges_freeze(NULL, &none, &e->vanished); /* the empty set: no allocation */
    /* decoding reads the handle's settings (folder_encode, UTF-8 names)
     * and never changes it */
    ev_ctx x = {.c = (imapclient *)c, .a = imc_result_arena(e), .e = e};
    int rc = decode(&x, r);
    if (rc) {
        imc_result_free(e);
        return rc > 0 ? 0 : rc;
    }
    *out = e;
    return 0;
}

void imapclient_notify_event_free(imapclient_notify_event *e)
{
    imc_result_free(e);
}
