# determinism.sh: two runs of a rich report (charts, a crosstab with letters, a multiple-response set,
# a data sheet) with the same SOURCE_DATE_EPOCH give byte-identical Markdown, HTML and JSON and XLSX
# files with identical parts; the charts are bound to the right cells.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"

# run DIR EPOCH: copies the fixture to DIR (a different folder each time, so no path can leak in) and runs it.
run() {
  mkdir -p "$1" && cp tests/data/report/cities.csv tests/data/report/rich.codebook.lua tests/data/report/rich.lua "$1/" &&
    (cd "$1" && SOURCE_DATE_EPOCH=$2 TZ=$3 "$TALLY" -q run rich.lua)
}
check "first run" run "$TMP/one" 1609459200 UTC
sleep 1 # a clock that leaks into the files shows up as a difference
check "second run, another folder, another time zone, a second later" run "$TMP/elsewhere/two" 1609459200 Asia/Tokyo
a=$TMP/one/out b=$TMP/elsewhere/two/out
for f in rich.md rich.html rich.json; do
  check "$f written" test -s "$a/$f"
  expect_same "$f is byte-identical across the runs" "$b/$f" "$a/$f"
done

# XLSX: same parts, in the same order, with the same bytes (the zip's own timestamps aside).
cat >"$TMP/parts.py" <<'EOF'
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
na, nb = a.namelist(), b.namelist()
print(("ok" if na == nb else "not ok") + " - xlsx: the same %d parts in the same order" % len(na))
diff = [n for n in na if n in nb and a.read(n) != b.read(n)]
print(("ok" if not diff else "not ok") + " - xlsx: every part byte-identical" + ("" if not diff else ": " + ", ".join(diff)))
core = a.read("docProps/core.xml").decode()
print(("ok" if "2021-01-01T00:00:00Z" in core else "not ok") + " - xlsx: created date from SOURCE_DATE_EPOCH")
sys.exit(1 if na != nb or diff or "2021-01-01T00:00:00Z" not in core else 0)
EOF
$PY "$TMP/parts.py" "$a/rich.xlsx" "$b/rich.xlsx" || failures=$((failures + 1))
mkdir -p "$TMP/u1" "$TMP/u2"
(cd "$TMP/u1" && unzip -q "$a/rich.xlsx") && (cd "$TMP/u2" && unzip -q "$b/rich.xlsx")
check "xlsx: unzipped trees identical (diff -r)" diff -r "$TMP/u1" "$TMP/u2"

# The date comes from SOURCE_DATE_EPOCH, in UTC, and nothing else changes with it.
check "a run with another SOURCE_DATE_EPOCH" run "$TMP/three" 1700000000 UTC
c=$TMP/three/out
expect_contains "Markdown date from SOURCE_DATE_EPOCH" "$a/rich.md" "Date: 2021-01-01"
expect_contains "another epoch, another date" "$c/rich.md" "Date: 2023-11-14"
check "only the date line differs" sh -c "diff '$a/rich.md' '$c/rich.md' | grep '^[<>]' | grep -v 'Date: ' | wc -l | grep -qx 0"
check "xlsx: another epoch changes docProps/core.xml" sh -c "unzip -p '$c/rich.xlsx' docProps/core.xml | grep -q 2023-11-14T22:13:20Z"

$PY "$ROOT/tests/html_tables.py" "$a/rich.html" "$a/rich.json" html || failures=$((failures + 1))

# The report really is rich, and its charts plot the right cells.
cat >"$TMP/rich.py" <<'EOF'
import json, re, sys, zipfile, openpyxl
xlsx, js, md = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read()
from tap import Tap  # tests/tap.py, on PYTHONPATH
tap = Tap("")
check = tap.check
j = json.load(open(js))
wb = openpyxl.load_workbook(xlsx)
x = next(t for t in j["tables"] if t["id"].startswith("xtab_"))
letters = [c for r in x["rows"] for c, col in zip(r["cells"], x["columns"]) if col["type"] == "letters" and c]
check(letters, "the crosstab has significance letters", letters)
ws = next(wb[n] for n in wb.sheetnames if wb[n]["A1"].value == x["title"] and wb[n].merged_cells.ranges)
cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and re.fullmatch(r"[A-Ca-c]+", c.value)]
check(sorted(cells) == sorted(letters), "xlsx: the letters in their own cells", (cells, letters))
check(any("(A)" in (c.value or "") for row in ws.iter_rows() for c in row), "xlsx: columns carry their letters")
check("| Bc |" in md or "| AB |" in md, "Markdown: letters in their own column")
check("| Total: Count | Total: Column % |" in md and "Total: Total" not in md,
      "Markdown: a column label that names its group is not prefixed twice")
