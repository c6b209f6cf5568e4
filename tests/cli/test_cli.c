/*
 * The imapclient program without a server: the INI config file (read as
 * Python's configparser reads the reference's files), the command line,
 * word splitting in the shell, the JSON forms of values, and the program's
 * exit statuses for usage and config errors (and, against a local server
 * thread, the refusal of a STARTTLS downgrade).
 */
#include "cmd.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* a plain (and TLS) server on 127.0.0.1 playing a script */
#include "../unit/client/tls_server.h"

/* ---- config file --------------------------------------------------------- */

static int parse(const char *text, cli_config *cfg, char *err, size_t errlen)
{
    cli_config_init(cfg);
    return cli_config_parse_string(text, "test.ini", cfg, err, errlen);
}

static void test_cli__bool_spellings(void **state)
{
    (void)state;
    const char *yes[] = {"1", "yes", "true", "on", "YES", "True", "oN"};
    const char *no[] = {"0", "no", "false", "off", "NO", "False", "OFF"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_int_equal(cli_parse_bool(yes[i]), 1);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(cli_parse_bool(no[i]), 0);
    const char *bad[] = {"", "2", "y", "n", "enabled", "true ", "yes!", "-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cli_parse_bool(bad[i]), -1);
    assert_int_equal(cli_parse_bool(NULL), -1);
}

static void test_cli__config_full(void **state)
{
    (void)state;
    cli_config cfg;
    char err[512];
    int rc = parse("# a comment\n"
                   "; another\n"
                   "[DEFAULT]\n"
                   "host = imap.example.com\n"
                   "username = bob\n"
                   "password = sekret\n"
                   "port = 1993\n"
                   "ssl = True\n"
                   "ssl_check_hostname = no\n"
                   "ssl_verify_cert = off\n"
                   "ssl_ca_file = /etc/ca.pem\n"
                   "timeout = 2.5\n",
                   &cfg, err, sizeof err);
    assert_int_equal(rc, 0);
    assert_string_equal(cfg.host, "imap.example.com");
    assert_string_equal(cfg.username, "bob");
    assert_string_equal(cfg.password, "sekret");
    assert_int_equal(cfg.port, 1993);
    assert_int_equal(cfg.ssl, 1);
    assert_int_equal(cfg.starttls, 0);
    assert_int_equal(cfg.check_hostname, 0);
    assert_int_equal(cfg.verify_cert, 0);
    assert_string_equal(cfg.ca_file, "/etc/ca.pem");
    assert_true(cfg.timeout > 2.49 && cfg.timeout < 2.51);
    assert_int_equal(cfg.oauth2, 0);
    cli_config_clear(&cfg);
}

static void test_cli__config_defaults(void **state)
{
    (void)state;
    cli_config cfg;
    char err[512];
    assert_int_equal(parse("[DEFAULT]\nhost = h\n", &cfg, err, sizeof err), 0);
    /* the reference's get_config_defaults() */
    assert_int_equal(cfg.ssl, 1);
    assert_int_equal(cfg.check_hostname, 1);
    assert_int_equal(cfg.verify_cert, 1);
    assert_int_equal(cfg.starttls, 0);
    assert_int_equal(cfg.stream, 0);
    assert_int_equal(cfg.port, 0);
    assert_true(cfg.timeout == 0);
    assert_null(cfg.username); /* empty: asked for */
    assert_null(cfg.password);
    assert_null(cfg.ca_file);
    cli_config_clear(&cfg);

    /* empty port and timeout are "not set", as get_allowing_none() */
    assert_int_equal(
        parse("[DEFAULT]\nhost=h\nport =\ntimeout=\n", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.port, 0);
    assert_true(cfg.timeout == 0);
    cli_config_clear(&cfg);
}

static void test_cli__config_syntax(void **state)
{
    (void)state;
    cli_config cfg;
    char err[512];
    /* names are case-insensitive, ':' works as '=', no inline comments,
     * other sections are someone else's */
    int rc = parse("[DEFAULT]\n"
                   "HOST: h.example\n"
                   "Password = abc ;def # not a comment\n"
                   "[other]\n"
                   "host = elsewhere\n"
                   "password = other\n",
                   &cfg, err, sizeof err);
    assert_int_equal(rc, 0);
    assert_string_equal(cfg.host, "h.example");
    assert_string_equal(cfg.password, "abc ;def # not a comment");
    cli_config_clear(&cfg);

    /* a long value (a refresh token) is not cut */
    char text[3000];
    char tok[2049];
    memset(tok, 'x', 2048);
    tok[2048] = '\0';
    snprintf(text, sizeof text,
             "[DEFAULT]\nhost=h\noauth2=yes\noauth2_refresh_token=%s\n", tok);
    assert_int_equal(parse(text, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.oauth2_refresh_token, tok);
    cli_config_clear(&cfg);
}

static void test_cli__config_interpolation(void **state)
{
    (void)state;
    cli_config cfg;
    char err[512];
    int rc = parse("[DEFAULT]\n"
                   "host = mail.example.org\n"
                   "user_base = alice\n"
                   "username = %(user_base)s@%(HOST)s\n"
                   "password = 100%%sure\n"
                   "ssl_ca_file = %(nested)s\n"
                   "nested = /ca/%(user_base)s.pem\n",
                   &cfg, err, sizeof err);
    assert_int_equal(rc, 0);
    assert_string_equal(cfg.username, "alice@mail.example.org");
    assert_string_equal(cfg.password, "100%sure");
    assert_string_equal(cfg.ca_file, "/ca/alice.pem");
    cli_config_clear(&cfg);

    /* the defaults are visible to %(name)s, as in configparser */
    assert_int_equal(
        parse("[DEFAULT]\nhost = h\nusername = %(ssl)s\n", &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.username, "true");
    cli_config_clear(&cfg);

    /* a lone '%' */
    assert_int_equal(
        parse("[DEFAULT]\nhost = h\npassword = 100%\n", &cfg, err, sizeof err),
        CLI_EXIT_CONFIG);
    assert_non_null(strstr(err, "'password'"));
    assert_non_null(strstr(err, "%%"));
    cli_config_clear(&cfg);
    /* an unknown reference */
    assert_int_equal(parse("[DEFAULT]\nhost = %(nope)s\n", &cfg, err, sizeof err),
                     CLI_EXIT_CONFIG);
    assert_non_null(strstr(err, "nope"));
    cli_config_clear(&cfg);
    /* a loop */
    assert_int_equal(
        parse("[DEFAULT]\nhost = %(a)s\na = %(b)s\nb = %(a)s\n", &cfg, err, sizeof err),
        CLI_EXIT_CONFIG);
    assert_non_null(strstr(err, "levels"));
    cli_config_clear(&cfg);
    /* an unused option may hold anything */
    assert_int_equal(
        parse("[DEFAULT]\nhost = h\nexpect_failure = 50%\n", &cfg, err, sizeof err), 0);
    cli_config_clear(&cfg);
}

static void test_cli__config_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"host = h\n", "before any section"},
        {"[DEFAULT]\nport = 993\n", "no host"},
        {"[DEFAULT]\nhost =\n", "host is empty"},
        {"[DEFAULT]\nhost = a\nhost = b\n", "set twice"},
        {"[DEFAULT]\nhost = h\nssl = maybe\n", "'ssl': not a boolean: 'maybe'"},
        {"[DEFAULT]\nhost = h\nstarttls = 2\n", "'starttls'"},
        {"[DEFAULT]\nhost = h\nport = 99999\n", "'port'"},
        {"[DEFAULT]\nhost = h\nport = 99x\n", "'port'"},
        {"[DEFAULT]\nhost = h\ntimeout = soon\n", "'timeout'"},
        {"[DEFAULT]\nhost = h\ntimeout = -1\n", "'timeout'"},
        {"[DEFAULT]\nhost = h\nssl = true\nstarttls = true\n", "cannot both"},
        {"[DEFAULT]\nhost = h\noauth2 = on\n", "oauth2_refresh_token"},
        {"[DEFAULT]\nhost = h\njust a line\n", "line 3"},
        {"[DEFAULT]\nhost = h\npassword = a\n  continued\n", "line 4"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_config cfg;
        char err[512] = "";
        int rc = parse(cases[i].text, &cfg, err, sizeof err);
        if (rc != CLI_EXIT_CONFIG || !strstr(err, cases[i].expect) ||
            strncmp(err, "config test.ini: ", 17) != 0)
            fail_msg("case %zu: rc %d, err '%s', expected '%s'", i, rc, err,
                     cases[i].expect);
        cli_config_clear(&cfg);
    }
}

static void test_cli__config_starttls_stream_oauth2(void **state)
{
    (void)state;
    cli_config cfg;
    char err[512];
    /* starttls alone: plain connection, then STARTTLS */
    assert_int_equal(parse("[DEFAULT]\nhost=h\nstarttls=yes\n", &cfg, err, sizeof err),
                     0);
    assert_int_equal(cfg.starttls, 1);
    assert_int_equal(cfg.ssl, 0);
    cli_config_clear(&cfg);
    assert_int_equal(
        parse("[DEFAULT]\nhost=h\nssl=false\nstarttls=1\n", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.starttls, 1);
    assert_int_equal(cfg.ssl, 0);
    cli_config_clear(&cfg);

    /* a stream is a local command: no TLS, no port */
    assert_int_equal(parse("[DEFAULT]\nhost=ssh mail imapd\nstream=true\nport=1\n", &cfg,
                           err, sizeof err),
                     0);
    assert_int_equal(cfg.stream, 1);
    assert_int_equal(cfg.ssl, 0);
    assert_int_equal(cfg.port, 0);
    assert_string_equal(cfg.host, "ssh mail imapd");
    cli_config_clear(&cfg);

    assert_int_equal(parse("[DEFAULT]\nhost=imap.gmail.com\nusername=me@gmail.com\n"
                           "oauth2=true\noauth2_client_id=cid\noauth2_client_secret=cs\n"
                           "oauth2_refresh_token=rt\n"
                           "oauth2_token_url=http://127.0.0.1:9/token\n",
                           &cfg, err, sizeof err),
                     0);
    assert_int_equal(cfg.oauth2, 1);
    assert_string_equal(cfg.oauth2_client_id, "cid");
    assert_string_equal(cfg.oauth2_client_secret, "cs");
    assert_string_equal(cfg.oauth2_refresh_token, "rt");
    assert_string_equal(cfg.oauth2_token_url, "http://127.0.0.1:9/token");
    cli_config_clear(&cfg);

    /* the reference's endpoint table, Google's otherwise */
    assert_string_equal(cli_oauth2_default_url("imap.gmail.com"),
                        "https://accounts.google.com/o/oauth2/token");
    assert_string_equal(cli_oauth2_default_url("IMAP.mail.yahoo.com"),
                        "https://api.login.yahoo.com/oauth2/get_token");
    assert_string_equal(cli_oauth2_default_url("other.example"),
                        "https://accounts.google.com/o/oauth2/token");
}

static void test_cli__config_file_and_home(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_cli_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/imap.ini", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[DEFAULT]\r\nhost = h\r\nssl_ca_file = ~/certs/ca.pem\r\n", f);
    fclose(f);

    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", "/home/tester", 1);
    cli_config cfg;
    cli_config_init(&cfg);
    char err[512];
    assert_int_equal(cli_config_load(path, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.host, "h");
    assert_string_equal(cfg.ca_file, "/home/tester/certs/ca.pem");
    cli_config_clear(&cfg);
    if (old_home)
        setenv("HOME", old_home, 1);
    else
        unsetenv("HOME");
    free(old_home);

    /* a missing file is an error (configparser would silently read nothing) */
    snprintf(path, sizeof path, "%s/missing.ini", dir);
    assert_int_equal(cli_config_load(path, &cfg, err, sizeof err), CLI_EXIT_CONFIG);
    assert_non_null(strstr(err, "missing.ini"));
    cli_config_clear(&cfg);
    snprintf(path, sizeof path, "%s/imap.ini", dir);
    unlink(path);
    rmdir(dir);
}

/* ---- command line ------------------------------------------------------- */

static int args(cli_args *a, char *err, size_t errlen, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    va_start(ap, errlen);
    argv[argc++] = "imapclient";
    const char *s;
    while ((s = va_arg(ap, const char *)) && argc < 31)
        argv[argc++] = (char *)s;
    va_end(ap);
    argv[argc] = NULL;
    return cli_args_parse(argc, argv, a, err, errlen);
}

static void test_cli__args_connection(void **state)
{
    (void)state;
    cli_args a;
    char err[256];
    assert_int_equal(args(&a, err, sizeof err, "-H", "mail", "-u", "me", "-p", "pw", "-P",
                          "1143", "--insecure", "--timeout", "1.5", NULL),
                     0);
    assert_string_equal(a.cfg.host, "mail");
    assert_string_equal(a.cfg.username, "me");
    assert_string_equal(a.cfg.password, "pw");
    assert_int_equal(a.cfg.port, 1143);
    assert_int_equal(a.cfg.ssl, 0);
    assert_true(a.cfg.timeout > 1.49 && a.cfg.timeout < 1.51);
    assert_int_equal(a.cmd_index, 12); /* no command: the shell */
    cli_args_clear(&a);

    /* TLS is the default; long names as the reference spells them */
    assert_int_equal(args(&a, err, sizeof err, "--host", "mail", "--username", "me",
                          "--ssl", "--ca-file", "/ca.pem", NULL),
                     0);
    assert_int_equal(a.cfg.ssl, 1);
    assert_int_equal(a.cfg.verify_cert, 1);
    assert_string_equal(a.cfg.ca_file, "/ca.pem");
    cli_args_clear(&a);

    assert_int_equal(
        args(&a, err, sizeof err, "-H", "h", "--starttls", "--no-verify", NULL), 0);
    assert_int_equal(a.cfg.ssl, 0);
    assert_int_equal(a.cfg.starttls, 1);
    assert_int_equal(a.cfg.verify_cert, 0);
    assert_int_equal(a.cfg.check_hostname, 0);
    cli_args_clear(&a);

    assert_int_equal(
        args(&a, err, sizeof err, "--stream", "dovecot --exec-mail imap", NULL), 0);
    assert_int_equal(a.cfg.stream, 1);
    assert_int_equal(a.cfg.ssl, 0);
    assert_string_equal(a.cfg.host, "dovecot --exec-mail imap");
    cli_args_clear(&a);
}

static void test_cli__args_command(void **state)
{
    (void)state;
    cli_args a;
    char err[256];
    /* options stop at the command: what follows is the command's */
    assert_int_equal(args(&a, err, sizeof err, "-f", "x.ini", "--json", "list_folders",
                          "--json", "-H", NULL),
                     0);
    assert_string_equal(a.config_file, "x.ini");
    assert_int_equal(a.json, 1);
    assert_int_equal(a.cmd_index, 4);
    cli_args_clear(&a);

    assert_int_equal(args(&a, err, sizeof err, "--folder", "INBOX", "--readonly",
                          "--debug", "--no-progress", "search", "UNSEEN", NULL),
                     0);
    assert_string_equal(a.folder, "INBOX");
    assert_int_equal(a.readonly, 1);
    assert_int_equal(a.debug, 1);
    assert_int_equal(a.progress, 0);
    assert_int_equal(a.cmd_index, 6);
    cli_args_clear(&a);
}

static void test_cli__args_errors(void **state)
{
    (void)state;
    static const struct {
        const char *argv[6];
        const char *expect;
    } cases[] = {
        {{"-f", "c.ini", "-H", "h"}, "-f/--file"},
        {{"-u", "me", "-f", "c.ini"}, "-f/--file"},
        {{"-f", "c.ini", "--starttls"}, "-f/--file"},
        {{"-f", "c.ini", "--timeout", "3"}, "-f/--file"},
        {{"-s", "--insecure"}, "exclude"},
        {{"-s", "--starttls"}, "exclude"},
        {{"--stream", "cmd", "-P", "143"}, "--stream"},
        {{"-P", "0"}, "invalid port"},
        {{"-P", "http"}, "invalid port"},
        {{"--timeout", "0"}, "invalid timeout"},
        {{"--timeout", "x"}, "invalid timeout"},
        {{"--bogus"}, "unknown option --bogus"},
        {{"-x"}, "unknown option -x"},
        {{"-H"}, "needs an argument"},
        {{"--readonly"}, "--readonly needs --folder"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[8] = {"imapclient"};
        int argc = 1;
        for (int k = 0; k < 6 && cases[i].argv[k]; k++)
            argv[argc++] = (char *)cases[i].argv[k];
        argv[argc] = NULL;
        cli_args a;
        char err[256] = "";
        int rc = cli_args_parse(argc, argv, &a, err, sizeof err);
        if (rc != CLI_EXIT_USAGE || !strstr(err, cases[i].expect))
            fail_msg("case %zu: rc %d, err '%s', expected '%s'", i, rc, err,
                     cases[i].expect);
        cli_args_clear(&a);
    }
}

/* ---- the shell's words, options, exit statuses ---------------------------- */

static void test_cli__split_words(void **state)
{
    (void)state;
    char **w;
    unsigned char *q;
    int n = cli_split_words("  search NOT ( SUBJECT \"hello world\" FLAGGED )  ", &w, &q);
    assert_int_equal(n, 7);
    assert_string_equal(w[0], "search");
    assert_string_equal(w[4], "hello world");
    assert_int_equal(q[4], 1);
    assert_int_equal(q[3], 0);
    assert_string_equal(w[6], ")");
    assert_null(w[7]);
    cli_words_free(w, n, q);

    n = cli_split_words("select_folder 'Sent Items' a\\ b \"q\\\"x\" ''", &w, &q);
    assert_int_equal(n, 5);
    assert_string_equal(w[1], "Sent Items");
    assert_string_equal(w[2], "a b");
    assert_string_equal(w[3], "q\"x");
    assert_string_equal(w[4], "");
    assert_int_equal(q[4], 1);
    cli_words_free(w, n, q);

    /* a backslash before a letter is kept: system flags typed bare */
    n = cli_split_words("add_flags 9 \\Flagged \\Seen \\\\Draft \"\\Answered\" \\(x\\)",
                        &w, &q);
    assert_int_equal(n, 7);
    assert_string_equal(w[2], "\\Flagged");
    assert_int_equal(q[2], 0);
    assert_string_equal(w[3], "\\Seen");
    assert_string_equal(w[4], "\\Draft"); /* \\ is one backslash */
    assert_int_equal(q[4], 1);
    assert_string_equal(w[5], "\\Answered");
    assert_string_equal(w[6], "(x)"); /* escaped parentheses are text */
    cli_words_free(w, n, q);

    /* non-ASCII bytes pass through untouched */
    n = cli_split_words("folder_status Donn\xc3\xa9"
                        "es",
                        &w, &q);
    assert_int_equal(n, 2);
    assert_string_equal(w[1], "Donn\xc3\xa9"
                              "es");
    cli_words_free(w, n, q);

    assert_int_equal(cli_split_words("", &w, &q), 0);
    cli_words_free(w, 0, q);
    assert_int_equal(cli_split_words("fetch \"1:*", &w, &q), -1);
    assert_null(w);
}

static void test_cli__args_auth(void **state)
{
    (void)state;
    cli_args a;
    char err[256];
    static const char *const names[] = {"login",       "plain",    "scram-sha-256",
                                        "scram-sha-1", "cram-md5", "xoauth2",
                                        "oauthbearer", "external", "none"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(args(&a, err, sizeof err, "-H", "h", "--auth", names[i], NULL),
                         0);
        assert_int_equal(a.cfg.auth, cli_auth_parse(names[i]));
        assert_string_equal(cli_auth_name(a.cfg.auth), names[i]);
        cli_args_clear(&a);
    }
    assert_int_equal(cli_auth_parse("SCRAM-SHA-256"), CLI_AUTH_SCRAM_SHA_256);
    assert_int_equal(cli_auth_parse("digest-md5"), -1);
    assert_int_equal(args(&a, err, sizeof err, "-H", "h", "--no-login", NULL), 0);
    assert_int_equal(a.cfg.auth, CLI_AUTH_NONE);
    cli_args_clear(&a);
    /* --auth and --no-login may go with -f; token sources may not */
    assert_int_equal(args(&a, err, sizeof err, "-f", "x.ini", "--no-login", NULL), 0);
    assert_int_equal(a.auth, CLI_AUTH_NONE);
    cli_args_clear(&a);
    assert_int_equal(args(&a, err, sizeof err, "-f", "x.ini", "--token-file", "/t", NULL),
                     2);
    cli_args_clear(&a);

    assert_int_equal(args(&a, err, sizeof err, "-H", "h", "--auth", "xoauth2",
                          "--token-file", "/t", NULL),
                     0);
    assert_string_equal(a.cfg.token_file, "/t");
    cli_args_clear(&a);
    struct {
        const char *a1, *a2, *a3, *a4, *msg;
    } bad[] = {
        {"--auth", "kerberos", NULL, NULL, "unknown --auth mechanism: kerberos"},
        {"--auth", "plain", "--no-login", NULL, "--auth and --no-login disagree"},
        {"--token-file", "/t", NULL, NULL, "an access token is for --auth xoauth2"},
        {"--auth", "plain", "--token-env", "T", "not plain"},
        {"--auth", "xoauth2", "--token-env", "T", NULL},
        {"--key", "/k", NULL, NULL, "a client key needs its certificate"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = args(&a, err, sizeof err, "-H", "h", bad[i].a1, bad[i].a2, bad[i].a3,
                      bad[i].a4, NULL);
        if (!bad[i].msg) {
            assert_int_equal(rc, 0);
        } else {
            assert_int_equal(rc, 2);
            if (!strstr(err, bad[i].msg))
                fail_msg("'%s' not in '%s'", bad[i].msg, err);
        }
        cli_args_clear(&a);
    }
    assert_int_equal(args(&a, err, sizeof err, "-H", "h", "--auth", "xoauth2",
                          "--token-file", "/t", "--token-command", "c", NULL),
                     2);
    assert_non_null(strstr(err, "one way only"));
    cli_args_clear(&a);
}

static void test_cli__config_auth(void **state)
{
    (void)state;
    cli_config cfg;
    char err[512];
    assert_int_equal(
        parse("[DEFAULT]\nhost = h\nauth = SCRAM-SHA-1\n", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.auth, CLI_AUTH_SCRAM_SHA_1);
    cli_config_clear(&cfg);
    assert_int_equal(parse("[DEFAULT]\nhost = h\nauth = oauthbearer\n"
                           "token_command = pass show imap\n",
                           &cfg, err, sizeof err),
                     0);
    assert_string_equal(cfg.token_command, "pass show imap");
    assert_int_equal(cli_auth_effective(&cfg), CLI_AUTH_OAUTHBEARER);
    cli_config_clear(&cfg);
    /* oauth2 = true with an access token instead of a refresh token */
    assert_int_equal(parse("[DEFAULT]\nhost = h\noauth2 = yes\ntoken_env = TOKEN\n", &cfg,
                           err, sizeof err),
                     0);
    assert_int_equal(cli_auth_effective(&cfg), CLI_AUTH_XOAUTH2);
    cli_config_clear(&cfg);
    assert_int_equal(parse("[DEFAULT]\nhost = h\nauth = gssapi\n", &cfg, err, sizeof err),
                     CLI_EXIT_CONFIG);
    assert_non_null(strstr(err, "unknown mechanism 'gssapi'"));
    cli_config_clear(&cfg);
    assert_int_equal(parse("[DEFAULT]\nhost = h\nauth = plain\ntoken_file = /t\n", &cfg,
                           err, sizeof err),
                     CLI_EXIT_CONFIG);
    assert_non_null(strstr(err, "an access token is for"));
    cli_config_clear(&cfg);
    assert_int_equal(parse("[DEFAULT]\nhost = h\noauth2 = yes\n", &cfg, err, sizeof err),
                     CLI_EXIT_CONFIG);
    cli_config_clear(&cfg);
}

static void test_cli__secret_sources(void **state)
{
    (void)state;
    char err[256], path[] = "/tmp/test_cli_tok_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "tok-123\n\n", 9), 9);
    close(fd);
    char *s = cli_secret_from_file(path, err, sizeof err);
    assert_non_null(s);
    assert_string_equal(s, "tok-123");
    cli_free_secret(s);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "a\nb\n", 4), 4);
    close(fd);
    assert_null(cli_secret_from_file(path, err, sizeof err));
    assert_non_null(strstr(err, "more than one line"));
    fd = open(path, O_WRONLY | O_TRUNC);
    close(fd);
    assert_null(cli_secret_from_file(path, err, sizeof err));
    assert_non_null(strstr(err, "empty"));
    unlink(path);
    assert_null(cli_secret_from_file(path, err, sizeof err));

    setenv("TEST_CLI_TOKEN", "env-tok", 1);
    s = cli_secret_from_env("TEST_CLI_TOKEN", err, sizeof err);
    assert_string_equal(s, "env-tok");
    cli_free_secret(s);
    assert_null(cli_secret_from_env("TEST_CLI_NO_SUCH_TOKEN", err, sizeof err));

    s = cli_secret_from_command("printf 'cmd-tok\\n'", err, sizeof err);
    assert_non_null(s);
    assert_string_equal(s, "cmd-tok");
    cli_free_secret(s);
    assert_null(cli_secret_from_command("exit 5", err, sizeof err));
    assert_non_null(strstr(err, "exit status 5"));
    assert_null(
        cli_secret_from_command("head -c 70000 /dev/zero | tr '\\0' x", err, sizeof err));
    assert_non_null(strstr(err, "not a token"));
}

static void test_cli__take_opts(void **state)
{
    (void)state;
    cli_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    char *argv[] = {"search", "--charset", "UTF-8", "SUBJECT", "--raw",
                    "x",      "--",        "--raw", NULL};
    int argc = 8;
    const char *charset = NULL;
    int raw = 0;
    cli_opt opts[] = {
        {"charset", &charset, NULL}, {"raw", NULL, &raw}, {NULL, NULL, NULL}};
    assert_int_equal(cli_take_opts(&ctx, &argc, argv, opts), 0);
    assert_string_equal(charset, "UTF-8");
    assert_int_equal(raw, 1);
    assert_int_equal(argc, 4);
    assert_string_equal(argv[1], "SUBJECT");
    assert_string_equal(argv[2], "x");
    assert_string_equal(argv[3], "--raw"); /* after "--": an argument */
    assert_null(argv[4]);

    /* in the shell a quoted "--raw" is an argument */
    char *argv2[] = {"search", "--raw", "--raw", NULL};
    unsigned char q[] = {0, 1, 0};
    ctx.argq = q;
    argc = 3;
    raw = 0;
    assert_int_equal(cli_take_opts(&ctx, &argc, argv2, opts), 0);
    assert_int_equal(argc, 2);
    assert_int_equal(raw, 1);
    assert_string_equal(argv2[1], "--raw");
    ctx.argq = NULL;

    char *argv3[] = {"search", "--nope", NULL};
    argc = 2;
    assert_int_equal(cli_take_opts(&ctx, &argc, argv3, opts), CLI_EXIT_USAGE);
}

static void test_cli__exit_statuses(void **state)
{
    (void)state;
    assert_int_equal(cli_exit_status(0), 0);
    assert_int_equal(cli_exit_status(CLI_EXIT_USAGE), 2);
    assert_int_equal(cli_exit_status(IMAPCLIENT_ERROR), 11);
    assert_int_equal(cli_exit_status(IMAPCLIENT_EABORT), 12);
    assert_int_equal(cli_exit_status(IMAPCLIENT_ELOGIN), 17);
    assert_int_equal(cli_exit_status(IMAPCLIENT_ETOOBIG), 27);
    assert_int_equal(cli_exit_status(-1000), 125);
    /* every category has its own status */
    for (int a = -1; a >= IMAPCLIENT_ETOOBIG; a--)
        for (int b = a - 1; b >= IMAPCLIENT_ETOOBIG; b--)
            assert_int_not_equal(cli_exit_status(a), cli_exit_status(b));
}

static void test_cli__json_values(void **state)
{
    (void)state;
    imapclient_value items[5] = {
        {.type = IMAPCLIENT_VALUE_NIL},
        {.type = IMAPCLIENT_VALUE_NUMBER, .str = "42", .len = 2, .number = 42},
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "\\Seen", .len = 5},
        {.type = IMAPCLIENT_VALUE_LITERAL, .str = "caf\xe9", .len = 4},
        {.type = IMAPCLIENT_VALUE_STRING,
         .str = "Donn\xc3\xa9"
                "es",
         .len = 8},
    };
    imapclient_value list = {.type = IMAPCLIENT_VALUE_LIST, .items = items, .count = 5};
    json_t *j = out_json_value(&list);
    char *s = json_dumps(j, JSON_COMPACT);
    assert_string_equal(s, "[null,42,\"\\\\Seen\",{\"base64\":\"Y2Fm6Q==\"},"
                           "\"Donn\xc3\xa9"
                           "es\"]");
    free(s);
    json_decref(j);
    assert_int_equal(out_utf8_valid("\xc0\x80", 2), 0);     /* overlong */
    assert_int_equal(out_utf8_valid("\xed\xa0\x80", 3), 0); /* surrogate */
    assert_int_equal(out_utf8_valid("\xf0\x9f\x93\xa7", 4), 1);
}

/* ---- the program ------------------------------------------------------------ */

/* Run the program with a shell command line; returns its exit status and
 * its stdout + stderr in out. */
static int run(char *out, size_t size, const char *fmt, ...)
{
    char args[1024], cmd[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "HOME=/nonexistent '%s' %s 2>&1 </dev/null", CLI_BIN, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli__program_usage(void **state)
{
    (void)state;
    char out[16384];
    assert_int_equal(run(out, sizeof out, "--help"), 0);
    assert_non_null(strstr(out, "--starttls"));
    assert_non_null(strstr(out, "-f, --file CONFIG"));
    assert_int_equal(run(out, sizeof out, "--version"), 0);
    assert_non_null(strstr(out, IMAPCLIENT_VERSION));

    /* help needs no server; shell-only commands are not listed */
    assert_int_equal(run(out, sizeof out, "help"), 0);
    assert_non_null(strstr(out, "select_folder"));
    assert_non_null(strstr(out, "idle_check"));
    assert_null(strstr(out, "reconnect"));
    assert_int_equal(run(out, sizeof out, "search --help"), 0);
    assert_non_null(strstr(out, "usage: search"));
    assert_int_equal(run(out, sizeof out, "--json help"), 0);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    assert_non_null(j);
    assert_true(json_is_array(j) && json_array_size(j) > 20);
    json_decref(j);

    /* usage errors: 2, before any connection is tried */
    assert_int_equal(run(out, sizeof out, "-H 127.0.0.1 -P 1 -u u -p p nosuchcommand"),
                     2);
    assert_non_null(strstr(out, "unknown command 'nosuchcommand'"));
    assert_int_equal(run(out, sizeof out, "-H h reconnect"), 2);
    assert_int_equal(run(out, sizeof out, "-f x.ini -H h capabilities"), 2);
    assert_int_equal(run(out, sizeof out, "--frobnicate"), 2);
    /* no password and no terminal to ask on */
    assert_int_equal(run(out, sizeof out, "-H 127.0.0.1 -u u capabilities"), 2);
    assert_non_null(strstr(out, "no password"));
}

static void test_cli__program_config_errors(void **state)
{
    (void)state;
    char out[4096];
    assert_int_equal(run(out, sizeof out, "-f /nonexistent/imap.ini capabilities"), 3);
    assert_non_null(strstr(out, "/nonexistent/imap.ini"));

    char path[] = "/tmp/test_cli_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "[DEFAULT]\nhost = 127.0.0.1\nssl = sometimes\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(run(out, sizeof out, "-f %s capabilities", path), 3);
    assert_non_null(strstr(out, "not a boolean: 'sometimes'"));
    unlink(path);
}

static void test_cli__program_connect_error(void **state)
{
    (void)state;
    char out[4096];
    /* nothing listens on port 1: ECONNECT's status, with the category */
    int st = run(out, sizeof out, "-H 127.0.0.1 -P 1 --insecure -u u -p p capabilities");
    assert_int_equal(st, cli_exit_status(IMAPCLIENT_ECONNECT));
    assert_non_null(strstr(out, "ECONNECT"));
    st = run(out, sizeof out, "--json -H 127.0.0.1 -P 1 --insecure -u u -p p noop");
    assert_int_equal(st, cli_exit_status(IMAPCLIENT_ECONNECT));
    assert_non_null(strstr(out, "\"code\": \"ECONNECT\""));
}

/* --starttls against a plain server whose greeting is PREAUTH (a man in
 * the middle stripping STARTTLS): the program stops with the library's
 * ETLS before it sends anything, never running as the greeting's user
 * (issue 14, item 1). */
static void test_cli__program_starttls_preauth(void **state)
{
    (void)state;
    ts_server s;
    ts_start(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in as mallory\n"
                 "!DRAIN\n");
    char out[4096];
    int st = run(out, sizeof out,
                 "-H 127.0.0.1 -P %d --starttls -u bob -p secret list_folders", s.port);
    assert_string_equal(ts_finish(&s), "");
    assert_int_equal(st, cli_exit_status(IMAPCLIENT_ETLS));
    assert_non_null(strstr(out, "STARTTLS downgrade"));
    assert_string_equal(s.received, "");
}

/* The same with starttls = true from a config file (the reference's
 * config): it goes through the same option, never on after the greeting. */
static void test_cli__program_starttls_preauth_config(void **state)
{
    (void)state;
    ts_server s;
    ts_start(&s, "S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in as mallory\n"
                 "!DRAIN\n");
    char path[] = "/tmp/imapclient-test-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f,
            "[DEFAULT]\nhost = 127.0.0.1\nport = %d\nssl = false\nstarttls = true\n"
            "username = bob\npassword = secret\n",
            s.port);
    fclose(f);
    char out[4096];
    int st = run(out, sizeof out, "-f %s list_folders", path);
    unlink(path);
    assert_string_equal(ts_finish(&s), "");
    assert_int_equal(st, cli_exit_status(IMAPCLIENT_ETLS));
    assert_non_null(strstr(out, "STARTTLS downgrade"));
    assert_string_equal(s.received, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli__bool_spellings),
        cmocka_unit_test(test_cli__config_full),
        cmocka_unit_test(test_cli__config_defaults),
        cmocka_unit_test(test_cli__config_syntax),
        cmocka_unit_test(test_cli__config_interpolation),
        cmocka_unit_test(test_cli__config_errors),
        cmocka_unit_test(test_cli__config_starttls_stream_oauth2),
        cmocka_unit_test(test_cli__config_file_and_home),
        cmocka_unit_test(test_cli__args_connection),
        cmocka_unit_test(test_cli__args_command),
        cmocka_unit_test(test_cli__args_errors),
        cmocka_unit_test(test_cli__args_auth),
        cmocka_unit_test(test_cli__config_auth),
        cmocka_unit_test(test_cli__secret_sources),
        cmocka_unit_test(test_cli__split_words),
        cmocka_unit_test(test_cli__take_opts),
        cmocka_unit_test(test_cli__exit_statuses),
        cmocka_unit_test(test_cli__json_values),
        cmocka_unit_test(test_cli__program_usage),
        cmocka_unit_test(test_cli__program_config_errors),
        cmocka_unit_test(test_cli__program_connect_error),
        cmocka_unit_test(test_cli__program_starttls_preauth),
        cmocka_unit_test(test_cli__program_starttls_preauth_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
