/* banner_frame.c: a banner's frame: the weights, the columns (groups, partitions, members) and their bases. */
#include "banner_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

size_t bn_total_col(const tally_banner *b)
{
    for (size_t c = 0; c < b->ncols; c++)
        if (b->cols[c].is_total) return c;
    return 0;
}

static void add_group(bn_frame *f, int exclusive, const char *name)
{
    f->exclusive = xrealloc(f->exclusive, (f->ngroups + 1) * sizeof *f->exclusive);
    f->gname = xrealloc(f->gname, (f->ngroups + 1) * sizeof *f->gname);
    f->exclusive[f->ngroups] = exclusive;
    f->gname[f->ngroups++] = xstrdup(name);
}

/* A new partition of columns first .. first + width - 1: its per-row column array, to be filled. */
static int32_t *partition_new(bn_frame *f, size_t first, size_t width)
{
    f->pcol = xrealloc(f->pcol, (f->npart + 1) * sizeof *f->pcol);
    f->pfirst = xrealloc(f->pfirst, (f->npart + 1) * sizeof *f->pfirst);
    f->pwidth = xrealloc(f->pwidth, (f->npart + 1) * sizeof *f->pwidth);
    f->pfirst[f->npart] = first;
    f->pwidth[f->npart] = width;
    return f->pcol[f->npart++] = xmalloc_rows((f->N ? f->N : 1) * sizeof(int32_t));
}

/* Columns first .. first + width - 1 no two of which share a row: each row's column from the items of
 * the banner variable a (nested: inner variable in inside each of a's categories). */
static void add_partition(bn_frame *f, size_t first, const bn_items *a, const bn_items *in)
{
    size_t nin = in ? in->n : 1;
    int32_t *pc = partition_new(f, first, a->n * nin);
    for (size_t i = 0; i < f->N; i++) {
        int ok = f->w[i] > 0 && a->cat[i] >= 0 && (!in || in->cat[i] >= 0);
        pc[i] = ok ? (int32_t)(first + (size_t)a->cat[i] * nin + (in ? (size_t)in->cat[i] : 0)) : -1;
    }
}

/* The partition of a compact banner variable's columns first .. first + width - 1 straight from its
 * codes (map[code]: the code's item, -1 none), as add_partition makes it from bn_items_build's items. */
static void add_partition_codes(bn_frame *f, size_t first, size_t width, const tally_dataset *ds,
                                const tally_column *col, const int32_t map[256])
{
    int32_t *pc = partition_new(f, first, width), colof[256];
    for (size_t k = 0; k < 256; k++) colof[k] = map[k] >= 0 ? (int32_t)(first + (size_t)map[k]) : -1;
    for (size_t i = 0; i < f->N; i++) pc[i] = f->w[i] > 0 ? colof[col->codes[tally_row(ds, i)]] : -1;
}

/* The bases of the columns of every partition (and of the Total) in one pass over the rows. Each
 * column sums its rows in row order in arrays of its own (the Total in registers): summed straight
 * into the columns' structs, the weight and the count of a column were stored together and read back
 * apart the next row, which stalls on every row where the 16 bytes straddle a cache line. */
static void partition_bases(bn_frame *f)
{
    size_t C = f->b->ncols, P = f->npart;
    double *bw = xcalloc(3 * (C ? C : 1), sizeof *bw), *bn = bw + C, *w2 = bn + C;
    double tw = 0, tn = 0, tw2 = 0;
    for (size_t i = 0; i < f->N; i++) {
        double w = f->w[i];
        if (!(w > 0)) continue;
        tw += w;
        tn += 1;
        tw2 += w * w;
        for (size_t p = 0; p < P; p++) {
            int32_t c = f->pcol[p][i];
            if (c < 0) continue;
            bw[c] += w;
            bn[c] += 1;
            w2[c] += w * w;
        }
    }
    bw[f->total] = tw, bn[f->total] = tn, w2[f->total] = tw2;
    for (size_t c = 0; c < C; c++) {
        if (!f->in_part[c]) continue;
        tally_bn_col *k = &f->b->cols[c];
        k->base_w = bw[c];
        k->base_n = bn[c];
        k->base_eff = w2[c] > 0 ? bw[c] * bw[c] / w2[c] : 0;
    }
    free(bw);
}

/* The member list and base of a column outside every partition (a partition's are left empty). */
static void add_member_col(bn_frame *f, size_t col, const bn_items *a, size_t ka, const bn_items *in, size_t ki,
                           int in_partition)
{
    f->mem = xrealloc(f->mem, f->b->ncols * sizeof *f->mem); /* columns come in order: col is the last */
    bn_members *m = &f->mem[col];
    m->rows = NULL;
    m->n = 0;
    tally_bn_col *c = &f->b->cols[col];
    c->base_w = c->base_n = 0;
    if (in_partition) return;
    m->rows = xmalloc_rows((f->N ? f->N : 1) * sizeof *m->rows);
    double w2 = 0;
    for (size_t i = 0; i < f->N; i++) {
        if (!(f->w[i] > 0)) continue;
        if (a && !bn_hit(a, ka, i, f->N)) continue;
        if (in && !bn_hit(in, ki, i, f->N)) continue;
        m->rows[m->n++] = (uint32_t)i;
        c->base_w += f->w[i];
        c->base_n += 1;
        w2 += f->w[i] * f->w[i];
    }
    c->base_eff = w2 > 0 ? c->base_w * c->base_w / w2 : 0;
}

