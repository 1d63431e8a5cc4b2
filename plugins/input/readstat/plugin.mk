# plugin.mk: link flags of the readstat input plugin (SPSS, Stata and SAS files through libreadstat).
readstat_LIBS := $(READSTAT_LIBS) -lz
