/* Hostile servers, typed data (FETCH, LIST, STATUS, SELECT, NAMESPACE,
 * CAPABILITY; the other results are in test_hostile_results.c): values of
 * the wrong type where typed data is expected (a string where a number
 * belongs, NIL where a list belongs, a list where a string belongs) and
 * numbers that overflow (UIDs past 2^32, counts past 2^64). Each call must
 * either build the typed value it can, keeping the raw value, or fail with
 * a clear EPROTOCOL and leave the connection usable; nothing may crash,
 * read out of bounds or leak. */
#include "hostile.h"

/* ---- FETCH ------------------------------------------------------------ */

static imapclient_fetch_result *fetch_flags(imapclient *c, int want)
{
    imapclient_fetch_result *r = NULL;
    h_assert_rc(imapclient_fetch(c, "2", (const char *[]){"FLAGS", NULL}, NULL, &r), want,
                c);
    return r;
}

/* A UID that is not one (past 2^32, a string) makes the FETCH response
 * malformed: PROTOCOL, as the reference's ProtocolError (issue 14, item
 * 7), after the command is read to its end. */
static void test_hostile__fetch_uid_past_2_32_is_malformed(void **state)
{
    imapclient *c = sel_play("C: A002 UID FETCH 2 (FLAGS)\n"
                             "S: * 1 FETCH (UID 4294967298 FLAGS (\\Seen))\n"
                             "S: A002 OK done\n" NOOP("A003"));
    assert_null(fetch_flags(c, IMAPCLIENT_EPROTOCOL));
    h_assert_errmsg_has(c, "UID 4294967298");
    usable(c);
}

static void test_hostile__fetch_uid_as_string_is_malformed(void **state)
{
    imapclient *c = sel_play("C: A002 UID FETCH 2 (FLAGS)\n"
                             "S: * 1 FETCH (UID \"2\" FLAGS (\\Seen))\n"
                             "S: A002 OK done\n" NOOP("A003"));
    assert_null(fetch_flags(c, IMAPCLIENT_EPROTOCOL));
    usable(c);
}

static void test_hostile__fetch_items_of_wrong_types(void **state)
{
    imapclient *c =
        sel_play("C: A002 UID FETCH 2 (FLAGS)\n"
                 "S: * 1 FETCH (UID 2 FLAGS NIL INTERNALDATE (1 2) RFC822.SIZE \"12\" "
                 "ENVELOPE \"env\" BODYSTRUCTURE NIL MODSEQ (\"x\") "
                 "X-GM-MSGID 99999999999999999999999 X-GM-LABELS \"l\" X-GM-THRID (1) "
                 "BODY[] NIL)\n"
                 "S: A002 OK done\n" NOOP("A003"));
    imapclient_fetch_result *r = fetch_flags(c, 0);
    assert_int_equal(r->count, 1);
    const imapclient_message *m = &r->msgs[0];
    assert_int_equal(m->uid, 2);
    assert_non_null(m->flags); /* NIL for a list: an empty list */
    assert_int_equal(m->flag_count, 0);
    assert_null(m->flags[0]);
    assert_false(m->has_internaldate);
    assert_false(m->has_size);
    assert_null(m->envelope);
    assert_null(m->body);
    assert_false(m->has_modseq);
    assert_false(m->has_gm_msgid);
    assert_false(m->has_gm_thrid);
    assert_int_equal(m->gm_label_count, 0);
    /* every item kept as sent */
    assert_int_equal(m->item_count, 11);
    const imapclient_value *v = imapclient_message_item(m, "X-GM-MSGID");
    assert_non_null(v);
    assert_int_equal(v->type, IMAPCLIENT_VALUE_ATOM);
    assert_string_equal(v->str, "99999999999999999999999");
    v = imapclient_message_item(m, "RFC822.SIZE");
    assert_int_equal(v->type, IMAPCLIENT_VALUE_STRING);
    assert_string_equal(v->str, "12");
    assert_int_equal(imapclient_message_item(m, "BODY.PEEK[]")->type,
                     IMAPCLIENT_VALUE_NIL);
    imapclient_fetch_result_free(r);
    usable(c);
}

