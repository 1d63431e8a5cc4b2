/* run_int.h: the state of one `tally run` or `tally check` and the helpers its steps share (core/cli only). */
#ifndef TALLY_RUN_INT_H
#define TALLY_RUN_INT_H

#include "config.h"
#include "host.h"
#include "lua_runtime.h"
#include "outputs.h"
#include "plugin_loader.h"
#include "result.h"
#include "runner.h"
#include "util.h"

#include <time.h>

/* The pipeline's steps, a file each: the config and its checks (runner.c), the inputs
 * (run_inputs.c), the stages (run_stages.c) and the outputs (run_outputs.c). The run owns
 * everything it points to but `o`; runner.c's free_run frees it all. */
typedef struct run {
    const tally_run_opts *o;
    tally_report *report;
    tally_runtime *rt;
    tally_config *cfg;
    tally_plugin_path path;
    tally_plugin **plugins;  /* per block: its plugin (inputs and outputs), else NULL */
    char **scripts;          /* per block: stage script path */
    char **codebooks;        /* per block: codebook path for inputs */
    char **weights;          /* per block: weight variable for inputs */
    char **caches;           /* per block: an input's cache option as written ("false", "true", a folder) */
    char **given;            /* per block: an output's path as the config or -o wrote it */
    size_t *out_index;       /* per block: its destination in `outs` (outputs only) */
    tally_ctx **out_ctx;     /* per block: the output's call context, kept for its deferred appends */
    tally_outputs outs;      /* every destination, its temporary file, the folder locks */
    tally_runtime **workers; /* runtimes of the threads that run stages beside the main one (nworkers) */
    size_t nworkers;
    struct timespec t0;
} run;

/* A step's line: shown with -v (with the time since the run began), or as the progress line. */
void run_step(const run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same line kept in `into`, to be shown later (-v only: a progress line is not kept). */
void run_step_into(const run *r, sbuf *into, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Clears the progress line, when one is shown. */
void run_end_progress(const run *r);
/* Shows "tally: MESSAGE" and returns code (a TALLY_EXIT_ value). */
int run_fail(const run *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Absolute form of a folder, without requiring it to exist (a new string). */
char *run_absolute(const char *p);

/* TALLY_EXIT_OK when every input's data file and codebook can be opened, else a failure's code. */
int run_check_inputs_exist(run *r);
/* Reads every input block (from its cache when it holds it) into the runtime. */
int run_read_inputs(run *r);
/* Runs the stage blocks in config order (run_stages.c). */
int run_stages(run *r);
/* Writes every output to its temporary file, then renames them all into place. */
int run_write_outputs(run *r);

#endif
