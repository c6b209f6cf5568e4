/* Live: every SASL mechanism the private Dovecot offers (PLAIN, LOGIN
 * through a callback, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, XOAUTH2 and
 * OAUTHBEARER with JWTs that Dovecot's oauth2 passdb validates locally),
 * with good and bad credentials, on the plain and TLS listeners; and log
 * redaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <time.h>

#include "live/live.h"

static const live_env *E;

static imapclient *connect_opts(const imapclient_options *o)
{
    imapclient *c = NULL;
    int rc = imapclient_connect(o->ssl ? E->cert_name : E->host, o, &c);
    if (rc)
        fail_msg("connect: %s", imapclient_errmsg(c));
    return c;
}

static imapclient *connect_plain(void)
{
    imapclient_options o;
    live_plain_opts(&o);
    return connect_opts(&o);
}

static imapclient *connect_tls(void)
{
    imapclient_options o;
    live_tls_opts(&o);
    return connect_opts(&o);
}

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

/* After a successful login: authenticated, post-login capabilities. */
static void assert_logged_in(imapclient *c)
{
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_AUTHENTICATED);
    /* QUOTA and ACL are only announced after login */
    assert_int_equal(imapclient_has_capability(c, "QUOTA"), 1);
    assert_int_equal(imapclient_has_capability(c, "ACL"), 1);
    check(imapclient_noop(c, NULL), c);
}

static void assert_refused(imapclient *c, int rc)
{
    if (rc != IMAPCLIENT_ELOGIN)
        fail_msg("expected ELOGIN, got %d: %s", rc, imapclient_errmsg(c));
    assert_int_equal(imapclient_get_state(c), IMAPCLIENT_STATE_NOT_AUTHENTICATED);
    assert_non_null(strstr(imapclient_errmsg(c), "failed"));
}

/* ---- PLAIN --------------------------------------------------------------- */

static void test_auth__plain_good(void **state)
{
    imapclient *c = connect_plain();
    assert_int_equal(imapclient_has_capability(c, "SASL-IR"), 1);
    assert_int_equal(imapclient_has_capability(c, "QUOTA"), 0);
    const char *text = NULL;
    check(imapclient_plain_login(c, E->user, E->password, NULL, &text), c);
    assert_non_null(strstr(text, "Logged in"));
    assert_logged_in(c);
    imapclient_free(c);
}

static void test_auth__plain_bad_then_good(void **state)
{
    imapclient *c = connect_plain();
    assert_refused(c, imapclient_plain_login(c, E->user, "wrong password", NULL, NULL));
    assert_non_null(strstr(imapclient_errmsg(c), "AUTHENTICATIONFAILED"));
    /* the connection is still usable for another try */
    check(imapclient_plain_login(c, E->user, E->password, NULL, NULL), c);
    assert_logged_in(c);
    assert_int_equal(imapclient_plain_login(c, E->user, E->password, NULL, NULL),
                     IMAPCLIENT_EILLEGAL_STATE);
    imapclient_free(c);
}

static void test_auth__plain_authorization_identity(void **state)
{
    imapclient *c = connect_plain();
    /* acting as oneself is allowed; as someone else needs a master user */
    assert_refused(c, imapclient_plain_login(c, E->user, E->password, E->user2, NULL));
    check(imapclient_plain_login(c, E->user, E->password, E->user, NULL), c);
    assert_logged_in(c);
    imapclient_free(c);
}

static void test_auth__plain_unknown_user_non_ascii(void **state)
{
    imapclient *c = connect_plain();
    assert_refused(
        c, imapclient_plain_login(c, "nobody-here", "p\xc3\xa4ss \"w\\rd\"", NULL, NULL));
    imapclient_free(c);
}

static void test_auth__plain_over_tls(void **state)
{
    imapclient *c = connect_tls();
    assert_int_equal(imapclient_is_tls(c), 1);
    check(imapclient_plain_login(c, E->user, E->password, NULL, NULL), c);
    assert_logged_in(c);
    imapclient_free(c);
}

/* ---- sasl_login ------------------------------------------------------------ */

typedef struct creds {
    const char *user, *pass;
    int calls;
    size_t first_len;
} creds;

static int plain_cb(void *payload, const unsigned char *ch, size_t n,
                    imapclient_sasl_reply *reply)
{
    creds *cr = payload;
    if (cr->calls++ == 0)
        cr->first_len = n;
    char buf[256];
    size_t ul = strlen(cr->user), pl = strlen(cr->pass);
    buf[0] = '\0';
    memcpy(buf + 1, cr->user, ul);
    buf[1 + ul] = '\0';
    memcpy(buf + 2 + ul, cr->pass, pl);
    return imapclient_sasl_reply_set(reply, buf, 2 + ul + pl);
}

