#!/bin/sh
# flagship_partner_view.sh: the flagship report as a partner reads it: a banner cell shows column % over count in every
# output, the tab-book note names only the tests its table ran (en/de/zh), value labels are capitalised alike, the
# workbook's contents list full titles (never an internal id) and the HTML page has a contents list linked to its tables.
. tests/lib.sh
ROOT=$(pwd)
expect_exit "the flagship report runs" 0 "$TALLY" run "$ROOT/config/city-survey.lua" --outdir "$TMP/out"
cat >"$TMP/check.py" <<'PY'
import json, re, sys, openpyxl
from tap import Tap  # tests/tap.py, on PYTHONPATH
d = sys.argv[1]
tap = Tap()
def check(desc, cond, got=None):
    tap.check(cond, desc, got)

# 1. one cell order everywhere: column % first, the count under it (after it)
wb = openpyxl.load_workbook(d + "/city-survey.xlsx")
contents = wb[wb.sheetnames[0]]
book = None
for name in wb.sheetnames:
    ws = wb[name]
    if any(str(c.value).startswith("City size class") for r in ws.iter_rows(max_row=6) for c in r if c.value):
        book = ws
        break
check("xlsx: a tab-book sheet", book is not None)
if book is not None:
    econ = [r for r in book.iter_rows() if r[0].value == "Economy"]
    check("xlsx: the Economy row", len(econ) == 1)
    if econ:
        top, below = econ[0][1], book.cell(row=econ[0][1].row + 1, column=2)
        check("xlsx: the Total cell's first line is the column % (0.783, a % format)",
              isinstance(top.value, float) and abs(top.value - 36 / 46) < 1e-9 and "%" in top.number_format,
              (top.value, top.number_format))
        check("xlsx: the count (36) is on the line under it", below.value == 36 and "%" not in below.number_format,
              (below.value, below.number_format))
html = open(d + "/city-survey.html", encoding="utf-8").read()
m = re.search(r'<tr class="category"><th scope="row">Economy</th><td>(.*?)</td>', html)
check("html: the Economy row of the tab book", m is not None)
if m:
    cell = m.group(1)
    check("html: column % before the count", cell.find("78.3%") >= 0 and cell.find("78.3%") < cell.find('class="n">36<'), cell)
md = open(d + "/city-survey.md", encoding="utf-8").read()
check("markdown: the tab book's Economy cell reads '78.3% (36)'", re.search(r"^\| Economy \| 78\.3% \(36\) \|", md, re.M) is not None)
rep = json.load(open(d + "/city-survey.json", encoding="utf-8"))
bt = [t for t in rep["tables"] if t.get("banner")]
check("json: the report has tab-book tables", len(bt) == 2, len(bt))
cells = [c for t in bt for s in t["banner"]["sections"] for r in s["rows"] if r["type"] == "category" for c in r["cells"]]
check("json: every banner cell lists col_pct before count", cells and all(list(c).index("col_pct") < list(c).index("count") for c in cells))
flat = bt[0]["rows"]
i = [k for k, r in enumerate(flat) if r["label"] == "Economy"][0]
check("json: the flat table's Economy line is the column %, the next line the count",
      flat[i]["cells"][1] == "78.3%" and flat[i + 1]["cells"][1] == "36", (flat[i]["cells"][1], flat[i + 1]["cells"][1]))

# 2. the note names only the tests the table ran: the flagship's tab book has no means
notes = [n for t in bt for n in t["notes"] if n.startswith("Letters mark")]
check("json: the tab book's note names the z-test", notes and all("z-test" in n for n in notes), notes)
check("json: and no t-test (the tab book has no means)", notes and not any("t-test" in n for n in notes), notes)
check("html: no 'means by t-test' in the page", "means by t-test" not in html)

# 3. value labels capitalised alike: the vitality classes as the size classes and the article's charts
vit = [t for t in rep["tables"] if t["id"] == "freq_cn_vitality"][0]
labels = [r["label"] for r in vit["rows"] if r["type"] == "category"]
check("json: the vitality labels start upper case", labels and all(l[:1].isupper() for l in labels), labels)
cols = [c["label"] for c in bt[0]["banner"]["columns"] if not c["total"]]
check("json: every banner column label starts upper case or with a figure", all(l[:1].isupper() or l[:1].isdigit() for l in cols), cols)

