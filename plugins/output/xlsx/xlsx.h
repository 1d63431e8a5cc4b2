/* xlsx.h: internal interfaces of the xlsx output plugin: the writer state shared by its files. */
#ifndef TALLY_XLSX_H
#define TALLY_XLSX_H

#include <stddef.h>
#include <xlsxwriter.h>
#include "tally/plugin.h"
#include "plugin_call.h"

/* Excel's limits. */
#define XW_CELL_MAX 32767      /* characters in one cell */
#define XW_SHEET_NAME_MAX 31   /* characters (UTF-16 units) in a sheet name */
#define XW_ROWS_MAX 1048576u   /* rows in a worksheet */
#define XW_CHART_ROWS 16       /* rows a chart covers at the default row height */
#define XW_CJK_FONT "Noto Sans CJK SC" /* chart font of Chinese reports (fonts-noto-cjk) */

/* Cell styles, combined as bit flags (see formats.c). */
enum {
    XW_BOLD = 1 << 0,
    XW_ITALIC = 1 << 1,
    XW_TOP_BORDER = 1 << 2,
    XW_HEADER = 1 << 3,   /* shaded, bold, bottom border, wrapped, centred */
    XW_TITLE = 1 << 4,    /* bold, larger */
    XW_LEFT = 1 << 5,
    XW_RIGHT = 1 << 6,
    XW_NOTE = 1 << 7,     /* small grey italic */
    XW_LINK = 1 << 8,     /* blue underlined */
    XW_SUBTITLE = 1 << 9, /* bold, slightly larger */
    XW_INDENT = 1 << 10,
    XW_BOX = 1 << 11,     /* thin border on all four sides (banner headers) */
    XW_WRAP = 1 << 12     /* text wraps within the column, top-aligned */
};

typedef struct xw_format {
    unsigned style;
    char *num_format; /* NULL: General */
    lxw_format *fmt;  /* borrowed from the workbook */
} xw_format;

/* One worksheet being written, with the widest text of each column so far. */
typedef struct xw_sheet {
    lxw_worksheet *ws; /* borrowed from the workbook */
    char *name;        /* owned; the legal, unique sheet name */
    double *widths;    /* owned; characters, per column */
    size_t nwidths;
    lxw_row_t next_row; /* first free row */
} xw_sheet;

/* The writer: one per write() call. */
typedef struct xw {
    plugin_call call; /* the write's host and context */
    const tally_options *opts;
    const tally_report *rep;
    lxw_workbook *wb;
    int charts;          /* insert native charts */
    int stacked;         /* all tables on one sheet */
    int cell_style;      /* banner cells: XW_CELLS_STACKED, _COMBINED or _SEPARATE */
    xw_format *fmts;     /* owned cache of formats */
    size_t nfmts, fmts_cap;
    struct xw_sheet **sheets; /* owned; every sheet added, in tab order */
    size_t nsheets;
    int failed;          /* host->error was called */
    const char *title, *author, *subject; /* borrowed: options, else report meta; NULL */
} xw;

/* Where a table landed, for the contents sheet and the charts. */
typedef struct xw_placed {
    const char *sheet;   /* borrowed from the xw_sheet */
    lxw_row_t title_row;
    lxw_row_t header_row;           /* the (last) header row */
    lxw_row_t first_row, last_row;  /* body rows; last_row < first_row when empty */
    size_t ncols;
} xw_placed;

/* formats.c: a cached workbook format for a style and a number format (NULL: General). */
lxw_format *xw_fmt(xw *w, unsigned style, const char *num_format);
void xw_formats_free(xw *w);
/* Number format text for a column type and decimals: "0", "0.0", "0.0%"; static storage. */
const char *xw_num_format(tally_col_type type, int decimals, int fractional_counts);
/* Excel's serial of 1970-01-01 (days since 1899-12-30). */
#define XW_EXCEL_EPOCH_1970 25569.0
/* A number of a tally_date_kind as an Excel serial with the date number format for the
 * report language `lang`; 0 when Excel cannot show it as a date (before 1900-03-01, a
 * negative time): the caller writes the text then. */
int xw_date_serial(int kind, double v, const char *lang, double *serial, const char **num_format);

/* sanitize.c: cell text made safe: valid UTF-8, literal _xHHHH_ sequences escaped so
 * Excel shows them as typed, cut to 32,767 characters. Returns a new string; *cut is set
 * when the text was shortened. */
char *xw_clean_text(const char *s, int *cut);
/* Text for places that take no escapes (sheet names, properties, chart titles):
 * valid UTF-8, control characters turned into spaces. Returns a new string. */
char *xw_plain_text(const char *s);
/* Characters (code points) in a UTF-8 string. */
size_t xw_utf8_len(const char *s);
/* Attempt `k` (from 1) at a legal sheet name made from `wanted`: at most 31
 * characters, none of []:*?/\, no apostrophe at either end, "…" where cut, and from
 * k = 2 on a suffix " (k)". Returns a new string. */
