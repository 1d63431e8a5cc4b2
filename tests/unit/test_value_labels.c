/* test_value_labels.c: a column's value labels by code (core/data/value_labels.c): first label kept, later ones replace, many of them. */
#include "check.h"
#include "dataset.h"

#include <stdio.h>
#include <unistd.h>

/*
 * N numeric and N text labels on one column. Each add once walked all labels before it
 * (N^2 / 2 compares a kind: about 45 s for the numbers alone with the old walk, more for
 * the texts); the index makes it linear (well under a second). The size is the test: the
 * alarm in main turns a return of the walk into a failure (killed) instead of a make test
 * that never ends.
 */
enum { N = 300000 };

static void check_many(void)
{
    tally_column *c = tally_column_new("q", TALLY_NUMERIC, 0);
    char code[32], label[32];
    for (int i = 0; i < N; i++) {
        snprintf(label, sizeof label, "n%d", i);
        tally_column_add_value_label(c, i, label);
        snprintf(code, sizeof code, "c%d", i);
        snprintf(label, sizeof label, "t%d", i);
        tally_column_add_string_value_label(c, code, label);
    }
    tally_column_add_value_label(c, 7, "seven");          /* replaces n7 */
    tally_column_add_string_value_label(c, "c9", "nine"); /* replaces t9 */
    tally_column_add_value_label(c, -0.0, "zero");        /* -0 is the code 0 */
    CHECK(c->nlabels == 2 * (size_t)N, "%d labels kept, re-added codes replaced in place (%zu)", 2 * N, c->nlabels);
    int same = 1;
    for (int i = 0; same && i < N; i += 997) {
        snprintf(label, sizeof label, "n%d", i);
        const char *got = tally_column_value_label(c, i);
        same = got && strcmp(got, i == 0 ? "zero" : i == 7 ? "seven" : label) == 0;
        snprintf(code, sizeof code, "c%d", i);
        snprintf(label, sizeof label, "t%d", i);
        got = tally_column_string_value_label(c, code);
        same = same && got && strcmp(got, label) == 0;
        if (!same) printf("#   code %d: '%s'\n", i, got ? got : "(none)");
    }
    CHECK(same, "every 997th numeric and text code finds its label");
    CHECK_STR(tally_column_value_label(c, 7), "seven", "a re-added code has its later label");
    CHECK_STR(tally_column_string_value_label(c, "c9"), "nine", "a re-added text code has its later label");
    CHECK(!tally_column_value_label(c, N) && !tally_column_value_label(c, NAN) &&
              !tally_column_string_value_label(c, "c-1") && !tally_column_string_value_label(c, "7"),
          "codes without a label (a number past them, NaN, a text never added, a number's digits as text) find none");
    tally_column_unref(c);
}

/* Few labels (walked) and the step to the index give the same answers. */
static void check_few(void)
{
    tally_column *c = tally_column_new("q", TALLY_STRING, 0);
    int same = 1;
    for (int i = 0; i < 20 && same; i++) {
        char code[16];
        snprintf(code, sizeof code, "%d", i);
        tally_column_add_string_value_label(c, code, code);
        for (int j = 0; j <= i && same; j++) {
            snprintf(code, sizeof code, "%d", j);
            const char *got = tally_column_string_value_label(c, code);
            same = got && strcmp(got, code) == 0 && !tally_column_value_label(c, j);
        }
    }
    CHECK(same, "1 to 20 text labels: each found after every add, none as a number");
    tally_column_unref(c);
}

int main(void)
{
    check_few();
    CHECK_WATCHDOG(60); /* a watchdog for check_many's size, not a timing: see above */
    check_many();
    alarm(0);
    CHECK_DONE();
}
