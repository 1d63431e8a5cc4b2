/* huge_pages.h: fresh memory in 2 MB pages where the kernel gives them: an aligned block, and advice for a large buffer. */
#ifndef TALLY_HUGE_PAGES_H
#define TALLY_HUGE_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Memory that madvise(MADV_DONTNEED) gave back reads as zeros, which valgrind's memcheck does not
 * know: told so where its header is (it comes with valgrind, which alone runs the check). */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define TALLY_HUGE_ZEROED(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#endif
#endif
#ifndef TALLY_HUGE_ZEROED
#define TALLY_HUGE_ZEROED(p, n) ((void)0)
#endif

/*
 * Why: the first write to each 4 KB page of fresh memory costs a page fault, and
 * on a virtual machine that maps guest memory itself (the machines tally is
 * measured on) a further exit to the hypervisor. 64 MB written there took 150 ms
 * in 4 KB pages, 80 ms when mapped in one madvise call first (the exits stay),
 * and 6 to 120 ms in 2 MB pages (one fault and one exit a 2 MB page; the high end
 * when the host has just taken the memory back). A 1M-row CSV read writes about
 * 150 MB of fresh memory, so this decides much of its time. Elsewhere a 2 MB page
 * costs what its 512 small ones do, in one fault instead of 512.
 *
 * Only memory that is written whole soon after it is mapped should come in 2 MB
 * pages: a page is mapped whole at its first write, so a sparse buffer would
 * hold more memory than it uses.
 */

#define TALLY_HUGE_PAGE ((size_t)2 << 20)
/* Buffers below this are left to 4 KB pages: the 2 MB pages inside them are too few. */
#define TALLY_HUGE_MIN ((size_t)4 << 20)
/* tally_huge_alloc, _calloc and _grow round a buffer up to whole 2 MB pages from this size on
 * (a million rows of two bytes, 1.9 MB, is one page); below it they are malloc's. */
#define TALLY_HUGE_ALLOC_MIN (TALLY_HUGE_PAGE / 4 * 3)

/* n rounded up to whole 2 MB pages. */
static inline size_t tally_huge_round(size_t n) { return (n + TALLY_HUGE_PAGE - 1) & ~(TALLY_HUGE_PAGE - 1); }

/* MADV_HUGEPAGE over the whole 2 MB pages inside [p, p + n), for a buffer of at least
 * TALLY_HUGE_MIN bytes that is about to be written (its pages not yet mapped). Advice:
 * a kernel without it keeps 4 KB pages. */
static inline void tally_huge_advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    if (!p || n < TALLY_HUGE_MIN) return;
    uintptr_t a = ((uintptr_t)p + TALLY_HUGE_PAGE - 1) & ~(uintptr_t)(TALLY_HUGE_PAGE - 1);
    uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)(TALLY_HUGE_PAGE - 1);
    if (b > a) madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

/* n bytes from malloc (freed with free()), from three quarters of a 2 MB page up started on a
 * 2 MB boundary, sized in whole 2 MB pages and advised: for a buffer written whole at once.
 * Smaller, plain malloc. NULL when out of memory. The memory is the heap's: where the heap
 * already held other things (tally keeps allocations under 32 MB there), its pages come 4 KB
 * a fault despite the advice; a buffer that can be freed by size or by free_rows takes a
 * mapping of its own instead (tally_map_advised; core/util's xmalloc_rows). */
static inline void *tally_huge_alloc(size_t n)
{
    if (n < TALLY_HUGE_ALLOC_MIN) return malloc(n ? n : 1);
    size_t whole = tally_huge_round(n);
    void *p = whole >= n ? aligned_alloc(TALLY_HUGE_PAGE, whole) : NULL;
#ifdef MADV_HUGEPAGE
    if (p) madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}

/* Like tally_huge_alloc, but the n bytes read as zeros, and no page is written here: each
 * 2 MB page is mapped, zeroed, by the first write to it, on whichever thread makes it (where
 * writing zeros here would map every page at once on the calling thread). Below 2 MB, calloc. */
static inline void *tally_huge_calloc(size_t n)
{
    if (n < TALLY_HUGE_ALLOC_MIN) return calloc(n ? n : 1, 1);
    void *p = tally_huge_alloc(n);
#ifdef MADV_DONTNEED
    size_t whole = tally_huge_round(n);
    /* memory malloc had used before holds old bytes: given back, it reads as zeros again */
    if (p && madvise(p, whole, MADV_DONTNEED) != 0) memset(p, 0, n);
    else if (p) TALLY_HUGE_ZEROED(p, n);
#else
    if (p) memset(p, 0, n);
#endif
    return p;
}

/* A growing buffer moved to `cap` bytes, its first `used` kept, like realloc (the old one
 * freed; NULL, the old one kept, when out of memory). From tally_huge_alloc's size on, the
 * new buffer is whole 2 MB pages before the bytes are copied in: realloc would copy first,
 * a 4 KB fault at a time, where it cannot grow in place (and a buffer that does not start
 * on a 2 MB boundary begins with up to 2 MB of 4 KB pages). */
static inline void *tally_huge_grow(void *p, size_t used, size_t cap)
{
    if (cap < TALLY_HUGE_ALLOC_MIN) return realloc(p, cap);
    void *q = tally_huge_alloc(cap);
    if (!q) return NULL;
    if (used) memcpy(q, p, used);
    free(p);
    return q;
}

/* `whole` bytes (whole pages) of zero-filled read-write anonymous memory starting on an
 * `align` boundary (a power of two, a multiple of the page size): room for it at any such
 * boundary is mapped, and the room left on either side given back. Unmap with munmap(p, whole).
 * NULL on failure. */
static inline void *tally_map_aligned(size_t whole, size_t align)
{
    char *room = mmap(NULL, whole + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (room == MAP_FAILED) return NULL;
    char *at = (char *)(((uintptr_t)room + align - 1) & ~(uintptr_t)(align - 1));
    if (at > room) munmap(room, (size_t)(at - room));
    if (room + align > at) munmap(at + whole, (size_t)(room + align - at));
    return at;
}

/* tally_map_aligned's memory, advised MADV_HUGEPAGE whole: for a buffer written soon after
 * (the csv window's steps, rows buffers, the csv reader's text rooms). Advice: a kernel
 * without it, or refusing it, gives 4 KB pages. Unmap with munmap(p, whole); NULL on failure. */
static inline void *tally_map_advised(size_t whole, size_t align)
{
    char *at = tally_map_aligned(whole, align);
#ifdef MADV_HUGEPAGE
    if (at) madvise(at, whole, MADV_HUGEPAGE);
#endif
    return at;
}

/* `len` bytes of zero-filled read-write anonymous memory starting on a 2 MB boundary,
 * advised MADV_HUGEPAGE (from TALLY_HUGE_MIN bytes); *mapped is set to the bytes mapped
 * (len in whole pages): unmap with munmap(p, *mapped). NULL on failure. */
static inline void *tally_huge_block(size_t len, size_t *mapped)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t whole = (len ? len + page - 1 : page) / page * page;
    *mapped = whole;
    if (whole < TALLY_HUGE_MIN) {
        void *p = mmap(NULL, whole, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return p == MAP_FAILED ? NULL : p;
    }
    char *at = tally_map_aligned(whole, TALLY_HUGE_PAGE);
    if (at) tally_huge_advise(at, whole);
    return at;
}

#endif
