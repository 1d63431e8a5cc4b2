/* md_render.h: tally report parts as GitHub-flavoured Markdown: escaped text, pipe tables, Mermaid charts. */
#ifndef TALLY_MD_RENDER_H
#define TALLY_MD_RENDER_H

#include "template.h"

/* Appends `s` so that Markdown shows it literally: every character GFM would
 * interpret (\ ` * _ [ ] < > | ~ $ # and entity-like &) is backslash-escaped, and
 * so are the ':' of "://" and the '.' of "www." (GFM would make links of them);
 * the '@' of a mail address gets an invisible WORD JOINER (U+2060) before it;
 * invalid UTF-8 and bidi controls become U+FFFD;
 * newlines and tabs become spaces, other control characters are dropped. When
 * `out` is at the start of a line, list, heading and quote markers are escaped
 * too and leading blanks dropped (they would start a code block). */
void md_escape(tpl_buf *out, const char *s);

/* As md_escape for a pipe-table cell (no line-start rules). */
void md_escape_cell(tpl_buf *out, const char *s);

/* Table `t` as a pipe table (labels left-aligned, numbers right-aligned), then
 * its base and notes. Ends in one newline. A tpl_block_fn. */
void md_render_table(const tally_host *host, const tally_report *rep, tpl_buf *out, const tally_table *t);

/* The table's chart as a ```mermaid block (pie, or xychart-beta bar/line);
 * nothing when the table has no chart or no plottable rows. A tpl_block_fn. */
void md_render_chart(const tally_host *host, const tally_report *rep, tpl_buf *out, const tally_table *t);

/* How many texts the escapers above changed (invalid UTF-8 or bidi controls
 * shown as U+FFFD) since the last call; resets the count. For the warning. */
size_t md_take_replaced(void);

/* Ends the text with exactly one newline (drops trailing blank lines). */
void md_finish(tpl_buf *out);

#endif
