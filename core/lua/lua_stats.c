/* lua_stats.c: the statistics kernels as dataset methods for Lua stages (ds:frequencies, ds:crosstab, ...). */
#include "ci.h"
#include "lua_api.h"
#include "stats.h"
#include "result.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scratch memory owned by the Lua stack, so a Lua error cannot leak it. */
static void *scratch(lua_State *L, size_t n) { return lua_newuserdatauv(L, n ? n : 1, 0); }

static tally_chart_kind chart_of(lua_State *L, int opts, tally_chart_kind def)
{
    const char *s = tally_lua_opt_string(L, opts, "chart", NULL);
    if (!s) return def;
    int kind = tally_enum_lookup(tally_chart_kind_name, s);
    if (kind >= 0) return (tally_chart_kind)kind;
    return (tally_chart_kind)luaL_error(L, "option 'chart' must be one of none, bar, column, pie, line, stacked, not '%s'", s);
}

/* Common options: weighted, title, id, question, chart; the language comes from the report. */
static void read_common(lua_State *L, int opts, tally_stats_opts *o, tally_chart_kind chart)
{
    tally_stats_opts_init(o);
    if (!lua_isnoneornil(L, opts)) luaL_checktype(L, opts, LUA_TTABLE);
    tally_lua_read_base_opts(L, opts, o);
    o->chart = chart_of(L, opts, chart);
    double cd = tally_lua_opt_number(L, opts, "count_decimals", 0);
    if (!(cd >= 0 && cd <= 6) || cd != (int)cd) luaL_error(L, "option 'count_decimals' must be a whole number from 0 to 6");
    o->count_decimals = (int)cd;
}

void tally_lua_read_base_opts(lua_State *L, int opts, tally_stats_opts *o)
{
    o->weighted = tally_lua_opt_bool(L, opts, "weighted", 1);
    o->title = tally_lua_opt_string(L, opts, "title", NULL);
    o->id = tally_lua_opt_string(L, opts, "id", NULL);
    o->question = tally_lua_opt_string(L, opts, "question", NULL);
    tally_report *r = tally_lua_report(L);
    o->lang = r ? tally_report_meta(r, "language") : NULL;
}

/* Variable names at idx (a string or a list of strings) as column indices on scratch memory. */
static int *check_vars(lua_State *L, const tally_dataset *ds, int idx, size_t *n)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        int *cols = scratch(L, sizeof *cols);
        cols[0] = tally_lua_check_var(L, ds, lua_tostring(L, idx));
        *n = 1;
        return cols;
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    size_t len = lua_rawlen(L, idx);
    if (len == 0) luaL_argerror(L, idx, "an empty list of variables");
    int *cols = scratch(L, len * sizeof *cols);
    for (size_t i = 0; i < len; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, idx, "variables must be names (strings)");
        cols[i] = tally_lua_check_var(L, ds, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    *n = len;
    return cols;
}

/* Pushes the kernel's table (or raises its error) and returns 1. `err` is read here, after
 * the kernel ran: an argument `err` would be read before the call sets it (C leaves the order
 * open), losing the kernel's message. On a weighted dataset an unweighted table without a title
 * of the user's says so ("Q1, unweighted") and gets its own id, so that the weighted and
 * unweighted twins of one question stay apart (the weighted one, the dataset's normal case,
 * keeps the plain title; its base line says "weighted"). */
static int push_result(lua_State *L, tally_table *t, char **err, const tally_dataset *ds, const tally_stats_opts *o)
{
    if (!t) {
        lua_pushstring(L, *err ? *err : "statistics kernel failed");
        free(*err);
        *err = NULL;
        return lua_error(L);
    }
    if (ds->weight >= 0 && !o->weighted && !o->title) {
        char *title = xasprintf("%s%s%s", t->title, tally_tr(o->lang, ", "), tally_tr(o->lang, "unweighted"));
        tally_table_set_title(t, title);
        free(title);
    }
    if (ds->weight >= 0 && !o->weighted && !o->id) {
        char *id = xasprintf("%s_unweighted", t->id);
        tally_table_set_id(t, id);
        free(id);
    }
    tally_lua_push_table(L, t);
    tally_table_unref(t);
    return 1;
}

