/* codebook.c: codebook files: variable metadata and multiple-response sets declared in Lua syntax. */
#include "codebook.h"
#include "lua_sandbox.h"
#include "codebook_int.h"
#include "category_order.h"
#include "util.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Syntax (see docs/codebook.md). A codebook is evaluated like the config: Lua
 * syntax, text only, an empty environment holding just these declarations.
 *
 *   variable "q1" {                        -- a name or a pattern ("q5_*", "r?")
 *     label   = "Does your city cooperate?",   -- or { en = "...", de = "..." }
 *     values  = { [1] = "yes", [2] = "no", [9] = "don't know" },
 *     missing = { 9, range = { 97, 99 } },     -- codes (strings for text columns) and a range
 *     measure = "nominal",                     -- nominal | ordinal | scale
 *     format  = "F3.0",
 *     order   = { 3, 1, 2 },                   -- display order of the values (texts for text columns)
 *   }
 *   variables { "r1", "r2", "r3_*" } { values = { [1] = "low", [5] = "high" } }
 *   mrset "areas" { label = "...", kind = "dichotomy", counted = 1, columns = "area_*" }
 *   mrset "areas" { columns = { "a1", "a2" }, selected = true }           -- text checkboxes: non-blank = 1
 *   mrset "help"  { columns = "help_*", selected = "Selected" }           -- "Selected" = 1, else 0
 *   mrset "kinds" { kind = "category", columns = { "k1", "k2", "k3" } }
 *   mrset "init"  { label = "...", split = "initiators", delimiter = ";",
 *                   options = { "Economy", "Culture" } }                  -- new columns initiators_economy, ...
 *   weight "w"
 *   last_answers { "Kann ich nicht beurteilen" }  -- shown last, like "Don't know" (category_order.c)
 *
 * Every error names codebook-file:line of the declaration at fault.
 */

#define CB_MAX_STEPS 100000000 /* instructions a codebook may run (an endless loop stops here) */

static const char *const variable_fields[] = {"label", "values", "missing", "measure", "format", "order"};
static const char *const mrset_fields[] = {"label", "kind", "counted", "columns", "selected", "split",
                                           "delimiter", "options"};

cb_state *cb_get(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(1)); }

int cb_fail(lua_State *L, int line, const char *fmt, ...)
{
    cb_state *cb = cb_get(L);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lua_pushfstring(L, "%s:%d: %s", cb->path, line, msg);
    return lua_error(L);
}

/* The line of the codebook that called the running C function. */
static int caller_line(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar)) return ar.currentline;
    return 0;
}

const char *cb_text(lua_State *L, int idx, int line, const char *what)
{
    cb_state *cb = cb_get(L);
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) return lua_tostring(L, idx);
    if (!lua_istable(L, idx)) return cb_fail(L, line, "%s must be a text or { en = \"...\", de = \"...\" }", what), NULL;
    const char *tries[2] = {cb->language, "en"};
    for (int i = 0; i < 2; i++) {
        lua_getfield(L, idx, tries[i]);
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *s = lua_tostring(L, -1);
            lua_pop(L, 1); /* the table keeps the string alive */
            return s;
        }
        lua_pop(L, 1);
    }
    const char *best = NULL, *best_key = NULL; /* neither: the first language in alphabetical order */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING &&
            (!best_key || strcmp(lua_tostring(L, -2), best_key) < 0)) {
            best_key = lua_tostring(L, -2);
            best = lua_tostring(L, -1);
        }
        lua_pop(L, 1);
    }
    if (!best) cb_fail(L, line, "%s has no text for language '%s' (nor 'en')", what, cb->language);
    return best;
}

/* Checks that every key of the spec table at idx is an allowed field. */
static void check_fields(lua_State *L, int idx, int line, const char *what, const char *const *fields, size_t n)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        size_t i = 0;
        while (key && i < n && strcmp(fields[i], key) != 0) i++;
        if (!key || i == n) {
            char *unknown = str_unknown("field", key ? key : "(not a name)", fields, key ? n : 0);
            char *list = str_join(fields, n);
            lua_pushfstring(L, "%s; allowed: %s", unknown, list); /* cb_fail does not return: nothing left to free */
            free(unknown);
            free(list);
            cb_fail(L, line, "%s: %s", what, lua_tostring(L, -1));
        }
    }
}

/* A pending `variable "x"` whose { ... } never came. */
static void check_pending(lua_State *L)
{
    cb_state *cb = cb_get(L);
    if (cb->pending_line)
        cb_fail(L, cb->pending_line, "%s has no { ... } block after it", cb->pending_what);
}

