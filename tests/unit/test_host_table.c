/* test_host_table.c: the host table plugins get: its ABI version fields, every entry set, and entries reaching the core's data. */
#include "check.h"
#include "dataset.h"
#include "host.h"

#include <stddef.h>

typedef void (*any_fn)(void);

/* Every member after the three version fields is a function pointer (plugin.h), so the
 * table is walked slot by slot: a slot plugin.h gained and host.c left out is NULL. */
static void every_slot_set(const tally_host *h)
{
    size_t first = offsetof(tally_host, log);
    CHECK((sizeof(tally_host) - first) % sizeof(any_fn) == 0,
          "the table after its version fields is whole function pointers (%zu bytes)", sizeof(tally_host) - first);
    size_t nslots = (sizeof(tally_host) - first) / sizeof(any_fn), nnull = 0;
    for (size_t i = 0; i < nslots; i++) {
        any_fn fn;
        memcpy(&fn, (const char *)h + first + i * sizeof fn, sizeof fn);
        if (!fn) {
            printf("#   slot %zu (byte offset %zu) is NULL\n", i, first + i * sizeof fn);
            nnull++;
        }
    }
    CHECK(nslots >= 102, "the table has at least the 102 entries of ABI 1.4 (%zu)", nslots);
    CHECK(nnull == 0, "every one of the %zu entries is set (%zu NULL)", nslots, nnull);
}

int main(void)
{
    const tally_host *h = tally_host_get();
    CHECK(h != NULL, "tally_host_get returns the table");
    CHECK(h == tally_host_get(), "the same table on every call");
    CHECK(h->size == sizeof(tally_host), "size is sizeof(tally_host) (%u)", (unsigned)h->size);
    CHECK(h->abi_major == TALLY_ABI_MAJOR, "abi_major is TALLY_ABI_MAJOR (%u)", (unsigned)h->abi_major);
    CHECK(h->abi_minor == TALLY_ABI_MINOR, "abi_minor is TALLY_ABI_MINOR (%u)", (unsigned)h->abi_minor);
    every_slot_set(h);

    /* A few entries from each file that supplies them, used as a plugin would. */
    tally_dataset *ds = tally_dataset_new("t");
    int col = h->ds_add_column(ds, "age", TALLY_NUMERIC);
    CHECK(col == 0 && h->ds_resize(ds, 3) == 0, "ds_add_column and ds_resize build a dataset");
    h->ds_numeric_data(ds, col)[1] = 42;
    h->var_set_label(ds, col, "Age in years");
    CHECK(h->ds_nrows(ds) == 3 && h->ds_ncols(ds) == 1, "ds_nrows and ds_ncols read it back");
    CHECK(h->ds_number(ds, col, 1) == 42, "ds_number reads the cell written through ds_numeric_data");
    CHECK_STR(h->var_label(ds, col), "Age in years", "var_label reads the label set through var_set_label");
    /* ds_reserve_text (ABI 1.6): the room made once, the strings set after it in that room */
    int city = h->ds_add_column(ds, "city", TALLY_STRING);
    CHECK(h->ds_reserve_text(ds, col, 100) == -1, "ds_reserve_text refuses a numeric column");
    /* three names of 99 bytes: 300 bytes with their NULs, past a new column's first arena */
    char name[3][100];
    for (int r = 0; r < 3; r++) memset(name[r], 'a' + r, 99), name[r][99] = 0;
    const tally_column *cc = ds->cols[city];
    CHECK(h->ds_reserve_text(ds, city, 3 * 100) == 0 && cc->arena_cap - cc->arena_len >= 300,
          "ds_reserve_text makes room in a string column (%zu bytes free)", cc->arena_cap - cc->arena_len);
    const char *arena = cc->arena;
    size_t cap = cc->arena_cap;
    int fits = 1;
    for (size_t r = 0; r < 3; r++) fits &= h->ds_set_string(ds, city, r, name[r], 99) == 0;
    CHECK(fits && cc->arena == arena && cc->arena_cap == cap,
          "  the strings set after it take that room: the arena neither moved nor grew");
    CHECK_STR(tally_column_string(cc, 1), name[1], "  and read back");
    tally_dataset_free(ds);

    tally_options *o = tally_options_new("config.lua:3");
    tally_options_set_string(o, "path", "out.xlsx");
    CHECK_STR(h->opt_string(o, "path"), "out.xlsx", "opt_string reads an option");
    CHECK(h->opt_is_set(o, "path") && !h->opt_is_set(o, "sheet"), "opt_is_set tells set from unset");
    CHECK_STR(h->opt_where(o), "config.lua:3", "opt_where names the block's file:line");
    tally_options_free(o);

    tally_ctx *ctx = tally_ctx_new("test");
    h->error(ctx, "first %d", 1);
    h->error(ctx, "second");
    CHECK_STR(tally_ctx_error(ctx), "first 1", "error keeps the first message");
    CHECK_STR(h->ctx_language(ctx), "en", "ctx_language is en when the report sets none");
    tally_ctx_free(ctx);
    CHECK(h->str_distance("region", "regoin") == 2, "str_distance counts a swap as two edits");
    CHECK_DONE();
}