# 4. the contents sheet: whole titles, never an internal id, and wide or wrapped enough to read
links = [c for r in contents.iter_rows() for c in r if c.hyperlink]
texts = [str(c.value) for c in links]
titles = [t["title"] for t in rep["tables"]]
check("xlsx: a contents link per table", len(links) == len(titles), (len(links), len(titles)))
ids = [t["id"] for t in rep["tables"]]
shows_id = lambda x: x in ids or any("(%s)" % i in x for i in ids)
check("xlsx: no contents line shows an internal id", not any(map(shows_id, texts)), [x for x in texts if shows_id(x)])
check("xlsx: every title whole in its line", all(t in x for t, x in zip(titles, texts)), [(t, x) for t, x in zip(titles, texts) if t not in x][:3])
check("xlsx: no two contents lines read the same", len(set(texts)) == len(texts))
width = contents.column_dimensions["A"].width or 8.43
long = [c for c in links if len(str(c.value)) * 1.0 > width]
check("xlsx: a title longer than column A wraps (and its row is tall enough)",
      long and all(c.alignment.wrap_text for c in long)
      and all((contents.row_dimensions[c.row].height or 15) >= 15 * -(-len(str(c.value)) // int(width * 1.15)) for c in long),
      [(str(c.value)[:30], c.alignment.wrap_text, contents.row_dimensions[c.row].height, width) for c in long][:3])

# 5. the HTML contents list: a link to each table shown, each anchor there
nav = re.search(r'<nav class="contents">(.*?)</nav>', html, re.S)
check("html: a contents list", nav is not None)
if nav:
    hrefs = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', nav.group(1))
    anchors = re.findall(r'<(?:table|div class="banner-wrap") id="([^"]+)"', html)
    check("html: each table carries its id itself (no element between heading and table)", len(anchors) == len(set(anchors)) and 'class="table-anchor"' not in html)
    anchors = set(anchors)
    check("html: a contents line per table of the page (%d)" % len(hrefs), len(hrefs) == len(anchors) == len(titles), (len(hrefs), len(anchors)))
    check("html: every contents link has its anchor", all(h in anchors for h, _ in hrefs))
    check("html: the contents list stands before the first section", html.find('<nav class="contents">') < html.find("<h2>Response"))
    check("html: no contents line shows an internal id", not any(shows_id(t) for _, t in hrefs))
    check("html: printed, the list is small type and its links plain text", "nav.contents{font-size:8.5pt}" in html and "nav.contents a{color:inherit;text-decoration:none}" in html)
    check("html: the list adds no heading to the page's outline", "<h2>Contents" not in html and "<h1>Contents" not in html)
tap.exit()
PY
PYTHONPATH="$ROOT/tests" $PY "$TMP/check.py" "$TMP/out" || failures=$((failures + 1))

# 6. German: the tab book's cells take the decimal comma its other tables have (they showed "78.3%")
expect_exit "the flagship report runs in German" 0 "$TALLY" run "$ROOT/config/city-survey.lua" --set report.language=de --outdir "$TMP/de"
expect_contains "markdown (de): the tab book's cell '78,3 % (36)' as the frequency tables write percents" "$TMP/de/city-survey.md" "| Wirtschaft | 78,3 % (36) |"
expect_contains "html (de): the tab book's cell 78,3 % over its count" "$TMP/de/city-survey.html" '<th scope="row">Wirtschaft</th><td>78,3 %<br><span class="n">36</span>'
if grep -q '<td>[0-9]*\.[0-9]%' "$TMP/de/city-survey.html"; then not_ok "html (de): a percent with a decimal point"; else ok "html (de): no percent with a decimal point"; fi

# 2. (again) a banner of a scale names only the t-test, one of a category only the z-test; en/de/zh
printf 'g,r,q\n' >"$TMP/s.csv"
i=0; while [ $i -lt 60 ]; do printf '%d,%d.%d,%d\n' $((i % 2 + 1)) $((i % 7 + 2 * (i % 2))) $((i % 10)) $((i % 3 + 1)) >>"$TMP/s.csv"; i=$((i + 1)); done
cat >"$TMP/s.codebook.lua" <<'CB'
variable "g" { label = "Group", values = { [1] = "One", [2] = "Two" } }
variable "r" { label = "Rating", measure = "scale" }
variable "q" { label = "Answer", values = { [1] = "A", [2] = "B", [3] = "C" } }
CB
for lang in en de zh; do
  cat >"$TMP/s-$lang.lua" <<CFG
report { title = "T", language = "$lang" }
input "s" { plugin = "csv", path = "s.csv", codebook = "s.codebook.lua" }
stage "banner" { dataset = "s", columns = { "g" }, rows = { "r" }, table_id = "means" }
stage "banner" { dataset = "s", columns = { "g" }, rows = { "q" }, table_id = "props" }
output "json" { path = "s-$lang.json" }
CFG
  expect_exit "banners of a scale and of a category ($lang)" 0 "$TALLY" run "$TMP/s-$lang.lua" --outdir "$TMP"
done
cat >"$TMP/notes.py" <<'PY'
import json, sys
from tap import Tap  # tests/tap.py, on PYTHONPATH
d = sys.argv[1]
tap = Tap()
want = {"en": ("proportions by z-test", "means by t-test"), "de": ("Anteile per z-Test", "Mittelwerte per t-Test"),
        "zh": ("比例用 z 检验", "均值用 t 检验")}
for lang, (z, t) in want.items():
    rep = json.load(open("%s/s-%s.json" % (d, lang), encoding="utf-8"))
    note = {x["id"]: " ".join(x["notes"]) for x in rep["tables"]}
    for tid, has_z, has_t in (("means", 0, 1), ("props", 1, 0)):
        got = note.get(tid, "")
        good = (z in got) == bool(has_z) and (t in got) == bool(has_t)
        tap.check(good, "%s: the %s table's note names %s" % (lang, tid, "both tests" if has_z and has_t else
                                                                 "only the " + ("z-test" if has_z else "t-test")), got)
tap.exit()
PY
PYTHONPATH="$ROOT/tests" $PY "$TMP/notes.py" "$TMP" || failures=$((failures + 1))
finish
