/* csv.h: internal interfaces of the csv input plugin (settings, chunks, tokenizer, numbers, encodings). */
#ifndef TALLY_CSV_H
#define TALLY_CSV_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include "tally/plugin.h"
#include "kernels.h"

/*
 * Reading works in phases over one in-memory UTF-8 buffer (the mapped file, or
 * a converted copy for Windows-1252/Latin-1 input):
 *   0. csv_check_text   (parallel) NUL bytes and UTF-8 validity: of the whole text before
 *                                  it is converted (Windows-1252, Latin-1), else only of the
 *                                  start (the header rows); phase 1 checks the body as it
 *                                  goes, each 64-byte block as the tokenizer loads it (window.c)
 *   1. csv_parse_chunk  (parallel) one tokenizing pass a chunk: rows, ragged rows and
 *                                  errors; each field goes to its column's buffer in the
 *                                  chunk: a one-byte chunk-local code while the column
 *                                  has at most 254 distinct values in the chunk, else a
 *                                  double; a text column's cells copied, unquoted, into
 *                                  the chunk's text buffer
 *   2. merge            (parallel over columns) the column types and levels over all
 *                                  chunks decided; each chunk's rows are moved to their
 *                                  place in the buffer all chunks wrote to (csv_shared),
 *                                  which becomes the dataset's column (ds_adopt_codes);
 *                                  without one, the first chunk's buffer (room for every
 *                                  row) takes the other chunks' rows, else each chunk's
 *                                  buffer is copied into the dataset; local codes go
 *                                  through a 256-entry table; text columns are stored
 *                                  by the same workers, longest first
 * Phases 0 and 1 give the mapped file's pages back behind them (nothing keeps
 * pointing into the file), so the file and the data read from it are not in
 * memory at the same time.
 * The body is split into chunks after a line end, assuming that line end is
 * outside quotes; the guess is checked after phase 1 (a chunk must start exactly
 * where the one before it ended) and a wrong chunk is parsed again from there.
 * A column that turns out to be text after some chunk read it as numbers (rare)
 * is read again as text for those rows only (csv_reread_chunk).
 * Nothing is allocated per field.
 */

#define CSV_MAX_MISSING 32
#define CSV_MAX_LEVELS TALLY_MAX_LEVELS /* a numeric column with more distinct values is stored as doubles */
#define CSV_CODE_NONE TALLY_CODE_MISSING /* the code of a system-missing cell */

/* Survey-platform layouts of a CSV export (layout.c). */
typedef enum {
    CSV_LAYOUT_AUTO = 0, CSV_LAYOUT_PLAIN, CSV_LAYOUT_SURVEYMONKEY, CSV_LAYOUT_QUALTRICS, CSV_LAYOUT_GOOGLE_FORMS,
    CSV_LAYOUT_MICROSOFT_FORMS
} csv_layout_kind;

/* Settings shared read-only by all threads. */
typedef struct csv_cfg {
    const char *path;       /* for messages (borrowed) */
    char delim;             /* , ; \t | */
    char term;              /* row terminator: '\n' (a '\r' before it is dropped) or '\r' */
    char decimal;           /* '.' or ',' */
    char thousands;         /* digit group separator ('.', ',', ' ', '\''), 0 for none */
    int skip_ragged;        /* on_ragged = "skip" */
    size_t max_field;       /* max_field_bytes */
    size_t ncols;
    const int *forced;      /* per column: 0 infer, TALLY_NUMERIC or TALLY_STRING (borrowed) */
    const char *miss[CSV_MAX_MISSING];
    size_t miss_len[CSV_MAX_MISSING];
    size_t nmiss;
    int miss_empty;         /* "" is a missing token */
    int miss_num;           /* some missing token is itself a number ("-9"): check tokens first */
    uint64_t miss_lenmask;  /* bit n set: some token has length n (n < 64) */
    unsigned char special[256]; /* bytes that end an unquoted run: delim, term, '\r' */
    csv_layout_kind layout;  /* how header rows 2.. give labels (SurveyMonkey placeholders, Qualtrics ImportId) */
    int cli;                 /* messages spell options --set NAME=VALUE */
    csv_classify_fn classify; /* the byte classification kernel (kernels.c), set by csv_cfg_finish */
} csv_cfg;

