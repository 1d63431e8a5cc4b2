/* test_csv_types.c: the csv plugin's type decisions, decimal/thousands/delimiter sniffing and column names on files written here. */
#include "check.h"
#include "test_csv_helpers.h"

#include <math.h>

/* Reads `text` (written to a temporary file) with the options given; NULL on error (printed). */
#define LOAD(text, ...) load_text((text), (const char *const[]){__VA_ARGS__, NULL})

static char *last_err;

static tally_dataset *load_text(const char *text, const char *const *opts)
{
    free(last_err);
    last_err = NULL;
    tally_dataset *ds = csv_load_text_v(text, opts, &last_err);
    if (!ds) printf("#   error: %s\n", last_err);
    return ds;
}

static const tally_column *column(const tally_dataset *ds, const char *name)
{
    int c = ds ? tally_dataset_find(ds, name) : -1;
    return c < 0 ? NULL : ds->cols[c];
}

static double num_at(const tally_dataset *ds, const char *name, size_t row)
{
    const tally_column *c = column(ds, name);
    return c && c->type == TALLY_NUMERIC && row < ds->nrows ? tally_col_num(c, row) : -999999;
}

static const char *str_at(const tally_dataset *ds, const char *name, size_t row)
{
    const tally_column *c = column(ds, name);
    return c && c->type == TALLY_STRING && row < ds->nrows ? tally_column_string(c, row) : "(not text)";
}

/* Reads `text` with one option and checks that column `name` came out of type `type`. */
static void expect_type(const char *text, const char *opt, const char *name, tally_var_type type, const char *what)
{
    tally_dataset *ds = LOAD(text, opt);
    CHECK(ds && col_type(ds, name) == (int)type, "%s", what);
    tally_dataset_free(ds);
}

/* Checks that row `row` of text column `name` reads back exactly as written in the file. */
static void expect_kept(const tally_dataset *ds, const char *name, size_t row, const char *want)
{
    char what[160];
    snprintf(what, sizeof what, "%s row %zu kept as written: %s", name, row + 1, want);
    CHECK_STR(str_at(ds, name, row), want, what);
}

static void test_leading_zeros(void)
{
    const char *text = "id,zip,code\n1,08123,1\n2,10115,2\n3,01067,3\n";
    tally_dataset *ds = LOAD(text, "threads=1");
    CHECK(ds && col_type(ds, "zip") == TALLY_STRING, "zip codes with a leading zero stay text");
    expect_kept(ds, "zip", 0, "08123");
    expect_kept(ds, "zip", 2, "01067");
    CHECK(ds && col_type(ds, "code") == TALLY_NUMERIC, "plain codes stay numeric");
    tally_dataset_free(ds);
    ds = LOAD("a\n01\n02\n10\n", "threads=1");
    CHECK(ds && col_type(ds, "a") == TALLY_STRING && strcmp(str_at(ds, "a", 0), "01") == 0,
          "two-digit codes written 01, 02 stay text (the one-pass row path too)");
    tally_dataset_free(ds);
    /* the one-pass row path takes codes it has seen, away from the end of the text:
     * 01 and 007 among rows of 1 and 7 */
    sbuf b;
    sbuf_init(&b);
    sbuf_puts(&b, "x,a,c,d\n");
    for (int i = 0; i < 200; i++)
        sbuf_printf(&b, "1,%s,%s,%s\n", i == 100 ? "01" : "1", i == 150 ? "007" : "7", i == 120 ? ":5" : "105");
    sbuf_puts(&b, "");
    ds = load_text(b.data, (const char *const[]){"threads=1", NULL});
    sbuf_free(&b);
    CHECK(ds && col_type(ds, "a") == TALLY_STRING && strcmp(str_at(ds, "a", 100), "01") == 0 &&
              strcmp(str_at(ds, "a", 99), "1") == 0,
          "01 among rows of the code 1 keeps the column text (one-pass row path)");
    CHECK(ds && col_type(ds, "c") == TALLY_STRING && strcmp(str_at(ds, "c", 150), "007") == 0,
          "007 among rows of the code 7 keeps the column text (one-pass row path)");
    CHECK(ds && col_type(ds, "d") == TALLY_STRING && strcmp(str_at(ds, "d", 120), ":5") == 0,
          "':5' among rows of the code 105 is text, not the code 105 (one-pass row path)");
    tally_dataset_free(ds);
    ds = LOAD("a\n0\n0.5\n-0.25\n", "threads=1");
    CHECK(ds && col_type(ds, "a") == TALLY_NUMERIC && num_at(ds, "a", 1) == 0.5, "0 and 0.5 are numbers");
    tally_dataset_free(ds);
    ds = LOAD(text, "types[]=zip:numeric");
    CHECK(ds && col_type(ds, "zip") == TALLY_NUMERIC && num_at(ds, "zip", 0) == 8123,
          "types = zip:numeric still reads 08123 as 8123");
    tally_dataset_free(ds);
}

