/* gen_bench_xlsx.c: writes the seeded benchmark workbook (N rows by 30 columns) through libxlsxwriter, for the excel reader's bench. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

/*
 * Usage: gen_bench_xlsx [--rows N] [--seed S] --out FILE.xlsx
 *
 * One sheet "survey": a header row, then N rows of 30 columns as a survey export holds
 * them: an id, 20 answer codes (1..5, a few blank), 4 decimals (amounts, a weight),
 * 3 texts from short lists, a date cell (date format) and a free comment. Written in
 * libxlsxwriter's constant_memory mode (row by row, strings inline), so the generator's
 * memory stays small whatever N. The same seed and N always give the same cells.
 */

#define NCODES 20

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static const char *const CITIES[] = {"Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart",
                                     "Düsseldorf", "Leipzig", "Dortmund", "Essen", "Bremen", "Dresden"};
static const char *const MODES[] = {"online", "telephone", "face to face"};
static const char *const SECTORS[] = {"public administration", "industry", "trade", "services", "education",
                                      "health", "agriculture", "other"};
static const char *const WORDS[] = {"good", "cooperation", "partner", "school", "exchange", "visit", "trade",
                                    "culture", "slow", "funding", "city", "project"};

static void header(lxw_worksheet *ws, lxw_format *bold)
{
    char name[32];
    worksheet_write_string(ws, 0, 0, "id", bold);
    for (int k = 0; k < NCODES; k++) {
        snprintf(name, sizeof name, "q%02d", k + 1);
        worksheet_write_string(ws, 0, (lxw_col_t)(1 + k), name, bold);
    }
    const char *rest[] = {"income", "distance_km", "minutes", "weight", "city", "mode", "sector", "interview_date",
                          "comment"};
    for (int k = 0; k < 9; k++) worksheet_write_string(ws, 0, (lxw_col_t)(1 + NCODES + k), rest[k], bold);
}

static void row(lxw_worksheet *ws, lxw_format *date, lxw_row_t r)
{
    worksheet_write_number(ws, r, 0, (double)r, NULL);
    for (int k = 0; k < NCODES; k++) {
        uint32_t v = rnd() % 100;
        if (v < 3) continue; /* not answered: an empty cell */
        worksheet_write_number(ws, r, (lxw_col_t)(1 + k), (double)(1 + v % 5), NULL);
    }
    lxw_col_t c = 1 + NCODES;
    worksheet_write_number(ws, r, c++, 800.0 + (double)(rnd() % 600000) / 100.0, NULL);
    worksheet_write_number(ws, r, c++, (double)(rnd() % 100000) / 1000.0, NULL);
    worksheet_write_number(ws, r, c++, (double)(5 + rnd() % 55), NULL);
    worksheet_write_number(ws, r, c++, 0.5 + (double)(rnd() % 1000) / 1000.0, NULL);
    worksheet_write_string(ws, r, c++, CITIES[rnd() % 12], NULL);
    worksheet_write_string(ws, r, c++, MODES[rnd() % 3], NULL);
    worksheet_write_string(ws, r, c++, SECTORS[rnd() % 8], NULL);
    lxw_datetime d = {2024, (int)(1 + rnd() % 12), (int)(1 + rnd() % 28), 0, 0, 0};
    worksheet_write_datetime(ws, r, c++, &d, date);
    if (rnd() % 4 == 0) { /* a comment from one in four */
        char text[96];
        snprintf(text, sizeof text, "%s %s %s", WORDS[rnd() % 12], WORDS[rnd() % 12], WORDS[rnd() % 12]);
        worksheet_write_string(ws, r, c, text, NULL);
    }
}

int main(int argc, char **argv)
{
    long rows = 1000000;
    uint64_t seed = 20240506;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc) rows = atol(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
        else {
            fprintf(stderr, "usage: gen_bench_xlsx [--rows N] [--seed S] --out FILE.xlsx\n");
            return 2;
        }
    }
    if (!out || rows < 1 || rows > 1048575) {
        fprintf(stderr, "gen_bench_xlsx: --out FILE.xlsx is needed, and --rows between 1 and 1048575\n");
        return 2;
    }
    rng_state = seed;
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(out, &opt);
    if (!wb) {
        fprintf(stderr, "gen_bench_xlsx: cannot create %s\n", out);
        return 1;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "survey");
    lxw_format *bold = workbook_add_format(wb), *date = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(date, "yyyy-mm-dd");
    header(ws, bold);
    for (long r = 1; r <= rows; r++) row(ws, date, (lxw_row_t)r);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        fprintf(stderr, "gen_bench_xlsx: writing %s failed: %s\n", out, lxw_strerror(e));
        return 1;
    }
    return 0;
}
