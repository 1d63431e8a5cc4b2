-- city-survey.lua: the flagship report: German cities and their Chinese partners, figure for figure.
-- `make report` runs it from the repository root and writes out/city-survey.{md,xlsx,json,html}.
-- The text of templates/city-survey.md quotes the named values set below, so the prose always
-- matches the tables. tests/city_survey_figures.py checks every published figure in the outputs.

report {
  title = "German cities and their Chinese partners",
  subtitle = "The city-cooperation survey 2020/2021, reproduced from synthetic microdata",
  subject = "Survey of German cities with at least 50,000 inhabitants",
  language = "en",
  outdir = "../out",
  moe_note = true, -- the largest margin of error of the report's percentages, in every output
}

include "city-survey-base.lua"

-- ---- named values for the text (counts; NAME_pct is the percent of the 46 cities) ---------------
stage "values" {
  dataset = "chinese",
  count = yes_counts({
    -- the cities that ticked each area, institution, form, benefit and obstacle (NAME = "NAME == 1")
    "area_economy", "area_culture", "area_education", "area_academic", "area_sport_tourism", "area_administration",
    "inst_education", "inst_universities", "inst_culture",
    "form_meetings", "form_fairs", "form_trade_missions", "form_office_cn", "form_cn_office", "form_networks",
    "ben_experience", "ben_education", "ben_investment", "ben_culture", "ben_companies", "ben_tourism",
    "obs_distance", "obs_costs", "obs_language", "obs_political", "obs_cultural", "obs_cn_involvement",
    "obs_own_involvement",
  }, {
    n_multi = "cn_count > 1",
    n_vital = "cn_vitality == 1", n_all_active = "cn_active == 1", n_formal_all = "cn_formal == 1",
    n_twinning = "cn_type == 1", n_friendship = "cn_type == 2", n_contact = "cn_type == 3",
    init_german_city = "initiators_german_city == 1", init_chinese = "initiators_chinese_authorities == 1",
    sf_cn_partner_very = "sf_cn_partner == 1", sf_mayor_very = "sf_mayor == 1",
    sf_agreement_very = "sf_agreement == 1", sf_companies_very = "sf_companies == 1",
    sf_academic_very = "sf_academic == 1",
    sf_office_minor = "sf_office_cn == 3", sf_office_not = "sf_office_cn == 4",
    sf_federal_very = "sf_federal == 1", sf_federal_minor = "sf_federal == 3", sf_federal_not = "sf_federal == 4",
    coord_federal_some = "coord_federal in {1, 2}", coord_federal_fully = "coord_federal == 1",
    coord_cities_some = "coord_cities in {1, 2}", coord_eu_not = "coord_eu == 3",
    infl_eu_none = "infl_eu == 4", infl_federal_positive = "infl_federal in {1, 2}",
    infl_federal_small = "infl_federal == 3", infl_federal_none = "infl_federal == 4",
    infl_land_direct = "infl_land == 1",
  }),
}
-- Chart 3 counts answers, not cities: the shares of the 72 responses, rounded as the chart shows them.
stage "values" {
  dataset = "chinese",
  expr = { init_responses =
    "init_german_city + init_chinese + init_business + init_academic + init_cultural + init_schools + init_sports + init_other" },
  count = {
    init_business = "initiators_business == 1", init_academic = "initiators_academic == 1",
    init_cultural = "initiators_cultural == 1", init_schools = "initiators_schools == 1",
    init_sports = "initiators_sports == 1", init_other = "initiators_other == 1",
  },
}
stage "values" {
  decimals = 0,
  percent = {
    init_german_city_resp = { "init_german_city", "init_responses" },
    init_chinese_resp = { "init_chinese", "init_responses" },
    init_other_resp = { "init_other", "init_responses" },
  },
}

