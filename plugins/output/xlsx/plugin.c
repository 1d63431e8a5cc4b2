/* plugin.c: the xlsx output plugin: descriptor, options and the write() that assembles the workbook. */
#include "xlsx.h"
#include "table_label.h"
#include "report_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tally_option_decl xlsx_options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "the workbook to write (.xlsx)"},
    {"layout", TALLY_OPT_CHOICE, 0, "sheet_per_table", "sheet_per_table|stacked", 0, 0,
     "one sheet per table, or all tables stacked on one sheet"},
    {"charts", TALLY_OPT_BOOL, 0, "true", NULL, 0, 0, "native Excel charts beside the tables that ask for one"},
    {"data_sheet", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "a dataset to add as a filterable data sheet"},
    {"row_limit", TALLY_OPT_CHOICE, 0, "error", "error|split", 0, 0,
     "a data sheet over Excel's 1,048,576 rows: fail, or split it over several sheets"},
    {"cell_style", TALLY_OPT_CHOICE, 0, "stacked", "stacked|combined|separate", 0, 0,
     "banner cells: count over column % with its letters, column % and letters in one cell, or a column each"},
    {"title", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "document title (default: the report title)"},
    {"author", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "document author (default: the report author)"},
    {"subject", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "document subject (default: the report subject)"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL}};

static const char *opt_or_meta(const tally_host *h, const tally_options *o, const tally_report *r,
                               const char *name)
{
    const char *v = h->opt_is_set(o, name) ? h->opt_string(o, name) : NULL;
    return v ? v : h->rep_meta(r, name);
}

static int opt_is(const tally_host *h, const tally_options *o, const char *name, const char *value)
{
    const char *v = h->opt_is_set(o, name) ? h->opt_string(o, name) : NULL;
    return v && strcmp(v, value) == 0;
}

/* "Table 3 Areas of cooperation" before it is made a legal sheet name; a new string. */
static char *table_sheet_wanted(xw *w, const tally_table *t, size_t number)
{
    const char *title = w->call.h->tab_title(t);
    if (!title || !*title) title = w->call.h->tab_id(t);
    const char *word = w->call.h->rep_tr(w->rep, "Table");
    size_t n = strlen(word) + strlen(title) + 32;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s %zu %s", word, number, title);
    return s;
}

/* Printed (or converted to PDF), a table sheet is one page wide with its chart
 * beside it, in landscape; long tables run on to further pages. */
static void print_setup(xw_sheet *s)
{
    worksheet_set_landscape(s->ws);
    worksheet_fit_to_pages(s->ws, 1, 0);
}

/* The table sheets (and their charts); fills one contents entry per table. */
static int write_tables(xw *w, xw_entry *entries)
{
    const tally_host *h = w->call.h;
    xw_sheet *stack = NULL;
    for (size_t i = 0; i < h->rep_ntables(w->rep); i++) {
        const tally_table *t = h->rep_table(w->rep, i);
        xw_sheet *s = stack;
        if (!s) {
            char *wanted = w->stacked ? strdup(h->rep_tr(w->rep, "Tables")) : table_sheet_wanted(w, t, i + 1);
            s = wanted ? xw_sheet_add(w, wanted) : NULL;
            free(wanted);
            if (!s) return w->failed ? -1 : xw_fail(w, LXW_ERROR_MEMORY_MALLOC_FAILED, "a sheet");
            print_setup(s);
            if (w->stacked) stack = s;
        }
        xw_placed p;
        if (xw_table_write(w, s, t, &p) < 0) return -1;
        entries[i].text = table_label_new(h, w->rep, i);
        entries[i].note = h->tab_base(t) ? strdup(h->tab_base(t)) : NULL;
        entries[i].sheet = s->name;
        entries[i].row = p.title_row;
        int rows = w->charts ? xw_chart_insert(w, s, t, &p) : 0;
        if (rows < 0) return -1;
        if (rows && s->next_row < p.title_row + (lxw_row_t)rows + 1) s->next_row = p.title_row + (lxw_row_t)rows + 1;
        if (w->stacked) s->next_row += 2; /* the gap between stacked tables */
        else xw_sheet_fit(s);
    }
    if (stack) xw_sheet_fit(stack);
    return 0;
}

