/* lua_runtime.c: runs stage scripts in the sandbox with the tally library (report: lua_report.c; tally.options: lua_options.c). */
#include "lua_runtime_int.h"
#include "datefmt.h"
#include "lua_api.h"
#include "lua_sandbox.h"
#include "expr.h"
#include "watchdog.h"
#include "host.h"
#include "util.h"
#include "numfmt.h"

#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TALLY_STAGE_DIR
#define TALLY_STAGE_DIR "/usr/local/share/tally/stages"
#endif

tally_dataset *tally_lua_take_dataset(lua_State *L, int idx); /* lua_table.c */

/* The runtime that holds the datasets. */
static tally_runtime *root_of(tally_runtime *rt) { return rt->parent ? rt->parent : rt; }

tally_runtime *tally_runtime_of(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "tally.runtime");
    tally_runtime *rt = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return rt;
}

tally_report *tally_lua_report(lua_State *L) { return tally_runtime_of(L)->report; }

void tally_runtime_set_check_only(tally_runtime *rt, int on) { rt->check_only = on; }

tally_runtime *tally_runtime_new(tally_report *report)
{
    tally_runtime *rt = xcalloc(1, sizeof *rt);
    if (tally_sandbox_open(&rt->sb) != 0) {
        free(rt);
        return NULL;
    }
    rt->report = report;
    lua_State *L = rt->sb.L;
    lua_pushlightuserdata(L, rt);
    lua_setfield(L, LUA_REGISTRYINDEX, "tally.runtime");
    lua_newtable(L); /* a scratch `tally` table: modules create their metatables here */
    tally_lua_open_table(L);
    tally_lua_open_data(L);
    tally_lua_open_stats(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "tally.lib");
    return rt;
}

void tally_runtime_free(tally_runtime *rt)
{
    if (!rt) return;
    tally_sandbox_close(&rt->sb);
    for (size_t i = 0; i < rt->ndatasets; i++) {
        free(rt->datasets[i].name);
        tally_dataset_free(rt->datasets[i].ds);
    }
    free(rt->datasets);
    for (size_t i = 0; i < rt->nretired; i++) tally_dataset_free(rt->retired[i]);
    free(rt->retired);
    free(rt);
}

lua_State *tally_runtime_state(tally_runtime *rt) { return rt->sb.L; }

tally_runtime *tally_runtime_new_worker(tally_runtime *parent)
{
    tally_runtime *rt = tally_runtime_new(parent->report);
    if (rt) rt->parent = root_of(parent);
    if (rt) rt->check_only = parent->check_only;
    return rt;
}

tally_report *tally_runtime_swap_report(tally_runtime *rt, tally_report *report)
{
    tally_report *old = rt->report;
    rt->report = report;
    return old;
}

/* Copies the value at `idx` of `from` onto the top of `to`: data only (what a config
 * holds: booleans, numbers, strings, tables of them). 0, or -1 for anything else
 * (a function) or tables nested deeper than 32 (a cycle), with nothing pushed. */
static int copy_value(lua_State *from, int idx, lua_State *to, int depth)
{
    idx = lua_absindex(from, idx);
    switch (lua_type(from, idx)) {
    case LUA_TNIL: lua_pushnil(to); return 0;
    case LUA_TBOOLEAN: lua_pushboolean(to, lua_toboolean(from, idx)); return 0;
    case LUA_TNUMBER:
        if (lua_isinteger(from, idx)) lua_pushinteger(to, lua_tointeger(from, idx));
        else lua_pushnumber(to, lua_tonumber(from, idx));
        return 0;
    case LUA_TSTRING: {
        size_t n;
        const char *p = lua_tolstring(from, idx, &n);
        lua_pushlstring(to, p, n);
        return 0;
    }
    case LUA_TTABLE: break;
    default: return -1;
    }
    if (depth > 32 || !lua_checkstack(from, 4) || !lua_checkstack(to, 4)) return -1;
    lua_newtable(to);
    lua_pushnil(from);
    while (lua_next(from, idx)) {
        if (copy_value(from, -2, to, depth + 1) != 0) {
            lua_pop(from, 2);
            lua_pop(to, 1);
            return -1;
        }
        if (copy_value(from, -1, to, depth + 1) != 0) {
            lua_pop(from, 2);
            lua_pop(to, 2);
            return -1;
        }
        lua_rawset(to, -3);
        lua_pop(from, 1);
    }
    return 0;
}

