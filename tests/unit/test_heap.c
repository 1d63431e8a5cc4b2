/* test_heap.c: tally_heap_setup: arrays below 32 MB from the one heap every thread shares, advised for 2 MB pages
 * from its first byte, and kept there once freed. */
#include "check.h"
#include "heap.h"
#include "huge_pages.h"
#include "vm_maps.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

/* Whether the kernel makes 4 KB pages one 2 MB page when asked now (Linux 6.1 on, and a
 * free 2 MB page at hand), asked of a scratch mapping: when it does, the heap's first 2 MB
 * must have become one page too. */
static int kernel_collapses(void)
{
    size_t n = 2 * TALLY_HUGE_PAGE;
    char *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 0;
    char *a = (char *)(((uintptr_t)m + TALLY_HUGE_PAGE - 1) & ~(uintptr_t)(TALLY_HUGE_PAGE - 1));
    a[0] = 1;
    int ok = madvise(a, TALLY_HUGE_PAGE, MADV_COLLAPSE) == 0 && vm_smaps_kb_at(a, "AnonHugePages:") >= 2048;
    munmap(m, n);
    return ok;
}

static void *thread_alloc(void *arg)
{
    (void)arg;
    return malloc((size_t)256 << 10);
}

static int on_heap(const void *p)
{
    char line[512];
    vm_maps_line(p, line, sizeof line);
    return strstr(line, "[heap]") != NULL;
}

/* This test run again under a 4 GB limit on address space (`limited`): the heap must stay in
 * glibc's own steps. Exit 0 when it did. */
static int limited_child(void)
{
    char *start = sbrk(0);
    int advised = tally_heap_setup();
    void *volatile p = malloc((size_t)1 << 20);
    size_t grown = (size_t)((char *)sbrk(0) - start);
    free(p);
    return advised == 0 && grown < ((size_t)16 << 20) ? 0 : 1;
}

static void check_limited(char *self)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit r = {(rlim_t)4 << 30, (rlim_t)4 << 30};
        setrlimit(RLIMIT_AS, &r);
        char *args[] = {self, "limited", NULL};
        execv("/proc/self/exe", args);
        _exit(2);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "under ulimit -v the heap keeps glibc's own steps, not advised (exit %d)", WEXITSTATUS(status));
}

/* The kernel's overcommit mode as tally_heap_overcommit_strict reads it: only 2 (strict) keeps glibc's steps. */
static void check_overcommit_file(void)
{
    char path[] = "/tmp/tally-test-overcommit-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "a scratch file for the overcommit mode");
    if (fd < 0) return;
    const char *modes[] = {"0\n", "1\n", "2\n", ""};
    int want[] = {0, 0, 1, 0};
    for (int i = 0; i < 4; i++) {
        if (ftruncate(fd, 0) != 0 || pwrite(fd, modes[i], strlen(modes[i]), 0) != (ssize_t)strlen(modes[i])) break;
        CHECK(tally_heap_overcommit_strict(path) == want[i], "overcommit mode '%.1s' read as %s", modes[i],
              want[i] ? "strict" : "not strict");
    }
    close(fd);
    unlink(path);
    CHECK(tally_heap_overcommit_strict("/nonexistent/overcommit_memory") == 0, "an unreadable mode file: not strict");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "limited") == 0) return limited_child();
    int advised = tally_heap_setup(); /* first, as main does */
    char *head = malloc(64);         /* in the heap's first 2 MB, where the top chunk begins now */
    long first_huge = vm_smaps_kb_at(head, "AnonHugePages:"); /* written nothing else of it yet */
    free(head);
#ifdef __SANITIZE_ADDRESS__
    int foreign = 1;
#else
    int foreign = RUNNING_ON_VALGRIND;
#endif
    check_overcommit_file(); /* reads a file: the same under any allocator */
    if (foreign) {
        CHECK(advised == 0, "under a sanitizer's or valgrind's malloc the heap is left as it was");
        printf("ok - # SKIP the heap's checks: malloc is not glibc's here\n");
        CHECK_DONE();
    }
    int takes_advice = vm_kernel_takes_hugepage_advice();
    if (takes_advice) CHECK(advised == 1, "the heap is advised for 2 MB pages");
    else printf("ok - # SKIP this kernel refuses MADV_HUGEPAGE\n");

    /* the first 2 MB: malloc's own headers were written there before the advice */
    if (kernel_collapses()) CHECK(first_huge >= 2048, "the heap's first 2 MB are one 2 MB page (%ld kB)", first_huge);
    else printf("ok - # SKIP this kernel makes no 2 MB page on request just now\n");

    size_t n = (size_t)8 << 20;
    long f0 = vm_minor_faults();
    unsigned char *p = malloc(n);
    memset(p, 0x5A, n);
    long faults = vm_minor_faults() - f0;
    CHECK(on_heap(p), "8 MB come from the heap, not a mapping of their own");
    char flags[512];
    vm_flags_at(p, flags, sizeof flags);
    if (takes_advice) CHECK(strstr(flags, " hg") != NULL, "the heap holding them is advised (%s)", flags);
    long huge_kb = vm_smaps_kb_at(p, "AnonHugePages:");
    if (huge_kb >= 8192) CHECK(faults <= 512, "written whole in %ld faults (4 KB pages would take 2,048)", faults);
    else printf("ok - # SKIP the kernel gave few 2 MB pages just now (AnonHugePages %ld kB)\n", huge_kb);

    free(p);
    f0 = vm_minor_faults();
    unsigned char *q = malloc(n);
    memset(q, 0x3C, n);
    faults = vm_minor_faults() - f0;
    CHECK(on_heap(q) && faults <= 16, "8 MB freed and asked for again: the heap's pages reused (%ld faults)", faults);
    free(q);

    /* 90 MB given back at once: more than the heap's 64 MB step, less than the 256 MB it keeps */
    size_t part = (size_t)30 << 20;
    unsigned char *v[3];
    for (int i = 0; i < 3; i++) memset(v[i] = malloc(part), i, part);
    for (int i = 2; i >= 0; i--) free(v[i]);
    f0 = vm_minor_faults();
    for (int i = 0; i < 3; i++) memset(v[i] = malloc(part), 7, part);
    faults = vm_minor_faults() - f0;
    CHECK(on_heap(v[0]) && on_heap(v[2]) && faults <= 16, "90 MB freed and asked for again: kept by the heap (%ld faults)", faults);
    for (int i = 0; i < 3; i++) free(v[i]);

    check_limited(argv[0]);

    pthread_t t;
    void *from_thread = NULL;
    CHECK(pthread_create(&t, NULL, thread_alloc, NULL) == 0 && pthread_join(t, &from_thread) == 0,
          "a thread allocates");
    CHECK(from_thread && on_heap(from_thread), "a thread's 256 KB come from the same heap");
    free(from_thread);
    CHECK_DONE();
}
