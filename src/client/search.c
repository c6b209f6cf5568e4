/*
 * SEARCH (with the reference's criteria encoding), ESEARCH, Gmail's
 * X-GM-RAW, SORT and THREAD.
 * RFC 3501 section 6.4.4, RFC 4731 (ESEARCH), RFC 5256 (SORT, THREAD),
 * RFC 7162 section 3.1.5 (MODSEQ in SEARCH results), RFC 6855 section 3
 * (no CHARSET once UTF-8 is on). The charset of the criteria is
 * negotiated: see "the charset" below.
 */
#include "msgutil.h"

#include "../types/types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- criteria encoding ---------------------------------------------------- */

enum { CS_NONE, CS_ASCII, CS_UTF8 };

static int charset_kind(const char *charset)
{
    if (!charset || !strcasecmp(charset, "US-ASCII") || !strcasecmp(charset, "ASCII"))
        return CS_ASCII;
    if (!strcasecmp(charset, "UTF-8") || !strcasecmp(charset, "UTF8"))
        return CS_UTF8;
    return CS_NONE;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, surrogates or > U+10FFFF. */
static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned char b = *s;
        size_t n;
        uint32_t cp, min;
        if (b < 0x80) {
            s++;
            continue;
        } else if ((b & 0xe0) == 0xc0) {
            n = 1, cp = b & 0x1f, min = 0x80;
        } else if ((b & 0xf0) == 0xe0) {
            n = 2, cp = b & 0x0f, min = 0x800;
        } else if ((b & 0xf8) == 0xf0) {
            n = 3, cp = b & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        s += n + 1;
    }
    return 1;
}

/* How one criteria item goes on the wire. */
enum { ITEM_BARE, ITEM_QUOTED, ITEM_LITERAL, ITEM_OPEN, ITEM_CLOSE };

static int item_form(const char *s)
{
    if (!strcmp(s, "("))
        return ITEM_OPEN;
    if (!strcmp(s, ")"))
        return ITEM_CLOSE;
    if (!*s)
        return ITEM_QUOTED; /* the reference quotes "" */
    int form = ITEM_BARE;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* 8-bit: a literal (the reference's _is8bit); CR and LF cannot be
         * quoted either (RFC 3501 TEXT-CHAR). */
        if (*p >= 0x80 || *p == '\r' || *p == '\n')
            return ITEM_LITERAL;
        /* The reference quotes SP, '"' and '\'; '(' ')' '{' '%' and controls
         * would break the command when bare. '*' stays bare: "1:*". */
        if (*p == ' ' || *p == '"' || *p == '\\' || *p == '(' || *p == ')' || *p == '{' ||
            *p == '%' || *p < 0x20 || *p == 0x7f)
            form = ITEM_QUOTED;
    }
    return form;
}

/* Check criteria before anything is sent. *literal is set when an item
 * will be a literal (the caller makes sure LITERAL+ is known first). */
static int criteria_check(imapclient *c, const char *call, const char *const *criteria,
                          const char *charset, int *literal)
{
    *literal = 0;
    if (!criteria)
        return 0;
    if (!criteria[0])
        return imc_fail(c, IMAPCLIENT_EINVALID_CRITERIA, "%s: no criteria specified",
                        call);
    int kind = charset_kind(charset);
    size_t depth = 0;
    for (size_t i = 0; criteria[i]; i++) {
        const char *s = criteria[i];
        switch (item_form(s)) {
        case ITEM_OPEN:
            depth++;
            if (!criteria[i + 1] || !strcmp(criteria[i + 1], ")"))
                return imc_fail(c, IMAPCLIENT_EINVALID_CRITERIA,
                                "%s: no criteria specified in a group", call);
            break;
        case ITEM_CLOSE:
            if (depth == 0)
                return imc_fail(c, IMAPCLIENT_EINVALID_CRITERIA,
                                "%s: unbalanced \")\" in the criteria", call);
            depth--;
            break;
        case ITEM_LITERAL:
            *literal = 1;
            for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                if (*p >= 0x80 && kind == CS_ASCII)
                    return imc_fail(c, IMAPCLIENT_EINVAL,
                                    "%s: criteria item \"%.60s\" cannot be encoded in %s",
                                    call, s, charset ? charset : "US-ASCII");
            if (kind == CS_UTF8 && !valid_utf8((const unsigned char *)s))
                return imc_fail(c, IMAPCLIENT_EINVAL,
                                "%s: criteria item is not valid UTF-8", call);
            break;
        default:
            break;
        }
    }
    if (depth)
        return imc_fail(c, IMAPCLIENT_EINVALID_CRITERIA,
                        "%s: unbalanced \"(\" in the criteria", call);
    return 0;
}

