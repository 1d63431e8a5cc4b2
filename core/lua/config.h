/* config.h: the config file: a Lua-syntax description of inputs, stages and outputs. */
#ifndef TALLY_CONFIG_H
#define TALLY_CONFIG_H

#include <lua.h>
#include <stddef.h>
#include "host.h"

typedef enum { TALLY_BLOCK_INPUT = 1, TALLY_BLOCK_STAGE, TALLY_BLOCK_OUTPUT } tally_block_kind;

typedef struct tally_block {
    tally_block_kind kind;
    char *name;        /* input: dataset name; stage: stage script; output: its id */
    char *plugin;      /* input/output plugin name (NULL for an input: chosen by file ending) */
    char *where;       /* "config/x.lua:12" */
    char *dir;         /* folder of the file that declared it (relative paths start here) */
    tally_options *opts; /* every scalar or list option, for plugins */
    int table_ref;     /* stages: registry reference to the block's Lua table */
} tally_block;

typedef struct tally_config {
    char *path;
    char *dir;
    tally_options *report; /* title, subtitle, author, subject, language, date, source, outdir, ... */
    char *report_where;
    tally_block *blocks;
    size_t nblocks;
    char **plugin_dirs;    /* report.plugin_path, resolved */
    size_t nplugin_dirs;
    char **stage_dirs;     /* report.stage_path, resolved */
    size_t nstage_dirs;
    lua_State *L;          /* borrowed: the state the config was evaluated in */
} tally_config;

/* Evaluates the config file at `path` in `L` (in an empty environment).
 * `sets` are "key=value" overrides (--set). Returns a new config, or NULL with a
 * new message naming config-file:line in *err. */
tally_config *tally_config_load(lua_State *L, const char *path, char *const *sets, size_t nsets, char **err);
/* The same for a config held in memory (`tally report`): `name` stands for the file in
 * messages, relative paths start at the working folder. */
tally_config *tally_config_load_text(lua_State *L, const char *name, const char *text, char *const *sets,
                                     size_t nsets, char **err);
void tally_config_free(tally_config *c);

/* Report-level option `name` as a string, NULL if unset (borrowed). */
const char *tally_config_report(const tally_config *c, const char *name);

/* Pushes a stage block's option table (a fresh shallow copy). */
void tally_config_push_stage_options(const tally_config *c, const tally_block *b);

#endif
