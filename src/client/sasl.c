/*
 * SASL mechanisms as step functions (see sasl.h), on OpenSSL primitives.
 * RFC 4422 (SASL), RFC 4648 (base64), RFC 4616 (PLAIN), RFC 2195 and
 * RFC 2104 (CRAM-MD5, HMAC), RFC 5802 and RFC 7677 (SCRAM), RFC 7628
 * (OAUTHBEARER), Google's XOAUTH2 protocol description.
 */
#include "sasl.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* ---- base64 ----------------------------------------------------------- */

int imc_b64_encode(imc_buf *out, const void *in, size_t len)
{
    if (len > (size_t)INT_MAX / 4 * 3 - 3)
        return -1;
    size_t n = 4 * ((len + 2) / 3);
    if (imc_buf_reserve(out, n + 1) < 0)
        return -1;
    int k = EVP_EncodeBlock((unsigned char *)out->data + out->len, in, (int)len);
    if (k < 0 || (size_t)k != n)
        return -1;
    out->len += n;
    out->data[out->len] = '\0';
    return 0;
}

static int b64_char(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || ch == '+' || ch == '/';
}

int imc_b64_decode(imc_buf *out, const char *in, size_t len)
{
    if (len == 0)
        return imc_buf_reserve(out, 1) < 0 ? -1 : 0;
    if (len % 4 != 0 || len > (size_t)INT_MAX)
        return -1;
    /* EVP_DecodeBlock skips blanks and does not report padding: check the
     * alphabet here and take the "=" off its output length ourselves. */
    size_t pad = 0;
    if (in[len - 1] == '=')
        pad = in[len - 2] == '=' ? 2 : 1;
    for (size_t i = 0; i < len - pad; i++)
        if (!b64_char((unsigned char)in[i]))
            return -1;
    size_t n = len / 4 * 3;
    if (imc_buf_reserve(out, n + 1) < 0)
        return -1;
    unsigned char *dst = (unsigned char *)out->data + out->len;
    int k = EVP_DecodeBlock(dst, (const unsigned char *)in, (int)len);
    if (k < 0 || (size_t)k != n) {
        OPENSSL_cleanse(dst, n);
        return -1;
    }
    out->len += n - pad;
    out->data[out->len] = '\0';
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

int imc_sasl_name_valid(const char *name)
{
    size_t n = 0;
    if (!name)
        return 0;
    for (const char *p = name; *p; p++, n++) {
        char ch = *p;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
            return 0;
    }
    return n >= 1 && n <= 20;
}

static int nomem(imc_sasl *s)
{
    snprintf(s->err, sizeof s->err, "out of memory");
    return IMAPCLIENT_ENOMEM;
}

static int add(imc_buf *b, const void *p, size_t n)
{
    return imc_buf_add(b, p, n);
}

static int adds(imc_buf *b, const char *s)
{
    return s ? imc_buf_adds(b, s) : 0;
}

static void reset(imc_sasl *s)
{
    memset(s, 0, sizeof *s);
    imc_buf_init(&s->first_bare, 0);
}

void imc_sasl_cleanup(imc_sasl *s)
{
    imc_buf_free_wipe(&s->first_bare);
    OPENSSL_cleanse(s->server_sig, sizeof s->server_sig);
    OPENSSL_cleanse(s->nonce, sizeof s->nonce);
    s->user = s->password = s->authzid = s->token = s->vendor = NULL;
}

/* Save the text of an error challenge for the error message, printable
 * ASCII only (it comes from the server, it may be anything). */
static void save_server_error(imc_sasl *s, const unsigned char *in, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < sizeof s->server_error; i++)
        s->server_error[k++] = (in[i] >= 0x20 && in[i] < 0x7f) ? (char)in[i] : '?';
    s->server_error[k] = '\0';
}

/* ---- PLAIN (RFC 4616): [authzid] NUL authcid NUL passwd ------------------ */

static int plain_step(imc_sasl *s, const unsigned char *in, size_t len, imc_buf *out)
{
    if (s->nstep > 0) {
        snprintf(s->err, sizeof s->err, "unexpected second challenge");
        return IMAPCLIENT_ELOGIN;
    }
    if (adds(out, s->authzid) < 0 || add(out, "", 1) < 0 || adds(out, s->user) < 0 ||
        add(out, "", 1) < 0 || adds(out, s->password) < 0)
        return nomem(s);
    return 0;
}

