/* levels.c: the csv plugin's sets of distinct column values, which decide the categorical columns. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

/*
 * Each chunk keeps, per numeric column, the whole numbers 0..255 it saw in a
 * 256-bit table and any other value in a small hash set. A column with more
 * than CSV_MAX_LEVELS distinct values is marked `over` and no longer collected;
 * the reader stores it as doubles. Within one row a column gets at most one
 * value, so taking back a skipped (ragged) row's additions only ever removes
 * the newest value of a set.
 */

#define SET_SLOTS 512 /* power of two, about twice CSV_MAX_LEVELS */
#define SLOT_EMPTY 0xFFFFu

struct csv_set {
    double vals[CSV_MAX_LEVELS]; /* in the order they were added */
    uint16_t slot[SET_SLOTS];    /* index into vals, or SLOT_EMPTY */
};

static inline unsigned set_hash(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (unsigned)((u * 0x9E3779B97F4A7C15ull) >> 55) & (SET_SLOTS - 1);
}

static void set_reindex(csv_set *s, unsigned n)
{
    memset(s->slot, 0xFF, sizeof s->slot);
    for (unsigned i = 0; i < n; i++) {
        unsigned h = set_hash(s->vals[i]);
        while (s->slot[h] != SLOT_EMPTY) h = (h + 1) & (SET_SLOTS - 1);
        s->slot[h] = (uint16_t)i;
    }
}

static inline int is_small(double x) { return x >= 0 && x < 256 && x == (double)(int)x; }

int csv_levels_add(csv_levels *lv, double x)
{
    if (lv->over) return 0;
    if (is_small(x)) { /* -0 counts as 0, as the core's compaction does */
        unsigned v = (unsigned)x;
        uint64_t bit = (uint64_t)1 << (v & 63);
        if (lv->small[v >> 6] & bit) return 0;
        if (lv->nsmall + lv->nother >= CSV_MAX_LEVELS) {
            lv->over = 1;
            return 2;
        }
        lv->small[v >> 6] |= bit;
        lv->nsmall++;
        return 1;
    }
    csv_set *s = lv->set;
    if (!s) {
        s = malloc(sizeof *s);
        if (!s) return -1;
        memset(s->slot, 0xFF, sizeof s->slot);
        lv->set = s;
    }
    unsigned h = set_hash(x);
    for (; s->slot[h] != SLOT_EMPTY; h = (h + 1) & (SET_SLOTS - 1))
        if (s->vals[s->slot[h]] == x) return 0;
    if (lv->nsmall + lv->nother >= CSV_MAX_LEVELS) {
        lv->over = 1;
        return 2;
    }
    s->vals[lv->nother] = x;
    s->slot[h] = (uint16_t)lv->nother++;
    return 1;
}

void csv_levels_undo(csv_levels *lv, double x, int added)
{
    if (added == 2) {
        lv->over = 0;
    } else if (added == 1 && is_small(x)) {
        unsigned v = (unsigned)x;
        lv->small[v >> 6] &= ~((uint64_t)1 << (v & 63));
        lv->nsmall--;
    } else if (added == 1 && lv->set && lv->nother) {
        lv->nother--; /* x was the newest value */
        set_reindex(lv->set, lv->nother);
    }
}

void csv_levels_clear(csv_levels *lv, size_t n)
{
    if (!lv) return;
    for (size_t i = 0; i < n; i++) free(lv[i].set);
    memset(lv, 0, n * sizeof *lv);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int csv_levels_merge(const csv_chunk *chunks, size_t nchunks, size_t col, double *levels)
{
    uint64_t small[4] = {0, 0, 0, 0};
    unsigned n = 0;
    for (size_t i = 0; i < nchunks; i++) {
        const csv_levels *lv = &chunks[i].lv[col];
        if (lv->over) return -1;
        for (int w = 0; w < 4; w++) small[w] |= lv->small[w];
        for (uint32_t k = 0; k < lv->nother; k++) {
            double x = lv->set->vals[k];
            unsigned j = 0;
            while (j < n && levels[j] != x) j++;
            if (j < n) continue;
            if (n == CSV_MAX_LEVELS) return -1;
            levels[n++] = x;
        }
    }
    for (unsigned v = 0; v < 256; v++) {
        if (!((small[v >> 6] >> (v & 63)) & 1)) continue;
        if (n == CSV_MAX_LEVELS) return -1;
        levels[n++] = v;
    }
    qsort(levels, n, sizeof *levels, cmp_double);
    return (int)n;
}
