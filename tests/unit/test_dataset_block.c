/* test_dataset_block.c: a reader's cells in blocks of 2 MB pages (ds_block_new, ds_view_codes): aligned,
 * advised, viewed by columns, read-only once sealed, unmapped with the last view; and the huge-page helpers. */
#include "check.h"
#include "dataset.h"
#include "host_entries.h"
#include "huge_pages.h"
#include "plugin_harness.h"
#include "vm_maps.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void check_helpers(int advised)
{
    size_t len = 3 * TALLY_HUGE_PAGE + 1000, mapped = 0;
    unsigned char *b = tally_huge_block(len, &mapped);
    CHECK(b != NULL && (uintptr_t)b % TALLY_HUGE_PAGE == 0, "a block starts on a 2 MB boundary");
    CHECK(mapped >= len && mapped < len + 4096, "it maps its bytes in whole pages (%zu for %zu)", mapped, len);
    int zero = 1;
    for (size_t i = 0; i < len; i += 4099) zero &= b[i] == 0;
    CHECK(zero && b[len - 1] == 0, "it is zero-filled");
    char flags[512], line[512];
    vm_flags_at(b, flags, sizeof flags);
    if (advised) CHECK(strstr(flags, " hg") != NULL, "it is advised for huge pages (%s)", flags);
    else printf("ok - # SKIP this kernel refuses MADV_HUGEPAGE\n");
    munmap(b, mapped);
    vm_maps_line(b, line, sizeof line);
    CHECK(line[0] == 0, "nothing of it stays mapped after munmap(p, mapped)");

    unsigned char *small = tally_huge_block(1000, &mapped);
    CHECK(small != NULL && mapped == (size_t)sysconf(_SC_PAGESIZE), "a small block is one ordinary page");
    munmap(small, mapped);

    /* a buffer of 8 MB: the advice covers its whole 2 MB pages */
    unsigned char *m = malloc(8 * TALLY_HUGE_PAGE / 2);
    tally_huge_advise(m, 8 * TALLY_HUGE_PAGE / 2);
    uintptr_t inner = ((uintptr_t)m + TALLY_HUGE_PAGE - 1) & ~(uintptr_t)(TALLY_HUGE_PAGE - 1);
    vm_flags_at((void *)inner, flags, sizeof flags);
    if (advised) CHECK(strstr(flags, " hg") != NULL, "tally_huge_advise advises a buffer's whole 2 MB pages");
    free(m);

    /* growing keeps the bytes used, on both sides of TALLY_HUGE_MIN */
    size_t used = 3000;
    unsigned char *g = malloc(used);
    for (size_t i = 0; i < used; i++) g[i] = (unsigned char)(i * 13);
    g = tally_huge_grow(g, used, 1 << 20);
    int same = g != NULL;
    for (size_t i = 0; same && i < used; i++) same = g[i] == (unsigned char)(i * 13);
    CHECK(same, "tally_huge_grow below TALLY_HUGE_MIN keeps the bytes used");
    memset(g + used, 7, (1 << 20) - used);
    g = tally_huge_grow(g, 1 << 20, TALLY_HUGE_MIN * 2);
    same = g != NULL;
    for (size_t i = 0; same && i < used; i++) same = g[i] == (unsigned char)(i * 13);
    for (size_t i = used; same && i < (1 << 20); i++) same = g[i] == 7;
    CHECK(same, "tally_huge_grow from TALLY_HUGE_MIN keeps the bytes used");
    CHECK((uintptr_t)g % TALLY_HUGE_PAGE == 0, "and moves them to a buffer of whole 2 MB pages (no 4 KB head)");
    uintptr_t gin = ((uintptr_t)g + TALLY_HUGE_PAGE - 1) & ~(uintptr_t)(TALLY_HUGE_PAGE - 1);
    vm_flags_at((void *)gin, flags, sizeof flags);
    if (advised) CHECK(strstr(flags, " hg") != NULL, "the grown buffer is advised for huge pages");
    free(g);

    /* a buffer written whole: from 1.5 MB on, whole 2 MB pages on a 2 MB boundary */
    size_t rows2 = 1000000 * sizeof(uint16_t); /* a million rows of two bytes, below 2 MB */
    uint16_t *h = tally_huge_alloc(rows2);
    CHECK(h != NULL && (uintptr_t)h % TALLY_HUGE_PAGE == 0, "tally_huge_alloc of 1.9 MB starts on a 2 MB boundary");
    vm_flags_at(h, flags, sizeof flags);
    if (advised) CHECK(strstr(flags, " hg") != NULL, "and is advised for huge pages");
    for (size_t i = 0; i < rows2 / sizeof *h; i++) h[i] = (uint16_t)i;
    CHECK(h[999999] == (uint16_t)999999, "every byte asked for is there");
    free(h);
    /* zeros, even where malloc hands back memory it had used (from its heap, not a fresh
     * mapping: the mapping threshold raised past the size) */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    size_t zn = 3 * TALLY_HUGE_PAGE + 100;
    unsigned char *dirty = tally_huge_alloc(zn);
    memset(dirty, 0xAB, zn);
    free(dirty);
    unsigned char *z = tally_huge_calloc(zn);
    int zeros = z != NULL && (uintptr_t)z % TALLY_HUGE_PAGE == 0;
    for (size_t i = 0; zeros && i < zn; i += 509) zeros = z[i] == 0;
    CHECK(zeros && z[zn - 1] == 0, "tally_huge_calloc gives zeros on a 2 MB boundary, on memory used before too (%s)",
          z == dirty ? "the same memory" : "other memory");
    free(z);
    unsigned char *zs = tally_huge_calloc(100);
    CHECK(zs != NULL && zs[0] == 0 && zs[99] == 0, "a small one is calloc");
    free(zs);
    void *tiny = tally_huge_alloc(1000);
    CHECK(tiny != NULL, "a small one is plain malloc");
    free(tiny);
}

