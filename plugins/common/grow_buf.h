/* grow_buf.h: arrays and byte buffers that grow by doubling and report running out of memory (the plugins' readers stop cleanly on it). */
#ifndef TALLY_GROW_BUF_H
#define TALLY_GROW_BUF_H

#include <stdlib.h>
#include <string.h>

/* Makes room for `need` elements of `size` bytes in *p (capacity *cap, doubled from `first`
 * when it is 0); 0, or -1 when memory runs out (*p and *cap unchanged). */
static inline int grow_array(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : first;
    while (c < need) c *= 2;
    void *n = realloc(*p, c * size);
    if (!n) return -1;
    *p = n;
    *cap = c;
    return 0;
}

/* A growable byte buffer, always NUL-terminated once written to; the owner frees `data`. */
typedef struct grow_buf {
    char *data;
    size_t len, cap;
} grow_buf;

/* Appends n bytes (the first growth to `first` bytes at least); 0, or -1 when memory runs out. */
static inline int grow_buf_add(grow_buf *b, const void *s, size_t n, size_t first)
{
    if (grow_array((void **)&b->data, &b->cap, b->len + n + 1, 1, first) != 0) return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

#endif
