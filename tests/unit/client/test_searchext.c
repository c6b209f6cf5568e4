/* Search and fetch extensions on the RFCs' own examples: IMAP4rev2 SEARCH
 * answered with ESEARCH (RFC 9051), SEARCH without CHARSET under
 * UTF8=ACCEPT (RFC 6855), WITHIN (RFC 5032), OBJECTID (RFC 8474), SAVEDATE
 * (RFC 8514), PREVIEW (RFC 8970), BINARY in FETCH (RFC 3516), SEARCHRES
 * (RFC 5182), PARTIAL (RFC 9394), ESORT (RFC 5267), MULTISEARCH (RFC 7377);
 * the non-blocking forms' capability checks. */
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
        fail_msg("connect returned %d (%s)", rc, imapclient_errmsg(c));
    return c;
}

static void finish(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent: %s", imapclient_script_sent(c));
    imapclient_free(c);
}

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

/* A selected folder on a server with caps; the rest of the script after. */
static imapclient *selected(const char *caps, const char *rest)
{
    size_t n = strlen(caps) + strlen(rest) + 200;
    char *s = malloc(n);
    snprintf(s, n,
             "S: * PREAUTH [CAPABILITY IMAP4rev1 %s] hi\n"
             "C: A001 SELECT INBOX\n"
             "S: * 3 EXISTS\n"
             "S: A001 OK [READ-WRITE] done\n"
             "%s",
             caps, rest);
    imapclient *c = play(s);
    free(s);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    return c;
}

static void assert_ids(const uint32_t *ids, size_t n, const uint32_t *want, size_t wn)
{
    assert_int_equal(n, wn);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids[i], want[i]);
}

#define IDS(...)                                                                         \
    (const uint32_t[]){__VA_ARGS__}, sizeof((const uint32_t[]){__VA_ARGS__}) / 4

/* ---- IMAP4rev2 SEARCH -------------------------------------------------------- */

static void test_searchext__rev2_search_esearch(void **state)
{
    /* RFC 9051 section 6.4.4: SEARCH is answered with ESEARCH; the ids
     * come out as SEARCH's would; another command's ESEARCH is not ours */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev2] hi\n"
                         "C: A001 SELECT INBOX\n"
                         "S: * 12 EXISTS\n"
                         "S: A001 OK [READ-WRITE] done\n"
                         "C: A002 UID SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\n"
                         "S: * ESEARCH (TAG \"A999\") UID ALL 1\n"
                         "S: * ESEARCH (TAG \"A002\") UID ALL 2,10:11\n"
                         "S: A002 OK SEARCH completed\n"
                         "C: A003 UID SEARCH DELETED\n"
                         "S: * ESEARCH (TAG \"A003\") UID\n"
                         "S: A003 OK done\n"
                         "C: A004 UID SEARCH MODSEQ 5\n"
                         "S: * ESEARCH (TAG \"A004\") UID ALL 7:6 MODSEQ 917162500\n"
                         "S: A004 OK done\n"
                         "C: A005 NOOP\n"
                         "S: A005 OK done\n");
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    imapclient_ids *ids = NULL;
    check(imapclient_search(c,
                            (const char *[]){"FLAGGED", "SINCE", "1-Feb-1994", "NOT",
                                             "FROM", "Smith", NULL},
                            NULL, &ids),
          c);
    assert_ids(ids->ids, ids->count, IDS(2, 10, 11));
    imapclient_ids_free(ids);
    check(imapclient_search(c, (const char *[]){"DELETED", NULL}, NULL, &ids), c);
    assert_int_equal(ids->count, 0);
    imapclient_ids_free(ids);
    check(imapclient_search(c, (const char *[]){"MODSEQ", "5", NULL}, NULL, &ids), c);
    assert_ids(ids->ids, ids->count, IDS(6, 7));
    assert_true(ids->has_modseq);
    assert_true(ids->modseq == 917162500u);
    imapclient_ids_free(ids);
    imapclient_responses *r = NULL;
    check(imapclient_noop(c, &r), c);
    assert_int_equal(r->count, 1);
    assert_string_equal(r->items[0].name, "ESEARCH");
    imapclient_responses_free(r);
    finish(c);
}

/* ---- UTF8=ACCEPT ----------------------------------------------------------------- */

