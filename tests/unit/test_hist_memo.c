/* test_hist_memo.c: per-code histograms, multiple-response counts, crosstab cells and descriptives of a mapped cache's columns kept with the mapping: the same figures as counting, never kept for a selection or a changed column. */
#include "cache.h"
#include "check.h"
#include "dataset.h"
#include "stats_int.h"
#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/tally-hist-memo-test.XXXXXX";
#define ROWS 3000

/* A compact question and a weight (some weights 0, which do not count, unless all_positive). */
static tally_dataset *make_dataset(int all_positive)
{
    tally_dataset *ds = tally_dataset_new("d");
    tally_dataset_resize(ds, ROWS);
    int q = tally_dataset_add_column(ds, "q", TALLY_NUMERIC), w = tally_dataset_add_column(ds, "w", TALLY_NUMERIC);
    for (size_t r = 0; r < ROWS; r++) {
        ds->cols[q]->num[r] = r % 11 == 0 ? NAN : (double)(r * 7 % 5 + 1);
        ds->cols[w]->num[r] = r % 13 == 0 && !all_positive ? 0 : 0.1 + (double)(r % 17) / 3;
    }
    tally_dataset_set_weight(ds, w);
    tally_dataset_compact(ds, 1);
    return ds;
}

static int same_hist(const stats_code_hist *a, const stats_code_hist *b) { return memcmp(a, b, sizeof *a) == 0; }

/* A mapping made and dropped by its own pair: its memo (and the memo's lock) come and go
 * with it; a result put twice under one key (two threads that raced) is kept once, the
 * first copy. Under `make check-valgrind` nothing of it leaks. */
static void mapping_pair(void)
{
    size_t len = 4096;
    void *page = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        CHECK(0, "an anonymous page to map");
        return;
    }
    tally_mapping *m = tally_mapping_new(page, len);
    CHECK(m->refs == 1 && m->base == page && m->len == len && m->memo && tally_mapping_memo_count(m) == 0,
          "tally_mapping_new: one reference, the bytes, an empty memo");
    uintptr_t key[TALLY_MEMO_KEYS] = {(uintptr_t)page, 1, 2, 3};
    double first[2] = {1.5, 2.5}, second[2] = {7, 8}, out[2] = {0, 0};
    CHECK(!tally_mapping_memo_get(m, key, out, sizeof out), "nothing kept yet");
    tally_mapping_memo_put(m, key, first, sizeof first);
    tally_mapping_memo_put(m, key, second, sizeof second);
    CHECK(tally_mapping_memo_count(m) == 1 && tally_mapping_memo_get(m, key, out, sizeof out) && out[0] == 1.5 &&
              out[1] == 2.5,
          "a result put twice under one key is kept once, the first copy");
    __atomic_add_fetch(&m->refs, 1, __ATOMIC_ACQ_REL); /* a second column viewing it */
    tally_mapping_unref(m);
    CHECK(tally_mapping_memo_count(m) == 1, "the memo lives while a reference is left");
    tally_mapping_unref(m); /* the last: unmapped, memo and lock freed */
}

/* A second thread asking for a claimed key: it must wait for the claimer's result. */
typedef struct claim_arg {
    tally_mapping *m;
    const uintptr_t *key;
    double out;
    int got;
    atomic_int done;
} claim_arg;

static void *claim_second(void *p)
{
    claim_arg *a = p;
    a->got = tally_mapping_memo_claim(a->m, a->key, &a->out, sizeof a->out);
    atomic_store(&a->done, 1);
    return NULL;
}

/* Two stages that ask for the same result at once: the first claims it, the second
 * waits and gets the first one's figures; a pending key is no result for _get. */
