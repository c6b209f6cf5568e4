/*
 * Dates: INTERNALDATE and ENVELOPE (RFC 2822) parsing, normalise_times,
 * epoch conversions and the formats sent to servers.
 *
 * Inputs are real server bytes: RFC 3501 section 8, RFC 2822 appendix A,
 * IMAPClient's test_datetime_util.py and test_response_parser.py, and
 * FETCH responses quoted in public bug reports (Gmail, Exchange, QQ,
 * hydroxide, Sohu). Expected values agree with Python's
 * email.utils.parsedate_tz(), which the reference uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <imapclient/errors.h>
#include <imapclient/mail.h>

#include "types/types.h"

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static imapclient_datetime mk(int y, int mo, int d, int h, int mi, int s, int has_off,
                              int off)
{
    imapclient_datetime dt = {y, mo, d, h, mi, s, has_off, off};
    return dt;
}

static void assert_dt(const imapclient_datetime *dt, int y, int mo, int d, int h, int mi,
                      int s, int has_off, int off)
{
    assert_int_equal(dt->year, y);
    assert_int_equal(dt->month, mo);
    assert_int_equal(dt->day, d);
    assert_int_equal(dt->hour, h);
    assert_int_equal(dt->minute, mi);
    assert_int_equal(dt->second, s);
    assert_int_equal(dt->has_offset, has_off);
    if (has_off)
        assert_int_equal(dt->offset_minutes, off);
}

/* ------------------------------------------------------------------ */
/* Parsing tables                                                       */
/* ------------------------------------------------------------------ */

typedef struct parse_case {
    const char *name;
    const char *in;
    int ok;
    int y, mo, d, h, mi, s, has_off, off;
} parse_case;

#define OK(name, in, y, mo, d, h, mi, s, ho, off)                                        \
    {                                                                                    \
        "test_datetime__" name, in, 1, y, mo, d, h, mi, s, ho, off                       \
    }
#define BAD(name, in)                                                                    \
    {                                                                                    \
        "test_datetime__" name, in, 0, 0, 0, 0, 0, 0, 0, 0, 0                            \
    }

