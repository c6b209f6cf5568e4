/* The non-blocking forms of the extension calls on canned server bytes:
 * SORT and THREAD pipelined, STATUS commands in flight together (each
 * takes the reply naming its folder), UNSELECT/CLOSE and the state they
 * leave, ENABLE and what it switches on for later commands, GETMETADATA
 * and SETMETADATA (values copied at the start), NOTIFY SET with its
 * events through the unsolicited callback, and the checks each makes
 * when it is about to go out (nothing sent when they fail). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

static imapclient *play(const char *script)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    if (rc)
        fail_msg("connect: %d %s", rc, imapclient_errmsg(c));
    return c;
}

static void done(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent so far:\n%s",
                 imapclient_script_sent(c));
    imapclient_free(c);
}

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

/* One completion, kept (the result taken). */
typedef struct got {
    int n;
    imapclient_op op;
    int status;
    char err[256];
    void *result;
} got;

static void keep(imapclient *c, imapclient_completion *d)
{
    got *g = d->user;
    g->n++;
    g->op = d->op;
    g->status = d->status;
    snprintf(g->err, sizeof g->err, "%s", d->errmsg);
    g->result = d->result;
    d->result = NULL;
}

static void run(imapclient *c)
{
    for (int i = 0; i < 1000 && imapclient_pending_commands(c); i++)
        if (imapclient_drive(c) < 0)
            fail_msg("drive: %s; sent so far:\n%s", imapclient_errmsg(c),
                     imapclient_script_sent(c));
    assert_int_equal(imapclient_pending_commands(c), 0);
}

#define CAPS  "IMAP4rev1 LITERAL+ SORT THREAD=REFERENCES UNSELECT ENABLE UTF8=ACCEPT"
#define GREET "S: * PREAUTH [CAPABILITY " CAPS "] ready\n"
#define SELECTED                                                                         \
    GREET "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK [READ-WRITE] done\n"

static imapclient *selected(const char *rest)
{
    size_t n = strlen(SELECTED) + strlen(rest) + 1;
    char *script = malloc(n);
    snprintf(script, n, "%s%s", SELECTED, rest);
    imapclient *c = play(script);
    free(script);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    return c;
}

static void test_async_ext__sort_and_thread_pipelined(void **state)
{
    /* UID SORT and UID THREAD share the wire: both go out before either
     * answer, which come in the other order */
    imapclient *c = selected("C: A002 UID SORT (REVERSE DATE) UTF-8 ALL\n"
                             "C: A003 UID THREAD REFERENCES UTF-8 ALL\n"
                             "S: * THREAD (1 2)(3)\n"
                             "S: A003 OK thread done\n"
                             "S: * SORT 3 1 2\n"
                             "S: A002 OK sort done\n");
    got s = {0}, t = {0};
    check(imapclient_start_sort(c, (const char *[]){"reverse date", NULL}, NULL, NULL,
                                keep, &s, NULL),
          c);
    check(imapclient_start_thread(c, NULL, NULL, NULL, keep, &t, NULL), c);
    run(c);
    assert_int_equal(s.op, IMAPCLIENT_OP_SORT);
    assert_int_equal(s.status, 0);
    imapclient_ids *ids = s.result;
    assert_int_equal(ids->count, 3);
    assert_int_equal(ids->ids[0], 3);
    assert_int_equal(ids->ids[2], 2);
    imapclient_ids_free(ids);
    assert_int_equal(t.op, IMAPCLIENT_OP_THREAD);
    imapclient_threads *th = t.result;
    assert_int_equal(th->count, 2);
    assert_int_equal(th->threads[0].count, 2);
    assert_int_equal(th->threads[1].items[0].id, 3);
    imapclient_threads_free(th);
    done(c);
}