int tally_runtime_take_options(tally_runtime *rt, const tally_config *cfg, const tally_block *b)
{
    lua_State *L = rt->sb.L;
    if (L == cfg->L) return 0;
    if (lua_getfield(L, LUA_REGISTRYINDEX, "tally.stage_options") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "tally.stage_options");
    }
    tally_config_push_stage_options(cfg, b);
    int rc = copy_value(cfg->L, -1, L, 0);
    lua_pop(cfg->L, 1);
    if (rc == 0) lua_rawsetp(L, -2, b);
    lua_pop(L, 1);
    return rc;
}

/* Pushes block b's options: from the config's state, or the copy a worker took. */
static void push_options(tally_runtime *rt, const tally_config *cfg, const tally_block *b)
{
    lua_State *L = rt->sb.L;
    if (!cfg || !b) {
        lua_newtable(L);
        return;
    }
    if (L == cfg->L) {
        tally_config_push_stage_options(cfg, b);
        return;
    }
    if (lua_getfield(L, LUA_REGISTRYINDEX, "tally.stage_options") == LUA_TTABLE && lua_rawgetp(L, -1, b) == LUA_TTABLE) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, lua_type(L, -1) == LUA_TTABLE ? 2 : 1);
    lua_newtable(L);
}

void tally_runtime_add_dataset(tally_runtime *rt, const char *name, tally_dataset *ds)
{
    free(ds->name);
    ds->name = xstrdup(name);
    for (size_t i = 0; i < rt->ndatasets; i++)
        if (strcmp(rt->datasets[i].name, name) == 0) {
            rt->retired = xrealloc(rt->retired, (rt->nretired + 1) * sizeof *rt->retired);
            rt->retired[rt->nretired++] = rt->datasets[i].ds;
            rt->datasets[i].ds = ds;
            return;
        }
    rt->datasets = xrealloc(rt->datasets, (rt->ndatasets + 1) * sizeof *rt->datasets);
    rt->datasets[rt->ndatasets].name = xstrdup(name);
    rt->datasets[rt->ndatasets].ds = ds;
    rt->ndatasets++;
}

tally_dataset *tally_runtime_dataset(tally_runtime *rt, const char *name)
{
    rt = root_of(rt);
    for (size_t i = 0; i < rt->ndatasets; i++)
        if (strcmp(rt->datasets[i].name, name) == 0) return rt->datasets[i].ds;
    return NULL;
}

size_t tally_runtime_ndatasets(const tally_runtime *rt) { return rt->ndatasets; }

tally_dataset *tally_runtime_dataset_at(tally_runtime *rt, size_t i)
{
    return i < rt->ndatasets ? rt->datasets[i].ds : NULL;
}

/* ---- the tally library --------------------------------------------------------------- */

static int l_dataset(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    const char *name = luaL_checkstring(L, 1);
    tally_dataset *ds = tally_runtime_dataset(rt, name);
    if (!ds) {
        sbuf known;
        sbuf_init(&known);
        const tally_runtime *root = root_of(rt);
        for (size_t i = 0; i < root->ndatasets; i++)
            sbuf_printf(&known, "%s%s", known.len ? ", " : "", root->datasets[i].name);
        lua_pushfstring(L, "no dataset '%s' (datasets: %s); declare it with input \"%s\" { ... } or make it "
                           "with a filter stage (into = \"%s\")", name, known.len ? known.data : "none", name, name);
        sbuf_free(&known);
        return lua_error(L);
    }
    tally_lua_push_dataset(L, ds, 0);
    return 1;
}

