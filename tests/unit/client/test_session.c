/* Session core on canned server bytes: greeting, LOGIN, capabilities,
 * NOOP, LOGOUT, errors and hostile servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <imapclient.h>

static imapclient *play(const char *script, int expect_rc)
{
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    if (rc != expect_rc)
        fail_msg("connect returned %d (%s), expected %d", rc, imapclient_errmsg(c),
                 expect_rc);
    return c;
}

static void test_session__greeting_ok(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 IDLE] ready\n", 0);
    assert_string_equal(imapclient_welcome(c), "* OK [CAPABILITY IMAP4rev1 IDLE] ready");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    assert_int_equal(imapclient_has_capability(c, "idle"), 1);
    assert_int_equal(imapclient_has_capability(c, "MOVE"), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__greeting_preauth(void **state)
{
    imapclient *c = play("S: * PREAUTH welcome back\n", 0);
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    imapclient_free(c);
}

static void test_session__greeting_bye(void **state)
{
    imapclient *c = play("S: * BYE too many connections\n", IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "too many connections"));
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__greeting_not_imap(void **state)
{
    imapclient *c = play("S: SSH-2.0-OpenSSH_9.2\n", IMAPCLIENT_EPROTOCOL);
    assert_non_null(strstr(imapclient_errmsg(c), "SSH-2.0"));
    imapclient_free(c);
}

static void test_session__greeting_http(void **state)
{
    imapclient *c = play("S: HTTP/1.1 400 Bad Request\n", IMAPCLIENT_EPROTOCOL);
    imapclient_free(c);
}

static void test_session__closed_before_greeting(void **state)
{
    imapclient *c = play("!EOF\n", IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "before the greeting"));
    imapclient_free(c);
}

static void test_session__closed_during_greeting(void **state)
{
    imapclient *c = play("S+ * OK hal\n!EOF\n", IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "during the greeting"));
    imapclient_free(c);
}

static void test_session__greeting_timeout(void **state)
{
    imapclient *c = play("!TIMEOUT\n", IMAPCLIENT_ETIMEOUT);
    imapclient_free(c);
}

static void test_session__login_ok_caps_from_response(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hi\n"
                         "C: A001 LOGIN bob secret\n"
                         "S: A001 OK [CAPABILITY IMAP4rev1 MOVE IDLE] Logged in\n",
                         0);
    const char *text = NULL;
    assert_int_equal(imapclient_login(c, "bob", "secret", &text), 0);
    assert_string_equal(text, "Logged in");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    assert_int_equal(imapclient_has_capability(c, "MOVE"), 1);
    assert_int_equal(imapclient_has_capability(c, "STARTTLS"), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__login_refetches_caps(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\n"
                         "C: A001 LOGIN bob secret\n"
                         "S: A001 OK Logged in\n"
                         "C: A002 CAPABILITY\n"
                         "S: * CAPABILITY IMAP4rev1 QUOTA\n"
                         "S: A002 OK done\n",
                         0);
    assert_int_equal(imapclient_login(c, "bob", "secret", NULL), 0);
    const char *const *caps = NULL;
    size_t n = 0;
    assert_int_equal(imapclient_capabilities(c, &caps, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(caps[0], "IMAP4REV1");
    assert_string_equal(caps[1], "QUOTA");
    assert_null(caps[2]);
    /* cached: no second CAPABILITY command */
    assert_int_equal(imapclient_has_capability(c, "quota"), 1);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__login_quoting(void **state)
{
    imapclient *c = play("S: * OK hi\n"
                         "C: A001 LOGIN \"bob smith\" \"pa\\\"ss\\\\word\"\n"
                         "S: A001 OK in\n",
                         0);
    assert_int_equal(imapclient_login(c, "bob smith", "pa\"ss\\word", NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__login_literal_non_ascii(void **state)
{
    imapclient *c = play("S: * OK hi\n"
                         "C: A001 LOGIN bob {5}\n"
                         "S: + go ahead\n"
                         "C: p\xc3\xa4ss\n"
                         "S: A001 OK in\n",
                         0);
    assert_int_equal(imapclient_login(c, "bob", "p\xc3\xa4ss", NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__login_literal_plus(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1 LITERAL+] hi\n"
                         "C: A001 LOGIN bob {5+}\n"
                         "C: p\xc3\xa4ss\n"
                         "S: A001 OK in\n",
                         0);
    assert_int_equal(imapclient_login(c, "bob", "p\xc3\xa4ss", NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__login_crlf_in_password_is_literal(void **state)
{
    imapclient *c = play("S: * OK hi\n"
                         "C: A001 LOGIN bob {4}\n"
                         "S: + ok\n"
                         "C: a\n"
                         "C: b\n"
                         "S: A001 NO nope\n",
                         0);
    assert_int_equal(imapclient_login(c, "bob", "a\r\nb", NULL), IMAPCLIENT_ELOGIN);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__login_failure_then_retry(void **state)
{
    imapclient *c = play("S: * OK hi\n"
                         "C: A001 LOGIN bob wrong\n"
                         "S: A001 NO [AUTHENTICATIONFAILED] Authentication failed.\n"
                         "C: A002 LOGIN bob right\n"
                         "S: A002 OK in\n",
                         0);
    assert_int_equal(imapclient_login(c, "bob", "wrong", NULL), IMAPCLIENT_ELOGIN);
    assert_int_equal(imapclient_errcode(c), IMAPCLIENT_ELOGIN);
    assert_non_null(strstr(imapclient_errmsg(c), "AUTHENTICATIONFAILED"));
    assert_non_null(strstr(imapclient_errmsg(c), "Authentication failed."));
    assert_null(strstr(imapclient_errmsg(c), "wrong"));
    assert_int_equal(imapclient_login(c, "bob", "right", NULL), 0);
    assert_string_equal(imapclient_errmsg(c), "");
    imapclient_free(c);
}

static void test_session__login_when_authenticated(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n", 0);
    assert_int_equal(imapclient_login(c, "a", "b", NULL), IMAPCLIENT_EILLEGAL_STATE);
    imapclient_free(c);
}

typedef struct logbuf {
    char text[4096];
} logbuf;

static void logger(void *p, imapclient_log_dir dir, const char *line, size_t len)
{
    logbuf *lb = p;
    size_t used = strlen(lb->text);
    snprintf(lb->text + used, sizeof lb->text - used, "%c: %.*s\n", (char)dir, (int)len,
             line);
}

static void test_session__log_hides_password(void **state)
{
    logbuf lb = {""};
    imapclient_options o;
    imapclient_options_init(&o);
    o.log = logger;
    o.log_payload = &lb;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted("S: * OK hi\n"
                                                 "C: A001 LOGIN bob s3cr3t\n"
                                                 "S: A001 OK in\n"
                                                 "C: A002 LOGIN bob {5}\n"
                                                 "S: + go\n"
                                                 "C: p\xc3\xa4ss\n"
                                                 "S: A002 NO in already\n",
                                                 &o, &c),
                     0);
    assert_int_equal(imapclient_login(c, "bob", "s3cr3t", NULL), 0);
    imapclient_shutdown(c);
    imapclient_free(c);
    assert_null(strstr(lb.text, "s3cr3t"));
    assert_non_null(strstr(lb.text, "C: A001 LOGIN bob ***"));
    assert_non_null(strstr(lb.text, "S: * OK hi"));
}

static void test_session__noop_returns_untagged(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "S: * 22 EXPUNGE\n"
                         "S: * 23 EXISTS\n"
                         "S: * 3 RECENT\n"
                         "S: * 14 FETCH (FLAGS (\\Seen \\Deleted))\n"
                         "S: * OK [ALERT] disk full\n"
                         "S: A001 OK NOOP completed\n",
                         0);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_noop(c, &r), 0);
    assert_string_equal(r->text, "NOOP completed");
    assert_int_equal(r->count, 5);
    assert_true(r->items[0].has_number);
    assert_int_equal(r->items[0].number, 22);
    assert_string_equal(r->items[0].name, "EXPUNGE");
    assert_int_equal(r->items[1].number, 23);
    assert_string_equal(r->items[1].name, "EXISTS");
    assert_string_equal(r->items[3].name, "FETCH");
    const imapclient_value *a = r->items[3].args;
    assert_int_equal(a->count, 1);
    assert_int_equal(a->items[0].type, IMAPCLIENT_VALUE_LIST);
    assert_true(imapclient_value_is(&a->items[0].items[0], "FLAGS"));
    assert_int_equal(a->items[0].items[1].count, 2);
    assert_string_equal(a->items[0].items[1].items[1].str, "\\Deleted");
    assert_string_equal(r->items[4].name, "OK");
    assert_string_equal(r->items[4].code, "ALERT");
    assert_string_equal(r->items[4].text, "disk full");
    imapclient_responses_free(r);
    /* nothing left */
    assert_int_equal(imapclient_take_responses(c, &r), 0);
    assert_int_equal(r->count, 0);
    imapclient_responses_free(r);
    imapclient_free(c);
}

static void test_session__logout(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 LOGOUT\n"
                         "S: * BYE see you\n"
                         "S: A001 OK done\n",
                         0);
    const char *text = NULL;
    assert_int_equal(imapclient_logout(c, &text), 0);
    assert_string_equal(text, "see you");
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_LOGOUT);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__logout_server_closes_after_bye(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 LOGOUT\n"
                         "S: * BYE bye\n"
                         "!EOF\n",
                         0);
    assert_int_equal(imapclient_logout(c, NULL), 0);
    imapclient_free(c);
}

static void test_session__bye_mid_command_is_abort(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "S: * BYE server shutting down\n"
                         "!EOF\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "server shutting down"));
    /* every later call fails fast */
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    assert_int_equal(imapclient_login(c, "a", "b", NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__eof_mid_response(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "S+ * 3 EXI\n"
                         "!EOF\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "middle of a response"));
    imapclient_free(c);
}

static void test_session__timeout_mid_command(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "!TIMEOUT\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_ETIMEOUT);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__literal_cut_short(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "S: * 1 FETCH (BODY[] {100}\n"
                         "S+ only a few bytes\n"
                         "!EOF\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    assert_non_null(strstr(imapclient_errmsg(c), "inside a literal"));
    imapclient_free(c);
}

static void test_session__literal_size_beyond_2_63(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "S: * 1 FETCH (BODY[] {99999999999999999999999}\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EPROTOCOL);
    imapclient_free(c);
}

static void test_session__literal_over_limit(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_literal = 10;
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted("S: * PREAUTH hi\n"
                                                 "C: A001 NOOP\n"
                                                 "S: * 1 FETCH (BODY[] {11}\n",
                                                 &o, &c),
                     0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_ETOOBIG);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__endless_line(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_line = 1000;
    size_t n = 5000;
    char *script = malloc(n + 100);
    strcpy(script, "S: * PREAUTH hi\nC: A001 NOOP\nS+ * OK ");
    size_t k = strlen(script);
    memset(script + k, 'x', n);
    strcpy(script + k + n, "\n");
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect_scripted(script, &o, &c), 0);
    free(script);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_ETOOBIG);
    assert_non_null(strstr(imapclient_errmsg(c), "longer than 1000"));
    imapclient_free(c);
}

static void test_session__malformed_untagged_keeps_connection(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "S: * 1 FETCH (FLAGS (\\Seen)\n"
                         "S: A001 OK done\n"
                         "C: A002 NOOP\n"
                         "S: A002 OK done\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EPROTOCOL);
    assert_non_null(strstr(imapclient_errmsg(c), "list not terminated"));
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__no_response_is_error(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "S: A001 BAD [CLIENTBUG] what\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_errmsg(c), "NOOP: BAD [CLIENTBUG] what");
    imapclient_free(c);
}

static void test_session__starttls_not_offered(void **state)
{
    imapclient *c = play("S: * OK [CAPABILITY IMAP4rev1] hi\n", 0);
    assert_int_equal(imapclient_starttls(c), IMAPCLIENT_EABORT);
    assert_true(imapclient_script_done(c)); /* nothing was sent */
    imapclient_free(c);
}

static void test_session__script_mismatch(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 CAPABILITY\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EIO);
    assert_non_null(strstr(imapclient_errmsg(c), "expected"));
    assert_int_equal(imapclient_noop(c, NULL), IMAPCLIENT_EABORT);
    imapclient_free(c);
}

static void test_session__strerror_and_names(void **state)
{
    assert_string_equal(imapclient_status_name(IMAPCLIENT_EABORT), "EABORT");
    assert_string_equal(imapclient_status_name(0), "OK");
    assert_string_equal(imapclient_strerror(IMAPCLIENT_ELOGIN), "authentication failed");
    assert_string_equal(imapclient_strerror(12345), "unknown error");
    assert_string_equal(imapclient_status_name(-999), "UNKNOWN");
}

static void test_session__options_defaults(void **state)
{
    imapclient_options o;
    imapclient_options_init(&o);
    assert_int_equal(o.ssl, 1);
    assert_int_equal(o.port, 0);
    assert_int_equal(o.use_uid, 1);
    assert_int_equal(o.normalise_times, 1);
    assert_int_equal(o.folder_encode, 1);
    assert_int_equal(o.verify_peer, 1);
    assert_int_equal(o.check_hostname, 1);
    assert_int_equal(o.timeout_ms, 0);
}

static void test_session__null_arguments(void **state)
{
    assert_int_equal(imapclient_connect(NULL, NULL, NULL), IMAPCLIENT_EINVAL);
    imapclient *c = NULL;
    assert_int_equal(imapclient_connect(NULL, NULL, &c), IMAPCLIENT_EINVAL);
    assert_null(c);
    imapclient_free(NULL);
    imapclient_responses_free(NULL);
    assert_int_equal(imapclient_noop(NULL, NULL), IMAPCLIENT_EINVAL);
}

static void test_session__settings_change(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n", 0);
    imapclient_set_use_uid(c, 0);
    imapclient_set_folder_encode(c, 0);
    imapclient_set_normalise_times(c, 0);
    assert_int_equal(imapclient_get_use_uid(c), 0);
    assert_int_equal(imapclient_get_folder_encode(c), 0);
    assert_int_equal(imapclient_get_normalise_times(c), 0);
    assert_int_equal(imapclient_socket(c), -1);
    assert_int_equal(imapclient_is_tls(c), 0);
    imapclient_free(c);
}

static void test_session__compress_needs_capability(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1] hi\n", 0);
    assert_int_equal(imapclient_compress(c), IMAPCLIENT_ECAPABILITY);
    assert_int_equal(imapclient_is_compressed(c), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

static void test_session__compress_refused(void **state)
{
    imapclient *c = play("S: * PREAUTH [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] hi\n"
                         "C: A001 COMPRESS DEFLATE\n"
                         "S: A001 NO [COMPRESSIONACTIVE] already\n",
                         0);
    assert_int_equal(imapclient_compress(c), IMAPCLIENT_ERROR);
    assert_int_equal(imapclient_is_compressed(c), 0);
    imapclient_free(c);
}

static void test_session__script_empty_byte_lines_add_nothing(void **state)
{
    imapclient *c = play("S+\n"
                         "S%\n"
                         "S% * PREAUTH hi%0D%0A\n"
                         "C+\n"
                         "C: A001 NOOP\n"
                         "S+\n"
                         "S: A001 OK done\n",
                         0);
    assert_int_equal(imapclient_noop(c, NULL), 0);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
}

/* The scripted server's "S* N text": the line N times, made as it is read. */
static void test_session__script_repeat(void **state)
{
    imapclient *c = play("S: * PREAUTH hi\n"
                         "C: A001 NOOP\n"
                         "S* 3 * 7 EXISTS\n"
                         "S* 0 * 8 EXISTS\n"
                         "S: A001 OK done\n",
                         0);
    imapclient_responses *r = NULL;
    assert_int_equal(imapclient_noop(c, &r), 0);
    assert_int_equal(r->count, 3);
    assert_int_equal(r->items[2].number, 7);
    imapclient_responses_free(r);
    assert_true(imapclient_script_done(c));
    imapclient_free(c);
    c = NULL;
    assert_int_equal(imapclient_connect_scripted("S* x * 1 EXISTS\n", NULL, &c),
                     IMAPCLIENT_EINVAL);
    assert_non_null(strstr(imapclient_errmsg(c), "S* needs a count"));
    imapclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session__greeting_ok),
        cmocka_unit_test(test_session__script_repeat),
        cmocka_unit_test(test_session__greeting_preauth),
        cmocka_unit_test(test_session__greeting_bye),
        cmocka_unit_test(test_session__greeting_not_imap),
        cmocka_unit_test(test_session__greeting_http),
        cmocka_unit_test(test_session__closed_before_greeting),
        cmocka_unit_test(test_session__closed_during_greeting),
        cmocka_unit_test(test_session__greeting_timeout),
        cmocka_unit_test(test_session__login_ok_caps_from_response),
        cmocka_unit_test(test_session__login_refetches_caps),
        cmocka_unit_test(test_session__login_quoting),
        cmocka_unit_test(test_session__login_literal_non_ascii),
        cmocka_unit_test(test_session__login_literal_plus),
        cmocka_unit_test(test_session__login_crlf_in_password_is_literal),
        cmocka_unit_test(test_session__login_failure_then_retry),
        cmocka_unit_test(test_session__login_when_authenticated),
        cmocka_unit_test(test_session__log_hides_password),
        cmocka_unit_test(test_session__noop_returns_untagged),
        cmocka_unit_test(test_session__logout),
        cmocka_unit_test(test_session__logout_server_closes_after_bye),
        cmocka_unit_test(test_session__bye_mid_command_is_abort),
        cmocka_unit_test(test_session__eof_mid_response),
        cmocka_unit_test(test_session__timeout_mid_command),
        cmocka_unit_test(test_session__literal_cut_short),
        cmocka_unit_test(test_session__literal_size_beyond_2_63),
        cmocka_unit_test(test_session__literal_over_limit),
        cmocka_unit_test(test_session__endless_line),
        cmocka_unit_test(test_session__malformed_untagged_keeps_connection),
        cmocka_unit_test(test_session__no_response_is_error),
        cmocka_unit_test(test_session__starttls_not_offered),
        cmocka_unit_test(test_session__script_mismatch),
        cmocka_unit_test(test_session__strerror_and_names),
        cmocka_unit_test(test_session__options_defaults),
        cmocka_unit_test(test_session__null_arguments),
        cmocka_unit_test(test_session__settings_change),
        cmocka_unit_test(test_session__compress_needs_capability),
        cmocka_unit_test(test_session__compress_refused),
        cmocka_unit_test(test_session__script_empty_byte_lines_add_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
