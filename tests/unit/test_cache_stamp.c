/* test_cache_stamp.c: when the column cache may stand for the data file's content hash: its stamp taken only from a settled, unchanged file on a trusted file system, and holding only for that very file. */
#include "cache_int.h"
#include "check.h"

#include <string.h>

#define EXT4 0xEF53L
#define XFS 0x58465342L
#define TMPFS 0x01021994L
#define VFAT 0x4d44L /* MSDOS_SUPER_MAGIC: change times derived from modification times */
#define NFS 0x6969L
#define FUSE 0x65735546L

/* A data file's status: hashed long ago (change time 1,700,000,000.5). */
static struct stat status(void)
{
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_dev = 2049;
    st.st_ino = 131077;
    st.st_size = 137280259;
    st.st_mtim.tv_sec = 1699999000;
    st.st_mtim.tv_nsec = 123456789;
    st.st_ctim.tv_sec = 1700000000;
    st.st_ctim.tv_nsec = 500000000;
    return st;
}

/* The time `secs` and `nsecs` after the status's change time. */
static struct timespec after_change(long secs, long nsecs)
{
    struct timespec t = {1700000000 + secs, 500000000 + nsecs};
    if (t.tv_nsec >= 1000000000) t.tv_sec++, t.tv_nsec -= 1000000000;
    if (t.tv_nsec < 0) t.tv_sec--, t.tv_nsec += 1000000000;
    return t;
}

static int taken(const struct stat *before, const struct stat *after, long fs, struct timespec now)
{
    return cache_stamp_take(before, after, fs, &now, 42).taken == 1;
}

static void test_take(void)
{
    struct stat st = status(), changed;
    cache_stamp s = cache_stamp_take(&st, &st, EXT4, &(struct timespec){1700000600, 0}, 0xfeedULL);
    CHECK(s.taken == 1, "a file changed ten minutes ago, the same before and after hashing, on ext4: stamped");
    CHECK(s.hash == 0xfeedULL && s.dev == 2049 && s.ino == 131077 && s.size == 137280259, "  its hash, device, inode, size");
    CHECK(s.mtime_s == 1699999000 && s.mtime_ns == 123456789 && s.ctime_s == 1700000000 && s.ctime_ns == 500000000,
          "  its modification and change times to the nanosecond");
    CHECK(taken(&st, &st, XFS, after_change(600, 0)) && taken(&st, &st, TMPFS, after_change(600, 0)),
          "xfs and tmpfs keep change times: stamped");

    CHECK(!taken(&st, &st, VFAT, after_change(600, 0)), "vfat (change time follows touch -d): no stamp");
    CHECK(!taken(&st, &st, NFS, after_change(600, 0)), "NFS (times as a server reports them): no stamp");
    CHECK(!taken(&st, &st, FUSE, after_change(600, 0)), "FUSE: no stamp");
    CHECK(!taken(&st, &st, 0, after_change(600, 0)), "an unknown file system: no stamp");

    CHECK(taken(&st, &st, EXT4, after_change(CACHE_STAMP_AGE, 0)), "changed exactly CACHE_STAMP_AGE seconds ago: stamped");
    CHECK(!taken(&st, &st, EXT4, after_change(CACHE_STAMP_AGE, -1)), "one nanosecond younger: no stamp");
    CHECK(!taken(&st, &st, EXT4, after_change(0, 1000000)), "changed a millisecond ago: no stamp");
    CHECK(!taken(&st, &st, EXT4, after_change(-60, 0)), "a change time in the future (clock set back): no stamp");

    changed = st;
    changed.st_ctim.tv_nsec++;
    CHECK(!taken(&st, &changed, EXT4, after_change(600, 0)), "written while it was hashed (change time moved): no stamp");
    changed = st;
    changed.st_size++;
    CHECK(!taken(&st, &changed, EXT4, after_change(600, 0)), "grew while it was hashed: no stamp");
    changed = st;
    changed.st_ino++;
    CHECK(!taken(&st, &changed, EXT4, after_change(600, 0)), "replaced while it was hashed (another inode): no stamp");
    changed = st;
    changed.st_mtim.tv_sec--;
    CHECK(!taken(&st, &changed, EXT4, after_change(600, 0)), "its modification time set while it was hashed: no stamp");
}

/* 1 when the stamp of status() holds for `now_status` on fs. */
static int holds(const struct stat *now_status, long fs)
{
    struct stat st = status();
    cache_stamp s = cache_stamp_take(&st, &st, EXT4, &(struct timespec){1700000600, 0}, 7);
    return cache_stamp_holds(&s, now_status, fs);
}

static void test_holds(void)
{
    struct stat st = status(), other;
    CHECK(holds(&st, EXT4), "the same file, unchanged: the stamp holds");
    CHECK(!holds(&st, VFAT), "the same status on vfat: it does not");
    other = st, other.st_dev++;
    CHECK(!holds(&other, EXT4), "another device: it does not hold");
    other = st, other.st_ino++;
    CHECK(!holds(&other, EXT4), "another inode (the file replaced): it does not hold");
    other = st, other.st_size--;
    CHECK(!holds(&other, EXT4), "another size: it does not hold");
    other = st, other.st_mtim.tv_nsec++;
    CHECK(!holds(&other, EXT4), "a modification time one nanosecond later: it does not hold");
    other = st, other.st_ctim.tv_sec++;
    CHECK(!holds(&other, EXT4), "a change time a second later (a byte written, the times put back): it does not hold");
    other = st, other.st_ctim.tv_nsec--;
    CHECK(!holds(&other, EXT4), "a change time a nanosecond earlier: it does not hold");

    cache_stamp none;
    memset(&none, 0, sizeof none);
    struct stat zero;
    memset(&zero, 0, sizeof zero);
    CHECK(!cache_stamp_holds(&none, &zero, EXT4), "no stamp taken (all zeros) holds for no file, not even an all-zero status");
}

int main(void)
{
    test_take();
    test_holds();
    CHECK_DONE();
}
