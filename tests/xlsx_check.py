#!/usr/bin/python3
"""xlsx_check.py: reads workbooks written by tests/unit/test_xlsx.c back (openpyxl, zipfile) and checks them.

Usage: xlsx_check.py MODE FILE [ARGS]. Prints "ok - ..." / "not ok - ..." lines; exits 1 on a failure.
"""
from tap import Tap
import datetime
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

import openpyxl

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


tap = Tap("xlsx: ")
check = tap.check


def ooxml_decode(text):
    """Cell text as Excel shows it: every _xHHHH_ is one UTF-16 unit (ECMA-376 22.9.2.19)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def sheet_parts(zf):
    """Sheet name -> part name, in tab order."""
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for s in wb.find("m:sheets", NS):
        out[s.get("name")] = "xl/" + target[s.get("{%s}id" % NS["r"])]
    return out


def raw_strings(path, sheet):
    """Cell reference -> text as Excel decodes it, from the raw XML (shared and inline strings)."""
    with zipfile.ZipFile(path) as zf:
        sst = []
        if "xl/sharedStrings.xml" in zf.namelist():
            for si in ET.fromstring(zf.read("xl/sharedStrings.xml")).findall("m:si", NS):
                sst.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
        root = ET.fromstring(zf.read(sheet_parts(zf)[sheet]))
    out = {}
    for c in root.iter("{%s}c" % NS["m"]):
        if c.get("t") == "s":
            out[c.get("r")] = ooxml_decode(sst[int(c.find("m:v", NS).text)])
        elif c.get("t") == "inlineStr":
            out[c.get("r")] = ooxml_decode("".join(t.text or "" for t in c.iter("{%s}t" % NS["m"])))
    return out


def chart_xml(path):
    with zipfile.ZipFile(path) as zf:
        names = sorted(n for n in zf.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))
        names.sort(key=lambda n: int(re.search(r"(\d+)", n).group(1)))
        return [zf.read(n).decode() for n in names]


def refs(xml):
    return re.findall(r"<c:f>([^<]*)</c:f>", xml)


def anchors(path):
    """(sheet part, from-row, from-col) of every drawing anchor."""
    out = []
    with zipfile.ZipFile(path) as zf:
        for n in sorted(zf.namelist()):
            if re.match(r"xl/drawings/drawing\d+\.xml$", n):
                root = ET.fromstring(zf.read(n))
                for f in root.iter("{%s}from" % NS["xdr"]):
                    out.append((n, int(f.find("xdr:row", NS).text), int(f.find("xdr:col", NS).text)))
    return out


def link_of(ws, ref):
    h = ws[ref].hyperlink
    return h.location if h is not None else None


def find_row(ws, col, value):
    for row in ws.iter_rows(min_col=col, max_col=col):
        if row[0].value == value:
            return row[0].row
    return None


T1, T2, T3, T4 = ("Table 1 Q1 Areas of cooperation", "Table 2 Q2 Satisfaction by size",
                  "Table 3 Q3 Partner continent", "Table 4 Q4 Visits per year")


def check_main(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Contents", T1, T2, T3, T4], "contents first, one sheet per table", wb.sheetnames)
    c = wb["Contents"]
    check(c["A1"].value == "German cities and their Chinese partners", "contents title", c["A1"].value)
    check(c["A1"].font.b and c["A1"].font.sz == 14, "contents title bold and larger")
    r = find_row(c, 1, "Date:")
    check(r is not None and c.cell(r + 1, 1).value == datetime.datetime(2024, 5, 1)
          and c.cell(r + 1, 1).number_format == "yyyy-mm-dd", "contents Date: a real date shown yyyy-mm-dd, under its label",
          r and (c.cell(r + 1, 1).value, c.cell(r + 1, 1).number_format))
    for label, want in (("Data source:", "responses.csv (csv)"), ("Base:", "46 cities")):
        r = find_row(c, 1, label)
        check(r is not None and c.cell(r + 1, 1).value == want, "contents " + label + " " + want + " under its label")
    r = find_row(c, 1, "Q1 Areas of cooperation")
    check(r is not None and link_of(c, "A%d" % r) == "'%s'!A1" % T1, "contents links table 1 to its sheet",
          r and link_of(c, "A%d" % r))
    check(r is not None and c.cell(r, 2).value == "N = 46, more than one answer possible", "contents shows the base")
    links = [link_of(c, "A%d" % i) for i in range(1, c.max_row + 1) if link_of(c, "A%d" % i)]
    check(len(links) == 4, "one link per table", links)
    check(c.column_dimensions["A"].width > 20, "contents column A fitted", c.column_dimensions["A"].width)

    t = wb[T1]
    check(t["A1"].value == "Q1 Areas of cooperation" and t["A1"].font.b and t["A1"].font.sz == 14,
          "table title bold and larger")
    check(t["A2"].value == "In which areas does your city cooperate with its partner?", "question text")
    check(t["A3"].value == "Base: N = 46, more than one answer possible", "base row", t["A3"].value)
    check(t["B4"].value == "Count" and t["B4"].font.b and t["B4"].fill.fgColor.rgb.endswith("DDE4EE"),
          "header shaded and bold", t["B4"].fill.fgColor.rgb)
    check(t.freeze_panes == "A5", "panes frozen below the header row", t.freeze_panes)
    check(t["A5"].value == "Economy" and t["A5"].alignment.horizontal == "left", "labels left")
    check(t["B5"].value == 20 and t["B5"].number_format == "0", "counts are integers with format 0",
          (t["B5"].value, t["B5"].number_format))
    check(abs(t["C5"].value - 20 / 46) < 1e-12 and t["C5"].number_format == "0.0%",
          "percents are fractions with format 0.0%", (t["C5"].value, t["C5"].number_format))
    check(t["C5"].data_type == "n", "percents are numbers, not text")
    check(t["A8"].value == "No answer" and t["A8"].font.i and t["B8"].font.i, "missing row italic")
    check(t["D8"].value is None, "an empty cell stays empty")
    check(t["A9"].value == "Total" and t["B9"].font.b and t["B9"].border.top.style == "thin",
          "total row bold with a top border")
    check(t["A11"].value == "Source: city survey 2024." and t["A11"].font.i, "footnote below the table",
          t["A11"].value)
    check(link_of(t, "A13") == "'Contents'!A1" and t["A13"].value == "Back to contents", "link back to contents",
          (t["A13"].value, link_of(t, "A13")))
    check(t.column_dimensions["A"].width >= 10, "label column fitted", t.column_dimensions["A"].width)
    check(t.column_dimensions["D"].width >= 13, "header fits 'Valid percent'", t.column_dimensions["D"].width)

    t = wb[T2]
    merged = sorted(str(m) for m in t.merged_cells.ranges)
    check(merged == ["B2:D2", "E2:F2"], "banner groups merged across their columns", merged)
    check(t["B2"].value == "City size" and t["E2"].value == "Region", "banner texts")
    check(t.freeze_panes == "A4", "panes frozen below the two header rows", t.freeze_panes)
    check(t["B4"].value == 10.5 and t["B4"].number_format == "0.0", "weighted counts with one decimal",
          (t["B4"].value, t["B4"].number_format))
    check(t["D4"].value == "A" and t["D4"].data_type == "s", "letters in their own cells")
    check(t["E4"].value == 3.14159 and t["E4"].number_format == "0.00", "means with the column's decimals",
          (t["E4"].value, t["E4"].number_format))
    check(t["E7"].value == 1.005 and t["A7"].value == "Mean", "stat row")

    check(wb.properties.title == "German cities and their Chinese partners" and
          wb.properties.creator == "Survey team", "document title and author from the report meta")

    charts = chart_xml(path)
    check(len(charts) == 4, "four native charts", len(charts))
    if len(charts) == 4:
        q1, q2, q3, q4 = ("'%s'!" % n for n in (T1, T2, T3, T4))
        f = refs(charts[0])
        check('<c:barDir val="bar"/>' in charts[0], "table 1: bar chart")
        check(q1 + "$A$5:$A$7" in f and q1 + "$C$5:$C$7" in f, "bar chart bound to labels and percents", f)
        check(q1 + "$C$4" in f and q1 + "$A$1" in f, "series name and title from the table's cells", f)
        check('<c:orientation val="maxMin"/>' in charts[0], "bars in the table's order")
        f = refs(charts[1])
        check('<c:barDir val="col"/>' in charts[1], "table 2: column chart")
        check([x for x in f if "$B$" in x or "$C$" in x] == [q2 + "$B$3", q2 + "$B$4:$B$6", q2 + "$C$3", q2 + "$C$4:$C$6"],
              "column chart: two series with names", f)
        check("Satisfaction" in charts[1], "chart title from the stage")
        f = refs(charts[2])
        check("<c:pieChart>" in charts[2], "table 3: pie chart")
        check("<c:cat><c:strRef>" in charts[2], "union categories are a text reference")
        check("(%s$A$3,%s$A$5:$A$6)" % (q3, q3) in f and "(%s$B$3,%s$B$5:$B$6)" % (q3, q3) in f,
              "pie skips the missing and total rows", f)
        check("<c:lineChart>" in charts[3] and "(%s$B$3,%s$B$5:$B$6)" % (q4, q4) in refs(charts[3]),
              "table 4: line chart")
    a = anchors(path)
    # Beside the table, level with its header row (row 4 for table 1, whose series name is C4; row 3 for
    # table 2), not beside the title row, where a long title would run under the chart.
    check((3, 5) in [(r, c) for _, r, c in a] and (2, 7) in [(r, c) for _, r, c in a],
          "charts beside the tables, from their header rows", a)


def check_same(path, path2):
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(path2) as b:
        names = a.namelist()
        check(names == b.namelist(), "same parts in both runs")
        differ = [n for n in names if n in b.namelist() and a.read(n) != b.read(n)]
        check(not differ, "every part identical with SOURCE_DATE_EPOCH", differ)
        core = a.read("docProps/core.xml").decode()
        check("2021-01-01T00:00:00Z" in core, "created date from SOURCE_DATE_EPOCH")


def check_stacked(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Contents", "Tables"], "stacked: one sheet for all tables", wb.sheetnames)
    check(wb.properties.title == "Override title" and wb.properties.creator == "A. Author" and
          wb.properties.subject == "Cities", "properties from the options",
          (wb.properties.title, wb.properties.creator, wb.properties.subject))
    c, t = wb["Contents"], wb["Tables"]
    check(c["A1"].value == "Override title", "contents title from the option")
    rows = []
    for i in range(1, c.max_row + 1):
        loc = link_of(c, "A%d" % i)
        if loc:
            m = re.match(r"'Tables'!A(\d+)$", loc)
            check(m is not None and t["A" + m.group(1)].value == c["A%d" % i].value,
                  "link %d lands on its table's title" % len(rows), loc)
            rows.append(int(m.group(1)) if m else 0)
    check(len(rows) == 4 and rows == sorted(rows), "four tables in order", rows)
    check(all(b - a >= 17 for a, b in zip(rows, rows[1:])), "tables do not run into the charts beside them", rows)
    check(t.freeze_panes is None, "stacked sheet is not frozen")
    a = sorted(r + 1 for _, r, _ in anchors(path))
    # A table's header row is the first row its chart reads below the title (series names, or the
    # heading that a pie's union of cells starts with).
    heads = []
    for xml, t0 in zip(chart_xml(path), rows):
        cited = [int(n) for f in refs(xml) for n in re.findall(r"\$(\d+)", f)]
        heads.append(min((n for n in cited if n > t0), default=0))
    check(a == heads and all(h > t0 for h, t0 in zip(heads, rows)),
          "each chart starts at its table's header row, below the title", (a, heads, rows))


def check_nocharts(path):
    check(chart_xml(path) == [], "charts = false: no charts")
    wb = openpyxl.load_workbook(path)
    check(wb[T1]["B5"].value == 20, "tables still written")


def check_hostile(path):
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    check(len(names) == 4, "hostile: four sheets", names)
    for n in names:
        check(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) and not n.startswith("'") and not n.endswith("'"),
              "legal sheet name: " + n)
    check(len(set(n.lower() for n in names)) == len(names), "sheet names unique")
    check(names[1] == "Table 1 Cities-towns (partner)\u2026" and names[1].endswith("\u2026"),
          "long title with '/' made a readable name", names[1])
    check(names[3] == "Table 3 'Quoted' title's sheet", "apostrophes kept inside, dropped at the end", names[3])
    c = wb["Contents"]
    check(c["A1"].value == '=HYPERLINK("http://x","y")' and c["A1"].data_type == "s", "formula-like title is text")
    check(wb.properties.title == '=HYPERLINK("http://x","y")', "formula-like document title kept")
    r = find_row(c, 1, "'Quoted' title's sheet'")
    check(r is not None and link_of(c, "A%d" % r) == "'Table 3 ''Quoted'' title''s sheet'!A1",
          "link to a sheet with apostrophes", r and link_of(c, "A%d" % r))
    t = wb[names[1]]
    want = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2+3", "_x0001_"]
    for i, w in enumerate(want):
        for col in "AB":
            cell = t["%s%d" % (col, 3 + i)]
            check(cell.value == w and cell.data_type == "s", "%s%d comes back as %r" % (col, 3 + i, w), cell.value)
    check(t["B2"].value == "=1+1" and t["B2"].data_type == "s", "formula-like header is text")
    raw = raw_strings(path, names[1])
    check(raw.get("A8") == "a\x01b\rc", "control characters escaped and decoded", raw.get("A8"))
    check(raw.get("A7") == "_x0001_", "literal _x0001_ decodes to itself", raw.get("A7"))
    check(t["A9"].value == "bad \ufffd utf8", "invalid UTF-8 replaced", t["A9"].value)
    v = t["B10"].value
    check(isinstance(v, str) and len(v) == 32767 and set(v) == {"a"}, "40,000 characters cut to 32,767",
          len(v) if v else v)
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        formulas = [n for n in sheets if b"<f>" in zf.read(n) or b"<f " in zf.read(n)]
    check(not formulas, "no formulas anywhere", formulas)


def check_data(path):
    wb = openpyxl.load_workbook(path)
    check("Data responses" in wb.sheetnames and wb.sheetnames[-1] == "Data responses", "data sheet last",
          wb.sheetnames)
    d = wb["Data responses"]
    check(d["A1"].value == "city" and d["B1"].value == "n", "variable names in the header")
    check(d.auto_filter.ref == "A1:B11", "autofilter over the data", d.auto_filter.ref)
    check(d.freeze_panes == "A2", "data header frozen", d.freeze_panes)
    check(d["B3"].value == 1.5 and d["B4"].value is None and d["B11"].value == 13.5, "numbers and missing values")
    raw = raw_strings(path, "Data responses")
    check(raw.get("A3") == "=cmd|' /C calc'!A0" and raw.get("A4") == "_x0041_" and raw.get("A5") == "@x",
          "hostile data strings are inline text", (raw.get("A3"), raw.get("A4"), raw.get("A5")))
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(sheet_parts(zf)["Data responses"])
    check(b"inlineStr" in xml and b"<f>" not in xml, "constant-memory mode: inline strings, no formulas")
    c = wb["Contents"]
    r = find_row(c, 1, "Data responses")
    check(r is not None and link_of(c, "A%d" % r) == "'Data responses'!A1" and c.cell(r, 2).value == "responses, N = 10",
          "contents links the data sheet")
    t = wb[T2]
    check(t["B4"].value == 10.5 and sorted(str(m) for m in t.merged_cells.ranges) == ["B2:D2", "E2:F2"],
          "tables intact in constant-memory mode")
    check(len(chart_xml(path)) == 4, "charts intact in constant-memory mode")


def check_split(path):
    with zipfile.ZipFile(path) as zf:
        parts = sheet_parts(zf)
        check(list(parts) == ["Contents", "Data responses", "Data responses (2)"], "split over two sheets", list(parts))
        dims = {}
        for name in ("Data responses", "Data responses (2)"):
            with zf.open(parts.get(name, "xl/worksheets/sheet1.xml")) as f:
                head = f.read(600).decode(errors="replace")
            m = re.search(r'<dimension ref="([^"]+)"', head)
            dims[name] = m.group(1) if m else None
        check(dims["Data responses"] == "A1:B1048576", "first sheet full", dims)
        check(dims["Data responses (2)"] == "A1:B2", "second sheet holds the last row", dims)
        tail = zf.read(parts["Data responses (2)"]).decode()
        check('<v>1572862.5</v>' in tail, "the last row's value on the second sheet")
        check('<autoFilter ref="A1:B2"/>' in tail, "each part has its autofilter")


def check_german(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Inhalt", "Tabelle 1 Q1 Areas of cooperation"[:30] + "\u2026"],
          "sheet names in the report language", wb.sheetnames)
    t = wb[wb.sheetnames[1]]
    check(t["A3"].value.startswith("Basis: "), "base label translated", t["A3"].value)
    check(t["A13"].value == "Zur\u00fcck zum Inhalt" and link_of(t, "A13") == "'Inhalt'!A1", "back link translated",
          t["A13"].value)
    c = wb["Inhalt"]
    check(find_row(c, 1, "Tabellen") is not None, "contents heading translated")


def check_empty(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Contents"] and wb["Contents"]["A1"].value == "Contents",
          "a report without tables gets a contents sheet only", wb.sheetnames)


def check_e2e(path, ntables, dataset):
    """A report from `tally run`: contents, `ntables` table sheets with charts, a data sheet."""
    ntables = int(ntables)
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    data = [n for n in names if n.startswith("Data ")]
    check(names[0] == "Contents" and len(names) == 1 + ntables + len(data), "contents and one sheet per table", names)
    check(data == ["Data " + dataset], "the data sheet", data)
    c = wb["Contents"]
    check(c["A1"].value == "Cities =1+1" and c["A1"].data_type == "s", "report title as text", c["A1"].value)
    links = [link_of(c, "A%d" % i) for i in range(1, c.max_row + 1) if link_of(c, "A%d" % i)]
    check(links == ["'%s'!A1" % n for n in names[1:]], "contents links every sheet", links)
    for n in names[1:1 + ntables]:
        t = wb[n]
        fmts = {cell.number_format for row in t.iter_rows() for cell in row if cell.data_type == "n" and cell.value is not None}
        check("0" in fmts and any(f.endswith("%") for f in fmts), n + ": counts and percents formatted", fmts)
        pct = [cell.value for row in t.iter_rows() for cell in row
               if cell.data_type == "n" and cell.value is not None and cell.number_format.endswith("%")]
        check(pct and all(0 <= v <= 1 for v in pct), n + ": percents stored as fractions", pct[:5])
        check(t.freeze_panes is not None, n + ": header frozen")
    charts = chart_xml(path)
    check(len(charts) == ntables, "one native chart per table", len(charts))
    for i, x in enumerate(charts):
        f = refs(x)
        check(f and all(r.startswith("'%s'!" % names[1 + i]) for r in f), "chart %d bound to its sheet" % (i + 1), f)
    raw = raw_strings(path, data[0]) if data else {}
    for want in ('=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "_x0001_", "-2+3", "Line one\nline two"):
        check(want in raw.values(), "data sheet keeps %r as text" % want)
    with zipfile.ZipFile(path) as zf:
        check(not any(b"<f>" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/")),
              "no formulas in the workbook")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "same":
        check_same(path, sys.argv[3])
    elif mode == "e2e":
        check_e2e(path, sys.argv[3], sys.argv[4])
    else:
        {"main": check_main, "german": check_german, "empty": check_empty, "stacked": check_stacked, "nocharts": check_nocharts, "hostile": check_hostile,
         "data": check_data, "split": check_split}[mode](path)
    tap.exit()


if __name__ == "__main__":
    main()
