/*
 * Fuzz target for dates: INTERNALDATE and RFC 2822 text either fail or
 * give a valid date, which formats and parses back to the same instant.
 */
#include "fuzz.h"

#include "types/types.h"

static void check(const imapclient_datetime *dt)
{
    FUZZ_CHECK(imc_datetime_valid(dt));
    int64_t t1, t2;
    char buf[32], day[16];
    if (imapclient_datetime_to_epoch(dt, &t1) == 0 &&
        imapclient_datetime_format_internaldate(dt, buf) == 0) {
        imapclient_datetime back;
        FUZZ_CHECK(imapclient_datetime_parse_internaldate(buf, strlen(buf), &back) == 0);
        FUZZ_CHECK(imapclient_datetime_to_epoch(&back, &t2) == 0);
        FUZZ_CHECK(t1 == t2);
    }
    FUZZ_CHECK(imapclient_datetime_format_date(dt, day) == 0);
    imapclient_datetime local = *dt;
    (void)imapclient_datetime_normalise(&local);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024)
        return 0;
    const char *s = (const char *)data;
    imapclient_datetime dt;
    int rc = imapclient_datetime_parse_internaldate(s, size, &dt);
    FUZZ_CHECK(rc == 0 || rc == IMAPCLIENT_EPROTOCOL);
    if (rc == 0)
        check(&dt);
    rc = imapclient_datetime_parse_rfc2822(s, size, &dt);
    FUZZ_CHECK(rc == 0 || rc == IMAPCLIENT_EPROTOCOL);
    if (rc == 0)
        check(&dt);
    return 0;
}
