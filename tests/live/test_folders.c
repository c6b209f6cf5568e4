/* Live: every folder call against the private Dovecot (sample folders and
 * SPECIAL-USE config in tests/live/README.md). Folders made here carry the
 * pid in their names and are deleted again, so tests run in any order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

#include "client/internal.h"
#include "live/live.h"

static const live_env *E;

/* "<base>-<pid>" in a static buffer (one per slot). */
static const char *uniq(int slot, const char *base)
{
    static char buf[8][256];
    snprintf(buf[slot], sizeof buf[slot], "%s-%ld", base, (long)getpid());
    return buf[slot];
}

#define OK(call)                                                                         \
    do {                                                                                 \
        int rc_ = (call);                                                                \
        if (rc_ != 0)                                                                    \
            fail_msg("%s returned %d: %s", #call, rc_, imapclient_errmsg(c));            \
    } while (0)

/* The entry of l named name, or NULL. */
static const imapclient_folder *find(const imapclient_folder_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->folders[i].name, name) == 0)
            return &l->folders[i];
    return NULL;
}

static int listed(imapclient *c, const char *name)
{
    imapclient_folder_list *l = NULL;
    OK(imapclient_list_folders(c, NULL, NULL, &l));
    int found = find(l, name) != NULL;
    imapclient_folder_list_free(l);
    return found;
}

static int subscribed(imapclient *c, const char *name)
{
    imapclient_folder_list *l = NULL;
    OK(imapclient_list_sub_folders(c, NULL, NULL, &l));
    int found = find(l, name) != NULL;
    imapclient_folder_list_free(l);
    return found;
}

/* Delete a folder left over by an earlier failed run (errors ignored). */
static void drop(imapclient *c, const char *name)
{
    imapclient_delete_folder(c, name, NULL);
}

static void test_folders__list_sample(void **state)
{
    imapclient *c = live_login();
    imapclient_folder_list *l = NULL;
    OK(imapclient_list_folders(c, NULL, NULL, &l));
    const char *want[] = {"INBOX", "Archive", "Work",  "Work/Projects", "Donn\303\251es",
                          "Sent",  "Drafts",  "Trash", "Junk"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!find(l, want[i]))
            fail_msg("folder %s not listed", want[i]);
    const imapclient_folder *f = find(l, "Donn\303\251es");
    assert_string_equal(f->raw_name, "Donn&AOk-es");
    assert_string_equal(f->delimiter, "/");
    assert_int_equal(imapclient_folder_has_flag(find(l, "Work"), "\\HasChildren"), 1);
    assert_int_equal(imapclient_folder_has_flag(find(l, "Sent"), IMAPCLIENT_SENT), 1);
    assert_int_equal(imapclient_folder_has_flag(find(l, "Archive"), IMAPCLIENT_ARCHIVE),
                     1);
    imapclient_folder_list_free(l);

    /* directory and pattern */
    OK(imapclient_list_folders(c, "Work/", "%", &l));
    assert_int_equal(l->count, 1);
    assert_string_equal(l->folders[0].name, "Work/Projects");
    imapclient_folder_list_free(l);
    OK(imapclient_list_folders(c, "", "Donn\xc3\xa9*", &l));
    assert_int_equal(l->count, 1);
    imapclient_folder_list_free(l);
    OK(imapclient_list_folders(c, "", "No-Such-Folder-*", &l));
    assert_int_equal(l->count, 0);
    imapclient_folder_list_free(l);
    imapclient_free(c);
}

static void test_folders__list_folder_encode_off(void **state)
{
    imapclient *c = live_login();
    imapclient_set_folder_encode(c, 0);
    imapclient_folder_list *l = NULL;
    OK(imapclient_list_folders(c, "", "Donn*", &l));
    assert_int_equal(l->count, 1);
    assert_string_equal(l->folders[0].name, "Donn&AOk-es");
    imapclient_folder_list_free(l);
    /* the raw name reaches the folder with encoding off */
    imapclient_status_info *st = NULL;
    OK(imapclient_folder_status(c, "Donn&AOk-es", NULL, &st));
    assert_int_equal(st->messages, 0);
    assert_string_equal(st->folder, "Donn&AOk-es");
    imapclient_status_info_free(st);
    imapclient_set_folder_encode(c, 1);
    OK(imapclient_list_folders(c, "", "Donn*", &l));
    assert_string_equal(l->folders[0].name, "Donn\303\251es");
    imapclient_folder_list_free(l);
    imapclient_free(c);
}