static int l_set_dataset(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    const char *name = luaL_checkstring(L, 1);
    tally_dataset *src = tally_lua_check_dataset(L, 2);
    tally_dataset *ds = tally_lua_take_dataset(L, 2);
    if (!ds) ds = tally_dataset_copy(src, name); /* borrowed: share its columns */
    tally_runtime_add_dataset(root_of(rt), name, ds); /* never on a worker: a stage that sets data runs alone */
    tally_lua_push_dataset(L, ds, 0);
    return 1;
}

/* tally.fail(message): stops the stage with a message for the user (what, where, what to do),
 * shown as it is, without the traceback a stage's own bug gets */
static int l_fail(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    const char *msg = luaL_checkstring(L, 1);
    free(rt->user_error);
    rt->user_error = xstrdup(msg);
    lua_pushstring(L, msg);
    return lua_error(L);
}

/* tally.one_table(o, list, noun): a stage that makes one table per entry of `list` (its
 * option table `o` already checked) stops with tally.fail's kind of error when `o.title` or
 * `o.table_id` is given for more than one entry, since both name a single table. `noun` is
 * what one entry is ("variable", "row question"); the count says it with an "s" added. */
static int l_one_table(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    const char *noun = luaL_checkstring(L, 3);
    lua_getfield(L, 1, "title");
    lua_getfield(L, 1, "table_id");
    int named = lua_toboolean(L, -2) || lua_toboolean(L, -1);
    lua_pop(L, 2);
    lua_Integer n = luaL_len(L, 2);
    if (!named || n <= 1) return 0;
    tally_runtime *rt = tally_runtime_of(L);
    lua_settop(L, 0);
    lua_pushfstring(L, "%s: `title` and `table_id` name one table; give one %s per stage (here: %I %ss)",
                    rt->block ? rt->block->name : "stage", noun, n, noun);
    return l_fail(L);
}

static int l_tr(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    lua_pushstring(L, tally_tr(tally_report_meta(rt->report, "language"), luaL_checkstring(L, 1)));
    return 1;
}

/* tally.format_date(v, kind) -> "1949-03-24" (or the report language's "24.03.1949"); kind is a
 * variable's date_kind (1 date, 2 datetime, 3 time); nil for a missing value */
