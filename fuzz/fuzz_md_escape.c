/* fuzz_md_escape.c: fuzzes the Markdown escaper and checks that no data text can open Markdown syntax. */
#include "fuzz_common.h"
#include "md_render.h"
#include "template.h"

/* Every byte GFM would interpret inline must be preceded by a backslash. */
static int is_special(char c) { return c && strchr("\\`*_[]<>|~$#", c) != NULL; }

static void check_escaped(const char *s, size_t n, int cell)
{
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(s[i] != '\n' && s[i] != '\r', "escaped text holds no line break");
        FUZZ_ASSERT((unsigned char)s[i] >= 0x20 && s[i] != 0x7F, "no control bytes, tabs are spaces");
        if (s[i] == '\\') { /* an escape: skip the escaped character */
            FUZZ_ASSERT(i + 1 < n, "no dangling backslash at the end");
            i++;
            continue;
        }
        FUZZ_ASSERT(!is_special(s[i]), "special characters are escaped");
        if (cell) FUZZ_ASSERT(s[i] != '|', "no bare pipe in a table cell");
    }
}

/* Input: one byte (bit 0: text before, so not at a line start), then the text. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    char *s = fuzz_cstr(data + 1, size - 1);
    tpl_buf out = {0};
    size_t start = 0;
    if (data[0] & 1) {
        tpl_buf_puts(&out, "x ");
        start = out.len;
    }
    md_escape(&out, s);
    if (out.data) check_escaped(out.data + start, out.len - start, 0);
    tpl_buf cell = {0};
    md_escape_cell(&cell, s);
    if (cell.data) check_escaped(cell.data, cell.len, 1);
    tpl_buf_free(&out);
    tpl_buf_free(&cell);
    free(s);
    return 0;
}
