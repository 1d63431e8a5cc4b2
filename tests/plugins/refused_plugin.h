/* refused_plugin.h: the body of a test input plugin the loader must refuse for its ABI version.
 * Define REFUSED_NAME, REFUSED_MAJOR, REFUSED_MINOR and REFUSED_WHAT (its description) first. */
#include "tally/plugin.h"

static int never_called(const tally_host *host, tally_ctx *ctx, const tally_options *opts, tally_dataset *out)
{
    (void)host; (void)opts; (void)out;
    host->error(ctx, "the loader must never call a plugin of another ABI");
    return 1;
}

static const tally_option_decl options[] = {{.name = NULL}};

static const tally_plugin_descriptor desc = {
    .abi_major = REFUSED_MAJOR,
    .abi_minor = REFUSED_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_INPUT,
    .name = REFUSED_NAME,
    .description = REFUSED_WHAT,
    .version = "0",
    .options = options,
    .extensions = REFUSED_NAME,
    .read = never_called,
};

TALLY_PLUGIN(desc)
