/* lua_table.c: datasets and result tables as Lua userdata, and the tally.table constructor. */
#include "lua_api.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ds_box {
    tally_dataset *ds;
    int owned;
} ds_box;

typedef struct table_box {
    tally_table *t;
} table_box;

/* ---- datasets -------------------------------------------------------------------- */

void tally_lua_push_dataset(lua_State *L, tally_dataset *ds, int owned)
{
    ds_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->ds = ds;
    b->owned = owned;
    luaL_setmetatable(L, TALLY_LUA_DATASET);
}

/* A box whose finaliser ran may still be reached (a key of a weak-keyed table
 * stays there for one more collection): its dataset is gone, so it is refused. */
static ds_box *check_ds_box(lua_State *L, int idx)
{
    ds_box *b = luaL_checkudata(L, idx, TALLY_LUA_DATASET);
    if (!b->ds)
        luaL_error(L, "this dataset object was released when the stage dropped it; get it again with tally.dataset(name)");
    return b;
}

tally_dataset *tally_lua_check_dataset(lua_State *L, int idx)
{
    return check_ds_box(L, idx)->ds;
}

/* Takes ownership of a Lua-owned dataset (for tally.set_dataset); NULL when
 * the value is borrowed, in which case the caller copies it. */
tally_dataset *tally_lua_take_dataset(lua_State *L, int idx)
{
    ds_box *b = check_ds_box(L, idx);
    if (!b->owned) return NULL;
    b->owned = 0;
    return b->ds;
}

int tally_lua_check_var(lua_State *L, const tally_dataset *ds, const char *name)
{
    int col = tally_dataset_find(ds, name);
    if (col >= 0) return col;
    char *unknown = tally_dataset_unknown(ds, name);
    lua_pushstring(L, unknown);
    free(unknown);
    return lua_error(L);
}

static int ds_gc(lua_State *L)
{
    ds_box *b = luaL_checkudata(L, 1, TALLY_LUA_DATASET);
    if (b->owned) tally_dataset_free(b->ds);
    b->ds = NULL;
    b->owned = 0;
    return 0;
}

static int ds_tostring(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    lua_pushfstring(L, "dataset '%s' (%d rows, %d variables)", ds->name, (int)ds->nrows, (int)ds->ncols);
    return 1;
}

static int ds_name(lua_State *L)
{
    lua_pushstring(L, tally_lua_check_dataset(L, 1)->name);
    return 1;
}

static int ds_source(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    if (ds->source) lua_pushstring(L, ds->source);
    else lua_pushnil(L);
    return 1;
}

static int ds_weight(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    if (ds->weight >= 0) lua_pushstring(L, ds->cols[ds->weight]->name);
    else lua_pushnil(L);
    return 1;
}

