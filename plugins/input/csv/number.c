/* number.c: the csv plugin's number syntax check and parser (exact fast path, strtod fallback). */
#include "csv.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

/*
 * A number is: spaces, optional sign, digits with at most one decimal
 * separator (the `decimal` option) and at least one digit, an optional
 * exponent (e or E, optional sign, digits), spaces. "1.", ".5", "-3", "2e3"
 * are numbers; "1-2", "inf", "0x1F" are not; "1,234.5" is one only with the
 * `thousands` option (csv_grouped_number). Whether a number that looks like an
 * identifier (08123, 20 digits) stays text is csv_number_stays_text's call.
 */

static inline int is_space(char c) { return c == ' ' || c == '\t'; }
static inline int is_digit(char c) { return (unsigned)(c - '0') <= 9; }

int csv_is_number(const char *p, size_t n, char dec)
{
    size_t i = 0, digits = 0;
    while (i < n && is_space(p[i])) i++;
    while (n > i && is_space(p[n - 1])) n--;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    while (i < n && is_digit(p[i])) i++, digits++;
    if (i < n && p[i] == dec)
        for (i++; i < n && is_digit(p[i]); i++) digits++;
    if (!digits) return 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) i++;
        size_t ed = 0;
        while (i < n && is_digit(p[i])) i++, ed++;
        if (!ed) return 0;
    }
    return i == n;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod on a copy with the C library's decimal point (which follows LC_NUMERIC). */
static double slow_number(const char *p, size_t n, char dec)
{
    char small[128];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf) return strtod("nan", NULL);
    const char *point = localeconv()->decimal_point;
    char pc = point && point[0] && !point[1] ? point[0] : '.';
    for (size_t i = 0; i < n; i++) buf[i] = p[i] == dec ? pc : p[i];
    buf[n] = '\0';
    double v = strtod(buf, NULL);
    if (buf != small) free(buf);
    return v;
}

double csv_parse_number(const char *p, size_t n, char dec)
{
    size_t i = 0, end = n;
    while (i < end && is_space(p[i])) i++;
    while (end > i && is_space(p[end - 1])) end--;
    int neg = 0;
    if (i < end && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
    uint64_t m = 0;
    int sig = 0, exp10 = 0, overflow = 0;
    for (; i < end && is_digit(p[i]); i++) {
        if (sig < 19) {
            m = m * 10 + (uint64_t)(p[i] - '0');
            if (m) sig++;
        } else {
            overflow = 1;
        }
    }
    if (i < end && p[i] == dec) {
        for (i++; i < end && is_digit(p[i]); i++) {
            if (sig < 19) {
                m = m * 10 + (uint64_t)(p[i] - '0');
                if (m) sig++;
                exp10--;
            } else {
                overflow = 1;
            }
        }
    }
    if (i < end && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        int eneg = 0, ev = 0;
        if (i < end && (p[i] == '+' || p[i] == '-')) eneg = p[i++] == '-';
        for (; i < end && is_digit(p[i]); i++)
            if (ev < 100000) ev = ev * 10 + (p[i] - '0');
        exp10 += eneg ? -ev : ev;
    }
    /* Exact when the digits fit a double's mantissa and 10^|e| is exact:
     * one correctly rounded multiplication or division. */
    if (!overflow && m < ((uint64_t)1 << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)m;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        return neg ? -v : v;
    }
    return slow_number(p, n, dec);
}

int csv_number_stays_text(const char *p, size_t n, char dec)
{
    size_t i = 0, digits = 0;
    while (i < n && is_space(p[i])) i++;
    while (n > i && is_space(p[n - 1])) n--;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    if (i + 1 < n && p[i] == '0' && is_digit(p[i + 1])) return 1;
    for (; i < n; i++) {
        if (is_digit(p[i])) digits++;
        else if (p[i] == dec || p[i] == 'e' || p[i] == 'E') return 0; /* a measurement, not an identifier */
    }
    return digits > 15;
}

int csv_grouped_number(const char *p, size_t n, char dec, char thou, double *out)
{
    char buf[128];
    size_t i = 0, k = 0;
    while (i < n && is_space(p[i])) i++;
    while (n > i && is_space(p[n - 1])) n--;
    if (n - i >= sizeof buf) return 0;
    if (i < n && (p[i] == '+' || p[i] == '-')) buf[k++] = p[i++];
    size_t lead = 0; /* digits before the first separator: 1 to 3 */
    while (i < n && is_digit(p[i])) buf[k++] = p[i++], lead++;
    if (lead == 0 || lead > 3 || i == n || p[i] != thou) return 0;
    if (buf[k - lead] == '0') return 0; /* 0.123 or 012.345: no grouped number */
    while (i < n && p[i] == thou) { /* each group exactly three digits */
        if (i + 3 >= n) return 0;
        if (!(is_digit(p[i + 1]) && is_digit(p[i + 2]) && is_digit(p[i + 3]))) return 0;
        if (i + 4 < n && is_digit(p[i + 4])) return 0;
        memcpy(buf + k, p + i + 1, 3);
        k += 3;
        i += 4;
    }
    if (i < n && p[i] == dec) {
        buf[k++] = p[i++];
        size_t frac = 0;
        while (i < n && is_digit(p[i])) buf[k++] = p[i++], frac++;
        if (!frac) return 0;
    }
    if (i != n) return 0;
    *out = csv_parse_number(buf, k, dec);
    return 1;
}
