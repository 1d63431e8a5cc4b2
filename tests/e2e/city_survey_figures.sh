# tests/e2e/city_survey_figures.sh: every published figure of the city survey comes out of the reports;
# tier: full (make test runs it, make check leaves it out: it takes over 10 s)
# the German workbook opens in LibreOffice; a broken sample (Osnabrück's second row deleted) fails the check.
. tests/lib.sh
CHECKER=tests/city_survey_figures.py
export SOURCE_DATE_EPOCH=1609459200
unset GITHUB_STEP_SUMMARY

run_reports() { # run_reports OUTDIR [--set ...]: the full report and the German workbook
  dir=$1; shift
  "$TALLY" run config/city-survey.lua --outdir "$dir" -q "$@" &&
    "$TALLY" run config/partner-workbook.lua --outdir "$dir" -q "$@"
}

check "city-survey and partner-workbook run" run_reports "$TMP/good"
if $PY "$CHECKER" check "$TMP/good" >"$TMP/figures.txt" 2>&1; then
  ok "every published figure is reproduced ($(grep -c '^ok' "$TMP/figures.txt") checks)"
else
  not_ok "published figures not reproduced:"
  grep -v '^ok' "$TMP/figures.txt" | head -30 | sed 's/^/#   /'
fi

# The workbook opens in LibreOffice headless without error (converted to CSV: its first sheet).
if command -v soffice >/dev/null 2>&1; then
  mkdir -p "$TMP/lo" "$TMP/lo-profile"
  if timeout 120 soffice -env:UserInstallation=file://"$TMP/lo-profile" --headless \
       --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' \
       --outdir "$TMP/lo" "$TMP/good/partner-workbook.xlsx" >"$TMP/lo.log" 2>&1 &&
     grep -q "Deutsche Städte und ihre chinesischen Partner" "$TMP/lo/partner-workbook.csv"; then
    ok "LibreOffice opens partner-workbook.xlsx and reads its contents sheet"
  else
    not_ok "LibreOffice could not open partner-workbook.xlsx"; sed 's/^/#   /' "$TMP/lo.log" | head -10
  fi
else
  skip "LibreOffice (soffice) is not installed (make test-deps installs libreoffice-calc-nogui)"
fi

# Breaking the sample: without Osnabrück's second (latest) questionnaire the de-duplication keeps
# the first one, whose answers differ, and the published figures no longer come out.
grep -v '^63,Osnabrück,' samples/city-survey/responses.csv >"$TMP/broken.csv"
[ "$(wc -l <"$TMP/broken.csv")" = 80 ] && ok "broken sample: one row fewer" || not_ok "broken sample was not made"
check "the reports run on the broken sample" run_reports "$TMP/broken" \
  --set input.responses.path="$TMP/broken.csv" --set input.responses.codebook=samples/city-survey/responses.codebook.lua
if $PY "$CHECKER" check "$TMP/broken" >"$TMP/broken.txt" 2>&1; then
  not_ok "the figure check passes on a broken sample"
else
  ok "the figure check fails on the broken sample ($(grep -c '^not ok' "$TMP/broken.txt") figures off)"
  expect_contains "broken sample: the vital partnerships are off" "$TMP/broken.txt" "not ok - figures: vital partnerships: 7"
  expect_contains "broken sample: Chart 3 has not 72 responses" "$TMP/broken.txt" "not ok - figures: Chart 3: responses in all: 72"
fi
finish
