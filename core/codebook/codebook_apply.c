/* codebook_apply.c: applies codebook declarations to a dataset: metadata, checkbox conversion, split sets. */
#include "codebook_int.h"
#include "category_order.h"
#include "util.h"

#include <ctype.h>
#include <fnmatch.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cb_column(lua_State *L, const char *name, int line, const char *what)
{
    tally_dataset *ds = cb_get(L)->ds;
    int col = tally_dataset_find(ds, name);
    if (col >= 0) return col;
    char *hint = tally_dataset_hint(ds, name, 0);
    lua_pushstring(L, *hint ? hint : "; check the name against the data's header"); /* cb_fail does not return */
    free(hint);
    return cb_fail(L, line, "%s: the data has no column '%s'%s", what, name, lua_tostring(L, -1));
}

size_t cb_match(lua_State *L, const char *pattern, int line, const char *what, int **cols)
{
    tally_dataset *ds = cb_get(L)->ds;
    int *list = lua_newuserdatauv(L, (ds->ncols + 1) * sizeof *list, 0);
    size_t n = 0;
    if (!strpbrk(pattern, "*?[")) {
        list[n++] = cb_column(L, pattern, line, what);
    } else {
        for (size_t i = 0; i < ds->ncols; i++)
            if (fnmatch(pattern, ds->cols[i]->name, 0) == 0) list[n++] = (int)i;
        if (!n) cb_fail(L, line, "%s: no column of the data matches '%s'", what, pattern);
    }
    *cols = list;
    return n;
}

/* ---- variable metadata --------------------------------------------------------------------- */

typedef struct cb_label {
    double code;
    const char *scode;
    const char *label;
} cb_label;

static int label_cmp(const void *a, const void *b)
{
    const cb_label *x = a, *y = b;
    if (x->scode || y->scode) return strcmp(x->scode ? x->scode : "", y->scode ? y->scode : "");
    return (x->code > y->code) - (x->code < y->code);
}

static void apply_values(lua_State *L, int tbl, int line, const char *what, tally_column *c)
{
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, tbl)) n++, lua_pop(L, 1);
    cb_label *v = lua_newuserdatauv(L, (n + 1) * sizeof *v, 0);
    lua_newtable(L); /* keeps text codes converted from number keys alive */
    int anchor = lua_gettop(L);
    char lwhat[200];
    snprintf(lwhat, sizeof lwhat, "%s: values", what);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, tbl)) {
        int kt = lua_type(L, -2);
        v[k].scode = NULL;
        v[k].code = NAN;
        if (c->type == TALLY_NUMERIC) {
            int isnum = 0;
            v[k].code = lua_tonumberx(L, -2, &isnum);
            if (!isnum)
                cb_fail(L, line, "%s: key '%s' is not a number, but column '%s' is numeric; write [1] = \"...\"",
                        lwhat, kt == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2), c->name);
        } else {
            if (kt != LUA_TSTRING && kt != LUA_TNUMBER)
                cb_fail(L, line, "%s: keys of text column '%s' must be texts", lwhat, c->name);
            lua_pushvalue(L, -2); /* converting a copy leaves lua_next's key intact */
            v[k].scode = lua_tostring(L, -1);
            lua_rawseti(L, anchor, (lua_Integer)k + 1);
        }
        v[k].label = cb_text(L, -1, line, lwhat);
        k++;
        lua_pop(L, 1);
    }
    qsort(v, k, sizeof *v, label_cmp);
    for (size_t i = 0; i < k; i++) {
        if (v[i].scode) tally_column_add_string_value_label(c, v[i].scode, v[i].label);
        else tally_column_add_value_label(c, v[i].code, v[i].label);
    }
    lua_pop(L, 2);
}

static void add_missing_item(lua_State *L, int idx, int line, const char *what, tally_column *c)
{
    if (c->type == TALLY_NUMERIC) {
        int isnum = 0;
        double x = lua_tonumberx(L, idx, &isnum);
        if (!isnum || lua_type(L, idx) != LUA_TNUMBER)
            cb_fail(L, line, "%s: missing: '%s' is not a number, but column '%s' is numeric", what,
                    lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : luaL_typename(L, idx), c->name);
        tally_column_add_missing(c, x);
    } else {
        if (lua_type(L, idx) != LUA_TSTRING && lua_type(L, idx) != LUA_TNUMBER)
            cb_fail(L, line, "%s: missing: codes of text column '%s' must be texts", what, c->name);
        lua_pushvalue(L, idx);
        const char *s = lua_tostring(L, -1);
        int dup = 0;
        for (size_t i = 0; i < c->nsmissing; i++) dup |= strcmp(c->smissing[i], s) == 0;
        if (!dup) {
            c->smissing = xrealloc(c->smissing, (c->nsmissing + 1) * sizeof *c->smissing);
            c->smissing[c->nsmissing++] = xstrdup(s);
        }
        lua_pop(L, 1);
    }
}

