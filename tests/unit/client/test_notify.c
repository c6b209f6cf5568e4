/* NOTIFY (RFC 5465) on canned server bytes: the command for every filter
 * and event (the RFC's section 3.1 example among them), the checks before
 * sending, and typed events decoded from the responses the RFC's section 5
 * describes, read through noop() and idle_check(). */
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

#define GREET "S: * PREAUTH [CAPABILITY IMAP4rev1 NOTIFY IDLE CONDSTORE] ready\n"

/* The event of the response at i of r (fails the test when it is none). */
static imapclient_notify_event *event_at(imapclient *c, const imapclient_responses *r,
                                         size_t i)
{
    assert_true(i < r->count);
    imapclient_notify_event *e = NULL;
    check(imapclient_notify_event_from_response(c, &r->items[i], &e), c);
    if (!e)
        fail_msg("response %zu (%s) is no event", i, r->items[i].raw);
    return e;
}

/* ---- NOTIFY SET / NONE --------------------------------------------------------- */

static void test_notify__rfc_example(void **state)
{
    /* RFC 5465 section 3.1 (with erratum 1804): STATUS of the watched
     * mailboxes first, then new messages with the asked attributes */
    imapclient *c =
        play(GREET "C: A001 NOTIFY SET STATUS (selected (MessageNew (uid "
                   "body.peek[header.fields (from to subject)]) MessageExpunge)) "
                   "(subtree Lists (MessageNew))\n"
                   "S: * STATUS Lists (UIDVALIDITY 1 UIDNEXT 999)\n"
                   "S: * STATUS Lists/Lemonade (UIDVALIDITY 4 UIDNEXT 9 MESSAGES 7)\n"
                   "S: A001 OK done\n"
                   "C: A002 NOOP\n"
                   "S: * 127 FETCH (UID 127001 BODY[HEADER.FIELDS (From To Subject)] "
                   "{75}\n"
                   "S% Subject: Re: good morning%0D%0AFrom: alice@example.org%0D%0ATo: "
                   "bob@example.org%0D%0A%0D%0A)%0D%0A\n"
                   "S: * STATUS Lists/Lemonade (UIDVALIDITY 4 UIDNEXT 10 MESSAGES 8)\n"
                   "S: A002 OK NOOP done\n");
    imapclient_notify_group g[2] = {
        {.filter = IMAPCLIENT_NOTIFY_SELECTED,
         .events = IMAPCLIENT_EVENT_MESSAGE_NEW | IMAPCLIENT_EVENT_MESSAGE_EXPUNGE,
         .fetch_attrs =
             (const char *[]){"uid", "body.peek[header.fields (from to subject)]", NULL}},
        {.filter = IMAPCLIENT_NOTIFY_SUBTREE,
         .mailboxes = (const char *[]){"Lists", NULL},
         .events = IMAPCLIENT_EVENT_MESSAGE_NEW},
    };
    check(imapclient_notify_set(c, g, 2, 1), c);
    imapclient_responses *r = NULL;
    check(imapclient_noop(c, &r), c);
    assert_int_equal(r->count, 4);

    imapclient_notify_event *e = event_at(c, r, 0);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_STATUS);
    assert_string_equal(e->mailbox, "Lists");
    assert_int_equal(e->status_items,
                     IMAPCLIENT_NOTIFY_HAS_UIDVALIDITY | IMAPCLIENT_NOTIFY_HAS_UIDNEXT);
    assert_int_equal(e->uidvalidity, 1);
    assert_int_equal(e->uidnext, 999);
    imapclient_notify_event_free(e);

    e = event_at(c, r, 2);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_FETCH);
    assert_int_equal(e->number, 127);
    assert_true(e->has_uid);
    assert_int_equal(e->uid, 127001);
    assert_false(e->has_flags);
    /* every attribute as sent */
    assert_int_equal(e->items->count, 4);
    assert_int_equal(e->items->items[3].len, 75);
    assert_memory_equal(e->items->items[3].str, "Subject: Re: good morning\r\n", 27);
    imapclient_notify_event_free(e);

    e = event_at(c, r, 3);
    assert_string_equal(e->mailbox, "Lists/Lemonade");
    assert_int_equal(e->messages, 8);
    assert_int_equal(e->uidnext, 10);
    assert_true(e->status_items & IMAPCLIENT_NOTIFY_HAS_MESSAGES);
    assert_false(e->status_items & IMAPCLIENT_NOTIFY_HAS_UNSEEN);
    imapclient_notify_event_free(e);
    imapclient_responses_free(r);
    done(c);
}

