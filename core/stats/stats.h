/* stats.h: the statistics kernels (frequencies, multiple response, crosstabs, descriptives, ...). */
#ifndef TALLY_STATS_H
#define TALLY_STATS_H

#include <stddef.h>
#include "dataset.h"
#include "result.h"

/*
 * Every kernel reads the rows of `ds` (respecting its selection), optionally
 * weighted by ds->weight, and returns a NEW tally_table (one reference, the
 * caller unrefs it) in SPSS layout: id, title, question, base text, typed
 * columns and rows, notes and a chart. On bad input a kernel returns NULL and
 * stores a new message in *err (caller frees).
 *
 * Conventions shared by all kernels (documented for report readers too):
 * - Weights: a case whose weight is missing, zero or negative is left out (as
 *   SPSS and PSPP do). Weighted tables state the weighted and the unweighted base.
 * - Missing: NaN is system-missing; codes and ranges declared on the column are
 *   user-missing; for string variables the empty string is system-missing.
 * - Categories come in code order (strings in byte order); labelled values
 *   that never occur are left out, as PSPP FREQUENCIES does.
 * - Percent cells hold 0..100.
 */

typedef struct tally_stats_opts {
    int weighted;        /* 1: use ds->weight when the dataset has one */
    const char *lang;    /* report language for UI text ("de"), NULL: English */
    const char *id;      /* table id, NULL: the kernel's default ("freq_q1") */
    const char *title;   /* table title, NULL: variable (or set) label, else name */
    const char *question;/* question text, NULL: the variable label when the title is set */
    tally_chart_kind chart; /* chart bound to the table; TALLY_CHART_NONE for none */
    int count_decimals;  /* decimals of weighted counts (0: whole numbers, as SPSS shows them) */
} tally_stats_opts;

/* Defaults: weighted, English, default id and title, no chart. */
void tally_stats_opts_init(tally_stats_opts *o);

/* ---- frequencies (stats_freq.c) ------------------------------------------------
 * Columns: label, Count, Percent, Valid percent, Cumulative percent. Rows: one
 * CATEGORY row per valid value, then (only when there are missing cases) a
 * TOTAL row "Valid total", MISSING rows (user-missing codes in code order with
 * their labels, then "System missing"), and the TOTAL row "Total". */
/* A speed hint for a table of each of several variables (a frequencies stage): their
 * weighted per-code histograms counted in one pass over the weights and kept with a
 * mapped column cache's or a frozen dataset's memo (stats_hist_codes_prefetch, tally_memo_for);
 * the figures are the same without it. */
void tally_stats_prefetch(const tally_dataset *ds, const int *cols, size_t n, const tally_stats_opts *o);
tally_table *tally_stats_frequencies(const tally_dataset *ds, int col, const tally_stats_opts *o, char **err);

/* ---- multiple response (stats_mr.c) -------------------------------------------
 * Dichotomy sets count a case for a variable when its value equals the set's
 * counted value; category sets count each valid value once per case. Columns:
 * label, Responses, Percent of responses, Percent of cases. base_all=0: the
 * base is the cases with at least one answer (SPSS MULT RESPONSE), 1: all cases. */
tally_table *tally_stats_multiresponse(const tally_dataset *ds, const tally_mrset *set, int base_all,
                                       const tally_stats_opts *o, char **err);

/* ---- crosstabs and banners (stats_crosstab.c) --------------------------------- */
enum {
    TALLY_XTAB_COUNT = 1, /* cell counts */
    TALLY_XTAB_COL = 2,   /* column percents */
    TALLY_XTAB_ROW = 4,   /* row percents */
    TALLY_XTAB_TOTAL = 8  /* total percents */
};
/* The defaults crosstabs and banners share: counts and column percents; columns with an
 * unweighted base under 30 are not tested. */
#define TALLY_XTAB_DEFAULT_CELLS (TALLY_XTAB_COUNT | TALLY_XTAB_COL)
#define TALLY_XTAB_MIN_TEST_BASE 30

typedef struct tally_xtab_opts {
    tally_stats_opts base;
    int cells;         /* TALLY_XTAB_* bits; 0 means COUNT|COL */
    int tests;         /* 1: column-proportion z-tests with letters */
    double min_base;   /* columns with a smaller (unweighted) base are not tested */
    int total_col;     /* 1: add a Total column (always on for banners) */
} tally_xtab_opts;

void tally_xtab_opts_init(tally_xtab_opts *o);

/* Pearson chi-square of one row-by-column table. */
typedef struct tally_xtab_stats {
    double chisq, p, cramers_v, n;
    int df;
} tally_xtab_stats;

/* Row variable `row` by each of ncolvars column variables (a banner when
 * ncolvars > 1, each variable a column group, plus a Total column). `stats`,
 * when not NULL, receives ncolvars results (NaN when a test cannot run). */
tally_table *tally_stats_crosstab(const tally_dataset *ds, int row, const int *colvars, size_t ncolvars,
                                  const tally_xtab_opts *o, tally_xtab_stats *stats, char **err);

/* ---- banner tables (stats_banner.c, banner_tests.c, banner_flat.c) -----------
 * Row questions (single variables, multiple-response sets, scale variables) by
 * banner columns (Total, then each category of each banner variable; a
 * banner variable may be a set, or "outer>inner" nested). The table carries
 * the banner model (banner.h) and a flat rendering of it for the outputs. */
typedef struct tally_bn_net {
    const char *label;
    const double *codes;
    size_t ncodes;
} tally_bn_net;

