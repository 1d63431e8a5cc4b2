/* main.c: the tally command line: run, check, plugins, describe, report. */
#include "codebook.h"
#include "describe.h"
#include "diff.h"
#include "heap.h"
#include "host.h"
#include "plugin_loader.h"
#include "quick_report.h"
#include "runner.h"
#include "lua_runtime.h"
#include "util.h"
#include "watchdog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TALLY_VERSION
#define TALLY_VERSION "0.1.0"
#endif

static const char exit_codes[] =
    "Exit codes:\n"
    "  0  success\n"
    "  1  data or runtime error (bad input file, failing stage, unwritable output)\n"
    "  2  usage or config error (unknown option, missing plugin, config syntax)\n"
    "  3  the report's own checks failed (assert stages; for CI gates)\n";

static void usage_main(FILE *out)
{
    fprintf(out,
            "Usage: tally COMMAND [OPTIONS]\n"
            "\n"
            "tally turns survey data into Markdown, HTML, JSON and Excel reports. Input plugins read\n"
            "the data, Lua stages compute tables with C statistics kernels, output plugins write\n"
            "the report; a config file (Lua syntax) chooses all three.\n"
            "\n"
            "Commands:\n"
            "  run CONFIG          run the report a config describes\n"
            "  check CONFIG        load plugins, validate options, check inputs and stages; run nothing\n"
            "  plugins [NAME]      list the plugins found, or the options of one\n"
            "  describe FILE       print the dictionary of a data file (variables, labels, sets)\n"
            "  report FILE -o OUT  a default report of any data file (format from OUT's ending)\n"
            "  diff OLD NEW        which tables and figures changed between two JSON reports\n"
            "\n"
            "Options for every command: --help, --version, -q (errors only), -v (verbose: each step's time)\n"
            "Run 'tally COMMAND --help' for a command's options.\n\n%s",
            exit_codes);
}

static void usage_run(FILE *out, const char *cmd)
{
    fprintf(out,
            "Usage: tally %s CONFIG [--set KEY=VALUE]... [--outdir DIR] [--timeout SECS] [--no-cache] [-q|-v]\n"
            "\n"
            "%s\n"
            "\n"
            "  --set KEY=VALUE  override a config value: report.title=..., input.NAME.path=...,\n"
            "                   output.NAME.path=..., stage.NAME.OPTION=...; a KEY without a dot\n"
            "                   is visible in the config as params.KEY\n"
            "  --outdir DIR     write outputs under DIR (relative output paths start there)\n"
            "  --timeout SECS   stop the whole run after SECS seconds of wall-clock time (exit 1)\n"
            "  --no-cache       parse every input; neither read nor write the column cache\n"
            "  -q, -v           quiet (errors only) / verbose (each step's time)\n\n%s",
            cmd,
            strcmp(cmd, "run") == 0 ? "Reads the inputs, runs the stages in order and writes every output. Outputs are\n"
                                      "written to temporary files and renamed only when all succeeded."
                                    : "Loads the config and its plugins, validates every option, checks that the inputs\n"
                                      "exist and that the stage scripts compile. Runs nothing and writes nothing.",
            exit_codes);
}

static void usage_plugins(FILE *out)
{
    fprintf(out,
            "Usage: tally plugins [NAME | FILE.so]\n"
            "\n"
            "Without NAME: every plugin on the search path (kind, name, description, file).\n"
            "With NAME: the plugin's options (type, default, allowed values, help).\n"
            "Search path: $TALLY_PLUGIN_PATH, the plugins folder next to the binary, the install folder.\n\n%s",
            exit_codes);
}

static void usage_describe(FILE *out)
{
    fprintf(out,
            "Usage: tally describe FILE [--codebook CODEBOOK] [--language en|de] [--set OPTION=VALUE]...\n"
            "                      [--cache DIR]\n"
            "\n"
            "Prints the dictionary of a data file, like PSPP's DISPLAY DICTIONARY: every variable\n"
            "with type, measurement level, format, label, value labels and missing values, and the\n"
            "multiple-response sets. The input plugin is chosen by the file's ending. For a CSV file,\n"
            "FILE's codebook (NAME.codebook.lua beside it) is applied when present. --set passes\n"
            "an option to the input plugin (tally plugins NAME lists them), e.g. --set encoding=windows-1252;\n"
            "a list option takes items separated by commas or repeated --set (--set types=a:string,b:string).\n"
            "For a CSV file, the first lines say how it was read: encoding, delimiter, decimal mark,\n"
            "header rows and survey-platform layout. --cache DIR reads the file from the column cache\n"
            "in DIR when it holds it unchanged (\"Served by\" says so), and stores it there otherwise.\n\n%s",
            exit_codes);
}

