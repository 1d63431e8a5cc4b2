# csv_exports.sh: survey-platform CSV exports (SurveyMonkey, Qualtrics, Google and Microsoft Forms) through
# `tally report` with no options: N, counts, bases and labels against values computed here from the files.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins" SOURCE_DATE_EPOCH=1609459200 PYTHONPATH=tests
D=tests/data/csv/exports

cat >"$TMP/check.py" <<'PYEOF'
import csv, json, sys
from tap import Tap
kind, data, js = sys.argv[1], sys.argv[2], sys.argv[3]
tap = Tap(kind + ": ")
rows = list(csv.reader(open(data, encoding="utf-8")))
report = json.load(open(js))
tables = {t["title"]: t for t in report["tables"]}

def counts(title):
    t = tables.get(title)
    if not t:
        return None
    return {r["label"]: r["cells"][1] for r in t["rows"] if r["type"] == "category"}

def base(title):
    t = tables.get(title)
    return t and t["base"]

def no_header_text(words):
    text = json.dumps(report)
    for w in words:
        tap.check(w not in text, "no table holds the header text %r" % w)

if kind == "surveymonkey":
    q, opt, data_rows = rows[0], rows[1], rows[2:]
    n = len(data_rows)
    def col(label, question):
        start = q.index(question)
        return start + opt[start:].index(label)
    def single(question, options):
        want = {}
        for r in data_rows:
            chosen = [o for o in options if r[col(o, question)]]
            for o in chosen:
                want[o] = want.get(o, 0) + 1
        return want
    tap.check(base("What is your gender?") == "N = %d" % n, "N is the respondents (%d), not the header rows" % n,
              base("What is your gender?"))
    g = single("What is your gender?", ["Male", "Female"])
    tap.check(counts("What is your gender?") == g, "gender: one variable, options in column order", counts("What is your gender?"))
    tap.check(list(counts("What is your gender?") or {}) == ["Male", "Female"], "gender: value labels in column order")
    h = single("How did you first hear about us?", ["A friend or colleague", "An advertisement"])
    other = sum(1 for r in data_rows if r[col("Other (please specify)", "How did you first hear about us?")]
                and not any(r[col(o, "How did you first hear about us?")] for o in h))
    h["Other (please specify)"] = other
    tap.check(counts("How did you first hear about us?") == h, "heard: the other text counts as Other", counts("How did you first hear about us?"))
    svc = "Which of these services have you used in the last year?"
    opts = ["Online banking", "Mobile app", "Branch visit"]
    want = {o: sum(1 for r in data_rows if r[col(o, svc)]) for o in opts}
    tap.check(counts(svc) == want, "check-all: a set named after the question, counted per option", counts(svc))
    cases = sum(1 for r in data_rows if any(r[col(o, svc)] for o in opts))
    tap.check((base(svc) or "").startswith("N = %d" % cases), "check-all: base is the %d cases with an answer" % cases, base(svc))
    sat = "How satisfied are you with our service overall?"
    want = {}
    for r in data_rows:
        v = r[q.index(sat)]
        if v:
            want[v] = want.get(v, 0) + 1
    tap.check(counts(sat) == want, "single column question: its answers, titled by the question", counts(sat))
    tap.check(not any(t in tables for t in ["Response", "Male", "Female", "Online banking"]),
              "no table is titled by a placeholder or an option column", list(tables))
    no_header_text(['"Response"', "Open-Ended Response"])
elif kind in ("qualtrics", "qualtrics-two-rows"):
    names, labels = rows[0], rows[1]
    data_rows = rows[3:] if kind == "qualtrics" else rows[2:]
    n = len(data_rows)
    gender = "What is your gender?"
    want = {}
    for r in data_rows:
        v = r[names.index("Q2")]
        want[v] = want.get(v, 0) + 1
    tap.check(counts(gender) == want, "Q2 titled by its question text, counted over the respondents", counts(gender))
    tap.check(base(gender) == "N = %d" % n, "N is the respondents (%d): row 2 and row 3 are not" % n, base(gender))
    own = "Which of these do you own?"
    items = [c for c in names if c.startswith("Q5_")]
    texts = [labels[names.index(c)].split(" - ")[-1] for c in items]
    want = {t: sum(1 for r in data_rows if r[names.index(c)]) for c, t in zip(items, texts)}
    tap.check(counts(own) == want, "Q5_1..Q5_3: a set titled by the question, counted per choice", counts(own))
    cases = sum(1 for r in data_rows if any(r[names.index(c)] for c in items))
    tap.check((base(own) or "").startswith("N = %d" % cases), "Q5 set: base %d cases" % cases, base(own))
    sat = labels[names.index("Q3")]
    tap.check(sat in tables, "Q3 titled by row 2's question text", list(tables))
    no_header_text(["ImportId", "Selected Choice"])
