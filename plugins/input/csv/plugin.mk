csv_LIBS := -lpthread
