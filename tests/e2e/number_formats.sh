# number_formats.sh: number formats by column kind: counts and unweighted bases whole, weighted
# counts with the decimals the user sets (default 0), percents one decimal, means two; the
# descriptives base line states the bases the rows use. Hand-computed from the five rows below.
. tests/lib.sh
cat >"$TMP/s.csv" <<'CSV'
id,region,partner,income,age,w
1,West,1,2100,40,1.5
2,West,2,1800,51,0.5
3,East,1,2500,,1
4,East,1,,33,2.25
5,West,2,3000,62,1
CSV
cat >"$TMP/f.lua" <<'CFG'
report { title = "Formats", outdir = "out" }
input "s" { path = "s.csv", weight = "w" }
stage "crosstab" { dataset = "s", row = "region", column = "partner", table_id = "x0" }
stage "crosstab" { dataset = "s", row = "region", column = "partner", table_id = "x1", count_decimals = 1 }
stage "descriptives" { dataset = "s", variables = { "income", "age" }, table_id = "d" }
stage "descriptives" { dataset = "s", variables = { "income", "age" }, table_id = "du", weight = false }
output "markdown" { path = "f.md" }
output "xlsx" { path = "f.xlsx" }
CFG
expect_exit "the report runs" 0 "$TALLY" run "$TMP/f.lua"
md="$TMP/out/f.md"
# West x 1: weight 1.5 -> "2" by default (halves away from zero), "1.5" with count_decimals = 1;
# East x 1: 1 + 2.25 = 3.25 -> 68.4% of partner 1 (4.75), 52.0% of all (6.25); income mean (2100*1.5 +
# 1800*.5 + 2500 + 3000) / 4 = 2387.50;
# East x 2: no case -> "0" and "0.0", as its neighbours; unweighted bases 3 and 2, whole either way
expect_contains "default: weighted counts whole" "$md" "| West | 2 | 31.6% | 2 | 100.0% | 3 | 48.0% |"
expect_contains "count_decimals = 1: one decimal, zero cells too" "$md" "| East | 3.3 | 68.4% | 0.0 | 0.0% | 3.3 | 52.0% |"
expect_contains "base line: weighted N with the count decimals (6.25 -> 6)" "$md" "*Base: N = 6 weighted, 5 unweighted*"
expect_contains "base line with count_decimals = 1" "$md" "*Base: N = 6.3 weighted, 5 unweighted*"
expect_contains "the unweighted base row is whole" "$md" "| Unweighted base | 3 |  | 2 |  | 5 |  |"
# income valid in rows 1,2,3,5 (weights 4.0), age in 1,2,4,5 (weights 5.25): N differs per row
expect_contains "descriptives base states the rows' bases" "$md" "*Base: N = 4 to 5 weighted, 4 unweighted*"
expect_contains "unweighted descriptives: one base" "$md" "*Base: N = 4*"
expect_contains "means and SDs with two decimals" "$md" "| income | 4 | 2387.50 |"
cat >"$TMP/x.py" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
bad = []
for ws in wb.worksheets[1:]:
    for row in ws.iter_rows():
        if row[0].value == "Unweighted base":
            bad += [f"{ws.title}!{c.coordinate} {c.number_format}" for c in row[1:] if isinstance(c.value, (int, float)) and c.number_format != "0"]
x1 = [ws for ws in wb.worksheets if ws["A1"].value and ws.title.startswith("Table 2")][0]
fmts = {c.number_format for row in x1.iter_rows() for c in row if isinstance(c.value, (int, float)) and row[0].value in ("West", "East")}
print("bases not whole:", bad, "x1 formats:", fmts)
sys.exit(1 if bad or "0.0" not in fmts else 0)
PY
check "xlsx: unweighted bases with format 0, count_decimals = 1 as 0.0" $PY "$TMP/x.py" "$TMP/out/f.xlsx"
finish
