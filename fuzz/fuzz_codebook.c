/* fuzz_codebook.c: fuzzes tally_codebook_apply (Lua-syntax codebooks: variables, patterns, mrsets, splits, weight). */
#include "fuzz_common.h"
#include "codebook.h"
#include "dataset.h"
#include "host.h"

#include <math.h>

/* A small survey the codebook can refer to: numeric codes, checkboxes, text. */
static tally_dataset *fixture(void)
{
    static const char *const numeric[] = {"q1", "q2", "r1", "r2", "r3_a", "area_1", "area_2", "area_3", "w"};
    static const char *const text[] = {"help_1", "help_2", "init", "city", "k1", "k2"};
    static const char *const text_cells[4][6] = {
        {"Selected", "", "Economy;Culture", "Berlin", "a", "b"},
        {"", "Selected", "Culture", "Köln", "b", ""},
        {"Selected", "Selected", "", "", "", "a"},
        {"x", "", "Economy; Sport ;", "Zürich", "c", "c"},
    };
    tally_dataset *ds = tally_dataset_new("fuzz");
    size_t nrows = 4;
    tally_dataset_resize(ds, nrows);
    for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++) {
        int c = tally_dataset_add_column(ds, numeric[i], TALLY_NUMERIC);
        double *v = tally_column_numbers(ds->cols[c]);
        for (size_t r = 0; r < nrows; r++) v[r] = r == 2 && i % 3 == 0 ? NAN : (double)((r + i) % 3);
    }
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
        int c = tally_dataset_add_column(ds, text[i], TALLY_STRING);
        for (size_t r = 0; r < nrows; r++) tally_dataset_set_string(ds, c, r, text_cells[r][i], strlen(text_cells[r][i]));
    }
    return ds;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tally_log_set_level(0);
    const char *path = fuzz_scratch(data, size, ".codebook.lua");
    tally_dataset *ds = fixture();
    char *err = NULL;
    int rc = tally_codebook_apply(path, ds, size && (data[0] & 1) ? "de" : "en", &err);
    FUZZ_ASSERT(rc == 0 ? err == NULL : err != NULL, "an error comes with a message, success without");
    if (rc != 0) FUZZ_ASSERT(*err, "the message is not empty");
    for (size_t i = 0; i < ds->nmrsets; i++)
        for (size_t k = 0; k < ds->mrsets[i].ncols; k++)
            FUZZ_ASSERT(ds->mrsets[i].cols[k] >= 0 && (size_t)ds->mrsets[i].cols[k] < ds->ncols,
                        "mrset columns exist");
    FUZZ_ASSERT(ds->weight < (int)ds->ncols, "the weight is a column");
    free(err);
    tally_dataset_free(ds);
    return 0;
}