/* Put the criteria, each item preceded by a space except after "(" and
 * before ")" (RFC 3501: "(" search-key *(SP search-key) ")"). */
static void criteria_put(imapclient *c, const char *const *criteria)
{
    if (!criteria) {
        imc_put_raw(&c->cmd, " ALL");
        return;
    }
    int after_open = 0;
    for (size_t i = 0; criteria[i]; i++) {
        const char *s = criteria[i];
        size_t n = strlen(s);
        int form = item_form(s);
        if (form != ITEM_CLOSE && !after_open)
            imc_put_sp(&c->cmd);
        after_open = form == ITEM_OPEN;
        switch (form) {
        case ITEM_OPEN:
            imc_put_raw(&c->cmd, "(");
            break;
        case ITEM_CLOSE:
            imc_put_raw(&c->cmd, ")");
            break;
        case ITEM_BARE:
            imc_put_rawn(&c->cmd, s, n);
            break;
        case ITEM_QUOTED:
            imc_put_string(&c->cmd, s, n); /* 7-bit without CR/LF: quoted */
            break;
        default:
            imc_put_literal(&c->cmd, s, n, 0);
        }
    }
}

/* ---- the charset (RFC 3501 6.4.4, RFC 5256, RFC 6855) ----------------------- */

/*
 * Which charset the criteria go in. A charset the caller names, other than
 * UTF-8, goes as given. When the caller gives none (SEARCH) or UTF-8, the
 * criteria are UTF-8 and the library chooses, so that any text can be
 * searched for on any server:
 *  - with UTF-8 switched on (ENABLE UTF8=ACCEPT, IMAP4rev2), SEARCH goes
 *    without CHARSET (RFC 6855 section 3 forbids one), SORT and THREAD in
 *    UTF-8;
 *  - a server known to refuse the argument (imapclient_quirks.
 *    search_no_charset) gets a SEARCH without CHARSET, the text in UTF-8;
 *  - ASCII criteria go as the caller asked (none: no CHARSET, as the
 *    reference sends them); 8-bit ones with CHARSET UTF-8.
 * Then, from the completion handler (so the non-blocking form does the
 * same), up to MAX_ATTEMPTS commands in all:
 *  - NO [BADCHARSET (list)]: again in the first listed charset that holds
 *    the text exactly (iconv; it must keep ASCII as it is); ASCII text in
 *    US-ASCII (no CHARSET for SEARCH), which every server must take. When
 *    no charset can, the call fails with EINVALID_CRITERIA naming the
 *    server's charsets;
 *  - BAD to a SEARCH with a CHARSET the library added: again without it,
 *    the text in UTF-8 (Yahoo refuses the argument itself, whatever the
 *    charset). A CHARSET the caller named is the caller's to drop.
 */

#define MAX_ATTEMPTS   3
#define MAX_CANDIDATES 64

typedef struct crit_cmd {
    imc_arena *a;             /* owns the copies below */
    const char *call;         /* "search", "sort", ... (in errors) */
    const char *head;         /* the command before the charset: "UID SORT (DATE)" */
    int mandatory;            /* SORT, THREAD: a charset is always sent */
    const char *const *items; /* the criteria (a copy); NULL: ALL */
    const char *raw;          /* or criteria text sent as it is (search_raw) */
    int negotiate;            /* the library chooses the charset */
    int eight_bit;            /* an item has bytes above 0x7f */
    const char *charset;      /* this attempt's; NULL: no CHARSET */
    const char *const *sent;  /* the items in it */
    const char *tried[MAX_ATTEMPTS]; /* charsets refused ("US-ASCII": none) */
    unsigned attempts, ntried;
    int chosen;  /* the library added the CHARSET (the caller named none) */
    int dropped; /* sent again without CHARSET after a BAD */
} crit_cmd;

