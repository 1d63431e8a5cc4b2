/* run_stages.c: the pipeline's stages in config order, those that only read side by side in batches. */
#include "run_int.h"
#include "dataset.h"
#include "parallel.h"
#include "stage_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when `script` comes from a folder of the config's stage_path (the user's own stage). */
static int user_stage(const run *r, const char *script)
{
    for (size_t k = 0; k < r->cfg->nstage_dirs; k++) {
        size_t n = strlen(r->cfg->stage_dirs[k]);
        if (strncmp(script, r->cfg->stage_dirs[k], n) == 0) return 1;
    }
    return 0;
}

/* An error of one of tally's own stages, as a user should read it: the message
 * without the stage script's position and without the Lua traceback (both are
 * tally's internals; -v shows them). Edits err in place. */
static void tidy_stage_error(char *err, const char *script)
{
    char *tb = strstr(err, "\nstack traceback:");
    if (tb) *tb = '\0';
    size_t n = strlen(script);
    char *at = strstr(err, script);
    if (at && at[n] == ':') {
        char *p = at + n + 1;
        while (*p >= '0' && *p <= '9') p++;
        if (*p == ':') {
            p++;
            if (*p == ' ') p++;
            memmove(at, p, strlen(p) + 1);
        }
    }
}

/* The end of stage i's run: 0, or an exit code after its error was shown (st, err from
 * tally_runtime_run_stage; err is freed). The fault point "stage" fails a stage that succeeded. */
static int stage_outcome(run *r, size_t i, tally_stage_status st, char *err)
{
    tally_block *b = &r->cfg->blocks[i];
    if (st == TALLY_STAGE_OK && tally_fault("stage")) {
        st = TALLY_STAGE_ERROR;
        err = xasprintf("stage '%s' (%s): fault injected", b->name, b->where);
    }
    if (st == TALLY_STAGE_ERROR && r->o->check_only) { /* check: only the config is judged, not the data */
        free(err);
        return TALLY_EXIT_OK;
    }
    if (st != TALLY_STAGE_OK) {
        if (!r->o->verbose && r->scripts[i] && !user_stage(r, r->scripts[i])) tidy_stage_error(err, r->scripts[i]);
        int code = run_fail(r, st == TALLY_STAGE_CONFIG_ERROR ? TALLY_EXIT_CONFIG : TALLY_EXIT_DATA, "%s", err);
        free(err);
        return code;
    }
    tally_fault_pause("stage");
    return TALLY_EXIT_OK;
}

/* tally's own stages that only read datasets and only add their own tables and values:
 * they may run beside each other. Any other stage (one that changes data, reads
 * earlier results such as assert, or a user's script) runs alone, between batches. */
static const char *const parallel_stages[] = {"frequencies", "multiresponse", "likert", "descriptives", "crosstab",
                                              "banner", "tabbook", "ranking", "timeline", "margins", NULL};

/* 1 when stage block i only reads datasets: one of parallel_stages from tally's own folder. */
static int stage_reads_only(run *r, size_t i)
{
    tally_block *b = &r->cfg->blocks[i];
    if (b->kind != TALLY_BLOCK_STAGE || !r->scripts[i] || user_stage(r, r->scripts[i])) return 0;
    int known = 0;
    for (size_t k = 0; parallel_stages[k] && !known; k++) known = strcmp(b->name, parallel_stages[k]) == 0;
    return known;
}

/* 1 when stage block i may run in a batch: it only reads, its options copied into every worker's state. */
static int stage_parallel_ok(run *r, size_t i)
{
    int known = stage_reads_only(r, i);
    for (size_t w = 0; known && w < r->nworkers; w++)
        if (tally_runtime_take_options(r->workers[w], r->cfg, &r->cfg->blocks[i]) != 0) known = 0;
    return known;
}

/* Stages that only read leave each dataset's cells as they are, so what one counts the
 * next may take from a memo: every dataset is frozen (freeze = 1) before a run of such
 * stages and thawed (0) before any other stage and after the last (tally_dataset_freeze). */
static void freeze_datasets(run *r, int freeze)
{
    size_t kept = 0;
    for (size_t d = 0; d < tally_runtime_ndatasets(r->rt); d++) {
        tally_dataset *ds = tally_runtime_dataset_at(r->rt, d);
        if (freeze) {
            tally_dataset_freeze(ds);
            continue;
        }
        if (ds->frozen) kept += tally_mapping_memo_count(ds->frozen);
        tally_dataset_thaw(ds);
    }
    if (kept && r->o->verbose) run_step(r, "stages that only read kept %zu counts for each other", kept);
}

