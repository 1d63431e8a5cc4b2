/* lua_runtime_int.h: the stage runtime's state, shared by lua_runtime.c, lua_options.c and lua_report.c (core/lua only). */
#ifndef TALLY_LUA_RUNTIME_INT_H
#define TALLY_LUA_RUNTIME_INT_H

#include "lua_runtime.h"
#include "lua_sandbox.h"

#include <lua.h>

/* A runtime owns its sandbox, its datasets (and the ones replaced, which Lua may still
 * borrow until the run ends) and user_error; report, block and cfg are borrowed. */
typedef struct named_ds {
    char *name;
    tally_dataset *ds;
} named_ds;

struct tally_runtime {
    tally_sandbox sb;
    tally_report *report;
    named_ds *datasets;
    size_t ndatasets;
    tally_dataset **retired; /* replaced datasets: Lua may still borrow them until the run ends */
    size_t nretired;
    /* the stage being run, for tally.options messages */
    const tally_block *block;
    const tally_config *cfg;
    int config_error;
    int check_only;  /* tally check: stages stop once their options are validated */
    int checked;     /* the current stage stopped there */
    char *user_error;        /* tally.fail's message: shown alone, without position or traceback */
    tally_runtime *parent;   /* a worker's: the runtime whose datasets it reads (NULL: this one's own) */
};

/* The runtime a stage's Lua state belongs to (kept in the registry as "tally.runtime"). */
tally_runtime *tally_runtime_of(lua_State *L);

/* tally.options(spec): the options of the stage being run, checked against spec; the
 * stage's options table is the closure's upvalue (lua_options.c). */
int tally_lua_options(lua_State *L);

/* Pushes a new `report` table with its functions (lua_report.c). */
void tally_lua_push_report_lib(lua_State *L);

#endif
