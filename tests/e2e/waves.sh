# waves.sh: the append and trend stages: two waves stacked (labels merged, mismatches reported), each
# wave's figures and the tests of change (z, Welch t; effective bases when weighted) against hand computations.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
cd "$TMP" || exit 1
export SOURCE_DATE_EPOCH=1609459200

# Wave 1: 40 cities, 24 yes; wave 2: 50, 20 yes, 25 no, 5 maybe. Scores i % 5 + 1 and i % 7 + 1.
$PY - <<'EOC'
with open("w1.csv", "w") as f:
    f.write("id,q,score,w\n")
    for i in range(40):
        f.write("%d,%d,%d,%s\n" % (i + 1, 1 if i < 24 else 2, i % 5 + 1, "2" if i % 4 == 0 else "1"))
with open("w2.csv", "w") as f:
    f.write("id,q,score,extra,w\n")
    for i in range(50):
        f.write("%d,%d,%d,%d,%s\n" % (i + 1, 1 if i < 20 else 2 if i < 45 else 3, i % 7 + 1, i, "3" if i % 5 == 0 else "1"))
with open("w3.csv", "w") as f:
    f.write("id,q\n1,yes\n2,no\n")
EOC
echo 'variable "q" { label = "Cooperates?", values = { [1] = "yes", [2] = "no" } }' >w1.codebook.lua
echo 'variable "q" { label = "Cooperates?", values = { [1] = "yes", [2] = "No", [3] = "maybe" } }' >w2.codebook.lua
cfg() { # cfg NAME WEIGHT-OPTION
  cat >"$1.lua" <<EOC
report { title = "waves", outdir = "out" }
input "w1" { path = "w1.csv", codebook = "w1.codebook.lua" $2 }
input "w2" { path = "w2.csv", codebook = "w2.codebook.lua" $2 }
stage "append" { datasets = { "w1", "w2" }, into = "all", labels = { "2020", "2021" } }
stage "trend" { dataset = "all", variables = { "q" } }
stage "trend" { dataset = "all", variables = { "score" }, means = true }
output "json" { path = "$1.json" }
output "markdown" { path = "$1.md" }
EOC
}
cfg plain ""
cfg weighted ', weight = "w"'
expect_exit "append and trend, unweighted" 0 "$TALLY" run plain.lua
expect_exit "append and trend, weighted" 0 "$TALLY" run weighted.lua
expect_contains "append: the waves' cases" out/plain.md "| 2021 | 50 |"
expect_contains "append: a value label that differs is reported" out/plain.md \
  "'q': the value 2 is labelled 'no' in 2020 but 'No' in 2021; 'no' is kept."
expect_contains "append: a column missing from a wave is reported" out/plain.md "'extra' is not in 2020: missing there."
expect_contains "trend: the percentages wave by wave" out/plain.md "| 2020 | 60.0% | 40.0% | 0.0% | 40 |"

cat >hand.py <<'EOC'
import json, math, sys
def tdens(x, v):
    return math.exp(math.lgamma((v + 1) / 2) - math.lgamma(v / 2)) / math.sqrt(v * math.pi) * (1 + x * x / v) ** (-(v + 1) / 2)
def t_p2(t, v):  # two-sided p by Simpson's rule over the tail
    a, b, n = abs(t), abs(t) + 400, 200000
    h = (b - a) / n
    s = tdens(a, v) + tdens(b, v) + sum((4 if i % 2 else 2) * tdens(a + i * h, v) for i in range(1, n))
    return 2 * s * h / 3
weighted = sys.argv[2] == "weighted"
w1 = [(1 if i < 24 else 2, i % 5 + 1, (2 if i % 4 == 0 else 1) if weighted else 1) for i in range(40)]
w2 = [(1 if i < 20 else 2 if i < 45 else 3, i % 7 + 1, (3 if i % 5 == 0 else 1) if weighted else 1) for i in range(50)]
def neff(rows): return sum(r[2] for r in rows) ** 2 / sum(r[2] ** 2 for r in rows)
def share(rows, c): return sum(r[2] for r in rows if r[0] == c) / sum(r[2] for r in rows)
def mean_sd(rows):
    sw = sum(r[2] for r in rows); m = sum(r[2] * r[1] for r in rows) / sw; ne = neff(rows)
    return m, math.sqrt(sum(r[2] * (r[1] - m) ** 2 for r in rows) / sw * ne / (ne - 1)), ne
