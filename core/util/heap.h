/* heap.h: the C library's allocator set up once for a run (glibc's malloc on Linux; elsewhere nothing is changed). */
#ifndef TALLY_HEAP_H
#define TALLY_HEAP_H

/* Call first thing in main, before any thread starts and before much is allocated: big
 * scratch arrays stay on the heap and are reused, every thread allocates from the one
 * heap, and that heap comes in 2 MB pages where the kernel gives them (heap.c says why).
 * Returns 1 when the heap was advised for 2 MB pages, 0 when it was left in 4 KB pages
 * (another allocator, such as a sanitizer's or valgrind's; a limit on address space or
 * data; strict overcommit; a kernel without the advice). */
int tally_heap_setup(void);

/* 1 when the file at path (the kernel's /proc/sys/vm/overcommit_memory) says the kernel
 * commits memory strictly (mode 2); 0 otherwise or when it cannot be read. */
int tally_heap_overcommit_strict(const char *path);

#endif
