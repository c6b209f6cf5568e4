/*
 * Folder commands (folders.h): list_folders, list_sub_folders,
 * xlist_folders, find_special_folder, folder_exists, folder_status,
 * create/delete/rename/subscribe/unsubscribe_folder, select_folder,
 * unselect_folder, close_folder, namespace.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- listing ----------------------------------------------------------- */

static json_t *json_folder(const imapclient_folder *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", out_json_bytes(f->name, f->name_len));
    json_object_set_new(o, "delimiter",
                        f->delimiter ? json_string(f->delimiter) : json_null());
    json_object_set_new(o, "flags", out_json_strings(f->flags, f->flag_count));
    json_object_set_new(o, "raw_name", out_json_bytes(f->raw_name, f->raw_name_len));
    if (f->extended && f->extended->count)
        json_object_set_new(o, "extended", out_json_value(f->extended));
    return o;
}

static int print_folders(cli_ctx *ctx, imapclient_folder_list *list)
{
    if (ctx->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < list->count; i++)
            json_array_append_new(a, json_folder(&list->folders[i]));
        out_json(a);
    } else {
        for (size_t i = 0; i < list->count; i++) {
            const imapclient_folder *f = &list->folders[i];
            out_text_strings(stdout, f->flags, f->flag_count);
            printf(" ");
            if (f->delimiter)
                out_text_bytes(stdout, f->delimiter, strlen(f->delimiter));
            else
                printf("NIL");
            printf(" ");
            out_text_bytes(stdout, f->name, f->name_len);
            printf("\n");
        }
        if (!list->count && ctx->interactive)
            printf("(no folders)\n");
    }
    imapclient_folder_list_free(list);
    return 0;
}

typedef int (*list_fn)(imapclient *, const char *, const char *,
                       imapclient_folder_list **);

static int do_list(cli_ctx *ctx, int argc, char **argv, list_fn fn)
{
    if (argc > 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_folder_list *list;
    int rc = fn(ctx->c, argc > 1 ? argv[1] : NULL, argc > 2 ? argv[2] : NULL, &list);
    if (rc)
        return rc;
    return print_folders(ctx, list);
}

static int cmd_list_folders(cli_ctx *ctx, int argc, char **argv)
{
    return do_list(ctx, argc, argv, imapclient_list_folders);
}

static int cmd_list_sub_folders(cli_ctx *ctx, int argc, char **argv)
{
    return do_list(ctx, argc, argv, imapclient_list_sub_folders);
}

static int cmd_xlist_folders(cli_ctx *ctx, int argc, char **argv)
{
    return do_list(ctx, argc, argv, imapclient_xlist_folders);
}

static int cmd_find_special_folder(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    /* "Sent" and "\Sent" both name the flag */
    char flag[128];
    snprintf(flag, sizeof flag, "%s%s", argv[1][0] == '\\' ? "" : "\\", argv[1]);
    char *name = NULL;
    int rc = imapclient_find_special_folder(ctx->c, flag, &name);
    if (rc)
        return rc;
    if (ctx->json)
        out_json(name ? out_json_bytes(name, strlen(name)) : json_null());
    else if (name)
        printf("%s\n", name);
    else
        printf("(none)\n");
    free(name);
    return 0;
}

static int cmd_folder_exists(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    int rc = imapclient_folder_exists(ctx->c, argv[1]);
    if (rc < 0)
        return rc;
    if (ctx->json)
        out_json(json_boolean(rc));
    else
        printf("%s\n", rc ? "yes" : "no");
    return 0;
}

/* ---- STATUS ------------------------------------------------------------ */

static int cmd_folder_status(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char **items = NULL;
    if (argc > 2) {
        items = calloc((size_t)argc - 1, sizeof *items);
        if (!items)
            return cli_fail(ctx, "out of memory");
        for (int i = 2; i < argc; i++)
            items[i - 2] = argv[i];
    }
    imapclient_status_info *st;
    int rc = imapclient_folder_status(ctx->c, argv[1], items, &st);
    free(items);
    if (rc)
        return rc;
    if (ctx->json) {
        json_t *o = json_object(), *it = json_object();
        json_object_set_new(o, "folder",
                            st->folder ? out_json_bytes(st->folder, strlen(st->folder))
                                       : json_null());
        for (size_t i = 0; i < st->count; i++)
            json_object_set_new(it, st->items[i].name,
                                st->items[i].is_number
                                    ? json_integer((json_int_t)st->items[i].value)
                                    : out_json_value(st->items[i].raw));
        json_object_set_new(o, "items", it);
        out_json(o);
    } else {
        for (size_t i = 0; i < st->count; i++) {
            printf("%s: ", st->items[i].name);
            if (st->items[i].is_number)
                printf("%llu", (unsigned long long)st->items[i].value);
            else
                out_text_value(stdout, st->items[i].raw);
            /* a count, unlike select_folder's UNSEEN (a sequence number) */
            if (!strcasecmp(st->items[i].name, "UNSEEN"))
                printf(" (messages not seen)");
            printf("\n");
        }
    }
    imapclient_status_info_free(st);
    return 0;
}

/* ---- create, delete, rename, subscribe ---------------------------------- */

typedef int (*folder_fn)(imapclient *, const char *, const char **);

static int do_folder(cli_ctx *ctx, int argc, char **argv, folder_fn fn, int changes_list)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *text = NULL;
    int rc = fn(ctx->c, argv[1], &text);
    if (rc)
        return rc;
    if (changes_list)
        cli_folders_invalidate(ctx);
    cli_print_text(ctx, "text", text);
    return 0;
}

