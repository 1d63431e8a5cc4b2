/* mapping_memo.c: results computed from a mapped cache's cells, kept with the mapping for stages that ask again. */
#include "dataset.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* An entry: its key and result. A pending entry's result is being computed by the
 * thread that claimed it. */
typedef struct memo_entry {
    struct memo_entry *next;
    uintptr_t key[TALLY_MEMO_KEYS];
    size_t len;
    int pending;
    double result[]; /* double: aligned for any result of doubles */
} memo_entry;

/* The memo: a list (a report asks for a few dozen), the lock that guards it (stages run
 * on two threads) and the condition that wakes a thread waiting on a result the other
 * thread is computing. */
struct tally_mapping_memo {
    pthread_mutex_t lock;
    pthread_cond_t done;
    memo_entry *entries;
};

tally_mapping_memo *tally_mapping_memo_new(void)
{
    tally_mapping_memo *memo = xcalloc(1, sizeof *memo);
    pthread_mutex_init(&memo->lock, NULL);
    pthread_cond_init(&memo->done, NULL);
    return memo;
}

void tally_mapping_memo_free(tally_mapping_memo *memo)
{
    if (!memo) return;
    for (memo_entry *e = memo->entries, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    pthread_cond_destroy(&memo->done);
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
    int have = e && !e->pending;
    if (have) memcpy(out, e->result, len);
    pthread_mutex_unlock(&m->memo->lock);
    return have;
}

/* A new pending entry under key with room for len bytes; called with the memo's lock held. */
static memo_entry *add(tally_mapping_memo *memo, const uintptr_t key[TALLY_MEMO_KEYS], size_t len)
{
    memo_entry *e = xmalloc(sizeof *e + len);
    memcpy(e->key, key, sizeof e->key);
    e->len = len;
    e->pending = 1;
    e->next = memo->entries;
    memo->entries = e;
    return e;
}

int tally_mapping_memo_claim(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], void *out, size_t len)
{
    tally_mapping_memo *memo = m->memo;
    pthread_mutex_lock(&memo->lock);
    memo_entry *e = find(memo, key, len);
    if (!e) { /* ours to compute */
        add(memo, key, len);
        pthread_mutex_unlock(&memo->lock);
        return 0;
    }
    while (e->pending) pthread_cond_wait(&memo->done, &memo->lock); /* entries are never removed while m lives */
    memcpy(out, e->result, len);
    pthread_mutex_unlock(&memo->lock);
    return 1;
}

int tally_mapping_memo_try_claim(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], size_t len)
{
    pthread_mutex_lock(&m->memo->lock);
    int mine = !find(m->memo, key, len);
    if (mine) add(m->memo, key, len);
    pthread_mutex_unlock(&m->memo->lock);
    return mine;
}

void tally_mapping_memo_put(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], const void *result, size_t len)
{
    tally_mapping_memo *memo = m->memo;
    pthread_mutex_lock(&memo->lock);
    memo_entry *e = find(memo, key, len);
    if (!e) e = add(memo, key, len);
    if (e->pending) { /* else the other thread computed the same result first: it stays */
        memcpy(e->result, result, len);
        e->pending = 0;
        pthread_cond_broadcast(&memo->done);
    }
    pthread_mutex_unlock(&memo->lock);
}

size_t tally_mapping_memo_count(tally_mapping *m)
{
    size_t n = 0;
    pthread_mutex_lock(&m->memo->lock);
    for (memo_entry *e = m->memo->entries; e; e = e->next) n++;
    pthread_mutex_unlock(&m->memo->lock);
    return n;
}
