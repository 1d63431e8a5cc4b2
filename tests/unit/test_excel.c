/* test_excel.c: the excel input plugin on workbooks written here by libxlsxwriter, values checked cell by cell. */
#include "check.h"
#include "dataset.h"
#include "host.h"
#include "plugin_harness.h"
#include "util.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

static const tally_plugin_descriptor *excel_plugin(void)
{
    static const tally_plugin_descriptor *desc;
    if (!desc) desc = harness_build_plugin("excel", NULL);
    return desc;
}

static char warnings[8192];

/* Reads `path` with "name=value" options ("name[]=value" appends to a list); NULL with *err on failure. */
static tally_dataset *load_v(const char *path, const char *const *opts, char **err)
{
    return harness_read(excel_plugin(), "excel", path, opts, err, warnings, sizeof warnings);
}
#define load(path, err, ...) load_v((path), (const char *const[]){__VA_ARGS__, NULL}, (err))

static const tally_column *col(const tally_dataset *ds, const char *name)
{
    int c = tally_dataset_find(ds, name);
    return c < 0 ? NULL : ds->cols[c];
}

static double num(const tally_dataset *ds, const char *name, size_t row)
{
    const tally_column *c = col(ds, name);
    return !c || c->type != TALLY_NUMERIC || row >= ds->nrows ? -999999 : tally_col_num(c, row);
}

static const char *str(const tally_dataset *ds, const char *name, size_t row)
{
    const tally_column *c = col(ds, name);
    return !c || c->type != TALLY_STRING ? "(not a string column)" : tally_column_string(c, row);
}

/* The known data: names, texts, numbers (some blank), booleans, dates, datetimes, times. */
static const char *names_[] = {"Anna", "Bäcker, Ö", "", "NA", "Zoë \"Z\""};
static const double scores[] = {3.5, -2, NAN, 1e-7, 123456789.125};
static const int oks[] = {1, 0, 1, -1, 0};
static const lxw_datetime borns[] = {{2020, 1, 2, 0, 0, 0}, {1969, 12, 31, 0, 0, 0}, {1900, 3, 1, 0, 0, 0},
                                     {2000, 2, 29, 0, 0, 0}, {1949, 3, 24, 0, 0, 0}};
static const double born_days[] = {18263, -1, -25508, 11016, -7588};
static const lxw_datetime stamps[] = {{2021, 6, 30, 13, 45, 10}, {1970, 1, 1, 0, 0, 0.5}, {1999, 12, 31, 23, 59, 59},
                                      {2024, 2, 29, 12, 0, 0}, {1950, 1, 1, 6, 0, 0}};
static const double stamp_secs[] = {1625060710, 0.5, 946684799, 1709208000, -631130400};

/* Writes the test workbook: sheet "Notes" first, then "Data" with two header rows (a merged group cell),
 * a hidden row and a hidden column. constant_memory = 1 writes inline strings instead of shared ones. */
