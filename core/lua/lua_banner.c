/* lua_banner.c: ds:banner(rows, columns, opts) for the banner and tabbook stages. */
#include "lua_api.h"
#include "banner.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *scratch(lua_State *L, size_t n) { return lua_newuserdatauv(L, n ? n : 1, 0); }

/* Raises "unknown variable or set 'x' in dataset 'd' (did you mean 'y'?)". */
static int unknown_name(lua_State *L, const tally_dataset *ds, const char *what, const char *name)
{
    size_t n = ds->ncols + ds->nmrsets;
    const char **names = scratch(L, n * sizeof *names);
    for (size_t i = 0; i < ds->ncols; i++) names[i] = ds->cols[i]->name;
    for (size_t i = 0; i < ds->nmrsets; i++) names[ds->ncols + i] = ds->mrsets[i].name;
    const char *near = str_closest(name, names, n);
    return luaL_error(L, "%s: unknown variable or multiple-response set '%s' in dataset '%s'%s%s%s", what, name,
                      ds->name, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

/* A variable or set by name into (var, set). */
static void resolve(lua_State *L, const tally_dataset *ds, const char *what, const char *name, int *var,
                    const tally_mrset **set)
{
    *var = tally_dataset_find(ds, name);
    *set = NULL;
    if (*var >= 0) return;
    *set = tally_dataset_find_mrset(ds, name);
    if (!*set) unknown_name(L, ds, what, name);
}

/* 1 when `name` is in the list at field `key` of the options table. */
static int listed(lua_State *L, int opts, const char *key, const char *name)
{
    if (!lua_istable(L, opts)) return 0;
    lua_getfield(L, opts, key);
    int found = 0;
    if (lua_istable(L, -1))
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1) && !found; i++) {
            lua_rawgeti(L, -1, i);
            found = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), name) == 0;
            lua_pop(L, 1);
        }
    lua_pop(L, 1);
    return found;
}

/* A list of names (or one name) at idx as specs; columns may nest "outer>inner". */
static tally_bn_spec *check_specs(lua_State *L, const tally_dataset *ds, int idx, int opts, int columns, size_t *n)
{
    const char *what = columns ? "banner: columns" : "banner: rows";
    if (lua_type(L, idx) == LUA_TSTRING) {
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, idx);
        lua_rawseti(L, -2, 1);
        lua_replace(L, idx);
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    size_t len = lua_rawlen(L, idx);
    if (len == 0) luaL_error(L, "%s: an empty list", what);
    tally_bn_spec *s = scratch(L, len * sizeof *s);
    for (size_t i = 0; i < len; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "%s: entries must be names (strings)", what);
        const char *name = lua_tostring(L, -1);
        memset(&s[i], 0, sizeof s[i]);
        s[i].inner = -1;
        const char *gt = columns ? strchr(name, '>') : NULL;
        if (gt) {
            char *outer = scratch(L, (size_t)(gt - name) + 1);
            memcpy(outer, name, (size_t)(gt - name));
            outer[gt - name] = '\0';
            resolve(L, ds, what, outer, &s[i].var, &s[i].set);
            resolve(L, ds, what, gt + 1, &s[i].inner, &s[i].inner_set);
            lua_pop(L, 1);
        } else {
            resolve(L, ds, what, name, &s[i].var, &s[i].set);
        }
        if (!columns && s[i].var >= 0) {
            const tally_column *c = ds->cols[s[i].var];
            /* a numeric variable of unknown measure, without value labels, with more distinct values
             * than a banner shows as categories (50) is taken as a scale; `categorical` overrides */
            int many = c->type == TALLY_NUMERIC && c->measure == TALLY_MEASURE_UNKNOWN && c->nlabels == 0 &&
                       (!c->codes || c->nlevels > 50);
            s[i].scale = c->measure == TALLY_SCALE || many || listed(L, opts, "scale", name);
        }
        if (!columns && s[i].var >= 0 && ds->cols[s[i].var]->type == TALLY_NUMERIC && listed(L, opts, "categorical", name))
            s[i].scale = 0;
        lua_pop(L, 1);
    }
    *n = len;
    return s;
}

/* nets = { ["Top 2 box"] = { 4, 5 } }, in label order so the layout is stable. Scratch
 * memory for the nets and their codes stays on the stack below the options. */
