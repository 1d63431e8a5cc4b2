/* test_csv.c: the csv input plugin on valid input: RFC 4180 cases, encodings, header rows, options, threads. */
#include "check.h"
/* The reader stores categorical columns as one-byte codes, so numeric cells are
 * read through tally_col_num here rather than the helper's `num` array. */
#define cell_num cell_num_unused
#include "test_csv_helpers.h"
#undef cell_num

static inline double cell_num(const tally_dataset *ds, const char *col, size_t row)
{
    int c = tally_dataset_find(ds, col);
    return c < 0 || ds->cols[c]->type != TALLY_NUMERIC || row >= ds->nrows ? -999999 : tally_col_num(ds->cols[c], row);
}

#define DATA "tests/data/csv/"

static void test_rfc4180(void)
{
    char *err;
    tally_dataset *ds = csv_load(DATA "rfc4180.csv", &err, "threads=1");
    CHECK(ds != NULL, "rfc4180.csv reads");
    if (!ds) return;
    CHECK(ds->nrows == 5 && ds->ncols == 4, "rfc4180: 5 rows (blank line skipped), 4 columns");
    CHECK_STR(ds->cols[0]->name, "id", "rfc4180: the UTF-8 BOM is not part of the first name");
    CHECK(col_type(ds, "id") == TALLY_NUMERIC && col_type(ds, "score") == TALLY_NUMERIC, "rfc4180: numbers inferred");
    CHECK(col_type(ds, "name") == TALLY_STRING, "rfc4180: text column inferred");
    CHECK_STR(cell_str(ds, "name", 0), "Smith, John", "rfc4180: delimiter inside quotes");
    CHECK_STR(cell_str(ds, "comment", 0), "He said \"hi\"", "rfc4180: doubled quotes");
    CHECK_STR(cell_str(ds, "comment", 1), "line one\r\nline two", "rfc4180: line break inside quotes kept");
    CHECK_STR(cell_str(ds, "name", 2), "", "rfc4180: empty quoted field");
    CHECK_STR(cell_str(ds, "comment", 3), "5\" screen", "rfc4180: a quote inside an unquoted field is text");
    CHECK_STR(cell_str(ds, "name", 4), "abc", "rfc4180: text after a closing quote is kept");
    CHECK_STR(cell_str(ds, "comment", 4), "x\rstill x", "rfc4180: a lone CR inside a CRLF file is data");
    CHECK_NEAR(cell_num(ds, "score", 0), 3.5, 0, "rfc4180: 3.5");
    CHECK(isnan(cell_num(ds, "score", 1)), "rfc4180: NA is system-missing");
    CHECK(isnan(cell_num(ds, "score", 2)), "rfc4180: empty is system-missing");
    CHECK_NEAR(cell_num(ds, "score", 3), -20, 0, "rfc4180: -2e1");
    CHECK_NEAR(cell_num(ds, "id", 4), 5, 0, "rfc4180: row after the blank line");
    CHECK_STR(ds->source, "rfc4180.csv (csv)", "rfc4180: dataset source");
    tally_dataset_free(ds);
}

static void test_german_excel(void)
{
    char *err;
    tally_dataset *ds = csv_load(DATA "german-excel.csv", &err, "encoding=windows-1252", "decimal=,");
    CHECK(ds != NULL, "german-excel.csv reads with encoding and decimal comma");
    if (!ds) { printf("#   %s\n", err); return; }
    CHECK(ds->ncols == 5 && ds->nrows == 4, "german: semicolon detected (5 columns, 4 rows)");
    CHECK_STR(ds->cols[1]->name, "Größe", "german: header converted to UTF-8");
    CHECK_STR(cell_str(ds, "Stadt", 0), "München", "german: umlaut converted");
    CHECK_STR(cell_str(ds, "Stadt", 3), "Straßburg €", "german: Windows-1252 euro sign");
    CHECK_STR(cell_str(ds, "Größe", 1), "groß; sehr", "german: quoted semicolon");
    CHECK_NEAR(cell_num(ds, "Anteil", 0), 12.5, 0, "german: 12,5");
    CHECK_NEAR(cell_num(ds, "Anteil", 2), -0.5, 0, "german: -0,5");
    CHECK_NEAR(cell_num(ds, "Anteil", 3), 0.125, 0, "german: 0,125");
    CHECK_NEAR(cell_num(ds, "Einwohner", 1), 1073096, 0, "german: integer column");
    CHECK(isnan(cell_num(ds, "Budget", 1)), "german: empty decimal cell missing");
    tally_dataset_free(ds);

    ds = csv_load(DATA "german-excel.csv", &err, "encoding=windows-1252");
    CHECK(ds && col_type(ds, "Anteil") == TALLY_NUMERIC && cell_num(ds, "Anteil", 0) == 12.5,
          "german: without 'decimal', the decimal comma is detected");
    tally_dataset_free(ds);
    ds = csv_load(DATA "german-excel.csv", &err, "encoding=windows-1252", "decimal=.");
    CHECK(ds && col_type(ds, "Anteil") == TALLY_STRING, "german: with decimal '.', 12,5 is text");
    tally_dataset_free(ds);
}

