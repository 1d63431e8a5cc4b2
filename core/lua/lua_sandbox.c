/* lua_sandbox.c: capped allocator, instruction hook, safe environment and error traceback for stages. */
#include "lua_sandbox.h"
#include "util.h"
#include "watchdog.h"

#include <lauxlib.h>
#include <errno.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_EVERY 1000 /* instructions between budget checks */

void *tally_sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    tally_sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (sb->cap && nsize > old && sb->used - old + nsize > sb->cap) {
        sb->exhausted = 2;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p) return NULL;
    sb->used = sb->used - old + nsize;
    return p;
}

tally_sandbox *tally_sandbox_of(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

int tally_lua_load_file(lua_State *L, const char *path, const char *text)
{
    sbuf src;
    sbuf_init(&src);
    if (text) {
        sbuf_puts(&src, text);
    } else {
        FILE *f = fopen(path, "rb");
        if (!f) return LUA_ERRFILE;
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) sbuf_add(&src, buf, n);
        int bad = ferror(f) ? (errno ? errno : EIO) : 0;
        fclose(f);
        if (bad) {
            sbuf_free(&src);
            errno = bad;
            return LUA_ERRFILE;
        }
    }
    char *chunk = xasprintf("@%s", path);
    int rc = luaL_loadbufferx(L, src.data ? src.data : "", src.len, chunk, "t");
    free(chunk);
    sbuf_free(&src);
    return rc;
}

static void budget_hook(lua_State *L, lua_Debug *ar);

static void time_error(lua_State *L, tally_sandbox *sb)
{
    sb->exhausted = 3;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1); /* as for instructions: no pcall keeps it alive */
    char msg[200];
    snprintf(msg, sizeof msg, "time limit of %lld s exceeded; raise max_seconds in the stage's config block if the "
                              "work is genuine", sb->time_limit);
    luaL_where(L, 0);
    lua_pushstring(L, msg);
    lua_concat(L, 2);
    lua_error(L);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    tally_sandbox *sb = tally_sandbox_of(L);
    if (sb->exhausted == 3 || (sb->deadline > 0 && tally_watchdog_now() >= sb->deadline)) time_error(L, sb);
    if (sb->budget < 0) return;
    sb->budget -= HOOK_EVERY;
    if (sb->budget < 0 || sb->exhausted == 1) {
        sb->exhausted = 1;
        sb->budget = 0;
        /* From now on every instruction fails, so no pcall can keep the stage alive. */
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
        char msg[300];
        snprintf(msg, sizeof msg, "instruction budget of %lld exceeded (endless loop?); %s", sb->limit,
                 sb->budget_hint ? sb->budget_hint
                                 : "raise max_instructions in the stage's config block if the work is genuine");
        luaL_where(L, 0); /* in a hook, level 0 is the running Lua function: the looping line */
        lua_pushstring(L, msg);
        lua_concat(L, 2);
        lua_error(L);
    }
}

static int panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "tally: unrecoverable Lua error: %s\n", msg ? msg : "?");
    abort();
}

int tally_sandbox_open_bare(tally_sandbox *sb)
{
    memset(sb, 0, sizeof *sb);
    sb->budget = -1;
    sb->L = lua_newstate(tally_sandbox_alloc, sb);
    if (!sb->L) return -1;
    lua_atpanic(sb->L, panic);
    return 0;
}

int tally_sandbox_open(tally_sandbox *sb)
{
    if (tally_sandbox_open_bare(sb) != 0) return -1;
    lua_State *L = sb->L;
    /* Open only the libraries stages may use; io, os, package and debug are never loaded. */
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_pop(L, 5);
    /* string.dump would hand out bytecode; remove it from the library that
     * the string metatable's __index points at, so ("").dump is gone too. */
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    /* Protect the string metatable: getmetatable("") returns a string, and
     * setmetatable cannot reach it (it only works on tables). */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "the string metatable is protected");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    return 0;
}

void tally_sandbox_close(tally_sandbox *sb)
{
    if (sb->L) lua_close(sb->L);
    sb->L = NULL;
}

void tally_sandbox_arm(tally_sandbox *sb, long long instructions, size_t memory_bytes)
{
    sb->exhausted = 0;
    sb->limit = instructions;
    sb->budget = instructions > 0 ? instructions : -1;
    sb->mem_limit = memory_bytes;
    sb->cap = memory_bytes ? sb->used + memory_bytes : 0;
    int hook = instructions > 0 || sb->deadline > 0;
    lua_sethook(sb->L, hook ? budget_hook : NULL, hook ? LUA_MASKCOUNT : 0, HOOK_EVERY);
}

void tally_sandbox_interrupt(tally_sandbox *sb)
{
    if (!sb->exhausted) sb->exhausted = 3;
    lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, 1);
}

void tally_sandbox_disarm(tally_sandbox *sb)
{
    lua_sethook(sb->L, NULL, 0, 0);
    sb->budget = -1;
    sb->cap = 0;
    sb->exhausted = 0;
}