static int login_cb(void *payload, const unsigned char *ch, size_t n,
                    imapclient_sasl_reply *reply)
{
    creds *cr = payload;
    cr->calls++;
    if (n >= 8 && !memcmp(ch, "Username", 8))
        return imapclient_sasl_reply_set(reply, cr->user, strlen(cr->user));
    if (n >= 8 && !memcmp(ch, "Password", 8))
        return imapclient_sasl_reply_set(reply, cr->pass, strlen(cr->pass));
    return -1;
}

static int cancel_cb(void *payload, const unsigned char *ch, size_t n,
                     imapclient_sasl_reply *reply)
{
    ((creds *)payload)->calls++;
    return 1;
}

static void test_auth__sasl_login_plain_callback(void **state)
{
    imapclient *c = connect_plain();
    creds bad = {.user = E->user, .pass = "nope"};
    assert_refused(c, imapclient_sasl_login(c, "PLAIN", plain_cb, &bad, NULL));
    assert_int_equal(bad.calls, 1);
    creds good = {.user = E->user, .pass = E->password};
    const char *text = NULL;
    check(imapclient_sasl_login(c, "PLAIN", plain_cb, &good, &text), c);
    assert_int_equal(good.calls, 1);
    assert_int_equal(good.first_len, 0); /* client-first: empty challenge */
    assert_non_null(strstr(text, "Logged in"));
    assert_logged_in(c);
    imapclient_free(c);
}

static void test_auth__sasl_login_login_mechanism(void **state)
{
    imapclient *c = connect_plain();
    creds bad = {.user = E->user, .pass = "nope"};
    assert_refused(c, imapclient_sasl_login(c, "LOGIN", login_cb, &bad, NULL));
    creds good = {.user = E->user, .pass = E->password};
    check(imapclient_sasl_login(c, "LOGIN", login_cb, &good, NULL), c);
    assert_int_equal(good.calls, 2); /* Username:, Password: */
    assert_logged_in(c);
    imapclient_free(c);
}

static void test_auth__sasl_login_cancel(void **state)
{
    imapclient *c = connect_plain();
    creds cr = {0};
    int rc = imapclient_sasl_login(c, "PLAIN", cancel_cb, &cr, NULL);
    assert_int_equal(rc, IMAPCLIENT_ELOGIN);
    assert_int_equal(cr.calls, 1);
    assert_non_null(strstr(imapclient_errmsg(c), "cancelled"));
    check(imapclient_login(c, E->user, E->password, NULL), c);
    imapclient_free(c);
}

static void test_auth__sasl_login_unknown_mechanism(void **state)
{
    imapclient *c = connect_plain();
    creds cr = {0};
    assert_int_equal(imapclient_sasl_login(c, "X-NOT-A-MECH", cancel_cb, &cr, NULL),
                     IMAPCLIENT_ELOGIN);
    assert_int_equal(cr.calls, 0);
    assert_non_null(strstr(imapclient_errmsg(c), "X-NOT-A-MECH"));
    imapclient_free(c);
}

/* ---- CRAM-MD5 and SCRAM -------------------------------------------------------- */

static void test_auth__cram_md5(void **state)
{
    imapclient *c = connect_plain();
    assert_refused(c, imapclient_cram_md5_login(c, E->user, "wrong", NULL));
    check(imapclient_cram_md5_login(c, E->user, E->password, NULL), c);
    assert_logged_in(c);
    imapclient_free(c);
}

static void scram(const char *mech, int tls)
{
    imapclient *c = tls ? connect_tls() : connect_plain();
    assert_refused(c, imapclient_scram_login(c, mech, E->user, "wrong", NULL));
    assert_refused(c, imapclient_scram_login(c, mech, "no-such-user", E->password, NULL));
    const char *text = NULL;
    check(imapclient_scram_login(c, mech, E->user, E->password, &text), c);
    assert_non_null(strstr(text, "Logged in"));
    assert_logged_in(c);
    imapclient_free(c);
}

static void test_auth__scram_sha1(void **state)
{
    scram("SCRAM-SHA-1", 0);
}

static void test_auth__scram_sha256(void **state)
{
    scram("SCRAM-SHA-256", 0);
}

static void test_auth__scram_sha256_default_over_tls(void **state)
{
    scram(NULL, 1);
}

static void test_auth__second_user(void **state)
{
    imapclient *c = connect_plain();
    check(imapclient_scram_login(c, NULL, E->user2, E->password2, NULL), c);
    assert_logged_in(c);
    imapclient_free(c);
}

