# plugin.mk: the postgres input plugin: libpq (its header folder rides along: the plugin rule compiles and links in one step).
postgres_SRCS := plugins/common/sql_sink.c
postgres_LIBS := $(shell pkg-config --cflags --libs libpq 2>/dev/null || echo -I/usr/include/postgresql -lpq)
