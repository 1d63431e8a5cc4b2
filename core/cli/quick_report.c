/* quick_report.c: `tally report` writes a default config for a data file and runs it; `describe` reads files. */
#include "quick_report.h"
#include "cache.h"
#include "codebook.h"
#include "host.h"
#include "plugin_loader.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *tally_codebook_beside(const char *file)
{
    const char *ext = path_ext(file);
    size_t stem = strlen(file) - (*ext ? strlen(ext) + 1 : 0);
    char *cb = xasprintf("%.*s.codebook.lua", (int)stem, file);
    struct stat st;
    if (stat(cb, &st) == 0 && S_ISREG(st.st_mode)) return cb;
    free(cb);
    return NULL;
}

/* The declaration of option `name` of a plugin, or NULL. */
static const tally_option_decl *find_decl(const tally_plugin *pl, const char *name)
{
    for (const tally_option_decl *d = pl->desc.options; d && d->name; d++)
        if (strcmp(d->name, name) == 0) return d;
    return NULL;
}

/* "--set NAME=VALUE" checked against the plugin's declaration of NAME; 0, or -1 after the error. */
static int check_set(const tally_plugin *pl, const char *set, char **name_out)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        fprintf(stderr, "tally: --set '%s': write --set option=value (for example --set encoding=windows-1252)\n", set);
        return -1;
    }
    char *name = xstrndup(set, (size_t)(eq - set));
    const tally_option_decl *d = find_decl(pl, name);
    if (!d || strcmp(name, "path") == 0) {
        size_t n = 0;
        const char *names[64];
        for (const tally_option_decl *x = pl->desc.options; x && x->name && n < 64; x++)
            if (strcmp(x->name, "path") != 0) names[n++] = x->name;
        const char *near = str_closest(name, names, n);
        if (strcmp(name, "path") == 0)
            fprintf(stderr, "tally: --set %s: the data file is named by the command's FILE argument\n", set);
        else if (near)
            fprintf(stderr, "tally: --set %s: the %s input has no option '%s' (did you mean --set %s=...?); "
                            "'tally plugins %s' lists its options\n", set, pl->name, name, near, pl->name);
        else
            fprintf(stderr, "tally: --set %s: the %s input has no option '%s'; 'tally plugins %s' lists its options\n",
                    set, pl->name, name, pl->name);
        free(name);
        return -1;
    }
    /* the value alone, checked against a declaration of its own */
    tally_option_decl one[2] = {*d, {0}};
    one[0].required = 0;
    tally_options *o = tally_options_new("");
    tally_options_set_from_cli(o, name, eq + 1);
    char *err = NULL;
    int rc = tally_options_validate(o, one, "", NULL, &err);
    tally_options_free(o);
    if (rc != 0) {
        const char *msg = err;
        while (*msg == ':' || *msg == ' ') msg++;
        fprintf(stderr, "tally: --set %s: %s\n", set, msg);
        free(err);
        free(name);
        return -1;
    }
    *name_out = name;
    return 0;
}

tally_options *tally_cli_input_options(const tally_plugin *pl, const char *file, char *const *sets, size_t nsets)
{
    tally_options *o = tally_options_new("the command line");
    tally_options_set_cli(o, 1);
    tally_options_set_string(o, "path", file);
    for (size_t i = 0; i < nsets; i++) {
        char *name = NULL;
        if (check_set(pl, sets[i], &name) != 0) {
            tally_options_free(o);
            return NULL;
        }
        const char *value = strchr(sets[i], '=') + 1;
        tally_options_set_from_cli(o, name, value);
        free(name);
    }
    char *err = NULL;
    char *what = xasprintf("input '%s' (plugin %s)", file, pl->name);
    int rc = tally_options_validate(o, pl->desc.options, what, NULL, &err);
    free(what);
    if (rc != 0) {
        fprintf(stderr, "tally: %s\n", err);
        free(err);
        tally_options_free(o);
        return NULL;
    }
    return o;
}

typedef struct file_read {
    const tally_plugin *pl;
    tally_options *o;
    const char *file, *codebook, *language;
} file_read;

