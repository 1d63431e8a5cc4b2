stage "frequencies" { dataset = "d", variables = { "a", "b" }, nested = { x = { 1 } }, max_instructions = 10 }
output "markdown" { path = "a.md" }
