/* test_excel_split.c: a sheet parsed in pieces by several parsers (sheet_split.c) gives the cells one parser gives, cell by cell. */
#include "check.h"
#include "util.h"

#include "../../plugins/input/excel/xlsx_in.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

static char *sst[3] = {"a", "b & c", "NA"};
static uint32_t sst_len[3] = {1, 5, 2};
static uint8_t xf[3] = {XLSX_FMT_NONE, XLSX_FMT_DATE, XLSX_FMT_DATETIME};

static void test_book(xlsx_book *b)
{
    memset(b, 0, sizeof *b);
    b->sst = sst;
    b->sst_len = sst_len;
    b->nsst = 3;
    b->xf_kind = xf;
    b->nxf = 3;
}

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static void add(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if ((size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        b->cap = b->cap * 2 + (size_t)k + 64;
        b->s = realloc(b->s, b->cap);
    }
}

enum { PLAIN, COMMENTS, NO_R, PREFIXED, ROW_IN_CELL, LATIN1 };

static void col_name(unsigned c, char *out)
{
    char t[8];
    int k = 0;
    for (unsigned v = c + 1; v; v = (v - 1) / 26) t[k++] = (char)('A' + (v - 1) % 26);
    for (int i = 0; i < k; i++) out[i] = t[k - 1 - i];
    out[k] = 0;
}

/* A sheet of `rows` rows with every kind of cell, blanks and gaps; `variant` adds what a cut must survive. */
static char *sheet_xml(int variant, unsigned rows, size_t *len)
{
    buf b = {0};
    const char *p = variant == PREFIXED ? "x:" : "";
    unsigned seed = 12345u + (unsigned)variant;
    add(&b, "<?xml version=\"1.0\" encoding=\"%s\" standalone=\"yes\"?>\n<%sworksheet xmlns%s=\"http://schemas."
        "openxmlformats.org/spreadsheetml/2006/main\"><%scols><%scol min=\"3\" max=\"3\" hidden=\"1\"/></%scols>"
        "<%ssheetData>", variant == LATIN1 ? "ISO-8859-1" : "UTF-8", p, variant == PREFIXED ? ":x" : "", p, p, p, p);
    for (unsigned r = 1; r <= rows; r++) {
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 11 == 0 && r > 1) continue; /* a row left out */
        int with_r = !(variant == NO_R && (seed >> 8) % 3 == 0);
        add(&b, "%s<%srow%s%u\"%s%s>", (seed >> 4) % 5 == 0 ? "\n  " : "", p, with_r ? " r=\"" : " spans=\"1:",
            with_r ? r : 9u, (seed >> 20) % 13 == 0 ? " hidden=\"1\"" : "", (seed >> 12) % 7 == 0 ? " ht=\"20\"" : "");
        unsigned ncell = 1 + (seed >> 10) % 9;
        for (unsigned c = 0, k = 0; k < ncell && c < 12; c++) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 3 == 0) continue; /* a blank */
            k++;
            char ref[16];
            col_name(c, ref);
            char at[40] = "";
            if (with_r) snprintf(at, sizeof at, " r=\"%s%u\"", ref, r);
            switch ((seed >> 18) % 12) {
            case 0: add(&b, "<%sc%s><%sv>%u</%sv></%sc>", p, at, p, seed % 100, p, p); break;
            case 1: add(&b, "<%sc%s><%sv>-%u.%03u</%sv></%sc>", p, at, p, seed % 1000, seed % 997, p, p); break;
            case 2: add(&b, "<%sc%s><%sv>%u%u</%sv></%sc>", p, at, p, seed, seed % 10, p, p); break; /* past int32 */
            case 3: add(&b, "<%sc%s t=\"s\"><%sv>%u</%sv></%sc>", p, at, p, seed % 3, p, p); break;
            case 4:
                add(&b, "<%sc%s t=\"inlineStr\"><%sis><%st>row %u &amp; &lt;cell&gt;_x000D_%u</%st></%sis></%sc>", p, at,
                    p, p, r, c, p, p, p);
                break;
            case 5:
                add(&b, "<%sc%s t=\"inlineStr\"><%sis><%sr><%st>ri</%st></%sr><%sr><%st>ch</%st></%sr></%sis></%sc>", p, at,
                    p, p, p, p, p, p, p, p, p, p, p);
                break;
            case 6: add(&b, "<%sc%s t=\"b\"><%sv>%u</%sv></%sc>", p, at, p, seed % 2, p, p); break;
            case 7: add(&b, "<%sc%s t=\"e\"><%sv>#N/A</%sv></%sc>", p, at, p, p, p); break;
            case 8: add(&b, "<%sc%s s=\"1\"><%sv>%u</%sv></%sc>", p, at, p, 40000 + seed % 9000, p, p); break;
            case 9: add(&b, "<%sc%s s=\"2\"><%sv>45000.%u</%sv></%sc>", p, at, p, seed % 1000, p, p); break;
            case 10: add(&b, "<%sc%s t=\"str\"><%sf>A1&amp;\"x\"</%sf><%sv>f%u</%sv></%sc>", p, at, p, p, p, r, p, p); break;
            default: add(&b, "<%sc%s s=\"1\"/>", p, at); break; /* a formatted blank */
            }
        }
        if (variant == COMMENTS && r % 17 == 0)
            add(&b, "<c r=\"L%u\" t=\"inlineStr\"><is><t><![CDATA[a <row r=\"%u\"><c><v>5</v></c></row> b]]></t></is></c>",
                r, r + 1);
        if (variant == LATIN1 && r % 7 == 0) /* Latin-1 bytes that also read as UTF-8: "\xC3\xA9" is two letters */
            add(&b, "<c r=\"L%u\" t=\"inlineStr\"><is><t>Caf\xC3\xA9 %u</t></is></c>", r, r);
        if (variant == ROW_IN_CELL && r % 19 == 0)
            add(&b, "<c r=\"L%u\"><v>1</v><row r=\"%u\"><c r=\"K%u\"><v>8</v></c></row></c>", r, r + 500, r + 500);
        add(&b, "</%srow>", p);
        if (variant == COMMENTS && r % 13 == 0)
            add(&b, "<!-- <row r=\"%u\"><c r=\"A%u\"><v>99</v></c></row> --><?tally <row r=\"%u\"> ?>", r + 1, r + 1, r + 2);
    }
    add(&b, "</%ssheetData><%smergeCells count=\"1\"><%smergeCell ref=\"A1:B1\"/></%smergeCells></%sworksheet>", p, p,
        p, p, p);
    *len = b.n;
    return b.s;
}