static int ds_mrsets(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    lua_createtable(L, (int)ds->nmrsets, 0);
    for (size_t i = 0; i < ds->nmrsets; i++) {
        lua_pushstring(L, ds->mrsets[i].name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ds:mrset_members(name) -> the variable names of a multiple-response set */
static int ds_mrset_members(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    const char *name = luaL_checkstring(L, 2);
    const tally_mrset *m = tally_dataset_find_mrset(ds, name);
    if (!m) return luaL_error(L, "dataset '%s' has no multiple-response set '%s'", ds->name, name);
    lua_createtable(L, (int)m->ncols, 0);
    for (size_t i = 0; i < m->ncols; i++) {
        lua_pushstring(L, ds->cols[m->cols[i]]->name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

void tally_lua_add_dataset_methods(lua_State *L, const luaL_Reg *methods)
{
    luaL_getmetatable(L, TALLY_LUA_DATASET);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, methods, 0);
    lua_pop(L, 2);
}

/* ---- result tables ------------------------------------------------------------------ */

void tally_lua_push_table(lua_State *L, tally_table *t)
{
    table_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    tally_table_ref(t);
    b->t = t;
    luaL_setmetatable(L, TALLY_LUA_TABLE);
}

tally_table *tally_lua_check_table(lua_State *L, int idx)
{
    table_box *b = luaL_checkudata(L, idx, TALLY_LUA_TABLE);
    if (!b->t) /* finalised, as for datasets above */
        luaL_error(L, "this table object was released when the stage dropped it; keep a reference to it while you use it");
    return b->t;
}

static int tab_gc(lua_State *L)
{
    table_box *b = luaL_checkudata(L, 1, TALLY_LUA_TABLE);
    tally_table_unref(b->t);
    b->t = NULL;
    return 0;
}

/* The value of enum name `s` by name_of (tally_row_type_name and its kin in plugin.h);
 * an unknown name is a Lua error listing the known ones. */
static int lookup_name(lua_State *L, const char *(*name_of)(int), const char *s, const char *what)
{
    int v = tally_enum_lookup(name_of, s);
    if (v >= 0) return v;
    sbuf allowed;
    sbuf_init(&allowed);
    for (int i = 0; i < 64; i++)
        if (name_of(i)) sbuf_printf(&allowed, "%s%s", allowed.len ? ", " : "", name_of(i));
    lua_pushfstring(L, "unknown %s '%s'; allowed: %s", what, s, allowed.data);
    sbuf_free(&allowed);
    return lua_error(L);
}

/* A column given by 1-based index or by label. Returns a 0-based index. */
/* "its rows are 1 to 3" / "it has no rows" (static storage). */
static const char *index_range(const char *what, size_t n)
{
    static _Thread_local char buf[64]; /* per thread: stages run side by side (stage_batch.h) */
    if (n == 0) snprintf(buf, sizeof buf, "it has no %s", what);
    else snprintf(buf, sizeof buf, "its %s are 1 to %zu", what, n);
    return buf;
}

/* The number at idx as an integer; a float without one (1.5, 2^63) is refused by
 * name rather than read as row 0. */
static lua_Integer whole_index(lua_State *L, const tally_table *t, int idx, const char *what, size_t n)
{
    int isint = 0;
    lua_Integer v = lua_tointegerx(L, idx, &isint);
    if (!isint && n)
        luaL_error(L, "table '%s': a %s number is a whole number from 1 to %I, not %f", t->id, what, (lua_Integer)n,
                   lua_tonumber(L, idx));
    if (!isint) luaL_error(L, "table '%s' has no %s %f (it has no %ss)", t->id, what, lua_tonumber(L, idx), what);
    return v;
}

/* The 0-based row (is_row) or column given at idx: a 1-based number or a label. */
static size_t check_line(lua_State *L, tally_table *t, int idx, int is_row)
{
    const char *what = is_row ? "row" : "column";
    size_t n = is_row ? t->nrows : t->ncols;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Integer i = whole_index(L, t, idx, what, n);
        if (i < 1 || (lua_Unsigned)i > n)
            luaL_error(L, "table '%s' has no %s %I (%s)", t->id, what, i, index_range(is_row ? "rows" : "columns", n));
        return (size_t)i - 1;
    }
    const char *label = luaL_checkstring(L, idx);
    int i = is_row ? tally_table_find_row(t, label) : tally_table_find_col(t, label);
    if (i < 0) luaL_error(L, "table '%s' has no %s '%s'", t->id, is_row ? "row labelled" : "column", label);
    return (size_t)i;
}

static size_t check_col(lua_State *L, tally_table *t, int idx) { return check_line(L, t, idx, 0); }
static size_t check_row(lua_State *L, tally_table *t, int idx) { return check_line(L, t, idx, 1); }

static void set_cell_from_lua(lua_State *L, tally_table *t, size_t r, size_t c, int idx)
{
    if (lua_type(L, idx) == LUA_TNUMBER) tally_table_set_number(t, r, c, lua_tonumber(L, idx));
    else if (lua_type(L, idx) == LUA_TSTRING) tally_table_set_text(t, r, c, lua_tostring(L, idx));
    else if (!lua_isnil(L, idx)) luaL_error(L, "a table cell is a number, a string or nil, not %s", luaL_typename(L, idx));
}

/* t:add_row(type, {cells...}) -> row index (1-based) */
static int tab_add_row(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    int type = lookup_name(L, tally_row_type_name, luaL_checkstring(L, 2), "row type");
    size_t r = tally_table_add_row(t, (tally_row_type)type);
    if (lua_istable(L, 3)) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, 3);
        if ((size_t)n > t->ncols)
            return luaL_error(L, "row has %I cells but table '%s' has %I columns", n, t->id, (lua_Integer)t->ncols);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, 3, i);
            set_cell_from_lua(L, t, r, (size_t)i - 1, -1);
            lua_pop(L, 1);
        }
    }
    return tally_lua_return_count(L, r + 1);
}

