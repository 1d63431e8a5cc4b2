* make_sav.sps: builds survey.sav (labels, user-missing codes) from survey.csv for the PSPP oracle tests.
GET DATA /TYPE=TXT /FILE='survey.csv' /ARRANGEMENT=DELIMITED /DELIMITERS=',' /FIRSTCASE=2
  /VARIABLES= id F4.0 region F2.0 gender F2.0 satis F2.0 age F3.0 w F4.2.
VARIABLE LABELS region 'Region of the city' /gender 'Gender' /satis 'Satisfaction with the partnership'
  /age 'Age in years'.
VALUE LABELS region 1 'North' 2 'South' 3 'East' 4 'West' 9 'No answer'
  /gender 1 'Female' 2 'Male'
  /satis 1 'Very dissatisfied' 2 'Dissatisfied' 3 'Neutral' 4 'Satisfied' 5 'Very satisfied' 8 'Do not know'.
MISSING VALUES region (9) /satis (8).
SAVE OUTFILE='survey.sav'.
