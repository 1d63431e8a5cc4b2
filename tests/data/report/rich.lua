-- rich.lua: every kind of output tally writes (tests/e2e/determinism.sh, tests/e2e/libreoffice_open.sh):
-- frequencies with charts, a crosstab with significance letters, a multiple-response set, descriptives,
-- a data sheet; Markdown, HTML, JSON and XLSX.
report { title = "Partner cities | *rich*", subtitle = "A test report", author = "tally tests",
         source = "cities.csv", outdir = "out" }
input "cities" { path = "cities.csv", codebook = "rich.codebook.lua" }
stage "frequencies" { dataset = "cities", variables = { "size" }, chart = "pie" }
stage "frequencies" { dataset = "cities", variables = { "satisfaction", "region" }, chart = "bar" }
stage "crosstab" { dataset = "cities", row = "satisfaction", column = "size", cells = { "count", "col" },
                   tests = true, min_base = 5 }
stage "multiresponse" { dataset = "cities", sets = { "areas" }, chart = "column" }
stage "descriptives" { dataset = "cities", variables = { "budget", "partners" } }
output "markdown" { path = "rich.md" }
output "html" { path = "rich.html" }
output "json" { path = "rich.json" }
output "xlsx" { path = "rich.xlsx", data_sheet = "cities" }
