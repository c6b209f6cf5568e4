/*
 * FETCH: RFC 3501 sections 6.4.5 and 7.4.2, RFC 4466 (modifiers), RFC 7162
 * (MODSEQ, CHANGEDSINCE, VANISHED), RFC 3516 (BINARY), Gmail's X-GM-EXT-1.
 *
 * One message builder serves both forms: the plain form parses every
 * response into the result's arena (no copy of body literals) and merges
 * split responses; the streaming form parses into the scratch arena that
 * is reset per response, so memory stays flat.
 */
#include "condstore_priv.h"
#include "msgutil.h"

#include "../types/types.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- which responses belong to the fetch -------------------------------- */

typedef struct idset {
    imapclient_range *r;
    size_t n;
} idset;

static int idset_has(const idset *s, uint32_t id)
{
    for (size_t i = 0; i < s->n; i++)
        if (id >= s->r[i].lo && id <= s->r[i].hi)
            return 1;
    return 0;
}

/* ---- message builder ---------------------------------------------------- */

static const char *const *strings_from_list(imc_arena *a, const imapclient_value *v,
                                            size_t *count, int decode_utf7)
{
    size_t n = v->type == IMAPCLIENT_VALUE_LIST ? v->count : 0;
    const char **out = imc_arena_calloc(a, n + 1, sizeof *out);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const imapclient_value *it = &v->items[i];
        if (!it->str)
            continue;
        char *dec = NULL;
        if (decode_utf7 && imc_utf7_decode(a, it->str, it->len, &dec) == 0)
            out[k++] = dec;
        else
            out[k++] = it->str;
    }
    *count = k;
    return out;
}

static int name_is(const imapclient_value *v, const char *s)
{
    return imapclient_value_is(v, s);
}

/* Fill typed fields from one item; unknown items are only in items[]. */
static int type_item(imapclient *c, imc_arena *a, imapclient_message *m,
                     const imapclient_value *name, const imapclient_value *v)
{
    int normalise = c->opts.normalise_times;
    if (name_is(name, "UID")) {
        if (v->type == IMAPCLIENT_VALUE_NUMBER && v->number <= UINT32_MAX) {
            m->uid = (uint32_t)v->number;
            m->has_uid = 1;
        }
    } else if (name_is(name, "FLAGS")) {
        m->flags = strings_from_list(a, v, &m->flag_count, 0);
        if (!m->flags)
            return IMAPCLIENT_ENOMEM;
    } else if (name_is(name, "INTERNALDATE")) {
        m->has_internaldate =
            imc_datetime_from_value(v, normalise, &m->internaldate) == 0;
    } else if (name_is(name, "RFC822.SIZE")) {
        if (v->type == IMAPCLIENT_VALUE_NUMBER) {
            m->size = v->number;
            m->has_size = 1;
        }
    } else if (name_is(name, "MODSEQ")) {
        const imapclient_value *n =
            v->type == IMAPCLIENT_VALUE_LIST && v->count ? &v->items[0] : v;
        if (n->type == IMAPCLIENT_VALUE_NUMBER) {
            m->modseq = n->number;
            m->has_modseq = 1;
        }
    } else if (name_is(name, "ENVELOPE")) {
        imapclient_envelope *env = NULL;
        int rc = imc_envelope_from_value(a, v, normalise, &env);
        if (rc == IMAPCLIENT_ENOMEM)
            return rc;
        m->envelope = rc == 0 ? env : NULL;
    } else if ((name_is(name, "BODYSTRUCTURE") || name_is(name, "BODY")) &&
               v->type == IMAPCLIENT_VALUE_LIST) {
        imapclient_body *b = NULL;
        int rc = imc_body_from_value(a, v, normalise, &b);
        if (rc == IMAPCLIENT_ENOMEM)
            return rc;
        m->body = rc == 0 ? b : NULL;
    } else if (name_is(name, "X-GM-MSGID")) {
        if (v->type == IMAPCLIENT_VALUE_NUMBER) {
            m->gm_msgid = v->number;
            m->has_gm_msgid = 1;
        }
    } else if (name_is(name, "X-GM-THRID")) {
        if (v->type == IMAPCLIENT_VALUE_NUMBER) {
            m->gm_thrid = v->number;
            m->has_gm_thrid = 1;
        }
    } else if (name_is(name, "X-GM-LABELS")) {
        /* modified UTF-7, unless names are UTF-8 (UTF8=ACCEPT, IMAP4rev2) */
        m->gm_labels = strings_from_list(a, v, &m->gm_label_count, !imc_utf8_names(c));
        if (!m->gm_labels)
            return IMAPCLIENT_ENOMEM;
    } else if (name_is(name, "EMAILID") || name_is(name, "THREADID")) {
        /* RFC 8474 section 5: "(" objectid ")", THREADID also NIL */
        const imapclient_value *id =
            v->type == IMAPCLIENT_VALUE_LIST && v->count == 1 ? &v->items[0] : NULL;
        if (id && imc_objectid_valid(id)) {
            char *s = imc_arena_strndup(a, id->str, id->len);
            if (!s)
                return IMAPCLIENT_ENOMEM;
            if (name_is(name, "EMAILID"))
                m->emailid = s;
            else
                m->threadid = s;
        }
    } else if (name_is(name, "SAVEDATE")) {
        /* RFC 8514 section 3: date-time / NIL */
        m->has_savedate = v->type != IMAPCLIENT_VALUE_NIL &&
                          imc_datetime_from_value(v, normalise, &m->savedate) == 0;
    } else if (name_is(name, "PREVIEW")) {
        /* RFC 8970 section 3: nstring */
        if (IMAPCLIENT_VALUE_IS_TEXT(v) && v->str) {
            m->preview = v->str;
            m->preview_len = v->len;
        }
    }
    return 0;
}

