/* lua_weights.c: weighting, margins of error and waves for Lua stages: ds:rake, ds:poststratify, ds:ci, ds:trend, tally.append. */
#include "ci.h"
#include "expr.h"
#include "host.h"
#include "lua_api.h"
#include "rake.h"
#include "util.h"
#include "waves.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Arguments are read into stack-anchored scratch memory (strings stay referenced by the
 * options table), so a Lua error while reading them leaks nothing. */
static void *scratch(lua_State *L, size_t n)
{
    return lua_newuserdatauv(L, n ? n : 1, 0);
}

/* The targets of one variable (a Lua table at idx: code or label -> share). */
static tally_rake_target *read_targets(lua_State *L, int idx, const char *var, size_t *n)
{
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) {
        luaL_error(L, "rake: the targets of '%s' must be a table { [code or \"label\"] = share, ... }, not %s", var,
                   luaL_typename(L, idx));
        return NULL;
    }
    size_t cap = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) cap++, lua_pop(L, 1);
    tally_rake_target *t = scratch(L, cap * sizeof *t);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -1) != LUA_TNUMBER) {
            luaL_error(L, "rake: '%s': the target of %s must be a number, not %s", var,
                       lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "a category", luaL_typename(L, -1));
            return NULL;
        }
        t[k].value = lua_tonumber(L, -1);
        if (lua_type(L, -2) == LUA_TNUMBER) t[k].text = NULL, t[k].code = lua_tonumber(L, -2);
        else if (lua_type(L, -2) == LUA_TSTRING) t[k].text = lua_tostring(L, -2), t[k].code = NAN;
        else {
            luaL_error(L, "rake: '%s': a category must be a code or a label, not %s", var, luaL_typename(L, -2));
            return NULL;
        }
        k++;
        lua_pop(L, 1);
    }
    *n = k;
    return t;
}

/* The variables in raking order: `variables` when given, else the target names sorted. */
static tally_rake_var *read_vars(lua_State *L, int opts, size_t *nv)
{
    lua_getfield(L, opts, "targets");
    int targets = lua_gettop(L);
    if (!lua_istable(L, targets)) {
        luaL_error(L, "rake: 'targets' must be a table { variable = { [code or \"label\"] = share, ... }, ... }");
        return NULL;
    }
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, targets)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            luaL_error(L, "rake: 'targets' is keyed by variable name ({ age = {...}, sex = {...} })");
            return NULL;
        }
        n++, lua_pop(L, 1);
    }
    tally_rake_var *v = scratch(L, n * sizeof *v);
    size_t k = 0;
    lua_getfield(L, opts, "variables");
    if (lua_istable(L, -1)) {
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
            lua_rawgeti(L, -1, i);
            const char *name = lua_tostring(L, -1);
            lua_pop(L, 1);
            if (!name) continue;
            lua_getfield(L, targets, name);
            if (lua_isnil(L, -1)) {
                luaL_error(L, "rake: 'variables' names '%s', which has no targets", name);
                return NULL;
            }
            lua_pop(L, 1);
            if (k < n) v[k++].name = name;
        }
        int repeat = 0;
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                if (strcmp(v[i].name, v[j].name) == 0) repeat = 1;
        if (k != n || repeat) {
            luaL_error(L, "rake: 'variables' must list every variable of 'targets' once");
            return NULL;
        }
    } else {
        lua_pushnil(L);
        while (lua_next(L, targets)) {
            v[k++].name = lua_tostring(L, -2);
            lua_pop(L, 1);
        }
        for (size_t i = 1; i < n; i++) /* insertion sort by name: raking order must not depend on hashing */
            for (size_t j = i; j > 0 && strcmp(v[j - 1].name, v[j].name) > 0; j--) {
                tally_rake_var x = v[j];
                v[j] = v[j - 1], v[j - 1] = x;
            }
    }
    lua_pop(L, 1);
    luaL_checkstack(L, (int)n + 8, "rake: too many variables");
    for (size_t i = 0; i < n; i++) {
        lua_getfield(L, targets, v[i].name);
        v[i].targets = read_targets(L, -1, v[i].name, &v[i].ntargets);
        lua_remove(L, -2); /* the targets' scratch array stays on the stack */
    }
    *nv = n;
    return v;
}

static int choice(lua_State *L, int opts, const char *key, const char *const *names, int def)
{
    const char *s = tally_lua_opt_string(L, opts, key, NULL);
    if (!s) return def;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return luaL_error(L, "rake: option '%s' cannot be '%s'", key, s);
}

