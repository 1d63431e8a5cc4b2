#!/bin/sh
# banner_large.sh: a tab book over 200,000 rows, where its per-row scratch buffers (weights, values, sorted
# pairs) are mappings of their own in 2 MB pages (xmalloc_rows): its figures equal a plain Python count.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
GEN="$ROOT/$BUILD/tools/gen_bench"
export SOURCE_DATE_EPOCH=1609459200
if [ ! -x "$GEN" ]; then not_ok "tab book, 200,000 rows: $GEN is missing (make $GEN)"; finish; fi

"$GEN" --rows 200000 --out "$TMP/bench.csv" >/dev/null 2>&1
book() { TALLY_STAGE_THREADS=$1 "$TALLY" -q run --no-cache config/bench-tabbook.lua --set data="$TMP/bench.csv" --outdir "$TMP/$2"; }
check "tab book over 200,000 rows, stages and kernels on two threads" book 2 two
check "the same on one thread" book 1 one
for f in tabbook.md tabbook.json tabbook.html tabbook.xlsx; do
  expect_same "  $f byte-identical either way" "$TMP/two/$f" "$TMP/one/$f"
done

# Income by age group and by school qualification (the banner's Total, A-E, F-J), weighted: every row
# with a weight above 0 and an income counts in Total, its age group's column and its school's.
cat >"$TMP/check.py" <<'EOF'
import csv, json, sys
tables = {t["id"]: t for t in json.load(open(sys.argv[2]))["tables"]}
def cells(label):
    for r in tables["tab_income"]["rows"]:
        if r["label"] == label: return [c.split()[0] for c in r["cells"][1:]]  # the column letters dropped
    raise SystemExit("tab_income has no row " + label)
sw, sn, swx, rows = [0.0] * 11, [0] * 11, [0.0] * 11, []
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        w = float(row["weight"]) if row["weight"] else 0.0
        if not w > 0 or row["income"] == "": continue
        x, cols = float(row["income"]), (0, int(row["agegroup"]), 5 + int(row["education"]))
        rows.append((w, x, cols))
        for c in cols: sw[c] += w; sn[c] += 1; swx[c] += w * x
mean = [swx[c] / sw[c] for c in range(11)]
ss = [0.0] * 11
for w, x, cols in rows:
    for c in cols: ss[c] += w * (x - mean[c]) ** 2
want = {"Base": ["{:,.1f}".format(v) for v in sw], "Unweighted base": ["{:,}".format(v) for v in sn],
        "Mean": ["{:.2f}".format(m) for m in mean],
        "Std. deviation": ["{:.2f}".format((ss[c] / (sw[c] - 1)) ** 0.5) for c in range(11)]}
bad = [f"{k}: tally {cells(k)}, Python {v}" for k, v in want.items() if cells(k) != v]
print("\n".join(bad) or f"income: Total mean {want['Mean'][0]}, SD {want['Std. deviation'][0]}, base {want['Base'][0]}")
sys.exit(1 if bad else 0)
EOF
check_said "  income's bases, means and SDs in all 11 columns equal Python's" "$PY" "$TMP/check.py" "$TMP/bench.csv" "$TMP/two/tabbook.json"
finish
