/*
 * SEARCH (with the reference's criteria encoding), ESEARCH, Gmail's
 * X-GM-RAW, SORT and THREAD.
 * RFC 3501 section 6.4.4, RFC 4731 (ESEARCH), RFC 5256 (SORT, THREAD),
 * RFC 7162 section 3.1.5 (MODSEQ in SEARCH results), RFC 6855 section 3
 * (no CHARSET once UTF-8 is on). The charset of the criteria is
 * negotiated: see "the charset" below. RFC 9051 section 6.4.4 (IMAP4rev2
 * answers SEARCH with ESEARCH), RFC 5267 (ESORT), RFC 9394 (PARTIAL),
 * RFC 7377 (MULTISEARCH), RFC 5182 (SEARCHRES), and the search keys of
 * RFC 5032 (WITHIN), RFC 8474 (OBJECTID) and RFC 8514 (SAVEDATE).
 */
#include "folders_priv.h"
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

/* ---- search keys of extensions ---------------------------------------------- */

/* Search keys and how many arguments follow each (RFC 3501 6.4.4, RFC 9051
 * 6.4.4), with the capability of those that belong to an extension:
 * WITHIN (RFC 5032), OBJECTID (RFC 8474 section 6), SAVEDATE (RFC 8514
 * section 4). */
static const struct {
    const char *key;
    int args;
    const char *cap;
} search_keys[] = {
    {"ALL", 0, NULL},
    {"ANSWERED", 0, NULL},
    {"BCC", 1, NULL},
    {"BEFORE", 1, NULL},
    {"BODY", 1, NULL},
    {"CC", 1, NULL},
    {"DELETED", 0, NULL},
    {"DRAFT", 0, NULL},
    {"FLAGGED", 0, NULL},
    {"FROM", 1, NULL},
    {"HEADER", 2, NULL},
    {"KEYWORD", 1, NULL},
    {"LARGER", 1, NULL},
    {"NEW", 0, NULL},
    {"OLD", 0, NULL},
    {"ON", 1, NULL},
    {"RECENT", 0, NULL},
    {"SEEN", 0, NULL},
    {"SENTBEFORE", 1, NULL},
    {"SENTON", 1, NULL},
    {"SENTSINCE", 1, NULL},
    {"SINCE", 1, NULL},
    {"SMALLER", 1, NULL},
    {"SUBJECT", 1, NULL},
    {"TEXT", 1, NULL},
    {"TO", 1, NULL},
    {"UID", 1, NULL},
    {"UNANSWERED", 0, NULL},
    {"UNDELETED", 0, NULL},
    {"UNDRAFT", 0, NULL},
    {"UNFLAGGED", 0, NULL},
    {"UNKEYWORD", 1, NULL},
    {"UNSEEN", 0, NULL},
    {"X-GM-RAW", 1, NULL},
    {"X-GM-MSGID", 1, NULL},
    {"X-GM-THRID", 1, NULL},
    {"X-GM-LABELS", 1, NULL},
    {"OLDER", 1, "WITHIN"},
    {"YOUNGER", 1, "WITHIN"},
    {"EMAILID", 1, "OBJECTID"},
    {"THREADID", 1, "OBJECTID"},
    {"SAVEDBEFORE", 1, "SAVEDATE"},
    {"SAVEDON", 1, "SAVEDATE"},
    {"SAVEDSINCE", 1, "SAVEDATE"},
    {"SAVEDATESUPPORTED", 0, "SAVEDATE"},
};

#define MAX_NEEDS 6

static void need_add(const char **need, const char *cap)
{
    for (size_t i = 0; i < MAX_NEEDS; i++) {
        if (need[i] && !strcmp(need[i], cap))
            return;
        if (!need[i]) {
            need[i] = cap;
            return;
        }
    }
}

static int is_digits_set(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr("0123456789:,*", *s))
            return 0;
    return 1;
}

/* The capabilities the criteria need: the keys of extensions found where
 * a search key goes (SUBJECT's argument "OLDER" is not one), and "$"
 * (SEARCHRES, RFC 5182) as a key or as UID's argument. The walk stops at a
 * key it does not know, whose arguments it cannot count. need gets up to
 * MAX_NEEDS names, NULL-terminated. */
static void criteria_needs(const char *const *criteria, const char *need[MAX_NEEDS + 1])
{
    for (size_t i = 0; i <= MAX_NEEDS; i++)
        need[i] = NULL;
    if (!criteria)
        return;
    size_t i = 0;
    while (criteria[i]) {
        const char *t = criteria[i++];
        if (!strcmp(t, "(") || !strcmp(t, ")") || !strcasecmp(t, "NOT") ||
            !strcasecmp(t, "OR") || is_digits_set(t))
            continue;
        if (!strcmp(t, "$")) {
            need_add(need, "SEARCHRES");
            continue;
        }
        if (!strcasecmp(t, "MODSEQ")) {
            /* "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer */
            int n = criteria[i] && is_digits_set(criteria[i]) ? 1 : 3;
            for (int k = 0; k < n && criteria[i]; k++)
                i++;
            continue;
        }
        size_t k = 0, nk = sizeof search_keys / sizeof search_keys[0];
        while (k < nk && strcasecmp(search_keys[k].key, t))
            k++;
        if (k == nk)
            return;
        if (search_keys[k].cap)
            need_add(need, search_keys[k].cap);
        if (!strcasecmp(t, "UID") && criteria[i] && !strcmp(criteria[i], "$"))
            need_add(need, "SEARCHRES");
        for (int a = 0; a < search_keys[k].args && criteria[i]; a++)
            i++;
    }
}

/* Require what criteria_needs() found; 0 or ECAPABILITY (IMC_NEED_CAPS in
 * a check hook before the capabilities are known). */
static int require_needs(imapclient *c, const char *call, const char *const *need)
{
    int rc;
    for (size_t i = 0; i < MAX_NEEDS && need[i]; i++)
        if ((rc = imc_require_ext(c, need[i], call)))
            return rc;
    return 0;
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
    /* RFC 6855 section 3 and its erratum 4029: once UTF8=ACCEPT is enabled
     * the criteria are UTF-8, so another charset cannot be honoured (US-ASCII
     * is a subset: as UTF-8) */
    if (charset && (c->enabled & IMC_ENABLED_UTF8_ACCEPT)) {
        if (!imc_charset_is_utf8(charset) && strcasecmp(charset, "US-ASCII") &&
            strcasecmp(charset, "ASCII"))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "%s: charset %.40s cannot be used once UTF8=ACCEPT is "
                            "enabled (the strings are UTF-8, RFC 6855 section 3)",
                            call, charset);
        charset = "UTF-8";
    }
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

