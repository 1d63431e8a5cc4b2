# output_destinations.sh: every destination of a run is checked before anything is written (duplicates,
# folders, a path ending in '/', an input, the config, a codebook or a template), temporary files are made
# with unpredictable names that a planted symlink cannot redirect, stale temporaries of dead runs go,
# and $GITHUB_STEP_SUMMARY is appended only after every output succeeded.
. tests/lib.sh
. tests/lib/hostile.sh
survey_workdir
cp survey.csv survey.csv.orig

# refused DESC TEXT FILE...: exit 2, TEXT on stderr, and each FILE unchanged (compared to FILE.orig) or absent.
refused() {
  rd=$1; text=$2; shift 2
  err_is "$rd: the message names the path" "$text"
  for f in "$@"; do
    if [ -e "$f.orig" ]; then check "$rd: $f is unchanged" cmp -s "$f" "$f.orig"
    else check "$rd: $f was not written" test ! -e "$f"; fi
  done
  left=$(find . -name '.*tmp*' | head -3)
  check "$rd: no temporary file${left:+ ($left)}" test -z "$left"
}

# ---- tally report: the -o list ----
echo "old report" >r.md; cp r.md r.md.orig
expect_exit "report: -o r.md -o r.md is refused" 2 "$TALLY" report survey.csv -o r.md -o r.md
refused "report: -o r.md twice" "-o r.md: r.md writes the same file as -o r.md; give each output its own file" r.md
expect_exit "report: -o ./r.md -o r.md is refused" 2 "$TALLY" report survey.csv -o ./r.md -o r.md
refused "report: one file spelled two ways" "-o r.md: r.md writes the same file as -o ./r.md" r.md
expect_exit "report: -o r.html -o r.md -o r.md is refused before r.html is written" 2 \
  "$TALLY" report survey.csv -o r.html -o r.md -o r.md
refused "report: a duplicate after a good output" "writes the same file as -o r.md" r.md r.html
mkdir -p dir.md
expect_exit "report: an -o that is a folder is refused" 2 "$TALLY" report survey.csv -o r.html -o dir.md
refused "report: a folder" "-o dir.md: dir.md is a folder; give a file name" r.html

# ---- tally run: outputs of a config ----
cat >dup.lua <<'LUA'
report { title = "Dup" }
input "survey" { path = "survey.csv" }
stage "frequencies" { dataset = "survey", variables = { "region" } }
output "markdown" { path = "r.md" }
output "second" { plugin = "markdown", path = "./r.md" }
LUA
expect_exit "run: two outputs with one path" 2 "$TALLY" run dup.lua
refused "run: two outputs with one path" "dup.lua:5: output 'second': ./r.md writes the same file as output 'markdown' (dup.lua:4)" r.md

slash() { # slash NAME PATH: a config whose json output goes to PATH, after a markdown output
  printf 'report { title = "S" }\ninput "survey" { path = "survey.csv" }\n' >"$1"
  printf 'stage "frequencies" { dataset = "survey", variables = { "region" } }\n' >>"$1"
  printf 'output "markdown" { path = "r.md" }\noutput "json" { path = "%s" }\n' "$2" >>"$1"
}
slash slash.lua "sub/"
expect_exit "run: an output path ending in '/'" 2 "$TALLY" run slash.lua
refused "run: a path ending in '/'" "slash.lua:5: output 'json': sub/ ends in '/', a folder; give a file name" r.md sub
mkdir -p folder.json
slash folder.lua "folder.json"
expect_exit "run: an output path that is a folder" 2 "$TALLY" run folder.lua
refused "run: a folder" "folder.lua:5: output 'json': folder.json is a folder; give a file name" r.md

slash input.lua "survey.csv"
expect_exit "run: an output path equal to the input" 2 "$TALLY" run input.lua
refused "run: the input" "input.lua:5: output 'json': survey.csv is input 'survey' (input.lua:2); write the report to another file" r.md survey.csv
cp survey.csv.orig survey.csv # for the cases below, when today's code overwrote it
slash self.lua "self.lua"; cp self.lua self.lua.orig
expect_exit "run: an output path equal to the config" 2 "$TALLY" run self.lua
refused "run: the config" "self.lua:5: output 'json': self.lua is the config file; write the report to another file" r.md self.lua
printf 'return { variables = { region = { label = "Region" } } }\n' >survey.codebook.lua; cp survey.codebook.lua survey.codebook.lua.orig
slash codebook.lua "survey.codebook.lua"
sed -i 's|path = "survey.csv" }|path = "survey.csv", codebook = "survey.codebook.lua" }|' codebook.lua
expect_exit "run: an output path equal to a codebook" 2 "$TALLY" run codebook.lua
refused "run: the codebook" "codebook.lua:5: output 'json': survey.codebook.lua is the codebook of input 'survey' (codebook.lua:2)" r.md survey.codebook.lua
printf '# {{ title }}\n\n{{ tables }}\n' >tpl.md; cp tpl.md tpl.md.orig
cat >tpl.lua <<'LUA'
report { title = "T" }
input "survey" { path = "survey.csv" }
stage "frequencies" { dataset = "survey", variables = { "region" } }
output "html" { path = "r.html", template = "tpl.md" }
output "markdown" { path = "tpl.md" }
LUA
expect_exit "run: an output path equal to another output's template" 2 "$TALLY" run tpl.lua
refused "run: a template" "tpl.lua:5: output 'markdown': tpl.md is the template of output 'html' (tpl.lua:4)" r.html tpl.md

