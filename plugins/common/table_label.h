/* table_label.h: the line a contents list (workbook sheet, HTML list) shows for a table. */
#ifndef TALLY_TABLE_LABEL_H
#define TALLY_TABLE_LABEL_H

#include "tally/plugin.h"

/* The contents line of the report's table i (a new string the caller frees; NULL when out of
 * memory): its title, else its question, else "Table 7" in the report's language, never the
 * internal id. A title an earlier table already has is told apart by the banner variables a tab
 * book crosses it with ("... (by City size class; Vitality of the partnership)"), else by the
 * table's number. */
char *table_label_new(const tally_host *h, const tally_report *rep, size_t i);

#endif
