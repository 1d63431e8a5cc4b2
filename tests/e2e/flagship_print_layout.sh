#!/bin/sh
# flagship_print_layout.sh: the flagship report's layout as a partner sees it: the contents sheet's facts read with their
# labels (each value under its label in the wide title column) and its titles print whole (English and German), the
# pie chart's labels stand outside the slices on one line each (LibreOffice's print), a chart stands beside its table
# below the title (under a wide table), the tab book's figures end at one place in a column with or without letters,
# and the printed HTML never leaves a heading or its question at a page's foot with the table on the next page.
. tests/lib.sh
for p in soffice chromium pdftotext; do
  command -v $p >/dev/null 2>&1 || { not_ok "$p is installed (make test-deps installs it)"; finish; }
done
ROOT=$(pwd)
expect_exit "the flagship report runs" 0 "$TALLY" run "$ROOT/config/city-survey.lua" --outdir "$TMP/out"
timeout 300 soffice "-env:UserInstallation=file://$TMP/lo-profile" --headless --norestore --convert-to pdf \
  --outdir "$TMP" "$TMP/out/city-survey.xlsx" >/dev/null 2>&1
check "LibreOffice printed the workbook" test -s "$TMP/city-survey.pdf"
expect_exit "the flagship report runs in German" 0 "$TALLY" run "$ROOT/config/city-survey.lua" --outdir "$TMP/de/out" \
  --set report.language=de
timeout 300 soffice "-env:UserInstallation=file://$TMP/lo-profile" --headless --norestore --convert-to pdf \
  --outdir "$TMP/de" "$TMP/de/out/city-survey.xlsx" >/dev/null 2>&1
check "LibreOffice printed the German workbook" test -s "$TMP/de/city-survey.pdf"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$TMP/chrome" --no-pdf-header-footer --print-to-pdf="$TMP/html.pdf" \
  "file://$TMP/out/city-survey.html" >/dev/null 2>&1
check "Chromium printed the page" test -s "$TMP/html.pdf"
cat >"$TMP/check.py" <<'PY'
import datetime, math, re, subprocess, sys, zipfile, openpyxl
from html import unescape
from tap import Tap  # tests/tap.py, on PYTHONPATH
d = sys.argv[1]
tap = Tap()
def check(desc, cond, got=None):
    tap.check(cond, desc, got)
def pages(pdf):
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), pdf, "-"], capture_output=True,
                           text=True).stdout for i in range(1, n + 1)]

# 1. contents: each fact's value on the line under its label, in the same column (column A is as wide as the
#    longest title: a value in column B stood far to the right of its label)
wb = openpyxl.load_workbook(d + "/out/city-survey.xlsx")
c = wb.worksheets[0]
def under(label):
    for r in range(1, c.max_row + 1):
        if c.cell(r, 1).value == label:
            return c.cell(r + 1, 1), c.cell(r, 2).value
    return None, None
val, beside = under("Date:")
check("contents: the date under 'Date:' as a date", val is not None and isinstance(val.value, datetime.datetime)
      and beside is None, val and (val.value, beside))
val, beside = under("Data source:")
check("contents: the source under 'Data source:'", val is not None and str(val.value).startswith("frame.csv (csv)")
      and beside is None, val and (val.value, beside))
val, beside = under("Largest margin of error:")
width = c.column_dimensions["A"].width
check("contents: the margin-of-error note under its label", val is not None and
      str(val.value).startswith("Largest margin of error (95% confidence)") and beside is None, val and (val.value, beside))
if val is not None:
    lines = math.ceil(len(str(val.value)) * 1.1 / width)
    check("contents: the note wraps in a row as tall as its %d lines" % lines, val.alignment.wrap_text and
          (c.row_dimensions[val.row].height or 15) >= 15 * lines, (val.alignment.wrap_text, c.row_dimensions[val.row].height))
check("contents: no value in column B but the tables' bases", all(
      c.cell(r, 2).value is None or str(c.cell(r, 2).value).startswith("N = ") for r in range(1, c.max_row + 1)))

