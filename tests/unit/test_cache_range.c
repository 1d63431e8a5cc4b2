/* test_cache_range.c: a cache file whose checksums are made to fit again after a code or a text offset was
 * put out of range (or a text arena's closing NUL removed) is still refused, wherever the cell lies: the load checks the cells beside hashing them. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cache.h"
#include "cache_int.h"
#include "check.h"
#include "file_bytes.h"
#include "fixtures.h"
#include "dataset.h"
#include "host.h"
#include "scratch_cache.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>

#define ROWS 1100000 /* eight compact columns of one byte a row: the cells pass the 8 MB hash piece */
#define NCODED 8
#define PIECE ((size_t)8 << 20)

static char dir[] = "/tmp/tally-cache-range.XXXXXX";

/* The checksums of the cells and of the header made to fit the file's bytes again, as a writer
 * would compute them (cache.c: XXH3 of each 8 MB piece of the cells, then of those hashes). */
static void refit_hashes(char *file)
{
    cache_header *h = (cache_header *)file;
    size_t npieces = h->data_len ? (h->data_len + PIECE - 1) / PIECE : 1;
    uint64_t *piece = calloc(npieces, sizeof *piece);
    for (size_t k = 0; k < npieces; k++) {
        size_t at = k * PIECE, n = h->data_len - at < PIECE ? h->data_len - at : PIECE;
        piece[k] = XXH3_64bits(file + h->data_off + at, h->data_len ? n : 0);
    }
    h->data_hash = XXH3_64bits(piece, npieces * sizeof *piece);
    h->header_hash = XXH3_64bits(h, offsetof(cache_header, header_hash));
    free(piece);
}

/* Loads the cache file after `len` bytes at file offset `at` were set to `bytes` and the checksums
 * refitted; 1 when the load trusted it. The file is restored after. */
static int trusted_with(tally_cache *c, char *file, size_t n, size_t at, const void *bytes, size_t len)
{
    char saved[8];
    memcpy(saved, file + at, len);
    memcpy(file + at, bytes, len);
    refit_hashes(file);
    file_bytes_write(tally_cache_file(c), file, n);
    memcpy(file + at, saved, len);
    refit_hashes(file);
    const char *msgs;
    size_t nmsgs;
    tally_dataset *t = tally_cache_load(c, "t", "test", &msgs, &nmsgs);
    tally_dataset_free(t);
    return t != NULL;
}

int main(void)
{
    CHECK_WATCHDOG(60);
    if (!mkdtemp(dir)) return 1;
    tally_log_set_level(0); /* the damaged-file warnings */
    char *data;
    tally_options *o;
    tally_cache *c = scratch_cache(dir, &data, &o);
    tally_dataset *ds = fixture_cache_dataset(ROWS, NCODED);
    char *err = NULL;
    CHECK(c && tally_cache_store(c, ds, NULL, 0, &err) == 0, "stored: %s", err ? err : "");
    const char *msgs;
    size_t nmsgs, n = 0;
    tally_dataset *back = tally_cache_load(c, "back", "test", &msgs, &nmsgs);
    CHECK(back != NULL, "loaded back");
    if (!back) CHECK_DONE();
    char *file = file_bytes_read(tally_cache_file(c), &n);
    const cache_header *h = (const cache_header *)file;
    CHECK(h->data_len > PIECE + (PIECE >> 3), "the cells pass the first hash piece (%llu bytes)",
          (unsigned long long)h->data_len);
    const char *base = back->cols[0]->mapping->base;

    /* the same bytes with the checksums refitted: trusted (so a refusal below is the range check's) */
    const uint8_t two = 2;
    size_t q0 = (size_t)((const char *)back->cols[0]->codes - base);
    CHECK(file[q0 + 1] == 1 && trusted_with(c, file, n, q0 + 1, &two, 1),
          "a code changed to another level, checksums refitted: trusted");

    /* a code one past the levels at the first and last cell of every compact column, and at cells
     * either side of the 8 MB piece and of each 256 KB block the check goes by */
    int refused = 0, tried = 0;
    const uint8_t past = 4, high = 254, missing = 255;
    for (int k = 0; k < NCODED; k++) {
        const tally_column *col = back->cols[k];
        size_t at = (size_t)((const char *)col->codes - base);
        size_t cells[] = {0, ROWS - 1, ROWS / 2};
        for (size_t i = 0; i < sizeof cells / sizeof *cells; i++, tried++)
            refused += !trusted_with(c, file, n, at + cells[i], &past, 1);
    }
    size_t data_at = (size_t)h->data_off, block = (size_t)256 << 10;
    size_t edges[] = {block, 2 * block, PIECE - block, PIECE, PIECE + block};
    for (size_t e = 0; e < sizeof edges / sizeof *edges; e++)
        for (size_t at = data_at + edges[e] - 1; at <= data_at + edges[e]; at++)
            for (int k = 0; k < NCODED; k++) { /* only where a compact column's codes lie */
                size_t from = (size_t)((const char *)back->cols[k]->codes - base);
                if (at >= from && at < from + ROWS) {
                    tried++;
                    refused += !trusted_with(c, file, n, at, &high, 1);
                }
            }
    CHECK(tried >= 3 * NCODED + 8 && refused == tried, "codes past the levels, refitted: refused at every place (%d of %d)",
          refused, tried);
    CHECK(trusted_with(c, file, n, q0 + ROWS - 1, &missing, 1), "  a missing code there is trusted");

    /* text offsets: one past the arena refused, the arena's last byte (an empty text) trusted */
    const tally_column *city = back->cols[NCODED];
    size_t str_at = (size_t)((const char *)city->str - base);
    uint64_t past_arena = city->arena_len, last = city->arena_len - 1;
    refused = 0;
    size_t rows[] = {0, 1, ROWS / 2, ROWS - 1};
    for (size_t i = 0; i < 4; i++) refused += !trusted_with(c, file, n, str_at + rows[i] * 8, &past_arena, 8);
    CHECK(refused == 4, "a text offset one past the arena, refitted: refused at every place (%d of 4)", refused);
    CHECK(trusted_with(c, file, n, str_at + (ROWS - 1) * 8, &last, 8), "  the arena's last byte is trusted");
    /* an arena that does not end a text: a read of its last string would run past it */
    size_t arena_end = (size_t)(city->arena - base) + city->arena_len - 1;
    const char unended = 'x';
    CHECK(file[arena_end] == '\0' && !trusted_with(c, file, n, arena_end, &unended, 1),
          "the arena's closing NUL changed, refitted: refused");

    file_bytes_write(tally_cache_file(c), file, n);
    tally_dataset *t = tally_cache_load(c, "t", "test", &msgs, &nmsgs);
    CHECK(t != NULL, "the file restored is read again");
    tally_dataset_free(t);
    free(file);
    tally_dataset_free(back);
    tally_dataset_free(ds);
    tally_cache_free(c);
    tally_options_free(o);
    free(data);
    if (file_tree_remove(dir) != 0) return 1;
    CHECK_DONE();
}
