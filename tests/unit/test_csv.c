/* test_csv.c: the csv input plugin on valid input: RFC 4180 cases, encodings, header rows, options, threads. */
#include "check.h"
#include "test_csv_helpers.h"

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
    char *path = csv_tmpfile(text, sizeof text - 1);
    tally_dataset *ds = csv_load(path, &err, "threads=1");
    CHECK(ds && ds->ncols == 4, "duplicate/empty names: 4 columns");
    if (ds) {
        CHECK_STR(ds->cols[1]->name, "a_2", "a duplicate name gets _2");
        CHECK_STR(ds->cols[2]->name, "V3", "an empty name becomes V<column>");
    }
    CHECK_CONTAINS(csv_warnings, ":1: column 2: duplicate name 'a' renamed to 'a_2'", "duplicate name warned");
    CHECK_CONTAINS(csv_warnings, ":1: column 3 has no name; named it 'V3'", "empty name warned");
    tally_dataset_free(ds);
    ds = csv_load(path, &err, "header_rows=0");
    CHECK(ds && ds->nrows == 2 && strcmp(ds->cols[0]->name, "V1") == 0 && col_type(ds, "V1") == TALLY_STRING,
          "header_rows = 0: names V1.., the first row is data");
    tally_dataset_free(ds);
    unlink(path);
    free(path);
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
    char *path = csv_tmpfile(text, sizeof text - 1);
    tally_dataset *ds = csv_load(path, &err, "missing[]=-", "types[]=zip:string");
    CHECK(ds && col_type(ds, "b") == TALLY_STRING && strcmp(cell_str(ds, "b", 0), "") == 0,
          "missing token in a text column is empty");
    CHECK(ds && col_type(ds, "a") == TALLY_STRING && strcmp(cell_str(ds, "a", 2), "NA") == 0,
          "NA is data once 'missing' is set without it");
    CHECK(ds && strcmp(cell_str(ds, "zip", 0), "01067") == 0, "types: zip:string keeps leading zeros");
    tally_dataset_free(ds);
    ds = csv_load(path, &err, "missing[]=-", "missing[]=NA");
    CHECK(ds && col_type(ds, "a") == TALLY_NUMERIC && isnan(cell_num(ds, "a", 1)), "'-' as a missing token");
    CHECK(ds && col_type(ds, "a") == TALLY_NUMERIC && isnan(cell_num(ds, "a", 2)), "several missing tokens");
    CHECK(ds && cell_num(ds, "a", 0) == 1, "numeric with custom tokens");
    CHECK(ds && col_type(ds, "zip") == TALLY_NUMERIC && cell_num(ds, "zip", 0) == 1067, "zip inferred numeric");
    tally_dataset_free(ds);
    unlink(path);
    free(path);
}

/* The same text read by one thread and by many small chunks (boundaries inside
 * quoted line breaks force the re-scan path) must give the same cells. */
static void test_threads(void)
{
    sbuf b;
    sbuf_init(&b);
    sbuf_puts(&b, "id,text,x,y\n");
    for (int i = 0; i < 3000; i++) {
        if (i % 7 == 0) sbuf_printf(&b, "%d,\"multi\nline, \"\"%d\"\"\n\",%d.5,\n", i, i, i);
        else if (i % 11 == 0) sbuf_printf(&b, "%d,plain %d,NA,%d\r\n", i, i, i * 3);
        else sbuf_printf(&b, "%d,\"q,%d\",%d,%d\n", i, i, i % 5, i);
    }
    char *path = csv_tmpfile(b.data, b.len);
    sbuf_free(&b);
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
    unlink(path);
    free(path);
}

static void test_numbers(void)
{
    const char text[] = "v\n0.1\n1e-5\n123456789012345678901234\n.5\n-0\n 42 \n3.14159265358979\n";
    char *path = csv_tmpfile(text, sizeof text - 1);
    char *err;
    tally_dataset *ds = csv_load(path, &err, "threads=1");
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
    unlink(path);
    free(path);
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
    CHECK_DONE();
}
