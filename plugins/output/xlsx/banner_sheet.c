/* banner_sheet.c: a banner table from the banner model: merged nested headers, letters beside the figures, print titles. */
#include "xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text over a range of cells, merged when it covers more than one. */
static int merged(xw *w, xw_sheet *s, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2, const char *text,
                  unsigned style)
{
    lxw_format *f = xw_fmt(w, style, NULL);
    if (r1 == r2 && c1 == c2) return xw_write_text(w, s, r1, c1, text, f, 0, "a banner header");
    int cut = 0;
    char *clean = xw_clean_text(text, &cut);
    if (!clean) return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "a banner header");
    lxw_error err = worksheet_merge_range(s->ws, r1, c1, r2, c2, clean, f);
    free(clean);
    return err == LXW_NO_ERROR ? 0 : xw_fail(w, err, "a banner header");
}

#define XW_BANNER_COL 12.0 /* characters a banner column is wide; longer labels wrap */

/* Lines `text` needs in `room` characters (words wrap; at most 4). */
static int lines_for(const char *text, double room)
{
    int n = (int)ceil(xw_text_width(text) * 1.15 / room);
    return n < 1 ? 1 : n > 4 ? 4 : n;
}

static void grow_row(xw_sheet *s, lxw_row_t row, int lines, int *have)
{
    if (lines > *have) {
        *have = lines;
        worksheet_set_row(s->ws, row, 15.0 * lines, NULL);
    }
}

/* Sheet columns per banner column: one, or column %, count and letters (separate). Every output
 * shows the column % first and the count after it (below it when stacked), as tab books do. */
static size_t width_of(const xw *w) { return w->cell_style == XW_CELLS_SEPARATE ? 3 : 1; }

static size_t span_end(const tally_host *h, const tally_table *t, size_t c, size_t level)
{
    size_t e = c + 1, nc = h->bn_ncols(t);
    while (e < nc && !h->bn_col_is_total(t, e) && h->bn_col_span(t, e, level) == h->bn_col_span(t, c, level)) e++;
    return e;
}

/* The header rows from `top`; returns the number of rows written, or -1. */
static int write_headers(xw *w, xw_sheet *s, const tally_table *t, lxw_row_t top)
{
    const tally_host *h = w->call.h;
    size_t nc = h->bn_ncols(t), levels = h->bn_nlevels(t), k = width_of(w);
    lxw_row_t label_row = top + (lxw_row_t)levels, last = label_row + (w->cell_style == XW_CELLS_SEPARATE);
    unsigned hs = XW_HEADER | XW_BOX;
    int have[3] = {1, 1, 1}; /* lines of the level rows and the label row: LibreOffice does not grow them */
    double colw = k == 1 ? XW_BANNER_COL : 7 * 3;
    if (merged(w, s, top, 0, last, 0, "", hs | XW_LEFT) < 0) return -1;
    for (size_t c = 0; c < nc;) {
        lxw_col_t c1 = (lxw_col_t)(1 + c * k);
        if (h->bn_col_is_total(t, c)) { /* Total stands over every header row */
            if (merged(w, s, top, c1, label_row, c1 + (lxw_col_t)k - 1, h->bn_col_label(t, c), hs) < 0) return -1;
            c++;
            continue;
        }
        size_t e = span_end(h, t, c, 0);
        lxw_col_t c2 = (lxw_col_t)(e * k);
        int tall = levels == 2 && !*h->bn_col_header(t, c, 1);
        if (merged(w, s, top, c1, top + (tall ? 1 : 0), c2, h->bn_col_header(t, c, 0), hs) < 0) return -1;
        if (!tall) grow_row(s, top, lines_for(h->bn_col_header(t, c, 0), colw * (double)(e - c)), &have[0]);
        if (levels == 2 && !tall)
            for (size_t a = c; a < e;) {
                size_t b = span_end(h, t, a, 1);
                if (merged(w, s, top + 1, (lxw_col_t)(1 + a * k), top + 1, (lxw_col_t)(b * k), h->bn_col_header(t, a, 1), hs) < 0)
                    return -1;
                a = b;
            }
        for (size_t a = c; a < e; a++) {
            char label[512];
            const char *l = h->bn_col_letter(t, a);
            snprintf(label, sizeof label, *l ? "%s (%s)" : "%s", h->bn_col_label(t, a), l);
            lxw_col_t a1 = (lxw_col_t)(1 + a * k);
            if (merged(w, s, label_row, a1, label_row, a1 + (lxw_col_t)k - 1, label, hs) < 0) return -1;
            grow_row(s, label_row, lines_for(label, colw), &have[2]);
            for (size_t j = 0; j < k; j++) xw_sheet_track(s, a1 + (lxw_col_t)j, k == 1 ? XW_BANNER_COL : 7);
        }
        c = e;
    }
    if (w->cell_style == XW_CELLS_SEPARATE) {
        const char *names[3] = {h->rep_tr(w->rep, "Column %"), h->rep_tr(w->rep, "Count"), h->rep_tr(w->rep, "sig.")};
        for (size_t c = 0; c < nc; c++)
            for (size_t j = 0; j < 3; j++)
                if (merged(w, s, last, (lxw_col_t)(1 + c * k + j), last, (lxw_col_t)(1 + c * k + j), names[j], hs) < 0)
                    return -1;
    }
    return (int)(last - top + 1);
}

