/* stats_hist.c: per-code histograms (weighted sums and counts) of compact columns, in parts on two threads. */
#include "stats_int.h"
#include "parallel.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef struct hist_job {
    const uint8_t *codes;
    const uint32_t *sel;
    const double *wts;
    size_t n, nparts;
    int banked;
    stats_code_hist *part; /* one per part */
} hist_job;

/* The loops of one part, for row index expression ROW(i) (with or without a
 * selection). Weighted: a row whose weight is not > 0 adds 0 to its code's sum
 * and 0 to its count (x + 0.0 == x, so the sums equal a loop that skips the
 * row). Banks by row modulo 4 keep consecutive rows with the same code from
 * waiting on each other's addition. */
#define HIST_COUNT(ROW)                                                          \
    do {                                                                         \
        size_t i = b;                                                            \
        for (; i + 4 <= e; i += 4) {                                             \
            nb[0][cd[ROW(i)]]++;                                                 \
            nb[1][cd[ROW(i + 1)]]++;                                             \
            nb[2][cd[ROW(i + 2)]]++;                                             \
            nb[3][cd[ROW(i + 3)]]++;                                             \
        }                                                                        \
        for (; i < e; i++) nb[0][cd[ROW(i)]]++;                                  \
    } while (0)

/* A weighted bin holds (weight sum, count) as a stats_pair (counts stay whole numbers: exact). */

#define HIST_ADD(ROW, BANK)                                                      \
    do {                                                                         \
        size_t r_ = ROW(i_);                                                     \
        double w_ = wts[r_];                                                     \
        int ok_ = w_ > 0;                                                        \
        stats_pair a_ = {ok_ ? w_ : 0.0, ok_ ? 1.0 : 0.0};                       \
        wb[BANK][cd[r_]] += a_;                                                  \
    } while (0)

#define HIST_WEIGHTED(ROW)                                                       \
    do {                                                                         \
        if (j->banked) {                                                         \
            size_t i_ = b;                                                       \
            for (; i_ + 4 <= e;) {                                               \
                HIST_ADD(ROW, 0); i_++;                                          \
                HIST_ADD(ROW, 1); i_++;                                          \
                HIST_ADD(ROW, 2); i_++;                                          \
                HIST_ADD(ROW, 3); i_++;                                          \
            }                                                                    \
            for (; i_ < e; i_++) HIST_ADD(ROW, i_ & 3);                          \
        } else {                                                                 \
            for (size_t i_ = b; i_ < e; i_++) HIST_ADD(ROW, 0);                  \
        }                                                                        \
    } while (0)

#define ROW_ALL(i) (i)
#define ROW_SEL(i) (sel[i])

static void hist_part(void *arg, size_t p)
{
    hist_job *j = arg;
    size_t b, e;
    tally_par_range(j->n, j->nparts, p, &b, &e);
    const uint8_t *cd = j->codes;
    const uint32_t *sel = j->sel;
    const double *wts = j->wts;
    stats_code_hist *out = &j->part[p];
    if (!wts) {
        uint32_t nb[4][256];
        memset(nb, 0, sizeof nb);
        if (sel) HIST_COUNT(ROW_SEL);
        else HIST_COUNT(ROW_ALL);
        /* unweighted sums are whole numbers: exact in any order */
        for (int k = 0; k < 256; k++) out->n[k] = out->w[k] = (double)nb[0][k] + nb[1][k] + nb[2][k] + nb[3][k];
        return;
    }
    stats_pair wb[4][256];
    memset(wb, 0, sizeof wb);
    if (sel) HIST_WEIGHTED(ROW_SEL);
    else HIST_WEIGHTED(ROW_ALL);
    for (int k = 0; k < 256; k++) {
        /* banked: (b0 + b1) + (b2 + b3); one bank: b0 + 0 + 0 == b0 */
        out->w[k] = (wb[0][k][0] + wb[1][k][0]) + (wb[2][k][0] + wb[3][k][0]);
        out->n[k] = (wb[0][k][1] + wb[1][k][1]) + (wb[2][k][1] + wb[3][k][1]);
    }
}

