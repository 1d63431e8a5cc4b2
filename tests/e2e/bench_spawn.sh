#!/bin/sh
# tests/e2e/bench_spawn.sh: the bench's timer runs a command as it is, passes on its exit status and writes its wall time and peak memory.
. tests/lib.sh
SPAWN=$BUILD/tools/bench_spawn
if [ ! -x "$SPAWN" ]; then not_ok "bench_spawn: $SPAWN is missing (make $SPAWN)"; finish; fi

expect_exit "bench_spawn: a command's exit status is its own" 3 "$SPAWN" "$TMP/t" sh -c 'exit 3'
expect_exit "bench_spawn: a command ended by a signal gives 128 + the signal" 137 "$SPAWN" "$TMP/t" sh -c 'kill -9 $$'
expect_exit "bench_spawn: a command that is not there gives 127" 127 "$SPAWN" "$TMP/none" "$TMP/no-such-command"
if [ -e "$TMP/none" ]; then not_ok "bench_spawn: nothing written for a command not run"; else
  ok "bench_spawn: nothing written for a command not run"; fi
expect_exit "bench_spawn: no command is a usage error" 2 "$SPAWN" "$TMP/t"

# the streams are the command's: its stdout where bench_spawn's goes
"$SPAWN" "$TMP/t" sh -c 'echo out; echo err >&2' >"$TMP/o" 2>"$TMP/e"
if [ "$(cat "$TMP/o")" = out ] && [ "$(cat "$TMP/e")" = err ]; then ok "bench_spawn: the command writes to bench_spawn's streams"; else
  not_ok "bench_spawn: the command's output went elsewhere (stdout '$(cat "$TMP/o")', stderr '$(cat "$TMP/e")')"; fi

# wall time in microseconds: a sleep of 0.3 s takes at least 300,000 (and not ten times as long)
"$SPAWN" "$TMP/t" sleep 0.3
read -r us kb <"$TMP/t"
if [ "$us" -ge 300000 ] && [ "$us" -lt 3000000 ]; then ok "bench_spawn: a 0.3 s sleep timed at $us us"; else
  not_ok "bench_spawn: a 0.3 s sleep timed at '$us' us"; fi

# peak memory in kB: dd reading 60 MB in one block fills a buffer of 60 MB (over 58,000 kB); a sleep far below
"$SPAWN" "$TMP/t" dd if=/dev/zero of=/dev/null bs=60M count=1 2>/dev/null
read -r us big <"$TMP/t"
"$SPAWN" "$TMP/t" sleep 0
read -r us small <"$TMP/t"
if [ "$big" -gt 58000 ] && [ "$small" -gt 0 ] && [ "$small" -lt 20000 ]; then
  ok "bench_spawn: peak memory of the command itself ($big kB holding 60 MB, $small kB for a sleep)"; else
  not_ok "bench_spawn: peak memory $big kB holding 60 MB, $small kB for a sleep"; fi
finish
