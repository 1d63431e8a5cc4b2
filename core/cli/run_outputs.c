/* run_outputs.c: the pipeline's outputs, each to a temporary file (side by side when tally's own), renamed together. */
#include "run_int.h"
#include "dataset.h"
#include "parallel.h"
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One output written beside the others: what it would have printed, held until the
 * outputs before it in the config have shown theirs, and how it ended. */
typedef struct out_job {
    run *r;
    size_t block;
    size_t first; /* the first job of its plugin: a plugin's outputs are written one after another */
    sbuf log;     /* its -v step and its plugin's messages */
    char *why;    /* its failure as run_fail() shows it, or NULL */
} out_job;

typedef struct out_jobs {
    out_job *v;
    size_t n;
    size_t *firsts; /* per task: the first job of one plugin */
} out_jobs;

/* Output block i's temporary file, made before any output is written (the fault point
 * "write:NAME" holds the run there); TALLY_EXIT_OK or a failure's exit code. */
static int start_one(run *r, size_t i)
{
    tally_block *b = &r->cfg->blocks[i];
    char *err = NULL;
    if (tally_outputs_temp(&r->outs, r->out_index[i], &err) != 0) {
        int code = run_fail(r, TALLY_EXIT_DATA, "%s", err);
        free(err);
        return code;
    }
    if (!r->o->verbose) run_step(r, "writing output '%s' to %s", b->name, r->outs.files[r->out_index[i]].final);
    char *pause = xasprintf("write:%s", b->name);
    tally_fault_pause(pause);
    free(pause);
    return TALLY_EXIT_OK;
}

/* Writes j's output to its temporary file, its messages into its log. */
static void write_one(out_job *j)
{
    run *r = j->r;
    size_t i = j->block;
    tally_block *b = &r->cfg->blocks[i];
    tally_outfile *f = &r->outs.files[r->out_index[i]];
    tally_log_divert(&j->log);
    run_step_into(r, &j->log, "writing output '%s' to %s", b->name, f->final);
    tally_ctx *ctx = r->out_ctx[i] = tally_ctx_new(b->name);
    int rc = r->plugins[i]->desc.write(tally_host_get(), ctx, b->opts, r->report, f->handle);
    char *fault_point = xasprintf("output:%s", b->name);
    if (rc == 0 && (tally_fault(fault_point) || tally_fault("output")))
        tally_ctx_set_error(ctx, "fault injected while writing output '%s'", b->name);
    free(fault_point);
    struct stat st; /* the temporary file exists from the start: an empty one means nothing was written */
    if (rc == 0 && !tally_ctx_error(ctx) && (stat(f->tmp, &st) != 0 || st.st_size == 0))
        tally_ctx_set_error(ctx, "the plugin reported success but wrote no file");
    if (rc != 0 || tally_ctx_error(ctx)) {
        /* the user knows the destination, not our temporary names for it */
        char *named = str_replace(tally_ctx_error(ctx) ? tally_ctx_error(ctx) : "the output plugin failed without a message",
                                  f->handle, f->shown);
        char *msg = str_replace(named, f->tmp, f->shown);
        free(named);
        j->why = r->o->outputs_from_cli ? xasprintf("%s: %s", f->who, msg)
                                        : xasprintf("output '%s' (%s): %s", b->name, b->where, msg);
        free(msg);
    }
    tally_log_divert(NULL);
}

/* tally's own output plugins: each keeps its state per call, so that it may write beside
 * another of them. A plugin from elsewhere was not written for that (it may use libc's
 * shared buffers, as gmtime() is, while libxlsxwriter does): with one, outputs are
 * written one after another. */
static const char *const parallel_outputs[] = {"markdown", "html", "json", "xlsx", NULL};

/* 1 when output block i's plugin is one of parallel_outputs, found in tally's own folder
 * (not in one of plugin_path or $TALLY_PLUGIN_PATH, where a plugin may take its name). */
static int output_parallel_ok(const run *r, size_t i)
{
    const tally_plugin *pl = r->plugins[i];
    int ok = 0;
    for (size_t k = 0; parallel_outputs[k] && !ok; k++) ok = strcmp(pl->name, parallel_outputs[k]) == 0;
    return ok && pl->own;
}

/* Task t: the outputs of one plugin, in config order. */
static void write_plugin_outputs(void *arg, size_t t, size_t worker)
{
    (void)worker;
    out_jobs *o = arg;
    for (size_t k = o->firsts[t]; k < o->n; k++)
        if (o->v[k].first == o->firsts[t]) write_one(&o->v[k]);
}

/* Writes every output block: when all are tally's own, the outputs of different plugins
 * side by side on the task threads (parallel.h) and those of one plugin one after another
 * (a plugin's own state and its libraries' set-ups, such as cmark-gfm's extension registry
 * or the gmtime() buffer libxlsxwriter dates a workbook with, are not made for two calls at
 * once); each to its own temporary file, its messages shown afterwards in config order, as
 * one after another would show them; the first failure in config order ends the run
 * (free_run removes the temporary files). "output:NAME" holds the run once NAME is shown. */