/* Reads the file, applies its codebook, compacts; 0 with *out, or an exit code after the error. */
static int read_file_fn(void *arg, tally_dataset **out)
{
    file_read *q = arg;
    char *err = NULL;
    tally_ctx *ctx = tally_ctx_new(q->file);
    tally_ctx_set_language(ctx, q->language);
    tally_dataset *ds = tally_dataset_new("data");
    int code = TALLY_EXIT_OK;
    int rc = q->pl->desc.read(tally_host_get(), ctx, q->o, ds);
    tally_dataset_seal_blocks(ds);
    if (rc != 0 || tally_ctx_error(ctx)) {
        fprintf(stderr, "tally: %s\n", tally_ctx_error(ctx) ? tally_ctx_error(ctx) : "the input plugin failed");
        tally_dataset_free(ds);
        ds = NULL;
        code = TALLY_EXIT_DATA;
    }
    tally_ctx_free(ctx);
    if (ds && !ds->source) {
        const char *base = strrchr(q->file, '/');
        char *src = xasprintf("%s (%s)", base ? base + 1 : q->file, q->pl->name);
        tally_dataset_set_source(ds, src);
        free(src);
    }
    if (ds && q->codebook && tally_codebook_apply(q->codebook, ds, q->language, &err) != 0) {
        fprintf(stderr, "tally: %s\n", err);
        free(err);
        tally_dataset_free(ds);
        ds = NULL;
        code = TALLY_EXIT_CONFIG;
    }
    if (ds) tally_dataset_compact(ds, 2);
    *out = ds;
    return code;
}

tally_dataset *tally_cli_read_file(const char *file, const char *codebook, const char *language,
                                   char *const *sets, size_t nsets, const char *cache_dir, int *code)
{
    tally_plugin_path path;
    tally_plugin_path_init(&path, NULL, 0);
    char *err = NULL;
    tally_dataset *ds = NULL;
    tally_plugin *pl = tally_plugin_for_file(&path, file, TALLY_PLUGIN_INPUT, &err);
    tally_plugin_path_free(&path);
    if (!pl) {
        fprintf(stderr, "tally: %s\n", err);
        free(err);
        *code = TALLY_EXIT_CONFIG;
        return NULL;
    }
    tally_options *o = tally_cli_input_options(pl, file, sets, nsets);
    if (!o) {
        *code = TALLY_EXIT_CONFIG;
        tally_plugin_free(pl);
        return NULL;
    }
    char *cb = codebook ? xstrdup(codebook) : tally_codebook_beside(file);
    file_read q = {pl, o, file, cb, language};
    tally_cache_req req = {cache_dir, 1,  file, pl->name, pl->desc.version, pl->path, o, pl->desc.options, cb,
                           language, NULL};
    tally_cache *cache = cache_dir ? tally_cache_new(&req) : NULL;
    *code = tally_cache_through(cache, "data", file, read_file_fn, &q, &ds);
    if (tally_cache_served(cache) || tally_cache_stored(cache)) tally_log(TALLY_LOG_INFO, NULL, "%s %s the cache %s", tally_cache_served(cache) ? "read" : "stored",
                               tally_cache_served(cache) ? "from" : "in", tally_cache_file(cache));
    tally_cache_free(cache);
    free(cb);
    tally_options_free(o);
    tally_plugin_free(pl);
    return ds;
}

/* A Lua string literal for s. */
static void put_quoted(sbuf *b, const char *s)
{
    sbuf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') sbuf_putc(b, '\\');
        if (*s == '\n') sbuf_puts(b, "\\n");
        else sbuf_putc(b, *s);
    }
    sbuf_putc(b, '"');
}

/* The input options the user set (names in `sets`), as Lua fields: , name = "v" / { "a", "b" }. */
static void put_input_options(sbuf *b, const tally_options *o, char *const *sets, size_t nsets)
{
    const tally_host *h = tally_host_get();
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        size_t n = (size_t)(eq - sets[i]);
        int seen = 0;
        for (size_t k = 0; k < i; k++)
            if (strncmp(sets[k], sets[i], n) == 0 && sets[k][n] == '=') seen = 1;
        if (seen) continue;
        char *name = xstrndup(sets[i], n);
        sbuf_printf(b, ", %s = ", name);
        size_t items = h->opt_list_len(o, name);
        const char *one = h->opt_string(o, name);
        if (items != 1 || !one || strcmp(one, eq + 1) != 0 || strchr(eq + 1, ',')) { /* a list */
            sbuf_puts(b, "{ ");
            for (size_t k = 0; k < items; k++) {
                if (k) sbuf_puts(b, ", ");
                put_quoted(b, h->opt_list_item(o, name, k));
            }
            sbuf_puts(b, " }");
        } else if (h->opt_int(o, name) != 0 && strspn(one, "0123456789") == strlen(one)) {
            sbuf_puts(b, one);
        } else {
            put_quoted(b, one);
        }
        free(name);
    }
}

