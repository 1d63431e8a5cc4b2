/* datefmt.h: dates, datetimes and times (tally_date_kind numbers) written as text for reports and data. */
#ifndef TALLY_DATEFMT_H
#define TALLY_DATEFMT_H

#include <stddef.h>

/*
 * `v` is a number of the given tally_date_kind: days since 1970-01-01, seconds
 * since 1970-01-01T00:00:00, or seconds of a time. Fractions (a mean of dates)
 * are rounded to the whole day or second.
 */

/* As a report shows it: ISO 8601 ("1949-03-24", "1949-03-24 13:45:10",
 * "01:30:00"), or the report language's convention ("de": "24.03.1949",
 * "24.03.1949 13:45:10"). Empty for NaN; returns buf. */
const char *tally_format_date(double v, int kind, const char *lang, char *buf, size_t n);
/* ISO 8601 for data interchange (JSON): "1949-03-24", "1949-03-24T13:45:10",
 * "01:30:00". Empty for NaN; returns buf. */
const char *tally_format_date_iso(double v, int kind, char *buf, size_t n);

#endif