static void usage_report(FILE *out)
{
    fprintf(out,
            "Usage: tally report FILE -o OUT [-o OUT]... [--title TEXT] [--codebook CODEBOOK]\n"
            "                    [--set OPTION=VALUE]... [--print-config] [--cache DIR]\n"
            "\n"
            "A report without a config: a frequency table for every categorical variable, every\n"
            "multiple-response set, and descriptives for scale variables. Each -o names an output;\n"
            "its ending picks the plugin (.xlsx, .md, .html, .json). --set passes an option to the\n"
            "input plugin (tally plugins NAME lists them), e.g. --set encoding=windows-1252\n"
            "--set header_rows=2; a list option takes items separated by commas or repeated --set\n"
            "(--set types=zip:string,id:string). --codebook applies a codebook (default: FILE's\n"
            "NAME.codebook.lua beside it). --print-config prints the equivalent config file, to\n"
            "start customising from, and runs nothing. --cache DIR keeps the read data in DIR, so\n"
            "that the next report of the unchanged file maps it instead of parsing.\n\n%s",
            exit_codes);
}

static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    return 0;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "tally: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nRun 'tally %s--help' for usage.\n", cmd);
    return TALLY_EXIT_CONFIG;
}

static int cmd_run(int argc, char **argv, int check_only, int verbosity)
{
    const char *name = check_only ? "check" : "run";
    if (wants_help(argc, argv)) {
        usage_run(stdout, name);
        return 0;
    }
    tally_run_opts o;
    memset(&o, 0, sizeof o);
    long long timeout = 0;
    char **sets = xcalloc((size_t)argc + 1, sizeof *sets);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--set") == 0 && i + 1 < argc) {
            sets[o.nsets++] = argv[++i];
        } else if (strncmp(a, "--set=", 6) == 0) {
            sets[o.nsets++] = (char *)a + 6;
        } else if (strcmp(a, "--outdir") == 0 && i + 1 < argc) {
            o.outdir = argv[++i];
        } else if ((strcmp(a, "--timeout") == 0 && i + 1 < argc) || strncmp(a, "--timeout=", 10) == 0) {
            const char *v = a[9] == '=' ? a + 10 : argv[++i];
            char *end = NULL;
            errno = 0;
            long long secs = strtoll(v, &end, 10);
            if (end == v || *end || errno || secs < 1 || secs > TALLY_MAX_SECONDS_LIMIT) {
                free(sets);
                return usage_error(check_only ? "check " : "run ",
                                   "--timeout needs a whole number of seconds from 1 to 604800, not '%s'", v);
            }
            timeout = secs;
        } else if (strcmp(a, "--no-cache") == 0) {
            o.no_cache = 1;
        } else if (a[0] == '-' && a[1]) {
            free(sets);
            return usage_error(check_only ? "check " : "run ", "unknown option '%s'", a);
        } else if (!o.config) {
            o.config = a;
        } else {
            free(sets);
            return usage_error(check_only ? "check " : "run ", "one config at a time ('%s' is extra)", a);
        }
    }
    if (!o.config) {
        free(sets);
        return usage_error(check_only ? "check " : "run ", "%s needs a config file", name);
    }
    o.sets = sets;
    o.check_only = check_only;
    o.verbose = verbosity >= 2;
    o.progress = verbosity >= 1 && isatty(2);
    tally_watchdog_run(timeout);
    int rc = tally_run(&o);
    free(sets);
    return rc;
}

static void print_option(const tally_option_decl *d)
{
    static const char *const types[] = {"?", "string", "path", "integer", "number", "boolean", "choice", "list"};
    printf("  %-16s %-8s", d->name, d->type >= 1 && d->type <= 7 ? types[d->type] : "?");
    if (d->required) printf(" required");
    else if (d->default_value) printf(" default %s", *d->default_value ? d->default_value : "\"\"");
    if (d->type == TALLY_OPT_CHOICE && d->choices) printf(" (%s)", d->choices);
    if ((d->type == TALLY_OPT_INT || d->type == TALLY_OPT_NUMBER) && d->min < d->max)
        printf(" (%g to %g)", d->min, d->max);
    printf("\n      %s\n", d->help ? d->help : "");
}

