/* Live: LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), SPECIAL-USE and
 * CREATE-SPECIAL-USE (RFC 6154), STATUS=SIZE (RFC 8438) and OBJECTID's
 * MAILBOXID (RFC 8474) against the private Dovecot (its sample mail, see
 * tests/live/README.md) and the private Cyrus (CREATE-SPECIAL-USE,
 * OBJECTID, LIST-STATUS); NOTIFY events kept out of a LIST's result
 * (Dovecot, two sessions). Folders the tests create are removed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <unistd.h>

#include "live/live.h"

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

static const imapclient_folder *find(const imapclient_folder_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->folders[i].name, name))
            return &l->folders[i];
    return NULL;
}

/* ---- Dovecot ----------------------------------------------------------------- */

static void test_listext__dovecot_selection_and_return_options(void **state)
{
    imapclient *c = live_login();
    imapclient_folder_list *l = NULL;

    /* every sample folder is subscribed; Work has a subscribed child */
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED |
                                              IMAPCLIENT_LIST_RECURSIVEMATCH,
                                 .returns = IMAPCLIENT_LIST_RETURN_CHILDREN};
    check(imapclient_list_extended(c, NULL, (const char *[]){"%", NULL}, &o, &l), c);
    const imapclient_folder *w = find(l, "Work");
    assert_non_null(w);
    assert_true(imapclient_folder_has_flag(w, "\\Subscribed"));
    assert_true(imapclient_folder_has_flag(w, "\\HasChildren"));
    assert_int_equal(w->childinfo_count, 1);
    assert_string_equal(w->childinfo[0], "SUBSCRIBED");
    assert_non_null(find(l, "INBOX"));
    assert_non_null(find(l, "Donn\xc3\xa9"
                            "es"));
    assert_null(find(l, "Work/Projects")); /* "%" stops at the delimiter */
    imapclient_folder_list_free(l);

    /* the special-use folders only */
    o = (imapclient_list_options){.selection = IMAPCLIENT_LIST_SPECIAL_USE};
    check(imapclient_list_extended(c, NULL, NULL, &o, &l), c);
    static const char *const uses[][2] = {{"Archive", IMAPCLIENT_ARCHIVE},
                                          {"Sent", IMAPCLIENT_SENT},
                                          {"Drafts", IMAPCLIENT_DRAFTS},
                                          {"Trash", IMAPCLIENT_TRASH},
                                          {"Junk", IMAPCLIENT_JUNK}};
    assert_int_equal(l->count, 5);
    for (size_t i = 0; i < 5; i++) {
        const imapclient_folder *f = find(l, uses[i][0]);
        assert_non_null(f);
        assert_true(imapclient_folder_has_flag(f, uses[i][1]));
    }
    imapclient_folder_list_free(l);

    /* several patterns; the special-use and subscribed return options */
    o = (imapclient_list_options){.returns = IMAPCLIENT_LIST_RETURN_SPECIAL_USE |
                                             IMAPCLIENT_LIST_RETURN_SUBSCRIBED};
    check(imapclient_list_extended(
              c, "", (const char *[]){"INBOX", "Work/%", "Sent", NULL}, &o, &l),
          c);
    assert_int_equal(l->count, 3);
    assert_non_null(find(l, "Work/Projects"));
    const imapclient_folder *s = find(l, "Sent");
    assert_true(imapclient_folder_has_flag(s, IMAPCLIENT_SENT));
    assert_true(imapclient_folder_has_flag(s, "\\Subscribed"));
    imapclient_folder_list_free(l);

    char *name = NULL;
    check(imapclient_find_special_folder(c, IMAPCLIENT_JUNK, &name), c);
    assert_string_equal(name, "Junk");
    free(name);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

