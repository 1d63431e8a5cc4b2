/* lua_options.c: tally.options, the table a stage declares its options with: types, defaults, variables checked. */
#include "lua_runtime_int.h"
#include "host.h"
#include "util.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const opt_types[] = {"string", "number", "integer", "boolean", "list", "table", "path", "choice", NULL};

static int options_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int options_error(lua_State *L, const char *fmt, ...)
{
    tally_runtime *rt = tally_runtime_of(L);
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    rt->config_error = 1;
    lua_pushfstring(L, "%s: stage '%s': %s", rt->block ? rt->block->where : "?", rt->block ? rt->block->name : "?", msg);
    free(msg);
    return lua_error(L);
}

static const char *spec_type(lua_State *L, int spec)
{
    lua_getfield(L, spec, "type");
    const char *t = lua_tostring(L, -1);
    lua_pop(L, 1);
    return t ? t : "string";
}

/* Checks value at idx against the spec table at spec; may replace the value on the stack. */
static void check_option_value(lua_State *L, const char *name, int spec, int idx)
{
    tally_runtime *rt = tally_runtime_of(L);
    const char *t = spec_type(L, spec);
    int lt = lua_type(L, idx);
    if (strcmp(t, "string") == 0 || strcmp(t, "path") == 0 || strcmp(t, "choice") == 0) {
        if (lt != LUA_TSTRING) options_error(L, "option '%s' must be a string, not %s", name, lua_typename(L, lt));
        if (strcmp(t, "path") == 0 && rt->block) {
            char *p = path_join(rt->block->dir, lua_tostring(L, idx));
            lua_pushstring(L, p);
            free(p);
            lua_replace(L, idx);
        }
        if (strcmp(t, "choice") == 0) {
            lua_getfield(L, spec, "choices");
            int ok = 0;
            sbuf list;
            sbuf_init(&list);
            for (lua_Integer i = 1; lua_istable(L, -1) && i <= (lua_Integer)lua_rawlen(L, -1); i++) {
                lua_rawgeti(L, -1, i);
                if (lua_isstring(L, -1)) {
                    if (strcmp(lua_tostring(L, -1), lua_tostring(L, idx)) == 0) ok = 1;
                    sbuf_printf(&list, "%s%s", list.len ? ", " : "", lua_tostring(L, -1));
                }
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            if (!ok) {
                lua_pushstring(L, list.data ? list.data : "");
                sbuf_free(&list);
                options_error(L, "option '%s' must be one of %s, not '%s'", name, lua_tostring(L, -1),
                              lua_tostring(L, idx));
            }
            sbuf_free(&list);
        }
    } else if (strcmp(t, "number") == 0 || strcmp(t, "integer") == 0) {
        if (lt != LUA_TNUMBER) options_error(L, "option '%s' must be a number, not %s", name, lua_typename(L, lt));
        if (strcmp(t, "integer") == 0 && !lua_isinteger(L, idx)) {
            double x = lua_tonumber(L, idx);
            if (x != floor(x)) options_error(L, "option '%s' must be a whole number, not %g", name, x);
        }
    } else if (strcmp(t, "boolean") == 0) {
        if (lt != LUA_TBOOLEAN) options_error(L, "option '%s' must be true or false, not %s", name, lua_typename(L, lt));
    } else if (strcmp(t, "list") == 0) {
        if (lt == LUA_TSTRING || lt == LUA_TNUMBER) { /* a single value is a list of one */
            lua_createtable(L, 1, 0);
            lua_pushvalue(L, idx);
            lua_rawseti(L, -2, 1);
            lua_replace(L, idx);
        } else if (lt != LUA_TTABLE) {
            options_error(L, "option '%s' must be a list, not %s", name, lua_typename(L, lt));
        }
    } else if (strcmp(t, "table") == 0) {
        if (lt != LUA_TTABLE) options_error(L, "option '%s' must be a table, not %s", name, lua_typename(L, lt));
    }
}

/* 1 when `name` is a variable or a multiple-response set of ds; "outer>inner" when both are. */
static int names_var(const tally_dataset *ds, const char *name)
{
    if (tally_dataset_find(ds, name) >= 0 || tally_dataset_find_mrset(ds, name)) return 1;
    const char *gt = strchr(name, '>');
    if (!gt) return 0;
    char *outer = xstrndup(name, (size_t)(gt - name));
    int ok = names_var(ds, outer) && names_var(ds, gt + 1);
    free(outer);
    return ok;
}

/* The first name of a list (or string) value at idx that ds does not have, or NULL. */
static const char *unknown_var(lua_State *L, const tally_dataset *ds, int idx)
{
    if (lua_type(L, idx) == LUA_TSTRING) return names_var(ds, lua_tostring(L, idx)) ? NULL : lua_tostring(L, idx);
    if (!lua_istable(L, idx)) return NULL;
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, idx); i++) {
        lua_rawgeti(L, idx, i);
        const char *n = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        lua_pop(L, 1); /* the string stays referenced by the list */
        if (n && !strchr(n, '*') && !names_var(ds, n)) return n;
    }
    return NULL;
}

/* Options declared { variables = "dataset" } name variables or sets of the dataset
 * named by that option: checked against its dictionary when the dataset exists now
 * (an input, or made by an earlier stage), as config errors with a suggestion. */
