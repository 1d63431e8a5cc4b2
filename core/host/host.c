/* host.c: the host table handed to plugins, call contexts, logging and fault injection. */
#include "host.h"
#include "dataset.h"
#include "host_entries.h"
#include "result.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A text to append to a file once the run's outputs are all in place. */
typedef struct deferred_append {
    char *path, *data;
    size_t len;
} deferred_append;

struct tally_ctx {
    char *who;
    char *error;
    int dictionary_only; /* tally check: the input's dictionary is all that is wanted */
    deferred_append *appends;
    size_t nappends;
    char *language; /* the report language inputs label in (host_ctx_language), NULL: "en" */
};

static int log_level = 1;
static sbuf *log_capture;
static pthread_mutex_t log_capture_lock = PTHREAD_MUTEX_INITIALIZER; /* a reader's threads may log */
static _Thread_local sbuf *log_divert;

void tally_log_divert(sbuf *into) { log_divert = into; }

void tally_log_set_level(int level) { log_level = level; }
void tally_log_capture(sbuf *into)
{
    pthread_mutex_lock(&log_capture_lock);
    log_capture = into;
    pthread_mutex_unlock(&log_capture_lock);
}

static void vlog(tally_log_level level, const char *who, const char *fmt, va_list ap)
{
    if (log_capture && level != TALLY_LOG_DEBUG) { /* whatever the verbosity: a later run may show more */
        va_list copy;
        va_copy(copy, ap);
        char *msg = xvasprintf(fmt, copy);
        va_end(copy);
        pthread_mutex_lock(&log_capture_lock);
        if (log_capture) {
            sbuf_printf(log_capture, "%d%s", (int)level, msg);
            sbuf_putc(log_capture, '\0');
        }
        pthread_mutex_unlock(&log_capture_lock);
        free(msg);
    }
    int threshold = log_level == 0 ? TALLY_LOG_ERROR : log_level == 1 ? TALLY_LOG_WARN : TALLY_LOG_DEBUG;
    if ((int)level > threshold) return;
    static const char *const names[] = {"error", "warning", "info", "debug"};
    if (log_divert) {
        char *msg = xvasprintf(fmt, ap);
        sbuf_printf(log_divert, "tally: %s%s%s: %s\n", who ? who : "", who ? ": " : "", names[level], msg);
        free(msg);
        return;
    }
    fprintf(stderr, "tally: %s%s%s: ", who ? who : "", who ? ": " : "", names[level]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void tally_log(tally_log_level level, const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, who, fmt, ap);
    va_end(ap);
}

tally_ctx *tally_ctx_new(const char *who)
{
    tally_ctx *c = xcalloc(1, sizeof *c);
    c->who = xstrdup(who ? who : "tally");
    return c;
}

void tally_ctx_free(tally_ctx *ctx)
{
    if (!ctx) return;
    for (size_t i = 0; i < ctx->nappends; i++) tally_free_all(ctx->appends[i].path, ctx->appends[i].data);
    tally_free_all(ctx->who, ctx->error, ctx->language, ctx->appends, ctx);
}

const char *tally_ctx_error(const tally_ctx *ctx) { return ctx->error; }

void tally_ctx_set_dictionary_only(tally_ctx *ctx, int on) { ctx->dictionary_only = on; }

static int host_read_dictionary_only(tally_ctx *ctx) { return ctx && ctx->dictionary_only; }
void tally_ctx_set_language(tally_ctx *ctx, const char *language)
{
    free(ctx->language);
    ctx->language = language && *language ? xstrdup(language) : NULL;
}

static const char *host_ctx_language(tally_ctx *ctx) { return ctx->language ? ctx->language : "en"; }

void tally_ctx_set_error(tally_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (ctx->error) { /* the first error is the cause; later ones are consequences */
        free(msg);
        return;
    }
    ctx->error = msg;
}

static void host_log(tally_ctx *ctx, tally_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, ctx ? ctx->who : NULL, fmt, ap);
    va_end(ap);
}

/* Fault injection for the atomicity tests: TALLY_FAULT=point[,point...].
 * Compiled in only when TALLY_FAULT_INJECTION is defined (test builds). */