/* ---- the items of a FETCH response ----------------------------------------- */

/* msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP ...) ")": name and
 * value pairs. Walked with next_pair(). */
typedef struct pair_iter {
    const imapclient_value *list;
    size_t i;
    const imapclient_value *sub; /* a list of pairs found in a name slot */
    size_t j;
} pair_iter;

static int is_item_name(const imapclient_value *v)
{
    return v->type == IMAPCLIENT_VALUE_ATOM && v->str;
}

/* 1 when v is itself a list of (NAME value) pairs. */
static int pairs_up(const imapclient_value *v)
{
    if (v->type != IMAPCLIENT_VALUE_LIST || !v->count || v->count % 2)
        return 0;
    for (size_t k = 0; k < v->count; k += 2)
        if (!is_item_name(&v->items[k]))
            return 0;
    return 1;
}

/* The next pair: 1 (name and value set), 0 at the end, EPROTOCOL when the
 * list does not pair up (a name that is not an atom, a name without a
 * value). A list in a name slot that is itself made of pairs is read as
 * those items: Lotus Domino wraps an item in an extra pair of parentheses,
 * "(UID 14935 (ENVELOPE (...)) BODYSTRUCTURE (...))" (MailKit reads it
 * so; issue 14, item 6). */
static int next_pair(pair_iter *it, const imapclient_value **name,
                     const imapclient_value **value)
{
    if (it->sub && it->j < it->sub->count) {
        *name = &it->sub->items[it->j];
        *value = &it->sub->items[it->j + 1];
        it->j += 2;
        return 1;
    }
    it->sub = NULL;
    if (it->i >= it->list->count)
        return 0;
    const imapclient_value *n = &it->list->items[it->i];
    if (is_item_name(n) && it->i + 1 < it->list->count) {
        *name = n;
        *value = &it->list->items[it->i + 1];
        it->i += 2;
        return 1;
    }
    if (!pairs_up(n))
        return IMAPCLIENT_EPROTOCOL;
    it->sub = n;
    it->j = 0;
    it->i++;
    return next_pair(it, name, value);
}

/* The item list of a FETCH response, or NULL. */
static const imapclient_value *item_list(const imapclient_response *r)
{
    if (r->args->count != 1 || r->args->items[0].type != IMAPCLIENT_VALUE_LIST)
        return NULL;
    return &r->args->items[0];
}

/* Add the items of one FETCH response to m (which may already hold items
 * of an earlier response for the same message, in an array of *cap
 * entries that grows geometrically). EPROTOCOL when they do not pair up:
 * never a message with items silently left out. */
static int build_message(imapclient *c, imc_arena *a, const imapclient_response *r,
                         imapclient_message *m, size_t *cap)
{
    const imapclient_value *list = item_list(r);
    if (!list)
        return IMAPCLIENT_EPROTOCOL;
    pair_iter it = {.list = list};
    const imapclient_value *name, *v;
    size_t pairs = 0;
    int rc;
    while ((rc = next_pair(&it, &name, &v)) == 1)
        pairs++;
    if (rc)
        return rc;
    imapclient_fetch_item *items = (imapclient_fetch_item *)m->items;
    if (m->item_count + pairs + 1 > *cap) {
        size_t n = m->item_count + pairs + 1;
        if (n < *cap * 2)
            n = *cap * 2;
        if (!(items = imc_arena_calloc(a, n, sizeof *items)))
            return IMAPCLIENT_ENOMEM;
        if (m->item_count)
            memcpy(items, m->items, m->item_count * sizeof *items);
        *cap = n;
    }
    size_t k = m->item_count;
    m->seq = r->number;
    it = (pair_iter){.list = list};
    while (next_pair(&it, &name, &v) == 1) {
        items[k].name = name->str;
        items[k].value = v;
        k++;
        if ((rc = type_item(c, a, m, name, v)))
            return rc;
    }
    m->items = items;
    m->item_count = k;
    m->id = c->opts.use_uid && m->has_uid ? m->uid : m->seq;
    return 0;
}

/* A FETCH response the call cannot read: reported (PROTOCOL) once the
 * command is over, as the header promises. */
static int malformed(imapclient *c, const imapclient_response *r)
{
    return imc_fail(c, IMAPCLIENT_EPROTOCOL, "fetch: malformed FETCH response: %.200s",
                    r->raw ? r->raw : "");
}

/* ---- command ------------------------------------------------------------ */

