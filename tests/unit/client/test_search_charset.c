/* The charset of search criteria, negotiated (search.c, "the charset"):
 * UTF-8 text works without the caller knowing the server. On canned
 * server bytes: CHARSET UTF-8 by default; none once UTF8=ACCEPT or
 * IMAP4rev2 is on; NO [BADCHARSET (...)] answered by a retry in a charset
 * the server lists that holds the text, else a clear error naming them;
 * BAD to a CHARSET the library added answered by a retry without it; the
 * same for ESEARCH, SORT and THREAD, and for the non-blocking search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define CAFE      "caf\xc3\xa9" /* "café" in UTF-8 */
#define CAFE_L1   "caf\xe9"     /* ... in ISO-8859-1 */
#define PRIVET    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82" /* "Привет" */
#define PRIVET_KR "\xf0\xd2\xc9\xd7\xc5\xd4"                         /* ... in KOI8-R */

#define CAPS "IMAP4rev1 LITERAL+ ESEARCH SORT THREAD=REFERENCES"

/* A handle with INBOX selected (tag A001); the rest of the script follows. */
static imapclient *selected_caps(const char *caps, const char *rest)
{
    char script[8192];
    snprintf(script, sizeof script,
             "S: * PREAUTH [CAPABILITY %s] ready\n"
             "C: A001 SELECT INBOX\n"
             "S: * 3 EXISTS\n"
             "S: A001 OK [READ-WRITE] selected\n"
             "%s",
             caps, rest);
    imapclient *c = NULL;
    if (imapclient_connect_scripted(script, NULL, &c))
        fail_msg("connect: %s", imapclient_errmsg(c));
    if (imapclient_select_folder(c, "INBOX", 0, NULL))
        fail_msg("select: %s", imapclient_errmsg(c));
    return c;
}

static imapclient *selected(const char *rest)
{
    return selected_caps(CAPS, rest);
}

static void done(imapclient *c)
{
    if (!imapclient_script_done(c))
        fail_msg("script not played to the end; sent:\n%s", imapclient_script_sent(c));
    imapclient_free(c);
}

/* A search that must succeed with these ids (0-terminated). */
static void search_gives(imapclient *c, const char *const *criteria, const char *charset,
                         const uint32_t *want)
{
    imapclient_ids *ids = NULL;
    int rc = imapclient_search(c, criteria, charset, &ids);
    if (rc)
        fail_msg("search: %d %s", rc, imapclient_errmsg(c));
    size_t n = 0;
    while (want[n])
        n++;
    assert_int_equal(ids->count, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids->ids[i], want[i]);
    imapclient_ids_free(ids);
}

/* ---- the first attempt -------------------------------------------------------- */

static void test_search_charset__utf8_by_default(void **state)
{
    /* no charset given, 8-bit text: CHARSET UTF-8 and a literal */
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\n"
                             "C: " CAFE "\n"
                             "S: * SEARCH 4 9\n"
                             "S: A002 OK done\n");
    search_gives(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, (uint32_t[]){4, 9, 0});
    done(c);
}

static void test_search_charset__ascii_as_the_reference(void **state)
{
    /* ASCII text: no CHARSET when none is given, the caller's otherwise */
    imapclient *c = selected("C: A002 UID SEARCH TEXT cafe\n"
                             "S: * SEARCH 1\n"
                             "S: A002 OK done\n"
                             "C: A003 UID SEARCH CHARSET utf-8 TEXT cafe\n"
                             "S: * SEARCH 1\n"
                             "S: A003 OK done\n");
    search_gives(c, (const char *[]){"TEXT", "cafe", NULL}, NULL, (uint32_t[]){1, 0});
    search_gives(c, (const char *[]){"TEXT", "cafe", NULL}, "utf-8", (uint32_t[]){1, 0});
    done(c);
}

