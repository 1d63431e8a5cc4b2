csv_LIBS := -lpthread -lz
csv_SRCS := plugins/common/input_options.c