mr = wb.sheetnames[5]
hdr = next(r for r in range(1, 10) if wb[mr].cell(r, 3).value == "Percent of responses")
check(wb[mr].row_dimensions[hdr].height == 30, "xlsx: a wrapped header row is two lines tall",
      wb[mr].row_dimensions[hdr].height)
check(all(wb[n].page_setup.orientation == "landscape" and wb[n].page_setup.fitToWidth in (None, 1) and int(wb[n].page_setup.fitToHeight) == 0 and
          wb[n].sheet_properties.pageSetUpPr.fitToPage for n in wb.sheetnames[:-1]),
      "xlsx: contents and tables print landscape, one page wide")
check(j["tables"][-2]["id"] == "mr_areas" and "Culture | *arts*" in [r["label"] for r in j["tables"][-2]["rows"]],
      "the multiple-response table")
check(wb.sheetnames[-1] == "Data cities" and wb["Data cities"].auto_filter.ref == "A1:K41", "the data sheet with autofilter",
      (wb.sheetnames, wb["Data cities"].auto_filter.ref if "Data cities" in wb.sheetnames else None))
with zipfile.ZipFile(xlsx) as z:
    charts = sorted((n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)), key=lambda n: int(re.findall(r"\d+", n)[0]))
    xml = [z.read(n).decode() for n in charts]
kinds = [("pie" if "<c:pieChart>" in c else re.search(r'<c:barDir val="(\w+)"/>', c).group(1)) for c in xml]
check(kinds == ["pie", "bar", "bar", "col"], "four native charts: pie, bar, bar, column", kinds)
def cells_of(ref):
    out = []
    for part in ref.strip("()").split(","):
        m = re.fullmatch(r"'((?:[^']|'')+)'!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?", part)
        sheet = wb[m.group(1).replace("''", "'")]
        last = m.group(5) or m.group(3)
        for r in range(int(m.group(3)), int(last) + 1):
            out.append(sheet["%s%d" % (m.group(2), r)])
    return out
for c in xml:
    check(re.search(r"<c:title><c:tx><c:strRef><c:f>[^<]+</c:f><c:strCache>", c) is not None and
          c.count("<c:numCache>") >= 1 and "<c:dLbls>" in c,
          "chart: title, values cached (LibreOffice and previewers show them) and data labels")
    cat = re.search(r"<c:cat>.*?<c:f>([^<]+)</c:f>", c, re.S).group(1)
    val = re.search(r"<c:val>.*?<c:f>([^<]+)</c:f>", c, re.S).group(1)
    name = re.search(r"<c:ser>.*?<c:tx><c:strRef><c:f>([^<]+)</c:f>", c, re.S).group(1)
    sheet = wb[re.match(r"'((?:[^']|'')+)'!", cat).group(1).replace("''", "'")]
    t = j["tables"][wb.sheetnames.index(sheet.title) - 1]  # sheet 1 is Contents
    series = cells_of(name)[0].value
    col = [k for k, cl in enumerate(t["columns"]) if cl["label"] == series]
    rows = [r for r in t["rows"] if r["type"] == "category"]
    labels = [x.value for x in cells_of(cat)]
    values = [x.value for x in cells_of(val)]
    want = [r["cells"][col[0]] / 100 for r in rows] if col else None
    check(labels == [r["label"] for r in rows], t["id"] + ": chart categories are the table's answer labels", (cat, labels))
    check(series in ("Valid percent", "Percent of cases"), t["id"] + ": the series is the " + str(series) + " column", name)
    check(want is not None and len(values) == len(want) and all(abs(p - q) < 1e-12 for p, q in zip(values, want)),
          t["id"] + ": chart values are the table's cells", (val, values, want))
tap.exit()
EOF
PYTHONPATH="$ROOT/tests" $PY "$TMP/rich.py" "$a/rich.xlsx" "$a/rich.json" "$a/rich.md" || failures=$((failures + 1))
finish