static void read_opts(lua_State *L, int opts, const tally_dataset *ds, tally_rake_opts *o)
{
    static const char *const units[] = {"percent", "proportion", "count", NULL};
    static const char *const missing[] = {"error", "exclude", "skip", NULL};
    tally_rake_opts_init(o);
    o->base.id = tally_lua_opt_string(L, opts, "id", NULL);
    o->base.title = tally_lua_opt_string(L, opts, "title", NULL);
    tally_report *r = tally_lua_report(L);
    o->base.lang = r ? tally_report_meta(r, "language") : NULL;
    o->weight_name = tally_lua_opt_string(L, opts, "weight", "rake_weight");
    const char *start = tally_lua_opt_string(L, opts, "start_weight", NULL);
    if (start) {
        o->start_weight = tally_lua_check_var(L, ds, start);
        if (ds->cols[o->start_weight]->type != TALLY_NUMERIC)
            luaL_error(L, "rake: the starting weight '%s' is not a numeric variable", start);
    }
    o->unit = choice(L, opts, "unit", units, TALLY_RAKE_PERCENT);
    o->missing = choice(L, opts, "missing", missing, TALLY_RAKE_MISSING_ERROR);
    o->tolerance = tally_lua_opt_number(L, opts, "tolerance", 1e-6);
    double it = tally_lua_opt_number(L, opts, "max_iter", 100);
    o->trim_min = tally_lua_opt_number(L, opts, "trim_min", NAN);
    o->trim_max = tally_lua_opt_number(L, opts, "trim_max", NAN);
    o->total = tally_lua_opt_number(L, opts, "total", NAN);
    if (!(o->tolerance > 0)) luaL_error(L, "rake: 'tolerance' must be above 0 (e.g. 1e-6)");
    if (!(it >= 1 && it <= 1e6)) luaL_error(L, "rake: 'max_iter' must be from 1 to 1000000");
    o->max_iter = (int)it;
    if (o->trim_min == o->trim_min && !(o->trim_min > 0 && o->trim_min < 1))
        luaL_error(L, "rake: 'trim_min' is a multiple of the mean weight below 1 (e.g. 0.3), not %g", o->trim_min);
    if (o->trim_max == o->trim_max && !(o->trim_max > 1))
        luaL_error(L, "rake: 'trim_max' is a multiple of the mean weight above 1 (e.g. 3), not %g", o->trim_max);
    if (o->total == o->total && !(o->total > 0)) luaL_error(L, "rake: 'total' must be above 0");
}

static void set_field(lua_State *L, const char *k, double v)
{
    if (v == v) lua_pushnumber(L, v);
    else lua_pushnil(L);
    lua_setfield(L, -2, k);
}

/* Pushes what rake and poststratify return: the dataset with the new weight, the two tables, the figures. */
static int push_weighting(lua_State *L, tally_dataset *ds, const tally_rake_opts *o, tally_rake_result *res,
                          const char *const *names, size_t nv, const char *kind)
{
    const char *who = strcmp(kind, "Rim weight") ? "poststratify" : "rake"; /* the method, as messages name it */
    for (size_t i = 0; i < nv; i++)
        if (strcmp(names[i], o->weight_name) == 0) {
            tally_rake_result_free(res);
            return luaL_error(L, "%s: the new weight cannot be called '%s': that is a variable it weights on; "
                                 "name it otherwise (weight = ...)", who, o->weight_name);
        }
    if (tally_dataset_find(ds, o->weight_name) >= 0)
        tally_log(TALLY_LOG_WARN, who, "the variable '%s' of dataset '%s' is replaced by the new weight", o->weight_name, ds->name);
    tally_column *col = tally_column_new(o->weight_name, TALLY_NUMERIC, ds->sel ? ds->phys_len : 0);
    if (ds->sel) {
        for (size_t i = 0; i < ds->nrows; i++) col->num[tally_row(ds, i)] = res->weights[i];
    } else { /* every row in order: the column takes the weights as they are (a million rows: 8 MB not copied) */
        free(col->num);
        col->num = res->weights, col->len = ds->nrows;
        res->weights = NULL;
    }
    sbuf label;
    sbuf_init(&label);
    sbuf_printf(&label, "%s:", tally_tr(o->base.lang, kind));
    for (size_t i = 0; i < nv; i++) sbuf_printf(&label, "%s %s", i ? "," : "", names[i]);
    tally_column_set_label(col, label.data);
    sbuf_free(&label);
    col->measure = TALLY_SCALE;
    tally_dataset *out = tally_dataset_copy(ds, ds->name);
    int idx = tally_dataset_attach_column(out, col);
    tally_column_unref(col);
    if (tally_lua_opt_bool(L, 2, "use", 1)) tally_dataset_set_weight(out, idx);
    if (res->warning) tally_log(TALLY_LOG_WARN, who, "%s", res->warning);
    tally_lua_push_dataset(L, out, 1);
    tally_lua_push_table(L, res->table);
    tally_lua_push_table(L, res->summary);
    lua_createtable(L, 0, 12);
    set_field(L, "iterations", res->iterations);
    lua_pushboolean(L, res->converged);
    lua_setfield(L, -2, "converged");
    set_field(L, "max_gap", res->max_gap);
    set_field(L, "cases", (double)res->ncases);
    set_field(L, "excluded", (double)res->nexcluded);
    set_field(L, "trimmed", (double)res->ntrimmed);
    set_field(L, "min", res->wmin);
    set_field(L, "max", res->wmax);
    set_field(L, "mean", res->wmean);
    set_field(L, "deff", res->deff);
    set_field(L, "efficiency", res->efficiency);
    set_field(L, "neff", res->neff);
    if (res->warning) lua_pushstring(L, res->warning), lua_setfield(L, -2, "warning");
    tally_rake_result_free(res);
    return 4;
}

