/* moe_note.c: the report-level note with the largest 95% margin of error of the report's percentages. */
#include "banner.h"
#include "ci.h"
#include "dataset.h"
#include "result.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The smallest base a percentage of the report rests on: unweighted cases, its effective base
 * where the table knows it (banners), and whether it is weighted. */
typedef struct moe_base {
    double n, neff;
    int weighted;
} moe_base;

static int has_percent(const tally_table *t)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].type == TALLY_COL_PERCENT) return 1;
    return 0;
}

/* 1 when some cell of rows r0..r1-1 of the banner holds a column percent (not NaN; counts and means
 * have none). */
static int rows_have_col_pct(const tally_banner *bn, size_t r0, size_t r1)
{
    for (size_t i = r0 * bn->ncols; i < r1 * bn->ncols; i++) {
        double pct = bn->stats[i * TALLY_BN_NSTATS + TALLY_BN_COLPCT];
        if (pct == pct) return 1;
    }
    return 0;
}

/* The bases are kept apart by the low-base mark the banner shows on the column: none, "*" or "**". */
enum { TIER_PLAIN, TIER_LOW, TIER_VERYLOW, NTIERS };

typedef struct moe_tiers {
    moe_base tier[NTIERS];
    double low_below, verylow_below; /* the banners' mark levels (the largest when banners differ) */
} moe_tiers;

static void consider(moe_base *b, double n, double neff, int weighted)
{
    if (!(n > 0) || (b->n > 0 && n >= b->n)) return;
    b->n = n, b->weighted = weighted;
    b->neff = !weighted ? n : neff > 0 ? neff : NAN;
}

/* The low-base mark of column c in rows r0..r1-1 (a question's section), as the table shows it. */
static int column_tier(const tally_banner *bn, size_t r0, size_t r1, size_t c)
{
    int fl = 0;
    for (size_t r = r0; r < r1; r++) fl |= bn->flags[r * bn->ncols + c];
    return fl & TALLY_BN_VERYLOW ? TIER_VERYLOW : fl & TALLY_BN_LOW ? TIER_LOW : TIER_PLAIN;
}

static int is_base_row(const tally_banner *bn, size_t r) { return r < bn->nrows && bn->rows[r].type == TALLY_ROW_BASE; }

/* One question's section of a banner, rows r0..r1-1, opened by its base rows (nb of them: the base, and when
 * weighted the unweighted and the effective base): the column percentages rest on the section's bases, which
 * are smaller than the column's respondents when some of them did not answer the question. */
static void consider_section(moe_tiers *m, const tally_banner *bn, size_t r0, size_t nb, size_t r1, int weighted)
{
    if (!rows_have_col_pct(bn, r0, r1)) return; /* a scale question's means */
    tally_banner *b = (tally_banner *)bn; /* tally_banner_cell only reads here */
    for (size_t c = 0; c < bn->ncols; c++) {
        /* the base rows put_bases (stats_banner.c) writes: weighted, three (the weighted base, the unweighted one
         * at r0 + 1, the effective one at r0 + 2); unweighted, one (the base); none: the column's respondents */
        double n = nb == 3   ? tally_banner_cell(b, r0 + 1, c)[TALLY_BN_COUNT]
                   : nb == 1 ? tally_banner_cell(b, r0, c)[TALLY_BN_COUNT]
                             : bn->cols[c].base_n;
        double neff = nb == 3 ? tally_banner_cell(b, r0 + 2, c)[TALLY_BN_COUNT] : bn->cols[c].base_eff;
        int tier = column_tier(bn, r0, r1, c);
        consider(&m->tier[tier], n, neff, weighted);
        if (tier == TIER_LOW && bn->low_base > m->low_below) m->low_below = bn->low_base;
        if (tier == TIER_VERYLOW && bn->very_low_base > m->verylow_below) m->verylow_below = bn->very_low_base;
    }
}

