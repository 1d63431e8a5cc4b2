# sql_inputs.sh: the sqlite and postgres input plugins against a real SQLite file and a throw-away PostgreSQL
# cluster started here (Unix socket only, stopped on exit): the same data as a CSV fixture gives the same JSON
# through all three plugins; types, NULLs, dates, batches, codebooks; failures exit 1 without credentials.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
export SOURCE_DATE_EPOCH=1609459200

# The data: id, city, score (numeric), agree (boolean), grp (coded 1-3, a codebook labels it), w (weight),
# born (date), at (timestamp). Empty CSV fields are the NULLs.
cat >"$TMP/data.csv" <<'CSV'
id,city,score,agree,grp,w,born,at
1,Köln,3.25,1,1,1,1949-03-24,2024-02-29 13:45:10
2,"Bad Homburg, v.d.H.",,0,2,0.5,2000-02-29,1970-01-01 00:00:00
3,Zwickau,-7,1,1,2,,2021-06-30 23:59:59
4,Görlitz,1000000.5,,3,1,1969-12-31,
5,,0.001,0,2,1.5,2020-01-02,1999-12-31 12:00:00
CSV
cat >"$TMP/cb.lua" <<'LUA'
variable "grp" { label = "Region", values = { [1] = "West", [2] = "Ost", [3] = "Süd" }, measure = "nominal" }
variable "score" { label = "Score" }
weight "w"
LUA
write_config() { # NAME INPUT-OPTIONS
  cat >"$TMP/$1.lua" <<LUA
report { title = "SQL" }
input "d" { $2, codebook = "$TMP/cb.lua" }
stage "frequencies" { dataset = "d", variables = { "grp", "agree" } }
stage "descriptives" { dataset = "d", variables = { "id", "score" } }
output "json" { path = "$TMP/$1.json" }
output "xlsx" { path = "$TMP/$1.xlsx", data_sheet = "d" }
LUA
}
tables() { grep -v '"source":' "$TMP/$1.json" >"$TMP/$1.tables"; }
dump_dates() { # the born and at columns of the data sheet, as openpyxl reads them
  $PY - "$TMP/$1.xlsx" <<'PY' >"$TMP/$1.dates"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Data d"]
rows = list(ws.iter_rows(values_only=True))
h = rows[0]
for r in rows[1:]:
    print(r[h.index("born")], r[h.index("at")])
PY
}
cat >"$TMP/want.dates" <<'TXT'
1949-03-24 00:00:00 2024-02-29 13:45:10
2000-02-29 00:00:00 1970-01-01 00:00:00
None 2021-06-30 23:59:59
1969-12-31 00:00:00 None
2020-01-02 00:00:00 1999-12-31 12:00:00
TXT

write_config csv "plugin = \"csv\", path = \"$TMP/data.csv\""
expect_exit "csv: tally run" 0 "$TALLY" run "$TMP/csv.lua"
tables csv
check "csv: the codebook's labels are in the tables" grep -q '"Süd"' "$TMP/csv.tables"

# ---- SQLite: a real database file written by Python's sqlite3 module ---------------------------------------
$PY - "$TMP/data.csv" "$TMP/survey.sqlite" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE responses (id INTEGER, city TEXT, score NUMERIC, agree BOOLEAN, grp INTEGER, w REAL, "
           "born DATE, at TIMESTAMP)")
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    v = lambda k, f=str: None if r[k] == "" else f(r[k])
    db.execute("INSERT INTO responses VALUES (?,?,?,?,?,?,?,?)",
               (v("id", int), v("city"), v("score", float), v("agree", int), v("grp", int), v("w", float),
                v("born"), v("at")))
db.execute("CREATE TABLE other (x INTEGER)")
db.commit()
PY
write_config sqlite "plugin = \"sqlite\", path = \"$TMP/survey.sqlite\", table = \"responses\""
expect_exit "sqlite: tally run" 0 "$TALLY" run "$TMP/sqlite.lua"
tables sqlite
expect_same "sqlite: the same JSON tables as the CSV" "$TMP/sqlite.tables" "$TMP/csv.tables"
dump_dates sqlite
expect_same "sqlite: DATE and TIMESTAMP columns are dates and datetimes, NULL empty" "$TMP/sqlite.dates" "$TMP/want.dates"
write_config sqlite_q "plugin = \"sqlite\", path = \"$TMP/survey.sqlite\", query = \"SELECT * FROM responses ORDER BY id\""
expect_exit "sqlite query: tally run" 0 "$TALLY" run "$TMP/sqlite_q.lua"
tables sqlite_q
expect_same "sqlite query: the same JSON tables" "$TMP/sqlite_q.tables" "$TMP/csv.tables"
expect_exit "sqlite: two tables and no table option" 1 "$TALLY" describe "$TMP/survey.sqlite"
expect_contains "sqlite: the tables are named" "$TMP/stderr" \
  "the database has 2 tables ('other', 'responses'); set table = \"...\" or query = \"SELECT ...\""
write_config sqlite_bad "plugin = \"sqlite\", path = \"$TMP/survey.sqlite\", query = \"SELECT nope FROM responses\""
expect_exit "sqlite: a failing query is exit 1" 1 "$TALLY" run "$TMP/sqlite_bad.lua"
expect_contains "sqlite: with SQLite's message" "$TMP/stderr" "the query fails: no such column: nope"

