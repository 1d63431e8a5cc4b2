/* lua_report.c: the `report` library a stage writes its results with: tables, named values, checks, metadata. */
#include "lua_runtime_int.h"
#include "lua_api.h"
#include "host.h"
#include "util.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

const char *tally_lua_report_add(lua_State *L, tally_table *t)
{
    tally_runtime *rt = tally_runtime_of(L);
    char *wanted = xstrdup(t->id);
    tally_report_add_table(rt->report, t);
    if (strcmp(wanted, t->id) != 0) /* said, not silent: links and templates use the id */
        tally_log(TALLY_LOG_WARN, "report", "table id '%s' is taken by an earlier table; this one (\"%s\") is '%s'; "
                  "give its stage table_id = \"...\"", wanted, t->title, t->id);
    free(wanted);
    return t->id;
}

static int l_report_add(lua_State *L)
{
    lua_pushstring(L, tally_lua_report_add(L, tally_lua_check_table(L, 1)));
    return 1;
}

static int l_report_value(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    const char *name = luaL_checkstring(L, 1);
    if (lua_type(L, 2) == LUA_TSTRING && !lua_isnumber(L, 2)) {
        tally_report_set_text(rt->report, name, lua_tostring(L, 2));
        return 0;
    }
    double v = luaL_checknumber(L, 2);
    /* report.value(name, number [, text [, kind]]): the kind says how templates write it */
    static const char *const kinds[] = {"text", "number", "count", "percent", "proportion", "p", "statistic", NULL};
    int kind = lua_isnoneornil(L, 4) ? TALLY_VALUE_NUMBER : luaL_checkoption(L, 4, NULL, kinds);
    tally_report_set_value(rt->report, name, v, (tally_value_kind)kind, luaL_optstring(L, 3, NULL));
    return 0;
}

static int l_report_text(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    tally_report_set_text(rt->report, luaL_checkstring(L, 1), luaL_checkstring(L, 2));
    return 0;
}

static int l_report_get(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    const tally_named_value *v = tally_report_find_value(rt->report, luaL_checkstring(L, 1));
    if (!v) lua_pushnil(L);
    else if (v->is_number) lua_pushnumber(L, v->number);
    else lua_pushstring(L, v->text);
    return 1;
}

static int l_report_check(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    int ok = lua_toboolean(L, 1);
    const char *msg = luaL_checkstring(L, 2);
    tally_report_add_check(rt->report, ok, msg);
    if (!ok) tally_log(TALLY_LOG_ERROR, "check", "%s", msg);
    return 0;
}

static int l_report_meta(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    const char *v = tally_report_meta(rt->report, luaL_checkstring(L, 1));
    if (v) lua_pushstring(L, v);
    else lua_pushnil(L);
    return 1;
}

static int l_report_table(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    const tally_table *t = tally_report_find_table(rt->report, luaL_checkstring(L, 1));
    if (!t) return luaL_error(L, "the report has no table '%s' (yet)", lua_tostring(L, 1));
    tally_lua_push_table(L, (tally_table *)t);
    return 1;
}

void tally_lua_push_report_lib(lua_State *L)
{
    lua_newtable(L);
    static const luaL_Reg report_fns[] = {{"add", l_report_add},     {"value", l_report_value}, {"text", l_report_text},
                                          {"get", l_report_get},     {"check", l_report_check}, {"meta", l_report_meta},
                                          {"table", l_report_table}, {NULL, NULL}};
    luaL_setfuncs(L, report_fns, 0);
}