static int build(xw *w, xw_entry *tables, xw_entry **data, size_t *ndata)
{
    const tally_host *h = w->call.h;
    if (xw_props_set(w) < 0) return -1;
    xw_sheet *contents = xw_sheet_add(w, h->rep_tr(w->rep, "Contents"));
    if (!contents) return -1;
    print_setup(contents);
    if (write_tables(w, tables) < 0) return -1;
    const char *dataset = h->opt_is_set(w->opts, "data_sheet") ? h->opt_string(w->opts, "data_sheet") : NULL;
    if (dataset && xw_data_write(w, dataset, opt_is(h, w->opts, "row_limit", "split"), data, ndata) < 0)
        return -1;
    if (xw_contents_write(w, contents, tables, h->rep_ntables(w->rep), *data, *ndata) < 0) return -1;
    xw_sheet_fit(contents);
    return 0;
}

static int xlsx_write(const tally_host *host, tally_ctx *ctx, const tally_options *opts,
                      const tally_report *report, const char *path)
{
    xw w;
    memset(&w, 0, sizeof w);
    w.call = (plugin_call){host, ctx};
    w.opts = opts;
    w.rep = report;
    w.stacked = opt_is(host, opts, "layout", "stacked");
    w.cell_style = opt_is(host, opts, "cell_style", "combined") ? XW_CELLS_COMBINED
                   : opt_is(host, opts, "cell_style", "separate") ? XW_CELLS_SEPARATE : XW_CELLS_STACKED;
    w.charts = host->opt_is_set(opts, "charts") ? host->opt_bool(opts, "charts") : 1;
    w.title = opt_or_meta(host, opts, report, "title");
    w.author = opt_or_meta(host, opts, report, "author");
    w.subject = opt_or_meta(host, opts, report, "subject");
    /* Fail before any work when the file cannot be made (libxlsxwriter opens it last). */
    FILE *probe = report_file_open(host, ctx, "xlsx_write", path);
    if (!probe) return 1;
    fclose(probe);

    /* A data sheet is written row by row in constant memory; its strings are then inline.
     * Only the data sheets are: the table sheets are kept in memory, so that libxlsxwriter
     * can give every chart the cached text and numbers of the cells it plots (without them
     * LibreOffice shows "Chart Title" and previewers show empty charts). See data_sheet.c. */
    const char *dataset = host->opt_is_set(opts, "data_sheet") ? host->opt_string(opts, "data_sheet") : NULL;
    const tally_dataset *ds = dataset ? host->rep_dataset(report, dataset) : NULL;
    lxw_workbook_options wo;
    memset(&wo, 0, sizeof wo);
    wo.constant_memory = 0;
    wo.tmpdir = (char *)xw_staging_folder(host, ctx, report, ds != NULL); /* libxlsxwriter only reads it */
    wo.use_zip64 = ds && (double)host->ds_nrows(ds) * host->ds_ncols(ds) > 4e6; /* parts over 4 GB */
    w.wb = workbook_new_opt(path, &wo);
    if (!w.wb) {
        host->error(ctx, "%s: cannot start a workbook (out of memory, or no temporary folder)", path);
        remove(path);
        return 1;
    }

    size_t ntables = host->rep_ntables(report), ndata = 0;
    xw_entry *tables = calloc(ntables ? ntables : 1, sizeof *tables), *data = NULL;
    int rc = tables ? build(&w, tables, &data, &ndata) : xw_fail(&w, LXW_ERROR_MEMORY_MALLOC_FAILED, "the tables");
    if (rc == 0) {
        rc = xw_close_workbook(&w, path);
    } else {
        lxw_workbook_free(w.wb); /* nothing is written */
    }
    if (rc != 0) remove(path); /* no half-written workbook is left behind */
    xw_entries_free(tables, tables ? ntables : 0);
    xw_entries_free(data, ndata);
    xw_sheets_free(&w);
    xw_formats_free(&w);
    return rc == 0 ? 0 : 1;
}

static const tally_plugin_descriptor xlsx_descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_OUTPUT,
    .name = "xlsx",
    .description = "Excel workbook: contents, formatted tables, native charts, optional data sheet",
    .version = "1.0",
    .options = xlsx_options,
    .extensions = "xlsx",
    .read = NULL,
    .write = xlsx_write,
};

TALLY_PLUGIN(xlsx_descriptor)
