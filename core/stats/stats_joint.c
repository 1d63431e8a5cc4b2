/* stats_joint.c: the joint histogram of two compact columns (crosstab cells in one pass over the rows, margins from the cells). */
#include "stats_int.h"
#include "parallel.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Dense index of a code: its level, or nlevels for system-missing (and any code past the levels). */
static void dense_map(const tally_column *c, uint8_t *map, double *valid)
{
    for (int k = 0; k < 256; k++) map[k] = (uint8_t)((unsigned)k < c->nlevels ? (unsigned)k : c->nlevels);
    for (unsigned l = 0; l < c->nlevels; l++) valid[l] = !tally_column_is_user_missing(c, c->levels[l]);
    valid[c->nlevels] = 0;
}

typedef struct joint_job {
    const uint8_t *rcodes, *ccodes;
    const uint32_t *sel;
    const double *wts;
    size_t n, nparts;
    uint8_t rmap[256], cmap[256];
    double rvalid[256], cvalid[256];
    stats_joint part[TALLY_PAR_MAX_PARTS];
} joint_job;

static void joint_alloc(stats_joint *j, size_t nr, size_t nc)
{
    j->nr = nr;
    j->nc = nc;
    j->w = xcalloc(nr * nc, sizeof *j->w);
    j->n = xcalloc(nr * nc, sizeof *j->n);
    j->roww = xcalloc(nr, sizeof *j->roww);
    j->colw = xcalloc(nc, sizeof *j->colw);
    j->grand = 0;
}

void stats_joint_free(stats_joint *j)
{
    free(j->w);
    free(j->n);
    free(j->roww);
    free(j->colw);
    memset(j, 0, sizeof *j);
}

/* j's margins from its cells: a row's weight over the valid columns, a column's over the
 * valid rows, the grand total over both, each added in the cells' order. */
static void joint_margins(stats_joint *j, const double *rvalid, const double *cvalid)
{
    for (size_t k = 0; k < j->nr * j->nc; k++) {
        size_t ri = k / j->nc, ci = k % j->nc;
        j->roww[ri] += j->w[k] * cvalid[ci];
        j->colw[ci] += j->w[k] * rvalid[ri];
        j->grand += j->w[k] * rvalid[ri] * cvalid[ci];
    }
}

static void joint_part(void *arg, size_t p)
{
    joint_job *jb = arg;
    stats_joint *out = &jb->part[p];
    size_t b, e, nc = out->nc, ncell = out->nr * out->nc;
    tally_par_range(jb->n, jb->nparts, p, &b, &e);
    const uint8_t *rc = jb->rcodes, *cc = jb->ccodes, *rmap = jb->rmap, *cmap = jb->cmap;
    const uint32_t *sel = jb->sel;
    if (!jb->wts) {
        /* counts only, in four banks; every sum of ones is exact, so the margins
         * are added up from the cells afterwards */
        uint32_t *bank = xcalloc(4 * ncell, sizeof *bank);
        size_t i = b;
        for (; i + 4 <= e; i += 4)
            for (size_t q = 0; q < 4; q++) {
                size_t r = sel ? sel[i + q] : i + q;
                bank[q * ncell + rmap[rc[r]] * nc + cmap[cc[r]]]++;
            }
        for (; i < e; i++) {
            size_t r = sel ? sel[i] : i;
            bank[rmap[rc[r]] * nc + cmap[cc[r]]]++;
        }
        for (size_t k = 0; k < ncell; k++)
            out->n[k] = out->w[k] = (double)bank[k] + bank[ncell + k] + bank[2 * ncell + k] + bank[3 * ncell + k];
        free(bank);
        return;
    }
    /* Weighted: each cell's sum runs in row order, as a loop over the cases adds it; a
     * row whose weight is not > 0 adds 0 (x + 0.0 == x). The margins are then added up
     * from the cells, as PSPP's CROSSTABS adds them: a margin kept beside the cells made
     * each row wait for the store of the row before that had the same category (three
     * times the time of the cells alone). */
    const double *wts = jb->wts;
    uint32_t *cnt = xcalloc(ncell, sizeof *cnt);
    for (size_t i = b; i < e; i++) {
        size_t r = sel ? sel[i] : i;
        double w = wts[r];
        int ok = w > 0;
        size_t k = rmap[rc[r]] * nc + cmap[cc[r]];
        out->w[k] += ok ? w : 0.0;
        cnt[k] += (uint32_t)ok;
    }
    for (size_t k = 0; k < ncell; k++) out->n[k] = cnt[k];
    free(cnt);
}

