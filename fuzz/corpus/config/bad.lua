-- tests/data/md/bad.lua: a config whose template names a value that does not exist.
report { title = "Partner cities" }
input "cities" { plugin = "csv", path = "cities.csv" }
stage "frequencies" { dataset = "cities", variables = { "partner" } }
output "markdown" { path = "out/bad.md", template = "bad.md" }
