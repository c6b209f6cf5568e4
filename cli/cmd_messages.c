/*
 * Message commands (messages.h): search, search_raw, gmail_search,
 * esearch, sort, thread; get/set/add/remove_flags and the Gmail label
 * equivalents; delete_messages, expunge, uid_expunge, copy, move, append,
 * multiappend.
 */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- criteria ------------------------------------------------------------ */

/* A search key that takes a date (RFC 3501 section 6.4.4). */
static int is_date_key(const char *s)
{
    static const char *const keys[] = {"BEFORE",     "ON",     "SINCE",
                                       "SENTBEFORE", "SENTON", "SENTSINCE"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcasecmp(s, keys[i]))
            return 1;
    return 0;
}

/* An ISO 8601 date (2023-03-07) as IMAP's date (7-Mar-2023); NULL when s
 * is not one. Other forms are left for the server to judge. */
static char *iso_to_imap_date(const char *s)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        s[4] != '-' || s[7] != '-')
        return NULL;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return NULL;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1] || (m == 2 && d == 29 && !leap))
        return NULL;
    char buf[32];
    snprintf(buf, sizeof buf, "%d-%s-%04d", d, months[m - 1], y);
    return strdup(buf);
}

/* Criteria items from the arguments. In the shell, an unquoted word's
 * leading '(' and trailing ')' are items of their own, so
 * `search NOT (SUBJECT foo FLAGGED)` nests as the reference's lists do.
 * Returns a NULL-terminated array (strings owned by *store), NULL if none. */
static const char **criteria_items(cli_ctx *ctx, int argc, char **argv, int first,
                                   char ***store, size_t *nstore)
{
    size_t cap = 4 * (size_t)argc + 1, n = 0;
    const char **items = calloc(cap, sizeof *items);
    char **own = calloc(cap, sizeof *own);
    *store = own;
    *nstore = 0;
    if (!items || !own) {
        free(items);
        return NULL;
    }
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (ctx->argq && !ctx->argq[i] &&
            (a[0] == '(' || (a[0] && a[strlen(a) - 1] == ')'))) {
            size_t len = strlen(a), lo = 0, hi = len;
            while (lo < len && a[lo] == '(') {
                items[n++] = "(";
                lo++;
            }
            size_t close = 0;
            while (hi > lo && a[hi - 1] == ')') {
                hi--;
                close++;
            }
            if (hi > lo) {
                own[*nstore] = strndup(a + lo, hi - lo);
                items[n++] = own[(*nstore)++];
            }
            while (close--)
                items[n++] = ")";
        } else {
            /* SINCE 2023-03-07: IMAP wants 7-Mar-2023 */
            char *date = n > 0 && is_date_key(items[n - 1]) ? iso_to_imap_date(a) : NULL;
            if (date)
                own[(*nstore)++] = date;
            items[n++] = date ? date : a;
        }
    }
    items[n] = NULL;
    if (n == 0) {
        free(items);
        return NULL;
    }
    return items;
}

static void free_store(char **store, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(store[i]);
    free(store);
}

static int print_ids(cli_ctx *ctx, imapclient_ids *ids)
{
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, "ids", out_json_ids(ids->ids, ids->count));
        json_object_set_new(o, "modseq",
                            ids->has_modseq ? json_integer((json_int_t)ids->modseq)
                                            : json_null());
        out_json(o);
    } else {
        if (ids->count)
            out_text_ids(stdout, ids->ids, ids->count);
        else if (ctx->interactive)
            printf("(no messages)\n");
        if (ids->has_modseq)
            printf("MODSEQ: %llu\n", (unsigned long long)ids->modseq);
    }
    imapclient_ids_free(ids);
    return 0;
}

