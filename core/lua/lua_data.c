/* lua_data.c: dataset methods for Lua stages: filter, compute, recode, dedupe, join, count_by and lookups. */
#include "dataops.h"
#include "expr.h"
#include "lua_api.h"
#include "treatment.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every method checks its Lua arguments into stack-anchored memory (strings
 * stay on the stack, scratch arrays are userdata) before calling C, so an
 * argument error cannot leak; C errors are raised after C memory is freed.
 * New datasets are pushed owned by Lua (tally.set_dataset takes them over).
 */

int tally_lua_raise(lua_State *L, char *msg)
{
    luaL_where(L, 1);
    lua_pushstring(L, msg);
    free(msg);
    lua_concat(L, 2);
    return lua_error(L);
}

static void *scratch(lua_State *L, size_t n)
{
    return lua_newuserdatauv(L, n ? n : 1, 0);
}

static void push_number_or_nil(lua_State *L, double v)
{
    if (v != v) lua_pushnil(L);
    else if (v == floor(v) && fabs(v) < 9e15) lua_pushinteger(L, (lua_Integer)v);
    else lua_pushnumber(L, v);
}

/* Reads a string or a list of strings at idx into a scratch array; returns the count. */
static const char **string_list(lua_State *L, int idx, const char *what, size_t *n)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char **v = scratch(L, sizeof *v);
        v[0] = lua_tostring(L, idx);
        *n = 1;
        return v;
    }
    if (!lua_istable(L, idx)) {
        luaL_error(L, "%s must be a variable name or a list of names, not %s", what, luaL_typename(L, idx));
        return NULL;
    }
    size_t len = lua_rawlen(L, idx);
    const char **v = scratch(L, len * sizeof *v);
    for (size_t i = 0; i < len; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            luaL_error(L, "%s: item %d must be a name, not %s", what, (int)i + 1, luaL_typename(L, -1));
            return NULL;
        }
        v[i] = lua_tostring(L, -1);
        lua_pop(L, 1); /* still referenced by the table */
    }
    *n = len;
    return v;
}

/* ---- filter, compute, aggregates ---------------------------------------------------- */

/* ds:filter(expr) -> view, rows */
static int l_filter(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    const char *expr = luaL_checkstring(L, 2);
    char *err = NULL;
    tally_dataset *out = tally_data_filter(ds, expr, &err);
    if (!out) return tally_lua_raise(L, err);
    tally_lua_push_dataset(L, out, 1);
    lua_pushinteger(L, (lua_Integer)out->nrows);
    return 2;
}

/* ds:compute(name, expr [, label]) -> dataset */
static int l_compute(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    const char *name = luaL_checkstring(L, 2), *expr = luaL_checkstring(L, 3);
    const char *label = luaL_optstring(L, 4, NULL);
    char *err = NULL;
    tally_dataset *out = tally_data_compute(ds, name, expr, label, &err);
    if (!out) return tally_lua_raise(L, err);
    tally_lua_push_dataset(L, out, 1);
    return 1;
}

/* Evaluates expr over ds into scratch memory on the Lua stack. */
static double *eval_scratch(lua_State *L, const tally_dataset *ds, const char *what, const char *expr)
{
    char *err = NULL;
    double *v = tally_expr_run(what, expr, ds, &err);
    if (!v) tally_lua_raise(L, err);
    double *s = scratch(L, ds->nrows * sizeof *s);
    memcpy(s, v, ds->nrows * sizeof *s);
    free(v);
    return s;
}

/* ds:sum(expr) -> sum over rows of the non-missing values (0 when none) */
static int l_sum(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    double *v = eval_scratch(L, ds, "sum", luaL_checkstring(L, 2)), total = 0;
    for (size_t i = 0; i < ds->nrows; i++)
        if (v[i] == v[i]) total += v[i];
    push_number_or_nil(L, total);
    return 1;
}

/* ds:count_if(expr) -> rows where expr is true */
static int l_count_if(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    double *v = eval_scratch(L, ds, "count_if", luaL_checkstring(L, 2));
    lua_Integer n = 0;
    for (size_t i = 0; i < ds->nrows; i++) n += v[i] == v[i] && v[i] != 0;
    lua_pushinteger(L, n);
    return 1;
}

/* ---- recode ---------------------------------------------------------------------------- */