static void test_searchext__utf8_accept_no_charset(void **state)
{
    /* RFC 6855 section 3 (erratum 4029): no CHARSET on SEARCH once
     * UTF8=ACCEPT is on; SORT and THREAD say UTF-8 */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ ENABLE UTF8=ACCEPT SORT "
             "THREAD=REFERENCES ESEARCH] hi\n"
             "C: A001 ENABLE UTF8=ACCEPT\n"
             "S: * ENABLED UTF8=ACCEPT\n"
             "S: A001 OK done\n"
             "C: A002 SELECT INBOX\n"
             "S: A002 OK [READ-WRITE] done\n"
             "C: A003 UID SEARCH SUBJECT {5+}\n"
             "C: caf\xc3\xa9\n"
             "S: * SEARCH 3\n"
             "S: A003 OK done\n"
             "C: A004 UID SEARCH TEXT {5+}\n"
             "C: caf\xc3\xa9\n"
             "S: * SEARCH\n"
             "S: A004 OK done\n"
             "C: A005 UID SORT (DATE) UTF-8 SUBJECT {5+}\n"
             "C: caf\xc3\xa9\n"
             "S: * SORT 3\n"
             "S: A005 OK done\n"
             "C: A006 UID SEARCH RETURN (COUNT) SUBJECT x\n"
             "S: * ESEARCH (TAG \"A006\") UID COUNT 0\n"
             "S: A006 OK done\n");
    check(imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", NULL}, NULL), c);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    imapclient_ids *ids = NULL;
    check(imapclient_search(c, (const char *[]){"SUBJECT", "caf\xc3\xa9", NULL}, "UTF-8",
                            &ids),
          c);
    assert_int_equal(ids->count, 1);
    imapclient_ids_free(ids);
    /* no charset: the criteria are UTF-8 anyway */
    check(imapclient_search(c, (const char *[]){"TEXT", "caf\xc3\xa9", NULL}, NULL, &ids),
          c);
    imapclient_ids_free(ids);
    check(imapclient_sort(c, (const char *[]){"DATE", NULL},
                          (const char *[]){"SUBJECT", "caf\xc3\xa9", NULL}, "US-ASCII",
                          &ids),
          c);
    imapclient_ids_free(ids);
    /* another charset cannot be honoured: refused before sending */
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", "x", NULL}, "ISO-8859-1", &ids),
        IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "UTF8=ACCEPT"));
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", "\xff", NULL}, NULL, &ids),
        IMAPCLIENT_EINVAL);
    imapclient_esearch_result *e = NULL;
    check(imapclient_esearch(c, (const char *[]){"SUBJECT", "x", NULL}, "UTF-8",
                             (const char *[]){"COUNT", NULL}, &e),
          c);
    assert_true(e->has_count);
    imapclient_esearch_result_free(e);
    finish(c);
}

/* ---- extension search keys ------------------------------------------------------- */

static void test_searchext__within_objectid_savedate_keys(void **state)
{
    /* RFC 5032 section 4, RFC 8474 section 6, RFC 8514 section 4 */
    imapclient *c = selected("WITHIN OBJECTID SAVEDATE",
                             "C: A002 UID SEARCH UNSEEN YOUNGER 259200\n"
                             "S: * SEARCH 4 8 15 16 23 42\n"
                             "S: A002 OK done\n"
                             "C: A003 UID SEARCH EMAILID M6d99ac3275bb4e\n"
                             "S: * SEARCH 1\n"
                             "S: A003 OK done\n"
                             "C: A004 UID SEARCH OR THREADID T64b478a75b7ea9 "
                             "SAVEDSINCE 1-Mar-2018\n"
                             "S: * SEARCH 1 2\n"
                             "S: A004 OK done\n"
                             "C: A005 UID SEARCH NOT (OLDER 60 SAVEDATESUPPORTED)\n"
                             "S: * SEARCH\n"
                             "S: A005 OK done\n");
    imapclient_ids *ids = NULL;
    check(imapclient_search(c, (const char *[]){"UNSEEN", "YOUNGER", "259200", NULL},
                            NULL, &ids),
          c);
    assert_ids(ids->ids, ids->count, IDS(4, 8, 15, 16, 23, 42));
    imapclient_ids_free(ids);
    check(imapclient_search(c, (const char *[]){"EMAILID", "M6d99ac3275bb4e", NULL}, NULL,
                            &ids),
          c);
    imapclient_ids_free(ids);
    check(imapclient_search(c,
                            (const char *[]){"OR", "THREADID", "T64b478a75b7ea9",
                                             "SAVEDSINCE", "1-Mar-2018", NULL},
                            NULL, &ids),
          c);
    assert_int_equal(ids->count, 2);
    imapclient_ids_free(ids);
    check(imapclient_search(
              c,
              (const char *[]){"NOT", "(", "OLDER", "60", "SAVEDATESUPPORTED", ")", NULL},
              NULL, &ids),
          c);
    imapclient_ids_free(ids);
    finish(c);
}

