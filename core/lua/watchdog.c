/* watchdog.c: wall-clock limits that hold while C code runs: an interval timer stops Lua at its next instruction, then ends the process. */
#include "watchdog.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* What the signal handler reads: set with SIGALRM blocked, so it never sees half of it. */
static struct {
    double run_end;          /* 0: no run limit */
    long long run_seconds;
    double stage_end;        /* 0: no stage running under a limit */
    long long stage_seconds;
    double kill_at;          /* the stage was interrupted; past this the process ends */
    tally_sandbox *sb;
    char what[400];          /* "stage 'x' (config.lua:3)" */
    char run_msg[600], stage_msg[800];
    int installed;
} wd;

double tally_watchdog_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say_and_exit(const char *msg)
{
    size_t n = strlen(msg);
    while (n) {
        ssize_t w = write(2, msg, n);
        if (w <= 0) break;
        msg += w;
        n -= (size_t)w;
    }
    _exit(1);
}

/* Arms the timer for the earliest pending moment (a deadline or the kill time). */
static void rearm(double now)
{
    double next = 0;
    double cands[3] = {wd.run_end, wd.kill_at ? wd.kill_at : wd.stage_end, 0};
    for (int i = 0; i < 2; i++)
        if (cands[i] > 0 && (next == 0 || cands[i] < next)) next = cands[i];
    struct itimerval it;
    memset(&it, 0, sizeof it);
    if (next > 0) {
        double d = next - now;
        if (d < 0.001) d = 0.001;
        it.it_value.tv_sec = (time_t)d;
        it.it_value.tv_usec = (suseconds_t)((d - (double)(time_t)d) * 1e6);
    }
    setitimer(ITIMER_REAL, &it, NULL);
}

static void on_alarm(int sig)
{
    (void)sig;
    double now = tally_watchdog_now();
    if (wd.run_end > 0 && now >= wd.run_end) say_and_exit(wd.run_msg);
    if (wd.kill_at > 0 && now >= wd.kill_at) say_and_exit(wd.stage_msg);
    if (wd.stage_end > 0 && now >= wd.stage_end && wd.sb && !wd.kill_at) {
        tally_sandbox_interrupt(wd.sb); /* the next Lua instruction raises the error */
        wd.kill_at = now + TALLY_WATCHDOG_GRACE;
    }
    rearm(now);
}

static void install(void)
{
    if (wd.installed) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    wd.installed = 1;
}

static void block_alarm(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &s, old);
}

static void run_message(void)
{
    snprintf(wd.run_msg, sizeof wd.run_msg, "tally: the run took longer than --timeout %lld s%s%s%s\n", wd.run_seconds,
             wd.what[0] ? " (in " : "", wd.what, wd.what[0] ? "); nothing was written" : "; stopped");
}

void tally_watchdog_run(long long seconds)
{
    if (seconds <= 0) return;
    sigset_t old;
    block_alarm(&old);
    install();
    wd.run_seconds = seconds;
    wd.run_end = tally_watchdog_now() + (double)seconds;
    run_message();
    rearm(tally_watchdog_now());
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void tally_watchdog_stage_begin(tally_sandbox *sb, long long seconds, const char *what)
{
    sigset_t old;
    block_alarm(&old);
    snprintf(wd.what, sizeof wd.what, "%s", what ? what : "a stage");
    run_message();
    wd.kill_at = 0;
    wd.sb = sb;
    wd.stage_seconds = seconds;
    wd.stage_end = seconds > 0 ? tally_watchdog_now() + (double)seconds : 0;
    sb->deadline = wd.stage_end;
    sb->time_limit = seconds;
    snprintf(wd.stage_msg, sizeof wd.stage_msg,
             "tally: %s: time limit of %lld s exceeded inside a C function (a string function, a statistics kernel or "
             "a lookup); raise max_seconds in the stage's config block if the work is genuine\n",
             wd.what, seconds);
    if (seconds > 0) install();
    rearm(tally_watchdog_now());
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void tally_watchdog_stage_end(void)
{
    sigset_t old;
    block_alarm(&old);
    if (wd.sb) {
        wd.sb->deadline = 0;
        wd.sb->time_limit = 0;
    }
    wd.sb = NULL;
    wd.stage_end = 0;
    wd.kill_at = 0;
    wd.what[0] = '\0';
    run_message();
    if (wd.installed) rearm(tally_watchdog_now());
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}
