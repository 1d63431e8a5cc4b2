/* lua_api.h: how C modules expose datasets, tables and kernels to sandboxed Lua stages. */
#ifndef TALLY_LUA_API_H
#define TALLY_LUA_API_H

#include <lua.h>
#include <lauxlib.h>
#include "dataset.h"
#include "result.h"

/*
 * Lua sees two userdata types:
 *   "tally.dataset"  a dataset (base or view); methods come from the modules below
 *   "tally.table"    a result table (tally_table, reference-counted)
 *
 * Modules add methods to the dataset type by calling
 * tally_lua_add_dataset_methods from their luaopen-style function, which the
 * runtime calls once per Lua state:
 *   tally_lua_open_table(L)   lua_table.c: tally.table{...}, table methods
 *   tally_lua_open_data(L)    lua_data.c:  filter, compute, recode, dedupe, join, count_by,
 *                             var, value, sum, count_if; tally.eval
 *   tally_lua_open_stats(L)   lua_stats.c: frequencies, multiresponse, crosstab, ...
 * Each receives the `tally` library table at the top of the stack and may add
 * functions to it; it must leave the stack as it found it.
 */

#define TALLY_LUA_DATASET "tally.dataset"
#define TALLY_LUA_TABLE "tally.table"

/* Pushes a dataset userdata. owned=1: Lua frees `ds` when collected;
 * owned=0: borrows (the runner owns it and outlives the state). */
void tally_lua_push_dataset(lua_State *L, tally_dataset *ds, int owned);
/* The dataset at idx, or raises a Lua error naming the argument. Borrowed. */
tally_dataset *tally_lua_check_dataset(lua_State *L, int idx);
/* The column index of variable `name` in ds, or raises "unknown variable 'x' in dataset 'd'
 * (did you mean 'y'?)". */
int tally_lua_check_var(lua_State *L, const tally_dataset *ds, const char *name);

/* Pushes a table userdata holding a new reference to t. */
void tally_lua_push_table(lua_State *L, tally_table *t);
/* The table at idx, or raises a Lua error. Borrowed. */
tally_table *tally_lua_check_table(lua_State *L, int idx);

/* Pushes n (a count, size or 1-based index) as a Lua integer and returns 1: the whole result of
 * a method that answers with one number, as in `return tally_lua_return_count(L, t->nrows);`. */
static inline int tally_lua_return_count(lua_State *L, size_t n)
{
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

/* Raises msg (a new string, freed here) as a Lua error with the caller's position (lua_data.c). */
int tally_lua_raise(lua_State *L, char *msg);

/* Adds methods (NULL-terminated) to the dataset type. */
void tally_lua_add_dataset_methods(lua_State *L, const luaL_Reg *methods);

/* Adds t to the report (report.add): a taken id gets a suffix and a warning. Returns its id. */
const char *tally_lua_report_add(lua_State *L, tally_table *t);

/* The report of the current run (for languages and value lookup). */
tally_report *tally_lua_report(lua_State *L);

/* Option helpers for kernel bindings: read field `key` of the table at idx. */
const char *tally_lua_opt_string(lua_State *L, int idx, const char *key, const char *def);
double tally_lua_opt_number(lua_State *L, int idx, const char *key, double def);
int tally_lua_opt_bool(lua_State *L, int idx, const char *key, int def);

int tally_lua_open_table(lua_State *L);
int tally_lua_open_data(lua_State *L);
int tally_lua_open_stats(lua_State *L);
/* ds:banner (lua_banner.c), registered by tally_lua_open_stats. */
int tally_lua_banner(lua_State *L);
int tally_lua_banner_book(lua_State *L);
int tally_lua_shape(lua_State *L);
int tally_lua_shapes(lua_State *L);
/* The `cells` option (count, col, row, total) as TALLY_XTAB_* bits; 0 when unset. */
int tally_lua_cells_option(lua_State *L, int opts);
/* lua_weights.c: ds:rake{...}, ds:ci{...}; called from tally_lua_open_data. */
int tally_lua_open_weights(lua_State *L);
/* The options every kernel binding reads from the table at `opts` into o: weighted, title, id,
 * question (strings borrowed from the Lua stack), and the language from the report. */
struct tally_stats_opts;
void tally_lua_read_base_opts(lua_State *L, int opts, struct tally_stats_opts *o);

#endif