static int write_boCHECK(const char *path, int constant_memory)
{
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory, .tmpdir = NULL, .use_zip64 = 0};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) return -1;
    lxw_worksheet *notes = workbook_add_worksheet(wb, "Notes");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
    lxw_format *date = workbook_add_format(wb), *dt = workbook_add_format(wb), *tm = workbook_add_format(wb);
    lxw_format *merged = workbook_add_format(wb);
    format_set_num_format(date, "dd.mm.yyyy");
    format_set_num_format(dt, "yyyy-mm-dd hh:mm:ss.000");
    format_set_num_format(tm, "[h]:mm");
    worksheet_write_string(notes, 0, 0, "not the data", NULL);
    /* header row 1: names, "rating" merged over two columns; row 2: labels */
    const char *head1[] = {"id", "name", "score", "ok", "born", "stamp", "time"};
    for (int c = 0; c < 7; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, head1[c], NULL);
    worksheet_merge_range(ws, 0, 7, 0, 8, "rating", merged);
    const char *head2[] = {"Respondent", "Name", "Score", "Agrees", "Born", "Stamp", "Time", "taste", "price"};
    for (int c = 0; c < 9; c++) worksheet_write_string(ws, 1, (lxw_col_t)c, head2[c], NULL);
    for (int r = 0; r < 5; r++) {
        lxw_row_t row = (lxw_row_t)(r + 2);
        worksheet_write_number(ws, row, 0, r + 1, NULL);
        if (names_[r][0]) worksheet_write_string(ws, row, 1, names_[r], NULL);
        if (!isnan(scores[r])) worksheet_write_number(ws, row, 2, scores[r], NULL);
        if (oks[r] >= 0) worksheet_write_boolean(ws, row, 3, oks[r], NULL);
        worksheet_write_datetime(ws, row, 4, (lxw_datetime *)&borns[r], date);
        worksheet_write_datetime(ws, row, 5, (lxw_datetime *)&stamps[r], dt);
        worksheet_write_number(ws, row, 6, (r * 7.5 + 0.25) / 24.0, tm); /* hours as a fraction of a day */
        worksheet_write_number(ws, row, 7, r % 3, NULL);
        worksheet_write_number(ws, row, 8, 5 - r, NULL);
        if (r == 3) {
            lxw_row_col_options hidden = {.hidden = 1, .level = 0, .collapsed = 0};
            worksheet_set_row_opt(ws, row, LXW_DEF_ROW_HEIGHT, NULL, &hidden);
        }
    }
    lxw_row_col_options hidden = {.hidden = 1, .level = 0, .collapsed = 0};
    worksheet_set_column_opt(ws, 8, 8, 10, NULL, &hidden);
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static void check_boCHECK(const char *path, const char *what)
{
    char *err = NULL;
    tally_dataset *ds = load(path, &err, "sheet=Data", "header_rows=2");
    CHECK(ds != NULL, "%s: read sheet 'Data' (%s)", what, err ? err : "ok");
    if (!ds) {
        free(err);
        return;
    }
    CHECK(ds->nrows == 5 && ds->ncols == 9, "%s: 5 rows x 9 columns (got %zu x %zu)", what, ds->nrows, ds->ncols);
    CHECK(col(ds, "rating") && col(ds, "rating_2"), "%s: the merged header cell names both columns it spans", what);
    CHECK(col(ds, "rating") && col(ds, "rating")->label && strcmp(col(ds, "rating")->label, "taste") == 0,
       "%s: header row 2 is the label", what);
    int cells_ok = 1;
    for (size_t r = 0; r < 5; r++) {
        const char *want = names_[r][0] && strcmp(names_[r], "NA") != 0 ? names_[r] : "";
        if (num(ds, "id", r) != (double)(r + 1)) cells_ok = 0, printf("#   %s: id row %zu\n", what, r);
        if (strcmp(str(ds, "name", r), want) != 0)
            cells_ok = 0, printf("#   %s: name row %zu is '%s', want '%s'\n", what, r, str(ds, "name", r), want);
        double s = num(ds, "score", r);
        if (!(isnan(scores[r]) ? isnan(s) : s == scores[r])) cells_ok = 0, printf("#   %s: score row %zu = %g\n", what, r, s);
        double k = num(ds, "ok", r);
        if (!(oks[r] < 0 ? isnan(k) : k == oks[r])) cells_ok = 0, printf("#   %s: ok row %zu = %g\n", what, r, k);
        if (num(ds, "born", r) != born_days[r])
            cells_ok = 0, printf("#   %s: born row %zu = %.17g, want %g\n", what, r, num(ds, "born", r), born_days[r]);
        if (fabs(num(ds, "stamp", r) - stamp_secs[r]) > 1e-3)
            cells_ok = 0, printf("#   %s: stamp row %zu = %.17g, want %.17g\n", what, r, num(ds, "stamp", r), stamp_secs[r]);
        if (fabs(num(ds, "time", r) - (r * 7.5 + 0.25) * 3600) > 1e-3)
            cells_ok = 0, printf("#   %s: time row %zu = %.17g\n", what, r, num(ds, "time", r));
        if (num(ds, "rating", r) != (double)(r % 3) || num(ds, "rating_2", r) != (double)(5 - r)) cells_ok = 0;
    }
    CHECK(cells_ok, "%s: every cell reads back as written (text, numbers, blanks, booleans, dates, times)", what);
    CHECK(col(ds, "name") && col(ds, "name")->type == TALLY_STRING && col(ds, "score")->type == TALLY_NUMERIC,
       "%s: types inferred (name text, score numeric)", what);
    CHECK(col(ds, "born")->is_date == TALLY_DATE_DAYS && col(ds, "stamp")->is_date == TALLY_DATE_DATETIME &&
           col(ds, "time")->is_date == TALLY_DATE_TIME && col(ds, "score")->is_date == 0,
       "%s: date kinds from the number formats (dd.mm.yyyy days, datetime seconds, [h]:mm a time)", what);
    CHECK(strstr(warnings, "1 hidden row kept as data (the first is row 6)") != NULL, "%s: hidden row noticed", what);
    CHECK(strstr(warnings, "1 hidden column kept as data (the first is column 9)") != NULL, "%s: hidden column noticed",
       what);
    tally_dataset_free(ds);
}

