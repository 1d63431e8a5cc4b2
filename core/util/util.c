/* util.c: allocation, string buffers, edit distance and path helpers used across the core. */
#include "util.h"
#include "../plugins/common/grow_buf.h" /* grow_array: one doubling policy with the plugins */
#include "../plugins/common/huge_pages.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void oom(void)
{
    fputs("tally: out of memory\n", stderr);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom();
    return p;
}

/* What free_rows needs, just before a rows buffer's first byte: the bytes mapped from 2 MB
 * before it (the header's own 2 MB page, of which only the last 4 KB is ever written), or 0
 * for a buffer from malloc. 16 bytes: the buffer keeps malloc's alignment. */
typedef struct rows_head {
    size_t mapped, unused;
} rows_head;

/* One mapping free_rows gave back, kept for the next buffer it can hold: kernels make and free
 * buffers of the same few sizes one after another (a large column's descriptives, one 2 MB
 * buffer of bins each), and a fresh mapping is written 2 MB a fault, each a first write to
 * memory the host may have taken back (2 to 5 ms a 2 MB page on the bench machine, 0.1 ms
 * when reused). Only mappings up to ROWS_SPARE_MAX are kept, and only one: what a run holds
 * past its buffers' peak is that one mapping. Locked: kernels on both threads free rows. */
#define ROWS_SPARE_MAX ((size_t)16 << 20)
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static rows_head *spare; /* the header of the kept mapping's buffer, or NULL */

/* The mapping of the rows buffer whose header is h unmapped: from the header's 2 MB page on. */
static void unmap_rows(rows_head *h) { munmap((char *)(h + 1) - TALLY_HUGE_PAGE, h->mapped); }

/* The kept mapping if it holds `mapped` bytes (taken), else NULL. */
static rows_head *take_spare(size_t mapped)
{
    pthread_mutex_lock(&spare_lock);
    rows_head *h = spare && spare->mapped >= mapped ? spare : NULL;
    if (h) spare = NULL;
    pthread_mutex_unlock(&spare_lock);
    return h;
}

/* Keeps the mapping of h when it is small enough and larger than the one kept (which is
 * then unmapped instead), else unmaps it. */
static void give_back(rows_head *h)
{
    rows_head *drop = h;
    if (h->mapped <= ROWS_SPARE_MAX) {
        pthread_mutex_lock(&spare_lock);
        if (!spare || spare->mapped < h->mapped) {
            drop = spare;
            spare = h;
        }
        pthread_mutex_unlock(&spare_lock);
    }
    if (drop) unmap_rows(drop);
}

void tally_rows_spare_free(void)
{
    rows_head *h = take_spare(0);
    if (h) unmap_rows(h);
}

static void *rows_new(size_t n, int zeroed)
{
    if (n > SIZE_MAX - 2 * TALLY_HUGE_PAGE) oom();
    if (n < TALLY_HUGE_ALLOC_MIN) {
        rows_head *h = zeroed ? xcalloc(1, sizeof *h + n) : xmalloc(sizeof *h + n);
        h->mapped = 0;
        return h + 1;
    }
    size_t mapped = TALLY_HUGE_PAGE + tally_huge_round(n);
    rows_head *kept = take_spare(mapped);
    if (kept) {
        if (zeroed) memset(kept + 1, 0, n); /* a fresh mapping reads as zeros; this one was written */
        return kept + 1;
    }
    char *at = tally_map_advised(mapped, TALLY_HUGE_PAGE); /* zero-filled */
    if (!at) oom();
    rows_head *h = (rows_head *)(void *)(at + TALLY_HUGE_PAGE) - 1;
    h->mapped = mapped;
    return h + 1;
}

void *xmalloc_rows(size_t n) { return rows_new(n, 0); }

void *xcalloc_rows(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) oom();
    return rows_new(n * size, 1);
}

void free_rows(void *p)
{
    if (!p) return;
    rows_head *h = (rows_head *)p - 1;
    if (h->mapped) give_back(h);
    else free(h);
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) oom();
    return p;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size, size_t first)
{
    if (grow_array(&p, cap, need, size, first) != 0) oom();
    return p;
}

void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) n = 0;
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void sbuf_init(sbuf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void sbuf_free(sbuf *b)
{
    free(b->data);
    sbuf_init(b);
}

static void sbuf_grow(sbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void sbuf_add(sbuf *b, const char *s, size_t n)
{
    sbuf_grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sbuf_puts(sbuf *b, const char *s) { sbuf_add(b, s, strlen(s)); }

void sbuf_putc(sbuf *b, char c) { sbuf_add(b, &c, 1); }

void sbuf_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    sbuf_puts(b, s);
    free(s);
}

char *sbuf_take(sbuf *b)
{
    char *p = b->data ? b->data : xstrdup("");
    sbuf_init(b);
    return p;
}

char *str_replace(const char *s, const char *from, const char *to)
{
    sbuf b;
    sbuf_init(&b);
    size_t n = strlen(from);
    for (const char *p; n && (p = strstr(s, from)) != NULL; s = p + n) {
        sbuf_add(&b, s, (size_t)(p - s));
        sbuf_puts(&b, to);
    }
    sbuf_puts(&b, s);
    return sbuf_take(&b);
}

size_t str_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = prev + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

const char *str_closest(const char *word, const char *const *names, size_t n)
{
    /* close enough: one edit for short words, two (a swapped pair) up to eight letters, three beyond. */
    size_t len = strnlen(word, STR_CLOSEST_MAX + 1);
    size_t limit = len <= 3 ? 1 : len <= 8 ? 2 : 3;
    /* The distance costs len * len(name): a name no one types (a megabyte pasted by
     * mistake) gets no suggestion rather than seconds of comparing. */
    if (len > STR_CLOSEST_MAX) return NULL;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t ln = strnlen(names[i], STR_CLOSEST_MAX + 1);
        if (ln > STR_CLOSEST_MAX || (ln > len ? ln - len : len - ln) > limit) continue; /* too far apart already */
        size_t d = str_distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

char *str_hint(const char *word, const char *const *names, size_t n)
{
    const char *near = word ? str_closest(word, names, n) : NULL;
    return near ? xasprintf(" (did you mean '%s'?)", near) : xstrdup("");
}

char *str_unknown(const char *kind, const char *word, const char *const *names, size_t n)
{
    char *hint = str_hint(word, names, n);
    char *msg = xasprintf("unknown %s '%s'%s", kind, word ? word : "", hint);
    free(hint);
    return msg;
}

char *str_join(const char *const *names, size_t n)
{
    sbuf b;
    sbuf_init(&b);
    for (size_t i = 0; i < n; i++) sbuf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    return sbuf_take(&b);
}

int str_list_has(const char *list, char sep, const char *word, int fold_case)
{
    size_t n = strlen(word);
    if (!list || !n) return 0;
    for (const char *p = list;;) {
        const char *end = strchr(p, sep);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && (fold_case ? strncasecmp(p, word, n) : strncmp(p, word, n)) == 0) return 1;
        if (!end) return 0;
        p = end + 1;
    }
}

char *path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

char *path_join(const char *dir, const char *rel)
{
    if (!dir || !*dir || rel[0] == '/' || strcmp(dir, ".") == 0) return xstrdup(rel);
    return xasprintf("%s/%s", dir, rel);
}

const char *path_ext(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash)) return "";
    return dot + 1;
}

int path_has_ext(const char *path, const char *ext)
{
    return strcasecmp(path_ext(path), ext) == 0;
}
