/* FETCH on canned server bytes: typed items, merging, unsolicited
 * responses, streaming, sinks and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define SELECTED                                                                         \
    "S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n"                                           \
    "C: A001 SELECT INBOX\n"                                                             \
    "S: * 3 EXISTS\n"                                                                    \
    "S: A001 OK [READ-WRITE] selected\n"

static imapclient *open_selected(const char *script, int use_uid)
{
    imapclient *c = NULL;
    imapclient_options o;
    imapclient_options_init(&o);
    o.use_uid = use_uid;
    o.normalise_times = 0;
    if (imapclient_connect_scripted(script, &o, &c) != 0)
        fail_msg("connect: %s", imapclient_errmsg(c));
    if (imapclient_select_folder(c, "INBOX", 0, NULL) != 0)
        fail_msg("select: %s", imapclient_errmsg(c));
    return c;
}

static const char *const FLAGS_ONLY[] = {"FLAGS", NULL};

/* Gmail (captured): a line break between a literal and the rest of its
 * list. The response is read as one (issue 14, item 14). */
static void test_fetch__gmail_crlf_after_literal(void **state)
{
    imapclient *c =
        open_selected(SELECTED "C: A002 UID FETCH 7,9 (BODY.PEEK[HEADER] FLAGS)\n"
                               "S: * 2 FETCH (UID 7 FLAGS (\\Seen) BODY[HEADER] {26}\n"
                               "S% Subject: hi%0D%0ATo: a@b.c%0D%0A%0D%0A\n"
                               "S:  \n"
                               "S: )\n"
                               "S: * 3 FETCH (UID 9 BODY[HEADER] {4}\n"
                               "S% a%0D%0Ab%0D%0A\n"
                               "S:  FLAGS ())\n"
                               "S: A002 OK Success\n",
                      1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "7,9", (const char *[]){"BODY.PEEK[HEADER]", "FLAGS", NULL},
                         NULL, &r),
        0);
    assert_int_equal(r->count, 2);
    const imapclient_value *v = imapclient_message_item(&r->msgs[0], "BODY.PEEK[HEADER]");
    assert_non_null(v);
    assert_int_equal(v->len, 26);
    assert_memory_equal(v->str, "Subject: hi\r\nTo: a@b.c\r\n\r\n", 26);
    assert_int_equal(r->msgs[0].flag_count, 1);
    assert_int_equal(r->msgs[1].uid, 9);
    assert_non_null(r->msgs[1].flags);
    v = imapclient_message_item(&r->msgs[1], "BODY[HEADER]");
    assert_int_equal(v->len, 4);
    imapclient_fetch_result_free(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

/* Only there: an open list after a literal followed by a response of its
 * own is malformed (PROTOCOL), and that next response is not swallowed. */
static void test_fetch__open_list_after_literal_then_completion(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 7 (BODY[])\n"
                                           "S: * 2 FETCH (UID 7 BODY[] {3}\n"
                                           "S+ abc\n"
                                           "S: \n"
                                           "S: A002 OK Success\n"
                                           "C: A003 NOOP\n"
                                           "S: A003 OK done\n",
                                  1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "7", (const char *[]){"BODY[]", NULL}, NULL, &r),
                     IMAPCLIENT_EPROTOCOL);
    assert_non_null(strstr(imapclient_errmsg(c), "list not terminated"));
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_fetch__uid_flags(void **state)
{
    imapclient *c =
        open_selected(SELECTED "C: A002 UID FETCH 1:* (FLAGS)\n"
                               "S: * 1 FETCH (UID 10 FLAGS (\\Seen))\n"
                               "S: * 2 FETCH (UID 12 FLAGS ())\n"
                               "S: * 3 FETCH (FLAGS (\\Flagged $Label1) UID 15)\n"
                               "S: A002 OK done\n",
                      1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1:*", FLAGS_ONLY, NULL, &r), 0);
    assert_int_equal(r->count, 3);
    assert_int_equal(r->msgs[0].id, 10);
    assert_int_equal(r->msgs[0].seq, 1);
    assert_int_equal(r->msgs[0].flag_count, 1);
    assert_string_equal(r->msgs[0].flags[0], "\\Seen");
    assert_null(r->msgs[0].flags[1]);
    assert_int_equal(r->msgs[1].flag_count, 0);
    assert_non_null(r->msgs[1].flags);
    assert_int_equal(r->msgs[2].id, 15);
    assert_string_equal(r->msgs[2].flags[1], "$Label1");
    const imapclient_message *m = imapclient_fetch_result_get(r, 12);
    assert_non_null(m);
    assert_int_equal(m->seq, 2);
    assert_null(imapclient_fetch_result_get(r, 11));
    assert_true(imapclient_script_done(c));
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__sequence_numbers(void **state)
{
    imapclient *c =
        open_selected(SELECTED "C: A002 FETCH 2:3 (RFC822.SIZE)\n"
                               "S: * 2 FETCH (RFC822.SIZE 4000)\n"
                               "S: * 3 FETCH (RFC822.SIZE 18446744073709551615)\n"
                               "S: A002 OK done\n",
                      0);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "2:3", (const char *[]){"RFC822.SIZE", NULL}, NULL, &r), 0);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->msgs[0].id, 2);
    assert_true(r->msgs[0].has_size);
    assert_int_equal(r->msgs[0].size, 4000);
    assert_true(r->msgs[1].size == UINT64_MAX);
    assert_false(r->msgs[0].has_uid);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__envelope_rfc3501(void **state)
{
    imapclient *c = open_selected(
        SELECTED
        "C: A002 UID FETCH 7 (ENVELOPE INTERNALDATE)\n"
        "S: * 12 FETCH (UID 7 INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
        "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg "
        "summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL "
        "\"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" "
        "\"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John "
        "Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
        "\"<B27397-0100000@cac.washington.edu>\"))\n"
        "S: A002 OK done\n",
        1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "7",
                                      (const char *[]){"ENVELOPE", "INTERNALDATE", NULL},
                                      NULL, &r),
                     0);
    assert_int_equal(r->count, 1);
    const imapclient_message *m = &r->msgs[0];
    assert_int_equal(m->id, 7);
    assert_int_equal(m->seq, 12);
    assert_non_null(m->envelope);
    assert_string_equal(m->envelope->subject, "IMAP4rev1 WG mtg summary and minutes");
    assert_int_equal(m->envelope->from_count, 1);
    assert_string_equal(m->envelope->from[0].name, "Terry Gray");
    assert_string_equal(m->envelope->from[0].host, "cac.washington.edu");
    assert_int_equal(m->envelope->cc_count, 2);
    assert_string_equal(m->envelope->cc[1].mailbox, "KLENSIN");
    assert_null(m->envelope->bcc);
    assert_string_equal(m->envelope->message_id, "<B27397-0100000@cac.washington.edu>");
    assert_true(m->envelope->has_date);
    assert_int_equal(m->envelope->date.year, 1996);
    assert_true(m->has_internaldate);
    assert_int_equal(m->internaldate.hour, 2);
    assert_int_equal(m->internaldate.offset_minutes, -420);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__bodystructure_multipart(void **state)
{
    imapclient *c = open_selected(
        SELECTED
        "C: A002 UID FETCH 3 (BODYSTRUCTURE)\n"
        "S: * 1 FETCH (UID 3 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" "
        "\"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" "
        "\"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" "
        "\"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\n"
        "S: A002 OK done\n",
        1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "3", (const char *[]){"BODYSTRUCTURE", NULL}, NULL, &r), 0);
    const imapclient_body *b = r->msgs[0].body;
    assert_non_null(b);
    assert_true(b->is_multipart);
    assert_string_equal(b->subtype, "MIXED");
    assert_int_equal(b->part_count, 2);
    assert_string_equal(b->parts[0].type, "TEXT");
    assert_int_equal(b->parts[0].size, 1152);
    assert_int_equal(b->parts[0].lines, 23);
    assert_string_equal(b->parts[1].encoding, "BASE64");
    assert_string_equal(b->parts[1].description, "Compiler diff");
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__section_literal_and_peek_lookup(void **state)
{
    imapclient *c = open_selected(
        SELECTED "C: A002 UID FETCH 5 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\n"
                 "S: * 2 FETCH (UID 5 BODY[HEADER.FIELDS (SUBJECT)] {15}\n"
                 "S: Subject: hi\n"
                 "S: \n"
                 "S: )\n"
                 "S: A002 OK done\n",
        1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "5",
                         (const char *[]){"BODY.PEEK[HEADER.FIELDS (SUBJECT)]", NULL},
                         NULL, &r),
        0);
    const imapclient_value *v =
        imapclient_message_item(&r->msgs[0], "BODY.PEEK[HEADER.FIELDS (SUBJECT)]");
    assert_non_null(v);
    assert_int_equal(v->type, IMAPCLIENT_VALUE_LITERAL);
    assert_int_equal(v->len, 15);
    assert_memory_equal(v->str, "Subject: hi\r\n\r\n", 15);
    assert_string_equal(r->msgs[0].items[1].name, "BODY[HEADER.FIELDS (SUBJECT)]");
    assert_null(imapclient_message_item(&r->msgs[0], "BODY[]"));
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__split_responses_merge(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 9 (FLAGS RFC822.SIZE)\n"
                                           "S: * 4 FETCH (UID 9 FLAGS (\\Seen))\n"
                                           "S: * 4 FETCH (UID 9 RFC822.SIZE 77)\n"
                                           "S: A002 OK done\n",
                                  1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "9",
                                      (const char *[]){"FLAGS", "RFC822.SIZE", NULL},
                                      NULL, &r),
                     0);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->msgs[0].item_count, 4);
    assert_int_equal(r->msgs[0].size, 77);
    assert_int_equal(r->msgs[0].flag_count, 1);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