static int l_format_date(lua_State *L)
{
    tally_runtime *rt = tally_runtime_of(L);
    double v = luaL_checknumber(L, 1);
    lua_Integer kind = luaL_checkinteger(L, 2);
    if (v != v) {
        lua_pushnil(L);
        return 1;
    }
    char buf[64];
    if (kind < TALLY_DATE_DAYS || kind > TALLY_DATE_TIME) snprintf(buf, sizeof buf, "%.15g", v);
    else tally_format_date(v, (int)kind, tally_report_meta(rt->report, "language"), buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

/* tally.percent(part, whole [, decimals]) -> "58.2%" (the report's rounding and language: "58,2 %") */
static int l_percent(lua_State *L)
{
    double part = luaL_checknumber(L, 1), whole = luaL_checknumber(L, 2);
    int dec = (int)luaL_optinteger(L, 3, 1);
    if (dec < 0 || dec > 6) dec = 1;
    if (whole == 0) {
        lua_pushliteral(L, "-");
        return 1;
    }
    char buf[64];
    tally_fmt_percent(tally_report_meta(tally_runtime_of(L)->report, "language"), 100.0 * part / whole, dec, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

/* tally.format(number, kind [, decimals]) -> the number as the report's language writes a value of
 * that kind ("1.234", "78,9 %", "< .001"); decimals default to the kind's own */
static int l_format(lua_State *L)
{
    double v = luaL_checknumber(L, 1);
    static const char *const kinds[] = {"text", "number", "count", "percent", "proportion", "p", "statistic", NULL};
    int kind = luaL_checkoption(L, 2, NULL, kinds);
    int dec = (int)luaL_optinteger(L, 3, -1);
    if (dec > 10) dec = 10;
    char buf[96];
    lua_pushstring(L, tally_format_value(tally_report_meta(tally_runtime_of(L)->report, "language"),
                                         kind == TALLY_VALUE_TEXT ? TALLY_VALUE_NUMBER : (tally_value_kind)kind, v, dec,
                                         buf, sizeof buf));
    return 1;
}

/* Pushes the environment of one stage: safe globals, options, tally, report. */
static void push_stage_env(tally_runtime *rt, const tally_config *cfg, const tally_block *b)
{
    lua_State *L = rt->sb.L;
    tally_sandbox_push_env(&rt->sb);
    int env = lua_gettop(L);
    push_options(rt, cfg, b);
    int opts = lua_gettop(L);

    lua_newtable(L); /* tally */
    lua_getfield(L, LUA_REGISTRYINDEX, "tally.lib");
    lua_pushnil(L);
    while (lua_next(L, -2)) { /* functions modules registered */
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -5);
    }
    lua_pop(L, 1);
    static const luaL_Reg tally_fns[] = {{"dataset", l_dataset}, {"set_dataset", l_set_dataset}, {"tr", l_tr},
                                         {"fail", l_fail},       {"format", l_format},           {"percent", l_percent},
                                         {"format_date", l_format_date}, {"one_table", l_one_table},
                                         {NULL, NULL}};
    luaL_setfuncs(L, tally_fns, 0);
    lua_pushvalue(L, opts);
    lua_pushcclosure(L, tally_lua_options, 1);
    lua_setfield(L, -2, "options");
    lua_pushstring(L, tally_report_meta(rt->report, "language") ? tally_report_meta(rt->report, "language") : "en");
    lua_setfield(L, -2, "language");
    lua_setfield(L, env, "tally");

    tally_lua_push_report_lib(L);
    lua_setfield(L, env, "report");

    lua_setfield(L, env, "options"); /* pops opts */
}

/* ---- finding, compiling and running stages ------------------------------------------------ */

static int readable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *tally_runtime_find_stage(const tally_config *cfg, const tally_block *b, char **err)
{
    const char *name = b->name;
    if (strchr(name, '/') || path_has_ext(name, "lua")) {
        char *p = path_join(b->dir, name);
        if (readable(p)) return p;
        *err = xasprintf("%s: stage script '%s' not found (looked at %s)", b->where, name, p);
        free(p);
        return NULL;
    }
    sbuf tried;
    sbuf_init(&tried);
    char **dirs = NULL;
    size_t n = 0;
    for (size_t i = 0; i < cfg->nstage_dirs; i++) {
        dirs = xrealloc(dirs, (n + 1) * sizeof *dirs);
        dirs[n++] = xstrdup(cfg->stage_dirs[i]);
    }
    const char *env = getenv("TALLY_STAGE_PATH");
    if (env && *env) {
        char *copy = xstrdup(env), *save = NULL;
        for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
            dirs = xrealloc(dirs, (n + 1) * sizeof *dirs);
            dirs[n++] = xstrdup(t);
        }
        free(copy);
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *d = path_dirname(exe);
        dirs = xrealloc(dirs, (n + 2) * sizeof *dirs);
        dirs[n++] = xasprintf("%s/../plugins/stages", d);     /* the source tree: build/tally */
        dirs[n++] = xasprintf("%s/../share/tally/stages", d); /* an install, wherever its prefix */
        free(d);
    }
    dirs = xrealloc(dirs, (n + 1) * sizeof *dirs);
    dirs[n++] = xstrdup(TALLY_STAGE_DIR);
    char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s.lua", dirs[i], name);
        if (!found && readable(p)) found = p;
        else free(p);
        if (!found) sbuf_printf(&tried, "%s%s", tried.len ? ":" : "", dirs[i]);
        free(dirs[i]);
    }
    free(dirs);
    if (!found)
        *err = xasprintf("%s: no stage '%s' on the stage path %s; check the name, or give a path to a .lua file",
                         b->where, name, tried.data ? tried.data : "");
    sbuf_free(&tried);
    return found;
}

/* Loads `script` as text (never bytecode) and leaves the function on the stack. */
static int load_script(lua_State *L, const char *script, char **err)
{
    int rc = tally_lua_load_file(L, script, NULL);
    if (rc == LUA_ERRFILE) {
        *err = xasprintf("cannot read stage script %s: %s", script, strerror(errno));
        return -1;
    }
    if (rc != LUA_OK) {
        *err = xstrdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "cannot load script");
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

int tally_runtime_compile_stage(tally_runtime *rt, const char *script, char **err)
{
    if (load_script(rt->sb.L, script, err) != 0) return -1;
    lua_pop(rt->sb.L, 1);
    return 0;
}

/* The budget options: name, unit for messages, largest value, default. */
static const struct budget_opt {
    const char *name, *unit;
    long long max, def;
} budgets[] = {
    {"max_instructions", "instructions", TALLY_MAX_INSTRUCTIONS_LIMIT, TALLY_DEFAULT_MAX_INSTRUCTIONS},
    {"max_memory_mb", "megabytes", TALLY_MAX_MEMORY_MB_LIMIT, TALLY_DEFAULT_MAX_MEMORY_MB},
    {"max_seconds", "seconds", TALLY_MAX_SECONDS_LIMIT, TALLY_DEFAULT_MAX_SECONDS},
};

/* The value of budget `bo` in `o`: 1 (set, in *out), 0 (unset) or -1 with a new
 * message in *err. A value is a whole number from 0 (no limit) to bo->max: a
 * double cast to an integer out of range (1e300) or wrapping when scaled to
 * bytes (2^44 + 1 MB) would silently mean another limit. */
static int budget_value(const tally_options *o, const struct budget_opt *bo, long long *out, char **err)
{
    const tally_host *h = tally_host_get();
    if (!o || !h->opt_is_set(o, bo->name)) return 0;
    const char *text = h->opt_string(o, bo->name);
    char *end = NULL;
    double x = text ? strtod(text, &end) : NAN;
    if (!text || end == text || *end || x != x || x != floor(x) || x < 0 || x > (double)bo->max) {
        char shown[64];
        if (!text || end == text || *end) snprintf(shown, sizeof shown, "'%.40s'", text ? text : "");
        else if (x == floor(x) && fabs(x) < 1e15) snprintf(shown, sizeof shown, "%.0f", x);
        else snprintf(shown, sizeof shown, "%g", x);
        *err = xasprintf("option '%s' must be a whole number of %s from 0 (no limit) to %lld, not %s", bo->name,
                         bo->unit, bo->max, shown);
        return -1;
    }
    *out = (long long)x;
    return 1;
}

/* A budget for a stage: its block's value, else the report's, else the default. */
static int stage_budget(const tally_config *cfg, const tally_block *b, const struct budget_opt *bo, long long *out,
                        char **err)
{
    char *msg = NULL;
    int got = budget_value(b->opts, bo, out, &msg);
    if (got < 0) {
        *err = xasprintf("stage '%s' (%s): %s", b->name, b->where, msg);
        free(msg);
        return -1;
    }
    if (got) return 0;
    got = cfg ? budget_value(cfg->report, bo, out, &msg) : 0;
    if (got < 0) {
        *err = xasprintf("report (%s): %s", cfg->report_where ? cfg->report_where : cfg->path, msg);
        free(msg);
        return -1;
    }
    if (!got) *out = bo->def;
    return 0;
}

int tally_runtime_check_stage_options(const tally_config *cfg, const tally_block *b, char **err)
{
    long long v;
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++)
        if (stage_budget(cfg, b, &budgets[i], &v, err) != 0) return -1;
    static const struct { const char *stage, *option; } exprs[] = {{"filter", "where"}, {"compute", "expr"}};
    const tally_host *h = tally_host_get();
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        if (strcmp(b->name, exprs[i].stage) != 0) continue;
        const char *src = h->opt_string(b->opts, exprs[i].option);
        if (!src) continue;
        char *msg = NULL;
        tally_expr *e = tally_expr_parse(src, &msg);
        tally_expr_free(e);
        if (msg) {
            *err = xasprintf("stage '%s' (%s): option '%s': %s", b->name, b->where, exprs[i].option, msg);
            free(msg);
            return -1;
        }
    }
    return 0;
}

