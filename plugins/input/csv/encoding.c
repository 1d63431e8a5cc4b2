/* encoding.c: the csv plugin's text checks: NUL bytes, UTF-8 validity, Windows-1252/Latin-1 conversion. */
#include "csv.h"
#include "utf8_text.h"

#include <stdlib.h>
#include <string.h>

/* Windows-1252 0x80..0x9F; the five unassigned bytes map to the C1 controls (as browsers do). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

#if defined(__SSE2__)
#include <emmintrin.h>

/* The bytes of the 64 at s that are not ASCII or are NUL, as a bit mask (bit i: s[i]); 0 for
 * the common block, passed at once. */
static inline uint64_t block_dirty(const unsigned char *s)
{
    const __m128i z = _mm_setzero_si128();
    uint64_t m = 0;
    for (int j = 0; j < 4; j++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * j));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, z))) << (16 * j);
    }
    return m;
}
#endif

/*
 * Most text is ASCII for long stretches: where the CPU has AVX2, a 256-byte run is
 * passed with one load, a minimum and an OR a vector (a NUL makes the minimum 0, a
 * byte above 0x7F sets the OR's top bit), tested once a run, about half the work of
 * the 64-byte masks. A run that holds something is left to those masks, which find
 * the byte. (The text is mostly checked as the tokenizer loads it, window.c; this is
 * for the header rows, the text the tokenizer skips, and text to be converted.)
 */
#define CLEAN_RUN 256

#if defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__))
#define CSV_CLEAN_RUNS 1
#include <immintrin.h>
/* The length of s's start made of whole clean runs (ASCII without NUL), at most n. */
__attribute__((target("avx2"))) static size_t clean_runs_avx2(const unsigned char *s, size_t n)
{
    const __m256i z = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + CLEAN_RUN <= n; i += CLEAN_RUN) {
        __m256i lo = _mm256_set1_epi8((char)0xFF), any = z;
        for (size_t j = 0; j < CLEAN_RUN; j += 32) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + j));
            lo = _mm256_min_epu8(lo, x);
            any = _mm256_or_si256(any, x);
        }
        if (_mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(lo, z), any))) break;
    }
    return i;
}
#endif

size_t csv_check_text(const char *p, size_t n, size_t avail, int utf8, csv_err_kind *kind)
{
    const unsigned char *s = (const unsigned char *)p;
    const uint64_t high = 0x8080808080808080ull, ones = 0x0101010101010101ull;
    size_t i = 0;
#if defined(__SSE2__)
    /* the runs are tried from here: not within a run just found to hold something (never without AVX2;
     * tests choose with the tokenizer's kernel) */
    size_t runs_from = (size_t)-1;
#ifdef CSV_CLEAN_RUNS
    if (csv_kernel_current() == CSV_KERNEL_AVX2) runs_from = 0;
#endif
#endif
    while (i < n) {
#if defined(__SSE2__)
#ifdef CSV_CLEAN_RUNS
        if (i >= runs_from) {
            i += clean_runs_avx2(s + i, n - i);
            runs_from = i + CLEAN_RUN;
        }
#endif
        int found = 0; /* a byte to look at */
        while (i + 64 <= n && i < runs_from) { /* clean blocks passed; else straight to the block's first byte to look at */
            uint64_t dirty = block_dirty(s + i);
            if (!dirty) {
                i += 64;
                continue;
            }
            i += (size_t)__builtin_ctzll(dirty);
            found = 1;
            break;
        }
        if (i >= n) break; /* all clean to the end: s[n] is not the text's (it may lie past the buffer) */
        if (!found && i >= runs_from) continue; /* past the run that held something: whole runs again */
#endif
        if (i + 8 <= n) { /* eight ASCII bytes without a NUL pass at once */
            uint64_t v;
            memcpy(&v, s + i, 8);
            uint64_t zero = (v - ones) & ~v & high;
            if (!((v & high) | zero)) {
                i += 8;
                continue;
            }
        }
        unsigned c = s[i];
        if (c == 0) {
            *kind = CSV_ERR_NUL;
            return i;
        }
        if (c < 0x80 || !utf8) {
            i++;
            continue;
        }
        size_t len = utf8_valid_len(s + i, avail - i);
        if (!len) {
            *kind = CSV_ERR_UTF8;
            return i;
        }
        i += len;
    }
    return i; /* at least n: a character that starts before n and runs past it is checked whole */
}

char *csv_to_utf8(const char *p, size_t n, int cp1252, size_t *out_len)
{
    char *o = malloc(n * 3 + 1);
    if (!o) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned char)p[i];
        if (c < 0x80) o[k++] = (char)c;
        else k += utf8_encode(o + k, (cp1252 && c < 0xA0) ? cp1252_high[c - 0x80] : c);
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}

char *csv_utf8_repair(const char *p, size_t n, size_t *out_len, size_t *nbad)
{
    char *o = malloc(n * 3 + 1);
    if (!o) return NULL;
    size_t k = 0, bad = 0;
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_valid_len(s + i, n - i);
        if (len) {
            memcpy(o + k, s + i, len);
            k += len;
            i += len;
        } else {
            k += utf8_encode(o + k, 0xFFFD);
            bad++;
            i++;
        }
    }
    o[k] = '\0';
    *out_len = k;
    *nbad = bad;
    return o;
}

int csv_looks_binary(const char *p, size_t n, size_t *where)
{
    size_t sample = n < 4096 ? n : 4096, ctrl = 0, first = 0;
    for (size_t i = 0; i < sample; i++) {
        unsigned c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
            if (!ctrl) first = i;
            ctrl++;
        }
    }
    *where = first;
    /* Text exports hold no control bytes; a few may be damage (reported later with
     * their line), many mean binary. */
    return (ctrl >= 8 || ctrl == sample) && ctrl * 16 > sample;
}
