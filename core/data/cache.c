/* cache.c: the column cache's files: keys from the input's identity, checked mapping, atomic writes (see cache.h). */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* libxxhash's XXH3 with the widest vectors this CPU has (declared in xxh_x86dispatch.h,
 * which makes it static under XXH_INLINE_ALL): the same hash as XXH3_64bits. */
extern XXH64_hash_t XXH3_64bits_dispatch(const void *input, size_t len);
extern XXH_errorcode XXH3_64bits_update_dispatch(XXH3_state_t *state, const void *input, size_t len);

#include "cache.h"
#include "cache_int.h"
#include "../plugins/common/map_huge.h"
#include "outputs.h"
#include "parallel.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef TALLY_VERSION
#define TALLY_VERSION "0.1.0"
#endif

struct tally_cache {
    char *file;      /* the cache file */
    char *dir;
    char *input;     /* the data file */
    char *key_head;  /* the key up to the data file's content hash ("input=PATH SIZE MTIME ") */
    char *key_tail;  /* the key after it */
    char *key;       /* everything the dataset depends on, as text; NULL until the data file is hashed */
    char *messages;  /* a loaded cache's messages (a copy: the mapping may go first) */
    cache_stamp stamp; /* the data file as it was hashed for `key` (a store writes it) */
    struct stat keyed; /* the data file's status when the key was begun, before any read of it */
    int stamped;     /* the last load took the content hash from the cache's stamp */
    int served;      /* the last read came from this cache */
    int stored;      /* the last read was stored in it */
};

/* A regular file opened for reading, its status in *st; -1 when unreadable or not a regular file. */
static int open_regular(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* XXH3 of a whole file (mapped, so it is hashed at memory speed); 0 and -1 when unreadable. */
static int hash_file(const char *path, uint64_t *hash, struct stat *st)
{
    int fd = open_regular(path, st);
    if (fd < 0) return -1;
    if (st->st_size == 0) {
        *hash = XXH3_64bits("", 0);
        close(fd);
        return 0;
    }
    void *p = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return -1;
    *hash = XXH3_64bits(p, (size_t)st->st_size);
    munmap(p, (size_t)st->st_size);
    return 0;
}

/* libxxhash picks its vector code on the first call for an input past 240 bytes and
 * keeps it in a global: that call is made here, on one thread, before the threads
 * that hash start (else both would write the global: a data race). */
static void hash_dispatch_ready(void)
{
    static const unsigned char past_short[256];
    (void)XXH3_64bits_dispatch(past_short, sizeof past_short);
}

uint64_t cache_hash_combine(const uint64_t *pieces, size_t n) { return XXH3_64bits(pieces, n * sizeof *pieces); }

/* The data file opened for hashing: its descriptor, length, status and file system type
 * (statfs; 0 when unknown); -1 when unreadable or not a regular file. */
static int open_input(const char *path, int *fd, size_t *len, struct stat *st, long *fs_type)
{
    *fd = open_regular(path, st);
    if (*fd < 0) return -1;
    *len = (size_t)st->st_size;
    struct statfs fs;
    *fs_type = fstatfs(*fd, &fs) == 0 ? (long)fs.f_type : 0;
    return 0;
}

/* The stamp of the data file open as fd, whose content hashed to `hash` while its status
 * was *before (cache_stamp_take). The time is read before the status: a write after it
 * gets a later change time. */
static cache_stamp stamp_after(int fd, const struct stat *before, long fs_type, uint64_t hash)
{
    struct timespec now;
    struct stat after;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0 || fstat(fd, &after) != 0) return (cache_stamp){0};
    return cache_stamp_take(before, &after, fs_type, &now, hash);
}

/* Maps the whole pages of [p, p + n) in one call (a piece's worth of page faults otherwise);
 * an old kernel refuses, and the pages come by faults. */
static void populate(const unsigned char *p, size_t n)
{
#ifdef MADV_POPULATE_READ
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)p / page * page;
    if (n) madvise((void *)a, (uintptr_t)p + n - a, MADV_POPULATE_READ);
#else
    (void)p, (void)n;
#endif
}