static void test_long_ids(void)
{
    const char *text = "rid,x\n12345678901234567890,1\n12345678901234567891,2\n123456789012345,3\n";
    tally_dataset *ds = LOAD(text, "threads=1");
    CHECK(ds && col_type(ds, "rid") == TALLY_STRING, "20-digit IDs stay text");
    expect_kept(ds, "rid", 0, "12345678901234567890");
    expect_kept(ds, "rid", 1, "12345678901234567891"); /* not merged with the first */
    tally_dataset_free(ds);
    ds = LOAD("v\n123456789012345\n-2\n", "threads=1");
    CHECK(ds && col_type(ds, "v") == TALLY_NUMERIC && num_at(ds, "v", 0) == 123456789012345.0,
          "15 digits are still a number");
    tally_dataset_free(ds);
    expect_type("v\n0.30000000000000004\n1e25\n", "threads=1", "v", TALLY_NUMERIC, "long decimals and exponents are numbers");
}

static void test_mixed(void)
{
    tally_dataset *ds = LOAD("q\n1\n10\n2\nx\n", "threads=1");
    CHECK(ds && col_type(ds, "q") == TALLY_STRING, "a column mixing codes and text is text");
    expect_kept(ds, "q", 1, "10");
    tally_dataset_free(ds);
}

static void test_decimal_comma(void)
{
    const char *text = "Stadt;Anteil;Einwohner\nBonn;12,5;330000\nKöln;-0,5;1080000\nUlm;3;126000\n";
    tally_dataset *ds = LOAD(text, "threads=1");
    CHECK(ds && ds->ncols == 3, "semicolon file: 3 columns");
    CHECK(ds && col_type(ds, "Anteil") == TALLY_NUMERIC && num_at(ds, "Anteil", 0) == 12.5,
          "12,5 with ';' delimiter: decimal ',' detected, 12.5");
    CHECK(ds && num_at(ds, "Anteil", 1) == -0.5, "-0,5 read as -0.5");
    CHECK_CONTAINS(csv_warnings, "decimal = \",\" detected", "the detected decimal mark is said");
    tally_dataset_free(ds);
    ds = LOAD(text, "decimal=,");
    CHECK(ds && strstr(csv_warnings, "detected") == NULL, "decimal given: nothing to say");
    tally_dataset_free(ds);
    expect_type(text, "decimal=.", "Anteil", TALLY_STRING, "decimal = \".\" given: 12,5 stays text");
    ds = LOAD("v;w;t\n1.5;2,5;a\n2;3,25;b\n", "threads=1");
    CHECK(ds && col_type(ds, "w") == TALLY_STRING && col_type(ds, "v") == TALLY_NUMERIC,
          "1.5 and 2,5 in one file: decimal stays '.', 2,5 is text");
    CHECK_CONTAINS(csv_warnings, "column 'w' holds numbers written with a decimal comma (2,5) and is read as text",
                   "that column is named in a warning");
    CHECK(strstr(csv_warnings, "column 't'") == NULL && strstr(csv_warnings, "column 'v'") == NULL,
          "other columns are not");
    tally_dataset_free(ds);
    ds = LOAD("a,b\n1.5,2\n", "threads=1");
    CHECK(ds && num_at(ds, "a", 0) == 1.5 && strstr(csv_warnings, "decimal") == NULL,
          "comma files keep decimal '.', silently");
    tally_dataset_free(ds);
}

