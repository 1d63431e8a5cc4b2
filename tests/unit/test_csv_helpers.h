/* test_csv_helpers.h: shared helpers of the csv plugin's unit tests: load the plugin, read a file, capture warnings. */
#ifndef TALLY_TEST_CSV_HELPERS_H
#define TALLY_TEST_CSV_HELPERS_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "host.h"
#include "util.h"

/* The csv plugin's descriptor from $BUILD/plugins/csv.so, or from $TALLY_TEST_CSV_SO (a build
 * with tiny steps, tests/e2e/csv_small_steps.sh); exits when it cannot be loaded. */
static const tally_plugin_descriptor *csv_plugin(void)
{
    static const tally_plugin_descriptor *desc;
    if (desc) return desc;
    const char *build = getenv("BUILD"), *so = getenv("TALLY_TEST_CSV_SO");
    char *path = so && *so ? xasprintf("%s", so) : xasprintf("%s/plugins/csv.so", build && *build ? build : "build");
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("not ok - cannot load %s: %s\n", path, dlerror());
        exit(1);
    }
    free(path);
    tally_plugin_entry_fn entry = (tally_plugin_entry_fn)dlsym(h, TALLY_PLUGIN_ENTRY_NAME);
    desc = entry ? entry() : NULL;
    if (!desc) {
        printf("not ok - csv.so has no entry point\n");
        exit(1);
    }
    return desc;
}

/* Warnings the last csv_load logged (stderr captured). */
static char csv_warnings[8192];

/* Reads `path` with options given as "name=value" ("name[]=value" appends to a
 * list); NULL-terminated. Returns a new dataset, or NULL with the error in *err. */
static tally_dataset *csv_load_v(const char *path, const char *const *opts, char **err)
{
    const tally_plugin_descriptor *d = csv_plugin();
    tally_options *o = tally_options_new("test.lua:1");
    tally_options_set_string(o, "path", path);
    for (size_t i = 0; opts && opts[i]; i++) {
        const char *eq = strchr(opts[i], '=');
        char *name = xstrndup(opts[i], (size_t)(eq - opts[i]));
        size_t nl = strlen(name);
        if (nl > 2 && strcmp(name + nl - 2, "[]") == 0) {
            name[nl - 2] = '\0';
            tally_options_add_list_item(o, name, eq + 1);
        } else {
            tally_options_set_string(o, name, eq + 1);
        }
        free(name);
    }
    *err = NULL;
    if (tally_options_validate(o, d->options, "input 'csv'", NULL, err) != 0) {
        tally_options_free(o);
        return NULL;
    }
    tally_dataset *ds = tally_dataset_new("responses");
    tally_ctx *ctx = tally_ctx_new("csv");
    fflush(stderr);
    FILE *cap = tmpfile();
    int saved = dup(2);
    dup2(fileno(cap), 2);
    int rc = d->read(tally_host_get(), ctx, o, ds);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(cap);
    size_t n = fread(csv_warnings, 1, sizeof csv_warnings - 1, cap);
    csv_warnings[n] = '\0';
    fclose(cap);
    if (rc != 0) {
        *err = xstrdup(tally_ctx_error(ctx) ? tally_ctx_error(ctx) : "(no message)");
        tally_dataset_free(ds);
        ds = NULL;
    }
    tally_ctx_free(ctx);
    tally_options_free(o);
    return ds;
}

#define csv_load(path, err, ...) csv_load_v((path), (const char *const[]){__VA_ARGS__, NULL}, (err))

/* Writes `len` bytes to a new temporary file; returns its path (caller frees and unlinks). */
static char *csv_tmpfile(const char *data, size_t len)
{
    char *path = xstrdup("/tmp/tally-csv-test.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        printf("not ok - cannot write a temporary file\n");
        exit(1);
    }
    close(fd);
    return path;
}

static inline const char *cell_str(const tally_dataset *ds, const char *col, size_t row)
{
    int c = tally_dataset_find(ds, col);
    return c < 0 ? "(no column)" : tally_column_string(ds->cols[c], row);
}

static inline double cell_num(const tally_dataset *ds, const char *col, size_t row)
{
    int c = tally_dataset_find(ds, col);
    return c < 0 || ds->cols[c]->type != TALLY_NUMERIC || row >= ds->nrows ? -999999 : tally_col_num(ds->cols[c], row);
}

static inline int col_type(const tally_dataset *ds, const char *col)
{
    int c = tally_dataset_find(ds, col);
    return c < 0 ? 0 : (int)ds->cols[c]->type;
}

#endif