int imc_sasl_plain(imc_sasl *s, const char *authzid, const char *user,
                   const char *password)
{
    reset(s);
    s->mech = "PLAIN";
    s->client_first = 1;
    s->step = plain_step;
    s->authzid = authzid;
    s->user = user;
    s->password = password;
    return 0;
}

/* ---- XOAUTH2 / OAUTH2 and OAUTHBEARER ------------------------------------ */

static int oauth_error_step(imc_sasl *s, const unsigned char *in, size_t len,
                            imc_buf *out, const char *reply)
{
    /* A second challenge is the server's error status (JSON): answer so
     * that it can send its NO (XOAUTH2: empty; RFC 7628 3.2.3: ^A). */
    save_server_error(s, in, len);
    if (s->nstep > 1) {
        snprintf(s->err, sizeof s->err, "unexpected further challenge");
        return IMAPCLIENT_ELOGIN;
    }
    return adds(out, reply) < 0 ? nomem(s) : 0;
}

static int xoauth2_step(imc_sasl *s, const unsigned char *in, size_t len, imc_buf *out)
{
    if (s->nstep > 0)
        return oauth_error_step(s, in, len, out, "");
    if (adds(out, "user=") < 0 || adds(out, s->user) < 0 ||
        adds(out, "\1auth=Bearer ") < 0 || adds(out, s->token) < 0 || adds(out, "\1") < 0)
        return nomem(s);
    if (s->vendor && *s->vendor &&
        (adds(out, "vendor=") < 0 || adds(out, s->vendor) < 0 || adds(out, "\1") < 0))
        return nomem(s);
    return adds(out, "\1") < 0 ? nomem(s) : 0;
}

static int has_ctl_a(const char *p)
{
    return p && strchr(p, '\1') != NULL;
}

int imc_sasl_xoauth2(imc_sasl *s, const char *mech, const char *user, const char *token,
                     const char *vendor)
{
    reset(s);
    if (!mech)
        mech = "XOAUTH2";
    if (!imc_sasl_name_valid(mech)) {
        snprintf(s->err, sizeof s->err, "invalid mechanism name");
        return IMAPCLIENT_EINVAL;
    }
    if (has_ctl_a(user) || has_ctl_a(token) || has_ctl_a(vendor)) {
        snprintf(s->err, sizeof s->err, "user, token or vendor holds a ^A byte");
        return IMAPCLIENT_EINVAL;
    }
    s->mech = mech;
    s->client_first = 1;
    s->step = xoauth2_step;
    s->user = user;
    s->token = token;
    s->vendor = vendor;
    return 0;
}

/* gs2 saslname: "=" -> "=3D", "," -> "=2C" (RFC 5801 section 4, RFC 5802
 * section 5.1). */
