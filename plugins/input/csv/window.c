/* window.c: phase 1's window over the buffer: the next step's pages mapped and checked just before the parse, those behind given back. */
#include "tokenize.h"

#include <sys/mman.h>

/*
 * Phase 1 reads the buffer through a window that moves ahead STEP bytes at a
 * time: on the mapped file the next pages are mapped in one call and those
 * behind the parse given back (a later read maps them again from the page
 * cache), so the file does not add its size to the peak memory; and when
 * c->check is set each step is checked for NUL bytes and invalid UTF-8 just
 * before it is parsed, while it is still in the cache.
 */
/* A step fits the core's L2 cache (2 MiB and more on current x86), so the parse reads what the check
 * just read from there, not from L3 or memory (cachegrind with a 2 MiB last level, 100k rows: 8 MiB
 * steps missed it 668 k times reading, 512 KiB steps 496 k). */
#ifndef CSV_STEP /* settable when building, to test with small files */
#define CSV_STEP (512u << 10)
#endif
#define STEP ((size_t)CSV_STEP)
#define STEP_MARGIN (STEP / 8) /* the window moves on when the parse is this close to its end */

void csv_window_check(csv_chunk *c, csv_window *w, const char *to, const char *e)
{
    if (!c->check || w->checked >= to || c->err == CSV_ERR_NUL || c->err == CSV_ERR_UTF8) return;
    size_t n = (size_t)(to - w->checked);
    csv_err_kind kind = CSV_OK;
    size_t off = csv_check_text(w->checked, n, (size_t)(e - w->checked), c->utf8, &kind);
    if (off < n) { /* this problem is reported, even over a parse error it may have caused */
        c->err = kind;
        c->err_ptr = w->checked + off;
        return;
    }
    w->checked = to;
}

int csv_window_move(csv_chunk *c, csv_window *w, const char *p, const char *e)
{
    if (c->drop) {
        csv_advise_pages(w->dropped, p, MADV_DONTNEED);
        w->dropped = p;
    }
    const char *from = w->checked > p ? w->checked : p, *to = e;
    if ((size_t)(e - from) > STEP) {
        to = from + STEP;
        while (to < e && ((unsigned char)*to & 0xC0) == 0x80) to++; /* not inside a UTF-8 sequence */
    }
#ifdef MADV_POPULATE_READ /* the step's pages in one call rather than a fault at a time */
    if (c->drop) {
        uintptr_t a = (uintptr_t)from & ~(uintptr_t)4095, b = (uintptr_t)to;
        if (b > a) madvise((void *)a, b - a, MADV_POPULATE_READ);
    }
#endif
    csv_window_check(c, w, to, e); /* from w->checked: rows longer than the margin were read past it */
    if (c->err) return -1;
    if (!c->check) w->checked = to;
    w->next = to >= e ? e + 1 : to - ((size_t)(to - from) > STEP_MARGIN ? STEP_MARGIN : 0);
    return 0;
}
