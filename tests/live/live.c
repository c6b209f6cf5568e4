#include "live.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static live_env env, cyrus_env;
static int loaded, cyrus_loaded;
static char store[2][32][512];

static const char *keep(int which, int i, const char *s)
{
    snprintf(store[which][i], sizeof store[which][i], "%s", s);
    return store[which][i];
}

/* Read the KEY=VALUE file that the environment variable var names into *e;
 * 1 when it names a usable server. which picks the string store. */
static int load(const char *var, int which, live_env *e)
{
    const char *path = getenv(var);
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return 0;
    char line[1024];
    int i = 0;
    while (fgets(line, sizeof line, f) && i < 30) {
        line[strcspn(line, "\r\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *k = line, *v = eq + 1;
        if (!strcmp(k, "IMAPTEST_HOST"))
            e->host = keep(which, i++, v);
        else if (!strcmp(k, "IMAPTEST_PORT"))
            e->port = atoi(v);
        else if (!strcmp(k, "IMAPTEST_TLS_PORT"))
            e->tls_port = atoi(v);
        else if (!strcmp(k, "IMAPTEST_USER"))
            e->user = keep(which, i++, v);
        else if (!strcmp(k, "IMAPTEST_PASSWORD"))
            e->password = keep(which, i++, v);
        else if (!strcmp(k, "IMAPTEST_USER2"))
            e->user2 = keep(which, i++, v);
        else if (!strcmp(k, "IMAPTEST_PASSWORD2"))
            e->password2 = keep(which, i++, v);
        else if (!strcmp(k, "IMAPTEST_CA"))
            e->ca = keep(which, i++, v);
        else if (!strcmp(k, "IMAPTEST_CERT_NAME"))
            e->cert_name = keep(which, i++, v);
        else if (!strcmp(k, "IMAPTEST_DIR"))
            e->dir = keep(which, i++, v);
        else if (!strcmp(k, "IMAPTEST_INBOX_COUNT"))
            e->inbox_count = atoi(v);
        else if (!strcmp(k, "IMAPTEST_APPENDLIMIT"))
            e->appendlimit = strtoull(v, NULL, 10);
    }
    fclose(f);
    return e->host && e->port && e->user;
}

const live_env *live_get(void)
{
    if (!loaded)
        loaded = load("IMAPTEST_ENV", 0, &env) ? 1 : -1;
    return loaded > 0 ? &env : NULL;
}

const live_env *live_cyrus_get(void)
{
    if (!cyrus_loaded)
        cyrus_loaded = load("CYRUSTEST_ENV", 1, &cyrus_env) ? 1 : -1;
    return cyrus_loaded > 0 ? &cyrus_env : NULL;
}

const live_env *live_cyrus_require(void)
{
    const live_env *e = live_cyrus_get();
    if (!e) {
        fprintf(stderr, "SKIPPED: no live Cyrus (CYRUSTEST_ENV not set or unreadable)\n");
        exit(77);
    }
    return e;
}

imapclient *live_login_to(const live_env *e)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.ssl = 0;
    o.port = e->port;
    o.connect_timeout_ms = 10000;
    o.timeout_ms = 10000;
    imapclient *c = NULL;
    int rc = imapclient_connect(e->host, &o, &c);
    if (rc)
        fail_msg("connect to %s:%d: %s", e->host, e->port, imapclient_errmsg(c));
    rc = imapclient_login(c, e->user, e->password, NULL);
    if (rc)
        fail_msg("login as %s: %s", e->user, imapclient_errmsg(c));
    return c;
}

const live_env *live_require(void)
{
    const live_env *e = live_get();
    if (!e) {
        fprintf(stderr, "SKIPPED: no live server (IMAPTEST_ENV not set or unreadable)\n");
        exit(77);
    }
    return e;
}

void live_plain_opts(imapclient_options *o)
{
    const live_env *e = live_require();
    imapclient_options_init(o);
    o->ssl = 0;
    o->port = e->port;
    o->connect_timeout_ms = 10000;
    o->timeout_ms = 10000;
}

void live_tls_opts(imapclient_options *o)
{
    const live_env *e = live_require();
    imapclient_options_init(o);
    o->port = e->tls_port;
    o->ca_file = e->ca;
    o->connect_timeout_ms = 10000;
    o->timeout_ms = 10000;
}

imapclient *live_login(void)
{
    const live_env *e = live_require();
    imapclient_options o;
    live_plain_opts(&o);
    imapclient *c = NULL;
    int rc = imapclient_connect(e->host, &o, &c);
    if (rc)
        fail_msg("connect: %s", imapclient_errmsg(c));
    rc = imapclient_login(c, e->user, e->password, NULL);
    if (rc)
        fail_msg("login: %s", imapclient_errmsg(c));
    return c;
}
