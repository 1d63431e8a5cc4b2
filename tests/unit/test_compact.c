/* test_compact.c: compact storage of categorical columns: same values, same statistics, one byte a cell. */
#include "check.h"
#include "dataset.h"
#include "host.h"
#include "stats.h"
#include "util.h"

#include <stdlib.h>

static tally_dataset *make(size_t n, double (*f)(size_t))
{
    tally_dataset *ds = tally_dataset_new("d");
    int col = tally_dataset_add_column(ds, "x", TALLY_NUMERIC);
    tally_dataset_resize(ds, n);
    for (size_t i = 0; i < n; i++) ds->cols[col]->num[i] = f(i);
    return ds;
}

static double codes_with_gaps(size_t i) { return i % 7 == 0 ? NAN : i % 5 == 0 ? -1 : i % 3 == 0 ? 2.5 : (double)(i % 4) + 1; }
static double many_values(size_t i) { return (double)i; }
static double big_codes(size_t i) { return i % 2 ? 999 : 1e9; }

/* Formats every cell of a table into one string (new). */
static char *table_text(const tally_table *t)
{
    sbuf b;
    sbuf_init(&b);
    char buf[128];
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) sbuf_printf(&b, "%s|", tally_table_format_cell(t, r, c, buf, sizeof buf));
        sbuf_putc(&b, '\n');
    }
    return sbuf_take(&b);
}

int main(void)
{
    tally_dataset *ds = make(1000, codes_with_gaps);
    tally_column *c = ds->cols[0];
    tally_stats_opts o;
    tally_stats_opts_init(&o);
    char *err = NULL;
    tally_table *before = tally_stats_frequencies(ds, 0, &o, &err);
    double *copy = xmalloc(1000 * sizeof *copy);
    for (size_t i = 0; i < 1000; i++) copy[i] = c->num[i];

    CHECK(tally_column_compact(c) == 1, "a column of few values is compacted");
    CHECK(c->num == NULL && c->codes != NULL && c->nlevels == 6, "one byte a cell, 6 levels (got %u)", c->nlevels);
    CHECK(c->levels[0] == -1 && c->levels[1] == 1 && c->levels[3] == 2.5, "levels are sorted ascending");
    int same = 1;
    for (size_t i = 0; i < 1000; i++) {
        double v = tally_col_num(c, i);
        if (!(v == copy[i] || (v != v && copy[i] != copy[i]))) same = 0;
    }
    CHECK(same, "every cell reads back the same value, NaN included");

    tally_table *after = tally_stats_frequencies(ds, 0, &o, &err);
    char *a = table_text(before), *b = table_text(after);
    CHECK_STR(b, a, "frequencies are identical on compact storage");
    free(a);
    free(b);
    tally_table_unref(after);

    size_t rows[] = {1, 2, 3, 10, 20, 35};
    tally_dataset *view = tally_dataset_view(ds, "v", rows, 6);
    after = tally_stats_frequencies(view, 0, &o, &err);
    double total = 0;
    for (size_t r = 0; r < after->nrows; r++)
        if (after->rows[r].type == TALLY_ROW_CATEGORY || after->rows[r].type == TALLY_ROW_MISSING)
            total += after->rows[r].cells[1].num;
    CHECK(total == 6, "a view over a compact column counts its own rows (got %g)", total);
    tally_table_unref(after);
    tally_dataset_free(view);

    double *back = tally_column_numbers(c);
    same = back != NULL && c->codes == NULL;
    for (size_t i = 0; same && i < 1000; i++)
        if (!(back[i] == copy[i] || (back[i] != back[i] && copy[i] != copy[i]))) same = 0;
    CHECK(same, "widening back restores the doubles");
    free(copy);
    tally_table_unref(before);
    tally_dataset_free(ds);

    ds = make(1000, many_values);
    CHECK(tally_column_compact(ds->cols[0]) == 0 && ds->cols[0]->num != NULL, "more than 254 values stay doubles");
    tally_dataset_free(ds);
    ds = make(10, big_codes);
    CHECK(tally_column_compact(ds->cols[0]) == 1 && tally_col_num(ds->cols[0], 0) == 1e9 &&
              tally_col_num(ds->cols[0], 1) == 999,
          "large codes are kept exactly");
    tally_dataset_free(ds);

    ds = make(200000, codes_with_gaps);
    int w = tally_dataset_add_column(ds, "w", TALLY_NUMERIC);
    for (size_t i = 0; i < 200000; i++) ds->cols[w]->num[i] = 1 + (double)(i % 2);
    ds->weight = w;
    tally_dataset_compact(ds, 2);
    CHECK(ds->cols[0]->codes != NULL, "dataset compaction on two threads");
    CHECK(ds->cols[w]->codes == NULL, "the weight stays doubles");
    tally_dataset_free(ds);
    /* plugins can write compact cells directly */
    const tally_host *h = tally_host_get();
    ds = tally_dataset_new("p");
    int col = h->ds_add_column(ds, "q", TALLY_NUMERIC);
    CHECK(h->ds_resize_uninit(ds, 4) == 0 && ds->nrows == 4, "resize without initialising");
    double lv[] = {1, 2, 9};
    uint8_t *cells = h->ds_codes_data(ds, col, lv, 3);
    CHECK(cells != NULL, "a plugin gets a code buffer");
    if (cells) {
        cells[0] = 0;
        cells[1] = 2;
        cells[2] = TALLY_CODE_MISSING;
        cells[3] = 1;
    }
    CHECK(h->ds_number(ds, col, 1) == 9 && h->ds_number(ds, col, 3) == 2 && h->ds_number(ds, col, 2) != h->ds_number(ds, col, 2),
          "codes read back as their levels, 255 as system-missing");
    double unsorted[] = {2, 1};
    CHECK(h->ds_codes_data(ds, col, unsorted, 2) == NULL, "levels must be ascending");
    /* or hand over buffers they filled themselves (ABI 1.2) */
    int col2 = h->ds_add_column(ds, "r", TALLY_NUMERIC), col3 = h->ds_add_column(ds, "s", TALLY_NUMERIC);
    CHECK(h->ds_resize_uninit(ds, 4) == 0, "resize for the adopted columns");
    uint8_t *own = malloc(4);
    double *nums = malloc(4 * sizeof *nums);
    own[0] = 1, own[1] = TALLY_CODE_MISSING, own[2] = 0, own[3] = 1;
    nums[0] = 0.5, nums[1] = -2, nums[2] = NAN, nums[3] = 1e9;
    CHECK(h->ds_adopt_codes(ds, col2, own, unsorted, 2) == -1, "adopt: levels must be ascending (the buffer stays the caller's)");
    CHECK(h->ds_adopt_codes(ds, col2, own, lv, 2) == 0 && ds->cols[col2]->codes == own, "adopt: the column takes the codes");
    CHECK(h->ds_number(ds, col2, 0) == 2 && h->ds_number(ds, col2, 2) == 1 && h->ds_number(ds, col2, 1) != h->ds_number(ds, col2, 1),
          "adopted codes read back as their levels");
    CHECK(h->ds_adopt_numeric(ds, col3, nums) == 0 && ds->cols[col3]->num == nums && h->ds_number(ds, col3, 3) == 1e9,
          "adopt: the column takes the doubles");
    CHECK(h->ds_adopt_numeric(ds, 99, nums) == -1, "adopt: a column that does not exist");
    tally_dataset_free(ds); /* frees the adopted buffers (valgrind and ASan would see a leak or a double free) */
    CHECK_DONE();
}
