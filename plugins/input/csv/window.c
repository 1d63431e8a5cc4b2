/* window.c: phase 1's window over the buffer: the next step's pages mapped before the parse, the text checked as the tokenizer loads it, the pages behind given back. */
#include "tokenize.h"
#include "csv_read.h"
#include "utf8_text.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Phase 1 reads the buffer through a window that moves ahead STEP bytes at a
 * time: on the mapped file the next pages are mapped in one call and those
 * behind the parse given back (a later read maps them again from the page
 * cache), so the file does not add its size to the peak memory.
 *
 * When c->check is set the text is checked for NUL bytes and invalid UTF-8 as
 * the tokenizer loads each 64-byte block (finder_load, csv_window_vet): the
 * classification kernel marks the bytes above 0x7F and NUL, so a block of
 * ASCII is passed at a glance while it is in the core's first cache, and only
 * the marked bytes are looked at, a character at a time. A separate pass over
 * the text, before or after the parse, read it from memory a second time and
 * took twice the CPU (perf, 1M rows: 8% and 4% of the load against 1.7%).
 * What the blocks leave out (text the tokenizer passes by a byte scan, such
 * as quoted fields, and the last bytes of the buffer) is checked on the next
 * block or at the next move. The parse is made for any bytes (it only sorts
 * them into delimiters, quotes, line ends and the rest), and nothing it read
 * leaves phase 1 before the check has passed: a problem stops the read at the
 * next move, and at the chunk's end or on a parse error run_chunk checks the
 * rest (a problem in the text wins over a parse error it may have caused).
 */
/* A step fits the core's L2 cache (2 MiB and more on current x86). */
#ifndef CSV_STEP /* settable when building, to test with small files */
#define CSV_STEP (512u << 10)
#endif
#define STEP ((size_t)CSV_STEP)
#define STEP_MARGIN (STEP / 8) /* the window moves on when the parse is this close to its end */
/* The file is mapped on 2 MB boundaries (map_huge.h): pages behind the parse are given back
 * in whole 2 MB pages, so that a file mapped in 2 MB pages is not split into 4 KB ones first
 * (on this machine giving back 0.5 MB steps cost 0.7 us a 4 KB page, 21 ms of a 1M-row read). */
#ifndef CSV_MAP_ALIGN /* settable when building: the small-step tests move the window every 4 KB */
#define CSV_MAP_ALIGN (2u << 20)
#endif
#define PAGE_2M ((uintptr_t)CSV_MAP_ALIGN)

/* Checks [from, to) on (a character running past `to` whole): 1, or 0 with the problem kept. */
static int vet_span(csv_window *w, const char *from, const char *to)
{
    csv_err_kind kind = CSV_OK;
    size_t n = (size_t)(to - from), off = csv_check_text(from, n, (size_t)(w->end - from), w->utf8, &kind);
    if (off < n) {
        w->bad = from + off;
        w->bad_kind = kind;
        return 0;
    }
    w->checked = from + off;
    return 1;
}

void csv_window_check(csv_chunk *c, csv_window *w, const char *to)
{
    if (!c->check || c->err == CSV_ERR_NUL || c->err == CSV_ERR_UTF8) return;
    if (!w->bad && w->checked < to) vet_span(w, w->checked, to);
    if (w->bad) { /* this problem is reported, even over a parse error it may have caused */
        c->err = w->bad_kind;
        c->err_ptr = w->bad;
    }
}

/* Block p from byte `from` on (w->checked == p + from): only the bytes its dirty mask marks
 * are looked at, a character at a time, the bytes of each character taken off the mask. */
static void vet_block(csv_window *w, const char *p, unsigned from, uint64_t dirty)
{
    uint64_t look = dirty & (~(uint64_t)0 << from);
    while (look) {
        unsigned i = (unsigned)__builtin_ctzll(look);
        const unsigned char *s = (const unsigned char *)p + i;
        size_t len = *s == 0 ? 0 : !w->utf8 ? 1 : utf8_valid_len(s, (size_t)((const unsigned char *)w->end - s));
        if (!len) {
            w->bad = (const char *)s;
            w->bad_kind = *s == 0 ? CSV_ERR_NUL : CSV_ERR_UTF8;
            return;
        }
        if (i + len >= 64) { /* the character runs to or past the block's end */
            w->checked = (const char *)s + len;
            return;
        }
        look &= ~(uint64_t)0 << (i + len);
    }
    w->checked = p + 64;
}

