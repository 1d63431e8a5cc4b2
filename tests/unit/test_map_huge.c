/* test_map_huge.c: tally_map_huge maps a file's bytes where an ordinary mapping would, on a 2 MB boundary,
 * advised for huge pages, and leaves no reserved room behind once unmapped. */
#include "check.h"
#include "map_huge.h"
#include "vm_maps.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_BYTES ((size_t)2 << 20)

int main(void)
{
    char path[] = "/tmp/tally-map-huge.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "a scratch file");
    size_t len = 5 * HUGE_BYTES + 123; /* past whole huge pages, and not on one's end */
    unsigned char *want = malloc(len);
    for (size_t i = 0; i < len; i++) want[i] = (unsigned char)(i * 7 + i / 4093);
    CHECK(write(fd, want, len) == (ssize_t)len, "the file written");

    size_t before = vm_mapped_bytes();
    unsigned char *p = tally_map_huge(fd, len, 0);
    CHECK(p != MAP_FAILED, "mapped");
    CHECK((uintptr_t)p % HUGE_BYTES == 0, "on a 2 MB boundary (%p)", (void *)p);
    CHECK(memcmp(p, want, len) == 0, "every byte is the file's");
    char flags[512];
    vm_flags_at(p, flags, sizeof flags);
    if (vm_kernel_takes_hugepage_advice())
        CHECK(strstr(flags, " hg") != NULL, "advised for huge pages (%.*s)", (int)strcspn(flags, "\n"), flags);
    else
        printf("ok - # SKIP this kernel refuses MADV_HUGEPAGE\n");
    size_t during = vm_mapped_bytes();
    size_t page = (size_t)sysconf(_SC_PAGESIZE), rounded = (len + page - 1) / page * page;
    CHECK(during - before == rounded, "only the file's pages are mapped (%zu bytes more, want %zu): the room around them is gone",
          during - before, rounded);
    CHECK(munmap(p, len) == 0, "unmapped as an ordinary mapping");
    CHECK(vm_mapped_bytes() == before, "nothing is left mapped");

    unsigned char *q = tally_map_huge(fd, 2 * HUGE_BYTES, (off_t)HUGE_BYTES); /* a piece from 2 MB on */
    CHECK(q != MAP_FAILED && (uintptr_t)q % HUGE_BYTES == 0, "a piece at a 2 MB offset, on a 2 MB boundary");
    CHECK(q != MAP_FAILED && memcmp(q, want + HUGE_BYTES, 2 * HUGE_BYTES) == 0, "the piece's bytes are the file's");
    if (q != MAP_FAILED) munmap(q, 2 * HUGE_BYTES);

    unsigned char *s = tally_map_huge(fd, 4096, 0); /* below 2 MB: an ordinary mapping */
    CHECK(s != MAP_FAILED && memcmp(s, want, 4096) == 0, "a small mapping holds the file's bytes");
    if (s != MAP_FAILED) munmap(s, 4096);

    CHECK(tally_map_huge(-1, len, 0) == MAP_FAILED, "a bad descriptor fails as mmap does");
    CHECK(vm_mapped_bytes() == before, "no room is left behind by the failure");
    close(fd);
    unlink(path);
    free(want);
    return check_failures != 0;
}
