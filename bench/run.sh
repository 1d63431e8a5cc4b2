#!/bin/sh
# bench/run.sh: times tally against pandas + XlsxWriter, PSPP and the raw floor on the generated survey; writes bench/results.md.
#
# Environment: BUILD (default build), RUNS (default 5), PSPP_RUNS (default RUNS), SIZES (default "100k 1m";
# "100k 1m 5m" adds the linearity run), PEER_SIZES (the sizes pandas and PSPP run at, default "100k 1m":
# at 5m pandas needs about 9 GB and PSPP minutes a run), RESULTS (default bench/results.md), PY (default
# /usr/bin/python3). Run from the repository root, after `make` (`make bench` does both). Every tool runs
# RUNS times per size, interleaved, in one run; wall time and peak memory are taken around the process alone by
# tools/bench_spawn (posix_spawn to wait4; see why there). tally's CSV figures are taken with --no-cache; the full report both ways: cold
# (--no-cache: parsing) and from the column cache (written by one untimed run first).
set -eu

BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
PSPP_RUNS=${PSPP_RUNS:-$RUNS}
SIZES=${SIZES:-"100k 1m"}
PEER_SIZES=${PEER_SIZES-"100k 1m"}
RESULTS=${RESULTS:-bench/results.md}
PY=${PY:-/usr/bin/python3}
TALLY=$BUILD/tally
GEN=$BUILD/tools/gen_bench
SPAWN=$BUILD/tools/bench_spawn
WARM_MAPPED=$BUILD/tools/bench_warm
DATA=samples/bench
ROOT=$(pwd)

for f in "$TALLY" "$GEN" "$SPAWN" "$WARM_MAPPED"; do
  [ -x "$f" ] || { echo "bench: $f is missing (run make BUILD=$BUILD all $GEN $SPAWN $WARM_MAPPED)" >&2; exit 1; }
done
have_pspp=0; command -v pspp >/dev/null 2>&1 && have_pspp=1
have_pandas=0; "$PY" -c 'import pandas, xlsxwriter' 2>/dev/null && have_pandas=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tally-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SAMPLES=$WORK/samples
: >"$SAMPLES"

# warm FILE: FILE in the page cache as a read from disk leaves it: its cached pages written out and dropped (sync, dd's nocache), then
# the whole file read. A file just written in small pieces, or while memory was fragmented, can lie in the page
# cache in 4 KB pages, which every tool reads 2 to 4 times slower than the large pages a read fills (the 1M
# file: cat 0.028 s against 0.010, tally's cold report 0.176 against 0.160 s; ext4, Linux 6.16); the figures
# would otherwise depend on how and when the file was written. Where dd cannot drop, the file is only read.
warm() { sync "$1" 2>/dev/null || :; dd if="$1" iflag=nocache count=0 status=none 2>/dev/null || :; cat "$1" >/dev/null; }
# hot FILE...: the files read whole, untimed, right before a task that reads them: this host's reclaim (DAMON
# pageout) drops file pages left alone for about a minute, so a peer's long run (PSPP: 25 s at 1m) could leave
# the next task reading its data from disk. Every tool's data is in the page cache when its timing starts.
hot() { for f in "$@"; do [ -f "$f" ] && cat "$f" >/dev/null; done; return 0; }
peer() { case " $PEER_SIZES " in *" $1 "*) return 0 ;; esac; return 1; } # pandas and PSPP run at size $1
rows_of() { case $1 in *k) echo $((${1%k} * 1000)) ;; *m) echo $((${1%m} * 1000000)) ;; *) echo "$1" ;; esac; }

load0=$(cut -d' ' -f1-3 /proc/loadavg) # other work on the machine skews the figures: recorded with them

# ---- data and jobs, prepared outside the timing ---------------------------------------------------
for size in $SIZES; do
  csv=$DATA/survey-$size.csv
  if [ ! -s "$csv" ]; then
    echo "bench: generating $csv" >&2
    "$GEN" --rows "$(rows_of "$size")" --out "$csv"
  fi
  # PSPP cannot read newlines inside quoted fields: it reads a copy with those newlines as spaces.
  [ $have_pspp = 1 ] && peer "$size" && "$GEN" --rows "$(rows_of "$size")" --flat --out "$WORK/flat-$size.csv" &&
    "$GEN" --pspp "$WORK/peer-$size.sps" --pspp-data "$WORK/flat-$size.csv"
  for job in load freq1; do
    {
      echo "report { title = \"bench $job\" }"
      echo "input \"survey\" { path = \"$ROOT/$csv\", codebook = \"$ROOT/$DATA/bench.codebook.lua\" }"
      [ $job = freq1 ] && echo 'stage "frequencies" { dataset = "survey", variables = { "region" }, weight = false }'
      :
    } >"$WORK/$job-$size.lua"
  done
  mkdir -p "$WORK/tally-$size" "$WORK/pandas-$size" "$WORK/pspp-$size"
  warm "$csv"
  # the column cache the cached runs read, written outside the timing (beside the output folder)
  "$TALLY" -q run config/bench.lua --set size="$size" --outdir "$WORK/cached-$size/out" >/dev/null
done

