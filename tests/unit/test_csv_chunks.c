/* test_csv_chunks.c: the csv reader's chunks: split points at row starts despite quoted line ends; column buffers that start a cache line. */
#include "check.h"
#include "../../plugins/input/csv/reader.h"
#include "../../plugins/input/csv/tokenize.h"

#include <stdint.h>
#include <stdlib.h>

/*
 * The parse writes a column's codes 64 rows at a time as one whole cache line
 * streamed past the cache (fields.h, flush_block); a buffer that does not start a
 * line turns each of those writes into two partial ones, which made the chunk
 * whose buffers realloc() had grown (they start 16 bytes into a page) parse
 * 20 to 45 ms slower than the others at 1,000,000 rows. Both kinds of chunk are
 * checked: the first one ("direct", malloc'ed buffers with room for the whole
 * file) and the others (buffers carved from a slab).
 */
enum { NCOLS = 5, BYTES = 64 << 20 };

static int aligned(const void *p) { return ((uintptr_t)p & 63) == 0; }

/* Every code and number buffer of the chunk starts a cache line. */
static int all_aligned(const csv_chunk *c)
{
    for (size_t k = 0; k < NCOLS; k++) {
        const csv_colbuf *b = &c->cols[k];
        if (b->kind == CSV_BUF_CODES && !aligned(b->codes)) return 0;
        if (b->kind == CSV_BUF_NUMS && !aligned(b->nums)) return 0;
    }
    return 1;
}

static void check_chunk(int direct)
{
    const char *what = direct ? "direct chunk" : "slab chunk";
    static int forced[NCOLS];
    csv_cfg cfg = {.ncols = NCOLS, .forced = forced};
    char *text = malloc(BYTES); /* never read: its pages are never touched */
    csv_chunk c = {.cfg = &cfg, .start = text, .limit = text + BYTES, .buf_end = text + BYTES, .direct = direct};
    c.body_bytes = direct ? BYTES : 0;
    CHECK(text && csv_chunk_init(&c) == 0, "%s: set up", what);
    CHECK(all_aligned(&c), "%s: its first buffers start a cache line", what);
    /* column 1 holds doubles, as a column with more than 254 values does */
    CHECK(csv_to_nums(&c, 1, 0) == 0 && c.cols[1].kind == CSV_BUF_NUMS, "%s: column 1 turned to doubles", what);
    int ok = 1, grew = 0;
    for (size_t rows = c.cap; rows < BYTES / 50 && ok; rows = c.cap) { /* each growth as the parse asks for it */
        const char *at = text + rows * 50;                               /* 50 bytes a row */
        ok = csv_chunk_grow(&c, at) == 0 && c.cap > rows && all_aligned(&c);
        grew++;
    }
    CHECK(ok && grew >= 1, "%s: every buffer still starts a cache line after %d growths (%zu rows)", what, grew, c.cap);
    if (!direct) CHECK(c.slab != NULL, "%s: its buffers were carved from a slab", what);
    csv_chunk_clear(&c);
    free(text);
}

/*
 * Every row of the body holds a quoted line end ("x<LF>y"), so half the line ends
 * are inside quotes: a chunk guessed to start after one is parsed a second time,
 * on one thread, after the others (at 1,000,000 rows of the bench survey, where 5%
 * of the lines continue a quoted comment, 13 chunks had one such guess in two
 * runs). Each chunk must start where a row starts, and no piece be larger than the
 * one before it (the last ones taken are the smallest).
 */
static void check_split(void)
{
    enum { ROWS = 20000 };
    size_t cap = ROWS * 32, len = 0;
    char *text = malloc(cap);
    for (int i = 0; i < ROWS; i++) len += (size_t)snprintf(text + len, cap - len, "%d,\"x\ny\",%d\n", i, i % 7);
    csv_cfg cfg = {.delim = ',', .term = '\n', .decimal = '.', .ncols = 3};
    csv_settings s = {.threads = 2};
    const char *pts[MAX_CHUNKS + 1];
    size_t n = csv_body_split(&s, &cfg, text, text + len, 2, pts), wrong = 0;
    for (size_t k = 1; k < n; k++) wrong += pts[k][-1] != '\n' || pts[k][0] < '0' || pts[k][0] > '9';
    CHECK(n >= 10, "split: %zu chunks for 2 threads", n);
    for (size_t k = 1; k < n; k++)
        if (pts[k + 1] - pts[k] > pts[k] - pts[k - 1] + 64) wrong++; /* each piece at most the one before (a row more) */
    CHECK(wrong == 0, "split: every chunk starts a row, each no larger than the one before (%zu wrong of %zu)", wrong, n - 1);
    CHECK(pts[0] == text && pts[n] == text + len, "split: the chunks cover the body");
    /* pieces of equal size (a row either way) pass the check above: the shrinking is its own */
    CHECK(n >= 2 && (pts[n] - pts[n - 1]) * 4 < pts[1] - pts[0],
          "split: the last piece (%td bytes) is under a quarter of the first (%td)", pts[n] - pts[n - 1], pts[1] - pts[0]);
    free(text);
}

int main(void)
{
    check_split();
    check_chunk(1);
    check_chunk(0);
    return check_failures ? 1 : 0;
}
