/*
 * The reference's INI config file (IMAPClient's config.py, read with
 * Python's configparser), parsed with inih and read the way configparser
 * reads it:
 *
 *  - options are read from the [DEFAULT] section; other sections are
 *    allowed (the reference's live tests use them) and ignored here;
 *  - "name = value" or "name: value"; names are case-insensitive; comments
 *    are whole lines starting with '#' or ';' (no inline comments);
 *  - a name given twice, or a line before any section, is an error;
 *  - values are interpolated: "%%" is '%', "%(name)s" is the value of
 *    another option (up to 10 levels), any other '%' is an error;
 *  - booleans are 1/yes/true/on and 0/no/false/off, in any case;
 *  - empty port and timeout mean "not set"; ssl_ca_file has "~" expanded.
 *
 * Options of this program beyond the reference's: auth (the mechanism, as
 * --auth), token_file / token_env / token_command (where the OAuth2 access
 * token comes from), ssl_cert_file / ssl_key_file (a TLS client
 * certificate) and oauth2_token_url.
 *
 * Where this differs from the reference: a value cannot continue on an
 * indented line (no option needs one), and an unknown option name gets a
 * warning on stderr.
 */
#include "cmd.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_INTERPOLATION_DEPTH 10

typedef struct entry {
    char *name; /* lower-cased */
    char *value;
} entry;

typedef struct parse_state {
    entry *e;
    size_t n, cap;
    int error; /* 0, or set with msg */
    char msg[512];
} parse_state;

/* The reference's get_string_config_defaults(): what an option is when the
 * file does not set it, also visible to %(name)s. */
static const struct {
    const char *name, *value;
} defaults[] = {
    {"username", ""},
    {"password", ""},
    {"ssl", "true"},
    {"ssl_check_hostname", "true"},
    {"ssl_verify_cert", "true"},
    {"ssl_ca_file", ""},
    {"timeout", ""},
    {"starttls", "false"},
    {"stream", "false"},
    {"oauth2", "false"},
    {"oauth2_client_id", ""},
    {"oauth2_client_secret", ""},
    {"oauth2_refresh_token", ""},
    {"expect_failure", ""},
};

/* Options this program reads, for the unknown-name warning. */
static const char *const known[] = {
    "host",
    "port",
    "username",
    "password",
    "ssl",
    "starttls",
    "stream",
    "ssl_check_hostname",
    "ssl_verify_cert",
    "ssl_ca_file",
    "timeout",
    "oauth2",
    "oauth2_client_id",
    "oauth2_client_secret",
    "oauth2_refresh_token",
    "oauth2_token_url",
    "expect_failure",
    /* this program's own */
    "auth",
    "token_file",
    "token_env",
    "token_command",
    "ssl_cert_file",
    "ssl_key_file",
};

static int is_secret(const char *name)
{
    return !strcmp(name, "password") || !strcmp(name, "oauth2_client_secret") ||
           !strcmp(name, "oauth2_refresh_token");
}

int cli_parse_bool(const char *s)
{
    static const char *const yes[] = {"1", "yes", "true", "on"};
    static const char *const no[] = {"0", "no", "false", "off"};
    if (!s)
        return -1;
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i]))
            return 1;
        if (!strcasecmp(s, no[i]))
            return 0;
    }
    return -1;
}

static void state_free(parse_state *st)
{
    for (size_t i = 0; i < st->n; i++) {
        free(st->e[i].name);
        cli_free_secret(st->e[i].value); /* any value may hold a secret */
    }
    free(st->e);
}

static const char *lookup_raw(const parse_state *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (!strcmp(st->e[i].name, name))
            return st->e[i].value;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (!strcmp(defaults[i].name, name))
            return defaults[i].value;
    return NULL;
}

static int is_set(const parse_state *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (!strcmp(st->e[i].name, name))
            return 1;
    return 0;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    parse_state *st = user;
    if (st->error)
        return 0;
    if (!section[0]) {
        snprintf(st->msg, sizeof st->msg,
                 "option '%s' comes before any section (start with [DEFAULT])", name);
        st->error = 1;
        return 0;
    }
    if (strcmp(section, "DEFAULT") != 0)
        return 1; /* another section: not ours */
    char *lname = strdup(name);
    if (!lname) {
        snprintf(st->msg, sizeof st->msg, "out of memory");
        st->error = 1;
        return 0;
    }
    for (char *p = lname; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; i < st->n; i++) {
        if (!strcmp(st->e[i].name, lname)) {
            snprintf(st->msg, sizeof st->msg, "option '%s' is set twice in [DEFAULT]",
                     lname);
            free(lname);
            st->error = 1;
            return 0;
        }
    }
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        entry *e = realloc(st->e, cap * sizeof *e);
        if (!e) {
            free(lname);
            snprintf(st->msg, sizeof st->msg, "out of memory");
            st->error = 1;
            return 0;
        }
        st->e = e;
        st->cap = cap;
    }
    st->e[st->n].name = lname;
    st->e[st->n].value = strdup(value);
    st->n++;
    return 1;
}

