/* test_messages.c: the message catalogue is complete in every report language; numbers, percents,
 * p-values and dates are written each language's way. */
#include "check.h"
#include "messages.h"
#include "numfmt.h"
#include "report_fixture.h"
#include "result.h"

#include <stdlib.h>
#include <string.h>

/* The printf conversions of a text, in order ("%s%d"), so that a translation cannot drop or swap one.
 * A conversion is '%', flags, width, precision, length and a conversion letter with nothing between
 * them: a percent sign in prose ("0% or 100%", German "0 %") is none. */
static void conversions(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; s && *s && o + 3 < n; s++) {
        if (*s != '%') continue;
        if (s[1] == '%') { s++; continue; }
        const char *p = s + 1;
        p += strspn(p, "-+0#");
        p += strspn(p, "0123456789.*");
        p += strspn(p, "hlzjt");
        if (!*p || !strchr("sdiuxXfeEgGcp", *p)) continue;
        out[o++] = '%';
        out[o++] = *p;
        s = p;
    }
    out[o] = '\0';
}

static void catalogue_complete(void)
{
    size_t n = tally_messages_count(), incomplete = 0, mismatched = 0, dup = 0;
    CHECK(n > 60, "the catalogue has its %zu messages", n);
    for (size_t i = 0; i < n; i++) {
        const tally_message *m = tally_message_at(i);
        char want[64], got[64];
        conversions(m->en, want, sizeof want);
        for (size_t l = 0; tally_languages[l]; l++) {
            const char *text = tally_message_text(m, tally_languages[l]);
            if (!text || !*text) {
                incomplete++;
                printf("#   \"%s\" has no %s text\n", m->en ? m->en : "(null)", tally_languages[l]);
                continue;
            }
            conversions(text, got, sizeof got);
            if (strcmp(got, want) != 0) {
                mismatched++;
                printf("#   \"%s\" in %s has conversions %s, English %s\n", m->en, tally_languages[l], got, want);
            }
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(tally_message_at(j)->en, m->en) == 0) {
                dup++;
                printf("#   \"%s\" is in the catalogue twice\n", m->en);
            }
    }
    CHECK(incomplete == 0, "every message has a text in every language (no English fallback)");
    CHECK(mismatched == 0, "every translation keeps the English text's printf conversions in order");
    CHECK(dup == 0, "no message is in the catalogue twice");
    /* a fabricated entry without Chinese is what the check above reports */
    tally_message partial = {.en = "Count", .de = "Anzahl", .zh = NULL};
    CHECK(tally_message_text(&partial, "zh") == NULL, "a message lacking a language is seen as lacking it");
}

static void lookup(void)
{
    CHECK_STR(tally_tr("de", "System missing"), "System-fehlend", "German");
    CHECK_STR(tally_tr("zh", "System missing"), "系统缺失", "Chinese");
    CHECK_STR(tally_tr("en", "Back to contents"), "Back to contents", "English");
    CHECK_STR(tally_tr("zh", "Back to contents"), "返回目录", "Chinese link back");
    CHECK_STR(tally_tr("de", "Std. deviation"), "Standardabweichung", "the once doubled entry");
    size_t before = tally_messages_missed();
    CHECK_STR(tally_tr("de", "No such text in tally"), "No such text in tally", "an unknown text comes back");
    CHECK(tally_messages_missed() == before + 1, "and is counted as missed");
    CHECK(tally_language_known("zh") && tally_language_known("de") && !tally_language_known("fr"),
          "en, de, zh are the report languages");
}

static void numbers(void)
{
    char b[64];
    CHECK_STR(tally_fmt_percent("de", 78.94, 1, b, sizeof b), "78,9 %", "German percent");
    CHECK_STR(tally_fmt_percent("zh", 78.94, 1, b, sizeof b), "78.9%", "Chinese percent");
    CHECK_STR(tally_fmt_percent("en", 78.94, 1, b, sizeof b), "78.9%", "English percent");
    CHECK_STR(tally_fmt_count("de", 1234, 0, b, sizeof b), "1.234", "German thousands");
    CHECK_STR(tally_fmt_count("en", 1234567, 0, b, sizeof b), "1,234,567", "English thousands");
    CHECK_STR(tally_fmt_count("zh", 835, 0, b, sizeof b), "835", "no separator below 1000");
    CHECK_STR(tally_fmt_count("de", 1186.25, 1, b, sizeof b), "1.186,3", "weighted count, German");
    CHECK_STR(tally_fmt_count("en", -1234, 0, b, sizeof b), "-1,234", "negative count");
    CHECK_STR(tally_fmt_number("de", 2.345, 2, 0, b, sizeof b), "2,35", "German decimals, halves up");
    CHECK_STR(tally_fmt_p("en", 0.0004, b, sizeof b), "< .001", "p = .0004");
    CHECK_STR(tally_fmt_p("en", 0.0272, b, sizeof b), ".027", "p = .027");
    CHECK_STR(tally_fmt_p("de", 0.0272, b, sizeof b), ",027", "German p");
    CHECK_STR(tally_fmt_p("en", 0.001, b, sizeof b), ".001", "p = .001 is not below .001");
    CHECK_STR(tally_fmt_p("en", 1.0, b, sizeof b), "1.000", "p = 1");
    CHECK_STR(tally_fmt_p_clause("en", 0.0004, b, sizeof b), "p < .001", "p clause below .001");
    CHECK_STR(tally_fmt_p_clause("en", 0.272, b, sizeof b), "p = .272", "p clause");
    CHECK_STR(tally_fmt_date("de", 1949, 3, 24, b, sizeof b), "24.03.1949", "German date");
    CHECK_STR(tally_fmt_date("zh", 1949, 3, 24, b, sizeof b), "1949年3月24日", "Chinese date");
    CHECK_STR(tally_fmt_iso_date("en", "1949-03-24", b, sizeof b), "1949-03-24", "English (ISO) date");
    CHECK_STR(tally_fmt_iso_date("de", "soon", b, sizeof b), "soon", "a text that is no date stays");
}

static void table_cells(void)
{
    tally_table *t = fixture_format_table("t", NULL, 1, 2);
    tally_report *r = fixture_report_in("de", t);
    check_formats(t, "german");
    tally_report_free(r);
    tally_table_unref(t);
}

int main(void)
{
    catalogue_complete();
    lookup();
    numbers();
    table_cells();
    CHECK_DONE();
}
