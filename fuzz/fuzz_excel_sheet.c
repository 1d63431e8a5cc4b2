/* fuzz_excel_sheet.c: fuzzes the excel input plugin's worksheet parser and dataset builder on sheet XML. */
#include "fuzz_common.h"
#include "../plugins/input/excel/xlsx_build.h"
#include "dataset.h"
#include "host.h"

/*
 * Input: one settings byte, then the sheet's XML (xl/worksheets/sheetN.xml).
 *   byte 0: bits 0-1 header_rows 0..3, bit 2 the 1904 date system, bit 3 types = { "a:numeric" },
 *           bits 4-7 the piece size (and feeding step) of the split parse compared with one parser's
 * The workbook around it has three shared strings and four cell styles (plain, date, datetime, time).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t a = data[0];
    data++;
    size--;
    tally_log_set_level(0);
    static char *sst[3] = {"a", "b", "NA"};
    static uint32_t sst_len[3] = {1, 1, 2};
    static uint8_t xf[4] = {XLSX_FMT_NONE, XLSX_FMT_DATE, XLSX_FMT_DATETIME, XLSX_FMT_TIME};
    xlsx_book book;
    memset(&book, 0, sizeof book);
    book.sst = sst;
    book.sst_len = sst_len;
    book.nsst = 3;
    book.xf_kind = xf;
    book.nxf = 4;
    book.date1904 = (a >> 2) & 1;
    xlsx_grid grid;
    memset(&grid, 0, sizeof grid);
    char err[XLSX_ERR] = "";
    int rc = xlsx_sheet_parse_buffer(&book, (const char *)data, size, &grid, err);
    FUZZ_ASSERT(rc == 0 || err[0], "a refused sheet has a message");
    /* The sheet cut at row starts and parsed in pieces: accepted only when it gives one parser's cells. */
    xlsx_grid split;
    memset(&split, 0, sizeof split);
    size_t pieces, piece = 8 + (size_t)(a >> 4) * 29, step = 1 + (size_t)(a >> 4) * 7;
    if (xlsx_sheet_parse_split(&book, (const char *)data, size, piece, step, 0, &split, &pieces) == 0) {
        char why[160] = "";
        FUZZ_ASSERT(rc == 0, "a sheet one parser refuses is refused in pieces too");
        FUZZ_ASSERT(xlsx_grid_same(&book, &grid, &split, why, sizeof why), "pieces give one parser's cells");
    }
    xlsx_grid_free(&split);
    if (rc == 0) {
        xlsx_settings s;
        memset(&s, 0, sizeof s);
        s.path = "fuzz.xlsx";
        s.header_rows = a & 3;
        s.missing[s.nmissing++] = "NA";
        if (a & 8) s.types[s.ntypes++] = "a:numeric";
        tally_ctx *ctx = tally_ctx_new("fuzz");
        tally_dataset *ds = tally_dataset_new("fuzz");
        xlsx_build x = {.call = {tally_host_get(), ctx}, .s = &s, .b = &book, .g = &grid, .where = "fuzz"};
        int brc = xlsx_build_dataset(&x, ds);
        FUZZ_ASSERT(brc == 0 || tally_ctx_error(ctx), "a failed build sets an error message");
        if (brc == 0) FUZZ_ASSERT(ds->nrows + (size_t)s.header_rows == grid.nrows, "one dataset row per sheet row");
        tally_dataset_free(ds);
        tally_ctx_free(ctx);
    }
    xlsx_grid_free(&grid);
    return 0;
}
