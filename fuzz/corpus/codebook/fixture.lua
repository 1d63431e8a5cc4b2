variable "q1" { label = { en = "Cooperates?", de = "Kooperiert?" }, values = { [0] = "no", [1] = "yes", [2] = "unsure" },
                missing = { 9, range = { 97, 99 } }, measure = "nominal", format = "F3.0" }
variables { "r1", "r2", "r3_*" } { values = { [1] = "low", [2] = "high" }, measure = "ordinal" }
variable "city" { label = "City", missing = { "" } }
mrset "areas" { label = "Areas", kind = "dichotomy", counted = 1, columns = "area_*" }
mrset "help" { columns = "help_*", selected = "Selected" }
mrset "kinds" { kind = "category", columns = { "k1", "k2" } }
mrset "init" { label = "Initiators", split = "init", delimiter = ";", options = { "Economy", "Culture", "Sport" } }
weight "w"
