/* mapping_memo.c: results computed from a mapped cache's cells (or a dataset's cells frozen for a batch of stages), kept for stages that ask again. */
#include "dataset.h"
#include "parallel.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* An entry: its key and result. A pending entry's result is being computed by the
 * thread that claimed it. */
typedef struct memo_entry {
    struct memo_entry *next; /* the next entry of its bucket */
    uintptr_t key[TALLY_MEMO_KEYS];
    size_t len;
    int pending;
    double result[]; /* double: aligned for any result of doubles */
} memo_entry;

/* The memo: a hash table of entries (a report of every column of a wide file keeps one
 * a column, so finding one costs the same however many are kept), the lock that guards
 * it (stages run on two threads). A thread that waits for a result the other thread is
 * computing waits in tally_par_wait (parallel.h). */
struct tally_mapping_memo {
    pthread_mutex_t lock;
    memo_entry **buckets; /* nbuckets lists, a power of two */
    size_t nbuckets, count;
};

enum { MEMO_FIRST_BUCKETS = 64 };

tally_mapping_memo *tally_mapping_memo_new(void)
{
    tally_mapping_memo *memo = xcalloc(1, sizeof *memo);
    pthread_mutex_init(&memo->lock, NULL);
    memo->nbuckets = MEMO_FIRST_BUCKETS;
    memo->buckets = xcalloc(memo->nbuckets, sizeof *memo->buckets);
    return memo;
}