rep = json.load(open(sys.argv[1]))
T = {t["id"]: t for t in rep["tables"]}
bad = []
def close(what, got, want, tol=1e-9):
    if got is None or abs(got - want) > tol * max(1, abs(want)): bad.append("%s: tally %r, hand %r" % (what, got, want))
ch = T["trend_q_change"]["rows"][0]["cells"]
for k, c in enumerate([1, 2, 3]):
    p1, p2, n1, n2 = share(w1, c), share(w2, c), neff(w1), neff(w2)
    pool = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p2 - p1) / math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
    close("category %d change" % c, ch[1 + 3 * k], 100 * (p2 - p1))
    close("category %d z" % c, ch[2 + 3 * k], z)
    close("category %d p" % c, ch[3 + 3 * k], math.erfc(abs(z) / math.sqrt(2)))
(m1, s1, n1), (m2, s2, n2) = mean_sd(w1), mean_sd(w2)
va, vb = s1 * s1 / n1, s2 * s2 / n2
t = (m2 - m1) / math.sqrt(va + vb)
df = (va + vb) ** 2 / (va * va / (n1 - 1) + vb * vb / (n2 - 1))
mc = T["trend_score_change"]["rows"][0]["cells"]
close("mean change", mc[1], m2 - m1); close("t", mc[2], t); close("df", mc[3], df); close("p", mc[4], t_p2(t, df), 1e-6)
fig = T["trend_score"]["rows"]
close("mean 2020", fig[0]["cells"][1], m1); close("sd 2021", fig[1]["cells"][2], s2)
if T["trend_q"]["chart"] != "line": bad.append("trend_q chart: %r" % T["trend_q"]["chart"])
for b in bad: print("mismatch", b)
print("z yes %.4f, t %.4f on %.2f df, p %.5f" % ((share(w2, 1) - share(w1, 1)), t, df, t_p2(t, df)))
sys.exit(1 if bad else 0)
EOC
for c in plain weighted; do check_said "$c: figures and tests equal the hand computation" $PY hand.py out/$c.json $c; done
expect_contains "weighted: the note says effective bases" out/weighted.md "z test of two proportions (pooled); p two-sided; on effective bases (Kish)."

# a variable that is a number in one wave and text in another
sed 's/"w2.csv", codebook = "w2.codebook.lua"/"w3.csv"/' plain.lua | sed '/stage "trend"/d' >mixed.lua
expect_exit "append: numeric in one wave, text in another" 1 "$TALLY" run mixed.lua
expect_contains "append: the mismatch names the variable and the waves" "$TMP/stderr" \
  "append: 'q' is numeric in 2020 but text in 2021; recode one of them"

# multiple-response sets are not carried over, and the table says so
cat >mr.lua <<EOC
report { title = "sets", outdir = "out" }
input "a" { path = "$ROOT/samples/city-survey/responses.csv", codebook = "$ROOT/samples/city-survey/responses.codebook.lua" }
input "b" { path = "$ROOT/samples/city-survey/responses.csv", codebook = "$ROOT/samples/city-survey/responses.codebook.lua" }
stage "append" { datasets = { "a", "b" }, into = "all" }
output "markdown" { path = "mr.md" }
EOC
expect_exit "append two waves with multiple-response sets" 0 "$TALLY" run mr.lua
expect_contains "append: the sets left behind are named" out/mr.md \
  "The multiple-response sets of a (countries, initiators, areas, institutions, forms, benefits, obstacles) are not carried over"
expect_contains "append: the stacked cases" out/mr.md "| **Total** | 160 |"
finish
