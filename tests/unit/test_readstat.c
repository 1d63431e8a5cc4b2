/* test_readstat.c: the readstat input plugin on PSPP-made .sav/.zsav/.por files: values, metadata, bad input. */
#include "check.h"
#include "dataset.h"
#include "host.h"
#include "report_fixture.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

static const tally_plugin_descriptor *plugin;
static char tmp[64], repo[4096];

/* Reads `file` (in tmp unless absolute) with the given options; *err gets the message (borrowed until next call). */
static tally_dataset *read_file(const char *file, const char *format, const char *encoding, int user_missing,
                                int *rc, char *err, size_t errsize)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", file[0] == '/' ? "" : tmp, file[0] == '/' ? "" : "/", file);
    tally_ctx *ctx = tally_ctx_new("readstat");
    tally_options *o = tally_options_new("test.lua:1");
    tally_options_set_string(o, "path", path);
    if (format) tally_options_set_string(o, "format", format);
    if (encoding) tally_options_set_string(o, "encoding", encoding);
    if (user_missing >= 0) tally_options_set_bool(o, "user_missing", user_missing);
    tally_dataset *ds = tally_dataset_new("t");
    *rc = plugin->read(tally_host_get(), ctx, o, ds);
    snprintf(err, errsize, "%s", tally_ctx_error(ctx) ? tally_ctx_error(ctx) : "");
    tally_ctx_free(ctx);
    tally_options_free(o);
    return ds;
}

static const tally_column *col(const tally_dataset *ds, const char *name)
{
    int i = tally_dataset_find(ds, name);
    return i >= 0 ? ds->cols[i] : NULL;
}

static int is_nan(double x) { return x != x; }

static void check_survey(const char *file)
{
    char err[1024], what[256];
    int rc;
    tally_dataset *ds = read_file(file, NULL, NULL, -1, &rc, err, sizeof err);
    CHECK(rc == 0, "%s: read succeeds", file);
    if (rc != 0) {
        printf("#   %s\n", err);
        tally_dataset_free(ds);
        return;
    }
    CHECK(ds->nrows == 5 && ds->ncols == 11, "%s: 5 rows, 11 variables (got %zu, %zu)", file, ds->nrows, ds->ncols);
    const tally_column *q1 = col(ds, "q1"), *inc = col(ds, "income"), *city = col(ds, "city"), *born = col(ds, "born");
    if (!q1 || !inc || !city || !born) {
        CHECK(0, "%s: variables q1, income, city, born exist", file);
        tally_dataset_free(ds);
        return;
    }
    snprintf(what, sizeof what, "%s: variable label", file);
    CHECK_STR(q1->label, "How important is culture?", what);
    snprintf(what, sizeof what, "%s: value label 9", file);
    CHECK_STR(tally_column_value_label(q1, 9), "don't know", what);
    snprintf(what, sizeof what, "%s: string value label", file);
    CHECK_STR(tally_column_string_value_label(city, "Köln"), "Cologne", what);
    CHECK(q1->nmissing == 1 && q1->missing[0] == 9, "%s: discrete user-missing code 9", file);
    CHECK(q1->has_range && q1->range_lo == 95 && q1->range_hi == 99, "%s: missing range 95 THRU 99", file);
    CHECK(inc->has_range && inc->range_lo < -1e300 && inc->range_hi == -1, "%s: missing range LOWEST THRU -1", file);
    CHECK(city->nsmissing == 1 && strcmp(city->smissing[0], "") == 0, "%s: string missing code ''", file);
    CHECK(tally_column_is_user_missing(q1, 98) && !tally_column_is_user_missing(q1, 4), "%s: 98 is user-missing, 4 is not", file);
    CHECK(q1->measure == TALLY_ORDINAL && inc->measure == TALLY_SCALE && city->measure == TALLY_NOMINAL,
          "%s: measurement levels", file);
    snprintf(what, sizeof what, "%s: display format", file);
    CHECK_STR(inc->format, "F9.2", what);
    CHECK(inc->width == 9 && inc->decimals == 2, "%s: format width 9, decimals 2", file);
    CHECK(city->type == TALLY_STRING && city->width == 12, "%s: city is a string of width 12", file);
    CHECK(q1->num[2] == 9 && q1->num[3] == 98, "%s: user-missing codes stay in the column", file);
    CHECK_NEAR(inc->num[0], 1500.5, 1e-9, "income row 1");
    CHECK(is_nan(inc->num[2]), "%s: system-missing income is NaN", file);
    CHECK_NEAR(inc->num[4], 1e6, 1e-9, "income row 5");
    snprintf(what, sizeof what, "%s: UTF-8 string cell", file);
    CHECK_STR(tally_column_string(city, 2), "München", what);
    CHECK(born->is_date, "%s: born is a date", file);
    CHECK_NEAR(born->num[0], 7305, 1e-9, "1990-01-01 is day 7305 since 1970");
    CHECK_NEAR(born->num[3], 11016, 1e-9, "2000-02-29 is day 11016 since 1970");
    CHECK(is_nan(born->num[4]), "%s: missing date is NaN", file);
    CHECK(ds->weight == tally_dataset_find(ds, "wt"), "%s: weight variable wt", file);
    const tally_mrset *media = tally_dataset_find_mrset(ds, "$media");
    const tally_mrset *cities = tally_dataset_find_mrset(ds, "$cities");
    CHECK(media && media->kind == TALLY_MRSET_DICHOTOMY && media->counted == 1 && media->ncols == 3,
          "%s: dichotomy set $media counts 1 over 3 variables", file);
    CHECK(cities && cities->kind == TALLY_MRSET_CATEGORY && cities->ncols == 2 &&
          cities->cols[0] == tally_dataset_find(ds, "c1"), "%s: category set $cities over c1 c2", file);
    snprintf(what, sizeof what, "%s: set label", file);
    CHECK_STR(media ? media->label : NULL, "Media used", what);
    snprintf(what, sizeof what, "%s: source names file and format", file);
    CHECK_CONTAINS(ds->source, "survey.", what);
    tally_dataset_free(ds);
}

