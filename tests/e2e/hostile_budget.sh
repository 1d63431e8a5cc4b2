# hostile_budget.sh: budgets that nothing escapes: <close> handlers after an error, time spent in C, suggestions, budget options.
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
printf 'a,b\n1,2\n2,3\n' >s.csv

n=0
# stagecase DESC CODE SECS SCRIPT MESSAGE BUDGETS: runs SCRIPT as the only stage, within SECS seconds.
stagecase() {
  n=$((n + 1))
  printf '%s\n' "$4" >st$n.lua
  config run$n.lua s.csv "stage \"st$n.lua\" { $6 }"
  bounded "$1" "$2" "$3" 2048 "$TALLY" run run$n.lua
  [ -n "$5" ] && err_is "$1: message" "$5"
  check "$1: no report written" test ! -e out/r.md
}

# --- <close> handlers run after the error: the budgets stay armed -----------------------------------
LOOP="instruction budget of 100000 exceeded (endless loop?)"
stagecase "a looping __close after an error" 1 20 \
  'local x <close> = setmetatable({}, { __close = function() while true do end end }) error("boom")' \
  "$LOOP" "max_instructions = 100000"
stagecase "a looping __close after the instruction budget ran out" 1 20 \
  'local x <close> = setmetatable({}, { __close = function() while true do end end }) while true do end' \
  "$LOOP" "max_instructions = 100000"
stagecase "an allocating __close after an error" 1 30 \
  'local x <close> = setmetatable({}, { __close = function() local t = {} local i = 0 while true do i = i + 1 t[i] = { i } end end }) error("boom")' \
  "memory budget of 32 MB exceeded" "max_memory_mb = 32, max_instructions = 0"
stagecase "an allocating __close after a memory bomb" 1 30 \
  'local x <close> = setmetatable({}, { __close = function() local s = "x" while true do s = s .. s end end }) local s = "y" while true do s = s .. s end' \
  "memory budget of 32 MB exceeded" "max_memory_mb = 32, max_instructions = 0"
stagecase "a looping __close inside pcall after an error" 1 20 \
  'pcall(function() local x <close> = setmetatable({}, { __close = function() while true do end end }) error("boom") end)' \
  "$LOOP" "max_instructions = 100000"
stagecase "an xpcall handler whose <close> loops" 1 20 \
  'xpcall(function() error("x") end, function(m) local y <close> = setmetatable({}, { __close = function() while true do end end }) return m end)' \
  "$LOOP" "max_instructions = 100000"

# --- wall-clock time, in Lua and in C -------------------------------------------------------------------
stagecase "a backtracking string.find on 3,000 characters" 1 30 \
  'local s = string.rep("a", 3000) local x = s:find(".-.-.-.-.-b")' \
  "time limit of 2 s exceeded" "max_seconds = 2"
stagecase "a loop under a time limit and no instruction budget" 1 30 'while true do end' \
  "time limit of 2 s exceeded" "max_seconds = 2, max_instructions = 0"
config runt.lua s.csv 'stage "slow.lua" { max_seconds = 0, max_instructions = 0 }'
printf '%s\n' 'local s = string.rep("a", 3000) local x = s:find(".-.-.-.-.-b")' >slow.lua
bounded "--timeout bounds the whole run" 1 30 2048 "$TALLY" run --timeout 2 runt.lua
err_is "its message" "tally: the run took longer than --timeout 2 s (in stage 'slow.lua' (runt.lua:3)); nothing was written"
check "no report written" test ! -e out/r.md
expect_exit "--timeout needs a number" 2 "$TALLY" run --timeout soon runt.lua
expect_contains "its message" "$TMP/stderr" "--timeout needs a whole number of seconds from 1 to 604800, not 'soon'"

# --- suggestions are bounded -------------------------------------------------------------------------------
# 300 variables of 10 letters: each "did you mean" over a 1 MB name compared 3 * 10^9 letters.
$PY -c "print(','.join('variable%02d' % i for i in range(300))); print(','.join('1' for i in range(300)))" >wide.csv
printf '%s\n' 'local d = tally.dataset("d") local n = string.rep("x", 1 << 20) for i = 1, 20 do pcall(d.var, d, n) end d:var(n)' >wide.lua
config wide_run.lua wide.csv 'stage "wide.lua" { max_seconds = 0 }'
bounded "an unknown 1 MB variable name, looked up 20 times among 300 variables" 1 10 2048 "$TALLY" run wide_run.lua
err_is "its message" "unknown variable 'xxxxxxxx"
printf '%s\n' 'local d = tally.dataset("d") d:var("variabel07")' >near.lua
config near_run.lua wide.csv 'stage "near.lua" { }'
bounded "a near miss still gets its suggestion" 1 10 2048 "$TALLY" run near_run.lua
err_is "its message" "unknown variable 'variabel07' in dataset 'd' (did you mean 'variable07'?)"

# --- budget options are whole numbers in range ------------------------------------------------------------
budget() { # budget DESC SETTING MESSAGE
  config b$n.lua s.csv "stage \"values\" { $2 }"
  n=$((n + 1))
  bounded "$1 (tally check)" 2 20 2048 "$TALLY" check b$((n - 1)).lua
  err_is "$1: message" "$3"
}
budget "max_memory_mb = 1e300" "max_memory_mb = 1e300" \
  "option 'max_memory_mb' must be a whole number of megabytes from 0 (no limit) to 1048576, not 1e+300"
budget "max_memory_mb = 2^44+1" "max_memory_mb = 2^44 + 1" \
  "option 'max_memory_mb' must be a whole number of megabytes from 0 (no limit) to 1048576, not 17592186044417"
budget "max_memory_mb = 1.5" "max_memory_mb = 1.5" "option 'max_memory_mb' must be a whole number"
budget "max_instructions = -5" "max_instructions = -5" \
  "option 'max_instructions' must be a whole number of instructions from 0 (no limit) to 1000000000000000, not -5"
budget "max_instructions = 'many'" "max_instructions = 'many'" "option 'max_instructions' must be a whole number"
budget "max_seconds = 1e9" "max_seconds = 1e9" \
  "option 'max_seconds' must be a whole number of seconds from 0 (no limit) to 604800, not 1000000000"
config rb.lua s.csv 'stage "values" { }'
sed -i 's/report { title = "hostile", outdir = "out" }/report { title = "hostile", outdir = "out", max_memory_mb = 1e300 }/' rb.lua
bounded "a report-wide budget out of range (tally check)" 2 20 2048 "$TALLY" check rb.lua
err_is "its message" "option 'max_memory_mb' must be a whole number of megabytes from 0 (no limit) to 1048576, not 1e+300"

finish
