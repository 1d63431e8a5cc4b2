-- partner-workbook-base.lua: the tables and charts of the partners' Excel workbook, the same in every
-- language. Included by partner-workbook.lua (German) and partner-workbook-zh.lua (Simplified
-- Chinese), each of which sets the global table `texts` (its titles, row labels and notes) before the
-- include and declares its own report{} and output.

include "city-survey-base.lua"

-- The response table: the sample frame, the questionnaires and the cities that answered.
stage "values" {
  table = {
    id = texts.response.id, title = texts.response.title,
    rows = {
      { texts.response.frame, "n_frame" },
      { texts.response.questionnaires, "n_questionnaires" },
      { texts.response.duplicates, "cities_duplicates" },
      { texts.response.answered, "cities_n", "n_frame" },
      { texts.response.chinese, "chinese_n", "cities_n" },
    },
    notes = { texts.response.note },
  },
}

-- Chart 1: links by the period they were founded in (the register of partnerships).
stage "timeline" {
  dataset = "partnerships", variable = "year", decades_until = 2000, to = 2018, chart = "column", table_id = "chart1",
  title = texts.chart1,
}
-- Chart 2: countries of the most important partner cities (76 cities that named partner cities).
stage "ranking" {
  dataset = "cities", variable = "countries", top = 0, chart = "bar", table_id = "chart2",
  title = texts.chart2,
}
stage "frequencies" { dataset = "cities", variables = { "cn_partner" } }
stage "listing" {
  dataset = "chinese", by = "cn_count", show = "city", where = "cn_count > 1", order = "descending",
  table_id = "multi_partner", title = texts.multi_partner,
}
stage "frequencies" { dataset = "chinese", variables = { "cn_type", "cn_vitality", "cn_active", "cn_formal" } }

figure_stages(texts.figures)
