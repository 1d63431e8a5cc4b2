# kobo_form.sh: KoboToolbox/ODK exports (CSV and XLSX, select_multiple as one column or as q/option columns) read
# with their XLSForm (option form): reported in English and German with the form's labels, figures counted by
# hand; metadata fields kept and not tabulated; what the form did in describe and -v; bad forms refused.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
export SOURCE_DATE_EPOCH=1609459200

$PY tests/lib/kobo_fixtures.py "$TMP" || { not_ok "the fixtures were written (python3-openpyxl)"; finish; }
F="$TMP/form.xlsx"

# 1. Every export, each report language: the same hand-counted figures under the form's labels.
for export in export_one_column.csv export_separate.csv export_one_column.xlsx export_separate.xlsx; do
  case $export in *.csv) plugin=csv ;; *) plugin=excel ;; esac
  for lang in en de; do
    cat >"$TMP/run.lua" <<LUA
report { title = "Kobo", language = "$lang" }
input "d" { plugin = "$plugin", path = "$TMP/$export", form = "$F" }
stage "frequencies" { dataset = "d", variables = { "city/coop", "rating" } }
stage "multiresponse" { dataset = "d", sets = { "areas" } }
output "json" { path = "$TMP/out.json" }
LUA
    expect_exit "$export ($lang): tally run" 0 "$TALLY" run "$TMP/run.lua"
    $PY tests/lib/kobo_check.py "$TMP/out.json" $lang "$export" || failures=$((failures + 1))
    grep -v '"source":' "$TMP/out.json" >"$TMP/$export.$lang.tables"
  done
done
for lang in en de; do
  for other in export_separate.csv export_one_column.xlsx export_separate.xlsx; do
    expect_same "$other ($lang): the same tables as export_one_column.csv" "$TMP/$other.$lang.tables" \
      "$TMP/export_one_column.csv.$lang.tables"
  done
done

# 2. What the form did, in describe and at -v.
expect_exit "describe with the form" 0 "$TALLY" describe "$TMP/export_separate.csv" --language de --set form="$F"
expect_contains "describe: the form's questions, group, note and label column" "$TMP/stdout" \
  "form         form.xlsx: 2 select_one, 1 select_multiple (as multiple-response sets), 2 other questions; 1 group; 1 note ignored; labels from 'label::Deutsch (de)' (choices 'label::Deutsch (de)')"
expect_contains "describe: the metadata fields" "$TMP/stdout" \
  "form metadata start, end, today, deviceid, _id, _uuid, _submission_time, _validation_status, _notes, _status, _submitted_by, __version__, _tags, _index"
expect_contains "describe: group paths resolved" "$TMP/stdout" "form group paths city/coop, city/staff"
check "describe: the export's own option columns are used, none made" sh -c "! grep -q 'form option columns made' '$TMP/stdout'"
check "describe: 14 metadata fields not tabulated" test "$(grep -c 'Report:   metadata (not tabulated)' "$TMP/stdout")" = 14
check "describe: start is a datetime" sh -c "grep -A2 '^  1. start' '$TMP/stdout' | grep -q 'date and time'"
check "describe: today is a date" sh -c "grep -A2 '^  3. today' '$TMP/stdout' | grep -q 'numeric, date (days'"
check "describe: the option columns are in the set" sh -c "grep -A3 'areas/culture' '$TMP/stdout' | grep -q 'Label:    Kultur'"
expect_exit "describe the one-column export" 0 "$TALLY" describe "$TMP/export_one_column.xlsx" --set form="$F"
expect_contains "describe: the option columns made from the answers" "$TMP/stdout" \
  "form option columns made areas/economy, areas/culture, areas/education"
expect_exit "-v says what the form did" 0 "$TALLY" -v run "$TMP/run.lua"
expect_contains "-v: the form line" "$TMP/stderr" "info: form form.xlsx: 2 select_one, 1 select_multiple"
expect_contains "-v: the metadata line" "$TMP/stderr" "form metadata fields (kept, not questions): start, end, today"

# Dates by hand: start 2024-05-06T09:10:44.120+02:00 is 07:10:44.12 UTC = 1714979444.12 s;
# _submission_time 2024-05-06T07:15:30 = 1714979730 s; today 2024-05-06 = day 19849.
cat >"$TMP/dates.lua" <<LUA
report { title = "Dates" }
input "d" { plugin = "csv", path = "$TMP/export_one_column.csv", form = "$F" }
stage "descriptives" { dataset = "d", variables = { "start", "_submission_time", "today" } }
output "json" { path = "$TMP/dates.json" }
LUA
expect_exit "dates: tally run" 0 "$TALLY" run "$TMP/dates.lua"
$PY - "$TMP/dates.json" <<'PY' || failures=$((failures + 1))
import json, sys
rows = {r["label"]: r["cells"] for r in json.load(open(sys.argv[1]))["tables"][0]["rows"]}
mins = [c for c in zip(*[rows[k] for k in rows])]
text = json.dumps(rows)
for want, what in (("2024-05-06T07:10:44", "start taken to UTC"), ("2024-05-06T07:15:30", "_submission_time"),
                   ("2024-05-06", "today")):
    print(("ok - " if want in text else "not ok - ") + "dates: " + what + " is " + want)
    if want not in text:
        print("#   " + text[:600])
