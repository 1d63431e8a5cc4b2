#!/usr/bin/python3
# tests/lib/includes.py: which sources include a header, found by reading #include "..." lines (not from the compiler's .d files).
# Usage: includes.py ROOT HEADER SOURCE...: prints each SOURCE that includes HEADER directly or through other headers.
# A quoted include is looked up beside the including file, then in the -I folders the Makefile gives.
import os, re, sys

INCLUDE_DIRS = ["core/include", "core", "plugins/common", "tests/unit", "fuzz",
                "plugins/input/csv", "plugins/input/readstat", "plugins/output/xlsx"]
# and each sub-folder of the core, as the Makefile's CORE_INC gives them
QUOTED = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

root, header, sources = sys.argv[1], os.path.normpath(sys.argv[2]), sys.argv[3:]
INCLUDE_DIRS += sorted("core/" + d for d in os.listdir(os.path.join(root, "core"))
                       if d != "include" and os.path.isdir(os.path.join(root, "core", d)))
cache = {}

def direct(path):
    """The project files PATH includes (paths relative to root)."""
    if path not in cache:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        found = []
        for name in QUOTED.findall(text):
            for d in [os.path.dirname(path)] + INCLUDE_DIRS:
                cand = os.path.normpath(os.path.join(d, name))
                if os.path.isfile(os.path.join(root, cand)):
                    found.append(cand)
                    break
        cache[path] = found
    return cache[path]

def closure(path):
    seen, todo = set(), [path]
    while todo:
        for h in direct(todo.pop()):
            if h not in seen:
                seen.add(h)
                todo.append(h)
    return seen

for src in sources:
    if header in closure(os.path.normpath(src)):
        print(src)
