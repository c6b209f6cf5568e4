/*
 * OAuth2: exchange a refresh token for an access token, as the reference's
 * refresh_oauth2_token() does (RFC 6749 section 6): POST client_id,
 * client_secret, refresh_token and grant_type=refresh_token, form-encoded,
 * to the token endpoint and read "access_token" from the JSON answer.
 *
 * The endpoint is oauth2_token_url when set, else the reference's table by
 * host (Gmail, Yahoo), else Google's. Secrets never reach the log.
 */
#include "cmd.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GOOGLE_TOKEN_URL "https://accounts.google.com/o/oauth2/token"
#define MAX_ANSWER       (1u << 20)

const char *cli_oauth2_default_url(const char *host)
{
    /* the reference's OAUTH2_REFRESH_URLS */
    if (host && !strcasecmp(host, "imap.mail.yahoo.com"))
        return "https://api.login.yahoo.com/oauth2/get_token";
    return GOOGLE_TOKEN_URL;
}

typedef struct answer {
    char *p;
    size_t len;
    int too_big;
} answer;

static size_t on_data(char *data, size_t size, size_t nmemb, void *ud)
{
    answer *a = ud;
    size_t n = size * nmemb;
    if (a->len + n > MAX_ANSWER) {
        a->too_big = 1;
        return 0;
    }
    char *p = realloc(a->p, a->len + n + 1);
    if (!p)
        return 0;
    memcpy(p + a->len, data, n);
    a->p = p;
    a->len += n;
    a->p[a->len] = '\0';
    return n;
}

static int failf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int failf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(err, errlen, "oauth2 token exchange: ");
    if (n > 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return CLI_EXIT_OAUTH2;
}

/* Append "&name=value" (url-encoded) to *body. */
static int add_field(CURL *h, char **body, const char *name, const char *value)
{
    char *enc = curl_easy_escape(h, value ? value : "", 0);
    if (!enc)
        return -1;
    size_t old = *body ? strlen(*body) : 0;
    size_t need = old + 1 + strlen(name) + 1 + strlen(enc) + 1;
    char *nb = malloc(need);
    if (!nb) {
        explicit_bzero(enc, strlen(enc));
        curl_free(enc);
        return -1;
    }
    snprintf(nb, need, "%s%s%s=%s", old ? *body : "", old ? "&" : "", name, enc);
    explicit_bzero(enc, strlen(enc));
    curl_free(enc);
    cli_free_secret(*body);
    *body = nb;
    return 0;
}

int cli_oauth2_refresh(const cli_config *cfg, int debug, char **out, char *err,
                       size_t errlen)
{
    *out = NULL;
    const char *url =
        cfg->oauth2_token_url ? cfg->oauth2_token_url : cli_oauth2_default_url(cfg->host);
    if (!cfg->oauth2_refresh_token)
        return failf(err, errlen, "no oauth2_refresh_token");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return failf(err, errlen, "libcurl failed to initialise");
    CURL *h = curl_easy_init();
    if (!h) {
        curl_global_cleanup();
        return failf(err, errlen, "libcurl failed to initialise");
    }
    int rc = 0;
    char *body = NULL;
    answer a = {0};
    if (add_field(h, &body, "client_id", cfg->oauth2_client_id) ||
        add_field(h, &body, "client_secret", cfg->oauth2_client_secret) ||
        add_field(h, &body, "refresh_token", cfg->oauth2_refresh_token) ||
        add_field(h, &body, "grant_type", "refresh_token")) {
        rc = failf(err, errlen, "out of memory");
        goto out;
    }
    if (debug)
        fprintf(stderr,
                "I: oauth2: POST %s (client_id=%s, client_secret=***, refresh_token=***, "
                "grant_type=refresh_token)\n",
                url, cfg->oauth2_client_id ? cfg->oauth2_client_id : "");

    char curlerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curlerr);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "imapclient/" IMAPCLIENT_VERSION);
    if (cfg->timeout > 0)
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(cfg->timeout * 1000.0));
    struct curl_slist *hdrs = curl_slist_append(NULL, "Accept: application/json");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

    CURLcode cc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    if (cc != CURLE_OK) {
        rc = failf(err, errlen, "%s: %s", url,
                   a.too_big    ? "answer too large"
                   : curlerr[0] ? curlerr
                                : curl_easy_strerror(cc));
        goto out;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);

    json_error_t jerr;
    json_t *j = a.p ? json_loadb(a.p, a.len, 0, &jerr) : NULL;
    const char *token = j ? json_string_value(json_object_get(j, "access_token")) : NULL;
    if (debug)
        fprintf(stderr, "I: oauth2: HTTP %ld, %s\n", status,
                token ? "access token *** received" : "no access token");
    if (status != 200 || !token || !token[0]) {
        const char *e = j ? json_string_value(json_object_get(j, "error")) : NULL;
        const char *d =
            j ? json_string_value(json_object_get(j, "error_description")) : NULL;
        if (status != 200)
            rc = failf(err, errlen, "%s answered HTTP %ld%s%s%s%s", url, status,
                       e ? ": " : "", e ? e : "", d ? " - " : "", d ? d : "");
        else
            rc = failf(err, errlen, "%s: no access_token in the answer", url);
    } else if (!(*out = strdup(token))) {
        rc = failf(err, errlen, "out of memory");
    }
    if (j) {
        /* wipe the token copy jansson holds */
        json_t *t = json_object_get(j, "access_token");
        if (json_is_string(t))
            explicit_bzero((char *)json_string_value(t), json_string_length(t));
        json_decref(j);
    }
out:
    if (a.p)
        explicit_bzero(a.p, a.len);
    free(a.p);
    cli_free_secret(body);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return rc;
}