/* ---- cell counts kept with a memo (a mapped cache, or a dataset frozen for its stages) --
 * A weighted count of two columns that a memo holds (tally_memo_for) leaves its cells' row
 * counts (rows with a weight > 0: whole numbers) with it. When every weight is > 0 they are the
 * unweighted cells, so a report that crosses two questions weighted and then unweighted
 * reads their rows once. */

/* The mapping whose memo keeps the cells of rc by cc under wts, with its key; NULL when
 * either column is not in the mapping of the weights (or a selection of rows). */
static tally_mapping *joint_memo(const tally_dataset *ds, const tally_column *rc, const tally_column *cc,
                                 const double *wts, uintptr_t key[TALLY_MEMO_KEYS])
{
    tally_mapping *m = wts ? stats_memo_mapping(ds, rc, wts) : NULL;
    if (!m || stats_memo_mapping(ds, cc, wts) != m) return NULL;
    key[0] = (uintptr_t)rc->codes;
    key[1] = (uintptr_t)cc->codes;
    key[2] = (uintptr_t)wts; /* never a histogram's 0 or 1 (banked) */
    key[3] = ds->nrows;
    return m;
}

/* The unweighted cells and margins from kept weighted cells when every weight is > 0; 0
 * when there are none to use. */
static int joint_from_weighted(const tally_dataset *ds, const tally_column *rc, const tally_column *cc,
                               const joint_job *jb, stats_joint *j)
{
    const double *wts = stats_weights(ds, NULL);
    uintptr_t key[TALLY_MEMO_KEYS];
    tally_mapping *m = joint_memo(ds, rc, cc, wts, key);
    if (!m) return 0;
    joint_alloc(j, rc->nlevels + 1, cc->nlevels + 1);
    size_t ncell = j->nr * j->nc;
    if (!tally_mapping_memo_get(m, key, j->n, ncell * sizeof *j->n) || !stats_weights_all_positive(m, wts, ds->nrows)) {
        stats_joint_free(j);
        return 0;
    }
    memcpy(j->w, j->n, ncell * sizeof *j->w);
    joint_margins(j, jb->rvalid, jb->cvalid);
    return 1;
}

void stats_joint_count(const tally_dataset *ds, const tally_column *rc, const tally_column *cc, const double *wts,
                       stats_joint *j)
{
    joint_job *jb = xcalloc(1, sizeof *jb);
    jb->rcodes = rc->codes;
    jb->ccodes = cc->codes;
    jb->sel = ds->sel;
    jb->wts = wts;
    jb->n = ds->nrows;
    jb->nparts = tally_par_parts(ds->nrows);
    dense_map(rc, jb->rmap, jb->rvalid);
    dense_map(cc, jb->cmap, jb->cvalid);
    if (!wts && joint_from_weighted(ds, rc, cc, jb, j)) {
        free(jb);
        return;
    }
    for (size_t p = 0; p < jb->nparts; p++) joint_alloc(&jb->part[p], rc->nlevels + 1, cc->nlevels + 1);
    tally_par_run(jb->nparts, joint_part, jb);
    *j = jb->part[0];
    for (size_t p = 1; p < jb->nparts; p++) { /* in part order: the same sums on every run */
        stats_joint *q = &jb->part[p];
        for (size_t k = 0; k < j->nr * j->nc; k++) {
            j->w[k] += q->w[k];
            j->n[k] += q->n[k];
        }
        stats_joint_free(q);
    }
    joint_margins(j, jb->rvalid, jb->cvalid);
    uintptr_t key[TALLY_MEMO_KEYS];
    tally_mapping *m = joint_memo(ds, rc, cc, wts, key);
    if (m) tally_mapping_memo_put(m, key, j->n, j->nr * j->nc * sizeof *j->n);
    free(jb);
}