typedef struct report_input {
    const char *file, *codebook;
    const char *cache;         /* --cache DIR, or NULL */
    const tally_options *opts; /* validated --set options */
    char *const *sets;
    size_t nsets;
} report_input;

static char *make_config(const report_input *in, char **outs, size_t nouts, char **plugins, const char *title,
                         int absolute)
{
    const char *file = in->file;
    sbuf b;
    sbuf_init(&b);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, ".");
    sbuf_puts(&b, "-- The default report of one data file, as `tally report` runs it.\n"
                  "-- Edit it and run it with: tally run THIS-FILE\n");
    sbuf_puts(&b, "report { title = ");
    put_quoted(&b, title);
    sbuf_puts(&b, " }\n\ninput \"data\" { path = ");
    char *p = absolute && file[0] != '/' ? xasprintf("%s/%s", cwd, file) : xstrdup(file);
    put_quoted(&b, p);
    free(p);
    put_input_options(&b, in->opts, in->sets, in->nsets);
    char *cb = in->codebook ? xstrdup(in->codebook) : tally_codebook_beside(file);
    if (cb) { /* a CSV's labels and sets come from its codebook */
        sbuf_puts(&b, ", codebook = ");
        p = absolute && cb[0] != '/' ? xasprintf("%s/%s", cwd, cb) : xstrdup(cb);
        put_quoted(&b, p);
        free(p);
        free(cb);
    }
    if (in->cache) {
        sbuf_puts(&b, ", cache = ");
        p = absolute && in->cache[0] != '/' ? xasprintf("%s/%s", cwd, in->cache) : xstrdup(in->cache);
        put_quoted(&b, p);
        free(p);
    }
    sbuf_puts(&b, " }\n\n-- a frequency table for every categorical variable, every multiple-response set,\n"
                  "-- descriptives for scale variables\nstage \"overview\" { dataset = \"data\" }\n\n");
    for (size_t i = 0; i < nouts; i++) {
        char *id = i == 0 || strcmp(plugins[i], plugins[0]) != 0 ? xstrdup(plugins[i]) : xasprintf("%s_%zu", plugins[i], i + 1);
        for (size_t k = 1; k < i; k++)
            if (strcmp(plugins[k], plugins[i]) == 0) {
                free(id);
                id = xasprintf("%s_%zu", plugins[i], i + 1);
            }
        sbuf_printf(&b, "output \"%s\" { plugin = \"%s\", path = ", id, plugins[i]);
        free(id);
        p = absolute && outs[i][0] != '/' ? xasprintf("%s/%s", cwd, outs[i]) : xstrdup(outs[i]);
        put_quoted(&b, p);
        free(p);
        sbuf_puts(&b, " }\n");
    }
    return sbuf_take(&b);
}

/* The input plugin for `file` and its --set options, checked; 0, or an exit code after the error. */
static int report_input_open(report_input *in, tally_plugin **pl)
{
    tally_plugin_path path;
    tally_plugin_path_init(&path, NULL, 0);
    char *err = NULL;
    *pl = tally_plugin_for_file(&path, in->file, TALLY_PLUGIN_INPUT, &err);
    tally_plugin_path_free(&path);
    if (!*pl) {
        fprintf(stderr, "tally: %s\n", err);
        free(err);
        return TALLY_EXIT_CONFIG;
    }
    in->opts = tally_cli_input_options(*pl, in->file, in->sets, in->nsets);
    return in->opts ? TALLY_EXIT_OK : TALLY_EXIT_CONFIG;
}

