/* table_sheet.c: one result table written in Custom-Tables style: title, base, header, body, notes. */
#include "xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XW_HEADER_WRAP 14.0 /* header text wider than this wraps instead of widening the column */

static unsigned row_style(tally_row_type type)
{
    switch (type) {
    case TALLY_ROW_TOTAL: return XW_BOLD | XW_TOP_BORDER;
    case TALLY_ROW_MISSING: return XW_ITALIC;
    case TALLY_ROW_BASE: return XW_ITALIC;
    case TALLY_ROW_NET: return XW_BOLD;
    case TALLY_ROW_SECTION: return XW_BOLD;
    default: return 0;
    }
}

static int is_numeric_col(tally_col_type type)
{
    return type == TALLY_COL_COUNT || type == TALLY_COL_PERCENT || type == TALLY_COL_NUMBER ||
           type == TALLY_COL_MEAN;
}

/* 1 when a count column holds a non-whole number (weighted counts). */
static int has_fractions(const tally_host *h, const tally_table *t, size_t c)
{
    for (size_t r = 0; r < h->tab_nrows(t); r++) {
        double v = h->tab_cell_number(t, r, c);
        if (isfinite(v) && fabs(v - nearbyint(v)) > 1e-9) return 1;
    }
    return 0;
}

/* Title, question and base above the table; returns the next row. */
int xw_table_heading(xw *w, xw_sheet *s, const tally_table *t, lxw_row_t *row)
{
    const tally_host *h = w->call.h;
    const char *title = h->tab_title(t);
    if (xw_write_text(w, s, (*row)++, 0, title ? title : h->tab_id(t), xw_fmt(w, XW_TITLE, NULL), 0,
                      "table title") < 0)
        return -1;
    const char *q = h->tab_question(t);
    if (q && *q && (!title || strcmp(q, title) != 0))
        if (xw_write_text(w, s, (*row)++, 0, q, NULL, 0, "table question") < 0) return -1;
    const char *base = h->tab_base(t);
    if (base && *base) {
        size_t n = strlen(base) + 64;
        char *text = malloc(n);
        if (!text) return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "the base");
        snprintf(text, n, "%s%s%s", h->rep_tr(w->rep, "Base"), h->rep_tr(w->rep, ": "), base);
        int rc = xw_write_text(w, s, (*row)++, 0, text, xw_fmt(w, XW_ITALIC, NULL), 0, "table base");
        free(text);
        if (rc < 0) return -1;
    }
    return 0;
}

/* The banner row: consecutive columns with the same group merged. */
static int write_groups(xw *w, xw_sheet *s, const tally_table *t, lxw_row_t row)
{
    const tally_host *h = w->call.h;
    size_t nc = h->tab_ncols(t);
    lxw_format *f = xw_fmt(w, XW_HEADER, NULL);
    if (worksheet_write_blank(s->ws, row, 0, xw_fmt(w, XW_HEADER | XW_LEFT, NULL)) != LXW_NO_ERROR)
        return xw_fail(w, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, "the banner row");
    for (size_t c = 1; c < nc;) {
        const char *g = h->tab_col_group(t, c);
        size_t end = c;
        while (g && end + 1 < nc && h->tab_col_group(t, end + 1) &&
               strcmp(h->tab_col_group(t, end + 1), g) == 0)
            end++;
        if (g && end > c) {
            int cut = 0;
            char *clean = xw_clean_text(g, &cut);
            if (!clean) return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "the banner row");
            lxw_error err = worksheet_merge_range(s->ws, row, (lxw_col_t)c, row, (lxw_col_t)end, clean, f);
            free(clean);
            if (err != LXW_NO_ERROR) return xw_fail(w, err, "the banner row");
        } else if (g) {
            if (xw_write_text(w, s, row, (lxw_col_t)c, g, f, 0, "a banner header") < 0) return -1;
        } else if (worksheet_write_blank(s->ws, row, (lxw_col_t)c, f) != LXW_NO_ERROR) {
            return xw_fail(w, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, "the banner row");
        }
        c = end + 1;
    }
    return 0;
}