static void test_search_charset__invalid_utf8_refused(void **state)
{
    imapclient *c = selected("");
    imapclient_ids *ids = (imapclient_ids *)1;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", "\xff", NULL}, NULL, &ids),
        IMAPCLIENT_EINVAL);
    assert_null(ids);
    assert_non_null(strstr(imapclient_errmsg(c), "UTF-8"));
    done(c);
}

static void test_search_charset__none_once_utf8_accept_is_on(void **state)
{
    /* RFC 6855 section 3: no CHARSET once UTF8=ACCEPT is enabled (given or
     * not); SORT keeps its mandatory charset, UTF-8 */
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted(
                         "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ ENABLE UTF8=ACCEPT "
                         "SORT] ready\n"
                         "C: A001 ENABLE UTF8=ACCEPT\n"
                         "S: * ENABLED UTF8=ACCEPT\n"
                         "S: A001 OK enabled\n"
                         "C: A002 SELECT INBOX\n"
                         "S: A002 OK [READ-WRITE] selected\n"
                         "C: A003 UID SEARCH TEXT {5+}\n"
                         "C: " CAFE "\n"
                         "S: * SEARCH 2\n"
                         "S: A003 OK done\n"
                         "C: A004 UID SEARCH TEXT {5+}\n"
                         "C: " CAFE "\n"
                         "S: * SEARCH 2\n"
                         "S: A004 OK done\n"
                         "C: A005 UID SORT (DATE) UTF-8 TEXT {5+}\n"
                         "C: " CAFE "\n"
                         "S: * SORT 2\n"
                         "S: A005 OK done\n",
                         NULL, &c),
                     0);
    assert_int_equal(imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", NULL}, NULL),
                     0);
    assert_int_equal(imapclient_select_folder(c, "INBOX", 0, NULL), 0);
    search_gives(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, (uint32_t[]){2, 0});
    search_gives(c, (const char *[]){"TEXT", CAFE, NULL}, "UTF-8", (uint32_t[]){2, 0});
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_sort(c, (const char *[]){"DATE", NULL},
                                     (const char *[]){"TEXT", CAFE, NULL}, NULL, &ids),
                     0);
    assert_int_equal(ids->count, 1);
    imapclient_ids_free(ids);
    done(c);
}

static void test_search_charset__none_under_imap4rev2(void **state)
{
    imapclient *c = selected_caps("IMAP4rev2 LITERAL+", "C: A002 UID SEARCH TEXT {5+}\n"
                                                        "C: " CAFE "\n"
                                                        "S: * SEARCH 3\n"
                                                        "S: A002 OK done\n");
    search_gives(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, (uint32_t[]){3, 0});
    done(c);
}

/* ---- NO [BADCHARSET] ------------------------------------------------------------- */

static void test_search_charset__badcharset_retried_in_listed_charset(void **state)
{
    /* UTF-16 does not keep ASCII and KOI8-R cannot hold "é": ISO-8859-1 */
    imapclient *c =
        selected("C: A002 UID SEARCH CHARSET UTF-8 FROM bob TEXT {5+}\n"
                 "C: " CAFE "\n"
                 "S: * SEARCH 77\n" /* an answer of the refused attempt: dropped */
                 "S: A002 NO [BADCHARSET (UTF-16 KOI8-R ISO-8859-1 US-ASCII)] charset\n"
                 "C: A003 UID SEARCH CHARSET ISO-8859-1 FROM bob TEXT {4+}\n"
                 "C: " CAFE_L1 "\n"
                 "S: * SEARCH 5\n"
                 "S: A003 OK done\n");
    search_gives(c, (const char *[]){"FROM", "bob", "TEXT", CAFE, NULL}, NULL,
                 (uint32_t[]){5, 0});
    done(c);
}

static void test_search_charset__badcharset_cyrillic(void **state)
{
    /* the list's own order decides; a name without parentheses is read too */
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 SUBJECT {12+}\n"
                             "C: " PRIVET "\n"
                             "S: A002 NO [BADCHARSET US-ASCII ISO-8859-1 KOI8-R] no\n"
                             "C: A003 UID SEARCH CHARSET KOI8-R SUBJECT {6+}\n"
                             "C: " PRIVET_KR "\n"
                             "S: * SEARCH 6\n"
                             "S: A003 OK done\n");
    search_gives(c, (const char *[]){"SUBJECT", PRIVET, NULL}, NULL, (uint32_t[]){6, 0});
    done(c);
}

