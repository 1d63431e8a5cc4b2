/* stats_quantile.c: descriptives of a large column of doubles: moments and HAVERAGE quartiles without a full sort. */
#include "stats_int.h"
#include "parallel.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Three passes over the rows, each in parts on both cores: (1) weight, sum,
 * count, minimum and maximum; (2) the sum of squared deviations from the mean
 * (the two-pass formula, as the sorted path uses) and a histogram of weights
 * over QBINS equal-width bins of the value range, keeping each row's bin;
 * (3) the values of the few bins around each quartile's position (found by
 * the kept bins, without reading the column again), then sorted and walked as
 * the full sort would be walked (stats_percentile_walk); a run that also counts
 * the unweighted figures keeps the bins of both sets of quartiles in this one pass. A bin index is
 * monotonic in the value, so the sorted bins in a row are a run of the sorted
 * column. Partial results are added in part order: deterministic. Over all
 * rows without user-missing values, passes 1 and 2 run four rows a step in
 * AVX2 (the same bits). A weighted run over a mapped cache or a frozen dataset
 * (tally_memo_for) whose weights are all > 0 also counts the unweighted figures (the same rows count, so the same
 * extremes and bins) and keeps them for the unweighted run (stats_describe_large).
 */
#define QBINS 16384
#define QTARGETS 3
#define QNONE 0xFFFF /* not a bin: QBINS < QNONE */
#define QTAGGED (6 * QTARGETS) /* bins pass 3 keeps at most: three a quartile, weighted and unweighted */
#define QHITS 2048             /* rows pass 3 looks at a step for kept bins (offsets fit 16 bits) */

static const double qp[QTARGETS] = {0.5, 0.25, 0.75};

typedef struct q_part {
    double W[4], sum[4], ss[4]; /* banks by row modulo 4 */
    double usum[4];             /* pass 1 of a job with `both`: the unweighted sums of the values */
    double uss[4];              /* pass 2 of a job with `both`: the unweighted squared deviations */
    size_t cnt;
    uint64_t kmin, kmax;        /* order-preserving keys of the extremes */
    stats_pair *h;              /* pass 2: by bin, the summed weights and (with `both`, else 0) the row counts */
    uint16_t *bins;             /* pass 2: each row's bin (QNONE: the row does not count), its part of q_job.bins */
    stats_vw *buf[QTAGGED];     /* pass 3: the values collected, a buffer for each tagged bin (q_job.tag) */
    size_t len[QTAGGED], cap[QTAGGED];
} q_part;

typedef struct q_job {
    const tally_dataset *ds;
    const tally_column *c;
    const double *wts;
    int user_missing;           /* the column declares user-missing values */
    int pass;
    size_t nparts;
    double mean, lo, scale;     /* passes 2 and 3 */
    int both;                   /* passes 1 and 2 also count the unweighted figures (every weight > 0) */
    double umean;               /* with `both`: the unweighted mean */
    uint16_t *bins;             /* pass 2: every row's bin, a rows buffer (xmalloc_rows: written whole; a
                                   buffer a part faulted 4 KB at a time, 5 to 9 us a page on a VM) */
    const uint8_t *tag;         /* pass 3: by bin, 1 + its place in tagged[] (0: not collected) */
    uint16_t tagged[QTAGGED];   /* the same bins as a list, in bin order */
    size_t ntagged;
    q_part part[TALLY_PAR_MAX_PARTS];
} q_job;

/* Bin of a value: monotonic (floating-point subtraction and multiplication by a
 * positive factor never reverse an order); -0 and +0 share a bin; NaN products
 * (an infinite range has scale 0) land in bin 0. */
static size_t q_bin(double v, double lo, double scale)
{
    double d = (v - lo) * scale;
    d = d > 0 ? d : 0; /* selects, not branches: values are close to random */
    d = d < QBINS - 1 ? d : QBINS - 1;
    return (size_t)(int)d; /* via int: one instruction, where double to size_t takes several */
}

/* A row's value and weight, and whether it counts (ok: 0 or 1). A row that does
 * not count gets value 0 and weight 0, so the loops below run without branches
 * (a NaN value would otherwise poison a product) and add 0 (x + 0.0 == x).
 * num, sel, wts and um come from the caller's locals: constants of each copy of
 * the loops, never read again from the job a row (stores to the histogram could
 * otherwise alias them for the compiler). */
