/* bench_warm.c: puts tally's column cache files back in the page cache for bench/run.sh as tally's own read leaves them (in 2 MB pieces). */
#define _GNU_SOURCE /* MADV_HUGEPAGE */
#include "../plugins/common/map_huge.h" /* as tally maps its column cache (core/data/cache.c) */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Usage: bench_warm FILE...
 *
 * Drops each file from the page cache (its dirty pages written first) and reads it back
 * through tally_map_huge, the mapping tally reads its column cache through. Why not `cat`,
 * as bench/run.sh reads the data files: the kernel keeps what a plain read(2) brings in
 * as 4 to 128 KB pieces, and a mapping of those takes a page fault every few of them,
 * where a read through an advised mapping brings the file in as 2 MB pieces, one fault
 * each (the 105 MB cache of the 1M benchmark: the cached report's load step took 11 to
 * 12 ms after `cat`, 5 to 9 after this, 4 to 5 as tally left the file when it wrote it,
 * in 2 MB steps). Only tally reads its cache, so whenever the page cache holds it, it
 * holds it as tally wrote or read it; `cat` would make a state no tally run meets. The
 * bench still times the cache read as `cat` leaves it too, in a row of its own.
 * Exits 1 when a file cannot be read.
 */

/* Drops fd's pages from the page cache; a file whose pages cannot be dropped is only read. */
static void drop(int fd)
{
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

/* Reads fd's len bytes through tally_map_huge's mapping, a byte a page; 0 or -1. */
static int read_mapped(int fd, size_t len)
{
    if (len == 0) return 0;
    unsigned char *p = tally_map_huge(fd, len, 0);
    if (p == MAP_FAILED) return -1;
    volatile unsigned char sum = 0;
    for (size_t at = 0; at < len; at += 4096) sum += p[at];
    munmap(p, len);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || (drop(fd), read_mapped(fd, (size_t)st.st_size)) != 0) {
            fprintf(stderr, "bench_warm: cannot read %s\n", argv[i]);
            rc = 1;
        }
        if (fd >= 0) close(fd);
    }
    return rc;
}
