/* category_order.h: the display order of a variable's values: codebook `order`, natural order of numbers in text, non-answers last. */
#ifndef TALLY_CATEGORY_ORDER_H
#define TALLY_CATEGORY_ORDER_H

#include <stddef.h>

struct tally_column;

/* What a codebook says about a column's order (owned by the column, freed with it). */
typedef struct tally_cat_order {
    char **texts;    /* `order` of a text column: its values, first to last */
    double *codes;   /* `order` of a numeric column: its codes, first to last */
    size_t n;        /* entries of texts or codes */
    char **last;     /* `last_answers`: texts shown after all others, besides the built-in lists */
    size_t nlast;
} tally_cat_order;

/* Frees an order (NULL is fine). */
void tally_cat_order_free(tally_cat_order *o);
/* A new copy, or NULL for NULL. */
tally_cat_order *tally_cat_order_copy(const tally_cat_order *o);
/* The column's order, created empty when it has none (never NULL). */
tally_cat_order *tally_cat_order_of(struct tally_column *c);
/* Replaces the column's `order` by n texts or n codes (the other NULL); copies them. */
void tally_cat_order_set(struct tally_column *c, const char *const *texts, const double *codes, size_t n);
/* Adds a text to the column's `last_answers`. */
void tally_cat_order_add_last(struct tally_column *c, const char *text);

/*
 * Where a valid value goes, as a group and a rank within it: group 0, the
 * codebook's `order` (rank: its place there); group 1, every other value, in
 * natural order (tally_natural_cmp for text, numbers by value); group 2, answers
 * such as "Other", "Don't know", "Prefer not to say", "No answer" (the built-in
 * English and German lists, then the codebook's `last_answers`; rank: the place
 * in the lists). str is the text of a text value, NULL for a numeric code.
 */
int tally_cat_order_group(const struct tally_column *c, const char *str, double code, size_t *rank);

/* Compares texts as a person orders them: runs of digits by their value (with
 * thousands groups "25,000" and decimals "1.5"), letters without regard to ASCII
 * case, "Under 18" / "Over 65" (English and German words) just before / after
 * their number; equal ones by their bytes. Negative, zero or positive, as strcmp. */
int tally_natural_cmp(const char *a, const char *b);

#endif