static const double levels[3] = {1, 2, 5};

/* A dataset of `rows` rows and two numeric columns, the first viewing codes in a block. */
static tally_dataset *viewed_dataset(size_t rows, uint8_t **codes_out)
{
    tally_dataset *ds = tally_dataset_new("d");
    tally_dataset_add_column(ds, "q", TALLY_NUMERIC);
    tally_dataset_add_column(ds, "r", TALLY_NUMERIC);
    tally_dataset_resize(ds, rows);
    uint8_t *block = host_ds_block_new(ds, 2 * rows);
    CHECK(block != NULL && ds->nblocks == 1, "ds_block_new gives a block the dataset keeps");
    for (size_t i = 0; i < rows; i++) block[i] = i % 7 == 0 ? TALLY_CODE_SYSMIS : (uint8_t)(i % 3);
    *codes_out = block;
    return ds;
}

static void check_views(void)
{
    size_t rows = 3 * TALLY_HUGE_PAGE;
    uint8_t *codes = NULL;
    tally_dataset *ds = viewed_dataset(rows, &codes);
    tally_column *q = ds->cols[0];
    CHECK(host_ds_view_codes(ds, 0, codes, levels, 3) == 0, "ds_view_codes takes codes in the block");
    CHECK(q->codes == codes && q->mapping == ds->blocks[0] && q->nlevels == 3, "the column views them");
    CHECK(tally_col_num(q, 1) == 2 && tally_col_num(q, 5) == 5 && isnan(tally_col_num(q, 7)),
          "its cells read through the levels (1 -> 2, 2 -> 5, missing)");
    uint8_t outside[16] = {0};
    CHECK(host_ds_view_codes(ds, 1, outside, levels, 3) == -1, "codes outside every block are refused");
    CHECK(host_ds_view_codes(ds, 1, codes + rows + rows / 2, levels, 3) == -1,
          "codes that run past the block's end are refused");
    const double unsorted[2] = {2, 1};
    CHECK(host_ds_view_codes(ds, 1, codes + rows, unsorted, 2) == -1, "levels out of order are refused");
    CHECK(host_ds_view_codes(ds, 1, codes + rows, levels, 3) == 0, "a second column views the block's second part");

    char line[512];
    tally_dataset_seal_blocks(ds);
    CHECK(ds->nblocks == 0 && ds->blocks == NULL, "sealing drops the dataset's own reference");
    vm_maps_line(codes, line, sizeof line);
    CHECK(strncmp(line, "r--p", 4) == 0, "a sealed block is read-only (%.4s)", line);
    CHECK(tally_col_num(q, 1) == 2, "the column still reads it");
    tally_mapping *m = q->mapping;
    CHECK(tally_memo_for(ds, q, q->codes, rows, NULL) == m, "results over its cells are kept with the block, as a cache's are");

    CHECK(m->refs == 2, "the two columns hold the block");
    CHECK(tally_column_own(ds->cols[0]) == 0 && q->mapping == NULL && q->codes != codes,
          "a column made writable copies its cells out of the block");
    CHECK(tally_col_num(q, 1) == 2 && tally_col_num(q, 5) == 5 && isnan(tally_col_num(q, 7)) && m->refs == 1,
          "with the same cells, its reference given back");
    tally_dataset_free(ds);
    vm_maps_line(codes, line, sizeof line);
    CHECK(line[0] == 0, "the block is unmapped with its last view");

    /* a block no column views goes when the read is done */
    ds = viewed_dataset(rows, &codes);
    tally_dataset_seal_blocks(ds);
    vm_maps_line(codes, line, sizeof line);
    CHECK(line[0] == 0, "a block no column views is unmapped when sealed");
    tally_dataset_free(ds);

    /* a dataset freed before the read was done frees its blocks */
    ds = viewed_dataset(rows, &codes);
    CHECK(host_ds_view_codes(ds, 0, codes, levels, 3) == 0, "viewed");
    tally_dataset_free(ds);
    vm_maps_line(codes, line, sizeof line);
    CHECK(line[0] == 0, "a dataset freed unsealed unmaps its block");
}

