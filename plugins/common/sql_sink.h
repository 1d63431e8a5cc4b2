/* sql_sink.h: shared by the SQL input plugins (sqlite, postgres): typed result columns into a dataset, in batches. */
#ifndef TALLY_SQL_SINK_H
#define TALLY_SQL_SINK_H

#include <stddef.h>
#include "tally/plugin.h"

/* What a result column holds, mapped from the database's own type names. */
typedef enum { SQL_INT = 1, SQL_NUM, SQL_TEXT, SQL_BOOL, SQL_DATE, SQL_TIMESTAMP } sql_type;

/* The dataset being filled: rows are appended, the dataset grows by doubling (so a batch never
 * costs a copy of all before it) and is cut to the row count at the end. Borrows host, ctx and ds. */
typedef struct sql_sink {
    const tally_host *h;
    tally_ctx *ctx;
    tally_dataset *ds;
    sql_type *types;      /* per column (owned) */
    size_t ncols, nrows, cap;
    double **num;         /* per numeric column: its cells (valid until the next resize) */
} sql_sink;

/* Adds the columns (names made unique the way the csv plugin does, with a warning); 0 or -1 after host->error. */
int sql_sink_begin(sql_sink *s, const tally_host *h, tally_ctx *ctx, tally_dataset *ds, const char *const *names,
                   const sql_type *types, size_t ncols);
/* Room for one more row; returns its index, or (size_t)-1 after host->error. */
size_t sql_sink_row(sql_sink *s);
/* Stores a cell of row `row` given as text (the database's text form: numbers, 't'/'f', ISO dates);
 * NULL is system-missing. 0, or -1 after host->error (a value that does not parse as its type). */
int sql_sink_text(sql_sink *s, size_t col, size_t row, const char *v, size_t len, const char *colname);
/* Stores a number (SQL_INT, SQL_NUM, SQL_BOOL). */
void sql_sink_number(sql_sink *s, size_t col, size_t row, double v);
/* Cuts the dataset to the rows stored and frees the sink; 0 or -1. */
int sql_sink_end(sql_sink *s);
void sql_sink_free(sql_sink *s);

/* The type a database type name maps to ("integer", "int8", "numeric(5,2)", "varchar", "bool",
 * "date", "timestamp with time zone", ...); SQL_TEXT for anything else. */
sql_type sql_type_from_name(const char *decl);
/* "YYYY-MM-DD" to days since 1970-01-01; "YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|+HH[:MM]]" to seconds
 * since 1970-01-01T00:00:00 (UTC when a zone is given); 0 on success, -1 when malformed. */
int sql_parse_date(const char *s, size_t n, double *days);
int sql_parse_timestamp(const char *s, size_t n, double *secs);

#endif