# ---- temporary files: unpredictable names, never through a symlink ----
# The old names were .NAME.tmp-PID: plant that symlink for every PID the next runs may get.
mkdir -p plant; echo "victim" >victim.txt; cp victim.txt victim.orig
cat >plant/p.lua <<'LUA'
report { title = "P" }
input "survey" { path = "../survey.csv" }
stage "frequencies" { dataset = "survey", variables = { "region" } }
output "markdown" { path = "r.md" }
LUA
$PY -c 'import os
p = os.getpid()
for i in range(p, p + 400): os.symlink("../victim.txt", "plant/.r.md.tmp-%d" % i)'
expect_exit "run: into a folder with planted symlinks" 0 "$TALLY" run plant/p.lua
check "run: the symlinks' target is untouched" cmp -s victim.txt victim.orig
expect_contains "run: the report was written" plant/r.md "# P"

# The temporary file swapped for a symlink while the run writes (held there by the test binary):
# the write still goes to the run's own file, and the swapped name never becomes the report.
mkdir -p swap; cp plant/p.lua swap/p.lua; echo "old report" >swap/r.md; cp swap/r.md swap/r.md.orig
echo "victim" >victim2.txt; cp victim2.txt victim2.txt.orig; rm -f resume
TALLY_FAULT=pause:write:markdown TALLY_FAULT_RESUME="$TMP/resume" "$TALLY_FAULT_BIN" run swap/p.lua 2>swap.err & pid=$!
n=0; while ! grep -q "paused at write:markdown" swap.err 2>/dev/null && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
t=$(find swap -name '.r.md.tmp-*' | head -1)
check "swap: the run made its temporary file before writing${t:+ ($t)}" test -n "$t"
[ -n "$t" ] && rm -f "$t" && ln -s ../victim2.txt "$t"
touch resume; wait $pid; got=$?
check "swap: the run fails (exit $got)" test "$got" = 1
expect_contains "swap: the message says the temporary file was replaced" swap.err "p.lua:4: output 'markdown': the temporary file for r.md was replaced or removed while tally wrote it"
check "swap: the symlink's target is untouched" cmp -s victim2.txt victim2.txt.orig
check "swap: the report is unchanged, not a symlink" sh -c 'test ! -L swap/r.md && cmp -s swap/r.md swap/r.md.orig'

# ---- stale temporaries of dead runs are removed, a live run's are kept ----
mkdir -p stale
cp plant/p.lua stale/p.lua
sleep 60 & live=$!
dead=$(sh -c 'echo $$')
echo partial >"stale/.r.md.tmp-$dead"; echo partial >"stale/.r.md.tmp-$dead-a1B2c3"
echo partial >"stale/.other.xlsx.tmp-$dead-Zz9Yy8"; echo live >"stale/.r.md.tmp-$live-q1W2e3"
echo mine >"stale/.notes.tmp-keep"
expect_exit "run: a folder with stale temporaries" 0 "$TALLY" run stale/p.lua
check "run: the dead run's temporaries are gone" test ! -e "stale/.r.md.tmp-$dead" -a ! -e "stale/.r.md.tmp-$dead-a1B2c3" -a ! -e "stale/.other.xlsx.tmp-$dead-Zz9Yy8"
check "run: a live run's temporary is kept" test -e "stale/.r.md.tmp-$live-q1W2e3"
check "run: a file that is no temporary of tally is kept" test -e stale/.notes.tmp-keep
kill "$live" 2>/dev/null; wait "$live" 2>/dev/null

# ---- a folder the user may write but not read (a drop box): written, without a lock, said so ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
  chmod 711 "$TMP"; mkdir -p wo/drop; cp survey.csv wo/; chmod 755 wo; chmod 644 wo/survey.csv; chmod 333 wo/drop
  printf 'report { title = "W", outdir = "drop" }\ninput "s" { path = "survey.csv" }\noutput "markdown" { path = "r.md" }\n' >wo/w.lua
  (cd wo && expect_exit "run: into a write-only folder" 0 setpriv --reuid=nobody --regid=nogroup --clear-groups "$TALLY" run w.lua)
  err_is "run: the missing lock is named" "cannot lock the output folder drop (no read permission)"
  check "run: the report is there" test -s wo/drop/r.md
else
  echo "ok - # SKIP a write-only folder: needs root and setpriv to run as nobody"
fi

# ---- $GITHUB_STEP_SUMMARY only after every output succeeded ----
printf '# {{ nosuch }}\n' >bad.md
cat >summary.lua <<'LUA'
report { title = "Summary" }
input "survey" { path = "survey.csv" }
stage "frequencies" { dataset = "survey", variables = { "region" } }
output "markdown" { path = "s.md", step_summary = true }
output "html" { path = "s.html", template = "bad.md" }
LUA
echo "earlier steps" >step.md; cp step.md step.md.orig
GITHUB_STEP_SUMMARY="$TMP/step.md" expect_exit "run: a later output fails" 1 "$TALLY" run summary.lua
check "run: the step summary is unchanged after the failed run" cmp -s step.md step.md.orig
sed -i 's|, template = "bad.md"||' summary.lua
GITHUB_STEP_SUMMARY="$TMP/step.md" expect_exit "run: every output succeeds" 0 "$TALLY" run summary.lua
expect_contains "run: then the report is appended to the step summary" step.md "# Summary"
expect_contains "run: after what was there" step.md "earlier steps"
finish
