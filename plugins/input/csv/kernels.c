/* kernels.c: the csv tokenizer's 64-byte classification kernels (portable, SSE2, AVX2 + PCLMUL) and their runtime choice. */
#include "kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- portable: one byte at a time, prefix XOR by shifts ---------------------------- */

static void classify_portable(const char *p, char delim, char term, csv_masks *m)
{
    uint64_t d = 0, t = 0, q = 0, x = 0;
    for (int i = 0; i < 64; i++) {
        char ch = p[i];
        d |= (uint64_t)(ch == delim) << i;
        t |= (uint64_t)(ch == term || ch == '\r') << i;
        q |= (uint64_t)(ch == '"') << i;
        x |= (uint64_t)((unsigned char)ch >= 0x80 || ch == 0) << i;
    }
    m->delim = d;
    m->ends = t;
    m->quotes = q;
    m->inq = q ? csv_prefix_xor(q) : 0;
    m->dirty = x;
}

#if defined(__x86_64__) || defined(__i386__)
#define CSV_X86 1
#include <immintrin.h>

/* ---- SSE2 (every x86-64): 16 bytes a compare, prefix XOR by shifts ------------------- */

static void classify_sse2(const char *p, char delim, char term, csv_masks *m)
{
    const __m128i vd = _mm_set1_epi8(delim), vt = _mm_set1_epi8(term), vr = _mm_set1_epi8('\r'),
                  vq = _mm_set1_epi8('"');
    const __m128i z = _mm_setzero_si128();
    uint64_t d = 0, t = 0, q = 0, u = 0;
    for (int i = 0; i < 64; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        d |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd)) << i;
        t |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vt), _mm_cmpeq_epi8(x, vr))) << i;
        q |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq)) << i;
        u |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, z))) << i; /* top bit, or NUL */
    }
    m->delim = d;
    m->ends = t;
    m->quotes = q;
    m->inq = q ? csv_prefix_xor(q) : 0;
    m->dirty = u;
}

/* ---- AVX2: 32 bytes a compare; prefix XOR as a carry-less multiply by all ones -------- */

__attribute__((target("avx2,pclmul"))) static void classify_avx2(const char *p, char delim, char term, csv_masks *m)
{
    const __m256i vd = _mm256_set1_epi8(delim), vt = _mm256_set1_epi8(term), vr = _mm256_set1_epi8('\r'),
                  vq = _mm256_set1_epi8('"');
    __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
#define CSV_MASK2(eq) ((uint64_t)(uint32_t)_mm256_movemask_epi8(eq(lo)) | \
                       (uint64_t)(uint32_t)_mm256_movemask_epi8(eq(hi)) << 32)
#define CSV_EQ_D(x) _mm256_cmpeq_epi8((x), vd)
#define CSV_EQ_T(x) _mm256_or_si256(_mm256_cmpeq_epi8((x), vt), _mm256_cmpeq_epi8((x), vr))
#define CSV_EQ_Q(x) _mm256_cmpeq_epi8((x), vq)
#define CSV_DIRTY(x) _mm256_or_si256((x), _mm256_cmpeq_epi8((x), _mm256_setzero_si256())) /* top bit, or NUL */
    uint64_t d = CSV_MASK2(CSV_EQ_D), t = CSV_MASK2(CSV_EQ_T), q = CSV_MASK2(CSV_EQ_Q), u = CSV_MASK2(CSV_DIRTY);
#undef CSV_MASK2
#undef CSV_EQ_D
#undef CSV_EQ_T
#undef CSV_EQ_Q
#undef CSV_DIRTY
    m->delim = d;
    m->ends = t;
    m->quotes = q;
    m->dirty = u;
    m->inq = 0;
    if (q) { /* bit i of q * ~0 (carry-less) is the XOR of q's bits 0..i */
        __m128i prod = _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)q), _mm_set1_epi8((char)0xFF), 0);
        m->inq = (uint64_t)_mm_cvtsi128_si64(prod);
    }
}
#endif

/* ---- the choice ------------------------------------------------------------------- */

static const char *const kernel_names[CSV_KERNEL_COUNT] = {"portable", "sse2", "avx2"};

const char *csv_kernel_name(csv_kernel_id k) { return k < CSV_KERNEL_COUNT ? kernel_names[k] : "?"; }

int csv_kernel_available(csv_kernel_id k)
{
    switch (k) {
    case CSV_KERNEL_PORTABLE:
        return 1;
#ifdef CSV_X86
    case CSV_KERNEL_SSE2:
        return 1;
    case CSV_KERNEL_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul");
#endif
    default:
        return 0;
    }
}

csv_classify_fn csv_kernel_fn(csv_kernel_id k)
{
    if (!csv_kernel_available(k)) return classify_portable;
#ifdef CSV_X86
    if (k == CSV_KERNEL_SSE2) return classify_sse2;
    if (k == CSV_KERNEL_AVX2) return classify_avx2;
#endif
    return classify_portable;
}

static pthread_once_t choose_once = PTHREAD_ONCE_INIT;
static csv_kernel_id chosen;
static int chosen_forced;

static void choose(void)
{
    chosen = csv_kernel_available(CSV_KERNEL_AVX2) ? CSV_KERNEL_AVX2
             : csv_kernel_available(CSV_KERNEL_SSE2) ? CSV_KERNEL_SSE2
                                                     : CSV_KERNEL_PORTABLE;
    const char *want = getenv("TALLY_CSV_KERNEL");
    if (!want || !*want) return;
    for (int k = 0; k < CSV_KERNEL_COUNT; k++) {
        if (strcmp(want, kernel_names[k]) != 0) continue;
        if (!csv_kernel_available((csv_kernel_id)k)) break;
        chosen = (csv_kernel_id)k;
        chosen_forced = 1;
        return;
    }
    chosen_forced = -1; /* a name it does not know, or a kernel this CPU cannot run */
}

csv_kernel_id csv_kernel_chosen(int *forced)
{
    pthread_once(&choose_once, choose);
    if (forced) *forced = chosen_forced;
    return chosen;
}

static atomic_int override = CSV_KERNEL_COUNT;

void csv_kernel_override(csv_kernel_id k) { atomic_store(&override, (int)k); }

csv_kernel_id csv_kernel_current(void)
{
    int k = atomic_load(&override);
    return k < CSV_KERNEL_COUNT ? (csv_kernel_id)k : csv_kernel_chosen(NULL);
}
