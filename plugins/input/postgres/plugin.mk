# plugin.mk: the postgres input plugin: libpq (its header folder and its library).
postgres_SRCS := plugins/common/sql_sink.c plugins/common/name_set.c
postgres_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
postgres_LIBS := $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)
