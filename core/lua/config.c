/* config.c: evaluates a Lua-syntax config in an empty environment; every error names file:line. */
#include "config.h"
#include "lua_sandbox.h"
#include "messages.h"
#include "util.h"

#include <lauxlib.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The config sees only these names:
 *   report { ... }            report metadata and run-wide settings
 *   input  "name" { ... }     a dataset read by an input plugin
 *   stage  "script" { ... }   an analysis stage (a Lua file on the stage path)
 *   output "id" { ... }       an output plugin (the id is the plugin unless plugin= is given)
 *   include "file.lua"        declarations of a shared base config (relative to this file);
 *                             its global functions and tables stay visible after the include
 *   env("NAME" [, default])   an environment variable
 *   params                    values given with --set NAME=value (no dot in NAME)
 * Anything else is an error that names the line and the closest allowed name.
 */

#define MAX_INCLUDE_DEPTH 16
#define CONFIG_MAX_INSTRUCTIONS 50000000LL
#define CONFIG_MAX_MEMORY ((size_t)64 << 20)

static const char *const config_names[] = {"report", "input", "stage", "output", "include", "env", "params"};
#define NCONFIG_NAMES (sizeof config_names / sizeof config_names[0])

typedef struct loader {
    tally_config *cfg;
    char *files[MAX_INCLUDE_DEPTH]; /* include chain, for cycle detection */
    char *dirs[MAX_INCLUDE_DEPTH];  /* their folders: relative paths start there */
    int depth;
    const char *text;               /* the top-level config's text when it is not read from a file */
    int env_ref;                    /* the environment all files share, so a base config's
                                       functions and tables are usable after its include */
} loader;

static loader *get_loader(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* "file:line" of the config code calling the current C function. */
static char *caller_where(lua_State *L)
{
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0 && ar.source[0] == '@') return xasprintf("%s:%d", ar.source + 1, ar.currentline);
    }
    return xstrdup("?");
}

/* The folder of the config file currently being evaluated. */
static const char *current_dir(loader *ld)
{
    return ld->depth > 0 ? ld->dirs[ld->depth - 1] : ld->cfg->dir;
}

static int config_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int config_error(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    luaL_where(L, 1);
    lua_pushstring(L, msg);
    free(msg);
    lua_concat(L, 2);
    return lua_error(L);
}

/* Copies the scalar and list fields of the table at idx into an option set.
 * Nested tables are kept only in the Lua table (stages read them there). */
static int table_to_options(lua_State *L, int idx, tally_options *o, int allow_nested, char **err)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            *err = xstrdup("options are written name = value; found a value without a name");
            lua_pop(L, 2);
            return -1;
        }
        const char *k = lua_tostring(L, -2);
        switch (lua_type(L, -1)) {
        case LUA_TSTRING: tally_options_set_string(o, k, lua_tostring(L, -1)); break;
        case LUA_TNUMBER: tally_options_set_number(o, k, lua_tonumber(L, -1)); break;
        case LUA_TBOOLEAN: tally_options_set_bool(o, k, lua_toboolean(L, -1)); break;
        case LUA_TTABLE: {
            lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
            lua_Integer nkeys = 0;
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                nkeys++;
                lua_pop(L, 1);
            }
            int is_list = nkeys == n; /* only 1..n: a list, not a map */
            for (lua_Integer i = 1; i <= n && is_list; i++) {
                int t = lua_rawgeti(L, -1, i);
                is_list = t == LUA_TSTRING || t == LUA_TNUMBER;
                lua_pop(L, 1);
            }
            if (is_list) {
                tally_options_set_empty_list(o, k);
                for (lua_Integer i = 1; i <= n; i++) {
                    lua_rawgeti(L, -1, i);
                    tally_options_add_list_item(o, k, lua_tostring(L, -1));
                    lua_pop(L, 1);
                }
            } else if (!allow_nested) {
                *err = xasprintf("option '%s' must be a value or a list of strings, not a table", k);
                lua_pop(L, 2);
                return -1;
            }
            break;
        }
        default:
            *err = xasprintf("option '%s' has a value of type %s, which no option takes", k, luaL_typename(L, -1));
            lua_pop(L, 2);
            return -1;
        }
        lua_pop(L, 1);
    }
    return 0;
}

