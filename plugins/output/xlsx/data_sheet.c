/* data_sheet.c: a dataset dumped to worksheets (constant-memory mode) with autofilter and Excel's row limit. */
#include "xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XW_DATA_ROWS (XW_ROWS_MAX - 1) /* data rows below the header row */

/* A date, datetime or time as a real Excel date; one Excel cannot hold as ISO text. */
static int write_date(xw *w, xw_sheet *s, lxw_row_t row, lxw_col_t col, double v, int kind, const char *lang,
                      int track)
{
    const tally_host *h = w->call.h;
    char shown[64];
    h->format_date(v, kind, 0, lang, shown, sizeof shown);
    double serial;
    const char *nf;
    if (!xw_date_serial(kind, v, lang, &serial, &nf))
        return xw_write_text(w, s, row, col, shown, NULL, track, "a date Excel cannot hold");
    return xw_write_number(w, s, row, col, serial, xw_fmt(w, 0, nf), track ? strlen(shown) : 0);
}

/* Writes rows [first, first + n) of `ds` on sheet `s` under a header row. */
static int write_part(xw *w, xw_sheet *s, const tally_dataset *ds, size_t first, size_t n)
{
    const tally_host *h = w->call.h;
    int nc = h->ds_ncols(ds);
    lxw_format *head = xw_fmt(w, XW_HEADER | XW_LEFT, NULL);
    for (int c = 0; c < nc; c++)
        if (xw_write_text(w, s, 0, (lxw_col_t)c, h->var_name(ds, c), head, 1, "a variable name") < 0) return -1;
    char where[96];
    const char *lang = h->rep_meta(w->rep, "language");
    int has_dates = TALLY_HOST_HAS(h, var_date) && TALLY_HOST_HAS(h, format_date);
    for (size_t i = 0; i < n; i++) {
        lxw_row_t row = (lxw_row_t)(i + 1);
        for (int c = 0; c < nc; c++) {
            if (h->var_type(ds, c) == TALLY_STRING) {
                const char *v = h->ds_string(ds, c, first + i);
                if (!v || !*v) continue;
                snprintf(where, sizeof where, "data row %zu variable '%s'", first + i + 1, h->var_name(ds, c));
                if (xw_write_text(w, s, row, (lxw_col_t)c, v, NULL, i < 1000, where) < 0) return -1;
            } else {
                double v = h->ds_number(ds, c, first + i);
                if (isnan(v)) continue; /* system-missing: an empty cell */
                char tag = tally_tagged_missing_tag(v);
                if (tag) { /* Stata's or SAS's .a-.z: the code as those programs show it */
                    char code[3] = {'.', tag, '\0'};
                    if (xw_write_text(w, s, row, (lxw_col_t)c, code, NULL, i < 1000, "a tagged missing value") < 0)
                        return -1;
                    continue;
                }
                int date = has_dates ? h->var_date(ds, c) : 0;
                if (date) {
                    if (write_date(w, s, row, (lxw_col_t)c, v, date, lang, i < 1000) < 0) return -1;
                    continue;
                }
                char shown[32];
                int len = i < 1000 ? snprintf(shown, sizeof shown, "%.15g", v) : 0;
                if (xw_write_number(w, s, row, (lxw_col_t)c, v, NULL, (size_t)(len > 0 ? len : 0)) < 0)
                    return -1;
            }
        }
    }
    if (nc > 0) {
        lxw_error err = worksheet_autofilter(s->ws, 0, 0, (lxw_row_t)n, (lxw_col_t)(nc - 1));
        if (err != LXW_NO_ERROR) return xw_fail(w, err, "the data sheet's filter");
    }
    worksheet_freeze_panes(s->ws, 1, 0);
    s->next_row = (lxw_row_t)(n + 1);
    xw_sheet_fit(s);
    return 0;
}

int xw_data_write(xw *w, const char *dataset, int split, xw_entry **entries, size_t *nentries)
{
    const tally_host *h = w->call.h;
    const char *where = h->opt_where(w->opts);
    const tally_dataset *ds = h->rep_dataset(w->rep, dataset);
    if (!ds) {
        h->error(w->call.ctx, "%s: data_sheet: there is no dataset named '%s'; name one the inputs or stages made",
                 where ? where : "xlsx", dataset);
        w->failed = 1;
        return -1;
    }
    size_t nrows = h->ds_nrows(ds);
    int ncols = h->ds_ncols(ds);
    if (ncols > LXW_COL_MAX) {
        h->error(w->call.ctx, "%s: data_sheet '%s' has %d variables; an Excel sheet holds at most %d columns",
                 where ? where : "xlsx", dataset, ncols, LXW_COL_MAX);
        w->failed = 1;
        return -1;
    }
    if (nrows > XW_DATA_ROWS && !split) {
        h->error(w->call.ctx,
                 "%s: data_sheet '%s' has %zu rows; an Excel sheet holds %u below its header row. "
                 "Set row_limit = \"split\" to spread the data over several sheets, or filter it first",
                 where ? where : "xlsx", dataset, nrows, XW_DATA_ROWS);
        w->failed = 1;
        return -1;
    }
    size_t parts = nrows ? (nrows + XW_DATA_ROWS - 1) / XW_DATA_ROWS : 1;
    if (parts > 1)
        h->log(w->call.ctx, TALLY_LOG_INFO, "data_sheet '%s': %zu rows split over %zu sheets", dataset, nrows, parts);
    const char *label = h->rep_tr(w->rep, "Data");
    size_t wn = strlen(label) + strlen(dataset) + 2;
    char *wanted = malloc(wn);
    xw_entry *grown = realloc(*entries, (*nentries + parts) * sizeof *grown);
    if (!wanted || !grown) {
        free(wanted);
        if (grown) *entries = grown;
        return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "the data sheet");
    }
    *entries = grown;
    snprintf(wanted, wn, "%s %s", label, dataset);
    int rc = 0;
    for (size_t p = 0; p < parts && rc == 0; p++) {
        size_t first = p * XW_DATA_ROWS;
        size_t n = nrows - first < XW_DATA_ROWS ? nrows - first : XW_DATA_ROWS;
        /* libxlsxwriter reads constant_memory when a sheet is added: this sheet streams
         * its rows to a temporary file, the sheets added before it stay in memory. */
        w->wb->options.constant_memory = 1;
        xw_sheet *s = xw_sheet_add(w, wanted);
        w->wb->options.constant_memory = 0;
        if (!s) {
            rc = -1;
            break;
        }
        rc = write_part(w, s, ds, first, n);
        xw_entry *e = &(*entries)[(*nentries)++];
        memset(e, 0, sizeof *e);
        e->sheet = s->name;
        e->text = strdup(s->name);
        size_t nn = strlen(dataset) + 96;
        e->note = malloc(nn);
        if (e->note) {
            if (parts > 1)
                snprintf(e->note, nn, "%s, rows %zu-%zu of %zu", dataset, first + 1, first + n, nrows);
            else
                snprintf(e->note, nn, "%s, N = %zu", dataset, nrows);
        }
        if (!e->text) rc = xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "the data sheet");
    }
    free(wanted);
    return rc;
}