/* Later responses without UID for a message that came with its UID earlier
 * in the same command are that message's (issue 14, item 8): iCloud splits
 * a message's items so; Dovecot sends "* 1 FETCH (MODSEQ (3))" after a
 * BODY[] fetch set \Seen under CONDSTORE. Sequence numbers not seen with a
 * UID yet are unsolicited, as before. */
static void test_fetch__uidless_parts_merge(void **state)
{
    imapclient *c =
        open_selected(SELECTED "C: A002 UID FETCH 9:10 (FLAGS BODY[] MODSEQ)\n"
                               "S: * 3 FETCH (FLAGS (\\Recent))\n"
                               "S: * 3 FETCH (UID 9 MODSEQ (2) BODY[] {5}\n"
                               "S+ hello\n"
                               "S: )\n"
                               "S: * 4 FETCH (UID 10 FLAGS ())\n"
                               "S: * 3 FETCH (FLAGS (\\Seen) MODSEQ (3))\n"
                               "S: * 4 FETCH (RFC822.SIZE 44)\n"
                               "S: * 5 FETCH (FLAGS (\\Deleted))\n"
                               "S: A002 OK done\n",
                      1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "9:10",
                                      (const char *[]){"FLAGS", "BODY[]", "MODSEQ", NULL},
                                      NULL, &r),
                     0);
    assert_int_equal(r->count, 2);
    const imapclient_message *m = imapclient_fetch_result_get(r, 9);
    assert_non_null(m);
    assert_int_equal(m->seq, 3);
    assert_true(m->has_modseq);
    assert_int_equal(m->modseq, 3);
    assert_int_equal(m->flag_count, 1);
    assert_string_equal(m->flags[0], "\\Seen");
    assert_int_equal(m->item_count, 5);
    assert_int_equal(imapclient_message_item(m, "BODY[]")->len, 5);
    m = imapclient_fetch_result_get(r, 10);
    assert_true(m->has_size);
    assert_int_equal(m->size, 44);
    imapclient_fetch_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 2); /* before its UID came, and another message */
    assert_int_equal(p->items[0].number, 3);
    assert_int_equal(p->items[1].number, 5);
    imapclient_responses_free(p);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_fetch__unsolicited_not_mixed_in(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 9 (FLAGS)\n"
                                           "S: * 1 FETCH (FLAGS (\\Deleted))\n"
                                           "S: * 4 FETCH (UID 9 FLAGS (\\Seen))\n"
                                           "S: * 5 FETCH (UID 99 FLAGS (\\Seen))\n"
                                           "S: * 4 EXISTS\n"
                                           "S: A002 OK done\n",
                                  1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "9", FLAGS_ONLY, NULL, &r), 0);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->msgs[0].id, 9);
    imapclient_fetch_result_free(r);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 3);
    assert_int_equal(p->items[0].number, 1);
    assert_string_equal(p->items[0].name, "FETCH");
    assert_int_equal(p->items[1].number, 5);
    assert_string_equal(p->items[2].name, "EXISTS");
    imapclient_responses_free(p);
    imapclient_free(c);
}

