-- partner-workbook.lua: the Excel workbook for the project partners, in German, with native charts
-- for Charts 1 to 5. Question texts and value labels come from the German half of the codebooks.
-- Run: build/tally run config/partner-workbook.lua   (writes out/partner-workbook.xlsx)
workbook_language = "de"
include "partner-workbook-base.lua"
output "xlsx" { path = "partner-workbook.xlsx" }