typedef enum {
    CSV_OK = 0, CSV_ERR_RAGGED, CSV_ERR_UNTERMINATED, CSV_ERR_TOO_LONG, CSV_ERR_NOT_NUMBER,
    CSV_ERR_NUL, CSV_ERR_UTF8
} csv_err_kind;

/* One string cell: its text (quotes already removed) at `off` in the chunk's
 * text buffer; `row` is the chunk's row. */
typedef struct csv_cell {
    size_t row;
    size_t off;
    uint32_t len;
    uint32_t col;
} csv_cell;

/* One chunk's distinct values of one column, numbered in the order they were
 * first seen (the chunk-local codes). */
typedef struct csv_ltab {
    uint8_t small[257];     /* local code of the whole number v (0..255), CSV_CODE_NONE if unseen;
                               small[256] is always CSV_CODE_NONE (the empty field's code); all
                               CSV_CODE_NONE in a column not held as codes (csv_colbuf_drop clears
                               it when a column turns), which the one-pass row relies on */
    uint16_t *slot;         /* other values: hash slots holding local code + 1, 0 empty; NULL until needed */
    double *vals;           /* local code -> value */
    unsigned n, cap;
} csv_ltab;

/* What one chunk holds for one column. */
/* CSV_BUF_END: the entry after a chunk's last column (a row with a field too many stops there). */
typedef enum { CSV_BUF_CODES = 0, CSV_BUF_NUMS, CSV_BUF_TEXT, CSV_BUF_END } csv_buf_kind;

typedef struct csv_colbuf {
    csv_buf_kind kind;
    uint8_t *codes;         /* CODES: a local code (or CSV_CODE_NONE) a row (owned) */
    double *nums;           /* NUMS: a double a row, NaN for missing (owned) */
    csv_ltab lt;            /* CODES: the local codes' values */
    size_t text_from;       /* TEXT: the first row whose cell was collected (earlier rows held numbers) */
    size_t reread;          /* after phase 1: rows 0..reread-1 are to be collected again as text */
    int shared;             /* codes or nums point into the chunk's region of the shared buffers (not owned) */
} csv_colbuf;

/*
 * The column buffers all chunks of a read share (slab.c): one a column with room for
 * the rows of every chunk, each chunk writing from its own place on (its region,
 * sized from the rows per byte of a sample of its text). After phase 1 the merge
 * moves each chunk's rows down to where they belong in the same buffer, which then
 * becomes the dataset's column: no second buffer is mapped, filled and given back.
 * A chunk that outgrows its region (more rows than the sample told) carries on in
 * buffers of its own, which the merge copies.
 */
typedef struct csv_shared {
    size_t ncols;
    size_t rows;             /* rows each buffer has room for (the regions' sum) */
    uint8_t **codes;         /* per column: a code a row, NULL for text columns (owned until merged) */
    uint8_t *block;          /* where the host gives one (ds_block_new): every column's codes, carved
                                from it in 2 MB pages; the dataset owns it and its columns view it */
    size_t block_len;
    _Atomic(double *) *nums; /* per column: a double a row, made when a chunk's column turns to doubles */
} csv_shared;

typedef struct csv_chunk {
    /* the set-up, kept by csv_chunk_clear (every field up to check_start) */
    const csv_cfg *cfg;
    const char *buf_end;    /* end of the whole buffer */
    const char *start;      /* first row starts here */
    const char *limit;      /* rows starting before this belong to the chunk */
    int drop;               /* phases 0 and 1: give the pages read back (the buffer is the mapped file) */
    int check;              /* phase 1: check the text for NUL bytes (and, utf8 set, invalid UTF-8) as it goes */
    int utf8;
    int direct;             /* buffers malloc'ed one a column with room for every row of the file: the
                               first chunk's become the dataset's columns (ds_adopt_codes), the other
                               chunks' rows merged into them */
    size_t body_bytes;      /* direct: bytes of the whole body, for the row estimate */
    csv_shared *shared;     /* the buffers shared by all chunks, or NULL (borrowed) */
    size_t base, region;    /* shared: this chunk's rows go to rows base.. base+region-1 of them */
    /* phase 0 (the first field csv_chunk_clear clears) */
    const char *check_start, *check_end;
    /* phase 1 results */
    const char *end;        /* just after the last row */
    size_t rows;            /* data rows kept */
    size_t lines;           /* line ends seen (physical lines, including inside quotes) */
    size_t skipped;         /* ragged rows skipped */
    size_t first_skip_line; /* chunk-relative line of the first skipped row */
    csv_colbuf *cols;       /* per column, and a CSV_BUF_END entry after them (owned) */
    size_t cap;             /* rows the CODES and NUMS buffers have room for (a multiple of 64) */
    uint8_t *blk;           /* phase 1: the codes of the current block of rows (fields.h) */
    char *slab;             /* the mapping big buffers are carved from, or NULL */
    size_t slab_size, slab_used;
    csv_cell *cells;        /* string cells (owned) */
    size_t ncells, cells_cap;
    char *text;             /* the string cells' text (owned) */
    size_t text_len, text_cap;
    int in_region;          /* its CODES and NUMS buffers are its region of the shared ones (0 once outgrown) */
    /* the first error: kind, chunk-relative line, 1-based column, details */
    csv_err_kind err;
    size_t err_line, err_col, err_a, err_b;
    const char *err_ptr;
    size_t err_len;
    size_t row0;            /* dataset row of the chunk's first row */
    size_t reread_rows;     /* phase 1b: rows to read again (the largest `reread`) */
    int oom;
} csv_chunk;

