/*
 * fetch (fetch.h): messages are printed as they arrive (imapclient_fetch_each),
 * so memory stays flat however many are fetched; in text output big body
 * literals are printed piece by piece as they arrive (the body sink), so
 * not even one message is held whole; with --json the array is written
 * element by element. Ctrl-C in the shell stops the output at the next
 * message and keeps the connection. A progress bar shows on a terminal
 * when the output goes elsewhere.
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

/* Text output streams body literals of this size or more to stdout as
 * they arrive, so a 100 MB message is never held whole. */
#define STREAM_MIN   (64 * 1024)
#define MAX_STREAMED 16 /* streamed items per message that we remember */

typedef struct fetch_state {
    cli_ctx *ctx;
    cli_progress bar;
    size_t done;
    int use_uid;
    int stopped; /* Ctrl-C: nothing more is printed */
    /* the message whose body is streaming (text output only) */
    uint32_t stream_seq; /* 0: none */
    char *streamed[MAX_STREAMED];
    size_t nstreamed;
    out_stream os;
} fetch_state;

static void stream_close(fetch_state *st)
{
    out_stream_end(&st->os);
    for (size_t i = 0; i < st->nstreamed; i++)
        free(st->streamed[i]);
    st->nstreamed = 0;
    st->stream_seq = 0;
}

static int stop_now(fetch_state *st)
{
    if (!st->stopped && cli_interrupted()) {
        st->stopped = 1;
        stream_close(st);
    }
    return st->stopped;
}

/* A big body literal, piece by piece: the heading and the item name first,
 * then the text as out_text_message() would show it. */
static int on_body(void *payload, uint32_t seq, const char *name, const char *data,
                   size_t len)
{
    fetch_state *st = payload;
    if (stop_now(st))
        return 0; /* read to its end and dropped; the fetch stops at the message */
    if (st->stream_seq != seq) {
        stream_close(st);
        st->stream_seq = seq;
        printf("Message %u\n", seq);
    }
    if (!st->nstreamed || strcmp(st->streamed[st->nstreamed - 1], name)) {
        out_stream_end(&st->os);
        if (st->nstreamed < MAX_STREAMED && (st->streamed[st->nstreamed] = strdup(name)))
            st->nstreamed++;
        printf("  ");
        out_escaped(stdout, name, strlen(name));
        printf(": (as it arrives)\n");
        out_stream_start(&st->os, stdout, "    ");
    }
    out_stream_piece(&st->os, data, len);
    return 0;
}

static int on_message(void *payload, const imapclient_message *m)
{
    fetch_state *st = payload;
    if (stop_now(st))
        return 1; /* the rest is read and dropped; the connection stays usable */
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
    } else if (st->stream_seq && st->stream_seq == m->seq) {
        out_stream_end(&st->os);
        out_text_message_items(stdout, m, st->use_uid, 0, st->streamed, st->nstreamed);
        stream_close(st);
    } else {
        stream_close(st);
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
    /* Ctrl-C stops the output at the next message; the connection stays */
    cli_interrupt_soft(1);
    rc = imapclient_fetch_each(ctx->c, argv[1], (const char *const *)items,
                               modifiers ? mods : NULL, on_message,
                               ctx->json ? NULL : on_body, STREAM_MIN, &st);
    cli_interrupt_soft(0);
    stream_close(&st);
    cli_progress_end(&st.bar);
    if (ctx->json)
        printf("%s]\n", st.done ? "\n" : "");
    else if (!rc && !st.done && ctx->interactive)
        printf("(no messages)\n");
    for (size_t i = 0; i < nitems; i++)
        free(items[i]);
    free(items);
    if (rc > 0 || (rc == 0 && st.stopped)) {
        fflush(stdout);
        fprintf(stderr, "fetch: interrupted after %zu message%s\n", st.done,
                st.done == 1 ? "" : "s");
        return CLI_EXIT_INTERRUPTED;
    }
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
