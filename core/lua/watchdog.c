/* watchdog.c: wall-clock limits that hold while C code runs: an interval timer stops Lua at its next instruction, then ends the process. */
#include "watchdog.h"
#include "parallel.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* One stage being watched. A stage beside others (parallel.h) runs on a thread with
 * SIGALRM blocked, so the handler runs on the main thread while that thread may be
 * filling its slot: a slot counts only once `active` is set, after everything else. */
typedef struct wd_slot {
    volatile sig_atomic_t active;
    double stage_end;        /* 0: no limit */
    long long stage_seconds;
    double kill_at;          /* the stage was interrupted; past this the process ends */
    tally_sandbox *sb;
    char what[400];          /* "stage 'x' (config.lua:3)" */
    char stage_msg[800];
} wd_slot;

/* What the signal handler reads: set with SIGALRM blocked, so it never sees half of it,
 * and under `lock`, so that two stages' threads never write it at once. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    double run_end;          /* 0: no run limit */
    long long run_seconds;
    wd_slot slot[TALLY_PAR_MAX_PARTS];
    char run_msg[600];
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

/* Arms the timer for the earliest pending moment (a deadline or a kill time). */
static void rearm(double now)
{
    double next = wd.run_end;
    for (int i = 0; i < TALLY_PAR_MAX_PARTS; i++) {
        const wd_slot *s = &wd.slot[i];
        if (!__atomic_load_n(&s->active, __ATOMIC_ACQUIRE)) continue;
        double at = s->kill_at ? s->kill_at : s->stage_end;
        if (at > 0 && (next == 0 || at < next)) next = at;
    }
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
    for (int i = 0; i < TALLY_PAR_MAX_PARTS; i++) {
        wd_slot *s = &wd.slot[i];
        if (!__atomic_load_n(&s->active, __ATOMIC_ACQUIRE)) continue;
        if (s->kill_at > 0 && now >= s->kill_at) say_and_exit(s->stage_msg);
        if (s->stage_end > 0 && now >= s->stage_end && s->sb && !s->kill_at) {
            tally_sandbox_interrupt(s->sb); /* the next Lua instruction raises the error */
            s->kill_at = now + TALLY_WATCHDOG_GRACE;
        }
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

/* The run's message names the first stage being watched, if any. */
static void run_message(void)
{
    const char *what = "";
    for (int i = 0; i < TALLY_PAR_MAX_PARTS && !what[0]; i++)
        if (__atomic_load_n(&wd.slot[i].active, __ATOMIC_ACQUIRE)) what = wd.slot[i].what;
    snprintf(wd.run_msg, sizeof wd.run_msg, "tally: the run took longer than --timeout %lld s%s%s%s\n", wd.run_seconds,
             what[0] ? " (in " : "", what, what[0] ? "); nothing was written" : "; stopped");
}

void tally_watchdog_run(long long seconds)
{
    if (seconds <= 0) return;
    sigset_t old;
    block_alarm(&old);
    pthread_mutex_lock(&lock);
    install();
    wd.run_seconds = seconds;
    wd.run_end = tally_watchdog_now() + (double)seconds;
    run_message();
    rearm(tally_watchdog_now());
    pthread_mutex_unlock(&lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* A free slot, claimed for sb; NULL when every slot is taken (more stages at once than
 * tally_par_tasks runs: then only the sandbox's own clock check holds). */
static wd_slot *claim(tally_sandbox *sb)
{
    for (int i = 0; i < TALLY_PAR_MAX_PARTS; i++) {
        tally_sandbox *none = NULL;
        if (__atomic_compare_exchange_n(&wd.slot[i].sb, &none, sb, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            return &wd.slot[i];
    }
    return NULL;
}

void tally_watchdog_stage_begin(tally_sandbox *sb, long long seconds, const char *what)
{
    sigset_t old;
    block_alarm(&old);
    pthread_mutex_lock(&lock);
    double end = seconds > 0 ? tally_watchdog_now() + (double)seconds : 0;
    sb->deadline = end;
    sb->time_limit = seconds;
    wd_slot *s = claim(sb);
    if (s) {
        snprintf(s->what, sizeof s->what, "%s", what ? what : "a stage");
        s->kill_at = 0;
        s->stage_seconds = seconds;
        s->stage_end = end;
        snprintf(s->stage_msg, sizeof s->stage_msg,
                 "tally: %s: time limit of %lld s exceeded inside a C function (a string function, a statistics kernel "
                 "or a lookup); raise max_seconds in the stage's config block if the work is genuine\n",
                 what ? what : "a stage", seconds);
        __atomic_store_n(&s->active, 1, __ATOMIC_RELEASE);
    }
    run_message();
    if (seconds > 0) install();
    rearm(tally_watchdog_now());
    pthread_mutex_unlock(&lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void tally_watchdog_stage_end(tally_sandbox *sb)
{
    sigset_t old;
    block_alarm(&old);
    pthread_mutex_lock(&lock);
    sb->deadline = 0;
    sb->time_limit = 0;
    for (int i = 0; i < TALLY_PAR_MAX_PARTS; i++) {
        wd_slot *s = &wd.slot[i];
        if (s->sb != sb) continue;
        __atomic_store_n(&s->active, 0, __ATOMIC_RELEASE);
        s->stage_end = 0;
        s->kill_at = 0;
        s->what[0] = '\0';
        __atomic_store_n(&s->sb, NULL, __ATOMIC_RELEASE);
    }
    run_message();
    if (wd.installed) rearm(tally_watchdog_now());
    pthread_mutex_unlock(&lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}
