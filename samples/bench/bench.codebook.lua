-- bench.codebook.lua: metadata of the benchmark survey (samples/bench/survey-*.csv).
-- Written by tools/gen_bench.c --codebook: do not edit by hand.

variable "id" { label = "Respondent number", measure = "nominal" }

variable "region" {
  label = "Federal state of residence",
  values = {
    [1] = "Baden-Württemberg",
    [2] = "Bayern",
    [3] = "Berlin",
    [4] = "Brandenburg",
    [5] = "Bremen",
    [6] = "Hamburg",
    [7] = "Hessen",
    [8] = "Mecklenburg-Vorpommern",
    [9] = "Niedersachsen",
    [10] = "Nordrhein-Westfalen",
    [11] = "Rheinland-Pfalz",
    [12] = "Saarland",
    [13] = "Sachsen",
    [14] = "Sachsen-Anhalt",
    [15] = "Schleswig-Holstein",
    [16] = "Thüringen",
  },
  measure = "nominal",
}

variable "gender" {
  label = "Gender",
  values = {
    [1] = "female",
    [2] = "male",
    [3] = "diverse",
  },
  measure = "nominal",
}

variable "agegroup" {
  label = "Age group",
  values = {
    [1] = "18-29",
    [2] = "30-44",
    [3] = "45-59",
    [4] = "60-74",
    [5] = "75 and older",
  },
  measure = "ordinal",
}

variable "education" {
  label = "Highest school qualification",
  values = {
    [1] = "none",
    [2] = "Hauptschule",
    [3] = "Realschule",
    [4] = "Abitur",
    [5] = "university degree",
  },
  measure = "nominal",
}

variable "employment" {
  label = "Employment status",
  values = {
    [1] = "full-time",
    [2] = "part-time",
    [3] = "self-employed",
    [4] = "in education",
    [5] = "retired",
    [6] = "not employed",
  },
  measure = "nominal",
}

variable "household" {
  label = "Persons in the household",
  values = {
    [1] = "1",
    [2] = "2",
    [3] = "3",
    [4] = "4",
    [5] = "5 or more",
  },
  measure = "nominal",
}

variable "children" {
  label = "Children under 18 in the household",
  values = {
    [1] = "none",
    [2] = "one",
    [3] = "two",
    [4] = "three or more",
  },
  measure = "nominal",
}

variable "housing" {
  label = "Housing",
  values = {
    [1] = "rented",
    [2] = "owned",
    [3] = "other",
  },
  measure = "nominal",
}

variable "settlement" {
  label = "Place of residence",
  values = {
    [1] = "big city",
    [2] = "medium-sized town",
    [3] = "small town",
    [4] = "rural",
  },
  measure = "nominal",
}

variable "internet" {
  label = "How often do you use the internet?",
  values = {
    [1] = "several times a day",
    [2] = "daily",
    [3] = "weekly",
    [4] = "less often",
    [5] = "never",
  },
  measure = "nominal",
}

variable "transport" {
  label = "Main means of transport",
  values = {
    [1] = "car",
    [2] = "public transport",
    [3] = "bicycle",
    [4] = "on foot",
    [5] = "other",
  },
  measure = "nominal",
}

variable "contact" {
  label = "Survey mode",
  values = {
    [1] = "online",
    [2] = "telephone",
    [3] = "face to face",
  },
  measure = "nominal",
}

variable "vote" {
  label = "Which party would you vote for next Sunday?",
  values = {
    [1] = "Party A",
    [2] = "Party B",
    [3] = "Party C",
    [4] = "Party D",
    [5] = "Party E",
    [6] = "Party F",
    [7] = "another party",
    [8] = "would not vote",
    [9] = "don't know",
  },
  missing = { 9 },
  measure = "nominal",
}

variable "satisfaction" {
  label = "Overall, how satisfied are you with your life?",
  values = {
    [1] = "very dissatisfied",
    [2] = "dissatisfied",
    [3] = "neither nor",
    [4] = "satisfied",
    [5] = "very satisfied",
  },
  measure = "ordinal",
}

variable "media_1" { label = "television" }

variable "media_2" { label = "radio" }

variable "media_3" { label = "printed newspaper" }

variable "media_4" { label = "news websites" }

variable "media_5" { label = "social media" }

variable "media_6" { label = "podcasts" }

variable "media_7" { label = "messenger groups" }

variable "media_8" { label = "friends and family" }

variables { "media_*" } { values = { [0] = "not chosen", [1] = "chosen" }, measure = "nominal" }

mrset "media" {
  label = "Where do you get your news? (all that apply)",
  kind = "dichotomy",
  counted = 1,
  columns = "media_*",
}

variable "leisure_1" { label = "sport" }

variable "leisure_2" { label = "reading" }

variable "leisure_3" { label = "music" }

variable "leisure_4" { label = "travel" }

variable "leisure_5" { label = "gaming" }

variable "leisure_6" { label = "gardening" }

variable "leisure_7" { label = "cooking" }

variable "leisure_8" { label = "volunteering" }

variable "leisure_9" { label = "cinema" }

variable "leisure_10" { label = "other" }

variables { "leisure_*" } { values = { [0] = "not chosen", [1] = "chosen" }, measure = "nominal" }

mrset "leisure" {
  label = "What do you do in your free time? (all that apply)",
  kind = "dichotomy",
  counted = 1,
  columns = "leisure_*",
}

variable "issues_1" { label = "economy" }

variable "issues_2" { label = "climate" }

variable "issues_3" { label = "migration" }

variable "issues_4" { label = "health" }

variable "issues_5" { label = "education" }

variable "issues_6" { label = "housing" }

variable "issues_7" { label = "security" }

variable "issues_8" { label = "pensions" }

variable "issues_9" { label = "digitalisation" }

variable "issues_10" { label = "energy prices" }

variables { "issues_*" } { values = { [0] = "not chosen", [1] = "chosen" }, measure = "nominal" }

mrset "issues" {
  label = "Which issues matter most to you? (all that apply)",
  kind = "dichotomy",
  counted = 1,
  columns = "issues_*",
}

variable "att_1" { label = "My neighbourhood is a good place to live" }

variable "att_2" { label = "Public transport here is reliable" }

variable "att_3" { label = "I trust the local administration" }

variable "att_4" { label = "There are enough doctors nearby" }

variable "att_5" { label = "Schools in my area are good" }

variable "att_6" { label = "I feel safe at night" }

variable "att_7" { label = "Housing here is affordable" }

variable "att_8" { label = "I would recommend my town to friends" }

variables { "att_*" } {
  values = {
    [1] = "strongly disagree",
    [2] = "disagree",
    [3] = "neither agree nor disagree",
    [4] = "agree",
    [5] = "strongly agree",
  },
  measure = "ordinal",
}

variable "age" { label = "Age in years", measure = "scale", format = "F3.0" }
variable "income" { label = "Net monthly household income (EUR)", measure = "scale", format = "F10.2" }
variable "hours" { label = "Hours online per week", measure = "scale", format = "F5.1" }
variable "weight" { label = "Design weight (gender by age group)", measure = "scale", format = "F8.4" }
variable "comment" { label = "Any other comments?" }
variable "other_text" { label = "Other free-time activity (please specify)" }

weight "weight"
