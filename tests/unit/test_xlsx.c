/* test_xlsx.c: the xlsx output plugin on hand-built reports, read back by tests/xlsx_check.py (openpyxl). */
/* tier: full (make test runs it, make check leaves it out: it takes over 10 s) */
#include "check.h"
#include "dataset.h"
#include "host.h"
#include "report_fixture.h"
#include "result.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const tally_plugin_descriptor *plugin;
static char tmpdir[] = "/tmp/tally-xlsx-XXXXXX";

/* Options from "name=value" pairs (NULL-terminated), validated against the plugin's
 * declarations. Returns NULL and prints the message when invalid. */
static tally_options *options(const char *const *kv, char **err)
{
    tally_options *o = tally_options_new("test.lua:1");
    for (size_t i = 0; kv && kv[i]; i++) {
        const char *eq = strchr(kv[i], '=');
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - kv[i]), kv[i]);
        if (strcmp(eq + 1, "true") == 0 || strcmp(eq + 1, "false") == 0)
            tally_options_set_bool(o, name, strcmp(eq + 1, "true") == 0);
        else
            tally_options_set_string(o, name, eq + 1);
    }
    char *e = NULL;
    if (tally_options_validate(o, plugin->options, "output 'xlsx'", tmpdir, &e) != 0) {
        if (err) *err = e;
        else free(e);
        tally_options_free(o);
        return NULL;
    }
    return o;
}

/* Runs the plugin's write; returns its result. The error message, if any, goes to *err. */
static int run_write(const tally_report *r, const char *const *kv, const char *file, char **err)
{
    tally_options *o = options(kv, err);
    if (!o) return -2;
    tally_ctx *ctx = tally_ctx_new("xlsx");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    int rc = plugin->write(tally_host_get(), ctx, o, r, path);
    if (err) *err = tally_ctx_error(ctx) ? strdup(tally_ctx_error(ctx)) : NULL;
    tally_ctx_free(ctx);
    tally_options_free(o);
    return rc;
}

/* Runs tests/xlsx_check.py MODE FILE...; its ok/not ok lines join this test's. */
static int py_check(const char *mode, const char *file, const char *file2)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/xlsx_check.py %s %s/%s%s%s%s", mode, tmpdir, file,
             file2 ? " " : "", file2 ? tmpdir : "", file2 ? "/" : "");
    if (file2) strncat(cmd, file2, sizeof cmd - strlen(cmd) - 1);
    fflush(stdout);
    int rc = system(cmd);
    if (rc != 0) check_failures++;
    return rc;
}

/* ---- fixtures ----------------------------------------------------------------- */

static tally_table *freq_table(void)
{
    tally_table *t = fixture_table("freq_q1", "Q1 Areas of cooperation", "",
                                   (const fixture_col[]){{"Count", TALLY_COL_COUNT, 0}, {"Percent", TALLY_COL_PERCENT, 1},
                                                         {"Valid percent", TALLY_COL_PERCENT, 1}, {0}});
    tally_table_set_question(t, "In which areas does your city cooperate with its partner?");
    tally_table_set_base(t, "N = 46, more than one answer possible");
    const char *labels[] = {"Economy", "Culture", "Education", "No answer", "Total"};
    tally_row_type types[] = {TALLY_ROW_CATEGORY, TALLY_ROW_CATEGORY, TALLY_ROW_CATEGORY, TALLY_ROW_MISSING,
                              TALLY_ROW_TOTAL};
    double counts[] = {20, 16, 8, 2, 46};
    for (size_t i = 0; i < 5; i++) {
        size_t r = tally_table_add_row(t, types[i]);
        tally_table_set_text(t, r, 0, labels[i]);
        tally_table_set_number(t, r, 1, counts[i]);
        tally_table_set_number(t, r, 2, counts[i] * 100.0 / 46);
        if (types[i] != TALLY_ROW_MISSING) tally_table_set_number(t, r, 3, i == 4 ? 100 : counts[i] * 100.0 / 44);
    }
    tally_table_add_note(t, "Source: city survey 2024.");
    size_t series[] = {2};
    tally_table_set_chart(t, TALLY_CHART_BAR, NULL, series, 1);
    return t;
}