static void check_options(const char *path)
{
    char *err = NULL;
    tally_dataset *ds = load(path, &err, "sheet=2", "header_rows=2", "types[]=id:string", "missing[]=Anna");
    CHECK(ds && strcmp(str(ds, "id", 0), "1") == 0 && strcmp(str(ds, "name", 0), "") == 0 &&
           strcmp(str(ds, "name", 3), "NA") == 0,
       "sheet by position; types makes id text; 'missing' replaces the NA default");
    tally_dataset_free(ds);
    free(err);
    ds = load(path, &err, "sheet=1");
    CHECK(ds && ds->nrows == 0 && ds->ncols == 1 && col(ds, "not the data"), "the first sheet by default");
    tally_dataset_free(ds);
    free(err);
    ds = load(path, &err, "sheet=Daten");
    CHECK(!ds && err && strstr(err, ": the workbook has no sheet 'Daten'; its sheets are 'Notes', 'Data' (set sheet = a "
                                 "name or 1..2)"), "an unknown sheet is refused with the sheets' names");
    free(err);
    ds = load(path, &err, "sheet=Data", "header_rows=2", "types[]=name:numeric");
    CHECK(!ds && err && strstr(err, "sheet 'Data': row 3, column 'name': 'Anna' is not a number, but types makes 'name' "
                                 "numeric"), "types numeric on a text column is refused with row and column");
    if (!err || !strstr(err, "row 3, column 'name'")) printf("#   %s\n", err ? err : "(read)");
    free(err);
    ds = load(path, &err, "sheet=Data", "types[]=name:date");
    CHECK(!ds && err && strstr(err, "types: 'name:date' must be \"name:numeric\" or \"name:string\""),
          "a type the excel plugin does not read is refused, naming the two it does (%s)", err ? err : "read");
    free(err);
}

/* Columns whose cells are of different kinds: read as one type, with a warning that says how. */
static void check_mixed(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    worksheet_write_string(ws, 0, 0, "code", NULL);
    worksheet_write_string(ws, 0, 1, "when", NULL);
    worksheet_write_number(ws, 1, 0, 1.5, NULL);
    worksheet_write_string(ws, 2, 0, "x9", NULL);
    worksheet_write_number(ws, 3, 0, 3, NULL);
    lxw_datetime d = {2020, 1, 2, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 1, &d, date);
    worksheet_write_number(ws, 2, 1, 7, NULL);
    CHECK(workbook_close(wb) == LXW_NO_ERROR, "libxlsxwriter writes the mixed workbook");
    char *err = NULL;
    tally_dataset *ds = load(path, &err, "sheet=1");
    CHECK(ds && strcmp(str(ds, "code", 0), "1.5") == 0 && strcmp(str(ds, "code", 1), "x9") == 0 &&
              strcmp(str(ds, "code", 2), "3") == 0,
          "numbers and text in one column: text, the numbers as written");
    CHECK_CONTAINS(warnings, "column 'code' holds 1 text and 2 number cells: read as text (the numbers as written); "
                             "set types = { \"code:numeric\" }", "the mixed column is named in a warning");
    CHECK(ds && num(ds, "when", 0) == 43832 && num(ds, "when", 1) == 7 && col(ds, "when")->is_date == 0,
          "dates and plain numbers in one column: Excel's day counts, not dates");
    CHECK_CONTAINS(warnings, "column 'when' mixes 1 date cells with 1 plain numbers: read as numbers",
                   "the date/number mix is named in a warning");
    tally_dataset_free(ds);
    free(err);
}