static tally_bn_net *check_nets(lua_State *L, int opts, size_t *n)
{
    *n = 0;
    if (!lua_istable(L, opts)) return NULL;
    lua_getfield(L, opts, "nets");
    int t = lua_gettop(L);
    if (lua_isnil(L, t)) return NULL;
    if (!lua_istable(L, t)) luaL_error(L, "option 'nets' must be a table: nets = { [\"Top 2 box\"] = { 4, 5 } }");
    size_t cap = 0, ncodes = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1))
            luaL_error(L, "option 'nets': each entry is [\"label\"] = { codes }");
        cap++;
        ncodes += lua_rawlen(L, -1);
        lua_pop(L, 1);
    }
    tally_bn_net *nets = scratch(L, cap * sizeof *nets);
    double *codes = scratch(L, ncodes * sizeof *codes);
    size_t used = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        size_t k = lua_rawlen(L, -1);
        for (size_t i = 0; i < k; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            if (!lua_isnumber(L, -1)) luaL_error(L, "option 'nets': codes must be numbers");
            codes[used + i] = lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        const char *label = lua_tostring(L, -2); /* a key of the nets table, which stays on the stack */
        size_t j = *n;
        while (j > 0 && strcmp(nets[j - 1].label, label) > 0) {
            nets[j] = nets[j - 1];
            j--;
        }
        nets[j].label = label;
        nets[j].codes = codes + used;
        nets[j].ncodes = k;
        used += k;
        (*n)++;
        lua_pop(L, 1);
    }
    return nets;
}