/* A growing string. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static int sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = malloc(cap);
        if (!p)
            return -1;
        if (b->p) {
            memcpy(p, b->p, b->len);
            explicit_bzero(b->p, b->cap);
            free(b->p);
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* configparser's BasicInterpolation._interpolate_some(). */
static int interpolate(const parse_state *st, const char *option, const char *rest,
                       int depth, sbuf *out, char *err, size_t errlen)
{
    if (depth > MAX_INTERPOLATION_DEPTH) {
        snprintf(err, errlen, "option '%s': interpolation nested more than %d levels",
                 option, MAX_INTERPOLATION_DEPTH);
        return -1;
    }
    while (*rest) {
        const char *pct = strchr(rest, '%');
        if (!pct)
            return sb_add(out, rest, strlen(rest));
        if (sb_add(out, rest, (size_t)(pct - rest)))
            return -1;
        rest = pct;
        if (rest[1] == '%') {
            if (sb_add(out, "%", 1))
                return -1;
            rest += 2;
        } else if (rest[1] == '(') {
            const char *close = strchr(rest + 2, ')');
            if (!close || close == rest + 2 || close[1] != 's') {
                snprintf(err, errlen, "option '%s': bad interpolation reference in '%s'",
                         option, is_secret(option) ? "***" : rest);
                return -1;
            }
            size_t n = (size_t)(close - (rest + 2));
            char var[128];
            if (n >= sizeof var)
                n = sizeof var - 1;
            for (size_t i = 0; i < n; i++)
                var[i] = (char)tolower((unsigned char)rest[2 + i]);
            var[n] = '\0';
            rest = close + 2;
            const char *v = lookup_raw(st, var);
            if (!v) {
                snprintf(err, errlen,
                         "option '%s': %%(%s)s refers to an option that is not set",
                         option, var);
                return -1;
            }
            if (strchr(v, '%')) {
                if (interpolate(st, option, v, depth + 1, out, err, errlen))
                    return -1;
            } else if (sb_add(out, v, strlen(v))) {
                return -1;
            }
        } else {
            snprintf(
                err, errlen,
                "option '%s': '%%' must be followed by '%%' or '(' (write %%%% for a "
                "literal %%)",
                option);
            return -1;
        }
    }
    return 0;
}

/* The interpolated value of an option (malloc'd), or NULL with *missing set
 * when it is not set at all, or NULL with err set on an error. */
static char *get(const parse_state *st, const char *name, int *missing, char *err,
                 size_t errlen)
{
    *missing = 0;
    err[0] = '\0';
    const char *raw = lookup_raw(st, name);
    if (!raw) {
        *missing = 1;
        return NULL;
    }
    sbuf b = {0};
    if (interpolate(st, name, raw, 1, &b, err, errlen)) {
        if (!err[0])
            snprintf(err, errlen, "out of memory");
        if (b.p)
            explicit_bzero(b.p, b.cap);
        free(b.p);
        return NULL;
    }
    return b.p ? b.p : strdup("");
}

static char *expand_user(char *path)
{
    if (path[0] != '~')
        return path;
    const char *slash = strchr(path, '/');
    size_t ulen = slash ? (size_t)(slash - path - 1) : strlen(path) - 1;
    const char *home = NULL;
    if (ulen == 0) {
        home = getenv("HOME");
        if (!home || !*home) {
            struct passwd *pw = getpwuid(getuid());
            home = pw ? pw->pw_dir : NULL;
        }
    } else {
        char user[256];
        if (ulen >= sizeof user)
            return path;
        memcpy(user, path + 1, ulen);
        user[ulen] = '\0';
        struct passwd *pw = getpwnam(user);
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home)
        return path; /* as os.path.expanduser: left unchanged */
    const char *tail = slash ? slash : "";
    char *res = malloc(strlen(home) + strlen(tail) + 1);
    if (!res)
        return path;
    strcpy(res, home);
    strcat(res, tail);
    free(path);
    return res;
}

static int fail(char *err, size_t errlen, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, const char *name, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "config %s: %s", name, msg);
    return CLI_EXIT_CONFIG;
}