static int add_saslname(imc_buf *out, const char *name)
{
    for (const char *p = name; *p; p++) {
        int rc = *p == '='   ? adds(out, "=3D")
                 : *p == ',' ? adds(out, "=2C")
                             : add(out, p, 1);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int oauthbearer_step(imc_sasl *s, const unsigned char *in, size_t len,
                            imc_buf *out)
{
    if (s->nstep > 0)
        return oauth_error_step(s, in, len, out, "\1");
    if (adds(out, "n,") < 0)
        return nomem(s);
    if (s->user && *s->user && (adds(out, "a=") < 0 || add_saslname(out, s->user) < 0))
        return nomem(s);
    if (adds(out, ",\1auth=Bearer ") < 0 || adds(out, s->token) < 0 ||
        adds(out, "\1\1") < 0)
        return nomem(s);
    return 0;
}

int imc_sasl_oauthbearer(imc_sasl *s, const char *identity, const char *token)
{
    reset(s);
    if (has_ctl_a(identity) || has_ctl_a(token)) {
        snprintf(s->err, sizeof s->err, "identity or token holds a ^A byte");
        return IMAPCLIENT_EINVAL;
    }
    s->mech = "OAUTHBEARER";
    s->client_first = 1;
    s->step = oauthbearer_step;
    s->user = identity;
    s->token = token;
    return 0;
}

/* ---- CRAM-MD5 (RFC 2195): user SP hex(HMAC-MD5(password, challenge)) ----- */

static int cram_step(imc_sasl *s, const unsigned char *in, size_t len, imc_buf *out)
{
    if (s->nstep > 0) {
        snprintf(s->err, sizeof s->err, "unexpected second challenge");
        return IMAPCLIENT_ELOGIN;
    }
    if (len == 0) {
        snprintf(s->err, sizeof s->err, "empty CRAM-MD5 challenge");
        return IMAPCLIENT_EPROTOCOL;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (!HMAC(EVP_md5(), s->password, (int)strlen(s->password), in, len, md, &mdlen)) {
        snprintf(s->err, sizeof s->err, "HMAC-MD5 failed (MD5 not available?)");
        return IMAPCLIENT_ELOGIN;
    }
    static const char hex[] = "0123456789abcdef";
    char digest[2 * EVP_MAX_MD_SIZE];
    for (unsigned i = 0; i < mdlen; i++) {
        digest[2 * i] = hex[md[i] >> 4];
        digest[2 * i + 1] = hex[md[i] & 15];
    }
    int rc =
        (adds(out, s->user) < 0 || adds(out, " ") < 0 || add(out, digest, 2 * mdlen) < 0)
            ? nomem(s)
            : 0;
    OPENSSL_cleanse(md, sizeof md);
    OPENSSL_cleanse(digest, sizeof digest);
    return rc;
}

int imc_sasl_cram_md5(imc_sasl *s, const char *user, const char *password)
{
    reset(s);
    s->mech = "CRAM-MD5";
    s->client_first = 0;
    s->step = cram_step;
    s->user = user;
    s->password = password;
    return 0;
}

/* ---- SCRAM (RFC 5802, RFC 7677) --------------------------------------- */

static const EVP_MD *scram_md(const imc_sasl *s)
{
    return s->sha256 ? EVP_sha256() : EVP_sha1();
}

static size_t scram_mdlen(const imc_sasl *s)
{
    return s->sha256 ? 32 : 20;
}

static int hmac(const imc_sasl *s, const unsigned char *key, size_t keylen,
                const void *data, size_t len, unsigned char *out)
{
    unsigned n = 0;
    return HMAC(scram_md(s), key, (int)keylen, data, len, out, &n) && n == scram_mdlen(s)
               ? 0
               : -1;
}

/* Find attribute "<name>=" in a comma-separated SCRAM message; value and
 * its length out. The first attribute may be at the start. */
static const char *scram_attr(const char *msg, size_t len, char name, size_t *vlen)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && msg[end] != ',')
            end++;
        if (end - i >= 2 && msg[i] == name && msg[i + 1] == '=') {
            *vlen = end - i - 2;
            return msg + i + 2;
        }
        i = end + 1;
    }
    return NULL;
}

static int scram_first(imc_sasl *s, imc_buf *out)
{
    /* client-first-message = gs2-header client-first-message-bare, with
     * gs2-header "n,," (no channel binding, no authzid). */
    if (adds(&s->first_bare, "n=") < 0 || add_saslname(&s->first_bare, s->user) < 0 ||
        adds(&s->first_bare, ",r=") < 0 || adds(&s->first_bare, s->nonce) < 0)
        return nomem(s);
    if (adds(out, "n,,") < 0 || add(out, s->first_bare.data, s->first_bare.len) < 0)
        return nomem(s);
    return 0;
}