static void test_encodings(void)
{
    char *err;
    tally_dataset *ds = csv_load(DATA "bad-utf8.csv", &err, "encoding=latin-1");
    CHECK(ds && strcmp(cell_str(ds, "b", 1), "München") == 0, "latin-1 converted to UTF-8");
    tally_dataset_free(ds);
    ds = csv_load(DATA "bad-utf8.csv", &err, "invalid_utf8=replace");
    CHECK(ds && strcmp(cell_str(ds, "b", 1), "M\xEF\xBF\xBDnchen") == 0, "invalid UTF-8 replaced by U+FFFD");
    CHECK_CONTAINS(csv_warnings, "bad-utf8.csv: replaced 1 invalid UTF-8 byte with U+FFFD (first at line 3)",
                   "replacement is reported");
    tally_dataset_free(ds);
}

static void test_two_header_rows(void)
{
    char *err;
    tally_dataset *ds = csv_load(DATA "two-header.csv", &err, "header_rows=2");
    CHECK(ds != NULL, "two-header.csv reads with header_rows = 2");
    if (!ds) { printf("#   %s\n", err); return; }
    CHECK(ds->nrows == 3 && ds->ncols == 6, "two-header: 3 rows, 6 columns");
    const char *want[] = {"id", "coop", "area", "area_2", "area_3", "comment"};
    int same = 1;
    for (int i = 0; i < 6; i++) same &= strcmp(ds->cols[i]->name, want[i]) == 0;
    CHECK(same, "two-header: an empty name cell continues the name to its left");
    CHECK(ds->cols[0]->label == NULL, "two-header: no label where row 2 is empty");
    CHECK_STR(ds->cols[1]->label, "Does your city cooperate?", "two-header: row 2 is the label");
    CHECK_STR(ds->cols[3]->label, "Culture", "two-header: option text as label");
    CHECK_STR(cell_str(ds, "comment", 2), "yes, a lot", "two-header: data after both header rows");
    CHECK(strstr(csv_warnings, "renamed") == NULL, "two-header: continued names are not warned about");
    tally_dataset_free(ds);
}

static void test_header_names(void)
{
    char *err;
    const char text[] = "a,a,,b\n1,2,3,4\n";
    tally_dataset *ds = csv_load_text(text, &err, "threads=1");
    CHECK(ds && ds->ncols == 4, "duplicate/empty names: 4 columns");
    if (ds) {
        CHECK_STR(ds->cols[1]->name, "a_2", "a duplicate name gets _2");
        CHECK_STR(ds->cols[2]->name, "V3", "an empty name becomes V<column>");
    }
    CHECK_CONTAINS(csv_warnings, ":1: column 2: duplicate name 'a' (also column 1) renamed to 'a_2'", "duplicate name warned");
    CHECK_CONTAINS(csv_warnings, ":1: column 3 has no name; named it 'V3'", "empty name warned");
    tally_dataset_free(ds);
    ds = csv_load_text(text, &err, "header_rows=0");
    CHECK(ds && ds->nrows == 2 && strcmp(ds->cols[0]->name, "V1") == 0 && col_type(ds, "V1") == TALLY_STRING,
          "header_rows = 0: names V1.., the first row is data");
    tally_dataset_free(ds);
}