/* How many lines a header wraps to in a column about XW_HEADER_WRAP characters wide
 * (words kept whole, as Excel and LibreOffice wrap them). */
static int header_lines(const char *label)
{
    const double room = XW_HEADER_WRAP * 1.1; /* the width xw_sheet_fit gives such a column, less padding */
    int lines = 1;
    double line = 0;
    const char *p = label ? label : "";
    while (*p) {
        size_t n = strcspn(p, " ");
        char word[256];
        size_t k = n < sizeof word - 1 ? n : sizeof word - 1;
        memcpy(word, p, k);
        word[k] = '\0';
        double wd = xw_text_width(word);
        if (line > 0 && line + 1 + wd > room) {
            lines++;
            line = wd;
        } else {
            line += (line > 0 ? 1 : 0) + wd;
        }
        p += n;
        while (*p == ' ') p++;
    }
    return lines;
}

static int write_header(xw *w, xw_sheet *s, const tally_table *t, lxw_row_t row)
{
    const tally_host *h = w->call.h;
    int lines = 1;
    for (size_t c = 1; c < h->tab_ncols(t); c++) {
        const char *label = h->tab_col_label(t, c);
        if (xw_text_width(label) >= XW_HEADER_WRAP) {
            int n = header_lines(label);
            if (n > lines) lines = n;
        }
    }
    /* A wrapped header gets a row tall enough for its lines (LibreOffice does not grow it). */
    if (lines > 1) worksheet_set_row(s->ws, row, 15.0 * (lines > 4 ? 4 : lines), NULL);
    for (size_t c = 0; c < h->tab_ncols(t); c++) {
        const char *label = h->tab_col_label(t, c);
        unsigned style = XW_HEADER | (c == 0 ? XW_LEFT : 0);
        if (xw_write_text(w, s, row, (lxw_col_t)c, label ? label : "", xw_fmt(w, style, NULL), 0,
                          "a column header") < 0)
            return -1;
        double width = xw_text_width(label);
        xw_sheet_track(s, (lxw_col_t)c, c == 0 || width < XW_HEADER_WRAP ? width : XW_HEADER_WRAP);
    }
    return 0;
}

static int write_cell(xw *w, xw_sheet *s, const tally_table *t, size_t r, size_t c, lxw_row_t row,
                      const char *num_format)
{
    const tally_host *h = w->call.h;
    tally_col_type type = h->tab_col_type(t, c);
    unsigned style = row_style(h->tab_row_type(t, r));
    const char *text = h->tab_cell_text(t, r, c);
    char where[96];
    snprintf(where, sizeof where, "table '%s' row %zu column %zu", h->tab_id(t), r + 1, c + 1);
    if (text) {
        unsigned align = is_numeric_col(type) && c > 0 ? XW_RIGHT : XW_LEFT;
        return xw_write_text(w, s, row, (lxw_col_t)c, text, xw_fmt(w, style | align, NULL), 1, where);
    }
    double v = h->tab_cell_number(t, r, c);
    char shown[64];
    h->tab_cell_format(t, r, c, shown, sizeof shown);
    int date = TALLY_HOST_HAS(h, tab_cell_date) ? h->tab_cell_date(t, r, c) : 0;
    if (date && isfinite(v)) {
        /* a real Excel date; one Excel cannot hold (before 1900-03-01) as the text reports show */
        double serial;
        const char *date_format;
        if (!xw_date_serial(date, v, h->rep_meta(w->rep, "language"), &serial, &date_format))
            return xw_write_text(w, s, row, (lxw_col_t)c, shown, xw_fmt(w, style | XW_RIGHT, NULL), 1, where);
        return xw_write_number(w, s, row, (lxw_col_t)c, serial, xw_fmt(w, style, date_format), strlen(shown));
    }
    if (!is_numeric_col(type)) num_format = NULL;
    else if (type == TALLY_COL_COUNT && h->tab_row_type(t, r) == TALLY_ROW_BASE) num_format = "0"; /* unweighted base */
    if (type == TALLY_COL_PERCENT && isfinite(v)) v /= 100.0; /* Excel percents are fractions */
    lxw_format *f = xw_fmt(w, style | (c == 0 ? XW_LEFT : 0), num_format);
    if (!isfinite(v) && !style) f = NULL; /* a plain empty cell needs nothing written */
    return xw_write_number(w, s, row, (lxw_col_t)c, v, f, strlen(shown));
}