static int cmd_create_folder(cli_ctx *ctx, int argc, char **argv)
{
    return do_folder(ctx, argc, argv, imapclient_create_folder, 1);
}

static int cmd_delete_folder(cli_ctx *ctx, int argc, char **argv)
{
    int rc = do_folder(ctx, argc, argv, imapclient_delete_folder, 1);
    /* the selected folder is gone with it */
    if (rc == 0 && ctx->selected && !strcmp(ctx->selected, argv[1]) &&
        imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_SELECTED) {
        free(ctx->selected);
        ctx->selected = NULL;
    }
    return rc;
}

static int cmd_subscribe_folder(cli_ctx *ctx, int argc, char **argv)
{
    return do_folder(ctx, argc, argv, imapclient_subscribe_folder, 0);
}

static int cmd_unsubscribe_folder(cli_ctx *ctx, int argc, char **argv)
{
    return do_folder(ctx, argc, argv, imapclient_unsubscribe_folder, 0);
}

static int cmd_rename_folder(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *text = NULL;
    int rc = imapclient_rename_folder(ctx->c, argv[1], argv[2], &text);
    if (rc)
        return rc;
    cli_folders_invalidate(ctx);
    cli_print_text(ctx, "text", text);
    return 0;
}

/* ---- select ------------------------------------------------------------ */

static json_t *json_u32(int has, uint64_t v)
{
    return has ? json_integer((json_int_t)v) : json_null();
}