static void test_folders__list_sub_folders(void **state)
{
    imapclient *c = live_login();
    imapclient_folder_list *l = NULL;
    OK(imapclient_list_sub_folders(c, NULL, NULL, &l));
    const char *want[] = {"INBOX", "Archive", "Work",  "Work/Projects", "Donn\303\251es",
                          "Sent",  "Drafts",  "Trash", "Junk"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!find(l, want[i]))
            fail_msg("folder %s not subscribed", want[i]);
    imapclient_folder_list_free(l);
    imapclient_free(c);
}

static void test_folders__subscribe_unsubscribe(void **state)
{
    imapclient *c = live_login();
    const char *name = uniq(0, "Sub scribed \xe2\x9c\x93");
    drop(c, name);
    OK(imapclient_create_folder(c, name, NULL));
    assert_int_equal(subscribed(c, name), 0);
    const char *text = NULL;
    OK(imapclient_subscribe_folder(c, name, &text));
    assert_non_null(strstr(text, "Subscribe completed"));
    assert_int_equal(subscribed(c, name), 1);
    imapclient_folder_list *l = NULL;
    OK(imapclient_list_sub_folders(c, "", name, &l));
    assert_int_equal(l->count, 1);
    assert_string_equal(l->folders[0].name, name);
    imapclient_folder_list_free(l);
    OK(imapclient_unsubscribe_folder(c, name, &text));
    assert_non_null(strstr(text, "Unsubscribe completed"));
    assert_int_equal(subscribed(c, name), 0);
    OK(imapclient_delete_folder(c, name, NULL));
    imapclient_free(c);
}

static void test_folders__xlist_not_offered(void **state)
{
    imapclient *c = live_login();
    imapclient_folder_list *l = (void *)1;
    assert_int_equal(imapclient_xlist_folders(c, NULL, NULL, &l), IMAPCLIENT_ECAPABILITY);
    assert_null(l);
    /* still usable */
    OK(imapclient_noop(c, NULL));
    imapclient_free(c);
}