/* The histogram, counted. */
static void hist_count(const tally_dataset *ds, const uint8_t *codes, const double *wts, int banked,
                       stats_code_hist *out)
{
    size_t nparts = tally_par_parts(ds->nrows);
    stats_code_hist part[TALLY_PAR_MAX_PARTS];
    hist_job j = {codes, ds->sel, wts, ds->nrows, nparts, banked, part};
    tally_par_run_shared(nparts, hist_part, &j);
    *out = part[0];
    for (size_t p = 1; p < nparts; p++) /* in part order: the same sums on every run */
        for (int k = 0; k < 256; k++) {
            out->w[k] += part[p].w[k];
            out->n[k] += part[p].n[k];
        }
}

/* The mapping whose unchanging cells a histogram is made of alone, or NULL: all rows
 * (no selection), the codes and the weights (if any) in a mapped cache's mapping, or in
 * the dataset's cells frozen for a batch of stages (tally_memo_for).
 * A report counts many columns more than once (a frequency table and a Likert grid of
 * the same items, with the same weights): the second asks the mapping's memo. The
 * column is the caller's, not searched for among the dataset's: a table of every
 * column of a wide file asks once a column, so each asking costs the same at any width. */
tally_mapping *stats_memo_mapping(const tally_dataset *ds, const tally_column *c, const double *wts)
{
    return tally_memo_for(ds, c, c->codes, ds->nrows, wts);
}

/* The memo key of a histogram of codes under wts (NULL: unweighted) over n rows; banked
 * (0 or 1) in the third word keeps it apart from the other results a mapping keeps. */
static void hist_key(uintptr_t key[TALLY_MEMO_KEYS], const uint8_t *codes, const double *wts, int banked, size_t n)
{
    key[0] = (uintptr_t)codes;
    key[1] = (uintptr_t)wts;
    key[2] = (uintptr_t)banked;
    key[3] = n;
}

/* The memo key of whether the n weights at wts are all > 0. */
static void positive_key(uintptr_t key[TALLY_MEMO_KEYS], const double *wts, size_t n)
{
    key[0] = (uintptr_t)wts;
    key[1] = key[2] = 0;
    key[3] = n;
}

/* Whether every one of the n weights is > 0 (none is NaN), asked once a mapping. */
int stats_weights_all_positive(tally_mapping *m, const double *wts, size_t n)
{
    uintptr_t key[TALLY_MEMO_KEYS];
    positive_key(key, wts, n);
    int all;
    if (tally_mapping_memo_get(m, key, &all, sizeof all)) return all;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += !(wts[i] > 0);
    all = bad == 0;
    tally_mapping_memo_put(m, key, &all, sizeof all);
    return all;
}

/* Keeps the answer of stats_weights_all_positive from a weighted histogram h of all n rows
 * (any column: every row has a code): its counts are of the rows whose weight is > 0, so they
 * add up to n exactly when every weight is (whole numbers below 2^53: exact). Spares the
 * weights' own pass over the rows. */
static void positive_from_hist(tally_mapping *m, const double *wts, size_t n, const stats_code_hist *h)
{
    uintptr_t key[TALLY_MEMO_KEYS];
    positive_key(key, wts, n);
    double counted = 0;
    for (int k = 0; k < 256; k++) counted += h->n[k];
    int all = counted == (double)n;
    tally_mapping_memo_put(m, key, &all, sizeof all); /* kept already: that answer stays (the same) */
}

/* An unweighted histogram from a kept weighted one of the same column and rows: when
 * every weight is > 0, a weighted histogram's counts are the counts of every row
 * (whole numbers, exact in any order), which are both halves of an unweighted one.
 * A report that tabulates each question weighted and unweighted counts it once. */
