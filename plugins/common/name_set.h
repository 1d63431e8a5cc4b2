/* name_set.h: column names held in a hash set by their index, and the "_2", "_3", ... a duplicate gets. */
#ifndef TALLY_NAME_SET_H
#define TALLY_NAME_SET_H

#include <stddef.h>

/*
 * Looking names up one by one against all earlier ones is quadratic; a sheet has up to
 * 16,384 columns and a CSV file 100,000, so input plugins hash them. The set holds indexes
 * into the caller's array `names` (borrowed; an entry must not change while it is in the
 * set); slots hold index + 1, 0 is empty.
 */
typedef struct name_set {
    char *const *names;
    size_t *slot;
    size_t mask;
} name_set;

/* An empty set for up to n names of the array; 0, or -1 when out of memory. */
int name_set_init(name_set *set, char *const *names, size_t n);
void name_set_free(name_set *set);
/* The index of the name in the set, or -1. */
long name_set_find(const name_set *set, const char *name);
/* Adds names[i] (not yet in the set). */
void name_set_add(name_set *set, size_t i);

/*
 * A new "base_K" (caller frees) in neither set (`also` may be NULL), K the smallest from
 * *next on (at least 2); *next is then K + 1. Callers keep one *next per base, so that a
 * run of n copies of one name costs n look-ups, not n^2 / 2. NULL when out of memory.
 */
char *name_set_suffixed(const name_set *set, const name_set *also, const char *base, unsigned *next);

#endif
