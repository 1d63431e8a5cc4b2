/* plugin_call.h: the host table and context of one plugin call, held as one member by the structs that carry them through a plugin's files. */
#ifndef TALLY_PLUGIN_CALL_H
#define TALLY_PLUGIN_CALL_H

#include "tally/plugin.h"

/* Both borrowed from the call (read, write, ...) for as long as it runs: `h->error(ctx, ...)`
 * reports on this call, and `ctx` is never kept past it. */
typedef struct plugin_call {
    const tally_host *h;
    tally_ctx *ctx;
} plugin_call;

#endif