static void test_thousands(void)
{
    const char *text = "Betrag;Anzahl\n1.234,56;1.000\n-12.345.678,9;7\n12,5;12\n";
    tally_dataset *ds = LOAD(text, "thousands=.", "decimal=,");
    CHECK(ds && col_type(ds, "Betrag") == TALLY_NUMERIC, "thousands = '.': 1.234,56 is a number");
    CHECK(ds && num_at(ds, "Betrag", 0) == 1234.56, "1.234,56 = 1234.56");
    CHECK(ds && num_at(ds, "Betrag", 1) == -12345678.9, "-12.345.678,9");
    CHECK(ds && num_at(ds, "Betrag", 2) == 12.5, "plain 12,5 too");
    CHECK(ds && num_at(ds, "Anzahl", 0) == 1000, "1.000 = 1000");
    tally_dataset_free(ds);
    ds = LOAD("a;b\n0.123;1\n1.234;2\n", "thousands=.", "decimal=,");
    CHECK(ds && col_type(ds, "a") == TALLY_STRING, "0.123 is no number grouped in thousands");
    tally_dataset_free(ds);
    expect_type("v|w\n1,234.5|1\n12,34|2\n", "thousands=,", "v", TALLY_STRING, "a misplaced group separator (12,34) is text");
    ds = LOAD("v\tw\n1,234.5\t1\n1,000,000\t2\n", "thousands=,");
    CHECK(ds && num_at(ds, "v", 0) == 1234.5 && num_at(ds, "v", 1) == 1e6, "thousands = ',' with decimal '.'");
    tally_dataset_free(ds);
    ds = LOAD("v\n1\n", "thousands=x");
    CHECK(!ds && last_err && strstr(last_err, "thousands"), "thousands = 'x' is an error naming the option");
    tally_dataset_free(ds);
}

static void test_delimiter(void)
{
    tally_dataset *ds = LOAD("Größe, cm;Gewicht\n170;65\n181;80\n", "threads=1");
    CHECK(ds && ds->ncols == 2, "header 'Größe, cm;Gewicht': ';' picked");
    CHECK(ds && strcmp(ds->cols[0]->name, "Größe, cm") == 0, "the comma stays inside the name");
    tally_dataset_free(ds);
    ds = LOAD("Größe, cm;Gewicht\n170,5;65\n181,5;80\n", "threads=1");
    CHECK(ds && ds->ncols == 2 && num_at(ds, "Gewicht", 1) == 80 && num_at(ds, "Größe, cm", 0) == 170.5,
          "decimal commas in the data: ';' picked, 170,5 = 170.5");
    tally_dataset_free(ds);
    ds = LOAD("a,b;c\n1,2;3\n4,5;6\n", "threads=1");
    CHECK_CONTAINS(csv_warnings, "';' and ','", "a tie names both candidates");
    tally_dataset_free(ds);
    ds = LOAD("id,text\n1,\"a;b\"\n2,\"c;d;e\"\n", "threads=1");
    CHECK(ds && ds->ncols == 2 && strstr(csv_warnings, "delimiter") == NULL,
          "semicolons inside quotes do not compete with the comma");
    tally_dataset_free(ds);
}

static void test_duplicate_names(void)
{
    tally_dataset *ds = LOAD("q1,q1,q1_2\n1,2,3\n", "threads=1");
    CHECK(ds && ds->ncols == 3, "duplicates: 3 columns");
    if (ds) {
        CHECK_STR(ds->cols[0]->name, "q1", "the first q1 keeps its name");
        CHECK_STR(ds->cols[2]->name, "q1_2", "the file's own q1_2 keeps its name");
        CHECK_STR(ds->cols[1]->name, "q1_3", "the second q1 takes a name nobody has");
        CHECK(num_at(ds, "q1_2", 0) == 3, "a codebook naming q1_2 gets the file's q1_2");
    }
    CHECK_CONTAINS(csv_warnings, "column 2: duplicate name 'q1' (also column 1) renamed to 'q1_3'",
                   "the warning names both columns and the new name");
    tally_dataset_free(ds);
}

