/* newminor.c: a test plugin built for a newer ABI minor than the host; the loader must refuse it, naming both versions. */
#include "tally/plugin.h"

static int never_called(const tally_host *host, tally_ctx *ctx, const tally_options *opts, tally_dataset *out)
{
    (void)host; (void)opts; (void)out;
    host->error(ctx, "the loader must never call a plugin of another ABI");
    return 1;
}

static const tally_option_decl options[] = {{.name = NULL}};

static const tally_plugin_descriptor desc = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR + 1,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_INPUT,
    .name = "newminor",
    .description = "test plugin built for a newer ABI minor",
    .version = "0",
    .options = options,
    .extensions = "newminor",
    .read = never_called,
};

TALLY_PLUGIN(desc)
