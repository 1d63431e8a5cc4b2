/* plugin_harness.h: shared by the input plugins' unit tests: load a plugin's .so, read a file with "name=value" options, capture its warnings. */
#ifndef TALLY_TEST_PLUGIN_HARNESS_H
#define TALLY_TEST_PLUGIN_HARNESS_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "host.h"
#include "util.h"

/* The descriptor of the plugin at `so_path`; prints "not ok" and exits when it cannot be loaded.
 * Callers keep the result (the library stays loaded). */
static const tally_plugin_descriptor *harness_plugin(const char *so_path)
{
    void *h = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("not ok - cannot load %s: %s\n", so_path, dlerror());
        exit(1);
    }
    tally_plugin_entry_fn entry = (tally_plugin_entry_fn)dlsym(h, TALLY_PLUGIN_ENTRY_NAME);
    const tally_plugin_descriptor *desc = entry ? entry() : NULL;
    if (!desc) {
        printf("not ok - %s has no entry point\n", so_path);
        exit(1);
    }
    return desc;
}

/* The descriptor of plugin `name` from $BUILD/plugins/NAME.so (BUILD defaults to "build"), or from
 * the file environment variable `so_env` names when that is set (NULL: no such override). */
static const tally_plugin_descriptor *harness_build_plugin(const char *name, const char *so_env)
{
    const char *build = getenv("BUILD"), *so = so_env ? getenv(so_env) : NULL;
    char *path = so && *so ? xasprintf("%s", so)
                           : xasprintf("%s/plugins/%s.so", build && *build ? build : "build", name);
    const tally_plugin_descriptor *desc = harness_plugin(path);
    free(path);
    return desc;
}

/* Options from "name=value" strings ("name[]=value" appends to a list), NULL-terminated,
 * plus path=`path`. The caller frees the result. */
static tally_options *harness_options(const char *path, const char *const *opts)
{
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
    return o;
}

/* Reads `path` through plugin `d` (named `plugin_name` in messages) with options as for
 * harness_options. What the plugin logs to stderr lands in `warnings` (NUL-terminated).
 * Returns a new dataset, or NULL with the error in *err (the caller frees it). */
static tally_dataset *harness_read(const tally_plugin_descriptor *d, const char *plugin_name, const char *path,
                                   const char *const *opts, char **err, char *warnings, size_t warnings_size)
{
    tally_options *o = harness_options(path, opts);
    *err = NULL;
    char *where = xasprintf("input '%s'", plugin_name);
    int valid = tally_options_validate(o, d->options, where, NULL, err) == 0;
    free(where);
    if (!valid) {
        tally_options_free(o);
        return NULL;
    }
    tally_dataset *ds = tally_dataset_new("responses");
    tally_ctx *ctx = tally_ctx_new(plugin_name);
    fflush(stderr);
    FILE *cap = tmpfile();
    int saved = dup(2);
    dup2(fileno(cap), 2);
    int rc = d->read(tally_host_get(), ctx, o, ds);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(cap);
    size_t n = fread(warnings, 1, warnings_size - 1, cap);
    warnings[n] = '\0';
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

#endif