typedef struct tally_bn_opts {
    tally_stats_opts base;
    int cells;            /* TALLY_XTAB_* bits; 0 means COUNT|COL */
    int tests;            /* 1: column proportions and means compared, letters */
    int welch;            /* 1: means compared by Welch's t-test, else pooled variance */
    int bonferroni;       /* 1: p multiplied by the pairs compared in the column group */
    double sig_upper, sig_lower; /* letter levels: upper case below sig_upper, lower below sig_lower */
    double min_base;      /* columns with a smaller unweighted base are not tested */
    double low_base, very_low_base; /* "*" and "**" marks below these unweighted bases */
    int total_first;      /* 1: Total is the first column (default), 0: last */
    int sort;             /* 1: categories by the Total column, descending */
    int hide_empty;       /* 1: rows zero in every column left out */
    const char *cell_style; /* flat layout: "stacked", "combined", "separate" */
    const tally_bn_net *nets;
    size_t nnets;
    double ci;            /* a confidence level in percent (95): intervals of column % and means; 0 none */
} tally_bn_opts;

void tally_bn_opts_init(tally_bn_opts *o);

/* A row question or a banner variable: a variable (var >= 0) or a set. For a
 * banner variable, inner (>= 0 or inner_set) nests a second variable inside. */
typedef struct tally_bn_spec {
    int var;
    const tally_mrset *set;
    int scale;            /* rows: 1 shows Mean, Std. deviation, Median, N */
    int inner;
    const tally_mrset *inner_set;
} tally_bn_spec;

tally_table *tally_stats_banner(const tally_dataset *ds, const tally_bn_spec *rows, size_t nrows,
                                const tally_bn_spec *cols, size_t ncols, const tally_bn_opts *o, char **err);
/* A tab book: one table per row question (out[0..nrows-1], new references), the banner's
 * columns built once for all. Returns 0, or -1 with *err and no tables. */
int tally_stats_banner_book(const tally_dataset *ds, const tally_bn_spec *rows, size_t nrows,
                            const tally_bn_spec *cols, size_t ncols, const tally_bn_opts *o, tally_table **out,
                            char **err);

/* Two-sided p of a z, t (df) or chi-square (df) statistic (GNU GSL). */
double tally_stats_t_p2(double t, double df);

/* ---- descriptives (stats_desc.c) ----------------------------------------------
 * One row per variable; columns N, Mean, Std. deviation (denominator: sum of
 * weights - 1), Minimum, Maximum, Median, 25th and 75th percentiles (HAVERAGE,
 * the default of SPSS and PSPP EXAMINE: position (W+1)p), plus "Unweighted N"
 * when weighted. Missing values are excluded variable by variable. */
tally_table *tally_stats_descriptives(const tally_dataset *ds, const int *cols, size_t ncols,
                                      const tally_stats_opts *o, char **err);

/* The HAVERAGE percentile (p in 0..1) of n values with weights (NULL: all 1);
 * `v` and `w` are reordered. NaN when n == 0. */
double tally_stats_percentile(double *v, double *w, size_t n, double p);

/* ---- Likert scales (stats_likert.c) ------------------------------------------- */
typedef struct tally_likert_opts {
    tally_stats_opts base;
    const double *scale; /* scale codes low to high; NULL: the valid codes seen, with labels */
    size_t nscale;
    int box;             /* codes in the top and bottom box, default 2 */
} tally_likert_opts;

void tally_likert_opts_init(tally_likert_opts *o);
/* Items as rows; columns: each scale point (percent of valid answers), Mean,
 * Top-N box, Bottom-N box, Net (top - bottom), N. */
tally_table *tally_stats_likert(const tally_dataset *ds, const int *cols, size_t ncols,
                                const tally_likert_opts *o, char **err);

/* ---- timelines and rankings (stats_time.c) ------------------------------------- */
typedef struct tally_timeline_opts {
    tally_stats_opts base;
    int by_decade;       /* 1: every year goes into its decade ("1990s") */
    double decades_until;/* years before this one go into decades, later ones by year; NaN: off */
    double from, to;     /* year range filled with zero rows; NaN: the data's range */
} tally_timeline_opts;

void tally_timeline_opts_init(tally_timeline_opts *o);
/* Rows in time order, columns: Period, Count, Percent. Chart: column (default). */
tally_table *tally_stats_timeline(const tally_dataset *ds, int col, const tally_timeline_opts *o, char **err);

typedef struct tally_ranking_opts {
    tally_stats_opts base;
    size_t top;          /* rows shown, default 10; 0: all */
    int other_row;       /* 1: add an "Other" row summing the rest */
} tally_ranking_opts;

void tally_ranking_opts_init(tally_ranking_opts *o);
/* Top categories of a variable (col >= 0) or of a multiple-response set (set
 * != NULL), by count descending; ties in code order. Columns: Rank, label,
 * Count, Percent (of valid cases; of cases with an answer for a set). */
tally_table *tally_stats_ranking(const tally_dataset *ds, int col, const tally_mrset *set,
                                 const tally_ranking_opts *o, char **err);

/* ---- distributions (stats_common.c) -------------------------------------------- */
/* Upper tail of the chi-square distribution, P(X > x) with df degrees of freedom. */
double tally_stats_chisq_p(double x, double df);
/* Regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x). */
double tally_stats_gamma_p(double a, double x);
double tally_stats_gamma_q(double a, double x);
/* Two-sided p-value of a standard normal z. */
double tally_stats_normal_p2(double z);

/* ---- the report's margin-of-error note (moe_note.c) ---------------------------- */
/* Sets the named values of the report-level margin-of-error note (moe_max, moe_base, moe_neff,
 * moe_note) from the report's tables and datasets; nothing when no table shows percentages on a
 * known base. `lang` is the report language. */
void tally_report_moe_note(tally_report *r, const char *lang);

#endif
