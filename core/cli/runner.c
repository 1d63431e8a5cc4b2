/* runner.c: the pipeline: config, plugins, inputs, stages, then outputs written to temporary files and renamed. */
#include "run_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

void run_step(const run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstep(r, NULL, fmt, ap);
    va_end(ap);
}

void run_step_into(const run *r, sbuf *into, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstep(r, into, fmt, ap);
    va_end(ap);
}

void run_end_progress(const run *r)
{
    if (r->o->progress && !r->o->verbose) fputs("\r\033[K", stderr);
}

int run_fail(const run *r, int code, const char *fmt, ...)
{
    run_end_progress(r);
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "tally: %s\n", msg);
    free(msg);
    return code;
}

char *run_absolute(const char *p)
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
    char *outabs = outdir ? run_absolute(outdir) : NULL;
    for (size_t i = 0; i < c->nblocks; i++) {
        tally_block *b = &c->blocks[i];
        char *err = NULL;
        if (b->kind == TALLY_BLOCK_STAGE) {
            r->scripts[i] = tally_runtime_find_stage(c, b, &err);
            if (!r->scripts[i] || tally_runtime_compile_stage(r->rt, r->scripts[i], &err) != 0 ||
                tally_runtime_check_stage_options(c, b, &err) != 0) {
                int code = run_fail(r, TALLY_EXIT_CONFIG, "%s", err);
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
                    return run_fail(r, TALLY_EXIT_CONFIG, "%s: input '%s' needs path = \"...\" (and plugin = \"...\" "
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
                int code = outabs ? run_fail(r, TALLY_EXIT_CONFIG, "%s: output '%s': path '%s' leaves the output folder %s; "
                                         "write a path inside it", b->where, b->name, p, outdir)
                                  : run_fail(r, TALLY_EXIT_CONFIG, "%s: output '%s': path '%s' leaves the config's folder; "
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
            int code = run_fail(r, TALLY_EXIT_CONFIG, "%s: %s", b->where, err);
            free(err);
            free(outabs);
            return code;
        }
        char *what = xasprintf("%s '%s' (plugin %s)", b->kind == TALLY_BLOCK_INPUT ? "input" : "output", b->name,
                               r->plugins[i]->name);
        int rc = tally_options_validate(b->opts, r->plugins[i]->desc.options, what, b->dir, &err);
        free(what);
        if (rc != 0) {
            int code = run_fail(r, TALLY_EXIT_CONFIG, "%s", err);
            free(err);
            free(outabs);
            return code;
        }
        if (b->kind == TALLY_BLOCK_OUTPUT) {
            const char *p = tally_host_get()->opt_string(b->opts, "path");
            if (!p) {
                free(outabs);
                return run_fail(r, TALLY_EXIT_CONFIG, "%s: output '%s' has no path", b->where, b->name);
            }
            add_destination(r, i, p);
        }
    }
    free(outabs);
    guard_sources(r);
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
        return run_fail(&r, TALLY_EXIT_DATA, "cannot create the Lua state (out of memory)");
    }
    char *err = NULL;
    run_step(&r, "loading config %s", o->config);
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
        int code = run_fail(&r, TALLY_EXIT_CONFIG, "%s", err);
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
    if (code == TALLY_EXIT_OK) code = run_check_inputs_exist(&r);
    if (code == TALLY_EXIT_OK && tally_outputs_check(&r.outs, &err) != 0) {
        code = run_fail(&r, TALLY_EXIT_CONFIG, "%s", err);
        free(err);
    }
    if (code == TALLY_EXIT_OK && o->check_only) {
        /* the stages' options, and the variables they name against the inputs' dictionaries */
        code = run_read_inputs(&r);
        tally_runtime_set_check_only(r.rt, 1);
        if (code == TALLY_EXIT_OK) code = run_stages(&r);
    }
    if (code == TALLY_EXIT_OK && o->check_only) {
        run_end_progress(&r);
        fprintf(stderr, "tally: %s is valid (%zu blocks)\n", o->config, r.cfg->nblocks);
        free_run(&r);
        return TALLY_EXIT_OK;
    }
    if (code == TALLY_EXIT_OK && !o->check_only) code = run_read_inputs(&r);
    if (code == TALLY_EXIT_OK && !o->check_only) code = run_stages(&r);
    if (code == TALLY_EXIT_OK) code = run_write_outputs(&r);
    if (code == TALLY_EXIT_OK && r.report->failed_checks) {
        run_end_progress(&r);
        fprintf(stderr, "tally: %d of %zu report checks failed:\n", r.report->failed_checks, r.report->nchecks);
        for (size_t i = 0; i < r.report->nchecks; i++)
            if (strncmp(r.report->check_messages[i], "FAIL", 4) == 0) fprintf(stderr, "  %s\n", r.report->check_messages[i]);
        code = TALLY_EXIT_CHECKS;
    }
    run_end_progress(&r);
    if (o->verbose) fprintf(stderr, "tally: [%8.3f s] done\n", elapsed(&r));
    free_run(&r);
    return code;
}