static void test_delimiters(void)
{
    char *err;
    tally_dataset *ds = csv_load(DATA "semicolon.txt", &err, "threads=1");
    CHECK(ds && ds->ncols == 3, "semicolon detected");
    tally_dataset_free(ds);
    ds = csv_load(DATA "tab.tsv", &err, "decimal=,");
    CHECK(ds && ds->ncols == 3 && cell_num(ds, "b", 0) == 2.5, "tab detected, decimal comma");
    CHECK(ds && strcmp(cell_str(ds, "c", 0), "x y") == 0, "tab: spaces kept in text");
    tally_dataset_free(ds);
    ds = csv_load(DATA "pipe.csv", &err, "threads=1");
    CHECK(ds && ds->ncols == 3, "pipe detected");
    tally_dataset_free(ds);
    ds = csv_load(DATA "pipe.csv", &err, "delimiter=,");
    CHECK(ds && ds->ncols == 1 && strcmp(ds->cols[0]->name, "a|b|c") == 0, "delimiter override");
    tally_dataset_free(ds);
    ds = csv_load(DATA "cr-only.csv", &err, "threads=1");
    CHECK(ds && ds->nrows == 2 && strcmp(cell_str(ds, "b", 1), "x\ry") == 0, "CR line ends (old Mac)");
    tally_dataset_free(ds);
}

static void test_missing_and_types(void)
{
    char *err;
    const char text[] = "a,b,zip\n1,-,01067\n-,x,10115\nNA,NA,80331\n";
    tally_dataset *ds = csv_load_text(text, &err, "missing[]=-", "types[]=zip:string");
    CHECK(ds && col_type(ds, "b") == TALLY_STRING && strcmp(cell_str(ds, "b", 0), "") == 0,
          "missing token in a text column is empty");
    CHECK(ds && col_type(ds, "a") == TALLY_STRING && strcmp(cell_str(ds, "a", 2), "NA") == 0,
          "NA is data once 'missing' is set without it");
    CHECK(ds && strcmp(cell_str(ds, "zip", 0), "01067") == 0, "types: zip:string keeps leading zeros");
    tally_dataset_free(ds);
    ds = csv_load_text(text, &err, "missing[]=-", "missing[]=NA");
    CHECK(ds && col_type(ds, "a") == TALLY_NUMERIC && isnan(cell_num(ds, "a", 1)), "'-' as a missing token");
    CHECK(ds && col_type(ds, "a") == TALLY_NUMERIC && isnan(cell_num(ds, "a", 2)), "several missing tokens");
    CHECK(ds && cell_num(ds, "a", 0) == 1, "numeric with custom tokens");
    CHECK(ds && col_type(ds, "zip") == TALLY_STRING && strcmp(cell_str(ds, "zip", 0), "01067") == 0,
          "zip codes with leading zeros inferred as text");
    tally_dataset_free(ds);
}

/* Row i of test_threads' file (header id,text,x,y): quoted line breaks, CRLF ends, NA. */
static void threads_row(sbuf *b, int i, const void *arg)
{
    (void)arg;
    if (i % 7 == 0) sbuf_printf(b, "%d,\"multi\nline, \"\"%d\"\"\n\",%d.5,\n", i, i, i);
    else if (i % 11 == 0) sbuf_printf(b, "%d,plain %d,NA,%d\r\n", i, i, i * 3);
    else sbuf_printf(b, "%d,\"q,%d\",%d,%d\n", i, i, i % 5, i);
}

/* The same text read by one thread and by many small chunks (boundaries inside
 * quoted line breaks force the re-scan path) must give the same cells. */
static void test_threads(void)
{
    char *path = csv_tmpfile_rows("id,text,x,y\n", 3000, threads_row, NULL);
    char *err;
    tally_dataset *one = csv_load(path, &err, "threads=1");
    tally_dataset *many = csv_load(path, &err, "threads=37");
    int same = one && many && one->nrows == 3000 && many->nrows == 3000 && one->ncols == many->ncols;
    for (size_t r = 0; same && r < one->nrows; r++) {
        same &= strcmp(cell_str(one, "text", r), cell_str(many, "text", r)) == 0;
        double a = cell_num(one, "x", r), c = cell_num(many, "x", r);
        same &= (a == c) || (isnan(a) && isnan(c));
        a = cell_num(one, "y", r), c = cell_num(many, "y", r);
        same &= (a == c) || (isnan(a) && isnan(c));
        same &= cell_num(many, "id", r) == (double)r;
    }
    CHECK(same, "37 threads read exactly what 1 thread reads (quoted line breaks across chunks)");
    CHECK(one && strcmp(cell_str(one, "text", 7), "multi\nline, \"7\"\n") == 0, "threads: multi-line cell");
    tally_dataset_free(one);
    tally_dataset_free(many);
    csv_tmpfile_remove(path);
}