static void test_searchext__extension_keys_need_capabilities(void **state)
{
    /* refused before sending; a key's argument that looks like a key is
     * not one; unknown keys end the walk */
    imapclient *c =
        selected("ESEARCH", "C: A002 UID SEARCH SUBJECT OLDER HEADER X-Within YOUNGER\n"
                            "S: * SEARCH\n"
                            "S: A002 OK done\n"
                            "C: A003 UID SEARCH X-UNKNOWN OLDER 5\n"
                            "S: * SEARCH\n"
                            "S: A003 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"OLDER", "60", NULL}, NULL, &ids),
        IMAPCLIENT_ECAPABILITY);
    assert_non_null(strstr(imapclient_errmsg(c), "WITHIN"));
    assert_int_equal(
        imapclient_search(c, (const char *[]){"NOT", "EMAILID", "x", NULL}, NULL, &ids),
        IMAPCLIENT_ECAPABILITY);
    assert_int_equal(
        imapclient_search(c, (const char *[]){"SAVEDBEFORE", "1-Jan-2020", NULL}, NULL,
                          &ids),
        IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_search(c, (const char *[]){"UID", "$", NULL}, NULL, &ids),
                     IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_sort(c, (const char *[]){"DATE", NULL},
                                     (const char *[]){"YOUNGER", "5", NULL}, NULL, &ids),
                     IMAPCLIENT_ECAPABILITY); /* no SORT either */
    imapclient_esearch_result *e = NULL;
    assert_int_equal(
        imapclient_esearch(c, (const char *[]){"YOUNGER", "5", NULL}, NULL, NULL, &e),
        IMAPCLIENT_ECAPABILITY);
    check(imapclient_search(
              c,
              (const char *[]){"SUBJECT", "OLDER", "HEADER", "X-Within", "YOUNGER", NULL},
              NULL, &ids),
          c);
    imapclient_ids_free(ids);
    check(imapclient_search(c, (const char *[]){"X-UNKNOWN", "OLDER", "5", NULL}, NULL,
                            &ids),
          c);
    imapclient_ids_free(ids);
    finish(c);
}

/* ---- FETCH: OBJECTID, SAVEDATE, PREVIEW, BINARY ------------------------------------ */

static void test_searchext__fetch_objectid(void **state)
{
    /* RFC 8474 section 5 */
    imapclient *c = selected(
        "OBJECTID",
        "C: A002 UID FETCH 1:* (EMAILID THREADID)\n"
        "S: * 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9) UID 1)\n"
        "S: * 2 FETCH (EMAILID (M288836c4c7a762) THREADID (T64b478a75b7ea9) UID 2)\n"
        "S: * 3 FETCH (EMAILID (M5fdc09b49ea703) THREADID NIL UID 11)\n"
        "S: * 4 FETCH (EMAILID (bad id!) UID 12)\n"
        "S: A002 OK Completed (0.000 sec)\n");
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "1:*", (const char *[]){"EMAILID", "THREADID", NULL}, NULL,
                           &r),
          c);
    assert_int_equal(r->count, 4);
    assert_string_equal(imapclient_fetch_result_get(r, 1)->emailid, "M6d99ac3275bb4e");
    assert_string_equal(imapclient_fetch_result_get(r, 2)->threadid, "T64b478a75b7ea9");
    assert_string_equal(imapclient_fetch_result_get(r, 11)->emailid, "M5fdc09b49ea703");
    assert_null(imapclient_fetch_result_get(r, 11)->threadid);
    assert_null(imapclient_fetch_result_get(r, 12)->emailid); /* kept in items only */
    assert_non_null(
        imapclient_message_item(imapclient_fetch_result_get(r, 12), "EMAILID"));
    imapclient_fetch_result_free(r);
    finish(c);
}

static void test_searchext__fetch_savedate_preview(void **state)
{
    /* RFC 8514 section 3, RFC 8970 section 3 */
    imapclient *c = selected(
        "SAVEDATE PREVIEW", "C: A002 UID FETCH 1:3 (SAVEDATE PREVIEW (LAZY))\n"
                            "S: * 1 FETCH (UID 1 SAVEDATE \"17-Jul-1996 02:44:25 -0700\" "
                            "PREVIEW \"Preview text\")\n"
                            "S: * 2 FETCH (UID 2 SAVEDATE NIL PREVIEW NIL)\n"
                            "S: * 3 FETCH (UID 3 PREVIEW {9}\n"
                            "S: caf\xc3\xa9 \xe2\x98\x95)\n"
                            "S: A002 OK done\n");
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "1:3", (const char *[]){"SAVEDATE", "PREVIEW (LAZY)", NULL},
                           NULL, &r),
          c);
    const imapclient_message *m = imapclient_fetch_result_get(r, 1);
    assert_true(m->has_savedate);
    int64_t t = 0;
    check(imapclient_datetime_to_epoch(&m->savedate, &t), c);
    assert_int_equal(t, 837596665);
    assert_string_equal(m->preview, "Preview text");
    assert_int_equal(m->preview_len, 12);
    m = imapclient_fetch_result_get(r, 2);
    assert_false(m->has_savedate);
    assert_null(m->preview);
    m = imapclient_fetch_result_get(r, 3);
    assert_int_equal(m->preview_len, 9);
    assert_memory_equal(m->preview, "caf\xc3\xa9 \xe2\x98\x95", 9);
    imapclient_fetch_result_free(r);
    finish(c);
}

