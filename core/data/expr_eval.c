/* expr_eval.c: tally's expressions bound to a dataset's columns (names, types) and evaluated 256 rows at a time. */
#include "expr_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 256 /* rows evaluated per pass; each tree level keeps up to two blocks on the stack */

/* ---- binding and type checks ------------------------------------------------------ */

typedef struct binder {
    const tally_dataset *ds;
    const char *src;
    char *err;
} binder;

static int bind_fail(binder *b, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bind_fail(binder *b, size_t pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    b->err = expr_at_column(b->src, pos, fmt, ap);
    va_end(ap);
    return -1;
}

static int bind_node(binder *b, node *n);

static int need_number(binder *b, const node *k, const char *where)
{
    if (!k->is_str) return 0;
    return bind_fail(b, k->pos, "%s needs a number, found text", where);
}

static int bind_node(binder *b, node *n)
{
    for (size_t i = 0; i < n->nkids; i++)
        if (bind_node(b, n->kids[i]) != 0) return -1;
    switch (n->kind) {
    case N_NUM: return 0;
    case N_STR: n->is_str = 1; return 0;
    case N_VAR: {
        int idx = tally_dataset_find(b->ds, n->str);
        if (idx < 0) {
            char *unknown = tally_dataset_unknown(b->ds, n->str);
            int r = bind_fail(b, n->pos, "%s", unknown);
            free(unknown);
            return r;
        }
        n->col = b->ds->cols[idx];
        n->is_str = n->col->type == TALLY_STRING;
        return 0;
    }
    case N_NEG: return need_number(b, n->kids[0], "'-'");
    case N_NOT: return need_number(b, n->kids[0], "'not'");
    case N_BIN:
        if (n->op >= OP_EQ && n->op <= OP_GE) {
            if (n->kids[0]->is_str != n->kids[1]->is_str)
                return bind_fail(b, n->pos, "cannot compare text with a number (put numbers without quotes, text in quotes)");
            return 0;
        }
        for (size_t i = 0; i < n->nkids; i++) {
            int op = n->ops[i ? i : 1];
            if (need_number(b, n->kids[i], op == OP_AND ? "'and'" : op == OP_OR ? "'or'" : "arithmetic")) return -1;
        }
        return 0;
    case N_IN:
        for (size_t i = 1; i < n->nkids; i++)
            if (n->kids[i]->is_str != n->kids[0]->is_str)
                return bind_fail(b, n->kids[i]->pos, "'in' list item is %s but the value tested is %s",
                                 n->kids[i]->is_str ? "text" : "a number", n->kids[0]->is_str ? "text" : "a number");
        return 0;
    case N_CALL: {
        node *a = n->kids[0];
        switch (n->op) {
        case F_MISSING: case F_VALID: return 0;
        case F_SYSMIS: case F_VALUE:
            if (a->is_str) return bind_fail(b, a->pos, "%s() needs a numeric variable, found text", n->str);
            return 0;
        case F_YEAR: case F_MONTH:
            if (a->kind == N_VAR && !a->is_str && (!a->col->is_date || a->col->is_date == TALLY_DATE_TIME))
                return bind_fail(b, a->pos, "%s() needs a date; '%s' is not a date variable", n->str, a->str);
            return 0;
        case F_COUNT:
            for (size_t i = 0; i + 1 < n->nkids; i++)
                if (n->kids[i]->is_str != n->kids[n->nkids - 1]->is_str)
                    return bind_fail(b, n->kids[i]->pos, "count() compares each argument with the last one; this one is %s, the last %s",
                                     n->kids[i]->is_str ? "text" : "a number", n->kids[n->nkids - 1]->is_str ? "text" : "a number");
            return 0;
        default:
            for (size_t i = 0; i < n->nkids; i++) {
                char where[32];
                snprintf(where, sizeof where, "%s()", n->str);
                if (need_number(b, n->kids[i], where)) return -1;
            }
            return 0;
        }
    }
    }
    return 0;
}

int tally_expr_bind(tally_expr *e, const tally_dataset *ds, char **err)
{
    binder b = {.ds = ds, .src = e->src};
    if (bind_node(&b, e->root) != 0) {
        *err = b.err;
        return -1;
    }
    return 0;
}

int tally_expr_is_string(const tally_expr *e) { return e->root->is_str; }

/* ---- evaluation, BLOCK rows at a time ------------------------------------------------------- */

typedef struct span {
    const tally_dataset *ds;
    size_t start, n;
} span;

static void eval_num(const node *nd, const span *s, double *out);

/* Text cells; NULL is missing (empty, unless blanks are answers, or a user-missing code). */
static void eval_str(const node *nd, const span *s, const char **out)
{
    if (nd->kind == N_STR) {
        for (size_t i = 0; i < s->n; i++) out[i] = nd->str;
        return;
    }
    const tally_column *c = nd->col; /* string nodes are literals or variables */
    for (size_t i = 0; i < s->n; i++) {
        const char *v = c->arena + c->str[tally_row(s->ds, s->start + i)];
        out[i] = ((!*v && !c->blank_valid) || (c->nsmissing && tally_column_is_user_missing_string(c, v))) ? NULL : v;
    }
}

/* Numeric cells as stored; `clean` turns user-missing codes into NaN. */
static void read_var(const node *nd, const span *s, double *out, int clean)
{
    const tally_column *c = nd->col;
    const tally_dataset *ds = s->ds;
    if (ds->sel || !c->num) for (size_t i = 0; i < s->n; i++) out[i] = tally_col_num(c, tally_row(ds, s->start + i));
    else memcpy(out, c->num + s->start, s->n * sizeof *out);
    if (clean && (c->nmissing || c->has_range))
        for (size_t i = 0; i < s->n; i++)
            if (tally_column_is_user_missing(c, out[i])) out[i] = NAN;
}

static int truth(double v) { return v == v && v != 0; }

static void compare(const node *nd, const span *s, double *out)
{
    int op = nd->op;
    if (nd->kids[0]->is_str) {
        const char *a[BLOCK], *b[BLOCK];
        eval_str(nd->kids[0], s, a);
        eval_str(nd->kids[1], s, b);
        for (size_t i = 0; i < s->n; i++) {
            if (!a[i] || !b[i]) { out[i] = NAN; continue; }
            int c = strcmp(a[i], b[i]);
            out[i] = op == OP_EQ ? c == 0 : op == OP_NE ? c != 0 : op == OP_LT ? c < 0
                   : op == OP_LE ? c <= 0 : op == OP_GT ? c > 0 : c >= 0;
        }
        return;
    }
    double b[BLOCK];
    eval_num(nd->kids[0], s, out);
    eval_num(nd->kids[1], s, b);
    for (size_t i = 0; i < s->n; i++) {
        double x = out[i], y = b[i];
        if (x != x || y != y) { out[i] = NAN; continue; }
        out[i] = op == OP_EQ ? x == y : op == OP_NE ? x != y : op == OP_LT ? x < y
               : op == OP_LE ? x <= y : op == OP_GT ? x > y : x >= y;
    }
}

static void fold(int op, size_t n, double *out, const double *b);

static void eval_bin(const node *nd, const span *s, double *out)
{
    if (nd->op >= OP_EQ && nd->op <= OP_GE) {
        compare(nd, s, out);
        return;
    }
    double b[BLOCK];
    eval_num(nd->kids[0], s, out);
    for (size_t k = 1; k < nd->nkids; k++) {
        eval_num(nd->kids[k], s, b);
        fold(nd->ops[k], s->n, out, b);
    }
}

/* out[i] = out[i] op b[i] */
static void fold(int op, size_t n, double *out, const double *b)
{
    for (size_t i = 0; i < n; i++) {
        double x = out[i], y = b[i];
        switch (op) {
        case OP_ADD: out[i] = x + y; break;
        case OP_SUB: out[i] = x - y; break;
        case OP_MUL: out[i] = x * y; break;
        case OP_DIV: out[i] = y == 0 ? NAN : x / y; break;
        case OP_MOD: out[i] = y == 0 ? NAN : fmod(x, y); break;
        case OP_AND: /* three-valued, as SPSS: false wins over missing */
            out[i] = (x == 0 || y == 0) ? 0 : (x != x || y != y) ? NAN : 1;
            break;
        case OP_OR: /* true wins over missing */
            out[i] = (truth(x) || truth(y)) ? 1 : (x != x || y != y) ? NAN : 0;
            break;
        }
    }
}

static void eval_in(const node *nd, const span *s, double *out)
{
    if (nd->kids[0]->is_str) {
        const char *a[BLOCK], *b[BLOCK];
        eval_str(nd->kids[0], s, a);
        for (size_t i = 0; i < s->n; i++) out[i] = a[i] ? 0 : NAN;
        for (size_t k = 1; k < nd->nkids; k++) {
            eval_str(nd->kids[k], s, b);
            for (size_t i = 0; i < s->n; i++)
                if (a[i] && b[i] && strcmp(a[i], b[i]) == 0) out[i] = 1;
        }
        return;
    }
    double a[BLOCK], b[BLOCK];
    eval_num(nd->kids[0], s, a);
    for (size_t i = 0; i < s->n; i++) out[i] = a[i] == a[i] ? 0 : NAN;
    for (size_t k = 1; k < nd->nkids; k++) {
        eval_num(nd->kids[k], s, b);
        for (size_t i = 0; i < s->n; i++)
            if (a[i] == b[i]) out[i] = 1;
    }
}

void tally_days_to_civil(double days, int *year, int *month, int *day)
{
    if (!(fabs(days) < TALLY_MAX_DAY_NUMBER)) days = 0; /* callers check; never convert out of range */
    /* Howard Hinnant's days-to-civil, on whole days */
    long z = (long)floor(days) + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    long y = yoe + era * 400 + (m <= 2);
    *year = (int)y;
    *month = (int)m;
    *day = (int)d;
}

/* Year or month of a text date: "2019-05-03", "2019", "3.5.2019"; NaN when unreadable. */
static double text_date_part(const char *t, int want_month)
{
    if (!t) return NAN;
    while (*t == ' ') t++;
    if (isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[2]) &&
        isdigit((unsigned char)t[3]) && !isdigit((unsigned char)t[4])) {
        if (!want_month) return (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
        if ((t[4] == '-' || t[4] == '/') && isdigit((unsigned char)t[5])) {
            int m = atoi(t + 5);
            return m >= 1 && m <= 12 ? m : NAN;
        }
        return NAN;
    }
    int d, m, y;
    char sep;
    if (sscanf(t, "%d%c%d%*c%d", &d, &sep, &m, &y) == 4 && (sep == '.' || sep == '/') && m >= 1 && m <= 12)
        return want_month ? m : y;
    return NAN;
}

/* missing(x), valid(x), sysmis(x), value(x): x's missing marks (user-missing values only
 * for a variable), or its value with those marks ignored. */
static void call_missing(const node *nd, const span *s, double *out)
{
    const node *a = nd->kids[0];
    int want_valid = nd->op == F_VALID;
    if (a->is_str) {
        const char *t[BLOCK];
        eval_str(a, s, t);
        for (size_t i = 0; i < s->n; i++) out[i] = (t[i] == NULL) != want_valid;
        return;
    }
    double b[BLOCK];
    if (a->kind == N_VAR) read_var(a, s, b, 0);
    else eval_num(a, s, b);
    for (size_t i = 0; i < s->n; i++) {
        double v = b[i];
        int sys = v != v;
        int miss = sys || (a->kind == N_VAR && tally_column_is_user_missing(a->col, v));
        out[i] = nd->op == F_VALUE ? v : nd->op == F_SYSMIS ? sys : nd->op == F_MISSING ? miss : !miss;
    }
}

/* sum, mean, min, max of the arguments; as in SPSS, missing arguments are skipped, and
 * the result is missing only when all are. */
static void call_aggregate(const node *nd, const span *s, double *out)
{
    double b[BLOCK];
    size_t cnt[BLOCK];
    for (size_t i = 0; i < s->n; i++) { out[i] = NAN; cnt[i] = 0; }
    for (size_t k = 0; k < nd->nkids; k++) {
        eval_num(nd->kids[k], s, b);
        for (size_t i = 0; i < s->n; i++) {
            double v = b[i];
            if (v != v) continue;
            if (!cnt[i]++) out[i] = v;
            else if (nd->op == F_MIN) { if (v < out[i]) out[i] = v; }
            else if (nd->op == F_MAX) { if (v > out[i]) out[i] = v; }
            else out[i] += v;
        }
    }
    if (nd->op == F_MEAN)
        for (size_t i = 0; i < s->n; i++)
            if (cnt[i]) out[i] /= (double)cnt[i];
}

/* round(x [, digits]): half away from zero. */
static void call_round(const node *nd, const span *s, double *out)
{
    double b[BLOCK];
    eval_num(nd->kids[0], s, out);
    if (nd->nkids > 1) eval_num(nd->kids[1], s, b);
    for (size_t i = 0; i < s->n; i++) {
        double digits = nd->nkids > 1 ? b[i] : 0;
        if (digits != digits) { out[i] = NAN; continue; }
        double f = pow(10, floor(digits)), y = out[i] * f;
        /* half away from zero, with a little fuzz so 2.675 rounds to 2.68 as printed */
        y = round(y + copysign(fabs(y) * 1e-12, y));
        out[i] = y / f;
    }
}

/* year(d), month(d) of a date: a date or datetime variable, a number of days, or text. */
static void call_date_part(const node *nd, const span *s, double *out)
{
    const node *a = nd->kids[0];
    int want_month = nd->op == F_MONTH;
    if (a->is_str) {
        const char *t[BLOCK];
        eval_str(a, s, t);
        for (size_t i = 0; i < s->n; i++) out[i] = text_date_part(t[i], want_month);
        return;
    }
    eval_num(a, s, out);
    /* a datetime variable counts seconds, a date days (tally_date_kind) */
    double per_day = a->kind == N_VAR && a->col->is_date == TALLY_DATE_DATETIME ? 86400.0 : 1.0;
    for (size_t i = 0; i < s->n; i++) {
        /* no date: missing, as is a day number past any calendar (the conversion works in longs) */
        if (!(fabs(out[i]) < TALLY_MAX_DAY_NUMBER)) {
            out[i] = NAN;
            continue;
        }
        int y, m, d;
        tally_days_to_civil(floor(out[i] / per_day), &y, &m, &d);
        out[i] = want_month ? m : y;
    }
}

/* count(x1, ..., xn, value): how many of the x equal the last argument (text or numbers). */
static void call_count(const node *nd, const span *s, double *out)
{
    const node *val = nd->kids[nd->nkids - 1];
    for (size_t i = 0; i < s->n; i++) out[i] = 0;
    if (val->is_str) {
        const char *t[BLOCK], *v[BLOCK];
        eval_str(val, s, v);
        for (size_t k = 0; k + 1 < nd->nkids; k++) {
            eval_str(nd->kids[k], s, t);
            for (size_t i = 0; i < s->n; i++)
                if (t[i] && v[i] && strcmp(t[i], v[i]) == 0) out[i]++;
        }
        return;
    }
    double b[BLOCK], v[BLOCK];
    eval_num(val, s, v);
    for (size_t k = 0; k + 1 < nd->nkids; k++) {
        eval_num(nd->kids[k], s, b);
        for (size_t i = 0; i < s->n; i++)
            if (b[i] == v[i]) out[i]++;
    }
}

/* Evaluates a function call over one block of rows: one helper per family of the
 * expression language's functions, in the order of its table. */
static void eval_call(const node *nd, const span *s, double *out)
{
    switch (nd->op) {
    case F_MISSING: case F_VALID: case F_SYSMIS: case F_VALUE: call_missing(nd, s, out); return;
    case F_SUM: case F_MEAN: case F_MIN: case F_MAX: call_aggregate(nd, s, out); return;
    case F_ABS: case F_FLOOR:
        eval_num(nd->kids[0], s, out);
        for (size_t i = 0; i < s->n; i++) out[i] = nd->op == F_ABS ? fabs(out[i]) : floor(out[i]);
        return;
    case F_ROUND: call_round(nd, s, out); return;
    case F_YEAR: case F_MONTH: call_date_part(nd, s, out); return;
    case F_COUNT: call_count(nd, s, out); return;
    }
}

static void eval_num(const node *nd, const span *s, double *out)
{
    switch (nd->kind) {
    case N_NUM:
        for (size_t i = 0; i < s->n; i++) out[i] = nd->num;
        return;
    case N_VAR:
        if (nd->is_str) break;
        read_var(nd, s, out, 1);
        return;
    case N_NEG:
        eval_num(nd->kids[0], s, out);
        for (size_t i = 0; i < s->n; i++) out[i] = -out[i];
        return;
    case N_NOT:
        eval_num(nd->kids[0], s, out);
        for (size_t i = 0; i < s->n; i++) out[i] = out[i] != out[i] ? NAN : out[i] == 0;
        return;
    case N_BIN: eval_bin(nd, s, out); return;
    case N_IN: eval_in(nd, s, out); return;
    case N_CALL: eval_call(nd, s, out); return;
    default: break;
    }
    /* text where a number is needed: binding rejects this, callers check the root */
    for (size_t i = 0; i < s->n; i++) out[i] = NAN;
}

void tally_expr_eval(const tally_expr *e, const tally_dataset *ds, double *out)
{
    for (size_t start = 0; start < ds->nrows; start += BLOCK) {
        span s = {ds, start, ds->nrows - start < BLOCK ? ds->nrows - start : BLOCK};
        eval_num(e->root, &s, out + start);
    }
}

double *tally_expr_run(const char *what, const char *src, const tally_dataset *ds, char **err)
{
    char *msg = NULL;
    tally_expr *e = tally_expr_parse(src, &msg);
    if (e && tally_expr_bind(e, ds, &msg) == 0 && tally_expr_is_string(e))
        msg = xstrdup("the expression gives text; a number or a condition is needed");
    if (msg) {
        /* a long expression is quoted by its start only: the column says where */
        const char *text = src ? src : "";
        size_t shown = strlen(text);
        if (shown > 80) {
            shown = 60;
            while (shown > 0 && ((unsigned char)text[shown] & 0xC0) == 0x80) shown--;
        }
        *err = what ? xasprintf("%s '%.*s%s': %s", what, (int)shown, text, text[shown] ? "..." : "", msg) : xstrdup(msg);
        free(msg);
        tally_expr_free(e);
        return NULL;
    }
    double *out = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *out);
    tally_expr_eval(e, ds, out);
    tally_expr_free(e);
    return out;
}
