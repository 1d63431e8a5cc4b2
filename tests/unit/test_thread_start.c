/* test_thread_start.c: tally_thread_start runs its function on another core than its starter's and then lets it run anywhere the starter may; the core it picks; one core only. */
#define _GNU_SOURCE
#include <sched.h>

#include "check.h"
#include "thread_start.h"

#include <pthread.h>

typedef struct seen {
    int arg_seen;       /* the argument the function got */
    int first_core;     /* sched_getcpu() as the function began */
    cpu_set_t affinity; /* the thread's affinity as the function began */
} seen;

static void *note(void *p)
{
    seen *s = p;
    s->first_core = sched_getcpu();
    sched_getaffinity(0, sizeof s->affinity, &s->affinity);
    s->arg_seen = 1;
    return s;
}

static cpu_set_t cores(int a, int b, int c)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (a >= 0) CPU_SET(a, &set);
    if (b >= 0) CPU_SET(b, &set);
    if (c >= 0) CPU_SET(c, &set);
    return set;
}

static void core_choice(void)
{
    cpu_set_t two = cores(0, 1, -1), three = cores(0, 2, 5), one = cores(3, -1, -1), odd = cores(1, 3, -1);
    CHECK(tally_thread_core_after(&two, 0) == 1, "cores {0,1}: a starter on 0 places on 1");
    CHECK(tally_thread_core_after(&two, 1) == 0, "cores {0,1}: a starter on 1 places on 0 (counting round)");
    CHECK(tally_thread_core_after(&three, 2) == 5, "cores {0,2,5}: after 2 comes 5");
    CHECK(tally_thread_core_after(&three, 5) == 0, "cores {0,2,5}: after 5 comes 0");
    CHECK(tally_thread_core_after(&odd, 0) == 1, "a starter on a core outside {1,3} places on 1");
    CHECK(tally_thread_core_after(&one, 3) == -1, "one core allowed: no placement");
    CHECK(tally_thread_core_after(&two, -1) == -1, "the starter's core unknown: no placement");
}

/* A thread started with cores `allowed` for the starter: it ran, got its argument, and
 * may run on every core the starter may (the placement was let go). */
static void start_once(const cpu_set_t *allowed, const char *what, seen *s)
{
    sched_setaffinity(0, sizeof *allowed, allowed);
    pthread_t t;
    *s = (seen){0};
    void *back = NULL;
    int rc = tally_thread_start(&t, note, s);
    CHECK(rc == 0 && pthread_join(t, &back) == 0 && back == s && s->arg_seen, "%s: the thread ran with its argument",
          what);
    CHECK(CPU_EQUAL(&s->affinity, allowed), "%s: the thread may run on every core its starter may (%d of %d)", what,
          CPU_COUNT(&s->affinity), CPU_COUNT(allowed));
}

int main(void)
{
    CHECK_WATCHDOG(60);
    core_choice();
    cpu_set_t all;
    CHECK(sched_getaffinity(0, sizeof all, &all) == 0, "the process's cores are known");
    seen s;
    int first = -1;
    for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
        if (CPU_ISSET(c, &all)) first = c;
    cpu_set_t one = cores(first, -1, -1);
    start_once(&one, "one core", &s);
    CHECK(s.first_core == first, "one core: the thread began on it (%d)", s.first_core);
    if (CPU_COUNT(&all) < 2) {
        printf("ok - # SKIP placement on another core: this process may use one core only\n");
        sched_setaffinity(0, sizeof all, &all);
        CHECK_DONE();
    }
    /* The starter on a core of its own choosing for each try, so its core is known: the thread
     * begins on the next one (only a migration in the microseconds between its start and its
     * first step could move it; 18 of 20 allows two). */
    int elsewhere = 0, tries = 20;
    for (int i = 0; i < tries; i++) {
        int here = -1;
        for (int c = 0, k = 0; c < CPU_SETSIZE; c++)
            if (CPU_ISSET(c, &all) && k++ == i % CPU_COUNT(&all)) here = c;
        cpu_set_t starter = cores(here, -1, -1);
        sched_setaffinity(0, sizeof starter, &starter);
        int want = tally_thread_core_after(&all, here);
        sched_setaffinity(0, sizeof all, &all); /* the thread may use them all; the starter has not moved yet */
        if (sched_getcpu() != here) continue;     /* it has: this try tells nothing */
        pthread_t t;
        s = (seen){0};
        if (tally_thread_start(&t, note, &s) == 0 && pthread_join(t, NULL) == 0) elsewhere += s.first_core == want;
    }
    CHECK(elsewhere >= tries - 2, "the thread began on the core after its starter's in %d of %d tries", elsewhere, tries);
    start_once(&all, "every core", &s);
    CHECK_DONE();
}
