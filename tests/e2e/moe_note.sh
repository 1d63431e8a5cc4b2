# moe_note.sh: the report-level margin-of-error note (report { moe_note = true }) against a hand computation:
# 1.96 sqrt(0.25 / n) on the smallest base of the report's percentages, effective when weighted; in every output.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
cd "$TMP" || exit 1
export SOURCE_DATE_EPOCH=1609459200

# 50 cases: grp 1 (16 cases) and 2 (34); q is missing in 10 cases of grp 2, so q's valid base is 40 and the
# crosstab's column bases are 16 and 24; w weighs the first 10 cases 3, the others 1. size puts cases 1-4 in
# class 1 (4 answer q: below 10, marked **), 5-16 in class 2 (12, marked *) and 17-50 in class 3 (24 answer q, *).
awk 'BEGIN { print "id,grp,q,w,size"
  for (i = 1; i <= 50; i++) print i "," (i <= 16 ? 1 : 2) "," (i > 40 ? "" : i % 3 ? 1 : 2) "," (i <= 10 ? 3 : 1) "," (i <= 4 ? 1 : i <= 16 ? 2 : 3) }' >m.csv
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
# low bases: a banner whose columns carry the * and ** marks, next to the frequencies' unmarked base of 40
LOWB='stage "banner" { dataset = "s", rows = { "q" }, columns = { "size" }, min_base = 10 }'
cfg low ", moe_note = true" "" "$FREQ $LOWB"
cfg lowde ", moe_note = true, language = \"de\"" "" "$FREQ $LOWB"
cfg lowzh ", moe_note = true, language = \"zh\"" "" "$FREQ $LOWB"
cfg lowonly ", moe_note = true" "" "$LOWB"
cfg lowwtd ", moe_note = true" ', weight = "w"' "$LOWB"
# every column marked: * below 100 takes in the Total (40) and classes 2 and 3; with levels 100 and 50 all are **
ALLB='stage "banner" { dataset = "s", rows = { "q" }, columns = { "size" }, low_base = 100, min_base = 10 }'
cfg allmarked ", moe_note = true" "" "$ALLB"
cfg allmarkedde ", moe_note = true, language = \"de\"" "" "$ALLB"
cfg allmarkedzh ", moe_note = true, language = \"zh\"" "" "$ALLB"
cfg allvery ", moe_note = true" "" 'stage "banner" { dataset = "s", rows = { "q" }, columns = { "size" }, low_base = { 100, 50 } }'
for c in off freq xtab wtd de book low lowde lowzh lowonly lowwtd allmarked allmarkedde allmarkedzh allvery; do expect_exit "run $c" 0 "$TALLY" run $c.lua; done

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
# the banner's columns (16 and 24 cases) carry the low-base mark *: the headline margin is on the unmarked base of
# 40 (the valid cases of q and the banner's Total), the marked columns get a margin of their own
value moe_max book.json "100 * $Z * (0.25 / 40) ** 0.5" "with a stacked banner: the smallest unmarked base, 40 cases"
value moe_low_max book.json "100 * $Z * (0.25 / 16) ** 0.5" "with a stacked banner: its smallest marked column, 16 cases"
if $PY -c "
import openpyxl, sys
ws = openpyxl.load_workbook('out/xtab.xlsx').worksheets[0]
rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
hit = [b for a, b in zip(rows, rows[1:]) if a[0] == 'Largest margin of error:' and b[0] and '±24.5 percentage points' in b[0]]
sys.exit(0 if hit else 'no Margin of error row in %r' % rows[:12])"; then ok "XLSX: the note on the contents sheet"
else not_ok "XLSX: the note on the contents sheet"; fi
expect_contains "German: the note translated" out/de.md \
  "Größte Fehlermarge (95 % Konfidenz): ±24,5 Prozentpunkte, für einen Anteil von 50 % auf der kleinsten Basis der Prozentwerte dieses Berichts (N = 16)."

# weighted: the effective base is 40 over the weighting's design effect, n sum(w^2) / sum(w)^2 over the 50 cases
DEFF="50 * (10 * 9 + 40) / (10 * 3 + 40) ** 2"
value moe_neff wtd.json "40 / ($DEFF)" "weighted: the effective base, 40 / Kish's design effect"
value moe_max wtd.json "100 * $Z * (0.25 * ($DEFF) / 40) ** 0.5" "weighted: the margin on the effective base"
expect_contains "weighted: the note states both bases" out/wtd.md "(N = 40 unweighted, effective base 30.2)."