static void test_notify__every_filter_and_event(void **state)
{
    imapclient *c =
        play(GREET
             "C: A001 NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange "
             "AnnotationChange)) (inboxes (MessageNew)) (personal (MailboxName "
             "SubscriptionChange MailboxMetadataChange ServerMetadataChange)) "
             "(subscribed NONE) (subtree (Lists \"Work Stuff\") (MessageExpunge)) "
             "(mailboxes Donn&AOk-es (FlagChange))\n"
             "S: A001 OK NOTIFY completed\n"
             "C: A002 NOTIFY NONE\n"
             "S: A002 OK NOTIFY completed\n");
    imapclient_notify_group g[] = {
        {.filter = IMAPCLIENT_NOTIFY_SELECTED_DELAYED,
         .events = IMAPCLIENT_EVENT_MESSAGES | IMAPCLIENT_EVENT_ANNOTATION_CHANGE},
        {.filter = IMAPCLIENT_NOTIFY_INBOXES, .events = IMAPCLIENT_EVENT_MESSAGE_NEW},
        {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
         .events = IMAPCLIENT_EVENT_MAILBOX_NAME | IMAPCLIENT_EVENT_SUBSCRIPTION_CHANGE |
                   IMAPCLIENT_EVENT_MAILBOX_METADATA_CHANGE |
                   IMAPCLIENT_EVENT_SERVER_METADATA_CHANGE},
        {.filter = IMAPCLIENT_NOTIFY_SUBSCRIBED, .events = 0},
        {.filter = IMAPCLIENT_NOTIFY_SUBTREE,
         .mailboxes = (const char *[]){"Lists", "Work Stuff", NULL},
         .events = IMAPCLIENT_EVENT_MESSAGE_EXPUNGE},
        {.filter = IMAPCLIENT_NOTIFY_MAILBOXES,
         .mailboxes = (const char *[]){"Donn\xc3\xa9"
                                       "es",
                                       NULL},
         .events = IMAPCLIENT_EVENT_FLAG_CHANGE},
    };
    check(imapclient_notify_set(c, g, sizeof g / sizeof g[0], 0), c);
    check(imapclient_notify_none(c), c);
    done(c);
}

static void test_notify__refused(void **state)
{
    /* a server that cannot deliver an event says which it can (BADEVENT);
     * one that announces NOTIFY and then does not know it says BAD */
    imapclient *c = play(GREET "C: A001 NOTIFY SET (personal (MailboxMetadataChange))\n"
                               "S: A001 NO [BADEVENT (MessageNew MessageExpunge "
                               "FlagChange MailboxName SubscriptionChange)] Unsupported\n"
                               "C: A002 NOTIFY NONE\n"
                               "S: A002 BAD Unrecognized command\n"
                               "C: A003 NOOP\n"
                               "S: A003 OK done\n");
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MAILBOX_METADATA_CHANGE};
    assert_int_equal(imapclient_notify_set(c, &g, 1, 0), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "NO [BADEVENT (MessageNew"));
    assert_int_equal(imapclient_notify_none(c), IMAPCLIENT_ERROR);
    assert_non_null(strstr(imapclient_errmsg(c), "BAD Unrecognized command"));
    check(imapclient_noop(c, NULL), c);
    done(c);
}