static void test_listext__dovecot_list_status(void **state)
{
    const live_env *E = live_require();
    imapclient *c = live_login();
    imapclient_folder_list *l = NULL;
    const char *const items[] = {"MESSAGES", "UIDVALIDITY", "UNSEEN", "SIZE", NULL};
    check(imapclient_list_status(c, NULL, "*", items, &l), c);
    const imapclient_folder *inbox = find(l, "INBOX"), *arch = find(l, "Archive");
    assert_non_null(inbox);
    assert_non_null(inbox->status);
    assert_int_equal(inbox->status->messages, E->inbox_count);
    assert_int_equal(inbox->status->uidvalidity, 1700000001u);
    assert_int_equal(inbox->status->unseen, 4);
    assert_true(inbox->status->has_size);
    assert_int_equal(arch->status->messages, 2);
    /* each folder's status is STATUS's */
    for (size_t i = 0; i < l->count; i++) {
        const imapclient_folder *f = &l->folders[i];
        assert_non_null(f->status);
        imapclient_status_info *st = NULL;
        check(imapclient_folder_status(c, f->name, items, &st), c);
        assert_int_equal(st->messages, f->status->messages);
        assert_int_equal(st->size, f->status->size);
        assert_int_equal(st->uidvalidity, f->status->uidvalidity);
        imapclient_status_info_free(st);
    }
    imapclient_folder_list_free(l);

    /* STATUS=SIZE is the sum of the message sizes */
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "1:*", (const char *[]){"RFC822.SIZE", NULL}, NULL, &r), c);
    uint64_t sum = 0;
    for (size_t i = 0; i < r->count; i++)
        sum += r->msgs[i].size;
    imapclient_fetch_result_free(r);
    check(imapclient_list_status(c, NULL, "INBOX", (const char *[]){"SIZE", NULL}, &l),
          c);
    assert_int_equal(l->count, 1);
    assert_int_equal(l->folders[0].status->size, sum);
    imapclient_folder_list_free(l);
    /* not offered: refused before sending */
    assert_int_equal(
        imapclient_folder_status(c, "INBOX", (const char *[]){"MAILBOXID", NULL}, NULL),
        IMAPCLIENT_ECAPABILITY);
    assert_int_equal(
        imapclient_folder_status(c, "INBOX", (const char *[]){"DELETED", NULL}, NULL),
        IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_create_folder_ex(
                         c, "NotMade", (const char *[]){IMAPCLIENT_SENT, NULL}, NULL),
                     IMAPCLIENT_ECAPABILITY);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_listext__dovecot_notify_events_not_in_list(void **state)
{
    /* session a watches folder names; b creates a folder while a lists:
     * whenever the event comes, it is never in the LIST's result, and it
     * reaches a's noop() */
    imapclient *a = live_login(), *b = live_login();
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MAILBOX_NAME};
    check(imapclient_notify_set(a, &g, 1, 0), a);
    char name[64];
    snprintf(name, sizeof name, "Zz-notify-%d", (int)getpid());
    check(imapclient_create_folder(b, name, NULL), b);
    int seen = 0;
    for (long long end = now_ms() + 5000; now_ms() < end && !seen;) {
        imapclient_folder_list *l = NULL;
        check(imapclient_list_folders(a, "", "Work*", &l), a);
        assert_null(find(l, name));
        assert_int_equal(l->count, 2);
        imapclient_folder_list_free(l);
        imapclient_responses *r = NULL;
        check(imapclient_noop(a, &r), a);
        for (size_t i = 0; i < r->count; i++) {
            imapclient_notify_event *e = NULL;
            check(imapclient_notify_event_from_response(a, &r->items[i], &e), a);
            if (e && e->kind == IMAPCLIENT_NOTIFY_MAILBOX && !strcmp(e->mailbox, name))
                seen = 1;
            imapclient_notify_event_free(e);
        }
        imapclient_responses_free(r);
    }
    assert_true(seen);
    check(imapclient_notify_none(a), a);
    check(imapclient_delete_folder(b, name, NULL), b);
    imapclient_free(a);
    imapclient_free(b);
}

/* ---- Cyrus --------------------------------------------------------------------- */