static void test_numbers(void)
{
    const char text[] = "v\n0.1\n1e-5\n123456789012345678901234.0\n.5\n-0\n 42 \n3.14159265358979\n";
    char *err;
    tally_dataset *ds = csv_load_text(text, &err, "threads=1");
    CHECK(ds && col_type(ds, "v") == TALLY_NUMERIC, "number syntax variants are numeric");
    if (ds) {
        CHECK(cell_num(ds, "v", 0) == 0.1, "0.1 exact");
        CHECK(cell_num(ds, "v", 1) == 1e-5, "1e-5 exact");
        CHECK(cell_num(ds, "v", 2) == 123456789012345678901234.0, "24 digits through the exact fallback");
        CHECK(cell_num(ds, "v", 3) == 0.5, ".5");
        CHECK(cell_num(ds, "v", 5) == 42, "spaces around a number");
        CHECK(cell_num(ds, "v", 6) == 3.14159265358979, "15 significant digits");
    }
    tally_dataset_free(ds);
}

static void test_ragged_skip(void)
{
    char *err;
    tally_dataset *ds = csv_load(DATA "ragged.csv", &err, "on_ragged=skip");
    CHECK(ds && ds->nrows == 3, "on_ragged = skip keeps the 3 good rows");
    CHECK(ds && cell_num(ds, "a", 1) == 6 && cell_num(ds, "c", 2) == 15, "skip: the good rows' values");
    CHECK_CONTAINS(csv_warnings,
                   "ragged.csv: skipped 2 rows whose field count differs from the header's 3 (first at line 3)",
                   "skip: the count is reported");
    tally_dataset_free(ds);
}

/* 1 when every cell of column `col` is equal in a and b (NaN equals NaN). */
static int same_column(const tally_dataset *a, const tally_dataset *b, const char *col)
{
    if (!a || !b || a->nrows != b->nrows) return 0;
    for (size_t r = 0; r < a->nrows; r++) {
        double x = cell_num(a, col, r), y = cell_num(b, col, r);
        if (!(x == y || (isnan(x) && isnan(y)))) return 0;
    }
    return 1;
}

static const tally_column *column(const tally_dataset *ds, const char *name)
{
    int c = ds ? tally_dataset_find(ds, name) : -1;
    return c < 0 ? NULL : ds->cols[c];
}

/* Row i of test_compact_codes' file (header id,likert,half,dec,many,none,neg,text). */
static void compact_codes_row(sbuf *b, int i, const void *arg)
{
    (void)arg;
    const char *dec[] = {"0.5", "1.5", "2.25", "-3.75", ""};
    sbuf_printf(b, "%d,%d,", i, i % 13 == 0 ? 9 : 1 + i % 5);
    if (i < 2000) sbuf_printf(b, "%d,", i % 7);           /* few values in the first half */
    else sbuf_printf(b, "%d,", 100000 + i);               /* thousands in the second */
    sbuf_printf(b, "%s,%d.5,,%s,\"t,%d\"\n", dec[i % 5], i % 300, i % 2 ? "-0" : "0", i);
}

/* Categorical numeric columns arrive as one-byte codes with ascending levels;
 * others stay doubles. Read by 1 thread and by many small chunks. */
