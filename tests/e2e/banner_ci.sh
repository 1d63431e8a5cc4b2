#!/bin/sh
# banner_ci.sh: `ci = 95` in a banner: the Wilson interval of each column % and the t interval of each mean,
# on the column's effective base, in all four outputs, against a hand computation (weighted and unweighted).
. tests/lib.sh
# Group A: 10 cases of weight 1; group B: 10 cases of weights 1 and 3 by turns (Kish base 20^2/50 = 8).
# q: 4 of A say yes; in B x = 1..4 say yes (weights 1, 3, 1, 3: 8 of 20). x = 1..10 in each group.
$PY - "$TMP/s.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,g,q,x,w\n")
    for i in range(20):
        f.write("%d,%d,%d,%d,%d\n" % (i + 1, 1 if i < 10 else 2, 1 if i % 10 < 4 else 2, i % 10 + 1, 1 if i < 10 or i % 2 == 0 else 3))
PY
cat >"$TMP/s.codebook.lua" <<'CB'
variable "g" { label = "Group", values = { [1] = "A", [2] = "B" } }
variable "q" { label = "Question", values = { [1] = "yes", [2] = "no" } }
variable "x" { label = "Score", measure = "scale" }
weight "w"
CB
{ cat <<'CFG'
report { title = "Intervals", language = "en" }
input "s" { path = "s.csv", codebook = "s.codebook.lua" }
stage "banner" { dataset = "s", rows = { "q", "x" }, columns = { "g" }, scale = { "x" }, ci = 95, min_base = 1 }
CFG
  all_outputs ci; } >"$TMP/ci.lua"
expect_exit "banner with ci = 95 runs" 0 "$TALLY" run "$TMP/ci.lua"
cat >"$TMP/check.py" <<'PY'
import json, math, sys, openpyxl
d = sys.argv[1]
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[2] + "/tests/lib")
import tap
def check(what, good, detail=""): tap.ok(good, what, detail)
z = 1.959963984540054
def wilson(p, n):
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (c - h), 100 * (c + h)
def tint(xs, ws, t):  # weighted mean, Bessel's correction by the effective base, t on that base
    sw = sum(ws); m = sum(w * x for w, x in zip(ws, xs)) / sw
    neff = sw * sw / sum(w * w for w in ws)
    sd = math.sqrt(sum(w * (x - m) ** 2 for w, x in zip(ws, xs)) / sw * neff / (neff - 1))
    return m - t * sd / math.sqrt(neff), m + t * sd / math.sqrt(neff)
want = {"A": wilson(0.4, 10), "B": wilson(0.4, 8)}
wantm = {"A": tint(range(1, 11), [1] * 10, 2.262157), "B": tint(range(1, 11), [1, 3] * 5, 2.364624)}
rep = json.load(open(d + "/ci.json"))
cells = {}
for t in rep["tables"]:
    b = t["banner"]
    labels = [c["label"] for c in b["columns"]]
    for s in b["sections"]:
        for r in s["rows"]:
            for lab, c in zip(labels, r["cells"]):
                cells[(r["label"], lab)] = c
for g in "AB":
    lo, hi = want[g]
    c = cells[("yes", g)]
    check("json: yes in %s: ci_low/ci_high = Wilson on the effective base (%.4f, %.4f)" % (g, lo, hi),
          abs(c.get("ci_low", -1) - lo) < 1e-9 and abs(c.get("ci_high", -1) - hi) < 1e-9, c)
    lo, hi = wantm[g]
    c = cells[("Mean", g)]
    check("json: mean in %s: t interval on the effective base (%.4f, %.4f)" % (g, lo, hi),
          abs(c.get("ci_low", -1) - lo) < 1e-5 and abs(c.get("ci_high", -1) - hi) < 1e-5, c)
check("json: base rows have no interval", "ci_low" not in cells[("Base", "A")], cells[("Base", "A")])
md = open(d + "/ci.md", encoding="utf-8").read()
html = open(d + "/ci.html", encoding="utf-8").read()
def pct(v): return "%.1f" % (math.floor(v * 10 + 0.5) / 10)
for g in "AB":
    lo, hi = want[g]
    check("markdown: yes in %s shows [%s-%s]" % (g, pct(lo), pct(hi)), "\\[%s\u2013%s\\]" % (pct(lo), pct(hi)) in md)
    check("html: yes in %s shows the interval under the figure" % g,
          '<span class="ci">[%s\u2013%s]</span>' % (pct(lo), pct(hi)) in html)
    lo, hi = wantm[g]
    check("markdown: mean of %s shows [%.2f-%.2f]" % (g, lo, hi), "\\[%.2f\u2013%.2f\\]" % (lo, hi) in md)
check("markdown and html: the note says how the intervals are made",
      "Confidence intervals (95%): column percents by Wilson, means by t, on each column's effective base." in md
      and "Confidence intervals (95%)" in html)
wb = openpyxl.load_workbook(d + "/ci.xlsx")
flat = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
for g in "AB":
    lo, hi = want[g]
    check("xlsx: yes in %s has its interval as text under the figures" % g, "[%.1f%%\u2013%.1f%%]" % (lo, hi) in flat, flat[:40])
    lo, hi = wantm[g]
    check("xlsx: mean of %s has its interval under it" % g, "[%.2f\u2013%.2f]" % (lo, hi) in flat)
sys.exit(tap.exit_code())
PY
$PY "$TMP/check.py" "$TMP" "$(pwd)" || failures=$((failures + 1))
sed -i 's/ci = 95/ci = 150/' "$TMP/ci.lua"
expect_exit "ci = 150 is refused" 1 "$TALLY" run "$TMP/ci.lua"
expect_contains "the error says what a confidence level is" "$TMP/stderr" "confidence level must be a percentage between 0 and 100 (e.g. 95), not 150"
finish