static void test_fetch__outside_sequence_set(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 FETCH 2 (FLAGS)\n"
                                           "S: * 2 FETCH (FLAGS ())\n"
                                           "S: * 3 FETCH (FLAGS (\\Seen))\n"
                                           "S: A002 OK done\n",
                                  0);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "2", FLAGS_ONLY, NULL, &r), 0);
    assert_int_equal(r->count, 1);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__modifiers_and_modseq(void **state)
{
    imapclient *c =
        open_selected(SELECTED "C: A002 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\n"
                               "S: * 1 FETCH (UID 4 MODSEQ (12346) FLAGS (\\Seen))\n"
                               "S: A002 OK done\n",
                      1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1:*", FLAGS_ONLY,
                                      (const char *[]){"CHANGEDSINCE 12345", NULL}, &r),
                     0);
    assert_true(r->msgs[0].has_modseq);
    assert_int_equal(r->msgs[0].modseq, 12346);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__gmail_items(void **state)
{
    imapclient *c = open_selected(
        SELECTED "C: A002 UID FETCH 1 (X-GM-MSGID X-GM-THRID X-GM-LABELS)\n"
                 "S: * 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID "
                 "1278455344230334866 UID 1 X-GM-LABELS (\\Inbox \\Sent Important "
                 "\"Muy Importante\" \"&AOk-t&AOk-\"))\n"
                 "S: A002 OK done\n",
        1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1",
                                      (const char *[]){"X-GM-MSGID", "X-GM-THRID",
                                                       "X-GM-LABELS", NULL},
                                      NULL, &r),
                     0);
    const imapclient_message *m = &r->msgs[0];
    assert_true(m->has_gm_msgid && m->has_gm_thrid);
    assert_true(m->gm_msgid == 1278455344230334866ull);
    assert_true(m->gm_thrid == 1278455344230334865ull);
    assert_int_equal(m->gm_label_count, 5);
    assert_string_equal(m->gm_labels[0], "\\Inbox");
    assert_string_equal(m->gm_labels[3], "Muy Importante");
    assert_string_equal(m->gm_labels[4], "\xc3\xa9t\xc3\xa9");
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__needs_selected_folder(void **state)
{
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted("S: * PREAUTH hi\n", NULL, &c), 0);
    imapclient_fetch_result *r = (void *)1;
    assert_int_equal(imapclient_fetch(c, "1", FLAGS_ONLY, NULL, &r),
                     IMAPCLIENT_EILLEGAL_STATE);
    assert_null(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_fetch__bad_arguments(void **state)
{
    imapclient *c = open_selected(SELECTED, 1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1:x", FLAGS_ONLY, NULL, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_fetch(c, "1 2", FLAGS_ONLY, NULL, &r), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_fetch(c, "1", (const char *[]){NULL}, NULL, &r),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_fetch(c, "1",
                                      (const char *[]){"FLAGS\r\nA9 DELETE INBOX", NULL},
                                      NULL, &r),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_fetch(c, "1", FLAGS_ONLY, NULL, NULL), IMAPCLIENT_EINVAL);
    assert_true(imapclient_script_done(c)); /* nothing was sent */
    imapclient_free(c);
}