/* ---- fast paths -------------------------------------------------------------- */

/* SEARCH, SORT and THREAD responses of a big folder are long lists of
 * numbers: the command's fast path (imc_request.fast, offered the bytes by
 * the core through the parser) puts the ids straight into the result,
 * instead of one generic value (and a string copy) per id. A fast path takes only what
 * the generic path accepts, with the same result; anything else (a literal, a quoted
 * string, an id out of range, unusual spacing) goes back to the generic
 * parse and its error messages. tests/unit/client/test_search_fast.c
 * compares the two paths on random responses. */

/* A number as the generic parser and imc_msg_value_u64() take it: 1 to 20
 * digits, no overflow. */
static int scan_u64(const char *s, size_t len, size_t *i, uint64_t *out)
{
    size_t start = *i;
    uint64_t n = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        unsigned d = (unsigned)(s[*i] - '0');
        if (n > (UINT64_MAX - d) / 10)
            return -1;
        n = n * 10 + d;
        (*i)++;
    }
    if (*i == start || *i - start > 20)
        return -1;
    *out = n;
    return 0;
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
    int ordered;   /* ESORT: ALL in the server's order */
    size_t budget; /* ids that may still be made */
} esearch_state;

typedef struct multi_state {
    imapclient_multisearch_result *res;
    imc_arena *a;
    imapclient_multisearch_mailbox *v;
    size_t n, cap;
    size_t budget;
} multi_state;

typedef struct thread_state {
    imapclient_threads *res;
    imc_arena *a;
    imapclient_thread_node *threads;
    size_t count, cap;
    /* the fast path's work space */
    unsigned max_depth; /* the parser's: deeper goes to the generic parse */
    imapclient_thread_node *stack;
    size_t stack_len, stack_cap;
    size_t *bases; /* where each open list's members start in stack */
    size_t depth_cap;
} thread_state;

/* A search-like command, for both fronts: the command (rebuilt for each
 * attempt) and what its responses gave. */
typedef struct crit_op {
    imc_request rq; /* first */
    crit_cmd k;
    ids_state ids;
    esearch_state es;
    thread_state th;
    multi_state ms;
    const char *need[MAX_NEEDS + 1]; /* capabilities the criteria need */
    char th_cap[80];                 /* THREAD: "THREAD=<algorithm>" */
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
    imc_msg_result_free(op->ms.res);
    op->ms.res = NULL;
    free(op->th.stack);
    op->th.stack = NULL;
    free(op->th.bases);
    op->th.bases = NULL;
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

static int on_esearch_ids(imapclient *c, const imapclient_response *r, ids_state *st);
/* mailbox-data = "SEARCH" *(SP nz-number) [SP "(" "MODSEQ" SP mod-sequence-value ")"]
 * (RFC 3501, RFC 7162 3.1.5), and SORT alike (RFC 5256). */
static int fast_ids(void *ud, const char *s, size_t len)
{
    ids_state *st = ud;
    size_t n0 = st->ids.n;
    uint64_t modseq0 = st->modseq;
    int has_modseq0 = st->has_modseq;
    size_t i = 0;
    for (;;) {
        while (i < len && s[i] == ' ')
            i++;
        if (i == len)
            return 1;
        uint64_t v;
        if (s[i] == '(') {
            if (len - i < 9 || strncasecmp(s + i + 1, "MODSEQ ", 7) != 0)
                break;
            i += 8;
            if (scan_u64(s, len, &i, &v) || i == len || s[i] != ')')
                break;
            i++;
            st->modseq = v;
            st->has_modseq = 1;
        } else {
            if (scan_u64(s, len, &i, &v) || v == 0 || v > UINT32_MAX ||
                imc_u32vec_push(&st->ids, (uint32_t)v))
                break;
        }
        if (i < len && s[i] != ' ')
            break;
    }
    st->ids.n = n0; /* to the generic parse, as if never seen */
    st->modseq = modseq0;
    st->has_modseq = has_modseq0;
    return 0;
}

static int on_ids(imapclient *c, const imapclient_response *r, void *ud)
{
    ids_state *st = ud;
    if (!r->has_number && !strcmp(st->name, "SEARCH") && !strcmp(r->name, "ESEARCH"))
        return on_esearch_ids(c, r, st);
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
    op->rq.fast_name = name;
    op->rq.fast = fast_ids;
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
    criteria_needs(criteria, op.need);
    int rc = imc_require_selected(c, call);
    if (rc || (rc = require_needs(c, call, op.need)) ||
        (rc = crit_prepare(c, &op.k, call, search_head(c), criteria, raw, charset, 0,
                           1))) {
        crit_release(&op.k);
        return rc;
    }
    ids_op_init(&op, "SEARCH");
    return crit_run(c, &op, (void **)out);
}

/* (the capabilities of the criteria are checked when the command goes
 * out, as the state is) */
static int search_check(imapclient *c, imc_request *rq)
{
    int rc = imc_require_selected(c, "search");
    return rc ? rc : require_needs(c, "search", ((crit_op *)rq)->need);
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
    criteria_needs(criteria, op->need);
    op->rq.check = search_check;
    op->rq.pipe = imc_pipe_fetch_like(c);
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
        if (!*sort_criteria[i])
            return imc_fail(c, IMAPCLIENT_EINVAL, "sort: empty sort criterion");
        if (!imc_syntax_valid(sort_criteria[i], IMC_SYNTAX_ATOMS))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "sort: \"%.60s\" is not a sort criterion", sort_criteria[i]);
    }
    return 0;
}

/* SORT's command into op, for both fronts (the state and capabilities
 * are checked by the blocking call or the check hook); 0 or a status,
 * crit_release() done on failure. */
static int sort_prepare(imapclient *c, crit_op *op, const char *const *sort_criteria,
                        const char *const *criteria, const char *charset, int may_wait)
{
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
    int rc =
        crit_prepare(c, &op->k, "sort", head.data, criteria, NULL, charset, 1, may_wait);
    imc_buf_free(&head);
    if (rc) {
        crit_release(&op->k);
        return rc;
    }
    ids_op_init(op, "SORT");
    return 0;
}

