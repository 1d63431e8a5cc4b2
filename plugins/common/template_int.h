/* template_int.h: the template engine's node tree and the helpers its parser (template.c) and renderer (template_render.c) share. */
#ifndef TALLY_TEMPLATE_INT_H
#define TALLY_TEMPLATE_INT_H

#include "template.h"

#include <stdarg.h>
#include <stddef.h>

typedef enum { N_TEXT, N_OUT, N_IF, N_FOR } node_kind;

typedef struct node node;
typedef struct nodelist {
    node *v;
    size_t n, cap;
} nodelist;

struct node {
    node_kind kind;
    const char *file; /* borrowed from the parser's file list */
    int line;
    char *text;       /* N_TEXT: the literal text; otherwise the tag's content, trimmed */
    size_t len;
    int eol;          /* N_OUT alone on its line: its newline is kept only when it renders text */
    nodelist body;    /* N_IF: the then-branch; N_FOR: the loop body */
    nodelist alt;     /* N_IF: the else-branch */
};

/* A list of candidate names for "did you mean" and "known: ..." hints. */
typedef struct tpl_names {
    const char *v[64];
    size_t n;
    size_t more; /* candidates beyond the 64 kept */
} tpl_names;

/* Adds a candidate (NULL: none); past 64 it is only counted. */
void tpl_names_add(tpl_names *ns, const char *s);
/* Appends " (did you mean 'x'?)" or "; known: a, b" (or nothing when empty); the
 * distance is the host's (str_distance, the one the core's hints use). */
void tpl_names_hint(const tally_host *h, tpl_buf *b, const tpl_names *ns, const char *word, const char *prefix);
/* Keeps the first error of a parse or a rendering in *err, as "file:line: message"; later ones are
 * consequences of it and dropped. */
void tpl_keep_first_error(char **err, const char *file, int line, const char *fmt, va_list ap);
/* p, or the end of the process with "out of memory" when it is NULL. */
void *tpl_must(void *p);
static inline int tpl_is_blank(char c) { return c == ' ' || c == '\t'; }

/* The text a parsed template renders to against env's report (a new string), or NULL
 * with the first error in *err (template_render.c). */
char *tpl_render_nodes(const tpl_env *env, const nodelist *root, char **err);

#endif
