-- ci-summary.lua: a short Markdown summary of the city survey for a CI job summary, with checks.
-- The assert stages make `tally run` exit 3 when a published base figure is not reproduced, so a
-- CI job fails. Thresholds can be tightened per run: --set min_response_rate=70 --set base=46.
-- On GitHub Actions the summary is also appended to $GITHUB_STEP_SUMMARY.

report {
  title = "City survey: CI summary",
  language = "en",
  outdir = "../out",
}

include "city-survey-base.lua"

stage "values" {
  dataset = "chinese",
  count = { n_multi = "cn_count > 1", init_german_city = "initiators_german_city == 1" },
}
response_table {
  id = "key_figures", title = "Key figures",
  frame = "Cities qualified", questionnaires = "Questionnaires received", duplicates = "Duplicate questionnaires dropped",
  answered = "Cities that answered (response rate)", chinese = "Cities with a Chinese partner (the base)",
  more = {
    { "Cities with more than one Chinese partner", "n_multi", "chinese_n" },
    { "German entities linked with China since 1982", "entities_n" },
  },
}

-- The checks: the response rate and the base the article's analysis rests on.
stage "assert" {
  that = "pct_response >= " .. (params.min_response_rate or 50),
  message = "response rate at least " .. (params.min_response_rate or 50) .. "%",
}
stage "assert" {
  that = "chinese_n == " .. (params.base or 46),
  message = "the base is " .. (params.base or 46) .. " cities with a Chinese partner",
}
stage "assert" {
  that = "cities_n == " .. (params.cities or 79) .. " and cities_duplicates == 1",
  message = (params.cities or 79) .. " cities after dropping Osnabrück's first questionnaire",
}

output "markdown" {
  path = "ci-summary.md",
  template = "../templates/ci-summary.md",
  heading_level = 2,
  charts = false,
  step_summary = env("GITHUB_STEP_SUMMARY") ~= nil,
}
