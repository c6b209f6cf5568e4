/*
 * Dates: INTERNALDATE (RFC 3501 section 9, date-time), RFC 2822 / 5322
 * section 3.3 dates as found in ENVELOPE (with the obsolete forms of
 * section 4.3), normalise_times, and the formats the client sends
 * (APPEND's date-time, SEARCH's date).
 *
 * The tolerant parser follows the steps of Python's
 * email.utils.parsedate_tz(), which the reference's parse_to_datetime()
 * relies on, so that the same server bytes give the same date.
 */
#include "types.h"

#include <imapclient/errors.h>

#include <string.h>
#include <strings.h>
#include <time.h>

static const char month_abbr[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static const char *const month_names[24] = {
    "jan", "feb",  "mar",  "apr",    "may",       "jun",      "jul",      "aug",
    "sep", "oct",  "nov",  "dec",    "january",   "february", "march",    "april",
    "may", "june", "july", "august", "september", "october",  "november", "december"};

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* RFC 2822 section 4.3 obsolete zones, plus UTC and Z, in +-hhmm. */
static const struct {
    const char *name;
    int hhmm;
} zone_names[] = {{"UT", 0},     {"UTC", 0},    {"GMT", 0},    {"Z", 0},
                  {"AST", -400}, {"ADT", -300}, {"EST", -500}, {"EDT", -400},
                  {"CST", -600}, {"CDT", -500}, {"MST", -700}, {"MDT", -600},
                  {"PST", -800}, {"PDT", -700}};

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int imc_datetime_valid(const imapclient_datetime *dt)
{
    if (!dt || dt->year < 1 || dt->year > 9999 || dt->month < 1 || dt->month > 12)
        return 0;
    if (dt->day < 1 || dt->day > days_in_month(dt->year, dt->month))
        return 0;
    if (dt->hour < 0 || dt->hour > 23 || dt->minute < 0 || dt->minute > 59 ||
        dt->second < 0 || dt->second > 59)
        return 0;
    if (dt->has_offset && (dt->offset_minutes <= -1440 || dt->offset_minutes >= 1440))
        return 0;
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Seconds since the epoch of the fields read as UTC. */
static int64_t fields_as_utc(const imapclient_datetime *dt)
{
    return days_from_civil(dt->year, dt->month, dt->day) * 86400 + dt->hour * 3600 +
           dt->minute * 60 + dt->second;
}

/* Bounds of years 1..9999 in epoch seconds. */
#define EPOCH_MIN (-62135596800LL)
#define EPOCH_MAX (253402300799LL)

static int to_time_t(int64_t v, time_t *out)
{
    time_t t = (time_t)v;
    if ((int64_t)t != v)
        return -1;
    *out = t;
    return 0;
}

static int from_tm(const struct tm *tm, imapclient_datetime *out)
{
    if (tm->tm_year > 9999 - 1900 || tm->tm_year < 1 - 1900)
        return IMAPCLIENT_EINVAL;
    memset(out, 0, sizeof *out);
    out->year = tm->tm_year + 1900;
    out->month = tm->tm_mon + 1;
    out->day = tm->tm_mday;
    out->hour = tm->tm_hour;
    out->minute = tm->tm_min;
    out->second = tm->tm_sec > 59 ? 59 : tm->tm_sec;
    return 0;
}

int imapclient_datetime_to_epoch(const imapclient_datetime *dt, int64_t *out)
{
    if (!out || !imc_datetime_valid(dt))
        return IMAPCLIENT_EINVAL;
    if (dt->has_offset) {
        *out = fields_as_utc(dt) - (int64_t)dt->offset_minutes * 60;
        return 0;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = dt->year - 1900;
    tm.tm_mon = dt->month - 1;
    tm.tm_mday = dt->day;
    tm.tm_hour = dt->hour;
    tm.tm_min = dt->minute;
    tm.tm_sec = dt->second;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1) {
        /* -1 is also 1969-12-31 23:59:59 UTC; tell it from failure. */
        struct tm chk;
        time_t m1 = (time_t)-1;
        if (!localtime_r(&m1, &chk) || chk.tm_year != dt->year - 1900 ||
            chk.tm_mon != dt->month - 1 || chk.tm_mday != dt->day ||
            chk.tm_hour != dt->hour || chk.tm_min != dt->minute ||
            chk.tm_sec != dt->second)
            return IMAPCLIENT_EINVAL;
    }
    *out = (int64_t)t;
    return 0;
}

int imapclient_datetime_from_epoch(int64_t t, int utc, imapclient_datetime *out)
{
    if (!out || t < EPOCH_MIN || t > EPOCH_MAX)
        return IMAPCLIENT_EINVAL;
    if (utc) {
        int64_t days = t / 86400, sod = t % 86400;
        if (sod < 0) {
            sod += 86400;
            days--;
        }
        int64_t y;
        int m, d;
        civil_from_days(days, &y, &m, &d);
        memset(out, 0, sizeof *out);
        out->year = (int)y;
        out->month = m;
        out->day = d;
        out->hour = (int)(sod / 3600);
        out->minute = (int)(sod / 60 % 60);
        out->second = (int)(sod % 60);
        out->has_offset = 1;
        return 0;
    }
    time_t tt;
    struct tm tm;
    if (to_time_t(t, &tt) < 0 || !localtime_r(&tt, &tm))
        return IMAPCLIENT_EINVAL;
    return from_tm(&tm, out);
}

/* Offset east of UTC, in minutes, of local time at instant t. */
static int local_offset(time_t t, int *minutes)
{
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return -1;
    int64_t local =
        days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
        tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    *minutes = (int)((local - (int64_t)t) / 60);
    return 0;
}

int imapclient_datetime_normalise(imapclient_datetime *dt)
{
    if (!imc_datetime_valid(dt))
        return IMAPCLIENT_EINVAL;
    if (!dt->has_offset)
        return 0;
    int64_t e;
    time_t t;
    struct tm tm;
    imapclient_datetime local;
    if (imapclient_datetime_to_epoch(dt, &e) < 0 || to_time_t(e, &t) < 0 ||
        !localtime_r(&t, &tm) || from_tm(&tm, &local) < 0)
        return IMAPCLIENT_EINVAL;
    *dt = local;
    return 0;
}

/* n decimal digits of v (0 <= v < 10^n), zero-padded; returns the end. */
static char *put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

int imapclient_datetime_format_internaldate(const imapclient_datetime *dt, char out[32])
{
    if (!out || !imc_datetime_valid(dt))
        return IMAPCLIENT_EINVAL;
    int off = dt->offset_minutes;
    if (!dt->has_offset) {
        int64_t e;
        time_t t;
        if (imapclient_datetime_to_epoch(dt, &e) < 0 || to_time_t(e, &t) < 0 ||
            local_offset(t, &off) < 0)
            return IMAPCLIENT_EINVAL;
    }
    int aoff = off < 0 ? -off : off;
    /* date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone
     * DQUOTE; the reference writes the day as "%d" of strftime: two digits. */
    char *p = put_digits(out, dt->day, 2);
    *p++ = '-';
    memcpy(p, month_abbr[dt->month - 1], 3);
    p += 3;
    *p++ = '-';
    p = put_digits(p, dt->year, 4);
    *p++ = ' ';
    p = put_digits(p, dt->hour, 2);
    *p++ = ':';
    p = put_digits(p, dt->minute, 2);
    *p++ = ':';
    p = put_digits(p, dt->second, 2);
    *p++ = ' ';
    *p++ = off < 0 ? '-' : '+';
    p = put_digits(p, aoff / 60, 2);
    p = put_digits(p, aoff % 60, 2);
    *p = '\0';
    return 0;
}

int imapclient_datetime_format_date(const imapclient_datetime *dt, char out[16])
{
    if (!out || !imc_datetime_valid(dt))
        return IMAPCLIENT_EINVAL;
    /* format_criteria_date(): '%02d-%s-%d' */
    char *p = put_digits(out, dt->day, 2);
    *p++ = '-';
    memcpy(p, month_abbr[dt->month - 1], 3);
    p += 3;
    *p++ = '-';
    p = put_digits(p, dt->year,
                   dt->year >= 1000  ? 4
                   : dt->year >= 100 ? 3
                   : dt->year >= 10  ? 2
                                     : 1);
    *p = '\0';
    return 0;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */
/* ------------------------------------------------------------------ */

typedef struct tok {
    const char *s;
    size_t n;
} tok;

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int tok_eq_ci(tok t, const char *w)
{
    size_t n = strlen(w);
    return t.n == n && strncasecmp(t.s, w, n) == 0;
}

/* Three-letter English month name, any case -> 1..12, else 0. One switch
 * instead of twelve string compares: dates are on the FETCH hot path. */
static int month3(const char *s)
{
#define M3(a, b, c) (((unsigned)(a) << 16) | ((unsigned)(b) << 8) | (unsigned)(c))
    switch (M3(s[0] | 0x20, s[1] | 0x20, s[2] | 0x20)) {
    case M3('j', 'a', 'n'):
        return 1;
    case M3('f', 'e', 'b'):
        return 2;
    case M3('m', 'a', 'r'):
        return 3;
    case M3('a', 'p', 'r'):
        return 4;
    case M3('m', 'a', 'y'):
        return 5;
    case M3('j', 'u', 'n'):
        return 6;
    case M3('j', 'u', 'l'):
        return 7;
    case M3('a', 'u', 'g'):
        return 8;
    case M3('s', 'e', 'p'):
        return 9;
    case M3('o', 'c', 't'):
        return 10;
    case M3('n', 'o', 'v'):
        return 11;
    case M3('d', 'e', 'c'):
        return 12;
    default:
        return 0;
    }
#undef M3
}

static int month_index(tok t)
{
    if (t.n == 3)
        return month3(t.s);
    for (int i = 0; i < 24; i++)
        if (tok_eq_ci(t, month_names[i]))
            return i % 12 + 1;
    return 0;
}

static int is_day_name(tok t)
{
    for (int i = 0; i < 7; i++)
        if (tok_eq_ci(t, day_names[i]))
            return 1;
    return 0;
}

/* Unsigned decimal of 1..9 digits, whole token. */
static int tok_uint(tok t, int *out)
{
    if (t.n == 0 || t.n > 9)
        return -1;
    int v = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.s[i] < '0' || t.s[i] > '9')
            return -1;
        v = v * 10 + (t.s[i] - '0');
    }
    *out = v;
    return 0;
}

static tok tok_drop_last(tok t)
{
    if (t.n)
        t.n--;
    return t;
}

static int tok_ends(tok t, char c)
{
    return t.n && t.s[t.n - 1] == c;
}

/* Split tm on sep into 2 or 3 fields. */
static int split_time(tok tm, char sep, int *h, int *m, int *s)
{
    tok f[3];
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= tm.n; i++) {
        if (i == tm.n || tm.s[i] == sep) {
            if (k == 3)
                return -1;
            f[k].s = tm.s + start;
            f[k].n = i - start;
            k++;
            start = i + 1;
        }
    }
    if (k < 2 || tok_uint(f[0], h) || tok_uint(f[1], m))
        return -1;
    *s = 0;
    if (k == 3 && tok_uint(f[2], s))
        return -1;
    return 0;
}