/* The data file is read for its hash in blocks of this size into a buffer a thread keeps,
 * which stays in the core's cache: copying the page cache into it and hashing it there took
 * 12.5 ms of one core for the 139 MB bench file, where mapping each piece (in 2 MB pages),
 * hashing it and unmapping it took 27 (interleaved, five rounds each). */
#define INPUT_READ_BLOCK ((size_t)256 << 10)

/* Piece k of the data file (XXH3 of its bytes, streamed: the same as of the piece at once),
 * read through buf (INPUT_READ_BLOCK bytes), so that the file never counts in the run's
 * memory beside the cache it is checked for. An unreadable piece, or one the file no
 * longer holds, hashes as something no file gives (a miss). */
static uint64_t hash_input_piece(int fd, size_t len, size_t k, unsigned char *buf)
{
    size_t at = k * CACHE_HASH_CHUNK, n = cache_piece_len(len, k);
    if (!len) return XXH3_64bits("", 0);
    XXH3_state_t state_mem, *state = &state_mem; /* on the stack: no allocation that could fail */
    XXH3_INITSTATE(state);
    XXH3_64bits_reset(state);
    for (size_t done = 0; done < n;) {
        size_t want = n - done < INPUT_READ_BLOCK ? n - done : INPUT_READ_BLOCK;
        ssize_t got = pread(fd, buf, want, (off_t)(at + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return ~(uint64_t)k;
        XXH3_64bits_update_dispatch(state, buf, (size_t)got);
        done += (size_t)got;
    }
    return XXH3_64bits_digest(state);
}

/* A run of cells a load checks: bytes [from, to) of the cells' region hold one column's
 * one-byte codes (below `limit`, its levels, or missing) or its text offsets (below
 * `limit`, its arena's length). */
typedef struct cell_run {
    uint64_t from, to, limit;
    int offsets;
    uint64_t reach; /* the largest `to` of this run and every run before it (sorted by from) */
} cell_run;

static int run_order(const void *a, const void *b)
{
    uint64_t x = ((const cell_run *)a)->from, y = ((const cell_run *)b)->from;
    return x < y ? -1 : x > y;
}

/* The runs of ds's cells in the region at data, sorted, in *n; *arenas_ok is 0 when a text
 * column's arena is empty or does not end a string. */
static cell_run *cell_runs(const tally_dataset *ds, const unsigned char *data, size_t *n, int *arenas_ok)
{
    cell_run *v = xcalloc(2 * (ds ? ds->ncols : 0) + 1, sizeof *v);
    *n = 0;
    *arenas_ok = 1;
    for (size_t k = 0; ds && k < ds->ncols; k++) {
        const tally_column *col = ds->cols[k];
        if (col->codes) {
            uint64_t at = (uint64_t)((const unsigned char *)col->codes - data);
            v[(*n)++] = (cell_run){at, at + col->len, col->nlevels, 0, 0};
        }
        if (col->str) {
            uint64_t at = (uint64_t)((const unsigned char *)col->str - data);
            v[(*n)++] = (cell_run){at, at + col->len * sizeof *col->str, col->arena_len, 1, 0};
        }
        *arenas_ok &= cache_arena_whole(col);
    }
    qsort(v, *n, sizeof *v, run_order);
    for (size_t i = 0; i < *n; i++) v[i].reach = i && v[i - 1].reach > v[i].to ? v[i - 1].reach : v[i].to;
    return v;
}

/* 1 when every cell of every run inside bytes [s, e) of the region is in range. Runs start
 * and end on whole cells, and s and e on multiples of 8 or the region's end, so each part
 * holds whole cells (text offsets are 8-byte aligned). */
static int runs_ok(const cell_run *v, size_t n, const unsigned char *data, uint64_t s, uint64_t e)
{
    size_t lo = 0, hi = n; /* the first run that reaches past s: runs before it end before s */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].reach > s) hi = mid;
        else lo = mid + 1;
    }
    int ok = 1;
    for (size_t i = lo; i < n && v[i].from < e && ok; i++) {
        if (v[i].to <= s) continue;
        uint64_t a = v[i].from > s ? v[i].from : s, b = v[i].to < e ? v[i].to : e;
        ok = v[i].offsets ? cache_offsets_below((const uint64_t *)(data + a), (size_t)(b - a) / sizeof(uint64_t), v[i].limit)
                          : cache_codes_within(data + a, (size_t)(b - a), (unsigned)v[i].limit);
    }
    return ok;
}

