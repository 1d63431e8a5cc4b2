/* formats.c: the xlsx plugin's cell formats, made once per style and number format. */
#include "xlsx.h"
#include "grow_buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XW_SHADE 0xDDE4EE   /* header fill */
#define XW_LINE 0x7F7F7F    /* header and total rule */
#define XW_GREY 0x595959    /* footnotes */

const char *xw_num_format(tally_col_type type, int decimals, int fractional_counts)
{
    static char buf[32];
    int dec = decimals < 0 ? 0 : decimals > 10 ? 10 : decimals;
    switch (type) {
    case TALLY_COL_COUNT:
        /* Counts show the column's decimals: weighted ones as the user set them (default 0). */
        (void)fractional_counts;
        break;
    case TALLY_COL_PERCENT:
    case TALLY_COL_MEAN:
    case TALLY_COL_NUMBER:
        break;
    default:
        return NULL;
    }
    size_t n = 0;
    buf[n++] = '0';
    if (dec) {
        buf[n++] = '.';
        for (int i = 0; i < dec; i++) buf[n++] = '0';
    }
    if (type == TALLY_COL_PERCENT) buf[n++] = '%';
    buf[n] = '\0';
    return buf;
}

/* The style's flags as format attributes, each set once. Where flags meet on one attribute, one
 * wins: a note's size over a subtitle's over a title's, a link's colour over a note's grey, right
 * over left over a header's centring, a box's middle over wrapped text's top over a header's
 * bottom. Rules are thin and grey: above (top border, box), below (header, box), at the sides (box). */
static void apply_style(lxw_format *f, unsigned style)
{
    if (style & (XW_BOLD | XW_HEADER | XW_TITLE | XW_SUBTITLE)) format_set_bold(f);
    if (style & (XW_ITALIC | XW_NOTE)) format_set_italic(f);
    if (style & (XW_TITLE | XW_SUBTITLE | XW_NOTE))
        format_set_font_size(f, style & XW_NOTE ? 9 : style & XW_SUBTITLE ? 12 : 14);
    if (style & (XW_NOTE | XW_LINK)) format_set_font_color(f, style & XW_LINK ? LXW_COLOR_BLUE : XW_GREY);
    if (style & XW_LINK) format_set_underline(f, LXW_UNDERLINE_SINGLE);
    if (style & XW_HEADER) format_set_bg_color(f, XW_SHADE);
    if (style & (XW_HEADER | XW_WRAP)) format_set_text_wrap(f);
    if (style & XW_INDENT) format_set_indent(f, 1);

    if (style & XW_RIGHT) format_set_align(f, LXW_ALIGN_RIGHT);
    else if (style & XW_LEFT) format_set_align(f, LXW_ALIGN_LEFT);
    else if (style & XW_HEADER) format_set_align(f, LXW_ALIGN_CENTER);
    if (style & (XW_BOX | XW_WRAP | XW_HEADER))
        format_set_align(f, style & XW_BOX    ? LXW_ALIGN_VERTICAL_CENTER
                            : style & XW_WRAP ? LXW_ALIGN_VERTICAL_TOP
                                              : LXW_ALIGN_VERTICAL_BOTTOM);

    if (style & (XW_TOP_BORDER | XW_BOX)) {
        format_set_top(f, LXW_BORDER_THIN);
        format_set_top_color(f, XW_LINE);
    }
    if (style & (XW_HEADER | XW_BOX)) {
        format_set_bottom(f, LXW_BORDER_THIN);
        format_set_bottom_color(f, XW_LINE);
    }
    if (style & XW_BOX) {
        format_set_left(f, LXW_BORDER_THIN);
        format_set_left_color(f, XW_LINE);
        format_set_right(f, LXW_BORDER_THIN);
        format_set_right_color(f, XW_LINE);
    }
}

lxw_format *xw_fmt(xw *w, unsigned style, const char *num_format)
{
    for (size_t i = 0; i < w->nfmts; i++) {
        const xw_format *e = &w->fmts[i];
        if (e->style != style) continue;
        if ((e->num_format == NULL) != (num_format == NULL)) continue;
        if (num_format && strcmp(e->num_format, num_format) != 0) continue;
        return e->fmt;
    }
    if (grow_array((void **)&w->fmts, &w->fmts_cap, w->nfmts + 1, sizeof *w->fmts, 16) != 0)
        return NULL; /* General format: still a correct workbook */
    lxw_format *f = workbook_add_format(w->wb);
    if (!f) return NULL;
    apply_style(f, style);
    if (num_format) format_set_num_format(f, num_format);
    char *copy = num_format ? strdup(num_format) : NULL;
    if (num_format && !copy) return f;
    w->fmts[w->nfmts++] = (xw_format){style, copy, f};
    return f;
}

void xw_formats_free(xw *w)
{
    for (size_t i = 0; i < w->nfmts; i++) free(w->fmts[i].num_format);
    free(w->fmts);
    w->fmts = NULL;
    w->nfmts = w->fmts_cap = 0;
}

int xw_date_serial(int kind, double v, const char *lang, double *serial, const char **num_format)
{
    int de = lang && strcmp(lang, "de") == 0;
    if (!isfinite(v)) return 0;
    switch (kind) {
    case TALLY_DATE_DAYS:
        *serial = floor(v + 0.5) + XW_EXCEL_EPOCH_1970;
        *num_format = de ? "dd.mm.yyyy" : "yyyy-mm-dd";
        break;
    case TALLY_DATE_DATETIME:
        *serial = floor(v + 0.5) / 86400.0 + XW_EXCEL_EPOCH_1970;
        *num_format = de ? "dd.mm.yyyy hh:mm:ss" : "yyyy-mm-dd hh:mm:ss";
        break;
    case TALLY_DATE_TIME:
        if (v < 0) return 0; /* Excel shows no negative times */
        *serial = floor(v + 0.5) / 86400.0;
        *num_format = "[hh]:mm:ss";
        return 1;
    default:
        return 0;
    }
    /* Excel's serials count 1900-02-29, a day that never was: before 1900-03-01 they lie */
    return *serial >= 61;
}
