/*
 * fetch (fetch.h): messages are printed as they arrive (imapclient_fetch_each),
 * so memory stays flat however many are fetched; with --json the array is
 * written element by element. A progress bar shows on a terminal when the
 * output goes elsewhere.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_search_set(cli_ctx *ctx, const char *set, imapclient_ids **out)
{
    const char *by_uid[] = {"UID", set, NULL};
    const char *by_seq[] = {set, NULL};
    return imapclient_search(ctx->c, imapclient_get_use_uid(ctx->c) ? by_uid : by_seq,
                             NULL, out);
}

/* Fetch items from the words: a word that opens a '[' or '(' is joined
 * with the next ones until they close, so an unquoted
 * BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] is one item. */
static char **fetch_items(int argc, char **argv, int first, size_t *n)
{
    char **items = calloc((size_t)argc + 1, sizeof *items);
    *n = 0;
    if (!items)
        return NULL;
    for (int i = first; i < argc; i++) {
        size_t len = strlen(argv[i]) + 1;
        int depth = 0;
        int j = i;
        for (;;) {
            for (const char *p = argv[j]; *p; p++)
                depth += (*p == '[' || *p == '(') - (*p == ']' || *p == ')');
            if (depth <= 0 || j + 1 >= argc)
                break;
            j++;
            len += strlen(argv[j]) + 1;
        }
        char *item = malloc(len);
        if (!item)
            break;
        item[0] = '\0';
        for (int k = i; k <= j; k++) {
            if (k > i)
                strcat(item, " ");
            strcat(item, argv[k]);
        }
        items[(*n)++] = item;
        i = j;
    }
    return items;
}

typedef struct fetch_state {
    cli_ctx *ctx;
    cli_progress bar;
    size_t done;
    int use_uid;
} fetch_state;

static int on_message(void *payload, const imapclient_message *m)
{
    fetch_state *st = payload;
    if (st->ctx->json) {
        json_t *j = out_json_message(m);
        char *s = json_dumps(j, JSON_INDENT(2));
        json_decref(j);
        if (s) {
            /* indent the element inside the array */
            printf("%s  ", st->done ? ",\n" : "\n");
            for (const char *p = s; *p; p++) {
                putchar(*p);
                if (*p == '\n')
                    fputs("  ", stdout);
            }
            free(s);
        }
    } else {
        out_text_message(stdout, m, st->use_uid);
    }
    st->done++;
    cli_progress_update(&st->bar, st->done);
    return 0;
}

static int cmd_fetch(cli_ctx *ctx, int argc, char **argv)
{
    const char *modifiers = NULL;
    cli_opt opts[] = {{"modifiers", &modifiers, NULL}, {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc < 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    size_t nitems;
    char **items = fetch_items(argc, argv, 2, &nitems);
    if (!items)
        return cli_fail(ctx, "out of memory");
    const char *mods[] = {modifiers, NULL};

    fetch_state st = {.ctx = ctx, .use_uid = imapclient_get_use_uid(ctx->c)};
    /* the bar only when the output is not on the terminal too */
    size_t total = 0;
    if (ctx->progress && !isatty(STDOUT_FILENO)) {
        imapclient_ids *ids;
        if (cli_search_set(ctx, argv[1], &ids) == 0) {
            total = ids->count;
            imapclient_ids_free(ids);
        }
    }
    cli_progress_start(ctx, &st.bar, "fetch", total);
    if (ctx->json)
        printf("[");
    rc = imapclient_fetch_each(ctx->c, argv[1], (const char *const *)items,
                               modifiers ? mods : NULL, on_message, NULL, 0, &st);
    cli_progress_end(&st.bar);
    if (ctx->json)
        printf("%s]\n", st.done ? "\n" : "");
    else if (!rc && !st.done && ctx->interactive)
        printf("(no messages)\n");
    for (size_t i = 0; i < nitems; i++)
        free(items[i]);
    free(items);
    return rc;
}

const cli_cmd cli_cmds_fetch[] = {
    {"fetch", cmd_fetch, "fetch data items of messages",
     "[--modifiers 'CHANGEDSINCE N'] MESSAGES ITEM...",
     "MESSAGES is a sequence set (UIDs while use_uid is on): 1:*, 2,4:7.\n"
     "ITEMs as IMAP names them: FLAGS ENVELOPE INTERNALDATE RFC822.SIZE UID\n"
     "BODYSTRUCTURE BODY.PEEK[HEADER] BODY[TEXT] 'BODY.PEEK[HEADER.FIELDS (SUBJECT)]'\n"
     "or a macro alone: ALL, FAST, FULL.\n"
     "Example: fetch 1:* ENVELOPE FLAGS\n",
     CLI_CMD_CONN},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
