/* xlsx_in.h: internal interfaces of the excel input plugin (zip parts, workbook parts, sheet cells). */
#ifndef TALLY_XLSX_IN_H
#define TALLY_XLSX_IN_H

#include <stddef.h>
#include <stdint.h>

#include <expat.h>

#include "tally/plugin.h"

/*
 * Reading goes part by part, each streamed out of the zip through expat, so no
 * part is ever held whole in memory:
 *   workbook.xml (+ its .rels)  sheet names, their parts, the date system
 *   styles.xml                  which cell styles are dates, datetimes or times
 *   sharedStrings.xml           the shared strings (kept: cells point into them)
 *   the sheet                   cells straight into per-column arrays (xlsx_grid)
 * Every error message is written into `err` (what and what to do); the caller
 * prefixes the file name.
 */

#define XLSX_MAX_ROWS 1048576u /* Excel's limits: A1..XFD1048576 */
#define XLSX_MAX_COLS 16384u
#define XLSX_ERR 512

/* ---- zip.c: one part of the archive, inflated in a stream with bounds -------- */

typedef struct xlsx_zip xlsx_zip;
/* Opens the archive; NULL with the reason in err. */
xlsx_zip *xlsx_zip_open(const char *path, char err[XLSX_ERR]);
void xlsx_zip_close(xlsx_zip *z);
/* 1 when the archive holds `part` (names compared without case, no leading '/'). */
int xlsx_zip_has(xlsx_zip *z, const char *part);
/* Streams `part` through `parser` (expat, set up by xlsx_xml_new); 0, or -1 with err set.
 * Refuses a part that inflates past the size or ratio bounds (a zip bomb). */
int xlsx_zip_parse(xlsx_zip *z, const char *part, XML_Parser parser, char err[XLSX_ERR]);
/* Receives a part's inflated bytes in steps; `last` is 1 on the final call (n may be 0); 0 goes on. */
typedef int (*xlsx_sink)(void *user, const char *buf, size_t n, int last);
/* Streams `part` into `sink` with the same bounds and messages; a sink that stops leaves err as it set it. */
int xlsx_zip_stream(xlsx_zip *z, const char *part, xlsx_sink sink, void *user, char err[XLSX_ERR]);
/* The part's inflated size as the archive states it (0 when missing; a hint only). */
uint64_t xlsx_zip_size(xlsx_zip *z, const char *part);

/* The first member of every parser's user data: where errors go, and the parser. */
typedef struct xlsx_xml_head {
    char *err;
    XML_Parser parser;
} xlsx_xml_head;

/* An expat parser that refuses any DTD (so no entity can be declared or expanded);
 * `user` (starting with an xlsx_xml_head, whose parser
 * member this sets) is passed to the handlers. */
