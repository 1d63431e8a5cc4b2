#!/usr/bin/python3
"""long_functions.py: lists the C functions longer than a limit (default 100 lines) in the files
or folders given, and whether a reason for the length is written in the comment above them.

    tools/long_functions.py [--limit N] [--strict] PATH...

A function is a definition whose opening line starts in column 0 and whose body opens with "{"
and closes with "}" alone in column 0 (the layout clang-format gives this tree). Its reason is
a comment just above it that contains "Long:". Prints "lines file:line name [reason]" per
function, longest first; with --strict, exits 1 when one over the limit has no reason.
"""
import os, re, sys

DEF = re.compile(r"^[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(")


def functions(path):
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    i = 0
    while i < len(lines):
        m = DEF.match(lines[i])
        one_line = "{" in lines[i] and lines[i].rstrip().endswith("}")
        if not m or one_line or lines[i].rstrip().endswith(";") or lines[i].startswith(("typedef", "struct", "#")):
            i += 1
            continue
        start = i
        j = i
        while j < len(lines) and lines[j] != "{" and not lines[j].rstrip().endswith("{") and not lines[j].rstrip().endswith(";"):
            j += 1
        if j >= len(lines) or lines[j].rstrip().endswith(";"):
            i = j + 1
            continue
        k = j + 1
        while k < len(lines) and lines[k] != "}":
            k += 1
        above, c = [], start - 1
        while c >= 0 and (lines[c].startswith(("/*", " *", "//")) or lines[c].rstrip().endswith("*/")):
            above.append(lines[c])
            c -= 1
        yield m.group(1), start + 1, k - start + 1, any("Long:" in a for a in above)
        i = k + 1


def main(argv):
    limit, strict, paths = 100, False, []
    it = iter(argv)
    for a in it:
        if a == "--limit":
            limit = int(next(it))
        elif a == "--strict":
            strict = True
        else:
            paths.append(a)
    files = []
    for p in paths:
        if os.path.isdir(p):
            for d, _, names in os.walk(p):
                files += [os.path.join(d, n) for n in names if n.endswith(".c")]
        else:
            files.append(p)
    found = [(n, f, line, name, why) for f in sorted(files) for name, line, n, why in functions(f) if n > limit]
    bad = 0
    for n, f, line, name, why in sorted(found, key=lambda x: (-x[0], x[1])):
        print("%d %s:%d %s%s" % (n, f, line, name, " [reason given]" if why else ""))
        bad += not why
    return 1 if strict and bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