elif kind in ("google", "microsoft"):
    head, data_rows = rows[0], rows[1:]
    delim = ", " if kind == "google" else ";"
    known = sys.argv[4:] if len(sys.argv) > 4 else []
    def split(cell):
        out, p = [], cell
        while p:
            p = p.lstrip(" ")
            k = next((c for c in known if p.startswith(c) and (p[len(c):] == "" or p[len(c):].startswith(delim))), None)
            tok = k if k else p.split(delim)[0]
            if tok.strip():
                out.append(tok.strip())
            p = p[len(tok):]
            if p.startswith(delim):
                p = p[len(delim):]
        return out
    sets = [c for c in head if any(len(split(r[head.index(c)])) > 1 for r in data_rows)
            and c not in ("Any comments on the canteen?",)]
    tap.check(len(sets) >= 1, "the fixture has check-all columns", sets)
    for s in sets:
        want = {}
        for r in data_rows:
            for tok in split(r[head.index(s)]):
                want[tok] = want.get(tok, 0) + 1
        tap.check(counts(s) == want, "%s: the delimited answers split into a set" % s, counts(s))
        cases = sum(1 for r in data_rows if split(r[head.index(s)]))
        tap.check((base(s) or "").startswith("N = %d" % cases), "%s: base %d cases" % (s, cases), base(s))
tap.exit()
PYEOF

for f in surveymonkey qualtrics qualtrics-two-rows google-forms microsoft-forms; do
  expect_exit "tally report $f.csv with no options" 0 "$TALLY" report $D/$f.csv -o "$TMP/$f.json"
done
$PY "$TMP/check.py" surveymonkey $D/surveymonkey.csv "$TMP/surveymonkey.json" || failures=$((failures + 1))
$PY "$TMP/check.py" qualtrics $D/qualtrics.csv "$TMP/qualtrics.json" || failures=$((failures + 1))
$PY "$TMP/check.py" qualtrics-two-rows $D/qualtrics-two-rows.csv "$TMP/qualtrics-two-rows.json" || failures=$((failures + 1))
$PY "$TMP/check.py" google $D/google-forms.csv "$TMP/google-forms.json" || failures=$((failures + 1))
$PY "$TMP/check.py" microsoft $D/microsoft-forms.csv "$TMP/microsoft-forms.json" || failures=$((failures + 1))
expect_exit "Google Forms with an option holding the delimiter declared" 0 \
  "$TALLY" report $D/google-forms.csv -o "$TMP/gk.json" --set 'choices=Weekends\, if dry'
$PY "$TMP/check.py" google $D/google-forms.csv "$TMP/gk.json" "Weekends, if dry" || failures=$((failures + 1))

# the codebook's split form keeps a declared option holding the delimiter whole
cat >"$TMP/cyc.lua" <<'LUA'
mrset "cycling" { label = "Cycling days", split = "When do you cycle?", delimiter = ", ",
                  options = { "Weekdays", "Weekends, if dry", "Never" } }
LUA
expect_exit "codebook split with an option holding the delimiter" 0 \
  "$TALLY" report $D/google-forms.csv --set layout=plain --codebook "$TMP/cyc.lua" -o "$TMP/cyc.json"
$PY - $D/google-forms.csv "$TMP/cyc.json" >"$TMP/cyc.out" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
opts = ["Weekdays", "Weekends, if dry", "Never"]
want = [sum(1 for r in rows if o in r["When do you cycle?"]) for o in opts]
t = {t["title"]: t for t in json.load(open(sys.argv[2]))["tables"]}["Cycling days"]
got = [r["cells"][1] for r in t["rows"] if r["type"] == "category"]
print("same" if got == want else "got %r want %r" % (got, want))
PY
expect_contains "split counts match the declared options" "$TMP/cyc.out" "same"