static void test_compact_codes(void)
{
    char *path = csv_tmpfile_rows("id,likert,half,dec,many,none,neg,text\n", 4000, compact_codes_row, NULL);
    char *err;
    tally_dataset *one = csv_load(path, &err, "threads=1");
    tally_dataset *many = csv_load(path, &err, "threads=37");
    CHECK(one && many && one->nrows == 4000 && many->nrows == 4000, "compact: 4000 rows by 1 and 37 threads");
    if (!one || !many) goto done;
    const tally_column *lk = column(many, "likert");
    CHECK(lk && lk->codes && !lk->num && lk->nlevels == 6 && lk->levels[0] == 1 && lk->levels[5] == 9,
          "compact: Likert 1-5 + 9 read as codes, levels 1..5, 9");
    CHECK(cell_num(many, "likert", 13) == 9 && cell_num(many, "likert", 14) == 5 && cell_num(many, "likert", 15) == 1,
          "compact: Likert cells decode to their values");
    const tally_column *dc = column(many, "dec");
    CHECK(dc && dc->codes && dc->nlevels == 4 && dc->levels[0] == -3.75 && dc->levels[1] == 0.5 &&
              dc->levels[3] == 2.25,
          "compact: decimals as levels, ascending");
    CHECK(cell_num(many, "dec", 2) == 2.25 && cell_num(many, "dec", 3) == -3.75 && isnan(cell_num(many, "dec", 4)),
          "compact: decimal cells and a missing one");
    const tally_column *mn = column(many, "many");
    CHECK(mn && mn->num && !mn->codes && cell_num(many, "many", 299) == 299.5,
          "compact: 300 distinct values stay doubles");
    const tally_column *hf = column(many, "half");
    CHECK(hf && hf->num && !hf->codes && cell_num(many, "half", 1999) == 1999 % 7 &&
              cell_num(many, "half", 3999) == 103999,
          "compact: categorical in early chunks, not in later ones: doubles, every cell right");
    const tally_column *nn = column(many, "none");
    CHECK(nn && nn->type == TALLY_NUMERIC && nn->codes && nn->nlevels == 0 && isnan(cell_num(many, "none", 0)) &&
              isnan(cell_num(many, "none", 3999)),
          "compact: an all-missing column is numeric with no levels");
    const tally_column *ng = column(many, "neg");
    CHECK(ng && ng->codes && ng->nlevels == 1 && ng->levels[0] == 0 && cell_num(many, "neg", 1) == 0,
          "compact: -0 and 0 are one level");
    CHECK(col_type(many, "text") == TALLY_STRING && strcmp(cell_str(many, "text", 7), "t,7") == 0,
          "compact: the text column is unaffected");
    int same = 1;
    const char *cols[] = {"id", "likert", "half", "dec", "many", "none", "neg"};
    for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) same &= same_column(one, many, cols[k]);
    CHECK(same, "compact: 37 threads read the same values as 1 thread");
    const tally_column *lk1 = column(one, "likert");
    CHECK(lk1 && lk1->codes && lk1->nlevels == 6, "compact: one thread writes codes too");
done:
    tally_dataset_free(one);
    tally_dataset_free(many);
    csv_tmpfile_remove(path);
}

/* Values seen only in skipped rows or equal to a missing token are not levels. */
static void test_compact_levels_exact(void)
{
    const char text[] = "a,b\n1,2\n7\n3,4\n-9,5\n8,9,10\n1,2\n";
    char *err;
    tally_dataset *ds = csv_load_text(text, &err, "threads=1", "on_ragged=skip", "missing[]=-9", "missing[]=NA");
    CHECK(ds && ds->nrows == 4, "levels: ragged rows skipped");
    const tally_column *a = column(ds, "a");
    CHECK(a && a->codes && a->nlevels == 2 && a->levels[0] == 1 && a->levels[1] == 3,
          "levels: no level from a skipped row or a missing token (-9)");
    CHECK(ds && isnan(cell_num(ds, "a", 2)) && cell_num(ds, "a", 3) == 1 && cell_num(ds, "b", 2) == 5,
          "levels: the missing token is system-missing");
    tally_dataset_free(ds);
}

/* A host of ABI 1.0 (no ds_resize_uninit, no ds_codes_data): every numeric
 * column is written as doubles after the host's NaN fill. */
static void test_old_host(void)
{
    const char text[] = "a,b,c\n1,2.5,x\n,NA,y\n3,4,z\n";
    char *path = csv_tmpfile(text, sizeof text - 1);
    tally_host old = *tally_host_get();
    old.size = (uint32_t)offsetof(tally_host, ds_resize_uninit);
    old.abi_minor = 0;
    tally_options *o = tally_options_new("test.lua:1");
    tally_options_set_string(o, "path", path);
    char *err = NULL;
    int valid = tally_options_validate(o, csv_plugin()->options, "input 'csv'", NULL, &err) == 0;
    tally_dataset *ds = tally_dataset_new("responses");
    tally_ctx *ctx = tally_ctx_new("csv");
    int rc = valid ? csv_plugin()->read(&old, ctx, o, ds) : -1;
    const tally_column *a = column(ds, "a");
    CHECK(rc == 0 && ds->nrows == 3 && a && a->num && !a->codes, "ABI 1.0 host: numeric columns as doubles");
    CHECK(rc == 0 && cell_num(ds, "a", 0) == 1 && isnan(cell_num(ds, "a", 1)) && isnan(cell_num(ds, "b", 1)) &&
              cell_num(ds, "b", 0) == 2.5 && cell_num(ds, "a", 2) == 3,
          "ABI 1.0 host: values and missing cells");
    free(err);
    tally_ctx_free(ctx);
    tally_options_free(o);
    tally_dataset_free(ds);
    csv_tmpfile_remove(path);
}

