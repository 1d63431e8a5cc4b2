#!/bin/sh
# banner_outputs.sh: a tab book by a 12-column banner in all four outputs: merged XLSX headers, frozen panes and print titles (openpyxl),
# HTML header rows printed uncut on A4 landscape (Chromium), Markdown one table per banner variable, JSON numbers; tabbook order and contents.
. tests/lib.sh
cat >"$TMP/gen.py" <<'PY'
import random, sys
r = random.Random(11)
with open(sys.argv[1], "w") as f:
    f.write("id,region,agegrp,satis,rating,media_tv,media_web,media_print,note,w\n")
    for i in range(1, 481):
        reg, age = r.randint(1, 5), r.randint(1, 6)
        satis = min(5, max(1, int(r.gauss(2.6 + 0.3 * (reg == 1), 1.2) + 0.5)))
        rating = round(r.gauss(6 + 0.5 * (age > 3), 1.8), 1)
        tv, web, pr = int(r.random() < 0.3 + 0.08 * age), int(r.random() < 0.8 - 0.1 * age), int(r.random() < 0.2)
        f.write("%d,%d,%d,%d,%.1f,%d,%d,%d,text %d,%.2f\n" % (i, reg, age, satis, rating, tv, web, pr, i, 0.5 + r.random()))
PY
$PY "$TMP/gen.py" "$TMP/survey.csv"
cat >"$TMP/survey.codebook.lua" <<'CB'
variable "region" { label = "Region", values = { [1] = "North", [2] = "East", [3] = "South", [4] = "West", [5] = "Centre" } }
variable "agegrp" { label = "Age group", values = { [1] = "18-24", [2] = "25-34", [3] = "35-44", [4] = "45-54", [5] = "55-64", [6] = "65+" } }
variable "satis" { label = "How satisfied are you with the service?",
  values = { [1] = "Very dissatisfied", [2] = "Dissatisfied", [3] = "Neutral", [4] = "Satisfied", [5] = "Very satisfied" } }
variable "rating" { label = "Rating of the service (0-10)", measure = "scale" }
variable "media_tv" { label = "Television", values = { [0] = "no", [1] = "yes" } }
variable "media_web" { label = "Internet", values = { [0] = "no", [1] = "yes" } }
variable "media_print" { label = "Newspapers", values = { [0] = "no", [1] = "yes" } }
mrset "media" { label = "Where do you get your news?", kind = "dichotomy", counted = 1, columns = "media_*" }
weight "w"
CB
{ cat <<'CFG'
report { title = "Service survey: tab book", language = "en" }
input "s" { plugin = "csv", path = "survey.csv", codebook = "survey.codebook.lua" }
stage "tabbook" { dataset = "s", banner = { "region", "agegrp" }, exclude = { "id" },
  nets = { ["Top 2 box"] = { 4, 5 } } }
stage "crosstab" { dataset = "s", row = "media_web", column = "agegrp", values = "xt" }
CFG
  all_outputs book; } >"$TMP/book.lua"
expect_exit "tab book runs" 0 "$TALLY" run "$TMP/book.lua"
cat >"$TMP/check.py" <<'PY'
import json, sys, openpyxl
d = sys.argv[1]
fails = 0
def check(what, good, detail=""):
    global fails
    print(("ok - " if good else "not ok - ") + what + ("" if good else "  # %s" % (detail,)))
    fails += not good
rep = json.load(open(d + "/book.json"))
ids = [t["id"] for t in rep["tables"] if t["id"].startswith("tab_")]
xt = rep["values"].get("xt_p", {})
check("named value p below .001: the number kept, the text '< .001'", isinstance(xt.get("number"), float) and xt["number"] < 0.001 and xt.get("text") == "< .001", xt)
check("tabbook: questionnaire order, set where its first variable stands, banner, weight and text left out",
      ids == ["tab_satis", "tab_rating", "tab_media"], ids)
b = rep["tables"][0]["banner"]
check("banner: Total plus 5 regions and 6 age groups = 12 columns", len(b["columns"]) == 12, len(b["columns"]))
check("banner: letters A..K on the categories", [c["letter"] for c in b["columns"]] == [""] + list("ABCDEFGHIJK"))
nums = [v for s in b["sections"] for r in s["rows"] for c in r["cells"] for k, v in c.items() if k in ("count", "col_pct", "row_pct", "total_pct", "value")]
check("json: every statistic a number", nums and all(isinstance(v, (int, float)) for v in nums), len(nums))
rows = {r["label"]: r for r in b["sections"][0]["rows"]}
check("json: weighted, unweighted and effective base rows", all(k in rows for k in ("Base", "Unweighted base", "Effective base")))
top = rows.get("Top 2 box", {}).get("cells", [{}])[0].get("count")
sat = rows["Satisfied"]["cells"][0]["count"] + rows["Very satisfied"]["cells"][0]["count"]
check("json: net Top 2 box = Satisfied + Very satisfied", top is not None and abs(top - sat) < 1e-9, (top, sat))
rating = rep["tables"][1]["banner"]["sections"][0]["rows"]
check("scale question: Mean, Std. deviation, Median, N rows", [r["label"] for r in rating if r["type"] == "stat"] == ["Mean", "Std. deviation", "Median", "N"])
check("effective-base note under a weight", any("effective base" in n for n in rep["tables"][0]["notes"]))
# XLSX: merged headers, frozen panes, print titles, landscape fit to width
wb = openpyxl.load_workbook(d + "/book.xlsx")
names = wb.sheetnames
check("xlsx: a contents sheet and one sheet per table", len(names) == 5, names)
contents = [str(c.value) for row in wb[names[0]].iter_rows() for c in row if c.value]
check("xlsx: a contents entry per table", all(any(t["title"] in x for x in contents) for t in rep["tables"]), contents[:8])
ws = wb[names[1]]
merged = {str(m) for m in ws.merged_cells.ranges}
hdr = None
for row in ws.iter_rows(min_row=1, max_row=8):
    for c in row:
        if c.value == "Region": hdr = c
