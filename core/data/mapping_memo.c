/* mapping_memo.c: results computed from a mapped cache's cells, kept with the mapping for stages that ask again. */
#include "dataset.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* An entry: its key and result; a list (a report asks for a few dozen). A pending
 * entry's result is being computed by the thread that claimed it. */
struct tally_mapping_memo {
    struct tally_mapping_memo *next;
    uintptr_t key[TALLY_MEMO_KEYS];
    size_t len;
    int pending;
    double result[]; /* double: aligned for any result of doubles */
};

int tally_mapping_holds(const tally_mapping *m, const void *p, size_t n)
{
    uintptr_t b = (uintptr_t)m->base, a = (uintptr_t)p;
    return a >= b && a - b <= m->len && n <= m->len - (a - b);
}

/* The entry under key, or NULL; called with memo_lock held. */
static struct tally_mapping_memo *find(const tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], size_t len)
{
    for (struct tally_mapping_memo *e = m->memo; e; e = e->next)
        if (e->len == len && memcmp(e->key, key, sizeof e->key) == 0) return e;
    return NULL;
}

int tally_mapping_memo_get(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], void *out, size_t len)
{
    pthread_mutex_lock(&m->memo_lock);
    struct tally_mapping_memo *e = find(m, key, len);
    int have = e && !e->pending;
    if (have) memcpy(out, e->result, len);
    pthread_mutex_unlock(&m->memo_lock);
    return have;
}

/* A new entry under key with room for len bytes; called with memo_lock held. */
static struct tally_mapping_memo *add(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], size_t len)
{
    struct tally_mapping_memo *e = xmalloc(sizeof *e + len);
    memcpy(e->key, key, sizeof e->key);
    e->len = len;
    e->pending = 1;
    e->next = m->memo;
    m->memo = e;
    return e;
}

int tally_mapping_memo_claim(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], void *out, size_t len)
{
    pthread_mutex_lock(&m->memo_lock);
    struct tally_mapping_memo *e = find(m, key, len);
    if (!e) { /* ours to compute */
        add(m, key, len);
        pthread_mutex_unlock(&m->memo_lock);
        return 0;
    }
    while (e->pending) pthread_cond_wait(&m->memo_done, &m->memo_lock); /* entries are never removed while m lives */
    memcpy(out, e->result, len);
    pthread_mutex_unlock(&m->memo_lock);
    return 1;
}

int tally_mapping_memo_try_claim(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], size_t len)
{
    pthread_mutex_lock(&m->memo_lock);
    int mine = !find(m, key, len);
    if (mine) add(m, key, len);
    pthread_mutex_unlock(&m->memo_lock);
    return mine;
}

void tally_mapping_memo_put(tally_mapping *m, const uintptr_t key[TALLY_MEMO_KEYS], const void *result, size_t len)
{
    pthread_mutex_lock(&m->memo_lock);
    struct tally_mapping_memo *e = find(m, key, len);
    if (!e) e = add(m, key, len);
    if (e->pending) { /* else the other thread computed the same result first: it stays */
        memcpy(e->result, result, len);
        e->pending = 0;
        pthread_cond_broadcast(&m->memo_done);
    }
    pthread_mutex_unlock(&m->memo_lock);
}

size_t tally_mapping_memo_count(tally_mapping *m)
{
    size_t n = 0;
    pthread_mutex_lock(&m->memo_lock);
    for (struct tally_mapping_memo *e = m->memo; e; e = e->next) n++;
    pthread_mutex_unlock(&m->memo_lock);
    return n;
}

void tally_mapping_memo_clear(tally_mapping *m)
{
    for (struct tally_mapping_memo *e = m->memo, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    m->memo = NULL;
    pthread_mutex_destroy(&m->memo_lock);
    pthread_cond_destroy(&m->memo_done);
}
