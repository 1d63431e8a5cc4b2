/* tally/plugin.h: the one public header a tally plugin includes (ABI, descriptor, host table). */
#ifndef TALLY_PLUGIN_H
#define TALLY_PLUGIN_H

/*
 * A plugin is a shared object that exports one symbol, TALLY_PLUGIN_ENTRY_NAME,
 * a function returning a pointer to a static const tally_plugin_descriptor.
 *
 * The plugin never links against the core. Everything it needs from the host
 * (logging, errors, options, building datasets, reading results) comes through
 * the tally_host table passed to each callback. The table is append-only: new
 * functions are added at the end and bump TALLY_ABI_MINOR; host->size tells a
 * plugin which entries exist (see TALLY_HOST_HAS).
 *
 * Ownership: every `const char *` returned by the host is borrowed and stays
 * valid until the object it came from is freed by the host (for a report or a
 * dataset: until the callback returns). Strings passed to the host are copied.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TALLY_ABI_MAJOR 1
#define TALLY_ABI_MINOR 6
#define TALLY_PLUGIN_ENTRY_NAME "tally_plugin_entry"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tally_ctx tally_ctx;         /* per-call context: errors, log, plugin name */
typedef struct tally_options tally_options; /* validated option values of one config block */
typedef struct tally_dataset tally_dataset; /* columnar data with survey metadata */
typedef struct tally_report tally_report;   /* ordered results of all stages */
typedef struct tally_table tally_table;     /* one result table */

typedef enum { TALLY_PLUGIN_INPUT = 1, TALLY_PLUGIN_OUTPUT = 2 } tally_plugin_kind;

/* ---- option declarations ------------------------------------------------ */

typedef enum {
    TALLY_OPT_STRING = 1, /* any text */
    TALLY_OPT_PATH,       /* text; relative paths are resolved against the config's folder */
    TALLY_OPT_INT,        /* integer; range checked when min < max */
    TALLY_OPT_NUMBER,     /* real number; range checked when min < max */
    TALLY_OPT_BOOL,       /* true/false */
    TALLY_OPT_CHOICE,     /* one of `choices`, written "a|b|c" */
    TALLY_OPT_LIST        /* a list of strings: { "a", "b" } (a single string is a list of one) */
} tally_opt_type;

typedef struct tally_option_decl {
    const char *name;
    tally_opt_type type;
    int required;              /* 1: the config must set it */
    const char *default_value; /* textual default ("," / "true" / "1"), NULL for none */
    const char *choices;       /* TALLY_OPT_CHOICE: "a|b|c" */
    double min, max;           /* INT/NUMBER: inclusive range, checked when min < max */
    const char *help;          /* one line, shown by `tally plugins NAME` */
} tally_option_decl;

/* ---- values and metadata ------------------------------------------------ */

typedef enum { TALLY_NUMERIC = 1, TALLY_STRING = 2 } tally_var_type;
typedef enum { TALLY_MEASURE_UNKNOWN = 0, TALLY_NOMINAL, TALLY_ORDINAL, TALLY_SCALE } tally_measure;
typedef enum { TALLY_MRSET_DICHOTOMY = 1, TALLY_MRSET_CATEGORY = 2 } tally_mrset_kind;
/* What a numeric column's values mean when it holds dates or times (var_set_date's
 * second argument; 0 means a plain number). */
typedef enum {
    TALLY_DATE_NONE = 0,
    TALLY_DATE_DAYS = 1,     /* a calendar date: days since 1970-01-01 */
    TALLY_DATE_DATETIME = 2, /* a point in time: seconds since 1970-01-01T00:00:00 */
    TALLY_DATE_TIME = 3      /* a time of day or a duration: seconds */
} tally_date_kind;

/* Stata and SAS extended missing values .a-.z (as readers keep them, user-missing codes):
 * the doubles Stata itself stores for them, beyond every real value, in tag order. */
