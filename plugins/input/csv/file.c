/* file.c: the csv reader's file in memory: mapped (with a guard against shrinking), or read into memory when it cannot be. */
#include "reader.h"
#include "grow_buf.h"
#include "map_huge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int csv_file_load(const char *path, csv_file *f, int *err)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    struct stat st;
    int bad = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0; /* st is unset when fstat fails */
    if (bad) {
        *err = bad;
        close(fd);
        return -1;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        /* in 2 MB pages where the kernel can: an uncached file read through an ordinary mapping
         * stayed in the page cache in 4 KB pages, and each later run that hashed it for the
         * column cache paid about 10 ms more to map and unmap them (1M bench file) */
        void *m = tally_map_huge(fd, (size_t)st.st_size, 0);
#ifdef CSV_TEST_HOOKS /* tests/e2e/hostile_crash.sh: another program shrinks the file once it is mapped */
        const char *shrink = getenv("TALLY_TEST_CSV_SHRINK_TO");
        if (m != MAP_FAILED && shrink && truncate(path, atol(shrink)) != 0) abort();
#endif
        if (m != MAP_FAILED) {
            f->map = m;
            f->data = m;
            f->len = (size_t)st.st_size;
            f->guarded = csv_mapguard_begin(m, f->len) == 0;
            f->fd = fd;
            return 0;
        }
    }
    size_t cap = 0, len = 0; /* pipes and files mmap refuses */
    char *buf = NULL;
    for (;;) {
        if (grow_array((void **)&buf, &cap, len + 1, 1, 1 << 16) != 0) {
            *err = ENOMEM;
            free(buf);
            close(fd);
            return -1;
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            *err = errno;
            free(buf);
            close(fd);
            return -1;
        }
        if (got == 0) break;
        len += (size_t)got;
    }
    close(fd);
    f->owned = buf;
    f->data = buf;
    f->len = len;
    return 0;
}

void csv_file_close(csv_file *f)
{
    if (f->guarded) csv_mapguard_end();
    f->guarded = 0;
    if (f->map) munmap(f->map, f->len);
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
    free(f->owned);
}