static void check_user_missing_off(void)
{
    char err[1024];
    int rc;
    tally_dataset *ds = read_file("survey.sav", NULL, NULL, 0, &rc, err, sizeof err);
    const tally_column *q1 = col(ds, "q1"), *inc = col(ds, "income"), *city = col(ds, "city");
    CHECK(rc == 0 && q1 && inc && city, "user_missing = false: read succeeds");
    if (rc == 0 && q1 && inc && city) {
        CHECK(is_nan(q1->num[2]) && is_nan(q1->num[3]) && q1->num[0] == 1, "user_missing = false: 9 and 98 become system-missing");
        CHECK(is_nan(inc->num[3]) && inc->num[0] == 1500.5, "user_missing = false: -1.25 (LOWEST THRU -1) becomes system-missing");
        CHECK(q1->nmissing == 0 && !q1->has_range && city->nsmissing == 0, "user_missing = false: no missing metadata kept");
    }
    tally_dataset_free(ds);
}

static void check_encoding(void)
{
    char err[1024];
    int rc;
    tally_dataset *ds = read_file("latin.sav", NULL, NULL, -1, &rc, err, sizeof err);
    const tally_column *city = col(ds, "city"), *q = col(ds, "q");
    CHECK(rc == 0 && city && q, "windows-1252 .sav: read succeeds");
    if (rc == 0 && city && q) {
        CHECK_STR(tally_column_string(city, 1), "Düsseldorf", "windows-1252 .sav: cell converted to UTF-8");
        CHECK_STR(city->label, "Stadt (Größe)", "windows-1252 .sav: variable label converted");
        CHECK_STR(tally_column_value_label(q, 2), "Straße", "windows-1252 .sav: value label converted");
        const tally_mrset *m = tally_dataset_find_mrset(ds, "$größe");
        CHECK(m != NULL, "windows-1252 .sav: set name converted");
        CHECK_STR(m ? m->label : NULL, "Größe der Stadt", "windows-1252 .sav: set label converted");
        CHECK_CONTAINS(ds->source, "(sav, WINDOWS-1252)", "windows-1252 .sav: source names the encoding");
    }
    tally_dataset_free(ds);

    ds = read_file("latin.sav", NULL, "bogus-charset", -1, &rc, err, sizeof err);
    CHECK(rc != 0, "unknown encoding override fails");
    char want[4096];
    snprintf(want, sizeof want, "'%s/latin.sav': the encoding 'bogus-charset' is not known (File has an unsupported "
             "character set); use an iconv name such as \"windows-1252\" or \"ISO-8859-1\" (iconv -l lists them)", tmp);
    CHECK_STR(err, want, "unknown encoding: message pinned");
    tally_dataset_free(ds);

    ds = read_file("latin.sav", NULL, "UTF-8", -1, &rc, err, sizeof err);
    CHECK(rc != 0, "wrong encoding override (UTF-8 for a windows-1252 file) fails");
    CHECK_CONTAINS(err, "text cannot be converted from UTF-8 to UTF-8", "wrong encoding: says what failed");
    CHECK_CONTAINS(err, "set the input's option encoding = \"...\" to the file's real encoding", "wrong encoding: says what to do");
    tally_dataset_free(ds);
}

