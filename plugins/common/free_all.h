/* free_all.h: one call that frees a struct's owned buffers, shared by the core (through util.h) and the plugins. */
#ifndef TALLY_FREE_ALL_H
#define TALLY_FREE_ALL_H

#include <stddef.h>
#include <stdlib.h>

/* free() on each of the n pointers (NULL ones included, as free allows). */
static inline void tally_free_each(void *const *ptrs, size_t n)
{
    for (size_t i = 0; i < n; i++) free(ptrs[i]);
}

/* tally_free_all(a, b, c) frees a, b and c, in that order: each argument an owned pointer or NULL.
 * The arguments are evaluated once; sizeof only counts them. */
#define tally_free_all(...)                                                                        \
    tally_free_each((void *const[]){__VA_ARGS__}, sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

#endif
