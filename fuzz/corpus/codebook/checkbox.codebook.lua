-- checkbox.codebook.lua: checkbox columns exported as "Selected" / "Not selected"
mrset "help" {
  label = "Help received",
  columns = "help_*",
  selected = "Selected",
}