/* What SORT needs when it goes out. */
static int sort_needs(imapclient *c, imc_request *rq)
{
    int rc = imc_require_selected(c, "sort");
    if (!rc)
        rc = imc_require_cap(c, "SORT", "sort");
    return rc ? rc : require_needs(c, "sort", ((crit_op *)rq)->need);
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
    if ((rc = sort_check(c, sort_criteria)))
        return rc;
    crit_op op = {0};
    criteria_needs(criteria, op.need);
    if ((rc = sort_needs(c, &op.rq)) ||
        (rc = sort_prepare(c, &op, sort_criteria, criteria, charset, 1)))
        return rc;
    return crit_run(c, &op, (void **)out);
}

static void crit_op_free(imc_request *rq);
static void ids_free(void *p);

/* Hand a prepared search-like op to the non-blocking front. */
static int crit_submit(imapclient *c, crit_op *op,
                       int (*check)(imapclient *, imc_request *), imapclient_op what,
                       void (*free_result)(void *), imapclient_done_cb cb, void *user,
                       uint64_t *id)
{
    op->rq.check = check;
    op->rq.pipe = imc_pipe_fetch_like(c);
    crit_put(c, &op->k);
    return imc_async_submit(c, &op->rq, what, free_result, crit_op_free, cb, user, id);
}

int imapclient_start_sort(imapclient *c, const char *const *sort_criteria,
                          const char *const *criteria, const char *charset,
                          imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc || (rc = sort_check(c, sort_criteria)))
        return rc;
    crit_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    criteria_needs(criteria, op->need);
    if ((rc = sort_prepare(c, op, sort_criteria, criteria, charset, 0))) {
        free(op);
        return rc;
    }
    return crit_submit(c, op, sort_needs, IMAPCLIENT_OP_SORT, ids_free, cb, user, id);
}

/* ---- ESEARCH ------------------------------------------------------------------ */

/* Expand a set of numbers from the server ("3:5,9"; no "*") into ids in
 * a. ordered (ESORT, PARTIAL): in the order sent, "5:3" as 5, 4, 3; else
 * each range ascending. *budget is how many ids may still be made (it is
 * lowered). 0, EPROTOCOL, ETOOBIG or ENOMEM. */
static int expand_ids(imc_arena *a, const char *s, size_t len, int ordered,
                      size_t *budget, uint32_t **out, size_t *count)
{
    uint64_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *ids = NULL;
        if (pass) {
            if (!(ids = imc_arena_calloc(a, total ? (size_t)total : 1, sizeof *ids)))
                return IMAPCLIENT_ENOMEM;
            *out = ids;
            *count = (size_t)total;
            *budget -= (size_t)total;
        }
        size_t i = 0, k = 0;
        for (;;) {
            uint64_t v[2] = {0, 0};
            int nv = 0;
            for (; nv < 2; nv++) {
                size_t st = i;
                while (i < len && s[i] >= '0' && s[i] <= '9' && v[nv] <= UINT32_MAX)
                    v[nv] = v[nv] * 10 + (uint64_t)(s[i++] - '0');
                if (i == st || v[nv] == 0 || v[nv] > UINT32_MAX)
                    return IMAPCLIENT_EPROTOCOL;
                if (i == len || s[i] != ':')
                    break;
                if (nv == 1)
                    return IMAPCLIENT_EPROTOCOL;
                i++;
            }
            uint64_t lo = v[0], hi = nv == 1 ? v[1] : v[0];
            int down = ordered && lo > hi;
            if (lo > hi) {
                uint64_t t = lo;
                lo = hi;
                hi = t;
            }
            if (!pass) {
                total += hi - lo + 1;
                if (total > *budget)
                    return IMAPCLIENT_ETOOBIG;
            } else {
                for (uint64_t x = 0; x <= hi - lo; x++)
                    ids[k++] = (uint32_t)(down ? hi - x : lo + x);
            }
            if (i == len)
                break;
            if (s[i++] != ',' || i == len)
                return IMAPCLIENT_EPROTOCOL;
        }
    }
    return 0;
}

/* partial-range = nz-number ":" nz-number / "-" nz-number ":" "-" nz-number
 * (RFC 9394 section 3.1); 0 or EPROTOCOL. */
static int parse_range(const char *s, size_t len, int64_t *first, int64_t *last)
{
    int64_t v[2];
    size_t i = 0;
    for (int k = 0; k < 2; k++) {
        int neg = i < len && s[i] == '-';
        i += (size_t)neg;
        uint64_t n = 0;
        size_t st = i;
        while (i < len && s[i] >= '0' && s[i] <= '9' && n <= UINT32_MAX)
            n = n * 10 + (uint64_t)(s[i++] - '0');
        if (i == st || n == 0 || n > UINT32_MAX ||
            (k == 0 && (i == len || s[i++] != ':')))
            return IMAPCLIENT_EPROTOCOL;
        v[k] = neg ? -(int64_t)n : (int64_t)n;
    }
    if (i != len || (v[0] < 0) != (v[1] < 0))
        return IMAPCLIENT_EPROTOCOL;
    *first = v[0];
    *last = v[1];
    return 0;
}

static int esearch_bad(imapclient *c, const imapclient_response *r)
{
    return imc_fail(c, IMAPCLIENT_EPROTOCOL, "ESEARCH: malformed response: %.200s",
                    r->raw ? r->raw : "");
}

static int expand_failed(imapclient *c, const imapclient_response *r, int rc)
{
    if (rc == IMAPCLIENT_EPROTOCOL)
        return esearch_bad(c, r);
    if (rc == IMAPCLIENT_ETOOBIG)
        return imc_fail(c, rc, "ESEARCH: more than %u ids", IMC_MSG_MAX_EXPAND);
    return imc_fail(c, rc, "out of memory");
}

/* The search correlator (RFC 4466 section 2.6.2, RFC 7377 section 2):
 * "(" "TAG" SP tag-string [SP "MAILBOX" SP mailbox SP "UIDVALIDITY" SP
 * nz-number] ")". *i is set past it (0 without one). */
typedef struct esearch_corr {
    const char *tag; /* NULL without one */
    const imapclient_value *mailbox;
    uint64_t uidvalidity;
} esearch_corr;

static void esearch_correlator(const imapclient_response *r, esearch_corr *k, size_t *i)
{
    const imapclient_value *a = r->args;
    memset(k, 0, sizeof *k);
    *i = 0;
    if (!a->count || a->items[0].type != IMAPCLIENT_VALUE_LIST)
        return;
    const imapclient_value *t = &a->items[0];
    for (size_t j = 0; j + 1 < t->count; j += 2) {
        const imapclient_value *v = &t->items[j + 1];
        if (imapclient_value_is(&t->items[j], "TAG") && v->str)
            k->tag = v->str;
        else if (imapclient_value_is(&t->items[j], "MAILBOX"))
            k->mailbox = v;
        else if (imapclient_value_is(&t->items[j], "UIDVALIDITY"))
            imc_msg_value_u64(v, &k->uidvalidity);
    }
    *i = 1;
}

