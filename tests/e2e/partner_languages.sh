# partner_languages.sh: the partner workbooks in German and Chinese, with Markdown, HTML and JSON
# of the same report, contain no English text of tally's own (tests/partner_language_check.py),
# and the Chinese one is Chinese where the codebook speaks (question texts, answers).
. tests/lib.sh
ROOT=$(pwd)
export SOURCE_DATE_EPOCH=0

run_lang() { # LANG CONFIG [--set ...]: the workbook and the three text outputs into $TMP/LANG
  lang=$1 cfg=$2; shift 2
  printf 'include "%s"\noutput "markdown" { path = "report.md" }\noutput "html" { path = "report.html" }\noutput "json" { path = "report.json" }\n' \
    "$ROOT/$cfg" >"$TMP/$lang.lua"
  "$TALLY" run "$TMP/$lang.lua" --outdir "$TMP/$lang" -q "$@"
}

for lang in de zh; do
  cfg=config/partner-workbook.lua
  [ "$lang" = zh ] && cfg=config/partner-workbook-zh.lua
  check "$cfg runs with Markdown, HTML and JSON outputs added" run_lang "$lang" "$cfg"
  if $PY tests/partner_language_check.py "$lang" "$TMP/$lang"/*.xlsx "$TMP/$lang"/report.* >"$TMP/$lang.check" 2>&1; then
    ok "$lang: no English text of tally's own in XLSX, Markdown, HTML, JSON ($(tail -1 "$TMP/$lang.check" | sed 's/^# //'))"
  else
    not_ok "$lang: English text of tally's own in the $lang report"; sed 's/^/#   /' "$TMP/$lang.check" | head -30
  fi
done

# German numbers: decimal comma and "78,9 %"; Chinese labels from the codebook and the catalogue
expect_contains "de: percents the German way" "$TMP/de/report.md" "| Städte mit chinesischen Partnern | 46 | 58,2 % |"
expect_contains "de: the report date the German way" "$TMP/de/report.md" "Datum: 01.01.1970"
expect_contains "zh: a question text in Chinese" "$TMP/zh/report.md" "贵市是否与中国伙伴签有正式协议？"
expect_contains "zh: the base line in Chinese" "$TMP/zh/report.md" "*基数：N = 46，可多选*"
expect_contains "zh: percents with a point" "$TMP/zh/report.md" "| 有中国合作伙伴的城市 | 46 | 58.2% |"
expect_contains "zh: the report date in Chinese" "$TMP/zh/report.md" "日期：1970年1月1日"
expect_contains "zh: html says it is Chinese" "$TMP/zh/report.html" '<html lang="zh">'

# the check itself finds English: the Chinese workbook run with report.language = en
check "the zh workbook runs in English too" run_lang en config/partner-workbook-zh.lua --set report.language=en
if $PY tests/partner_language_check.py zh "$TMP/en"/*.xlsx "$TMP/en"/report.md >"$TMP/en.check" 2>&1; then
  not_ok "the language check misses English texts"
else
  expect_contains "the language check names an English text it finds" "$TMP/en.check" 'English "Back to contents"'
fi
finish
