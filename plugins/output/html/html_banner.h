/* html_banner.h: banner tables rendered as HTML straight from the banner model (ABI 1.3). */
#ifndef TALLY_HTML_BANNER_H
#define TALLY_HTML_BANNER_H

#include "template.h"

/* Text escaped for HTML element content and attribute values; invalid UTF-8 and bidi
 * controls become U+FFFD, counted in *replaced (may be NULL). */
void html_escape(tpl_buf *out, const char *s, size_t *replaced);
/* The banner table t (bn_nlevels(t) > 0) as a <table> with real header rows, then its base and notes. */
/* Texts changed by the escaper (invalid UTF-8, bidi controls) are added to *replaced (may be NULL). */
void html_banner_table(const tally_host *h, const tally_report *rep, tpl_buf *out, const tally_table *t,
                       size_t *replaced);

#endif
