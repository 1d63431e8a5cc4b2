/* test_cache_checks.c: the column cache's load checks: the code and text offset range tests and the dispatched XXH3 against the inlined one. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cache_int.h"
#include "check.h"
#include "dataset.h"

#include <stdlib.h>

extern XXH64_hash_t XXH3_64bits_dispatch(const void *input, size_t len);

/* Codes of `len` cells, all valid (cycling below nlevels, with missing cells), and
 * one `bad` code at position `at` when at < len. */
static int in_range(size_t len, unsigned nlevels, size_t at, uint8_t bad)
{
    uint8_t *codes = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++) codes[i] = i % 7 == 3 ? TALLY_CODE_SYSMIS : (uint8_t)(nlevels ? i % nlevels : 255);
    if (at < len) codes[at] = bad;
    int r = cache_codes_within(codes, len, nlevels);
    free(codes);
    return r;
}

int main(void)
{
    /* every length and position around the vector widths, both edges of the range */
    int all = 1;
    for (size_t len = 1; len < 80; len++)
        for (size_t at = 0; at < len; at++) {
            all &= in_range(len, 5, at, 4) == 1;   /* the largest level */
            all &= in_range(len, 5, at, 5) == 0;   /* one past it */
            all &= in_range(len, 5, at, 254) == 0; /* the largest code that is not missing */
            all &= in_range(len, 5, at, 255) == 1; /* missing */
        }
    CHECK(all, "codes: the largest level and missing pass, one past the levels and 254 fail, at every position");
    CHECK(in_range(1000, 0, 500, 255) == 1, "no levels: only missing cells pass");
    CHECK(in_range(1000, 0, 500, 0) == 0, "no levels: code 0 fails");
    CHECK(in_range(1000, 255, 999, 254) == 1, "255 levels: code 254 passes");
    CHECK(in_range(0, 3, 0, 9) == 1, "an empty column passes");

    /* text offsets: below the arena's length at every position, its length and above refused */
    uint64_t offs[40];
    const uint64_t arena = 1000, wrong[] = {1000, 1001, (uint64_t)1 << 62, (uint64_t)1 << 63, UINT64_MAX,
                                            UINT64_MAX - 999, ((uint64_t)1 << 63) + 999};
    int offsets_ok = 1;
    for (size_t len = 1; len <= 40; len++)
        for (size_t at = 0; at < len; at++) {
            for (size_t i = 0; i < len; i++) offs[i] = (i * 37) % arena;
            offs[at] = arena - 1;
            offsets_ok &= cache_offsets_below(offs, len, arena) == 1;
            offs[at] = 0;
            offsets_ok &= cache_offsets_below(offs, len, arena) == 1;
            for (size_t w = 0; w < sizeof wrong / sizeof *wrong; w++) {
                offs[at] = wrong[w];
                offsets_ok &= cache_offsets_below(offs, len, arena) == 0;
            }
        }
    CHECK(offsets_ok, "offsets: 0 and the arena's last byte pass, its length and larger values up to 2^64-1 fail, "
          "at every position");
    CHECK(cache_offsets_below(offs, 0, 1) == 1, "no offsets pass");
    offs[0] = UINT64_MAX - 1;
    offs[1] = (uint64_t)1 << 63;
    CHECK(cache_offsets_below(offs, 2, UINT64_MAX) == 1, "an arena length past 2^63: offsets below it pass");
    offs[1] = UINT64_MAX;
    CHECK(cache_offsets_below(offs, 2, UINT64_MAX) == 0, "  and one at it fails");

    /* the dispatched hash is the same function as the inlined one */
    size_t big = ((size_t)8 << 20) + 12345;
    unsigned char *buf = malloc(big);
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < big; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    int same = 1;
    for (size_t n = 0; n < 2048; n++) same &= XXH3_64bits_dispatch(buf + (n & 15), n) == XXH3_64bits(buf + (n & 15), n);
    CHECK(same, "XXH3: dispatched and inlined agree on every length below 2048 at 16 alignments");
    CHECK(XXH3_64bits_dispatch(buf, big) == XXH3_64bits(buf, big), "XXH3: dispatched and inlined agree on a piece past 8 MB");
    free(buf);
    return check_failures != 0;
}