static int is_macro(const char *s)
{
    return !strcasecmp(s, "ALL") || !strcasecmp(s, "FAST") || !strcasecmp(s, "FULL");
}

/* ---- items of extensions ------------------------------------------------- */

#define MAX_NEEDS 4

/* Whether item s names the attribute name: "BINARY" for "BINARY[1]",
 * "BINARY.PEEK[1]" but not "BINARY.SIZE[1]" (its own name). */
static int item_is(const char *s, const char *name)
{
    size_t n = strlen(name);
    return !strncasecmp(s, name, n) &&
           (!s[n] || s[n] == '[' || s[n] == ' ' || s[n] == '<' || s[n] == '(' ||
            (s[n] == '.' && !strncasecmp(s + n, ".PEEK", 5)));
}

/* Data items and modifiers of extensions, and the capability each needs:
 * BINARY (RFC 3516), OBJECTID (RFC 8474), SAVEDATE (RFC 8514), PREVIEW
 * (RFC 8970), PARTIAL (RFC 9394). */
static void fetch_needs(const char *const *data, const char *const *modifiers,
                        const char *need[MAX_NEEDS + 1])
{
    static const struct {
        const char *item, *cap;
    } items[] = {{"BINARY", "BINARY"},     {"BINARY.SIZE", "BINARY"},
                 {"EMAILID", "OBJECTID"},  {"THREADID", "OBJECTID"},
                 {"SAVEDATE", "SAVEDATE"}, {"PREVIEW", "PREVIEW"}};
    size_t k = 0;
    memset(need, 0, (MAX_NEEDS + 1) * sizeof *need);
    for (size_t i = 0; data && data[i]; i++)
        for (size_t j = 0; j < sizeof items / sizeof items[0]; j++) {
            if (!item_is(data[i], items[j].item))
                continue;
            size_t x = 0;
            while (x < k && strcmp(need[x], items[j].cap))
                x++;
            if (x == k && k < MAX_NEEDS)
                need[k++] = items[j].cap;
        }
    for (size_t i = 0; modifiers && modifiers[i]; i++)
        if (!strncasecmp(modifiers[i], "PARTIAL", 7) && k < MAX_NEEDS)
            need[k++] = "PARTIAL";
}

static int require_needs(imapclient *c, const char *const *need)
{
    int rc;
    for (size_t i = 0; i < MAX_NEEDS && need[i]; i++)
        if ((rc = imc_require_ext(c, need[i], "fetch")))
            return rc;
    return 0;
}

/* Check the arguments and build the command (the state is checked by the
 * caller: now for the blocking calls, when it goes out for the others). */
/* Items and modifiers are sent as given: each must be well-formed, or one
 * could close the list early and write the rest of the command (issue 14,
 * item 5). Checked first, before capabilities: 0 or EINVAL naming it. */
static int check_data(imapclient *c, const char *const *data,
                      const char *const *modifiers)
{
    if (!data || !data[0])
        return imc_fail(c, IMAPCLIENT_EINVAL, "fetch: no data items");
    for (size_t i = 0; data[i]; i++)
        if (!*data[i] || !imc_syntax_valid(data[i], IMC_SYNTAX_FETCH_ATT))
            return imc_fail(c, IMAPCLIENT_EINVAL, "fetch: invalid data item \"%.60s\"",
                            data[i]);
    for (size_t i = 0; modifiers && modifiers[i]; i++)
        if (!imc_syntax_valid(modifiers[i], IMC_SYNTAX_TAGGED_EXT))
            return imc_fail(c, IMAPCLIENT_EINVAL, "fetch: invalid modifier \"%.60s\"",
                            modifiers[i]);
    return 0;
}

static int start_fetch(imapclient *c, const char *messages, const char *const *data,
                       const char *const *modifiers, idset *set)
{
    int rc;
    /* "$": the result a SEARCH saved (RFC 5182), any id */
    int saved = messages && !strcmp(messages, "$");
    if (saved && !imc_has_ext(c, "SEARCHRES"))
        return imc_fail(
            c, IMAPCLIENT_ECAPABILITY,
            "fetch: \"$\" needs SEARCHRES, which the server does not announce");
    if (!messages || (!saved && !imapclient_seqset_valid(messages)))
        return imc_fail(c, IMAPCLIENT_EINVAL, "fetch: invalid message set \"%.60s\"",
                        messages ? messages : "(null)");
    if ((rc = check_data(c, data, modifiers)))
        return rc;
    size_t n = 0;
    if (saved) {
        if (!(set->r = malloc(sizeof *set->r)))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        set->r[0] = (imapclient_range){1, UINT32_MAX};
        n = 1;
    } else if ((rc = imapclient_seqset_parse(messages, &set->r, &n))) {
        return imc_fail(c, rc, "fetch: invalid message set");
    }
    set->n = n;
    imc_begin(c, c->opts.use_uid ? "UID FETCH" : "FETCH");
    imc_put_sp(&c->cmd);
    imc_put_verbatim(&c->cmd, messages, strlen(messages));
    imc_put_sp(&c->cmd);
    int bare = !data[1] && is_macro(data[0]);
    if (!bare)
        imc_put_raw(&c->cmd, "(");
    for (size_t i = 0; data[i]; i++) {
        if (i)
            imc_put_sp(&c->cmd);
        imc_put_verbatim(&c->cmd, data[i], strlen(data[i]));
    }
    if (!bare)
        imc_put_raw(&c->cmd, ")");
    if (modifiers && modifiers[0]) {
        imc_put_raw(&c->cmd, " (");
        for (size_t i = 0; modifiers[i]; i++) {
            if (i)
                imc_put_sp(&c->cmd);
            imc_put_verbatim(&c->cmd, modifiers[i], strlen(modifiers[i]));
        }
        imc_put_raw(&c->cmd, ")");
    }
    if (c->cmd.err)
        return imc_fail(c, c->cmd.err, "fetch: %s", c->cmd.errtext);
    return 0;
}