static void test_fetch__macro_sent_bare(void **state)
{
    imapclient *c =
        open_selected(SELECTED "C: A002 UID FETCH 1 FAST\n"
                               "S: * 1 FETCH (UID 1 FLAGS () INTERNALDATE "
                               "\" 2-Jan-2020 10:00:00 +0000\" RFC822.SIZE 10)\n"
                               "S: A002 OK done\n",
                      1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1", (const char *[]){"FAST", NULL}, NULL, &r),
                     0);
    assert_true(r->msgs[0].has_internaldate);
    assert_int_equal(r->msgs[0].internaldate.day, 2);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

static void test_fetch__no_is_error(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 1 (FLAGS)\n"
                                           "S: A002 NO [SERVERBUG] oops\n",
                                  1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1", FLAGS_ONLY, NULL, &r), IMAPCLIENT_ERROR);
    assert_null(r);
    assert_string_equal(imapclient_errmsg(c), "UID FETCH 1 (FLAGS): NO [SERVERBUG] oops");
    imapclient_free(c);
}

static void test_fetch__malformed_response_keeps_connection(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 1:2 (FLAGS)\n"
                                           "S: * 1 FETCH (UID 1 FLAGS (\\Seen)\n"
                                           "S: * 2 FETCH (UID 2 FLAGS ())\n"
                                           "S: A002 OK done\n"
                                           "C: A003 NOOP\n"
                                           "S: A003 OK done\n",
                                  1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(imapclient_fetch(c, "1:2", FLAGS_ONLY, NULL, &r),
                     IMAPCLIENT_EPROTOCOL);
    assert_null(r);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    imapclient_free(c);
}

typedef struct collected {
    uint32_t ids[8];
    size_t n;
    int stop_after;
    char sunk[64];
    size_t sunk_len;
    uint32_t sunk_seq;
    char sunk_name[64];
} collected;

static int collect(void *p, const imapclient_message *m)
{
    collected *col = p;
    col->ids[col->n++] = m->id;
    return col->stop_after && (int)col->n >= col->stop_after ? 42 : 0;
}

static int sink(void *p, uint32_t seq, const char *name, const char *data, size_t len)
{
    collected *col = p;
    memcpy(col->sunk + col->sunk_len, data, len);
    col->sunk_len += len;
    col->sunk_seq = seq;
    snprintf(col->sunk_name, sizeof col->sunk_name, "%s", name);
    return 0;
}

static void test_fetch__each_streams(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 1:* (FLAGS)\n"
                                           "S: * 1 FETCH (UID 10 FLAGS ())\n"
                                           "S: * 2 FETCH (FLAGS (\\Seen))\n"
                                           "S: * 2 FETCH (UID 11 FLAGS ())\n"
                                           "S: A002 OK done\n",
                                  1);
    collected col = {0};
    assert_int_equal(
        imapclient_fetch_each(c, "1:*", FLAGS_ONLY, NULL, collect, NULL, 0, &col), 0);
    assert_int_equal(col.n, 2);
    assert_int_equal(col.ids[0], 10);
    assert_int_equal(col.ids[1], 11);
    imapclient_free(c);
}

