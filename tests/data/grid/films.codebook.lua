-- films.codebook.lua: a rating grid (three characters) and a ranking question (three films).
variable "r_han" { label = "Han Solo", values = { [1] = "dislike", [2] = "neutral", [3] = "like", [9] = "don't know" }, missing = { 9 } }
variable "r_leia" { label = "Leia Organa", values = { [1] = "dislike", [2] = "neutral", [3] = "like", [9] = "don't know" }, missing = { 9 } }
variable "r_luke" { label = "Luke Skywalker", values = { [1] = "dislike", [2] = "neutral", [3] = "like", [9] = "don't know" }, missing = { 9 } }
variable "rk_a" { label = "A New Hope" }
variable "rk_b" { label = "The Empire Strikes Back" }
variable "rk_c" { label = "Return of the Jedi" }
mrset "characters" { label = "How much do you like these characters?", kind = "category", columns = { "r_han", "r_leia", "r_luke" } }