static tally_table *cross_table(void)
{
    tally_table *t = fixture_table("cross_q2", "Q2 Satisfaction by size", "",
                                   (const fixture_col[]){{"Small", TALLY_COL_COUNT, 1}, {"Large", TALLY_COL_COUNT, 1},
                                                         {"Sig.", TALLY_COL_LETTERS, 0}, {"East", TALLY_COL_MEAN, 2},
                                                         {"West", TALLY_COL_MEAN, 2}, {0}});
    tally_table_set_col_group(t, 1, "City size");
    tally_table_set_col_group(t, 2, "City size");
    tally_table_set_col_group(t, 3, "City size");
    tally_table_set_col_group(t, 4, "Region");
    tally_table_set_col_group(t, 5, "Region");
    const char *labels[] = {"Satisfied", "Neutral", "Unsatisfied"};
    for (size_t i = 0; i < 3; i++) {
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        tally_table_set_text(t, r, 0, labels[i]);
        tally_table_set_number(t, r, 1, 10.5 + (double)i); /* weighted: fractional counts */
        tally_table_set_number(t, r, 2, 7.25 * (double)(i + 1));
        tally_table_set_text(t, r, 3, i == 0 ? "A" : "");
        tally_table_set_number(t, r, 4, 3.14159 + (double)i);
        tally_table_set_number(t, r, 5, 2.5);
    }
    size_t r = tally_table_add_row(t, TALLY_ROW_STAT);
    tally_table_set_text(t, r, 0, "Mean");
    tally_table_set_number(t, r, 4, 1.005);
    size_t series[] = {1, 2};
    tally_table_set_chart(t, TALLY_CHART_COLUMN, "Satisfaction", series, 2);
    return t;
}

/* A table whose charted rows are not consecutive (a missing row in the middle). */
static tally_table *gap_table(tally_chart_kind kind, const char *id)
{
    tally_table *t = fixture_table(id, kind == TALLY_CHART_PIE ? "Q3 Partner continent" : "Q4 Visits per year", "",
                                   (const fixture_col[]){{"Count", TALLY_COL_COUNT, 0}, {0}});
    const char *labels[] = {"Asia", "Don't know", "Europe", "Africa", "Total"};
    tally_row_type types[] = {TALLY_ROW_CATEGORY, TALLY_ROW_MISSING, TALLY_ROW_CATEGORY, TALLY_ROW_CATEGORY,
                              TALLY_ROW_TOTAL};
    for (size_t i = 0; i < 5; i++) {
        size_t r = tally_table_add_row(t, types[i]);
        tally_table_set_text(t, r, 0, labels[i]);
        tally_table_set_number(t, r, 1, (double)(i + 1));
    }
    size_t series[] = {1};
    tally_table_set_chart(t, kind, NULL, series, 1);
    return t;
}

static tally_report *main_report(void)
{
    tally_report *r = tally_report_new();
    tally_report_set_meta(r, "title", "German cities and their Chinese partners");
    tally_report_set_meta(r, "date", "2024-05-01");
    tally_report_set_meta(r, "source", "responses.csv (csv)");
    tally_report_set_meta(r, "author", "Survey team");
    tally_report_set_meta(r, "base", "46 cities");
    tally_table *ts[] = {freq_table(), cross_table(), gap_table(TALLY_CHART_PIE, "pie_q3"),
                         gap_table(TALLY_CHART_LINE, "line_q4")};
    for (size_t i = 0; i < 4; i++) {
        tally_report_add_table(r, ts[i]);
        tally_table_unref(ts[i]);
    }
    return r;
}

