/* cells.c: worksheets and cell writing for the xlsx plugin: text never as formulas, fitted widths. */
#include "xlsx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XW_WIDTH_MIN 8.0
#define XW_WIDTH_MAX 60.0

int xw_fail(xw *w, lxw_error err, const char *what)
{
    w->call.h->error(w->call.ctx, "cannot write %s: %s", what, lxw_strerror(err));
    w->failed = 1;
    return -1;
}

static int name_taken(const xw *w, const char *name)
{
    if (strcasecmp(name, "History") == 0) return 1; /* reserved by Excel */
    for (size_t i = 0; i < w->nsheets; i++)
        if (strcasecmp(w->sheets[i]->name, name) == 0) return 1;
    return 0;
}

xw_sheet *xw_sheet_add(xw *w, const char *wanted_name)
{
    xw_sheet **grown = realloc(w->sheets, (w->nsheets + 1) * sizeof *grown);
    xw_sheet *s = calloc(1, sizeof *s);
    if (!grown || !s) {
        if (grown) w->sheets = grown;
        free(s);
        w->call.h->error(w->call.ctx, "out of memory adding a worksheet");
        w->failed = 1;
        return NULL;
    }
    w->sheets = grown;
    for (unsigned k = 1; k < 100000 && !s->name; k++) {
        char *name = xw_sheet_name_try(wanted_name, k);
        if (!name) break;
        if (!name_taken(w, name) && workbook_validate_sheet_name(w->wb, name) == LXW_NO_ERROR)
            s->name = name;
        else
            free(name);
    }
    if (s->name) s->ws = workbook_add_worksheet(w->wb, s->name);
    if (!s->ws) {
        w->call.h->error(w->call.ctx, "cannot add a worksheet for '%s'", wanted_name);
        w->failed = 1;
        free(s->name);
        free(s);
        return NULL;
    }
    w->sheets[w->nsheets++] = s;
    return s;
}

void xw_sheets_free(xw *w)
{
    for (size_t i = 0; i < w->nsheets; i++) {
        free(w->sheets[i]->name);
        free(w->sheets[i]->widths);
        free(w->sheets[i]);
    }
    free(w->sheets);
    w->sheets = NULL;
    w->nsheets = 0;
}

void xw_sheet_track(xw_sheet *s, lxw_col_t col, double chars)
{
    if (col >= s->nwidths) {
        size_t n = (size_t)col + 8;
        double *grown = realloc(s->widths, n * sizeof *grown);
        if (!grown) return; /* the column keeps its default width */
        for (size_t i = s->nwidths; i < n; i++) grown[i] = 0;
        s->widths = grown;
        s->nwidths = n;
    }
    if (chars > s->widths[col]) s->widths[col] = chars;
}

/* The width xw_sheet_fit gives a column of `chars` tracked characters (> 0). */
static double fit_width(double chars)
{
    double width = chars * 1.1 + 1.5;
    if (width < XW_WIDTH_MIN) width = XW_WIDTH_MIN;
    if (width > XW_WIDTH_MAX) width = XW_WIDTH_MAX;
    return floor(width * 4 + 0.5) / 4;
}

void xw_sheet_fit(xw_sheet *s)
{
    for (size_t c = 0; c < s->nwidths; c++)
        if (s->widths[c] > 0) worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, fit_width(s->widths[c]), NULL);
}

double xw_sheet_fit_width(const xw_sheet *s, size_t ncols)
{
    double sum = 0;
    for (size_t c = 0; c < ncols; c++)
        sum += c < s->nwidths && s->widths[c] > 0 ? fit_width(s->widths[c]) : LXW_DEF_COL_WIDTH;
    return sum;
}

int xw_write_text(xw *w, xw_sheet *s, lxw_row_t row, lxw_col_t col, const char *text,
                  lxw_format *f, int track, const char *where)
{
    int cut = 0;
    char *clean = xw_clean_text(text, &cut);
    if (!clean) {
        w->call.h->error(w->call.ctx, "out of memory writing %s", where);
        w->failed = 1;
        return -1;
    }
    if (cut)
        w->call.h->log(w->call.ctx, TALLY_LOG_WARN,
                       "%s (sheet '%s'): text of %zu characters cut to Excel's limit of %d per cell", where, s->name,
                       xw_utf8_len(text), XW_CELL_MAX);
    /* worksheet_write_string stores text as text: "=...", "+1" and "@SUM" stay strings. */
    lxw_error err = worksheet_write_string(s->ws, row, col, clean, f);
    if (track && err == LXW_NO_ERROR) xw_sheet_track(s, col, xw_text_width(clean));
    free(clean);
    return err == LXW_NO_ERROR ? 0 : xw_fail(w, err, where);
}

int xw_write_number(xw *w, xw_sheet *s, lxw_row_t row, lxw_col_t col, double v, lxw_format *f,
                    size_t shown_chars)
{
    lxw_error err;
    if (isfinite(v)) {
        err = worksheet_write_number(s->ws, row, col, v, f);
        xw_sheet_track(s, col, (double)shown_chars);
    } else {
        err = f ? worksheet_write_blank(s->ws, row, col, f) : LXW_NO_ERROR;
    }
    return err == LXW_NO_ERROR ? 0 : xw_fail(w, err, "a number");
}

int xw_write_link(xw *w, xw_sheet *s, lxw_row_t row, lxw_col_t col, const char *target_sheet,
                  lxw_row_t target_row, const char *text, lxw_format *f, int track)
{
    char *ref = xw_sheet_ref(target_sheet, target_row, 0);
    int cut = 0;
    char *clean = xw_clean_text(text, &cut);
    char *url = ref ? malloc(strlen(ref) + sizeof "internal:") : NULL;
    if (!ref || !clean || !url) {
        free(ref);
        free(clean);
        free(url);
        w->call.h->error(w->call.ctx, "out of memory writing a link");
        w->failed = 1;
        return -1;
    }
    strcpy(url, "internal:");
    strcat(url, ref);
    lxw_error err = worksheet_write_url_opt(s->ws, row, col, url, f, clean, NULL);
    if (track && err == LXW_NO_ERROR) xw_sheet_track(s, col, xw_text_width(clean));
    free(ref);
    free(clean);
    free(url);
    return err == LXW_NO_ERROR ? 0 : xw_fail(w, err, "a link");
}