static void test_searchext__fetch_binary(void **state)
{
    /* RFC 3516 section 4.3: BINARY.SIZE, BINARY[] as a literal8 with NUL
     * bytes, a partial BINARY, and NIL */
    imapclient *c =
        selected("BINARY", "C: A002 UID FETCH 4 (BINARY.SIZE[1] BINARY.PEEK[1] "
                           "BINARY.PEEK[2]<0.2> BINARY.PEEK[3])\n"
                           "S: * 2 FETCH (UID 4 BINARY.SIZE[1] 5 BINARY[1] ~{5}\n"
                           "S% a%00b%0D%0A BINARY[2]<0> ~{2}%0D%0A\n"
                           "S% %00%01 BINARY[3] NIL)%0D%0A\n"
                           "S: A002 OK done\n");
    imapclient_fetch_result *r = NULL;
    check(
        imapclient_fetch(c, "4",
                         (const char *[]){"BINARY.SIZE[1]", "BINARY.PEEK[1]",
                                          "BINARY.PEEK[2]<0.2>", "BINARY.PEEK[3]", NULL},
                         NULL, &r),
        c);
    const imapclient_message *m = &r->msgs[0];
    uint64_t size = 0;
    assert_int_equal(imapclient_message_binary_size(m, "1", &size), 1);
    assert_int_equal(size, 5);
    assert_int_equal(imapclient_message_binary_size(m, "2", &size), 0);
    const char *data = NULL;
    size_t len = 0;
    assert_int_equal(imapclient_message_binary(m, "1", &data, &len), 1);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "a\0b\r\n", 5);
    assert_int_equal(imapclient_message_binary(m, "2", &data, &len), 1);
    assert_memory_equal(data, "\0\1", 2);
    assert_int_equal(imapclient_message_binary(m, "3", &data, &len), 1);
    assert_null(data);
    assert_int_equal(imapclient_message_binary(m, "4", &data, &len), 0);
    assert_int_equal(imapclient_message_binary(m, "", &data, &len), 0);
    assert_int_equal(imapclient_message_binary(NULL, "1", &data, &len), 0);
    imapclient_fetch_result_free(r);
    finish(c);
}

typedef struct sunk {
    char buf[64];
    size_t n;
    char name[32];
    int msgs;
} sunk;

static int sink_cb(void *p, uint32_t seq, const char *name, const char *data, size_t len)
{
    sunk *s = p;
    snprintf(s->name, sizeof s->name, "%s", name);
    assert_true(s->n + len <= sizeof s->buf);
    memcpy(s->buf + s->n, data, len);
    s->n += len;
    return 0;
}

static int msg_cb(void *p, const imapclient_message *m)
{
    sunk *s = p;
    s->msgs++;
    assert_non_null(imapclient_message_item(m, "BINARY[1]"));
    return 0;
}

static void test_searchext__fetch_each_binary_sink(void **state)
{
    /* the streaming form: a literal8 goes to the sink */
    imapclient *c = selected("BINARY", "C: A002 UID FETCH 4 (BINARY.PEEK[1])\n"
                                       "S: * 2 FETCH (UID 4 BINARY[1] ~{6}\n"
                                       "S% %00%01%02%FF%0D%0A)%0D%0A\n"
                                       "S: A002 OK done\n");
    sunk s = {0};
    check(imapclient_fetch_each(c, "4", (const char *[]){"BINARY.PEEK[1]", NULL}, NULL,
                                msg_cb, sink_cb, 1, &s),
          c);
    assert_int_equal(s.msgs, 1);
    assert_int_equal(s.n, 6);
    assert_memory_equal(s.buf, "\0\1\2\xff\r\n", 6);
    assert_string_equal(s.name, "BINARY[1]");
    finish(c);
}

