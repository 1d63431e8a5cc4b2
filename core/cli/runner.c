/* runner.c: the pipeline: config, plugins, inputs, stages, then outputs written to temporary files and renamed. */
#include "runner.h"
#include "cache.h"
#include "codebook.h"
#include "config.h"
#include "dataset.h"
#include "host.h"
#include "lua_runtime.h"
#include "outputs.h"
#include "plugin_loader.h"
#include "parallel.h"
#include "result.h"
#include "stage_batch.h"
#include "stats.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

static double elapsed(const run *r)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

/* A step's line: printed (-v, or the progress line), or with `into` kept there to be
 * shown later (-v only: a progress line is not kept). */
static void vstep(const run *r, sbuf *into, const char *fmt, va_list ap)
{
    if (!r->o->verbose && (!r->o->progress || into)) return;
    char *msg = xvasprintf(fmt, ap);
    if (r->o->verbose && into) sbuf_printf(into, "tally: [%8.3f s] %s\n", elapsed(r), msg);
    else if (r->o->verbose) fprintf(stderr, "tally: [%8.3f s] %s\n", elapsed(r), msg);
    else fprintf(stderr, "\r\033[K%s", msg); /* a progress line, overwritten in place */
    free(msg);
}

static void step(const run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(const run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstep(r, NULL, fmt, ap);
    va_end(ap);
}

static void step_into(const run *r, sbuf *into, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void step_into(const run *r, sbuf *into, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstep(r, into, fmt, ap);
    va_end(ap);
}

static void end_progress(const run *r)
{
    if (r->o->progress && !r->o->verbose) fputs("\r\033[K", stderr);
}

static int fail(const run *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(const run *r, int code, const char *fmt, ...)
{
    end_progress(r);
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "tally: %s\n", msg);
    free(msg);
    return code;
}

/* Absolute form of a folder, without requiring it to exist. */
static char *absolute(const char *p)
{
    if (p[0] == '/') return xstrdup(p);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return xstrdup(p);
    return xasprintf("%s/%s", cwd, p);
}

static int has_dotdot(const char *p)
{
    for (const char *s = p; (s = strstr(s, "..")) != NULL; s += 2)
        if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/')) return 1;
    return 0;
}

static void set_report_meta(run *r)
{
    static const char *const keys[] = {"title", "subtitle", "author", "subject", "language", "source", "date"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = tally_config_report(r->cfg, keys[i]);
        if (v) tally_report_set_meta(r->report, keys[i], v);
    }
    if (!tally_report_meta(r->report, "language")) tally_report_set_meta(r->report, "language", "en");
    if (!tally_report_meta(r->report, "title")) tally_report_set_meta(r->report, "title", "Report");
    if (!tally_report_meta(r->report, "date")) {
        /* SOURCE_DATE_EPOCH makes the date, like every other part of the output, reproducible */
        const char *sde = getenv("SOURCE_DATE_EPOCH");
        time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        char buf[32];
        strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        tally_report_set_meta(r->report, "date", buf);
    }
}

/* Removes a host-level key from a block's options, returning its string value. */
static char *take_option(tally_block *b, const char *key)
{
    const char *v = tally_host_get()->opt_string(b->opts, key);
    char *copy = v ? xstrdup(v) : NULL;
    tally_options_remove(b->opts, key);
    return copy;
}

/* Registers output block i's destination `final` (resolved) for the checks before writing. */
static void add_destination(run *r, size_t i, const char *final)
{
    tally_block *b = &r->cfg->blocks[i];
    char *shown = r->o->outputs_from_cli ? tally_path_shown(r->given[i] ? r->given[i] : final)
                                         : xstrdup(r->given[i] ? r->given[i] : final);
    char *who = r->o->outputs_from_cli ? xasprintf("-o %s", shown) : xasprintf("%s: output '%s'", b->where, b->name);
    char *ref = r->o->outputs_from_cli ? xasprintf("-o %s", shown) : xasprintf("output '%s' (%s)", b->name, b->where);
    r->out_index[i] = tally_outputs_add(&r->outs, final, shown, who, ref);
    free(shown);
    free(who);
    free(ref);
}

/* The files no output may replace: the config, the inputs, their codebooks, stage scripts, templates. */
static void guard_sources(run *r)
{
    const tally_host *h = tally_host_get();
    tally_outputs_guard(&r->outs, r->o->config, "the config file");
    for (size_t i = 0; i < r->cfg->nblocks; i++) {
        tally_block *b = &r->cfg->blocks[i];
        char *what = NULL;
        if (b->kind == TALLY_BLOCK_INPUT) {
            what = r->o->outputs_from_cli ? xstrdup("the data file") : xasprintf("input '%s' (%s)", b->name, b->where);
            tally_outputs_guard(&r->outs, h->opt_string(b->opts, "path"), what);
            free(what);
            what = r->o->outputs_from_cli ? xstrdup("the data file's codebook")
                                          : xasprintf("the codebook of input '%s' (%s)", b->name, b->where);
            tally_outputs_guard(&r->outs, r->codebooks[i], what);
        } else if (b->kind == TALLY_BLOCK_STAGE) {
            what = xasprintf("the script of stage '%s' (%s)", b->name, b->where);
            tally_outputs_guard(&r->outs, r->scripts[i], what);
        } else {
            what = xasprintf("the template of output '%s' (%s)", b->name, b->where);
            tally_outputs_guard(&r->outs, h->opt_string(b->opts, "template"), what);
        }
        free(what);
    }
}

/* Starts loading the plugins the config names (an input's by its file's ending, the
 * plugin tally_plugin_for_file asks first) on a thread, while prepare compiles stages. */
static tally_plugin_preload *preload_plugins(run *r)
{
    const char **names = xcalloc(r->cfg->nblocks + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < r->cfg->nblocks; i++) {
        tally_block *b = &r->cfg->blocks[i];
        const char *path = tally_host_get()->opt_string(b->opts, "path");
        if (b->kind == TALLY_BLOCK_OUTPUT || (b->kind == TALLY_BLOCK_INPUT && b->plugin))
            names[n++] = b->plugin;
        else if (b->kind == TALLY_BLOCK_INPUT && path)
            names[n++] = path_ext(path);
    }
    tally_plugin_preload *pl = tally_plugin_preload_start(&r->path, names, n);
    free(names);
    return pl;
}

/* Loads plugins and validates every block before anything runs. */
static int prepare(run *r)
{
    tally_config *c = r->cfg;
    const char *outdir = r->o->outdir ? r->o->outdir : tally_config_report(c, "outdir");
    char *outabs = outdir ? absolute(outdir) : NULL;
    for (size_t i = 0; i < c->nblocks; i++) {
        tally_block *b = &c->blocks[i];
        char *err = NULL;
        if (b->kind == TALLY_BLOCK_STAGE) {
            r->scripts[i] = tally_runtime_find_stage(c, b, &err);
            if (!r->scripts[i] || tally_runtime_compile_stage(r->rt, r->scripts[i], &err) != 0 ||
                tally_runtime_check_stage_options(c, b, &err) != 0) {
                int code = fail(r, TALLY_EXIT_CONFIG, "%s", err);
                free(err);
                free(outabs);
                return code;
            }
            continue;
        }
        if (b->kind == TALLY_BLOCK_INPUT) {
            r->codebooks[i] = take_option(b, "codebook");
            r->weights[i] = take_option(b, "weight");
            r->caches[i] = take_option(b, "cache");
            if (r->codebooks[i] && r->codebooks[i][0] != '/') {
                char *p = path_join(b->dir, r->codebooks[i]);
                free(r->codebooks[i]);
                r->codebooks[i] = p;
            }
            if (b->plugin) {
                r->plugins[i] = tally_plugin_load(&r->path, b->plugin, TALLY_PLUGIN_INPUT, &err);
            } else {
                const char *p = tally_host_get()->opt_string(b->opts, "path");
                if (!p) {
                    free(outabs);
                    return fail(r, TALLY_EXIT_CONFIG, "%s: input '%s' needs path = \"...\" (and plugin = \"...\" "
                                "when the file ending does not tell)", b->where, b->name);
                }
                r->plugins[i] = tally_plugin_for_file(&r->path, p, TALLY_PLUGIN_INPUT, &err);
            }
        } else {
            const char *p = tally_host_get()->opt_string(b->opts, "path");
            free(r->given[i]);
            r->given[i] = p ? xstrdup(p) : NULL;
            if (p && p[0] != '/' && has_dotdot(p)) {
                /* outputs stay inside the output folder (outdir, else the config's folder) */
                int code = outabs ? fail(r, TALLY_EXIT_CONFIG, "%s: output '%s': path '%s' leaves the output folder %s; "
                                         "write a path inside it", b->where, b->name, p, outdir)
                                  : fail(r, TALLY_EXIT_CONFIG, "%s: output '%s': path '%s' leaves the config's folder; "
                                         "write a path inside it, or set report { outdir = \"...\" }",
                                         b->where, b->name, p);
                free(outabs);
                return code;
            }
            if (p && outabs && p[0] != '/') {
                char *joined = path_join(outabs, p);
                tally_options_set_string(b->opts, "path", joined);
                free(joined);
            }
            r->plugins[i] = tally_plugin_load(&r->path, b->plugin, TALLY_PLUGIN_OUTPUT, &err);
        }
        if (!r->plugins[i]) {
            int code = fail(r, TALLY_EXIT_CONFIG, "%s: %s", b->where, err);
            free(err);
            free(outabs);
            return code;
        }
        char *what = xasprintf("%s '%s' (plugin %s)", b->kind == TALLY_BLOCK_INPUT ? "input" : "output", b->name,
                               r->plugins[i]->name);
        int rc = tally_options_validate(b->opts, r->plugins[i]->desc.options, what, b->dir, &err);
        free(what);
        if (rc != 0) {
            int code = fail(r, TALLY_EXIT_CONFIG, "%s", err);
            free(err);
            free(outabs);
            return code;
        }
        if (b->kind == TALLY_BLOCK_OUTPUT) {
            const char *p = tally_host_get()->opt_string(b->opts, "path");
            if (!p) {
                free(outabs);
                return fail(r, TALLY_EXIT_CONFIG, "%s: output '%s' has no path", b->where, b->name);
            }
            add_destination(r, i, p);
        }
    }
    free(outabs);
    guard_sources(r);
    return TALLY_EXIT_OK;
}

static int check_inputs_exist(run *r)
{
    for (size_t i = 0; i < r->cfg->nblocks; i++) {
        tally_block *b = &r->cfg->blocks[i];
        if (b->kind != TALLY_BLOCK_INPUT) continue;
        const char *p = tally_host_get()->opt_string(b->opts, "path");
        struct stat st;
        if (p && stat(p, &st) != 0)
            return fail(r, TALLY_EXIT_DATA, "%s: input '%s': cannot open %s: %s", b->where, b->name, p, strerror(errno));
        if (r->codebooks[i] && stat(r->codebooks[i], &st) != 0)
            return fail(r, TALLY_EXIT_DATA, "%s: input '%s': cannot open codebook %s: %s", b->where, b->name,
                        r->codebooks[i], strerror(errno));
    }
    return TALLY_EXIT_OK;
}

/* The cache of input block i (cache.h), or NULL: off (cache = false, --no-cache), a
 * `tally report` without a folder, or an input too small for the default folder. */
static tally_cache *input_cache(run *r, size_t i)
{
    tally_block *b = &r->cfg->blocks[i];
    const char *opt = r->caches[i], *outdir = r->o->outdir ? r->o->outdir : tally_config_report(r->cfg, "outdir");
    if (r->o->no_cache || (opt && strcmp(opt, "false") == 0)) return NULL;
    int chosen = opt && strcmp(opt, "true") != 0;
    if (!chosen && r->o->config_text) return NULL;
    char *dir;
    if (chosen) dir = opt[0] == '/' ? xstrdup(opt) : path_join(b->dir, opt);
    else if (outdir) { /* beside the output folder: cleaning the reports keeps the cache */
        char *abs = absolute(outdir), *parent = path_dirname(abs);
        dir = path_join(parent, ".tally-cache");
        free(abs);
        free(parent);
    } else dir = path_join(r->cfg->dir, ".tally-cache");
    tally_cache_req q = {dir, opt != NULL, tally_host_get()->opt_string(b->opts, "path"), r->plugins[i]->name,
                         r->plugins[i]->desc.version, r->plugins[i]->path, b->opts, r->plugins[i]->desc.options,
                         r->codebooks[i],
                         tally_report_meta(r->report, "language"), r->weights[i]};
    tally_cache *c = q.input ? tally_cache_new(&q) : NULL;
    free(dir);
    return c;
}

/* Reads input block i with its codebook and weight, compacted; TALLY_EXIT_OK or a failure's code. */
static int read_one(run *r, size_t i, tally_dataset **out)
{
    const tally_host *h = tally_host_get();
    tally_block *b = &r->cfg->blocks[i];
    tally_ctx *ctx = tally_ctx_new(b->name);
    tally_ctx_set_dictionary_only(ctx, r->o->check_only); /* check needs the variables, not the rows */
    tally_ctx_set_language(ctx, tally_report_meta(r->report, "language"));
    tally_dataset *ds = tally_dataset_new(b->name);
    const char *path = h->opt_string(b->opts, "path");
    int rc = r->plugins[i]->desc.read(h, ctx, b->opts, ds);
    tally_dataset_seal_blocks(ds);
    if (rc == 0 && tally_fault("input")) tally_ctx_set_error(ctx, "fault injected after reading input '%s'", b->name);
    if (rc != 0 || tally_ctx_error(ctx)) {
        int code = fail(r, TALLY_EXIT_DATA, "input '%s' (%s): %s", b->name, b->where,
                        tally_ctx_error(ctx) ? tally_ctx_error(ctx) : "the input plugin failed without a message");
        tally_ctx_free(ctx);
        tally_dataset_free(ds);
        return code;
    }
    tally_ctx_free(ctx);
    if (!ds->source && path) {
        const char *base = strrchr(path, '/');
        char *src = xasprintf("%s (%s)", base ? base + 1 : path, r->plugins[i]->name);
        tally_dataset_set_source(ds, src);
        free(src);
    }
    if (r->codebooks[i]) {
        char *err = NULL;
        if (tally_codebook_apply(r->codebooks[i], ds, tally_report_meta(r->report, "language"), &err) != 0) {
            int code = fail(r, TALLY_EXIT_CONFIG, "%s", err);
            free(err);
            tally_dataset_free(ds);
            return code;
        }
    }
    if (r->weights[i]) {
        int col = tally_dataset_find(ds, r->weights[i]);
        if (col < 0 || ds->cols[col]->type != TALLY_NUMERIC) {
            int code = fail(r, TALLY_EXIT_CONFIG, "%s: input '%s': weight '%s' is not a numeric variable of the data",
                            b->where, b->name, r->weights[i]);
            tally_dataset_free(ds);
            return code;
        }
        tally_dataset_set_weight(ds, col);
    }
    tally_dataset_compact(ds, 2); /* categorical columns to one byte a cell */
    *out = ds;
    return TALLY_EXIT_OK;
}

typedef struct input_read {
    run *r;
    size_t i;
} input_read;

static int read_one_fn(void *arg, tally_dataset **out)
{
    input_read *q = arg;
    return read_one(q->r, q->i, out);
}

/* Input block i from its cache when the cache holds it, else read (and cached). */
static int load_input(run *r, size_t i, tally_dataset **out)
{
    /* tally check reads the dictionary alone: no cache (keying it would read the whole file), none stored */
    tally_cache *cache = r->o->check_only ? NULL : input_cache(r, i);
    input_read q = {r, i};
    int code = tally_cache_through(cache, r->cfg->blocks[i].name, r->cfg->blocks[i].name, read_one_fn, &q, out);
    if (code == TALLY_EXIT_OK && (tally_cache_served(cache) || tally_cache_stored(cache)))
        step(r, "%s input '%s' %s the cache %s", tally_cache_served(cache) ? "read" : "stored",
             r->cfg->blocks[i].name, tally_cache_served(cache) ? "from" : "in", tally_cache_file(cache));
    tally_cache_free(cache);
    return code;
}

static int read_inputs(run *r)
{
    sbuf sources;
    sbuf_init(&sources);
    for (size_t i = 0; i < r->cfg->nblocks; i++) {
        tally_block *b = &r->cfg->blocks[i];
        if (b->kind != TALLY_BLOCK_INPUT) continue;
        step(r, "reading input '%s'", b->name);
        tally_dataset *ds = NULL;
        int code = load_input(r, i, &ds);
        if (code != TALLY_EXIT_OK) {
            sbuf_free(&sources);
            return code;
        }
        sbuf_printf(&sources, "%s%s", sources.len ? "; " : "", ds->source ? ds->source : b->name);
        step(r, "read input '%s': %zu rows, %zu variables", b->name, ds->nrows, ds->ncols);
        tally_runtime_add_dataset(r->rt, b->name, ds);
    }
    if (!tally_report_meta(r->report, "source") && sources.len) tally_report_set_meta(r->report, "source", sources.data);
    sbuf_free(&sources);
    return TALLY_EXIT_OK;
}

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
        int code = fail(r, st == TALLY_STAGE_CONFIG_ERROR ? TALLY_EXIT_CONFIG : TALLY_EXIT_DATA, "%s", err);
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
    if (kept && r->o->verbose) step(r, "stages that only read kept %zu counts for each other", kept);
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
        step(r, "running stage '%s'", r->cfg->blocks[i].name);
        tally_stage_job_init(&jobs[n], &r->cfg->blocks[i], r->scripts[i], r->report);
        block[n++] = i;
    }
    step(r, "%zu stages side by side on %zu threads", n, r->nworkers + 1);
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
        step(r, "running stage '%s'", b->name);
        char *err = NULL;
        tally_stage_status st = tally_runtime_run_stage(r->rt, r->cfg, b, r->scripts[i], &err);
        int code = stage_outcome(r, i, st, err);
        if (code != TALLY_EXIT_OK) return code;
        i++;
    }
    return TALLY_EXIT_OK;
}

