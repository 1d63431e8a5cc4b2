# plugin.mk: link flags of the excel input plugin (.xlsx workbooks) (minizip for the archive, expat for the XML).
excel_LIBS := $(shell pkg-config --libs minizip expat 2>/dev/null || echo -lminizip -lexpat)
test_excel_LIBS := $(XLSX_LIBS) # tests/unit/test_excel.c writes its workbooks with libxlsxwriter