static int cmd_search(cli_ctx *ctx, int argc, char **argv)
{
    const char *charset = NULL;
    int raw = 0;
    cli_opt opts[] = {
        {"charset", &charset, NULL}, {"raw", NULL, &raw}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    imapclient_ids *ids;
    if (raw) {
        /* the words joined by spaces, sent as typed */
        size_t len = 1;
        for (int i = 1; i < argc; i++)
            len += strlen(argv[i]) + 1;
        char *crit = malloc(len);
        if (!crit)
            return cli_fail(ctx, "out of memory");
        crit[0] = '\0';
        for (int i = 1; i < argc; i++) {
            if (i > 1)
                strcat(crit, " ");
            strcat(crit, argv[i]);
        }
        rc = imapclient_search_raw(ctx->c, argc > 1 ? crit : NULL, charset, &ids);
        free(crit);
    } else {
        char **store;
        size_t nstore;
        const char **items = criteria_items(ctx, argc, argv, 1, &store, &nstore);
        rc = imapclient_search(ctx->c, items, charset, &ids);
        free(items);
        free_store(store, nstore);
    }
    if (rc)
        return rc;
    return print_ids(ctx, ids);
}

static int cmd_gmail_search(cli_ctx *ctx, int argc, char **argv)
{
    const char *charset = NULL;
    cli_opt opts[] = {{"charset", &charset, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_ids *ids;
    if ((rc = imapclient_gmail_search(ctx->c, argv[1], charset, &ids)))
        return rc;
    return print_ids(ctx, ids);
}

/* "A,B,C" or "A B C" into a NULL-terminated array of copies. */
static char **split_list(const char *s, size_t *n, int comma_only)
{
    size_t cap = strlen(s) + 2;
    char **a = calloc(cap, sizeof *a);
    *n = 0;
    if (!a)
        return NULL;
    const char *p = s;
    while (*p) {
        while (*p == ',' || (!comma_only && *p == ' '))
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ',' && (comma_only || *e != ' '))
            e++;
        a[(*n)++] = strndup(p, (size_t)(e - p));
        p = e;
    }
    return a;
}

static void free_list(char **a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i]);
    free(a);
}

static int cmd_esearch(cli_ctx *ctx, int argc, char **argv)
{
    const char *charset = NULL, *ret = NULL;
    cli_opt opts[] = {
        {"charset", &charset, NULL}, {"return", &ret, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    size_t nret = 0;
    char **returns = ret ? split_list(ret, &nret, 0) : NULL;
    char **store;
    size_t nstore;
    const char **items = criteria_items(ctx, argc, argv, 1, &store, &nstore);
    const char *all[] = {"ALL", NULL};
    imapclient_esearch_result *r;
    rc = imapclient_esearch(ctx->c, items ? items : all, charset,
                            (const char *const *)returns, &r);
    free(items);
    free_store(store, nstore);
    free_list(returns, nret);
    if (rc)
        return rc;
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, "uid", json_boolean(r->uid));
        json_object_set_new(o, "min", r->has_min ? json_integer(r->min) : json_null());
        json_object_set_new(o, "max", r->has_max ? json_integer(r->max) : json_null());
        json_object_set_new(o, "count",
                            r->has_count ? json_integer(r->count) : json_null());
        json_object_set_new(o, "all", r->all ? json_string(r->all) : json_null());
        json_object_set_new(o, "ids", out_json_ids(r->ids, r->id_count));
        json_object_set_new(o, "modseq",
                            r->has_modseq ? json_integer((json_int_t)r->modseq)
                                          : json_null());
        out_json(o);
    } else {
        if (r->has_min)
            printf("MIN: %u\n", r->min);
        if (r->has_max)
            printf("MAX: %u\n", r->max);
        if (r->has_count)
            printf("COUNT: %u\n", r->count);
        if (r->all)
            printf("ALL: %s\n", r->all);
        if (r->has_modseq)
            printf("MODSEQ: %llu\n", (unsigned long long)r->modseq);
        if (!r->has_min && !r->has_max && !r->has_count && !r->all && ctx->interactive)
            printf("(no messages)\n");
    }
    imapclient_esearch_result_free(r);
    return 0;
}

