-- checkbox-styles.codebook.lua: one set per checkbox style, each style detected (selected = true)
mrset "text" { label = "Style: option text or blank", columns = "text_*", selected = true }
mrset "textnot" { label = "Style: option text or Not selected", columns = "textnot_*", selected = true }
mrset "sel" { label = "Style: Selected / Not selected", columns = "sel_*", selected = true }
mrset "chk" { label = "Style: Checked / Unchecked", columns = "chk_*", selected = true }
mrset "num" { label = "Style: 1 / 0", columns = "num_*" }
mrset "yn" { label = "Style: Yes / No", columns = "yn_*", selected = true }
mrset "tf" { label = "Style: TRUE / FALSE", columns = "tf_*", selected = true }