static void test_folders__find_special_folders(void **state)
{
    imapclient *c = live_login();
    static const struct {
        const char *flag, *name;
    } want[] = {{IMAPCLIENT_SENT, "Sent"},
                {IMAPCLIENT_DRAFTS, "Drafts"},
                {IMAPCLIENT_TRASH, "Trash"},
                {IMAPCLIENT_JUNK, "Junk"},
                {IMAPCLIENT_ARCHIVE, "Archive"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char *name = NULL;
        OK(imapclient_find_special_folder(c, want[i].flag, &name));
        if (!name)
            fail_msg("no folder found for %s", want[i].flag);
        assert_string_equal(name, want[i].name);
        free(name);
    }
    char *name = (char *)"x";
    OK(imapclient_find_special_folder(c, IMAPCLIENT_ALL, &name));
    assert_null(name);
    imapclient_free(c);
}

static void test_folders__find_special_flag_beats_name(void **state)
{
    /* "Deleted Items" is one of the reference's common names for Trash, but
     * the folder flagged \Trash wins: names are only the fallback */
    imapclient *c = live_login();
    int made = imapclient_folder_exists(c, "Deleted Items") == 0;
    if (made)
        OK(imapclient_create_folder(c, "Deleted Items", NULL));
    char *name = NULL;
    OK(imapclient_find_special_folder(c, IMAPCLIENT_TRASH, &name));
    assert_non_null(name);
    assert_string_equal(name, "Trash");
    free(name);
    /* a flag nobody carries and that has no common names: None */
    name = (char *)"x";
    OK(imapclient_find_special_folder(c, "\\X-Not-Special", &name));
    assert_null(name);
    if (made)
        OK(imapclient_delete_folder(c, "Deleted Items", NULL));
    imapclient_free(c);
}

static void test_folders__exists(void **state)
{
    imapclient *c = live_login();
    assert_int_equal(imapclient_folder_exists(c, "INBOX"), 1);
    assert_int_equal(imapclient_folder_exists(c, "inbox"), 1);
    assert_int_equal(imapclient_folder_exists(c, "Donn\303\251es"), 1);
    assert_int_equal(imapclient_folder_exists(c, "Work/Projects"), 1);
    assert_int_equal(imapclient_folder_exists(c, uniq(0, "Not There")), 0);
    /* a wildcard in the name does not count other folders */
    assert_int_equal(imapclient_folder_exists(c, "Wor*"), 0);
    imapclient_free(c);
}

static void test_folders__status_default(void **state)
{
    imapclient *c = live_login();
    imapclient_status_info *st = NULL;
    OK(imapclient_folder_status(c, "INBOX", NULL, &st));
    assert_int_equal(st->count, 5);
    assert_true(st->has_messages && st->has_recent && st->has_uidnext &&
                st->has_uidvalidity && st->has_unseen);
    assert_int_equal(st->messages, E->inbox_count);
    assert_int_equal(st->uidvalidity, 1700000001u);
    /* other live tests may append and expunge (UIDNEXT only grows) and
     * flag and unflag, so only the sample's lower bounds are certain */
    assert_true(st->uidnext >= 9);
    assert_true(st->unseen >= 1 && st->unseen <= st->messages);
    imapclient_status_info_free(st);
    OK(imapclient_folder_status(c, "Archive", NULL, &st));
    assert_int_equal(st->messages, 2);
    assert_int_equal(st->uidvalidity, 1700000002u);
    imapclient_status_info_free(st);
    assert_int_equal(imapclient_folder_status(c, uniq(0, "Nope"), NULL, &st),
                     IMAPCLIENT_ERROR);
    assert_null(st);
    assert_non_null(strstr(imapclient_errmsg(c), "NO"));
    imapclient_free(c);
}

static void test_folders__status_modseq_and_size(void **state)
{
    imapclient *c = live_login();
    imapclient_status_info *st = NULL;
    const char *const items[] = {"HIGHESTMODSEQ", "SIZE", "MESSAGES", NULL};
    OK(imapclient_folder_status(c, "INBOX", items, &st));
    assert_int_equal(st->count, 3);
    assert_true(st->has_highestmodseq && st->has_size && st->has_messages);
    assert_false(st->has_unseen);
    assert_true(st->highestmodseq >= 1);
    assert_true(st->size > 1000);
    uint64_t v = 0;
    assert_int_equal(imapclient_status_info_get(st, "size", &v), 1);
    assert_true(v == st->size);
    imapclient_status_info_free(st);
    /* an item the server does not know: BAD */
    const char *const bad[] = {"NO-SUCH-ITEM", NULL};
    assert_int_equal(imapclient_folder_status(c, "INBOX", bad, &st), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "BAD"));
    imapclient_free(c);
}