/* The cells' piece k is hashed and checked in blocks of this size: each block's codes and
 * offsets are checked while the hashing has just brought them into the CPU's cache, where a
 * separate pass read all of them from memory again (5 of the 21 ms of the cached 1M bench
 * report's load). */
#define CACHE_CHECK_BLOCK ((size_t)256 << 10)

/* The work of one load besides parsing: the data file's pieces and the cache's cell
 * pieces, each cell piece with the range check of the cells in it, as tasks for both
 * threads (parallel.h). */
typedef struct verify_job {
    int input_fd;                     /* the data file, or -1 */
    const unsigned char *data;
    size_t input_len, data_len, ninput, ndata;
    uint64_t *input_hash, *data_hash; /* per piece */
    const cell_run *runs;             /* the cells to check, or NULL */
    size_t nruns;
    unsigned char *bad;               /* per cell piece: a cell out of range */
    unsigned char **buf;              /* per worker: INPUT_READ_BLOCK bytes to read the data file through */
} verify_job;

/* Cell piece k: its hash (XXH3 of its bytes, streamed: the same as of the piece at once;
 * of no bytes for empty cells) and its range check. */
static uint64_t hash_checked_piece(verify_job *j, size_t k)
{
    size_t at = k * CACHE_HASH_CHUNK, end = at + cache_piece_len(j->data_len, k);
    populate(j->data + at, end - at);
    XXH3_state_t state_mem, *state = &state_mem; /* on the stack: no allocation that could fail */
    XXH3_INITSTATE(state);
    XXH3_64bits_reset(state);
    int ok = 1;
    for (size_t s = at; s < end; s += CACHE_CHECK_BLOCK) {
        size_t e = end - s < CACHE_CHECK_BLOCK ? end : s + CACHE_CHECK_BLOCK;
        XXH3_64bits_update_dispatch(state, j->data + s, e - s);
        if (j->runs && ok) ok = runs_ok(j->runs, j->nruns, j->data, s, e);
    }
    j->bad[k] = !ok;
    return XXH3_64bits_digest(state);
}

static void verify_task(void *arg, size_t t, size_t worker)
{
    (void)worker;
    verify_job *j = arg;
    if (t < j->ninput) j->input_hash[t] = hash_input_piece(j->input_fd, j->input_len, t, j->buf[worker]);
    else j->data_hash[t - j->ninput] = hash_checked_piece(j, t - j->ninput);
}

/* Runs j's tasks on both threads. */
static void verify_run(verify_job *j)
{
    j->ninput = j->input_fd >= 0 ? cache_hash_pieces(j->input_len) : 0;
    j->ndata = j->data ? cache_hash_pieces(j->data_len) : 0;
    j->input_hash = xcalloc(j->ninput + 1, sizeof *j->input_hash);
    j->data_hash = xcalloc(j->ndata + 1, sizeof *j->data_hash);
    j->bad = xcalloc(j->ndata + 1, 1);
    size_t threads = tally_par_task_threads();
    j->buf = xcalloc(threads, sizeof *j->buf);
    for (size_t w = 0; w < threads && j->ninput; w++) j->buf[w] = xmalloc(INPUT_READ_BLOCK);
    hash_dispatch_ready();
    tally_par_tasks(j->ninput + j->ndata, threads, verify_task, j);
    for (size_t w = 0; w < threads; w++) free(j->buf[w]);
    free(j->buf);
    j->buf = NULL;
}

static void verify_free(verify_job *j)
{
    free(j->input_hash);
    free(j->data_hash);
    free(j->bad);
}

/* The full key once the data file's content hash h is known. */
static void finish_key(tally_cache *c, uint64_t h)
{
    free(c->key);
    c->key = xasprintf("%s%016llx%s", c->key_head, (unsigned long long)h, c->key_tail);
}

/* Hashes the data file when no load did (a store right after a miss); 0 or -1. */
static int ensure_key(tally_cache *c)
{
    if (c->key) return 0;
    verify_job j = {0};
    struct stat st;
    long fs_type;
    if (open_input(c->input, &j.input_fd, &j.input_len, &st, &fs_type) != 0) return -1;
    verify_run(&j);
    uint64_t hash = cache_hash_combine(j.input_hash, j.ninput);
    finish_key(c, hash);
    c->stamp = stamp_after(j.input_fd, &st, fs_type, hash);
    close(j.input_fd);
    verify_free(&j);
    return 0;
}

