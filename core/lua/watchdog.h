/* watchdog.h: wall-clock limits that hold while C code runs (string functions, kernels, lookups), per stage and per run. */
#ifndef TALLY_WATCHDOG_H
#define TALLY_WATCHDOG_H

#include "lua_sandbox.h"

/*
 * One interval timer (SIGALRM) watches the running stages' deadlines (max_seconds;
 * as many stages as run side by side, parallel.h) and the whole run's (--timeout).
 *
 * A stage past its deadline is stopped at its next Lua instruction with an
 * error (the sandbox's hook also checks the clock); if it is still inside one
 * C call TALLY_WATCHDOG_GRACE seconds later (a backtracking string.find, a
 * kernel over a huge dataset), the process ends with the stage's message and
 * exit 1. A run past --timeout ends at once with its message and exit 1.
 * Nothing is written before the outputs' phase, so a stage stopped this way
 * leaves every earlier report as it was.
 */

#define TALLY_WATCHDOG_GRACE 2 /* seconds a C call may run past a stage's deadline */

/* Watches the whole run: it ends `seconds` from now (<= 0: no limit). */
void tally_watchdog_run(long long seconds);

/* Watches a stage: `sb` gets a deadline `seconds` from now (<= 0: none);
 * `what` names it in messages ("stage 'x' (config.lua:3)"; copied). */
void tally_watchdog_stage_begin(tally_sandbox *sb, long long seconds, const char *what);
void tally_watchdog_stage_end(tally_sandbox *sb);

/* Monotonic seconds. */
double tally_watchdog_now(void);

#endif
