# output_signals.sh: a run ended by SIGTERM, SIGINT or SIGKILL at several phases (held there by the
# fault-injection binary's TALLY_FAULT=pause:POINT) leaves the previous report byte-identical; SIGTERM
# and SIGINT remove the run's temporary files at once (exit 143/130), and the next run removes those a
# killed run left.
. tests/lib.sh
. tests/lib/hostile.sh
cp -r tests/data/e2e "$TMP/e2e"
cd "$TMP/e2e" || exit 1
export SOURCE_DATE_EPOCH=1609459200
unset GITHUB_STEP_SUMMARY
four_outputs good.lua r Good
sed 's/"Good"/"Changed"/' good.lua >changed.lua
check "the fault-injection binary is built" test -x "$TALLY_FAULT_BIN"
expect_exit "the good run" 0 "$TALLY" run good.lua
mkdir -p good
for f in $FILES; do mkdir -p "good/$(dirname "$f")"; cp "out/$f" "good/$f"; done

intact() {
  same=1
  for f in $FILES; do cmp -s "out/$f" "good/$f" || { same=0; echo "#   out/$f changed"; }; done
  check "$1: the previous report is byte-identical" test $same = 1
}
temps() { find out -name '.*tmp*' | head -3; }

# killed DESC POINT SIGNAL CODE: the changed run, paused at POINT, gets SIGNAL; it must end with CODE.
killed() {
  rm -f run.err
  env --default-signal=INT TALLY_FAULT="pause:$2" "$TALLY_FAULT_BIN" run changed.lua 2>run.err & pid=$!
  n=0
  while ! grep -q "paused at $2" run.err 2>/dev/null && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
  check "$1: the run reached the pause" grep -q "paused at $2" run.err
  kill -s "$3" $pid
  wait $pid; got=$?
  check "$1: the run ends with exit $4 (got $got)" test "$got" = "$4"
  intact "$1"
}
for point in stage output:markdown output:xlsx rename; do
  killed "SIGTERM at $point" "$point" TERM 143
  left=$(temps); check "SIGTERM at $point: no temporary file is left${left:+ ($left)}" test -z "$left"
  killed "SIGINT at $point" "$point" INT 130
  left=$(temps); check "SIGINT at $point: no temporary file is left${left:+ ($left)}" test -z "$left"
done
for point in output:json rename; do
  killed "SIGKILL at $point" "$point" KILL 137
  check "SIGKILL at $point: the killed run left temporary files (the case the next run cleans)" test -n "$(temps)"
  expect_exit "SIGKILL at $point: the next run" 0 "$TALLY" run good.lua
  left=$(temps); check "SIGKILL at $point: no temporary file is left after the next run${left:+ ($left)}" test -z "$left"
  intact "SIGKILL at $point: after the next run"
done

# Without fault injection: SIGTERM while a stage computes.
printf 'local x = 0\nwhile true do x = x + 1 end\n' >spin.lua
sed 's/^stage "frequencies".*/stage "spin.lua" { }/' changed.lua >spin_cfg.lua
"$TALLY" run spin_cfg.lua 2>/dev/null & pid=$!
sleep 0.3
kill -TERM $pid; wait $pid; got=$?
check "SIGTERM in a running stage: exit 143 (got $got)" test "$got" = 143
intact "SIGTERM in a running stage"
left=$(temps); check "SIGTERM in a running stage: no temporary file${left:+ ($left)}" test -z "$left"
finish
