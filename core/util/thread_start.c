/* thread_start.c: starts a thread on a core other than its starter's, where the process may use more than one (see thread_start.h). */
#define _GNU_SOURCE /* sched_getcpu, CPU_* and pthread_attr_setaffinity_np */
#include "thread_start.h"

#include <sched.h>
#include <stdlib.h>

/* What the new thread runs first: its own function, once its affinity is the process's again. */
typedef struct thread_start {
    void *(*fn)(void *);
    void *arg;
    cpu_set_t allowed; /* the cores the starter may use */
} thread_start;

static void *start_main(void *p)
{
    thread_start s = *(thread_start *)p;
    free(p);
    /* It runs where it was placed; from now on the scheduler may move it anywhere the
     * starter could run (a core that gets busy does not hold it). */
    sched_setaffinity(0, sizeof s.allowed, &s.allowed);
    return s.fn(s.arg);
}

int tally_thread_core_after(const cpu_set_t *allowed, int here)
{
    if (here < 0 || here >= CPU_SETSIZE || CPU_COUNT(allowed) < 2) return -1;
    for (int k = 1; k < CPU_SETSIZE; k++) {
        int c = (here + k) % CPU_SETSIZE;
        if (CPU_ISSET(c, allowed)) return c;
    }
    return -1;
}

int tally_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    thread_start *s = malloc(sizeof *s);
    int core = -1;
    if (s && sched_getaffinity(0, sizeof s->allowed, &s->allowed) == 0) core = tally_thread_core_after(&s->allowed, sched_getcpu());
    if (core < 0) {
        free(s);
        return pthread_create(t, NULL, fn, arg);
    }
    s->fn = fn;
    s->arg = arg;
    pthread_attr_t attr;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(core, &one);
    int placed = pthread_attr_init(&attr) == 0;
    if (placed && pthread_attr_setaffinity_np(&attr, sizeof one, &one) != 0) {
        pthread_attr_destroy(&attr);
        placed = 0;
    }
    int rc = pthread_create(t, placed ? &attr : NULL, start_main, s);
    /* refused with the placement (a core of the set that is offline: EINVAL): started unplaced */
    if (rc != 0 && placed) rc = pthread_create(t, NULL, start_main, s);
    if (placed) pthread_attr_destroy(&attr);
    if (rc != 0) free(s);
    return rc;
}