static void smallest_bases(const tally_report *r, moe_tiers *m)
{
    for (size_t i = 0; i < r->ntables; i++) {
        const tally_table *t = r->tables[i];
        const tally_banner *bn = t->banner;
        if (bn && rows_have_col_pct(bn, 0, bn->nrows)) { /* column percentages: every section's column bases, whatever cell
                          * style laid the flat table out (stacked and combined cells are text) */
            for (size_t r0 = 0; r0 < bn->nrows;) {
                size_t nb = 0, r1;
                while (is_base_row(bn, r0 + nb)) nb++;
                for (r1 = r0 + nb; r1 < bn->nrows && !is_base_row(bn, r1); r1++) {}
                consider_section(m, bn, r0, nb, r1, t->pct_weighted);
                r0 = r1;
            }
            continue;
        }
        if (!bn && has_percent(t)) consider(&m->tier[TIER_PLAIN], t->pct_n, NAN, t->pct_weighted);
    }
}

/* Kish's design effect (stats_kish_deff, as rake reports it) of a dataset's weight over its cases
 * with a weight above 0; 1 unweighted. */
static double weight_deff(const tally_dataset *ds)
{
    if (ds->weight < 0) return 1;
    const tally_column *c = ds->cols[ds->weight];
    double s = 0, s2 = 0, n = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        double w = tally_col_num(c, tally_row(ds, i));
        if (w > 0) s += w, s2 += w * w, n++;
    }
    double deff = stats_kish_deff(n, s, s2);
    return deff == deff ? deff : 1;
}

/* The margin at p = 50% (where it is widest) on base b, in percentage points; a weighted base the table
 * knows no effective base of takes the largest design effect among the report's datasets, so that the
 * margin errs on the wide side. */
static double margin_of(const tally_report *r, moe_base *b)
{
    if (b->weighted && !(b->neff > 0)) {
        double deff = 1;
        for (size_t i = 0; i < r->ndatasets; i++) {
            double d = weight_deff(r->datasets[i]);
            if (d > deff) deff = d;
        }
        b->neff = b->n / deff;
    }
    return 100 * tally_ci_z(95) * sqrt(0.25 / b->neff);
}

/* Sets the values PREFIX_max, PREFIX_base and PREFIX_neff of base b; *base_text gets "N = 40" or, weighted,
 * "N = 40 unweighted, effective base 30.2" (the caller frees it); m receives the formatted margin. */
static void set_margin(tally_report *r, const char *lang, const char *prefix, moe_base *b, char *m, size_t mlen,
                       char **base_text)
{
    double moe = margin_of(r, b);
    char n[64], e[64], key[64];
    tally_format_value(lang, TALLY_VALUE_NUMBER, moe, 1, m, mlen);
    tally_format_value(lang, TALLY_VALUE_COUNT, b->n, 0, n, sizeof n);
    tally_format_value(lang, TALLY_VALUE_NUMBER, b->neff, 1, e, sizeof e);
    snprintf(key, sizeof key, "%s_max", prefix), tally_report_set_value(r, key, moe, TALLY_VALUE_NUMBER, m);
    snprintf(key, sizeof key, "%s_base", prefix), tally_report_set_value(r, key, b->n, TALLY_VALUE_COUNT, n);
    snprintf(key, sizeof key, "%s_neff", prefix), tally_report_set_value(r, key, b->neff, TALLY_VALUE_NUMBER, e);
    *base_text = b->weighted ? xasprintf(tally_tr(lang, "N = %s unweighted, effective base %s"), n, e)
                             : xasprintf("N = %s", n);
}

/* The sentence on the headline base: the wording of old when no column carries a low-base mark; when every column
 * does (head is TIER_LOW or TIER_VERYLOW), it names the mark and its level (below) of the columns it rests on. */
