/* expr_int.h: the expression tree, shared by the parser (expr.c) and the binder and evaluator (expr_eval.c). */
#ifndef TALLY_EXPR_INT_H
#define TALLY_EXPR_INT_H

#include "expr.h"
#include "util.h"

#include <stdarg.h>
#include <stddef.h>

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

/* An error message that says where in the expression text `src` it is: "at column N: ..."
 * (a new string; expr.c). */
char *expr_at_column(const char *src, size_t pos, const char *fmt, va_list ap);

#endif
