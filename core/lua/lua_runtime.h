/* lua_runtime.h: the sandboxed Lua state that evaluates the config and runs stages. */
#ifndef TALLY_LUA_RUNTIME_H
#define TALLY_LUA_RUNTIME_H

#include <lua.h>
#include <stddef.h>
#include "config.h"
#include "dataset.h"
#include "result.h"

typedef struct tally_runtime tally_runtime;

/* Default budgets per stage; a stage block or the report block may set
 * max_instructions and max_memory_mb. */
#define TALLY_DEFAULT_MAX_INSTRUCTIONS 200000000LL
#define TALLY_DEFAULT_MAX_MEMORY_MB 512
#define TALLY_DEFAULT_MAX_SECONDS 600    /* wall-clock time of one stage, C calls included */
#define TALLY_MAX_INSTRUCTIONS_LIMIT 1000000000000000LL /* the largest max_instructions (1e15) */
#define TALLY_MAX_MEMORY_MB_LIMIT 1048576LL             /* the largest max_memory_mb (1 TB) */
#define TALLY_MAX_SECONDS_LIMIT 604800LL                /* the largest max_seconds and --timeout (a week) */

/* Returns a new runtime writing results into `report` (borrowed). */
tally_runtime *tally_runtime_new(tally_report *report);
/* tally check: each stage runs only until tally.options has validated its options
 * (and the variables they name against datasets that exist then). */
void tally_runtime_set_check_only(tally_runtime *rt, int on);
void tally_runtime_free(tally_runtime *rt);
lua_State *tally_runtime_state(tally_runtime *rt);

/* A runtime for stages run beside others (parallel.h): its own Lua state, the
 * datasets of `parent` (borrowed: they must not change while it runs), the same
 * report until tally_runtime_swap_report. Free with tally_runtime_free. */
tally_runtime *tally_runtime_new_worker(tally_runtime *parent);
/* Makes `report` (borrowed) the one the runtime's stages write to; returns the previous one. */
tally_report *tally_runtime_swap_report(tally_runtime *rt, tally_report *report);
/* Copies block b's options from the config's state into a worker's state, so that a
 * stage can run there while the config's state runs another. Call on the thread that
 * owns the config's state. 0, or -1 when an option holds something other than data. */
int tally_runtime_take_options(tally_runtime *rt, const tally_config *cfg, const tally_block *b);

/* Registers a dataset under `name`; the runtime takes ownership. A dataset
 * already registered under that name is replaced (and freed). */
void tally_runtime_add_dataset(tally_runtime *rt, const char *name, tally_dataset *ds);
tally_dataset *tally_runtime_dataset(tally_runtime *rt, const char *name); /* borrowed or NULL */
size_t tally_runtime_ndatasets(const tally_runtime *rt);
tally_dataset *tally_runtime_dataset_at(tally_runtime *rt, size_t i);

/* Finds the stage script for a block: a path (with '/' or ending in .lua)
 * relative to the config's folder, else NAME.lua on the stage path. Returns a
 * new string or NULL with a new message in *err. */
char *tally_runtime_find_stage(const tally_config *cfg, const tally_block *b, char **err);

/* Compiles a stage script without running it (tally check). 0, or -1 with *err. */
int tally_runtime_compile_stage(tally_runtime *rt, const char *script, char **err);

/* Checks a stage block without running it (tally check, and before each run):
 * its budgets and the report's (max_instructions, max_memory_mb, max_seconds:
 * whole numbers in range) and the expressions of built-in stages (filter's
 * `where`, compute's `expr`). 0, or -1 with a new message in *err naming the
 * block and the option. */
int tally_runtime_check_stage_options(const tally_config *cfg, const tally_block *b, char **err);

/* Error classes a stage run can end with. */
typedef enum {
    TALLY_STAGE_OK = 0,
    TALLY_STAGE_ERROR = 1,        /* runtime or data error: exit 1 */
    TALLY_STAGE_CONFIG_ERROR = 2  /* the stage's options are wrong: exit 2 */
} tally_stage_status;

/* Runs one stage block. On failure *err is a new message naming the stage,
 * `script:line`, and a traceback. */
tally_stage_status tally_runtime_run_stage(tally_runtime *rt, const tally_config *cfg, const tally_block *b,
                                           const char *script, char **err);

#endif
