/* test_plugin_loader.c: dlopen, ABI checks (major, newer minor, short descriptor), search path, listing, loading ahead. */
#include "check.h"
#include "dataset.h"
#include "host.h"
#include "plugin_loader.h"
#include "util.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

/* Loads test plugin NAME from dir, which must be refused; returns the refusal (caller frees). */
static char *refused(const char *dir, const char *name, const char *what)
{
    char *file = xasprintf("%s/%s.so", dir, name), *err = NULL;
    tally_plugin *pl = tally_plugin_load_file(file, &err);
    CHECK(pl == NULL, "%s", what);
    tally_plugin_free(pl);
    free(file);
    return err;
}

int main(void)
{
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char *testdir = xasprintf("%s/tests/plugins", build);
    char *plugdir = xasprintf("%s/plugins", build);
    char *err = NULL;

    err = refused(testdir, "badabi", "a plugin of another ABI major is refused");
    char *want = xasprintf("%s/badabi.so: plugin 'badabi' was built for tally plugin ABI %d.0, but this tally provides "
                           "ABI %d.%d; rebuild the plugin against this tally's tally/plugin.h",
                           testdir, TALLY_ABI_MAJOR + 1, TALLY_ABI_MAJOR, TALLY_ABI_MINOR);
    CHECK_STR(err, want, "the refusal names both versions");
    free(want);
    free(err);

    err = refused(testdir, "newminor", "a plugin of a newer ABI minor is refused");
    want = xasprintf("ABI %d.%d, but this tally provides ABI %d.%d", TALLY_ABI_MAJOR, TALLY_ABI_MINOR + 1,
                     TALLY_ABI_MAJOR, TALLY_ABI_MINOR);
    CHECK_CONTAINS(err, want, "the refusal names both minors");
    free(want);
    free(err);
    err = NULL;

    char *old = xasprintf("%s/oldminor.so", testdir);
    tally_plugin *pl = tally_plugin_load_file(old, &err);
    CHECK(pl != NULL, "a plugin with a shorter descriptor loads");
    if (pl) {
        CHECK(pl->desc.write == NULL, "entries past the declared size are not read (write is NULL, not the poison)");
        tally_dataset *ds = tally_dataset_new("d");
        tally_ctx *ctx = tally_ctx_new("oldminor");
        tally_options *o = tally_options_new("");
        CHECK(pl->desc.read(tally_host_get(), ctx, o, ds) == 0 && ds->nrows == 1 && ds->cols[0]->num[0] == 42,
              "its read callback works through the host table");
        tally_options_free(o);
        tally_ctx_free(ctx);
        tally_dataset_free(ds);
        tally_plugin_free(pl);
    }
    free(err);
    err = NULL;
    free(old);

    pl = tally_plugin_load_file("/nonexistent/x.so", &err);
    CHECK(pl == NULL && err && strstr(err, "cannot load plugin /nonexistent/x.so: ") == err,
          "a dlopen failure shows the loader's own message");
    CHECK_CONTAINS(err, "No such file", "the loader's message is included");
    free(err);
    err = NULL;

    /* search path: config folders first, then TALLY_PLUGIN_PATH */
    setenv("TALLY_PLUGIN_PATH", plugdir, 1);
    const char *cfg_dirs[] = {testdir};
    tally_plugin_path path;
    tally_plugin_path_init(&path, cfg_dirs, 1);
    CHECK(path.n >= 3, "search path has config, env, binary and install folders");
    CHECK_STR(path.dirs[0], testdir, "config plugin_path comes first");
    CHECK_STR(path.dirs[1], plugdir, "then TALLY_PLUGIN_PATH");

    /* loading ahead: the thread loads the objects, tally_plugin_load finds them, and the plugin
     * keeps its object when the preload drops its handles */
    const char *none[] = {"parquet", "../csv", NULL, ""};
    CHECK(tally_plugin_preload_start(&path, none, 4) == NULL, "preload: nothing to load (no such plugin, a '/', none)");
    char *md_file = xasprintf("%s/markdown.so", plugdir);
    void *before = dlopen(md_file, RTLD_NOW | RTLD_NOLOAD);
    if (before) dlclose(before);
    CHECK(before == NULL, "preload: markdown.so is not loaded before");
    const char *names[] = {"parquet", "markdown", "markdown"};
    tally_plugin_preload *ahead = tally_plugin_preload_start(&path, names, 3);
    CHECK(ahead != NULL, "preload: started for markdown");
    void *seen = NULL;
    for (int i = 0; i < 5000 && !seen; i++) { /* 5 s at most: the thread loads it meanwhile */
        seen = dlopen(md_file, RTLD_NOW | RTLD_NOLOAD);
        if (!seen) nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    CHECK(seen != NULL, "  the preload thread loaded markdown.so");
    if (seen) dlclose(seen);
    pl = tally_plugin_load(&path, "markdown", TALLY_PLUGIN_OUTPUT, &err);
    CHECK(pl && strcmp(pl->name, "markdown") == 0 && pl->desc.write, "  tally_plugin_load then takes it");
    tally_plugin_preload_free(ahead);
    seen = dlopen(md_file, RTLD_NOW | RTLD_NOLOAD);
    CHECK(seen != NULL && pl && strcmp(pl->desc.name, "markdown") == 0,
          "  after the preload is freed the plugin's object stays loaded");
    if (seen) dlclose(seen);
    tally_plugin_free(pl);
    free(md_file);

    pl = tally_plugin_load(&path, "csv", TALLY_PLUGIN_INPUT, &err);
    CHECK(pl != NULL && strcmp(pl->name, "csv") == 0, "csv is found by name");
    tally_plugin_free(pl);
    pl = tally_plugin_load(&path, "csv", TALLY_PLUGIN_OUTPUT, &err);
    CHECK(pl == NULL, "asking for the wrong kind fails");
    CHECK_CONTAINS(err, "is an input plugin, but an output plugin is needed here", "wrong kind message");
    free(err);
    err = NULL;

    pl = tally_plugin_load(&path, "parquet", TALLY_PLUGIN_INPUT, &err);
    CHECK(pl == NULL, "a missing plugin is an error");
    CHECK_CONTAINS(err, "no input plugin 'parquet' on the plugin search path ", "it names the plugin");
    CHECK_CONTAINS(err, plugdir, "it lists the search path");
    CHECK_CONTAINS(err, "(plugins found: csv", "it lists the plugins found");
    free(err);
    err = NULL;

    size_t n = 0;
    char *errors = NULL;
    tally_plugin **all = tally_plugin_list(&path, &n, &errors);
    int has_csv = 0, has_md = 0, has_xlsx = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i]->name, "csv") == 0) has_csv = 1;
        if (strcmp(all[i]->name, "markdown") == 0) has_md = 1;
        if (strcmp(all[i]->name, "xlsx") == 0) has_xlsx = 1;
        tally_plugin_free(all[i]);
    }
    free(all);
    CHECK(has_csv && has_md && has_xlsx, "the listing has csv, markdown and xlsx");
    CHECK_CONTAINS(errors, "badabi", "the listing reports unusable plugins");
    free(errors);

    /* a plugin by the file's ending: the one named after it, else the one that lists it */
    static const struct {
        const char *file;
        tally_plugin_kind kind;
        const char *plugin, *what, *error, *error_what; /* plugin NULL: none is found, with `error` */
    } endings[] = {
        {"data/x.CSV", TALLY_PLUGIN_INPUT, "csv", "input plugin by file ending (case-insensitive)", NULL, NULL},
        {"data/x.csv", TALLY_PLUGIN_INPUT, "csv", "the plugin named after the ending is taken", NULL, NULL},
        {"data/x.sav", TALLY_PLUGIN_INPUT, "readstat", "no plugin named after the ending: the one that lists it", NULL, NULL},
        {"out/x.md", TALLY_PLUGIN_OUTPUT, "markdown", "an output plugin by the ending it lists", NULL, NULL},
        {"data/x.xlsx", TALLY_PLUGIN_INPUT, "excel", "an .xlsx input: the excel plugin, not the xlsx output plugin", NULL, NULL},
        {"data/x.csv.gz", TALLY_PLUGIN_INPUT, "csv", "a .csv.gz: the plugin for the ending inside", NULL, NULL},
        {"data/x.json", TALLY_PLUGIN_INPUT, NULL, "a plugin named after the ending but of another kind is not taken", "no input plugin reads files ending in '.json'", "the message for the other kind"},
        {"data/x.parquet", TALLY_PLUGIN_INPUT, NULL, "no plugin for an unknown ending", "no input plugin reads files ending in '.parquet'", "unknown ending message"},
        {"data/responses", TALLY_PLUGIN_INPUT, NULL, "no plugin for a file name without an ending", "no input plugin for 'data/responses': its name has no ending (such as .csv or .sav) to choose one by; rename the file or name the plugin in its block (plugin = \"csv\")", "a missing ending is named as such, with the user's path"},
        {"out/report.", TALLY_PLUGIN_OUTPUT, NULL, "no plugin for a file name ending in a dot", "no output plugin for 'out/report.': its name has no ending (such as .md or .xlsx)", "an empty ending is named as such"},
    };
    for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        pl = tally_plugin_for_file(&path, endings[i].file, endings[i].kind, &err);
        if (endings[i].plugin) {
            CHECK(pl && strcmp(pl->name, endings[i].plugin) == 0, "%s", endings[i].what);
        } else {
            CHECK(pl == NULL, "%s", endings[i].what);
            CHECK_CONTAINS(err, endings[i].error, endings[i].error_what);
        }
        tally_plugin_free(pl);
        free(err);
        err = NULL;
    }

    tally_plugin_path_free(&path);
    free(testdir);
    free(plugdir);
    CHECK_DONE();
}
