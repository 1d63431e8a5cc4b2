/* expr.c: parser, binder and block-wise vectorised evaluator of tally's expression language. */
#include "expr.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BLOCK 256       /* rows evaluated per pass; each tree level keeps up to two blocks on the stack */
#define MAX_DEPTH 100   /* nesting limit of the parser: brackets, calls, 'in' lists, unary '-' and 'not' */
#define MAX_HEIGHT 256  /* levels of the tree; binding, evaluation and freeing recurse this deep at most */
#define MAX_SOURCE (256u << 10) /* bytes of one expression */

/*
 * Why the recursion is bounded: a chain of operators of one precedence level
 * ("a or b or c ...", "1 + 2 - 3 ...") is one node with many operands, folded
 * left to right, so a long chain is wide rather than deep. Depth comes only
 * from the constructs MAX_DEPTH counts, and the finished tree's height is
 * checked against MAX_HEIGHT before anything walks it.
 */

enum { N_NUM, N_STR, N_VAR, N_NEG, N_NOT, N_BIN, N_IN, N_CALL };
enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_AND, OP_OR };
enum { F_MISSING, F_SYSMIS, F_VALID, F_VALUE, F_SUM, F_MEAN, F_MIN, F_MAX, F_ABS, F_ROUND, F_FLOOR,
       F_YEAR, F_MONTH, F_COUNT };

typedef struct node {
    int kind, op;
    size_t pos;                 /* byte offset in the source, for messages */
    double num;                 /* N_NUM */
    char *str;                  /* N_STR text, N_VAR name */
    const tally_column *col;    /* N_VAR after binding (borrowed) */
    int is_str;                 /* after binding: the node gives text */
    int height;                 /* 1 + the highest kid's height */
    struct node **kids;
    int *ops;                   /* N_BIN: ops[i] joins kids[i] to what is left of it (ops[0] unused) */
    size_t nkids, cap;
} node;

struct tally_expr {
    char *src;
    node *root;
};

static const struct {
    const char *name;
    int id, min, max; /* max -1: any number */
} functions[] = {
    {"missing", F_MISSING, 1, 1}, {"sysmis", F_SYSMIS, 1, 1}, {"valid", F_VALID, 1, 1},
    {"value", F_VALUE, 1, 1},     {"sum", F_SUM, 1, -1},      {"mean", F_MEAN, 1, -1},
    {"min", F_MIN, 1, -1},        {"max", F_MAX, 1, -1},      {"abs", F_ABS, 1, 1},
    {"round", F_ROUND, 1, 2},     {"floor", F_FLOOR, 1, 1},   {"year", F_YEAR, 1, 1},
    {"month", F_MONTH, 1, 1},     {"count", F_COUNT, 2, -1},
};
#define NFUNCS (sizeof functions / sizeof functions[0])

/* ---- tree ------------------------------------------------------------------ */

static node *node_new(int kind, size_t pos)
{
    node *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->pos = pos;
    n->height = 1;
    return n;
}

static void node_add(node *n, node *kid)
{
    if (n->nkids == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 2;
        n->kids = xrealloc(n->kids, n->cap * sizeof *n->kids);
        if (n->kind == N_BIN) n->ops = xrealloc(n->ops, n->cap * sizeof *n->ops);
    }
    n->kids[n->nkids++] = kid;
    if (kid->height + 1 > n->height) n->height = kid->height + 1;
}

static void node_free(node *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->nkids; i++) node_free(n->kids[i]);
    tally_free_all(n->kids, n->ops, n->str, n);
}

void tally_expr_free(tally_expr *e)
{
    if (!e) return;
    node_free(e->root);
    free(e->src);
    free(e);
}

/* ---- lexer ------------------------------------------------------------------- */

enum { T_END, T_NUM, T_STR, T_NAME, T_OP, T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_COMMA, T_BAD };

typedef struct parser {
    const char *src;
    size_t pos;          /* next byte to lex */
    int tok;             /* current token */
    size_t tpos, tlen;   /* its position and length in src */
    double num;
    char *text;          /* T_STR / T_NAME contents (owned) */
    char *err;
    int depth;
} parser;

static size_t char_column(const char *src, size_t pos)
{
    size_t col = 1;
    for (size_t i = 0; i < pos && src[i]; i++)
        if (((unsigned char)src[i] & 0xC0) != 0x80) col++;
    return col;
}