# a question whose data show one option a row can be declared check-all
expect_exit "check_all declares a SurveyMonkey question a set" 0 "$TALLY" -v describe $D/surveymonkey.csv --set "check_all=What is your gender?"
expect_contains "-v says it was declared" "$TMP/stderr" "'What is your gender?': 2 option columns made a dichotomy set (declared in check_all)"
expect_contains "the set's variables" "$TMP/stdout" "Variables: What is your gender?_1 What is your gender?_2"
expect_exit "check_all naming no question" 1 "$TALLY" describe $D/surveymonkey.csv --set check_all=Gender
expect_contains "the unknown name is an error" "$TMP/stderr" "check_all names 'Gender', which is no question spread over option columns"

# describe and -v say what was detected and how the file was read
expect_exit "describe a SurveyMonkey export" 0 "$TALLY" describe $D/surveymonkey.csv
expect_contains "describe: the layout detected" "$TMP/stdout" "layout       surveymonkey (detected: row 2 holds SurveyMonkey's"
expect_contains "describe: header rows" "$TMP/stdout" "header rows  2 (from the layout)"
expect_contains "describe: encoding" "$TMP/stdout" "encoding     utf-8 (default)"
expect_contains "describe: delimiter" "$TMP/stdout" "delimiter    comma \",\" (detected)"
expect_contains "describe: decimal mark" "$TMP/stdout" "decimal      \".\" (default)"
expect_contains "describe: the set made from option columns" "$TMP/stdout" "Variables: Which of these services have you used in the last year?_1"
expect_exit "describe a Qualtrics export" 0 "$TALLY" describe $D/qualtrics.csv
expect_contains "describe: Qualtrics detected" "$TMP/stdout" "layout       qualtrics (detected: row 3 holds Qualtrics' {\"ImportId\": ...} cells)"
expect_contains "describe: Q2's label without 'Selected Choice'" "$TMP/stdout" "Label:    What is your gender?"
expect_contains "describe: the open other answer is text" "$TMP/stdout" "Label:    What is your gender? - Other - Text"
expect_exit "Qualtrics without its ImportId row read as plain" 1 "$TALLY" describe $D/qualtrics-two-rows.csv --set layout=plain
expect_contains "the question-text row is named" "$TMP/stderr" "qualtrics-two-rows.csv:2: this row holds Qualtrics' question texts (\"Response ID\" under ResponseId): a header row, not a respondent; read the file with --set layout=qualtrics"
expect_exit "describe a Google Forms export" 0 "$TALLY" describe $D/google-forms.csv
expect_contains "describe: Google Forms detected" "$TMP/stdout" "layout       google_forms (detected"
expect_contains "describe: the timestamp is a date" "$TMP/stdout" "numeric, date and time"
tr -d '\n' <"$TMP/stdout" >"$TMP/flat"
expect_contains "describe: free text with commas stays one text variable" "$TMP/flat" "Any comments on the canteen?    Type:     string"
expect_exit "describe a Microsoft Forms export" 0 "$TALLY" describe $D/microsoft-forms.csv
expect_contains "describe: Microsoft Forms detected" "$TMP/stdout" "layout       microsoft_forms (detected"
expect_exit "describe -v names the layout" 0 "$TALLY" -v describe $D/qualtrics.csv
expect_contains "-v: the layout and its header rows" "$TMP/stderr" "layout qualtrics (detected: row 3 holds"

# a header row is never a respondent: read as plain, the placeholder row is an error naming its line
expect_exit "SurveyMonkey read as plain" 1 "$TALLY" describe $D/surveymonkey.csv --set layout=plain
expect_contains "the placeholder row is named, with the fix spelled --set" "$TMP/stderr" \
  "surveymonkey.csv:2: this row holds SurveyMonkey's \"Response\" placeholders: a header row, not a respondent; read the file with --set layout=surveymonkey (or --set header_rows=2)"
expect_exit "Qualtrics with header_rows=2" 1 "$TALLY" report $D/qualtrics.csv -o "$TMP/q.json" --set header_rows=2
expect_contains "the ImportId row is named" "$TMP/stderr" "qualtrics.csv:3: this row holds Qualtrics' {\"ImportId\": ...} cells: a header row, not a respondent; read the file with --set layout=qualtrics (or --set header_rows=3)"
cat >"$TMP/q.lua" <<LUA
input "data" { path = "$(pwd)/$D/qualtrics.csv", header_rows = 2 }
stage "overview" { dataset = "data" }
output "json" { plugin = "json", path = "q.json" }
LUA
expect_exit "Qualtrics with header_rows = 2 in a config" 1 "$TALLY" run "$TMP/q.lua"
expect_contains "in a config the fix is spelled as config" "$TMP/stderr" "read the file with layout = \"qualtrics\" (or header_rows = 3)"
finish
