/*
 * SEARCH (with the reference's criteria encoding), ESEARCH, Gmail's
 * X-GM-RAW, SORT and THREAD.
 * RFC 3501 section 6.4.4, RFC 4731 (ESEARCH), RFC 5256 (SORT, THREAD),
 * RFC 7162 section 3.1.5 (MODSEQ in SEARCH results).
 */
#include "msgutil.h"

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

/* NO or BAD to a search-like command: the reference's InvalidCriteriaError
 * (RFC 3501 6.4.4: NO means "can't search that [CHARSET] or criteria"). */
static int criteria_error(imapclient *c, int rc, const imc_request *rq)
{
    if (rc == IMAPCLIENT_ERROR && rq->status == IMAPCLIENT_ERROR)
        return imc_recode(c, IMAPCLIENT_EINVALID_CRITERIA);
    return rc;
}

static void put_charset(imapclient *c, const char *charset)
{
    imc_put_sp(&c->cmd);
    imc_put_astring(&c->cmd, charset, strlen(charset));
}

/* ---- SEARCH, SORT ------------------------------------------------------------ */

typedef struct ids_state {
    const char *name; /* "SEARCH" or "SORT" */
    imc_u32vec ids;
    uint64_t modseq;
    int has_modseq;
} ids_state;

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

/* SEARCH or SORT as one command object, for both fronts. */
typedef struct ids_op {
    imc_request rq; /* first */
    ids_state st;
} ids_op;

static void ids_done(imapclient *c, imc_request *rq)
{
    ids_op *op = (ids_op *)rq;
    int rc = criteria_error(c, rq->rc, rq);
    imapclient_ids *res = NULL;
    if (rc == 0)
        rc = ids_result(c, &op->st, &res);
    imc_u32vec_free(&op->st.ids);
    rq->rc = rc;
    rq->out = res;
}

static void ids_op_init(ids_op *op, const char *name)
{
    op->st = (ids_state){.name = name};
    op->rq.on_untagged = on_ids;
    op->rq.ud = &op->st;
    op->rq.on_done = ids_done;
}

/* Send the built SEARCH or SORT command and collect its ids. */
static int run_ids(imapclient *c, const char *name, imapclient_ids **out)
{
    ids_op op = {0};
    ids_op_init(&op, name);
    int rc = imc_run(c, &op.rq);
    imc_u32vec_free(&op.st.ids); /* when it never completed */
    if (rc == 0)
        *out = op.rq.out;
    return rc;
}

void imapclient_ids_free(imapclient_ids *ids)
{
    imc_msg_result_free(ids);
}

/* Check the arguments and build SEARCH into c->cmd. may_wait: the
 * capabilities may be asked for (to know LITERAL+ before a literal); a
 * call that does not wait uses what is known. */
static int search_build(imapclient *c, const char *call, const char *const *criteria,
                        const char *raw, const char *charset, int may_wait)
{
    int rc, literal = 0;
    if (raw) {
        if (!*raw)
            return imc_fail(c, IMAPCLIENT_EINVALID_CRITERIA, "%s: no criteria specified",
                            call);
        if (strpbrk(raw, "\r\n"))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: CR or LF in the criteria", call);
    } else if ((rc = criteria_check(c, call, criteria, charset, &literal))) {
        return rc;
    }
    /* Know LITERAL+ before sending a literal (as the reference asks first). */
    if (may_wait &&
        (literal || (charset && imc_astring_form(charset, strlen(charset)) == 2)) &&
        (rc = imc_caps_ensure(c)))
        return rc;
    imc_begin(c, c->opts.use_uid ? "UID SEARCH" : "SEARCH");
    if (charset) {
        imc_put_raw(&c->cmd, " CHARSET");
        put_charset(c, charset);
    }
    if (raw) {
        imc_put_sp(&c->cmd);
        imc_put_verbatim(&c->cmd, raw, strlen(raw));
    } else {
        criteria_put(c, criteria);
    }
    return 0;
}

/* The common part of search, search_raw and gmail_search. */
static int do_search(imapclient *c, const char *call, const char *const *criteria,
                     const char *raw, const char *charset, imapclient_ids **out)
{
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: out is NULL", call);
    *out = NULL;
    int rc = imc_require_selected(c, call);
    if (rc || (rc = search_build(c, call, criteria, raw, charset, 1)))
        return rc;
    return run_ids(c, "SEARCH", out);
}

