/* zip_member.c: zip members inflated in a stream with zip-bomb bounds, and the single data file of a .zip (csv, readstat, excel). */
#include "zip_member.h"
#include "grow_buf.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <minizip/unzip.h>

#define ZIPM_STEP (1u << 16)
/* A member past this size is inflated on a second thread while the caller's sink parses the
 * previous steps (inflating is about a seventh of reading a sheet). */
#define ZIPM_PIPE_MIN ((uint64_t)8 << 20)
#define ZIPM_PIPE_SLOTS 8

/* One step out of the open member into buf: *got bytes (0 at its end); ZIPM_OK, DAMAGED or BOMB. */
static zipm_status inflate_step(unzFile uf, char *buf, uint64_t *total, uint64_t packed, int *got, int *zip_error)
{
    *got = unzReadCurrentFile(uf, buf, ZIPM_STEP);
    if (*got < 0) {
        *zip_error = *got;
        return ZIPM_DAMAGED;
    }
    *total += (uint64_t)*got;
    if (zipm_over_bounds(*total, packed, 0)) return ZIPM_BOMB;
    return ZIPM_OK;
}

static zipm_status serial_loop(unzFile uf, uint64_t packed, zipm_sink sink, void *user, int *zip_error)
{
    char *buf = malloc(ZIPM_STEP);
    if (!buf) return ZIPM_NOMEM;
    uint64_t total = 0;
    zipm_status st;
    for (;;) {
        int got;
        if ((st = inflate_step(uf, buf, &total, packed, &got, zip_error)) != ZIPM_OK) break;
        if (sink(user, buf, (size_t)got, got == 0) != 0) {
            st = ZIPM_SINK;
            break;
        }
        if (got == 0) break;
    }
    free(buf);
    return st;
}

/* The inflating thread and the sink share a ring of steps: a slot is full once inflated,
 * emptied once sunk. The slot that ends the stream (its end, or a failure) carries `done`. */
typedef struct zipm_pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unzFile uf;
    uint64_t packed;
    char *buf[ZIPM_PIPE_SLOTS];
    int len[ZIPM_PIPE_SLOTS], full[ZIPM_PIPE_SLOTS], done[ZIPM_PIPE_SLOTS];
    zipm_status st[ZIPM_PIPE_SLOTS];
    int stop, zip_error;
} zipm_pipe;

static void *inflater(void *arg)
{
    zipm_pipe *p = arg;
    uint64_t total = 0;
    for (size_t i = 0;; i = (i + 1) % ZIPM_PIPE_SLOTS) {
        pthread_mutex_lock(&p->mu);
        while (p->full[i] && !p->stop) pthread_cond_wait(&p->cv, &p->mu);
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop) break;
        int got, zerr = 0;
        zipm_status st = inflate_step(p->uf, p->buf[i], &total, p->packed, &got, &zerr);
        pthread_mutex_lock(&p->mu);
        p->len[i] = got > 0 ? got : 0;
        p->st[i] = st;
        int done = p->done[i] = st != ZIPM_OK || got == 0;
        if (zerr) p->zip_error = zerr;
        p->full[i] = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (done) break;
    }
    return NULL;
}

static zipm_status piped_loop(unzFile uf, uint64_t packed, zipm_sink sink, void *user, int *zip_error)
{
    zipm_pipe p = {.uf = uf, .packed = packed};
    char *mem = malloc((size_t)ZIPM_PIPE_SLOTS * ZIPM_STEP);
    pthread_t t;
    if (!mem) return ZIPM_NOMEM;
    for (size_t i = 0; i < ZIPM_PIPE_SLOTS; i++) p.buf[i] = mem + i * ZIPM_STEP;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    zipm_status st = ZIPM_OK;
    if (pthread_create(&t, NULL, inflater, &p) != 0) {
        st = serial_loop(uf, packed, sink, user, zip_error);
    } else {
        for (size_t i = 0;; i = (i + 1) % ZIPM_PIPE_SLOTS) {
            pthread_mutex_lock(&p.mu);
            while (!p.full[i]) pthread_cond_wait(&p.cv, &p.mu);
            int done = p.done[i];
            st = p.st[i];
            pthread_mutex_unlock(&p.mu);
            if (st == ZIPM_OK && sink(user, p.buf[i], (size_t)p.len[i], done) != 0) st = ZIPM_SINK;
            pthread_mutex_lock(&p.mu);
            p.full[i] = 0;
            if (st != ZIPM_OK) p.stop = 1;
            pthread_cond_broadcast(&p.cv);
            pthread_mutex_unlock(&p.mu);
            if (done || st != ZIPM_OK) break;
        }
        pthread_join(t, NULL);
        *zip_error = p.zip_error;
    }
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    free(mem);
    return st;
}

