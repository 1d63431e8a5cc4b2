-- basic.lua: the end-to-end fixture of the foundation tests: csv in, frequencies, markdown + xlsx + json out.
report { title = "Partners | *test*", author = "tally tests", outdir = "out" }

input "survey" { path = "survey.csv" }

stage "frequencies" { dataset = "survey", variables = { "region", "partner", "rating" } }

output "markdown" { path = "basic.md" }
output "xlsx"     { path = "basic.xlsx" }
output "json"     { path = "basic.json" }
