#!/bin/sh
# banner_check.sh: tally check validates the variables stages name against the inputs' dictionaries; stage errors show no Lua traceback.
. tests/lib.sh
cp tests/data/stats/stages.csv "$TMP/stages.csv"
cfg() { # cfg NAME STAGE-LINE: a config reading stages.csv with one stage
  printf 'report { title = "check" }\ninput "d" { plugin = "csv", path = "stages.csv" }\n%s\noutput "json" { path = "out.json" }\n' "$2" >"$TMP/$1.lua"
}
cfg good 'stage "banner" { dataset = "d", rows = { "kind", "l1" }, columns = { "g", "g>m1" }, min_base = 1 }'
expect_exit "check accepts a banner of existing variables (and a nesting)" 0 "$TALLY" check "$TMP/good.lua"

cfg col 'stage "banner" { dataset = "d", rows = { "kind" }, columns = { "g", "gg" } }'
expect_exit "check: a misspelt banner column is a config error" 2 "$TALLY" check "$TMP/col.lua"
expect_contains "check names file:line, the option and a suggestion" "$TMP/stderr" \
  "col.lua:3: stage 'banner': option 'columns': 'gg' is not a variable or multiple-response set of dataset 'd' (did you mean 'g'?)"
expect_exit "run: the same config error before any work" 2 "$TALLY" run "$TMP/col.lua"
if grep -q "traceback" "$TMP/stderr"; then not_ok "run: no Lua traceback"; else ok "run: no Lua traceback"; fi
[ ! -e "$TMP/out.json" ] && ok "nothing written" || not_ok "nothing written"

cfg nest 'stage "banner" { dataset = "d", rows = { "kind" }, columns = { "g>mm1" } }'
expect_exit "check: a misspelt nested variable" 2 "$TALLY" check "$TMP/nest.lua"
expect_contains "check: the nested name and a suggestion" "$TMP/stderr" "'g>mm1' is not a variable or multiple-response set of dataset 'd' (did you mean 'm1'?)"

cfg book 'stage "tabbook" { dataset = "d", banner = { "kindd" } }'
expect_exit "check: a misspelt tab book banner" 2 "$TALLY" check "$TMP/book.lua"
expect_contains "check: tabbook suggestion" "$TMP/stderr" "(did you mean 'kind'?)"

cfg freq 'stage "frequencies" { dataset = "d", variables = { "knd" } }'
expect_exit "check: other stages declare their variables too" 2 "$TALLY" check "$TMP/freq.lua"

# an error inside a stage of tally's own: what and where in the config, no script position, no traceback
printf 'id,kind\n' >"$TMP/many.csv"
i=1; while [ $i -le 300 ]; do echo "$i,$((i % 3))"; i=$((i + 1)); done >>"$TMP/many.csv"
printf 'report { title = "x" }\ninput "d" { plugin = "csv", path = "many.csv" }\nstage "banner" { dataset = "d", rows = { "kind" }, columns = { "id" } }\noutput "json" { path = "o.json" }\n' >"$TMP/big.lua"
expect_exit "a banner column of 300 categories is refused" 1 "$TALLY" run "$TMP/big.lua"
expect_contains "the error names the config line" "$TMP/stderr" "big.lua:3): banner: variable 'id' has 300 categories"
if grep -q "traceback\|banner.lua:" "$TMP/stderr"; then not_ok "no traceback or stage script position"; sed 's/^/#   /' "$TMP/stderr"; else ok "no traceback or stage script position"; fi
"$TALLY" -v run "$TMP/big.lua" >/dev/null 2>"$TMP/verbose"
expect_contains "-v keeps the traceback for whoever debugs" "$TMP/verbose" "stack traceback"
finish
