/* md_banner.h: banner tables as GitHub-flavoured Markdown, from the banner model (ABI 1.3). */
#ifndef TALLY_MD_BANNER_H
#define TALLY_MD_BANNER_H

#include "template.h"

/* Table t (a banner: bn_nlevels(t) > 0) as one pipe table per banner variable, each
 * with the Total column, then its base and notes. Cells read "75.9% (22) B". */
void md_render_banner(const tally_host *h, const tally_report *rep, tpl_buf *out, const tally_table *t);

#endif
