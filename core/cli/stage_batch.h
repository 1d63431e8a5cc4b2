/* stage_batch.h: runs independent stages side by side, each into its own report and messages, joined in config order. */
#ifndef TALLY_STAGE_BATCH_H
#define TALLY_STAGE_BATCH_H

#include <stddef.h>
#include "config.h"
#include "lua_runtime.h"
#include "result.h"
#include "util.h"

/*
 * A batch is a run of consecutive stages that only read datasets and only add
 * their own tables and values (the runner decides which: stage_parallel_ok in
 * run_stages.c). Every stage runs in a Lua state of its own with its budgets and
 * watchdog slot as when run alone, writes into a report of its own and keeps
 * its messages; the runner then shows the messages and joins the reports in
 * config order, so the report and the messages are those of the stages run
 * one after another, whatever thread ran which stage and in what order.
 */

typedef struct tally_stage_job {
    const tally_block *b;
    const char *script;
    tally_report *report;  /* the stage's results (owned; meta copied from the run's report) */
    sbuf log;              /* its messages, as stderr would have shown them */
    tally_stage_status st;
    char *err;             /* its failure, as tally_runtime_run_stage gave it (owned) */
} tally_stage_job;

/* Prepares job j for block b (script borrowed), its report taking the meta of `like`. */
void tally_stage_job_init(tally_stage_job *j, const tally_block *b, const char *script, const tally_report *like);
void tally_stage_job_free(tally_stage_job *j);

/* Runs the n jobs on `nrt` runtimes (rts[0] is the run's own runtime, used on the calling
 * thread; the others workers of it, one per further thread), each job's stage options
 * already taken into every worker (tally_runtime_take_options). */
void tally_stage_batch_run(tally_runtime **rts, size_t nrt, const tally_config *cfg, tally_stage_job *jobs, size_t n);

/* Adds job j's tables, values and checks to `into`, in the order the stage made them;
 * a table whose id an earlier table took is renamed with the warning report.add gives. */
void tally_stage_job_merge(tally_stage_job *j, tally_report *into);

#endif