static void test_hostile__fetch_numbers_at_and_past_64_bits(void **state)
{
    imapclient *c =
        sel_play("C: A002 UID FETCH 2 (FLAGS)\n"
                 "S: * 1 FETCH (UID 2 RFC822.SIZE 18446744073709551616 "
                 "MODSEQ (18446744073709551615) X-GM-THRID 18446744073709551615)\n"
                 "S: A002 OK done\n" NOOP("A003"));
    imapclient_fetch_result *r = fetch_flags(c, 0);
    const imapclient_message *m = imapclient_fetch_result_get(r, 2);
    assert_non_null(m);
    assert_false(m->has_size);
    assert_string_equal(imapclient_message_item(m, "RFC822.SIZE")->str,
                        "18446744073709551616");
    assert_true(m->has_modseq);
    assert_true(m->modseq == UINT64_MAX);
    assert_true(m->has_gm_thrid);
    assert_true(m->gm_thrid == UINT64_MAX);
    imapclient_fetch_result_free(r);
    usable(c);
}

static void test_hostile__fetch_message_number_past_2_32(void **state)
{
    imapclient *c = sel_play("C: A002 UID FETCH 2 (FLAGS)\n"
                             "S: * 4294967296 FETCH (UID 2 FLAGS (\\Seen))\n"
                             "S: A002 OK done\n" NOOP("A003"));
    assert_null(fetch_flags(c, IMAPCLIENT_EPROTOCOL));
    h_assert_errmsg_has(c, "message number out of range");
    usable(c);
}

static int count_msg(void *payload, const imapclient_message *m)
{
    (*(int *)payload)++;
    return 0;
}

/* FETCH responses that cannot be read make the call fail with PROTOCOL, as
 * the header promises (the reference raises ProtocolError), after the
 * command is read to its end; never a success with nothing (issue 14,
 * item 7). */
static void test_hostile__fetch_data_not_a_list(void **state)
{
    static const char *const bad[] = {"* 1 FETCH \"oops\"",
                                      "* 1 FETCH NIL",
                                      "* 1 FETCH",
                                      "* 2 FETCH WHAT",
                                      "* abc FETCH (UID 2 FLAGS ())",
                                      "* FETCH (UID 2 FLAGS ())",
                                      "* 1 FETCH (UID abc FLAGS ())",
                                      "* 1 FETCH (FLAGS () UID)",
                                      "* 1 FETCH (UID 4294967296 FLAGS ())",
                                      "* 1 FETCH (UID 0 FLAGS ())",
                                      "* 0 FETCH (UID 2 FLAGS ())",
                                      "* 1 FETCH (UID 2) (FLAGS ())",
                                      NULL};
    for (size_t i = 0; bad[i]; i++) {
        for (int each = 0; each < 2; each++) {
            hbuf s = {0};
            hb_adds(&s,
                    "C: A002 UID FETCH 2 (FLAGS)\nS: * 1 FETCH (UID 2 FLAGS ())\nS: ");
            hb_adds(&s, bad[i]);
            hb_adds(&s, "\nS: A002 OK done\n" NOOP("A003"));
            imapclient *c = sel_play(s.p);
            hb_free(&s);
            if (each) {
                h_assert_rc(imapclient_fetch_each(c, "2", (const char *[]){"FLAGS", NULL},
                                                  NULL, count_msg, NULL, 0, &(int){0}),
                            IMAPCLIENT_EPROTOCOL, c);
            } else {
                imapclient_fetch_result *r = fetch_flags(c, IMAPCLIENT_EPROTOCOL);
                assert_null(r);
            }
            h_assert_errmsg_has(c, "malformed FETCH response");
            h_assert_errmsg_has(c, bad[i]);
            usable(c);
        }
    }
}

/* Items that do not pair up: PROTOCOL, never a success with items
 * silently left out (issue 14, item 6). */
static void test_hostile__fetch_item_names_of_wrong_types(void **state)
{
    static const char *const bad[] = {"(UID 2 (X) 5 NIL 6 FLAGS (\\Seen) DANGLING)",
                                      "(UID 2 FLAGS (\\Seen) DANGLING)",
                                      "(UID 2 \"FLAGS\" (\\Seen))",
                                      "(UID 2 5 6)",
                                      "(UID 2 NIL NIL)",
                                      "(UID 2 (ENVELOPE) FLAGS ())",
                                      "(UID 2 (5 NIL) FLAGS ())",
                                      NULL};
    for (size_t i = 0; bad[i]; i++) {
        hbuf s = {0};
        hb_adds(&s, "C: A002 UID FETCH 2 (FLAGS)\nS: * 1 FETCH ");
        hb_adds(&s, bad[i]);
        hb_adds(&s, "\nS: A002 OK done\n" NOOP("A003"));
        imapclient *c = sel_play(s.p);
        hb_free(&s);
        assert_null(fetch_flags(c, IMAPCLIENT_EPROTOCOL));
        h_assert_errmsg_has(c, "malformed FETCH response");
        usable(c);
    }
}