/* Runs a read that must fail and compares the message (with TMP standing for the folder). */
static void expect_error(const char *file, const char *format, const char *want_tmpl, const char *what)
{
    char err[2048], want[4096];
    int rc;
    tally_dataset *ds = read_file(file, format, NULL, -1, &rc, err, sizeof err);
    CHECK(rc != 0, "%s: fails", what);
    const char *at = strstr(want_tmpl, "TMP");
    if (at) snprintf(want, sizeof want, "%.*s%s%s", (int)(at - want_tmpl), want_tmpl, tmp, at + 3);
    else snprintf(want, sizeof want, "%s", want_tmpl);
    char msg[300];
    snprintf(msg, sizeof msg, "%s: message pinned", what);
    CHECK_STR(err, want, msg);
    tally_dataset_free(ds);
}

static int write_file(const char *name, const void *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fwrite(data, 1, n, f);
    return fclose(f);
}

/* Reads the file NAME of the scratch folder into buf (up to cap bytes); the count read. */
static size_t slurp_tmp(const char *name, unsigned char *buf, size_t cap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, cap, f) : 0;
    if (f) fclose(f);
    return n;
}

static void check_bad_input(void)
{
    expect_error("missing.sav", NULL, "cannot open 'TMP/missing.sav': No such file or directory; check the input's path",
                 "missing file");
    write_file("empty.sav", "", 0);
    expect_error("empty.sav", NULL, "'TMP/empty.sav' is empty (0 bytes): there is no data to read; export the file again",
                 "empty file");
    const char *csv = "id;name\n1;Anna\n2;Ben\n";
    write_file("data.csv", csv, strlen(csv));
    write_file("data.sav", csv, strlen(csv));
    expect_error("data.csv", NULL, "'TMP/data.csv' is not an SPSS, Stata or SAS file: it holds text that looks like CSV; "
                 "read CSV files with the csv input", "CSV given to the readstat plugin");
    expect_error("data.sav", NULL, "'TMP/data.sav' is not an SPSS system file (.sav): it holds text that looks like CSV; "
                 "read CSV files with the csv input", "CSV named .sav");
    expect_error("survey.sav", "dta", "'TMP/survey.sav' is not a Stata file (.dta): it holds an SPSS system file (.sav); "
                 "set format = \"sav\" or rename the file", "format = dta on a .sav");
    unsigned char bin[64];
    for (size_t i = 0; i < sizeof bin; i++) bin[i] = (unsigned char)(i * 37 + 1);
    bin[5] = 0;
    write_file("noise.bin", bin, sizeof bin);
    expect_error("noise.bin", NULL, "'TMP/noise.bin' is not an SPSS, Stata or SAS file: it holds binary data of an "
                 "unknown kind; read CSV files with the csv input", "binary noise without extension");

    /* A .sav cut inside its data: the header promises 5 rows. */
    static unsigned char buf[1 << 16];
    size_t n = slurp_tmp("survey.sav", buf, sizeof buf);
    CHECK(n > 400, "survey.sav is there to cut (%zu bytes)", n);
    write_file("cut_dict.sav", buf, 300);
    expect_error("cut_dict.sav", NULL, "cannot read 'TMP/cut_dict.sav' as an SPSS system file (.sav): Unable to read from "
                 "file; the file is truncated, damaged or a variant libreadstat cannot read: copy or export it again "
                 "(as .sav if you can)", "truncated .sav (inside the dictionary)");
    write_file("cut_data.sav", buf, n - 20);
    int rc;
    char err[2048];
    tally_dataset *ds = read_file("cut_data.sav", NULL, NULL, -1, &rc, err, sizeof err);
    CHECK(rc != 0, "truncated .sav (inside the data): fails");
    CHECK_CONTAINS(err, "cut_data.sav", "truncated .sav (inside the data): message names the file");
    CHECK(strstr(err, "truncated") != NULL, "truncated .sav (inside the data): message says truncated: %s", err);
    tally_dataset_free(ds);
}

