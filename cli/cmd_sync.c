/*
 * sync FOLDER STATEFILE: what changed in a folder since the state saved in
 * a file (imapclient_sync_folder()), then the file brought up to date; and
 * the state files that export keeps too.
 *
 * A state file holds what imapclient_sync_state_format() writes. It is
 * replaced atomically (written beside it, synced, renamed over it), so an
 * interrupted run leaves the old state or the new one, never half.
 */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_state_load(cli_ctx *ctx, const char *path, imapclient_sync_state **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno != ENOENT)
            return cli_fail(ctx, "%s: %s", path, strerror(errno));
        if (imapclient_sync_state_new(out))
            return cli_fail(ctx, "out of memory");
        return 0; /* a folder never synced */
    }
    char *blob = NULL;
    size_t len = 0, cap = 0, n;
    char buf[16384];
    int bad = 0;
    while (!bad && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *p = realloc(blob, cap);
            if (!p)
                bad = ENOMEM;
            else
                blob = p;
        }
        if (!bad) {
            memcpy(blob + len, buf, n);
            len += n;
        }
    }
    if (!bad && ferror(f))
        bad = errno ? errno : EIO;
    fclose(f);
    int rc = 0;
    if (bad)
        rc = cli_fail(ctx, "%s: %s", path, strerror(bad));
    else if (imapclient_sync_state_parse(blob ? blob : "", len, out))
        rc = cli_fail(ctx, "%s: not a sync state (remove it to start afresh)", path);
    free(blob);
    return rc;
}

int cli_state_save(cli_ctx *ctx, const char *path, const imapclient_sync_state *st)
{
    char *blob = NULL;
    size_t len = 0;
    if (imapclient_sync_state_format(st, &blob, &len))
        return cli_fail(ctx, "out of memory");
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    FILE *f = NULL;
    int ok = 0;
    if (tmp) {
        snprintf(tmp, n, "%s.new", path);
        f = fopen(tmp, "wb");
    }
    if (f) {
        ok = fwrite(blob, 1, len, f) == len;
        ok = fflush(f) == 0 && ok;
        ok = fsync(fileno(f)) == 0 && ok;
        ok = fclose(f) == 0 && ok;
        ok = ok && rename(tmp, path) == 0;
        if (!ok)
            unlink(tmp);
    }
    int rc = ok ? 0 : cli_fail(ctx, "%s: %s", path, strerror(errno ? errno : EIO));
    free(tmp);
    free(blob);
    return rc;
}

/* --strategy NAME */
static int strategy_of(cli_ctx *ctx, const char *name, imapclient_sync_strategy *out)
{
    for (int s = IMAPCLIENT_SYNC_AUTO; s <= IMAPCLIENT_SYNC_FLAGS; s++)
        if (!strcmp(name, imapclient_sync_strategy_name((imapclient_sync_strategy)s))) {
            *out = (imapclient_sync_strategy)s;
            return 0;
        }
    return cli_usage_error(ctx, "unknown strategy '%s' (auto, qresync, condstore, flags)",
                           name);
}

static json_t *json_set(const imapclient_uidset *s)
{
    char *t = NULL;
    if (imapclient_uidset_format(s, &t))
        return json_null();
    json_t *j = json_string(t);
    free(t);
    return j;
}

static void print_set(const char *what, const imapclient_uidset *s)
{
    char *t = NULL;
    uint64_t n = imapclient_uidset_size(s);
    if (!n || imapclient_uidset_format(s, &t))
        return;
    printf("%s: %s (%llu)\n", what, t, (unsigned long long)n);
    free(t);
}

