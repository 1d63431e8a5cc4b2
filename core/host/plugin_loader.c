/* plugin_loader.c: plugin search path, dlopen, descriptor and ABI checks, listings. */
#include "plugin_loader.h"
#include "util.h"
#include "thread_start.h"
#include "../plugins/common/zip_member.h" /* which members of a .zip are data (zipm_is_data_name) */

#include <minizip/unzip.h>

#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TALLY_PLUGIN_DIR
#define TALLY_PLUGIN_DIR "/usr/local/lib/tally/plugins"
#endif

const char *tally_plugin_kind_name(int kind)
{
    return kind == TALLY_PLUGIN_INPUT ? "input" : kind == TALLY_PLUGIN_OUTPUT ? "output" : "unknown";
}

static void path_add(tally_plugin_path *p, const char *dir)
{
    if (!dir || !*dir) return;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->dirs[i], dir) == 0) return;
    p->dirs = xrealloc(p->dirs, (p->n + 1) * sizeof *p->dirs);
    p->dirs[p->n++] = xstrdup(dir);
}

/* The folder holding the running binary, or NULL. */
static char *exe_dir(void)
{
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return NULL;
    buf[n] = '\0';
    return path_dirname(buf);
}

void tally_plugin_path_init(tally_plugin_path *p, const char *const *config_dirs, size_t nconfig)
{
    p->dirs = NULL;
    p->n = 0;
    p->nuser = 0;
    for (size_t i = 0; i < nconfig; i++) path_add(p, config_dirs[i]);
    const char *env = getenv("TALLY_PLUGIN_PATH");
    if (env) {
        char *copy = xstrdup(env), *save = NULL;
        for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) path_add(p, tok);
        free(copy);
    }
    p->nuser = p->n; /* a folder of tally's own the user named too stays the user's */
    char *dir = exe_dir();
    if (dir) {
        char *next = path_join(dir, "plugins"); /* the build folder: build/tally, build/plugins */
        path_add(p, next);
        free(next);
        next = path_join(dir, "../lib/tally/plugins"); /* an install, wherever its prefix */
        path_add(p, next);
        free(next);
        free(dir);
    }
    path_add(p, TALLY_PLUGIN_DIR);
}

void tally_plugin_path_free(tally_plugin_path *p)
{
    free_strings(p->dirs, p->n);
    p->dirs = NULL;
    p->n = 0;
}

char *tally_plugin_path_text(const tally_plugin_path *p)
{
    sbuf b;
    sbuf_init(&b);
    for (size_t i = 0; i < p->n; i++) sbuf_printf(&b, "%s%s", i ? ":" : "", p->dirs[i]);
    return sbuf_take(&b);
}

void tally_plugin_free(tally_plugin *pl)
{
    if (!pl) return;
    /* Handles stay open: descriptors and option tables live in the object,
     * and dlclose at exit buys nothing. */
    free(pl->name);
    free(pl->path);
    free(pl);
}

