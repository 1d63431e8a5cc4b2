report { title = "typo" }
input "survey" { path = "survey.csv" }

output "markdown" { pth = "x.md" }