/* ds:rake{ targets = {...}, weight = NAME, ... } -> dataset (with the weight), table, summary, info */
static int l_rake(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    tally_rake_opts o;
    read_opts(L, 2, ds, &o);
    size_t nv = 0;
    tally_rake_var *vars = read_vars(L, 2, &nv);
    const char **names = scratch(L, nv * sizeof *names);
    for (size_t i = 0; i < nv; i++) names[i] = vars[i].name;
    tally_rake_result res;
    char *err = NULL;
    if (tally_rake(ds, vars, nv, &o, &res, &err)) return tally_lua_raise(L, err);
    return push_weighting(L, ds, &o, &res, names, nv, "Rim weight");
}

/* One key of a poststratification cell: a code or a label. */
static void read_key(lua_State *L, int idx, tally_rake_target *t, size_t cell)
{
    if (lua_type(L, idx) == LUA_TNUMBER) t->text = NULL, t->code = lua_tonumber(L, idx);
    else if (lua_type(L, idx) == LUA_TSTRING) t->text = lua_tostring(L, idx), t->code = NAN;
    else luaL_error(L, "poststratify: targets[%d]: a category must be a code or a label, not %s", (int)cell,
                    luaL_typename(L, idx));
}

/* ds:poststratify{ variables = {"sex", "age"}, targets = { {1, "18-29", 10.5}, ... }, ... } */
static int l_poststratify(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    tally_rake_opts o;
    read_opts(L, 2, ds, &o);
    lua_getfield(L, 2, "variables");
    if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0)
        return luaL_error(L, "poststratify: 'variables' must list the variables crossed, e.g. { \"sex\", \"age\" }");
    int vidx = lua_gettop(L);
    size_t nv = lua_rawlen(L, vidx);
    const char **names = scratch(L, nv * sizeof *names);
    for (size_t j = 0; j < nv; j++) {
        lua_rawgeti(L, vidx, (lua_Integer)j + 1);
        names[j] = lua_tostring(L, -1);
        if (!names[j]) return luaL_error(L, "poststratify: variables[%d] must be a name", (int)j + 1);
        lua_pop(L, 1);
    }
    lua_getfield(L, 2, "targets");
    int tidx = lua_gettop(L);
    if (!lua_istable(L, tidx) || lua_rawlen(L, tidx) == 0)
        return luaL_error(L, "poststratify: 'targets' must list the cells, e.g. { { 1, \"18-29\", 10.5 }, ... }");
    size_t nc = lua_rawlen(L, tidx);
    tally_poststrat_cell *cells = scratch(L, nc * sizeof *cells);
    tally_rake_target *keys = scratch(L, nc * nv * sizeof *keys);
    for (size_t k = 0; k < nc; k++) {
        lua_rawgeti(L, tidx, (lua_Integer)k + 1);
        if (!lua_istable(L, -1) || lua_rawlen(L, -1) != nv + 1)
            return luaL_error(L, "poststratify: targets[%d] must be { one category per variable (%d), share }",
                              (int)k + 1, (int)nv);
        for (size_t j = 0; j < nv; j++) {
            lua_rawgeti(L, -1, (lua_Integer)j + 1);
            read_key(L, -1, &keys[k * nv + j], k + 1);
            lua_pop(L, 1); /* strings stay referenced by the targets table */
        }
        lua_rawgeti(L, -1, (lua_Integer)nv + 1);
        if (lua_type(L, -1) != LUA_TNUMBER)
            return luaL_error(L, "poststratify: targets[%d]: the last item must be the share (a number)", (int)k + 1);
        cells[k].keys = &keys[k * nv];
        cells[k].value = lua_tonumber(L, -1);
        lua_pop(L, 2);
    }
    tally_rake_result res;
    char *err = NULL;
    if (tally_poststratify(ds, names, nv, cells, nc, &o, &res, &err)) return tally_lua_raise(L, err);
    return push_weighting(L, ds, &o, &res, names, nv, "Poststratification weight");
}