static void test_folders__unicode_tree_round_trip(void **state)
{
    imapclient *c = live_login();
    const char *top = uniq(0, "\xc3\x9cnic\xc3\xb6"
                              "d\xc3\xa9");                              /* Ünicödé */
    const char *moved = uniq(1, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"); /* 日本語 */
    char child[300], grandchild[400], moved_child[300], moved_grand[400];
    snprintf(child, sizeof child,
             "%s/\xce\x95\xce\xbb\xce\xbb\xce\xb7\xce\xbd\xce\xb9\xce\xba"
             "\xce\xac",
             top); /* Ελληνικά */
    snprintf(grandchild, sizeof grandchild, "%s/\xf0\x9f\x93\xa7 mail", child); /* 📧 */
    snprintf(moved_child, sizeof moved_child, "%s%s", moved, child + strlen(top));
    snprintf(moved_grand, sizeof moved_grand, "%s%s", moved, grandchild + strlen(top));
    drop(c, grandchild), drop(c, child), drop(c, top);
    drop(c, moved_grand), drop(c, moved_child), drop(c, moved);

    OK(imapclient_create_folder(c, top, NULL));
    OK(imapclient_create_folder(c, child, NULL));
    OK(imapclient_create_folder(c, grandchild, NULL));

    imapclient_folder_list *l = NULL;
    char dir[320];
    snprintf(dir, sizeof dir, "%s/", top);
    OK(imapclient_list_folders(c, dir, "*", &l));
    assert_int_equal(l->count, 2);
    assert_non_null(find(l, child));
    assert_non_null(find(l, grandchild));
    assert_int_equal(imapclient_folder_has_flag(find(l, child), "\\HasChildren"), 1);
    /* on the wire the names are modified UTF-7 */
    assert_null(strchr(find(l, grandchild)->raw_name, '\xf0'));
    assert_non_null(strchr(find(l, grandchild)->raw_name, '&'));
    imapclient_folder_list_free(l);

    imapclient_status_info *st = NULL;
    OK(imapclient_folder_status(c, grandchild, NULL, &st));
    assert_int_equal(st->messages, 0);
    assert_string_equal(st->folder, grandchild);
    imapclient_status_info_free(st);

    imapclient_select_info *si = NULL;
    OK(imapclient_select_folder(c, grandchild, 0, &si));
    assert_int_equal(si->exists, 0);
    imapclient_select_info_free(si);
    OK(imapclient_close_folder(c, NULL));

    /* renaming the top moves the whole tree */
    OK(imapclient_rename_folder(c, top, moved, NULL));
    assert_int_equal(imapclient_folder_exists(c, top), 0);
    assert_int_equal(imapclient_folder_exists(c, moved_grand), 1);
    assert_int_equal(listed(c, moved_child), 1);

    OK(imapclient_delete_folder(c, moved_grand, NULL));
    OK(imapclient_delete_folder(c, moved_child, NULL));
    OK(imapclient_delete_folder(c, moved, NULL));
    assert_int_equal(listed(c, moved), 0);
    imapclient_free(c);
}

static void test_folders__awkward_names_round_trip(void **state)
{
    imapclient *c = live_login();
    const char *bases[] = {"with  spaces",
                           "quo\"te\"s",
                           "back\\slash",
                           "Tom & Jerry",
                           "&-amp",
                           "100% * wild",
                           "NIL",
                           "[brackets] (parens) {3}",
                           "caf\xc3\xa9 \xe2\x82\xac"};
    char digits[32];
    snprintf(digits, sizeof digits, "%ld", (long)getpid() * 1000 + 7);
    for (size_t i = 0; i <= sizeof bases / sizeof bases[0]; i++) {
        const char *name =
            i < sizeof bases / sizeof bases[0] ? uniq(0, bases[i]) : digits;
        char renamed[300];
        snprintf(renamed, sizeof renamed, "%s renamed", name);
        drop(c, name);
        drop(c, renamed);

        OK(imapclient_create_folder(c, name, NULL));
        assert_int_equal(imapclient_folder_exists(c, name), 1);
        assert_int_equal(listed(c, name), 1);
        imapclient_status_info *st = NULL;
        OK(imapclient_folder_status(c, name, NULL, &st));
        assert_int_equal(st->messages, 0);
        if (st->folder)
            assert_string_equal(st->folder, name);
        imapclient_status_info_free(st);
        OK(imapclient_select_folder(c, name, 1, NULL));
        OK(imapclient_unselect_folder(c, NULL));
        OK(imapclient_rename_folder(c, name, renamed, NULL));
        assert_int_equal(listed(c, name), 0);
        assert_int_equal(listed(c, renamed), 1);
        OK(imapclient_delete_folder(c, renamed, NULL));
        assert_int_equal(imapclient_folder_exists(c, renamed), 0);
    }
    imapclient_free(c);
}

static void test_folders__create_delete_errors(void **state)
{
    imapclient *c = live_login();
    const char *name = uniq(0, "Twice");
    drop(c, name);
    const char *text = NULL;
    OK(imapclient_create_folder(c, name, &text));
    assert_non_null(strstr(text, "Create completed"));
    assert_int_equal(imapclient_create_folder(c, name, NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "ALREADYEXISTS"));
    OK(imapclient_delete_folder(c, name, &text));
    assert_non_null(strstr(text, "Delete completed"));
    assert_int_equal(imapclient_delete_folder(c, name, NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "NONEXISTENT"));
    /* Maildir++ refuses '.' in names: the server's words come back */
    assert_int_equal(imapclient_create_folder(c, uniq(1, "a.b"), NULL), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "not allowed"));
    /* invalid UTF-8 is refused before sending */
    assert_int_equal(imapclient_create_folder(c, "bad\xff", NULL), IMAPCLIENT_EINVAL);
    OK(imapclient_noop(c, NULL));
    imapclient_free(c);
}

