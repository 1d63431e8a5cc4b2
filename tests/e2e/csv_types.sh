# csv_types.sh: what `tally describe` and `tally -v run` say about CSV guesses (decimal mark, delimiter tie, dates,
# renamed columns), and text answers through a whole report in the order a person expects.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
export SOURCE_DATE_EPOCH=1609459200
ROOT=$(pwd)
# type_of NAME FILE: the Type line `tally describe` printed for variable NAME
type_of() { awk -v n="$1" '$2 == n { f = 1; next } f && /Type:/ { sub(/^ *Type: */, ""); print; exit }' "$2"; }

printf 'Stadt;Anteil;Geburtstag;Abgabe;PLZ\nBonn;12,5;05.03.1970;2020-10-19 14:03:10;08123\nUlm;-0,5;31.12.1969;2020-10-20T08:11:25;89073\n' >"$TMP/de.csv"
expect_exit "describe a German CSV without options" 0 "$TALLY" describe "$TMP/de.csv"
expect_contains "describe says the decimal mark it detected" "$TMP/stderr" 'decimal = "," detected from numbers written like '"'"'12,5'"'"' (line 2)'
cp "$TMP/stdout" "$TMP/de.txt"
check "12,5 is numeric" test "$(type_of Anteil "$TMP/de.txt")" = "numeric"
check "dd.mm.yyyy is a date" test "$(type_of Geburtstag "$TMP/de.txt")" = "numeric, date (days since 1970-01-01)"
check "ISO datetimes are datetimes" test "$(type_of Abgabe "$TMP/de.txt")" = \
  "numeric, date and time (seconds since 1970-01-01 00:00:00)"
check "a zip code with a leading zero stays text" test "$(type_of PLZ "$TMP/de.txt")" = "string, width 5"
expect_exit "describe -v" 0 "$TALLY" -v describe "$TMP/de.csv"
expect_contains "-v says which columns were read as dates" "$TMP/stderr" "column 'Geburtstag' read as dates (dd.mm.yyyy)"

printf 'a,b;c\n1,2;3\n' >"$TMP/tie.csv"
expect_exit "describe a file two delimiters split alike" 0 "$TALLY" describe "$TMP/tie.csv"
expect_contains "the tie is a warning naming both" "$TMP/stderr" "delimiter: ';' and ',' each split every one of the first rows into equally many fields; using ';' (set delimiter = \";\" or \",\" to choose)"

printf 'q1,q1,q1_2\n1,2,3\n' >"$TMP/dup.csv"
expect_exit "describe a file with a duplicate name" 0 "$TALLY" describe "$TMP/dup.csv"
expect_contains "the renaming names both columns" "$TMP/stderr" "column 2: duplicate name 'q1' (also column 1) renamed to 'q1_3'"
expect_contains "the file's own q1_2 keeps its name" "$TMP/stdout" "  3. q1_2"
printf 'q1,q1\n1,2\n' >"$TMP/dup2.csv"
expect_exit "describe a file with a duplicate name and no q1_2 of its own" 0 "$TALLY" describe "$TMP/dup2.csv"
expect_contains "the duplicate becomes q1_2, the first free number" "$TMP/stderr" "column 2: duplicate name 'q1' (also column 1) renamed to 'q1_2'"

# income bands, a non-answer and a codebook order through a whole report (Markdown)
{
  echo 'id,income,size'
  i=0
  for v in '$100,000+' '$25,000-$49,999' 'Prefer not to say' '$50,000-$99,999' '$25,000-$49,999' '$5,000-$9,999' \
           '$50,000-$99,999' '$100,000+' '$25,000-$49,999' '$50,000-$99,999'; do
    i=$((i + 1))
    case $((i % 3)) in 0) s=large ;; 1) s=small ;; *) s=medium ;; esac
    echo "$i,\"$v\",$s"
  done
} >"$TMP/income.csv"
echo 'variable "size" { order = { "small", "medium", "large" } }' >"$TMP/income.codebook.lua"
cat >"$TMP/income.lua" <<EOF
report { title = "order" }
input "r" { path = "$TMP/income.csv", codebook = "$TMP/income.codebook.lua" }
stage "frequencies" { dataset = "r", variables = { "income", "size" } }
output "markdown" { path = "$TMP/out/order.md" }
EOF
expect_exit "a report of text answers" 0 "$TALLY" -q run "$TMP/income.lua"
cat >"$TMP/order.py" <<'EOF'
import re, sys
from tap import Tap
tap = Tap("")
md = open(sys.argv[1], encoding="utf-8").read()
rows = [[c.strip() for c in l.strip().strip("|").split("|")] for l in md.splitlines() if l.startswith("|")]
labels = [r[0].replace("\\$", "$") for r in rows]
def order(*want):
    pos = [labels.index(w) if w in labels else -1 for w in want]
    return all(p >= 0 for p in pos) and pos == sorted(pos)
tap.check(order("$5,000-$9,999", "$25,000-$49,999", "$50,000-$99,999", "$100,000+", "Prefer not to say"),
          "income bands by their numbers, 'Prefer not to say' last", labels)
cum = {r[0].replace("\\$", "$"): r[-1] for r in rows if len(r) > 4}
tap.check(cum.get("$100,000+") == "90.0%" and cum.get("Prefer not to say") == "100.0%",
          "cumulative percents follow that order (9 of 10 answers before 'Prefer not to say')", cum)
tap.check(order("small", "medium", "large"), "the codebook's order", labels)
tap.exit()
EOF
check "the Markdown tables list the categories in order" env PYTHONPATH="$ROOT/tests" $PY "$TMP/order.py" "$TMP/out/order.md"
finish