/* The streaming form: a later part without UID comes with the UID of the
 * message (issue 14, item 8). */
static int collect_uid(void *p, const imapclient_message *m)
{
    collected *col = p;
    col->ids[col->n++] = m->has_uid ? m->uid : 0;
    return 0;
}

static void test_fetch__each_uidless_parts(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 1:* (FLAGS MODSEQ)\n"
                                           "S: * 1 FETCH (UID 10 FLAGS ())\n"
                                           "S: * 1 FETCH (MODSEQ (7))\n"
                                           "S: * 2 FETCH (MODSEQ (8))\n"
                                           "S: A002 OK done\n",
                                  1);
    collected col = {0};
    assert_int_equal(imapclient_fetch_each(c, "1:*",
                                           (const char *[]){"FLAGS", "MODSEQ", NULL},
                                           NULL, collect_uid, NULL, 0, &col),
                     0);
    assert_int_equal(col.n, 2);
    assert_int_equal(col.ids[0], 10);
    assert_int_equal(col.ids[1], 10);
    imapclient_responses *p = NULL;
    assert_int_equal(imapclient_take_responses(c, &p), 0);
    assert_int_equal(p->count, 1); /* seq 2 never came with a UID */
    imapclient_responses_free(p);
    imapclient_free(c);
}

