/* charts.c: native Excel charts bound to a written table's cells, placed beside the table (under a wide one). */
#include "xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Characters a table is at most wide for its chart to stand beside it; a wider table (a rating grid with its
 * summary columns, about 190) has its chart underneath. The widest of the flagship's other charted tables is 108. */
#define XW_CHART_BESIDE_MAX 140.0

/* A run of consecutive sheet rows the chart plots. */
typedef struct run {
    lxw_row_t first, last;
} run;

static uint8_t chart_type(tally_chart_kind kind)
{
    switch (kind) {
    case TALLY_CHART_BAR: return LXW_CHART_BAR;
    case TALLY_CHART_COLUMN: return LXW_CHART_COLUMN;
    case TALLY_CHART_PIE: return LXW_CHART_PIE;
    case TALLY_CHART_LINE: return LXW_CHART_LINE;
    case TALLY_CHART_STACKED_BAR: return LXW_CHART_BAR_STACKED_PERCENT;
    default: return LXW_CHART_NONE;
    }
}

static int plottable(tally_col_type type)
{
    return type == TALLY_COL_COUNT || type == TALLY_COL_PERCENT || type == TALLY_COL_NUMBER ||
           type == TALLY_COL_MEAN;
}

/* "=('Sheet'!$A$2:$A$4,'Sheet'!$A$6:$A$7)": a union of the runs in column `col`. */
static char *union_formula(const char *sheet, const run *runs, size_t nruns, lxw_col_t col)
{
    char *quoted = xw_sheet_ref(sheet, 0, 0); /* 'Sheet'!A1 */
    if (!quoted) return NULL;
    *strrchr(quoted, '!') = '\0';
    size_t cap = nruns * (strlen(quoted) + 40) + 8, n = 0;
    char *f = malloc(cap);
    if (f) {
        n += (size_t)snprintf(f + n, cap - n, "=(");
        for (size_t i = 0; i < nruns; i++) {
            char range[64];
            lxw_rowcol_to_range_abs(range, runs[i].first, col, runs[i].last, col);
            n += (size_t)snprintf(f + n, cap - n, "%s%s!%s", i ? "," : "", quoted, range);
        }
        snprintf(f + n, cap - n, ")");
    }
    free(quoted);
    return f;
}

static lxw_chart_series *add_series(lxw_chart *chart, const xw_placed *p, const run *runs, size_t nruns,
                                    lxw_col_t col)
{
    lxw_chart_series *series;
    if (nruns == 1) {
        series = chart_add_series(chart, NULL, NULL);
        if (!series) return NULL;
        chart_series_set_categories(series, p->sheet, runs[0].first, 0, runs[0].last, 0);
        chart_series_set_values(series, p->sheet, runs[0].first, col, runs[0].last, col);
    } else {
        char *cats = union_formula(p->sheet, runs, nruns, 0);
        char *vals = union_formula(p->sheet, runs, nruns, col);
        series = cats && vals ? chart_add_series(chart, cats, vals) : NULL;
        free(cats);
        free(vals);
        if (!series) return NULL;
    }
    /* The categories are the label column's text. libxlsxwriter learns that only from
     * cells it can read back (not in constant-memory mode, not for a union of ranges):
     * say so, so Excel gets a text reference rather than a numeric one. */
    if (series->categories) series->categories->has_string_cache = 1;
    chart_series_set_name_range(series, p->sheet, p->header_row, col);
    return series;
}

/* The rows the chart plots, as runs of consecutive sheet rows. Returns how many. */
static size_t chart_runs(const tally_host *h, const tally_table *t, const xw_placed *p, run *runs)
{
    size_t n = 0;
    for (size_t r = 0; r < h->tab_nrows(t); r++) {
        if (!h->tab_chart_uses_row(t, r)) continue;
        lxw_row_t row = p->first_row + (lxw_row_t)r;
        if (n && runs[n - 1].last + 1 == row)
            runs[n - 1].last = row;
        else
            runs[n++] = (run){row, row};
    }
    return n;
}

static void set_title(xw *w, lxw_chart *chart, const tally_table *t, const xw_placed *p)
{
    const tally_host *h = w->call.h;
    const char *title = h->tab_chart_title(t);
    const char *table_title = h->tab_title(t);
    if (!title || (table_title && strcmp(title, table_title) == 0)) {
        chart_title_set_name_range(chart, p->sheet, p->title_row, 0); /* the title cell */
        return;
    }
    char *plain = xw_plain_text(title);
    if (!plain) return;
    if (plain[0] == '=') plain[0] = ' '; /* libxlsxwriter would read "=..." as a cell reference */
    chart_title_set_name(chart, plain);
    free(plain); /* libxlsxwriter keeps its own copy */
}