void csv_window_vet(csv_window *w, const char *p, uint64_t dirty)
{
    if (w->bad) return;
    if (w->checked < p && !vet_span(w, w->checked, p)) return; /* a part the tokenizer passed without loading it */
    if (w->checked < p + 64) vet_block(w, p, (unsigned)(w->checked - p), dirty);
}

/* The window's new part [a, b): the file's pages mapped in one call a step (rather than a
 * fault at a time) where the kernel can, straight from the page cache. Reading each whole
 * 2 MB step with pread into a fresh 2 MB page that then took the step's place, as tally did
 * before, took 128 ms for the 1M bench file's read in the full report against 104 ms so
 * (medians of 25 interleaved rounds, the file read back by cat before each): on the bench
 * machine a first write to fresh memory costs a fault in the hypervisor, and the kernel
 * keeps such a file's page cache in large folios, which map about as cheaply. */
static void map_ahead(const char *a, const char *b)
{
#ifdef MADV_POPULATE_READ
    madvise((void *)a, (size_t)(b - a), MADV_POPULATE_READ);
#else
    (void)a, (void)b;
#endif
}

int csv_window_move(csv_chunk *c, csv_window *w, const char *p, const char *e)
{
    csv_window_check(c, w, p); /* what the blocks loaded left unchecked (p starts a row: no UTF-8 sequence is cut) */
    if (c->err) return -1;
    if (c->drop) { /* up to a 2 MB boundary: a huge page's mapping is dropped whole, not split first */
        const char *upto = (const char *)((uintptr_t)p & ~(uintptr_t)(PAGE_2M - 1));
        if (upto > w->dropped) {
            csv_advise_pages(w->dropped, upto, MADV_DONTNEED);
            w->dropped = upto;
        }
    }
    /* On the mapped file the window ends with the step that holds the chunk's end: the steps
     * after it are the next chunk's, whose window maps them and gives them back (both windows
     * doing so would fault the same pages in twice). A last row that runs on past the chunk's
     * end reads on through the mapping all the same. */
    const char *cap = e;
    if (c->drop && c->limit < e) {
        const char *limit_step = (const char *)(((uintptr_t)c->limit + PAGE_2M - 1) & ~(PAGE_2M - 1));
        if (limit_step < cap) cap = limit_step;
    }
    const char *from = w->mapped > p ? w->mapped : p, *to = cap;
    if (from >= cap) {
        w->next = e + 1; /* nothing more to map: the rest is checked at the chunk's end */
        return 0;
    }
    if ((size_t)(cap - from) > STEP) to = from + STEP;
    if (c->drop) { /* whole 2 MB pages, each mapped by one entry where the page cache holds it so */
        uintptr_t a = (uintptr_t)from & ~(PAGE_2M - 1), b = ((uintptr_t)to + PAGE_2M - 1) & ~(PAGE_2M - 1);
        if (a < (uintptr_t)w->dropped) a = (uintptr_t)w->dropped & ~(uintptr_t)4095; /* not the chunk before's pages */
        if (b > (uintptr_t)cap) b = (uintptr_t)cap;
        if (b > a) map_ahead((const char *)a, (const char *)b);
        to = (const char *)b;
    }
    w->mapped = to;
    w->next = to >= cap ? e + 1 : to - ((size_t)(to - from) > STEP_MARGIN ? STEP_MARGIN : 0);
    return 0;
}

void csv_window_end(csv_chunk *c, csv_window *w)
{
    if (!c->drop) return;
    if (w->mapped > w->dropped) csv_advise_pages(w->dropped, w->mapped, MADV_DONTNEED);
}
