/* test_csv_window.c: phase 1's window reads whole 2 MB steps inside its chunk with pread into memory that takes their place, and puts the file's mapping back behind the parse. */
#include "check.h"
#include "map_huge.h"
#include "vm_maps.h"
#include "../../plugins/input/csv/reader.h"
#include "../../plugins/input/csv/tokenize.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define STEP ((size_t)2 << 20)
#define LEN (6 * STEP + 123) /* past whole steps, and not on one's end */

static char path[] = "/tmp/tally-csv-window.XXXXXX";
static unsigned char *want;

/* 1 when the mapping that holds p is the test file's (its maps line names it). */
static int file_mapped(const void *p)
{
    char line[512];
    vm_maps_line(p, line, sizeof line);
    return strstr(line, path) != NULL;
}

/* A chunk over [from, to) of the mapped file at base, parsed a row of `row` bytes at a
 * time as run_chunk moves its window; *filled gets the steps seen held by memory that is
 * not the file's, *stray those that should not be (not wholly inside the chunk), *wrong
 * the times a step's bytes were not the file's. */
static void parse_through(const char *base, int fd, size_t from, size_t to, size_t row, int *filled, int *stray,
                          int *wrong)
{
    csv_chunk c = {.start = base + from, .limit = base + to, .buf_end = base + LEN, .drop = 1, .fill_fd = fd,
                   .fill_base = base};
    csv_window w = {.dropped = c.start, .checked = c.start, .next = c.start, .mapped = c.start, .end = c.buf_end};
    *filled = *stray = *wrong = 0;
    const char *seen = NULL; /* the last step counted */
    for (const char *p = c.start; p < c.limit; p += row) {
        if (p >= w.next && csv_window_move(&c, &w, p, c.buf_end) != 0) break;
        const char *step = (const char *)((uintptr_t)p & ~(uintptr_t)(STEP - 1));
        if (step != seen && !file_mapped(p)) {
            int whole = step >= c.start && step + STEP <= c.limit;
            *filled += whole;
            *stray += !whole;
            *wrong += memcmp(step, want + (step - base), STEP) != 0;
        }
        seen = step;
        *wrong += memcmp(p, want + (p - base), 64) != 0; /* the row read where the parse is */
    }
    csv_window_end(&c, &w);
}

int main(void)
{
    int fd = mkstemp(path);
    CHECK(fd >= 0, "a scratch file");
    want = malloc(LEN);
    for (size_t i = 0; i < LEN; i++) want[i] = (unsigned char)('a' + (i * 7 + i / 4093) % 26);
    CHECK(write(fd, want, LEN) == (ssize_t)LEN, "the file written (%zu bytes)", (size_t)LEN);
    const char *base = tally_map_huge(fd, LEN, 0);
    CHECK(base != MAP_FAILED, "mapped");
    if (base == MAP_FAILED) CHECK_DONE();

    if (csv_window_fills()) {
        int filled, stray, wrong;
        /* a chunk from byte 1000 to 1,000 bytes past step 5's start: steps 1 to 4 lie wholly inside */
        parse_through(base, fd, 1000, 5 * STEP + 1000, 100000, &filled, &stray, &wrong);
        CHECK(filled == 4, "the chunk's four whole steps read into memory of their own (%d)", filled);
        CHECK(stray == 0, "  no step the chunk shares with the one before or after (%d)", stray);
        CHECK(wrong == 0, "  every byte read where the parse was is the file's (%d wrong)", wrong);
        int back = 1;
        for (size_t s = 0; s < LEN; s += STEP) back &= file_mapped(base + s);
        CHECK(back, "  at the chunk's end every step is the file's mapping again");
        CHECK(memcmp(base, want, LEN) == 0, "  and reads the file's bytes");

        /* a chunk from a few KB before step 3 to a few after it (its window starts off a step's
         * boundary): step 3 alone read so */
        parse_through(base, fd, 3 * STEP - 5000, 4 * STEP + 5000, 100000, &filled, &stray, &wrong);
        CHECK(filled == 1 && stray == 0 && wrong == 0, "a chunk holding one whole step off a boundary reads it so "
              "(%d read, %d stray, %d wrong)", filled, stray, wrong);
        /* a chunk inside one step: none */
        parse_through(base, fd, 3 * STEP + 5000, 4 * STEP - 5000, 100000, &filled, &stray, &wrong);
        CHECK(filled == 0 && stray == 0 && wrong == 0, "a chunk holding no whole step reads none (%d, %d, %d)", filled,
              stray, wrong);
        /* no descriptor: the mapping as before */
        parse_through(base, -1, 0, LEN, 100000, &filled, &stray, &wrong);
        CHECK(filled == 0 && stray == 0 && wrong == 0, "without the file's descriptor no step is read (%d)", filled);

        /* two chunks side by side, the first ending on a step's boundary: the next chunk holds its
         * first step in memory of its own while the first chunk is parsed to its end (rows of
         * 10,000 bytes, so that one starts in the last 64 KB before the boundary, where the window
         * moves on); the first chunk's window must leave that step alone (giving its pages back
         * would turn it to zeros) */
        csv_chunk next = {.start = base + 4 * STEP, .limit = base + LEN, .buf_end = base + LEN, .drop = 1, .fill_fd = fd,
                          .fill_base = base};
        csv_window nw = {.dropped = next.start, .checked = next.start, .next = next.start, .mapped = next.start,
                         .end = next.buf_end};
        CHECK(csv_window_move(&next, &nw, next.start, next.buf_end) == 0 && !file_mapped(next.start),
              "the next chunk holds its first step in memory of its own");
        parse_through(base, fd, STEP + 1000, 4 * STEP, 10000, &filled, &stray, &wrong);
        CHECK(filled == 2 && stray == 0 && wrong == 0, "  the chunk before it parsed to its end (%d read, %d stray, %d wrong)",
              filled, stray, wrong);
        CHECK(memcmp(next.start, want + 4 * STEP, STEP) == 0, "  the next chunk's step still holds the file's bytes");
        csv_window_end(&next, &nw);
        CHECK(file_mapped(next.start) && memcmp(base, want, LEN) == 0, "  and is the file's mapping again at its end");

        /* the file shrinks under the read: the step past its end says so, as the SIGBUS guard does */
        CHECK(csv_mapguard_begin(base, LEN) == 0, "the SIGBUS guard on");
        CHECK(ftruncate(fd, (off_t)(3 * STEP + 10)) == 0, "the file cut to 3 steps");
        csv_chunk c = {.start = base + 4 * STEP, .limit = base + 6 * STEP, .buf_end = base + LEN, .drop = 1,
                       .fill_fd = fd, .fill_base = base};
        csv_window w = {.dropped = c.start, .checked = c.start, .next = c.start, .mapped = c.start, .end = c.buf_end};
        CHECK(csv_window_move(&c, &w, c.start, c.buf_end) == 0 && csv_mapguard_hit(), "a step read past the new end: the file shrank");
        csv_window_end(&c, &w);
        CHECK(csv_mapguard_end() == 1, "  as the guard reports it");
    } else {
        printf("ok - # SKIP the kernel gives no 2 MB pages to this process (transparent_hugepage/enabled): steps are mapped\n");
    }
    munmap((void *)base, LEN);
    close(fd);
    unlink(path);
    free(want);
    return check_failures != 0;
}
