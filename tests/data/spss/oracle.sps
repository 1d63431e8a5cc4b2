* oracle.sps: what PSPP itself reads from survey.sav (run with -O format=csv); the tests compare tally with it.
GET FILE='survey.sav'.
DISPLAY DICTIONARY.
MRSETS /DISPLAY NAME=ALL.
LIST.
