* survey.sps: a small labelled survey for the readstat tests; writes survey.sav, survey.zsav and survey.por.
* Run it in the folder that should receive the files: pspp survey.sps.
DATA LIST LIST /id (F4.0) q1 (F2.0) income (F8.2) city (A12) born (DATE11) mr_a (F1.0) mr_b (F1.0) mr_c (F1.0) c1 (F2.0) c2 (F2.0) wt (F4.1).
BEGIN DATA
1 1 1500.50 "Köln" 01-JAN-1990 1 0 1 1 3 1.5
2 2 2300.00 "Berlin" 15-MAR-1985 0 1 0 2 . 1
3 9 . "München" 31-DEC-1999 1 1 1 3 1 0.5
4 98 -1.25 "" 29-FEB-2000 0 0 0 97 2 1
5 4 1e6 "Xi'an" . 1 . 0 . . 2
END DATA.
VARIABLE LABELS q1 'How important is culture?' /income 'Monthly income (EUR)' /city 'Partner city' /born 'Date of birth' /wt 'Design weight'.
VALUE LABELS q1 1 'very important' 2 'important' 3 'not important' 9 'don''t know' 98 'refused'
  /city 'Köln' 'Cologne' 'Berlin' 'Capital'
  /mr_a mr_b mr_c 1 'mentioned' 0 'not mentioned'.
MISSING VALUES q1 (9, 95 THRU 99).
MISSING VALUES income (LO THRU -1).
MISSING VALUES city ('').
MISSING VALUES c1 c2 (97).
VARIABLE LEVEL q1 (ORDINAL) /income wt (SCALE) /city mr_a mr_b mr_c c1 c2 (NOMINAL).
MRSETS /MDGROUP NAME=$media LABEL='Media used' VARIABLES=mr_a mr_b mr_c VALUE=1
       /MCGROUP NAME=$cities LABEL='Cities visited' VARIABLES=c1 c2.
WEIGHT BY wt.
SAVE OUTFILE='survey.sav'.
SAVE OUTFILE='survey.zsav' /ZCOMPRESSED.
EXPORT OUTFILE='survey.por'.
