/* Hostile servers against the search charset negotiation and the quirks
 * detection: the dialogue of a BADCHARSET retry cut at every byte (in the
 * blocking and the non-blocking form), BADCHARSET lists made of anything
 * but usable charset names, and ID responses that are not what they
 * should be. Nothing may crash, leak or loop; a cut gives EABORT and one
 * completion, garbage the server's own words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define CAFE    "caf\xc3\xa9"
#define CAFE_L1 "caf\xe9"

#define GREET  "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ ID] ready\n"
#define SELECT "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK [READ-WRITE] selected\n"

/* A growing script. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void add(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void adds(sbuf *b, const char *s)
{
    add(b, s, strlen(s));
}

/* Server bytes s[0..n) as one "S%" directive (every byte escaped). */
static void server_bytes(sbuf *b, const char *s, size_t n)
{
    if (!n)
        return;
    adds(b, "S% ");
    for (size_t i = 0; i < n; i++) {
        char hex[4];
        snprintf(hex, sizeof hex, "%%%02X", (unsigned char)s[i]);
        adds(b, hex);
    }
    adds(b, "\n");
}

/* The dialogue of one search that is refused in UTF-8 and retried. */
static const char C1[] = "C: A002 UID SEARCH CHARSET UTF-8 TEXT {5+}\nC: " CAFE "\n";
static const char S1[] = "* SEARCH 99\r\nA002 NO [BADCHARSET (UTF-16 ISO-8859-1)] no\r\n";
static const char C2[] =
    "C: A003 UID SEARCH CHARSET ISO-8859-1 TEXT {4+}\nC: " CAFE_L1 "\n";
static const char S2[] = "* SEARCH 5\r\nA003 OK done\r\n";

/* The dialogue with the server's bytes cut after cut of them. */
static char *cut_script(size_t cut)
{
    sbuf b = {0};
    adds(&b, GREET SELECT);
    adds(&b, C1);
    size_t n1 = strlen(S1), n2 = strlen(S2);
    server_bytes(&b, S1, cut < n1 ? cut : n1);
    if (cut >= n1) {
        adds(&b, C2);
        server_bytes(&b, S2, cut - n1 < n2 ? cut - n1 : n2);
    }
    if (cut < n1 + n2)
        adds(&b, "!EOF\n");
    return b.p;
}

static imapclient *connect_selected(const char *script)
{
    imapclient *c = NULL;
    if (imapclient_connect_scripted(script, NULL, &c))
        fail_msg("connect: %s", imapclient_errmsg(c));
    if (imapclient_select_folder(c, "INBOX", 0, NULL))
        fail_msg("select: %s", imapclient_errmsg(c));
    return c;
}

static void test_hostile_charset__retry_cut_at_every_byte(void **state)
{
    size_t total = strlen(S1) + strlen(S2);
    for (size_t cut = 0; cut <= total; cut++) {
        char *script = cut_script(cut);
        imapclient *c = connect_selected(script);
        free(script);
        imapclient_ids *ids = NULL;
        int rc = imapclient_search(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, &ids);
        if (cut == total) {
            assert_int_equal(rc, 0);
            assert_int_equal(ids->count, 1); /* 99 was the refused attempt's */
            assert_int_equal(ids->ids[0], 5);
            imapclient_ids_free(ids);
            assert_true(imapclient_script_done(c));
        } else {
            if (rc != IMAPCLIENT_EABORT)
                fail_msg("cut %zu: %d %s", cut, rc, imapclient_errmsg(c));
            assert_null(ids);
        }
        imapclient_free(c);
    }
}

static void on_done(imapclient *c, imapclient_completion *d)
{
    int *got = d->user;
    got[0]++;
    got[1] = d->status;
    got[2] = d->result ? (int)((imapclient_ids *)d->result)->count : -1;
}

static void test_hostile_charset__start_search_cut_at_every_byte(void **state)
{
    size_t total = strlen(S1) + strlen(S2);
    for (size_t cut = 0; cut <= total; cut++) {
        char *script = cut_script(cut);
        imapclient *c = connect_selected(script);
        free(script);
        int got[3] = {0, 0, 0};
        assert_int_equal(imapclient_start_search(c, (const char *[]){"TEXT", CAFE, NULL},
                                                 NULL, on_done, got, NULL),
                         0);
        for (int i = 0; i < 200 && imapclient_pending_commands(c); i++)
            if (imapclient_drive(c) < 0)
                break;
        assert_int_equal(got[0], 1); /* one completion, whatever happened */
        if (cut == total) {
            assert_int_equal(got[1], 0);
            assert_int_equal(got[2], 1);
        } else {
            assert_int_equal(got[1], IMAPCLIENT_EABORT);
            assert_int_equal(got[2], -1);
        }
        imapclient_free(c);
    }
}

