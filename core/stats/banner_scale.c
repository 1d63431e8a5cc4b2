/* banner_scale.c: a banner's scale questions: each column's moments and median, from the same joints as the counts. */
#include "banner_int.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