/* A server repeating one message for ever: at most 64 responses are
 * merged into it, the rest are kept with the unsolicited ones (bounded),
 * and nothing grows quadratically (issue 14, item 3). */
static void test_hostile__fetch_one_message_repeated(void **state)
{
    imapclient *c = sel_play("C: A002 UID FETCH 2 (FLAGS)\n"
                             "S* 100 * 1 FETCH (UID 2 FLAGS (\\Seen))\n"
                             "S* 100 * 1 FETCH (FLAGS (\\Seen))\n"
                             "S: A002 OK done\n" NOOP("A003"));
    imapclient_fetch_result *r = fetch_flags(c, 0);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->msgs[0].item_count, 64 * 2); /* UID and FLAGS */
    imapclient_fetch_result_free(r);
    assert_int_equal(kept(c, "FETCH"), 136);
    usable(c);
}

/* Lotus Domino wraps an item in an extra pair of parentheses: the list in
 * a name slot is read as the item(s) it holds (issue 14, item 6). */
static void test_hostile__fetch_domino_wrapped_item(void **state)
{
    imapclient *c =
        sel_play("C: A002 UID FETCH 14935 (FLAGS)\n"
                 "S: * 2 FETCH (UID 14935 (ENVELOPE (NIL \"hi\" NIL NIL NIL NIL "
                 "NIL NIL NIL \"<a@b>\")) BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL "
                 "NIL NIL \"7BIT\" 5 1) (FLAGS (\\Seen) RFC822.SIZE 5))\n"
                 "S: A002 OK done\n" NOOP("A003"));
    imapclient_fetch_result *r = NULL;
    h_assert_rc(imapclient_fetch(c, "14935", (const char *[]){"FLAGS", NULL}, NULL, &r),
                0, c);
    assert_int_equal(r->count, 1);
    const imapclient_message *m = &r->msgs[0];
    assert_int_equal(m->uid, 14935);
    assert_int_equal(m->seq, 2);
    assert_int_equal(m->item_count, 5);
    assert_non_null(m->envelope);
    assert_string_equal(m->envelope->subject, "hi");
    assert_non_null(m->body);
    assert_int_equal(m->flag_count, 1);
    assert_true(m->has_size);
    assert_non_null(imapclient_message_item(m, "ENVELOPE"));
    imapclient_fetch_result_free(r);
    usable(c);
}

static void test_hostile__fetch_flag_members_of_wrong_types(void **state)
{
    imapclient *c = sel_play("C: A002 UID FETCH 2 (FLAGS)\n"
                             "S: * 1 FETCH (UID 2 FLAGS (\\Seen NIL (x) 5 \"q\"))\n"
                             "S: A002 OK done\n" NOOP("A003"));
    imapclient_fetch_result *r = fetch_flags(c, 0);
    const imapclient_message *m = &r->msgs[0];
    assert_int_equal(m->flag_count, 3);
    assert_string_equal(m->flags[0], "\\Seen");
    assert_string_equal(m->flags[1], "5");
    assert_string_equal(m->flags[2], "q");
    assert_null(m->flags[3]);
    imapclient_fetch_result_free(r);
    usable(c);
}

static void test_hostile__fetch_envelope_of_wrong_types(void **state)
{
    imapclient *c = sel_play(
        "C: A002 UID FETCH 2 (ENVELOPE)\n"
        "S: * 1 FETCH (UID 2 ENVELOPE ((\"not a date\") 42 \"from\" NIL "
        "((NIL NIL NIL NIL) NIL (\"n\" NIL \"m\" \"h\")) (\"a\" \"b\" \"c\" \"d\") "
        "((1 2 3 4 5 6)) ((\"x\")) (in reply) NIL EXTRA EXTRA2))\n"
        "S: A002 OK done\n" NOOP("A003"));
    imapclient_fetch_result *r = NULL;
    h_assert_rc(imapclient_fetch(c, "2", (const char *[]){"ENVELOPE", NULL}, NULL, &r), 0,
                c);
    const imapclient_envelope *e = r->msgs[0].envelope;
    assert_non_null(e);
    assert_false(e->has_date);
    assert_null(e->date_raw);
    assert_string_equal(e->subject, "42");
    assert_int_equal(e->from_count, 0);
    assert_int_equal(e->sender_count, 0);
    assert_int_equal(e->reply_to_count, 2);
    assert_string_equal(e->reply_to[1].mailbox, "m");
    assert_int_equal(e->to_count, 1); /* a bare address where a list belongs */
    assert_string_equal(e->to[0].host, "d");
    assert_int_equal(e->cc_count, 1);
    assert_string_equal(e->cc[0].name, "1");
    assert_int_equal(e->bcc_count, 1);
    assert_null(e->bcc[0].host);
    assert_null(e->in_reply_to);
    assert_null(e->message_id);
    assert_int_equal(e->raw->count, 12);
    imapclient_fetch_result_free(r);
    usable(c);
}