/* Every piece size from 64 bytes up, fed in steps of several sizes, with and without worker threads. */
static void check_variant(int variant, const char *name, int expect_all_split)
{
    xlsx_book book;
    test_book(&book);
    size_t len;
    char *xml = sheet_xml(variant, 400, &len);
    xlsx_grid one;
    memset(&one, 0, sizeof one);
    char err[XLSX_ERR] = "";
    CHECK(xlsx_sheet_parse_buffer(&book, xml, len, &one, err) == 0, "%s: one parser reads it (%s)", name, err);
    CHECK(one.ncells > 1000, "%s: the sheet has %zu cells", name, one.ncells);
    size_t runs = 0, split = 0, refused = 0, wrong = 0;
    char why[160] = "";
    static const size_t steps[] = {1, 7, 300, 65536};
    for (size_t piece = 64; piece < len; piece += piece < 400 ? 13 : piece / 5) {
        for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
            for (int workers = 0; workers <= 2; workers += 2) {
                if (steps[s] == 1 && (piece % 3 || workers)) continue; /* byte by byte is slow: a third of them */
                xlsx_grid g;
                memset(&g, 0, sizeof g);
                size_t pieces = 0;
                int rc = xlsx_sheet_parse_split(&book, xml, len, piece, steps[s], workers, &g, &pieces);
                runs++;
                if (rc != 0) refused++;
                else if (pieces > 1) split++;
                if (rc == 0 && !xlsx_grid_same(&book, &one, &g, why, sizeof why) && wrong++ == 0)
                    fprintf(stderr, "# %s, pieces of %zu, steps of %zu, %d workers: %s\n", name, piece, steps[s], workers,
                            why);
                xlsx_grid_free(&g);
            }
        }
    }
    CHECK(wrong == 0, "%s: every accepted split equals one parser's cells (%zu of %zu runs differ)", name, wrong, runs);
    if (expect_all_split)
        CHECK(refused == 0 && split > 0, "%s: every split is accepted (%zu refused, %zu split of %zu)", name, refused, split,
              runs);
    else if (variant == PREFIXED)
        CHECK(split == 0 && refused == 0, "%s: no row start to cut at: one piece (%zu split, %zu refused)", name, split,
              refused);
    else
        CHECK(refused > 0 && split > 0, "%s: cuts in the wrong place are refused (%zu), the others split (%zu)", name,
              refused, split);
    xlsx_grid_free(&one);
    free(xml);
}