static int cmd_sort(cli_ctx *ctx, int argc, char **argv)
{
    const char *charset = NULL;
    cli_opt opts[] = {{"charset", &charset, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc < 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    size_t nsort;
    char **sort = split_list(argv[1], &nsort, 1);
    char **store;
    size_t nstore;
    const char **items = criteria_items(ctx, argc, argv, 2, &store, &nstore);
    imapclient_ids *ids;
    rc = imapclient_sort(ctx->c, (const char *const *)sort, items, charset, &ids);
    free(items);
    free_store(store, nstore);
    free_list(sort, nsort);
    if (rc)
        return rc;
    return print_ids(ctx, ids);
}

static json_t *json_thread(const imapclient_thread_node *t)
{
    if (t->id)
        return json_integer(t->id);
    json_t *a = json_array();
    for (size_t i = 0; i < t->count; i++)
        json_array_append_new(a, json_thread(&t->items[i]));
    return a;
}

static void text_thread(const imapclient_thread_node *t)
{
    putchar('(');
    for (size_t i = 0; i < t->count; i++) {
        const imapclient_thread_node *n = &t->items[i];
        if (n->id) {
            printf("%s%u", i ? " " : "", n->id);
        } else {
            if (i && t->items[i - 1].id)
                putchar(' ');
            text_thread(n);
        }
    }
    putchar(')');
}

static int cmd_thread(cli_ctx *ctx, int argc, char **argv)
{
    const char *charset = NULL, *algorithm = NULL;
    cli_opt opts[] = {
        {"charset", &charset, NULL}, {"algorithm", &algorithm, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    char **store;
    size_t nstore;
    const char **items = criteria_items(ctx, argc, argv, 1, &store, &nstore);
    imapclient_threads *t;
    rc = imapclient_thread(ctx->c, algorithm, items, charset, &t);
    free(items);
    free_store(store, nstore);
    if (rc)
        return rc;
    if (ctx->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < t->count; i++)
            json_array_append_new(a, json_thread(&t->threads[i]));
        out_json(a);
    } else {
        for (size_t i = 0; i < t->count; i++)
            text_thread(&t->threads[i]);
        if (t->count || ctx->interactive)
            printf(t->count ? "\n" : "(no messages)\n");
    }
    imapclient_threads_free(t);
    return 0;
}

/* ---- flags and labels ------------------------------------------------------ */

static int print_flags(cli_ctx *ctx, imapclient_flags_result *r)
{
    if (!r)
        return 0;
    if (ctx->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < r->count; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "id", json_integer(r->msgs[i].id));
            json_object_set_new(o, "seq", json_integer(r->msgs[i].seq));
            json_object_set_new(o, "flags",
                                out_json_strings(r->msgs[i].flags, r->msgs[i].count));
            json_array_append_new(a, o);
        }
        out_json(a);
    } else {
        for (size_t i = 0; i < r->count; i++) {
            printf("%u: ", r->msgs[i].id);
            out_text_strings(stdout, r->msgs[i].flags, r->msgs[i].count);
            printf("\n");
        }
        if (!r->count && ctx->interactive)
            printf("(no messages)\n");
    }
    imapclient_flags_result_free(r);
    return 0;
}

typedef int (*get_fn)(imapclient *, const char *, imapclient_flags_result **);

static int do_get(cli_ctx *ctx, int argc, char **argv, get_fn fn)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_flags_result *r;
    int rc = fn(ctx->c, argv[1], &r);
    if (rc)
        return rc;
    return print_flags(ctx, r);
}

static int cmd_get_flags(cli_ctx *ctx, int argc, char **argv)
{
    return do_get(ctx, argc, argv, imapclient_get_flags);
}

static int cmd_get_gmail_labels(cli_ctx *ctx, int argc, char **argv)
{
    return do_get(ctx, argc, argv, imapclient_get_gmail_labels);
}

