# hostile_config.sh: configs, codebooks and templates that include themselves, loop or allocate; hostile output paths.
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
printf 'a,b\n1,2\n2,3\n' >s.csv

# --- configs ----------------------------------------------------------------------------------
printf 'include "self.lua"\nreport { title = "x" }\n' >self.lua
bounded "a config that includes itself" 2 10 1024 "$TALLY" run self.lua
err_is "self-include: the chain is named" \
  "self.lua:1: config 'self.lua' includes itself (include chain: self.lua -> self.lua); remove the include that closes the loop"
printf 'include "b.lua"\n' >a.lua; printf 'include "a.lua"\n' >b.lua
bounded "two configs that include each other" 2 10 1024 "$TALLY" run a.lua
err_is "include cycle: the chain is named" "b.lua:1: config 'a.lua' includes itself (include chain: a.lua -> b.lua -> a.lua)"
mkdir -p sub; printf 'include "../self2.lua"\n' >sub/x.lua; printf 'include "sub/x.lua"\n' >self2.lua
bounded "a cycle through another folder" 2 10 1024 "$TALLY" run self2.lua
err_is "a cycle through another folder is found by real path" "includes itself"
i=0; while [ $i -lt 20 ]; do printf 'include "d%d.lua"\n' $((i + 1)) >d$i.lua; i=$((i + 1)); done; : >d20.lua
bounded "includes nested 20 deep" 2 10 1024 "$TALLY" run d0.lua
err_is "include depth is limited to 16" "includes nested more than 16 deep"
printf 'report { title = "x" }\nwhile true do end\n' >loop.lua
bounded "a config that loops without end" 2 30 1024 "$TALLY" run loop.lua
err_is "the config's loop is stopped by its budget" \
  "loop.lua:2: instruction budget of 50000000 exceeded (endless loop?); a config only declares inputs, stages and outputs"
printf 'report { title = "x" }\nlocal s = "x"\nwhile true do s = s .. s end\n' >mem.lua
bounded "a config that allocates without end" 2 30 1024 "$TALLY" run mem.lua
err_is "the config's memory is capped" "mem.lua: the config uses more than 64 MB of memory; a config only declares inputs, stages and outputs"
printf 'local function f() return 1 + f() end\nf()\n' >rec.lua
bounded "a config that recurses without end" 2 30 1024 "$TALLY" run rec.lua
err_is "the config's recursion is stopped by its memory budget" "rec.lua: the config uses more than 64 MB of memory"
for f in io os require load dofile loadstring string debug package collectgarbage; do
  printf 'report { title = tostring(%s) }\n' "$f" >esc.lua
  bounded "a config cannot reach $f" 2 10 1024 "$TALLY" check esc.lua
  err_is "config: $f is an unknown name" "unknown name '"
done

# --- codebooks (no include: a codebook holds declarations only) -------------------------------------
cbcase() { # cbcase DESC CODEBOOK-TEXT MESSAGE
  printf '%s\n' "$2" >cb.lua
  config cb_run.lua s.csv
  sed -i 's|path = "s.csv"|path = "s.csv", codebook = "cb.lua"|' cb_run.lua
  bounded "$1" 2 30 1024 "$TALLY" run cb_run.lua
  err_is "$1: message" "$3"
}
cbcase "a codebook that includes itself" 'include "cb.lua"' "cb.lua:1: attempt to call a nil value (global 'include')"
cbcase "a codebook that runs itself with dofile" 'dofile("cb.lua")' "cb.lua:1: attempt to call a nil value (global 'dofile')"
cbcase "a codebook that requires itself" 'require("cb")' "cb.lua:1: attempt to call a nil value (global 'require')"
cbcase "a codebook that loops without end" 'while true do end' "cb.lua:1: the codebook runs too long (an endless loop?)"
cbcase "a codebook that recurses without end" 'local function f() return 1 + f() end f()' "cb.lua: the codebook uses more than 64 MB of memory"
cbcase "a codebook that reaches for string" 'variable "a" { label = ("x"):rep(10) }' "cb.lua:1: attempt to index a string value"
cbcase "a codebook that allocates without end" 'local s = "x" while true do s = s .. s end' \
  "cb.lua: the codebook uses more than 64 MB of memory"

