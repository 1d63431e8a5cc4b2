/* numfmt.c: numbers, percents, p-values and dates in the report language's way of writing them. */
#include "numfmt.h"
#include "result.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int is_de(const char *language) { return language && strcmp(language, "de") == 0; }

const char *tally_fmt_number(const char *language, double v, int dec, int group, char *buf, size_t n)
{
    if (!n) return buf;
    if (v != v) {
        buf[0] = '\0';
        return buf;
    }
    char plain[TALLY_NUMBER_TEXT_MAX];
    tally_format_fixed(v, dec, plain, sizeof plain);
    char dmark = is_de(language) ? ',' : '.', gmark = is_de(language) ? '.' : ',';
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    const char *point = strchr(digits, '.');
    size_t whole = point ? (size_t)(point - digits) : strlen(digits);
    int can_group = group && whole > 3;
    for (const char *p = digits; *p; p++)
        if (*p < '0' || *p > '9') can_group = (p == point) && can_group; /* "inf", "nan", "e+": no grouping */
    size_t o = 0;
    if (plain[0] == '-' && o + 1 < n) buf[o++] = '-';
    for (size_t i = 0; digits[i] && o + 1 < n; i++) {
        if (digits + i == point) {
            buf[o++] = dmark;
            continue;
        }
        if (can_group && i > 0 && i < whole && (whole - i) % 3 == 0 && o + 2 < n) buf[o++] = gmark;
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *tally_fmt_percent(const char *language, double v, int dec, char *buf, size_t n)
{
    char num[TALLY_NUMBER_TEXT_MAX];
    if (v != v) {
        if (n) buf[0] = '\0';
        return buf;
    }
    tally_fmt_number(language, v, dec, 0, num, sizeof num); /* percents are not digit-grouped */
    snprintf(buf, n, is_de(language) ? "%s %%" : "%s%%", num);
    return buf;
}

const char *tally_fmt_count(const char *language, double v, int dec, char *buf, size_t n)
{
    int whole = v == floor(v) && fabs(v) < 1e15;
    return tally_fmt_number(language, v, whole ? 0 : (dec > 0 ? dec : 1), 1, buf, n);
}

const char *tally_fmt_p(const char *language, double p, char *buf, size_t n)
{
    if (!n) return buf;
    buf[0] = '\0';
    if (p != p) return buf;
    char mark = is_de(language) ? ',' : '.';
    if (p < 0.001) {
        snprintf(buf, n, "< %c001", mark);
        return buf;
    }
    char num[32];
    tally_format_fixed(p, 3, num, sizeof num); /* "0.027", "1.000" */
    if (strcmp(num, "1.000") == 0) snprintf(buf, n, "1%c000", mark);
    else snprintf(buf, n, "%c%s", mark, num + 2);
    return buf;
}

const char *tally_fmt_p_clause(const char *language, double p, char *buf, size_t n)
{
    char num[32];
    tally_fmt_p(language, p, num, sizeof num);
    snprintf(buf, n, num[0] == '<' ? "p %s" : "p = %s", num);
    return buf;
}

const char *tally_fmt_date(const char *language, int year, int month, int day, char *buf, size_t n)
{
    if (is_de(language)) snprintf(buf, n, "%02d.%02d.%04d", day, month, year);
    else if (language && strcmp(language, "zh") == 0) snprintf(buf, n, "%d年%d月%d日", year, month, day);
    else snprintf(buf, n, "%04d-%02d-%02d", year, month, day);
    return buf;
}

const char *tally_fmt_iso_date(const char *language, const char *iso, char *buf, size_t n)
{
    int y, m, d, used = 0;
    if (iso && strlen(iso) == 10 && sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && used == 10 &&
        m >= 1 && m <= 12 && d >= 1 && d <= 31)
        return tally_fmt_date(language, y, m, d, buf, n);
    snprintf(buf, n, "%s", iso ? iso : "");
    return buf;
}