static int hist_from_weighted(const tally_dataset *ds, tally_mapping *m, const uint8_t *codes, stats_code_hist *out)
{
    if (ds->weight < 0 || (size_t)ds->weight >= ds->ncols) return 0;
    const tally_column *wc = ds->cols[ds->weight];
    const double *wts = wc->type == TALLY_NUMERIC && !wc->codes ? wc->num : NULL;
    if (!wts || !tally_mapping_holds(m, wts, ds->nrows * sizeof *wts)) return 0;
    for (int banked = 1; banked >= 0; banked--) { /* the counts are the same either way */
        uintptr_t key[TALLY_MEMO_KEYS];
        hist_key(key, codes, wts, banked, ds->nrows);
        if (!tally_mapping_memo_get(m, key, out, sizeof *out)) continue;
        if (!stats_weights_all_positive(m, wts, ds->nrows)) return 0;
        memcpy(out->w, out->n, sizeof out->w);
        return 1;
    }
    return 0;
}

void stats_hist_codes(const tally_dataset *ds, const tally_column *c, const double *wts, int banked,
                      stats_code_hist *out)
{
    const uint8_t *codes = c->codes;
    tally_mapping *m = stats_memo_mapping(ds, c, wts);
    uintptr_t key[TALLY_MEMO_KEYS];
    hist_key(key, codes, wts, banked, ds->nrows);
    /* claimed: a stage beside this one that asks for the same histogram waits for this count */
    if (m && tally_mapping_memo_claim(m, key, out, sizeof *out)) return;
    if (m && !wts && hist_from_weighted(ds, m, codes, out)) {
        tally_mapping_memo_put(m, key, out, sizeof *out);
        return;
    }
    hist_count(ds, codes, wts, banked, out);
    if (m) tally_mapping_memo_put(m, key, out, sizeof *out);
}

/* ---- several columns in one pass over the weights ---------------------------------- */

enum { HIST_BLOCK = 4096 }; /* rows a block: its weights stay in cache while every column is counted */

/* Columns a piece of the batch counts: each piece is one part's rows of this many columns
 * (the sums of a column do not depend on the others beside it), so that a thread that
 * waits for these histograms, or has no stage left, can take a piece (parallel.h); 8 reads
 * each weight from memory for two sweeps of four columns. */
enum { HIST_GROUP = 8 };

typedef struct hist_batch_job {
    const uint8_t *const *codes;
    const double *wts;
    size_t ncols, n, nparts, ngroups;
    stats_code_hist *part; /* ncols a part: part[p * ncols + c] */
} hist_batch_job;

/* A column's four banks of pairs: 256 codes and a gap. Without the gap the banks (and the
 * columns) lie a multiple of 4 KiB apart, and a row's load of its bank's pair waits on the
 * store of the row before to the same code in the bank before (the two addresses look
 * alike to the processor); with it, four columns a sweep run faster than two. */
enum { HIST_BANK = 256 + 8 };
typedef stats_pair hist_banks[4][HIST_BANK];

/* The rows [b0, e) of a block (b0 a multiple of 4) into the banks of n columns (n a
 * constant where it is inlined): one weight read a row for all n, each column's pairs
 * added as HIST_ADD adds them (bank: row modulo 4, rows in order). */
static inline __attribute__((always_inline)) void hist_sweep(const uint8_t *const *codes, hist_banks *all,
                                                             const size_t *cols, size_t n, const double *wts,
                                                             size_t b0, size_t e)
{
    const uint8_t *cd[4];
    stats_pair (*wb[4])[HIST_BANK];
    for (size_t c = 0; c < n; c++) {
        cd[c] = codes[cols[c]];
        wb[c] = all[cols[c]];
    }
    size_t i = b0;
    for (; i + 4 <= e; i += 4)
        for (size_t q = 0; q < 4; q++) {
            double w = wts[i + q];
            int ok = w > 0;
            stats_pair a = {ok ? w : 0.0, ok ? 1.0 : 0.0};
            for (size_t c = 0; c < n; c++) wb[c][q][cd[c][i + q]] += a;
        }
    for (; i < e; i++) { /* the last rows of the part */
        double w = wts[i];
        int ok = w > 0;
        stats_pair a = {ok ? w : 0.0, ok ? 1.0 : 0.0};
        for (size_t c = 0; c < n; c++) wb[c][i & 3][cd[c][i]] += a;
    }
}