/* A body structure 80 levels deep: under the parser's limit, past the
 * typed builder's, which must stop without crashing. */
static void test_hostile__fetch_bodystructure_very_deep(void **state)
{
    hbuf s = {0};
    hb_adds(&s,
            "C: A002 UID FETCH 2 (BODYSTRUCTURE)\nS: * 1 FETCH (UID 2 BODYSTRUCTURE ");
    for (int i = 0; i < 80; i++)
        hb_adds(&s, "(");
    hb_adds(&s, "\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1");
    for (int i = 0; i < 79; i++)
        hb_adds(&s, ") \"MIXED\"");
    hb_adds(&s, "))\nS: A002 OK done\n" NOOP("A003"));
    imapclient *c = sel_play(s.p);
    hb_free(&s);
    imapclient_fetch_result *r = NULL;
    h_assert_rc(
        imapclient_fetch(c, "2", (const char *[]){"BODYSTRUCTURE", NULL}, NULL, &r), 0,
        c);
    const imapclient_body *b = r->msgs[0].body;
    assert_non_null(b);
    int depth = 0;
    while (b && b->part_count) {
        b = &b->parts[0];
        depth++;
    }
    assert_true(depth >= 60 && depth < 80);
    imapclient_fetch_result_free(r);
    usable(c);
}

static void test_hostile__fetch_bodystructure_of_wrong_types(void **state)
{
    imapclient *c = sel_play(
        "C: A002 UID FETCH 2 (BODYSTRUCTURE)\n"
        "S: * 1 FETCH (UID 2 BODYSTRUCTURE (NIL (\"a\") (x) 5 NIL \"7BIT\" \"big\" "
        "(\"lines\") NIL \"attachment\" ((\"en\")) (loc)))\n"
        "S: A002 OK done\n" NOOP("A003"));
    imapclient_fetch_result *r = NULL;
    h_assert_rc(
        imapclient_fetch(c, "2", (const char *[]){"BODYSTRUCTURE", NULL}, NULL, &r), 0,
        c);
    const imapclient_body *b = r->msgs[0].body;
    assert_non_null(b);
    assert_false(b->has_size);
    assert_non_null(b->raw);
    imapclient_fetch_result_free(r);
    usable(c);
}

static int count_cb(void *payload, const imapclient_message *m)
{
    int *n = payload;
    if (m->item_count == 11 && m->flag_count == 0)
        (*n)++;
    return 0;
}

static void test_hostile__fetch_each_items_of_wrong_types(void **state)
{
    imapclient *c =
        sel_play("C: A002 UID FETCH 2 (FLAGS)\n"
                 "S: * 1 FETCH (UID 2 FLAGS NIL INTERNALDATE (1 2) RFC822.SIZE \"12\" "
                 "ENVELOPE \"env\" BODYSTRUCTURE NIL MODSEQ (\"x\") "
                 "X-GM-MSGID 99999999999999999999999 X-GM-LABELS \"l\" X-GM-THRID (1) "
                 "BODY[] NIL)\n"
                 "S: * 1 FETCH (UID 4294967298 FLAGS ())\n"
                 "S: A002 OK done\n" NOOP("A003"));
    int n = 0;
    h_assert_rc(imapclient_fetch_each(c, "2", (const char *[]){"FLAGS", NULL}, NULL,
                                      count_cb, NULL, 0, &n),
                IMAPCLIENT_EPROTOCOL, c); /* the UID past 2^32 */
    assert_int_equal(n, 1);               /* the good one was delivered */
    assert_int_equal(kept(c, "FETCH"), 0);
    usable(c);
}

typedef struct sunk {
    size_t bytes;
    int calls;
} sunk;

static int sink_cb(void *payload, uint32_t seq, const char *name, const char *data,
                   size_t len)
{
    sunk *s = payload;
    s->bytes += len;
    s->calls++;
    return 0;
}

static int nop_cb(void *payload, const imapclient_message *m)
{
    return 0;
}

/* A lying literal size while the literal goes to a sink: what came is
 * handed over, then EABORT; nothing leaks. */