static int scram_final(imc_sasl *s, const unsigned char *in, size_t len, imc_buf *out)
{
    const char *msg = (const char *)in;
    size_t rlen = 0, slen = 0, ilen = 0;
    if (len >= 2 && msg[0] == 'm' && msg[1] == '=') {
        snprintf(s->err, sizeof s->err, "server requires an unsupported SCRAM extension");
        return IMAPCLIENT_ELOGIN;
    }
    const char *r = scram_attr(msg, len, 'r', &rlen);
    const char *salt64 = scram_attr(msg, len, 's', &slen);
    const char *it = scram_attr(msg, len, 'i', &ilen);
    if (memchr(in, '\0', len) || !r || !salt64 || !it) {
        snprintf(s->err, sizeof s->err, "malformed SCRAM server-first-message");
        return IMAPCLIENT_EPROTOCOL;
    }
    size_t nlen = strlen(s->nonce);
    if (rlen <= nlen || memcmp(r, s->nonce, nlen) != 0) {
        snprintf(s->err, sizeof s->err,
                 "SCRAM server nonce does not extend the client's");
        return IMAPCLIENT_ELOGIN;
    }
    unsigned long iter = 0;
    for (size_t i = 0; i < ilen; i++) {
        if (it[i] < '0' || it[i] > '9' || iter > IMC_SCRAM_MAX_ITERATIONS) {
            iter = 0;
            break;
        }
        iter = iter * 10 + (unsigned long)(it[i] - '0');
    }
    if (iter == 0 || iter > IMC_SCRAM_MAX_ITERATIONS) {
        snprintf(s->err, sizeof s->err, "SCRAM iteration count %.*s refused (1 to %u)",
                 (int)(ilen > 20 ? 20 : ilen), it, IMC_SCRAM_MAX_ITERATIONS);
        return IMAPCLIENT_EPROTOCOL;
    }
    imc_buf salt, auth;
    imc_buf_init(&salt, 0);
    imc_buf_init(&auth, 0);
    int rc = 0;
    if (imc_b64_decode(&salt, salt64, slen) < 0 || salt.len == 0) {
        snprintf(s->err, sizeof s->err, "SCRAM salt is not base64");
        rc = IMAPCLIENT_EPROTOCOL;
        goto done;
    }

    /* client-final-message-without-proof = "c=biws,r=" nonce; biws is
     * base64("n,,"). */
    size_t md = scram_mdlen(s);
    unsigned char salted[IMC_SASL_MAX_MD], ckey[IMC_SASL_MAX_MD], stored[IMC_SASL_MAX_MD],
        csig[IMC_SASL_MAX_MD], skey[IMC_SASL_MAX_MD];
    unsigned storedlen = 0;
    if (add(&auth, s->first_bare.data, s->first_bare.len) < 0 || adds(&auth, ",") < 0 ||
        add(&auth, msg, len) < 0 || adds(&auth, ",c=biws,r=") < 0 ||
        add(&auth, r, rlen) < 0) {
        rc = nomem(s);
        goto wipe;
    }
    if (!PKCS5_PBKDF2_HMAC(s->password, (int)strlen(s->password),
                           (const unsigned char *)salt.data, (int)salt.len, (int)iter,
                           scram_md(s), (int)md, salted) ||
        hmac(s, salted, md, "Client Key", 10, ckey) < 0 ||
        !EVP_Digest(ckey, md, stored, &storedlen, scram_md(s), NULL) ||
        hmac(s, stored, md, auth.data, auth.len, csig) < 0 ||
        hmac(s, salted, md, "Server Key", 10, skey) < 0 ||
        hmac(s, skey, md, auth.data, auth.len, s->server_sig) < 0) {
        snprintf(s->err, sizeof s->err, "SCRAM key derivation failed");
        rc = IMAPCLIENT_ELOGIN;
        goto wipe;
    }
    for (size_t i = 0; i < md; i++)
        ckey[i] ^= csig[i]; /* ClientProof */
    if (adds(out, "c=biws,r=") < 0 || add(out, r, rlen) < 0 || adds(out, ",p=") < 0 ||
        imc_b64_encode(out, ckey, md) < 0)
        rc = nomem(s);
wipe:
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(ckey, sizeof ckey);
    OPENSSL_cleanse(stored, sizeof stored);
    OPENSSL_cleanse(csig, sizeof csig);
    OPENSSL_cleanse(skey, sizeof skey);
done:
    imc_buf_free(&salt);
    imc_buf_free_wipe(&auth);
    return rc;
}