/* slab.c */
/* Sets up c->cols for a chunk (c->cfg, start and limit set); 0, or -1 when out of memory. */
int csv_chunk_init(csv_chunk *c);
/* Frees what a chunk owns and clears everything but its set-up (the fields before check_start). */
void csv_chunk_clear(csv_chunk *c);
/* Gives back a buffer of `bytes` bytes that came from the chunk (its slab or malloc). */
void csv_chunk_release(csv_chunk *c, void *p, size_t bytes);
/* Gives back a column's buffers and level table. */
void csv_colbuf_drop(csv_chunk *c, csv_colbuf *b);
/* The same in phase 1, for a column that turns to doubles or text: the whole pages of its
 * region of the shared buffers are given back too (no other chunk's rows are on them yet). */
void csv_colbuf_leave(csv_chunk *c, csv_colbuf *b);
/* Regions in the shared buffers for the n chunks (start, limit and cfg set), sized from
 * the line ends in a sample of each; code buffers made for every column that is not
 * declared text, in one block of ds (h->ds_block_new) where the host has it. 0, or -1
 * when they cannot be had (the chunks then keep their own). */
int csv_shared_open(csv_shared *sh, csv_chunk *chunks, size_t n, const tally_host *h, tally_dataset *ds);
/* 1 when p lies in sh's block (a column's codes the dataset views rather than frees). */
int csv_shared_in_block(const csv_shared *sh, const void *p);
/* Frees the shared buffers no column took. */
void csv_shared_free(csv_shared *sh);
/* Column k's shared doubles, made by the first chunk that asks; NULL when out of memory. */
double *csv_shared_nums(csv_shared *sh, size_t k);
/* Phase 1, on the chunk's thread: its region of every code buffer mapped in one call. */
void csv_chunk_map_region(csv_chunk *c);
/* madvise(advice) over the whole pages inside [from, to): a page only partly inside holds bytes
 * still in use and is left alone. A hint: a kernel that refuses it loses nothing. */
static inline void csv_advise_pages(const void *from, const void *to, int advice)
{
    uintptr_t a = ((uintptr_t)from + 4095) & ~(uintptr_t)4095, b = (uintptr_t)to & ~(uintptr_t)4095;
    if (b > a) madvise((void *)a, b - a, advice);
}
/* tokenize.c */
/* Phase 1: tokenizes the chunk's rows into its column buffers. */
void csv_parse_chunk(csv_chunk *c);
/* Collects, as text cells, the fields of rows 0..cols[k].reread-1 of every column k with reread set. */
void csv_reread_chunk(csv_chunk *c);
/* rowsplit.c */
/* One row parsed slowly (header rows, delimiter sniffing): field spans into
 * starts/lens/quoted (up to max); returns the field count (may exceed max) and
 * sets *next after the row and *lines to the line ends it crossed; -1 when a
 * quote is not closed before `end`. */
long csv_split_row(const csv_cfg *cfg, const char *p, const char *end, const char **starts, size_t *lens,
                   unsigned char *quoted, size_t max, const char **next, size_t *lines);
