/* fuzz_config.c: fuzzes the config loader (Lua syntax in an empty environment, blocks, include, --set overrides). */
#include "fuzz_common.h"
#include "config.h"
#include "lua_runtime.h"
#include "lua_sandbox.h"
#include "result.h"

#include <lua.h>

/*
 * The input is the config text. The loader arms its own budgets on its Lua
 * state (50,000,000 instructions, 64 MB: see docs/limits.md), so a config that
 * loops or allocates without end ends the one input instead of the whole fuzz
 * run; the budgets armed here only cover what runs outside the loader.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_scratch(data, size, ".lua");
    tally_report *rep = tally_report_new();
    tally_runtime *rt = tally_runtime_new(rep);
    if (!rt) abort();
    lua_State *L = tally_runtime_state(rt);
    tally_sandbox *sb = tally_sandbox_of(L);
    tally_sandbox_arm(sb, 2000000, 64u << 20);
    static char set0[] = "report.title=Fuzz", set1[] = "year=2024", set2[] = "output.markdown.path=x.md";
    char *sets[] = {set0, set1, set2};
    char *err = NULL;
    tally_config *c = tally_config_load(L, path, sets, size && (data[0] & 1) ? 3 : 0, &err);
    tally_sandbox_disarm(sb);
    FUZZ_ASSERT(c ? err == NULL : err != NULL, "an error comes with a message, success without");
    if (c) {
        for (size_t i = 0; i < c->nblocks; i++) {
            FUZZ_ASSERT(c->blocks[i].name && c->blocks[i].where && c->blocks[i].opts, "blocks are complete");
            if (c->blocks[i].kind == TALLY_BLOCK_STAGE) tally_config_push_stage_options(c, &c->blocks[i]), lua_pop(L, 1);
        }
        tally_config_report(c, "title");
        tally_config_free(c);
    }
    free(err);
    tally_runtime_free(rt);
    tally_report_free(rep);
    return 0;
}