static void test_search_charset__badcharset_nothing_fits(void **state)
{
    /* Exchange and Outlook.com take US-ASCII only (MailKit issue 808) */
    imapclient *c =
        selected("C: A002 UID SEARCH CHARSET UTF-8 SUBJECT {5+}\n"
                 "C: " CAFE "\n"
                 "S: A002 NO [BADCHARSET (US-ASCII)] The specified charset is "
                 "not supported.\n"
                 "C: A003 NOOP\n"
                 "S: A003 OK noop\n");
    imapclient_ids *ids = (imapclient_ids *)1;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"SUBJECT", CAFE, NULL}, NULL, &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_null(ids);
    const char *e = imapclient_errmsg(c);
    assert_non_null(strstr(e, "only takes the charsets US-ASCII"));
    assert_non_null(strstr(e, "The specified charset is not supported."));
    assert_int_equal(imapclient_errcode(c), IMAPCLIENT_EINVALID_CRITERIA);
    assert_int_equal(imapclient_noop(c, NULL), 0); /* the connection is fine */
    done(c);
}

static void test_search_charset__badcharset_without_list(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\n"
                             "C: " CAFE "\n"
                             "S: A002 NO [BADCHARSET] Unsupported charset\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_non_null(strstr(imapclient_errmsg(c), "names no charset"));
    done(c);
}

static void test_search_charset__badcharset_ascii_goes_without(void **state)
{
    /* the caller asked for UTF-8 with ASCII text: US-ASCII (no CHARSET),
     * which every server takes (RFC 3501 6.4.4) */
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 FROM bob\n"
                             "S: A002 NO [BADCHARSET (US-ASCII)] no\n"
                             "C: A003 UID SEARCH FROM bob\n"
                             "S: * SEARCH 1 2\n"
                             "S: A003 OK done\n");
    search_gives(c, (const char *[]){"FROM", "bob", NULL}, "UTF-8",
                 (uint32_t[]){1, 2, 0});
    done(c);
}

static void test_search_charset__named_charset_not_negotiated(void **state)
{
    /* a charset other than UTF-8 is the caller's: its BADCHARSET stands */
    imapclient *c = selected("C: A002 UID SEARCH CHARSET ISO-8859-1 TEXT {4+}\n"
                             "C: " CAFE_L1 "\n"
                             "S: A002 NO [BADCHARSET (UTF-8)] no\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", CAFE_L1, NULL}, "ISO-8859-1", &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_non_null(strstr(imapclient_errmsg(c), "BADCHARSET"));
    done(c);
}

static void test_search_charset__synchronising_literal_refused(void **state)
{
    /* without LITERAL+ the server may refuse the charset before the "+":
     * the literal is never sent and the retry goes out */
    imapclient *c =
        selected_caps("IMAP4rev1", "C: A002 UID SEARCH CHARSET UTF-8 TEXT {5}\n"
                                   "S: A002 NO [BADCHARSET (ISO-8859-1)] no\n"
                                   "C: A003 UID SEARCH CHARSET ISO-8859-1 TEXT {4}\n"
                                   "S: + go on\n"
                                   "C: " CAFE_L1 "\n"
                                   "S: * SEARCH 8\n"
                                   "S: A003 OK done\n");
    search_gives(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, (uint32_t[]){8, 0});
    done(c);
}

/* ---- BAD to the CHARSET argument ----------------------------------------------------
 */