/* ---- OAuth2: XOAUTH2 and OAUTHBEARER with locally validated JWTs ------------ */

/* The HS256 key dovecot.sh gave the oauth2 passdb (IMAPTEST_OAUTH2_KEY in
 * the env file). */
static const char *oauth2_key(void)
{
    static char key[512];
    if (key[0])
        return key;
    const char *path = getenv("IMAPTEST_ENV");
    FILE *f = path ? fopen(path, "r") : NULL;
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "IMAPTEST_OAUTH2_KEY=", 20)) {
            line[strcspn(line, "\r\n")] = '\0';
            snprintf(key, sizeof key, "%s", line + 20);
        }
    if (f)
        fclose(f);
    if (!key[0])
        fail_msg("IMAPTEST_OAUTH2_KEY missing from %s",
                 path ? path : "(no IMAPTEST_ENV)");
    return key;
}

/* base64url without padding (RFC 7515 section 2) */
static void b64url(char *out, size_t cap, const void *in, size_t n)
{
    unsigned char tmp[2048];
    assert_true(4 * ((n + 2) / 3) < sizeof tmp && 4 * ((n + 2) / 3) < cap);
    int k = EVP_EncodeBlock(tmp, in, (int)n);
    while (k > 0 && tmp[k - 1] == '=')
        k--;
    for (int i = 0; i < k; i++)
        out[i] = tmp[i] == '+' ? '-' : tmp[i] == '/' ? '_' : (char)tmp[i];
    out[k] = '\0';
}

/* A JWT for sub, valid from now to now + lifetime seconds, signed with key. */
static void make_jwt(char *out, size_t cap, const char *sub, long lifetime,
                     const char *key)
{
    long now = (long)time(NULL);
    char payload[256], h64[128], p64[512], s64[128];
    snprintf(payload, sizeof payload,
             "{\"sub\":\"%s\",\"iat\":%ld,\"nbf\":%ld,\"exp\":%ld}", sub, now - 60,
             now - 60, now + lifetime);
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    b64url(h64, sizeof h64, header, sizeof header - 1);
    b64url(p64, sizeof p64, payload, strlen(payload));
    char input[1024];
    snprintf(input, sizeof input, "%s.%s", h64, p64);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned maclen = 0;
    assert_non_null(HMAC(EVP_sha256(), key, (int)strlen(key),
                         (const unsigned char *)input, strlen(input), mac, &maclen));
    b64url(s64, sizeof s64, mac, maclen);
    snprintf(out, cap, "%s.%s", input, s64);
}

static void test_auth__xoauth2(void **state)
{
    imapclient *c = connect_plain();
    assert_int_equal(imapclient_has_capability(c, "AUTH=XOAUTH2"), 1);
    char tok[1024];
    /* wrong signature: Dovecot sends its JSON error challenge, the client
     * answers with an empty line, then NO */
    make_jwt(tok, sizeof tok, E->user, 3600, "not-the-key");
    assert_refused(c, imapclient_oauth2_login(c, E->user, tok, NULL, NULL, NULL));
    assert_non_null(strstr(imapclient_errmsg(c), "\"status\":\"401\""));
    assert_null(strstr(imapclient_errmsg(c), tok));
    /* expired */
    make_jwt(tok, sizeof tok, E->user, -3600, oauth2_key());
    assert_refused(c, imapclient_oauth2_login(c, E->user, tok, "XOAUTH2", NULL, NULL));
    /* good */
    make_jwt(tok, sizeof tok, E->user, 3600, oauth2_key());
    const char *text = NULL;
    check(imapclient_oauth2_login(c, E->user, tok, NULL, NULL, &text), c);
    assert_non_null(strstr(text, "Logged in"));
    assert_logged_in(c);
    imapclient_free(c);
}

static void test_auth__xoauth2_over_tls_with_vendor(void **state)
{
    imapclient *c = connect_tls();
    char tok[1024];
    make_jwt(tok, sizeof tok, E->user2, 3600, oauth2_key());
    check(imapclient_oauth2_login(c, E->user2, tok, NULL, "libimapclient", NULL), c);
    assert_logged_in(c);
    imapclient_free(c);
}

static void test_auth__oauth2_mechanism_not_offered(void **state)
{
    imapclient *c = connect_plain();
    char tok[1024];
    make_jwt(tok, sizeof tok, E->user, 3600, oauth2_key());
    assert_int_equal(imapclient_has_capability(c, "AUTH=OAUTH2"), 0);
    assert_int_equal(imapclient_oauth2_login(c, E->user, tok, "OAUTH2", NULL, NULL),
                     IMAPCLIENT_ELOGIN);
    assert_non_null(strstr(imapclient_errmsg(c), "Unsupported authentication mechanism"));
    assert_null(strstr(imapclient_errmsg(c), tok));
    imapclient_free(c);
}

