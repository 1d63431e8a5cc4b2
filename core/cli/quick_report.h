/* quick_report.h: `tally report FILE -o OUT`: a default report without a config, and reading one file. */
#ifndef TALLY_QUICK_REPORT_H
#define TALLY_QUICK_REPORT_H

#include "dataset.h"

/* Reads `file` through the input plugin its ending selects, with the plugin
 * options `sets` ("name=value"), then applies `codebook` (or FILE's
 * NAME.codebook.lua when present); from and into the column cache in folder
 * `cache_dir` when it is not NULL (cache.h). Returns a new dataset,
 * or NULL after printing the error, with the exit code in *code. */
tally_dataset *tally_cli_read_file(const char *file, const char *codebook, const char *language,
                                   char *const *sets, size_t nsets, const char *cache_dir, int *code);

/* Options for input plugin `pl` reading `file` from --set NAME=VALUE arguments: a list
 * option takes comma-separated items and repeated --set adds to it; marked as given
 * on the command line. Returns new validated options (free with tally_options_free),
 * or NULL after printing the error, spelled as --set. */
struct tally_plugin;
tally_options *tally_cli_input_options(const struct tally_plugin *pl, const char *file, char *const *sets,
                                       size_t nsets);

/* The codebook found beside a data file (NAME.codebook.lua), as a new string, or NULL. */
char *tally_codebook_beside(const char *file);

/* Runs `tally report` with its arguments (after the command word). */
int tally_quick_report(int argc, char **argv, int verbosity);

#endif