/* The sheet's columns are stored compactly while they allow (whole numbers in int32 range, rows without a
 * gap); a cell that breaks either changes the storage mid-column, and every value before and after it stays. */
static void check_compact(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    static const double codes[] = {1, -7, 2147483647, -2147483648.0, 0.25, 3e9, -0.0, 5};
    size_t n = sizeof codes / sizeof codes[0];
    worksheet_write_string(ws, 0, 0, "code", NULL);
    worksheet_write_string(ws, 0, 1, "gappy", NULL);
    worksheet_write_string(ws, 0, 2, "word", NULL);
    for (size_t i = 0; i < n; i++) {
        worksheet_write_number(ws, (lxw_row_t)(i + 1), 0, codes[i], NULL);
        if (i != 3) worksheet_write_number(ws, (lxw_row_t)(i + 1), 1, (double)i * 10, NULL); /* a gap in row 5 */
        worksheet_write_string(ws, (lxw_row_t)(i + 1), 2, i % 2 ? "odd" : "even", NULL);
    }
    CHECK(workbook_close(wb) == LXW_NO_ERROR, "libxlsxwriter writes the compact-storage workbook");
    char *err = NULL;
    tally_dataset *ds = load(path, &err, "sheet=1");
    int same = ds && ds->nrows == n;
    for (size_t i = 0; same && i < n; i++) {
        double want = codes[i];
        same = num(ds, "code", i) == want && signbit(num(ds, "code", i)) == signbit(want) &&
               (i == 3 ? isnan(num(ds, "gappy", i)) : num(ds, "gappy", i) == (double)i * 10) &&
               strcmp(str(ds, "word", i), i % 2 ? "odd" : "even") == 0;
    }
    CHECK(same, "whole numbers, a fraction, 3e9 and -0 after them, a row gap and shared strings all read back "
                "exactly (%s)", err ? err : "read");
    tally_dataset_free(ds);
    free(err);
}

/* Merged header ranges fill their empty cells across rows and columns and stop at their right edge; an
 * empty name cell right of them continues the name (header_rows = 3: rows 2 and 3 are the labels). */
static void check_merges(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *merged = workbook_add_format(wb);
    worksheet_merge_range(ws, 0, 0, 1, 2, "g", merged); /* A1:C2 */
    worksheet_merge_range(ws, 0, 4, 0, 5, "h", merged); /* E1:F1 */
    for (int c = 0; c < 6; c++) {
        worksheet_write_string(ws, 2, (lxw_col_t)c, "l", NULL);
        worksheet_write_number(ws, 3, (lxw_col_t)c, c, NULL);
    }
    CHECK(workbook_close(wb) == LXW_NO_ERROR, "libxlsxwriter writes the merged-header workbook");
    char *err = NULL;
    tally_dataset *ds = load(path, &err, "header_rows=3");
    static const char *want_name[] = {"g", "g_2", "g_3", "g_4", "h", "h_2"};
    static const char *want_label[] = {"g - l", "g - l", "g - l", "l", "l", "l"};
    int same = ds && ds->ncols == 6 && ds->nrows == 1;
    for (int c = 0; same && c < 6; c++) {
        same = strcmp(ds->cols[c]->name, want_name[c]) == 0 && ds->cols[c]->label &&
               strcmp(ds->cols[c]->label, want_label[c]) == 0 && tally_col_num(ds->cols[c], 0) == c;
        if (!same) printf("#   column %d: '%s' '%s'\n", c + 1, ds->cols[c]->name, ds->cols[c]->label ? ds->cols[c]->label : "");
    }
    CHECK(same, "a 2x3 merge names and labels its cells, a 1x2 merge its two, D continues g (%s)", err ? err : "read");
    tally_dataset_free(ds);
    free(err);
}

