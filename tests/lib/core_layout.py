#!/usr/bin/python3
# tests/lib/core_layout.py: the core's sub-folders keep to their READMEs: each folder has a README.md
# whose last "May include:" line names the folders its files may include, and no #include "x.h" of a
# core file reaches a header outside its own folder and those.
# Usage: core_layout.py ROOT (prints TAP lines; exit 1 when a check fails).
import glob, os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import ok, exit_code

root = sys.argv[1]
folders = sorted(os.path.basename(d.rstrip("/")) for d in glob.glob(os.path.join(root, "core", "*", ""))
                 if os.path.basename(d.rstrip("/")) != "include")
header_home = {}
for d in folders:
    for h in glob.glob(os.path.join(root, "core", d, "*.h")):
        header_home[os.path.basename(h)] = d

allowed, no_readme = {}, []
for d in folders:
    readme = os.path.join(root, "core", d, "README.md")
    text = open(readme, encoding="utf-8").read() if os.path.isfile(readme) else ""
    m = re.findall(r"^May include: (.*?)\.?$", text, re.M)
    if not m:
        no_readme.append(d)
        continue
    names = [] if m[-1].startswith("nothing") else [n.strip() for n in m[-1].split(",")]
    allowed[d] = set(names)
ok(folders and not no_readme, "every core sub-folder has a README.md with a 'May include:' line (%d folders)" % len(folders),
   "without: " + ", ".join(no_readme))

unknown = sorted({n for names in allowed.values() for n in names} - set(folders) - {"include"})
ok(not unknown, "the READMEs name only folders that exist", ", ".join(unknown))

stray = []
for d in allowed:
    for src in sorted(glob.glob(os.path.join(root, "core", d, "*.[ch]"))):
        text = open(src, encoding="utf-8", errors="replace").read()
        for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M):
            home = "include" if inc.startswith("tally/") else header_home.get(inc)
            if home and home != d and home not in allowed[d]:
                stray.append("%s includes %s (core/%s), which core/%s/README.md does not allow"
                             % (os.path.relpath(src, root), inc, home, d))
ok(not stray, "every core file includes only its own folder and the folders its README allows", "\n".join(stray))
sys.exit(exit_code())
