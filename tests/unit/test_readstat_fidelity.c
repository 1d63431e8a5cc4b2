/* test_readstat_fidelity.c: SPSS string labels and blanks against PSPP's FREQUENCIES, Stata tagged missing values, SAS catalogues and date kinds. */
#include "check.h"
#include "dataset.h"
#include "describe.h"
#include "host.h"
#include "rs_writer.h"
#include "pspp_csv.h"
#include "stats.h"

#include <dlfcn.h>
#include <math.h>
#include <readstat.h>
#include <stdlib.h>
#include <unistd.h>

static const tally_plugin_descriptor *plugin(void)
{
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char so[4096];
    snprintf(so, sizeof so, "%s/plugins/readstat.so", build);
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    tally_plugin_entry_fn entry = h ? (tally_plugin_entry_fn)dlsym(h, TALLY_PLUGIN_ENTRY_NAME) : NULL;
    return entry ? entry() : NULL;
}

/* Reads `path` (and the SAS catalogue `catalog` when not NULL); NULL after printing the error. */
static tally_dataset *read_file(const char *path, const char *catalog)
{
    const tally_plugin_descriptor *p = plugin();
    if (!p) {
        printf("# cannot load readstat.so: %s\n", dlerror());
        return NULL;
    }
    tally_ctx *ctx = tally_ctx_new("readstat");
    tally_options *o = tally_options_new("test.lua:1");
    tally_options_set_string(o, "path", path);
    if (catalog) tally_options_set_string(o, "catalog", catalog);
    tally_dataset *ds = tally_dataset_new("t");
    if (p->read(tally_host_get(), ctx, o, ds) != 0) {
        printf("# read %s: %s\n", path, tally_ctx_error(ctx));
        tally_dataset_free(ds);
        ds = NULL;
    }
    tally_ctx_free(ctx);
    tally_options_free(o);
    return ds;
}

static const tally_column *col_of(const tally_dataset *ds, const char *name)
{
    int i = ds ? tally_dataset_find(ds, name) : -1;
    return i >= 0 ? ds->cols[i] : NULL;
}

/* ---- SPSS: string widths 1-8, blanks, dates, file label and documents (written by PSPP) ---- */

static const char fixture_sps[] =
    "DATA LIST LIST (\";\") /id (F2) s1 (A1) s2 (A2) s3 (A3) s4 (A4) s5 (A5) s6 (A6) s7 (A7) s8 (A8)\n"
    "  sm (A4) sx (A5) d1 (DATE11) ad (ADATE10) ed (EDATE10) sd (SDATE10) dt (DATETIME20) tm (TIME8).\n"
    "BEGIN DATA\n"
    "1;a;ab;ab;ab;ab;ab;ab;ab;x;zz;24-MAR-1949;03/24/1949;24.03.1949;1949/03/24;24-MAR-1949 13:45:10;01:30:00\n"
    "2;a;ab;ab;ab;ab;ab;ab;ab; ;zz;01-JAN-2000;01/01/2000;01.01.2000;2000/01/01;01-JAN-2000 00:00:00;23:59:59\n"
    "3;b;x;xyz;wxyz;vwxyz;uvwxyz;tuvwxyz;stuvwxyz;y;a;31-DEC-1969;12/31/1969;31.12.1969;1969/12/31;31-DEC-1969 23:59:59;00:00:01\n"
    "4; ; ; ; ; ; ; ; ; ; ;;;;;;\n"
    "5;a;ab;ab;ab;ab;ab;ab;ab;x;b;02-JAN-1970;01/02/1970;02.01.1970;1970/01/02;02-JAN-1970 06:00:00;12:00:00\n"
    "6;b;x;xyz;wxyz;vwxyz;uvwxyz;tuvwxyz;stuvwxyz;x;c;29-FEB-2024;02/29/2024;29.02.2024;2024/02/29;29-FEB-2024 12:30:00;00:00:00\n"
    "7;a;ab;ab;ab;ab;ab;ab;ab; ;zz;;;;;;\n"
    "END DATA.\n"
    "VALUE LABELS s1 'a' 'Label a1' /s2 'ab' 'Label ab2' /s3 'ab' 'Label ab3' 'xyz' 'Label xyz3'\n"
    "  /s4 'ab' 'Label ab4' /s5 'ab' 'Label ab5' /s6 'ab' 'Label ab6' /s7 'ab' 'Label ab7'\n"
    "  /s8 'ab' 'Label ab8' 'stuvwxyz' 'Label full8' /sx 'zz' 'Refused'.\n"
    "MISSING VALUES sm ('    ') /sx ('zz').\n"
    "FILE LABEL 'Fidelity fixture'.\n"
    "DOCUMENT 'Written by test_readstat_fidelity.'.\n"
    "SAVE OUTFILE='fid.sav'.\n"
    "FREQUENCIES s1 s2 s3 s4 s5 s6 s7 s8 sm sx.\n";

