/* cache_write.c: the column cache's file written: its header and checksums, then its bytes in 2 MB steps. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cache_int.h"
#include "parallel.h"
#include "tally/plugin.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#ifndef TALLY_VERSION
#define TALLY_VERSION "0.1.0"
#endif

/* Piece k of the cells' region as written (the spans with zeros between them), hashed
 * as hash_checked_piece hashes it from the file. */
static uint64_t span_piece_hash(const cache_span *spans, size_t nspans, uint64_t len, size_t k)
{
    static const char zeros[CACHE_ALIGN];
    uint64_t from = (uint64_t)k * CACHE_HASH_CHUNK, to = from + CACHE_HASH_CHUNK < len ? from + CACHE_HASH_CHUNK : len;
    /* on the stack (its type is whole under XXH_INLINE_ALL): no allocation that could fail */
    XXH3_state_t state_mem, *state = &state_mem;
    XXH3_INITSTATE(state);
    XXH3_64bits_reset(state);
    uint64_t at = from; /* hashed up to here */
    for (size_t i = 0; i < nspans && at < to; i++) {
        uint64_t s = spans[i].off, e = s + spans[i].len;
        if (e <= at) continue;
        for (uint64_t gap_end = s < to ? s : to; at < gap_end;) { /* zeros before the span */
            uint64_t n = gap_end - at < sizeof zeros ? gap_end - at : sizeof zeros;
            XXH3_64bits_update(state, zeros, (size_t)n);
            at += n;
        }
        if (at >= to) break;
        uint64_t n = (e < to ? e : to) - at;
        XXH3_64bits_update(state, (const char *)spans[i].src + (at - s), (size_t)n);
        at += n;
    }
    return XXH3_64bits_digest(state);
}

typedef struct spans_job {
    const cache_span *spans;
    size_t nspans;
    uint64_t len;
    uint64_t *piece;
} spans_job;

static void spans_task(void *arg, size_t k, size_t worker)
{
    (void)worker;
    spans_job *j = arg;
    j->piece[k] = span_piece_hash(j->spans, j->nspans, j->len, k);
}

/* The cells' hash as a load computes it from the file (see CACHE_HASH_CHUNK), its
 * pieces on both threads. */
static uint64_t spans_hash(const cache_span *spans, size_t nspans, uint64_t len)
{
    size_t npieces = cache_hash_pieces((size_t)len);
    spans_job j = {spans, nspans, len, xcalloc(npieces, sizeof(uint64_t))};
    tally_par_tasks(npieces, tally_par_task_threads(), spans_task, &j);
    uint64_t h = cache_hash_combine(j.piece, npieces);
    free(j.piece);
    return h;
}

/* The cache file's bytes go to the file in writev() calls, each ending on a 2 MB boundary
 * of the file but the last. The kernel gives a write's aligned 2 MB runs 2 MB folios of page
 * cache (ext4 from Linux 6.16), which a later run's tally_map_huge maps with one entry each:
 * mapping and first reading the cached 1M bench report's 105 MB of cells took 5 ms so,
 * against 30 to 40 ms when the file was written in 1 MB pieces (in 4 KB folios mostly).
 * Large pieces (a column's cells) are written from where they are; small ones (a wide
 * dataset's file is tens of thousands of them: each column's levels and labels, the padding
 * between spans) are copied together first, else a 2 MB step would take thousands of
 * pieces, more than one call can. */
#define CACHE_WRITE_STEP ((uint64_t)2 << 20)
#define CACHE_WRITE_IOV 1024          /* IOV_MAX on Linux */
#define CACHE_WRITE_COPY ((size_t)4096) /* pieces below this are copied */

typedef struct cache_writer {
    int fd;
    uint64_t at;  /* the file's length once the gathered pieces are written */
    char *copied; /* CACHE_WRITE_STEP bytes: the small pieces of this step, or NULL (out of memory) */
    size_t ncopied;
    struct iovec iov[CACHE_WRITE_IOV];
    int niov;
} cache_writer;