/* A sheet as wide as Excel allows (16,384 columns): in header row 1 only A1 names its run of columns (the
 * name continues across, silently) and the right half is one name written in every cell (each copy renamed,
 * with a warning). Duplicate names were once found by comparing each name with all before it, for every
 * suffix tried: about n^3 / 6 string compares, some 10^11 here (an hour); hashed, it is a few look-ups a
 * column. The size is the test: the alarm in main turns a return of that search into a failure (killed)
 * instead of a make test that never ends; read linearly, the sheet takes well under a second. */
static void check_wide(const char *path)
{
    enum { NCOLS = 16384, HALF = NCOLS / 2 };
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    worksheet_write_string(ws, 0, 0, "q", NULL);
    for (int c = 0; c < NCOLS; c++) {
        if (c >= HALF) worksheet_write_string(ws, 0, (lxw_col_t)c, "x", NULL);
        worksheet_write_string(ws, 1, (lxw_col_t)c, c % 2 ? "odd" : "even", NULL);
        worksheet_write_number(ws, 2, (lxw_col_t)c, c, NULL);
    }
    CHECK(workbook_close(wb) == LXW_NO_ERROR, "libxlsxwriter writes the %d-column workbook", NCOLS);
    char *err = NULL;
    tally_dataset *ds = load(path, &err, "header_rows=2");
    int same = ds && ds->ncols == NCOLS && ds->nrows == 1;
    for (int c = 0; same && c < NCOLS; c++) {
        char want[32];
        const char *base = c < HALF ? "q" : "x";
        int k = c < HALF ? c + 1 : c - HALF + 1;
        if (k == 1) snprintf(want, sizeof want, "%s", base);
        else snprintf(want, sizeof want, "%s_%d", base, k);
        same = strcmp(ds->cols[c]->name, want) == 0 && tally_col_num(ds->cols[c], 0) == c &&
               strcmp(ds->cols[c]->label ? ds->cols[c]->label : "", c % 2 ? "odd" : "even") == 0;
        if (!same) printf("#   column %d: '%s', want '%s'\n", c + 1, ds->cols[c]->name, want);
    }
    CHECK(same, "16,384 columns: q, q_2 .. q_8192 continued from A1, x, x_2 .. x_8192 renamed, labels and values "
                "in place (%s)", err ? err : "read");
    CHECK(!strstr(warnings, "duplicate name 'q'") && strstr(warnings, "column 8194: duplicate name 'x' renamed to "
                                                                      "'x_2'") &&
              strstr(warnings, "column 8195: duplicate name 'x' renamed to 'x_3'"),
          "the written duplicates are warned, the continued name is not");
    tally_dataset_free(ds);
    free(err);
}

int main(void)
{
    char dir[] = "/tmp/tally-excel-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char *shared = xasprintf("%s/shared.xlsx", dir), *inl = xasprintf("%s/inline.xlsx", dir);
    CHECK(write_boCHECK(shared, 0) == 0 && write_boCHECK(inl, 1) == 0, "libxlsxwriter writes the test workbooks");
    check_boCHECK(shared, "shared strings");
    check_boCHECK(inl, "inline strings");
    check_options(shared);
    char *mixed = xasprintf("%s/mixed.xlsx", dir);
    check_mixed(mixed);
    check_compact(mixed);
    check_merges(mixed);
    CHECK_WATCHDOG(300); /* a watchdog for check_wide, not a timing: see there */
    check_wide(mixed);
    alarm(0);
    unlink(mixed);
    free(mixed);
    unlink(shared);
    unlink(inl);
    rmdir(dir);
    free(shared);
    free(inl);
    CHECK_DONE();
}
