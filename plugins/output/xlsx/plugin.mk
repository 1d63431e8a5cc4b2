# plugin.mk: link flags of the xlsx output plugin (libxlsxwriter).
xlsx_LIBS := $(XLSX_LIBS)