static void test_notify__checks_before_sending(void **state)
{
    imapclient *c = play(GREET);
    const char *const mbox[] = {"Lists", NULL};
    struct {
        imapclient_notify_group g;
        const char *why;
    } bad[] = {
        {{.filter = IMAPCLIENT_NOTIFY_SELECTED, .events = IMAPCLIENT_EVENT_MESSAGE_NEW},
         "go together"},
        {{.filter = IMAPCLIENT_NOTIFY_SELECTED,
          .events = IMAPCLIENT_EVENT_MESSAGE_EXPUNGE},
         "go together"},
        {{.filter = IMAPCLIENT_NOTIFY_SELECTED_DELAYED,
          .events = IMAPCLIENT_EVENT_FLAG_CHANGE},
         "need MessageNew"},
        {{.filter = IMAPCLIENT_NOTIFY_PERSONAL,
          .events = IMAPCLIENT_EVENT_MESSAGE_NEW,
          .fetch_attrs = (const char *[]){"UID", NULL}},
         "fetch attributes"},
        {{.filter = IMAPCLIENT_NOTIFY_SELECTED,
          .events = IMAPCLIENT_EVENT_MESSAGE_EXPUNGE | IMAPCLIENT_EVENT_MESSAGE_NEW,
          .fetch_attrs = (const char *[]){"UID\r\nA099 LOGOUT", NULL}},
         "invalid fetch attribute"},
        /* one that would close the list early (issue 14, item 5) */
        {{.filter = IMAPCLIENT_NOTIFY_SELECTED,
          .events = IMAPCLIENT_EVENT_MESSAGE_EXPUNGE | IMAPCLIENT_EVENT_MESSAGE_NEW,
          .fetch_attrs = (const char *[]){"UID", "FLAGS)) (X", NULL}},
         "invalid fetch attribute \"FLAGS)) (X\""},
        {{.filter = IMAPCLIENT_NOTIFY_SUBTREE, .events = IMAPCLIENT_EVENT_MESSAGE_NEW},
         "at least one mailbox"},
        {{.filter = IMAPCLIENT_NOTIFY_MAILBOXES,
          .mailboxes = (const char *[]){NULL},
          .events = IMAPCLIENT_EVENT_MESSAGE_NEW},
         "at least one mailbox"},
        {{.filter = IMAPCLIENT_NOTIFY_INBOXES,
          .mailboxes = mbox,
          .events = IMAPCLIENT_EVENT_MESSAGE_NEW},
         "only subtree"},
        {{.filter = (imapclient_notify_filter)42}, "unknown filter"},
        {{.filter = IMAPCLIENT_NOTIFY_PERSONAL, .events = 0x100}, "unknown event"},
        {{.filter = IMAPCLIENT_NOTIFY_MAILBOXES,
          .mailboxes = (const char *[]){"bad\xff", NULL},
          .events = IMAPCLIENT_EVENT_MESSAGE_NEW},
         "UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(imapclient_notify_set(c, &bad[i].g, 1, 0), IMAPCLIENT_EINVAL);
        if (!strstr(imapclient_errmsg(c), bad[i].why))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, imapclient_errmsg(c),
                     bad[i].why);
    }
    assert_int_equal(imapclient_notify_set(c, NULL, 1, 0), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_notify_set(c, &bad[0].g, 0, 0), IMAPCLIENT_EINVAL);
    done(c); /* nothing sent */

    /* no NOTIFY: nothing sent either; not logged in */
    c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n");
    imapclient_notify_group ok = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                  .events = IMAPCLIENT_EVENT_MAILBOX_NAME};
    assert_int_equal(imapclient_notify_set(c, &ok, 1, 0), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_notify_none(c), IMAPCLIENT_ECAPABILITY);
    done(c);
    c = play("S: * OK [CAPABILITY IMAP4rev1 NOTIFY] ready\n");
    assert_int_equal(imapclient_notify_set(c, &ok, 1, 0), IMAPCLIENT_EILLEGAL_STATE);
    assert_int_equal(imapclient_notify_none(c), IMAPCLIENT_EILLEGAL_STATE);
    done(c);
}

/* ---- events ------------------------------------------------------------------ */