/* What a response is to a FETCH command (issue 14, item 7). */
enum { NOT_FETCH = 0, GOOD_FETCH = 1, BAD_FETCH = -1 };

/* message-data = nz-number SP "FETCH" SP msg-att. BAD_FETCH for one that
 * cannot be read: no message number or not a number ("* abc FETCH (...)"
 * reads as a response named ABC whose first value is FETCH), no item list
 * ("* 2 FETCH", "* 2 FETCH WHAT"), items that do not pair up, a UID that is
 * not a number from 1 to 2^32-1. *uid is set (else 0) for a good one. */
static int fetch_shape(const imapclient_response *r, uint32_t *uid)
{
    *uid = 0;
    int misnumbered = !r->has_number && r->args->count &&
                      r->args->items[0].type == IMAPCLIENT_VALUE_ATOM &&
                      imapclient_value_is(&r->args->items[0], "FETCH");
    if (strcmp(r->name, "FETCH") != 0 && !misnumbered)
        return NOT_FETCH;
    const imapclient_value *list = item_list(r);
    if (misnumbered || !r->has_number || !r->number || !list)
        return BAD_FETCH;
    pair_iter it = {.list = list};
    const imapclient_value *name, *v;
    int rc;
    while ((rc = next_pair(&it, &name, &v)) == 1)
        if (name_is(name, "UID")) {
            if (v->type != IMAPCLIENT_VALUE_NUMBER || !v->number ||
                v->number > UINT32_MAX)
                return BAD_FETCH;
            *uid = (uint32_t)v->number;
        }
    return rc ? BAD_FETCH : GOOD_FETCH;
}

/* ---- plain form --------------------------------------------------------- */

/* FETCH responses merged into one message at the most: beyond, a server
 * repeating one message would grow the result for ever; the rest are
 * kept with the unsolicited responses (bounded). Real servers split a
 * message over two or three (issue 14, item 3). */
#define MAX_RESPONSES_PER_MESSAGE 64

typedef struct msg_state {
    size_t item_cap;    /* entries allocated in the message's items */
    unsigned responses; /* FETCH responses merged into it */
} msg_state;

typedef struct fetch_impl {
    imapclient_fetch_result pub; /* first: the public pointer is this struct */
    imc_arena *arena;
    imapclient_message *msgs; /* malloc'd, grows */
    msg_state *state;         /* one per message */
    size_t cap;
    imc_u32map ids;  /* id -> index + 1 */
    imc_u32map seqs; /* sequence number -> index + 1 (with UIDs) */
} fetch_impl;

void imapclient_fetch_result_free(imapclient_fetch_result *r)
{
    if (!r)
        return;
    fetch_impl *f = (fetch_impl *)r;
    free(f->msgs);
    free(f->state);
    imc_u32map_free(&f->ids);
    imc_u32map_free(&f->seqs);
    imc_arena_free(f->arena);
    free(f);
}

const imapclient_message *imapclient_fetch_result_get(const imapclient_fetch_result *r,
                                                      uint32_t id)
{
    const fetch_impl *f = (const fetch_impl *)r;
    uint32_t k = f ? imc_u32map_get(&f->ids, id) : 0;
    return k ? &f->msgs[k - 1] : NULL;
}

typedef struct plain_state {
    fetch_impl *f;
    idset set;
    const char *need[MAX_NEEDS + 1]; /* capabilities the items need */
    int vanished_on;                 /* the VANISHED modifier (RFC 7162 3.2.6) was sent */
    imc_ranges vanished;             /* what its VANISHED (EARLIER) responses named */
} plain_state;

/* VANISHED (EARLIER) in answer to the VANISHED modifier: 1 taken, 0 not
 * (a plain VANISHED is an expunge now, for noop()), or a failure. */
static int on_vanished(imapclient *c, plain_state *st, const imapclient_response *r)
{
    imc_ranges tmp = {0};
    int earlier = 0;
    int rc = imc_vanished_read(r, &earlier, &tmp);
    if (rc == 1 && !earlier)
        rc = 0;
    else if (rc == 1 && imc_ranges_union(&st->vanished, tmp.r, tmp.n))
        rc = IMAPCLIENT_ENOMEM;
    imc_ranges_free(&tmp);
    if (rc == IMAPCLIENT_ENOMEM)
        return imc_fail(c, rc, "out of memory");
    if (rc < 0)
        return imc_fail(c, rc, "%s: a VANISHED that is not a uid-set: %.200s", c->what,
                        r->raw ? r->raw : "");
    return rc;
}