static void test_searchext__fetch_items_need_capabilities(void **state)
{
    imapclient *c = selected("ESEARCH", "");
    imapclient_fetch_result *r = NULL;
    const char *const *bad[] = {(const char *[]){"BINARY[1]", NULL},
                                (const char *[]){"BINARY.PEEK[]", NULL},
                                (const char *[]){"BINARY.SIZE[1]", NULL},
                                (const char *[]){"FLAGS", "EMAILID", NULL},
                                (const char *[]){"THREADID", NULL},
                                (const char *[]){"SAVEDATE", NULL},
                                (const char *[]){"PREVIEW (LAZY)", NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(imapclient_fetch(c, "1", bad[i], NULL, &r),
                         IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_fetch(c, "1", (const char *[]){"FLAGS", NULL},
                                      (const char *[]){"PARTIAL -1:-30", NULL}, &r),
                     IMAPCLIENT_ECAPABILITY);
    sunk s = {0};
    assert_int_equal(imapclient_fetch_each(c, "1", bad[0], NULL, msg_cb, NULL, 0, &s),
                     IMAPCLIENT_ECAPABILITY);
    /* "$" without SEARCHRES */
    assert_int_equal(imapclient_fetch(c, "$", (const char *[]){"FLAGS", NULL}, NULL, &r),
                     IMAPCLIENT_ECAPABILITY);
    assert_int_equal(
        imapclient_add_flags(c, "$", (const char *[]){"\\Seen", NULL}, 1, NULL),
        IMAPCLIENT_ECAPABILITY);
    /* names that only start like an extension's are not it */
    finish(c);
}

/* ---- SEARCHRES ------------------------------------------------------------------------
 */

static void test_searchext__searchres(void **state)
{
    /* RFC 5182 section 2.1: SAVE, then "$" in FETCH, COPY, STORE and in
     * criteria */
    imapclient *c = selected("ESEARCH SEARCHRES UIDPLUS",
                             "C: A002 UID SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 "
                             "NOT FROM Smith\n"
                             "S: A002 OK SEARCH completed, result saved\n"
                             "C: A003 UID FETCH $ (UID INTERNALDATE FLAGS RFC822.SIZE)\n"
                             "S: * 2 FETCH (UID 14 INTERNALDATE \"17-Jul-1996 02:44:25 "
                             "-0700\" FLAGS (\\Seen \\Flagged) RFC822.SIZE 44827)\n"
                             "S: * 3 FETCH (UID 15 FLAGS (\\Flagged) RFC822.SIZE 4282)\n"
                             "S: A003 OK done\n"
                             "C: A004 UID COPY $ \"SMITH-2004\"\n"
                             "S: A004 OK done\n"
                             "C: A005 UID STORE $ +FLAGS.SILENT (\\Seen)\n"
                             "S: A005 OK done\n"
                             "C: A006 UID SEARCH RETURN (MIN SAVE) $ SMALLER 4096\n"
                             "S: * ESEARCH (TAG \"A006\") UID MIN 15\n"
                             "S: A006 OK done\n");
    imapclient_esearch_result *e = NULL;
    check(imapclient_esearch(c,
                             (const char *[]){"FLAGGED", "SINCE", "1-Feb-1994", "NOT",
                                              "FROM", "Smith", NULL},
                             NULL, (const char *[]){"SAVE", NULL}, &e),
          c);
    assert_int_equal(e->id_count, 0);
    imapclient_esearch_result_free(e);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(
              c, "$",
              (const char *[]){"UID", "INTERNALDATE", "FLAGS", "RFC822.SIZE", NULL}, NULL,
              &r),
          c);
    assert_int_equal(r->count, 2);
    assert_int_equal(imapclient_fetch_result_get(r, 15)->size, 4282);
    imapclient_fetch_result_free(r);
    check(imapclient_copy(c, "$", "SMITH-2004", NULL), c);
    check(imapclient_add_flags(c, "$", (const char *[]){"\\Seen", NULL}, 1, NULL), c);
    check(imapclient_esearch(c, (const char *[]){"$", "SMALLER", "4096", NULL}, NULL,
                             (const char *[]){"MIN", "SAVE", NULL}, &e),
          c);
    assert_int_equal(e->min, 15);
    imapclient_esearch_result_free(e);
    finish(c);
}

static void test_searchext__save_needs_searchres(void **state)
{
    imapclient *c = selected("ESEARCH", "");
    imapclient_esearch_result *e = NULL;
    assert_int_equal(
        imapclient_esearch(c, NULL, NULL, (const char *[]){"SAVE", NULL}, &e),
        IMAPCLIENT_ECAPABILITY);
    assert_int_equal(
        imapclient_esearch(c, NULL, NULL, (const char *[]){"PARTIAL 1:10", NULL}, &e),
        IMAPCLIENT_ECAPABILITY);
    assert_int_equal(
        imapclient_esearch(c, NULL, NULL, (const char *[]){"PARTIAL", NULL}, &e),
        IMAPCLIENT_EINVAL);
    assert_int_equal(
        imapclient_esearch(c, NULL, NULL, (const char *[]){"PARTIAL 1:-10", NULL}, &e),
        IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_search_partial(c, NULL, NULL, 0, 10, &e),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_search_partial(c, NULL, NULL, -1, 10, &e),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_search_partial(c, NULL, NULL, 1, 4294967296LL, &e),
                     IMAPCLIENT_EINVAL);
    assert_null(e);
    finish(c);
}

/* ---- PARTIAL ----------------------------------------------------------------------- */

static void test_searchext__partial(void **state)
{
    /* RFC 9394 section 3: pages of search results, from the start and
     * from the end; NIL when the page is empty; FETCH with PARTIAL */
    imapclient *c = selected(
        "ESEARCH PARTIAL",
        "C: A002 UID SEARCH RETURN (PARTIAL 1:500) UNDELETED\n"
        "S: * ESEARCH (TAG \"A002\") UID PARTIAL (1:500 200:250,322:343)\n"
        "S: A002 OK done\n"
        "C: A003 UID SEARCH RETURN (COUNT PARTIAL -1:-100) UNDELETED\n"
        "S: * ESEARCH (TAG \"A003\") UID COUNT 78 PARTIAL (-1:-100 342,320:300)\n"
        "S: A003 OK done\n"
        "C: A004 UID SEARCH RETURN (COUNT PARTIAL 101:200) UNDELETED\n"
        "S: * ESEARCH (TAG \"A004\") UID COUNT 78 PARTIAL (101:200 NIL)\n"
        "S: A004 OK done\n"
        "C: A005 UID FETCH 1:* (FLAGS) (PARTIAL -1:-2)\n"
        "S: * 3 FETCH (UID 342 FLAGS (\\Seen))\n"
        "S: * 2 FETCH (UID 320 FLAGS ())\n"
        "S: A005 OK done\n");
    imapclient_esearch_result *e = NULL;
    check(imapclient_esearch(c, (const char *[]){"UNDELETED", NULL}, NULL,
                             (const char *[]){"PARTIAL 1:500", NULL}, &e),
          c);
    assert_true(e->has_partial);
    assert_int_equal(e->partial_first, 1);
    assert_int_equal(e->partial_last, 500);
    assert_string_equal(e->partial, "200:250,322:343");
    assert_int_equal(e->partial_count, 51 + 22);
    assert_int_equal(e->partial_ids[0], 200);
    assert_int_equal(e->partial_ids[72], 343);
    imapclient_esearch_result_free(e);
    check(imapclient_search_partial(c, (const char *[]){"UNDELETED", NULL}, NULL, -1,
                                    -100, &e),
          c);
    assert_int_equal(e->count, 78);
    assert_true(e->partial_first == -1 && e->partial_last == -100);
    /* in the server's order: 342, then 320 down to 300 */
    assert_int_equal(e->partial_count, 22);
    assert_int_equal(e->partial_ids[0], 342);
    assert_int_equal(e->partial_ids[1], 320);
    assert_int_equal(e->partial_ids[21], 300);
    imapclient_esearch_result_free(e);
    check(imapclient_search_partial(c, (const char *[]){"UNDELETED", NULL}, NULL, 101,
                                    200, &e),
          c);
    assert_true(e->has_partial);
    assert_null(e->partial);
    assert_int_equal(e->partial_count, 0);
    imapclient_esearch_result_free(e);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "1:*", (const char *[]){"FLAGS", NULL},
                           (const char *[]){"PARTIAL -1:-2", NULL}, &r),
          c);
    assert_int_equal(r->count, 2);
    imapclient_fetch_result_free(r);
    finish(c);
}