static int write_all(run *r)
{
    out_jobs o = {xcalloc(r->cfg->nblocks + 1, sizeof *o.v), 0, xcalloc(r->cfg->nblocks + 1, sizeof *o.firsts)};
    out_job *jobs = o.v;
    size_t n = 0, ntasks = 0, threads = tally_par_task_threads();
    int code = TALLY_EXIT_OK;
    size_t foreign = (size_t)-1; /* the first output whose plugin is not one of tally's own */
    for (size_t i = 0; i < r->cfg->nblocks && code == TALLY_EXIT_OK; i++) {
        if (r->cfg->blocks[i].kind != TALLY_BLOCK_OUTPUT || (code = start_one(r, i)) != TALLY_EXIT_OK) continue;
        if (!output_parallel_ok(r, i) && foreign == (size_t)-1) foreign = i;
        size_t first = 0;
        while (first < n && strcmp(r->plugins[jobs[first].block]->name, r->plugins[i]->name) != 0) first++;
        if (first == n) o.firsts[ntasks++] = n;
        jobs[n] = (out_job){r, i, first, {0}, NULL};
        sbuf_init(&jobs[n++].log);
    }
    o.n = n;
    if (foreign != (size_t)-1) threads = 1;
    if (code == TALLY_EXIT_OK && ntasks > 1 && foreign != (size_t)-1)
        run_step(r, "outputs one after another: output '%s' uses a plugin from outside tally's folder",
             r->cfg->blocks[foreign].name);
    else if (code == TALLY_EXIT_OK && ntasks > 1 && threads > 1)
        run_step(r, "%zu outputs side by side on %zu threads", n, threads < ntasks ? threads : ntasks);
    if (code == TALLY_EXIT_OK && threads > 1) tally_par_tasks(ntasks, threads, write_plugin_outputs, &o);
    else /* one thread: in config order, as before outputs could go side by side */
        for (size_t k = 0; k < n && code == TALLY_EXIT_OK; k++) write_one(&jobs[k]);
    for (size_t k = 0; k < n; k++) {
        if (code == TALLY_EXIT_OK) {
            fputs(jobs[k].log.data ? jobs[k].log.data : "", stderr);
            if (jobs[k].why) code = run_fail(r, TALLY_EXIT_DATA, "%s", jobs[k].why);
        }
        if (code == TALLY_EXIT_OK) {
            char *pause = xasprintf("output:%s", r->cfg->blocks[jobs[k].block].name);
            tally_fault_pause(pause);
            free(pause);
        }
        sbuf_free(&jobs[k].log);
        free(jobs[k].why);
    }
    free(jobs);
    free(o.firsts);
    return code;
}

/* Every output goes to a temporary file beside its destination, under a lock
 * on each destination folder; only when all of them succeeded are they
 * renamed, so a failed run leaves the last good report in place, and two runs
 * into one folder never mix. Deferred appends ($GITHUB_STEP_SUMMARY) come last. */
int run_write_outputs(run *r)
{
    for (size_t i = 0; i < tally_runtime_ndatasets(r->rt); i++) {
        tally_dataset *ds = tally_runtime_dataset_at(r->rt, i);
        if (ds) tally_report_add_dataset(r->report, ds);
    }
    if (tally_host_get()->opt_bool(r->cfg->report, "moe_note")) /* report { moe_note = true } */
        tally_report_moe_note(r->report, tally_report_meta(r->report, "language"));
    char *err = NULL;
    if (tally_outputs_begin(&r->outs, &err) != 0) {
        int code = run_fail(r, TALLY_EXIT_DATA, "%s", err);
        free(err);
        return code;
    }
    int written = write_all(r);
    if (written != TALLY_EXIT_OK) return written; /* free_run removes the temporary files */
    tally_fault_pause("rename");
    if (tally_fault("rename")) return run_fail(r, TALLY_EXIT_DATA, "fault injected before the outputs were renamed");
    if (tally_outputs_commit(&r->outs, &err) != 0) {
        int code = run_fail(r, TALLY_EXIT_DATA, "%s", err);
        free(err);
        return code;
    }
    for (size_t i = 0; i < r->outs.n; i++) run_step(r, "wrote %s", r->outs.files[i].final);
    for (size_t i = 0; i < r->cfg->nblocks; i++) {
        if (!r->out_ctx[i] || tally_ctx_flush_appends(r->out_ctx[i], &err) == 0) continue;
        int code = run_fail(r, TALLY_EXIT_DATA, "output '%s' (%s): %s", r->cfg->blocks[i].name, r->cfg->blocks[i].where, err);
        free(err);
        return code;
    }
    return TALLY_EXIT_OK;
}
