/* NAMESPACE on canned server bytes: Dovecot, Courier, Exchange and
 * Cyrus-style replies, NIL kinds and separators, modified UTF-7 prefixes,
 * extension data, malformed replies and the capability rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

#define PREAUTH "S: * PREAUTH [CAPABILITY IMAP4rev1 NAMESPACE] ready\n"

static imapclient *play(const char *script, int folder_encode)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.folder_encode = folder_encode;
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, &o, &c);
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

static void test_namespace__dovecot(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 NAMESPACE\n"
                                 "S: * NAMESPACE ((\"\" \"/\")) NIL NIL\n"
                                 "S: A001 OK Namespace completed.\n",
                         1);
    imapclient_namespace_info *ns = NULL;
    assert_int_equal(imapclient_namespace(c, &ns), 0);
    assert_int_equal(ns->personal_count, 1);
    assert_string_equal(ns->personal[0].prefix, "");
    assert_string_equal(ns->personal[0].separator, "/");
    assert_int_equal(ns->personal[0].extensions->count, 0);
    assert_null(ns->other);
    assert_int_equal(ns->other_count, 0);
    assert_null(ns->shared);
    assert_int_equal(ns->shared_count, 0);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    imapclient_namespace_info_free(ns);
    finish(c);
}

static void test_namespace__courier_all_kinds(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 NAMESPACE\n"
                     "S: * NAMESPACE ((\"INBOX.\" \".\")) ((\"#users.\" \".\")) "
                     "((\"#shared.\" \".\") (\"Public Folders/\" \"/\"))\n"
                     "S: A001 OK NAMESPACE completed\n",
             1);
    imapclient_namespace_info *ns = NULL;
    assert_int_equal(imapclient_namespace(c, &ns), 0);
    assert_int_equal(ns->personal_count, 1);
    assert_string_equal(ns->personal[0].prefix, "INBOX.");
    assert_string_equal(ns->personal[0].separator, ".");
    assert_int_equal(ns->other_count, 1);
    assert_string_equal(ns->other[0].prefix, "#users.");
    assert_int_equal(ns->shared_count, 2);
    assert_string_equal(ns->shared[1].prefix, "Public Folders/");
    assert_string_equal(ns->shared[1].separator, "/");
    imapclient_namespace_info_free(ns);
    finish(c);
}

static void test_namespace__nil_separator_and_extensions(void **state)
{
    imapclient *c =
        play(PREAUTH "C: A001 NAMESPACE\n"
                     "S: * NAMESPACE ((\"\" NIL \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL "
                     "((\"Shared\" NIL))\n"
                     "S: A001 OK done\n",
             1);
    imapclient_namespace_info *ns = NULL;
    assert_int_equal(imapclient_namespace(c, &ns), 0);
    assert_null(ns->personal[0].separator);
    const imapclient_value *x = ns->personal[0].extensions;
    assert_int_equal(x->type, IMAPCLIENT_VALUE_LIST);
    assert_int_equal(x->count, 2);
    assert_string_equal(x->items[0].str, "X-PARAM");
    assert_string_equal(x->items[1].items[1].str, "FLAG2");
    assert_null(ns->shared[0].separator);
    assert_string_equal(ns->shared[0].prefix, "Shared");
    imapclient_namespace_info_free(ns);
    finish(c);
}

static void test_namespace__utf7_prefix(void **state)
{
    const char *script = PREAUTH "C: A001 NAMESPACE\n"
                                 "S: * NAMESPACE ((\"\" \"/\")) NIL "
                                 "((\"Gemeinsame Ordner/&ANw-bersicht/\" \"/\"))\n"
                                 "S: A001 OK done\n";
    imapclient *c = play(script, 1);
    imapclient_namespace_info *ns = NULL;
    assert_int_equal(imapclient_namespace(c, &ns), 0);
    assert_string_equal(ns->shared[0].prefix, "Gemeinsame Ordner/\xc3\x9c"
                                              "bersicht/");
    imapclient_namespace_info_free(ns);
    finish(c);
    /* folder_encode off: the prefix as sent */
    c = play(script, 0);
    assert_int_equal(imapclient_namespace(c, &ns), 0);
    assert_string_equal(ns->shared[0].prefix, "Gemeinsame Ordner/&ANw-bersicht/");
    imapclient_namespace_info_free(ns);
    finish(c);
}

