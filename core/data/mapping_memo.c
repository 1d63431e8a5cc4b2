/* mapping_memo.c: results computed from a mapped cache's cells, kept with the mapping for stages that ask again. */
#include "dataset.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* An entry: its key and result. */
typedef struct memo_entry {
    struct memo_entry *next;
    uintptr_t key[TALLY_MEMO_KEYS];
    size_t len;
    double result[]; /* double: aligned for any result of doubles */
} memo_entry;

/* The memo: a list (a report asks for a few dozen) and the lock that guards it. */
struct tally_mapping_memo {
    pthread_mutex_t lock;
    memo_entry *entries;
};

tally_mapping_memo *tally_mapping_memo_new(void)
{
    tally_mapping_memo *memo = xcalloc(1, sizeof *memo);
    pthread_mutex_init(&memo->lock, NULL);
    return memo;
}

void tally_mapping_memo_free(tally_mapping_memo *memo)
{
    if (!memo) return;
    for (memo_entry *e = memo->entries, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    pthread_mutex_destroy(&memo->lock);
    free(memo);
}

int tally_mapping_holds(const tally_mapping *m, const void *p, size_t n)
{
    uintptr_t b = (uintptr_t)m->base, a = (uintptr_t)p;
    return a >= b && a - b <= m->len && n <= m->len - (a - b);
}

/* The entry under key, or NULL; called with the memo's lock held. */
static memo_entry *find(const tally_mapping_memo *memo, const uintptr_t key[TALLY_MEMO_KEYS], size_t len)
{
    for (memo_entry *e = memo->entries; e; e = e->next)
        if (e->len == len && memcmp(e->key, key, sizeof e->key) == 0) return e;
    return NULL;
}

int tally_mapping_memo_get(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], void *out, size_t len)
{
    pthread_mutex_lock(&m->memo->lock);
    memo_entry *e = find(m->memo, key, len);
    if (e) memcpy(out, e->result, len);
    pthread_mutex_unlock(&m->memo->lock);
    return e != NULL;
}

void tally_mapping_memo_put(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], const void *result, size_t len)
{
    memo_entry *e = xmalloc(sizeof *e + len);
    memcpy(e->key, key, sizeof e->key);
    e->len = len;
    memcpy(e->result, result, len);
    pthread_mutex_lock(&m->memo->lock);
    int known = find(m->memo, key, len) != NULL; /* the other thread computed the same result first */
    if (!known) {
        e->next = m->memo->entries;
        m->memo->entries = e;
    }
    pthread_mutex_unlock(&m->memo->lock);
    if (known) free(e);
}

size_t tally_mapping_memo_count(tally_mapping *m)
{
    size_t n = 0;
    pthread_mutex_lock(&m->memo->lock);
    for (memo_entry *e = m->memo->entries; e; e = e->next) n++;
    pthread_mutex_unlock(&m->memo->lock);
    return n;
}
