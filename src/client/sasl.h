/*
 * SASL mechanisms (RFC 4422) as step functions for AUTHENTICATE: each step
 * takes the decoded server challenge and produces the decoded client
 * response. auth.c drives them over the wire (base64, SASL-IR,
 * cancellation); this file knows nothing of IMAP.
 *
 * RFC 4616 (PLAIN), RFC 2195 (CRAM-MD5), RFC 5802 and RFC 7677 (SCRAM-SHA-1,
 * SCRAM-SHA-256), RFC 7628 (OAUTHBEARER), Google's XOAUTH2.
 */
#ifndef IMC_SASL_H
#define IMC_SASL_H

#include <imapclient.h>

#include "../util/buf.h"

/* The longest SCRAM digest (SHA-256). */
#define IMC_SASL_MAX_MD 32
/* Iteration counts above this are refused (a hostile server could make the
 * client spin for minutes). */
#define IMC_SCRAM_MAX_ITERATIONS 1000000u

typedef struct imc_sasl imc_sasl;

struct imc_sasl {
    const char *mech; /* the name sent after AUTHENTICATE, validated */
    int client_first; /* the first step needs no challenge: SASL-IR is possible */
    /* One exchange step: challenge in (decoded, may be empty), response out
     * (raw bytes; auth.c encodes them). 0 to send the response; a negative
     * status (ELOGIN, EPROTOCOL, ENOMEM) with err set to cancel the exchange. */
    int (*step)(imc_sasl *s, const unsigned char *in, size_t len, imc_buf *out);
    /* After the server's tagged OK: 0, or ELOGIN (with err) when the
     * mechanism could not verify the server (SCRAM). NULL: nothing to check. */
    int (*finish)(imc_sasl *s);
    unsigned nstep; /* steps done so far */
    char err[256];  /* why a step failed; never holds a secret */

    /* inputs (borrowed from the caller, never copied except into wiped
     * buffers) */
    const char *user, *password, *authzid, *token, *vendor;

    /* XOAUTH2 / OAUTHBEARER: the server's error challenge, shown in errmsg */
    char server_error[256];

    /* sasl_login() callback */
    imapclient_sasl_fn fn;
    void *payload;

    /* SCRAM */
    int sha256;         /* 1: SHA-256, 0: SHA-1 */
    char nonce[64];     /* client nonce (printable, no ',') */
    imc_buf first_bare; /* client-first-message-bare */
    unsigned char server_sig[IMC_SASL_MAX_MD];
    int verified; /* server-final v= matched */
};

/* Set up *s for one mechanism. Strings are borrowed and must outlive the
 * exchange. Return 0 or IMAPCLIENT_EINVAL (err says why). */
int imc_sasl_plain(imc_sasl *s, const char *authzid, const char *user,
                   const char *password);
int imc_sasl_xoauth2(imc_sasl *s, const char *mech, const char *user, const char *token,
                     const char *vendor);
int imc_sasl_oauthbearer(imc_sasl *s, const char *identity, const char *token);
int imc_sasl_cram_md5(imc_sasl *s, const char *user, const char *password);
/* nonce: NULL for a fresh one from RAND_bytes; tests pass the RFC's. */
int imc_sasl_scram(imc_sasl *s, const char *mech, const char *user, const char *password,
                   const char *nonce);
int imc_sasl_callback(imc_sasl *s, const char *mech, imapclient_sasl_fn fn,
                      void *payload);
/* Wipe and release what the mechanism holds; *s can be set up again. */
void imc_sasl_cleanup(imc_sasl *s);

/* 1 when name is a SASL mechanism name: 1*20 (A-Z / 0-9 / "-" / "_")
 * (RFC 4422 section 3.1); lower case is accepted and sent as given. */
int imc_sasl_name_valid(const char *name);

/* Base64 (RFC 4648, with padding) through OpenSSL's EVP_EncodeBlock and
 * EVP_DecodeBlock. encode appends to out; decode appends the decoded bytes
 * and rejects anything but canonical base64. 0, or -1 (bad input / no
 * memory). */
int imc_b64_encode(imc_buf *out, const void *in, size_t len);
int imc_b64_decode(imc_buf *out, const char *in, size_t len);

/* Test hook for the RFC 5802 / 7677 vectors: imapclient_scram_login() with
 * a fixed client nonce. Not part of the public API. */
int imc_scram_login_with_nonce(imapclient *c, const char *mech, const char *username,
                               const char *password, const char *nonce,
                               const char **text);

#endif
