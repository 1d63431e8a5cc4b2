/* case_file.h: unit-test cases read from plain-text case files under tests/data/; a broken file fails the test loudly. */
#ifndef TALLY_TEST_CASE_FILE_H
#define TALLY_TEST_CASE_FILE_H

#include <stddef.h>

/* The case file format (one for every kind of case; the fields are the test's):
 *
 *   # a comment: a line that starts with '#'
 *   [section]            the cases below, up to the next [name], are the section's
 *   field: value         one field of a case: its name, ": ", its value to the end of the line
 *   field: value
 *                        a blank line ends a case
 *
 * A value is written as it is, except for three escapes: "\n" a line break, "\t" a tab and
 * "\\" a backslash (so multi-line text is one line, exactly). A number is a decimal number
 * ("2.5", "1e-9") or a fraction of two ("100/3": the double 100.0 / 3).
 *
 * Every case of the section must hold each asked field once and nothing else. A missing or
 * unreadable file, a malformed line, an unknown escape or field, a missing field, an absent
 * section or one without a case prints "not ok - FILE:LINE: what" and exits 1: a broken case
 * file can never pass as zero checks. */

/* The cases of one section; values[case * nfields + field] (owned). */
typedef struct case_list {
    char *path, *section;
    size_t ncases, nfields;
    char **values;
    size_t *lines; /* the line each case starts at, for messages */
} case_list;

/* Reads section `section` of the case file at `path` (relative to the repository root, where
 * the tests run), each case holding the NULL-terminated `fields` in that order. New list, caller
 * frees with case_list_free; on any error the test fails and exits (see above). */
case_list *case_list_read(const char *path, const char *section, const char *const *fields);
void case_list_free(case_list *l);

/* Prints where case i stands ("#   case: FILE:LINE"), a TAP comment for under a failed check. */
void case_where(const case_list *l, size_t i);

/* Field `field` (index into the asked fields) of case `i`, as text (owned by the list). */
const char *case_text(const case_list *l, size_t i, size_t field);
/* The same field as a number ("2.5", "1e-9", "100/3"); anything else fails the test and exits. */
double case_number(const case_list *l, size_t i, size_t field);
/* The same field as a whole number >= 0 (a row or column index); anything else fails and exits. */
size_t case_index(const case_list *l, size_t i, size_t field);

#endif
