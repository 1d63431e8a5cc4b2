# readme_example.sh: the config example in README.md runs as printed (it lives in config/, like the samples).
. tests/lib.sh
cfg="config/.readme-example-$$.lua"
trap 'rm -f "$cfg"; rm -rf "$TMP"' EXIT
awk '/^```lua$/ { inblock = 1; n++; next } /^```$/ { inblock = 0 } inblock && n == 1' README.md >"$cfg"
expect_contains "the README's first Lua example is a config" "$cfg" 'report { title = "German cities and their Chinese partners"'
expect_exit "tally check accepts the README example" 0 "$TALLY" check "$cfg"
expect_exit "tally run runs the README example" 0 env -u GITHUB_STEP_SUMMARY "$TALLY" run "$cfg" --outdir "$TMP/out"
expect_contains "its report has the filtered base" "$TMP/out/city-survey.md" "*Base: N = 46*"
check "it writes the workbook" test -s "$TMP/out/city-survey.xlsx"

# the stage example: a user's own stage file, used by path
mkdir -p "$TMP/own/stages"
awk '/^```lua$/ { inblock = 1; n++; next } /^```$/ { inblock = 0 } inblock && n == 2' README.md >"$TMP/own/stages/top_answers.lua"
root=$(pwd)
cat >"$TMP/own/c.lua" <<EOC
report { title = "own stage" }
input "responses" { path = "$root/samples/city-survey/responses.csv",
                    codebook = "$root/samples/city-survey/responses.codebook.lua" }
stage "stages/top_answers.lua" { dataset = "responses", variable = "cn_type" }
output "json" { path = "out/r.json" }
EOC
expect_exit "the README's stage example runs" 0 "$TALLY" run "$TMP/own/c.lua"
expect_contains "it ranks the answers" "$TMP/own/out/r.json" '"Städtepartnerschaft (town twinning)", 1, 30'
expect_contains "it sets its named value" "$TMP/own/out/r.json" '"top_answer"'
finish