/* "size mtime" of a file, or "none". */
static void put_identity(sbuf *b, const char *what, const char *path)
{
    struct stat st;
    if (path && stat(path, &st) == 0)
        sbuf_printf(b, "%s=%s %lld %lld.%09ld\n", what, path, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                    st.st_mtim.tv_nsec);
    else
        sbuf_printf(b, "%s=none\n", what);
}

/* The key text but the data file's content hash, which a load computes beside its
 * other checks: the part before it in *head, the rest in b, the data file's status in
 * *keyed. -1 when the input (or the codebook) cannot be read. */
/* The options that name files, NULL-terminated (caller frees the list): `path` and every
 * path option decls declares. They stand in the key as what they name (the data file by its
 * real path, the others by their content), not as written: a path relative to where the run
 * started changes with the folder the config is run from, which reads the same files. */
static const char **file_option_names(const tally_option_decl *decls)
{
    size_t n = 0;
    for (const tally_option_decl *d = decls; d && d->name; d++) n++;
    const char **names = xcalloc(n + 2, sizeof *names);
    n = 0;
    names[n++] = "path";
    for (const tally_option_decl *d = decls; d && d->name; d++)
        if (d->type == TALLY_OPT_PATH) names[n++] = d->name;
    return names;
}

static int make_key(const tally_cache_req *q, char **head, sbuf *b, struct stat *keyed)
{
    struct stat st; /* of the other files the key names */
    uint64_t h;
    if (stat(q->input, keyed) != 0 || !S_ISREG(keyed->st_mode) || access(q->input, R_OK) != 0) return -1;
    char *real = realpath(q->input, NULL);
    *head = xasprintf("input=%s %lld %lld.%09ld ", real ? real : q->input, (long long)keyed->st_size,
                      (long long)keyed->st_mtim.tv_sec, keyed->st_mtim.tv_nsec);
    free(real);
    sbuf_printf(b, "\nplugin=%s %s\n", q->plugin_name, q->plugin_version ? q->plugin_version : "");
    put_identity(b, "plugin_file", q->plugin_file);
    put_identity(b, "tally", "/proc/self/exe"); /* a rebuilt tally may read differently */
    const char **paths = file_option_names(q->decls);
    char *opts = tally_options_canonical_except(q->opts, paths);
    free(paths);
    sbuf_printf(b, "options=%zu:%s", strlen(opts), opts);
    free(opts);
    for (const tally_option_decl *d = q->decls; d && d->name; d++) { /* files the options name */
        const char *p = d->type == TALLY_OPT_PATH && strcmp(d->name, "path") != 0
                            ? tally_host_get()->opt_string(q->opts, d->name) : NULL;
        if (!p) continue;
        if (hash_file(p, &h, &st) != 0) return -1;
        sbuf_printf(b, "\nfile %s=%lld %016llx", d->name, (long long)st.st_size, (unsigned long long)h);
    }
    if (q->codebook) {
        if (hash_file(q->codebook, &h, &st) != 0) return -1;
        real = realpath(q->codebook, NULL);
        sbuf_printf(b, "\ncodebook=%s %lld %016llx\n", real ? real : q->codebook, (long long)st.st_size,
                    (unsigned long long)h);
        free(real);
    } else {
        sbuf_puts(b, "\ncodebook=none\n");
    }
    sbuf_printf(b, "language=%s\nweight=%s\n", q->language ? q->language : "", q->weight ? q->weight : "");
    return 0;
}

