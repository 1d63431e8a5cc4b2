/* banner_count.c: a banner's counts from one pass over the rows per question: joint histograms by the banner's partitions (scales: banner_scale.c). */
#include "banner_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* A joint's histogram stays small (a few thousand cells) so that it sits in the cache. */
#define BN_JOINT_MAX 1024
/* Rows a set's blocked pass takes at a time: the items' bytes of a block stay in the cache. */
#define BN_BLOCK 2048

/* Each row's cell in joint jt and each cell's column per partition. */
static void joint_fill(bn_frame *f, bn_joint *jt)
{
    size_t n = jt->npart ? jt->npart : 1, stride = 1, *mult = xmalloc(n * sizeof *mult);
    for (size_t p = 0; p < jt->npart; p++) {
        mult[p] = stride;
        stride *= f->pwidth[jt->part0 + p] + 1;
    }
    jt->J = stride;
    jt->cell = xmalloc_rows((f->N ? f->N : 1) * sizeof *jt->cell);
    for (size_t i = 0; i < f->N; i++) {
        size_t u = 0;
        for (size_t p = 0; p < jt->npart; p++) {
            int32_t c = f->pcol[jt->part0 + p][i];
            if (c >= 0) u += ((size_t)c - f->pfirst[jt->part0 + p] + 1) * mult[p];
        }
        jt->cell[i] = f->w[i] > 0 ? (uint32_t)u : (uint32_t)jt->J;
    }
    jt->colmap = xmalloc((jt->npart * jt->J + 1) * sizeof *jt->colmap);
    for (size_t p = 0; p < jt->npart; p++)
        for (size_t u = 0; u < jt->J; u++) {
            size_t d = (u / mult[p]) % (f->pwidth[jt->part0 + p] + 1);
            jt->colmap[p * jt->J + u] = d ? (int32_t)(f->pfirst[jt->part0 + p] + d - 1) : -1;
        }
    free(mult);
}

/* Partitions go into joints in order, a new joint when the cells would pass BN_JOINT_MAX; there is
 * always one joint (it counts the Total column). */
void bn_joints_build(bn_frame *f)
{
    size_t C = f->b->ncols;
    f->in_part = xcalloc(C ? C : 1, 1);
    f->in_part[f->total] = 1;
    for (size_t p = 0; p < f->npart; p++) memset(f->in_part + f->pfirst[p], 1, f->pwidth[p]);
    f->joints = xcalloc(f->npart + 1, sizeof *f->joints);
    size_t p = 0;
    do {
        bn_joint *jt = &f->joints[f->njoints++];
        jt->part0 = p;
        size_t cells = 1;
        while (p < f->npart && (jt->npart == 0 || cells * (f->pwidth[p] + 1) <= BN_JOINT_MAX)) {
            cells *= f->pwidth[p] + 1;
            jt->npart++;
            p++;
        }
        joint_fill(f, jt);
    } while (p < f->npart);
}

void bn_joints_free(bn_frame *f)
{
    for (size_t j = 0; j < f->njoints; j++) {
        free_rows(f->joints[j].cell);
        free(f->joints[j].colmap);
    }
    free(f->joints);
    free(f->in_part);
}

/* Histogram of one question by one joint: per item and cell the weight (hq, K x J), per cell the
 * base: weight, squared weight and rows of the rows that answered (hb, J x 3). */
typedef struct bn_hist {
    double *hq, *hb;
} bn_hist;

/* Adds a joint's histogram to the counts and bases of the columns it covers (the Total when first). */
static void joint_spread(const bn_frame *f, const bn_joint *jt, int first, const bn_hist *h, size_t K, double *cnt,
                         bn_colstat *cs)
{
    size_t C = f->b->ncols, J = jt->J;
    for (size_t u = 0; u < J; u++) {
        const double *b = h->hb + 3 * u;
        if (b[2] == 0) continue;
        for (size_t p = 0; p <= jt->npart; p++) {
            int32_t c = p < jt->npart ? jt->colmap[p * J + u] : first ? (int32_t)f->total : -1;
            if (c < 0) continue;
            cs[c].bw += b[0];
            cs[c].bw2 += b[1];
            cs[c].bn += b[2];
            for (size_t k = 0; k < K; k++) cnt[k * C + (size_t)c] += h->hq[k * J + u];
        }
    }
}

