# moe_note.sh: the report-level margin-of-error note (report { moe_note = true }) against a hand computation:
# 1.96 sqrt(0.25 / n) on the smallest base of the report's percentages, effective when weighted; in every output.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
cd "$TMP" || exit 1
export SOURCE_DATE_EPOCH=1609459200

# 50 cases: grp 1 (16 cases) and 2 (34); q is missing in 10 cases of grp 2, so q's valid base is 40 and the
# crosstab's column bases are 16 and 24; w weighs the first 10 cases 3, the others 1.
awk 'BEGIN { print "id,grp,q,w"
  for (i = 1; i <= 50; i++) print i "," (i <= 16 ? 1 : 2) "," (i > 40 ? "" : i % 3 ? 1 : 2) "," (i <= 10 ? 3 : 1) }' >m.csv
cfg() { # cfg NAME REPORT-OPTIONS INPUT-OPTIONS STAGES: the report in JSON, Markdown, HTML and XLSX
  { echo "report { title = \"moe\", outdir = \"out\" $2 }"; echo "input \"s\" { path = \"m.csv\" $3 }"; echo "$4"
    for o in json:json markdown:md html:html xlsx:xlsx; do echo "output \"${o%:*}\" { path = \"$1.${o#*:}\" }"; done
  } >"$1.lua"
}
FREQ='stage "frequencies" { dataset = "s", variables = { "q" } }'
XTAB='stage "crosstab" { dataset = "s", row = "q", column = "grp" }'
cfg off "" "" "$FREQ"
cfg freq ", moe_note = true" "" "$FREQ"
cfg xtab ", moe_note = true" "" "$FREQ $XTAB"
cfg wtd ", moe_note = true" ', weight = "w"' "$FREQ"
cfg de ", moe_note = true, language = \"de\"" "" "$FREQ $XTAB"
# a banner in its default stacked cells (count over column %, laid out as text): its column bases count too
cfg book ", moe_note = true" "" "$FREQ"' stage "banner" { dataset = "s", rows = { "q" }, columns = { "grp" } }'
for c in off freq xtab wtd de book; do expect_exit "run $c" 0 "$TALLY" run $c.lua; done

# value NAME FILE WANT DESC: the JSON's named value NAME is the number WANT (1e-9 relative).
value() {
  if $PY -c "
import json, sys
v = json.load(open('out/$2'))['values'].get('$1')
want = $3
sys.exit(0 if v and abs(v['number'] - want) <= 1e-9 * abs(want) else 'got %r, want %r' % (v, want))"; then ok "$4"
  else not_ok "$4"; fi
}
Z=1.959963984540054
value moe_max freq.json "100 * $Z * (0.25 / 40) ** 0.5" "frequencies only: the valid base of 40, 15.5 points"
value moe_base freq.json 40 "frequencies only: the base it refers to"
value moe_max xtab.json "100 * $Z * (0.25 / 16) ** 0.5" "with a crosstab: its smallest column base, 16 cases, 24.5 points"
expect_contains "Markdown: the note" out/xtab.md \
  "Largest margin of error (95% confidence): ±24.5 percentage points, for a percentage of 50% on the smallest base of this report's percentages (N = 16)."
expect_contains "HTML: the note" out/xtab.html "±24.5 percentage points"
value moe_max book.json "100 * $Z * (0.25 / 16) ** 0.5" "with a stacked banner: its smallest column base, 16 cases"
if $PY -c "
import openpyxl, sys
ws = openpyxl.load_workbook('out/xtab.xlsx').worksheets[0]
rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
hit = [r for r in rows if r[0] == 'Largest margin of error:' and r[1] and '±24.5 percentage points' in r[1]]
sys.exit(0 if hit else 'no Margin of error row in %r' % rows[:12])"; then ok "XLSX: the note on the contents sheet"
else not_ok "XLSX: the note on the contents sheet"; fi
expect_contains "German: the note translated" out/de.md \
  "Größte Fehlermarge (95 % Konfidenz): ±24,5 Prozentpunkte, für einen Anteil von 50 % auf der kleinsten Basis der Prozentwerte dieses Berichts (N = 16)."

# weighted: the effective base is 40 over the weighting's design effect, n sum(w^2) / sum(w)^2 over the 50 cases
DEFF="50 * (10 * 9 + 40) / (10 * 3 + 40) ** 2"
value moe_neff wtd.json "40 / ($DEFF)" "weighted: the effective base, 40 / Kish's design effect"
value moe_max wtd.json "100 * $Z * (0.25 * ($DEFF) / 40) ** 0.5" "weighted: the margin on the effective base"
expect_contains "weighted: the note states both bases" out/wtd.md "(N = 40 unweighted, effective base 30.2)."

# off by default: no note, no value
if grep -qi "margin of error" out/off.md; then not_ok "off by default: no note in Markdown"; else ok "off by default: no note in Markdown"; fi
if $PY -c "
import json, sys
sys.exit('moe_max' in json.load(open('out/off.json'))['values'])"; then ok "off by default: no value in JSON"
else not_ok "off by default: no value in JSON"; fi
finish