/* Row i of test_late_text's file (header id,late,mid,early,wide,negz). */
static void late_text_row(sbuf *b, int i, const void *arg)
{
    (void)arg;
    sbuf_printf(b, "%d,", i);
    if (i == 2990) sbuf_puts(b, "n/a,");                   /* text in the last chunk only */
    else if (i % 9 == 0) sbuf_puts(b, ",");
    else sbuf_printf(b, "%d,", i % 4);
    sbuf_printf(b, "%s,", i == 1500 ? "\"x,y\"" : i % 3 ? "7" : "NA"); /* text halfway */
    sbuf_printf(b, "%s,", i == 0 ? "first" : "2.5");       /* text in the first row */
    sbuf_printf(b, "%d,", i < 2500 ? i % 200 : 1000 + i);  /* past 254 values late */
    sbuf_printf(b, "%s\n", i % 400 == 1 ? "-0" : i % 2 ? "1.25" : "3");
}

/* Columns read as numbers by some chunks and found to be text later (in another
 * chunk, or further down the same one) are read again as text: every cell as written. */
static void test_late_text(void)
{
    char *path = csv_tmpfile_rows("id,late,mid,early,wide,negz\n", 3000, late_text_row, NULL);
    char *err;
    const char *threads[] = {"threads=1", "threads=4", "threads=37"};
    for (int t = 0; t < 3; t++) {
        tally_dataset *ds = csv_load(path, &err, threads[t]);
        CHECK(ds && ds->nrows == 3000, "late text (%s): 3000 rows", threads[t]);
        if (!ds) continue;
        int ok = col_type(ds, "late") == TALLY_STRING && col_type(ds, "mid") == TALLY_STRING &&
                 col_type(ds, "early") == TALLY_STRING && col_type(ds, "wide") == TALLY_NUMERIC;
        CHECK(ok, "late text (%s): late, mid and early are text, wide is numeric", threads[t]);
        int cells = 1;
        for (int i = 0; i < 3000; i++) {
            char want[32];
            if (i == 2990) snprintf(want, sizeof want, "n/a");
            else if (i % 9 == 0) want[0] = '\0';
            else snprintf(want, sizeof want, "%d", i % 4);
            cells &= strcmp(cell_str(ds, "late", (size_t)i), want) == 0;
            cells &= strcmp(cell_str(ds, "mid", (size_t)i), i == 1500 ? "x,y" : i % 3 ? "7" : "") == 0;
            cells &= strcmp(cell_str(ds, "early", (size_t)i), i == 0 ? "first" : "2.5") == 0;
            cells &= cell_num(ds, "wide", (size_t)i) == (i < 2500 ? i % 200 : 1000 + i);
        }
        CHECK(cells, "late text (%s): numbers read before the text are kept as their text", threads[t]);
        int c = tally_dataset_find(ds, "negz");
        const tally_column *nz = c < 0 ? NULL : ds->cols[c];
        CHECK(nz && nz->codes && nz->nlevels == 3 && cell_num(ds, "negz", 1) == 0 && cell_num(ds, "negz", 3) == 1.25,
              "late text (%s): -0 is the level 0 of a categorical column", threads[t]);
        tally_dataset_free(ds);
    }
    csv_tmpfile_remove(path);
}

/* Row i of test_big_chunk's file (header a,b,c,d1..d10). */
static void big_chunk_row(sbuf *b, int i, const void *arg)
{
    (void)arg;
    sbuf_printf(b, "%d,%s,%d", i % 5, i % 17 ? "1" : "", i % 250);
    for (int k = 1; k <= 10; k++) sbuf_printf(b, ",%d", i * k + (i % 1000 == 999 ? 0 : k));
    sbuf_puts(b, "\n");
}

