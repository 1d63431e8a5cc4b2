-- rich.codebook.lua: labels, a missing code and a multiple-response set for cities.csv (tests/e2e/determinism.sh).
variable "region" { label = "Region of the city", measure = "nominal" }
variable "size" {
  label = "City size",
  values = { [1] = "small", [2] = "medium", [3] = "large" },
  measure = "ordinal",
}
variable "satisfaction" {
  label = "Satisfaction with the partnership",
  values = { [1] = "very low", [2] = "low", [3] = "neutral", [4] = "high", [5] = "very high", [9] = "don't know" },
  missing = 9,
  measure = "ordinal",
}
variable "budget" { label = "Budget (EUR)", measure = "scale" }
variable "partners" { label = "Partner cities", measure = "scale" }
variables { "area_*" } { values = { [0] = "not mentioned", [1] = "mentioned" } }
variable "area_economy" { label = "Economy" }
variable "area_culture" { label = "Culture | *arts*" }
variable "area_schools" { label = "Schools" }
mrset "areas" { label = "Areas of cooperation", columns = "area_*", counted = 1 }
