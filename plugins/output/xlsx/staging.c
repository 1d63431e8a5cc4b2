/* staging.c: the folder where libxlsxwriter stages a workbook's parts before it zips them. */
#include "xlsx.h"

#include <linux/magic.h>
#include <stdlib.h>
#include <sys/vfs.h>
#include <unistd.h>

/* libxlsxwriter writes each part of a workbook (a sheet's XML, the shared strings, the
 * styles) to a temporary file of its own, then reads them all back into the .xlsx file. A
 * report of many tables makes many parts (the bench's 57 sheets make 66), and on a disk
 * file system each costs an inode: on ext4 the workbook's close took 13 to 18 ms at the
 * 1M bench, against 8 to 12 ms with the parts in memory. So the parts go to a folder in
 * memory when that is cheap and safe: never when the user names one (TMPDIR), never with a
 * data sheet (its cells can take gigabytes), never for tables of more cells than this
 * (whose XML would take more memory than the tables themselves), and only where the
 * folder has room to spare for them (a container's /dev/shm may hold 64 MB in all). */
#define XW_STAGING_CELLS_MAX 1000000u
#define XW_STAGING_CELL_BYTES 256u             /* a cell's XML, generously (about 100 bytes) */
#define XW_STAGING_SPARE ((size_t)64 << 20)     /* room left over beside the parts, at least */

/* The folder in memory tally may stage `need` bytes in: /dev/shm when it is a tmpfs this
 * process can write to, with twice `need` and XW_STAGING_SPARE free; else NULL. */
static const char *memory_folder(size_t need)
{
    static const char dir[] = "/dev/shm";
    struct statfs fs;
    if (statfs(dir, &fs) != 0 || fs.f_type != TMPFS_MAGIC) return NULL;
    if ((double)fs.f_bavail * (double)fs.f_bsize < 2.0 * (double)need + (double)XW_STAGING_SPARE) return NULL;
    return access(dir, W_OK | X_OK) == 0 ? dir : NULL;
}

/* The cells of all the report's tables, counted up to past XW_STAGING_CELLS_MAX. */
static size_t table_cells(const tally_host *h, const tally_report *rep)
{
    size_t cells = 0, n = h->rep_ntables(rep);
    for (size_t i = 0; i < n && cells <= XW_STAGING_CELLS_MAX; i++) {
        const tally_table *t = h->rep_table(rep, i);
        cells += h->tab_nrows(t) * (h->tab_ncols(t) + 1); /* a row's label too */
    }
    return cells;
}

const char *xw_staging_folder(const tally_host *h, tally_ctx *ctx, const tally_report *rep, int data_sheet)
{
    const char *user = getenv("TMPDIR");
    if (user && *user) return user;
    if (data_sheet) return NULL; /* its cells can take gigabytes: libxlsxwriter's default */
    size_t cells = table_cells(h, rep);
    const char *mem = cells <= XW_STAGING_CELLS_MAX ? memory_folder(cells * XW_STAGING_CELL_BYTES) : NULL;
    if (mem) h->log(ctx, TALLY_LOG_DEBUG, "the workbook's parts are staged in %s (in memory) before they are zipped", mem);
    return mem; /* NULL: libxlsxwriter's own temporary files (the system's temporary folder) */
}