/* The return data after the correlator: RFC 4731 MIN MAX COUNT ALL, RFC
 * 7162 MODSEQ, RFC 9394 PARTIAL (others, RFC 4466 search-ret-data-ext,
 * are skipped). 0 or a status (errmsg set). */
static int esearch_fill(imapclient *c, const imapclient_response *r, size_t i,
                        imc_arena *a, imapclient_esearch_result *res, int ordered,
                        size_t *budget)
{
    const imapclient_value *args = r->args;
    if (i < args->count && imapclient_value_is(&args->items[i], "UID")) {
        res->uid = 1;
        i++;
    }
    for (; i + 1 < args->count; i += 2) {
        const imapclient_value *k = &args->items[i], *v = &args->items[i + 1];
        uint64_t n;
        int rc;
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
            uint32_t *ids;
            size_t cnt;
            if (!v->str || v->type == IMAPCLIENT_VALUE_LIST)
                return esearch_bad(c, r);
            if ((rc = expand_ids(a, v->str, v->len, ordered, budget, &ids, &cnt)))
                return expand_failed(c, r, rc);
            if (!(res->all = imc_arena_strndup(a, v->str, v->len)))
                return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            res->ids = ids;
            res->id_count = cnt;
        } else if (imapclient_value_is(k, "PARTIAL")) {
            /* "PARTIAL" SP "(" partial-range SP partial-results ")" */
            if (v->type != IMAPCLIENT_VALUE_LIST || v->count != 2 || !v->items[0].str ||
                parse_range(v->items[0].str, v->items[0].len, &res->partial_first,
                            &res->partial_last))
                return esearch_bad(c, r);
            const imapclient_value *set = &v->items[1];
            res->has_partial = 1;
            res->partial = NULL;
            res->partial_count = 0;
            if (set->type == IMAPCLIENT_VALUE_NIL)
                continue;
            uint32_t *ids;
            size_t cnt;
            if (!set->str || set->type == IMAPCLIENT_VALUE_LIST)
                return esearch_bad(c, r);
            if ((rc = expand_ids(a, set->str, set->len, 1, budget, &ids, &cnt)))
                return expand_failed(c, r, rc);
            if (!(res->partial = imc_arena_strndup(a, set->str, set->len)))
                return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
            res->partial_ids = ids;
            res->partial_count = cnt;
        }
    }
    return 0;
}

static const uint32_t no_ids[1];

static void esearch_finish(imapclient_esearch_result *res)
{
    if (!res->ids)
        res->ids = no_ids;
    if (!res->partial_ids)
        res->partial_ids = no_ids;
}

static int on_esearch(imapclient *c, const imapclient_response *r, void *ud)
{
    esearch_state *st = ud;
    if (r->has_number || strcmp(r->name, "ESEARCH") != 0)
        return 0;
    /* another command's result is not ours */
    esearch_corr k;
    size_t i;
    esearch_correlator(r, &k, &i);
    if (k.tag && strcmp(k.tag, imc_core_cur_tag(c)) != 0)
        return 0;
    int rc = esearch_fill(c, r, i, st->a, st->res, st->ordered, &st->budget);
    return rc ? rc : 1;
}

/* SEARCH answered with ESEARCH (IMAP4rev2 always answers so, RFC 9051
 * section 6.4.4; ALL and MODSEQ are what SEARCH would have said): the ids
 * of ALL join the reference-shaped result. */
static int on_esearch_ids(imapclient *c, const imapclient_response *r, ids_state *st)
{
    esearch_corr k;
    size_t i;
    esearch_correlator(r, &k, &i);
    if (k.tag && strcmp(k.tag, imc_core_cur_tag(c)) != 0)
        return 0;
    imapclient_esearch_result res = {0};
    size_t budget = IMC_MSG_MAX_EXPAND > st->ids.n ? IMC_MSG_MAX_EXPAND - st->ids.n : 0;
    int rc = esearch_fill(c, r, i, c->scratch, &res, 0, &budget);
    if (rc)
        return rc;
    for (size_t j = 0; j < res.id_count; j++)
        if (imc_u32vec_push(&st->ids, res.ids[j]))
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (res.has_modseq) {
        st->modseq = res.modseq;
        st->has_modseq = 1;
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
    op->es.budget = IMC_MSG_MAX_EXPAND;
}

static void es_finish(imapclient *c, crit_op *op)
{
    int rc = criteria_error(c, op->rq.rc, &op->rq);
    imapclient_esearch_result *res = op->es.res;
    if (rc == 0 && op->rq.done &&
        !(res->tag =
              imc_arena_strndup(op->es.a, op->rq.done->tag, strlen(op->rq.done->tag))))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (rc == 0) {
        esearch_finish(res);
        op->es.res = NULL; /* the caller's now */
    }
    op->rq.rc = rc;
    op->rq.out = rc ? NULL : res;
}

/* Return options: atoms, or "PARTIAL first:last" (RFC 9394). What they
 * need goes into need (SAVE: SEARCHRES; PARTIAL: PARTIAL). */
static int returns_check(imapclient *c, const char *call, const char *const *returns,
                         const char **need, const char *context_cap)
{
    for (size_t i = 0; returns && returns[i]; i++) {
        const char *o = returns[i];
        int64_t f, l;
        if (!strncasecmp(o, "PARTIAL ", 8) &&
            !parse_range(o + 8, strlen(o + 8), &f, &l)) {
            need_add(need, "PARTIAL");
            continue;
        }
        if (!imc_syntax_valid(o, IMC_SYNTAX_ATOM))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: \"%.60s\" is not a return option",
                            call, o);
        if (!strcasecmp(o, "SAVE"))
            need_add(need, "SEARCHRES");
        /* RFC 5267: UPDATE (and the CONTEXT hint) need CONTEXT=SEARCH,
         * CONTEXT=SORT for a sort */
        if (!strcasecmp(o, "UPDATE") || !strcasecmp(o, "CONTEXT")) {
            if (!context_cap)
                return imc_fail(c, IMAPCLIENT_EINVAL,
                                "%s: %s is not a return option here", call, o);
            need_add(need, context_cap);
        }
        if (!strcasecmp(o, "PARTIAL"))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "%s: PARTIAL needs a range (\"PARTIAL 1:100\")", call);
    }
    return 0;
}

