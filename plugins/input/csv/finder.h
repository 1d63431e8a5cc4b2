/* finder.h: the tokenizer's view of 64-byte blocks as bit masks: the next special byte, plain rows, quote state. */
#ifndef TALLY_CSV_FINDER_H
#define TALLY_CSV_FINDER_H

#include "tokenize.h"

#include <string.h>

/* The bytes of one 64-byte block that matter, as bit masks (bit i: base[i]). */
typedef struct finder {
    const char *base; /* the block, or NULL */
    uint64_t bits;    /* delimiter, row terminator or CR */
    uint64_t ends;    /* row terminator or CR */
    uint64_t quotes;  /* '"' */
    uint64_t inq;     /* prefix XOR of quotes (kernels.h) */
    csv_classify_fn classify;
    char delim, term;
    csv_window *vet;  /* phase 1 on text to check: each block loaded is checked here (window.c), or NULL */
} finder;

static inline finder finder_make(const csv_cfg *cfg)
{
    finder f;
    memset(&f, 0, sizeof f);
    f.delim = cfg->delim;
    f.term = cfg->term;
    f.classify = cfg->classify ? cfg->classify : csv_kernel_fn(CSV_KERNEL_PORTABLE);
    return f;
}

/* Loads the block at p (64 readable bytes). With f->vet, the block is also checked for NUL bytes
 * and invalid UTF-8 while it is in the core's first cache: a block that follows the checked text
 * with no byte to look at past it is passed at a glance, any other goes to csv_window_vet. */
CSV_HOT void finder_load(finder *f, const char *p)
{
    csv_masks m;
    f->classify(p, f->delim, f->term, &m);
    f->base = p;
    f->bits = m.delim | m.ends;
    f->ends = m.ends;
    f->quotes = m.quotes;
    f->inq = m.inq;
    csv_window *w = f->vet;
    if (w && w->checked < p + 64) {
        uintptr_t from = (uintptr_t)w->checked - (uintptr_t)p; /* huge when the check is behind p */
        if (from < 64 && !(m.dirty >> from)) w->checked = p + 64;
        else csv_window_vet(w, p, m.dirty);
    }
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* The first '"' at or after p (e when none); adds the row terminators before it to *lines. */
CSV_HOT const char *find_quote(char term, const char *p, const char *e, size_t *lines)
{
    const __m128i vq = _mm_set1_epi8('"'), vt = _mm_set1_epi8(term);
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq));
        unsigned t = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vt));
        if (q) t &= (q & -q) - 1;
        for (; t; t &= t - 1) ++*lines;
        if (q) return p + __builtin_ctz(q);
        p += 16;
    }
    for (; p < e && *p != '"'; p++)
        if (*p == term) ++*lines;
    return p;
}
#else
CSV_HOT const char *find_quote(char term, const char *p, const char *e, size_t *lines)
{
    for (; p < e && *p != '"'; p++)
        if (*p == term) ++*lines;
    return p;
}
#endif

/* The first delimiter, row terminator or CR at or after p (e when none). The
 * block's mask is kept, so the end of a short field is a shift and a bit scan. */
CSV_HOT const char *find_special(finder *f, const unsigned char *sp, const char *p, const char *e)
{
    for (;;) {
        uintptr_t off = (uintptr_t)p - (uintptr_t)f->base; /* huge when p is outside the block */
        if (off < 64) {
            uint64_t m = f->bits >> off;
            if (m) return p + __builtin_ctzll(m);
            p = f->base + 64;
        }
        if (e - p < 64) break;
        finder_load(f, p);
    }
    f->base = NULL;
    while (p < e && !sp[(unsigned char)*p]) p++;
    return p;
}

/* A plain row at p (no quote, no lone CR, exactly `max` fields, each at most
 * maxf bytes, 128 bytes to read past it): the end of each field into ends[]
 * (room for max + SPLIT_SLACK entries), the field count returned and *next set
 * after the row end. 0 for any other row, which the general loop then reads.
 * The field count and lengths are checked once a block and once a row, not
 * once a field. */
#define SPLIT_SLACK 66
CSV_HOT size_t split_plain(finder *f, const char *p, const char *e, const char **ends, size_t max, size_t maxf,
                           const char **next)
{
    const char *const row = p;
    size_t nf = 0;
    for (;;) {
        uintptr_t off = (uintptr_t)p - (uintptr_t)f->base;
        if (off >= 64) {
            if (e - p < 128) return 0;
            finder_load(f, p);
            off = 0;
        }
        const char *b = f->base;
        uint64_t t = f->ends >> off, d = (f->bits & ~f->ends) >> off, q = f->quotes >> off;
        if (t) {
            unsigned ti = (unsigned)__builtin_ctzll(t);
            uint64_t below = ti == 63 ? ~(uint64_t)0 : ((uint64_t)2 << ti) - 1;
            if (q & below) return 0;
            d &= below;
            for (; d; d &= d - 1) ends[nf++] = p + __builtin_ctzll(d);
            const char *s = p + ti;
            ends[nf++] = s;
            if (nf != max) return 0;
            if (*s == f->term) {
                *next = s + 1;
            } else if (f->term == '\n' && s[1] == '\n') { /* CRLF */
                *next = s + 2;
            } else {
                return 0;
            }
            if ((size_t)(s - row) > maxf) { /* a row longer than a field may be: each field */
                const char *fs = row;
                for (size_t k = 0; k < nf; fs = ends[k++] + 1)
                    if ((size_t)(ends[k] - fs) > maxf) return 0;
            }
            return nf;
        }
        if (q) return 0;
        for (; d; d &= d - 1) ends[nf++] = p + __builtin_ctzll(d);
        if (nf > max) return 0;
        p = b + 64;
    }
}

/* The quote facts carried from one block to the next within a row. */
typedef struct quote_carry {
    uint64_t inside; /* all ones when the block starts inside quotes */
    uint64_t after;  /* 1 when the byte before the block ends a field or closes quotes (a quote may open) */
    uint64_t closed; /* 1 when the byte before the block closed quotes (a quote or field end must follow) */
} quote_carry;

/* Masks d (field and row ends) and t (row ends) of the block part at offset off lose
 * what lies inside quotes; returns 0, or 1 when a quote up to the row's end breaks
 * the rule above. */
CSV_HOT int quote_mask(const finder *f, unsigned off, uint64_t q, uint64_t *d, uint64_t *t, quote_carry *qc)
{
    const uint64_t valid = ~(uint64_t)0 >> off, top = (uint64_t)1 << (63 - off);
    const uint64_t below = off ? (uint64_t)0 - ((f->inq >> (off - 1)) & 1) : 0; /* quotes before off: odd? */
    const uint64_t in = ((f->inq >> off) ^ below ^ qc->inside) & valid;
    *d &= ~in;
    *t &= ~in;
    const uint64_t upto = *t ? (*t ^ (*t - 1)) : valid;
    const uint64_t open = q & in, close = q & ~in;
    uint64_t bad = open & ~(((*d | close) << 1) | qc->after);
    bad |= close & ~((*d | q) >> 1) & ~top;
    bad |= qc->closed & ~(*d | q) & 1;
    qc->after = ((*d | close) & top) != 0;
    qc->closed = (close & top) != 0;
    qc->inside = (in & top) ? ~(uint64_t)0 : 0;
    return (bad & upto) != 0;
}

#endif