static const parse_case rfc2822_cases[] = {
    /* IMAPClient test_datetime_util.py */
    OK("rfc2822_reference_rfc822_style", "Sun, 24 Mar 2013 22:06:10 +0200", 2013, 3, 24,
       22, 6, 10, 1, 120),
    OK("rfc2822_reference_internaldate_style", " 9-Feb-2007 17:08:08 -0430", 2007, 2, 9,
       17, 8, 8, 1, -270),
    OK("rfc2822_reference_unsigned_zone", "19-Feb-2007 17:08:08 0400", 2007, 2, 19, 17, 8,
       8, 1, 240),
    OK("rfc2822_reference_dotted_time", "Sat, 8 May 2010 16.03.09 +0200", 2010, 5, 8, 16,
       3, 9, 1, 120),
    OK("rfc2822_reference_dotted_time_negative", "Tue, 18 May 2010 16.03.09 -0200", 2010,
       5, 18, 16, 3, 9, 1, -120),
    OK("rfc2822_reference_long_weekday_glued", "Wednesday,18 August 2010 16.03.09 -0200",
       2010, 8, 18, 16, 3, 9, 1, -120),
    BAD("rfc2822_reference_invalid", "ABC"),
    /* RFC 3501 section 8: the ENVELOPE date with a zone comment */
    OK("rfc2822_rfc3501_example", "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)", 1996, 7, 17, 2,
       23, 25, 1, -420),
    /* RFC 2822 appendix A */
    OK("rfc2822_a11_simple", "Fri, 21 Nov 1997 09:55:06 -0600", 1997, 11, 21, 9, 55, 6, 1,
       -360),
    OK("rfc2822_a5_folding_whitespace",
       "Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n   -0330 "
       "(Newfoundland Time)",
       1969, 2, 13, 23, 32, 0, 1, -210),
    OK("rfc2822_a62_obsolete_two_digit_year_gmt", "21 Nov 97 09:55:06 GMT", 1997, 11, 21,
       9, 55, 6, 1, 0),
    /* public bug reports */
    OK("rfc2822_gmail_bug_report", "Wed, 28 Jan 2026 11:59:12 -0800", 2026, 1, 28, 11, 59,
       12, 1, -480),
    OK("rfc2822_exchange_bug_report", "Tue, 9 Jul 2019 13:53:17 +0200", 2019, 7, 9, 13,
       53, 17, 1, 120),
    OK("rfc2822_gmt_comment", "Wed, 2 Jul 2025 08:28:31 +0000 (GMT)", 2025, 7, 2, 8, 28,
       31, 1, 0),
    OK("rfc2822_cst_comment_china", "Wed, 6 Apr 2022 17:10:18 +0800 (CST)", 2022, 4, 6,
       17, 10, 18, 1, 480),
    OK("rfc2822_utc_comment", "Mon, 20 May 2019 14:03:14 +0000 (UTC)", 2019, 5, 20, 14, 3,
       14, 1, 0),
    /* zones */
    OK("rfc2822_zone_minus_0000_is_utc", "Fri, 21 Nov 1997 09:55:06 -0000", 1997, 11, 21,
       9, 55, 6, 1, 0),
    OK("rfc2822_zone_plus_0000", "Fri, 21 Nov 1997 09:55:06 +0000", 1997, 11, 21, 9, 55,
       6, 1, 0),
    OK("rfc2822_zone_military_is_utc", "Fri, 21 Nov 1997 09:55:06 A", 1997, 11, 21, 9, 55,
       6, 1, 0),
    OK("rfc2822_zone_z", "Fri, 21 Nov 1997 09:55:06 Z", 1997, 11, 21, 9, 55, 6, 1, 0),
    OK("rfc2822_zone_ut", "Fri, 21 Nov 1997 09:55:06 UT", 1997, 11, 21, 9, 55, 6, 1, 0),
    OK("rfc2822_zone_est", "Thu, 1 Jan 70 00:00:00 EST", 1970, 1, 1, 0, 0, 0, 1, -300),
    OK("rfc2822_zone_edt", "Thu, 1 Jan 70 00:00:00 EDT", 1970, 1, 1, 0, 0, 0, 1, -240),
    OK("rfc2822_zone_cdt", "Thu, 1 Jan 70 00:00:00 cdt", 1970, 1, 1, 0, 0, 0, 1, -300),
    OK("rfc2822_zone_mst", "Thu, 1 Jan 70 00:00:00 MST", 1970, 1, 1, 0, 0, 0, 1, -420),
    OK("rfc2822_zone_pst", "Thu, 1 Jan 70 00:00:00 PST", 1970, 1, 1, 0, 0, 0, 1, -480),
    OK("rfc2822_zone_unknown_name_is_utc", "Thu, 1 Jan 70 00:00:00 CEST", 1970, 1, 1, 0,
       0, 0, 1, 0),
    OK("rfc2822_zone_missing_is_utc", "Fri, 21 Nov 1997 09:55:06", 1997, 11, 21, 9, 55, 6,
       1, 0),
    OK("rfc2822_zone_glued_to_time", "Fri, 21 Nov 1997 09:55:06+0530", 1997, 11, 21, 9,
       55, 6, 1, 330),
    OK("rfc2822_zone_half_hour_india", "Mon, 25 May 2020 16:44:58 +0530", 2020, 5, 25, 16,
       44, 58, 1, 330),
    OK("rfc2822_zone_chatham", "Mon, 25 May 2020 16:44:58 +1245", 2020, 5, 25, 16, 44, 58,
       1, 765),
    BAD("rfc2822_zone_out_of_range", "Mon, 25 May 2020 16:44:58 +2400"),
    /* shapes */
    OK("rfc2822_no_weekday", "17 Jul 1996 02:23:25 -0700", 1996, 7, 17, 2, 23, 25, 1,
       -420),
    OK("rfc2822_weekday_without_comma", "Wed 17 Jul 1996 02:23:25 -0700", 1996, 7, 17, 2,
       23, 25, 1, -420),
    OK("rfc2822_missing_seconds", "17 Jul 96 02:23 GMT", 1996, 7, 17, 2, 23, 0, 1, 0),
    OK("rfc2822_single_digit_fields", "Fri, 1 Nov 1997 9:5:6 -0600", 1997, 11, 1, 9, 5, 6,
       1, -360),
    OK("rfc2822_extra_whitespace", "  Fri,   21   Nov   1997   09:55:06   -0600  ", 1997,
       11, 21, 9, 55, 6, 1, -360),
    OK("rfc2822_tabs", "Fri,\t21\tNov\t1997\t09:55:06\t-0600", 1997, 11, 21, 9, 55, 6, 1,
       -360),
    OK("rfc2822_lower_case", "fri, 21 nov 1997 09:55:06 -0600", 1997, 11, 21, 9, 55, 6, 1,
       -360),
    OK("rfc2822_full_month_name", "21 November 1997 09:55:06 -0600", 1997, 11, 21, 9, 55,
       6, 1, -360),
    OK("rfc2822_month_before_day", "Fri, Nov 21 1997 09:55:06 -0600", 1997, 11, 21, 9, 55,
       6, 1, -360),
    OK("rfc2822_asctime", "Wed Jul 17 02:23:25 1996", 1996, 7, 17, 2, 23, 25, 1, 0),
    OK("rfc2822_comma_after_year", "Fri, 21 Nov 1997, 09:55:06 -0600", 1997, 11, 21, 9,
       55, 6, 1, -360),
    OK("rfc2822_two_digit_year_00", "1 Jan 00 00:00:00 +0000", 2000, 1, 1, 0, 0, 0, 1, 0),
    OK("rfc2822_two_digit_year_68", "1 Jan 68 00:00:00 +0000", 2068, 1, 1, 0, 0, 0, 1, 0),
    OK("rfc2822_two_digit_year_69", "1 Jan 69 00:00:00 +0000", 1969, 1, 1, 0, 0, 0, 1, 0),
    OK("rfc2822_two_digit_year_99", "31 Dec 99 23:59:59 +0000", 1999, 12, 31, 23, 59, 59,
       1, 0),
    OK("rfc2822_leap_day_2000", "Tue, 29 Feb 2000 12:00:00 +0000", 2000, 2, 29, 12, 0, 0,
       1, 0),
    OK("rfc2822_leap_day_2024", "Thu, 29 Feb 2024 12:00:00 +0000", 2024, 2, 29, 12, 0, 0,
       1, 0),
    BAD("rfc2822_not_leap_2023", "Wed, 29 Feb 2023 12:00:00 +0000"),
    BAD("rfc2822_not_leap_1900", "Thu, 29 Feb 1900 12:00:00 +0000"),
    BAD("rfc2822_day_31_april", "31 Apr 2020 12:00:00 +0000"),
    BAD("rfc2822_day_zero", "0 Apr 2020 12:00:00 +0000"),
    BAD("rfc2822_hour_24", "Mon, 1 Jan 2024 24:00:00 +0000"),
    BAD("rfc2822_minute_60", "Mon, 1 Jan 2024 10:60:00 +0000"),
    BAD("rfc2822_leap_second", "Sat, 31 Dec 2016 23:59:60 +0000"),
    BAD("rfc2822_unknown_month", "Mon, 1 Foo 2024 10:00:00 +0000"),
    BAD("rfc2822_no_time", "1 Jan 2024"),
    BAD("rfc2822_bad_time", "1 Jan 2024 10h30 +0000"),
    BAD("rfc2822_four_part_time", "1 Jan 2024 10:30:00:00 +0000"),
    BAD("rfc2822_iso8601", "2024-01-01T10:00:00Z"),
    BAD("rfc2822_empty", ""),
    BAD("rfc2822_blank", "   \t "),
    BAD("rfc2822_weekday_only", "Wed,"),
    BAD("rfc2822_wtf_from_reference_test", "wtf"),
};