/* Runs the stage blocks among blocks [from, to) side by side, then shows their
 * messages and joins their results in config order; the first failure in config
 * order ends the run, as it would have one stage after another. */
static int run_batch(run *r, size_t from, size_t to)
{
    tally_stage_job *jobs = xcalloc(to - from, sizeof *jobs);
    size_t *block = xcalloc(to - from, sizeof *block), n = 0;
    for (size_t i = from; i < to; i++) {
        if (r->cfg->blocks[i].kind != TALLY_BLOCK_STAGE) continue;
        run_step(r, "running stage '%s'", r->cfg->blocks[i].name);
        tally_stage_job_init(&jobs[n], &r->cfg->blocks[i], r->scripts[i], r->report);
        block[n++] = i;
    }
    run_step(r, "%zu stages side by side on %zu threads", n, r->nworkers + 1);
    tally_runtime *rts[TALLY_PAR_MAX_PARTS] = {r->rt};
    for (size_t w = 0; w < r->nworkers; w++) rts[w + 1] = r->workers[w];
    tally_stage_batch_run(rts, r->nworkers + 1, r->cfg, jobs, n); /* over frozen datasets (run_stage_blocks) */
    int code = TALLY_EXIT_OK;
    for (size_t k = 0; k < n; k++) {
        if (code == TALLY_EXIT_OK) {
            fputs(jobs[k].log.data ? jobs[k].log.data : "", stderr);
            code = stage_outcome(r, block[k], jobs[k].st, jobs[k].err);
            jobs[k].err = NULL;
            if (code == TALLY_EXIT_OK) tally_stage_job_merge(&jobs[k], r->report);
        }
        tally_stage_job_free(&jobs[k]);
    }
    free(jobs);
    free(block);
    return code;
}

/* The worker runtimes of the stage threads (TALLY_STAGE_THREADS, parallel.h); none for tally check. */
static void start_workers(run *r)
{
    size_t threads = r->o->check_only ? 1 : tally_par_task_threads();
    r->workers = xcalloc(threads, sizeof *r->workers);
    for (size_t w = 0; w + 1 < threads; w++) {
        tally_runtime *rt = tally_runtime_new_worker(r->rt);
        if (!rt) break; /* out of memory: fewer threads, the same results */
        r->workers[r->nworkers++] = rt;
    }
}

/* The stage blocks in config order: consecutive stages that may run side by side as a
 * batch, each other one alone. Datasets are frozen while stages that only read run
 * (*frozen says whether they are now), and thawed before any other stage. */
static int run_stage_blocks(run *r, int *frozen)
{
    for (size_t i = 0; i < r->cfg->nblocks;) {
        tally_block *b = &r->cfg->blocks[i];
        if (b->kind != TALLY_BLOCK_STAGE) {
            i++;
            continue;
        }
        int reads_only = stage_reads_only(r, i);
        if (reads_only != *frozen) freeze_datasets(r, *frozen = reads_only);
        size_t end = i, nstages = 0; /* a batch: consecutive stages that may run side by side */
        while (r->nworkers && end < r->cfg->nblocks &&
               (r->cfg->blocks[end].kind != TALLY_BLOCK_STAGE || stage_parallel_ok(r, end))) {
            nstages += r->cfg->blocks[end].kind == TALLY_BLOCK_STAGE;
            end++;
        }
        if (nstages > 1) {
            int code = run_batch(r, i, end);
            if (code != TALLY_EXIT_OK) return code;
            i = end;
            continue;
        }
        run_step(r, "running stage '%s'", b->name);
        char *err = NULL;
        tally_stage_status st = tally_runtime_run_stage(r->rt, r->cfg, b, r->scripts[i], &err);
        int code = stage_outcome(r, i, st, err);
        if (code != TALLY_EXIT_OK) return code;
        i++;
    }
    return TALLY_EXIT_OK;
}

int run_stages(run *r)
{
    if (!r->workers) start_workers(r);
    int frozen = 0;
    int code = run_stage_blocks(r, &frozen);
    if (frozen) freeze_datasets(r, 0);
    return code;
}