/* ---- ESORT ----------------------------------------------------------------------- */

static void test_searchext__esort(void **state)
{
    /* RFC 5267 section 3.2: SORT with RETURN; ALL in sort order */
    imapclient *c = selected(
        "SORT ESORT", "C: A002 UID SORT RETURN (MIN COUNT) (DATE) UTF-8 SINCE "
                      "1-Feb-1994\n"
                      "S: * ESEARCH (TAG \"A002\") UID MIN 2 COUNT 3\n"
                      "S: A002 OK SORT completed\n"
                      "C: A003 UID SORT RETURN (ALL) (REVERSE DATE) UTF-8 UNDELETED "
                      "UNKEYWORD $Junk\n"
                      "S: * ESEARCH (TAG \"A003\") UID ALL 23765,23764,23763,23761,"
                      "23754:23752\n"
                      "S: A003 OK SORT completed\n");
    imapclient_esearch_result *e = NULL;
    check(imapclient_esort(c, (const char *[]){"DATE", NULL},
                           (const char *[]){"SINCE", "1-Feb-1994", NULL}, NULL,
                           (const char *[]){"MIN", "COUNT", NULL}, &e),
          c);
    assert_true(e->has_min && e->has_count);
    assert_int_equal(e->min, 2);
    assert_int_equal(e->count, 3);
    imapclient_esearch_result_free(e);
    check(imapclient_esort(c, (const char *[]){"reverse date", NULL},
                           (const char *[]){"UNDELETED", "UNKEYWORD", "$Junk", NULL},
                           NULL, (const char *[]){"ALL", NULL}, &e),
          c);
    assert_ids(e->ids, e->id_count, IDS(23765, 23764, 23763, 23761, 23754, 23753, 23752));
    imapclient_esearch_result_free(e);
    finish(c);
}

static void test_searchext__esort_needs_capability(void **state)
{
    imapclient *c = selected("SORT", "");
    imapclient_esearch_result *e = NULL;
    assert_int_equal(
        imapclient_esort(c, (const char *[]){"DATE", NULL}, NULL, NULL, NULL, &e),
        IMAPCLIENT_ECAPABILITY);
    finish(c);
}

/* ---- MULTISEARCH ------------------------------------------------------------------ */

