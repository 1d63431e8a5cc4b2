-- checkbox-styles-declared.codebook.lua: the same sets with each style declared
mrset "text" { label = "Style: option text or blank", columns = "text_*", selected = true }
mrset "textnot" { label = "Style: option text or Not selected", columns = "textnot_*", selected = true }
mrset "sel" { label = "Style: Selected / Not selected", columns = "sel_*", selected = "Selected" }
mrset "chk" { label = "Style: Checked / Unchecked", columns = "chk_*", selected = "Checked" }
mrset "num" { label = "Style: 1 / 0", columns = "num_*", counted = 1 }
mrset "yn" { label = "Style: Yes / No", columns = "yn_*", selected = "Yes" }
mrset "tf" { label = "Style: TRUE / FALSE", columns = "tf_*", selected = "TRUE" }