static void test_folders__select_read_write(void **state)
{
    imapclient *c = live_login();
    imapclient_status_info *st = NULL;
    OK(imapclient_folder_status(c, "INBOX", NULL, &st));
    imapclient_select_info *i = NULL;
    OK(imapclient_select_folder(c, "INBOX", 0, &i));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    assert_int_equal(c->readonly, 0);
    assert_int_equal(i->exists, E->inbox_count);
    assert_true(i->has_exists && i->has_recent && i->has_flags && i->has_permanentflags &&
                i->has_uidnext && i->has_uidvalidity && i->has_unseen);
    /* SELECT and STATUS agree */
    assert_int_equal(i->exists, st->messages);
    assert_int_equal(i->uidvalidity, 1700000001u);
    assert_int_equal(i->uidnext, st->uidnext);
    assert_true(i->unseen >= 1 && i->unseen <= i->exists);
    imapclient_status_info_free(st);
    assert_int_equal(i->read_write, 1);
    assert_int_equal(i->read_only, 0);
    assert_int_equal(i->flag_count, 5);
    assert_string_equal(i->permanentflags[i->permanentflag_count - 1], "\\*");
    assert_non_null(imapclient_select_info_get(i, "READ-WRITE"));
    assert_int_equal(imc_require_writable(c, "add_flags"), 0);
    imapclient_select_info_free(i);
    /* nothing of SELECT left over for noop() */
    imapclient_responses *r = NULL;
    OK(imapclient_take_responses(c, &r));
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    imapclient_free(c);
}

static void test_folders__select_highestmodseq(void **state)
{
    imapclient *c = live_login();
    /* STATUS (HIGHESTMODSEQ) enables CONDSTORE (RFC 7162 3.1): SELECT then
     * reports HIGHESTMODSEQ */
    imapclient_status_info *st = NULL;
    OK(imapclient_folder_status(c, "INBOX", (const char *const[]){"HIGHESTMODSEQ", NULL},
                                &st));
    imapclient_select_info *i = NULL;
    OK(imapclient_select_folder(c, "INBOX", 0, &i));
    assert_int_equal(i->has_highestmodseq, 1);
    assert_true(i->highestmodseq == st->highestmodseq);
    imapclient_select_info_free(i);
    imapclient_status_info_free(st);
    imapclient_free(c);
}

static void test_folders__select_read_only(void **state)
{
    imapclient *c = live_login();
    imapclient_select_info *i = NULL;
    OK(imapclient_select_folder(c, "Archive", 1, &i));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    assert_int_equal(i->read_only, 1);
    assert_int_equal(i->read_write, 0);
    assert_int_equal(i->exists, 2);
    assert_int_equal(i->uidvalidity, 1700000002u);
    assert_int_equal(i->permanentflag_count, 0);
    assert_int_equal(c->readonly, 1);
    assert_int_equal(imc_require_writable(c, "add_flags"), IMAPCLIENT_EREADONLY);
    assert_int_equal(
        imapclient_add_flags(c, "1", (const char *const[]){"\\Flagged", NULL}, 1, NULL),
        IMAPCLIENT_EREADONLY);
    OK(imapclient_noop(c, NULL));
    imapclient_select_info_free(i);
    /* read-write again after a SELECT */
    OK(imapclient_select_folder(c, "Archive", 0, &i));
    assert_int_equal(i->read_write, 1);
    assert_int_equal(c->readonly, 0);
    imapclient_select_info_free(i);
    imapclient_free(c);
}

