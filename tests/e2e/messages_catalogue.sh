# messages_catalogue.sh: every text the sources hand to tally_tr / tally.tr / {{ tr }} is in the
# message catalogue (core/report/messages.c), which test_messages checks for all three languages; and the
# scan itself finds a text the catalogue lacks.
. tests/lib.sh

if $PY tests/messages_keys.py . >"$TMP/scan" 2>&1; then ok "every translated text of the sources is in the catalogue: $(tail -1 "$TMP/scan")"
else not_ok "texts missing from the catalogue"; sed 's/^/#   /' "$TMP/scan"; fi

# a copy of the sources with a stage that asks for a text the catalogue lacks
mkdir -p "$TMP/src/core/report" "$TMP/src/plugins/stages"
cp core/report/messages.c "$TMP/src/core/report/"
cp plugins/stages/*.lua "$TMP/src/plugins/stages/"
printf 'local x = tally.tr("A text nobody translated")\n' >>"$TMP/src/plugins/stages/likert.lua"
if $PY tests/messages_keys.py "$TMP/src" >"$TMP/scan2" 2>&1; then not_ok "the scan misses an untranslated text"
else expect_contains "the scan names the untranslated text" "$TMP/scan2" "A text nobody translated"; fi

# a report language tally has no catalogue for is an error naming the config line
printf 'report { title = "T",\n  language = "fr" }\n' >"$TMP/fr.lua"
expect_exit "report.language fr is refused" 2 "$TALLY" run "$TMP/fr.lua"
expect_contains "the error names file:line and the languages" "$TMP/stderr" 'fr.lua:1: report: language "fr" is not a report language; use "en", "de" or "zh"'
finish