typedef int (*store_fn)(imapclient *, const char *, const char *const *, int,
                        imapclient_flags_result **);

/* "Flagged" where "\Flagged" was surely meant (the backslash eaten by a
 * shell, or forgotten): a keyword of that name is legal, so warn only. */
static void warn_bare_system_flags(cli_ctx *ctx, const char *const *flags)
{
    static const char *const system[] = {"Seen",    "Answered", "Flagged",
                                         "Deleted", "Draft",    "Recent"};
    for (size_t i = 0; flags && flags[i]; i++)
        for (size_t k = 0; k < sizeof system / sizeof system[0]; k++)
            if (!strcasecmp(flags[i], system[k]))
                fprintf(stderr,
                        "%s: warning: '%s' is a keyword, not the system flag \\%s "
                        "(type \\%s%s)\n",
                        ctx->cmd_name ? ctx->cmd_name : "imapclient", flags[i], system[k],
                        system[k], ctx->interactive ? "" : ", quoted from the shell");
}

static int do_store(cli_ctx *ctx, int argc, char **argv, store_fn fn, int min_flags,
                    int are_flags)
{
    int silent = 0;
    cli_opt opts[] = {{"silent", NULL, &silent}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc < 2 + min_flags)
        return cli_usage(ctx, cli_cmd_current(ctx));
    if (are_flags)
        warn_bare_system_flags(ctx, (const char *const *)argv + 2);
    imapclient_flags_result *r = NULL;
    rc = fn(ctx->c, argv[1], (const char *const *)argv + 2, silent, silent ? NULL : &r);
    if (rc)
        return rc;
    if (silent && !ctx->json)
        return 0;
    if (silent) {
        out_json(json_array());
        return 0;
    }
    return print_flags(ctx, r);
}

static int cmd_set_flags(cli_ctx *ctx, int argc, char **argv)
{
    return do_store(ctx, argc, argv, imapclient_set_flags, 0, 1);
}

static int cmd_add_flags(cli_ctx *ctx, int argc, char **argv)
{
    return do_store(ctx, argc, argv, imapclient_add_flags, 1, 1);
}

static int cmd_remove_flags(cli_ctx *ctx, int argc, char **argv)
{
    return do_store(ctx, argc, argv, imapclient_remove_flags, 1, 1);
}

static int cmd_set_gmail_labels(cli_ctx *ctx, int argc, char **argv)
{
    return do_store(ctx, argc, argv, imapclient_set_gmail_labels, 0, 0);
}

static int cmd_add_gmail_labels(cli_ctx *ctx, int argc, char **argv)
{
    return do_store(ctx, argc, argv, imapclient_add_gmail_labels, 1, 0);
}

static int cmd_remove_gmail_labels(cli_ctx *ctx, int argc, char **argv)
{
    return do_store(ctx, argc, argv, imapclient_remove_gmail_labels, 1, 0);
}