# measure SIZE TASK CMD...: one timed run; stdout is discarded, stderr kept in $WORK/stderr.
measure() {
  size=$1; task=$2; shift 2
  if ! "$SPAWN" "$WORK/took" "$@" >/dev/null 2>"$WORK/stderr"; then
    echo "bench: $task ($size) failed: $*" >&2; sed 's/^/  /' "$WORK/stderr" | tail -20 >&2; exit 1
  fi
  read -r us kb <"$WORK/took"
  echo "$size $task $us $kb" >>"$SAMPLES"
}

# step SIZE TASK FROM TO: the time between two `tally -v` step lines of the last run, as a sample.
step() {
  awk -v from="$3" -v to="$4" -v size="$1" -v task="$2" '
    { gsub(/[\[\]]/, ""); }
    index($0, from) && t0 == "" { t0 = $2 }
    index($0, to) && t0 != "" && t1 == "" { t1 = $2 }
    END { if (t0 != "" && t1 != "") printf "%s %s %d 0\n", size, task, (t1 - t0) * 1e6 }' "$WORK/stderr" >>"$SAMPLES"
}

run=1
stamped=0 hashed=0 # how the cached runs knew the data file unchanged
while [ $run -le "$RUNS" ]; do
  for size in $SIZES; do
    csv=$DATA/survey-$size.csv
    echo "bench: run $run/$RUNS, $size" >&2
    hot "$csv"
    measure "$size" floor_cat sh -c 'exec cat "$1" >/dev/null' sh "$csv"
    measure "$size" floor_wc wc -l "$csv"
    # one untimed run first (as hyperfine's --warmup): the first process after the peers' runs and their
    # idle seconds meets cold memory and pages on this host (the 1M load step 0.12 s, then 0.22 and 0.29 s
    # in two such rounds, the run after it 0.16 and 0.19 s, the third 0.12 and 0.13 s)
    "$TALLY" -q run --no-cache "$WORK/load-$size.lua" >/dev/null 2>&1 || :
    measure "$size" tally_load "$TALLY" -v run --no-cache "$WORK/load-$size.lua"
    step "$size" tally_load_step "reading input" "read input"
    measure "$size" tally_freq1 "$TALLY" -v run --no-cache "$WORK/freq1-$size.lua"
    step "$size" tally_freq1_load_step "reading input" "read input"
    step "$size" tally_freq1_step "running stage" "done"
    measure "$size" tally_full "$TALLY" -v run --no-cache config/bench.lua --set size="$size" --outdir "$WORK/tally-$size"
    step "$size" tally_stages_cold_step "running stage" "writing output 'markdown'"
    # the cache file back in the page cache as tally's own read leaves it (tools/bench_warm.c says why not cat)
    hot "$csv"
    "$WARM_MAPPED" "$WORK/cached-$size"/.tally-cache/*.tcache
    measure "$size" tally_full_cached "$TALLY" -v run config/bench.lua --set size="$size" --outdir "$WORK/cached-$size/out"
    grep -q "read input 'survey' from the cache" "$WORK/stderr" ||
      { echo "bench: the cached full report ($size) did not read the cache" >&2; exit 1; }
    # hashed: the data file read for its content hash (no stamp in the cache, or one that does not hold)
    if grep -q "the data file not hashed again" "$WORK/stderr"; then stamped=$((stamped + 1)); else hashed=$((hashed + 1)); fi
    step "$size" tally_cache_step "reading input" "read input 'survey':"
    step "$size" tally_stages_step "running stage" "writing output 'markdown'"
    # the same, the cache file dropped and read back by cat (the small pages a plain read leaves)
    warm "$WORK/cached-$size"/.tally-cache/*.tcache
    measure "$size" tally_full_cached_cat "$TALLY" -v run config/bench.lua --set size="$size" --outdir "$WORK/cached-$size/out"
    grep -q "read input 'survey' from the cache" "$WORK/stderr" ||
      { echo "bench: the cached full report after cat ($size) did not read the cache" >&2; exit 1; }
    step "$size" tally_cache_cat_step "reading input" "read input 'survey':"
    measure "$size" tally_tabbook "$TALLY" -v run --no-cache config/bench-tabbook.lua --set size="$size" --outdir "$WORK/tabbook-$size"
    step "$size" tally_tabbook_step "running stage" "writing output 'markdown'"
    if [ $have_pandas = 1 ] && peer "$size"; then
      hot "$csv"
      measure "$size" pandas_load "$PY" bench/peer_pandas.py --load "$csv"
      awk -v size="$size" '/^read_csv / { printf "%s pandas_read_csv %d 0\n", size, $2 * 1e6 }' "$WORK/stderr" >>"$SAMPLES"
      measure "$size" pandas_full "$PY" bench/peer_pandas.py "$csv" "$DATA/bench.codebook.lua" "$WORK/pandas-$size"
    fi
    if [ $have_pspp = 1 ] && [ $run -le "$PSPP_RUNS" ] && peer "$size"; then
      hot "$WORK/flat-$size.csv"
      measure "$size" pspp_full pspp -O format=txt -o "$WORK/pspp-$size/out.txt" "$WORK/peer-$size.sps"
      if grep -q ' error: ' "$WORK/pspp-$size/out.txt"; then
        echo "bench: PSPP reported errors:" >&2; grep ' error: ' "$WORK/pspp-$size/out.txt" | head >&2; exit 1
      fi
    fi
  done
  run=$((run + 1))
done

# ---- summary -------------------------------------------------------------------------------------
bytes_of() { wc -c <"$DATA/survey-$1.csv" | tr -d ' '; }
sizes_bytes=""
for size in $SIZES; do sizes_bytes="$sizes_bytes $size=$(bytes_of "$size")"; done

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
pyv=$("$PY" -c 'import sys, pandas, numpy, xlsxwriter
try:
    import scipy; s = scipy.__version__
except ImportError:
    s = "absent"
print("Python %d.%d.%d, pandas %s, NumPy %s, XlsxWriter %s, SciPy %s" % (sys.version_info[:3] + (pandas.__version__, numpy.__version__, xlsxwriter.__version__, s)))' 2>/dev/null || echo "pandas absent")
psppv=$(pspp --version 2>/dev/null | head -n 1 || echo "PSPP absent")

awk -v stamped="$stamped" -v hashed="$hashed" -v sizes="$SIZES" -v peers="$PEER_SIZES" -v bytes="$sizes_bytes" -v runs="$RUNS" -v pspp_runs="$PSPP_RUNS" \
    -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" -v nproc="$(nproc)" -v cpu="$cpu" -v mem="$mem" \
    -v kernel="$(uname -sr)" -v load="$load0" -v tallyv="$("$TALLY" --version)" -v pyv="$pyv" -v psppv="$psppv" \
    -v ccv="$(${CC:-cc} --version 2>/dev/null | head -n 1)" '
function sort_(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
function stat(key, what,   n, i, a) {
  n = cnt[key]; if (!n) return ""
  for (i = 1; i <= n; i++) a[i] = (what == "rss" ? rss[key, i] : us[key, i])
  sort_(a, n)
  if (what == "min") return a[1]
  if (what == "max") return a[n]
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function sec(key, what,   v) { v = stat(key, what); return v == "" ? "" : v / 1e6 }
function fmt(v) { return v == "" ? "n/a" : sprintf(v < 0.1 ? "%.4f" : "%.3f", v) }
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "" : a / b }
function fr(v, d) { return v == "" ? "n/a" : sprintf("%." d "f", v) }
function verdict(ok) { return ok == "" ? "not measured" : (ok ? "**holds**" : "**does not hold**") }
{ key = $1 SUBSEP $2; n = ++cnt[key]; us[key, n] = $3; rss[key, n] = $4 }
END {
  ns = split(sizes, S, " "); split(bytes, B, " ")
  for (i in B) { split(B[i], kv, "="); sz[kv[1]] = kv[2] }
  nt = split("floor_cat floor_wc tally_load tally_load_step pandas_load pandas_read_csv tally_freq1_step tally_full tally_stages_cold_step tally_full_cached tally_cache_step tally_stages_step tally_full_cached_cat tally_cache_cat_step tally_tabbook tally_tabbook_step pandas_full pspp_full", T, " ")
  desc["floor_cat"] = "floor: `cat FILE >/dev/null`"; desc["floor_wc"] = "floor: `wc -l FILE`"
  desc["tally_load"] = "tally: load only (process)"; desc["tally_load_step"] = "tally: load step (`-v`)"
  desc["pandas_load"] = "pandas: load only (process)"; desc["pandas_read_csv"] = "pandas: `read_csv` call alone"
  desc["tally_freq1_step"] = "tally: one frequency table (`-v` step)"
  desc["tally_full"] = "**tally: full report, cold** (`--no-cache`: parsing; md + xlsx)"; desc["pandas_full"] = "**pandas + XlsxWriter: full report**"
  desc["pspp_full"] = "**PSPP: full job** (text output)"
  desc["tally_full_cached"] = "**tally: full report from the column cache** (md + xlsx; " \
    (hashed ? "the data file hashed in " hashed " of " hashed + stamped " runs" : "the data file\047s content hash from the cache\047s stamp") ")"
  desc["tally_cache_step"] = "tally: load from the column cache (`-v` step)"
  desc["tally_full_cached_cat"] = "tally: full report from the column cache, the cache file read back by `cat` first (small pages)"
  desc["tally_cache_cat_step"] = "tally: load from the column cache so (`-v` step)"
  desc["tally_stages_step"] = "tally: the ten stages of the cached full report, side by side (`-v` step)"
  desc["tally_stages_cold_step"] = "tally: the ten stages of the cold full report, side by side (`-v` step)"
  desc["tally_tabbook"] = "**tally: tab book**, every question by a 10-column banner (md + xlsx + html + json)"
  desc["tally_tabbook_step"] = "tally: tab book stage alone (`-v` step)"
  print "# Benchmark results: tally vs pandas + XlsxWriter vs PSPP"
  print ""
  print "Written by `bench/run.sh` (`make bench`). Do not edit by hand; rerun instead."
  print ""
  print "- Date: " date
  print "- Machine: " cpu ", " nproc " cores (`nproc`), " mem " memory, " kernel "; load average before the run: " load
  print "- Versions: " tallyv " (built with " ccv "); " pyv "; " psppv
  printf "- Data: `tools/gen_bench` survey, 57 variables;"
  for (i = 1; i <= ns; i++) printf " %s = %.1f MB", S[i], sz[S[i]] / 1e6
  print ""
  print "- Page cache: each data file dropped from it (`dd iflag=nocache`) and read back whole before the runs, so it lies there as a read from disk leaves it, whenever and however it was written; read whole again, untimed, right before each task that reads it (this host drops file pages left alone for about a minute); the first tally task of each round and size follows one untimed run of it (the first process after the runs of the peers meets cold memory and pages here); the column cache file, which only tally reads, is dropped and read back through a mapping advised for 2 MB pages before each cached run, as tally reads it (`tools/bench_warm`; `cat` leaves it in the small pages a plain read makes: the row read back by `cat` times that too)"
  print "- Runs: " runs " of each task per size, interleaved (PSPP: " pspp_runs "); median, min and max wall seconds; peak RSS is the median of the maximum resident set size; both taken around the process alone by `tools/bench_spawn` (posix_spawn to wait4: `/bin/true` takes under 2 ms so, where `date` around `/usr/bin/time` took 13 to 14 ms)"
  print ""
  print "| size | task | median s | min s | max s | peak RSS MB | MB/s |"
  print "|---|---|---:|---:|---:|---:|---:|"
  for (i = 1; i <= ns; i++) for (t = 1; t <= nt; t++) {
    k = S[i] SUBSEP T[t]; if (!cnt[k]) continue
    m = sec(k, "med"); r = stat(k, "rss")
    printf "| %s | %s | %s | %s | %s | %s | %s |\n", S[i], desc[T[t]], fmt(m), fmt(sec(k, "min")), fmt(sec(k, "max")),
      (r > 0 ? sprintf("%.0f", r / 1024) : ""), (T[t] ~ /load|read_csv|floor/ && m > 0 ? sprintf("%.0f", sz[S[i]] / 1e6 / m) : "")
  }
  # the ratios are taken at 1m (the peers run there) when it was run, else at the largest size
  big = S[ns]; small = S[1]; for (i = 1; i <= ns; i++) if (S[i] == "1m") big = S[i]
  tf = sec(big SUBSEP "tally_full", "med"); pf = sec(big SUBSEP "pandas_full", "med"); sf = sec(big SUBSEP "pspp_full", "med")
  tr = stat(big SUBSEP "tally_full", "rss"); pr = stat(big SUBSEP "pandas_full", "rss")
  tl = sec(big SUBSEP "tally_load", "med"); pl = sec(big SUBSEP "pandas_read_csv", "med")
  ts = sec(small SUBSEP "tally_full", "med"); fq = sec(big SUBSEP "tally_freq1_step", "med"); ld = sec(big SUBSEP "tally_freq1_load_step", "med")
  tb = sec(big SUBSEP "tally_tabbook_step", "med"); lt = sec(big SUBSEP "tally_load_step", "med"); r7 = ratio(tb, lt)
  r1 = ratio(tf, pf); r2 = ratio(tf, sf); r3 = ratio(tr, pr); r4 = ratio(pl, tl); r5 = (big != small ? ratio(tf, ts) : ""); r6 = ratio(fq, ld)
  print ""
  print "## Ratios at " big " (medians)"
  print ""
  print "| figure | measured | target | verdict |"
  print "|---|---:|---:|---|"
  printf "| tally / pandas, full report wall time (cold) | %s | <= 0.100 | %s |\n", fr(r1, 3), verdict(r1 == "" ? "" : r1 <= 0.1)
  printf "| tally / PSPP, full report wall time (cold) | %s | <= 0.010 | %s |\n", fr(r2, 4), verdict(r2 == "" ? "" : r2 <= 0.01)
  printf "| tally / pandas, peak memory | %s | <= 0.250 | %s |\n", fr(r3, 3), verdict(r3 == "" ? "" : r3 <= 0.25)
  printf "| pandas `read_csv` / tally load (speed-up) | %s | >= 10 | %s |\n", fr(r4, 2), verdict(r4 == "" ? "" : r4 >= 10)
  printf "| tally full report, %s / %s time | %s | <= 12 | %s |\n", big, small, fr(r5, 2), verdict(r5 == "" ? "" : r5 <= 12)
  printf "| one frequency table / load, tally `-v` steps | %s%% | < 1%% | %s |\n", fr(r6 == "" ? "" : r6 * 100, 2), verdict(r6 == "" ? "" : r6 < 0.01)
  printf "| tab book stage / load, tally `-v` steps | %s | < 1 | %s |\n", fr(r7, 2), verdict(r7 == "" ? "" : r7 < 1)
  # issue 19: absolute targets at 1m, and linear growth to 5m
  tc = sec(big SUBSEP "tally_full_cached", "med"); rc = stat(big SUBSEP "tally_full_cached", "rss")
  gbs = (lt > 0 ? sz[big] / 1e9 / lt : ""); rssmax = (tr > rc ? tr : rc)
  t5 = sec("5m" SUBSEP "tally_full", "med"); r8 = ((big == "1m" && t5 != "") ? ratio(t5, tf) : "")
  print ""
  print "## Speed targets at " big " (medians)"
  print ""
  print "| figure | measured | target | verdict |"
  print "|---|---:|---:|---|"
  printf "| full report, cold (`--no-cache`) | %s s | <= 0.200 s | %s |\n", fmt(tf), verdict(tf == "" ? "" : tf <= 0.2)
  printf "| full report from the column cache | %s s | <= 0.050 s | %s |\n", fmt(tc), verdict(tc == "" ? "" : tc <= 0.05)
  printf "| CSV read with the codebook (`-v` load step of a config that only reads, two cores; without it: the block below) | %s GB/s | >= 1.00 GB/s | %s |\n", fr(gbs, 2), verdict(gbs == "" ? "" : gbs >= 1)
  printf "| peak memory, full report (cold or cached) | %s MB | <= 200 MB | %s |\n", (rssmax > 0 ? sprintf("%.0f", rssmax / 1024) : "n/a"), verdict(rssmax > 0 ? rssmax / 1024 <= 200 : "")
  printf "| full report cold, 5m / 1m time (linear: 5) | %s | <= 5.50 | %s |\n", fr(r8, 2), verdict(r8 == "" ? "" : r8 <= 5.5)
  print ""
  print "tally runs with --no-cache except in the rows that say the column cache; the cached rows read a cache one"
  print "untimed run wrote. pandas and PSPP run at " peers " only. 5m / 1m is not measured unless SIZES has both."
  print "The tally load is the whole process (start, config, CSV parse, codebook), against the `read_csv` call"
  print "alone timed inside Python (without interpreter start and imports), so the ratio is conservative."
  print "PSPP 1.6 has MRSETS but neither MULT RESPONSE nor CTABLES: its job counts the items of the sets"
  print "with FREQUENCIES; it reads a copy of the data with the newlines inside quoted fields"
  print "replaced by spaces, made outside the timing."
}' "$SAMPLES" >"$WORK/results.md"

# ---- CSV read alone: a cold parse (--no-cache, no codebook), each classification kernel ----------
# The `-v` load step of a config that reads the CSV and nothing else, in MB/s, for the kernel this CPU
# picks and for TALLY_CSV_KERNEL=portable (issue 19's target: at least 1 GB/s on two cores). Runs
# interleaved, RUNS of each; the load average is taken before and after the block.
csvread_load0=$(cut -d' ' -f1-3 /proc/loadavg)
CSVREAD=$WORK/csvread
: >"$CSVREAD"
for size in $SIZES; do
  echo "input \"survey\" { path = \"$ROOT/$DATA/survey-$size.csv\" }" >"$WORK/csvread-$size.lua"
done
best_kernel=$("$TALLY" -v run --no-cache "$WORK/csvread-$(echo $SIZES | cut -d' ' -f1).lua" 2>&1 >/dev/null |
  sed -n 's/.*tokenizer kernel \([a-z0-9]*\).*/\1/p' | head -n 1)