/* "RETURN (<returns>)" into a head being built; 0 or -1 (out of memory). */
static int head_returns(imc_buf *head, const char *const *returns)
{
    int bad = imc_buf_adds(head, "RETURN (");
    for (size_t i = 0; returns && returns[i]; i++) {
        if (i)
            bad |= imc_buf_addc(head, ' ');
        bad |= imc_buf_adds(head, returns[i]);
    }
    return bad | imc_buf_addc(head, ')');
}

/* Prepare an op answered with ESEARCH (ESEARCH, ESORT) whose head is
 * built (bad: building it ran out of memory); 0 or a status (op released). */
static int es_prepare(imapclient *c, crit_op *op, const char *call, imc_buf *head,
                      int bad, const char *const *criteria, const char *charset,
                      int mandatory, int ordered)
{
    int rc;
    if (bad || !head->data)
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    else
        rc = crit_prepare(c, &op->k, call, head->data, criteria, NULL, charset, mandatory,
                          1);
    imc_buf_free(head);
    if (!rc && !(op->es.res = imc_msg_result_new(sizeof *op->es.res)))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (rc) {
        crit_op_release(op);
        return rc;
    }
    op->es.a = imc_msg_result_arena(op->es.res);
    op->es.ordered = ordered;
    op->es.budget = IMC_MSG_MAX_EXPAND;
    crit_op_init(op, on_esearch, &op->es, es_reset, es_finish);
    return 0;
}

int imapclient_esearch(imapclient *c, const char *const *criteria, const char *charset,
                       const char *const *returns, imapclient_esearch_result **out)
{
    static const char call[] = "esearch";
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "esearch: out is NULL");
    *out = NULL;
    crit_op op = {0};
    criteria_needs(criteria, op.need);
    if ((rc = imc_require_selected(c, call)) ||
        (rc = imc_require_ext(c, "ESEARCH", call)) ||
        (rc = returns_check(c, call, returns, op.need, "CONTEXT=SEARCH")) ||
        (rc = require_needs(c, call, op.need)))
        return rc;
    imc_buf head;
    imc_buf_init(&head, 0);
    int bad = imc_buf_adds(&head, c->opts.use_uid ? "UID SEARCH " : "SEARCH ");
    bad |= head_returns(&head, returns);
    if ((rc = es_prepare(c, &op, call, &head, bad, criteria, charset, 0, 0)))
        return rc;
    return crit_run(c, &op, (void **)out);
}

int imapclient_search_partial(imapclient *c, const char *const *criteria,
                              const char *charset, int64_t first, int64_t last,
                              imapclient_esearch_result **out)
{
    if (out)
        *out = NULL;
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!first || !last || (first < 0) != (last < 0) || first > UINT32_MAX ||
        last > UINT32_MAX || first < -(int64_t)UINT32_MAX || last < -(int64_t)UINT32_MAX)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "search_partial: %lld:%lld is not a range of positions",
                        (long long)first, (long long)last);
    char opt[64];
    snprintf(opt, sizeof opt, "PARTIAL %lld:%lld", (long long)first, (long long)last);
    const char *returns[] = {"COUNT", opt, NULL};
    return imapclient_esearch(c, criteria, charset, returns, out);
}

/* ---- ESORT --------------------------------------------------------------------- */

static int sort_check(imapclient *c, const char *const *sort_criteria);

/* " (CRITERIA ...)": the reference's _normalise_sort_criteria, upper-cased,
 * in parentheses. */
static int head_sort_criteria(imc_buf *head, const char *const *sort_criteria)
{
    int bad = imc_buf_adds(head, " (");
    for (size_t i = 0; sort_criteria[i]; i++) {
        if (i)
            bad |= imc_buf_addc(head, ' ');
        for (const char *p = sort_criteria[i]; *p; p++)
            bad |=
                imc_buf_addc(head, *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p);
    }
    return bad | imc_buf_addc(head, ')');
}

int imapclient_esort(imapclient *c, const char *const *sort_criteria,
                     const char *const *criteria, const char *charset,
                     const char *const *returns, imapclient_esearch_result **out)
{
    static const char call[] = "esort";
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "esort: out is NULL");
    *out = NULL;
    crit_op op = {0};
    criteria_needs(criteria, op.need);
    if ((rc = imc_require_selected(c, call)) ||
        (rc = imc_require_cap(c, "ESORT", call)) || (rc = sort_check(c, sort_criteria)) ||
        (rc = returns_check(c, call, returns, op.need, "CONTEXT=SORT")) ||
        (rc = require_needs(c, call, op.need)))
        return rc;
    /* sort = ["UID" SP] "SORT" [SP sort-return-opts] SP sort-criteria SP
     * search-criteria (RFC 5267 section 3.2) */
    imc_buf head;
    imc_buf_init(&head, 0);
    int bad = imc_buf_adds(&head, c->opts.use_uid ? "UID SORT " : "SORT ");
    bad |= head_returns(&head, returns);
    bad |= head_sort_criteria(&head, sort_criteria);
    if ((rc = es_prepare(c, &op, call, &head, bad, criteria, charset, 1, 1)))
        return rc;
    return crit_run(c, &op, (void **)out);
}

/* ---- MULTISEARCH --------------------------------------------------------------- */

/* `* ESEARCH (TAG "t" MAILBOX "m" UIDVALIDITY n) UID ...` (RFC 7377 2) */
static int on_multi(imapclient *c, const imapclient_response *r, void *ud)
{
    multi_state *st = ud;
    if (r->has_number || strcmp(r->name, "ESEARCH") != 0)
        return 0;
    esearch_corr k;
    size_t i;
    esearch_correlator(r, &k, &i);
    if (k.tag && strcmp(k.tag, imc_core_cur_tag(c)) != 0)
        return 0;
    size_t len;
    const char *raw = k.mailbox ? imc_mailbox_text(k.mailbox, &len) : NULL;
    if (!raw || !k.uidvalidity || k.uidvalidity > UINT32_MAX)
        return esearch_bad(c, r);
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 8;
        imapclient_multisearch_mailbox *p = imc_arena_calloc(st->a, cap, sizeof *p);
        if (!p)
            return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
        if (st->n)
            memcpy(p, st->v, st->n * sizeof *p);
        st->v = p;
        st->cap = cap;
    }
    imapclient_multisearch_mailbox *m = &st->v[st->n];
    memset(m, 0, sizeof *m);
    size_t dl;
    int rc = imc_folder_decode(c, st->a, raw, len, &m->mailbox, &dl);
    if (rc)
        return imc_fail(c, rc, "out of memory");
    m->uidvalidity = (uint32_t)k.uidvalidity;
    if ((rc = esearch_fill(c, r, i, st->a, &m->result, 0, &st->budget)))
        return rc;
    esearch_finish(&m->result);
    st->n++;
    return 1;
}

