/* test_csv_room.c: a chunk's text and text cells grow in realloc's room below CSV_ROOM_MIN, then in a mapping of their
 * own in 2 MB pages whose pages move (mremap) as it grows: the bytes kept, none copied, nothing left behind. */
#include "check.h"
#include "huge_pages.h"
#include "vm_maps.h"
#include "../../plugins/input/csv/tokenize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

static void fill(unsigned char *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) p[i] = (unsigned char)(i * 7 + i / 4096);
}

static int kept(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(i * 7 + i / 4096)) return 0;
    return 1;
}


int main(void)
{
    int advised = vm_kernel_takes_hugepage_advice();
    size_t small = 64 << 10, mid = CSV_ROOM_MIN * 3, big = (size_t)5 << 20;
    unsigned char *p = csv_room_grow(NULL, 0, 0, small);
    fill(p, 0, small);
    p = csv_room_grow(p, small, small, small * 2);
    fill(p, small, small * 2);
    CHECK(kept(p, small * 2), "below %zu KB: realloc's room, the bytes kept", CSV_ROOM_MIN >> 10);

    unsigned char *q = csv_room_grow(p, small * 2, small * 2, mid);
    CHECK(q && (uintptr_t)q % TALLY_HUGE_PAGE == 0, "from %zu KB on: a mapping of its own on a 2 MB boundary", CSV_ROOM_MIN >> 10);
    CHECK(kept(q, small * 2), "  the heap's bytes copied into it");
    char flags[512];
    vm_flags_at(q, flags, sizeof flags);
    if (advised) CHECK(strstr(flags, " hg") != NULL, "  advised for huge pages (%s)", flags);
    else printf("ok - # SKIP this kernel refuses MADV_HUGEPAGE\n");
    fill(q, small * 2, mid);
    CHECK(csv_room_grow(q, mid, mid, TALLY_HUGE_PAGE) == q, "  grown within its 2 MB page: the same room");

    fill(q, mid, TALLY_HUGE_PAGE);
    /* a room moved once before the one counted: the code it runs (mremap's page of libc) is
     * mapped by then, which a first call faults in (1 fault in 20 of 300 runs) */
    unsigned char *warm = csv_room_grow(NULL, 0, 0, CSV_ROOM_MIN);
    warm[0] = 1;
    warm = csv_room_grow(warm, 1, CSV_ROOM_MIN, big);
    csv_room_free(warm, big);
    long f0 = vm_minor_faults();
    unsigned char *r = csv_room_grow(q, TALLY_HUGE_PAGE, TALLY_HUGE_PAGE, big);
    long moved_faults = vm_minor_faults() - f0;
    CHECK(r && r != q && (uintptr_t)r % TALLY_HUGE_PAGE == 0, "grown past its 2 MB page: a larger mapping on a 2 MB boundary");
    if (RUNNING_ON_VALGRIND) printf("ok - # SKIP under valgrind, which moves a mapping by copying it\n");
    else CHECK(moved_faults == 0, "  its pages moved there, not copied (%ld page faults while it grew)", moved_faults);
    CHECK(kept(r, TALLY_HUGE_PAGE), "  every byte kept");
    CHECK(!vm_is_mapped(q), "  nothing left at the old address");
    fill(r, TALLY_HUGE_PAGE, big);
    CHECK(kept(r, big), "  the new room written to its end (%zu bytes)", big);
    csv_room_free(r, big);
    CHECK(!vm_is_mapped(r) && !vm_is_mapped(r + big - 1), "csv_room_free unmaps a mapping's room whole");

    unsigned char *h = csv_room_grow(NULL, 0, 0, 1000);
    memset(h, 1, 1000);
    csv_room_free(h, 1000); /* realloc's: free()'s, which valgrind and ASan check */
    csv_room_free(NULL, 0);
    CHECK(h != NULL, "a small room from realloc, freed by csv_room_free");
    return check_failures ? 1 : 0;
}