static void check_claim(tally_mapping *m)
{
    uintptr_t key[TALLY_MEMO_KEYS] = {(uintptr_t)m->base, 77, 7, 7};
    double x = 0, result = 42.5;
    size_t before = tally_mapping_memo_count(m);
    CHECK(tally_mapping_memo_claim(m, key, &x, sizeof x) == 0, "the first asker claims a new key");
    CHECK(tally_mapping_memo_get(m, key, &x, sizeof x) == 0, "a claimed key has no result yet");
    claim_arg a = {m, key, 0, -1, 0};
    pthread_t t;
    int started = pthread_create(&t, NULL, claim_second, &a) == 0;
    usleep(50000);
    CHECK(started && !atomic_load(&a.done), "the second asker waits while the key is being computed");
    tally_mapping_memo_put(m, key, &result, sizeof result);
    if (started) pthread_join(t, NULL);
    CHECK(a.got == 1 && a.out == 42.5, "the second asker gets the first one's result");
    CHECK(tally_mapping_memo_count(m) == before + 1, "one entry kept for the key");
    CHECK(tally_mapping_memo_claim(m, key, &x, sizeof x) == 1 && x == 42.5, "a later asker gets it at once");
}

/* A cache in dir for a small data file `name` holding `csv` (*o and *data: the caller frees). */
static tally_cache *cache_for(const char *name, const char *csv, tally_options **o, char **data)
{
    *data = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(*data, "w");
    if (f) {
        fputs(csv, f);
        fclose(f);
    }
    *o = tally_options_new("test");
    tally_options_set_string(*o, "path", *data);
    tally_cache_req req = {dir, 1, *data, "csv", "1.0", NULL, *o, NULL, NULL, "en", "w"};
    return tally_cache_new(&req);
}

/* A Likert grid's prefetch: eleven questions (a piece of eight columns, two sweeps of four,
 * and one of three, a sweep of two and one alone; each part's rows a piece, so that four
 * pieces are run in any order on any thread) of 1 to 12 levels, over rows in two parts and
 * many blocks (and an odd last group), with system-missing cells, counted in one pass, kept, and bitwise
 * stats_hist_codes's counts; it keeps whether every weight is > 0 too (with weights of 0,
 * NaN and negative, or all > 0), the answer stats_weights_all_positive gives. */