static int has_8bit(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

static const char *const *copy_items(imc_arena *a, const char *const *items,
                                     int *eight_bit)
{
    size_t n = 0;
    while (items[n])
        n++;
    const char **v = imc_arena_calloc(a, n + 1, sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        if (!(v[i] = imc_arena_strdup(a, items[i])))
            return NULL;
        *eight_bit |= has_8bit(items[i]);
    }
    return v;
}

static void crit_release(crit_cmd *k)
{
    imc_arena_free(k->a);
    k->a = NULL;
}

/* Check the arguments and choose the first attempt. may_wait: the
 * capabilities may be asked for (to know LITERAL+ before a literal); a
 * call that does not wait uses what is known. 0 or a status (nothing
 * sent); crit_release() either way. */
static int crit_prepare(imapclient *c, crit_cmd *k, const char *call, const char *head,
                        const char *const *criteria, const char *raw, const char *charset,
                        int mandatory, int may_wait)
{
    *k = (crit_cmd){.call = call, .mandatory = mandatory};
    if (mandatory && !charset)
        charset = "UTF-8"; /* the reference's default */
    k->negotiate = !raw && (!charset || imc_charset_is_utf8(charset));
    int rc, literal = 0;
    if (raw) {
        if (!*raw)
            return imc_fail(c, IMAPCLIENT_EINVALID_CRITERIA, "%s: no criteria specified",
                            call);
        if (strpbrk(raw, "\r\n"))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: CR or LF in the criteria", call);
    } else if ((rc = criteria_check(c, call, criteria, k->negotiate ? "UTF-8" : charset,
                                    &literal))) {
        return rc;
    }
    /* Know LITERAL+ before sending a literal (as the reference asks first),
     * and IMAP4rev2 before choosing the charset. */
    if (may_wait &&
        (literal || (charset && imc_astring_form(charset, strlen(charset)) == 2)) &&
        (rc = imc_caps_ensure(c)))
        return rc;
    if (!(k->a = imc_arena_new()) || !(k->head = imc_arena_strdup(k->a, head)) ||
        (raw && !(k->raw = imc_arena_strdup(k->a, raw))) ||
        (criteria && !(k->items = copy_items(k->a, criteria, &k->eight_bit))))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    k->sent = k->items;
    if (k->negotiate && !mandatory && (imc_utf8_names(c) || c->quirks.search_no_charset))
        charset = NULL;
    else if (k->negotiate && !charset && k->eight_bit)
        charset = "UTF-8", k->chosen = 1;
    if (charset && !(k->charset = imc_arena_strdup(k->a, charset)))
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    return 0;
}

/* Build this attempt's command into c->cmd. */
static void crit_put(imapclient *c, crit_cmd *k)
{
    imc_begin(c, k->head);
    if (k->charset) {
        imc_put_raw(&c->cmd, k->mandatory ? " " : " CHARSET ");
        imc_put_astring(&c->cmd, k->charset, strlen(k->charset));
    }
    if (k->raw) {
        imc_put_sp(&c->cmd);
        imc_put_verbatim(&c->cmd, k->raw, strlen(k->raw));
    } else {
        criteria_put(c, k->sent);
    }
    k->attempts++;
}

static int was_tried(const crit_cmd *k, const char *cs)
{
    for (size_t i = 0; i < k->ntried; i++)
        if (!strcasecmp(k->tried[i], cs) ||
            (imc_charset_is_utf8(k->tried[i]) && imc_charset_is_utf8(cs)))
            return 1;
    return 0;
}

/* The items in charset cs: 1 (k->sent set), 0 when cs cannot hold them,
 * or ENOMEM. */
static int encode_items(crit_cmd *k, const char *cs)
{
    size_t n = 0;
    while (k->items[n])
        n++;
    const char **v = imc_arena_calloc(k->a, n + 1, sizeof *v);
    if (!v)
        return IMAPCLIENT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!has_8bit(k->items[i])) {
            v[i] = k->items[i];
            continue;
        }
        char *out;
        int rc =
            imc_charset_encode(k->a, cs, k->items[i], strlen(k->items[i]), &out, NULL);
        if (rc)
            return rc == IMAPCLIENT_EINVAL ? 0 : rc;
        v[i] = out;
    }
    k->sent = v;
    return 1;
}

/* The charsets of NO [BADCHARSET (...)] (RFC 3501 section 7.1): the list,
 * or the values themselves from a server that leaves out the parentheses. */
static const imapclient_value *badcharset_list(const imapclient_response *d)
{
    const imapclient_value *v = d->code_args;
    if (v && v->count == 1 && v->items[0].type == IMAPCLIENT_VALUE_LIST)
        return &v->items[0];
    return v;
}

static void log_retry(imapclient *c, const crit_cmd *k, const char *why)
{
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s: %s; sent again %s%s", k->call, why,
             k->charset ? "in " : "without CHARSET", k->charset ? k->charset : "");
    imc_log_info(c, tmp);
}

/* The server refused the criteria's charset: no charset it named can hold
 * the text. */
