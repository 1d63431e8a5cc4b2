/* test_cache.c: the column cache keeps every part of a dataset, maps it read-only, copies before a change,
 * and rejects every truncation and every flipped byte of its file. */
#include "cache.h"
#include "check.h"
#include "file_bytes.h"
#include "category_order.h"
#include "dataset.h"
#include "host.h"
#include "util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/tally-cache-test.XXXXXX";

/* A dataset with a compact, a wide and a string column, labels, missing values, a set, a weight, read facts. */
static tally_dataset *make_dataset(void)
{
    tally_dataset *ds = tally_dataset_new("d");
    tally_dataset_resize(ds, 300);
    int a = tally_dataset_add_column(ds, "q1", TALLY_NUMERIC);
    int b = tally_dataset_add_column(ds, "income", TALLY_NUMERIC);
    int s = tally_dataset_add_column(ds, "city", TALLY_STRING);
    int w = tally_dataset_add_column(ds, "w", TALLY_NUMERIC);
    int m1 = tally_dataset_add_column(ds, "m1", TALLY_NUMERIC), m2 = tally_dataset_add_column(ds, "m2", TALLY_NUMERIC);
    for (size_t r = 0; r < 300; r++) {
        ds->cols[a]->num[r] = r % 7 == 0 ? NAN : (double)(r % 5 + 1);
        ds->cols[b]->num[r] = 1000.5 + (double)r * 3.25; /* 300 distinct: stays wide */
        ds->cols[w]->num[r] = 0.5 + (double)(r % 3);
        ds->cols[m1]->num[r] = r % 2;
        ds->cols[m2]->num[r] = r % 3 == 0;
        char buf[32];
        int n = snprintf(buf, sizeof buf, r % 4 ? "Stadt %zu" : "", r % 11);
        tally_dataset_set_string(ds, s, r, buf, (size_t)n);
    }
    tally_column *q = ds->cols[a];
    tally_column_set_label(q, "How satisfied are you?");
    tally_column_add_value_label(q, 1, "not at all");
    tally_column_add_value_label(q, 5, "very");
    tally_column_add_missing(q, 9);
    q->measure = TALLY_ORDINAL;
    q->format = xstrdup("F1.0");
    q->width = 1;
    ds->cols[s]->blank_valid = 1;
    tally_column_add_string_value_label(ds->cols[s], "Stadt 1", "the first city");
    ds->cols[s]->smissing = xcalloc(1, sizeof(char *));
    ds->cols[s]->smissing[0] = xstrdup("n/a");
    ds->cols[s]->nsmissing = 1;
    ds->cols[b]->has_range = 1;
    ds->cols[b]->range_lo = -99;
    ds->cols[b]->range_hi = -1;
    ds->cols[b]->is_date = 1;
    const char *city_order[] = {"Stadt 3", "Stadt 1"};
    tally_cat_order_set(ds->cols[s], city_order, NULL, 2);
    tally_cat_order_add_last(ds->cols[s], "Stadt 10");
    const double q_order[] = {5, 1};
    tally_cat_order_set(q, NULL, q_order, 2);
    int set[2] = {m1, m2};
    tally_dataset_add_mrset(ds, "media", "Media used", TALLY_MRSET_DICHOTOMY, 1, set, 2);
    tally_dataset_set_source(ds, "d.csv (csv)");
    ds->file_label = xstrdup("A file label");
    tally_dataset_set_info(ds, "Encoding", "utf-8 (detected)");
    tally_dataset_set_weight(ds, w);
    tally_dataset_compact(ds, 1);
    return ds;
}

/* A plugin's declarations with a second file option, like readstat's SAS catalogue. */
static const tally_option_decl decls[] = {
    {.name = "path", .type = TALLY_OPT_PATH},
    {.name = "catalog", .type = TALLY_OPT_PATH},
    {0},
};

static tally_cache *open_cache(const char *data, tally_options *o)
{
    tally_cache_req q = {dir, 1, data, "csv", "1.0", NULL, o, decls, NULL, "en", "w"};
    return tally_cache_new(&q);
}

/* The codebook's `order` and `last_answers` of a column. */
static int same_order(const tally_cat_order *x, const tally_cat_order *y)
{
    if (!x || !y) return x == y;
    if (x->n != y->n || x->nlast != y->nlast || (x->texts == NULL) != (y->texts == NULL)) return 0;
    for (size_t k = 0; k < x->n; k++)
        if (x->texts ? strcmp(x->texts[k], y->texts[k]) != 0 : x->codes[k] != y->codes[k]) return 0;
    for (size_t k = 0; k < x->nlast; k++)
        if (strcmp(x->last[k], y->last[k]) != 0) return 0;
    return 1;
}