#define ROWS2 150001
enum { GRID_Q = 11 }; /* questions; the weight is column GRID_Q */
static void check_prefetch(int positive)
{
    static const unsigned levels[GRID_Q] = {5, 5, 5, 7, 1, 6, 12, 3, 9, 4, 2};
    static const unsigned sysmis_every[GRID_Q] = {13, 14, 15, 16, 19, 18, 20, 21, 22, 24, 25}; /* never with the weights of 0 alone */
    tally_options *o;
    char *data;
    tally_cache *c = cache_for(positive ? "grid1.csv" : "grid0.csv", "a,b,c,d,e,f,g,h,i,j,k,w\n1,1,1,1,1,1,1,1,1,1,1,1\n", &o, &data);
    tally_dataset *ds = tally_dataset_new("g");
    tally_dataset_resize(ds, ROWS2);
    const char *names[GRID_Q + 1] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "w"};
    for (int k = 0; k <= GRID_Q; k++) tally_dataset_add_column(ds, names[k], TALLY_NUMERIC);
    for (size_t r = 0; r < ROWS2; r++) {
        for (int k = 0; k < GRID_Q; k++)
            ds->cols[k]->num[r] = r % sysmis_every[k] == 0 ? NAN
                                  : (double)((k < 6 ? r * (7 + k) + r / 5 : r * 2654435761u % 1000003) % levels[k] + 1);
        /* weights of many mantissa bits, large in one bank of four: a row added to another bank changes the sums */
        ds->cols[GRID_Q]->num[r] = r % 17 == 0 && !positive ? 0 : (0.1 + (double)(r % 23) / 7 + (double)((r * 2654435761u) % 1000003) * 1e-7) * (r % 4 == 1 ? 1e6 : 1);
    }
    if (!positive) { /* one NaN and one negative weight among the zeros, in the last part */
        ds->cols[GRID_Q]->num[ROWS2 - 2] = NAN;
        ds->cols[GRID_Q]->num[ROWS2 - 5] = -2.5;
    }
    tally_dataset_set_weight(ds, GRID_Q);
    tally_dataset_compact(ds, 1);
    char *err = NULL;
    const char *msgs;
    size_t nmsgs;
    tally_dataset *back = c && tally_cache_store(c, ds, "", 0, &err) == 0 ? tally_cache_load(c, "back", "test", &msgs, &nmsgs) : NULL;
    int shaped = back != NULL;
    for (int k = 0; back && k < GRID_Q; k++) shaped &= back->cols[k]->codes && back->cols[k]->nlevels == levels[k];
    CHECK(shaped && back->cols[0]->mapping, "grid: stored and loaded back, mapped, compact with 1 to 12 levels");
    if (back) {
        tally_mapping *m = back->cols[0]->mapping;
        const double *w = back->cols[GRID_Q]->num;
        const tally_column *items[GRID_Q + 1];
        for (int k = 0; k < GRID_Q; k++) items[k] = back->cols[k];
        items[GRID_Q] = back->cols[0];
        size_t before = tally_mapping_memo_count(m);
        stats_hist_codes_prefetch(back, items, GRID_Q + 1, NULL);
        CHECK(tally_mapping_memo_count(m) == before, "grid: no prefetch without weights");
        stats_hist_codes_prefetch(back, items, GRID_Q + 1, w);
        CHECK(tally_mapping_memo_count(m) == before + GRID_Q + 1,
              "grid: one kept histogram a question (one listed twice), and whether every weight is > 0");
        uintptr_t pkey[TALLY_MEMO_KEYS] = {(uintptr_t)w, 0, 0, ROWS2};
        int all = -1;
        size_t above = 0; /* the weights > 0, counted here */
        for (size_t r = 0; r < ROWS2; r++) above += w[r] > 0;
        CHECK(tally_mapping_memo_get(m, pkey, &all, sizeof all) && all == (above == ROWS2) && all == positive &&
                  stats_weights_all_positive(m, w, ROWS2) == positive,
              positive ? "grid: kept that every weight is > 0" : "grid: kept that not every weight is > 0 (0, NaN, negative)");
        /* every key the prefetch claimed is put: a result to _get (which never waits), not a
         * pending claim that would leave a later asker waiting */
        int put = 1;
        stats_code_hist *kept = xmalloc(sizeof *kept);
        for (int k = 0; k < GRID_Q; k++) {
            uintptr_t key[TALLY_MEMO_KEYS] = {(uintptr_t)back->cols[k]->codes, (uintptr_t)w, 1, ROWS2};
            put &= tally_mapping_memo_get(m, key, kept, sizeof *kept);
        }
        free(kept);
        CHECK(put, "grid: each claimed histogram is put, none left pending");
        stats_hist_codes_prefetch(back, items, GRID_Q + 1, w);
        CHECK(tally_mapping_memo_count(m) == before + GRID_Q + 1, "grid: a second prefetch counts nothing again");
        stats_code_hist *want = xmalloc(sizeof *want), *got = xmalloc(sizeof *got);
        int same = 1;
        for (int k = 0; k < GRID_Q; k++) {
            stats_hist_codes(ds, ds->cols[k], ds->cols[GRID_Q]->num, 1, want); /* the heap: counted */
            stats_hist_codes(back, back->cols[k], w, 1, got);                  /* the mapping: kept */
            same &= memcmp(want, got, sizeof *want) == 0 && want->n[0] > 0 && want->n[TALLY_CODE_SYSMIS] > 0;
        }
        CHECK(same && tally_mapping_memo_count(m) == before + GRID_Q + 1,
              "grid: the prefetched histograms are bitwise those counted one by one, and found kept");
        free(want);
        free(got);
        tally_dataset_free(back);
    }
    tally_dataset_free(ds);
    tally_cache_free(c);
    tally_options_free(o);
    free(data);
}

/* A dataset of ROWS2 rows of numeric columns and the cache it is stored in and mapped
 * back from (fixture_load); fixture_free frees all of it. */
typedef struct fixture {
    tally_options *o;
    char *data;
    tally_cache *c;
    tally_dataset *ds, *back;
} fixture;

