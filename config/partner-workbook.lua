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

-- The workbook's words; partner-workbook-base.lua lays out its tables and charts.
texts = {
  response = {
    id = "ruecklauf", title = "Rücklauf",
    frame = "Städte der Stichprobe (mindestens 50.000 Einwohner)",
    questionnaires = "Eingegangene Fragebögen",
    duplicates = "Doppelt eingegangene Fragebögen (entfernt)",
    answered = "Städte, die geantwortet haben",
    chinese = "Städte mit chinesischen Partnern",
    note = "Prozent: antwortende Städte an den Städten der Stichprobe (Rücklaufquote) und Städte mit chinesischen Partnern an den antwortenden Städten.",
  },
  -- Abbildung 1: Verbindungen nach Gründungszeitraum (Register der Partnerschaften).
  chart1 = "Abbildung 1. Deutsch-chinesische Verbindungen nach Gründungsjahr (1980-2018)",
  -- Abbildung 2: Länder der wichtigsten Partnerstädte (76 Städte, die Partnerstädte genannt haben).
  chart2 = "Abbildung 2. Länder, mit denen deutsche Städte am häufigsten zusammenarbeiten",
  multi_partner = "Städte mit mehr als einem chinesischen Partner",
  figures = {
    chart3 = "Abbildung 3. Wer hat die Zusammenarbeit initiiert?",
    chart4 = "Abbildung 4. Bereiche der deutsch-chinesischen Zusammenarbeit",
    chart5 = "Abbildung 5. Zusammenarbeit mit weiteren lokalen Einrichtungen",
    success_factors = "Erfolgsfaktoren der Zusammenarbeit",
    coordination = "Abstimmung der internationalen Aktivitäten",
    influence = "Wahrgenommener Einfluss der Stadt",
  },
}

include "partner-workbook-base.lua"

output "xlsx" { path = "partner-workbook.xlsx" }
