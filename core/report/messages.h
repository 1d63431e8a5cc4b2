/* messages.h: the message catalogue: every text tally writes into a report, in each report language. */
#ifndef TALLY_MESSAGES_H
#define TALLY_MESSAGES_H

#include <stddef.h>

/* One message: the English text is the key; a printf format where it has conversions, and then
 * every language has the same conversions in the same order (tests/unit/test_messages.c). */
typedef struct tally_message {
    const char *en, *de, *zh;
} tally_message;

/* The report languages, NULL-terminated: "en", "de", "zh". */
extern const char *const tally_languages[];
/* 1 if `language` is one of tally_languages. */
int tally_language_known(const char *language);

/* The catalogue, for tests and `tally describe`: entry i of tally_messages_count(). */
size_t tally_messages_count(void);
const tally_message *tally_message_at(size_t i);
/* The text of a message in one language; NULL if the catalogue lacks it. */
const char *tally_message_text(const tally_message *m, const char *language);

/* English UI text translated into `language` (NULL: English); borrowed, static. A text the catalogue
 * lacks comes back as given and is counted in tally_messages_missed() (the tests look there). */
const char *tally_tr(const char *language, const char *english);
size_t tally_messages_missed(void);

#endif