static inline __attribute__((always_inline)) unsigned q_row(const tally_column *c, const double *num, int um,
                                                            const uint32_t *sel, const double *wts, size_t i,
                                                            double *v, double *w)
{
    size_t r = sel ? sel[i] : i;
    double x = num[r], y = wts ? wts[r] : 1.0;
    unsigned ok = (y > 0) & (x == x);
    if (um && ok && tally_column_is_user_missing(c, x)) ok = 0;
    *v = ok ? x : 0.0;
    *w = ok ? y : 0.0;
    return ok;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Pass 1 over all rows (no selection, no user-missing values), four rows a step: lane
 * q of each vector is bank q (rows 4t + q in row order), as the scalar loop adds them,
 * with a product then a sum (no fused multiply-add): the same bits. The extremes are
 * kept as signed keys (the order-preserving key with its top bit flipped), per lane.
 * Returns the rows done from b (a multiple of 4). */
__attribute__((target("avx2"))) static size_t q_pass1_avx2(const double *num, const double *wts, size_t b, size_t e,
                                                            q_part *q, int both)
{
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    const __m256i low63 = _mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFLL), izero = _mm256_setzero_si256();
    __m256d W = zero, S = zero, U = zero;
    __m256i cnt = izero, smin = _mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFLL), smax = _mm256_set1_epi64x(INT64_MIN);
    size_t i = b;
    for (; i + 4 <= e; i += 4) {
        __m256d x = _mm256_loadu_pd(num + i), y = wts ? _mm256_loadu_pd(wts + i) : one;
        __m256d ok = _mm256_and_pd(_mm256_cmp_pd(y, zero, _CMP_GT_OQ), _mm256_cmp_pd(x, x, _CMP_ORD_Q));
        __m256d v = _mm256_and_pd(x, ok), w = _mm256_and_pd(y, ok);
        W = _mm256_add_pd(W, w);
        S = _mm256_add_pd(S, _mm256_mul_pd(w, v));
        if (both) U = _mm256_add_pd(U, v); /* a weight of 1 times v: v itself */
        __m256i okm = _mm256_castpd_si256(ok);
        cnt = _mm256_sub_epi64(cnt, okm);
        __m256i bits = _mm256_castpd_si256(v);
        __m256i key = _mm256_xor_si256(bits, _mm256_and_si256(_mm256_cmpgt_epi64(izero, bits), low63));
        __m256i lt = _mm256_and_si256(okm, _mm256_cmpgt_epi64(smin, key));
        __m256i gt = _mm256_and_si256(okm, _mm256_cmpgt_epi64(key, smax));
        smin = _mm256_blendv_epi8(smin, key, lt);
        smax = _mm256_blendv_epi8(smax, key, gt);
    }
    _mm256_storeu_pd(q->W, W);
    _mm256_storeu_pd(q->sum, S);
    _mm256_storeu_pd(q->usum, U);
    uint64_t c[4];
    int64_t lo[4], hi[4];
    _mm256_storeu_si256((__m256i *)c, cnt);
    _mm256_storeu_si256((__m256i *)lo, smin);
    _mm256_storeu_si256((__m256i *)hi, smax);
    q->cnt = (size_t)(c[0] + c[1] + c[2] + c[3]);
    q->kmin = UINT64_MAX;
    q->kmax = 0;
    for (int k = 0; k < 4; k++) { /* back to stats_order_key's unsigned keys; an empty lane keeps the start values */
        uint64_t kl = (uint64_t)lo[k] ^ 0x8000000000000000ULL, kh = (uint64_t)hi[k] ^ 0x8000000000000000ULL;
        q->kmin = kl < q->kmin ? kl : q->kmin;
        q->kmax = kh > q->kmax ? kh : q->kmax;
    }
    return i - b;
}

/* Pass 2 over all rows (no selection, no user-missing values), four rows a step: the
 * squared deviations with lane q as bank q, each a product of products then a sum, and
 * the bins by q_bin's steps (max and min select as its comparisons do, NaN to bin 0),
 * as the scalar loop computes them; the histogram gets each row's weight in row order
 * (with `both`, each row's count beside it). Returns the rows done from b (a multiple of 4). */
