/* stats_mr_kernels.c: the multiple-response counting kernels over a block of rows (SSE2, AVX2, scalar): the same sums bit for bit. */
#include "stats_mr_kernels.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__) /* part of every x86-64; other machines take the scalar loop */
#include <emmintrin.h>

/* Two rows' 64-bit masks (two 32-bit lanes of m32, widened) and-ed with their weights at w. */
#define DICH_PAIR(m32, lohi, w) \
    _mm_and_pd(_mm_castsi128_pd(_mm_unpack##lohi##_epi32(m32, m32)), _mm_loadu_pd(w))

/* 16 rows a step: lanes (bank 0, bank 1) and (bank 2, bank 3) take rows 4t,
 * 4t+1 and 4t+2, 4t+3 in order, so every bank adds the same values in the same
 * order as the scalar loop. Returns the rows done (a multiple of 16). */
static size_t stats_dich_sse2(const uint8_t *cb, const uint8_t *ok, const double *wv, uint8_t *any, size_t len,
                              uint8_t kc, double *a, size_t *ck)
{
    __m128d acc01 = _mm_loadu_pd(a), acc23 = _mm_loadu_pd(a + 2);
    const __m128i key = _mm_set1_epi8((char)kc), one = _mm_set1_epi8(1), zero = _mm_setzero_si128();
    __m128i cnt = zero; /* two 64-bit lanes: sums of the 0/1 bytes */
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(cb + i));
        __m128i o = _mm_loadu_si128((const __m128i *)(ok + i));
        __m128i h = _mm_and_si128(_mm_cmpeq_epi8(c, key), _mm_cmpeq_epi8(o, one)); /* 0xff: chosen */
        __m128i h1 = _mm_and_si128(h, one);
        cnt = _mm_add_epi64(cnt, _mm_sad_epu8(h1, zero));
        __m128i an = _mm_loadu_si128((const __m128i *)(any + i));
        _mm_storeu_si128((__m128i *)(any + i), _mm_or_si128(an, h1));
        __m128i h16lo = _mm_unpacklo_epi8(h, h), h16hi = _mm_unpackhi_epi8(h, h);
        __m128i m0 = _mm_unpacklo_epi16(h16lo, h16lo), m1 = _mm_unpackhi_epi16(h16lo, h16lo);
        __m128i m2 = _mm_unpacklo_epi16(h16hi, h16hi), m3 = _mm_unpackhi_epi16(h16hi, h16hi);
        acc01 = _mm_add_pd(acc01, DICH_PAIR(m0, lo, wv + i + 0));
        acc23 = _mm_add_pd(acc23, DICH_PAIR(m0, hi, wv + i + 2));
        acc01 = _mm_add_pd(acc01, DICH_PAIR(m1, lo, wv + i + 4));
        acc23 = _mm_add_pd(acc23, DICH_PAIR(m1, hi, wv + i + 6));
        acc01 = _mm_add_pd(acc01, DICH_PAIR(m2, lo, wv + i + 8));
        acc23 = _mm_add_pd(acc23, DICH_PAIR(m2, hi, wv + i + 10));
        acc01 = _mm_add_pd(acc01, DICH_PAIR(m3, lo, wv + i + 12));
        acc23 = _mm_add_pd(acc23, DICH_PAIR(m3, hi, wv + i + 14));
    }
    _mm_storeu_pd(a, acc01);
    _mm_storeu_pd(a + 2, acc23);
    uint64_t c2[2];
    _mm_storeu_si128((__m128i *)c2, cnt);
    *ck += (size_t)(c2[0] + c2[1]);
    return i;
}

/* ok[i] = wv[i] > 0 for len rows, eight a step (the compiler leaves this loop scalar). */
void stats_dich_flags(const double *wv, uint8_t *ok, size_t len)
{
    size_t i = 0;
    const __m128d z = _mm_setzero_pd();
    for (; i + 8 <= len; i += 8) {
        /* four pairs of 64-bit masks, narrowed to 16-bit lanes (each row's mask twice), then to one byte a row */
        __m128i m0 = _mm_castpd_si128(_mm_cmpgt_pd(_mm_loadu_pd(wv + i), z));
        __m128i m1 = _mm_castpd_si128(_mm_cmpgt_pd(_mm_loadu_pd(wv + i + 2), z));
        __m128i m2 = _mm_castpd_si128(_mm_cmpgt_pd(_mm_loadu_pd(wv + i + 4), z));
        __m128i m3 = _mm_castpd_si128(_mm_cmpgt_pd(_mm_loadu_pd(wv + i + 6), z));
        __m128i b = _mm_packs_epi16(_mm_packs_epi32(m0, m1), _mm_packs_epi32(m2, m3));
        __m128i r = _mm_packus_epi16(_mm_and_si128(b, _mm_set1_epi16(1)), _mm_setzero_si128());
        _mm_storel_epi64((__m128i *)(ok + i), r);
    }
    for (; i < len; i++) ok[i] = wv[i] > 0;
}