/* Compares tally's frequency table of `name` with PSPP's: each row's label, count and valid percent. */
static void compare_frequencies(const tally_dataset *ds, const char *name)
{
    const table *theirs = find_table(name);
    int c = tally_dataset_find(ds, name);
    CHECK(theirs && c >= 0, "%s: PSPP has a frequency table and tally the variable", name);
    if (!theirs || c < 0) return;
    char *err = NULL;
    tally_table *mine = tally_stats_frequencies(ds, c, NULL, &err);
    CHECK(mine != NULL, "%s: tally's frequencies%s%s", name, err ? ": " : "", err ? err : "");
    free(err);
    if (!mine) return;
    /* PSPP rows: section ("Valid"/"Missing"/"Total"), label, frequency, percent, valid percent. */
    size_t r = 0;
    int bad = 0, rows = 0;
    const char *section = "";
    for (int i = 0; i < theirs->nrows; i++) {
        const record *p = &theirs->rows[i];
        if (p->n < 5) continue;
        if (p->f[0][0]) section = p->f[0];
        if (strcmp(section, "Total") == 0 || strcmp(p->f[1], "Total") == 0) continue;
        while (r < mine->nrows && mine->rows[r].type == TALLY_ROW_TOTAL) r++;
        if (r >= mine->nrows) { bad++; break; }
        const tally_trow *m = &mine->rows[r++];
        const char *label = m->cells[0].text ? m->cells[0].text : "";
        int missing_row = m->type == TALLY_ROW_MISSING;
        double count = m->cells[1].num, valid = m->cells[3].num;
        double their_valid = p->f[4][0] ? strtod(p->f[4], NULL) : NAN;
        int same = strcmp(label, p->f[1]) == 0 && count == strtod(p->f[2], NULL) &&
                   missing_row == (strcmp(section, "Missing") == 0) &&
                   (missing_row ? 1 : fabs(valid - their_valid) < 0.051);
        if (!same) {
            bad++;
            printf("#   %s: PSPP %s '%s' %s valid %s; tally %s '%s' %g valid %.1f\n", name, section, p->f[1], p->f[2],
                   p->f[4], missing_row ? "Missing" : "Valid", label, count, valid);
        }
        rows++;
    }
    while (r < mine->nrows && mine->rows[r].type == TALLY_ROW_TOTAL) r++;
    CHECK(bad == 0 && rows > 0 && r == mine->nrows, "%s: %d rows (labels, counts, valid percents) agree with PSPP's FREQUENCIES",
          name, rows);
    tally_table_unref(mine);
}

