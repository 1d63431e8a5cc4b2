/* outputs.h: a run's output destinations: checked before anything is written, folder locks, temporary files, renames. */
#ifndef TALLY_OUTPUTS_H
#define TALLY_OUTPUTS_H

#include <stddef.h>

/* One destination. The set owns every string. */
typedef struct tally_outfile {
    char *final; /* absolute destination */
    char *shown; /* the path as the user wrote it, for messages */
    char *who;   /* message prefix: "cfg.lua:5: output 'json'" or "-o r.md" */
    char *ref;   /* how another message names it: "output 'json' (cfg.lua:5)" or "-o r.md" */
    char *tmp;   /* its temporary file while the run writes it, else NULL */
    char *handle; /* the name the plugin writes to: /proc/self/fd/N of the open temporary
                   * file (so no rename or symlink put in its place can redirect the
                   * write), or tmp itself where /proc is missing */
    int fd;       /* the open temporary file, or -1 */
} tally_outfile;

/* A file the outputs must not replace (an input, the config, a codebook, a template). */
typedef struct tally_guarded {
    char *path; /* as the run opens it */
    char *what; /* "input 'survey' (cfg.lua:2)", "the config file", ... */
} tally_guarded;

typedef struct tally_outputs {
    tally_outfile *files;
    size_t n, cap;
    tally_guarded *guarded;
    size_t nguarded, gcap;
    int *locks; /* open folder descriptors, each held with flock(LOCK_EX) */
    size_t nlocks;
    int signals_installed;
} tally_outputs;

void tally_outputs_init(tally_outputs *o);
/* Removes every temporary file still there, releases the locks and the
 * signal handlers, and frees the strings. */
void tally_outputs_free(tally_outputs *o);

/* Adds a destination (copies the strings); returns its index. */
size_t tally_outputs_add(tally_outputs *o, const char *final, const char *shown, const char *who, const char *ref);
/* Adds a file no output may replace (copies the strings). */
void tally_outputs_guard(tally_outputs *o, const char *path, const char *what);

/* Checks every destination before anything is written: not a folder, not
 * ending in '/', no two the same file, none a guarded file. 0, or -1 with a
 * message in *err (new string). */
int tally_outputs_check(const tally_outputs *o, char **err);

/* Creates the destination folders, locks each one (waiting, with a message,
 * while another run holds it), removes temporary files that dead runs left
 * there, and arms SIGINT/SIGTERM/SIGHUP to remove this run's temporaries
 * before the process ends. 0, or -1 with *err. */
int tally_outputs_begin(tally_outputs *o, char **err);

/* Creates destination i's temporary file (O_EXCL, an unpredictable name, in
 * the destination's folder, mode as umask allows); its name is files[i].tmp,
 * the name to write it by files[i].handle. 0, or -1 with *err. */
int tally_outputs_temp(tally_outputs *o, size_t i, char **err);

/* Renames every temporary file onto its destination, with the termination
 * signals held back so that a signal never leaves half the report renamed.
 * 0, or -1 with *err (the temporaries not yet renamed are removed). */
int tally_outputs_commit(tally_outputs *o, char **err);

/* The user's path for messages: `given`, without the current folder's prefix
 * when it has one (a new string). */
char *tally_path_shown(const char *given);

/* Makes folder `dir` and its missing parents; 0, or -1 with errno set. */
int tally_mkdir_p(const char *dir);
/* Removes the temporary files (.NAME.tmp-PID-XXXXXX) in `dir` of runs that are no longer alive. */
void tally_remove_stale_temps(const char *dir);

#endif
