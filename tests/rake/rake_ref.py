# rake_ref.py: an independent rim-weighting (raking) implementation in plain loops, for tests/e2e/rake.sh.
# It writes the fixtures (CSV + codebook), rakes them itself, and checks tally's JSON against its own weights.
import csv, json, math, random, sys

def gen(path, n, seed, structural=False, missing_every=0):
    """Survey rows: sex 1-2, age 1-4, edu 1-3, race 1-4, a design weight, and cell = one code per combination;
    dw2 a design weight of many values (not compact), cdw = cell and dw (every row of one has the same weight)."""
    rnd = random.Random(seed)
    with open(path, "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["id", "sex", "age", "edu", "race", "dw", "cell", "dw2", "cdw"])
        for i in range(n):
            sex = 1 if rnd.random() < 0.62 else 2
            age = rnd.choices([1, 2, 3, 4], [10, 20, 30, 40])[0]
            if structural:  # every man is young: no weights can make men 50% and the young 20%
                age = rnd.choice([1, 2]) if sex == 1 else rnd.choice([3, 4])
            edu = rnd.choices([1, 2, 3], [50, 30, 20])[0]
            race = rnd.choices([1, 2, 3, 4], [70, 15, 10, 5])[0]
            dw = rnd.choice([0.5, 1, 1, 2])
            cell = sex * 1000 + age * 100 + edu * 10 + race
            agec = "" if missing_every and i % missing_every == 3 else age
            dw2 = 0.5 + (i * 7919 % 1000) / 500
            wr.writerow([i + 1, sex, agec, edu, race, dw, cell, dw2, cell * 10 + {0.5: 1, 1: 2, 2: 3}[dw]])

CODEBOOK = '''variable "sex" { label = "Sex", values = { [1] = "male", [2] = "female" } }
variable "age" { label = "Age", values = { [1] = "18-29", [2] = "30-44", [3] = "45-64", [4] = "65+" } }
variable "edu" { label = "Education", values = { [1] = "high school or less", [2] = "some college", [3] = "college graduate" } }
variable "race" { label = "Race", values = { [1] = "white", [2] = "black", [3] = "hispanic", [4] = "other" } }
'''

def load(path):
    with open(path) as f:
        return list(csv.DictReader(f))

def num(s):
    return float(s) if s != "" else float("nan")

def cat_sums(cat, t, w):
    """The weighted sum of each category of one variable, and their total."""
    W = [0.0] * len(t)
    for i in range(len(w)):
        if cat[i] >= 0 and w[i] == w[i]:
            W[cat[i]] += w[i]
    tot = 0.0
    for x in W:
        tot += x
    return W, tot

def margins(vars_, w):
    gap, worst = 0.0, 0
    for j, (cat, t) in enumerate(vars_):
        W, tot = cat_sums(cat, t, w)
        for k in range(len(t)):
            g = abs((W[k] / tot if tot > 0 else 0.0) - t[k])
            if g > gap:
                gap, worst = g, j
    return gap, worst

def ipf(vars_, w, tol, maxit, caps=None, was=None):
    it = 0
    gap, worst = margins(vars_, w)
    while (gap > tol or (caps and it == 0)) and it < maxit:
        it += 1
        for cat, t in vars_:
            W, tot = cat_sums(cat, t, w)
            f = [t[k] * tot / W[k] if W[k] > 0 else 0.0 for k in range(len(t))]
            for i in range(len(w)):
                if cat[i] >= 0:
                    w[i] *= f[cat[i]]
        if caps:
            trim(w, caps[0], caps[1], was)
        gap, worst = margins(vars_, w)
    return it, gap, worst

def trim(w, lo_m, hi_m, was):
    s, m = 0.0, 0
    for x in w:
        if x > 0:
            s += x; m += 1
    mean = s / m
    lo = lo_m * mean if lo_m is not None else None
    hi = hi_m * mean if hi_m is not None else None
    moved = 0
    for i in range(len(w)):
        if not w[i] > 0:
            continue
        if hi is not None and w[i] > hi * (1 + 1e-9):
            w[i] = hi; moved += 1; was[i] = 1
        elif lo is not None and w[i] < lo * (1 - 1e-9):
            w[i] = lo; moved += 1; was[i] = 1
    return moved

def rake(rows, spec):
    """spec: targets {var: {code: share}}, order, tol, maxit, trim_min, trim_max, missing, start, unit, total."""
    vars_ = []
    for v in spec["order"]:
        codes = sorted(spec["targets"][v])
        s = sum(spec["targets"][v][c] for c in codes)
        t = [spec["targets"][v][c] / s for c in codes]
        cat = []
        for r in rows:
            x = num(r[v])
            cat.append(codes.index(x) if x == x else -1)
        vars_.append((cat, t))
    w = []
    for i, r in enumerate(rows):
        x = num(r[spec["start"]]) if spec.get("start") else 1.0
        if not x > 0:
            x = float("nan")
        if spec.get("missing") == "exclude" and any(c[i] < 0 for c, _ in vars_):
            x = float("nan")
        w.append(x)
    was = [0] * len(w)
    caps = None
    if spec.get("trim_min") is not None or spec.get("trim_max") is not None:
        caps = (spec.get("trim_min"), spec.get("trim_max"))
    it, gap, worst = ipf(vars_, w, spec["tol"], spec["maxit"], caps, was)
    s = 0.0
    ncases = 0
    for x in w:
        if x == x:
            s += x; ncases += 1
    total = spec.get("total") or ncases
    w = [x * total / s for x in w]
    pos = [x for x in w if x == x and x > 0]
    sw, sw2 = sum(pos), sum(x * x for x in pos)
    deff = len(pos) * sw2 / (sw * sw)
    return {"w": w, "iterations": it, "converged": gap <= spec["tol"], "gap": gap,
            "trimmed": sum(was), "deff": deff, "efficiency": 100 / deff, "neff": sw * sw / sw2,
            "min": min(x for x in w if x == x), "max": max(x for x in w if x == x), "mean": s * total / s / ncases}

def compare_freq(freq, rows, w, var, close, bad):
    """Tally's weighted count of each category of var against the sum of the reference's weights."""
    want = {}
    for r, x in zip(rows, w):
        if x == x:
            want[r[var]] = want.get(r[var], 0.0) + x
    got = {row["label"]: row["cells"][1] for row in freq["rows"] if row["type"] == "category"}
    for k, v in want.items():
        close(got.get(k), v, "weighted count of %s %s" % (var, k))
    if len(got) != len(want):
        bad.append("%s: tally %d categories, reference %d" % (var, len(got), len(want)))
    return want

def check(report_path, rows, spec, prefix):
    """Compares tally's report with the reference: per-cell weighted counts, the summary, the named values."""
    ref = rake(rows, spec)
    rep = json.load(open(report_path))
    tables = {t["id"]: t for t in rep["tables"]}
    bad = []
    def close(a, b, what, rel=1e-9):
        if a is None or b is None or abs(a - b) > rel * max(1.0, abs(b)):
            bad.append("%s: tally %r, reference %r" % (what, a, b))
    # weighted count per cell: the weight of every case (a case's weight is its cell's factor times its start
    # weight); per cell and design weight (cdw) and per case (id) when the report has those tables: with caps,
    # the cases of one cell part ways by their start weights
    compared = []
    for var in ("cell", "cdw", "id"):
        if var == "cell" or "freq_" + var in tables:
            compared.append("%d %s" % (len(compare_freq(tables["freq_" + var], rows, ref["w"], var, close, bad)), var))
    vals = rep["values"]
    close(vals[prefix + "_iterations"]["number"], ref["iterations"], "iterations", 0)
    close(vals[prefix + "_converged"]["number"], 1 if ref["converged"] else 0, "converged", 0)
    for k in ("deff", "efficiency", "neff", "min", "max"):
        close(vals[prefix + "_" + k]["number"], ref[k], k)
    st = tables["rake_" + prefix + "_summary"]
    summ = {c["label"]: x for c, x in zip(st["columns"], st["rows"][0]["cells"])}
    close(summ["Design effect (Kish)"], ref["deff"], "summary table: design effect")
    close(summ["Mean weight"], ref["mean"], "summary table: mean weight")
    if "Weights trimmed" in summ:
        close(summ["Weights trimmed"], ref["trimmed"], "summary table: weights trimmed", 0)
    close(summ["Weighting efficiency"], ref["efficiency"], "summary table: efficiency")
    close(summ["Iterations"], ref["iterations"], "summary table: iterations", 0)
    for b in bad[:12]:
        print("mismatch:", b)
    print("checked %s, %d iterations, deff %.6f, converged %s, trimmed %d, max weight %.6f" %
          (", ".join(compared), ref["iterations"], ref["deff"], ref["converged"], ref["trimmed"], ref["max"]))
    return not bad

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), structural=len(sys.argv) > 5 and sys.argv[5] == "structural",
            missing_every=int(sys.argv[6]) if len(sys.argv) > 6 else 0)
        open(sys.argv[2][:-4] + ".codebook.lua", "w").write(CODEBOOK)
    elif cmd == "check":
        spec = json.loads(sys.argv[4])
        spec["targets"] = {v: {float(k): x for k, x in t.items()} for v, t in spec["targets"].items()}
        sys.exit(0 if check(sys.argv[2], load(sys.argv[3]), spec, spec["weight"]) else 1)