static void print_select(cli_ctx *ctx, const imapclient_select_info *si)
{
    if (ctx->json) {
        json_t *o = json_object(), *items = json_object();
        json_object_set_new(o, "exists", json_u32(si->has_exists, si->exists));
        json_object_set_new(o, "recent", json_u32(si->has_recent, si->recent));
        json_object_set_new(o, "uidvalidity",
                            json_u32(si->has_uidvalidity, si->uidvalidity));
        json_object_set_new(o, "uidnext", json_u32(si->has_uidnext, si->uidnext));
        json_object_set_new(o, "unseen", json_u32(si->has_unseen, si->unseen));
        json_object_set_new(o, "highestmodseq",
                            json_u32(si->has_highestmodseq, si->highestmodseq));
        json_object_set_new(o, "nomodseq", json_boolean(si->nomodseq));
        json_object_set_new(o, "flags",
                            si->has_flags ? out_json_strings(si->flags, si->flag_count)
                                          : json_null());
        json_object_set_new(
            o, "permanentflags",
            si->has_permanentflags
                ? out_json_strings(si->permanentflags, si->permanentflag_count)
                : json_null());
        json_object_set_new(o, "read_only", json_boolean(si->read_only));
        for (size_t i = 0; i < si->count; i++)
            json_object_set_new(items, si->items[i].name,
                                out_json_value(si->items[i].value));
        json_object_set_new(o, "items", items);
        json_object_set_new(
            o, "text",
            out_json_bytes(si->text ? si->text : "", si->text ? strlen(si->text) : 0));
        out_json(o);
        return;
    }
    if (si->has_exists)
        printf("EXISTS: %u\n", si->exists);
    if (si->has_recent)
        printf("RECENT: %u\n", si->recent);
    if (si->has_uidvalidity)
        printf("UIDVALIDITY: %u\n", si->uidvalidity);
    if (si->has_uidnext)
        printf("UIDNEXT: %u\n", si->uidnext);
    if (si->has_unseen) /* not a count: folder_status's UNSEEN is one */
        printf("UNSEEN: %u (the first unseen message's sequence number)\n", si->unseen);
    if (si->has_highestmodseq)
        printf("HIGHESTMODSEQ: %llu\n", (unsigned long long)si->highestmodseq);
    if (si->nomodseq)
        printf("NOMODSEQ\n");
    if (si->has_flags) {
        printf("FLAGS: ");
        out_text_strings(stdout, si->flags, si->flag_count);
        printf("\n");
    }
    if (si->has_permanentflags) {
        printf("PERMANENTFLAGS: ");
        out_text_strings(stdout, si->permanentflags, si->permanentflag_count);
        printf("\n");
    }
    /* anything else the server sent (MAILBOXID, ...) */
    static const char *const known[] = {"EXISTS",     "RECENT",    "UIDVALIDITY",
                                        "UIDNEXT",    "UNSEEN",    "HIGHESTMODSEQ",
                                        "NOMODSEQ",   "FLAGS",     "PERMANENTFLAGS",
                                        "READ-WRITE", "READ-ONLY", "OK"};
    for (size_t i = 0; i < si->count; i++) {
        size_t k = 0;
        while (k < sizeof known / sizeof known[0] &&
               strcasecmp(known[k], si->items[i].name))
            k++;
        if (k < sizeof known / sizeof known[0])
            continue;
        printf("%s: ", si->items[i].name);
        out_text_value(stdout, si->items[i].value);
        printf("\n");
    }
    printf("%s\n", si->read_only ? "READ-ONLY" : "READ-WRITE");
}

int cli_select(cli_ctx *ctx, const char *folder, int readonly, int print)
{
    imapclient_select_info *si;
    int rc = imapclient_select_folder(ctx->c, folder, readonly, &si);
    if (rc) {
        /* a SELECT the server refused leaves nothing selected (RFC 3501
         * section 6.3.1); one refused before sending (in IDLE) changes
         * nothing */
        if (imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_SELECTED &&
            imapclient_get_state(ctx->c) != IMAPCLIENT_STATE_IDLE) {
            free(ctx->selected);
            ctx->selected = NULL;
        }
        return rc;
    }
    free(ctx->selected);
    ctx->selected = strdup(folder);
    ctx->selected_readonly = si->read_only;
    if (print)
        print_select(ctx, si);
    imapclient_select_info_free(si);
    return 0;
}

static int cmd_select_folder(cli_ctx *ctx, int argc, char **argv)
{
    const char *folder = NULL;
    int readonly = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--readonly") && !(ctx->argq && ctx->argq[i]))
            readonly = 1;
        else if (!folder)
            folder = argv[i];
        else
            return cli_usage(ctx, cli_cmd_current(ctx));
    }
    if (!folder)
        return cli_usage(ctx, cli_cmd_current(ctx));
    return cli_select(ctx, folder, readonly, 1);
}

static int unselect_common(cli_ctx *ctx, int argc, int (*fn)(imapclient *, const char **))
{
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *text = NULL;
    int rc = fn(ctx->c, &text);
    if (rc)
        return rc;
    free(ctx->selected);
    ctx->selected = NULL;
    cli_print_text(ctx, "text", text);
    return 0;
}

static int cmd_unselect_folder(cli_ctx *ctx, int argc, char **argv)
{
    return unselect_common(ctx, argc, imapclient_unselect_folder);
}

static int cmd_close_folder(cli_ctx *ctx, int argc, char **argv)
{
    return unselect_common(ctx, argc, imapclient_close_folder);
}