static void apply_missing(lua_State *L, int idx, int line, const char *what, tally_column *c)
{
    if (!lua_istable(L, idx)) {
        add_missing_item(L, idx, line, what, c);
        return;
    }
    lua_Integer n = luaL_len(L, idx);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, idx, i);
        add_missing_item(L, -1, line, what, c);
        lua_pop(L, 1);
    }
    lua_getfield(L, idx, "range");
    if (!lua_isnil(L, -1)) {
        int ok = lua_istable(L, -1) && c->type == TALLY_NUMERIC;
        double lo = 0, hi = 0;
        if (ok) {
            lua_geti(L, -1, 1);
            lua_geti(L, -2, 2);
            ok = lua_type(L, -2) == LUA_TNUMBER && lua_type(L, -1) == LUA_TNUMBER;
            lo = lua_tonumber(L, -2);
            hi = lua_tonumber(L, -1);
            lua_pop(L, 2);
        }
        if (!ok || lo > hi)
            cb_fail(L, line, "%s: missing: range must be { low, high } with low <= high, on a numeric column", what);
        c->has_range = 1;
        c->range_lo = lo;
        c->range_hi = hi;
    }
    lua_pop(L, 1);
}

static void apply_format(lua_State *L, int idx, int line, const char *what, tally_column *c)
{
    const char *f = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
    const char *p = f;
    while (p && isalpha((unsigned char)*p)) p++;
    int width = 0, decimals = 0, ok = p && p != f && isdigit((unsigned char)*p);
    if (ok) {
        width = (int)strtol(p, (char **)&p, 10);
        if (*p == '.') decimals = (int)strtol(p + 1, (char **)&p, 10);
        ok = *p == '\0' && width > 0 && width < 256 && decimals >= 0 && decimals < width + 1;
    }
    if (!ok) cb_fail(L, line, "%s: format must look like \"F8.2\" or \"A20\", not '%s'", what, f ? f : luaL_typename(L, idx));
    free(c->format);
    c->format = xstrdup(f);
    c->width = width;
    c->decimals = decimals;
}

/* order = { ... }: the values' display order (codes of a numeric column, texts of a text one). */
static void apply_order(lua_State *L, int idx, int line, const char *what, tally_column *c)
{
    if (!lua_istable(L, idx))
        cb_fail(L, line, "%s: order must be a list of the values in display order, as order = { 3, 1, 2 }", what);
    size_t n = (size_t)luaL_len(L, idx);
    const char **texts = lua_newuserdatauv(L, (n + 1) * sizeof *texts, 0);
    double *codes = lua_newuserdatauv(L, (n + 1) * sizeof *codes, 0);
    lua_newtable(L); /* keeps the texts converted from numbers alive */
    int anchor = lua_gettop(L);
    for (size_t i = 0; i < n; i++) {
        int t = lua_geti(L, idx, (lua_Integer)i + 1);
        if (c->type == TALLY_NUMERIC) {
            if (t != LUA_TNUMBER)
                cb_fail(L, line, "%s: order: '%s' is not a number, but column '%s' is numeric", what,
                        t == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1), c->name);
            codes[i] = lua_tonumber(L, -1);
        } else {
            if (t != LUA_TSTRING && t != LUA_TNUMBER)
                cb_fail(L, line, "%s: order: item %zu of text column '%s' must be a text", what, i + 1, c->name);
            texts[i] = lua_tostring(L, -1);
            lua_pushvalue(L, -1);
            lua_rawseti(L, anchor, (lua_Integer)i + 1);
        }
        lua_pop(L, 1);
    }
    if (c->type == TALLY_NUMERIC) tally_cat_order_set(c, NULL, codes, n);
    else tally_cat_order_set(c, texts, NULL, n);
    lua_pop(L, 3);
}

void cb_apply_meta(lua_State *L, int idx, int line, const char *what, int col)
{
    tally_column *c = cb_get(L)->ds->cols[col];
    if (lua_getfield(L, idx, "label") != LUA_TNIL) tally_column_set_label(c, cb_text(L, -1, line, "label"));
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "values") != LUA_TNIL) {
        if (!lua_istable(L, -1)) cb_fail(L, line, "%s: values must be a table, as { [1] = \"yes\", [2] = \"no\" }", what);
        apply_values(L, lua_gettop(L), line, what, c);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "missing") != LUA_TNIL) apply_missing(L, lua_gettop(L), line, what, c);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "measure") != LUA_TNIL) {
        const char *m = lua_tostring(L, -1);
        if (m && strcmp(m, "nominal") == 0) c->measure = TALLY_NOMINAL;
        else if (m && strcmp(m, "ordinal") == 0) c->measure = TALLY_ORDINAL;
        else if (m && strcmp(m, "scale") == 0) c->measure = TALLY_SCALE;
        else cb_fail(L, line, "%s: measure must be nominal, ordinal or scale, not '%s'", what, m ? m : "?");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "format") != LUA_TNIL) apply_format(L, lua_gettop(L), line, what, c);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "order") != LUA_TNIL) apply_order(L, lua_gettop(L), line, what, c);
    lua_pop(L, 1);
}