/* t:add_column(label, type [, decimals [, group]]) -> column index (1-based) */
static int tab_add_column(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    const char *label = luaL_checkstring(L, 2);
    int type = lookup_name(L, tally_col_type_name, luaL_optstring(L, 3, "number"), "column type");
    int dec = (int)luaL_optinteger(L, 4, type == TALLY_COL_PERCENT ? 1 : type == TALLY_COL_COUNT ? 0 : 2);
    size_t c = tally_table_add_col(t, label, (tally_col_type)type, dec);
    if (lua_type(L, 5) == LUA_TSTRING) tally_table_set_col_group(t, c, lua_tostring(L, 5));
    return tally_lua_return_count(L, c + 1);
}

static int tab_cell(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    size_t r = check_row(L, t, 2), c = check_col(L, t, 3);
    const tally_cell *cell = &t->rows[r].cells[c];
    if (cell->text) lua_pushstring(L, cell->text);
    else if (cell->num != cell->num) lua_pushnil(L);
    else lua_pushnumber(L, cell->num);
    return 1;
}

static int tab_set_cell(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    size_t r = check_row(L, t, 2), c = check_col(L, t, 3);
    set_cell_from_lua(L, t, r, c, 4);
    return 0;
}

static int tab_format(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    size_t r = check_row(L, t, 2), c = check_col(L, t, 3);
    if (t->rows[r].cells[c].text) { /* a text whole, not the first 255 bytes */
        lua_pushstring(L, t->rows[r].cells[c].text);
        return 1;
    }
    char buf[TALLY_NUMBER_TEXT_MAX];
    lua_pushstring(L, tally_table_format_cell(t, r, c, buf, sizeof buf));
    return 1;
}

static int tab_note(lua_State *L)
{
    tally_table_add_note(tally_lua_check_table(L, 1), luaL_checkstring(L, 2));
    lua_settop(L, 1);
    return 1;
}

/* t:chart(kind [, {series columns}] [, title]) */
static int tab_chart(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    int kind = lookup_name(L, tally_chart_kind_name, luaL_checkstring(L, 2), "chart kind");
    size_t series[64], n = 0;
    if (lua_istable(L, 3)) {
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, 3) && n < 64; i++) {
            lua_rawgeti(L, 3, i);
            series[n++] = check_col(L, t, lua_gettop(L));
            lua_pop(L, 1);
        }
    } else if (lua_type(L, 3) == LUA_TSTRING || lua_type(L, 3) == LUA_TNUMBER) {
        series[n++] = check_col(L, t, 3);
    } else {
        for (size_t c = 1; c < t->ncols && n == 0; c++) /* default: the first numeric column */
            if (t->cols[c].type == TALLY_COL_PERCENT || t->cols[c].type == TALLY_COL_COUNT) series[n++] = c;
    }
    tally_table_set_chart(t, (tally_chart_kind)kind, luaL_optstring(L, 4, NULL), series, n);
    lua_settop(L, 1);
    return 1;
}

/* t:set{ id=, title=, question=, base= } */
static int tab_set(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "id");
    if (lua_isstring(L, -1)) tally_table_set_id(t, lua_tostring(L, -1));
    lua_getfield(L, 2, "title");
    if (lua_isstring(L, -1)) tally_table_set_title(t, lua_tostring(L, -1));
    lua_getfield(L, 2, "question");
    if (lua_isstring(L, -1)) tally_table_set_question(t, lua_tostring(L, -1));
    lua_getfield(L, 2, "base");
    if (lua_isstring(L, -1)) tally_table_set_base(t, lua_tostring(L, -1));
    lua_settop(L, 1);
    return 1;
}

static int tab_nrows(lua_State *L) { return tally_lua_return_count(L, tally_lua_check_table(L, 1)->nrows); }
static int tab_ncols(lua_State *L) { return tally_lua_return_count(L, tally_lua_check_table(L, 1)->ncols); }

static int tab_row_type(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    size_t r = check_row(L, t, 2);
    const char *type = tally_row_type_name(t->rows[r].type);
    lua_pushstring(L, type ? type : "?");
    return 1;
}

static int tab_index(lua_State *L)
{
    tally_table *t = tally_lua_check_table(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "id") == 0) lua_pushstring(L, t->id);
    else if (strcmp(k, "title") == 0) lua_pushstring(L, t->title);
    else if (strcmp(k, "question") == 0) t->question ? (void)lua_pushstring(L, t->question) : lua_pushnil(L);
    else if (strcmp(k, "base") == 0) t->base ? (void)lua_pushstring(L, t->base) : lua_pushnil(L);
    else {
        luaL_getmetatable(L, TALLY_LUA_TABLE);
        lua_getfield(L, -1, "methods");
        lua_getfield(L, -1, k);
        if (lua_isnil(L, -1)) return luaL_error(L, "result tables have no field or method '%s'", k);
    }
    return 1;
}