static void test_hostile__fetch_each_sink_literal_then_eof(void **state)
{
    imapclient *c = sel_play("C: A002 UID FETCH 2 (BODY.PEEK[])\n"
                             "S: * 1 FETCH (UID 2 BODY[] {1000000}\n"
                             "S+ 0123456789\n"
                             "!EOF\n");
    sunk s = {0};
    h_assert_rc(imapclient_fetch_each(c, "2", (const char *[]){"BODY.PEEK[]", NULL}, NULL,
                                      nop_cb, sink_cb, 1, &s),
                IMAPCLIENT_EABORT, c);
    h_assert_errmsg_has(c, "inside a literal");
    assert_int_equal(s.bytes, 10);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_hostile__fetch_literal8_and_nul_bytes(void **state)
{
    imapclient *c =
        h_connect("S: * PREAUTH [CAPABILITY " H_CAPS " BINARY] ready\n" H_SELECT
                  "C: A002 UID FETCH 2 (BINARY.PEEK[])\n"
                  "S: * 1 FETCH (UID 2 BINARY[] ~{5}\n"
                  "S% a%00b%0D%0A)%0D%0A"
                  "\nS: A002 OK done\n" NOOP("A003"),
                  NULL);
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, NULL), 0, c);
    imapclient_fetch_result *r = NULL;
    h_assert_rc(
        imapclient_fetch(c, "2", (const char *[]){"BINARY.PEEK[]", NULL}, NULL, &r), 0,
        c);
    const imapclient_value *v = imapclient_message_item(&r->msgs[0], "BINARY[]");
    assert_non_null(v);
    assert_int_equal(v->type, IMAPCLIENT_VALUE_LITERAL);
    assert_true(v->flags & IMAPCLIENT_VALUE_LITERAL8);
    assert_int_equal(v->len, 5);
    assert_memory_equal(v->str, "a\0b\r\n", 5);
    imapclient_fetch_result_free(r);
    usable(c);
}

/* ---- LIST ------------------------------------------------------------- */

static void list_fails(const char *bad, const char *why)
{
    hbuf s = {0};
    hb_adds(&s, "C: A001 LIST \"\" \"*\"\nS: * LIST () \"/\" Good\n");
    hb_adds(&s, bad);
    hb_adds(&s, "S: A001 OK done\n" NOOP("A002"));
    imapclient *c = auth_play(s.p);
    hb_free(&s);
    imapclient_folder_list *l = NULL;
    h_assert_rc(imapclient_list_folders(c, NULL, NULL, &l), IMAPCLIENT_EPROTOCOL, c);
    assert_null(l);
    h_assert_errmsg_has(c, why);
    usable(c);
}

static void test_hostile__list_flags_not_a_list(void **state)
{
    list_fails("S: * LIST \\Noselect \"/\" INBOX\n", "LIST: malformed reply");
}

static void test_hostile__list_delimiter_a_list(void **state)
{
    list_fails("S: * LIST () (\"/\") INBOX\n", "LIST: malformed reply");
}

static void test_hostile__list_name_a_list(void **state)
{
    list_fails("S: * LIST () \"/\" (INBOX)\n", "LIST: malformed reply");
}

static void test_hostile__list_too_short(void **state)
{
    list_fails("S: * LIST ()\n", "LIST: malformed reply");
}

static void test_hostile__list_scalars_where_strings_belong(void **state)
{
    imapclient *c = auth_play("C: A001 LIST \"\" \"*\"\n"
                              "S: * LIST () NIL NIL\n"
                              "S: * LIST (\\X 5 NIL (y)) \"/\" 2023\n"
                              "S: * LIST () \"/\" \"&Jjo\"\n"
                              "S: * LIST () \"/\" {3}\n"
                              "S% a%00b (\"CHILDINFO\" (\"SUBSCRIBED\")) extra%0D%0A"
                              "\nS: A001 OK done\n" NOOP("A002"));
    imapclient_folder_list *l = NULL;
    h_assert_rc(imapclient_list_folders(c, NULL, NULL, &l), 0, c);
    assert_int_equal(l->count, 4);
    assert_null(l->folders[0].delimiter);
    assert_string_equal(l->folders[0].name, "NIL");
    assert_string_equal(l->folders[1].name, "2023");
    assert_int_equal(l->folders[1].flag_count, 2);   /* \X and 5 */
    assert_string_equal(l->folders[2].name, "&Jjo"); /* not valid UTF-7: as sent */
    assert_int_equal(l->folders[3].raw_name_len, 3);
    assert_memory_equal(l->folders[3].raw_name, "a\0b", 3);
    assert_int_equal(l->folders[3].extended->count, 2);
    imapclient_folder_list_free(l);
    usable(c);
}

