#!/bin/sh
# banner_pspp.sh: the banner stage against GNU PSPP: CROSSTABS counts, column %, chi-square and expected counts; T-TEST /GROUPS t and p.
. tests/lib.sh
if ! command -v pspp >/dev/null 2>&1; then
  not_ok "pspp is installed (make test-deps installs it)"
  finish
fi
mkdir -p "$TMP/stages"
# a stage of the test's own: the banner with its comparisons published as named values
cat >"$TMP/stages/bannertests.lua" <<'LUA'
local o = tally.options {
  dataset = { type = "string", required = true }, rows = { type = "list", required = true },
  columns = { type = "list", required = true }, welch = { type = "boolean", default = false },
  prefix = { type = "string", required = true }, id = { type = "string" } }
local t, tests = tally.dataset(o.dataset):banner(o.rows, o.columns, { welch = o.welch, id = o.id })
report.add(t)
for _, x in ipairs(tests) do
  local k = o.prefix .. "_" .. x.test .. "_" .. x.row:gsub("%W", "") .. "_" .. x.a .. x.b
  report.value(k .. "_stat", x.stat)
  report.value(k .. "_p", x.p)
  if x.df == x.df then report.value(k .. "_df", x.df) end
end
LUA
cat >"$TMP/gen.py" <<'PY'
import random, sys
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    f.write("id,gender,region,satis,age\n")
    for i in range(1, 301):
        g = r.choice([1, 2]); reg = r.choice([1, 2, 3])
        s = min(5, max(1, int(r.gauss(3 + 0.4 * (g == 1), 1.1) + 0.5)))
        f.write("%d,%d,%d,%d,%.1f\n" % (i, g, reg, s, round(r.gauss(40 + 3 * (g == 2), 12), 1)))
PY
$PY "$TMP/gen.py" "$TMP/d.csv"
head -26 "$TMP/d.csv" >"$TMP/small.csv" # 25 cases: most expected counts below 5
cat >"$TMP/job.sps" <<'SPS'
GET DATA /TYPE=TXT /FILE='d.csv' /ARRANGEMENT=DELIMITED /DELIMITERS="," /FIRSTCASE=2
  /VARIABLES= id F8 gender F1 region F1 satis F1 age F8.1.
CROSSTABS satis BY region /STATISTICS=CHISQ /CELLS=COUNT COLUMN EXPECTED.
T-TEST /GROUPS=gender(1,2) /VARIABLES=age.
GET DATA /TYPE=TXT /FILE='small.csv' /ARRANGEMENT=DELIMITED /DELIMITERS="," /FIRSTCASE=2
  /VARIABLES= id F8 gender F1 region F1 satis F1 age F8.1.
CROSSTABS satis BY region /STATISTICS=CHISQ /CELLS=COUNT COLUMN EXPECTED.
SPS
(cd "$TMP" && pspp -O format=csv -o pspp.csv job.sps >/dev/null) || not_ok "pspp runs the job"
cat >"$TMP/job.lua" <<'CFG'
report { title = "Banner against PSPP", stage_path = "stages" }
input "d" { plugin = "csv", path = "d.csv" }
input "s" { plugin = "csv", path = "small.csv" }
stage "bannertests" { dataset = "s", rows = { "satis" }, columns = { "region" }, prefix = "s", id = "s_satis" }
stage "bannertests" { dataset = "d", rows = { "satis" }, columns = { "region" }, prefix = "x", id = "b_satis" }
stage "bannertests" { dataset = "d", rows = { "age" }, columns = { "gender" }, prefix = "pooled", id = "b_age" }
stage "bannertests" { dataset = "d", rows = { "age" }, columns = { "gender" }, prefix = "welch", welch = true, id = "b_age_welch" }
output "json" { path = "out.json" }
CFG
expect_exit "banner config runs" 0 "$TALLY" run "$TMP/job.lua"
cat >"$TMP/check.py" <<'PY'
import csv, json, re, sys
rep = json.load(open(sys.argv[1] + "/out.json"))
tabs = {t["id"]: t for t in rep["tables"]}
vals = {v["name"] if isinstance(v, dict) else v: v for v in rep.get("values", [])} if isinstance(rep.get("values"), list) else rep.get("values", {})
pspp, small, title, rows = {}, {}, None, []
for line in open(sys.argv[1] + "/pspp.csv").read().split("\n"):
    if line.startswith("Table: "):
        title = line[7:]
        # the second job (25 cases) repeats the crosstab tables: those go to `small`
        into = small if title in pspp and title != "Summary" and "satis" in title or (title == "Chi-Square Tests" and title in pspp) else pspp
        into[title] = []
    elif line.strip() and title:
        into[title].append(next(csv.reader([line])))
fails = 0
def check(what, good, detail=""):
    global fails
    print(("ok - " if good else "not ok - ") + what + ("" if good else "  # " + detail))
    fails += not good
def tol(s):
    s = s.strip().rstrip("%"); d = len(s.split(".")[1]) if "." in s else 0
    return float(s), 0.5 * 10 ** -d + 1e-9
