#!/usr/bin/python3
"""city_survey_figures.py: checks every published figure of the city survey in tally's outputs.

Usage:
  city_survey_figures.py check OUTDIR   figures in OUTDIR/city-survey.json and .md, and the German
                                        workbook OUTDIR/partner-workbook.xlsx (contents links, charts)
  city_survey_figures.py dump FILE.xlsx the cell values of a workbook as text (for golden files)

The figures are those of ../shared/reference/city-survey-figures.md (mapped to variables in
docs/city-survey-figures.md): counts must match exactly, percentages to the published rounding.
Prints "ok - ..." / "not ok - ..." lines; exits 1 when a check fails.
"""
from tap import Tap
import json
import math
import re
import sys
import zipfile
import xml.etree.ElementTree as ET



tap = Tap("figures: ")
check = tap.check


def round_half_up(x, digits=0):
    """Rounds as the article does (half away from zero), not Python's banker's rounding."""
    f = 10 ** digits
    return math.floor(x * f + 0.5) / f


# ---- the JSON output ---------------------------------------------------------------------------

class Report:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        self.tables = {t["id"]: t for t in self.doc["tables"]}
        self.values = self.doc["values"]

    def value(self, name):
        v = self.values.get(name)
        return None if v is None else (v["number"] if v["number"] is not None else v["text"])

    def text(self, name):
        v = self.values.get(name)
        return None if v is None else v["text"]

    def table(self, tid):
        return self.tables.get(tid)

    def col(self, tid, label):
        t = self.tables.get(tid)
        if not t:
            return None
        for i, c in enumerate(t["columns"]):
            if c["label"] == label:
                return i
        return None

    def cell(self, tid, row_label, col_label):
        """The cell of the category or total row labelled row_label in column col_label."""
        t = self.tables.get(tid)
        c = self.col(tid, col_label)
        if not t or c is None:
            return None
        for r in t["rows"]:
            if r["label"] == row_label:
                return r["cells"][c]
        return None

    def category_rows(self, tid):
        t = self.tables.get(tid)
        return [r for r in t["rows"] if r["type"] == "category"] if t else []


def count_is(rep, tid, row, col, want, what):
    got = rep.cell(tid, row, col)
    check(got is not None and got == want, "%s: %s" % (what, want), got)


def pct_is(rep, tid, row, col, want, digits, what):
    """A percent cell, rounded as published (digits decimals)."""
    got = rep.cell(tid, row, col)
    ok = got is not None and abs(round_half_up(got, digits) - want) < 1e-9
    check(ok, "%s: %s%%" % (what, ("%%.%df" % digits) % want), got)


def value_is(rep, name, want, what):
    got = rep.value(name)
    check(got is not None and got == want, "%s: %s (value %s)" % (what, want, name), got)


def check_response(rep):
    value_is(rep, "n_frame", 126, "cities qualified")
    count_is(rep, "response", "Cities qualified (at least 50,000 inhabitants)", "Count", 126, "response table: cities qualified")
    value_is(rep, "n_questionnaires", 80, "raw questionnaires received")
    value_is(rep, "cities_duplicates", 1, "duplicate questionnaires dropped")
    note = rep.text("cities_duplicates_note") or ""
    check("Osnabrück" in note and "kept the last" in note, "the duplicated city is Osnabrück, latest kept", note)
    value_is(rep, "cities_n", 79, "cities that answered")
    count_is(rep, "response", "Cities that answered", "Count", 79, "response table: cities that answered")
    pct_is(rep, "response", "Cities that answered", "Percent", 62.7, 1, "response rate")
    check(rep.text("pct_response") == "62.7%", "response rate in the text: 62.7%", rep.text("pct_response"))
    count_is(rep, "freq_worldwide", "Yes", "Count", 79, "cities that cooperate worldwide")
    count_is(rep, "freq_worldwide", "Total", "Count", 79, "cooperate worldwide: of 79")
    count_is(rep, "freq_named_partners", "Yes", "Count", 76, "cities that named partner cities")
    count_is(rep, "freq_named_partners", "No", "Count", 3, "cities that did not name partner cities")
    order = [r["label"] for r in rep.category_rows("chart2")]
    want = ["France", "China", "Poland", "Italy", "USA", "United Kingdom", "Israel", "Turkey", "Russia"]
    check(order == want, "Chart 2: partner countries in the published order", order)
    ranks = [r["cells"][rep.col("chart2", "Rank")] for r in rep.category_rows("chart2")]
    check(ranks == sorted(set(ranks)) and len(ranks) == 9, "Chart 2: no ties in the ranking", ranks)
    check(rep.table("chart2") is not None and rep.table("chart2")["base"].startswith("N = 76"),
          "Chart 2: base is the 76 cities that named partners", rep.table("chart2") and rep.table("chart2")["base"])
    check(rep.table("chart2") is not None and rep.table("chart2")["chart"] == "bar", "Chart 2 has a bar chart")
    count_is(rep, "freq_cn_partner", "Yes", "Count", 46, "cities with a Chinese partner")
    pct_is(rep, "freq_cn_partner", "Yes", "Percent", 58.2, 1, "cities with a Chinese partner, of 79")
    check(rep.text("pct_chinese") == "58.2%", "share with a Chinese partner in the text: 58.2%", rep.text("pct_chinese"))
    value_is(rep, "chinese_n", 46, "the base of the analysis")