static const parse_case internaldate_cases[] = {
    OK("internaldate_rfc3501_example", "17-Jul-1996 02:44:25 -0700", 1996, 7, 17, 2, 44,
       25, 1, -420),
    OK("internaldate_space_padded_day", " 9-Feb-2007 17:08:08 -0430", 2007, 2, 9, 17, 8,
       8, 1, -270),
    OK("internaldate_unpadded_day", "6-Apr-2022 17:10:18 +0800", 2022, 4, 6, 17, 10, 18,
       1, 480),
    OK("internaldate_zero_padded_day", "09-Feb-2007 17:08:08 +0000", 2007, 2, 9, 17, 8, 8,
       1, 0),
    OK("internaldate_javamail_report", "13-Sep-2017 22:23:39 +0000", 2017, 9, 13, 22, 23,
       39, 1, 0),
    OK("internaldate_unsigned_zone_fallback", "19-Feb-2007 17:08:08 0400", 2007, 2, 19,
       17, 8, 8, 1, 240),
    OK("internaldate_lower_case_month", "17-jul-1996 02:44:25 +0100", 1996, 7, 17, 2, 44,
       25, 1, 60),
    OK("internaldate_minus_0000_is_utc", "17-Jul-1996 02:44:25 -0000", 1996, 7, 17, 2, 44,
       25, 1, 0),
    OK("internaldate_leap_day", "29-Feb-2024 23:59:59 +1400", 2024, 2, 29, 23, 59, 59, 1,
       840),
    OK("internaldate_rfc2822_fallback", "Mon, 7 Feb 1994 21:52:25 -0800", 1994, 2, 7, 21,
       52, 25, 1, -480),
    BAD("internaldate_not_leap", "29-Feb-2023 00:00:00 +0000"),
    BAD("internaldate_day_32", "32-Jan-2020 00:00:00 +0000"),
    BAD("internaldate_no_zone", "17-Jul-1996 02:44:25"),
    BAD("internaldate_bad_month", "17-Jux-1996 02:44:25 +0000"),
    BAD("internaldate_garbage", "garbage"),
};