static char *long_text(size_t n, char c)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static tally_report *hostile_report(void)
{
    tally_report *r = tally_report_new();
    tally_report_set_meta(r, "title", "=HYPERLINK(\"http://x\",\"y\")");
    /* 40 characters with a '/' and other characters a sheet name cannot hold */
    tally_table *t = fixture_table("hostile", "Cities/towns: [partner] areas? * in 2024", "",
                                   (const fixture_col[]){{"=1+1", TALLY_COL_TEXT, 0}, {0}});
    const char *cells[] = {"=HYPERLINK(\"http://x\",\"y\")", "+1", "@SUM(A1)", "-2+3", "_x0001_",
                           "a\x01" "b\rc", "bad \xff utf8"};
    char *big = long_text(40000, 'a');
    for (size_t i = 0; i < 8; i++) {
        size_t row = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        tally_table_set_text(t, row, 0, i < 7 ? cells[i] : "long answer");
        tally_table_set_text(t, row, 1, i < 7 ? cells[i] : big);
    }
    free(big);
    tally_report_add_table(r, t);
    tally_table_unref(t);
    /* the same title again: the sheet name must still be unique */
    t = tally_table_new("hostile_2", "Cities/towns: [partner] areas? * in 2024");
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_report_add_table(r, t);
    tally_table_unref(t);
    t = tally_table_new("apostrophe", "'Quoted' title's sheet'");
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_report_add_table(r, t);
    tally_table_unref(t);
    return r;
}

static tally_dataset *data_fixture(size_t nrows)
{
    tally_dataset *ds = tally_dataset_new("responses");
    int city = tally_dataset_add_column(ds, "city", TALLY_STRING);
    int n = tally_dataset_add_column(ds, "n", TALLY_NUMERIC);
    tally_dataset_resize(ds, nrows);
    const char *names[] = {"Hamburg", "=cmd|' /C calc'!A0", "_x0041_", "@x"};
    for (size_t i = 0; i < nrows && i < 4; i++) tally_dataset_set_string(ds, city, i, names[i], strlen(names[i]));
    for (size_t i = 0; i < nrows; i++) ds->cols[n]->num[i] = i == 2 ? NAN : (double)i * 1.5;
    return ds;
}