/* Chinese reports name a font with the CJK glyphs (Debian: fonts-noto-cjk) for every chart text,
 * so that titles, axis labels and legends show characters rather than boxes. */
static void set_fonts(xw *w, lxw_chart *chart, uint8_t type)
{
    const char *lang = w->call.h->rep_meta(w->rep, "language");
    if (!lang || strcmp(lang, "zh") != 0) return;
    lxw_chart_font font = {.name = XW_CJK_FONT};
    chart_title_set_name_font(chart, &font); /* the title stays bold: libxlsxwriter's default */
    chart_legend_set_font(chart, &font);
    if (type != LXW_CHART_PIE) {
        chart_axis_set_num_font(chart->x_axis, &font);
        chart_axis_set_num_font(chart->y_axis, &font);
        chart_axis_set_name_font(chart->x_axis, &font);
        chart_axis_set_name_font(chart->y_axis, &font);
    }
}

/* The columns a chart plots, in cols (room for the table's chart series): the ones the stage
 * named, else the first percent or count column; a pie shows one. Returns how many. */
static size_t series_cols(const tally_host *h, const tally_table *t, uint8_t type, size_t *cols)
{
    size_t nc = h->tab_ncols(t), ns = h->tab_chart_nseries(t), n = 0;
    for (size_t i = 0; i < ns; i++) {
        size_t c = h->tab_chart_series(t, i);
        if (c > 0 && c < nc && plottable(h->tab_col_type(t, c))) cols[n++] = c;
    }
    for (int want = TALLY_COL_PERCENT; !n && want >= TALLY_COL_COUNT; want--)
        for (size_t c = 1; c < nc && !n; c++)
            if (h->tab_col_type(t, c) == (tally_col_type)want) cols[n++] = c;
    if (type == LXW_CHART_PIE && n > 1) n = 1; /* a pie shows one series */
    return n;
}

/* One series: each bar or slice carries its figure, formatted as in the table (label_fmt). */
static void label_series(lxw_chart_series *series, uint8_t type, const char *label_fmt)
{
    chart_series_set_labels(series);
    if (*label_fmt) chart_series_set_labels_num_format(series, label_fmt);
    if (type == LXW_CHART_PIE) { /* outside the slices, with a line to a small one: inside ("best fit") a
                                  * small slice's label had no room, wrapped ("1.4" over "%") and overlapped */
        chart_series_set_labels_position(series, LXW_CHART_LABEL_POSITION_OUTSIDE_END);
        chart_series_set_labels_leader_line(series);
        lxw_chart_font small = {.name = XW_CJK_FONT, .size = 9};
        chart_series_set_labels_font(series, &small);
    }
}

/* 1 for the charts whose bars lie along the rows (categories down the side). */
static int is_horizontal(uint8_t type) { return type == LXW_CHART_BAR || type == LXW_CHART_BAR_STACKED_PERCENT; }

/* The legend, the bars' overlap and the axes' direction and number format. */
static void set_layout(lxw_chart *chart, uint8_t type, size_t nseries, int percent)
{
    /* Percent cells hold fractions: the value axis shows them as percents. */
    int horizontal = is_horizontal(type);
    if (percent && type != LXW_CHART_PIE)
        chart_axis_set_num_format(horizontal ? chart->x_axis : chart->y_axis, "0%");
    if (type == LXW_CHART_PIE) chart_legend_set_position(chart, LXW_CHART_LEGEND_RIGHT);
    else chart_legend_set_position(chart, nseries == 1 ? LXW_CHART_LEGEND_NONE : LXW_CHART_LEGEND_BOTTOM);
    if (type == LXW_CHART_BAR_STACKED_PERCENT) { /* one bar a row, its segments in the scale's order */
        chart_set_series_overlap(chart, 100);
        chart_set_series_gap(chart, 60); /* bars thick enough to read the segments */
    }
    if (horizontal) {
        /* Bars read top to bottom in the table's order, the value axis stays below. */
        chart_axis_set_reverse(chart->y_axis);
        chart_axis_set_crossing_max(chart->y_axis);
    }
}