/* ds:ci{ proportion = "q1 == 1" | mean = "age", level = 95, weighted = true }
 * -> { estimate, low, high, moe, n, neff }: a proportion in percent of the rows where the
 * expression is not missing (Wilson), or a mean (t); on the effective base when weighted. */
static int l_ci(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    const char *prop = tally_lua_opt_string(L, 2, "proportion", NULL);
    const char *mean = tally_lua_opt_string(L, 2, "mean", NULL);
    if (!prop == !mean) return luaL_error(L, "ci: give either proportion = CONDITION or mean = EXPRESSION");
    tally_stats_opts o;
    tally_stats_opts_init(&o);
    o.weighted = tally_lua_opt_bool(L, 2, "weighted", 1);
    double level = tally_lua_opt_number(L, 2, "level", 95);
    char *err = NULL;
    double *x = tally_expr_run(prop ? "ci proportion" : "ci mean", prop ? prop : mean, ds, &err);
    if (!x) return tally_lua_raise(L, err);
    tally_ci ci;
    int rc = prop ? tally_ci_proportion(ds, x, &o, level, &ci, &err) : tally_ci_mean(ds, x, &o, level, &ci, &err);
    free(x);
    if (rc) return tally_lua_raise(L, err);
    lua_createtable(L, 0, 6);
    set_field(L, "estimate", ci.est);
    set_field(L, "low", ci.lo);
    set_field(L, "high", ci.hi);
    set_field(L, "moe", ci.moe);
    set_field(L, "n", ci.n);
    set_field(L, "neff", ci.neff);
    return 1;
}

/* tally.append{ datasets = {"w1", "w2"}, labels = {"2020", "2021"}, wave = "wave", name = "all" }
 * -> dataset, { notes... } (labels merged, columns missing from a wave, ...) */
