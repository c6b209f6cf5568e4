/* Status code names and texts, expanded from the one table in errors.h. */
#include <imapclient.h>

#include <string.h>

const char *imapclient_strerror(int code)
{
    switch (code) {
    case IMAPCLIENT_OK:
        return "success";
#define XX(name, value, text)                                                            \
    case value:                                                                          \
        return text;
        IMAPCLIENT_STATUS_MAP(XX)
#undef XX
    default:
        return "unknown error";
    }
}

const char *imapclient_status_name(int code)
{
    switch (code) {
    case IMAPCLIENT_OK:
        return "OK";
#define XX(name, value, text)                                                            \
    case value:                                                                          \
        return #name;
        IMAPCLIENT_STATUS_MAP(XX)
#undef XX
    default:
        return "UNKNOWN";
    }
}

const char *imapclient_version(void)
{
    return IMAPCLIENT_VERSION;
}

int imapclient_value_is(const imapclient_value *v, const char *s)
{
    if (!v || !s || v->type == IMAPCLIENT_VALUE_NIL || v->type == IMAPCLIENT_VALUE_LIST)
        return 0;
    size_t n = strlen(s);
    return v->len == n && strncasecmp(v->str, s, n) == 0;
}
