/* dates.c: the csv plugin's date columns: cells in ISO 8601, dd.mm.yyyy, mm/dd/yyyy or dd/mm/yyyy, stored as days or seconds since 1970. */
#include "csv.h"
#include "civil_days.h"

#include <math.h>
#include <string.h>

static inline int digit(char c) { return (unsigned)(c - '0') <= 9; }

/* Reads 1..max digits at *i (exactly `max` when exact is set); -1 when there are none. */
static int number_at(const char *p, size_t n, size_t *i, int max, int exact)
{
    int v = 0, k = 0;
    while (*i < n && k < max && digit(p[*i])) v = v * 10 + (p[(*i)++] - '0'), k++;
    if (k == 0 || (exact && k != max) || (*i < n && digit(p[*i]))) return -1;
    return v;
}

static int valid_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* The time after a date: hh:mm[:ss[.fraction]] and, ISO only, Z or +hh:mm / -hh:mm;
 * seconds into *secs. 0 when [i, n) is not such a time. */
static int time_at(const char *p, size_t n, size_t i, int iso, double *secs)
{
    int h = number_at(p, n, &i, 2, 0);
    if (h < 0 || h > 24 || i >= n || p[i] != ':') return 0;
    i++;
    int mi = number_at(p, n, &i, 2, 1), s = 0;
    double frac = 0;
    if (mi < 0 || mi > 59) return 0;
    if (i < n && p[i] == ':') {
        i++;
        if ((s = number_at(p, n, &i, 2, 1)) < 0 || s > 60) return 0;
        if (i < n && (p[i] == '.' || p[i] == ',')) {
            double scale = 0.1;
            size_t d0 = ++i;
            for (; i < n && digit(p[i]); i++, scale /= 10) frac += (p[i] - '0') * scale;
            if (i == d0) return 0;
        }
    }
    if (h == 24 && (mi || s || frac > 0)) return 0;
    double t = h * 3600.0 + mi * 60.0 + s + frac;
    if (iso && i < n && p[i] == 'Z') i++;
    else if (iso && i < n && (p[i] == '+' || p[i] == '-')) { /* an offset from UTC: stored as UTC */
        int sign = p[i++] == '-' ? -1 : 1;
        int oh = number_at(p, n, &i, 2, 1), om = 0;
        if (oh < 0 || oh > 14) return 0;
        if (i < n && p[i] == ':') i++;
        if (i < n && (om = number_at(p, n, &i, 2, 1)) < 0) return 0;
        t -= sign * (oh * 3600.0 + om * 60.0);
    }
    if (i != n) return 0;
    *secs = t;
    return 1;
}

int csv_parse_date(const char *p, size_t n, int fmt, double *days, double *secs)
{
    while (n && (*p == ' ' || *p == '\t')) p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    if (n < 8 || !digit(p[0])) return 0;
    size_t i = 0;
    int y, m, d, form;
    if (n >= 10 && p[4] == '-') { /* ISO 8601: 2024-03-05 */
        y = number_at(p, n, &i, 4, 1);
        if (y < 0 || p[i++] != '-' || (m = number_at(p, n, &i, 2, 1)) < 0 || i >= n || p[i++] != '-' ||
            (d = number_at(p, n, &i, 2, 1)) < 0)
            return 0;
        form = CSV_DATE_ISO;
    } else {
        char sep = fmt == CSV_DATE_DOTS ? '.' : '/';
        int a = number_at(p, n, &i, 2, 0);
        if (a < 0 || i >= n || p[i++] != sep) return 0;
        int b = number_at(p, n, &i, 2, 0);
        if (b < 0 || i >= n || p[i++] != sep || (y = number_at(p, n, &i, 4, 1)) < 0) return 0;
        if (fmt == CSV_DATE_MDY) m = a, d = b;
        else d = a, m = b;
        form = fmt;
    }
    if (!valid_date(y, m, d)) return 0;
    *days = (double)civil_days(y, m, d);
    *secs = -1;
    if (i == n) return form;
    if (p[i] != ' ' && !(form == CSV_DATE_ISO && p[i] == 'T')) return 0;
    while (i < n && p[i] == ' ') i++;
    if (i < n && p[i] == 'T') i++;
    double t;
    if (!time_at(p, n, i, form == CSV_DATE_ISO, &t)) return 0;
    *secs = *days * 86400.0 + t;
    return form;
}

const csv_cell *csv_dates_scan(const csv_chunk *chunks, size_t nchunks, size_t ncols, int fmt, const char *must,
                               unsigned char *form, unsigned char *kind, size_t *chunk_of)
{
    memset(kind, 0, ncols);
    size_t left = 0; /* columns that may still be dates: none left, the other cells need no look */
    for (size_t k = 0; k < ncols; k++) left += form[k] != CSV_DATE_NOT;
    for (size_t i = 0; i < nchunks && left; i++) {
        const csv_chunk *c = &chunks[i];
        for (size_t j = 0; j < c->ncells && left; j++) {
            const csv_cell *cell = &c->cells[j];
            size_t k = cell->col;
            if (form[k] == CSV_DATE_NOT || cell->len == 0) continue;
            double days, secs;
            int got = csv_parse_date(c->text + cell->off, cell->len, fmt, &days, &secs);
            if (got && (!form[k] || form[k] == got)) {
                form[k] = (unsigned char)got;
                if (secs >= 0) kind[k] = TALLY_DATE_DATETIME;
                else if (!kind[k]) kind[k] = TALLY_DATE_DAYS;
                continue;
            }
            if (must[k]) {
                *chunk_of = i;
                return cell;
            }
            form[k] = CSV_DATE_NOT;
            left--;
        }
    }
    for (size_t k = 0; k < ncols; k++)
        if (form[k] == CSV_DATE_NOT || !form[k]) kind[k] = 0;
    return NULL;
}

void csv_dates_store(const csv_chunk *chunks, size_t nchunks, size_t col, int form, int kind, double *num,
                     size_t nrows)
{
    int datetime = kind == TALLY_DATE_DATETIME;
    int fmt = form == CSV_DATE_ISO ? CSV_DATE_DOTS : form;
    for (size_t i = 0; i < nrows; i++) num[i] = NAN;
    for (size_t i = 0; i < nchunks; i++) {
        const csv_chunk *c = &chunks[i];
        for (size_t j = 0; j < c->ncells; j++) {
            const csv_cell *cell = &c->cells[j];
            double days, secs;
            if (cell->col != col || !csv_parse_date(c->text + cell->off, cell->len, fmt, &days, &secs)) continue;
            num[c->row0 + cell->row] = !datetime ? days : secs >= 0 ? secs : days * 86400.0;
        }
    }
}

const char *csv_date_form_name(int form, int datetime)
{
    static const char *const names[][2] = {{"", ""},
                                           {"yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"},
                                           {"dd.mm.yyyy", "dd.mm.yyyy hh:mm:ss"},
                                           {"mm/dd/yyyy", "mm/dd/yyyy hh:mm:ss"},
                                           {"dd/mm/yyyy", "dd/mm/yyyy hh:mm:ss"}};
    return form >= CSV_DATE_ISO && form <= CSV_DATE_DMY ? names[form][datetime != 0] : "?";
}