static void test_searchext__multisearch(void **state)
{
    /* RFC 7377 section 2.1, without a folder selected */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 ESEARCH MULTISEARCH] hi\n"
             "C: A001 ESEARCH IN (mailboxes folder1 subtree-one folder2) UNSEEN\n"
             "S: * ESEARCH (TAG \"A001\" MAILBOX \"folder1\" UIDVALIDITY 1) UID ALL "
             "4001,4003,4005,4007,4009\n"
             "S: * ESEARCH (TAG \"A001\" MAILBOX \"folder2/salmon\" UIDVALIDITY 1111111) "
             "UID ALL 3001:3004,3788\n"
             "S: A001 OK done\n"
             "C: A002 ESEARCH IN (personal subtree (Lists \"Other &AOk-\")) RETURN (MIN "
             "COUNT) FLAGGED\n"
             "S: * ESEARCH (TAG \"A002\" MAILBOX \"Lists/x\" UIDVALIDITY 7) UID MIN 3 "
             "COUNT 2\n"
             "S: A002 OK done\n"
             "C: A003 ESEARCH IN (inboxes) DELETED\n"
             "S: A003 OK done\n");
    imapclient_multisearch_result *m = NULL;
    imapclient_search_source src[] = {
        {IMAPCLIENT_IN_MAILBOXES, (const char *[]){"folder1", NULL}},
        {IMAPCLIENT_IN_SUBTREE_ONE, (const char *[]){"folder2", NULL}}};
    check(imapclient_multisearch(c, src, 2, (const char *[]){"UNSEEN", NULL}, NULL, NULL,
                                 &m),
          c);
    assert_int_equal(m->count, 2);
    assert_string_equal(m->mailboxes[0].mailbox, "folder1");
    assert_int_equal(m->mailboxes[0].uidvalidity, 1);
    assert_true(m->mailboxes[0].result.uid);
    assert_ids(m->mailboxes[0].result.ids, m->mailboxes[0].result.id_count,
               IDS(4001, 4003, 4005, 4007, 4009));
    assert_string_equal(m->mailboxes[1].mailbox, "folder2/salmon");
    assert_int_equal(m->mailboxes[1].uidvalidity, 1111111);
    assert_int_equal(m->mailboxes[1].result.id_count, 5);
    imapclient_multisearch_result_free(m);
    imapclient_search_source src2[] = {
        {IMAPCLIENT_IN_PERSONAL, NULL},
        {IMAPCLIENT_IN_SUBTREE, (const char *[]){"Lists", "Other \xc3\xa9", NULL}}};
    check(imapclient_multisearch(c, src2, 2, (const char *[]){"FLAGGED", NULL}, NULL,
                                 (const char *[]){"MIN", "COUNT", NULL}, &m),
          c);
    assert_int_equal(m->count, 1);
    assert_int_equal(m->mailboxes[0].result.min, 3);
    assert_int_equal(m->mailboxes[0].result.count, 2);
    imapclient_multisearch_result_free(m);
    imapclient_search_source src3[] = {{IMAPCLIENT_IN_INBOXES, NULL}};
    check(imapclient_multisearch(c, src3, 1, (const char *[]){"DELETED", NULL}, NULL,
                                 NULL, &m),
          c);
    assert_int_equal(m->count, 0);
    imapclient_multisearch_result_free(m);
    finish(c);
}

static void test_searchext__multisearch_refused(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 ESEARCH] hi\n");
    imapclient_multisearch_result *m = NULL;
    imapclient_search_source ok[] = {{IMAPCLIENT_IN_PERSONAL, NULL}};
    assert_int_equal(imapclient_multisearch(c, ok, 1, NULL, NULL, NULL, &m),
                     IMAPCLIENT_ECAPABILITY);
    imapclient_search_source no_names[] = {{IMAPCLIENT_IN_SUBTREE, NULL}};
    assert_int_equal(imapclient_multisearch(c, no_names, 1, NULL, NULL, NULL, &m),
                     IMAPCLIENT_EINVAL);
    imapclient_search_source names[] = {
        {IMAPCLIENT_IN_INBOXES, (const char *[]){"x", NULL}}};
    assert_int_equal(imapclient_multisearch(c, names, 1, NULL, NULL, NULL, &m),
                     IMAPCLIENT_EINVAL);
    imapclient_search_source unknown[] = {{(imapclient_search_in)99, NULL}};
    assert_int_equal(imapclient_multisearch(c, unknown, 1, NULL, NULL, NULL, &m),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_multisearch(c, ok, 0, NULL, NULL, NULL, &m),
                     IMAPCLIENT_EINVAL);
    assert_null(m);
    finish(c);
}

/* ---- Gmail labels under UTF-8 -------------------------------------------------------
 */