tally_stage_status tally_runtime_run_stage(tally_runtime *rt, const tally_config *cfg, const tally_block *b,
                                           const char *script, char **err)
{
    lua_State *L = rt->sb.L;
    int top = lua_gettop(L);
    char *lerr = NULL;
    lua_pushcfunction(L, tally_sandbox_msgh);
    if (load_script(L, script, &lerr) != 0) {
        *err = xasprintf("stage '%s' (%s): %s", b->name, b->where, lerr);
        free(lerr);
        lua_settop(L, top);
        return TALLY_STAGE_CONFIG_ERROR;
    }
    rt->block = b;
    rt->cfg = cfg;
    rt->config_error = 0;
    free(rt->user_error);
    rt->user_error = NULL;
    push_stage_env(rt, cfg, b);
    lua_setupvalue(L, -2, 1);
    long long instr, mem_mb, secs;
    if (stage_budget(cfg, b, &budgets[0], &instr, err) != 0 || stage_budget(cfg, b, &budgets[1], &mem_mb, err) != 0 ||
        stage_budget(cfg, b, &budgets[2], &secs, err) != 0) {
        rt->block = NULL;
        lua_settop(L, top);
        return TALLY_STAGE_CONFIG_ERROR;
    }
    char *what = xasprintf("stage '%s' (%s)", b->name, b->where);
    tally_watchdog_stage_begin(&rt->sb, secs, what);
    free(what);
    tally_sandbox_arm(&rt->sb, instr, (size_t)mem_mb * 1024 * 1024);
    int rc = lua_pcall(L, 0, 0, top + 1);
    int exhausted = rt->sb.exhausted;
    tally_sandbox_disarm(&rt->sb);
    tally_watchdog_stage_end(&rt->sb);
    tally_stage_status st = TALLY_STAGE_OK;
    if (rc != LUA_OK && rt->checked) rc = LUA_OK; /* tally check stopped the stage after its options */
    rt->checked = 0;
    if (rc != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (rt->config_error) {
            /* option errors name the config line already; the traceback adds nothing */
            const char *nl = msg ? strchr(msg, '\n') : NULL;
            char *first = msg ? (nl ? xstrndup(msg, (size_t)(nl - msg)) : xstrdup(msg)) : xstrdup("?");
            /* drop the script position the message handler may have put in front */
            const char *cfgpos = strstr(first, b->where);
            *err = xstrdup(cfgpos ? cfgpos : first);
            free(first);
            st = TALLY_STAGE_CONFIG_ERROR;
        } else if (rt->user_error) {
            *err = xasprintf("stage '%s' (%s): %s", b->name, b->where, rt->user_error);
            st = TALLY_STAGE_ERROR;
        } else if (exhausted == 2) {
            *err = xasprintf("stage '%s' (%s): memory budget of %lld MB exceeded in %s; raise max_memory_mb in the "
                             "stage's config block if the work is genuine\n%s",
                             b->name, b->where, mem_mb, script, msg ? msg : "");
            st = TALLY_STAGE_ERROR;
        } else {
            *err = xasprintf("stage '%s' (%s): %s", b->name, b->where, msg ? msg : "error without a message");
            st = TALLY_STAGE_ERROR;
        }
    }
    rt->block = NULL;
    free(rt->user_error);
    rt->user_error = NULL;
    lua_settop(L, top);
    lua_gc(L, LUA_GCCOLLECT);
    return st;
}
