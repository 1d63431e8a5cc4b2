-- two-header.codebook.lua: checkbox columns exported as "option text or blank"
mrset "areas" { label = "Areas of cooperation", columns = "area*", selected = true }
variables { "coop" } { values = { [1] = "yes", [2] = "no" } }