static void test_namespace__literal_prefix(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 NAMESPACE\n"
                                 "S: * NAMESPACE (({6}\n"
                                 "S: INBOX. \".\")) NIL NIL\n"
                                 "S: A001 OK done\n",
                         1);
    imapclient_namespace_info *ns = NULL;
    assert_int_equal(imapclient_namespace(c, &ns), 0);
    assert_string_equal(ns->personal[0].prefix, "INBOX.");
    imapclient_namespace_info_free(ns);
    finish(c);
}

static void test_namespace__without_capability(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] ready\n", 1);
    imapclient_namespace_info *ns = (void *)1;
    assert_int_equal(imapclient_namespace(c, &ns), IMAPCLIENT_ECAPABILITY);
    assert_null(ns);
    assert_non_null(strstr(imapclient_errmsg(c), "NAMESPACE"));
    assert_string_equal(imapclient_script_sent(c), "");
    finish(c);
}

static void test_namespace__capability_asked_once(void **state)
{
    /* capabilities not known yet: asked first, then NAMESPACE */
    imapclient *c = play("S: * PREAUTH ready\n"
                         "C: A001 CAPABILITY\n"
                         "S: * CAPABILITY IMAP4rev1 NAMESPACE\n"
                         "S: A001 OK done\n"
                         "C: A002 NAMESPACE\n"
                         "S: * NAMESPACE ((\"\" \"/\")) NIL NIL\n"
                         "S: A002 OK done\n",
                         1);
    imapclient_namespace_info *ns = NULL;
    assert_int_equal(imapclient_namespace(c, &ns), 0);
    assert_int_equal(ns->personal_count, 1);
    imapclient_namespace_info_free(ns);
    finish(c);
}

static void test_namespace__not_logged_in(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 NAMESPACE] ready\n", 1);
    imapclient_namespace_info *ns = NULL;
    assert_int_equal(imapclient_namespace(c, &ns), IMAPCLIENT_EILLEGAL_STATE);
    assert_null(ns);
    assert_string_equal(imapclient_script_sent(c), "");
    finish(c);
}

static void test_namespace__malformed(void **state)
{
    imapclient *c = play(PREAUTH "C: A001 NAMESPACE\n"
                                 "S: * NAMESPACE ((\"\" \"/\")) NIL\n"
                                 "S: A001 OK done\n"
                                 "C: A002 NAMESPACE\n"
                                 "S: * NAMESPACE (\"\" \"/\") NIL NIL\n"
                                 "S: A002 OK done\n"
                                 "C: A003 NAMESPACE\n"
                                 "S: A003 OK no reply at all\n"
                                 "C: A004 NAMESPACE\n"
                                 "S: A004 BAD Unknown command\n",
                         1);
    imapclient_namespace_info *ns = (void *)1;
    assert_int_equal(imapclient_namespace(c, &ns), IMAPCLIENT_EPROTOCOL);
    assert_null(ns);
    assert_non_null(strstr(imapclient_errmsg(c), "malformed"));
    assert_int_equal(imapclient_namespace(c, &ns), IMAPCLIENT_EPROTOCOL);
    assert_int_equal(imapclient_namespace(c, &ns), IMAPCLIENT_EPROTOCOL);
    assert_non_null(strstr(imapclient_errmsg(c), "no NAMESPACE reply"));
    assert_int_equal(imapclient_namespace(c, &ns), IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_errmsg(c), "NAMESPACE: BAD Unknown command");
    assert_int_equal(imapclient_namespace(c, NULL), IMAPCLIENT_EINVAL);
    finish(c);
}

static void test_namespace__free_null(void **state)
{
    imapclient_namespace_info_free(NULL);
    assert_int_equal(imapclient_namespace(NULL, NULL), IMAPCLIENT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_namespace__dovecot),
        cmocka_unit_test(test_namespace__courier_all_kinds),
        cmocka_unit_test(test_namespace__nil_separator_and_extensions),
        cmocka_unit_test(test_namespace__utf7_prefix),
        cmocka_unit_test(test_namespace__literal_prefix),
        cmocka_unit_test(test_namespace__without_capability),
        cmocka_unit_test(test_namespace__capability_asked_once),
        cmocka_unit_test(test_namespace__not_logged_in),
        cmocka_unit_test(test_namespace__malformed),
        cmocka_unit_test(test_namespace__free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