static void check_spss(const char *tmp)
{
    char cmd[8192], path[4096];
    snprintf(path, sizeof path, "%s/fid.sps", tmp);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(fixture_sps, f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "cd '%s' && pspp -O format=csv fid.sps >fid.csv 2>fid.err", tmp);
    CHECK(f && system(cmd) == 0, "pspp writes fid.sav and its FREQUENCIES");
    snprintf(path, sizeof path, "%s/fid.csv", tmp);
    f = fopen(path, "rb");
    static char text[1 << 17];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f) fclose(f);
    text[n] = '\0';
    parse_output(text);
    snprintf(path, sizeof path, "%s/fid.sav", tmp);
    tally_dataset *ds = read_file(path, NULL);
    CHECK(ds != NULL, "tally reads fid.sav");
    if (!ds) return;

    /* String value labels of every width: SPSS pads codes to the width, tally trims them as the data. */
    static const char *const sv[] = {"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"};
    for (int w = 0; w < 8; w++) {
        const tally_column *c = col_of(ds, sv[w]);
        char want[32];
        snprintf(want, sizeof want, w == 0 ? "Label a1" : "Label ab%d", w + 1);
        CHECK_STR(c ? tally_column_string_value_label(c, w == 0 ? "a" : "ab") : NULL, want,
                  "string value label applied to the trimmed data value (A1-A8)");
        compare_frequencies(ds, sv[w]);
    }
    const tally_column *s8 = col_of(ds, "s8");
    CHECK_STR(s8 ? tally_column_string_value_label(s8, "stuvwxyz") : NULL, "Label full8", "a label of the full width (A8)");
    /* Blank strings: valid values unless declared missing (sm declares the blank, sx declares 'zz'). */
    compare_frequencies(ds, "sm");
    compare_frequencies(ds, "sx");
    const tally_column *sx = col_of(ds, "sx");
    CHECK(sx && tally_column_is_user_missing_string(sx, "zz") && !tally_column_is_user_missing_string(sx, ""),
          "sx: 'zz' is user-missing, the blank is not");

    /* Dates, datetimes and times keep their kind. */
    static const char *const days[] = {"d1", "ad", "ed", "sd"};
    for (int i = 0; i < 4; i++) {
        const tally_column *c = col_of(ds, days[i]);
        CHECK(c && c->is_date == TALLY_DATE_DAYS && tally_col_num(c, 0) == -7588 && tally_col_num(c, 4) == 1 &&
                  tally_col_num(c, 5) == 19782 && isnan(tally_col_num(c, 6)),
              "%s: a date, days since 1970 (1949-03-24 = -7588, 2024-02-29 = 19782)", days[i]);
    }
    const tally_column *dt = col_of(ds, "dt"), *tm = col_of(ds, "tm");
    CHECK(dt && dt->is_date == TALLY_DATE_DATETIME && tally_col_num(dt, 0) == -7588 * 86400.0 + 13 * 3600 + 45 * 60 + 10 &&
              tally_col_num(dt, 2) == -1,
          "dt: DATETIME is a datetime, seconds since 1970 (1969-12-31 23:59:59 = -1)");
    CHECK(tm && tm->is_date == TALLY_DATE_TIME && tally_col_num(tm, 0) == 5400 && tally_col_num(tm, 1) == 86399,
          "tm: TIME is a time, seconds (01:30:00 = 5400)");

    /* a catalogue belongs to SAS data: on a .sav it is an error naming the option */
    tally_ctx *ctx = tally_ctx_new("readstat");
    tally_options *o = tally_options_new("test.lua:7");
    tally_options_set_string(o, "path", path);
    tally_options_set_string(o, "catalog", "formats.sas7bcat");
    tally_dataset *other = tally_dataset_new("t");
    CHECK(plugin()->read(tally_host_get(), ctx, o, other) != 0, "catalog on a .sav is refused");
    CHECK_CONTAINS(tally_ctx_error(ctx), "test.lua:7: the option catalog names a SAS format catalogue, but",
                   "the error names config:line and the option");
    tally_dataset_free(other);
    tally_ctx_free(ctx);
    tally_options_free(o);
    CHECK_STR(ds->file_label, "Fidelity fixture", "the .sav's file label");
    CHECK(ds->ndocuments >= 1 && strstr(ds->documents[0], "Written by test_readstat_fidelity.") != NULL,
          "the .sav's documents (%zu line(s))", ds->ndocuments);
    tally_dataset_free(ds);
}

/* ---- Stata: tagged missing values .a-.z with their labels ---------------------------- */

