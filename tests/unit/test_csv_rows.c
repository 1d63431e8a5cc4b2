/* test_csv_rows.c: the csv reader's one-pass row path against cells known by construction, row by row. */
#include "check.h"
#define cell_num cell_num_unused
#include "test_csv_helpers.h"
#undef cell_num

#include <math.h>

/*
 * The reader takes most rows in one pass and hands a row to its general loop
 * part-way (a quote, a value new to a column, text in a number column) or from
 * its start (a wrong field count, a lone CR). The file below mixes all of these
 * over a few hundred rows, so both paths and the hand-over between them are
 * crossed in every chunk; each cell is checked against what was written.
 */

#define ROWS 700

static double num_at(const tally_dataset *ds, const char *col, size_t row)
{
    int c = tally_dataset_find(ds, col);
    return c < 0 || ds->cols[c]->type != TALLY_NUMERIC || row >= ds->nrows ? -999999 : tally_col_num(ds->cols[c], row);
}

/* What row i holds (i from 0), written and expected alike. */
static int has_c1(size_t i) { return i % 7 != 3; }
static int c1(size_t i) { return (int)(i * 5 % 10); }
static int has_c2(size_t i) { return i % 11 != 5; }
static int c2(size_t i) { return i < 400 ? 10 + (int)(i % 4) : 10 + (int)(i % 90); } /* new values from row 400 */
static int c3(size_t i) { return 100 + (int)(i % 150); }                                /* three digits */
static double x(size_t i) { return (i % 2 ? -1.0 : 1.0) * (double)(i % 1000) / 8.0; } /* exact in binary */
/* Two digits, until "1:" (a digit and the byte after '9', not a number) turns the column to text. */
static const char *c4(size_t i, char *buf, size_t n)
{
    if (i == 603) return "1:"; /* a row the one-pass path takes up to here */
    snprintf(buf, n, "%zu", 10 + i % 11);
    return buf;
}
static const char *t_text(size_t i, char *buf, size_t n)
{
    switch (i % 9) {
    case 0: case 1: case 2: return "";
    case 3: snprintf(buf, n, "word%zu", i); return buf;
    case 4: return "a, b";            /* quoted: delimiter */
    case 5: return "two\nlines";      /* quoted: line end */
    case 6: return "say \"hi\"";      /* quoted: doubled quotes */
    case 7: return "5\" screen";      /* a quote inside an unquoted field */
    default: return "Grüße 书法";
    }
}

static void put_text(sbuf *b, const char *s, size_t i)
{
    int q = i % 9 == 4 || i % 9 == 5 || i % 9 == 6;
    if (!q) {
        sbuf_puts(b, s);
        return;
    }
    sbuf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"') sbuf_putc(b, '"');
        sbuf_putc(b, *s);
    }
    sbuf_putc(b, '"');
}

/* Row `row` of the mixed file (header id,c1,c2,c3,x,t,late,u,c4); *arg is 1 for CRLF line ends. */
static void mixed_row(sbuf *b, int row, const void *arg)
{
    int crlf = *(const int *)arg;
    size_t i = (size_t)row;
    char tb[64];
    sbuf_printf(b, "%zu,", i + 1);
    if (has_c1(i)) sbuf_printf(b, "%d", c1(i));
    sbuf_putc(b, ',');
    if (has_c2(i)) sbuf_printf(b, "%d", c2(i));
    sbuf_printf(b, ",%d,%g,", c3(i), x(i));
    put_text(b, t_text(i, tb, sizeof tb), i);
    if (i < 500) sbuf_printf(b, ",%zu", i % 3); /* numbers, then text from row 500 */
    else sbuf_printf(b, ",n%zu", i);
    sbuf_printf(b, ",%s", i % 13 == 0 ? "x" : "");
    sbuf_printf(b, ",%s", c4(i, tb, sizeof tb));
    sbuf_puts(b, crlf && i % 5 ? "\r\n" : "\n");
    if (i % 97 == 50) sbuf_puts(b, "\n"); /* a blank line now and then */
}

static void check_file(int crlf, const char *threads)
{
    char *path = csv_tmpfile_rows(crlf ? "id,c1,c2,c3,x,t,late,u,c4\r\n" : "id,c1,c2,c3,x,t,late,u,c4\n", ROWS,
                                  mixed_row, &crlf);
    char *err = NULL, what[64], tb[64];
    snprintf(what, sizeof what, "%s, %s", crlf ? "CRLF" : "LF", threads);
    tally_dataset *ds = csv_load(path, &err, threads);
    CHECK(ds != NULL, "%s: the file reads", what);
    if (!ds) {
        printf("#   %s\n", err);
        free(err);
        csv_tmpfile_remove(path);
        return;
    }
    CHECK(ds->nrows == ROWS, "%s: %d rows (blank lines skipped), got %zu", what, ROWS, ds->nrows);
    CHECK(col_type(ds, "late") == TALLY_STRING && col_type(ds, "t") == TALLY_STRING && col_type(ds, "c4") == TALLY_STRING,
          "%s: text columns", what);
    size_t bad = 0, first = (size_t)-1;
    for (size_t i = 0; i < ds->nrows && i < ROWS; i++) {
        char late[32], u[8];
        snprintf(late, sizeof late, i < 500 ? "%zu" : "n%zu", i < 500 ? i % 3 : i);
        snprintf(u, sizeof u, "%s", i % 13 == 0 ? "x" : "");
        int ok = num_at(ds, "id", i) == (double)(i + 1);
        ok &= has_c1(i) ? num_at(ds, "c1", i) == c1(i) : isnan(num_at(ds, "c1", i));
        ok &= has_c2(i) ? num_at(ds, "c2", i) == c2(i) : isnan(num_at(ds, "c2", i));
        ok &= num_at(ds, "c3", i) == c3(i);
        ok &= num_at(ds, "x", i) == x(i);
        ok &= strcmp(cell_str(ds, "t", i), t_text(i, tb, sizeof tb)) == 0;
        ok &= strcmp(cell_str(ds, "late", i), late) == 0;
        ok &= strcmp(cell_str(ds, "u", i), u) == 0;
        ok &= strcmp(cell_str(ds, "c4", i), c4(i, tb, sizeof tb)) == 0;
        if (!ok && !bad++) first = i;
    }
    CHECK(bad == 0, "%s: every cell as written (%zu rows differ, first %zu)", what, bad, bad ? first : 0);
    tally_dataset_free(ds);
    csv_tmpfile_remove(path);
}

