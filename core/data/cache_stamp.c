/* cache_stamp.c: when a run may take the data file's content hash from its cache instead of reading the file again. */
#include "cache_int.h"

#include <stddef.h>
#include <string.h>
#ifdef __linux__
#include <linux/magic.h>
#endif

/*
 * Hashing the 137 MB benchmark file took a third of a cached report's time. A file's
 * inode change time (st_ctime) is set by the kernel to the current time on every write,
 * truncation, rename and change of its times or mode, and no system call sets it to a
 * value of the caller's choosing (short of setting the system clock back). So while a file keeps its device, inode, size,
 * modification and change times, its bytes are the ones that were hashed; this is the
 * test git's index and make-like tools rely on. It holds only where the file system
 * keeps a change time of its own: FAT and exFAT derive it from the modification time,
 * which `touch -d` sets back; network and FUSE file systems report what a server or a
 * program says. Only the file systems below are trusted; everywhere else every run
 * hashes the whole file, as it did before stamps.
 */

#ifdef __linux__
static const long trusted_types[] = {
    EXT4_SUPER_MAGIC, /* ext2, ext3 and ext4 share it */
    XFS_SUPER_MAGIC,
    BTRFS_SUPER_MAGIC,
    F2FS_SUPER_MAGIC,
    TMPFS_MAGIC,
    OVERLAYFS_SUPER_MAGIC, /* containers: a write copies the file up, a new inode and change time */
    0x2FC12FC1,            /* ZFS (not in linux/magic.h) */
};
#endif

/* 1 when the file system keeps change times the kernel sets itself. */
static int keeps_change_times(long fs_type)
{
#ifdef __linux__
    for (size_t i = 0; i < sizeof trusted_types / sizeof *trusted_types; i++)
        if ((unsigned long)fs_type == (unsigned long)trusted_types[i]) return 1;
#else
    (void)fs_type;
#endif
    return 0;
}

/* The fields a stamp keeps of a file's status (before `hash`, which with `taken` is left 0):
 * the one place that lists them, so that a stamp, its check and the comparison of two
 * statuses cannot look at different fields. */
static cache_stamp identity_of(const struct stat *st)
{
    cache_stamp s;
    memset(&s, 0, sizeof s);
    s.dev = (uint64_t)st->st_dev;
    s.ino = (uint64_t)st->st_ino;
    s.size = (uint64_t)st->st_size;
    s.mtime_s = (int64_t)st->st_mtim.tv_sec;
    s.mtime_ns = (int64_t)st->st_mtim.tv_nsec;
    s.ctime_s = (int64_t)st->st_ctim.tv_sec;
    s.ctime_ns = (int64_t)st->st_ctim.tv_nsec;
    return s;
}

/* 1 when two stamps name the same file in the same state (their fields before `hash`). */
static int same_identity(const cache_stamp *a, const cache_stamp *b)
{
    return memcmp(a, b, offsetof(cache_stamp, hash)) == 0;
}

int cache_same_status(const struct stat *a, const struct stat *b)
{
    cache_stamp x = identity_of(a), y = identity_of(b);
    return same_identity(&x, &y);
}

cache_stamp cache_stamp_take(const struct stat *before, const struct stat *after, long fs_type,
                             const struct timespec *now, uint64_t hash)
{
    cache_stamp none;
    memset(&none, 0, sizeof none);
    /* a change time of the last seconds may be shared by a write still to come */
    int settled = after->st_ctim.tv_sec + CACHE_STAMP_AGE < now->tv_sec ||
                  (after->st_ctim.tv_sec + CACHE_STAMP_AGE == now->tv_sec && after->st_ctim.tv_nsec <= now->tv_nsec);
    if (!cache_same_status(before, after) || !keeps_change_times(fs_type) || !settled) return none;
    cache_stamp s = identity_of(after);
    s.hash = hash;
    s.taken = 1;
    return s;
}

int cache_stamp_holds(const cache_stamp *s, const struct stat *st, long fs_type)
{
    cache_stamp now = identity_of(st);
    return s->taken == 1 && keeps_change_times(fs_type) && same_identity(s, &now);
}