static void add_dirs(lua_State *L, int idx, const char *key, const char *base, char ***dirs, size_t *n)
{
    lua_getfield(L, idx, key);
    if (lua_type(L, -1) == LUA_TSTRING) {
        *dirs = xrealloc(*dirs, (*n + 1) * sizeof **dirs);
        (*dirs)[(*n)++] = path_join(base, lua_tostring(L, -1));
    } else if (lua_istable(L, -1)) {
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
            if (lua_rawgeti(L, -1, i) == LUA_TSTRING) {
                *dirs = xrealloc(*dirs, (*n + 1) * sizeof **dirs);
                (*dirs)[(*n)++] = path_join(base, lua_tostring(L, -1));
            }
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

static int l_report(lua_State *L)
{
    loader *ld = get_loader(L);
    if (!lua_istable(L, 1)) return config_error(L, "report takes a table: report { title = \"...\" }");
    char *err = NULL;
    if (table_to_options(L, 1, ld->cfg->report, 0, &err) != 0) {
        lua_pushstring(L, err);
        free(err);
        return config_error(L, "report: %s", lua_tostring(L, -1));
    }
    const char *language = tally_config_report(ld->cfg, "language");
    if (language && !tally_language_known(language))
        return config_error(L, "report: language \"%s\" is not a report language; use \"en\", \"de\" or \"zh\"",
                            language);
    free(ld->cfg->report_where);
    ld->cfg->report_where = caller_where(L);
    add_dirs(L, 1, "plugin_path", current_dir(ld), &ld->cfg->plugin_dirs, &ld->cfg->nplugin_dirs);
    add_dirs(L, 1, "stage_path", current_dir(ld), &ld->cfg->stage_dirs, &ld->cfg->nstage_dirs);
    tally_options_remove(ld->cfg->report, "plugin_path");
    tally_options_remove(ld->cfg->report, "stage_path");
    lua_getfield(L, 1, "outdir");
    if (lua_type(L, -1) == LUA_TSTRING) {
        char *abs = path_join(current_dir(ld), lua_tostring(L, -1));
        tally_options_set_string(ld->cfg->report, "outdir", abs);
        free(abs);
    }
    return 0;
}

static const char *kind_word(tally_block_kind k)
{
    return k == TALLY_BLOCK_INPUT ? "input" : k == TALLY_BLOCK_STAGE ? "stage" : "output";
}

/* Second half of `input "name" { ... }`: the table. Upvalues: loader, kind, name, where. */
static int l_block_body(lua_State *L)
{
    loader *ld = get_loader(L);
    tally_block_kind kind = (tally_block_kind)lua_tointeger(L, lua_upvalueindex(2));
    const char *name = lua_tostring(L, lua_upvalueindex(3));
    const char *where = lua_tostring(L, lua_upvalueindex(4));
    if (!lua_istable(L, 1))
        return config_error(L, "%s \"%s\" must be followed by a table: %s \"%s\" { ... }", kind_word(kind), name,
                            kind_word(kind), name);
    tally_config *c = ld->cfg;
    for (size_t i = 0; i < c->nblocks; i++) {
        if (c->blocks[i].kind == kind && kind != TALLY_BLOCK_STAGE && strcmp(c->blocks[i].name, name) == 0)
            return config_error(L, "%s \"%s\" is declared twice (first at %s); give the second another name%s",
                                kind_word(kind), name, c->blocks[i].where,
                                kind == TALLY_BLOCK_OUTPUT ? " and plugin = \"...\"" : "");
    }
    tally_block b;
    memset(&b, 0, sizeof b);
    b.kind = kind;
    b.where = xstrdup(where);
    b.dir = xstrdup(current_dir(ld));
    b.opts = tally_options_new(where);
    b.table_ref = LUA_NOREF;
    char *err = NULL;
    if (table_to_options(L, 1, b.opts, kind == TALLY_BLOCK_STAGE, &err) != 0) {
        tally_options_free(b.opts);
        free(b.where);
        free(b.dir);
        lua_pushstring(L, err);
        free(err);
        return config_error(L, "%s \"%s\": %s", kind_word(kind), name, lua_tostring(L, -1));
    }
    const char *plugin = NULL;
    lua_getfield(L, 1, "plugin");
    if (lua_type(L, -1) == LUA_TSTRING) plugin = lua_tostring(L, -1);
    b.name = xstrdup(name);
    if (kind == TALLY_BLOCK_OUTPUT) b.plugin = xstrdup(plugin ? plugin : name);
    else if (kind == TALLY_BLOCK_INPUT && plugin) b.plugin = xstrdup(plugin);
    lua_pop(L, 1);
    tally_options_remove(b.opts, "plugin");
    if (kind == TALLY_BLOCK_STAGE) {
        lua_pushvalue(L, 1);
        b.table_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    c->blocks = xrealloc(c->blocks, (c->nblocks + 1) * sizeof *c->blocks);
    c->blocks[c->nblocks++] = b;
    return 0;
}

static int block_head(lua_State *L, tally_block_kind kind)
{
    if (lua_type(L, 1) != LUA_TSTRING || !*lua_tostring(L, 1))
        return config_error(L, "%s needs a name: %s \"name\" { ... }", kind_word(kind), kind_word(kind));
    char *where = caller_where(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushinteger(L, kind);
    lua_pushvalue(L, 1);
    lua_pushstring(L, where);
    free(where);
    lua_pushcclosure(L, l_block_body, 4);
    return 1;
}

static int l_input(lua_State *L) { return block_head(L, TALLY_BLOCK_INPUT); }
static int l_stage(lua_State *L) { return block_head(L, TALLY_BLOCK_STAGE); }
static int l_output(lua_State *L) { return block_head(L, TALLY_BLOCK_OUTPUT); }

static int l_env(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const char *v = getenv(name);
    if (v) lua_pushstring(L, v);
    else if (lua_gettop(L) >= 2) lua_pushvalue(L, 2);
    else lua_pushnil(L);
    return 1;
}

static int eval_file(lua_State *L, loader *ld, const char *path);

static int l_include(lua_State *L)
{
    loader *ld = get_loader(L);
    const char *rel = luaL_checkstring(L, 1);
    char *path = path_join(current_dir(ld), rel);
    int rc = eval_file(L, ld, path);
    free(path);
    if (rc != 0) return lua_error(L); /* message already on the stack */
    return 0;
}

/* Unknown global names are errors with a suggestion. */
static int l_env_index(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    if (!name) return config_error(L, "unknown name in config");
    char *unknown = str_unknown("name", name, config_names, NCONFIG_NAMES);
    char *list = str_join(config_names, NCONFIG_NAMES);
    lua_pushfstring(L, "%s; a config may use: %s", unknown, list); /* config_error does not return */
    free(unknown);
    free(list);
    return config_error(L, "%s", lua_tostring(L, -1));
}

static int l_env_newindex(lua_State *L)
{
    /* Plain assignments (local helpers written without `local`) are kept. */
    lua_rawset(L, 1);
    return 0;
}

/* Pushes the environment table for one config file. */
static void push_env(lua_State *L, loader *ld, int params_ref)
{
    lua_newtable(L);
    static const luaL_Reg fns[] = {{"report", l_report}, {"input", l_input}, {"stage", l_stage},
                                   {"output", l_output}, {"include", l_include}, {NULL, NULL}};
    for (const luaL_Reg *f = fns; f->name; f++) {
        lua_pushlightuserdata(L, ld);
        lua_pushcclosure(L, f->func, 1);
        lua_setfield(L, -2, f->name);
    }
    lua_pushcfunction(L, l_env);
    lua_setfield(L, -2, "env");
    lua_rawgeti(L, LUA_REGISTRYINDEX, params_ref);
    lua_setfield(L, -2, "params");
    lua_newtable(L);
    lua_pushcfunction(L, l_env_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_env_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
}

static int params_ref_of(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "tally.config.params");
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return ref;
}

/* Evaluates one file; on error leaves the message on the stack and returns -1. */
static int eval_file(lua_State *L, loader *ld, const char *path)
{
    for (int i = 0; i < ld->depth; i++) {
        char *a = realpath(ld->files[i], NULL), *b = realpath(path, NULL);
        int same = a && b && strcmp(a, b) == 0;
        free(a);
        free(b);
        if (same) {
            char *where = caller_where(L);
            lua_pushfstring(L, "%s: config '%s' includes itself (include chain:", where, path);
            free(where);
            for (int k = 0; k < ld->depth; k++) lua_pushfstring(L, " %s ->", ld->files[k]);
            lua_pushfstring(L, " %s); remove the include that closes the loop", path);
            lua_concat(L, ld->depth + 2);
            return -1;
        }
    }
    if (ld->depth >= MAX_INCLUDE_DEPTH) {
        lua_pushfstring(L, "%s: includes nested more than %d deep", path, MAX_INCLUDE_DEPTH);
        return -1;
    }
    int rc = tally_lua_load_file(L, path, ld->depth == 0 ? ld->text : NULL);
    if (rc == LUA_ERRFILE) {
        int e = errno;
        char *where = ld->depth ? caller_where(L) : NULL;
        lua_pushfstring(L, "%s%scannot open config '%s': %s", where ? where : "", where ? ": " : "", path,
                        strerror(e));
        free(where);
        return -1;
    }
    if (rc != LUA_OK) return -1; /* "file:line: syntax error" is on the stack */
    if (ld->env_ref == LUA_NOREF) {
        int pref = params_ref_of(L);
        push_env(L, ld, pref);
        luaL_unref(L, LUA_REGISTRYINDEX, pref);
        ld->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, ld->env_ref);
    lua_setupvalue(L, -2, 1); /* _ENV */
    ld->files[ld->depth] = xstrdup(path);
    ld->dirs[ld->depth] = path_dirname(path);
    ld->depth++;
    rc = lua_pcall(L, 0, 0, 0);
    ld->depth--;
    free(ld->files[ld->depth]);
    free(ld->dirs[ld->depth]);
    return rc == LUA_OK ? 0 : -1;
}

/* ---- --set overrides ------------------------------------------------------------- */

static void set_lua_field(lua_State *L, int ref, const char *key, const char *value)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    char *end;
    double x = strtod(value, &end);
    if (*value && !*end) lua_pushnumber(L, x);
    else if (strcmp(value, "true") == 0) lua_pushboolean(L, 1);
    else if (strcmp(value, "false") == 0) lua_pushboolean(L, 0);
    else lua_pushstring(L, value);
    lua_setfield(L, -2, key);
    lua_pop(L, 1);
}

static int apply_set(tally_config *c, const char *set, char **err)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        *err = xasprintf("--set '%s': write --set key=value (for example --set report.title=\"Draft\")", set);
        return -1;
    }
    char *key = xstrndup(set, (size_t)(eq - set));
    const char *value = eq + 1;
    int rc = 0;
    char *dot = strchr(key, '.');
    if (!dot) {
        free(key);
        return 0; /* a plain parameter: already in `params` */
    }
    *dot = '\0';
    const char *kind = key, *rest = dot + 1;
    if (strcmp(kind, "report") == 0) {
        if (strcmp(rest, "outdir") == 0) {
            char *abs = path_join(".", value);
            tally_options_set_string(c->report, rest, abs);
            free(abs);
        } else {
            tally_options_set_string(c->report, rest, value);
        }
        free(key);
        return 0;
    }
    tally_block_kind bk = strcmp(kind, "input") == 0 ? TALLY_BLOCK_INPUT
                          : strcmp(kind, "stage") == 0 ? TALLY_BLOCK_STAGE
                          : strcmp(kind, "output") == 0 ? TALLY_BLOCK_OUTPUT : 0;
    char *dot2 = strchr(rest, '.');
    if (!bk || !dot2) {
        *err = xasprintf("--set '%s': the key must be report.NAME, input.ID.NAME, stage.ID.NAME or output.ID.NAME", set);
        free(key);
        return -1;
    }
    *dot2 = '\0';
    const char *id = rest, *opt = dot2 + 1;
    tally_block *hit = NULL;
    for (size_t i = 0; i < c->nblocks; i++) {
        tally_block *b = &c->blocks[i];
        if (b->kind != bk) continue;
        const char *bid = tally_host_get()->opt_string(b->opts, "id");
        if (strcmp(bid ? bid : b->name, id) == 0 || (!hit && strcmp(b->name, id) == 0)) hit = b;
    }
    if (!hit) {
        *err = xasprintf("--set '%s': the config has no %s '%s'", set, kind, id);
        rc = -1;
    } else {
        /* An input file given on the command line is relative to the working folder, not
         * the config's: it is made absolute here, and the block's other paths keep their
         * folder. Output paths stay relative: they belong in the output folder. */
        char *v = NULL;
        if (bk == TALLY_BLOCK_INPUT && (strcmp(opt, "path") == 0 || strcmp(opt, "codebook") == 0) && value[0] &&
            value[0] != '/') {
            char cwd[4096];
            if (getcwd(cwd, sizeof cwd)) v = xasprintf("%s/%s", cwd, value);
        }
        if (bk == TALLY_BLOCK_STAGE) tally_options_set_string(hit->opts, opt, v ? v : value);
        else tally_options_set_from_cli(hit->opts, opt, v ? v : value); /* lists: commas, repeats */
        if (bk == TALLY_BLOCK_STAGE) set_lua_field(c->L, hit->table_ref, opt, v ? v : value);
        free(v);
    }
    free(key);
    return rc;
}

static void make_params(lua_State *L, char *const *sets, size_t nsets)
{
    lua_newtable(L);
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        if (!eq || memchr(sets[i], '.', (size_t)(eq - sets[i]))) continue;
        lua_pushlstring(L, sets[i], (size_t)(eq - sets[i]));
        lua_pushstring(L, eq + 1);
        lua_rawset(L, -3);
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "tally.config.params");
}