static const char *const in_names[] = {
    [IMAPCLIENT_IN_SELECTED] = "selected",
    [IMAPCLIENT_IN_SELECTED_DELAYED] = "selected-delayed",
    [IMAPCLIENT_IN_INBOXES] = "inboxes",
    [IMAPCLIENT_IN_PERSONAL] = "personal",
    [IMAPCLIENT_IN_SUBSCRIBED] = "subscribed",
    [IMAPCLIENT_IN_SUBTREE] = "subtree",
    [IMAPCLIENT_IN_SUBTREE_ONE] = "subtree-one",
    [IMAPCLIENT_IN_MAILBOXES] = "mailboxes",
};

void imapclient_multisearch_result_free(imapclient_multisearch_result *r)
{
    imc_msg_result_free(r);
}

static void ms_reset(crit_op *op)
{
    op->ms.v = NULL;
    op->ms.n = op->ms.cap = 0;
    op->ms.budget = IMC_MSG_MAX_EXPAND;
}

static void ms_finish(imapclient *c, crit_op *op)
{
    int rc = criteria_error(c, op->rq.rc, &op->rq);
    imapclient_multisearch_result *res = op->ms.res;
    static const imapclient_multisearch_mailbox none[1];
    if (rc == 0) {
        res->mailboxes = op->ms.n ? op->ms.v : none;
        res->count = op->ms.n;
        op->ms.res = NULL; /* the caller's now */
    }
    op->rq.rc = rc;
    op->rq.out = rc ? NULL : res;
}

int imapclient_multisearch(imapclient *c, const imapclient_search_source *sources,
                           size_t n, const char *const *criteria, const char *charset,
                           const char *const *returns,
                           imapclient_multisearch_result **out)
{
    static const char call[] = "multisearch";
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!out)
        return imc_fail(c, IMAPCLIENT_EINVAL, "multisearch: out is NULL");
    *out = NULL;
    if (!sources || !n)
        return imc_fail(c, IMAPCLIENT_EINVAL, "multisearch: no source given");
    for (size_t i = 0; i < n; i++) {
        const imapclient_search_source *s = &sources[i];
        if ((unsigned)s->in > IMAPCLIENT_IN_MAILBOXES)
            return imc_fail(c, IMAPCLIENT_EINVAL, "multisearch: source %zu: unknown",
                            i + 1);
        int named = s->in >= IMAPCLIENT_IN_SUBTREE;
        if (named != (s->mailboxes && s->mailboxes[0]))
            return imc_fail(c, IMAPCLIENT_EINVAL,
                            "multisearch: source %zu: %s %s mailboxes", i + 1,
                            in_names[s->in], named ? "needs" : "takes no");
    }
    crit_op op = {0};
    criteria_needs(criteria, op.need);
    if ((rc = imc_require_auth(c, call)) ||
        (rc = imc_require_cap(c, "MULTISEARCH", call)) ||
        (rc = returns_check(c, call, returns, op.need, NULL)) ||
        (rc = require_needs(c, call, op.need)))
        return rc;
    /* esearch = "ESEARCH" [SP esearch-source-opts] [SP search-return-opts]
     * SP search-program; source-mbox = filter-mailboxes *(SP ...); the
     * names encoded as folder names, written as astrings */
    imc_cmdbuf names;
    imc_cmdbuf_init(&names);
    names.utf8 = c->cmd.utf8;
    imc_put_raw(&names, "ESEARCH IN (");
    for (size_t i = 0; i < n && !rc; i++) {
        if (i)
            imc_put_sp(&names);
        imc_put_raw(&names, in_names[sources[i].in]);
        const char *const *mb = sources[i].mailboxes;
        if (!mb)
            continue;
        int many = mb[1] != NULL;
        imc_put_raw(&names, many ? " (" : " ");
        for (size_t k = 0; mb[k] && !rc; k++) {
            const char *name;
            if ((rc = imc_folder_encode(c, call, mb[k], &name)))
                break;
            if (k)
                imc_put_sp(&names);
            imc_put_astring(&names, name, strlen(name));
        }
        if (many)
            imc_put_raw(&names, ")");
    }
    imc_put_raw(&names, ")");
    if (!rc && (names.err || names.nsplits || names.nsources))
        rc = imc_fail(c, IMAPCLIENT_EINVAL,
                      "multisearch: a mailbox name that cannot go in the command");
    if (rc) {
        imc_cmdbuf_free(&names);
        return rc;
    }
    imc_buf head;
    imc_buf_init(&head, 0);
    int bad = imc_buf_add(&head, names.buf.data, names.buf.len);
    imc_cmdbuf_free(&names);
    if (returns)
        bad |= imc_buf_addc(&head, ' ') | head_returns(&head, returns);
    if (bad || !head.data)
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    else
        rc = crit_prepare(c, &op.k, call, head.data, criteria, NULL, charset, 0, 1);
    imc_buf_free(&head);
    if (!rc && !(op.ms.res = imc_msg_result_new(sizeof *op.ms.res)))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (rc) {
        crit_op_release(&op);
        return rc;
    }
    op.ms.a = imc_msg_result_arena(op.ms.res);
    op.ms.budget = IMC_MSG_MAX_EXPAND;
    crit_op_init(&op, on_multi, &op.ms, ms_reset, ms_finish);
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

/* Append one thread; 0 or ENOMEM. */
static int thread_add(thread_state *st, const imapclient_thread_node *t)
{
    if (st->count == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        imapclient_thread_node *p = imc_arena_array_uninit(st->a, cap, sizeof *p);
        if (!p)
            return IMAPCLIENT_ENOMEM;
        if (st->count)
            memcpy(p, st->threads, st->count * sizeof *p);
        st->threads = p;
        st->cap = cap;
    }
    st->threads[st->count++] = *t;
    return 0;
}

/* thread-data = "THREAD" [SP 1*thread-list] (RFC 5256): lists of ids and
 * lists, "(1 2 (3 4)(5))". Whether the generic path would take the bytes
 * with the same result: every thread a list, ids 1 to 2^32-1 ending at SP
 * or a parenthesis, lists balanced and no deeper than max_depth. */
