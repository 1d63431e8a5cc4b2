# hostile_stage.sh: stages that allocate, loop or recurse without end, and every sandbox escape; each stopped with its message.
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
printf 'a,b\n1,2\n2,3\n' >s.csv
UNKNOWN="(stages see only options, tally, report and the safe parts of base, string, table, math and utf8)"

# stagecase DESC CODE SCRIPT MESSAGE [BUDGETS]: runs SCRIPT as the only stage.
n=0
stagecase() {
  n=$((n + 1))
  printf '%s\n' "$3" >st$n.lua
  config run$n.lua s.csv "stage \"st$n.lua\" { ${5:-max_instructions = 5000000, max_memory_mb = 32} }"
  bounded "$1" "$2" 30 2048 "$TALLY" run run$n.lua
  [ -n "$4" ] && err_is "$1: message" "$4"
  check "$1: no report written" test ! -e out/r.md
}
okcase() { # okcase DESC SCRIPT TEXT-ON-STDERR: the stage runs, harmlessly
  n=$((n + 1))
  printf '%s\n' "$2" >st$n.lua
  config run$n.lua s.csv "stage \"st$n.lua\" { }"
  bounded "$1" 0 30 2048 "$TALLY" run run$n.lua
  err_is "$1: what it saw" "$3"
  rm -rf out
}

# --- budgets ---------------------------------------------------------------------------------------
MEM="memory budget of 32 MB exceeded in st"
stagecase "a stage that allocates tables without end" 1 \
  'local t = {} local i = 0 while true do i = i + 1 t[i] = { i } end' "$MEM"
stagecase "a stage that doubles a string without end" 1 'local s = "x" while true do s = s .. s end' "$MEM"
stagecase "string.rep of a terabyte" 1 'local s = string.rep("x", 1 << 40)' "resulting string too large"
stagecase "string.rep of 100 MB" 1 'local s = string.rep("x", 100 << 20)' "$MEM"
stagecase "a memory bomb inside pcall cannot be caught" 1 \
  'while true do pcall(function() local s = "x" while true do s = s .. s end end) end' "$MEM"
LOOP="instruction budget of 5000000 exceeded (endless loop?); raise max_instructions in the stage's config block if the work is genuine"
stagecase "a stage that loops without end" 1 'while true do end' ".lua:1: $LOOP"
stagecase "a numeric for to maxinteger" 1 'local n = 0 for i = 1, math.maxinteger do n = n + 1 end' "$LOOP"
stagecase "an endless loop inside pcall cannot be caught" 1 \
  'while true do pcall(function() while true do end end) end' "$LOOP"
# A spent budget skips the stage's own message handler, so the message is the budget's.
stagecase "an endless loop inside xpcall cannot be caught" 1 \
  'xpcall(function() while true do end end, function() return "caught" end) while true do end' "$LOOP"
stagecase "a stage that recurses without end (memory budget first)" 1 \
  'local function f(n) return 1 + f(n + 1) end f(1)' "$MEM"
stagecase "a stage that recurses without end (default budgets)" 1 \
  'local function f(n) return 1 + f(n + 1) end f(1)' ".lua:1: stack overflow" " "
stagecase "endless tail calls" 1 'local function f() return f() end f()' "$LOOP"
stagecase "an error object whose __tostring loops" 1 \
  'error(setmetatable({}, { __tostring = function() while true do end end }))' ""
# Lua runs finalizers with hooks off, and may call a message handler with hooks off:
# the sandbox refuses __gc and skips the handler once a budget is spent.
stagecase "a __gc finalizer is refused" 1 \
  'setmetatable({}, { __gc = function() while true do end end })' \
  "stages may not set __gc finalizers (they run outside the instruction budget)"
stagecase "an endless loop in an xpcall message handler" 1 \
  'xpcall(function() error("x") end, function() while true do end end)' "$LOOP"
if [ "$KIND" != wrapped ]; then
  stagecase "an endless loop under the default budget" 1 'while true do end' \
    "instruction budget of 200000000 exceeded (endless loop?)" " "
fi

# --- sandbox escapes: each name is unknown to a stage ------------------------------------------------
for g in io os require load loadstring dofile loadfile package debug coroutine collectgarbage module \
         rawequal_missing_not; do
  [ "$g" = rawequal_missing_not ] && continue
  stagecase "sandbox: $g is not reachable" 1 "local x = $g.x" "unknown global '$g' $UNKNOWN"
done
stagecase "sandbox: load of bytecode" 1 'load("\27Lua", "x", "b")' "unknown global 'load'"
stagecase "sandbox: string.dump is gone" 1 'string.dump(function() end)' "attempt to call a nil value (field 'dump')"
stagecase "sandbox: string.dump is gone from the string metatable" 1 '("").dump(print)' \
  "attempt to call a nil value (field 'dump')"
stagecase "sandbox: the string metatable is a string" 1 'getmetatable("").__index = nil' "attempt to index a string value"
stagecase "sandbox: the environment's metatable is protected" 1 'setmetatable(_G, nil)' "cannot change a protected metatable"
stagecase "sandbox: the dataset's metatable is protected" 1 \
  'local mt = getmetatable(tally.dataset("d")) mt.__index = nil' "attempt to index a string value"
stagecase "sandbox: require through _ENV" 1 'local r = _ENV["require"]' "unknown global 'require'"
stagecase "sandbox: a non-text script (bytecode header)" 2 "$(printf '\033Lua')" "attempt to load a binary chunk"
okcase "sandbox: rawget finds none of io, os, package, debug" \
  'print(rawget(_G, "io"), rawget(_G, "os"), rawget(_G, "package"), rawget(_G, "debug"), rawget(_G, "load"))' \
  "tally: stage: nil	nil	nil	nil	nil"
okcase "sandbox: getmetatable of a string is a string" 'print(getmetatable(""))' "tally: stage: the string metatable is protected"
okcase "sandbox: replacing _G changes only the stage's own table" '_G.io = 1 _G = nil print(io)' "tally: stage: 1"
okcase "sandbox: a stage's copy of string does not reach the string metatable" \
  'string.rep = nil print(("x"):rep(3))' "tally: stage: xxx"

# A stage cannot change what the next stage sees.
printf '%s\n' 'tally.dataset = function() error("hijacked") end' 'table.concat = nil' 'string.format = nil' \
  'math.floor = nil' 'ipairs = nil' >polluter.lua
config pol.lua s.csv 'stage "polluter.lua" { }
stage "frequencies" { dataset = "d", variables = { "a" } }'
bounded "a stage that vandalises its libraries leaves the next stage intact" 0 30 2048 "$TALLY" run pol.lua
expect_contains "the next stage still reports" out/r.md "## a"
check "no file was created by a stage" test ! -e PWNED
finish