static int cmd_delete_messages(cli_ctx *ctx, int argc, char **argv)
{
    int silent = 0;
    cli_opt opts[] = {{"silent", NULL, &silent}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_flags_result *r = NULL;
    rc = imapclient_delete_messages(ctx->c, argv[1], silent, silent ? NULL : &r);
    if (rc)
        return rc;
    if (silent) {
        if (ctx->json)
            out_json(json_array());
        return 0;
    }
    return print_flags(ctx, r);
}

/* ---- expunge, copy, move ---------------------------------------------------- */

static int print_responses(cli_ctx *ctx, imapclient_responses *r)
{
    if (ctx->json) {
        out_json(out_json_responses(r));
    } else {
        for (size_t i = 0; i < r->count; i++)
            out_text_response(stdout, &r->items[i]);
        if (r->text && r->text[0])
            printf("%s\n", r->text);
    }
    imapclient_responses_free(r);
    return 0;
}

static int cmd_expunge(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_responses *r;
    int rc = imapclient_expunge(ctx->c, argc == 2 ? argv[1] : NULL, &r);
    if (rc)
        return rc;
    return print_responses(ctx, r);
}

static int cmd_uid_expunge(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_responses *r;
    int rc = imapclient_uid_expunge(ctx->c, argv[1], &r);
    if (rc)
        return rc;
    return print_responses(ctx, r);
}

typedef int (*copy_fn)(imapclient *, const char *, const char *,
                       imapclient_copy_result **);

static int do_copy(cli_ctx *ctx, int argc, char **argv, copy_fn fn)
{
    if (argc != 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_copy_result *r;
    int rc = fn(ctx->c, argv[1], argv[2], &r);
    if (rc)
        return rc;
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(
            o, "text",
            out_json_bytes(r->text ? r->text : "", r->text ? strlen(r->text) : 0));
        json_object_set_new(o, "uidvalidity",
                            r->has_copyuid ? json_integer(r->uidvalidity) : json_null());
        json_object_set_new(o, "source_set",
                            r->source_set ? json_string(r->source_set) : json_null());
        json_object_set_new(o, "dest_set",
                            r->dest_set ? json_string(r->dest_set) : json_null());
        json_t *map = json_array();
        for (size_t i = 0; r->source_uids && r->dest_uids && i < r->count; i++) {
            json_t *pair = json_array();
            json_array_append_new(pair, json_integer(r->source_uids[i]));
            json_array_append_new(pair, json_integer(r->dest_uids[i]));
            json_array_append_new(map, pair);
        }
        json_object_set_new(o, "uid_map", map);
        out_json(o);
    } else {
        if (r->has_copyuid)
            printf("COPYUID: UIDVALIDITY %u, %s -> %s\n", r->uidvalidity,
                   r->source_set ? r->source_set : "?", r->dest_set ? r->dest_set : "?");
        if (r->text && r->text[0])
            printf("%s\n", r->text);
    }
    imapclient_copy_result_free(r);
    return 0;
}

static int cmd_copy(cli_ctx *ctx, int argc, char **argv)
{
    return do_copy(ctx, argc, argv, imapclient_copy);
}

static int cmd_move(cli_ctx *ctx, int argc, char **argv)
{
    return do_copy(ctx, argc, argv, imapclient_move);
}

/* ---- append ---------------------------------------------------------------- */

/* A whole file (or stdin for "-") in memory. */
static int read_all(cli_ctx *ctx, const char *path, char **out, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return cli_fail(ctx, "%s: %s", path, strerror(errno));
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (!buf)
        return cli_fail(ctx, "%s: out of memory", path);
    if (err) {
        free(buf);
        return cli_fail(ctx, "%s: read error", path);
    }
    *out = buf;
    *len = n;
    return 0;
}

static void print_append(cli_ctx *ctx, imapclient_append_result *r)
{
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(
            o, "text",
            out_json_bytes(r->text ? r->text : "", r->text ? strlen(r->text) : 0));
        json_object_set_new(o, "uidvalidity",
                            r->has_appenduid ? json_integer(r->uidvalidity)
                                             : json_null());
        json_object_set_new(o, "uids", out_json_ids(r->uids, r->count));
        out_json(o);
    } else {
        if (r->has_appenduid)
            printf("APPENDUID: UIDVALIDITY %u, UID %s\n", r->uidvalidity,
                   r->uid_set ? r->uid_set : "?");
        if (r->text && r->text[0])
            printf("%s\n", r->text);
    }
    imapclient_append_result_free(r);
}

/* Two digits at p, or -1. */
static int two_digits(const char *p)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* ISO 8601: 2023-03-07, 2023-03-07T10:20[:30] (or a space for the T), then
 * Z, +01:00 or +0100; without a zone, local time. */
