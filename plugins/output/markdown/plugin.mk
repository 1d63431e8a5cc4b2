# plugins/output/markdown/plugin.mk: the markdown output shares the template engine and Markdown renderer.
markdown_SRCS := plugins/common/template.c plugins/common/template_render.c plugins/common/md_render.c plugins/common/utf8_text.c