zipm_status zipm_stream(void *uf, const char *name, zipm_sink sink, void *user, int *zip_error)
{
    *zip_error = 0;
    while (*name == '/') name++;
    if (unzLocateFile(uf, name, 2 /* case-insensitive */) != UNZ_OK) return ZIPM_MISSING;
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK || unzOpenCurrentFile(uf) != UNZ_OK)
        return ZIPM_OPEN;
    uint64_t packed = info.compressed_size ? info.compressed_size : 1;
    zipm_status st = info.uncompressed_size >= ZIPM_PIPE_MIN ? piped_loop(uf, packed, sink, user, zip_error)
                                                            : serial_loop(uf, packed, sink, user, zip_error);
    if (unzCloseCurrentFile(uf) == UNZ_CRCERROR && st == ZIPM_OK) st = ZIPM_CRC;
    return st;
}

/* The first n bytes of the file at `path` into head; how many it has (0 when it cannot be read). */
static size_t file_head(const char *path, unsigned char *head, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(head, 1, n, f);
    fclose(f);
    return got;
}

int zipm_is_zip(const char *path)
{
    unsigned char m[4];
    return zipm_bytes_are_zip(m, file_head(path, m, sizeof m));
}

int zipm_is_gzip(const char *path)
{
    unsigned char m[2];
    return zipm_bytes_are_gzip(m, file_head(path, m, sizeof m));
}

void zipm_bounds_text(char *buf, size_t n, const char *kind, uint64_t inflated, uint64_t ceiling)
{
    if (ceiling && inflated > ceiling && ceiling < ZIPM_MAX_SIZE)
        snprintf(buf, n, "inflates to more than %llu MiB (half this machine's memory)",
                 (unsigned long long)(ceiling >> 20));
    else if (inflated > ZIPM_MAX_SIZE)
        snprintf(buf, n, "inflates to more than %llu GiB (a %s bomb?)", (unsigned long long)(ZIPM_MAX_SIZE >> 30),
                 kind);
    else
        snprintf(buf, n, "inflates to more than %u times its compressed size (a %s bomb?)", ZIPM_MAX_RATIO, kind);
}

uint64_t zipm_memory_ceiling(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    return pages > 0 && psize > 0 ? (uint64_t)pages / 2 * (uint64_t)psize : (uint64_t)1 << 32;
}

