/* window.c: phase 1's window over the buffer: the next step's pages mapped before the parse and checked after it, those behind given back. */
#include "tokenize.h"

#include <sys/mman.h>

/*
 * Phase 1 reads the buffer through a window that moves ahead STEP bytes at a
 * time: on the mapped file the next pages are mapped in one call and those
 * behind the parse given back (a later read maps them again from the page
 * cache), so the file does not add its size to the peak memory; and when
 * c->check is set each step is checked for NUL bytes and invalid UTF-8 just
 * after it is parsed, while it is still in the core's cache.
 *
 * Checking after the parse rather than before it: the first reader of a step
 * waits for memory, and the parse, which does much more work a byte, hides
 * that wait where the check could not; the check then reads the step from the
 * cache. The parse is made for any bytes (it only sorts them into delimiters,
 * quotes, line ends and the rest), and nothing it read leaves phase 1 before
 * the check has passed: a step's problem stops the read at the next move, and
 * at the chunk's end or on a parse error run_chunk checks the rest (a problem
 * in the text wins over a parse error it may have caused).
 */
/* A step fits the core's L2 cache (2 MiB and more on current x86), so the check reads what the parse
 * just read from there, not from L3 or memory. */
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
    csv_window_check(c, w, p, e); /* the part parsed since the last move (p starts a row: no UTF-8 sequence is cut) */
    if (c->err) return -1;
    if (!c->check) w->checked = p;
    if (c->drop) {
        csv_advise_pages(w->dropped, p, MADV_DONTNEED);
        w->dropped = p;
    }
    const char *from = w->mapped > p ? w->mapped : p, *to = e;
    if ((size_t)(e - from) > STEP) to = from + STEP;
#ifdef MADV_POPULATE_READ /* the step's pages in one call rather than a fault at a time */
    if (c->drop) {
        uintptr_t a = (uintptr_t)from & ~(uintptr_t)4095, b = (uintptr_t)to;
        if (b > a) madvise((void *)a, b - a, MADV_POPULATE_READ);
    }
#endif
    w->mapped = to;
    w->next = to >= e ? e + 1 : to - ((size_t)(to - from) > STEP_MARGIN ? STEP_MARGIN : 0);
    return 0;
}
