# cli_input_options.sh: input options on the command line for `tally report` and `tally describe`
# (--set, lists by comma or repeat, --codebook), messages spelled --set there, no temporary file named.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins" SOURCE_DATE_EPOCH=1609459200
D=tests/data/csv

printf 'zip,id,q\n08123,001,1\n10115,002,2\n' >"$TMP/ids.csv"
expect_exit "describe --set types=a:string,b:string" 0 "$TALLY" describe "$TMP/ids.csv" --set types=zip:string,id:string
tr -d '\n' <"$TMP/stdout" >"$TMP/flat"
expect_contains "comma list: zip is text" "$TMP/flat" "1. zip    Type:     string"
expect_contains "comma list: id is text" "$TMP/flat" "2. id    Type:     string"
expect_exit "describe with --set types repeated" 0 "$TALLY" describe "$TMP/ids.csv" --set types=zip:string --set types=id:string
tr -d '\n' <"$TMP/stdout" >"$TMP/flat"
expect_contains "repeated --set adds to the list: zip is text" "$TMP/flat" "1. zip    Type:     string"
expect_contains "repeated --set adds to the list: id is text" "$TMP/flat" "2. id    Type:     string"

# tally run: --set input.ID.OPTION lists the same way
printf 'input "data" { path = "%s" }\nstage "overview" { dataset = "data" }\noutput "md" { plugin = "markdown", path = "o.md" }\n' "$TMP/ids.csv" >"$TMP/ids.lua"
expect_exit "run --set input.data.types=a:string,b:string" 0 "$TALLY" run "$TMP/ids.lua" --outdir "$TMP/r1" --set input.data.types=zip:string,id:string
expect_contains "run, comma list: both are text" "$TMP/r1/o.md" "Free-text variables not tabulated: zip, id"
expect_exit "run with --set input.data.types repeated" 0 "$TALLY" run "$TMP/ids.lua" --outdir "$TMP/r2" --set input.data.types=zip:string --set input.data.types=id:string
expect_contains "run, repeated --set: both are text" "$TMP/r2/o.md" "Free-text variables not tabulated: zip, id"

# a Windows-1252 file with two header rows, reported with no config
printf 'id;q1\r\n;Gr\366\337e zufrieden?\r\n1;1\r\n2;2\r\n3;1\r\n' >"$TMP/cp.csv"
expect_exit "report --set encoding=windows-1252 --set header_rows=2" 0 \
  "$TALLY" report "$TMP/cp.csv" -o "$TMP/cp.json" --set encoding=windows-1252 --set header_rows=2
/usr/bin/python3 - "$TMP/cp.json" >"$TMP/py.out" <<'PY'
import json, sys
t = {t["title"]: t for t in json.load(open(sys.argv[1]))["tables"]}
q = t.get("Größe zufrieden?")
print("title ok" if q else "no table titled by the label: %r" % list(t))
if q:
    print("base " + q["base"])
    print("counts " + repr([r["cells"][1] for r in q["rows"] if r["type"] == "category"]))
PY
expect_contains "the label from row 2, converted from Windows-1252" "$TMP/py.out" "title ok"
expect_contains "N = 3: row 2 is a header row" "$TMP/py.out" "base N = 3"
expect_contains "counts 2 and 1" "$TMP/py.out" "counts [2, 1]"

# --codebook on report
printf 'variable "q" { label = "Quality", values = { [1] = "good", [2] = "bad" } }\n' >"$TMP/cb.lua"
expect_exit "report --codebook" 0 "$TALLY" report "$TMP/ids.csv" -o "$TMP/ids.md" --codebook "$TMP/cb.lua"
expect_contains "the codebook's label is the table's title" "$TMP/ids.md" "## Quality"
expect_contains "the codebook's value labels" "$TMP/ids.md" "| good | 1 |"
expect_exit "report --print-config with input options" 0 \
  "$TALLY" report "$TMP/ids.csv" -o x.md --set types=zip:string,id:string --set header_rows=1 --codebook "$TMP/cb.lua" --print-config
expect_contains "the config holds the list" "$TMP/stdout" 'types = { "zip:string", "id:string" }'
expect_contains "the config holds the number" "$TMP/stdout" 'header_rows = 1'
expect_contains "the config holds the codebook" "$TMP/stdout" "codebook = \"$TMP/cb.lua\""

# errors: spelled --set, and no temporary config named
expect_exit "report of a Windows-1252 file without the encoding" 1 "$TALLY" report "$TMP/cp.csv" -o "$TMP/x.md"
expect_contains "the fix is spelled --set" "$TMP/stderr" "add --set encoding=windows-1252 (Excel)"
if grep -q "tally-report-\|\.lua" "$TMP/stderr"; then not_ok "the error names a config file"; sed 's/^/#   /' "$TMP/stderr"; else ok "the error names no config file"; fi
printf 'a,b\n1,2\n3\n' >"$TMP/ragged.csv"
expect_exit "report of a ragged file" 1 "$TALLY" report "$TMP/ragged.csv" -o "$TMP/x.md"
expect_contains "ragged: the fix is spelled --set" "$TMP/stderr" "fix the row or add --set on_ragged=skip"
if grep -q "tally-report-\|\.lua" "$TMP/stderr"; then not_ok "ragged: the error names a config file"; else ok "ragged: the error names no config file"; fi
expect_exit "report --set header_rows=11" 2 "$TALLY" report "$TMP/ids.csv" -o "$TMP/x.md" --set header_rows=11
expect_contains "a bad value names the --set" "$TMP/stderr" "--set header_rows=11: option 'header_rows' must be between 0 and 10, not 11"
expect_exit "report --set layout=monkey" 2 "$TALLY" report "$TMP/ids.csv" -o "$TMP/x.md" --set layout=monkey
expect_contains "a bad choice lists the choices" "$TMP/stderr" "--set layout=monkey: option 'layout' must be one of"
expect_exit "report --set with a misspelt option" 2 "$TALLY" report "$TMP/ids.csv" -o "$TMP/x.md" --set header_row=2
expect_contains "the near option, spelled --set" "$TMP/stderr" "(did you mean --set header_rows=...?)"
finish
