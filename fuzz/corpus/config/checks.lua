report { title = "checks", outdir = "out" }
input "survey" { path = "survey.csv" }
stage "frequencies" { dataset = "survey", variables = { "region" } }
stage "filter" { dataset = "survey", where = "region == 'East'", into = "east" }
stage "assert" { value = "east_n", min = 50, message = "at least 50 cities in the east" }
output "markdown" { path = "checks.md" }
