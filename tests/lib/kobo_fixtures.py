# kobo_fixtures.py: writes a small KoboToolbox/ODK fixture set into a folder: the XLSForm (survey and
# choices sheets, two label languages, a group, a note, select_one, select_multiple) and its data export as
# CSV and XLSX, each with select_multiple as one column of space-separated names or also as q/option 0/1
# columns (KoboToolbox's "separate columns" export). Layouts after the XLSForm standard (xlsform.org) and
# KoboToolbox's export settings (group names included, "/" as separator); the answers are made up here.
import csv, sys, openpyxl

out = sys.argv[1]
EN, DE = "label::English (en)", "label::Deutsch (de)"
survey = [
    ["type", "name", EN, DE, "required"],
    ["start", "start", None, None, None],
    ["end", "end", None, None, None],
    ["today", "today", None, None, None],
    ["deviceid", "deviceid", None, None, None],
    ["note", "intro", "Thank you for taking part.", "Danke, dass Sie teilnehmen.", None],
    ["begin_group", "city", "Your city", "Ihre Stadt", None],
    ["select_one yesno", "coop", "Does your city cooperate with Chinese partners?",
     "Kooperiert Ihre Stadt mit chinesischen Partnern?", "yes"],
    ["integer", "staff", "Staff working on it", "Mitarbeitende dafür", None],
    ["end_group", None, None, None, None],
    ["select_multiple areas", "areas", "Areas of cooperation", "Bereiche der Zusammenarbeit", None],
    ["select_one rating", "rating", "How do you rate it?", "Wie bewerten Sie sie?", None],
    ["text", "comment", "Comments", "Anmerkungen", None],
]
choices = [
    ["list_name", "name", EN, DE],
    ["yesno", "yes", "Yes", "Ja"], ["yesno", "no", "No", "Nein"],
    ["areas", "economy", "Economy", "Wirtschaft"], ["areas", "culture", "Culture", "Kultur"],
    ["areas", "education", "Education", "Bildung"],
    ["rating", 1, "Poor", "Schlecht"], ["rating", 2, "Fair", "Mittel"], ["rating", 3, "Good", "Gut"],
]

def workbook(sheets, path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)

workbook([("survey", survey), ("choices", choices), ("settings", [["form_title", "default_language"],
                                                                   ["City cooperation", "English (en)"]])],
         out + "/form.xlsx")

# coop, staff, areas (space-separated names; "" = not answered), rating, comment
answers = [
    ("yes", 3, "economy culture", 3, "Twinning since 1988"),
    ("yes", 1, "economy", 2, ""),
    ("no", 0, "", 1, ""),
    ("yes", 5, "culture education", 3, "School exchange"),
    ("no", 0, "", 2, ""),
    ("yes", 2, "economy culture education", 3, ""),
]
options = ["economy", "culture", "education"]

def rows(separate):
    head = ["start", "end", "today", "deviceid", "city/coop", "city/staff", "areas"]
    if separate:
        head += ["areas/" + o for o in options]
    head += ["rating", "comment", "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
             "_submitted_by", "__version__", "_tags", "_index"]
    yield head
    for i, (coop, staff, areas, rating, comment) in enumerate(answers):
        minute = 10 + i
        r = ["2024-05-06T09:%02d:44.120+02:00" % minute, "2024-05-06T09:%02d:02.457+02:00" % (minute + 3),
             "2024-05-06", "collect:Xk3Pq%d" % (i % 2), coop, staff, areas]
        if separate:
            r += [("" if not areas else int(o in areas.split())) for o in options]
        r += [rating, comment, 41000 + i, "6f1c2d3e-0000-4000-8000-00000000000%d" % i,
              "2024-05-06T07:%02d:30" % (minute + 5), "", "", "submitted_via_web", "", "vGh5kP2aQ", "", i + 1]
        yield r

for separate, name in ((False, "export_one_column"), (True, "export_separate")):
    data = list(rows(separate))
    with open(out + "/" + name + ".csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(data)
    workbook([(name[:31], [[None if v == "" else v for v in r] for r in data])], out + "/" + name + ".xlsx")