static int no_charset(imapclient *c, const crit_cmd *k, const imapclient_value *l)
{
    char names[256] = "", was[IMC_ERRMSG_SIZE];
    size_t n = 0;
    for (size_t i = 0; l && i < l->count && n + 1 < sizeof names; i++) {
        const imapclient_value *v = &l->items[i];
        if (IMAPCLIENT_VALUE_IS_TEXT(v) && v->str)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%.*s", n ? ", " : "",
                                  (int)(v->len > 64 ? 64 : v->len), v->str);
    }
    snprintf(was, sizeof was, "%s", c->errmsg);
    return imc_fail(c, IMAPCLIENT_EINVALID_CRITERIA,
                    "%s: the text cannot be searched for on this server: %s%s%s (%s)",
                    k->call, n ? "it only takes the charsets " : "it names no charset",
                    names, n ? ", which cannot hold it" : " it takes", was);
}

/* After NO or BAD: choose the next attempt. 1 when there is one (k->charset
 * and k->sent set), 0 when not (the failure stands; errmsg may say more),
 * or ENOMEM. */
static int crit_next(imapclient *c, crit_cmd *k, const imc_request *rq)
{
    const imapclient_response *d = rq->done;
    if (!k->negotiate || rq->rc != IMAPCLIENT_ERROR || rq->status != IMAPCLIENT_ERROR ||
        !d || k->attempts >= MAX_ATTEMPTS)
        return 0;
    if (!strcmp(d->name, "BAD")) {
        if (k->mandatory || !k->charset || !k->chosen || k->dropped)
            return 0;
        k->dropped = 1;
        k->charset = NULL;
        k->sent = k->items;
        log_retry(c, k, "BAD to the CHARSET argument");
        return 1;
    }
    if (strcmp(d->name, "NO") != 0 || !d->code || strcasecmp(d->code, "BADCHARSET") != 0)
        return 0;
    k->tried[k->ntried++] = k->charset ? k->charset : "US-ASCII";
    if (!k->eight_bit) {
        /* US-ASCII, which every server takes (RFC 3501 6.4.4, RFC 5256) */
        if (was_tried(k, "US-ASCII"))
            return 0;
        k->charset = k->mandatory ? "US-ASCII" : NULL;
        k->sent = k->items;
        log_retry(c, k, "the server refused the charset");
        return 1;
    }
    const imapclient_value *l = badcharset_list(d);
    for (size_t i = 0; l && i < l->count && i < MAX_CANDIDATES; i++) {
        const imapclient_value *v = &l->items[i];
        char name[IMC_CHARSET_MAX + 1];
        if (!IMAPCLIENT_VALUE_IS_TEXT(v) || !v->str ||
            !imc_charset_name(v->str, v->len, name) || was_tried(k, name))
            continue;
        int rc = encode_items(k, name);
        if (rc < 0)
            return imc_fail(c, rc, "out of memory");
        if (rc == 1) {
            if (!(k->charset = imc_arena_strdup(k->a, name)))
                return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            log_retry(c, k, "the server refused the charset");
            return 1;
        }
    }
    no_charset(c, k, l);
    return 0;
}

/* NO or BAD to a search-like command: the reference's InvalidCriteriaError
 * (RFC 3501 6.4.4: NO means "can't search that [CHARSET] or criteria"). */
static int criteria_error(imapclient *c, int rc, const imc_request *rq)
{
    if (rc == IMAPCLIENT_ERROR && rq->status == IMAPCLIENT_ERROR)
        return imc_recode(c, IMAPCLIENT_EINVALID_CRITERIA);
    return rc;
}

/* ---- one command object for SEARCH, ESEARCH, SORT and THREAD ----------------- */

typedef struct ids_state {
    const char *name; /* "SEARCH" or "SORT" */
    imc_u32vec ids;
    uint64_t modseq;
    int has_modseq;
} ids_state;

typedef struct esearch_state {
    imapclient_esearch_result *res;
    imc_arena *a;
} esearch_state;

typedef struct thread_state {
    imapclient_threads *res;
    imc_arena *a;
    imapclient_thread_node *threads;
    size_t count, cap;
} thread_state;

/* A search-like command, for both fronts: the command (rebuilt for each
 * attempt) and what its responses gave. */
typedef struct crit_op {
    imc_request rq; /* first */
    crit_cmd k;
    ids_state ids;
    esearch_state es;
    thread_state th;
    /* what an attempt gathered is forgotten before the next; the result
     * is built into rq.out once the last attempt completed */
    void (*reset)(struct crit_op *op);
    void (*finish)(imapclient *c, struct crit_op *op);
} crit_op;

static void crit_done(imapclient *c, imc_request *rq);

static void crit_op_init(crit_op *op, imc_untagged_fn on_untagged, void *ud,
                         void (*reset)(crit_op *op),
                         void (*finish)(imapclient *c, crit_op *op))
{
    op->rq.on_untagged = on_untagged;
    op->rq.ud = ud;
    op->rq.on_done = crit_done;
    op->reset = reset;
    op->finish = finish;
}