static void run_parse_case(void **state)
{
    const parse_case *c = *state;
    imapclient_datetime dt;
    int internal = strstr(c->name, "__internaldate_") != NULL;
    int rc = internal ? imapclient_datetime_parse_internaldate(c->in, strlen(c->in), &dt)
                      : imapclient_datetime_parse_rfc2822(c->in, strlen(c->in), &dt);
    if (!c->ok) {
        assert_int_equal(rc, IMAPCLIENT_EPROTOCOL);
        return;
    }
    assert_int_equal(rc, 0);
    assert_dt(&dt, c->y, c->mo, c->d, c->h, c->mi, c->s, c->has_off, c->off);
}

/* ------------------------------------------------------------------ */
/* Single cases                                                         */
/* ------------------------------------------------------------------ */

static void test_datetime__parse_null_arguments(void **state)
{
    (void)state;
    imapclient_datetime dt;
    assert_int_equal(imapclient_datetime_parse_rfc2822(NULL, 0, &dt), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_datetime_parse_rfc2822("x", 1, NULL), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_datetime_parse_internaldate(NULL, 0, &dt),
                     IMAPCLIENT_EINVAL);
}

static void test_datetime__parse_uses_length_not_nul(void **state)
{
    (void)state;
    /* A literal may carry bytes after the date; only len bytes count. */
    const char s[] = "17-Jul-1996 02:44:25 -0700GARBAGE";
    imapclient_datetime dt;
    assert_int_equal(imapclient_datetime_parse_internaldate(s, 26, &dt), 0);
    assert_dt(&dt, 1996, 7, 17, 2, 44, 25, 1, -420);
    /* an embedded NUL is just a bad byte */
    const char z[] = "17-Jul-1996\0002:44:25 -0700";
    assert_int_equal(imapclient_datetime_parse_internaldate(z, sizeof z - 1, &dt),
                     IMAPCLIENT_EPROTOCOL);
}

