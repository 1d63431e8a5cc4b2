/* dataset.h: the columnar survey dataset owned by the core: columns, metadata, selections. */
#ifndef TALLY_DATASET_H
#define TALLY_DATASET_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "tally/plugin.h"

/*
 * A dataset is a list of columns plus an optional selection vector.
 *
 * Columns are shared, reference-counted objects of a fixed physical length
 * (the base dataset's row count). A view made by a filter or a de-duplication
 * shares the parent's columns and keeps only `sel`, the physical row numbers
 * it selects, in order. A column computed on a view has the physical length
 * too; rows outside the view hold system-missing. So every kernel reads
 * `col->num[sel ? sel[i] : i]` for i in 0..nrows-1.
 *
 * Strings live in one arena per column; a cell is an offset into it
 * (0 is the empty string, which is also how a missing string is stored).
 *
 * Compact storage: once a dataset is read, a numeric column with at most TALLY_MAX_LEVELS (254)
 * distinct values (single choice, dichotomies, ratings: most of a survey) is
 * stored as one byte a cell (`codes`) plus its distinct values (`levels`,
 * ascending); `num` is then NULL. Read cells with tally_col_num; code the
 * fast paths on `codes` where it pays. A numeric cell is 8 bytes, a compact
 * one 1 byte, a string cell 8 bytes plus its text.
 */

#define TALLY_CODE_SYSMIS TALLY_CODE_MISSING /* the code of a system-missing cell in compact storage */

typedef struct tally_value_label {
    double code;   /* numeric code */
    char *scode;   /* string code (string variables), else NULL */
    char *label;
} tally_value_label;

typedef struct tally_column {
    int refs;
    char *name;
    char *label;          /* question text, NULL if none */
    tally_var_type type;
    tally_measure measure;
    char *format;         /* display format, e.g. "F8.2", NULL if none */
    int width, decimals;
    int is_date;          /* a tally_date_kind: 0, or what the numbers count (days, seconds) */
    int blank_valid;      /* string column: an empty cell is a valid blank answer (SPSS), not missing */
    int is_metadata;      /* a survey platform's metadata field (start, _uuid, ...): kept, not tabulated by default */
    size_t len;           /* physical length */
    double *num;          /* numeric cells, NaN = system-missing; NULL when compact */
    uint8_t *codes;       /* compact cells: an index into levels, or TALLY_CODE_SYSMIS */
    double *levels;       /* the distinct values of a compact column, ascending */
    unsigned nlevels;
    uint64_t *str;        /* string cells: offsets into arena */
    char *arena;
    size_t arena_len, arena_cap;
    tally_value_label *labels;
    size_t nlabels, labels_cap;
    struct tally_label_index *label_index; /* labels by code (value_labels.c), NULL until first asked */
    double *missing;      /* discrete user-missing codes */
    size_t nmissing;
    char **smissing;      /* discrete user-missing string codes */
    size_t nsmissing;
    int has_range;
    double range_lo, range_hi;
    struct tally_cat_order *order; /* codebook `order` and `last_answers` (category_order.h), NULL if none */
    /* Non-NULL: num, codes, str and arena are read-only views into this mapped
     * cache file (cache.h), never freed or written; a change first copies them
     * to the heap (tally_column_own). */
    struct tally_mapping *mapping;
} tally_column;

/* Results kept with a mapping (mapping_memo.c). */
typedef struct tally_mapping_memo tally_mapping_memo;

/* A read-only mapping shared by the columns that view it: a cache file, or the block a
 * reader wrote cells into (dataset_block.c); unmapped with its last reference. */
typedef struct tally_mapping {
    int refs;
    void *base;
    size_t len;
    /* Results computed from the mapped cells alone, which never change while the
     * mapping lives: kept for stages that ask again (mapping_memo.c). Owned by the
     * mapping: made by tally_mapping_new, freed with the last reference. */
    tally_mapping_memo *memo;
    /* A dataset's heap cells frozen for a batch of stages (tally_dataset_freeze) map no
     * bytes (base NULL): they are nspans spans sorted by start (owned), which
     * tally_mapping_holds searches. NULL for a file mapping. */
    struct tally_span *spans;
    size_t nspans;
} tally_mapping;
/* Bytes [start, start + len) of one column's cells (tally_dataset_freeze). */
typedef struct tally_span {
    uintptr_t start;
    size_t len;
} tally_span;
/* A mapping of the `len` bytes at `base` (an mmap the mapping now owns) with one
 * reference and an empty memo. */
tally_mapping *tally_mapping_new(void *base, size_t len);
/* Drops a reference; the last one unmaps the bytes and frees the memo and the mapping. */
void tally_mapping_unref(tally_mapping *m);

/* mapping_memo.c. The memo is a hash table of entries guarded by its own lock (stages run
 * on two threads); each entry is a key of MEMO_KEYS words (pointers into the mapping
 * and scalars that shape the result) and `len` bytes of result. */