static void crit_done(imapclient *c, imc_request *rq)
{
    crit_op *op = (crit_op *)rq;
    int next = crit_next(c, &op->k, rq);
    if (next == 1) {
        op->reset(op);
        crit_put(c, &op->k);
        if ((next = imc_core_followup(c, rq)) == 0)
            return;
    }
    if (next < 0)
        rq->rc = next;
    op->finish(c, op);
}

/* Free what the op holds (not the result in rq.out). */
static void crit_op_release(crit_op *op)
{
    crit_release(&op->k);
    imc_u32vec_free(&op->ids.ids);
    imc_msg_result_free(op->es.res);
    op->es.res = NULL;
    imc_msg_result_free(op->th.res);
    op->th.res = NULL;
}

/* Send the op's first attempt and wait for the last; 0 with the result in
 * *out, or a status. The op is released either way. */
static int crit_run(imapclient *c, crit_op *op, void **out)
{
    crit_put(c, &op->k);
    int rc = imc_run(c, &op->rq);
    if (rc == 0)
        *out = op->rq.out;
    crit_op_release(op);
    return rc;
}

/* ---- SEARCH, SORT ------------------------------------------------------------ */

static int on_ids(imapclient *c, const imapclient_response *r, void *ud)
{
    ids_state *st = ud;
    if (r->has_number || strcmp(r->name, st->name) != 0)
        return 0;
    const imapclient_value *a = r->args;
    for (size_t i = 0; i < a->count; i++) {
        const imapclient_value *v = &a->items[i];
        uint32_t id;
        /* RFC 7162 3.1.5: "* SEARCH 2 5 6 (MODSEQ 917162500)" */
        if (v->type == IMAPCLIENT_VALUE_LIST && v->count == 2 &&
            imapclient_value_is(&v->items[0], "MODSEQ") &&
            !imc_msg_value_u64(&v->items[1], &st->modseq)) {
            st->has_modseq = 1;
            continue;
        }
        if (imc_msg_value_u32(v, &id))
            return imc_fail(c, IMAPCLIENT_EPROTOCOL,
                            "%s: bad message id in response: %.200s", st->name,
                            r->raw ? r->raw : "");
        if (imc_u32vec_push(&st->ids, id))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    return 1;
}

static int ids_result(imapclient *c, ids_state *st, imapclient_ids **out)
{
    imapclient_ids *res = imc_msg_result_new(sizeof *res);
    uint32_t *ids = res ? imc_u32vec_copy(&st->ids, imc_msg_result_arena(res)) : NULL;
    if (!ids) {
        imc_msg_result_free(res);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    res->ids = ids;
    res->count = st->ids.n;
    res->modseq = st->modseq;
    res->has_modseq = st->has_modseq;
    *out = res;
    return 0;
}

static void ids_reset(crit_op *op)
{
    op->ids.ids.n = 0;
    op->ids.modseq = 0;
    op->ids.has_modseq = 0;
}

static void ids_finish(imapclient *c, crit_op *op)
{
    int rc = criteria_error(c, op->rq.rc, &op->rq);
    imapclient_ids *res = NULL;
    if (rc == 0)
        rc = ids_result(c, &op->ids, &res);
    imc_u32vec_free(&op->ids.ids);
    op->rq.rc = rc;
    op->rq.out = res;
}

static void ids_op_init(crit_op *op, const char *name)
{
    op->ids = (ids_state){.name = name};
    crit_op_init(op, on_ids, &op->ids, ids_reset, ids_finish);
}

void imapclient_ids_free(imapclient_ids *ids)
{
    imc_msg_result_free(ids);
}

static const char *search_head(const imapclient *c)
{
    return c->opts.use_uid ? "UID SEARCH" : "SEARCH";
}

/* The common part of search, search_raw and gmail_search. */
static int do_search(imapclient *c, const char *call, const char *const *criteria,
                     const char *raw, const char *charset, imapclient_ids **out)
{
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: out is NULL", call);
    *out = NULL;
    crit_op op = {0};
    int rc = imc_require_selected(c, call);
    if (rc || (rc = crit_prepare(c, &op.k, call, search_head(c), criteria, raw, charset,
                                 0, 1))) {
        crit_release(&op.k);
        return rc;
    }
    ids_op_init(&op, "SEARCH");
    return crit_run(c, &op, (void **)out);
}

static int search_check(imapclient *c, imc_request *rq)
{
    return imc_require_selected(c, "search");
}

static void crit_op_free(imc_request *rq)
{
    crit_op_release((crit_op *)rq);
    free(rq);
}

static void ids_free(void *p)
{
    imapclient_ids_free(p);
}

int imapclient_start_search(imapclient *c, const char *const *criteria,
                            const char *charset, imapclient_done_cb cb, void *user,
                            uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    crit_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = crit_prepare(c, &op->k, "search", search_head(c), criteria, NULL, charset,
                           0, 0))) {
        crit_release(&op->k);
        free(op);
        return rc;
    }
    ids_op_init(op, "SEARCH");
    op->rq.check = search_check;
    /* SEARCH: no EXPUNGE while it runs; by sequence number only when
     * nothing in flight may expunge (RFC 3501 5.5). */
    op->rq.pipe =
        IMC_PIPE_FREE | IMC_PIPE_NOEXPUNGE | (c->opts.use_uid ? 0 : IMC_PIPE_SEQNUM);
    crit_put(c, &op->k);
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_SEARCH, ids_free, crit_op_free, cb,
                            user, id);
}