/* An error message that says where in the expression text `src` it is: "at column N: ...". */
static char *at_column(const char *src, size_t pos, const char *fmt, va_list ap)
{
    char *msg = xvasprintf(fmt, ap);
    char *located = xasprintf("at column %zu: %s", char_column(src, pos), msg);
    free(msg);
    return located;
}

static void fail(parser *p, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->err) return; /* the first error wins */
    va_list ap;
    va_start(ap, fmt);
    p->err = at_column(p->src, pos, fmt, ap);
    va_end(ap);
}

static int name_start(unsigned char c) { return isalpha(c) || c == '_' || c == '@' || c == '#' || c == '$' || c >= 0x80; }
static int name_char(unsigned char c) { return name_start(c) || isdigit(c) || c == '.'; }

/* What the current token is, for "found ..." in messages (static buffer). */
static const char *found(const parser *p)
{
    static _Thread_local char buf[48]; /* per thread: stages run side by side (stage_batch.h) */
    if (p->tok == T_END) return "the end of the expression";
    size_t n = p->tlen < 30 ? p->tlen : 30;
    snprintf(buf, sizeof buf, "'%.*s%s'", (int)n, p->src + p->tpos, p->tlen > n ? "..." : "");
    return buf;
}

static void lex(parser *p)
{
    free(p->text);
    p->text = NULL;
    const char *s = p->src;
    while (s[p->pos] && isspace((unsigned char)s[p->pos])) p->pos++;
    p->tpos = p->pos;
    unsigned char c = (unsigned char)s[p->pos];
    if (!c) {
        p->tok = T_END;
        p->tlen = 0;
        return;
    }
    if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[p->pos + 1]))) {
        size_t i = p->pos;
        while (isdigit((unsigned char)s[i])) i++;
        if (s[i] == '.') for (i++; isdigit((unsigned char)s[i]); i++) {}
        if ((s[i] == 'e' || s[i] == 'E') &&
            (isdigit((unsigned char)s[i + 1]) || ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
            i += 2;
            while (isdigit((unsigned char)s[i])) i++;
        }
        char *t = xstrndup(s + p->pos, i - p->pos);
        p->num = strtod(t, NULL);
        free(t);
        p->tok = T_NUM;
        p->pos = i;
        p->tlen = i - p->tpos;
        return;
    } else if (c == '"' || c == '\'' || c == '`') {
        size_t i = p->pos + 1;
        while (s[i] && s[i] != (char)c) i++;
        if (!s[i]) {
            p->tok = T_BAD;
            p->tlen = 1;
            fail(p, p->pos, "unterminated %s (missing closing %c)", c == '`' ? "name" : "string", c);
            p->pos = i;
            return;
        }
        p->text = xstrndup(s + p->pos + 1, i - p->pos - 1);
        p->tok = c == '`' ? T_NAME : T_STR;
        p->pos = i + 1;
        p->tlen = p->pos - p->tpos;
        return;
    } else if (name_start(c)) {
        size_t i = p->pos;
        while (name_char((unsigned char)s[i])) i++;
        p->text = xstrndup(s + p->pos, i - p->pos);
        p->tok = T_NAME;
        p->pos = i;
        p->tlen = i - p->tpos;
        return;
    } else {
        static const char *ops[] = {"==", "~=", "!=", "<>", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "="};
        p->tok = T_BAD;
        p->tlen = 1;
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
            if (strncmp(s + p->pos, ops[k], strlen(ops[k])) == 0) {
                p->tok = T_OP;
                p->tlen = strlen(ops[k]);
                break;
            }
        if (p->tok == T_BAD) {
            switch (c) {
            case '(': p->tok = T_LPAREN; break;
            case ')': p->tok = T_RPAREN; break;
            case '{': p->tok = T_LBRACE; break;
            case '}': p->tok = T_RBRACE; break;
            case ',': p->tok = T_COMMA; break;
            default:
                while (((unsigned char)s[p->pos + p->tlen] & 0xC0) == 0x80) p->tlen++;
                fail(p, p->pos, "unexpected character '%.*s'%s", (int)p->tlen, s + p->pos,
                     c == '&' ? " (write 'and')" : c == '|' ? " (write 'or')" : c == '!' ? " (write 'not')" : "");
            }
        }
        p->pos += p->tlen;
    }
}

static int is_op(const parser *p, const char *op)
{
    return p->tok == T_OP && p->tlen == strlen(op) && strncmp(p->src + p->tpos, op, p->tlen) == 0;
}

static int is_kw(const parser *p, const char *kw)
{
    return p->tok == T_NAME && p->src[p->tpos] != '`' && strcasecmp(p->text, kw) == 0;
}

