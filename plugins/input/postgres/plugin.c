/* plugin.c: the postgres input plugin: a table or a query, fetched in batches through a server-side cursor. */
#include "sql_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

static const tally_option_decl postgres_options[] = {
    {"connection", TALLY_OPT_STRING, 1, NULL, NULL, 0, 0,
     "libpq connection string or URL, typically env(\"DATABASE_URL\") (never printed)"},
    {"table", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "the table or view to read whole (\"schema.table\" allowed)"},
    {"query", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "a SELECT whose result is the dataset (instead of table)"},
    {"batch_rows", TALLY_OPT_INT, 0, "10000", NULL, 1, 10000000, "rows fetched from the server at a time"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

/* PostgreSQL's built-in type OIDs (pg_type.dat) that map to more than text. */
static sql_type type_of(Oid oid)
{
    switch (oid) {
    case 16: return SQL_BOOL;                       /* bool */
    case 20: case 21: case 23: case 26: return SQL_INT; /* int8, int2, int4, oid */
    case 700: case 701: case 1700: case 790: return SQL_NUM; /* float4, float8, numeric, money */
    case 1082: return SQL_DATE;                     /* date */
    case 1114: case 1184: return SQL_TIMESTAMP;     /* timestamp, timestamptz */
    default: return SQL_TEXT;
    }
}

/* "SELECT * FROM "schema"."table"": each dotted part quoted as an identifier; caller frees. */
static char *select_table(PGconn *pg, const char *table)
{
    size_t n = strlen(table);
    char *q = malloc(3 * n + 32), *o = q;
    if (!q) return NULL;
    (void)pg;
    o += sprintf(o, "SELECT * FROM \"");
    for (const char *p = table; *p; p++) {
        if (*p == '"') *o++ = '"';
        if (*p == '.') {
            o += sprintf(o, "\".\"");
            continue;
        }
        *o++ = *p;
    }
    strcpy(o, "\"");
    return q;
}

/* Runs a command that returns no rows; 0, or -1 after host->error with the server's message. */
static int exec_ok(const tally_host *h, tally_ctx *ctx, PGconn *pg, const char *sql, const char *what)
{
    PGresult *r = PQexec(pg, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) h->error(ctx, "postgres: %s failed: %s", what, PQerrorMessage(pg));
    PQclear(r);
    return ok ? 0 : -1;
}

static int store_batch(sql_sink *s, PGresult *r, int ncols)
{
    int nrows = PQntuples(r);
    for (int i = 0; i < nrows; i++) {
        size_t row = sql_sink_row(s);
        if (row == (size_t)-1) return -1;
        for (int c = 0; c < ncols; c++) {
            if (PQgetisnull(r, i, c)) continue;
            if (sql_sink_text(s, (size_t)c, row, PQgetvalue(r, i, c), (size_t)PQgetlength(r, i, c), PQfname(r, c)))
                return -1;
        }
    }
    return 0;
}

/* Declares the cursor and fetches batches into the sink; 0 or -1 after host->error. */
static int fetch_all(const tally_host *h, tally_ctx *ctx, PGconn *pg, const char *query, long batch,
                     tally_dataset *out, sql_sink *sink)
{
    size_t qn = strlen(query) + 64;
    char *declare = malloc(qn), fetch[64];
    if (!declare) return -1;
    snprintf(declare, qn, "DECLARE tally_rows NO SCROLL CURSOR FOR %s", query);
    int rc = exec_ok(h, ctx, pg, declare, "the query");
    free(declare);
    if (rc) return -1;
    snprintf(fetch, sizeof fetch, "FETCH FORWARD %ld FROM tally_rows", batch);
    int begun = 0;
    for (;;) {
        PGresult *r = PQexec(pg, fetch);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            h->error(ctx, "postgres: the query failed after %zu rows: %s", sink->nrows, PQerrorMessage(pg));
            PQclear(r);
            return -1;
        }
        int ncols = PQnfields(r);
        if (!begun) {
            sql_type *types = calloc((size_t)ncols + 1, sizeof *types);
            const char **names = calloc((size_t)ncols + 1, sizeof *names);
            for (int c = 0; types && names && c < ncols; c++) {
                types[c] = type_of(PQftype(r, c));
                names[c] = PQfname(r, c);
            }
            rc = types && names && ncols > 0 ? sql_sink_begin(sink, h, ctx, out, names, types, (size_t)ncols) : -1;
            if (rc && (!types || !names || ncols == 0)) h->error(ctx, "postgres: the query returns no columns");
            free(types);
            free(names);
            if (rc) {
                PQclear(r);
                return -1;
            }
            begun = 1;
        }
        int got = PQntuples(r);
        rc = store_batch(sink, r, ncols);
        PQclear(r);
        if (rc) return -1;
        h->log(ctx, TALLY_LOG_DEBUG, "postgres: fetched %d rows (%zu in all)", got, sink->nrows);
        if (got < batch) return 0;
    }
}

/* The error text with the connection's password (if any) blotted out, should libpq ever quote it
 * (a malformed URL is quoted back in part). Returns a new string; caller frees. */
/* The password as written in the connection string, found by its shape (for strings libpq cannot
 * parse): the user info of a URL after its ':', or the value after "password=". New string or NULL. */
static char *raw_password(const char *conn)
{
    const char *scheme = strstr(conn, "://"), *p = NULL, *end = NULL;
    if (scheme) {
        const char *at = strchr(scheme + 3, '@'), *colon = strchr(scheme + 3, ':');
        if (at && colon && colon < at) p = colon + 1, end = at;
    }
    if (!p && (p = strstr(conn, "password")) != NULL) {
        p += 8;
        while (*p == ' ') p++;
        if (*p != '=') return NULL;
        for (p++; *p == ' ' || *p == '\''; p++) {}
        for (end = p; *end && *end != ' ' && *end != '\'' && *end != '&'; end++) {}
    }
    return p && end && end > p ? strndup(p, (size_t)(end - p)) : NULL;
}

static void blot(char *out, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < 3) return;
    for (char *hit; (hit = strstr(out, secret)) != NULL;) memset(hit, '*', n);
}