static void print_result(cli_ctx *ctx, const char *folder,
                         const imapclient_sync_result *r, int saved)
{
    if (ctx->json) {
        json_t *o = json_object();
        json_object_set_new(o, "folder", json_string(folder));
        json_object_set_new(o, "strategy",
                            json_string(imapclient_sync_strategy_name(r->strategy)));
        json_object_set_new(o, "start_over", json_boolean(r->start_over));
        json_object_set_new(o, "uidvalidity", json_integer(r->uidvalidity));
        json_object_set_new(o, "highestmodseq",
                            json_integer((json_int_t)r->highestmodseq));
        json_object_set_new(o, "exists", json_integer(r->exists));
        json_object_set_new(o, "new", json_set(&r->new_uids));
        json_object_set_new(
            o, "new_count",
            json_integer((json_int_t)imapclient_uidset_size(&r->new_uids)));
        json_t *ch = json_array();
        for (size_t i = 0; i < r->changed_count; i++) {
            const imapclient_flag_change *c = &r->changed[i];
            json_t *e = json_object();
            json_object_set_new(e, "uid", json_integer(c->uid));
            json_object_set_new(e, "flags",
                                c->flags ? out_json_strings(c->flags, c->flag_count)
                                         : json_null());
            if (c->has_modseq)
                json_object_set_new(e, "modseq", json_integer((json_int_t)c->modseq));
            json_array_append_new(ch, e);
        }
        json_object_set_new(o, "changed", ch);
        json_object_set_new(o, "vanished", json_set(&r->vanished));
        json_object_set_new(
            o, "vanished_count",
            json_integer((json_int_t)imapclient_uidset_size(&r->vanished)));
        json_object_set_new(o, "saved", json_boolean(saved));
        out_json(o);
        return;
    }
    printf("%s: by %s, UIDVALIDITY %u, HIGHESTMODSEQ %llu, %u messages\n", folder,
           imapclient_sync_strategy_name(r->strategy), r->uidvalidity,
           (unsigned long long)r->highestmodseq, r->exists);
    if (r->start_over)
        printf("start over: the UIDVALIDITY changed, every message is new\n");
    print_set("new", &r->new_uids);
    for (size_t i = 0; i < r->changed_count; i++) {
        const imapclient_flag_change *c = &r->changed[i];
        printf("changed: %u (", c->uid);
        if (c->flags)
            out_text_strings(stdout, c->flags, c->flag_count);
        printf(")");
        if (c->has_modseq)
            printf(" MODSEQ %llu", (unsigned long long)c->modseq);
        printf("\n");
    }
    print_set("vanished", &r->vanished);
    if (!imapclient_uidset_size(&r->new_uids) && !r->changed_count &&
        !imapclient_uidset_size(&r->vanished))
        printf("nothing changed\n");
}

static int cmd_sync(cli_ctx *ctx, int argc, char **argv)
{
    const char *strategy = NULL;
    int dry = 0, keep = 0;
    cli_opt opts[] = {{"strategy", &strategy, NULL},
                      {"dry-run", NULL, &dry},
                      {"keep-flags", NULL, &keep},
                      {NULL, NULL, NULL}};
    int rc = cli_take_opts(ctx, &argc, argv, opts);
    if (rc)
        return rc;
    if (argc != 3)
        return cli_usage(ctx, cli_cmd_current(ctx));
    const char *folder = argv[1], *path = argv[2];
    imapclient_sync_options so = {.readonly = 1, .keep_flags = keep};
    if (strategy && (rc = strategy_of(ctx, strategy, &so.strategy)))
        return rc;
    imapclient_sync_state *st = NULL;
    if ((rc = cli_state_load(ctx, path, &st)))
        return rc;
    int use_uid = imapclient_get_use_uid(ctx->c);
    imapclient_set_use_uid(ctx->c, 1);
    imapclient_sync_result *r = NULL;
    rc = imapclient_sync_folder(ctx->c, folder, st, &so, &r);
    imapclient_set_use_uid(ctx->c, use_uid);
    if (rc == 0) {
        /* the folder is selected read-only now, as select_folder --readonly */
        free(ctx->selected);
        ctx->selected = strdup(folder);
        ctx->selected_readonly = 1;
        if (!dry)
            rc = cli_state_save(ctx, path, st);
        print_result(ctx, folder, r, !dry && rc == 0);
    }
    imapclient_sync_result_free(r);
    imapclient_sync_state_free(st);
    return rc;
}

const cli_cmd cli_cmds_sync[] = {
    {"sync", cmd_sync,
     "what changed in a folder since a state file, then save the new state",
     "[--strategy auto|qresync|condstore|flags] [--keep-flags] [--dry-run] FOLDER "
     "STATEFILE",
     "Shows the new UIDs, the messages whose flags changed (with their flags and\n"
     "MODSEQ) and the UIDs that vanished since the state saved in STATEFILE, or\n"
     "'start over' when the folder's UIDVALIDITY changed; a missing STATEFILE is\n"
     "a first sync (every message new). STATEFILE is then replaced by the new\n"
     "state, unless --dry-run. The way is QRESYNC, else CONDSTORE, else a\n"
     "comparison of every message's flags (which the state then keeps), by what\n"
     "the server offers; --strategy forces one. The folder is opened read-only\n"
     "and stays selected.\n",
     CLI_CMD_CONN | CLI_CMD_FOLDER_ARG},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