run=1
while [ $run -le "$RUNS" ]; do
  for size in $SIZES; do
    for kernel in "${best_kernel:-best}" portable; do
      echo "bench: csv read, run $run/$RUNS, $size, $kernel" >&2
      if [ "$kernel" = portable ]; then
        measure "$size" "csvread_proc_$kernel" env TALLY_CSV_KERNEL=portable "$TALLY" -v run --no-cache "$WORK/csvread-$size.lua"
      else
        measure "$size" "csvread_proc_$kernel" "$TALLY" -v run --no-cache "$WORK/csvread-$size.lua"
      fi
      step "$size" "csvread_step_$kernel" "reading input" "read input"
    done
  done
  run=$((run + 1))
done
grep ' csvread_' "$SAMPLES" >"$CSVREAD"
awk -v sizes="$SIZES" -v bytes="$sizes_bytes" -v load0="$csvread_load0" -v load1="$(cut -d' ' -f1-3 /proc/loadavg)" \
    -v nproc="$(nproc)" '
function med(key,   n, i, j, t, a) {
  n = cnt[key]; if (!n) return ""
  for (i = 1; i <= n; i++) a[i] = us[key, i]
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) / 1e6
}
{ key = $1 SUBSEP $2; n = ++cnt[key]; us[key, n] = $3; if (!(($2) in seen)) { seen[$2] = 1; order[++nk] = $2 } }
END {
  ns = split(sizes, S, " "); split(bytes, B, " ")
  for (i in B) { split(B[i], kv, "="); sz[kv[1]] = kv[2] }
  print ""
  print "## CSV read alone (cold parse, no codebook)"
  print ""
  print "`tally -v run --no-cache` of a config that only reads the file; the step is `reading input` to `read input`"
  print "(the csv plugin: check, tokenize on " nproc " threads, merge), the process is the whole run. Medians of the runs,"
  print "interleaved; load average " load0 " before this block, " load1 " after."
  print ""
  print "| size | kernel | read step s | MB/s | process s | MB/s (process) | >= 1000 MB/s |"
  print "|---|---|---:|---:|---:|---:|---|"
  for (i = 1; i <= ns; i++) for (k = 1; k <= nk; k++) {
    t = order[k]; if (t !~ /^csvread_step_/) continue
    kern = substr(t, 14); st = med(S[i] SUBSEP t); pr = med(S[i] SUBSEP "csvread_proc_" kern)
    if (st == "") continue
    mb = sz[S[i]] / 1e6
    printf "| %s | %s | %.3f | %.0f | %.3f | %.0f | %s |\n", S[i], kern, st, mb / st, pr, (pr > 0 ? mb / pr : 0),
      (mb / st >= 1000 ? "**holds**" : "**does not hold**")
  }
}' "$CSVREAD" >>"$WORK/results.md"