/* Another response for message i: its items are added. 1, 0 when the
 * message has had its share (kept for the caller instead), or a status. */
static int merge(imapclient *c, fetch_impl *f, size_t i, const imapclient_response *r)
{
    if (f->state[i].responses >= MAX_RESPONSES_PER_MESSAGE)
        return 0;
    int rc = build_message(c, f->arena, r, &f->msgs[i], &f->state[i].item_cap);
    if (rc)
        return rc == IMAPCLIENT_ENOMEM ? imc_fail(c, rc, "out of memory")
                                       : malformed(c, r);
    f->state[i].responses++;
    return 1;
}

static int on_fetch_plain(imapclient *c, const imapclient_response *r, void *ud)
{
    plain_state *st = ud;
    fetch_impl *f = st->f;
    if (st->vanished_on && !r->has_number && !strcmp(r->name, "VANISHED"))
        return on_vanished(c, st, r);
    uint32_t uid;
    int shape = fetch_shape(r, &uid);
    if (shape == BAD_FETCH)
        return malformed(c, r);
    if (shape == NOT_FETCH)
        return 0;
    uint32_t id;
    if (!c->opts.use_uid) {
        id = r->number;
    } else if (uid) {
        id = uid;
    } else {
        /* Issue 14, item 8: servers split a message's items over several
         * responses, the later ones without UID (iCloud; Dovecot's
         * "* 1 FETCH (MODSEQ (3))" after BODY[] set \Seen under
         * CONDSTORE). The mapping of sequence numbers cannot change during
         * FETCH (no EXPUNGE then), so one whose number came with a UID
         * earlier in this command is that message's; others are
         * unsolicited. */
        uint32_t k = imc_u32map_get(&f->seqs, r->number);
        return k ? merge(c, f, k - 1, r) : 0;
    }
    if (!idset_has(&st->set, id))
        return 0;
    uint32_t k = imc_u32map_get(&f->ids, id);
    if (k)
        return merge(c, f, k - 1, r);
    if (f->pub.count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        imapclient_message *p = realloc(f->msgs, cap * sizeof *p);
        if (p)
            f->msgs = p;
        msg_state *q = p ? realloc(f->state, cap * sizeof *q) : NULL;
        if (!q)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        f->state = q;
        f->cap = cap;
    }
    size_t i = f->pub.count;
    f->msgs[i] = (imapclient_message){0};
    f->state[i] = (msg_state){0};
    int rc = build_message(c, f->arena, r, &f->msgs[i], &f->state[i].item_cap);
    if (rc)
        return rc == IMAPCLIENT_ENOMEM ? imc_fail(c, rc, "out of memory")
                                       : malformed(c, r);
    if (imc_u32map_add(&f->ids, id, (uint32_t)(i + 1)) ||
        (c->opts.use_uid && imc_u32map_add(&f->seqs, r->number, (uint32_t)(i + 1))))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    f->state[i].responses = 1;
    f->pub.count++;
    f->pub.msgs = f->msgs;
    return 1;
}

/* The plain form as one command object, for both fronts. */
typedef struct plain_op {
    imc_request rq; /* first */
    plain_state st;
} plain_op;

static void plain_done(imapclient *c, imc_request *rq)
{
    plain_op *op = (plain_op *)rq;
    free(op->st.set.r);
    op->st.set.r = NULL;
    if (!rq->rc &&
        imc_ranges_freeze(op->st.f->arena, &op->st.vanished, &op->st.f->pub.vanished))
        rq->rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_ranges_free(&op->st.vanished);
    if (rq->rc) {
        imapclient_fetch_result_free(&op->st.f->pub);
    } else {
        op->st.f->pub.msgs = op->st.f->msgs;
        rq->out = &op->st.f->pub;
    }
    op->st.f = NULL;
}

/* Build the command and op's state; 0 or a status (nothing built). */
static int plain_build(imapclient *c, const char *messages, const char *const *data,
                       const char *const *modifiers, plain_op *op)
{
    fetch_impl *f = calloc(1, sizeof *f);
    if (!f || !(f->arena = imc_arena_new())) {
        free(f);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    op->st.f = f;
    int rc = start_fetch(c, messages, data, modifiers, &op->st.set);
    if (rc) {
        free(op->st.set.r);
        imapclient_fetch_result_free(&f->pub);
        op->st.f = NULL;
        return rc;
    }
    op->st.vanished_on = c->opts.use_uid && imc_modifiers_vanished(modifiers);
    op->rq.on_untagged = on_fetch_plain;
    op->rq.ud = &op->st;
    op->rq.arena = f->arena;
    op->rq.on_done = plain_done;
    return 0;
}

/* imapclient_fetch() after its prologue. */
static int fetch_plain(imapclient *c, const char *messages, const char *const *data,
                       const char *const *modifiers, imapclient_fetch_result **out)
{
    int rc;
    plain_op op = {0};
    if ((rc = plain_build(c, messages, data, modifiers, &op)))
        return rc;
    if ((rc = imc_run(c, &op.rq))) {
        if (op.st.f) /* never completed */
            imapclient_fetch_result_free(&op.st.f->pub);
        free(op.st.set.r);
        imc_ranges_free(&op.st.vanished);
        return rc;
    }
    *out = op.rq.out;
    return 0;
}

int imapclient_fetch(imapclient *c, const char *messages, const char *const *data,
                     const char *const *modifiers, imapclient_fetch_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "fetch: out is NULL");
    if ((rc = check_data(c, data, modifiers)))
        return rc;
    const char *need[MAX_NEEDS + 1];
    fetch_needs(data, modifiers, need);
    if ((rc = imc_require_selected(c, "fetch")) || (rc = require_needs(c, need)))
        return rc;
    return fetch_plain(c, messages, data, modifiers, out);
}