/* Row i of the ragged file (header a,b,c,d): a field too many in rows 4, 14, ..,
 * too few in rows 8, 18, ..; the others hold i, i % 5, i % 3, i % 2. */
static int ragged_is_kept(size_t i) { return i % 10 != 4 && i % 10 != 8; }
static void ragged_row(sbuf *b, int row, const void *arg)
{
    (void)arg;
    size_t i = (size_t)row;
    if (i % 10 == 4) sbuf_printf(b, "%zu,1,2,3,4\n", i);
    else if (i % 10 == 8) sbuf_printf(b, "%zu,1,2\n", i);
    else sbuf_printf(b, "%zu,%zu,%zu,%zu\n", i, i % 5, i % 3, i % 2);
}

/* Rows with a field too many or too few, skipped on request, wherever they fall. */
static void check_ragged(void)
{
    char *path = csv_tmpfile_rows("a,b,c,d\n", ROWS, ragged_row, NULL), *err = NULL;
    size_t kept = 0;
    for (size_t i = 0; i < ROWS; i++) kept += ragged_is_kept(i);
    tally_dataset *ds = csv_load(path, &err, "on_ragged=skip", "threads=2");
    CHECK(ds && ds->nrows == kept, "ragged rows skipped: %zu kept", kept);
    size_t bad = 0;
    for (size_t i = 0, r = 0; ds && i < ROWS; i++) {
        if (!ragged_is_kept(i)) continue;
        bad += num_at(ds, "a", r) != (double)i || num_at(ds, "b", r) != (double)(i % 5) ||
               num_at(ds, "d", r) != (double)(i % 2);
        r++;
    }
    CHECK(ds && bad == 0, "ragged: the kept rows' cells as written (%zu differ)", bad);
    if (ds) tally_dataset_free(ds);
    free(err);
    csv_tmpfile_remove(path);
}

/* Row i of the limits file (header id,code,amount,note): "09", "9" or "1"; "99" or 1234.5; a note. */
static void limits_row(sbuf *b, int row, const void *arg)
{
    (void)arg;
    size_t i = (size_t)row;
    sbuf_printf(b, "%zu,%s,%s,", i, i == 3 ? "09" : i % 4 ? "9" : "1", i % 5 ? "99" : "1234.5");
    if (i == 651) { /* unquoted text longer than the limit, in a row the one-pass path reads up to it */
        char z[500];
        memset(z, 'z', sizeof z);
        sbuf_add(b, z, sizeof z);
    } else {
        sbuf_printf(b, "n%zu", i);
    }
    sbuf_putc(b, '\n');
}

/* What the one-pass path must leave to the general loop: a field longer than
 * max_field_bytes (an error), and missing tokens that look like numbers. */
static void check_limits(void)
{
    char *path = csv_tmpfile_rows("id,code,amount,note\n", ROWS, limits_row, NULL), *err = NULL;
    tally_dataset *ds = csv_load(path, &err, "max_field_bytes=100");
    char want[256];
    snprintf(want, sizeof want, "%s:653:4: field is longer than max_field_bytes (100 bytes)", path);
    CHECK(ds == NULL && err && strstr(err, want), "a long unquoted field late in the file: %s", err ? err : "(read)");
    if (ds) tally_dataset_free(ds);
    free(err);
    err = NULL;
    ds = csv_load(path, &err, "missing[]=9", "missing[]=99", "types[]=code:numeric"); /* 09 alone keeps it text */
    CHECK(ds != NULL, "missing tokens that look like numbers: the file reads");
    size_t bad = 0;
    for (size_t i = 0; ds && i < ROWS; i++) {
        double code = num_at(ds, "code", i), amount = num_at(ds, "amount", i);
        bad += i == 3 ? code != 9 : i % 4 ? !isnan(code) : code != 1; /* "09" is 9; "9" is the token */
        bad += i % 5 ? !isnan(amount) : amount != 1234.5;
    }
    CHECK(ds && bad == 0, "missing tokens: every \"9\" and \"99\" system-missing, \"09\" the number 9 (%zu cells differ)", bad);
    if (ds) tally_dataset_free(ds);
    free(err);
    csv_tmpfile_remove(path);
}

int main(void)
{
    check_file(0, "threads=1");
    check_file(0, "threads=3");
    check_file(1, "threads=1");
    check_file(1, "threads=2");
    check_ragged();
    check_limits();
    CHECK_DONE();
}
