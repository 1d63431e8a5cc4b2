/* outputs.c: a run's output destinations: checked before anything is written, folder locks, temporary files, renames. */
#include "outputs.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

void tally_outputs_init(tally_outputs *o) { memset(o, 0, sizeof *o); }

size_t tally_outputs_add(tally_outputs *o, const char *final, const char *shown, const char *who, const char *ref)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 8;
        o->files = xrealloc(o->files, o->cap * sizeof *o->files);
    }
    tally_outfile *f = &o->files[o->n];
    f->final = xstrdup(final);
    f->shown = xstrdup(shown);
    f->who = xstrdup(who);
    f->ref = xstrdup(ref);
    f->tmp = NULL;
    f->handle = NULL;
    f->fd = -1;
    return o->n++;
}

void tally_outputs_guard(tally_outputs *o, const char *path, const char *what)
{
    if (!path) return;
    if (o->nguarded == o->gcap) {
        o->gcap = o->gcap ? 2 * o->gcap : 8;
        o->guarded = xrealloc(o->guarded, o->gcap * sizeof *o->guarded);
    }
    o->guarded[o->nguarded].path = xstrdup(path);
    o->guarded[o->nguarded].what = xstrdup(what);
    o->nguarded++;
}

char *tally_path_shown(const char *given)
{
    char cwd[4096];
    if (given[0] == '/' && getcwd(cwd, sizeof cwd)) {
        size_t n = strlen(cwd);
        if (n > 1 && strncmp(given, cwd, n) == 0 && given[n] == '/' && given[n + 1]) return xstrdup(given + n + 1);
    }
    return xstrdup(given);
}

/* The last path component (borrowed). */
static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* One spelling per file: the real path of its folder (when that exists) and its name. */
static char *canonical(const char *path)
{
    char *dir = path_dirname(path);
    char *real = realpath(dir, NULL);
    char *out = real ? xasprintf("%s/%s", strcmp(real, "/") == 0 ? "" : real, base_name(path)) : xstrdup(path);
    free(real);
    free(dir);
    return out;
}

/* 1 when a and b are one file: the same spelling, or (when both exist) the same inode. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char *ca = canonical(a), *cb = canonical(b);
    int same = strcmp(ca, cb) == 0;
    free(ca);
    free(cb);
    return same;
}

int tally_outputs_check(const tally_outputs *o, char **err)
{
    for (size_t i = 0; i < o->n; i++) {
        const tally_outfile *f = &o->files[i];
        size_t len = strlen(f->final);
        const char *base = base_name(f->final);
        if (len == 0 || f->final[len - 1] == '/' || f->shown[strlen(f->shown) - 1] == '/') {
            *err = xasprintf("%s: %s ends in '/', a folder; give a file name", f->who, f->shown);
            return -1;
        }
        struct stat st;
        if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || (stat(f->final, &st) == 0 && S_ISDIR(st.st_mode))) {
            *err = xasprintf("%s: %s is a folder; give a file name", f->who, f->shown);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (same_file(f->final, o->files[j].final)) {
                *err = xasprintf("%s: %s writes the same file as %s; give each output its own file", f->who, f->shown,
                                 o->files[j].ref);
                return -1;
            }
        for (size_t g = 0; g < o->nguarded; g++)
            if (same_file(f->final, o->guarded[g].path)) {
                *err = xasprintf("%s: %s is %s; write the report to another file", f->who, f->shown, o->guarded[g].what);
                return -1;
            }
    }
    return 0;
}

/* ---- signals: a run ended by SIGINT, SIGTERM or SIGHUP removes its temporaries ---- */

static tally_outputs *volatile active_outputs;
static const int term_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define NSIGNALS (sizeof term_signals / sizeof term_signals[0])
static struct sigaction saved_actions[NSIGNALS];

static void on_term_signal(int sig)
{
    tally_outputs *o = active_outputs;
    if (o)
        for (size_t i = 0; i < o->n; i++)
            if (o->files[i].tmp) unlink(o->files[i].tmp); /* async-signal-safe */
    /* SA_RESETHAND restored the default action: the process ends as the signal asked (exit 130, 143, 129) */
    raise(sig);
}