# A result of 1,990 columns of one name (SQLite allows 2,000): each copy gets the next free suffix. The
# copies were once found by comparing each candidate with every name before it (n^3 / 6 compares: 3.8 s
# here); they are hashed now (plugins/common/name_set.c). The check is on the names, not a time.
wide_q="SELECT id AS a$(i=1; while [ $i -lt 1990 ]; do printf ', id AS a'; i=$((i + 1)); done) FROM responses"
expect_exit "sqlite: a 1,990-column query of one name" 0 "$TALLY" describe "$TMP/survey.sqlite" --set "query=$wide_q"
expect_contains "sqlite: its 1,990th column is a_1990" "$TMP/stdout" "1990. a_1990"
expect_contains "sqlite: its copies are warned" "$TMP/stderr" "result column 1990: duplicate name 'a' renamed to 'a_1990'"

# A connection string libpq cannot parse: its message quotes the bad token, never the password.
write_config pg_url "plugin = \"postgres\", connection = env(\"DATABASE_URL\"), table = \"responses\""
DATABASE_URL='postgresql://tally:Sekr3t%zzPass@/postgres?host=/nowhere' \
  expect_exit "postgres: a malformed URL is exit 1" 1 "$TALLY" run "$TMP/pg_url.lua"
expect_contains "postgres: libpq's reason" "$TMP/stderr" 'cannot connect to PostgreSQL: invalid percent-encoded token: "****'
check "postgres: the reason never shows the password" sh -c "! grep -q Sekr3t '$TMP/stderr' '$TMP/stdout'"

# ---- PostgreSQL: a throw-away cluster in a temporary folder, as a non-root user -------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1) # 15 on Debian 12
: "${PGBIN:=/usr/lib/postgresql/15/bin}"
PGDIR=""
stop_pg() {
  [ -n "$PGDIR" ] && [ -f "$PGDIR/data/postmaster.pid" ] && $AS "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
  [ -n "$PGDIR" ] && rm -rf "$PGDIR"
}
trap 'stop_pg; rm -rf "$TMP"' EXIT
AS="" PGOS=""
if [ "$(id -u)" = 0 ]; then # the server refuses to run as root
  for u in postgres nobody; do id "$u" >/dev/null 2>&1 && { PGOS=$u; AS="runuser -u $u --"; break; }; done
fi
if [ ! -x "$PGBIN/initdb" ]; then
  skip "PostgreSQL tests: $PGBIN/initdb is missing (Debian package postgresql)"
elif [ "$(id -u)" = 0 ] && [ -z "$AS" ]; then
  skip "PostgreSQL tests: running as root and no non-root user to run the server"
else
  PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/tally-pg.XXXXXX")
  [ -n "$PGOS" ] && chown "$PGOS" "$PGDIR"
  check "postgres: initdb" $AS "$PGBIN/initdb" -D "$PGDIR/data" -U tally -A trust --no-sync -E UTF8 --locale=C.UTF-8
  check "postgres: the server starts (Unix socket only)" $AS "$PGBIN/pg_ctl" -D "$PGDIR/data" -w -t 60 \
    -l "$PGDIR/log" -o "-k $PGDIR -c listen_addresses= -F" start
  PSQL="$AS psql -X -q -v ON_ERROR_STOP=1 -h $PGDIR -U tally -d postgres"
  cp "$TMP/data.csv" "$PGDIR/data.csv" && chmod 644 "$PGDIR/data.csv"
  check "postgres: table loaded from the CSV" $PSQL -c "CREATE TABLE responses (id integer, city text,
    score numeric, agree boolean, grp smallint, w double precision, born date, at timestamp);
    CREATE SCHEMA s; CREATE VIEW s.responses AS SELECT * FROM responses;" \
    -c "\\copy responses FROM '$PGDIR/data.csv' WITH (FORMAT csv, HEADER true)"
  export DATABASE_URL="host=$PGDIR user=tally dbname=postgres password=Sekr3tPass"
  write_config postgres "plugin = \"postgres\", connection = env(\"DATABASE_URL\"), table = \"responses\", batch_rows = 2"
  expect_exit "postgres: tally run (2 rows a batch)" 0 "$TALLY" -v run "$TMP/postgres.lua"
  expect_contains "postgres: -v says how it fetches" "$TMP/stderr" "fetching 2 rows at a time"
  check "postgres: -v never shows the password" sh -c "! grep -q Sekr3tPass '$TMP/stderr' '$TMP/stdout'"
  tables postgres
  expect_same "postgres: the same JSON tables as the CSV" "$TMP/postgres.tables" "$TMP/csv.tables"
  dump_dates postgres
  expect_same "postgres: date and timestamp columns are dates and datetimes, NULL empty" "$TMP/postgres.dates" \
    "$TMP/want.dates"
  write_config postgres_q "plugin = \"postgres\", connection = env(\"DATABASE_URL\"), table = \"s.responses\""
  expect_exit "postgres: a schema-qualified view" 0 "$TALLY" run "$TMP/postgres_q.lua"
  tables postgres_q
  expect_same "postgres view: the same JSON tables" "$TMP/postgres_q.tables" "$TMP/csv.tables"
  write_config pg_badq "plugin = \"postgres\", connection = env(\"DATABASE_URL\"), query = \"SELECT nope FROM responses\""
  expect_exit "postgres: a failing query is exit 1" 1 "$TALLY" run "$TMP/pg_badq.lua"
  expect_contains "postgres: with the server's message" "$TMP/stderr" 'column "nope" does not exist'
  DATABASE_URL="host=$PGDIR/nowhere user=tally dbname=postgres password=Sekr3tPass" \
    expect_exit "postgres: a failing connection is exit 1" 1 "$TALLY" -v run "$TMP/postgres.lua"
  expect_contains "postgres: the connection error says why" "$TMP/stderr" "cannot connect to PostgreSQL:"
  check "postgres: the connection error never shows the password" sh -c "! grep -q Sekr3tPass '$TMP/stderr' '$TMP/stdout'"
fi
finish
