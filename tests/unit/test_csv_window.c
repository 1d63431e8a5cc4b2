/* test_csv_window.c: phase 1's window reads the mapped file itself, in steps, gives the pages behind the parse back, and leaves the next chunk's steps to it. */
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
 * time as run_chunk moves its window; *foreign gets the steps the parse met in memory that
 * is not the file's mapping, *wrong the rows whose bytes were not the file's; *ahead the
 * most bytes the window had mapped past the row being parsed. */
static void parse_through(const char *base, size_t from, size_t to, size_t row, int *foreign, int *wrong,
                          size_t *ahead)
{
    csv_chunk c = {.start = base + from, .limit = base + to, .buf_end = base + LEN, .drop = 1};
    csv_window w = {.dropped = c.start, .checked = c.start, .next = c.start, .mapped = c.start, .end = c.buf_end};
    *foreign = *wrong = 0;
    *ahead = 0;
    for (const char *p = c.start; p < c.limit; p += row) {
        if (p >= w.next && csv_window_move(&c, &w, p, c.buf_end) != 0) break;
        *foreign += !file_mapped(p);
        *wrong += memcmp(p, want + (p - base), 64) != 0;
        if (w.mapped > p && (size_t)(w.mapped - p) > *ahead) *ahead = (size_t)(w.mapped - p);
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

    int foreign, wrong;
    size_t ahead;
    /* a chunk from byte 1000 to 1,000 bytes past step 5's start */
    parse_through(base, 1000, 5 * STEP + 1000, 100000, &foreign, &wrong, &ahead);
    CHECK(foreign == 0, "every row is read through the file's own mapping (%d elsewhere)", foreign);
    CHECK(wrong == 0, "  and holds the file's bytes (%d wrong)", wrong);
    CHECK(ahead > 0 && ahead <= 2 * STEP + (512u << 10), "  the window maps a step ahead of the parse, not the file (%zu bytes)",
          ahead);
    CHECK(memcmp(base, want, LEN) == 0, "  the pages given back behind it read the file's bytes again");

    /* a chunk off a step's boundary, and one inside a step */
    parse_through(base, 3 * STEP - 5000, 4 * STEP + 5000, 10000, &foreign, &wrong, &ahead);
    CHECK(foreign == 0 && wrong == 0, "a chunk across a step's boundary reads the file (%d, %d)", foreign, wrong);
    parse_through(base, 3 * STEP + 5000, 4 * STEP - 5000, 10000, &foreign, &wrong, &ahead);
    CHECK(foreign == 0 && wrong == 0, "a chunk inside one step reads the file (%d, %d)", foreign, wrong);

    /* two chunks side by side, the first ending on a step's boundary: its window stops at the
     * step that holds its end and leaves the next chunk's steps to that chunk's window */
    csv_chunk c = {.start = base + STEP + 1000, .limit = base + 4 * STEP, .buf_end = base + LEN, .drop = 1};
    csv_window w = {.dropped = c.start, .checked = c.start, .next = c.start, .mapped = c.start, .end = c.buf_end};
    const char *far = c.start;
    for (const char *p = c.start; p < c.limit; p += 10000) {
        if (p >= w.next && csv_window_move(&c, &w, p, c.buf_end) != 0) break;
        if (w.mapped > far) far = w.mapped;
    }
    CHECK(far <= c.limit, "the window of a chunk ending on a step's boundary maps nothing past it (%zu bytes past)",
          far > c.limit ? (size_t)(far - c.limit) : 0);
    csv_window_end(&c, &w);
    CHECK(memcmp(base, want, LEN) == 0, "  the file reads whole afterwards");

    munmap((void *)base, LEN);
    close(fd);
    unlink(path);
    free(want);
    return check_failures != 0;
}