static int parse_iso_datetime(const char *s, imapclient_datetime *dt)
{
    memset(dt, 0, sizeof *dt);
    char day[11];
    if (strlen(s) < 10)
        return -1;
    memcpy(day, s, 10);
    day[10] = '\0';
    char *imap = iso_to_imap_date(day); /* checks the shape and the day */
    if (!imap)
        return -1;
    free(imap);
    dt->year = atoi(day);
    dt->month = two_digits(day + 5);
    dt->day = two_digits(day + 8);
    const char *p = s + 10;
    if (!*p)
        return 0;
    if (*p != 'T' && *p != ' ')
        return -1;
    p++;
    int h = two_digits(p), m = p[2] == ':' ? two_digits(p + 3) : -1, sec = 0;
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    p += 5;
    if (*p == ':') {
        sec = two_digits(p + 1);
        if (sec < 0 || sec > 60)
            return -1;
        p += 3;
    }
    dt->hour = h;
    dt->minute = m;
    dt->second = sec > 59 ? 59 : sec; /* a leap second */
    if (*p == 'Z') {
        dt->has_offset = 1;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        int oh = two_digits(p + 1), om;
        if (p[3] == ':') {
            om = two_digits(p + 4);
            p += 6;
        } else {
            om = two_digits(p + 3);
            p += 5;
        }
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        dt->has_offset = 1;
        dt->offset_minutes = sign * (oh * 60 + om);
    }
    return *p ? -1 : 0;
}

static int parse_date(cli_ctx *ctx, const char *s, imapclient_datetime *dt)
{
    if (parse_iso_datetime(s, dt) == 0 ||
        imapclient_datetime_parse_internaldate(s, strlen(s), dt) == 0)
        return 0;
    return cli_usage_error(ctx,
                           "not a date: '%s' (e.g. \"17-Jul-1996 02:44:25 -0700\", "
                           "\"2023-03-07T10:20:00+01:00\" or 2023-03-07)",
                           s);
}

