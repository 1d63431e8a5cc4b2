/* host.h: the host side of the plugin ABI: the host table, call contexts and option sets. */
#ifndef TALLY_HOST_H
#define TALLY_HOST_H

#include "tally/plugin.h"

/* The process-wide host table, assembled in host.c (constant; borrowed). */
const tally_host *tally_host_get(void);

/* A call context collects the error a plugin reports. Returns a new context;
 * `who` (plugin or stage name) prefixes log lines. */
tally_ctx *tally_ctx_new(const char *who);
void tally_ctx_free(tally_ctx *ctx);
/* The recorded error message, NULL when none (borrowed). */
const char *tally_ctx_error(const tally_ctx *ctx);
void tally_ctx_set_error(tally_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Asks the input plugin read with ctx for the dictionary alone (host->read_dictionary_only). */
void tally_ctx_set_dictionary_only(tally_ctx *ctx, int on);
/* The report language an input reads its labels in (host->ctx_language); NULL or "": "en". */
void tally_ctx_set_language(tally_ctx *ctx, const char *language);

/* 1 when the test-only fault point `point` is named in $TALLY_FAULT (test builds only). */
int tally_fault(const char *point);
/* Test builds: when $TALLY_FAULT names "pause:POINT", says so on stderr and
 * sleeps (up to 30 s, or until the file $TALLY_FAULT_RESUME exists) so that a
 * test can signal the run, or change its files, at that phase. */
void tally_fault_pause(const char *point);
/* Performs the appends a plugin deferred with host->defer_append, in order.
 * 0, or -1 with *err (new string) naming the file and the reason. */
int tally_ctx_flush_appends(tally_ctx *ctx, char **err);

/* Global verbosity for host->log: 0 quiet (errors only), 1 normal (warnings), 2 verbose. */
void tally_log_set_level(int level);
/* While `into` is set, every message but debug is also appended to it as LEVEL digit,
 * text, NUL (a cache keeps a read's messages to show them again); NULL stops. */
struct sbuf;
void tally_log_capture(struct sbuf *into);
/* The calling thread's messages go, as the lines stderr would get, to `into` instead
 * of stderr until tally_log_divert(NULL): a stage run beside others keeps its
 * messages for the runner to print in config order. */
void tally_log_divert(struct sbuf *into);
void tally_log(tally_log_level level, const char *who, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Option sets (options.c). An option set maps names to values: string, number,
 * boolean or list of strings, each with the file:line it came from. */
typedef enum { TALLY_VAL_STRING = 1, TALLY_VAL_NUMBER, TALLY_VAL_BOOL, TALLY_VAL_LIST } tally_val_kind;

/* Returns a new empty option set; `where` ("config.lua:12") is copied. */
tally_options *tally_options_new(const char *where);
void tally_options_free(tally_options *o);
void tally_options_set_string(tally_options *o, const char *name, const char *value);
void tally_options_set_number(tally_options *o, const char *name, double value);
void tally_options_set_bool(tally_options *o, const char *name, int value);
/* Sets `name` to an empty list. */
void tally_options_set_empty_list(tally_options *o, const char *name);
/* Appends an item to list option `name` (creating it). */
void tally_options_add_list_item(tally_options *o, const char *name, const char *item);
/* Removes `name`; returns 1 when it was set. */
int tally_options_remove(tally_options *o, const char *name);
const char *tally_options_where(const tally_options *o);
/* The options as one text, sorted by name, every value with its kind (a cache key part); caller frees. */
char *tally_options_canonical(const tally_options *o);
/* The same, without the options named in the NULL-terminated list `except` (NULL: none). */
char *tally_options_canonical_except(const tally_options *o, const char *const *except);
/* Sets `name` as --set NAME=VALUE gave it: validation splits a list option's value at
 * commas (\, stays a comma), and setting it again adds to a list or replaces a value. */
void tally_options_set_from_cli(tally_options *o, const char *name, const char *value);
/* Marks options as given on the command line (messages then suggest --set NAME=VALUE). */
void tally_options_set_cli(tally_options *o, int cli);
int tally_options_from_cli(const tally_options *o);

/* Checks `o` against `decls` (terminated by name == NULL): unknown names (with
 * "did you mean"), types, required options, choices and ranges; fills defaults
 * and resolves TALLY_OPT_PATH values against `base_dir`. `what` names the block
 * in messages ("output 'xlsx'"). Returns 0, or -1 with a new message in *err:
 * "config.lua:12: output 'xlsx': unknown option 'pth' (did you mean 'path'?);
 *  allowed: path, sheet_per_table, ..." */
int tally_options_validate(tally_options *o, const tally_option_decl *decls, const char *what,
                           const char *base_dir, char **err);

#endif
