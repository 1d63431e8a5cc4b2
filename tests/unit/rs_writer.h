/* rs_writer.h: libreadstat's writer for the readstat plugin's unit tests, reached through dlopen (unit tests link only the core). */
#ifndef TALLY_TEST_RS_WRITER_H
#define TALLY_TEST_RS_WRITER_H

#include <dlfcn.h>
#include <readstat.h>
#include <stdio.h>
#include <sys/types.h>

/* p_NAME points at libreadstat's NAME once rs_load_writer() has succeeded. */
#define RS_FN(name) static __typeof__(&name) p_##name
RS_FN(readstat_writer_init);
RS_FN(readstat_set_data_writer);
RS_FN(readstat_add_label_set);
RS_FN(readstat_label_int32_value);
RS_FN(readstat_label_double_value);
RS_FN(readstat_label_tagged_value);
RS_FN(readstat_add_variable);
RS_FN(readstat_variable_set_label);
RS_FN(readstat_variable_set_format);
RS_FN(readstat_variable_set_label_set);
RS_FN(readstat_begin_writing_dta);
RS_FN(readstat_begin_writing_por);
RS_FN(readstat_begin_writing_xport);
RS_FN(readstat_begin_writing_sas7bdat);
RS_FN(readstat_begin_writing_sas7bcat);
RS_FN(readstat_begin_row);
RS_FN(readstat_insert_int32_value);
RS_FN(readstat_insert_double_value);
RS_FN(readstat_insert_string_value);
RS_FN(readstat_insert_missing_value);
RS_FN(readstat_insert_tagged_missing_value);
RS_FN(readstat_end_row);
RS_FN(readstat_end_writing);
RS_FN(readstat_writer_free);
#undef RS_FN

/* Loads every p_NAME above; -1 when libreadstat or one of its functions is missing. */
static int rs_load_writer(void)
{
    void *h = dlopen("libreadstat.so.1", RTLD_NOW);
    if (!h) return -1;
    int ok = 1;
#define LOAD(name) ok &= (*(void **)&p_##name = dlsym(h, #name)) != NULL
    LOAD(readstat_writer_init); LOAD(readstat_set_data_writer); LOAD(readstat_add_label_set);
    LOAD(readstat_label_int32_value); LOAD(readstat_label_double_value); LOAD(readstat_label_tagged_value);
    LOAD(readstat_add_variable); LOAD(readstat_variable_set_label); LOAD(readstat_variable_set_format);
    LOAD(readstat_variable_set_label_set); LOAD(readstat_begin_writing_dta); LOAD(readstat_begin_writing_por);
    LOAD(readstat_begin_writing_xport); LOAD(readstat_begin_writing_sas7bdat); LOAD(readstat_begin_writing_sas7bcat);
    LOAD(readstat_begin_row); LOAD(readstat_insert_int32_value); LOAD(readstat_insert_double_value);
    LOAD(readstat_insert_string_value); LOAD(readstat_insert_missing_value);
    LOAD(readstat_insert_tagged_missing_value); LOAD(readstat_end_row); LOAD(readstat_end_writing);
    LOAD(readstat_writer_free);
#undef LOAD
    return ok ? 0 : -1;
}

/* The data writer callback: appends to the FILE * passed as the writer's user context. */
static ssize_t rs_write_bytes(const void *data, size_t len, void *ctx)
{
    return (ssize_t)fwrite(data, 1, len, ctx);
}

#endif