/* ---- NAMESPACE ---------------------------------------------------------- */

static json_t *json_ns(const imapclient_namespace_entry *e, size_t n)
{
    if (!e)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "prefix",
                            out_json_bytes(e[i].prefix, strlen(e[i].prefix)));
        json_object_set_new(o, "separator",
                            e[i].separator ? json_string(e[i].separator) : json_null());
        if (e[i].extensions && e[i].extensions->count)
            json_object_set_new(o, "extensions", out_json_value(e[i].extensions));
        json_array_append_new(a, o);
    }
    return a;
}

static void text_ns(const char *what, const imapclient_namespace_entry *e, size_t n)
{
    printf("%s:", what);
    if (!e)
        printf(" NIL");
    for (size_t i = 0; e && i < n; i++) {
        printf(" (");
        out_text_bytes(stdout, e[i].prefix, strlen(e[i].prefix));
        printf(" ");
        if (e[i].separator)
            out_text_bytes(stdout, e[i].separator, strlen(e[i].separator));
        else
            printf("NIL");
        printf(")");
    }
    printf("\n");
}

static int cmd_namespace(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 1)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_namespace_info *ns;
    int rc = imapclient_namespace(ctx->c, &ns);
    if (rc)
        return rc;
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, "personal", json_ns(ns->personal, ns->personal_count));
        json_object_set_new(o, "other", json_ns(ns->other, ns->other_count));
        json_object_set_new(o, "shared", json_ns(ns->shared, ns->shared_count));
        out_json(o);
    } else {
        text_ns("personal", ns->personal, ns->personal_count);
        text_ns("other", ns->other, ns->other_count);
        text_ns("shared", ns->shared, ns->shared_count);
    }
    imapclient_namespace_info_free(ns);
    return 0;
}

#define CONN CLI_CMD_CONN
#define FARG (CLI_CMD_CONN | CLI_CMD_FOLDER_ARG)

const cli_cmd cli_cmds_folders[] = {
    {"list_folders", cmd_list_folders, "list folders: (flags) delimiter name",
     "[DIRECTORY [PATTERN]]",
     "DIRECTORY defaults to \"\" and PATTERN to \"*\" (every folder); '%' matches\n"
     "one level.\n",
     CONN},
    {"list_sub_folders", cmd_list_sub_folders, "list subscribed folders (LSUB)",
     "[DIRECTORY [PATTERN]]", NULL, CONN},
    {"xlist_folders", cmd_xlist_folders, "list folders with Gmail's XLIST",
     "[DIRECTORY [PATTERN]]", NULL, CONN},
    {"find_special_folder", cmd_find_special_folder,
     "find a special-use folder (Sent, Drafts, Trash, Junk, Archive, All)", "FLAG", NULL,
     CONN},
    {"folder_exists", cmd_folder_exists, "whether a folder exists", "FOLDER", NULL, FARG},
    {"folder_status", cmd_folder_status, "STATUS of a folder", "FOLDER [ITEM...]",
     "Items default to MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN.\n", FARG},
    {"create_folder", cmd_create_folder, "create a folder", "FOLDER", NULL, FARG},
    {"delete_folder", cmd_delete_folder, "delete a folder", "FOLDER", NULL, FARG},
    {"rename_folder", cmd_rename_folder, "rename a folder", "OLD NEW", NULL, FARG},
    {"subscribe_folder", cmd_subscribe_folder, "subscribe to a folder", "FOLDER", NULL,
     FARG},
    {"unsubscribe_folder", cmd_unsubscribe_folder, "unsubscribe from a folder", "FOLDER",
     NULL, FARG},
    {"select_folder", cmd_select_folder, "select a folder (EXAMINE with --readonly)",
     "FOLDER [--readonly]", NULL, FARG},
    {"unselect_folder", cmd_unselect_folder,
     "leave the folder without expunging (UNSELECT)", "", NULL, CONN},
    {"close_folder", cmd_close_folder,
     "leave the folder, expunging deleted messages (CLOSE)", "", NULL, CONN},
    {"namespace", cmd_namespace, "the account's namespaces", "", NULL, CONN},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