/* pcall/xpcall for stages: a spent budget is re-raised, never swallowed. */
static int rethrow_if_exhausted(lua_State *L, int status_ok)
{
    tally_sandbox *sb = tally_sandbox_of(L);
    if (!status_ok && sb->exhausted) {
        lua_pushvalue(L, -1);
        return lua_error(L);
    }
    return 0;
}

static int safe_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    rethrow_if_exhausted(L, st == LUA_OK);
    lua_pushboolean(L, st == LUA_OK);
    lua_insert(L, 1);
    return lua_gettop(L);
}

/* The stage's message handler, called through this wrapper: once a budget is
 * spent, the user's handler is skipped (Lua may call a handler with hooks
 * off, where an endless loop in it could never be stopped). */
static int xpcall_handler(lua_State *L)
{
    if (tally_sandbox_of(L)->exhausted) return 1; /* the error as it is */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int safe_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, 1);
    lua_copy(L, 2, 1);
    lua_replace(L, 2); /* handler at 1, function at 2 */
    int st = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    rethrow_if_exhausted(L, st == LUA_OK);
    lua_pushboolean(L, st == LUA_OK);
    lua_replace(L, 1);
    return lua_gettop(L);
}

/* setmetatable without finalizers: Lua runs __gc with hooks off, so a loop in
 * one would escape the instruction budget. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_istable(L, 2) && lua_getfield(L, 2, "__gc") != LUA_TNIL)
        return luaL_error(L, "stages may not set __gc finalizers (they run outside the instruction budget)");
    lua_settop(L, 2);
    lua_getglobal(L, "setmetatable");
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

/* print goes to stderr as a log line, never into a report. */
static int safe_print(lua_State *L)
{
    int n = lua_gettop(L);
    fputs("tally: stage: ", stderr);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1) fputc('\t', stderr);
        fwrite(s, 1, len, stderr);
        lua_pop(L, 1);
    }
    fputc('\n', stderr);
    return 0;
}

static int unknown_global(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "unknown global '%s' (stages see only options, tally, report and the safe parts of "
                         "base, string, table, math and utf8)", name ? name : "?");
}

static void copy_library(lua_State *L, const char *name, const char *const *skip)
{
    lua_getglobal(L, name);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        const char *k = lua_tostring(L, -2);
        int skipped = 0;
        for (const char *const *s = skip; s && *s; s++)
            if (k && strcmp(k, *s) == 0) skipped = 1;
        if (skipped) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_remove(L, -2);
    lua_setfield(L, -2, name);
}

void tally_sandbox_push_env(tally_sandbox *sb)
{
    lua_State *L = sb->L;
    static const char *const base_ok[] = {"assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget",
                                          "rawlen", "rawset", "select", "getmetatable",
                                          "tonumber", "tostring", "type", "_VERSION", NULL};
    static const char *const string_skip[] = {"dump", NULL};
    lua_newtable(L);
    for (const char *const *f = base_ok; *f; f++) {
        lua_getglobal(L, *f);
        lua_setfield(L, -2, *f);
    }
    lua_pushcfunction(L, safe_pcall);
    lua_setfield(L, -2, "pcall");
    lua_pushcfunction(L, safe_xpcall);
    lua_setfield(L, -2, "xpcall");
    lua_pushcfunction(L, safe_print);
    lua_setfield(L, -2, "print");
    lua_pushcfunction(L, safe_setmetatable);
    lua_setfield(L, -2, "setmetatable");
    copy_library(L, LUA_STRLIBNAME, string_skip);
    copy_library(L, LUA_TABLIBNAME, NULL);
    copy_library(L, LUA_MATHLIBNAME, NULL);
    copy_library(L, LUA_UTF8LIBNAME, NULL);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
    lua_newtable(L);
    lua_pushcfunction(L, unknown_global);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "the stage environment is protected");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

static int sandbox_msgh(lua_State *L);

/* Does the message already start with "something:123:"? */
static int has_position(const char *msg)
{
    const char *colon = strchr(msg, ':');
    if (!colon || colon == msg) return 0;
    const char *p = colon + 1;
    if (*p < '0' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9') p++;
    return *p == ':';
}

/* The message handler runs C only (no Lua instruction, so the hook stays as it
 * is), and then Lua unwinds the stack, running the stage's <close> handlers: the
 * budgets must still hold for those. The traceback gets its own headroom above
 * the memory cap, taken back before the handler returns. */
#define MSGH_HEADROOM (1u << 20)

int tally_sandbox_msgh(lua_State *L)
{
    tally_sandbox *sb = tally_sandbox_of(L);
    size_t cap = sb->cap;
    if (cap) sb->cap = (sb->used > cap ? sb->used : cap) + MSGH_HEADROOM;
    int rc = sandbox_msgh(L);
    sb->cap = cap;
    return rc;
}

static int sandbox_msgh(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) msg = luaL_typename(L, 1);
    if (!has_position(msg)) {
        lua_Debug ar;
        for (int level = 1; lua_getstack(L, level, &ar); level++) {
            lua_getinfo(L, "Sl", &ar);
            if (ar.currentline > 0 && ar.source[0] == '@') {
                lua_pushfstring(L, "%s:%d: %s", ar.source + 1, ar.currentline, msg);
                msg = lua_tostring(L, -1);
                break;
            }
        }
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}
