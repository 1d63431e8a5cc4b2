/* test_case_file.c: the case file reader reads sections, escapes and numbers exactly, and fails loudly on a broken file. */
#include "case_file.h"
#include "check.h"
#include "report_fixture.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/tally-cases-XXXXXX";
static const char *const fields[] = {"row", "want", "what", NULL};

/* Writes `text` to a case file in the scratch folder; returns its path (static buffer). */
static const char *case_file(const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/cases.txt", dir);
    fixture_spit(path, text);
    return path;
}

/* Reads section `section` of `path` in a child process and checks that it fails: exit status 1
 * and a "not ok - case file PATH..." line saying `message`. */
static void fails(const char *path, const char *section, const char *message, const char *what)
{
    char out[300];
    snprintf(out, sizeof out, "%s/out.txt", dir);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(out, "w", stdout)) _exit(3);
        case_list_free(case_list_read(path, section, fields));
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s: exit status 1", what);
    char *said = fixture_slurp(out), want[600];
    snprintf(want, sizeof want, "not ok - case file %s", path);
    CHECK(said && !strncmp(said, want, strlen(want)) && strstr(said, message), "%s: the test says \"%s\"", what, message);
    if (said && !strstr(said, message)) printf("#   said: %s", said);
    free(said);
    unlink(out);
}

static void reads(void)
{
    const char *path = case_file("# a comment\n[other]\nrow: x\nwant: 1\nwhat: not this\n\n"
                                 "[mine]\nrow: a\\nb\\t\\\\c \"q\"\nwant: 100/3\nwhat: first: with a colon\n\n"
                                 "what: order is free\nwant: -1e-9\nrow: # not a comment\n[more]\nrow: y\n");
    case_list *l = case_list_read(path, "mine", fields);
    CHECK(l->ncases == 2, "two cases in the section, none from the others");
    CHECK_STR(case_text(l, 0, 0), "a\nb\t\\c \"q\"", "escapes: line break, tab, backslash; quotes as they are");
    CHECK(case_number(l, 0, 1) == 100.0 / 3, "a fraction is the same double as the C expression");
    CHECK_STR(case_text(l, 0, 2), "first: with a colon", "a value may hold ': '");
    CHECK(case_number(l, 1, 1) == -1e-9, "a number in e notation");
    CHECK_STR(case_text(l, 1, 0), "# not a comment", "the last case ends at the next section");
    CHECK(l->lines[0] == 8 && l->lines[1] == 12, "each case knows its line");
    case_list_free(l);
}

static void broken(void)
{
    char missing[300];
    snprintf(missing, sizeof missing, "%s/no-such-file.txt", dir);
    fails(missing, "mine", "cannot read it", "a missing case file");
    fails(case_file(""), "mine", "no section [mine]", "an empty case file");
    fails(case_file("[mine]\n# only a comment\n\n[next]\nrow: a\nwant: 1\nwhat: w\n"), "mine", "section [mine] holds no case",
          "a section without a case");
    fails(case_file("[mine]\nrow: a\nwant: 1\nwhat: w\n"), "yours", "no section [yours]", "an absent section");
    fails(case_file("[mine]\nrow: a\nwant 1\nwhat: w\n"), "mine", ":3: expected 'field: value'", "a line without ': '");
    fails(case_file("[mine]\nrow: a\nwhat: w\n"), "mine", ":2: the case has no field 'want'", "a missing field");
    fails(case_file("[mine]\nrow: a\nwant: 1\nwhat: w\nwhy: x\n"), "mine", ":5: unknown field 'why'", "an unknown field");
    fails(case_file("[mine]\nrow: a\nrow: b\n"), "mine", ":3: field 'row' twice", "a field twice");
    fails(case_file("[mine]\nrow: a\\x\nwant: 1\nwhat: w\n"), "mine", ":2: unknown escape", "an unknown escape");
    fails(case_file("[mine\nrow: a\n"), "mine", ":1: a section line is '[name]'", "a broken section line");
    fails(case_file("[mine]\nrow: a\nwant: 1\nwhat: w\n[mine]\n"), "mine", ":5: section [mine] twice", "a section twice");
    fails(case_file("[other]\nrow a\n[mine]\nrow: a\nwant: 1\nwhat: w\n"), "mine", ":2: expected", "a broken line in another section");
    const char *bad_number = case_file("[mine]\nrow: a\nwant: 1,5\nwhat: w\n");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout)) _exit(3);
        case_number(case_list_read(bad_number, "mine", fields), 0, 1);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "a value that is no number fails the test when read as one");
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "a scratch folder");
    reads();
    broken();
    char path[300];
    snprintf(path, sizeof path, "%s/cases.txt", dir);
    unlink(path);
    rmdir(dir);
    CHECK_DONE();
}