/* The .por PSPP writes for por.sps (written by check_por): every cell and the dictionary
 * are compared with what PSPP itself prints after IMPORT of the same file. */
static const char por_sps[] =
    "DATA LIST LIST /id (F4.0) score (F8.2) name (A10) when (DATE11) big (F12.3).\n"
    "BEGIN DATA\n"
    "1 3.25 \"Anna\" 01-JAN-1990 123456.789\n"
    "2 -0.5 \"Ben\" 29-FEB-2000 -0.001\n"
    "3 . \"\" . 1e10\n"
    "4 99 \"x y\" 15-OCT-1582 0.1\n"
    "5 97 \"refused\" 31-DEC-2025 .\n"
    "6 1e-7 \"long name!\" 01-JAN-1970 -1e15\n"
    "END DATA.\n"
    "VARIABLE LABELS id 'Case number' /score 'Test score (0-100)' /name 'First name' /when 'Interview date'.\n"
    "VALUE LABELS score 97 'refused' 99 'no answer' /name 'refused' 'Refused to say' /when 7305 'odd day'.\n"
    "MISSING VALUES score (97 THRU 99) /name ('refused') /big (LO THRU -1, 0.1) /id (9000 THRU HI).\n"
    "EXPORT OUTFILE='x.por'.\n";
static const char por_oracle_sps[] =
    "IMPORT FILE='x.por'.\n"
    "DISPLAY DICTIONARY.\n"
    "COMPUTE when70 = when / 86400 - 141428.\n"
    "FORMATS id score big when70 (F30.9).\n"
    "LIST id score name when70 big.\n";

