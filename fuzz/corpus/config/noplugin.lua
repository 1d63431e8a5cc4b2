report { title = "missing plugin" }
input "survey" { path = "survey.csv" }
output "parquet" { path = "x.parquet" }
