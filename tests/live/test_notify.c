/* Live: NOTIFY (RFC 5465) against the private Dovecot (Cyrus 3.6 does not
 * offer it). Two connections as the same user: the first asks for
 * notifications, the second creates, appends, flags, renames and
 * subscribes; the first sees typed events through noop() and
 * idle_check(). Everything happens in folders the test creates and
 * removes, so the sample mail stays as it was. */
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

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The events seen so far. */
typedef struct seen {
    imapclient_notify_event *e[256];
    size_t n;
} seen;

static void seen_free(seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        imapclient_notify_event_free(s->e[i]);
    s->n = 0;
}

static void add_events(imapclient *c, const imapclient_responses *r, seen *s)
{
    for (size_t i = 0; i < r->count; i++) {
        imapclient_notify_event *e = NULL;
        check(imapclient_notify_event_from_response(c, &r->items[i], &e), c);
        if (e && s->n < sizeof s->e / sizeof s->e[0])
            s->e[s->n++] = e;
        else
            imapclient_notify_event_free(e);
    }
}

typedef int (*pred_fn)(const imapclient_notify_event *e, const void *arg);

static const imapclient_notify_event *find(const seen *s, pred_fn p, const void *arg)
{
    for (size_t i = 0; i < s->n; i++)
        if (p(s->e[i], arg))
            return s->e[i];
    return NULL;
}

/* NOOP until an event matching p arrives (Dovecot reports changes of other
 * sessions at its next chance), at most 10 s. */
static const imapclient_notify_event *wait_noop(imapclient *c, seen *s, pred_fn p,
                                                const void *arg)
{
    long long until = now_ms() + 10000;
    for (;;) {
        const imapclient_notify_event *e = find(s, p, arg);
        if (e)
            return e;
        if (now_ms() > until)
            fail_msg("no such event after 10 s (%zu others)", s->n);
        imapclient_responses *r = NULL;
        check(imapclient_noop(c, &r), c);
        add_events(c, r, s);
        imapclient_responses_free(r);
        if (!find(s, p, arg))
            usleep(100 * 1000);
    }
}

static int is_status_of(const imapclient_notify_event *e, const void *arg)
{
    return e->kind == IMAPCLIENT_NOTIFY_STATUS && !strcmp(e->mailbox, arg) &&
           (e->status_items & IMAPCLIENT_NOTIFY_HAS_MESSAGES) && e->messages == 1;
}

static int is_created(const imapclient_notify_event *e, const void *arg)
{
    return e->kind == IMAPCLIENT_NOTIFY_MAILBOX && !strcmp(e->mailbox, arg) &&
           !e->nonexistent;
}

static int is_renamed(const imapclient_notify_event *e, const void *arg)
{
    return e->kind == IMAPCLIENT_NOTIFY_MAILBOX && e->old_mailbox &&
           !strcmp(e->old_mailbox, arg);
}

static int is_deleted(const imapclient_notify_event *e, const void *arg)
{
    return e->kind == IMAPCLIENT_NOTIFY_MAILBOX && !strcmp(e->mailbox, arg) &&
           e->nonexistent;
}

static int is_subscribed(const imapclient_notify_event *e, const void *arg)
{
    return e->kind == IMAPCLIENT_NOTIFY_MAILBOX && !strcmp(e->mailbox, arg) &&
           e->subscribed;
}

static int is_exists(const imapclient_notify_event *e, const void *arg)
{
    return e->kind == IMAPCLIENT_NOTIFY_EXISTS && e->number == *(const uint32_t *)arg;
}

static int is_new_fetch(const imapclient_notify_event *e, const void *arg)
{
    return e->kind == IMAPCLIENT_NOTIFY_FETCH && e->has_uid && e->has_flags &&
           e->uid == *(const uint32_t *)arg;
}