/* Splits a CSV line without quoted commas into at most `max` fields (in place). */
static int split_csv(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static void check_por_against_pspp(void)
{
    char err[2048], path[4096], line[4096];
    int rc;
    tally_dataset *ds = read_file("x.por", NULL, NULL, -1, &rc, err, sizeof err);
    CHECK(rc == 0, "x.por: read succeeds: %s", err);
    if (rc != 0) {
        tally_dataset_free(ds);
        return;
    }
    snprintf(path, sizeof path, "%s/oracle_por.csv", tmp);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "PSPP's listing of x.por is there");
    if (!f) {
        tally_dataset_free(ds);
        return;
    }
    const char *names[] = {"ID", "SCORE", "NAME", "WHEN", "BIG"};
    const tally_column *c[5];
    for (int i = 0; i < 5; i++) c[i] = col(ds, names[i]);
    CHECK(ds->ncols == 5 && c[0] && c[1] && c[2] && c[3] && c[4], "x.por: the 5 variables, named as PSPP names them");
    if (!(c[0] && c[1] && c[2] && c[3] && c[4])) {
        fclose(f);
        tally_dataset_free(ds);
        return;
    }
    int section = 0, vars = 0, cells = 0, bad = 0;
    size_t row = 0;
    while (fgets(line, sizeof line, f)) {
        char *fl[12];
        if (strncmp(line, "Table: Variables", 16) == 0) section = 1;
        else if (strncmp(line, "Table: Data List", 16) == 0) section = 2;
        else if (line[0] == '\n' || line[0] == '\r') section = 0;
        else if (section && strncmp(line, "Name,", 5) != 0 && (section == 1 || strncmp(line, "ID,", 3) != 0)) {
            int n = split_csv(line, fl, 12);
            if (section == 1 && n >= 9) {
                const tally_column *v = col(ds, fl[0]);
                char what[200];
                snprintf(what, sizeof what, "x.por: %s label as PSPP", fl[0]);
                CHECK_STR(v && v->label ? v->label : "", fl[2], what);
                snprintf(what, sizeof what, "x.por: %s format as PSPP", fl[0]);
                CHECK_STR(v ? v->format : NULL, fl[7], what);
                vars++;
            } else if (section == 2 && n == 5) {
                CHECK(row < ds->nrows, "x.por: row %zu exists", row + 1);
                if (row >= ds->nrows) break;
                for (int i = 0; i < 5; i++) {
                    cells++;
                    if (i == 2) {
                        const char *s = tally_column_string(c[2], row);
                        if (strcmp(s ? s : "", fl[2]) != 0) {
                            bad++;
                            printf("# row %zu NAME: tally '%s', PSPP '%s'\n", row + 1, s, fl[2]);
                        }
                        continue;
                    }
                    const char *t = fl[i];
                    while (*t == ' ') t++;
                    double got = c[i]->num[row];
                    int want_missing = strncmp(t, ".", 1) == 0 && (t[1] == '\0' || t[1] == ' ');
                    double want = want_missing ? NAN : strtod(t, NULL);
                    int same = want_missing ? is_nan(got) : !is_nan(got) && fabs(got - want) <= 1e-9 * (1 + fabs(want));
                    if (!same) {
                        bad++;
                        printf("# row %zu %s: tally %.12g, PSPP '%s'\n", row + 1, names[i], got, t);
                    }
                }
                row++;
            }
        }
    }
    fclose(f);
    CHECK(vars == 5, "x.por: PSPP lists 5 variables (%d)", vars);
    CHECK(row == 6 && ds->nrows == 6, "x.por: 6 rows as PSPP (%zu, tally %zu)", row, ds->nrows);
    CHECK(cells == 30 && bad == 0, "x.por: all %d cells equal PSPP's (%d differ)", cells, bad);
    /* Metadata PSPP shows in DISPLAY DICTIONARY: missing values and value labels. */
    CHECK(c[1]->has_range && c[1]->range_lo == 97 && c[1]->range_hi == 99 && c[1]->nmissing == 0, "x.por: SCORE 97 THRU 99");
    CHECK(c[4]->has_range && isinf(c[4]->range_lo) && c[4]->range_lo < 0 && c[4]->range_hi == -1 &&
          c[4]->nmissing == 1 && fabs(c[4]->missing[0] - 0.1) < 1e-15, "x.por: BIG LOWEST THRU -1; 0.1");
    /* PSPP 1.6's EXPORT writes 9000 THRU HI with the largest double as the lower bound (record 'A');
     * PSPP's own IMPORT reads "1.797693134862316e+308 THRU HIGHEST", and so does tally. */
    CHECK(c[0]->has_range && c[0]->range_lo > 1e308 && isinf(c[0]->range_hi), "x.por: ID x THRU HIGHEST (record A) as PSPP reads it");
    CHECK(c[2]->nsmissing == 1 && strcmp(c[2]->smissing[0], "refused") == 0, "x.por: NAME missing 'refused'");
    CHECK_STR(tally_column_value_label(c[1], 97), "refused", "x.por: value label 97");
    CHECK_STR(tally_column_value_label(c[1], 99), "no answer", "x.por: value label 99");
    CHECK_STR(tally_column_string_value_label(c[2], "refused"), "Refused to say", "x.por: string value label");
    CHECK(c[3]->is_date && !c[0]->is_date, "x.por: WHEN is a date, ID is not");
    CHECK(c[2]->type == TALLY_STRING && c[2]->width == 10, "x.por: NAME is a string of width 10");
    CHECK_CONTAINS(ds->source, "x.por (por)", "x.por: source");
    tally_dataset_free(ds);

    ds = read_file("x.por", NULL, NULL, 0, &rc, err, sizeof err);
    c[1] = col(ds, "SCORE");
    c[2] = col(ds, "NAME");
    c[4] = col(ds, "BIG");
    CHECK(rc == 0 && c[1] && c[2] && c[4], "x.por, user_missing = false: read succeeds");
    if (rc == 0 && c[1] && c[2] && c[4]) {
        CHECK(is_nan(c[1]->num[3]) && is_nan(c[1]->num[4]) && c[1]->num[0] == 3.25, "x.por, user_missing = false: 97, 99 become system-missing");
        CHECK(is_nan(c[4]->num[3]) && is_nan(c[4]->num[5]) && c[4]->num[2] == 1e10, "x.por, user_missing = false: 0.1 and -1e15 become system-missing");
        CHECK_STR(tally_column_string(c[2], 4), "", "x.por, user_missing = false: 'refused' becomes empty");
        CHECK(!c[1]->has_range && c[2]->nsmissing == 0, "x.por, user_missing = false: no missing metadata kept");
    }
    tally_dataset_free(ds);
}

