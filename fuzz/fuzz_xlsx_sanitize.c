/* fuzz_xlsx_sanitize.c: fuzzes the xlsx plugin's cell-text and sheet-name sanitizer and checks Excel's rules. */
#include "fuzz_common.h"
#include "xlsx.h"

/* UTF-16 units of valid UTF-8 text. */
static size_t utf16_units(const unsigned char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if ((*s & 0xC0) == 0x80) continue;
        n += *s >= 0xF0 ? 2 : 1;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned k = data[0] % 4 == 3 ? 4294967295u : data[0] % 4; /* sheet-name suffix number */
    char *s = fuzz_cstr(data + 1, size - 1);
    int cut = 0;
    char *clean = xw_clean_text(s, &cut);
    FUZZ_ASSERT(clean, "clean text");
    FUZZ_ASSERT(fuzz_valid_utf8((const unsigned char *)clean, strlen(clean)), "cell text is valid UTF-8");
    FUZZ_ASSERT(xw_utf8_len(clean) <= XW_CELL_MAX, "cell text fits a cell");
    char *plain = xw_plain_text(s);
    FUZZ_ASSERT(plain && fuzz_valid_utf8((const unsigned char *)plain, strlen(plain)), "plain text is valid UTF-8");
    for (const char *p = plain; *p; p++) FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7F, "no control characters");
    char *name = xw_sheet_name_try(s, k);
    FUZZ_ASSERT(name && *name, "a sheet name is never empty");
    FUZZ_ASSERT(fuzz_valid_utf8((const unsigned char *)name, strlen(name)), "sheet names are valid UTF-8");
    FUZZ_ASSERT(utf16_units((const unsigned char *)name) <= XW_SHEET_NAME_MAX, "sheet names fit 31 UTF-16 units");
    FUZZ_ASSERT(!strpbrk(name, "[]:*?/\\"), "no character Excel forbids in sheet names");
    FUZZ_ASSERT(name[0] != '\'' && name[strlen(name) - 1] != '\'', "no apostrophe at either end");
    xw_text_width(s);
    char *ref = xw_sheet_ref(name, 1048575, 16383);
    FUZZ_ASSERT(ref && ref[0] == '\'', "a sheet reference is quoted");
    free(ref);
    free(name);
    free(plain);
    free(clean);
    free(s);
    return 0;
}