static int is_flagged(const imapclient_notify_event *e, const void *arg)
{
    if (e->kind != IMAPCLIENT_NOTIFY_FETCH || !e->has_flags)
        return 0;
    for (size_t i = 0; i < e->flag_count; i++)
        if (!strcmp(e->flags[i], "\\Flagged"))
            return 1;
    return 0;
}

static int is_expunge(const imapclient_notify_event *e, const void *arg)
{
    return e->kind == IMAPCLIENT_NOTIFY_EXPUNGE ||
           (e->kind == IMAPCLIENT_NOTIFY_VANISHED && !e->earlier);
}

static void test_notify__two_sessions(void **state)
{
    const live_env *E = live_require();
    char watched[64], other[64], created[64], renamed[64];
    int pid = (int)getpid();
    snprintf(watched, sizeof watched, "NotifySel-%d", pid);
    snprintf(other, sizeof other, "Notify\xc3\xa9-%d", pid); /* non-ASCII name */
    snprintf(created, sizeof created, "NotifyNew-%d", pid);
    snprintf(renamed, sizeof renamed, "NotifyRen-%d", pid);

    imapclient *a = live_login_to(E), *b = live_login_to(E);
    check(imapclient_create_folder(b, watched, NULL), b);
    check(imapclient_create_folder(b, other, NULL), b);

    /* a watches its selected folder (new messages with UID and FLAGS) and
     * every personal folder */
    check(imapclient_select_folder(a, watched, 0, NULL), a);
    imapclient_notify_group g[2] = {
        {.filter = IMAPCLIENT_NOTIFY_SELECTED,
         .events = IMAPCLIENT_EVENT_MESSAGES,
         .fetch_attrs = (const char *[]){"UID", "FLAGS", NULL}},
        {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
         .events = IMAPCLIENT_EVENT_MESSAGE_NEW | IMAPCLIENT_EVENT_MESSAGE_EXPUNGE |
                   IMAPCLIENT_EVENT_MAILBOX_NAME | IMAPCLIENT_EVENT_SUBSCRIPTION_CHANGE},
    };
    check(imapclient_notify_set(a, g, 2, 0), a);
    seen s = {0};

    /* a message in another folder: a STATUS of it, name decoded */
    static const char msg[] = "Subject: notify\r\n\r\nhello\r\n";
    check(imapclient_append(b, other, msg, sizeof msg - 1, NULL, NULL, NULL), b);
    wait_noop(a, &s, is_status_of, other);

    /* folders created, renamed, subscribed, deleted: LIST events */
    check(imapclient_create_folder(b, created, NULL), b);
    wait_noop(a, &s, is_created, created);
    check(imapclient_rename_folder(b, created, renamed, NULL), b);
    wait_noop(a, &s, is_renamed, created);
    check(imapclient_subscribe_folder(b, renamed, NULL), b);
    wait_noop(a, &s, is_subscribed, renamed);
    check(imapclient_unsubscribe_folder(b, renamed, NULL), b);
    check(imapclient_delete_folder(b, renamed, NULL), b);
    wait_noop(a, &s, is_deleted, renamed);

    /* the selected folder: EXISTS, then the new message's UID and FLAGS */
    imapclient_append_result *ar = NULL;
    check(imapclient_append(b, watched, msg, sizeof msg - 1, NULL, NULL, &ar), b);
    assert_true(ar->has_appenduid);
    uint32_t uid = ar->uids[0], one = 1;
    imapclient_append_result_free(ar);
    wait_noop(a, &s, is_exists, &one);
    wait_noop(a, &s, is_new_fetch, &uid);

    /* a flag set by b, then the message expunged by b */
    check(imapclient_select_folder(b, watched, 0, NULL), b);
    check(imapclient_add_flags(b, "1:*", (const char *[]){"\\Flagged", NULL}, 1, NULL),
          b);
    wait_noop(a, &s, is_flagged, NULL);
    check(imapclient_delete_messages(b, "1:*", 1, NULL), b);
    check(imapclient_expunge(b, NULL, NULL), b);
    wait_noop(a, &s, is_expunge, NULL);
    seen_free(&s);

    /* NOTIFY NONE: no more events for other folders */
    check(imapclient_notify_none(a), a);
    check(imapclient_append(b, other, msg, sizeof msg - 1, NULL, NULL, NULL), b);
    check(imapclient_noop(b, NULL), b);
    usleep(300 * 1000);
    imapclient_responses *r = NULL;
    check(imapclient_noop(a, &r), a);
    add_events(a, r, &s);
    imapclient_responses_free(r);
    for (size_t i = 0; i < s.n; i++)
        assert_int_not_equal(s.e[i]->kind, IMAPCLIENT_NOTIFY_STATUS);
    seen_free(&s);

    check(imapclient_close_folder(a, NULL), a);
    check(imapclient_unselect_folder(b, NULL), b);
    check(imapclient_delete_folder(b, watched, NULL), b);
    check(imapclient_delete_folder(b, other, NULL), b);
    imapclient_free(a);
    imapclient_free(b);
}

