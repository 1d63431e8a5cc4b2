/* table_label.c: the line a contents list shows for a table: its title, told apart from a same title before it. */
#include "table_label.h"
#include "grow_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* printf into a new string; NULL when out of memory. */
static char *format_new(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* The table's own name (a new string): title, question, or "Table N". */
static char *plain_label(const tally_host *h, const tally_report *rep, size_t i)
{
    const tally_table *t = h->rep_table(rep, i);
    const char *title = h->tab_title(t);
    if (!title || !*title) title = h->tab_question(t);
    if (title && *title) return strdup(title);
    return format_new(h->rep_tr(rep, "Table %zu"), i + 1);
}

/* "City size class; How would you describe the partnership?": the banner variables of a banner
 * table without their bracketed asides (a new string, "" for any other table; NULL when out of memory). */
static char *banner_names(const tally_host *h, const tally_table *t)
{
    grow_buf out = {0};
    if (grow_buf_add(&out, "", 0, 64) != 0) return NULL;
    size_t nc = TALLY_HOST_HAS(h, bn_col_is_total) && h->bn_nlevels(t) > 0 ? h->bn_ncols(t) : 0;
    size_t last = (size_t)-1;
    for (size_t c = 0; c < nc; c++) {
        if (h->bn_col_is_total(t, c) || h->bn_col_span(t, c, 0) == last) continue;
        last = h->bn_col_span(t, c, 0);
        const char *name = h->bn_col_header(t, c, 0), *aside = strstr(name, " (");
        size_t n = aside && aside > name ? (size_t)(aside - name) : strlen(name); /* "(inhabitants on ...)" left out */
        if ((out.len && grow_buf_add(&out, "; ", 2, 64) != 0) || grow_buf_add(&out, name, n, 64) != 0) {
            free(out.data);
            return NULL;
        }
    }
    return out.data;
}

char *table_label_new(const tally_host *h, const tally_report *rep, size_t i)
{
    char *own = plain_label(h, rep, i);
    if (!own) return NULL;
    int repeated = 0;
    for (size_t k = 0; k < i && !repeated; k++) {
        char *earlier = plain_label(h, rep, k);
        repeated = earlier && strcmp(earlier, own) == 0;
        free(earlier);
    }
    if (!repeated) return own;
    char *names = banner_names(h, h->rep_table(rep, i)), *label = NULL;
    if (names && *names) label = format_new(h->rep_tr(rep, "%s (by %s)"), own, names);
    else if (names) label = format_new(h->rep_tr(rep, "%s (table %zu)"), own, i + 1);
    free(names);
    free(own);
    return label;
}
