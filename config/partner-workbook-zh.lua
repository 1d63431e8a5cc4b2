-- partner-workbook-zh.lua: the Excel workbook for the Chinese project partners, in Simplified Chinese,
-- with native charts for Charts 1 to 5. Question texts and value labels come from the Chinese (zh)
-- labels of the codebooks; table furniture (column heads, bases, notes) from tally's zh catalogue.
-- Run: build/tally run config/partner-workbook-zh.lua   (writes out/partner-workbook-zh.xlsx)
workbook_language = "zh"
include "partner-workbook-base.lua"
output "xlsx" { path = "partner-workbook-zh.xlsx" }