static int l_append(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "datasets");
    int didx = lua_gettop(L);
    if (!lua_istable(L, didx) || lua_rawlen(L, didx) < 2) return luaL_error(L, "append: 'datasets' must list two or more datasets");
    size_t n = lua_rawlen(L, didx);
    const tally_dataset **parts = scratch(L, n * sizeof *parts);
    const char **labels = scratch(L, n * sizeof *labels);
    lua_getfield(L, 1, "labels");
    int lidx = lua_gettop(L);
    if (lua_istable(L, lidx) && lua_rawlen(L, lidx) != n)
        return luaL_error(L, "append: 'labels' must give one label per dataset (%d)", (int)n);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, didx, (lua_Integer)i + 1);
        parts[i] = tally_lua_check_dataset(L, -1);
        lua_pop(L, 1); /* the datasets table keeps it */
        labels[i] = parts[i]->name;
        if (lua_istable(L, lidx)) {
            lua_rawgeti(L, lidx, (lua_Integer)i + 1);
            if (lua_isstring(L, -1)) labels[i] = lua_tostring(L, -1);
            lua_pop(L, 1);
        }
    }
    const char *wave = tally_lua_opt_string(L, 1, "wave", "wave");
    const char *name = tally_lua_opt_string(L, 1, "name", "waves");
    char **notes = NULL, *err = NULL;
    size_t nnotes = 0;
    tally_dataset *out = tally_waves_append(parts, labels, n, name, wave, &notes, &nnotes, &err);
    if (!out) return tally_lua_raise(L, err);
    tally_report *r = tally_lua_report(L);
    tally_column_set_label(out->cols[tally_dataset_find(out, wave)], tally_tr(r ? tally_report_meta(r, "language") : NULL, "Wave"));
    tally_lua_push_dataset(L, out, 1);
    lua_createtable(L, (int)nnotes, 0);
    for (size_t i = 0; i < nnotes; i++) {
        lua_pushstring(L, notes[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
        free(notes[i]);
    }
    free(notes);
    return 2;
}

/* ds:trend(var, wave, { means = false, weighted = true, id = ... }) -> figures table, change table */
static int l_trend(lua_State *L)
{
    lua_settop(L, 4);
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    int col = tally_lua_check_var(L, ds, luaL_checkstring(L, 2));
    int wcol = tally_lua_check_var(L, ds, luaL_checkstring(L, 3));
    tally_trend_opts o;
    tally_stats_opts_init(&o.base);
    if (!lua_isnil(L, 4)) luaL_checktype(L, 4, LUA_TTABLE);
    o.base.weighted = tally_lua_opt_bool(L, 4, "weighted", 1);
    o.base.id = tally_lua_opt_string(L, 4, "id", NULL);
    o.base.title = tally_lua_opt_string(L, 4, "title", NULL);
    o.means = tally_lua_opt_bool(L, 4, "means", 0);
    tally_report *r = tally_lua_report(L);
    o.base.lang = r ? tally_report_meta(r, "language") : NULL;
    char *err = NULL;
    tally_table *change = NULL;
    tally_table *t = tally_stats_trend(ds, col, wcol, &o, &change, &err);
    if (!t) return tally_lua_raise(L, err);
    tally_lua_push_table(L, t);
    tally_table_unref(t);
    tally_lua_push_table(L, change);
    tally_table_unref(change);
    return 2;
}

/* One option declaration { type = TYPE, default = DEF (0/1; -1 none), help = HELP } as spec[name]. */
static void declare_option(lua_State *L, const char *name, const char *type, int def, const char *help)
{
    lua_createtable(L, 0, 3);
    lua_pushstring(L, type);
    lua_setfield(L, -2, "type");
    if (def >= 0) lua_pushboolean(L, def), lua_setfield(L, -2, "default");
    lua_pushstring(L, help);
    lua_setfield(L, -2, "help");
    lua_setfield(L, 1, name);
}

/* tally.weighting_options(spec): spec (a tally.options declaration) with the options every
 * weighting stage (rake, poststratify) has: total, use, tables, id, title, into. */
static int l_weighting_options(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    declare_option(L, "total", "number", -1, "the weights sum to this (default: the counts' total, else the cases)");
    declare_option(L, "use", "boolean", 1, "make the new variable the dataset's weight for later stages");
    declare_option(L, "tables", "boolean", 1, "add the weighting table and its summary to the report");
    declare_option(L, "id", "string", -1, "id of the weighting table (default: rake_WEIGHT)");
    declare_option(L, "title", "string", -1, "title of the weighting table");
    declare_option(L, "into", "string", -1, "name of the resulting dataset (default: replaces `dataset`)");
    lua_settop(L, 1);
    return 1;
}

/* tally.report_weighting(weight, info [, table, summary]): what a weighting stage (rake,
 * poststratify) puts in the report from what its method returned: the weighting table and its
 * summary when given, and the named values WEIGHT_iterations, _deff, _efficiency, _neff, _min,
 * _max and _converged (1 or 0) from info; a figure that could not be computed sets none. */
static int l_report_weighting(lua_State *L)
{
    const char *w = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    for (int i = 3; i <= 4; i++)
        if (lua_toboolean(L, i)) tally_lua_report_add(L, tally_lua_check_table(L, i));
    tally_report *r = tally_lua_report(L);
    static const char *const keys[] = {"iterations", "deff", "efficiency", "neff", "min", "max", "converged"};
    for (size_t i = 0; r && i < sizeof keys / sizeof keys[0]; i++) {
        lua_getfield(L, 2, keys[i]);
        int isnum = lua_isnumber(L, -1), isbool = lua_isboolean(L, -1);
        double v = isbool ? lua_toboolean(L, -1) : lua_tonumber(L, -1);
        lua_pop(L, 1);
        if (!isnum && !isbool) continue;
        char *name = xasprintf("%s_%s", w, keys[i]);
        tally_report_set_value(r, name, v, TALLY_VALUE_NUMBER, NULL);
        free(name);
    }
    return 0;
}

int tally_lua_open_weights(lua_State *L)
{
    static const luaL_Reg methods[] = {{"rake", l_rake}, {"poststratify", l_poststratify}, {"ci", l_ci},
                                       {"trend", l_trend}, {NULL, NULL}};
    tally_lua_add_dataset_methods(L, methods);
    lua_pushcfunction(L, l_append); /* the `tally` library table is at the top of the stack */
    lua_setfield(L, -2, "append");
    lua_pushcfunction(L, l_report_weighting);
    lua_setfield(L, -2, "report_weighting");
    lua_pushcfunction(L, l_weighting_options);
    lua_setfield(L, -2, "weighting_options");
    return 0;
}
