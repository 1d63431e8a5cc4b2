/* banner_tests.c: a banner's significance tests: column proportions (z), column means (t), chi-square per question. */
#include "banner_int.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A column takes part in the tests: a lettered category with a base of at least min_base. */
static int testable(const tally_banner *b, size_t c, const bn_colstat *cs, const tally_bn_opts *o)
{
    return !b->cols[c].is_total && b->cols[c].letter[0] && cs[c].bn >= o->min_base && cs[c].bn > 0;
}

/* Appends `l` (upper or lower case of the other column's letter) to cell (r, a)'s letters. */
static void add_letter(tally_banner *b, size_t r, size_t a, char l)
{
    char **slot = &b->letters[r * b->ncols + a];
    size_t n = *slot ? strlen(*slot) : 0;
    *slot = xrealloc(*slot, n + 2);
    (*slot)[n] = l;
    (*slot)[n + 1] = '\0';
}

/* Records the comparison of a (the higher) with c and gives a c's letter when significant. */
static void mark(tally_banner *b, size_t r, size_t a, size_t c, char kind, double stat, double df, double p, double m,
                 const tally_bn_opts *o)
{
    double pv = p * m > 1 ? 1 : p * m;
    tally_bn_test t = {r, a, c, kind, stat, df, p, pv};
    tally_banner_add_test(b, &t);
    if (pv < o->sig_upper) add_letter(b, r, a, b->cols[c].letter[0]);
    else if (pv < o->sig_lower) add_letter(b, r, a, (char)(b->cols[c].letter[0] - 'A' + 'a'));
}

/* Pairs compared within column a's group on row r: for Bonferroni. */
static double pairs_in_group(const tally_banner *b, size_t g, const int *ok)
{
    double k = 0;
    for (size_t c = 0; c < b->ncols; c++) k += ok[c] && b->cols[c].test_group == g;
    return k * (k - 1) / 2;
}

void bn_test_props(tally_banner *b, size_t r, const bn_colstat *cs, const tally_bn_opts *o)
{
    size_t C = b->ncols;
    int *ok = xcalloc(C, sizeof *ok);
    double *p = xcalloc(C, sizeof *p);
    for (size_t c = 0; c < C; c++) {
        if (!testable(b, c, cs, o)) continue;
        p[c] = tally_banner_cell(b, r, c)[TALLY_BN_COUNT] / cs[c].bw;
        if (p[c] <= 0 || p[c] >= 1) b->flags[r * C + c] |= TALLY_BN_EXTREME; /* 0% or 100%: no variance */
        else ok[c] = 1;
    }
    for (size_t a = 0; a < C; a++) {
        if (!ok[a]) continue;
        double m = o->bonferroni ? pairs_in_group(b, b->cols[a].test_group, ok) : 1;
        for (size_t c = 0; c < C; c++) {
            if (c == a || !ok[c] || b->cols[c].test_group != b->cols[a].test_group || !(p[a] > p[c])) continue;
            double na = cs[a].eff, nc = cs[c].eff;
            double pp = (p[a] * na + p[c] * nc) / (na + nc);
            double se = sqrt(pp * (1 - pp) * (1 / na + 1 / nc));
            if (!(se > 0)) continue;
            double z = (p[a] - p[c]) / se;
            mark(b, r, a, c, 'z', z, NAN, tally_stats_normal_p2(z), m, o);
        }
    }
    free(ok);
    free(p);
}

void bn_test_means(tally_banner *b, size_t r, const bn_colstat *cs, const tally_bn_opts *o)
{
    size_t C = b->ncols;
    int *ok = xcalloc(C, sizeof *ok);
    for (size_t c = 0; c < C; c++) ok[c] = testable(b, c, cs, o) && cs[c].eff >= 2 && cs[c].sd == cs[c].sd;
    for (size_t a = 0; a < C; a++) {
        if (!ok[a]) continue;
        size_t g = b->cols[a].test_group;
        /* pooled variance of every tested column of the group, as Custom Tables' means test */
        double ss = 0, dfp = 0;
        for (size_t c = 0; c < C; c++)
            if (ok[c] && b->cols[c].test_group == g) {
                ss += (cs[c].eff - 1) * cs[c].sd * cs[c].sd;
                dfp += cs[c].eff - 1;
            }
        double m = o->bonferroni ? pairs_in_group(b, g, ok) : 1;
        for (size_t c = 0; c < C; c++) {
            if (c == a || !ok[c] || b->cols[c].test_group != g || !(cs[a].mean > cs[c].mean)) continue;
            double na = cs[a].eff, nc = cs[c].eff, se, df;
            if (o->welch) {
                double va = cs[a].sd * cs[a].sd / na, vc = cs[c].sd * cs[c].sd / nc;
                se = sqrt(va + vc);
                df = (va + vc) * (va + vc) / (va * va / (na - 1) + vc * vc / (nc - 1));
            } else {
                se = sqrt(ss / dfp * (1 / na + 1 / nc));
                df = dfp;
            }
            if (!(se > 0)) continue;
            double tv = (cs[a].mean - cs[c].mean) / se;
            mark(b, r, a, c, 't', tv, df, tally_stats_t_p2(tv, df), m, o);
        }
    }
    free(ok);
}

void bn_chisq_compute(const double *cnt, size_t nr, size_t nc, bn_chisq *x)
{
    memset(x, 0, sizeof *x);
    x->chisq = x->p = x->min_expected = NAN;
    double *rt = xcalloc(nr + 1, sizeof *rt), *ct = xcalloc(nc + 1, sizeof *ct), n = 0;
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            rt[r] += cnt[r * nc + c];
            ct[c] += cnt[r * nc + c];
            n += cnt[r * nc + c];
        }
    size_t rows = 0, cols = 0;
    for (size_t r = 0; r < nr; r++) rows += rt[r] > 0;
    for (size_t c = 0; c < nc; c++) cols += ct[c] > 0;
    x->df = (int)((rows ? rows - 1 : 0) * (cols ? cols - 1 : 0));
    if (x->df > 0 && n > 0) {
        double chi = 0, emin = INFINITY;
        for (size_t r = 0; r < nr; r++)
            for (size_t c = 0; c < nc && rt[r] > 0; c++) {
                if (!(ct[c] > 0)) continue;
                double e = rt[r] * ct[c] / n, d = cnt[r * nc + c] - e;
                chi += d * d / e;
                x->cells++;
                x->cells_below5 += e < 5;
                if (e < emin) emin = e;
            }
        x->chisq = chi;
        x->p = tally_stats_chisq_p(chi, x->df);
        x->min_expected = emin;
    }
    free(rt);
    free(ct);
}