static void test_datetime__to_epoch_with_offset(void **state)
{
    (void)state;
    static const struct {
        imapclient_datetime dt;
        int64_t epoch;
    } t[] = {
        {{1970, 1, 1, 0, 0, 0, 1, 0}, 0},
        {{1969, 12, 31, 23, 59, 59, 1, 0}, -1},
        {{2013, 3, 24, 22, 6, 10, 1, 120}, 1364155570},
        {{1996, 7, 17, 2, 44, 25, 1, -420}, 837596665},
        {{2000, 2, 29, 12, 0, 0, 1, 0}, 951825600},
        {{1, 1, 1, 0, 0, 0, 1, 0}, -62135596800LL},
        {{9999, 12, 31, 23, 59, 59, 1, 0}, 253402300799LL},
        {{2038, 1, 19, 3, 14, 8, 1, 0}, 2147483648LL},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int64_t e = 42;
        assert_int_equal(imapclient_datetime_to_epoch(&t[i].dt, &e), 0);
        assert_int_equal(e, t[i].epoch);
    }
}

static void test_datetime__to_epoch_local(void **state)
{
    (void)state;
    imapclient_datetime dt = mk(2013, 3, 24, 20, 6, 10, 0, 0);
    int64_t e;
    set_tz("UTC0");
    assert_int_equal(imapclient_datetime_to_epoch(&dt, &e), 0);
    assert_int_equal(e, 1364155570);
    set_tz("JST-9");
    dt = mk(2013, 3, 25, 5, 6, 10, 0, 0);
    assert_int_equal(imapclient_datetime_to_epoch(&dt, &e), 0);
    assert_int_equal(e, 1364155570);
    /* New York in summer: EDT, UTC-4 */
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    dt = mk(2013, 3, 24, 16, 6, 10, 0, 0);
    assert_int_equal(imapclient_datetime_to_epoch(&dt, &e), 0);
    assert_int_equal(e, 1364155570);
    /* the instant -1 is valid local time too */
    set_tz("UTC0");
    dt = mk(1969, 12, 31, 23, 59, 59, 0, 0);
    assert_int_equal(imapclient_datetime_to_epoch(&dt, &e), 0);
    assert_int_equal(e, -1);
}

