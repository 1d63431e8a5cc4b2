/* messages.c: the message catalogue (English key, German, Simplified Chinese) and the lookup tally_tr. */
#include "messages.h"

#include <stdatomic.h>
#include <string.h>

const char *const tally_languages[] = {"en", "de", "zh", NULL};

/* Kept in the order of the report a reader sees: table furniture, bases, notes, outputs. A text
 * with printf conversions keeps them, in order, in every language. */
static const tally_message catalogue[] = {
    /* column heads and rows */
    {.en = "Count", .de = "Anzahl", .zh = "频数"},
    {.en = "Percent", .de = "Prozent", .zh = "百分比"},
    {.en = "Valid percent", .de = "Gültige Prozent", .zh = "有效百分比"},
    {.en = "Cumulative percent", .de = "Kumulierte Prozent", .zh = "累计百分比"},
    {.en = "Total", .de = "Gesamt", .zh = "合计"},
    {.en = "Valid total", .de = "Gültig gesamt", .zh = "有效合计"},
    {.en = "Missing", .de = "Fehlend", .zh = "缺失"},
    {.en = "Valid", .de = "Gültig", .zh = "有效"},
    {.en = "System missing", .de = "System-fehlend", .zh = "系统缺失"},
    {.en = "Percent of responses", .de = "Prozent der Antworten", .zh = "占回答的百分比"},
    {.en = "Percent of cases", .de = "Prozent der Fälle", .zh = "占个案的百分比"},
    {.en = "Responses", .de = "Antworten", .zh = "回答数"},
    {.en = "Cases", .de = "Fälle", .zh = "个案数"},
    {.en = "Mean", .de = "Mittelwert", .zh = "均值"},
    {.en = "Std. deviation", .de = "Standardabweichung", .zh = "标准差"},
    {.en = "Minimum", .de = "Minimum", .zh = "最小值"},
    {.en = "Maximum", .de = "Maximum", .zh = "最大值"},
    {.en = "Median", .de = "Median", .zh = "中位数"},
    {.en = "25th percentile", .de = "25. Perzentil", .zh = "第 25 百分位数"},
    {.en = "75th percentile", .de = "75. Perzentil", .zh = "第 75 百分位数"},
    {.en = "Unweighted N", .de = "Ungewichtetes N", .zh = "未加权 N"},
    {.en = "Unweighted base", .de = "Ungewichtete Basis", .zh = "未加权基数"},
    {.en = "Column %", .de = "Spalten-%", .zh = "列 %"},
    {.en = "Row %", .de = "Zeilen-%", .zh = "行 %"},
    {.en = "Total %", .de = "Gesamt-%", .zh = "总 %"},
    {.en = "Descriptive statistics", .de = "Deskriptive Statistik", .zh = "描述统计"},
    {.en = "Top %d box", .de = "Top-%d-Box", .zh = "最高 %d 项"},
    {.en = "Bottom %d box", .de = "Bottom-%d-Box", .zh = "最低 %d 项"},
    {.en = "Net", .de = "Netto", .zh = "净值"},
    {.en = "Period", .de = "Zeitraum", .zh = "时期"},
    {.en = "Rank", .de = "Rang", .zh = "排名"},
    {.en = "Mean rank", .de = "Mittlerer Rang", .zh = "平均排名"},
    {.en = "Ranked first", .de = "Auf Rang 1", .zh = "排名第一"},
    {.en = "In top %d", .de = "Unter den ersten %d", .zh = "排名前 %d"},
    {.en = "Ranked %d", .de = "Rang %d", .zh = "排名第 %d"},
    {.en = "Not ranked", .de = "Nicht eingestuft", .zh = "未排名"},
    {.en = "Other", .de = "Andere", .zh = "其他"},
    {.en = "sig.", .de = "Sig.", .zh = "显著性"},
    {.en = "Variable", .de = "Variable", .zh = "变量"},
    {.en = "Label", .de = "Beschriftung", .zh = "标签"},
    {.en = "weighted", .de = "gewichtet", .zh = "加权"},
    {.en = "unweighted", .de = "ungewichtet", .zh = "未加权"},
    /* punctuation: Chinese uses full-width marks after Chinese text */
    {.en = ": ", .de = ": ", .zh = "："},
    {.en = ":", .de = ":", .zh = "："},
    {.en = ", ", .de = ", ", .zh = "，"},
    /* bases */
    {.en = "Base", .de = "Basis", .zh = "基数"},
    {.en = "more than one answer possible", .de = "Mehrfachnennungen möglich", .zh = "可多选"},
    {.en = "each respondent ranks the items", .de = "jede befragte Person ordnet die Items", .zh = "每位受访者对各项排序"},
    {.en = "%s to %s", .de = "%s bis %s", .zh = "%s 至 %s"},
    /* notes */
    {.en = "Percent of cases: base is all cases.", .de = "Prozent der Fälle: Basis sind alle Fälle.",
     .zh = "占个案的百分比：基数为全部个案。"},
    {.en = "Percent of cases: base is the cases with at least one answer.",
     .de = "Prozent der Fälle: Basis sind die Fälle mit mindestens einer Antwort.",
     .zh = "占个案的百分比：基数为至少有一个回答的个案。"},
    {.en = "Percent of valid answers per item; answers outside the scale and missing values are left out. "
           "Net = top box - bottom box.",
     .de = "Prozent der gültigen Antworten je Item; Antworten außerhalb der Skala und fehlende Werte bleiben "
           "unberücksichtigt. Netto = Top-Box - Bottom-Box.",
     .zh = "各项目有效回答的百分比；量表以外的回答和缺失值不计入。净值 = 最高项 - 最低项。"},
    {.en = "Percent of all cases; answers outside the scale and missing values in their own column. "
           "Mean of the valid answers. Net = top box - bottom box.",
     .de = "Prozent aller Fälle; Antworten außerhalb der Skala und fehlende Werte in eigener Spalte. "
           "Mittelwert der gültigen Antworten. Netto = Top-Box - Bottom-Box.",
     .zh = "占全部个案的百分比；量表以外的回答和缺失值单独列出。均值基于有效回答。净值 = 最高项 - 最低项。"},
    {.en = "Standard deviation with n - 1 (weighted: sum of weights - 1). "
           "Percentiles: weighted average at (N + 1)p (HAVERAGE, as SPSS and PSPP EXAMINE).",
     .de = "Standardabweichung mit n - 1 (gewichtet: Summe der Gewichte - 1). "
           "Perzentile: gewichteter Durchschnitt bei (N + 1)p (HAVERAGE, wie SPSS und PSPP EXAMINE).",
     .zh = "标准差按 n - 1 计算（加权时为权重之和 - 1）。百分位数：(N + 1)p 处的加权平均（HAVERAGE，与 SPSS 和 PSPP "
           "EXAMINE 相同）。"},
    {.en = "Column proportions compared with a two-sided z-test: a letter marks a column whose proportion is "
           "significantly higher than that of the lettered column (upper case p < 0.05, lower case p < 0.10).",
     .de = "Spaltenanteile mit zweiseitigem z-Test verglichen: Ein Buchstabe kennzeichnet eine Spalte, deren Anteil "
           "signifikant höher ist als der der so bezeichneten Spalte (Großbuchstabe p < 0,05, Kleinbuchstabe p < 0,10).",
     .zh = "列比例采用双侧 z 检验比较：字母标记的列，其比例显著高于该字母所代表的列（大写 p < 0.05，小写 p < 0.10）。"},
    {.en = "Columns not tested: base below %s.", .de = "Nicht getestete Spalten: Basis unter %s.",
     .zh = "未检验的列：基数低于 %s。"},
    {.en = "Pearson chi-square = %s, df = %d, %s; Cramér's V = %s.",
     .de = "Pearson-Chi-Quadrat = %s, df = %d, %s; Cramérs V = %s.",
     .zh = "Pearson 卡方 = %s，自由度 = %d，%s；Cramér V = %s。"},
    {.en = "Mean rank: 1 is the first place; a lower mean rank is a higher place.",
     .de = "Mittlerer Rang: 1 ist der erste Platz; ein kleinerer mittlerer Rang ist ein besserer Platz.",
     .zh = "平均排名：1 为第一位；平均排名越小，位置越靠前。"},
    {.en = "Percent of the cases that ranked at least one item.",
     .de = "Prozent der Fälle, die mindestens ein Item eingestuft haben.",
     .zh = "占至少对一项排序的个案的百分比。"},
    {.en = "Free-text variables not tabulated", .de = "Nicht tabellierte Freitextvariablen", .zh = "未制表的自由文本变量"},
    {.en = "Date variables not tabulated", .de = "Nicht tabellierte Datumsvariablen", .zh = "未制表的日期变量"},
    {.en = "Identifiers not tabulated", .de = "Nicht tabellierte Kennungen", .zh = "未制表的标识变量"},
    {.en = "Metadata fields not tabulated", .de = "Nicht tabellierte Metadatenfelder", .zh = "未制表的元数据字段"},
    {.en = "Variables not tabulated", .de = "Nicht tabellierte Variablen", .zh = "未制表的变量"},
    /* text values of the data steps */
    {.en = "No duplicate rows by %s.", .de = "Keine doppelten Zeilen nach %s.", .zh = "按 %s 没有重复行。"},
    {.en = "%d duplicate rows dropped (key %s, kept the first): %s.",
     .de = "%d doppelte Zeilen entfernt (Schlüssel %s, die erste behalten): %s.",
     .zh = "删除了 %d 行重复数据（键 %s，保留第一行）：%s。"},
    {.en = "%d duplicate rows dropped (key %s, kept the last): %s.",
     .de = "%d doppelte Zeilen entfernt (Schlüssel %s, die letzte behalten): %s.",
     .zh = "删除了 %d 行重复数据（键 %s，保留最后一行）：%s。"},
    {.en = "%d duplicate row dropped (key %s, kept the first): %s.",
     .de = "%d doppelte Zeile entfernt (Schlüssel %s, die erste behalten): %s.",
     .zh = "删除了 %d 行重复数据（键 %s，保留第一行）：%s。"},
    {.en = "%d duplicate row dropped (key %s, kept the last): %s.",
     .de = "%d doppelte Zeile entfernt (Schlüssel %s, die letzte behalten): %s.",
     .zh = "删除了 %d 行重复数据（键 %s，保留最后一行）：%s。"},
    {.en = "%s (%d rows)", .de = "%s (%d Zeilen)", .zh = "%s（%d 行）"},
    {.en = "All %d rows found a match in %s.", .de = "Alle %d Zeilen haben eine Entsprechung in %s.",
     .zh = "全部 %d 行在 %s 中找到匹配。"},
    {.en = "%d of %d rows found no match in %s by %s.", .de = "%d von %d Zeilen ohne Entsprechung in %s nach %s.",
     .zh = "%d 行（共 %d 行）在 %s 中按 %s 未找到匹配。"},
    /* report furniture: contents, links, page */
    {.en = "Report", .de = "Bericht", .zh = "报告"},
    {.en = "Contents", .de = "Inhalt", .zh = "目录"},
    {.en = "Tables", .de = "Tabellen", .zh = "表格"},
    {.en = "Table", .de = "Tabelle", .zh = "表"},
    {.en = "Data", .de = "Daten", .zh = "数据"},
    {.en = "Title", .de = "Titel", .zh = "标题"},
    {.en = "Subtitle", .de = "Untertitel", .zh = "副标题"},
    {.en = "Author", .de = "Autor", .zh = "作者"},
    {.en = "Date", .de = "Datum", .zh = "日期"},
    {.en = "Data source", .de = "Datenquelle", .zh = "数据来源"},
    {.en = "Back to contents", .de = "Zurück zum Inhalt", .zh = "返回目录"},
    {.en = "This table has no columns.", .de = "Diese Tabelle hat keine Spalten.", .zh = "此表没有列。"},
    {.en = "%lds", .de = "%lder", .zh = "%ld年代"}, /* a decade: 1980s, 1980er */
    /* dates */
    {.en = "The standard deviation of a date is given in days.", .de = "Die Standardabweichung eines Datums ist in Tagen angegeben.",
     .zh = "日期的标准差以天为单位。"},
    /* banner tables */
    {.en = "Effective base", .de = "Effektive Basis", .zh = "有效基数"},
    {.en = "Respondents who answered", .de = "Befragte mit Antwort", .zh = "作答的受访者"},
    {.en = "Pearson chi-square", .de = "Chi-Quadrat nach Pearson", .zh = "皮尔逊卡方"},
    {.en = "cells", .de = "Zellen", .zh = "个单元格"},
    {.en = "have expected count less than 5", .de = "haben eine erwartete Häufigkeit kleiner 5", .zh = "的期望频数小于 5"},
    {.en = "The minimum expected count is", .de = "Die minimale erwartete Häufigkeit ist", .zh = "最小期望频数为"},
    {.en = "Letters mark a column significantly higher than the lettered column of the same banner variable: "
           "proportions by z-test, means by t-test",
     .de = "Buchstaben kennzeichnen eine Spalte, die signifikant höher liegt als die so bezeichnete Spalte derselben "
           "Bannervariable: Anteile per z-Test, Mittelwerte per t-Test",
     .zh = "字母表示该列显著高于同一表头变量中以该字母标记的列：比例用 z 检验，均值用 t 检验"},
    {.en = "Letters mark a column significantly higher than the lettered column of the same banner variable: "
           "proportions by z-test",
     .de = "Buchstaben kennzeichnen eine Spalte, die signifikant höher liegt als die so bezeichnete Spalte derselben "
           "Bannervariable: Anteile per z-Test",
     .zh = "字母表示该列显著高于同一表头变量中以该字母标记的列：比例用 z 检验"},
    {.en = "Letters mark a column significantly higher than the lettered column of the same banner variable: "
           "means by t-test",
     .de = "Buchstaben kennzeichnen eine Spalte, die signifikant höher liegt als die so bezeichnete Spalte derselben "
           "Bannervariable: Mittelwerte per t-Test",
     .zh = "字母表示该列显著高于同一表头变量中以该字母标记的列：均值用 t 检验"},
    /* contents lists (workbook sheet, HTML): a table without a title, a title shown twice */
    {.en = "Table %zu", .de = "Tabelle %zu", .zh = "表 %zu"},
    {.en = "%s (by %s)", .de = "%s (nach %s)", .zh = "%s（按%s）"},
    {.en = "%s (table %zu)", .de = "%s (Tabelle %zu)", .zh = "%s（表 %zu）"},
    {.en = "upper case", .de = "Großbuchstaben", .zh = "大写字母"},
    {.en = "lower case", .de = "Kleinbuchstaben", .zh = "小写字母"},
    {.en = "; means test without equal variances (Welch)", .de = "; Mittelwerttest ohne gleiche Varianzen (Welch)",
     .zh = "；均值检验不假定方差相等（Welch）"},
    {.en = "; p adjusted for the pairs compared (Bonferroni)", .de = "; p für die verglichenen Paare angepasst (Bonferroni)",
     .zh = "；p 值按比较的对数调整（Bonferroni）"},
    {.en = "Tests use the effective base of each column (Kish: (sum of weights)^2 / sum of squared weights).",
     .de = "Die Tests verwenden die effektive Basis jeder Spalte (Kish: (Summe der Gewichte)^2 / Summe der quadrierten Gewichte).",
     .zh = "检验使用每列的有效基数（Kish：权重和的平方 / 权重平方和）。"},
    {.en = "marked ^", .de = "markiert mit ^", .zh = "以 ^ 标记"},
    {.en = "Cells at 0% or 100% are not tested.", .de = "Zellen mit 0 % oder 100 % werden nicht getestet.",
     .zh = "0% 或 100% 的单元格不做检验。"},
    {.en = "Columns not tested: base below", .de = "Nicht getestete Spalten: Basis unter", .zh = "未检验的列：基数低于"},
    {.en = "unweighted base below", .de = "ungewichtete Basis unter", .zh = "未加权基数低于"},
    {.en = "Multiple-response sets: percents of the column's respondents who answered the set; more than one answer possible.",
     .de = "Mehrfachantworten: Prozent der Befragten der Spalte, die die Frage beantwortet haben; Mehrfachnennungen möglich.",
     .zh = "多选题：占该列作答受访者的百分比；可多选。"},
    /* weighting, margins of error and waves */
    {.en = "; on the effective base (Kish) of the weighted cases", .de = "; auf der effektiven Basis (Kish) der gewichteten Fälle", .zh = "；基于加权个案的有效基数（Kish）"},
    {.en = "Weighting", .de = "Gewichtung", .zh = "加权"},
    {.en = "Unweighted %", .de = "Ungewichtet %", .zh = "未加权 %"},
    {.en = "Target %", .de = "Soll %", .zh = "目标 %"},
    {.en = "Weighted %", .de = "Gewichtet %", .zh = "加权 %"},
    {.en = "Rim weighting (raking), iterations", .de = "Randgewichtung (Raking), Iterationen", .zh = "边际加权（raking），迭代次数"},
    {.en = "Largest gap to a target", .de = "Größte Abweichung von einem Sollwert", .zh = "与目标的最大差距"},
    {.en = "percentage points", .de = "Prozentpunkte", .zh = "个百分点"},
    {.en = "Cases left out of the weighting (their weight is missing)", .de = "Nicht gewichtete Fälle (ihr Gewicht fehlt)", .zh = "未参与加权的个案（其权重缺失）"},
    {.en = "The weighting did not converge: the weighted shares miss their targets.", .de = "Die Gewichtung ist nicht konvergiert: Die gewichteten Anteile verfehlen ihre Sollwerte.", .zh = "加权未收敛：加权后的比例未达到目标。"},
    {.en = "Weighting summary", .de = "Gewichtung im Überblick", .zh = "加权概览"},
    {.en = "Largest margin of error", .de = "Größte Fehlermarge", .zh = "最大误差范围"},
    {.en = "Largest margin of error (95%% confidence): ±%s percentage points, for a percentage of 50%% on the "
           "smallest base of this report's percentages (%s).",
     .de = "Größte Fehlermarge (95 %% Konfidenz): ±%s Prozentpunkte, für einen Anteil von 50 %% auf der kleinsten "
           "Basis der Prozentwerte dieses Berichts (%s).",
     .zh = "最大误差范围（95%% 置信度）：±%s 个百分点，按本报告百分比的最小基数上 50%% 的比例计算（%s）。"},
    {.en = "N = %s unweighted, effective base %s", .de = "N = %s ungewichtet, effektive Basis %s",
     .zh = "N = %s 未加权，有效基数 %s"},
    {.en = "Largest margin of error (95%% confidence): ±%s percentage points, for a percentage of 50%% on the "
           "smallest base of this report's percentages without a low-base mark (%s).",
     .de = "Größte Fehlermarge (95 %% Konfidenz): ±%s Prozentpunkte, für einen Anteil von 50 %% auf der kleinsten "
           "Basis der Prozentwerte dieses Berichts ohne Markierung kleiner Basis (%s).",
     .zh = "最大误差范围（95%% 置信度）：±%s 个百分点，按本报告百分比中未标记小基数的最小基数上 50%% 的比例计算（%s）。"},
    {.en = "Largest margin of error (95%% confidence): ±%s percentage points, for a percentage of 50%% on the "
           "smallest base of this report's columns marked * (base below %s; %s). Every column of this report carries a "
           "low-base mark.",
     .de = "Größte Fehlermarge (95 %% Konfidenz): ±%s Prozentpunkte, für einen Anteil von 50 %% auf der kleinsten "
           "Basis der mit * markierten Spalten dieses Berichts (Basis unter %s; %s). Jede Spalte dieses Berichts trägt "
           "eine Markierung kleiner Basis.",
     .zh = "最大误差范围（95%% 置信度）：±%s 个百分点，按本报告标记 * 的列（基数低于 %s）中最小基数上 50%% 的比例计算（%s）。"
           "本报告的每一列都带有小基数标记。"},
    {.en = "Largest margin of error (95%% confidence): ±%s percentage points, for a percentage of 50%% on the "
           "smallest base of this report's columns, all marked ** (base below %s; %s): on so few cases a margin of "
           "error says little.",
     .de = "Größte Fehlermarge (95 %% Konfidenz): ±%s Prozentpunkte, für einen Anteil von 50 %% auf der kleinsten "
           "Basis der Spalten dieses Berichts, alle mit ** markiert (Basis unter %s; %s): Bei so wenigen Fällen sagt "
           "eine Fehlermarge wenig aus.",
     .zh = "最大误差范围（95%% 置信度）：±%s 个百分点，按本报告各列（均标记 **，基数低于 %s）中最小基数上 50%% 的比例计算"
           "（%s）：个案如此之少，误差范围意义不大。"},
    {.en = "Columns marked * (base below %s) have wider margins, up to ±%s percentage points (%s).",
     .de = "Mit * markierte Spalten (Basis unter %s) haben größere Fehlermargen, bis ±%s Prozentpunkte (%s).",
     .zh = "标记 * 的列（基数低于 %s）误差范围更大，最高 ±%s 个百分点（%s）。"},
    {.en = "Columns marked ** (base below %s) are left out of these figures: on so few cases a margin of error says "
           "little.",
     .de = "Mit ** markierte Spalten (Basis unter %s) sind hier nicht berücksichtigt: Bei so wenigen Fällen sagt eine "
           "Fehlermarge wenig aus.",
     .zh = "标记 ** 的列（基数低于 %s）未计入上述数字：个案如此之少，误差范围意义不大。"},
    {.en = "Cases weighted", .de = "Gewichtete Fälle", .zh = "加权个案数"},
    {.en = "Iterations", .de = "Iterationen", .zh = "迭代次数"},
    {.en = "Weights trimmed", .de = "Gekappte Gewichte", .zh = "截断的权重"},
    {.en = "Minimum weight", .de = "Kleinstes Gewicht", .zh = "最小权重"},
    {.en = "Maximum weight", .de = "Größtes Gewicht", .zh = "最大权重"},
    {.en = "Mean weight", .de = "Mittleres Gewicht", .zh = "平均权重"},
    {.en = "Design effect (Kish)", .de = "Designeffekt (Kish)", .zh = "设计效应（Kish）"},
    {.en = "Weighting efficiency", .de = "Gewichtungseffizienz", .zh = "加权效率"},
    {.en = "Rim weight", .de = "Randgewicht", .zh = "边际权重"},
    {.en = "Poststratification weight", .de = "Poststratifikationsgewicht", .zh = "事后分层权重"},
    {.en = "Poststratification (cell weighting), iterations", .de = "Poststratifikation (Zellgewichtung), Iterationen", .zh = "事后分层（单元加权），迭代次数"},
    {.en = "CI low", .de = "KI unten", .zh = "置信区间下限"},
    {.en = "Confidence intervals", .de = "Konfidenzintervalle", .zh = "置信区间"},
    {.en = "column percents by Wilson, means by t, on each column's effective base",
     .de = "Spaltenprozente nach Wilson, Mittelwerte per t, auf der effektiven Basis jeder Spalte",
     .zh = "列百分比采用 Wilson 法，均值采用 t 法，基于各列的有效基数"},
    {.en = "CI high", .de = "KI oben", .zh = "置信区间上限"},
    {.en = "Confidence interval of the valid percent (Wilson)", .de = "Konfidenzintervall des gültigen Prozentwerts (Wilson)", .zh = "有效百分比的置信区间（Wilson）"},
    {.en = "effective base (Kish)", .de = "effektive Basis (Kish)", .zh = "有效基数（Kish）"},
    {.en = "base", .de = "Basis", .zh = "基数"},
    {.en = "Margins of error", .de = "Fehlermargen", .zh = "误差范围"},
    {.en = "Estimate", .de = "Schätzwert", .zh = "估计值"},
    {.en = "Margin of error", .de = "Fehlermarge", .zh = "误差范围（单项）"},
    {.en = "Proportions in percent: Wilson score intervals; means: t intervals", .de = "Anteile in Prozent: Wilson-Intervalle; Mittelwerte: t-Intervalle", .zh = "百分比：Wilson 区间；均值：t 区间"},
    {.en = "on the effective base (Kish) of the weighted cases", .de = "auf der effektiven Basis (Kish) der gewichteten Fälle", .zh = "基于加权个案的有效基数（Kish）"},
    {.en = "Largest margin of error of a percentage (points)", .de = "Größte Fehlermarge eines Prozentwerts (Punkte)", .zh = "百分比的最大误差范围（百分点）"},
    {.en = "Confidence interval of the mean (t)", .de = "Konfidenzintervall des Mittelwerts (t)", .zh = "均值的置信区间（t）"},
    {.en = "Wave", .de = "Welle", .zh = "波次"},
    {.en = "Waves", .de = "Wellen", .zh = "波次（全部）"},
    {.en = "Change between waves", .de = "Veränderung zwischen den Wellen", .zh = "波次之间的变化"},
    {.en = "Change", .de = "Veränderung", .zh = "变化"},
    {.en = "Change (points)", .de = "Veränderung (Punkte)", .zh = "变化（百分点）"},
    {.en = "vs", .de = "ggü.", .zh = "对比"},
    {.en = "Welch t test of two means; p two-sided", .de = "Welch-t-Test zweier Mittelwerte; p zweiseitig", .zh = "两均值的 Welch t 检验；p 为双侧"},
    {.en = "z test of two proportions (pooled); p two-sided", .de = "z-Test zweier Anteile (gepoolt); p zweiseitig", .zh = "两比例的 z 检验（合并）；p 为双侧"},
    {.en = "; on effective bases (Kish)", .de = "; auf effektiven Basen (Kish)", .zh = "；基于有效基数（Kish）"},
};

size_t tally_messages_count(void) { return sizeof catalogue / sizeof catalogue[0]; }

const tally_message *tally_message_at(size_t i) { return i < tally_messages_count() ? &catalogue[i] : NULL; }

int tally_language_known(const char *language)
{
    for (size_t i = 0; language && tally_languages[i]; i++)
        if (strcmp(tally_languages[i], language) == 0) return 1;
    return 0;
}

const char *tally_message_text(const tally_message *m, const char *language)
{
    if (!m || !language) return NULL;
    if (strcmp(language, "en") == 0) return m->en;
    if (strcmp(language, "de") == 0) return m->de;
    if (strcmp(language, "zh") == 0) return m->zh;
    return NULL;
}

static atomic_size_t missed;

size_t tally_messages_missed(void) { return atomic_load(&missed); }

const char *tally_tr(const char *language, const char *english)
{
    if (!english) return "";
    for (size_t i = 0; i < tally_messages_count(); i++) {
        if (strcmp(catalogue[i].en, english) != 0) continue;
        const char *t = tally_message_text(&catalogue[i], language ? language : "en");
        return t ? t : english;
    }
    atomic_fetch_add(&missed, 1);
    return english;
}
