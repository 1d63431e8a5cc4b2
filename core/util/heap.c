/* heap.c: glibc's malloc set up for a run: scratch arrays kept and reused, one heap for every thread, in 2 MB pages. */
#include "heap.h"
#include "../plugins/common/huge_pages.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__GLIBC__) && defined(__linux__)
#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1: make a range's 4 KB pages one 2 MB page now */
#endif

/*
 * Why: a report's kernels allocate and free scratch arrays (a column's bins, a part's
 * histogram, the values a quartile needs) one after another, on the main thread and on
 * the workers. Each first write to a 4 KB page of fresh memory is a page fault, and on a
 * virtual machine that maps guest memory itself (the machines tally is measured on) a
 * fault costs about 11 us. The cached 1M-row bench report took about 1,100 faults, most of
 * them the heap's; with the settings below it takes about 360, and its CPU time went from
 * about 91 to 82 ms.
 *
 * - M_MMAP_THRESHOLD, M_TRIM_THRESHOLD: arrays below 32 MB come from the heap, and the
 *   heap keeps up to 256 MB it was given back, so a freed array is reused rather than
 *   unmapped, mapped again and faulted in page by page.
 * - M_ARENA_MAX 1: the worker threads allocate from the main heap too, instead of heaps
 *   of their own in 4 KB pages (the lock they share cost nothing measurable).
 * - M_TOP_PAD: the heap grows 64 MB at a time. That is address space only: a page is the
 *   kernel's once it is written.
 * - MADV_HUGEPAGE over the heap: its pages come 2 MB at a time, one fault each.
 *
 * Under a limit on address space or data (ulimit -v, -d), or where the kernel commits
 * memory strictly (vm.overcommit_memory = 2), the heap keeps glibc's own steps: the 64 MB
 * step counts against the limit, and a run near it would fail sooner, and without the
 * reader's message that names the file's size.
 */
#define HEAP_STEP ((size_t)64 << 20)

/* Moves the program break up to a 2 MB boundary, so that the heap's first 2 MB page
 * starts where the heap does; 0 when the break cannot move. */
static int align_break(char **start)
{
    *start = sbrk(0);
    if (*start == (char *)-1) return 0;
    uintptr_t s = (uintptr_t)*start, up = (s + TALLY_HUGE_PAGE - 1) & ~(uintptr_t)(TALLY_HUGE_PAGE - 1);
    if (up != s && sbrk((intptr_t)(up - s)) == (void *)-1) return 0;
    *start = (char *)up;
    return 1;
}

/* Grows the heap by its first step and advises it for 2 MB pages; 1 when advised. */
static int advise_heap(void)
{
    char *start;
    if (!align_break(&start)) return 0;
    /* the first allocation grows the heap by HEAP_STEP; volatile: it must happen */
    void *volatile first = malloc((size_t)1 << 20);
    char *end = sbrk(0);
    int advised = 0;
    uintptr_t a = (uintptr_t)start, b = end == (char *)-1 ? 0 : (uintptr_t)end & ~(uintptr_t)(TALLY_HUGE_PAGE - 1);
    /* another allocator (ASan's, valgrind's) leaves the break where it was: nothing to advise */
    if (first && b > a && madvise((void *)a, b - a, MADV_HUGEPAGE) == 0) {
        advised = 1;
        /* malloc's first headers are already written there, in 4 KB pages: made one 2 MB
         * page now (a kernel before 6.1 refuses, and the first 2 MB stay small pages) */
        (void)madvise((void *)a, TALLY_HUGE_PAGE, MADV_COLLAPSE);
    }
    free(first);
    return advised;
}

int tally_heap_overcommit_strict(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC); /* not stdio: its buffer would start the heap too soon */
    if (fd < 0) return 0;
    char c = 0;
    ssize_t got = read(fd, &c, 1);
    close(fd);
    return got == 1 && c == '2';
}

/* 1 when the process may take as much address space and data as it asks for. */
static int unlimited(void)
{
    struct rlimit as, data;
    return getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur == RLIM_INFINITY && getrlimit(RLIMIT_DATA, &data) == 0 &&
           data.rlim_cur == RLIM_INFINITY && !tally_heap_overcommit_strict("/proc/sys/vm/overcommit_memory");
}

int tally_heap_setup(void)
{
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_ARENA_MAX, 1);
    if (!unlimited()) return 0;
    mallopt(M_TOP_PAD, (int)HEAP_STEP);
    return advise_heap();
}

#else

int tally_heap_setup(void) { return 0; }

int tally_heap_overcommit_strict(const char *path)
{
    (void)path;
    return 0;
}

#endif
