/* runner.h: the pipeline: load the config, read inputs, run stages, write outputs atomically. */
#ifndef TALLY_RUNNER_H
#define TALLY_RUNNER_H

#include <stddef.h>

/* Exit codes of every command. */
enum {
    TALLY_EXIT_OK = 0,
    TALLY_EXIT_DATA = 1,   /* data or runtime error */
    TALLY_EXIT_CONFIG = 2, /* usage or config error */
    TALLY_EXIT_CHECKS = 3  /* the report's own checks (assert stages) failed */
};

typedef struct tally_run_opts {
    const char *config;     /* path of the config file (with config_text: the name messages give it) */
    const char *config_text; /* the config itself, held in memory (`tally report`), or NULL */
    int cli_inputs;         /* the inputs' options came from the command line: messages spell them --set */
    char *const *sets;      /* "key=value" overrides */
    size_t nsets;
    const char *outdir;     /* --outdir, or NULL */
    int check_only;         /* tally check: load and validate, run nothing */
    int verbose;            /* -v: each step's time */
    int progress;           /* a progress line on stderr (only when it is a terminal) */
    int no_cache;           /* --no-cache: no input is read from or written to a cache */
    int outputs_from_cli;   /* tally report: messages name outputs as "-o PATH", the input as the data file */
} tally_run_opts;

/* Runs (or checks) a config; prints errors on stderr; returns an exit code. */
int tally_run(const tally_run_opts *o);

#endif
