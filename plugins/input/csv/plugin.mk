csv_LIBS := -lpthread -lz
