/* rs_dates.c: which display formats mean dates, datetimes and times, and their conversion to tally's date kinds. */
#include "rs_internal.h"

#include <string.h>
#include <strings.h>

#define SPSS_EPOCH_DAYS 141428.0 /* 1582-10-14 to 1970-01-01 */
#define EPOCH_1960_DAYS 3653.0   /* 1960-01-01 to 1970-01-01 */

static int has_prefix(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* 1 when format name f starts with one of the n prefixes. */
static int has_any_prefix(const char *f, const char *const *prefixes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_prefix(f, prefixes[i])) return 1;
    return 0;
}

/* SPSS formats: seconds since 1582 for a calendar date (DATE, ADATE, ...) or a point
 * in time (DATETIME, YMDHMS); seconds of a time or a duration (TIME, DTIME, MTIME). */
static rs_date_kind spss_kind(const char *f)
{
    static const char *const points[] = {"DATETIME", "YMDHMS"};
    static const char *const clock[] = {"TIME", "DTIME", "MTIME"};
    static const char *const days[] = {"ADATE", "EDATE", "JDATE", "SDATE", "QYR", "MOYR", "WKYR", "DATE"};
    if (has_any_prefix(f, points, sizeof points / sizeof points[0])) return RS_DATE_SPSS_DATETIME;
    if (has_any_prefix(f, clock, sizeof clock / sizeof clock[0])) return RS_DATE_CLOCK;
    if (has_any_prefix(f, days, sizeof days / sizeof days[0])) return RS_DATE_SPSS;
    return RS_DATE_NONE;
}

static rs_date_kind sas_kind(const char *f)
{
    /* DT* (DTDATE, DTMONYY, DTYEAR, ...) show a part of a datetime value */
    static const char *const seconds[] = {"DATETIME", "DATEAMPM", "E8601DT", "B8601DT", "MDYAMPM", "DT"};
    static const char *const clock[] = {"TIME", "HHMM", "TOD", "HOUR", "MMSS", "E8601TM", "B8601TM"};
    static const char *const days[] = {"DATE", "MMDDYY", "DDMMYY", "YYMMDD", "JULIAN", "MONYY",
                                       "WEEKDATE", "WORDDATE", "E8601DA", "B8601DA", "YYMON",
                                       "MMYY", "YYMM", "NLDATE", "EURDFDE", "MINGUO", "NENGO", "YYQ", "YEAR",
                                       "MONNAME", "WEEKDAY", "DOWNAME", "QTR"};
    if (has_any_prefix(f, seconds, sizeof seconds / sizeof seconds[0])) return RS_DATE_SAS_SECONDS;
    if (has_any_prefix(f, clock, sizeof clock / sizeof clock[0])) return RS_DATE_CLOCK;
    if (has_any_prefix(f, days, sizeof days / sizeof days[0])) return RS_DATE_SAS_DAYS;
    return RS_DATE_NONE;
}

rs_date_kind rs_date_kind_of(rs_format fmt, const char *f)
{
    if (!f || !*f) return RS_DATE_NONE;
    switch (fmt) {
    case RS_SAV:
    case RS_ZSAV:
    case RS_POR:
        return spss_kind(f);
    case RS_DTA:
        /* %td and the old %d count days; %tc / %tC milliseconds (%tC with leap
         * seconds, taken as %tc). Weekly, monthly,
         * quarterly and yearly formats (%tw %tm %tq %ty) are not days: left as numbers. */
        if (has_prefix(f, "%td") || has_prefix(f, "%-td") || has_prefix(f, "%d")) return RS_DATE_STATA_DAYS;
        if (has_prefix(f, "%tc") || has_prefix(f, "%-tc") || has_prefix(f, "%tC") || has_prefix(f, "%-tC"))
            return RS_DATE_STATA_MS;
        return RS_DATE_NONE;
    case RS_SAS7BDAT:
    case RS_XPT:
        return sas_kind(f);
    default:
        return RS_DATE_NONE;
    }
}

double rs_date_convert(rs_date_kind k, double v)
{
    if (v != v) return v;
    switch (k) {
    case RS_DATE_SPSS: return v / 86400.0 - SPSS_EPOCH_DAYS;
    case RS_DATE_SPSS_DATETIME: return v - SPSS_EPOCH_DAYS * 86400.0;
    case RS_DATE_STATA_DAYS:
    case RS_DATE_SAS_DAYS: return v - EPOCH_1960_DAYS;
    case RS_DATE_STATA_MS: return v / 1000.0 - EPOCH_1960_DAYS * 86400.0;
    case RS_DATE_SAS_SECONDS: return v - EPOCH_1960_DAYS * 86400.0;
    default: return v;
    }
}

int rs_date_tally_kind(rs_date_kind k)
{
    switch (k) {
    case RS_DATE_SPSS:
    case RS_DATE_STATA_DAYS:
    case RS_DATE_SAS_DAYS: return TALLY_DATE_DAYS;
    case RS_DATE_SPSS_DATETIME:
    case RS_DATE_STATA_MS:
    case RS_DATE_SAS_SECONDS: return TALLY_DATE_DATETIME;
    case RS_DATE_CLOCK: return TALLY_DATE_TIME;
    default: return TALLY_DATE_NONE;
    }
}