# low bases: headline 40 cases (15.5 points), columns marked * up to 28.3 points on 12 cases, the ** column of 4
# cases left out, in every output and language
value moe_max low.json "100 * $Z * (0.25 / 40) ** 0.5" "low bases: the headline margin on the smallest unmarked base, 40"
value moe_base low.json 40 "low bases: the headline base"
value moe_low_max low.json "100 * $Z * (0.25 / 12) ** 0.5" "low bases: the margin of the smallest column marked *, 12 cases"
value moe_low_base low.json 12 "low bases: the base of the smallest column marked *"
value moe_left_out_below low.json 10 "low bases: columns under 10 cases (marked **) are left out"
LOWNOTE="Largest margin of error (95% confidence): ±15.5 percentage points, for a percentage of 50% on the smallest base of this report's percentages without a low-base mark (N = 40). Columns marked * (base below 30) have wider margins, up to ±28.3 percentage points (N = 12). Columns marked ** (base below 10) are left out of these figures: on so few cases a margin of error says little."
md() { printf '%s' "$1" | sed 's/\*/\\*/g'; } # Markdown escapes the marks, so that they show as * and ** and start no emphasis
expect_contains "low bases: Markdown states all three" out/low.md "$(md "$LOWNOTE")"
expect_contains "low bases: HTML states all three" out/low.html "$LOWNOTE"
if grep -q "(N = 4)" out/low.md; then not_ok "low bases: the ** column is not the headline"; else ok "low bases: the ** column is not the headline"; fi
if $PY -c "
import openpyxl, sys
ws = openpyxl.load_workbook('out/low.xlsx').worksheets[0]
rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
hit = [b for a, b in zip(rows, rows[1:]) if a[0] == 'Largest margin of error:' and b[0] == sys.argv[1]]
sys.exit(0 if hit else 'no such row in %r' % rows[:12])" "$LOWNOTE"; then ok "low bases: XLSX contents sheet states all three"
else not_ok "low bases: XLSX contents sheet states all three"; fi
# the long note wraps under its label in a row as tall as its lines (left on one line it made the printed sheet tiny)
if $PY -c "
import openpyxl, sys
ws = openpyxl.load_workbook('out/low.xlsx').worksheets[0]
row = [r for r in ws.iter_rows() if r[0].value == 'Largest margin of error:'][0]
b = ws.cell(row[0].row + 1, 1)
h = ws.row_dimensions[b.row].height
sys.exit(0 if b.alignment.wrap_text and h and h >= 60 and ws.column_dimensions['A'].width <= 70
         else 'wrap %r, height %r, width %r' % (b.alignment.wrap_text, h, ws.column_dimensions['A'].width))"
then ok "low bases: XLSX note wraps in a tall row"; else not_ok "low bases: XLSX note wraps in a tall row"; fi
if $PY -c "
import json, sys
sys.exit(0 if json.load(open('out/low.json'))['values']['moe_note']['text'] == sys.argv[1] else 'JSON moe_note differs')" "$LOWNOTE"
then ok "low bases: JSON moe_note states all three"; else not_ok "low bases: JSON moe_note states all three"; fi
expect_contains "low bases: German" out/lowde.md "$(md \
  "Größte Fehlermarge (95 % Konfidenz): ±15,5 Prozentpunkte, für einen Anteil von 50 % auf der kleinsten Basis der Prozentwerte dieses Berichts ohne Markierung kleiner Basis (N = 40). Mit * markierte Spalten (Basis unter 30) haben größere Fehlermargen, bis ±28,3 Prozentpunkte (N = 12). Mit ** markierte Spalten (Basis unter 10) sind hier nicht berücksichtigt: Bei so wenigen Fällen sagt eine Fehlermarge wenig aus.")"
expect_contains "low bases: Chinese" out/lowzh.md "±28.3"
expect_contains "low bases: Chinese names the ** columns" out/lowzh.md '标记 \*\* 的列（基数低于 10）未计入上述数字' 
# the banner alone: its Total is the unmarked base, and the base of its percentages is the 40 cases that answered q,
# not the column's 50 respondents
value moe_max lowonly.json "100 * $Z * (0.25 / 40) ** 0.5" "banner alone: the headline on its unmarked Total, 40 cases"
# weighted banner: each section's effective base, (sum w)^2 / sum w^2 over the cases that answered q: the Total's
# 40 cases (10 of weight 3) give 60^2 / 120 = 30, class 2's 12 cases (6 of weight 3) 24^2 / 60 = 9.6
value moe_base lowwtd.json 40 "weighted banner: the unweighted base of the unmarked Total"
value moe_neff lowwtd.json 30 "weighted banner: the Total's effective base"
value moe_low_neff lowwtd.json 9.6 "weighted banner: the effective base of the smallest column marked *"
value moe_low_max lowwtd.json "100 * $Z * (0.25 / 9.6) ** 0.5" "weighted banner: its margin on the effective base"

