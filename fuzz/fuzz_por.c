/* fuzz_por.c: fuzzes tally's reader of SPSS portable files (.por: header, character table, records, data). */
#include "fuzz_common.h"
#include "dataset.h"
#include "host.h"
#include "rs_internal.h"

/* Input: the file. Odd sizes read with user-missing codes kept, even ones without. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tally_log_set_level(0);
    const char *path = fuzz_scratch(data, size, ".por");
    rs_state st;
    memset(&st, 0, sizeof st);
    st.host = tally_host_get();
    st.ctx = tally_ctx_new("readstat");
    st.ds = tally_dataset_new("fuzz");
    st.path = path;
    st.format = RS_POR;
    st.user_missing = (int)(size & 1);
    st.fweight_index = -1;
    int rc = rs_por_read(&st, NULL);
    const char *err = tally_ctx_error(st.ctx);
    FUZZ_ASSERT(rc == 0 ? err == NULL : err != NULL && *err, "an error comes with a message, success without");
    if (err) FUZZ_ASSERT(strstr(err, path) != NULL, "the message names the file");
    for (size_t c = 0; c < st.ds->ncols; c++)
        FUZZ_ASSERT(fuzz_valid_utf8((const unsigned char *)st.ds->cols[c]->name, strlen(st.ds->cols[c]->name)),
                    "variable names are UTF-8");
    FUZZ_ASSERT(st.ds->weight < (int)st.ds->ncols, "the weight is a column");
    rs_labels_free(&st);
    free(st.cols);
    free(st.num);
    free(st.file_encoding);
    free(st.file_label);
    tally_dataset_free(st.ds);
    tally_ctx_free(st.ctx);
    return 0;
}