void tally_mapping_memo_free(tally_mapping_memo *memo)
{
    if (!memo) return;
    for (size_t b = 0; b < memo->nbuckets; b++)
        for (memo_entry *e = memo->buckets[b], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    free(memo->buckets);
    pthread_mutex_destroy(&memo->lock);
    free(memo);
}

/* Whether [a, a + n) lies inside [b, b + len). */
static int inside(uintptr_t b, size_t len, uintptr_t a, size_t n) { return a >= b && a - b <= len && n <= len - (a - b); }

int tally_mapping_holds(const tally_mapping *m, const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p;
    if (!m->spans) return inside((uintptr_t)m->base, m->len, a, n);
    size_t lo = 0, hi = m->nspans; /* the last span starting at or before a: a search, so a wide dataset's */
    while (lo < hi) {               /* thousands of columns cost a few steps a question */
        size_t mid = lo + (hi - lo) / 2;
        if (m->spans[mid].start <= a) lo = mid + 1;
        else hi = mid;
    }
    return lo > 0 && inside(m->spans[lo - 1].start, m->spans[lo - 1].len, a, n);
}

/* ---- a dataset frozen for a batch of stages ------------------------------------------ */

static int span_cmp(const void *x, const void *y)
{
    uintptr_t a = ((const tally_span *)x)->start, b = ((const tally_span *)y)->start;
    return a < b ? -1 : a > b;
}

void tally_dataset_freeze(tally_dataset *ds)
{
    if (ds->sel || ds->frozen) return;
    tally_span *spans = xmalloc((3 * ds->ncols + 1) * sizeof *spans);
    size_t n = 0;
    for (size_t i = 0; i < ds->ncols; i++) {
        const tally_column *c = ds->cols[i];
        if (c->num) spans[n++] = (tally_span){(uintptr_t)c->num, c->len * sizeof *c->num};
        if (c->codes) spans[n++] = (tally_span){(uintptr_t)c->codes, c->len};
        if (c->str) spans[n++] = (tally_span){(uintptr_t)c->str, c->len * sizeof *c->str}; /* a text column's codes */
    }
    qsort(spans, n, sizeof *spans, span_cmp);
    tally_mapping *m = tally_mapping_new(NULL, 0);
    m->spans = spans;
    m->nspans = n;
    ds->frozen = m;
}

void tally_dataset_thaw(tally_dataset *ds)
{
    tally_mapping_unref(ds->frozen);
    ds->frozen = NULL;
}

/* Whether m holds the cells and the weights (if any) of n rows. */
static int holds_both(const tally_mapping *m, const void *cells, size_t bytes, const double *wts, size_t n)
{
    return m && tally_mapping_holds(m, cells, bytes) && (!wts || tally_mapping_holds(m, wts, n * sizeof *wts));
}

tally_mapping *tally_memo_for(const tally_dataset *ds, const tally_column *c, const void *cells, size_t bytes,
                              const double *wts)
{
    if (ds->sel || !cells) return NULL;
    if (holds_both(c->mapping, cells, bytes, wts, ds->nrows)) return c->mapping; /* kept for the whole run */
    if (holds_both(ds->frozen, cells, bytes, wts, ds->nrows)) return ds->frozen;
    return NULL;
}

/* The bucket of key in a table of nbuckets (a power of two). */
static size_t bucket_of(const uintptr_t key[TALLY_MEMO_KEYS], size_t nbuckets)
{
    return (size_t)XXH3_64bits(key, TALLY_MEMO_KEYS * sizeof *key) & (nbuckets - 1);
}

/* The entry under key, or NULL; called with the memo's lock held. */
static memo_entry *find(const tally_mapping_memo *memo, const uintptr_t key[TALLY_MEMO_KEYS], size_t len)
{
    for (memo_entry *e = memo->buckets[bucket_of(key, memo->nbuckets)]; e; e = e->next)
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

/* Twice the buckets, every entry moved to its new one (entries themselves stay where
 * they are: a thread waiting on a pending one still holds it); called with the lock held. */
static void grow(tally_mapping_memo *memo)
{
    size_t n = memo->nbuckets * 2;
    memo_entry **b = xcalloc(n, sizeof *b);
    for (size_t k = 0; k < memo->nbuckets; k++)
        for (memo_entry *e = memo->buckets[k], *next; e; e = next) {
            next = e->next;
            size_t to = bucket_of(e->key, n);
            e->next = b[to];
            b[to] = e;
        }
    free(memo->buckets);
    memo->buckets = b;
    memo->nbuckets = n;
}

/* A new pending entry under key with room for len bytes; called with the memo's lock held. */
static memo_entry *add(tally_mapping_memo *memo, const uintptr_t key[TALLY_MEMO_KEYS], size_t len)
{
    if (memo->count >= memo->nbuckets) grow(memo); /* at most one entry a bucket on average */
    memo_entry *e = xmalloc(sizeof *e + len);
    memcpy(e->key, key, sizeof e->key);
    e->len = len;
    e->pending = 1;
    size_t b = bucket_of(key, memo->nbuckets);
    e->next = memo->buckets[b];
    memo->buckets[b] = e;
    memo->count++;
    return e;
}

typedef struct pending_entry {
    tally_mapping_memo *memo;
    const memo_entry *e;
} pending_entry;

/* tally_par_wait's condition: the entry's result is in. */
static int entry_ready(void *arg)
{
    pending_entry *pe = arg;
    pthread_mutex_lock(&pe->memo->lock);
    int ready = !pe->e->pending;
    pthread_mutex_unlock(&pe->memo->lock);
    return ready;
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
    if (e->pending) { /* meanwhile this thread runs the claimer's shared parts (parallel.h) */
        pthread_mutex_unlock(&memo->lock);
        pending_entry pe = {memo, e}; /* entries are never removed while m lives */
        tally_par_wait(entry_ready, &pe);
        pthread_mutex_lock(&memo->lock);
    }
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
    int woke = e->pending;
    if (e->pending) { /* else the other thread computed the same result first: it stays */
        memcpy(e->result, result, len);
        e->pending = 0;
    }
    pthread_mutex_unlock(&memo->lock);
    if (woke) tally_par_wake(); /* a thread may wait for it (tally_mapping_memo_claim) */
}

size_t tally_mapping_memo_count(tally_mapping *m)
{
    pthread_mutex_lock(&m->memo->lock);
    size_t n = m->memo->count;
    pthread_mutex_unlock(&m->memo->lock);
    return n;
}
