/* check.h: a tiny unit-test harness: each CHECK prints "ok - ..." or "not ok - ..." (counted by tests/run.sh). */
#ifndef TALLY_CHECK_H
#define TALLY_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int check_failures;

#define CHECK(cond, ...)                                                         \
    do {                                                                         \
        if (cond) {                                                              \
            printf("ok - ");                                                     \
        } else {                                                                 \
            printf("not ok - %s:%d: ", __FILE__, __LINE__);                      \
            check_failures++;                                                    \
        }                                                                        \
        printf(__VA_ARGS__);                                                     \
        printf("\n");                                                            \
    } while (0)

#define CHECK_STR(got, want, what)                                               \
    do {                                                                         \
        const char *g_ = (got), *w_ = (want);                                    \
        int same_ = g_ && w_ && strcmp(g_, w_) == 0;                             \
        CHECK(same_, "%s", what);                                                \
        if (!same_) printf("#   got:  %s\n#   want: %s\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
    } while (0)

#define CHECK_CONTAINS(got, want, what)                                          \
    do {                                                                         \
        const char *g_ = (got), *w_ = (want);                                    \
        int in_ = g_ && w_ && strstr(g_, w_) != NULL;                            \
        CHECK(in_, "%s", what);                                                  \
        if (!in_) printf("#   got:  %s\n#   want to contain: %s\n", g_ ? g_ : "(null)", w_); \
    } while (0)

#define CHECK_NEAR(got, want, tol, what)                                         \
    do {                                                                         \
        double g_ = (got), w_ = (want);                                          \
        int near_ = fabs(g_ - w_) <= (tol);                                      \
        CHECK(near_, "%s", what);                                                \
        if (!near_) printf("#   got:  %.10g\n#   want: %.10g\n", g_, w_);         \
    } while (0)

/* A watchdog, not a timing: alarm() after `seconds` in the plain build. The address sanitizer
 * (make check-asan) makes every step several times as costly, and a busy machine more again
 * (test_hist_memo_wide: 0.9 s plain, 5 s under the sanitizer, past 60 s beside other work), so
 * there the alarm waits four times as long; what a watchdog is for (a hang, a search quadratic
 * in the input) takes far longer still. */
#ifdef __SANITIZE_ADDRESS__
#define CHECK_WATCHDOG_SCALE 4u
#else
#define CHECK_WATCHDOG_SCALE 1u
#endif
#define CHECK_WATCHDOG(seconds) alarm((unsigned)(seconds) * CHECK_WATCHDOG_SCALE)

#define CHECK_DONE() return check_failures ? 1 : 0

#endif