__attribute__((target("avx2"))) static size_t q_pass2_avx2(const q_job *j, q_part *q, size_t b, size_t e,
                                                            const double *wts, int both)
{
    const double *num = j->c->num;
    stats_pair *h = q->h;
    uint16_t *bins = q->bins - b;
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0), top = _mm256_set1_pd(QBINS - 1);
    const __m256d mean = _mm256_set1_pd(j->mean), umean = _mm256_set1_pd(j->umean), lo = _mm256_set1_pd(j->lo),
                  scale = _mm256_set1_pd(j->scale);
    __m256d D = zero, U = zero;
    size_t i = b;
    for (; i + 4 <= e; i += 4) {
        __m256d x = _mm256_loadu_pd(num + i), y = wts ? _mm256_loadu_pd(wts + i) : one;
        __m256d ok = _mm256_and_pd(_mm256_cmp_pd(y, zero, _CMP_GT_OQ), _mm256_cmp_pd(x, x, _CMP_ORD_Q));
        __m256d v = _mm256_and_pd(x, ok), w = _mm256_and_pd(y, ok), t = _mm256_sub_pd(v, mean);
        D = _mm256_add_pd(D, _mm256_mul_pd(_mm256_mul_pd(w, t), t));
        if (both) {
            __m256d u = _mm256_and_pd(one, ok), tu = _mm256_sub_pd(v, umean);
            U = _mm256_add_pd(U, _mm256_mul_pd(_mm256_mul_pd(u, tu), tu));
        }
        __m256d d = _mm256_mul_pd(_mm256_sub_pd(v, lo), scale);
        d = _mm256_min_pd(_mm256_max_pd(d, zero), top);
        int32_t k[4];
        double wq[4];
        _mm_storeu_si128((__m128i *)k, _mm256_cvttpd_epi32(d));
        _mm256_storeu_pd(wq, w);
        unsigned okm = (unsigned)_mm256_movemask_pd(ok);
        for (int r = 0; r < 4; r++) {
            h[k[r]] += (stats_pair){wq[r], both ? (double)((okm >> r) & 1) : 0.0};
            bins[i + (size_t)r] = (okm >> r) & 1 ? (uint16_t)k[r] : (uint16_t)QNONE;
        }
    }
    _mm256_storeu_pd(q->ss, D);
    _mm256_storeu_pd(q->uss, U);
    return i - b;
}

/* Pass 3: the rows from i before e (at most QHITS) whose bin is one of the nt tagged bins, as
 * offsets from i in row order into hit; returns how many. Sixteen rows a step, so that rows
 * of kept bins close together (a quartile of a scale of a few values keeps one row in ten)
 * cost a bit each, not a call each (bins: each row's bin, indexed by row). */
__attribute__((target("avx2"))) static size_t q_hits_avx2(const uint16_t *bins, size_t i, size_t e,
                                                           const uint16_t *tagged, size_t nt, uint16_t *hit)
{
    __m256i want[QTAGGED];
    for (size_t t = 0; t < nt; t++) want[t] = _mm256_set1_epi16((short)tagged[t]);
    size_t n = 0, from = i;
    for (; i + 16 <= e; i += 16) {
        __m256i k = _mm256_loadu_si256((const __m256i *)(bins + i)), h = _mm256_setzero_si256();
        for (size_t t = 0; t < nt; t++) h = _mm256_or_si256(h, _mm256_cmpeq_epi16(k, want[t]));
        unsigned m = (unsigned)_mm256_movemask_epi8(h) & 0x55555555u; /* one bit a row */
        for (; m; m &= m - 1) hit[n++] = (uint16_t)(i - from + (size_t)__builtin_ctz(m) / 2);
    }
    for (; i < e; i++)
        for (size_t t = 0; t < nt; t++)
            if (bins[i] == tagged[t]) {
                hit[n++] = (uint16_t)(i - from);
                break;
            }
    return n;
}
#endif

