# plugins/output/html/plugin.mk: the html output renders the template's Markdown through cmark-gfm.
html_SRCS := plugins/common/template.c plugins/common/template_render.c plugins/common/md_render.c plugins/common/utf8_text.c plugins/common/table_label.c
html_LIBS := $(CMARK_LIBS)
