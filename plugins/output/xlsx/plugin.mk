# plugin.mk: link flags of the xlsx output plugin (libxlsxwriter) and the contents line it shares with html.
xlsx_LIBS := $(XLSX_LIBS)
xlsx_SRCS := plugins/common/table_label.c