static int xw_table_notes(xw *w, xw_sheet *s, const tally_table *t, lxw_row_t *row)
{
    const tally_host *h = w->call.h;
    size_t n = h->tab_nnotes(t);
    if (!n) return 0;
    (*row)++; /* one empty row between table and notes */
    for (size_t i = 0; i < n; i++)
        if (xw_write_text(w, s, (*row)++, 0, h->tab_note(t, i), xw_fmt(w, XW_NOTE, NULL), 0,
                          "a footnote") < 0)
            return -1;
    return 0;
}

int xw_table_footer(xw *w, xw_sheet *s, const tally_table *t, lxw_row_t row)
{
    if (xw_table_notes(w, s, t, &row) < 0) return -1;
    row++;
    if (w->nsheets && w->sheets[0] != s &&
        xw_write_link(w, s, row++, 0, w->sheets[0]->name, 0, w->call.h->rep_tr(w->rep, "Back to contents"), NULL, 0) <
            0)
        return -1;
    s->next_row = row;
    return 0;
}

int xw_table_write(xw *w, xw_sheet *s, const tally_table *t, xw_placed *out)
{
    const tally_host *h = w->call.h;
    if (TALLY_HOST_HAS(h, bn_col_is_total) && h->bn_nlevels(t) > 0) return xw_banner_write(w, s, t, out);
    size_t nc = h->tab_ncols(t), nr = h->tab_nrows(t);
    if (nc > LXW_COL_MAX) {
        h->error(w->call.ctx, "table '%s' has %zu columns; a worksheet holds at most %d", h->tab_id(t), nc,
                 LXW_COL_MAX);
        w->failed = 1;
        return -1;
    }
    lxw_row_t row = s->next_row;
    memset(out, 0, sizeof *out);
    out->sheet = s->name;
    out->title_row = row;
    out->ncols = nc;
    if (xw_table_heading(w, s, t, &row) < 0) return -1;

    int grouped = 0;
    for (size_t c = 0; c < nc; c++) grouped |= h->tab_col_group(t, c) != NULL;
    if (grouped && write_groups(w, s, t, row++) < 0) return -1;
    out->header_row = row;
    if (write_header(w, s, t, row++) < 0) return -1;
    if (!w->stacked) worksheet_freeze_panes(s->ws, row, 0);

    /* One number format per column, from its type, decimals and values. */
    char **formats = calloc(nc ? nc : 1, sizeof *formats);
    if (!formats) return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "a table");
    for (size_t c = 0; c < nc; c++) {
        tally_col_type type = h->tab_col_type(t, c);
        int frac = type == TALLY_COL_COUNT && has_fractions(h, t, c);
        const char *nf = xw_num_format(type, h->tab_col_decimals(t, c), frac);
        formats[c] = nf ? strdup(nf) : NULL;
    }
    int rc = 0;
    out->first_row = row;
    for (size_t r = 0; r < nr && rc == 0; r++, row++)
        for (size_t c = 0; c < nc && rc == 0; c++) rc = write_cell(w, s, t, r, c, row, formats[c]);
    out->last_row = row - 1; /* below first_row when the table has no rows */
    for (size_t c = 0; c < nc; c++) free(formats[c]);
    free(formats);
    if (rc < 0) return -1;

    return xw_table_footer(w, s, t, row);
}
