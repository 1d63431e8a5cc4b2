/* messages.c: the message catalogue (English key, German, Simplified Chinese; texts in messages.def) and the lookup tally_tr. */
#include "messages.h"

#include <stdatomic.h>
#include <string.h>

const char *const tally_languages[] = {"en", "de", "zh", NULL};

/* The texts are in messages.def (translation data: one MSG(en, de, zh) a message). The macro's
 * parameters are not named en, de, zh: those names would replace the designators too. */
static const tally_message catalogue[] = {
#define MSG(english, german, chinese) {.en = english, .de = german, .zh = chinese},
#include "messages.def"
#undef MSG
};

size_t tally_messages_count(void) { return sizeof catalogue / sizeof catalogue[0]; }

const tally_message *tally_message_at(size_t i) { return i < tally_messages_count() ? &catalogue[i] : NULL; }

int tally_language_known(const char *language)
{
    for (size_t i = 0; language && tally_languages[i]; i++)
        if (strcmp(tally_languages[i], language) == 0) return 1;
    return 0;
}

const char *tally_message_text(const tally_message *m, const char *language)
{
    if (!m || !language) return NULL;
    if (strcmp(language, "en") == 0) return m->en;
    if (strcmp(language, "de") == 0) return m->de;
    if (strcmp(language, "zh") == 0) return m->zh;
    return NULL;
}

static atomic_size_t missed;

size_t tally_messages_missed(void) { return atomic_load(&missed); }

const char *tally_tr(const char *language, const char *english)
{
    if (!english) return "";
    for (size_t i = 0; i < tally_messages_count(); i++) {
        if (strcmp(catalogue[i].en, english) != 0) continue;
        const char *t = tally_message_text(&catalogue[i], language ? language : "en");
        return t ? t : english;
    }
    atomic_fetch_add(&missed, 1);
    return english;
}
