/* cache.h: the column cache: a read dataset kept in a file that later runs map instead of parsing the input. */
#ifndef TALLY_CACHE_H
#define TALLY_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "dataset.h"
#include "host.h"

/*
 * A cache file holds one input's dataset as the runner had it after reading,
 * applying the codebook, setting the weight and compacting: every column's
 * cells, compact codes and levels, string arenas, and all metadata. It is used
 * only when its key equals the one computed now: the data file's size,
 * modification time and content hash (XXH3), the input plugin and its file,
 * the input options and the content of every other file they name, the codebook's path and content hash, the report
 * language and the weight, and this tally binary. The data file's content hash is
 * taken from the cache's stamp instead of the file when the file still has the device,
 * inode, size, modification and inode change times it had when it was hashed, on a file
 * system that keeps change times (cache_stamp.c says why that suffices). Anything else, and any file
 * that fails a check (header, version, lengths against the file size, the
 * checksums of header, metadata and cells, every code and string offset in
 * range), is a miss; a damaged or foreign file is named in a warning.
 *
 * Cells are not copied: the columns view a read-only mapping of the file
 * (tally_column.mapping) that lives as long as the last column viewing it.
 * Writes go to a temporary file renamed into place, so a reader sees a whole
 * cache or none.
 */

/* The default cache is written only for data files of at least this size; a smaller
 * file parses about as fast as it maps. An explicit folder caches every file. */
#define TALLY_CACHE_MIN_BYTES ((int64_t)1 << 20)

typedef struct tally_cache_req {
    const char *dir;            /* the cache folder (created when missing) */
    int any_size;               /* 1: cache whatever the size (a folder the user chose) */
    const char *input;          /* the data file */
    const char *plugin_name;    /* the input plugin */
    const char *plugin_version;
    const char *plugin_file;    /* its shared object */
    const tally_options *opts;  /* the input's options as validated */
    const tally_option_decl *decls; /* the plugin's option declarations: other files it reads (a
                                     * path option, such as a SAS catalogue) are hashed too; or NULL */
    const char *codebook;       /* the codebook applied, or NULL */
    const char *language;       /* the report language (codebook labels) */
    const char *weight;         /* the weight variable, or NULL */
} tally_cache_req;

typedef struct tally_cache tally_cache;

/* Keys the input (hashes the data file and codebook). NULL when the input is not
 * cached (too small for the default folder, or unreadable: the plugin will say). */
tally_cache *tally_cache_new(const tally_cache_req *q);
void tally_cache_free(tally_cache *c);
const char *tally_cache_file(const tally_cache *c);

/* The cached dataset named `name`, or NULL on a miss. `messages` receives the read's
 * messages as tally_log_capture kept them (owned by the cache, valid until it is
 * freed; *messages_len bytes). A damaged or foreign file is reported with a warning
 * by `who`; a stale key only at -v. */
tally_dataset *tally_cache_load(tally_cache *c, const char *name, const char *who, const char **messages,
                                size_t *messages_len);

/* Writes ds (a base dataset, no selection) with the read's messages; 0, or -1 with *err set. */
int tally_cache_store(tally_cache *c, const tally_dataset *ds, const char *messages, size_t messages_len, char **err);

/* Shows the messages of a cached read again, as `who`. */
void tally_cache_replay(const char *who, const char *messages, size_t len);

/* Reads a dataset: returns 0 with *out set, or an exit code after printing the error. */
typedef int (*tally_cache_read_fn)(void *arg, tally_dataset **out);

/* The dataset from cache c when it holds it (its messages shown again, and the read
 * fact "Served by" naming the cache), else from read(arg), then stored in c for the
 * next run (a failure to store is a warning). c may be NULL: read only. Returns read's
 * code, or 0. */
int tally_cache_through(tally_cache *c, const char *name, const char *who, tally_cache_read_fn read, void *arg,
                        tally_dataset **out);
/* 1 when the last tally_cache_through on c was served by the cache. */
int tally_cache_served(const tally_cache *c);
/* 1 when the last tally_cache_through on c was served by the cache without reading the
 * data file: its stamp showed the file unchanged since it was hashed. */
int tally_cache_stamped(const tally_cache *c);
/* 1 when the last tally_cache_through on c read the file and stored it in c. */
int tally_cache_stored(const tally_cache *c);

#endif
