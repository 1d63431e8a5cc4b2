-- forms.codebook.lua: codebook for forms.csv (unit tests)
variable "q1" {
  label = { en = "Does your city cooperate?", de = "Kooperiert Ihre Stadt?" },
  values = { [1] = "yes", [2] = "no", [9] = { en = "don't know", de = "weiß nicht" } },
  missing = { 9 },
  measure = "nominal",
  format = "F1.0",
}
mrset "init" {
  label = "Who initiated the partnership?",
  split = "initiators", delimiter = ";",
  options = { "Economy", "Culture", "Sport" },
}
weight "w"