/* BADCHARSET lists with everything but usable names: the call fails with
 * the server's words and the connection stays usable. */
static void test_hostile_charset__lists_of_garbage(void **state)
{
    static const char *const lists[] = {
        "(NIL 42 () ((ISO-8859-1)))",
        "(\"UTF-8//TRANSLIT\" \"ISO-8859-1//IGNORE\" \"/etc/passwd\" \"\")",
        "(-ISO-8859-1 \"ISO 8859 1\" \"\\\\\")",
        /* 65 characters: longer than any charset name */
        "(ISO-8859-1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA)",
        "(UTF-8 utf8 UTF_8)",                    /* only what was refused */
        "(UTF-16 UTF-16LE UTF-32 UTF-7 IBM037)", /* none keeps ASCII */
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        sbuf b = {0};
        adds(&b, GREET SELECT);
        adds(&b, C1);
        char line[512];
        snprintf(line, sizeof line, "A002 NO [BADCHARSET %s] refused %zu\r\n", lists[i],
                 i);
        server_bytes(&b, line, strlen(line));
        adds(&b, "C: A003 NOOP\nS: A003 OK noop\n");
        imapclient *c = connect_selected(b.p);
        free(b.p);
        imapclient_ids *ids = NULL;
        int rc = imapclient_search(c, (const char *[]){"TEXT", CAFE, NULL}, NULL, &ids);
        if (rc != IMAPCLIENT_EINVALID_CRITERIA)
            fail_msg("list %zu: %d %s", i, rc, imapclient_errmsg(c));
        assert_null(ids);
        char want[32];
        snprintf(want, sizeof want, "refused %zu", i);
        assert_non_null(strstr(imapclient_errmsg(c), want));
        assert_int_equal(imapclient_noop(c, NULL), 0);
        assert_true(imapclient_script_done(c));
        imapclient_free(c);
    }
}

/* ID responses that are not a list of pairs, or are huge: read, never
 * trusted beyond their first 63 bytes, and no profile from garbage. */
static void test_hostile_charset__id_garbage(void **state)
{
    static const char *const ids[] = {
        "* ID NIL",
        "* ID \"Gmail\"",
        "* ID (\"name\")",
        "* ID (\"name\" NIL \"vendor\" (\"Google\"))",
        "* ID ((\"name\" \"GImap\"))",
        "* ID (name GImap)", /* atoms, not strings: still text */
    };
    static const char *const want[] = {"default", "default", "default",
                                       "default", "default", "gmail"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char script[512];
        snprintf(script, sizeof script, GREET "C: A001 ID NIL\nS: %s\nS: A001 OK done\n",
                 ids[i]);
        imapclient *c = NULL;
        assert_int_equal(imapclient_connect_scripted(script, NULL, &c), 0);
        imapclient_id_result *r = NULL;
        imapclient_id(c, NULL, &r); /* malformed ones fail: PROTOCOL */
        imapclient_id_result_free(r);
        if (strcmp(imapclient_get_quirks(c)->name, want[i]) != 0)
            fail_msg("%s: profile %s", ids[i], imapclient_get_quirks(c)->name);
        imapclient_free(c);
    }
    /* a name of 100 KB: only its start is looked at */
    size_t n = 100 * 1024;
    char *big = malloc(n + 256);
    int k = snprintf(big, 256, GREET "C: A001 ID NIL\nS: * ID (\"name\" \"");
    memset(big + k, 'x', n);
    snprintf(big + k + n, 256, "Dovecot\")\nS: A001 OK done\n");
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted(big, NULL, &c), 0);
    free(big);
    imapclient_id_result *r = NULL;
    assert_int_equal(imapclient_id(c, NULL, &r), 0);
    imapclient_id_result_free(r);
    assert_string_equal(imapclient_get_quirks(c)->name, "default");
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_charset__retry_cut_at_every_byte),
        cmocka_unit_test(test_hostile_charset__start_search_cut_at_every_byte),
        cmocka_unit_test(test_hostile_charset__lists_of_garbage),
        cmocka_unit_test(test_hostile_charset__id_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