/* The zone: a name, or a signed decimal read as hhmm. Returns 1 with
 * *minutes set, 0 when unknown ("-0000", military, other names, none),
 * -1 when out of range. */
static int parse_zone(tok tz, int *minutes)
{
    for (size_t i = 0; i < sizeof zone_names / sizeof zone_names[0]; i++) {
        if (tok_eq_ci(tz, zone_names[i].name)) {
            int v = zone_names[i].hhmm, a = v < 0 ? -v : v;
            *minutes = (v < 0 ? -1 : 1) * (a / 100 * 60 + a % 100);
            return 1;
        }
    }
    int neg = 0;
    tok d = tz;
    if (d.n && (d.s[0] == '+' || d.s[0] == '-')) {
        neg = d.s[0] == '-';
        d.s++;
        d.n--;
    }
    int v;
    if (tok_uint(d, &v) < 0)
        return 0;
    /* "-0000": no information about the local zone (RFC 5322 3.3) */
    if (v == 0 && neg)
        return 0;
    int total = v / 100 * 60 + v % 100;
    if (total >= 1440)
        return -1;
    *minutes = neg ? -total : total;
    return 1;
}

int imapclient_datetime_parse_rfc2822(const char *s, size_t len, imapclient_datetime *out)
{
    if (!s || !out)
        return IMAPCLIENT_EINVAL;
    /* data = s.split(): only the first few words matter, but the count does. */
    tok t[8];
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && is_ws(s[i]))
            i++;
        if (i >= len)
            break;
        size_t st = i;
        while (i < len && !is_ws(s[i]))
            i++;
        if (n < 8) {
            t[n].s = s + st;
            t[n].n = i - st;
        }
        n++;
    }
    if (n == 0)
        return IMAPCLIENT_EPROTOCOL;
    if (n > 8)
        n = 8; /* only t[0..5] are ever read; keep n > 5 */

    /* An optional day name, with or without its comma. */
    if (tok_ends(t[0], ',') || is_day_name(t[0])) {
        memmove(t, t + 1, (n - 1) * sizeof t[0]);
        n--;
    } else {
        for (size_t i = t[0].n; i-- > 0;) {
            if (t[0].s[i] == ',') {
                t[0].s += i + 1;
                t[0].n -= i + 1;
                break;
            }
        }
    }
    /* RFC 850 / INTERNALDATE: "17-Jul-1996 02:44:25 -0700" */
    if (n == 3) {
        tok p[3];
        size_t k = 0, start = 0;
        tok w = t[0];
        for (size_t i = 0; i <= w.n && k <= 3; i++) {
            if (i == w.n || w.s[i] == '-') {
                if (k < 3) {
                    p[k].s = w.s + start;
                    p[k].n = i - start;
                }
                k++;
                start = i + 1;
            }
        }
        if (k == 3) {
            t[4] = t[2];
            t[3] = t[1];
            t[0] = p[0];
            t[1] = p[1];
            t[2] = p[2];
            n = 5;
        }
    }
    /* "17 Jul 1996 02:23:25-0700", or no zone at all */
    if (n == 4) {
        tok w = t[3];
        size_t i;
        for (i = 0; i < w.n && w.s[i] != '+'; i++)
            ;
        if (i == w.n)
            for (i = 0; i < w.n && w.s[i] != '-'; i++)
                ;
        if (i > 0 && i < w.n) {
            t[3].n = i;
            t[4].s = w.s + i;
            t[4].n = w.n - i;
        } else {
            t[4].s = w.s + w.n;
            t[4].n = 0;
        }
        n = 5;
    }
    if (n < 5)
        return IMAPCLIENT_EPROTOCOL;
    tok dd = t[0], mm = t[1], yy = t[2], tm = t[3], tz = t[4];
    if (!dd.n || !mm.n || !yy.n)
        return IMAPCLIENT_EPROTOCOL;
    int month = month_index(mm);
    if (!month) {
        tok x = dd;
        dd = mm;
        mm = x;
        month = month_index(mm);
        if (!month)
            return IMAPCLIENT_EPROTOCOL;
    }
    if (tok_ends(dd, ','))
        dd = tok_drop_last(dd);
    if (memchr(yy.s, ':', yy.n) && yy.s[0] != ':') {
        tok x = yy;
        yy = tm;
        tm = x;
    }
    if (tok_ends(yy, ',')) {
        yy = tok_drop_last(yy);
        if (!yy.n)
            return IMAPCLIENT_EPROTOCOL;
    }
    if (!yy.n)
        return IMAPCLIENT_EPROTOCOL;
    if (yy.s[0] < '0' || yy.s[0] > '9') {
        tok x = yy;
        yy = tz;
        tz = x;
    }
    if (!tm.n)
        return IMAPCLIENT_EPROTOCOL;
    if (tok_ends(tm, ','))
        tm = tok_drop_last(tm);

    int hour, minute, second, day, year;
    if (memchr(tm.s, ':', tm.n)) {
        if (split_time(tm, ':', &hour, &minute, &second) < 0)
            return IMAPCLIENT_EPROTOCOL;
    } else if (memchr(tm.s, '.', tm.n)) {
        /* Some non-compliant MUAs use '.' (reference issue #154). */
        if (split_time(tm, '.', &hour, &minute, &second) < 0)
            return IMAPCLIENT_EPROTOCOL;
    } else {
        return IMAPCLIENT_EPROTOCOL;
    }
    if (tok_uint(yy, &year) < 0 || tok_uint(dd, &day) < 0)
        return IMAPCLIENT_EPROTOCOL;
    /* Two-digit years, as POSIX strptime %y: 69..99 -> 19xx, 00..68 -> 20xx. */
    if (year < 100)
        year += year > 68 ? 1900 : 2000;

    imapclient_datetime dt;
    memset(&dt, 0, sizeof dt);
    dt.year = year;
    dt.month = month;
    dt.day = day;
    dt.hour = hour;
    dt.minute = minute;
    dt.second = second;
    int zr = parse_zone(tz, &dt.offset_minutes);
    if (zr < 0)
        return IMAPCLIENT_EPROTOCOL;
    /* An unknown zone ("-0000", military, unknown name, none) is UTC, as
     * RFC 5322 4.3 says of "-0000" and parsedate_tz() gives (offset 0). */
    if (zr == 0)
        dt.offset_minutes = 0;
    dt.has_offset = 1;
    if (!imc_datetime_valid(&dt))
        return IMAPCLIENT_EPROTOCOL;
    *out = dt;
    return 0;
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
 * date-day-fixed = (SP DIGIT) / 2DIGIT; zone = ("+" / "-") 4DIGIT (RFC 3501 9).
 * An unpadded one-digit day is accepted too. */