static void fixture_new(fixture *f, const char *file, const char *csv, const char *const *names, int ncols)
{
    f->c = cache_for(file, csv, &f->o, &f->data);
    f->ds = tally_dataset_new("f");
    f->back = NULL;
    tally_dataset_resize(f->ds, ROWS2);
    for (int k = 0; k < ncols; k++) tally_dataset_add_column(f->ds, names[k], TALLY_NUMERIC);
}

/* The last column is the weight; the rest compact. Returns whether it came back mapped. */
static int fixture_load(fixture *f)
{
    tally_dataset_set_weight(f->ds, (int)f->ds->ncols - 1);
    tally_dataset_compact(f->ds, 1);
    char *err = NULL;
    const char *msgs;
    size_t nmsgs;
    if (f->c && tally_cache_store(f->c, f->ds, "", 0, &err) == 0) f->back = tally_cache_load(f->c, "back", "test", &msgs, &nmsgs);
    free(err);
    return f->back && f->back->cols[0]->mapping;
}

static void fixture_free(fixture *f)
{
    if (f->back) tally_dataset_free(f->back);
    tally_dataset_free(f->ds);
    tally_cache_free(f->c);
    tally_options_free(f->o);
    free(f->data);
}

/* Two multiple-response counts bitwise the same. */
static int same_mr(const stats_mr_counts *a, const stats_mr_counts *b)
{
    int same = a->n == b->n && a->responses == b->responses && a->w_all == b->w_all && a->n_all == b->n_all &&
               a->w_answering == b->w_answering && a->n_answering == b->n_answering;
    for (size_t k = 0; same && k < a->n; k++)
        same = a->w[k] == b->w[k] && a->un[k] == b->un[k] && strcmp(a->labels[k], b->labels[k]) == 0;
    return same;
}

/* Dichotomy sets counted weighted then unweighted from a mapping (rows in two parts and
 * many blocks): the weighted count is kept; the unweighted figures are bitwise those
 * counted on the heap, with weights of 0 (the kept counts leave those rows out) and with
 * every weight > 0 (the kept counts are used); a second set with the same first item,
 * and a selection of rows, get their own counts. */