cp "$WORK/results.md" "$RESULTS"
cat "$RESULTS"

# ---- raking: 1,000,000 respondents on four variables (19 categories) to a tolerance of 1e-6 -------------
# config/bench-rake.lua; the rake stage's `tally -v` step against the input's step of the same run, medians of
# RUNS runs of each kind, interleaved: cold (--no-cache: the CSV parsed, the load the issue's target speaks of)
# and from the column cache (filled by one untimed run), whose load is far shorter and is shown beside it.
# RAKE_SIZE (default 1m). Appends a section to $RESULTS and prints it.
RAKE_SIZE=${RAKE_SIZE:-1m}
rake_csv=$DATA/survey-$RAKE_SIZE.csv
[ -s "$rake_csv" ] || "$GEN" --rows "$(rows_of "$RAKE_SIZE")" --out "$rake_csv"
# rake_run KIND [--no-cache]: one run; appends "load_s rake_s" of its -v steps to $WORK/rake-KIND.samples.
rake_run() {
  kind=$1; shift
  "$TALLY" -v run "$@" config/bench-rake.lua --set size="$RAKE_SIZE" --outdir "$WORK/rake-$RAKE_SIZE" >/dev/null 2>"$WORK/rake.err" ||
    { echo "bench: rake ($RAKE_SIZE) failed" >&2; sed 's/^/  /' "$WORK/rake.err" | tail -20 >&2; exit 1; }
  [ "$kind" = warm ] && return 0
  awk '{ gsub(/[\[\]]/, "") }
    index($0, "reading input") && l0 == "" { l0 = $2 }
    index($0, "read input") && l1 == "" { l1 = $2 }
    index($0, "running stage '\''rake'\''") { r0 = $2; next }
    r0 != "" && r1 == "" && (index($0, "running stage") || index($0, "writing output")) { r1 = $2 }
    END { if (l1 == "" || r1 == "") exit 1; printf "%.6f %.6f\n", l1 - l0, r1 - r0 }' "$WORK/rake.err" >>"$WORK/rake-$kind.samples" ||
    { echo "bench: rake ($RAKE_SIZE): no step lines in tally -v" >&2; exit 1; }
}
# median_col FILE K: the median of column K.
median_col() { sort -n -k"$2","$2" "$1" | awk -v k="$2" '{ a[NR] = $k } END { print a[int((NR + 1) / 2)] }'; }
rake_run warm
: >"$WORK/rake-cold.samples"; : >"$WORK/rake-cached.samples"
rake_i=1
while [ $rake_i -le "$RUNS" ]; do
  rake_run cold --no-cache
  rake_run cached
  rake_i=$((rake_i + 1))