/* Captures what the plugin logs to stderr during fn. */
static char *stderr_of(int (*fn)(void), int *rc)
{
    char path[600];
    snprintf(path, sizeof path, "%s/stderr.txt", tmpdir);
    fflush(stderr);
    int saved = dup(2);
    FILE *f = fopen(path, "w");
    dup2(fileno(f), 2);
    *rc = fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(f);
    f = fopen(path, "r");
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static tally_report *hostile;
static int write_hostile(void)
{
    const char *kv[] = {"path=hostile.xlsx", NULL};
    return run_write(hostile, kv, "hostile.xlsx", NULL);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) return 1;
    plugin = fixture_plugin("xlsx");
    CHECK(plugin != NULL, "xlsx plugin loads");
    if (!plugin) CHECK_DONE();
    CHECK_STR(plugin->name, "xlsx", "plugin is named xlsx");
    CHECK(plugin->kind == TALLY_PLUGIN_OUTPUT && plugin->write && plugin->abi_major == TALLY_ABI_MAJOR,
          "plugin is an output plugin of this ABI");

    /* options */
    char *err = NULL;
    const char *bad[] = {"pth=x.xlsx", NULL};
    CHECK(options(bad, &err) == NULL, "unknown option refused");
    CHECK_CONTAINS(err, "did you mean 'path'", "misspelt option gets a suggestion");
    free(err);
    const char *bad_layout[] = {"path=x.xlsx", "layout=grid", NULL};
    err = NULL;
    CHECK(options(bad_layout, &err) == NULL, "unknown layout refused");
    free(err);

    setenv("SOURCE_DATE_EPOCH", "1609459200", 1);
    tally_report *r = main_report();
    const char *kv[] = {"path=main.xlsx", NULL};
    CHECK(run_write(r, kv, "main.xlsx", NULL) == 0, "main report written");
    py_check("main", "main.xlsx", NULL);

    sleep(1); /* a clock-dependent part would now differ */
    const char *kv2[] = {"path=main2.xlsx", NULL};
    CHECK(run_write(r, kv2, "main2.xlsx", NULL) == 0, "main report written again");
    py_check("same", "main.xlsx", "main2.xlsx");

    const char *kv3[] = {"path=stacked.xlsx", "layout=stacked", "title=Override title", "author=A. Author",
                         "subject=Cities", NULL};
    CHECK(run_write(r, kv3, "stacked.xlsx", NULL) == 0, "stacked report written");
    py_check("stacked", "stacked.xlsx", NULL);

    const char *kv4[] = {"path=nocharts.xlsx", "charts=false", NULL};
    CHECK(run_write(r, kv4, "nocharts.xlsx", NULL) == 0, "report without charts written");
    py_check("nocharts", "nocharts.xlsx", NULL);

    err = NULL;
    const char *kv5[] = {"path=missing-folder/x.xlsx", NULL};
    char target[600];
    snprintf(target, sizeof target, "%s/nowhere/x.xlsx", tmpdir);
    tally_options *o = options(kv5, NULL);
    tally_ctx *ctx = tally_ctx_new("xlsx");
    CHECK(plugin->write(tally_host_get(), ctx, o, r, target) != 0, "unwritable path fails");
    CHECK_CONTAINS(tally_ctx_error(ctx), target, "the error names the path");
    tally_ctx_free(ctx);
    tally_options_free(o);

    /* UI text in the report's language; a report without tables */
    tally_table *ft = freq_table();
    tally_report *de = fixture_report_in("de", ft);
    tally_table_unref(ft);
    const char *kv10[] = {"path=de.xlsx", NULL};
    CHECK(run_write(de, kv10, "de.xlsx", NULL) == 0, "German report written");
    py_check("german", "de.xlsx", NULL);
    tally_report_free(de);
    tally_report *empty = tally_report_new();
    const char *kv11[] = {"path=empty.xlsx", NULL};
    CHECK(run_write(empty, kv11, "empty.xlsx", NULL) == 0, "empty report written");
    py_check("empty", "empty.xlsx", NULL);
    tally_report_free(empty);

    /* hostile text */
    hostile = hostile_report();
    int rc;
    char *log = stderr_of(write_hostile, &rc);
    CHECK(rc == 0, "hostile report written");
    CHECK_CONTAINS(log, "cut to Excel's limit of 32767", "cutting a long text is logged");
    CHECK_CONTAINS(log, "40000 characters", "the warning says how long the text was");
    py_check("hostile", "hostile.xlsx", NULL);

    /* data sheet */
    tally_dataset *ds = data_fixture(10);
    tally_report_add_dataset(r, ds);
    const char *kv6[] = {"path=data.xlsx", "data_sheet=responses", NULL};
    CHECK(run_write(r, kv6, "data.xlsx", NULL) == 0, "report with a data sheet written");
    py_check("data", "data.xlsx", NULL);
    const char *kv7[] = {"path=nodata.xlsx", "data_sheet=nosuch", NULL};
    err = NULL;
    CHECK(run_write(r, kv7, "nodata.xlsx", &err) != 0, "unknown data_sheet dataset fails");
    CHECK_CONTAINS(err, "no dataset named 'nosuch'", "the error names the dataset");
    free(err);

    /* Excel's row limit: one row more than a sheet holds */
    tally_report *big = tally_report_new();
    tally_dataset *bigds = data_fixture(1048576);
    tally_report_add_dataset(big, bigds);
    const char *kv8[] = {"path=big.xlsx", "data_sheet=responses", NULL};
    err = NULL;
    CHECK(run_write(big, kv8, "big.xlsx", &err) != 0, "a dataset over the row limit fails by default");
    CHECK_CONTAINS(err, "row_limit = \"split\"", "the error says how to split");
    free(err);
    const char *kv9[] = {"path=split.xlsx", "data_sheet=responses", "row_limit=split", NULL};
    CHECK(run_write(big, kv9, "split.xlsx", NULL) == 0, "row_limit split writes the dataset");
    py_check("split", "split.xlsx", NULL);

    tally_report_free(big);
    tally_dataset_free(bigds);
    tally_report_free(hostile);
    tally_report_free(r);
    tally_dataset_free(ds);
    if (!getenv("TALLY_KEEP_TMP")) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) printf("# could not remove %s\n", tmpdir);
    } else {
        printf("# kept %s\n", tmpdir);
    }
    CHECK_DONE();
}