static int cmd_plugins(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        usage_plugins(stdout);
        return 0;
    }
    tally_plugin_path path;
    tally_plugin_path_init(&path, NULL, 0);
    int rc = 0;
    if (argc == 0) {
        size_t n = 0;
        char *errors = NULL;
        tally_plugin **list = tally_plugin_list(&path, &n, &errors);
        for (size_t i = 0; i < n; i++) {
            printf("%-7s %-10s %s\n        %s\n", tally_plugin_kind_name((int)list[i]->desc.kind), list[i]->name,
                   list[i]->desc.description ? list[i]->desc.description : "", list[i]->path);
            tally_plugin_free(list[i]);
        }
        free(list);
        if (!n) {
            char *text = tally_plugin_path_text(&path);
            fprintf(stderr, "tally: no plugins found on the search path %s\n", text);
            free(text);
            rc = TALLY_EXIT_CONFIG;
        }
        if (errors) {
            fprintf(stderr, "tally: some files on the search path are not usable plugins:\n%s", errors);
            free(errors);
        }
    } else {
        char *err = NULL;
        tally_plugin *pl = strchr(argv[0], '/') ? tally_plugin_load_file(argv[0], &err)
                                                : tally_plugin_load(&path, argv[0], 0, &err);
        if (!pl) {
            fprintf(stderr, "tally: %s\n", err);
            free(err);
            rc = TALLY_EXIT_CONFIG;
        } else {
            printf("%s (%s plugin, version %s, ABI %u.%u)\n%s\nfile: %s\n", pl->name,
                   tally_plugin_kind_name((int)pl->desc.kind), pl->desc.version ? pl->desc.version : "?",
                   pl->desc.abi_major, pl->desc.abi_minor, pl->desc.description ? pl->desc.description : "", pl->path);
            if (pl->desc.extensions) printf("file endings: %s\n", pl->desc.extensions);
            printf("options:\n");
            for (const tally_option_decl *d = pl->desc.options; d && d->name; d++) print_option(d);
            tally_plugin_free(pl);
        }
    }
    tally_plugin_path_free(&path);
    return rc;
}

static int cmd_describe(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        usage_describe(stdout);
        return 0;
    }
    const char *file = NULL, *codebook = NULL, *language = "en", *cache = NULL;
    char **sets = xcalloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) sets[nsets++] = argv[++i];
        else if (strncmp(argv[i], "--set=", 6) == 0) sets[nsets++] = argv[i] + 6;
        else if (strcmp(argv[i], "--codebook") == 0 && i + 1 < argc) codebook = argv[++i];
        else if (strcmp(argv[i], "--language") == 0 && i + 1 < argc) language = argv[++i];
        else if (strcmp(argv[i], "--cache") == 0 && i + 1 < argc) cache = argv[++i];
        else if (strcmp(argv[i], "--no-cache") == 0) cache = NULL;
        else if (argv[i][0] == '-') {
            free(sets);
            return usage_error("describe ", "unknown option '%s'", argv[i]);
        } else if (!file) file = argv[i];
        else {
            free(sets);
            return usage_error("describe ", "one file at a time ('%s' is extra)", argv[i]);
        }
    }
    if (!file) {
        free(sets);
        return usage_error("describe ", "%s", "describe needs a data file");
    }
    int code = 0;
    tally_dataset *ds = tally_cli_read_file(file, codebook, language, sets, nsets, cache, &code);
    free(sets);
    if (!ds) return code;
    tally_describe_print(stdout, ds);
    tally_dataset_free(ds);
    return 0;
}

int main(int argc, char **argv)
{
    tally_heap_setup(); /* before any thread starts */
    int verbosity = 1;
    /* -q / -v may stand anywhere; strip them before the commands see the arguments */
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "-q") == 0) verbosity = 0;
        else if (i > 0 && strcmp(argv[i], "-v") == 0) verbosity = 2;
        else argv[n++] = argv[i];
    }
    argc = n;
    tally_log_set_level(verbosity);
    if (argc < 2) {
        usage_main(stderr);
        return TALLY_EXIT_CONFIG;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage_main(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("tally %s (plugin ABI %d.%d)\n", TALLY_VERSION, TALLY_ABI_MAJOR, TALLY_ABI_MINOR);
        return 0;
    }
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2, 0, verbosity);
    if (strcmp(cmd, "check") == 0) return cmd_run(argc - 2, argv + 2, 1, verbosity);
    if (strcmp(cmd, "plugins") == 0) return cmd_plugins(argc - 2, argv + 2);
    if (strcmp(cmd, "describe") == 0) return cmd_describe(argc - 2, argv + 2);
    if (strcmp(cmd, "diff") == 0) return tally_diff_main(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0) {
        if (wants_help(argc - 2, argv + 2)) {
            usage_report(stdout);
            return 0;
        }
        return tally_quick_report(argc - 2, argv + 2, verbosity);
    }
    fprintf(stderr, "tally: unknown command '%s'\n\n", cmd);
    usage_main(stderr);
    return TALLY_EXIT_CONFIG;
}
