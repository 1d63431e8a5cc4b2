/* columns.c: the csv reader's columns: declared types, then after phase 1 each column's type, levels, dates and place in the dataset. */
#include "reader.h"
#include "name_set.h"

#include <stdlib.h>
#include <string.h>

int csv_setup_columns(reader *r)
{
    const csv_settings *s = r->s;
    size_t nc = r->ncols ? r->ncols : 1;
    r->forced = calloc(nc, sizeof *r->forced);
    r->want_date = calloc(nc, 1);
    r->date_kind = calloc(nc, 1);
    r->date_form = calloc(nc, 1);
    if (!r->forced || !r->want_date || !r->date_kind || !r->date_form) {
        free(r->forced);
        r->forced = NULL;
        return -1;
    }
    if (!s->ntypes) return 0;
    /* The header's names (unique: header.c made them so) hashed, so that 4,096 types on a
     * 100,000-column file are 4,096 look-ups, not a search of the header each. */
    size_t most = 0;
    for (size_t t = 0; t < s->ntypes; t++)
        if (strlen(s->types[t]) > most) most = strlen(s->types[t]);
    name_set set = {0};
    char *want = malloc(most + 1); /* a type's column name, NUL-terminated for the look-up */
    if (!want || name_set_init(&set, r->names, r->ncols) != 0) {
        free(want);
        free(r->forced);
        r->forced = NULL;
        return -1;
    }
    for (size_t i = 0; i < r->ncols; i++) name_set_add(&set, i);
    int rc = 0;
    for (size_t t = 0; t < s->ntypes; t++) {
        const char *item = s->types[t], *colon = strrchr(item, ':');
        size_t nlen = (size_t)(colon - item);
        memcpy(want, item, nlen);
        want[nlen] = '\0';
        long i = name_set_find(&set, want);
        if (i < 0) {
            r->call.h->error(r->call.ctx, "%s: types: the header has no column '%.*s'; check the name (columns: %s%s)",
                             s->path, (int)nlen, item, r->ncols ? r->names[0] : "", r->ncols > 1 ? ", ..." : "");
            rc = -1;
            break;
        }
        r->forced[i] = strcmp(colon + 1, "numeric") == 0 ? TALLY_NUMERIC : TALLY_STRING;
        r->want_date[i] = strcmp(colon + 1, "date") == 0; /* read as text, then as dates */
    }
    name_set_free(&set);
    free(want);
    return rc;
}

/* Column k is text: chunks that read (some of) it as numbers read those rows again. */
static void make_text(reader *r, size_t k)
{
    for (size_t i = 0; i < r->nchunks; i++) {
        csv_chunk *c = &r->chunks[i];
        csv_colbuf *b = &c->cols[k];
        if (b->kind != CSV_BUF_TEXT) {
            csv_colbuf_drop(c, b);
            b->kind = CSV_BUF_TEXT;
            b->text_from = c->rows;
        }
        b->reread = b->text_from;
        if (b->reread > c->reread_rows) c->reread_rows = b->reread;
    }
}

/* Text columns whose every cell is a date of one form (ISO, or date_format's) become
 * date variables: date_kind and date_form set. A column types declares a date must
 * be one. 0, or -1 after the error. */
static int find_dates(reader *r)
{
    const csv_settings *s = r->s;
    for (size_t k = 0; k < r->ncols; k++) {
        int text = r->nchunks && r->chunks[0].cols[k].kind == CSV_BUF_TEXT;
        int asked = r->forced[k] != TALLY_STRING && s->date_format != CSV_DATE_NONE;
        r->date_form[k] = text && (asked || r->want_date[k]) ? 0 : CSV_DATE_NOT;
    }
    int fmt = s->date_format == CSV_DATE_NONE ? CSV_DATE_DOTS : s->date_format;
    size_t ci = 0;
    const csv_cell *bad = csv_dates_scan(r->chunks, r->nchunks, r->ncols, fmt, r->want_date, r->date_form,
                                         r->date_kind, &ci);
    if (bad) {
        const char *t = r->chunks[ci].text + bad->off;
        int shown = bad->len > 40 ? 40 : (int)bad->len;
        r->call.h->error(r->call.ctx,
                         "%s: row %zu, column '%s': '%.*s%s' is not a date, but types declares it one; write "
                         "dates as yyyy-mm-dd (or set date_format), add the value to 'missing', or declare the "
                         "column string",
                         s->path, r->chunks[ci].row0 + bad->row + 1, r->names[bad->col], shown, t,
                         bad->len > 40 ? "..." : "");
        return -1;
    }
    for (size_t k = 0; k < r->ncols; k++)
        if (!r->date_form[k] && r->want_date[k]) /* declared, every cell missing */
            r->date_form[k] = CSV_DATE_ISO, r->date_kind[k] = TALLY_DATE_DAYS;
    return 0;
}

/* Text columns of a file not delimited by commas, read with decimal '.', whose every
 * cell is a number written with a decimal comma (2,5): a warning names them, since
 * decimal = "," would read them as numbers. */
static void hint_decimal_comma(reader *r)
{
    const csv_cfg *cfg = &r->cfg;
    if (cfg->decimal != '.' || cfg->delim == ',' || r->s->decimal || !r->nchunks) return;
    unsigned char *seen = malloc(r->ncols ? r->ncols : 1);
    if (!seen) return;
    for (size_t k = 0; k < r->ncols; k++)
        seen[k] = r->chunks[0].cols[k].kind == CSV_BUF_TEXT && !r->date_kind[k] && r->forced[k] != TALLY_STRING;
    csv_comma_number_columns(r->chunks, r->nchunks, seen);
    for (size_t k = 0; k < r->ncols; k++)
        if (seen[k] == 1)
            r->call.h->log(r->call.ctx, TALLY_LOG_WARN,
                           "%s: column '%s' holds numbers written with a decimal comma (2,5) and "
                           "is read as text; set decimal = \",\" to read them as numbers",
                           r->s->path, r->names[k]);
    free(seen);
}