static int same_column(const tally_column *x, const tally_column *y)
{
    if (strcmp(x->name, y->name) != 0 || x->type != y->type || x->len != y->len || x->measure != y->measure) return 0;
    if ((x->label == NULL) != (y->label == NULL) || (x->label && strcmp(x->label, y->label) != 0)) return 0;
    if ((x->format == NULL) != (y->format == NULL) || (x->format && strcmp(x->format, y->format) != 0)) return 0;
    if (x->width != y->width || x->is_date != y->is_date || x->blank_valid != y->blank_valid) return 0;
    if ((x->codes == NULL) != (y->codes == NULL) || x->nlabels != y->nlabels || x->nmissing != y->nmissing) return 0;
    if (x->nsmissing != y->nsmissing || x->has_range != y->has_range || x->range_lo != y->range_lo) return 0;
    for (size_t r = 0; r < x->len; r++) {
        if (x->type == TALLY_STRING && strcmp(tally_column_string(x, r), tally_column_string(y, r)) != 0) return 0;
        if (x->type != TALLY_NUMERIC) continue;
        double a = tally_col_num(x, r), b = tally_col_num(y, r);
        if (!(a == b || (a != a && b != b))) return 0;
    }
    for (size_t k = 0; k < x->nlabels; k++)
        if (memcmp(&x->labels[k].code, &y->labels[k].code, sizeof(double)) != 0 ||
            strcmp(x->labels[k].label, y->labels[k].label) != 0 ||
            strcmp(x->labels[k].scode ? x->labels[k].scode : "-", y->labels[k].scode ? y->labels[k].scode : "-") != 0)
            return 0;
    for (size_t k = 0; k < x->nsmissing; k++)
        if (strcmp(x->smissing[k], y->smissing[k]) != 0) return 0;
    return same_order(x->order, y->order);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    tally_log_set_level(0); /* the damaged-file warnings of the loops below */
    char *data = xasprintf("%s/d.csv", dir);
    file_bytes_write(data, "q1\n1\n", 5);
    tally_options *o = tally_options_new("test");
    tally_options_set_string(o, "path", data);
    tally_dataset *ds = make_dataset();
    tally_cache *c = open_cache(data, o);
    CHECK(c != NULL, "a cache for the data file");
    char *err = NULL;
    CHECK(tally_cache_store(c, ds, "1a warning\0", 11, &err) == 0, "stored: %s", err ? err : "");
    const char *msgs = NULL;
    size_t nmsgs = 0;
    tally_dataset *back = tally_cache_load(c, "back", "test", &msgs, &nmsgs);
    CHECK(back != NULL, "loaded back");
    if (!back) CHECK_DONE();
    CHECK(nmsgs == 11 && memcmp(msgs, "1a warning", 11) == 0, "the read's messages kept");
    CHECK_STR(back->name, "back", "the dataset takes the name asked for");
    CHECK_STR(back->source, "d.csv (csv)", "source");
    CHECK_STR(back->file_label, "A file label", "file label");
    CHECK_STR(tally_dataset_info(back, "Encoding"), "utf-8 (detected)", "read facts");
    CHECK(back->ncols == ds->ncols && back->nrows == 300 && back->phys_len == 300, "shape");
    int all = 1;
    for (size_t i = 0; i < ds->ncols && i < back->ncols; i++)
        if (!same_column(ds->cols[i], back->cols[i])) {
            printf("#   column %s differs\n", ds->cols[i]->name);
            all = 0;
        }
    CHECK(all, "every column: cells, storage, labels, missing values, formats, measures, date kinds, category order");
    CHECK(back->weight == ds->weight && back->weight >= 0, "the weight");
    CHECK(back->nmrsets == 1 && strcmp(back->mrsets[0].name, "media") == 0 && back->mrsets[0].ncols == 2 &&
              back->mrsets[0].kind == TALLY_MRSET_DICHOTOMY && back->mrsets[0].counted == 1,
          "the multiple-response set");
    tally_column *q1 = back->cols[0], *city = back->cols[2];
    CHECK(q1->codes && q1->mapping, "a compact column views the mapping");
    CHECK(city->arena && city->mapping, "a string column views the mapping");
    CHECK(tally_column_set_string(city, 3, "Neustadt", 8) == 0, "a mapped string column takes a new value");
    CHECK(city->mapping == NULL, "  after copying its cells to the heap");
    CHECK_STR(tally_column_string(city, 3), "Neustadt", "  the new value");
    CHECK_STR(tally_column_string(city, 5), "Stadt 5", "  the others kept");
    CHECK(tally_column_numbers(q1) && q1->mapping == NULL && q1->num[1] == 2, "a compact mapped column widens");
    tally_dataset *view = tally_dataset_copy(back, "copy");
    tally_dataset_free(back); /* columns shared with the copy keep the mapping alive */
    CHECK(tally_col_num(view->cols[1], 10) == 1000.5 + 10 * 3.25, "a copy outlives the dataset it came from");
    tally_dataset_free(view);

    /* every truncation and every flipped byte of the file: no dataset (and no crash) */
    size_t n = 0;
    char *file = file_bytes_read(tally_cache_file(c), &n);
    CHECK(n > 1000, "the cache file has %zu bytes", n);
    int trusted = 0;
    for (size_t len = 0; len < n; len += len < 2048 ? 1 : 37) {
        file_bytes_write(tally_cache_file(c), file, len);
        tally_dataset *t = tally_cache_load(c, "t", "test", &msgs, &nmsgs);
        if (t) trusted++;
        tally_dataset_free(t);
    }
    CHECK(trusted == 0, "no truncation of the file is read (%d were)", trusted);
    trusted = 0;
    for (size_t at = 0; at < n; at += at < 2048 ? 1 : 29) {
        file[at] ^= 0x10;
        file_bytes_write(tally_cache_file(c), file, n);
        file[at] ^= 0x10;
        tally_dataset *t = tally_cache_load(c, "t", "test", &msgs, &nmsgs);
        if (t) trusted++;
        tally_dataset_free(t);
    }
    CHECK(trusted == 0, "no flipped byte goes unnoticed (%d did)", trusted);
    file_bytes_write(tally_cache_file(c), file, n);
    tally_dataset *t = tally_cache_load(c, "t", "test", &msgs, &nmsgs);
    CHECK(t != NULL, "the file restored is read again");
    tally_dataset_free(t);

    /* the key: the options and the data file's bytes */
    tally_options_set_string(o, "delimiter", ";");
    tally_cache *c2 = open_cache(data, o);
    t = tally_cache_load(c2, "t", "test", &msgs, &nmsgs);
    CHECK(t == NULL, "another option: a miss");
    CHECK_STR(tally_cache_file(c2), tally_cache_file(c), "  in the same file (one cache per data file)");
    tally_cache_free(c2);
    tally_options_remove(o, "delimiter");
    struct stat st;
    stat(data, &st);
    file_bytes_write(data, "q1\n2\n", 5);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    utimensat(AT_FDCWD, data, times, 0);
    c2 = open_cache(data, o);
    t = tally_cache_load(c2, "t", "test", &msgs, &nmsgs);
    CHECK(t == NULL, "one byte changed at the same size and mtime: a miss");
    tally_cache_free(c2);
    /* a second file the options name (a SAS catalogue): its content is in the key */
    char *cat = xasprintf("%s/formats.sas7bcat", dir);
    file_bytes_write(cat, "labels A", 8);
    tally_options_set_string(o, "catalog", cat);
    file_bytes_write(data, "q1\n1\n", 5); /* the data as it was stored */
    c2 = open_cache(data, o);
    tally_dataset_free(ds);
    ds = make_dataset();
    CHECK(c2 && tally_cache_store(c2, ds, NULL, 0, &err) == 0, "stored with a catalogue");
    tally_cache_free(c2);
    c2 = open_cache(data, o);
    t = tally_cache_load(c2, "t", "test", &msgs, &nmsgs);
    CHECK(t != NULL, "  served while the catalogue is unchanged");
    tally_dataset_free(t);
    tally_cache_free(c2);
    file_bytes_write(cat, "labels B", 8);
    c2 = open_cache(data, o);
    t = tally_cache_load(c2, "t", "test", &msgs, &nmsgs);
    CHECK(t == NULL, "  a miss when the catalogue's content changed");
    tally_cache_free(c2);
    free(cat);
    tally_options_remove(o, "catalog");
    /* the data file written while it was read (after the key was begun, before the store):
     * the parsed cells may be of other bytes than the hash, so nothing is stored */
    c2 = open_cache(data, o);
    char *cache_file = xstrdup(tally_cache_file(c2));
    unlink(cache_file);
    file_bytes_write(data, "q1\n33\n", 6); /* another size: seen whatever the clock's tick */
    err = NULL;
    CHECK(tally_cache_store(c2, ds, NULL, 0, &err) == -1, "the data file changed during the read: not stored");
    CHECK_CONTAINS(err ? err : "", "changed while tally read it", "  the reason names it");
    struct stat gone;
    CHECK(stat(cache_file, &gone) != 0, "  and no cache file is left");
    free(err);
    free(cache_file);
    tally_cache_free(c2);
    c2 = open_cache(data, o);
    err = NULL;
    CHECK(tally_cache_store(c2, ds, NULL, 0, &err) == 0, "  the next run, the file left alone: stored (%s)", err ? err : "");
    free(err);
    tally_cache_free(c2);
    tally_cache_req small = {dir, 0, data, "csv", "1.0", NULL, o, NULL, NULL, "en", NULL};
    CHECK(tally_cache_new(&small) == NULL, "the default folder does not cache a 5-byte file");

    free(file);
    tally_cache_free(c);
    tally_dataset_free(ds);
    tally_options_free(o);
    free(data);
    if (file_tree_remove(dir) != 0) return 1;
    CHECK_DONE();
}
