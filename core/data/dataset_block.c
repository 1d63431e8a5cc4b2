/* dataset_block.c: the blocks a reader writes cells into (ds_block_new): 2 MB pages, viewed by columns, read-only once the read is done. */
#include "dataset.h"
#include "host_entries.h"
#include "util.h"
#include "../plugins/common/huge_pages.h"

#include <stdlib.h>
#include <sys/mman.h>

/*
 * A block is a tally_mapping like a cache file's: the columns that view it hold
 * references, and the last one unmaps it. While the reader writes, the dataset
 * holds one reference too (ds->blocks); tally_dataset_seal_blocks then makes the
 * block read-only and drops that reference. Read-only matters beyond safety: a
 * mapping's memo keeps results made of its cells for the whole run
 * (mapping_memo.c), which holds only while nothing writes them.
 */

void *host_ds_block_new(tally_dataset *ds, size_t bytes)
{
    if (!ds || !bytes) return NULL;
    size_t len = 0;
    void *p = tally_huge_block(bytes, &len);
    if (!p) return NULL;
    ds->blocks = xrealloc(ds->blocks, (ds->nblocks + 1) * sizeof *ds->blocks);
    ds->blocks[ds->nblocks++] = tally_mapping_new(p, len);
    return p;
}

tally_mapping *tally_dataset_block_of(const tally_dataset *ds, const void *p, size_t n)
{
    for (size_t i = 0; i < ds->nblocks; i++)
        if (tally_mapping_holds(ds->blocks[i], p, n)) return ds->blocks[i];
    return NULL;
}

void tally_dataset_seal_blocks(tally_dataset *ds)
{
    for (size_t i = 0; i < ds->nblocks; i++) {
        tally_mapping *m = ds->blocks[i];
        if (m->refs > 1) mprotect(m->base, m->len, PROT_READ); /* viewed: its cells are final */
        tally_mapping_unref(m);
    }
    free(ds->blocks);
    ds->blocks = NULL;
    ds->nblocks = 0;
}
