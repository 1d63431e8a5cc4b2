/* plugin.c: the sqlite input plugin: a table or a query of an SQLite database file, read row by row into a dataset. */
#include "sql_sink.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

static const tally_option_decl sqlite_options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "the SQLite database file (opened read-only)"},
    {"table", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "the table (or view) to read whole"},
    {"query", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "a SELECT whose result is the dataset (instead of table)"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

/* "SELECT * FROM "name"" with the name quoted as an SQL identifier; caller frees. */
static char *select_table(const char *table)
{
    size_t n = strlen(table);
    char *q = malloc(2 * n + 32), *o = q;
    if (!q) return NULL;
    o += sprintf(o, "SELECT * FROM \"");
    for (const char *p = table; *p; p++) {
        if (*p == '"') *o++ = '"';
        *o++ = *p;
    }
    strcpy(o, "\"");
    return q;
}

/* The only table of the database (when neither table nor query is set), else an error naming them. */
static char *only_table(const tally_host *h, tally_ctx *ctx, sqlite3 *db, const char *path)
{
    sqlite3_stmt *st = NULL;
    char names[512] = "", *found = NULL;
    size_t n = 0, o = 0;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE "
                               "'sqlite_%' ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
        h->error(ctx, "%s: %s", path, sqlite3_errmsg(db));
        return NULL;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!t) continue;
        if (n++ == 0) found = strdup(t);
        if (o < sizeof names - 4) {
            int k = snprintf(names + o, sizeof names - o, "%s'%s'", o ? ", " : "", t);
            if (k > 0) o += (size_t)k;
        }
    }
    sqlite3_finalize(st);
    if (n == 1) return found;
    free(found);
    if (n == 0) h->error(ctx, "%s: the database has no tables", path);
    else h->error(ctx, "%s: the database has %zu tables (%s); set table = \"...\" or query = \"SELECT ...\"", path,
                  n, names);
    return NULL;
}

/* Each column's type: its declared type, or (an expression) the storage class of its first value. */
static void column_types(sqlite3_stmt *st, int has_row, sql_type *types, int n)
{
    for (int c = 0; c < n; c++) {
        const char *decl = sqlite3_column_decltype(st, c);
        if (decl) {
            types[c] = sql_type_from_name(decl);
            continue;
        }
        int t = has_row ? sqlite3_column_type(st, c) : SQLITE_TEXT;
        types[c] = t == SQLITE_INTEGER ? SQL_INT : t == SQLITE_FLOAT ? SQL_NUM : SQL_TEXT;
    }
}

static int store_row(sql_sink *s, sqlite3_stmt *st, int n)
{
    size_t row = sql_sink_row(s);
    if (row == (size_t)-1) return -1;
    for (int c = 0; c < n; c++) {
        int t = sqlite3_column_type(st, c);
        if (t == SQLITE_NULL) continue;
        sql_type want = s->types[c];
        if ((want == SQL_INT || want == SQL_NUM || want == SQL_BOOL) && (t == SQLITE_INTEGER || t == SQLITE_FLOAT)) {
            sql_sink_number(s, (size_t)c, row, sqlite3_column_double(st, c));
            continue;
        }
        const char *v = (const char *)sqlite3_column_text(st, c);
        int len = sqlite3_column_bytes(st, c);
        if (sql_sink_text(s, (size_t)c, row, v ? v : "", (size_t)len, sqlite3_column_name(st, c)) != 0) return -1;
    }
    return 0;
}

static int sqlite_read(const tally_host *h, tally_ctx *ctx, const tally_options *o, tally_dataset *out)
{
    const char *path = h->opt_string(o, "path");
    const char *table = h->opt_is_set(o, "table") ? h->opt_string(o, "table") : NULL;
    const char *query = h->opt_is_set(o, "query") ? h->opt_string(o, "query") : NULL;
    const char *where = h->opt_where ? h->opt_where(o) : "sqlite";
    if (table && query) {
        h->error(ctx, "%s: set either table or query, not both", where);
        return 1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        h->error(ctx, "%s: cannot open the SQLite database: %s; check the path (relative paths start at the config "
                      "file's folder)", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return 1;
    }
    int rc = 1;
    char *owned = NULL, *only = NULL;
    sqlite3_stmt *st = NULL;
    sql_type *types = NULL;
    const char **names = NULL;
    sql_sink sink;
    memset(&sink, 0, sizeof sink);
    if (!query) {
        if (!table) table = only = only_table(h, ctx, db, path);
        if (!table) goto done;
        query = owned = select_table(table);
    }
    if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) {
        h->error(ctx, "%s: the query fails: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    int n = sqlite3_column_count(st);
    if (n == 0) {
        h->error(ctx, "%s: the query returns no columns; write a SELECT", path);
        goto done;
    }
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        h->error(ctx, "%s: the query fails: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    types = calloc((size_t)n, sizeof *types);
    names = calloc((size_t)n, sizeof *names);
    if (!types || !names) {
        h->error(ctx, "%s: out of memory", path);
        goto done;
    }
    column_types(st, step == SQLITE_ROW, types, n);
    for (int c = 0; c < n; c++) names[c] = sqlite3_column_name(st, c);
    if (sql_sink_begin(&sink, h, ctx, out, names, types, (size_t)n) != 0) goto done;
    for (; step == SQLITE_ROW; step = sqlite3_step(st))
        if (store_row(&sink, st, n) != 0) goto done;
    if (step != SQLITE_DONE) {
        h->error(ctx, "%s: reading the result failed after %zu rows: %s", path, sink.nrows, sqlite3_errmsg(db));
        goto done;
    }
    h->log(ctx, TALLY_LOG_INFO, "%s: %zu rows, %d columns", path, sink.nrows, n);
    if (sql_sink_end(&sink) != 0) goto done;
    const char *base = strrchr(path, '/');
    char src[512];
    snprintf(src, sizeof src, "%s (sqlite%s%s)", base ? base + 1 : path, table ? ", table " : ", query",
             table ? table : "");
    h->ds_set_source(out, src);
    rc = 0;
done:
    sql_sink_free(&sink);
    free(types);
    free(names);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(owned);
    free(only);
    return rc;
}

static const tally_plugin_descriptor sqlite_descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_INPUT,
    .name = "sqlite",
    .description = "SQLite databases: a table or a query, column types mapped, NULL as system-missing",
    .version = "1.0",
    .options = sqlite_options,
    .extensions = "sqlite|sqlite3|db",
    .read = sqlite_read,
    .write = NULL,
};

TALLY_PLUGIN(sqlite_descriptor)