tally_plugin *tally_plugin_load_file(const char *file, char **err)
{
    dlerror();
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        *err = xasprintf("cannot load plugin %s: %s", file, why ? why : "unknown loader error");
        return NULL;
    }
    tally_plugin_entry_fn entry;
    *(void **)&entry = dlsym(h, TALLY_PLUGIN_ENTRY_NAME);
    if (!entry) {
        *err = xasprintf("%s is not a tally plugin: it exports no '%s' symbol (use TALLY_PLUGIN(descriptor))",
                         file, TALLY_PLUGIN_ENTRY_NAME);
        dlclose(h);
        return NULL;
    }
    const tally_plugin_descriptor *d = entry();
    /* Read the fixed head first; only then trust struct_size. */
    if (!d || d->struct_size < offsetof(tally_plugin_descriptor, options)) {
        *err = xasprintf("%s: the plugin's descriptor is missing or too small", file);
        dlclose(h);
        return NULL;
    }
    if (d->abi_major != TALLY_ABI_MAJOR || d->abi_minor > TALLY_ABI_MINOR) {
        *err = xasprintf("%s: plugin '%s' was built for tally plugin ABI %u.%u, but this tally provides ABI %d.%d; "
                         "rebuild the plugin against this tally's tally/plugin.h",
                         file, d->name ? d->name : "?", d->abi_major, d->abi_minor, TALLY_ABI_MAJOR, TALLY_ABI_MINOR);
        dlclose(h);
        return NULL;
    }
    tally_plugin *pl = xcalloc(1, sizeof *pl);
    size_t n = d->struct_size < sizeof pl->desc ? d->struct_size : sizeof pl->desc;
    memcpy(&pl->desc, d, n);
    if (!pl->desc.name || !*pl->desc.name ||
        (pl->desc.kind != TALLY_PLUGIN_INPUT && pl->desc.kind != TALLY_PLUGIN_OUTPUT) ||
        (pl->desc.kind == TALLY_PLUGIN_INPUT && !pl->desc.read) ||
        (pl->desc.kind == TALLY_PLUGIN_OUTPUT && !pl->desc.write)) {
        *err = xasprintf("%s: the plugin's descriptor is incomplete (needs a name, a kind and its callback)", file);
        free(pl);
        dlclose(h);
        return NULL;
    }
    pl->name = xstrdup(pl->desc.name);
    pl->path = xstrdup(file);
    pl->handle = h;
    return pl;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int ends_with_so(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

static int cmp_plugins(const void *a, const void *b)
{
    const tally_plugin *x = *(tally_plugin *const *)a, *y = *(tally_plugin *const *)b;
    if (x->desc.kind != y->desc.kind) return (int)x->desc.kind - (int)y->desc.kind;
    return strcmp(x->name, y->name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

tally_plugin **tally_plugin_list(const tally_plugin_path *p, size_t *n, char **errors)
{
    tally_plugin **list = NULL;
    size_t count = 0;
    sbuf errs;
    sbuf_init(&errs);
    for (size_t i = 0; i < p->n; i++) {
        DIR *d = opendir(p->dirs[i]);
        if (!d) continue;
        char **files = NULL;
        size_t nfiles = 0;
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (!ends_with_so(e->d_name)) continue;
            files = xrealloc(files, (nfiles + 1) * sizeof *files);
            files[nfiles++] = xstrdup(e->d_name);
        }
        closedir(d);
        qsort(files, nfiles, sizeof *files, cmp_str); /* readdir order is not stable */
        for (size_t f = 0; f < nfiles; f++) {
            char *path = path_join(p->dirs[i], files[f]);
            char *err = NULL;
            tally_plugin *pl = is_file(path) ? tally_plugin_load_file(path, &err) : NULL;
            if (pl) pl->own = i >= p->nuser;
            if (pl) {
                int dup = 0;
                for (size_t k = 0; k < count; k++)
                    if (strcmp(list[k]->name, pl->name) == 0) dup = 1;
                if (dup) {
                    tally_plugin_free(pl);
                } else {
                    list = xrealloc(list, (count + 1) * sizeof *list);
                    list[count++] = pl;
                }
            } else if (err) {
                sbuf_printf(&errs, "%s\n", err);
            }
            free(err);
            free(path);
            free(files[f]);
        }
        free(files);
    }
    if (count) qsort(list, count, sizeof *list, cmp_plugins);
    *n = count;
    if (errors) *errors = errs.len ? sbuf_take(&errs) : NULL;
    sbuf_free(&errs);
    return list;
}

static char *found_names(const tally_plugin_path *p, int kind)
{
    size_t n = 0;
    tally_plugin **all = tally_plugin_list(p, &n, NULL);
    sbuf b;
    sbuf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (!kind || (int)all[i]->desc.kind == kind)
            sbuf_printf(&b, "%s%s", b.len ? ", " : "", all[i]->name);
        tally_plugin_free(all[i]);
    }
    free(all);
    if (!b.len) sbuf_puts(&b, "none");
    return sbuf_take(&b);
}

/* The shared object of plugin `name`: the first on the path (a new string; *dir set to its
 * folder's place on the path), or NULL. */
static char *plugin_file(const tally_plugin_path *p, const char *name, size_t *dir)
{
    for (size_t i = 0; i < p->n; i++) {
        char *file = xasprintf("%s/%s.so", p->dirs[i], name);
        *dir = i;
        if (is_file(file)) return file;
        free(file);
    }
    return NULL;
}

tally_plugin *tally_plugin_load(const tally_plugin_path *p, const char *name, int kind, char **err)
{
    size_t dir = 0;
    char *file = plugin_file(p, name, &dir);
    if (file) {
        tally_plugin *pl = tally_plugin_load_file(file, err);
        free(file);
        if (!pl) return NULL;
        pl->own = dir >= p->nuser;
        if (kind && (int)pl->desc.kind != kind) {
            *err = xasprintf("plugin '%s' (%s) is an %s plugin, but an %s plugin is needed here", name, pl->path,
                             tally_plugin_kind_name((int)pl->desc.kind), tally_plugin_kind_name(kind));
            tally_plugin_free(pl);
            return NULL;
        }
        return pl;
    }
    char *path = tally_plugin_path_text(p);
    char *found = found_names(p, kind);
    *err = xasprintf("no %s%splugin '%s' on the plugin search path %s (plugins found: %s); "
                     "check the name or set plugin_path / TALLY_PLUGIN_PATH",
                     kind ? tally_plugin_kind_name(kind) : "", kind ? " " : "", name, path, found);
    free(path);
    free(found);
    return NULL;
}


/* "data.zip": the ending of the one data file it holds (the plugin inflates it itself, zip_member.c);
 * "csv" when it holds several, none or cannot be read: the csv plugin then says what it holds and what to do. */
static void zip_inner_ext(const char *file, char *inner, size_t n)
{
    snprintf(inner, n, "csv");
    unzFile uf = unzOpen64(file);
    if (!uf) return;
    char name[1024], found[1024] = "";
    size_t ndata = 0;
    for (int rc = unzGoToFirstFile(uf); rc == UNZ_OK; rc = unzGoToNextFile(uf)) {
        if (unzGetCurrentFileInfo64(uf, NULL, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK) break;
        if (zipm_is_data_name(name) && ndata++ == 0) snprintf(found, sizeof found, "%s", name);
    }
    unzClose(uf);
    const char *ext = path_ext(found);
    if (ndata == 1 && *ext && strcasecmp(ext, "gz") != 0 && strcasecmp(ext, "zip") != 0) snprintf(inner, n, "%s", ext);
}

tally_plugin *tally_plugin_for_file(const tally_plugin_path *p, const char *file, int kind, char **err)
{
    const char *ext = path_ext(file);
    char inner[16]; /* "data.csv.gz": the plugin for what the compressed file holds (it inflates it itself) */
    if ((strcasecmp(ext, "gz") == 0 || strcasecmp(ext, "zip") == 0) && strlen(file) > 4) {
        char *bare = xstrndup(file, strlen(file) - strlen(ext) - 1);
        snprintf(inner, sizeof inner, "%s", path_ext(bare));
        free(bare);
        if (inner[0]) ext = inner;
        else if (kind == TALLY_PLUGIN_INPUT && strcasecmp(ext, "zip") == 0) {
            zip_inner_ext(file, inner, sizeof inner);
            ext = inner;
        }
    }
    char *named_err = NULL; /* a plugin named after the ending that cannot be loaded: the list says why */
    int plain = *ext != '\0';
    for (const char *c = ext; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'))) plain = 0;
    tally_plugin *named = plain ? tally_plugin_load(p, ext, kind, &named_err) : NULL;
    free(named_err);
    if (named && str_list_has(named->desc.extensions, '|', ext, 1)) return named;
    if (named) tally_plugin_free(named);
    size_t n = 0;
    tally_plugin **all = tally_plugin_list(p, &n, NULL);
    tally_plugin *hit = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!hit && (int)all[i]->desc.kind == kind && str_list_has(all[i]->desc.extensions, '|', ext, 1)) hit = all[i];
        else tally_plugin_free(all[i]);
    }
    free(all);
    if (!hit) {
        char *found = found_names(p, kind);
        const char *kname = tally_plugin_kind_name(kind);
        if (!*ext) /* "data" or "data.": nothing to choose by, which "ending in '.'" did not say */
            *err = xasprintf("no %s plugin for '%s': its name has no ending (such as %s) to choose one by; rename the "
                             "file or name the plugin in its block (plugin = \"%s\"); %s plugins found: %s",
                             kname, file, kind == TALLY_PLUGIN_INPUT ? ".csv or .sav" : ".md or .xlsx",
                             kind == TALLY_PLUGIN_INPUT ? "csv" : "markdown", kname, found);
        else
            *err = xasprintf("no %s plugin reads files ending in '.%s' (%s); %s plugins found: %s", kname, ext, file,
                             kname, found);
        free(found);
    }
    return hit;
}

/* ---- loading ahead ---------------------------------------------------------------- */

struct tally_plugin_preload {
    pthread_t thread;
    char **files;   /* the shared objects, in the order given */
    void **handles; /* their dlopen handles (NULL: not loaded; the real load will say why) */
    size_t n;
};

static void *preload_main(void *arg)
{
    tally_plugin_preload *pl = arg;
    for (size_t i = 0; i < pl->n; i++) pl->handles[i] = dlopen(pl->files[i], RTLD_NOW | RTLD_LOCAL);
    return NULL;
}

tally_plugin_preload *tally_plugin_preload_start(const tally_plugin_path *p, const char *const *names, size_t n)
{
    tally_plugin_preload *pl = xcalloc(1, sizeof *pl);
    pl->files = xcalloc(n + 1, sizeof *pl->files);
    pl->handles = xcalloc(n + 1, sizeof *pl->handles);
    for (size_t i = 0; i < n; i++) {
        size_t dir = 0;
        char *file = names[i] && *names[i] && !strchr(names[i], '/') ? plugin_file(p, names[i], &dir) : NULL;
        for (size_t k = 0; file && k < pl->n; k++)
            if (strcmp(pl->files[k], file) == 0) free(file), file = NULL; /* named twice: loaded once */
        if (file) pl->files[pl->n++] = file;
    }
    sigset_t all, old; /* signals (the watchdog's timer, an interrupt) stay the calling thread's */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int started = pl->n && tally_thread_start(&pl->thread, preload_main, pl) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        free_strings(pl->files, pl->n);
        free(pl->handles);
        free(pl);
        return NULL;
    }
    return pl;
}

void tally_plugin_preload_free(tally_plugin_preload *pl)
{
    if (!pl) return;
    pthread_join(pl->thread, NULL);
    for (size_t i = 0; i < pl->n; i++)
        if (pl->handles[i]) dlclose(pl->handles[i]); /* a plugin loaded meanwhile holds its own handle */
    free_strings(pl->files, pl->n);
    free(pl->handles);
    free(pl);
}