static int cmd_append(cli_ctx *ctx, int argc, char **argv)
{
    const char *flags = NULL, *date = NULL;
    cli_opt opts[] = {{"flags", &flags, NULL}, {"date", &date, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc < 2 || argc > 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_datetime dt;
    if (date && (rc = parse_date(ctx, date, &dt)))
        return rc;
    char *msg;
    size_t len;
    if ((rc = read_all(ctx, argc == 3 ? argv[2] : "-", &msg, &len)))
        return rc;
    size_t nflags = 0;
    char **fl = flags ? split_list(flags, &nflags, 0) : NULL;
    warn_bare_system_flags(ctx, (const char *const *)fl);
    imapclient_append_result *r;
    rc = imapclient_append(ctx->c, argv[1], msg, len, (const char *const *)fl,
                           date ? &dt : NULL, &r);
    free(msg);
    free_list(fl, nflags);
    if (rc)
        return rc;
    print_append(ctx, r);
    return 0;
}

static int cmd_multiappend(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    size_t n = (size_t)argc - 2;
    imapclient_append_msg *msgs = calloc(n, sizeof *msgs);
    if (!msgs)
        return cli_fail(ctx, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        char *data;
        rc = read_all(ctx, argv[2 + i], &data, &msgs[i].len);
        msgs[i].data = rc ? NULL : data;
    }
    imapclient_append_result *r = NULL;
    if (!rc)
        rc = imapclient_multiappend(ctx->c, argv[1], msgs, n, &r);
    for (size_t i = 0; i < n; i++)
        free((char *)msgs[i].data);
    free(msgs);
    if (rc)
        return rc;
    print_append(ctx, r);
    return 0;
}

#define SEL  CLI_CMD_CONN
#define FARG (CLI_CMD_CONN | CLI_CMD_FOLDER_ARG)

const cli_cmd cli_cmds_messages[] = {
    {"search", cmd_search, "search the selected folder: the matching ids",
     "[--charset CS] [--raw] [CRITERIA...]",
     "CRITERIA default to ALL. Each word is one item, quoted by the library\n"
     "as needed; ( and ) nest: search NOT ( SUBJECT foo FLAGGED ). In the shell\n"
     "an unquoted word's leading ( and trailing ) count as items too.\n"
     "--raw sends the words joined by spaces, unquoted.\n"
     "Dates after BEFORE, ON, SINCE and SENT* may be ISO: SINCE 2024-01-01.\n"
     "For non-ASCII criteria the library picks the charset (UTF-8, or one the\n"
     "server names in BADCHARSET) unless --charset names one.\n"
     "Examples: search UNSEEN; search SINCE 2024-01-01 FROM alice\n",
     SEL},
    {"gmail_search", cmd_gmail_search, "search with Gmail's X-GM-RAW",
     "[--charset CS] QUERY", NULL, SEL},
    {"esearch", cmd_esearch, "search returning ESEARCH data (MIN, MAX, COUNT, ALL)",
     "[--return 'MIN MAX COUNT ALL'] [--charset CS] [CRITERIA...]", NULL, SEL},
    {"sort", cmd_sort, "sorted search (SORT)",
     "[--charset CS] SORT_CRITERIA [CRITERIA...]",
     "SORT_CRITERIA is comma-separated: sort 'REVERSE DATE,SUBJECT' UNSEEN\n", SEL},
    {"thread", cmd_thread, "threaded search (THREAD)",
     "[--algorithm REFERENCES] [--charset CS] [CRITERIA...]", NULL, SEL},
    {"get_flags", cmd_get_flags, "the flags of messages", "MESSAGES", NULL, SEL},
    {"set_flags", cmd_set_flags, "replace the flags of messages",
     "[--silent] MESSAGES [FLAG...]", NULL, SEL},
    {"add_flags", cmd_add_flags, "add flags to messages", "[--silent] MESSAGES FLAG...",
     "Example: add_flags 1:3 \\Seen \\Flagged (a word without the backslash is\n"
     "a keyword: Flagged is not \\Flagged)\n",
     SEL},
    {"remove_flags", cmd_remove_flags, "remove flags from messages",
     "[--silent] MESSAGES FLAG...", NULL, SEL},
    {"get_gmail_labels", cmd_get_gmail_labels, "the Gmail labels of messages", "MESSAGES",
     NULL, SEL},
    {"set_gmail_labels", cmd_set_gmail_labels, "replace the Gmail labels of messages",
     "[--silent] MESSAGES [LABEL...]", NULL, SEL},
    {"add_gmail_labels", cmd_add_gmail_labels, "add Gmail labels to messages",
     "[--silent] MESSAGES LABEL...", NULL, SEL},
    {"remove_gmail_labels", cmd_remove_gmail_labels, "remove Gmail labels from messages",
     "[--silent] MESSAGES LABEL...", NULL, SEL},
    {"delete_messages", cmd_delete_messages, "mark messages \\Deleted",
     "[--silent] MESSAGES", NULL, SEL},
    {"expunge", cmd_expunge, "remove \\Deleted messages (all, or those of a UID set)",
     "[UIDS]", NULL, SEL},
    {"uid_expunge", cmd_uid_expunge, "UID EXPUNGE: remove those \\Deleted messages",
     "UIDS", NULL, SEL},
    {"copy", cmd_copy, "copy messages to a folder", "MESSAGES FOLDER", NULL, FARG},
    {"move", cmd_move, "move messages to a folder", "MESSAGES FOLDER", NULL, FARG},
    {"append", cmd_append, "append a message (from FILE, or stdin) to a folder",
     "[--flags 'FLAG ...'] [--date DATE] FOLDER [FILE|-]",
     "DATE is an INTERNALDATE (\"17-Jul-1996 02:44:25 -0700\"), an RFC 2822 date\n"
     "or ISO 8601 (2023-03-07, 2023-03-07T10:20:00+01:00; no zone: local time).\n",
     FARG},
    {"multiappend", cmd_multiappend,
     "append several messages in one command (MULTIAPPEND)", "FOLDER FILE...", NULL,
     FARG},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
