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

figure_stages {
  chart3 = "Abbildung 3. Wer hat die Zusammenarbeit initiiert?",
  chart4 = "Abbildung 4. Bereiche der deutsch-chinesischen Zusammenarbeit",
  chart5 = "Abbildung 5. Zusammenarbeit mit weiteren lokalen Einrichtungen",
  success_factors = "Erfolgsfaktoren der Zusammenarbeit",
  coordination = "Abstimmung der internationalen Aktivitäten",
  influence = "Wahrgenommener Einfluss der Stadt",
}

output "xlsx" { path = "partner-workbook.xlsx" }