static void set_pending(lua_State *L, const char *what, int line)
{
    cb_state *cb = cb_get(L);
    check_pending(L);
    cb->pending_line = line;
    snprintf(cb->pending_what, sizeof cb->pending_what, "%s", what);
}

/* ---- variable / variables -------------------------------------------------------------- */

/* upvalues: cb, names (a table of names/patterns), line, what ("variable 'q1'") */
static int apply_variables(lua_State *L)
{
    cb_state *cb = cb_get(L);
    int line = (int)lua_tointeger(L, lua_upvalueindex(3));
    const char *what = lua_tostring(L, lua_upvalueindex(4));
    cb->pending_line = 0;
    if (!lua_istable(L, 1)) return cb_fail(L, line, "%s: expected { ... } with the variable's metadata", what);
    check_fields(L, 1, line, what, variable_fields, sizeof variable_fields / sizeof *variable_fields);
    lua_pushvalue(L, lua_upvalueindex(2));
    int names = lua_gettop(L);
    lua_Integer n = luaL_len(L, names);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, names, i);
        const char *name = lua_tostring(L, -1);
        int *cols = NULL;
        size_t ncols = cb_match(L, name, line, what, &cols); /* pushes the list's storage */
        for (size_t k = 0; k < ncols; k++) cb_apply_meta(L, 1, line, what, cols[k]);
        lua_pop(L, 2);
    }
    return 0;
}

static int declare_variables(lua_State *L, int many)
{
    int line = caller_line(L);
    char what[160];
    if (many) {
        if (!lua_istable(L, 1)) return cb_fail(L, line, "variables: expected a list of names, as variables { \"q1\", \"q2\" }");
        lua_Integer n = luaL_len(L, 1);
        if (n == 0) return cb_fail(L, line, "variables: the list of names is empty");
        for (lua_Integer i = 1; i <= n; i++)
            if (lua_geti(L, 1, i) != LUA_TSTRING) return cb_fail(L, line, "variables: item %d is not a name", (int)i);
        lua_geti(L, 1, 1);
        snprintf(what, sizeof what, "variables { '%s'%s }", lua_tostring(L, -1), n > 1 ? ", ..." : "");
        lua_settop(L, 1);
    } else {
        if (lua_type(L, 1) != LUA_TSTRING) return cb_fail(L, line, "variable: expected a name, as variable \"q1\" { ... }");
        snprintf(what, sizeof what, "variable '%s'", lua_tostring(L, 1));
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);
        lua_replace(L, 1);
    }
    set_pending(L, what, line);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushinteger(L, line);
    lua_pushstring(L, what);
    lua_pushcclosure(L, apply_variables, 4);
    return 1;
}

static int l_variable(lua_State *L) { return declare_variables(L, 0); }
static int l_variables(lua_State *L) { return declare_variables(L, 1); }

/* ---- mrset --------------------------------------------------------------------------------- */

/* upvalues: cb, name, line */
static int apply_mrset(lua_State *L)
{
    cb_state *cb = cb_get(L);
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    int line = (int)lua_tointeger(L, lua_upvalueindex(3));
    char what[160];
    snprintf(what, sizeof what, "mrset '%s'", name);
    cb->pending_line = 0;
    if (!lua_istable(L, 1)) return cb_fail(L, line, "%s: expected { ... } with the set's columns", what);
    check_fields(L, 1, line, what, mrset_fields, sizeof mrset_fields / sizeof *mrset_fields);
    if (tally_dataset_find_mrset(cb->ds, name)) return cb_fail(L, line, "%s is declared twice", what);
    cb_apply_mrset(L, 1, line, name, what);
    return 0;
}

static int l_mrset(lua_State *L)
{
    int line = caller_line(L);
    if (lua_type(L, 1) != LUA_TSTRING || !*lua_tostring(L, 1))
        return cb_fail(L, line, "mrset: expected a name, as mrset \"areas\" { ... }");
    char what[160];
    snprintf(what, sizeof what, "mrset '%s'", lua_tostring(L, 1));
    set_pending(L, what, line);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushinteger(L, line);
    lua_pushcclosure(L, apply_mrset, 3);
    return 1;
}

/* ---- weight ---------------------------------------------------------------------------------- */

