/* plugin.c: the excel input plugin's descriptor, options and reading one worksheet of an .xlsx/.xlsm workbook. */
#include "xlsx_build.h"
#include "input_options.h"
#include "xlsform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tally_option_decl excel_options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "the .xlsx or .xlsm workbook to read"},
    {"sheet", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "the worksheet: its name, or its position (1 = the first)"},
    {"header_rows", TALLY_OPT_INT, 0, "1", NULL, 0, 10,
     "header rows: 0 (names V1..Vn), 1 (names), 2+ (names, then labels such as option texts)"},
    {"missing", TALLY_OPT_LIST, 0, NULL, NULL, 0, 0,
     "text cells read as system-missing, besides the empty cell (default: { \"NA\" })"},
    {"types", TALLY_OPT_LIST, 0, NULL, NULL, 0, 0,
     "type overrides, { \"zip:string\", \"q1:numeric\" }; other columns are inferred"},
    {"form", TALLY_OPT_PATH, 0, NULL, NULL, 0, 0,
     "the XLSForm (.xlsx, survey and choices sheets) of a KoboToolbox/ODK export: labels, choices, sets, metadata"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static int parse_options(const tally_host *h, tally_ctx *ctx, const tally_options *o, xlsx_settings *s)
{
    const char *where = input_opt_where(h, o, "excel");
    memset(s, 0, sizeof *s);
    s->path = input_opt_path(h, ctx, o, where, "the .xlsx workbook");
    if (!s->path) return -1;
    s->sheet = h->opt_is_set(o, "sheet") ? h->opt_string(o, "sheet") : NULL;
    s->header_rows = h->opt_is_set(o, "header_rows") ? (int)h->opt_int(o, "header_rows") : 1;
    static const char *const kinds[] = {"numeric", "string", NULL};
    if (input_opt_missing(h, ctx, o, where, s->missing, XLSX_MAX_MISSING, &s->nmissing) != 0) return -1;
    if (input_opt_types(h, ctx, o, where, kinds, s->types, XLSX_MAX_TYPES, &s->ntypes) != 0) return -1;
    return 0;
}

/* The index of the sheet the settings name; -1 after host->error. */
static long pick_sheet(const tally_host *h, tally_ctx *ctx, const xlsx_settings *s, const xlsx_book *b)
{
    if (!s->sheet || !*s->sheet) return 0;
    for (size_t i = 0; i < b->nsheets; i++)
        if (strcmp(b->sheet_names[i], s->sheet) == 0) return (long)i;
    char *end;
    long k = strtol(s->sheet, &end, 10);
    if (!*end && k >= 1 && (size_t)k <= b->nsheets) return k - 1;
    char list[512] = "";
    size_t o = 0;
    for (size_t i = 0; i < b->nsheets && o < sizeof list - 8; i++) {
        int n = snprintf(list + o, sizeof list - o, "%s'%s'", i ? ", " : "", b->sheet_names[i]);
        if (n > 0) o += (size_t)n;
    }
    h->error(ctx, "%s: the workbook has no sheet '%s'; its sheets are %s (set sheet = a name or 1..%zu)", s->path,
             s->sheet, list, b->nsheets);
    return -1;
}

static void notices(const tally_host *h, tally_ctx *ctx, const char *where, const xlsx_grid *g, size_t hr)
{
    if (g->hidden_rows)
        h->log(ctx, TALLY_LOG_WARN, "%s: %zu hidden row%s kept as data (the first is row %u); delete them in the "
                                    "workbook if they should not count", where, g->hidden_rows,
               g->hidden_rows == 1 ? "" : "s", g->first_hidden_row);
    if (g->col_hidden) {
        size_t n = 0, first = 0;
        for (size_t c = 0; c < g->ncols; c++)
            if (g->col_hidden[c] && !n++) first = c + 1;
        if (n)
            h->log(ctx, TALLY_LOG_WARN, "%s: %zu hidden column%s kept as data (the first is column %zu); drop %s "
                                        "in the workbook or a stage if %s should not count", where, n,
                   n == 1 ? "" : "s", first, n == 1 ? "it" : "them", n == 1 ? "it" : "they");
    }
    if (g->errors && g->first_error_row > hr)
        h->log(ctx, TALLY_LOG_WARN, "%s: %zu error cell%s (#N/A, #DIV/0!, ...) read as system-missing (the first at "
                                    "row %u, column %u)", where, g->errors, g->errors == 1 ? "" : "s",
               g->first_error_row, g->first_error_col);
}

static int excel_read(const tally_host *h, tally_ctx *ctx, const tally_options *opts, tally_dataset *out)
{
    xlsx_settings s;
    if (parse_options(h, ctx, opts, &s) != 0) return 1;
    char err[XLSX_ERR] = "";
    xlsx_book book;
    xlsx_grid grid;
    memset(&book, 0, sizeof book);
    memset(&grid, 0, sizeof grid);
    int rc = 1;
    xlsx_zip *z = xlsx_zip_open(s.path, err);
    if (!z) {
        h->error(ctx, "%s: %s", s.path, err);
        return 1;
    }
    if (xlsx_book_read(z, &book, err) != 0) {
        h->error(ctx, "%s: %s", s.path, err);
        goto done;
    }
    long k = pick_sheet(h, ctx, &s, &book);
    if (k < 0) goto done;
    if (!book.sheet_parts[k]) {
        h->error(ctx, "%s: sheet '%s' has no worksheet part (a chart sheet?); pick a worksheet with option 'sheet'",
                 s.path, book.sheet_names[k]);
        goto done;
    }
    const char *base = strrchr(s.path, '/');
    base = base ? base + 1 : s.path;
    size_t wn = strlen(s.path) + strlen(book.sheet_names[k]) + 32;
    char *where = malloc(wn);
    if (!where) {
        h->error(ctx, "%s: out of memory", s.path);
        goto done;
    }
    snprintf(where, wn, "%s, sheet '%s'", s.path, book.sheet_names[k]);
    h->log(ctx, TALLY_LOG_INFO, "%s: reading (%s date system)", where, book.date1904 ? "1904" : "1900");
    xlsx_how how;
    if (xlsx_sheet_read_how(z, &book, (size_t)k, &grid, err, &how) != 0) {
        h->error(ctx, "%s: %s", where, err);
        free(where);
        goto done;
    }
    if (how.pieces > 1)
        h->log(ctx, TALLY_LOG_INFO, "%s: sheet XML parsed in %zu pieces by %d parsers at once%s%s%s", where, how.pieces,
               how.parsers, how.why[0] ? " (" : "", how.why, how.why[0] ? ")" : "");
    else
        h->log(ctx, TALLY_LOG_INFO, "%s: sheet XML parsed by one parser%s%s%s", where, how.why[0] ? " (" : "", how.why,
               how.why[0] ? ")" : "");
    notices(h, ctx, where, &grid, (size_t)s.header_rows);
    xlsx_build x = {.call = {h, ctx}, .s = &s, .b = &book, .g = &grid, .where = where};
    if (xlsx_build_dataset(&x, out) == 0 && xlsform_option(h, ctx, opts, out) == 0) {
        snprintf(where, wn, "%s (excel, sheet '%s')", base, book.sheet_names[k]);
        h->ds_set_source(out, where);
        rc = 0;
    }
    free(where);
done:
    xlsx_grid_free(&grid);
    xlsx_book_free(&book);
    xlsx_zip_close(z);
    return rc;
}

static const tally_plugin_descriptor excel_descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_INPUT,
    .name = "excel",
    .description = "Excel workbooks (.xlsx, .xlsm): one worksheet, shared strings, dates in both date systems",
    .version = "1.0",
    .options = excel_options,
    .extensions = "xlsx|xlsm",
    .read = excel_read,
    .write = NULL,
};

TALLY_PLUGIN(excel_descriptor)