check("xlsx: the Region header found", hdr is not None)
if hdr:
    r = hdr.row
    check("xlsx: Region merged over its 5 columns (C..G)", "C%d:G%d" % (r, r) in merged, sorted(merged))
    check("xlsx: Age group merged over its 6 columns (H..M)", "H%d:M%d" % (r, r) in merged, sorted(merged))
    check("xlsx: Total merged over both header rows", "B%d:B%d" % (r, r + 1) in merged, sorted(merged))
    check("xlsx: category header with its letter", ws.cell(row=r + 1, column=3).value == "North (A)", ws.cell(row=r + 1, column=3).value)
    check("xlsx: headers centred", hdr.alignment.horizontal == "center", hdr.alignment.horizontal)
    check("xlsx: headers bordered", hdr.border.left.style == "thin" and hdr.border.top.style == "thin")
    check("xlsx: header rows frozen (and the stub column)", ws.freeze_panes == "B%d" % (r + 2), ws.freeze_panes)
    check("xlsx: header rows repeated on printed pages", ws.print_title_rows == "$%d:$%d" % (r, r + 1), ws.print_title_rows)
check("xlsx: printed landscape", ws.page_setup.orientation == "landscape", ws.page_setup.orientation)
# fitToWidth left out of the XML means 1 (its default in the file format)
check("xlsx: fit to one page wide, pages down as needed", ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0,
      (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight))
# stacked cells: the column % row with letters in its number format, then the count row (as the HTML)
lab = [c.value for c in ws["A"]]
i = lab.index("Satisfied") + 1
pct, cnt = ws.cell(row=i, column=2), ws.cell(row=i + 1, column=2)
check("xlsx stacked: column % then count (as numbers)", isinstance(cnt.value, (int, float)) and "%" not in cnt.number_format and isinstance(pct.value, float) and pct.number_format.startswith("0.0%"), (pct.value, pct.number_format, cnt.value))
lettered = [ws.cell(row=j, column=k).number_format for j in range(1, ws.max_row + 1) for k in range(3, 14) if '"' in str(ws.cell(row=j, column=k).number_format) and '%' in str(ws.cell(row=j, column=k).number_format)]
check("xlsx: letters shown beside the figure (in its number format)", len(lettered) > 0, lettered[:3])
# Markdown: one table per banner variable, each with Total
md = open(d + "/book.md").read()
check("markdown: a table per banner variable", md.count("**Region**") == 3 and md.count("**Age group**") == 3)
check("markdown: percent, count and letters in one cell", any("%" in l and "(" in l for l in md.splitlines() if l.startswith("| Satisfied")))
# HTML: real header rows
h = open(d + "/book.html").read()
check("html: the banner variable spans its columns", '<th colspan="5">Region</th>' in h and '<th colspan="6">Age group</th>' in h)
check("html: Total spans the header rows", '<th class="total" rowspan="2">Total</th>' in h)
check("html: print stylesheet for A4 landscape", "@page{size:A4 landscape" in h)
sys.exit(1 if fails else 0)
PY
if [ -s "$TMP/book.json" ]; then $PY "$TMP/check.py" "$TMP" || failures=$((failures + 1)); else not_ok "outputs written"; fi
# the Markdown round-trips through cmark-gfm: every pipe table comes back as an HTML table
if command -v cmark-gfm >/dev/null 2>&1; then
  n_md=$(grep -c '^| :--- |' "$TMP/book.md")
  n_html=$(cmark-gfm -e table "$TMP/book.md" | grep -c '<table>')
  if [ "$n_md" = "$n_html" ] && [ "$n_md" -gt 0 ]; then ok "markdown: $n_md tables round-trip through cmark-gfm"; else not_ok "markdown: $n_md pipe tables, $n_html from cmark-gfm"; fi
else
  not_ok "cmark-gfm is installed (make test-deps installs it)"
fi
# printed with Chromium on A4 landscape: every column header of the 12-column banner on the first page
if command -v chromium >/dev/null 2>&1; then
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --no-pdf-header-footer --user-data-dir="$TMP/chr" --print-to-pdf="$TMP/book.pdf" \
    "file://$TMP/book.html" >/dev/null 2>&1
  if [ -s "$TMP/book.pdf" ]; then
    pdftotext -f 1 -l 1 "$TMP/book.pdf" "$TMP/p1.txt"
    miss=""
    for w in Total North East South West Centre 18-24 25-34 35-44 45-54 55-64 65+ "(K)"; do grep -qF -- "$w" "$TMP/p1.txt" || miss="$miss $w"; done
    if [ -z "$miss" ]; then ok "html printed: all 12 banner columns on page 1"; else not_ok "html printed: missing on page 1:$miss"; fi
    pdfinfo "$TMP/book.pdf" | grep -q "841.* x 59[45]" && ok "html printed on A4 landscape" || not_ok "html printed on A4 landscape: $(pdfinfo "$TMP/book.pdf" | grep 'Page size')"
  else not_ok "chromium printed the page"; fi
else
  not_ok "chromium is installed (make test-deps installs it)"
fi
finish