int imapclient_search(imapclient *c, const char *const *criteria, const char *charset,
                      imapclient_ids **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    return do_search(c, "search", criteria, NULL, charset, out);
}

int imapclient_search_raw(imapclient *c, const char *criteria, const char *charset,
                          imapclient_ids **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    return do_search(c, "search", NULL, criteria ? criteria : "ALL", charset, out);
}

int imapclient_gmail_search(imapclient *c, const char *query, const char *charset,
                            imapclient_ids **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (out)
        *out = NULL;
    if (!query)
        return imc_fail(c, IMAPCLIENT_EINVAL, "gmail_search: query is NULL");
    if ((rc = imc_require_selected(c, "gmail_search")) ||
        (rc = imc_require_cap(c, "X-GM-EXT-1", "gmail_search")))
        return rc;
    const char *criteria[] = {"X-GM-RAW", query, NULL};
    return do_search(c, "gmail_search", criteria, NULL, charset ? charset : "UTF-8", out);
}

/* SORT criteria: atoms, spaces between ("REVERSE SIZE"). */
static int sort_check(imapclient *c, const char *const *sort_criteria)
{
    if (!sort_criteria || !sort_criteria[0])
        return imc_fail(c, IMAPCLIENT_EINVAL, "sort: no sort criteria specified");
    for (size_t i = 0; sort_criteria[i]; i++) {
        const unsigned char *p = (const unsigned char *)sort_criteria[i];
        if (!*p)
            return imc_fail(c, IMAPCLIENT_EINVAL, "sort: empty sort criterion");
        for (; *p; p++)
            if (*p != ' ' && (*p <= 0x20 || *p >= 0x7f || strchr("(){%*\"\\]", *p)))
                return imc_fail(c, IMAPCLIENT_EINVAL,
                                "sort: \"%.60s\" is not a sort criterion",
                                sort_criteria[i]);
    }
    return 0;
}

int imapclient_sort(imapclient *c, const char *const *sort_criteria,
                    const char *const *criteria, const char *charset,
                    imapclient_ids **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "sort: out is NULL");
    *out = NULL;
    if ((rc = imc_require_selected(c, "sort")) ||
        (rc = imc_require_cap(c, "SORT", "sort")) || (rc = sort_check(c, sort_criteria)))
        return rc;
    /* the reference's _normalise_sort_criteria: upper-cased, in parentheses */
    imc_buf head;
    imc_buf_init(&head, 0);
    imc_buf_adds(&head, c->opts.use_uid ? "UID SORT (" : "SORT (");
    for (size_t i = 0; sort_criteria[i]; i++) {
        if (i)
            imc_buf_addc(&head, ' ');
        for (const char *p = sort_criteria[i]; *p; p++)
            imc_buf_addc(&head, *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p);
    }
    if (imc_buf_addc(&head, ')') < 0) {
        imc_buf_free(&head);
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    }
    crit_op op = {0};
    rc = crit_prepare(c, &op.k, "sort", head.data, criteria, NULL, charset, 1, 1);
    imc_buf_free(&head);
    if (rc) {
        crit_release(&op.k);
        return rc;
    }
    ids_op_init(&op, "SORT");
    return crit_run(c, &op, (void **)out);
}

/* ---- ESEARCH ------------------------------------------------------------------ */

static int esearch_bad(imapclient *c, const imapclient_response *r)
{
    return imc_fail(c, IMAPCLIENT_EPROTOCOL, "ESEARCH: malformed response: %.200s",
                    r->raw ? r->raw : "");
}