static void test_folders__select_missing(void **state)
{
    imapclient *c = live_login();
    OK(imapclient_select_folder(c, "INBOX", 0, NULL));
    const char *name = uniq(0, "Nope");
    imapclient_select_info *i = (void *)1;
    assert_int_equal(imapclient_select_folder(c, name, 0, &i), IMAPCLIENT_ERROR);
    assert_null(i);
    char want[300];
    snprintf(want, sizeof want, "SELECT %s: NO ", name);
    if (strncmp(imapclient_errmsg(c), want, strlen(want)) != 0)
        fail_msg("errmsg: %s", imapclient_errmsg(c));
    assert_non_null(strstr(imapclient_errmsg(c), "Mailbox doesn't exist"));
    /* RFC 3501 6.3.1: a failed SELECT leaves no folder selected */
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(imapclient_close_folder(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
    OK(imapclient_noop(c, NULL));
    imapclient_free(c);
}

static void test_folders__close_and_unselect(void **state)
{
    imapclient *c = live_login();
    const char *text = NULL;
    assert_int_equal(imapclient_close_folder(c, &text), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_unselect_folder(c, &text), IMAPCLIENT_EILLEGAL_STATE);
    OK(imapclient_select_folder(c, "INBOX", 1, NULL));
    OK(imapclient_close_folder(c, &text));
    assert_non_null(strstr(text, "Close completed"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    OK(imapclient_select_folder(c, "Work", 0, NULL));
    OK(imapclient_unselect_folder(c, &text));
    assert_non_null(strstr(text, "Unselect completed"));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(imapclient_unselect_folder(c, NULL), IMAPCLIENT_EILLEGAL_STATE);
    /* the server agrees nothing is selected */
    imapclient_status_info *st = NULL;
    OK(imapclient_folder_status(c, "Work", NULL, &st));
    imapclient_status_info_free(st);
    imapclient_free(c);
}

static void test_folders__namespace(void **state)
{
    imapclient *c = live_login();
    imapclient_namespace_info *ns = NULL;
    OK(imapclient_namespace(c, &ns));
    assert_int_equal(ns->personal_count, 1);
    assert_string_equal(ns->personal[0].prefix, "");
    assert_string_equal(ns->personal[0].separator, "/");
    assert_null(ns->other);
    assert_null(ns->shared);
    imapclient_namespace_info_free(ns);
    imapclient_free(c);
}

static void test_folders__not_logged_in(void **state)
{
    imapclient_options o;
    live_plain_opts(&o);
    imapclient *c = NULL;
    OK(imapclient_connect(E->host, &o, &c));
    imapclient_folder_list *l = NULL;
    imapclient_namespace_info *ns = NULL;
    assert_int_equal(imapclient_list_folders(c, NULL, NULL, &l),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_create_folder(c, "x", NULL), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_namespace(c, &ns), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_folder_exists(c, "INBOX"), IMAPCLIENT_EILLEGAL_STATE);
    /* the connection is untouched: logging in still works */
    OK(imapclient_login(c, E->user, E->password, NULL));
    assert_int_equal(imapclient_folder_exists(c, "INBOX"), 1);
    imapclient_free(c);
}

int main(void)
{
    E = live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folders__list_sample),
        cmocka_unit_test(test_folders__list_folder_encode_off),
        cmocka_unit_test(test_folders__list_sub_folders),
        cmocka_unit_test(test_folders__subscribe_unsubscribe),
        cmocka_unit_test(test_folders__xlist_not_offered),
        cmocka_unit_test(test_folders__find_special_folders),
        cmocka_unit_test(test_folders__find_special_flag_beats_name),
        cmocka_unit_test(test_folders__exists),
        cmocka_unit_test(test_folders__status_default),
        cmocka_unit_test(test_folders__status_modseq_and_size),
        cmocka_unit_test(test_folders__unicode_tree_round_trip),
        cmocka_unit_test(test_folders__awkward_names_round_trip),
        cmocka_unit_test(test_folders__create_delete_errors),
        cmocka_unit_test(test_folders__select_read_write),
        cmocka_unit_test(test_folders__select_highestmodseq),
        cmocka_unit_test(test_folders__select_read_only),
        cmocka_unit_test(test_folders__select_missing),
        cmocka_unit_test(test_folders__close_and_unselect),
        cmocka_unit_test(test_folders__namespace),
        cmocka_unit_test(test_folders__not_logged_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
