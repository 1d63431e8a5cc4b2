# plugin.mk: link flags of the readstat input plugin (SPSS, Stata and SAS files through libreadstat).
readstat_LIBS := $(READSTAT_LIBS) -lz $(shell pkg-config --libs minizip 2>/dev/null || echo -lminizip)
readstat_SRCS := plugins/common/zip_member.c # a .zip holding one SPSS/Stata/SAS file