/* One piece (a part's rows, a group's columns): block by block, each column's banked pairs
 * as hist_part keeps them (bank: row modulo 4, rows in order), so each column's sums are
 * hist_part's bit for bit. */
static void hist_batch_part(void *arg, size_t piece)
{
    hist_batch_job *j = arg;
    size_t p = piece / j->ngroups, c0 = piece % j->ngroups * HIST_GROUP, pb, pe;
    size_t n = j->ncols - c0 < HIST_GROUP ? j->ncols - c0 : HIST_GROUP;
    const uint8_t *const *codes = j->codes + c0; /* the group's columns, from 0 */
    tally_par_range(j->n, j->nparts, p, &pb, &pe);
    hist_banks *all = xcalloc(n, sizeof *all);
    size_t idx[4];
    for (size_t b0 = pb; b0 < pe; b0 += HIST_BLOCK) {
        size_t e = pe - b0 < HIST_BLOCK ? pe : b0 + HIST_BLOCK, c = 0;
        for (; c + 4 <= n; c += 4) { /* four columns a sweep: one weight read, four independent chains */
            for (size_t k = 0; k < 4; k++) idx[k] = c + k;
            hist_sweep(codes, all, idx, 4, j->wts, b0, e);
        }
        for (; c + 2 <= n; c += 2) {
            idx[0] = c, idx[1] = c + 1;
            hist_sweep(codes, all, idx, 2, j->wts, b0, e);
        }
        for (; c < n; c++) {
            idx[0] = c;
            hist_sweep(codes, all, idx, 1, j->wts, b0, e);
        }
    }
    for (size_t c = 0; c < n; c++) {
        stats_code_hist *out = &j->part[p * j->ncols + c0 + c];
        stats_pair (*wb)[HIST_BANK] = all[c];
        for (int k = 0; k < 256; k++) {
            out->w[k] = (wb[0][k][0] + wb[1][k][0]) + (wb[2][k][0] + wb[3][k][0]);
            out->n[k] = (wb[0][k][1] + wb[1][k][1]) + (wb[2][k][1] + wb[3][k][1]);
        }
    }
    free(all);
}

void stats_hist_codes_prefetch(const tally_dataset *ds, const tally_column *const *cols, size_t n, const double *wts)
{
    if (!wts || ds->sel || n < 2) return;
    const uint8_t **mine = xmalloc(n * sizeof *mine);
    tally_mapping **maps = xmalloc(n * sizeof *maps);
    size_t m = 0;
    for (size_t c = 0; c < n; c++) {
        tally_mapping *map = stats_memo_mapping(ds, cols[c], wts);
        uintptr_t key[TALLY_MEMO_KEYS];
        hist_key(key, cols[c]->codes, wts, 1, ds->nrows);
        /* kept, being counted by a stage beside this one, or the same column twice: left out */
        if (!map || !tally_mapping_memo_try_claim(map, key, sizeof(stats_code_hist))) continue;
        mine[m] = cols[c]->codes;
        maps[m++] = map;
    }
    if (m) {
        hist_batch_job j = {mine, wts, m, ds->nrows, tally_par_parts(ds->nrows), (m + HIST_GROUP - 1) / HIST_GROUP, NULL};
        j.part = xmalloc(j.nparts * m * sizeof *j.part);
        tally_par_run_shared(j.nparts * j.ngroups, hist_batch_part, &j);
        for (size_t c = 0; c < m; c++) {
            stats_code_hist *out = &j.part[c];
            for (size_t p = 1; p < j.nparts; p++) /* in part order, as hist_count adds them */
                for (int k = 0; k < 256; k++) {
                    out->w[k] += j.part[p * m + c].w[k];
                    out->n[k] += j.part[p * m + c].n[k];
                }
            uintptr_t key[TALLY_MEMO_KEYS];
            hist_key(key, mine[c], wts, 1, ds->nrows);
            tally_mapping_memo_put(maps[c], key, out, sizeof *out);
            if (c == 0 || maps[c] != maps[c - 1]) positive_from_hist(maps[c], wts, ds->nrows, out);
        }
        free(j.part);
    }
    free(mine);
    free(maps);
}

