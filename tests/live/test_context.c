/* Live: CONTEXT=SEARCH (RFC 5267) against the private Dovecot 2.3: a
 * search of a folder the test makes, kept up to date with the UPDATE
 * return option while a second session adds messages and changes flags;
 * the updates typed from NOOP, from IDLE and from the non-blocking API's
 * unsolicited callback; CANCELUPDATE ends them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <unistd.h>

#include "live/live.h"

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

static uint32_t append(imapclient *c, const char *folder, const char *subject, int seen)
{
    char msg[128];
    snprintf(msg, sizeof msg, "Subject: %s\r\n\r\nbody\r\n", subject);
    imapclient_append_result *r = NULL;
    check(imapclient_append(c, folder, msg, strlen(msg),
                            seen ? (const char *[]){"\\Seen", NULL} : NULL, NULL, &r),
          c);
    uint32_t uid = r->uids[0];
    imapclient_append_result_free(r);
    return uid;
}

/* The ADDTO and REMOVEFROM ids of the updates for tag in rs, as sets. */
typedef struct changes {
    int updates;
    uint32_t added[16], removed[16];
    size_t nadded, nremoved;
} changes;

static void collect(const imapclient_response *r, const char *tag, changes *ch)
{
    imapclient_context_update *u = NULL;
    assert_int_equal(imapclient_context_update_from_response(r, &u), 0);
    if (!u)
        return;
    assert_string_equal(u->tag, tag);
    assert_true(u->uid);
    ch->updates++;
    for (size_t i = 0; i < u->change_count; i++)
        for (size_t j = 0; j < u->changes[i].count; j++) {
            if (u->changes[i].add && ch->nadded < 16)
                ch->added[ch->nadded++] = u->changes[i].ids[j];
            else if (!u->changes[i].add && ch->nremoved < 16)
                ch->removed[ch->nremoved++] = u->changes[i].ids[j];
        }
    imapclient_context_update_free(u);
}

static void test_context__update_through_noop_and_idle(void **state)
{
    imapclient *c = live_login(), *other = live_login();
    char folder[64];
    snprintf(folder, sizeof folder, "Context-%d", (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);
    uint32_t u1 = append(c, folder, "one", 0), u2 = append(c, folder, "two", 1);
    check(imapclient_select_folder(c, folder, 0, NULL), c);
    imapclient_esearch_result *r = NULL;
    check(imapclient_esearch(c, (const char *[]){"UNSEEN", NULL}, NULL,
                             (const char *[]){"UPDATE", "ALL", "COUNT", NULL}, &r),
          c);
    assert_non_null(r->tag);
    assert_int_equal(r->id_count, 1);
    assert_int_equal(r->ids[0], u1);

    /* another session: a new unseen message, message one read */
    uint32_t u3 = append(other, folder, "three", 0);
    check(imapclient_select_folder(other, folder, 0, NULL), other);
    check(imapclient_add_flags(other, "1", (const char *[]){"\\Seen", NULL}, 1, NULL),
          other);
    (void)u2;
    imapclient_responses *rs = NULL;
    changes ch = {0};
    for (int i = 0; i < 20 && (ch.nadded < 1 || ch.nremoved < 1); i++) {
        check(imapclient_noop(c, &rs), c);
        for (size_t k = 0; k < rs->count; k++)
            collect(&rs->items[k], r->tag, &ch);
        imapclient_responses_free(rs);
        if (ch.nadded < 1 || ch.nremoved < 1)
            usleep(50000);
    }
    assert_int_equal(ch.nadded, 1);
    assert_int_equal(ch.added[0], u3);
    assert_int_equal(ch.nremoved, 1);
    assert_int_equal(ch.removed[0], u1);

    /* during IDLE: message three read elsewhere */
    check(imapclient_idle(c), c);
    check(imapclient_remove_flags(other, "1", (const char *[]){"\\Seen", NULL}, 1, NULL),
          other);
    changes idle = {0};
    for (int i = 0; i < 40 && !idle.updates; i++) {
        check(imapclient_idle_check(c, 250, &rs), c);
        for (size_t k = 0; k < rs->count; k++)
            collect(&rs->items[k], r->tag, &idle);
        imapclient_responses_free(rs);
    }
    check(imapclient_idle_done(c, NULL, &rs), c);
    for (size_t k = 0; k < rs->count; k++)
        collect(&rs->items[k], r->tag, &idle);
    imapclient_responses_free(rs);
    assert_int_equal(idle.nadded, 1);
    assert_int_equal(idle.added[0], u1);

    /* cancelled: no more updates */
    check(imapclient_cancel_update(c, (const char *[]){r->tag, NULL}), c);
    assert_int_equal(imapclient_cancel_update(c, (const char *[]){r->tag, NULL}),
                     IMAPCLIENT_ERROR);
    append(other, folder, "four", 0);
    usleep(100000);
    changes after = {0};
    check(imapclient_noop(c, &rs), c);
    for (size_t k = 0; k < rs->count; k++)
        collect(&rs->items[k], r->tag, &after);
    imapclient_responses_free(rs);
    assert_int_equal(after.updates, 0);

    imapclient_esearch_result_free(r);
    check(imapclient_unselect_folder(c, NULL), c);
    check(imapclient_delete_folder(c, folder, NULL), c);
    imapclient_free(other);
    imapclient_free(c);
}

typedef struct cb_state {
    const char *tag;
    changes ch;
} cb_state;

static void on_unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    (void)c;
    cb_state *s = payload;
    collect(r, s->tag, &s->ch);
}