static void test_search_charset__bad_charset_argument_dropped(void **state)
{
    /* Yahoo answers BAD to any CHARSET (aioimaplib issue 126) */
    imapclient *c =
        selected("C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\n"
                 "C: " CAFE "\n"
                 "S: A002 BAD [CLIENTBUG] UID SEARCH Command arguments invalid\n"
                 "C: A003 UID SEARCH TEXT {5+}\n"
                 "C: " CAFE "\n"
                 "S: * SEARCH 12\n"
                 "S: A003 OK done\n");
    search_gives(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, (uint32_t[]){12, 0});
    done(c);
}

static void test_search_charset__bad_twice_fails(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 XFOO {5+}\n"
                             "C: " CAFE "\n"
                             "S: A002 BAD unknown key\n"
                             "C: A003 UID SEARCH XFOO {5+}\n"
                             "C: " CAFE "\n"
                             "S: A003 BAD unknown key XFOO\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"XFOO", CAFE, NULL}, NULL, &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_non_null(strstr(imapclient_errmsg(c), "unknown key XFOO"));
    done(c);
}

static void test_search_charset__bad_to_named_charset_stands(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\n"
                             "C: " CAFE "\n"
                             "S: A002 BAD no\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", CAFE, NULL}, "UTF-8", &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    done(c);
}

/* ---- bounded against a hostile server ---------------------------------------------- */

