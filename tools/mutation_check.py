#!/usr/bin/python3
"""mutation_check.py: breaks, for each end-to-end script, the thing it checks (tests/mutations.txt) and reports whether the script then fails.

    tools/mutation_check.py [--only PATTERN] [--no-baseline] [--jobs N] [--table FILE] [--table-only]

Each line of the table names a script of tests/e2e/, a file of the tree and a literal mutation
(search text -> replacement text, every occurrence). The tool keeps a scratch copy of the tree
(never the working tree): $MUTATION_DIR, default ${TMPDIR:-/tmp}/tally-mutation-$USER, built
once with make -j N and afterwards only rebuilt where a mutation touched it. For each line it
  1. runs the script on the unbroken tree (the baseline: it must pass, or a kill proves nothing),
  2. applies the mutation, rebuilds, runs the script again,
  3. reports "killed" (the script failed), "SURVIVED" (it still passed) or "SKIPPED" (it printed
     only skips: no pass, and no kill either), and restores the file.
It exits 1 if any mutation survived or was only skipped, did not apply (the search text is gone: the table is
stale), did not build, or its script failed unbroken. `make mutation-check` runs it; it is
too slow for `make test` (each line rebuilds and runs a script twice). --table-only checks, in a
moment and without building, only that every line still applies (tests/e2e/mutations_table.sh).

Table lines (# starts a comment; fields separated by one TAB; REPLACE may be empty):
    SCRIPT <TAB> FILE <TAB> SEARCH <TAB> REPLACE
SEARCH and REPLACE are literal; \\n, \\t and \\\\ in them stand for a newline, a TAB and a
backslash. SEARCH "@rename" renames FILE to REPLACE; SEARCH "@delete" removes FILE.
"""
import argparse, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What the end-to-end scripts run: the binary, plugins, test plugins, tools, fault-injection
# binary, small-step csv plugin and fuzz replayers (make test-build without the unit tests).
BUILD_TARGET = "e2e-build"
SCRIPT_TIMEOUT = 900


def unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_table(path):
    """Returns [(lineno, script, file, search, replace)]; a malformed line stops the run."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4:
                sys.exit("%s:%d: want 4 TAB-separated fields (script, file, search, replace), got %d"
                         % (path, n, len(fields)))
            rows.append((n, fields[0], fields[1], unescape(fields[2]), unescape(fields[3])))
    return rows


def stale_rows(rows, root):
    """The table's lines that cannot apply to the tree at root, as (lineno, why): the file is
    gone, or the search text is no longer in it (checked without building anything)."""
    out = []
    for n, script, path, search, replace in rows:
        full = os.path.join(root, path)
        if not os.path.isfile(full):
            out.append((n, "%s: no file %s" % (script, path)))
        elif search not in ("@rename", "@delete") and search not in open(full, encoding="utf-8").read():
            out.append((n, "%s: search text not in %s: %s" % (script, path, show(search)[:60])))
    return out


def tree_files():
    """The working tree's files as git sees them: tracked and untracked, not ignored."""
    out = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=ROOT,
                         check=True, stdout=subprocess.PIPE).stdout.decode()
    return sorted(p for p in out.split("\0") if p and os.path.isfile(os.path.join(ROOT, p)))


def sync(scratch):
    """Copies into scratch the files that differ (keeping unchanged files' times, so the
    scratch build stays incremental) and removes files the working tree no longer has."""
    files = tree_files()
    manifest = os.path.join(scratch, ".mutation-manifest")
    old = set(open(manifest).read().split("\0")) if os.path.exists(manifest) else set()
    copied = 0
    for p in files:
        src, dst = os.path.join(ROOT, p), os.path.join(scratch, p)
        if os.path.exists(dst) and open(src, "rb").read() == open(dst, "rb").read():
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        os.utime(dst)  # newer than any object built from the old text
        copied += 1
    for p in old - set(files) - {""}:
        if os.path.exists(os.path.join(scratch, p)):
            os.remove(os.path.join(scratch, p))
    open(manifest, "w").write("\0".join(files))
    return copied


def unit_tests_of(script):
    """The unit test binaries a script runs (it names them, e.g. csv_small_steps.sh): built too."""
    text = open(os.path.join(ROOT, "tests/e2e", script), encoding="utf-8").read()
    names = set(re.findall(r"\b(test_[a-z0-9_]+)\b", text))
    return sorted("build/tests/" + n for n in names if os.path.isfile(os.path.join(ROOT, "tests/unit", n + ".c")))


def make(scratch, jobs, log, extra=()):
    targets = [BUILD_TARGET] + list(extra)
    with open(log, "a") as f:
        f.write("\n# make %s (%s)\n" % (" ".join(targets), time.strftime("%H:%M:%S")))
        f.flush()
        # WERROR= : a mutation may leave a parameter unused; a warning must not stop its build
        r = subprocess.run(["make", "-j%d" % jobs, "--no-print-directory", "BUILD=build", "WERROR="] + targets,
                           cwd=scratch, stdout=f, stderr=subprocess.STDOUT)
    return r.returncode == 0


def run_script(scratch, script, log):
    """("fail", why) when tests/lib/run_one.sh counts the script failed (a non-zero exit, a "not ok"
    line, or no check printed at all); ("skipped", why) when it printed only skips, which is neither
    a pass nor a failure; else ("pass", "")."""
    env = dict(os.environ, BUILD="build", TALLY="build/tally", TALLY_PLUGIN_PATH="")
    start = time.time()
    try:
        r = subprocess.run(["sh", script], cwd=scratch, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=SCRIPT_TIMEOUT)
        out, rc = r.stdout.decode(errors="replace"), r.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace") + "\n# timed out\n", 124
    lines = out.splitlines()
    failed = [l for l in lines if l.startswith("not ok")]
    skips = [l for l in lines if re.match(r"ok - .*# SKIP", l)]
    checks = [l for l in lines if l.startswith("ok - ") and l not in skips]
    with open(log, "a") as f:
        f.write("\n# sh %s: exit %d, %.0f s\n%s\n" % (script, rc, time.time() - start, out))
    if failed:
        return "fail", failed[0]
    if rc:
        return "fail", "exit %d" % rc
    if not checks and not skips:
        return "fail", "printed no check"
    if not checks:
        return "skipped", "every check skipped: " + skips[0]
    return "pass", ""