static int scram_verify(imc_sasl *s, const unsigned char *in, size_t len)
{
    const char *msg = (const char *)in;
    size_t vlen = 0;
    const char *e = scram_attr(msg, len, 'e', &vlen);
    if (e && e == msg + 2) {
        snprintf(s->err, sizeof s->err, "SCRAM server error: %.*s",
                 (int)(vlen > 100 ? 100 : vlen), e);
        for (char *p = s->err; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                *p = '?';
        return IMAPCLIENT_ELOGIN;
    }
    const char *v = scram_attr(msg, len, 'v', &vlen);
    imc_buf sig;
    imc_buf_init(&sig, 0);
    int ok = v && v == msg + 2 && imc_b64_decode(&sig, v, vlen) == 0 &&
             sig.len == scram_mdlen(s) &&
             CRYPTO_memcmp(sig.data, s->server_sig, sig.len) == 0;
    imc_buf_free(&sig);
    if (!ok) {
        snprintf(s->err, sizeof s->err,
                 "SCRAM server signature does not match: the server does not know the "
                 "password");
        return IMAPCLIENT_ELOGIN;
    }
    s->verified = 1;
    return 0;
}

static int scram_step(imc_sasl *s, const unsigned char *in, size_t len, imc_buf *out)
{
    switch (s->nstep) {
    case 0:
        return scram_first(s, out);
    case 1:
        return scram_final(s, in, len, out);
    case 2:
        return scram_verify(s, in, len); /* then an empty response */
    default:
        snprintf(s->err, sizeof s->err, "unexpected SCRAM challenge after the last step");
        return IMAPCLIENT_ELOGIN;
    }
}

static int scram_finish(imc_sasl *s)
{
    if (s->verified)
        return 0;
    snprintf(s->err, sizeof s->err,
             "server accepted without proving it knows the password (no SCRAM server "
             "signature)");
    return IMAPCLIENT_ELOGIN;
}

int imc_sasl_scram(imc_sasl *s, const char *mech, const char *user, const char *password,
                   const char *nonce)
{
    reset(s);
    if (!mech || !strcmp(mech, "SCRAM-SHA-256"))
        s->sha256 = 1, s->mech = "SCRAM-SHA-256";
    else if (!strcmp(mech, "SCRAM-SHA-1"))
        s->sha256 = 0, s->mech = "SCRAM-SHA-1";
    else {
        snprintf(s->err, sizeof s->err, "mechanism must be SCRAM-SHA-256 or SCRAM-SHA-1");
        return IMAPCLIENT_EINVAL;
    }
    if (nonce) {
        size_t n = strlen(nonce);
        if (n == 0 || n >= sizeof s->nonce || strchr(nonce, ',')) {
            snprintf(s->err, sizeof s->err, "bad test nonce");
            return IMAPCLIENT_EINVAL;
        }
        memcpy(s->nonce, nonce, n + 1);
    } else {
        /* 24 random bytes, base64: 32 printable characters without ",". */
        unsigned char rnd[24];
        imc_buf b;
        imc_buf_init(&b, 0);
        if (RAND_bytes(rnd, sizeof rnd) != 1 || imc_b64_encode(&b, rnd, sizeof rnd) < 0 ||
            b.len >= sizeof s->nonce) {
            imc_buf_free(&b);
            snprintf(s->err, sizeof s->err, "no random bytes for the SCRAM nonce");
            return IMAPCLIENT_ENOMEM;
        }
        memcpy(s->nonce, b.data, b.len + 1);
        imc_buf_free(&b);
    }
    s->client_first = 1;
    s->step = scram_step;
    s->finish = scram_finish;
    s->user = user;
    s->password = password;
    return 0;
}

/* ---- caller's mechanism ------------------------------------------------ */

struct imapclient_sasl_reply {
    imc_buf *out;
};

int imapclient_sasl_reply_set(imapclient_sasl_reply *reply, const void *data, size_t len)
{
    if (!reply || (!data && len))
        return IMAPCLIENT_EINVAL;
    imc_buf *b = reply->out;
    if (b->data)
        OPENSSL_cleanse(b->data, b->len);
    imc_buf_clear(b);
    if (len && imc_buf_add(b, data, len) < 0)
        return IMAPCLIENT_ENOMEM;
    return 0;
}

static int callback_step(imc_sasl *s, const unsigned char *in, size_t len, imc_buf *out)
{
    imapclient_sasl_reply reply = {.out = out};
    int rc = s->fn(s->payload, in, len, &reply);
    if (rc) {
        snprintf(s->err, sizeof s->err,
                 "the mechanism callback cancelled the exchange (%d)", rc);
        return IMAPCLIENT_ELOGIN;
    }
    return 0;
}

int imc_sasl_callback(imc_sasl *s, const char *mech, imapclient_sasl_fn fn, void *payload)
{
    reset(s);
    if (!imc_sasl_name_valid(mech) || !fn) {
        snprintf(s->err, sizeof s->err, "%s",
                 fn ? "invalid mechanism name (1 to 20 of A-Z 0-9 - _)"
                    : "NULL callback");
        return IMAPCLIENT_EINVAL;
    }
    s->mech = mech;
    s->client_first = 0; /* the callback sees the server's empty challenge */
    s->step = callback_step;
    s->fn = fn;
    s->payload = payload;
    return 0;
}
