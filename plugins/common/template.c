/* template.c: parses tally report templates into a node tree (rendered by template_render.c); the text buffer. */
#include "template_int.h"
#include "report_file.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- growable buffer ------------------------------------------------------- */

void *tpl_must(void *p)
{
    if (!p) {
        fputs("tally: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static char *dupstr(const char *s) { return tpl_must(strdup(s)); }

static void grow(tpl_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = tpl_must(realloc(b->data, cap));
    b->cap = cap;
}

void tpl_buf_add(tpl_buf *b, const char *s, size_t n)
{
    grow(b, n);
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void tpl_buf_puts(tpl_buf *b, const char *s) { tpl_buf_add(b, s, strlen(s)); }
void tpl_buf_putc(tpl_buf *b, char c) { tpl_buf_add(b, &c, 1); }

static void buf_vprintf(tpl_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n <= 0) {
        grow(b, 0);
        return;
    }
    grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void tpl_buf_printf(tpl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void tpl_buf_free(tpl_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *tpl_buf_take(tpl_buf *b)
{
    char *s = b->data ? b->data : dupstr("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

int tpl_write_file(const char *path, const char *mode, const char *text, size_t len)
{
    FILE *f = fopen(path, mode);
    if (!f) return -1;
    size_t n = fwrite(text, 1, len, f);
    int e = n == len ? 0 : errno ? errno : EIO;
    if (fclose(f) != 0 && !e) e = errno ? errno : EIO;
    errno = e;
    return e ? -1 : 0;
}

int tpl_write_report(const tally_host *host, tally_ctx *ctx, const char *fault_point, const char *path,
                     const char *text, size_t len)
{
    FILE *f = report_file_open(host, ctx, fault_point, path);
    if (!f) return 1;
    fwrite(text, 1, len, f);
    return report_file_close(host, ctx, path, f);
}

/* ---- messages and suggestions --------------------------------------------------- */

static char *msgf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *msgf(const char *fmt, ...)
{
    tpl_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return tpl_buf_take(&b);
}

void tpl_names_add(tpl_names *ns, const char *s)
{
    if (!s) return;
    if (ns->n < sizeof ns->v / sizeof ns->v[0]) ns->v[ns->n++] = s;
    else ns->more++;
}

void tpl_names_hint(const tally_host *h, tpl_buf *b, const tpl_names *ns, const char *word, const char *prefix)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1, wl = strlen(word);
    for (size_t i = 0; i < ns->n; i++) {
        size_t d = h->str_distance(word, ns->v[i]);
        if (d < bestd) {
            bestd = d;
            best = ns->v[i];
        }
    }
    if (best && (bestd <= 2 || bestd <= wl / 3)) {
        tpl_buf_printf(b, " (did you mean '%s%s'?)", prefix, best);
        return;
    }
    if (!ns->n) return;
    tpl_buf_puts(b, "; known: ");
    for (size_t i = 0; i < ns->n && i < 12; i++) tpl_buf_printf(b, "%s%s%s", i ? ", " : "", prefix, ns->v[i]);
    if (ns->n > 12 || ns->more) tpl_buf_puts(b, ", ...");
}

/* ---- the node tree ------------------------------------------------------------------- */

static node *nodes_push(nodelist *l, node_kind kind, const char *file, int line)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = tpl_must(realloc(l->v, l->cap * sizeof *l->v));
    }
    node *nd = &l->v[l->n++];
    memset(nd, 0, sizeof *nd);
    nd->kind = kind;
    nd->file = file;
    nd->line = line;
    return nd;
}

static void nodes_free(nodelist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].text);
        nodes_free(&l->v[i].body);
        nodes_free(&l->v[i].alt);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* ---- parsing -------------------------------------------------------------------------- */

#define TPL_MAX_INCLUDE_DEPTH 32

typedef struct parser {
    char **files;  /* every file name seen (owned); nodes borrow them */
    size_t nfiles;
    char *chain[TPL_MAX_INCLUDE_DEPTH + 1]; /* include chain: canonical names (owned) */
    const char *shown[TPL_MAX_INCLUDE_DEPTH + 1]; /* the same, as shown in messages */
    size_t depth;
    int stop_line; /* line of the last closing tag, for messages */
    char *err;
} parser;

typedef struct source {
    const char *s;
    size_t len, pos;
    const char *file;
    int line;
} source;

static const char *keep_name(parser *p, const char *name)
{
    p->files = tpl_must(realloc(p->files, (p->nfiles + 1) * sizeof *p->files));
    p->files[p->nfiles] = dupstr(name);
    return p->files[p->nfiles++];
}

void tpl_keep_first_error(char **err, const char *file, int line, const char *fmt, va_list ap)
{
    if (*err) return;
    tpl_buf b = {0};
    tpl_buf_printf(&b, "%s:%d: ", file, line);
    buf_vprintf(&b, fmt, ap);
    *err = tpl_buf_take(&b);
}

static int fail(parser *p, const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(parser *p, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tpl_keep_first_error(&p->err, file, line, fmt, ap);
    va_end(ap);
    return -1;
}

static int count_lines(const char *s, size_t from, size_t to)
{
    int n = 0;
    for (size_t i = from; i < to; i++) n += s[i] == '\n';
    return n;
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (tpl_is_blank(*s) || *s == '\n' || *s == '\r')) s++, n--;
    while (n && (tpl_is_blank(s[n - 1]) || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    char *t = tpl_must(malloc(n + 1));
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

#define TEMPLATE_MAX_BYTES ((size_t)16 << 20) /* a template is text someone wrote: 16 MiB is plenty */

static char *read_file(const char *path, size_t *len)
{
    struct stat st;
    if (stat(path, &st) != 0) return NULL;
    if (!S_ISREG(st.st_mode) || (size_t)st.st_size > TEMPLATE_MAX_BYTES) {
        errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL; /* a device or a folder is no template */
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    tpl_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= TEMPLATE_MAX_BYTES) tpl_buf_add(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        tpl_buf_free(&b);
        errno = EIO;
        return NULL;
    }
    *len = b.len;
    return tpl_buf_take(&b);
}

static char *dir_join(const char *file, const char *rel)
{
    if (rel[0] == '/') return dupstr(rel);
    const char *slash = strrchr(file, '/');
    if (!slash) return dupstr(rel);
    return msgf("%.*s/%s", (int)(slash - file), file, rel);
}

static char *canonical(const char *path)
{
    char buf[PATH_MAX];
    return dupstr(realpath(path, buf) ? buf : path);
}

static int parse_list(parser *p, source *s, nodelist *out, const char **stop);

static int parse_text(parser *p, const char *file, const char *text, size_t len, nodelist *out);

static int parse_include(parser *p, source *s, int line, const char *arg, nodelist *out)
{
    size_t al = strlen(arg);
    if (al < 2 || arg[0] != '"' || arg[al - 1] != '"')
        return fail(p, s->file, line, "expected {%% include \"FILE\" %%}, got {%% include %s %%}", arg);
    char *rel = tpl_must(strndup(arg + 1, al - 2));
    char *path = dir_join(s->file, rel);
    free(rel);
    char *canon = canonical(path);
    for (size_t i = 0; i < p->depth; i++) {
        if (strcmp(p->chain[i], canon) != 0) continue;
        tpl_buf b = {0};
        for (size_t k = i; k < p->depth; k++) tpl_buf_printf(&b, "%s -> ", p->shown[k]);
        tpl_buf_puts(&b, path);
        fail(p, s->file, line, "include cycle: %s", b.data);
        tpl_buf_free(&b);
        free(canon);
        free(path);
        return -1;
    }
    free(canon);
    if (p->depth >= TPL_MAX_INCLUDE_DEPTH) {
        free(path);
        return fail(p, s->file, line, "includes nested more than %d deep", TPL_MAX_INCLUDE_DEPTH);
    }
    size_t len = 0;
    char *text = read_file(path, &len);
    if (!text) {
        int e = errno;
        fail(p, s->file, line, "cannot read included template '%s': %s", path, strerror(e));
        free(path);
        return -1;
    }
    int rc = parse_text(p, keep_name(p, path), text, len, out);
    free(text);
    free(path);
    return rc;
}

/* Parses a tag's block body up to its closing tag; `opener` names it in messages. */
static int parse_block(parser *p, source *s, int line, const char *opener, nodelist *body,
                       const char **stop)
{
    if (parse_list(p, s, body, stop) < 0) return -1;
    if (!*stop) return fail(p, s->file, line, "{%% %s %%} is never closed", opener);
    return 0;
}

static int parse_tag(parser *p, source *s, int line, const char *content, nodelist *out,
                     const char **stop)
{
    size_t wl = strcspn(content, " \t\r\n");
    const char *arg = content + wl;
    while (*arg && strchr(" \t\r\n", *arg)) arg++;
    if (wl == 2 && strncmp(content, "if", 2) == 0) {
        if (!*arg) return fail(p, s->file, line, "expected {%% if NAME %%}");
        node *nd = nodes_push(out, N_IF, s->file, line);
        nd->text = dupstr(arg);
        size_t at = out->n - 1;
        const char *st;
        nodelist body = {0}, alt = {0};
        int rc = parse_block(p, s, line, "if", &body, &st);
        if (rc == 0 && strcmp(st, "else") == 0) rc = parse_block(p, s, line, "if", &alt, &st);
        if (rc == 0 && strcmp(st, "endif") != 0)
            rc = fail(p, s->file, p->stop_line, "{%% %s %%} inside {%% if %%} (line %d); expected {%% endif %%}", st, line);
        out->v[at].body = body; /* out->v may have moved while parsing the branches */
        out->v[at].alt = alt;
        return rc;
    }
    if (wl == 3 && strncmp(content, "for", 3) == 0) {
        char var[64], in[8], what[16], extra[2];
        int n = sscanf(arg, "%63s %7s %15s %1s", var, in, what, extra);
        if (n != 3 || strcmp(in, "in") != 0 || strcmp(what, "tables") != 0)
            return fail(p, s->file, line, "expected {%% for NAME in tables %%}, got {%% %s %%}", content);
        node *nd = nodes_push(out, N_FOR, s->file, line);
        nd->text = dupstr(var);
        size_t at = out->n - 1;
        const char *st;
        nodelist body = {0};
        int rc = parse_block(p, s, line, "for", &body, &st);
        if (rc == 0 && strcmp(st, "endfor") != 0)
            rc = fail(p, s->file, p->stop_line, "{%% %s %%} inside {%% for %%} (line %d); expected {%% endfor %%}", st, line);
        out->v[at].body = body;
        return rc;
    }
    if (wl == 7 && strncmp(content, "include", 7) == 0) return parse_include(p, s, line, arg, out);
    static const char *const closers[] = {"else", "endif", "endfor"};
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(content, closers[i]) == 0) {
            *stop = closers[i];
            p->stop_line = line;
            return 1;
        }
    }
    return fail(p, s->file, line, "unknown tag {%% %s %%} (tags: if, else, endif, for, endfor, include)", content);
}

/* Parses nodes until the end of the source (*stop = NULL) or a closing tag
 * (*stop = "else", "endif" or "endfor"). Returns 0 or -1. */
static int parse_list(parser *p, source *s, nodelist *out, const char **stop)
{
    const char *src = s->s;
    size_t seg = s->pos;
    *stop = NULL;
    for (;;) {
        size_t i = s->pos;
        while (i + 1 < s->len && !(src[i] == '{' && strchr("{%#", src[i + 1]))) i++;
        if (i + 1 >= s->len) {
            if (seg < s->len) {
                node *t = nodes_push(out, N_TEXT, s->file, s->line);
                t->text = tpl_must(strndup(src + seg, s->len - seg));
                t->len = s->len - seg;
            }
            s->line += count_lines(src, seg, s->len);
            s->pos = s->len;
            return 0;
        }
        char kind = src[i + 1];
        const char *closer = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
        int line = s->line + count_lines(src, seg, i);
        const char *end = strstr(src + i + 2, closer);
        if (!end || (size_t)(end - src) > s->len)
            return fail(p, s->file, line, "'%c%c' is never closed with '%s'", '{', kind, closer);
        size_t j = (size_t)(end - src), after = j + 2;
        /* A tag alone on its line takes the line with it. */
        size_t ls = i;
        while (ls > seg && tpl_is_blank(src[ls - 1])) ls--;
        int at_start = ls == 0 || src[ls - 1] == '\n';
        size_t e = after;
        while (e < s->len && tpl_is_blank(src[e])) e++;
        size_t nl = e == s->len ? 0 : src[e] == '\n' ? 1 : (src[e] == '\r' && e + 1 < s->len && src[e + 1] == '\n') ? 2 : (size_t)-1;
        int alone = at_start && nl != (size_t)-1;
        size_t text_end = i;
        int eol = 0;
        if (alone && kind != '{') {
            text_end = ls;
            after = e + nl;
        } else if (alone && kind == '{' && ls == i && nl) {
            eol = 1;
            after = e + nl;
        }
        if (text_end > seg) {
            node *t = nodes_push(out, N_TEXT, s->file, s->line);
            t->text = tpl_must(strndup(src + seg, text_end - seg));
            t->len = text_end - seg;
        }
        s->line += count_lines(src, seg, after);
        s->pos = seg = after;
        char *content = trimmed(src + i + 2, j - i - 2);
        int rc = 0;
        if (kind == '{') {
            if (!*content) rc = fail(p, s->file, line, "empty placeholder {{ }}");
            else {
                node *o = nodes_push(out, N_OUT, s->file, line);
                o->text = content;
                o->eol = eol;
                content = NULL;
            }
        } else if (kind == '%') {
            rc = parse_tag(p, s, line, content, out, stop);
        }
        free(content);
        if (rc < 0) return -1;
        if (rc == 1) return 0; /* a closing tag ends this list */
        seg = s->pos;
    }
}

static int parse_text(parser *p, const char *file, const char *text, size_t len, nodelist *out)
{
    if (p->depth >= TPL_MAX_INCLUDE_DEPTH) return fail(p, file, 1, "includes nested too deep");
    p->chain[p->depth] = canonical(file);
    p->shown[p->depth] = file;
    p->depth++;
    source s = {text, len, 0, file, 1};
    const char *stop;
    int rc = parse_list(p, &s, out, &stop);
    if (rc == 0 && stop) rc = fail(p, file, p->stop_line, "{%% %s %%} without a matching opening tag", stop);
    p->depth--;
    free(p->chain[p->depth]);
    return rc;
}

/* ---- entry points ------------------------------------------------------------------------- */

char *tpl_render_string(const tpl_env *env, const char *name, const char *text, char **err)
{
    parser p = {0};
    nodelist root = {0};
    *err = NULL;
    char *result = NULL;
    if (parse_text(&p, keep_name(&p, name), text, strlen(text), &root) == 0) {
        result = tpl_render_nodes(env, &root, err);
    } else {
        *err = p.err;
    }
    nodes_free(&root);
    for (size_t i = 0; i < p.nfiles; i++) free(p.files[i]);
    free(p.files);
    return result;
}

char *tpl_render_file(const tpl_env *env, const char *path, char **err)
{
    if (!path) return tpl_render_string(env, TPL_DEFAULT_NAME, tpl_default_text, err);
    size_t len = 0;
    char *text = read_file(path, &len);
    if (!text) {
        *err = msgf("cannot read template '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (strlen(text) != len) {
        free(text);
        *err = msgf("%s: the template contains a NUL byte; is it a text file?", path);
        return NULL;
    }
    char *out = tpl_render_string(env, path, text, err);
    free(text);
    return out;
}

/* The built-in default template: keep byte-identical to templates/default.md (test_template checks). */
const char tpl_default_text[] =
    "{# templates/default.md: the report tally writes when the config names no template. #}\n"
    "{% if report.title %}\n"
    "{{ heading 1 }} {{ report.title }}\n"
    "\n"
    "{% endif %}\n"
    "{% if report.subtitle %}\n"
    "{{ report.subtitle }}\n"
    "\n"
    "{% endif %}\n"
    "{% if report.source %}\n"
    "{{ tr \"Data source\" }}{{ tr \": \" }}{{ report.source }}\n"
    "\n"
    "{% endif %}\n"
    "{% if report.date %}\n"
    "{{ tr \"Date\" }}{{ tr \": \" }}{{ report.date }}\n"
    "\n"
    "{% endif %}\n"
    "{% if moe_note %}\n"
    "{{ moe_note }}\n"
    "\n"
    "{% endif %}\n"
    "{% for t in tables %}\n"
    "{{ heading 2 }} {{ t.title }}\n"
    "\n"
    "{% if t.question %}\n"
    "{{ t.question }}\n"
    "\n"
    "{% endif %}\n"
    "{{ table t }}\n"
    "{{ chart t }}\n"
    "{% endfor %}\n";
