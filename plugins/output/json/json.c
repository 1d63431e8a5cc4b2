/* json.c: the `json` output plugin: every table's numbers and every named value, in a stable order for CI diffs. */
#include "tally/plugin.h"
#include "report_file.h"
#include "utf8_text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tally_option_decl json_options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "JSON file to write"},
    {"pretty", TALLY_OPT_BOOL, 0, "true", NULL, 0, 0, "indent (one value a line diffs well); false: one line"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

/* Writer state: the file, indentation, and whether the current container is empty. */
typedef struct jw {
    FILE *f;
    int pretty;
    int depth;
    int empty[64];
} jw;

static void jw_newline(jw *w)
{
    if (!w->pretty) return;
    fputc('\n', w->f);
    for (int i = 0; i < w->depth; i++) fputs("  ", w->f);
}

/* Before a member or element: the comma and the line break. */
static void jw_item(jw *w)
{
    if (w->depth > 0) {
        if (!w->empty[w->depth]) fputc(',', w->f);
        w->empty[w->depth] = 0;
        jw_newline(w);
    }
}

static void jw_open(jw *w, char c)
{
    fputc(c, w->f);
    if (w->depth < 63) w->depth++;
    w->empty[w->depth] = 1;
}

/* An element that is an object or an array, and a member whose value is one. */
static void jw_open_item(jw *w, char c)
{
    jw_item(w);
    jw_open(w, c);
}

static void jw_close(jw *w, char c)
{
    int was_empty = w->empty[w->depth];
    w->depth--;
    if (!was_empty) jw_newline(w);
    fputc(c, w->f);
}

/* A JSON string; invalid UTF-8 bytes become U+FFFD so the file always parses. */
static void jw_string(jw *w, const char *s)
{
    if (!s) {
        fputs("null", w->f);
        return;
    }
    fputc('"', w->f);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', w->f);
            fputc(c, w->f);
            p++;
        } else if (c == '\n') {
            fputs("\\n", w->f), p++;
        } else if (c == '\t') {
            fputs("\\t", w->f), p++;
        } else if (c == '\r') {
            fputs("\\r", w->f), p++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(w->f, "\\u%04x", c), p++;
        } else {
            size_t n = utf8_valid_len(p, 4); /* the string's NUL ends a cut sequence */
            if (n) fwrite(p, 1, n, w->f), p += n;
            else fputs("\\ufffd", w->f), p++;
        }
    }
    fputc('"', w->f);
}

static void jw_key(jw *w, const char *k)
{
    jw_item(w);
    jw_string(w, k);
    fputs(w->pretty ? ": " : ":", w->f);
}

static void jw_open_key(jw *w, const char *k, char c)
{
    jw_key(w, k);
    jw_open(w, c);
}

/* v written with `prec` significant digits into buf reads back as v. */
static int reads_back(double v, int prec, char *buf, size_t n)
{
    snprintf(buf, n, "%.*g", prec, v);
    return strtod(buf, NULL) == v;
}

/* The fewest digits that read back as v, by halving: a precision that reads back stays good with more
 * digits (the closer decimal). */
static void fewest_digits_searched(double v, char *buf, size_t n)
{
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (reads_back(v, mid, buf, n)) hi = mid;
        else lo = mid + 1;
    }
    snprintf(buf, n, "%.*g", lo, v);
}

/* The %.<prec>g text of the number -1^neg * 0.d[0..16] * 10^(x+1) (d: its 17 significant digits as
 * "%.16e" writes them, x their exponent) rounded to prec <= 17 digits, into buf (32 bytes). Returns 0
 * when the dropped digits are exactly a half: v itself may lie on either side, so printf decides. */