/* The option ci at opts: a confidence level (CI columns, ci.h) or 0 for none. */
static double read_ci(lua_State *L, int opts, const char *kernel)
{
    double ci = tally_lua_opt_number(L, opts, "ci", 0);
    if (ci != 0 && !(ci > 0 && ci < 100)) {
        char num[64];
        snprintf(num, sizeof num, "%g", ci);
        luaL_error(L, "%s: ci must be a confidence level like 95, not %s", kernel, num);
    }
    return ci;
}

static int l_frequencies(lua_State *L)
{
    lua_settop(L, 3); /* a missing options table reads as nil, not as scratch pushed meanwhile */
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    int col = tally_lua_check_var(L, ds, luaL_checkstring(L, 2));
    tally_stats_opts o;
    read_common(L, 3, &o, TALLY_CHART_NONE);
    double ci = read_ci(L, 3, "frequencies");
    char *err = NULL;
    tally_table *t = tally_stats_frequencies(ds, col, &o, &err);
    if (t && ci > 0) tally_ci_add_to_frequencies(t, ds, col, &o, ci);
    return push_result(L, t, &err, ds, &o);
}

/* ds:prefetch(vars [, opts]): a speed hint before a table of each of several variables
 * (tally_stats_prefetch); names that are not variables are left to the kernels that
 * follow, which report them. opts.weighted as for the kernels. */
static int l_prefetch(lua_State *L)
{
    lua_settop(L, 3);
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    tally_stats_opts o;
    read_common(L, 3, &o, TALLY_CHART_NONE);
    size_t n = (size_t)lua_rawlen(L, 2), m = 0;
    int *cols = scratch(L, (n ? n : 1) * sizeof *cols);
    for (size_t k = 1; k <= n; k++) {
        lua_rawgeti(L, 2, (lua_Integer)k);
        int c = lua_type(L, -1) == LUA_TSTRING ? tally_dataset_find(ds, lua_tostring(L, -1)) : -1;
        lua_pop(L, 1);
        if (c >= 0) cols[m++] = c;
    }
    tally_stats_prefetch(ds, cols, m, &o);
    return 0;
}

/* A set by name, or an ad-hoc set from a list of variables (opts.kind, opts.counted, opts.label). */
static const tally_mrset *check_set(lua_State *L, const tally_dataset *ds, int idx, int opts, tally_mrset *adhoc)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        const tally_mrset *s = tally_dataset_find_mrset(ds, lua_tostring(L, idx));
        if (!s) luaL_error(L, "unknown multiple-response set '%s' in dataset '%s'", lua_tostring(L, idx), ds->name);
        return s;
    }
    size_t n;
    adhoc->cols = check_vars(L, ds, idx, &n);
    adhoc->ncols = n;
    const char *kind = tally_lua_opt_string(L, opts, "kind", "dichotomy");
    if (strcmp(kind, "dichotomy") == 0) adhoc->kind = TALLY_MRSET_DICHOTOMY;
    else if (strcmp(kind, "category") == 0) adhoc->kind = TALLY_MRSET_CATEGORY;
    else luaL_error(L, "option 'kind' must be 'dichotomy' or 'category', not '%s'", kind);
    adhoc->counted = tally_lua_opt_number(L, opts, "counted", 1);
    adhoc->name = (char *)tally_lua_opt_string(L, opts, "name", ds->cols[adhoc->cols[0]]->name);
    adhoc->label = (char *)tally_lua_opt_string(L, opts, "label", NULL);
    return adhoc;
}

static int l_multiresponse(lua_State *L)
{
    lua_settop(L, 3); /* a missing options table reads as nil, not as scratch pushed meanwhile */
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    tally_stats_opts o;
    read_common(L, 3, &o, TALLY_CHART_NONE);
    tally_mrset adhoc = {0};
    const tally_mrset *set = check_set(L, ds, 2, 3, &adhoc);
    const char *base = tally_lua_opt_string(L, 3, "base", "answering");
    if (strcmp(base, "answering") != 0 && strcmp(base, "all") != 0)
        return luaL_error(L, "option 'base' must be 'answering' or 'all', not '%s'", base);
    char *err = NULL;
    return push_result(L, tally_stats_multiresponse(ds, set, strcmp(base, "all") == 0, &o, &err), &err, ds, &o);
}