/* One code's rows in one joint cell: their weight, squared weight and count, side by side so that a row
 * touches one place. */
typedef struct bn_codecell {
    union {
        stats_pair ww; /* weight and squared weight: one addition of both */
        struct {
            double w, w2;
        };
    };
    double n, pad;
} bn_codecell;

/* A compact single variable by one joint, straight from its codes: per code slot and cell (h, L1 x J1).
 * The slots are the column's levels and one more that every other code shares (TALLY_CODE_SYSMIS: no
 * item), so the histogram stays as small as the column's levels (it sits in the cache) rather than 256
 * codes wide; each slot and cell still sums its rows in row order. */
static void hist_codes(const bn_frame *f, const bn_joint *jt, const tally_dataset *ds, const tally_column *col,
                       size_t L1, bn_codecell *h)
{
    size_t J1 = jt->J + 1, last = L1 - 1;
    const uint8_t *codes = col->codes;
    const uint32_t *cell = jt->cell;
    if (!ds->sel && !f->weighted) { /* every weight is 1 */
        for (size_t i = 0; i < f->N; i++) {
            size_t k = codes[i] < last ? codes[i] : last;
            h[k * J1 + cell[i]].n += 1;
        }
        for (size_t a = 0; a < L1 * J1; a++) h[a].w = h[a].w2 = h[a].n;
        return;
    }
    for (size_t i = 0; i < f->N; i++) {
        size_t k = codes[tally_row(ds, i)];
        bn_codecell *c = &h[(k < last ? k : last) * J1 + cell[i]];
        double w = f->w[i];
        c->ww += (stats_pair){w, w * w};
        c->n += 1;
    }
}

/* The joint histogram of a compact single variable (items in it, made here from the codes present). */
static void count_codes(const bn_frame *f, const tally_dataset *ds, int var, const char *lang, bn_items *it,
                        double **cnt, bn_colstat *cs)
{
    const tally_column *col = ds->cols[var];
    size_t C = f->b->ncols, L = col->nlevels < 255 ? col->nlevels : 255, L1 = L + 1;
    /* each code's item, made with the items from the first joint (it holds every row, so
     * every code present) and used by the others as it is */
    int32_t map[256];
    for (size_t j = 0; j < f->njoints; j++) {
        const bn_joint *jt = &f->joints[j];
        size_t J1 = jt->J + 1;
        bn_codecell *hc = xcalloc(L1 * J1, sizeof *hc);
        hist_codes(f, jt, ds, col, L1, hc);
        if (j == 0) {
            uint8_t present[256] = {0};
            for (size_t k = 0; k < L; k++)
                for (size_t u = 0; u < J1 && !present[k]; u++) present[k] = hc[k * J1 + u].n > 0;
            bn_items_from_codes(ds, var, lang, present, map, it);
            *cnt = xcalloc(it->n * C + 1, sizeof **cnt);
        }
        bn_hist h = {xcalloc(it->n * jt->J + 1, sizeof *h.hq), xcalloc(3 * jt->J, sizeof *h.hb)};
        for (size_t k = 0; k < L; k++) { /* the shared last slot has no item */
            if (map[k] < 0) continue;
            for (size_t u = 0; u < jt->J; u++) {
                const bn_codecell *c = &hc[k * J1 + u];
                if (c->n == 0) continue;
                h.hq[(size_t)map[k] * jt->J + u] += c->w;
                h.hb[3 * u] += c->w;
                h.hb[3 * u + 1] += c->w2;
                h.hb[3 * u + 2] += c->n;
            }
        }
        joint_spread(f, jt, j == 0, &h, it->n, *cnt, cs);
        free(h.hq);
        free(h.hb);
        free(hc);
    }
}