tally_cache *tally_cache_new(const tally_cache_req *q)
{
    sbuf key;
    sbuf_init(&key);
    struct stat keyed;
    char *head = NULL;
    if (make_key(q, &head, &key, &keyed) != 0 || (!q->any_size && keyed.st_size < TALLY_CACHE_MIN_BYTES)) {
        free(head);
        sbuf_free(&key);
        return NULL;
    }
    tally_cache *c = xcalloc(1, sizeof *c);
    c->keyed = keyed;
    c->key_head = head;
    c->key_tail = sbuf_take(&key);
    c->input = xstrdup(q->input);
    c->dir = xstrdup(q->dir);
    /* one file per data file and plugin: a changed key replaces it rather than adding one */
    char *real = realpath(q->input, NULL);
    const char *id = real ? real : q->input;
    sbuf who;
    sbuf_init(&who);
    sbuf_printf(&who, "%s\n%s", id, q->plugin_name);
    const char *base = strrchr(q->input, '/');
    c->file = xasprintf("%s/%s-%016llx.tcache", q->dir, base ? base + 1 : q->input,
                        (unsigned long long)XXH3_64bits(who.data, who.len));
    sbuf_free(&who);
    free(real);
    return c;
}

void tally_cache_free(tally_cache *c)
{
    if (!c) return;
    tally_free_all(c->file, c->dir, c->input, c->key_head, c->key_tail, c->key, c->messages, c);
}

const char *tally_cache_file(const tally_cache *c) { return c->file; }

/* The header's own checks; NULL when it may be trusted, else why not (in `buf`). */
static const char *check_header(const cache_header *h, size_t file_len, char *buf, size_t bufsize)
{
    if (memcmp(h->magic, CACHE_MAGIC, sizeof h->magic) != 0) return "it is not a tally cache file";
    if (h->format != CACHE_FORMAT || h->byte_order != CACHE_BYTE_ORDER || h->abi_major != TALLY_ABI_MAJOR ||
        h->abi_minor != TALLY_ABI_MINOR || strncmp(h->version, TALLY_VERSION, sizeof h->version) != 0) {
        snprintf(buf, bufsize, "another tally version wrote it (tally %.*s, plugin ABI %u.%u, cache format %u; "
                 "this is tally %s, ABI %d.%d, format %u)", (int)strnlen(h->version, sizeof h->version), h->version,
                 h->abi_major, h->abi_minor, h->format, TALLY_VERSION, TALLY_ABI_MAJOR, TALLY_ABI_MINOR, CACHE_FORMAT);
        return buf;
    }
    if (h->header_hash != XXH3_64bits(h, offsetof(cache_header, header_hash))) return "its header is damaged";
    if (h->file_len != file_len) return "it is truncated or has grown since it was written";
    if (h->meta_off < sizeof *h || h->meta_off > file_len || h->meta_len > file_len - h->meta_off ||
        h->data_off > file_len || h->data_len > file_len - h->data_off || h->data_off % CACHE_ALIGN != 0)
        return "its lengths do not fit the file";
    return NULL;
}

static void damaged(const char *who, const char *file, const char *why)
{
    tally_log(TALLY_LOG_WARN, who, "the cache file %s is not used: %s; the data file is read instead", file, why);
}

/* The mapped cache file's checks that need no data file: header, lengths, metadata
 * checksum and padding. NULL when they hold, else why not (in buf). */
static const char *check_mapping(const tally_mapping *m, char *buf, size_t bufsize)
{
    const cache_header *h = m->base;
    const char *why = check_header(h, m->len, buf, bufsize);
    if (why) return why;
    const char *meta = (const char *)m->base + h->meta_off;
    if (XXH3_64bits(meta, h->meta_len) != h->meta_hash) return "its metadata is damaged";
    for (uint64_t at = h->meta_off + h->meta_len; at < h->data_off; at++) /* the padding is zeros */
        if (((const char *)m->base)[at] != 0) return "its metadata is damaged";
    return NULL;
}

/* The cache file mapped, or NULL (none yet: silent; too short: a warning). */
static tally_mapping *map_cache(const tally_cache *c, const char *who)
{
    int fd = open(c->file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL; /* no cache yet */
    struct stat st;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(cache_header)) {
        close(fd);
        damaged(who, c->file, "it is truncated");
        return NULL;
    }
    void *base = tally_map_huge(fd, (size_t)st.st_size, 0);
    close(fd);
    if (base == MAP_FAILED) return NULL;
    return tally_mapping_new(base, (size_t)st.st_size);
}

/* Judges a parsed cache once j has run, the data file's content hash being input_hash: NULL
 * when ds may be used, else why not; *stale when the key differs (another version of the
 * data: not a damage). */
