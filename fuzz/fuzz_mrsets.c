/* fuzz_mrsets.c: fuzzes the .sav multiple-response set parser (dictionary walk, records 7.7, 7.13 and 7.19). */
#include "fuzz_common.h"
#include "dataset.h"
#include "host.h"
#include "rs_internal.h"

/* The variables the sets may name: numeric, text and one with a long name. */
static tally_dataset *fixture(void)
{
    static const char *const numeric[] = {"c1", "c2", "c3", "a", "b", "LongVariableName"};
    static const char *const text[] = {"s1", "s2"};
    tally_dataset *ds = tally_dataset_new("fuzz");
    tally_dataset_resize(ds, 2);
    for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++) tally_dataset_add_column(ds, numeric[i], TALLY_NUMERIC);
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) tally_dataset_add_column(ds, text[i], TALLY_STRING);
    tally_column_set_label(ds->cols[0], "First label");
    return ds;
}

static void put_i32(uint8_t *p, int32_t v) { memcpy(p, &v, 4); } /* the machine's order, as the header says */

/* Wraps set text (and long names after a NUL) into a minimal dictionary: header,
 * record 7.7, record 7.13, record 999. */
static uint8_t *wrap(const uint8_t *data, size_t size, size_t *len)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t nsets = nul ? (size_t)(nul - data) : size, nlong = nul ? size - nsets - 1 : 0;
    uint8_t *f = calloc(1, 176 + 16 + nsets + 16 + nlong + 8);
    if (!f) abort();
    memcpy(f, "$FL2", 4);
    put_i32(f + 64, 2);
    uint8_t *p = f + 176;
    put_i32(p, 7), put_i32(p + 4, 7), put_i32(p + 8, 1), put_i32(p + 12, (int32_t)nsets);
    memcpy(p + 16, data, nsets);
    p += 16 + nsets;
    if (nul) {
        put_i32(p, 7), put_i32(p + 4, 13), put_i32(p + 8, 1), put_i32(p + 12, (int32_t)nlong);
        memcpy(p + 16, nul + 1, nlong);
        p += 16 + nlong;
    }
    put_i32(p, 999);
    *len = (size_t)(p + 4 - f);
    return f;
}

/* Input: one settings byte (bit 0: the rest is a whole dictionary rather than set
 * text [NUL long names]; bit 1: the file's encoding is windows-1252), then the bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    tally_log_set_level(0);
    size_t len = size - 1;
    uint8_t *wrapped = (data[0] & 1) ? NULL : wrap(data + 1, size - 1, &len);
    const char *path = fuzz_scratch(wrapped ? wrapped : data + 1, len, ".sav");
    free(wrapped);
    rs_state st;
    memset(&st, 0, sizeof st);
    st.host = tally_host_get();
    st.ctx = tally_ctx_new("readstat");
    st.ds = fixture();
    st.path = path;
    st.format = RS_SAV;
    int added = rs_sav_read_mrsets(&st, (data[0] & 2) ? "windows-1252" : NULL);
    FUZZ_ASSERT(added >= 0, "a damaged dictionary is a warning, not an error");
    FUZZ_ASSERT((size_t)added == st.ds->nmrsets, "every set counted was added");
    for (size_t i = 0; i < st.ds->nmrsets; i++) {
        const tally_mrset *m = &st.ds->mrsets[i];
        FUZZ_ASSERT(m->name && *m->name, "a set has a name");
        FUZZ_ASSERT(m->ncols > 0, "a set has variables");
        for (size_t k = 0; k < m->ncols; k++)
            FUZZ_ASSERT(m->cols[k] >= 0 && (size_t)m->cols[k] < st.ds->ncols, "set columns exist");
    }
    tally_dataset_free(st.ds);
    tally_ctx_free(st.ctx);
    return 0;
}