/* The output plugins' names for each -o; 0, or an exit code after the error. */
static int output_plugins(char **outs, size_t nouts, char **plugins)
{
    tally_plugin_path path;
    tally_plugin_path_init(&path, NULL, 0);
    int rc = TALLY_EXIT_OK;
    for (size_t i = 0; i < nouts && rc == TALLY_EXIT_OK; i++) {
        char *err = NULL;
        tally_plugin *pl = tally_plugin_for_file(&path, outs[i], TALLY_PLUGIN_OUTPUT, &err);
        if (!pl) {
            fprintf(stderr, "tally: -o %s: %s\n", outs[i], err);
            free(err);
            rc = TALLY_EXIT_CONFIG;
            break;
        }
        plugins[i] = xstrdup(pl->name);
        tally_plugin_free(pl);
    }
    tally_plugin_path_free(&path);
    return rc;
}

int tally_quick_report(int argc, char **argv, int verbosity)
{
    const char *title = NULL;
    int print_config = 0;
    report_input in;
    memset(&in, 0, sizeof in);
    char **outs = xcalloc((size_t)argc + 1, sizeof *outs), **sets = xcalloc((size_t)argc + 1, sizeof *sets);
    size_t nouts = 0, nsets = 0;
    int rc = TALLY_EXIT_OK;
    for (int i = 0; i < argc && rc == TALLY_EXIT_OK; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc) outs[nouts++] = argv[++i];
        else if (strcmp(argv[i], "--title") == 0 && i + 1 < argc) title = argv[++i];
        else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) sets[nsets++] = argv[++i];
        else if (strncmp(argv[i], "--set=", 6) == 0) sets[nsets++] = argv[i] + 6;
        else if (strcmp(argv[i], "--codebook") == 0 && i + 1 < argc) in.codebook = argv[++i];
        else if (strcmp(argv[i], "--print-config") == 0) print_config = 1;
        else if (strcmp(argv[i], "--cache") == 0 && i + 1 < argc) in.cache = argv[++i];
        else if (strcmp(argv[i], "--no-cache") == 0) in.cache = NULL;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "tally: report: unknown option '%s'\nRun 'tally report --help' for usage.\n", argv[i]);
            rc = TALLY_EXIT_CONFIG;
        } else if (!in.file) in.file = argv[i];
        else {
            fprintf(stderr, "tally: report: one data file at a time ('%s' is extra)\n", argv[i]);
            rc = TALLY_EXIT_CONFIG;
        }
    }
    if (rc == TALLY_EXIT_OK && (!in.file || !nouts)) {
        fprintf(stderr, "tally: report needs a data file and at least one -o OUTPUT (report.xlsx, report.md, ...)\n"
                        "Run 'tally report --help' for usage.\n");
        rc = TALLY_EXIT_CONFIG;
    }
    if (rc == TALLY_EXIT_OK && access(in.file, R_OK) != 0) {
        fprintf(stderr, "tally: report: cannot read %s: %s\n", in.file, strerror(errno));
        rc = TALLY_EXIT_DATA;
    }
    if (rc == TALLY_EXIT_OK && in.codebook && access(in.codebook, R_OK) != 0) {
        fprintf(stderr, "tally: report: --codebook %s: cannot read it: %s\n", in.codebook, strerror(errno));
        rc = TALLY_EXIT_DATA;
    }
    in.sets = sets;
    in.nsets = nsets;
    tally_plugin *inplugin = NULL;
    if (rc == TALLY_EXIT_OK) rc = report_input_open(&in, &inplugin);
    char **plugins = xcalloc(nouts + 1, sizeof *plugins);
    if (rc == TALLY_EXIT_OK) rc = output_plugins(outs, nouts, plugins);
    if (rc == TALLY_EXIT_OK) {
        const char *base = strrchr(in.file, '/') ? strrchr(in.file, '/') + 1 : in.file;
        const char *t = title ? title : base;
        char *text = make_config(&in, outs, nouts, plugins, t, !print_config);
        if (print_config) {
            fputs(text, stdout);
        } else { /* run from memory: no temporary file for a message to point at */
            tally_run_opts o;
            memset(&o, 0, sizeof o);
            o.config = "tally report";
            o.config_text = text;
            o.cli_inputs = 1;
            o.outputs_from_cli = 1;
            o.verbose = verbosity >= 2;
            o.progress = verbosity >= 1 && isatty(2);
            rc = tally_run(&o);
        }
        free(text);
    }
    free_strings(plugins, nouts);
    if (in.opts) tally_options_free((tally_options *)in.opts);
    if (inplugin) tally_plugin_free(inplugin);
    free(sets);
    free(outs);
    return rc;
}
