-- partner-workbook-base.lua: the partners' Excel workbook with native charts for Charts 1 to 5, the
-- same in every language. Included by partner-workbook.lua (German) and partner-workbook-zh.lua
-- (Simplified Chinese), each of which sets `workbook_language` before the include and declares its
-- own output. Question texts and value labels come from that language's half of the codebooks;
-- table furniture (column heads, bases, notes) from tally's message catalogue.

-- Every text of the workbook in both languages; word(key) picks the workbook's.
local words = {
  title = { de = "Deutsche Städte und ihre chinesischen Partner", zh = "德国城市及其中国合作伙伴" },
  subtitle = { de = "Städtebefragung 2020/2021 (synthetische Mikrodaten, aus veröffentlichten Zahlen rekonstruiert)", zh = "2020/2021 年城市调查（根据已发表数据重建的合成微观数据）" },
  subject = { de = "Befragung der deutschen Städte mit mindestens 50.000 Einwohnern", zh = "对人口不少于 5 万的德国城市的调查" },
  response_id = { de = "ruecklauf", zh = "response" },
  response = { de = "Rücklauf", zh = "回收情况" },
  n_frame = { de = "Städte der Stichprobe (mindestens 50.000 Einwohner)", zh = "样本城市（人口不少于 5 万）" },
  n_questionnaires = { de = "Eingegangene Fragebögen", zh = "收到的问卷" },
  cities_duplicates = { de = "Doppelt eingegangene Fragebögen (entfernt)", zh = "重复提交的问卷（已删除）" },
  cities_n = { de = "Städte, die geantwortet haben", zh = "作答的城市" },
  chinese_n = { de = "Städte mit chinesischen Partnern", zh = "有中国合作伙伴的城市" },
  response_note = { de = "Prozent: antwortende Städte an den Städten der Stichprobe (Rücklaufquote) und Städte mit chinesischen Partnern an den antwortenden Städten.", zh = "百分比：作答城市占样本城市的比例（回收率），以及有中国合作伙伴的城市占作答城市的比例。" },
  chart1 = { de = "Abbildung 1. Deutsch-chinesische Verbindungen nach Gründungsjahr (1980-2018)", zh = "图1. 德中联系按建立年份（1980-2018）" },
  chart2 = { de = "Abbildung 2. Länder, mit denen deutsche Städte am häufigsten zusammenarbeiten", zh = "图2. 德国城市合作最多的国家" },
  multi_partner = { de = "Städte mit mehr als einem chinesischen Partner", zh = "拥有不止一个中国伙伴的城市" },
  chart3 = { de = "Abbildung 3. Wer hat die Zusammenarbeit initiiert?", zh = "图3. 谁发起了合作？" },
  chart4 = { de = "Abbildung 4. Bereiche der deutsch-chinesischen Zusammenarbeit", zh = "图4. 德中合作的领域" },
  chart5 = { de = "Abbildung 5. Zusammenarbeit mit weiteren lokalen Einrichtungen", zh = "图5. 与其他地方机构的合作" },
  success_factors = { de = "Erfolgsfaktoren der Zusammenarbeit", zh = "合作的成功因素" },
  coordination = { de = "Abstimmung der internationalen Aktivitäten", zh = "国际活动的协调" },
  influence = { de = "Wahrgenommener Einfluss der Stadt", zh = "本市感知到的影响力" },
}
local function word(key) return words[key][workbook_language] end

report {
  title = word("title"), subtitle = word("subtitle"), subject = word("subject"),
  language = workbook_language,
  outdir = "../out",
}

include "city-survey-base.lua"

-- The response table: the sample frame, the questionnaires and the cities that answered.
response_table {
  id = word("response_id"), title = word("response"),
  frame = word("n_frame"), questionnaires = word("n_questionnaires"), duplicates = word("cities_duplicates"),
  answered = word("cities_n"), chinese = word("chinese_n"),
  notes = { word("response_note") },
}

-- Chart 1: links by the period they were founded in (the register of partnerships).
stage "timeline" {
  dataset = "partnerships", variable = "year", decades_until = 2000, to = 2018, chart = "column", table_id = "chart1",
  title = word("chart1"),
}
-- Chart 2: countries of the most important partner cities (76 cities that named partner cities).
stage "ranking" {
  dataset = "cities", variable = "countries", top = 0, chart = "bar", table_id = "chart2",
  title = word("chart2"),
}
stage "frequencies" { dataset = "cities", variables = { "cn_partner" } }
stage "listing" {
  dataset = "chinese", by = "cn_count", show = "city", where = "cn_count > 1", order = "descending",
  table_id = "multi_partner", title = word("multi_partner"),
}
stage "frequencies" { dataset = "chinese", variables = { "cn_type", "cn_vitality", "cn_active", "cn_formal" } }

figure_stages {
  chart3 = word("chart3"), chart4 = word("chart4"), chart5 = word("chart5"),
  success_factors = word("success_factors"), coordination = word("coordination"), influence = word("influence"),
}