/* ---- CHANGEDSINCE and VANISHED (RFC 7162 3.1.4.1, 3.2.6) -------------------- */

/* The modifiers of a fetch_changedsince (buf holds the first); 0 or
 * EINVAL. */
static int changedsince_mods(imapclient *c, uint64_t modseq, int vanished, char *buf,
                             size_t size, const char *mods[3])
{
    if (!modseq)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "fetch_changedsince: CHANGEDSINCE needs a mod-sequence above 0");
    if (vanished && !c->opts.use_uid)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "fetch_changedsince: VANISHED needs UID FETCH (use_uid on)");
    snprintf(buf, size, "CHANGEDSINCE %llu", (unsigned long long)modseq);
    mods[0] = buf;
    mods[1] = vanished ? "VANISHED" : NULL;
    mods[2] = NULL;
    return 0;
}

/* The capabilities (and QRESYNC enabled for VANISHED). */
static int changedsince_ready(imapclient *c, int vanished)
{
    int rc = imc_require_cap(c, "CONDSTORE", "fetch_changedsince");
    if (rc || !vanished)
        return rc;
    if ((rc = imc_require_cap(c, "QRESYNC", "fetch_changedsince")))
        return rc;
    if (!(c->enabled & IMC_ENABLED_QRESYNC))
        return imc_fail(c, IMAPCLIENT_EILLEGAL_STATE,
                        "fetch_changedsince: VANISHED needs QRESYNC enabled "
                        "(RFC 7162 3.2.6)");
    return 0;
}

int imapclient_fetch_changedsince(imapclient *c, const char *messages,
                                  const char *const *data, uint64_t modseq, int vanished,
                                  imapclient_fetch_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "fetch_changedsince: out is NULL");
    char buf[48];
    const char *mods[3], *need[MAX_NEEDS + 1];
    if ((rc = imc_require_selected(c, "fetch_changedsince")) ||
        (rc = changedsince_mods(c, modseq, vanished, buf, sizeof buf, mods)))
        return rc;
    fetch_needs(data, mods, need);
    if ((rc = require_needs(c, need)) || (rc = changedsince_ready(c, vanished)))
        return rc;
    return fetch_plain(c, messages, data, mods, out);
}

static int plain_check(imapclient *c, imc_request *rq)
{
    int rc = imc_require_selected(c, "fetch");
    return rc ? rc : require_needs(c, ((plain_op *)rq)->st.need);
}

static void plain_op_free(imc_request *rq)
{
    plain_op *op = (plain_op *)rq;
    if (op->st.f)
        imapclient_fetch_result_free(&op->st.f->pub);
    free(op->st.set.r);
    imc_ranges_free(&op->st.vanished);
    free(op);
}

static void fetch_result_free(void *r)
{
    imapclient_fetch_result_free(r);
}

/* Start a plain fetch with check as its check hook. */
static int start_plain(imapclient *c, const char *messages, const char *const *data,
                       const char *const *modifiers,
                       int (*check)(imapclient *c, imc_request *rq),
                       imapclient_done_cb cb, void *user, uint64_t *id)
{
    plain_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    int rc = plain_build(c, messages, data, modifiers, op);
    if (rc) {
        free(op);
        return rc;
    }
    fetch_needs(data, modifiers, op->st.need);
    op->rq.check = check;
    op->rq.pipe = imc_pipe_fetch_like(c);
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_FETCH, fetch_result_free,
                            plain_op_free, cb, user, id);
}

int imapclient_start_fetch(imapclient *c, const char *messages, const char *const *data,
                           const char *const *modifiers, imapclient_done_cb cb,
                           void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    return start_plain(c, messages, data, modifiers, plain_check, cb, user, id);
}

static int changedsince_check(imapclient *c, imc_request *rq)
{
    plain_op *op = (plain_op *)rq;
    int rc = plain_check(c, rq);
    return rc ? rc : changedsince_ready(c, op->st.vanished_on);
}

int imapclient_start_fetch_changedsince(imapclient *c, const char *messages,
                                        const char *const *data, uint64_t modseq,
                                        int vanished, imapclient_done_cb cb, void *user,
                                        uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    char buf[48];
    const char *mods[3];
    if ((rc = changedsince_mods(c, modseq, vanished, buf, sizeof buf, mods)))
        return rc;
    return start_plain(c, messages, data, mods, changedsince_check, cb, user, id);
}

