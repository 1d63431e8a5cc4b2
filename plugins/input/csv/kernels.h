/* kernels.h: the csv tokenizer's byte classification kernels (portable, SSE2, AVX2) and their choice. */
#ifndef TALLY_CSV_KERNELS_H
#define TALLY_CSV_KERNELS_H

#include <stdint.h>

/*
 * A kernel reads 64 bytes and returns, as bit masks (bit i: byte i), the bytes
 * the tokenizer stops at, and the quote state: bit i of `inq` is set when an
 * odd number of quotes lies at or before byte i in the block (the prefix XOR of
 * `quotes`), so a byte is inside quotes when its bit of inq, corrected by the
 * state the block starts in, is set. Every kernel gives the same masks for the
 * same bytes (tests/unit/test_csv_kernels.c).
 */
typedef struct csv_masks {
    uint64_t delim;  /* the delimiter */
    uint64_t ends;   /* the row terminator, or CR */
    uint64_t quotes; /* '"' */
    uint64_t inq;    /* prefix XOR of quotes */
    uint64_t dirty;  /* bytes above 0x7F, or NUL: the ones the text check looks at (window.c) */
} csv_masks;

typedef void (*csv_classify_fn)(const char *p, char delim, char term, csv_masks *m);

typedef enum { CSV_KERNEL_PORTABLE = 0, CSV_KERNEL_SSE2, CSV_KERNEL_AVX2, CSV_KERNEL_COUNT } csv_kernel_id;

/* The kernel reads use: the best the CPU has (AVX2 with carry-less multiply, else SSE2,
 * else portable), or the one TALLY_CSV_KERNEL=portable|sse2|avx2 names (a testing knob,
 * read once; a kernel the CPU lacks is not taken). *forced is set to 1 when the variable
 * chose it, to -1 when it named something that could not be used. */
csv_kernel_id csv_kernel_chosen(int *forced);
/* 1 when this CPU and build can run kernel k. */
int csv_kernel_available(csv_kernel_id k);
/* "portable", "sse2", "avx2". */
const char *csv_kernel_name(csv_kernel_id k);
/* Kernel k's function (the portable one when k cannot run here). */
csv_classify_fn csv_kernel_fn(csv_kernel_id k);
/* Tests: every later read uses kernel k (CSV_KERNEL_COUNT: back to the chosen one). */
void csv_kernel_override(csv_kernel_id k);
/* The kernel a read starts with now: the override, else the chosen one. */
csv_kernel_id csv_kernel_current(void);

/* Prefix XOR without carry-less multiply: bit i of the result is the XOR of bits 0..i of x. */
static inline uint64_t csv_prefix_xor(uint64_t x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

#endif