static char *headline(const char *lang, int head, int marks_apart, const char *below, const char *m, const char *base)
{
    if (head == TIER_LOW)
        return xasprintf(tally_tr(lang, "Largest margin of error (95%% confidence): ±%s percentage points, for a "
                                        "percentage of 50%% on the smallest base of this report's columns marked * "
                                        "(base below %s; %s). Every column of this report carries a low-base mark."),
                         m, below, base);
    if (head == TIER_VERYLOW)
        return xasprintf(tally_tr(lang, "Largest margin of error (95%% confidence): ±%s percentage points, for a "
                                        "percentage of 50%% on the smallest base of this report's columns, all marked "
                                        "** (base below %s; %s): on so few cases a margin of error says little."),
                         m, below, base);
    if (marks_apart)
        return xasprintf(tally_tr(lang, "Largest margin of error (95%% confidence): ±%s percentage points, for a "
                                        "percentage of 50%% on the smallest base of this report's percentages "
                                        "without a low-base mark (%s)."), m, base);
    return xasprintf(tally_tr(lang, "Largest margin of error (95%% confidence): ±%s percentage points, for a "
                                    "percentage of 50%% on the smallest base of this report's percentages (%s)."),
                     m, base);
}

/* Appends sentence s (freed) to *note: a space between sentences, none in Chinese. */
static void append_sentence(char **note, const char *lang, char *s)
{
    char *joined = xasprintf("%s%s%s", *note, lang && !strncmp(lang, "zh", 2) ? "" : " ", s);
    free(*note), free(s);
    *note = joined;
}

/* The headline is the smallest base without a low-base mark: every figure a reader sees unmarked has a margin no
 * wider. Columns marked * get a margin of their own; columns marked ** are too small for a margin to mean much
 * and are only named. With no unmarked base the headline falls to the * columns, then to the ** columns, and says
 * that it rests on marked columns. */
void tally_report_moe_note(tally_report *r, const char *lang)
{
    moe_tiers t = {.tier = {{0, NAN, 0}, {0, NAN, 0}, {0, NAN, 0}}};
    smallest_bases(r, &t);
    int head = t.tier[TIER_PLAIN].n > 0 ? TIER_PLAIN : t.tier[TIER_LOW].n > 0 ? TIER_LOW : TIER_VERYLOW;
    if (!(t.tier[head].n > 0)) return;
    int low_apart = head == TIER_PLAIN && t.tier[TIER_LOW].n > 0;
    int verylow_apart = head != TIER_VERYLOW && t.tier[TIER_VERYLOW].n > 0;
    char m[64], *base, a[64] = "";
    set_margin(r, lang, "moe", &t.tier[head], m, sizeof m, &base);
    if (head != TIER_PLAIN) { /* every column is marked: the level of the headline's mark */
        double below = head == TIER_LOW ? t.low_below : t.verylow_below;
        tally_format_value(lang, TALLY_VALUE_COUNT, below, 0, a, sizeof a);
        tally_report_set_value(r, "moe_mark_below", below, TALLY_VALUE_COUNT, a);
    }
    char *note = headline(lang, head, low_apart || verylow_apart, a, m, base);
    free(base);
    if (low_apart) {
        set_margin(r, lang, "moe_low", &t.tier[TIER_LOW], m, sizeof m, &base);
        tally_format_value(lang, TALLY_VALUE_COUNT, t.low_below, 0, a, sizeof a);
        tally_report_set_value(r, "moe_low_below", t.low_below, TALLY_VALUE_COUNT, a);
        append_sentence(&note, lang, xasprintf(tally_tr(lang, "Columns marked * (base below %s) have wider margins, "
                                                              "up to ±%s percentage points (%s)."), a, m, base));
        free(base);
    }
    if (verylow_apart) {
        tally_format_value(lang, TALLY_VALUE_COUNT, t.verylow_below, 0, a, sizeof a);
        tally_report_set_value(r, "moe_left_out_below", t.verylow_below, TALLY_VALUE_COUNT, a);
        append_sentence(&note, lang, xasprintf(tally_tr(lang, "Columns marked ** (base below %s) are left out of these "
                                                              "figures: on so few cases a margin of error says little."), a));
    }
    tally_report_set_text(r, "moe_note", note);
    free(note);
}
