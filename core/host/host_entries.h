/* host_entries.h: the core functions the plugin host table points to (core-private; host.c assembles the table). */
#ifndef TALLY_HOST_ENTRIES_H
#define TALLY_HOST_ENTRIES_H

/* Each function here is the host table entry of the same name without the host_
 * prefix (plugin.h documents what it does), defined in the file that owns the data it
 * reads or writes. Only host.c puts them in the table; the rest of the core calls the
 * tally_* API of those files instead. Entries that are already core API
 * (tally_dataset_set_string, tally_report_meta, ...) are named in the table directly. */

#include "tally/plugin.h"

/* options.c: reading a block's options */
int host_opt_is_set(const tally_options *o, const char *name);
const char *host_opt_string(const tally_options *o, const char *name);
double host_opt_number(const tally_options *o, const char *name);
int64_t host_opt_int(const tally_options *o, const char *name);
int host_opt_bool(const tally_options *o, const char *name);
size_t host_opt_list_len(const tally_options *o, const char *name);
const char *host_opt_list_item(const tally_options *o, const char *name, size_t i);

/* dataset_host.c: building and reading a dataset */
int host_ds_add_column(tally_dataset *ds, const char *name, tally_var_type type);
int host_ds_resize(tally_dataset *ds, size_t n);
int host_ds_resize_uninit(tally_dataset *ds, size_t n);
uint8_t *host_ds_codes_data(tally_dataset *ds, int col, const double *levels, unsigned nlevels);
int host_ds_adopt_codes(tally_dataset *ds, int col, uint8_t *codes, const double *levels, unsigned nlevels);
int host_ds_adopt_numeric(tally_dataset *ds, int col, double *num);
void *host_ds_block_new(tally_dataset *ds, size_t bytes); /* dataset_block.c */
int host_ds_view_codes(tally_dataset *ds, int col, const uint8_t *codes, const double *levels, unsigned nlevels);
int host_ds_reserve_text(tally_dataset *ds, int col, size_t bytes);
double *host_ds_numeric_data(tally_dataset *ds, int col);
void host_var_set_label(tally_dataset *ds, int col, const char *label);
void host_var_set_measure(tally_dataset *ds, int col, tally_measure m);
void host_var_set_format(tally_dataset *ds, int col, const char *format, int width, int decimals);
void host_var_add_value_label(tally_dataset *ds, int col, double code, const char *label);
void host_var_add_string_value_label(tally_dataset *ds, int col, const char *code, const char *label);
void host_var_add_missing(tally_dataset *ds, int col, double code);
void host_var_add_missing_string(tally_dataset *ds, int col, const char *code);
void host_var_set_missing_range(tally_dataset *ds, int col, double lo, double hi);
void host_var_set_date(tally_dataset *ds, int col, int is_date);
void host_var_set_blank_valid(tally_dataset *ds, int col, int blank_valid);
void host_var_set_metadata(tally_dataset *ds, int col, int metadata);
void host_ds_set_file_label(tally_dataset *ds, const char *label);
void host_ds_add_document(tally_dataset *ds, const char *line);
int host_var_date(const tally_dataset *ds, int col);
size_t host_ds_nrows(const tally_dataset *ds);
int host_ds_ncols(const tally_dataset *ds);
const char *host_var_name(const tally_dataset *ds, int col);
const char *host_var_label(const tally_dataset *ds, int col);
tally_var_type host_var_type(const tally_dataset *ds, int col);
double host_ds_number(const tally_dataset *ds, int col, size_t row);
const char *host_ds_string(const tally_dataset *ds, int col, size_t row);

/* result.c: the report, its tables and charts */
size_t host_rep_ntables(const tally_report *r);
const tally_table *host_rep_table(const tally_report *r, size_t i);
size_t host_rep_nvalues(const tally_report *r);
const char *host_rep_value_name(const tally_report *r, size_t i);
const char *host_rep_value_text(const tally_report *r, const char *name);
int host_rep_value_number(const tally_report *r, const char *name, double *out);
const tally_dataset *host_rep_dataset(const tally_report *r, const char *name);
const char *host_rep_tr(const tally_report *r, const char *english);
int host_rep_value_kind(const tally_report *r, const char *name);
const char *host_rep_format_value(const tally_report *r, tally_value_kind kind, double v, int decimals,
                                  char *buf, size_t n);
const char *host_rep_format_date(const tally_report *r, const char *iso, char *buf, size_t n);
const char *host_tab_id(const tally_table *t);
const char *host_tab_title(const tally_table *t);
const char *host_tab_question(const tally_table *t);
const char *host_tab_base(const tally_table *t);
size_t host_tab_nnotes(const tally_table *t);
const char *host_tab_note(const tally_table *t, size_t i);
size_t host_tab_ncols(const tally_table *t);
const char *host_tab_col_label(const tally_table *t, size_t c);
const char *host_tab_col_group(const tally_table *t, size_t c);
tally_col_type host_tab_col_type(const tally_table *t, size_t c);
int host_tab_col_decimals(const tally_table *t, size_t c);
size_t host_tab_nrows(const tally_table *t);
tally_row_type host_tab_row_type(const tally_table *t, size_t r);
double host_tab_cell_number(const tally_table *t, size_t r, size_t c);
const char *host_tab_cell_text(const tally_table *t, size_t r, size_t c);
int host_tab_cell_date(const tally_table *t, size_t r, size_t c);
const char *host_format_date(double v, int kind, int iso, const char *lang, char *buf, size_t n);
tally_chart_kind host_tab_chart_kind(const tally_table *t);
const char *host_tab_chart_title(const tally_table *t);
size_t host_tab_chart_nseries(const tally_table *t);
size_t host_tab_chart_series(const tally_table *t, size_t i);
int host_tab_chart_uses_row(const tally_table *t, size_t r);

/* banner.c: a banner table's model */
size_t host_bn_nlevels(const tally_table *t);
size_t host_bn_ncols(const tally_table *t);
size_t host_bn_nrows(const tally_table *t);
const char *host_bn_col_label(const tally_table *t, size_t c);
const char *host_bn_col_header(const tally_table *t, size_t c, size_t level);
size_t host_bn_col_span(const tally_table *t, size_t c, size_t level);
const char *host_bn_col_letter(const tally_table *t, size_t c);
double host_bn_col_base(const tally_table *t, size_t c, int unweighted);
int host_bn_col_flags(const tally_table *t, size_t c);
int host_bn_col_is_total(const tally_table *t, size_t c);
tally_row_type host_bn_row_type(const tally_table *t, size_t r);
const char *host_bn_row_label(const tally_table *t, size_t r);
double host_bn_cell(const tally_table *t, size_t r, size_t c, tally_bn_stat s);
const char *host_bn_cell_letters(const tally_table *t, size_t r, size_t c);
int host_bn_cell_flags(const tally_table *t, size_t r, size_t c);

#endif
