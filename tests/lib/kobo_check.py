# kobo_check.py: checks tally's JSON report of the KoboToolbox fixture (tests/lib/kobo_fixtures.py) against
# figures counted by hand from its six submissions, with the form's labels in the report's language.
# Usage: kobo_check.py REPORT.json en|de WHAT; prints TAP lines, exits 1 on a failure.
import json, sys
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from tap import ok, exit_code

report, lang, what = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
# Counted by hand: coop yes in rows 1, 2, 4, 6 and no in 3, 5; rating 3, 2, 1, 3, 2, 3;
# areas answered in rows 1, 2, 4, 6 (economy 1, 2, 6; culture 1, 4, 6; education 4, 6).
labels = {
    "en": {"coop": "Does your city cooperate with Chinese partners?", "yes": "Yes", "no": "No",
           "rating": "How do you rate it?", "r": ["Poor", "Fair", "Good"], "areas": "Areas of cooperation",
           "a": ["Economy", "Culture", "Education"]},
    "de": {"coop": "Kooperiert Ihre Stadt mit chinesischen Partnern?", "yes": "Ja", "no": "Nein",
           "rating": "Wie bewerten Sie sie?", "r": ["Schlecht", "Mittel", "Gut"],
           "areas": "Bereiche der Zusammenarbeit", "a": ["Wirtschaft", "Kultur", "Bildung"]},
}[lang]
tables = {t["id"]: t for t in report["tables"]}

def rows_of(tid):
    t = tables.get(tid)
    return {r["label"]: r["cells"] for r in t["rows"]} if t else {}

def close(a, b):
    return a is not None and abs(a - b) < 1e-9

coop = rows_of("freq_city_coop")
ok(tables.get("freq_city_coop", {}).get("title") == labels["coop"], "%s %s: the question's label" % (what, lang))
ok(coop.get(labels["yes"], [0, 0])[1] == 4 and close(coop[labels["yes"]][2], 400 / 6),
   "%s %s: %s 4 of 6 (66.7%%)" % (what, lang, labels["yes"]))
ok(coop.get(labels["no"], [0, 0])[1] == 2 and close(coop[labels["no"]][2], 200 / 6),
   "%s %s: %s 2 of 6 (33.3%%)" % (what, lang, labels["no"]))
rating = rows_of("freq_rating")
ok(tables.get("freq_rating", {}).get("title") == labels["rating"], "%s %s: rating's label" % (what, lang))
ok([rating.get(l, [0, None])[1] for l in labels["r"]] == [1, 2, 3],
   "%s %s: rating codes 1..3 labelled by the choices, counts 1, 2, 3" % (what, lang))
areas = rows_of("mr_areas")
ok(tables.get("mr_areas", {}).get("title") == labels["areas"], "%s %s: the select_multiple set's label" % (what, lang))
ok([areas.get(l, [0, None])[1] for l in labels["a"]] == [3, 3, 2],
   "%s %s: options chosen 3, 3, 2 times" % (what, lang))
ok([close(areas.get(l, [0, 0, 0, None])[3], p) for l, p in zip(labels["a"], [75, 75, 50])] == [True] * 3,
   "%s %s: percent of the 4 answering cases 75, 75, 50" % (what, lang))
ok(tables.get("mr_areas", {}).get("base", "").startswith("N = 4"), "%s %s: the set's base is 4" % (what, lang))
sys.exit(exit_code())