static double opt_level(lua_State *L, int opts, int which, double def)
{
    if (!lua_istable(L, opts)) return def;
    lua_getfield(L, opts, "sig");
    double v = def;
    if (lua_istable(L, -1)) {
        lua_rawgeti(L, -1, which);
        if (lua_isnumber(L, -1)) v = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (!(v > 0 && v < 1)) luaL_error(L, "option 'sig' takes two levels between 0 and 1, e.g. { 0.05, 0.10 }");
    return v;
}

/* The comparisons made: { { section =, row =, a = "A", b = "B", test = "t", stat =, df =, p =, p_adjusted = } } */
static void push_tests(lua_State *L, const tally_table *t)
{
    const tally_banner *b = tally_table_banner(t);
    lua_createtable(L, b ? (int)b->ntests : 0, 0);
    for (size_t i = 0; b && i < b->ntests; i++) {
        const tally_bn_test *x = &b->tests[i];
        const char *section = "";
        for (size_t r = 0; r <= x->row; r++)
            if (b->rows[r].type == TALLY_ROW_SECTION) section = b->rows[r].label;
        lua_createtable(L, 0, 9);
        lua_pushstring(L, section);
        lua_setfield(L, -2, "section");
        lua_pushstring(L, b->rows[x->row].label);
        lua_setfield(L, -2, "row");
        lua_pushstring(L, b->cols[x->a].letter);
        lua_setfield(L, -2, "a");
        lua_pushstring(L, b->cols[x->b].letter);
        lua_setfield(L, -2, "b");
        lua_pushlstring(L, &x->kind, 1);
        lua_setfield(L, -2, "test");
        lua_pushnumber(L, x->stat);
        lua_setfield(L, -2, "stat");
        lua_pushnumber(L, x->df);
        lua_setfield(L, -2, "df");
        lua_pushnumber(L, x->p);
        lua_setfield(L, -2, "p");
        lua_pushnumber(L, x->p_adjusted);
        lua_setfield(L, -2, "p_adjusted");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* The options table at 4 into o (names on the Lua stack stay valid while it runs). */
static void read_opts(lua_State *L, tally_bn_opts *o)
{
    tally_bn_opts_init(o);
    tally_lua_read_base_opts(L, 4, &o->base);
    int cells = tally_lua_cells_option(L, 4);
    if (cells) o->cells = cells;
    o->tests = tally_lua_opt_bool(L, 4, "tests", 1);
    o->welch = tally_lua_opt_bool(L, 4, "welch", 0);
    o->bonferroni = tally_lua_opt_bool(L, 4, "bonferroni", 0);
    o->sig_upper = opt_level(L, 4, 1, 0.05);
    o->sig_lower = opt_level(L, 4, 2, 0.10);
    if (o->sig_lower < o->sig_upper) luaL_error(L, "option 'sig': the second (lower case) level must be at least the first");
    o->min_base = tally_lua_opt_number(L, 4, "min_base", 30);
    o->low_base = tally_lua_opt_number(L, 4, "low_base", 30);
    o->very_low_base = tally_lua_opt_number(L, 4, "very_low_base", 10);
    o->total_first = tally_lua_opt_bool(L, 4, "total_first", 1);
    o->sort = tally_lua_opt_bool(L, 4, "sort", 0);
    o->hide_empty = tally_lua_opt_bool(L, 4, "hide_empty", 0);
    o->cell_style = tally_lua_opt_string(L, 4, "cell_style", "stacked");
    if (strcmp(o->cell_style, "stacked") && strcmp(o->cell_style, "combined") && strcmp(o->cell_style, "separate"))
        luaL_error(L, "option 'cell_style' must be stacked, combined or separate, not '%s'", o->cell_style);
    o->nets = check_nets(L, 4, &o->nnets);
    o->ci = tally_lua_opt_number(L, 4, "ci", 0);
    if (o->ci != 0 && !(o->ci > 0 && o->ci < 100)) {
        char level[32];
        snprintf(level, sizeof level, "%g", o->ci);
        luaL_error(L, "option 'ci': confidence level must be a percentage between 0 and 100 (e.g. 95), not %s", level);
    }
}

/* The arguments ds:banner and ds:banner_book take, (ds, rows, columns, opts): the row and column
 * specs on scratch memory, the options into o. Returns the dataset (borrowed). */
static tally_dataset *banner_args(lua_State *L, tally_bn_spec **rows, size_t *nr, tally_bn_spec **cols, size_t *nc,
                                  tally_bn_opts *o)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    if (!lua_isnoneornil(L, 4)) luaL_checktype(L, 4, LUA_TTABLE);
    lua_settop(L, 4);
    *rows = check_specs(L, ds, 2, 4, 0, nr);
    *cols = check_specs(L, ds, 3, 4, 1, nc);
    read_opts(L, o);
    return ds;
}

/* Raises the kernel's error `err` (freed here) as a Lua error. */
static int banner_error(lua_State *L, char *err)
{
    lua_pushstring(L, err ? err : "banner failed");
    free(err);
    return lua_error(L);
}

/* ds:banner(rows, columns, opts) -> table, comparisons: every row question a section of one table */
int tally_lua_banner(lua_State *L)
{
    size_t nr, nc;
    tally_bn_spec *rows, *cols;
    tally_bn_opts o;
    tally_dataset *ds = banner_args(L, &rows, &nr, &cols, &nc, &o);
    char *err = NULL;
    tally_table *t = tally_stats_banner(ds, rows, nr, cols, nc, &o, &err);
    if (!t) return banner_error(L, err);
    tally_lua_push_table(L, t);
    push_tests(L, t);
    tally_table_unref(t);
    return 2;
}

/* ds:banner_book(rows, columns, opts) -> { table, ... }: one table per row question, the
 * banner's columns built once (opts.id: the id prefix, "PREFIX_NAME") */
int tally_lua_banner_book(lua_State *L)
{
    size_t nr, nc;
    tally_bn_spec *rows, *cols;
    tally_bn_opts o;
    tally_dataset *ds = banner_args(L, &rows, &nr, &cols, &nc, &o);
    const char *prefix = o.base.id;
    o.base.id = NULL;
    tally_table **out = scratch(L, nr * sizeof *out);
    char *err = NULL;
    if (tally_stats_banner_book(ds, rows, nr, cols, nc, &o, out, &err) < 0) return banner_error(L, err);
    lua_createtable(L, (int)nr, 0);
    for (size_t i = 0; i < nr; i++) {
        if (prefix) {
            const char *name = rows[i].set ? rows[i].set->name : ds->cols[rows[i].var]->name;
            char *id = xasprintf("%s_%s", prefix, name);
            tally_table_set_id(out[i], id);
            free(id);
        }
        tally_lua_push_table(L, out[i]);
        tally_table_unref(out[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}