int tally_lua_cells_option(lua_State *L, int opts)
{
    if (!lua_istable(L, opts)) return 0;
    lua_getfield(L, opts, "cells");
    int bits = 0;
    if (lua_type(L, -1) == LUA_TSTRING) { /* one name: make it a list of one */
        lua_createtable(L, 1, 0);
        lua_insert(L, -2);
        lua_rawseti(L, -2, 1);
    }
    if (lua_istable(L, -1)) {
        static const struct { const char *name; int bit; } names[] = {
            {"count", TALLY_XTAB_COUNT}, {"col", TALLY_XTAB_COL}, {"column", TALLY_XTAB_COL},
            {"row", TALLY_XTAB_ROW}, {"total", TALLY_XTAB_TOTAL}};
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
            lua_rawgeti(L, -1, i);
            const char *s = lua_tostring(L, -1);
            int found = 0;
            for (size_t k = 0; s && k < sizeof names / sizeof names[0]; k++)
                if (strcmp(s, names[k].name) == 0) found = names[k].bit;
            if (!found) return luaL_error(L, "option 'cells': unknown '%s' (count, col, row, total)", s ? s : "?");
            bits |= found;
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return bits;
}

/* Sets field `name` of the table on top of the stack to the number v. */
static void set_number(lua_State *L, const char *name, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, name);
}

static void push_xtab_stats(lua_State *L, const tally_xtab_stats *s)
{
    lua_createtable(L, 0, 5);
    set_number(L, "chisq", s->chisq);
    lua_pushinteger(L, s->df);
    lua_setfield(L, -2, "df");
    set_number(L, "p", s->p);
    set_number(L, "cramers_v", s->cramers_v);
    set_number(L, "n", s->n);
}