static int on_esearch(imapclient *c, const imapclient_response *r, void *ud)
{
    esearch_state *st = ud;
    if (r->has_number || strcmp(r->name, "ESEARCH") != 0)
        return 0;
    const imapclient_value *a = r->args;
    size_t i = 0;
    /* search-correlator = SP "(" "TAG" SP tag-string ")": another command's
     * result is not ours. */
    if (a->count && a->items[0].type == IMAPCLIENT_VALUE_LIST) {
        const imapclient_value *t = &a->items[0];
        if (t->count == 2 && imapclient_value_is(&t->items[0], "TAG") &&
            t->items[1].str && strcmp(t->items[1].str, imc_core_cur_tag(c)) != 0)
            return 0;
        i = 1;
    }
    imapclient_esearch_result *res = st->res;
    if (i < a->count && imapclient_value_is(&a->items[i], "UID")) {
        res->uid = 1;
        i++;
    }
    for (; i + 1 < a->count; i += 2) {
        const imapclient_value *k = &a->items[i], *v = &a->items[i + 1];
        uint64_t n;
        if (imapclient_value_is(k, "MIN")) {
            if (imc_msg_value_u32(v, &res->min))
                return esearch_bad(c, r);
            res->has_min = 1;
        } else if (imapclient_value_is(k, "MAX")) {
            if (imc_msg_value_u32(v, &res->max))
                return esearch_bad(c, r);
            res->has_max = 1;
        } else if (imapclient_value_is(k, "COUNT")) {
            if (imc_msg_value_u64(v, &n) || n > UINT32_MAX)
                return esearch_bad(c, r);
            res->count = (uint32_t)n;
            res->has_count = 1;
        } else if (imapclient_value_is(k, "MODSEQ")) {
            if (imc_msg_value_u64(v, &res->modseq))
                return esearch_bad(c, r);
            res->has_modseq = 1;
        } else if (imapclient_value_is(k, "ALL")) {
            if (!v->str || v->type == IMAPCLIENT_VALUE_LIST)
                return esearch_bad(c, r);
            uint32_t *ids;
            size_t cnt;
            int rc = imc_msg_expand_set(st->a, v->str, v->len, &ids, &cnt);
            if (rc == IMAPCLIENT_EPROTOCOL)
                return esearch_bad(c, r);
            if (rc == IMAPCLIENT_ETOOBIG)
                return imc_fail(c, rc, "ESEARCH: ALL names more than %u ids",
                                IMC_MSG_MAX_EXPAND);
            if (rc)
                return imc_fail(c, rc, "out of memory");
            res->all = imc_arena_strndup(st->a, v->str, v->len);
            if (!res->all)
                return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            res->ids = ids;
            res->id_count = cnt;
        }
        /* other return data (RFC 4466 search-ret-data-ext): one value, skipped */
    }
    return 1;
}

void imapclient_esearch_result_free(imapclient_esearch_result *r)
{
    imc_msg_result_free(r);
}

static void es_reset(crit_op *op)
{
    *op->es.res = (imapclient_esearch_result){0};
}

static void es_finish(imapclient *c, crit_op *op)
{
    int rc = criteria_error(c, op->rq.rc, &op->rq);
    imapclient_esearch_result *res = op->es.res;
    static const uint32_t no_ids[1];
    if (rc == 0 && !res->ids)
        res->ids = no_ids;
    if (rc == 0)
        op->es.res = NULL; /* the caller's now */
    op->rq.rc = rc;
    op->rq.out = rc ? NULL : res;
}

int imapclient_esearch(imapclient *c, const char *const *criteria, const char *charset,
                       const char *const *returns, imapclient_esearch_result **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "esearch: out is NULL");
    *out = NULL;
    if ((rc = imc_require_selected(c, "esearch")) ||
        (rc = imc_require_cap(c, "ESEARCH", "esearch")))
        return rc;
    for (size_t i = 0; returns && returns[i]; i++)
        if (imc_astring_form(returns[i], strlen(returns[i])) != 0 ||
            strchr(returns[i], ']'))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "esearch: \"%.60s\" is not a return option", returns[i]);
    imc_buf head;
    imc_buf_init(&head, 0);
    imc_buf_adds(&head, c->opts.use_uid ? "UID SEARCH RETURN (" : "SEARCH RETURN (");
    for (size_t i = 0; returns && returns[i]; i++) {
        if (i)
            imc_buf_addc(&head, ' ');
        imc_buf_adds(&head, returns[i]);
    }
    crit_op op = {0};
    if (imc_buf_addc(&head, ')') < 0)
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    else
        rc = crit_prepare(c, &op.k, "esearch", head.data, criteria, NULL, charset, 0, 1);
    imc_buf_free(&head);
    if (!rc && !(op.es.res = imc_msg_result_new(sizeof *op.es.res)))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (rc) {
        crit_release(&op.k);
        return rc;
    }
    op.es.a = imc_msg_result_arena(op.es.res);
    crit_op_init(&op, on_esearch, &op.es, es_reset, es_finish);
    return crit_run(c, &op, (void **)out);
}