#define XW_LETTERS_MAX 60 /* letters a banner column's cells can carry at most (one per other column, two cases) */

/* Every letter any figure of banner column c carries, once each, in `out` (XW_LETTERS_MAX + 1 bytes); empty when
 * a letter is no plain ASCII letter (the format then shows the letters without reserving their room). */
static void column_letters(const tally_host *h, const tally_table *t, size_t c, char *out)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t r = 0; r < h->bn_nrows(t); r++) {
        tally_row_type type = h->bn_row_type(t, r);
        if (type == TALLY_ROW_BASE || type == TALLY_ROW_SECTION) continue;
        for (const char *l = h->bn_cell_letters(t, r, c); l && *l; l++) {
            if (!((*l >= 'a' && *l <= 'z') || (*l >= 'A' && *l <= 'Z')) || n == XW_LETTERS_MAX) {
                out[0] = '\0';
                return;
            }
            if (!strchr(out, *l)) out[n++] = *l, out[n] = '\0';
        }
    }
}

/* A number format with the letters shown after the figure ("0.0%" + " AB"): the cell stays a number. `reserve`
 * (the column's letters, or NULL) keeps room for the letters a cell does not show ("_A" is the width of an A), so
 * that every figure of the column ends at the same place, with or without letters, as the digits of the others. */
static lxw_format *fig_format(xw *w, unsigned style, const char *base, const char *letters, const char *mark,
                              const char *reserve)
{
    char nf[96 + 2 * XW_LETTERS_MAX];
    if (reserve && *reserve) {
        if (!letters) letters = "";
        int n = *letters ? snprintf(nf, sizeof nf, "%s\" %s\"", base, letters) : snprintf(nf, sizeof nf, "%s_ ", base);
        for (const char *c = reserve; *c && n + 3 < (int)sizeof nf; c++)
            if (!strchr(letters, *c)) n += snprintf(nf + n, sizeof nf - (size_t)n, "_%c", *c);
    } else if ((letters && *letters) || (mark && *mark))
        snprintf(nf, sizeof nf, "%s\" %s%s\"", base, letters ? letters : "", mark ? mark : "");
    else snprintf(nf, sizeof nf, "%s", base);
    return xw_fmt(w, style | XW_RIGHT, nf);
}

static int put(xw *w, xw_sheet *s, lxw_row_t row, lxw_col_t col, double v, lxw_format *f)
{
    if (!isfinite(v)) return worksheet_write_blank(s->ws, row, col, f) == LXW_NO_ERROR ? 0 : -1;
    return xw_write_number(w, s, row, col, v, f, 8);
}