XML_Parser xlsx_xml_new(void *user);
/* Stops the parser with a message (from inside a handler). */
void xlsx_xml_fail(XML_Parser p, char *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The element's local name (after any namespace prefix). */
const char *xlsx_local(const char *name);
/* An attribute's value by local name, or NULL. */
const char *xlsx_attr(const char **atts, const char *local);

/* ---- book.c: workbook, relationships, styles, shared strings ----------------- */

typedef enum { XLSX_FMT_NONE = 0, XLSX_FMT_DATE, XLSX_FMT_DATETIME, XLSX_FMT_TIME } xlsx_fmt_kind;

typedef struct xlsx_book {
    char **sheet_names;   /* in workbook order (owned) */
    char **sheet_parts;   /* "xl/worksheets/sheet1.xml" (owned) */
    size_t nsheets;
    int date1904;         /* the 1904 date system */
    char *sst_part, *styles_part; /* NULL when the workbook has none */
    uint8_t *xf_kind;     /* cell style index -> xlsx_fmt_kind (owned) */
    size_t nxf;
    char **sst;           /* shared strings (owned) */
    uint32_t *sst_len;
    size_t nsst;
} xlsx_book;

/* Reads the workbook, its relationships, styles and shared strings. */
int xlsx_book_read(xlsx_zip *z, xlsx_book *b, char err[XLSX_ERR]);
void xlsx_book_free(xlsx_book *b);
/* What a number format code shows: a date, a datetime, a time or a plain number. */
xlsx_fmt_kind xlsx_format_kind(int numfmt_id, const char *code);
/* Decodes the _xHHHH_ escapes of OOXML strings in place; returns the new length. */
size_t xlsx_unescape(char *s, size_t n);

/* ---- sheet.c: the sheet's cells ----------------------------------------------- */

typedef enum { XC_EMPTY = 0, XC_NUM, XC_DATE, XC_DATETIME, XC_TIME, XC_BOOL, XC_SST, XC_STR, XC_ERROR } xlsx_cell_kind;

typedef union xlsx_val {
    double num;           /* NUM, DATE..., BOOL */
    uint64_t ref;         /* SST: the string's index; STR: offset into the column's text */
} xlsx_val;

/* One column's cells with a value, in the order the sheet gives them (sparse:
 * an empty cell costs nothing). Kept compact, as most columns of survey data are
 * answer codes in unbroken rows: the row numbers are stored only once the rows
 * leave a gap, and values as int32 while every one is a whole number in its
 * range; read them through xlsx_col_row, xlsx_col_num and xlsx_col_ref. */
typedef struct xlsx_col {
    uint32_t *row;        /* 0-based sheet row; NULL while cell i is on row row0 + i */
    uint32_t row0;
    uint8_t *kind;        /* an xlsx_cell_kind */
    xlsx_val *val;        /* NULL while the values are in `small` */
    int32_t *small;       /* the values (numbers or string references) while all fit */
    size_t n, cap;
    char *text;           /* inline strings, NUL-terminated one after another (owned) */
    size_t text_len, text_cap;
} xlsx_col;

/* Cell i's 0-based sheet row. */
static inline uint32_t xlsx_col_row(const xlsx_col *c, size_t i)
{
    return c->row ? c->row[i] : c->row0 + (uint32_t)i;
}
/* Cell i's number (NUM, DATE..., BOOL). */
static inline double xlsx_col_num(const xlsx_col *c, size_t i)
{
    return c->val ? c->val[i].num : (double)c->small[i];
}
/* Cell i's string reference (SST: index; STR: offset into the column's text). */
static inline uint64_t xlsx_col_ref(const xlsx_col *c, size_t i)
{
    return c->val ? c->val[i].ref : (uint64_t)c->small[i];
}

typedef struct xlsx_merge { uint32_t r0, c0, r1, c1; } xlsx_merge;

typedef struct xlsx_grid {
    xlsx_col *cols;
    size_t ncols;         /* columns with a value (one past the rightmost) */
    size_t nrows;         /* rows with a value (one past the lowest) */
    size_t cols_cap;
    xlsx_merge *merges;
    size_t nmerges, merges_cap;
    uint8_t *col_hidden;  /* XLSX_MAX_COLS flags, NULL when no column is hidden */
    size_t ncells;        /* cells with a value */
    size_t hidden_rows, errors;
    uint32_t first_hidden_row, first_error_row, first_error_col; /* 1-based, 0: none */
} xlsx_grid;

/* Parses sheet XML from `parser` fed by the caller; the book gives shared strings and styles. */
typedef struct xlsx_sheet_state xlsx_sheet_state;
xlsx_sheet_state *xlsx_sheet_new(const xlsx_book *b, xlsx_grid *g, char *err);
XML_Parser xlsx_sheet_parser(xlsx_sheet_state *s);
void xlsx_sheet_free(xlsx_sheet_state *s);
/* Parses a whole sheet held in memory (the fuzz target's entry); 0 or -1 with err. */
int xlsx_sheet_parse_buffer(const xlsx_book *b, const char *xml, size_t n, xlsx_grid *g, char err[XLSX_ERR]);
void xlsx_grid_free(xlsx_grid *g);
/* Frees one column's cells (left empty), as soon as they are copied out. */
void xlsx_col_release(xlsx_col *c);
/* Streams sheet k of the book out of the archive into g; 0, or -1 with err set. A large sheet is
 * parsed in pieces by several parsers at once (sheet_split.c); the cells are the same either way. */
int xlsx_sheet_read(xlsx_zip *z, const xlsx_book *b, size_t k, xlsx_grid *g, char err[XLSX_ERR]);
/* Appends src's cells after dst's (src is freed, even on failure); 0, or -1 when out of memory. */
int xlsx_grid_append(xlsx_grid *dst, xlsx_grid *src);
/* The parser of a piece of a sheet cut at a row start: its first row must carry its number. */
void xlsx_sheet_piece(xlsx_sheet_state *s);
/* The main parser of a split sheet, its head parsed: at byte `at` of what it is fed, where its tail
 * starts, a row starts outside any cell (else the parse fails); its cells and all after go to `tail`,
 * anything before to `hold` (both borrowed; hold stays empty when the cut is right). */
void xlsx_sheet_splice(xlsx_sheet_state *s, long long at, xlsx_grid *hold, xlsx_grid *tail);
/* 1 once the main parser passed its splice point. */
int xlsx_sheet_spliced(const xlsx_sheet_state *s);
/* ---- sheet_split.c: a large sheet parsed in pieces by several parsers at once ---------- */

/* Which path read a sheet, for -v. */
typedef struct xlsx_how {
    size_t pieces;        /* 0 or 1: one parser read the whole sheet */
    int parsers;          /* the main parser and the worker threads' */
    const char *why;      /* why one parser (static text; "" when nothing to say) */
} xlsx_how;
/* xlsx_sheet_read, saying how. TALLY_XLSX_SPLIT=off forces one parser, =on the split, =N (bytes) the
 * split with pieces of N bytes (tests); else sheets of 64 MB of XML or more are split on 2+ CPUs. */
int xlsx_sheet_read_how(xlsx_zip *z, const xlsx_book *b, size_t k, xlsx_grid *g, char err[XLSX_ERR], xlsx_how *how);
/* The split path on a sheet in memory, fed in steps of `step` bytes, with pieces of `piece_size`
 * bytes and `workers` threads (0: pieces parsed as they are cut); 0 with the cells in g (empty on
 * entry; *pieces says how many), or -1 when the cuts were refused or the sheet has an error
 * (g then holds part of the cells: free it). For the tests and the fuzz target. */
int xlsx_sheet_parse_split(const xlsx_book *b, const char *xml, size_t n, size_t piece_size, size_t step,
                           int workers, xlsx_grid *g, size_t *pieces);
/* 1 when both grids hold the same cells (kind, row, number or text), merges, hidden rows and columns
 * and errors; else 0 with the first difference in why. For the tests and the fuzz target. */
int xlsx_grid_same(const xlsx_book *b, const xlsx_grid *x, const xlsx_grid *y, char *why, size_t n);

/* Cell i of column c as text (shared or inline string; borrowed), or NULL for a number. */
const char *xlsx_cell_text(const xlsx_book *b, const xlsx_col *c, size_t i);
/* "A1"-style reference to 0-based row and column; -1 when malformed, -2 past Excel's limits. */
int xlsx_parse_ref(const char *ref, uint32_t *row, uint32_t *col);

#endif