static void test_search_charset__attempts_bounded(void **state)
{
    /* every answer lists a new charset: three commands in all, then the
     * server's words; names iconv must never see are skipped */
    imapclient *c =
        selected("C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\n"
                 "C: " CAFE "\n"
                 "S: A002 NO [BADCHARSET (\"UTF-8//TRANSLIT\" \"../x\" \"\" (ISO-8859-1) "
                 "ISO-8859-1)] no\n"
                 "C: A003 UID SEARCH CHARSET ISO-8859-1 TEXT {4+}\n"
                 "C: " CAFE_L1 "\n"
                 "S: A003 NO [BADCHARSET (ISO-8859-1 ISO-8859-15)] no\n"
                 "C: A004 UID SEARCH CHARSET ISO-8859-15 TEXT {4+}\n"
                 "C: " CAFE_L1 "\n"
                 "S: A004 NO [BADCHARSET (WINDOWS-1252)] still no\n"
                 "C: A005 NOOP\n"
                 "S: A005 OK noop\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_non_null(strstr(imapclient_errmsg(c), "still no"));
    assert_int_equal(imapclient_noop(c, NULL), 0);
    done(c);
}

static void test_search_charset__long_list_bounded(void **state)
{
    /* 2,000 names that hold nothing: looked at 64 of them at most */
    size_t cap = 64 * 1024;
    char *script = malloc(cap);
    int n = snprintf(script, cap,
                     "C: A002 UID SEARCH CHARSET UTF-8 TEXT {12+}\n"
                     "C: " PRIVET "\n"
                     "S: A002 NO [BADCHARSET (");
    for (int i = 0; i < 2000; i++)
        n += snprintf(script + n, cap - (size_t)n, "%sUS-ASCII", i ? " " : "");
    snprintf(script + n, cap - (size_t)n, ")] no\n");
    imapclient *c = selected(script);
    free(script);
    imapclient_ids *ids = NULL;
    assert_int_equal(
        imapclient_search(c, (const char *[]){"TEXT", PRIVET, NULL}, NULL, &ids),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_true(strlen(imapclient_errmsg(c)) < 2048);
    done(c);
}

/* ---- ESEARCH, SORT, THREAD, gmail_search ----------------------------------------------
 */

static void test_search_charset__esearch(void **state)
{
    imapclient *c =
        selected("C: A002 UID SEARCH RETURN (COUNT) CHARSET UTF-8 TEXT {5+}\n"
                 "C: " CAFE "\n"
                 "S: * ESEARCH (TAG \"A002\") UID COUNT 9\n"
                 "S: A002 NO [BADCHARSET (ISO-8859-1)] no\n"
                 "C: A003 UID SEARCH RETURN (COUNT) CHARSET ISO-8859-1 TEXT {4+}\n"
                 "C: " CAFE_L1 "\n"
                 "S: * ESEARCH (TAG \"A003\") UID\n"
                 "S: A003 OK done\n");
    imapclient_esearch_result *r = NULL;
    assert_int_equal(imapclient_esearch(c, (const char *[]){"TEXT", CAFE, NULL}, NULL,
                                        (const char *[]){"COUNT", NULL}, &r),
                     0);
    assert_false(r->has_count); /* the refused attempt's COUNT is gone */
    assert_true(r->uid);
    imapclient_esearch_result_free(r);
    done(c);
}

static void test_search_charset__sort(void **state)
{
    imapclient *c = selected("C: A002 UID SORT (DATE) UTF-8 TEXT {5+}\n"
                             "C: " CAFE "\n"
                             "S: A002 NO [BADCHARSET (US-ASCII ISO-8859-1)] no\n"
                             "C: A003 UID SORT (DATE) ISO-8859-1 TEXT {4+}\n"
                             "C: " CAFE_L1 "\n"
                             "S: * SORT 3 1\n"
                             "S: A003 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_sort(c, (const char *[]){"DATE", NULL},
                                     (const char *[]){"TEXT", CAFE, NULL}, NULL, &ids),
                     0);
    assert_int_equal(ids->count, 2);
    assert_int_equal(ids->ids[0], 3);
    imapclient_ids_free(ids);
    done(c);
}

static void test_search_charset__sort_ascii_in_us_ascii(void **state)
{
    /* SORT's charset is mandatory: ASCII text goes again in US-ASCII */
    imapclient *c = selected("C: A002 UID SORT (SIZE) UTF-8 ALL\n"
                             "S: A002 NO [BADCHARSET (US-ASCII)] no\n"
                             "C: A003 UID SORT (SIZE) US-ASCII ALL\n"
                             "S: * SORT 2 1 3\n"
                             "S: A003 OK done\n");
    imapclient_ids *ids = NULL;
    assert_int_equal(imapclient_sort(c, (const char *[]){"SIZE", NULL}, NULL, NULL, &ids),
                     0);
    assert_int_equal(ids->count, 3);
    imapclient_ids_free(ids);
    done(c);
}

static void test_search_charset__thread(void **state)
{
    imapclient *c = selected("C: A002 UID THREAD REFERENCES UTF-8 SUBJECT {12+}\n"
                             "C: " PRIVET "\n"
                             "S: * THREAD (9)\n"
                             "S: A002 NO [BADCHARSET (KOI8-R)] no\n"
                             "C: A003 UID THREAD REFERENCES KOI8-R SUBJECT {6+}\n"
                             "C: " PRIVET_KR "\n"
                             "S: * THREAD (1 2)(3)\n"
                             "S: A003 OK done\n");
    imapclient_threads *t = NULL;
    assert_int_equal(
        imapclient_thread(c, NULL, (const char *[]){"SUBJECT", PRIVET, NULL}, NULL, &t),
        0);
    assert_int_equal(t->count, 2); /* (9) of the refused attempt is gone */
    assert_int_equal(t->threads[0].items[0].id, 1);
    imapclient_threads_free(t);
    done(c);
}

static void test_search_charset__thread_nothing_fits(void **state)
{
    imapclient *c = selected("C: A002 UID THREAD REFERENCES UTF-8 SUBJECT {12+}\n"
                             "C: " PRIVET "\n"
                             "S: A002 NO [BADCHARSET (US-ASCII ISO-8859-1)] no\n");
    imapclient_threads *t = NULL;
    assert_int_equal(
        imapclient_thread(c, NULL, (const char *[]){"SUBJECT", PRIVET, NULL}, NULL, &t),
        IMAPCLIENT_EINVALID_CRITERIA);
    assert_null(t);
    assert_non_null(strstr(imapclient_errmsg(c), "US-ASCII, ISO-8859-1"));
    done(c);
}

/* ---- the non-blocking search
 * ------------------------------------------------------------ */

typedef struct got {
    int calls, status;
    size_t count;
    uint32_t first;
} got;

static void on_done(imapclient *c, imapclient_completion *d)
{
    got *g = d->user;
    g->calls++;
    g->status = d->status;
    if (d->result) {
        const imapclient_ids *ids = d->result;
        g->count = ids->count;
        g->first = ids->count ? ids->ids[0] : 0;
    }
}

static void test_search_charset__start_search_retries(void **state)
{
    /* the retry is queued from the completion handler: one completion, for
     * the last attempt */
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\n"
                             "C: " CAFE "\n"
                             "S: A002 NO [BADCHARSET (ISO-8859-1)] no\n"
                             "C: A003 UID SEARCH CHARSET ISO-8859-1 TEXT {4+}\n"
                             "C: " CAFE_L1 "\n"
                             "S: * SEARCH 21 22\n"
                             "S: A003 OK done\n");
    /* the caller's criteria need not outlive the start call */
    char *text = strdup(CAFE);
    const char *criteria[] = {"TEXT", text, NULL};
    got g = {0};
    assert_int_equal(imapclient_start_search(c, criteria, NULL, on_done, &g, NULL), 0);
    memset(text, 'x', strlen(text));
    free(text);
    for (int i = 0; i < 100 && imapclient_pending_commands(c); i++)
        assert_true(imapclient_drive(c) >= 0);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.status, 0);
    assert_int_equal(g.count, 2);
    assert_int_equal(g.first, 21);
    done(c);
}