done
awk -v load="$(median_col "$WORK/rake-cold.samples" 1)" -v rake="$(median_col "$WORK/rake-cold.samples" 2)"     -v cload="$(median_col "$WORK/rake-cached.samples" 1)" -v crake="$(median_col "$WORK/rake-cached.samples" 2)"     -v runs="$RUNS" -v size="$RAKE_SIZE" -v la="$(cut -d' ' -f1-3 /proc/loadavg)"     -v all="$(tr '\n' ';' <"$WORK/rake-cold.samples")" -v call="$(tr '\n' ';' <"$WORK/rake-cached.samples")" 'BEGIN {
  r = load > 0 ? rake / load : 0
  print ""
  print "## Raking " size " respondents (4 variables, 19 categories, tolerance 1e-6)"
  print ""
  print "`config/bench-rake.lua`; `tally -v` steps (1 ms resolution), medians of " runs " runs of each kind, interleaved: cold"
  print "(`--no-cache`: the CSV parsed) and from the column cache; load average " la "."
  print ""
  print "| figure | measured | target | verdict |"
  print "|---|---:|---:|---|"
  printf "| load step s, cold (CSV parsed) | %.3f | | |\n", load
  printf "| rake step s | %.3f | | |\n", rake
  printf "| rake / load (cold) | %.2f | well under 1 (<= 0.5) | %s |\n", r, (r <= 0.5 ? "**holds**" : "**does not hold**")
  printf "| load step s from the column cache; rake / that load | %.3f; %.2f | (no target) | |\n", cload, (cload > 0 ? crake / cload : 0)
  print ""
  print "Runs (load s, rake s): cold " all " cached " call
}' >"$WORK/rake.md"
cat "$WORK/rake.md" >>"$RESULTS"
cat "$WORK/rake.md"
# ---- tab book against the load (issue 13): every question by a 10-column banner, all four outputs ----
# Self-contained: TABBOOK_SIZE (default 1m, the size the target names); RUNS cold runs (--no-cache) of the load alone and of the
# whole tab book report, interleaved; medians of wall time. The tab book adds (report - load); the
# target is that it adds less than the load itself.
tb_size=${TABBOOK_SIZE:-1m}
tb_csv=$DATA/survey-$tb_size.csv
tb_dir=$(mktemp -d "${TMPDIR:-/tmp}/tally-bench-tabbook.XXXXXX")
{
  echo 'report { title = "bench load" }'
  echo "input \"survey\" { path = \"$ROOT/$tb_csv\", codebook = \"$ROOT/$DATA/bench.codebook.lua\" }"
} >"$tb_dir/load.lua"
tb_ms() { "$SPAWN" "$tb_dir/took" "$@" >/dev/null 2>"$tb_dir/stderr" || { echo "bench: failed: $*" >&2; tail -5 "$tb_dir/stderr" >&2; exit 1; }; read -r us kb <"$tb_dir/took"; echo $(( us / 1000 )); }
tb_load0=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$tb_dir/load.ms"; : >"$tb_dir/book.ms"
tb_run=1
while [ $tb_run -le "$RUNS" ]; do
  echo "bench: tab book run $tb_run/$RUNS, $tb_size" >&2
  tb_ms "$TALLY" -q run --no-cache "$tb_dir/load.lua" >>"$tb_dir/load.ms"
  tb_ms "$TALLY" -q run --no-cache config/bench-tabbook.lua --set size="$tb_size" --outdir "$tb_dir/out" >>"$tb_dir/book.ms"
  tb_run=$((tb_run + 1))
