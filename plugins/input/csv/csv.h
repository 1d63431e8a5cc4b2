/* csv.h: internal interfaces of the csv input plugin (settings, chunks, tokenizer, numbers, encodings). */
#ifndef TALLY_CSV_H
#define TALLY_CSV_H

#include <stddef.h>
#include <stdint.h>
#include "tally/plugin.h"

/*
 * Reading works in phases over one in-memory UTF-8 buffer (the mapped file, or
 * a converted copy for Windows-1252/Latin-1 input):
 *   0. csv_check_text   (parallel) NUL bytes and UTF-8 validity
 *   1. csv_scan_chunk   (parallel) rows, ragged rows, errors, which columns are numeric
 *                                  and each numeric column's distinct values (up to 254)
 *   2. csv_fill_chunk   (parallel) numbers written straight into the dataset's arrays:
 *                                  one-byte codes for categorical columns, else doubles;
 *                                  string cells collected, then stored by the main thread
 * The body is split into chunks after a line end, assuming that line end is
 * outside quotes; the guess is checked after phase 1 (a chunk must start exactly
 * where the one before it ended) and a wrong chunk is scanned again from there.
 * Nothing is allocated per field.
 */

#define CSV_MAX_MISSING 32
#define CSV_MAX_LEVELS 254 /* a numeric column with more distinct values is stored as doubles */
#define CSV_CODE_NONE 255  /* the code of a system-missing cell (TALLY_CODE_MISSING) */

/* Settings shared read-only by all threads. */
typedef struct csv_cfg {
    const char *path;       /* for messages (borrowed) */
    char delim;             /* , ; \t | */
    char term;              /* row terminator: '\n' (a '\r' before it is dropped) or '\r' */
    char decimal;           /* '.' or ',' */
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
} csv_cfg;

typedef enum {
    CSV_OK = 0, CSV_ERR_RAGGED, CSV_ERR_UNTERMINATED, CSV_ERR_TOO_LONG, CSV_ERR_NOT_NUMBER,
    CSV_ERR_NUL, CSV_ERR_UTF8
} csv_err_kind;

/* One string cell found in phase 2; `p` points into the buffer (quoted: raw, with quotes). */
typedef struct csv_cell {
    size_t row;
    const char *p;
    uint32_t len;
    uint32_t col : 31;
    uint32_t quoted : 1;
} csv_cell;

/* The distinct values one chunk saw in one numeric column (phase 1). */
typedef struct csv_set csv_set;
typedef struct csv_levels {
    uint64_t small[4];      /* bit v: the whole number v (0..255) was seen */
    csv_set *set;           /* other values, NULL until one is seen (owned) */
    uint32_t nsmall, nother;
    uint32_t over;          /* more than CSV_MAX_LEVELS distinct values: not categorical */
} csv_levels;

/* Where phase 2 writes one column: codes (categorical), doubles, or neither (a string column). */
typedef struct csv_colout {
    double *num;              /* borrowed from the dataset, or NULL */
    uint8_t *codes;           /* borrowed from the dataset, or NULL */
    const double *levels;     /* ascending; codes index them */
    unsigned nlevels;
    uint8_t small_code[256];  /* code of the whole number v, CSV_CODE_NONE if not a level */
} csv_colout;

typedef struct csv_chunk {
    const csv_cfg *cfg;
    const char *buf_end;    /* end of the whole buffer */
    const char *start;      /* first row starts here */
    const char *limit;      /* rows starting before this belong to the chunk */
    /* phase 0 */
    const char *check_start, *check_end;
    /* phase 1 results */
    const char *end;        /* just after the last row */
    size_t rows;            /* data rows kept */
    size_t lines;           /* line ends seen (physical lines, including inside quotes) */
    size_t skipped;         /* ragged rows skipped */
    size_t first_skip_line; /* chunk-relative line of the first skipped row */
    unsigned char *fail;    /* per column: 1 when a field was not a number (owned) */
    csv_levels *lv;         /* per column: distinct values (owned, with their sets) */
    /* the first error: kind, chunk-relative line, 1-based column, details */
    csv_err_kind err;
    size_t err_line, err_col, err_a, err_b;
    const char *err_ptr;
    size_t err_len;
    /* phase 2 */
    size_t row0;            /* dataset row of the chunk's first row */
    const csv_colout *out;  /* per column: where cells go (borrowed) */
    csv_cell *cells;        /* string cells (owned) */
    size_t ncells, cells_cap;
    int oom;
} csv_chunk;