static const char *count_fmt(double v) { return isfinite(v) && fabs(v - nearbyint(v)) > 1e-9 ? "0.0" : "0"; }

/* Row r's confidence intervals (banner option `ci`) as text in sheet row `row`, under the figures they
 * belong to: "[61.2%–86.0%]" for a column %, "[3.10–3.80]" for a mean. Returns 1 when written, 0 when
 * the row has none, -1 on failure. */
static int write_ci_row(xw *w, xw_sheet *s, const tally_table *t, size_t r, lxw_row_t row, int mean)
{
    const tally_host *h = w->call.h;
    size_t nc = h->bn_ncols(t), k = width_of(w), any = 0;
    for (size_t c = 0; c < nc; c++) any += h->bn_cell(t, r, c, TALLY_BN_CI_LO) == h->bn_cell(t, r, c, TALLY_BN_CI_LO);
    if (!any) return 0;
    for (size_t c = 0; c < nc; c++) {
        double lo = h->bn_cell(t, r, c, TALLY_BN_CI_LO), hi = h->bn_cell(t, r, c, TALLY_BN_CI_HI);
        if (lo != lo || hi != hi) continue;
        char text[96];
        if (mean) snprintf(text, sizeof text, "[%.2f\u2013%.2f]", lo, hi);
        else snprintf(text, sizeof text, "[%.1f%%\u2013%.1f%%]", lo, hi);
        lxw_col_t col = (lxw_col_t)(1 + c * k); /* under the column % (separate: its first column) */
        if (xw_write_text(w, s, row, col, text, xw_fmt(w, XW_RIGHT, NULL), 0, "a confidence interval") < 0) return -1;
    }
    return 1;
}

/* One model row as one or two sheet rows, and a row of intervals when it has them; returns the sheet
 * rows written or -1. */
static int write_row(xw *w, xw_sheet *s, const tally_table *t, size_t r, lxw_row_t row,
                     char (*reserve)[XW_LETTERS_MAX + 1])
{
    const tally_host *h = w->call.h;
    size_t nc = h->bn_ncols(t), k = width_of(w);
    tally_row_type type = h->bn_row_type(t, r);
    unsigned style = type == TALLY_ROW_BASE ? XW_ITALIC : type == TALLY_ROW_NET ? XW_BOLD : 0;
    if (xw_write_text(w, s, row, 0, h->bn_row_label(t, r), xw_fmt(w, style | XW_LEFT, NULL), 1, "a row label") < 0)
        return -1;
    int two = w->cell_style == XW_CELLS_STACKED && (type == TALLY_ROW_CATEGORY || type == TALLY_ROW_NET);
    for (size_t c = 0; c < nc; c++) {
        lxw_col_t col = (lxw_col_t)(1 + c * k);
        double n = h->bn_cell(t, r, c, TALLY_BN_COUNT), p = h->bn_cell(t, r, c, TALLY_BN_COLPCT);
        const char *l = h->bn_cell_letters(t, r, c);
        int fl = h->bn_cell_flags(t, r, c);
        int rc = 0;
        if (type == TALLY_ROW_BASE) {
            char mark[8];
            snprintf(mark, sizeof mark, "%s%s", fl & TALLY_BN_VERYLOW ? "**" : fl & TALLY_BN_LOW ? "*" : "",
                     fl & TALLY_BN_UNTESTED && !h->bn_col_is_total(t, c) ? "^" : "");
            rc = put(w, s, row, col, n, fig_format(w, style, count_fmt(n), NULL, mark, NULL));
        } else if (type == TALLY_ROW_STAT) {
            double v = h->bn_cell(t, r, c, TALLY_BN_MEAN);
            rc = isfinite(v) ? put(w, s, row, col, v, fig_format(w, style, "0.00", l, NULL, reserve[c]))
                             : put(w, s, row, col, n, fig_format(w, style, count_fmt(n), NULL, NULL, NULL));
        } else if (w->cell_style == XW_CELLS_SEPARATE) {
            rc = put(w, s, row, col, p / 100, fig_format(w, style, "0.0%", NULL, NULL, NULL));
            if (rc == 0) rc = put(w, s, row, col + 1, n, fig_format(w, style, count_fmt(n), NULL, NULL, NULL));
            if (rc == 0 && *l) rc = xw_write_text(w, s, row, col + 2, l, xw_fmt(w, style | XW_LEFT, NULL), 0, "letters");
        } else if (two) {
            rc = put(w, s, row, col, p / 100, fig_format(w, style, "0.0%", l, NULL, reserve[c]));
            if (rc == 0) rc = put(w, s, row + 1, col, n, fig_format(w, style, count_fmt(n), NULL, NULL, reserve[c]));
        } else {
            rc = put(w, s, row, col, p / 100, fig_format(w, style, "0.0%", l, NULL, reserve[c]));
        }
        if (rc < 0) return -1;
    }
    int rows = two ? 2 : 1;
    if (type == TALLY_ROW_CATEGORY || type == TALLY_ROW_NET || type == TALLY_ROW_STAT) {
        int ci = write_ci_row(w, s, t, r, row + (lxw_row_t)rows, type == TALLY_ROW_STAT);
        if (ci < 0) return -1;
        rows += ci;
    }
    return rows;
}