done
tb_median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
tb_load=$(tb_median "$tb_dir/load.ms"); tb_book=$(tb_median "$tb_dir/book.ms")
tb_load1=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v size="$tb_size" -v runs="$RUNS" -v load="$tb_load" -v book="$tb_book" -v la0="$tb_load0" -v la1="$tb_load1" 'BEGIN {
  add = book - load
  print ""
  print "## Tab book against the load (" size ", cold: --no-cache)"
  print ""
  printf "- Medians of %d runs each, interleaved; load average before %s, after %s\n", runs, la0, la1
  print "- Tab book: config/bench-tabbook.lua, every question by age group and school qualification (10 columns and Total), weighted, Markdown + XLSX + HTML + JSON"
  print ""
  print "| figure | wall s |"
  print "|---|---:|"
  printf "| load alone (start, config, CSV parse, codebook) | %.3f |\n", load / 1000
  printf "| whole tab book report (load, stage, four outputs) | %.3f |\n", book / 1000
  printf "| tab book adds (report - load) | %.3f |\n", add / 1000
  print ""
  printf "Verdict: %s (adds %.2f of the load).\n", (add < load ? "tab book adds less than the load" : "tab book adds MORE than the load"), (load > 0 ? add / load : 0)
}' | tee -a "$RESULTS"
rm -rf "$tb_dir"
# ---- the excel reader: a 1,000,000-row, 30-column .xlsx read by tally (load only) and by pandas ----------------
# Self-contained: XLSX_ROWS (default 1000000), XLSX_RUNS (default RUNS) runs of tally and PANDAS_XLSX_RUNS (default
# 1: pandas' read_excel through openpyxl takes minutes on this file) of pandas, interleaved; the section is appended
# to $RESULTS. The workbook is written once by tools/gen_bench_xlsx (libxlsxwriter, constant_memory mode).
XLSX_ROWS=${XLSX_ROWS:-1000000}
XLSX_RUNS=${XLSX_RUNS:-$RUNS}
PANDAS_XLSX_RUNS=${PANDAS_XLSX_RUNS:-1}
XGEN=$BUILD/tools/gen_bench_xlsx
XLSX=$DATA/survey-$XLSX_ROWS.xlsx
[ -x "$XGEN" ] || { echo "bench: $XGEN is missing (make $XGEN)" >&2; exit 1; }
if [ ! -s "$XLSX" ]; then
  echo "bench: generating $XLSX" >&2
  "$XGEN" --rows "$XLSX_ROWS" --out "$XLSX"
