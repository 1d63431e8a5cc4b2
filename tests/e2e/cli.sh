# cli.sh: the command line end to end: plugins, check, run, golden Markdown, XLSX read back, exit codes.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
cp -r tests/data/e2e "$TMP/e2e"
cd "$TMP/e2e" || exit 1

# --- plugins ------------------------------------------------------------------------
expect_exit "tally plugins" 0 "$TALLY" plugins
for p in csv markdown xlsx; do
  if grep -q "^[a-z]* *$p " "$TMP/stdout" && grep -q "/$p.so\$" "$TMP/stdout"; then ok "plugins lists $p from its own .so"
  else not_ok "plugins lists $p from its own .so"; fi
done
expect_exit "tally plugins csv" 0 "$TALLY" plugins csv
expect_contains "plugin options are listed with help" "$TMP/stdout" "delimiter"
expect_exit "tally plugins of an unknown name" 2 "$TALLY" plugins nosuch
expect_contains "an unknown plugin names the search path" "$TMP/stderr" "no plugin 'nosuch' on the plugin search path"

# --- help, version, usage errors -------------------------------------------------------
expect_exit "--version" 0 "$TALLY" --version
expect_contains "--version names the ABI" "$TMP/stdout" "plugin ABI 1."
expect_exit "--help" 0 "$TALLY" --help
expect_contains "--help documents exit code 3" "$TMP/stdout" "3  the report's own checks failed"
for c in run check plugins describe report; do
  expect_exit "$c --help" 0 "$TALLY" $c --help
  expect_contains "$c --help shows usage" "$TMP/stdout" "Usage: tally $c"
done
expect_exit "no command" 2 "$TALLY"
expect_exit "an unknown command" 2 "$TALLY" frobnicate
expect_exit "run without a config" 2 "$TALLY" run
expect_exit "run with an unknown flag" 2 "$TALLY" run basic.lua --frob

# --- config errors ----------------------------------------------------------------------
expect_exit "check with a misspelt option" 2 "$TALLY" check typo.lua
expect_contains "misspelt option: file:line and suggestion" "$TMP/stderr" \
  "typo.lua:4: output 'markdown' (plugin markdown): unknown option 'pth' (did you mean 'path'?)"
expect_exit "a config naming a missing plugin" 2 "$TALLY" run noplugin.lua
expect_contains "missing plugin: names it" "$TMP/stderr" "noplugin.lua:3: no output plugin 'parquet' on the plugin search path"
expect_contains "missing plugin: lists what was found" "$TMP/stderr" "(plugins found: "
expect_exit "a missing config" 2 "$TALLY" run nope.lua
expect_contains "a missing config is named" "$TMP/stderr" "cannot open config 'nope.lua'"
expect_exit "check of a valid config" 0 "$TALLY" check basic.lua
check "check writes nothing" test ! -e out

# --- the run, golden Markdown, XLSX read back ---------------------------------------------
SOURCE_DATE_EPOCH=1609459200 expect_exit "run basic.lua" 0 "$TALLY" run basic.lua
expect_same "Markdown matches the golden file" out/basic.md "$ROOT/tests/golden/basic.md"
check "JSON parses" $PY -m json.tool out/basic.json
cat >"$TMP/read.py" <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("sheets", len(wb.sheetnames))
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        cells = [c for c in row if c is not None]
        if cells:
            print("|".join(repr(c) for c in cells))
EOF
if $PY "$TMP/read.py" out/basic.xlsx >"$TMP/xlsx.txt" 2>&1; then ok "openpyxl reads the workbook"; else not_ok "openpyxl reads the workbook"; cat "$TMP/xlsx.txt"; fi
expect_contains "xlsx: the title" "$TMP/xlsx.txt" "'Partners | *test*'"
expect_contains "xlsx: region counts are numbers" "$TMP/xlsx.txt" "'East'|3|0.5|0.5|0.5"
expect_contains "xlsx: missing row of partner" "$TMP/xlsx.txt" "'System missing'|1|"
expect_contains "xlsx: rating code 9 counted" "$TMP/xlsx.txt" "'9'|1|"
SOURCE_DATE_EPOCH=1609459200 "$TALLY" -q run basic.lua --outdir again >/dev/null 2>&1
expect_same "a second run gives byte-identical Markdown" again/basic.md out/basic.md
expect_same "a second run gives byte-identical JSON" again/basic.json out/basic.json
mkdir -p "$TMP/x1" "$TMP/x2"
(cd "$TMP/x1" && unzip -q ../e2e/out/basic.xlsx) && (cd "$TMP/x2" && unzip -q ../e2e/again/basic.xlsx)
check "a second run gives identical XLSX parts" diff -r "$TMP/x1" "$TMP/x2"

# --- --set, --outdir, paths ---------------------------------------------------------------
expect_exit "--set overrides the title" 0 "$TALLY" run basic.lua --set "report.title=Draft" --outdir setdir
expect_contains "--set reached the report" setdir/basic.md "# Draft"
expect_exit "an output path that leaves the output folder" 2 "$TALLY" run basic.lua --set "output.markdown.path=../escape.md"
expect_contains "the escape is named" "$TMP/stderr" "path '../escape.md' leaves the output folder"
check "nothing was written outside" test ! -e escape.md
mkdir -p dirout/basic.md
expect_exit "an output path that is a folder is refused before the run" 2 "$TALLY" run basic.lua --outdir dirout
expect_contains "the folder is named" "$TMP/stderr" "is a folder; give a file name"
check "no temporary file is left behind" sh -c '! ls -a dirout | grep -q tmp'

# --- report checks: exit 3 ---------------------------------------------------------------------
expect_exit "a failing assert stage exits 3" 3 "$TALLY" run checks.lua
expect_contains "the failed check is reported" "$TMP/stderr" "at least 50 cities in the east"
check "outputs are still written when only checks fail" test -s out/checks.md

# --- describe with plugin options -------------------------------------------------------------
printf 'a;b\n1;K\366ln\n' > latin.csv
expect_exit "describe of a Windows-1252 file without the encoding" 1 "$TALLY" describe latin.csv
expect_contains "the error says how to fix it" "$TMP/stderr" "invalid UTF-8 at byte offset 7; add --set encoding=windows-1252 (Excel) or --set encoding=latin-1"
expect_exit "describe --set encoding=windows-1252" 0 "$TALLY" describe latin.csv --set encoding=windows-1252
expect_contains "the text is converted to UTF-8" "$TMP/stdout" "Type:     string, width 5"
expect_exit "describe --set with a misspelt option" 2 "$TALLY" describe latin.csv --set encodng=latin-1
expect_contains "the misspelt option is named" "$TMP/stderr" "--set encodng=latin-1: the csv input has no option 'encodng' (did you mean --set encoding=...?)"

# --- verbose timing ----------------------------------------------------------------------------------
expect_exit "-v prints each step's time" 0 "$TALLY" -v run basic.lua --outdir verbose
expect_contains "-v shows a timed step" "$TMP/stderr" "s] running stage 'frequencies'"
finish
