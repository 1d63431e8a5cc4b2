# number_text.sh: a stage's t:format() and report.value() keep every digit of a huge number and all of a
# long text (they were cut at 255 and 63 characters).
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
printf 'id\n1\n' >d.csv
cat >s.lua <<'LUA'
local t = tally.table { id = "n", title = "N", columns = { { "L", "label" }, { "Mean", "mean", 2 } } }
local long = string.rep("x", 400)
t:add_row("category", { long, -1.7976931348623157e308 })
local whole = string.format("%.2f", -1.7976931348623157e308)
report.check(t:format(1, 2) == whole, "t:format keeps the whole number (" .. #t:format(1, 2) .. " of " .. #whole .. " characters)")
report.check(tonumber(t:format(1, 2)) == -1.7976931348623157e308, "t:format reads back as the number")
report.check(t:format(1, 1) == long, "t:format keeps a 400-character text (" .. #t:format(1, 1) .. ")")
report.add(t)
LUA
printf 'report { title = "N", outdir = "out" }\ninput "d" { path = "d.csv" }\nstage "s.lua" { }\noutput "json" { path = "n.json" }\n' >n.lua
expect_exit "a stage formats a huge number and a long text" 0 "$TALLY" run n.lua
finish
