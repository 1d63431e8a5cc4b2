/* oldminor.c: a test plugin whose descriptor is shorter than the host's: the loader reads only what it declares. */
#include <string.h>
#include "tally/plugin.h"

/* The descriptor as an older minor declared it: everything up to `read`.
 * The loader must not read past struct_size, so `write` comes out NULL. */
typedef struct {
    uint32_t abi_major, abi_minor, struct_size, kind;
    const char *name, *description, *version;
    const tally_option_decl *options;
    const char *extensions;
    int (*read)(const tally_host *, tally_ctx *, const tally_options *, tally_dataset *);
} old_descriptor;

static int read_one_row(const tally_host *host, tally_ctx *ctx, const tally_options *opts, tally_dataset *out)
{
    (void)ctx; (void)opts;
    int col = host->ds_add_column(out, "x", TALLY_NUMERIC);
    if (col < 0 || host->ds_resize(out, 1) != 0) return 1;
    host->ds_numeric_data(out, col)[0] = 42;
    return 0;
}

static const tally_option_decl options[] = {
    {.name = "path", .type = TALLY_OPT_PATH, .required = 1, .help = "ignored: the plugin makes one row"},
    {.name = NULL}};

/* Room after the short descriptor filled with a poison pattern: a loader that
 * read past struct_size would see a non-NULL `write`. */
static const struct {
    old_descriptor d;
    unsigned char poison[64];
} blob = {
    .d = {TALLY_ABI_MAJOR, 0, sizeof(old_descriptor), TALLY_PLUGIN_INPUT, "oldminor",
          "test plugin with a shorter descriptor", "0", options, "oldminor", read_one_row},
    .poison = {0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB},
};

__attribute__((visibility("default"))) const tally_plugin_descriptor *tally_plugin_entry(void)
{
    return (const tally_plugin_descriptor *)&blob.d;
}