/* Unweighted, all rows: the compact items over the 16-row steps of a block, all items
 * inside one step (`any` stays in a register); counts only, which are exact in any
 * order. cbs[t]: item t's codes, keys[t] its counted code, ck[t] its count; the block
 * starts at row b0. Returns the rows done (a multiple of 16). */
size_t stats_dich_plain_sse2(const uint8_t *const *cbs, const uint8_t *keys, size_t *ck, size_t nk, uint8_t *any,
                             size_t b0, size_t len)
{
    const __m128i one = _mm_set1_epi8(1);
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        __m128i an = _mm_loadu_si128((const __m128i *)(any + i));
        for (size_t t = 0; t < nk; t++) {
            __m128i c = _mm_loadu_si128((const __m128i *)(cbs[t] + b0 + i));
            __m128i h = _mm_cmpeq_epi8(c, _mm_set1_epi8((char)keys[t]));
            an = _mm_or_si128(an, _mm_and_si128(h, one));
            __m128i sad = _mm_sad_epu8(_mm_and_si128(h, one), _mm_setzero_si128()); /* two 64-bit sums */
            ck[t] += (size_t)_mm_cvtsi128_si64(sad) + (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sad, sad));
        }
        _mm_storeu_si128((__m128i *)(any + i), an);
    }
    return i;
}
#else
void stats_dich_flags(const double *wv, uint8_t *ok, size_t len)
{
    for (size_t i = 0; i < len; i++) ok[i] = wv[i] > 0;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Item t's 16 rows from row i of the block: h marks (0xff) the rows that chose it among the
 * rows okm admits; its count goes to ck[t], its chosen flags into *an, and its weights w0..w3
 * (rows i .. i + 15, four a vector) are added to a, row after row in each lane. */
__attribute__((target("avx2,popcnt"), always_inline)) static inline __m256d
dich_step(const uint8_t *codes, uint8_t key, __m128i okm, __m256d w0, __m256d w1, __m256d w2, __m256d w3, __m256d a,
          size_t *ck, __m128i *an)
{
    __m128i c = _mm_loadu_si128((const __m128i *)codes);
    __m128i h = _mm_and_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8((char)key)), okm); /* 0xff: chosen */
    *an = _mm_or_si128(*an, _mm_and_si128(h, _mm_set1_epi8(1)));
    *ck += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(h));
    a = _mm256_add_pd(a, _mm256_and_pd(_mm256_castsi256_pd(_mm256_cvtepi8_epi64(h)), w0));
    a = _mm256_add_pd(a, _mm256_and_pd(_mm256_castsi256_pd(_mm256_cvtepi8_epi64(_mm_srli_si128(h, 4))), w1));
    a = _mm256_add_pd(a, _mm256_and_pd(_mm256_castsi256_pd(_mm256_cvtepi8_epi64(_mm_srli_si128(h, 8))), w2));
    return _mm256_add_pd(a, _mm256_and_pd(_mm256_castsi256_pd(_mm256_cvtepi8_epi64(_mm_srli_si128(h, 12))), w3));
}

/* The compact items of a set over a block's rows, four items at a time: their banks stay
 * in registers over the whole block (a bank kept in memory made each 16-row step of an
 * item wait on the step before: 21 cycles, where four items side by side take about as
 * long as one), the block's weights and flags coming from the core's cache again for each
 * four. Lane q of an item's vector of banks takes rows 4t + q in row order, as
 * stats_dich_sse2 and the scalar loop add them: the same sums bit for bit; `any` and the
 * counts do not depend on order. cbs[t]: item t's codes at the block, keys[t] its counted
 * code, acc4[t] its four banks, ck[t] its count; the block starts at row b0. Returns the
 * rows done (a multiple of 16). */
__attribute__((target("avx2,popcnt"))) size_t stats_dich_avx2(const uint8_t *const *cbs, const uint8_t *keys,
                                                              double *const *acc4, size_t *ck, size_t nk,
                                                              const uint8_t *ok, const double *wv, uint8_t *any,
                                                              size_t b0, size_t len)
{
    const __m128i one = _mm_set1_epi8(1);
    size_t rows = len / 16 * 16;
    for (size_t t = 0; t < nk; t += 4) {
        size_t g = nk - t < 4 ? nk - t : 4; /* the items of this four */
        __m256d a[4];
        for (size_t k = 0; k < 4; k++) a[k] = k < g ? _mm256_loadu_pd(acc4[t + k]) : _mm256_setzero_pd();
        const uint8_t *c[4];
        for (size_t k = 0; k < 4; k++) c[k] = cbs[t + (k < g ? k : 0)] + b0;
        size_t n[4] = {0, 0, 0, 0};
        for (size_t i = 0; i < rows; i += 16) {
            __m128i okm = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(ok + i)), one);
            __m256d w0 = _mm256_loadu_pd(wv + i), w1 = _mm256_loadu_pd(wv + i + 4);
            __m256d w2 = _mm256_loadu_pd(wv + i + 8), w3 = _mm256_loadu_pd(wv + i + 12);
            __m128i an = _mm_loadu_si128((const __m128i *)(any + i));
            a[0] = dich_step(c[0] + i, keys[t], okm, w0, w1, w2, w3, a[0], &n[0], &an);
            if (g > 1) a[1] = dich_step(c[1] + i, keys[t + 1], okm, w0, w1, w2, w3, a[1], &n[1], &an);
            if (g > 2) a[2] = dich_step(c[2] + i, keys[t + 2], okm, w0, w1, w2, w3, a[2], &n[2], &an);
            if (g > 3) a[3] = dich_step(c[3] + i, keys[t + 3], okm, w0, w1, w2, w3, a[3], &n[3], &an);
            _mm_storeu_si128((__m128i *)(any + i), an);
        }
        for (size_t k = 0; k < g; k++) {
            _mm256_storeu_pd(acc4[t + k], a[k]);
            ck[t + k] += n[k];
        }
    }
    return rows;
}