int tally_fault(const char *point)
{
#ifdef TALLY_FAULT_INJECTION
    const char *spec = getenv("TALLY_FAULT");
    if (!spec || !point) return 0;
    size_t n = strlen(point);
    for (const char *p = spec; (p = strstr(p, point)) != NULL; p += n) {
        int starts = p == spec || p[-1] == ',';
        int ends = p[n] == '\0' || p[n] == ',';
        if (starts && ends) return 1;
    }
#else
    (void)point;
#endif
    return 0;
}

static int host_defer_append(tally_ctx *ctx, const char *path, const char *data, size_t len)
{
    if (!ctx || !path || (!data && len)) return -1;
    ctx->appends = xrealloc(ctx->appends, (ctx->nappends + 1) * sizeof *ctx->appends);
    deferred_append *a = &ctx->appends[ctx->nappends++];
    a->path = xstrdup(path);
    a->data = xmalloc(len + 1);
    if (len) memcpy(a->data, data, len);
    a->len = len;
    return 0;
}

int tally_ctx_flush_appends(tally_ctx *ctx, char **err)
{
    for (size_t i = 0; i < ctx->nappends; i++) {
        deferred_append *a = &ctx->appends[i];
        FILE *f = fopen(a->path, "ab");
        int e = 0;
        if (!f) e = errno;
        else {
            if (fwrite(a->data, 1, a->len, f) != a->len) e = errno ? errno : EIO;
            if (fclose(f) != 0 && !e) e = errno ? errno : EIO;
        }
        if (e) {
            *err = xasprintf("cannot append to %s: %s", a->path, strerror(e));
            return -1;
        }
    }
    return 0;
}

void tally_fault_pause(const char *point)
{
#ifdef TALLY_FAULT_INJECTION
    char *name = xasprintf("pause:%s", point);
    int hit = tally_fault(name);
    free(name);
    if (!hit) return;
    fprintf(stderr, "tally: fault: paused at %s\n", point);
    fflush(stderr);
    /* 30 s at most: the test signals the run meanwhile, or creates $TALLY_FAULT_RESUME */
    const char *resume = getenv("TALLY_FAULT_RESUME");
    for (int i = 0; i < 300 && !(resume && *resume && access(resume, F_OK) == 0); i++) usleep(100000);
#else
    (void)point;
#endif
}

static int host_fault(tally_ctx *ctx, const char *point)
{
    (void)ctx;
    return tally_fault(point);
}

/* The whole plugin ABI in one place, in plugin.h's order: a slot added there and not
 * here stays NULL, which test_host_table catches. Constant from the start, so every
 * thread may read it without a lock. */
