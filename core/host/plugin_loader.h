/* plugin_loader.h: finds plugins on the search path, dlopens them and checks their ABI. */
#ifndef TALLY_PLUGIN_LOADER_H
#define TALLY_PLUGIN_LOADER_H

#include <stddef.h>
#include "tally/plugin.h"

typedef struct tally_plugin {
    char *name;
    char *path;
    void *handle;
    int own; /* 1 when found in one of tally's own folders (past the path's user folders) */
    /* A copy of the plugin's descriptor, never longer than the size the plugin
     * declared: entries a smaller (older) descriptor lacks are zero. */
    tally_plugin_descriptor desc;
} tally_plugin;

/* The search path: `config_dirs` (may be NULL), then $TALLY_PLUGIN_PATH
 * (colon-separated), the plugins folder next to the binary, the install folder. */
typedef struct tally_plugin_path {
    char **dirs;
    size_t n;
    size_t nuser; /* the first nuser folders are the user's: config_dirs and $TALLY_PLUGIN_PATH */
} tally_plugin_path;

void tally_plugin_path_init(tally_plugin_path *p, const char *const *config_dirs, size_t nconfig);
void tally_plugin_path_free(tally_plugin_path *p);
/* "dir1:dir2:..." as a new string. */
char *tally_plugin_path_text(const tally_plugin_path *p);

/* Loads plugin NAME of `kind` (0: any). Returns a new plugin, or NULL with a
 * new message in *err: not found (listing the search path and the plugins
 * found), dlopen failure (the loader's message), wrong ABI (both versions). */
tally_plugin *tally_plugin_load(const tally_plugin_path *p, const char *name, int kind, char **err);
/* Loads the shared object at `file` directly (tests, `tally plugins FILE`). */
tally_plugin *tally_plugin_load_file(const char *file, char **err);
void tally_plugin_free(tally_plugin *pl);

/* Every loadable plugin on the path, first of each name wins; sorted by kind
 * then name. Plugins that fail to load are reported in *errors (new string,
 * may be NULL). Returns a new array of *n plugins; free each and the array. */
tally_plugin **tally_plugin_list(const tally_plugin_path *p, size_t *n, char **errors);

/* The plugin of `kind` whose `extensions` contain the file's ending, or NULL
 * (with a new message in *err). The plugin named after the ending ("csv" for
 * .csv) is asked first, so the usual case loads one plugin instead of all;
 * otherwise the first by name that lists the ending. Returns a new plugin. */
tally_plugin *tally_plugin_for_file(const tally_plugin_path *p, const char *file, int kind, char **err);

const char *tally_plugin_kind_name(int kind);

/* Loading plugins' shared objects ahead: a workbook writer's libraries take a few
 * milliseconds to load and link, which a thread of their own does while the caller
 * goes on (compiling stages, loading the input plugin). tally_plugin_load then finds
 * the object loaded. Nothing is reported: a plugin that cannot be loaded fails (with
 * its message) when tally_plugin_load loads it. */
typedef struct tally_plugin_preload tally_plugin_preload;
/* Starts loading the shared object of each of the n plugin names found on p (NULL
 * names, names with a '/' and names not found are skipped). Returns NULL when there is nothing to load
 * or no thread could start. */
tally_plugin_preload *tally_plugin_preload_start(const tally_plugin_path *p, const char *const *names, size_t n);
/* Waits for the loads and drops their handles (plugins loaded since keep their own). */
void tally_plugin_preload_free(tally_plugin_preload *pl);

#endif