/* A chunk large enough for the reader's big buffers: every cell still right. */
static void test_big_chunk(void)
{
    const int n = 100000;
    char *path = csv_tmpfile_rows("a,b,c,d1,d2,d3,d4,d5,d6,d7,d8,d9,d10\n", n, big_chunk_row, NULL);
    char *err;
    const char *threads[] = {"threads=1", "threads=3"};
    for (int t = 0; t < 2; t++) {
        tally_dataset *ds = csv_load(path, &err, threads[t]);
        CHECK(ds && ds->nrows == (size_t)n, "big chunk (%s): all rows", threads[t]);
        if (!ds) continue;
        int ok = 1;
        for (int i = 0; i < n && ok; i++) {
            ok &= cell_num(ds, "a", (size_t)i) == i % 5 && cell_num(ds, "c", (size_t)i) == i % 250;
            double bv = cell_num(ds, "b", (size_t)i);
            ok &= i % 17 ? bv == 1 : isnan(bv);
            ok &= cell_num(ds, "d1", (size_t)i) == i + (i % 1000 == 999 ? 0 : 1);
            ok &= cell_num(ds, "d10", (size_t)i) == i * 10 + (i % 1000 == 999 ? 0 : 10);
        }
        CHECK(ok, "big chunk (%s): codes and doubles as written", threads[t]);
        tally_dataset_free(ds);
    }
    csv_tmpfile_remove(path);
}

/* Row i of test_chunks_agree's file (header id,likert,dec,many,text,late); *arg is the
 * kind: 0 plain, 1 blank lines and quoted line breaks, 2 a stray quote in row 3001. */
static void chunks_agree_row(sbuf *b, int i, const void *arg)
{
    int kind = *(const int *)arg;
    const char *text = "plain";
    if (kind == 1 && i % 97 == 0) text = "\"two\nlines\"";
    if (kind == 2 && i == 3001) text = "5\" tall";
    sbuf_printf(b, "%d,%d,%d.5,%d.25,%s,%d\n", i, 1 + i % 5, i % 3, i % 700, text, i < 15000 ? i % 4 : i);
    if (kind == 1 && i % 1000 == 500) sbuf_puts(b, "\n");
}

/* 2 to 5 threads read what 1 thread reads, over 20000 rows of code columns, a column
 * that turns to doubles late and a text column: plain rows, rows with blank lines
 * and quoted line breaks between them (fewer rows than line ends), and a stray quote
 * inside an unquoted field (a quote that opens nothing). */
static void test_chunks_agree(void)
{
    const char *kinds[] = {"plain", "blank lines and quoted line breaks", "a stray quote"};
    for (int kind = 0; kind < 3; kind++) {
        char *path = csv_tmpfile_rows("id,likert,dec,many,text,late\n", 20000, chunks_agree_row, &kind);
        char *err;
        tally_dataset *one = csv_load(path, &err, "threads=1");
        const char *cols[] = {"id", "likert", "dec", "many", "late"};
        for (int t = 2; t <= 5; t++) {
            char opt[32];
            snprintf(opt, sizeof opt, "threads=%d", t);
            tally_dataset *many = csv_load(path, &err, opt);
            int same = one && many && one->nrows == 20000 && many->nrows == 20000;
            for (size_t k = 0; same && k < sizeof cols / sizeof *cols; k++) same &= same_column(one, many, cols[k]);
            for (size_t r = 0; same && r < one->nrows; r++)
                same &= strcmp(cell_str(one, "text", r), cell_str(many, "text", r)) == 0;
            CHECK(same, "chunks, %s: %d threads read what 1 thread reads", kinds[kind], t);
            const tally_column *lk = column(many, "likert");
            CHECK(lk && lk->codes && cell_num(many, "likert", 19999) == 5 && cell_num(many, "id", 19999) == 19999,
                  "chunks, %s, %d threads: codes and the last row", kinds[kind], t);
            tally_dataset_free(many);
        }
        tally_dataset_free(one);
        unlink(path);
        free(path);
    }
}

int main(void)
{
    test_rfc4180();
    test_german_excel();
    test_encodings();
    test_two_header_rows();
    test_header_names();
    test_delimiters();
    test_missing_and_types();
    test_threads();
    test_numbers();
    test_ragged_skip();
    test_compact_codes();
    test_late_text();
    test_big_chunk();
    test_compact_levels_exact();
    test_old_host();
    test_chunks_agree();
    CHECK_DONE();
}