/* ---- parser (precedence climbing: or < and < not < comparison < + - < * / % < unary) ---- */

static node *parse_or(parser *p);

/* Steps one nesting level in (what MAX_DEPTH bounds); 0, or -1 after fail. */
static int enter_nested(parser *p, size_t pos)
{
    if (++p->depth <= MAX_DEPTH) return 0;
    fail(p, pos, "expression nested too deeply (more than %d levels)", MAX_DEPTH);
    return -1;
}

/* What follows the current token (a '(', a unary '-' or 'not'), one nesting level in, as `inner`
 * parses it; NULL after fail. */
static node *parse_nested(parser *p, size_t pos, node *(*inner)(parser *))
{
    if (enter_nested(p, pos)) return NULL;
    lex(p);
    node *n = inner(p);
    p->depth--;
    return n;
}

static node *parse_list_call(parser *p, node *n, int close, const char *what)
{
    /* the opening bracket is current */
    if (enter_nested(p, p->tpos)) return NULL;
    lex(p);
    if (p->tok != close) {
        for (;;) {
            node *k = parse_or(p);
            if (!k) return NULL;
            node_add(n, k);
            if (p->tok != T_COMMA) break;
            lex(p);
        }
    }
    p->depth--;
    if (p->tok != close) {
        fail(p, p->tpos, "expected ',' or '%c' in %s, found %s", close == T_RPAREN ? ')' : '}', what, found(p));
        return NULL;
    }
    lex(p);
    return n;
}

static node *parse_primary(parser *p)
{
    if (p->err) return NULL;
    size_t pos = p->tpos;
    if (p->tok == T_NUM) {
        node *n = node_new(N_NUM, pos);
        n->num = p->num;
        lex(p);
        return n;
    }
    if (p->tok == T_STR) {
        node *n = node_new(N_STR, pos);
        n->str = xstrdup(p->text);
        lex(p);
        return n;
    }
    if (is_kw(p, "true") || is_kw(p, "false")) {
        node *n = node_new(N_NUM, pos);
        n->num = is_kw(p, "true");
        lex(p);
        return n;
    }
    if (p->tok == T_LPAREN) {
        node *n = parse_nested(p, pos, parse_or);
        if (!n) return NULL;
        if (p->tok != T_RPAREN) {
            fail(p, p->tpos, "expected ')' to close the '(' at column %zu, found %s", char_column(p->src, pos), found(p));
            node_free(n);
            return NULL;
        }
        lex(p);
        return n;
    }
    if (p->tok == T_NAME && !is_kw(p, "and") && !is_kw(p, "or") && !is_kw(p, "not") && !is_kw(p, "in")) {
        char *name = p->text;
        p->text = NULL;
        lex(p);
        if (p->tok != T_LPAREN || p->src[pos] == '`') {
            node *n = node_new(N_VAR, pos);
            n->str = name;
            return n;
        }
        int fi = -1;
        for (size_t i = 0; i < NFUNCS; i++)
            if (strcasecmp(functions[i].name, name) == 0) fi = (int)i;
        if (fi < 0) {
            const char *names[NFUNCS];
            for (size_t i = 0; i < NFUNCS; i++) names[i] = functions[i].name;
            char *unknown = str_unknown("function", name, names, NFUNCS);
            fail(p, pos, "%s", unknown);
            free(unknown);
            free(name);
            return NULL;
        }
        node *n = node_new(N_CALL, pos);
        n->op = functions[fi].id;
        n->str = name;
        if (!parse_list_call(p, n, T_RPAREN, "the arguments")) {
            node_free(n);
            return NULL;
        }
        int mn = functions[fi].min, mx = functions[fi].max;
        if ((int)n->nkids < mn || (mx >= 0 && (int)n->nkids > mx)) {
            if (mx < 0) fail(p, pos, "%s() takes at least %d argument%s, found %zu", functions[fi].name, mn, mn == 1 ? "" : "s", n->nkids);
            else if (mn == mx) fail(p, pos, "%s() takes %d argument%s, found %zu", functions[fi].name, mn, mn == 1 ? "" : "s", n->nkids);
            else fail(p, pos, "%s() takes %d or %d arguments, found %zu", functions[fi].name, mn, mx, n->nkids);
            node_free(n);
            return NULL;
        }
        return n;
    }
    fail(p, pos, "expected a number, a string, a variable or '(', found %s", found(p));
    return NULL;
}