static void check_mr(void)
{
    int all_same = 1, kept_once = 1, differ = 1;
    for (int positive = 0; positive < 2; positive++) {
        const char *names[4] = {"a", "b", "c", "w"};
        fixture f;
        fixture_new(&f, positive ? "mr1.csv" : "mr0.csv", "a,b,c,w\n1,0,1,1\n", names, 4);
        tally_dataset *ds = f.ds;
        for (size_t r = 0; r < ROWS2; r++) {
            for (int k = 0; k < 3; k++) ds->cols[k]->num[r] = r % (11 + k) == 0 ? NAN : (double)((r * (3 + k) + r / 7) % 2);
            ds->cols[3]->num[r] = r % 19 == 0 && !positive ? 0 : 0.2 + (double)(r % 29) / 9;
        }
        char *err = NULL;
        tally_dataset *back = fixture_load(&f) ? f.back : NULL;
        if (!back) {
            CHECK(0, "mr: stored and loaded back, mapped");
            all_same = 0;
        } else {
            int abc[3] = {0, 1, 2}, acb[3] = {0, 2, 1}; /* one first item, one length: one key */
            tally_dataset *sides[2] = {ds, back};
            for (int d = 0; d < 2; d++) {
                tally_dataset_add_mrset(sides[d], "abc", NULL, TALLY_MRSET_DICHOTOMY, 1, abc, 3);
                tally_dataset_add_mrset(sides[d], "acb", NULL, TALLY_MRSET_DICHOTOMY, 1, acb, 3);
            }
            tally_mapping *m = back->cols[0]->mapping;
            const char *sets[2] = {"abc", "acb"};
            for (int s = 0; s < 2; s++) {
                stats_mr_counts want, wantw, got, gotw;
                const tally_mrset *hs = tally_dataset_find_mrset(ds, sets[s]), *bs = tally_dataset_find_mrset(back, sets[s]);
                stats_mr_compute(ds, hs, NULL, "en", &want, &err);                  /* the heap: counted */
                stats_mr_compute(ds, hs, ds->cols[3]->num, "en", &wantw, &err);
                size_t before = tally_mapping_memo_count(m);
                stats_mr_compute(back, bs, back->cols[3]->num, "en", &gotw, &err); /* the mapping: kept */
                /* the second set's key (its first item) is the first set's: the first entry stays */
                kept_once &= tally_mapping_memo_count(m) == before + (s == 0);
                stats_mr_compute(back, bs, NULL, "en", &got, &err);
                all_same &= same_mr(&want, &got) && same_mr(&wantw, &gotw) && want.n_answering > 0;
                differ &= positive ? want.un[0] == wantw.un[0] : want.un[0] != wantw.un[0];
                stats_mr_counts_free(&want);
                stats_mr_counts_free(&wantw);
                stats_mr_counts_free(&got);
                stats_mr_counts_free(&gotw);
            }
            size_t rows[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            tally_dataset *view = tally_dataset_view(back, "v", rows, 10);
            stats_mr_counts sel;
            size_t before = tally_mapping_memo_count(m);
            stats_mr_compute(view, tally_dataset_find_mrset(back, "abc"), NULL, "en", &sel, &err);
            all_same &= sel.n_all == 10 && tally_mapping_memo_count(m) == before;
            stats_mr_counts_free(&sel);
            tally_dataset_free(view);
        }
        fixture_free(&f);
    }
    CHECK(kept_once, "mr: a weighted count from the mapping is kept, once for sets sharing their first item");
    CHECK(differ, "mr: the weighted rows' counts differ from the unweighted exactly when a weight is 0");
    CHECK(all_same, "mr: weighted then unweighted from the mapping, bitwise the heap's counts (weights of 0, all > 0, "
                    "two sets with one first item, a selection of 10 rows)");
}

/* Two joint histograms bitwise the same. */
static int same_joint(const stats_joint *a, const stats_joint *b)
{
    size_t nb = a->nr * a->nc * sizeof *a->w;
    return a->nr == b->nr && a->nc == b->nc && memcmp(a->w, b->w, nb) == 0 && memcmp(a->n, b->n, nb) == 0 &&
           memcmp(a->roww, b->roww, a->nr * sizeof *a->roww) == 0 &&
           memcmp(a->colw, b->colw, a->nc * sizeof *a->colw) == 0 && a->grand == b->grand;
}

/* Whether j's margins are the sums of its cells in the cells' order, as PSPP's CROSSTABS
 * adds them (the last index of each variable is system-missing: in no margin), added here. */
static int margins_of_cells(const stats_joint *j)
{
    double grand = 0;
    int ok = 1;
    for (size_t a = 0; a + 1 < j->nr; a++) {
        double row = 0;
        for (size_t b = 0; b + 1 < j->nc; b++) row += j->w[a * j->nc + b];
        ok &= memcmp(&row, &j->roww[a], sizeof row) == 0;
    }
    for (size_t b = 0; b + 1 < j->nc; b++) {
        double col = 0;
        for (size_t a = 0; a + 1 < j->nr; a++) col += j->w[a * j->nc + b];
        ok &= memcmp(&col, &j->colw[b], sizeof col) == 0;
    }
    for (size_t k = 0; k < j->nr * j->nc; k++)
        if (k / j->nc + 1 < j->nr && k % j->nc + 1 < j->nc) grand += j->w[k];
    return ok && grand == j->grand && grand > 0;
}

/* Crosstab cells counted weighted then unweighted from a mapping: the weighted cells are
 * kept, the unweighted are bitwise those counted on the heap with weights of 0 and with
 * every weight > 0; the other way round (b by a) is a cross of its own. */
static void check_joint(void)
{
    int all_same = 1, kept = 1, differ = 1, margins = 1;
    for (int positive = 0; positive < 2; positive++) {
        const char *names[3] = {"a", "b", "w"};
        fixture f;
        fixture_new(&f, positive ? "x1.csv" : "x0.csv", "a,b,w\n1,2,1\n", names, 3);
        tally_dataset *ds = f.ds;
        for (size_t r = 0; r < ROWS2; r++) {
            ds->cols[0]->num[r] = r % 23 == 0 ? NAN : (double)((r * 7 + r / 3) % 4 + 1);
            ds->cols[1]->num[r] = r % 31 == 0 ? NAN : (double)((r * 5 + r / 11) % 3 + 1);
            ds->cols[2]->num[r] = r % 19 == 0 && !positive ? 0 : 0.3 + (double)(r % 37) / 11;
        }
        tally_dataset *back = fixture_load(&f) ? f.back : NULL;
        if (!back) {
            CHECK(0, "joint: stored and loaded back, mapped");
            all_same = 0;
        } else {
            tally_mapping *m = back->cols[0]->mapping;
            for (int flip = 0; flip < 2; flip++) {
                stats_joint want, wantw, got, gotw;
                int r = flip, k = 1 - flip;
                stats_joint_count(ds, ds->cols[r], ds->cols[k], NULL, &want); /* the heap: counted */
                stats_joint_count(ds, ds->cols[r], ds->cols[k], ds->cols[2]->num, &wantw);
                size_t before = tally_mapping_memo_count(m);
                stats_joint_count(back, back->cols[r], back->cols[k], back->cols[2]->num, &gotw);
                kept &= tally_mapping_memo_count(m) == before + 1;
                stats_joint_count(back, back->cols[r], back->cols[k], NULL, &got);
                all_same &= same_joint(&want, &got) && same_joint(&wantw, &gotw) && want.grand > 0;
                margins &= margins_of_cells(&want) && margins_of_cells(&wantw) && margins_of_cells(&gotw);
                differ &= positive ? want.n[0] == wantw.n[0] : memcmp(want.n, wantw.n, want.nr * want.nc * sizeof *want.n) != 0;
                stats_joint_free(&want);
                stats_joint_free(&wantw);
                stats_joint_free(&got);
                stats_joint_free(&gotw);
            }
        }
        fixture_free(&f);
    }
    CHECK(kept, "joint: each weighted cross from the mapping is kept (a by b and b by a apart)");
    CHECK(differ, "joint: the weighted rows' counts differ from the unweighted exactly when a weight is 0");
    CHECK(all_same, "joint: weighted then unweighted from the mapping, bitwise the heap's cells and margins");
    CHECK(margins, "joint: the margins and the grand total are the sums of the cells, weighted and unweighted");
}

/* Descriptives of a column of doubles from a mapping (rows in two parts, NaN cells,
 * weights of many mantissa bits, large in one bank of four: a row added to another bank
 * changes the sums), weighted then unweighted: with every weight > 0 the weighted run
 * keeps the unweighted figures too, and both are bitwise those described on the heap;
 * with a weight of 0 the unweighted run describes the column itself; a selection of rows
 * is described and not kept. The mapping's runs take the AVX2 passes, then the portable
 * loops (stats_portable): the heap's figures (AVX2) either way. */
static void check_desc(void)
{
    int all_same = 1, kept = 1, differ = 1, none_pending = 1;
    for (int mode = 0; mode < 4; mode++) {
        int positive = mode & 1, portable = mode >> 1;
        const char *names[2] = {"x", "w"};
        const char *files[4] = {"d0.csv", "d1.csv", "d2.csv", "d3.csv"};
        fixture f;
        fixture_new(&f, files[mode], "x,w\n1.5,1\n", names, 2);
        tally_dataset *ds = f.ds;
        for (size_t r = 0; r < ROWS2; r++) {
            ds->cols[0]->num[r] = r % 29 == 0 ? NAN : (double)((r * 2654435761u) % 100003) / 7.0 - 3000;
            ds->cols[1]->num[r] = r % 19 == 0 && !positive ? 0 : (0.2 + (double)(r % 31) / 9) * (r % 4 == 2 ? 1e5 : 1);
        }
        tally_dataset *back = fixture_load(&f) ? f.back : NULL;
        if (!back || back->cols[0]->codes) {
            CHECK(0, "desc: stored and loaded back, mapped, the column doubles");
            all_same = 0;
        } else {
            tally_mapping *m = back->cols[0]->mapping;
            const double *w = back->cols[1]->num;
            stats_desc_result want, wantw, got, gotw, again;
            stats_describe_large(ds, ds->cols[0], NULL, &want); /* the heap: described */
            stats_describe_large(ds, ds->cols[0], ds->cols[1]->num, &wantw);
            size_t before = tally_mapping_memo_count(m);
            stats_portable(portable);
            stats_describe_large(back, back->cols[0], w, &gotw);
            /* the weights' all-positive answer, the weighted figures and, all > 0, the unweighted */
            kept &= tally_mapping_memo_count(m) == before + 2 + (size_t)positive;
            uintptr_t ukey[TALLY_MEMO_KEYS] = {(uintptr_t)back->cols[0]->num, 0, 3, ROWS2};
            none_pending &= tally_mapping_memo_get(m, ukey, &got, sizeof got) == positive;
            stats_describe_large(back, back->cols[0], NULL, &got);
            kept &= tally_mapping_memo_count(m) == before + 3;
            stats_describe_large(back, back->cols[0], w, &again);
            stats_portable(0);
            kept &= tally_mapping_memo_count(m) == before + 3;
            all_same &= memcmp(&want, &got, sizeof want) == 0 && memcmp(&wantw, &gotw, sizeof want) == 0 &&
                        memcmp(&wantw, &again, sizeof want) == 0 && want.cases > 0 && want.min < want.max;
            differ &= want.mean != wantw.mean && want.median == want.median && wantw.q3 == wantw.q3;
            differ &= positive ? want.cases == wantw.cases : want.cases > wantw.cases;
            size_t rows[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            tally_dataset *view = tally_dataset_view(back, "v", rows, 10);
            stats_desc_result sel;
            before = tally_mapping_memo_count(m);
            stats_describe_large(view, view->cols[0], NULL, &sel);
            all_same &= sel.cases == 9 && tally_mapping_memo_count(m) == before;
            tally_dataset_free(view);
        }
        fixture_free(&f);
    }
    CHECK(kept, "desc: the weighted run keeps its figures and, every weight > 0, the unweighted; each found kept");
    CHECK(none_pending, "desc: the unweighted figures are put by the weighted run exactly when every weight is > 0");
    CHECK(differ, "desc: the weighted figures differ from the unweighted; the cases exactly when a weight is 0");
    CHECK(all_same, "desc: weighted then unweighted from the mapping, bitwise the heap's (weights of 0, all > 0; AVX2, portable); "
                    "a selection of 10 rows described, not kept");
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    tally_log_set_level(0);
    CHECK_WATCHDOG(120); /* a watchdog, not a timing: a claimed key never put leaves its asker waiting for ever */
    setvbuf(stdout, NULL, _IOLBF, 0); /* the checks before such a hang stay in the log when the alarm ends it */
    mapping_pair();
    char *data, *cmd = NULL;
    tally_options *o;
    tally_cache *c = cache_for("d.csv", "q,w\n1,1\n", &o, &data);
    tally_cache_req req = {dir, 1, data, "csv", "1.0", NULL, o, NULL, NULL, "en", "w"}; /* for new caches below */
    tally_dataset *ds = make_dataset(0);
    char *err = NULL;
    CHECK(c && tally_cache_store(c, ds, "", 0, &err) == 0, "stored");
    const char *msgs;
    size_t nmsgs;
    tally_dataset *back = c ? tally_cache_load(c, "back", "test", &msgs, &nmsgs) : NULL;
    CHECK(back && back->cols[0]->codes && back->cols[0]->mapping, "loaded back, the question mapped");
    if (!back) CHECK_DONE();
    tally_mapping *m = back->cols[0]->mapping;
    const double *w_heap = ds->cols[1]->num, *w_map = back->cols[1]->num;
    CHECK(tally_mapping_holds(m, w_map, ROWS * sizeof *w_map) && !tally_mapping_holds(m, w_heap, 8), "the weights lie in the mapping");

    /* counted on the heap dataset (no memo), then twice from the mapping */
    stats_code_hist *want = xmalloc(sizeof *want), *got = xmalloc(sizeof *got), *again = xmalloc(sizeof *again);
    int all = 1;
    for (int weighted = 0; weighted < 2; weighted++)
        for (int banked = 0; banked < 2; banked++) {
            size_t before = tally_mapping_memo_count(m);
            stats_hist_codes(ds, ds->cols[0], weighted ? w_heap : NULL, banked, want);
            stats_hist_codes(back, back->cols[0], weighted ? w_map : NULL, banked, got);
            all &= tally_mapping_memo_count(m) == before + 1;
            stats_hist_codes(back, back->cols[0], weighted ? w_map : NULL, banked, again);
            all &= tally_mapping_memo_count(m) == before + 1 && same_hist(want, got) && same_hist(want, again);
        }
    CHECK(all, "weighted or not, banked or not: one entry each, the kept figures bitwise those counted");
    CHECK(want->n[0] + want->n[1] + want->n[2] + want->n[3] + want->n[4] + want->n[TALLY_CODE_SYSMIS] > 0 &&
              want->w[TALLY_CODE_SYSMIS] > 0,
          "the histogram has valid and missing cells");

    /* unweighted after weighted: a weight of 0 leaves rows out of the weighted counts,
     * so the unweighted histogram is counted; with every weight > 0 it is the weighted
     * one's counts */
    int fresh = 1;
    for (int positive = 0; positive < 2; positive++) {
        tally_dataset *d2 = make_dataset(positive);
        tally_cache_free(c);
        c = tally_cache_new(&req);
        tally_dataset *b2 = c && tally_cache_store(c, d2, "", 0, &err) == 0 ? tally_cache_load(c, "b2", "test", &msgs, &nmsgs) : NULL;
        if (!b2) {
            fresh = 0;
            tally_dataset_free(d2);
            continue;
        }
        stats_hist_codes(d2, d2->cols[0], NULL, 1, want); /* counted on the heap */
        stats_hist_codes(b2, b2->cols[0], b2->cols[1]->num, 1, got);
        stats_hist_codes(b2, b2->cols[0], NULL, 1, again);
        fresh &= same_hist(want, again);
        /* the weighted counts differ from the unweighted exactly when a weight is 0 */
        fresh &= positive ? memcmp(got->n, want->n, sizeof got->n) == 0 : memcmp(got->n, want->n, sizeof got->n) != 0;
        tally_dataset_free(b2);
        tally_dataset_free(d2);
    }
    CHECK(fresh, "unweighted after weighted: bitwise the counted histogram, with weights of 0 and with all > 0");

    /* a selection of rows: counted, not kept */
    size_t rows[] = {1, 2, 3, 5, 8};
    tally_dataset *view = tally_dataset_view(back, "v", rows, 5);
    size_t before = tally_mapping_memo_count(m);
    stats_hist_codes(view, view->cols[0], NULL, 1, got);
    CHECK(tally_mapping_memo_count(m) == before && got->n[0] + got->n[1] + got->n[2] + got->n[3] + got->n[4] == 5,
          "a selection is counted (5 rows) and not kept");
    tally_dataset_free(view);

    check_claim(m);
    check_prefetch(0);
    check_prefetch(1);
    check_mr();
    check_joint();
    check_desc();

    /* a changed column leaves the mapping: its new cells are counted */
    tally_column *q = back->cols[0];
    stats_hist_codes(back, q, NULL, 1, want);
    CHECK(tally_column_own(q) == 0 && !q->mapping, "the question copied to the heap");
    unsigned k0 = q->codes[1];
    q->codes[1] = (uint8_t)(k0 == 0 ? 1 : 0);
    stats_hist_codes(back, q, NULL, 1, got);
    CHECK(got->n[k0] == want->n[k0] - 1 && got->n[q->codes[1]] == want->n[q->codes[1]] + 1,
          "the changed cell is counted, not the kept figures");

    free(want);
    free(got);
    free(again);
    tally_dataset_free(back);
    tally_dataset_free(ds);
    tally_cache_free(c);
    tally_options_free(o);
    cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
    free(cmd);
    free(data);
    CHECK_DONE();
}
