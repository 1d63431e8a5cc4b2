-- tests/data/md/report.lua: the end-to-end config of tests/e2e/md_outputs.sh (Markdown, HTML and JSON of one report).
report { title = "Partner cities" }
input "cities" { plugin = "csv", path = "cities.csv" }
stage "frequencies" { dataset = "cities", variables = { "city", "partner", "region" } }
output "markdown" { path = "out/report.md" }
output "html" { path = "out/report.html" }
output "json" { path = "out/report.json" }