static void check_variables(lua_State *L, int specs, int result)
{
    tally_runtime *rt = tally_runtime_of(L);
    lua_pushnil(L);
    while (lua_next(L, specs)) {
        if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1)) {
            lua_pop(L, 1);
            continue;
        }
        const char *k = lua_tostring(L, -2);
        lua_getfield(L, -1, "variables");
        const char *dsopt = lua_tostring(L, -1);
        lua_pop(L, 1);
        if (dsopt) {
            lua_getfield(L, result, dsopt);
            const char *dsname = lua_tostring(L, -1);
            tally_dataset *ds = dsname ? tally_runtime_dataset(rt, dsname) : NULL;
            lua_pop(L, 1);
            lua_getfield(L, result, k);
            const char *bad = ds ? unknown_var(L, ds, lua_gettop(L)) : NULL;
            if (bad) {
                const char *probe = strrchr(bad, '>') ? strrchr(bad, '>') + 1 : bad;
                char *hint = tally_dataset_hint(ds, names_var(ds, probe) ? bad : probe, 1);
                lua_pushstring(L, hint); /* options_error does not return */
                free(hint);
                options_error(L, "option '%s': '%s' is not a variable or multiple-response set of dataset '%s'%s", k,
                              bad, dsname, lua_tostring(L, -1));
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
}

/* The option names of the spec table at 1 (borrowed from it; caller frees the array),
 * each checked to be a table of a known type. */
static const char **spec_names(lua_State *L, size_t *n)
{
    size_t nspec = 0;
    const char **names = NULL;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            names = xrealloc(names, (nspec + 1) * sizeof *names);
            names[nspec++] = lua_tostring(L, -2);
            if (!lua_istable(L, -1)) {
                free(names);
                luaL_error(L, "tally.options: the spec of '%s' must be a table { type = ... }", lua_tostring(L, -2));
            }
            const char *t = spec_type(L, lua_gettop(L));
            int known = 0;
            for (const char *const *k = opt_types; *k; k++)
                if (strcmp(*k, t) == 0) known = 1;
            if (!known) {
                free(names);
                luaL_error(L, "tally.options: option '%s' has unknown type '%s'", lua_tostring(L, -2), t);
            }
        }
        lua_pop(L, 1);
    }
    *n = nspec;
    return names;
}

/* Raises "unknown option 'x' (did you mean 'y'?); allowed: ..." for a given option
 * (in the table at opts) that the spec does not declare; frees names when it does. */
static void reject_unknown_options(lua_State *L, int opts, const char **names, size_t nspec)
{
    lua_pushnil(L);
    while (lua_next(L, opts)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        lua_pop(L, 1);
        if (!k) {
            free(names);
            options_error(L, "stage options are written name = value");
        }
        lua_getfield(L, 1, k);
        int declared = !lua_isnil(L, -1);
        lua_pop(L, 1);
        /* keys every stage block may carry, understood by tally itself */
        int reserved = strcmp(k, "id") == 0 || strcmp(k, "max_instructions") == 0 || strcmp(k, "max_memory_mb") == 0 ||
                       strcmp(k, "max_seconds") == 0;
        if (!declared && !reserved) {
            /* sort a copy of the names for a stable "allowed" list */
            for (size_t i = 1; i < nspec; i++)
                for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
                    const char *tmp = names[j];
                    names[j] = names[j - 1];
                    names[j - 1] = tmp;
                }
            char *unknown = str_unknown("option", k, names, nspec);
            char *allowed = str_join(names, nspec);
            lua_pushfstring(L, "%s; allowed: %s", unknown, allowed); /* options_error does not return */
            free(unknown);
            free(allowed);
            free(names);
            options_error(L, "%s", lua_tostring(L, -1));
        }
    }
}

int tally_lua_options(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    /* The stage's `options` global is upvalue 1 of this closure. */
    int opts = lua_upvalueindex(1);
    lua_newtable(L); /* result */
    int result = lua_gettop(L);

    /* unknown names first, with a suggestion */
    size_t nspec;
    const char **names = spec_names(L, &nspec);
    reject_unknown_options(L, opts, names, nspec);
    free(names);

    /* then each declared option: value, default or required */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            lua_pop(L, 1);
            continue;
        }
        const char *k = lua_tostring(L, -2);
        int spec = lua_gettop(L);
        lua_getfield(L, opts, k);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_getfield(L, spec, "required");
            int required = lua_toboolean(L, -1);
            lua_pop(L, 1);
            if (required) {
                lua_getfield(L, spec, "help");
                const char *help = lua_tostring(L, -1);
                options_error(L, "missing required option '%s' (%s%s%s)", k, spec_type(L, spec), help ? ": " : "",
                              help ? help : "");
            }
            lua_getfield(L, spec, "default");
        }
        if (!lua_isnil(L, -1)) check_option_value(L, k, spec, lua_gettop(L));
        lua_setfield(L, result, k);
        lua_pop(L, 1);
    }
    check_variables(L, 1, result);
    tally_runtime *rt = tally_runtime_of(L);
    if (rt->check_only) { /* tally check: the options are what a stage is checked for */
        rt->checked = 1;
        lua_pushliteral(L, "checked");
        return lua_error(L);
    }
    lua_pushvalue(L, result);
    return 1;
}