static int l_weight(lua_State *L)
{
    cb_state *cb = cb_get(L);
    int line = caller_line(L);
    check_pending(L);
    if (lua_type(L, 1) != LUA_TSTRING) return cb_fail(L, line, "weight: expected a variable name, as weight \"w\"");
    const char *name = lua_tostring(L, 1);
    int col = cb_column(L, name, line, "weight");
    if (cb->ds->cols[col]->type != TALLY_NUMERIC)
        return cb_fail(L, line, "weight: column '%s' holds text; a weight must be numeric", name);
    tally_dataset_set_weight(cb->ds, col);
    return 0;
}

/* ---- last_answers ---------------------------------------------------------------------------- */

/* last_answers { "text", ... }: answers every text column shows after all others,
 * added to the built-in lists ("Don't know", "Keine Angabe", ...). */
static int l_last_answers(lua_State *L)
{
    cb_state *cb = cb_get(L);
    int line = caller_line(L);
    check_pending(L);
    if (!lua_istable(L, 1))
        return cb_fail(L, line, "last_answers: expected a list of answers, as last_answers { \"Can't say\" }");
    lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_geti(L, 1, i) != LUA_TSTRING || !*lua_tostring(L, -1))
            return cb_fail(L, line, "last_answers: item %d is not a text", (int)i);
        for (size_t c = 0; c < cb->ds->ncols; c++)
            if (cb->ds->cols[c]->type == TALLY_STRING) tally_cat_order_add_last(cb->ds->cols[c], lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    return 0;
}

/* ---- loading -------------------------------------------------------------------------------------- */

static void step_hook(lua_State *L, lua_Debug *ar)
{
    lua_getinfo(L, "l", ar); /* the hooked function is the running Lua code */
    lua_getfield(L, LUA_REGISTRYINDEX, "tally.codebook.path");
    luaL_error(L, "%s:%d: the codebook runs too long (an endless loop?)", lua_tostring(L, -1), ar->currentline);
}

static int run_codebook(lua_State *L)
{
    cb_state *cb = lua_touserdata(L, 1);
    static const luaL_Reg decls[] = {
        {"variable", l_variable}, {"variables", l_variables}, {"mrset", l_mrset}, {"weight", l_weight},
        {"last_answers", l_last_answers}, {NULL, NULL}};
    int status = tally_lua_load_file(L, cb->path, NULL);
    if (status == LUA_ERRFILE) return luaL_error(L, "%s: cannot open codebook: %s", cb->path, strerror(errno));
    if (status != LUA_OK) return lua_error(L);
    lua_newtable(L); /* the environment: the declarations and nothing else */
    for (const luaL_Reg *d = decls; d->name; d++) {
        lua_pushlightuserdata(L, cb);
        lua_pushcclosure(L, d->func, 1);
        lua_setfield(L, -2, d->name);
    }
    lua_setupvalue(L, -2, 1);
    lua_call(L, 0, 0);
    if (cb->pending_line) { /* a declaration left without its block at the end */
        lua_pushfstring(L, "%s:%d: %s has no { ... } block after it", cb->path, cb->pending_line, cb->pending_what);
        return lua_error(L);
    }
    return 0;
}

/* A codebook only declares things: its Lua heap is capped, so `s = s .. s`
 * in one ends with a message instead of exhausting the machine. */
#define CB_MAX_MEMORY ((size_t)64 << 20)

int tally_codebook_apply(const char *path, tally_dataset *ds, const char *language, char **err)
{
    *err = NULL;
    cb_state cb;
    memset(&cb, 0, sizeof cb);
    cb.path = path;
    cb.ds = ds;
    cb.language = language && *language ? language : "en";
    /* The sandbox's state with its capped heap and no library: a codebook
     * only declares things, in an environment of its own. */
    tally_sandbox sb;
    if (tally_sandbox_open_bare(&sb) != 0) {
        *err = xasprintf("%s: out of memory", path);
        return -1;
    }
    tally_sandbox_arm(&sb, 0, CB_MAX_MEMORY);
    lua_State *L = sb.L;
    lua_pushstring(L, path);
    lua_setfield(L, LUA_REGISTRYINDEX, "tally.codebook.path");
    lua_sethook(L, step_hook, LUA_MASKCOUNT, CB_MAX_STEPS);
    lua_pushcfunction(L, run_codebook);
    lua_pushlightuserdata(L, &cb);
    int rc = 0;
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (sb.exhausted == 2)
            *err = xasprintf("%s: the codebook uses more than %d MB of memory; a codebook only declares labels, "
                             "values, missing codes and sets", path, (int)(CB_MAX_MEMORY >> 20));
        else
            *err = xstrdup(msg ? msg : "codebook error");
        rc = -1;
    }
    tally_sandbox_close(&sb);
    return rc;
}