static void test_datetime__to_epoch_invalid(void **state)
{
    (void)state;
    int64_t e;
    imapclient_datetime bad[] = {
        mk(2023, 2, 29, 0, 0, 0, 1, 0), mk(2020, 13, 1, 0, 0, 0, 1, 0),
        mk(0, 1, 1, 0, 0, 0, 1, 0),     mk(2020, 1, 1, 0, 0, 0, 1, 1440),
        mk(2020, 1, 1, -1, 0, 0, 1, 0), mk(10000, 1, 1, 0, 0, 0, 1, 0),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(imapclient_datetime_to_epoch(&bad[i], &e), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_datetime_to_epoch(NULL, &e), IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_datetime_to_epoch(&bad[0], NULL), IMAPCLIENT_EINVAL);
}

static void test_datetime__normalise_utc(void **state)
{
    (void)state;
    set_tz("UTC0");
    imapclient_datetime dt;
    const char *s = "Sun, 24 Mar 2013 22:06:10 +0200";
    assert_int_equal(imapclient_datetime_parse_rfc2822(s, strlen(s), &dt), 0);
    assert_int_equal(imapclient_datetime_normalise(&dt), 0);
    assert_dt(&dt, 2013, 3, 24, 20, 6, 10, 0, 0);
    assert_int_equal(dt.offset_minutes, 0);
}

static void test_datetime__normalise_east_of_utc_crosses_midnight(void **state)
{
    (void)state;
    set_tz("JST-9");
    imapclient_datetime dt = mk(2013, 3, 24, 22, 6, 10, 1, 120);
    assert_int_equal(imapclient_datetime_normalise(&dt), 0);
    assert_dt(&dt, 2013, 3, 25, 5, 6, 10, 0, 0);
}

static void test_datetime__normalise_dst_rules(void **state)
{
    (void)state;
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    /* summer: EDT */
    imapclient_datetime dt = mk(2013, 3, 24, 22, 6, 10, 1, 120);
    assert_int_equal(imapclient_datetime_normalise(&dt), 0);
    assert_dt(&dt, 2013, 3, 24, 16, 6, 10, 0, 0);
    /* winter: EST; the reference's INTERNALDATE test value */
    const char *s = " 9-Feb-2007 17:08:08 -0430";
    assert_int_equal(imapclient_datetime_parse_internaldate(s, strlen(s), &dt), 0);
    assert_int_equal(imapclient_datetime_normalise(&dt), 0);
    assert_dt(&dt, 2007, 2, 9, 16, 38, 8, 0, 0);
}

static void test_datetime__normalise_crosses_year(void **state)
{
    (void)state;
    set_tz("UTC0");
    imapclient_datetime dt = mk(2015, 12, 31, 23, 30, 0, 1, -60);
    assert_int_equal(imapclient_datetime_normalise(&dt), 0);
    assert_dt(&dt, 2016, 1, 1, 0, 30, 0, 0, 0);
    /* and into a leap day */
    set_tz("<+0530>-5:30");
    dt = mk(2024, 2, 28, 20, 0, 0, 1, 0);
    assert_int_equal(imapclient_datetime_normalise(&dt), 0);
    assert_dt(&dt, 2024, 2, 29, 1, 30, 0, 0, 0);
}

static void test_datetime__normalise_naive_unchanged(void **state)
{
    (void)state;
    set_tz("JST-9");
    imapclient_datetime dt = mk(2013, 3, 24, 22, 6, 10, 0, 0);
    assert_int_equal(imapclient_datetime_normalise(&dt), 0);
    assert_dt(&dt, 2013, 3, 24, 22, 6, 10, 0, 0);
}

static void test_datetime__normalise_invalid(void **state)
{
    (void)state;
    imapclient_datetime dt = mk(2013, 2, 30, 22, 6, 10, 1, 0);
    assert_int_equal(imapclient_datetime_normalise(&dt), IMAPCLIENT_EINVAL);
    assert_int_equal(dt.day, 30); /* untouched */
    assert_int_equal(imapclient_datetime_normalise(NULL), IMAPCLIENT_EINVAL);
}

static void test_datetime__from_value_normalises(void **state)
{
    (void)state;
    set_tz("UTC0");
    imapclient_value v = {.type = IMAPCLIENT_VALUE_STRING};
    v.str = "17-Jul-1996 02:44:25 -0700";
    v.len = strlen(v.str);
    imapclient_datetime dt;
    assert_int_equal(imc_datetime_from_value(&v, 0, &dt), 0);
    assert_dt(&dt, 1996, 7, 17, 2, 44, 25, 1, -420);
    assert_int_equal(imc_datetime_from_value(&v, 1, &dt), 0);
    assert_dt(&dt, 1996, 7, 17, 9, 44, 25, 0, 0);
    imapclient_value nil = {.type = IMAPCLIENT_VALUE_NIL};
    assert_int_equal(imc_datetime_from_value(&nil, 1, &dt), IMAPCLIENT_EPROTOCOL);
    assert_int_equal(imc_datetime_from_value(NULL, 1, &dt), IMAPCLIENT_EPROTOCOL);
}

static void test_datetime__format_internaldate_with_offset(void **state)
{
    (void)state;
    char out[32];
    /* test_datetime_util.py: test_with_timezone */
    imapclient_datetime dt = mk(2009, 1, 2, 3, 4, 5, 1, 150);
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
    assert_string_equal(out, "02-Jan-2009 03:04:05 +0230");
    dt = mk(2005, 4, 3, 13, 30, 0, 1, 120);
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
    assert_string_equal(out, "03-Apr-2005 13:30:00 +0200");
    dt = mk(2007, 2, 9, 17, 8, 8, 1, -270);
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
    assert_string_equal(out, "09-Feb-2007 17:08:08 -0430");
    dt = mk(1996, 12, 31, 23, 59, 59, 1, 0);
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
    assert_string_equal(out, "31-Dec-1996 23:59:59 +0000");
}

static void test_datetime__format_internaldate_local(void **state)
{
    (void)state;
    char out[32];
    /* test_datetime_util.py: test_without_timezone (system zone -0500) */
    set_tz("EST5");
    imapclient_datetime dt = mk(2009, 1, 2, 3, 4, 5, 0, 0);
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
    assert_string_equal(out, "02-Jan-2009 03:04:05 -0500");
    /* the offset of that instant, not of today */
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    dt = mk(2009, 7, 2, 3, 4, 5, 0, 0);
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
    assert_string_equal(out, "02-Jul-2009 03:04:05 -0400");
    dt = mk(2009, 1, 2, 3, 4, 5, 0, 0);
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
    assert_string_equal(out, "02-Jan-2009 03:04:05 -0500");
    set_tz("<+0530>-5:30");
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
    assert_string_equal(out, "02-Jan-2009 03:04:05 +0530");
}

static void test_datetime__format_internaldate_round_trip(void **state)
{
    (void)state;
    static const char *const in[] = {
        "17-Jul-1996 02:44:25 -0700", "09-Feb-2007 17:08:08 -0430",
        "29-Feb-2024 23:59:59 +1400", "01-Jan-0001 00:00:00 +0000"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        imapclient_datetime dt;
        char out[32];
        assert_int_equal(
            imapclient_datetime_parse_internaldate(in[i], strlen(in[i]), &dt), 0);
        assert_int_equal(imapclient_datetime_format_internaldate(&dt, out), 0);
        assert_string_equal(out, in[i]);
    }
}

static void test_datetime__format_internaldate_invalid(void **state)
{
    (void)state;
    char out[32];
    imapclient_datetime dt = mk(2009, 4, 31, 3, 4, 5, 1, 0);
    assert_int_equal(imapclient_datetime_format_internaldate(&dt, out),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_datetime_format_internaldate(NULL, out),
                     IMAPCLIENT_EINVAL);
}

static void test_datetime__format_date(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        const char *want;
    } t[] = {
        {1996, 2, 22, "22-Feb-1996"}, /* TestCriteriaDateFormatting.test_basic */
        {1996, 4, 4, "04-Apr-1996"},  /* test_single_digit_day */
        {2005, 4, 3, "03-Apr-2005"},  /* the search() doc: SINCE 03-Apr-2005 */
        {2024, 2, 29, "29-Feb-2024"}, {2000, 12, 31, "31-Dec-2000"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char out[16];
        imapclient_datetime dt = mk(t[i].y, t[i].m, t[i].d, 13, 30, 0, 1, 120);
        assert_int_equal(imapclient_datetime_format_date(&dt, out), 0);
        assert_string_equal(out, t[i].want);
    }
    char out[16];
    imapclient_datetime bad = mk(2023, 2, 29, 0, 0, 0, 0, 0);
    assert_int_equal(imapclient_datetime_format_date(&bad, out), IMAPCLIENT_EINVAL);
}

static void test_datetime__from_epoch_utc(void **state)
{
    (void)state;
    imapclient_datetime dt;
    assert_int_equal(imapclient_datetime_from_epoch(0, 1, &dt), 0);
    assert_dt(&dt, 1970, 1, 1, 0, 0, 0, 1, 0);
    assert_int_equal(imapclient_datetime_from_epoch(-1, 1, &dt), 0);
    assert_dt(&dt, 1969, 12, 31, 23, 59, 59, 1, 0);
    assert_int_equal(imapclient_datetime_from_epoch(951825600, 1, &dt), 0);
    assert_dt(&dt, 2000, 2, 29, 12, 0, 0, 1, 0);
    assert_int_equal(imapclient_datetime_from_epoch(-62135596800LL, 1, &dt), 0);
    assert_dt(&dt, 1, 1, 1, 0, 0, 0, 1, 0);
    assert_int_equal(imapclient_datetime_from_epoch(253402300799LL, 1, &dt), 0);
    assert_dt(&dt, 9999, 12, 31, 23, 59, 59, 1, 0);
}

static void test_datetime__from_epoch_local(void **state)
{
    (void)state;
    imapclient_datetime dt;
    set_tz("JST-9");
    assert_int_equal(imapclient_datetime_from_epoch(1364155570, 0, &dt), 0);
    assert_dt(&dt, 2013, 3, 25, 5, 6, 10, 0, 0);
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    assert_int_equal(imapclient_datetime_from_epoch(1364155570, 0, &dt), 0);
    assert_dt(&dt, 2013, 3, 24, 16, 6, 10, 0, 0);
}

static void test_datetime__from_epoch_out_of_range(void **state)
{
    (void)state;
    imapclient_datetime dt;
    assert_int_equal(imapclient_datetime_from_epoch(253402300800LL, 1, &dt),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_datetime_from_epoch(-62135596801LL, 1, &dt),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_datetime_from_epoch(INT64_MAX, 0, &dt),
                     IMAPCLIENT_EINVAL);
    assert_int_equal(imapclient_datetime_from_epoch(0, 1, NULL), IMAPCLIENT_EINVAL);
}

static void test_datetime__epoch_round_trip(void **state)
{
    (void)state;
    /* every 7919th hour from 1900 to 2100, both directions */
    for (int64_t t = -2208988800LL; t < 4102444800LL; t += 7919 * 3600 + 17) {
        imapclient_datetime dt;
        int64_t back;
        assert_int_equal(imapclient_datetime_from_epoch(t, 1, &dt), 0);
        assert_int_equal(imapclient_datetime_to_epoch(&dt, &back), 0);
        assert_int_equal(back, t);
    }
}

static void test_datetime__offset_round_trip_through_normalise(void **state)
{
    (void)state;
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    imapclient_datetime dt = mk(2020, 11, 1, 5, 30, 0, 1, 0); /* 01:30 EDT */
    int64_t before, after;
    assert_int_equal(imapclient_datetime_to_epoch(&dt, &before), 0);
    assert_int_equal(imapclient_datetime_normalise(&dt), 0);
    assert_dt(&dt, 2020, 11, 1, 1, 30, 0, 0, 0);
    /* 01:30 local is ambiguous that night; mktime picks one of the two */
    assert_int_equal(imapclient_datetime_to_epoch(&dt, &after), 0);
    assert_true(after == before || after == before + 3600);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_datetime__parse_null_arguments),
        cmocka_unit_test(test_datetime__parse_uses_length_not_nul),
        cmocka_unit_test(test_datetime__to_epoch_with_offset),
        cmocka_unit_test(test_datetime__to_epoch_local),
        cmocka_unit_test(test_datetime__to_epoch_invalid),
        cmocka_unit_test(test_datetime__normalise_utc),
        cmocka_unit_test(test_datetime__normalise_east_of_utc_crosses_midnight),
        cmocka_unit_test(test_datetime__normalise_dst_rules),
        cmocka_unit_test(test_datetime__normalise_crosses_year),
        cmocka_unit_test(test_datetime__normalise_naive_unchanged),
        cmocka_unit_test(test_datetime__normalise_invalid),
        cmocka_unit_test(test_datetime__from_value_normalises),
        cmocka_unit_test(test_datetime__format_internaldate_with_offset),
        cmocka_unit_test(test_datetime__format_internaldate_local),
        cmocka_unit_test(test_datetime__format_internaldate_round_trip),
        cmocka_unit_test(test_datetime__format_internaldate_invalid),
        cmocka_unit_test(test_datetime__format_date),
        cmocka_unit_test(test_datetime__from_epoch_utc),
        cmocka_unit_test(test_datetime__from_epoch_local),
        cmocka_unit_test(test_datetime__from_epoch_out_of_range),
        cmocka_unit_test(test_datetime__epoch_round_trip),
        cmocka_unit_test(test_datetime__offset_round_trip_through_normalise),
    };
    enum {
        NF = sizeof fixed / sizeof fixed[0],
        NR = sizeof rfc2822_cases / sizeof rfc2822_cases[0],
        NI = sizeof internaldate_cases / sizeof internaldate_cases[0]
    };
    /* One cmocka case per table row, named after the row. */
    static struct CMUnitTest all[NF + NR + NI];
    size_t n = 0;
    for (size_t i = 0; i < NR; i++)
        all[n++] = (struct CMUnitTest){rfc2822_cases[i].name, run_parse_case, NULL, NULL,
                                       (void *)&rfc2822_cases[i]};
    for (size_t i = 0; i < NI; i++)
        all[n++] = (struct CMUnitTest){internaldate_cases[i].name, run_parse_case, NULL,
                                       NULL, (void *)&internaldate_cases[i]};
    for (size_t i = 0; i < NF; i++)
        all[n++] = fixed[i];
    return _cmocka_run_group_tests("test_datetime", all, n, NULL, NULL);
}