static int run_stages(run *r)
{
    if (!r->workers) start_workers(r);
    int frozen = 0;
    int code = run_stage_blocks(r, &frozen);
    if (frozen) freeze_datasets(r, 0);
    return code;
}

/* One output written beside the others: what it would have printed, held until the
 * outputs before it in the config have shown theirs, and how it ended. */
typedef struct out_job {
    run *r;
    size_t block;
    size_t first; /* the first job of its plugin: a plugin's outputs are written one after another */
    sbuf log;     /* its -v step and its plugin's messages */
    char *why;    /* its failure as fail() shows it, or NULL */
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
        int code = fail(r, TALLY_EXIT_DATA, "%s", err);
        free(err);
        return code;
    }
    if (!r->o->verbose) step(r, "writing output '%s' to %s", b->name, r->outs.files[r->out_index[i]].final);
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
    step_into(r, &j->log, "writing output '%s' to %s", b->name, f->final);
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
        step(r, "outputs one after another: output '%s' uses a plugin from outside tally's folder",
             r->cfg->blocks[foreign].name);
    else if (code == TALLY_EXIT_OK && ntasks > 1 && threads > 1)
        step(r, "%zu outputs side by side on %zu threads", n, threads < ntasks ? threads : ntasks);
    if (code == TALLY_EXIT_OK && threads > 1) tally_par_tasks(ntasks, threads, write_plugin_outputs, &o);
    else /* one thread: in config order, as before outputs could go side by side */
        for (size_t k = 0; k < n && code == TALLY_EXIT_OK; k++) write_one(&jobs[k]);
    for (size_t k = 0; k < n; k++) {
        if (code == TALLY_EXIT_OK) {
            fputs(jobs[k].log.data ? jobs[k].log.data : "", stderr);
            if (jobs[k].why) code = fail(r, TALLY_EXIT_DATA, "%s", jobs[k].why);
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
static int write_outputs(run *r)
{
    for (size_t i = 0; i < tally_runtime_ndatasets(r->rt); i++) {
        tally_dataset *ds = tally_runtime_dataset_at(r->rt, i);
        if (ds) tally_report_add_dataset(r->report, ds);
    }
    if (tally_host_get()->opt_bool(r->cfg->report, "moe_note")) /* report { moe_note = true } */
        tally_report_moe_note(r->report, tally_report_meta(r->report, "language"));
    char *err = NULL;
    if (tally_outputs_begin(&r->outs, &err) != 0) {
        int code = fail(r, TALLY_EXIT_DATA, "%s", err);
        free(err);
        return code;
    }
    int written = write_all(r);
    if (written != TALLY_EXIT_OK) return written; /* free_run removes the temporary files */
    tally_fault_pause("rename");
    if (tally_fault("rename")) return fail(r, TALLY_EXIT_DATA, "fault injected before the outputs were renamed");
    if (tally_outputs_commit(&r->outs, &err) != 0) {
        int code = fail(r, TALLY_EXIT_DATA, "%s", err);
        free(err);
        return code;
    }
    for (size_t i = 0; i < r->outs.n; i++) step(r, "wrote %s", r->outs.files[i].final);
    for (size_t i = 0; i < r->cfg->nblocks; i++) {
        if (!r->out_ctx[i] || tally_ctx_flush_appends(r->out_ctx[i], &err) == 0) continue;
        int code = fail(r, TALLY_EXIT_DATA, "output '%s' (%s): %s", r->cfg->blocks[i].name, r->cfg->blocks[i].where, err);
        free(err);
        return code;
    }
    return TALLY_EXIT_OK;
}

static void free_run(run *r)
{
    size_t n = r->cfg ? r->cfg->nblocks : 0;
    for (size_t i = 0; i < n; i++) {
        tally_plugin_free(r->plugins[i]);
        free(r->scripts[i]);
        free(r->codebooks[i]);
        free(r->weights[i]);
        free(r->caches[i]);
        free(r->given[i]);
        tally_ctx_free(r->out_ctx[i]);
    }
    free(r->plugins);
    free(r->scripts);
    free(r->codebooks);
    free(r->weights);
    free(r->caches);
    free(r->given);
    free(r->out_index);
    free(r->out_ctx);
    for (size_t w = 0; w < r->nworkers; w++) tally_runtime_free(r->workers[w]); /* they borrow the datasets */
    free(r->workers);
    tally_outputs_free(&r->outs); /* removes temporary files left by a failure, releases the locks */
    tally_config_free(r->cfg);
    tally_runtime_free(r->rt); /* after the config: block table refs live in its state */
    tally_report_free(r->report);
    tally_plugin_path_free(&r->path);
}

int tally_run(const tally_run_opts *o)
{
    run r;
    memset(&r, 0, sizeof r);
    r.o = o;
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    r.report = tally_report_new();
    r.rt = tally_runtime_new(r.report);
    if (!r.rt) {
        tally_report_free(r.report);
        return fail(&r, TALLY_EXIT_DATA, "cannot create the Lua state (out of memory)");
    }
    char *err = NULL;
    step(&r, "loading config %s", o->config);
    r.cfg = o->config_text ? tally_config_load_text(tally_runtime_state(r.rt), o->config, o->config_text, o->sets,
                                                    o->nsets, &err)
                           : tally_config_load(tally_runtime_state(r.rt), o->config, o->sets, o->nsets, &err);
    for (size_t i = 0; r.cfg && o->config_text && i < r.cfg->nblocks; i++) {
        tally_block *b = &r.cfg->blocks[i]; /* no file to point at: messages name the command */
        free(b->where);
        b->where = xstrdup(o->config);
        if (b->kind == TALLY_BLOCK_INPUT && o->cli_inputs) tally_options_set_cli(b->opts, 1);
    }
    if (!r.cfg) {
        int code = fail(&r, TALLY_EXIT_CONFIG, "%s", err);
        free(err);
        free_run(&r);
        return code;
    }
    size_t n = r.cfg->nblocks ? r.cfg->nblocks : 1;
    r.plugins = xcalloc(n, sizeof *r.plugins);
    r.scripts = xcalloc(n, sizeof *r.scripts);
    r.codebooks = xcalloc(n, sizeof *r.codebooks);
    r.weights = xcalloc(n, sizeof *r.weights);
    r.caches = xcalloc(n, sizeof *r.caches);
    r.given = xcalloc(n, sizeof *r.given);
    r.out_index = xcalloc(n, sizeof *r.out_index);
    r.out_ctx = xcalloc(n, sizeof *r.out_ctx);
    tally_plugin_path_init(&r.path, (const char *const *)r.cfg->plugin_dirs, r.cfg->nplugin_dirs);
    set_report_meta(&r);

    tally_plugin_preload *preload = preload_plugins(&r);
    int code = prepare(&r);
    tally_plugin_preload_free(preload);
    if (code == TALLY_EXIT_OK) code = check_inputs_exist(&r);
    if (code == TALLY_EXIT_OK && tally_outputs_check(&r.outs, &err) != 0) {
        code = fail(&r, TALLY_EXIT_CONFIG, "%s", err);
        free(err);
    }
    if (code == TALLY_EXIT_OK && o->check_only) {
        /* the stages' options, and the variables they name against the inputs' dictionaries */
        code = read_inputs(&r);
        tally_runtime_set_check_only(r.rt, 1);
        if (code == TALLY_EXIT_OK) code = run_stages(&r);
    }
    if (code == TALLY_EXIT_OK && o->check_only) {
        end_progress(&r);
        fprintf(stderr, "tally: %s is valid (%zu blocks)\n", o->config, r.cfg->nblocks);
        free_run(&r);
        return TALLY_EXIT_OK;
    }
    if (code == TALLY_EXIT_OK && !o->check_only) code = read_inputs(&r);
    if (code == TALLY_EXIT_OK && !o->check_only) code = run_stages(&r);
    if (code == TALLY_EXIT_OK) code = write_outputs(&r);
    if (code == TALLY_EXIT_OK && r.report->failed_checks) {
        end_progress(&r);
        fprintf(stderr, "tally: %d of %zu report checks failed:\n", r.report->failed_checks, r.report->nchecks);
        for (size_t i = 0; i < r.report->nchecks; i++)
            if (strncmp(r.report->check_messages[i], "FAIL", 4) == 0) fprintf(stderr, "  %s\n", r.report->check_messages[i]);
        code = TALLY_EXIT_CHECKS;
    }
    end_progress(&r);
    if (o->verbose) fprintf(stderr, "tally: [%8.3f s] done\n", elapsed(&r));
    free_run(&r);
    return code;
}
