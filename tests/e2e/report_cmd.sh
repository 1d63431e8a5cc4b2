# report_cmd.sh: `tally report` on a labelled SPSS file (made by PSPP) and on a CSV gives a complete
# workbook, Markdown and JSON; its --print-config, saved and run with `tally run`, gives the same files.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
export SOURCE_DATE_EPOCH=1609459200

# The checker: every table of the JSON is in the workbook (linked from Contents, same
# numbers, counts and percents as numbers with their formats) and in the Markdown.
cat >"$TMP/complete.py" <<'EOF'
import json, re, sys, openpyxl
xlsx, md, js, want = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(";")
tag = sys.argv[5] + ": " if len(sys.argv) > 5 else ""
from tap import Tap  # tests/tap.py, on PYTHONPATH
tap = Tap(tag)
check = tap.check
j = json.load(open(js))
titles = [t["title"] for t in j["tables"]]
check(titles == want, "the tables, in order: " + "; ".join(want), titles)
wb = openpyxl.load_workbook(xlsx)
c = wb["Contents"]
links = [(c.cell(r, 1).value, c.cell(r, 1).hyperlink.location) for r in range(1, c.max_row + 1)
         if c.cell(r, 1).hyperlink is not None]
check([l[0] for l in links] == titles, "Contents links every table by its title", links)
check(len(wb.sheetnames) == 1 + len(titles), "one sheet per table after Contents", wb.sheetnames)
text = open(md, encoding="utf-8").read()
def md_escape(s):
    return re.sub(r"([\\`*_\[\]<>|~$#])", r"\\\1", s)
for i, t in enumerate(j["tables"]):
    name = "table %d (%s)" % (i + 1, t["title"])
    m = re.match(r"'((?:[^']|'')+)'!A(\d+)$", links[i][1]) if i < len(links) else None
    check(m is not None and m.group(1).replace("''", "'") in wb.sheetnames, name + ": its link lands on a sheet",
          links[i] if i < len(links) else None)
    if not m:
        continue
    ws = wb[m.group(1).replace("''", "'")]
    check(ws.cell(int(m.group(2)), 1).value == t["title"], name + ": the sheet starts with the title")
    labels = [col["label"] for col in t["columns"]]
    head = next((r for r in range(1, ws.max_row + 1)
                 if [ws.cell(r, k + 1).value or "" for k in range(1, len(labels))] == labels[1:]), None)
    check(head is not None, name + ": the header row", labels)
    if head is None:
        continue
    check(ws.freeze_panes == "A%d" % (head + 1), name + ": header frozen", ws.freeze_panes)
    wrong = []
    for k, row in enumerate(t["rows"]):
        r = head + 1 + k
        if ws.cell(r, 1).value != row["label"]:
            wrong.append((r, 1, ws.cell(r, 1).value, row["label"]))
        for ci, col in enumerate(t["columns"][1:], start=1):
            got, v = ws.cell(r, ci + 1), row["cells"][ci]
            if isinstance(v, (int, float)):
                exp = v / 100 if col["type"] == "percent" else v
                okfmt = got.number_format.endswith("%") if col["type"] == "percent" else got.number_format != "General"
                if got.data_type != "n" or got.value is None or abs(got.value - exp) > 1e-9 or not okfmt:
                    wrong.append((got.coordinate, got.value, got.number_format, v))
            elif v is None and got.value is not None:
                wrong.append((got.coordinate, got.value, None))
    check(not wrong, name + ": every cell matches the JSON, numbers as numbers with formats", wrong[:5])
    check("\n## " + md_escape(t["title"]) + "\n" in text, name + ": a Markdown heading")
    header = "| " + " | ".join(md_escape(x) for x in labels) + " |"
    check("\n" + header.replace("|  ", "| ", 1) + "\n" in text or "\n" + header + "\n" in text,
          name + ": a Markdown pipe table with its header", header)
    mdrows = [l for l in text.split("\n") if l.startswith("| ") and md_escape(str(t["rows"][0]["label"])) in l]
    check(mdrows, name + ": its first row in the Markdown", t["rows"][0]["label"])
check(text.count("\n| :--- |") == len(titles), "one pipe table per table in the Markdown", text.count("\n| :--- |"))
tap.exit()
EOF


# same_parts A B: the two workbooks have the same parts with the same bytes.
same_parts() {
  rm -rf "$TMP/p1" "$TMP/p2" && mkdir -p "$TMP/p1" "$TMP/p2" &&
    (cd "$TMP/p1" && unzip -q "$1") && (cd "$TMP/p2" && unzip -q "$2") && diff -r "$TMP/p1" "$TMP/p2"
}

# report_and_rerun DIR DATA: `tally report` in DIR, then --print-config run with `tally run` in DIR/again.
report_and_rerun() {
  dir=$1 data=$2
  cd "$dir" || return
  expect_exit "$data: tally report -o xlsx -o md -o json -o html" 0 \
    "$TALLY" report "$data" -o report.xlsx -o report.md -o report.json -o report.html
  for f in report.xlsx report.md report.json report.html; do check "$data: $f written" test -s "$f"; done
  expect_exit "$data: --print-config" 0 "$TALLY" report "$data" -o report.xlsx -o report.md -o report.json \
    -o report.html --print-config
  cp "$TMP/stdout" report.lua
  check "$data: --print-config wrote nothing but the config" test ! -e again
  mkdir -p again && cp report.lua "$data" again/
  expect_exit "$data: tally run of the printed config" 0 "$TALLY" run again/report.lua
  # `tally report` runs its config from a temporary folder with absolute paths, `tally run` with the
  # printed relative ones: the outputs match only when no path leaks in (the source names the file).
  for f in report.md report.json report.html; do
    expect_same "$data: tally run gives the same $f as tally report" again/$f $f
  done
  check "$data: tally run gives the same XLSX parts as tally report" same_parts "$dir/report.xlsx" "$dir/again/report.xlsx"
  cd "$ROOT" || exit 1
}

