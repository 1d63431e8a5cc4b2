/* cache_int.h: the cache file's layout, shared by cache.c (files, keys, loads), cache_write.c (writes) and cache_format.c (the dataset). */
#ifndef TALLY_CACHE_INT_H
#define TALLY_CACHE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include "dataset.h"
#include "util.h"

#define CACHE_MAGIC "TALLYCC\x01"
#define CACHE_FORMAT 5u /* 2: a column's category order; 3: hashes by 8 MB pieces (cache.c); 4: a column's metadata
                           * mark; 5: the data file's stamp in the header */
#define CACHE_BYTE_ORDER 0x01020304u
#define CACHE_ALIGN 64

/* The data file as it was while its content was hashed for the key (cache_stamp.c): a
 * later run that finds the same device, inode, size, modification and inode change times
 * takes the content hash from here instead of reading the file again. The kernel sets a
 * file's change time on every write, truncation and time change (touch -d, cp -p),
 * and no call sets it back; see cache_stamp_take for when a stamp is taken at all. */
typedef struct cache_stamp {
    uint64_t dev, ino, size;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
    uint64_t hash;  /* the content hash (cache_hash_combine of the file's pieces) */
    uint64_t taken; /* 1: the fields above stand for the content; 0: no stamp */
} cache_stamp;

/* The first bytes of a cache file; every offset counts from the file's start. */
typedef struct cache_header {
    char magic[8];
    uint32_t format;       /* CACHE_FORMAT */
    uint32_t abi_major, abi_minor;
    uint32_t byte_order;   /* CACHE_BYTE_ORDER as the writer stored it */
    char version[32];      /* the tally version that wrote it */
    uint64_t file_len;
    uint64_t meta_off, meta_len;
    uint64_t data_off, data_len;
    uint64_t meta_hash, data_hash; /* XXH3 of each region */
    cache_stamp input;             /* the data file as it was hashed for the key */
    uint64_t header_hash;          /* XXH3 of the bytes above */
} cache_header;

/* One array of cells in the data region: offset from data_off and length in bytes. */
typedef struct cache_span {
    const void *src;  /* writing: the cells */
    uint64_t off, len;
} cache_span;

/* Writing: the metadata of ds (key first) into meta; the cell arrays to write after it
 * in *spans (caller frees), their offsets assigned. */
void cache_put_dataset(sbuf *meta, const char *key, const tally_dataset *ds, const char *messages,
                       size_t messages_len, cache_span **spans, size_t *nspans);

/* Reading: the key stored at the start of the metadata (points into it), or NULL if damaged. */
const char *cache_get_key(const char *meta, size_t meta_len, size_t *key_len);
/* The dataset the metadata describes, its cells viewing `data` (data_len bytes) of mapping
 * m; NULL (with *why) when anything is out of range. */
tally_dataset *cache_get_dataset(const char *meta, size_t meta_len, const char *data, size_t data_len,
                                 tally_mapping *m, const char *name, const char **messages, size_t *messages_len,
                                 const char **why);

/* The range checks, so that no read can leave a column's levels or arena: the loader
 * runs them on each run of cells while the hashing has it in the CPU's cache (cache.c).
 * 1 when each of n codes is below nlevels or TALLY_CODE_SYSMIS. */
int cache_codes_within(const uint8_t *codes, size_t n, unsigned nlevels);
/* 1 when each of n text offsets is below arena_len. */
int cache_offsets_below(const uint64_t *offsets, size_t n, uint64_t arena_len);
/* 1 when col has no text cells, or an arena whose last byte ends a string (a NUL). */
int cache_arena_whole(const tally_column *col);

/* The content hash of the data file and of a cache's cells: XXH3 of each
 * CACHE_HASH_CHUNK piece, then XXH3 of those hashes. The pieces go through the
 * library's dispatch (AVX2 or AVX-512 where the CPU has them; the inlined copy is
 * built for SSE2 only): the same hash in less time (with the vectorised range check, the
 * cached 1M bench report's load step went from 37 to 26 ms). The pieces are hashed on both
 * threads in any order with the same result, beside the other checks of a load. */
#define CACHE_HASH_CHUNK ((size_t)8 << 20)

/* The number of CACHE_HASH_CHUNK pieces of len bytes (one for nothing). */
static inline size_t cache_hash_pieces(size_t len) { return len ? (len + CACHE_HASH_CHUNK - 1) / CACHE_HASH_CHUNK : 1; }

/* The length of piece k of len bytes (0 for the one piece of nothing). */
static inline size_t cache_piece_len(size_t len, size_t k)
{
    size_t at = k * CACHE_HASH_CHUNK;
    return len - at < CACHE_HASH_CHUNK ? len - at : CACHE_HASH_CHUNK;
}

/* The hash of a region from its pieces' hashes (cache.c). */
uint64_t cache_hash_combine(const uint64_t *pieces, size_t n);

/* A stamp of the data file whose content hashed to `hash`, its status *before when the hashing
 * began and *after when it ended, on a file system of type fs_type (statfs), the time being
 * now; .taken is 0 (no stamp) unless the two statuses agree, the file system is one
 * that keeps change times (cache_stamp.c lists them) and the change time is at least
 * CACHE_STAMP_AGE seconds past. */
cache_stamp cache_stamp_take(const struct stat *before, const struct stat *after, long fs_type,
                             const struct timespec *now, uint64_t hash);
/* 1 when two statuses of a file agree in every field a stamp keeps (device, inode, size,
 * modification and change times): nothing wrote it between them. */
int cache_same_status(const struct stat *a, const struct stat *b);
/* 1 when s was taken and the file with status *st on file system fs_type is the file
 * it was taken of, unchanged since: its content hash is s->hash. */
int cache_stamp_holds(const cache_stamp *s, const struct stat *st, long fs_type);

/* A change time younger than this (seconds) is not stamped: on a file system that counts
 * whole seconds, or with the kernel's clock tick, a write right after the hashing could
 * leave the change time as it was. The next run hashes again and may stamp then. */
#define CACHE_STAMP_AGE 2

/* Writes a cache file to fd: its header (checksums of meta and of the cells), meta, then
 * the cells of spans with zeros between them, in writev() calls that end on 2 MB
 * boundaries of the file (cache_write.c). 0 or -1 (errno set). */
int cache_write_file(int fd, const sbuf *meta, const cache_span *spans, size_t nspans, const cache_stamp *input);

#endif
