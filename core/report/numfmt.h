/* numfmt.h: numbers, percents, p-values and dates written the way a report language writes them. */
#ifndef TALLY_NUMFMT_H
#define TALLY_NUMFMT_H

#include <stddef.h>

/* Each writes into buf (n bytes) and returns buf; `language` NULL or unknown is English.
 * de: decimal comma, "." between thousands, "78,9 %"; en: "1,234.5", "78.9%"; zh as en. */

/* `v` with `dec` decimals (halves away from zero, as tally_format_fixed); `group` 1 puts the
 * language's thousands separator in from 1000 up. */
const char *tally_fmt_number(const char *language, double v, int dec, int group, char *buf, size_t n);
/* A percent value (78.94 -> "78.9%", de "78,9 %"). */
const char *tally_fmt_percent(const char *language, double v, int dec, char *buf, size_t n);
/* A count: whole numbers without decimals, others with `dec` (at least 1), thousands grouped. */
const char *tally_fmt_count(const char *language, double v, int dec, char *buf, size_t n);
/* A p-value as journals print it: ".027", "< .001" (de ",027", "< ,001"); NaN gives "". */
const char *tally_fmt_p(const char *language, double p, char *buf, size_t n);
/* "p = .027" or "p < .001" for running text. */
const char *tally_fmt_p_clause(const char *language, double p, char *buf, size_t n);
/* A calendar date: en and ISO "1949-03-24", de "24.03.1949", zh "1949年3月24日". */
const char *tally_fmt_date(const char *language, int year, int month, int day, char *buf, size_t n);
/* An ISO date text "YYYY-MM-DD" rewritten by tally_fmt_date; any other text is copied as it is. */
const char *tally_fmt_iso_date(const char *language, const char *iso, char *buf, size_t n);

#endif