static void test_notify__events_of_every_kind(void **state)
{
    /* RFC 5465 section 5: the selected mailbox (5.1-5.3, with CONDSTORE
     * and QRESYNC data), other mailboxes (STATUS), MailboxName (5.4: new,
     * deleted, renamed), SubscriptionChange (5.5), metadata (5.6, 5.7),
     * and the overflow of section 3 */
    imapclient *c =
        play(GREET "C: A001 NOOP\n"
                   "S: * 5 EXISTS\n"
                   "S: * 3 EXPUNGE\n"
                   "S: * 4 FETCH (FLAGS (\\Seen $Important) UID 44 MODSEQ "
                   "(12345678901))\n"
                   "S: * VANISHED (EARLIER) 1:4294967295\n"
                   "S: * VANISHED 7,9:11\n"
                   "S: * STATUS Archive (MESSAGES 3 UIDNEXT 4 UIDVALIDITY "
                   "1700000002 UNSEEN 1 HIGHESTMODSEQ 9 RECENT 0 SIZE 900)\n"
                   "S: * LIST () \".\" \"INBOX.NewMailbox\"\n"
                   "S: * LIST (\\NonExistent) \".\" \"INBOX.DeletedMailbox\"\n"
                   "S: * LIST () \".\" \"INBOX.RenamedMailbox\" (\"OLDNAME\" "
                   "(\"INBOX.OldMailbox\"))\n"
                   "S: * LIST (\\Subscribed) NIL Work\n"
                   "S: * METADATA \"\" /shared/comment\n"
                   "S: * OK [NOTIFICATIONOVERFLOW] Too many notifications\n"
                   "S: A001 OK done\n");
    imapclient_responses *r = NULL;
    check(imapclient_noop(c, &r), c);
    assert_int_equal(r->count, 12);

    imapclient_notify_event *e = event_at(c, r, 0);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_EXISTS);
    assert_int_equal(e->number, 5);
    assert_int_equal(e->items->count, 0);
    imapclient_notify_event_free(e);

    e = event_at(c, r, 1);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_EXPUNGE);
    assert_int_equal(e->number, 3);
    imapclient_notify_event_free(e);

    e = event_at(c, r, 2);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_FETCH);
    assert_int_equal(e->number, 4);
    assert_true(e->has_flags);
    assert_int_equal(e->flag_count, 2);
    assert_string_equal(e->flags[0], "\\Seen");
    assert_string_equal(e->flags[1], "$Important");
    assert_null(e->flags[2]);
    assert_int_equal(e->uid, 44);
    assert_true(e->has_modseq);
    assert_int_equal(e->modseq, 12345678901ull);
    imapclient_notify_event_free(e);

    /* the whole UID space: reported as sent, never expanded */
    e = event_at(c, r, 3);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_VANISHED);
    assert_true(e->earlier);
    assert_string_equal(e->uid_set, "1:4294967295");
    assert_int_equal(e->vanished.count, 1); /* typed: one range */
    assert_true(imapclient_uidset_size(&e->vanished) == 4294967295ull);
    imapclient_notify_event_free(e);
    e = event_at(c, r, 4);
    assert_false(e->earlier);
    assert_string_equal(e->uid_set, "7,9:11");
    assert_int_equal(e->vanished.count, 2);
    assert_true(imapclient_uidset_contains(&e->vanished, 10));
    assert_false(imapclient_uidset_contains(&e->vanished, 8));
    imapclient_notify_event_free(e);

    e = event_at(c, r, 5);
    assert_int_equal(e->vanished.count, 0); /* not a VANISHED: the empty set */
    assert_non_null(e->vanished.ranges);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_STATUS);
    assert_string_equal(e->mailbox, "Archive");
    assert_int_equal(e->status_items, 0x3f);
    assert_int_equal(e->messages, 3);
    assert_int_equal(e->uidvalidity, 1700000002u);
    assert_int_equal(e->unseen, 1);
    assert_int_equal(e->highestmodseq, 9);
    assert_int_equal(e->recent, 0);
    assert_int_equal(e->items->count, 14); /* SIZE too, as sent */
    imapclient_notify_event_free(e);

    e = event_at(c, r, 6);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_MAILBOX);
    assert_string_equal(e->mailbox, "INBOX.NewMailbox");
    assert_string_equal(e->delimiter, ".");
    assert_false(e->nonexistent);
    assert_null(e->old_mailbox);
    assert_int_equal(e->attribute_count, 0);
    imapclient_notify_event_free(e);
    e = event_at(c, r, 7);
    assert_true(e->nonexistent);
    assert_string_equal(e->attributes[0], "\\NonExistent");
    imapclient_notify_event_free(e);
    e = event_at(c, r, 8);
    assert_string_equal(e->mailbox, "INBOX.RenamedMailbox");
    assert_string_equal(e->old_mailbox, "INBOX.OldMailbox");
    imapclient_notify_event_free(e);
    e = event_at(c, r, 9);
    assert_true(e->subscribed);
    assert_null(e->delimiter);
    assert_string_equal(e->mailbox, "Work");
    imapclient_notify_event_free(e);

    e = event_at(c, r, 10);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_METADATA);
    assert_string_equal(e->mailbox, "");
    assert_string_equal(e->entries[0], "/shared/comment");
    imapclient_notify_event_free(e);

    e = event_at(c, r, 11);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_OVERFLOW);
    imapclient_notify_event_free(e);
    imapclient_notify_event_free(NULL);
    imapclient_responses_free(r);
    done(c);
}