fi
have_openpyxl=0; "$PY" -c 'import pandas, openpyxl' 2>/dev/null && have_openpyxl=1
printf 'report { title = "bench xlsx load" }\ninput "survey" { path = "%s" }\n' "$ROOT/$XLSX" >"$WORK/xlsx-load.lua"
: >"$SAMPLES"
warm "$XLSX"
run=1
while [ $run -le "$XLSX_RUNS" ] || { [ $have_openpyxl = 1 ] && [ $run -le "$PANDAS_XLSX_RUNS" ]; }; do
  echo "bench: xlsx run $run" >&2
  [ $run -le "$XLSX_RUNS" ] && measure xlsx tally_xlsx_load "$TALLY" -v run --no-cache "$WORK/xlsx-load.lua" &&
    { grep -o 'sheet XML parsed.*' "$WORK/stderr" | head -n 1 >"$WORK/xlsx-path"; :; }
  [ $have_openpyxl = 1 ] && [ $run -le "$PANDAS_XLSX_RUNS" ] &&
    measure xlsx pandas_read_excel "$PY" -c 'import sys, pandas
d = pandas.read_excel(sys.argv[1], engine="openpyxl")
assert d.shape == (int(sys.argv[2]), 30), d.shape' "$XLSX" "$XLSX_ROWS"
  run=$((run + 1))
