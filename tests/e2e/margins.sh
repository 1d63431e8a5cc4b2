# margins.sh: margins of error against hand computations: Wilson intervals of percentages, t intervals of
# means, on the effective (Kish) base when weighted; as frequencies columns (ci = 95) and named values.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
cd "$TMP" || exit 1
export SOURCE_DATE_EPOCH=1609459200

# Twelve answers; the weights of the ten valid ages (3 and nine 1s) give an effective base of exactly 8.
cat >m.csv <<'EOC'
id,q,age,w
1,1,25,3
2,1,30,1
3,1,35,1
4,2,40,1
5,2,45,1
6,1,50,1
7,2,55,1
8,1,60,1
9,1,65,1
10,2,70,1
11,,,1
12,1,,2
EOC
cfg() { # cfg NAME INPUT-OPTIONS [LANGUAGE]
  cat >"$1.lua" <<EOC
report { title = "margins", outdir = "out", language = "${3:-en}" }
input "s" { path = "m.csv" $2 }
stage "frequencies" { dataset = "s", variables = { "q" }, ci = 95 }
stage "margins" { dataset = "s", proportions = { yes = "q == 1" }, means = { mean_age = "age" } }
stage "descriptives" { dataset = "s", variables = { "age" }, ci = 95 }
output "json" { path = "$1.json" }
output "markdown" { path = "$1.md" }
EOC
}
cfg plain ""
cfg weighted ', weight = "w"'
cfg de ', weight = "w"' de
for c in plain weighted de; do expect_exit "run $c" 0 "$TALLY" run $c.lua; done

# The hand computation: Wilson's formula and the t interval, with quantiles from printed tables
# (z 0.975 = 1.959964; t 0.975 with 9 df = 2.262157, with 7 df = 2.364624).
cat >hand.py <<'EOC'
import json, math, sys
Z = 1.959964
T = {9: 2.262157, 7: 2.364624}
def wilson(p, n):
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z / d * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return 100 * (c - h), 100 * (c + h)
def tint(xs, ws):
    sw = sum(ws); sw2 = sum(w * w for w in ws); neff = sw * sw / sw2
    m = sum(w * x for w, x in zip(ws, xs)) / sw
    var = sum(w * (x - m) ** 2 for w, x in zip(ws, xs)) / sw * neff / (neff - 1)
    h = T[round(neff - 1)] * math.sqrt(var) / math.sqrt(neff)
    return m, m - h, m + h, neff
weighted = sys.argv[2] == "weighted"
q = [1, 1, 1, 2, 2, 1, 2, 1, 1, 2, None, 1]
age = [25, 30, 35, 40, 45, 50, 55, 60, 65, 70, None, None]
w = [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2] if weighted else [1] * 12
qw = [wi for qi, wi in zip(q, w) if qi is not None]
yes = sum(wi for qi, wi in zip(q, w) if qi == 1)
neff_q = sum(qw) ** 2 / sum(x * x for x in qw)
p = yes / sum(qw)
plo, phi = wilson(p, neff_q)
m, mlo, mhi, neff_a = tint([a for a in age if a is not None], [wi for a, wi in zip(age, w) if a is not None])
rep = json.load(open(sys.argv[1]))
v = rep["values"]
got = {
  "yes": (v["yes"]["number"], 100 * p), "yes_low": (v["yes_low"]["number"], plo), "yes_high": (v["yes_high"]["number"], phi),
  "yes_neff": (v["yes_neff"]["number"], neff_q), "yes_moe": (v["yes_moe"]["number"], max(phi - 100 * p, 100 * p - plo)),
  "mean_age": (v["mean_age"]["number"], m), "mean_age_low": (v["mean_age_low"]["number"], mlo),
  "mean_age_high": (v["mean_age_high"]["number"], mhi), "mean_age_neff": (v["mean_age_neff"]["number"], neff_a),
}
t = [t for t in rep["tables"] if t["id"] == "freq_q"][0]
labels = [c["label"] for c in t["columns"]]
row = [r for r in t["rows"] if r["label"] == "1"][0]
got["freq CI low"] = (row["cells"][labels.index("CI low (95%)")], plo)
got["freq CI high"] = (row["cells"][labels.index("CI high (95%)")], phi)
d = [t for t in rep["tables"] if t["id"].startswith("desc_age")][0]
dl = [c["label"] for c in d["columns"]]
got["descriptives CI low"] = (d["rows"][0]["cells"][dl.index("CI low (95%)")], mlo)
got["descriptives CI high"] = (d["rows"][0]["cells"][dl.index("CI high (95%)")], mhi)
# Wilson's bounds solve (p_hat - p)^2 = z^2 p (1 - p) / n: checked without the closed form
for b in (plo, phi):
    b /= 100
    if abs((p - b) ** 2 - Z * Z * b * (1 - b) / neff_q) > 1e-9:
        got["quadratic at %g" % b] = (None, 0)