static void check_stata(const char *tmp)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tagged.dta", tmp);
    FILE *f = fopen(path, "wb");
    readstat_writer_t *w = p_readstat_writer_init();
    p_readstat_set_data_writer(w, rs_write_bytes);
    readstat_label_set_t *ls = p_readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "yesno");
    p_readstat_label_double_value(ls, 1, "Yes");
    p_readstat_label_double_value(ls, 2, "No");
    p_readstat_label_tagged_value(ls, 'a', "Refused");
    p_readstat_label_tagged_value(ls, 'b', "Don't know");
    readstat_variable_t *q = p_readstat_add_variable(w, "q", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_label_set(q, ls);
    readstat_variable_t *born = p_readstat_add_variable(w, "born", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_format(born, "%td");
    readstat_variable_t *at = p_readstat_add_variable(w, "at", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_format(at, "%tc");
    readstat_error_t e = p_readstat_begin_writing_dta(w, f, 8);
    /* q: 1 1 2 .a .a .b . .c */
    static const char tags[8] = {0, 0, 0, 'a', 'a', 'b', 0, 'c'};
    static const double qv[8] = {1, 1, 2, 0, 0, 0, NAN, 0};
    for (int r = 0; r < 8 && e == READSTAT_OK; r++) {
        e = p_readstat_begin_row(w);
        if (tags[r]) p_readstat_insert_tagged_missing_value(w, q, tags[r]);
        else if (isnan(qv[r])) p_readstat_insert_missing_value(w, q);
        else p_readstat_insert_double_value(w, q, qv[r]);
        /* 1949-03-24: -7588 days after 1970, 3653 more after 1960; 13:45:10 that day in ms after 1960 */
        p_readstat_insert_double_value(w, born, -7588 + 3653 + r);
        p_readstat_insert_double_value(w, at, ((-7588 + 3653) * 86400.0 + 49510) * 1000.0);
        if (e == READSTAT_OK) e = p_readstat_end_row(w);
    }
    if (e == READSTAT_OK) e = p_readstat_end_writing(w);
    p_readstat_writer_free(w);
    if (f) fclose(f);
    CHECK(f && e == READSTAT_OK, "libreadstat writes tagged.dta");
    tally_dataset *ds = read_file(path, NULL);
    const tally_column *qc = col_of(ds, "q");
    CHECK(qc != NULL, "tally reads tagged.dta");
    if (!qc) {
        tally_dataset_free(ds);
        return;
    }
    double a = tally_col_num(qc, 3), b = tally_col_num(qc, 5), c = tally_col_num(qc, 7);
    CHECK(!isnan(a) && !isnan(b) && !isnan(c) && a != b && b != c && a == tally_col_num(qc, 4),
          ".a, .b and .c are three distinct codes, not system-missing");
    CHECK(isnan(tally_col_num(qc, 6)), "plain . stays system-missing");
    CHECK(tally_column_is_user_missing(qc, a) && tally_column_is_user_missing(qc, b) && tally_column_is_user_missing(qc, c) &&
              !tally_column_is_user_missing(qc, 1),
          ".a, .b and .c are user-missing, 1 is valid");
    CHECK_STR(tally_column_value_label(qc, a), "Refused", ".a keeps its label");
    CHECK_STR(tally_column_value_label(qc, b), "Don't know", ".b keeps its label");
    char *err = NULL;
    tally_table *t = tally_stats_frequencies(ds, tally_dataset_find(ds, "q"), NULL, &err);
    free(err);
    int ok = t != NULL;
    if (t) {
        /* Yes 2, No 1, Valid total 3, then missing: Refused 2, Don't know 1, .c 1, System missing 1, Total 8 */
        static const char *const labels[] = {"Yes", "No", "Valid total", "Refused", "Don't know", ".c", "System missing", "Total"};
        static const double counts[] = {2, 1, 3, 2, 1, 1, 1, 8};
        ok = t->nrows == 8;
        for (size_t r = 0; ok && r < 8; r++) {
            const char *l = t->rows[r].cells[0].text;
            if (!l || strcmp(l, labels[r]) != 0 || t->rows[r].cells[1].num != counts[r]) {
                printf("#   row %zu: '%s' %g, want '%s' %g\n", r, l ? l : "", t->rows[r].cells[1].num, labels[r], counts[r]);
                ok = 0;
            }
        }
        CHECK(ok && t->rows[3].type == TALLY_ROW_MISSING, "frequencies show .a, .b (labelled) and .c as missing rows");
        CHECK_NEAR(t->rows[0].cells[3].num, 200.0 / 3, 1e-9, "valid percent of Yes is 2 of 3 valid cases");
        tally_table_unref(t);
    } else {
        CHECK(0, "frequencies of q");
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        tally_describe_print(mem, ds);
        fclose(mem);
    }
    CHECK_CONTAINS(text, "    Missing:  .a; .b; .c\n", "describe names the tagged missing values as Stata does");
    CHECK_CONTAINS(text, "      .a = Refused  [missing]\n      .b = Don't know  [missing]\n", "describe lists their labels");
    free(text);
    /* user_missing = false: .a-.z become system-missing, as every declared code does */
    tally_ctx *ctx = tally_ctx_new("readstat");
    tally_options *o = tally_options_new("test.lua:1");
    tally_options_set_string(o, "path", path);
    tally_options_set_bool(o, "user_missing", 0);
    tally_dataset *sys = tally_dataset_new("t");
    int rc = plugin()->read(tally_host_get(), ctx, o, sys);
    const tally_column *qs = rc == 0 ? col_of(sys, "q") : NULL;
    CHECK(qs && isnan(tally_col_num(qs, 3)) && isnan(tally_col_num(qs, 7)) && qs->nmissing == 0 && qs->nlabels == 2,
          "user_missing = false: .a-.z are system-missing, their labels dropped");
    tally_dataset_free(sys);
    tally_ctx_free(ctx);
    tally_options_free(o);
    const tally_column *bc = col_of(ds, "born"), *ac = col_of(ds, "at");
    CHECK(bc && bc->is_date == TALLY_DATE_DAYS && tally_col_num(bc, 0) == -7588, "%%td: a date, 1949-03-24 = -7588 days");
    CHECK(ac && ac->is_date == TALLY_DATE_DATETIME && tally_col_num(ac, 0) == -7588 * 86400.0 + 49510,
          "%%tc: a datetime, seconds since 1970");
    tally_dataset_free(ds);
}

/* ---- SAS: value labels from a .sas7bcat catalogue; date, datetime and time formats ----- */

static int write_sas(const char *data, const char *catalog)
{
    FILE *f = fopen(catalog, "wb");
    if (!f) return -1;
    readstat_writer_t *w = p_readstat_writer_init();
    p_readstat_set_data_writer(w, rs_write_bytes);
    readstat_label_set_t *ls = p_readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "SEXFMT");
    p_readstat_label_double_value(ls, 1, "Male");
    p_readstat_label_double_value(ls, 2, "Female");
    /* no string format: libreadstat 1.1.8 writes a catalogue with one that its own reader rejects */
    readstat_error_t e = p_readstat_begin_writing_sas7bcat(w, f);
    if (e == READSTAT_OK) e = p_readstat_end_writing(w);
    p_readstat_writer_free(w);
    fclose(f);
    if (e != READSTAT_OK) return -1;

    f = fopen(data, "wb");
    if (!f) return -1;
    w = p_readstat_writer_init();
    p_readstat_set_data_writer(w, rs_write_bytes);
    readstat_variable_t *sex = p_readstat_add_variable(w, "sex", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_format(sex, "SEXFMT");
    readstat_variable_t *grp = p_readstat_add_variable(w, "grp", READSTAT_TYPE_STRING, 8);
    p_readstat_variable_set_format(grp, "$GRPFMT");
    readstat_variable_t *born = p_readstat_add_variable(w, "born", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_format(born, "DATE9");
    readstat_variable_t *at = p_readstat_add_variable(w, "at", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_format(at, "DATETIME20");
    readstat_variable_t *tm = p_readstat_add_variable(w, "tm", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_format(tm, "TIME8");
    readstat_variable_t *score = p_readstat_add_variable(w, "score", READSTAT_TYPE_DOUBLE, 0);
    readstat_variable_t *dtd = p_readstat_add_variable(w, "dtd", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_format(dtd, "DTDATE9");
    readstat_variable_t *yr = p_readstat_add_variable(w, "yr", READSTAT_TYPE_DOUBLE, 0);
    p_readstat_variable_set_format(yr, "YEAR4");
    e = p_readstat_begin_writing_sas7bdat(w, f, 3);
    for (int r = 0; r < 3 && e == READSTAT_OK; r++) {
        e = p_readstat_begin_row(w);
        p_readstat_insert_double_value(w, sex, r == 1 ? 2 : 1);
        p_readstat_insert_string_value(w, grp, r == 2 ? "B" : "A");
        p_readstat_insert_double_value(w, born, -7588 + 3653);
        p_readstat_insert_double_value(w, at, (-7588 + 3653) * 86400.0 + 49510);
        p_readstat_insert_double_value(w, tm, 5400);
        p_readstat_insert_double_value(w, dtd, (-7588 + 3653) * 86400.0 + 49510);
        p_readstat_insert_double_value(w, yr, -7588 + 3653);
        if (r == 0) p_readstat_insert_double_value(w, score, 7.5);
        else p_readstat_insert_tagged_missing_value(w, score, r == 1 ? 'A' : 'Z'); /* SAS's .A and .Z */
        if (e == READSTAT_OK) e = p_readstat_end_row(w);
    }
    if (e == READSTAT_OK) e = p_readstat_end_writing(w);
    p_readstat_writer_free(w);
    fclose(f);
    return e == READSTAT_OK ? 0 : -1;
}

static void check_sas(const char *tmp)
{
    char data[4096], catalog[4096];
    snprintf(data, sizeof data, "%s/fid.sas7bdat", tmp);
    snprintf(catalog, sizeof catalog, "%s/formats.sas7bcat", tmp);
    CHECK(write_sas(data, catalog) == 0, "libreadstat writes fid.sas7bdat and formats.sas7bcat");
    tally_dataset *ds = read_file(data, catalog);
    const tally_column *sex = col_of(ds, "sex"), *grp = col_of(ds, "grp");
    CHECK(sex && grp, "tally reads fid.sas7bdat with catalog = formats.sas7bcat");
    CHECK_STR(sex ? tally_column_value_label(sex, 2) : NULL, "Female", "numeric value label from the catalogue");
    CHECK(grp && grp->nlabels == 0, "a string format the catalogue lacks leaves the column unlabelled");
    const tally_column *born = col_of(ds, "born"), *at = col_of(ds, "at"), *tm = col_of(ds, "tm");
    CHECK(born && born->is_date == TALLY_DATE_DAYS && tally_col_num(born, 0) == -7588, "SAS DATE9.: a date");
    CHECK(at && at->is_date == TALLY_DATE_DATETIME && tally_col_num(at, 0) == -7588 * 86400.0 + 49510,
          "SAS DATETIME20.: a datetime, seconds since 1970");
    CHECK(tm && tm->is_date == TALLY_DATE_TIME && tally_col_num(tm, 0) == 5400, "SAS TIME8.: a time, seconds");
    const tally_column *dtd = col_of(ds, "dtd"), *yr = col_of(ds, "yr");
    CHECK(dtd && dtd->is_date == TALLY_DATE_DATETIME && tally_col_num(dtd, 0) == -7588 * 86400.0 + 49510,
          "SAS DTDATE9.: the date part of a datetime, kept as the datetime");
    CHECK(yr && yr->is_date == TALLY_DATE_DAYS && tally_col_num(yr, 0) == -7588, "SAS YEAR4.: a date shown as its year");
    const tally_column *score = col_of(ds, "score");
    CHECK(score && tally_col_num(score, 0) == 7.5 && tally_col_num(score, 1) == tally_tagged_missing_code('a') &&
              tally_col_num(score, 2) == tally_tagged_missing_code('z') && tally_column_is_user_missing(score, tally_col_num(score, 2)),
          "SAS .A and .Z: distinct user-missing codes");
    tally_dataset_free(ds);

    /* Without the catalogue the file still reads, without labels; a missing catalogue is an error. */
    ds = read_file(data, NULL);
    sex = col_of(ds, "sex");
    CHECK(sex && !tally_column_value_label(sex, 2), "without catalog the codes stay unlabelled");
    tally_dataset_free(ds);
    snprintf(catalog, sizeof catalog, "%s/nosuch.sas7bcat", tmp);
    tally_ctx *ctx = tally_ctx_new("readstat");
    tally_options *o = tally_options_new("test.lua:1");
    tally_options_set_string(o, "path", data);
    tally_options_set_string(o, "catalog", catalog);
    ds = tally_dataset_new("t");
    int rc = plugin()->read(tally_host_get(), ctx, o, ds);
    CHECK(rc != 0, "a catalogue that does not exist is an error");
    CHECK_CONTAINS(tally_ctx_error(ctx), "nosuch.sas7bcat", "the error names the catalogue");
    tally_dataset_free(ds);
    tally_ctx_free(ctx);
    tally_options_free(o);
}

int main(void)
{
    char tmp[64] = "/tmp/tally-rs-fid.XXXXXX", cmd[256];
    if (!mkdtemp(tmp)) CHECK_DONE();
    CHECK(plugin() != NULL, "readstat.so loads");
    CHECK(rs_load_writer() == 0, "libreadstat's writer loads");
    if (!plugin() || !p_readstat_writer_init) CHECK_DONE();
    check_spss(tmp);
    check_stata(tmp);
    check_sas(tmp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) printf("# could not remove %s\n", tmp);
    CHECK_DONE();
}
