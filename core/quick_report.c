/* quick_report.c: `tally report` writes a default config for a data file and runs it; `describe` reads files. */
#include "quick_report.h"
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

tally_dataset *tally_cli_read_file(const char *file, const char *codebook, const char *language,
                                   char *const *sets, size_t nsets, int *code)
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
    tally_options *o = tally_options_new("");
    tally_options_set_string(o, "path", file);
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i]) {
            fprintf(stderr, "tally: --set '%s': write --set option=value (for example --set encoding=windows-1252)\n",
                    sets[i]);
            *code = TALLY_EXIT_CONFIG;
            tally_options_free(o);
            tally_plugin_free(pl);
            return NULL;
        }
        char *name = xstrndup(sets[i], (size_t)(eq - sets[i]));
        tally_options_set_string(o, name, eq + 1);
        free(name);
    }
    char *what = xasprintf("input '%s'", file);
    if (tally_options_validate(o, pl->desc.options, what, NULL, &err) != 0) {
        fprintf(stderr, "tally: %s\n", err);
        free(err);
        *code = TALLY_EXIT_CONFIG;
        goto out;
    }
    tally_ctx *ctx = tally_ctx_new(file);
    ds = tally_dataset_new("data");
    if (pl->desc.read(tally_host_get(), ctx, o, ds) != 0 || tally_ctx_error(ctx)) {
        fprintf(stderr, "tally: %s\n", tally_ctx_error(ctx) ? tally_ctx_error(ctx) : "the input plugin failed");
        tally_dataset_free(ds);
        ds = NULL;
        *code = TALLY_EXIT_DATA;
    }
    tally_ctx_free(ctx);
    if (ds && !ds->source) {
        const char *base = strrchr(file, '/');
        char *src = xasprintf("%s (%s)", base ? base + 1 : file, pl->name);
        tally_dataset_set_source(ds, src);
        free(src);
    }
    char *cb = codebook ? xstrdup(codebook) : tally_codebook_beside(file);
    if (ds && cb && tally_codebook_apply(cb, ds, language, &err) != 0) {
        fprintf(stderr, "tally: %s\n", err);
        free(err);
        tally_dataset_free(ds);
        ds = NULL;
        *code = TALLY_EXIT_CONFIG;
    }
    free(cb);
    if (ds) tally_dataset_compact(ds, 2);
out:
    free(what);
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

static char *make_config(const char *file, char **outs, size_t nouts, char **plugins, const char *title, int absolute)
{
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
    char *cb = tally_codebook_beside(file);
    if (cb) { /* a CSV's labels and sets come from its codebook */
        sbuf_puts(&b, ", codebook = ");
        p = absolute && cb[0] != '/' ? xasprintf("%s/%s", cwd, cb) : xstrdup(cb);
        put_quoted(&b, p);
        free(p);
        free(cb);
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

int tally_quick_report(int argc, char **argv, int verbosity)
{
    const char *file = NULL, *title = NULL;
    int print_config = 0;
    char **outs = xcalloc((size_t)argc + 1, sizeof *outs);
    size_t nouts = 0;
    for (int i = 0; i < argc; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc) outs[nouts++] = argv[++i];
        else if (strcmp(argv[i], "--title") == 0 && i + 1 < argc) title = argv[++i];
        else if (strcmp(argv[i], "--print-config") == 0) print_config = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "tally: report: unknown option '%s'\nRun 'tally report --help' for usage.\n", argv[i]);
            free(outs);
            return TALLY_EXIT_CONFIG;
        } else if (!file) file = argv[i];
        else {
            fprintf(stderr, "tally: report: one data file at a time ('%s' is extra)\n", argv[i]);
            free(outs);
            return TALLY_EXIT_CONFIG;
        }
    }
    if (!file || !nouts) {
        fprintf(stderr, "tally: report needs a data file and at least one -o OUTPUT (report.xlsx, report.md, ...)\n"
                        "Run 'tally report --help' for usage.\n");
        free(outs);
        return TALLY_EXIT_CONFIG;
    }
    if (access(file, R_OK) != 0) {
        fprintf(stderr, "tally: report: cannot read %s: %s\n", file, strerror(errno));
        free(outs);
        return TALLY_EXIT_DATA;
    }
    tally_plugin_path path;
    tally_plugin_path_init(&path, NULL, 0);
    char **plugins = xcalloc(nouts, sizeof *plugins);
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
    if (rc == TALLY_EXIT_OK) {
        const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        const char *t = title ? title : base;
        if (print_config) {
            char *text = make_config(file, outs, nouts, plugins, t, 0);
            fputs(text, stdout);
            free(text);
        } else {
            char *text = make_config(file, outs, nouts, plugins, t, 1);
            char tmpl[] = "/tmp/tally-report-XXXXXX.lua";
            int fd = mkstemps(tmpl, 4);
            if (fd < 0) {
                perror("tally: cannot create a temporary config");
                rc = TALLY_EXIT_DATA;
            } else {
                FILE *f = fdopen(fd, "w");
                fputs(text, f);
                fclose(f);
                tally_run_opts o;
                memset(&o, 0, sizeof o);
                o.config = tmpl;
                o.verbose = verbosity >= 2;
                o.progress = verbosity >= 1 && isatty(2);
                o.outputs_from_cli = 1;
                rc = tally_run(&o);
                unlink(tmpl);
            }
            free(text);
        }
    }
    for (size_t i = 0; i < nouts; i++) free(plugins[i]);
    free(plugins);
    free(outs);
    return rc;
}