/* A workbook written by libxlsxwriter (shared or inline strings), read through the archive each way. */
static int write_book(const char *path, int constant_memory, unsigned rows)
{
    lxw_workbook_options o = {.constant_memory = (uint8_t)constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &o);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "data");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    static const char *words[] = {"Köln", "a & b", "<row r=\"1\">", "NA", "Zoë \"Z\""};
    for (unsigned r = 0; r < rows; r++) {
        if (r % 97 == 50) continue; /* an empty row */
        worksheet_write_number(ws, r, 0, r, NULL);
        if (r % 5) worksheet_write_number(ws, r, 1, (double)r / 8.0 - 100, NULL);
        worksheet_write_string(ws, r, 2, words[r % 5], NULL);
        worksheet_write_boolean(ws, r, 3, r % 2, NULL);
        lxw_datetime d = {2000 + (int)(r % 30), 1 + (int)(r % 12), 1 + (int)(r % 28), 0, 0, 0};
        worksheet_write_datetime(ws, r, 4, &d, date);
        if (r % 7 == 0) worksheet_write_number(ws, r, 6, 3e10 + r, NULL);
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int read_book(const char *path, const char *mode, xlsx_grid *g, xlsx_how *how)
{
    char err[XLSX_ERR] = "";
    xlsx_book b;
    memset(&b, 0, sizeof b);
    memset(g, 0, sizeof *g);
    if (mode) setenv("TALLY_XLSX_SPLIT", mode, 1);
    else unsetenv("TALLY_XLSX_SPLIT");
    xlsx_zip *z = xlsx_zip_open(path, err);
    int rc = z && xlsx_book_read(z, &b, err) == 0 && xlsx_sheet_read_how(z, &b, 0, g, err, how) == 0 ? 0 : -1;
    if (rc) fprintf(stderr, "# %s: %s\n", path, err);
    xlsx_book_free(&b);
    xlsx_zip_close(z);
    return rc;
}

static void check_workbook(const char *path, int constant_memory)
{
    const char *what = constant_memory ? "inline strings" : "shared strings";
    CHECK(write_book(path, constant_memory, 3000) == 0, "libxlsxwriter writes the %s workbook", what);
    xlsx_grid one, g;
    xlsx_how how;
    CHECK(read_book(path, "off", &one, &how) == 0 && how.pieces <= 1, "%s: one parser reads it", what);
    CHECK(strstr(how.why, "TALLY_XLSX_SPLIT=off") != NULL, "%s: -v says why one parser (%s)", what, how.why);
    /* the sheet's text, for the book's shared strings */
    char err[XLSX_ERR] = "";
    xlsx_book b;
    memset(&b, 0, sizeof b);
    xlsx_zip *z = xlsx_zip_open(path, err);
    CHECK(z && xlsx_book_read(z, &b, err) == 0, "%s: the book reads", what);
    static const char *modes[] = {"1000", "4093", "65536", "on"};
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        char why[160] = "";
        int rc = read_book(path, modes[m], &g, &how);
        CHECK(rc == 0 && xlsx_grid_same(&b, &one, &g, why, sizeof why), "%s, TALLY_XLSX_SPLIT=%s: the same cells (%s)",
              what, modes[m], why);
        if (strcmp(modes[m], "on") != 0)
            CHECK(how.pieces > 2 && how.parsers >= 2, "%s, TALLY_XLSX_SPLIT=%s: read in %zu pieces by %d parsers", what,
                  modes[m], how.pieces, how.parsers);
        xlsx_grid_free(&g);
    }
    CHECK(read_book(path, NULL, &g, &how) == 0 && how.pieces <= 1 && strstr(how.why, "64 MB"),
          "%s: a small sheet is read by one parser unless told (%s)", what, how.why);
    xlsx_grid_free(&g);
    CHECK(read_book(path, "4MB", &g, &how) == 0 && how.pieces <= 1 &&
              strstr(how.why, "TALLY_XLSX_SPLIT ignored: off, on or a piece size in bytes; a sheet under 64 MB"),
          "%s: -v says a TALLY_XLSX_SPLIT it cannot read is ignored, and why one parser (%s)", what, how.why);
    xlsx_grid_free(&g);
    xlsx_book_free(&b);
    xlsx_zip_close(z);
    xlsx_grid_free(&one);
    unlink(path);
}

int main(void)
{
    check_variant(PLAIN, "plain sheet", 1);
    check_variant(COMMENTS, "comments, CDATA and PIs holding row starts", 0);
    check_variant(NO_R, "rows without their number", 0);
    check_variant(PREFIXED, "prefixed elements", 0);
    check_variant(ROW_IN_CELL, "a row inside a cell", 0);
    check_variant(LATIN1, "a sheet declaring ISO-8859-1 (read as UTF-8 by every parser)", 1);
    char dir[] = "/tmp/tally-xsplit-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char *path = xasprintf("%s/book.xlsx", dir);
    check_workbook(path, 0);
    check_workbook(path, 1);
    free(path);
    rmdir(dir);
    CHECK_DONE();
}
