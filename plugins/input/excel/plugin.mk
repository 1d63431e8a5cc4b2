# plugin.mk: link flags of the excel input plugin (.xlsx workbooks) (minizip for the archive, expat for the XML).
excel_LIBS := $(shell pkg-config --libs minizip expat 2>/dev/null || echo -lminizip -lexpat)
excel_SRCS := plugins/common/input_options.c plugins/common/name_set.c plugins/common/xlsform_read.c plugins/common/xlsform_apply.c \
              plugins/common/zip_member.c # option readers, the XLSForm and the bounded zip stream, shared with csv
test_excel_LIBS := $(XLSX_LIBS) # tests/unit/test_excel.c writes its workbooks with libxlsxwriter
# fuzz/fuzz_excel_sheet.c (mk/hardening.mk): the sheet parser and dataset builder, without the descriptor.
FUZZ_excel_sheet_OBJS = $(filter-out %/plugin.o %/xlsform_read.o %/xlsform_apply.o,$(excel_OBJS))
FUZZ_excel_sheet_LIBS := $(excel_LIBS)
# tests/unit/test_xlsform.c: the XLSForm module's date and label-language readers, with the reader it reads forms through.
test_xlsform_OBJS = $(call plugin_src_objs,plugins/common/xlsform_apply.c plugins/common/xlsform_read.c \
                    plugins/input/excel/zip.c plugins/input/excel/book.c plugins/input/excel/sheet.c \
                    plugins/input/excel/sheet_split.c \
                    plugins/common/zip_member.c)
test_xlsform_LIBS := $(excel_LIBS)
# tests/unit/test_excel_split.c: the sheet parsed in pieces against one parser, on sheets made there and libxlsxwriter's.
test_excel_split_OBJS = $(call plugin_src_objs,plugins/input/excel/zip.c plugins/input/excel/book.c \
                        plugins/input/excel/sheet.c plugins/input/excel/sheet_split.c plugins/common/zip_member.c)
test_excel_split_LIBS := $(excel_LIBS) $(XLSX_LIBS) -lpthread
