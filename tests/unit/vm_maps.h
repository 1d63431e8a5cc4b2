/* vm_maps.h: what the kernel says of this process's mappings (/proc/self/maps, smaps), for the tests of huge-page mappings. */
#ifndef TALLY_TEST_VM_MAPS_H
#define TALLY_TEST_VM_MAPS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

/* Minor page faults of this process so far (tests that count them run on one thread). */
static inline long vm_minor_faults(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_minflt;
}

/* Bytes of the process's mappings: 0 when unreadable. */
static inline size_t vm_mapped_bytes(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    size_t total = 0;
    unsigned long a, b;
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx", &a, &b) == 2) total += b - a;
    if (f) fclose(f);
    return total;
}

/* The line of /proc/self/maps after the range, from its permissions ("r--p ..."), of the
 * mapping that holds p; "" when none does. */
static inline void vm_maps_line(const void *p, char *out, size_t n)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long a, b;
    out[0] = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx", &a, &b) == 2 && (uintptr_t)p >= a && (uintptr_t)p < b) {
            const char *perms = strchr(line, ' ');
            snprintf(out, n, "%s", perms ? perms + 1 : "");
            break;
        }
    if (f) fclose(f);
}

/* 1 when some mapping holds p. */
static inline int vm_is_mapped(const void *p)
{
    char line[512];
    vm_maps_line(p, line, sizeof line);
    return line[0] != 0;
}

/* The VmFlags line (without its newline) of the mapping that holds p (/proc/self/smaps), or "". */
static inline void vm_flags_at(const void *p, char *out, size_t n)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int in = 0;
    unsigned long a, b;
    out[0] = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' '))
            in = (uintptr_t)p >= a && (uintptr_t)p < b;
        else if (in && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(out, n, "%.*s", (int)strcspn(line, "\n"), line);
            break;
        }
    }
    if (f) fclose(f);
}

/* The kB a field of smaps gives ("FilePmdMapped:", "Rss:") for the mapping that holds p;
 * -1 when there is no such mapping or field. */
static inline long vm_smaps_kb_at(const void *p, const char *field)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int in = 0;
    long kb = -1;
    unsigned long a, b;
    size_t flen = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' '))
            in = (uintptr_t)p >= a && (uintptr_t)p < b;
        else if (in && strncmp(line, field, flen) == 0 && sscanf(line + flen, "%ld", &kb) == 1)
            break;
    }
    if (f) fclose(f);
    return kb;
}

/* Whether this kernel takes MADV_HUGEPAGE at all (asked of a scratch mapping), so that a
 * mapping made without the advice fails a test rather than passes as a skip. */
static inline int vm_kernel_takes_hugepage_advice(void)
{
#ifdef MADV_HUGEPAGE
    size_t n = (size_t)8 << 20;
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 0;
    int ok = madvise(p, n, MADV_HUGEPAGE) == 0;
    munmap(p, n);
    return ok;
#else
    return 0;
#endif
}

#endif