/* The csv reader puts a large file's codes in one block the columns view, with the same cells. */
static void check_csv_reader(void)
{
    char path[] = "/tmp/tally-block-csv.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    size_t rows = 600000;
    fprintf(f, "a,b,c,d,e,f,g,h,t\n");
    for (size_t i = 0; i < rows; i++)
        fprintf(f, "%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu,x%zu\n", i % 3, i % 5, i % 7, (i / 3) % 4, i % 2, i % 11, i % 9,
                (i * 7) % 13, i % 10);
    fclose(f);
    const tally_plugin_descriptor *csv = harness_build_plugin("csv", NULL);
    char *err = NULL, warnings[4096];
    tally_dataset *ds = harness_read(csv, "csv", path, NULL, &err, warnings, sizeof warnings);
    CHECK(ds && ds->nrows == rows, "the file is read (%zu rows; %s)", ds ? ds->nrows : 0, err ? err : "");
    free(err);
    if (!ds) return;
    int viewed = 1, right = 1;
    for (size_t k = 0; k < 8; k++) {
        const tally_column *c = ds->cols[k];
        viewed &= c->codes != NULL && c->mapping != NULL && c->mapping == ds->cols[0]->mapping;
    }
    for (size_t i = 0; i < rows; i += 997)
        right &= tally_col_num(ds->cols[1], i) == (double)(i % 5) && tally_col_num(ds->cols[7], i) == (double)((i * 7) % 13);
    CHECK(viewed, "its eight code columns view one block");
    CHECK(right, "their cells are the file's");
    CHECK(ds->cols[8]->mapping == NULL, "the text column has its own cells");
    const tally_column *t = ds->cols[8];
    CHECK(t->arena_len > 3 * rows / 2 && t->arena_cap == t->arena_len,
          "the text column's arena holds its text exactly: its room made once (ds_reserve_text), never doubled "
          "(%zu of %zu bytes)", t->arena_len, t->arena_cap);
    CHECK(strcmp(tally_column_string(t, 12345), "x5") == 0 && strcmp(tally_column_string(t, rows - 1), "x9") == 0,
          "  and its cells are the file's");
    tally_dataset_free(ds);
    unlink(path);
}

int main(void)
{
    int advised = vm_kernel_takes_hugepage_advice();
    check_helpers(advised);
    check_views();
    check_csv_reader();
    return check_failures ? 1 : 0;
}