/* ---- THREAD -------------------------------------------------------------------- */

/* Build the node for a list value (RFC 5256 thread-list), recursively;
 * the parser bounds the depth. 0, EPROTOCOL or ENOMEM. */
static int thread_list(imc_arena *a, const imapclient_value *v,
                       imapclient_thread_node *out)
{
    imapclient_thread_node *items =
        imc_arena_calloc(a, v->count ? v->count : 1, sizeof *items);
    if (!items)
        return IMAPCLIENT_ENOMEM;
    for (size_t i = 0; i < v->count; i++) {
        const imapclient_value *m = &v->items[i];
        if (m->type == IMAPCLIENT_VALUE_LIST) {
            int rc = thread_list(a, m, &items[i]);
            if (rc)
                return rc;
        } else if (imc_msg_value_u32(m, &items[i].id)) {
            return IMAPCLIENT_EPROTOCOL;
        }
    }
    out->id = 0;
    out->items = items;
    out->count = v->count;
    return 0;
}

static int on_thread(imapclient *c, const imapclient_response *r, void *ud)
{
    thread_state *st = ud;
    if (r->has_number || strcmp(r->name, "THREAD") != 0)
        return 0;
    const imapclient_value *a = r->args;
    for (size_t i = 0; i < a->count; i++) {
        if (a->items[i].type != IMAPCLIENT_VALUE_LIST)
            return imc_fail(c, IMAPCLIENT_EPROTOCOL, "THREAD: malformed response: %.200s",
                            r->raw ? r->raw : "");
        if (st->count == st->cap) {
            size_t cap = st->cap ? st->cap * 2 : 16;
            imapclient_thread_node *p = imc_arena_calloc(st->a, cap, sizeof *p);
            if (!p)
                return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            if (st->count)
                memcpy(p, st->threads, st->count * sizeof *p);
            st->threads = p;
            st->cap = cap;
        }
        int rc = thread_list(st->a, &a->items[i], &st->threads[st->count]);
        if (rc == IMAPCLIENT_EPROTOCOL)
            return imc_fail(c, rc, "THREAD: malformed response: %.200s",
                            r->raw ? r->raw : "");
        if (rc)
            return imc_fail(c, rc, "out of memory");
        st->count++;
    }
    return 1;
}

void imapclient_threads_free(imapclient_threads *t)
{
    imc_msg_result_free(t);
}

static void th_reset(crit_op *op)
{
    op->th.threads = NULL;
    op->th.count = op->th.cap = 0;
}

static void th_finish(imapclient *c, crit_op *op)
{
    int rc = criteria_error(c, op->rq.rc, &op->rq);
    imapclient_threads *res = op->th.res;
    static const imapclient_thread_node none[1];
    if (rc == 0) {
        res->threads = op->th.threads ? op->th.threads : none;
        res->count = op->th.count;
        op->th.res = NULL; /* the caller's now */
    }
    op->rq.rc = rc;
    op->rq.out = rc ? NULL : res;
}

int imapclient_thread(imapclient *c, const char *algorithm, const char *const *criteria,
                      const char *charset, imapclient_threads **out)
{
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "thread: out is NULL");
    *out = NULL;
    if (!algorithm)
        algorithm = "REFERENCES";
    if (imc_astring_form(algorithm, strlen(algorithm)) != 0 || strchr(algorithm, ']') ||
        strlen(algorithm) > 64)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "thread: \"%.60s\" is not a thread algorithm", algorithm);
    if ((rc = imc_require_selected(c, "thread")))
        return rc;
    char cap[80] = "THREAD=";
    strcat(cap, algorithm);
    if ((rc = imc_require_cap(c, cap, "thread")))
        return rc;
    char head[96];
    snprintf(head, sizeof head, "%s %s", c->opts.use_uid ? "UID THREAD" : "THREAD",
             algorithm);
    crit_op op = {0};
    rc = crit_prepare(c, &op.k, "thread", head, criteria, NULL, charset, 1, 1);
    if (!rc && !(op.th.res = imc_msg_result_new(sizeof *op.th.res)))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (rc) {
        crit_release(&op.k);
        return rc;
    }
    op.th.a = imc_msg_result_arena(op.th.res);
    crit_op_init(&op, on_thread, &op.th, th_reset, th_finish);
    return crit_run(c, &op, (void **)out);
}