/* Read one option into *dst as a string; "" stays "" unless empty_null. */
static int get_str(const parse_state *st, const char *fname, const char *opt, char **dst,
                   int empty_null, char *err, size_t errlen)
{
    int missing;
    char e[512];
    char *v = get(st, opt, &missing, e, sizeof e);
    if (!v && !missing)
        return fail(err, errlen, fname, "%s", e);
    if (v && empty_null && !v[0]) {
        free(v);
        v = NULL;
    }
    if (is_secret(opt))
        cli_free_secret(*dst);
    else
        free(*dst);
    *dst = v;
    return 0;
}

static int get_bool(const parse_state *st, const char *fname, const char *opt, int *dst,
                    char *err, size_t errlen)
{
    int missing;
    char e[512];
    char *v = get(st, opt, &missing, e, sizeof e);
    if (!v && !missing)
        return fail(err, errlen, fname, "%s", e);
    if (!v)
        return 0;
    int b = cli_parse_bool(v);
    if (b < 0) {
        fail(err, errlen, fname,
             "option '%s': not a boolean: '%s' (use 1/yes/true/on or 0/no/false/off)",
             opt, v);
        free(v);
        return CLI_EXIT_CONFIG;
    }
    free(v);
    *dst = b;
    return 0;
}

int cli_config_parse_string(const char *text, const char *name, cli_config *cfg,
                            char *err, size_t errlen)
{
    /* configparser's rules where inih lets us choose (Debian's libinih has
     * these as run-time settings) */
    ini_allow_inline_comments = false;
    ini_allow_multiline = false;
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = 1 << 20;
    ini_stop_on_first_error = true;

    parse_state st = {0};
    int line = ini_parse_string(text, on_entry, &st);
    int rc = 0;
    if (st.error) {
        rc = fail(err, errlen, name, "%s", st.msg);
        goto out;
    }
    if (line == -2) {
        rc = fail(err, errlen, name, "out of memory");
        goto out;
    }
    if (line > 0) {
        rc = fail(err, errlen, name,
                  "line %d: not a [section] or name = value line (values cannot "
                  "continue on a second line)",
                  line);
        goto out;
    }

    for (size_t i = 0; i < st.n; i++) {
        size_t k = 0;
        while (k < sizeof known / sizeof known[0] && strcmp(known[k], st.e[i].name))
            k++;
        if (k == sizeof known / sizeof known[0])
            fprintf(stderr,
                    "imapclient: warning: config %s: unknown option '%s' ignored\n", name,
                    st.e[i].name);
    }

    int missing;
    char e[512];
    char *host = get(&st, "host", &missing, e, sizeof e);
    if (!host) {
        rc = missing ? fail(err, errlen, name, "no host in [DEFAULT]")
                     : fail(err, errlen, name, "%s", e);
        goto out;
    }
    free(cfg->host);
    cfg->host = host;
    if (!host[0]) {
        rc = fail(err, errlen, name, "host is empty");
        goto out;
    }

    char *port = get(&st, "port", &missing, e, sizeof e);
    if (!port && !missing) {
        rc = fail(err, errlen, name, "%s", e);
        goto out;
    }
    if (port && port[0]) {
        char *end;
        errno = 0;
        long v = strtol(port, &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        if (errno || end == port || *end || v < 1 || v > 65535) {
            rc = fail(err, errlen, name, "option 'port': not a port number: '%s'", port);
            free(port);
            goto out;
        }
        cfg->port = (int)v;
    }
    free(port);

    char *timeout = get(&st, "timeout", &missing, e, sizeof e);
    if (!timeout && !missing) {
        rc = fail(err, errlen, name, "%s", e);
        goto out;
    }
    if (timeout && timeout[0]) {
        char *end;
        errno = 0;
        double v = strtod(timeout, &end);
        while (*end == ' ' || *end == '\t')
            end++;
        if (errno || end == timeout || *end || !isfinite(v) || v <= 0) {
            rc = fail(err, errlen, name,
                      "option 'timeout': not a number of seconds > 0: '%s'", timeout);
            free(timeout);
            goto out;
        }
        cfg->timeout = v;
    }
    free(timeout);

    if ((rc = get_bool(&st, name, "ssl", &cfg->ssl, err, errlen)) ||
        (rc = get_bool(&st, name, "starttls", &cfg->starttls, err, errlen)) ||
        (rc = get_bool(&st, name, "stream", &cfg->stream, err, errlen)) ||
        (rc = get_bool(&st, name, "ssl_check_hostname", &cfg->check_hostname, err,
                       errlen)) ||
        (rc = get_bool(&st, name, "ssl_verify_cert", &cfg->verify_cert, err, errlen)) ||
        (rc = get_bool(&st, name, "oauth2", &cfg->oauth2, err, errlen)))
        goto out;

    if ((rc = get_str(&st, name, "username", &cfg->username, 1, err, errlen)) ||
        (rc = get_str(&st, name, "password", &cfg->password, 1, err, errlen)) ||
        (rc = get_str(&st, name, "ssl_ca_file", &cfg->ca_file, 1, err, errlen)) ||
        (rc = get_str(&st, name, "oauth2_client_id", &cfg->oauth2_client_id, 1, err,
                      errlen)) ||
        (rc = get_str(&st, name, "oauth2_client_secret", &cfg->oauth2_client_secret, 1,
                      err, errlen)) ||
        (rc = get_str(&st, name, "oauth2_refresh_token", &cfg->oauth2_refresh_token, 1,
                      err, errlen)) ||
        (rc = get_str(&st, name, "oauth2_token_url", &cfg->oauth2_token_url, 1, err,
                      errlen)) ||
        (rc = get_str(&st, name, "token_file", &cfg->token_file, 1, err, errlen)) ||
        (rc = get_str(&st, name, "token_env", &cfg->token_env, 1, err, errlen)) ||
        (rc = get_str(&st, name, "token_command", &cfg->token_command, 1, err, errlen)) ||
        (rc = get_str(&st, name, "ssl_cert_file", &cfg->cert_file, 1, err, errlen)) ||
        (rc = get_str(&st, name, "ssl_key_file", &cfg->key_file, 1, err, errlen)))
        goto out;
    if (cfg->ca_file)
        cfg->ca_file = expand_user(cfg->ca_file);
    if (cfg->token_file)
        cfg->token_file = expand_user(cfg->token_file);
    if (cfg->cert_file)
        cfg->cert_file = expand_user(cfg->cert_file);
    if (cfg->key_file)
        cfg->key_file = expand_user(cfg->key_file);

    char *auth = get(&st, "auth", &missing, e, sizeof e);
    if (!auth && !missing) {
        rc = fail(err, errlen, name, "%s", e);
        goto out;
    }
    if (auth && auth[0]) {
        int a = cli_auth_parse(auth);
        if (a < 0) {
            rc = fail(err, errlen, name,
                      "option 'auth': unknown mechanism '%s' (login, plain, "
                      "scram-sha-256, scram-sha-1, cram-md5, xoauth2, oauthbearer, "
                      "external, none)",
                      auth);
            free(auth);
            goto out;
        }
        cfg->auth = a;
    }
    free(auth);

    /* a stream is a local command: no TLS on it, no port (the reference
     * refuses ssl or port with stream; here stream simply wins) */
    if (cfg->stream) {
        cfg->ssl = 0;
        cfg->starttls = 0;
        cfg->port = 0;
    } else if (cfg->starttls && cfg->ssl) {
        /* STARTTLS upgrades a plain connection; "ssl" defaults to true, so
         * starttls = true alone means: plain, then STARTTLS */
        if (is_set(&st, "ssl")) {
            rc = fail(err, errlen, name, "ssl and starttls cannot both be true");
            goto out;
        }
        cfg->ssl = 0;
    }
    if (cfg->oauth2 && !cfg->oauth2_refresh_token && !cfg->token_file &&
        !cfg->token_env && !cfg->token_command) {
        rc = fail(err, errlen, name,
                  "oauth2 is on but neither oauth2_refresh_token nor token_file, "
                  "token_env or token_command is set");
        goto out;
    }
    if ((rc = cli_config_check(cfg, e, sizeof e))) {
        rc = fail(err, errlen, name, "%s", e);
        goto out;
    }
out:
    state_free(&st);
    return rc;
}

int cli_config_load(const char *path, cli_config *cfg, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "config %s: %s", path, strerror(errno));
        return CLI_EXIT_CONFIG;
    }
    sbuf b = {0};
    char chunk[4096];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (memchr(chunk, '\0', n)) {
            snprintf(err, errlen, "config %s: not a text file", path);
            rc = CLI_EXIT_CONFIG;
            break;
        }
        if (sb_add(&b, chunk, n)) {
            snprintf(err, errlen, "config %s: out of memory", path);
            rc = CLI_EXIT_CONFIG;
            break;
        }
    }
    if (!rc && ferror(f)) {
        snprintf(err, errlen, "config %s: %s", path, strerror(errno));
        rc = CLI_EXIT_CONFIG;
    }
    fclose(f);
    explicit_bzero(chunk, sizeof chunk);
    if (!rc)
        rc = cli_config_parse_string(b.p ? b.p : "", path, cfg, err, errlen);
    if (b.p)
        explicit_bzero(b.p, b.cap);
    free(b.p);
    return rc;
}
