/* codebook_mrset.c: codebook multiple-response sets: by list or pattern, text checkboxes as 0/1, split columns. */
#include "codebook_int.h"
#include "host.h"
#include "util.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* [*s, *s + *n) without surrounding spaces. */
static void trim(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t')) (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

/* A cell's text; numbers are written as they would be typed. buf holds the number's digits. */
static const char *cell_text(const tally_column *c, size_t row, char *buf, size_t bufsize)
{
    if (c->type == TALLY_STRING) return tally_column_string(c, row);
    double v = tally_col_num(c, row);
    if (v != v) return "";
    snprintf(buf, bufsize, "%.15g", v);
    return buf;
}

/* The checkbox styles a survey tool writes, the chosen text first; compared without case. */
static const char *const checkbox_pairs[][2] = {
    {"Selected", "Not selected"}, {"Checked", "Unchecked"}, {"Yes", "No"}, {"TRUE", "FALSE"}, {"1", "0"},
};
#define NPAIRS (sizeof checkbox_pairs / sizeof checkbox_pairs[0])

static int same_text(const char *s, size_t n, const char *t)
{
    return strlen(t) == n && strncasecmp(s, t, n) == 0;
}

/* Whether every filled cell of the set's text columns is one of pair p (both = 1), or
 * the pair's "not chosen" word or else one option text a column (both = 0). */
static int fits_pair(const tally_dataset *ds, const int *cols, size_t ncols, size_t p, int both)
{
    int seen = 0;
    for (size_t k = 0; k < ncols; k++) {
        const tally_column *c = ds->cols[cols[k]];
        if (c->type != TALLY_STRING) continue;
        const char *option = NULL;
        for (size_t r = 0; r < c->len; r++) {
            const char *s = tally_column_string(c, r);
            size_t n = strlen(s);
            trim(&s, &n);
            if (!n) continue;
            if (same_text(s, n, checkbox_pairs[p][1])) {
                seen = 1;
                continue;
            }
            if (both) {
                if (!same_text(s, n, checkbox_pairs[p][0])) return 0;
                seen = 1;
            } else if (!option) {
                option = s;
            } else if (strncmp(option, s, n) != 0 || option[n] != '\0') {
                return 0; /* several texts in one column: not an option column */
            }
        }
    }
    return seen;
}

/* The style of a set's text columns: pair p (0..NPAIRS-1) when every filled cell is one
 * of its words; NPAIRS + p for option text or the pair's "not chosen" word; -1 for
 * option text or blank (any filled cell is chosen). */
static int checkbox_style(const tally_dataset *ds, const int *cols, size_t ncols)
{
    for (size_t p = 0; p < NPAIRS; p++)
        if (fits_pair(ds, cols, ncols, p, 1)) return (int)p;
    for (size_t p = 0; p < NPAIRS; p++)
        if (fits_pair(ds, cols, ncols, p, 0)) return (int)(NPAIRS + p);
    return -1;
}

/* Replaces text checkbox column `col` by a 0/1 numeric column of the same name and
 * position: `selected` NULL counts any non-blank cell, else cells equal to it; with
 * `unselected` (a pair style such as Selected / Not selected) a cell equal to it or
 * blank is 0 and any other text is an error. */
static void convert_checkbox(lua_State *L, int line, const char *what, int col, const char *selected,
                             const char *unselected)
{
    tally_dataset *ds = cb_get(L)->ds;
    tally_column *old = ds->cols[col];
    tally_column *nc = tally_column_new(old->name, TALLY_NUMERIC, old->len);
    const char *option = NULL; /* the single text a blank-or-text checkbox holds */
    int one_option = 1;
    for (size_t r = 0; r < old->len; r++) {
        const char *s = tally_column_string(old, r);
        size_t n = strlen(s);
        trim(&s, &n);
        int on = selected ? (unselected ? same_text(s, n, selected) : strlen(selected) == n && memcmp(s, selected, n) == 0)
                          : n > 0 && !(unselected && same_text(s, n, unselected));
        nc->num[r] = on ? 1 : 0;
        if (selected && unselected && !on && n && !same_text(s, n, unselected)) {
            tally_column_unref(nc);
            cb_fail(L, line, "%s: row %zu of column '%s' holds '%.*s', which is neither '%s' nor '%s'; fix the cell "
                             "or give selected = \"TEXT\"", what, r + 1, old->name, (int)n, s, selected, unselected);
        }
        if (!selected && on) {
            if (!option) option = tally_column_string(old, r);
            else if (strcmp(option, tally_column_string(old, r)) != 0) one_option = 0;
        }
    }
    if (old->label) tally_column_set_label(nc, old->label); /* text value labels do not fit 0/1 codes */
    if (!nc->label && option && one_option) tally_column_set_label(nc, option);
    tally_column_add_value_label(nc, 0, "Not selected");
    tally_column_add_value_label(nc, 1, selected ? selected : (option && one_option) ? option : "Selected");
    nc->measure = TALLY_NOMINAL;
    tally_dataset_attach_column(ds, nc); /* same name: replaces in place */
    tally_column_unref(nc);
}

/* "Economy & Culture" -> "economy_culture" (ASCII letters and digits, '_' between words). */
static void slug(const char *s, size_t n, char *out, size_t outsize)
{
    size_t o = 0;
    int gap = 0;
    for (size_t i = 0; i < n && o + 2 < outsize; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z')) {
            if (gap && o) out[o++] = '_';
            out[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
            gap = 0;
        } else {
            gap = 1;
        }
    }
    out[o] = '\0';
}

/* Adds one 0/1 column per option of the list at `list` (nopt of them) after the split
 * column src, and the dichotomy set `name` over them; returns the first one's index. */
static size_t add_option_columns(lua_State *L, int list, size_t nopt, int src, int line, const char *name,
                                 const char *what, const char *label)
{
    tally_dataset *ds = cb_get(L)->ds;
    const tally_column *c = ds->cols[src];
    size_t base = ds->ncols;
    int *cols = lua_newuserdatauv(L, nopt * sizeof *cols, 0);
    for (size_t k = 0; k < nopt; k++) {
        lua_geti(L, list, (lua_Integer)k + 1);
        size_t olen;
        const char *opt = lua_tolstring(L, -1, &olen);
        char s[80], colname[200];
        slug(opt, olen, s, sizeof s);
        if (!*s) snprintf(s, sizeof s, "%zu", k + 1);
        snprintf(colname, sizeof colname, "%s_%s", c->name, s);
        for (int u = 2; tally_dataset_find(ds, colname) >= 0; u++)
            snprintf(colname, sizeof colname, "%s_%s_%d", c->name, s, u);
        tally_column *nc = tally_column_new(colname, TALLY_NUMERIC, c->len);
        tally_column_set_label(nc, opt);
        tally_column_add_value_label(nc, 0, "Not selected");
        tally_column_add_value_label(nc, 1, "Selected");
        nc->measure = TALLY_NOMINAL;
        cols[k] = tally_dataset_attach_column(ds, nc);
        tally_column_unref(nc);
        lua_pop(L, 1);
    }
    if (tally_dataset_add_mrset(ds, name, label ? label : c->label, TALLY_MRSET_DICHOTOMY, 1, cols, nopt) < 0)
        cb_fail(L, line, "%s: cannot add the set", what);
    lua_pop(L, 1);
    return base;
}

/* Where the answer starting at p ends when it is a declared option that holds the
 * delimiter ("Yes, often": kept whole); else d, the next delimiter as found. */
static const char *declared_option_end(lua_State *L, int list, const char *p, const char *delim, const char *d)
{
    const char *q = p;
    while (*q == ' ' || *q == '\t') q++;
    size_t dlen = strlen(delim);
    for (lua_Integer k = 1, nk = luaL_len(L, list); k <= nk; k++) {
        lua_geti(L, list, k);
        size_t ol;
        const char *opt = lua_tolstring(L, -1, &ol);
        if (opt && strncmp(q, opt, ol) == 0 && strstr(opt, delim) && (!q[ol] || strncmp(q + ol, delim, dlen) == 0))
            d = q[ol] ? q + ol : NULL;
        lua_pop(L, 1);
    }
    return d;
}

/* The split form: one 0/1 column per option of a delimited column, and a dichotomy set over them. */
static void split_set(lua_State *L, int idx, int line, const char *name, const char *what, const char *label)
{
    tally_dataset *ds = cb_get(L)->ds;
    const char *src_name = lua_tostring(L, -1);
    if (!src_name) cb_fail(L, line, "%s: split must name the column holding the delimited answers", what);
    int src = cb_column(L, src_name, line, what);
    tally_column *c = ds->cols[src];
    const char *delim = ";";
    if (lua_getfield(L, idx, "delimiter") != LUA_TNIL) {
        delim = lua_tostring(L, -1);
        if (!delim || !*delim) cb_fail(L, line, "%s: delimiter must be a non-empty text such as \";\"", what);
    }
    lua_newtable(L); /* option list */
    int list = lua_gettop(L);
    lua_newtable(L); /* option text -> position */
    int pos = lua_gettop(L);
    int declared = lua_getfield(L, idx, "options") != LUA_TNIL;
    if (declared) {
        if (!lua_istable(L, -1)) cb_fail(L, line, "%s: options must be a list of texts", what);
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_geti(L, -1, i) != LUA_TSTRING) cb_fail(L, line, "%s: options: item %d is not a text", what, (int)i);
            lua_pushvalue(L, -1);
            lua_rawseti(L, list, i);
            lua_pushinteger(L, i);
            lua_rawset(L, pos);
        }
    }
    lua_pop(L, 1);
    size_t dlen = strlen(delim);
    char nbuf[64];
    size_t base = 0; /* the new columns are ds->cols[base..] */
    for (int pass = 0; pass < 2; pass++) { /* pass 0: check and collect options; pass 1: fill */
        size_t nopt = (size_t)luaL_len(L, list);
        if (pass == 1) {
            if (!nopt) cb_fail(L, line, "%s: column '%s' holds no answers to split", what, src_name);
            base = add_option_columns(L, list, nopt, src, line, name, what, label);
            c = ds->cols[src];
        }
        for (size_t r = 0; r < c->len; r++) {
            const char *cell = cell_text(c, r, nbuf, sizeof nbuf);
            size_t total = strlen(cell);
            const char *t = cell;
            size_t tn = total;
            trim(&t, &tn);
            if (pass == 1) {
                int blank = tn == 0;
                for (size_t k = 0; k < nopt; k++) ds->cols[base + k]->num[r] = blank ? NAN : 0;
            }
            for (const char *p = cell; p < cell + total;) {
                const char *d = strstr(p, delim);
                if (declared) d = declared_option_end(L, list, p, delim, d);
                const char *e = d ? d : cell + total;
                const char *tok = p;
                size_t n = (size_t)(e - p);
                trim(&tok, &n);
                p = d ? d + dlen : cell + total;
                if (!n) continue;
                lua_pushlstring(L, tok, n);
                lua_pushvalue(L, -1);
                int known = lua_rawget(L, pos) != LUA_TNIL;
                lua_Integer at = lua_tointeger(L, -1);
                lua_pop(L, 1);
                if (!known && declared)
                    cb_fail(L, line, "%s: row %zu of column '%s' holds '%s', which options does not list; add it "
                                     "to options", what, r + 1, src_name, lua_tostring(L, -1));
                if (!known) {
                    at = luaL_len(L, list) + 1;
                    lua_pushvalue(L, -1);
                    lua_rawseti(L, list, at);
                    lua_pushinteger(L, at);
                    lua_rawset(L, pos);
                } else {
                    lua_pop(L, 1);
                }
                if (pass == 1) ds->cols[base + (size_t)at - 1]->num[r] = 1;
            }
        }
    }
    lua_pop(L, 2);
}

