-- city-survey-base.lua: the data of the city survey and the steps every city-survey report shares.
-- Included by city-survey.lua (the full report), partner-workbook.lua (German workbook) and
-- ci-summary.lua (CI job summary). It declares no report{} and no output: those are each report's own.
--
-- The sample is synthetic microdata reconstructed from a published article
-- (see samples/city-survey/README.md); docs/city-survey-figures.md maps each figure to its variable.

-- The sample frame (126 cities), the 80 raw questionnaires and the register of German-Chinese links.
input "frame" {
  path = "../samples/city-survey/frame.csv",
  codebook = "../samples/city-survey/frame.codebook.lua",
}
input "responses" {
  path = "../samples/city-survey/responses.csv",
  codebook = "../samples/city-survey/responses.codebook.lua",
}
input "partnerships" {
  path = "../samples/city-survey/partnerships.csv",
  codebook = "../samples/city-survey/partnerships.codebook.lua",
}

-- Osnabrück answered twice: keep each city's latest questionnaire (value cities_duplicates, cities_n).
stage "values" { dataset = "frame", rows = "n_frame" }
stage "values" { dataset = "responses", rows = "n_questionnaires" }
stage "dedupe" { dataset = "responses", key = "city", keep = "last", order = "submitted", into = "cities" }

-- The cities with a Chinese partner are the base (N = 46) of everything that follows (value chinese_n).
stage "filter" { dataset = "cities", where = "cn_partner == 1", into = "chinese" }

-- One row per German entity of the register (value entities_n: 135 entities, 158 links).
stage "values" { dataset = "partnerships", rows = "n_links" }
stage "dedupe" { dataset = "partnerships", key = "entity", into = "entities" }

-- Response: the counts and percentages the report's text quotes.
stage "values" {
  percent = { pct_response = { "cities_n", "n_frame" }, pct_chinese = { "chinese_n", "cities_n" } },
}
stage "values" {
  dataset = "cities",
  count = {
    n_worldwide = "worldwide == 1",
    n_named = "named_partners == 1",
    n_not_named = "named_partners == 2",
  },
}