static void test_searchext__gmail_labels_utf8(void **state)
{
    /* labels are mailbox names: UTF-8 both ways once UTF8=ACCEPT is on */
    imapclient *c =
        play("S: * PREAUTH [CAPABILITY IMAP4rev1 X-GM-EXT-1 ENABLE UTF8=ACCEPT] hi\n"
             "C: A001 ENABLE UTF8=ACCEPT\n"
             "S: * ENABLED UTF8=ACCEPT\n"
             "S: A001 OK done\n"
             "C: A002 SELECT INBOX\n"
             "S: A002 OK [READ-WRITE] done\n"
             "C: A003 UID FETCH 1 (X-GM-LABELS)\n"
             "S: * 1 FETCH (UID 1 X-GM-LABELS (\"caf\xc3\xa9\" A&-B))\n"
             "S: A003 OK done\n"
             "C: A004 UID STORE 1 +X-GM-LABELS (\"caf\xc3\xa9\")\n"
             "S: * 1 FETCH (UID 1 X-GM-LABELS (\"caf\xc3\xa9\" A&-B))\n"
             "S: A004 OK done\n"
             "C: A005 UID FETCH 1 (X-GM-LABELS)\n"
             "S: * 1 FETCH (UID 1 X-GM-LABELS (A&-B))\n"
             "S: A005 OK done\n");
    check(imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", NULL}, NULL), c);
    check(imapclient_select_folder(c, "INBOX", 0, NULL), c);
    imapclient_flags_result *f = NULL;
    check(imapclient_get_gmail_labels(c, "1", &f), c);
    assert_string_equal(f->msgs[0].flags[0], "caf\xc3\xa9");
    assert_string_equal(f->msgs[0].flags[1], "A&-B"); /* not modified UTF-7 now */
    imapclient_flags_result_free(f);
    check(
        imapclient_add_gmail_labels(c, "1", (const char *[]){"caf\xc3\xa9", NULL}, 0, &f),
        c);
    imapclient_flags_result_free(f);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, "1", (const char *[]){"X-GM-LABELS", NULL}, NULL, &r), c);
    assert_string_equal(r->msgs[0].gm_labels[0], "A&-B");
    imapclient_fetch_result_free(r);
    finish(c);
}

/* ---- the non-blocking forms ------------------------------------------------------ */

typedef struct got {
    int n;
    int status[4];
} got;

static got *the_got;

/* d->user is the index of the command */
static void on_done(imapclient *c, imapclient_completion *d)
{
    the_got->n++;
    the_got->status[(intptr_t)d->user] = d->status;
}

static void test_searchext__async_checks(void **state)
{
    /* the capabilities are asked when the commands go out; what the
     * server lacks completes with ECAPABILITY, unsent; the rest goes */
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 SELECT INBOX\n"
                         "S: A001 OK [READ-WRITE] done\n"
                         "C: A005 CAPABILITY\n"
                         "S: * CAPABILITY IMAP4rev1 BINARY\n"
                         "S: A005 OK done\n"
                         "C: A003 UID FETCH 1 (BINARY.PEEK[1])\n"
                         "S: * 1 FETCH (UID 1 BINARY[1] ~{1}\n"
                         "S% x)%0D%0A\n"
                         "S: A003 OK done\n");
    got g = {0};
    the_got = &g;
    check(imapclient_start_select_folder(c, "INBOX", 0, on_done, (void *)0, NULL), c);
    check(imapclient_start_search(c, (const char *[]){"YOUNGER", "10", NULL}, NULL,
                                  on_done, (void *)1, NULL),
          c);
    check(imapclient_start_fetch(c, "1", (const char *[]){"BINARY.PEEK[1]", NULL}, NULL,
                                 on_done, (void *)2, NULL),
          c);
    check(imapclient_start_fetch(c, "1", (const char *[]){"EMAILID", NULL}, NULL, on_done,
                                 (void *)3, NULL),
          c);
    for (int i = 0; i < 100 && imapclient_pending_commands(c); i++)
        check(imapclient_drive(c), c);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.status[0], 0);
    assert_int_equal(g.status[1], IMAPCLIENT_ECAPABILITY);
    assert_int_equal(g.status[2], 0);
    assert_int_equal(g.status[3], IMAPCLIENT_ECAPABILITY);
    finish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_searchext__rev2_search_esearch),
        cmocka_unit_test(test_searchext__utf8_accept_no_charset),
        cmocka_unit_test(test_searchext__within_objectid_savedate_keys),
        cmocka_unit_test(test_searchext__extension_keys_need_capabilities),
        cmocka_unit_test(test_searchext__fetch_objectid),
        cmocka_unit_test(test_searchext__fetch_savedate_preview),
        cmocka_unit_test(test_searchext__fetch_binary),
        cmocka_unit_test(test_searchext__fetch_each_binary_sink),
        cmocka_unit_test(test_searchext__fetch_items_need_capabilities),
        cmocka_unit_test(test_searchext__searchres),
        cmocka_unit_test(test_searchext__save_needs_searchres),
        cmocka_unit_test(test_searchext__partial),
        cmocka_unit_test(test_searchext__esort),
        cmocka_unit_test(test_searchext__esort_needs_capability),
        cmocka_unit_test(test_searchext__multisearch),
        cmocka_unit_test(test_searchext__multisearch_refused),
        cmocka_unit_test(test_searchext__gmail_labels_utf8),
        cmocka_unit_test(test_searchext__async_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
