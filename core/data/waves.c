/* waves.c: appending survey waves into one dataset with a wave variable; labels merged, mismatches reported. */
#include "waves.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note(char ***notes, size_t *n, char *text)
{
    *notes = xrealloc(*notes, (*n + 1) * sizeof **notes);
    (*notes)[(*n)++] = text;
}

/* Adds the value labels and missing codes of src that dst lacks; a differing label is a note. */
static void merge_meta(tally_column *dst, const tally_column *src, const char *first_wave, const char *wave,
                       char ***notes, size_t *nnotes)
{
    if (!dst->label && src->label) tally_column_set_label(dst, src->label);
    for (size_t i = 0; i < src->nlabels; i++) {
        const tally_value_label *l = &src->labels[i];
        const char *have = l->scode ? tally_column_string_value_label(dst, l->scode) : tally_column_value_label(dst, l->code);
        if (!have) {
            if (l->scode) tally_column_add_string_value_label(dst, l->scode, l->label);
            else tally_column_add_value_label(dst, l->code, l->label);
        } else if (strcmp(have, l->label) != 0) {
            char code[64];
            if (l->scode) snprintf(code, sizeof code, "'%s'", l->scode);
            else snprintf(code, sizeof code, "%g", l->code);
            note(notes, nnotes, xasprintf("'%s': the value %s is labelled '%s' in %s but '%s' in %s; '%s' is kept.",
                                          dst->name, code, have, first_wave, l->label, wave, have));
        }
    }
    for (size_t i = 0; i < src->nmissing; i++)
        if (!tally_column_is_user_missing(dst, src->missing[i])) tally_column_add_missing(dst, src->missing[i]);
}

/* The merged column `name` over every part, cells copied in order. */
static tally_column *stack_column(const tally_dataset *const *parts, const char *const *labels, size_t n,
                                  size_t total, const char *name, char ***notes, size_t *nnotes, char **err)
{
    tally_column *out = NULL;
    const char *first_wave = NULL;
    size_t at = 0;
    for (size_t p = 0; p < n; p++) {
        const tally_dataset *ds = parts[p];
        int c = tally_dataset_find(ds, name);
        if (c < 0) {
            note(notes, nnotes, xasprintf("'%s' is not in %s: missing there.", name, labels[p]));
            at += ds->nrows;
            continue;
        }
        const tally_column *src = ds->cols[c];
        if (!out) {
            out = tally_column_new(name, src->type, total);
            tally_column_copy_meta(out, src);
            first_wave = labels[p];
        } else if (out->type != src->type) {
            *err = xasprintf("append: '%s' is %s in %s but %s in %s; recode one of them so that both are numbers "
                             "or both text", name, out->type == TALLY_STRING ? "text" : "numeric", first_wave,
                             src->type == TALLY_STRING ? "text" : "numeric", labels[p]);
            tally_column_unref(out);
            return NULL;
        } else {
            merge_meta(out, src, first_wave, labels[p], notes, nnotes);
        }
        for (size_t i = 0; i < ds->nrows; i++, at++) {
            size_t ph = tally_row(ds, i);
            if (src->type == TALLY_STRING) {
                const char *s = tally_column_string(src, ph);
                tally_column_set_string(out, at, s, strlen(s));
            } else {
                out->num[at] = tally_col_num(src, ph);
            }
        }
    }
    return out;
}

tally_dataset *tally_waves_append(const tally_dataset *const *parts, const char *const *labels, size_t n,
                                  const char *name, const char *wave, char ***notes, size_t *nnotes, char **err)
{
    size_t total = 0;
    for (size_t p = 0; p < n; p++) {
        total += parts[p]->nrows;
        if (tally_dataset_find(parts[p], wave) >= 0) {
            *err = xasprintf("append: %s already has a variable '%s'; name the wave variable otherwise (wave = ...)",
                             labels[p], wave);
            return NULL;
        }
    }
    tally_dataset *out = tally_dataset_new(name);
    tally_dataset_resize(out, total);
    /* names in order: the first wave's columns, then each later wave's new ones */
    for (size_t p = 0; p < n; p++)
        for (size_t c = 0; c < parts[p]->ncols; c++) {
            const char *cn = parts[p]->cols[c]->name;
            if (tally_dataset_find(out, cn) >= 0) continue;
            tally_column *col = stack_column(parts, labels, n, total, cn, notes, nnotes, err);
            if (!col) {
                tally_dataset_free(out);
                return NULL;
            }
            tally_dataset_attach_column(out, col);
            tally_column_unref(col);
        }
    tally_column *w = tally_column_new(wave, TALLY_NUMERIC, total);
    size_t at = 0;
    for (size_t p = 0; p < n; p++) {
        for (size_t i = 0; i < parts[p]->nrows; i++) w->num[at++] = (double)p + 1;
        tally_column_add_value_label(w, (double)p + 1, labels[p]);
    }
    tally_column_set_label(w, tally_tr(NULL, "Wave"));
    w->measure = TALLY_ORDINAL;
    tally_dataset_attach_column(out, w);
    tally_column_unref(w);
    /* the weight carries over when every wave has the same one */
    const char *wn = parts[0]->weight >= 0 ? parts[0]->cols[parts[0]->weight]->name : NULL;
    for (size_t p = 1; wn && p < n; p++)
        if (parts[p]->weight < 0 || strcmp(parts[p]->cols[parts[p]->weight]->name, wn) != 0) {
            note(notes, nnotes, xasprintf("The waves are not weighted by one variable ('%s' in %s): the stacked "
                                          "data is unweighted.", wn, labels[0]));
            wn = NULL;
        }
    if (wn) tally_dataset_set_weight(out, tally_dataset_find(out, wn));
    for (size_t p = 0; p < n; p++)
        if (parts[p]->nmrsets) {
            sbuf sets;
            sbuf_init(&sets);
            for (size_t i = 0; i < parts[p]->nmrsets; i++) sbuf_printf(&sets, "%s%s", i ? ", " : "", parts[p]->mrsets[i].name);
            note(notes, nnotes, xasprintf("The multiple-response sets of %s (%s) are not carried over to the stacked "
                                          "data.", labels[p], sets.data));
            sbuf_free(&sets);
        }
    sbuf src;
    sbuf_init(&src);
    for (size_t p = 0; p < n; p++)
        sbuf_printf(&src, "%s%s", p ? "; " : "", parts[p]->source ? parts[p]->source : parts[p]->name);
    tally_dataset_set_source(out, src.data);
    sbuf_free(&src);
    return out;
}