static void test_dates(void)
{
    const char *text = "d,dt,de,txt\n2024-03-05,2024-03-05T14:30:00,05.03.2024,a\n"
                       "1969-12-31,2020-10-19 14:03:10,31.12.1969,b\n,,,c\nNA,NA,NA,d\n";
    tally_log_set_level(2); /* -v: the reading as dates is an info line */
    tally_dataset *ds = LOAD(text, "threads=1");
    tally_log_set_level(1);
    const tally_column *d = column(ds, "d"), *dt = column(ds, "dt"), *de = column(ds, "de");
    CHECK(d && d->type == TALLY_NUMERIC && d->is_date == TALLY_DATE_DAYS, "ISO dates become a date variable");
    CHECK(num_at(ds, "d", 0) == 19787 && num_at(ds, "d", 1) == -1, "dates as days since 1970-01-01");
    CHECK(isnan(num_at(ds, "d", 2)) && isnan(num_at(ds, "d", 3)), "empty and NA dates are missing");
    CHECK(dt && dt->type == TALLY_NUMERIC && dt->is_date == TALLY_DATE_DATETIME, "ISO datetimes become datetimes");
    CHECK(num_at(ds, "dt", 0) == 1709649000.0 && num_at(ds, "dt", 1) == 1603116190.0,
          "datetimes as seconds since 1970-01-01T00:00:00 ('T' or a space)");
    CHECK(de && de->is_date == TALLY_DATE_DAYS && num_at(ds, "de", 0) == 19787 && num_at(ds, "de", 1) == -1,
          "dd.mm.yyyy dates read by default");
    CHECK(column(ds, "txt") && column(ds, "txt")->type == TALLY_STRING, "text stays text");
    CHECK_CONTAINS(csv_warnings, "column 'd' read as dates (yyyy-mm-dd)", "the date reading is said");
    tally_dataset_free(ds);

    ds = LOAD("a,b\n03/05/2024,03/05/2024 14:30\n12/31/1969,12/31/1969 00:00\n", "date_format=mm/dd/yyyy");
    CHECK(num_at(ds, "a", 0) == 19787 && num_at(ds, "a", 1) == -1 && column(ds, "a")->is_date == TALLY_DATE_DAYS,
          "date_format = mm/dd/yyyy");
    CHECK(column(ds, "b") && column(ds, "b")->is_date == TALLY_DATE_DATETIME && num_at(ds, "b", 0) == 1709649000.0,
          "mm/dd/yyyy hh:mm datetimes");
    tally_dataset_free(ds);
    expect_type("a\n03/05/2024\n", "threads=1", "a", TALLY_STRING,
                "slashed dates without date_format stay text (day or month first?)");
    expect_type("a\n2024-02-30\n2024-03-05\n", "threads=1", "a", TALLY_STRING, "an impossible date keeps the column text");
    expect_type("a,b\n2024-03-05,x\nsoon,y\n", "types[]=b:string", "a", TALLY_STRING, "dates mixed with text stay text");
    ds = LOAD("a,b\n2024-03-05,x\nsoon,y\n", "types[]=a:date");
    CHECK(!ds && last_err && strstr(last_err, "row 2") && strstr(last_err, "'soon'") && strstr(last_err, "date"),
          "types = a:date with a non-date is an error naming the row and value");
    expect_type("a\n2024-03-05\n", "types[]=a:string", "a", TALLY_STRING, "types = a:string keeps dates as text");
}

int main(void)
{
    test_leading_zeros();
    test_long_ids();
    test_mixed();
    test_decimal_comma();
    test_thousands();
    test_delimiter();
    test_duplicate_names();
    test_dates();
    free(last_err);
    CHECK_DONE();
}