static void test_search_charset__start_search_fails_clearly(void **state)
{
    imapclient *c = selected("C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\n"
                             "C: " CAFE "\n"
                             "S: A002 NO [BADCHARSET (US-ASCII)] no\n");
    imapclient_completion *d = NULL;
    assert_int_equal(imapclient_start_search(c, (const char *[]){"TEXT", CAFE, NULL},
                                             NULL, NULL, NULL, NULL),
                     0);
    for (int i = 0; i < 100 && imapclient_pending_commands(c); i++)
        assert_true(imapclient_drive(c) >= 0);
    assert_int_equal(imapclient_next_completion(c, &d), 1);
    assert_int_equal(d->status, IMAPCLIENT_EINVALID_CRITERIA);
    assert_non_null(strstr(d->errmsg, "only takes the charsets US-ASCII"));
    assert_null(d->result);
    imapclient_completion_free(d);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_charset__utf8_by_default),
        cmocka_unit_test(test_search_charset__ascii_as_the_reference),
        cmocka_unit_test(test_search_charset__invalid_utf8_refused),
        cmocka_unit_test(test_search_charset__none_once_utf8_accept_is_on),
        cmocka_unit_test(test_search_charset__none_under_imap4rev2),
        cmocka_unit_test(test_search_charset__badcharset_retried_in_listed_charset),
        cmocka_unit_test(test_search_charset__badcharset_cyrillic),
        cmocka_unit_test(test_search_charset__badcharset_nothing_fits),
        cmocka_unit_test(test_search_charset__badcharset_without_list),
        cmocka_unit_test(test_search_charset__badcharset_ascii_goes_without),
        cmocka_unit_test(test_search_charset__named_charset_not_negotiated),
        cmocka_unit_test(test_search_charset__synchronising_literal_refused),
        cmocka_unit_test(test_search_charset__bad_charset_argument_dropped),
        cmocka_unit_test(test_search_charset__bad_twice_fails),
        cmocka_unit_test(test_search_charset__bad_to_named_charset_stands),
        cmocka_unit_test(test_search_charset__attempts_bounded),
        cmocka_unit_test(test_search_charset__long_list_bounded),
        cmocka_unit_test(test_search_charset__esearch),
        cmocka_unit_test(test_search_charset__sort),
        cmocka_unit_test(test_search_charset__sort_ascii_in_us_ascii),
        cmocka_unit_test(test_search_charset__thread),
        cmocka_unit_test(test_search_charset__thread_nothing_fits),
        cmocka_unit_test(test_search_charset__start_search_retries),
        cmocka_unit_test(test_search_charset__start_search_fails_clearly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