# every column marked: no base without a low-base mark, so the headline rests on the smallest * column (12 cases,
# 28.3 points) and says so; it used to call that column one "without a low-base mark"
# absent NAME FILE DESC: the JSON has no named value NAME.
absent() {
  if $PY -c "
import json, sys
sys.exit('$1' in json.load(open('out/$2'))['values'])"; then ok "$3"; else not_ok "$3"; fi
}
value moe_max allmarked.json "100 * $Z * (0.25 / 12) ** 0.5" "every column marked: the headline on the smallest * column, 12 cases"
value moe_base allmarked.json 12 "every column marked: the headline base"
value moe_mark_below allmarked.json 100 "every column marked: the mark level of the headline's columns"
value moe_left_out_below allmarked.json 10 "every column marked: the ** column is still left out"
absent moe_low_max allmarked.json "every column marked: no second margin for the * columns, they are the headline"
ALLNOTE="Largest margin of error (95% confidence): ±28.3 percentage points, for a percentage of 50% on the smallest base of this report's columns marked * (base below 100; N = 12). Every column of this report carries a low-base mark. Columns marked ** (base below 10) are left out of these figures: on so few cases a margin of error says little."
expect_contains "every column marked: Markdown says the headline's columns are marked" out/allmarked.md "$(md "$ALLNOTE")"
expect_contains "every column marked: HTML" out/allmarked.html "$ALLNOTE"
if $PY -c "
import json, sys
sys.exit(0 if json.load(open('out/allmarked.json'))['values']['moe_note']['text'] == sys.argv[1] else 'JSON moe_note differs')" "$ALLNOTE"
then ok "every column marked: JSON moe_note"; else not_ok "every column marked: JSON moe_note"; fi
for f in allmarked.md allmarkedde.md allmarkedzh.md allvery.md; do
  if grep -q "without a low-base mark\|ohne Markierung kleiner Basis\|未标记小基数" "out/$f"; then not_ok "$f: no claim of an unmarked base"
  else ok "$f: no claim of an unmarked base"; fi
done
expect_contains "every column marked: German" out/allmarkedde.md "$(md \
  "Größte Fehlermarge (95 % Konfidenz): ±28,3 Prozentpunkte, für einen Anteil von 50 % auf der kleinsten Basis der mit * markierten Spalten dieses Berichts (Basis unter 100; N = 12). Jede Spalte dieses Berichts trägt eine Markierung kleiner Basis.")"
expect_contains "every column marked: Chinese" out/allmarkedzh.md "$(md \
  "最大误差范围（95% 置信度）：±28.3 个百分点，按本报告标记 * 的列（基数低于 100）中最小基数上 50% 的比例计算（N = 12）。本报告的每一列都带有小基数标记。")"
# every column marked **: the headline falls to the smallest of them (4 cases, 49.0 points) and says what such a margin is
value moe_max allvery.json "100 * $Z * (0.25 / 4) ** 0.5" "every column marked **: the headline on the smallest, 4 cases"
value moe_base allvery.json 4 "every column marked **: the headline base"
value moe_mark_below allvery.json 50 "every column marked **: the mark level of the headline's columns"
absent moe_left_out_below allvery.json "every column marked **: nothing is left out"
absent moe_low_max allvery.json "every column marked **: no * columns"
expect_contains "every column marked **: Markdown" out/allvery.md "$(md \
  "Largest margin of error (95% confidence): ±49.0 percentage points, for a percentage of 50% on the smallest base of this report's columns, all marked ** (base below 50; N = 4): on so few cases a margin of error says little.")"
absent moe_mark_below low.json "columns marked and unmarked: no mark level for the headline"

# off by default: no note, no value
if grep -qi "margin of error" out/off.md; then not_ok "off by default: no note in Markdown"; else ok "off by default: no note in Markdown"; fi
if $PY -c "
import json, sys
sys.exit('moe_max' in json.load(open('out/off.json'))['values'])"; then ok "off by default: no value in JSON"
else not_ok "off by default: no value in JSON"; fi
finish
