/* lua_shape.c: ds:shape and ds:shapes, how a variable's values look (distinct, answers, whole numbers, repeats): the tab book's test of what is a category. */
#include "lua_api.h"
#include "parallel.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

/* How a variable's valid values look: distinct values (counted up to limit + 1 when limit > 0), answers,
 * all whole numbers, some value given twice. */
typedef struct bn_shape {
    size_t distinct, answers;
    int whole, repeats;
} bn_shape;

/* A compact column: its codes counted, no hashing. */
static void shape_codes(const tally_dataset *ds, const tally_column *c, bn_shape *sh)
{
    size_t n[256] = {0};
    for (size_t i = 0; i < ds->nrows; i++) n[c->codes[tally_row(ds, i)]]++;
    for (unsigned k = 0; k < c->nlevels; k++) {
        if (!n[k] || !stats_valid_number(c, c->levels[k])) continue;
        sh->distinct++;
        sh->answers += n[k];
        if (c->levels[k] != floor(c->levels[k])) sh->whole = 0;
        if (n[k] > 1) sh->repeats = 1;
    }
}

/* Some value twice among v[0..n-1], by a sort. */
static int any_repeat_sorted(const double *v, size_t n)
{
    stats_vw *a = xmalloc_rows((n ? n : 1) * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = (stats_vw){v[i], 0};
    stats_sort_vw(a, n);
    int rep = 0;
    for (size_t i = 1; i < n && !rep; i++) rep = a[i].v == a[i - 1].v;
    free_rows(a);
    return rep;
}

#define REPEAT_PREFIX 65536 /* values sorted first: measurements that repeat at all mostly do so early */

/* Some value twice among v[0..n-1] (a column past the hashing's limit; whole: all of them are whole
 * numbers): whole numbers in a range of at most 64 a value are marked in a bitmap; others are sorted,
 * the first REPEAT_PREFIX values alone first (a repeat there settles it), then all. */
static int any_repeat(const double *v, size_t n, int whole)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    if (n && whole && hi - lo < 64.0 * (double)n) {
        size_t span = (size_t)(hi - lo) + 1;
        uint64_t *seen = xcalloc(span / 64 + 1, sizeof *seen);
        int rep = 0;
        for (size_t i = 0; i < n && !rep; i++) {
            size_t b = (size_t)(v[i] - lo);
            rep = (seen[b / 64] >> (b % 64)) & 1;
            seen[b / 64] |= (uint64_t)1 << (b % 64);
        }
        free(seen);
        return rep;
    }
    if (n > REPEAT_PREFIX && any_repeat_sorted(v, REPEAT_PREFIX)) return 1;
    return any_repeat_sorted(v, n);
}

/* Whether v (a number, not NaN) is whole, without a call to floor(): every double at or past 2^52
 * is whole (infinities too, as floor() has them), and below it the conversion to an integer is exact. */
static inline int is_whole(double v)
{
    double a = v < 0 ? -v : v;
    return a >= 4503599627370496.0 || a == (double)(int64_t)a;
}

/* Numbers, hashed until more than limit distinct values (limit 0: all); past the limit nothing is
 * hashed, and whether a value repeats is settled once after the pass (a column of a million
 * identifiers is marked in a bitmap, not hashed value by value). */
static void shape_numbers(const tally_dataset *ds, const tally_column *c, size_t limit, bn_shape *sh)
{
    stats_catmap m;
    stats_catmap_init(&m, c);
    const int user_missing = c->nmissing > 0 || c->has_range;
    int hashing = 1, whole = 1;
    double *vals = xmalloc_rows((ds->nrows ? ds->nrows : 1) * sizeof *vals);
    size_t n = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        double v = tally_col_num(c, tally_row(ds, i));
        if (v != v || (user_missing && tally_column_is_user_missing(c, v))) continue;
        whole &= is_whole(v);
        vals[n++] = v;
        if (!hashing) continue;
        size_t slot = stats_catmap_slot_code(&m, v); /* first: a new slot may move m.cats */
        if (++m.cats[slot].n > 1) sh->repeats = 1;
        if (limit && m.ncats > limit) hashing = 0;
    }
    sh->answers = n;
    sh->whole = whole;
    sh->distinct = m.ncats > limit && limit ? limit + 1 : m.ncats;
    if (!hashing && !sh->repeats) sh->repeats = any_repeat(vals, n, whole);
    free_rows(vals);
    stats_catmap_free(&m);
}

/* Texts, hashed until more than limit distinct values (limit 0: all). Every non-empty text is hashed,
 * the user-missing ones too (each text is checked once, when it first appears); when the whole column
 * was hashed and it holds few texts, each row's code is kept for the stages after (a tab book hashes a
 * question's texts again otherwise: stats_text_codes). */