static char *without_password(const char *conn, const char *msg)
{
    char *out = strdup(msg ? msg : "");
    char *raw = out ? raw_password(conn) : NULL;
    if (raw) blot(out, raw);
    free(raw);
    PQconninfoOption *opts = PQconninfoParse(conn, NULL);
    for (PQconninfoOption *o = opts; out && o && o->keyword; o++) {
        if (strcmp(o->keyword, "password") == 0) blot(out, o->val);
    }
    if (opts) PQconninfoFree(opts);
    if (out) blot(out, conn); /* the whole string, were it ever quoted back */
    return out;
}

static int postgres_read(const tally_host *h, tally_ctx *ctx, const tally_options *o, tally_dataset *out)
{
    const char *conn = h->opt_string(o, "connection");
    const char *table = h->opt_is_set(o, "table") ? h->opt_string(o, "table") : NULL;
    const char *query = h->opt_is_set(o, "query") ? h->opt_string(o, "query") : NULL;
    const char *where = h->opt_where ? h->opt_where(o) : "postgres";
    long batch = h->opt_is_set(o, "batch_rows") ? (long)h->opt_int(o, "batch_rows") : 10000;
    if (!conn || !*conn) {
        h->error(ctx, "%s: connection is empty; set connection = env(\"DATABASE_URL\") and export DATABASE_URL", where);
        return 1;
    }
    if ((table != NULL) == (query != NULL)) {
        h->error(ctx, "%s: set table = \"...\" or query = \"SELECT ...\" (one of them)", where);
        return 1;
    }
    PGconn *pg = PQconnectdb(conn);
    if (PQstatus(pg) != CONNECTION_OK) {
        /* the server's or libpq's reason; the connection string itself is never printed (it may hold a password) */
        char *why = without_password(conn, PQerrorMessage(pg));
        h->error(ctx, "%s: cannot connect to PostgreSQL: %s", where, why ? why : "out of memory");
        free(why);
        PQfinish(pg);
        return 1;
    }
    char *owned = NULL;
    int rc = 1;
    sql_sink sink;
    memset(&sink, 0, sizeof sink);
    if (!query) query = owned = select_table(pg, table);
    h->log(ctx, TALLY_LOG_INFO, "postgres: connected to database '%s' as '%s'; fetching %ld rows at a time",
           PQdb(pg), PQuser(pg), batch);
    if (!query || exec_ok(h, ctx, pg, "BEGIN READ ONLY", "starting a read-only transaction") ||
        exec_ok(h, ctx, pg, "SET LOCAL TIME ZONE 'UTC'", "setting the time zone") ||
        exec_ok(h, ctx, pg, "SET LOCAL DateStyle = 'ISO, YMD'", "setting the date style") ||
        exec_ok(h, ctx, pg, "SET LOCAL extra_float_digits = 3", "asking for exact floats"))
        goto done;
    if (fetch_all(h, ctx, pg, query, batch, out, &sink) != 0) goto done;
    exec_ok(h, ctx, pg, "COMMIT", "closing the transaction");
    if (sql_sink_end(&sink) != 0) goto done;
    char src[512];
    snprintf(src, sizeof src, "PostgreSQL database '%s' (postgres%s%s)", PQdb(pg), table ? ", table " : ", query",
             table ? table : "");
    h->ds_set_source(out, src);
    rc = 0;
done:
    sql_sink_free(&sink);
    free(owned);
    PQfinish(pg);
    return rc;
}

static const tally_plugin_descriptor postgres_descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_INPUT,
    .name = "postgres",
    .description = "PostgreSQL: a table or a query through a server-side cursor, types mapped, NULL as missing",
    .version = "1.0",
    .options = postgres_options,
    .extensions = NULL,
    .read = postgres_read,
    .write = NULL,
};

TALLY_PLUGIN(postgres_descriptor)