/* Copies a field's text without its quotes ("" -> ") into out (room for len bytes); returns the length. */
size_t csv_unquote(const char *p, size_t len, char *out);
/* cfg.c */
/* Builds cfg->special from delim and term, the missing tokens' facts, and picks the kernel. */
void csv_cfg_finish(csv_cfg *cfg);

/* levels.c */
/* Empties a table (csv_ltab_init: one never used; csv_ltab_clear: also frees what it holds). */
void csv_ltab_init(csv_ltab *t);
void csv_ltab_clear(csv_ltab *t);
/* The local code of value x (not NaN): found or added; CSV_MAX_LEVELS when the
 * table is full and x is not in it; -1 when out of memory. *added is set to 1
 * when x was added. */
int csv_ltab_code(csv_ltab *t, double x, int *added);
/* Takes back the newest value (added by a row that is then skipped). */
void csv_ltab_undo(csv_ltab *t);
/* Column `col`'s distinct values over all chunks, ascending, into levels (room
 * for CSV_MAX_LEVELS); returns their count, or -1 when there are more or some
 * chunk did not keep codes. */
int csv_levels_merge(const csv_chunk *chunks, size_t nchunks, size_t col, double *levels);
/* map[j]: the index in levels (ascending, n of them) of local code j of t; map[CSV_CODE_NONE] too. */
void csv_ltab_map(const csv_ltab *t, const double *levels, unsigned n, uint8_t map[256]);
/* dst[i]: the value of local code codes[i] of t (NaN for CSV_CODE_NONE), for n cells. */
void csv_ltab_to_nums(const csv_ltab *t, const uint8_t *codes, size_t n, double *dst);

/* number.c */
/* 1 when [p, p+n) is a number with decimal separator `dec` (spaces around allowed). */
int csv_is_number(const char *p, size_t n, char dec);
/* Parses a field that csv_is_number accepted. */
double csv_parse_number(const char *p, size_t n, char dec);
/* 1 when a number's text is an identifier to keep as text unless the column is
 * declared numeric: a leading zero (zip 08123, code 01) or a whole number of more
 * than 15 digits (a double cannot hold it: two 20-digit IDs would become one). */
int csv_number_stays_text(const char *p, size_t n, char dec);
/* 1 when [p, p+n) is a number whose integer digits are grouped by `thou` in
 * threes ("1.234,56" with thou '.', dec ','); the value into *out. */
int csv_grouped_number(const char *p, size_t n, char dec, char thou, double *out);

static const double csv_pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
                                   1e14, 1e15};

/* The common plain forms, -?digits[dec digits] with at most 15 digits and no
 * leading zero, parsed exactly (same result as csv_parse_number); 0 for anything else. */
static inline int csv_fast_number(const char *p, size_t n, char dec, double *out)
{
    size_t i = 0, nd = 0, frac = 0;
    int neg = n && p[0] == '-';
    uint64_t m = 0;
    i = (size_t)neg;
    if (n > i + 1 && p[i] == '0' && (unsigned)((unsigned char)p[i + 1] - '0') <= 9) return 0; /* 08123: text */
    for (; i < n; i++) {
        unsigned d = (unsigned)((unsigned char)p[i] - '0');
        if (d > 9) break;
        m = m * 10 + d;
        nd++;
    }
    if (i < n && p[i] == dec) {
        for (i++; i < n; i++) {
            unsigned d = (unsigned)((unsigned char)p[i] - '0');
            if (d > 9) break;
            m = m * 10 + d;
            nd++;
            frac++;
        }
    }
    if (i != n || nd == 0 || nd > 15) return 0;
    double v = (double)m;
    if (frac) v /= csv_pow10[frac];
    *out = neg ? -v : v;
    return 1;
}

/* The byte mask of the first `n` (0..8) bytes of a little-endian word. */
static inline uint64_t csv_low_bytes(size_t n)
{
    return n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1;
}

/* The bytes of w that are not ASCII digits, as the top bit of each byte. */
static inline uint64_t csv_nondigits(uint64_t w)
{
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull, zeros = 0x3030303030303030ull, low7 = 0x7F7F7F7F7F7F7F7Full;
    /* a byte is 0 here when it is a digit: its high nibble 3 and its low one at most 9 (a carry out of a
     * byte from 0xFA up only marks later bytes, after that byte, itself no digit) */
    uint64_t bad = ((w & hi) ^ zeros) | (((w + 0x0606060606060606ull) & hi) ^ zeros);
    return (((bad & low7) + low7) | bad) & ~low7;
}