const imapclient_value *imapclient_message_item(const imapclient_message *m,
                                                const char *name)
{
    if (!m || !name)
        return NULL;
    /* Compare ignoring case and a ".PEEK" right after BODY/BINARY. */
    char want[512];
    size_t k = 0;
    for (size_t i = 0; name[i] && k + 1 < sizeof want; i++) {
        if (name[i] == '.' && !strncasecmp(name + i, ".PEEK", 5)) {
            i += 4;
            continue;
        }
        want[k++] = name[i];
    }
    want[k] = '\0';
    for (size_t i = 0; i < m->item_count; i++)
        if (!strcasecmp(m->items[i].name, want))
            return m->items[i].value;
    return NULL;
}

/* The item named prefix + section + "]", alone or with "<origin>". */
static const imapclient_value *section_item(const imapclient_message *m,
                                            const char *prefix, const char *section)
{
    if (!m || !section)
        return NULL;
    size_t pl = strlen(prefix), sl = strlen(section);
    for (size_t i = 0; i < m->item_count; i++) {
        const char *n = m->items[i].name;
        if (!strncasecmp(n, prefix, pl) && !strncasecmp(n + pl, section, sl) &&
            n[pl + sl] == ']' && (!n[pl + sl + 1] || n[pl + sl + 1] == '<'))
            return m->items[i].value;
    }
    return NULL;
}

int imapclient_message_binary(const imapclient_message *m, const char *section,
                              const char **data, size_t *len)
{
    const imapclient_value *v = section_item(m, "BINARY[", section);
    if (!v)
        return 0;
    int text = IMAPCLIENT_VALUE_IS_TEXT(v) && v->str;
    if (data)
        *data = text ? v->str : NULL;
    if (len)
        *len = text ? v->len : 0;
    return 1;
}

int imapclient_message_binary_size(const imapclient_message *m, const char *section,
                                   uint64_t *size)
{
    const imapclient_value *v = section_item(m, "BINARY.SIZE[", section);
    if (!v || v->type != IMAPCLIENT_VALUE_NUMBER)
        return 0;
    if (size)
        *size = v->number;
    return 1;
}

/* ---- streaming form ----------------------------------------------------- */

/* UIDs of recent sequence numbers, for the responses without UID that
 * follow (item 8 in the streaming form; direct-mapped, so memory stays
 * flat: a split message's responses come close together). */
#define SEQ_CACHE 4096

typedef struct each_state {
    imapclient *c;
    idset set;
    const char *need[MAX_NEEDS + 1]; /* capabilities the items need */
    struct {
        uint32_t seq, uid;
    } * seen; /* SEQ_CACHE entries */
    imapclient_message_cb cb;
    imapclient_sink_cb sink;
    size_t sink_min;
    void *payload;
    int stopped; /* the callback's non-zero value */
    /* the literal being sunk */
    uint32_t seq;
    char name[256];
} each_state;

static int on_fetch_each(imapclient *c, const imapclient_response *r, void *ud)
{
    each_state *st = ud;
    uint32_t uid;
    int shape = fetch_shape(r, &uid);
    if (shape == BAD_FETCH)
        return malformed(c, r);
    if (shape == NOT_FETCH)
        return 0;
    size_t slot = r->number % SEQ_CACHE;
    int merged = 0;
    if (!c->opts.use_uid) {
        if (!idset_has(&st->set, r->number))
            return 0;
    } else if (uid) {
        if (!idset_has(&st->set, uid))
            return 0;
        st->seen[slot].seq = r->number;
        st->seen[slot].uid = uid;
    } else if (st->seen[slot].seq == r->number && st->seen[slot].uid) {
        uid = st->seen[slot].uid; /* a later part of that message (item 8) */
        merged = 1;
    } else {
        return 0;
    }
    if (st->stopped)
        return 1; /* drain: read and drop */
    imapclient_message m = {0};
    size_t cap = 0;
    int rc = build_message(c, c->scratch, r, &m, &cap);
    if (rc)
        return rc == IMAPCLIENT_ENOMEM ? imc_fail(c, rc, "out of memory")
                                       : malformed(c, r);
    if (merged) {
        m.uid = uid;
        m.has_uid = 1;
        m.id = uid;
    }
    c->in_callback++;
    rc = st->cb(st->payload, &m);
    c->in_callback--;
    if (rc)
        st->stopped = rc;
    return 1;
}

/* Literal announced: divert it when it is the value of a body item of a
 * FETCH response and large enough. */