static int thread_plain(const char *s, size_t len, unsigned max_depth)
{
    size_t i = 0;
    unsigned depth = 0;
    for (;;) {
        while (i < len && s[i] == ' ')
            i++;
        if (i == len)
            return depth == 0;
        uint64_t v;
        if (s[i] == '(') {
            if (++depth > max_depth)
                return 0;
            i++;
        } else if (s[i] == ')') {
            if (depth == 0)
                return 0;
            depth--;
            i++;
        } else if (depth == 0 || scan_u64(s, len, &i, &v) || v == 0 || v > UINT32_MAX ||
                   (i < len && s[i] != ' ' && s[i] != '(' && s[i] != ')')) {
            return 0;
        }
    }
}

static int node_push(thread_state *st, const imapclient_thread_node *n)
{
    if (st->stack_len == st->stack_cap) {
        size_t cap = st->stack_cap ? st->stack_cap * 2 : 256;
        imapclient_thread_node *p = realloc(st->stack, cap * sizeof *p);
        if (!p)
            return IMAPCLIENT_ENOMEM;
        st->stack = p;
        st->stack_cap = cap;
    }
    st->stack[st->stack_len++] = *n;
    return 0;
}

/* Build the threads of bytes thread_plain() accepted, the nodes exactly as
 * thread_list() makes them from values. 0 or ENOMEM. */
static int thread_build(thread_state *st, const char *s, size_t len)
{
    size_t i = 0, depth = 0;
    st->stack_len = 0;
    while (i < len) {
        char ch = s[i];
        if (ch == ' ') {
            i++;
        } else if (ch == '(') {
            if (depth == st->depth_cap) {
                size_t cap = st->depth_cap ? st->depth_cap * 2 : 16;
                size_t *p = realloc(st->bases, cap * sizeof *p);
                if (!p)
                    return IMAPCLIENT_ENOMEM;
                st->bases = p;
                st->depth_cap = cap;
            }
            st->bases[depth++] = st->stack_len;
            i++;
        } else if (ch == ')') {
            size_t base = st->bases[--depth], n = st->stack_len - base;
            /* an empty list gets one zeroed node, as thread_list() gives it */
            imapclient_thread_node *items =
                n ? imc_arena_array_uninit(st->a, n, sizeof *items)
                  : imc_arena_calloc(st->a, 1, sizeof *items);
            if (!items)
                return IMAPCLIENT_ENOMEM;
            if (n)
                memcpy(items, st->stack + base, n * sizeof *items);
            st->stack_len = base;
            imapclient_thread_node list = {.id = 0, .items = items, .count = n};
            int rc = depth ? node_push(st, &list) : thread_add(st, &list);
            if (rc)
                return rc;
            i++;
        } else {
            uint64_t v = 0;
            scan_u64(s, len, &i, &v);
            imapclient_thread_node leaf = {.id = (uint32_t)v};
            if (node_push(st, &leaf))
                return IMAPCLIENT_ENOMEM;
        }
    }
    return 0;
}

