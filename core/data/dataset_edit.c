/* dataset_edit.c: removing and moving a dataset's columns (sets and weight follow them), and its read facts. */
#include "dataset.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Column indexes in sets and the weight after a change: map[i] is old column i's new
 * index, or -1 when it is gone. */
static void renumber(tally_dataset *ds, const int *map)
{
    size_t kept = 0;
    for (size_t s = 0; s < ds->nmrsets; s++) {
        tally_mrset *m = &ds->mrsets[s];
        size_t n = 0;
        for (size_t k = 0; k < m->ncols; k++)
            if (map[m->cols[k]] >= 0) m->cols[n++] = map[m->cols[k]];
        m->ncols = n;
        if (n == 0) { /* nothing left to count */
            free(m->name);
            free(m->label);
            free(m->cols);
            continue;
        }
        ds->mrsets[kept++] = *m;
    }
    ds->nmrsets = kept;
    if (ds->weight >= 0) ds->weight = map[ds->weight];
}

int tally_dataset_drop_column(tally_dataset *ds, int col)
{
    if (!ds || col < 0 || (size_t)col >= ds->ncols) return -1;
    int *map = xmalloc(ds->ncols * sizeof *map);
    for (size_t i = 0; i < ds->ncols; i++) map[i] = (int)i < col ? (int)i : (int)i == col ? -1 : (int)i - 1;
    tally_column_unref(ds->cols[col]);
    memmove(ds->cols + col, ds->cols + col + 1, (ds->ncols - (size_t)col - 1) * sizeof *ds->cols);
    ds->ncols--;
    renumber(ds, map);
    free(map);
    tally_dataset_reindex(ds);
    return 0;
}

int tally_dataset_move_column(tally_dataset *ds, int from, int to)
{
    if (!ds || from < 0 || to < 0 || (size_t)from >= ds->ncols || (size_t)to >= ds->ncols) return -1;
    if (from == to) return 0;
    int *map = xmalloc(ds->ncols * sizeof *map);
    for (size_t i = 0; i < ds->ncols; i++) map[i] = (int)i;
    tally_column *c = ds->cols[from];
    if (from < to) {
        memmove(ds->cols + from, ds->cols + from + 1, (size_t)(to - from) * sizeof *ds->cols);
        for (int i = from + 1; i <= to; i++) map[i] = i - 1;
    } else {
        memmove(ds->cols + to + 1, ds->cols + to, (size_t)(from - to) * sizeof *ds->cols);
        for (int i = to; i < from; i++) map[i] = i + 1;
    }
    ds->cols[to] = c;
    map[from] = to;
    renumber(ds, map);
    free(map);
    tally_dataset_reindex(ds);
    return 0;
}

void tally_dataset_set_info(tally_dataset *ds, const char *key, const char *value)
{
    if (!ds || !key || !value) return;
    for (size_t i = 0; i < ds->ninfo; i++)
        if (strcmp(ds->info[2 * i], key) == 0) {
            free(ds->info[2 * i + 1]);
            ds->info[2 * i + 1] = xstrdup(value);
            return;
        }
    ds->info = xrealloc(ds->info, (ds->ninfo + 1) * 2 * sizeof *ds->info);
    ds->info[2 * ds->ninfo] = xstrdup(key);
    ds->info[2 * ds->ninfo + 1] = xstrdup(value);
    ds->ninfo++;
}

const char *tally_dataset_info(const tally_dataset *ds, const char *key)
{
    for (size_t i = 0; ds && i < ds->ninfo; i++)
        if (strcmp(ds->info[2 * i], key) == 0) return ds->info[2 * i + 1];
    return NULL;
}