/* tokenize.c */
void csv_scan_chunk(csv_chunk *c);
void csv_fill_chunk(csv_chunk *c);
/* One row parsed slowly (header rows, delimiter sniffing): field spans into
 * starts/lens/quoted (up to max); returns the field count (may exceed max) and
 * sets *next after the row and *lines to the line ends it crossed; -1 when a
 * quote is not closed before `end`. */
long csv_split_row(const csv_cfg *cfg, const char *p, const char *end, const char **starts, size_t *lens,
                   unsigned char *quoted, size_t max, const char **next, size_t *lines);
/* Copies a field's text without its quotes ("" -> ") into out (room for len bytes); returns the length. */
size_t csv_unquote(const char *p, size_t len, char *out);
/* Builds cfg->special from delim and term. */
void csv_cfg_finish(csv_cfg *cfg);

/* levels.c */
/* Adds value x (not NaN) to a column's set: 0 already there, 1 new, 2 the set
 * went over CSV_MAX_LEVELS (x not added, lv->over set), -1 out of memory. */
int csv_levels_add(csv_levels *lv, double x);
/* Takes back a row's addition to lv (add returned 1 or 2 for x). */
void csv_levels_undo(csv_levels *lv, double x, int added);
/* Frees the sets of n columns' levels and zeroes them. */
void csv_levels_clear(csv_levels *lv, size_t n);
/* Column `col`'s distinct values over all chunks, ascending, into levels (room
 * for CSV_MAX_LEVELS); returns their count, or -1 when there are more (or
 * some chunk went over). */
int csv_levels_merge(const csv_chunk *chunks, size_t nchunks, size_t col, double *levels);

/* number.c */
/* 1 when [p, p+n) is a number with decimal separator `dec` (spaces around allowed). */
int csv_is_number(const char *p, size_t n, char dec);
/* Parses a field that csv_is_number accepted. */
double csv_parse_number(const char *p, size_t n, char dec);

static const double csv_pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
                                   1e14, 1e15};

/* The common plain forms, -?digits[dec digits] with at most 15 digits, parsed
 * exactly (same result as csv_parse_number); 0 for anything else. */
static inline int csv_fast_number(const char *p, size_t n, char dec, double *out)
{
    size_t i = 0, nd = 0, frac = 0;
    int neg = n && p[0] == '-';
    uint64_t m = 0;
    i = (size_t)neg;
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

/* A whole number 0..255 written as 1 to 3 digits (most survey cells); 0 otherwise. */
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
        return (a <= 9) & (b <= 9);
    }
    if (n == 3) {
        unsigned b = (unsigned)((unsigned char)p[1] - '0'), c = (unsigned)((unsigned char)p[2] - '0');
        unsigned v = a * 100 + b * 10 + c;
        *out = v;
        return (a <= 9) & (b <= 9) & (c <= 9) & (v <= 255);
    }
    return 0;
}

/* encoding.c */
/* Scans [p, p+n) for NUL bytes (utf8 = 0: only those) and invalid UTF-8 (a sequence
 * starting before n may read up to `avail` bytes); returns the offset of the first
 * problem or n when clean, and the kind in *kind. */
size_t csv_check_text(const char *p, size_t n, size_t avail, int utf8, csv_err_kind *kind);
/* Returns a new UTF-8 copy of Windows-1252 (cp1252 = 1) or Latin-1 text; NULL when out of memory. */
char *csv_to_utf8(const char *p, size_t n, int cp1252, size_t *out_len);
/* Returns a new copy with each invalid UTF-8 sequence replaced by U+FFFD; *nbad counts them. */
char *csv_utf8_repair(const char *p, size_t n, size_t *out_len, size_t *nbad);
/* 1 when the first bytes look like binary data; *where gets the offset of the first control byte. */
int csv_looks_binary(const char *p, size_t n, size_t *where);

/* header.c */
/* The row terminator: '\r' when the first line end is a lone CR, else '\n'. */
char csv_detect_term(const char *p, size_t n);
/* The delimiter among , ; TAB | that splits the first lines most consistently (',' when none does). */
char csv_detect_delim(const char *p, size_t n, char term);
/* The header: column names (made unique) and labels from header rows 2..nrows.
 * Parses `nrows` rows from *pos (0 rows: names V1..Vn from the first row's width)
 * and moves *pos past them, adding the line ends crossed to *lines. On success
 * returns 0 with new arrays in *names and *labels (labels[i] may be NULL) and the
 * count in *ncols; warnings go through host->log. On error calls host->error. */
int csv_read_header(const tally_host *host, tally_ctx *ctx, const csv_cfg *cfg, int nrows, const char **pos,
                    const char *end, size_t *lines, char ***names, char ***labels, size_t *ncols);
void csv_free_strings(char **v, size_t n);

#endif