static int search_check(imapclient *c, imc_request *rq)
{
    return imc_require_selected(c, "search");
}

static void ids_op_free(imc_request *rq)
{
    imc_u32vec_free(&((ids_op *)rq)->st.ids);
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
    ids_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if ((rc = search_build(c, "search", criteria, NULL, charset, 0))) {
        free(op);
        return rc;
    }
    ids_op_init(op, "SEARCH");
    op->rq.check = search_check;
    /* SEARCH: no EXPUNGE while it runs; by sequence number only when
     * nothing in flight may expunge (RFC 3501 5.5). */
    op->rq.pipe =
        IMC_PIPE_FREE | IMC_PIPE_NOEXPUNGE | (c->opts.use_uid ? 0 : IMC_PIPE_SEQNUM);
    return imc_async_submit(c, &op->rq, IMAPCLIENT_OP_SEARCH, ids_free, ids_op_free, cb,
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
        (rc = imc_require_cap(c, "SORT", "sort")))
        return rc;
    if (!charset)
        charset = "UTF-8";
    int literal;
    if ((rc = sort_check(c, sort_criteria)) ||
        (rc = criteria_check(c, "sort", criteria, charset, &literal)))
        return rc;
    imc_begin(c, c->opts.use_uid ? "UID SORT" : "SORT");
    /* the reference's _normalise_sort_criteria: upper-cased, in parentheses */
    imc_put_raw(&c->cmd, " (");
    for (size_t i = 0; sort_criteria[i]; i++) {
        if (i)
            imc_put_sp(&c->cmd);
        for (const char *p = sort_criteria[i]; *p; p++) {
            char ch = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
            imc_put_rawn(&c->cmd, &ch, 1);
        }
    }
    imc_put_raw(&c->cmd, ")");
    put_charset(c, charset);
    criteria_put(c, criteria);
    return run_ids(c, "SORT", out);
}

/* ---- ESEARCH ------------------------------------------------------------------ */

typedef struct esearch_state {
    imapclient_esearch_result *res;
    imc_arena *a;
} esearch_state;

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
    int literal;
    if ((rc = criteria_check(c, "esearch", criteria, charset, &literal)))
        return rc;
    imapclient_esearch_result *res = imc_msg_result_new(sizeof *res);
    if (!res)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_begin(c, c->opts.use_uid ? "UID SEARCH RETURN (" : "SEARCH RETURN (");
    for (size_t i = 0; returns && returns[i]; i++) {
        if (i)
            imc_put_sp(&c->cmd);
        imc_put_raw(&c->cmd, returns[i]);
    }
    imc_put_raw(&c->cmd, ")");
    if (charset) {
        imc_put_raw(&c->cmd, " CHARSET");
        put_charset(c, charset);
    }
    criteria_put(c, criteria);
    esearch_state st = {res, imc_msg_result_arena(res)};
    imc_request rq = {.on_untagged = on_esearch, .ud = &st};
    rc = criteria_error(c, imc_run(c, &rq), &rq);
    if (rc) {
        imc_msg_result_free(res);
        return rc;
    }
    static const uint32_t no_ids[1];
    if (!res->ids)
        res->ids = no_ids;
    *out = res;
    return 0;
}

/* ---- THREAD -------------------------------------------------------------------- */

typedef struct thread_state {
    imc_arena *a;
    imapclient_thread_node *threads;
    size_t count, cap;
} thread_state;

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
    if (!charset)
        charset = "UTF-8";
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
    int literal;
    if ((rc = criteria_check(c, "thread", criteria, charset, &literal)))
        return rc;
    imapclient_threads *res = imc_msg_result_new(sizeof *res);
    if (!res)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    imc_begin(c, c->opts.use_uid ? "UID THREAD" : "THREAD");
    imc_put_sp(&c->cmd);
    imc_put_raw(&c->cmd, algorithm);
    put_charset(c, charset);
    criteria_put(c, criteria);
    thread_state st = {.a = imc_msg_result_arena(res)};
    imc_request rq = {.on_untagged = on_thread, .ud = &st};
    rc = criteria_error(c, imc_run(c, &rq), &rq);
    if (rc) {
        imc_msg_result_free(res);
        return rc;
    }
    static const imapclient_thread_node none[1];
    res->threads = st.threads ? st.threads : none;
    res->count = st.count;
    *out = res;
    return 0;
}
