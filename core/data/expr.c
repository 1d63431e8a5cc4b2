/* expr.c: the lexer and parser of tally's expression language (its binder and evaluator: expr_eval.c). */
#include "expr_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

char *expr_at_column(const char *src, size_t pos, const char *fmt, va_list ap)
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
    p->err = expr_at_column(p->src, pos, fmt, ap);
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