/* The joint histogram of a single variable with each row's item in it->cat. */
static void hist_cat(const bn_frame *f, const bn_joint *jt, const bn_items *it, bn_hist *h)
{
    size_t J = jt->J;
    for (size_t i = 0; i < f->N; i++) {
        uint32_t u = jt->cell[i];
        int32_t k = it->cat[i];
        if (u >= J || k < 0) continue;
        double w = f->w[i];
        h->hq[(size_t)k * J + u] += w;
        h->hb[3 * u] += w;
        h->hb[3 * u + 1] += w * w;
        h->hb[3 * u + 2] += 1;
    }
}

/* The joint histogram of a multiple-response set in one blocked pass: a block's rows get a bit mask of
 * the items they chose (64 items at a time, read item by item), then each chosen item adds the weight. */
static void hist_set(const bn_frame *f, const bn_joint *jt, const bn_items *it, bn_hist *h)
{
    size_t J = jt->J, N = f->N;
    uint64_t mask[BN_BLOCK];
    for (size_t i0 = 0; i0 < N; i0 += BN_BLOCK) {
        size_t n = N - i0 < BN_BLOCK ? N - i0 : BN_BLOCK;
        for (size_t t = 0; t < n; t++) {
            uint32_t u = jt->cell[i0 + t];
            if (u >= J || !it->valid[i0 + t]) continue;
            double w = f->w[i0 + t];
            h->hb[3 * u] += w;
            h->hb[3 * u + 1] += w * w;
            h->hb[3 * u + 2] += 1;
        }
        for (size_t k0 = 0; k0 < it->n; k0 += 64) {
            memset(mask, 0, n * sizeof *mask);
            for (size_t k = k0; k < it->n && k < k0 + 64; k++) {
                const uint8_t *hit = it->hit + k * N + i0;
                for (size_t t = 0; t < n; t++) mask[t] |= (uint64_t)(hit[t] != 0) << (k - k0);
            }
            for (size_t t = 0; t < n; t++) {
                uint32_t u = jt->cell[i0 + t];
                if (!mask[t] || u >= J) continue;
                double w = f->w[i0 + t];
                for (uint64_t m = mask[t]; m; m &= m - 1) h->hq[(k0 + (size_t)__builtin_ctzll(m)) * J + u] += w;
            }
        }
    }
}

/* Bit t set where c[t] == v, t < n <= 64. */
static inline uint64_t bytes_equal(const uint8_t *c, size_t n, uint8_t v)
{
    uint64_t bits = 0;
#ifdef __SSE2__
    if (n == 64) { /* 16 bytes compared at once */
        __m128i x = _mm_set1_epi8((char)v);
        for (int b = 0; b < 4; b++) {
            __m128i e = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(c + 16 * b)), x);
            bits |= (uint64_t)(uint16_t)_mm_movemask_epi8(e) << (16 * b);
        }
        return bits;
    }
#endif
    for (size_t t = 0; t < n; t++) bits |= (uint64_t)(c[t] == v) << t;
    return bits;
}

/* The joint histogram of a dichotomy set of compact columns (bn_set_by_codes), 64 rows at a time: each
 * item's rows that chose it as a bit mask (its codes compared 16 at a time), whose set bits add their
 * weights; then the rows that chose any item add to their cells' bases. The loops end once per 64 rows
 * and item, not on every row (a test per row of its own items, which the CPU mispredicts); every item
 * and cell, and every cell's base, still sums its rows in row order. */
