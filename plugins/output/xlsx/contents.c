/* contents.c: the workbook's first sheet: report title, date, source, base and links to every table. */
/* The report facts stand as "Label:" with its value on the line under it, both in column A: that column is
 * as wide as the longest table title, so a value in column B stood far to the right of its label. */
#include "xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xw_entries_free(xw_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].text);
        free(e[i].note);
    }
    free(e);
}

/* "Label:" in column A of `row`, in the report's language, bold (`more`: further XW_* format bits). */
static int meta_label(xw *w, xw_sheet *s, lxw_row_t row, const char *english, int more)
{
    const char *label = w->call.h->rep_tr(w->rep, english), *colon = w->call.h->rep_tr(w->rep, ":");
    size_t n = strlen(label) + strlen(colon) + 1;
    char *text = malloc(n);
    if (!text) return xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "the contents");
    snprintf(text, n, "%s%s", label, colon);
    int rc = xw_write_text(w, s, row, 0, text, xw_fmt(w, XW_BOLD | more, NULL), 1, "contents");
    free(text);
    return rc;
}

/* "Label:" in column A, the value on the line under it; skipped when the value is unset. */
static int meta_row(xw *w, xw_sheet *s, lxw_row_t *row, const char *english, const char *value)
{
    if (!value || !*value) return 0;
    int rc = meta_label(w, s, *row, english, 0);
    if (rc == 0) rc = xw_write_text(w, s, *row + 1, 0, value, xw_fmt(w, XW_LEFT, NULL), 1, "contents");
    *row += 2;
    return rc;
}

#define XW_META_WRAP 60.0 /* characters column A has at least when a long value (the margin-of-error note) wraps */

/* "Label:" in column A, a long value under it wrapped at the column's width (`col_chars`, at least XW_META_WRAP)
 * in a row as tall as its lines: left on one line, it would run far to the right and make the printed sheet tiny. */
static int meta_row_wrapped(xw *w, xw_sheet *s, lxw_row_t *row, const char *english, const char *value,
                            double col_chars)
{
    double chars = value ? xw_text_width(value) : 0;
    if (col_chars < XW_META_WRAP) col_chars = XW_META_WRAP;
    if (chars <= col_chars) return meta_row(w, s, row, english, value);
    int rc = meta_label(w, s, *row, english, 0);
    if (rc == 0) rc = xw_write_text(w, s, *row + 1, 0, value, xw_fmt(w, XW_WRAP, NULL), 0, "contents");
    xw_sheet_track(s, 0, col_chars);
    worksheet_set_row(s->ws, *row + 1, 15.0 * ceil(chars * 1.1 / col_chars), NULL);
    *row += 2;
    return rc;
}

/* The report date as an Excel date (a number Excel shows in the reader's way) with the report
 * language's format; a date that is no ISO date stays text. */
static int date_row(xw *w, xw_sheet *s, lxw_row_t *row, const char *iso)
{
    int y, m, d, used = 0;
    if (!iso || strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || m < 1 ||
        m > 12 || d < 1 || d > 31 || y < 1900) {
        char shown[64];
        return meta_row(w, s, row, "Date", iso ? w->call.h->rep_format_date(w->rep, iso, shown, sizeof shown) : NULL);
    }
    if (meta_label(w, s, *row, "Date", 0) < 0) return -1;
    (*row)++; /* the date under its label */
    const char *lang = w->call.h->rep_meta(w->rep, "language");
    const char *nf = lang && !strcmp(lang, "de") ? "dd.mm.yyyy"
                   : lang && !strcmp(lang, "zh") ? "yyyy\"年\"m\"月\"d\"日\"" : "yyyy-mm-dd";
    lxw_datetime dt = {.year = y, .month = m, .day = d};
    lxw_format *f = xw_fmt(w, XW_LEFT, nf);
    lxw_error err = worksheet_write_datetime(s->ws, (*row)++, 0, &dt, f);
    if (err != LXW_NO_ERROR) return xw_fail(w, err, "the report date");
    xw_sheet_track(s, 0, 12);
    return 0;
}

