-- bench-tabbook.lua: the benchmark's tab book: every question of the generated survey by a 10-column banner
-- (age group and school qualification, plus Total), weighted, in all four outputs. `make bench` times it
-- against loading the data. Size: --set size=1m (default 100k). Outputs go to ../out/bench-tabbook.
report {
  title = "Benchmark survey: tab book",
  language = "en",
  outdir = "../out/bench-tabbook",
  max_instructions = 100000000,
}

include "bench-data.lua"

stage "tabbook" { dataset = "survey", banner = { "agegroup", "education" } }

output "markdown" { path = "tabbook.md" }
output "xlsx"     { path = "tabbook.xlsx" }
output "html"     { path = "tabbook.html" }
output "json"     { path = "tabbook.json" }
