/* banner_count.c: a banner's figures from one pass over the rows per question: joint histograms by the banner's partitions. */
#include "banner_int.h"
#include "util.h"

#include <math.h>
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
typedef double bn_v2d __attribute__((vector_size(16)));
typedef struct bn_codecell {
    union {
        bn_v2d ww; /* weight and squared weight: one addition of both */
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
        c->ww += (bn_v2d){w, w * w};
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

/* Per-cell sums of a scale variable in one joint: weight, weighted sum, squared weights, rows (pass 1),
 * then the squares about the cell's mean (pass 2). */
static void scale_cells(const bn_frame *f, const bn_joint *jt, const double *x, double *s)
{
    size_t J = jt->J;
    for (size_t i = 0; i < f->N; i++) {
        uint32_t u = jt->cell[i];
        if (u >= J || x[i] != x[i]) continue;
        double w = f->w[i], *c = s + 5 * u;
        c[0] += w;
        c[1] += w * x[i];
        c[2] += w * w;
        c[3] += 1;
    }
    for (size_t u = 0; u < J; u++) s[5 * u + 1] = s[5 * u] > 0 ? s[5 * u + 1] / s[5 * u] : 0; /* the cell's mean */
    for (size_t i = 0; i < f->N; i++) {
        uint32_t u = jt->cell[i];
        if (u >= J || x[i] != x[i]) continue;
        double d = x[i] - s[5 * u + 1];
        s[5 * u + 4] += f->w[i] * d * d;
    }
}

/* Column c's mean and sum of squares from its cells' (sum of squares about a cell's mean plus the
 * cell's weight times its mean's squared distance from the column's mean). */
static void scale_spread(const bn_frame *f, const bn_joint *jt, int first, const double *s, bn_colstat *cs,
                         int pass)
{
    for (size_t u = 0; u < jt->J; u++) {
        const double *c = s + 5 * u;
        if (c[3] == 0) continue;
        for (size_t p = 0; p <= jt->npart; p++) {
            int32_t col = p < jt->npart ? jt->colmap[p * jt->J + u] : first ? (int32_t)f->total : -1;
            if (col < 0) continue;
            bn_colstat *k = &cs[col];
            if (pass == 1) {
                k->bw += c[0];
                k->mean += c[0] * c[1]; /* the weighted sum until the means are taken */
                k->bw2 += c[2];
                k->bn += c[3];
            } else {
                k->sd += c[4] + c[0] * (c[1] - k->mean) * (c[1] - k->mean); /* the sum of squares until the end */
            }
        }
    }
}

/* Two passes over the members of a column outside every partition: its sums, then squares about the mean. */
static void scale_members(const bn_frame *f, size_t c, const double *x, bn_colstat *k)
{
    for (size_t j = 0; j < f->mem[c].n; j++) {
        size_t i = f->mem[c].rows[j];
        if (x[i] != x[i]) continue;
        k->bw += f->w[i];
        k->mean += f->w[i] * x[i];
        k->bw2 += f->w[i] * f->w[i];
        k->bn += 1;
    }
    double m = k->bw > 0 ? k->mean / k->bw : NAN;
    for (size_t j = 0; j < f->mem[c].n; j++) {
        size_t i = f->mem[c].rows[j];
        if (x[i] == x[i]) k->sd += f->w[i] * (x[i] - m) * (x[i] - m);
    }
}

void bn_scale_moments(const bn_frame *f, const double *x, bn_colstat *cs)
{
    size_t C = f->b->ncols;
    double **s = xmalloc(f->njoints * sizeof *s);
    for (size_t j = 0; j < f->njoints; j++) {
        s[j] = xcalloc(5 * f->joints[j].J, sizeof **s);
        scale_cells(f, &f->joints[j], x, s[j]);
        scale_spread(f, &f->joints[j], j == 0, s[j], cs, 1);
    }
    for (size_t c = 0; c < C; c++)
        if (!f->in_part[c]) scale_members(f, c, x, &cs[c]);
    for (size_t c = 0; c < C; c++) cs[c].mean = cs[c].bw > 0 ? cs[c].mean / cs[c].bw : NAN;
    for (size_t j = 0; j < f->njoints; j++) {
        scale_spread(f, &f->joints[j], j == 0, s[j], cs, 2);
        free(s[j]);
    }
    free(s);
    for (size_t c = 0; c < C; c++) cs[c].sd = cs[c].bw > 1 ? sqrt(cs[c].sd / (cs[c].bw - 1)) : NAN;
}

/* Medians per column of a compact column (its levels ascending): the weights per level and joint cell
 * in one pass, summed per column, then each column's levels walked as sorted (value, weight) pairs; the
 * percentile walk sums equal values' weights first, so the pairs give what the rows would. */
static void medians_by_code(const bn_frame *f, const tally_dataset *ds, const tally_column *col, const double *x,
                            double *med)
{
    size_t C = f->b->ncols, L = col->nlevels;
    double *cw = xcalloc(C * L + 1, sizeof *cw); /* column x level */
    for (size_t j = 0; j < f->njoints; j++) {
        const bn_joint *jt = &f->joints[j];
        double *h = xcalloc(L * jt->J + 1, sizeof *h);
        for (size_t i = 0; i < f->N; i++)
            if (x[i] == x[i] && jt->cell[i] < jt->J) h[col->codes[tally_row(ds, i)] * jt->J + jt->cell[i]] += f->w[i];
        for (size_t u = 0; u < jt->J; u++)
            for (size_t p = 0; p <= jt->npart; p++) {
                int32_t c = p < jt->npart ? jt->colmap[p * jt->J + u] : j == 0 ? (int32_t)f->total : -1;
                if (c >= 0)
                    for (size_t k = 0; k < L; k++) cw[(size_t)c * L + k] += h[k * jt->J + u];
            }
        free(h);
    }
    for (size_t c = 0; c < C; c++)
        if (!f->in_part[c])
            for (size_t j = 0; j < f->mem[c].n; j++) {
                size_t i = f->mem[c].rows[j];
                if (x[i] == x[i]) cw[c * L + col->codes[tally_row(ds, i)]] += f->w[i];
            }
    stats_vw *pairs = xmalloc((L ? L : 1) * sizeof *pairs);
    for (size_t c = 0; c < C; c++) {
        size_t n = 0;
        for (size_t k = 0; k < L; k++)
            if (cw[c * L + k] > 0) pairs[n++] = (stats_vw){col->levels[k], cw[c * L + k]};
        med[c] = n ? stats_percentile_sorted(pairs, n, 0.5) : NAN;
    }
    free(pairs);
    free(cw);
}

/* One column's percentile walk over the groups of equal values, as stats_percentile_walk takes it:
 * the position tc, the weight before the group (cc), the last value passed (lower) and its position. */
typedef struct bn_walk {
    double tc, cc, lower, cc_lower, result;
    int done;
} bn_walk;

static void walk_group(bn_walk *k, double y, double c)
{
    if (k->done) return;
    if (k->cc + c <= k->tc) {
        k->cc += c;
        k->lower = y;
        k->cc_lower = k->cc;
        return;
    }
    k->done = 1;
    double g = k->tc - k->cc_lower;
    if (k->lower != k->lower || g >= 1) { /* before the first value, or a whole step past it */
        k->result = y;
        return;
    }
    if (c < 1) g /= c;
    k->result = (1 - g) * k->lower + g * y;
}

/* Walks the groups of equal values among a[0..n-1] (ascending) until the walk is done. */
static void walk_sorted(const stats_vw *a, size_t n, bn_walk *k)
{
    for (size_t j = 0; j < n && !k->done;) {
        double y = a[j].v, g = 0;
        for (; j < n && a[j].v == y; j++) g += a[j].w;
        walk_group(k, y, g);
    }
}

/* Sub-buckets of walk_candidates: the 12 bits of a key below its top 16. */
#define BN_SUB_BITS 12

/* Walks a column's candidates (the values of one top bucket, in row order) in ascending order until
 * the walk is done, as a stable sort of them all would have them: dealt stably into sub-buckets by
 * the next BN_SUB_BITS bits of their keys (the bucket's values share a sign, so keys order them), each
 * sub-bucket sorted when the walk reaches it; the sub-buckets past the median are never sorted. */
static void walk_candidates(stats_vw *cand, size_t n, bn_walk *k)
{
    if (n < 1024) {
        stats_sort_vw(cand, n); /* stable: equal values keep the rows' order */
        walk_sorted(cand, n, k);
        return;
    }
    size_t NS = (size_t)1 << BN_SUB_BITS, *start = xcalloc(NS + 1, sizeof *start);
    for (size_t i = 0; i < n; i++) start[((stats_order_key(cand[i].v) >> (48 - BN_SUB_BITS)) & (NS - 1)) + 1]++;
    for (size_t s = 0; s < NS; s++) start[s + 1] += start[s];
    stats_vw *dealt = xmalloc_rows(n * sizeof *dealt);
    size_t *at = xmalloc(NS * sizeof *at);
    memcpy(at, start, NS * sizeof *at);
    for (size_t i = 0; i < n; i++) dealt[at[(stats_order_key(cand[i].v) >> (48 - BN_SUB_BITS)) & (NS - 1)]++] = cand[i];
    for (size_t s = 0; s < NS && !k->done; s++) {
        stats_sort_vw(dealt + start[s], start[s + 1] - start[s]);
        walk_sorted(dealt + start[s], start[s + 1] - start[s], k);
    }
    free(at);
    free_rows(dealt);
    free(start);
}

/* The columns of joint cell u of the one joint (its partitions and the Total): col[0..n-1]. */
static size_t cell_columns(const bn_frame *f, uint32_t u, int32_t *col)
{
    const bn_joint *jt = &f->joints[0];
    size_t n = 0;
    col[n++] = (int32_t)f->total;
    for (size_t p = 0; p < jt->npart && u < jt->J; p++)
        if (jt->colmap[p * jt->J + u] >= 0) col[n++] = jt->colmap[p * jt->J + u];
    return n;
}

/* The columns of every joint cell of the one joint, looked up per row rather than made per row: cell u's
 * count at [u * stride], its columns after it; cells past J (no cell) count the Total alone. */
static int32_t *cell_column_table(const bn_frame *f, size_t *stride)
{
    size_t J = f->joints[0].J, P = f->npart + 2;
    int32_t *tab = xmalloc((J + 1) * P * sizeof *tab);
    for (size_t u = 0; u <= J; u++) tab[u * P] = (int32_t)cell_columns(f, (uint32_t)u, tab + u * P + 1);
    *stride = P;
    return tab;
}

/* Columns at most for medians_selected: its histogram holds 65,536 weights a column. */
#define BN_SELECT_MAX_COLS 32

/* Medians without sorting all values, when one joint covers every column: pass 1 sums each column's
 * weights by the top 16 bits of the values' keys; the bucket where a column's position (W + 1) / 2
 * falls holds its whole crossing value; pass 2 keeps the values of that bucket (and the largest value
 * below it), which are sorted and walked as stats_percentile_walk walks. Returns 0 when a column is not
 * settled that way (then the caller sorts). */
static int medians_selected(const bn_frame *f, const double *x, double *med)
{
    size_t C = f->b->ncols, B = 65536, lo = B - 1, hi = 0;
    const bn_joint *jt = &f->joints[0];
    /* the histogram spans only the buckets the values fall in (a handful of binades, not all 65,536) */
    for (size_t i = 0; i < f->N; i++) {
        if (x[i] != x[i]) continue;
        size_t b = (size_t)(stats_order_key(x[i]) >> 48);
        if (b < lo) lo = b;
        if (b > hi) hi = b;
    }
    size_t S = hi >= lo ? hi - lo + 1 : 1;
    if (hi < lo) lo = 0;
    double *h = xcalloc(C * S, sizeof *h), *before = xcalloc(C, sizeof *before), *below = xmalloc(C * sizeof *below);
    size_t *bucket = xmalloc(C * sizeof *bucket), *ncand = xcalloc(C, sizeof *ncand), *cap = xcalloc(C, sizeof *cap);
    size_t *prev = xmalloc(C * sizeof *prev); /* the last bucket below a column's bucket holding values (B: none) */
    stats_vw **cand = xcalloc(C, sizeof *cand);
    bn_walk *k = xmalloc(C * sizeof *k);
    size_t stride;
    int32_t *tab = cell_column_table(f, &stride);
    for (size_t i = 0; i < f->N; i++) {
        if (x[i] != x[i]) continue;
        const int32_t *col = tab + (jt->cell[i] < jt->J ? jt->cell[i] : jt->J) * stride;
        size_t b = (size_t)(stats_order_key(x[i]) >> 48) - lo;
        for (int32_t q = 1; q <= col[0]; q++) h[(size_t)col[q] * S + b] += f->w[i];
    }
    for (size_t c = 0; c < C; c++) {
        double W = 0, cum = 0;
        const double *hc = h + c * S;
        for (size_t b = 0; b < S; b++) W += hc[b];
        k[c] = (bn_walk){(W + 1) * 0.5, 0, NAN, 0, NAN, 0};
        bucket[c] = prev[c] = B;
        for (size_t b = 0; b < S && W > 0; b++) {
            if (cum + hc[b] > k[c].tc) {
                bucket[c] = lo + b;
                break;
            }
            if (hc[b] > 0) prev[c] = lo + b;
            cum += hc[b];
        }
        before[c] = cum;
        below[c] = -INFINITY;
        if (W > 0 && bucket[c] == B) bucket[c] = B + 1; /* no bucket crosses: left to the sort */
    }
    /* pass 2 looks only at the rows of a bucket some column keeps values of, or the largest value below */
    uint8_t *kept = xcalloc(S, 1);
    for (size_t c = 0; c < C; c++) {
        if (bucket[c] < B) kept[bucket[c] - lo] = 1;
        if (prev[c] < B) kept[prev[c] - lo] = 1;
    }
    for (size_t i = 0; i < f->N; i++) {
        if (x[i] != x[i]) continue;
        size_t b = (size_t)(stats_order_key(x[i]) >> 48);
        if (!kept[b - lo]) continue;
        const int32_t *col = tab + (jt->cell[i] < jt->J ? jt->cell[i] : jt->J) * stride;
        for (int32_t q = 1; q <= col[0]; q++) {
            size_t c = (size_t)col[q];
            if (b != bucket[c]) { /* the largest value below the bucket is in the last bucket before it */
                if (b == prev[c] && x[i] > below[c]) below[c] = x[i];
                continue;
            }
            if (ncand[c] == cap[c]) cand[c] = xrealloc(cand[c], (cap[c] = cap[c] ? 2 * cap[c] : 64) * sizeof **cand);
            cand[c][ncand[c]++] = (stats_vw){x[i], f->w[i]};
        }
    }
    int settled = 1;
    for (size_t c = 0; c < C; c++) {
        med[c] = NAN;
        if (bucket[c] > B) settled = 0;
        if (bucket[c] >= B) continue; /* no values, or left to the sort */
        k[c].cc = k[c].cc_lower = before[c];
        k[c].lower = before[c] > 0 ? below[c] : NAN;
        walk_candidates(cand[c], ncand[c], &k[c]);
        if (k[c].done) med[c] = k[c].result;
        else settled = 0;
    }
    for (size_t c = 0; c < C; c++) free(cand[c]);
    free(kept);
    free(cand), free(h), free(before), free(below), free(bucket), free(prev), free(ncand), free(cap), free(k), free(tab);
    return settled;
}

/* Medians per column. A compact column counts its levels; one joint over every column selects (above);
 * else one sort of the variable's values, dealt to the columns in order (partition columns through each
 * row's column), so no column is sorted again. */
void bn_column_medians(const bn_frame *f, const tally_dataset *ds, int var, const double *x, const bn_colstat *cs,
                       double *med)
{
    if (ds->cols[var]->codes) {
        medians_by_code(f, ds, ds->cols[var], x, med);
        return;
    }
    if (f->njoints == 1 && !memchr(f->in_part, 0, f->b->ncols) && f->b->ncols <= BN_SELECT_MAX_COLS &&
        medians_selected(f, x, med))
        return;
    size_t N = f->N, n = 0, C = f->b->ncols;
    stats_vw *all = xmalloc_rows((N ? N : 1) * sizeof *all);
    for (size_t i = 0; i < N; i++)
        if (x[i] == x[i]) all[n++] = (stats_vw){x[i], (double)i}; /* w: the row, for now */
    stats_sort_vw(all, n);
    stats_vw **pick = xcalloc(C, sizeof *pick);
    size_t *k = xcalloc(C, sizeof *k);
    for (size_t c = 0; c < C; c++) pick[c] = xmalloc(((size_t)cs[c].bn + 1) * sizeof **pick);
    for (size_t j = 0; j < n; j++) {
        size_t i = (size_t)all[j].w;
        stats_vw e = {all[j].v, f->w[i]};
        pick[f->total][k[f->total]++] = e;
        for (size_t p = 0; p < f->npart; p++)
            if (f->pcol[p][i] >= 0) pick[f->pcol[p][i]][k[f->pcol[p][i]]++] = e;
    }
    uint8_t *in = xmalloc_rows(N ? N : 1);
    for (size_t c = 0; c < C; c++) {
        if (!f->in_part[c]) { /* a column outside the partitions: its members picked from the sorted values */
            memset(in, 0, N ? N : 1);
            for (size_t j = 0; j < f->mem[c].n; j++) in[f->mem[c].rows[j]] = 1;
            for (size_t j = 0; j < n; j++)
                if (in[(size_t)all[j].w]) pick[c][k[c]++] = (stats_vw){all[j].v, f->w[(size_t)all[j].w]};
        }
        med[c] = k[c] ? stats_percentile_sorted(pick[c], k[c], 0.5) : NAN;
        free(pick[c]);
    }
    free_rows(in);
    free(pick);
    free(k);
    free_rows(all);
}