static node *parse_unary(parser *p)
{
    if (is_op(p, "-") || is_op(p, "+")) {
        size_t pos = p->tpos;
        int neg = is_op(p, "-");
        node *k = parse_nested(p, pos, parse_unary);
        if (!k || !neg) return k;
        node *n = node_new(N_NEG, pos);
        node_add(n, k);
        return n;
    }
    return parse_primary(p);
}

/* Operators of one precedence level share a family; comparisons (0) never chain. */
static int op_family(int op)
{
    switch (op) {
    case OP_ADD: case OP_SUB: return 1;
    case OP_MUL: case OP_DIV: case OP_MOD: return 2;
    case OP_AND: return 3;
    case OP_OR: return 4;
    default: return 0;
    }
}

/* `a op b`: b joins a when a already is a chain of op's level (the fold stays left to right). */
static node *binary(int op, size_t pos, node *a, node *b)
{
    if (a->kind == N_BIN && op_family(op) && op_family(a->op) == op_family(op)) {
        node_add(a, b);
        a->ops[a->nkids - 1] = op;
        return a;
    }
    node *n = node_new(N_BIN, pos);
    n->op = op;
    node_add(n, a);
    node_add(n, b);
    n->ops[1] = op;
    return n;
}

/* The operators of one precedence level: symbols, or keywords ("and", "or"). */
typedef struct level_op {
    const char *text;
    int op;
    int keyword;
} level_op;

/* The op of the operator at the parser's token among `ops`, or -1 when it is none of them. */
static int match_op(const parser *p, const level_op *ops, size_t nops)
{
    for (size_t i = 0; i < nops; i++)
        if (ops[i].keyword ? is_kw(p, ops[i].text) : is_op(p, ops[i].text)) return ops[i].op;
    return -1;
}

/* One left-associative precedence level: operands parsed by `next`, joined by any of `ops`. */
static node *parse_level(parser *p, const level_op *ops, size_t nops, node *(*next)(parser *))
{
    node *a = next(p);
    for (int op; a && (op = match_op(p, ops, nops)) >= 0;) {
        size_t pos = p->tpos;
        lex(p);
        node *b = next(p);
        if (!b) { node_free(a); return NULL; }
        a = binary(op, pos, a, b);
    }
    return a;
}

static node *parse_mul(parser *p)
{
    static const level_op ops[] = {{"*", OP_MUL, 0}, {"/", OP_DIV, 0}, {"%", OP_MOD, 0}};
    return parse_level(p, ops, sizeof ops / sizeof ops[0], parse_unary);
}

static node *parse_add(parser *p)
{
    static const level_op ops[] = {{"+", OP_ADD, 0}, {"-", OP_SUB, 0}};
    return parse_level(p, ops, sizeof ops / sizeof ops[0], parse_mul);
}

static node *parse_cmp(parser *p)
{
    node *a = parse_add(p);
    if (!a) return NULL;
    static const level_op cmps[] = {
        {"==", OP_EQ, 0}, {"~=", OP_NE, 0}, {"!=", OP_NE, 0}, {"<>", OP_NE, 0},
        {"<=", OP_LE, 0}, {">=", OP_GE, 0}, {"<", OP_LT, 0}, {">", OP_GT, 0},
    };
    if (is_op(p, "=")) {
        fail(p, p->tpos, "expected '==' (a comparison), found '='");
        node_free(a);
        return NULL;
    }
    if (is_kw(p, "in")) {
        node *n = node_new(N_IN, p->tpos);
        node_add(n, a);
        lex(p);
        if (p->tok != T_LBRACE && p->tok != T_LPAREN) {
            fail(p, p->tpos, "expected '{' or '(' after 'in', found %s", found(p));
            node_free(n);
            return NULL;
        }
        if (!parse_list_call(p, n, p->tok == T_LBRACE ? T_RBRACE : T_RPAREN, "the list after 'in'")) {
            node_free(n);
            return NULL;
        }
        return n;
    }
    int op = match_op(p, cmps, sizeof cmps / sizeof cmps[0]);
    if (op < 0) return a;
    size_t pos = p->tpos;
    lex(p);
    node *b = parse_add(p);
    if (!b) { node_free(a); return NULL; }
    a = binary(op, pos, a, b);
    if (p->tok == T_OP && !is_op(p, "=")) {
        fail(p, p->tpos, "expected 'and', 'or' or the end, found %s (comparisons do not chain)", found(p));
        node_free(a);
        return NULL;
    }
    return a;
}