/* A rule's target: a number, or false for system-missing. */
static double check_target(lua_State *L, int idx, const char *where)
{
    if (lua_type(L, idx) == LUA_TNUMBER) return lua_tonumber(L, idx);
    if (lua_type(L, idx) == LUA_TBOOLEAN && !lua_toboolean(L, idx)) return NAN;
    luaL_error(L, "recode: %s must map to a number (or false for missing), not %s", where, luaL_typename(L, idx));
    return NAN;
}

static double range_end(lua_State *L, int idx, int n)
{
    if (lua_type(L, idx) == LUA_TNUMBER) return lua_tonumber(L, idx);
    const char *s = lua_tostring(L, idx);
    if (s && (strcmp(s, "lowest") == 0 || strcmp(s, "lo") == 0)) return -INFINITY;
    if (s && (strcmp(s, "highest") == 0 || strcmp(s, "hi") == 0)) return INFINITY;
    luaL_error(L, "recode: range %d: ends must be numbers, \"lowest\" or \"highest\", not %s", n,
               s ? s : luaL_typename(L, idx));
    return NAN;
}

/* Raises an error for a field of the recode spec (at 2) that recode does not know. */
static void check_recode_fields(lua_State *L)
{
    static const char *const known[] = {"var", "into", "map", "ranges", "missing", "otherwise", "else", "labels", "label"};
    const size_t nknown = sizeof known / sizeof *known;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
        int ok = 0;
        for (size_t q = 0; q < nknown; q++) ok |= strcmp(known[q], k) == 0;
        if (!ok) {
            char *unknown = str_unknown("field", k, known, nknown);
            lua_pushfstring(L, "recode: %s (fields: var, into, map, ranges, missing, otherwise, labels, label)", unknown);
            free(unknown);
            lua_error(L);
        }
    }
}

/* The rules of the recode spec at 2: its map entries, ranges and missing, in scratch
 * memory anchored on the stack. */
static void read_recode_rules(lua_State *L, tally_recode_spec *sp)
{
    /* count the rules first: map entries, ranges, missing */
    lua_getfield(L, 2, "map");
    int map = lua_gettop(L);
    lua_getfield(L, 2, "ranges");
    int ranges = lua_gettop(L);
    lua_getfield(L, 2, "missing");
    int missing = lua_gettop(L);
    if (!lua_isnil(L, map) && !lua_istable(L, map)) luaL_error(L, "recode: 'map' must be a table { [old] = new }");
    if (!lua_isnil(L, ranges) && !lua_istable(L, ranges)) luaL_error(L, "recode: 'ranges' must be a list of { low, high, new }");
    size_t nmap = 0;
    if (lua_istable(L, map)) {
        lua_pushnil(L);
        while (lua_next(L, map)) { nmap++; lua_pop(L, 1); }
    }
    size_t nranges = lua_istable(L, ranges) ? lua_rawlen(L, ranges) : 0;
    size_t cap = nmap + nranges + 1;
    tally_recode_rule *rules = scratch(L, cap * sizeof *rules);
    /* map: numeric keys in ascending order are not needed: keys are distinct, order does not matter */
    if (lua_istable(L, map)) {
        lua_pushnil(L);
        while (lua_next(L, map)) {
            tally_recode_rule *r = &rules[sp->nrules++];
            memset(r, 0, sizeof *r);
            if (lua_type(L, -2) == LUA_TNUMBER) {
                r->kind = TALLY_RECODE_VALUE;
                r->from = lua_tonumber(L, -2);
            } else {
                r->kind = TALLY_RECODE_TEXT;
                r->text = lua_tostring(L, -2); /* anchored by the map table */
            }
            r->to = check_target(L, -1, "map");
            lua_pop(L, 1);
        }
    }
    for (size_t i = 0; i < nranges; i++) {
        lua_rawgeti(L, ranges, (lua_Integer)i + 1);
        if (!lua_istable(L, -1) || lua_rawlen(L, -1) != 3)
            luaL_error(L, "recode: range %d must be { low, high, new }", (int)i + 1);
        tally_recode_rule *r = &rules[sp->nrules++];
        memset(r, 0, sizeof *r);
        r->kind = TALLY_RECODE_RANGE;
        lua_rawgeti(L, -1, 1);
        r->lo = range_end(L, -1, (int)i + 1);
        lua_rawgeti(L, -2, 2);
        r->hi = range_end(L, -1, (int)i + 1);
        lua_rawgeti(L, -3, 3);
        r->to = check_target(L, -1, "a range");
        lua_pop(L, 4);
    }
    if (!lua_isnil(L, missing)) {
        tally_recode_rule *r = &rules[sp->nrules++];
        memset(r, 0, sizeof *r);
        r->kind = TALLY_RECODE_MISSING;
        r->to = check_target(L, missing, "'missing'");
    }
    sp->rules = rules;

}