static void hold_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < NSIGNALS; i++) sigaddset(&set, term_signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void release_signals(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

static void arm_signals(tally_outputs *o)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term_signal;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    active_outputs = o;
    for (size_t i = 0; i < NSIGNALS; i++) {
        sigaction(term_signals[i], NULL, &saved_actions[i]);
        /* a signal the caller ignores (nohup, a background job's SIGINT) stays ignored */
        if (saved_actions[i].sa_handler != SIG_IGN) sigaction(term_signals[i], &sa, NULL);
    }
    o->signals_installed = 1;
}

static void disarm_signals(tally_outputs *o)
{
    if (!o->signals_installed) return;
    for (size_t i = 0; i < NSIGNALS; i++) sigaction(term_signals[i], &saved_actions[i], NULL);
    active_outputs = NULL;
    o->signals_installed = 0;
}

/* ---- folders: creation, locks, stale temporaries ---- */

static int mkdir_p(const char *dir)
{
    char *copy = xstrdup(dir);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            free(copy);
            return -1;
        }
        *p = '/';
    }
    int rc = (mkdir(copy, 0777) != 0 && errno != EEXIST) ? -1 : 0;
    free(copy);
    return rc;
}

int tally_mkdir_p(const char *dir) { return mkdir_p(dir); }

/* The process id in a temporary file's name ".NAME.tmp-PID" or ".NAME.tmp-PID-XXXXXX", else 0. */
static long temp_owner(const char *name)
{
    if (name[0] != '.') return 0;
    const char *t = NULL;
    for (const char *s = name; (s = strstr(s, ".tmp-")) != NULL; s++) t = s;
    if (!t || t == name) return 0;
    const char *p = t + 5;
    long pid = 0;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 10) pid = pid * 10 + (*p++ - '0'), digits++;
    if (!digits || pid <= 0) return 0;
    if (*p == '\0') return pid;
    if (*p != '-' || strlen(p + 1) != 6) return 0;
    for (const char *q = p + 1; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'))) return 0;
    return pid;
}

/* Removes the temporary files of runs that ended without cleaning up (killed, crashed). */
static void remove_stale_temps(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = temp_owner(e->d_name);
        if (!pid || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* that run is alive */
        char *p = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode)) unlink(p);
        free(p);
    }
    closedir(d);
}

void tally_remove_stale_temps(const char *dir) { remove_stale_temps(dir); }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Locks the folder (held until the descriptor is closed); waits, saying so, while another run holds it. */
static int lock_folder(tally_outputs *o, const char *dir, char **err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) { /* a folder we may write but not read: no lock, said so */
        char *shown = tally_path_shown(dir);
        fprintf(stderr, "tally: warning: cannot lock the output folder %s (no read permission); another run "
                        "writing there at the same time could mix its files with these\n", shown);
        free(shown);
        return 0;
    }
    if (fd < 0) {
        char *shown = tally_path_shown(dir);
        *err = xasprintf("cannot open the output folder %s: %s", shown, strerror(errno));
        free(shown);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char *shown = tally_path_shown(dir);
        fprintf(stderr, "tally: another tally run is writing to %s; waiting for it to finish\n", shown);
        while (flock(fd, LOCK_EX) != 0) {
            if (errno == EINTR) continue;
            *err = xasprintf("cannot lock the output folder %s: %s", shown, strerror(errno));
            free(shown);
            close(fd);
            return -1;
        }
        free(shown);
    }
    o->locks[o->nlocks++] = fd;
    return 0;
}

int tally_outputs_begin(tally_outputs *o, char **err)
{
    char **dirs = xcalloc(o->n ? o->n : 1, sizeof *dirs);
    size_t nd = 0;
    for (size_t i = 0; i < o->n; i++) {
        char *dir = path_dirname(o->files[i].final);
        struct stat st;
        if (mkdir_p(dir) != 0 || (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode) && (errno = ENOTDIR))) {
            char *shown = tally_path_shown(dir);
            *err = xasprintf("%s: cannot write '%s': %s: %s", o->files[i].who, o->files[i].shown, shown, strerror(errno));
            free(shown);
            free(dir);
            free_strings(dirs, nd);
            return -1;
        }
        char *real = realpath(dir, NULL);
        free(dir);
        if (!real) continue;
        int seen = 0;
        for (size_t k = 0; k < nd && !seen; k++) seen = strcmp(dirs[k], real) == 0;
        if (seen) free(real);
        else dirs[nd++] = real;
    }
    qsort(dirs, nd, sizeof *dirs, cmp_str); /* one order for every run: no deadlock between two */
    o->locks = xcalloc(nd ? nd : 1, sizeof *o->locks);
    int rc = 0;
    for (size_t k = 0; k < nd && rc == 0; k++) {
        rc = lock_folder(o, dirs[k], err);
        if (rc == 0) remove_stale_temps(dirs[k]);
    }
    free_strings(dirs, nd);
    if (rc == 0) arm_signals(o);
    return rc;
}

