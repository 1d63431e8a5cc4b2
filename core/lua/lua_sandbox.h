/* lua_sandbox.h: a Lua state with a capped allocator, an instruction budget and a safe environment. */
#ifndef TALLY_LUA_SANDBOX_H
#define TALLY_LUA_SANDBOX_H

#include <lua.h>
#include <signal.h>
#include <stddef.h>

typedef struct tally_sandbox {
    lua_State *L;
    size_t used;          /* bytes the Lua heap holds now */
    size_t cap;           /* allocation fails beyond this (0: no cap) */
    long long budget;     /* instructions left in the current stage (< 0: no budget) */
    long long limit;      /* the current stage's instruction budget, for messages */
    size_t mem_limit;     /* the current stage's memory budget in bytes, for messages */
    volatile sig_atomic_t exhausted; /* 1: instructions ran out, 2: memory, 3: time; pcall cannot hide it */
    double deadline;      /* monotonic seconds when the stage's time ends (0: none; set by watchdog.c) */
    long long time_limit; /* the stage's max_seconds, for messages */
    const char *budget_hint; /* what to do when the instructions run out (NULL: the stage text) */
} tally_sandbox;

/* The counting allocator with a cap (ud: a tally_sandbox; cap 0: none). Memory past
 * the cap fails and sets exhausted = 2. Usable on its own for other capped states. */
void *tally_sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* Creates the state (returns 0) with the string metatable protected. The
 * sandbox struct must stay at a fixed address while the state lives. */
int tally_sandbox_open(tally_sandbox *sb);
/* The same state with no library at all (not even string methods): for files
 * that only declare things, such as codebooks. */
int tally_sandbox_open_bare(tally_sandbox *sb);
void tally_sandbox_close(tally_sandbox *sb);

/* Starts the budgets for one stage: `instructions` (<= 0: none) and
 * `memory_bytes` on top of what the heap holds now (0: none); a deadline set
 * before (sb->deadline) is checked with the instructions. */
void tally_sandbox_arm(tally_sandbox *sb, long long instructions, size_t memory_bytes);
void tally_sandbox_disarm(tally_sandbox *sb);

/* Makes the next Lua instruction fail with the time-limit error (safe to call
 * from a signal handler: it only sets fields and the hook). */
void tally_sandbox_interrupt(tally_sandbox *sb);

/* Pushes a new environment table holding the safe parts of base, string, table,
 * math and utf8 (fresh copies, so a stage cannot change what the next one
 * sees). Reading an unknown global in it is an error. */
void tally_sandbox_push_env(tally_sandbox *sb);

/* Message handler for lua_pcall: adds the script position when a C function
 * raised the error and appends a traceback. */
int tally_sandbox_msgh(lua_State *L);

/* Loads a Lua source file as a text chunk named "@path" (bytecode is refused), or
 * `text` under that name when text is not NULL. Returns LUA_OK with the function
 * pushed; a load status (LUA_ERRSYNTAX, LUA_ERRMEM) with "file:line: message"
 * pushed; or LUA_ERRFILE with nothing pushed and errno saying why the file could
 * not be read, for the caller to word in its user's terms. */
int tally_lua_load_file(lua_State *L, const char *path, const char *text);

/* The sandbox of a state. */
tally_sandbox *tally_sandbox_of(lua_State *L);

#endif