/* The recode spec's otherwise (or else): "copy", "missing", false or a number. */
static void read_recode_otherwise(lua_State *L, tally_recode_spec *sp)
{
    lua_getfield(L, 2, "otherwise");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_getfield(L, 2, "else");
    }
    if (lua_type(L, -1) == LUA_TNUMBER) {
        sp->otherwise = TALLY_ELSE_VALUE;
        sp->else_value = lua_tonumber(L, -1);
    } else if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "copy") == 0) {
        sp->otherwise = TALLY_ELSE_COPY;
    } else if (!lua_isnil(L, -1) && !(lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "missing") == 0) &&
               !(lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
        luaL_error(L, "recode: 'otherwise' must be \"copy\", \"missing\" or a number, not %s",
                          lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    lua_pop(L, 1);

}

/* The recode spec's labels { [code] = "label" }, anchored on the stack. */
static void read_recode_labels(lua_State *L, tally_recode_spec *sp)
{
    lua_getfield(L, 2, "labels");
    if (lua_istable(L, -1)) {
        int lt = lua_gettop(L);
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, lt)) { n++; lua_pop(L, 1); }
        tally_value_label *labels = scratch(L, n * sizeof *labels);
        lua_pushnil(L);
        while (lua_next(L, lt)) {
            if (lua_type(L, -2) != LUA_TNUMBER || lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "recode: labels are written { [code] = \"label\" }");
            tally_value_label *l = &labels[sp->nlabels++];
            l->code = lua_tonumber(L, -2);
            l->scode = NULL;
            l->label = (char *)lua_tostring(L, -1); /* anchored by the labels table; only read */
            lua_pop(L, 1);
        }
        sp->labels = labels;
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "recode: 'labels' must be a table { [code] = \"label\" }");
    }

}

/* ds:recode{ var=, into=, map=, ranges=, missing=, otherwise=, labels=, label= } -> dataset */
static int l_recode(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_recode_fields(L);
    tally_recode_spec sp = {0};
    sp.src = tally_lua_opt_string(L, 2, "var", NULL);
    if (!sp.src) return luaL_error(L, "recode: field 'var' (the variable to recode) is required");
    tally_lua_check_var(L, ds, sp.src);
    sp.dst = tally_lua_opt_string(L, 2, "into", NULL);
    sp.label = tally_lua_opt_string(L, 2, "label", NULL);
    read_recode_rules(L, &sp);
    read_recode_otherwise(L, &sp);
    read_recode_labels(L, &sp);
    char *err = NULL;
    tally_dataset *out = tally_data_recode(ds, &sp, &err);
    if (!out) return tally_lua_raise(L, err);
    tally_lua_push_dataset(L, out, 1);
    return 1;
}

/* ---- dedupe, join, count_by ------------------------------------------------------------------ */

/* ds:dedupe{ key=, keep="first"|"last", order= } -> dataset, dropped, details */
static int l_dedupe(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "key");
    if (lua_isnil(L, -1)) return luaL_error(L, "dedupe: field 'key' (the variable or variables that identify a case) is required");
    size_t nkeys = 0;
    const char **keys = string_list(L, -1, "dedupe: 'key'", &nkeys);
    for (size_t i = 0; i < nkeys; i++) tally_lua_check_var(L, ds, keys[i]);
    const char *keep = tally_lua_opt_string(L, 2, "keep", "first");
    if (strcmp(keep, "first") != 0 && strcmp(keep, "last") != 0)
        return luaL_error(L, "dedupe: 'keep' must be \"first\" or \"last\", not \"%s\"", keep);
    const char *order = tally_lua_opt_string(L, 2, "order", NULL);
    if (order) tally_lua_check_var(L, ds, order);
    tally_dedupe_result res;
    char *err = NULL;
    tally_dataset *out = tally_data_dedupe(ds, keys, nkeys, strcmp(keep, "last") == 0, order, &res, &err);
    if (!out) return tally_lua_raise(L, err);
    tally_lua_push_dataset(L, out, 1);
    lua_pushinteger(L, (lua_Integer)res.dropped);
    lua_createtable(L, (int)res.ndups, 1);
    for (size_t i = 0; i < res.ndups; i++) {
        lua_createtable(L, 0, 2);
        lua_pushstring(L, res.dups[i].key);
        lua_setfield(L, -2, "key");
        lua_pushinteger(L, (lua_Integer)res.dups[i].rows);
        lua_setfield(L, -2, "rows");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, (lua_Integer)res.missing_keys);
    lua_setfield(L, -2, "missing_keys");
    tally_dedupe_result_free(&res);
    return 3;
}