static void test_listext__cyrus_create_special_use_and_mailboxid(void **state)
{
    const live_env *E = live_cyrus_require();
    imapclient *c = live_login_to(E);
    char name[64];
    snprintf(name, sizeof name, "MyDrafts-%d", (int)getpid());
    imapclient_create_result *cr = NULL;
    check(imapclient_create_folder_ex(c, name, (const char *[]){IMAPCLIENT_DRAFTS, NULL},
                                      &cr),
          c);
    assert_non_null(cr->mailboxid);
    char id[256];
    snprintf(id, sizeof id, "%s", cr->mailboxid);
    imapclient_create_result_free(cr);

    /* listed with its use; found as the drafts folder */
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SPECIAL_USE,
                                 .status_items = (const char *[]){"MAILBOXID", NULL}};
    imapclient_folder_list *l = NULL;
    check(imapclient_list_extended(c, NULL, NULL, &o, &l), c);
    const imapclient_folder *f = find(l, name);
    assert_non_null(f);
    assert_true(imapclient_folder_has_flag(f, IMAPCLIENT_DRAFTS));
    assert_non_null(f->status);
    assert_string_equal(f->status->mailboxid, id);
    imapclient_folder_list_free(l);
    char *special = NULL;
    check(imapclient_find_special_folder(c, IMAPCLIENT_DRAFTS, &special), c);
    assert_string_equal(special, name);
    free(special);

    /* the same id in STATUS (MAILBOXID alone: Cyrus 3.6.1 sends garbage
     * bytes for it next to other items) and in SELECT */
    imapclient_status_info *st = NULL;
    check(imapclient_folder_status(c, name, (const char *[]){"MAILBOXID", NULL}, &st), c);
    assert_string_equal(st->mailboxid, id);
    imapclient_status_info_free(st);
    imapclient_select_info *si = NULL;
    check(imapclient_select_folder(c, name, 0, &si), c);
    assert_string_equal(si->mailboxid, id);
    imapclient_select_info_free(si);
    check(imapclient_unselect_folder(c, NULL), c);

    /* uses Cyrus refuses: NO [USEATTR] (a second \Drafts, an unknown use) */
    char other[64];
    snprintf(other, sizeof other, "Other-%d", (int)getpid());
    assert_int_equal(imapclient_create_folder_ex(
                         c, other, (const char *[]){IMAPCLIENT_DRAFTS, NULL}, NULL),
                     IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "USEATTR"));
    assert_int_equal(imapclient_create_folder_ex(
                         c, other, (const char *[]){"\\NoSuchUse", NULL}, NULL),
                     IMAPCLIENT_ERROR);
    assert_int_equal(imapclient_folder_exists(c, other), 0);

    /* Cyrus protects special-use folders from DELETE: the use goes first */
    imapclient_metadata_entry e = {"/private/specialuse", NULL, 0};
    check(imapclient_set_metadata(c, name, &e, 1, NULL), c);
    check(imapclient_delete_folder(c, name, NULL), c);
    imapclient_free(c);
}

static void test_listext__cyrus_list_status(void **state)
{
    const live_env *E = live_cyrus_require();
    imapclient *c = live_login_to(E);
    char name[64];
    snprintf(name, sizeof name, "Status-%d", (int)getpid());
    check(imapclient_create_folder(c, name, NULL), c);
    static const char msg[] = "Subject: x\r\n\r\nhello\r\n";
    check(imapclient_append(c, name, msg, sizeof msg - 1, NULL, NULL, NULL), c);
    check(imapclient_append(c, name, msg, sizeof msg - 1, NULL, NULL, NULL), c);
    imapclient_folder_list *l = NULL;
    check(imapclient_list_status(
              c, NULL, name, (const char *[]){"MESSAGES", "SIZE", "UIDNEXT", NULL}, &l),
          c);
    assert_int_equal(l->count, 1);
    assert_non_null(l->folders[0].status);
    assert_int_equal(l->folders[0].status->messages, 2);
    assert_int_equal(l->folders[0].status->size, 2 * (sizeof msg - 1));
    assert_int_equal(l->folders[0].status->uidnext, 3);
    imapclient_folder_list_free(l);
    check(imapclient_delete_folder(c, name, NULL), c);
    imapclient_free(c);
}

static void test_listext__cyrus_xlist(void **state)
{
    /* Gmail's XLIST, which Cyrus still offers: INBOX flagged \Inbox */
    const live_env *E = live_cyrus_require();
    imapclient *c = live_login_to(E);
    imapclient_folder_list *l = NULL;
    check(imapclient_xlist_folders(c, NULL, NULL, &l), c);
    const imapclient_folder *inbox = find(l, "INBOX");
    assert_non_null(inbox);
    assert_true(imapclient_folder_has_flag(inbox, "\\Inbox"));
    imapclient_folder_list_free(l);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listext__dovecot_selection_and_return_options),
        cmocka_unit_test(test_listext__dovecot_list_status),
        cmocka_unit_test(test_listext__dovecot_notify_events_not_in_list),
        cmocka_unit_test(test_listext__cyrus_create_special_use_and_mailboxid),
        cmocka_unit_test(test_listext__cyrus_list_status),
        cmocka_unit_test(test_listext__cyrus_xlist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
