/* reader.h: what the csv reader's files share: the file in memory, the reader's state, and each file's part of a read. */
#ifndef TALLY_CSV_READER_H
#define TALLY_CSV_READER_H

#include "csv.h"
#include "csv_read.h"
#include "layout.h"
#include "plugin_call.h"

#include <stdatomic.h>

/*
 * The reader's files: read.c (the entry point: file, encoding, header, then the
 * body), file.c (the file mapped or read), parallel.c (chunk split points, the
 * phases run on all cores, phase 0's text check), body.c (phase 1 and its
 * errors, then the body's steps in order), columns.c (the column types, levels,
 * dates and dataset columns decided after phase 1), merge.c (phase 2: the
 * chunks' buffers into the dataset's columns).
 */

#define MAX_CHUNKS 64

/* The file in memory (file.c). */
typedef struct csv_file {
    const char *data; /* the file's bytes */
    size_t len;
    void *map;        /* mmap'ed region, or NULL */
    int guarded;      /* a SIGBUS guard covers the mapping (mapguard.c) */
    int fd;           /* the mapped file, open while mapped (phase 1 reads whole steps of it: window.c), or -1 */
    char *owned;      /* read() copy, or NULL */
} csv_file;

/* 1 when p lies in the mapped file (its pages may be given back once read). */
static inline int csv_file_maps(const csv_file *f, const char *p)
{
    return f->map && p >= f->data && p < f->data + f->len;
}

/* Where the merge writes one numeric column. */
typedef struct csv_colout {
    double *num;            /* borrowed from the dataset, or NULL */
    uint8_t *codes;         /* borrowed from the dataset, or NULL */
    int text;               /* a text column: its cells are stored */
    int date;               /* a date column: its text cells are stored as days or seconds in num */
    int adopt;              /* the first chunk's buffer becomes the column: the other chunks' rows are
                               merged into it, then it is handed over (-1: out of memory on the way) */
    int region;             /* the shared buffer becomes the column (1: codes, 2: doubles) once every
                               chunk's rows are moved to their place in it; then handed over as adopt */
    int view;               /* the codes handed over lie in the shared block: the column views them
                               (ds_view_codes) instead of taking them */
    const double *levels;   /* ascending; codes index them */
    unsigned nlevels;
} csv_colout;

/* One read of one file; read.c owns it, the other files fill in their parts. */
typedef struct reader {
    plugin_call call;       /* the read's host and context */
    const csv_settings *s;
    csv_file file;
    int dictionary;         /* tally check: the header alone, the body not parsed */
    char *converted;        /* UTF-8 copy (encoding conversion or repair), or NULL */
    const char *buf, *end;  /* the text being parsed */
    csv_cfg cfg;
    char **names, **labels;
    size_t ncols;
    int *forced;
    char *want_date;        /* per column: types declares it a date */
    unsigned char *date_kind; /* per column: a tally_date_kind when its text cells are all dates */
    unsigned char *date_form; /* per column: the CSV_DATE_ form they use */
    csv_chunk chunks[MAX_CHUNKS];
    size_t nchunks;
    size_t nthreads;        /* threads reading the chunks */
    csv_shared shared;      /* the column buffers the chunks share (shared.ncols 0: none) */
    csv_colout *out;        /* per column: where the merge writes */
    double *levels;         /* the levels of all categorical columns */
    atomic_size_t next_col; /* the merge's next place in order[] */
    size_t *order;          /* the merge's columns: dates first, then the numeric ones */
    size_t norder;          /* columns in order[] */
    size_t *text_owner;     /* per column: the merge thread that stores a text column's cells */
    tally_dataset *ds;      /* the merge's dataset (borrowed) */
    const int *idx;         /* its column index of each file column */
    atomic_int oom;         /* a text column could not be stored */
    size_t nrows;           /* rows in the dataset */
    size_t bom;             /* bytes of byte-order mark before buf (for offsets in messages) */
    int clean;              /* the text is known to hold no NUL and no invalid UTF-8 */
    const char *checked;    /* [buf, checked) is known to be clean */
    csv_layout layout;      /* the survey platform's layout found in the first rows */
} reader;

/* file.c */
/* Maps (or, for pipes and files mmap refuses, reads) the file at path into *f: 0, or -1 with errno in *err. */
int csv_file_load(const char *path, csv_file *f, int *err);
/* Unmaps or frees what csv_file_load gave. */
void csv_file_close(csv_file *f);

/* parallel.c */
typedef enum { JOB_CHECK, JOB_PARSE, JOB_REREAD } job_kind;
/* Runs phase `kind` on the n chunks on nthreads threads (the calling thread one of them),
 * each taking the next chunk in order when it is done with one. */
void csv_run_parallel(job_kind kind, int utf8, csv_chunk *chunks, size_t n, size_t nthreads);
/* How many threads read `bytes` of text (threads option, cores, a least size a thread). */
size_t csv_chunk_count(const csv_settings *s, size_t bytes);
/* Split points just after a `term` byte near equal shares of [a, b) into pts (want + 1
 * entries); returns the chunk count. */
size_t csv_split_points(const char *a, const char *b, char term, size_t want, const char **pts);
/* The body [a, b) split for nthreads threads into pts (room for MAX_CHUNKS + 1 entries):
 * pieces, smaller and smaller, that the threads take in turn, each starting after a line end
 * that seems outside quotes; returns the chunk count. */
size_t csv_body_split(const csv_settings *s, const csv_cfg *cfg, const char *a, const char *b, size_t nthreads,
                      const char **pts);
/* The 1-based line of `at` in buf. */
size_t csv_line_at(const char *buf, const char *at, char term);
/* A NUL byte or invalid UTF-8 at `at`: the error, or (invalid UTF-8 when allowed) the
 * whole text repaired into r->converted. 0 when repaired, -1 after the error. */
int csv_text_problem(reader *r, csv_err_kind kind, const char *at, size_t bom);
/* Phase 0 on [a, b) (on all cores): NUL bytes and (for UTF-8 files) invalid
 * sequences; repairs when allowed. 0 when the text is fine or repaired. */
int csv_reader_check(reader *r, const char *a, const char *b, size_t bom);

/* body.c */
/* Reads the body from `body` (its first line is line_base) into `out`: 0, 1 when the
 * text was repaired and is to be read again, -1 after an error. */
int csv_read_body(reader *r, tally_dataset *out, const char *body, size_t line_base);

/* columns.c */
/* The per-column arrays from the header and the types option: 0, -1 after the error
 * (r->forced NULL: out of memory, not yet said). */
int csv_setup_columns(reader *r);
/* After phase 1: each column numeric or text (text columns read again where a chunk
 * read them as numbers) and, where codes_ok, its levels: nlev[k] the level count, -1
 * for doubles, -2 for text. 0, or -1 after the error. */
int csv_decide_types(reader *r, int *nlev, int codes_ok);
/* Dates found, the decimal-comma hint, and every column added to `out` (idx[k] its
 * index there), labelled; 0, or -1 after the error. */
int csv_add_columns(reader *r, tally_dataset *out, int *idx, int *nlev);
/* The dataset sized to r->nrows and r->out[k] told where each column goes. 0, or -1 after the error. */
int csv_plan_outputs(reader *r, tally_dataset *out, const int *idx, const int *nlev);

/* merge.c */
/* Phase 2 on all cores: every column's cells from the chunks into `out` (idx: its
 * column indexes), the adopted buffers handed over. 0, or -1 out of memory (not said). */
int csv_merge_run(reader *r, tally_dataset *out, const int *idx);

#endif