#define TALLY_MEMO_KEYS 4
/* Returns a new empty memo, its lock made; tally_mapping_memo_free frees both. */
tally_mapping_memo *tally_mapping_memo_new(void);
void tally_mapping_memo_free(tally_mapping_memo *memo);
/* Whether [p, p + n) lies inside m's mapped bytes (then it never changes while m lives). */
int tally_mapping_holds(const tally_mapping *m, const void *p, size_t n);
/* Copies the result kept under key to out (len bytes) and returns 1; 0 when none is kept. */
int tally_mapping_memo_get(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], void *out, size_t len);
/* Like tally_mapping_memo_get, but when no result is kept the caller claims the key and
 * returns 0: it must then compute the result and tally_mapping_memo_put it. A thread that
 * asks for a key another one has claimed waits for that result (two stages side by side
 * that count the same column count it once) and returns 1 with it. */
int tally_mapping_memo_claim(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], void *out, size_t len);
/* Claims key without waiting: 1 when the caller now must compute and put its result; 0
 * when a result is kept or another thread is computing it. */
int tally_mapping_memo_try_claim(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], size_t len);
/* Keeps a copy of the len bytes at result under key (the first copy stays when two threads
 * race) and wakes the threads waiting on a claimed key. */
void tally_mapping_memo_put(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], const void *result, size_t len);
/* How many results m keeps (tests). */
size_t tally_mapping_memo_count(tally_mapping *m);
/* Gives ds (no selection of rows) a memo for its cells, as a mapped cache has, for as long
 * as nothing changes them: stages that only read (side by side or one after another: the
 * runner's freeze_datasets), so that two stages counting the same column (weighted and unweighted, a frequency table and a
 * Likert grid) count it once, whether the data came from a cache or was parsed. The
 * caller must tally_dataset_thaw it before any cell changes. Nothing when ds has a
 * selection or is frozen already. */
void tally_dataset_freeze(tally_dataset *ds);
/* Drops ds's frozen memo (the results kept in it go with it). */
void tally_dataset_thaw(tally_dataset *ds);
/* The mapping whose memo may keep a result made of `bytes` bytes of c's cells at `cells`
 * and the weights wts (NULL: none) over ds's rows: c's file mapping when it holds both,
 * else ds's frozen memo when that does; NULL when neither (or ds has a selection). */
tally_mapping *tally_memo_for(const tally_dataset *ds, const tally_column *c, const void *cells, size_t bytes,
                              const double *wts);
/* Copies a mapped column's cells to the heap so that it may change; 0, or -1 when out of memory. */
int tally_column_own(tally_column *c);

typedef struct tally_mrset {
    char *name;
    char *label;
    tally_mrset_kind kind;
    double counted;       /* dichotomy sets: the value that counts as "chosen" */
    int *cols;
    size_t ncols;
} tally_mrset;

struct tally_dataset {
    char *name;
    char *source;         /* "responses.csv (csv)" */
    char *file_label;     /* the file's own label (an SPSS FILE LABEL), NULL if none */
    char **documents;     /* the file's document lines (SPSS DOCUMENT), owned */
    size_t ndocuments;
    tally_column **cols;
    size_t ncols, cols_cap;
    size_t phys_len;      /* physical column length */
    uint32_t *sel;        /* NULL: all physical rows */
    size_t nrows;         /* rows in this dataset (== phys_len when sel is NULL) */
    tally_mrset *mrsets;
    size_t nmrsets;
    int weight;           /* column index of the weight, -1 for none */
    uint32_t *hidx;       /* name -> column index + 1 (open addressing), for wide datasets */
    size_t hcap;
    char **info;          /* how the file was read: key, value, key, value, ... (owned; `tally describe`) */
    size_t ninfo;         /* pairs */
    /* While stages that only read run (the runner's freeze_datasets): a memo
     * for results made of this dataset's cells, whose spans are every column's cells
     * (tally_dataset_freeze); NULL otherwise. Owned. */
    struct tally_mapping *frozen;
    /* The blocks its reader asked for (ds_block_new), until the read is done
     * (tally_dataset_seal_blocks): one reference each. Owned. */
    struct tally_mapping **blocks;
    size_t nblocks;
};

/* dataset_block.c: a reader's cells in blocks of 2 MB pages (plugin.h, ds_block_new; the host
 * entries are declared in host_entries.h). The block of ds (not yet sealed) that holds [p, p + n), or NULL. */
tally_mapping *tally_dataset_block_of(const tally_dataset *ds, const void *p, size_t n);
/* Ends the read's writing: the blocks become read-only (as a cache file's mapping is, so
 * that results kept with them stay true) and ds drops its references to them; a block
 * no column views is unmapped. Called once the input plugin's read has returned. */
void tally_dataset_seal_blocks(tally_dataset *ds);

/* Returns a new empty dataset; free with tally_dataset_free. */
tally_dataset *tally_dataset_new(const char *name);
void tally_dataset_free(tally_dataset *ds);

