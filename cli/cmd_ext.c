/*
 * Extension commands (extensions.h): id, enable, get_quota,
 * get_quota_root, get_quota_for_root, set_quota, getacl, setacl, deleteacl.
 */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int cmd_id(cli_ctx *ctx, int argc, char **argv)
{
    if (argc % 2 == 0)
        return cli_usage_error(ctx, "give KEY VALUE pairs");
    imapclient_id_result *r;
    int rc = imapclient_id(ctx->c, argc > 1 ? (const char *const *)argv + 1 : NULL, &r);
    if (rc)
        return rc;
    if (ctx->json) {
        json_t *o = r ? json_object() : json_null();
        for (size_t i = 0; r && i < r->count; i++)
            if (out_utf8_valid(r->fields[i].key, strlen(r->fields[i].key)))
                json_object_set_new(
                    o, r->fields[i].key,
                    r->fields[i].value
                        ? out_json_bytes(r->fields[i].value, strlen(r->fields[i].value))
                        : json_null());
        out_json(o);
    } else if (!r) {
        printf("NIL\n");
    } else {
        for (size_t i = 0; i < r->count; i++) {
            out_escaped(stdout, r->fields[i].key, strlen(r->fields[i].key));
            printf(": ");
            if (r->fields[i].value)
                out_escaped(stdout, r->fields[i].value, strlen(r->fields[i].value));
            else
                printf("NIL");
            printf("\n");
        }
    }
    imapclient_id_result_free(r);
    return 0;
}

static int cmd_enable(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_enabled *r;
    int rc = imapclient_enable(ctx->c, (const char *const *)argv + 1, &r);
    if (rc)
        return rc;
    if (ctx->json) {
        out_json(out_json_strings(r->items, r->count));
    } else {
        for (size_t i = 0; i < r->count; i++)
            printf("%s%s", i ? " " : "", r->items[i]);
        printf(r->count ? "\n" : "(none enabled)\n");
    }
    imapclient_enabled_free(r);
    return 0;
}

static void print_quotas(cli_ctx *ctx, const imapclient_quotas *q, json_t *into)
{
    if (ctx->json) {
        json_t *a = json_array();
        for (size_t i = 0; q && i < q->count; i++) {
            json_t *o = json_object();
            json_object_set_new(
                o, "quota_root",
                out_json_bytes(q->items[i].quota_root, strlen(q->items[i].quota_root)));
            json_object_set_new(o, "resource", json_string(q->items[i].resource));
            json_object_set_new(o, "usage", json_integer((json_int_t)q->items[i].usage));
            json_object_set_new(o, "limit", json_integer((json_int_t)q->items[i].limit));
            json_array_append_new(a, o);
        }
        if (into)
            json_object_set_new(into, "quotas", a);
        else
            out_json(a);
        return;
    }
    for (size_t i = 0; q && i < q->count; i++) {
        out_text_bytes(stdout, q->items[i].quota_root, strlen(q->items[i].quota_root));
        printf(" %s %llu/%llu%s\n", q->items[i].resource,
               (unsigned long long)q->items[i].usage,
               (unsigned long long)q->items[i].limit,
               !strcmp(q->items[i].resource, "STORAGE") ? " KiB" : "");
    }
    if ((!q || !q->count) && ctx->interactive)
        printf("(no quota)\n");
}

static int cmd_get_quota(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_quotas *q;
    int rc = imapclient_get_quota(ctx->c, argc == 2 ? argv[1] : NULL, &q);
    if (rc)
        return rc;
    print_quotas(ctx, q, NULL);
    imapclient_quotas_free(q);
    return 0;
}

static int cmd_get_quota_for_root(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_quotas *q;
    int rc = imapclient_get_quota_for_root(ctx->c, argv[1], &q);
    if (rc)
        return rc;
    print_quotas(ctx, q, NULL);
    imapclient_quotas_free(q);
    return 0;
}