static void test_auth__oauthbearer(void **state)
{
    imapclient *c = connect_plain();
    assert_int_equal(imapclient_has_capability(c, "AUTH=OAUTHBEARER"), 1);
    char tok[1024];
    make_jwt(tok, sizeof tok, E->user, 3600, "not-the-key");
    assert_refused(c, imapclient_oauthbearer_login(c, E->user, tok, NULL));
    make_jwt(tok, sizeof tok, E->user, 3600, oauth2_key());
    check(imapclient_oauthbearer_login(c, E->user, tok, NULL), c);
    assert_logged_in(c);
    imapclient_free(c);
}

/* ---- the protocol log never shows secrets ----------------------------------- */

typedef struct logbuf {
    char text[65536];
    size_t len;
} logbuf;

static void collect(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    logbuf *b = payload;
    if (dir != IMAPCLIENT_LOG_SENT || b->len + len + 2 >= sizeof b->text)
        return;
    memcpy(b->text + b->len, line, len);
    b->len += len;
    b->text[b->len++] = '\n';
    b->text[b->len] = '\0';
}

static void test_auth__log_redaction(void **state)
{
    static logbuf lb;
    lb.len = 0;
    lb.text[0] = '\0';
    imapclient_options o;
    live_plain_opts(&o);
    o.log = collect;
    o.log_payload = &lb;
    imapclient *c = connect_opts(&o);
    assert_refused(c, imapclient_plain_login(c, E->user, "Sekr1t-wrong", NULL, NULL));
    assert_refused(c, imapclient_cram_md5_login(c, E->user, "Sekr1t-wrong", NULL));
    creds cr = {.user = E->user, .pass = "Sekr1t-wrong"};
    assert_refused(c, imapclient_sasl_login(c, "LOGIN", login_cb, &cr, NULL));
    char tok[1024];
    make_jwt(tok, sizeof tok, E->user, 3600, "not-the-key");
    assert_refused(c, imapclient_oauth2_login(c, E->user, tok, NULL, NULL, NULL));
    check(imapclient_scram_login(c, NULL, E->user, E->password, NULL), c);
    imapclient_free(c);
    assert_null(strstr(lb.text, strrchr(tok, '.') + 1));      /* the signature */
    assert_null(strstr(lb.text, "dXNlcj10ZXN0dXNlcgFhdXRo")); /* "user=testuser^Aauth" */
    assert_null(strstr(lb.text, "Sekr1t"));
    assert_null(strstr(lb.text, E->password));
    /* base64 of "Sekr1t-wrong" at the three alignments */
    assert_null(strstr(lb.text, "U2VrcjF0"));
    assert_null(strstr(lb.text, "a3IxdC13"));
    assert_null(strstr(lb.text, "ZWtyMXQt"));
    assert_non_null(strstr(lb.text, "AUTHENTICATE PLAIN ***"));
    assert_non_null(strstr(lb.text, "AUTHENTICATE SCRAM-SHA-256 ***"));
    assert_non_null(strstr(lb.text, "AUTHENTICATE XOAUTH2 ***"));
    assert_non_null(strstr(lb.text, "\n***\n"));
}

static int setup(void **state)
{
    E = live_require();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth__plain_good),
        cmocka_unit_test(test_auth__plain_bad_then_good),
        cmocka_unit_test(test_auth__plain_authorization_identity),
        cmocka_unit_test(test_auth__plain_unknown_user_non_ascii),
        cmocka_unit_test(test_auth__plain_over_tls),
        cmocka_unit_test(test_auth__sasl_login_plain_callback),
        cmocka_unit_test(test_auth__sasl_login_login_mechanism),
        cmocka_unit_test(test_auth__sasl_login_cancel),
        cmocka_unit_test(test_auth__sasl_login_unknown_mechanism),
        cmocka_unit_test(test_auth__cram_md5),
        cmocka_unit_test(test_auth__scram_sha1),
        cmocka_unit_test(test_auth__scram_sha256),
        cmocka_unit_test(test_auth__scram_sha256_default_over_tls),
        cmocka_unit_test(test_auth__second_user),
        cmocka_unit_test(test_auth__xoauth2),
        cmocka_unit_test(test_auth__xoauth2_over_tls_with_vendor),
        cmocka_unit_test(test_auth__oauth2_mechanism_not_offered),
        cmocka_unit_test(test_auth__oauthbearer),
        cmocka_unit_test(test_auth__log_redaction),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