static const char *judge(tally_cache *c, const cache_header *h, const char *meta, verify_job *j, uint64_t input_hash,
                         int arenas_ok, const char *why, int *stale)
{
    size_t key_len = 0;
    const char *key = cache_get_key(meta, h->meta_len, &key_len);
    finish_key(c, input_hash);
    if (!key) return "its metadata is damaged";
    if (key_len != strlen(c->key) || memcmp(key, c->key, key_len) != 0) {
        *stale = 1;
        return "stale";
    }
    if (cache_hash_combine(j->data_hash, j->ndata) != h->data_hash) return "its cells are damaged";
    if (why) return why;
    int bad = !arenas_ok;
    for (size_t k = 0; k < j->ndata; k++) bad |= j->bad[k];
    return bad ? "a column's codes or text offsets are out of range" : NULL;
}

tally_dataset *tally_cache_load(tally_cache *c, const char *name, const char *who, const char **messages,
                                size_t *messages_len)
{
    tally_mapping *m = map_cache(c, who);
    if (!m) return NULL;
    char buf[256];
    const char *why = check_mapping(m, buf, sizeof buf);
    if (why) {
        damaged(who, c->file, why);
        tally_mapping_unref(m);
        return NULL;
    }
    const cache_header *h = m->base;
    const char *meta = (const char *)m->base + h->meta_off, *data = (const char *)m->base + h->data_off;
    /* parsed first, trusted only once the data file's hash gives the same key and the cells their checksum */
    verify_job j = {0};
    tally_dataset *ds = cache_get_dataset(meta, h->meta_len, data, h->data_len, m, name, messages, messages_len, &why);
    j.data = (const unsigned char *)data;
    j.data_len = h->data_len;
    int arenas_ok;
    cell_run *runs = cell_runs(ds, j.data, &j.nruns, &arenas_ok);
    j.runs = runs;
    struct stat st;
    long fs_type;
    if (open_input(c->input, &j.input_fd, &j.input_len, &st, &fs_type) != 0) {
        free(runs);
        tally_dataset_free(ds);
        tally_mapping_unref(m);
        return NULL; /* the plugin will say why it cannot read the data file */
    }
    c->stamped = cache_stamp_holds(&h->input, &st, fs_type);
    int fd = j.input_fd;
    if (c->stamped) j.input_fd = -1; /* unchanged since it was hashed: the cells alone are checked */
    verify_run(&j);
    free(runs);
    uint64_t input_hash = c->stamped ? h->input.hash : cache_hash_combine(j.input_hash, j.ninput);
    c->stamp = c->stamped ? h->input : stamp_after(fd, &st, fs_type, input_hash);
    int stale = 0;
    why = judge(c, h, meta, &j, input_hash, arenas_ok, why, &stale);
    if (stale)
        tally_log(TALLY_LOG_INFO, who, "the cache file %s is of another version of the data, its options or codebook; "
                  "reading the data file", c->file);
    else if (why)
        damaged(who, c->file, why);
    if (why) {
        tally_dataset_free(ds);
        ds = NULL;
    } else { /* the messages outlive nothing of the mapping */
        free(c->messages);
        c->messages = xmalloc(*messages_len + 1);
        memcpy(c->messages, *messages, *messages_len);
        *messages = c->messages;
    }
    close(fd);
    verify_free(&j);
    tally_mapping_unref(m); /* the columns hold their own references */
    return ds;
}

/* 1 when the data file still has the status it had when the key was begun: else the
 * dataset may be of other bytes than those the key was hashed from. */
static int unchanged_since_keyed(const tally_cache *c)
{
    struct stat st;
    return stat(c->input, &st) == 0 && cache_same_status(&st, &c->keyed);
}

