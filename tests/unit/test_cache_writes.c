/* test_cache_writes.c: storing the column cache of a wide dataset takes a handful of write calls, not one or two a column. */
#include "cache.h"
#include "check.h"
#include "dataset.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Linked with -Wl,--wrap=write (Makefile): every write() of the core's objects comes here first. */
ssize_t __real_write(int fd, const void *buf, size_t n);
static size_t writes;
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    if (fd > 2) writes++; /* the cache's file, not the test's own output */
    return __real_write(fd, buf, n);
}

static char dir[] = "/tmp/tally-cache-writes.XXXXXX";
#define NCOLS 20000

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    tally_log_set_level(0);
    char *data = xasprintf("%s/wide.csv", dir);
    FILE *f = fopen(data, "w");
    if (f) {
        fputs("q\n1\n", f);
        fclose(f);
    }
    tally_options *o = tally_options_new("test");
    tally_options_set_string(o, "path", data);
    tally_cache_req req = {dir, 1, data, "csv", "1.0", NULL, o, NULL, NULL, "en", NULL};
    tally_cache *c = tally_cache_new(&req);

    /* 20,000 questions of three rows: each column's codes, levels and labels are small spans of the file */
    tally_dataset *ds = tally_dataset_new("wide");
    tally_dataset_resize(ds, 3);
    for (size_t k = 0; k < NCOLS; k++) {
        char name[32];
        snprintf(name, sizeof name, "q%zu", k);
        int col = tally_dataset_add_column(ds, name, TALLY_NUMERIC);
        for (size_t r = 0; r < 3; r++) ds->cols[col]->num[r] = (double)((k + r) % 5 + 1);
    }
    tally_dataset_compact(ds, 1);
    char *err = NULL;
    writes = 0;
    int rc = c ? tally_cache_store(c, ds, "", 0, &err) : -1;
    CHECK(rc == 0, "the cache of 20,000 columns is stored (%s)", err ? err : "no error");
    /* the file is a few MB: written through a buffer, it takes a write a MB or so; before, it took
     * two writes a span (the padding before it, then its bytes): over 40,000 */
    CHECK(writes > 0 && writes <= 64, "the cache is written in at most 64 write calls (%zu)", writes);

    const char *msgs;
    size_t nmsgs;
    tally_dataset *back = rc == 0 ? tally_cache_load(c, "back", "test", &msgs, &nmsgs) : NULL;
    int same = back && back->ncols == NCOLS;
    for (size_t k = 0; same && k < NCOLS; k += 997) {
        const tally_column *a = ds->cols[k], *b = back->cols[k];
        same = a->codes && b->codes && a->nlevels == b->nlevels;
        for (size_t r = 0; same && r < 3; r++) same = b->codes[r] == a->codes[r] && b->levels[b->codes[r]] == a->levels[a->codes[r]];
    }
    CHECK(same, "and it reads back: every 997th column's codes and values as stored");

    if (back) tally_dataset_free(back);
    tally_dataset_free(ds);
    tally_cache_free(c);
    tally_options_free(o);
    free(err);
    char *rm = xasprintf("rm -rf %s", dir);
    if (system(rm) != 0) fprintf(stderr, "# could not remove %s\n", dir);
    free(rm);
    free(data);
    CHECK_DONE();
}