static void test_fetch__each_stop_drains(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 1:* (FLAGS)\n"
                                           "S: * 1 FETCH (UID 10 FLAGS ())\n"
                                           "S: * 2 FETCH (UID 11 FLAGS ())\n"
                                           "S: * 3 FETCH (UID 12 FLAGS ())\n"
                                           "S: A002 OK done\n"
                                           "C: A003 NOOP\n"
                                           "S: A003 OK done\n",
                                  1);
    collected col = {.stop_after = 1};
    assert_int_equal(
        imapclient_fetch_each(c, "1:*", FLAGS_ONLY, NULL, collect, NULL, 0, &col), 42);
    assert_int_equal(col.n, 1);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_fetch__each_sink(void **state)
{
    imapclient *c = open_selected(SELECTED "C: A002 UID FETCH 8 (BODY.PEEK[])\n"
                                           "S: * 3 FETCH (UID 8 BODY[] {11}\n"
                                           "S: hello world)\n"
                                           "S: A002 OK done\n",
                                  1);
    collected col = {0};
    assert_int_equal(imapclient_fetch_each(c, "8", (const char *[]){"BODY.PEEK[]", NULL},
                                           NULL, collect, sink, 1, &col),
                     0);
    assert_int_equal(col.n, 1);
    assert_int_equal(col.sunk_len, 11);
    assert_memory_equal(col.sunk, "hello world", 11);
    assert_int_equal(col.sunk_seq, 3);
    assert_string_equal(col.sunk_name, "BODY[]");
    imapclient_free(c);
}

static void test_fetch__binary_literal8(void **state)
{
    imapclient *c = open_selected("S: * PREAUTH [CAPABILITY IMAP4rev1 BINARY] hi\n"
                                  "C: A001 SELECT INBOX\n"
                                  "S: * 3 EXISTS\n"
                                  "S: A001 OK [READ-WRITE] selected\n"
                                  "C: A002 UID FETCH 8 (BINARY.PEEK[1])\n"
                                  "S: * 3 FETCH (UID 8 BINARY[1] ~{3}\n"
                                  "S% a%00b)%0D%0A\n"
                                  "S: A002 OK done\n",
                                  1);
    imapclient_fetch_result *r = NULL;
    assert_int_equal(
        imapclient_fetch(c, "8", (const char *[]){"BINARY.PEEK[1]", NULL}, NULL, &r), 0);
    const imapclient_value *v = imapclient_message_item(&r->msgs[0], "BINARY[1]");
    assert_non_null(v);
    assert_int_equal(v->type, IMAPCLIENT_VALUE_LITERAL);
    assert_true(v->flags & IMAPCLIENT_VALUE_LITERAL8);
    assert_int_equal(v->len, 3);
    assert_memory_equal(v->str, "a\0b", 3);
    imapclient_fetch_result_free(r);
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch__gmail_crlf_after_literal),
        cmocka_unit_test(test_fetch__open_list_after_literal_then_completion),
        cmocka_unit_test(test_fetch__uid_flags),
        cmocka_unit_test(test_fetch__sequence_numbers),
        cmocka_unit_test(test_fetch__envelope_rfc3501),
        cmocka_unit_test(test_fetch__bodystructure_multipart),
        cmocka_unit_test(test_fetch__section_literal_and_peek_lookup),
        cmocka_unit_test(test_fetch__split_responses_merge),
        cmocka_unit_test(test_fetch__uidless_parts_merge),
        cmocka_unit_test(test_fetch__each_uidless_parts),
        cmocka_unit_test(test_fetch__unsolicited_not_mixed_in),
        cmocka_unit_test(test_fetch__outside_sequence_set),
        cmocka_unit_test(test_fetch__modifiers_and_modseq),
        cmocka_unit_test(test_fetch__gmail_items),
        cmocka_unit_test(test_fetch__needs_selected_folder),
        cmocka_unit_test(test_fetch__bad_arguments),
        cmocka_unit_test(test_fetch__macro_sent_bare),
        cmocka_unit_test(test_fetch__no_is_error),
        cmocka_unit_test(test_fetch__malformed_response_keeps_connection),
        cmocka_unit_test(test_fetch__each_streams),
        cmocka_unit_test(test_fetch__each_stop_drains),
        cmocka_unit_test(test_fetch__each_sink),
        cmocka_unit_test(test_fetch__binary_literal8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