-- ---- tables -----------------------------------------------------------------------------------
response_table {
  id = "response", title = "Response",
  frame = "Cities qualified (at least 50,000 inhabitants)",
  questionnaires = "Questionnaires received",
  duplicates = "Duplicate questionnaires dropped",
  answered = "Cities that answered",
  chinese = "Cities with a Chinese partner",
  notes = { "Percent: the cities that answered of the cities qualified (the response rate), and the cities with a Chinese partner of the cities that answered." },
}
stage "frequencies" { dataset = "cities", variables = { "worldwide", "named_partners", "cn_partner" } }

-- Chart 2: the countries of the partner cities (the 76 cities that named them).
stage "ranking" {
  dataset = "cities", variable = "countries", top = 0, chart = "bar", table_id = "chart2",
  title = "Chart 2. Countries with which German cities most often cooperate",
}

-- Partnerships with Chinese cities (base 46).
stage "frequencies" { dataset = "chinese", variables = { "cn_count" } }
stage "listing" {
  dataset = "chinese", by = "cn_count", show = "city", where = "cn_count > 1", order = "descending",
  table_id = "multi_partner", title = "Cities with more than one Chinese partner", values = "partners",
}
stage "frequencies" { dataset = "chinese", variables = { "cn_type" }, chart = "pie" }
stage "frequencies" { dataset = "chinese", variables = { "cn_vitality" }, chart = "pie" }
stage "frequencies" { dataset = "chinese", variables = { "cn_active", "cn_formal" } }

-- Chart 1: links established per period, from the register.
stage "timeline" {
  dataset = "partnerships", variable = "year", decades_until = 2000, to = 2018, chart = "column", table_id = "chart1",
  title = "Chart 1. Number of established links between German and Chinese communes (1980-2018)",
}
stage "listing" {
  dataset = "partnerships", by = "year", show = { "entity", "partner" }, where = "year < 1990",
  table_id = "first_links", title = "The first links (1980s)", values = "links",
  label = "German entity - Chinese partner",
}
stage "frequencies" { dataset = "partnerships", variables = { "type", "entity_type" } }

figure_stages {
  chart3 = "Chart 3. Initiating city-to-city cooperation",
  chart4 = "Chart 4. Areas of German-Chinese city cooperation",
  chart5 = "Chart 5. Cooperation with other local institutions",
  success_factors = "Determinants of successful cooperation",
  coordination = "Coordination of international activities",
  influence = "Perceived influence of the city",
}

-- ---- tab book: the areas of cooperation and the obstacles by city size class and by vitality of the partnership ----
-- The size class comes from the frame (official population, 31 Dec 2019), joined to the 46 cities by name.
-- With 46 cities most columns are small: columns of at least 10 cities are compared, and bases under 30 carry a mark.
stage "join" { dataset = "chinese", with = "frame", key = "city", vars = { "size_class" }, into = "chinese_sized" }
-- The frame's four Destatis classes leave one city with a Chinese partner under 100,000 inhabitants: a column of
-- one city, all 0% and 100%, says nothing. It joins the next class; 50,000 to 199,999 still ends at Destatis class
-- limits (17 cities). The 9 cities of 500,000 and more stay a column of their own (marked **, not compared): the
-- article speaks of the large cities' diplomacy and the small cities' budgets, and merging them into 200,000 and
-- more would hide the large ones.
stage "recode" {
  dataset = "chinese_sized", variable = "size_class", map = { [1] = 2 }, otherwise = "copy",
  labels = { [2] = "50,000 to 199,999 inhabitants", [3] = "200,000 to 499,999 inhabitants",
             [4] = "500,000 inhabitants and more" },
}
stage "tabbook" {
  dataset = "chinese_sized", banner = { "size_class", "cn_vitality" }, rows = { "areas", "obstacles" }, min_base = 10,
  id_prefix = "book",
}

-- The report's own checks: the published base figures (tally run exits 3 when one fails).
stage "assert" { value = "cities_n", equals = 79, message = "79 cities answered after de-duplication" }
stage "assert" { value = "chinese_n", equals = 46, message = "46 cities have a Chinese partner" }

output "markdown" { path = "city-survey.md", template = "../templates/city-survey.md" }
output "xlsx" { path = "city-survey.xlsx" }
output "json" { path = "city-survey.json" }
output "html" { path = "city-survey.html" }