/* A dichotomy set whose every item is chosen by every answering case, or by none, is
 * almost always a misread checkbox style (100% everywhere): said, not kept quiet. */
static void warn_degenerate(lua_State *L, int line, const char *what, const int *cols, size_t ncols, double counted)
{
    const tally_dataset *ds = cb_get(L)->ds;
    size_t chosen = 0, valid = 0;
    for (size_t k = 0; k < ncols; k++) {
        const tally_column *c = ds->cols[cols[k]];
        for (size_t i = 0; i < ds->nrows; i++) {
            double v = tally_col_num(c, tally_row(ds, i));
            if (v != v || tally_column_is_user_missing(c, v)) continue;
            valid++;
            chosen += v == counted;
            if (chosen && chosen != valid) return; /* one answer chosen, one not: a real set (the usual case, found
                                                      in the first rows rather than after every cell) */
        }
    }
    if (valid == 0) return;
    if (chosen == valid || chosen == 0)
        tally_log(TALLY_LOG_WARN, NULL, "%s:%d: %s: every item is %s by every case (%zu answers); check how the "
                                        "checkboxes were exported and the set's selected or counted value",
                  cb_get(L)->path, line, what, chosen ? "chosen" : "left unchosen", valid);
}

void cb_apply_mrset(lua_State *L, int idx, int line, const char *name, const char *what)
{
    tally_dataset *ds = cb_get(L)->ds;
    const char *label = NULL;
    if (lua_getfield(L, idx, "label") != LUA_TNIL) label = cb_text(L, -1, line, "label");
    int label_slot = lua_gettop(L); /* keeps the label's string alive */
    tally_mrset_kind kind = TALLY_MRSET_DICHOTOMY;
    if (lua_getfield(L, idx, "kind") != LUA_TNIL) {
        const char *k = lua_tostring(L, -1);
        if (k && strcmp(k, "category") == 0) kind = TALLY_MRSET_CATEGORY;
        else if (!k || strcmp(k, "dichotomy") != 0)
            cb_fail(L, line, "%s: kind must be dichotomy or category, not '%s'", what, k ? k : "?");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "split") != LUA_TNIL) {
        if (kind != TALLY_MRSET_DICHOTOMY) cb_fail(L, line, "%s: split makes a dichotomy set; drop kind", what);
        split_set(L, idx, line, name, what, label);
        lua_settop(L, label_slot - 1);
        return;
    }
    lua_pop(L, 1);
    int type = lua_getfield(L, idx, "columns");
    if (type != LUA_TSTRING && type != LUA_TTABLE)
        cb_fail(L, line, "%s: columns must list the set's columns or give a pattern such as \"q5_*\"", what);
    int spec = lua_gettop(L);
    lua_Integer npat = type == LUA_TSTRING ? 1 : luaL_len(L, spec);
    int *cols = lua_newuserdatauv(L, (ds->ncols + 1) * sizeof *cols, 0);
    size_t ncols = 0;
    for (lua_Integer i = 1; i <= npat; i++) {
        if (type == LUA_TTABLE) lua_geti(L, spec, i);
        else lua_pushvalue(L, spec);
        if (lua_type(L, -1) != LUA_TSTRING) cb_fail(L, line, "%s: columns: item %d is not a name", what, (int)i);
        int *m;
        size_t nm = cb_match(L, lua_tostring(L, -1), line, what, &m);
        for (size_t k = 0; k < nm; k++) {
            size_t j = 0;
            while (j < ncols && cols[j] != m[k]) j++;
            if (j == ncols) cols[ncols++] = m[k];
        }
        lua_pop(L, 2);
    }
    if (ncols == 0) cb_fail(L, line, "%s: columns names no column", what);
    double counted = 1;
    if (lua_getfield(L, idx, "counted") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TNUMBER || kind != TALLY_MRSET_DICHOTOMY)
            cb_fail(L, line, "%s: counted must be a number, and only dichotomy sets have one", what);
        counted = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    int sel_type = lua_getfield(L, idx, "selected");
    const char *selected = sel_type == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (sel_type != LUA_TNIL && sel_type != LUA_TSTRING && !(sel_type == LUA_TBOOLEAN && lua_toboolean(L, -1)))
        cb_fail(L, line, "%s: selected must be true (any text counts) or the text that means selected", what);
    if (kind == TALLY_MRSET_DICHOTOMY) {
        /* selected = true (or nothing): the style is detected from the cells */
        int style = selected ? -1 : checkbox_style(ds, cols, ncols);
        const char *unselected = NULL;
        if (style >= 0 && style < (int)NPAIRS) {
            selected = checkbox_pairs[style][0];
            unselected = checkbox_pairs[style][1];
        } else if (style >= (int)NPAIRS) {
            unselected = checkbox_pairs[style - (int)NPAIRS][1]; /* option text, or "Not selected" */
        }
        for (size_t p = 0; selected && !unselected && p < NPAIRS; p++)
            if (strcasecmp(selected, checkbox_pairs[p][0]) == 0) unselected = checkbox_pairs[p][1];
        for (size_t k = 0; k < ncols; k++) {
            tally_column *c = ds->cols[cols[k]];
            if (c->type == TALLY_STRING) {
                if (counted != 1)
                    cb_fail(L, line, "%s: column '%s' holds text checkboxes, which become 0/1; counted must be 1",
                            what, c->name);
                convert_checkbox(L, line, what, cols[k], selected, unselected);
            } else if (selected) {
                cb_fail(L, line, "%s: selected applies to text columns, and column '%s' is numeric; use counted",
                        what, c->name);
            }
        }
    } else if (sel_type != LUA_TNIL) {
        cb_fail(L, line, "%s: selected applies to dichotomy sets only", what);
    }
    lua_pop(L, 1);
    if (tally_dataset_add_mrset(ds, name, label, kind, kind == TALLY_MRSET_DICHOTOMY ? counted : 0, cols, ncols) < 0)
        cb_fail(L, line, "%s: cannot add the set", what);
    if (kind == TALLY_MRSET_DICHOTOMY) warn_degenerate(L, line, what, cols, ncols, counted);
    lua_settop(L, label_slot - 1);
}
