/* test_dataset_edit.c: removing and moving columns keeps sets, the weight and the name index right; read facts. */
#include "check.h"
#include "dataset.h"

int main(void)
{
    tally_dataset *ds = tally_dataset_new("d");
    const char *names[] = {"id", "a", "b", "c", "w"};
    for (int i = 0; i < 5; i++) tally_dataset_add_column(ds, names[i], TALLY_NUMERIC);
    tally_dataset_resize(ds, 3);
    int abc[] = {1, 2, 3}, bc[] = {2, 3}, only_a[] = {1};
    tally_dataset_add_mrset(ds, "abc", NULL, TALLY_MRSET_DICHOTOMY, 1, abc, 3);
    tally_dataset_add_mrset(ds, "bc", NULL, TALLY_MRSET_DICHOTOMY, 1, bc, 2);
    tally_dataset_add_mrset(ds, "just_a", NULL, TALLY_MRSET_DICHOTOMY, 1, only_a, 1);
    tally_dataset_set_weight(ds, 4);

    CHECK(tally_dataset_drop_column(ds, 1) == 0, "column a dropped");
    CHECK(ds->ncols == 4 && tally_dataset_find(ds, "a") < 0, "a is gone from the columns and the name index");
    CHECK(tally_dataset_find(ds, "b") == 1 && tally_dataset_find(ds, "w") == 3, "later columns move up and are found");
    const tally_mrset *m = tally_dataset_find_mrset(ds, "abc");
    CHECK(m && m->ncols == 2 && m->cols[0] == 1 && m->cols[1] == 2, "set abc keeps b and c at their new places");
    CHECK(tally_dataset_find_mrset(ds, "just_a") == NULL && ds->nmrsets == 2, "a set left empty goes");
    CHECK(ds->weight == 3, "the weight follows its column (got %d)", ds->weight);

    CHECK(tally_dataset_move_column(ds, 3, 0) == 0, "w moved to the front");
    CHECK(tally_dataset_find(ds, "w") == 0 && tally_dataset_find(ds, "id") == 1 && tally_dataset_find(ds, "c") == 3,
          "the others keep their order after it");
    CHECK(ds->weight == 0, "the weight follows the move");
    m = tally_dataset_find_mrset(ds, "bc");
    CHECK(m && m->cols[0] == 2 && m->cols[1] == 3, "set bc follows the move");
    CHECK(tally_dataset_move_column(ds, 1, 3) == 0 && tally_dataset_find(ds, "id") == 3 &&
          tally_dataset_find(ds, "b") == 1, "a move to the back");
    CHECK(tally_dataset_drop_column(ds, 9) == -1 && tally_dataset_move_column(ds, 0, 9) == -1, "bad indexes refused");
    tally_dataset_drop_column(ds, 0);
    CHECK(ds->weight == -1, "dropping the weight's column leaves no weight");

    tally_dataset_set_info(ds, "encoding", "utf-8");
    tally_dataset_set_info(ds, "layout", "plain");
    tally_dataset_set_info(ds, "encoding", "latin-1");
    CHECK(ds->ninfo == 2 && strcmp(ds->info[0], "encoding") == 0, "facts keep the order first set");
    CHECK_STR(tally_dataset_info(ds, "encoding"), "latin-1", "a fact set again is replaced");
    CHECK(tally_dataset_info(ds, "delimiter") == NULL, "an unset fact is NULL");
    tally_dataset_free(ds);
    CHECK_DONE();
}