static int build_columns(const tally_dataset *ds, const tally_bn_spec *cols, size_t ncols, const tally_bn_opts *o,
                         bn_frame *f, char **err)
{
    int nested = 0;
    for (size_t j = 0; j < ncols; j++) nested |= cols[j].inner >= 0 || cols[j].inner_set;
    f->b = tally_banner_new(nested ? 2 : 1);
    const char *total = stats_tr(&o->base, "Total");
    size_t span = 0, group = 0, letter = 0;
    if (o->total_first) {
        size_t c = tally_banner_add_col(f->b, total, total, span, "", span + 1, (size_t)-1, 1);
        span += 2;
        add_member_col(f, c, NULL, 0, NULL, 0, 1);
    }
    for (size_t j = 0; j < ncols; j++) {
        bn_items a, in;
        int has_in = cols[j].inner >= 0 || cols[j].inner_set;
        /* a compact variable not nested: its items without per-row arrays, its partition from its codes */
        int by_codes = !has_in && !cols[j].set && cols[j].var >= 0 && (size_t)cols[j].var < ds->ncols &&
                       ds->cols[cols[j].var]->codes;
        int32_t map[256];
        if ((by_codes ? bn_items_by_codes(ds, cols[j].var, o->base.lang, map, &a, err)
                      : bn_items_build(ds, cols[j].var, cols[j].set, o->base.lang, &a, err)) < 0)
            return -1;
        if (has_in && bn_items_build(ds, cols[j].inner, cols[j].inner_set, o->base.lang, &in, err) < 0) {
            bn_items_free(&a);
            return -1;
        }
        size_t top = span++, first = f->b->ncols;
        int partition = !a.is_set && (!has_in || !in.is_set);
        for (size_t ka = 0; ka < a.n; ka++) {
            size_t sub = span++;
            for (size_t ki = 0; ki < (has_in ? in.n : 1); ki++) {
                size_t c = has_in ? tally_banner_add_col(f->b, in.labels[ki], a.title, top, a.labels[ka], sub, group, 0)
                                  : tally_banner_add_col(f->b, a.labels[ka], a.title, top, "", sub, group, 0);
                if (letter < 26) f->b->cols[c].letter[0] = (char)('A' + letter);
                letter++;
                add_member_col(f, c, &a, ka, has_in ? &in : NULL, ki, partition);
            }
            if (has_in) {
                char *name = xasprintf("%s: %s", a.title, a.labels[ka]);
                add_group(f, 0, name);
                free(name);
                group++;
            }
        }
        if (!has_in) {
            add_group(f, !a.is_set, a.title);
            group++;
        }
        if (partition && by_codes) add_partition_codes(f, first, a.n, ds, ds->cols[cols[j].var], map);
        else if (partition) add_partition(f, first, &a, has_in ? &in : NULL);
        bn_items_free(&a);
        if (has_in) bn_items_free(&in);
    }
    if (!o->total_first) {
        size_t c = tally_banner_add_col(f->b, total, total, span, "", span + 1, (size_t)-1, 1);
        add_member_col(f, c, NULL, 0, NULL, 0, 1);
    }
    return 0;
}

void bn_frame_free(bn_frame *f)
{
    for (size_t c = 0; f->b && c < f->b->ncols && f->mem; c++) free_rows(f->mem[c].rows);
    free(f->mem);
    free_rows(f->w);
    free_strings(f->gname, f->ngroups);
    free(f->exclusive);
    for (size_t p = 0; p < f->npart; p++) free_rows(f->pcol[p]);
    free(f->pcol);
    free(f->pfirst);
    free(f->pwidth);
    bn_joints_free(f);
}

/* The frame: weights, then the banner's columns and their members (the template in f->b). */
int bn_frame_build(bn_frame *f, const tally_dataset *ds, const tally_bn_spec *cols, size_t ncols,
                   const tally_bn_opts *o, char **err)
{
    memset(f, 0, sizeof *f);
    const double *wts = stats_weights(ds, &o->base);
    f->weighted = wts != NULL;
    f->N = ds->nrows;
    f->w = xmalloc_rows((f->N ? f->N : 1) * sizeof *f->w);
    for (size_t i = 0; i < f->N; i++) {
        double w = stats_w(wts, tally_row(ds, i));
        f->w[i] = w > 0 ? w : 0;
    }
    if (build_columns(ds, cols, ncols, o, f, err) < 0) return -1;
    f->total = bn_total_col(f->b);
    bn_joints_build(f);
    partition_bases(f);
    return 0;
}
