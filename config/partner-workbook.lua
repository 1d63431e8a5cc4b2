-- partner-workbook.lua: the Excel workbook for the project partners, in German, with native charts
-- for Charts 1 to 5. Question texts and value labels come from the German half of the codebooks.
-- Run: build/tally run config/partner-workbook.lua   (writes out/partner-workbook.xlsx)

report {
  title = "Deutsche Städte und ihre chinesischen Partner",
  subtitle = "Städtebefragung 2020/2021 (synthetische Mikrodaten, aus veröffentlichten Zahlen rekonstruiert)",
  subject = "Befragung der deutschen Städte mit mindestens 50.000 Einwohnern",
  language = "de",
  outdir = "../out",
}

include "city-survey-base.lua"

stage "values" {
  table = {
    id = "ruecklauf", title = "Rücklauf",
    rows = {
      { "Städte der Stichprobe (mindestens 50.000 Einwohner)", "n_frame" },
      { "Eingegangene Fragebögen", "n_questionnaires" },
      { "Doppelt eingegangene Fragebögen (entfernt)", "cities_duplicates" },
      { "Städte, die geantwortet haben", "cities_n", "n_frame" },
      { "Städte mit chinesischen Partnern", "chinese_n", "cities_n" },
    },
    notes = { "Prozent: antwortende Städte an den Städten der Stichprobe (Rücklaufquote) und Städte mit chinesischen Partnern an den antwortenden Städten." },
  },
}

-- Abbildung 1: Verbindungen nach Gründungszeitraum (Register der Partnerschaften).
stage "timeline" {
  dataset = "partnerships", variable = "year", decades_until = 2000, to = 2018, chart = "column", table_id = "chart1",
  title = "Abbildung 1. Deutsch-chinesische Verbindungen nach Gründungsjahr (1980-2018)",
}
-- Abbildung 2: Länder der wichtigsten Partnerstädte (76 Städte, die Partnerstädte genannt haben).
stage "ranking" {
  dataset = "cities", variable = "countries", top = 0, chart = "bar", table_id = "chart2",
  title = "Abbildung 2. Länder, mit denen deutsche Städte am häufigsten zusammenarbeiten",
}
stage "frequencies" { dataset = "cities", variables = { "cn_partner" } }
stage "listing" {
  dataset = "chinese", by = "cn_count", show = "city", where = "cn_count > 1", order = "descending",
  table_id = "multi_partner", title = "Städte mit mehr als einem chinesischen Partner",
}
stage "frequencies" { dataset = "chinese", variables = { "cn_type", "cn_vitality", "cn_active", "cn_formal" } }

-- Abbildung 3: Initiatoren in Prozent der Antworten (72 Antworten).
stage "multiresponse" {
  dataset = "chinese", sets = "initiators", base = "all", chart = "pie", plot = "responses", table_id = "chart3",
  title = "Abbildung 3. Wer hat die Zusammenarbeit initiiert?",
}
-- Abbildungen 4 und 5 und die übrigen Mehrfachnennungen: Prozent der Fälle (46 Städte).
stage "multiresponse" {
  dataset = "chinese", sets = "areas", base = "all", chart = "bar", table_id = "chart4",
  title = "Abbildung 4. Bereiche der deutsch-chinesischen Zusammenarbeit",
}
stage "multiresponse" {
  dataset = "chinese", sets = "institutions", base = "all", chart = "column", table_id = "chart5",
  title = "Abbildung 5. Zusammenarbeit mit weiteren lokalen Einrichtungen",
}
stage "multiresponse" { dataset = "chinese", sets = { "forms", "benefits", "obstacles" }, base = "all", chart = "bar" }

stage "likert" {
  dataset = "chinese", base = "all", scale = { 4, 3, 2, 1 }, chart = "bar", table_id = "success_factors",
  items = { "sf_cn_partner", "sf_mayor", "sf_agreement", "sf_companies", "sf_academic", "sf_office_cn", "sf_federal" },
  title = "Erfolgsfaktoren der Zusammenarbeit",
}
stage "likert" {
  dataset = "chinese", base = "all", scale = { 3, 2, 1 }, chart = "bar", table_id = "coordination",
  items = { "coord_federal", "coord_cities", "coord_eu" },
  title = "Abstimmung der internationalen Aktivitäten",
}
stage "likert" {
  dataset = "chinese", base = "all", scale = { 4, 3, 2, 1 }, chart = "bar", table_id = "influence",
  items = { "infl_eu", "infl_federal", "infl_land" },
  title = "Wahrgenommener Einfluss der Stadt",
}

output "xlsx" { path = "partner-workbook.xlsx" }
