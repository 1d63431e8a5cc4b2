/* value_labels.c: a column's value labels found by code through a hash index, not a walk over all of them. */
#include "value_labels.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Open addressing: slots hold a label's index + 1, 0 is empty. */
struct tally_label_index {
    size_t *slot;
    size_t mask;
    size_t n; /* labels[0..n) are in the index */
};

static uint64_t code_hash(double code, const char *scode)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    if (scode) {
        for (; *scode; scode++) h = (h ^ (unsigned char)*scode) * 1099511628211u;
        return h;
    }
    if (code == 0) code = 0; /* -0 and 0 are one code */
    uint64_t u;
    memcpy(&u, &code, sizeof u);
    return (u ^ (u >> 29)) * 0x9E3779B97F4A7C15ull;
}

static int same_code(const tally_value_label *l, double code, const char *scode)
{
    return scode ? l->scode && strcmp(l->scode, scode) == 0 : !l->scode && l->code == code;
}

static size_t *probe(const struct tally_label_index *ix, const tally_value_label *labels, double code,
                     const char *scode)
{
    size_t j = code_hash(code, scode) & ix->mask;
    while (ix->slot[j] && !same_code(&labels[ix->slot[j] - 1], code, scode)) j = (j + 1) & ix->mask;
    return &ix->slot[j];
}

/* labels[ix->n .. c->nlabels) into the index (a code already there keeps its first label). */
static void catch_up(tally_column *c)
{
    struct tally_label_index *ix = c->label_index;
    if (!ix) ix = c->label_index = xcalloc(1, sizeof *ix);
    if (!ix->slot || c->nlabels * 2 > ix->mask) {
        size_t mask = 15;
        while (mask < c->nlabels * 2 + 16) mask = mask * 2 + 1;
        free(ix->slot);
        ix->slot = xcalloc(mask + 1, sizeof *ix->slot);
        ix->mask = mask;
        ix->n = 0;
    }
    for (; ix->n < c->nlabels; ix->n++) {
        const tally_value_label *l = &c->labels[ix->n];
        if (!l->scode && l->code != l->code) continue; /* NaN: never found */
        size_t *s = probe(ix, c->labels, l->code, l->scode);
        if (!*s) *s = ix->n + 1;
    }
}

tally_value_label *tally_value_label_find(tally_column *c, double code, const char *scode)
{
    if (c->nlabels >= 8) catch_up(c); /* a handful: the walk is quicker than the index */
    return (tally_value_label *)tally_value_label_lookup(c, code, scode);
}

const tally_value_label *tally_value_label_lookup(const tally_column *c, double code, const char *scode)
{
    if (c->nlabels == 0 || (!scode && code != code)) return NULL;
    const struct tally_label_index *ix = c->label_index;
    if (ix && ix->n == c->nlabels) {
        size_t s = *probe(ix, c->labels, code, scode);
        return s ? &c->labels[s - 1] : NULL;
    }
    for (size_t i = 0; i < c->nlabels; i++)
        if (same_code(&c->labels[i], code, scode)) return &c->labels[i];
    return NULL;
}

void tally_label_index_free(struct tally_label_index *ix)
{
    if (!ix) return;
    free(ix->slot);
    free(ix);
}