#define TALLY_TAGGED_MISSING_BASE 8.98846567431157953865e307 /* 2^1023 exactly: Stata's "." */
static inline double tally_tagged_missing_code(char tag)
{
    /* .a = 2^1023 * (1 + 1/4096), .b = 2^1023 * (1 + 2/4096), ... (Stata's layout) */
    return TALLY_TAGGED_MISSING_BASE * (1.0 + (double)(tag - 'a' + 1) / 4096.0);
}
/* 'a'..'z' when v is the code of a tagged missing value, else 0. */
static inline char tally_tagged_missing_tag(double v)
{
    if (!(v > TALLY_TAGGED_MISSING_BASE)) return 0;
    double k = (v / TALLY_TAGGED_MISSING_BASE - 1.0) * 4096.0;
    int i = (int)(k + 0.5);
    return (i >= 1 && i <= 26 && k == (double)i) ? (char)('a' + i - 1) : 0;
}

/* Result table column types; percents are stored as 0..100. */
typedef enum {
    TALLY_COL_LABEL = 1, TALLY_COL_COUNT, TALLY_COL_PERCENT, TALLY_COL_NUMBER,
    TALLY_COL_MEAN, TALLY_COL_LETTERS, TALLY_COL_TEXT
} tally_col_type;

typedef enum {
    TALLY_ROW_CATEGORY = 1, TALLY_ROW_MISSING, TALLY_ROW_TOTAL, TALLY_ROW_NET,
    TALLY_ROW_BASE, TALLY_ROW_STAT, TALLY_ROW_SECTION
} tally_row_type;

typedef enum {
    TALLY_CHART_NONE = 0, TALLY_CHART_BAR, TALLY_CHART_COLUMN, TALLY_CHART_PIE, TALLY_CHART_LINE,
    TALLY_CHART_STACKED_BAR /* ABI 1.3: 100%-stacked horizontal bars, one per row, a segment per series */
} tally_chart_kind;

/* The statistics a banner cell keeps apart (bn_cell); NaN when not computed. */
typedef enum {
    TALLY_BN_COUNT = 0, /* weighted count: category, net and base rows */
    TALLY_BN_COLPCT,    /* percent of the column's base, 0..100 */
    TALLY_BN_ROWPCT,    /* percent of the row's Total-column count */
    TALLY_BN_TOTPCT,    /* percent of the Total column's base */
    TALLY_BN_MEAN,      /* STAT rows of a scale question: Mean, Std. deviation, Median (N is a COUNT) */
    /* ---- ABI 1.4 ---- confidence interval (banner option `ci`): of the column % (Wilson, 0..100) on
     * category and net rows, of the mean (t) on the Mean row; both on the column's effective base.
     * A host before 1.4 answers NaN. */
    TALLY_BN_CI_LO,
    TALLY_BN_CI_HI,
    TALLY_BN_NSTATS
} tally_bn_stat;

/* Flags of a banner cell or column (bn_cell_flags, bn_col_flags). */
enum {
    TALLY_BN_UNTESTED = 1, /* not tested: 0% or 100%, or the column's base below min_base */
    TALLY_BN_LOW = 2,      /* unweighted base below the low-base mark ("*") */
    TALLY_BN_VERYLOW = 4,  /* unweighted base below the very-low-base mark ("**") */
    TALLY_BN_EXTREME = 8   /* a proportion of 0% or 100%: not compared */
};
/* What a named value is, so that templates write it as such ("< .001", "1.234", "78,9 %"). */
typedef enum {
    TALLY_VALUE_TEXT = 0, TALLY_VALUE_NUMBER, TALLY_VALUE_COUNT, TALLY_VALUE_PERCENT, /* 0..100 */
    TALLY_VALUE_PROPORTION /* 0..1 */, TALLY_VALUE_P, TALLY_VALUE_STATISTIC
} tally_value_kind;

