/* stats_mr_kernels.h: the multiple-response counting kernels over a block of rows, for stats_mr.c's dich_part. */
#ifndef TALLY_STATS_MR_KERNELS_H
#define TALLY_STATS_MR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* ok[i] = wv[i] > 0 for len rows. */
void stats_dich_flags(const double *wv, uint8_t *ok, size_t len);

/* One item over a block of len rows (codes cb, flags ok, weights wv): adds the weights of
 * the rows that chose it (code kc) to four banks a[row modulo 4] (the last rows of a part
 * that does not fill four go to bank 0), marks them in `any`; returns how many chose it. */
size_t stats_dich_weighted(const uint8_t *cb, const uint8_t *ok, const double *wv, uint8_t *any, size_t len,
                           uint8_t kc, double *a);

#if defined(__SSE2__)
/* Unweighted, all rows: the nk compact items over the 16-row steps of a block starting at
 * row b0 (codes cbs[t], counted code keys[t], count ck[t]); returns the rows done. */
size_t stats_dich_plain_sse2(const uint8_t *const *cbs, const uint8_t *keys, size_t *ck, size_t nk, uint8_t *any,
                             size_t b0, size_t len);
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define DICH_AVX2 1 /* the AVX2 kernels below exist; stats_avx2() says whether the CPU runs them */
/* Weighted, all rows: the nk compact items over the 16-row steps of a block, their four
 * banks acc4[t] added as the scalar loop adds them; returns the rows done. */
size_t stats_dich_avx2(const uint8_t *const *cbs, const uint8_t *keys, double *const *acc4, size_t *ck, size_t nk,
                       const uint8_t *ok, const double *wv, uint8_t *any, size_t b0, size_t len);
/* The case totals of a block of a large input, banked as the scalar loop banks them;
 * returns the rows done. */
size_t stats_dich_totals_avx2(const double *wv, const uint8_t *ok, const uint8_t *any, size_t len, double wa[4],
                              double wn[4], size_t *n_all, size_t *n_ans);
#endif

#endif