def check_partnerships(rep):
    value_is(rep, "n_multi", 12, "cities with more than one Chinese partner")
    count_is(rep, "multi_partner", "Total", "Count", 12, "listing of multi-partner cities: total")
    city_col = rep.col("multi_partner", "City")
    lists = {}
    for r in rep.category_rows("multi_partner"):
        lists[r["label"]] = set(x.strip() for x in (r["cells"][city_col] or "").split(","))
    # the article's "Munich" is München in the sample
    for n, names in (("4", {"Solingen", "Duisburg", "Frankfurt am Main", "Wolfsburg"}),
                     ("3", {"München", "Mannheim", "Krefeld"}),
                     ("2", {"Kaiserslautern", "Greifswald", "Essen", "Wuppertal", "Dresden"})):
        check(lists.get(n) == names, "cities with %s Chinese partners: %s" % (n, ", ".join(sorted(names))), lists.get(n))
    count_is(rep, "freq_cn_vitality", "Vital partnership", "Count", 7, "vital partnerships")
    pct_is(rep, "freq_cn_vitality", "Vital partnership", "Percent", 15.2, 1, "vital partnerships, of 46")
    count_is(rep, "freq_cn_active", "All active", "Count", 35, "all associations active")
    pct_is(rep, "freq_cn_active", "All active", "Percent", 76.1, 1, "all associations active, of 46")
    count_is(rep, "freq_cn_formal", "With all partners", "Count", 26, "formal agreements with all partners")
    twin = rep.cell("freq_cn_type", "Städtepartnerschaft (town twinning)", "Count")
    friend = rep.cell("freq_cn_type", "Städtefreundschaft (city friendship)", "Count")
    check(twin is not None and friend is not None and twin > 46 / 2 and 0 < friend < twin,
          "most cities have a Städtepartnerschaft, some only a Städtefreundschaft", (twin, friend))


def check_register(rep):
    value_is(rep, "entities_n", 135, "German entities in the register (Chart 1)")
    links = {r["label"]: r["cells"][2] for r in rep.category_rows("first_links")}
    check("Duisburg - Wuhan" in (links.get("1982") or ""), "first link: Duisburg - Wuhan, 1982", links.get("1982"))
    check(min(links, default="9999") == "1982", "no link before 1982", sorted(links))
    check("Leipzig - Nanjing" in (links.get("1988") or ""), "Leipzig - Nanjing, 1988", links.get("1988"))
    rows = rep.category_rows("chart1")
    periods = [r["label"] for r in rows]
    want = ["1980s", "1990s"] + [str(y) for y in range(2000, 2019)]
    check(periods == want, "Chart 1: 1980s, 1990s, then each year 2000-2018", periods)
    n = {r["label"]: r["cells"][1] for r in rows}
    check(rep.table("chart1") is not None and rep.table("chart1")["chart"] == "column", "Chart 1 has a column chart")
    if periods == want:
        check(all(0 <= v <= 25 for v in n.values()), "Chart 1: every count within the axis 0-25", n)
        check(n["2005"] > n["2004"] and n["2015"] > n["2014"], "Chart 1: waves after 2004 and after 2014", n)
        check(n["2014"] <= n["2013"] + 2 and n["2013"] <= n["2012"], "Chart 1: no wave after 2013 (Belt and Road)", n)