static tally_config *config_load(lua_State *L, const char *path, const char *text, char *const *sets, size_t nsets,
                                 char **err)
{
    tally_config *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(path);
    c->dir = text ? xstrdup(".") : path_dirname(path);
    c->report = tally_options_new(path);
    c->L = L;
    loader ld = {.cfg = c, .depth = 0, .env_ref = LUA_NOREF, .text = text};
    make_params(L, sets, nsets);
    int top = lua_gettop(L);
    /* A config only declares things: a small budget stops an endless loop or a memory bomb in it. */
    tally_sandbox *sb = tally_sandbox_of(L);
    sb->budget_hint = "a config only declares inputs, stages and outputs";
    tally_sandbox_arm(sb, CONFIG_MAX_INSTRUCTIONS, CONFIG_MAX_MEMORY);
    int rc = eval_file(L, &ld, path);
    luaL_unref(L, LUA_REGISTRYINDEX, ld.env_ref);
    int exhausted = sb->exhausted;
    tally_sandbox_disarm(sb);
    sb->budget_hint = NULL;
    if (rc != 0 && exhausted == 2) {
        lua_pushfstring(L, "%s: the config uses more than %d MB of memory; a config only declares inputs, stages "
                           "and outputs", path, (int)(CONFIG_MAX_MEMORY >> 20));
    }
    if (rc != 0) {
        const char *msg = lua_tostring(L, -1);
        *err = xstrdup(msg ? msg : "config error");
        lua_settop(L, top);
        tally_config_free(c);
        return NULL;
    }
    lua_settop(L, top);
    for (size_t i = 0; i < nsets; i++)
        if (apply_set(c, sets[i], err) != 0) {
            tally_config_free(c);
            return NULL;
        }
    return c;
}

