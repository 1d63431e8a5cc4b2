-- city-survey-base.lua: the data of the city survey and the steps every city-survey report shares.
-- Included by city-survey.lua (the full report), partner-workbook-base.lua (the partners' workbooks) and
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

-- Counts of the cities that answered 1 (yes, ticked) to each variable in `names`, each named after its
-- variable, added to the table `more` of other counts (a `count` option of the values stage).
function yes_counts(names, more)
  local count = more or {}
  for i = 1, #names do count[names[i]] = names[i] .. " == 1" end
  return count
end

-- The response table: the sample frame, the questionnaires and the cities that answered, each
-- report with its own id, title and row labels (label.frame, .questionnaires, .duplicates,
-- .answered, .chinese), optional notes, and rows of its own after these (label.more).
function response_table(label)
  local rows = {
    { label.frame, "n_frame" },
    { label.questionnaires, "n_questionnaires" },
    { label.duplicates, "cities_duplicates" },
    { label.answered, "cities_n", "n_frame" },
    { label.chinese, "chinese_n", "cities_n" },
  }
  local more = label.more or {}
  for i = 1, #more do rows[#rows + 1] = more[i] end
  stage "values" { table = { id = label.id, title = label.title, rows = rows, notes = label.notes } }
end

-- Charts 3 to 5, the other multiple-response questions and the rated questions. Each report
-- calls this with its titles, in its language.
function figure_stages(title)
  -- Chart 3: who initiated the cooperation, as percent of responses (72 answers).
  stage "multiresponse" {
    dataset = "chinese", sets = "initiators", base = "all", chart = "pie", plot = "responses", table_id = "chart3",
    title = title.chart3,
  }
  -- Charts 4 and 5 and the other multiple-response questions: percent of cases (46 cities).
  stage "multiresponse" {
    dataset = "chinese", sets = "areas", base = "all", chart = "bar", table_id = "chart4", title = title.chart4,
  }
  stage "multiresponse" {
    dataset = "chinese", sets = "institutions", base = "all", chart = "column", table_id = "chart5",
    title = title.chart5,
  }
  stage "multiresponse" { dataset = "chinese", sets = { "forms", "benefits", "obstacles" }, base = "all", chart = "bar" }

  -- Ratings: percent of all 46 cities; "don't know" has its own column. Low to high importance.
  stage "likert" {
    dataset = "chinese", base = "all", scale = { 4, 3, 2, 1 }, chart = "bar", table_id = "success_factors",
    items = { "sf_cn_partner", "sf_mayor", "sf_agreement", "sf_companies", "sf_academic", "sf_office_cn", "sf_federal" },
    title = title.success_factors,
  }
  stage "likert" {
    dataset = "chinese", base = "all", scale = { 3, 2, 1 }, chart = "bar", table_id = "coordination",
    items = { "coord_federal", "coord_cities", "coord_eu" },
    title = title.coordination,
  }
  stage "likert" {
    dataset = "chinese", base = "all", scale = { 4, 3, 2, 1 }, chart = "bar", table_id = "influence",
    items = { "infl_eu", "infl_federal", "infl_land" },
    title = title.influence,
  }
end