/*
 * csv_fast_number for fields whose 8 bytes from the first digit can be read
 * (the row loop's fields: 64 bytes follow every field it takes): a field of at
 * most 8 characters after its sign is checked and converted 8 bytes at once,
 * longer ones go to csv_fast_number. The same fields are accepted and the value
 * is the same: the digits' integer, divided once by a power of ten.
 */
static inline int csv_fast_number_wide(const char *p, size_t n, char dec, double *out)
{
    int neg = n && p[0] == '-';
    size_t len = n - (size_t)neg;
    if (len == 0 || len > 8) return csv_fast_number(p, n, dec, out);
    uint64_t w, keep = csv_low_bytes(len);
    memcpy(&w, p + neg, 8);
    w &= keep;
    uint64_t other = csv_nondigits(w) & keep;
    size_t ip = len, digits = len; /* ip: the integer digits */
    if (other) {                   /* one decimal separator, the rest digits */
        ip = (size_t)__builtin_ctzll(other) >> 3;
        if ((other & (other - 1)) || (unsigned char)(w >> (8 * ip)) != (unsigned char)dec || len == 1) return 0;
        uint64_t before = csv_low_bytes(ip);
        w = (w & before) | ((w >> 8) & ~before);
        digits = len - 1;
    }
    if (ip >= 2 && (w & 0xFF) == '0') return 0; /* 08123: text */
    /* the digits, most significant first, right-aligned behind leading zeros, combined in pairs, fours, eights */
    uint64_t x = (w - (0x3030303030303030ull & csv_low_bytes(digits))) << (8 * (8 - digits));
    x = (x * 2561) >> 8;
    x = ((x & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
    x = ((x & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
    double v = (double)(uint32_t)x;
    if (digits != ip) v /= csv_pow10[digits - ip];
    *out = neg ? -v : v;
    return 1;
}

/* A whole number 0..255 written as 1 to 3 digits without a leading zero (most
 * survey cells; "07" is left to the general path, which keeps it as text); 0 otherwise. */
static inline int csv_small_int(const char *p, size_t n, unsigned *out)
{
    unsigned a = (unsigned)((unsigned char)p[0] - '0');
    if (n == 1) {
        *out = a;
        return a <= 9;
    }
    if (n == 2) {
        unsigned b = (unsigned)((unsigned char)p[1] - '0');
        *out = a * 10 + b;
        return (a - 1u <= 8) & (b <= 9);
    }
    if (n == 3) {
        unsigned b = (unsigned)((unsigned char)p[1] - '0'), c = (unsigned)((unsigned char)p[2] - '0');
        unsigned v = a * 100 + b * 10 + c;
        *out = v;
        return (a - 1u <= 8) & (b <= 9) & (c <= 9) & (v <= 255);
    }
    return 0;
}

/* encoding.c */
/* Scans [p, p+n) for NUL bytes (utf8 = 0: only those) and invalid UTF-8 (a sequence
 * starting before n may read up to `avail` bytes); returns the offset of the first
 * problem (below n) and its kind in *kind, or, when clean, where the check ended: n,
 * or past n when the last character runs past it (checked whole). */
size_t csv_check_text(const char *p, size_t n, size_t avail, int utf8, csv_err_kind *kind);
/* Returns a new UTF-8 copy of Windows-1252 (cp1252 = 1) or Latin-1 text; NULL when out of memory. */
char *csv_to_utf8(const char *p, size_t n, int cp1252, size_t *out_len);
/* Returns a new copy with each invalid UTF-8 sequence replaced by U+FFFD; *nbad counts them. */
char *csv_utf8_repair(const char *p, size_t n, size_t *out_len, size_t *nbad);
/* 1 when the first bytes look like binary data; *where gets the offset of the first control byte. */
int csv_looks_binary(const char *p, size_t n, size_t *where);

/* dates.c */
/* Date forms besides ISO 8601 (yyyy-mm-dd) that a column may use; ISO is always read. */
enum { CSV_DATE_NONE = 0, CSV_DATE_ISO, CSV_DATE_DOTS, CSV_DATE_MDY, CSV_DATE_DMY };
/* A date cell: yyyy-mm-dd, or (fmt, one of CSV_DATE_DOTS/MDY/DMY) dd.mm.yyyy, mm/dd/yyyy
 * or dd/mm/yyyy, each optionally followed by a time (' ' or ISO 'T', hh:mm[:ss[.f]],
 * ISO offsets Z / +hh:mm taken to UTC). Returns the form read (CSV_DATE_ISO or fmt)
 * with *days since 1970-01-01 and *secs since 1970-01-01T00:00:00 (-1 without a
 * time); 0 when the text is no such date (or an impossible one, 2024-02-30). */
int csv_parse_date(const char *p, size_t n, int fmt, double *days, double *secs);
#define CSV_DATE_NOT 255 /* csv_dates_scan: the column is no date column */
/* Over the text cells of all chunks: on entry form[k] is 0 for a column that may hold
 * dates, CSV_DATE_NOT for the others; on return the form all its cells use (0: it has
 * none) or CSV_DATE_NOT, and kind[k] TALLY_DATE_DAYS, TALLY_DATE_DATETIME (some cell
 * has a time) or 0. A cell that is no date, of a column with must[k] set, stops the
 * scan: returned, its chunk's index in *chunk_of. NULL otherwise. */
const csv_cell *csv_dates_scan(const csv_chunk *chunks, size_t nchunks, size_t ncols, int fmt, const char *must,
                               unsigned char *form, unsigned char *kind, size_t *chunk_of);
/* Date column `col`'s cells into num (nrows): days, or for datetimes seconds (a date
 * alone its midnight); NaN where there is no cell. */
void csv_dates_store(const csv_chunk *chunks, size_t nchunks, size_t col, int form, int kind, double *num,
                     size_t nrows);
/* "yyyy-mm-dd", "dd.mm.yyyy hh:mm:ss", ...: how a form is written, for messages. */
const char *csv_date_form_name(int form, int datetime);

/* sniff.c */
/* The delimiter among , ; TAB | that splits every one of the first rows (quotes
 * respected) into the same number of fields, 2 or more; when several do, *tie gets
 * the runner-up (else 0). None: the one splitting the first row most, else ','. */
char csv_detect_delim(const char *p, size_t n, char term, char *tie);
/* The decimal mark the first rows of [p, end) use (cfg's delimiter): ',' when
 * some field is a number written 12,5 and none is written 1.5, else '.'. The
 * first such field goes to example (exlen bytes with its NUL), its line to *example_line. */
char csv_detect_decimal(const csv_cfg *cfg, const char *p, const char *end, char *example, size_t exlen,
                        size_t *example_line);
/* cand[k] 1 on entry for a text column to look at (else 0); on return 1 when every
 * cell of it is a number written with a decimal comma (2,5), 2 when some cell is not. */
void csv_comma_number_columns(const csv_chunk *chunks, size_t nchunks, unsigned char *cand);

/* header.c */
/* The row terminator: '\r' when the first line end is a lone CR, else '\n'. */
char csv_detect_term(const char *p, size_t n);
/* The header: column names (made unique) and labels from header rows 2..nrows.
 * Parses `nrows` rows from *pos (0 rows: names V1..Vn from the first row's width)
 * and moves *pos past them, adding the line ends crossed to *lines. On success
 * returns 0 with new arrays in *names and *labels (labels[i] may be NULL) and the
 * count in *ncols; warnings go through host->log. On error calls host->error. */
int csv_read_header(const tally_host *host, tally_ctx *ctx, const csv_cfg *cfg, int nrows, const char **pos,
                    const char *end, size_t *lines, char ***names, char ***labels, size_t *ncols);
void csv_free_strings(char **v, size_t n);

/* One row's field texts (unquoted, trimmed) as new strings in *out; moves *pos past the
 * row and adds the line ends crossed to *lines. Returns the count, or -1. */
long csv_row_texts(const csv_cfg *cfg, const char **pos, const char *end, size_t *lines, char ***out);

/* layout.c (the header's part) */
/* 1 for SurveyMonkey's second-row placeholders "Response" and "Open-Ended Response". */
int csv_is_placeholder(const char *cell);
/* SurveyMonkey: each column's label becomes its question (row 1, carried over the
 * question's further columns), followed by " - " and its row-2 text when it has one. */
void csv_layout_question_labels(char **row1, char **labels, size_t ncols);
/* Qualtrics: " - Selected Choice" dropped from row-2 labels. */
void csv_layout_qualtrics_labels(char **labels, size_t ncols);

#endif