/* ds:join(other, { key=, other_key=, vars= }) -> dataset, unmatched, matched */
static int l_join(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    tally_dataset *other = tally_lua_check_dataset(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    const char *key = tally_lua_opt_string(L, 3, "key", NULL);
    if (!key) return luaL_error(L, "join: field 'key' (the variable both datasets share) is required");
    const char *other_key = tally_lua_opt_string(L, 3, "other_key", NULL);
    const char **vars = NULL;
    size_t nvars = 0;
    lua_getfield(L, 3, "vars");
    if (!lua_isnil(L, -1)) vars = string_list(L, -1, "join: 'vars'", &nvars);
    tally_join_result res;
    char *err = NULL;
    tally_dataset *out = tally_data_join(ds, other, key, other_key, vars, nvars, &res, &err);
    if (!out) return tally_lua_raise(L, err);
    tally_lua_push_dataset(L, out, 1);
    lua_pushinteger(L, (lua_Integer)res.unmatched);
    lua_pushinteger(L, (lua_Integer)res.matched);
    return 3;
}

/* ds:count_by(var [, { weight = true | "w" }]) -> { {value=, label=, count=, rows=, missing=}, ... } */
static int l_count_by(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    const char *var = luaL_checkstring(L, 2);
    tally_lua_check_var(L, ds, var);
    const char *weight = NULL;
    if (lua_istable(L, 3)) {
        lua_getfield(L, 3, "weight");
        if (lua_type(L, -1) == LUA_TSTRING) weight = lua_tostring(L, -1);
        else if (lua_toboolean(L, -1) && ds->weight >= 0) weight = ds->cols[ds->weight]->name;
    }
    tally_counts c;
    char *err = NULL;
    if (tally_data_count_by(ds, var, weight, &c, &err) != 0) return tally_lua_raise(L, err);
    lua_createtable(L, (int)c.n, 0);
    for (size_t i = 0; i < c.n; i++) {
        const tally_group_count *g = &c.groups[i];
        lua_createtable(L, 0, 5);
        if (g->text) lua_pushstring(L, g->text);
        else push_number_or_nil(L, g->code);
        lua_setfield(L, -2, "value");
        if (g->label) {
            lua_pushstring(L, g->label);
            lua_setfield(L, -2, "label");
        }
        push_number_or_nil(L, g->count);
        lua_setfield(L, -2, "count");
        lua_pushinteger(L, (lua_Integer)g->rows);
        lua_setfield(L, -2, "rows");
        lua_pushboolean(L, g->missing);
        lua_setfield(L, -2, "missing");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    tally_counts_free(&c);
    return 1;
}

/* ---- metadata and cells ------------------------------------------------------------------------ */

static int l_nrows(lua_State *L) { return tally_lua_return_count(L, tally_lua_check_dataset(L, 1)->nrows); }

static int l_variables(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    lua_createtable(L, (int)ds->ncols, 0);
    for (size_t i = 0; i < ds->ncols; i++) {
        lua_pushstring(L, ds->cols[i]->name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static void set_str(lua_State *L, const char *k, const char *v)
{
    if (!v) return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

/* ds:var(name) -> { name, label, type, measure, values = {[code]=label}, missing = {codes}, ... } */
static int l_var(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    const tally_column *c = ds->cols[tally_lua_check_var(L, ds, luaL_checkstring(L, 2))];
    static const char *const measures[] = {NULL, "nominal", "ordinal", "scale"};
    lua_createtable(L, 0, 10);
    set_str(L, "name", c->name);
    set_str(L, "label", c->label);
    set_str(L, "type", c->type == TALLY_STRING ? "string" : "numeric");
    set_str(L, "measure", c->measure >= 0 && c->measure <= 3 ? measures[c->measure] : NULL);
    set_str(L, "format", c->format);
    lua_pushboolean(L, c->is_date);
    lua_setfield(L, -2, "is_date");
    lua_pushinteger(L, c->is_date); /* the tally_date_kind, for tally.format_date */
    lua_setfield(L, -2, "date_kind");
    lua_createtable(L, 0, (int)c->nlabels);
    for (size_t i = 0; i < c->nlabels; i++) {
        if (c->labels[i].scode) lua_pushstring(L, c->labels[i].scode);
        else push_number_or_nil(L, c->labels[i].code);
        lua_pushstring(L, c->labels[i].label);
        lua_rawset(L, -3);
    }
    lua_setfield(L, -2, "values");
    lua_createtable(L, (int)(c->nmissing + c->nsmissing), 0);
    lua_Integer k = 1;
    for (size_t i = 0; i < c->nmissing; i++, k++) {
        push_number_or_nil(L, c->missing[i]);
        lua_rawseti(L, -2, k);
    }
    for (size_t i = 0; i < c->nsmissing; i++, k++) {
        lua_pushstring(L, c->smissing[i]);
        lua_rawseti(L, -2, k);
    }
    lua_setfield(L, -2, "missing");
    if (c->has_range) {
        lua_createtable(L, 2, 0);
        lua_pushnumber(L, c->range_lo);
        lua_rawseti(L, -2, 1);
        lua_pushnumber(L, c->range_hi);
        lua_rawseti(L, -2, 2);
        lua_setfield(L, -2, "missing_range");
    }
    return 1;
}

/* ds:value(row, var) -> one cell (row 1-based): number, nil for system-missing, or text */
static int l_value(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    lua_Integer row = luaL_checkinteger(L, 2);
    const tally_column *c = ds->cols[tally_lua_check_var(L, ds, luaL_checkstring(L, 3))];
    if (row < 1 || (lua_Unsigned)row > ds->nrows)
        return luaL_error(L, "row %I is out of range (dataset '%s' has %I rows)", row, ds->name, (lua_Integer)ds->nrows);
    size_t r = tally_row(ds, (size_t)row - 1);
    if (c->type == TALLY_STRING) lua_pushstring(L, tally_column_string(c, r));
    else push_number_or_nil(L, tally_col_num(c, r));
    return 1;
}

/* ---- tally.eval(expr): an expression over the report's named values ------------------------------- */

static int l_eval(lua_State *L)
{
    const char *src = luaL_checkstring(L, 1);
    tally_report *rep = tally_lua_report(L);
    tally_dataset *vals = tally_dataset_new("named values");
    for (size_t i = 0; rep && i < rep->nvalues; i++)
        tally_dataset_add_column(vals, rep->values[i].name, rep->values[i].is_number ? TALLY_NUMERIC : TALLY_STRING);
    tally_dataset_resize(vals, 1);
    for (size_t i = 0; rep && i < rep->nvalues; i++) {
        int c = tally_dataset_find(vals, rep->values[i].name);
        if (c < 0) continue;
        if (rep->values[i].is_number) vals->cols[c]->num[0] = rep->values[i].number;
        else if (rep->values[i].text) tally_dataset_set_string(vals, c, 0, rep->values[i].text, strlen(rep->values[i].text));
    }
    char *err = NULL;
    double *v = tally_expr_run("expression", src, vals, &err);
    tally_dataset_free(vals);
    if (!v) return tally_lua_raise(L, err);
    double x = v[0];
    free(v);
    push_number_or_nil(L, x);
    return 1;
}

/* ds:treatment(var [, max_categories]) -> "categorical" | "scale" | "text" | "identifier" | "date":
 * how the default report treats the variable (treatment.h; `tally describe` says the same) */
static int l_treatment(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    int col = tally_lua_check_var(L, ds, luaL_checkstring(L, 2));
    lua_Integer max = luaL_optinteger(L, 3, TALLY_DEFAULT_MAX_CATEGORIES);
    lua_pushstring(L, tally_treatment_name(tally_treatment_of(ds, col, (int)max)));
    return 1;
}

int tally_lua_open_data(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"filter", l_filter},     {"compute", l_compute},   {"recode", l_recode},       {"dedupe", l_dedupe},
        {"join", l_join},         {"count_by", l_count_by}, {"nrows", l_nrows},         {"var", l_var},
        {"variables", l_variables}, {"sum", l_sum},       {"count_if", l_count_if},   {"value", l_value},
        {"treatment", l_treatment}, {NULL, NULL}};
    tally_lua_add_dataset_methods(L, methods);
    tally_lua_open_weights(L);
    /* the `tally` library table is at the top of the stack */
    lua_pushcfunction(L, l_eval);
    lua_setfield(L, -2, "eval");
    return 0;
}