def check_multiresponse(rep):
    # Chart 3: responses and percent of responses
    chart3 = [("German city authorities", 25, 35), ("Chinese local/regional authorities", 13, 18),
              ("Local business partners", 8, 11), ("Academic partners", 4, 6), ("Cultural institutions", 2, 3),
              ("Schools", 1, 1), ("Sports institutions", 1, 1), ("Others", 18, 25)]
    for label, count, pct in chart3:
        count_is(rep, "chart3", label, "Responses", count, "Chart 3: %s, responses" % label)
        pct_is(rep, "chart3", label, "Percent of responses", pct, 0, "Chart 3: %s, percent of responses" % label)
    count_is(rep, "chart3", "Total", "Responses", 72, "Chart 3: responses in all")
    t3 = rep.table("chart3")
    check(t3 is not None and t3["chart"] == "pie", "Chart 3 is a pie of the percent of responses")
    value_is(rep, "init_responses", 72, "Chart 3: responses in the text")
    for name, want in (("init_german_city_resp", "35%"), ("init_chinese_resp", "18%"), ("init_other_resp", "25%")):
        check(rep.text(name) == want, "Chart 3 share in the text: %s" % want, rep.text(name))
    german = rep.cell("chart3", "German city authorities", "Percent of cases")
    chinese = rep.cell("chart3", "Chinese local/regional authorities", "Percent of cases")
    check(german is not None and german > 50, "over half of the cities name the German city administration (25 of 46)", german)
    check(chinese is not None and chinese > 25, "more than 1/4 name Chinese local authorities (13 of 46)", chinese)

    def counts(tid, want, what):
        for label, n in want:
            count_is(rep, tid, label, "Responses", n, "%s: %s" % (what, label))
        t = rep.table(tid)
        check(t is not None and t["base"].startswith("N = 46"), "%s: base 46 cities" % what, t and t["base"])

    counts("chart4", [("Economy", 36), ("Culture", 34), ("Education", 27), ("Academic cooperation", 26),
                      ("Sport and tourism", 22), ("Joint work of city administrations", 15)], "Chart 4")
    ranked = sorted(rep.category_rows("chart4"), key=lambda r: -r["cells"][1])
    check([r["label"] for r in ranked].index("Joint work of city administrations") == 5,
          "Chart 4: joint work of the administrations in sixth place", [r["label"] for r in ranked])
    check(rep.table("chart4") is not None and rep.table("chart4")["chart"] in ("bar", "column"), "Chart 4 has a bar chart")
    counts("chart5", [("Educational institutions", 34), ("Universities", 30), ("Cultural institutions", 28)], "Chart 5")
    others = [r["cells"][1] for r in rep.category_rows("chart5")
              if r["label"] not in ("Educational institutions", "Universities", "Cultural institutions")]
    check(others and max(others) < 28, "Chart 5: the unpublished institutions each below 28", others)
    c5 = rep.table("chart5")
    check(c5 is not None and c5["chart"] in ("bar", "column") and
          c5["columns"][3]["label"] == "Percent of cases", "Chart 5 shows percent of cases")
    counts("mr_forms", [("Meetings of officials", 43), ("Participation in fairs and economic forums", 25),
                        ("Trade missions", 23), ("City representative office in China", 9),
                        ("Chinese representative office in the city", 4)], "forms")
    nets = rep.cell("mr_forms", "Cooperation in networks of cities (e.g. ICLEI, UCLG)", "Responses")
    pnets = rep.cell("mr_forms", "Cooperation in networks of cities (e.g. ICLEI, UCLG)", "Percent of cases")
    check(nets is not None and nets >= 10 and pnets > 20, "forms: networks of cities over 1/5 (at least 10)", (nets, pnets))
    counts("mr_benefits", [("Exchange of experiences", 42), ("Educational exchange", 37),
                           ("Attracting Chinese investment to the region", 23), ("Culture promotion", 23),
                           ("Better position of local companies doing business in China", 20)], "benefits")
    tour = rep.cell("mr_benefits", "Tourism promotion", "Responses")
    check(tour in (15, 16), "benefits: tourism promotion only 1/3 (15 or 16)", tour)
    counts("mr_obstacles", [("Geographical distance", 38), ("High costs of cooperation", 27), ("Language barriers", 18),
                            ("Differences in the political system", 15), ("Cultural differences", 11),
                            ("Little involvement of the Chinese partner", 6),
                            ("Little involvement of the city itself", 6)], "obstacles")


