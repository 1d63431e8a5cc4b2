/* name_set.c: column names held in a hash set by their index, and the "_2", "_3", ... a duplicate gets. */
#include "name_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t name_hash(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

int name_set_init(name_set *set, char *const *names, size_t n)
{
    set->names = names;
    set->mask = 15;
    while (set->mask < n * 2) set->mask = set->mask * 2 + 1;
    set->slot = calloc(set->mask + 1, sizeof *set->slot);
    return set->slot ? 0 : -1;
}

void name_set_free(name_set *set)
{
    free(set->slot);
    set->slot = NULL;
}

long name_set_find(const name_set *set, const char *name)
{
    for (size_t h = name_hash(name) & set->mask; set->slot[h]; h = (h + 1) & set->mask)
        if (strcmp(set->names[set->slot[h] - 1], name) == 0) return (long)set->slot[h] - 1;
    return -1;
}

void name_set_add(name_set *set, size_t i)
{
    size_t h = name_hash(set->names[i]) & set->mask;
    while (set->slot[h]) h = (h + 1) & set->mask;
    set->slot[h] = i + 1;
}

char *name_set_suffixed(const name_set *set, const name_set *also, const char *base, unsigned *next)
{
    size_t len = strlen(base) + 24;
    char *name = malloc(len);
    if (!name) return NULL;
    for (unsigned k = *next < 2 ? 2 : *next;; k++) {
        snprintf(name, len, "%s_%u", base, k);
        if (name_set_find(set, name) < 0 && !(also && name_set_find(also, name) >= 0)) {
            *next = k + 1;
            return name;
        }
    }
}