class Mutation:
    """Applies one table line to the scratch tree; undo() puts the file back (with a new time,
    so that make rebuilds what the mutation built)."""

    def __init__(self, scratch, path, search, replace):
        self.scratch, self.path, self.search, self.replace = scratch, path, search, replace
        self.full = os.path.join(scratch, path)
        self.saved = None

    def apply(self):
        if not os.path.isfile(self.full):
            return "no file %s" % self.path
        self.saved = open(self.full, "rb").read()
        if self.search == "@delete":
            os.remove(self.full)
            return None
        if self.search == "@rename":
            dst = os.path.join(self.scratch, self.replace)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            os.rename(self.full, dst)
            return None
        text = self.saved.decode("utf-8")
        if self.search not in text:
            self.saved = None
            return "search text not in %s (the table is stale)" % self.path
        with open(self.full, "w", encoding="utf-8") as f:
            f.write(text.replace(self.search, self.replace))
        return None

    def undo(self):
        if self.saved is None:
            return
        if self.search == "@rename":
            os.remove(os.path.join(self.scratch, self.replace))
        with open(self.full, "wb") as f:
            f.write(self.saved)
        self.saved = None


def show(text):
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="only the scripts whose name contains this (several: a,b)")
    ap.add_argument("--no-baseline", action="store_true", help="do not run each script unbroken first")
    ap.add_argument("--jobs", type=int, default=2, help="make -jN for the scratch build (default 2)")
    ap.add_argument("--table", default=os.path.join(ROOT, "tests/mutations.txt"))
    ap.add_argument("--table-only", action="store_true",
                    help="only check that every line still applies to the working tree (fast; make test runs it)")
    args = ap.parse_args()

    rows = read_table(args.table)
    if args.table_only:
        stale = stale_rows(rows, ROOT)
        for n, why in stale:
            print("not ok - %s:%d: %s (the table is stale)" % (args.table, n, why))
        print("# %d mutations, %d stale" % (len(rows), len(stale)))
        return 1 if stale else 0
    scripts = sorted(os.path.basename(p) for p in os.listdir(os.path.join(ROOT, "tests/e2e")) if p.endswith(".sh"))
    uncovered = [s for s in scripts if s not in {r[1] for r in rows}]
    unknown = sorted({r[1] for r in rows} - set(scripts))
    rows = [r for r in rows if any(p in r[1] for p in args.only.split(","))]

    scratch = os.environ.get("MUTATION_DIR") or os.path.join(
        os.environ.get("TMPDIR", "/tmp"), "tally-mutation-%s" % os.environ.get("USER", os.getuid()))
    os.makedirs(scratch, exist_ok=True)
    log = os.path.join(scratch, "mutation.log")
    open(log, "w").close()
    print("# scratch tree %s (log: %s); %d files refreshed" % (scratch, log, sync(scratch)), flush=True)
    if not make(scratch, args.jobs, log):
        print("not ok - the unbroken scratch tree does not build (see %s)" % log)
        return 1

    bad = 0
    baseline = {}
    print("| script | mutation | result |\n|---|---|---|", flush=True)
    for n, script, path, search, replace in rows:
        spath = "tests/e2e/" + script
        where = "`%s`: `%s` -> `%s`" % (path, show(search)[:70].replace("|", "\\|"), show(replace)[:70].replace("|", "\\|"))
        units = unit_tests_of(script)
        if not args.no_baseline and script not in baseline:
            if not make(scratch, args.jobs, log, units):
                print("not ok - the scratch tree does not build after restoring (see %s)" % log)
                return 1
            baseline[script] = run_script(scratch, spath, log)
        if not args.no_baseline and baseline[script][0] != "pass":
            print("| %s | %s | BASELINE-FAILS (%s) |" % (script, where, baseline[script][1]), flush=True)
            bad += 1
            continue
        m = Mutation(scratch, path, search, replace)
        err = m.apply()
        if err:
            print("| %s | %s | NOT-APPLIED (line %d: %s) |" % (script, where, n, err), flush=True)
            bad += 1
            continue
        try:
            if not make(scratch, args.jobs, log, units):
                print("| %s | %s | BUILD-FAILED (line %d; see %s) |" % (script, where, n, log), flush=True)
                bad += 1
                continue
            result, why = run_script(scratch, spath, log)
        finally:
            m.undo()
        if result == "pass":
            print("| %s | %s | SURVIVED |" % (script, where), flush=True)
            bad += 1
        elif result == "skipped":  # a skip is no pass, and no kill either
            print("| %s | %s | SKIPPED (%s) |" % (script, where, why[:90].replace("|", "\\|")), flush=True)
            bad += 1
        else:
            print("| %s | %s | killed: %s |" % (script, where, why[:90].replace("|", "\\|")), flush=True)
    make(scratch, args.jobs, log)  # leave the scratch build unbroken for the next run

    if uncovered and not args.only:
        print("not ok - scripts with no mutation in the table: %s" % " ".join(uncovered))
        bad += 1
    if unknown:
        print("not ok - the table names scripts tests/e2e/ does not have: %s" % " ".join(unknown))
        bad += 1
    print("# %d mutations, %d not killed or not run" % (len(rows), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