def likert_count(rep, tid, item, col):
    """A rating count from the likert table (percent of all N cases)."""
    t = rep.table(tid)
    pct = rep.cell(tid, item, col)
    m = re.match(r"N = (\d+)", t["base"] if t else "")
    if pct is None or not m:
        return None
    return round(pct * int(m.group(1)) / 100)


def check_ratings(rep):
    sf = "success_factors"
    t = rep.table(sf)
    check(t is not None and t["base"] == "N = 46", "ratings: percent of all 46 cities", t and t["base"])
    want = [("Success factor: involvement of the Chinese partner", "Very important", 29),
            ("Success factor: the mayor's attitude", "Very important", 23),
            ("Success factor: an official partnership agreement", "Very important", 21),
            ("Success factor: involvement of local companies", "Very important", 14),
            ("Success factor: involvement of the academic community", "Very important", 13),
            ("Success factor: a permanent office in China", "Important to a minor extent", 14),
            ("Success factor: a permanent office in China", "Not important at all", 9),
            ("Success factor: cooperation with the federal government", "Very important", 3),
            ("Success factor: cooperation with the federal government", "Important to a minor extent", 15),
            ("Success factor: cooperation with the federal government", "Not important at all", 6)]
    for item, code, n in want:
        got = likert_count(rep, sf, item, code)
        check(got == n, "%s, %s: %d" % (item, code, n), got)
    pct_is(rep, sf, "Success factor: the mayor's attitude", "Very important", 50.0, 0, "mayor's attitude very important: half")
    for name, n in (("sf_cn_partner_very", 29), ("sf_mayor_very", 23), ("sf_agreement_very", 21),
                    ("sf_companies_very", 14), ("sf_academic_very", 13), ("sf_office_minor", 14),
                    ("sf_office_not", 9), ("sf_federal_very", 3), ("sf_federal_minor", 15), ("sf_federal_not", 6)):
        value_is(rep, name, n, "ratings in the text")
    check(rep.text("sf_mayor_very_pct") == "50.0%", "the mayor: half of the 46 in the text", rep.text("sf_mayor_very_pct"))

    co, inf = "coordination", "influence"
    fed_some = sum(likert_count(rep, co, "Coordinates its international activities with the federal government", c) or 0
                   for c in ("Coordinates fully", "Coordinates to some extent"))
    check(fed_some == 9, "coordinate with the federal government somehow: 9", fed_some)
    check(likert_count(rep, co, "Coordinates its international activities with the federal government", "Coordinates fully") == 1,
          "coordinate with the federal government fully: 1")
    cities = sum(likert_count(rep, co, "Coordinates its international activities with other cities", c) or 0
                 for c in ("Coordinates fully", "Coordinates to some extent"))
    check(cities == 17, "coordinate with other cities: 17", cities)
    check(likert_count(rep, co, "Coordinates its international activities with the European Union",
                       "Does not coordinate at all") == 32, "EU: does not coordinate at all: 32")
    check(likert_count(rep, inf, "Influence of the city on the policy of the European Union", "No impact at all") == 30,
          "EU policy: no impact at all: 30")
    fed = "Influence of the city on the policy of the federal government"
    positive = sum(likert_count(rep, inf, fed, c) or 0 for c in ("Direct impact", "Some impact"))
    small = likert_count(rep, inf, fed, "Very small impact")
    none = likert_count(rep, inf, fed, "No impact at all")
    check(positive == 2, "federal government: 2 positive", positive)
    check(small == 13, "federal government: 13 very small", small)
    check(none == 46 - 2 - 13, "federal government: the rest (31) none", none)
    check(likert_count(rep, inf, "Influence of the city on the international activities of its federal state",
                       "Direct impact") == 23, "Land: direct impact: 23 (half)")
    for name, n in (("coord_federal_some", 9), ("coord_federal_fully", 1), ("coord_cities_some", 17),
                    ("coord_eu_not", 32), ("infl_eu_none", 30), ("infl_federal_positive", 2),
                    ("infl_federal_small", 13), ("infl_federal_none", 31), ("infl_land_direct", 23)):
        value_is(rep, name, n, "coordination and influence in the text")