/* Pass 3 of q_loop: row i (of a tagged bin) kept with its bin's values. */
static inline __attribute__((always_inline)) void q_keep(q_job *j, q_part *q, const double *num, int um,
                                                         const uint32_t *sel, const double *wts, const uint16_t *bins,
                                                         size_t i)
{
    double v, w;
    q_row(j->c, num, um, sel, wts, i, &v, &w);
    size_t s = j->tag[bins[i]] - 1u; /* the bin's place among the tagged */
    if (q->len[s] == q->cap[s]) {
        q->cap[s] = q->cap[s] ? 2 * q->cap[s] : 1024;
        q->buf[s] = xrealloc(q->buf[s], q->cap[s] * sizeof *q->buf[s]);
    }
    q->buf[s][q->len[s]++] = (stats_vw){v, w};
}

/* Pass 2 of q_loop: squared deviations, the histogram and each row's bin (with `both`,
 * the unweighted deviations and counts too). */
static inline __attribute__((always_inline)) void q_loop2(q_job *j, q_part *q, size_t b, size_t e,
                                                          const uint32_t *sel, const double *wts, int um, int both)
{
    const tally_column *c = j->c;
    const double *num = c->num;
    double v, w;
    double mean = j->mean, lo = j->lo, scale = j->scale;
    double umean = j->umean;
    stats_pair *h = q->h;
    double D0 = 0, D1 = 0, D2 = 0, D3 = 0, U0 = 0, U1 = 0, U2 = 0, U3 = 0;
    uint16_t *bins = q->bins - b;
    size_t i = b;
#if defined(__x86_64__) && defined(__GNUC__)
    if (!sel && !um && stats_avx2()) { /* the steps of four there, the last rows below */
        i += q_pass2_avx2(j, q, b, e, wts, both);
        D0 = q->ss[0], D1 = q->ss[1], D2 = q->ss[2], D3 = q->ss[3];
        U0 = q->uss[0], U1 = q->uss[1], U2 = q->uss[2], U3 = q->uss[3];
    }
#endif
    /* with `both`, the unweighted loop's terms too: a weight of 1 where the row counts
     * (the same rows: every weight is > 0), added to the same banks, so the same bits */
#define Q2(DB, UB)                                                                \
    do {                                                                          \
        unsigned ok_ = q_row(c, num, um, sel, wts, i, &v, &w);                    \
        DB += w * (v - mean) * (v - mean);                                        \
        size_t k_ = q_bin(v, lo, scale);                                          \
        double u_ = both && ok_ ? 1.0 : 0.0;                                      \
        if (both) UB += u_ * (v - umean) * (v - umean);                           \
        h[k_] += (stats_pair){w, u_};                                             \
        bins[i] = ok_ ? (uint16_t)k_ : (uint16_t)QNONE;                           \
        i++;                                                                      \
    } while (0)
    while (i + 4 <= e) {
        Q2(D0, U0);
        Q2(D1, U1);
        Q2(D2, U2);
        Q2(D3, U3);
    }
    while (i < e) Q2(D0, U0);
#undef Q2
    q->ss[0] = D0, q->ss[1] = D1, q->ss[2] = D2, q->ss[3] = D3;
    q->uss[0] = U0, q->uss[1] = U1, q->uss[2] = U2, q->uss[3] = U3;
}