static void test_context__update_through_the_callback(void **state)
{
    /* the non-blocking API: an IDLE started without waiting; the update
     * arrives through the unsolicited callback */
    imapclient *c = live_login(), *other = live_login();
    char folder[64];
    snprintf(folder, sizeof folder, "ContextAsync-%d", (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);
    check(imapclient_select_folder(c, folder, 0, NULL), c);
    imapclient_esearch_result *r = NULL;
    check(imapclient_esearch(c, (const char *[]){"ALL", NULL}, NULL,
                             (const char *[]){"UPDATE", NULL}, &r),
          c);
    cb_state s = {.tag = r->tag};
    imapclient_set_unsolicited_cb(c, on_unsolicited, &s);
    check(imapclient_start_idle(c, NULL, NULL, NULL), c);
    uint32_t uid = 0;
    for (int i = 0; i < 200 && !s.ch.updates; i++) {
        imapclient_wants w;
        check(imapclient_want(c, &w), c);
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        if (w.events & IMAPCLIENT_WANT_WRITE)
            p.events |= POLLOUT;
        poll(&p, 1, 50);
        check(imapclient_drive(c), c);
        if (i == 5)
            uid = append(other, folder, "new", 0);
    }
    assert_int_equal(s.ch.nadded, 1);
    assert_int_equal(s.ch.added[0], uid);
    check(imapclient_start_idle_done(c, NULL, NULL, NULL), c);
    for (int i = 0; i < 200 && imapclient_pending_commands(c); i++) {
        imapclient_wants w;
        check(imapclient_want(c, &w), c);
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        if (w.events & IMAPCLIENT_WANT_WRITE)
            p.events |= POLLOUT;
        poll(&p, 1, 50);
        check(imapclient_drive(c), c);
    }
    imapclient_completion *d;
    while (imapclient_next_completion(c, &d) == 1) {
        assert_int_equal(d->status, 0);
        imapclient_completion_free(d);
    }
    imapclient_set_unsolicited_cb(c, NULL, NULL);
    imapclient_esearch_result_free(r);
    check(imapclient_unselect_folder(c, NULL), c);
    check(imapclient_delete_folder(c, folder, NULL), c);
    imapclient_free(other);
    imapclient_free(c);
}

int main(void)
{
    live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_context__update_through_noop_and_idle),
        cmocka_unit_test(test_context__update_through_the_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