/* ds:crosstab(row, cols, opts) -> table, stats (a record, or a list of records when cols is a list) */
static int l_crosstab(lua_State *L)
{
    lua_settop(L, 4); /* a missing options table reads as nil, not as scratch pushed meanwhile */
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    int row = tally_lua_check_var(L, ds, luaL_checkstring(L, 2));
    size_t n;
    int single = lua_type(L, 3) == LUA_TSTRING;
    int *cols = check_vars(L, ds, 3, &n);
    tally_xtab_opts o;
    tally_xtab_opts_init(&o);
    read_common(L, 4, &o.base, TALLY_CHART_NONE);
    int cells = tally_lua_cells_option(L, 4);
    if (cells) o.cells = cells;
    o.tests = tally_lua_opt_bool(L, 4, "tests", 0);
    o.min_base = tally_lua_opt_number(L, 4, "min_base", o.min_base);
    o.total_col = tally_lua_opt_bool(L, 4, "total", 1);
    tally_xtab_stats *st = scratch(L, n * sizeof *st);
    char *err = NULL;
    push_result(L, tally_stats_crosstab(ds, row, cols, n, &o, st, &err), &err, ds, &o.base);
    if (single) {
        push_xtab_stats(L, &st[0]);
    } else {
        lua_createtable(L, (int)n, 0);
        for (size_t i = 0; i < n; i++) {
            push_xtab_stats(L, &st[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    }
    return 2;
}

/* The arguments of ds:descriptives and ds:likert: the dataset, its variables (n of them
 * in *cols, anchored on the stack) and an options table at 3 (nil when missing). */
static tally_dataset *items_args(lua_State *L, int **cols, size_t *n)
{
    lua_settop(L, 3); /* a missing options table reads as nil, not as scratch pushed meanwhile */
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    *cols = check_vars(L, ds, 2, n);
    return ds;
}

static int l_descriptives(lua_State *L)
{
    size_t n;
    int *cols;
    tally_dataset *ds = items_args(L, &cols, &n);
    tally_stats_opts o;
    read_common(L, 3, &o, TALLY_CHART_NONE);
    double ci = read_ci(L, 3, "descriptives");
    char *err = NULL;
    tally_table *t = tally_stats_descriptives(ds, cols, n, &o, &err);
    if (t && ci > 0) tally_ci_add_to_descriptives(t, ds, cols, n, &o, ci);
    return push_result(L, t, &err, ds, &o);
}

static int l_likert(lua_State *L)
{
    size_t n;
    int *cols;
    tally_dataset *ds = items_args(L, &cols, &n);
    tally_likert_opts o;
    tally_likert_opts_init(&o);
    read_common(L, 3, &o.base, TALLY_CHART_NONE);
    o.box = (int)tally_lua_opt_number(L, 3, "box", 2);
    if (lua_istable(L, 3)) {
        lua_getfield(L, 3, "scale");
        if (lua_istable(L, -1)) {
            size_t ns = lua_rawlen(L, -1);
            double *sc = scratch(L, ns * sizeof *sc);
            for (size_t i = 0; i < ns; i++) {
                lua_rawgeti(L, -2, (lua_Integer)i + 1);
                if (!lua_isnumber(L, -1)) return luaL_error(L, "option 'scale' must list numeric codes, low to high");
                sc[i] = lua_tonumber(L, -1);
                lua_pop(L, 1);
            }
            o.scale = sc;
            o.nscale = ns;
        }
    }
    char *err = NULL;
    return push_result(L, tally_stats_likert(ds, cols, n, &o, &err), &err, ds, &o.base);
}

static int l_timeline(lua_State *L)
{
    lua_settop(L, 3); /* a missing options table reads as nil, not as scratch pushed meanwhile */
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    int col = tally_lua_check_var(L, ds, luaL_checkstring(L, 2));
    tally_timeline_opts o;
    tally_timeline_opts_init(&o);
    read_common(L, 3, &o.base, TALLY_CHART_COLUMN);
    const char *by = tally_lua_opt_string(L, 3, "by", "year");
    if (strcmp(by, "year") != 0 && strcmp(by, "decade") != 0)
        return luaL_error(L, "option 'by' must be 'year' or 'decade', not '%s'", by);
    o.by_decade = strcmp(by, "decade") == 0;
    o.decades_until = tally_lua_opt_number(L, 3, "decades_until", NAN);
    o.from = tally_lua_opt_number(L, 3, "from", NAN);
    o.to = tally_lua_opt_number(L, 3, "to", NAN);
    char *err = NULL;
    return push_result(L, tally_stats_timeline(ds, col, &o, &err), &err, ds, &o.base);
}

/* ds:ranking(name_or_list, opts): a variable, else a multiple-response set by name; a list is an ad-hoc set. */
static int l_ranking(lua_State *L)
{
    lua_settop(L, 3); /* a missing options table reads as nil, not as scratch pushed meanwhile */
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    tally_ranking_opts o;
    tally_ranking_opts_init(&o);
    read_common(L, 3, &o.base, TALLY_CHART_BAR);
    double top = tally_lua_opt_number(L, 3, "top", 10);
    if (!(top >= 0)) return luaL_error(L, "option 'top' must be 0 (all) or more");
    o.top = (size_t)top;
    o.other_row = tally_lua_opt_bool(L, 3, "other", 0);
    int col = -1;
    const tally_mrset *set = NULL;
    tally_mrset adhoc = {0};
    if (lua_type(L, 2) == LUA_TSTRING && tally_dataset_find(ds, lua_tostring(L, 2)) >= 0)
        col = tally_dataset_find(ds, lua_tostring(L, 2));
    else if (lua_type(L, 2) == LUA_TSTRING && !tally_dataset_find_mrset(ds, lua_tostring(L, 2)))
        col = tally_lua_check_var(L, ds, lua_tostring(L, 2)); /* raises "unknown variable" */
    else
        set = check_set(L, ds, 2, 3, &adhoc);
    char *err = NULL;
    return push_result(L, tally_stats_ranking(ds, col, set, &o, &err), &err, ds, &o.base);
}

int tally_lua_open_stats(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"frequencies", l_frequencies}, {"prefetch", l_prefetch}, {"multiresponse", l_multiresponse}, {"crosstab", l_crosstab},
        {"descriptives", l_descriptives}, {"likert", l_likert}, {"timeline", l_timeline},
        {"ranking", l_ranking}, {"banner", tally_lua_banner},
        {"banner_book", tally_lua_banner_book}, {"shape", tally_lua_shape}, {"shapes", tally_lua_shapes}, {NULL, NULL}};
    tally_lua_add_dataset_methods(L, methods);
    return 0;
}