static inline __attribute__((always_inline)) void q_loop(q_job *j, q_part *q, size_t b, size_t e,
                                                         const uint32_t *sel, const double *wts, int um, int both)
{
    const tally_column *c = j->c;
    const double *num = c->num;
    double v, w;
    if (j->pass == 1) {
        /* with `both`, U the unweighted sums: v where the row counts (a weight of 1 times v), else 0 */
        double W0 = 0, W1 = 0, W2 = 0, W3 = 0, S0 = 0, S1 = 0, S2 = 0, S3 = 0, U0 = 0, U1 = 0, U2 = 0, U3 = 0;
        /* extremes by bank too (a minimum is the same in any order): four short
         * dependency chains instead of one long one */
        uint64_t kmin[4] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}, kmax[4] = {0, 0, 0, 0};
        size_t cnt = 0, i = b;
#if defined(__x86_64__) && defined(__GNUC__)
        if (!sel && !um && stats_avx2()) { /* the steps of four there, the last rows below */
            i += q_pass1_avx2(num, wts, b, e, q, both);
            W0 = q->W[0], W1 = q->W[1], W2 = q->W[2], W3 = q->W[3];
            S0 = q->sum[0], S1 = q->sum[1], S2 = q->sum[2], S3 = q->sum[3];
            U0 = q->usum[0], U1 = q->usum[1], U2 = q->usum[2], U3 = q->usum[3];
            cnt = q->cnt;
            kmin[0] = q->kmin;
            kmax[0] = q->kmax;
        }
#endif
#define Q1(WB, SB, UB, K)                                                         \
    do {                                                                          \
        unsigned ok_ = q_row(c, num, um, sel, wts, i, &v, &w);                    \
        WB += w;                                                                  \
        SB += w * v;                                                              \
        if (both) UB += v;                                                        \
        cnt += ok_;                                                               \
        uint64_t k_ = stats_order_key(v);                                         \
        kmin[K] = ok_ && k_ < kmin[K] ? k_ : kmin[K];                             \
        kmax[K] = ok_ && k_ > kmax[K] ? k_ : kmax[K];                             \
        i++;                                                                      \
    } while (0)
        while (i + 4 <= e) {
            Q1(W0, S0, U0, 0);
            Q1(W1, S1, U1, 1);
            Q1(W2, S2, U2, 2);
            Q1(W3, S3, U3, 3);
        }
        while (i < e) Q1(W0, S0, U0, 0); /* parts end on multiples of 64 but the last */
#undef Q1
        q->W[0] = W0, q->W[1] = W1, q->W[2] = W2, q->W[3] = W3;
        q->sum[0] = S0, q->sum[1] = S1, q->sum[2] = S2, q->sum[3] = S3;
        q->usum[0] = U0, q->usum[1] = U1, q->usum[2] = U2, q->usum[3] = U3;
        q->cnt = cnt;
        q->kmin = kmin[0];
        q->kmax = kmax[0];
        for (int k = 1; k < 4; k++) {
            q->kmin = kmin[k] < q->kmin ? kmin[k] : q->kmin;
            q->kmax = kmax[k] > q->kmax ? kmax[k] : q->kmax;
        }
    } else if (j->pass == 2) {
        q_loop2(j, q, b, e, sel, wts, um, both);
    } else {
        /* pass 2 left each row's bin: only the rows of tagged bins are read again */
        const uint16_t *bins = q->bins - b;
#if defined(__x86_64__) && defined(__GNUC__)
        if (stats_avx2()) {
            uint16_t hit[QHITS];
            for (size_t s0 = b; s0 < e; s0 += QHITS) {
                size_t s1 = e - s0 < QHITS ? e : s0 + QHITS, nh = q_hits_avx2(bins, s0, s1, j->tagged, j->ntagged, hit);
                for (size_t h = 0; h < nh; h++) q_keep(j, q, num, um, sel, wts, bins, s0 + hit[h]);
            }
            return;
        }
#endif
        for (size_t i = b; i < e; i++)
            if (j->tag[bins[i]]) q_keep(j, q, num, um, sel, wts, bins, i);
    }
}

static void q_pass(void *arg, size_t p)
{
    q_job *j = arg;
    q_part *q = &j->part[p];
    size_t b, e;
    tally_par_range(j->ds->nrows, j->nparts, p, &b, &e);
    if (j->pass == 2) {
        q->h = xcalloc(QBINS, sizeof *q->h);
        q->bins = j->bins + b;
    }
    /* one copy of the loops for each case, the tests on sel, wts and user-missing values folded away */
    const uint32_t *sel = j->ds->sel;
    if (j->pass != 3 && j->both) q_loop(j, q, b, e, NULL, j->wts, 0, 1); /* all rows, weighted, no user-missing */
    else if (j->user_missing) {
        if (sel && j->wts) q_loop(j, q, b, e, sel, j->wts, 1, 0);
        else if (sel) q_loop(j, q, b, e, sel, NULL, 1, 0);
        else if (j->wts) q_loop(j, q, b, e, NULL, j->wts, 1, 0);
        else q_loop(j, q, b, e, NULL, NULL, 1, 0);
    } else if (sel && j->wts) q_loop(j, q, b, e, sel, j->wts, 0, 0);
    else if (sel) q_loop(j, q, b, e, sel, NULL, 0, 0);
    else if (j->wts) q_loop(j, q, b, e, NULL, j->wts, 0, 0);
    else q_loop(j, q, b, e, NULL, NULL, 0, 0);
}

