-- films.lua: a rating grid (likert, valid and all-cases bases) and a ranking question; tests/e2e/grid_ranking.sh.
report { title = "Films", outdir = "out" }
input "films" { path = "films.csv", codebook = "films.codebook.lua" }
stage "likert" { dataset = "films", items = { "r_han", "r_leia", "r_luke" }, scale = { 1, 2, 3 }, chart = "bar", table_id = "grid" }
stage "likert" { dataset = "films", items = { "r_han", "r_leia", "r_luke" }, scale = { 1, 2, 3 }, chart = "bar", base = "all",
  table_id = "grid_all", title = "Characters (all cases)" }
stage "ranking_question" { dataset = "films", items = { "rk_a", "rk_b", "rk_c" }, top = 2, table_id = "films",
  question = "Rank these three films, 1 = favourite" }
output "markdown" { path = "films.md" }
output "xlsx" { path = "films.xlsx" }