static int cmd_get_quota_root(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_quota_roots *roots;
    imapclient_quotas *q;
    int rc = imapclient_get_quota_root(ctx->c, argv[1], &roots, &q);
    if (rc)
        return rc;
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, "mailbox",
                            roots->mailbox
                                ? out_json_bytes(roots->mailbox, strlen(roots->mailbox))
                                : json_null());
        json_object_set_new(o, "roots", out_json_strings(roots->roots, roots->count));
        print_quotas(ctx, q, o);
        out_json(o);
    } else {
        printf("roots: ");
        out_text_strings(stdout, roots->roots, roots->count);
        printf("\n");
        print_quotas(ctx, q, NULL);
    }
    imapclient_quota_roots_free(roots);
    imapclient_quotas_free(q);
    return 0;
}

static int cmd_set_quota(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 4 || argc % 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    size_t n = (size_t)(argc - 2) / 2;
    imapclient_quota *qs = calloc(n, sizeof *qs);
    if (!qs)
        return cli_fail(ctx, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(argv[3 + 2 * i], &end, 10);
        if (errno || !*argv[3 + 2 * i] || *end || argv[3 + 2 * i][0] == '-') {
            free(qs);
            return cli_usage_error(ctx, "not a limit: '%s'", argv[3 + 2 * i]);
        }
        qs[i].quota_root = argv[1];
        qs[i].resource = argv[2 + 2 * i];
        qs[i].limit = v;
    }
    imapclient_quotas *q;
    int rc = imapclient_set_quota(ctx->c, qs, n, &q);
    free(qs);
    if (rc)
        return rc;
    print_quotas(ctx, q, NULL);
    imapclient_quotas_free(q);
    return 0;
}

static int cmd_getacl(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(ctx, cli_cmd_current(ctx));
    imapclient_acl *a;
    int rc = imapclient_getacl(ctx->c, argv[1], &a);
    if (rc)
        return rc;
    if (ctx->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < a->count; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "who",
                                out_json_bytes(a->items[i].who, strlen(a->items[i].who)));
            json_object_set_new(
                o, "rights",
                out_json_bytes(a->items[i].rights, strlen(a->items[i].rights)));
            json_array_append_new(arr, o);
        }
        out_json(arr);
    } else {
        for (size_t i = 0; i < a->count; i++) {
            out_text_bytes(stdout, a->items[i].who, strlen(a->items[i].who));
            printf(" ");
            out_text_bytes(stdout, a->items[i].rights, strlen(a->items[i].rights));
            printf("\n");
        }
    }
    imapclient_acl_free(a);
    return 0;
}

static int cmd_setacl(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 4)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *text = NULL;
    int rc = imapclient_setacl(ctx->c, argv[1], argv[2], argv[3], &text);
    if (rc)
        return rc;
    cli_print_text(ctx, "text", text);
    return 0;
}

static int cmd_deleteacl(cli_ctx *ctx, int argc, char **argv)
{
    if (argc != 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *text = NULL;
    int rc = imapclient_deleteacl(ctx->c, argv[1], argv[2], &text);
    if (rc)
        return rc;
    cli_print_text(ctx, "text", text);
    return 0;
}

#define CONN CLI_CMD_CONN
#define FARG (CLI_CMD_CONN | CLI_CMD_FOLDER_ARG)

const cli_cmd cli_cmds_ext[] = {
    {"id", cmd_id, "exchange ID information with the server", "[KEY VALUE]...",
     "Example: id name imapclient version 0.1\n", CONN},
    {"enable", cmd_enable, "enable extensions (ENABLE)", "CAPABILITY...",
     "Example: enable CONDSTORE\n", CONN},
    {"get_quota", cmd_get_quota, "the quotas of a folder (default INBOX)", "[FOLDER]",
     NULL, FARG},
    {"get_quota_root", cmd_get_quota_root, "the quota roots of a folder and their quotas",
     "FOLDER", NULL, FARG},
    {"get_quota_for_root", cmd_get_quota_for_root,
     "the quotas of a quota root (GETQUOTA)", "ROOT", NULL, CONN},
    {"set_quota", cmd_set_quota, "set limits of a quota root",
     "ROOT RESOURCE LIMIT [RESOURCE LIMIT]...", NULL, CONN},
    {"getacl", cmd_getacl, "the access control list of a folder", "FOLDER", NULL, FARG},
    {"setacl", cmd_setacl, "set the rights of an identifier on a folder ('' removes)",
     "FOLDER WHO RIGHTS", NULL, FARG},
    {"deleteacl", cmd_deleteacl, "remove an identifier's rights (DELETEACL)",
     "FOLDER WHO", NULL, FARG},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
