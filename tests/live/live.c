#include "live.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static live_env env;
static int loaded;
static char store[32][512];

static const char *keep(int i, const char *s)
{
    snprintf(store[i], sizeof store[i], "%s", s);
    return store[i];
}

const live_env *live_get(void)
{
    if (loaded)
        return loaded > 0 ? &env : NULL;
    loaded = -1;
    const char *path = getenv("IMAPTEST_ENV");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return NULL;
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
            env.host = keep(i++, v);
        else if (!strcmp(k, "IMAPTEST_PORT"))
            env.port = atoi(v);
        else if (!strcmp(k, "IMAPTEST_TLS_PORT"))
            env.tls_port = atoi(v);
        else if (!strcmp(k, "IMAPTEST_USER"))
            env.user = keep(i++, v);
        else if (!strcmp(k, "IMAPTEST_PASSWORD"))
            env.password = keep(i++, v);
        else if (!strcmp(k, "IMAPTEST_USER2"))
            env.user2 = keep(i++, v);
        else if (!strcmp(k, "IMAPTEST_PASSWORD2"))
            env.password2 = keep(i++, v);
        else if (!strcmp(k, "IMAPTEST_CA"))
            env.ca = keep(i++, v);
        else if (!strcmp(k, "IMAPTEST_CERT_NAME"))
            env.cert_name = keep(i++, v);
        else if (!strcmp(k, "IMAPTEST_DIR"))
            env.dir = keep(i++, v);
        else if (!strcmp(k, "IMAPTEST_INBOX_COUNT"))
            env.inbox_count = atoi(v);
    }
    fclose(f);
    if (!env.host || !env.port || !env.user)
        return NULL;
    loaded = 1;
    return &env;
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