int xw_banner_write(xw *w, xw_sheet *s, const tally_table *t, xw_placed *out)
{
    const tally_host *h = w->call.h;
    size_t nc = h->bn_ncols(t), nr = h->bn_nrows(t), sections = 0;
    if (1 + nc * width_of(w) > LXW_COL_MAX) {
        h->error(w->call.ctx, "table '%s' has %zu banner columns; a worksheet holds at most %d columns", h->tab_id(t),
                 nc, LXW_COL_MAX);
        w->failed = 1;
        return -1;
    }
    for (size_t r = 0; r < nr; r++) sections += h->bn_row_type(t, r) == TALLY_ROW_SECTION;
    lxw_row_t row = s->next_row;
    memset(out, 0, sizeof *out);
    out->sheet = s->name;
    out->title_row = row;
    out->ncols = 1 + nc * width_of(w);
    if (xw_table_heading(w, s, t, &row) < 0) return -1;
    lxw_row_t top = row;
    int hr = write_headers(w, s, t, top);
    if (hr < 0) return -1;
    row += (lxw_row_t)hr;
    out->header_row = row - 1;
    if (!w->stacked) {
        worksheet_freeze_panes(s->ws, row, 1);
        worksheet_repeat_rows(s->ws, top, row - 1); /* print titles: the header on every page */
    }
    out->first_row = row;
    char (*reserve)[XW_LETTERS_MAX + 1] = calloc(nc ? nc : 1, sizeof *reserve);
    if (!reserve) return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "a banner table");
    for (size_t c = 0; c < nc && w->cell_style != XW_CELLS_SEPARATE; c++) column_letters(h, t, c, reserve[c]);
    for (size_t r = 0; r < nr; r++) {
        if (h->bn_row_type(t, r) == TALLY_ROW_SECTION) {
            if (sections > 1 &&
                xw_write_text(w, s, row++, 0, h->bn_row_label(t, r), xw_fmt(w, XW_BOLD | XW_LEFT, NULL), 1, "a section") < 0) {
                free(reserve);
                return -1;
            }
            continue;
        }
        int n = write_row(w, s, t, r, row, reserve);
        if (n < 0) {
            free(reserve);
            return xw_fail(w, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, "a banner row");
        }
        row += (lxw_row_t)n;
    }
    free(reserve);
    out->last_row = row - 1;
    return xw_table_footer(w, s, t, row);
}
