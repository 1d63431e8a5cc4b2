-- partner-workbook-zh.lua: the Excel workbook for the Chinese project partners, in Simplified Chinese,
-- with native charts for Charts 1 to 5. Question texts and value labels come from the Chinese (zh)
-- labels of the codebooks; table furniture (column heads, bases, notes) from tally's zh catalogue.
-- Run: build/tally run config/partner-workbook-zh.lua   (writes out/partner-workbook-zh.xlsx)

report {
  title = "德国城市及其中国合作伙伴",
  subtitle = "2020/2021 年城市调查（根据已发表数据重建的合成微观数据）",
  subject = "对人口不少于 5 万的德国城市的调查",
  language = "zh",
  outdir = "../out",
}

-- The workbook's words; partner-workbook-base.lua lays out its tables and charts.
texts = {
  response = {
    id = "response", title = "回收情况",
    frame = "样本城市（人口不少于 5 万）",
    questionnaires = "收到的问卷",
    duplicates = "重复提交的问卷（已删除）",
    answered = "作答的城市",
    chinese = "有中国合作伙伴的城市",
    note = "百分比：作答城市占样本城市的比例（回收率），以及有中国合作伙伴的城市占作答城市的比例。",
  },
  -- 图1：按建立时期划分的联系（伙伴关系登记册）。
  chart1 = "图1. 德中联系按建立年份（1980-2018）",
  -- 图2：最重要伙伴城市所在国家（76 个列出伙伴城市的城市）。
  chart2 = "图2. 德国城市合作最多的国家",
  multi_partner = "拥有不止一个中国伙伴的城市",
  figures = {
    chart3 = "图3. 谁发起了合作？",
    chart4 = "图4. 德中合作的领域",
    chart5 = "图5. 与其他地方机构的合作",
    success_factors = "合作的成功因素",
    coordination = "国际活动的协调",
    influence = "本市感知到的影响力",
  },
}

include "partner-workbook-base.lua"

output "xlsx" { path = "partner-workbook-zh.xlsx" }
