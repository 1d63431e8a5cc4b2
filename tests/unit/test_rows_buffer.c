/* test_rows_buffer.c: xmalloc_rows, xcalloc_rows and free_rows: a scratch buffer for every row in a mapping of its
 * own in 2 MB pages from 1.5 MB on (aligned, advised, written in a few faults, one freed mapping up to 16 MB kept for
 * the next buffer, others unmapped whole), malloc's below. */
#include "check.h"
#include "huge_pages.h"
#include "util.h"
#include "vm_maps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_large(int advised)
{
    size_t n = (size_t)8 << 20; /* a million doubles, and some */
    size_t before = vm_mapped_bytes();
    long f0 = vm_minor_faults();
    unsigned char *p = xmalloc_rows(n);
    memset(p, 0xA5, n);
    long faults = vm_minor_faults() - f0;
    CHECK(p != NULL && (uintptr_t)p % TALLY_HUGE_PAGE == 0, "8 MB of rows start on a 2 MB boundary");
    CHECK(vm_mapped_bytes() >= before + n, "in a mapping of their own (%zu more bytes mapped)", vm_mapped_bytes() - before);
    char flags[512];
    vm_flags_at(p, flags, sizeof flags);
    if (advised) CHECK(strstr(flags, " hg") != NULL, "advised for huge pages (%s)", flags);
    else printf("ok - # SKIP this kernel refuses MADV_HUGEPAGE\n");
    long huge_kb = vm_smaps_kb_at(p, "AnonHugePages:");
    /* at most a quarter of 2,048: room for the 256 pages of ASan's shadow of 8 MB (check-asan) */
    if (huge_kb >= 2048) CHECK(faults <= 512, "written whole in %ld faults (4 KB pages would take 2,048; %ld kB in 2 MB pages)", faults, huge_kb);
    else printf("ok - # SKIP the kernel gave no 2 MB page just now (AnonHugePages %ld kB): the fault count says nothing\n", huge_kb);
    int same = 1;
    for (size_t i = 0; i < n; i += 4093) same &= p[i] == 0xA5;
    CHECK(same && p[0] == 0xA5 && p[n - 1] == 0xA5, "every byte written reads back");
    free_rows(p);
    CHECK(vm_is_mapped(p) && vm_is_mapped(p + n - 1), "freed, 8 MB of rows stay mapped for the next buffer");
    f0 = vm_minor_faults();
    unsigned char *again = xmalloc_rows(n / 2);
    memset(again, 0x5A, n / 2);
    CHECK(again == p && vm_minor_faults() - f0 < 16, "the next buffer it holds is the kept one, written without faults (%ld)",
          vm_minor_faults() - f0);
    free_rows(again);

    double *z = xcalloc_rows((size_t)1 << 20, sizeof *z);
    int zero = 1;
    for (size_t i = 0; i < (size_t)1 << 20; i += 997) zero &= z[i] == 0.0;
    CHECK((void *)z == (void *)p && zero && z[((size_t)1 << 20) - 1] == 0.0,
          "xcalloc_rows of a million doubles in the kept, written mapping reads as zeros");

    /* two freed: the larger is kept, the smaller unmapped; past 16 MB none is kept */
    unsigned char *small = xmalloc_rows(TALLY_HUGE_PAGE); /* its own mapping: the kept one is in use */
    small[0] = 1;
    free_rows(z);
    free_rows(small);
    CHECK(small != (unsigned char *)z && !vm_is_mapped(small) && !vm_is_mapped(small - 1) && vm_is_mapped(z),
          "of two freed, the larger is kept and the smaller unmapped whole");
    size_t big = (size_t)20 << 20;
    unsigned char *huge = xmalloc_rows(big);
    CHECK(huge != (unsigned char *)z, "a buffer larger than the kept mapping gets a mapping of its own");
    huge[big - 1] = 1;
    free_rows(huge);
    /* huge - 1: the header's 2 MB page before them */
    CHECK(!vm_is_mapped(huge) && !vm_is_mapped(huge + big - 1) && !vm_is_mapped(huge - 1),
          "past 16 MB, free_rows unmaps them whole, the header's page before them too");
    tally_rows_spare_free();
    CHECK(!vm_is_mapped(p) && !vm_is_mapped(p - 1), "tally_rows_spare_free unmaps the kept mapping whole");

    unsigned char *edge = xmalloc_rows(TALLY_HUGE_ALLOC_MIN);
    CHECK((uintptr_t)edge % TALLY_HUGE_PAGE == 0, "from 1.5 MB on (%zu bytes) a mapping of its own", (size_t)TALLY_HUGE_ALLOC_MIN);
    free_rows(edge);
}

static void check_small(void)
{
    /* malloc's memory, used and given back: xcalloc_rows still reads as zeros on it */
    unsigned char *dirty = malloc(5000);
    memset(dirty, 0xFF, 5000);
    free(dirty);
    unsigned char *z = xcalloc_rows(1000, 5);
    int zero = 1;
    for (size_t i = 0; i < 5000; i++) zero &= z[i] == 0;
    CHECK(zero, "xcalloc_rows of 5,000 bytes (malloc's) reads as zeros");
    free_rows(z);
    size_t below = TALLY_HUGE_ALLOC_MIN - 1;
    unsigned char *p = xmalloc_rows(below);
    p[0] = 1;
    p[below - 1] = 2;
    CHECK(p[0] == 1 && p[below - 1] == 2, "just under 1.5 MB: malloc's buffer, every byte of it usable");
    free_rows(p);
    free_rows(NULL); /* nothing to do */
    unsigned char *one = xmalloc_rows(0);
    CHECK(one != NULL, "no rows: still a buffer to free");
    free_rows(one);
}

int main(void)
{
    check_large(vm_kernel_takes_hugepage_advice());
    check_small();
    return check_failures ? 1 : 0;
}
