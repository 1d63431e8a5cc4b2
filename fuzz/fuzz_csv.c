/* fuzz_csv.c: fuzzes the csv input plugin's reader (sniffing, UTF-8 check, header, chunked tokenizer, type inference), portable and SIMD kernels alike. */
#include "fuzz_common.h"
#include "csv_read.h"
#include "dataset.h"
#include "host.h"
#include "../tests/unit/dataset_diff.h"

/*
 * Input: two settings bytes, then the file's bytes.
 *   byte 0: bits 0-1 delimiter (auto ; tab ,), bit 2 decimal comma, bits 3-4 encoding
 *           (utf-8, windows-1252, latin-1), bit 5 invalid_utf8 = "replace", bits 6-7 header_rows 0..3
 *   byte 1: bit 0 on_ragged = "skip", bit 1 three threads (small chunks), bits 2-3 max_field_bytes
 *           (16 MiB, 1, 7, 64), bit 4 missing = { "NA", "-9", "" }, bit 5 a types override,
 *           bit 6 decimal = "auto", bit 7 date_format = "mm/dd/yyyy" and (not comma-delimited)
 *           thousands = "." with decimal ","
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint8_t a = data[0], b = data[1];
    data += 2;
    size -= 2;
    tally_log_set_level(0);
    csv_settings s;
    memset(&s, 0, sizeof s);
    static const char delims[4] = {0, ';', '\t', ','};
    s.path = fuzz_scratch(data, size, ".csv");
    s.delim = delims[a & 3];
    s.decimal = (a & 4) ? ',' : '.';
    if (s.delim == s.decimal) s.decimal = '.'; /* the plugin's option check refuses this pair */
    if (b & 64) s.decimal = 0; /* auto: sniffed from the first rows */
    s.date_format = (b & 128) ? CSV_DATE_MDY : CSV_DATE_DOTS;
    if ((b & 128) && s.delim != ',') s.thousands = '.', s.decimal = ',';
    s.encoding = (csv_encoding)(((a >> 3) & 3) % 3);
    s.replace_invalid = (a >> 5) & 1;
    s.header_rows = (a >> 6) & 3;
    s.skip_ragged = b & 1;
    s.threads = (b & 2) ? 3 : 1;
    static const size_t maxf[4] = {16u << 20, 1, 7, 64};
    s.max_field = maxf[(b >> 2) & 3];
    s.missing[s.nmissing++] = "NA";
    if (b & 16) {
        s.missing[s.nmissing++] = "-9";
        s.missing[s.nmissing++] = "";
    }
    if (b & 32) {
        s.types[s.ntypes++] = "a:string";
        s.types[s.ntypes++] = "V2:numeric";
        if (b & 64) s.types[s.ntypes++] = "V3:date";
    }
    /* The portable kernel first, then the best this CPU runs: the same dataset or the same error. */
    csv_kernel_override(CSV_KERNEL_PORTABLE);
    tally_ctx *pctx = tally_ctx_new("fuzz");
    tally_dataset *pds = tally_dataset_new("fuzz");
    int prc = csv_read_file(tally_host_get(), pctx, &s, pds);
    csv_kernel_override(CSV_KERNEL_COUNT);
    tally_ctx *ctx = tally_ctx_new("fuzz");
    tally_dataset *ds = tally_dataset_new("fuzz");
    int rc = csv_read_file(tally_host_get(), ctx, &s, ds);
    char why[512];
    FUZZ_ASSERT(rc == prc, "the portable and SIMD kernels both read the file, or both refuse it");
    FUZZ_ASSERT(rc != 0 || !dataset_diff(pds, ds, why, sizeof why), "the portable and SIMD kernels read the same cells");
    FUZZ_ASSERT(rc == 0 || strcmp(tally_ctx_error(pctx) ? tally_ctx_error(pctx) : "", tally_ctx_error(ctx) ? tally_ctx_error(ctx) : "") == 0,
                "the portable and SIMD kernels give the same error");
    tally_dataset_free(pds);
    tally_ctx_free(pctx);
    FUZZ_ASSERT(rc == 0 || tally_ctx_error(ctx), "a failed read sets an error message");
    if (rc == 0) {
        /* every string cell the reader stored is valid UTF-8 (replaced or converted) */
        for (size_t c = 0; c < ds->ncols; c++) {
            tally_column *col = ds->cols[c];
            FUZZ_ASSERT(col->len == ds->phys_len, "columns are as long as the dataset");
            if (col->type != TALLY_STRING) continue;
            for (size_t r = 0; r < col->len; r++) {
                const char *v = tally_column_string(col, r);
                FUZZ_ASSERT(fuzz_valid_utf8((const unsigned char *)v, strlen(v)), "string cells are valid UTF-8");
            }
        }
    }
    tally_dataset_free(ds);
    tally_ctx_free(ctx);
    return 0;
}