# report_checked DIR DATA TAG TITLES: report_and_rerun, then every output complete (the tables
# named in TITLES, separated by ';', in each of them) and the HTML tables equal to the JSON ones.
report_checked() {
  report_and_rerun "$1" "$2"
  PYTHONPATH="$ROOT/tests" $PY "$TMP/complete.py" "$1/report.xlsx" "$1/report.md" "$1/report.json" "$4" "$3" \
    || failures=$((failures + 1))
  $PY "$ROOT/tests/html_tables.py" "$1/report.html" "$1/report.json" "$3" || failures=$((failures + 1))
}

# --- an SPSS file with labels, missing codes, multiple-response sets, a weight, a date -----
mkdir -p "$TMP/sav"
cp tests/data/report/survey.sps "$TMP/sav/"
check "pspp writes the labelled survey.sav" sh -c "cd '$TMP/sav' && pspp survey.sps >/dev/null && test -s survey.sav"
report_checked "$TMP/sav" survey.sav sav \
  "Region of the city;City size;Satisfaction | *rating*;Partner city;Areas of cooperation;Partner countries;Descriptive statistics"
md=$TMP/sav/report.md
expect_contains "sav: value labels in the frequency table" "$md" "| North | 3 | 34.3% | 38.7% | 38.7% |"
expect_contains "sav: a user-missing code is listed as missing" "$md" "| No answer | 1 | 11.4% |  |  |"
expect_contains "sav: a string with value labels is tabulated by label" "$md" "| Cologne | 4 | 45.7% |"
expect_contains "sav: the label with | and * is escaped" "$md" "## Satisfaction \\| \\*rating\\*"
expect_contains "sav: the dichotomy set uses the variable labels" "$md" "| Economy | 5 | 34.0% | 62.1% |"
expect_contains "sav: the category set uses the value labels" "$md" "| Japan | 5 | 43.8% | 60.0% |"
expect_contains "sav: scale variables get descriptives" "$md" "| Budget (EUR) | 8 | 13761.71 |"
expect_contains "sav: the weighted base" "$md" "*Base: N = 9 weighted, 8 unweighted*"
expect_contains "sav: free text is named, not tabulated" "$md" "- Free-text variables not tabulated: note"
expect_contains "sav: dates are named, not averaged" "$md" "- Date variables not tabulated: founded"
for v in "Design weight" "## Economy" "## Remarks" "## Partnership founded" "## First partner"; do
  if grep -qF -- "$v" "$md"; then not_ok "sav: '$v' gets no table of its own"; else ok "sav: '$v' gets no table of its own"; fi
done

# --- a CSV without a codebook: the kind of each column comes from its values ------------------
mkdir -p "$TMP/csv"
cp tests/data/report/cities.csv "$TMP/csv/"
report_checked "$TMP/csv" cities.csv csv \
  "region;size;satisfaction;area_economy;area_culture;area_schools;Descriptive statistics"
md=$TMP/csv/report.md
expect_contains "csv: text categories" "$md" "| West \\| \\*Centre\\* | 10 | 25.0% | 25.0% | 100.0% |"
expect_contains "csv: numeric codes with few values are categories" "$md" "| System missing | 2 | 5.0% |  |  |"
expect_contains "csv: numbers with many values get descriptives" "$md" "| partners | 40 | 19.48 | 11.54 | 1.00 | 39.00 |"
expect_contains "csv: free text is named" "$md" "- Free-text variables not tabulated: city, comment"
expect_contains "csv: an identifier is named" "$md" "- Identifiers not tabulated: id"
expect_contains "csv: the source is the file name" "$md" "Data source: cities.csv (csv)"
if grep -qF 'HYPERLINK' "$md"; then not_ok "csv: free text stays out of the report"; else ok "csv: free text stays out of the report"; fi

# --- nothing to tabulate: the report says so rather than come out empty ------------------------
printf 'remark\nfirst answer\nsecond answer\nthird answer\n' >"$TMP/csv/text.csv"
expect_exit "report of free text only" 0 "$TALLY" report "$TMP/csv/text.csv" -o "$TMP/csv/text.md"
expect_contains "a table lists what was not tabulated" "$TMP/csv/text.md" "| remark |  |"
expect_contains "and the note says why" "$TMP/csv/text.md" "- Free-text variables not tabulated: remark"

# --- usage errors ----------------------------------------------------------------------------
expect_exit "report without -o" 2 "$TALLY" report "$TMP/csv/cities.csv"
expect_contains "the error says what is missing" "$TMP/stderr" "at least one -o OUTPUT"
expect_exit "report to an unknown format" 2 "$TALLY" report "$TMP/csv/cities.csv" -o "$TMP/x.docx"
expect_exit "report of a missing file" 1 "$TALLY" report "$TMP/nope.sav" -o "$TMP/x.md"
expect_contains "the missing file is named" "$TMP/stderr" "nope.sav: No such file or directory"
check "a failed report writes nothing" test ! -e "$TMP/x.md"
finish
