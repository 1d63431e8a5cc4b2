/* util.h: allocation that fails loudly, a growable string buffer and small string helpers. */
#ifndef TALLY_UTIL_H
#define TALLY_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#include "../plugins/common/free_all.h" /* tally_free_all: one call for a struct's owned buffers, shared with the plugins */

/* Allocation failures print "tally: out of memory" and exit 1: the run cannot go on. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* A scratch buffer of a value (or a few) for every row, written whole once made: from 1.5 MB on
 * a mapping of its own in 2 MB pages, where heap memory is first written 4 KB a fault (5 to 9
 * microseconds each on a virtual machine: 2,048 of them for the 8 MB of a million doubles) and
 * aligned_alloc's 2 MB pages come from the heap, which the kernel then faults in 4 KB at a time
 * anyway. Smaller, malloc's. Freed with free_rows (never free()); exits like xmalloc.
 * xcalloc_rows: the same, reading as zeros. free_rows keeps one freed mapping of at most 16 MB
 * (the largest) for the next buffer it can hold, which is then not faulted in again;
 * tally_rows_spare_free unmaps it. */
void *xmalloc_rows(size_t n);
void *xcalloc_rows(size_t n, size_t size);
void free_rows(void *p);
void tally_rows_spare_free(void);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a new string (caller frees). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);
/* The array p of `size`-byte elements with room for `need` of them: its capacity *cap doubles
 * (from `first` when 0) until it does (plugins/common/grow_buf.h's policy); exits like xrealloc. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size, size_t first);

/* Frees the n strings of v and then v (an owned array of owned strings; v may be NULL when n is 0). */
void free_strings(char **v, size_t n);

/* A growable NUL-terminated byte buffer. */
typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

void sbuf_init(sbuf *b);
void sbuf_free(sbuf *b);
void sbuf_add(sbuf *b, const char *s, size_t n);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_putc(sbuf *b, char c);
void sbuf_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the contents to the caller (caller frees) and empties the buffer. */
char *sbuf_take(sbuf *b);

/* `s` with every `from` replaced by `to`, as a new string. */
char *str_replace(const char *s, const char *from, const char *to);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t str_distance(const char *a, const char *b);
#define STR_CLOSEST_MAX 128 /* names longer than this (bytes) are never compared */
/* The closest of `names` to `word`, or NULL when none is close enough (or either is
 * longer than STR_CLOSEST_MAX: a suggestion's cost stays bounded). */
const char *str_closest(const char *word, const char *const *names, size_t n);
/* " (did you mean 'x'?)" when one of `names` is close to `word` (NULL: none is), else "";
 * a new string. */
char *str_hint(const char *word, const char *const *names, size_t n);
/* "unknown KIND 'word' (did you mean 'x'?)", a new string: what the config, codebooks,
 * options, stages and expressions say of a name they do not know. */
char *str_unknown(const char *kind, const char *word, const char *const *names, size_t n);
/* `names` joined by ", ", a new string. */
char *str_join(const char *const *names, size_t n);
/* 1 when `word` is one of the entries of `list` separated by `sep` ("csv|tsv|txt"), compared
 * as bytes or, with fold_case, ignoring ASCII case; 0 for a NULL list or an empty word. */
int str_list_has(const char *list, char sep, const char *word, int fold_case);

/* Directory part of a path as a new string ("." when there is none). */
char *path_dirname(const char *path);
/* `rel` resolved against `dir` (absolute paths are kept), as a new string. */
char *path_join(const char *dir, const char *rel);
/* 1 when the path ends with `.ext` (case-insensitive). */
int path_has_ext(const char *path, const char *ext);
/* The file ending without the dot, borrowed from path ("" when none). */
const char *path_ext(const char *path);

#endif
