/* test_ci.c: interval formulas against values from printed tables and closed forms (ci.h). */
#include "check.h"
#include "ci.h"

int main(void)
{
    /* normal quantiles as printed in tables */
    CHECK_NEAR(tally_ci_z(95), 1.959964, 1e-6, "z for 95% is 1.959964");
    CHECK_NEAR(tally_ci_z(90), 1.644854, 1e-6, "z for 90% is 1.644854");
    CHECK_NEAR(tally_ci_z(99), 2.575829, 1e-6, "z for 99% is 2.575829");
    CHECK(isnan(tally_ci_z(100)) && isnan(tally_ci_z(0)), "no z for 0%% or 100%%");

    double lo, hi, z2 = 1.959964 * 1.959964;
    /* Wilson at the edges has closed forms: 0 of n -> [0, z^2/(n+z^2)], n of n -> [n/(n+z^2), 1] */
    tally_ci_wilson(0, 10, 95, &lo, &hi);
    CHECK_NEAR(lo, 0, 1e-12, "Wilson 0 of 10: from 0");
    CHECK_NEAR(hi, z2 / (10 + z2), 1e-6, "Wilson 0 of 10: to z^2/(n+z^2) = 0.2775");
    tally_ci_wilson(1, 10, 95, &lo, &hi);
    CHECK_NEAR(lo, 10 / (10 + z2), 1e-6, "Wilson 10 of 10: from n/(n+z^2) = 0.7225");
    CHECK_NEAR(hi, 1, 1e-12, "Wilson 10 of 10: to 1");
    /* 50 of 100: the interval quoted in textbooks, 0.4038 to 0.5962 */
    tally_ci_wilson(0.5, 100, 95, &lo, &hi);
    CHECK_NEAR(lo, 0.4038, 1e-4, "Wilson 50 of 100: from 0.4038");
    CHECK_NEAR(hi, 0.5962, 1e-4, "Wilson 50 of 100: to 0.5962");
    /* a fractional (effective) base works like any other */
    tally_ci_wilson(0.3, 57.5, 95, &lo, &hi);
    CHECK(lo > 0.18 && lo < 0.3 && hi > 0.3 && hi < 0.44, "Wilson on an effective base of 57.5: %g to %g", lo, hi);
    tally_ci_wilson(0.3, 0, 95, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi), "Wilson on an empty base: no interval");

    /* t: mean 10, sd 2, n 10, 95%: t(0.975, 9 df) = 2.262157 from the table */
    tally_ci_mean_t(10, 2, 10, 95, &lo, &hi);
    CHECK_NEAR(lo, 10 - 2.262157 * 2 / sqrt(10), 1e-5, "t interval with 9 df: from 8.5693");
    CHECK_NEAR(hi, 10 + 2.262157 * 2 / sqrt(10), 1e-5, "t interval with 9 df: to 11.4307");
    /* t(0.95, 4 df) = 2.131847 for a 90% interval */
    tally_ci_mean_t(0, 1, 5, 90, &lo, &hi);
    CHECK_NEAR(hi, 2.131847 / sqrt(5), 1e-5, "t interval, 90%, 4 df");
    tally_ci_mean_t(10, 2, 1, 95, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi), "t interval of one case: none");
    CHECK_DONE();
}
