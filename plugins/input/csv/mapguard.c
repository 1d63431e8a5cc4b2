/* mapguard.c: the csv plugin's file mapping survives the file shrinking under it (SIGBUS becomes zero pages and a flag). */
#define _GNU_SOURCE /* MAP_ANONYMOUS, SA_SIGINFO */
#include "csv_read.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Reading a page of a mapped file past its current end raises SIGBUS; another
 * program truncating or rewriting the CSV while tally reads it would kill tally
 * with no message. While a guard is on, the handler maps zero pages from the
 * faulting page to the end of the mapping (so the faulting read, and every later
 * one, succeeds), notes the fault and returns; the reader then reports the file
 * as changed instead of anything it parsed from the zeros. A SIGBUS anywhere else
 * goes to the handler that was there before, or kills the process as before.
 *
 * One guard at a time: inputs are read one after another.
 */

static const char *volatile guard_lo, *volatile guard_hi;
static volatile sig_atomic_t guard_hit;
static struct sigaction guard_old;
static uintptr_t guard_page;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
    const char *a = si->si_addr, *lo = guard_lo, *hi = guard_hi;
    if (lo && a >= lo && a < hi) {
        uintptr_t from = (uintptr_t)a & ~(guard_page - 1);
        uintptr_t to = ((uintptr_t)hi + guard_page - 1) & ~(guard_page - 1);
        /* mmap is a plain system call here, safe in a handler in practice */
        if (mmap((void *)from, to - from, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
            guard_hit = 1;
            return; /* the faulting read runs again and finds zeros */
        }
    }
    if ((guard_old.sa_flags & SA_SIGINFO) && guard_old.sa_sigaction) {
        guard_old.sa_sigaction(sig, si, uc);
    } else if (guard_old.sa_handler != SIG_DFL && guard_old.sa_handler != SIG_IGN) {
        guard_old.sa_handler(sig);
    } else {
        signal(SIGBUS, SIG_DFL); /* the read faults again and ends the process as without a guard */
    }
}

int csv_mapguard_begin(const void *map, size_t len)
{
    if (guard_lo) return -1;
    guard_page = (uintptr_t)sysconf(_SC_PAGESIZE);
    guard_hit = 0;
    guard_hi = (const char *)map + len;
    guard_lo = map;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, &guard_old) != 0) {
        guard_lo = guard_hi = NULL;
        return -1;
    }
    return 0;
}

int csv_mapguard_hit(void) { return guard_hit != 0; }

int csv_mapguard_end(void)
{
    if (!guard_lo) return 0;
    sigaction(SIGBUS, &guard_old, NULL);
    guard_lo = guard_hi = NULL;
    return guard_hit != 0;
}
