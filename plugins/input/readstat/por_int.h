/* por_int.h: the SPSS portable file reader's state, shared by its lexer (por_lex.c) and its records (por_reader.c). */
#ifndef TALLY_POR_INT_H
#define TALLY_POR_INT_H

#include "rs_internal.h"

#include <stddef.h>

#define POR_HEADER 200    /* vanity header */
#define POR_TABLE 256     /* character translation table */
#define POR_TAG_AT (POR_HEADER + POR_TABLE)
#define POR_LINE 80

typedef struct por_var {
    char name[128];
    int width;            /* 0: numeric */
    int col;
    rs_date_kind date;
    double miss[3];       /* discrete codes, raw (before date conversion) */
    char *smiss[3];       /* owned */
    int nmiss;
    int has_range;
    double lo, hi;
} por_var;

typedef struct por_reader {
    rs_state *st;
    unsigned char *buf;   /* the file without line breaks, translated to ASCII from the tag on */
    size_t len, pos;
    por_var *vars;
    int nvars, cap;
    char *weight;         /* owned */
    const char *encoding; /* override, NULL for auto (UTF-8, else Latin-1) */
    int failed;
} por_reader;

/* Says why the file cannot be read (the first reason only) and marks the reader failed. */
void por_fail(por_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies `raw` without its line breaks, padding lines shorter than 80 columns with `pad`;
 * returns the bytes written to out. */
size_t por_deline(const unsigned char *raw, size_t n, unsigned char pad, unsigned char *out);
int por_at_end(por_reader *r);
void por_skip_spaces(por_reader *r);
/* A number: returns 0 (with *sysmis set for '*.'), or -1 after por_fail(). */
int por_read_number(por_reader *r, double *out, int *sysmis, const char *what);
/* A whole number that fits an int: 0, or -1 after por_fail(). */
int por_read_int(por_reader *r, int *out, const char *what);
/* A string: its bytes in a new buffer (NUL-terminated, length in *lenp), or NULL after por_fail(). */
char *por_read_string(por_reader *r, size_t *lenp, const char *what);
/* A string as UTF-8 text (trailing spaces trimmed when trim), or NULL after por_fail(). */
char *por_read_text(por_reader *r, const char *what, int trim);

#endif
