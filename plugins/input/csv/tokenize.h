/* tokenize.h: what the tokenizer's files share: the inlining rule, the block of rows, and the helpers each file gives the row loop. */
#ifndef TALLY_CSV_TOKENIZE_H
#define TALLY_CSV_TOKENIZE_H

#include "csv.h"

/* The row loop (tokenize.c) is specialised for each phase: its helpers (finder.h,
 * fields.h) must be inlined. */
#define CSV_HOT static inline __attribute__((always_inline))

#define BLOCK 64 /* rows of codes gathered before they go to the column buffers */

/* cfg.c: the value of a field of at most two bytes, keyed by its bytes (little-endian)
 * masked to its length: 0..9 for one digit, 10..99 for two without a leading zero (07
 * is no code: its column stays text), else 256 (the empty field, and anything else),
 * whose entry in a level table's small[] is CSV_CODE_NONE. Filled by csv_cfg_finish. */
extern uint16_t csv_small_value[65536];

/* slab.c: a chunk's column buffers */
/* A buffer of `bytes` (rounded up to 64) from the chunk's slab, else malloc; NULL when out of memory. */
void *csv_buf_take(csv_chunk *c, size_t bytes);
/* Room for row `r` == c->cap in every code and number buffer; the new size is
 * guessed from the rows per byte so far (p: where the row starts). 0, or -1. */
int csv_chunk_grow(csv_chunk *c, const char *p);
/* Maps the pages of [p, p + bytes) now, in one call (a hint: an old kernel refuses, nothing lost). */
void csv_populate(const void *p, size_t bytes);

/* fields.c: what a field leaves */
/* A string cell of column col in row `row`: its text copied (without quotes when `quoted`). 0, or -1 out of memory. */
int csv_add_cell(csv_chunk *c, size_t row, const char *p, size_t len, size_t col, int quoted);
/* A chunk's text or text cells (fields.c): the room of cap bytes at p, `used` of them kept, made
 * from a room of old_cap (0: none): realloc's below CSV_ROOM_MIN, from it on a mapping of its
 * own in whole 2 MB pages, moved (mremap) to grow. NULL, p kept, when out of memory. Freed
 * with csv_room_free(p, cap). */
#define CSV_ROOM_MIN ((size_t)256 << 10)
void *csv_room_grow(void *p, size_t used, size_t old_cap, size_t cap);
void csv_room_free(void *p, size_t cap);
/* The chunk's first error: kind, chunk-relative line, 1-based column, details. */
void csv_set_error(csv_chunk *c, csv_err_kind kind, size_t line, size_t col, size_t a, size_t b, const char *ptr,
                   size_t len);
/* Column k's codes of the rows of the current block before row r, to its buffer. */
void csv_flush_col(csv_chunk *c, size_t k, size_t r);
/* At the end of the chunk: the rows of the last, partial block. */
void csv_flush_end(csv_chunk *c, size_t r);
/* A column whose chunk-local values went over CSV_MAX_LEVELS: its rows 0..rows-1 become doubles. 0, or -1. */
int csv_to_nums(csv_chunk *c, size_t k, size_t rows);

/* A field that is not a number, in a column still read as numbers: the column
 * turns text at the end of the row, if the row is kept. */
typedef struct pending {
    size_t col;
    const char *fs, *q; /* the raw field and its text without quotes */
    size_t len, n;
    int esc;
} pending;
/* The pending columns of kept row r turn text from r on; their numbers are dropped. 0, or -1. */
int csv_to_text(csv_chunk *c, size_t r, const pending *pd, size_t npd);

#define FAST_TEXT 8 /* text cells with text a row may list (fields.h, fast_row) */
typedef struct fast_text {
    size_t col, len;
    const char *fs;
} fast_text;
/* A text cell fast_row listed: a quoted one loses its quotes (and "" is read as "). 0, or -1. */
int csv_fast_text_cell(csv_chunk *c, size_t r, const fast_text *ft);

/* window.c: the part of the buffer phase 1 has mapped and checked */
typedef struct csv_window {
    const char *dropped; /* pages before this were given back */
    const char *checked; /* [c->start, checked) is checked */
    const char *next;    /* a row starting at or after this moves the window on */
    const char *mapped;  /* [dropped, mapped) is mapped */
    /* the check of the blocks the tokenizer loads (csv_window_vet): */
    const char *end;     /* the buffer's end */
    int utf8;            /* UTF-8 checked too, not only NUL bytes */
    const char *bad;     /* the first NUL or invalid UTF-8 byte found, or NULL */
    csv_err_kind bad_kind;
} csv_window;
/* Checks [w->checked, to) for NUL bytes and invalid UTF-8 when the chunk is to be checked; a problem
 * found (there, or before by csv_window_vet) is set as the chunk's error. */
void csv_window_check(csv_chunk *c, csv_window *w, const char *to);
/* The tokenizer's block [p, p + 64) checked on from w->checked (its bytes above 0x7F or NUL:
 * `dirty`, csv_masks), with any part before p it skipped; finder_load's way when the block
 * needs more than a glance. A problem is kept in w->bad (csv_window_check reports it). */
void csv_window_vet(csv_window *w, const char *p, uint64_t dirty);
/* Moves the window on from row start p; returns -1 when the part parsed since the last move holds a NUL or
 * invalid UTF-8. */
int csv_window_move(csv_chunk *c, csv_window *w, const char *p, const char *e);
/* At the chunk's end: the steps read put back as the file's mapping, the window's pages given back. */
void csv_window_end(csv_chunk *c, csv_window *w);

#endif