int tally_cache_store(tally_cache *c, const tally_dataset *ds, const char *messages, size_t messages_len, char **err)
{
    if (ensure_key(c) != 0) {
        *err = xasprintf("cannot read %s to key the cache: %s", c->input, strerror(errno));
        return -1;
    }
    if (!unchanged_since_keyed(c)) {
        *err = xasprintf("the data file %s changed while tally read it (its size, times or inode); no cache is "
                         "stored", c->input);
        return -1;
    }
    if (tally_mkdir_p(c->dir) != 0) {
        *err = xasprintf("cannot make the cache folder %s: %s", c->dir, strerror(errno));
        return -1;
    }
    sbuf meta;
    sbuf_init(&meta);
    cache_span *spans = NULL;
    size_t nspans = 0;
    cache_put_dataset(&meta, c->key, ds, messages, messages_len, &spans, &nspans);
    tally_remove_stale_temps(c->dir); /* of runs killed while they wrote (they are as large as a cache) */
    const char *base = strrchr(c->file, '/');
    /* renamed when whole: no run reads half a cache; the name is the one output temporaries have */
    char *tmp = xasprintf("%s/.%s.tmp-%ld-XXXXXX", c->dir, base ? base + 1 : c->file, (long)getpid());
    int fd = mkstemp(tmp);
    if (fd >= 0) { /* mkstemp makes it private; a cache is as readable as any file the user makes */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    int rc = fd < 0 ? -1 : cache_write_file(fd, &meta, spans, nspans, &c->stamp);
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && rc == 0) rc = -1, saved = errno;
    if (rc == 0 && rename(tmp, c->file) != 0) rc = -1, saved = errno;
    if (rc != 0) {
        if (fd >= 0) unlink(tmp);
        *err = xasprintf("cannot write the cache file %s: %s", c->file, strerror(saved));
    }
    free(tmp);
    free(spans);
    sbuf_free(&meta);
    return rc;
}

void tally_cache_replay(const char *who, const char *messages, size_t len)
{
    for (size_t at = 0; at < len;) {
        const char *m = messages + at;
        size_t n = strnlen(m, len - at);
        if (n >= 1 && m[0] >= '0' && m[0] <= '2') tally_log((tally_log_level)(m[0] - '0'), who, "%.*s", (int)n - 1, m + 1);
        at += n + 1;
    }
}

/* Stores ds again, served by hashing a data file that can be stamped now: a cache stored
 * right after the file was written has no stamp (its change time was too young), and
 * without this every later run would hash the file. Done once; a failure costs only that. */
static void restamp(tally_cache *c, const tally_dataset *ds, const char *messages, size_t len, const char *who)
{
    char *err = NULL;
    if (tally_cache_store(c, ds, messages, len, &err) != 0) {
        tally_log(TALLY_LOG_INFO, who, "%s; the next run hashes the data file again", err);
        free(err);
        return;
    }
    tally_log(TALLY_LOG_INFO, who, "the cache file %s written again with the data file's stamp: later runs need not "
              "hash the data file while it keeps its inode, size and times", c->file);
}

int tally_cache_through(tally_cache *c, const char *name, const char *who, tally_cache_read_fn read, void *arg,
                        tally_dataset **out)
{
    if (!c) return read(arg, out);
    const char *msgs = NULL;
    size_t nmsgs = 0;
    c->served = c->stored = 0;
    *out = tally_cache_load(c, name, who, &msgs, &nmsgs);
    if (*out) {
        c->served = 1;
        tally_cache_replay(who, msgs, nmsgs); /* the read's warnings, as parsing gave them */
        if (!c->stamped && c->stamp.taken) restamp(c, *out, msgs, nmsgs, who);
        char *shown = tally_path_shown(c->file);
        char *fact = xasprintf("the cache %s (the data file is unchanged: %s)", shown,
                               c->stamped ? "the inode, size and times it had when it was hashed" : "the same content hash");
        tally_dataset_set_info(*out, "Served by", fact);
        free(fact);
        free(shown);
        return 0;
    }
    sbuf captured;
    sbuf_init(&captured);
    tally_log_capture(&captured);
    int code = read(arg, out);
    tally_log_capture(NULL);
    char *err = NULL;
    if (code == 0 && tally_cache_store(c, *out, captured.data, captured.len, &err) != 0) {
        tally_log(TALLY_LOG_WARN, who, "%s; the next run reads the data file again", err);
        free(err);
    } else if (code == 0) {
        c->stored = 1;
    }
    sbuf_free(&captured);
    return code;
}

int tally_cache_served(const tally_cache *c) { return c && c->served; }
int tally_cache_stamped(const tally_cache *c) { return c && c->served && c->stamped; }
int tally_cache_stored(const tally_cache *c) { return c && c->stored; }