static int divert_literal(void *ud, const char *s, size_t len, uint64_t n)
{
    each_state *st = ud;
    if (n < st->sink_min)
        return 0;
    /* "* <seq> FETCH (" */
    if (len < 2 || s[0] != '*' || s[1] != ' ')
        return 0;
    size_t i = 2;
    uint64_t seq = 0;
    while (i < len && isdigit((unsigned char)s[i]) && seq <= UINT32_MAX)
        seq = seq * 10 + (uint64_t)(s[i++] - '0');
    if (i == 2 || seq > UINT32_MAX || i + 7 > len ||
        strncasecmp(s + i, " FETCH ", 7) != 0)
        return 0;
    /* the item name: the token before the literal, brackets kept whole */
    size_t end = len;
    while (end > 0 && s[end - 1] == ' ')
        end--;
    /* a literal8 (RFC 3516: "BINARY[1] ~{n}") */
    if (end > 0 && s[end - 1] == '~')
        end--;
    while (end > 0 && s[end - 1] == ' ')
        end--;
    size_t j = end;
    int depth = 0;
    while (j > 0) {
        char ch = s[j - 1];
        if (ch == ']')
            depth++;
        else if (ch == '[')
            depth--;
        if (depth == 0 && (ch == ' ' || ch == '('))
            break;
        j--;
    }
    size_t nl = end - j;
    if (nl == 0 || nl >= sizeof st->name)
        return 0;
    if (strncasecmp(s + j, "BODY[", 5) && strncasecmp(s + j, "BINARY[", 7) &&
        strncasecmp(s + j, "RFC822", 6))
        return 0;
    memcpy(st->name, s + j, nl);
    st->name[nl] = '\0';
    st->seq = (uint32_t)seq;
    return 1;
}

static int sink_data(void *ud, const char *p, size_t n)
{
    each_state *st = ud;
    st->c->in_callback++;
    int rc = st->sink(st->payload, st->seq, st->name, p, n);
    st->c->in_callback--;
    return rc;
}

/* The streaming form as one command object. */
typedef struct each_op {
    imc_request rq; /* first */
    each_state st;
} each_op;

/* Release what each_build() allocated (once). */
static void each_release(each_op *op)
{
    free(op->st.set.r);
    op->st.set.r = NULL;
    free(op->st.seen);
    op->st.seen = NULL;
}

static void each_done(imapclient *c, imc_request *rq)
{
    each_op *op = (each_op *)rq;
    each_release(op);
    if (rq->rc == 0 && rq->lit_failed)
        rq->rc = imc_fail(c, IMAPCLIENT_ERROR, "fetch: the sink refused data");
    if (rq->rc == 0 && op->st.stopped)
        rq->rc = op->st.stopped;
}

static int each_build(imapclient *c, const char *messages, const char *const *data,
                      const char *const *modifiers, imapclient_message_cb msg_cb,
                      imapclient_sink_cb sink, size_t sink_min, void *payload,
                      each_op *op)
{
    if (!msg_cb)
        return imc_fail(c, IMAPCLIENT_EINVAL, "fetch_each: no callback");
    op->st = (each_state){
        .c = c, .cb = msg_cb, .sink = sink, .sink_min = sink_min, .payload = payload};
    int rc = start_fetch(c, messages, data, modifiers, &op->st.set);
    if (rc == 0 && !(op->st.seen = calloc(SEQ_CACHE, sizeof *op->st.seen)))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (rc) {
        each_release(op);
        return rc;
    }
    op->rq.on_untagged = on_fetch_each;
    op->rq.ud = &op->st;
    op->rq.on_done = each_done;
    if (sink) {
        op->rq.lit_divert = divert_literal;
        op->rq.lit_data = sink_data;
    }
    return 0;
}

int imapclient_fetch_each(imapclient *c, const char *messages, const char *const *data,
                          const char *const *modifiers, imapclient_message_cb msg_cb,
                          imapclient_sink_cb sink, size_t sink_min, void *payload)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!msg_cb)
        return imc_fail(c, IMAPCLIENT_EINVAL, "fetch_each: no callback");
    if ((rc = check_data(c, data, modifiers)))
        return rc;
    const char *need[MAX_NEEDS + 1];
    fetch_needs(data, modifiers, need);
    if ((rc = imc_require_selected(c, "fetch")) || (rc = require_needs(c, need)))
        return rc;
    each_op op = {0};
    if ((rc = each_build(c, messages, data, modifiers, msg_cb, sink, sink_min, payload,
                         &op)))
        return rc;
    rc = imc_run(c, &op.rq);
    each_release(&op);
    return rc;
}

static int each_check(imapclient *c, imc_request *rq)
{
    int rc = imc_require_selected(c, "fetch");
    return rc ? rc : require_needs(c, ((each_op *)rq)->st.need);
}

static void each_op_free(imc_request *rq)
{
    each_release((each_op *)rq);
    free(rq);
}

int imapclient_start_fetch_each(imapclient *c, const char *messages,
                                const char *const *data, const char *const *modifiers,
                                imapclient_message_cb msg_cb, imapclient_sink_cb sink,
                                size_t sink_min, void *payload, imapclient_done_cb cb,
                                void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    each_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = each_build(c, messages, data, modifiers, msg_cb, sink, sink_min, payload,
                         op))) {
        free(op);
        return rc;
    }
    fetch_needs(data, modifiers, op->st.need);
    op->rq.check = each_check;
    op->rq.pipe = imc_pipe_fetch_like(c);
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_FETCH_EACH, NULL, each_op_free, cb,
                            user, id);
}
