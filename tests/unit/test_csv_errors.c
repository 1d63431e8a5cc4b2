/* test_csv_errors.c: the csv input plugin on bad input: every case stops (or warns) with its pinned message. */
#include "check.h"
#include "test_csv_helpers.h"

#define DATA "tests/data/csv/"

/* Reads path (expecting failure) and checks the error text. */
static void expect_error(const char *path, const char *want, const char *what, const char *opt)
{
    char *err = NULL;
    tally_dataset *ds = csv_load(path, &err, opt);
    CHECK(ds == NULL, "%s: fails", what);
    CHECK_STR(err, want, what);
    tally_dataset_free(ds);
    free(err);
}

int main(void)
{
    expect_error(DATA "no-such.csv",
                 DATA "no-such.csv: cannot open: No such file or directory; check the path (relative paths start at "
                      "the config file's folder)",
                 "missing file", "threads=1");
    expect_error(DATA "empty.csv",
                 DATA "empty.csv: the file is empty; export the data again or point 'path' at the right file",
                 "empty file", "threads=1");
    expect_error(DATA "binary.csv",
                 DATA "binary.csv: the file is gzip-compressed (it starts with gzip's mark) but does not inflate "
                      "(damaged) (zlib: invalid stored block lengths); copy or download it again",
                 "binary data that starts like gzip", "threads=1");
    expect_error(DATA "nul.csv",
                 DATA "nul.csv:3: NUL byte at byte offset 10; the file is damaged or is not a CSV file",
                 "NUL byte", "threads=1");
    expect_error(DATA "bad-utf8.csv",
                 DATA "bad-utf8.csv:3: invalid UTF-8 at byte offset 12; set encoding = \"windows-1252\" (Excel) or "
                      "\"latin-1\" if the file is not UTF-8, or invalid_utf8 = \"replace\"",
                 "invalid UTF-8", "threads=1");
    expect_error(DATA "ragged.csv",
                 DATA "ragged.csv:3: row has 2 fields, the header has 3; fix the row or set on_ragged = \"skip\"",
                 "ragged row", "threads=1");
    expect_error(DATA "unterminated.csv",
                 DATA "unterminated.csv:3:2: quoted field is never closed before the end of the file; add the closing "
                      "quote (a quote inside a quoted field is written twice: \"\")",
                 "unterminated quote at end of file", "threads=1");
    expect_error(DATA "rfc4180.csv",
                 DATA "rfc4180.csv:2:2: field is longer than max_field_bytes (10 bytes); raise max_field_bytes or "
                      "look for a quote that is never closed",
                 "field over the limit", "max_field_bytes=10");
    expect_error(DATA "rfc4180.csv",
                 DATA "rfc4180.csv:2:2: 'Smith, John' in column 'name' is not a number, but types declares it numeric; "
                      "fix the value, add it to 'missing', or declare the column string",
                 "types: text in a numeric column", "types[]=name:numeric");
    expect_error(DATA "rfc4180.csv",
                 DATA "rfc4180.csv: types: the header has no column 'nme'; check the name (columns: id, ...)",
                 "types: unknown column", "types[]=nme:string");
    expect_error(DATA "rfc4180.csv", "test.lua:1: types: 'name:number' must be \"name:numeric\", \"name:string\" or \"name:date\"",
                 "types: bad entry", "types[]=name:number");
    expect_error(DATA "rfc4180.csv",
                 "test.lua:1: option 'delimiter' must be auto, \",\", \";\", \"tab\" or \"|\", not ':'",
                 "bad delimiter", "delimiter=:");
    expect_error(DATA "german-excel.csv",
                 DATA "german-excel.csv:1: invalid UTF-8 at byte offset 8; set encoding = \"windows-1252\" (Excel) "
                      "or \"latin-1\" if the file is not UTF-8, or invalid_utf8 = \"replace\"",
                 "a Windows-1252 file read as UTF-8 points at the encoding option", "threads=1");

    /* A ragged row after a quoted line break: the line number counts physical lines. */
    const char text[] = "a,b\n1,\"x\ny\"\n2\n";
    char *err = NULL;
    tally_dataset *ds = csv_load_text(text, &err, "threads=1");
    CHECK_CONTAINS(err, ":4: row has 1 field, the header has 2", "line numbers count quoted line breaks");
    free(err);
    tally_dataset_free(ds);

    /* A header only: the columns and 0 rows, with a warning. */
    ds = csv_load(DATA "header-only.csv", &err, "threads=1");
    CHECK(ds && ds->nrows == 0 && ds->ncols == 3, "header only: 3 columns, 0 rows");
    CHECK_CONTAINS(csv_warnings, "header-only.csv: no data rows, only the header; the dataset has 3 columns and 0 rows",
                   "header only: warned");
    tally_dataset_free(ds);
    CHECK_DONE();
}
