/* template.h: tally's report template engine: Markdown with {{ placeholders }}, {% if %}, {% for %} and {% include %}. */
#ifndef TALLY_TEMPLATE_H
#define TALLY_TEMPLATE_H

#include <stdarg.h>
#include <stddef.h>
#include "tally/plugin.h"

/* A growable NUL-terminated byte buffer (plugins do not link the core's sbuf).
 * Allocation failure prints "tally: out of memory" and exits 1, as in the core. */
typedef struct tpl_buf {
    char *data;
    size_t len, cap;
} tpl_buf;

void tpl_buf_add(tpl_buf *b, const char *s, size_t n);
void tpl_buf_puts(tpl_buf *b, const char *s);
void tpl_buf_putc(tpl_buf *b, char c);
void tpl_buf_printf(tpl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tpl_buf_free(tpl_buf *b);
/* Hands the contents to the caller (caller frees; never NULL) and empties the buffer. */
char *tpl_buf_take(tpl_buf *b);
/* Writes len bytes of text to path, opened with `mode` ("wb" to replace, "ab" to
 * append): 0, or -1 with errno saying why (EIO when the system gave no reason). */
int tpl_write_file(const char *path, const char *mode, const char *text, size_t len);
/* An output plugin's final write of a whole report: honours the host's fault point
 * `fault_point` (test builds), writes len bytes of text to path, and on failure reports
 * "cannot write 'PATH': WHY" through host->error. 0, or 1 when nothing usable was written. */
int tpl_write_report(const tally_host *host, tally_ctx *ctx, const char *fault_point, const char *path,
                     const char *text, size_t len);

/* Block renderers the engine calls for {{ table ... }} and {{ chart ... }}.
 * Each appends a block that ends in exactly one newline, or nothing at all. */
typedef void (*tpl_block_fn)(const tally_host *host, const tally_report *rep, tpl_buf *out,
                             const tally_table *t);
/* Appends `s` escaped for the output syntax; `out` is passed so the escaper can
 * see whether it writes at the start of a line. */
typedef void (*tpl_text_fn)(tpl_buf *out, const char *s);

typedef struct tpl_env {
    const tally_host *host;     /* borrowed */
    const tally_report *report; /* borrowed */
    int heading_level;          /* number of '#' for {{ heading 1 }} (1..6) */
    tpl_block_fn table;         /* required */
    tpl_block_fn chart;         /* NULL: charts are off, {{ chart ... }} renders nothing */
    tpl_text_fn text;           /* escapes inserted values, titles and meta */
} tpl_env;

/* The template used when a config names none (the text of templates/default.md). */
extern const char tpl_default_text[];
#define TPL_DEFAULT_NAME "templates/default.md"

/* Renders the template file `path`, or the built-in default when path is NULL.
 * Returns a new string (caller frees), or NULL with *err set to a new message
 * naming "file:line: ..." (caller frees). */
char *tpl_render_file(const tpl_env *env, const char *path, char **err);
/* As tpl_render_file for template text held in memory; `name` is used in
 * messages and as the folder {% include %} paths are relative to. */
char *tpl_render_string(const tpl_env *env, const char *name, const char *text, char **err);

#endif