def near(got, text):
    want, t = tol(text)
    return got is not None and abs(got - want) <= t
def crosstabs(tid, px, label):
    b = tabs[tid]["banner"]
    cols = {c["label"]: i for i, c in enumerate(b["columns"]) if not c["total"]}
    rows = {r["label"]: r for r in b["sections"][0]["rows"]}
    code, expected = None, []
    for r in px["satis × region"][2:]:
        if r[0].strip() == "Total": break
        if r[1].strip(): code = r[1].strip()
        kind = r[2].strip()
        if code not in rows or kind not in ("Count", "Column %", "Expected"): continue
        for j, reg in enumerate(("1", "2", "3")):
            cell = rows[code]["cells"][cols[reg]]
            if kind == "Count": check("%s: CROSSTABS count satis %s region %s" % (label, code, reg), near(cell["count"], r[3 + j]), "%r vs %s" % (cell["count"], r[3 + j]))
            elif kind == "Column %": check("%s: CROSSTABS column %% satis %s region %s" % (label, code, reg), near(cell["col_pct"], r[3 + j]), "%r vs %s" % (cell["col_pct"], r[3 + j]))
            elif r[3 + j].strip(): expected.append(float(r[3 + j]))
    chi = [r for r in px["Chi-Square Tests"] if r[0] == "Pearson Chi-Square"][0]
    note = [n for n in tabs[tid]["notes"] if "chi-square" in n][0]
    m = re.search(r"chi-square = ([\d.]+), df = (\d+), p (?:= )?([<\d. ]+);", note)
    check(label + ": chi-square value equals PSPP's " + chi[1], m and near(float(m.group(1)), chi[1]), note)
    check(label + ": chi-square df equals PSPP's", m and m.group(2) == chi[2], note)
    check(label + ": chi-square p equals PSPP's " + chi[3], m and near(float(m.group(3)), chi[3]), note)
    below = sum(e < 5 for e in expected)
    m2 = re.search(r"(\d+) cells \(([\d.]+)%\) have expected count less than 5\. The minimum expected count is ([\d.]+)\.", note)
    check("%s: expected-count footnote: %d of %d cells below 5 as PSPP's expected counts" % (label, below, len(expected)),
          m2 and int(m2.group(1)) == below and abs(float(m2.group(2)) - 100.0 * below / len(expected)) < 0.051, note)
    check("%s: expected-count footnote: minimum expected count %.2f" % (label, min(expected)), m2 and abs(float(m2.group(3)) - min(expected)) < 0.006, note)
    return below
crosstabs("b_satis", pspp, "300 cases")
check("25 cases: some expected counts below 5", crosstabs("s_satis", small, "25 cases") > 0)
# T-TEST /GROUPS=gender(1,2): group 2 has the higher mean, so tally compares B with A (t positive)
tt = pspp["Independent Samples Test"]
eq = [r for r in tt if len(r) > 1 and r[1] == "Equal variances assumed"][0]
ne = [r for r in tt if len(r) > 1 and r[1] == "Equal variances not assumed"][0]
def val(name):
    v = vals.get(name)
    return v.get("number") if isinstance(v, dict) else v
check("pooled t equals |PSPP t| " + eq[4], near(val("pooled_t_Mean_BA_stat"), eq[4].lstrip("-")), repr(val("pooled_t_Mean_BA_stat")))
check("pooled df equals PSPP's " + eq[5], near(val("pooled_t_Mean_BA_df"), eq[5]), repr(val("pooled_t_Mean_BA_df")))
check("pooled p equals PSPP's " + eq[6], near(val("pooled_t_Mean_BA_p"), eq[6]), repr(val("pooled_t_Mean_BA_p")))
check("Welch t equals |PSPP t| " + ne[4], near(val("welch_t_Mean_BA_stat"), ne[4].lstrip("-")), repr(val("welch_t_Mean_BA_stat")))
check("Welch df equals PSPP's " + ne[5], near(val("welch_t_Mean_BA_df"), ne[5]), repr(val("welch_t_Mean_BA_df")))
check("Welch p equals PSPP's " + ne[6], near(val("welch_t_Mean_BA_p"), ne[6]), repr(val("welch_t_Mean_BA_p")))
age = tabs["b_age"]["banner"]
mean_row = [r for r in age["sections"][0]["rows"] if r["label"] == "Mean"][0]
p = val("pooled_t_Mean_BA_p")
want = "" if p >= 0.10 else ("A" if p < 0.05 else "a")
check("mean letters follow p = %.3f: B gets %r" % (p, want), mean_row["cells"][2].get("letters", "") == want, repr(mean_row["cells"][2]))
gs = pspp["Group Statistics"]
for r in gs[1:]:
    g = r[1]; ci = 1 if g == "1" else 2
    check("group %s mean equals PSPP's %s" % (g, r[3]), near(mean_row["cells"][ci]["value"], r[3]), repr(mean_row["cells"][ci]))
sys.exit(1 if fails else 0)
PY
if [ -s "$TMP/out.json" ]; then $PY "$TMP/check.py" "$TMP" || failures=$((failures + 1)); else not_ok "json written"; fi
finish
