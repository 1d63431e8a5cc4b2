#!/bin/sh
# fuzz/seeds.sh NAME: the project's own files that seed fuzz target NAME besides fuzz/corpus/NAME
# (the committed samples and fixtures are used where they are, not copied into the corpus).
case "$1" in
  codebook) ls samples/*/*.codebook.lua tests/data/csv/*.codebook.lua 2>/dev/null ;;
  config)   ls config/*.lua tests/data/e2e/*.lua tests/data/md/*.lua 2>/dev/null ;;
esac