#    and every contents line printed whole, ending left of the bases in column B (LibreOffice clips a link longer
#    than its column), in German too, whose tab-book titles told apart by their banner variables are the longest
def column_a_lines(pdf):  # page 1's lines of words that end left of column B's first "N" (the bases "N = 46")
    words = [(float(a), float(b), float(c), unescape(t)) for a, b, c, t in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-"], capture_output=True, text=True).stdout)]
    col_b = min([x0 for x0, y, x1, t in words if t == "N"] or [0])
    lines = {}
    for x0, y, x1, t in sorted(words):
        if x1 <= col_b: lines.setdefault(round(y), []).append(t)
    return {" ".join(w) for w in lines.values()}
for lang, sub in (("en", ""), ("de", "/de")):
    links = [str(x.value) for r in openpyxl.load_workbook(d + sub + "/out/city-survey.xlsx").worksheets[0].iter_rows()
             for x in r if x.hyperlink]
    shown = column_a_lines(d + sub + "/city-survey.pdf")
    cut = [t for t in links if " ".join(t.split()) not in shown]
    check("printed contents (%s): all %d titles whole left of the bases" % (lang, len(links)), len(links) > 20 and not cut, cut)

# 2. the pie chart: labels outside the slices with leader lines, small type (never "best fit" inside, where a small
#    slice's label wrapped as "1.4" over "%" and overlapped), and LibreOffice prints each label on one line
z = zipfile.ZipFile(d + "/out/city-survey.xlsx")
pies = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart") and "<c:pieChart>" in z.read(n).decode()]
check("xlsx: pie charts", len(pies) >= 1, len(pies))
for x in pies:
    check("pie: labels at the outside end", '<c:dLblPos val="outEnd"/>' in x and "bestFit" not in x)
    check("pie: with leader lines", '<c:showLeaderLines val="1"/>' in x)
    check("pie: label type 9 pt", re.search(r'<c:dLbls>.*?sz="900"', x, re.S) is not None)
xp = pages(d + "/city-survey.pdf")
pie = [p for p in xp if p.strip().startswith("Chart 3. Initiating city-to-city cooperation")]
check("printed workbook: the pie's page", len(pie) == 1, len(pie))
if pie:
    lines = [l.strip() for l in pie[0].splitlines() if l.strip()]
    check("printed pie: no label broken before its % sign", not any(l == "%" or l.endswith(" %") for l in lines),
          [l for l in lines if l.endswith("%") and len(l) < 4])
    for v in ("1.4%", "2.8%", "5.6%", "11.1%", "18.1%", "25.0%", "34.7%"):
        n = sum(len(re.findall(r"(?<![\d.])%s" % re.escape(v), l)) for l in lines)
        check("printed pie: %s in the table and whole on a slice" % v, n >= 2, n)

# 2b. a chart stands level with its table's header, right of every column and below the title and its notes in
#     column A (a title wider than the table, Chart 2's, ran on under a chart beside the title row); under a rating
#     grid (10 columns and more) it stands below everything the sheet shows (beside it, the page printed one page
#     wide made the figures too small to read)
anchored = below = 0
for i, ws in enumerate(wb.worksheets):
    rels = "xl/worksheets/_rels/sheet%d.xml.rels" % (i + 1)
    drawing = re.search(r'Target="../drawings/(drawing\d+\.xml)"', z.read(rels).decode()) if rels in z.namelist() else None
    if not drawing:
        continue
    header = min([x.row for r in ws.iter_rows(min_col=2) for x in r if x.value is not None] or [0])
    last = max(x.row for r in ws.iter_rows() for x in r if x.value is not None)
    for col, row in re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>",
                               z.read("xl/drawings/" + drawing.group(1)).decode()):
        anchored += 1
        col, row = int(col) + 1, int(row) + 1
        if ws.max_column >= 10:
            below += 1
            check("%s: the chart under the wide table (below row %d)" % (ws.title[:24], last), col == 1 and row > last,
                  (col, row))
        else:
            check("%s: the chart beside the table from its header row %d" % (ws.title[:24], header),
                  row == header and col > ws.max_column, (col, row))
check("xlsx: charts placed, three under rating grids", anchored >= 8 and below == 3, (anchored, below))

# 4. the tab book: a column's figures (percents and the counts under them) reserve the room of every letter the
#    column shows ("_a" is the width of an a), so that they end at one place with or without letters
book = [ws for ws in wb.worksheets if any(str(x.value).startswith("City size class") for r in ws.iter_rows(max_row=6) for x in r if x.value)]
check("xlsx: the tab-book sheets", len(book) == 2, len(book))
def tail(nf):  # the characters a format shows or reserves after its figure, as a sorted string
    m = re.match(r'^(0\.0%|0\.00|0)(.*)$', nf)
    rest = m.group(2) if m else "?"
    shown = "".join(re.findall(r'"([^"]*)"', rest)) + "".join(re.findall(r'_(.)', re.sub(r'"[^"]*"', "", rest)))
    return "".join(sorted(shown))
lettered = 0
for ws in book:
    base_row = [r for r in ws.iter_rows() if str(r[0].value).startswith("Respondents")][0][0].row
    for col in range(2, ws.max_column + 1):
        cells = [ws.cell(r, col) for r in range(base_row + 1, ws.max_row + 1)
                 if isinstance(ws.cell(r, col).value, (int, float)) and not ws.cell(r, col).font.i]
        tails = {tail(x.number_format) for x in cells}
        lettered += any(re.search(r'" [a-zA-Z]+"', x.number_format) for x in cells)
        check("%s column %d: every figure ends at one place (%s)" % (ws.title[:20], col, sorted(tails)), len(tails) <= 1,
              sorted({x.number_format for x in cells}))
check("tab book: some figures carry letters", lettered >= 2, lettered)

# 3. the printed HTML: no page ends with a table's heading or its question (its table on the next page)
html = open(d + "/out/city-survey.html", encoding="utf-8").read()
heads = re.findall(r"<h2>([^<]+)</h2>\s*(?:<p>([^<]+)</p>)?", html)
check("html: headings and questions in the page", len(heads) > 20, len(heads))
hp = pages(d + "/html.pdf")
norm = lambda s: re.sub(r"\s+", " ", s.replace("&amp;", "&")).strip()
for i, p in enumerate(hp[:-1]):
    last = norm(" ".join(l for l in p.splitlines() if l.strip())[-300:])
    hanging = [h for h, q in heads if last.endswith(norm(h)) or (q and last.endswith(norm(q)))]
    check("printed html: page %d does not end with a heading or its question" % (i + 1), not hanging, hanging)
check("html: print keeps a heading and the question under it with what follows",
      "h1,h2,h3,h4{break-after:avoid;page-break-after:avoid;break-inside:avoid" in html
      and "h2+p,h3+p,h4+p{break-after:avoid" in html)
tap.exit()
PY
PYTHONPATH="$ROOT/tests" $PY "$TMP/check.py" "$TMP" || failures=$((failures + 1))
finish
