/* datefmt.c: dates, datetimes and times written as ISO 8601 or in the report language's convention. */
#include "datefmt.h"
#include "expr.h"
#include "numfmt.h"
#include "tally/plugin.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* hh:mm:ss of a number of seconds (hours beyond 24 for durations, a sign when negative). */
static void put_time(double secs, char *buf, size_t n)
{
    double s = floor(fabs(secs) + 0.5);
    long long h = (long long)(s / 3600), m = (long long)fmod(s / 60, 60), sec = (long long)fmod(s, 60);
    snprintf(buf, n, "%s%02lld:%02lld:%02lld", secs < 0 && s > 0 ? "-" : "", h, m, sec);
}

/* A day in the language's convention (numfmt.c: de 24.03.1949, zh 1949年3月24日), ISO without one. */
static void put_day(double days, const char *lang, char *buf, size_t n)
{
    int y, m, d;
    tally_days_to_civil(days, &y, &m, &d);
    tally_fmt_date(lang, y, m, d, buf, n);
}

static const char *format(double v, int kind, const char *lang, char sep, char *buf, size_t n)
{
    if (!n) return buf;
    buf[0] = '\0';
    if (v != v || !isfinite(v) || fabs(v) > 1e14) return buf;
    char day[32], tm[32];
    switch (kind) {
    case TALLY_DATE_DAYS:
        put_day(floor(v + 0.5), lang, buf, n);
        break;
    case TALLY_DATE_DATETIME: {
        double s = floor(v + 0.5), days = floor(s / 86400.0);
        put_day(days, lang, day, sizeof day);
        put_time(s - days * 86400.0, tm, sizeof tm);
        snprintf(buf, n, "%s%c%s", day, sep, tm);
        break;
    }
    case TALLY_DATE_TIME:
        put_time(v, buf, n);
        break;
    default:
        snprintf(buf, n, "%.15g", v);
    }
    return buf;
}

const char *tally_format_date(double v, int kind, const char *lang, char *buf, size_t n)
{
    return format(v, kind, lang, ' ', buf, n);
}

const char *tally_format_date_iso(double v, int kind, char *buf, size_t n)
{
    return format(v, kind, NULL, 'T', buf, n);
}