/* Writes the gathered pieces, what a short write leaves over again. 0 or -1 (errno set). */
static int writer_flush(cache_writer *w)
{
    struct iovec *v = w->iov;
    int n = w->niov;
    w->niov = 0;
    w->ncopied = 0;
    while (n > 0) {
        ssize_t k = writev(w->fd, v, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            if (k == 0) errno = EIO;
            return -1;
        }
        for (; n > 0 && (size_t)k >= v->iov_len; v++, n--) k -= (ssize_t)v->iov_len;
        if (n > 0) v->iov_base = (char *)v->iov_base + k, v->iov_len -= (size_t)k;
    }
    return 0;
}

/* Gathers n bytes at s, which must stay valid until the step is written; a small piece
 * is copied, onto the copies just before it when it can. */
static void writer_gather(cache_writer *w, const char *s, size_t n)
{
    struct iovec *last = w->niov ? &w->iov[w->niov - 1] : NULL;
    if (n < CACHE_WRITE_COPY && w->copied) { /* a step's pieces are at most CACHE_WRITE_STEP bytes */
        char *to = w->copied + w->ncopied;
        memcpy(to, s, n);
        w->ncopied += n;
        if (last && (char *)last->iov_base + last->iov_len == to) {
            last->iov_len += n;
            return;
        }
        s = to;
    }
    w->iov[w->niov++] = (struct iovec){(void *)s, n};
}

/* Appends n bytes at p to the file, written at the next 2 MB boundary (p must stay valid
 * until then). 0 or -1 (errno set). */
static int writer_put(cache_writer *w, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        uint64_t room = CACHE_WRITE_STEP - w->at % CACHE_WRITE_STEP;
        size_t take = n < room ? n : (size_t)room;
        writer_gather(w, s, take);
        w->at += take, s += take, n -= take;
        if ((w->at % CACHE_WRITE_STEP == 0 || w->niov == CACHE_WRITE_IOV) && writer_flush(w) != 0) return -1;
    }
    return 0;
}

/* Header, metadata, cells and the zeros between them, in file order. 0 or -1 (errno set). */
static int write_file(cache_writer *w, const cache_header *h, const sbuf *meta, const cache_span *spans, size_t nspans)
{
    static const char zeros[CACHE_ALIGN];
    if (writer_put(w, h, sizeof *h) != 0 || writer_put(w, meta->data, meta->len) != 0 ||
        writer_put(w, zeros, h->data_off - h->meta_off - h->meta_len) != 0)
        return -1;
    uint64_t at = 0;
    for (size_t i = 0; i < nspans; i++) {
        if (writer_put(w, zeros, spans[i].off - at) != 0 || writer_put(w, spans[i].src, spans[i].len) != 0) return -1;
        at = spans[i].off + spans[i].len;
    }
    return writer_flush(w);
}

int cache_write_file(int fd, const sbuf *meta, const cache_span *spans, size_t nspans, const cache_stamp *input)
{
    cache_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, CACHE_MAGIC, sizeof h.magic);
    h.format = CACHE_FORMAT;
    h.abi_major = TALLY_ABI_MAJOR;
    h.abi_minor = TALLY_ABI_MINOR;
    h.byte_order = CACHE_BYTE_ORDER;
    snprintf(h.version, sizeof h.version, "%s", TALLY_VERSION);
    h.meta_off = sizeof h;
    h.meta_len = meta->len;
    h.data_off = (h.meta_off + h.meta_len + CACHE_ALIGN - 1) / CACHE_ALIGN * CACHE_ALIGN;
    h.data_len = nspans ? spans[nspans - 1].off + spans[nspans - 1].len : 0;
    h.file_len = h.data_off + h.data_len;
    h.meta_hash = XXH3_64bits(meta->data, meta->len);
    h.data_hash = spans_hash(spans, nspans, h.data_len);
    h.input = *input;
    h.header_hash = XXH3_64bits(&h, offsetof(cache_header, header_hash));
    cache_writer *w = xcalloc(1, sizeof *w); /* 16 KB of pieces: not on the stack */
    w->fd = fd;
    w->copied = malloc(CACHE_WRITE_STEP);
    int rc = write_file(w, &h, meta, spans, nspans);
    free(w->copied);
    free(w);
    return rc;
}
