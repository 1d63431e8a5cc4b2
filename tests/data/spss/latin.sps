* latin.sps: a .sav whose dictionary and strings are Windows-1252 (writes latin.sav).
SET LOCALE='windows-1252'.
DATA LIST LIST /city (A10) q (F1.0) r (F1.0).
BEGIN DATA
"Köln" 1 0
"Düsseldorf" 2 1
END DATA.
VARIABLE LABELS city 'Stadt (Größe)'.
VALUE LABELS q 1 'groß' 2 'Straße'.
MRSETS /MCGROUP NAME=$größe LABEL='Größe der Stadt' VARIABLES=q r.
SAVE OUTFILE='latin.sav'.