static void shape_texts(const tally_dataset *ds, const tally_column *c, size_t limit, bn_shape *sh)
{
    stats_catmap m;
    stats_catmap_init(&m, c);
    size_t N = ds->nrows, valid_distinct = 0, cap = 64;
    uint8_t *missing = xmalloc(cap); /* per slot: a user-missing text */
    stats_text_codes *t = tally_memo_for(ds, c, c->str, N * sizeof *c->str, NULL) ? xmalloc(sizeof *t + N) : NULL;
    int hashing = 1;
    for (size_t i = 0; i < N; i++) {
        const char *s = tally_column_string(c, tally_row(ds, i));
        if (!*s) {
            if (t) t->code[i] = 0;
            continue;
        }
        if (!hashing) {
            if (!tally_column_is_user_missing_string(c, s)) sh->whole = 0, sh->answers++;
            continue;
        }
        size_t before = m.ncats, slot = stats_catmap_slot_string(&m, s);
        if (m.ncats > before) { /* a new text */
            if (slot >= cap) missing = xrealloc(missing, cap *= 2);
            missing[slot] = (uint8_t)tally_column_is_user_missing_string(c, s);
            valid_distinct += !missing[slot];
            if (t && slot >= STATS_TEXT_CODES) free(t), t = NULL; /* too many texts to keep */
        }
        if (t) t->code[i] = (uint8_t)(slot + 1);
        if (missing[slot]) continue;
        sh->whole = 0;
        sh->answers++;
        if (++m.cats[slot].n > 1) sh->repeats = 1;
        if (limit && valid_distinct > limit) hashing = 0;
    }
    sh->distinct = valid_distinct > limit && limit ? limit + 1 : valid_distinct;
    if (t && hashing) {
        t->n = (uint32_t)m.ncats;
        stats_text_codes_put(ds, c, t);
    }
    free(t);
    free(missing);
    stats_catmap_free(&m);
}

/* The limit argument at idx: none (0) or a count. */
static size_t check_limit(lua_State *L, int idx)
{
    lua_Integer limit = luaL_optinteger(L, idx, 0);
    return limit > 0 ? (size_t)limit : 0;
}

/* The shape of column c (limit 0: none). */
static void shape_of(const tally_dataset *ds, const tally_column *c, size_t limit, bn_shape *sh)
{
    *sh = (bn_shape){0, 0, 1, 0};
    if (c->type == TALLY_NUMERIC && c->codes) shape_codes(ds, c, sh);
    else if (c->type == TALLY_NUMERIC) shape_numbers(ds, c, limit, sh);
    else shape_texts(ds, c, limit, sh);
}

/* ds:shape(name [, limit]) -> distinct, answers, whole, repeats: how a variable's valid values look
 * (how many distinct, how many answers, all whole numbers, some value given twice), the tabbook's test
 * of what is a category. With a limit, counting distinct values stops past it (distinct is then
 * limit + 1): a column of a million different texts is not hashed through. */
int tally_lua_shape(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    const tally_column *c = ds->cols[tally_lua_check_var(L, ds, luaL_checkstring(L, 2))];
    bn_shape sh;
    shape_of(ds, c, check_limit(L, 3), &sh);
    lua_pushinteger(L, (lua_Integer)sh.distinct);
    lua_pushinteger(L, (lua_Integer)sh.answers);
    lua_pushboolean(L, sh.whole && sh.answers > 0);
    lua_pushboolean(L, sh.repeats);
    return 4;
}

/* The shapes of several columns, shared out between threads: each takes the next column not yet
 * taken (a column's shape depends on the column alone, so the result is the same either way). */
typedef struct shape_job {
    const tally_dataset *ds;
    const tally_column **cols;
    size_t n, limit;
    bn_shape *out;
    atomic_size_t next;
} shape_job;

static void shape_part(void *ctx, size_t part)
{
    (void)part;
    shape_job *j = ctx;
    for (size_t k; (k = atomic_fetch_add(&j->next, 1)) < j->n;) shape_of(j->ds, j->cols[k], j->limit, &j->out[k]);
}

/* ds:shapes(names [, limit]) -> { [name] = { distinct =, answers =, whole =, repeats = } }: ds:shape of
 * each variable, the variables on both threads (a tab book asks for every variable without metadata:
 * an identifier and two free texts of a million rows: about 27 ms instead of 47 asked one by one). */
int tally_lua_shapes(lua_State *L)
{
    tally_dataset *ds = tally_lua_check_dataset(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t limit = check_limit(L, 3), n = (size_t)lua_rawlen(L, 2);
    shape_job j = {.ds = ds, .n = n, .limit = limit}; /* scratch on the Lua stack: a bad name cannot leak it */
    j.cols = lua_newuserdatauv(L, (n ? n : 1) * sizeof *j.cols, 0);
    j.out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *j.out, 0);
    atomic_init(&j.next, 0);
    for (size_t k = 0; k < n; k++) {
        lua_rawgeti(L, 2, (lua_Integer)k + 1);
        const char *name = luaL_checkstring(L, -1);
        j.cols[k] = ds->cols[tally_lua_check_var(L, ds, name)];
        lua_pop(L, 1);
    }
    tally_par_run(n > 1 ? (n < TALLY_PAR_MAX_PARTS ? n : TALLY_PAR_MAX_PARTS) : 1, shape_part, &j);
    lua_createtable(L, 0, (int)n);
    for (size_t k = 0; k < n; k++) {
        lua_createtable(L, 0, 4);
        lua_pushinteger(L, (lua_Integer)j.out[k].distinct);
        lua_setfield(L, -2, "distinct");
        lua_pushinteger(L, (lua_Integer)j.out[k].answers);
        lua_setfield(L, -2, "answers");
        lua_pushboolean(L, j.out[k].whole && j.out[k].answers > 0);
        lua_setfield(L, -2, "whole");
        lua_pushboolean(L, j.out[k].repeats);
        lua_setfield(L, -2, "repeats");
        lua_setfield(L, -2, j.cols[k]->name);
    }
    return 1;
}