tally_config *tally_config_load(lua_State *L, const char *path, char *const *sets, size_t nsets, char **err)
{
    return config_load(L, path, NULL, sets, nsets, err);
}

tally_config *tally_config_load_text(lua_State *L, const char *name, const char *text, char *const *sets,
                                     size_t nsets, char **err)
{
    return config_load(L, name, text, sets, nsets, err);
}

void tally_config_free(tally_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nblocks; i++) {
        tally_block *b = &c->blocks[i];
        free(b->name);
        free(b->plugin);
        free(b->where);
        free(b->dir);
        tally_options_free(b->opts);
        if (b->table_ref != LUA_NOREF && c->L) luaL_unref(c->L, LUA_REGISTRYINDEX, b->table_ref);
    }
    free(c->blocks);
    free_strings(c->plugin_dirs, c->nplugin_dirs);
    free_strings(c->stage_dirs, c->nstage_dirs);
    tally_options_free(c->report);
    free(c->report_where);
    free(c->path);
    free(c->dir);
    free(c);
}

const char *tally_config_report(const tally_config *c, const char *name)
{
    return tally_host_get()->opt_string(c->report, name);
}

void tally_config_push_stage_options(const tally_config *c, const tally_block *b)
{
    lua_State *L = c->L;
    lua_newtable(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, b->table_ref);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -5); /* into the copy, below the source, key, key, value */
    }
    lua_pop(L, 1);
}