def check_markdown(path):
    """The narrative sentences, regenerated from the values, say what the article says."""
    with open(path, encoding="utf-8") as f:
        md = re.sub(r"\s+", " ", f.read())
    for text in ("Of the 126 cities that qualified, 79 answered, a response rate of 62.7%.",
                 "80 questionnaires came in",
                 "Osnabrück (2 rows)",
                 "All 79 of the 79 cities that answered cooperate with cities abroad.",
                 "76 named their most important partner cities; 3 did not name them",
                 "As many as 46 of the 79 cities (58.2%)",
                 "Of the 46 cities, 12 cooperate with more than one Chinese city",
                 "Only 7 of the 46 cities call their partnership a vital partnership (15.2%).",
                 "35 cities say that all their associations with China are active (76.1%)",
                 "26 cities have formal agreements with all their partners",
                 "135 German entities",
                 "The first was Duisburg - Wuhan in 1982",
                 "Leipzig - Nanjing",
                 "(25 of 46, 54.3%)", "(13, 28.3%)",
                 "of the 72 responses, 35% name the German city, 18% the Chinese authorities and 25% others",
                 "economy (36 responses), followed by culture (34)",
                 "sixth place (15), after education (27), academic cooperation (26) and sport and tourism (22)",
                 "34 cities name educational institutions, 30 universities and 28 cultural institutions",
                 "Meetings of officials (43), fairs and economic forums (25) and trade missions (23)",
                 "a city office in China (9) and a Chinese office in the city (4)",
                 "10 cities (21.7%, over a fifth)",
                 "(42 cities), then educational exchange (37), attracting Chinese investment (23), culture promotion (23)",
                 "in China (20). Only 15 cities (32.6%, a third)",
                 "geographical distance (38), high costs (27), language barriers (18), differences in the political system (15) and cultural differences (11); 6 cities name little involvement of the Chinese partner and 6 their own",
                 "29 of the 46 cities rate the involvement of the Chinese partner as very important",
                 "23 cities (50.0%, half)", "agreement (21)", "local companies (14)", "academic community (13)",
                 "minor extent for 14 cities and not important at all for 9",
                 "minor extent for 15, not at all for 6 and very important for 3",
                 "Only 9 cities coordinate", "(1 fully)", "each other (17)", "32 do not coordinate with it at all",
                 "30 cities see no impact at all", "2 see some influence, 13 a very small one and the rest (31) none",
                 "half of the cities (23) see a direct impact"):
        check(text in md, "Markdown text: " + text[:70])
    check(md.count("```mermaid") >= 5, "Markdown: Mermaid charts for Charts 1 to 5", md.count("```mermaid"))


# ---- the German workbook --------------------------------------------------------------------------

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}


def rels_of(zf, part):
    d, name = part.rsplit("/", 1)
    rp = "%s/_rels/%s.rels" % (d, name)
    if rp not in zf.namelist():
        return []
    out = []
    for r in ET.fromstring(zf.read(rp)):
        target = r.get("Target")
        if not target.startswith("/"):
            parts = (d + "/" + target).split("/")
            stack = []
            for p in parts:
                if p == "..":
                    stack.pop()
                elif p and p != ".":
                    stack.append(p)
            target = "/".join(stack)
        else:
            target = target[1:]
        out.append((r.get("Type").rsplit("/", 1)[-1], target))
    return out


def sheet_charts(path):
    """Sheet name -> list of chart kinds (barChart, pieChart, ...) drawn on it."""
    with zipfile.ZipFile(path) as zf:
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
        out = {}
        for s in wb.find("m:sheets", NS):
            part = "xl/" + rels[s.get("{%s}id" % NS["r"])].lstrip("/").replace("xl/", "", 1)
            kinds = []
            for typ, drawing in rels_of(zf, part):
                if typ != "drawing":
                    continue
                for typ2, chart in rels_of(zf, drawing):
                    if typ2 != "chart":
                        continue
                    plot = ET.fromstring(zf.read(chart)).find(".//c:plotArea", NS)
                    kinds += [el.tag.split("}")[1] for el in plot if el.tag.endswith("Chart")]
            out[s.get("name")] = kinds
        return out