PY

# 3. tally report: the metadata fields are left out and named.
expect_exit "tally report with the form" 0 "$TALLY" report "$TMP/export_one_column.csv" --set form="$F" -o "$TMP/overview.json"
check "report: no table of a metadata field" sh -c "! grep -q '\"id\": \"freq_deviceid\"\|\"id\": \"freq__status\"' '$TMP/overview.json'"
expect_contains "report: the metadata named as not tabulated" "$TMP/overview.json" "Metadata fields not tabulated: start, end"

# 4. Bad forms: what, where (sheet and row), what to do.
form_variant() { # NAME PYTHON-EDIT: a copy of the form edited by openpyxl (ws: survey, ch: choices)
  $PY - "$F" "$TMP/$1.xlsx" "$2" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1]); ws, ch = wb["survey"], wb["choices"]
exec(sys.argv[3])
wb.save(sys.argv[2])
PY
}
bad_form() { # NAME EXPECTED-MESSAGE
  expect_exit "$1: exit 1" 1 "$TALLY" describe "$TMP/export_one_column.csv" --set form="$TMP/$1.xlsx"
  expect_contains "$1: the message" "$TMP/stderr" "$2"
}
form_variant no_survey 'ws.title = "questions"'
bad_form no_survey "no_survey.xlsx: the form has no sheet 'survey' (its sheets: 'questions', 'choices', 'settings'); option 'form' names an XLSForm, a workbook with a 'survey' and a 'choices' sheet"
form_variant no_list 'ws["A11"] = "select_multiple domains"'
bad_form no_list "no_list.xlsx, sheet 'survey', row 11: the choice list 'domains' of 'areas' is not in the 'choices' sheet; add its choices there (list_name = domains) or correct the type"
form_variant no_choices 'wb.remove(ch)'
bad_form no_choices "no_choices.xlsx, sheet 'survey', row 8: 'coop' needs the choice list 'yesno', but the form has no 'choices' sheet; add one (list_name, name, label)"
form_variant no_column 'ws["B12"] = "grade"'
bad_form no_column "no_column.xlsx, sheet 'survey', row 12: the data has no column for 'grade' (select_one rating); looked for 'grade'; export the data with this form"
form_variant no_group_col 'ws["B8"] = "cooperation"'
bad_form no_group_col "no_group_col.xlsx, sheet 'survey', row 8: the data has no column for 'cooperation' (select_one yesno); looked for 'city/cooperation' and 'cooperation'; export the data with this form"
form_variant no_select_col 'ws["B11"] = "sectors"'
bad_form no_select_col "no_select_col.xlsx, sheet 'survey', row 11: the data has no column for 'sectors' (select_multiple areas): neither 'sectors' with the answers nor its 'sectors/OPTION' columns; export the data with this form"
form_variant lost_choice 'ch.delete_rows(6)'
bad_form lost_choice "column 'areas', data row 4: 'education' is not a choice of list 'areas' ($TMP/lost_choice.xlsx, survey row 11: select_multiple areas)"
form_variant no_header 'ws["A1"] = "kind"'
bad_form no_header "no_header.xlsx, sheet 'survey', row 1: the header row has no 'type' and 'name' columns"
printf 'not a workbook\n' >"$TMP/text_form.xlsx"
bad_form text_form "text_form.xlsx"
form_variant or_other 'ws["A8"] = "select_one yesno or_other"'
expect_exit "or_other: read" 0 "$TALLY" describe "$TMP/export_one_column.csv" --set form="$TMP/or_other.xlsx"
check "or_other: the list gains 'other' = Other" sh -c "grep -A12 '^  5. city/coop' '$TMP/stdout' | grep -q '\"other\" = Other'"
form_variant odd_type 'ws["A13"] = "essay"'
expect_exit "an unknown type is read and warned about" 0 "$TALLY" describe "$TMP/export_one_column.csv" --set form="$TMP/odd_type.xlsx"
expect_contains "unknown type: the warning" "$TMP/stderr" "survey types the XLSForm standard does not have: 'essay' (row 13)"
expect_contains "unknown type: in describe" "$TMP/stdout" "form types unknown 'essay' (row 13)"
finish
