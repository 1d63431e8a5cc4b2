/* template.c: parses tally report templates into a node tree and renders them against a report. */
#include "template.h"
#include "report_file.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- growable buffer ------------------------------------------------------- */

static void *must(void *p)
{
    if (!p) {
        fputs("tally: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static char *dupstr(const char *s) { return must(strdup(s)); }

static void grow(tpl_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = must(realloc(b->data, cap));
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

/* A list of candidate names for "did you mean" and "known: ..." hints. */
typedef struct names {
    const char *v[64];
    size_t n;
    size_t more; /* candidates beyond the 64 kept */
} names;

static void names_add(names *ns, const char *s)
{
    if (!s) return;
    if (ns->n < sizeof ns->v / sizeof ns->v[0]) ns->v[ns->n++] = s;
    else ns->more++;
}

/* Appends " (did you mean 'x'?)" or "; known: a, b" (or nothing when empty); the
 * distance is the host's (str_distance, the one the core's hints use). */
static void names_hint(const tally_host *h, tpl_buf *b, const names *ns, const char *word, const char *prefix)
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

typedef enum { N_TEXT, N_OUT, N_IF, N_FOR } node_kind;

typedef struct node node;
typedef struct nodelist {
    node *v;
    size_t n, cap;
} nodelist;

struct node {
    node_kind kind;
    const char *file; /* borrowed from the parser's file list */
    int line;
    char *text;       /* N_TEXT: the literal text; otherwise the tag's content, trimmed */
    size_t len;
    int eol;          /* N_OUT alone on its line: its newline is kept only when it renders text */
    nodelist body;    /* N_IF: the then-branch; N_FOR: the loop body */
    nodelist alt;     /* N_IF: the else-branch */
};

static node *nodes_push(nodelist *l, node_kind kind, const char *file, int line)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = must(realloc(l->v, l->cap * sizeof *l->v));
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
    p->files = must(realloc(p->files, (p->nfiles + 1) * sizeof *p->files));
    p->files[p->nfiles] = dupstr(name);
    return p->files[p->nfiles++];
}

/* Keeps the first error of a parse or a rendering in *err, as "file:line: message"; later ones are
 * consequences of it and dropped. */
static void keep_first_error(char **err, const char *file, int line, const char *fmt, va_list ap)
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
    keep_first_error(&p->err, file, line, fmt, ap);
    va_end(ap);
    return -1;
}

static int count_lines(const char *s, size_t from, size_t to)
{
    int n = 0;
    for (size_t i = from; i < to; i++) n += s[i] == '\n';
    return n;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static char *trimmed(const char *s, size_t n)
{
    while (n && (is_blank(*s) || *s == '\n' || *s == '\r')) s++, n--;
    while (n && (is_blank(s[n - 1]) || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    char *t = must(malloc(n + 1));
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
    char *rel = must(strndup(arg + 1, al - 2));
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
                t->text = must(strndup(src + seg, s->len - seg));
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
        while (ls > seg && is_blank(src[ls - 1])) ls--;
        int at_start = ls == 0 || src[ls - 1] == '\n';
        size_t e = after;
        while (e < s->len && is_blank(src[e])) e++;
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
            t->text = must(strndup(src + seg, text_end - seg));
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

/* ---- rendering -------------------------------------------------------------------------- */

#define TPL_MAX_LOOPS 8
#define TPL_NUM_SIZE 64 /* a table number, a formatted date or value */
#define TPL_MAX_GUARDS 32

typedef struct loopvar {
    const char *name;
    const tally_table *t; /* NULL while checking a loop body over no tables */
    size_t index;
} loopvar;

typedef struct renderer {
    const tpl_env *env;
    tpl_buf *out;
    char *err;
    loopvar vars[TPL_MAX_LOOPS];
    size_t nvars;
    const char *guards[TPL_MAX_GUARDS]; /* values an enclosing {% if %} found missing */
    size_t nguards;
} renderer;

static const char *const meta_keys[] = {"title", "subtitle", "author", "subject", "language", "source", "date"};
static const char *const table_fields[] = {"id", "title", "question", "base", "notes", "number"};

static int rfail(renderer *r, const node *nd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rfail(renderer *r, const node *nd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    keep_first_error(&r->err, nd->file, nd->line, fmt, ap);
    va_end(ap);
    return -1;
}

static void put_text(renderer *r, const char *s)
{
    if (!s) return;
    if (r->env->text) r->env->text(r->out, s);
    else tpl_buf_puts(r->out, s);
}

static loopvar *find_var(renderer *r, const char *name)
{
    for (size_t i = r->nvars; i-- > 0;)
        if (strcmp(r->vars[i].name, name) == 0) return &r->vars[i];
    return NULL;
}

static int in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0) return 1;
    return 0;
}

static int field_error(renderer *r, const node *nd, const char *head, const char *field,
                       const char *const *known, size_t n)
{
    names ns = {0};
    for (size_t i = 0; i < n; i++) names_add(&ns, known[i]);
    tpl_buf b = {0};
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s.", head);
    names_hint(r->env->host, &b, &ns, field, prefix);
    rfail(r, nd, "unknown field '%s.%s'%s", head, field, b.data ? b.data : "");
    tpl_buf_free(&b);
    return -1;
}

static int value_error(renderer *r, const node *nd, const char *name)
{
    const tally_host *h = r->env->host;
    names ns = {0};
    size_t nv = h->rep_nvalues(r->env->report);
    for (size_t i = 0; i < nv; i++) names_add(&ns, h->rep_value_name(r->env->report, i));
    for (size_t i = 0; i < r->nvars; i++) names_add(&ns, r->vars[i].name);
    tpl_buf b = {0};
    names_hint(h, &b, &ns, name, "");
    rfail(r, nd, "unknown value '%s'%s", name, b.data ? b.data : "");
    tpl_buf_free(&b);
    return -1;
}

/* The text of a loop table's field (NULL when unset); `num` holds "number". */
static const char *table_field(renderer *r, const loopvar *v, const char *field, char *num, tpl_buf *notes)
{
    const tally_host *h = r->env->host;
    const tally_table *t = v->t;
    if (!t) return NULL;
    if (!strcmp(field, "id")) return h->tab_id(t);
    if (!strcmp(field, "title")) return h->tab_title(t);
    if (!strcmp(field, "question")) return h->tab_question(t);
    if (!strcmp(field, "base")) return h->tab_base(t);
    if (!strcmp(field, "number")) {
        snprintf(num, TPL_NUM_SIZE, "%zu", v->index + 1);
        return num;
    }
    size_t nn = h->tab_nnotes(t);
    for (size_t i = 0; i < nn; i++) {
        if (i) tpl_buf_putc(notes, ' ');
        tpl_buf_puts(notes, h->tab_note(t, i));
    }
    return nn ? notes->data : NULL;
}

static int guarded(renderer *r, const char *name)
{
    for (size_t i = 0; i < r->nguards; i++)
        if (strcmp(r->guards[i], name) == 0) return 1;
    return 0;
}

/* Resolves a dotted or plain name to its text. Returns 0 (with *text, maybe
 * NULL), 1 for a bare loop variable, 2 for a missing named value, -1 on error. */
static int resolve(renderer *r, const node *nd, const char *word, const char **text, char *num, tpl_buf *notes)
{
    const tally_host *h = r->env->host;
    const tally_report *rep = r->env->report;
    *text = NULL;
    const char *dot = strchr(word, '.');
    if (dot && !h->rep_value_text(rep, word)) {
        char head[64];
        snprintf(head, sizeof head, "%.*s", (int)(dot - word), word);
        const char *field = dot + 1;
        if (!strcmp(head, "report")) {
            if (!in_list(field, meta_keys, 7)) return field_error(r, nd, head, field, meta_keys, 7);
            *text = h->rep_meta(rep, field);
            if (*text && !strcmp(field, "date")) *text = h->rep_format_date(rep, *text, num, TPL_NUM_SIZE);
            return 0;
        }
        loopvar *v = find_var(r, head);
        if (!v) return value_error(r, nd, head);
        if (!in_list(field, table_fields, 6)) return field_error(r, nd, head, field, table_fields, 6);
        *text = table_field(r, v, field, num, notes);
        return 0;
    }
    if (find_var(r, word)) return 1;
    *text = h->rep_value_text(rep, word);
    return *text ? 0 : 2;
}

static void put_heading(renderer *r, long level)
{
    long n = r->env->heading_level + level - 1;
    if (n < 1) n = 1;
    if (n > 6) n = 6;
    for (long i = 0; i < n; i++) tpl_buf_putc(r->out, '#');
}

static void put_chart(renderer *r, const tally_table *t)
{
    if (!r->env->chart) return;
    r->env->chart(r->env->host, r->env->report, r->out, t);
}

/* One table as {{ tables }} shows it: heading, question, table block, chart. */
static void put_section(renderer *r, const tally_table *t)
{
    const tally_host *h = r->env->host;
    put_heading(r, 2);
    tpl_buf_putc(r->out, ' ');
    put_text(r, h->tab_title(t));
    tpl_buf_puts(r->out, "\n\n");
    const char *q = h->tab_question(t);
    if (q && *q) {
        put_text(r, q);
        tpl_buf_puts(r->out, "\n\n");
    }
    r->env->table(h, r->env->report, r->out, t);
    size_t mark = r->out->len;
    tpl_buf_putc(r->out, '\n');
    put_chart(r, t);
    if (r->out->len == mark + 1) r->out->data[r->out->len = mark] = '\0';
}

typedef struct token {
    int is_string;
    char *s;
} token;

/* Splits a placeholder into words and "strings"; returns the count or -1. */
/* Frees the tokens made so far when tokenizing fails. */
static int tokens_fail(token *tok, int n)
{
    for (int k = 0; k < n; k++) free(tok[k].s);
    return -1;
}

static int tokenize(const char *c, token *tok, int max)
{
    int n = 0;
    while (*c) {
        if (is_blank(*c) || *c == '\n' || *c == '\r') {
            c++;
            continue;
        }
        if (n == max) return tokens_fail(tok, n);
        if (*c == '"') {
            tpl_buf b = {0};
            c++;
            while (*c && *c != '"') {
                if (*c == '\\' && c[1]) c++;
                tpl_buf_putc(&b, *c++);
            }
            if (*c != '"') {
                tpl_buf_free(&b);
                return tokens_fail(tok, n);
            }
            c++;
            tok[n].is_string = 1;
            tok[n++].s = tpl_buf_take(&b);
            continue;
        }
        size_t w = strcspn(c, " \t\r\n\"");
        tok[n].is_string = 0;
        tok[n++].s = must(strndup(c, w));
        c += w;
    }
    return n;
}

static const tally_table *find_table_arg(renderer *r, const node *nd, const token *arg, int *err)
{
    const tally_host *h = r->env->host;
    *err = 0;
    if (!arg->is_string) {
        loopvar *v = find_var(r, arg->s);
        if (!v) {
            *err = 1;
            rfail(r, nd, "'%s' is not a table: write {{ table \"ID\" }} or use a {%% for %%} variable", arg->s);
        }
        return v ? v->t : NULL;
    }
    const tally_table *t = h->rep_find_table(r->env->report, arg->s);
    if (!t) {
        names ns = {0};
        size_t nt = h->rep_ntables(r->env->report);
        for (size_t i = 0; i < nt; i++) names_add(&ns, h->tab_id(h->rep_table(r->env->report, i)));
        tpl_buf b = {0};
        names_hint(h, &b, &ns, arg->s, "");
        rfail(r, nd, "unknown table '%s'%s", arg->s, b.data ? b.data : "");
        tpl_buf_free(&b);
        *err = 1;
    }
    return t;
}

/* The kinds the filters write a value as; decimals(N) keeps the value's own kind. */
static const struct {
    const char *name;
    tally_value_kind kind;
} filters[] = {{"count", TALLY_VALUE_COUNT}, {"percent", TALLY_VALUE_PERCENT}, {"p", TALLY_VALUE_P},
               {"number", TALLY_VALUE_NUMBER}, {"statistic", TALLY_VALUE_STATISTIC},
               {"proportion", TALLY_VALUE_PROPORTION}};

/* One filter of {{ NAME | filter | ... }}: sets *kind and *decimals, or fails naming template:line. */
static int parse_filter(renderer *r, const node *nd, const char *f, tally_value_kind *kind, int *decimals)
{
    while (is_blank(*f)) f++;
    size_t n = strlen(f);
    while (n && (is_blank(f[n - 1]) || f[n - 1] == '\n' || f[n - 1] == '\r')) n--;
    int d, used = 0;
    if (sscanf(f, "decimals(%d)%n", &d, &used) == 1 && (size_t)used == n) {
        if (d < 0 || d > 10) return rfail(r, nd, "decimals(%d): the decimals go from 0 to 10", d);
        *decimals = d;
        return 0;
    }
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        if (strlen(filters[i].name) == n && !strncmp(f, filters[i].name, n)) {
            *kind = filters[i].kind;
            return 0;
        }
    return rfail(r, nd, "unknown filter '%.*s' (expected decimals(N), count, percent, p, number, statistic or proportion)",
                 (int)n, f);
}

/* {{ NAME | filter ... }}: the named value's number written by the filters' kind and decimals. */
static int eval_filtered(renderer *r, const node *nd, const char *bar, int dry)
{
    const tally_host *h = r->env->host;
    const tally_report *rep = r->env->report;
    char name[128];
    const char *s = nd->text;
    while (is_blank(*s) || *s == '\n') s++;
    size_t len = (size_t)(bar - s);
    while (len && is_blank(s[len - 1])) len--;
    const char *blank = strpbrk(s, " \t");
    if (!len || len >= sizeof name || memchr(s, '"', len) || (blank && blank < s + len))
        return rfail(r, nd, "a filter needs a value name before '|': {{ NAME | p }}");
    snprintf(name, sizeof name, "%.*s", (int)len, s);
    int kind = h->rep_value_kind(rep, name), decimals = -1;
    tally_value_kind want = kind > 0 ? (tally_value_kind)kind : TALLY_VALUE_NUMBER;
    for (const char *f = bar; f; f = strchr(f + 1, '|')) {
        const char *next = strchr(f + 1, '|');
        char one[64];
        snprintf(one, sizeof one, "%.*s", (int)(next ? next - f - 1 : (ptrdiff_t)strlen(f + 1)), f + 1);
        if (parse_filter(r, nd, one, &want, &decimals) < 0) return -1;
    }
    double v;
    if (kind < 0) return guarded(r, name) ? 0 : value_error(r, nd, name);
    if (!h->rep_value_number(rep, name, &v))
        return rfail(r, nd, "'%s' is text; filters write numbers", name);
    char buf[TPL_NUM_SIZE];
    if (!dry) put_text(r, h->rep_format_value(rep, want, v, decimals, buf, sizeof buf));
    return 0;
}

static int eval_out(renderer *r, const node *nd, int dry)
{
    const tally_host *h = r->env->host;
    const char *bar = strchr(nd->text, '|');
    if (bar && !memchr(nd->text, '"', (size_t)(bar - nd->text))) return eval_filtered(r, nd, bar, dry);
    token tok[4];
    int n = tokenize(nd->text, tok, 4);
    int rc = 0;
    if (n == 1 && !tok[0].is_string) {
        const char *w = tok[0].s;
        if (!strcmp(w, "tables")) {
            size_t nt = h->rep_ntables(r->env->report);
            for (size_t i = 0; i < nt && !dry; i++) {
                if (i) tpl_buf_putc(r->out, '\n');
                put_section(r, h->rep_table(r->env->report, i));
            }
        } else {
            const char *text;
            char num[TPL_NUM_SIZE];
            tpl_buf notes = {0};
            int k = resolve(r, nd, w, &text, num, &notes);
            if (k == 1) rc = rfail(r, nd, "'%s' is a table: write {{ table %s }} or {{ %s.title }}", w, w, w);
            else if (k == 2 && !guarded(r, w)) rc = value_error(r, nd, w);
            else if (k == 0 && !dry) put_text(r, text);
            else if (k < 0) rc = -1;
            tpl_buf_free(&notes);
        }
    } else if (n == 2 && !tok[0].is_string && (!strcmp(tok[0].s, "table") || !strcmp(tok[0].s, "chart"))) {
        int err;
        const tally_table *t = find_table_arg(r, nd, &tok[1], &err);
        if (err) rc = -1;
        else if (t && !dry) {
            if (tok[0].s[0] == 't') r->env->table(h, r->env->report, r->out, t);
            else put_chart(r, t);
        }
    } else if (n == 2 && !tok[0].is_string && !strcmp(tok[0].s, "heading") && !tok[1].is_string) {
        char *end;
        long level = strtol(tok[1].s, &end, 10);
        if (*end || level < 1 || level > 6) rc = rfail(r, nd, "expected {{ heading N }} with N from 1 to 6");
        else if (!dry) put_heading(r, level);
    } else if (n == 2 && !tok[0].is_string && !strcmp(tok[0].s, "tr") && tok[1].is_string) {
        if (!dry) put_text(r, h->rep_tr(r->env->report, tok[1].s));
    } else {
        rc = rfail(r, nd, "unknown placeholder {{ %s }} (expected a value name, report.FIELD, "
                          "table \"ID\", chart \"ID\", tables, heading N, tr \"TEXT\" or NAME | filter)", nd->text);
    }
    for (int i = 0; i < n; i++) free(tok[i].s);
    return rc;
}

/* Evaluates {% if [not] NAME %}: 0 with *truth set, or -1. *missing names a
 * value that does not exist (the then-branch may still mention it). */
static int eval_cond(renderer *r, const node *nd, int *truth, const char **missing)
{
    const tally_host *h = r->env->host;
    const char *c = nd->text;
    int negate = 0;
    *missing = NULL;
    if (strncmp(c, "not ", 4) == 0) {
        negate = 1;
        c += 4;
        while (is_blank(*c)) c++;
    }
    if (!*c || strpbrk(c, " \t\r\n\""))
        return rfail(r, nd, "expected {%% if NAME %%} or {%% if not NAME %%}, got {%% if %s %%}", nd->text);
    int v;
    if (!strcmp(c, "tables")) v = h->rep_ntables(r->env->report) > 0;
    else if (!strcmp(c, "charts")) v = r->env->chart != NULL;
    else {
        const char *text;
        char num[TPL_NUM_SIZE];
        tpl_buf notes = {0};
        int k = resolve(r, nd, c, &text, num, &notes);
        double d;
        if (k < 0) {
            tpl_buf_free(&notes);
            return -1;
        }
        if (k == 1) v = find_var(r, c)->t != NULL;
        else if (k == 2) {
            v = 0;
            *missing = c;
        } else if (!strchr(c, '.') && h->rep_value_number(r->env->report, c, &d)) {
            v = d != 0 && !isnan(d);
        } else {
            v = text && *text && strcmp(text, "0") != 0;
        }
        tpl_buf_free(&notes);
    }
    *truth = negate ? !v : v;
    return 0;
}

static int render_list(renderer *r, const nodelist *l, int dry)
{
    for (size_t i = 0; i < l->n; i++) {
        const node *nd = &l->v[i];
        switch (nd->kind) {
        case N_TEXT:
            if (!dry) tpl_buf_add(r->out, nd->text, nd->len);
            break;
        case N_OUT: {
            size_t before = r->out->len;
            if (eval_out(r, nd, dry) < 0) return -1;
            if (!dry && nd->eol && r->out->len > before) tpl_buf_putc(r->out, '\n');
            break;
        }
        case N_IF: {
            int truth = 0;
            const char *missing;
            if (eval_cond(r, nd, &truth, &missing) < 0) return -1;
            int guard = missing && r->nguards < TPL_MAX_GUARDS;
            if (guard) r->guards[r->nguards++] = missing;
            int rc = render_list(r, &nd->body, dry || !truth);
            if (guard) r->nguards--;
            if (rc < 0 || render_list(r, &nd->alt, dry || truth) < 0) return -1;
            break;
        }
        case N_FOR: {
            if (r->nvars == TPL_MAX_LOOPS) return rfail(r, nd, "loops nested more than %d deep", TPL_MAX_LOOPS);
            const tally_host *h = r->env->host;
            size_t nt = h->rep_ntables(r->env->report);
            loopvar *v = &r->vars[r->nvars++];
            v->name = nd->text;
            v->t = NULL;
            v->index = 0;
            int rc = 0;
            if (nt == 0) rc = render_list(r, &nd->body, 1); /* still checks the body */
            for (size_t k = 0; k < nt && rc == 0; k++) {
                v->t = h->rep_table(r->env->report, k);
                v->index = k;
                rc = render_list(r, &nd->body, dry);
            }
            r->nvars--;
            if (rc < 0) return -1;
            break;
        }
        }
    }
    return 0;
}

/* ---- entry points ------------------------------------------------------------------------- */

char *tpl_render_string(const tpl_env *env, const char *name, const char *text, char **err)
{
    parser p = {0};
    nodelist root = {0};
    *err = NULL;
    char *result = NULL;
    if (parse_text(&p, keep_name(&p, name), text, strlen(text), &root) == 0) {
        tpl_buf out = {0};
        renderer r = {.env = env, .out = &out};
        if (render_list(&r, &root, 0) == 0) result = tpl_buf_take(&out);
        else *err = r.err;
        tpl_buf_free(&out);
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