def check_workbook(path):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames[0] == "Inhalt", "workbook: the first sheet is the German contents (Inhalt)", wb.sheetnames[0])
    contents = wb[wb.sheetnames[0]]
    linked = set()
    for row in contents.iter_rows():
        for c in row:
            if c.hyperlink is not None and c.hyperlink.location:
                linked.add(c.hyperlink.location.split("!")[0].strip("'"))
    tables = wb.sheetnames[1:]
    missing = [s for s in tables if s not in linked]
    check(tables and not missing, "workbook: the contents sheet links to every table (%d)" % len(tables), missing)
    titles = {s: wb[s]["A1"].value for s in tables}
    charts = sheet_charts(path)
    with zipfile.ZipFile(path) as zf:
        nchart = len([n for n in zf.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)])
    check(nchart >= 5, "workbook: native charts in xl/charts/ (%d)" % nchart, nchart)
    for n, kind in ((1, "barChart"), (2, "barChart"), (3, "pieChart"), (4, "barChart"), (5, "barChart")):
        sheets = [s for s, t in titles.items() if isinstance(t, str) and t.startswith("Abbildung %d." % n)]
        check(len(sheets) == 1 and kind in charts.get(sheets[0], []),
              "workbook: Abbildung %d has a native %s" % (n, kind), [(s, charts.get(s)) for s in sheets])

    def sheet_of(prefix):
        for s, t in titles.items():
            if isinstance(t, str) and t.startswith(prefix):
                return wb[s]
        return None

    def rows_of(ws):
        return [r for r in ws.iter_rows(values_only=True)] if ws else []

    ws = sheet_of("Abbildung 2.")
    labels = [r[0] for r in rows_of(ws) if r and isinstance(r[1], (int, float))]
    check(labels[:3] == ["Frankreich", "China", "Polen"], "workbook: Abbildung 2 in German, France first", labels[:3])
    ws = sheet_of("Abbildung 3.")
    got = {r[0]: (r[1], r[2]) for r in rows_of(ws) if r and isinstance(r[1], (int, float))}
    check(got.get("Deutsche Stadtverwaltung", (None,))[0] == 25 and
          round_half_up(100 * got["Deutsche Stadtverwaltung"][1]) == 35,
          "workbook: Abbildung 3, German city authorities 25 (35% of responses)", got.get("Deutsche Stadtverwaltung"))
    check(got.get("Gesamt", (None,))[0] == 72, "workbook: Abbildung 3, 72 responses", got.get("Gesamt"))
    ws = sheet_of("Abbildung 1.")
    periods = [r[0] for r in rows_of(ws) if r and isinstance(r[1], (int, float))]
    check(periods[:2] == ["1980er", "1990er"], "workbook: Abbildung 1 periods in German (1980er, 1990er)", periods[:2])
    for prefix, row, want in (("Abbildung 4.", "Wirtschaft", 36), ("Abbildung 5.", "Bildungseinrichtungen", 34)):
        got = {r[0]: r[1] for r in rows_of(sheet_of(prefix)) if r and isinstance(r[1], (int, float))}
        check(got.get(row) == want, "workbook: %s %s %d" % (prefix, row, want), got.get(row))


def dump(path):
    """Every non-empty cell of every sheet: 'sheet!A1<TAB>value'; numbers to 10 significant digits."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        print("# sheet %s" % ws.title)
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                if isinstance(v, float):
                    v = "%.10g" % v
                link = " -> %s" % c.hyperlink.location if c.hyperlink is not None and c.hyperlink.location else ""
                print("%s\t%s%s" % (c.coordinate, str(v).replace("\n", "\\n"), link))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        dump(sys.argv[2])
        return 0
    if len(sys.argv) != 3 or sys.argv[1] != "check":
        sys.stderr.write(__doc__)
        return 2
    out = sys.argv[2]
    rep = Report(out + "/city-survey.json")
    check_response(rep)
    check_partnerships(rep)
    check_register(rep)
    check_multiresponse(rep)
    check_ratings(rep)
    check_markdown(out + "/city-survey.md")
    check_workbook(out + "/partner-workbook.xlsx")
    print("# %d figure checks failed" % tap.failures)
    return 1 if tap.failures else 0


if __name__ == "__main__":
    sys.exit(main())