/* Opens the archive and finds its one data member; the open archive, or NULL with err set. */
static unzFile open_single(const char *path, char *member, size_t msize, char err[ZIPM_ERR])
{
    unzFile uf = unzOpen64(path);
    if (!uf) {
        snprintf(err, ZIPM_ERR, "%s", zipm_is_zip(path)
                 ? "not a complete zip archive (truncated or damaged: no central directory); copy or download it again"
                 : "not a zip archive (it does not start with a zip header); name it after what it holds");
        return NULL;
    }
    char all[256] = "", name[1024];
    size_t ndata = 0, nall = 0, o = 0;
    int office = 0;
    for (int rc = unzGoToFirstFile(uf); rc == UNZ_OK; rc = unzGoToNextFile(uf)) {
        unz_file_info64 info;
        if (unzGetCurrentFileInfo64(uf, &info, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK) break;
        if (strcasecmp(name, "[Content_Types].xml") == 0) office = 1;
        if (o + 8 < sizeof all)
            o += (size_t)snprintf(all + o, sizeof all - o, "%s'%s'", nall ? ", " : "", name);
        nall++;
        if (zipm_is_data_name(name) && ndata++ == 0) snprintf(member, msize, "%s", name);
    }
    if (o + 8 >= sizeof all) snprintf(all + sizeof all - 6, 6, ", ...");
    if (office)
        snprintf(err, ZIPM_ERR, "this zip archive is an Office file (an .xlsx workbook?): for a workbook use "
                                "plugin = \"excel\" or name it .xlsx");
    else if (ndata == 0)
        snprintf(err, ZIPM_ERR, "the zip archive holds no data file (%s%s); put the CSV or SPSS file in it, or point "
                                "'path' at the file itself", nall ? "only " : "it is empty", all);
    else if (ndata > 1)
        snprintf(err, ZIPM_ERR, "the zip archive holds %zu files (%s); tally reads a .zip holding one data file: "
                                "unzip it and point 'path' at the file to read", ndata, all);
    if (office || ndata != 1) {
        unzClose(uf);
        return NULL;
    }
    return uf;
}

int zipm_single_member(const char *path, char *member, size_t msize, char err[ZIPM_ERR])
{
    err[0] = 0;
    unzFile uf = open_single(path, member, msize, err);
    if (!uf) return -1;
    unzClose(uf);
    return 0;
}

/* The message of a zipm_stream status, naming the member. */
static void stream_error(zipm_status st, int zip_error, const char *member, char err[ZIPM_ERR])
{
    switch (st) {
    case ZIPM_OK: break;
    case ZIPM_BOMB:
        snprintf(err, ZIPM_ERR, "'%s' in the zip archive inflates to more than %u times its compressed size (a zip "
                                "bomb?); tally refuses it: unzip it yourself and check it", member, ZIPM_MAX_RATIO);
        break;
    case ZIPM_CRC:
        snprintf(err, ZIPM_ERR, "'%s' in the zip archive fails its checksum (damaged); copy or download it again",
                 member);
        break;
    case ZIPM_NOMEM: snprintf(err, ZIPM_ERR, "out of memory inflating '%s'", member); break;
    case ZIPM_SINK:
        if (!err[0]) snprintf(err, ZIPM_ERR, "cannot keep the inflated '%s': %s", member, strerror(errno));
        break;
    default:
        snprintf(err, ZIPM_ERR, "'%s' in the zip archive is damaged or truncated (zip error %d); copy or download "
                                "it again", member, zip_error);
    }
}

/* The inflated bytes appended to a grow_buf (the user). */
static int to_memory(void *user, const char *p, size_t n, int last)
{
    (void)last;
    return grow_buf_add(user, p, n, ZIPM_STEP);
}

int zipm_inflate_single(const char *path, char **out, size_t *len, char *member, size_t msize, char err[ZIPM_ERR])
{
    *out = NULL;
    err[0] = 0;
    unzFile uf = open_single(path, member, msize, err);
    if (!uf) return -1;
    grow_buf m = {0};
    int zerr;
    zipm_status st = zipm_stream(uf, member, to_memory, &m, &zerr);
    unzClose(uf);
    if (st != ZIPM_OK) {
        stream_error(st, zerr, member, err);
        free(m.data);
        return -1;
    }
    if (!m.data && !(m.data = calloc(1, 1))) {
        stream_error(ZIPM_NOMEM, 0, member, err);
        return -1;
    }
    *out = m.data;
    *len = m.len;
    return 0;
}

typedef struct fd_sink {
    int fd;
    uint64_t len;
} fd_sink;

static int to_fd(void *user, const char *p, size_t n, int last)
{
    fd_sink *f = user;
    (void)last;
    for (size_t done = 0; done < n;) {
        ssize_t w = write(f->fd, p + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        done += (size_t)w;
    }
    f->len += n;
    return 0;
}

int zipm_extract_single(const char *path, int fd, uint64_t *len, char *member, size_t msize, char err[ZIPM_ERR])
{
    err[0] = 0;
    unzFile uf = open_single(path, member, msize, err);
    if (!uf) return -1;
    fd_sink f = {fd, 0};
    int zerr;
    zipm_status st = zipm_stream(uf, member, to_fd, &f, &zerr);
    unzClose(uf);
    *len = f.len;
    stream_error(st, zerr, member, err);
    return st == ZIPM_OK ? 0 : -1;
}