typedef enum { TALLY_LOG_ERROR = 0, TALLY_LOG_WARN, TALLY_LOG_INFO, TALLY_LOG_DEBUG } tally_log_level;

/* The names of the table enums above as configs, Lua stages and the JSON output spell
 * them: one table per enum, here beside it, so that a new value gets its name once.
 * NULL for a value without a name; tally_enum_lookup finds a name's value. */
#define TALLY_ENUM_NAME(names, v) ((unsigned)(v) < sizeof(names) / sizeof(names)[0] ? (names)[v] : NULL)
static inline const char *tally_col_type_name(int t)
{
    static const char *const names[] = {NULL, "label", "count", "percent", "number", "mean", "letters", "text"};
    return TALLY_ENUM_NAME(names, t);
}
static inline const char *tally_row_type_name(int t)
{
    static const char *const names[] = {NULL, "category", "missing", "total", "net", "base", "stat", "section"};
    return TALLY_ENUM_NAME(names, t);
}
static inline const char *tally_chart_kind_name(int k)
{
    static const char *const names[] = {"none", "bar", "column", "pie", "line", "stacked"};
    return TALLY_ENUM_NAME(names, k);
}
/* The value whose name_of(value) is `name` (values 0..63 are tried), else -1. */
static inline int tally_enum_lookup(const char *(*name_of)(int), const char *name)
{
    for (int v = 0; v < 64; v++) {
        const char *n = name_of(v);
        if (n && name && strcmp(n, name) == 0) return v;
    }
    return -1;
}

/* ---- the host function table -------------------------------------------- */