/* ---- STATUS ------------------------------------------------------------ */

static void test_hostile__status_items_not_a_list(void **state)
{
    imapclient *c = auth_play("C: A001 STATUS INBOX (MESSAGES)\n"
                              "S: * STATUS INBOX \"x\"\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_status_info *st = NULL;
    h_assert_rc(
        imapclient_folder_status(c, "INBOX", (const char *[]){"MESSAGES", NULL}, &st),
        IMAPCLIENT_EPROTOCOL, c);
    assert_null(st);
    usable(c);
}

static void test_hostile__status_values_of_wrong_types(void **state)
{
    imapclient *c = auth_play("C: A001 STATUS INBOX (MESSAGES)\n"
                              "S: * STATUS INBOX (MESSAGES \"12\" UIDNEXT NIL RECENT (1) "
                              "UNSEEN 99999999999999999999999 (X) 1 HIGHESTMODSEQ "
                              "18446744073709551615 UIDVALIDITY)\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_status_info *st = NULL;
    h_assert_rc(
        imapclient_folder_status(c, "INBOX", (const char *[]){"MESSAGES", NULL}, &st), 0,
        c);
    assert_int_equal(st->count, 5); /* the list-named pair and the odd tail dropped */
    assert_false(st->has_messages);
    assert_int_equal(st->items[0].raw->type, IMAPCLIENT_VALUE_STRING);
    assert_false(st->has_uidnext);
    assert_false(st->has_recent);
    assert_false(st->has_unseen);
    assert_string_equal(st->items[3].raw->str, "99999999999999999999999");
    assert_true(st->has_highestmodseq);
    assert_true(st->highestmodseq == UINT64_MAX);
    uint64_t v = 0;
    assert_int_equal(imapclient_status_info_get(st, "unseen", &v), 0);
    imapclient_status_info_free(st);
    usable(c);
}

/* A STATUS naming another folder may be unsolicited (RFC 5465 NOTIFY): it
 * is kept for the caller, never lost and never taken over ours. */
static imapclient_status_info *status_of(imapclient *c, const char *folder)
{
    imapclient_status_info *st = NULL;
    h_assert_rc(
        imapclient_folder_status(c, folder, (const char *[]){"MESSAGES", NULL}, &st), 0,
        c);
    return st;
}

static void test_hostile__status_other_folders_kept(void **state)
{
    imapclient *c = auth_play("C: A001 STATUS INBOX (MESSAGES)\n"
                              "S: * STATUS Other (MESSAGES 7)\n"
                              "S: * STATUS inbox (MESSAGES 1)\n"
                              "S: * STATUS \"Third one\" (MESSAGES 9)\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_status_info *st = status_of(c, "INBOX");
    assert_int_equal(st->messages, 1); /* INBOX in any case is ours */
    imapclient_status_info_free(st);
    assert_int_equal(kept(c, "STATUS"), 2);
    usable(c);
}

static void test_hostile__status_unquoted_words_are_ours(void **state)
{
    imapclient *c = auth_play("C: A001 STATUS \"Sent Items\" (MESSAGES)\n"
                              "S: * STATUS Sent (MESSAGES 5)\n"
                              "S: * STATUS Sent Items (MESSAGES 3)\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_status_info *st = status_of(c, "Sent Items");
    assert_int_equal(st->messages, 3);
    imapclient_status_info_free(st);
    assert_int_equal(kept(c, "STATUS"), 1); /* "Sent" is another folder */
    usable(c);
}

static void test_hostile__status_only_another_name(void **state)
{
    /* nothing names ours: the server's only answer is taken, and kept too */
    imapclient *c = auth_play("C: A001 STATUS Archive (MESSAGES)\n"
                              "S: * STATUS Archiv (MESSAGES 4)\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_status_info *st = status_of(c, "Archive");
    assert_int_equal(st->messages, 4);
    assert_string_equal(st->folder, "Archiv");
    imapclient_status_info_free(st);
    assert_int_equal(kept(c, "STATUS"), 1);
    usable(c);
}

/* ---- SELECT ------------------------------------------------------------ */

static void test_hostile__select_data_of_wrong_types(void **state)
{
    imapclient *c =
        auth_play("C: A001 SELECT INBOX\n"
                  "S: * FLAGS \"x\"\n"
                  "S: * OK [UIDNEXT \"x\"] n\n"
                  "S: * OK [PERMANENTFLAGS NIL] p\n"
                  "S: * OK [UIDVALIDITY 4294967296] v\n"
                  "S: * OK [HIGHESTMODSEQ 18446744073709551616] h\n"
                  "S: * OK [UNSEEN (1)] u\n"
                  "S: * OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] m\n"
                  "S: A001 OK [READ-WRITE] done\n" NOOP("A002"));
    imapclient_select_info *info = NULL;
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, &info), 0, c);
    assert_true(info->has_flags);
    assert_int_equal(info->flag_count, 0);
    assert_false(info->has_uidnext);
    assert_true(info->has_permanentflags);
    assert_int_equal(info->permanentflag_count, 0);
    assert_false(info->has_uidvalidity);
    assert_false(info->has_highestmodseq);
    assert_false(info->has_unseen);
    assert_false(info->has_exists);
    /* the values as sent are all there */
    const imapclient_value *v = imapclient_select_info_get(info, "uidvalidity");
    assert_non_null(v);
    assert_int_equal(v->items[0].type, IMAPCLIENT_VALUE_NUMBER);
    v = imapclient_select_info_get(info, "HIGHESTMODSEQ");
    assert_string_equal(v->items[0].str, "18446744073709551616");
    assert_non_null(imapclient_select_info_get(info, "MAILBOXID"));
    imapclient_select_info_free(info);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    usable(c);
}

static void test_hostile__select_exists_past_2_32(void **state)
{
    imapclient *c = auth_play("C: A001 SELECT INBOX\n"
                              "S: * 4294967296 EXISTS\n"
                              "S: * 2 RECENT\n"
                              "S: A001 OK [READ-WRITE] done\n" NOOP("A002"));
    imapclient_select_info *info = NULL;
    h_assert_rc(imapclient_select_folder(c, "INBOX", 0, &info), IMAPCLIENT_EPROTOCOL, c);
    assert_null(info);
    /* the server selected the folder: so does the handle */
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_SELECTED);
    usable(c);
}

/* ---- NAMESPACE ----------------------------------------------------------- */

static void namespace_fails(const char *reply)
{
    hbuf s = {0};
    hb_adds(&s, "C: A001 NAMESPACE\n");
    hb_adds(&s, reply);
    hb_adds(&s, "S: A001 OK done\n" NOOP("A002"));
    imapclient *c = auth_play(s.p);
    hb_free(&s);
    imapclient_namespace_info *ns = NULL;
    h_assert_rc(imapclient_namespace(c, &ns), IMAPCLIENT_EPROTOCOL, c);
    assert_null(ns);
    h_assert_errmsg_has(c, "NAMESPACE");
    usable(c);
}

static void test_hostile__namespace_kind_a_string(void **state)
{
    namespace_fails("S: * NAMESPACE \"x\" NIL NIL\n");
}

static void test_hostile__namespace_prefix_a_list(void **state)
{
    namespace_fails("S: * NAMESPACE (((\"\") \"/\")) NIL NIL\n");
}

static void test_hostile__namespace_two_kinds(void **state)
{
    namespace_fails("S: * NAMESPACE NIL NIL\n");
}

static void test_hostile__namespace_entry_too_short(void **state)
{
    namespace_fails("S: * NAMESPACE ((\"\")) NIL NIL\n");
}

static void test_hostile__namespace_none(void **state)
{
    namespace_fails("");
}

static void test_hostile__namespace_second_reply_kept(void **state)
{
    imapclient *c = auth_play("C: A001 NAMESPACE\n"
                              "S: * NAMESPACE ((\"\" \"/\")) NIL NIL\n"
                              "S: * NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_namespace_info *ns = NULL;
    h_assert_rc(imapclient_namespace(c, &ns), 0, c);
    assert_string_equal(ns->personal[0].prefix, "");
    imapclient_namespace_info_free(ns);
    assert_int_equal(kept(c, "NAMESPACE"), 1);
    usable(c);
}

static void test_hostile__namespace_all_nil_and_scalars(void **state)
{
    imapclient *c = auth_play("C: A001 NAMESPACE\n"
                              "S: * NAMESPACE NIL ((NIL NIL) (5 \".\" (X))) NIL\n"
                              "S: A001 OK done\n" NOOP("A002"));
    imapclient_namespace_info *ns = NULL;
    h_assert_rc(imapclient_namespace(c, &ns), 0, c);
    assert_null(ns->personal);
    assert_int_equal(ns->other_count, 2);
    assert_string_equal(ns->other[0].prefix, "NIL");
    assert_null(ns->other[0].separator);
    assert_string_equal(ns->other[1].prefix, "5");
    assert_int_equal(ns->other[1].extensions->count, 1);
    imapclient_namespace_info_free(ns);
    usable(c);
}

/* ---- CAPABILITY -------------------------------------------------------------------- */

static void test_hostile__capability_members_of_wrong_types(void **state)
{
    imapclient *c = h_connect("S: * PREAUTH hi\n"
                              "C: A001 CAPABILITY\n"
                              "S: * CAPABILITY IMAP4rev1 (X) NIL \"y\" 5\n"
                              "S: A001 OK done\n" NOOP("A002"),
                              NULL);
    const char *const *caps = NULL;
    size_t n = 0;
    h_assert_rc(imapclient_capabilities(c, &caps, &n), 0, c);
    assert_int_equal(n, 3);
    assert_string_equal(caps[0], "IMAP4REV1");
    assert_string_equal(caps[1], "Y");
    assert_string_equal(caps[2], "5");
    assert_null(caps[3]);
    usable(c);
}

static void test_hostile__capability_code_unparseable(void **state)
{
    /* a code whose arguments cannot be parsed keeps only code_raw; the
     * capabilities are asked for again rather than guessed */
    imapclient *c = h_connect("S: * OK [CAPABILITY IMAP4rev1 \"unterminated] hi\n"
                              "C: A001 CAPABILITY\n"
                              "S: * CAPABILITY IMAP4rev1 IDLE\n"
                              "S: A001 OK done\n",
                              NULL);
    h_assert_rc(imapclient_has_capability(c, "IDLE"), 1, c);
    h_done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile__fetch_uid_past_2_32_is_malformed),
        cmocka_unit_test(test_hostile__fetch_uid_as_string_is_malformed),
        cmocka_unit_test(test_hostile__fetch_items_of_wrong_types),
        cmocka_unit_test(test_hostile__fetch_numbers_at_and_past_64_bits),
        cmocka_unit_test(test_hostile__fetch_message_number_past_2_32),
        cmocka_unit_test(test_hostile__fetch_data_not_a_list),
        cmocka_unit_test(test_hostile__fetch_item_names_of_wrong_types),
        cmocka_unit_test(test_hostile__fetch_domino_wrapped_item),
        cmocka_unit_test(test_hostile__fetch_one_message_repeated),
        cmocka_unit_test(test_hostile__fetch_flag_members_of_wrong_types),
        cmocka_unit_test(test_hostile__fetch_envelope_of_wrong_types),
        cmocka_unit_test(test_hostile__fetch_bodystructure_very_deep),
        cmocka_unit_test(test_hostile__fetch_bodystructure_of_wrong_types),
        cmocka_unit_test(test_hostile__fetch_each_items_of_wrong_types),
        cmocka_unit_test(test_hostile__fetch_each_sink_literal_then_eof),
        cmocka_unit_test(test_hostile__fetch_literal8_and_nul_bytes),
        cmocka_unit_test(test_hostile__list_flags_not_a_list),
        cmocka_unit_test(test_hostile__list_delimiter_a_list),
        cmocka_unit_test(test_hostile__list_name_a_list),
        cmocka_unit_test(test_hostile__list_too_short),
        cmocka_unit_test(test_hostile__list_scalars_where_strings_belong),
        cmocka_unit_test(test_hostile__status_items_not_a_list),
        cmocka_unit_test(test_hostile__status_values_of_wrong_types),
        cmocka_unit_test(test_hostile__status_other_folders_kept),
        cmocka_unit_test(test_hostile__status_unquoted_words_are_ours),
        cmocka_unit_test(test_hostile__status_only_another_name),
        cmocka_unit_test(test_hostile__select_data_of_wrong_types),
        cmocka_unit_test(test_hostile__select_exists_past_2_32),
        cmocka_unit_test(test_hostile__namespace_kind_a_string),
        cmocka_unit_test(test_hostile__namespace_prefix_a_list),
        cmocka_unit_test(test_hostile__namespace_two_kinds),
        cmocka_unit_test(test_hostile__namespace_entry_too_short),
        cmocka_unit_test(test_hostile__namespace_none),
        cmocka_unit_test(test_hostile__namespace_second_reply_kept),
        cmocka_unit_test(test_hostile__namespace_all_nil_and_scalars),
        cmocka_unit_test(test_hostile__capability_members_of_wrong_types),
        cmocka_unit_test(test_hostile__capability_code_unparseable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
