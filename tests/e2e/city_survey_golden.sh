# tests/e2e/city_survey_golden.sh: the three city-survey reports match their golden files; the CI summary's checks gate.
# Markdown and JSON are compared byte for byte; workbooks as their cell values read back with openpyxl.
# To accept a deliberate change: UPDATE_GOLDEN=1 sh tests/e2e/city_survey_golden.sh, then review the diff.
. tests/lib.sh
GOLD=tests/golden
CHECKER=tests/city_survey_figures.py
export SOURCE_DATE_EPOCH=1609459200
unset GITHUB_STEP_SUMMARY

OUT="$TMP/out"
for c in city-survey partner-workbook ci-summary; do
  expect_exit "tally run config/$c.lua" 0 "$TALLY" run "config/$c.lua" --outdir "$OUT" -q
done

golden() { # golden NAME GOT: compare, or write the golden file when UPDATE_GOLDEN=1
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$2" "$GOLD/$1"; ok "updated $GOLD/$1"; return; fi
  expect_same "$1 matches its golden file" "$2" "$GOLD/$1"
}
golden city-survey.md "$OUT/city-survey.md"
golden city-survey.json "$OUT/city-survey.json"
golden ci-summary.md "$OUT/ci-summary.md"
for x in city-survey partner-workbook; do
  if $PY "$CHECKER" dump "$OUT/$x.xlsx" >"$TMP/$x.xlsx.txt" 2>"$TMP/dump.err"; then
    golden "$x.xlsx.txt" "$TMP/$x.xlsx.txt"
  else
    not_ok "read $x.xlsx back with openpyxl"; sed 's/^/#   /' "$TMP/dump.err" | head -5
  fi
done

# A second run gives the same bytes (Markdown, JSON) and the same workbook parts.
for c in city-survey ci-summary; do
  "$TALLY" run "config/$c.lua" --outdir "$TMP/again" -q
done
expect_same "city-survey.md is reproducible" "$TMP/again/city-survey.md" "$OUT/city-survey.md"
expect_same "city-survey.json is reproducible" "$TMP/again/city-survey.json" "$OUT/city-survey.json"
if $PY - "$TMP/again/city-survey.xlsx" "$OUT/city-survey.xlsx" <<'PYEOF'
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
sys.exit(0 if sorted(a.namelist()) == sorted(b.namelist()) and
         all(a.read(n) == b.read(n) for n in a.namelist()) else 1)
PYEOF
then ok "city-survey.xlsx parts are reproducible"; else not_ok "city-survey.xlsx parts differ between two runs"; fi

# The CI summary's assert stages: exit 3 when a check fails, 0 when all hold.
expect_exit "ci-summary: a stricter response-rate threshold fails the run" 3 \
  "$TALLY" run config/ci-summary.lua --outdir "$TMP/strict" --set min_response_rate=70
expect_contains "ci-summary: the failed check is named" "$TMP/stderr" "response rate at least 70%"
expect_exit "ci-summary: a wrong base fails the run" 3 \
  "$TALLY" run config/ci-summary.lua --outdir "$TMP/strict" --set base=47
expect_contains "ci-summary: the failed base check is named" "$TMP/stderr" "the base is 47 cities"
expect_exit "ci-summary: the published threshold (60%) holds" 0 \
  "$TALLY" run config/ci-summary.lua --outdir "$TMP/strict" --set min_response_rate=60
grep -v '^12,Osnabrück,' samples/city-survey/responses.csv >"$TMP/no-dup.csv"
expect_exit "ci-summary: a sample without the duplicate fails the de-duplication check" 3 \
  "$TALLY" run config/ci-summary.lua --outdir "$TMP/strict" --set input.responses.path="$TMP/no-dup.csv" \
  --set input.responses.codebook=samples/city-survey/responses.codebook.lua

# With $GITHUB_STEP_SUMMARY set, the summary is appended there too.
printf 'earlier step\n' >"$TMP/step.md"
expect_exit "ci-summary with GITHUB_STEP_SUMMARY" 0 \
  env GITHUB_STEP_SUMMARY="$TMP/step.md" "$TALLY" run config/ci-summary.lua --outdir "$TMP/gh"
expect_contains "ci-summary appended to the step summary" "$TMP/step.md" "## City survey: CI summary"
expect_contains "the step summary keeps what was there" "$TMP/step.md" "earlier step"
finish