static void hist_set_codes(const bn_frame *f, const bn_joint *jt, const tally_dataset *ds, const tally_mrset *set,
                           bn_hist *h)
{
    size_t J = jt->J, N = f->N, nk = 0, item[64];
    const uint8_t *codes[64];
    uint8_t want[64];
    for (size_t k = 0; k < set->ncols; k++) {
        const tally_column *c = ds->cols[set->cols[k]];
        for (unsigned l = 0; l < c->nlevels; l++)
            if (c->levels[l] == set->counted) { /* else nobody chose it: its counts stay 0 */
                item[nk] = k;
                codes[nk] = c->codes;
                want[nk++] = (uint8_t)l;
            }
    }
    const uint32_t *cell = jt->cell;
    const double *w = f->w;
    for (size_t i0 = 0; i0 < N; i0 += 64) {
        size_t n = N - i0 < 64 ? N - i0 : 64;
        uint64_t any = 0;
        for (size_t m = 0; m < nk; m++) {
            uint64_t bits = bytes_equal(codes[m] + i0, n, want[m]);
            double *hq = h->hq + item[m] * J;
            any |= bits;
            for (; bits; bits &= bits - 1) {
                size_t i = i0 + (size_t)__builtin_ctzll(bits);
                if (cell[i] < J) hq[cell[i]] += w[i];
            }
        }
        for (; any; any &= any - 1) {
            size_t i = i0 + (size_t)__builtin_ctzll(any);
            if (cell[i] >= J) continue; /* left out (weight 0) */
            double *b = h->hb + 3 * cell[i];
            b[0] += w[i];
            b[1] += w[i] * w[i];
            b[2] += 1;
        }
    }
}

/* Adds row i (weight w) of question q to column c's base and counts (a column outside every partition). */
static void count_row(const bn_items *q, size_t i, size_t c, double w, size_t C, size_t N, double *cnt,
                      bn_colstat *cs)
{
    cs[c].bw += w;
    cs[c].bn += 1;
    cs[c].bw2 += w * w;
    if (q->cat) cnt[(size_t)q->cat[i] * C + c] += w;
    else
        for (size_t k = 0; k < q->n; k++) cnt[k * C + c] += q->hit[k * N + i] ? w : 0;
}

void bn_count_question(const bn_frame *f, const tally_dataset *ds, int var, const tally_mrset *set,
                       const char *lang, bn_items *it, double **cnt, bn_colstat *cs)
{
    size_t C = f->b->ncols;
    int by_codes = var >= 0 && ds->cols[var]->codes;
    if (by_codes) {
        count_codes(f, ds, var, lang, it, cnt, cs);
    } else {
        *cnt = xcalloc(it->n * C + 1, sizeof **cnt);
        for (size_t j = 0; j < f->njoints; j++) {
            const bn_joint *jt = &f->joints[j];
            bn_hist h = {xcalloc(it->n * jt->J + 1, sizeof *h.hq), xcalloc(3 * jt->J, sizeof *h.hb)};
            if (it->cat) hist_cat(f, jt, it, &h);
            else if (!it->hit) hist_set_codes(f, jt, ds, set, &h);
            else hist_set(f, jt, it, &h);
            joint_spread(f, jt, j == 0, &h, it->n, *cnt, cs);
            free(h.hq);
            free(h.hb);
        }
    }
    for (size_t c = 0; c < C; c++) {
        if (f->in_part[c]) continue;
        if (by_codes && !it->cat) { /* a set column with a compact row variable: each row's item from its code */
            bn_items full;
            char *err = NULL;
            if (bn_items_build(ds, var, NULL, lang, &full, &err) < 0) { free(err); return; }
            for (size_t c2 = c; c2 < C; c2++)
                if (!f->in_part[c2])
                    for (size_t j = 0; j < f->mem[c2].n; j++) {
                        size_t i = f->mem[c2].rows[j];
                        if (full.valid[i]) count_row(&full, i, c2, f->w[i], C, f->N, *cnt, cs);
                    }
            bn_items_free(&full);
            return;
        }
        for (size_t j = 0; j < f->mem[c].n; j++) {
            size_t i = f->mem[c].rows[j];
            if (it->valid[i]) count_row(it, i, c, f->w[i], C, f->N, *cnt, cs);
        }
    }
}