/* The chart's size: the default 480 x 288 pixels, grown so that every category keeps its
 * label: about 22 pixels a bar, 48 a column (times the series), and room for long labels. */
static lxw_chart_options chart_size(uint8_t type, size_t ncats, size_t nseries)
{
    lxw_chart_options opt = {.x_offset = 12, .y_offset = 4, .x_scale = 1, .y_scale = 1};
    int horizontal = is_horizontal(type);
    double per = (double)ncats * (double)(nseries && type != LXW_CHART_BAR_STACKED_PERCENT ? nseries : 1);
    if (horizontal) {
        opt.y_scale = (110.0 + (type == LXW_CHART_BAR_STACKED_PERCENT ? 40.0 : 22.0) * per) / 288.0;
        opt.x_scale = 1.25;
    } else if (type != LXW_CHART_PIE) {
        opt.x_scale = (120.0 + 48.0 * per) / 480.0;
    } else { /* a pie beside its legend: tall enough that the labels outside it have room on one line */
        opt.x_scale = 1.25;
        opt.y_scale = 1.6;
    }
    if (opt.y_scale < 1) opt.y_scale = 1;
    if (opt.y_scale > 4) opt.y_scale = 4;
    if (opt.x_scale < 1) opt.x_scale = 1;
    if (opt.x_scale > 3) opt.x_scale = 3;
    return opt;
}

int xw_chart_insert(xw *w, xw_sheet *s, const tally_table *t, const xw_placed *p)
{
    const tally_host *h = w->call.h;
    uint8_t type = chart_type(h->tab_chart_kind(t));
    if (type == LXW_CHART_NONE || p->last_row < p->first_row) return 0;
    size_t ns = h->tab_chart_nseries(t);
    size_t *cols = malloc((ns ? ns : 1) * sizeof *cols);
    run *runs = malloc((h->tab_nrows(t) ? h->tab_nrows(t) : 1) * sizeof *runs);
    if (!cols || !runs) {
        free(cols);
        free(runs);
        return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "a chart");
    }
    size_t cols_n = series_cols(h, t, type, cols), nruns = chart_runs(h, t, p, runs);
    if (!cols_n || !nruns) {
        free(cols);
        free(runs);
        return 0;
    }
    size_t ncats = 0;
    for (size_t i = 0; i < nruns; i++) ncats += runs[i].last - runs[i].first + 1;

    lxw_chart *chart = workbook_add_chart(w->wb, type);
    lxw_chart_series *series = NULL;
    int rc = chart ? 0 : -1, percent = 1;
    for (size_t i = 0; i < cols_n && rc == 0; i++) {
        series = add_series(chart, p, runs, nruns, (lxw_col_t)cols[i]);
        if (!series) rc = -1;
        percent &= h->tab_col_type(t, cols[i]) == TALLY_COL_PERCENT;
    }
    char label_fmt[32] = "";
    if (rc == 0 && cols_n == 1) {
        const char *nf = xw_num_format(h->tab_col_type(t, cols[0]), h->tab_col_decimals(t, cols[0]), 0);
        if (nf) snprintf(label_fmt, sizeof label_fmt, "%s", nf);
    }
    free(cols);
    free(runs);
    if (rc < 0) return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "a chart");
    if (cols_n == 1) label_series(series, type, label_fmt);
    set_layout(chart, type, cols_n, percent);
    set_title(w, chart, t, p);
    set_fonts(w, chart, type);
    lxw_chart_options opt = chart_size(type, ncats, cols_n);
    /* Level with the table's header, below its title and notes: a title wider than the table runs on to the
     * right and was hidden under a chart beside the title row. Under a wide table (a rating grid with its summary
     * columns): beside it, the page printed one page wide made the figures too small to read. */
    int below = xw_sheet_fit_width(s, p->ncols) > XW_CHART_BESIDE_MAX;
    if (below && opt.x_scale < 2) opt.x_scale = 2; /* under the table it has the page's width: room for the axis */
    lxw_row_t row = below ? s->next_row + 1 : p->header_row;
    lxw_error err = worksheet_insert_chart_opt(s->ws, row, below ? 0 : (lxw_col_t)(p->ncols + 1), chart, &opt);
    if (err != LXW_NO_ERROR) return xw_fail(w, err, "a chart");
    return (int)(row - p->title_row) + (int)ceil(XW_CHART_ROWS * opt.y_scale);
}