static node *parse_not(parser *p)
{
    if (is_kw(p, "not")) {
        size_t pos = p->tpos;
        node *k = parse_nested(p, pos, parse_not);
        if (!k) return NULL;
        node *n = node_new(N_NOT, pos);
        node_add(n, k);
        return n;
    }
    return parse_cmp(p);
}

static node *parse_and(parser *p)
{
    static const level_op ops[] = {{"and", OP_AND, 1}};
    return parse_level(p, ops, 1, parse_not);
}

static node *parse_or(parser *p)
{
    static const level_op ops[] = {{"or", OP_OR, 1}};
    node *a = parse_level(p, ops, 1, parse_and);
    if (p->err) { node_free(a); return NULL; }
    return a;
}

/* 1,234,567 */
static void group_digits(size_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n), o = 0;
    for (int i = 0; i < len && (size_t)o + 2 < size; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

tally_expr *tally_expr_parse(const char *src, char **err)
{
    parser p = {.src = src ? src : ""};
    size_t len = strlen(p.src);
    if (len > MAX_SOURCE) {
        char have[32], limit[32];
        group_digits(len, have, sizeof have);
        group_digits(MAX_SOURCE, limit, sizeof limit);
        *err = xasprintf("the expression is %s bytes long; the limit is %s (split it into several steps)", have, limit);
        return NULL;
    }
    lex(&p);
    node *root = parse_or(&p);
    if (root && p.tok != T_END)
        fail(&p, p.tpos, "expected an operator, 'and', 'or' or the end of the expression, found %s", found(&p));
    if (root && !p.err && root->height > MAX_HEIGHT)
        fail(&p, root->pos, "expression nested too deeply (more than %d levels of operators)", MAX_HEIGHT);
    free(p.text);
    if (p.err) {
        node_free(root);
        *err = p.err;
        return NULL;
    }
    tally_expr *e = xcalloc(1, sizeof *e);
    e->src = xstrdup(p.src);
    e->root = root;
    return e;
}

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
    b->err = at_column(b->src, pos, fmt, ap);
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

/* Evaluates a function call over one block of rows. Long: one short case per function of
 * the expression language, in the order of its table; split, the cases would only move. */
static void eval_call(const node *nd, const span *s, double *out)
{
    const node *a = nd->kids[0];
    double b[BLOCK];
    switch (nd->op) {
    case F_MISSING: case F_VALID: case F_SYSMIS: case F_VALUE: {
        int want_valid = nd->op == F_VALID;
        if (a->is_str) {
            const char *t[BLOCK];
            eval_str(a, s, t);
            for (size_t i = 0; i < s->n; i++) out[i] = (t[i] == NULL) != want_valid;
            return;
        }
        if (a->kind == N_VAR) read_var(a, s, b, 0);
        else eval_num(a, s, b);
        for (size_t i = 0; i < s->n; i++) {
            double v = b[i];
            int sys = v != v;
            int miss = sys || (a->kind == N_VAR && tally_column_is_user_missing(a->col, v));
            out[i] = nd->op == F_VALUE ? v : nd->op == F_SYSMIS ? sys : nd->op == F_MISSING ? miss : !miss;
        }
        return;
    }
    case F_SUM: case F_MEAN: case F_MIN: case F_MAX: {
        /* SPSS: missing arguments are skipped; missing only when all are */
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
        return;
    }
    case F_ABS: case F_FLOOR:
        eval_num(a, s, out);
        for (size_t i = 0; i < s->n; i++) out[i] = nd->op == F_ABS ? fabs(out[i]) : floor(out[i]);
        return;
    case F_ROUND: {
        eval_num(a, s, out);
        if (nd->nkids > 1) eval_num(nd->kids[1], s, b);
        for (size_t i = 0; i < s->n; i++) {
            double digits = nd->nkids > 1 ? b[i] : 0;
            if (digits != digits) { out[i] = NAN; continue; }
            double f = pow(10, floor(digits)), y = out[i] * f;
            /* half away from zero, with a little fuzz so 2.675 rounds to 2.68 as printed */
            y = round(y + copysign(fabs(y) * 1e-12, y));
            out[i] = y / f;
        }
        return;
    }
    case F_YEAR: case F_MONTH: {
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
        return;
    }
    case F_COUNT: {
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
        double v[BLOCK];
        eval_num(val, s, v);
        for (size_t k = 0; k + 1 < nd->nkids; k++) {
            eval_num(nd->kids[k], s, b);
            for (size_t i = 0; i < s->n; i++)
                if (b[i] == v[i]) out[i]++;
        }
        return;
    }
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