static void test_notify__not_events(void **state)
{
    /* other responses are no events; malformed ones of an event's kind
     * are EPROTOCOL, never a half-filled event */
    imapclient *c = play(GREET "C: A001 NOOP\n"
                               "S: * FLAGS (\\Seen)\n"
                               "S: * OK [ALERT] hello\n"
                               "S: * 2 RECENT\n"
                               "S: * SEARCH 1 2\n"
                               "S: * OK still here\n"
                               "S: * STATUS Archive\n"
                               "S: * STATUS Archive (MESSAGES)\n"
                               "S: * STATUS Archive (MESSAGES x)\n"
                               "S: * 1 FETCH UID\n"
                               "S: * 1 FETCH (UID 0)\n"
                               "S: * 1 FETCH (FLAGS \\Seen)\n"
                               "S: * 1 FETCH (MODSEQ 5)\n"
                               "S: * VANISHED\n"
                               "S: * VANISHED 0:3\n"
                               "S: * VANISHED 1:4294967296\n"
                               "S: * VANISHED 1,,2\n"
                               "S: * VANISHED *\n"
                               "S: * VANISHED (EARLIER)\n"
                               "S: * LIST \\Noselect \"/\" x\n"
                               "S: * LIST () (x) y\n"
                               "S: * LIST () \"/\" (y)\n"
                               "S: * LIST () \"/\" y (\"OLDNAME\" x)\n"
                               "S: * LIST () \"/\" y (\"OLDNAME\")\n"
                               "S: * METADATA \"\"\n"
                               "S: * METADATA \"\" (/a)\n"
                               "S: * METADATA \"\" ((x) y)\n"
                               "S: * 3 EXISTS extra\n"
                               "S: A001 OK done\n");
    imapclient_responses *r = NULL;
    check(imapclient_noop(c, &r), c);
    assert_int_equal(r->count, 27);
    for (size_t i = 0; i < r->count; i++) {
        imapclient_notify_event *e = (imapclient_notify_event *)1;
        int rc = imapclient_notify_event_from_response(c, &r->items[i], &e);
        assert_null(e);
        if (i < 5)
            assert_int_equal(rc, 0);
        else if (rc != IMAPCLIENT_EPROTOCOL)
            fail_msg("response %zu (%s) gave %d", i, r->items[i].raw, rc);
    }
    /* a tagged response is no event */
    imapclient_response tagged = r->items[0];
    tagged.tag = "A001";
    imapclient_notify_event *e = (imapclient_notify_event *)1;
    check(imapclient_notify_event_from_response(c, &tagged, &e), c);
    assert_null(e);
    assert_int_equal(imapclient_notify_event_from_response(c, NULL, &e),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_notify_event_from_response(NULL, &tagged, &e),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_notify_event_from_response(c, &tagged, NULL),
                     IMAPCLIENT_EINVAL);
    imapclient_responses_free(r);
    done(c);
}