bad = [k for k, (a, b) in got.items() if a is None or abs(a - b) > 2e-5 * max(1, abs(b))]
for k in bad: print("mismatch", k, got[k])
print("share %.4f%% [%.4f, %.4f] on %.4f; mean age %.4f [%.4f, %.4f] on %.1f" % (100 * p, plo, phi, neff_q, m, mlo, mhi, neff_a))
sys.exit(1 if bad else 0)
EOC
for c in plain weighted; do check_said "$c: intervals equal the hand computation" $PY hand.py out/$c.json $c; done
# 7 of 11 is 63.6%, Wilson 95% from 35.4% to 84.8%: the two p with (7/11 - p)^2 = z^2 p (1 - p) / 11
expect_contains "unweighted: the Wilson interval of 7 of 11" out/plain.md "| 1 | 7 | 58.3% | 63.6% | 63.6% | 35.4% | 84.8% |"
expect_contains "unweighted: the note names the method and the base" out/plain.md \
  "Confidence interval of the valid percent (Wilson), 95%; base: 11."
expect_contains "weighted: the note gives the effective base" out/weighted.md \
  "Confidence interval of the valid percent (Wilson), 95%; effective base (Kish): 8.9."
expect_contains "margins table: the largest margin of error" out/weighted.md "Largest margin of error of a percentage (points): ±"
expect_contains "German: CI columns" out/de.md "KI unten (95%)"
expect_contains "descriptives: the note on the mean's interval" out/weighted.md \
  "Confidence interval of the mean (t), 95%; on the effective base (Kish) of the weighted cases."
expect_contains "German: margins table" out/de.md "Fehlermargen"

# PSPP's EXAMINE computes the same t interval of an unweighted mean (to the two decimals it prints)
if command -v pspp >/dev/null; then
  printf 'DATA LIST LIST NOTABLE /age.\nBEGIN DATA\n25\n30\n35\n40\n45\n50\n55\n60\n65\n70\nEND DATA.\nEXAMINE VARIABLES=age /STATISTICS=DESCRIPTIVES.\n' >ex.sps
  pspp -O format=csv ex.sps -o ex.csv >/dev/null 2>&1
  plo=$(grep "Confidence Interval for Mean,Lower Bound" ex.csv | cut -d, -f4)
  phi=$(grep -A1 "Confidence Interval for Mean,Lower Bound" ex.csv | tail -1 | cut -d, -f4)
  got=$($PY -c "import json; v = json.load(open('out/plain.json'))['values']; print('%.2f %.2f' % (v['mean_age_low']['number'], v['mean_age_high']['number']))")
  if [ -n "$plo" ] && [ "$got" = "$plo $phi" ]; then ok "unweighted mean interval equals PSPP EXAMINE: $got"
  else not_ok "unweighted mean interval equals PSPP EXAMINE: tally $got, PSPP '$plo $phi'"; fi
else
  skip "pspp is not installed (make test-deps installs it)"
fi

# bad levels
sed 's/ci = 95/ci = 120/' plain.lua >bad.lua
expect_exit "ci = 120" 1 "$TALLY" run bad.lua
expect_contains "ci = 120: says what it needs" "$TMP/stderr" "frequencies: ci must be a confidence level like 95, not 120"
sed 's/means = { mean_age = "age" } }/means = { mean_age = "age" }, level = 0 }/' plain.lua >bad2.lua
expect_exit "level = 0" 1 "$TALLY" run bad2.lua
expect_contains "level = 0: says what it needs" "$TMP/stderr" "confidence level must be a percentage between 0 and 100 (e.g. 95), not 0"
finish
