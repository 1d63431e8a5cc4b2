# hostile_crash.sh: inputs and stages that crashed tally (deep expressions, finalised objects, shrinking files); each now a message.
. tests/lib.sh
. tests/data/hostile/lib.sh
cd "$TMP" || exit 1
printf 'a,b\n1,2\n2,3\n3,1\n' >s.csv

# --- expressions: long chains run, bad ones are caught by tally check ------------------------------
$PY - <<'PY'
terms = " or ".join("a == %d" % i for i in range(5000))
open("chain.lua", "w").write('report { title = "t", outdir = "out" }\ninput "d" { path = "s.csv" }\n'
    'stage "filter" { dataset = "d", where = "%s", into = "k" }\n'
    'output "json" { path = "r.json" }\n' % terms)
deep = "(" * 101 + "a" + ")" * 101
open("deep.lua", "w").write('report { title = "t", outdir = "out" }\ninput "d" { path = "s.csv" }\n'
    'stage "filter" { dataset = "d", where = "%s == 1" }\n' % deep)
PY
bounded "tally check passes a 5,000-term 'or' filter" 0 60 2048 "$TALLY" check chain.lua
bounded "tally run filters with a 5,000-term 'or' (95 KB)" 0 60 2048 "$TALLY" run chain.lua
check "all three rows match the chain" $PY -c "import json,sys; sys.exit(json.load(open('out/r.json'))['values']['k_n']['number'] != 3)"
config bad.lua s.csv 'stage "filter" { dataset = "d", where = "a = 1" }'
bounded "tally check parses a filter's where" 2 30 2048 "$TALLY" check bad.lua
err_is "its message names the block and the option" \
  "stage 'filter' (bad.lua:3): option 'where': at column 3: expected '==' (a comparison), found '='"
bounded "tally check refuses a filter nested too deeply" 2 30 2048 "$TALLY" check deep.lua
err_is "with the nesting message" "option 'where': at column 101: expression nested too deeply (more than 100 levels)"
config badc.lua s.csv 'stage "compute" { dataset = "d", variable = "c", expr = "sum(a,, b)" }'
bounded "tally check parses a compute's expr" 2 30 2048 "$TALLY" check badc.lua
err_is "its message" "stage 'compute' (badc.lua:3): option 'expr': at column 7: expected a number, a string, a variable or '(', found ','"

finish
