# messages_catalogue.sh: every text the sources hand to tally_tr / tally.tr / {{ tr }} is in the
# message catalogue (its texts in core/report/messages.def), which test_messages checks for all three languages;
# and the scan itself finds a text the catalogue lacks, and refuses a malformed entry by its line.
. tests/lib.sh

if $PY tests/messages_keys.py . >"$TMP/scan" 2>&1; then ok "every translated text of the sources is in the catalogue: $(tail -1 "$TMP/scan")"
else not_ok "texts missing from the catalogue"; sed 's/^/#   /' "$TMP/scan"; fi

# a copy of the sources with a stage that asks for a text the catalogue lacks
mkdir -p "$TMP/src/core/report" "$TMP/src/plugins/stages"
cp core/report/messages.c core/report/messages.def "$TMP/src/core/report/"
cp plugins/stages/*.lua "$TMP/src/plugins/stages/"
printf 'local x = tally.tr("A text nobody translated")\n' >>"$TMP/src/plugins/stages/likert.lua"
if $PY tests/messages_keys.py "$TMP/src" >"$TMP/scan2" 2>&1; then not_ok "the scan misses an untranslated text"
else expect_contains "the scan names the untranslated text" "$TMP/scan2" "A text nobody translated"; fi

# the same copy with a text the sources use taken out of messages.def: the scan names it
cp plugins/stages/*.lua "$TMP/src/plugins/stages/"
grep -v '^MSG("Variables not tabulated",' core/report/messages.def >"$TMP/src/core/report/messages.def"
if $PY tests/messages_keys.py "$TMP/src" >"$TMP/scan3" 2>&1; then not_ok "the scan misses a text taken out of messages.def"
else expect_contains "the scan names the text taken out of messages.def" "$TMP/scan3" "'Variables not tabulated'"; fi

# an entry without its Chinese text is refused with its line, not read as a shorter catalogue
printf '/* a translator forgot one */\nMSG("Count", "Anzahl", "频数")\nMSG("Percent",\n    "Prozent")\n' \
  >"$TMP/src/core/report/messages.def"
if $PY tests/messages_keys.py "$TMP/src" >"$TMP/scan4" 2>&1; then not_ok "the scan accepts an entry without its zh text"
else expect_contains "a malformed entry is named by file:line" "$TMP/scan4" "core/report/messages.def:4: expected ',' after the de text"; fi

# a report language tally has no catalogue for is an error naming the config line
printf 'report { title = "T",\n  language = "fr" }\n' >"$TMP/fr.lua"
expect_exit "report.language fr is refused" 2 "$TALLY" run "$TMP/fr.lua"
expect_contains "the error names file:line and the languages" "$TMP/stderr" 'fr.lua:1: report: language "fr" is not a report language; use "en", "de" or "zh"'
finish
