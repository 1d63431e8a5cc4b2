# plugin.mk: the sqlite input plugin: libsqlite3 and the SQL result sink shared with the postgres plugin.
sqlite_SRCS := plugins/common/sql_sink.c plugins/common/name_set.c
sqlite_LIBS := $(shell pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)