char *xw_sheet_name_try(const char *wanted, unsigned k);
/* Display width of text in characters (its longest line; wide characters count 2). */
double xw_text_width(const char *s);
/* `'Sheet name'!A1` with quotes doubled, for internal links; returns a new string. */
char *xw_sheet_ref(const char *sheet, lxw_row_t row, lxw_col_t col);

/* cells.c: writing cells while tracking column widths. */
/* Adds a worksheet named after `wanted_name`; the sheet is owned by `w` (freed by
 * xw_sheets_free). NULL after host->error. */
xw_sheet *xw_sheet_add(xw *w, const char *wanted_name);
void xw_sheets_free(xw *w);
/* Fits the column widths to the tracked content. */
void xw_sheet_fit(xw_sheet *s);
/* The width in characters xw_sheet_fit gives columns 0 to ncols - 1 together. */
double xw_sheet_fit_width(const xw_sheet *s, size_t ncols);
/* Widens column `col` to hold `chars` characters (capped). */
void xw_sheet_track(xw_sheet *s, lxw_col_t col, double chars);
/* Writes text as a string (never a formula); `where` names the cell in warnings.
 * Returns 0, or -1 after host->error. `track`: count it in the column width. */
int xw_write_text(xw *w, xw_sheet *s, lxw_row_t row, lxw_col_t col, const char *text,
                  lxw_format *f, int track, const char *where);
int xw_write_number(xw *w, xw_sheet *s, lxw_row_t row, lxw_col_t col, double v, lxw_format *f,
                     size_t shown_chars);
/* An internal hyperlink showing `text` in format `f` (NULL: the workbook's hyperlink style);
 * returns 0 or -1. */
int xw_write_link(xw *w, xw_sheet *s, lxw_row_t row, lxw_col_t col, const char *target_sheet,
                  lxw_row_t target_row, const char *text, lxw_format *f, int track);
/* Reports a libxlsxwriter error through host->error; returns -1. */
int xw_fail(xw *w, lxw_error err, const char *what);

/* table_sheet.c: writes table `t` at s->next_row and moves next_row below it.
 * Returns 0, or -1 after host->error. */
int xw_table_write(xw *w, xw_sheet *s, const tally_table *t, xw_placed *out);

/* banner_sheet.c: a banner table from its model: merged nested headers, letters beside
 * the figures (w->cell_style), frozen header, header rows repeated on printed pages.
 * Same contract as xw_table_write. */
enum { XW_CELLS_STACKED = 0, XW_CELLS_COMBINED, XW_CELLS_SEPARATE };
int xw_banner_write(xw *w, xw_sheet *s, const tally_table *t, xw_placed *out);
/* table_sheet.c helpers banner_sheet.c shares: title, question and base; below the last row
 * at `row`, the notes, a blank row and the link back to the contents, then s->next_row. */
int xw_table_heading(xw *w, xw_sheet *s, const tally_table *t, lxw_row_t *row);
int xw_table_footer(xw *w, xw_sheet *s, const tally_table *t, lxw_row_t row);

/* charts.c: a native chart bound to the placed table's cells, beside it from its header row down, or under the
 * table's footer (s->next_row) when the table is too wide for a chart beside it on a printed page.
 * Returns the rows from the title row to the chart's end (0 when the table has none), or -1. */
int xw_chart_insert(xw *w, xw_sheet *s, const tally_table *t, const xw_placed *p);

/* contents.c: the contents sheet: report meta and a link to every table and data sheet. */
typedef struct xw_entry {
    char *text;        /* owned: link text */
    char *note;        /* owned: second column (base), NULL */
    const char *sheet; /* borrowed from the xw_sheet */
    lxw_row_t row;
} xw_entry;
void xw_entries_free(xw_entry *e, size_t n);
int xw_contents_write(xw *w, xw_sheet *s, const xw_entry *tables, size_t ntables,
                      const xw_entry *data, size_t ndata);

/* data_sheet.c: the dataset named `dataset` on one sheet, or on several when it has
 * more rows than a sheet holds and `split` is set. Appends one entry per sheet to
 * *entries (grown with realloc). Returns 0, or -1 after host->error. */
int xw_data_write(xw *w, const char *dataset, int split, xw_entry **entries, size_t *nentries);

/* props.c: document properties (title, author, subject, created from SOURCE_DATE_EPOCH). */
int xw_props_set(xw *w);

/* Closes w->wb, which writes the file `path`; 0, or -1 after host->error with
 * the cause in the user's terms (a full disk, the temporary folder). close.c */
int xw_close_workbook(xw *w, const char *path);

/* The folder for libxlsxwriter's temporary files (staging.c): the user's TMPDIR, a folder in
 * memory for a workbook of tables alone, or NULL (libxlsxwriter's default). Borrowed. */
const char *xw_staging_folder(const tally_host *h, tally_ctx *ctx, const tally_report *rep, int data_sheet);

#endif