void tally_stats_prefetch(const tally_dataset *ds, const int *cols, size_t n, const tally_stats_opts *o)
{
    const double *wts = stats_weights(ds, o);
    const tally_column **items = xmalloc((n ? n : 1) * sizeof *items);
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        const tally_column *c = cols[k] >= 0 && (size_t)cols[k] < ds->ncols ? ds->cols[cols[k]] : NULL;
        if (c && c->codes && c->type == TALLY_NUMERIC) items[m++] = c; /* counted by count_codes */
    }
    stats_hist_codes_prefetch(ds, items, m, wts);
    free(items);
}

typedef struct total_job {
    const uint32_t *sel;
    const double *wts;
    size_t n, nparts;
    double w[TALLY_PAR_MAX_PARTS];
    size_t cnt[TALLY_PAR_MAX_PARTS];
} total_job;

static void total_part(void *arg, size_t p)
{
    total_job *j = arg;
    size_t b, e, cnt = 0;
    tally_par_range(j->n, j->nparts, p, &b, &e);
    double w = 0;
    for (size_t i = b; i < e; i++) {
        double x = j->wts[j->sel ? j->sel[i] : i];
        int ok = x > 0;
        w += ok ? x : 0.0; /* x + 0.0 == x: as if the row were skipped */
        cnt += (size_t)ok;
    }
    j->w[p] = w;
    j->cnt[p] = cnt;
}

void stats_weight_total(const tally_dataset *ds, const double *wts, double *w, double *n)
{
    if (!wts) { /* sums of ones: exact */
        *w = *n = (double)ds->nrows;
        return;
    }
    total_job j = {.sel = ds->sel, .wts = wts, .n = ds->nrows, .nparts = tally_par_parts(ds->nrows)};
    tally_par_run_shared(j.nparts, total_part, &j);
    *w = *n = 0;
    for (size_t p = 0; p < j.nparts; p++) { /* in part order */
        *w += j.w[p];
        *n += (double)j.cnt[p];
    }
}

/* ---- a text column's codes, kept for the next stage ----------------------------------------- */

/* The memo of text column c's cells over ds's rows (NULL: none) and its key. */
static tally_mapping *text_codes_key(const tally_dataset *ds, const tally_column *c, uintptr_t key[TALLY_MEMO_KEYS])
{
    if (c->type != TALLY_STRING || !c->str) return NULL;
    key[0] = (uintptr_t)c->str;
    key[1] = (uintptr_t)c->arena;
    key[2] = (uintptr_t)2; /* apart from the histograms' banked 0 and 1 */
    key[3] = ds->nrows;
    return tally_memo_for(ds, c, c->str, ds->nrows * sizeof *c->str, NULL);
}

void stats_text_codes_put(const tally_dataset *ds, const tally_column *c, const stats_text_codes *t)
{
    uintptr_t key[TALLY_MEMO_KEYS];
    tally_mapping *m = text_codes_key(ds, c, key);
    if (m) tally_mapping_memo_put(m, key, t, sizeof *t + ds->nrows);
}

stats_text_codes *stats_text_codes_get(const tally_dataset *ds, const tally_column *c)
{
    uintptr_t key[TALLY_MEMO_KEYS];
    tally_mapping *m = text_codes_key(ds, c, key);
    if (!m) return NULL;
    stats_text_codes *t = xmalloc(sizeof *t + ds->nrows);
    if (tally_mapping_memo_get(m, key, t, sizeof *t + ds->nrows)) return t;
    free(t);
    return NULL;
}