int tally_dataset_add_column(tally_dataset *ds, const char *name, tally_var_type type);
/* Adds an existing column (takes a new reference). Returns its index or -1. */
int tally_dataset_attach_column(tally_dataset *ds, tally_column *col);
int tally_dataset_find(const tally_dataset *ds, const char *name); /* index or -1 */
/* " (did you mean 'x'?)" naming the column of ds closest to `name` (with_sets: or
 * multiple-response set), or "" when none is close: a new string. */
char *tally_dataset_hint(const tally_dataset *ds, const char *name, int with_sets);
/* "unknown variable 'x' in dataset 'd' (did you mean 'y'?)": a new string. */
char *tally_dataset_unknown(const tally_dataset *ds, const char *name);
int tally_dataset_resize(tally_dataset *ds, size_t nrows); /* base datasets only */
/* Like tally_dataset_resize, but new numeric cells are left unset. */
int tally_dataset_resize_uninit(tally_dataset *ds, size_t nrows);
int tally_dataset_set_string(tally_dataset *ds, int col, size_t row, const char *s, size_t len);
void tally_dataset_set_source(tally_dataset *ds, const char *src);

/* Returns a new view of `ds` selecting rows[0..n-1] (indices into ds's own rows). */
tally_dataset *tally_dataset_view(const tally_dataset *ds, const char *name, const size_t *rows, size_t n);
/* Returns a new dataset sharing all columns and the selection of `ds`. */
tally_dataset *tally_dataset_copy(const tally_dataset *ds, const char *name);

/* Physical row of row i of the dataset. */
static inline size_t tally_row(const tally_dataset *ds, size_t i) { return ds->sel ? ds->sel[i] : i; }

/* The numeric value of a cell (physical row), whichever the storage. */
static inline double tally_col_num(const tally_column *c, size_t phys)
{
    if (c->codes) {
        uint8_t k = c->codes[phys];
        return k == TALLY_CODE_SYSMIS ? NAN : c->levels[k];
    }
    return c->num[phys];
}

/* Stores a numeric column compactly when it qualifies; returns 1 if it did. */
int tally_column_compact(tally_column *c);
/* Back to one double a cell (before writing into the column); returns num. */
double *tally_column_numbers(tally_column *c);
/* Makes column `col` the weight (-1: none). Weights are read as plain doubles by
 * every kernel, so a weight stored compactly (a reader compacts before it knows
 * which column weighs) is widened here, once. */
void tally_dataset_set_weight(tally_dataset *ds, int col);
/* Compacts every numeric column but the weight, the columns split in `threads` parts
 * (at most TALLY_PAR_MAX_PARTS, the threads tally_par_run starts; 1 below 100,000 rows). */
void tally_dataset_compact(tally_dataset *ds, int threads);

/* Column helpers. */
tally_column *tally_column_new(const char *name, tally_var_type type, size_t len);
void tally_column_unref(tally_column *c);
const char *tally_column_string(const tally_column *c, size_t phys_row);
int tally_column_set_string(tally_column *c, size_t phys_row, const char *s, size_t len);
/* Room for `bytes` more bytes of strings (each its length and a NUL) in one allocation, so that
 * the strings set after it do not grow the arena (plugin.h, ds_reserve_text). 0, or -1. */
int tally_column_reserve_text(tally_column *c, size_t bytes);
void tally_column_set_label(tally_column *c, const char *label);
void tally_column_add_value_label(tally_column *c, double code, const char *label);
void tally_column_add_string_value_label(tally_column *c, const char *code, const char *label);
const char *tally_column_value_label(const tally_column *c, double code);  /* NULL if none */
const char *tally_column_string_value_label(const tally_column *c, const char *code);
void tally_column_add_missing(tally_column *c, double code);
/* 1 when `v` is user-missing (a declared code or in the range); NaN is system-missing, not user. */
int tally_column_is_user_missing(const tally_column *c, double v);
int tally_column_is_user_missing_string(const tally_column *c, const char *s);
/* Copies the metadata (label, labels, missing, measure, format) from src to dst. */
void tally_column_copy_meta(tally_column *dst, const tally_column *src);

int tally_dataset_add_mrset(tally_dataset *ds, const char *name, const char *label, tally_mrset_kind kind,
                            double counted, const int *cols, size_t ncols);
const tally_mrset *tally_dataset_find_mrset(const tally_dataset *ds, const char *name);

/* Rebuilds the name index after columns were removed or moved. */
void tally_dataset_reindex(tally_dataset *ds);
/* dataset_edit.c: removing and moving columns (sets and the weight follow), read facts. */
int tally_dataset_drop_column(tally_dataset *ds, int col);
int tally_dataset_move_column(tally_dataset *ds, int from, int to);
void tally_dataset_set_info(tally_dataset *ds, const char *key, const char *value);
const char *tally_dataset_info(const tally_dataset *ds, const char *key); /* NULL if unset */

#endif
