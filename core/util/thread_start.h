/* thread_start.h: starts a thread on a core other than its starter's, where the process may use more than one. */
#ifndef TALLY_THREAD_START_H
#define TALLY_THREAD_START_H

#include <pthread.h>

/*
 * As pthread_create(t, NULL, fn, arg), but the thread begins on a core the process may use
 * other than the one the calling thread is on, and then may run on any of them. Why: on
 * the two-core virtual machines tally is measured on, Linux often placed a new thread
 * on its starter's core and left it there for milliseconds while the other core idled,
 * so the two halves of a kernel ran one after the other. Returns pthread_create's result;
 * where the placement cannot be asked for, the thread starts as pthread_create starts it.
 */
int tally_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#ifdef CPU_SETSIZE /* the includer has cpu_set_t (<sched.h> with _GNU_SOURCE) */
/* The core tally_thread_start places a thread on when its starter is on core `here`: the
 * next of `allowed` after `here`, counting round; -1 when `allowed` holds fewer than two
 * cores or `here` is unknown (negative). */
int tally_thread_core_after(const cpu_set_t *allowed, int here);
#endif

#endif