done
xml_bytes=$("$PY" -c 'import sys, zipfile
print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist() if i.filename.startswith("xl/worksheets/")))' "$XLSX")
opv=$("$PY" -c 'import openpyxl, pandas; print("pandas %s, openpyxl %s" % (pandas.__version__, openpyxl.__version__))' \
  2>/dev/null || echo "pandas or openpyxl absent")
xlsx_path=$(cat "$WORK/xlsx-path" 2>/dev/null || echo "not said")
awk -v rows="$XLSX_ROWS" -v bytes="$(wc -c <"$XLSX" | tr -d ' ')" -v opv="$opv" -v truns="$XLSX_RUNS" -v xpath="$xlsx_path" \
    -v pruns="$PANDAS_XLSX_RUNS" -v xml="$xml_bytes" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
function med(task,   n, i, j, t, v) {
  n = cnt[task]; if (!n) return ""
  for (i = 1; i <= n; i++) v[i] = us[task, i]
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function rss(task,   n, i, j, t, v) {
  n = cnt[task]; if (!n) return ""
  for (i = 1; i <= n; i++) v[i] = kb[task, i]
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
  return v[int((n + 1) / 2)]
}
{ cnt[$2]++; us[$2, cnt[$2]] = $3; kb[$2, cnt[$2]] = $4 }
END {
  t = med("tally_xlsx_load"); p = med("pandas_read_excel"); tr = rss("tally_xlsx_load"); pr = rss("pandas_read_excel")
  print ""
  print "## Reading an .xlsx: tally (excel plugin) vs pandas read_excel (openpyxl)"
  print ""
  printf "- File: %d rows x 30 columns (ids, 20 answer codes, 4 decimals, 3 short texts, a date, a comment), %.1f MB (the sheet XML inflates to %.0f MB), written by tools/gen_bench_xlsx through libxlsxwriter (constant_memory: inline strings)\n", rows, bytes / 1e6, xml / 1e6
  printf "- Runs: tally %d (median), pandas %d (read_excel takes minutes on this file); load average at the end %s; %s\n", truns, pruns, load, opv
  printf "- How tally parsed the sheet (`-v`, TALLY_XLSX_SPLIT unset): %s\n", xpath
  print ""
  print "| task | wall s | peak RSS MB |"
  print "|---|---:|---:|"
  printf "| tally run, load only (`--no-cache`) | %.2f | %.0f |\n", t / 1e6, tr / 1024
  if (p != "") printf "| pandas.read_excel(engine=\"openpyxl\") | %.2f | %.0f |\n", p / 1e6, pr / 1024
  print ""
  if (p != "") {
    r = p / t
    printf "| check | measured | target | verdict |\n|---|---:|---:|---|\n"
    printf "| pandas / tally wall time | %.1fx | >= 20x | %s |\n", r, (r >= 20 ? "met" : "NOT met")
    printf "| tally peak RSS / inflated sheet XML | %.2f (%.1f bytes a cell) | < 1: the cells, never the XML, held | %s |\n", tr * 1024 / xml, tr * 1024 / (rows * 30), (tr * 1024 < xml ? "met" : "NOT met")
  } else print "pandas or openpyxl is not installed: no comparison (apt-get install python3-pandas python3-openpyxl)"
}' "$SAMPLES" >>"$RESULTS"
tail -n 16 "$RESULTS"

# ---- Describing a wide file: `tally describe` of one row of 100,000 columns (the csv plugin's limit) ----
# Every column's histogram is asked once: the time grows with the columns, not their square.
WIDE_COLS=${WIDE_COLS:-100000}
WIDE=$WORK/wide-$WIDE_COLS.csv
awk -v n="$WIDE_COLS" 'BEGIN { for (r = 0; r < 2; r++) { for (i = 0; i < n; i++) printf "%s%s", (i ? "," : ""), (r ? i % 5 + 1 : "q" i); print "" } }' >"$WIDE"
wide_times=""
for r in $(seq "$RUNS"); do
  "$SPAWN" "$WORK/took" "$TALLY" describe "$WIDE" >/dev/null || { echo "bench: tally describe of $WIDE failed" >&2; exit 1; }
  read -r us kb <"$WORK/took"
  wide_times="$wide_times $us"
done
echo "$wide_times" | tr ' ' '\n' | grep . | sort -n | awk -v cols="$WIDE_COLS" -v runs="$RUNS" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
{ v[NR] = $1 }
END {
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  print ""
  print "## Describing a wide file"
  print ""
  printf "- `tally describe` of a CSV of one row and %d columns: %.2f s wall (median of %d runs; load average at the end %s)\n", cols, m / 1e6, runs, load
}' >>"$RESULTS"
tail -n 4 "$RESULTS"