int tally_outputs_temp(tally_outputs *o, size_t i, char **err)
{
    tally_outfile *f = &o->files[i];
    char *dir = path_dirname(f->final);
    char *name = xasprintf("%s/.%s.tmp-%ld-XXXXXX", dir, base_name(f->final), (long)getpid());
    free(dir);
    sigset_t old;
    hold_signals(&old); /* the name is recorded before a signal handler may look for it */
    int fd = mkstemp(name); /* O_CREAT|O_EXCL: never an existing file, never through a symlink */
    if (fd >= 0) f->tmp = name;
    release_signals(&old);
    if (fd < 0) {
        int e = errno;
        char *dir = path_dirname(f->final), *shown = tally_path_shown(dir);
        *err = xasprintf("%s: cannot write '%s': cannot create a file in %s: %s", f->who, f->shown, shown, strerror(e));
        free(shown);
        free(dir);
        free(name);
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask); /* mkstemp made it 0600; the report gets the usual permissions */
    f->fd = fd;
    char *handle = xasprintf("/proc/self/fd/%d", fd);
    struct stat a, b;
    if (stat(handle, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) f->handle = handle;
    else {
        free(handle);
        f->handle = xstrdup(f->tmp);
    }
    return 0;
}

static void close_temp(tally_outfile *f)
{
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
    free(f->handle);
    f->handle = NULL;
}

static void remove_temp(tally_outfile *f)
{
    sigset_t old;
    hold_signals(&old);
    if (f->tmp) unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    release_signals(&old);
    close_temp(f);
}

int tally_outputs_commit(tally_outputs *o, char **err)
{
    /* each temporary name must still be the file written: a file or symlink put in
     * its place by someone else would otherwise become the report */
    for (size_t i = 0; i < o->n; i++) {
        tally_outfile *f = &o->files[i];
        struct stat named, written;
        if (!f->tmp || f->fd < 0) continue;
        if (lstat(f->tmp, &named) != 0 || fstat(f->fd, &written) != 0 || !S_ISREG(named.st_mode) ||
            named.st_ino != written.st_ino || named.st_dev != written.st_dev) {
            *err = xasprintf("%s: the temporary file for %s was replaced or removed while tally wrote it (another "
                             "program in that folder?); nothing was changed", f->who, f->shown);
            for (size_t k = 0; k < o->n; k++) {
                if (k == i) { /* not ours any more: leave that name alone */
                    free(o->files[k].tmp);
                    o->files[k].tmp = NULL;
                }
                remove_temp(&o->files[k]);
            }
            return -1;
        }
    }
    sigset_t old;
    hold_signals(&old);
    int rc = 0;
    for (size_t i = 0; i < o->n && rc == 0; i++) {
        tally_outfile *f = &o->files[i];
        if (!f->tmp) continue;
        if (rename(f->tmp, f->final) != 0) {
            *err = xasprintf("%s: cannot replace %s: %s", f->who, f->shown, strerror(errno));
            rc = -1;
            break;
        }
        free(f->tmp);
        f->tmp = NULL;
        close_temp(f);
    }
    release_signals(&old); /* a signal that came meanwhile ends the run now, with the report whole */
    if (rc != 0)
        for (size_t i = 0; i < o->n; i++) remove_temp(&o->files[i]);
    return rc;
}

void tally_outputs_free(tally_outputs *o)
{
    for (size_t i = 0; i < o->n; i++) remove_temp(&o->files[i]);
    disarm_signals(o);
    for (size_t k = 0; k < o->nlocks; k++) close(o->locks[k]);
    for (size_t i = 0; i < o->n; i++)
        tally_free_all(o->files[i].final, o->files[i].shown, o->files[i].who, o->files[i].ref);
    for (size_t g = 0; g < o->nguarded; g++) tally_free_all(o->guarded[g].path, o->guarded[g].what);
    tally_free_all(o->files, o->guarded, o->locks);
    memset(o, 0, sizeof *o);
}
