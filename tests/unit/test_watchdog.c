/* test_watchdog.c: stages run side by side keep their own time limits: each stops at its own, and a C call stuck past its limit ends the run naming that stage. */
#include "check.h"
#include "config.h"
#include "lua_runtime.h"
#include "parallel.h"
#include "util.h"
#include "watchdog.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/tally-watchdog-XXXXXX";

/* One stage: its runtime, config (in the runtime's own state), script, outcome. */
typedef struct side {
    tally_runtime *rt;
    tally_config *cfg;
    char *script;
    tally_stage_status st;
    char *err;
    double seconds;
} side;

static void side_init(side *s, const char *name, const char *code, const char *opts)
{
    s->rt = tally_runtime_new(tally_report_new());
    s->script = xasprintf("%s/%s.lua", dir, name);
    FILE *f = fopen(s->script, "w");
    fputs(code, f);
    fclose(f);
    char *cfgpath = xasprintf("%s/%s.config.lua", dir, name);
    f = fopen(cfgpath, "w");
    fprintf(f, "report { title = \"t\" }\nstage \"%s.lua\" { %s }\n", name, opts);
    fclose(f);
    char *err = NULL;
    s->cfg = tally_config_load(tally_runtime_state(s->rt), cfgpath, NULL, 0, &err);
    if (!s->cfg) fprintf(stderr, "config: %s\n", err);
    free(cfgpath);
}

static void run_side(void *ctx, size_t t, size_t worker)
{
    (void)worker;
    side *s = &((side *)ctx)[t];
    double t0 = tally_watchdog_now();
    s->st = tally_runtime_run_stage(s->rt, s->cfg, &s->cfg->blocks[0], s->script, &s->err);
    s->seconds = tally_watchdog_now() - t0;
}

/* In a child: stage a loops in Lua under 30 s, stage b is stuck in string.find under 1 s;
 * the watchdog must end the process with b's message. Returns the child's stderr and status. */
static char *stuck_child(int *status)
{
    int fds[2];
    if (pipe(fds) != 0) return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        side s[2];
        side_init(&s[0], "loop", "while true do end", "max_seconds = 30, max_instructions = 0");
        side_init(&s[1], "stuck", "local s = string.rep(\"a\", 3000) local x = s:find(\".-.-.-.-.-b\")",
                  "max_seconds = 1, max_instructions = 0");
        tally_par_tasks(2, 2, run_side, s);
        _exit(0); /* not reached when the watchdog works */
    }
    close(fds[1]);
    sbuf out;
    sbuf_init(&out);
    char buf[4096];
    ssize_t n;
    struct pollfd p = {fds[0], POLLIN, 0};
    /* a watchdog that never fires must not hang the suite: 20 s, then the child is stopped */
    while (poll(&p, 1, 20000) > 0 && (n = read(fds[0], buf, sizeof buf)) > 0) sbuf_add(&out, buf, (size_t)n);
    kill(pid, SIGKILL);
    close(fds[0]);
    waitpid(pid, status, 0);
    return sbuf_take(&out);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    side s[2];
    side_init(&s[0], "one", "while true do end", "max_seconds = 1, max_instructions = 0");
    side_init(&s[1], "two", "while true do end", "max_seconds = 2, max_instructions = 0");
    tally_par_tasks(2, 2, run_side, s);
    CHECK(s[0].st == TALLY_STAGE_ERROR && s[1].st == TALLY_STAGE_ERROR, "two looping stages side by side both stop");
    CHECK_CONTAINS(s[0].err, "time limit of 1 s exceeded", "the first at its own limit (1 s)");
    CHECK_CONTAINS(s[1].err, "time limit of 2 s exceeded", "the second at its own limit (2 s)");
    CHECK_CONTAINS(s[0].err, "one.config.lua:2", "the first's message names its config line");
    CHECK(s[0].seconds >= 0.9 && s[0].seconds < 1.95, "the first ran about 1 s, not 2 (%.2f s)", s[0].seconds);
    CHECK(s[1].seconds >= 1.9 && s[1].seconds < 4, "the second ran about 2 s (%.2f s)", s[1].seconds);
    for (int k = 0; k < 2; k++) {
        tally_report *rep = tally_runtime_swap_report(s[k].rt, NULL);
        tally_config_free(s[k].cfg);
        tally_runtime_free(s[k].rt);
        tally_report_free(rep);
        free(s[k].script);
        free(s[k].err);
    }

    int status = 0;
    char *err = stuck_child(&status);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "a C call stuck past its limit beside another stage ends the run (exit 1)");
    CHECK_CONTAINS(err, "stage 'stuck.lua'", "the message names the stuck stage");
    CHECK_CONTAINS(err, "time limit of 1 s exceeded inside a C function", "with its own limit");
    CHECK(err && !strstr(err, "loop.lua"), "not the stage beside it");
    free(err);
    char *cmd = xasprintf("rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    free(cmd);
    return check_failures != 0;
}