static int fast_thread(void *ud, const char *s, size_t len)
{
    thread_state *st = ud;
    if (!thread_plain(s, len, st->max_depth))
        return 0;
    size_t count0 = st->count;
    if (thread_build(st, s, len) == 0)
        return 1;
    st->count = count0; /* out of memory: the generic path says so */
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
        imapclient_thread_node t;
        int rc = thread_list(st->a, &a->items[i], &t);
        if (rc == IMAPCLIENT_EPROTOCOL)
            return imc_fail(c, rc, "THREAD: malformed response: %.200s",
                            r->raw ? r->raw : "");
        if (rc || (rc = thread_add(st, &t)))
            return imc_fail(c, rc, "out of memory");
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

/* The algorithm named: an atom of at most 64 bytes. */
static int thread_algorithm_ok(imapclient *c, const char *algorithm)
{
    if (!imc_syntax_valid(algorithm, IMC_SYNTAX_ATOM) || strlen(algorithm) > 64)
        return imc_fail(c, IMAPCLIENT_EINVAL,
                        "thread: \"%.60s\" is not a thread algorithm", algorithm);
    return 0;
}

/* THREAD's command into op, for both fronts; 0 or a status (crit_release()
 * done on failure). */
static int thread_prepare(imapclient *c, crit_op *op, const char *algorithm,
                          const char *const *criteria, const char *charset, int may_wait)
{
    char head[96];
    snprintf(head, sizeof head, "%s %s", c->opts.use_uid ? "UID THREAD" : "THREAD",
             algorithm);
    snprintf(op->th_cap, sizeof op->th_cap, "THREAD=%s", algorithm);
    int rc =
        crit_prepare(c, &op->k, "thread", head, criteria, NULL, charset, 1, may_wait);
    if (!rc && !(op->th.res = imc_msg_result_new(sizeof *op->th.res)))
        rc = imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    if (rc) {
        crit_release(&op->k);
        return rc;
    }
    op->th.a = imc_msg_result_arena(op->th.res);
    op->th.max_depth = c->parser.max_depth;
    crit_op_init(op, on_thread, &op->th, th_reset, th_finish);
    op->rq.fast_name = "THREAD";
    op->rq.fast = fast_thread;
    return 0;
}

/* What THREAD needs when it goes out. */
static int thread_needs(imapclient *c, imc_request *rq)
{
    crit_op *op = (crit_op *)rq;
    int rc = imc_require_selected(c, "thread");
    if (!rc)
        rc = imc_require_cap(c, op->th_cap, "thread");
    return rc ? rc : require_needs(c, "thread", op->need);
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
    if ((rc = thread_algorithm_ok(c, algorithm)))
        return rc;
    crit_op op = {0};
    criteria_needs(criteria, op.need);
    snprintf(op.th_cap, sizeof op.th_cap, "THREAD=%s", algorithm);
    if ((rc = thread_needs(c, &op.rq)) ||
        (rc = thread_prepare(c, &op, algorithm, criteria, charset, 1)))
        return rc;
    return crit_run(c, &op, (void **)out);
}

static void threads_free(void *p)
{
    imapclient_threads_free(p);
}

int imapclient_start_thread(imapclient *c, const char *algorithm,
                            const char *const *criteria, const char *charset,
                            imapclient_done_cb cb, void *user, uint64_t *id)
{
    int rc = imc_async_begin(c);
    if (rc)
        return rc;
    if (!algorithm)
        algorithm = "REFERENCES";
    if ((rc = thread_algorithm_ok(c, algorithm)))
        return rc;
    crit_op *op = calloc(1, sizeof *op);
    if (!op)
        return imc_fail(c, IMAPCLIENT_ENOMEM, "out of memory");
    criteria_needs(criteria, op->need);
    if ((rc = thread_prepare(c, op, algorithm, criteria, charset, 0))) {
        free(op);
        return rc;
    }
    return crit_submit(c, op, thread_needs, IMAPCLIENT_OP_THREAD, threads_free, cb, user,
                       id);
}

/* ---- CONTEXT=SEARCH, CONTEXT=SORT (RFC 5267) ----------------------------------- */

void imapclient_context_update_free(imapclient_context_update *u)
{
    imc_msg_result_free(u);
}

/* `* ESEARCH (TAG "t") [UID] ADDTO (pos set [pos set ...]) REMOVEFROM
 * (...) [MIN n] [MAX n] [COUNT n]` (RFC 5267 sections 4.3 and 6). */
int imapclient_context_update_from_response(const imapclient_response *r,
                                            imapclient_context_update **out)
{
    if (!r || !out)
        return IMAPCLIENT_EINVAL;
    *out = NULL;
    if (!r->tag || strcmp(r->tag, "*") || r->has_number || !r->name ||
        strcmp(r->name, "ESEARCH"))
        return 0;
    esearch_corr k;
    size_t i;
    esearch_correlator(r, &k, &i);
    const imapclient_value *a = r->args;
    size_t nchanges = 0, first = i;
    if (i < a->count && imapclient_value_is(&a->items[i], "UID"))
        first = ++i;
    for (; i + 1 < a->count; i += 2)
        if (imapclient_value_is(&a->items[i], "ADDTO") ||
            imapclient_value_is(&a->items[i], "REMOVEFROM")) {
            const imapclient_value *v = &a->items[i + 1];
            if (v->type != IMAPCLIENT_VALUE_LIST || !v->count || v->count % 2)
                return IMAPCLIENT_EPROTOCOL;
            nchanges += v->count / 2;
        }
    if (!nchanges)
        return 0; /* a search result, not an update */
    if (!k.tag || k.mailbox)
        return IMAPCLIENT_EPROTOCOL; /* an update names its command (RFC 5267 4.3) */
    imapclient_context_update *u = imc_msg_result_new(sizeof *u);
    if (!u)
        return IMAPCLIENT_ENOMEM;
    imc_arena *ar = imc_msg_result_arena(u);
    imapclient_context_change *ch = imc_arena_calloc(ar, nchanges, sizeof *ch);
    int rc = ch && (u->tag = imc_arena_strndup(ar, k.tag, strlen(k.tag)))
                 ? 0
                 : IMAPCLIENT_ENOMEM;
    u->uid = first > 0 && imapclient_value_is(&a->items[first - 1], "UID");
    size_t n = 0, budget = IMC_MSG_MAX_EXPAND;
    for (i = first; !rc && i + 1 < a->count; i += 2) {
        const imapclient_value *key = &a->items[i], *v = &a->items[i + 1];
        uint64_t num;
        int add = imapclient_value_is(key, "ADDTO");
        if (add || imapclient_value_is(key, "REMOVEFROM")) {
            for (size_t j = 0; !rc && j + 1 < v->count; j += 2) {
                const imapclient_value *pos = &v->items[j], *set = &v->items[j + 1];
                imapclient_context_change *x = &ch[n++];
                x->add = add;
                if (imc_msg_value_u64(pos, &num) || num > UINT32_MAX || !set->str ||
                    set->type == IMAPCLIENT_VALUE_LIST) {
                    rc = IMAPCLIENT_EPROTOCOL;
                    break;
                }
                x->position = (uint32_t)num;
                uint32_t *ids;
                rc = expand_ids(ar, set->str, set->len, 1, &budget, &ids, &x->count);
                if (rc == IMAPCLIENT_EINVAL)
                    rc = IMAPCLIENT_EPROTOCOL;
                if (!rc) {
                    x->ids = ids ? ids : no_ids;
                    if (!(x->set = imc_arena_strndup(ar, set->str, set->len)))
                        rc = IMAPCLIENT_ENOMEM;
                }
            }
        } else if (imapclient_value_is(key, "MIN")) {
            rc = imc_msg_value_u32(v, &u->min) ? IMAPCLIENT_EPROTOCOL : 0;
            u->has_min = 1;
        } else if (imapclient_value_is(key, "MAX")) {
            rc = imc_msg_value_u32(v, &u->max) ? IMAPCLIENT_EPROTOCOL : 0;
            u->has_max = 1;
        } else if (imapclient_value_is(key, "COUNT")) {
            rc =
                imc_msg_value_u64(v, &num) || num > UINT32_MAX ? IMAPCLIENT_EPROTOCOL : 0;
            u->count = (uint32_t)num;
            u->has_count = 1;
        }
    }
    if (rc) {
        imc_msg_result_free(u);
        return rc;
    }
    u->changes = ch;
    u->change_count = n;
    *out = u;
    return 0;
}

/* CANCELUPDATE: tag-string = string (RFC 5267 section 6). */
int imapclient_cancel_update(imapclient *c, const char *const *tags)
{
    static const char call[] = "cancel_update";
    int rc = imc_call_begin(c);
    if (rc)
        return rc;
    if (!tags || !tags[0])
        return imc_fail(c, IMAPCLIENT_EINVAL, "%s: no tag given", call);
    for (size_t i = 0; tags[i]; i++) {
        const char *t = tags[i];
        if (!*t || strlen(t) > 64 || imc_astring_form(t, strlen(t)) != 0 ||
            strpbrk(t, "+]"))
            return imc_fail(c, IMAPCLIENT_EINVAL, "%s: \"%.60s\" is not a command tag",
                            call, t);
    }
    if ((rc = imc_require_selected(c, call)))
        return rc;
    if ((rc = imc_caps_ensure(c)))
        return rc;
    if (!imc_has_cap(c, "CONTEXT=SEARCH") && !imc_has_cap(c, "CONTEXT=SORT"))
        return imc_fail(c, IMAPCLIENT_ECAPABILITY,
                        "%s: server does not support CONTEXT=SEARCH or CONTEXT=SORT",
                        call);
    imc_begin(c, "CANCELUPDATE");
    for (size_t i = 0; tags[i]; i++) {
        imc_put_sp(&c->cmd);
        imc_put_string(&c->cmd, tags[i], strlen(tags[i]));
    }
    imc_request rq = {0};
    return imc_run(c, &rq);
}