static void test_notify__events_during_idle(void **state)
{
    /* RFC 5465 section 4: with NOTIFY, IDLE reports other folders too */
    const live_env *E = live_require();
    char folder[64];
    snprintf(folder, sizeof folder, "NotifyIdle-%d", (int)getpid());
    imapclient *a = live_login_to(E), *b = live_login_to(E);
    check(imapclient_create_folder(b, folder, NULL), b);
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_MAILBOXES,
                                 .mailboxes = (const char *[]){folder, NULL},
                                 .events = IMAPCLIENT_EVENT_MESSAGE_NEW |
                                           IMAPCLIENT_EVENT_MESSAGE_EXPUNGE};
    check(imapclient_notify_set(a, &g, 1, 1), a);
    /* STATUS (the status indicator) arrives first: the folder is empty */
    seen s = {0};
    imapclient_responses *r = NULL;
    check(imapclient_noop(a, &r), a);
    add_events(a, r, &s);
    imapclient_responses_free(r);
    seen_free(&s);

    check(imapclient_idle(a), a);
    static const char msg[] = "Subject: idle\r\n\r\nhi\r\n";
    check(imapclient_append(b, folder, msg, sizeof msg - 1, NULL, NULL, NULL), b);
    long long until = now_ms() + 10000;
    while (!find(&s, is_status_of, folder) && now_ms() < until) {
        check(imapclient_idle_check(a, 2000, &r), a);
        add_events(a, r, &s);
        imapclient_responses_free(r);
    }
    assert_non_null(find(&s, is_status_of, folder));
    seen_free(&s);
    check(imapclient_idle_done(a, NULL, NULL), a);
    check(imapclient_notify_none(a), a);
    check(imapclient_delete_folder(b, folder, NULL), b);
    imapclient_free(a);
    imapclient_free(b);
}

static void test_notify__unsupported_event_refused(void **state)
{
    /* Dovecot 2.3 cannot report metadata changes: NO [BADEVENT ...], and
     * the connection goes on */
    imapclient *c = live_login();
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MAILBOX_METADATA_CHANGE};
    assert_int_equal(imapclient_notify_set(c, &g, 1, 0), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "[BADEVENT"));
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

static void test_notify__cyrus_lacks_notify(void **state)
{
    /* Cyrus 3.6 does not offer NOTIFY: refused before sending */
    imapclient *c = live_login_to(live_cyrus_require());
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MAILBOX_NAME};
    assert_int_equal(imapclient_notify_set(c, &g, 1, 0), IMAPCLIENT_ECAPABILITY);
    check(imapclient_noop(c, NULL), c);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notify__two_sessions),
        cmocka_unit_test(test_notify__events_during_idle),
        cmocka_unit_test(test_notify__unsupported_event_refused),
        cmocka_unit_test(test_notify__cyrus_lacks_notify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