/* The value of an order-preserving key (stats_order_key's inverse). */
static double q_unkey(uint64_t k)
{
    uint64_t b = (k & 0x8000000000000000ULL) ? k & ~0x8000000000000000ULL : ~k;
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

static double bank_sum(const double *a) { return (a[0] + a[1]) + (a[2] + a[3]); }

/* Where each quartile lies in the histogram: its bin (QBINS: past the last value),
 * the last nonempty bin it may reach, its position and the weight before its bin. */
typedef struct q_targets {
    size_t bin[QTARGETS], upto[QTARGETS];
    double tc[QTARGETS], before[QTARGETS];
} q_targets;

/* Finds each quartile's bin in the histogram hw of total weight W (a bin holds a value
 * exactly when its weight is > 0: only rows with a weight > 0 add to it); marks in tag
 * (indexed by bin) the bins whose values pass 3 must keep. */
static void locate_quartiles(const double *hw, double W, q_targets *qt, uint8_t *tag)
{
    /* each quartile's bin B (the first whose cumulative weight passes the
     * position), the weight before it, and its nonempty neighbours */
    for (int t = 0; t < QTARGETS; t++) {
        qt->tc[t] = (W + 1) * qp[t];
        double cum = 0;
        size_t prev = QBINS, k = 0;
        for (; k < QBINS; k++) {
            if (!(hw[k] > 0)) continue;
            if (cum + hw[k] > qt->tc[t]) break;
            cum += hw[k];
            prev = k;
        }
        qt->bin[t] = k;
        qt->before[t] = cum;
        if (k == QBINS) continue; /* after the last value: the maximum */
        size_t next = k + 1;
        while (next < QBINS && !(hw[next] > 0)) next++;
        qt->upto[t] = next < QBINS ? next : k;
        tag[k] = tag[qt->upto[t]] = 1;
        if (prev < QBINS) tag[prev] = 1;
    }
}

/* The values pass 3 kept in the job's parts (which it frees), in stats_sort_vw's order (equal
 * values in the rows' order): bin by bin in the bins' order (a bin index is monotonic in the
 * value, so no value lies in two bins), each bin's values in the rows' order (part 0 first),
 * sorted only when they differ. A bin of one value, as every bin of a whole-number scale is,
 * is left as the stable sort would leave it: sorting all of them took a tenth of the
 * descriptives of such a scale. start[s]: where tagged bin s begins; start[j->ntagged]: the
 * count. Returns the values (caller frees). */
static stats_vw *tagged_sorted(q_job *j, size_t start[QTAGGED + 1])
{
    size_t n = 0;
    for (size_t s = 0; s < j->ntagged; s++)
        for (size_t p = 0; p < j->nparts; p++) n += j->part[p].len[s];
    stats_vw *a = xmalloc((n ? n : 1) * sizeof *a);
    n = 0;
    for (size_t s = 0; s < j->ntagged; s++) {
        start[s] = n;
        for (size_t p = 0; p < j->nparts; p++) {
            q_part *q = &j->part[p];
            if (q->len[s]) memcpy(a + n, q->buf[s], q->len[s] * sizeof *a);
            n += q->len[s];
            free(q->buf[s]);
            q->buf[s] = NULL;
            q->len[s] = q->cap[s] = 0;
        }
        size_t i = start[s] + 1;
        while (i < n && stats_order_key(a[i].v) == stats_order_key(a[start[s]].v)) i++;
        if (i < n) stats_sort_vw(a + start[s], n - start[s]);
    }
    start[j->ntagged] = n;
    return a;
}

/* The quartiles (res) of targets qt from the kept values a, bin by bin as tagged_sorted left
 * them (start), of which the largest is vmax. Bins kept for other quartiles lie among them
 * (tagged together): never between a quartile's bin and the next nonempty one, nor between
 * it and the nonempty one before, so each walk reads the same values as alone. */
static void quartiles_walk(const q_job *j, const stats_vw *a, const size_t *start, const q_targets *qt, double vmax,
                           double *res)
{
    for (int t = 0; t < QTARGETS; t++) {
        if (qt->bin[t] == QBINS) {
            res[t] = vmax;
            continue;
        }
        /* the run from the quartile's bin to the last it may reach (both tagged); the value
         * before it is the largest of the previous nonempty bin (tagged too) */
        size_t s = start[j->tag[qt->bin[t]] - 1u], e = start[j->tag[qt->upto[t]]];
        res[t] = stats_percentile_walk(a + s, e - s, qt->tc[t], qt->before[t], s ? a[s - 1].v : NAN);
    }
}

/* Pass 1 under the job's weights: d's weight, cases, mean and extremes (the rest NaN);
 * with `both`, du's too, unweighted (the same rows count: the same cases and extremes;
 * its weight is the count, as the banks of a run without weights add it up exactly). */
static void q_moments(q_job *j, stats_desc_result *d, stats_desc_result *du)
{
    j->pass = 1;
    tally_par_run_shared(j->nparts, q_pass, j);
    double W = 0, sum = 0, usum = 0;
    size_t cases = 0;
    uint64_t kmin = UINT64_MAX, kmax = 0;
    for (size_t p = 0; p < j->nparts; p++) {
        q_part *q = &j->part[p];
        W += bank_sum(q->W);
        sum += bank_sum(q->sum);
        usum += bank_sum(q->usum);
        cases += q->cnt;
        if (q->kmin < kmin) kmin = q->kmin;
        if (q->kmax > kmax) kmax = q->kmax;
    }
    d->W = W;
    d->cases = cases;
    d->mean = W > 0 ? sum / W : NAN;
    d->min = cases ? q_unkey(kmin) : NAN;
    d->max = cases ? q_unkey(kmax) : NAN;
    d->sd = d->median = d->q1 = d->q3 = NAN;
    if (!j->both) return;
    *du = *d;
    du->W = (double)cases;
    du->mean = cases ? usum / du->W : NAN;
}

/* Pass 3 and the quartiles of d from the histogram hw (of total weight W) under the job's
 * weights and, given du, of du from hn (the unweighted counts of the same rows: `both`),
 * in one pass over the rows; the bins of pass 2 stay. */
static void q_quartiles(q_job *j, const double *hw, stats_desc_result *d, const double *hn, stats_desc_result *du)
{
    q_targets qt, qu;
    uint8_t *tag = xcalloc(QNONE + 1, 1); /* indexed by a row's bin, QNONE included */
    locate_quartiles(hw, d->W, &qt, tag);
    if (du) locate_quartiles(hn, du->W, &qu, tag); /* the same nonempty bins: the same rows count */
    j->pass = 3;
    j->tag = tag;
    j->ntagged = 0;
    for (size_t k = 0; k < QBINS; k++)
        if (tag[k] && j->ntagged < QTAGGED) {
            tag[k] = (uint8_t)(j->ntagged + 1); /* from now on: 1 + the bin's place in the list */
            j->tagged[j->ntagged++] = (uint16_t)k;
        }
    tally_par_run_shared(j->nparts, q_pass, j);
    size_t start[QTAGGED + 1];
    stats_vw *a = tagged_sorted(j, start);
    double res[QTARGETS];
    quartiles_walk(j, a, start, &qt, d->max, res);
    d->median = res[0];
    d->q1 = res[1];
    d->q3 = res[2];
    if (du) {
        /* unweighted, every kept row counts once: the same values in the same order (the
         * sort is stable and by value alone), each of weight 1 */
        for (size_t i = 0; i < start[j->ntagged]; i++) a[i].w = 1.0;
        quartiles_walk(j, a, start, &qu, du->max, res);
        du->median = res[0];
        du->q1 = res[1];
        du->q3 = res[2];
    }
    free(a);
    free(tag);
}

/* The descriptives of c under wts (d) and, when du is given, unweighted (du): du needs
 * every row counted alike weighted and unweighted (all rows, no user-missing values,
 * every weight > 0), so that the extremes and each row's bin are the same; its figures
 * are bit for bit those of a run without weights. */
static void describe_passes(const tally_dataset *ds, const tally_column *c, const double *wts,
                            stats_desc_result *d, stats_desc_result *du)
{
    q_job *j = xcalloc(1, sizeof *j);
    j->ds = ds;
    j->c = c;
    j->wts = wts;
    j->user_missing = c->nmissing > 0 || c->has_range;
    j->nparts = tally_par_parts(ds->nrows);

    /* pass 1: moments and extremes, parts added in order; with du, both in one pass */
    j->both = du != NULL;
    q_moments(j, d, du);
    if (du) j->umean = du->mean;
    if (!d->cases) {
        free(j);
        return;
    }

    /* pass 2: squared deviations and the histogram */
    j->pass = 2;
    j->mean = d->mean;
    j->lo = d->min;
    double range = d->max - d->min;
    j->scale = range > 0 && isfinite(range) ? (QBINS - 1) / range : 0;
    if (!isfinite(j->scale)) j->scale = 0;
    j->bins = xmalloc_rows((ds->nrows ? ds->nrows : 1) * sizeof *j->bins);
    tally_par_run_shared(j->nparts, q_pass, j);
    double ss = 0, uss = 0;
    stats_pair *h = j->part[0].h;
    for (size_t p = 0; p < j->nparts; p++) {
        ss += bank_sum(j->part[p].ss);
        uss += bank_sum(j->part[p].uss);
        if (p == 0) continue;
        for (size_t k = 0; k < QBINS; k++) h[k] += j->part[p].h[k]; /* in part order, each half as alone */
        free(j->part[p].h);
    }
    double *hw = xmalloc(2 * QBINS * sizeof *hw), *hn = hw + QBINS;
    for (size_t k = 0; k < QBINS; k++) hw[k] = h[k][0], hn[k] = h[k][1];
    free(h);
    d->sd = d->W > 1 ? sqrt(ss / (d->W - 1)) : NAN;

    /* pass 3: the values of the tagged bins, in row order (part 0 first), sorted */
    if (du) du->sd = du->W > 1 ? sqrt(uss / (du->W - 1)) : NAN;
    q_quartiles(j, hw, d, du ? hn : NULL, du);
    free(hw);
    free_rows(j->bins);
    free(j);
}

/* The mapping whose memo may keep the descriptives of c under wts (NULL: unweighted), or
 * NULL: all rows, c's doubles and the weights in the mapping, no user-missing values
 * (a later stage may declare some; the key has no room for them). */
static tally_mapping *desc_memo(const tally_dataset *ds, const tally_column *c, const double *wts,
                                uintptr_t key[TALLY_MEMO_KEYS])
{
    if (c->codes || c->nmissing > 0 || c->has_range) return NULL;
    tally_mapping *m = tally_memo_for(ds, c, c->num, ds->nrows * sizeof *c->num, wts);
    if (!m) return NULL;
    key[0] = (uintptr_t)c->num;
    key[1] = (uintptr_t)wts;
    key[2] = 3; /* not a histogram's (0 or 1), nor a multiple-response set's (2) */
    key[3] = ds->nrows;
    return m;
}

/* A report describes its scales weighted, then unweighted: a weighted run over a mapped
 * column whose weights are all > 0 counts the unweighted figures in the same passes and
 * keeps them with the mapping's memo for the unweighted run (claimed first, so a run
 * beside it waits for them instead of counting them again). */
void stats_describe_large(const tally_dataset *ds, const tally_column *c, const double *wts,
                          stats_desc_result *d)
{
    uintptr_t key[TALLY_MEMO_KEYS], ukey[TALLY_MEMO_KEYS];
    tally_mapping *m = desc_memo(ds, c, wts, key);
    if (m && tally_mapping_memo_claim(m, key, d, sizeof *d)) return;
    int both = m && wts && desc_memo(ds, c, NULL, ukey) == m && stats_weights_all_positive(m, wts, ds->nrows) &&
               tally_mapping_memo_try_claim(m, ukey, sizeof *d);
    stats_desc_result du;
    describe_passes(ds, c, wts, d, both ? &du : NULL);
    if (both && du.cases != d->cases) /* cannot be (the same rows count); the plain run then */
        describe_passes(ds, c, NULL, &du, NULL);
    if (both) tally_mapping_memo_put(m, ukey, &du, sizeof du);
    if (m) tally_mapping_memo_put(m, key, d, sizeof *d);
}