/* The case totals of a block of a large input, banked: lane q of wa and wn adds the rows
 * 4t + q in row order, wv[i] and wv[i] * any[i] (a product, as the scalar loop takes it),
 * as dich_part's scalar loop adds them into its four banks; n_all and n_ans count the
 * flags (whole numbers: any order). Returns the rows done (a multiple of 16). */
__attribute__((target("avx2"))) size_t stats_dich_totals_avx2(const double *wv, const uint8_t *ok, const uint8_t *any,
                                                              size_t len, double wa[4], double wn[4],
                                                              size_t *n_all, size_t *n_ans)
{
    __m256d a = _mm256_loadu_pd(wa), n = _mm256_loadu_pd(wn);
    __m128i cnt_ok = _mm_setzero_si128(), cnt_any = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        __m128i an = _mm_loadu_si128((const __m128i *)(any + i));
        cnt_ok = _mm_add_epi64(cnt_ok, _mm_sad_epu8(_mm_loadu_si128((const __m128i *)(ok + i)), _mm_setzero_si128()));
        cnt_any = _mm_add_epi64(cnt_any, _mm_sad_epu8(an, _mm_setzero_si128()));
        for (int g = 0; g < 4; g++) {
            __m256d w = _mm256_loadu_pd(wv + i + 4 * g);
            __m128i a4 = g == 0 ? an : g == 1 ? _mm_srli_si128(an, 4) : g == 2 ? _mm_srli_si128(an, 8) : _mm_srli_si128(an, 12);
            a = _mm256_add_pd(a, w);
            n = _mm256_add_pd(n, _mm256_mul_pd(w, _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(a4))));
        }
    }
    _mm256_storeu_pd(wa, a);
    _mm256_storeu_pd(wn, n);
    uint64_t c[2];
    _mm_storeu_si128((__m128i *)c, cnt_ok);
    *n_all += (size_t)(c[0] + c[1]);
    _mm_storeu_si128((__m128i *)c, cnt_any);
    *n_ans += (size_t)(c[0] + c[1]);
    return i;
}
#endif

/* One item over a block of len rows (codes cb, flags ok, weights wv): adds the
 * weights of the rows that chose it to four banks a[row modulo 4] (the last
 * rows of a part that does not fill four go to bank 0), marks them in `any`;
 * returns how many chose it. No branches: answers are close to random. */
size_t stats_dich_weighted(const uint8_t *cb, const uint8_t *ok, const double *wv, uint8_t *any, size_t len,
                           uint8_t kc, double *a)
{
    size_t i = 0, ck = 0;
#if defined(__SSE2__)
    i = stats_dich_sse2(cb, ok, wv, any, len, kc, a, &ck);
#endif
    /* in registers: `any` is bytes, which the compiler must assume alias a[] */
    double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    for (; i + 4 <= len; i += 4) {
        uint8_t h0 = (uint8_t)((cb[i] == kc) & ok[i]), h1 = (uint8_t)((cb[i + 1] == kc) & ok[i + 1]);
        uint8_t h2 = (uint8_t)((cb[i + 2] == kc) & ok[i + 2]), h3 = (uint8_t)((cb[i + 3] == kc) & ok[i + 3]);
        a0 += wv[i] * h0;
        a1 += wv[i + 1] * h1;
        a2 += wv[i + 2] * h2;
        a3 += wv[i + 3] * h3;
        ck += (size_t)h0 + h1 + h2 + h3;
        any[i] |= h0;
        any[i + 1] |= h1;
        any[i + 2] |= h2;
        any[i + 3] |= h3;
    }
    for (; i < len; i++) { /* the last rows of the last block */
        uint8_t h = (uint8_t)((cb[i] == kc) & ok[i]);
        a0 += wv[i] * h;
        ck += h;
        any[i] |= h;
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
    return ck;
}
