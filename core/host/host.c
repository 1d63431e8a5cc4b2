/* host.c: the host table handed to plugins, call contexts, logging and fault injection. */
#include "host.h"
#include "dataset.h"
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
    char *language; /* the report language inputs label in (ctx_language), NULL: "en" */
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
    free(ctx->who);
    free(ctx->error);
    free(ctx->language);
    for (size_t i = 0; i < ctx->nappends; i++) {
        free(ctx->appends[i].path);
        free(ctx->appends[i].data);
    }
    free(ctx->appends);
    free(ctx);
}

const char *tally_ctx_error(const tally_ctx *ctx) { return ctx->error; }

void tally_ctx_set_dictionary_only(tally_ctx *ctx, int on) { ctx->dictionary_only = on; }

static int h_read_dictionary_only(tally_ctx *ctx) { return ctx && ctx->dictionary_only; }
void tally_ctx_set_language(tally_ctx *ctx, const char *language)
{
    free(ctx->language);
    ctx->language = language && *language ? xstrdup(language) : NULL;
}

static const char *ctx_language(tally_ctx *ctx) { return ctx->language ? ctx->language : "en"; }

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

static void h_log(tally_ctx *ctx, tally_log_level level, const char *fmt, ...)
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

static int h_defer_append(tally_ctx *ctx, const char *path, const char *data, size_t len)
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

static int h_fault(tally_ctx *ctx, const char *point)
{
    (void)ctx;
    return tally_fault(point);
}

static tally_host host_table;
static int host_ready;

const tally_host *tally_host_get(void)
{
    if (!host_ready) {
        memset(&host_table, 0, sizeof host_table);
        host_table.size = sizeof host_table;
        host_table.abi_major = TALLY_ABI_MAJOR;
        host_table.abi_minor = TALLY_ABI_MINOR;
        host_table.log = h_log;
        host_table.error = tally_ctx_set_error; /* the same contract: the first error is kept */
        host_table.fault = h_fault;
        host_table.defer_append = h_defer_append;
        host_table.read_dictionary_only = h_read_dictionary_only;
        host_table.str_distance = str_distance;
        host_table.ctx_language = ctx_language;
        tally_options_fill_host(&host_table);
        tally_dataset_fill_host(&host_table);
        tally_result_fill_host(&host_table);
        host_ready = 1;
    }
    return &host_table;
}
