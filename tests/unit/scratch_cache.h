/* scratch_cache.h: a column cache in a scratch folder, keyed by a small data file there, for the unit tests that store and load caches. */
#ifndef TALLY_TEST_SCRATCH_CACHE_H
#define TALLY_TEST_SCRATCH_CACHE_H

#include "cache.h"
#include "file_bytes.h"
#include "util.h"

/* The cache of DIR/d.csv (written: a header and one row) read by the csv plugin with only
 * its path set, of any size, in DIR. *data (the file's path) and *o (its options) are the
 * caller's to free; NULL when the cache cannot be keyed. */
static inline tally_cache *scratch_cache(const char *dir, char **data, tally_options **o)
{
    *data = xasprintf("%s/d.csv", dir);
    file_bytes_write(*data, "q0\n1\n", 5);
    *o = tally_options_new("test");
    tally_options_set_string(*o, "path", *data);
    tally_cache_req q = {dir, 1, *data, "csv", "1.0", NULL, *o, NULL, NULL, "en", NULL};
    return tally_cache_new(&q);
}

#endif