/* tally.table{ id=, title=, question=, base=, columns = { {label, type, decimals}... } } */
static int l_table_new(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "id");
    lua_getfield(L, 1, "title");
    tally_table *t = tally_table_new(luaL_optstring(L, -2, "table"), luaL_optstring(L, -1, ""));
    lua_pop(L, 2);
    tally_lua_push_table(L, t);
    tally_table_unref(t);
    int ud = lua_gettop(L);
    lua_getfield(L, 1, "question");
    if (lua_isstring(L, -1)) tally_table_set_question(t, lua_tostring(L, -1));
    lua_getfield(L, 1, "base");
    if (lua_isstring(L, -1)) tally_table_set_base(t, lua_tostring(L, -1));
    lua_pop(L, 2);
    lua_getfield(L, 1, "columns");
    if (lua_istable(L, -1)) {
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
            lua_rawgeti(L, -1, i);
            if (!lua_istable(L, -1)) return luaL_error(L, "columns are tables: { \"Count\", \"count\" }");
            int spec = lua_gettop(L);
            lua_pushcfunction(L, tab_add_column);
            lua_pushvalue(L, ud);
            for (int k = 1; k <= 4; k++) lua_rawgeti(L, spec, k); /* label, type, decimals, group */
            lua_call(L, 5, 0);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    lua_pushvalue(L, ud);
    return 1;
}

/* Registers the metatable `name` of a userdata type: its methods in the field
 * `methods_field` ("__index" when Lua reads them directly), an __index function when
 * index is not NULL, __gc, __tostring when not NULL, and `shown` as what
 * getmetatable returns (the metatable itself stays out of reach). */
static void new_type(lua_State *L, const char *name, const char *shown, const luaL_Reg *methods,
                     const char *methods_field, lua_CFunction index, lua_CFunction gc, lua_CFunction tostring)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, methods_field);
    if (index) {
        lua_pushcfunction(L, index);
        lua_setfield(L, -2, "__index");
    }
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    if (tostring) {
        lua_pushcfunction(L, tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_pushstring(L, shown);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

int tally_lua_open_table(lua_State *L)
{
    /* the `tally` library table is at the top of the stack */
    lua_pushcfunction(L, l_table_new);
    lua_setfield(L, -2, "table");

    static const luaL_Reg tab_methods[] = {
        {"add_row", tab_add_row}, {"add_column", tab_add_column}, {"cell", tab_cell},
        {"set_cell", tab_set_cell}, {"format", tab_format},      {"note", tab_note},
        {"chart", tab_chart},     {"set", tab_set},              {"nrows", tab_nrows},
        {"ncols", tab_ncols},     {"row_type", tab_row_type},    {NULL, NULL}};
    /* a table's fields are read through tab_index, which finds the methods in `methods` */
    new_type(L, TALLY_LUA_TABLE, "tally.table", tab_methods, "methods", tab_index, tab_gc, NULL);
    static const luaL_Reg ds_methods[] = {{"name", ds_name},     {"source", ds_source}, {"weight", ds_weight},
                                          {"mrsets", ds_mrsets},
                                          {"mrset_members", ds_mrset_members}, {NULL, NULL}};
    new_type(L, TALLY_LUA_DATASET, "tally.dataset", ds_methods, "__index", NULL, ds_gc, ds_tostring);
    return 0;
}

/* ---- option helpers for kernel bindings ----------------------------------------------- */

const char *tally_lua_opt_string(lua_State *L, int idx, const char *key, const char *def)
{
    if (!lua_istable(L, idx)) return def;
    lua_getfield(L, idx, key);
    const char *s = lua_isstring(L, -1) ? lua_tostring(L, -1) : def;
    lua_pop(L, 1); /* the string stays alive: it is referenced by the options table */
    return s;
}

double tally_lua_opt_number(lua_State *L, int idx, const char *key, double def)
{
    if (!lua_istable(L, idx)) return def;
    lua_getfield(L, idx, key);
    double v = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : def;
    lua_pop(L, 1);
    return v;
}

int tally_lua_opt_bool(lua_State *L, int idx, const char *key, int def)
{
    if (!lua_istable(L, idx)) return def;
    lua_getfield(L, idx, key);
    int v = lua_isnil(L, -1) ? def : lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}
