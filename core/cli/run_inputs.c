/* run_inputs.c: the pipeline's inputs: each read by its plugin, with its codebook and weight, or mapped from its cache. */
#include "run_int.h"
#include "cache.h"
#include "codebook.h"
#include "dataset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int run_check_inputs_exist(run *r)
{
    for (size_t i = 0; i < r->cfg->nblocks; i++) {
        tally_block *b = &r->cfg->blocks[i];
        if (b->kind != TALLY_BLOCK_INPUT) continue;
        const char *p = tally_host_get()->opt_string(b->opts, "path");
        struct stat st;
        if (p && stat(p, &st) != 0)
            return run_fail(r, TALLY_EXIT_DATA, "%s: input '%s': cannot open %s: %s", b->where, b->name, p, strerror(errno));
        if (r->codebooks[i] && stat(r->codebooks[i], &st) != 0)
            return run_fail(r, TALLY_EXIT_DATA, "%s: input '%s': cannot open codebook %s: %s", b->where, b->name,
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
        char *abs = run_absolute(outdir), *parent = path_dirname(abs);
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
        int code = run_fail(r, TALLY_EXIT_DATA, "input '%s' (%s): %s", b->name, b->where,
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
            int code = run_fail(r, TALLY_EXIT_CONFIG, "%s", err);
            free(err);
            tally_dataset_free(ds);
            return code;
        }
    }
    if (r->weights[i]) {
        int col = tally_dataset_find(ds, r->weights[i]);
        if (col < 0 || ds->cols[col]->type != TALLY_NUMERIC) {
            int code = run_fail(r, TALLY_EXIT_CONFIG, "%s: input '%s': weight '%s' is not a numeric variable of the data",
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

/* How a cache that served a read knew the data file unchanged, for the -v line; "" when it
 * did not serve it. */
static const char *served_how(const tally_cache *cache)
{
    if (!tally_cache_served(cache)) return "";
    return tally_cache_stamped(cache) ? " (the data file not hashed again: it has the inode, size and times it had then)"
                                      : " (the data file hashed: the same content)";
}

/* Input block i from its cache when the cache holds it, else read (and cached). */
static int load_input(run *r, size_t i, tally_dataset **out)
{
    /* tally check reads the dictionary alone: no cache (keying it would read the whole file), none stored */
    tally_cache *cache = r->o->check_only ? NULL : input_cache(r, i);
    input_read q = {r, i};
    int code = tally_cache_through(cache, r->cfg->blocks[i].name, r->cfg->blocks[i].name, read_one_fn, &q, out);
    if (code == TALLY_EXIT_OK && (tally_cache_served(cache) || tally_cache_stored(cache)))
        run_step(r, "%s input '%s' %s the cache %s%s", tally_cache_served(cache) ? "read" : "stored",
             r->cfg->blocks[i].name, tally_cache_served(cache) ? "from" : "in", tally_cache_file(cache),
             served_how(cache));
    tally_cache_free(cache);
    return code;
}

int run_read_inputs(run *r)
{
    sbuf sources;
    sbuf_init(&sources);
    for (size_t i = 0; i < r->cfg->nblocks; i++) {
        tally_block *b = &r->cfg->blocks[i];
        if (b->kind != TALLY_BLOCK_INPUT) continue;
        run_step(r, "reading input '%s'", b->name);
        tally_dataset *ds = NULL;
        int code = load_input(r, i, &ds);
        if (code != TALLY_EXIT_OK) {
            sbuf_free(&sources);
            return code;
        }
        sbuf_printf(&sources, "%s%s", sources.len ? "; " : "", ds->source ? ds->source : b->name);
        run_step(r, "read input '%s': %zu rows, %zu variables", b->name, ds->nrows, ds->ncols);
        tally_runtime_add_dataset(r->rt, b->name, ds);
    }
    if (!tally_report_meta(r->report, "source") && sources.len) tally_report_set_meta(r->report, "source", sources.data);
    sbuf_free(&sources);
    return TALLY_EXIT_OK;
}
