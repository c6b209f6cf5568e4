/* CATENATE attacked: caller text that would break the command (CR/LF in a
 * URL, NUL in a TEXT part, an unknown part type, URLs too long), a source
 * that fails half-way, a server that announces CATENATE and answers BAD,
 * a refusal in the middle of the parts, a BADURL code with odd text.
 * Nothing wrong is sent, nothing leaks, the errors say why. */
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

#define GREET "S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE MULTIAPPEND] ready\n"

static void test_hostile_catenate__caller_text_refused(void **state)
{
    imapclient *c = play(GREET);
    char *big = malloc(9000);
    memset(big, 'u', 8999);
    big[8999] = '\0';
    const imapclient_cat_part cases[][1] = {
        {{.type = IMAPCLIENT_CAT_URL, .url = "/INBOX/;UID=1\r\nA002 DELETE INBOX"}},
        {{.type = IMAPCLIENT_CAT_URL, .url = ""}},
        {{.type = IMAPCLIENT_CAT_URL, .url = NULL}},
        {{.type = IMAPCLIENT_CAT_URL, .url = big}},
        {{.type = IMAPCLIENT_CAT_URL, .url = "/\xff\xfe"}},
        {{.type = IMAPCLIENT_CAT_TEXT, .text = "a\0b", .len = 3}},
        {{.type = IMAPCLIENT_CAT_TEXT, .text = "", .len = 0}},
        {{.type = IMAPCLIENT_CAT_TEXT, .text = NULL, .len = 3}},
        {{.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 0}},
        {{.type = IMAPCLIENT_CAT_MESSAGE, .folder = NULL, .uid = 1}},
        {{.type = IMAPCLIENT_CAT_MESSAGE, .folder = "IN\nBOX", .uid = 1}},
        {{.type = IMAPCLIENT_CAT_MESSAGE,
          .folder = "INBOX",
          .uid = 1,
          .section = "1\r\n"}},
        {{.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 1, .section = ""}},
        {{.type = IMAPCLIENT_CAT_SOURCE, .src = {.fd = -1}}},
        {{.type = (imapclient_cat_type)99}},
        {{.type = (imapclient_cat_type)0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        imapclient_append_result *r = (imapclient_append_result *)1;
        int rc = imapclient_catenate(c, "Drafts", cases[i], 1, NULL, NULL, &r);
        if (rc != IMAPCLIENT_EINVAL)
            fail_msg("case %zu: %d %s", i, rc, imapclient_errmsg(c));
        assert_null(r);
        assert_true(imapclient_errmsg(c)[0] != '\0');
        rc = imapclient_start_catenate(c, "Drafts", cases[i], 1, NULL, NULL, NULL, NULL,
                                       NULL);
        if (rc != IMAPCLIENT_EINVAL)
            fail_msg("start, case %zu: %d %s", i, rc, imapclient_errmsg(c));
    }
    free(big);
    /* no parts, no messages, bad flags (a folder name with CR/LF goes as a
     * literal, as for every command: test_hostile_inject.c) */
    imapclient_cat_part ok = {.type = IMAPCLIENT_CAT_URL, .url = "/INBOX/;UID=1"};
    assert_int_equal(imapclient_catenate(c, "Drafts", NULL, 0, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_catenate(c, "Drafts", &ok, 0, NULL, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_multicatenate(c, "Drafts", NULL, 1, NULL),
                     IMAPCLIENT_EINVAL);
    imapclient_catenate_msg empty = {NULL, 0, NULL, NULL};
    assert_int_equal(imapclient_multicatenate(c, "Drafts", &empty, 1, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_catenate(c, "Drafts", &ok, 1,
                                         (const char *[]){"a)b", NULL}, NULL, NULL),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_pending_commands(c), 0);
    assert_string_equal(imapclient_script_sent(c), "");
    imapclient_free(c);
}

static long long failing_read(void *payload, char *buf, size_t n)
{
    int *calls = payload;
    if ((*calls)++ == 0) {
        memset(buf, 'x', n < 4 ? n : 4);
        return n < 4 ? (long long)n : 4;
    }
    return -1;
}

static void test_hostile_catenate__source_fails_on_the_way(void **state)
{
    /* a crlf source that fails after 4 of its 10 bytes: the literal
     * cannot be completed honestly, so the connection ends with EIO */
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 CATENATE LITERAL+] ready\n"
                         "C% A001 APPEND \"Drafts\" CATENATE (TEXT {10+}%0D%0Axxxx\n");
    int calls = 0;
    imapclient_cat_part p = {
        .type = IMAPCLIENT_CAT_SOURCE,
        .src = {
            .fd = -1, .read = failing_read, .payload = &calls, .size = 10, .crlf = 1}};
    assert_int_equal(imapclient_catenate(c, "Drafts", &p, 1, NULL, NULL, NULL),
                     IMAPCLIENT_EIO);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_hostile_catenate__server_refusals(void **state)
{
    /* announced, then BAD; a NO instead of the second "+" (the rest not
     * sent, the connection in step); a BADURL whose text has brackets and
     * quotes */
    imapclient *c =
        play(GREET "C: A001 APPEND \"Drafts\" CATENATE (URL \"/INBOX/;UID=1\")\n"
                   "S: A001 BAD Unknown command CATENATE\n"
                   "C: A002 APPEND \"Drafts\" CATENATE (TEXT {1}\n"
                   "S: + go\n"
                   "C% a URL \"/INBOX/;UID=2\" TEXT {1}%0D%0A\n"
                   "S: A002 NO [TOOBIG] stop\n"
                   "C: A003 APPEND \"Drafts\" CATENATE (URL \"/INBOX/;UID=3\")\n"
                   "S: A003 NO [BADURL \"/a]b\"] odd\n"
                   "C: A004 NOOP\n"
                   "S: A004 OK done\n");
    imapclient_cat_part u1 = {
        .type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 1};
    assert_int_equal(imapclient_catenate(c, "Drafts", &u1, 1, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_null(imapclient_error_code(c));
    assert_non_null(strstr(imapclient_errmsg(c), "BAD"));
    imapclient_cat_part two[] = {
        {.type = IMAPCLIENT_CAT_TEXT, .text = "a", .len = 1},
        {.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 2},
        {.type = IMAPCLIENT_CAT_TEXT, .text = "b", .len = 1},
    };
    assert_int_equal(imapclient_catenate(c, "Drafts", two, 3, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_error_code(c), "TOOBIG");
    imapclient_cat_part u3 = {
        .type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 3};
    assert_int_equal(imapclient_catenate(c, "Drafts", &u3, 1, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_error_code(c), "BADURL");
    assert_non_null(imapclient_error_code_arg(c));
    assert_int_equal(imapclient_noop(c, NULL), 0);
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_catenate__caller_text_refused),
        cmocka_unit_test(test_hostile_catenate__source_fails_on_the_way),
        cmocka_unit_test(test_hostile_catenate__server_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