static int g_from_digits(int neg, const char *d, int x, int prec, char *buf)
{
    char r[18];
    memcpy(r, d, 17);
    if (prec < 17) {
        int half = d[prec] == '5', above = d[prec] > '5';
        for (int i = prec + 1; i < 17; i++) half &= d[i] == '0', above |= d[prec] == '5' && d[i] != '0';
        if (half) return 0;
        if (above) { /* round up, carrying; 99..9 becomes 10..0 one place up */
            int i = prec - 1;
            while (i >= 0 && r[i] == '9') r[i--] = '0';
            if (i >= 0) r[i]++;
            else r[0] = '1', x++;
        }
    }
    int n = prec; /* %g drops trailing zeros */
    while (n > 1 && r[n - 1] == '0') n--;
    char *o = buf;
    if (neg) *o++ = '-';
    if (x >= -4 && x < prec) { /* fixed */
        if (x < 0) {
            *o++ = '0', *o++ = '.';
            for (int i = -1; i > x; i--) *o++ = '0';
            for (int i = 0; i < n; i++) *o++ = r[i];
        } else {
            for (int i = 0; i <= x; i++) *o++ = i < n ? r[i] : '0';
            if (n > x + 1) *o++ = '.';
            for (int i = x + 1; i < n; i++) *o++ = r[i];
        }
        *o = 0;
    } else {
        *o++ = r[0];
        if (n > 1) *o++ = '.';
        for (int i = 1; i < n; i++) *o++ = r[i];
        sprintf(o, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
    }
    return 1;
}

/* v written with the fewest significant digits that read back as v, 15 at most when 15 do (see
 * jw_number): its 17 digits are printed once and rounded here, printf asked again only for an exact half. */
static void shortest_normal(double v, char *buf, size_t n)
{
    char e[40];
    snprintf(e, sizeof e, "%.16e", v);
    int neg = e[0] == '-';
    const char *m = e + neg; /* d.dddddddddddddddde[+-]XX */
    char d[17];
    d[0] = m[0];
    memcpy(d + 1, m + 2, 16);
    int x = atoi(m + 19);
    for (int prec = 15; prec <= 16; prec++) {
        if (!g_from_digits(neg, d, x, prec, buf)) snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
    g_from_digits(neg, d, x, 17, buf);
}

/* The shortest text that reads back as the same double; null for NaN/inf. */
static void jw_number(jw *w, double v)
{
    if (!isfinite(v)) {
        fputs("null", w->f);
        return;
    }
    char buf[320]; /* room for any %.*g the compiler can imagine; 17 digits need 24 */
    if (v == floor(v) && fabs(v) < 1e15) { /* whole numbers as integers: 80, not 8e+01 */
        snprintf(buf, sizeof buf, "%.0f", v == 0 ? 0.0 : v);
        fputs(buf, w->f);
        return;
    }
    /* The fewest digits that read back as v. When 15 digits read back, they are the answer once %g has
     * dropped their trailing zeros: every decimal of at most 15 digits survives the trip to a normal
     * double and back at 15 digits (DBL_DIG), so a shorter text that read back would print at 15 digits
     * as itself. Otherwise 16, else 17 (which always reads back). A subnormal holds fewer digits, so
     * its fewest are searched for. */
    if (!isnormal(v)) fewest_digits_searched(v, buf, sizeof buf);
    else shortest_normal(v, buf, sizeof buf);
    fputs(buf, w->f);
}

/* Names from plugin.h's tables; a value without one is written as the enum's first. */
static const char *col_type_name(tally_col_type t) { return tally_col_type_name(t) ? tally_col_type_name(t) : "text"; }
static const char *row_type_name(tally_row_type t) { return tally_row_type_name(t) ? tally_row_type_name(t) : "category"; }
/* No chart is JSON null. */
static const char *chart_name(tally_chart_kind k) { return k == TALLY_CHART_NONE ? NULL : tally_chart_kind_name(k); }

/* One banner cell: every statistic a number (null when not computed), letters and marks apart.
 * The percents come before the count, in the order every output shows a cell. */
static void write_banner_cell(jw *w, const tally_host *h, const tally_table *t, size_t r, size_t c)
{
    static const struct { tally_bn_stat stat; const char *name; } shown[] = {
        {TALLY_BN_COLPCT, "col_pct"}, {TALLY_BN_ROWPCT, "row_pct"}, {TALLY_BN_TOTPCT, "total_pct"},
        {TALLY_BN_COUNT, "count"},    {TALLY_BN_MEAN, "value"},     {TALLY_BN_CI_LO, "ci_low"},
        {TALLY_BN_CI_HI, "ci_high"}};
    jw_open_item(w, '{');
    for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
        double v = h->bn_cell(t, r, c, shown[k].stat);
        if (v == v) jw_key(w, shown[k].name), jw_number(w, v);
    }
    const char *l = h->bn_cell_letters(t, r, c);
    if (*l) jw_key(w, "letters"), jw_string(w, l);
    int f = h->bn_cell_flags(t, r, c);
    if (f & (TALLY_BN_UNTESTED | TALLY_BN_EXTREME)) jw_key(w, "tested"), fputs("false", w->f);
    if (f & (TALLY_BN_LOW | TALLY_BN_VERYLOW)) jw_key(w, "low_base"), jw_string(w, f & TALLY_BN_VERYLOW ? "**" : "*");
    jw_close(w, '}');
}

/* The banner model: columns with their headers and bases, then sections of rows. */
static void write_banner(jw *w, const tally_host *h, const tally_table *t)
{
    size_t nc = h->bn_ncols(t), nr = h->bn_nrows(t), levels = h->bn_nlevels(t);
    jw_open_key(w, "banner", '{');
    jw_key(w, "levels"), fprintf(w->f, "%zu", levels);
    jw_open_key(w, "columns", '[');
    for (size_t c = 0; c < nc; c++) {
        jw_open_item(w, '{');
        jw_key(w, "label"), jw_string(w, h->bn_col_label(t, c));
        jw_open_key(w, "headers", '[');
        for (size_t l = 0; l < levels; l++) jw_item(w), jw_string(w, h->bn_col_header(t, c, l));
        jw_close(w, ']');
        jw_key(w, "letter"), jw_string(w, h->bn_col_letter(t, c));
        jw_key(w, "total"), fputs(h->bn_col_is_total(t, c) ? "true" : "false", w->f);
        jw_key(w, "base"), jw_number(w, h->bn_col_base(t, c, 0));
        jw_key(w, "unweighted_base"), jw_number(w, h->bn_col_base(t, c, 1));
        jw_key(w, "effective_base"), jw_number(w, h->bn_col_base(t, c, 2));
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_open_key(w, "sections", '[');
    int open = 0;
    for (size_t r = 0; r < nr; r++) {
        if (h->bn_row_type(t, r) == TALLY_ROW_SECTION) {
            if (open) jw_close(w, ']'), jw_close(w, '}');
            jw_open_item(w, '{');
            jw_key(w, "title"), jw_string(w, h->bn_row_label(t, r));
            jw_open_key(w, "rows", '[');
            open = 1;
            continue;
        }
        if (!open) continue; /* every row belongs to a section */
        jw_open_item(w, '{');
        jw_key(w, "type"), jw_string(w, row_type_name(h->bn_row_type(t, r)));
        jw_key(w, "label"), jw_string(w, h->bn_row_label(t, r));
        jw_open_key(w, "cells", '[');
        int saved = w->pretty;
        w->pretty = 0;
        for (size_t c = 0; c < nc; c++) write_banner_cell(w, h, t, r, c);
        w->pretty = saved;
        jw_close(w, ']');
        jw_close(w, '}');
    }
    if (open) jw_close(w, ']'), jw_close(w, '}');
    jw_close(w, ']');
    jw_close(w, '}');
}

static void write_table(jw *w, const tally_host *h, const tally_table *t)
{
    size_t nc = h->tab_ncols(t), nr = h->tab_nrows(t);
    jw_open_item(w, '{');
    jw_key(w, "id"), jw_string(w, h->tab_id(t));
    jw_key(w, "title"), jw_string(w, h->tab_title(t));
    jw_key(w, "question"), jw_string(w, h->tab_question(t));
    jw_key(w, "base"), jw_string(w, h->tab_base(t));
    jw_open_key(w, "notes", '[');
    for (size_t i = 0; i < h->tab_nnotes(t); i++) jw_item(w), jw_string(w, h->tab_note(t, i));
    jw_close(w, ']');
    jw_key(w, "chart"), jw_string(w, chart_name(h->tab_chart_kind(t)));
    jw_open_key(w, "columns", '[');
    for (size_t c = 0; c < nc; c++) {
        jw_open_item(w, '{');
        jw_key(w, "label"), jw_string(w, h->tab_col_label(t, c));
        jw_key(w, "group"), jw_string(w, h->tab_col_group(t, c));
        jw_key(w, "type"), jw_string(w, col_type_name(h->tab_col_type(t, c)));
        jw_key(w, "decimals"), fprintf(w->f, "%d", h->tab_col_decimals(t, c));
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_open_key(w, "rows", '[');
    for (size_t r = 0; r < nr; r++) {
        jw_open_item(w, '{');
        jw_key(w, "type"), jw_string(w, row_type_name(h->tab_row_type(t, r)));
        jw_key(w, "label"), jw_string(w, nc ? h->tab_cell_text(t, r, 0) : NULL);
        /* Cells line up with "columns": numbers, texts, null when empty. */
        jw_key(w, "cells");
        int saved = w->pretty;
        w->pretty = 0; /* one row a line */
        jw_open(w, '[');
        for (size_t c = 0; c < nc; c++) {
            jw_item(w);
            if (c && saved) fputc(' ', w->f);
            const char *s = h->tab_cell_text(t, r, c);
            int date = TALLY_HOST_HAS(h, tab_cell_date) ? h->tab_cell_date(t, r, c) : 0;
            double v = h->tab_cell_number(t, r, c);
            char iso[64];
            if (s) jw_string(w, s);
            else if (date && v == v) jw_string(w, h->format_date(v, date, 1, NULL, iso, sizeof iso)); /* ISO 8601 text */
            else jw_number(w, v);
        }
        jw_close(w, ']');
        w->pretty = saved;
        jw_close(w, '}');
    }
    jw_close(w, ']');
    if (TALLY_HOST_HAS(h, bn_col_is_total) && h->bn_nlevels(t) > 0) write_banner(w, h, t);
    jw_close(w, '}');
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void write_report(jw *w, const tally_host *h, const tally_report *rep)
{
    static const char *const meta_keys[] = {"title", "subtitle", "author", "subject", "language", "source", "date"};
    jw_open(w, '{');
    jw_open_key(w, "report", '{');
    for (size_t i = 0; i < sizeof meta_keys / sizeof meta_keys[0]; i++) {
        const char *v = h->rep_meta(rep, meta_keys[i]);
        if (v) jw_key(w, meta_keys[i]), jw_string(w, v);
    }
    jw_close(w, '}');
    jw_open_key(w, "tables", '[');
    for (size_t i = 0; i < h->rep_ntables(rep); i++) write_table(w, h, h->rep_table(rep, i));
    jw_close(w, ']');
    /* Values by name, so that a stage added or moved does not reorder the file. */
    size_t nv = h->rep_nvalues(rep);
    const char **names = nv ? malloc(nv * sizeof *names) : NULL;
    size_t kept = 0;
    for (size_t i = 0; i < nv && names; i++)
        if (h->rep_value_name(rep, i)) names[kept++] = h->rep_value_name(rep, i);
    if (kept) qsort(names, kept, sizeof *names, cmp_names);
    jw_open_key(w, "values", '{');
    for (size_t i = 0; i < kept; i++) {
        double d;
        jw_key(w, names[i]);
        jw_open(w, '{');
        jw_key(w, "number");
        if (h->rep_value_number(rep, names[i], &d)) jw_number(w, d);
        else fputs("null", w->f);
        jw_key(w, "text"), jw_string(w, h->rep_value_text(rep, names[i]));
        jw_close(w, '}');
    }
    jw_close(w, '}');
    free(names);
    jw_close(w, '}');
    fputc('\n', w->f);
}

static int json_write(const tally_host *host, tally_ctx *ctx, const tally_options *opts,
                      const tally_report *report, const char *path)
{
    FILE *f = report_file_open(host, ctx, "json.write", path);
    if (!f) return 1;
    jw w = {.f = f, .pretty = host->opt_bool(opts, "pretty")};
    write_report(&w, host, report);
    return report_file_close(host, ctx, path, f);
}

static const tally_plugin_descriptor json_descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_OUTPUT,
    .name = "json",
    .description = "every table's numbers and every named value as JSON, in a stable order for CI diffs",
    .version = "1.0",
    .options = json_options,
    .extensions = "json",
    .write = json_write,
};

TALLY_PLUGIN(json_descriptor)
