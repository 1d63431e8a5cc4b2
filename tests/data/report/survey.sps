* survey.sps: a labelled survey for tests/e2e/report_cmd.sh (`tally report` on an SPSS file).
* Run it in the folder that should receive survey.sav: pspp survey.sps.
DATA LIST LIST /id (F4.0) region (F2.0) size (F1.0) satis (F2.0) budget (F8.2) founded (DATE11)
  city (A16) note (A30) ec (F1.0) cu (F1.0) sc (F1.0) p1 (F2.0) p2 (F2.0) wt (F4.2).
BEGIN DATA
1 1 1 4 1500.50 01-JAN-1990 "Köln" "good contacts" 1 0 1 1 2 1.00
2 2 2 5 2300.00 15-MAR-1985 "Berlin" "many visits" 0 1 0 2 . 1.00
3 3 3 9 . 31-DEC-1999 "München" "none so far" 1 1 1 3 1 0.50
4 4 1 2 9100.25 29-FEB-2000 "Hamburg" "a | b *c*" 0 0 0 97 2 1.50
5 1 2 3 44000.00 . "Köln" "=1+1" 1 . 1 1 . 2.00
6 2 3 1 120.00 01-JUN-2010 "Bonn" "short" 0 1 1 2 3 1.00
7 9 1 4 7700.70 12-AUG-2012 "Köln" "long note here" 1 1 0 1 1 1.00
8 3 2 5 350.00 03-MAR-2003 "Berlin" "ok" 0 0 1 3 2 0.75
END DATA.
VARIABLE LABELS region 'Region of the city' /size 'City size' /satis 'Satisfaction | *rating*'
  /budget 'Budget (EUR)' /founded 'Partnership founded' /city 'Partner city' /note 'Remarks'
  /ec 'Economy' /cu 'Culture' /sc 'Schools' /p1 'First partner' /p2 'Second partner' /wt 'Design weight'.
VALUE LABELS region 1 'North' 2 'South' 3 'East' 4 'West' 9 'No answer'
  /size 1 'small' 2 'medium' 3 'large'
  /satis 1 'very low' 2 'low' 3 'neutral' 4 'high' 5 'very high' 9 'don''t know'
  /city 'Köln' 'Cologne'
  /ec cu sc 1 'mentioned' 0 'not mentioned'
  /p1 p2 1 'China' 2 'Japan' 3 'Korea' 97 'refused'.
MISSING VALUES region satis (9) /p1 p2 (97).
VARIABLE LEVEL id budget wt (SCALE) /region size satis city ec cu sc p1 p2 (NOMINAL).
MRSETS /MDGROUP NAME=$areas LABEL='Areas of cooperation' VARIABLES=ec cu sc VALUE=1
       /MCGROUP NAME=$partners LABEL='Partner countries' VARIABLES=p1 p2.
WEIGHT BY wt.
SAVE OUTFILE='survey.sav'.
