/* test_xlsform.c: the XLSForm module's ISO date reader (KoboToolbox/ODK timestamps) and label-column languages. */
#include "check.h"
#include "xlsform.h"

#include <math.h>
#include <string.h>

static void iso(const char *s, double want, int want_kind, const char *what)
{
    double v = NAN;
    int kind = 0;
    int ok = xlsform_parse_iso(s, &v, &kind);
    CHECK(ok && kind == want_kind && fabs(v - want) < 1e-6, what);
}

static void not_iso(const char *s, const char *what)
{
    double v;
    int kind;
    CHECK(!xlsform_parse_iso(s, &v, &kind), what);
}

static void language(const char *header, const char *want)
{
    char code[32];
    xlsform_label_language(header, code, sizeof code);
    CHECK(strcmp(code, want) == 0, header);
}

int main(void)
{
    /* 2024-05-06 is day 19849 (by hand: 54 years of days to 2024-01-01 = 19723, then 31+29+31+30+5 = 126) */
    iso("2024-05-06", 19849, TALLY_DATE_DAYS, "a date: days since 1970");
    iso("1970-01-01T00:00:00Z", 0, TALLY_DATE_DATETIME, "the epoch in UTC");
    iso("2024-05-06T09:10:44.120+02:00", 19849 * 86400.0 + 7 * 3600 + 10 * 60 + 44.12, TALLY_DATE_DATETIME,
        "KoboToolbox's start: milliseconds and an offset, taken to UTC");
    iso("2024-05-06T01:30:00-05:30", 19849 * 86400.0 + 7 * 3600, TALLY_DATE_DATETIME, "a negative offset with minutes");
    iso("2024-05-06 07:15", 19849 * 86400.0 + 7 * 3600 + 15 * 60, TALLY_DATE_DATETIME, "a space and no seconds");
    iso("2024-02-29", 19782, TALLY_DATE_DAYS, "a leap day");
    not_iso("2023-02-29", "no leap day in 2023");
    not_iso("2024-04-31", "April has 30 days");
    not_iso("2024-5-6", "one-digit month and day");
    not_iso("2024-05-06T25:00", "hour 25");
    iso("2024-05-06T10:00+02", 19849 * 86400.0 + 8 * 3600, TALLY_DATE_DATETIME, "an offset in whole hours");
    not_iso("collect:Xk3Pq0", "a device id");
    language("label::Deutsch (de)", "de");
    language("label::English (en)", "en");
    language("label::de", "de");
    language("label::German", "de");
    language("label::Français", "fr");
    language("label", "");
    CHECK_DONE();
}