static const tally_host host_table = {
    .size = sizeof(tally_host),
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    /* logging and errors (this file) */
    .log = host_log,
    .error = tally_ctx_set_error, /* the same contract: the first error is kept */
    .fault = host_fault,
    /* options (options.c) */
    .opt_is_set = host_opt_is_set,
    .opt_string = host_opt_string,
    .opt_int = host_opt_int,
    .opt_number = host_opt_number,
    .opt_bool = host_opt_bool,
    .opt_list_len = host_opt_list_len,
    .opt_list_item = host_opt_list_item,
    .opt_where = tally_options_where,
    /* building a dataset (dataset_host.c; the tally_dataset_ entries: dataset.c) */
    .ds_add_column = host_ds_add_column,
    .ds_resize = host_ds_resize,
    .ds_numeric_data = host_ds_numeric_data,
    .ds_set_string = tally_dataset_set_string,
    .ds_set_source = tally_dataset_set_source,
    .var_set_label = host_var_set_label,
    .var_set_measure = host_var_set_measure,
    .var_set_format = host_var_set_format,
    .var_add_value_label = host_var_add_value_label,
    .var_add_string_value_label = host_var_add_string_value_label,
    .var_add_missing = host_var_add_missing,
    .var_add_missing_string = host_var_add_missing_string,
    .var_set_missing_range = host_var_set_missing_range,
    .ds_add_mrset = tally_dataset_add_mrset,
    .ds_set_weight = tally_dataset_set_weight,
    .var_set_date = host_var_set_date,
    /* reading a dataset (dataset_host.c) */
    .ds_nrows = host_ds_nrows,
    .ds_ncols = host_ds_ncols,
    .var_name = host_var_name,
    .var_label = host_var_label,
    .var_type = host_var_type,
    .ds_number = host_ds_number,
    .ds_string = host_ds_string,
    /* reading the report (result.c) */
    .rep_meta = tally_report_meta,
    .rep_ntables = host_rep_ntables,
    .rep_table = host_rep_table,
    .rep_find_table = tally_report_find_table,
    .rep_nvalues = host_rep_nvalues,
    .rep_value_name = host_rep_value_name,
    .rep_value_text = host_rep_value_text,
    .rep_value_number = host_rep_value_number,
    .rep_dataset = host_rep_dataset,
    .rep_tr = host_rep_tr,
    .tab_id = host_tab_id,
    .tab_title = host_tab_title,
    .tab_question = host_tab_question,
    .tab_base = host_tab_base,
    .tab_nnotes = host_tab_nnotes,
    .tab_note = host_tab_note,
    .tab_ncols = host_tab_ncols,
    .tab_col_label = host_tab_col_label,
    .tab_col_group = host_tab_col_group,
    .tab_col_type = host_tab_col_type,
    .tab_col_decimals = host_tab_col_decimals,
    .tab_nrows = host_tab_nrows,
    .tab_row_type = host_tab_row_type,
    .tab_cell_number = host_tab_cell_number,
    .tab_cell_text = host_tab_cell_text,
    .tab_cell_format = tally_table_format_cell,
    .tab_chart_kind = host_tab_chart_kind,
    .tab_chart_title = host_tab_chart_title,
    .tab_chart_nseries = host_tab_chart_nseries,
    .tab_chart_series = host_tab_chart_series,
    .tab_chart_uses_row = host_tab_chart_uses_row,
    /* ---- ABI 1.1 (dataset_host.c) ---- */
    .ds_resize_uninit = host_ds_resize_uninit,
    .ds_codes_data = host_ds_codes_data,
    /* ---- ABI 1.2 (dataset_host.c) ---- */
    .ds_adopt_codes = host_ds_adopt_codes,
    .ds_adopt_numeric = host_ds_adopt_numeric,
    /* ---- ABI 1.3 ---- */
    .var_set_blank_valid = host_var_set_blank_valid, /* dataset_host.c */
    .ds_set_file_label = host_ds_set_file_label,
    .ds_add_document = host_ds_add_document,
    .var_date = host_var_date,
    .tab_cell_date = host_tab_cell_date, /* result.c */
    .format_date = host_format_date,
    .ds_drop_column = tally_dataset_drop_column, /* dataset_edit.c */
    .ds_move_column = tally_dataset_move_column,
    .ds_set_info = tally_dataset_set_info,
    .opt_from_cli = tally_options_from_cli, /* options.c */
    .defer_append = host_defer_append,      /* this file */
    .bn_nlevels = host_bn_nlevels,          /* banner.c */
    .bn_ncols = host_bn_ncols,
    .bn_col_label = host_bn_col_label,
    .bn_col_header = host_bn_col_header,
    .bn_col_span = host_bn_col_span,
    .bn_col_letter = host_bn_col_letter,
    .bn_col_base = host_bn_col_base,
    .bn_col_flags = host_bn_col_flags,
    .bn_nrows = host_bn_nrows,
    .bn_row_type = host_bn_row_type,
    .bn_row_label = host_bn_row_label,
    .bn_cell = host_bn_cell,
    .bn_cell_letters = host_bn_cell_letters,
    .bn_cell_flags = host_bn_cell_flags,
    .bn_col_is_total = host_bn_col_is_total,
    .rep_value_kind = host_rep_value_kind, /* result.c */
    .rep_format_value = host_rep_format_value,
    .rep_format_date = host_rep_format_date,
    .str_distance = str_distance, /* util.c */
    /* ---- ABI 1.4 ---- */
    .read_dictionary_only = host_read_dictionary_only, /* this file */
    .ctx_language = host_ctx_language,
    .var_set_metadata = host_var_set_metadata, /* dataset_host.c */
    .ds_block_new = host_ds_block_new,   /* dataset_block.c */
    .ds_view_codes = host_ds_view_codes, /* dataset_host.c */
    .ds_reserve_text = host_ds_reserve_text, /* dataset_host.c */
};

const tally_host *tally_host_get(void) { return &host_table; }