static int parse_internaldate_exact(const char *s, size_t len, imapclient_datetime *out)
{
    size_t p = 0;
    imapclient_datetime dt;
    memset(&dt, 0, sizeof dt);
    if (len >= 1 && s[0] == ' ')
        p = 1;
    size_t dn = 0;
    while (p + dn < len && dn < 3 && s[p + dn] >= '0' && s[p + dn] <= '9')
        dn++;
    if (dn < 1 || dn > 2 || (p == 1 && dn != 1))
        return -1;
    digits(s + p, dn, &dt.day);
    p += dn;
    /* "-Mon-YYYY HH:MM:SS +ZZZZ" is 24 bytes */
    if (len - p != 24 || s[p] != '-' || s[p + 4] != '-' || s[p + 9] != ' ' ||
        s[p + 12] != ':' || s[p + 15] != ':' || s[p + 18] != ' ' ||
        (s[p + 19] != '+' && s[p + 19] != '-'))
        return -1;
    dt.month = month3(s + p + 1);
    int zone;
    if (!dt.month || digits(s + p + 5, 4, &dt.year) || digits(s + p + 10, 2, &dt.hour) ||
        digits(s + p + 13, 2, &dt.minute) || digits(s + p + 16, 2, &dt.second) ||
        digits(s + p + 20, 4, &zone))
        return -1;
    /* "-0000" (local zone unknown) is UTC too */
    int total = zone / 100 * 60 + zone % 100;
    dt.has_offset = 1;
    dt.offset_minutes = s[p + 19] == '-' ? -total : total;
    if (!imc_datetime_valid(&dt))
        return -1;
    *out = dt;
    return 0;
}

int imapclient_datetime_parse_internaldate(const char *s, size_t len,
                                           imapclient_datetime *out)
{
    if (!s || !out)
        return IMAPCLIENT_EINVAL;
    if (parse_internaldate_exact(s, len, out) == 0)
        return 0;
    return imapclient_datetime_parse_rfc2822(s, len, out);
}

int imc_datetime_from_value(const imapclient_value *v, int normalise,
                            imapclient_datetime *out)
{
    size_t n;
    const char *s = imc_value_text(v, &n);
    if (!s)
        return IMAPCLIENT_EPROTOCOL;
    imapclient_datetime dt;
    int rc = imapclient_datetime_parse_internaldate(s, n, &dt);
    if (rc < 0)
        return IMAPCLIENT_EPROTOCOL;
    if (normalise && imapclient_datetime_normalise(&dt) < 0)
        return IMAPCLIENT_EPROTOCOL;
    *out = dt;
    return 0;
}