# --- templates ----------------------------------------------------------------------------------------
tplcase() { # tplcase DESC TEMPLATE-FILE CODE MESSAGE
  config t.lua s.csv "" "output \"markdown\" { path = \"r.md\", template = \"$2\" }"
  bounded "$1" "$3" 20 1024 "$TALLY" run t.lua
  err_is "$1: message" "$4"
}
printf '# x\n{%% include "self.md" %%}\n' >self.md
tplcase "a template that includes itself" self.md 1 "output 'markdown' (t.lua:3): self.md:2: include cycle: self.md -> self.md"
mkdir -p parts; printf '{%% include "../main.md" %%}\n' >parts/b.md; printf '# m\n{%% include "parts/b.md" %%}\n' >main.md
tplcase "two templates that include each other" main.md 1 "parts/b.md:1: include cycle: main.md -> parts/b.md -> parts/../main.md"
i=0; while [ $i -lt 40 ]; do printf '{%% include "n%d.md" %%}\n' $((i + 1)) >n$i.md; i=$((i + 1)); done; : >n40.md
tplcase "templates nested 40 deep" n0.md 1 "includes nested more than 32 deep"
printf '{%% include "parts" %%}\n' >dir.md
tplcase "a template that includes a folder" dir.md 1 "cannot read included template 'parts'"
check "a failed template leaves no report" test ! -e out/r.md

# --- output paths -----------------------------------------------------------------------------------------
outcase() { # outcase DESC PATH CODE MESSAGE
  config o.lua s.csv "" "output \"markdown\" { path = \"$2\" }"
  bounded "$1" "$3" 20 1024 "$TALLY" run o.lua
  err_is "$1: message" "$4"
}
mkdir -p out/folder.md
outcase "an output path that is a folder (refused before the run)" folder.md 2 "o.lua:3: output 'markdown': folder.md is a folder; give a file name"
echo "a file" >out/file
outcase "an output folder that is a regular file" file/r.md 1 "o.lua:3: output 'markdown': cannot write 'file/r.md': out/file: Not a directory"
expect_contains "the cause is named" "$TMP/stderr" "Not a directory"
outcase "an output under /proc/version (a file)" /proc/version/r.md 1 "cannot write '/proc/version/r.md'"
outcase "an output under /proc (no new files)" /proc/tally-r.md 1 "cannot write '/proc/tally-r.md'"
outcase "an output path that climbs out with .." ../escape.md 2 "o.lua:3: output 'markdown': path '../escape.md' leaves the output folder out; write a path inside it"
outcase "an output path that climbs out through a folder" a/../../escape.md 2 "path 'a/../../escape.md' leaves the output folder out"
check "nothing was written outside the output folder" test ! -e escape.md
check "no temporary file is left in the output folder" sh -c '! find out -name ".*tmp*" | grep -q .'
# Without an outdir, the config's folder is the output folder: .. may not leave it either.
mkdir -p inner; cp s.csv inner/
printf 'report { title = "x" }\ninput "d" { path = "s.csv" }\noutput "markdown" { path = "../escaped.md" }\n' >inner/c.lua
(cd inner && "$TALLY" run c.lua >"$TMP/stdout" 2>"$TMP/stderr"); got=$?
check "without an outdir .. is refused too (exit 2)" test "$got" = 2
expect_contains "the refusal names the path" "$TMP/stderr" "c.lua:3: output 'markdown': path '../escaped.md' leaves the config's folder"
check "nothing was written outside the config's folder" test ! -e escaped.md
finish