static void test_notify__unknown_and_odd_folders(void **state)
{
    /* mailboxes the client never listed are reported like any other: a
     * modified UTF-7 name decoded, a name that is not valid modified UTF-7
     * (Dovecot 2.3 sends UTF-8 in NOTIFY's STATUS) kept as sent, a literal
     * name, NIL as a name (the astring "NIL") */
    imapclient *c = play(GREET "C: A001 NOOP\n"
                               "S: * STATUS Donn&AOk-es (MESSAGES 1)\n"
                               "S: * STATUS {8}\n"
                               "S: Donn\xc3\xa9"
                               "es (MESSAGES 0)\n"
                               "S: * STATUS &Jjo-&- (MESSAGES 2)\n"
                               "S: * LIST () \"/\" NIL\n"
                               "S: A001 OK done\n"
                               "C: A002 NOOP\n"
                               "S: * STATUS Donn&AOk-es (MESSAGES 1)\n"
                               "S: A002 OK done\n");
    imapclient_responses *r = NULL;
    check(imapclient_noop(c, &r), c);
    assert_int_equal(r->count, 4);
    imapclient_notify_event *e = event_at(c, r, 0);
    assert_string_equal(e->mailbox, "Donn\xc3\xa9"
                                    "es");
    imapclient_notify_event_free(e);
    e = event_at(c, r, 1);
    assert_string_equal(e->mailbox, "Donn\xc3\xa9"
                                    "es");
    assert_int_equal(e->messages, 0);
    imapclient_notify_event_free(e);
    e = event_at(c, r, 2);
    assert_string_equal(e->mailbox, "\xe2\x98\xba&");
    imapclient_notify_event_free(e);
    e = event_at(c, r, 3);
    assert_string_equal(e->mailbox, "NIL");
    imapclient_notify_event_free(e);
    imapclient_responses_free(r);
    /* folder_encode off: names exactly as sent */
    imapclient_set_folder_encode(c, 0);
    check(imapclient_noop(c, &r), c);
    e = event_at(c, r, 0);
    assert_string_equal(e->mailbox, "Donn&AOk-es");
    imapclient_notify_event_free(e);
    imapclient_responses_free(r);
    done(c);
}

static void test_notify__through_idle(void **state)
{
    /* RFC 5465 section 4: events arrive while idling too */
    imapclient *c = play(
        GREET "C: A001 NOTIFY SET (personal (MessageNew MessageExpunge MailboxName))\n"
              "S: A001 OK done\n"
              "C: A002 IDLE\n"
              "S: + idling\n"
              "S: * STATUS Archive (MESSAGES 4 UIDNEXT 5)\n"
              "S: * LIST () \"/\" NotifyTest\n"
              "C: DONE\n"
              "S: A002 OK Idle completed\n");
    imapclient_notify_group g = {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
                                 .events = IMAPCLIENT_EVENT_MESSAGE_NEW |
                                           IMAPCLIENT_EVENT_MESSAGE_EXPUNGE |
                                           IMAPCLIENT_EVENT_MAILBOX_NAME};
    check(imapclient_notify_set(c, &g, 1, 0), c);
    check(imapclient_idle(c), c);
    imapclient_responses *r = NULL;
    check(imapclient_idle_check(c, 1000, &r), c);
    assert_int_equal(r->count, 2);
    imapclient_notify_event *e = event_at(c, r, 0);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_STATUS);
    assert_int_equal(e->messages, 4);
    imapclient_notify_event_free(e);
    e = event_at(c, r, 1);
    assert_int_equal(e->kind, IMAPCLIENT_NOTIFY_MAILBOX);
    assert_string_equal(e->mailbox, "NotifyTest");
    imapclient_notify_event_free(e);
    imapclient_responses_free(r);
    check(imapclient_idle_done(c, NULL, NULL), c);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notify__rfc_example),
        cmocka_unit_test(test_notify__every_filter_and_event),
        cmocka_unit_test(test_notify__refused),
        cmocka_unit_test(test_notify__checks_before_sending),
        cmocka_unit_test(test_notify__events_of_every_kind),
        cmocka_unit_test(test_notify__not_events),
        cmocka_unit_test(test_notify__unknown_and_odd_folders),
        cmocka_unit_test(test_notify__through_idle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
