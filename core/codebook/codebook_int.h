/* codebook_int.h: internals shared by codebook.c (declarations, loading) and codebook_apply.c (applying them). */
#ifndef TALLY_CODEBOOK_INT_H
#define TALLY_CODEBOOK_INT_H

#include <lua.h>
#include "dataset.h"

/* State of one tally_codebook_apply call; the declarations reach it as upvalue 1. */
typedef struct cb_state {
    const char *path;      /* codebook file, for messages */
    const char *language;  /* report language for bilingual labels */
    tally_dataset *ds;     /* borrowed */
    int pending_line;      /* a `variable "x"` still waiting for its { ... } */
    char pending_what[200]; /* "variable 'x'" */
} cb_state;

cb_state *cb_get(lua_State *L);
/* Raises "path:line: message" (never returns). */
int cb_fail(lua_State *L, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The text at idx: a string, or a { en = ..., de = ... } table picked by the language. Borrowed from the value. */
const char *cb_text(lua_State *L, int idx, int line, const char *what);

/* Column index of `name`, or raises "...: the data has no column 'x' (did you mean 'y'?)". */
int cb_column(lua_State *L, const char *name, int line, const char *what);
/* Columns matching a name or a pattern (* and ?); raises when none does. Pushes a
 * userdata holding the list (pop it when done) and points *cols at it. */
size_t cb_match(lua_State *L, const char *pattern, int line, const char *what, int **cols);
/* Applies a variable spec (label, values, missing, measure, format) at idx to column col. */
void cb_apply_meta(lua_State *L, int idx, int line, const char *what, int col);
/* Applies an mrset spec at idx: converts text checkboxes, splits delimited columns, adds the set. */
void cb_apply_mrset(lua_State *L, int idx, int line, const char *name, const char *what);

#endif