int csv_decide_types(reader *r, int *nlev, int codes_ok)
{
    int reread = 0;
    for (size_t k = 0; k < r->ncols; k++) {
        int numeric = r->forced[k] == TALLY_NUMERIC;
        if (!r->forced[k]) {
            numeric = 1;
            for (size_t i = 0; i < r->nchunks; i++)
                if (r->chunks[i].cols[k].kind == CSV_BUF_TEXT) numeric = 0;
        }
        if (!numeric) {
            make_text(r, k);
            for (size_t i = 0; i < r->nchunks; i++) reread |= r->chunks[i].reread_rows > 0;
        }
        nlev[k] = !numeric   ? -2
                  : codes_ok ? csv_levels_merge(r->chunks, r->nchunks, k, r->levels + k * CSV_MAX_LEVELS)
                             : -1;
    }
    if (reread) { /* text columns that some chunk read as numbers: those rows again, as text */
        csv_run_parallel(JOB_REREAD, 0, r->chunks, r->nchunks, r->nthreads);
        for (size_t i = 0; i < r->nchunks; i++) {
            if (r->chunks[i].oom) {
                r->call.h->error(r->call.ctx, "%s: out of memory while reading", r->s->path);
                return -1;
            }
        }
    }
    return 0;
}

int csv_add_columns(reader *r, tally_dataset *out, int *idx, int *nlev)
{
    const tally_host *h = r->call.h;
    const csv_settings *s = r->s;
    if (find_dates(r) != 0) return -1;
    hint_decimal_comma(r);
    int dates_ok = TALLY_HOST_HAS(h, var_set_date) && h->var_set_date;
    for (size_t k = 0; k < r->ncols; k++) {
        if (!dates_ok) r->date_kind[k] = 0;
        int numeric = nlev[k] != -2 || r->date_kind[k];
        idx[k] = h->ds_add_column(out, r->names[k], numeric ? TALLY_NUMERIC : TALLY_STRING);
        if (idx[k] < 0) {
            h->error(r->call.ctx, "%s: cannot add column '%s' (the dataset already has it?)", s->path, r->names[k]);
            return -1;
        }
        if (r->labels[k]) h->var_set_label(out, idx[k], r->labels[k]);
        if (r->date_kind[k]) {
            int dt = r->date_kind[k] == TALLY_DATE_DATETIME;
            h->var_set_date(out, idx[k], r->date_kind[k]);
            h->log(r->call.ctx, TALLY_LOG_INFO, "%s: column '%s' read as %s (%s)%s", s->path, r->names[k],
                   dt ? "datetimes" : "dates", csv_date_form_name(r->date_form[k], dt),
                   r->want_date[k] ? "" : "; declare it string in 'types' to keep the text");
        }
    }
    return 0;
}

/* Column k (numeric, not a date) of `out`: categorical columns get one byte a cell,
 * the others a double; where the first chunk's buffer can become the column it is
 * adopted instead. 0, or -1 out of memory. */
static int plan_numeric(reader *r, tally_dataset *out, size_t k, int col, int nlev)
{
    const tally_host *h = r->call.h;
    csv_colout *o = &r->out[k];
    csv_buf_kind kind0 = r->chunks[0].cols[k].kind;
    int direct = r->chunks[0].direct && r->nrows > 0, shared = r->shared.ncols && r->nrows > 0;
    if (nlev >= 0) { /* categorical: one byte a cell */
        o->levels = r->levels + k * CSV_MAX_LEVELS;
        o->nlevels = (unsigned)nlev;
        if (shared && r->shared.codes[k]) o->region = 1;
        else if (direct && kind0 == CSV_BUF_CODES) o->adopt = 1;
        else o->codes = h->ds_codes_data(out, col, o->levels, o->nlevels);
    } else if (shared && atomic_load(&r->shared.nums[k])) {
        o->region = 2;
    } else if (direct && kind0 == CSV_BUF_NUMS) {
        o->adopt = 1;
    }
    if (!o->codes && !o->adopt && !o->region) o->num = h->ds_numeric_data(out, col);
    return !o->codes && !o->num && !o->adopt && !o->region ? -1 : 0;
}

int csv_plan_outputs(reader *r, tally_dataset *out, const int *idx, const int *nlev)
{
    const tally_host *h = r->call.h;
    size_t nrows = r->nrows;
    /* Every numeric cell is written by the merge, so a host that can skips the NaN fill. */
    int uninit = TALLY_HOST_HAS(h, ds_resize_uninit) && h->ds_resize_uninit;
    int rc = (uninit ? h->ds_resize_uninit(out, nrows) : h->ds_resize(out, nrows)) != 0 ? -1 : 0;
    for (size_t k = 0; rc == 0 && k < r->ncols; k++) {
        csv_colout *o = &r->out[k];
        if (h->var_type(out, idx[k]) != TALLY_NUMERIC) {
            o->text = 1;
        } else if (r->date_kind[k]) {
            o->date = 1;
            if (!(o->num = h->ds_numeric_data(out, idx[k]))) rc = -1;
        } else {
            rc = plan_numeric(r, out, k, idx[k], nlev[k]);
        }
    }
    if (rc) h->error(r->call.ctx, "%s: out of memory for %zu rows x %zu columns", r->s->path, nrows, r->ncols);
    return rc;
}
