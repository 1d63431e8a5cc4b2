/* diff.h: `tally diff OLD.json NEW.json`, which figures of a report's JSON moved between two runs. */
#ifndef TALLY_DIFF_H
#define TALLY_DIFF_H

#include <stdio.h>

/* Thresholds: a figure counts as moved when |new - old| > abs AND |new - old| > rel * |old|
 * (rel as a fraction: 0.01 for 1%). Both 0: any difference counts. */
typedef struct tally_diff_opts {
    double abs;
    double rel;
} tally_diff_opts;

/* Compares two JSON report files. Writes the plain-text listing to `text` and, when `md` is not
 * NULL, the Markdown form to it. Returns 0 when nothing moved beyond the thresholds, 3 when
 * something did, 1 when a file cannot be read or is not a tally JSON report (message on stderr,
 * naming the file and the place). */
int tally_diff_files(const char *old_path, const char *new_path, const tally_diff_opts *o, FILE *text, FILE *md);

/* The command line: tally diff OLD NEW [--abs X] [--rel Y%] [-o FILE.md]. */
int tally_diff_main(int argc, char **argv);

#endif