/* survey.por as PSPP 1.6 writes it (libreadstat 1.1.8 rejects it; tally reads .por itself). */
static void check_por(void)
{
    int rc;
    char err[2048];
    tally_dataset *ds = read_file("survey.por", NULL, NULL, -1, &rc, err, sizeof err);
    CHECK(rc == 0, "survey.por: read succeeds: %s", err);
    if (rc == 0) {
        const tally_column *q1 = col(ds, "Q1"), *city = col(ds, "CITY"), *born = col(ds, "BORN"), *inc = col(ds, "INCOME");
        CHECK(q1 && city && born && inc && ds->nrows == 5 && ds->ncols == 11, "survey.por: 5 rows, 11 variables");
        if (q1 && city && born && inc) {
            CHECK(q1->num[3] == 98 && q1->nmissing == 1 && q1->has_range, "survey.por: Q1 values and missing");
            CHECK_NEAR(inc->num[0], 1500.5, 1e-9, "survey.por: income row 1");
            CHECK_NEAR(inc->num[4], 1e6, 1e-9, "survey.por: income row 5");
            CHECK_NEAR(born->num[3], 11016, 1e-9, "survey.por: 2000-02-29 is day 11016");
            CHECK_STR(tally_column_string(city, 2), "München", "survey.por: UTF-8 text PSPP writes is kept");
            CHECK_STR(tally_column_string_value_label(city, "Köln"), "Cologne", "survey.por: string value label");
            CHECK(ds->weight == tally_dataset_find(ds, "WT"), "survey.por: weight variable WT");
        }
    }
    tally_dataset_free(ds);

    /* Cut inside the data: the message says where and what to do. */
    static unsigned char buf[1 << 16];
    size_t n = slurp_tmp("survey.por", buf, sizeof buf);
    CHECK(n > 1200, "survey.por is there to cut (%zu bytes)", n);
    write_file("cut.por", buf, 1200);
    expect_error("cut.por", NULL, "cannot read 'TMP/cut.por' as an SPSS portable file (.por): the file ends inside "
                 "case 1, variable 'CITY'; the file is truncated or damaged: copy or export it again (as .sav if you can)",
                 "truncated .por (inside the data)");
    write_file("cut_dict.por", buf, 600);
    expect_error("cut_dict.por", NULL, "cannot read 'TMP/cut_dict.por' as an SPSS portable file (.por): the file ends "
                 "inside a variable label; the file is truncated or damaged: copy or export it again (as .sav if you can)",
                 "truncated .por (inside the dictionary)");
}

int main(void)
{
    plugin = fixture_plugin("readstat");
    CHECK(plugin != NULL, "readstat.so loads and exports its descriptor");
    if (!plugin) CHECK_DONE();
    CHECK(strcmp(plugin->name, "readstat") == 0 && plugin->kind == TALLY_PLUGIN_INPUT &&
          strcmp(plugin->extensions, "sav|zsav|por|dta|sas7bdat|xpt") == 0, "descriptor: name, kind, extensions");
    if (!getcwd(repo, sizeof repo)) CHECK_DONE();
    snprintf(tmp, sizeof tmp, "/tmp/tally-rs.XXXXXX");
    if (!mkdtemp(tmp)) CHECK_DONE();
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "cd '%s' && pspp '%s/tests/data/spss/survey.sps' >pspp.log 2>&1 && "
             "pspp '%s/tests/data/spss/latin.sps' >>pspp.log 2>&1", tmp, repo, repo);
    int made = system(cmd) == 0;
    CHECK(made, "pspp writes the fixtures (survey.sav, survey.zsav, survey.por, latin.sav)");
    if (made) {
        check_survey("survey.sav");
        check_survey("survey.zsav");
        check_user_missing_off();
        check_encoding();
        check_bad_input();
        check_por();
    }
    FILE *sps = NULL;
    snprintf(cmd, sizeof cmd, "%s/por.sps", tmp);
    if ((sps = fopen(cmd, "w"))) fputs(por_sps, sps), fclose(sps);
    snprintf(cmd, sizeof cmd, "%s/oracle_por.sps", tmp);
    if ((sps = fopen(cmd, "w"))) fputs(por_oracle_sps, sps), fclose(sps);
    snprintf(cmd, sizeof cmd, "cd '%s' && pspp por.sps >>pspp.log 2>&1 && pspp -O format=csv oracle_por.sps >oracle_por.csv 2>>pspp.log", tmp);
    made = system(cmd) == 0;
    CHECK(made, "pspp writes x.por and lists it (oracle_por.csv)");
    if (made) check_por_against_pspp();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) printf("# could not remove %s\n", tmp);
    CHECK_DONE();
}