typedef struct tally_host {
    uint32_t size;      /* sizeof(tally_host) as the host was built */
    uint32_t abi_major; /* TALLY_ABI_MAJOR of the host */
    uint32_t abi_minor; /* TALLY_ABI_MINOR of the host */

    /* Logging and errors. error() records the message the run reports; the
     * plugin then returns non-zero. Say what, where (file:line or row/column)
     * and what to do. */
    void (*log)(tally_ctx *ctx, tally_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    void (*error)(tally_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    /* Test builds only: returns 1 when TALLY_FAULT names `point` (fault injection). */
    int (*fault)(tally_ctx *ctx, const char *point);

    /* Options (already validated against the declarations; defaults filled in). */
    int (*opt_is_set)(const tally_options *o, const char *name);
    const char *(*opt_string)(const tally_options *o, const char *name); /* NULL if unset */
    int64_t (*opt_int)(const tally_options *o, const char *name);
    double (*opt_number)(const tally_options *o, const char *name);
    int (*opt_bool)(const tally_options *o, const char *name);
    size_t (*opt_list_len)(const tally_options *o, const char *name);
    const char *(*opt_list_item)(const tally_options *o, const char *name, size_t i);
    /* The file the block came from and its line, for messages. */
    const char *(*opt_where)(const tally_options *o);

    /* Building a dataset (input plugins). Columns are created first, then
     * ds_resize sets the row count; numeric cells start as system-missing. */
    int (*ds_add_column)(tally_dataset *ds, const char *name, tally_var_type type); /* index or -1 */
    int (*ds_resize)(tally_dataset *ds, size_t nrows);               /* 0 ok, -1 out of memory */
    double *(*ds_numeric_data)(tally_dataset *ds, int col);          /* writable, valid until resize */
    int (*ds_set_string)(tally_dataset *ds, int col, size_t row, const char *s, size_t len);
    void (*ds_set_source)(tally_dataset *ds, const char *description);
    void (*var_set_label)(tally_dataset *ds, int col, const char *label);
    void (*var_set_measure)(tally_dataset *ds, int col, tally_measure m);
    void (*var_set_format)(tally_dataset *ds, int col, const char *format, int width, int decimals);
    void (*var_add_value_label)(tally_dataset *ds, int col, double code, const char *label);
    void (*var_add_string_value_label)(tally_dataset *ds, int col, const char *code, const char *label);
    void (*var_add_missing)(tally_dataset *ds, int col, double code);
    void (*var_add_missing_string)(tally_dataset *ds, int col, const char *code);
    void (*var_set_missing_range)(tally_dataset *ds, int col, double lo, double hi);
    /* Multiple-response set over existing columns; returns its index or -1. */
    int (*ds_add_mrset)(tally_dataset *ds, const char *name, const char *label, tally_mrset_kind kind,
                        double counted_value, const int *cols, size_t ncols);
    void (*ds_set_weight)(tally_dataset *ds, int col);
    void (*var_set_date)(tally_dataset *ds, int col, int kind); /* a tally_date_kind */

    /* Reading a dataset (outputs that write raw data; `tally describe`). Rows
     * are those of the dataset's selection, 0..ds_nrows-1. */
    size_t (*ds_nrows)(const tally_dataset *ds);
    int (*ds_ncols)(const tally_dataset *ds);
    const char *(*var_name)(const tally_dataset *ds, int col);
    const char *(*var_label)(const tally_dataset *ds, int col);
    tally_var_type (*var_type)(const tally_dataset *ds, int col);
    double (*ds_number)(const tally_dataset *ds, int col, size_t row); /* NaN = system-missing */
    const char *(*ds_string)(const tally_dataset *ds, int col, size_t row);

    /* Reading the report (output plugins). */
    const char *(*rep_meta)(const tally_report *r, const char *key); /* title, subtitle, author,
                                                    subject, language, source, date; NULL if unset */
    size_t (*rep_ntables)(const tally_report *r);
    const tally_table *(*rep_table)(const tally_report *r, size_t i);
    const tally_table *(*rep_find_table)(const tally_report *r, const char *id);
    size_t (*rep_nvalues)(const tally_report *r);
    const char *(*rep_value_name)(const tally_report *r, size_t i);
    const char *(*rep_value_text)(const tally_report *r, const char *name); /* formatted; NULL if none */
    int (*rep_value_number)(const tally_report *r, const char *name, double *out); /* 1 if numeric */
    const tally_dataset *(*rep_dataset)(const tally_report *r, const char *name); /* NULL if none */
    const char *(*rep_tr)(const tally_report *r, const char *english); /* UI text in report language */

    const char *(*tab_id)(const tally_table *t);
    const char *(*tab_title)(const tally_table *t);
    const char *(*tab_question)(const tally_table *t); /* NULL if none */
    const char *(*tab_base)(const tally_table *t);     /* "N = 46, more than one answer possible" */
    size_t (*tab_nnotes)(const tally_table *t);
    const char *(*tab_note)(const tally_table *t, size_t i);
    size_t (*tab_ncols)(const tally_table *t);
    const char *(*tab_col_label)(const tally_table *t, size_t c);
    const char *(*tab_col_group)(const tally_table *t, size_t c); /* banner header spanning columns, NULL */
    tally_col_type (*tab_col_type)(const tally_table *t, size_t c);
    int (*tab_col_decimals)(const tally_table *t, size_t c);
    size_t (*tab_nrows)(const tally_table *t);
    tally_row_type (*tab_row_type)(const tally_table *t, size_t r);
    /* A cell is a number (NaN: empty) or a text; tab_cell_text is NULL for numbers. */
    double (*tab_cell_number)(const tally_table *t, size_t r, size_t c);
    const char *(*tab_cell_text)(const tally_table *t, size_t r, size_t c);
    /* Formats a cell as the report shows it ("35.2%" with the column's decimals); returns buf. */
    const char *(*tab_cell_format)(const tally_table *t, size_t r, size_t c, char *buf, size_t bufsize);
    tally_chart_kind (*tab_chart_kind)(const tally_table *t);
    const char *(*tab_chart_title)(const tally_table *t);
    size_t (*tab_chart_nseries)(const tally_table *t);
    size_t (*tab_chart_series)(const tally_table *t, size_t i); /* a column index */
    /* Rows the chart plots: categories and nets, not totals, bases or missing. */
    int (*tab_chart_uses_row)(const tally_table *t, size_t r);

    /* ---- ABI 1.1 ---------------------------------------------------------- */
    /* Like ds_resize, but new numeric cells are left unset: for readers that
     * write every cell anyway (saves a pass over the memory). */
    int (*ds_resize_uninit)(tally_dataset *ds, size_t nrows);
    /* Compact storage for a categorical numeric column: `levels` (ascending,
     * at most TALLY_MAX_LEVELS, copied) are its distinct values; returns the one-byte cells
     * to fill (ds_nrows of them), each an index into levels or
     * TALLY_CODE_MISSING for system-missing; NULL on a bad argument. Valid
     * until the next resize. */
    uint8_t *(*ds_codes_data)(tally_dataset *ds, int col, const double *levels, unsigned nlevels);

    /* ---- ABI 1.2 ---------------------------------------------------------- */
    /* Like ds_codes_data, but the column takes `codes` (malloc'ed, its first
     * ds_nrows cells filled) as its cells: on 0 the dataset owns and frees
     * it; on -1 (a bad argument) the caller still does. Spares a reader that
     * parsed straight into its own buffer a copy of it. */
    int (*ds_adopt_codes)(tally_dataset *ds, int col, uint8_t *codes, const double *levels, unsigned nlevels);
    /* The same for a numeric column's doubles (malloc'ed, ds_nrows filled). */
    int (*ds_adopt_numeric)(tally_dataset *ds, int col, double *num);

    /* ---- ABI 1.3 ---------------------------------------------------------- */
    /* A string column whose empty cells are a real (blank) answer, not missing:
     * SPSS strings, where a blank counts as valid unless declared missing. */
    void (*var_set_blank_valid)(tally_dataset *ds, int col, int blank_valid);
    /* The file's own label and its document lines (SPSS FILE LABEL, DOCUMENT). */
    void (*ds_set_file_label)(tally_dataset *ds, const char *label);
    void (*ds_add_document)(tally_dataset *ds, const char *line);
    /* A column's tally_date_kind (0: plain number), for outputs that write raw data. */
    int (*var_date)(const tally_dataset *ds, int col);
    /* A cell's tally_date_kind (0: not a date): the number is then days or seconds
     * as var_set_date says; tab_cell_format shows it as a date in the report's language. */
    int (*tab_cell_date)(const tally_table *t, size_t r, size_t c);
    /* Writes a date kind's number as text: iso = 1 ISO 8601 for data interchange
     * ("1949-03-24T13:45:10"), else as reports show it in `lang` ("de": 24.03.1949,
     * NULL: 1949-03-24 13:45:10). Empty for NaN; returns buf. */
    const char *(*format_date)(double v, int kind, int iso, const char *lang, char *buf, size_t n);
    /* Removes column `col`; sets lose it (a set left empty goes), a weight on it is
     * dropped. 0, or -1 for a bad index. */
    int (*ds_drop_column)(tally_dataset *ds, int col);
    /* Moves column `from` to position `to`, the others keeping their order; 0 or -1. */
    int (*ds_move_column)(tally_dataset *ds, int from, int to);
    /* A fact about how the file was read ("layout", "surveymonkey (detected)"),
     * listed by `tally describe` in the order first set; setting a key again
     * replaces its value. */
    void (*ds_set_info)(tally_dataset *ds, const char *key, const char *value);
    /* 1 when the options were given on the command line (--set NAME=VALUE), so
     * a message suggests an option that way rather than as NAME = "VALUE". */
    int (*opt_from_cli)(const tally_options *o);
    /* Appends `len` bytes of `data` (copied) to the file `path` once every
     * output of the run was written and put in place; never when one fails.
     * For files outside the report, like $GITHUB_STEP_SUMMARY. 0, or -1 on a
     * bad argument. */
    int (*defer_append)(tally_ctx *ctx, const char *path, const char *data, size_t len);
    /* Banner tables. A table made by the banner or tabbook stage also carries
     * the banner model: rows (section headers, categories, nets, statistics,
     * bases) by columns (Total and each banner category) under nested headers,
     * each cell's statistics apart. The flat table (tab_*) stays its readable
     * fallback. bn_nlevels is 0 for any other table. */
    size_t (*bn_nlevels)(const tally_table *t); /* header levels above the column labels: 1 or 2 */
    size_t (*bn_ncols)(const tally_table *t);
    const char *(*bn_col_label)(const tally_table *t, size_t c);
    /* Header text of column c at `level` (0 outermost); consecutive columns with
     * the same span index share one merged header cell. */
    const char *(*bn_col_header)(const tally_table *t, size_t c, size_t level);
    size_t (*bn_col_span)(const tally_table *t, size_t c, size_t level);
    const char *(*bn_col_letter)(const tally_table *t, size_t c); /* "A", "" for Total */
    /* The column's respondents: which = 0 weighted, 1 unweighted, 2 the
     * effective base (Kish) the tests use. A section's own bases are its BASE rows. */
    double (*bn_col_base)(const tally_table *t, size_t c, int which);
    int (*bn_col_flags)(const tally_table *t, size_t c);
    size_t (*bn_nrows)(const tally_table *t);
    tally_row_type (*bn_row_type)(const tally_table *t, size_t r); /* SECTION rows head a question */
    const char *(*bn_row_label)(const tally_table *t, size_t r);
    double (*bn_cell)(const tally_table *t, size_t r, size_t c, tally_bn_stat stat);
    const char *(*bn_cell_letters)(const tally_table *t, size_t r, size_t c); /* "" when none */
    int (*bn_cell_flags)(const tally_table *t, size_t r, size_t c);
    int (*bn_col_is_total)(const tally_table *t, size_t c);
    /* A named value's kind; -1 if there is no such value. */
    int (*rep_value_kind)(const tally_report *r, const char *name);
    /* `v` written as a value of `kind` in the report's language ("78,9 %", "< .001", "1.234");
     * decimals < 0: the kind's own (counts 0, percents 1, statistics 2); returns buf. */
    const char *(*rep_format_value)(const tally_report *r, tally_value_kind kind, double v, int decimals,
                                    char *buf, size_t bufsize);
    /* An ISO date ("1949-03-24", the report's meta "date") as the report's language writes it
     * ("24.03.1949", "1949年3月24日"); other text is copied; returns buf. */
    const char *(*rep_format_date)(const tally_report *r, const char *iso, char *buf, size_t bufsize);
    /* Edit distance between a and b (letters compared without regard to case): the
     * one "did you mean" measure of the core and the plugins. */
    size_t (*str_distance)(const char *a, const char *b);

    /* ---- ABI 1.4 ---------------------------------------------------------- */
    /* 1 when the host wants only the dataset's dictionary from this read (`tally
     * check`: the variable names, labels and sets the stages name): an input
     * plugin may then stop after the header, leaving the dataset without rows
     * (types as the header tells, else numeric). A plugin that ignores it reads
     * the whole file, as before. */
    int (*read_dictionary_only)(tally_ctx *ctx);
    /* The report's language ("en", "de", ...; "en" when the report sets none), for an
     * input that carries its texts in several languages (an XLSForm's label::Deutsch (de)),
     * as a codebook picks its { en = ..., de = ... } texts. Borrowed. */
    const char *(*ctx_language)(tally_ctx *ctx);
    /* Marks a column as a survey platform's metadata field (submission time, device, _uuid):
     * kept in the data, not tabulated by the default report, said so by `tally describe`. */
    void (*var_set_metadata)(tally_dataset *ds, int col, int metadata);

    /* ---- ABI 1.5 ---------------------------------------------------------- */
    /* `bytes` of zero-filled memory for cells the reader writes while it reads, in
     * 2 MB pages where the system gives them (many columns' cells in one block
     * fault a large page at a time, where each column's own buffer would fault
     * 4 KB at a time). Owned by ds: freed with it, or once the read is done and no
     * column views it. NULL when none can be had (the reader then uses malloc). */
    void *(*ds_block_new)(tally_dataset *ds, size_t bytes);
    /* Like ds_adopt_codes, but `codes` (ds_nrows filled) lies in a block from
     * ds_block_new and the column views it: the block stays writable until the
     * read callback returns, read-only after (a change copies the cells first).
     * 0, or -1 on a bad argument (codes outside every block of ds included). */
    int (*ds_view_codes)(tally_dataset *ds, int col, const uint8_t *codes, const double *levels, unsigned nlevels);

    /* ---- ABI 1.6 ---------------------------------------------------------- */
    /* Room for `bytes` more bytes of text in string column col (each string takes its
     * length and a NUL; an empty one none), in one allocation: a reader that knows a
     * column's text before it stores it with ds_set_string saves the arena's growth
     * (each doubling copies the text and writes fresh memory). 0, or -1 when col is not
     * a string column or no memory can be had (ds_set_string still works). */
    int (*ds_reserve_text)(tally_dataset *ds, int col, size_t bytes);
} tally_host;

/* A buffer for tab_cell_format that holds any finite number whole: 309 digits
 * of DBL_MAX, a sign, 10 decimals, '%' and the NUL, with room to spare. */
#define TALLY_NUMBER_TEXT_MAX 352

/* The code of a system-missing cell in ds_codes_data. */
#define TALLY_CODE_MISSING 255
/* The most distinct values a compact column holds (ds_codes_data, ds_adopt_codes):
 * one byte a cell, the codes 0..253 for values and TALLY_CODE_MISSING for none. */
#define TALLY_MAX_LEVELS 254

/* True when the host's table reaches `member` (for entries added in later minors). */
#define TALLY_HOST_HAS(host, member) \
    ((host)->size >= offsetof(tally_host, member) + sizeof((host)->member))

/* ---- the plugin descriptor ---------------------------------------------- */

typedef struct tally_plugin_descriptor {
    uint32_t abi_major;   /* TALLY_ABI_MAJOR the plugin was built against */
    uint32_t abi_minor;   /* TALLY_ABI_MINOR the plugin was built against */
    uint32_t struct_size; /* sizeof(tally_plugin_descriptor) as the plugin saw it */
    uint32_t kind;        /* tally_plugin_kind */
    const char *name;
    const char *description; /* one line */
    const char *version;
    const tally_option_decl *options; /* terminated by an entry whose name is NULL */
    const char *extensions;           /* input: file endings it reads, "csv|tsv"; output: "md" */

    /* Input plugins: read the file named by the `path` option into `out`.
     * Return 0, or call host->error and return non-zero. */
    int (*read)(const tally_host *host, tally_ctx *ctx, const tally_options *opts, tally_dataset *out);

    /* Output plugins: write the report to `path` (a temporary file next to the
     * final one; the host renames it once every output succeeded). */
    int (*write)(const tally_host *host, tally_ctx *ctx, const tally_options *opts,
                 const tally_report *report, const char *path);
} tally_plugin_descriptor;

typedef const tally_plugin_descriptor *(*tally_plugin_entry_fn)(void);

/* Use once per plugin: TALLY_PLUGIN(descriptor_variable) */
#define TALLY_PLUGIN(desc)                                                        \
    __attribute__((visibility("default"))) const tally_plugin_descriptor *        \
    tally_plugin_entry(void) { return &(desc); }

#ifdef __cplusplus
}
#endif
#endif