static void test_async_ext__sort_thread_checks(void **state)
{
    /* bad arguments fail at the start; a missing capability when the
     * command is about to go out, with nothing sent */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n"
                         "C: A001 SELECT INBOX\nS: A001 OK [READ-WRITE] done\n");
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    assert_int_equal(imapclient_start_sort(c, NULL, NULL, NULL, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_start_sort(c, (const char *[]){"DATE)", NULL}, NULL, NULL,
                                           NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_start_thread(c, "REF S", NULL, NULL, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    got s = {0}, t = {0};
    check(imapclient_start_sort(c, (const char *[]){"DATE", NULL}, NULL, NULL, keep, &s,
                                NULL),
          c);
    check(imapclient_start_thread(c, "ORDEREDSUBJECT", NULL, NULL, keep, &t, NULL), c);
    run(c);
    assert_int_equal(s.status, IMAPCLIENT_ECAPABILITY);
    assert_int_equal(t.status, IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(t.err, "THREAD=ORDEREDSUBJECT"));
    assert_null(s.result);
    done(c);
}

static void test_async_ext__status_in_flight_together(void **state)
{
    /* two STATUS commands out at once; the replies come in the other
     * order and each command takes the one naming its folder */
    imapclient *c = play(GREET "C: A001 STATUS INBOX (MESSAGES UIDNEXT)\n"
                               "C: A002 STATUS \"Sent Items\" (MESSAGES)\n"
                               "S: * STATUS \"Sent Items\" (MESSAGES 7)\n"
                               "S: * STATUS INBOX (MESSAGES 3 UIDNEXT 9)\n"
                               "S: A001 OK done\n"
                               "S: A002 OK done\n");
    got a = {0}, b = {0};
    const char *items[] = {"MESSAGES", "UIDNEXT", NULL};
    check(imapclient_start_folder_status(c, "INBOX", items, keep, &a, NULL), c);
    items[1] = NULL; /* copied at the start */
    check(imapclient_start_folder_status(c, "Sent Items", items, keep, &b, NULL), c);
    run(c);
    imapclient_status_info *sa = a.result, *sb = b.result;
    assert_int_equal(a.op, IMAPCLIENT_OP_STATUS);
    assert_int_equal(sa->messages, 3);
    assert_int_equal(sa->uidnext, 9);
    assert_int_equal(sb->messages, 7);
    assert_false(sb->has_uidnext);
    imapclient_status_info_free(sa);
    imapclient_status_info_free(sb);
    done(c);
}

static void test_async_ext__status_checks(void **state)
{
    /* SIZE needs STATUS=SIZE (checked when it goes out, the capabilities
     * asked first, under the next tag: the tags were taken at the start);
     * a reply for another folder only is EPROTOCOL */
    imapclient *c = play("S: * OK ready\n"
                         "C: A001 LOGIN u p\n"
                         "S: A001 OK done\n"
                         "C: A004 CAPABILITY\n"
                         "S: * CAPABILITY IMAP4rev1\n"
                         "S: A004 OK done\n"
                         "C: A003 STATUS INBOX (MESSAGES)\n"
                         "S: * STATUS Other (MESSAGES 1)\n"
                         "S: A003 OK done\n");
    assert_int_equal(imapclient_start_folder_status(c, "INBOX", (const char *[]){NULL},
                                                    NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_start_folder_status(c, "INBOX",
                                                    (const char *[]){"MESSAGES)", NULL},
                                                    NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    got l = {0}, s = {0}, m = {0};
    check(imapclient_start_login(c, "u", "p", keep, &l, NULL), c);
    check(imapclient_start_folder_status(c, "INBOX", (const char *[]){"SIZE", NULL}, keep,
                                         &s, NULL),
          c);
    check(imapclient_start_folder_status(c, "INBOX", (const char *[]){"MESSAGES", NULL},
                                         keep, &m, NULL),
          c);
    run(c);
    assert_int_equal(l.status, 0);
    assert_int_equal(s.status, IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(s.err, "STATUS=SIZE"));
    assert_int_equal(m.status, IMAPCLIENT_EPROTOCOL);
    assert_null(m.result);
    done(c);
}

static void test_async_ext__unselect_and_close(void **state)
{
    /* UNSELECT leaves the folder: a CLOSE queued behind it fails when it
     * is about to go out (no folder selected), unsent (its tag A003 unused) */
    imapclient *c = selected("C: A002 UNSELECT\n"
                             "S: A002 OK unselected\n"
                             "C: A004 SELECT INBOX\n"
                             "S: A004 OK [READ-WRITE] done\n"
                             "C: A005 CLOSE\n"
                             "S: A005 OK closed\n");
    got u = {0}, cl = {0}, sel = {0}, cl2 = {0};
    check(imapclient_start_unselect_folder(c, keep, &u, NULL), c);
    check(imapclient_start_close_folder(c, keep, &cl, NULL), c);
    run(c);
    assert_int_equal(u.op, IMAPCLIENT_OP_UNSELECT);
    assert_int_equal(u.status, 0);
    assert_int_equal(cl.status, IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    check(imapclient_start_select_folder(c, "INBOX", 0, keep, &sel, NULL), c);
    check(imapclient_start_close_folder(c, keep, &cl2, NULL), c);
    run(c);
    imapclient_select_info_free(sel.result);
    assert_int_equal(cl2.status, 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    done(c);

    /* without UNSELECT: refused before it goes out */
    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n"
             "C: A001 SELECT INBOX\nS: A001 OK [READ-WRITE] done\n");
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    check(imapclient_start_unselect_folder(c, keep, &u, NULL), c);
    run(c);
    assert_int_equal(u.status, IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    done(c);
}

static void test_async_ext__enable_then_utf8_names(void **state)
{
    /* ENABLE UTF8=ACCEPT: once it completed, folder names go as UTF-8 */
    imapclient *c = play(GREET "C: A001 ENABLE UTF8=ACCEPT\n"
                               "S: * ENABLED UTF8=ACCEPT\n"
                               "S: A001 OK enabled\n"
                               "C: A002 STATUS \"Gr\xc3\xbc\xc3\x9f"
                               "e\" (MESSAGES)\n"
                               "S: * STATUS \"Gr\xc3\xbc\xc3\x9f"
                               "e\" (MESSAGES 2)\n"
                               "S: A002 OK done\n");
    assert_int_equal(imapclient_start_enable(c, NULL, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_start_enable(c, (const char *[]){"A B", NULL}, NULL, NULL, NULL),
        IMAPCLIENT_EINVAL);
    got e = {0}, s = {0};
    check(
        imapclient_start_enable(c, (const char *[]){"UTF8=ACCEPT", NULL}, keep, &e, NULL),
        c);
    run(c);
    assert_int_equal(e.op, IMAPCLIENT_OP_ENABLE);
    imapclient_enabled *en = e.result;
    assert_int_equal(en->count, 1);
    assert_string_equal(en->items[0], "UTF8=ACCEPT");
    imapclient_enabled_free(en);
    assert_int_equal(imapclient_is_utf8(c), 1);
    check(imapclient_start_folder_status(c,
                                         "Gr\xc3\xbc\xc3\x9f"
                                         "e",
                                         (const char *[]){"MESSAGES", NULL}, keep, &s,
                                         NULL),
          c);
    run(c);
    imapclient_status_info *st = s.result;
    assert_int_equal(st->messages, 2);
    assert_string_equal(st->folder, "Gr\xc3\xbc\xc3\x9f"
                                    "e");
    imapclient_status_info_free(st);
    done(c);
}

static void test_async_ext__enable_checks(void **state)
{
    /* ENABLE is for the authenticated state only (RFC 5161 3.1) */
    imapclient *c = selected("");
    got e = {0};
    check(imapclient_start_enable(c, (const char *[]){"CONDSTORE", NULL}, keep, &e, NULL),
          c);
    run(c);
    assert_int_equal(e.status, IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

static void test_async_ext__metadata(void **state)
{
    /* SETMETADATA (the value copied at the start; NIL removes) then
     * GETMETADATA with MAXSIZE and DEPTH, in order */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 METADATA] ready\n"
                         "C: A001 SETMETADATA INBOX (/private/comment \"my note\" "
                         "/private/old NIL)\n"
                         "S: A001 OK set\n"
                         "C: A002 GETMETADATA (MAXSIZE 1024 DEPTH 1) INBOX /private\n"
                         "S: * METADATA INBOX (/private/comment \"my note\")\n"
                         "S: A002 OK [METADATA LONGENTRIES 2000] done\n");
    char value[] = "my note";
    imapclient_metadata_entry e[] = {
        {.name = "/private/comment", .value = value, .len = 7}, {.name = "/private/old"}};
    got s = {0}, g = {0};
    check(imapclient_start_set_metadata(c, "INBOX", e, 2, keep, &s, NULL), c);
    memset(value, 'X', 7);
    check(imapclient_start_get_metadata(c, "INBOX", (const char *[]){"/private", NULL},
                                        1024, 1, keep, &g, NULL),
          c);
    run(c);
    assert_int_equal(s.op, IMAPCLIENT_OP_METADATA);
    assert_int_equal(s.status, 0);
    assert_null(s.result);
    imapclient_metadata *m = g.result;
    assert_string_equal(m->mailbox, "INBOX");
    const imapclient_metadata_entry *x = imapclient_metadata_get(m, "/private/comment");
    assert_non_null(x);
    assert_memory_equal(x->value, "my note", 7);
    assert_true(m->has_longentries);
    assert_int_equal(m->longentries, 2000);
    imapclient_metadata_free(m);
    done(c);
}

static void test_async_ext__metadata_checks(void **state)
{
    /* METADATA-SERVER alone: server entries ("") go, a mailbox's do not */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 METADATA-SERVER] ready\n"
                         "C: A001 GETMETADATA \"\" /shared/admin\n"
                         "S: * METADATA \"\" (/shared/admin \"mailto:a@example.org\")\n"
                         "S: A001 OK done\n");
    assert_int_equal(imapclient_start_get_metadata(
                         c, NULL, (const char *[]){"a//b", NULL}, 0, 0, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_start_get_metadata(c, NULL, (const char *[]){"/x", NULL},
                                                   0, 7, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_start_set_metadata(c, NULL, NULL, 0, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    got g = {0}, bad = {0};
    check(imapclient_start_get_metadata(c, NULL, (const char *[]){"/shared/admin", NULL},
                                        0, 0, keep, &g, NULL),
          c);
    imapclient_metadata_entry e = {.name = "/private/x", .value = "v", .len = 1};
    check(imapclient_start_set_metadata(c, "INBOX", &e, 1, keep, &bad, NULL), c);
    run(c);
    imapclient_metadata *m = g.result;
    assert_string_equal(imapclient_metadata_get(m, "/shared/admin")->value,
                        "mailto:a@example.org");
    imapclient_metadata_free(m);
    assert_int_equal(bad.status, IMAPCLIENT_ECAPABILITY);
    done(c);
}

typedef struct events {
    int n;
    imapclient_notify_kind kind;
    char mailbox[32];
    uint64_t messages;
} events;

static void on_unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    events *ev = payload;
    imapclient_notify_event *e = NULL;
    if (imapclient_notify_event_from_response(c, r, &e) != 0)
        return;
    ev->n++;
    ev->kind = e->kind;
    snprintf(ev->mailbox, sizeof ev->mailbox, "%s", e->mailbox ? e->mailbox : "");
    ev->messages = e->messages;
    imapclient_notify_event_free(e);
}

static void test_async_ext__notify_events_through_the_callback(void **state)
{
    /* NOTIFY SET, then a STATUS event while a NOOP runs: typed through
     * the unsolicited callback; NOTIFY NONE after */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 NOTIFY] ready\n"
                         "C: A001 NOTIFY SET (subtree Lists (MessageNew))\n"
                         "S: A001 OK notifying\n"
                         "C: A002 NOOP\n"
                         "S: * STATUS Lists/IMAP (MESSAGES 8 UIDNEXT 10)\n"
                         "S: A002 OK done\n"
                         "C: A003 NOTIFY NONE\n"
                         "S: A003 OK done\n");
    events ev = {0};
    imapclient_set_unsolicited_cb(c, on_unsolicited, &ev);
    imapclient_notify_group grp = {.filter = IMAPCLIENT_NOTIFY_SUBTREE,
                                   .mailboxes = (const char *[]){"Lists", NULL},
                                   .events = IMAPCLIENT_EVENT_MESSAGE_NEW};
    assert_int_equal(imapclient_start_notify_set(c, NULL, 0, 0, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    got set = {0}, noop = {0}, none = {0};
    check(imapclient_start_notify_set(c, &grp, 1, 0, keep, &set, NULL), c);
    check(imapclient_start_noop(c, keep, &noop, NULL), c);
    check(imapclient_start_notify_none(c, keep, &none, NULL), c);
    run(c);
    assert_int_equal(set.op, IMAPCLIENT_OP_NOTIFY);
    assert_int_equal(set.status, 0);
    assert_int_equal(none.status, 0);
    imapclient_responses_free(noop.result);
    assert_int_equal(ev.n, 1);
    assert_int_equal(ev.kind, IMAPCLIENT_NOTIFY_STATUS);
    assert_string_equal(ev.mailbox, "Lists/IMAP");
    assert_int_equal(ev.messages, 8);
    done(c);

    /* without NOTIFY: refused when it is about to go out, nothing sent */
    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n");
    check(imapclient_start_notify_set(c, &grp, 1, 0, keep, &set, NULL), c);
    run(c);
    assert_int_equal(set.status, IMAPCLIENT_ECAPABILITY);
    assert_string_equal(imapclient_script_sent(c), "");
    done(c);
}

#define LISTGREET "S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS] ready\n"

static void test_async_ext__list_extended(void **state)
{
    /* selection and return options, several patterns; the folders typed */
    imapclient *c = play(
        LISTGREET "C: A001 LIST (SUBSCRIBED) \"\" (INBOX \"Sent/%\") RETURN (CHILDREN)\n"
                  "S: * LIST (\\Subscribed \\HasNoChildren) \"/\" INBOX\n"
                  "S: * LIST (\\Subscribed \\HasChildren) \"/\" Sent/2024\n"
                  "S: A001 OK done\n");
    imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED,
                                 .returns = IMAPCLIENT_LIST_RETURN_CHILDREN};
    got g = {0};
    check(imapclient_start_list_extended(
              c, NULL, (const char *[]){"INBOX", "Sent/%", NULL}, &o, keep, &g, NULL),
          c);
    run(c);
    assert_int_equal(g.op, IMAPCLIENT_OP_LIST);
    imapclient_folder_list *l = g.result;
    assert_int_equal(l->count, 2);
    assert_string_equal(l->folders[1].name, "Sent/2024");
    assert_true(imapclient_folder_has_flag(&l->folders[1], "\\HasChildren"));
    imapclient_folder_list_free(l);
    done(c);

    /* the capabilities are not known at the start: the syntax is checked
     * then, LIST-EXTENDED when the command is about to go out */
    c = play("S: * OK ready\n"
             "C: A001 LOGIN u p\n"
             "S: A001 OK done\n"
             "C: A003 CAPABILITY\n"
             "S: * CAPABILITY IMAP4rev1\n"
             "S: A003 OK done\n");
    assert_int_equal(imapclient_start_list_extended(c, NULL, (const char *[]){NULL}, NULL,
                                                    NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    imapclient_list_options bad = {.selection = IMAPCLIENT_LIST_RECURSIVEMATCH};
    assert_int_equal(
        imapclient_start_list_extended(c, NULL, NULL, &bad, NULL, NULL, NULL),
        IMAPCLIENT_EINVAL);
    got l1 = {0};
    check(imapclient_start_login(c, "u", "p", NULL, NULL, NULL), c);
    check(imapclient_start_list_extended(c, NULL, NULL, &o, keep, &l1, NULL), c);
    run(c);
    assert_int_equal(l1.status, IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(l1.err, "LIST-EXTENDED"));
    imapclient_completion *d;
    while (imapclient_next_completion(c, &d) == 1)
        imapclient_completion_free(d);
    done(c);
}

static void test_async_ext__list_status_one_trip(void **state)
{
    imapclient *c = play(LISTGREET "C: A001 LIST \"\" \"%\" RETURN (STATUS (MESSAGES))\n"
                                   "S: * LIST () \"/\" INBOX\n"
                                   "S: * STATUS INBOX (MESSAGES 8)\n"
                                   "S: * LIST (\\Noselect) \"/\" Shared\n"
                                   "S: A001 OK done\n");
    got g = {0};
    check(imapclient_start_list_status(c, NULL, "%", (const char *[]){"MESSAGES", NULL},
                                       keep, &g, NULL),
          c);
    run(c);
    imapclient_folder_list *l = g.result;
    assert_int_equal(l->count, 2);
    assert_non_null(l->folders[0].status);
    assert_int_equal(l->folders[0].status->messages, 8);
    assert_null(l->folders[1].status);
    imapclient_folder_list_free(l);
    done(c);
}

static void test_async_ext__list_status_without_list_status(void **state)
{
    /* a LIST, then a STATUS per selectable folder (\Noselect skipped, a
     * refusal leaves no status), one completion at the end */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n"
                         "C: A001 LIST \"\" \"*\"\n"
                         "S: * LIST () \"/\" INBOX\n"
                         "S: * LIST (\\Noselect) \"/\" Shared\n"
                         "S: * LIST () \"/\" Gone\n"
                         "S: * LIST () \"/\" \"Sent Items\"\n"
                         "S: A001 OK done\n"
                         "C: A002 STATUS INBOX (MESSAGES UIDNEXT)\n"
                         "S: * STATUS INBOX (MESSAGES 8 UIDNEXT 9)\n"
                         "S: A002 OK done\n"
                         "C: A003 STATUS Gone (MESSAGES UIDNEXT)\n"
                         "S: A003 NO [NONEXISTENT] no such mailbox\n"
                         "C: A004 STATUS \"Sent Items\" (MESSAGES UIDNEXT)\n"
                         "S: * STATUS \"Sent Items\" (MESSAGES 2 UIDNEXT 3)\n"
                         "S: A004 OK done\n");
    got g = {0};
    check(imapclient_start_list_status(c, NULL, NULL,
                                       (const char *[]){"MESSAGES", "UIDNEXT", NULL},
                                       keep, &g, NULL),
          c);
    run(c);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.status, 0);
    imapclient_folder_list *l = g.result;
    assert_int_equal(l->count, 4);
    assert_int_equal(l->folders[0].status->messages, 8);
    assert_null(l->folders[1].status);
    assert_null(l->folders[2].status);
    assert_int_equal(l->folders[3].status->uidnext, 3);
    imapclient_folder_list_free(l);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_ext__sort_and_thread_pipelined),
        cmocka_unit_test(test_async_ext__sort_thread_checks),
        cmocka_unit_test(test_async_ext__status_in_flight_together),
        cmocka_unit_test(test_async_ext__status_checks),
        cmocka_unit_test(test_async_ext__unselect_and_close),
        cmocka_unit_test(test_async_ext__enable_then_utf8_names),
        cmocka_unit_test(test_async_ext__enable_checks),
        cmocka_unit_test(test_async_ext__metadata),
        cmocka_unit_test(test_async_ext__metadata_checks),
        cmocka_unit_test(test_async_ext__notify_events_through_the_callback),
        cmocka_unit_test(test_async_ext__list_extended),
        cmocka_unit_test(test_async_ext__list_status_one_trip),
        cmocka_unit_test(test_async_ext__list_status_without_list_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