/* Characters the contents column is at most wide; longer titles wrap (in Excel; LibreOffice clips them). Room for
 * the German flagship's longest line, a tab-book title told apart by its two banner variables (154 characters). */
#define XW_CONTENTS_COL 160.0

/* The width in characters the longest of `n` titles asks of the contents column, at most XW_CONTENTS_COL. */
static double entries_width(const xw_entry *e, size_t n, double widest)
{
    for (size_t i = 0; i < n; i++) {
        double chars = xw_text_width(e[i].text);
        if (chars > widest) widest = chars < XW_CONTENTS_COL ? chars : XW_CONTENTS_COL;
    }
    return widest;
}

/* The list of links under `heading`: the whole title of every entry in a column as wide as the
 * longest (LibreOffice wraps no hyperlink cell, so width is what shows a title whole there); past
 * XW_CONTENTS_COL the title wraps (in Excel) in a row as tall as its lines. */
static int entry_list(xw *w, xw_sheet *s, lxw_row_t *row, const char *heading, const xw_entry *e, size_t n)
{
    if (!n) return 0;
    (*row)++;
    if (xw_write_text(w, s, (*row)++, 0, w->call.h->rep_tr(w->rep, heading), xw_fmt(w, XW_SUBTITLE, NULL), 0,
                      "contents") < 0)
        return -1;
    lxw_format *wrapped = xw_fmt(w, XW_LINK | XW_WRAP, NULL), *note = xw_fmt(w, XW_NOTE | XW_WRAP, NULL);
    for (size_t i = 0; i < n; i++, (*row)++) {
        double chars = xw_text_width(e[i].text);
        int lines = (int)ceil(chars * 1.1 / XW_CONTENTS_COL);
        if (xw_write_link(w, s, *row, 0, e[i].sheet, e[i].row, e[i].text, wrapped, 0) < 0) return -1;
        if (lines > 1) worksheet_set_row(s->ws, *row, 15.0 * lines, NULL);
        if (e[i].note && xw_write_text(w, s, *row, 1, e[i].note, note, 1, "contents") < 0) return -1;
    }
    return 0;
}

int xw_contents_write(xw *w, xw_sheet *s, const xw_entry *tables, size_t ntables, const xw_entry *data,
                      size_t ndata)
{
    const tally_host *h = w->call.h;
    lxw_row_t row = 0;
    const char *title = w->title ? w->title : h->rep_tr(w->rep, "Contents");
    if (xw_write_text(w, s, row++, 0, title, xw_fmt(w, XW_TITLE, NULL), 0, "report title") < 0) return -1;
    const char *subtitle = h->rep_meta(w->rep, "subtitle");
    if (subtitle && *subtitle && xw_write_text(w, s, row++, 0, subtitle, xw_fmt(w, XW_ITALIC, NULL), 0, "subtitle") < 0)
        return -1;
    row++;
    const char *base = h->rep_meta(w->rep, "base");
    if (!base) base = h->rep_value_text(w->rep, "base");
    double widest = entries_width(data, ndata, entries_width(tables, ntables, 0));
    if (date_row(w, s, &row, h->rep_meta(w->rep, "date")) < 0 ||
        meta_row(w, s, &row, "Data source", h->rep_meta(w->rep, "source")) < 0 ||
        meta_row(w, s, &row, "Base", base) < 0 || meta_row(w, s, &row, "Author", w->author) < 0 ||
        meta_row_wrapped(w, s, &row, "Largest margin of error", h->rep_value_text(w->rep, "moe_note"), widest) < 0)
        return -1;
    if (entry_list(w, s, &row, "Tables", tables, ntables) < 0) return -1;
    if (entry_list(w, s, &row, "Data", data, ndata) < 0) return -1;
    /* column A as wide as its longest line, past the cap xw_sheet_fit gives other columns */
    xw_sheet_track(s, 0, widest);
    if (s->nwidths && s->widths[0] > 0) {
        worksheet_set_column(s->ws, 0, 0, floor((s->widths[0] * 0.9 + 2) * 4 + 0.5) / 4, NULL); /* proportional text: narrower than digits */
        s->widths[0] = 0; /* set here: xw_sheet_fit leaves it */
    }
    s->next_row = row;
    return 0;
}
