/* stage_batch.c: runs independent stages side by side, each into its own report and messages, joined in config order (see stage_batch.h). */
#include "stage_batch.h"
#include "host.h"
#include "parallel.h"

#include <stdlib.h>
#include <string.h>

void tally_stage_job_init(tally_stage_job *j, const tally_block *b, const char *script, const tally_report *like)
{
    memset(j, 0, sizeof *j);
    j->b = b;
    j->script = script;
    j->report = tally_report_new();
    j->report->keep_ids = 1; /* made unique, with report.add's warning, in tally_stage_job_merge */
    for (size_t i = 0; i < like->nmeta; i++) tally_report_set_meta(j->report, like->meta[i].key, like->meta[i].value);
    sbuf_init(&j->log);
}

void tally_stage_job_free(tally_stage_job *j)
{
    tally_report_free(j->report);
    sbuf_free(&j->log);
    free(j->err);
    memset(j, 0, sizeof *j);
}

typedef struct batch {
    tally_runtime **rts;
    const tally_config *cfg;
    tally_stage_job *jobs;
} batch;

/* Task `t` on worker w: the stage runs in that worker's runtime, into its own report and log. */
static void run_job(void *arg, size_t t, size_t w)
{
    batch *bt = arg;
    tally_stage_job *j = &bt->jobs[t];
    tally_runtime *rt = bt->rts[w];
    tally_report *old = tally_runtime_swap_report(rt, j->report);
    tally_log_divert(&j->log);
    j->st = tally_runtime_run_stage(rt, bt->cfg, j->b, j->script, &j->err);
    tally_log_divert(NULL);
    tally_runtime_swap_report(rt, old);
}

void tally_stage_batch_run(tally_runtime **rts, size_t nrt, const tally_config *cfg, tally_stage_job *jobs, size_t n)
{
    batch bt = {rts, cfg, jobs};
    tally_par_tasks(n, nrt, run_job, &bt);
}

void tally_stage_job_merge(tally_stage_job *j, tally_report *into)
{
    tally_report *from = j->report;
    for (size_t i = 0; i < from->ntables; i++) {
        tally_table *t = from->tables[i];
        char *wanted = xstrdup(t->id);
        tally_report_add_table(into, t);
        if (strcmp(wanted, t->id) != 0) /* the text of report.add's warning (lua_report.c) */
            tally_log(TALLY_LOG_WARN, "report", "table id '%s' is taken by an earlier table; this one (\"%s\") is "
                      "'%s'; give its stage table_id = \"...\"", wanted, t->title, t->id);
        free(wanted);
    }
    for (size_t i = 0; i < from->nvalues; i++) {
        const tally_named_value *v = &from->values[i];
        if (v->is_number) tally_report_set_value(into, v->name, v->number, v->kind, v->text);
        else tally_report_set_text(into, v->name, v->text);
    }
    for (size_t i = 0; i < from->nchecks; i++) {
        const char *m = from->check_messages[i];
        tally_report_add_check(into, strncmp(m, "PASS ", 5) == 0, m + 5);
    }
}
