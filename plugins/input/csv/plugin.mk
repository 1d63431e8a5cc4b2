csv_LIBS := -lpthread -lz $(shell pkg-config --libs minizip expat 2>/dev/null || echo -lminizip -lexpat)
# option readers; the XLSForm of a KoboToolbox/ODK export (option `form`), read through the excel plugin's reader
csv_SRCS := plugins/common/input_options.c plugins/common/name_set.c plugins/common/xlsform_read.c plugins/common/xlsform_apply.c \
            plugins/input/excel/zip.c plugins/input/excel/book.c plugins/input/excel/sheet.c plugins/input/excel/sheet_split.c \
            plugins/common/zip_member.c # a .zip holding one data file
