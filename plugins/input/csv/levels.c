/* levels.c: the csv plugin's chunk-local codes of column values, and the levels they merge into. */
#include "csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Each chunk numbers the distinct values of a numeric column in the order it
 * first sees them: whole numbers 0..255 through a 256-byte table, any other
 * value through a small hash table. At most CSV_MAX_LEVELS values get a code;
 * the chunk then keeps the column as doubles (the tokenizer's business). Within
 * one row a column adds at most one value, so taking back a skipped (ragged)
 * row's addition only ever removes the newest value.
 */

#define SET_SLOTS 512 /* power of two, about twice CSV_MAX_LEVELS */

static inline unsigned set_hash(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (unsigned)((u * 0x9E3779B97F4A7C15ull) >> 55) & (SET_SLOTS - 1);
}

static inline int is_small(double x) { return x >= 0 && x < 256 && x == (double)(int)x; }

/* Within a chunk -0 keeps a code of its own, so that a column stored as doubles
 * keeps the sign; the levels merge it with 0, as the core's compaction does. */
static inline int small_key(double x) { return is_small(x) && !(x == 0 && signbit(x)); }

void csv_ltab_init(csv_ltab *t)
{
    memset(t->small, CSV_CODE_NONE, sizeof t->small);
    t->slot = NULL;
    t->vals = NULL;
    t->n = t->cap = 0;
}

void csv_ltab_clear(csv_ltab *t)
{
    free(t->slot);
    free(t->vals);
    csv_ltab_init(t);
}

static int push_val(csv_ltab *t, double x)
{
    if (t->n == t->cap) {
        unsigned cap = t->cap ? t->cap * 2 : 16;
        if (cap > CSV_MAX_LEVELS) cap = CSV_MAX_LEVELS;
        double *v = realloc(t->vals, cap * sizeof *v);
        if (!v) return -1;
        t->vals = v;
        t->cap = cap;
    }
    t->vals[t->n] = x;
    return (int)t->n++;
}

int csv_ltab_code(csv_ltab *t, double x, int *added)
{
    *added = 0;
    if (small_key(x)) {
        unsigned v = (unsigned)x;
        if (t->small[v] != CSV_CODE_NONE) return t->small[v];
        if (t->n >= CSV_MAX_LEVELS) return CSV_MAX_LEVELS;
        int k = push_val(t, (double)v);
        if (k < 0) return -1;
        t->small[v] = (uint8_t)k;
        *added = 1;
        return k;
    }
    if (!t->slot) {
        t->slot = calloc(SET_SLOTS, sizeof *t->slot);
        if (!t->slot) return -1;
    }
    unsigned h = set_hash(x);
    for (; t->slot[h]; h = (h + 1) & (SET_SLOTS - 1))
        if (t->vals[t->slot[h] - 1] == x) return t->slot[h] - 1;
    if (t->n >= CSV_MAX_LEVELS) return CSV_MAX_LEVELS;
    int k = push_val(t, x);
    if (k < 0) return -1;
    t->slot[h] = (uint16_t)(k + 1);
    *added = 1;
    return k;
}

void csv_ltab_undo(csv_ltab *t)
{
    if (!t->n) return;
    double x = t->vals[--t->n];
    if (small_key(x)) {
        t->small[(unsigned)x] = CSV_CODE_NONE;
        return;
    }
    /* The newest value sits where its probe first found an empty slot; no
     * older value's probe passed that slot, so emptying it is enough. */
    unsigned h = set_hash(x);
    while (t->slot[h] != t->n + 1) h = (h + 1) & (SET_SLOTS - 1);
    t->slot[h] = 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int csv_levels_merge(const csv_chunk *chunks, size_t nchunks, size_t col, double *levels)
{
    uint64_t small[4] = {0, 0, 0, 0};
    unsigned n = 0, nsmall = 0;
    for (size_t i = 0; i < nchunks; i++) {
        const csv_colbuf *b = &chunks[i].cols[col];
        if (b->kind != CSV_BUF_CODES) return -1;
        const csv_ltab *t = &b->lt;
        for (unsigned k = 0; k < t->n; k++) {
            double x = t->vals[k];
            if (is_small(x)) {
                unsigned v = (unsigned)x;
                uint64_t bit = (uint64_t)1 << (v & 63);
                if (!(small[v >> 6] & bit)) {
                    small[v >> 6] |= bit;
                    nsmall++;
                }
                continue;
            }
            unsigned j = 0;
            while (j < n && levels[j] != x) j++;
            if (j < n) continue;
            if (n == CSV_MAX_LEVELS) return -1;
            levels[n++] = x;
        }
        if (n + nsmall > CSV_MAX_LEVELS) return -1;
    }
    for (unsigned v = 0; v < 256; v++)
        if ((small[v >> 6] >> (v & 63)) & 1) levels[n++] = v;
    qsort(levels, n, sizeof *levels, cmp_double);
    return (int)n;
}

void csv_ltab_map(const csv_ltab *t, const double *levels, unsigned n, uint8_t map[256])
{
    memset(map, CSV_CODE_NONE, 256);
    for (unsigned k = 0; k < t->n; k++) {
        double x = t->vals[k];
        unsigned lo = 0, hi = n;
        while (lo < hi) {
            unsigned mid = (lo + hi) / 2;
            if (levels[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        map[k] = (uint8_t)lo; /* x is one of the levels */
    }
}

void csv_ltab_to_nums(const csv_ltab *t, const uint8_t *codes, size_t n, double *dst)
{
    double val[256];
    for (int j = 0; j < 256; j++) val[j] = NAN;
    for (unsigned j = 0; j < t->n; j++) val[j] = t->vals[j];
    for (size_t i = 0; i < n; i++) dst[i] = val[codes[i]];
}
